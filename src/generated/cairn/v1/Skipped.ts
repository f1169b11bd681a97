// Original file: cairn/v1/common.proto


/**
 * An unavailable package of the asked type, with why it is out of the route.
 */
export interface Skipped {
  'host'?: (string);
  /**
   * Empty when the router does not report it.
   */
  'domain'?: (string);
  /**
   * For people, one of "package withdrawn", "host in maintenance", "host down",
   * "package unhealthy", "ejected" (src/router/route.ts).
   */
  'reason'?: (string);
  /**
   * For "ejected" (an agent's route as its calls take it): how much longer
   * the manager stays out before a health probe decides.
   */
  'ejected_for_ms'?: (number);
}

/**
 * An unavailable package of the asked type, with why it is out of the route.
 */
export interface Skipped__Output {
  'host': (string);
  /**
   * Empty when the router does not report it.
   */
  'domain': (string);
  /**
   * For people, one of "package withdrawn", "host in maintenance", "host down",
   * "package unhealthy", "ejected" (src/router/route.ts).
   */
  'reason': (string);
  /**
   * For "ejected" (an agent's route as its calls take it): how much longer
   * the manager stays out before a health probe decides.
   */
  'ejected_for_ms': (number);
}
