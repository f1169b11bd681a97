// Original file: cairn/v1/registry.proto


export interface GetTreeRequest {
  /**
   * Only this domain and its descendants; empty means "/".
   */
  'root'?: (string);
}

export interface GetTreeRequest__Output {
  /**
   * Only this domain and its descendants; empty means "/".
   */
  'root': (string);
}
