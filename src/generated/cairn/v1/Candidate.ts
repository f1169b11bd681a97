// Original file: cairn/v1/common.proto


export interface Candidate {
  'host'?: (string);
  'domain'?: (string);
  /**
   * "local", "domain", "ancestor" or "elsewhere" (the JSON name of the tier).
   */
  'tier'?: (string);
  /**
   * "address:port" ("[v6]:port" for IPv6) to dial.
   */
  'endpoint'?: (string);
  /**
   * The package's priority; absent when the router does not report it.
   */
  'priority'?: (number);
  /**
   * Numeric tier: 0 local, 1 domain, 1+k k-th ancestor, then elsewhere
   * (growing with distance); candidates are sorted by it first. Absent when
   * the router does not report it.
   */
  'tier_rank'?: (number);
  '_priority'?: "priority";
  '_tier_rank'?: "tier_rank";
}

export interface Candidate__Output {
  'host': (string);
  'domain': (string);
  /**
   * "local", "domain", "ancestor" or "elsewhere" (the JSON name of the tier).
   */
  'tier': (string);
  /**
   * "address:port" ("[v6]:port" for IPv6) to dial.
   */
  'endpoint': (string);
  /**
   * The package's priority; absent when the router does not report it.
   */
  'priority'?: (number);
  /**
   * Numeric tier: 0 local, 1 domain, 1+k k-th ancestor, then elsewhere
   * (growing with distance); candidates are sorted by it first. Absent when
   * the router does not report it.
   */
  'tier_rank'?: (number);
  '_priority'?: "priority";
  '_tier_rank'?: "tier_rank";
}
