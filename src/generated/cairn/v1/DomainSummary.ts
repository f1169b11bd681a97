// Original file: cairn/v1/registry.proto


export interface DomainSummary {
  'path'?: (string);
  /**
   * Hosts directly in this domain.
   */
  'host_count'?: (number);
  /**
   * Direct subdomains.
   */
  'subdomain_count'?: (number);
}

export interface DomainSummary__Output {
  'path': (string);
  /**
   * Hosts directly in this domain.
   */
  'host_count': (number);
  /**
   * Direct subdomains.
   */
  'subdomain_count': (number);
}
