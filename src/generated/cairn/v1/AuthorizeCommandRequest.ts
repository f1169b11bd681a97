// Original file: cairn/v1/command_control.proto


export interface AuthorizeCommandRequest {
  /**
   * The host whose agent asks, for the manager's logs.
   */
  'agent_host'?: (string);
  'user'?: (string);
  'command'?: (string);
}

export interface AuthorizeCommandRequest__Output {
  /**
   * The host whose agent asks, for the manager's logs.
   */
  'agent_host': (string);
  'user': (string);
  'command': (string);
}
