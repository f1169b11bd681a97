/**
 * A backup's relay of pulses (pulse-relay.ts) on a fake clock, with the
 * primary's answers made up: it vouches only while it is a backup whose
 * last report reached a primary within RELAY_SILENT_MS, reports each
 * host's last pulse with its age (those read in the turn the report is due
 * in too), and answers `relayed` false to a host the
 * primary wants whole.
 */
import { EventEmitter } from "node:events";
import type * as grpc from "@grpc/grpc-js";
import pino from "pino";
import { describe, expect, it } from "vitest";
import type { Pulse__Output } from "../../src/generated/cairn/v1/Pulse.js";
import type { PulseAnswer } from "../../src/generated/cairn/v1/PulseAnswer.js";
import type { RelayReply__Output } from "../../src/generated/cairn/v1/RelayReply.js";
import type { RelayReport } from "../../src/generated/cairn/v1/RelayReport.js";
import type { ManagerRole } from "../../src/registry/model.js";
import { RELAY_REPORT_MS, RELAY_SILENT_MS } from "../../src/registry-manager/defaults.js";
import type { ManagerAddress, ManagerControl } from "../../src/registry-manager/manager-control.js";
import { PulseRelay } from "../../src/registry-manager/pulse-relay.js";
import { FakeClock } from "../support/fake-clock.js";

const PRIMARY = { host: "m1", address: "10.0.0.1:7000" };

function setUp() {
  const clock = new FakeClock();
  const state = { role: "backup" as ManagerRole, learned: [] as { epoch: number; primary?: ManagerAddress }[] };
  const manager = {
    hostId: "m2",
    role: () => state.role,
    primary: () => PRIMARY,
    learnedEpoch: (epoch: number, primary?: ManagerAddress) => state.learned.push({ epoch, primary }),
  } as unknown as ManagerControl;
  const reports: RelayReport[] = [];
  let answer: (report: RelayReport) => RelayReply__Output | Error = () => ({ recorded: true, primary_host: "m1", primary_address: PRIMARY.address, epoch: 1, whole: [] });
  const peers = {
    relay: async (_address: string, report: RelayReport) => {
      reports.push(report);
      const reply = answer(report);
      if (reply instanceof Error) throw reply;
      return reply;
    },
  };
  const relay = new PulseRelay(manager, peers, () => 1, clock, pino({ level: "silent" }));
  relay.start();
  // One Pulses stream: what it was answered, in order.
  const call = new EventEmitter() as EventEmitter & { write(answer: PulseAnswer): void; end(): void };
  const answers: boolean[] = [];
  call.write = (a) => answers.push(a.relayed!);
  call.end = () => {};
  relay.handle(call as unknown as grpc.ServerDuplexStream<Pulse__Output, PulseAnswer>);
  const pulse = (host: string, revision = 1) => call.emit("data", { host, revision });
  /** The clock moved by `ms`, and every report it made answered. */
  const advance = async (ms: number) => {
    clock.advance(ms);
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { clock, state, reports, answers, pulse, advance, relay, setAnswer: (f: typeof answer) => (answer = f) };
}

describe("PulseRelay", () => {
  it("vouches for no pulse before its first report reached the primary, then relays each host's last pulse with its age", async () => {
    const { reports, answers, pulse, advance } = setUp();
    pulse("a");
    expect(answers).toEqual([false]);
    await advance(RELAY_REPORT_MS);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ host: "m2", epoch: 1, pulses: [] });

    pulse("a", 5);
    await advance(100);
    pulse("b", 6);
    pulse("a", 7);
    await advance(RELAY_REPORT_MS - 100);
    expect(answers).toEqual([false, true, true, true]);
    expect(reports[1]!.pulses).toEqual([
      { host: "a", age_ms: RELAY_REPORT_MS - 100, revision: 7 },
      { host: "b", age_ms: RELAY_REPORT_MS - 100, revision: 6 },
    ]);
    // Each pulse is reported once.
    await advance(RELAY_REPORT_MS);
    expect(reports[2]!.pulses).toEqual([]);
  });

  it("reports the pulses read in the turn its timer fired in (after a stall they wait in their sockets, read after the timers)", async () => {
    const { reports, pulse, advance } = setUp();
    await advance(RELAY_REPORT_MS);
    pulse("a", 2);
    // Stands in for a socket read in this turn's I/O: it runs after the timer, before the immediates the timer queues.
    setImmediate(() => pulse("b", 3));
    await advance(RELAY_REPORT_MS);
    expect(reports[1]!.pulses!.map((p) => p.host)).toEqual(["a", "b"]);
  });

  it("answers a host the primary wants whole `relayed` false once, at its next pulse after later reports, and relays it again after", async () => {
    const { answers, pulse, advance, setAnswer } = setUp();
    setAnswer(() => ({ recorded: true, primary_host: "m1", primary_address: PRIMARY.address, epoch: 1, whole: ["a"] }));
    await advance(RELAY_REPORT_MS);
    // The reports until a's next pulse name nobody: the primary asked once.
    setAnswer(() => ({ recorded: true, primary_host: "m1", primary_address: PRIMARY.address, epoch: 1, whole: [] }));
    await advance(RELAY_REPORT_MS * 4);
    pulse("a");
    pulse("b");
    pulse("a");
    expect(answers).toEqual([false, true, true]);
  });

  it("reports no more once stopped, even when a report was on its way, and vouches for nobody", async () => {
    const { relay, reports, answers, pulse, advance, setAnswer } = setUp();
    let answer = () => {};
    const reply = { recorded: true, primary_host: "m1", primary_address: PRIMARY.address, epoch: 1, whole: [] };
    setAnswer(() => new Promise((resolve) => (answer = () => resolve(reply))) as unknown as RelayReply__Output);
    await advance(RELAY_REPORT_MS);
    expect(reports).toHaveLength(1);
    relay.stop();
    answer();
    for (let i = 0; i < 4; i++) await advance(RELAY_REPORT_MS);
    expect(reports).toHaveLength(1);
    pulse("a");
    expect(answers).toEqual([false]);
  });

  it("sends no report when stopped after its timer fired and before the report left", async () => {
    const { clock, relay, reports } = setUp();
    clock.advance(RELAY_REPORT_MS);
    relay.stop();
    await new Promise<void>((resolve) => setImmediate(resolve));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(reports).toHaveLength(0);
  });

  it(`stops vouching ${RELAY_SILENT_MS} ms after its last report that a primary recorded, and as soon as it is no backup`, async () => {
    const { state, reports, answers, pulse, advance, setAnswer } = setUp();
    await advance(RELAY_REPORT_MS);
    pulse("b", 9);
    setAnswer(() => new Error("unavailable"));
    await advance(RELAY_REPORT_MS);
    // A report that failed is sent again in the next one.
    expect(reports.at(-1)!.pulses!.map((p) => p.host)).toEqual(["b"]);
    await advance(RELAY_REPORT_MS);
    expect(reports.at(-1)!.pulses).toEqual([{ host: "b", age_ms: RELAY_REPORT_MS * 2, revision: 9 }]);
    await advance(RELAY_SILENT_MS - RELAY_REPORT_MS * 3);
    pulse("a");
    await advance(RELAY_REPORT_MS);
    pulse("a");
    expect(answers).toEqual([true, true, false]);

    setAnswer(() => ({ recorded: false, primary_host: "m3", primary_address: "10.0.0.3:7000", epoch: 2, whole: [] }));
    await advance(RELAY_REPORT_MS);
    pulse("a");
    expect(answers.at(-1)).toBe(false);
    expect(state.learned.at(-1)).toEqual({ epoch: 2, primary: { host: "m3", address: "10.0.0.3:7000" } });

    setAnswer(() => ({ recorded: true, primary_host: "m1", primary_address: PRIMARY.address, epoch: 2, whole: [] }));
    await advance(RELAY_REPORT_MS);
    pulse("a");
    expect(answers.at(-1)).toBe(true);
    state.role = "primary";
    pulse("a");
    expect(answers.at(-1)).toBe(false);
    const sent = reports.length;
    await advance(RELAY_REPORT_MS * 4);
    expect(reports).toHaveLength(sent);
  });
});
