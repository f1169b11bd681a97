/**
 * The standard gRPC health protocol (grpc.health.v1, the grpc-health-check
 * package): served by cairn's servers, and asked by agents of the managers
 * they route to. A SERVING answer, or any answer at all from a server
 * without the service, is a process that answers; a deadline is one that
 * does not (SIGSTOP, a hung event loop), which a TCP connect cannot tell.
 */
import * as grpc from "@grpc/grpc-js";
import { HealthImplementation, service as healthService, type ServingStatus } from "grpc-health-check";

export { HealthImplementation, type ServingStatus };

/** The service name grpc.health.v1 uses for "the server as a whole". */
export const WHOLE_SERVER = "";

/** Adds grpc.health.v1 to `server`, SERVING; the caller moves its status as the server's state changes. */
export function serveHealth(server: grpc.Server, initial: ServingStatus = "SERVING"): HealthImplementation {
  const health = new HealthImplementation({ [WHOLE_SERVER]: initial });
  health.addToServer(server);
  return health;
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
