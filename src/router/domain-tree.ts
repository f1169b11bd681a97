import { CairnError, Code } from "../errors.js";
import { compareSegments, parentPath, pathSegments, ROOT_PATH } from "../registry/model.js";

/**
 * The available packages of one type in one domain, sorted by
 * `(priority, host id)`, how many of the domain's packages of the type count
 * in a spill share, and the best occupied domain of the subtree.
 */
export interface TypeSlot {
  entries: Entry[];
  /**
   * The domain's packages of the type that are enabled on hosts not in
   * maintenance, available or not (countsInShare): the denominator of a
   * tier's share (SPEC 13). Never below `entries.length`.
   */
  enabled: number;
  /**
   * The occupied domain (non-empty `entries`) in this node's subtree,
   * itself included, that is shallowest, then first by path. The search for
   * the first `elsewhere` candidate descends through it instead of scanning
   * every domain.
   */
  best: DomainNode | undefined;
}

/** An available package, as a route lists it. */
export interface Entry {
  host: string;
  domain: string;
  endpoint: string;
  priority: number;
}

export class DomainNode {
  readonly segments: readonly string[];
  readonly depth: number;
  readonly children = new Map<string, DomainNode>();
  readonly hosts = new Set<string>();
  readonly slots = new Map<string, TypeSlot>();

  constructor(
    readonly path: string,
    readonly parent: DomainNode | undefined,
  ) {
    this.segments = pathSegments(path);
    this.depth = this.segments.length;
  }

  slot(type: string): TypeSlot {
    let slot = this.slots.get(type);
    if (!slot) {
      slot = { entries: [], enabled: 0, best: undefined };
      this.slots.set(type, slot);
    }
    return slot;
  }

  /** True when `this` is `other` or one of its ancestors. */
  isAncestorOrSelfOf(other: DomainNode): boolean {
    if (this.depth > other.depth) return false;
    for (let i = 0; i < this.depth; i++) if (this.segments[i] !== other.segments[i]) return false;
    return true;
  }

  /** Depth of the lowest common ancestor of `this` and `other`. */
  commonDepth(other: DomainNode): number {
    const n = Math.min(this.depth, other.depth);
    let i = 0;
    while (i < n && this.segments[i] === other.segments[i]) i++;
    return i;
  }
}

/** The domain tree: nodes by path, with parent and children links. */
export class DomainTree {
  readonly nodes = new Map<string, DomainNode>();
  readonly root: DomainNode;

  constructor() {
    this.root = new DomainNode(ROOT_PATH, undefined);
    this.nodes.set(ROOT_PATH, this.root);
  }

  get(path: string): DomainNode | undefined {
    return this.nodes.get(path);
  }

  add(path: string): DomainNode {
    const existing = this.nodes.get(path);
    if (existing) return existing;
    const parent = this.nodes.get(parentPath(path) ?? "");
    if (!parent) throw inconsistent(`domain ${path} added before its parent`);
    const node = new DomainNode(path, parent);
    parent.children.set(path, node);
    this.nodes.set(path, node);
    return node;
  }

  remove(path: string): DomainNode | undefined {
    const node = this.nodes.get(path);
    if (!node) return undefined;
    if (!node.parent) throw inconsistent("the root domain cannot be deleted");
    if (node.children.size > 0 || node.hosts.size > 0) throw inconsistent(`domain ${path} deleted while not empty`);
    node.parent.children.delete(path);
    this.nodes.delete(path);
    return node;
  }
}

/** Orders candidate domains of one subtree: shallowest first, then by path. */
export function compareDepthThenPath(a: DomainNode, b: DomainNode): number {
  return a.depth - b.depth || compareSegments(a.segments, b.segments);
}

export function inconsistent(message: string): CairnError {
  return new CairnError(Code.INTERNAL, `registry change out of order: ${message}`);
}
