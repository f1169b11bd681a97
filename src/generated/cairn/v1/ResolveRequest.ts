// Original file: cairn/v1/common.proto


/**
 * A route query, shared by Registry.Resolve and Agent.Resolve.
 */
export interface ResolveRequest {
  /**
   * Origin host id. Required by Registry.Resolve; an agent uses its own host
   * when empty.
   */
  'from'?: (string);
  /**
   * Manager type, e.g. "command-control".
   */
  'type'?: (string);
  /**
   * When true, the route also lists the unavailable packages with reasons.
   */
  'explain'?: (boolean);
}

/**
 * A route query, shared by Registry.Resolve and Agent.Resolve.
 */
export interface ResolveRequest__Output {
  /**
   * Origin host id. Required by Registry.Resolve; an agent uses its own host
   * when empty.
   */
  'from': (string);
  /**
   * Manager type, e.g. "command-control".
   */
  'type': (string);
  /**
   * When true, the route also lists the unavailable packages with reasons.
   */
  'explain': (boolean);
}
