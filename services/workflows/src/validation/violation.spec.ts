import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { SPEC_VIOLATION_CODES } from "./violation.js";

/** The codes the comment of `Violation.code` in workflow.proto names (backquoted UPPER_SNAKE words). */
function documentedCodes(): string[] {
  const proto = readFileSync(resolve(__dirname, "../../../../proto/mcp/workflows/v1/workflow.proto"), "utf8");
  const message = /message Violation \{([\s\S]*?)\n\}/.exec(proto)?.[1] ?? "";
  const comment = /((?:\s*\/\/.*\n)+)\s*string code = 3;/.exec(message)?.[1] ?? "";
  return [...comment.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1] ?? "");
}

describe("violation codes", () => {
  it("the proto documents exactly the codes the validator can emit", () => {
    const documented = documentedCodes();
    expect(documented.length).toBeGreaterThan(0);
    expect([...documented].sort()).toEqual([...SPEC_VIOLATION_CODES].sort());
  });
});
