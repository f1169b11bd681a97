/** Why a channel could not reach its server, in words for one error line. */

/** "No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1. Resolution note: " → "connect ECONNREFUSED 127.0.0.1:1". */
export function connectionReason(details: string, secure: boolean): string {
  const last = /Last error: (?:Error: )?(.*?)(?:\.\s*Resolution note:.*)?$/s.exec(details);
  const reason = (last?.[1] ?? details).trim() || details;
  if (/disconnected before secure TLS connection/i.test(reason)) {
    return "the TLS handshake failed (the server refused this certificate: another CA, or not TLS at all)";
  }
  if (/self[- ]signed certificate|unable to (?:verify|get issuer)|certificate signature failure/i.test(reason)) {
    return `the server's certificate is not issued by the CA given with --ca (${reason})`;
  }
  if (/certificate has expired/i.test(reason)) return `the server's certificate has expired (${reason})`;
  if (!secure && /^Failed to connect/i.test(reason)) return `${reason}; if it serves mTLS, give --ca, --cert and --key`;
  return reason;
}

