/** Why a channel could not reach its server, in words for one error line. */

/** Node's socket error codes, as a person says them. */
const SOCKET_ERRORS: readonly (readonly [RegExp, string])[] = [
  [/\bECONNREFUSED\b/, "connection refused"],
  [/\bECONNRESET\b/, "connection reset"],
  [/\bETIMEDOUT\b/, "connection timed out"],
  [/\bEHOSTUNREACH\b/, "host unreachable"],
  [/\bENETUNREACH\b/, "network unreachable"],
  [/\bEADDRNOTAVAIL\b/, "address not available"],
];

/**
 * "No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1. Resolution note: "
 * → "connection refused"; "Name resolution failed for target dns:nowhere:1" → `cannot resolve "nowhere"`.
 */
export function connectionReason(details: string, secure: boolean): string {
  const last = /Last error: (?:Error: )?(.*?)(?:\.\s*Resolution note:.*)?$/s.exec(details);
  // grpc-js appends an empty "Resolution note: " to some messages of its own.
  const reason = (last?.[1] ?? details).replace(/\.?\s*Resolution note:\s*$/s, "").trim() || details.trim();
  if (/disconnected before secure TLS connection/i.test(reason)) {
    return "the TLS handshake failed (the server refused this certificate: another CA, or not TLS at all)";
  }
  if (/self[- ]signed certificate|unable to (?:verify|get issuer)|certificate signature failure/i.test(reason)) {
    return `the server's certificate is not issued by the CA given with --ca (${reason})`;
  }
  if (/certificate has expired/i.test(reason)) return `the server's certificate has expired (${reason})`;
  const unresolved = /Name resolution failed for target (?:dns:)?(.*?)(?::\d+)?$|getaddrinfo (?:ENOTFOUND|EAI_AGAIN) (\S+)/.exec(reason);
  if (unresolved) return `cannot resolve ${JSON.stringify(unresolved[1] ?? unresolved[2])}`;
  const socket = SOCKET_ERRORS.find(([pattern]) => pattern.test(reason));
  if (socket) return socket[1];
  if (!secure && /^Failed to connect/i.test(reason)) return `${reason}; if it serves mTLS, give --ca, --cert and --key`;
  return reason;
}
