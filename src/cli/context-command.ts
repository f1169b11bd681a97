import { resolve } from "node:path";
import type { Command } from "commander";
import { CairnError, Code } from "../errors.js";
import { configPath, readConfig, writeConfig, type CliContext } from "./cli-config.js";
import { checkedAddresses } from "./manager-session.js";
import { parseEndpoints } from "./endpoints.js";
import { formatTable, type Output } from "./output.js";
import { withOutputFormat, printFormatted, type FormatOptions } from "./output-format.js";

interface SetOptions {
  manager?: string;
  agent?: string;
  ca?: string;
  cert?: string;
  key?: string;
  use?: boolean;
}

/** `cairn context ls|use|set|rm` (SPEC 15): named managers and TLS files in the config file, as kubeconfig. */
/** A context's name, as kubeconfig's are written: no spaces, nothing empty. */
const CONTEXT_NAME = /^[A-Za-z0-9._-]{1,63}$/;

export function registerContextCommands(program: Command, output: Output): void {
  const context = program
    .command("context")
    .description(`named sets of managers, agents and TLS files, in $CAIRN_CONFIG or ~/.config/cairn/config.yaml; flags and the environment override the current one`);

  withOutputFormat(context.command("ls").description("list the contexts; * marks the current one")).action(async (options: FormatOptions) => {
    const config = readConfig(configPath());
    const entries = [...config.contexts].map(([name, c]) => ({ name, current: name === config.currentContext, ...c }));
    await printFormatted(output, options, {
      json: () => ({ "current-context": config.currentContext ?? null, contexts: entries }),
      table: () =>
        formatTable(
          ["current", "name", "managers", "tls"],
          entries.map((e) => [e.current ? "*" : "", e.name, e.managers.join(","), e.ca ? "mTLS" : "insecure"]),
        ),
      wide: () =>
        formatTable(
          ["current", "name", "managers", "agents", "ca", "cert", "key"],
          entries.map((e) => [e.current ? "*" : "", e.name, e.managers.join(","), (e.agents ?? []).join(","), e.ca ?? "", e.cert ?? "", e.key ?? ""]),
        ),
    });
  });

  context
    .command("use <name>")
    .description("make a context the current one")
    .action((name: string) => {
      const config = readConfig(configPath());
      if (!config.contexts.has(name)) throw unknownContext(name, config.path, [...config.contexts.keys()]);
      writeConfig({ ...config, currentContext: name });
      output.out(`current context: ${name}`);
    });

  context
    .command("set <name>")
    .description("create a context or change what it holds (what is not given is kept)")
    .option("--manager <addrs>", "its registry managers, HOST:PORT, comma-separated")
    .option("--agent <addrs>", "its registry agents, HOST:PORT, comma-separated")
    .option("--ca <file>", "the CA certificate servers must be signed by")
    .option("--cert <file>", "the client certificate, for mTLS")
    .option("--key <file>", "its private key")
    .option("--use", "also make it the current one")
    .action(function (this: Command, name: string, options: SetOptions) {
      if (!CONTEXT_NAME.test(name)) this.error(`error: context name ${JSON.stringify(name)} must be letters, digits, '.', '_' or '-'`, { exitCode: 2, code: "cairn.badContextName" });
      const config = readConfig(configPath());
      const managers = options.manager === undefined ? undefined : checkedAddresses(this, () => parseEndpoints(options.manager!, "--manager"));
      const agents = options.agent === undefined ? undefined : checkedAddresses(this, () => parseEndpoints(options.agent!, "--agent"));
      const existing = config.contexts.get(name);
      const updated: CliContext = { ...(existing ?? { managers: [] }) };
      if (managers) updated.managers = managers;
      if (agents) updated.agents = agents;
      for (const file of ["ca", "cert", "key"] as const) if (options[file] !== undefined) updated[file] = resolve(options[file]!);
      const tls = [updated.ca, updated.cert, updated.key].filter((f) => f !== undefined).length;
      if (tls !== 0 && tls !== 3) this.error("error: a context's mTLS needs --ca, --cert and --key together", { exitCode: 2 });
      config.contexts.set(name, updated);
      if (options.use || config.currentContext === undefined) config.currentContext = name;
      writeConfig(config);
      output.out(`${existing ? "updated" : "created"} context ${name}${config.currentContext === name ? " (current)" : ""} in ${config.path}`);
    });

  context
    .command("rm <name>")
    .description("delete a context (the current one too: then none is current)")
    .action((name: string) => {
      const config = readConfig(configPath());
      if (!config.contexts.delete(name)) throw unknownContext(name, config.path, [...config.contexts.keys()]);
      if (config.currentContext === name) delete config.currentContext;
      writeConfig(config);
      output.out(`deleted context ${name}`);
    });
}

function unknownContext(name: string, path: string, names: string[]): CairnError {
  const known = names.length === 0 ? "it has none" : `it has ${names.join(", ")}`;
  return new CairnError(Code.NOT_FOUND, `no context "${name}" in ${path} (${known})`);
}
