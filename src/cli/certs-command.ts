import type { Command } from "commander";
import { parseCount } from "./durations.js";
import type { Output } from "./output.js";

interface InitOptions {
  dir: string;
}

interface IssueOptions {
  dir: string;
  id: string;
  days?: number;
  ip: string[];
  dns: string[];
}

const collect = (value: string, list: string[]) => [...list, value];

/** `cairn certs init --dir DIR` and `cairn certs issue --dir DIR --id IDENTITY …` (SPEC 11). */
export function registerCertsCommands(program: Command, output: Output): void {
  const certs = program.command("certs").description("make a CA and issue the certificates of mTLS, without openssl");
  certs
    .command("init")
    .description("make a CA in DIR: ca.pem and ca-key.pem (0600); refuses when DIR holds one")
    .requiredOption("--dir <dir>", "the folder of the CA (created if missing)")
    .action(async (options: InitOptions) => {
      // Loaded here: the X.509 library is not worth its start-up time to every other command.
      const { initCa } = await import("../security/certificates.js");
      const made = await initCa(options.dir);
      output.out(`CA ${made.cert}\nkey ${made.key}`);
    });
  certs
    .command("issue")
    .description("issue DIR/NAME.pem and DIR/NAME-key.pem (0600) for IDENTITY, signed by DIR's CA; NAME is IDENTITY with / as _")
    .requiredOption("--dir <dir>", "the folder of the CA")
    .requiredOption("--id <identity>", "host/ID, manager/ID, service/TYPE/ID, admin/NAME or viewer/NAME")
    .option("--days <n>", "how long the certificate is valid (default 365)", parseCount)
    .option("--ip <address>", "an IP address a server answers on (repeat; default 127.0.0.1)", collect, [])
    .option("--dns <name>", "a DNS name a server answers on (repeat; default localhost)", collect, [])
    .action(async (options: IssueOptions) => {
      const { issue } = await import("../security/certificates.js");
      const issued = await issue(options.dir, options.id, { days: options.days, ips: options.ip, dns: options.dns });
      output.out(`certificate ${issued.cert}\nkey ${issued.key}`);
    });
}
