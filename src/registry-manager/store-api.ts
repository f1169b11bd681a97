/** What the registry manager's store promises those who write to it (store.ts). */
import type { Logger } from "pino";
import type { Clock } from "../clock.js";
import type { CairnError } from "../errors.js";

export interface CommitResult {
  revision: number;
  epoch: number;
  /** False for a mutation that changed nothing (no revision was added). */
  changed: boolean;
}

export interface MutateOptions {
  /** Reject with ABORTED unless the registry is at this revision when the mutation runs. */
  expectedRevision?: number | undefined;
  /** Why, for the log ("host add agent-9"). */
  cause: string;
  /** The caller's deadline (clock time): an answer that waits for backups gives up before it. */
  deadline?: number | undefined;
  /**
   * Answer once the change is on this manager's disk, without waiting for
   * the backups: for a manager's own records (a promotion must not wait for
   * the backups that follow only once it is primary). Readers still see the
   * change only once it is committed.
   */
  untilDurable?: boolean;
}

export interface StoreOptions {
  logRetention?: number;
  clock?: Clock;
  logger?: Logger;
}

/**
 * What a write must pass besides the disk (--sync-backups K): `admit`
 * refuses a mutation before anything is written; the gate moves the commit
 * point (`commitThrough`) as backups confirm, and `describe` says, for a
 * write that waited too long, who holds what.
 */
export interface WriteGate {
  admit(): void;
  describe(revision: number, waitedMs: number): string;
}

/**
 * Asked right before a writer is answered: a refusal (a coordinated
 * primary that can no longer prove its lease) means no answer goes out,
 * however late the timers that would have noticed run.
 */
export type AnswerCheck = () => CairnError | undefined;
