import type { Command } from "commander";
import type { Output } from "./output.js";
import { checkHostOption } from "./server-options.js";
import { serverTls, withServerTls, type TlsFlags } from "./tls-options.js";
import { logSettings, withLogFormat, type LogFlags } from "./log-options.js";
import { stopLogLine, untilStopRequested } from "./parent-watch.js";

interface CommandControlStartOptions extends TlsFlags, LogFlags {
  host: string;
  listen: string;
  rules?: string;
}

/** `cairn command-control start --host ID [--listen ADDR] [--rules FILE]`: the example manager type (SPEC section 8). */
export function registerCommandControlCommands(program: Command, output: Output): void {
  const commandControl = program.command("command-control").description("run a command-control manager (authorizes commands)");
  const start = commandControl
    .command("start")
    .description("answer Authorize by the rules until SIGINT or SIGTERM")
    .requiredOption("--host <id>", "this manager's host id (answered as served_by)")
    .option("--listen <addr>", "address to bind (port 0: any free port)", "127.0.0.1:0")
    .option(
      "--rules <file>",
      "YAML rules: allow/deny by user and command glob, first match wins, deny by default; without --rules, everyone may run everything",
    );
  withLogFormat(withServerTls(start)).action(async (options: CommandControlStartOptions) => {
      const logging = logSettings(start, options);
      checkHostOption(options.host);
      // Loaded here, not at the top: every other command starts faster without the server.
      const [{ createLogger }, { CommandControlServer }, { compileRules, defaultRules }, { readTextFile }] = await Promise.all([
        import("../logger.js"),
        import("../command-control/server.js"),
        import("../command-control/rules.js"),
        import("./fixture-file.js"),
      ]);
      // Rules first: a bad file is reported before anything listens.
      const rules = options.rules ? compileRules(await readTextFile(options.rules), options.rules) : defaultRules();
      const logger = createLogger("command-control", logging);
      if (!options.rules) logger.warn("no --rules: everyone may run everything");
      const running = await CommandControlServer.start({ hostId: options.host, listen: options.listen, rules, security: serverTls(options), logger });
      // Watched before the line: a parent that signals as soon as it reads it gets a clean stop.
      const stopRequested = untilStopRequested();
      output.out(`listening on ${running.address}`);
      logger.info(...stopLogLine(await stopRequested));
      await running.stop();
    });
}
