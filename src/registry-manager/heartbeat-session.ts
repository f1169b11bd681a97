import type * as grpc from "@grpc/grpc-js";
import type { Logger } from "pino";
import { invalidArgument, quote } from "../errors.js";
import type { HeartbeatReply } from "../generated/cairn/v1/HeartbeatReply.js";
import type { HeartbeatRequest__Output } from "../generated/cairn/v1/HeartbeatRequest.js";
import { callerOf } from "../security/authorization.js";
import { toServiceError } from "../wire/status.js";
import { heartbeatReply, recordHeartbeat, type HeartbeatContext } from "./heartbeats.js";
import { nameRelay } from "./relay-reports.js";

/**
 * Replication.Session (SPEC 16): an agent's heartbeats on one stream. A
 * whole heartbeat is recorded and answered as a Heartbeat call would be,
 * with `pulseMs` as the interval; a pulse is recorded as the session's last
 * whole heartbeat again (its health reports aside: those stand), with the
 * pulse's revision, and not answered. Messages are handled one at a time,
 * in order. When this manager is no primary (now, or by the time a pulse
 * comes), it says so and ends the session: the agent opens its next one at
 * the primary named. A whole heartbeat's answer names the relay the agent
 * pulses instead, if one reports for it (relay-reports.ts).
 */
export function heartbeatSession(
  ctx: HeartbeatContext,
  log: Logger,
  pulseMs: number,
  onUnexpected: (error: unknown) => void,
): grpc.handleBidiStreamingCall<HeartbeatRequest__Output, HeartbeatReply> {
  return (call) => {
    const believed = ctx.manager.believes(callerOf(call));
    let last: HeartbeatRequest__Output | undefined;
    let ended = false;
    /** The agent closed its side: the session ends once what it sent before is handled. */
    let halfClosed = false;
    const pending: HeartbeatRequest__Output[] = [];
    let draining = false;

    const end = (error?: unknown) => {
      if (ended) return;
      ended = true;
      pending.length = 0;
      if (error === undefined) call.end();
      else call.emit("error", toServiceError(error, onUnexpected));
    };
    const answer = (recorded: boolean, host?: string) => {
      if (ended) return;
      call.write(heartbeatReply(ctx, recorded, pulseMs, recorded && host !== undefined ? nameRelay(ctx, host) : undefined));
      if (!recorded) end();
    };
    const handle = async (message: HeartbeatRequest__Output) => {
      if (!message.pulse) {
        last = message;
        answer(await recordHeartbeat(ctx, log, message, believed), message.host);
        return;
      }
      if (!last) throw invalidArgument("a session starts with a whole heartbeat, not a pulse");
      if (message.host !== last.host) throw invalidArgument(`a pulse for host ${quote(message.host)} in the session of ${quote(last.host)}`);
      if (!(await recordHeartbeat(ctx, log, { ...last, packages: [], revision: message.revision }, believed))) answer(false);
    };
    const drain = async () => {
      draining = true;
      try {
        while (!ended && pending.length > 0) await handle(pending.shift()!);
      } catch (error) {
        end(error);
      } finally {
        draining = false;
        if (halfClosed) end();
      }
    };

    call.on("data", (message: HeartbeatRequest__Output) => {
      if (ended) return;
      pending.push(message);
      if (!draining) void drain();
    });
    // The agent closed its side (it moves to another manager, or stops): so does this one.
    call.on("end", () => {
      halfClosed = true;
      if (!draining) end();
    });
    // Cancelled, or the connection is gone: the host's last message is all that counts for it.
    call.on("error", () => {
      ended = true;
    });
    call.on("cancelled", () => {
      ended = true;
    });
  };
}
