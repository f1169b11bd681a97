// The cairn console's page: loads the manager's summary and the root of the
// tree, then follows the manager's server-sent events (change, resumed,
// reset, status). EventSource reconnects by itself and sends Last-Event-ID,
// the revision of the last change it had; the server sends what was missed.
// No framework: the page patches the rows it holds (tree.js).

import { countsView, h, hostTable, livenessBadge, plural, Tree, Views } from "./tree.js";

const $ = (id) => document.getElementById(id);
const FEED_LENGTH = 100;
const AGENTS_PAGE = 50;
const AGENTS_EVERY_MS = 2_000;

const page = { revision: 0, writes: false, host: "", status: undefined, shownRevisions: new Set() };
let views;
let tree;

async function api(path, init) {
  const response = await fetch(path, { headers: { accept: "application/json" }, ...init });
  const body = await response.json().catch(() => ({ error: `${response.status} ${response.statusText}` }));
  if (!response.ok) {
    const error = new Error(body.error ?? `${response.status} ${response.statusText}`);
    error.status = response.status;
    error.body = body;
    throw error;
  }
  return body;
}

function notify(text, kind = "info") {
  const el = $("notice");
  el.textContent = text;
  el.className = `notice ${kind}`;
}

function fail(error) {
  notify(`error: ${error.message}`, "error");
}

// ---- header and managers ----

function renderStatus(status) {
  page.status = status;
  $("fact-host").textContent = status.host;
  $("fact-role").replaceChildren(h("span", { class: `badge role-${status.role}` }, status.role));
  $("fact-epoch").textContent = String(status.epoch);
  setRevision(status.revision);
  const dash = h("span", { class: "muted" }, "—");
  const rows = [
    h(
      "tr",
      { "data-testid": `manager-${status.host}` },
      h("th", { scope: "row" }, status.host, h("span", { class: "muted" }, " (this console)")),
      h("td", {}, status.address),
      h("td", {}, h("span", { class: `badge role-${status.role}` }, status.role)),
      h("td", {}, String(status.epoch)),
      h("td", {}, `${status.revision}`, status.durableRevision !== status.revision ? h("span", { class: "muted" }, ` (${status.durableRevision} on disk)`) : null),
      h("td", {}, status.role === "primary" ? "0" : dash.cloneNode(true)),
      h("td", {}, h("span", { class: "badge up" }, "serving")),
    ),
  ];
  if (status.role === "primary") {
    for (const b of status.backups) {
      rows.push(
        h(
          "tr",
          { "data-testid": `manager-${b.host}` },
          h("th", { scope: "row" }, b.host),
          h("td", {}, b.address || dash.cloneNode(true)),
          h("td", {}, h("span", { class: "badge role-backup" }, "backup")),
          h("td", {}, dash.cloneNode(true)),
          h("td", {}, String(b.revision)),
          h("td", {}, h("span", { class: b.lag > 0 ? "badge maint" : "badge up" }, plural(b.lag, "revision") + " behind")),
          h("td", {}, b.connected ? h("span", { class: "badge up" }, "connected") : h("span", { class: "badge down" }, "disconnected")),
        ),
      );
    }
    if (status.syncBackups > 0) $("managers-note").textContent = `Writes wait for ${plural(status.syncBackups, "backup")} (--sync-backups).`;
  } else if (status.primary.host || status.primary.address) {
    rows.push(
      h(
        "tr",
        { "data-testid": `manager-${status.primary.host}` },
        h("th", { scope: "row" }, status.primary.host || "unknown"),
        h("td", {}, status.primary.address || dash.cloneNode(true)),
        h("td", {}, h("span", { class: "badge role-primary" }, "primary")),
        h("td", {}, dash.cloneNode(true)),
        h("td", {}, dash.cloneNode(true)),
        h("td", {}, dash.cloneNode(true)),
        h("td", {}, h("span", { class: "muted" }, "followed by this manager")),
      ),
    );
  }
  $("managers-body").replaceChildren(...rows);
  $("promote").hidden = !(page.writes && status.role === "backup");
}

function setRevision(revision) {
  if (revision > page.revision) page.revision = revision;
  $("fact-revision").textContent = String(page.revision);
}

function setAccess(summary) {
  const text = summary.writes
    ? `${summary.identity}: may change the registry`
    : summary.secure
      ? `${summary.identity ?? "unknown identity"}: read only`
      : "read only: insecure manager";
  $("fact-access").textContent = text;
  if (!summary.secure) $("fact-access").title = "Without TLS no client can prove an admin identity, so this console makes no writes.";
}

// ---- feed ----

function addToFeed(event) {
  if (page.shownRevisions.has(event.revision)) return;
  page.shownRevisions.add(event.revision);
  const time = new Date(event.time).toLocaleTimeString("en-GB", { hour12: false });
  const hosts = event.reload ? ["many hosts"] : [...event.hosts.map((r) => `${r.id}: ${r.status}${r.maintenance ? ", in maintenance" : ""}`), ...event.removed.map((id) => `${id}: removed`)];
  const item = h(
    "li",
    { "data-revision": event.revision, "data-testid": `feed-${event.revision}` },
    h("span", { class: "rev" }, `r${event.revision}`),
    h("time", { datetime: new Date(event.time).toISOString() }, time),
    h("span", { class: "cause" }, event.cause),
    hosts.length ? h("span", { class: "muted what" }, hosts.slice(0, 3).join("; ") + (hosts.length > 3 ? `; +${hosts.length - 3}` : "")) : null,
    event.replayed ? h("span", { class: "badge unknown small-badge", title: "sent again after a reconnect" }, "caught up") : null,
  );
  // Newest first; a replayed change goes where its revision belongs.
  const list = $("feed");
  const after = [...list.children].find((li) => Number(li.dataset.revision) < event.revision);
  list.insertBefore(item, after ?? null);
  while (list.children.length > FEED_LENGTH) {
    page.shownRevisions.delete(Number(list.lastElementChild.dataset.revision));
    list.lastElementChild.remove();
  }
}

// ---- search ----

let searchViews = [];

async function search(q) {
  for (const { view, key, kind } of searchViews) kind === "host" ? views.dropHost(view, key) : views.dropCounter(view, key);
  searchViews = [];
  const box = $("search-results");
  if (!q.trim()) {
    box.hidden = true;
    box.replaceChildren();
    $("search-clear").hidden = true;
    return;
  }
  const found = await api(`/api/search?q=${encodeURIComponent(q)}&limit=50`);
  const parts = [h("h3", {}, `Search “${found.q}”: ${plural(found.totalHosts, "host")}, ${plural(found.totalDomains, "domain")}` + (found.totalHosts > found.hosts.length ? ` (first ${found.hosts.length} hosts shown)` : ""))];
  if (found.hosts.length) {
    const table = hostTable(`Hosts matching ${found.q}`, page.writes);
    for (const row of found.hosts) {
      const view = views.addHost(row, found.revision, null);
      view.tr.cells[0].append(" ", h("span", { class: "muted" }, `in ${row.domain}`));
      searchViews.push({ view, key: row.id, kind: "host" });
      table.tBodies[0].append(view.tr);
    }
    parts.push(table);
  }
  if (found.domains.length) {
    const list = h("ul", { class: "found-domains" });
    for (const row of found.domains) {
      const counter = views.addCounter(row.path, row.counts, found.revision);
      searchViews.push({ view: counter, key: row.path, kind: "counter" });
      const show = h("button", { type: "button", class: "small", "data-testid": `reveal-${row.path}` }, "Show in tree");
      show.addEventListener("click", () => tree.reveal(row.path).catch(fail));
      list.append(h("li", {}, h("span", { class: "path" }, row.path), " ", counter.el, " ", show));
    }
    parts.push(list);
  }
  if (!found.hosts.length && !found.domains.length) parts.push(h("p", { class: "muted" }, "Nothing matches."));
  box.replaceChildren(...parts);
  box.hidden = false;
  $("search-clear").hidden = false;
}

// ---- route explorer ----

let routeShown = false;
let routeTimer;
/** Only the answer to the latest question is shown (a re-explain after a change may overtake a click). */
let routeAsked = 0;

async function explainRoute() {
  const from = $("route-from").value.trim();
  const type = $("route-type").value;
  const box = $("route-result");
  if (!from || !type) return;
  const asked = ++routeAsked;
  try {
    const { route, revision } = await api(`/api/route?from=${encodeURIComponent(from)}&type=${encodeURIComponent(type)}`);
    if (asked !== routeAsked) return;
    routeShown = true;
    const parts = [h("p", {}, "Route from ", h("strong", {}, route.from), " to ", h("strong", {}, route.type), ` at revision ${revision}`)];
    if (route.candidates.length) {
      parts.push(
        h(
          "table",
          { "data-testid": "route-candidates" },
          h("caption", {}, "Candidates, in the order calls try them"),
          h("thead", {}, h("tr", {}, ["Rank", "Host", "Domain", "Tier", "Endpoint"].map((t) => h("th", { scope: "col" }, t)))),
          h(
            "tbody",
            {},
            route.candidates.map((c, i) =>
              h("tr", { "data-testid": "route-candidate", "data-host": c.host }, h("td", {}, String(i + 1)), h("th", { scope: "row" }, c.host), h("td", {}, c.domain), h("td", {}, c.tier), h("td", {}, c.endpoint)),
            ),
          ),
        ),
      );
    } else {
      parts.push(h("p", { class: "badge down", "data-testid": "route-empty" }, "No available manager"));
    }
    for (const y of route.spill?.yielded ?? []) parts.push(h("p", { class: "muted" }, `yielded: ${y.reason}`));
    if (route.spill?.panic) parts.push(h("p", { class: "muted" }, `panic: ${route.spill.reason ?? ""}`));
    if (route.skipped?.length) {
      const domains = route.skipped.some((s) => s.domain);
      parts.push(
        h(
          "table",
          { "data-testid": "route-skipped" },
          h("caption", {}, "Skipped: out of the route, and why"),
          h("thead", {}, h("tr", {}, ["Host", domains && "Domain", "Reason"].filter(Boolean).map((t) => h("th", { scope: "col" }, t)))),
          h("tbody", {}, route.skipped.map((s) => h("tr", { "data-host": s.host }, h("th", { scope: "row" }, s.host), domains && h("td", {}, s.domain ?? ""), h("td", {}, s.reason)))),
        ),
      );
    }
    box.replaceChildren(...parts);
    Object.assign(box.dataset, { from: route.from, type: route.type, revision: String(revision) });
  } catch (error) {
    if (asked !== routeAsked) return;
    routeShown = false;
    box.replaceChildren(h("p", { class: "error", "data-testid": "route-error" }, error.message));
  }
}

/** A shown route is explained again after each change (once per burst). */
function routeMayHaveMoved() {
  if (!routeShown) return;
  clearTimeout(routeTimer);
  routeTimer = setTimeout(() => void explainRoute(), 150);
}

function setTypes(types) {
  const select = $("route-type");
  const current = select.value;
  select.replaceChildren(...types.map((t) => h("option", { value: t }, t)));
  select.value = types.includes(current) ? current : types.includes("command-control") ? "command-control" : (types[0] ?? "");
}

// ---- agents ----

let agentsOffset = 0;

async function loadAgents() {
  const q = $("agents-q").value.trim();
  const note = $("agents-note");
  try {
    const answer = await api(`/api/agents?offset=${agentsOffset}&limit=${AGENTS_PAGE}&q=${encodeURIComponent(q)}`);
    $("agents-table").hidden = false;
    note.textContent = `${plural(answer.all, "host")}, each with its agent as this primary hears it` + (q ? `; ${answer.total.toLocaleString("en")} match “${q}”` : "");
    const last = Math.min(answer.total, agentsOffset + answer.rows.length);
    $("agents-range").textContent = answer.total ? `${agentsOffset + 1}–${last} of ${answer.total.toLocaleString("en")}` : "none";
    $("agents-prev").disabled = agentsOffset === 0;
    $("agents-next").disabled = last >= answer.total;
    $("agents-body").replaceChildren(
      ...answer.rows.map((a) =>
        h(
          "tr",
          { "data-testid": `agent-${a.host}` },
          h("th", { scope: "row" }, a.host),
          h("td", {}, a.domain),
          h("td", {}, livenessBadge(a.liveness)),
          h("td", {}, a.watching || h("span", { class: "muted" }, "unknown")),
          h("td", {}, String(a.revision)),
          h("td", {}, a.lastHeartbeatAgeMs === undefined ? h("span", { class: "muted" }, "—") : String(a.lag)),
          h("td", {}, a.lastHeartbeatAgeMs === undefined ? h("span", { class: "muted" }, "never (this reign)") : `${(a.lastHeartbeatAgeMs / 1000).toFixed(1)} s ago`),
        ),
      ),
    );
  } catch (error) {
    $("agents-table").hidden = true;
    note.textContent = error.body?.primary ? `the primary has the fleet view: ${error.body.primary}` : `fleet view unavailable: ${error.message}`;
  }
}

function pollAgents() {
  const again = () => setTimeout(pollAgents, AGENTS_EVERY_MS);
  if (document.visibilityState !== "visible") return void again();
  loadAgents().finally(again);
}

// ---- writes ----

async function write(kind, body) {
  try {
    const result = await api(`/api/${kind}`, { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify(body) });
    notify(result.changed ? `revision ${result.revision}: ${result.message}` : `nothing to change (${result.message})`, "ok");
  } catch (error) {
    fail(error);
  }
}

function onAction(event) {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const { action, host, type, on } = button.dataset;
  if (action === "maintenance") void write("maintenance", { host, on: on === "true" });
  else void write(action, { host, type });
}

// ---- the stream ----

let stream;

function connect() {
  stream?.close();
  stream = new EventSource(`/api/events?after=${page.revision}`);
  const live = $("live");
  stream.addEventListener("open", () => {
    live.className = "badge up";
    live.textContent = "live";
  });
  stream.addEventListener("error", () => {
    live.className = "badge down";
    live.textContent = "reconnecting";
    // Closed for good (an HTTP error, not a dropped connection): start again from the last revision shown.
    if (stream.readyState === EventSource.CLOSED) setTimeout(connect, 2_000);
  });
  stream.addEventListener("change", (message) => {
    const event = JSON.parse(message.data);
    setRevision(event.revision);
    // This manager's row follows the changes at once; the rest of its status comes every second.
    if (page.status && event.revision > page.status.revision) {
      renderStatus({ ...page.status, revision: event.revision, durableRevision: Math.max(event.revision, page.status.durableRevision) });
    }
    addToFeed(event);
    tree.patch(event);
    if (event.counts?.["/"]) setHosts(event.counts["/"]);
    if (event.types) void api("/api/summary").then((s) => setTypes(s.types)).catch(fail);
    routeMayHaveMoved();
  });
  stream.addEventListener("resumed", () => void tree.refreshCounts().then(refreshRootFact).catch(fail));
  stream.addEventListener("reset", (message) => {
    const { reason } = JSON.parse(message.data);
    notify(`the page fetched everything again: ${reason}`);
    void reload().catch(fail);
  });
  stream.addEventListener("status", (message) => renderStatus(JSON.parse(message.data)));
}

function setHosts(counts) {
  $("fact-hosts").replaceChildren(countsView(counts, "header"));
}

async function refreshRootFact() {
  const { counts } = await api("/api/counts?paths=/");
  if (counts["/"]) setHosts(counts["/"]);
}

async function reload() {
  const summary = await api("/api/summary");
  setRevision(summary.revision);
  setTypes(summary.types);
  setHosts(summary.counts);
  await tree.reloadAll();
  routeMayHaveMoved();
}

async function start() {
  const summary = await api("/api/summary");
  page.writes = summary.writes;
  page.host = summary.host;
  document.body.dataset.writes = String(summary.writes);
  views = new Views(summary.writes);
  tree = new Tree($("tree"), { api, views, fail });
  setAccess(summary);
  renderStatus(summary.status);
  setRevision(summary.revision);
  setHosts(summary.counts);
  setTypes(summary.types);
  $("route-from").value = summary.host;
  await tree.showRoot(summary.root, summary.revision);
  connect();
  pollAgents();

  document.body.addEventListener("click", onAction);
  $("search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    search($("search").value).catch(fail);
  });
  $("search-clear").addEventListener("click", () => {
    $("search").value = "";
    search("").catch(fail);
    $("search").focus();
  });
  $("route-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void explainRoute();
  });
  $("agents-form").addEventListener("submit", (e) => {
    e.preventDefault();
    agentsOffset = 0;
    void loadAgents();
  });
  $("agents-prev").addEventListener("click", () => ((agentsOffset = Math.max(0, agentsOffset - AGENTS_PAGE)), void loadAgents()));
  $("agents-next").addEventListener("click", () => ((agentsOffset += AGENTS_PAGE), void loadAgents()));
  $("promote-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void write("promote", { force: $("promote-force").checked });
  });
  document.body.dataset.ready = "true";
}

start().catch(fail);
