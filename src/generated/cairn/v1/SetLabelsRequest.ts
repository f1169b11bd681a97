// Original file: cairn/v1/registry.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Edits a host's labels. With replace = true the labels become exactly
 * `set` and `remove` must be empty. Otherwise the keys in `remove` are
 * deleted (absent keys are ignored), then the pairs in `set` are written; a
 * key in both is INVALID_ARGUMENT.
 */
export interface SetLabelsRequest {
  'id'?: (string);
  'set'?: ({[key: string]: string});
  'remove'?: (string)[];
  'replace'?: (boolean);
  'expected_revision'?: (number | string | Long);
  '_expected_revision'?: "expected_revision";
}

/**
 * Edits a host's labels. With replace = true the labels become exactly
 * `set` and `remove` must be empty. Otherwise the keys in `remove` are
 * deleted (absent keys are ignored), then the pairs in `set` are written; a
 * key in both is INVALID_ARGUMENT.
 */
export interface SetLabelsRequest__Output {
  'id': (string);
  'set': ({[key: string]: string});
  'remove': (string)[];
  'replace': (boolean);
  'expected_revision'?: (number);
  '_expected_revision'?: "expected_revision";
}
