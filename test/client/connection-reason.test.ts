import { describe, expect, it } from "vitest";
import { connectionReason } from "../../src/client/connection-reason.js";

const noConnection = (last: string) => `No connection established. Last error: Error: ${last}. Resolution note: `;

describe("connectionReason", () => {
  it("keeps grpc-js's last error, without its wrapping", () => {
    expect(connectionReason(noConnection("connect ECONNREFUSED 127.0.0.1:1"), true)).toBe("connect ECONNREFUSED 127.0.0.1:1");
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
