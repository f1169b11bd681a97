import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { AgentView as _cairn_v1_AgentView, AgentView__Output as _cairn_v1_AgentView__Output } from './cairn/v1/AgentView.js';
import type { BackupStatus as _cairn_v1_BackupStatus, BackupStatus__Output as _cairn_v1_BackupStatus__Output } from './cairn/v1/BackupStatus.js';
import type { Candidate as _cairn_v1_Candidate, Candidate__Output as _cairn_v1_Candidate__Output } from './cairn/v1/Candidate.js';
import type { Change as _cairn_v1_Change, Change__Output as _cairn_v1_Change__Output } from './cairn/v1/Change.js';
import type { CoordinatorStatus as _cairn_v1_CoordinatorStatus, CoordinatorStatus__Output as _cairn_v1_CoordinatorStatus__Output } from './cairn/v1/CoordinatorStatus.js';
import type { CreateDomainRequest as _cairn_v1_CreateDomainRequest, CreateDomainRequest__Output as _cairn_v1_CreateDomainRequest__Output } from './cairn/v1/CreateDomainRequest.js';
import type { DeleteDomainRequest as _cairn_v1_DeleteDomainRequest, DeleteDomainRequest__Output as _cairn_v1_DeleteDomainRequest__Output } from './cairn/v1/DeleteDomainRequest.js';
import type { DeployPackageRequest as _cairn_v1_DeployPackageRequest, DeployPackageRequest__Output as _cairn_v1_DeployPackageRequest__Output } from './cairn/v1/DeployPackageRequest.js';
import type { Domain as _cairn_v1_Domain, Domain__Output as _cairn_v1_Domain__Output } from './cairn/v1/Domain.js';
import type { DomainSummary as _cairn_v1_DomainSummary, DomainSummary__Output as _cairn_v1_DomainSummary__Output } from './cairn/v1/DomainSummary.js';
import type { ExportRequest as _cairn_v1_ExportRequest, ExportRequest__Output as _cairn_v1_ExportRequest__Output } from './cairn/v1/ExportRequest.js';
import type { GetHostReply as _cairn_v1_GetHostReply, GetHostReply__Output as _cairn_v1_GetHostReply__Output } from './cairn/v1/GetHostReply.js';
import type { GetHostRequest as _cairn_v1_GetHostRequest, GetHostRequest__Output as _cairn_v1_GetHostRequest__Output } from './cairn/v1/GetHostRequest.js';
import type { GetStatusRequest as _cairn_v1_GetStatusRequest, GetStatusRequest__Output as _cairn_v1_GetStatusRequest__Output } from './cairn/v1/GetStatusRequest.js';
import type { GetTreeReply as _cairn_v1_GetTreeReply, GetTreeReply__Output as _cairn_v1_GetTreeReply__Output } from './cairn/v1/GetTreeReply.js';
import type { GetTreeRequest as _cairn_v1_GetTreeRequest, GetTreeRequest__Output as _cairn_v1_GetTreeRequest__Output } from './cairn/v1/GetTreeRequest.js';
import type { Host as _cairn_v1_Host, Host__Output as _cairn_v1_Host__Output } from './cairn/v1/Host.js';
import type { ImportChunk as _cairn_v1_ImportChunk, ImportChunk__Output as _cairn_v1_ImportChunk__Output } from './cairn/v1/ImportChunk.js';
import type { ListAgentsReply as _cairn_v1_ListAgentsReply, ListAgentsReply__Output as _cairn_v1_ListAgentsReply__Output } from './cairn/v1/ListAgentsReply.js';
import type { ListAgentsRequest as _cairn_v1_ListAgentsRequest, ListAgentsRequest__Output as _cairn_v1_ListAgentsRequest__Output } from './cairn/v1/ListAgentsRequest.js';
import type { ListDomainsReply as _cairn_v1_ListDomainsReply, ListDomainsReply__Output as _cairn_v1_ListDomainsReply__Output } from './cairn/v1/ListDomainsReply.js';
import type { ListDomainsRequest as _cairn_v1_ListDomainsRequest, ListDomainsRequest__Output as _cairn_v1_ListDomainsRequest__Output } from './cairn/v1/ListDomainsRequest.js';
import type { ListHostsReply as _cairn_v1_ListHostsReply, ListHostsReply__Output as _cairn_v1_ListHostsReply__Output } from './cairn/v1/ListHostsReply.js';
import type { ListHostsRequest as _cairn_v1_ListHostsRequest, ListHostsRequest__Output as _cairn_v1_ListHostsRequest__Output } from './cairn/v1/ListHostsRequest.js';
import type { ManagerStatus as _cairn_v1_ManagerStatus, ManagerStatus__Output as _cairn_v1_ManagerStatus__Output } from './cairn/v1/ManagerStatus.js';
import type { MoveDomainRequest as _cairn_v1_MoveDomainRequest, MoveDomainRequest__Output as _cairn_v1_MoveDomainRequest__Output } from './cairn/v1/MoveDomainRequest.js';
import type { MoveHostRequest as _cairn_v1_MoveHostRequest, MoveHostRequest__Output as _cairn_v1_MoveHostRequest__Output } from './cairn/v1/MoveHostRequest.js';
import type { MutationReply as _cairn_v1_MutationReply, MutationReply__Output as _cairn_v1_MutationReply__Output } from './cairn/v1/MutationReply.js';
import type { Op as _cairn_v1_Op, Op__Output as _cairn_v1_Op__Output } from './cairn/v1/Op.js';
import type { Package as _cairn_v1_Package, Package__Output as _cairn_v1_Package__Output } from './cairn/v1/Package.js';
import type { PackageCheck as _cairn_v1_PackageCheck, PackageCheck__Output as _cairn_v1_PackageCheck__Output } from './cairn/v1/PackageCheck.js';
import type { Position as _cairn_v1_Position, Position__Output as _cairn_v1_Position__Output } from './cairn/v1/Position.js';
import type { PromoteManagerReply as _cairn_v1_PromoteManagerReply, PromoteManagerReply__Output as _cairn_v1_PromoteManagerReply__Output } from './cairn/v1/PromoteManagerReply.js';
import type { PromoteManagerRequest as _cairn_v1_PromoteManagerRequest, PromoteManagerRequest__Output as _cairn_v1_PromoteManagerRequest__Output } from './cairn/v1/PromoteManagerRequest.js';
import type { RegisterHostRequest as _cairn_v1_RegisterHostRequest, RegisterHostRequest__Output as _cairn_v1_RegisterHostRequest__Output } from './cairn/v1/RegisterHostRequest.js';
import type { RegistryClient as _cairn_v1_RegistryClient, RegistryDefinition as _cairn_v1_RegistryDefinition } from './cairn/v1/Registry.js';
import type { RemoveHostRequest as _cairn_v1_RemoveHostRequest, RemoveHostRequest__Output as _cairn_v1_RemoveHostRequest__Output } from './cairn/v1/RemoveHostRequest.js';
import type { RemovePackageRequest as _cairn_v1_RemovePackageRequest, RemovePackageRequest__Output as _cairn_v1_RemovePackageRequest__Output } from './cairn/v1/RemovePackageRequest.js';
import type { ResolveRequest as _cairn_v1_ResolveRequest, ResolveRequest__Output as _cairn_v1_ResolveRequest__Output } from './cairn/v1/ResolveRequest.js';
import type { RestorePackageRequest as _cairn_v1_RestorePackageRequest, RestorePackageRequest__Output as _cairn_v1_RestorePackageRequest__Output } from './cairn/v1/RestorePackageRequest.js';
import type { Route as _cairn_v1_Route, Route__Output as _cairn_v1_Route__Output } from './cairn/v1/Route.js';
import type { SetLabelsRequest as _cairn_v1_SetLabelsRequest, SetLabelsRequest__Output as _cairn_v1_SetLabelsRequest__Output } from './cairn/v1/SetLabelsRequest.js';
import type { SetMaintenanceRequest as _cairn_v1_SetMaintenanceRequest, SetMaintenanceRequest__Output as _cairn_v1_SetMaintenanceRequest__Output } from './cairn/v1/SetMaintenanceRequest.js';
import type { SetTypePolicyRequest as _cairn_v1_SetTypePolicyRequest, SetTypePolicyRequest__Output as _cairn_v1_SetTypePolicyRequest__Output } from './cairn/v1/SetTypePolicyRequest.js';
import type { Skipped as _cairn_v1_Skipped, Skipped__Output as _cairn_v1_Skipped__Output } from './cairn/v1/Skipped.js';
import type { SnapshotChunk as _cairn_v1_SnapshotChunk, SnapshotChunk__Output as _cairn_v1_SnapshotChunk__Output } from './cairn/v1/SnapshotChunk.js';
import type { Spill as _cairn_v1_Spill, Spill__Output as _cairn_v1_Spill__Output } from './cairn/v1/Spill.js';
import type { TypeSpec as _cairn_v1_TypeSpec, TypeSpec__Output as _cairn_v1_TypeSpec__Output } from './cairn/v1/TypeSpec.js';
import type { WithdrawPackageRequest as _cairn_v1_WithdrawPackageRequest, WithdrawPackageRequest__Output as _cairn_v1_WithdrawPackageRequest__Output } from './cairn/v1/WithdrawPackageRequest.js';
import type { YieldedTier as _cairn_v1_YieldedTier, YieldedTier__Output as _cairn_v1_YieldedTier__Output } from './cairn/v1/YieldedTier.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  cairn: {
    v1: {
      AgentView: MessageTypeDefinition<_cairn_v1_AgentView, _cairn_v1_AgentView__Output>
      BackupStatus: MessageTypeDefinition<_cairn_v1_BackupStatus, _cairn_v1_BackupStatus__Output>
      Candidate: MessageTypeDefinition<_cairn_v1_Candidate, _cairn_v1_Candidate__Output>
      Change: MessageTypeDefinition<_cairn_v1_Change, _cairn_v1_Change__Output>
      CheckKind: EnumTypeDefinition
      CoordinatorStatus: MessageTypeDefinition<_cairn_v1_CoordinatorStatus, _cairn_v1_CoordinatorStatus__Output>
      CreateDomainRequest: MessageTypeDefinition<_cairn_v1_CreateDomainRequest, _cairn_v1_CreateDomainRequest__Output>
      DeleteDomainRequest: MessageTypeDefinition<_cairn_v1_DeleteDomainRequest, _cairn_v1_DeleteDomainRequest__Output>
      DeployPackageRequest: MessageTypeDefinition<_cairn_v1_DeployPackageRequest, _cairn_v1_DeployPackageRequest__Output>
      Domain: MessageTypeDefinition<_cairn_v1_Domain, _cairn_v1_Domain__Output>
      DomainSummary: MessageTypeDefinition<_cairn_v1_DomainSummary, _cairn_v1_DomainSummary__Output>
      ExportRequest: MessageTypeDefinition<_cairn_v1_ExportRequest, _cairn_v1_ExportRequest__Output>
      GetHostReply: MessageTypeDefinition<_cairn_v1_GetHostReply, _cairn_v1_GetHostReply__Output>
      GetHostRequest: MessageTypeDefinition<_cairn_v1_GetHostRequest, _cairn_v1_GetHostRequest__Output>
      GetStatusRequest: MessageTypeDefinition<_cairn_v1_GetStatusRequest, _cairn_v1_GetStatusRequest__Output>
      GetTreeReply: MessageTypeDefinition<_cairn_v1_GetTreeReply, _cairn_v1_GetTreeReply__Output>
      GetTreeRequest: MessageTypeDefinition<_cairn_v1_GetTreeRequest, _cairn_v1_GetTreeRequest__Output>
      Host: MessageTypeDefinition<_cairn_v1_Host, _cairn_v1_Host__Output>
      ImportChunk: MessageTypeDefinition<_cairn_v1_ImportChunk, _cairn_v1_ImportChunk__Output>
      ListAgentsReply: MessageTypeDefinition<_cairn_v1_ListAgentsReply, _cairn_v1_ListAgentsReply__Output>
      ListAgentsRequest: MessageTypeDefinition<_cairn_v1_ListAgentsRequest, _cairn_v1_ListAgentsRequest__Output>
      ListDomainsReply: MessageTypeDefinition<_cairn_v1_ListDomainsReply, _cairn_v1_ListDomainsReply__Output>
      ListDomainsRequest: MessageTypeDefinition<_cairn_v1_ListDomainsRequest, _cairn_v1_ListDomainsRequest__Output>
      ListHostsReply: MessageTypeDefinition<_cairn_v1_ListHostsReply, _cairn_v1_ListHostsReply__Output>
      ListHostsRequest: MessageTypeDefinition<_cairn_v1_ListHostsRequest, _cairn_v1_ListHostsRequest__Output>
      Liveness: EnumTypeDefinition
      ManagerRole: EnumTypeDefinition
      ManagerStatus: MessageTypeDefinition<_cairn_v1_ManagerStatus, _cairn_v1_ManagerStatus__Output>
      MoveDomainRequest: MessageTypeDefinition<_cairn_v1_MoveDomainRequest, _cairn_v1_MoveDomainRequest__Output>
      MoveHostRequest: MessageTypeDefinition<_cairn_v1_MoveHostRequest, _cairn_v1_MoveHostRequest__Output>
      MutationReply: MessageTypeDefinition<_cairn_v1_MutationReply, _cairn_v1_MutationReply__Output>
      Op: MessageTypeDefinition<_cairn_v1_Op, _cairn_v1_Op__Output>
      Package: MessageTypeDefinition<_cairn_v1_Package, _cairn_v1_Package__Output>
      PackageCheck: MessageTypeDefinition<_cairn_v1_PackageCheck, _cairn_v1_PackageCheck__Output>
      PackageHealth: EnumTypeDefinition
      PackageState: EnumTypeDefinition
      Policy: EnumTypeDefinition
      Position: MessageTypeDefinition<_cairn_v1_Position, _cairn_v1_Position__Output>
      PromoteManagerReply: MessageTypeDefinition<_cairn_v1_PromoteManagerReply, _cairn_v1_PromoteManagerReply__Output>
      PromoteManagerRequest: MessageTypeDefinition<_cairn_v1_PromoteManagerRequest, _cairn_v1_PromoteManagerRequest__Output>
      RegisterHostRequest: MessageTypeDefinition<_cairn_v1_RegisterHostRequest, _cairn_v1_RegisterHostRequest__Output>
      Registry: SubtypeConstructor<typeof grpc.Client, _cairn_v1_RegistryClient> & { service: _cairn_v1_RegistryDefinition }
      RemoveHostRequest: MessageTypeDefinition<_cairn_v1_RemoveHostRequest, _cairn_v1_RemoveHostRequest__Output>
      RemovePackageRequest: MessageTypeDefinition<_cairn_v1_RemovePackageRequest, _cairn_v1_RemovePackageRequest__Output>
      ResolveRequest: MessageTypeDefinition<_cairn_v1_ResolveRequest, _cairn_v1_ResolveRequest__Output>
      RestorePackageRequest: MessageTypeDefinition<_cairn_v1_RestorePackageRequest, _cairn_v1_RestorePackageRequest__Output>
      Route: MessageTypeDefinition<_cairn_v1_Route, _cairn_v1_Route__Output>
      SetLabelsRequest: MessageTypeDefinition<_cairn_v1_SetLabelsRequest, _cairn_v1_SetLabelsRequest__Output>
      SetMaintenanceRequest: MessageTypeDefinition<_cairn_v1_SetMaintenanceRequest, _cairn_v1_SetMaintenanceRequest__Output>
      SetTypePolicyRequest: MessageTypeDefinition<_cairn_v1_SetTypePolicyRequest, _cairn_v1_SetTypePolicyRequest__Output>
      Skipped: MessageTypeDefinition<_cairn_v1_Skipped, _cairn_v1_Skipped__Output>
      SnapshotChunk: MessageTypeDefinition<_cairn_v1_SnapshotChunk, _cairn_v1_SnapshotChunk__Output>
      Spill: MessageTypeDefinition<_cairn_v1_Spill, _cairn_v1_Spill__Output>
      TypeSpec: MessageTypeDefinition<_cairn_v1_TypeSpec, _cairn_v1_TypeSpec__Output>
      WithdrawPackageRequest: MessageTypeDefinition<_cairn_v1_WithdrawPackageRequest, _cairn_v1_WithdrawPackageRequest__Output>
      YieldedTier: MessageTypeDefinition<_cairn_v1_YieldedTier, _cairn_v1_YieldedTier__Output>
    }
  }
}

