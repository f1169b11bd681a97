/**
 * Real cairn processes with mTLS for the security tests: each started with
 * the certificate of the identity it runs as, from one TestCa, and clients
 * in the test process that call as any identity of it.
 */
import * as grpc from "@grpc/grpc-js";
import type { MethodDefinition } from "@grpc/proto-loader";
import { callUnary } from "../../src/client/methods.js";
import { COMMAND_CONTROL_TYPE } from "../../src/registry/model.js";
import type { PeerExpectation } from "../../src/security/transport.js";
import type { Defer } from "./defer.js";
import { FAST_LIVENESS } from "./fleet.js";
import { TestRegistryClient } from "./manager.js";
import { startCairn, type CairnProcess } from "./process.js";
import type { TestCa } from "./tls.js";

/** A registry manager as manager/HOST: the primary of a new registry, or a backup joining `join`. */
export async function startSecureManager(
  defer: Defer,
  ca: TestCa,
  host: string,
  data: string,
  options: { join?: string; flags?: readonly string[] } = {},
): Promise<CairnProcess> {
  const role = options.join ? ["--join", options.join] : ["--bootstrap"];
  const tls = await ca.flags(`manager/${host}`);
  return startCairn(defer, ["manager", "start", "--host", host, "--data", data, "--listen", "127.0.0.1:0", ...role, ...FAST_LIVENESS, ...tls, ...(options.flags ?? [])]);
}

export async function startSecureCommandControl(defer: Defer, ca: TestCa, host: string, listen = "127.0.0.1:0"): Promise<CairnProcess> {
  const tls = await ca.flags(`service/${COMMAND_CONTROL_TYPE}/${host}`);
  return startCairn(defer, ["command-control", "start", "--host", host, "--listen", listen, ...tls]);
}

export async function startSecureAgent(defer: Defer, ca: TestCa, host: string, data: string, manager: string): Promise<CairnProcess> {
  const tls = await ca.flags(`host/${host}`);
  return startCairn(defer, ["agent", "start", "--host", host, "--data", data, "--manager", manager, "--heartbeat-interval", "300ms", ...tls]);
}

/** A Registry client calling as `identity`. */
export async function registryAs(defer: Defer, ca: TestCa, identity: string, address: string): Promise<TestRegistryClient> {
  const client = new TestRegistryClient(address, (await ca.transport(identity)).channel({ kind: "manager" }));
  defer(() => client.close());
  return client;
}

/** What a call came to: its reply, or the status it failed with. */
export type Outcome<R> = { ok: true; reply: R } | { ok: false; code: grpc.status; details: string };

/**
 * A raw client of any service, calling as `identity` a server that must
 * prove `peer`: for the rows of the table that the typed clients of src/
 * do not make (a host's Ack, an admin's Announce, …).
 */
export async function rawClientAs(defer: Defer, ca: TestCa, identity: string, address: string, peer: PeerExpectation) {
  const { credentials, options } = (await ca.transport(identity)).channel(peer);
  const client = new grpc.Client(address, credentials, options);
  defer(() => client.close());
  return {
    client,
    async call<Req, Res, ReplyIn, RequestOut>(method: MethodDefinition<Req, ReplyIn, RequestOut, Res>, request: Req): Promise<Outcome<Res>> {
      try {
        return { ok: true, reply: await callUnary(client, method, request, { deadline: Date.now() + 5_000 }) };
      } catch (error) {
        const failure = error as grpc.ServiceError;
        return { ok: false, code: failure.code, details: failure.details };
      }
    },
    /** A server stream, its messages collected as they come; cancelled after the test. */
    stream<Req, Res, ReplyIn, RequestOut>(method: MethodDefinition<Req, ReplyIn, RequestOut, Res>, request: Req) {
      const call = client.makeServerStreamRequest(method.path, method.requestSerialize, method.responseDeserialize, request, {});
      const messages: Res[] = [];
      let failure: grpc.ServiceError | undefined;
      call.on("data", (message: Res) => messages.push(message));
      call.on("error", (error: grpc.ServiceError) => (failure = error));
      defer(() => call.cancel());
      return { messages, failure: () => failure };
    },
  };
}
