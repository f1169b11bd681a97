import { describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.js";
import { PRIMARY_KEY, ROLE_KEY, startingRole } from "../../src/registry-manager/startup.js";
import { RegistryStore } from "../../src/registry-manager/store.js";
import { useTempDirs } from "../support/temp-dir.js";

describe("the role a manager starts in", () => {
  const tempDir = useTempDirs();

  async function initializedStore(): Promise<{ store: RegistryStore; dataDir: string }> {
    const dataDir = tempDir();
    const store = await RegistryStore.open(dataDir);
    await store.initialize("cluster-1", 1);
    return { store, dataDir };
  }

  it("a joiner stopped after its first snapshot but before it recorded a role comes back a backup, not a second primary", async () => {
    const { store, dataDir } = await initializedStore();
    try {
      const plan = await startingRole(store, { dataDir, join: "127.0.0.1:7400" }, silentLogger);
      expect(plan).toMatchObject({ role: "backup", primary: { address: "127.0.0.1:7400" }, bootstrap: false });
    } finally {
      await store.close();
    }
  });

  it("a bootstrapped store without a recorded role is its primary; a recorded role wins over the flags", async () => {
    const { store, dataDir } = await initializedStore();
    try {
      expect((await startingRole(store, { dataDir }, silentLogger)).role).toBe("primary");
      await store.setMeta({ [ROLE_KEY]: "primary", [PRIMARY_KEY]: { host: "m1", address: "127.0.0.1:1" } });
      expect((await startingRole(store, { dataDir, join: "127.0.0.1:7400" }, silentLogger)).role).toBe("primary");
    } finally {
      await store.close();
    }
  });
});
