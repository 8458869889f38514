import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  CreateTriggerResponseSchema,
  DeleteTriggerResponseSchema,
  GetTriggerResponseSchema,
  ListTriggersResponseSchema,
  RotateTriggerSecretResponseSchema,
  type TriggerService,
} from "@mcp/proto/executor";
import { callInfoKey, callWorkspace } from "@mcp/runtime";
import { toTrigger } from "./mapping.js";
import type { Triggers } from "./triggers.js";

/**
 * TriggerService over the triggers module. Requests arrive validated and authorised (`admin`, every
 * method); handlers only translate. Only Create and RotateTriggerSecret answers carry a secret.
 */
export function triggerService(triggers: Triggers): ServiceImpl<typeof TriggerService> {
  return {
    async createTrigger(req, ctx) {
      const { trigger, secret } = await triggers.create(callWorkspace(ctx), {
        name: req.name,
        description: req.description,
        workflow: req.workflow!,
        inputPaths: req.inputPaths,
        ratePerMinute: req.ratePerMinute,
        burst: req.burst,
        by: ctx.values.get(callInfoKey)?.principal,
      });
      return create(CreateTriggerResponseSchema, { trigger: toTrigger(trigger), secret });
    },

    async getTrigger(req, ctx) {
      return create(GetTriggerResponseSchema, {
        trigger: toTrigger(await triggers.get(callWorkspace(ctx), req.name)),
      });
    },

    async listTriggers(req, ctx) {
      const page = await triggers.list(callWorkspace(ctx), req.pageToken, req.pageSize);
      return create(ListTriggersResponseSchema, {
        triggers: page.triggers.map(toTrigger),
        nextPageToken: page.nextPageToken,
      });
    },

    async deleteTrigger(req, ctx) {
      await triggers.delete(callWorkspace(ctx), req.name);
      return create(DeleteTriggerResponseSchema, {});
    },

    async rotateTriggerSecret(req, ctx) {
      const { trigger, secret } = await triggers.rotateSecret(callWorkspace(ctx), req.name);
      return create(RotateTriggerSecretResponseSchema, { trigger: toTrigger(trigger), secret });
    },
  };
}
