/**
 * The mTLS flags every command takes (SPEC 11): `--ca --cert --key`, for
 * the commands that talk to a server also from CAIRN_CA, CAIRN_CERT and
 * CAIRN_KEY (a flag wins), and `--insecure` for a server that is to listen
 * without TLS beyond loopback.
 */
import type { Command } from "commander";
import type { SecurityOptions } from "../security/server-security.js";
import { currentContext, type CliContext } from "./cli-config.js";
import { checkTlsFiles, FLAG_NAMES, tlsFilesFrom } from "../security/tls-files.js";
import { insecureTransport, tlsTransport, type Transport } from "../security/transport.js";

export const TLS_ENV = { ca: "CAIRN_CA", cert: "CAIRN_CERT", key: "CAIRN_KEY" } as const;

export interface TlsFlags {
  ca?: string;
  cert?: string;
  key?: string;
  insecure?: boolean;
}

/** `--ca --cert --key`, on a command that talks to a server (the environment fills in what they leave out). */
export function withClientTls(command: Command): Command {
  return command
    .option("--ca <file>", `the CA certificate servers must be signed by (default: $${TLS_ENV.ca})`)
    .option("--cert <file>", `this client's certificate, for mTLS (default: $${TLS_ENV.cert})`)
    .option("--key <file>", `its private key (default: $${TLS_ENV.key})`);
}

/** `--ca --cert --key --insecure`, on a server's start command. */
export function withServerTls(command: Command): Command {
  return command
    .option("--ca <file>", "the CA certificate every caller must be signed by (mTLS)")
    .option("--cert <file>", "this server's certificate, for the identity it runs as")
    .option("--key <file>", "its private key")
    .option("--insecure", "without TLS files, listen on a non-loopback address anyway");
}

/**
 * A client command's transport: mTLS when the files are given, insecure
 * otherwise. The files come from the flags, each filled in from the
 * environment; or, when neither names any of them, all from the current
 * context: a set is never mixed from a context and the command line (a
 * flag's certificate with a context's key would never match).
 */
export function clientTransport(flags: TlsFlags, env: NodeJS.ProcessEnv = process.env): Transport {
  const which = ["ca", "cert", "key"] as const;
  const given = (w: keyof typeof TLS_ENV) => flags[w] ?? env[TLS_ENV[w]];
  // The config file is read only when the flags and the environment name no file at all.
  const current = which.some((w) => given(w) !== undefined) ? undefined : currentContext(env);
  const fromContext = (w: keyof CliContext & keyof typeof TLS_ENV) => current?.context[w];
  // A problem names what the user set: the flag, the variable or the context it came from; both flag and variable, for one not set.
  const name = (w: keyof typeof TLS_ENV) =>
    flags[w] !== undefined
      ? FLAG_NAMES[w]
      : env[TLS_ENV[w]] !== undefined
        ? `$${TLS_ENV[w]}`
        : fromContext(w) !== undefined
          ? `context "${current!.name}" ${w}`
          : `${FLAG_NAMES[w]} (or $${TLS_ENV[w]})`;
  const names = { ca: name("ca"), cert: name("cert"), key: name("key") };
  const file = (w: keyof typeof TLS_ENV) => (current ? fromContext(w) : given(w));
  const files = tlsFilesFrom({ ca: file("ca"), cert: file("cert"), key: file("key") }, names);
  return files ? tlsTransport(checkTlsFiles(files, undefined, new Date(), names)) : insecureTransport;
}

/** A server's security options from its flags (checked by the server, which knows the identity it runs as). */
export function serverTls(flags: TlsFlags): SecurityOptions {
  return { tls: tlsFilesFrom(flags), insecure: flags.insecure };
}
