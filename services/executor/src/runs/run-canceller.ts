import { create } from "@bufbuild/protobuf";
import type { RunStore } from "@mcp/db";
import { NotFoundError } from "@mcp/errors";
import { RunStatusChangedSchema } from "@mcp/proto/executor";
import type { RunEvents } from "../events/run-events.js";
import { runStatusOf, toRunError } from "./mapping.js";

/**
 * CancelRun: records the request. A run nobody drives is cancelled at once; a driven one is stopped by
 * its owner (which sees the request at its next lease renewal, within a third of the lease), killing
 * its running steps. Cancelling a finished run changes nothing.
 */
export class RunCanceller {
  constructor(
    private readonly store: RunStore,
    private readonly events: RunEvents,
  ) {}

  async cancel(runId: string, reason: string): Promise<void> {
    const { run, cancelledNow, seq } = await this.store.requestCancel(runId, reason);
    if (!run) throw new NotFoundError("run", runId);
    if (cancelledNow) {
      await this.events.publish(runId, seq, {
        case: "runStatus",
        value: create(RunStatusChangedSchema, {
          status: runStatusOf("cancelled"),
          error: toRunError(run.error),
        }),
      });
    }
  }
}
