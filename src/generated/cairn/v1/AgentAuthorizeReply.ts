// Original file: cairn/v1/agent.proto


export interface AgentAuthorizeReply {
  'allowed'?: (boolean);
  'reason'?: (string);
  /**
   * The command-control manager's host id that answered.
   */
  'served_by'?: (string);
  /**
   * Every host tried, in order, the one that answered last.
   */
  'tried'?: (string)[];
}

export interface AgentAuthorizeReply__Output {
  'allowed': (boolean);
  'reason': (string);
  /**
   * The command-control manager's host id that answered.
   */
  'served_by': (string);
  /**
   * Every host tried, in order, the one that answered last.
   */
  'tried': (string)[];
}
