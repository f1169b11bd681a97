/** The write of a manager type's routing policy. */

import { POLICIES } from "../../registry/model.js";
import type { Policy } from "../../registry/model.js";
import { typeNameProblem } from "../../registry/names.js";
import { type Mutation } from "./mutation.js";
import { oneOfProblem, requireValid } from "./problems.js";

/**
 * Sets the routing policy of a manager type. Setting `ordered` (the default)
 * on a type without a record still writes one: a type record makes the type
 * known to routes and exports, so it is a change.
 */
export function setTypePolicy(type: string, policy: Policy): Mutation {
  return (state) => {
    requireValid(typeNameProblem(type), oneOfProblem(policy, POLICIES, `policy of type "${type}"`));
    if (state.types.get(type)?.policy === policy) return [];
    return [{ kind: "put-type", type: { name: type, policy } }];
  };
}
