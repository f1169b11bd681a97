import { describe, expect, it } from "vitest";
import { CairnError, Code, CODE_NAMES } from "../../src/errors.js";
import { silentLogger } from "../../src/logger.js";
import {
  ATTEMPT_TIMEOUT_MS,
  EJECTION_BASE_MS,
  MAX_EJECTION_MS,
  PROBE_TIMEOUT_MS,
  RoutedCaller,
} from "../../src/registry-agent/routed-caller.js";
import type { RoutedCallMetrics, RoutedOutcome } from "../../src/metrics/agent-metrics.js";
import { emptyRegistry, newHost, newPackage } from "../../src/registry/model.js";
import type { Route, RouteCandidate } from "../../src/router/route.js";
import { RouteIndex } from "../../src/router/route-index.js";
import { FakeClock } from "../support/fake-clock.js";

const TYPE = "command-control";
const AGENT = "agent-1";

/**
 * Three managers of TYPE beside the agent, preferred in the order m1, m2, m3
 * by priority, and a fourth, m4, whose host is in maintenance (so an
 * explained route lists it as skipped).
 */
function threeManagers(explain = false): Route {
  const registry = emptyRegistry();
  registry.hosts.set(AGENT, newHost(AGENT, "/"));
  for (const [i, id] of ["m1", "m2", "m3"].entries()) {
    registry.hosts.set(id, newHost(id, "/", { packages: [newPackage(TYPE, 7001 + i, { priority: i })] }));
  }
  registry.hosts.set("m4", newHost("m4", "/", { maintenance: true, packages: [newPackage(TYPE, 7004, { priority: 3 })] }));
  return RouteIndex.build(registry).route(AGENT, TYPE, { explain });
}

const ROUTE = threeManagers().candidates;
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

interface Probe {
  client: FakeClient;
  deadline: number;
  /** The clock's time when the probe was asked. */
  at: number;
}

type ProbeFn = (client: FakeClient, deadline: number) => Promise<boolean>;

/**
 * A RoutedCaller over ROUTE on a fake clock. `answers` says what each host
 * does when called (resolve with a value or throw); every attempt, client
 * made and probe asked is recorded. The probe answers `false` unless told
 * otherwise.
 */
function setUp(options: { route?: readonly RouteCandidate[]; probe?: ProbeFn; metrics?: RoutedCallMetrics } = {}) {
  const clock = new FakeClock();
  const made: FakeClient[] = [];
  const probed: Probe[] = [];
  const caller = new RoutedCaller<FakeClient>({
    type: TYPE,
    route: () => options.route ?? ROUTE,
    connect: (endpoint, host) => {
      const client = new FakeClient(endpoint, host);
      made.push(client);
      return client;
    },
    probe: (client, deadline) => {
      probed.push({ client, deadline, at: clock.now() });
      return options.probe ? options.probe(client, deadline) : Promise.resolve(false);
    },
    clock,
    metrics: options.metrics,
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
  const ejectedHosts = () => caller.ejected.map((e) => e.host).sort();
  const ejectionOf = (host: string) => caller.ejected.find((e) => e.host === host);
  return { clock, caller, call, attempts, made, probed, ejectedHosts, ejectionOf };
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

/** A promise the test settles when it chooses. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("RoutedCaller", () => {
  describe("metrics", () => {
    it("tells how each call ended and each move past a manager that did not answer", async () => {
      const ended: RoutedOutcome[] = [];
      let failovers = 0;
      const metrics: RoutedCallMetrics = {
        ended: (outcome, seconds) => {
          expect(seconds).toBeGreaterThanOrEqual(0);
          ended.push(outcome);
        },
        failedOver: () => failovers++,
      };
      const { call } = setUp({ metrics });
      await call({ m1: ok("yes") });
      expect([ended, failovers]).toEqual([["answered"], 0]);
      // m1 and m2 down: two moves on, answered by m3.
      await call({ m1: unavailable, m2: unavailable, m3: ok("yes") });
      expect([ended, failovers]).toEqual([["answered", "answered"], 2]);
      // The manager's own error: refused, and nobody else tried.
      await expect(call({ m3: fails(Code.INVALID_ARGUMENT, "bad") })).rejects.toMatchObject({ code: Code.INVALID_ARGUMENT });
      // All ejected or down: tried in turn, none answers.
      await expect(call({ m1: unavailable, m2: unavailable, m3: unavailable })).rejects.toMatchObject({ code: Code.UNAVAILABLE });
      expect([ended, failovers]).toEqual([["answered", "answered", "refused", "unavailable"], 2]);
    });
  });

  describe("calls", () => {
    it("sends the call to the first candidate when it answers, and tries nobody else", async () => {
      const { caller, call, attempts } = setUp();
      const result = await call({ m1: ok("yes") });
      expect(result).toEqual({ reply: "yes", servedBy: "m1", tried: ["m1"] });
      expect(attempts.map((a) => a.host)).toEqual(["m1"]);
      expect(caller.ejected).toEqual([]);
    });

    it("reuses a manager's client from one call to the next", async () => {
      const { call, attempts, made } = setUp();
      await call({ m1: ok("one") });
      await call({ m1: ok("two") });
      expect(attempts[1]!.client).toBe(attempts[0]!.client);
      expect(made).toHaveLength(1);
    });

    it("returns an application error (PERMISSION_DENIED) as a CairnError with the manager's code and message, tries nobody else and ejects nobody", async () => {
      const { caller, call, attempts, probed, clock } = setUp();
      const failure = call({ m1: fails(Code.PERMISSION_DENIED, "alice may not run reboot"), m2: ok("no") });
      await expect(failure).rejects.toBeInstanceOf(CairnError);
      await expect(failure).rejects.toMatchObject({ code: Code.PERMISSION_DENIED, message: "alice may not run reboot" });
      expect(attempts.map((a) => a.host)).toEqual(["m1"]);
      expect(caller.ejected).toEqual([]);
      clock.advance(MAX_EJECTION_MS);
      await settle();
      expect(probed).toEqual([]);
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
  });

  describe("ejection", () => {
    it.each([
      ["UNAVAILABLE", Code.UNAVAILABLE],
      ["DEADLINE_EXCEEDED", Code.DEADLINE_EXCEEDED],
    ])("a retryable failure (%s) ejects the manager for EJECTION_BASE_MS and the call moves to the next candidate", async (_name, code) => {
      const { clock, caller, call } = setUp();
      const start = clock.now();
      const result = await call({ m1: fails(code), m2: ok("from m2") });
      expect(result).toEqual({ reply: "from m2", servedBy: "m2", tried: ["m1", "m2"] });
      expect(caller.ejected).toEqual([{ host: "m1", endpoint: endpointOf("m1"), until: start + EJECTION_BASE_MS, count: 1 }]);
    });

    it("skips an ejected manager while its ejection lasts: calls go to m2 first and never to m1", async () => {
      const { clock, call, attempts, ejectedHosts } = setUp();
      await call({ m1: unavailable, m2: ok("from m2") });
      attempts.length = 0;

      expect(await call({ m2: ok("one") })).toEqual({ reply: "one", servedBy: "m2", tried: ["m2"] });
      // m2 failing moves on to m3, still not to m1.
      expect(await call({ m2: unavailable, m3: ok("two") })).toEqual({ reply: "two", servedBy: "m3", tried: ["m2", "m3"] });
      clock.advance(EJECTION_BASE_MS - 1);
      await settle();
      expect(await call({ m3: ok("three") })).toMatchObject({ servedBy: "m3", tried: ["m3"] });
      expect(attempts.map((a) => a.host)).not.toContain("m1");
      expect(ejectedHosts()).toEqual(["m1", "m2"]);
    });

    it("does not probe before the ejection ends, and probes once at its end", async () => {
      const { clock, call, probed } = setUp();
      await call({ m1: unavailable, m2: ok("from m2") });
      clock.advance(EJECTION_BASE_MS - 1);
      await settle();
      expect(probed).toEqual([]);
      clock.advance(1);
      await settle();
      expect(probed).toHaveLength(1);
    });

    it("probes with a fresh client (the old one closed) and a deadline PROBE_TIMEOUT_MS from the clock's now", async () => {
      const { clock, call, attempts, made, probed } = setUp({ probe: async () => true });
      const start = clock.now();
      await call({ m1: unavailable, m2: ok("from m2") });
      const oldM1 = attempts[0]!.client;
      expect(oldM1.closed).toBe(false);

      clock.advance(EJECTION_BASE_MS);
      await settle();
      expect(probed).toHaveLength(1);
      const probe = probed[0]!;
      expect(probe.at).toBe(start + EJECTION_BASE_MS);
      expect(probe.deadline).toBe(start + EJECTION_BASE_MS + PROBE_TIMEOUT_MS);
      expect(probe.client).not.toBe(oldM1);
      expect(oldM1.closed).toBe(true);
      expect([probe.client.host, probe.client.endpoint]).toEqual(["m1", endpointOf("m1")]);
      expect(probe.client.closed).toBe(false);
      expect(made.filter((c) => c.host === "m1")).toHaveLength(2);
    });

    it("readmits a manager whose probe answers: calls go to m1 again, on the probe's client", async () => {
      const { clock, caller, call, attempts, probed } = setUp({ probe: async () => true });
      await call({ m1: unavailable, m2: ok("from m2") });
      clock.advance(EJECTION_BASE_MS);
      await settle();
      expect(caller.ejected).toEqual([]);

      const result = await call({ m1: ok("from m1") });
      expect(result).toEqual({ reply: "from m1", servedBy: "m1", tried: ["m1"] });
      expect(attempts.at(-1)!.client).toBe(probed[0]!.client);
      // No more probes once it is back.
      clock.advance(MAX_EJECTION_MS);
      await settle();
      expect(probed).toHaveLength(1);
    });

    it("ejects again, for twice as long, a manager whose probe does not answer, and keeps skipping it", async () => {
      const { clock, caller, call, attempts, probed } = setUp({ probe: async () => false });
      const start = clock.now();
      await call({ m1: unavailable, m2: ok("from m2") });
      expect(caller.ejected).toEqual([{ host: "m1", endpoint: endpointOf("m1"), until: start + EJECTION_BASE_MS, count: 1 }]);

      clock.advance(EJECTION_BASE_MS);
      await settle();
      expect(probed).toHaveLength(1);
      expect(caller.ejected).toEqual([{ host: "m1", endpoint: endpointOf("m1"), until: start + 3 * EJECTION_BASE_MS, count: 2 }]);
      attempts.length = 0;
      expect(await call({ m2: ok("from m2") })).toMatchObject({ servedBy: "m2", tried: ["m2"] });
      expect(attempts.map((a) => a.host)).toEqual(["m2"]);

      // The second ejection really lasts 2 × base: no probe before its end, one at it.
      clock.advance(2 * EJECTION_BASE_MS - 1);
      await settle();
      expect(probed).toHaveLength(1);
      clock.advance(1);
      await settle();
      expect(probed).toHaveLength(2);
      expect(probed[1]!.deadline).toBe(start + 3 * EJECTION_BASE_MS + PROBE_TIMEOUT_MS);
      // Each probe gets a fresh client and the one before is let go.
      expect(probed[0]!.client.closed).toBe(true);
      expect(probed[1]!.client).not.toBe(probed[0]!.client);
      expect(caller.ejected).toEqual([{ host: "m1", endpoint: endpointOf("m1"), until: start + 6 * EJECTION_BASE_MS, count: 3 }]);
    });

    it.each([
      ["rejects", (): Promise<boolean> => Promise.reject(new Error("health check broke"))],
      ["throws in an async probe", async (): Promise<boolean> => {
        throw new Error("health check broke");
      }],
    ])("ejects again a manager whose probe %s", async (_name, probe) => {
      const { clock, caller, call } = setUp({ probe });
      const start = clock.now();
      await call({ m1: unavailable, m2: ok("from m2") });
      clock.advance(EJECTION_BASE_MS);
      await settle();
      expect(caller.ejected).toEqual([{ host: "m1", endpoint: endpointOf("m1"), until: start + 3 * EJECTION_BASE_MS, count: 2 }]);
    });

    it("never ejects for longer than MAX_EJECTION_MS", async () => {
      const { clock, caller, call } = setUp({ probe: async () => false });
      await call({ m1: unavailable, m2: ok("from m2") });
      const capAt = Math.ceil(MAX_EJECTION_MS / EJECTION_BASE_MS);
      for (let n = 1; n <= capAt + 2; n++) {
        const [ejection] = caller.ejected;
        expect(ejection!.count).toBe(n);
        expect(ejection!.until - clock.now()).toBe(Math.min(n * EJECTION_BASE_MS, MAX_EJECTION_MS));
        clock.advance(ejection!.until - clock.now());
        await settle();
      }
    });

    it("a manager's answer to a call resets its streak: its next ejection is EJECTION_BASE_MS again", async () => {
      const answers = { probe: false };
      // A route of m1 alone: when every candidate is ejected a call still tries it.
      const { clock, caller, call, ejectionOf } = setUp({ route: ROUTE.slice(0, 1), probe: async () => answers.probe });
      await expect(call({ m1: unavailable })).rejects.toMatchObject({ code: Code.UNAVAILABLE });
      clock.advance(EJECTION_BASE_MS);
      await settle();
      expect(ejectionOf("m1")!.count).toBe(2);

      expect(await call({ m1: ok("from m1") })).toMatchObject({ servedBy: "m1" });
      expect(caller.ejected).toEqual([]);

      const again = clock.now();
      await expect(call({ m1: unavailable })).rejects.toMatchObject({ code: Code.UNAVAILABLE });
      expect(ejectionOf("m1")).toEqual({ host: "m1", endpoint: endpointOf("m1"), until: again + EJECTION_BASE_MS, count: 1 });
    });

    it("a probe's answer readmits but does not reset the streak (only an answer to a call does)", async () => {
      const answers = { probe: false };
      const { clock, caller, call, ejectionOf } = setUp({ probe: async () => answers.probe });
      await call({ m1: unavailable, m2: ok("from m2") });
      clock.advance(EJECTION_BASE_MS); // probe fails: 2nd ejection
      await settle();
      answers.probe = true;
      clock.advance(2 * EJECTION_BASE_MS); // probe answers: back
      await settle();
      expect(caller.ejected).toEqual([]);

      const again = clock.now();
      await call({ m1: unavailable, m2: ok("from m2") });
      expect(ejectionOf("m1")).toMatchObject({ until: again + 3 * EJECTION_BASE_MS, count: 3 });
    });

    it("tries every candidate anyway when all are ejected, in route order, and an answer readmits that one", async () => {
      const { clock, caller, call, ejectedHosts } = setUp();
      const start = clock.now();
      await expect(call({ m1: unavailable, m2: unavailable, m3: unavailable })).rejects.toMatchObject({
        code: Code.UNAVAILABLE,
        message: `no manager of type ${TYPE} answered (tried m1, m2, m3): down`,
      });
      expect(ejectedHosts()).toEqual(["m1", "m2", "m3"]);

      // Failing again while ejected does not lengthen an ejection.
      await expect(call({ m1: unavailable, m2: unavailable, m3: unavailable })).rejects.toMatchObject({
        message: `no manager of type ${TYPE} answered (tried m1, m2, m3): down`,
      });
      expect(caller.ejected.map((e) => [e.host, e.count, e.until])).toEqual([
        ["m1", 1, start + EJECTION_BASE_MS],
        ["m2", 1, start + EJECTION_BASE_MS],
        ["m3", 1, start + EJECTION_BASE_MS],
      ]);

      expect(await call({ m1: unavailable, m2: ok("from m2") })).toEqual({ reply: "from m2", servedBy: "m2", tried: ["m1", "m2"] });
      expect(ejectedHosts()).toEqual(["m1", "m3"]);
      // m2 is back, so the next call goes to it alone.
      expect(await call({ m2: ok("again") })).toMatchObject({ servedBy: "m2", tried: ["m2"] });
    });

    it("readmits an ejected manager when the registry reports a change for its host, drops its client and cancels its probe", async () => {
      const { clock, caller, call, attempts, probed } = setUp();
      await call({ m1: unavailable, m2: ok("from m2") });
      caller.registryChanged(["m1"]);
      expect(caller.ejected).toEqual([]);
      expect(attempts[0]!.client.closed).toBe(true);

      const result = await call({ m1: ok("from m1") });
      expect(result.tried).toEqual(["m1"]);
      expect(attempts.at(-1)!.client).not.toBe(attempts[0]!.client);
      clock.advance(MAX_EJECTION_MS);
      await settle();
      expect(probed).toEqual([]);
    });

    it("keeps an ejection when the registry changes other hosts", async () => {
      const { clock, caller, call } = setUp();
      const start = clock.now();
      await call({ m1: unavailable, m2: ok("from m2") });
      caller.registryChanged(["m2", "m3"]);
      expect(caller.ejected).toEqual([{ host: "m1", endpoint: endpointOf("m1"), until: start + EJECTION_BASE_MS, count: 1 }]);
    });

    it("ignores a probe's late result when the manager was readmitted while it ran", async () => {
      const pending = deferred<boolean>();
      const { clock, caller, call, probed } = setUp({ probe: () => pending.promise });
      await call({ m1: unavailable, m2: ok("from m2") });
      clock.advance(EJECTION_BASE_MS);
      await settle();
      expect(probed).toHaveLength(1);
      // While the probe runs, m1 is still out.
      expect(caller.ejected.map((e) => e.host)).toEqual(["m1"]);

      caller.registryChanged(["m1"]);
      expect(caller.ejected).toEqual([]);
      pending.resolve(false);
      await settle();
      expect(caller.ejected).toEqual([]);
      expect(await call({ m1: ok("from m1") })).toMatchObject({ servedBy: "m1", tried: ["m1"] });
    });

    it("ignores a probe's late result when a call's answer readmitted the manager while it ran", async () => {
      const pending = deferred<boolean>();
      const { clock, caller, call, probed } = setUp({ route: ROUTE.slice(0, 1), probe: () => pending.promise });
      await expect(call({ m1: unavailable })).rejects.toMatchObject({ code: Code.UNAVAILABLE });
      clock.advance(EJECTION_BASE_MS);
      await settle();
      expect(probed).toHaveLength(1);

      expect(await call({ m1: ok("from m1") })).toMatchObject({ servedBy: "m1" });
      pending.resolve(false);
      await settle();
      expect(caller.ejected).toEqual([]);
    });

    it("stop() cancels pending probes and closes every client it made", async () => {
      const { clock, caller, call, made, probed } = setUp();
      await call({ m1: unavailable, m2: unavailable, m3: ok("from m3") });
      expect(caller.ejected).toHaveLength(2);
      caller.stop();
      expect(caller.ejected).toEqual([]);
      clock.advance(MAX_EJECTION_MS * 2);
      await settle();
      expect(probed).toEqual([]);
      expect(made).toHaveLength(3);
      expect(made.every((c) => c.closed)).toBe(true);
    });

    it("stop() while a probe runs closes the probe's client and ejects nobody when the probe ends", async () => {
      const pending = deferred<boolean>();
      const { clock, caller, call, probed } = setUp({ probe: () => pending.promise });
      await call({ m1: unavailable, m2: ok("from m2") });
      clock.advance(EJECTION_BASE_MS);
      await settle();
      expect(probed).toHaveLength(1);
      caller.stop();
      expect(probed[0]!.client.closed).toBe(true);
      pending.resolve(false);
      await settle();
      expect(caller.ejected).toEqual([]);
      clock.advance(MAX_EJECTION_MS);
      await settle();
      expect(probed).toHaveLength(1);
    });

    it("keeps a healthy manager's client through registry changes of its host, and replaces it when its endpoint moves", async () => {
      const options: { route: readonly RouteCandidate[] } = { route: ROUTE };
      const { caller, call, made } = setUp(options);
      await call({ m1: ok("from m1") });
      caller.registryChanged(["m1"]);
      await call({ m1: ok("from m1") });
      expect(made.map((c) => [c.host, c.closed])).toEqual([["m1", false]]);

      options.route = ROUTE.map((c) => (c.host === "m1" ? { ...c, endpoint: "127.0.0.1:9999" } : c));
      await call({ m1: ok("from m1") });
      expect(made.map((c) => [c.host, c.endpoint, c.closed])).toEqual([
        ["m1", endpointOf("m1"), true],
        ["m1", "127.0.0.1:9999", false],
      ]);
    });
  });

  describe("asCalled", () => {
    it("returns the route itself when nobody is ejected", () => {
      const { caller } = setUp();
      const route = threeManagers(true);
      expect(caller.asCalled(route)).toBe(route);
    });

    it("moves an ejected manager of an explained route to skipped, 'ejected', with the time its ejection has left", async () => {
      const { clock, caller, call } = setUp();
      await call({ m1: unavailable, m2: ok("from m2") });
      clock.advance(300);
      const route = threeManagers(true);
      expect(route.skipped).toEqual([{ host: "m4", reason: "host in maintenance" }]);
      const before = structuredClone(route);

      const shown = caller.asCalled(route);
      expect(shown.from).toBe(AGENT);
      expect(shown.type).toBe(TYPE);
      expect(shown.candidates.map((c) => c.host)).toEqual(["m2", "m3"]);
      expect(shown.candidates).toEqual(route.candidates.slice(1));
      expect(shown.skipped).toEqual([
        { host: "m1", domain: "/", reason: "ejected", ejectedForMs: EJECTION_BASE_MS - 300 },
        { host: "m4", reason: "host in maintenance" },
      ]);
      // The route given is left as it was.
      expect(route).toEqual(before);
    });

    it("lists every ejected manager, each with its own time left", async () => {
      const { clock, caller, call } = setUp({ probe: async () => false });
      await call({ m1: unavailable, m2: ok("from m2") });
      clock.advance(EJECTION_BASE_MS); // m1's probe fails: ejected for 2 × base from now
      await settle();
      await call({ m2: unavailable, m3: ok("from m3") });
      clock.advance(100);
      const shown = caller.asCalled(threeManagers(true));
      expect(shown.candidates.map((c) => c.host)).toEqual(["m3"]);
      expect(shown.skipped).toEqual([
        { host: "m1", domain: "/", reason: "ejected", ejectedForMs: 2 * EJECTION_BASE_MS - 100 },
        { host: "m2", domain: "/", reason: "ejected", ejectedForMs: EJECTION_BASE_MS - 100 },
        { host: "m4", reason: "host in maintenance" },
      ]);
    });

    it("shows 0 ms left while the probe that ends an ejection runs", async () => {
      const pending = deferred<boolean>();
      const { clock, caller, call } = setUp({ probe: () => pending.promise });
      await call({ m1: unavailable, m2: ok("from m2") });
      clock.advance(EJECTION_BASE_MS + 50);
      await settle();
      const shown = caller.asCalled(threeManagers(true));
      expect(shown.skipped![0]).toEqual({ host: "m1", domain: "/", reason: "ejected", ejectedForMs: 0 });
    });

    it("only takes the ejected manager out of the candidates of an unexplained route", async () => {
      const { caller, call } = setUp();
      await call({ m1: unavailable, m2: ok("from m2") });
      const route = threeManagers(false);
      const shown = caller.asCalled(route);
      expect(shown.candidates.map((c) => c.host)).toEqual(["m2", "m3"]);
      expect(shown).not.toHaveProperty("skipped");
      expect(route.candidates.map((c) => c.host)).toEqual(["m1", "m2", "m3"]);
    });

    it("returns the route unchanged when every candidate is ejected, as calls then try them all", async () => {
      const { caller, call } = setUp();
      await expect(call({ m1: unavailable, m2: unavailable, m3: unavailable })).rejects.toMatchObject({ code: Code.UNAVAILABLE });
      const route = threeManagers(true);
      expect(caller.asCalled(route)).toBe(route);
    });

    it("shows a readmitted manager as a candidate again", async () => {
      const { clock, caller, call } = setUp({ probe: async () => true });
      await call({ m1: unavailable, m2: ok("from m2") });
      clock.advance(EJECTION_BASE_MS);
      await settle();
      const route = threeManagers(true);
      expect(caller.asCalled(route)).toBe(route);
    });
  });
});
