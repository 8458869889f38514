import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import {
  CreateScheduleResponseSchema,
  DeleteScheduleResponseSchema,
  GetScheduleResponseSchema,
  ListSchedulesResponseSchema,
  PauseScheduleResponseSchema,
  ResumeScheduleResponseSchema,
  TriggerScheduleResponseSchema,
  UpdateScheduleResponseSchema,
  type ScheduleService,
} from "@mcp/proto/executor";
import { callInfoKey } from "@mcp/runtime";
import { toSchedule, toTick } from "./mapping.js";
import type { ScheduleBook, ScheduleView } from "./schedule-book.js";
import type { ScheduleTrigger } from "./schedule-trigger.js";

/** Who calls (the API key's name), when API keys are on. */
const principal = (ctx: HandlerContext) => ctx.values.get(callInfoKey)?.principal ?? null;

const schedule = (view: ScheduleView) => toSchedule(view.schedule, view);

/** ScheduleService over the schedule book and the trigger. Requests arrive validated; handlers only translate. */
export function scheduleService(
  book: ScheduleBook,
  trigger: ScheduleTrigger,
): ServiceImpl<typeof ScheduleService> {
  return {
    async createSchedule(req, ctx) {
      const view = await book.create(req.name, req.spec!, req.paused, principal(ctx));
      return create(CreateScheduleResponseSchema, { schedule: schedule(view) });
    },

    async getSchedule(req) {
      return create(GetScheduleResponseSchema, { schedule: schedule(await book.get(req.name)) });
    },

    async listSchedules(req) {
      const page = await book.list(req.pageToken, req.pageSize, req.workflow);
      return create(ListSchedulesResponseSchema, {
        schedules: page.items.map((row) => toSchedule(row)),
        nextPageToken: page.nextPageToken,
      });
    },

    async updateSchedule(req, ctx) {
      const view = await book.update(
        req.name,
        req.etag,
        req.updateMask?.paths ?? [],
        req.spec!,
        principal(ctx),
      );
      return create(UpdateScheduleResponseSchema, { schedule: schedule(view) });
    },

    async pauseSchedule(req, ctx) {
      const view = await book.pause(req.name, req.reason, principal(ctx));
      return create(PauseScheduleResponseSchema, { schedule: schedule(view) });
    },

    async resumeSchedule(req, ctx) {
      const view = await book.resume(req.name, principal(ctx));
      return create(ResumeScheduleResponseSchema, { schedule: schedule(view) });
    },

    async deleteSchedule(req) {
      await book.delete(req.name, req.etag);
      return create(DeleteScheduleResponseSchema, {});
    },

    async triggerSchedule(req) {
      const { tick, run } = await trigger.trigger(req.name, req.requestId);
      return create(TriggerScheduleResponseSchema, { tick: toTick(tick), run });
    },
  };
}
