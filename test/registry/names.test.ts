import { describe, expect, it } from "vitest";
import { quote } from "../../src/errors.js";
import { addressProblem, dialableAddress, domainPathProblem, hostIdProblem } from "../../src/registry/names.js";

describe("addressProblem", () => {
  it.each(["::1", "10.0.0.7", "db-1.example.com", "localhost", "127.0.0.1", "fe80::1", "db.example.com.", "my_host.internal"])("accepts %s", (address) => {
    expect(addressProblem(address)).toBeUndefined();
  });

  it.each([
    ["0.0.0.0", /is unspecified/],
    ["::", /is unspecified/],
    ["256.256.256.256", /must be a host name or IP address$/],
    ["a\0b", /^address "a\\u0000b" must be a host name or IP address$/],
    ["http:", /must be a host name or IP address$/],
    ["127.0.0.1:80", /without a port/],
    ["[::1]:80", /without a port/],
    ["db.example.com:5432", /without a port/],
    ["", /must be a host name or IP address$/],
    ["-db", /must be a host name or IP address$/],
    ["a..b", /must be a host name or IP address$/],
    ["x".repeat(254), /is longer than 253 characters$/],
  ])("refuses %j", (address, message) => {
    expect(addressProblem(address)).toMatch(message);
  });

  it("registers a server bound to an unspecified address at one that can be dialled", () => {
    expect(dialableAddress("0.0.0.0", "127.0.0.1")).toBe("127.0.0.1");
    expect(dialableAddress("10.0.0.7", "127.0.0.1")).toBe("10.0.0.7");
  });
});

describe("messages that echo an input quote a short prefix of it", () => {
  it("quote cuts, counts and escapes", () => {
    expect(quote("node-1")).toBe('"node-1"');
    expect(quote('a"b\n')).toBe('"a\\"b\\n"');
    expect(quote("a".repeat(65))).toBe(`"${"a".repeat(64)}…" (65 characters)`);
  });

  it("host ids and paths are capped, with a message of bounded length", () => {
    expect(hostIdProblem("a".repeat(253))).toBeUndefined();
    expect(hostIdProblem("a".repeat(254))).toBe(`host id "${"a".repeat(64)}…" (254 characters) is longer than 253 characters`);
    const problem = domainPathProblem(`/${"b".repeat(100_000)}`)!;
    expect(problem).toMatch(/is longer than 2048 characters$/);
    expect(problem.length).toBeLessThan(200);
  });
});
