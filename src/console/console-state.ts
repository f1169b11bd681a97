/**
 * The console's derived state: the tree model (tree-model.ts), built at the
 * first console request (a manager nobody looks at pays nothing per
 * change) and kept current by the store's committed changes from then on,
 * and the events those changes make for the pages.
 */
import type { ChangeRecord } from "../registry/model.js";
import { liveEvent, reloadEvent, type ChangeEvent } from "./change-events.js";
import type { ConsoleSource } from "./console-source.js";
import { TreeModel } from "./tree-model.js";

/** What the stream tells the pages of the registry moving. */
export type StateEvent =
  | { kind: "change"; event: ChangeEvent }
  /** The registry was replaced (a backup's resync from a snapshot): a page fetches everything again. */
  | { kind: "reset"; revision: number };

/**
 * A change of more ops than this (an import) rebuilds the model from the
 * registry, which holds the change already: one pass over the hosts costs
 * less than walking each one's ancestors.
 */
export const REBUILD_OPS = 5_000;

export class ConsoleState {
  private current: TreeModel | undefined;
  private unsubscribe: (() => void) | undefined;
  /** Each listener, with whether it wants events now (an event stream with no reader does not). */
  private readonly listeners = new Map<(event: StateEvent) => void, () => boolean>();

  constructor(private readonly source: ConsoleSource) {}

  /** The model as of the committed registry now (built or rebuilt when needed). */
  model(): TreeModel {
    if (!this.current) {
      this.current = this.build();
      this.unsubscribe = this.source.subscribe((change) => this.changed(change));
    } else if (this.current.registry !== this.source.registry()) {
      this.rebuild();
    }
    return this.current;
  }

  /** Stops following the store and drops the model (the console's server stopped). */
  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.current = undefined;
    this.listeners.clear();
  }

  /** Calls `listener` with every event from now on; the returned function stops it. */
  onEvent(listener: (event: StateEvent) => void, wanted: () => boolean = () => true): () => void {
    this.listeners.set(listener, wanted);
    return () => this.listeners.delete(listener);
  }

  private build(): TreeModel {
    return TreeModel.build(this.source.registry(), this.source.position().revision);
  }

  private rebuild(): void {
    this.current = this.build();
    const { revision } = this.current;
    this.tell(() => ({ kind: "reset", revision }));
  }

  private changed(change: ChangeRecord): void {
    const model = this.current!;
    // The registry holds the change already (console-source.ts); another registry object is a snapshot installed.
    if (model.registry !== this.source.registry() || change.revision !== model.revision + 1) {
      this.rebuild();
      return;
    }
    if (change.ops.length > REBUILD_OPS) {
      this.current = TreeModel.build(this.source.registry(), change.revision);
      this.tell(() => ({ kind: "change", event: reloadEvent(change) }));
      return;
    }
    const effect = model.apply(change);
    this.tell(() => ({ kind: "change", event: liveEvent(change, effect, model) }));
  }

  /** The model is kept current either way; the event is built only when someone wants it. */
  private tell(make: () => StateEvent): void {
    let event: StateEvent | undefined;
    for (const [listener, wanted] of this.listeners) if (wanted()) listener((event ??= make()));
  }
}
