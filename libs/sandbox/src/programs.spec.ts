import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findProgram, findSystemProgram } from "./programs.js";

describe("finding programs", () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), "programs-spec-"));
    for (const name of ["sh", "only-here"]) {
      writeFileSync(join(folder, name), "#!/bin/sh\n");
      chmodSync(join(folder, name), 0o755);
    }
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it("takes the first of the given folders that has the program", () => {
    expect(findProgram("sh", [folder])).toBe(join(folder, "sh"));
    expect(findProgram("no-such-program-here", [folder])).toBeUndefined();
  });

  it("takes a system folder's copy over a wrapper in the given folders, and the given folders' only copy", () => {
    expect(findSystemProgram("sh", [folder])).toMatch(/^\/(usr\/)?(local\/)?s?bin\/sh$/);
    expect(findSystemProgram("only-here", [folder])).toBe(join(folder, "only-here"));
  });
});
