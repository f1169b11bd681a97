import type { Command } from "commander";
import { DEFAULT_TIMEOUT_MS, ManagerClient } from "../client/manager-client.js";
import { CAIRN_VERSION } from "../version.js";
import { parseDuration } from "./durations.js";
import { parseEndpoints } from "./endpoints.js";
import { checkedAddresses } from "./manager-session.js";
import type { Output } from "./output.js";
import { printFormatted, withOutputFormat, type FormatOptions } from "./output-format.js";
import { clientTransport, withClientTls, type TlsFlags } from "./tls-options.js";

interface VersionOptions extends TlsFlags, FormatOptions {
  manager?: string;
  timeout: number;
}

/** `cairn version [--manager ADDR]` (SPEC 15): this CLI's release, and with --manager the server's. `--version` prints the first alone. */
export function registerVersionCommand(program: Command, output: Output): void {
  program.version(CAIRN_VERSION, "--version", "print the cairn version");
  const command = program
    .command("version")
    .description("print the cairn version; with --manager, the registry manager's too")
    .option("--manager <addrs>", "also ask this registry manager (comma-separated: the first that answers)")
    .option("--timeout <duration>", "how long to wait for the manager", parseDuration, DEFAULT_TIMEOUT_MS);
  withOutputFormat(withClientTls(command)).action(async function (this: Command, options: VersionOptions) {
    let server: { host: string; address: string; version: string } | undefined;
    if (options.manager !== undefined) {
      const addresses = checkedAddresses(this, () => parseEndpoints(options.manager!, "--manager"));
      const client = new ManagerClient(addresses, options.timeout, undefined, clientTransport(options));
      try {
        const status = await client.call("GetStatus", {});
        server = { host: status.host, address: status.address, version: status.version || "unknown" };
      } finally {
        client.close();
      }
    }
    await printFormatted(output, options, {
      json: () => ({ version: CAIRN_VERSION, ...(server && { manager: server }) }),
      table: () => [`cairn ${CAIRN_VERSION}`, ...(server ? [`manager ${server.host} at ${server.address}: cairn ${server.version}`] : [])].join("\n"),
    });
  });
}
