import * as grpc from "@grpc/grpc-js";
import { CairnError, Code, CODE_NAMES } from "../errors.js";

/**
 * The one mapping between cairn's errors and gRPC statuses, both ways, and
 * the one table of what a client does after a failure (`failureKind`).
 */

/** Extra problem lines (one per bad fixture entry) travel in this trailer. */
const DETAILS_KEY = "cairn-details-bin";
/** The address a request should go to instead (a backup names its primary). */
const REDIRECT_KEY = "cairn-redirect";

/**
 * A status travels in HTTP/2 headers, which the client refuses past its limit
 * (16 KiB by default): a longer answer never arrives and the caller sees a
 * deadline instead. Messages are cut to MAX_STATUS_MESSAGE_CHARS and the
 * problem lines to MAX_DETAILS_CHARS in all, whatever they echo.
 */
export const MAX_STATUS_MESSAGE_CHARS = 1024;
export const MAX_DETAILS_CHARS = 8 * 1024;

function capMessage(message: string): string {
  return message.length > MAX_STATUS_MESSAGE_CHARS ? `${message.slice(0, MAX_STATUS_MESSAGE_CHARS)}… (${message.length} characters)` : message;
}

/** The first problem lines that fit MAX_DETAILS_CHARS, then one line counting the others. */
function capDetails(details: readonly string[]): string[] {
  const kept: string[] = [];
  let size = 0;
  for (const line of details.map(capMessage)) {
    if (size + line.length > MAX_DETAILS_CHARS) break;
    kept.push(line);
    size += line.length;
  }
  const left = details.length - kept.length;
  return left === 0 ? kept : [...kept, `… and ${left} more problem${left === 1 ? "" : "s"}`];
}

export function toServiceError(error: unknown, onUnexpected?: (error: unknown) => void): Partial<grpc.StatusObject> {
  if (error instanceof CairnError) {
    const metadata = new grpc.Metadata();
    if (error.details.length > 0) metadata.set(DETAILS_KEY, Buffer.from(JSON.stringify(capDetails(error.details))));
    if (error.redirect) metadata.set(REDIRECT_KEY, error.redirect);
    return { code: error.code, details: capMessage(error.message), metadata };
  }
  onUnexpected?.(error);
  return { code: Code.INTERNAL, details: capMessage(`internal error: ${(error as Error)?.message ?? String(error)}`) };
}

/** A client-side gRPC error as a CairnError, with the server's problem lines. */
export function fromServiceError(error: unknown): CairnError {
  if (error instanceof CairnError) return error;
  const status = error as Partial<grpc.ServiceError>;
  if (typeof status.code !== "number") return new CairnError(Code.UNKNOWN, String((error as Error)?.message ?? error));
  const raw = status.metadata?.get(DETAILS_KEY)[0];
  const details = raw ? (JSON.parse(Buffer.from(raw as Buffer).toString("utf8")) as string[]) : [];
  const redirect = status.metadata?.get(REDIRECT_KEY)[0]?.toString();
  const message = status.details || CODE_NAMES[status.code] || "error";
  return new CairnError(status.code as Code, message, details, redirect);
}

/**
 * What a caller does after a failed call:
 * - `retry-elsewhere`: the server was not reached or did not answer in time
 *   (UNAVAILABLE, DEADLINE_EXCEEDED); the same call may go to another server;
 * - `redirect`: the server answered that the call is for another manager and
 *   named it (FAILED_PRECONDITION with a redirect: a backup names the primary
 *   for a write, any manager names HOST's own for a promotion of HOST); the
 *   call may go there;
 * - `answer`: anything else is the server's answer, returned as it is.
 */
export type FailureKind = "retry-elsewhere" | "redirect" | "answer";

/** The one table of codes a client retries on another server. */
const RETRY_ELSEWHERE: ReadonlySet<number> = new Set([Code.UNAVAILABLE, Code.DEADLINE_EXCEEDED]);

export function failureKind(error: unknown): FailureKind {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== "number") return "answer";
  if (RETRY_ELSEWHERE.has(code)) return "retry-elsewhere";
  if (code === Code.FAILED_PRECONDITION && redirectOf(error)) return "redirect";
  return "answer";
}

export function isRetryable(error: unknown): boolean {
  return failureKind(error) === "retry-elsewhere";
}

/** The manager a refusal names, from a CairnError or a raw grpc-js error. */
function redirectOf(error: unknown): string | undefined {
  if (error instanceof CairnError) return error.redirect;
  return (error as Partial<grpc.ServiceError>).metadata?.get(REDIRECT_KEY)[0]?.toString() || undefined;
}

/** Wraps an async unary handler: its result or its error, mapped, to the callback. */
export function unary<Req, Res>(
  handler: (request: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>,
  onUnexpected?: (error: unknown) => void,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    // Through a promise even when the handler throws before its first await.
    Promise.resolve()
      .then(() => handler(call.request, call))
      .then(
        (reply) => callback(null, reply),
        (error) => callback(toServiceError(error, onUnexpected)),
      );
  };
}
