/** The write of a manager type's routing settings: its policy and its health threshold. */

import { invalidArgument } from "../../errors.js";
import { POLICIES } from "../../registry/model.js";
import type { Policy, TypeRecord } from "../../registry/model.js";
import { minHealthyProblem, typeNameProblem } from "../../registry/names.js";
import { type Mutation } from "./mutation.js";
import { oneOfProblem, prefixed, requireValid } from "./problems.js";
import { sameType } from "./records.js";

export interface TypeEdit {
  /** Undefined: unchanged (`ordered` for a type without a record). */
  policy?: Policy;
  /** 0 to 1. Undefined: unchanged (none for a type without a record). */
  minHealthy?: number;
}

/**
 * Sets the routing policy of a manager type. Setting `ordered` (the default)
 * on a type without a record still writes one: a type record makes the type
 * known to routes and exports, so it is a change.
 */
export function setTypePolicy(type: string, policy: Policy): Mutation {
  return setType(type, { policy });
}

/**
 * Sets what `edit` names of a type's settings, keeping the others. An edit
 * that names nothing is INVALID_ARGUMENT (a caller's slip, not a no-op to
 * hide). A min_healthy of 0 is kept as written: it reads as "never spill",
 * the same as none, but an operator who wrote it sees it in an export.
 */
export function setType(type: string, edit: TypeEdit): Mutation {
  return (state) => {
    const { policy, minHealthy } = edit;
    requireValid(
      typeNameProblem(type),
      policy === undefined ? undefined : oneOfProblem(policy, POLICIES, `policy of type "${type}"`),
      minHealthy === undefined ? undefined : prefixed(`type "${type}"`, minHealthyProblem(minHealthy)),
    );
    if (policy === undefined && minHealthy === undefined) {
      throw invalidArgument(`type "${type}": nothing to set; give a policy, a min_healthy or both`);
    }
    const existing = state.types.get(type);
    const next: TypeRecord = { name: type, policy: policy ?? existing?.policy ?? "ordered" };
    // -0 is written as 0: JSON (the store, an export) cannot tell them apart.
    const threshold = minHealthy === 0 ? 0 : (minHealthy ?? existing?.minHealthy);
    if (threshold !== undefined) next.minHealthy = threshold;
    if (sameType(existing, next)) return [];
    return [{ kind: "put-type", type: next }];
  };
}
