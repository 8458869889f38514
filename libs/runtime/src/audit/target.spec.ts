import { create } from "@bufbuild/protobuf";
import { PutSecretRequestSchema, SignalRunRequestSchema } from "@mcp/proto/executor";
import { SetMcpLabelRequestSchema } from "@mcp/proto/registry";
import { ExecuteWorkflowRequestSchema } from "@mcp/proto/executor";
import { auditTarget } from "./target.js";

describe("auditTarget", () => {
  it("names the resource and the sub-resource a request touches", () => {
    expect(
      auditTarget(
        create(SetMcpLabelRequestSchema, {
          mcp: { case: "name", value: "summarize" },
          label: "production",
          version: 3,
        }),
      ),
    ).toBe("summarize label=production version=3");
    expect(
      auditTarget(
        create(ExecuteWorkflowRequestSchema, { workflow: { workflow: { case: "name", value: "greet" } } }),
      ),
    ).toBe("greet");
    expect(auditTarget(create(SignalRunRequestSchema, { runId: "r-1", signal: "go" }))).toBe("r-1 signal=go");
  });

  it("never reads a secret's value", () => {
    expect(auditTarget(create(PutSecretRequestSchema, { name: "OPENAI_API_KEY", value: "sk-secret" }))).toBe(
      "OPENAI_API_KEY",
    );
  });
});
