// Original file: cairn/v1/agent.proto


export interface WatchRouteRequest {
  'type'?: (string);
  /**
   * Origin host; the agent's own when empty.
   */
  'from'?: (string);
  'explain'?: (boolean);
}

export interface WatchRouteRequest__Output {
  'type': (string);
  /**
   * Origin host; the agent's own when empty.
   */
  'from': (string);
  'explain': (boolean);
}
