// Original file: cairn/v1/replication.proto

import type { PackageHealthReport as _cairn_v1_PackageHealthReport, PackageHealthReport__Output as _cairn_v1_PackageHealthReport__Output } from '../../cairn/v1/PackageHealthReport.js';
import type { Package as _cairn_v1_Package, Package__Output as _cairn_v1_Package__Output } from '../../cairn/v1/Package.js';
import type { Long } from '@grpc/proto-loader';

export interface HeartbeatRequest {
  'host'?: (string);
  /**
   * The highest epoch the sender has seen (fencing).
   */
  'epoch'?: (number | string | Long);
  /**
   * The health of the host's packages; types not listed keep their health.
   */
  'packages'?: (_cairn_v1_PackageHealthReport)[];
  /**
   * Used only when the host is not registered yet (first contact): the host
   * is registered with this address ("127.0.0.1" when empty) in this domain
   * ("/" when empty). A registered host is never moved by its heartbeat.
   */
  'address'?: (string);
  'domain'?: (string);
  /**
   * The sender's replica revision (for lag reporting).
   */
  'revision'?: (number | string | Long);
  /**
   * Set by a registry manager only: its own "registry" package (port and
   * role), which the primary keeps current in the registry.
   */
  'registry_package'?: (_cairn_v1_Package | null);
  /**
   * The host id of the registry manager whose Watch stream feeds the
   * sender's replica (a backup manager: its primary); empty while it is
   * connected to none, or from a sender older than the field. Shown in the
   * fleet view (Registry.ListAgents).
   */
  'watching'?: (string);
  /**
   * In a Session only: this message says no more than "still alive" (and
   * the revision); everything else is as in the last whole heartbeat.
   */
  'pulse'?: (boolean);
}

export interface HeartbeatRequest__Output {
  'host': (string);
  /**
   * The highest epoch the sender has seen (fencing).
   */
  'epoch': (number);
  /**
   * The health of the host's packages; types not listed keep their health.
   */
  'packages': (_cairn_v1_PackageHealthReport__Output)[];
  /**
   * Used only when the host is not registered yet (first contact): the host
   * is registered with this address ("127.0.0.1" when empty) in this domain
   * ("/" when empty). A registered host is never moved by its heartbeat.
   */
  'address': (string);
  'domain': (string);
  /**
   * The sender's replica revision (for lag reporting).
   */
  'revision': (number);
  /**
   * Set by a registry manager only: its own "registry" package (port and
   * role), which the primary keeps current in the registry.
   */
  'registry_package': (_cairn_v1_Package__Output | null);
  /**
   * The host id of the registry manager whose Watch stream feeds the
   * sender's replica (a backup manager: its primary); empty while it is
   * connected to none, or from a sender older than the field. Shown in the
   * fleet view (Registry.ListAgents).
   */
  'watching': (string);
  /**
   * In a Session only: this message says no more than "still alive" (and
   * the revision); everything else is as in the last whole heartbeat.
   */
  'pulse': (boolean);
}
