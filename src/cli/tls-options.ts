/**
 * The mTLS flags every command takes (SPEC 11): `--ca --cert --key`, for
 * the commands that talk to a server also from CAIRN_CA, CAIRN_CERT and
 * CAIRN_KEY (a flag wins), and `--insecure` for a server that is to listen
 * without TLS beyond loopback.
 */
import type { Command } from "commander";
import type { SecurityOptions } from "../security/server-security.js";
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

/** A client command's transport: mTLS when the files are given (flags, else environment), insecure otherwise. */
export function clientTransport(flags: TlsFlags, env: NodeJS.ProcessEnv = process.env): Transport {
  // A problem names what the user set: the flag, or the variable it came from; both, for one not set.
  const name = (which: keyof typeof TLS_ENV) =>
    flags[which] !== undefined ? FLAG_NAMES[which] : env[TLS_ENV[which]] !== undefined ? `$${TLS_ENV[which]}` : `${FLAG_NAMES[which]} (or $${TLS_ENV[which]})`;
  const names = { ca: name("ca"), cert: name("cert"), key: name("key") };
  const files = tlsFilesFrom({ ca: flags.ca ?? env[TLS_ENV.ca], cert: flags.cert ?? env[TLS_ENV.cert], key: flags.key ?? env[TLS_ENV.key] }, names);
  return files ? tlsTransport(checkTlsFiles(files, undefined, new Date(), names)) : insecureTransport;
}

/** A server's security options from its flags (checked by the server, which knows the identity it runs as). */
export function serverTls(flags: TlsFlags): SecurityOptions {
  return { tls: tlsFilesFrom(flags), insecure: flags.insecure };
}
