// Original file: cairn/v1/replication.proto


export interface PulseAnswer {
  /**
   * False when the relay cannot vouch for the host now: its reports do not
   * reach a primary, or the primary asked for the host's whole heartbeat.
   */
  'relayed'?: (boolean);
}

export interface PulseAnswer__Output {
  /**
   * False when the relay cannot vouch for the host now: its reports do not
   * reach a primary, or the primary asked for the host's whole heartbeat.
   */
  'relayed': (boolean);
}
