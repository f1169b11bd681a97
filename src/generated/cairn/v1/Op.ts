// Original file: cairn/v1/common.proto

import type { Domain as _cairn_v1_Domain, Domain__Output as _cairn_v1_Domain__Output } from '../../cairn/v1/Domain.js';
import type { Host as _cairn_v1_Host, Host__Output as _cairn_v1_Host__Output } from '../../cairn/v1/Host.js';
import type { TypeSpec as _cairn_v1_TypeSpec, TypeSpec__Output as _cairn_v1_TypeSpec__Output } from '../../cairn/v1/TypeSpec.js';

/**
 * One entity-level change: a put replaces the whole entity, a delete names it.
 * Exactly one member is set; a reader rejects an Op with none.
 */
export interface Op {
  'put_domain'?: (_cairn_v1_Domain | null);
  /**
   * Domain path.
   */
  'delete_domain'?: (string);
  'put_host'?: (_cairn_v1_Host | null);
  /**
   * Host id.
   */
  'delete_host'?: (string);
  'put_type'?: (_cairn_v1_TypeSpec | null);
  /**
   * Type name.
   */
  'delete_type'?: (string);
  'op'?: "put_domain"|"delete_domain"|"put_host"|"delete_host"|"put_type"|"delete_type";
}

/**
 * One entity-level change: a put replaces the whole entity, a delete names it.
 * Exactly one member is set; a reader rejects an Op with none.
 */
export interface Op__Output {
  'put_domain'?: (_cairn_v1_Domain__Output | null);
  /**
   * Domain path.
   */
  'delete_domain'?: (string);
  'put_host'?: (_cairn_v1_Host__Output | null);
  /**
   * Host id.
   */
  'delete_host'?: (string);
  'put_type'?: (_cairn_v1_TypeSpec__Output | null);
  /**
   * Type name.
   */
  'delete_type'?: (string);
  'op'?: "put_domain"|"delete_domain"|"put_host"|"delete_host"|"put_type"|"delete_type";
}
