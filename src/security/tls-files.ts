/**
 * The three files a process is given for mTLS (--ca, --cert, --key), checked
 * before anything listens or dials, so that a bad one is one line naming the
 * file and what is wrong with it: missing, not a certificate, expired, not
 * issued by the CA, not the identity this process runs as, or a key that is
 * not the certificate's.
 */
import { createPrivateKey, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { invalidArgument } from "../errors.js";
import { identityInSubjectAltName, type Identity } from "./identity.js";

export interface TlsFiles {
  ca: string;
  cert: string;
  key: string;
}

/** What the user calls each file, for messages: its flag, or the environment variable it came from. */
export interface TlsNames {
  ca: string;
  cert: string;
  key: string;
}

export const FLAG_NAMES: TlsNames = { ca: "--ca", cert: "--cert", key: "--key" };

export interface CheckedTls {
  files: TlsFiles;
  /** The identity the certificate carries. */
  identity: Identity;
  /** When the certificate stops being valid. */
  validTo: Date;
}

/**
 * The three flags together or none (insecure); one or two are a mistake.
 * Returns undefined for none.
 */
export function tlsFilesFrom(options: { ca?: string | undefined; cert?: string | undefined; key?: string | undefined }, names: TlsNames = FLAG_NAMES): TlsFiles | undefined {
  const { ca, cert, key } = options;
  if (!ca && !cert && !key) return undefined;
  const missing = (["ca", "cert", "key"] as const).filter((k) => !options[k]).map((k) => names[k]);
  if (missing.length > 0) throw invalidArgument(`mTLS needs ${names.ca}, ${names.cert} and ${names.key} together; ${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} missing`);
  return { ca: ca!, cert: cert!, key: key! };
}

/**
 * Checks the files. `expected` names the identity this process must hold
 * (a manager on host m1 must hold manager/m1); without it any cairn
 * identity will do (the CLI's).
 */
export function checkTlsFiles(files: TlsFiles, expected?: string, now = new Date(), names: TlsNames = FLAG_NAMES): CheckedTls {
  const ca = certificateIn(files.ca, names.ca);
  if (!ca.ca) throw invalidArgument(`${names.ca} ${files.ca} is not a CA certificate`);
  const cert = certificateIn(files.cert, names.cert);
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) throw invalidArgument(`${names.cert} ${files.cert} is not issued by the CA in ${files.ca}`);
  const validFrom = new Date(cert.validFrom);
  const validTo = new Date(cert.validTo);
  if (now < validFrom) throw invalidArgument(`${names.cert} ${files.cert} is not valid before ${validFrom.toISOString()}`);
  if (now > validTo) throw invalidArgument(`${names.cert} ${files.cert} expired on ${validTo.toISOString()}`);
  const identity = identityInSubjectAltName(cert.subjectAltName);
  if (!identity) throw invalidArgument(`${names.cert} ${files.cert} carries no cairn identity (a URI SAN spiffe://cairn/…); issue one with cairn certs issue`);
  if (expected && identity.text !== expected) throw invalidArgument(`${names.cert} ${files.cert} is for ${identity.text}, but this process runs as ${expected}`);
  let key;
  try {
    key = createPrivateKey(readFileSync(files.key));
  } catch (error) {
    throw invalidArgument(`${names.key} ${files.key} ${readProblem(error, "is not a private key")}`);
  }
  if (!cert.checkPrivateKey(key)) throw invalidArgument(`${names.key} ${files.key} is not the key of ${files.cert}`);
  return { files, identity, validTo };
}

function certificateIn(file: string, flag: string): X509Certificate {
  try {
    return new X509Certificate(readFileSync(file));
  } catch (error) {
    throw invalidArgument(`${flag} ${file} ${readProblem(error, "is not a PEM certificate")}`);
  }
}

function readProblem(error: unknown, otherwise: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "does not exist";
  if (code === "EACCES") return "cannot be read (permission denied)";
  if (code === "EISDIR") return "is a folder";
  return otherwise;
}
