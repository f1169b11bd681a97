/**
 * The console API's requests and answers: JSON in and out, query numbers
 * checked against their range, and one mapping from cairn's errors (gRPC
 * codes) to HTTP statuses, so that a refusal reads the same in the page as
 * in the CLI.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { CairnError, Code, invalidArgument } from "../errors.js";

/** The largest request body the console reads (its writes are a host id and a type). */
export const MAX_BODY_BYTES = 16 * 1024;

/** HTTP status of each code a console call can meet; anything else is a 500, and logged. */
const HTTP_STATUS: Partial<Record<Code, number>> = {
  [Code.INVALID_ARGUMENT]: 400,
  [Code.OUT_OF_RANGE]: 400,
  [Code.NOT_FOUND]: 404,
  [Code.ALREADY_EXISTS]: 409,
  [Code.FAILED_PRECONDITION]: 409,
  [Code.ABORTED]: 409,
  [Code.PERMISSION_DENIED]: 403,
  [Code.UNAUTHENTICATED]: 401,
  [Code.RESOURCE_EXHAUSTED]: 413,
  [Code.UNAVAILABLE]: 503,
  [Code.DEADLINE_EXCEEDED]: 504,
};

/** Headers of every API answer: never cached (it is the registry now), never sniffed. */
const API_HEADERS = { "cache-control": "no-store", "x-content-type-options": "nosniff" };

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { ...API_HEADERS, "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

/**
 * Answers `error` as `{ "error": message }` with its HTTP status (and, for
 * a backup's refusal, `primary`: where to go). An error that is not a
 * CairnError is a bug: logged, and answered 500 without its details.
 */
export function sendError(response: ServerResponse, error: unknown, log: Logger): void {
  if (error instanceof CairnError && HTTP_STATUS[error.code] !== undefined) {
    sendJson(response, HTTP_STATUS[error.code]!, { error: error.message, ...(error.redirect ? { primary: error.redirect } : {}) });
    return;
  }
  log.error({ err: error }, "unexpected error in a console request");
  sendJson(response, 500, { error: "internal error (see the manager's log)" });
}

/** A refusal as the console gives it: 403 and the reason on one line. */
export function sendForbidden(response: ServerResponse, reason: string): void {
  sendJson(response, 403, { error: reason });
}

/** The integer query parameter `name`, `fallback` when absent; INVALID_ARGUMENT outside [min, max]. */
export function queryInt(url: URL, name: string, fallback: number, min: number, max: number): number {
  const text = url.searchParams.get(name);
  if (text === null || text === "") return fallback;
  // Digits only: Number() would also take "0x10", "1e3" and " 7".
  const value = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(value) || value < min || value > max) throw invalidArgument(`${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(text)}`);
  return value;
}

/** The query parameter `name`; INVALID_ARGUMENT when it is missing or empty. */
export function queryText(url: URL, name: string): string {
  const value = url.searchParams.get(name);
  if (!value) throw invalidArgument(`the query parameter "${name}" is required`);
  return value;
}

/**
 * The JSON object of a request body: `application/json` only (a form that
 * another site posts cannot send it without the browser asking first), at
 * most MAX_BODY_BYTES.
 */
export async function readJsonObject(request: IncomingMessage): Promise<Record<string, unknown>> {
  const type = request.headers["content-type"] ?? "";
  if (!/^application\/json\b/i.test(type)) throw new CairnError(Code.INVALID_ARGUMENT, "the request body must be JSON (content-type: application/json)");
  // Refused before reading when it says so: leaving the loop below mid-body resets the connection, and the answer is lost.
  if (Number(request.headers["content-length"] ?? 0) > MAX_BODY_BYTES) throw new CairnError(Code.RESOURCE_EXHAUSTED, `the request body is larger than ${MAX_BODY_BYTES} bytes`);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new CairnError(Code.RESOURCE_EXHAUSTED, `the request body is larger than ${MAX_BODY_BYTES} bytes`);
    parts.push(chunk as Buffer);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(parts).toString("utf8"));
  } catch {
    throw invalidArgument("the request body is not valid JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw invalidArgument("the request body must be a JSON object");
  return body as Record<string, unknown>;
}

/** The string field `name` of a body; INVALID_ARGUMENT when it is missing or not a string. */
export function stringField(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== "string" || value === "") throw invalidArgument(`the field "${name}" must be a non-empty string`);
  return value;
}

/** The boolean field `name` of a body (`fallback` when absent); INVALID_ARGUMENT when it is not a boolean. */
export function booleanField(body: Record<string, unknown>, name: string, fallback?: boolean): boolean {
  const value = body[name] ?? fallback;
  if (typeof value !== "boolean") throw invalidArgument(`the field "${name}" must be true or false`);
  return value;
}
