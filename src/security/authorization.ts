/**
 * Who may call what (SPEC 11), as one table, and the one server interceptor
 * that enforces it on every server a process runs. A call its identity does
 * not allow is answered PERMISSION_DENIED, naming the identity and the
 * method, is logged, and never reaches its handler, so it changes nothing.
 */
import * as grpc from "@grpc/grpc-js";
import type { Logger } from "pino";
import { Code } from "../errors.js";
import type { AgentDefinition } from "../generated/cairn/v1/Agent.js";
import type { CommandControlDefinition } from "../generated/cairn/v1/CommandControl.js";
import type { RegistryDefinition } from "../generated/cairn/v1/Registry.js";
import type { ReplicationDefinition } from "../generated/cairn/v1/Replication.js";
import { identityInSubjectAltName, type Identity } from "./identity.js";

/**
 * - `admin`: admin/* only;
 * - `any`: any identity of the CA;
 * - `managers`: manager/* only;
 * - `own-host`: host/ID or manager/ID whose ID is the request's `host`;
 * - `own-manager`: manager/ID whose ID is the request's `host` (a backup speaks for itself only);
 * - `asking-agent`: host/ID whose ID is the request's `agent_host`;
 * - `agent-service`: admin/*, viewer/*, and host/ID of the server's own host.
 */
export type Rule = "admin" | "any" | "managers" | "own-host" | "own-manager" | "asking-agent" | "agent-service";

type MethodsOf<D> = keyof { [K in keyof D as string extends K ? never : K]: D[K] } & string;

/** The table of SPEC 11, by service and method; a method added to a proto is a compile error here until it has a rule. */
export const RULES = {
  "cairn.v1.Registry": {
    CreateDomain: "admin",
    DeleteDomain: "admin",
    MoveDomain: "admin",
    RegisterHost: "admin",
    MoveHost: "admin",
    RemoveHost: "admin",
    SetMaintenance: "admin",
    SetLabels: "admin",
    DeployPackage: "admin",
    WithdrawPackage: "admin",
    RestorePackage: "admin",
    RemovePackage: "admin",
    SetTypePolicy: "admin",
    Import: "admin",
    PromoteManager: "admin",
    ListDomains: "any",
    GetTree: "any",
    GetHost: "any",
    ListHosts: "any",
    ListAgents: "any",
    Resolve: "any",
    Export: "any",
    GetStatus: "any",
  } satisfies Record<MethodsOf<RegistryDefinition>, Rule>,
  "cairn.v1.Replication": {
    Watch: "any",
    Heartbeat: "own-host",
    Session: "own-host",
    Pulses: "own-host",
    // A relay reports for itself: one manager must not pass as another's relay.
    Relay: "own-manager",
    // Stricter than SPEC 11's manager/*: one manager acknowledging as several backups would meet --sync-backups alone.
    Ack: "own-manager",
    GetPosition: "managers",
    Announce: "managers",
  } satisfies Record<MethodsOf<ReplicationDefinition>, Rule>,
  "cairn.v1.Agent": {
    Resolve: "agent-service",
    WatchRoute: "agent-service",
    Status: "agent-service",
    Authorize: "agent-service",
  } satisfies Record<MethodsOf<AgentDefinition>, Rule>,
  "cairn.v1.CommandControl": {
    Authorize: "asking-agent",
  } satisfies Record<MethodsOf<CommandControlDefinition>, Rule>,
  // The standard health service (wire/health.ts): whether a server answers is no secret to the CA's identities.
  "grpc.health.v1.Health": {
    Check: "any",
    Watch: "any",
  },
  // Server reflection (wire/reflection.ts): the services' schema, which the proto files publish anyway; it holds no
  // registry data, so any identity of the CA may read it, as grpcurl does. v1 and v1alpha, which older clients ask.
  "grpc.reflection.v1.ServerReflection": {
    ServerReflectionInfo: "any",
  },
  "grpc.reflection.v1alpha.ServerReflection": {
    ServerReflectionInfo: "any",
  },
} as const;

/** The rule of a method path (`/cairn.v1.Registry/RemoveHost`); undefined for a method the table does not know. */
export function ruleOf(path: string): Rule | undefined {
  const [, service = "", method = ""] = path.split("/");
  // Own properties only: `/cairn.v1.Registry/constructor` names no method.
  if (!Object.hasOwn(RULES, service)) return undefined;
  const rules = (RULES as Record<string, Record<string, Rule>>)[service]!;
  return Object.hasOwn(rules, method) ? rules[method] : undefined;
}

/**
 * The identity each TLS session proved. grpc-js builds a call's auth context
 * with getPeerCertificate() on every call (17 µs a call, measured: the
 * largest cost of mTLS in the 64-writer bench), and a session's certificate
 * cannot change: Node forbids renegotiation on HTTP/2 sockets, and TLS 1.3
 * has none.
 */
const sessionIdentities = new WeakMap<object, Identity | null>();
/**
 * The identity a call proved, by the metadata object the interceptor passed
 * on: grpc-js hands the handler that same object, and no client can make
 * one, so an entry here can only come from the interceptor.
 */
const callIdentities = new WeakMap<grpc.Metadata, Identity>();

/** The identity a call's client certificate proves, as the interceptor found it; undefined on an insecure server. */
export function callerOf(call: { metadata: grpc.Metadata }): Identity | undefined {
  return callIdentities.get(call.metadata);
}

function provenIdentity(call: grpc.ServerInterceptingCallInterface): Identity | undefined {
  // grpc-js keeps the call's HTTP/2 stream as `stream`, not as public API: without it, each call pays for its certificate.
  const session = (call as { stream?: { session?: object } }).stream?.session;
  const known = session && sessionIdentities.get(session);
  if (known !== undefined) return known ?? undefined;
  const identity = identityInSubjectAltName(call.getAuthContext()?.sslPeerCertificate?.subjectaltname);
  if (session) sessionIdentities.set(session, identity ?? null);
  return identity;
}

/**
 * Whether `caller` may make a call under `rule`. `request` is the decoded
 * request, for the rules that look at it; `serverHost` is the host the
 * server runs for. Returns why not, or undefined when it may.
 */
export function denial(rule: Rule, caller: Identity | undefined, request: unknown, serverHost: string): string | undefined {
  if (!caller) return "it presents no cairn identity";
  const field = (name: string) => (request as Record<string, unknown> | undefined)?.[name];
  switch (rule) {
    case "any":
      return undefined;
    case "admin":
      return caller.kind === "admin" ? undefined : "admin/* only";
    case "managers":
      return caller.kind === "manager" ? undefined : "manager/* only";
    case "own-host":
      if (caller.kind !== "host" && caller.kind !== "manager") return "host/ID or manager/ID of the host it reports for only";
      if (!field("host")) return "the request names no host";
      return field("host") === caller.name ? undefined : `host/${String(field("host"))} or manager/${String(field("host"))} only: it reports for another host`;
    case "own-manager":
      if (caller.kind !== "manager") return "manager/* only";
      if (!field("host")) return "the request names no host";
      return field("host") === caller.name ? undefined : `manager/${String(field("host"))} only: it speaks for another manager`;
    case "asking-agent":
      if (caller.kind !== "host") return "host/ID of the asking agent only";
      return field("agent_host") === caller.name ? undefined : `host/${String(field("agent_host"))} only: it asks as another agent`;
    case "agent-service":
      if (caller.kind === "admin" || caller.kind === "viewer") return undefined;
      return caller.kind === "host" && caller.name === serverHost ? undefined : `admin/*, viewer/* or host/${serverHost} only`;
    default:
      // Unreachable while Rule is a closed union; a rule added without a case here refuses rather than allows.
      return `no check for rule ${String(rule satisfies never)}`;
  }
}

/** Rules that need the request to decide, checked on its message rather than on the call's start. */
const NEEDS_REQUEST: ReadonlySet<Rule> = new Set(["own-host", "own-manager", "asking-agent"]);

/**
 * The server interceptor: every call of the table checked against its
 * caller's identity. A method the table does not know is refused too: a
 * service added without rules must not be open to everyone.
 */
export function authorizationInterceptor(serverHost: string, logger: Logger): grpc.ServerInterceptor {
  const log = logger.child({ component: "authorization" });
  return (method, call) => {
    const rule = ruleOf(method.path);
    const caller = provenIdentity(call);
    const refuse = (why: string) => {
      const who = caller?.text ?? "a client without a cairn identity";
      log.warn({ identity: caller?.text, method: method.path, why }, "call refused");
      call.sendStatus({ code: Code.PERMISSION_DENIED, details: `${who} may not call ${method.path.slice(1)} (${why})`, metadata: new grpc.Metadata() });
    };
    let refused = false;
    return new grpc.ServerInterceptingCall(call, {
      start: (next) =>
        next({
          onReceiveMetadata: (metadata, nextMetadata) => {
            const why = rule === undefined ? "the method has no rule" : NEEDS_REQUEST.has(rule) ? undefined : denial(rule, caller, undefined, serverHost);
            if (why) {
              refused = true;
              refuse(why);
            } else {
              if (caller) callIdentities.set(metadata, caller);
              nextMetadata(metadata);
            }
          },
          onReceiveMessage: (message, nextMessage) => {
            if (refused) return;
            const why = rule !== undefined && NEEDS_REQUEST.has(rule) ? denial(rule, caller, message, serverHost) : undefined;
            if (why) {
              refused = true;
              refuse(why);
            } else {
              nextMessage(message);
            }
          },
          // A refused call's handler never runs: not even with no request, on the client's half-close.
          onReceiveHalfClose: (nextHalfClose) => {
            if (!refused) nextHalfClose();
          },
        }),
    });
  };
}
