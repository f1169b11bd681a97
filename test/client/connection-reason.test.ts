import { describe, expect, it } from "vitest";
import { connectionReason } from "../../src/client/connection-reason.js";

const noConnection = (last: string) => `No connection established. Last error: Error: ${last}. Resolution note: `;

describe("connectionReason", () => {
  it("keeps grpc-js's last error, without its wrapping, in a person's words", () => {
    expect(connectionReason(noConnection("connect ECONNREFUSED 127.0.0.1:1"), true)).toBe("connection refused");
    expect(connectionReason(noConnection("read ECONNRESET"), false)).toBe("connection reset");
    expect(connectionReason("Name resolution failed for target dns:nowhere.invalid:7400", false)).toBe('cannot resolve "nowhere.invalid"');
    expect(connectionReason(noConnection("getaddrinfo ENOTFOUND nowhere.invalid"), false)).toBe('cannot resolve "nowhere.invalid"');
    expect(connectionReason("No connection established. Last error: null. Resolution note: ", false)).toBe("null");
    for (const details of ["Something odd. Resolution note: ", noConnection("something odd")]) {
      expect(connectionReason(details, true)).not.toMatch(/Resolution note/);
    }
  });

  it("says what a TLS failure means for the user", () => {
    expect(connectionReason(noConnection("Client network socket disconnected before secure TLS connection was established"), true)).toMatch(
      /^the TLS handshake failed \(the server refused this certificate/,
    );
    expect(connectionReason(noConnection("self-signed certificate in certificate chain"), true)).toBe(
      "the server's certificate is not issued by the CA given with --ca (self-signed certificate in certificate chain)",
    );
    expect(connectionReason(noConnection("certificate has expired"), true)).toBe("the server's certificate has expired (certificate has expired)");
  });

  it("hints at mTLS only to an insecure client that could not connect", () => {
    expect(connectionReason("Failed to connect", false)).toBe("Failed to connect; if it serves mTLS, give --ca, --cert and --key");
    expect(connectionReason("Failed to connect", true)).toBe("Failed to connect");
  });
});
