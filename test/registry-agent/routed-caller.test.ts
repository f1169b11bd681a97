import { describe, expect, it } from "vitest";
import { CairnError, Code, CODE_NAMES } from "../../src/errors.js";
import { silentLogger } from "../../src/logger.js";
import { ATTEMPT_TIMEOUT_MS, PROBE_INTERVAL_MS, RoutedCaller } from "../../src/registry-agent/routed-caller.js";
import { emptyRegistry, newHost, newPackage } from "../../src/registry/model.js";
import type { RouteCandidate } from "../../src/router/route.js";
import { RouteIndex } from "../../src/router/route-index.js";
import { FakeClock } from "../support/fake-clock.js";

const TYPE = "command-control";
const AGENT = "agent-1";

/** Three managers of TYPE beside the agent, preferred in the order m1, m2, m3 by priority. */
function threeManagers(): RouteCandidate[] {
  const registry = emptyRegistry();
  registry.hosts.set(AGENT, newHost(AGENT, "/"));
  for (const [i, id] of ["m1", "m2", "m3"].entries()) {
    registry.hosts.set(id, newHost(id, "/", { packages: [newPackage(TYPE, 7001 + i, { priority: i })] }));
  }
  return RouteIndex.build(registry).route(AGENT, TYPE).candidates;
}

const ROUTE = threeManagers();
const endpointOf = (host: string) => ROUTE.find((c) => c.host === host)!.endpoint;

/** A client that only remembers where it points and whether it was let go. */
class FakeClient {
  closed = false;
  constructor(
    readonly endpoint: string,
    /** The host whose manager the client checks it reaches. */
    readonly host: string,
  ) {}
  close(): void {
    this.closed = true;
  }
}

interface Attempt {
  host: string;
  client: FakeClient;
  deadline: number;
}

/**
 * A RoutedCaller over ROUTE on a fake clock. `answers` says what each host
 * does when called (resolve with a value or throw); every attempt, client
 * made and probe asked is recorded.
 */
function setUp(options: { route?: readonly RouteCandidate[]; probe?: (endpoint: string) => Promise<boolean> } = {}) {
  const clock = new FakeClock();
  const made: FakeClient[] = [];
  const probed: string[] = [];
  const caller = new RoutedCaller<FakeClient>({
    type: TYPE,
    route: () => options.route ?? ROUTE,
    connect: (endpoint, host) => {
      const client = new FakeClient(endpoint, host);
      made.push(client);
      return client;
    },
    probe: (endpoint) => {
      probed.push(endpoint);
      return options.probe?.(endpoint) ?? Promise.resolve(false);
    },
    clock,
    logger: silentLogger,
  });
  const attempts: Attempt[] = [];
  const call = (answers: Record<string, () => string>, deadline = clock.now() + 5_000) =>
    caller.call(deadline, async (client, candidate, attemptDeadline) => {
      attempts.push({ host: candidate.host, client, deadline: attemptDeadline });
      const answer = answers[candidate.host];
      if (!answer) throw new Error(`test did not expect a call to ${candidate.host}`);
      return answer();
    });
  return { clock, caller, call, attempts, made, probed };
}

/** A failed call as grpc-js rejects it (what the agent's invoke passes on): a code and the server's details. */
function grpcError(code: Code, details: string): Error {
  return Object.assign(new Error(`${code} ${CODE_NAMES[code]}: ${details}`), { code, details });
}

const ok = (value: string) => () => value;
const fails = (code: Code, details = "down") => (): never => {
  throw grpcError(code, details);
};
const unavailable = fails(Code.UNAVAILABLE);

/** Lets the promise callbacks a fired timer started run to their end. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

describe("RoutedCaller", () => {
  it("sends the call to the first candidate when it answers, and tries nobody else", async () => {
    const { caller, call, attempts } = setUp();
    const result = await call({ m1: ok("yes") });
    expect(result).toEqual({ reply: "yes", servedBy: "m1", tried: ["m1"] });
    expect(attempts.map((a) => a.host)).toEqual(["m1"]);
    expect(caller.suspectHosts).toEqual([]);
  });

  it.each([
    ["UNAVAILABLE", Code.UNAVAILABLE],
    ["DEADLINE_EXCEEDED", Code.DEADLINE_EXCEEDED],
  ])("a retryable failure (%s) makes the manager a suspect and the call moves to the next candidate", async (_name, code) => {
    const { caller, call } = setUp();
    const result = await call({ m1: fails(code), m2: ok("from m2") });
    expect(result).toEqual({ reply: "from m2", servedBy: "m2", tried: ["m1", "m2"] });
    expect(caller.suspectHosts).toEqual(["m1"]);
  });

  it("tries suspects last: the trusted candidates go first, in route order", async () => {
    const { caller, call } = setUp();
    await call({ m1: unavailable, m2: ok("from m2") });

    const result = await call({ m1: ok("from m1"), m2: unavailable, m3: unavailable });
    expect(result.tried).toEqual(["m2", "m3", "m1"]);
    expect(result.servedBy).toBe("m1");
    // m1 answered, so it is trusted again; m2 and m3 failed, so they are now the suspects.
    expect(caller.suspectHosts.sort()).toEqual(["m2", "m3"]);
  });

  it("drops a suspect's cached client before trying it again, so the retry gets a fresh channel", async () => {
    const { call, attempts, made } = setUp();
    await call({ m1: unavailable, m2: ok("from m2") });
    const firstM1 = attempts[0]!.client;

    await call({ m1: ok("from m1"), m2: unavailable, m3: unavailable });
    const secondM1 = attempts.filter((a) => a.host === "m1")[1]!.client;
    expect(firstM1.closed).toBe(true);
    expect(secondM1).not.toBe(firstM1);
    expect(made.filter((c) => c.endpoint === endpointOf("m1"))).toHaveLength(2);
  });

  it("reuses a trusted manager's client from one call to the next", async () => {
    const { call, attempts, made } = setUp();
    await call({ m1: ok("one") });
    await call({ m1: ok("two") });
    expect(attempts[1]!.client).toBe(attempts[0]!.client);
    expect(made).toHaveLength(1);
  });

  it("tries every candidate anyway when all are suspect, in route order", async () => {
    const { caller, call } = setUp();
    await expect(call({ m1: unavailable, m2: unavailable, m3: unavailable })).rejects.toMatchObject({
      code: Code.UNAVAILABLE,
      message: `no manager of type ${TYPE} answered (tried m1, m2, m3): down`,
    });
    expect(caller.suspectHosts.sort()).toEqual(["m1", "m2", "m3"]);

    const result = await call({ m1: ok("from m1") });
    expect(result).toEqual({ reply: "from m1", servedBy: "m1", tried: ["m1"] });
    expect(caller.suspectHosts.sort()).toEqual(["m2", "m3"]);
  });

  it("returns an application error (PERMISSION_DENIED) as a CairnError with the manager's code and message, tries nobody else and suspects nobody", async () => {
    const { caller, call, attempts } = setUp();
    const failure = call({ m1: fails(Code.PERMISSION_DENIED, "alice may not run reboot"), m2: ok("no") });
    await expect(failure).rejects.toBeInstanceOf(CairnError);
    await expect(failure).rejects.toMatchObject({ code: Code.PERMISSION_DENIED, message: "alice may not run reboot" });
    expect(attempts.map((a) => a.host)).toEqual(["m1"]);
    expect(caller.suspectHosts).toEqual([]);
  });

  it("returns a manager's CairnError itself, not a copy", async () => {
    const { call } = setUp();
    const refusal = new CairnError(Code.PERMISSION_DENIED, "not yours");
    await expect(
      call({
        m1: () => {
          throw refusal;
        },
      }),
    ).rejects.toBe(refusal);
  });

  it("gives each attempt the sooner of the caller's deadline and ATTEMPT_TIMEOUT_MS from the clock's now", async () => {
    const { clock, call, attempts } = setUp();
    const start = clock.now();
    const timesOut = () => {
      clock.advance(ATTEMPT_TIMEOUT_MS);
      return fails(Code.DEADLINE_EXCEEDED)();
    };
    await call({ m1: timesOut, m2: ok("from m2") }, start + 1_500);
    expect(attempts.map((a) => a.deadline - start)).toEqual([ATTEMPT_TIMEOUT_MS, 1_500]);
  });

  it("stops at the caller's deadline: no candidate is tried once it has passed", async () => {
    const { clock, call, attempts } = setUp();
    const start = clock.now();
    const slowFailure = (ms: number) => () => {
      clock.advance(ms);
      return fails(Code.DEADLINE_EXCEEDED, "deadline exceeded")();
    };
    await expect(call({ m1: slowFailure(ATTEMPT_TIMEOUT_MS), m2: slowFailure(500), m3: ok("too late") }, start + 1_500)).rejects.toMatchObject({
      code: Code.UNAVAILABLE,
      message: `no manager of type ${TYPE} answered (tried m1, m2): deadline exceeded`,
    });
    expect(attempts.map((a) => a.host)).toEqual(["m1", "m2"]);
  });

  it("tries nobody when the caller's deadline has already passed", async () => {
    const { clock, call, attempts } = setUp();
    await expect(call({ m1: ok("no") }, clock.now())).rejects.toMatchObject({
      code: Code.UNAVAILABLE,
      message: `no manager of type ${TYPE} answered (tried none): deadline reached`,
    });
    expect(attempts).toEqual([]);
  });

  it("trusts a suspect again when the registry reports a change for its host, and drops its client", async () => {
    const { caller, call, attempts } = setUp();
    await call({ m1: unavailable, m2: ok("from m2") });
    caller.registryChanged(["m1"]);
    expect(caller.suspectHosts).toEqual([]);
    expect(attempts[0]!.client.closed).toBe(true);

    const result = await call({ m1: ok("from m1") });
    expect(result.tried).toEqual(["m1"]);
  });

  it("keeps a suspect when the registry changes other hosts", async () => {
    const { caller, call } = setUp();
    await call({ m1: unavailable, m2: ok("from m2") });
    caller.registryChanged(["m2", "m3"]);
    expect(caller.suspectHosts).toEqual(["m1"]);
  });

  it("probes a suspect after PROBE_INTERVAL_MS of clock time and trusts it again when the probe connects", async () => {
    const { clock, caller, call, probed } = setUp({ probe: async () => true });
    await call({ m1: unavailable, m2: ok("from m2") });

    clock.advance(PROBE_INTERVAL_MS - 1);
    await settle();
    expect(probed).toEqual([]);
    expect(caller.suspectHosts).toEqual(["m1"]);

    clock.advance(1);
    await settle();
    expect(probed).toEqual([endpointOf("m1")]);
    expect(caller.suspectHosts).toEqual([]);
  });

  it("keeps a suspect whose probe fails and probes it again every PROBE_INTERVAL_MS", async () => {
    const { clock, caller, call, probed } = setUp({ probe: async () => false });
    await call({ m1: unavailable, m2: ok("from m2") });

    for (let round = 1; round <= 3; round++) {
      clock.advance(PROBE_INTERVAL_MS);
      await settle();
      expect(probed).toHaveLength(round);
    }
    expect(caller.suspectHosts).toEqual(["m1"]);
  });

  it("stops probing once stopped, and closes every client it made", async () => {
    const { clock, caller, call, made, probed } = setUp();
    await call({ m1: unavailable, m2: ok("from m2") });
    caller.stop();
    clock.advance(PROBE_INTERVAL_MS * 4);
    await settle();
    expect(probed).toEqual([]);
    expect(made.every((c) => c.closed)).toBe(true);
  });

  it("answers UNAVAILABLE 'no available manager' when the route is empty", async () => {
    const { call, attempts } = setUp({ route: [] });
    await expect(call({})).rejects.toMatchObject({ code: Code.UNAVAILABLE, message: `no available manager of type ${TYPE}` });
    expect(attempts).toEqual([]);
  });

  it("makes a new client when another host's manager takes over an endpoint: a client checks it reaches its own host's", async () => {
    const options: { route: readonly RouteCandidate[] } = { route: ROUTE };
    const { call, made } = setUp(options);
    await call({ m1: ok("from m1") });
    // m1 is gone and m2 now listens where m1 did.
    options.route = ROUTE.filter((c) => c.host !== "m1").map((c) => (c.host === "m2" ? { ...c, endpoint: endpointOf("m1") } : c));
    expect(await call({ m2: ok("from m2") })).toMatchObject({ servedBy: "m2" });
    expect(made.map((c) => [c.host, c.endpoint])).toEqual([
      ["m1", endpointOf("m1")],
      ["m2", endpointOf("m1")],
    ]);
  });

  it("lets go of a host's clients when the registry changes it", async () => {
    const { caller, call, made } = setUp();
    await call({ m1: ok("from m1") });
    caller.registryChanged(["m1"]);
    expect(made.map((c) => c.closed)).toEqual([true]);
    await call({ m1: ok("from m1") });
    expect(made.map((c) => [c.host, c.closed])).toEqual([
      ["m1", true],
      ["m1", false],
    ]);
  });
});
