import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, type ConnectError } from "@connectrpc/connect";
import { errorDetails } from "@mcp/proto/grpc";
import {
  ErrorStrategy,
  type CreateWorkflowRequestSchema,
  type Step,
  type StepSchema,
  type WorkflowSpecSchema,
} from "@mcp/proto/workflows";
import { reasonOf } from "@mcp/runtime";
import { expectCode } from "../support/errors";
import { newPythonMcp, pythonConfig, uniqueName } from "../support/mcps";
import { openWorkflowRows, type WorkflowRows } from "../support/workflow-rows";
import { startTestPlatform, type TestPlatform } from "../support/workflows";

type SpecInit = MessageInitShape<typeof WorkflowSpecSchema>;
/** A plain-object step (not an already-built message), so it can be spread. */
type StepInit = Exclude<MessageInitShape<typeof StepSchema>, Step>;
type CreateInit = MessageInitShape<typeof CreateWorkflowRequestSchema>;

/**
 * Every spec rule of CreateWorkflow and ValidateWorkflow against a real registry: the exact status,
 * the field path (BadRequest) and code (ValidateWorkflow) of each violation, and that a rejected or
 * validated spec writes no row.
 */
describe("WorkflowService spec validation", () => {
  let p: TestPlatform;
  let rows: WorkflowRows;
  let echo: string;

  /** A step `stepId` calling the `echo` MCP (by name, latest version unless overridden). */
  const step = (stepId: string, init: Omit<StepInit, "stepId"> = {}): StepInit => ({
    stepId,
    mcp: { mcp: { case: "name", value: echo } },
    ...init,
  });

  /** `[field, description]` of each google.rpc.BadRequest field violation of `err`. */
  const badRequest = (err: ConnectError) =>
    err
      .findDetails(errorDetails.BadRequestSchema)
      .flatMap((d) => d.fieldViolations.map((v) => [v.field, v.description]));

  /** Runs `call`, expects `code`, and checks the workflow tables hold the same rows after it. */
  async function failsWithoutWriting(call: () => Promise<unknown>, code: Code): Promise<ConnectError> {
    const before = await rows.count();
    const err = await expectCode(call(), code);
    expect(await rows.count()).toEqual(before);
    return err;
  }

  /** CreateWorkflow with a fresh name and `spec` → INVALID_ARGUMENT, nothing written; returns the error. */
  async function createRejected(spec: SpecInit, name = uniqueName("wf")): Promise<ConnectError> {
    return failsWithoutWriting(() => p.client.createWorkflow({ name, spec }), Code.InvalidArgument);
  }

  /** ValidateWorkflow of `spec`: `[field, code]` of each violation; checks nothing was written. */
  async function validateCodes(spec: SpecInit): Promise<string[][]> {
    const before = await rows.count();
    const report = await p.client.validateWorkflow({ target: { case: "spec", value: spec } });
    expect(await rows.count()).toEqual(before);
    expect(report.valid).toBe(report.violations.length === 0);
    return report.violations.map((v) => [v.field, v.code]);
  }

  /** Asserts `err` lists exactly the one violation at `field` whose description contains `text`. */
  function expectOnlyViolation(err: ConnectError, field: string, text: string): void {
    const violations = badRequest(err);
    expect(violations.map(([f]) => f)).toEqual([field]);
    expect(violations[0]?.[1]).toContain(text);
    expect(err.rawMessage).toBe(`${field}: ${violations[0]?.[1]}`);
  }

  beforeAll(async () => {
    p = await startTestPlatform();
    rows = await openWorkflowRows(p.db.url);
    echo = uniqueName("echo");
    await p.registry.client.createMcp(newPythonMcp(echo));
  });
  afterAll(async () => {
    await rows?.close();
    await p?.stop();
  });

  describe("CreateWorkflow", () => {
    it("returns INVALID_ARGUMENT for a duplicate step id at its second use (DUPLICATE_STEP_ID) and writes nothing", async () => {
      const spec: SpecInit = { steps: [step("a"), step("b"), step("a")] };
      const err = await createRejected(spec);
      expectOnlyViolation(err, "spec.steps[2].step_id", "spec.steps[0]");
      expect(await validateCodes(spec)).toEqual([["spec.steps[2].step_id", "DUPLICATE_STEP_ID"]]);
    });

    it("returns INVALID_ARGUMENT for a depends_on entry naming no step (UNKNOWN_DEPENDENCY) and writes nothing", async () => {
      const spec: SpecInit = { steps: [step("a"), step("b", { dependsOn: ["a", "ghost"] })] };
      const err = await createRejected(spec);
      expectOnlyViolation(err, "spec.steps[1].depends_on[1]", '"ghost"');
      expect(await validateCodes(spec)).toEqual([["spec.steps[1].depends_on[1]", "UNKNOWN_DEPENDENCY"]]);
    });

    it("returns INVALID_ARGUMENT naming the cycle a -> b -> a (CYCLE) and writes nothing", async () => {
      const spec: SpecInit = { steps: [step("a", { dependsOn: ["b"] }), step("b", { dependsOn: ["a"] })] };
      const err = await createRejected(spec);
      expectOnlyViolation(err, "spec.steps[0].depends_on[0]", "a -> b -> a");
      expect(await validateCodes(spec)).toEqual([["spec.steps[0].depends_on[0]", "CYCLE"]]);
    });

    it("returns INVALID_ARGUMENT for a step_output of a step that is not upstream (STEP_OUTPUT_NOT_UPSTREAM) and writes nothing", async () => {
      const spec: SpecInit = {
        steps: [
          step("a"),
          step("b", {
            inputs: { text: { source: { case: "stepOutput", value: { stepId: "a", output: "text" } } } },
          }),
        ],
      };
      const err = await createRejected(spec);
      expectOnlyViolation(err, 'spec.steps[1].inputs["text"].step_output.step_id', "not upstream");
      expect(await validateCodes(spec)).toEqual([
        ['spec.steps[1].inputs["text"].step_output.step_id', "STEP_OUTPUT_NOT_UPSTREAM"],
      ]);
    });

    it("returns INVALID_ARGUMENT for a workflow_input that is not declared (UNDECLARED_WORKFLOW_INPUT) and writes nothing", async () => {
      const spec: SpecInit = {
        inputs: [{ name: "url" }],
        steps: [step("a", { inputs: { text: { source: { case: "workflowInput", value: "text" } } } })],
      };
      const err = await createRejected(spec);
      expectOnlyViolation(err, 'spec.steps[0].inputs["text"].workflow_input', '"text"');
      expect(await validateCodes(spec)).toEqual([
        ['spec.steps[0].inputs["text"].workflow_input', "UNDECLARED_WORKFLOW_INPUT"],
      ]);
    });

    it("returns INVALID_ARGUMENT for a spec without steps (EMPTY_WORKFLOW) and writes nothing", async () => {
      const spec: SpecInit = { inputs: [{ name: "text" }], steps: [] };
      const err = await createRejected(spec);
      expectOnlyViolation(err, "spec.steps", "at least one step");
      expect(await validateCodes(spec)).toEqual([["spec.steps", "EMPTY_WORKFLOW"]]);
    });

    it("returns INVALID_ARGUMENT for a FALLBACK to the workflow itself, whatever the case, and writes nothing", async () => {
      const name = uniqueName("selfish");
      const spec: SpecInit = {
        steps: [step("a")],
        errorHandling: { strategy: ErrorStrategy.FALLBACK, fallbackWorkflow: name.toUpperCase() },
      };
      const err = await createRejected(spec, name);
      expectOnlyViolation(err, "spec.error_handling.fallback_workflow", "cannot fall back to itself");
      // ValidateWorkflow of a bare spec does not know the name: there the fallback merely does not exist.
      expect(await validateCodes(spec)).toEqual([
        ["spec.error_handling.fallback_workflow", "FALLBACK_NOT_FOUND"],
      ]);
    });

    it("returns INVALID_ARGUMENT for a retry backoff_multiplier below 1 (OUT_OF_RANGE) and writes nothing", async () => {
      const spec: SpecInit = {
        steps: [step("a")],
        errorHandling: { strategy: ErrorStrategy.RETRY, retry: { maxRetries: 2, backoffMultiplier: 0.5 } },
      };
      const err = await createRejected(spec);
      expectOnlyViolation(err, "spec.error_handling.retry.backoff_multiplier", "0.5");
      expect(await validateCodes(spec)).toEqual([
        ["spec.error_handling.retry.backoff_multiplier", "OUT_OF_RANGE"],
      ]);
    });

    it("returns FAILED_PRECONDITION naming the step whose MCP does not exist (MCP_NOT_FOUND) and writes nothing", async () => {
      const ghost = uniqueName("ghost");
      const spec: SpecInit = {
        steps: [step("ok"), step("fetch", { mcp: { mcp: { case: "name", value: ghost } } })],
      };
      const err = await failsWithoutWriting(
        () => p.client.createWorkflow({ name: uniqueName("wf"), spec }),
        Code.FailedPrecondition,
      );
      expect(err.rawMessage).toContain('step "fetch"');
      expect(err.rawMessage).toContain(ghost);
      expect(err.rawMessage).not.toContain('step "ok"');
      expect(reasonOf(err)).toBe("UNRESOLVED_REFERENCES");
      expect(err.findDetails(errorDetails.ErrorInfoSchema)[0]?.metadata["fields"]).toBe("spec.steps[1].mcp");
      expect(await validateCodes(spec)).toEqual([["spec.steps[1].mcp", "MCP_NOT_FOUND"]]);
    });

    it("returns FAILED_PRECONDITION naming the step pinned to a version that does not exist (MCP_VERSION_NOT_FOUND) and writes nothing", async () => {
      const spec: SpecInit = {
        steps: [
          step("pinned", {
            mcp: { mcp: { case: "name", value: echo }, selector: { case: "version", value: 99 } },
          }),
        ],
      };
      const err = await failsWithoutWriting(
        () => p.client.createWorkflow({ name: uniqueName("wf"), spec }),
        Code.FailedPrecondition,
      );
      expect(err.rawMessage).toContain('step "pinned"');
      expect(err.rawMessage).toContain(`${echo}@99`);
      expect(reasonOf(err)).toBe("UNRESOLVED_REFERENCES");
      expect(await validateCodes(spec)).toEqual([["spec.steps[0].mcp", "MCP_VERSION_NOT_FOUND"]]);
    });

    it("returns FAILED_PRECONDITION naming the step whose label was never set (MCP_LABEL_NOT_FOUND) and writes nothing", async () => {
      const spec: SpecInit = {
        steps: [
          step("labelled", {
            mcp: { mcp: { case: "name", value: echo }, selector: { case: "label", value: "production" } },
          }),
        ],
      };
      const err = await failsWithoutWriting(
        () => p.client.createWorkflow({ name: uniqueName("wf"), spec }),
        Code.FailedPrecondition,
      );
      expect(err.rawMessage).toContain('step "labelled"');
      expect(err.rawMessage).toContain(`${echo}@production`);
      expect(reasonOf(err)).toBe("UNRESOLVED_REFERENCES");
      expect(await validateCodes(spec)).toEqual([["spec.steps[0].mcp", "MCP_LABEL_NOT_FOUND"]]);
    });

    it("accepts a label once it is set, resolving it to the labelled version rather than the latest, and writes one definition and one version", async () => {
      const mcp = uniqueName("prod");
      const created = await p.registry.client.createMcp(newPythonMcp(mcp, "one"));
      await p.registry.client.updateMcp({
        mcp: { case: "id", value: created.mcp!.id },
        config: pythonConfig("two"),
      });
      await p.registry.client.setMcpLabel({
        mcp: { case: "name", value: mcp },
        label: "production",
        version: 1,
      });
      const spec: SpecInit = {
        steps: [
          step("labelled", {
            mcp: { mcp: { case: "name", value: mcp }, selector: { case: "label", value: "production" } },
          }),
        ],
      };

      const report = await p.client.validateWorkflow({ target: { case: "spec", value: spec } });
      expect(report.valid).toBe(true);
      expect(report.resolvedSteps.map((s) => [s.stepId, s.mcpId, s.mcpVersion])).toEqual([
        ["labelled", created.mcp!.id, 1],
      ]);

      const before = await rows.count();
      const name = uniqueName("wf");
      const res = await p.client.createWorkflow({ name, spec });
      expect(res.workflow).toMatchObject({ name, latestVersion: 1 });
      expect(res.version?.spec?.steps[0]?.mcp?.selector).toEqual({ case: "label", value: "production" });
      expect(await rows.count()).toEqual({
        definitions: before.definitions + 1,
        versions: before.versions + 1,
      });
    });

    it("returns INVALID_ARGUMENT listing every violation of a spec with several problems, and writes nothing", async () => {
      const spec: SpecInit = {
        steps: [
          step("a", { dependsOn: ["ghost"] }),
          step("a", { inputs: { text: { source: { case: "workflowInput", value: "nope" } } } }),
        ],
        errorHandling: { strategy: ErrorStrategy.RETRY, retry: { backoffMultiplier: 0.5 } },
      };
      const expected = [
        ["spec.steps[0].depends_on[0]", "UNKNOWN_DEPENDENCY"],
        ["spec.steps[1].step_id", "DUPLICATE_STEP_ID"],
        ['spec.steps[1].inputs["text"].workflow_input', "UNDECLARED_WORKFLOW_INPUT"],
        ["spec.error_handling.retry.backoff_multiplier", "OUT_OF_RANGE"],
      ];
      const err = await createRejected(spec);
      const violations = badRequest(err);
      expect(violations.map(([field]) => field)).toEqual(expected.map(([field]) => field));
      expect(err.rawMessage).toBe(
        violations.map(([field, description]) => `${field}: ${description}`).join("; "),
      );
      expect(await validateCodes(spec)).toEqual(expected);
    });

    it("returns ALREADY_EXISTS when the name is taken in another case, and writes nothing", async () => {
      const name = uniqueName("taken");
      await p.client.createWorkflow({ name, spec: { steps: [step("a")] } });
      const err = await failsWithoutWriting(
        () => p.client.createWorkflow({ name: name.toUpperCase(), spec: { steps: [step("b")] } }),
        Code.AlreadyExists,
      );
      expect(err.rawMessage).toContain(name.toUpperCase());
      expect(reasonOf(err)).toBe("WORKFLOW_ALREADY_EXISTS");
    });

    it("returns INVALID_ARGUMENT on field name for a name that does not start with a letter, and writes nothing", async () => {
      const request: CreateInit = { name: "1-bad name", spec: { steps: [step("a")] } };
      const err = await failsWithoutWriting(() => p.client.createWorkflow(request), Code.InvalidArgument);
      expect(badRequest(err).map(([field]) => field)).toEqual(["name"]);
      expect(err.rawMessage).toMatch(/^name: /);
    });

    it("returns INVALID_ARGUMENT on field tags[1] for a tag with upper case and spaces, and writes nothing", async () => {
      const request: CreateInit = {
        name: uniqueName("wf"),
        tags: ["ok", "Bad Tag"],
        spec: { steps: [step("a")] },
      };
      const err = await failsWithoutWriting(() => p.client.createWorkflow(request), Code.InvalidArgument);
      expect(badRequest(err).map(([field]) => field)).toEqual(["tags[1]"]);
      expect(err.rawMessage).toMatch(/^tags\[1\]: /);
    });
  });

  describe("ValidateWorkflow", () => {
    it("reports valid=false with every rule violation AND every unresolved MCP at once, in field order, writing nothing", async () => {
      const missing = uniqueName("missing");
      const spec: SpecInit = {
        steps: [
          step("a", { dependsOn: ["b"] }),
          step("b", { dependsOn: ["a"] }),
          step("c", { inputs: { x: { source: { case: "stepOutput", value: { stepId: "a" } } } } }),
          { stepId: "d", mcp: { mcp: { case: "name", value: missing } } },
        ],
        outputs: [{ name: "out", stepId: "nowhere" }],
      };
      const before = await rows.count();
      const report = await p.client.validateWorkflow({ target: { case: "spec", value: spec } });
      expect(await rows.count()).toEqual(before);
      expect(report.valid).toBe(false);
      expect(report.violations.map((v) => [v.field, v.code])).toEqual([
        ["spec.steps[0].depends_on[0]", "CYCLE"],
        ['spec.steps[2].inputs["x"].step_output.step_id', "STEP_OUTPUT_NOT_UPSTREAM"],
        ["spec.steps[3].mcp", "MCP_NOT_FOUND"],
        ["spec.outputs[0].step_id", "UNKNOWN_STEP"],
      ]);
      expect(report.violations.every((v) => v.description.length > 0)).toBe(true);
      expect(report.violations[0]?.description).toContain("a -> b -> a");
      expect(report.violations[2]?.description).toContain('step "d"');
      expect(report.resolvedSteps.map((r) => r.stepId)).toEqual(["a", "b", "c"]);
    });

    it("reports valid=true for a good spec with each step's MCP id and resolved version, writing nothing", async () => {
      const concat = uniqueName("concat");
      const concatMcp = await p.registry.client.createMcp(newPythonMcp(concat, "one"));
      await p.registry.client.updateMcp({
        mcp: { case: "id", value: concatMcp.mcp!.id },
        config: pythonConfig("two"),
      });
      const echoMcp = await p.registry.client.getMcp({ mcp: { case: "name", value: echo } });
      const spec: SpecInit = {
        inputs: [{ name: "text", required: true }],
        steps: [
          step("echo", { inputs: { text: { source: { case: "workflowInput", value: "text" } } } }),
          {
            stepId: "concat",
            mcp: { mcp: { case: "id", value: concatMcp.mcp!.id } },
            dependsOn: ["echo"],
            inputs: { text: { source: { case: "stepOutput", value: { stepId: "echo", output: "text" } } } },
          },
          step("pinned", {
            mcp: { mcp: { case: "name", value: concat }, selector: { case: "version", value: 1 } },
          }),
        ],
        outputs: [{ name: "result", stepId: "concat", output: "result" }],
      };
      const before = await rows.count();
      const report = await p.client.validateWorkflow({ target: { case: "spec", value: spec } });
      expect(await rows.count()).toEqual(before);
      expect(report.valid).toBe(true);
      expect(report.violations).toEqual([]);
      expect(report.resolvedSteps.map((s) => [s.stepId, s.mcpId, s.mcpName, s.mcpVersion])).toEqual([
        ["echo", echoMcp.mcp!.id, echo, 1],
        ["concat", concatMcp.mcp!.id, concat, 2],
        ["pinned", concatMcp.mcp!.id, concat, 1],
      ]);
    });
  });
});
