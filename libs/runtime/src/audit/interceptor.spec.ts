import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { NotFoundError } from "@mcp/errors";
import { AccessService, AddMemberResponseSchema, ListMembersResponseSchema, Role } from "@mcp/proto/registry";
import pino from "pino";
import { errorInterceptor } from "../interceptors/errors.js";
import { loggingInterceptor } from "../interceptors/logging.js";
import { auditInterceptor, outcomeName, type AuditRecord, type AuditSink } from "./interceptor.js";
import { callAuditKey } from "./call-audit.js";

/** What a handler whose own write carries its call's audit record did with it (docs/adr/035). */
const carried: AuditRecord[] = [];

function setup(sink: AuditSink, errors: unknown[] = []) {
  const logger = pino({ level: "error" }, { write: (line: string) => errors.push(JSON.parse(line)) });
  const transport = createRouterTransport(
    (router) =>
      router.service(AccessService, {
        addMember: (req, ctx) => {
          // "carry@…": the handler commits the record with its own write; "carry-fail@…" then fails
          if (req.email.startsWith("carry")) {
            const audit = ctx.values.get(callAuditKey)!;
            carried.push(audit.record());
            audit.written();
            if (req.email.startsWith("carry-fail")) throw new NotFoundError("member", req.email);
          }
          return create(AddMemberResponseSchema, {});
        },
        updateMember: (req) => {
          throw new NotFoundError("member", req.email);
        },
        listMembers: () => create(ListMembersResponseSchema, {}),
      }),
    {
      router: {
        interceptors: [
          loggingInterceptor(logger),
          auditInterceptor(sink, logger),
          errorInterceptor({ domain: "test", logger }),
        ],
      },
    },
  );
  return createClient(AccessService, transport);
}

describe("auditInterceptor", () => {
  it("records writes with their outcome code and target, and no reads", async () => {
    const records: AuditRecord[] = [];
    const client = setup({ append: (r) => Promise.resolve(void records.push(r)) });
    await client.addMember(
      { email: "ana@example.com", role: Role.VIEWER },
      { headers: { "x-request-id": "r-1" } },
    );
    await expect(client.updateMember({ email: "bob@example.com", role: Role.ADMIN })).rejects.toThrow(
      ConnectError,
    );
    await client.listMembers({});
    expect(records.map((r) => [r.method, r.target, r.outcome, r.workspace, r.actor])).toEqual([
      ["AddMember", "ana@example.com", "OK", "default", ""],
      ["UpdateMember", "bob@example.com", "NOT_FOUND", "default", ""],
    ]);
    expect(records[0]!.requestId).toBe("r-1");
    expect(records[0]!.service).toBe("mcp.registry.v1.AccessService");
  });

  it("never fails the call when the write fails: it logs it", async () => {
    const errors: unknown[] = [];
    const client = setup({ append: () => Promise.reject(new Error("database gone")) }, errors);
    await expect(client.addMember({ email: "ana@example.com", role: Role.VIEWER })).resolves.toBeDefined();
    expect(JSON.stringify(errors)).toContain("could not write an audit event");
    expect(JSON.stringify(errors)).toContain("database gone");
  });

  it("writes no row of its own for a success whose handler committed the record, and the failure's row if it then failed", async () => {
    const records: AuditRecord[] = [];
    carried.length = 0;
    const client = setup({ append: (r) => Promise.resolve(void records.push(r)) });
    await client.addMember(
      { email: "carry@example.com", role: Role.VIEWER },
      { headers: { "x-request-id": "r-2" } },
    );
    expect(carried.map((r) => [r.method, r.target, r.outcome, r.requestId])).toEqual([
      ["AddMember", "carry@example.com", "OK", "r-2"],
    ]);
    expect(records).toEqual([]);
    await expect(client.addMember({ email: "carry-fail@example.com", role: Role.VIEWER })).rejects.toThrow(
      ConnectError,
    );
    expect(carried.map((r) => r.outcome)).toEqual(["OK", "OK"]);
    expect(records.map((r) => [r.target, r.outcome])).toEqual([["carry-fail@example.com", "NOT_FOUND"]]);
    // a handler that carries nothing: the interceptor writes the row, as for any call
    await client.addMember({ email: "ana@example.com", role: Role.VIEWER });
    expect(records.map((r) => r.target)).toEqual(["carry-fail@example.com", "ana@example.com"]);
  });

  it("offers no record to calls it does not audit", async () => {
    let offered: unknown = "not called";
    const transport = createRouterTransport(
      (router) =>
        router.service(AccessService, {
          listMembers: (_req, ctx) => {
            offered = ctx.values.get(callAuditKey);
            return create(ListMembersResponseSchema, {});
          },
        }),
      {
        router: {
          interceptors: [auditInterceptor({ append: () => Promise.resolve() }, pino({ level: "silent" }))],
        },
      },
    );
    await createClient(AccessService, transport).listMembers({});
    expect(offered).toBeUndefined();
  });

  it("names outcomes like gRPC does", () => {
    expect(outcomeName(0)).toBe("OK");
    expect(outcomeName(Code.PermissionDenied)).toBe("PERMISSION_DENIED");
    expect(outcomeName(Code.InvalidArgument)).toBe("INVALID_ARGUMENT");
  });
});
