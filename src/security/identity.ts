/**
 * The identities of SPEC 11, as certificates carry them: a URI SAN
 * `spiffe://cairn/IDENTITY`, one of
 *
 *   host/ID              the agent of host ID
 *   manager/ID           a registry manager on host ID
 *   service/TYPE/ID      the TYPE manager package on host ID
 *   admin/NAME           may change the registry and promote
 *   viewer/NAME          may read
 */
import { hostIdProblem, segmentProblem, typeNameProblem } from "../registry/names.js";

export const SPIFFE_PREFIX = "spiffe://cairn/";

export type IdentityKind = "host" | "manager" | "service" | "admin" | "viewer";

export interface Identity {
  kind: IdentityKind;
  /** The host id (host, manager, service) or the person's name (admin, viewer). */
  name: string;
  /** The package type, for `service` only. */
  type?: string;
  /** As written: `service/command-control/agent-1`. */
  text: string;
}

/** The identity `text` names, or why it does not name one. */
export function parseIdentity(text: string): Identity | string {
  const parts = text.split("/");
  const [kind, ...rest] = parts;
  switch (kind) {
    case "host":
    case "manager": {
      if (rest.length !== 1) return `identity "${text}" must be ${kind}/HOST_ID`;
      const problem = hostIdProblem(rest[0]!);
      return problem ? `identity "${text}": ${problem}` : { kind, name: rest[0]!, text };
    }
    case "service": {
      if (rest.length !== 2) return `identity "${text}" must be service/TYPE/HOST_ID`;
      const problem = typeNameProblem(rest[0]!) ?? hostIdProblem(rest[1]!);
      return problem ? `identity "${text}": ${problem}` : { kind, type: rest[0]!, name: rest[1]!, text };
    }
    case "admin":
    case "viewer": {
      if (rest.length !== 1) return `identity "${text}" must be ${kind}/NAME`;
      const problem = segmentProblem(rest[0]!, "name");
      return problem ? `identity "${text}": ${problem}` : { kind, name: rest[0]!, text };
    }
    default:
      return `identity "${text}" must start with host/, manager/, service/, admin/ or viewer/`;
  }
}

/**
 * The cairn identity in a certificate's subjectAltName text, as Node's TLS
 * gives it (`URI:spiffe://cairn/host/agent-1, IP Address:127.0.0.1`), or
 * undefined when it carries none (or more than one: a certificate is one
 * identity).
 */
export function identityInSubjectAltName(subjectAltName: string | undefined): Identity | undefined {
  if (!subjectAltName) return undefined;
  const found = subjectAltName
    .split(/,\s*/)
    .filter((entry) => entry.startsWith(`URI:${SPIFFE_PREFIX}`))
    .map((entry) => parseIdentity(entry.slice(`URI:${SPIFFE_PREFIX}`.length)));
  if (found.length !== 1) return undefined;
  const identity = found[0]!;
  return typeof identity === "string" ? undefined : identity;
}

/** The file name of an identity's certificate: `/` becomes `_` (SPEC 11). */
export function identityFileName(identity: string): string {
  return identity.replaceAll("/", "_");
}
