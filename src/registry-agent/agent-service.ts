import type * as grpc from "@grpc/grpc-js";
import type { Logger } from "pino";
import { invalidArgument, unavailable } from "../errors.js";
import type { AgentAuthorizeReply } from "../generated/cairn/v1/AgentAuthorizeReply.js";
import type { AgentStatus } from "../generated/cairn/v1/AgentStatus.js";
import type { Route as WireRoute } from "../generated/cairn/v1/Route.js";
import type { WatchRouteRequest__Output } from "../generated/cairn/v1/WatchRouteRequest.js";
import { COMMAND_CONTROL_TYPE, REGISTRY_TYPE } from "../registry/model.js";
import { routeToWire } from "../wire/convert.js";
import { commandControlService, type AgentHandlers, type CommandControlClient } from "../wire/proto-loader.js";
import { callUnary } from "../client/methods.js";
import { callDeadline } from "../wire/server.js";
import { toServiceError, unary } from "../wire/status.js";
import type { Replica } from "./replica.js";
import type { WatchFeed } from "../replication/watch-feed.js";
import type { RoutedCaller } from "./routed-caller.js";

/** A routed call without a deadline of its own gets this one. */
export const DEFAULT_CALL_DEADLINE_MS = 5_000;

export interface AgentContext {
  hostId: string;
  replica: Replica;
  feed: WatchFeed;
  commandControl: RoutedCaller<CommandControlClient>;
  startedAt: number;
  now: () => number;
  logger: Logger;
}

export function agentHandlers(ctx: AgentContext): AgentHandlers {
  const log = ctx.logger.child({ component: "agent-service" });
  const unexpected = (error: unknown) => log.error({ err: error }, "unexpected error in an agent call");
  const resolve = (from: string, type: string, explain: boolean): WireRoute => {
    if (!type) throw invalidArgument("type is required");
    if (ctx.replica.state === "rebuilding") {
      throw unavailable(`the replica of ${ctx.hostId} was damaged on disk and is being rebuilt from a registry manager; no route until it is`);
    }
    const { revision, epoch } = ctx.replica.position;
    const route = ctx.replica.routes.route(from || ctx.hostId, type, { explain });
    // This agent's own calls of the type it routes pass over its ejected managers: the route says so.
    const asCalled = type === COMMAND_CONTROL_TYPE && (from || ctx.hostId) === ctx.hostId ? ctx.commandControl.asCalled(route) : route;
    return routeToWire(asCalled, { revision, epoch });
  };
  return {
    Resolve: unary(async (request) => resolve(request.from, request.type, request.explain), unexpected),
    WatchRoute: (call) => watchRoute(ctx, call, resolve),
    Status: unary(async () => status(ctx), unexpected),
    Authorize: unary(async (request, call) => authorize(ctx, request.user, request.command, callDeadline(call)), unexpected),
  };
}

function status(ctx: AgentContext): AgentStatus {
  const position = ctx.replica.position;
  const feed = ctx.feed.status;
  const managerHost = feed.manager ? managerAt(ctx.replica, ctx.hostId, feed.manager) : undefined;
  return {
    host: ctx.hostId,
    revision: position.revision,
    epoch: position.epoch,
    digest: position.digest,
    cluster_id: position.clusterId,
    manager_host: managerHost ?? "",
    manager_address: feed.manager ?? "",
    lag: feed.lag,
    connected: feed.state === "live",
    watch_state: feed.state,
    uptime_ms: ctx.now() - ctx.startedAt,
    suspects: ctx.commandControl.ejected.map((e) => e.host),
    ejected: ctx.commandControl.ejected.map((e) => ({
      host: e.host,
      endpoint: e.endpoint,
      type: COMMAND_CONTROL_TYPE,
      ejected_for_ms: Math.max(0, Math.round(e.until - ctx.now())),
      count: e.count,
    })),
    replica: ctx.replica.state,
  };
}

/** The registry manager listening at `endpoint`, if the replica routes to it (its registry route, not a scan of every host). */
export function managerAt(replica: Replica, hostId: string, endpoint: string): string | undefined {
  try {
    return replica.routes.route(hostId, REGISTRY_TYPE).candidates.find((c) => c.endpoint === endpoint)?.host;
  } catch {
    return undefined; // not registered yet, or no registry manager in the replica
  }
}

async function authorize(ctx: AgentContext, user: string, command: string, deadline: number | undefined): Promise<AgentAuthorizeReply> {
  if (!user || !command) throw invalidArgument("user and command are required");
  const until = deadline ?? ctx.now() + DEFAULT_CALL_DEADLINE_MS;
  const request = { agent_host: ctx.hostId, user, command };
  const { reply, servedBy, tried } = await ctx.commandControl.call(until, (client, _candidate, attemptDeadline) =>
    callUnary(client, commandControlService.Authorize, request, { deadline: attemptDeadline }),
  );
  return { allowed: reply.allowed, reason: reply.reason, served_by: reply.served_by || servedBy, tried };
}

/** Sends the route now, then again each time a change or an ejection moves it, until the caller goes away. */
function watchRoute(
  ctx: AgentContext,
  call: grpc.ServerWritableStream<WatchRouteRequest__Output, WireRoute>,
  resolve: (from: string, type: string, explain: boolean) => WireRoute,
): void {
  const { from, type, explain } = call.request;
  let last = "";
  const send = () => {
    try {
      const route = resolve(from, type, explain);
      // Revision and epoch move with every change, and an ejection's time left with the clock; only a different route is news.
      const key = JSON.stringify([route.candidates, (route.skipped ?? []).map((s) => [s.host, s.reason])]);
      if (key === last) return;
      last = key;
      call.write(route);
    } catch (error) {
      unsubscribe();
      call.emit("error", toServiceError(error));
    }
  };
  const unsubscribes = [ctx.replica.onChange(send), ctx.commandControl.onEjectionsChanged(send)];
  const unsubscribe = () => unsubscribes.forEach((u) => u());
  call.on("cancelled", unsubscribe);
  call.on("close", unsubscribe);
  send();
}
