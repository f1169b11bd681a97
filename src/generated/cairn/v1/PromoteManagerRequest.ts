// Original file: cairn/v1/registry.proto


export interface PromoteManagerRequest {
  /**
   * The backup to promote.
   */
  'host'?: (string);
  /**
   * Promote even though the primary still answers or another reachable
   * backup holds a later (epoch, revision).
   */
  'force'?: (boolean);
}

export interface PromoteManagerRequest__Output {
  /**
   * The backup to promote.
   */
  'host': (string);
  /**
   * Promote even though the primary still answers or another reachable
   * backup holds a later (epoch, revision).
   */
  'force': (boolean);
}
