import * as grpc from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import { CairnError, Code, invalidArgument, notFound, quote } from "../errors.js";
import type { DomainSummary } from "../generated/cairn/v1/DomainSummary.js";
import type { ExportRequest__Output } from "../generated/cairn/v1/ExportRequest.js";
import type { ImportChunk__Output } from "../generated/cairn/v1/ImportChunk.js";
import type { MutationReply } from "../generated/cairn/v1/MutationReply.js";
import type { PromoteManagerRequest__Output } from "../generated/cairn/v1/PromoteManagerRequest.js";
import type { SnapshotChunk } from "../generated/cairn/v1/SnapshotChunk.js";
import { parseOffThread } from "../fixture/parse-off-thread.js";
import {
  ROOT_PATH,
  compareStrings,
  isSameOrDescendant,
  parentPath,
  sortedDomainPaths,
  sortPaths,
} from "../registry/model.js";
import type { HostRecord, Registry } from "../registry/model.js";
import { domainPathProblem } from "../registry/names.js";
import { checkFromWire } from "../wire/check-convert.js";
import {
  domainToWire,
  hostToWire,
  managerRoleFromWire,
  managerRoleToWire,
  packageFromWire,
  policyFromWire,
  routeToWire,
  typeToWire,
} from "../wire/convert.js";
import { type RegistryHandlers } from "../wire/proto-loader.js";
import { callDeadline } from "../wire/server.js";
import { toServiceError, unary } from "../wire/status.js";
import { createDomain, deleteDomain, moveDomain } from "./mutations/domains.js";
import { deployPackage, removePackage } from "./mutations/packages.js";
import { importRegistrySteps } from "./mutations/import.js";
import { opsOf, type SteppedMutation } from "./mutations/mutation.js";
import { moveHost, registerHost, removeHost, setLabels } from "./mutations/hosts.js";
import { setType } from "./mutations/type-policies.js";
import { snapshotChunks } from "../wire/snapshot.js";
import { adminWrite, commitWrite, maintenanceWrite, restoreWrite, withdrawWrite, type Write } from "./admin-writes.js";
import type { CoordinatorStatus } from "../generated/cairn/v1/CoordinatorStatus.js";
import type { ElectionStatus, ManagerControl } from "./manager-control.js";
import { agentViewToWire } from "./fleet-view-wire.js";
import { managerStatus, registryEndpoint } from "./manager-status.js";
import type { RegistryStore } from "./store.js";

/**
 * The largest import accepted, summed over its chunks (each chunk is also
 * bounded by the server's message limit). What it really bounds is the
 * parse: `parseFixture` builds a YAML syntax tree that peaks at 60 to 90
 * bytes of heap per byte of file, so 32 MiB stays under Node's default 4 GiB
 * heap while holding a 100,000-host registry (12.5 MiB as YAML, 27 MiB as
 * JSON). A larger bound would let one import crash the manager before it
 * could refuse.
 */
export const MAX_IMPORT_BYTES = 32 * 1024 * 1024;
/** Causes are for people reading a log; a file name in one is cut to this. */
const MAX_CAUSE_NAME_LENGTH = 200;

export interface RegistryContext {
  store: RegistryStore;
  clock: Clock;
  logger: Logger;
  /** The manager these services run in: its role, the primary, promotion. */
  manager: ManagerControl;
  /** Bound on one import, summed over its chunks (default MAX_IMPORT_BYTES). */
  maxImportBytes?: number;
}

/** A request of any mutation: they all carry the optional `expected_revision` (field 15). */
interface MutationRequest {
  expected_revision?: number;
}

/**
 * cairn.v1.Registry: thin adapters from requests to mutations of the store,
 * and reads of its published (durable) state. Every reply of a read carries
 * the revision it was read at; a read is synchronous, so the state and its
 * position are one consistent view. Every error goes through `unary()` or
 * `toServiceError`.
 */
export function registryHandlers(ctx: RegistryContext): RegistryHandlers {
  const log = ctx.logger.child({ component: "registry" });
  const unexpected = (error: unknown) => log.error({ err: error }, "unexpected error in an admin call");
  const startedAt = ctx.clock.now();

  const commit = (write: Write<SteppedMutation>, expectedRevision: number | undefined, deadline: number | undefined): Promise<MutationReply> =>
    commitWrite(ctx.store, log, write, expectedRevision, deadline);
  /**
   * A unary mutation RPC: the request describes one write, committed with
   * its expected revision. No unary admin write touches what the running
   * managers keep of themselves (their hosts, their registry packages);
   * Import has its own rule (SPEC 7: a file moves such a host, and its
   * registry package is corrected to what is running).
   */
  const mutation = <Req extends MutationRequest>(describe: (request: Req) => Write) =>
    // async: a request `describe` refuses must reject the promise, not throw past `unary`.
    unary<Req, MutationReply>(async (request, call) => {
      return commit(adminWrite(describe(request)), request.expected_revision, callDeadline(call));
    }, unexpected);
  const read = <Req, Res>(handler: (request: Req) => Res) =>
    unary<Req, Res>(async (request) => {
      const refusal = ctx.manager.refusal();
      if (refusal) throw refusal;
      return handler(request);
    }, unexpected);

  const at = () => {
    const { epoch, revision } = ctx.store.position;
    return { revision, epoch };
  };
  const state = (): Readonly<Registry> => ctx.store.index.registry;

  return {
    // ---- domains ----
    CreateDomain: mutation((r) => ({ mutation: createDomain(r.path), cause: `domain add ${r.path}` })),
    DeleteDomain: mutation((r) => ({
      mutation: deleteDomain(r.path, r.recursive),
      cause: `domain rm ${r.path}${r.recursive ? " --recursive" : ""}`,
    })),
    MoveDomain: mutation((r) => ({ mutation: moveDomain(r.path, r.new_parent), cause: `domain mv ${r.path} ${r.new_parent}` })),
    ListDomains: read(() => ({ domains: domainSummaries(state()), ...at() })),

    // ---- hosts ----
    RegisterHost: mutation((r) => ({
      mutation: registerHost({
        id: r.id,
        domain: r.domain,
        address: r.address,
        labels: r.labels,
        packages: r.packages.map((p, i) => packageFromWire(p, `package ${i}`)),
        maintenance: r.maintenance,
      }),
      cause: `host add ${r.id}`,
    })),
    MoveHost: mutation((r) => ({ mutation: moveHost(r.id, r.domain), cause: `host mv ${r.id} ${r.domain}` })),
    RemoveHost: mutation((r) => ({ mutation: removeHost(r.id), cause: `host rm ${r.id}` })),
    SetMaintenance: mutation((r) => maintenanceWrite(r.id, r.maintenance)),
    SetLabels: mutation((r) => ({
      mutation: setLabels(r.id, { set: r.set, remove: r.remove, replace: r.replace }),
      cause: `host label ${r.id}`,
    })),

    // ---- packages ----
    DeployPackage: mutation((r) => ({
      mutation: deployPackage(r.host, r.type, r.port, {
        priority: r.priority,
        role: managerRoleFromWire(r.role),
        check: r.check ? checkFromWire(r.check, `package "${r.type}" check`) : undefined,
      }),
      cause: `package deploy ${r.host} ${r.type}`,
    })),
    WithdrawPackage: mutation((r) => withdrawWrite(r.host, r.type)),
    RestorePackage: mutation((r) => restoreWrite(r.host, r.type)),
    RemovePackage: mutation((r) => ({ mutation: removePackage(r.host, r.type), cause: `package rm ${r.host} ${r.type}` })),

    // ---- types ----
    SetTypePolicy: mutation((r) => {
      // UNSPECIFIED would read as `ordered`: it means "keep the policy", allowed only beside a min_healthy to set.
      const minHealthy = r.min_healthy ?? undefined;
      if (r.policy === "POLICY_UNSPECIFIED" && minHealthy === undefined) {
        throw invalidArgument(`type "${r.type}": policy is required (ordered or spread) unless min_healthy is given`);
      }
      const policy = r.policy === "POLICY_UNSPECIFIED" ? undefined : policyFromWire(r.policy, `type "${r.type}" policy`);
      const said = [policy, minHealthy === undefined ? undefined : `min_healthy ${minHealthy}`].filter((w) => w !== undefined);
      return { mutation: setType(r.type, { policy, minHealthy }), cause: `type set ${r.type} ${said.join(" ")}` };
    }),

    // ---- reads ----
    GetTree: read((r) => {
      const registry = state();
      const root = r.root || ROOT_PATH;
      requireDomain(registry, root);
      const { revision, epoch, digest } = ctx.store.position;
      return {
        domains: sortedDomainPaths(registry)
          .filter((path) => isSameOrDescendant(path, root))
          .map((path) => domainToWire({ path })),
        hosts: hostsById(registry, (h) => isSameOrDescendant(h.domain, root)).map(hostToWire),
        types: [...registry.types.values()].sort((a, b) => compareStrings(a.name, b.name)).map(typeToWire),
        revision,
        epoch,
        digest,
      };
    }),
    GetHost: read((r) => {
      const host = state().hosts.get(r.id);
      if (!host) throw notFound(`host ${quote(r.id)} not found`);
      return { host: hostToWire(host), ...at() };
    }),
    ListHosts: read((r) => {
      const registry = state();
      let keep: (host: HostRecord) => boolean = () => true;
      if (r.domain) {
        requireDomain(registry, r.domain);
        keep = r.recursive ? (h) => isSameOrDescendant(h.domain, r.domain) : (h) => h.domain === r.domain;
      }
      return { hosts: hostsById(registry, keep).map(hostToWire), ...at() };
    }),
    // The primary's only: a backup names it (before judging a domain it may not have yet); clients follow, as for writes.
    ListAgents: read((r) => {
      const agents = ctx.manager.agents({ domain: r.domain, recursive: r.recursive });
      if (r.domain) requireDomain(state(), r.domain);
      return { agents: agents.map(agentViewToWire), ...at() };
    }),
    Resolve: read((r) => {
      if (!r.from) throw invalidArgument("resolve needs the origin host (from)");
      if (!r.type) throw invalidArgument("resolve needs a manager type (type)");
      return routeToWire(ctx.store.index.route(r.from, r.type, { explain: r.explain }), at());
    }),

    // ---- export, import ----
    Export: (call) => void exportSnapshot(ctx, call, unexpected),
    Import: importHandler(commit, ctx.maxImportBytes ?? MAX_IMPORT_BYTES, ctx.clock, unexpected),

    // ---- status, promotion ----
    // Answered even by a manager that serves nothing else: it is how an operator finds out why.
    GetStatus: unary(async () => {
      const status = managerStatus(ctx, startedAt);
      return {
        host: status.host,
        address: status.address,
        role: managerRoleToWire(status.role),
        epoch: status.epoch,
        durable_revision: status.durableRevision,
        revision: status.revision,
        digest: status.digest,
        primary_host: status.primary.host,
        primary_address: status.primary.address,
        cluster_id: status.clusterId,
        backups: status.backups,
        sync_backups: status.syncBackups,
        coordinator: coordinatorStatus(status.coordinator),
        uptime_ms: status.uptimeMs,
        version: status.version,
      };
    }),
    PromoteManager: unary(async (request: PromoteManagerRequest__Output) => {
      if (request.host === ctx.manager.hostId || !request.host) {
        const result = await ctx.manager.promote(request.force);
        return { ...result, host: ctx.manager.hostId, address: ctx.manager.address };
      }
      // Sent to another manager: the caller is sent on to HOST's own, to ask it as itself. A manager
      // passing the request on would ask as manager/ID, which may not promote (SPEC 11): only admin/* may.
      const endpoint = registryEndpoint(state(), request.host);
      if (!endpoint) throw notFound(`host ${quote(request.host)} runs no registry manager`);
      throw new CairnError(Code.FAILED_PRECONDITION, `promote-manager ${request.host} goes to ${request.host}'s own registry manager, at ${endpoint}`, undefined, endpoint);
    }, unexpected),
  };
}

/** GetStatus's view of the election, when there is a coordinator. */
function coordinatorStatus(status: ElectionStatus | undefined): CoordinatorStatus | undefined {
  if (!status) return undefined;
  return {
    endpoints: status.endpoints,
    lease_ttl_ms: status.leaseTtlMs,
    holder_host: status.holder?.host ?? "",
    holder_address: status.holder?.address ?? "",
    holder_epoch: status.holder?.epoch ?? 0,
    lease_valid_ms: Math.round(status.leaseValidMs),
    in_sync: status.inSync,
    reachable: status.reachable,
  };
}

// ---- export ----

async function exportSnapshot(
  ctx: RegistryContext,
  call: grpc.ServerWritableStream<ExportRequest__Output, SnapshotChunk>,
  unexpected: (error: unknown) => void,
): Promise<void> {
  let cancelled = false;
  call.on("cancelled", () => (cancelled = true));
  try {
    // One consistent snapshot, taken at once; the chunks are sent with backpressure.
    const { entities, position } = ctx.store.snapshot();
    for (const chunk of snapshotChunks(entities, position)) {
      if (cancelled) return;
      if (!call.write(chunk)) await drainedOrGone(call);
    }
    if (!cancelled) call.end();
  } catch (error) {
    if (!cancelled) call.emit("error", toServiceError(error, unexpected));
  }
}

/** Resolves when the stream can take more, or when it is cancelled or closed (then writes are no-ops). */
function drainedOrGone(call: grpc.ServerWritableStream<unknown, unknown>): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off("drain", done);
      call.off("cancelled", done);
      call.off("close", done);
      resolve();
    };
    call.on("drain", done);
    call.on("cancelled", done);
    call.on("close", done);
  });
}

// ---- import ----

/**
 * Collects the chunks of a fixture (bounded by MAX_IMPORT_BYTES), parses it
 * whole once the client half-closes, and applies it as ONE mutation. A bad
 * file fails with INVALID_ARGUMENT whose details list every problem, and
 * nothing is written. One file is parsed at a time (each parse can take
 * gigabytes of heap): an import that arrives meanwhile waits its turn,
 * holding only its bytes. A caller that cancels or passes
 * its deadline has its parse stopped, and its import is not applied: its
 * steps check for it until its ops are worked out.
 */
function importHandler(
  commit: (write: Write<SteppedMutation>, expectedRevision: number | undefined, deadline: number | undefined) => Promise<MutationReply>,
  maxBytes: number,
  clock: Clock,
  unexpected: (error: unknown) => void,
): grpc.handleClientStreamingCall<ImportChunk__Output, MutationReply> {
  // The end of the parse under way; the next one starts after it (at most the import bound waits, each).
  let parsing: Promise<unknown> = Promise.resolve();
  return (call, callback) => {
    let first: ImportChunk__Output | undefined;
    const parts: Uint8Array[] = [];
    let size = 0;
    let settled = false;
    const gone = new AbortController();
    const finish = (error: unknown, reply?: MutationReply) => {
      if (settled) return;
      settled = true;
      parts.length = 0;
      if (error === undefined) callback(null, reply);
      else callback(toServiceError(error, unexpected));
    };
    call.on("data", (chunk: ImportChunk__Output) => {
      if (settled) return;
      first ??= chunk;
      size += chunk.data.length;
      if (size > maxBytes) {
        finish(new CairnError(Code.RESOURCE_EXHAUSTED, `the import is larger than ${formatLimit(maxBytes)}, the most one import may hold`));
        return;
      }
      // A copy that owns its buffer, to move to the parser without another: the chunk is a view of
      // its message, whose buffer is not ours to give away. A chunk's copy is short; the whole file's is not.
      parts.push(new Uint8Array(chunk.data));
    });
    call.on("end", () => {
      if (settled) return;
      const options = first ?? { data: Buffer.alloc(0), format: "", replace: false, file_name: "" };
      const deadline = callDeadline(call);
      // Why the import is called off, if it is: the client cancelled, or its deadline passed.
      const calledOff = () =>
        gone.signal.aborted || call.cancelled
          ? new CairnError(Code.CANCELLED, "the client cancelled the import; nothing was written")
          : deadline !== undefined && clock.now() >= deadline
            ? new CairnError(Code.DEADLINE_EXCEEDED, "the import's deadline passed before it was applied; nothing was written")
            : undefined;
      const parsed = parsing.then(() => describeImport(options, parts, gone.signal));
      parsing = parsed.catch(() => undefined);
      void (async () => {
        try {
          const write = await parsed;
          finish(undefined, await commit({ ...write, mutation: unlessCalledOff(write.mutation, calledOff) }, options.expected_revision, deadline));
        } catch (error) {
          finish(error);
        }
      })();
    });
    call.on("error", (error) => finish(error));
    // A client that gives up gets no answer; its chunks are let go at once, its parse stopped.
    call.on("cancelled", () => {
      settled = true;
      parts.length = 0;
      gone.abort(new CairnError(Code.CANCELLED, "the client cancelled the import"));
    });
  };
}

/** `mutation`, throwing what `calledOff` returns at its start and after each of its steps: nothing is written then. */
function unlessCalledOff(mutation: SteppedMutation, calledOff: () => CairnError | undefined): SteppedMutation {
  return function* (state) {
    const check = () => {
      const why = calledOff();
      if (why) throw why;
    };
    check();
    const steps = opsOf(mutation(state));
    for (let next = steps.next(); ; next = steps.next()) {
      check();
      if (next.done) return next.value;
      yield;
    }
  };
}

/** The import's write: the file decoded and parsed on a worker thread (seconds at 100,000 hosts), its mutation stepped. */
async function describeImport(options: ImportChunk__Output, parts: Uint8Array[], signal: AbortSignal): Promise<Write<SteppedMutation>> {
  const fileName = options.file_name || "import";
  if (options.format !== "" && options.format !== "yaml" && options.format !== "json") {
    throw invalidArgument(`import format ${JSON.stringify(options.format)} is not yaml or json`);
  }
  const registry = await parseOffThread(parts, fileName, options.format === "" ? undefined : options.format, signal);
  const name = fileName.length > MAX_CAUSE_NAME_LENGTH ? `${fileName.slice(0, MAX_CAUSE_NAME_LENGTH)}…` : fileName;
  return {
    mutation: importRegistrySteps(registry, { replace: options.replace }),
    cause: `import ${name}${options.replace ? " --replace" : ""}`,
  };
}

function formatLimit(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

// ---- reads ----

function requireDomain(registry: Readonly<Registry>, path: string): void {
  const problem = domainPathProblem(path);
  if (problem) throw invalidArgument(problem);
  if (!registry.domains.has(path)) throw notFound(`domain ${quote(path)} not found`);
}

/** Every domain, parents first, with how many hosts and subdomains it holds directly. */
function domainSummaries(registry: Readonly<Registry>): DomainSummary[] {
  const hosts = new Map<string, number>();
  const subdomains = new Map<string, number>();
  for (const host of registry.hosts.values()) hosts.set(host.domain, (hosts.get(host.domain) ?? 0) + 1);
  for (const path of registry.domains.keys()) {
    const parent = parentPath(path);
    if (parent !== undefined) subdomains.set(parent, (subdomains.get(parent) ?? 0) + 1);
  }
  return sortPaths(registry.domains.keys()).map((path) => ({
    path,
    host_count: hosts.get(path) ?? 0,
    subdomain_count: subdomains.get(path) ?? 0,
  }));
}

function hostsById(registry: Readonly<Registry>, keep: (host: HostRecord) => boolean): HostRecord[] {
  return [...registry.hosts.values()].filter(keep).sort((a, b) => compareStrings(a.id, b.id));
}
