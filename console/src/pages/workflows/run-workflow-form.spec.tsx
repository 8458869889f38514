import { create, fromJson } from "@bufbuild/protobuf";
import {
  ExecutorService,
  RunStatus,
  WorkflowRunSchema,
  type ExecuteWorkflowRequest,
} from "@mcp/proto/executor";
import { WorkflowSpecSchema } from "@mcp/proto/workflows";
import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithApi } from "../../test/render";
import { RunWorkflowForm } from "./run-workflow-form";

const spec = fromJson(WorkflowSpecSchema, {
  inputs: [
    { name: "text", required: true, description: "What to echo." },
    { name: "times", defaultValue: 2 },
  ],
});

function setup() {
  const calls: ExecuteWorkflowRequest[] = [];
  const app = renderWithApi(<RunWorkflowForm name="greet" version={3} inputs={spec.inputs} />, {
    routes: (router) =>
      router.service(ExecutorService, {
        executeWorkflow: (req) => {
          calls.push(req);
          return {
            run: create(WorkflowRunSchema, { id: "run-42", status: RunStatus.PENDING }),
            created: true,
          };
        },
      }),
  });
  return { calls, ...app };
}

describe("RunWorkflowForm", () => {
  it("marks required inputs and does not call the executor while one is missing", async () => {
    const user = userEvent.setup();
    const { calls } = setup();
    const text = await screen.findByLabelText("text");
    expect(text.hasAttribute("required")).toBe(true);
    expect(screen.getByLabelText("times").hasAttribute("required")).toBe(false);
    expect(screen.getByText("text, required")).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "Run workflow" }));
    expect(screen.getByText("text: required")).toBeTruthy();
    expect(text.getAttribute("aria-invalid")).toBe("true");
    expect(calls).toHaveLength(0);
  });

  it("starts the run without waiting, with a fresh request id, and opens the run page", async () => {
    const user = userEvent.setup();
    const { calls, landed } = setup();
    await user.type(await screen.findByLabelText("text"), "ada");
    await user.clear(screen.getByLabelText("times"));
    await user.type(screen.getByLabelText("times"), "5");
    await user.click(screen.getByRole("button", { name: "Run workflow" }));

    expect((await landed()).textContent).toBe("/runs/run-42");
    expect(calls).toHaveLength(1);
    const req = calls[0]!;
    expect(req.workflow?.workflow).toEqual({ case: "name", value: "greet" });
    expect(req.workflow?.version).toBe(3);
    expect(req.inputs).toEqual({ text: "ada", times: 5 });
    expect(req.wait).toBe(false);
    expect(req.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
