// Original file: cairn/v1/common.proto


/**
 * A node of the domain tree.
 */
export interface Domain {
  /**
   * "/" for the root, "/emea/paris" for a subdomain (SPEC section 1).
   */
  'path'?: (string);
}

/**
 * A node of the domain tree.
 */
export interface Domain__Output {
  /**
   * "/" for the root, "/emea/paris" for a subdomain (SPEC section 1).
   */
  'path': (string);
}
