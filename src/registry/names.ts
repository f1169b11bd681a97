/** The name rules of SPEC section 1, in one place. */

import { isIP } from "node:net";
import { DEFAULT_ADDRESS } from "./model.js";
import { invalidArgument, quote } from "../errors.js";

export const SEGMENT_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;
export const HOST_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,252}$/;
export const MAX_PATH_SEGMENTS = 32;
export const MAX_LABELS = 64;
export const MAX_LABEL_KEY_LENGTH = 63;
export const MAX_LABEL_VALUE_LENGTH = 253;
export const MAX_PACKAGES_PER_HOST = 64;
export const MAX_ADDRESS_LENGTH = 253;
/** The longest host id (SPEC 1) and domain path (32 segments of 63, and their slashes). */
export const MAX_HOST_ID_LENGTH = 253;
export const MAX_PATH_LENGTH = MAX_PATH_SEGMENTS * 64;
/**
 * One label of a DNS name (RFC 1123, and underscores, common in internal
 * DNS); a name whose last label is all digits is a mistyped IP, not a name.
 */
const DNS_LABEL = /^[a-zA-Z0-9_](?:[a-zA-Z0-9_-]{0,61}[a-zA-Z0-9_])?$/;
/** The unspecified addresses: a server may bind them, nobody can dial them. */
const UNSPECIFIED_ADDRESSES: ReadonlySet<string> = new Set(["0.0.0.0", "::", "0:0:0:0:0:0:0:0"]);

/** Returns why `path` is not a valid domain path, or undefined when it is. */
export function domainPathProblem(path: string): string | undefined {
  if (path === "/") return undefined;
  if (!path.startsWith("/")) return `domain path ${quote(path)} must start with "/"`;
  if (path.length > MAX_PATH_LENGTH) return `domain path ${quote(path)} is longer than ${MAX_PATH_LENGTH} characters`;
  const segments = path.slice(1).split("/");
  if (segments.length > MAX_PATH_SEGMENTS) {
    return `domain path ${quote(path)} has ${segments.length} segments, more than ${MAX_PATH_SEGMENTS}`;
  }
  for (const segment of segments) {
    const problem = segmentProblem(segment, "domain segment");
    if (problem) return `${problem} in ${quote(path)}`;
  }
  return undefined;
}

export function segmentProblem(segment: string, what: string): string | undefined {
  return SEGMENT_PATTERN.test(segment) ? undefined : `${what} ${quote(segment)} must match ${SEGMENT_PATTERN.source}`;
}

export function hostIdProblem(id: string): string | undefined {
  if (id.length > MAX_HOST_ID_LENGTH) return `host id ${quote(id)} is longer than ${MAX_HOST_ID_LENGTH} characters`;
  return HOST_ID_PATTERN.test(id) ? undefined : `host id ${quote(id)} must match ${HOST_ID_PATTERN.source}`;
}

/** Throws INVALID_ARGUMENT when `id` is not a host id. */
export function checkHostId(id: string): void {
  const problem = hostIdProblem(id);
  if (problem) throw invalidArgument(problem);
}

export function typeNameProblem(type: string): string | undefined {
  return segmentProblem(type, "package type");
}

export function portProblem(port: number): string | undefined {
  return Number.isInteger(port) && port >= 1 && port <= 65535
    ? undefined
    : `port ${port} must be an integer from 1 to 65535`;
}

export function priorityProblem(priority: number): string | undefined {
  return Number.isSafeInteger(priority) && Math.abs(priority) <= 2 ** 31 - 1
    ? undefined
    : `priority ${priority} must be a 32-bit integer`;
}

/** A type's health threshold (SPEC 13): a share of its packages, 0 to 1. */
export function minHealthyProblem(minHealthy: number): string | undefined {
  return Number.isFinite(minHealthy) && minHealthy >= 0 && minHealthy <= 1
    ? undefined
    : `min_healthy ${minHealthy} must be a number from 0 to 1`;
}

/**
 * A host's address is where its packages listen, without a port (each
 * package has its own): an IP address (`node:net` decides) other than an
 * unspecified one, or a DNS name.
 */
export function addressProblem(address: string): string | undefined {
  const what = `address ${quote(address)}`;
  if (address.length === 0) return `${what} must be a host name or IP address`;
  if (address.length > MAX_ADDRESS_LENGTH) return `${what} is longer than ${MAX_ADDRESS_LENGTH} characters`;
  if (isIP(address) !== 0) {
    return UNSPECIFIED_ADDRESSES.has(address) ? `${what} is unspecified (any address): give one others can reach` : undefined;
  }
  if (/^(?:\[.*\]|[^:]+):\d+$/.test(address)) {
    return `${what} must be a host name or IP address without a port (each package has its own --port)`;
  }
  const labels = address.replace(/\.$/, "").split(".");
  if (!labels.every((label) => DNS_LABEL.test(label)) || /^\d+$/.test(labels[labels.length - 1]!)) {
    return `${what} must be a host name or IP address`;
  }
  return undefined;
}

/** The address to register for a server bound to `host`: an unspecified one is reachable on loopback. */
export function dialableAddress(host: string, fallback: string): string {
  return UNSPECIFIED_ADDRESSES.has(host) ? fallback : host;
}

export function labelProblem(key: string, value: string): string | undefined {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9._/-]*$/.test(key) || key.length > MAX_LABEL_KEY_LENGTH) {
    return `label key ${quote(key)} must be 1-${MAX_LABEL_KEY_LENGTH} characters of letters, digits, ".", "_", "-", "/"`;
  }
  if (value.length > MAX_LABEL_VALUE_LENGTH) {
    return `label ${quote(key)} value is longer than ${MAX_LABEL_VALUE_LENGTH} characters`;
  }
  return undefined;
}

/** Server addresses (`--manager`, `--coordinator`, a context's managers): HOST:PORT, an IPv6 host in brackets, the port 1 to 65535. */
/** A DNS name or an IPv4 address: letters, digits, dots, hyphens, underscores. */
const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;
/** What may stand in brackets: hex digits, colons, an embedded IPv4, a zone. */
const IPV6 = /^[0-9A-Fa-f:.]+(?:%[A-Za-z0-9_.-]+)?$/;


/** Why `address` is not HOST:PORT, or undefined when it is. */
export function hostPortProblem(address: string): string | undefined {
  const bad = `${JSON.stringify(address)} is not HOST:PORT`;
  let host: string;
  let port: string;
  if (address.startsWith("[")) {
    const close = address.indexOf("]");
    if (close < 0 || address[close + 1] !== ":") return bad;
    host = address.slice(1, close);
    port = address.slice(close + 2);
    if (!IPV6.test(host) || !host.includes(":")) return bad;
  } else {
    const colon = address.lastIndexOf(":");
    if (colon < 0) return bad;
    host = address.slice(0, colon);
    port = address.slice(colon + 1);
    if (!HOST_NAME.test(host)) return bad;
  }
  if (!/^\d{1,5}$/.test(port)) return bad;
  const n = Number(port);
  if (portProblem(n) !== undefined) return bad;
  return undefined;
}

/** The host part of a listen address, without IPv6 brackets; `fallback` for `:PORT`. */
export function listenHost(listen: string, fallback = DEFAULT_ADDRESS): string {
  const cut = listen.lastIndexOf(":");
  const host = cut < 0 ? listen : listen.slice(0, cut);
  return host.replace(/^\[|\]$/g, "") || fallback;
}
