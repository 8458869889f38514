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
import { callInfoKey, callWorkspace } from "@mcp/runtime";
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
      const view = await book.create(callWorkspace(ctx), req.name, req.spec!, req.paused, principal(ctx));
      return create(CreateScheduleResponseSchema, { schedule: schedule(view) });
    },

    async getSchedule(req, ctx) {
      return create(GetScheduleResponseSchema, {
        schedule: schedule(await book.get(callWorkspace(ctx), req.name)),
      });
    },

    async listSchedules(req, ctx) {
      const page = await book.list(callWorkspace(ctx), req.pageToken, req.pageSize, req.workflow);
      return create(ListSchedulesResponseSchema, {
        schedules: page.items.map((row) => toSchedule(row)),
        nextPageToken: page.nextPageToken,
      });
    },

    async updateSchedule(req, ctx) {
      const view = await book.update(
        callWorkspace(ctx),
        req.name,
        req.etag,
        req.updateMask?.paths ?? [],
        req.spec!,
        principal(ctx),
      );
      return create(UpdateScheduleResponseSchema, { schedule: schedule(view) });
    },

    async pauseSchedule(req, ctx) {
      const view = await book.pause(callWorkspace(ctx), req.name, req.reason, principal(ctx));
      return create(PauseScheduleResponseSchema, { schedule: schedule(view) });
    },

    async resumeSchedule(req, ctx) {
      const view = await book.resume(callWorkspace(ctx), req.name, principal(ctx));
      return create(ResumeScheduleResponseSchema, { schedule: schedule(view) });
    },

    async deleteSchedule(req, ctx) {
      await book.delete(callWorkspace(ctx), req.name, req.etag);
      return create(DeleteScheduleResponseSchema, {});
    },

    async triggerSchedule(req, ctx) {
      const { tick, run } = await trigger.trigger(callWorkspace(ctx), req.name, req.requestId);
      return create(TriggerScheduleResponseSchema, { tick: toTick(tick), run });
    },
  };
}
