/**
 * The console's writes: who may make them, and what each request says.
 * Each write is judged by the rule SPEC 11's table gives the Registry
 * method that makes the same change (security/authorization.ts), so the
 * console can never allow what `cairn` would refuse; and only with TLS on,
 * where a client certificate proves who is asking. Without TLS nobody can
 * prove an identity, so the console is read-only: it offers no write, and
 * refuses every one with 403.
 */
import type { IncomingMessage } from "node:http";
import type { HttpContext } from "../http/route.js";
import { RULES, denial } from "../security/authorization.js";
import type { ConsoleWrite } from "./console-source.js";
import { booleanField, readJsonObject, stringField } from "./http-io.js";

type RegistryMethod = keyof (typeof RULES)["cairn.v1.Registry"];

/** The Registry method each console write is the same change as. */
const METHOD_OF: Readonly<Record<ConsoleWrite["kind"], RegistryMethod>> = {
  maintenance: "SetMaintenance",
  withdraw: "WithdrawPackage",
  restore: "RestorePackage",
  promote: "PromoteManager",
};

export const READ_ONLY_REASON = "this console is read-only: the manager runs without TLS, so no client can prove an admin identity to it";

/** Why `context`'s caller may not make a write of `kind`, or undefined when it may. */
export function writeRefusal(kind: ConsoleWrite["kind"], context: HttpContext, serverHost: string): string | undefined {
  if (!context.secure) return READ_ONLY_REASON;
  const method = METHOD_OF[kind];
  const why = denial(RULES["cairn.v1.Registry"][method], context.caller, undefined, serverHost);
  return why && `${context.caller?.text ?? "a client without a cairn identity"} may not call ${method} from the console: ${why}`;
}

/** Whether the page should offer writes at all (the server checks each one again). */
export function mayWrite(context: HttpContext, serverHost: string): boolean {
  return (Object.keys(METHOD_OF) as ConsoleWrite["kind"][]).every((kind) => writeRefusal(kind, context, serverHost) === undefined);
}

/**
 * Why a write request does not come from the console's own page, or
 * undefined. A browser sends its client certificate to any site's request,
 * so a page of another origin must not be able to post here: the body must
 * be JSON (readJsonObject), and an Origin or Sec-Fetch-Site header, when
 * present, must say same origin.
 */
export function crossSiteRefusal(request: IncomingMessage): string | undefined {
  const site = request.headers["sec-fetch-site"];
  if (site !== undefined && site !== "same-origin" && site !== "none") return `a write from another site (${site}) is refused`;
  const origin = request.headers.origin;
  if (origin === undefined) return undefined;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return `a write with the origin ${JSON.stringify(origin)} is refused`;
  }
  return host === request.headers.host ? undefined : `a write from ${origin} is refused: not this console's origin`;
}

/** The write a request body describes, for the route of `kind`. */
export async function readWrite(kind: ConsoleWrite["kind"], request: IncomingMessage): Promise<ConsoleWrite> {
  const body = await readJsonObject(request);
  switch (kind) {
    case "maintenance":
      return { kind, host: stringField(body, "host"), on: booleanField(body, "on") };
    case "withdraw":
    case "restore":
      return { kind, host: stringField(body, "host"), type: stringField(body, "type") };
    case "promote":
      return { kind, force: booleanField(body, "force", false) };
  }
}
