import { create } from "@bufbuild/protobuf";
import { timestampDate, timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { AuditEventEntity, AuditStore } from "@mcp/db";
import {
  AuditEventSchema,
  ListAuditEventsResponseSchema,
  type AuditEvent,
  type AuditService,
} from "@mcp/proto/registry";
import { DEFAULT_WORKSPACE, callInfoKey } from "@mcp/runtime";

const toEvent = (row: AuditEventEntity): AuditEvent =>
  create(AuditEventSchema, {
    id: row.id,
    eventTime: timestampFromDate(row.eventTime),
    workspace: row.workspace,
    actorKind: row.actorKind,
    actorId: row.actorId,
    actor: row.actor,
    service: row.service,
    method: row.method,
    target: row.target,
    outcome: row.outcome,
    requestId: row.requestId,
  });

/** AuditService: lists the call's workspace's audit events (written by every service's audit interceptor). */
export function auditService(events: AuditStore): ServiceImpl<typeof AuditService> {
  return {
    async listAuditEvents(req, ctx) {
      const f = req.filter;
      const page = await events.listPage(
        {
          workspace: ctx.values.get(callInfoKey)?.workspace ?? DEFAULT_WORKSPACE,
          actor: f?.actor,
          method: f?.method,
          target: f?.target,
          outcome: f?.outcome,
          after: f?.after && timestampDate(f.after),
          before: f?.before && timestampDate(f.before),
        },
        req.pageToken,
        req.pageSize,
      );
      return create(ListAuditEventsResponseSchema, {
        events: page.items.map(toEvent),
        nextPageToken: page.nextPageToken,
      });
    },
  };
}
