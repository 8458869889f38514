import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { NotFoundError } from "@mcp/errors";
import { AccessService, AddMemberResponseSchema, ListMembersResponseSchema, Role } from "@mcp/proto/registry";
import pino from "pino";
import { errorInterceptor } from "../interceptors/errors.js";
import { loggingInterceptor } from "../interceptors/logging.js";
import { auditInterceptor, outcomeName, type AuditRecord, type AuditSink } from "./interceptor.js";

function setup(sink: AuditSink, errors: unknown[] = []) {
  const logger = pino({ level: "error" }, { write: (line: string) => errors.push(JSON.parse(line)) });
  const transport = createRouterTransport(
    (router) =>
      router.service(AccessService, {
        addMember: () => create(AddMemberResponseSchema, {}),
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

  it("names outcomes like gRPC does", () => {
    expect(outcomeName(0)).toBe("OK");
    expect(outcomeName(Code.PermissionDenied)).toBe("PERMISSION_DENIED");
    expect(outcomeName(Code.InvalidArgument)).toBe("INVALID_ARGUMENT");
  });
});
