import * as grpc from "@grpc/grpc-js";

import { invalidArgument } from "../errors.js";
import type { AuthorizeCommandReply } from "../generated/cairn/v1/AuthorizeCommandReply.js";
import type { AuthorizeCommandRequest__Output } from "../generated/cairn/v1/AuthorizeCommandRequest.js";
import { silentLogger, type Logger } from "../logger.js";
import { COMMAND_CONTROL_TYPE, endpointOf } from "../registry/model.js";
import { checkHostId, listenHost } from "../registry/names.js";
import { bindServer, newServer, stopServer } from "../wire/server.js";
import { serveStandardServices, type ServedHealth } from "../wire/standard-services.js";
import { unary } from "../wire/status.js";
import { commandControlService, type CommandControlHandlers } from "../wire/proto-loader.js";
import { serverSecurity, type SecurityOptions, type ServerSecurity } from "../security/server-security.js";
import type { Rules } from "./rules.js";

/** How long a clean stop waits for in-flight calls before cutting them; Authorize answers at once. */
const SHUTDOWN_GRACE_MS = 2_000;
/** Requests larger than this are refused by grpc-js (RESOURCE_EXHAUSTED) before they are read. */
export const MAX_REQUEST_BYTES = 64 * 1024;
export const MAX_USER_LENGTH = 1_024;
export const MAX_COMMAND_LENGTH = 32 * 1_024;

export interface CommandControlOptions {
  /** This manager's host id, answered as `served_by`. */
  hostId: string;
  /** host:port to bind; port 0 picks a free one. */
  listen: string;
  /** The rules every Authorize is decided by. */
  rules: Rules;
  /** mTLS (the certificate of service/command-control/HOST), or insecure on loopback. */
  security?: SecurityOptions;
  logger?: Logger;
}

/**
 * A command-control manager (SPEC section 8): `cairn.v1.CommandControl`
 * on one gRPC server, a thin adapter over `Rules`. A denial is an answer
 * (`allowed: false`), not an error; only a malformed request is one.
 */
export class CommandControlServer {
  private stopping: Promise<void> | undefined;

  private constructor(
    readonly hostId: string,
    /** The bound `host:port`, as printed on `listening on ADDR`. */
    readonly address: string,
    private readonly server: grpc.Server,
    private readonly logger: Logger,
    private readonly security: ServerSecurity,
    private readonly health: ServedHealth,
  ) {}

  static async start(options: CommandControlOptions): Promise<CommandControlServer> {
    checkHostId(options.hostId);
    const logger = (options.logger ?? silentLogger).child({ component: "command-control", host: options.hostId });
    const identity = `service/${COMMAND_CONTROL_TYPE}/${options.hostId}`;
    const security = serverSecurity(options.security ?? {}, options.listen, identity, options.hostId, logger);
    const { transport, interceptors } = security;
    const server = newServer({ "grpc.max_receive_message_length": MAX_REQUEST_BYTES, interceptors }, { logger });
    server.addService(commandControlService, commandControlHandlers(options.hostId, options.rules, logger));
    // What agents probe (an ejected manager returns when this answers) and a package's `grpc` check asks:
    // SERVING while it runs, as its rules are in memory; NOT_SERVING once it stops.
    const rules = options.rules.rules.length;
    const health = serveStandardServices(server, [commandControlService], () => ({ status: "SERVING", reason: `command-control deciding by ${rules} rules` }));
    try {
      const port = await bindServer(server, options.listen, transport.serverCredentials());
      await transport.ready();
      const address = endpointOf(listenHost(options.listen), port);
      logger.info({ address, rules: options.rules.rules.length }, "command-control started");
      return new CommandControlServer(options.hostId, address, server, logger, security, health);
    } catch (error) {
      security.close();
      server.forceShutdown();
      throw error;
    }
  }

  /** Lets in-flight calls finish for a bounded grace, then cuts what is left. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.health.stop();
      this.security.close();
      await stopServer(this.server, SHUTDOWN_GRACE_MS);
      this.logger.info("command-control stopped");
    })();
    return this.stopping;
  }
}

export function commandControlHandlers(hostId: string, rules: Rules, logger: Logger): CommandControlHandlers {
  const onUnexpected = (error: unknown) => logger.error({ err: error }, "Authorize failed");
  return {
    Authorize: unary(async (request: AuthorizeCommandRequest__Output): Promise<AuthorizeCommandReply> => {
      requireValid(request);
      const { allowed, reason } = rules.decide(request.user, request.command);
      logger.debug({ agent: request.agent_host, user: request.user, command: request.command, allowed, reason }, allowed ? "allowed" : "denied");
      return { allowed, reason, served_by: hostId };
    }, onUnexpected),
  };
}

function requireValid(request: AuthorizeCommandRequest__Output): void {
  const problems: string[] = [];
  if (request.user === "") problems.push("user is empty");
  else if (request.user.length > MAX_USER_LENGTH) problems.push(`user is ${request.user.length} characters, more than ${MAX_USER_LENGTH}`);
  if (request.command === "") problems.push("command is empty");
  else if (request.command.length > MAX_COMMAND_LENGTH) {
    problems.push(`command is ${request.command.length} characters, more than ${MAX_COMMAND_LENGTH}`);
  }
  if (problems.length > 0) throw invalidArgument(problems.join("; "), problems.length > 1 ? problems : []);
}
