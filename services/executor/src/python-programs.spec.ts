import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { promisify } from "node:util";

/**
 * The Python programs the executor runs (sandbox/bootstrap.py, runners/jupyter-notebook/driver.py)
 * are tested as Python: each `test_*.py` beside them is a unittest module, run here with python3 so
 * that `npm test` runs them. (`npm run lint` type-checks them with pyright.)
 */

const run = promisify(execFile);
const SRC = __dirname;

function pythonTests(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "__pycache__" ? [] : pythonTests(path);
    return /^test_.*\.py$/.test(entry.name) ? [path] : [];
  });
}

const tests = pythonTests(SRC);

describe("the Python programs", () => {
  it("have unittest modules beside them", () => {
    expect(tests.map((path) => relative(SRC, path)).sort()).toEqual([
      "runners/jupyter-notebook/test_driver.py",
      "sandbox/test_bootstrap.py",
    ]);
  });

  it.each(tests.map((path) => [relative(SRC, path), path]))("%s passes", async (_name, path) => {
    const { stderr } = await run("python3", ["-m", "unittest", "-v", basename(path, ".py")], {
      cwd: dirname(path),
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
      timeout: 60_000,
    }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(
        `${relative(SRC, path)} failed:\n${error.stderr ?? ""}${error.stdout ?? ""}${error.message}`,
      );
    });
    expect(stderr).toMatch(/\nOK\s*$/);
  });
});
