// Original file: cairn/v1/registry.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CreateDomainRequest as _cairn_v1_CreateDomainRequest, CreateDomainRequest__Output as _cairn_v1_CreateDomainRequest__Output } from '../../cairn/v1/CreateDomainRequest.js';
import type { DeleteDomainRequest as _cairn_v1_DeleteDomainRequest, DeleteDomainRequest__Output as _cairn_v1_DeleteDomainRequest__Output } from '../../cairn/v1/DeleteDomainRequest.js';
import type { DeployPackageRequest as _cairn_v1_DeployPackageRequest, DeployPackageRequest__Output as _cairn_v1_DeployPackageRequest__Output } from '../../cairn/v1/DeployPackageRequest.js';
import type { ExportRequest as _cairn_v1_ExportRequest, ExportRequest__Output as _cairn_v1_ExportRequest__Output } from '../../cairn/v1/ExportRequest.js';
import type { GetHostReply as _cairn_v1_GetHostReply, GetHostReply__Output as _cairn_v1_GetHostReply__Output } from '../../cairn/v1/GetHostReply.js';
import type { GetHostRequest as _cairn_v1_GetHostRequest, GetHostRequest__Output as _cairn_v1_GetHostRequest__Output } from '../../cairn/v1/GetHostRequest.js';
import type { GetStatusRequest as _cairn_v1_GetStatusRequest, GetStatusRequest__Output as _cairn_v1_GetStatusRequest__Output } from '../../cairn/v1/GetStatusRequest.js';
import type { GetTreeReply as _cairn_v1_GetTreeReply, GetTreeReply__Output as _cairn_v1_GetTreeReply__Output } from '../../cairn/v1/GetTreeReply.js';
import type { GetTreeRequest as _cairn_v1_GetTreeRequest, GetTreeRequest__Output as _cairn_v1_GetTreeRequest__Output } from '../../cairn/v1/GetTreeRequest.js';
import type { ImportChunk as _cairn_v1_ImportChunk, ImportChunk__Output as _cairn_v1_ImportChunk__Output } from '../../cairn/v1/ImportChunk.js';
import type { ListAgentsReply as _cairn_v1_ListAgentsReply, ListAgentsReply__Output as _cairn_v1_ListAgentsReply__Output } from '../../cairn/v1/ListAgentsReply.js';
import type { ListAgentsRequest as _cairn_v1_ListAgentsRequest, ListAgentsRequest__Output as _cairn_v1_ListAgentsRequest__Output } from '../../cairn/v1/ListAgentsRequest.js';
import type { ListDomainsReply as _cairn_v1_ListDomainsReply, ListDomainsReply__Output as _cairn_v1_ListDomainsReply__Output } from '../../cairn/v1/ListDomainsReply.js';
import type { ListDomainsRequest as _cairn_v1_ListDomainsRequest, ListDomainsRequest__Output as _cairn_v1_ListDomainsRequest__Output } from '../../cairn/v1/ListDomainsRequest.js';
import type { ListHostsReply as _cairn_v1_ListHostsReply, ListHostsReply__Output as _cairn_v1_ListHostsReply__Output } from '../../cairn/v1/ListHostsReply.js';
import type { ListHostsRequest as _cairn_v1_ListHostsRequest, ListHostsRequest__Output as _cairn_v1_ListHostsRequest__Output } from '../../cairn/v1/ListHostsRequest.js';
import type { ManagerStatus as _cairn_v1_ManagerStatus, ManagerStatus__Output as _cairn_v1_ManagerStatus__Output } from '../../cairn/v1/ManagerStatus.js';
import type { MoveDomainRequest as _cairn_v1_MoveDomainRequest, MoveDomainRequest__Output as _cairn_v1_MoveDomainRequest__Output } from '../../cairn/v1/MoveDomainRequest.js';
import type { MoveHostRequest as _cairn_v1_MoveHostRequest, MoveHostRequest__Output as _cairn_v1_MoveHostRequest__Output } from '../../cairn/v1/MoveHostRequest.js';
import type { MutationReply as _cairn_v1_MutationReply, MutationReply__Output as _cairn_v1_MutationReply__Output } from '../../cairn/v1/MutationReply.js';
import type { PromoteManagerReply as _cairn_v1_PromoteManagerReply, PromoteManagerReply__Output as _cairn_v1_PromoteManagerReply__Output } from '../../cairn/v1/PromoteManagerReply.js';
import type { PromoteManagerRequest as _cairn_v1_PromoteManagerRequest, PromoteManagerRequest__Output as _cairn_v1_PromoteManagerRequest__Output } from '../../cairn/v1/PromoteManagerRequest.js';
import type { RegisterHostRequest as _cairn_v1_RegisterHostRequest, RegisterHostRequest__Output as _cairn_v1_RegisterHostRequest__Output } from '../../cairn/v1/RegisterHostRequest.js';
import type { RemoveHostRequest as _cairn_v1_RemoveHostRequest, RemoveHostRequest__Output as _cairn_v1_RemoveHostRequest__Output } from '../../cairn/v1/RemoveHostRequest.js';
import type { RemovePackageRequest as _cairn_v1_RemovePackageRequest, RemovePackageRequest__Output as _cairn_v1_RemovePackageRequest__Output } from '../../cairn/v1/RemovePackageRequest.js';
import type { ResolveRequest as _cairn_v1_ResolveRequest, ResolveRequest__Output as _cairn_v1_ResolveRequest__Output } from '../../cairn/v1/ResolveRequest.js';
import type { RestorePackageRequest as _cairn_v1_RestorePackageRequest, RestorePackageRequest__Output as _cairn_v1_RestorePackageRequest__Output } from '../../cairn/v1/RestorePackageRequest.js';
import type { Route as _cairn_v1_Route, Route__Output as _cairn_v1_Route__Output } from '../../cairn/v1/Route.js';
import type { SetLabelsRequest as _cairn_v1_SetLabelsRequest, SetLabelsRequest__Output as _cairn_v1_SetLabelsRequest__Output } from '../../cairn/v1/SetLabelsRequest.js';
import type { SetMaintenanceRequest as _cairn_v1_SetMaintenanceRequest, SetMaintenanceRequest__Output as _cairn_v1_SetMaintenanceRequest__Output } from '../../cairn/v1/SetMaintenanceRequest.js';
import type { SetTypePolicyRequest as _cairn_v1_SetTypePolicyRequest, SetTypePolicyRequest__Output as _cairn_v1_SetTypePolicyRequest__Output } from '../../cairn/v1/SetTypePolicyRequest.js';
import type { SnapshotChunk as _cairn_v1_SnapshotChunk, SnapshotChunk__Output as _cairn_v1_SnapshotChunk__Output } from '../../cairn/v1/SnapshotChunk.js';
import type { WithdrawPackageRequest as _cairn_v1_WithdrawPackageRequest, WithdrawPackageRequest__Output as _cairn_v1_WithdrawPackageRequest__Output } from '../../cairn/v1/WithdrawPackageRequest.js';

export interface RegistryClient extends grpc.Client {
  CreateDomain(argument: _cairn_v1_CreateDomainRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  CreateDomain(argument: _cairn_v1_CreateDomainRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  CreateDomain(argument: _cairn_v1_CreateDomainRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  CreateDomain(argument: _cairn_v1_CreateDomainRequest, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  createDomain(argument: _cairn_v1_CreateDomainRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  createDomain(argument: _cairn_v1_CreateDomainRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  createDomain(argument: _cairn_v1_CreateDomainRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  createDomain(argument: _cairn_v1_CreateDomainRequest, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  
  DeleteDomain(argument: _cairn_v1_DeleteDomainRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  DeleteDomain(argument: _cairn_v1_DeleteDomainRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  DeleteDomain(argument: _cairn_v1_DeleteDomainRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  DeleteDomain(argument: _cairn_v1_DeleteDomainRequest, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  deleteDomain(argument: _cairn_v1_DeleteDomainRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  deleteDomain(argument: _cairn_v1_DeleteDomainRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  deleteDomain(argument: _cairn_v1_DeleteDomainRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  deleteDomain(argument: _cairn_v1_DeleteDomainRequest, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  
  DeployPackage(argument: _cairn_v1_DeployPackageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  DeployPackage(argument: _cairn_v1_DeployPackageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  DeployPackage(argument: _cairn_v1_DeployPackageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  DeployPackage(argument: _cairn_v1_DeployPackageRequest, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  deployPackage(argument: _cairn_v1_DeployPackageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  deployPackage(argument: _cairn_v1_DeployPackageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  deployPackage(argument: _cairn_v1_DeployPackageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  deployPackage(argument: _cairn_v1_DeployPackageRequest, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * The whole registry as one consistent snapshot, in chunks.
   */
  Export(argument: _cairn_v1_ExportRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_cairn_v1_SnapshotChunk__Output>;
  Export(argument: _cairn_v1_ExportRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_cairn_v1_SnapshotChunk__Output>;
  /**
   * The whole registry as one consistent snapshot, in chunks.
   */
  export(argument: _cairn_v1_ExportRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_cairn_v1_SnapshotChunk__Output>;
  export(argument: _cairn_v1_ExportRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_cairn_v1_SnapshotChunk__Output>;
  
  GetHost(argument: _cairn_v1_GetHostRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_GetHostReply__Output>): grpc.ClientUnaryCall;
  GetHost(argument: _cairn_v1_GetHostRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_GetHostReply__Output>): grpc.ClientUnaryCall;
  GetHost(argument: _cairn_v1_GetHostRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_GetHostReply__Output>): grpc.ClientUnaryCall;
  GetHost(argument: _cairn_v1_GetHostRequest, callback: grpc.requestCallback<_cairn_v1_GetHostReply__Output>): grpc.ClientUnaryCall;
  getHost(argument: _cairn_v1_GetHostRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_GetHostReply__Output>): grpc.ClientUnaryCall;
  getHost(argument: _cairn_v1_GetHostRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_GetHostReply__Output>): grpc.ClientUnaryCall;
  getHost(argument: _cairn_v1_GetHostRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_GetHostReply__Output>): grpc.ClientUnaryCall;
  getHost(argument: _cairn_v1_GetHostRequest, callback: grpc.requestCallback<_cairn_v1_GetHostReply__Output>): grpc.ClientUnaryCall;
  
  GetStatus(argument: _cairn_v1_GetStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_ManagerStatus__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _cairn_v1_GetStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_ManagerStatus__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _cairn_v1_GetStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_ManagerStatus__Output>): grpc.ClientUnaryCall;
  GetStatus(argument: _cairn_v1_GetStatusRequest, callback: grpc.requestCallback<_cairn_v1_ManagerStatus__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _cairn_v1_GetStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_ManagerStatus__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _cairn_v1_GetStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_ManagerStatus__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _cairn_v1_GetStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_ManagerStatus__Output>): grpc.ClientUnaryCall;
  getStatus(argument: _cairn_v1_GetStatusRequest, callback: grpc.requestCallback<_cairn_v1_ManagerStatus__Output>): grpc.ClientUnaryCall;
  
  GetTree(argument: _cairn_v1_GetTreeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_GetTreeReply__Output>): grpc.ClientUnaryCall;
  GetTree(argument: _cairn_v1_GetTreeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_GetTreeReply__Output>): grpc.ClientUnaryCall;
  GetTree(argument: _cairn_v1_GetTreeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_GetTreeReply__Output>): grpc.ClientUnaryCall;
  GetTree(argument: _cairn_v1_GetTreeRequest, callback: grpc.requestCallback<_cairn_v1_GetTreeReply__Output>): grpc.ClientUnaryCall;
  getTree(argument: _cairn_v1_GetTreeRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_GetTreeReply__Output>): grpc.ClientUnaryCall;
  getTree(argument: _cairn_v1_GetTreeRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_GetTreeReply__Output>): grpc.ClientUnaryCall;
  getTree(argument: _cairn_v1_GetTreeRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_GetTreeReply__Output>): grpc.ClientUnaryCall;
  getTree(argument: _cairn_v1_GetTreeRequest, callback: grpc.requestCallback<_cairn_v1_GetTreeReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * A fixture file (SPEC section 3) streamed in chunks; parsed and validated
   * whole once the client half-closes, then applied as one change. A bad
   * file fails with INVALID_ARGUMENT listing every problem and imports
   * nothing.
   */
  Import(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientWritableStream<_cairn_v1_ImportChunk>;
  Import(metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientWritableStream<_cairn_v1_ImportChunk>;
  Import(options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientWritableStream<_cairn_v1_ImportChunk>;
  Import(callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientWritableStream<_cairn_v1_ImportChunk>;
  /**
   * A fixture file (SPEC section 3) streamed in chunks; parsed and validated
   * whole once the client half-closes, then applied as one change. A bad
   * file fails with INVALID_ARGUMENT listing every problem and imports
   * nothing.
   */
  import(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientWritableStream<_cairn_v1_ImportChunk>;
  import(metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientWritableStream<_cairn_v1_ImportChunk>;
  import(options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientWritableStream<_cairn_v1_ImportChunk>;
  import(callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientWritableStream<_cairn_v1_ImportChunk>;
  
  /**
   * Every registered host's agent as the primary hears it: liveness, last
   * heartbeat, replica revision and lag, the manager it watches (the fleet
   * view, `cairn agents`).
   */
  ListAgents(argument: _cairn_v1_ListAgentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_ListAgentsReply__Output>): grpc.ClientUnaryCall;
  ListAgents(argument: _cairn_v1_ListAgentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_ListAgentsReply__Output>): grpc.ClientUnaryCall;
  ListAgents(argument: _cairn_v1_ListAgentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_ListAgentsReply__Output>): grpc.ClientUnaryCall;
  ListAgents(argument: _cairn_v1_ListAgentsRequest, callback: grpc.requestCallback<_cairn_v1_ListAgentsReply__Output>): grpc.ClientUnaryCall;
  /**
   * Every registered host's agent as the primary hears it: liveness, last
   * heartbeat, replica revision and lag, the manager it watches (the fleet
   * view, `cairn agents`).
   */
  listAgents(argument: _cairn_v1_ListAgentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_ListAgentsReply__Output>): grpc.ClientUnaryCall;
  listAgents(argument: _cairn_v1_ListAgentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_ListAgentsReply__Output>): grpc.ClientUnaryCall;
  listAgents(argument: _cairn_v1_ListAgentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_ListAgentsReply__Output>): grpc.ClientUnaryCall;
  listAgents(argument: _cairn_v1_ListAgentsRequest, callback: grpc.requestCallback<_cairn_v1_ListAgentsReply__Output>): grpc.ClientUnaryCall;
  
  ListDomains(argument: _cairn_v1_ListDomainsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_ListDomainsReply__Output>): grpc.ClientUnaryCall;
  ListDomains(argument: _cairn_v1_ListDomainsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_ListDomainsReply__Output>): grpc.ClientUnaryCall;
  ListDomains(argument: _cairn_v1_ListDomainsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_ListDomainsReply__Output>): grpc.ClientUnaryCall;
  ListDomains(argument: _cairn_v1_ListDomainsRequest, callback: grpc.requestCallback<_cairn_v1_ListDomainsReply__Output>): grpc.ClientUnaryCall;
  listDomains(argument: _cairn_v1_ListDomainsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_ListDomainsReply__Output>): grpc.ClientUnaryCall;
  listDomains(argument: _cairn_v1_ListDomainsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_ListDomainsReply__Output>): grpc.ClientUnaryCall;
  listDomains(argument: _cairn_v1_ListDomainsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_ListDomainsReply__Output>): grpc.ClientUnaryCall;
  listDomains(argument: _cairn_v1_ListDomainsRequest, callback: grpc.requestCallback<_cairn_v1_ListDomainsReply__Output>): grpc.ClientUnaryCall;
  
  ListHosts(argument: _cairn_v1_ListHostsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_ListHostsReply__Output>): grpc.ClientUnaryCall;
  ListHosts(argument: _cairn_v1_ListHostsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_ListHostsReply__Output>): grpc.ClientUnaryCall;
  ListHosts(argument: _cairn_v1_ListHostsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_ListHostsReply__Output>): grpc.ClientUnaryCall;
  ListHosts(argument: _cairn_v1_ListHostsRequest, callback: grpc.requestCallback<_cairn_v1_ListHostsReply__Output>): grpc.ClientUnaryCall;
  listHosts(argument: _cairn_v1_ListHostsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_ListHostsReply__Output>): grpc.ClientUnaryCall;
  listHosts(argument: _cairn_v1_ListHostsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_ListHostsReply__Output>): grpc.ClientUnaryCall;
  listHosts(argument: _cairn_v1_ListHostsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_ListHostsReply__Output>): grpc.ClientUnaryCall;
  listHosts(argument: _cairn_v1_ListHostsRequest, callback: grpc.requestCallback<_cairn_v1_ListHostsReply__Output>): grpc.ClientUnaryCall;
  
  MoveDomain(argument: _cairn_v1_MoveDomainRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  MoveDomain(argument: _cairn_v1_MoveDomainRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  MoveDomain(argument: _cairn_v1_MoveDomainRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  MoveDomain(argument: _cairn_v1_MoveDomainRequest, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  moveDomain(argument: _cairn_v1_MoveDomainRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  moveDomain(argument: _cairn_v1_MoveDomainRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  moveDomain(argument: _cairn_v1_MoveDomainRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  moveDomain(argument: _cairn_v1_MoveDomainRequest, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  
  MoveHost(argument: _cairn_v1_MoveHostRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  MoveHost(argument: _cairn_v1_MoveHostRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  MoveHost(argument: _cairn_v1_MoveHostRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  MoveHost(argument: _cairn_v1_MoveHostRequest, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  moveHost(argument: _cairn_v1_MoveHostRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  moveHost(argument: _cairn_v1_MoveHostRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  moveHost(argument: _cairn_v1_MoveHostRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  moveHost(argument: _cairn_v1_MoveHostRequest, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * Makes a backup primary at the next epoch (SPEC section 7). Sent to any
   * manager: one that is not `host` forwards it to `host`. Refusals fail with
   * FAILED_PRECONDITION and the reason.
   */
  PromoteManager(argument: _cairn_v1_PromoteManagerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_PromoteManagerReply__Output>): grpc.ClientUnaryCall;
  PromoteManager(argument: _cairn_v1_PromoteManagerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_PromoteManagerReply__Output>): grpc.ClientUnaryCall;
  PromoteManager(argument: _cairn_v1_PromoteManagerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_PromoteManagerReply__Output>): grpc.ClientUnaryCall;
  PromoteManager(argument: _cairn_v1_PromoteManagerRequest, callback: grpc.requestCallback<_cairn_v1_PromoteManagerReply__Output>): grpc.ClientUnaryCall;
  /**
   * Makes a backup primary at the next epoch (SPEC section 7). Sent to any
   * manager: one that is not `host` forwards it to `host`. Refusals fail with
   * FAILED_PRECONDITION and the reason.
   */
  promoteManager(argument: _cairn_v1_PromoteManagerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_PromoteManagerReply__Output>): grpc.ClientUnaryCall;
  promoteManager(argument: _cairn_v1_PromoteManagerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_PromoteManagerReply__Output>): grpc.ClientUnaryCall;
  promoteManager(argument: _cairn_v1_PromoteManagerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_PromoteManagerReply__Output>): grpc.ClientUnaryCall;
  promoteManager(argument: _cairn_v1_PromoteManagerRequest, callback: grpc.requestCallback<_cairn_v1_PromoteManagerReply__Output>): grpc.ClientUnaryCall;
  
  RegisterHost(argument: _cairn_v1_RegisterHostRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  RegisterHost(argument: _cairn_v1_RegisterHostRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  RegisterHost(argument: _cairn_v1_RegisterHostRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  RegisterHost(argument: _cairn_v1_RegisterHostRequest, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  registerHost(argument: _cairn_v1_RegisterHostRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  registerHost(argument: _cairn_v1_RegisterHostRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  registerHost(argument: _cairn_v1_RegisterHostRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  registerHost(argument: _cairn_v1_RegisterHostRequest, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  
  RemoveHost(argument: _cairn_v1_RemoveHostRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  RemoveHost(argument: _cairn_v1_RemoveHostRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  RemoveHost(argument: _cairn_v1_RemoveHostRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  RemoveHost(argument: _cairn_v1_RemoveHostRequest, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  removeHost(argument: _cairn_v1_RemoveHostRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  removeHost(argument: _cairn_v1_RemoveHostRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  removeHost(argument: _cairn_v1_RemoveHostRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  removeHost(argument: _cairn_v1_RemoveHostRequest, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  
  RemovePackage(argument: _cairn_v1_RemovePackageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  RemovePackage(argument: _cairn_v1_RemovePackageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  RemovePackage(argument: _cairn_v1_RemovePackageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  RemovePackage(argument: _cairn_v1_RemovePackageRequest, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  removePackage(argument: _cairn_v1_RemovePackageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  removePackage(argument: _cairn_v1_RemovePackageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  removePackage(argument: _cairn_v1_RemovePackageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  removePackage(argument: _cairn_v1_RemovePackageRequest, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  
  /**
   * The route from one host for one type, computed on this manager's copy.
   */
  Resolve(argument: _cairn_v1_ResolveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_Route__Output>): grpc.ClientUnaryCall;
  Resolve(argument: _cairn_v1_ResolveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_Route__Output>): grpc.ClientUnaryCall;
  Resolve(argument: _cairn_v1_ResolveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_Route__Output>): grpc.ClientUnaryCall;
  Resolve(argument: _cairn_v1_ResolveRequest, callback: grpc.requestCallback<_cairn_v1_Route__Output>): grpc.ClientUnaryCall;
  /**
   * The route from one host for one type, computed on this manager's copy.
   */
  resolve(argument: _cairn_v1_ResolveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_Route__Output>): grpc.ClientUnaryCall;
  resolve(argument: _cairn_v1_ResolveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_Route__Output>): grpc.ClientUnaryCall;
  resolve(argument: _cairn_v1_ResolveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_Route__Output>): grpc.ClientUnaryCall;
  resolve(argument: _cairn_v1_ResolveRequest, callback: grpc.requestCallback<_cairn_v1_Route__Output>): grpc.ClientUnaryCall;
  
  RestorePackage(argument: _cairn_v1_RestorePackageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  RestorePackage(argument: _cairn_v1_RestorePackageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  RestorePackage(argument: _cairn_v1_RestorePackageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  RestorePackage(argument: _cairn_v1_RestorePackageRequest, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  restorePackage(argument: _cairn_v1_RestorePackageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  restorePackage(argument: _cairn_v1_RestorePackageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  restorePackage(argument: _cairn_v1_RestorePackageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  restorePackage(argument: _cairn_v1_RestorePackageRequest, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  
  SetLabels(argument: _cairn_v1_SetLabelsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  SetLabels(argument: _cairn_v1_SetLabelsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  SetLabels(argument: _cairn_v1_SetLabelsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  SetLabels(argument: _cairn_v1_SetLabelsRequest, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  setLabels(argument: _cairn_v1_SetLabelsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  setLabels(argument: _cairn_v1_SetLabelsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  setLabels(argument: _cairn_v1_SetLabelsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  setLabels(argument: _cairn_v1_SetLabelsRequest, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  
  SetMaintenance(argument: _cairn_v1_SetMaintenanceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  SetMaintenance(argument: _cairn_v1_SetMaintenanceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  SetMaintenance(argument: _cairn_v1_SetMaintenanceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  SetMaintenance(argument: _cairn_v1_SetMaintenanceRequest, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  setMaintenance(argument: _cairn_v1_SetMaintenanceRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  setMaintenance(argument: _cairn_v1_SetMaintenanceRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  setMaintenance(argument: _cairn_v1_SetMaintenanceRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  setMaintenance(argument: _cairn_v1_SetMaintenanceRequest, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  
  SetTypePolicy(argument: _cairn_v1_SetTypePolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  SetTypePolicy(argument: _cairn_v1_SetTypePolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  SetTypePolicy(argument: _cairn_v1_SetTypePolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  SetTypePolicy(argument: _cairn_v1_SetTypePolicyRequest, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  setTypePolicy(argument: _cairn_v1_SetTypePolicyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  setTypePolicy(argument: _cairn_v1_SetTypePolicyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  setTypePolicy(argument: _cairn_v1_SetTypePolicyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  setTypePolicy(argument: _cairn_v1_SetTypePolicyRequest, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  
  WithdrawPackage(argument: _cairn_v1_WithdrawPackageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  WithdrawPackage(argument: _cairn_v1_WithdrawPackageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  WithdrawPackage(argument: _cairn_v1_WithdrawPackageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  WithdrawPackage(argument: _cairn_v1_WithdrawPackageRequest, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  withdrawPackage(argument: _cairn_v1_WithdrawPackageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  withdrawPackage(argument: _cairn_v1_WithdrawPackageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  withdrawPackage(argument: _cairn_v1_WithdrawPackageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  withdrawPackage(argument: _cairn_v1_WithdrawPackageRequest, callback: grpc.requestCallback<_cairn_v1_MutationReply__Output>): grpc.ClientUnaryCall;
  
}

export interface RegistryHandlers extends grpc.UntypedServiceImplementation {
  CreateDomain: grpc.handleUnaryCall<_cairn_v1_CreateDomainRequest__Output, _cairn_v1_MutationReply>;
  
  DeleteDomain: grpc.handleUnaryCall<_cairn_v1_DeleteDomainRequest__Output, _cairn_v1_MutationReply>;
  
  DeployPackage: grpc.handleUnaryCall<_cairn_v1_DeployPackageRequest__Output, _cairn_v1_MutationReply>;
  
  /**
   * The whole registry as one consistent snapshot, in chunks.
   */
  Export: grpc.handleServerStreamingCall<_cairn_v1_ExportRequest__Output, _cairn_v1_SnapshotChunk>;
  
  GetHost: grpc.handleUnaryCall<_cairn_v1_GetHostRequest__Output, _cairn_v1_GetHostReply>;
  
  GetStatus: grpc.handleUnaryCall<_cairn_v1_GetStatusRequest__Output, _cairn_v1_ManagerStatus>;
  
  GetTree: grpc.handleUnaryCall<_cairn_v1_GetTreeRequest__Output, _cairn_v1_GetTreeReply>;
  
  /**
   * A fixture file (SPEC section 3) streamed in chunks; parsed and validated
   * whole once the client half-closes, then applied as one change. A bad
   * file fails with INVALID_ARGUMENT listing every problem and imports
   * nothing.
   */
  Import: grpc.handleClientStreamingCall<_cairn_v1_ImportChunk__Output, _cairn_v1_MutationReply>;
  
  /**
   * Every registered host's agent as the primary hears it: liveness, last
   * heartbeat, replica revision and lag, the manager it watches (the fleet
   * view, `cairn agents`).
   */
  ListAgents: grpc.handleUnaryCall<_cairn_v1_ListAgentsRequest__Output, _cairn_v1_ListAgentsReply>;
  
  ListDomains: grpc.handleUnaryCall<_cairn_v1_ListDomainsRequest__Output, _cairn_v1_ListDomainsReply>;
  
  ListHosts: grpc.handleUnaryCall<_cairn_v1_ListHostsRequest__Output, _cairn_v1_ListHostsReply>;
  
  MoveDomain: grpc.handleUnaryCall<_cairn_v1_MoveDomainRequest__Output, _cairn_v1_MutationReply>;
  
  MoveHost: grpc.handleUnaryCall<_cairn_v1_MoveHostRequest__Output, _cairn_v1_MutationReply>;
  
  /**
   * Makes a backup primary at the next epoch (SPEC section 7). Sent to any
   * manager: one that is not `host` forwards it to `host`. Refusals fail with
   * FAILED_PRECONDITION and the reason.
   */
  PromoteManager: grpc.handleUnaryCall<_cairn_v1_PromoteManagerRequest__Output, _cairn_v1_PromoteManagerReply>;
  
  RegisterHost: grpc.handleUnaryCall<_cairn_v1_RegisterHostRequest__Output, _cairn_v1_MutationReply>;
  
  RemoveHost: grpc.handleUnaryCall<_cairn_v1_RemoveHostRequest__Output, _cairn_v1_MutationReply>;
  
  RemovePackage: grpc.handleUnaryCall<_cairn_v1_RemovePackageRequest__Output, _cairn_v1_MutationReply>;
  
  /**
   * The route from one host for one type, computed on this manager's copy.
   */
  Resolve: grpc.handleUnaryCall<_cairn_v1_ResolveRequest__Output, _cairn_v1_Route>;
  
  RestorePackage: grpc.handleUnaryCall<_cairn_v1_RestorePackageRequest__Output, _cairn_v1_MutationReply>;
  
  SetLabels: grpc.handleUnaryCall<_cairn_v1_SetLabelsRequest__Output, _cairn_v1_MutationReply>;
  
  SetMaintenance: grpc.handleUnaryCall<_cairn_v1_SetMaintenanceRequest__Output, _cairn_v1_MutationReply>;
  
  SetTypePolicy: grpc.handleUnaryCall<_cairn_v1_SetTypePolicyRequest__Output, _cairn_v1_MutationReply>;
  
  WithdrawPackage: grpc.handleUnaryCall<_cairn_v1_WithdrawPackageRequest__Output, _cairn_v1_MutationReply>;
  
}

export interface RegistryDefinition extends grpc.ServiceDefinition {
  CreateDomain: MethodDefinition<_cairn_v1_CreateDomainRequest, _cairn_v1_MutationReply, _cairn_v1_CreateDomainRequest__Output, _cairn_v1_MutationReply__Output>
  DeleteDomain: MethodDefinition<_cairn_v1_DeleteDomainRequest, _cairn_v1_MutationReply, _cairn_v1_DeleteDomainRequest__Output, _cairn_v1_MutationReply__Output>
  DeployPackage: MethodDefinition<_cairn_v1_DeployPackageRequest, _cairn_v1_MutationReply, _cairn_v1_DeployPackageRequest__Output, _cairn_v1_MutationReply__Output>
  Export: MethodDefinition<_cairn_v1_ExportRequest, _cairn_v1_SnapshotChunk, _cairn_v1_ExportRequest__Output, _cairn_v1_SnapshotChunk__Output>
  GetHost: MethodDefinition<_cairn_v1_GetHostRequest, _cairn_v1_GetHostReply, _cairn_v1_GetHostRequest__Output, _cairn_v1_GetHostReply__Output>
  GetStatus: MethodDefinition<_cairn_v1_GetStatusRequest, _cairn_v1_ManagerStatus, _cairn_v1_GetStatusRequest__Output, _cairn_v1_ManagerStatus__Output>
  GetTree: MethodDefinition<_cairn_v1_GetTreeRequest, _cairn_v1_GetTreeReply, _cairn_v1_GetTreeRequest__Output, _cairn_v1_GetTreeReply__Output>
  Import: MethodDefinition<_cairn_v1_ImportChunk, _cairn_v1_MutationReply, _cairn_v1_ImportChunk__Output, _cairn_v1_MutationReply__Output>
  ListAgents: MethodDefinition<_cairn_v1_ListAgentsRequest, _cairn_v1_ListAgentsReply, _cairn_v1_ListAgentsRequest__Output, _cairn_v1_ListAgentsReply__Output>
  ListDomains: MethodDefinition<_cairn_v1_ListDomainsRequest, _cairn_v1_ListDomainsReply, _cairn_v1_ListDomainsRequest__Output, _cairn_v1_ListDomainsReply__Output>
  ListHosts: MethodDefinition<_cairn_v1_ListHostsRequest, _cairn_v1_ListHostsReply, _cairn_v1_ListHostsRequest__Output, _cairn_v1_ListHostsReply__Output>
  MoveDomain: MethodDefinition<_cairn_v1_MoveDomainRequest, _cairn_v1_MutationReply, _cairn_v1_MoveDomainRequest__Output, _cairn_v1_MutationReply__Output>
  MoveHost: MethodDefinition<_cairn_v1_MoveHostRequest, _cairn_v1_MutationReply, _cairn_v1_MoveHostRequest__Output, _cairn_v1_MutationReply__Output>
  PromoteManager: MethodDefinition<_cairn_v1_PromoteManagerRequest, _cairn_v1_PromoteManagerReply, _cairn_v1_PromoteManagerRequest__Output, _cairn_v1_PromoteManagerReply__Output>
  RegisterHost: MethodDefinition<_cairn_v1_RegisterHostRequest, _cairn_v1_MutationReply, _cairn_v1_RegisterHostRequest__Output, _cairn_v1_MutationReply__Output>
  RemoveHost: MethodDefinition<_cairn_v1_RemoveHostRequest, _cairn_v1_MutationReply, _cairn_v1_RemoveHostRequest__Output, _cairn_v1_MutationReply__Output>
  RemovePackage: MethodDefinition<_cairn_v1_RemovePackageRequest, _cairn_v1_MutationReply, _cairn_v1_RemovePackageRequest__Output, _cairn_v1_MutationReply__Output>
  Resolve: MethodDefinition<_cairn_v1_ResolveRequest, _cairn_v1_Route, _cairn_v1_ResolveRequest__Output, _cairn_v1_Route__Output>
  RestorePackage: MethodDefinition<_cairn_v1_RestorePackageRequest, _cairn_v1_MutationReply, _cairn_v1_RestorePackageRequest__Output, _cairn_v1_MutationReply__Output>
  SetLabels: MethodDefinition<_cairn_v1_SetLabelsRequest, _cairn_v1_MutationReply, _cairn_v1_SetLabelsRequest__Output, _cairn_v1_MutationReply__Output>
  SetMaintenance: MethodDefinition<_cairn_v1_SetMaintenanceRequest, _cairn_v1_MutationReply, _cairn_v1_SetMaintenanceRequest__Output, _cairn_v1_MutationReply__Output>
  SetTypePolicy: MethodDefinition<_cairn_v1_SetTypePolicyRequest, _cairn_v1_MutationReply, _cairn_v1_SetTypePolicyRequest__Output, _cairn_v1_MutationReply__Output>
  WithdrawPackage: MethodDefinition<_cairn_v1_WithdrawPackageRequest, _cairn_v1_MutationReply, _cairn_v1_WithdrawPackageRequest__Output, _cairn_v1_MutationReply__Output>
}
