import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";
import { DEFAULT_WORKSPACE } from "../auth/identity.js";
import { OPEN_SERVICES } from "../auth/policy.js";
import { callInfoKey } from "../context.js";
import { callAuditKey } from "./call-audit.js";
import { auditTarget } from "./target.js";

/** One audited call. */
export interface AuditRecord {
  readonly eventTime: Date;
  readonly workspace: string;
  readonly actorKind: string;
  readonly actorId: string;
  readonly actor: string;
  readonly service: string;
  readonly method: string;
  readonly target: string;
  readonly outcome: string;
  readonly requestId: string;
}

/** Where audit records go (`@mcp/db` AuditStore). */
export interface AuditSink {
  append(record: AuditRecord): Promise<void>;
}

/** `PermissionDenied` → `PERMISSION_DENIED`; success → `OK`. */
export function outcomeName(code: Code | 0): string {
  return code === 0 ? "OK" : Code[code].replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
}

/** How long a call waits for its audit record to be written before it answers anyway. */
const WRITE_BUDGET_MS = 2_000;

/**
 * Appends every mutating call (not `NO_SIDE_EFFECTS`, not health/reflection) to the audit log once
 * it has ended, with who made it (the caller the auth interceptor identified, also when it refused
 * them), its workspace, method, target, outcome code and request id. Calls refused as
 * UNAUTHENTICATED, or as INVALID_ARGUMENT before anyone was identified, are not recorded: they name
 * nobody, and recording them would let anyone write rows.
 * A failed or slow write never fails or holds the call: it is logged (at most {@link WRITE_BUDGET_MS}).
 * A handler may commit the record with its own write instead ({@link callAuditKey}, docs/adr/035):
 * a call that succeeds after that gets no second row.
 */
export function auditInterceptor(sink: AuditSink, logger: Logger): Interceptor {
  return (next) => async (req) => {
    if (
      OPEN_SERVICES.has(req.service.typeName) ||
      req.method.idempotency === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS
    ) {
      return next(req);
    }
    const target = req.stream ? "" : auditTarget(req.message);
    const entry = (code: Code | 0): AuditRecord => {
      const info = req.contextValues.get(callInfoKey);
      return {
        eventTime: new Date(),
        workspace: info?.workspace ?? DEFAULT_WORKSPACE,
        actorKind: info?.caller?.kind ?? "",
        actorId: info?.caller?.id ?? "",
        actor: info?.caller?.name ?? "",
        service: req.service.typeName,
        method: req.method.name,
        target,
        outcome: outcomeName(code),
        requestId: info?.requestId ?? "",
      };
    };
    const record = async (code: Code | 0) => {
      if (code === Code.Unauthenticated) return;
      const info = req.contextValues.get(callInfoKey);
      // Refused before anyone was identified (request validation runs before authentication): it
      // names nobody and changed nothing; recording it would let anyone write rows.
      if (code === Code.InvalidArgument && !info?.caller) return;
      const row = entry(code);
      await appendWithin(sink, row, (err) =>
        (info?.logger ?? logger).error({ err, audit: row }, "could not write an audit event"),
      );
    };
    // a handler whose own write carries the record (a run's creation: docs/adr/035) says so
    let written = false;
    req.contextValues.set(callAuditKey, {
      record: () => entry(0),
      written: () => {
        written = true;
      },
    });
    try {
      const res = await next(req);
      if (!written) await record(0);
      return res;
    } catch (err) {
      // also when the handler's write carried an OK row: the call's own end is recorded too
      await record(ConnectError.from(err).code);
      throw err;
    }
  };
}

async function appendWithin(
  sink: AuditSink,
  entry: AuditRecord,
  onError: (err: unknown) => void,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), WRITE_BUDGET_MS);
    timer.unref();
  });
  const write = sink.append(entry).then(
    () => "written" as const,
    (err: unknown) => {
      onError(err);
      return "failed" as const;
    },
  );
  try {
    if ((await Promise.race([write, budget])) === "late") {
      onError(
        new Error(`the audit write took over ${WRITE_BUDGET_MS} ms; the call answered without waiting`),
      );
    }
  } finally {
    clearTimeout(timer);
  }
}
