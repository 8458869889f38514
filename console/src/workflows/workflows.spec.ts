import { fromJson } from "@bufbuild/protobuf";
import { WorkflowSpecSchema } from "@mcp/proto/workflows";
import { describe, expect, it } from "vitest";
import { SPEC_TEMPLATE, buildCreateWorkflowRequest, parseWorkflowSpec } from "./create-request";
import { workflowInputFields } from "./input-fields";

const manifest = `kind: Workflow
name: echo-concat
description: Echoes, then prefixes.
tags: [example]
spec:
  inputs:
    - { name: text, required: true }
  steps:
    - stepId: echo
      mcp: { name: example-echo }
      inputs:
        text: { workflowInput: text }
`;

describe("buildCreateWorkflowRequest", () => {
  it("takes a spec in the manifest shape of examples/", () => {
    const req = buildCreateWorkflowRequest({
      name: "mine",
      description: "",
      tags: "",
      spec: SPEC_TEMPLATE,
      changeNote: "",
    });
    expect(req.name).toBe("mine");
    expect(req.spec?.steps.map((s) => s.stepId)).toEqual(["echo", "concat"]);
    expect(req.spec?.steps[1]?.inputs["text"]?.source).toEqual({
      case: "stepOutput",
      value: expect.objectContaining({ stepId: "echo", output: "text" }) as unknown,
    });
  });

  it("takes a whole kind: Workflow document, the form's fields winning", () => {
    const fromDoc = buildCreateWorkflowRequest({
      name: "",
      description: "",
      tags: "",
      spec: manifest,
      changeNote: "",
    });
    expect(fromDoc).toMatchObject({
      name: "echo-concat",
      description: "Echoes, then prefixes.",
      tags: ["example"],
    });
    const overridden = buildCreateWorkflowRequest({
      name: "other",
      description: "",
      tags: "a b",
      spec: manifest,
      changeNote: "",
    });
    expect(overridden).toMatchObject({ name: "other", tags: ["a", "b"] });
  });

  it("names the problem of a spec that does not fit the contract", () => {
    expect(() => parseWorkflowSpec("steps:\n  - stepId: a\n    dependsOn: b\n")).toThrow(/^Spec: /);
    expect(() =>
      buildCreateWorkflowRequest({ name: "", description: "", tags: "", spec: "steps: []", changeNote: "" }),
    ).toThrow("Name: required");
  });
});

describe("workflowInputFields", () => {
  it("marks required inputs and types fields by their default", () => {
    const spec = fromJson(WorkflowSpecSchema, {
      inputs: [
        { name: "text", required: true, description: "What to echo." },
        { name: "times", defaultValue: 2 },
        { name: "opts", defaultValue: { a: true } },
      ],
    });
    expect(workflowInputFields(spec.inputs)).toEqual([
      { name: "text", kind: "string", required: true, description: "What to echo.", defaultValue: undefined },
      { name: "times", kind: "integer", required: false, description: undefined, defaultValue: 2 },
      { name: "opts", kind: "object", required: false, description: undefined, defaultValue: { a: true } },
    ]);
  });
});
