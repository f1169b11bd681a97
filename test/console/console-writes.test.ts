/**
 * Who may write from the console (src/console/console-writes.ts): nobody
 * without TLS, admin/* with it (SPEC 11's rule of the Registry method that
 * makes the same change), and never a request another site's page makes.
 */
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { crossSiteRefusal, mayWrite, READ_ONLY_REASON, writeRefusal } from "../../src/console/console-writes.js";
import type { HttpContext } from "../../src/http/route.js";
import { parseIdentity, type Identity } from "../../src/security/identity.js";

const url = new URL("http://cairn/api/maintenance");
const as = (text: string | undefined, secure = true): HttpContext => ({ caller: text ? (parseIdentity(text) as Identity) : undefined, secure, url });
const request = (headers: Record<string, string>) => ({ headers: { host: "127.0.0.1:8080", ...headers } }) as unknown as IncomingMessage;

describe("console writes", () => {
  it("are refused to everyone without TLS, admin/* included", () => {
    for (const kind of ["maintenance", "withdraw", "restore", "promote"] as const) expect(writeRefusal(kind, as("admin/alice", false), "m1")).toBe(READ_ONLY_REASON);
    expect(mayWrite(as("admin/alice", false), "m1")).toBe(false);
  });

  it("are allowed to admin/* only with TLS, each refusal naming the identity, the method and the rule", () => {
    expect(writeRefusal("maintenance", as("admin/alice"), "m1")).toBeUndefined();
    expect(writeRefusal("promote", as("admin/alice"), "m1")).toBeUndefined();
    expect(mayWrite(as("admin/alice"), "m1")).toBe(true);
    expect(writeRefusal("withdraw", as("viewer/bob"), "m1")).toBe("viewer/bob may not call WithdrawPackage from the console: admin/* only");
    expect(writeRefusal("promote", as("manager/m1"), "m1")).toBe("manager/m1 may not call PromoteManager from the console: admin/* only");
    expect(writeRefusal("maintenance", as(undefined), "m1")).toMatch(/^a client without a cairn identity may not call SetMaintenance/);
    expect(mayWrite(as("viewer/bob"), "m1")).toBe(false);
  });

  it("are refused when another site's page sends them", () => {
    expect(crossSiteRefusal(request({ "sec-fetch-site": "same-origin", origin: "https://127.0.0.1:8080" }))).toBeUndefined();
    expect(crossSiteRefusal(request({}))).toBeUndefined(); // a script, not a browser
    expect(crossSiteRefusal(request({ "sec-fetch-site": "cross-site" }))).toBe("a write from another site (cross-site) is refused");
    expect(crossSiteRefusal(request({ origin: "https://evil.example" }))).toBe("a write from https://evil.example is refused: not this console's origin");
    expect(crossSiteRefusal(request({ origin: "null" }))).toMatch(/refused/);
  });
});
