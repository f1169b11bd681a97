import { closeSync, existsSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";

/**
 * Where the store last stood, kept beside LevelDB's files and outside them
 * (`DIR/CAIRN-HEAD`): after each synced write that moved the position, its
 * cluster, epoch and revision. A disk that lies (LevelDB's own log truncated
 * or deleted while stopped, its files replaced) opens as an older store
 * without an error; the mark, written by other means, says what it held.
 *
 * Written after the write it describes is durable, and not synced itself:
 * it can only be behind the store, never ahead, so a store that opens
 * behind its mark has lost writes. A power cut may leave the mark behind
 * too; it then says less, never something false.
 */
export const HEAD_MARK_FILE = "CAIRN-HEAD";
/** Fixed width: each write overwrites the last in place, with no truncation to go wrong. */
const MARK_BYTES = 160;

export interface HeadMark {
  clusterId: string;
  epoch: number;
  revision: number;
}

/** True when a store at `now` is behind the `held` mark: another registry, an older epoch or revision. */
export function isBehind(held: HeadMark, now: HeadMark): boolean {
  if (held.clusterId === "") return false;
  return held.clusterId !== now.clusterId || held.epoch > now.epoch || held.revision > now.revision;
}

export class HeadMarker {
  private fd: number | undefined;

  constructor(private readonly dir: string) {}

  /** The mark as the last run left it, or undefined when there is none (or it is not one). */
  read(): HeadMark | undefined {
    const path = join(this.dir, HEAD_MARK_FILE);
    if (!existsSync(path)) return undefined;
    try {
      const mark = JSON.parse(readFileSync(path, "utf8").trim()) as HeadMark;
      return typeof mark.revision === "number" && typeof mark.clusterId === "string" ? mark : undefined;
    } catch {
      return undefined;
    }
  }

  write(mark: HeadMark): void {
    this.fd ??= openSync(join(this.dir, HEAD_MARK_FILE), "w");
    const text = JSON.stringify({ clusterId: mark.clusterId, epoch: mark.epoch, revision: mark.revision });
    writeSync(this.fd, Buffer.from(text.padEnd(MARK_BYTES, " ")), 0, MARK_BYTES, 0);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
