// Original file: cairn/v1/agent.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { AgentAuthorizeReply as _cairn_v1_AgentAuthorizeReply, AgentAuthorizeReply__Output as _cairn_v1_AgentAuthorizeReply__Output } from '../../cairn/v1/AgentAuthorizeReply.js';
import type { AgentStatus as _cairn_v1_AgentStatus, AgentStatus__Output as _cairn_v1_AgentStatus__Output } from '../../cairn/v1/AgentStatus.js';
import type { AgentStatusRequest as _cairn_v1_AgentStatusRequest, AgentStatusRequest__Output as _cairn_v1_AgentStatusRequest__Output } from '../../cairn/v1/AgentStatusRequest.js';
import type { AuthorizeRequest as _cairn_v1_AuthorizeRequest, AuthorizeRequest__Output as _cairn_v1_AuthorizeRequest__Output } from '../../cairn/v1/AuthorizeRequest.js';
import type { ResolveRequest as _cairn_v1_ResolveRequest, ResolveRequest__Output as _cairn_v1_ResolveRequest__Output } from '../../cairn/v1/ResolveRequest.js';
import type { Route as _cairn_v1_Route, Route__Output as _cairn_v1_Route__Output } from '../../cairn/v1/Route.js';
import type { WatchRouteRequest as _cairn_v1_WatchRouteRequest, WatchRouteRequest__Output as _cairn_v1_WatchRouteRequest__Output } from '../../cairn/v1/WatchRouteRequest.js';

export interface AgentClient extends grpc.Client {
  /**
   * A routed call to type "command-control" with failover (SPEC section 8).
   */
  Authorize(argument: _cairn_v1_AuthorizeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_AgentAuthorizeReply__Output>): grpc.ClientUnaryCall;
  Authorize(argument: _cairn_v1_AuthorizeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_AgentAuthorizeReply__Output>): grpc.ClientUnaryCall;
  Authorize(argument: _cairn_v1_AuthorizeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_AgentAuthorizeReply__Output>): grpc.ClientUnaryCall;
  Authorize(argument: _cairn_v1_AuthorizeRequest, callback: grpc.requestCallback<_cairn_v1_AgentAuthorizeReply__Output>): grpc.ClientUnaryCall;
  /**
   * A routed call to type "command-control" with failover (SPEC section 8).
   */
  authorize(argument: _cairn_v1_AuthorizeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_AgentAuthorizeReply__Output>): grpc.ClientUnaryCall;
  authorize(argument: _cairn_v1_AuthorizeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_AgentAuthorizeReply__Output>): grpc.ClientUnaryCall;
  authorize(argument: _cairn_v1_AuthorizeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_AgentAuthorizeReply__Output>): grpc.ClientUnaryCall;
  authorize(argument: _cairn_v1_AuthorizeRequest, callback: grpc.requestCallback<_cairn_v1_AgentAuthorizeReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * The route from this agent's replica (from defaults to the agent's host).
   */
  Resolve(argument: _cairn_v1_ResolveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_Route__Output>): grpc.ClientUnaryCall;
  Resolve(argument: _cairn_v1_ResolveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_Route__Output>): grpc.ClientUnaryCall;
  Resolve(argument: _cairn_v1_ResolveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_Route__Output>): grpc.ClientUnaryCall;
  Resolve(argument: _cairn_v1_ResolveRequest, callback: grpc.requestCallback<_cairn_v1_Route__Output>): grpc.ClientUnaryCall;
  /**
   * The route from this agent's replica (from defaults to the agent's host).
   */
  resolve(argument: _cairn_v1_ResolveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_Route__Output>): grpc.ClientUnaryCall;
  resolve(argument: _cairn_v1_ResolveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_Route__Output>): grpc.ClientUnaryCall;
  resolve(argument: _cairn_v1_ResolveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_Route__Output>): grpc.ClientUnaryCall;
  resolve(argument: _cairn_v1_ResolveRequest, callback: grpc.requestCallback<_cairn_v1_Route__Output>): grpc.ClientUnaryCall;
  
  Status(argument: _cairn_v1_AgentStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_AgentStatus__Output>): grpc.ClientUnaryCall;
  Status(argument: _cairn_v1_AgentStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_AgentStatus__Output>): grpc.ClientUnaryCall;
  Status(argument: _cairn_v1_AgentStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_AgentStatus__Output>): grpc.ClientUnaryCall;
  Status(argument: _cairn_v1_AgentStatusRequest, callback: grpc.requestCallback<_cairn_v1_AgentStatus__Output>): grpc.ClientUnaryCall;
  status(argument: _cairn_v1_AgentStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_AgentStatus__Output>): grpc.ClientUnaryCall;
  status(argument: _cairn_v1_AgentStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_AgentStatus__Output>): grpc.ClientUnaryCall;
  status(argument: _cairn_v1_AgentStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_AgentStatus__Output>): grpc.ClientUnaryCall;
  status(argument: _cairn_v1_AgentStatusRequest, callback: grpc.requestCallback<_cairn_v1_AgentStatus__Output>): grpc.ClientUnaryCall;
  
  /**
   * The current route, then a new one each time it changes (suspects
   * included), forever.
   */
  WatchRoute(argument: _cairn_v1_WatchRouteRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_cairn_v1_Route__Output>;
  WatchRoute(argument: _cairn_v1_WatchRouteRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_cairn_v1_Route__Output>;
  /**
   * The current route, then a new one each time it changes (suspects
   * included), forever.
   */
  watchRoute(argument: _cairn_v1_WatchRouteRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_cairn_v1_Route__Output>;
  watchRoute(argument: _cairn_v1_WatchRouteRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_cairn_v1_Route__Output>;
  
}

export interface AgentHandlers extends grpc.UntypedServiceImplementation {
  /**
   * A routed call to type "command-control" with failover (SPEC section 8).
   */
  Authorize: grpc.handleUnaryCall<_cairn_v1_AuthorizeRequest__Output, _cairn_v1_AgentAuthorizeReply>;
  
  /**
   * The route from this agent's replica (from defaults to the agent's host).
   */
  Resolve: grpc.handleUnaryCall<_cairn_v1_ResolveRequest__Output, _cairn_v1_Route>;
  
  Status: grpc.handleUnaryCall<_cairn_v1_AgentStatusRequest__Output, _cairn_v1_AgentStatus>;
  
  /**
   * The current route, then a new one each time it changes (suspects
   * included), forever.
   */
  WatchRoute: grpc.handleServerStreamingCall<_cairn_v1_WatchRouteRequest__Output, _cairn_v1_Route>;
  
}

export interface AgentDefinition extends grpc.ServiceDefinition {
  Authorize: MethodDefinition<_cairn_v1_AuthorizeRequest, _cairn_v1_AgentAuthorizeReply, _cairn_v1_AuthorizeRequest__Output, _cairn_v1_AgentAuthorizeReply__Output>
  Resolve: MethodDefinition<_cairn_v1_ResolveRequest, _cairn_v1_Route, _cairn_v1_ResolveRequest__Output, _cairn_v1_Route__Output>
  Status: MethodDefinition<_cairn_v1_AgentStatusRequest, _cairn_v1_AgentStatus, _cairn_v1_AgentStatusRequest__Output, _cairn_v1_AgentStatus__Output>
  WatchRoute: MethodDefinition<_cairn_v1_WatchRouteRequest, _cairn_v1_Route, _cairn_v1_WatchRouteRequest__Output, _cairn_v1_Route__Output>
}
