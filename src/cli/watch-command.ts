import type { Command } from "commander";
import { systemClock } from "../clock.js";
import { silentLogger } from "../logger.js";
import { REGISTRY_TYPE, type Position } from "../registry/model.js";
import type { FeedStateKind } from "../replication/feed-state.js";
import { WatchFeed } from "../replication/watch-feed.js";
import { connectionReason } from "../client/connection-reason.js";
import type { ManagerClient } from "../client/manager-client.js";
import { managerAction, managerCommand, type ManagerOptions } from "./manager-session.js";
import { parseCount } from "./durations.js";
import type { Output } from "./output.js";
import { clientTransport } from "./tls-options.js";
import { untilSignal } from "./signals.js";
import { WatchPrinter } from "./watch-printer.js";

interface WatchOptions extends ManagerOptions {
  from?: number;
}

/** Who the manager's logs say is watching. */
const WATCHER_NAME = "cairn-watch";

/**
 * `cairn watch`: every change as it is committed, one line each
 * (`2026-12-01T21:54:10.123Z r12 e1 host add agent-9: put-host agent-9`, or
 * one JSON object per line with `--json`), until SIGINT or SIGTERM.
 *
 * It survives a manager restart or a failover (SPEC 15): a watch feed
 * (replication/watch-feed.ts) reconnects with backoff to any manager it
 * knows (`--manager`, the registry's `registry` packages, the primary each
 * manager names) and resumes after the last change received, so the
 * revisions printed stay contiguous and none is printed twice (see
 * watch-printer.ts). Each loss and each reconnection is one line on stderr.
 */
export function registerWatchCommand(program: Command, output: Output): void {
  managerCommand(program, "watch", "print each change of the registry as it is committed, until interrupted; reconnects to another manager when one goes away")
    .option("--from <revision>", "start with this revision (default: the changes after now)", parseCount)
    .action(
      managerAction<WatchOptions, []>(output, async ({ client, options }) => {
        const status = await client.probe();
        const head = status.revision;
        const first = options.from ?? head + 1;
        // The stream starts after `after`: where the manager is, or before it for --from (the epoch of
        // an older revision is a guess; when it is wrong the manager answers with a snapshot).
        const after = Math.min(Math.max(first - 1, 0), head);
        const start: Position = {
          clusterId: status.cluster_id,
          revision: after,
          epoch: after === 0 ? 0 : status.epoch,
          digest: after === head ? Buffer.from(status.digest) : Buffer.alloc(0),
        };
        if (first > head + 1) output.err(`watch: waiting for revision ${first} (the registry is at ${head})`);

        const managers = new KnownManagers([client.address, ...client.addresses, status.primary_address, ...status.backups.map((b) => b.address)]);
        managers.learn(await registryManagers(client, status.host));
        let feed: WatchFeed | undefined;
        const printer = new WatchPrinter({
          output,
          json: options.json === true,
          firstRevision: first,
          start,
          source: () => feed?.status.manager,
          onManagers: (addresses) => managers.learn(addresses),
          now: () => systemClock.now(),
        });
        const transport = clientTransport(options);
        const connection = new ConnectionLines(output, () => printer.lastPrinted ?? printer.position().revision, transport.identity !== undefined);
        feed = new WatchFeed({
          hostId: WATCHER_NAME,
          sink: printer,
          candidates: () => managers.list(),
          clock: systemClock,
          random: Math.random,
          logger: silentLogger,
          onProgress: (progress) => managers.learn([progress.primary_address]),
          onTransition: (from, to) => {
            const manager = feed?.status.manager;
            if (to === "live" && manager) managers.prefer(manager);
            connection.transition(from, to, manager);
          },
          onStreamEnded: (address, error) => connection.lost(address, error),
          channel: transport.channel({ kind: "manager" }),
        });
        // The feed's timers do not hold the process; between two streams nothing else would.
        const alive = setInterval(() => {}, 1 << 30);
        feed.start();
        try {
          await untilSignal();
        } finally {
          feed.stop();
          clearInterval(alive);
        }
      }),
    );
}

/** The endpoints of the `registry` packages the manager's own route lists (best effort: none when it cannot say). */
async function registryManagers(client: ManagerClient, from: string): Promise<string[]> {
  try {
    const route = await client.call("Resolve", { from, type: REGISTRY_TYPE, explain: false });
    return route.candidates.map((c) => c.endpoint);
  } catch {
    return [];
  }
}

/**
 * The managers a watch may read from, in the order it tries them: the one
 * it read from last (so that the feed, which moves to the first candidate,
 * stays where it is), then those given, then those it learned.
 */
export class KnownManagers {
  private readonly given: string[];
  private readonly learned = new Set<string>();
  private preferred: string | undefined;

  constructor(given: readonly string[]) {
    this.given = unique(given);
  }

  learn(addresses: readonly string[]): void {
    for (const address of addresses) if (address && !this.given.includes(address)) this.learned.add(address);
  }

  prefer(address: string): void {
    this.preferred = address;
  }

  /** Never empty: `given` holds at least the manager that answered the first probe. */
  list(): string[] {
    return unique([...(this.preferred ? [this.preferred] : []), ...this.given, ...this.learned]);
  }
}

function unique(addresses: readonly string[]): string[] {
  return [...new Set(addresses.filter((a) => a !== ""))];
}

/**
 * The watch's lines about its connection, on stderr: one when it loses a
 * manager (not one per failed retry), one when a stream is live again.
 */
class ConnectionLines {
  private lostSince = false;
  /** The revision the stream being opened resumes after. */
  private resumedAfter = 0;

  constructor(
    private readonly output: Output,
    private readonly resumePoint: () => number,
    /** The watch proves an identity (mTLS): a refused connection gets no hint to give one. */
    private readonly secure: boolean,
  ) {}

  lost(address: string, error: { code?: number; details?: string } | undefined): void {
    if (this.lostSince) return;
    this.lostSince = true;
    const reason = error?.details ? connectionReason(error.details, this.secure) : "the stream ended";
    this.output.err(`watch: lost ${address} (${reason}); retrying`);
  }

  transition(from: FeedStateKind, to: FeedStateKind, manager: string | undefined): void {
    if (to === "connecting") this.resumedAfter = this.resumePoint();
    // A refused delivery or a move also leaves the stream: the next live one says where the watch is.
    if (to === "waiting" && from !== "idle") this.lostSince = true;
    if (to === "live" && this.lostSince) {
      this.lostSince = false;
      this.output.err(`watch: reconnected to ${manager ?? "a registry manager"} after revision ${this.resumedAfter}`);
    }
  }
}
