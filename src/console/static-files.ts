/**
 * The console's page and its few files, from static/console/ at the root
 * of the repository (the same place seen from src/console and from
 * dist/console). Only the files named here are served, so no request path
 * reaches the file system; each is read once, kept in memory (a few tens of
 * KiB) and sent with an ETag.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const STATIC_DIR = fileURLToPath(new URL("../../static/console/", import.meta.url));

/**
 * The page is checked on every load (`no-cache`: a 304 when unchanged), so
 * an upgraded manager serves its new page at once; its scripts and style
 * may be reused for a minute without asking.
 */
const PAGE_CACHE = "no-cache";
const ASSET_CACHE = "max-age=60";

/** The files served, by name, with their content types. */
export const STATIC_FILES: Readonly<Record<string, string>> = {
  "index.html": "text/html; charset=utf-8",
  "console.css": "text/css; charset=utf-8",
  "console.js": "text/javascript; charset=utf-8",
  "tree.js": "text/javascript; charset=utf-8",
  "favicon.svg": "image/svg+xml",
};

/**
 * The page's own rules: scripts, styles and connections to this server
 * only, no frames. The page has no inline script or style to allow.
 */
const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

interface Loaded {
  body: Buffer;
  etag: string;
}

export class StaticFiles {
  private readonly loaded = new Map<string, Promise<Loaded>>();

  constructor(private readonly dir: string = STATIC_DIR) {}

  /** Answers `name` (one of STATIC_FILES), or 404. */
  async serve(name: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const type = Object.hasOwn(STATIC_FILES, name) ? STATIC_FILES[name] : undefined;
    if (!type) {
      response.writeHead(404, { "content-type": "text/plain; charset=utf-8", ...SECURITY_HEADERS });
      response.end(`no console file ${JSON.stringify(name)}\n`);
      return;
    }
    const file = await this.load(name);
    const headers = { ...SECURITY_HEADERS, "content-type": type, "cache-control": name === "index.html" ? PAGE_CACHE : ASSET_CACHE, etag: file.etag };
    if (request.headers["if-none-match"] === file.etag) {
      response.writeHead(304, headers);
      response.end();
      return;
    }
    response.writeHead(200, { ...headers, "content-length": file.body.length });
    response.end(request.method === "HEAD" ? undefined : file.body);
  }

  private load(name: string): Promise<Loaded> {
    let loading = this.loaded.get(name);
    if (!loading) {
      loading = readFile(join(this.dir, name)).then((body) => ({ body, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 22)}"` }));
      // A failed read (a file missing from an install) is tried again on the next request, not kept.
      loading.catch(() => this.loaded.delete(name));
      this.loaded.set(name, loading);
    }
    return loading;
  }
}
