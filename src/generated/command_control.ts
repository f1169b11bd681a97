import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AuthorizeCommandReply as _cairn_v1_AuthorizeCommandReply, AuthorizeCommandReply__Output as _cairn_v1_AuthorizeCommandReply__Output } from './cairn/v1/AuthorizeCommandReply.js';
import type { AuthorizeCommandRequest as _cairn_v1_AuthorizeCommandRequest, AuthorizeCommandRequest__Output as _cairn_v1_AuthorizeCommandRequest__Output } from './cairn/v1/AuthorizeCommandRequest.js';
import type { CommandControlClient as _cairn_v1_CommandControlClient, CommandControlDefinition as _cairn_v1_CommandControlDefinition } from './cairn/v1/CommandControl.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  cairn: {
    v1: {
      AuthorizeCommandReply: MessageTypeDefinition<_cairn_v1_AuthorizeCommandReply, _cairn_v1_AuthorizeCommandReply__Output>
      AuthorizeCommandRequest: MessageTypeDefinition<_cairn_v1_AuthorizeCommandRequest, _cairn_v1_AuthorizeCommandRequest__Output>
      CommandControl: SubtypeConstructor<typeof grpc.Client, _cairn_v1_CommandControlClient> & { service: _cairn_v1_CommandControlDefinition }
    }
  }
}

