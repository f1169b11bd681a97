import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AgentClient as _cairn_v1_AgentClient, AgentDefinition as _cairn_v1_AgentDefinition } from './cairn/v1/Agent.js';
import type { AgentAuthorizeReply as _cairn_v1_AgentAuthorizeReply, AgentAuthorizeReply__Output as _cairn_v1_AgentAuthorizeReply__Output } from './cairn/v1/AgentAuthorizeReply.js';
import type { AgentStatus as _cairn_v1_AgentStatus, AgentStatus__Output as _cairn_v1_AgentStatus__Output } from './cairn/v1/AgentStatus.js';
import type { AgentStatusRequest as _cairn_v1_AgentStatusRequest, AgentStatusRequest__Output as _cairn_v1_AgentStatusRequest__Output } from './cairn/v1/AgentStatusRequest.js';
import type { AuthorizeRequest as _cairn_v1_AuthorizeRequest, AuthorizeRequest__Output as _cairn_v1_AuthorizeRequest__Output } from './cairn/v1/AuthorizeRequest.js';
import type { Candidate as _cairn_v1_Candidate, Candidate__Output as _cairn_v1_Candidate__Output } from './cairn/v1/Candidate.js';
import type { Change as _cairn_v1_Change, Change__Output as _cairn_v1_Change__Output } from './cairn/v1/Change.js';
import type { Domain as _cairn_v1_Domain, Domain__Output as _cairn_v1_Domain__Output } from './cairn/v1/Domain.js';
import type { EjectedManager as _cairn_v1_EjectedManager, EjectedManager__Output as _cairn_v1_EjectedManager__Output } from './cairn/v1/EjectedManager.js';
import type { Host as _cairn_v1_Host, Host__Output as _cairn_v1_Host__Output } from './cairn/v1/Host.js';
import type { Op as _cairn_v1_Op, Op__Output as _cairn_v1_Op__Output } from './cairn/v1/Op.js';
import type { Package as _cairn_v1_Package, Package__Output as _cairn_v1_Package__Output } from './cairn/v1/Package.js';
import type { PackageCheck as _cairn_v1_PackageCheck, PackageCheck__Output as _cairn_v1_PackageCheck__Output } from './cairn/v1/PackageCheck.js';
import type { Position as _cairn_v1_Position, Position__Output as _cairn_v1_Position__Output } from './cairn/v1/Position.js';
import type { ResolveRequest as _cairn_v1_ResolveRequest, ResolveRequest__Output as _cairn_v1_ResolveRequest__Output } from './cairn/v1/ResolveRequest.js';
import type { Route as _cairn_v1_Route, Route__Output as _cairn_v1_Route__Output } from './cairn/v1/Route.js';
import type { Skipped as _cairn_v1_Skipped, Skipped__Output as _cairn_v1_Skipped__Output } from './cairn/v1/Skipped.js';
import type { SnapshotChunk as _cairn_v1_SnapshotChunk, SnapshotChunk__Output as _cairn_v1_SnapshotChunk__Output } from './cairn/v1/SnapshotChunk.js';
import type { Spill as _cairn_v1_Spill, Spill__Output as _cairn_v1_Spill__Output } from './cairn/v1/Spill.js';
import type { TypeSpec as _cairn_v1_TypeSpec, TypeSpec__Output as _cairn_v1_TypeSpec__Output } from './cairn/v1/TypeSpec.js';
import type { WatchRouteRequest as _cairn_v1_WatchRouteRequest, WatchRouteRequest__Output as _cairn_v1_WatchRouteRequest__Output } from './cairn/v1/WatchRouteRequest.js';
import type { YieldedTier as _cairn_v1_YieldedTier, YieldedTier__Output as _cairn_v1_YieldedTier__Output } from './cairn/v1/YieldedTier.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  cairn: {
    v1: {
      Agent: SubtypeConstructor<typeof grpc.Client, _cairn_v1_AgentClient> & { service: _cairn_v1_AgentDefinition }
      AgentAuthorizeReply: MessageTypeDefinition<_cairn_v1_AgentAuthorizeReply, _cairn_v1_AgentAuthorizeReply__Output>
      AgentStatus: MessageTypeDefinition<_cairn_v1_AgentStatus, _cairn_v1_AgentStatus__Output>
      AgentStatusRequest: MessageTypeDefinition<_cairn_v1_AgentStatusRequest, _cairn_v1_AgentStatusRequest__Output>
      AuthorizeRequest: MessageTypeDefinition<_cairn_v1_AuthorizeRequest, _cairn_v1_AuthorizeRequest__Output>
      Candidate: MessageTypeDefinition<_cairn_v1_Candidate, _cairn_v1_Candidate__Output>
      Change: MessageTypeDefinition<_cairn_v1_Change, _cairn_v1_Change__Output>
      CheckKind: EnumTypeDefinition
      Domain: MessageTypeDefinition<_cairn_v1_Domain, _cairn_v1_Domain__Output>
      EjectedManager: MessageTypeDefinition<_cairn_v1_EjectedManager, _cairn_v1_EjectedManager__Output>
      Host: MessageTypeDefinition<_cairn_v1_Host, _cairn_v1_Host__Output>
      Liveness: EnumTypeDefinition
      ManagerRole: EnumTypeDefinition
      Op: MessageTypeDefinition<_cairn_v1_Op, _cairn_v1_Op__Output>
      Package: MessageTypeDefinition<_cairn_v1_Package, _cairn_v1_Package__Output>
      PackageCheck: MessageTypeDefinition<_cairn_v1_PackageCheck, _cairn_v1_PackageCheck__Output>
      PackageHealth: EnumTypeDefinition
      PackageState: EnumTypeDefinition
      Policy: EnumTypeDefinition
      Position: MessageTypeDefinition<_cairn_v1_Position, _cairn_v1_Position__Output>
      ResolveRequest: MessageTypeDefinition<_cairn_v1_ResolveRequest, _cairn_v1_ResolveRequest__Output>
      Route: MessageTypeDefinition<_cairn_v1_Route, _cairn_v1_Route__Output>
      Skipped: MessageTypeDefinition<_cairn_v1_Skipped, _cairn_v1_Skipped__Output>
      SnapshotChunk: MessageTypeDefinition<_cairn_v1_SnapshotChunk, _cairn_v1_SnapshotChunk__Output>
      Spill: MessageTypeDefinition<_cairn_v1_Spill, _cairn_v1_Spill__Output>
      TypeSpec: MessageTypeDefinition<_cairn_v1_TypeSpec, _cairn_v1_TypeSpec__Output>
      WatchRouteRequest: MessageTypeDefinition<_cairn_v1_WatchRouteRequest, _cairn_v1_WatchRouteRequest__Output>
      YieldedTier: MessageTypeDefinition<_cairn_v1_YieldedTier, _cairn_v1_YieldedTier__Output>
    }
  }
}

