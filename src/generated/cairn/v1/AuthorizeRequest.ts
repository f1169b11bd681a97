// Original file: cairn/v1/agent.proto


export interface AuthorizeRequest {
  'user'?: (string);
  'command'?: (string);
}

export interface AuthorizeRequest__Output {
  'user': (string);
  'command': (string);
}
