import { DBOS } from "@dbos-inc/dbos-sdk";
import { createTestDatabase, type TestDatabase } from "@mcp/db/testing";

/** DBOS Transact in this process, on its own fresh database on the same PostgreSQL. */
export interface DbosPeer {
  /** Starts the N-step noop workflow and awaits its result. */
  run(steps: number): Promise<void>;
  stop(): Promise<void>;
}

type Chain = (steps: number, x: string) => Promise<string>;
let registered: Chain | undefined;

/** The N-step noop workflow, registered with DBOS once per process (it refuses a second registration). */
function noopChain(): Chain {
  registered ??= DBOS.registerWorkflow(
    async (steps: number, x: string) => {
      let value = x;
      for (let i = 0; i < steps; i++) {
        const input = value;
        value = await DBOS.runStep(async () => input, { name: `s${i}` });
      }
      return value;
    },
    { name: "noopChain" },
  );
  return registered;
}

/**
 * The peer side of the per-step comparison: one registered workflow whose steps are
 * `DBOS.runStep(async () => x)` noops, each checkpointed in DBOS's system database.
 */
export async function startDbosPeer(): Promise<DbosPeer> {
  const db: TestDatabase = await createTestDatabase("mcp_bench_dbos");
  const chain = noopChain();
  DBOS.setConfig({ name: "mcp-bench-peer", systemDatabaseUrl: db.url, logLevel: "error" });
  await DBOS.launch();
  return {
    async run(steps) {
      const handle = await DBOS.startWorkflow(chain)(steps, "bench");
      if ((await handle.getResult()) !== "bench") throw new Error("DBOS workflow returned a wrong value");
    },
    async stop() {
      await DBOS.shutdown();
      await db.drop();
    },
  };
}
