/**
 * One HTTP(S) request from the test process to a server's `--http`, with a
 * client certificate when given (fetch takes none): its status, headers,
 * body, and, over HTTPS, the server's certificate.
 */
import { readFileSync } from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import type { PeerCertificate, TLSSocket } from "node:tls";
import type { TlsFiles } from "../../src/security/tls-files.js";

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Over HTTPS: the certificate the server presented. */
  serverCertificate?: PeerCertificate;
}

export interface HttpAsk {
  method?: string;
  /** Over HTTPS: the CA to trust, and the client's certificate and key when it presents one. */
  tls?: { ca: string } & Partial<Pick<TlsFiles, "cert" | "key">>;
  timeoutMs?: number;
}

export function httpGet(url: string, ask: HttpAsk = {}): Promise<HttpAnswer> {
  const { tls } = ask;
  const options: https.RequestOptions = {
    method: ask.method ?? "GET",
    timeout: ask.timeoutMs ?? 5_000,
    // A fresh connection each time: a rotated certificate shows on the next request.
    agent: false,
    ...(tls && {
      ca: readFileSync(tls.ca),
      ...(tls.cert && tls.key && { cert: readFileSync(tls.cert), key: readFileSync(tls.key) }),
      // The server certificate names 127.0.0.1 and localhost; checked as any HTTPS client checks it.
    }),
  };
  return new Promise((resolve, reject) => {
    const request = (url.startsWith("https:") ? https : http).request(url, options, (response) => {
      const serverCertificate = url.startsWith("https:") ? (response.socket as TLSSocket).getPeerCertificate() : undefined;
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body, ...(serverCertificate && { serverCertificate }) }));
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error(`${url}: no answer within ${ask.timeoutMs ?? 5_000} ms`)));
    request.on("error", reject);
    request.end();
  });
}
