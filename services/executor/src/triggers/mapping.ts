import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { WebhookTriggerEntity } from "@mcp/db";
import { TriggerSchema, type Trigger } from "@mcp/proto/executor";
import { hookPath, workflowOf } from "./triggers.js";
import { HOOKS_PREFIX } from "./webhook-route.js";

/** A trigger as the API returns it (never its secret, sealed or not). */
export function toTrigger(row: WebhookTriggerEntity): Trigger {
  return create(TriggerSchema, {
    name: row.name,
    description: row.description,
    workflow: workflowOf(row),
    inputPaths: { ...row.inputPaths },
    ratePerMinute: row.ratePerMinute,
    burst: row.burst,
    path: `${HOOKS_PREFIX}${hookPath(row)}`,
    keyId: row.keyId,
    createTime: timestampFromDate(row.createdAt),
    secretTime: timestampFromDate(row.secretAt),
    createdBy: row.createdBy ?? "",
  });
}
