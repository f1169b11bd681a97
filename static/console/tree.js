// The domain tree of the cairn console: collapsed, each domain's subdomains and
// hosts fetched when it is opened (a page at a time), and patched in place by
// the change events: only the rows and counters the page holds are touched.
// Every view remembers the revision it shows, and an update older than that
// is ignored, so fetches and events may arrive in any order.

const PAGE = 100;
const LIVENESS = ["up", "down", "unknown"];

/** An element: h("td", { class: "x", "data-testid": "y" }, child, "text", …). */
export function h(tag, attributes = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "hidden") el.hidden = true;
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function plural(n, word, many = `${word}s`) {
  return `${n.toLocaleString("en")} ${n === 1 ? word : many}`;
}

/** A liveness as a coloured badge that also says it in words. */
export function livenessBadge(status, testid) {
  return h("span", { class: `badge ${LIVENESS.includes(status) ? status : "unknown"}`, "data-testid": testid }, status);
}

/** A domain's counts: every number with its word, zeros muted but present (rows do not jump). */
export function countsView(counts, path) {
  const el = h("span", { class: "counts", "data-testid": `counts-${path}` });
  fillCounts(el, counts);
  return el;
}

function fillCounts(el, counts) {
  if (!counts) {
    el.replaceChildren(h("span", { class: "muted" }, "gone"));
    return;
  }
  const badge = (cls, n, word) => h("span", { class: `badge ${cls}${n === 0 ? " zero" : ""}`, "data-count": cls }, `${n.toLocaleString("en")} ${word}`);
  el.replaceChildren(
    h("span", { class: "total", "data-count": "hosts" }, plural(counts.hosts, "host")),
    badge("up", counts.up, "up"),
    badge("down", counts.down, "down"),
    badge("unknown", counts.unknown, "unknown"),
    badge("maint", counts.maintenance, "in maintenance"),
  );
}

function packageItem(host, pkg, writes) {
  const usable = pkg.state === "enabled" && pkg.health === "healthy";
  const words = [pkg.state, pkg.health, pkg.role].filter(Boolean).join(", ");
  const action =
    writes &&
    h(
      "button",
      {
        type: "button",
        class: "small",
        "data-action": pkg.state === "enabled" ? "withdraw" : "restore",
        "data-host": host.id,
        "data-type": pkg.type,
        "data-testid": `action-${pkg.state === "enabled" ? "withdraw" : "restore"}-${host.id}-${pkg.type}`,
      },
      pkg.state === "enabled" ? "Withdraw" : "Restore",
      h("span", { class: "sr" }, ` ${pkg.type} on ${host.id}`),
    );
  return h(
    "li",
    { class: `pkg ${usable ? "ok" : pkg.state === "withdrawn" ? "withdrawn" : "bad"}`, "data-testid": `pkg-${host.id}-${pkg.type}` },
    h("span", { class: "pkg-type" }, pkg.type),
    h("span", { class: "pkg-port" }, `:${pkg.port}`),
    pkg.priority ? h("span", { class: "muted" }, ` p${pkg.priority}`) : null,
    " ",
    h("span", { class: "pkg-state" }, words),
    action ? " " : null,
    action,
  );
}

export const HOST_HEADERS = ["Host", "Liveness", "Maintenance", "Packages"];

/** A host's table row, with write buttons only when the page may write. */
export function hostRowElement(host, writes) {
  const packages = host.packages.length
    ? h("ul", { class: "pkgs" }, host.packages.map((p) => packageItem(host, p, writes)))
    : h("span", { class: "muted" }, "no packages");
  return h(
    "tr",
    { "data-host": host.id, "data-testid": `host-${host.id}` },
    h("th", { scope: "row" }, h("span", { class: "host-id" }, host.id), " ", h("span", { class: "addr" }, host.address)),
    h("td", {}, livenessBadge(host.status, `liveness-${host.id}`)),
    h(
      "td",
      { "data-testid": `maintenance-${host.id}` },
      host.maintenance ? h("span", { class: "badge maint" }, "in maintenance") : h("span", { class: "muted" }, "no"),
      writes
        ? [
            " ",
            h(
              "button",
              { type: "button", class: "small", "data-action": "maintenance", "data-host": host.id, "data-on": String(!host.maintenance), "data-testid": `action-maintenance-${host.id}` },
              host.maintenance ? "End maintenance" : "Start maintenance",
              h("span", { class: "sr" }, ` on ${host.id}`),
            ),
          ]
        : null,
    ),
    h("td", {}, packages),
  );
}

export function hostTable(caption, writes) {
  return h(
    "table",
    { class: "hosts" },
    h("caption", { class: "sr" }, caption),
    h("thead", {}, h("tr", {}, HOST_HEADERS.map((t) => h("th", { scope: "col" }, t)))),
    h("tbody"),
  );
}

/**
 * The views the page holds, by host id and by domain path, so that an
 * event reaches exactly the rows and counters on screen.
 */
export class Views {
  constructor(writes) {
    this.writes = writes;
    /** id → Set of { tr, rev, owner } */
    this.hosts = new Map();
    /** path → Set of { el, rev } */
    this.counters = new Map();
  }

  addHost(row, rev, owner) {
    const view = { tr: hostRowElement(row, this.writes), rev, owner };
    let set = this.hosts.get(row.id);
    if (!set) this.hosts.set(row.id, (set = new Set()));
    set.add(view);
    return view;
  }

  dropHost(view, id) {
    const set = this.hosts.get(id);
    set?.delete(view);
    if (set?.size === 0) this.hosts.delete(id);
  }

  addCounter(path, counts, rev) {
    const view = { el: countsView(counts, path), rev };
    let set = this.counters.get(path);
    if (!set) this.counters.set(path, (set = new Set()));
    set.add(view);
    return view;
  }

  dropCounter(view, path) {
    const set = this.counters.get(path);
    set?.delete(view);
    if (set?.size === 0) this.counters.delete(path);
  }

  /** A host as of `rev`: each of its rows is redrawn, keeping the focus on the button it was on. */
  patchHost(row, rev) {
    for (const view of this.hosts.get(row.id) ?? []) {
      if (rev <= view.rev) continue;
      if (view.owner && view.owner.path !== row.domain) continue; // moved away: its old domain drops it (lists)
      const focused = view.tr.contains(document.activeElement) ? document.activeElement.dataset.testid : undefined;
      const next = hostRowElement(row, this.writes);
      view.tr.replaceWith(next);
      view.tr = next;
      view.rev = rev;
      if (focused) next.querySelector(`[data-testid="${CSS.escape(focused)}"]`)?.focus();
    }
  }

  /** A host removed: its rows say so and stay until their list is fetched again. */
  markRemoved(id, rev) {
    for (const view of this.hosts.get(id) ?? []) {
      if (rev <= view.rev) continue;
      view.tr.classList.add("removed");
      view.tr.querySelectorAll("button").forEach((b) => (b.disabled = true));
      view.tr.cells[1]?.replaceChildren(h("span", { class: "badge unknown" }, "removed"));
      view.rev = rev;
    }
  }

  patchCounts(path, counts, rev) {
    for (const view of this.counters.get(path) ?? []) {
      if (rev <= view.rev) continue;
      fillCounts(view.el, counts);
      view.rev = rev;
    }
  }
}

/** One domain of the tree: its line, and once opened its hosts and subdomains. */
class DomainView {
  constructor(tree, row, rev) {
    this.tree = tree;
    this.path = row.path;
    this.expanded = false;
    this.children = new Map();
    this.hostViews = [];
    this.counter = tree.views.addCounter(row.path, row.counts, rev);
    const name = row.path === "/" ? "/ (root)" : row.path.slice(row.path.lastIndexOf("/") + 1);
    this.toggle = h(
      "button",
      { type: "button", class: "toggle", "aria-expanded": "false", "data-testid": `toggle-${row.path}`, title: row.path },
      h("span", { class: "chev", "aria-hidden": "true" }),
      h("span", { class: "name" }, name),
    );
    this.sizes = h("span", { class: "sizes muted" });
    this.setSizes(row);
    this.body = h("div", { class: "domain-body", hidden: true });
    this.li = h("li", { class: "domain", "data-path": row.path, "data-testid": `domain-${row.path}` }, h("div", { class: "domain-line" }, this.toggle, this.counter.el, this.sizes), this.body);
    this.toggle.addEventListener("click", () => (this.expanded ? this.collapse() : this.expand()).catch((e) => tree.fail(e)));
  }

  setSizes(row) {
    const parts = [];
    if (row.subdomains) parts.push(plural(row.subdomains, "subdomain"));
    if (row.hosts) parts.push(plural(row.hosts, "own host"));
    this.sizes.textContent = parts.length ? `(${parts.join(", ")})` : "(empty)";
  }

  async expand() {
    if (this.expanded) return;
    this.expanded = true;
    this.toggle.setAttribute("aria-expanded", "true");
    this.body.hidden = false;
    this.body.replaceChildren(h("p", { class: "muted" }, "loading…"));
    this.hostsShown = PAGE;
    this.childrenShown = PAGE;
    await this.refresh();
  }

  async collapse() {
    this.expanded = false;
    this.toggle.setAttribute("aria-expanded", "false");
    this.clear();
    this.body.hidden = true;
  }

  /** Forgets what the body showed: its rows and subtrees stop being patched. */
  clear() {
    for (const view of this.hostViews) this.tree.views.dropHost(view, view.tr.dataset.host);
    this.hostViews = [];
    for (const child of this.children.values()) child.destroy();
    this.children.clear();
    this.body.replaceChildren();
  }

  destroy() {
    this.clear();
    this.tree.views.dropCounter(this.counter, this.path);
    this.tree.domains.delete(this.path);
    this.li.remove();
  }

  /** Fetches what the body shows (the pages already shown, not more) and redraws it, keeping opened subdomains. */
  async refresh() {
    if (!this.expanded) return;
    const q = encodeURIComponent(this.path);
    const [hosts, children] = await Promise.all([
      this.tree.api(`/api/hosts?domain=${q}&limit=${Math.min(this.hostsShown, 500)}`),
      this.tree.api(`/api/children?path=${q}&limit=${Math.min(this.childrenShown, 500)}`),
    ]);
    if (!this.expanded) return;
    this.renderHosts(hosts);
    this.renderChildren(children);
    this.setSizes({ subdomains: children.total, hosts: hosts.total });
    this.body.querySelector(":scope > p.muted")?.remove();
  }

  renderHosts(page) {
    for (const view of this.hostViews) this.tree.views.dropHost(view, view.tr.dataset.host);
    this.hostViews = [];
    this.hostBlock?.remove();
    if (page.total === 0) return;
    const table = hostTable(`Hosts of ${this.path}`, this.tree.views.writes);
    const tbody = table.tBodies[0];
    for (const row of page.rows) {
      const view = this.tree.views.addHost(row, page.revision, this);
      this.hostViews.push(view);
      tbody.append(view.tr);
    }
    const more = page.total > page.rows.length && h("button", { type: "button", class: "more", "data-testid": `more-hosts-${this.path}` }, `Show ${Math.min(PAGE, page.total - page.rows.length)} more of ${plural(page.total, "host")}`);
    if (more) more.addEventListener("click", () => ((this.hostsShown += PAGE), this.refresh().catch((e) => this.tree.fail(e))));
    this.hostBlock = h("div", { class: "host-block" }, table, more);
    this.body.prepend(this.hostBlock);
  }

  renderChildren(page) {
    this.childBlock ??= h("ul", { class: "children" });
    const keep = new Set(page.rows.map((r) => r.path));
    for (const [path, child] of this.children) {
      if (!keep.has(path)) {
        child.destroy();
        this.children.delete(path);
      }
    }
    for (const row of page.rows) {
      let child = this.children.get(row.path);
      if (child) {
        this.tree.views.patchCounts(row.path, row.counts, page.revision);
        child.setSizes(row);
      } else {
        child = new DomainView(this.tree, row, page.revision);
        this.children.set(row.path, child);
        this.tree.domains.set(row.path, child);
      }
      this.childBlock.append(child.li); // in order: moves an existing one
    }
    this.moreChildren?.remove();
    this.moreChildren = page.total > page.rows.length && h("button", { type: "button", class: "more" }, `Show ${Math.min(PAGE, page.total - page.rows.length)} more of ${plural(page.total, "subdomain")}`);
    if (this.moreChildren) this.moreChildren.addEventListener("click", () => ((this.childrenShown += PAGE), this.refresh().catch((e) => this.tree.fail(e))));
    this.body.append(this.childBlock);
    if (this.moreChildren) this.body.append(this.moreChildren);
  }
}

export class Tree {
  /** `api(path)` fetches JSON; `fail(error)` tells the user. */
  constructor(container, { api, views, fail }) {
    this.container = container;
    this.api = api;
    this.views = views;
    this.fail = fail;
    this.domains = new Map();
    this.stale = new Set();
    this.refreshing = undefined;
  }

  async showRoot(row, rev) {
    for (const view of this.domains.values()) view.destroy();
    this.domains.clear();
    const root = new DomainView(this, row, rev);
    this.domains.set("/", root);
    this.container.replaceChildren(h("ul", { class: "children root" }, root.li));
    await root.expand();
  }

  /** Applies a change event to what is on screen. */
  patch(event) {
    if (event.reload) return this.reloadAll();
    for (const row of event.hosts) this.views.patchHost(row, event.revision);
    for (const id of event.removed) this.views.markRemoved(id, event.revision);
    for (const [path, counts] of Object.entries(event.counts ?? {})) this.views.patchCounts(path, counts, event.revision);
    for (const path of event.lists) if (this.domains.get(path)?.expanded) this.stale.add(path);
    this.flush();
  }

  /** Fetches the lists that changed, a batch at a time (a burst of changes costs one fetch per domain). */
  flush() {
    if (this.refreshing || this.stale.size === 0) return;
    const paths = [...this.stale];
    this.stale.clear();
    this.refreshing = Promise.all(paths.map((p) => this.domains.get(p)?.refresh()))
      .catch((e) => this.fail(e))
      .finally(() => {
        this.refreshing = undefined;
        this.flush();
      });
  }

  /** Everything shown is fetched again (a reset, or a change too large to tell row by row). */
  async reloadAll() {
    for (const [path, view] of this.domains) if (view.expanded) this.stale.add(path);
    this.flush();
    await this.refreshCounts();
  }

  /** The counts of every domain shown, fetched again (after a resumed stream: replayed changes carry none). */
  async refreshCounts() {
    const paths = [...this.views.counters.keys()];
    for (let i = 0; i < paths.length; i += 100) {
      const chunk = paths.slice(i, i + 100);
      const answer = await this.api(`/api/counts?paths=${chunk.map(encodeURIComponent).join(",")}`);
      for (const [path, counts] of Object.entries(answer.counts)) this.views.patchCounts(path, counts, answer.revision);
    }
  }

  /** Opens every domain down to `path` and brings it into view. */
  async reveal(path) {
    const segments = path === "/" ? [] : path.slice(1).split("/");
    let current = "/";
    await this.domains.get("/")?.expand();
    for (const segment of segments) {
      current = current === "/" ? `/${segment}` : `${current}/${segment}`;
      const view = this.domains.get(current);
      if (!view) throw new Error(`domain ${current} is not among the first subdomains shown; search for it by its full path`);
      await view.expand();
    }
    const view = this.domains.get(path);
    view?.li.scrollIntoView({ block: "nearest" });
    view?.toggle.focus();
  }
}
