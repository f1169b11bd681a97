/**
 * A CA in a temp folder for the mTLS tests, and certificates issued from it
 * on demand, as flags for a server or the CLI, or as a transport for a
 * client in the test process.
 */
import { join } from "node:path";
import { initCa, issue, type IssueOptions } from "../../src/security/certificates.js";
import { identityFileName } from "../../src/security/identity.js";
import { checkTlsFiles, type TlsFiles } from "../../src/security/tls-files.js";
import { tlsTransport, type Transport } from "../../src/security/transport.js";

export class TestCa {
  private constructor(readonly dir: string) {}

  static async make(dir: string): Promise<TestCa> {
    await initCa(dir);
    return new TestCa(dir);
  }

  get caFile(): string {
    return join(this.dir, "ca.pem");
  }

  /** The files of `identity`, issued now (again, when `fresh`: a rotation). */
  async files(identity: string, options: IssueOptions & { fresh?: boolean; now?: Date } = {}): Promise<TlsFiles> {
    const base = join(this.dir, identityFileName(identity));
    if (options.fresh || !this.issued.has(identity)) {
      await issue(this.dir, identity, options, options.now);
      this.issued.add(identity);
    }
    return { ca: this.caFile, cert: `${base}.pem`, key: `${base}-key.pem` };
  }

  /** `--ca --cert --key` of `identity`. */
  async flags(identity: string): Promise<string[]> {
    const files = await this.files(identity);
    return ["--ca", files.ca, "--cert", files.cert, "--key", files.key];
  }

  async transport(identity: string): Promise<Transport> {
    return tlsTransport(checkTlsFiles(await this.files(identity)));
  }

  private readonly issued = new Set<string>();
}
