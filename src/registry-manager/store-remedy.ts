import { CairnError, Code } from "../errors.js";

/** What an operator does about a damaged manager store, added to its DATA_LOSS. */
export function withRemedy(error: unknown): unknown {
  if (!(error instanceof CairnError) || error.code !== Code.DATA_LOSS) return error;
  return new CairnError(
    Code.DATA_LOSS,
    `${error.message}; move the folder aside and start this manager with an empty --data and --join PRIMARY to rebuild it from a peer, or restore the folder from a copy`,
  );
}
