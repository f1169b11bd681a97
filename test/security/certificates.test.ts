import { X509Certificate } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CairnError, Code } from "../../src/errors.js";
import { initCa, issue } from "../../src/security/certificates.js";
import { identityInSubjectAltName, parseIdentity } from "../../src/security/identity.js";
import { checkTlsFiles } from "../../src/security/tls-files.js";
import { useTempDirs } from "../support/temp-dir.js";

const tempDir = useTempDirs();

async function refusal(promise: Promise<unknown>): Promise<CairnError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CairnError);
  return error as CairnError;
}

describe("cairn certs", () => {
  it("init makes a CA (its key 0600) and refuses to overwrite one", async () => {
    const dir = join(tempDir(), "ca");
    const made = await initCa(dir);
    expect(statSync(made.key).mode & 0o777).toBe(0o600);
    const ca = new X509Certificate(readFileSync(made.cert));
    expect(ca.ca).toBe(true);
    const again = await refusal(initCa(dir));
    expect(again.code).toBe(Code.ALREADY_EXISTS);
    expect(again.message).toContain(`${dir} holds a CA already`);
  });

  it("issue writes NAME.pem and NAME-key.pem (0600), the identity as a URI SAN, servers with their addresses", async () => {
    const dir = tempDir();
    await initCa(dir);
    const server = await issue(dir, "service/command-control/agent-1", { ips: ["10.0.0.7"], dns: ["cc.example"] });
    expect(server.cert).toBe(join(dir, "service_command-control_agent-1.pem"));
    expect(statSync(server.key).mode & 0o777).toBe(0o600);
    const cert = new X509Certificate(readFileSync(server.cert));
    expect(cert.subjectAltName).toBe("URI:spiffe://cairn/service/command-control/agent-1, IP Address:10.0.0.7, DNS:cc.example");
    expect(identityInSubjectAltName(cert.subjectAltName)).toMatchObject({ kind: "service", type: "command-control", name: "agent-1" });

    const defaults = new X509Certificate(readFileSync((await issue(dir, "manager/m1")).cert));
    expect(defaults.subjectAltName).toBe("URI:spiffe://cairn/manager/m1, IP Address:127.0.0.1, DNS:localhost");
    // A person's certificate is a client's only: no addresses.
    const admin = new X509Certificate(readFileSync((await issue(dir, "admin/ops")).cert));
    expect(admin.subjectAltName).toBe("URI:spiffe://cairn/admin/ops");
    expect(checkTlsFiles({ ca: join(dir, "ca.pem"), cert: join(dir, "admin_ops.pem"), key: join(dir, "admin_ops-key.pem") }).identity.text).toBe("admin/ops");
  });

  it.each([
    ["bogus/x", "must start with host/, manager/, service/, admin/ or viewer/"],
    ["host/Agent_1", 'host id "Agent_1" must match'],
    ["service/command-control", "must be service/TYPE/HOST_ID"],
    ["admin/", 'name "" must match'],
  ])("issue refuses the bad identity %s", async (identity, problem) => {
    const dir = tempDir();
    await initCa(dir);
    const error = await refusal(issue(dir, identity));
    expect(error.code).toBe(Code.INVALID_ARGUMENT);
    expect(error.message).toContain(problem);
    expect(typeof parseIdentity(identity)).toBe("string");
  });

  it.each([
    [{ ips: ["foo"] }, '--ip "foo" is not an IP address'],
    [{ ips: ["10.0.0.0/8"] }, '--ip "10.0.0.0/8" is not an IP address'],
    [{ dns: ["a b"] }, '--dns "a b": address "a b" must be a host name or IP address'],
    [{ dns: ["10.1.1.1"] }, '--dns "10.1.1.1": it is an IP address (give it with --ip)'],
  ])("issue refuses a server's bad address %j, writing nothing", async (options, message) => {
    const dir = tempDir();
    await initCa(dir);
    const error = await refusal(issue(dir, "host/agent-1", options));
    expect({ code: error.code, message: error.message }).toEqual({ code: Code.INVALID_ARGUMENT, message });
    expect(existsSync(join(dir, "host_agent-1.pem"))).toBe(false);
  });

  it("issue refuses a folder without a CA, saying how to make one", async () => {
    const dir = tempDir();
    const error = await refusal(issue(dir, "admin/ops"));
    expect(error.code).toBe(Code.FAILED_PRECONDITION);
    expect(error.message).toBe(`${join(dir, "ca.pem")} is missing: make a CA first with cairn certs init --dir ${dir}`);
    expect(existsSync(join(dir, "admin_ops.pem"))).toBe(false);
  });
});

describe("checking a process's certificate files", () => {
  it("names the file and what is wrong: missing, another CA, expired, another identity, a key that is not its own", async () => {
    const dir = tempDir();
    const other = tempDir();
    await initCa(dir);
    await initCa(other);
    const files = (id: string, at = dir) => {
      const base = join(at, id.replaceAll("/", "_"));
      return { ca: join(dir, "ca.pem"), cert: `${base}.pem`, key: `${base}-key.pem` };
    };
    await issue(dir, "manager/m1");
    await issue(other, "manager/m1");
    await issue(dir, "host/old", {}, new Date(Date.now() - 10 * 86_400_000));
    await issue(dir, "host/old", { days: 1 }, new Date(Date.now() - 10 * 86_400_000));
    await issue(dir, "host/agent-1");

    const problem = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return (error as Error).message;
      }
      return "accepted";
    };
    expect(problem(() => checkTlsFiles({ ...files("manager/m1"), cert: join(dir, "nope.pem") }))).toBe(`--cert ${join(dir, "nope.pem")} does not exist`);
    expect(problem(() => checkTlsFiles({ ...files("manager/m1"), ca: join(dir, "manager_m1.pem") }))).toBe(`--ca ${join(dir, "manager_m1.pem")} is not a CA certificate`);
    expect(problem(() => checkTlsFiles(files("manager/m1", other)))).toBe(`--cert ${join(other, "manager_m1.pem")} is not issued by the CA in ${join(dir, "ca.pem")}`);
    expect(problem(() => checkTlsFiles(files("host/old")))).toMatch(new RegExp(`^--cert ${join(dir, "host_old.pem")} expired on `));
    expect(problem(() => checkTlsFiles(files("host/agent-1"), "manager/m1"))).toBe(`--cert ${join(dir, "host_agent-1.pem")} is for host/agent-1, but this process runs as manager/m1`);
    expect(problem(() => checkTlsFiles({ ...files("manager/m1"), key: files("host/agent-1").key }))).toBe(`--key ${files("host/agent-1").key} is not the key of ${files("manager/m1").cert}`);
    expect(problem(() => checkTlsFiles(files("manager/m1"), "manager/m1"))).toBe("accepted");
  });
});
