import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import type { HeartbeatReply__Output } from "../../src/generated/cairn/v1/HeartbeatReply.js";
import type { Op } from "../../src/registry/model.js";
import { v1 } from "../../src/wire/proto-loader.js";
import { spawnCli } from "../support/cli.js";
import { useDefer, type Defer } from "../support/defer.js";
import { MANAGER_HOST } from "../support/manager.js";
import { startCairn } from "../support/process.js";
import { useTempDirs } from "../support/temp-dir.js";
import { until } from "../support/until.js";

/** SPEC 13's liveness damping, scaled down: 1 s instead of 3 s, a 4 s hold-down instead of 10 s. */
const DOWN_AFTER_MS = 1_000;
const FLAP_COUNT = 3;
const HOLD_DOWN_MS = 4_000;
/** Just past --down-after: without damping the host would go down and up at every heartbeat. */
const FLAPPING_EVERY_MS = 1_300;
const STEADY_EVERY_MS = 300;
const HOST = "flappy-1";

const defer = useDefer();
const tempDir = useTempDirs();

/**
 * An agent that is nothing but its heartbeats, over gRPC to the manager,
 * every `everyMs` from the reply of the last one. `sent` holds when each
 * was sent, to find where a steady run began.
 */
class FakeAgent {
  readonly sent: number[] = [];
  readonly errors: unknown[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly client: InstanceType<typeof v1.Replication>;

  constructor(defer: Defer, address: string) {
    this.client = new v1.Replication(address, grpc.credentials.createInsecure());
    defer(() => {
      this.stop();
      this.client.close();
    });
  }

  heartbeat(): Promise<HeartbeatReply__Output> {
    this.sent.push(Date.now());
    return new Promise((resolve, reject) =>
      this.client.Heartbeat({ host: HOST, domain: "/" }, { deadline: Date.now() + 5_000 }, (error, reply) => (error ? reject(error) : resolve(reply!))),
    );
  }

  /** Heartbeats every `everyMs` from now on, instead of as before. */
  every(everyMs: number): void {
    this.stop();
    const generation = this.generation;
    const beat = () => {
      this.heartbeat()
        .catch((error: unknown) => this.errors.push(error))
        .finally(() => {
          // A beat in flight when the pace changed ends its own loop.
          if (generation === this.generation) this.timer = setTimeout(beat, everyMs);
        });
    };
    this.timer = setTimeout(beat, everyMs);
  }

  stop(): void {
    this.generation++;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private generation = 0;
}

/** The changes of the watch that moved the host's status, with the status after each. */
function statusChanges(lines: readonly string[]): { status: string; cause: string; at: number }[] {
  const changes: { status: string; cause: string; at: number }[] = [];
  let last: string | undefined;
  for (const line of lines) {
    const change = JSON.parse(line) as { cause: string; time_unix_ms: number; ops?: Op[] };
    // A change may put the host more than once (first contact, then up): what counts is how it leaves it.
    const puts = (change.ops ?? []).flatMap((op) => (op.kind === "put-host" && op.host.id === HOST ? [op.host] : []));
    const status = puts[puts.length - 1]?.status;
    if (status === undefined || status === last) continue;
    last = status;
    changes.push({ status, cause: change.cause, at: change.time_unix_ms });
  }
  return changes;
}

describe("liveness damping in a real manager process", () => {
  it("holds a host that flaps flap-count times down through its heartbeats, and brings it up once after hold-down of steady heartbeats", async () => {
    const manager = await startCairn(defer, [
      "manager", "start", "--host", MANAGER_HOST, "--data", tempDir(), "--listen", "127.0.0.1:0", "--bootstrap",
      "--down-after", `${DOWN_AFTER_MS}ms`, "--flap-count", String(FLAP_COUNT), "--flap-window", "60s", "--hold-down", `${HOLD_DOWN_MS}ms`,
    ]);
    const watch = spawnCli(["watch", "--json", "--from", "1", "--manager", manager.address]);
    defer(() => watch.kill("SIGKILL"));
    const changes = () => statusChanges(watch.lines);
    const downs = () => changes().filter((c) => c.status === "down").length;

    // Live once it has printed the manager's own first changes: the host's first change comes after them.
    await until(() => watch.lines.length > 0, "the watch live");
    const agent = new FakeAgent(defer, manager.address);
    expect(await agent.heartbeat()).toMatchObject({ recorded: true, down_after_ms: DOWN_AFTER_MS });
    await until(() => changes().length === 1, "the host up at its first heartbeat");
    agent.every(FLAPPING_EVERY_MS);

    // Down, up, down, up, down: then held.
    await until(() => downs() >= FLAP_COUNT, `${FLAP_COUNT} downs`, 20_000);
    await until(() => manager.stderr().includes(`host ${HOST} is flapping`), "the held-down warning");
    // Three more heartbeats, each of which would have brought it up without damping.
    const heldAfter = agent.sent.length;
    await until(() => agent.sent.length >= heldAfter + 3, "three heartbeats while held", 10_000);
    expect(changes().map((c) => c.status)).toEqual(["up", "down", "up", "down", "up", "down"]);

    // Steady from now on: the run starts at the first heartbeat less than down-after after the one before.
    agent.every(STEADY_EVERY_MS);
    await until(() => changes().length > 6, "the host up again", 15_000);
    const up = changes()[6]!;
    expect(up.status).toBe("up");
    expect(up.cause).toBe(`heartbeat from ${HOST}`);
    const runStart = steadyRunStart(agent.sent, up.at);
    expect(up.at - runStart).toBeGreaterThanOrEqual(HOLD_DOWN_MS - 100);
    expect(up.at - runStart).toBeLessThan(HOLD_DOWN_MS + 1_000);
    expect(manager.stderr()).toMatch(new RegExp(`host ${HOST} heartbeat steadily for \\d+ ms: released from hold-down`));

    // Up once: a few more steady heartbeats change nothing.
    const upAfter = agent.sent.length;
    await until(() => agent.sent.length >= upAfter + 5, "five heartbeats once up");
    expect(changes()).toHaveLength(7);
    // And nothing in between: every change that touched the host moved its status.
    expect(watch.lines.filter((line) => line.includes(`"id":"${HOST}"`))).toHaveLength(7);
    expect(agent.errors).toEqual([]);
  });
});

/** When the steady run that ended at `upAt` began: the last heartbeat sent down-after or more after the one before. */
function steadyRunStart(sent: readonly number[], upAt: number): number {
  const before = sent.filter((at) => at <= upAt);
  for (let i = before.length - 1; i > 0; i--) {
    if (before[i]! - before[i - 1]! >= DOWN_AFTER_MS) return before[i]!;
  }
  return before[0]!;
}
