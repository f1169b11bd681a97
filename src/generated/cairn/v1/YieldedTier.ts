// Original file: cairn/v1/common.proto


/**
 * A tier below min_healthy, with its share.
 */
export interface YieldedTier {
  /**
   * "local", a domain path ("/subdomain-1"), or "elsewhere".
   */
  'tier'?: (string);
  /**
   * Available packages of the type on the tier's hosts.
   */
  'available'?: (number);
  /**
   * Enabled packages of the type on the tier's hosts that are not in
   * maintenance (down hosts and unhealthy packages count).
   */
  'of'?: (number);
  /**
   * For people: "tier /subdomain-1: 1 of 3 available, below 50%".
   */
  'reason'?: (string);
}

/**
 * A tier below min_healthy, with its share.
 */
export interface YieldedTier__Output {
  /**
   * "local", a domain path ("/subdomain-1"), or "elsewhere".
   */
  'tier': (string);
  /**
   * Available packages of the type on the tier's hosts.
   */
  'available': (number);
  /**
   * Enabled packages of the type on the tier's hosts that are not in
   * maintenance (down hosts and unhealthy packages count).
   */
  'of': (number);
  /**
   * For people: "tier /subdomain-1: 1 of 3 available, below 50%".
   */
  'reason': (string);
}
