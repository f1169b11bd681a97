// Original file: cairn/v1/registry.proto


export interface GetHostRequest {
  'id'?: (string);
}

export interface GetHostRequest__Output {
  'id': (string);
}
