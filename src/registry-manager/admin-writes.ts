/**
 * The admin writes that more than one front door takes: the Registry
 * service (registry-service.ts) and the web console (manager-console.ts)
 * describe them here, and commit every write through `commitWrite`, so that
 * a maintenance set from the console is the very change `cairn host
 * maintenance` makes, cause included.
 */
import type { Logger } from "pino";
import { leavingManagersTheirOwn } from "./mutations/manager-records.js";
import { setMaintenance } from "./mutations/hosts.js";
import type { Mutation, SteppedMutation } from "./mutations/mutation.js";
import { restorePackage, withdrawPackage } from "./mutations/packages.js";
import type { CommitResult } from "./store-api.js";
import type { RegistryStore } from "./store.js";

/** A mutation of the store and its cause, as a request describes them (an import's is stepped). */
export interface Write<M extends SteppedMutation = Mutation> {
  mutation: M;
  /** For people, as the CLI would say it ("host add agent-9"). */
  cause: string;
}

export function maintenanceWrite(id: string, on: boolean): Write {
  return { mutation: setMaintenance(id, on), cause: `host maintenance ${id} ${on ? "on" : "off"}` };
}

export function withdrawWrite(host: string, type: string): Write {
  return { mutation: withdrawPackage(host, type), cause: `package withdraw ${host} ${type}` };
}

export function restoreWrite(host: string, type: string): Write {
  return { mutation: restorePackage(host, type), cause: `package restore ${host} ${type}` };
}

/**
 * A write of one admin request: it never touches what the running managers
 * keep of themselves (their hosts, their registry packages). Import has its
 * own rule (SPEC 7: a file moves such a host, and its registry package is
 * corrected to what is running), so it is committed without this.
 */
export function adminWrite(write: Write): Write {
  return { ...write, mutation: leavingManagersTheirOwn(write.mutation) };
}

/** Commits `write` with its expected revision and the caller's deadline (clock time). */
export async function commitWrite(
  store: RegistryStore,
  log: Logger,
  write: Write<SteppedMutation>,
  expectedRevision: number | undefined,
  deadline: number | undefined,
): Promise<CommitResult> {
  const result = await store.mutate(write.mutation, { expectedRevision, cause: write.cause, deadline });
  log.debug({ cause: write.cause, ...result }, "admin write");
  return result;
}
