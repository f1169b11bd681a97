import { writeFileSync } from "node:fs";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";

import { compileRules, defaultRules } from "../../src/command-control/rules.js";
import { CommandControlServer } from "../../src/command-control/server.js";
import { Code } from "../../src/errors.js";
import type { AuthorizeCommandReply__Output } from "../../src/generated/cairn/v1/AuthorizeCommandReply.js";
import type { AuthorizeCommandRequest } from "../../src/generated/cairn/v1/AuthorizeCommandRequest.js";
import { v1 } from "../../src/wire/proto-loader.js";
import { fromServiceError } from "../../src/wire/status.js";
import { runCli } from "../support/cli.js";
import { useDefer, type Defer } from "../support/defer.js";
import { startCairn } from "../support/process.js";
import { useTempDirs } from "../support/temp-dir.js";

const RULES = [
  "rules:",
  '  - { effect: allow, user: "alice", command: "deploy *" }',
  '  - { effect: deny,  user: "*",     command: "rm -rf *" }',
  '  - { effect: allow, user: "ops-*", command: "*" }',
  "",
].join("\n");

const defer = useDefer();
const tempDir = useTempDirs();

/** A client for `address`, closed after the test. */
function authorizer(address: string, defer: Defer) {
  const client = new v1.CommandControl(address, grpc.credentials.createInsecure());
  defer(() => client.close());
  return (request: AuthorizeCommandRequest) =>
    new Promise<AuthorizeCommandReply__Output>((resolve, reject) =>
      client.Authorize(request, { deadline: Date.now() + 5_000 }, (error, reply) => (error ? reject(error) : resolve(reply!))),
    );
}

async function startServer(rules = compileRules(RULES, "rules.yaml")): Promise<CommandControlServer> {
  const server = await CommandControlServer.start({ hostId: "cc-1", listen: "127.0.0.1:0", rules });
  defer(() => server.stop());
  return server;
}

describe("CommandControlServer", () => {
  it("answers Authorize by the rules, with the reason and served_by", async () => {
    const server = await startServer();
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(server.address).not.toBe("127.0.0.1:0");
    const authorize = authorizer(server.address, defer);

    expect(await authorize({ agent_host: "agent-4", user: "alice", command: "deploy web" })).toEqual({
      allowed: true,
      reason: 'rule 1 (allow alice "deploy *")',
      served_by: "cc-1",
    });
    expect(await authorize({ agent_host: "agent-4", user: "ops-7", command: "rm -rf /var" })).toEqual({
      allowed: false,
      reason: 'rule 2 (deny * "rm -rf *")',
      served_by: "cc-1",
    });
    expect(await authorize({ user: "bob", command: "ls" })).toEqual({
      allowed: false,
      reason: "no rule matched: denied by default",
      served_by: "cc-1",
    });
  });

  it("allows everything with the default rules", async () => {
    const server = await startServer(defaultRules());
    const reply = await authorizer(server.address, defer)({ user: "anyone", command: "reboot" });
    expect(reply).toEqual({ allowed: true, reason: "rule 1 (allow * *), the default without --rules", served_by: "cc-1" });
  });

  it("refuses a request without a user or a command with INVALID_ARGUMENT", async () => {
    const server = await startServer();
    const authorize = authorizer(server.address, defer);
    const failure = (request: AuthorizeCommandRequest) =>
      authorize(request).then(
        (reply) => {
          throw new Error(`answered ${JSON.stringify(reply)}`);
        },
        (error: unknown) => fromServiceError(error),
      );

    const noUser = await failure({ command: "ls" });
    expect(noUser.code).toBe(Code.INVALID_ARGUMENT);
    expect(noUser.message).toBe("user is empty");
    const noCommand = await failure({ user: "alice", command: "" });
    expect(noCommand.code).toBe(Code.INVALID_ARGUMENT);
    expect(noCommand.message).toBe("command is empty");
    const neither = await failure({});
    expect(neither.code).toBe(Code.INVALID_ARGUMENT);
    expect(neither.details).toEqual(["user is empty", "command is empty"]);
    const huge = await failure({ user: "alice", command: "x".repeat(40_000) });
    expect(huge.code).toBe(Code.INVALID_ARGUMENT);
    expect(huge.message).toMatch(/^command is 40000 characters, more than \d+$/);
  });

  it("refuses a bad host id", async () => {
    await expect(CommandControlServer.start({ hostId: "Not OK", listen: "127.0.0.1:0", rules: defaultRules() })).rejects.toMatchObject({
      code: Code.INVALID_ARGUMENT,
    });
  });

  it("stops, and stops once", async () => {
    const server = await CommandControlServer.start({ hostId: "cc-1", listen: "127.0.0.1:0", rules: defaultRules() });
    const stopping = server.stop();
    expect(server.stop()).toBe(stopping);
    await stopping;
  });
});

describe("cairn command-control start (the real binary)", () => {
  it("serves Authorize and exits 0 on SIGTERM", async () => {
    const file = join(tempDir(), "rules.yaml");
    writeFileSync(file, RULES);
    const cc = await startCairn(defer, ["command-control", "start", "--host", "cc-1", "--listen", "127.0.0.1:0", "--rules", file]);
    expect(cc.address).toMatch(/^127\.0\.0\.1:\d+$/);

    const authorize = authorizer(cc.address, defer);
    expect(await authorize({ agent_host: "agent-1", user: "alice", command: "deploy api" })).toEqual({
      allowed: true,
      reason: 'rule 1 (allow alice "deploy *")',
      served_by: "cc-1",
    });
    expect(await authorize({ agent_host: "agent-1", user: "alice", command: "rm -rf /" })).toMatchObject({ allowed: false, served_by: "cc-1" });

    expect(await cc.stop()).toBe(0);
  });

  it("without --rules, lets everyone run everything", async () => {
    const cc = await startCairn(defer, ["command-control", "start", "--host", "cc-2"]);
    const reply = await authorizer(cc.address, defer)({ user: "mallory", command: "rm -rf /" });
    expect(reply).toMatchObject({ allowed: true, served_by: "cc-2" });
    expect(await cc.stop()).toBe(0);
  });

  it("exits 1 with one error line per problem of a bad rules file", async () => {
    const file = join(tempDir(), "bad.yaml");
    writeFileSync(file, ["rules:", "  - { effect: permit, user: '*', command: '*' }", "  - { effect: deny, user: '*' }", ""].join("\n"));
    const result = await runCli(["command-control", "start", "--host", "cc-1", "--listen", "127.0.0.1:0", "--rules", file]);
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain("listening on");
    expect(result.stderr.trimEnd().split("\n")).toEqual([
      `error: ${file}:2:15: rule 1: effect must be allow or deny, got "permit"`,
      `error: ${file}:3:5: rule 2 has no command`,
    ]);
  });

  it("exits 1 when the rules file is missing", async () => {
    const file = join(tempDir(), "missing.yaml");
    const result = await runCli(["command-control", "start", "--host", "cc-1", "--rules", file]);
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd()).toBe(`error: cannot read ${file}: no such file`);
  });
});
