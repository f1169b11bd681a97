// Original file: cairn/v1/command_control.proto


export interface AuthorizeCommandReply {
  'allowed'?: (boolean);
  /**
   * For people: which rule matched, or "no rule matched".
   */
  'reason'?: (string);
  /**
   * This manager's host id.
   */
  'served_by'?: (string);
}

export interface AuthorizeCommandReply__Output {
  'allowed': (boolean);
  /**
   * For people: which rule matched, or "no rule matched".
   */
  'reason': (string);
  /**
   * This manager's host id.
   */
  'served_by': (string);
}
