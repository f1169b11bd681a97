// Original file: cairn/v1/command_control.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AuthorizeCommandReply as _cairn_v1_AuthorizeCommandReply, AuthorizeCommandReply__Output as _cairn_v1_AuthorizeCommandReply__Output } from '../../cairn/v1/AuthorizeCommandReply.js';
import type { AuthorizeCommandRequest as _cairn_v1_AuthorizeCommandRequest, AuthorizeCommandRequest__Output as _cairn_v1_AuthorizeCommandRequest__Output } from '../../cairn/v1/AuthorizeCommandRequest.js';

export interface CommandControlClient extends grpc.Client {
  /**
   * Rules: allow/deny by user and command glob, first match wins, deny by
   * default. A denial is an answer (allowed = false), not an error.
   */
  Authorize(argument: _cairn_v1_AuthorizeCommandRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_AuthorizeCommandReply__Output>): grpc.ClientUnaryCall;
  Authorize(argument: _cairn_v1_AuthorizeCommandRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_AuthorizeCommandReply__Output>): grpc.ClientUnaryCall;
  Authorize(argument: _cairn_v1_AuthorizeCommandRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_AuthorizeCommandReply__Output>): grpc.ClientUnaryCall;
  Authorize(argument: _cairn_v1_AuthorizeCommandRequest, callback: grpc.requestCallback<_cairn_v1_AuthorizeCommandReply__Output>): grpc.ClientUnaryCall;
  /**
   * Rules: allow/deny by user and command glob, first match wins, deny by
   * default. A denial is an answer (allowed = false), not an error.
   */
  authorize(argument: _cairn_v1_AuthorizeCommandRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_AuthorizeCommandReply__Output>): grpc.ClientUnaryCall;
  authorize(argument: _cairn_v1_AuthorizeCommandRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_AuthorizeCommandReply__Output>): grpc.ClientUnaryCall;
  authorize(argument: _cairn_v1_AuthorizeCommandRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_AuthorizeCommandReply__Output>): grpc.ClientUnaryCall;
  authorize(argument: _cairn_v1_AuthorizeCommandRequest, callback: grpc.requestCallback<_cairn_v1_AuthorizeCommandReply__Output>): grpc.ClientUnaryCall;
  
}

export interface CommandControlHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Rules: allow/deny by user and command glob, first match wins, deny by
   * default. A denial is an answer (allowed = false), not an error.
   */
  Authorize: grpc.handleUnaryCall<_cairn_v1_AuthorizeCommandRequest__Output, _cairn_v1_AuthorizeCommandReply>;
  
}

export interface CommandControlDefinition extends grpc.ServiceDefinition {
  Authorize: MethodDefinition<_cairn_v1_AuthorizeCommandRequest, _cairn_v1_AuthorizeCommandReply, _cairn_v1_AuthorizeCommandRequest__Output, _cairn_v1_AuthorizeCommandReply__Output>
}
