/**
 * `grpc_server_handled_total{grpc_service,grpc_method,grpc_code}`: every
 * call a gRPC server ends, by method and status, counted by one server
 * interceptor. It goes first in the server's interceptors (innermost, next
 * to the transport), so it sees every status whoever sends it: a handler,
 * or the authorization interceptor refusing the call (PERMISSION_DENIED).
 *
 * Counted as plain numbers and labelled when scraped: profiled under the
 * 64-writer bench, prom-client's labelled `inc()` (a label hash per call)
 * was about a quarter of what the metrics cost a write.
 */
import type * as grpc from "@grpc/grpc-js";
import { Counter, type Registry } from "prom-client";
import { Code, CODE_NAMES } from "../errors.js";

/** How close to its deadline a cancelled call counts as DeadlineExceeded (see onCancel). */
const DEADLINE_SLACK_MS = 50;

/**
 * Status codes as go-grpc-prometheus spells them (Go's `codes.Code.String()`),
 * which named this metric: dashboards and alerts written for it match these.
 */
const GO_CODE_NAMES = {
  OK: "OK",
  CANCELLED: "Canceled",
  UNKNOWN: "Unknown",
  INVALID_ARGUMENT: "InvalidArgument",
  DEADLINE_EXCEEDED: "DeadlineExceeded",
  NOT_FOUND: "NotFound",
  ALREADY_EXISTS: "AlreadyExists",
  PERMISSION_DENIED: "PermissionDenied",
  RESOURCE_EXHAUSTED: "ResourceExhausted",
  FAILED_PRECONDITION: "FailedPrecondition",
  ABORTED: "Aborted",
  OUT_OF_RANGE: "OutOfRange",
  UNIMPLEMENTED: "Unimplemented",
  INTERNAL: "Internal",
  UNAVAILABLE: "Unavailable",
  DATA_LOSS: "DataLoss",
  UNAUTHENTICATED: "Unauthenticated",
} satisfies Record<keyof typeof Code, string>;

/** Status codes 0 to 16. */
const CODE_COUNT = Object.keys(Code).length;

/** The label of `code`; a number grpc-js should never send is counted under its number. */
export function grpcCodeName(code: number): string {
  const name = CODE_NAMES[code] as keyof typeof Code | undefined;
  return name ? GO_CODE_NAMES[name] : String(code);
}

/** One method's calls, counted by status code as plain numbers: a call pays an increment, a scrape the labels. */
interface MethodCounts {
  service: string;
  method: string;
  byCode: number[];
}

/** The counter on `registry`, and the interceptor that feeds it. */
export function handledInterceptor(registry: Registry): grpc.ServerInterceptor {
  // grpc-js runs interceptors only for methods the server serves: the paths here are bounded.
  const methods = new Map<string, MethodCounts>();
  new Counter({
    name: "grpc_server_handled_total",
    help: "gRPC calls this server ended, by service, method and status code.",
    labelNames: ["grpc_service", "grpc_method", "grpc_code"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const { service, method, byCode } of methods.values()) {
        byCode.forEach((n, code) => {
          if (n > 0) this.inc({ grpc_service: service, grpc_method: method, grpc_code: grpcCodeName(code) }, n);
        });
      }
    },
  });
  const countsOf = (path: string): MethodCounts => {
    let counts = methods.get(path);
    if (!counts) {
      const [, service = "", method = ""] = path.split("/");
      counts = { service, method, byCode: Array.from({ length: CODE_COUNT }, () => 0) };
      methods.set(path, counts);
    }
    return counts;
  };
  // grpc-js types an interceptor's result as its own class, but uses only the interface of it (as its own interceptors do).
  return (method, call) => new CountingCall(call, countsOf(method.path)) as unknown as grpc.ServerInterceptingCall;
}

type Call = grpc.ServerInterceptingCallInterface;

/**
 * The call as the next interceptor and the handler see it, counting its
 * status. Not a grpc.ServerInterceptingCall: that one passes every message
 * through its responder and its pending-message bookkeeping, a cost each of
 * a change's 1,000 Watch messages would pay. This one hands everything
 * straight to the call beneath.
 */
class CountingCall implements Call {
  private ended = false;

  constructor(
    private readonly call: Call,
    private readonly counts: MethodCounts,
  ) {}

  /** The HTTP/2 stream beneath, as the authorization interceptor looks for it to know a session's identity once (authorization.ts). */
  get stream(): unknown {
    return (this.call as { stream?: unknown }).stream;
  }

  start(listener: Parameters<Call["start"]>[0]): void {
    this.call.start({
      onReceiveMetadata: (metadata) => listener.onReceiveMetadata(metadata),
      onReceiveMessage: (message) => listener.onReceiveMessage(message),
      onReceiveHalfClose: () => listener.onReceiveHalfClose(),
      // grpc-js tells every call's end here, a status sent or not. Without one it was cancelled:
      // by the client, or, past its deadline, by grpc-js (whose deadline status comes from beneath).
      onCancel: () => {
        // Also told after a status was sent (and counted): only a call that ended without one is looked at.
        if (!this.ended) {
          const deadline = this.call.getDeadline();
          // The client's own timer ends the call a little before the server's (the timeout is measured from
          // when it was sent): a cancel that close to the deadline is the deadline.
          const late = deadline !== Infinity && Date.now() >= (deadline instanceof Date ? deadline.getTime() : deadline) - DEADLINE_SLACK_MS;
          this.end(late ? Code.DEADLINE_EXCEEDED : Code.CANCELLED);
        }
        listener.onCancel();
      },
    });
  }

  sendStatus(status: Parameters<Call["sendStatus"]>[0]): void {
    this.end(status.code);
    this.call.sendStatus(status);
  }

  sendMetadata(metadata: Parameters<Call["sendMetadata"]>[0]): void {
    this.call.sendMetadata(metadata);
  }

  sendMessage(message: unknown, callback: () => void): void {
    this.call.sendMessage(message, callback);
  }

  startRead(): void {
    this.call.startRead();
  }

  getPeer(): string {
    return this.call.getPeer();
  }

  getDeadline(): ReturnType<Call["getDeadline"]> {
    return this.call.getDeadline();
  }

  getHost(): string {
    return this.call.getHost();
  }

  getAuthContext(): ReturnType<Call["getAuthContext"]> {
    return this.call.getAuthContext();
  }

  getConnectionInfo(): ReturnType<Call["getConnectionInfo"]> {
    return this.call.getConnectionInfo();
  }

  getMetricsRecorder(): ReturnType<Call["getMetricsRecorder"]> {
    return this.call.getMetricsRecorder();
  }

  /** Counts the call's end once: its status, or how it was cancelled. */
  private end(code: number): void {
    if (this.ended) return;
    this.ended = true;
    this.counts.byCode[code] = (this.counts.byCode[code] ?? 0) + 1;
  }
}
