/**
 * What `cairn watch` does with a watch feed's deliveries: it prints them. It
 * is the feed's sink (replication/watch-feed.ts), as a replica is, but it
 * holds no registry: it keeps the position of the last change it received,
 * so that the next stream resumes after it (revision, epoch and digest, for
 * the server to check), and the last change it printed, so that nothing is
 * printed twice.
 *
 * Invariant: the revisions printed are strictly increasing and, between two
 * resync lines, contiguous. A snapshot is never printed as changes: the
 * first line of a watch asked to start before the log (`--from 1`) sums it
 * up, and any later one is a line on stderr saying from which revision the
 * watch goes on.
 */
import { CairnError, Code } from "../errors.js";
import type { StateDigest } from "../registry/digest.js";
import { endpointOf, packageOf, REGISTRY_TYPE, type ChangeRecord, type HostRecord, type Position, type Registry } from "../registry/model.js";
import type { FeedSink } from "../replication/watch-feed.js";
import type { Output } from "./output.js";
import { formatOps, opJson } from "./registry-format.js";

export interface WatchPrinterOptions {
  output: Output;
  json: boolean;
  /** Changes before this revision are not printed (`--from`; the stream may start earlier). */
  firstRevision: number;
  /** Where the first stream starts: it asks for the changes after this. */
  start: Position;
  /** The manager whose stream is being read, for the lines on stderr. */
  source: () => string | undefined;
  /** The registry managers a change or a snapshot names (their `registry` packages' endpoints). */
  onManagers?: (addresses: string[]) => void;
  /** Milliseconds since the epoch: the time shown on a snapshot's line, which has no change time. */
  now: () => number;
}

export class WatchPrinter implements FeedSink {
  /** The last change received (printed or not): where the next stream resumes. */
  private at: Position;
  /** The last change printed. */
  private printed: { revision: number; digest: Buffer } | undefined;
  private seen: number;
  /** Something (a change or a snapshot) has come from a stream: a snapshot after that is a resync. */
  private received = false;

  constructor(private readonly options: WatchPrinterOptions) {
    this.at = options.start;
    this.seen = options.start.epoch;
  }

  /** The revision of the last change printed, if any. */
  get lastPrinted(): number | undefined {
    return this.printed?.revision;
  }

  position(): Position {
    return this.at;
  }

  seenEpoch(): number {
    return this.seen;
  }

  sawEpoch(epoch: number): void {
    this.seen = Math.max(this.seen, epoch);
  }

  install(registry: Registry, position: Position, _digest: StateDigest): void {
    const { output, start } = this.options;
    // Another registry's manager (a mistyped or stale address) answers a watch of this one with its own snapshot.
    if (start.clusterId && position.clusterId !== start.clusterId) {
      throw this.refusal(Code.ABORTED, `a snapshot of another registry (cluster ${position.clusterId}, not ${start.clusterId}); trying another manager`);
    }
    this.learn([...registry.hosts.values()]);
    const at = position.revision;
    const printed = this.printed?.revision;
    const before = this.at.revision;
    const first = !this.received;
    this.received = true;
    this.at = position;
    this.sawEpoch(position.epoch);
    if (first && printed === undefined) {
      // The first stream could not start where it was asked to (`--from` before what the log holds):
      // one line sums up the state at the snapshot, and the changes after it follow.
      if (at >= this.options.firstRevision) {
        output.out(this.snapshotLine(registry, position));
        this.printed = { revision: at, digest: position.digest };
      }
      return;
    }
    const from = this.options.source() ?? "the manager";
    if (printed === undefined) {
      output.err(`watch: resynced from a snapshot of ${from} at revision ${at}: it could not continue after revision ${before}; changes up to ${at} are not shown`);
      return;
    }
    output.err(
      at > printed
        ? `watch: resynced from a snapshot of ${from} at revision ${at}: it could not continue after revision ${printed}; changes ${printed + 1}..${at} are not shown`
        : `watch: resynced from a snapshot of ${from} at revision ${at}, behind revision ${printed} printed; printing from revision ${printed + 1}`,
    );
  }

  apply(changes: readonly ChangeRecord[]): void {
    this.received = true;
    for (const change of changes) {
      // A repeat of a change already received: never printed twice.
      if (change.revision <= this.at.revision) continue;
      if (change.revision !== this.at.revision + 1) {
        throw this.refusal(Code.DATA_LOSS, `change ${change.revision} does not follow revision ${this.at.revision}; resyncing`);
      }
      // Epochs never go down along one history: a change from an older one comes from a deposed manager.
      if (change.epoch < this.at.epoch) {
        throw this.refusal(Code.ABORTED, `change ${change.revision} is from epoch ${change.epoch}, older than epoch ${this.at.epoch}; trying another manager`);
      }
      this.at = { clusterId: this.at.clusterId, epoch: change.epoch, revision: change.revision, digest: Buffer.from(change.digest) };
      this.sawEpoch(change.epoch);
      this.learn(change.ops.flatMap((op) => (op.kind === "put-host" ? [op.host] : [])));
      if (change.revision < this.options.firstRevision) continue;
      const printed = this.printed;
      if (printed && change.revision <= printed.revision) {
        // Behind what was printed (a resync from a manager that was behind): the same change, or history rewritten by a failover.
        if (change.revision === printed.revision && !printed.digest.equals(change.digest)) {
          this.options.output.err(`watch: revision ${change.revision} on ${this.options.source() ?? "this manager"} is not the change printed: a failover dropped it`);
        }
        continue;
      }
      this.options.output.out(this.options.json ? changeJson(change) : formatChange(change));
      this.printed = { revision: change.revision, digest: Buffer.from(change.digest) };
    }
  }

  private refusal(code: Code, message: string): CairnError {
    this.options.output.err(`watch: ${this.options.source() ?? "the manager"} sent ${message}`);
    return new CairnError(code, message);
  }

  private learn(hosts: readonly HostRecord[]): void {
    if (!this.options.onManagers) return;
    const addresses = hosts.flatMap((host) => {
      const pkg = packageOf(host, REGISTRY_TYPE);
      return pkg ? [endpointOf(host.address, pkg.port)] : [];
    });
    if (addresses.length > 0) this.options.onManagers(addresses);
  }

  private snapshotLine(registry: Registry, position: Position): string {
    const counts = { domains: registry.domains.size, hosts: registry.hosts.size, types: registry.types.size };
    const digest = position.digest.toString("hex");
    return this.options.json
      ? JSON.stringify({ revision: position.revision, epoch: position.epoch, snapshot: counts, digest })
      : `${new Date(this.options.now()).toISOString()} r${position.revision} e${position.epoch} snapshot: ${counts.domains} domains, ${counts.hosts} hosts, ${counts.types} types`;
  }
}

/** `2026-12-01T21:54:10.123Z r12 e1 host add agent-9: put-host agent-9`: the change's time first. */
export function formatChange(change: ChangeRecord): string {
  return `${new Date(change.timeUnixMs).toISOString()} r${change.revision} e${change.epoch} ${change.cause}: ${formatOps(change.ops)}`;
}

export function changeJson(change: ChangeRecord): string {
  return JSON.stringify({
    revision: change.revision,
    epoch: change.epoch,
    time_unix_ms: change.timeUnixMs,
    cause: change.cause,
    digest: Buffer.from(change.digest).toString("hex"),
    ops: change.ops.map(opJson),
  });
}
