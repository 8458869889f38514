import { create } from "@bufbuild/protobuf";
import {
  RunStatus,
  StepLogStream,
  StepRunSchema,
  StepStatus,
  WorkflowRunSchema,
  type WorkflowRun,
} from "@mcp/proto/executor";
import type { StepLogMessage } from "../events/step-logs.js";
import { tailStepLogs, type LogChunk, type StepLogSources } from "./step-log-tail.js";

const runWith = (status: RunStatus, step: StepStatus, stdout = ""): WorkflowRun =>
  create(WorkflowRunSchema, {
    id: "r",
    status,
    steps: [create(StepRunSchema, { stepId: "s", status: step, stdout })],
  });

/** Sources whose run is `current` and whose live messages the test sends with `send`. */
function fakeSources(current: () => WorkflowRun) {
  let listener: ((m: StepLogMessage) => void) | undefined;
  const sources: StepLogSources = {
    run: () => Promise.resolve(current()),
    follow: (_r, _s, onMessage) => {
      listener = onMessage;
      return Promise.resolve(() => (listener = undefined));
    },
  };
  const send = (m: StepLogMessage) => listener?.(m);
  const following = () => listener !== undefined;
  return { sources, send, following };
}

async function collect(gen: AsyncGenerator<LogChunk>): Promise<LogChunk[]> {
  const out: LogChunk[] = [];
  for await (const c of gen) out.push(c);
  return out;
}

const until = async (cond: () => boolean) => {
  while (!cond()) await new Promise((resolve) => setTimeout(resolve, 2));
};

describe("tailStepLogs", () => {
  it("keeps following across a retry: an attempt's end ends the tail only once the step is final", async () => {
    let run = runWith(RunStatus.RUNNING, StepStatus.RUNNING);
    const fake = fakeSources(() => run);
    const done = collect(
      tailStepLogs(
        fake.sources,
        { runId: "r", stepId: "s", follow: true },
        new AbortController().signal,
        "default",
      ),
    );
    await until(fake.following);
    fake.send({ kind: "chunk", seq: 1, stream: "stdout", text: "try 1\n" });
    run = runWith(RunStatus.RUNNING, StepStatus.RETRYING);
    fake.send({ kind: "end", seq: 2 });
    fake.send({ kind: "chunk", seq: 1, stream: "stderr", text: "try 2\n" });
    await new Promise((resolve) => setTimeout(resolve, 20));
    run = runWith(RunStatus.SUCCEEDED, StepStatus.SUCCEEDED, "try 1\ntry 2\n");
    fake.send({ kind: "end", seq: 2 });
    expect(await done).toEqual([
      { stream: StepLogStream.STDOUT, text: "try 1\n", recorded: false },
      { stream: StepLogStream.STDERR, text: "try 2\n", recorded: false },
    ]);
  });

  it("sends the record when the step ended before any live chunk was heard", async () => {
    let run = runWith(RunStatus.RUNNING, StepStatus.RUNNING);
    const fake = fakeSources(() => run);
    const done = collect(
      tailStepLogs(
        fake.sources,
        { runId: "r", stepId: "s", follow: true },
        new AbortController().signal,
        "default",
      ),
    );
    await until(fake.following);
    run = runWith(RunStatus.SUCCEEDED, StepStatus.SUCCEEDED, "all\n");
    fake.send({ kind: "end", seq: 1 });
    expect(await done).toEqual([{ stream: StepLogStream.STDOUT, text: "all\n", recorded: true }]);
  });

  it("stops when the caller goes away", async () => {
    const fake = fakeSources(() => runWith(RunStatus.RUNNING, StepStatus.RUNNING));
    const abort = new AbortController();
    const done = collect(
      tailStepLogs(fake.sources, { runId: "r", stepId: "s", follow: true }, abort.signal, "default"),
    );
    await until(fake.following);
    abort.abort();
    expect(await done).toEqual([]);
    expect(fake.following()).toBe(false);
  });
});
