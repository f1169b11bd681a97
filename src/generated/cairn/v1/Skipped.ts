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
   * "package unhealthy" (src/router/route.ts).
   */
  'reason'?: (string);
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
   * "package unhealthy" (src/router/route.ts).
   */
  'reason': (string);
}
