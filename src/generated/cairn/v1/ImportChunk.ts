// Original file: cairn/v1/registry.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A piece of an import file. format, replace, file_name and
 * expected_revision are read from the first chunk only; data of all chunks is
 * concatenated.
 */
export interface ImportChunk {
  'data'?: (Buffer | Uint8Array | string);
  /**
   * "yaml" or "json"; empty means "yaml" (JSON is valid YAML anyway).
   */
  'format'?: (string);
  /**
   * Swap the whole registry in one change (SPEC section 9); without it the
   * registry must hold nothing but the managers' own hosts and packages.
   */
  'replace'?: (boolean);
  /**
   * For error messages only ("file.yaml: root.hosts[2].id: ...").
   */
  'file_name'?: (string);
  'expected_revision'?: (number | string | Long);
  '_expected_revision'?: "expected_revision";
}

/**
 * A piece of an import file. format, replace, file_name and
 * expected_revision are read from the first chunk only; data of all chunks is
 * concatenated.
 */
export interface ImportChunk__Output {
  'data': (Buffer);
  /**
   * "yaml" or "json"; empty means "yaml" (JSON is valid YAML anyway).
   */
  'format': (string);
  /**
   * Swap the whole registry in one change (SPEC section 9); without it the
   * registry must hold nothing but the managers' own hosts and packages.
   */
  'replace': (boolean);
  /**
   * For error messages only ("file.yaml: root.hosts[2].id: ...").
   */
  'file_name': (string);
  'expected_revision'?: (number);
  '_expected_revision'?: "expected_revision";
}
