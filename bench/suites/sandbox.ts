import { create } from "@bufbuild/protobuf";
import { createRunners, resolvePython } from "@mcp/executor/runners";
import { McpConfigSchema, McpType, NetworkAccess } from "@mcp/proto/registry";
import { Sandbox } from "@mcp/sandbox";
import { settings } from "../lib/settings";
import { round, summarize, timed } from "../lib/stats";
import { ms, target, type SuiteResult } from "../report";

/** A python_script that reads its inputs and writes them back: as little work as a step can do. */
const TRIVIAL = `import json, sys
json.dump({"success": True, "result": json.load(open(sys.argv[1])), "error": None}, open(sys.argv[2], "w"))
`;

/**
 * What the sandbox costs a step: the same trivial python_script run through the executor's real
 * python_script runner, once in a bubblewrap sandbox and once with SANDBOX=off (plain child process,
 * the same limits by prlimit), alternated step by step in one run; and with network egress
 * (slirp4netns and the deny routes are set up before the script starts).
 */
export async function sandboxSuite(): Promise<SuiteResult> {
  const { steps, egressSteps } = settings.sandbox;
  const base = { readOnlyPaths: [], egressDeny: [], platformUrls: [] };
  const sandboxed = await Sandbox.open({ mode: "bubblewrap", ...base });
  const plain = await Sandbox.open({ mode: "off", ...base });
  try {
    return await measure(sandboxed, plain, steps, egressSteps);
  } finally {
    await sandboxed.close();
    await plain.close();
  }
}

/** The suite's steps on `sandboxed` and `plain`, alternated. */
async function measure(
  sandboxed: Sandbox,
  plain: Sandbox,
  steps: number,
  egressSteps: number,
): Promise<SuiteResult> {
  if (sandboxed.status.mode !== "bubblewrap") throw new Error(`no sandbox here: ${sandboxed.status.problem}`);
  // both sides run the same interpreter: the one the sandbox finds on its own PATH
  const python = await resolvePython(sandboxed, "python3");
  const step = (sandbox: Sandbox, network: NetworkAccess) => {
    const mcp = {
      id: "bench-sandbox",
      name: "bench-sandbox",
      version: 1,
      type: McpType.PYTHON_SCRIPT,
      config: create(McpConfigSchema, {
        kind: { case: "pythonScript", value: { source: { case: "scriptContent", value: TRIVIAL } } },
        network,
      }),
    };
    const runner = createRunners({ sandbox, python })(mcp);
    const signal = new AbortController().signal;
    return () => runner.run({ runId: "bench", stepId: "s", attempt: 1, mcp, inputs: { n: 1 }, signal });
  };
  const on = step(sandboxed, NetworkAccess.NONE);
  const off = step(plain, NetworkAccess.NONE);
  const egress = step(sandboxed, NetworkAccess.EGRESS);
  for (let i = 0; i < 3; i++) await Promise.all([on(), off()]); // warm-up: interpreters resolved, caches warm

  const samples = { on: [] as number[], off: [] as number[], egress: [] as number[] };
  for (let i = 0; i < steps; i++) {
    samples.on.push(await timed(on));
    samples.off.push(await timed(off));
  }
  if (sandboxed.status.egress.available)
    for (let i = 0; i < egressSteps; i++) samples.egress.push(await timed(egress));
  const withSandbox = summarize(samples.on);
  const without = summarize(samples.off);
  const withEgress = summarize(samples.egress);
  const overhead = round(withSandbox.p50 - without.p50);
  return {
    rows: [
      {
        figure: "trivial python_script step p50, sandboxed (no network)",
        ours: ms(withSandbox.p50),
        peer: ms(without.p50),
      },
      { figure: "  p95", ours: ms(withSandbox.p95), peer: ms(without.p95) },
      {
        figure: "sandbox cost per step (p50 sandboxed − p50 unsandboxed)",
        ours: ms(overhead),
        target: target("≤ 15 ms", overhead, 15, "ms", "max"),
      },
      { figure: "the same step with network egress (slirp4netns), p50", ours: ms(withEgress.p50) },
    ],
    json: {
      sandbox: {
        steps,
        sandboxed: withSandbox,
        unsandboxed: without,
        overhead_p50_ms: overhead,
        egress: withEgress,
        limits: sandboxed.status.limits,
      },
    },
  };
}
