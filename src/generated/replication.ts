import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AckReply as _cairn_v1_AckReply, AckReply__Output as _cairn_v1_AckReply__Output } from './cairn/v1/AckReply.js';
import type { AckRequest as _cairn_v1_AckRequest, AckRequest__Output as _cairn_v1_AckRequest__Output } from './cairn/v1/AckRequest.js';
import type { AnnounceReply as _cairn_v1_AnnounceReply, AnnounceReply__Output as _cairn_v1_AnnounceReply__Output } from './cairn/v1/AnnounceReply.js';
import type { Candidate as _cairn_v1_Candidate, Candidate__Output as _cairn_v1_Candidate__Output } from './cairn/v1/Candidate.js';
import type { Change as _cairn_v1_Change, Change__Output as _cairn_v1_Change__Output } from './cairn/v1/Change.js';
import type { Domain as _cairn_v1_Domain, Domain__Output as _cairn_v1_Domain__Output } from './cairn/v1/Domain.js';
import type { EpochNotice as _cairn_v1_EpochNotice, EpochNotice__Output as _cairn_v1_EpochNotice__Output } from './cairn/v1/EpochNotice.js';
import type { GetPositionRequest as _cairn_v1_GetPositionRequest, GetPositionRequest__Output as _cairn_v1_GetPositionRequest__Output } from './cairn/v1/GetPositionRequest.js';
import type { HeartbeatReply as _cairn_v1_HeartbeatReply, HeartbeatReply__Output as _cairn_v1_HeartbeatReply__Output } from './cairn/v1/HeartbeatReply.js';
import type { HeartbeatRequest as _cairn_v1_HeartbeatRequest, HeartbeatRequest__Output as _cairn_v1_HeartbeatRequest__Output } from './cairn/v1/HeartbeatRequest.js';
import type { Host as _cairn_v1_Host, Host__Output as _cairn_v1_Host__Output } from './cairn/v1/Host.js';
import type { Op as _cairn_v1_Op, Op__Output as _cairn_v1_Op__Output } from './cairn/v1/Op.js';
import type { Package as _cairn_v1_Package, Package__Output as _cairn_v1_Package__Output } from './cairn/v1/Package.js';
import type { PackageCheck as _cairn_v1_PackageCheck, PackageCheck__Output as _cairn_v1_PackageCheck__Output } from './cairn/v1/PackageCheck.js';
import type { PackageHealthReport as _cairn_v1_PackageHealthReport, PackageHealthReport__Output as _cairn_v1_PackageHealthReport__Output } from './cairn/v1/PackageHealthReport.js';
import type { Position as _cairn_v1_Position, Position__Output as _cairn_v1_Position__Output } from './cairn/v1/Position.js';
import type { Progress as _cairn_v1_Progress, Progress__Output as _cairn_v1_Progress__Output } from './cairn/v1/Progress.js';
import type { Pulse as _cairn_v1_Pulse, Pulse__Output as _cairn_v1_Pulse__Output } from './cairn/v1/Pulse.js';
import type { PulseAnswer as _cairn_v1_PulseAnswer, PulseAnswer__Output as _cairn_v1_PulseAnswer__Output } from './cairn/v1/PulseAnswer.js';
import type { RelayReply as _cairn_v1_RelayReply, RelayReply__Output as _cairn_v1_RelayReply__Output } from './cairn/v1/RelayReply.js';
import type { RelayReport as _cairn_v1_RelayReport, RelayReport__Output as _cairn_v1_RelayReport__Output } from './cairn/v1/RelayReport.js';
import type { RelayedPulse as _cairn_v1_RelayedPulse, RelayedPulse__Output as _cairn_v1_RelayedPulse__Output } from './cairn/v1/RelayedPulse.js';
import type { ReplicationClient as _cairn_v1_ReplicationClient, ReplicationDefinition as _cairn_v1_ReplicationDefinition } from './cairn/v1/Replication.js';
import type { ResolveRequest as _cairn_v1_ResolveRequest, ResolveRequest__Output as _cairn_v1_ResolveRequest__Output } from './cairn/v1/ResolveRequest.js';
import type { Route as _cairn_v1_Route, Route__Output as _cairn_v1_Route__Output } from './cairn/v1/Route.js';
import type { Skipped as _cairn_v1_Skipped, Skipped__Output as _cairn_v1_Skipped__Output } from './cairn/v1/Skipped.js';
import type { SnapshotChunk as _cairn_v1_SnapshotChunk, SnapshotChunk__Output as _cairn_v1_SnapshotChunk__Output } from './cairn/v1/SnapshotChunk.js';
import type { Spill as _cairn_v1_Spill, Spill__Output as _cairn_v1_Spill__Output } from './cairn/v1/Spill.js';
import type { TypeSpec as _cairn_v1_TypeSpec, TypeSpec__Output as _cairn_v1_TypeSpec__Output } from './cairn/v1/TypeSpec.js';
import type { WatchEvent as _cairn_v1_WatchEvent, WatchEvent__Output as _cairn_v1_WatchEvent__Output } from './cairn/v1/WatchEvent.js';
import type { WatchRequest as _cairn_v1_WatchRequest, WatchRequest__Output as _cairn_v1_WatchRequest__Output } from './cairn/v1/WatchRequest.js';
import type { YieldedTier as _cairn_v1_YieldedTier, YieldedTier__Output as _cairn_v1_YieldedTier__Output } from './cairn/v1/YieldedTier.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  cairn: {
    v1: {
      AckReply: MessageTypeDefinition<_cairn_v1_AckReply, _cairn_v1_AckReply__Output>
      AckRequest: MessageTypeDefinition<_cairn_v1_AckRequest, _cairn_v1_AckRequest__Output>
      AnnounceReply: MessageTypeDefinition<_cairn_v1_AnnounceReply, _cairn_v1_AnnounceReply__Output>
      Candidate: MessageTypeDefinition<_cairn_v1_Candidate, _cairn_v1_Candidate__Output>
      Change: MessageTypeDefinition<_cairn_v1_Change, _cairn_v1_Change__Output>
      CheckKind: EnumTypeDefinition
      Domain: MessageTypeDefinition<_cairn_v1_Domain, _cairn_v1_Domain__Output>
      EpochNotice: MessageTypeDefinition<_cairn_v1_EpochNotice, _cairn_v1_EpochNotice__Output>
      GetPositionRequest: MessageTypeDefinition<_cairn_v1_GetPositionRequest, _cairn_v1_GetPositionRequest__Output>
      HeartbeatReply: MessageTypeDefinition<_cairn_v1_HeartbeatReply, _cairn_v1_HeartbeatReply__Output>
      HeartbeatRequest: MessageTypeDefinition<_cairn_v1_HeartbeatRequest, _cairn_v1_HeartbeatRequest__Output>
      Host: MessageTypeDefinition<_cairn_v1_Host, _cairn_v1_Host__Output>
      Liveness: EnumTypeDefinition
      ManagerRole: EnumTypeDefinition
      Op: MessageTypeDefinition<_cairn_v1_Op, _cairn_v1_Op__Output>
      Package: MessageTypeDefinition<_cairn_v1_Package, _cairn_v1_Package__Output>
      PackageCheck: MessageTypeDefinition<_cairn_v1_PackageCheck, _cairn_v1_PackageCheck__Output>
      PackageHealth: EnumTypeDefinition
      PackageHealthReport: MessageTypeDefinition<_cairn_v1_PackageHealthReport, _cairn_v1_PackageHealthReport__Output>
      PackageState: EnumTypeDefinition
      Policy: EnumTypeDefinition
      Position: MessageTypeDefinition<_cairn_v1_Position, _cairn_v1_Position__Output>
      Progress: MessageTypeDefinition<_cairn_v1_Progress, _cairn_v1_Progress__Output>
      Pulse: MessageTypeDefinition<_cairn_v1_Pulse, _cairn_v1_Pulse__Output>
      PulseAnswer: MessageTypeDefinition<_cairn_v1_PulseAnswer, _cairn_v1_PulseAnswer__Output>
      RelayReply: MessageTypeDefinition<_cairn_v1_RelayReply, _cairn_v1_RelayReply__Output>
      RelayReport: MessageTypeDefinition<_cairn_v1_RelayReport, _cairn_v1_RelayReport__Output>
      RelayedPulse: MessageTypeDefinition<_cairn_v1_RelayedPulse, _cairn_v1_RelayedPulse__Output>
      Replication: SubtypeConstructor<typeof grpc.Client, _cairn_v1_ReplicationClient> & { service: _cairn_v1_ReplicationDefinition }
      ResolveRequest: MessageTypeDefinition<_cairn_v1_ResolveRequest, _cairn_v1_ResolveRequest__Output>
      Route: MessageTypeDefinition<_cairn_v1_Route, _cairn_v1_Route__Output>
      Skipped: MessageTypeDefinition<_cairn_v1_Skipped, _cairn_v1_Skipped__Output>
      SnapshotChunk: MessageTypeDefinition<_cairn_v1_SnapshotChunk, _cairn_v1_SnapshotChunk__Output>
      Spill: MessageTypeDefinition<_cairn_v1_Spill, _cairn_v1_Spill__Output>
      TypeSpec: MessageTypeDefinition<_cairn_v1_TypeSpec, _cairn_v1_TypeSpec__Output>
      WatchEvent: MessageTypeDefinition<_cairn_v1_WatchEvent, _cairn_v1_WatchEvent__Output>
      WatchRequest: MessageTypeDefinition<_cairn_v1_WatchRequest, _cairn_v1_WatchRequest__Output>
      YieldedTier: MessageTypeDefinition<_cairn_v1_YieldedTier, _cairn_v1_YieldedTier__Output>
    }
  }
}

