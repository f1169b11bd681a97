/**
 * How a process's channels and servers are secured: mutual TLS from its
 * three files (watched: replaced files are used for new connections without
 * a restart), or insecure for loopback development. A channel names the
 * identity its peer must prove (`PeerExpectation`): a listener without that
 * certificate never gets a call.
 */
import * as grpc from "@grpc/grpc-js";
import { identityInSubjectAltName, type Identity, type IdentityKind } from "./identity.js";
import { checkTlsFiles, type CheckedTls } from "./tls-files.js";

/** How often watched certificate files are read again. */
export const CERTIFICATE_REFRESH_MS = 1_000;
/**
 * The name a TLS channel presents as its server name. Peers are checked by
 * identity, not by name, and an IP address as the server name makes Node
 * print a deprecation warning (DEP0123) on every connection.
 */
const TARGET_NAME = "cairn";

/** Who a channel's server must be: a kind of identity, and for some a host (and a package type). */
export interface PeerExpectation {
  kind: IdentityKind;
  /** The host id it must name; any when undefined. */
  name?: string;
  /** For `service`: the package type. */
  type?: string;
}

export function describeExpectation(expect: PeerExpectation): string {
  return `${expect.kind}/${expect.type ? `${expect.type}/` : ""}${expect.name ?? "*"}`;
}

export function meetsExpectation(identity: Identity | undefined, expect: PeerExpectation): boolean {
  return (
    identity !== undefined &&
    identity.kind === expect.kind &&
    (expect.name === undefined || identity.name === expect.name) &&
    (expect.type === undefined || identity.type === expect.type)
  );
}

export interface ChannelSettings {
  credentials: grpc.ChannelCredentials;
  options: grpc.ChannelOptions;
}

export interface Transport {
  /** The identity this process proves; undefined when insecure. */
  readonly identity: Identity | undefined;
  channel(expect: PeerExpectation): ChannelSettings;
  serverCredentials(): grpc.ServerCredentials;
  /** Resolves once the watched files have been read (a server must not accept connections before). */
  ready(): Promise<void>;
  /**
   * Calls `replaced` each time the watched certificate or key changes, with
   * what is wrong with the files now (undefined when they are sound: new
   * connections use them); returns how to stop watching.
   */
  watchFiles(replaced: (problem: string | undefined) => void): () => void;
}

export const insecureTransport: Transport = {
  identity: undefined,
  channel: () => ({ credentials: grpc.credentials.createInsecure(), options: {} }),
  serverCredentials: () => grpc.ServerCredentials.createInsecure(),
  ready: () => Promise.resolve(),
  watchFiles: () => () => {},
};

/** mTLS from checked files (tls-files.ts). */
export function tlsTransport(tls: CheckedTls): Transport {
  // One provider for the CA and the identity: grpc-js 1.14's createCertificateProviderServerCredentials
  // passes its two providers to the constructor the wrong way round, which one provider for both survives.
  const files = new grpc.experimental.FileWatcherCertificateProvider({
    caCertificateFile: tls.files.ca,
    certificateFile: tls.files.cert,
    privateKeyFile: tls.files.key,
    refreshIntervalMs: CERTIFICATE_REFRESH_MS,
  });
  const channels = new Map<string, ChannelSettings>();
  return {
    identity: tls.identity,
    channel(expect) {
      const key = describeExpectation(expect);
      let settings = channels.get(key);
      if (!settings) {
        const credentials = grpc.experimental.createCertificateProviderChannelCredentials(files, files, {
          checkServerIdentity: (_name, certificate) => {
            const presented = identityInSubjectAltName(certificate.subjectaltname);
            if (meetsExpectation(presented, expect)) return undefined;
            return new Error(`the server presents ${presented ? presented.text : "no cairn identity"}, not ${key}`);
          },
        });
        settings = { credentials, options: { "grpc.ssl_target_name_override": TARGET_NAME } };
        channels.set(key, settings);
      }
      return settings;
    },
    serverCredentials: () => grpc.experimental.createCertificateProviderServerCredentials(files, files, true),
    ready: () =>
      new Promise((resolve) => {
        const loaded = () => {
          files.removeIdentityCertificateListener(loaded);
          resolve();
        };
        files.addIdentityCertificateListener(loaded);
      }),
    watchFiles(replaced) {
      let seen: grpc.experimental.IdentityCertificateUpdate | null | undefined;
      let problem: string | undefined;
      const listener = (update: grpc.experimental.IdentityCertificateUpdate | null) => {
        const first = seen === undefined;
        const same = !first && (seen === null || update === null ? seen === update : update.certificate.equals(seen!.certificate) && update.privateKey.equals(seen!.privateKey));
        if (first || same) {
          seen = update;
          // A rotation read between its two renames looks wrong for one refresh: a problem is told once it stays.
          if (problem !== undefined) replaced(problem);
          problem = undefined;
          return;
        }
        seen = update;
        // grpc-js serves whatever the files hold; a wrong certificate would otherwise fail new connections without a word.
        try {
          checkTlsFiles(tls.files, tls.identity.text);
          problem = undefined;
          replaced(undefined);
        } catch (error) {
          problem = error instanceof Error ? error.message : String(error);
        }
      };
      files.addIdentityCertificateListener(listener);
      return () => files.removeIdentityCertificateListener(listener);
    },
  };
}
