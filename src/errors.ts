/**
 * The one error type of cairn. It carries a gRPC status code so that a
 * service can return it as is and the CLI can print it as one line. The codes
 * are gRPC's numbers, spelled here so that pure code (the router) need not
 * import a transport.
 */
export const Code = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;
export type Code = (typeof Code)[keyof typeof Code];

export const CODE_NAMES: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(Code).map(([name, value]) => [value, name]),
);

export class CairnError extends Error {
  override readonly name = "CairnError";
  constructor(
    readonly code: Code,
    message: string,
    /** Extra problems, one per line, when one request had several (a bad fixture). */
    readonly details: readonly string[] = [],
    /** Where the request should go instead (a backup names its primary). */
    readonly redirect?: string,
  ) {
    super(message);
  }
}

/** How much of an input an error message echoes: enough to recognise it, never enough to overflow a status header. */
export const MAX_QUOTED_CHARS = 64;

/**
 * `text` in double quotes for an error message, cut to its first
 * MAX_QUOTED_CHARS characters (then `…` and its length) and with control
 * characters escaped, so that a message stays one short line whatever it echoes.
 */
export function quote(text: string, max = MAX_QUOTED_CHARS): string {
  const shown = text.length > max ? text.slice(0, max) : text;
  const escaped = JSON.stringify(shown).slice(1, -1);
  return text.length > max ? `"${escaped}…" (${text.length} characters)` : `"${escaped}"`;
}

export const invalidArgument = (message: string, details?: readonly string[]) =>
  new CairnError(Code.INVALID_ARGUMENT, message, details);
export const notFound = (message: string) => new CairnError(Code.NOT_FOUND, message);
export const alreadyExists = (message: string) => new CairnError(Code.ALREADY_EXISTS, message);
export const failedPrecondition = (message: string) => new CairnError(Code.FAILED_PRECONDITION, message);
/** A write sent to a manager that is not the primary: it names the primary, and clients may follow. */
export const notPrimary = (message: string, primaryAddress: string | undefined) =>
  new CairnError(Code.FAILED_PRECONDITION, message, [], primaryAddress || undefined);
export const aborted = (message: string) => new CairnError(Code.ABORTED, message);
export const unavailable = (message: string) => new CairnError(Code.UNAVAILABLE, message);
