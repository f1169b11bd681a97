// Original file: cairn/v1/agent.proto


export interface EjectedManager {
  'host'?: (string);
  'endpoint'?: (string);
  'type'?: (string);
  /**
   * How much longer before a health probe decides.
   */
  'ejected_for_ms'?: (number);
  /**
   * Consecutive ejections, this one included (each lasts 1 s more).
   */
  'count'?: (number);
}

export interface EjectedManager__Output {
  'host': (string);
  'endpoint': (string);
  'type': (string);
  /**
   * How much longer before a health probe decides.
   */
  'ejected_for_ms': (number);
  /**
   * Consecutive ejections, this one included (each lasts 1 s more).
   */
  'count': (number);
}
