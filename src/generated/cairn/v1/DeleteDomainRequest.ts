// Original file: cairn/v1/registry.proto

import type { Long } from '@grpc/proto-loader';

export interface DeleteDomainRequest {
  'path'?: (string);
  /**
   * Also delete every subdomain and every host in them; without it, deleting
   * a domain that holds hosts or subdomains fails with FAILED_PRECONDITION.
   * The root domain cannot be deleted.
   */
  'recursive'?: (boolean);
  'expected_revision'?: (number | string | Long);
  '_expected_revision'?: "expected_revision";
}

export interface DeleteDomainRequest__Output {
  'path': (string);
  /**
   * Also delete every subdomain and every host in them; without it, deleting
   * a domain that holds hosts or subdomains fails with FAILED_PRECONDITION.
   * The root domain cannot be deleted.
   */
  'recursive': (boolean);
  'expected_revision'?: (number);
  '_expected_revision'?: "expected_revision";
}
