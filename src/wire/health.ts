/**
 * The standard gRPC health protocol (grpc.health.v1, the grpc-health-check
 * package): served by cairn's servers, and asked by agents of the managers
 * they route to. A SERVING answer, or any answer at all from a server
 * without the service, is a process that answers; a deadline is one that
 * does not (SIGSTOP, a hung event loop), which a TCP connect cannot tell.
 */
import * as grpc from "@grpc/grpc-js";
import { HealthImplementation, service as healthService, type ServingStatus } from "grpc-health-check";
import type { ServingHealth } from "./serving-health.js";

export type { ServingStatus };

/** The service name grpc.health.v1 uses for "the server as a whole". */
export const WHOLE_SERVER = "";

/**
 * grpc.health.v1 on one server, following what its owner says of itself
 * (`health`): the whole server and each of `services` answer that status.
 * The owner calls `refresh` after each change of its state; a status is set
 * only when it changed, because grpc-health-check writes to every Watch on
 * each set, changed or not, and a Watch is to see each change once.
 */
export class ServedHealth {
  private readonly implementation = new HealthImplementation();
  private status: ServingStatus | undefined;
  private stopped = false;

  constructor(
    server: grpc.Server,
    private readonly services: readonly string[],
    private readonly health: () => ServingHealth,
  ) {
    this.implementation.addToServer(server);
    this.refresh();
  }

  /** Sets the status `health` gives now, if it changed. */
  refresh(): void {
    const status = this.stopped ? "NOT_SERVING" : this.health().status;
    if (status === this.status) return;
    this.status = status;
    for (const service of [WHOLE_SERVER, ...this.services]) this.implementation.setStatus(service, status);
  }

  /** NOT_SERVING from now on, whatever `health` says: the server is shutting down, and its probes should hear so before its port closes. */
  stop(): void {
    this.stopped = true;
    this.refresh();
  }
}

const CHECK_PATH = "/grpc.health.v1.Health/Check";
const check = healthService.Check!;

/**
 * The status `service` reports on `client`'s channel by `deadline`:
 * `SERVING`, `NOT_SERVING`, `UNKNOWN`, `UNIMPLEMENTED` (it answers but has
 * no health service, or not for that name), or `NO_ANSWER`.
 */
export function healthOf(client: grpc.Client, deadline: number, service = WHOLE_SERVER): Promise<ServingStatus | "UNIMPLEMENTED" | "NO_ANSWER"> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      CHECK_PATH,
      check.requestSerialize,
      check.responseDeserialize,
      { service },
      { deadline },
      (error, reply?: { status?: ServingStatus }) => {
        if (!error) resolve(reply?.status ?? "UNKNOWN");
        else if (error.code === grpc.status.UNIMPLEMENTED || error.code === grpc.status.NOT_FOUND) resolve("UNIMPLEMENTED");
        else resolve("NO_ANSWER");
      },
    );
  });
}
