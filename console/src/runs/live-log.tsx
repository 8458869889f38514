import { StepLogStream } from "@mcp/proto/executor";
import { useEffect, useState } from "react";
import { useClients } from "../api/context";
import { ErrorView } from "../components/error-view";

/** How much live output the page keeps per stream (the record keeps the head; this keeps the end). */
const MAX_CHARS = 200_000;

interface LiveText {
  readonly stdout: string;
  readonly stderr: string;
  readonly ended: boolean;
  readonly error?: unknown;
}

const keepEnd = (text: string) => (text.length > MAX_CHARS ? text.slice(text.length - MAX_CHARS) : text);

/**
 * A running step's stdout and stderr as they are written (TailStepLogs with `follow`), until the step
 * ends; then the step's record (shown by the step details) takes over.
 */
export function LiveLog({ runId, stepId }: { runId: string; stepId: string }) {
  const { executor } = useClients();
  const [text, setText] = useState<LiveText>({ stdout: "", stderr: "", ended: false });
  useEffect(() => {
    const abort = new AbortController();
    setText({ stdout: "", stderr: "", ended: false });
    void (async () => {
      try {
        for await (const chunk of executor.tailStepLogs(
          { runId, stepId, follow: true },
          { signal: abort.signal },
        )) {
          setText((t) =>
            chunk.stream === StepLogStream.STDERR
              ? { ...t, stderr: keepEnd(t.stderr + chunk.text) }
              : { ...t, stdout: keepEnd(t.stdout + chunk.text) },
          );
        }
        setText((t) => ({ ...t, ended: true }));
      } catch (error) {
        if (!abort.signal.aborted) setText((t) => ({ ...t, ended: true, error }));
      }
    })();
    return () => abort.abort();
  }, [executor, runId, stepId]);
  return (
    <section aria-labelledby="live-log-heading" className="live-log" data-testid="live-log">
      <h3 id="live-log-heading">Live output</h3>
      <p className="hint" role="status">
        {text.ended ? "the step ended" : "following the step's output as it is written…"}
      </p>
      {text.error !== undefined && <ErrorView error={text.error} title="TailStepLogs failed" />}
      <h4>stdout</h4>
      <pre className="log" aria-label={`live stdout of ${stepId}`} tabIndex={0} data-testid="live-stdout">
        {text.stdout || "(nothing yet)"}
      </pre>
      <h4>stderr</h4>
      <pre className="log" aria-label={`live stderr of ${stepId}`} tabIndex={0} data-testid="live-stderr">
        {text.stderr || "(nothing yet)"}
      </pre>
    </section>
  );
}
