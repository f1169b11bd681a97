/**
 * `cairn certs init` and `cairn certs issue` (SPEC 11), with @peculiar/x509
 * over Node's WebCrypto: no openssl. Keys are ECDSA P-256 (fast handshakes,
 * small files), written as PKCS#8 PEM with mode 0600; certificates as PEM.
 * Files are written beside their final name and renamed into place, so a
 * server watching them never reads half a file.
 */
import "reflect-metadata";
import { randomBytes, webcrypto } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import * as x509 from "@peculiar/x509";
import { isIP } from "node:net";
import { CairnError, Code, invalidArgument, quote } from "../errors.js";
import { addressProblem } from "../registry/names.js";
import { identityFileName, parseIdentity, SPIFFE_PREFIX } from "./identity.js";

x509.cryptoProvider.set(webcrypto as never);

type CryptoKey = webcrypto.CryptoKey;

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY_MS = 86_400_000;
/** Certificates start a few minutes in the past, for clocks that are a little apart. */
const BACKDATE_MS = 5 * 60_000;
export const CA_DAYS = 3_650;
export const DEFAULT_DAYS = 365;
export const DEFAULT_IPS = ["127.0.0.1"];
export const DEFAULT_DNS = ["localhost"];

export interface IssueOptions {
  days?: number;
  /** For server identities (host, manager, service): the addresses it answers on. */
  ips?: readonly string[];
  dns?: readonly string[];
}

export interface Issued {
  cert: string;
  key: string;
}

/** Makes `dir/ca.pem` and `dir/ca-key.pem`; refuses when a CA is there already. */
export async function initCa(dir: string, now = new Date()): Promise<Issued> {
  const cert = join(dir, "ca.pem");
  const key = join(dir, "ca-key.pem");
  for (const file of [cert, key]) {
    if (existsSync(file)) throw new CairnError(Code.ALREADY_EXISTS, `${file} exists: ${dir} holds a CA already (certs are issued from it with cairn certs issue)`);
  }
  makeFolder(dir);
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: "CN=cairn CA",
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + CA_DAYS * DAY_MS),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  writeAtomically(key, await privateKeyPem(keys.privateKey), 0o600);
  writeAtomically(cert, ca.toString("pem"), 0o644);
  return { cert, key };
}

/** Issues `dir/NAME.pem` and `dir/NAME-key.pem` for `identity`, signed by `dir`'s CA. */
export async function issue(dir: string, identityText: string, options: IssueOptions = {}, now = new Date()): Promise<Issued> {
  const identity = parseIdentity(identityText);
  if (typeof identity === "string") throw invalidArgument(identity);
  const days = options.days ?? DEFAULT_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > CA_DAYS) throw invalidArgument(`--days ${days} must be a whole number from 1 to ${CA_DAYS}`);
  const ca = await loadCa(dir);
  const keys = await webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
  const server = identity.kind === "host" || identity.kind === "manager" || identity.kind === "service";
  const names: x509.JsonGeneralName[] = [{ type: "url", value: SPIFFE_PREFIX + identity.text }];
  if (server) {
    for (const ip of options.ips?.length ? options.ips : DEFAULT_IPS) {
      if (isIP(ip) === 0) throw invalidArgument(`--ip ${quote(ip)} is not an IP address`);
      names.push({ type: "ip", value: ip });
    }
    for (const dns of options.dns?.length ? options.dns : DEFAULT_DNS) {
      const problem = isIP(dns) === 0 ? addressProblem(dns) : "it is an IP address (give it with --ip)";
      if (problem) throw invalidArgument(`--dns ${quote(dns)}: ${problem}`);
      names.push({ type: "dns", value: dns });
    }
  }
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: `CN=${identity.text}`,
    issuer: ca.certificate.subject,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + days * DAY_MS),
    signingAlgorithm: ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: ca.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(server ? [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth] : [x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension(names, false),
      await x509.AuthorityKeyIdentifierExtension.create(ca.certificate, false),
    ],
  });
  const base = join(dir, identityFileName(identity.text));
  const key = `${base}-key.pem`;
  const cert = `${base}.pem`;
  // The key first: a watcher that sees the new certificate finds its key there already.
  writeAtomically(key, await privateKeyPem(keys.privateKey), 0o600);
  writeAtomically(cert, certificate.toString("pem"), 0o644);
  return { cert, key };
}

async function loadCa(dir: string): Promise<{ certificate: x509.X509Certificate; key: CryptoKey }> {
  const certFile = join(dir, "ca.pem");
  const keyFile = join(dir, "ca-key.pem");
  for (const file of [certFile, keyFile]) {
    if (!existsSync(file)) throw new CairnError(Code.FAILED_PRECONDITION, `${file} is missing: make a CA first with cairn certs init --dir ${dir}`);
  }
  try {
    const certificate = new x509.X509Certificate(readFileSync(certFile, "utf8"));
    const der = x509.PemConverter.decodeFirst(readFileSync(keyFile, "utf8"));
    const key = await webcrypto.subtle.importKey("pkcs8", der, ALGORITHM, false, ["sign"]);
    return { certificate, key: key as CryptoKey };
  } catch (error) {
    throw invalidArgument(`the CA in ${dir} cannot be read (${(error as Error).message}): ${certFile} and ${keyFile} must be what cairn certs init wrote`);
  }
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await webcrypto.subtle.exportKey("pkcs8", key), "PRIVATE KEY");
}

/** A positive 128-bit serial, as RFC 5280 asks (at most 20 bytes, the top bit clear). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0]! &= 0x7f;
  return bytes.toString("hex");
}

function writeAtomically(file: string, text: string, mode: number): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode });
  renameSync(temporary, file);
}

/**
 * Creates `dir` and its missing parents one level at a time: Node 20's
 * recursive mkdirSync never returns under /proc, and its errors name a
 * syscall, not the option.
 */
function makeFolder(dir: string): void {
  const missing: string[] = [];
  for (let at = resolve(dir); !existsSync(at); at = dirname(at)) missing.unshift(at);
  const existing = dirname(missing[0] ?? resolve(dir, "x"));
  if (!statSync(existing).isDirectory()) throw invalidArgument(`--dir ${dir}: ${existing} is a file, not a folder`);
  for (const folder of missing) {
    try {
      mkdirSync(folder);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "an error";
      throw new CairnError(Code.FAILED_PRECONDITION, `cannot create --dir ${dir}: ${folder} could not be made (${code})`);
    }
  }
}
