import { compareSegments } from "../registry/model.js";
import { compareDepthThenPath, type DomainNode } from "./domain-tree.js";

/**
 * The orders in which a route visits domains (SPEC 4), over the index's
 * domain tree: the subtree bests that find the first `elsewhere` domain
 * without a scan, and the comparisons of whole routes and explanations.
 */

/** The best of `node`'s children's subtree bests, leaving out `excluded`. */
export function bestOfChildren(node: DomainNode, type: string, excluded: DomainNode | undefined): DomainNode | undefined {
  let best: DomainNode | undefined;
  for (const child of node.children.values()) {
    if (child === excluded) continue;
    const candidate = child.slots.get(type)?.best;
    if (candidate && (!best || compareDepthThenPath(candidate, best) < 0)) best = candidate;
  }
  return best;
}

/**
 * The first domain of the `elsewhere` tier from `origin`. For each lowest
 * common ancestor L on the chain, the nearest domain through L is the best
 * of L's other children's subtrees; the chain is climbed only while a
 * nearer one can still exist.
 */
export function nearestElsewhere(origin: DomainNode, type: string): DomainNode | undefined {
  let found: DomainNode | undefined;
  let foundDistance = Infinity;
  let excluded: DomainNode | undefined;
  for (let lca: DomainNode | undefined = origin; lca; excluded = lca, lca = lca.parent) {
    const up = origin.depth - lca.depth;
    // The nearest possible domain through lca is one of its children; at equal
    // distance a deeper lca, met earlier, wins.
    if (up + 1 >= foundDistance) break;
    const best = bestOfChildren(lca, type, excluded);
    if (!best) continue;
    const distance = up + best.depth - lca.depth;
    if (distance < foundDistance) {
      found = best;
      foundDistance = distance;
    }
  }
  return found;
}

/** Orders `elsewhere` domains: tree distance, then deeper common ancestor, then path. */
function elsewhereOrder(origin: DomainNode): (a: DomainNode, b: DomainNode) => number {
  return (a, b) => {
    const la = origin.commonDepth(a);
    const lb = origin.commonDepth(b);
    const da = a.depth - 2 * la;
    const db = b.depth - 2 * lb;
    return da - db || lb - la || compareSegments(a.segments, b.segments);
  };
}

/** Orders any domains as a route from `origin` visits them: own, ancestors nearest first, then elsewhere. */
export function domainOrder(origin: DomainNode): (a: DomainNode, b: DomainNode) => number {
  const rest = elsewhereOrder(origin);
  const rank = (x: DomainNode) => (x.isAncestorOrSelfOf(origin) ? origin.depth - x.depth : origin.depth + 1);
  return (a, b) => rank(a) - rank(b) || (rank(a) > origin.depth ? rest(a, b) : 0);
}

