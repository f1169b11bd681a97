/**
 * The console's live feed: server-sent events, one `change` event per
 * committed change with `id: <revision>`, so that a browser that loses the
 * stream reconnects with `Last-Event-ID` and is sent what it missed from
 * the store's log, then the changes as they land. Events:
 *
 *   change   (id: revision)  a committed change (change-events.ts)
 *   resumed  after the changes sent again on a reconnect: the page fetches the counts it shows
 *   reset    (id: revision)  the page must fetch everything again (its id is too old for the log, or
 *                            ahead of this registry, or the registry was replaced)
 *   status   every STATUS_EVERY_MS: the manager's status (managers, revision, lag)
 *
 * A slow reader is not buffered without bound: past MAX_UNSENT_BYTES its
 * stream is closed, and its EventSource resumes from its last event.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { Timer } from "../clock.js";
import type { ChangeRecord } from "../registry/model.js";
import { replayedEvent } from "./change-events.js";
import type { ConsoleSource } from "./console-source.js";
import type { ConsoleState, StateEvent } from "./console-state.js";

/** What a page waits before reconnecting (the `retry:` field): a dropped stream costs about this much. */
export const RETRY_MS = 500;
/** Bytes a stream may have unsent before it is closed (it resumes with Last-Event-ID). */
export const MAX_UNSENT_BYTES = 1024 * 1024;
/** A reconnect further behind than this many changes is told `reset` rather than sent them all. */
export const MAX_REPLAYED = 2_000;
/** How often the pages are sent the manager's status. */
export const STATUS_EVERY_MS = 1_000;

interface Client {
  response: ServerResponse;
  /** Until its catch-up is written: the live frames that came meanwhile, with their revisions. */
  pending: { revision: number; text: string }[] | undefined;
  pendingBytes: number;
}

/** One SSE event; JSON has no raw newline, so `data` is one line. */
export function frame(name: string, data: unknown, id?: number): string {
  return `${id === undefined ? "" : `id: ${id}\n`}event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class EventStream {
  private readonly clients = new Set<Client>();
  private timer: Timer | undefined;
  /** Streams closed for falling behind, since start (for the log and the tests). */
  closedSlow = 0;

  constructor(
    private readonly source: ConsoleSource,
    private readonly state: ConsoleState,
    private readonly log: Logger,
  ) {
    state.onEvent(
      (event) => this.publish(event),
      () => this.clients.size > 0,
    );
  }

  get size(): number {
    return this.clients.size;
  }

  /** Serves one EventSource: the catch-up its Last-Event-ID (or `?after=`) asks for, then every event. */
  async open(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const after = lastEventId(request, url);
    response.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store",
      "x-accel-buffering": "no",
      "x-content-type-options": "nosniff",
    });
    response.write(`retry: ${RETRY_MS}\n\n`);
    const model = this.state.model();
    // Registered before the log is read: what lands meanwhile waits in `pending`, and nothing falls in between.
    const client: Client = { response, pending: after === undefined ? undefined : [], pendingBytes: 0 };
    this.clients.add(client);
    response.on("close", () => this.clients.delete(client));
    this.scheduleStatus();
    if (after === undefined) return;
    const missed = await this.missedSince(after, model.revision);
    if (!this.clients.has(client)) return;
    let sent = after;
    if (missed === "reset") {
      sent = this.state.model().revision;
      response.write(frame("reset", { revision: sent, reason: `revision ${after} is not in this manager's log` }, sent));
    } else {
      // At the reader's pace: what lands meanwhile waits in `pending`, which has its own bound.
      for (const change of missed) {
        if (!this.clients.has(client)) return;
        if (!response.write(frame("change", replayedEvent(change), change.revision))) await drained(response);
        sent = change.revision;
      }
      if (!this.clients.has(client)) return;
      if (missed.length > 0) response.write(frame("resumed", { from: after, revision: sent }));
    }
    const pending = client.pending ?? [];
    client.pending = undefined;
    for (const live of pending) if (live.revision > sent) this.write(client, live.text);
  }

  /** Ends every stream (the manager stops). */
  closeAll(): void {
    for (const client of this.clients) client.response.end();
    this.clients.clear();
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** The changes after `after`, or "reset" when the page must start over. */
  private async missedSince(after: number, head: number): Promise<ChangeRecord[] | "reset"> {
    // Ahead of this registry: another manager's revision, or one this manager no longer has.
    if (after > head) return "reset";
    if (after === head) return [];
    if (head - after > MAX_REPLAYED) return "reset";
    return (await this.source.changesAfter(after)) ?? "reset";
  }

  private publish(event: StateEvent): void {
    const revision = event.kind === "change" ? event.event.revision : event.revision;
    const text = event.kind === "change" ? frame("change", event.event, revision) : frame("reset", { revision, reason: "the registry was replaced" }, revision);
    for (const client of this.clients) {
      if (!client.pending) {
        this.write(client, text);
        continue;
      }
      client.pending.push({ revision, text });
      client.pendingBytes += text.length;
      if (client.pendingBytes > MAX_UNSENT_BYTES) this.closeSlow(client);
    }
  }

  private write(client: Client, text: string): void {
    const { response } = client;
    if (response.destroyed || response.writableEnded) return;
    response.write(text);
    if (response.writableLength > MAX_UNSENT_BYTES) this.closeSlow(client);
  }

  private closeSlow(client: Client): void {
    this.closedSlow++;
    this.log.info({ unsent: client.response.writableLength + client.pendingBytes }, "closed a console event stream that fell behind; it resumes from its last event");
    this.clients.delete(client);
    client.response.destroy();
  }

  private scheduleStatus(): void {
    if (this.timer || this.clients.size === 0) return;
    this.timer = this.source.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.clients.size === 0) return;
      try {
        // Also how a registry replaced while nothing changes (a backup's resync) reaches the pages: as a reset.
        this.state.model();
        const text = frame("status", this.source.status());
        for (const client of this.clients) if (!client.pending) this.write(client, text);
      } catch (error) {
        this.log.error({ err: error }, "could not send the console its status");
      }
      this.scheduleStatus();
    }, STATUS_EVERY_MS);
  }
}

/** Resolves once `response` can take more, or is gone. */
function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off("drain", done);
      response.off("close", done);
      resolve();
    };
    response.on("drain", done);
    response.on("close", done);
  });
}

/** The revision a reconnecting EventSource last had (its header), or the first one's `?after=`. */
function lastEventId(request: IncomingMessage, url: URL): number | undefined {
  const header = request.headers["last-event-id"];
  const text = (Array.isArray(header) ? header[0] : header) || url.searchParams.get("after") || "";
  if (!/^\d{1,15}$/.test(text.trim())) return undefined;
  return Number(text.trim());
}
