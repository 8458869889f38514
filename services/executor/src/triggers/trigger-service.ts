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
import { callInfoKey } from "@mcp/runtime";
import { toTrigger } from "./mapping.js";
import type { Triggers } from "./triggers.js";

/**
 * TriggerService over the triggers module. Requests arrive validated and authorised (`admin`, every
 * method); handlers only translate. Only Create and RotateTriggerSecret answers carry a secret.
 */
export function triggerService(triggers: Triggers): ServiceImpl<typeof TriggerService> {
  return {
    async createTrigger(req, ctx) {
      const { trigger, secret } = await triggers.create({
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

    async getTrigger(req) {
      return create(GetTriggerResponseSchema, { trigger: toTrigger(await triggers.get(req.name)) });
    },

    async listTriggers(req) {
      const page = await triggers.list(req.pageToken, req.pageSize);
      return create(ListTriggersResponseSchema, {
        triggers: page.triggers.map(toTrigger),
        nextPageToken: page.nextPageToken,
      });
    },

    async deleteTrigger(req) {
      await triggers.delete(req.name);
      return create(DeleteTriggerResponseSchema, {});
    },

    async rotateTriggerSecret(req) {
      const { trigger, secret } = await triggers.rotateSecret(req.name);
      return create(RotateTriggerSecretResponseSchema, { trigger: toTrigger(trigger), secret });
    },
  };
}
