// Original file: cairn/v1/registry.proto


export interface ListAgentsRequest {
  /**
   * Only the agents of this domain's hosts; empty means every host.
   */
  'domain'?: (string);
  /**
   * With domain: also the hosts of its descendants.
   */
  'recursive'?: (boolean);
}

export interface ListAgentsRequest__Output {
  /**
   * Only the agents of this domain's hosts; empty means every host.
   */
  'domain': (string);
  /**
   * With domain: also the hosts of its descendants.
   */
  'recursive': (boolean);
}
