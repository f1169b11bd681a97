/**
 * Loads the cairn.v1 proto files once, with exactly the options the static
 * types in src/generated were generated with (`npm run gen:proto`), so that
 * the objects handlers receive match the `…__Output` types.
 */
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import type { ProtoGrpcType as AgentProto } from "../generated/agent.js";
import type { ProtoGrpcType as CommandControlProto } from "../generated/command_control.js";
import type { ProtoGrpcType as CommonProto } from "../generated/common.js";
import type { ProtoGrpcType as RegistryProto } from "../generated/registry.js";
import type { ProtoGrpcType as ReplicationProto } from "../generated/replication.js";

export type { AgentClient, AgentDefinition, AgentHandlers } from "../generated/cairn/v1/Agent.js";
export type {
  CommandControlClient,
  CommandControlDefinition,
  CommandControlHandlers,
} from "../generated/cairn/v1/CommandControl.js";
export type { RegistryClient, RegistryDefinition, RegistryHandlers } from "../generated/cairn/v1/Registry.js";
export type {
  ReplicationClient,
  ReplicationDefinition,
  ReplicationHandlers,
} from "../generated/cairn/v1/Replication.js";

/**
 * The package root's `proto/` folder. This module sits two levels below the
 * root both as src/wire/proto-loader.ts (vitest, tsx) and as
 * dist/wire/proto-loader.js (after `tsc -p tsconfig.build.json`).
 */
export const PROTO_DIR = fileURLToPath(new URL("../../proto/", import.meta.url));

/** Relative to PROTO_DIR, as the generator saw them (`cd proto`, `-I .`). */
export const PROTO_FILES = [
  "cairn/v1/common.proto",
  "cairn/v1/registry.proto",
  "cairn/v1/replication.proto",
  "cairn/v1/agent.proto",
  "cairn/v1/command_control.proto",
] as const;

/**
 * Must match the `gen:proto` script flags: keepCase (snake_case fields),
 * 64-bit integers as JS numbers (revisions stay below 2^53), enums as their
 * value names, defaults for absent fields, and the virtual oneof fields
 * (`Op.op`, `WatchEvent.event`).
 */
export const LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

/** Every cairn.v1 message, enum and service, typed. */
export type CairnProtoGrpcType = CommonProto & RegistryProto & ReplicationProto & AgentProto & CommandControlProto;

/** The raw definition, for code that needs per-method (de)serializers. */
export const packageDefinition: protoLoader.PackageDefinition = protoLoader.loadSync([...PROTO_FILES], LOADER_OPTIONS);

/**
 * The typed grpc object: `cairnProto.cairn.v1.Registry` is the client
 * constructor, `.service` its service definition.
 */
export const cairnProto = grpc.loadPackageDefinition(packageDefinition) as unknown as CairnProtoGrpcType;

/** Shorthand for `cairnProto.cairn.v1`. */
export const v1 = cairnProto.cairn.v1;

export const registryService = v1.Registry.service;
export const replicationService = v1.Replication.service;
export const agentService = v1.Agent.service;
export const commandControlService = v1.CommandControl.service;
