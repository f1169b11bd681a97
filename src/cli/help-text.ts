/**
 * What every `--help` shows beside commander's own (SPEC 15): an Examples
 * section, required options marked "(required)", and durations' defaults in
 * units (`default: 5s`, not `default: 5000`). Applied to the whole program
 * once it is built, so a command file need not repeat it; a command that
 * writes its own Examples (package deploy, type set) keeps them.
 */
import type { EventEmitter } from "node:events";
import type { Command, Option } from "commander";
import { formatDurationMs } from "../registry/durations.js";

/** Examples by command path; `cairn` alone is the program. */
const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  cairn: ["cairn context set lab --manager 127.0.0.1:7400 --use", "cairn tree", "cairn host ls --status down -o wide", "cairn completion bash > /etc/bash_completion.d/cairn"],
  route: [
    "cairn route --from agent-1 --type command-control --manager 127.0.0.1:7400",
    "cairn route --from agent-1 --type command-control --agent 127.0.0.1:7500 -o wide",
    "cairn route --from agent-1 --type command-control --file fixtures/seed.yaml --down framework-manager",
  ],
  manager: ["cairn manager start --host m1 --data /var/lib/cairn/m1 --listen 127.0.0.1:7400 --bootstrap"],
  "manager start": [
    "cairn manager start --host m1 --data /var/lib/cairn/m1 --listen 127.0.0.1:7400 --bootstrap",
    "cairn manager start --host m2 --data /var/lib/cairn/m2 --listen 127.0.0.1:7401 --join 127.0.0.1:7400",
  ],
  agent: ["cairn agent start --host agent-1 --data /var/lib/cairn/agent-1 --manager 127.0.0.1:7400", "cairn agent status --agent 127.0.0.1:7500"],
  "agent start": ["cairn agent start --host agent-1 --data /var/lib/cairn/agent-1 --manager 127.0.0.1:7400,127.0.0.1:7401 --domain /subdomain-1"],
  "agent status": ["cairn agent status --agent 127.0.0.1:7500", "cairn agent status --agent 127.0.0.1:7500,127.0.0.1:7501 -o yaml"],
  authorize: ["cairn authorize --agent 127.0.0.1:7500 --user alice --command reboot", "cairn authorize --agent 127.0.0.1:7500 --user alice --command reboot --json"],
  "command-control": ["cairn command-control start --host agent-1 --listen 127.0.0.1:7611"],
  "command-control start": ["cairn command-control start --host agent-1 --listen 127.0.0.1:7611"],
  domain: ["cairn domain add /emea/paris", "cairn domain ls -o wide"],
  "domain add": ["cairn domain add /emea/paris"],
  "domain rm": ["cairn domain rm /emea/paris", "cairn domain rm /emea --recursive"],
  "domain mv": ["cairn domain mv /emea/paris /apac"],
  "domain ls": ["cairn domain ls", "cairn domain ls -o yaml"],
  host: ["cairn host add node-1 --domain /lab --address 10.0.0.5", "cairn host ls --domain /lab --recursive"],
  "host add": ["cairn host add node-1 --domain /lab", "cairn host add node-1 --domain /lab --address 10.0.0.5 --label rack=r1 --label zone=a"],
  "host rm": ["cairn host rm node-1"],
  "host mv": ["cairn host mv node-1 /lab/rack-2"],
  "host maintenance": ["cairn host maintenance node-1 on", "cairn host maintenance node-1 off"],
  "host label": ["cairn host label node-1 env=prod zone=a", "cairn host label node-1 --remove zone"],
  "host show": ["cairn host show node-1", "cairn host show node-1 -o yaml"],
  "host ls": ["cairn host ls", "cairn host ls --status down", "cairn host ls --domain /lab --recursive --label rack=r1 -o wide"],
  package: ["cairn package deploy agent-1 command-control --port 7611", "cairn package withdraw agent-1 command-control"],
  "package withdraw": ["cairn package withdraw agent-1 command-control"],
  "package restore": ["cairn package restore agent-1 command-control"],
  "package rm": ["cairn package rm agent-1 command-control"],
  type: ["cairn type set command-control --policy spread"],
  tree: ["cairn tree", "cairn tree --root /subdomain-1 --depth 1", "cairn tree -o json"],
  status: ["cairn status", "cairn status --manager 127.0.0.1:7400,127.0.0.1:7401 -o yaml"],
  agents: ["cairn agents", "cairn agents --status down", "cairn agents --domain /emea --recursive -o wide", "cairn agents --manager 127.0.0.1:7401 -o json"],
  watch: ["cairn watch", "cairn watch --from 12 --json"],
  import: ["cairn import fixtures/seed.yaml", "cairn import fixtures/seed.yaml --replace --dry-run"],
  export: ["cairn export > registry.yaml", "cairn export -o json"],
  "promote-manager": ["cairn promote-manager m2 --manager 127.0.0.1:7401", "cairn promote-manager m2 --manager 127.0.0.1:7401 --force"],
  certs: ["cairn certs init --dir ./pki", "cairn certs issue --dir ./pki --id admin/ops"],
  "certs init": ["cairn certs init --dir ./pki"],
  "certs issue": ["cairn certs issue --dir ./pki --id manager/m1 --ip 10.0.0.1", "cairn certs issue --dir ./pki --id admin/ops --days 30"],
  demo: ["cairn demo", "cairn demo --insecure", "cairn demo --console --insecure"],
  context: ["cairn context set prod --manager 10.0.0.1:7400,10.0.0.2:7400 --ca pki/ca.pem --cert pki/admin_ops.pem --key pki/admin_ops-key.pem", "cairn context use prod", "cairn context ls"],
  "context ls": ["cairn context ls", "cairn context ls -o wide"],
  "context use": ["cairn context use prod"],
  "context set": ["cairn context set lab --manager 127.0.0.1:7400 --use", "cairn context set prod --agent 10.0.0.9:7500"],
  "context rm": ["cairn context rm lab"],
  version: ["cairn version", "cairn version --manager 127.0.0.1:7400 -o json"],
  completion: ["source <(cairn completion bash)", "cairn completion zsh > \"${fpath[1]}/_cairn\"", "cairn completion fish | source"],
};

/** Options whose duration is counted in seconds, not milliseconds. */
const SECONDS_OPTIONS = new Set(["--lease-ttl"]);

/** Every command of the program, with its path (`host ls`), the program first as `cairn`. */
export function everyCommand(program: Command): { path: string; command: Command }[] {
  const all: { path: string; command: Command }[] = [{ path: program.name(), command: program }];
  const walk = (command: Command, prefix: string) => {
    for (const sub of command.commands) {
      const path = prefix ? `${prefix} ${sub.name()}` : sub.name();
      all.push({ path, command: sub });
      walk(sub, path);
    }
  };
  walk(program, "");
  return all;
}

export function decorateHelp(program: Command): void {
  for (const { path, command } of everyCommand(program)) {
    for (const option of command.options) decorateOption(option);
    const examples = EXAMPLES[path];
    if (examples && (command as unknown as EventEmitter).listenerCount("afterHelp") === 0) command.addHelpText("after", ["", "Examples:", ...examples.map((e) => `  ${e}`)].join("\n"));
  }
}

function decorateOption(option: Option): void {
  if (option.mandatory && !option.description.startsWith("(required)")) option.description = `(required) ${option.description}`;
  if (option.flags.includes("<duration>") && typeof option.defaultValue === "number" && option.defaultValueDescription === undefined) {
    option.defaultValueDescription = SECONDS_OPTIONS.has(option.long ?? "") ? `${option.defaultValue}s` : formatDurationMs(option.defaultValue);
  }
}
