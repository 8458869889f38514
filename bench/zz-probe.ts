import { Redis } from "ioredis";
import { closedLoop } from "./lib/stats";
import { createScriptMcp, defineWorkflow, executeAndWait, noopSpec, startBenchPlatform } from "./platform";
import { benchRunner } from "./runners";
import { runBenchScript } from "./lib/script";
const names = new Map<string, number>();
let on = false;
async function main(): Promise<void> {
  const p = await startBenchPlatform({ executors: 1, runnerFor: benchRunner });
  const proto = Redis.prototype as unknown as { sendCommand: (...args: unknown[]) => unknown };
  const send = proto.sendCommand;
  proto.sendCommand = function (this: Redis, ...args: unknown[]) {
    const c = args[0] as { name: string; args: unknown[] };
    if (on) { const k = c.name + " " + String(c.args[0]).replace(/[0-9a-f-]{36}/g, "<id>").slice(0, 60); names.set(k, (names.get(k) ?? 0) + 1); }
    return send.apply(this, args);
  };
  try {
    await createScriptMcp(p, "bench-cpu");
    await defineWorkflow(p, "three", noopSpec("bench-cpu", 3, "sequential"));
    const [client] = p.executorClients;
    await closedLoop(300, 8, () => executeAndWait(client!, "three"));
    on = true;
    await closedLoop(1000, Number(process.env.C ?? 32), () => executeAndWait(client!, "three"));
    on = false;
    for (const [k, v] of [...names].sort((a, b) => b[1] - a[1])) console.log((v / 1000).toFixed(2), k);
  } finally {
    await p.stop();
  }
}
runBenchScript("zz", main);
