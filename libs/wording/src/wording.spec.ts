import { create } from "@bufbuild/protobuf";
import { StepStatus } from "@mcp/proto/executor";
import { McpReferenceSchema, type McpReference } from "@mcp/proto/registry";
import { selectorText, stepCounts } from "./index";

describe("stepCounts", () => {
  it("counts the steps by status, failures first", () => {
    expect(stepCounts([{ status: StepStatus.SUCCEEDED }, { status: StepStatus.FAILED }], "-")).toBe(
      "1 failed, 1 succeeded of 2",
    );
    expect(stepCounts([{ status: StepStatus.SUCCEEDED }, { status: StepStatus.SUCCEEDED }], "-")).toBe(
      "2 succeeded of 2",
    );
    expect(stepCounts([{ status: StepStatus.RUNNING }, { status: StepStatus.PENDING }], "-")).toBe(
      "1 running, 1 pending of 2",
    );
  });

  it("says what the caller says for a run without steps", () => {
    expect(stepCounts([], "-")).toBe("-");
    expect(stepCounts([], "none yet")).toBe("none yet");
  });
});

describe("selectorText", () => {
  it("names the label, the pinned version, or latest", () => {
    const ref = (selector: McpReference["selector"]) =>
      create(McpReferenceSchema, { mcp: { case: "name", value: "m" }, selector });
    expect(selectorText(ref({ case: "label", value: "production" }))).toBe("label production");
    expect(selectorText(ref({ case: "version", value: 3 }))).toBe("version 3");
    expect(selectorText(ref({ case: undefined }))).toBe("latest");
    expect(selectorText(undefined)).toBe("latest");
  });
});
