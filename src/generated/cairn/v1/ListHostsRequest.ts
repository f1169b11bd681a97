// Original file: cairn/v1/registry.proto


export interface ListHostsRequest {
  /**
   * Only hosts of this domain; empty means every host.
   */
  'domain'?: (string);
  /**
   * With domain: also the hosts of its descendants.
   */
  'recursive'?: (boolean);
}

export interface ListHostsRequest__Output {
  /**
   * Only hosts of this domain; empty means every host.
   */
  'domain': (string);
  /**
   * With domain: also the hosts of its descendants.
   */
  'recursive': (boolean);
}
