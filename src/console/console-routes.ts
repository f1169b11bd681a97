/**
 * The registry manager's web console (SPEC 14), served at `/` by the
 * manager's `--http` server: the domain tree with liveness and packages,
 * the managers, the agents' fleet view, a route explorer and the changes as
 * they land, live over server-sent events.
 *
 * Why no framework, no bundler and no front-end package: the console is one
 * page of tables that a server patches row by row, which the DOM does well
 * by itself; server-sent events are built into browsers (EventSource
 * reconnects and sends Last-Event-ID unasked) and need nothing but
 * `node:http` here. A framework would bring a build step, a dependency tree
 * to audit and keep patched in an infrastructure tool that runs with admin
 * rights on the registry, and a virtual DOM whose whole-tree re-render is
 * what 100,000 hosts cannot afford anyway. So the front end is plain HTML,
 * CSS and two ES modules in static/console/ (about the size of a framework's
 * own runtime), served as they are written; the server side is these
 * routes over the manager's own store and services.
 *
 * Scale: the page shows the tree collapsed and asks for one domain's
 * subdomains (with their counts) or one page of its hosts at a time, and
 * searches on the server; a change is sent as the rows and counters it
 * moved, and the page patches only those it shows.
 *
 * API (JSON; `revision` in every answer):
 *   GET  /api/summary                          this manager, its status, root counts, types, whether writes are offered
 *   GET  /api/children?path=P&offset=&limit=   P's subdomains with their counts
 *   GET  /api/hosts?domain=P&offset=&limit=    a page of the hosts directly in P
 *   GET  /api/counts?paths=P1,P2…              counts of the domains a page shows
 *   GET  /api/search?q=Q&limit=                hosts and domains matching Q (server-side, limited)
 *   GET  /api/route?from=H&type=T              the explained route (as Resolve explains it)
 *   GET  /api/agents?offset=&limit=&q=         a page of the fleet view; 409 with `primary` on a backup
 *   GET  /api/events                           server-sent events (event-stream.ts)
 *   POST /api/maintenance {host, on}, /api/withdraw {host, type}, /api/restore {host, type}, /api/promote {force}
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { CairnError, Code, notFound } from "../errors.js";
import type { HttpContext, HttpRoute } from "../http/route.js";
import { ROOT_PATH } from "../registry/model.js";
import { hostRow } from "./change-events.js";
import type { ConsoleSource, ConsoleWrite } from "./console-source.js";
import { ConsoleState } from "./console-state.js";
import { crossSiteRefusal, mayWrite, readWrite, writeRefusal } from "./console-writes.js";
import { EventStream } from "./event-stream.js";
import { queryInt, queryText, sendError, sendForbidden, sendJson } from "./http-io.js";
import { StaticFiles } from "./static-files.js";
import type { TreeModel } from "./tree-model.js";

/** Most rows one page of subdomains, hosts or agents may ask for. */
export const MAX_PAGE = 500;
export const DEFAULT_PAGE = 100;
/** Most results of each kind a search returns. */
export const MAX_SEARCH = 100;
/** Most domains one counts request may name. */
export const MAX_COUNTS_PATHS = 200;
/** Longest search text: a domain path at its longest is shorter still. */
export const MAX_QUERY_CHARS = 256;

type Handler = (request: IncomingMessage, response: ServerResponse, context: HttpContext) => void | Promise<void>;

/** The console's routes, to mount on the manager's `--http` server, and what ends them with it. */
export interface ConsoleRoutes {
  routes: HttpRoute[];
  /** Ends every event stream and lets go of the store: the tree model is not kept current for nobody. */
  close(): void;
}

/** The console's routes, to mount on the manager's `--http` server. */
export function consoleRoutes(source: ConsoleSource, files = new StaticFiles()): ConsoleRoutes {
  const log = source.logger.child({ component: "console" });
  const state = new ConsoleState(source);
  const events = new EventStream(source, state, log);
  /** Every answer goes through here: a thrown error is answered, never lost. */
  const guarded =
    (handle: Handler): Handler =>
    async (request, response, context) => {
      try {
        await handle(request, response, context);
      } catch (error) {
        if (!response.headersSent) sendError(response, error, log);
        else {
          log.warn({ err: error }, "a console answer failed after it started");
          response.destroy();
        }
      }
    };
  const get = (path: string, handle: Handler, prefix = false): HttpRoute => ({ method: "GET", path, prefix, handle: guarded(handle) });
  const json = (path: string, answer: (url: URL, context: HttpContext) => unknown): HttpRoute =>
    get(path, (_request, response, context) => sendJson(response, 200, answer(context.url, context)));
  const write = (kind: ConsoleWrite["kind"]): HttpRoute => ({
    method: "POST",
    path: `/api/${kind}`,
    handle: guarded(async (request, response, context) => {
      const refusal = writeRefusal(kind, context, source.hostId) ?? crossSiteRefusal(request);
      if (refusal) {
        request.resume();
        return sendForbidden(response, refusal);
      }
      const result = await source.write(await readWrite(kind, request));
      log.info({ caller: context.caller?.text, kind, ...result }, "console write");
      sendJson(response, 200, result);
    }),
  });
  const at = () => ({ revision: state.model().revision, epoch: source.position().epoch });

  const routes: HttpRoute[] = [
    get("/", (request, response) => files.serve("index.html", request, response)),
    get("/console/", (request, response, { url }) => files.serve(url.pathname.slice("/console/".length), request, response), true),
    json("/api/summary", (_url, context) => {
      const model = state.model();
      return {
        ...at(),
        host: source.hostId,
        status: source.status(),
        counts: model.counts(ROOT_PATH),
        root: model.domain(ROOT_PATH),
        types: model.types(),
        secure: context.secure,
        identity: context.caller?.text ?? null,
        writes: mayWrite(context, source.hostId),
      };
    }),
    json("/api/children", (url) => {
      const path = queryText(url, "path");
      const page = state.model().children(path, queryInt(url, "offset", 0, 0, Number.MAX_SAFE_INTEGER), queryInt(url, "limit", DEFAULT_PAGE, 1, MAX_PAGE));
      if (!page) throw notFound(`domain ${JSON.stringify(path)} not found`);
      return { ...at(), path, ...page };
    }),
    json("/api/hosts", (url) => {
      const domain = queryText(url, "domain");
      const page = state.model().hosts(domain, queryInt(url, "offset", 0, 0, Number.MAX_SAFE_INTEGER), queryInt(url, "limit", DEFAULT_PAGE, 1, MAX_PAGE));
      if (!page) throw notFound(`domain ${JSON.stringify(domain)} not found`);
      return { ...at(), domain, total: page.total, rows: page.rows.map(hostRow) };
    }),
    json("/api/counts", (url) => {
      const paths = (url.searchParams.get("paths") ?? "").split(",").filter((p) => p !== "");
      if (paths.length > MAX_COUNTS_PATHS) throw new CairnError(Code.INVALID_ARGUMENT, `at most ${MAX_COUNTS_PATHS} paths per request, not ${paths.length}`);
      const model = state.model();
      return { ...at(), counts: Object.fromEntries(paths.map((p) => [p, model.counts(p) ?? null])) };
    }),
    json("/api/search", (url) => {
      const q = queryFilter(url);
      const found = state.model().search(q, queryInt(url, "limit", 50, 1, MAX_SEARCH));
      return { ...at(), q, hosts: found.hosts.map(hostRow), domains: found.domains, totalHosts: found.totalHosts, totalDomains: found.totalDomains };
    }),
    json("/api/route", (url) => {
      const route = source.route(queryText(url, "from"), queryText(url, "type"));
      return { revision: source.position().revision, epoch: source.position().epoch, route };
    }),
    json("/api/agents", (url) => agentsPage(source, state.model(), url, at())),
    get("/api/events", (request, response, { url }) => events.open(request, response, url)),
    write("maintenance"),
    write("withdraw"),
    write("restore"),
    write("promote"),
  ];
  return {
    routes,
    close() {
      events.closeAll();
      state.close();
    },
  };
}

/** The `q` of a search or filter; INVALID_ARGUMENT past MAX_QUERY_CHARS. */
function queryFilter(url: URL): string {
  const q = url.searchParams.get("q") ?? "";
  if (q.length > MAX_QUERY_CHARS) throw new CairnError(Code.INVALID_ARGUMENT, `the search is longer than ${MAX_QUERY_CHARS} characters`);
  return q;
}

/** A page of the fleet view, by host id, of the hosts whose id or domain holds `q`; only the page's agents are asked for. */
function agentsPage(source: ConsoleSource, model: TreeModel, url: URL, at: { revision: number; epoch: number }) {
  const q = queryFilter(url).trim().toLowerCase();
  const offset = queryInt(url, "offset", 0, 0, Number.MAX_SAFE_INTEGER);
  const limit = queryInt(url, "limit", DEFAULT_PAGE, 1, MAX_PAGE);
  const all = model.allHosts();
  const kept = q ? all.filter((id) => id.includes(q) || model.host(id)!.domain.includes(q)) : all;
  const page = kept.slice(offset, offset + limit).map((id) => model.host(id)!);
  return { ...at, total: kept.length, all: all.length, offset, rows: source.agents(page) };
}
