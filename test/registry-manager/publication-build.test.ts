/**
 * A big change reaches readers through a new index built over later turns
 * (publication.ts): the build stops once it is dropped (a snapshot install,
 * a close), and its ops reach the index the one way every change does,
 * through RouteIndex.apply, with its checks.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Logger } from "pino";
import { emptyRegistry, newHost, type ChangeRecord, type Op } from "../../src/registry/model.js";
import { ITEMS_PER_SLICE } from "../../src/registry/steps.js";
import { WHOLE_CHANGE_MAX_OPS } from "../../src/wire/change-event.js";
import { RouteIndex } from "../../src/router/route-index.js";
import { Publication } from "../../src/registry-manager/publication.js";
import { FakeClock } from "../support/fake-clock.js";

const at = (revision: number) => ({ clusterId: "c", epoch: 1, revision, digest: Buffer.alloc(32) });

function bigChange(ops: Op[]): ChangeRecord {
  return { epoch: 1, revision: 1, digest: Buffer.alloc(32), ops, timeUnixMs: 0, cause: "import" };
}

const hosts = (count: number): Op[] => Array.from({ length: count }, (_, i): Op => ({ kind: "put-host", host: newHost(`h${i}`, "/") }));

async function turns(n = 20): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe("a big change's index build", () => {
  it("stops working once a reset drops it", async () => {
    const publication = new Publication(emptyRegistry(), at(0), [], new FakeClock(), undefined);
    const apply = vi.spyOn(RouteIndex.prototype, "apply");
    publication.durable([bigChange(hosts(WHOLE_CHANGE_MAX_OPS + 3 * ITEMS_PER_SLICE))]);
    publication.commitThrough(1, 1);
    const before = apply.mock.calls.length;
    publication.reset(emptyRegistry(), at(5));
    await turns();
    expect(apply.mock.calls.length).toBe(before);
    expect(publication.position.revision).toBe(5);
  });

  it("refuses ops a route index takes one at a time only in another order (a host before its domain)", async () => {
    const caught: unknown[] = [];
    const realSetImmediate = setImmediate;
    // The build's failure is thrown from a later turn (it stops the manager, loudly): caught here instead.
    vi.stubGlobal("setImmediate", (callback: () => void) =>
      realSetImmediate(() => {
        try {
          callback();
        } catch (error) {
          caught.push(error);
        }
      }),
    );
    const fatal = vi.fn();
    const logger = { fatal, error: vi.fn() } as unknown as Logger;
    const publication = new Publication(emptyRegistry(), at(0), [], new FakeClock(), logger);
    const ops: Op[] = [{ kind: "put-host", host: newHost("early", "/late") }, { kind: "put-domain", domain: { path: "/late" } }, ...hosts(WHOLE_CHANGE_MAX_OPS + ITEMS_PER_SLICE)];
    publication.durable([bigChange(ops)]);
    publication.commitThrough(1, 1);
    await turns();
    expect(fatal).toHaveBeenCalledTimes(1);
    expect(String(caught[0])).toMatch(/host early placed in missing domain \/late/);
    expect(publication.position.revision).toBe(0);
  });
});
