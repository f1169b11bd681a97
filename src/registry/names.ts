/** The name rules of SPEC section 1, in one place. */

import { invalidArgument } from "../errors.js";

export const SEGMENT_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;
export const HOST_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,252}$/;
export const MAX_PATH_SEGMENTS = 32;
export const MAX_LABELS = 64;
export const MAX_LABEL_KEY_LENGTH = 63;
export const MAX_LABEL_VALUE_LENGTH = 253;
export const MAX_PACKAGES_PER_HOST = 64;
export const MAX_ADDRESS_LENGTH = 253;

/** Returns why `path` is not a valid domain path, or undefined when it is. */
export function domainPathProblem(path: string): string | undefined {
  if (path === "/") return undefined;
  if (!path.startsWith("/")) return `domain path "${path}" must start with "/"`;
  const segments = path.slice(1).split("/");
  if (segments.length > MAX_PATH_SEGMENTS) {
    return `domain path "${path}" has ${segments.length} segments, more than ${MAX_PATH_SEGMENTS}`;
  }
  for (const segment of segments) {
    const problem = segmentProblem(segment, "domain segment");
    if (problem) return `${problem} in "${path}"`;
  }
  return undefined;
}

export function segmentProblem(segment: string, what: string): string | undefined {
  return SEGMENT_PATTERN.test(segment) ? undefined : `${what} "${segment}" must match ${SEGMENT_PATTERN.source}`;
}

export function hostIdProblem(id: string): string | undefined {
  return HOST_ID_PATTERN.test(id) ? undefined : `host id "${id}" must match ${HOST_ID_PATTERN.source}`;
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

export function addressProblem(address: string): string | undefined {
  if (address.length === 0 || address.length > MAX_ADDRESS_LENGTH || /[\s/]/.test(address)) {
    return `address "${address}" must be a host name or IP address`;
  }
  return undefined;
}

export function labelProblem(key: string, value: string): string | undefined {
  if (!/^[a-zA-Z0-9][a-zA-Z0-9._/-]*$/.test(key) || key.length > MAX_LABEL_KEY_LENGTH) {
    return `label key "${key}" must be 1-${MAX_LABEL_KEY_LENGTH} characters of letters, digits, ".", "_", "-", "/"`;
  }
  if (value.length > MAX_LABEL_VALUE_LENGTH) {
    return `label "${key}" value is longer than ${MAX_LABEL_VALUE_LENGTH} characters`;
  }
  return undefined;
}
