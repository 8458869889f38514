import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "@mcp/runtime";
import { buildConsole, ConsoleBuildError, consoleBuildState, ensureConsoleBuilt } from "./build.js";

const logger = createLogger({ service: "console", level: "silent" });

/** A console workspace whose build script is `script` (run by npm, like `vite build`). */
function fakeConsole(script: string): string {
  const dir = mkdtempSync(join(tmpdir(), "fake-console-"));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "fake-console", scripts: { build: script } }),
  );
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src", "main.ts"), "export {};\n");
  writeFileSync(join(dir, "index.html"), "<div id=root></div>\n");
  return dir;
}

const WRITES_DIST = `node -e "require('fs').mkdirSync('dist',{recursive:true});require('fs').writeFileSync('dist/index.html','built')"`;

describe("console build", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const make = (script: string) => {
    const dir = fakeConsole(script);
    dirs.push(dir);
    return dir;
  };

  it("is missing without dist/index.html, stale when a source is newer, fresh otherwise", () => {
    const dir = make(WRITES_DIST);
    expect(consoleBuildState(dir)).toBe("missing");
    mkdirSync(join(dir, "dist"));
    writeFileSync(join(dir, "dist", "index.html"), "built");
    const past = new Date(Date.now() - 60_000);
    for (const file of ["package.json", "index.html", "src/main.ts"]) utimesSync(join(dir, file), past, past);
    expect(consoleBuildState(dir)).toBe("fresh");
    mkdirSync(join(dir, "node_modules"));
    writeFileSync(join(dir, "node_modules", "ignored.js"), ""); // not a source
    expect(consoleBuildState(dir)).toBe("fresh");
    writeFileSync(join(dir, "src", "main.ts"), "export const changed = 1;\n");
    utimesSync(join(dir, "src", "main.ts"), new Date(), new Date(Date.now() + 5_000));
    expect(consoleBuildState(dir)).toBe("stale");
  });

  it("runs the workspace's build script and checks that it wrote dist/index.html", async () => {
    const dir = make(WRITES_DIST);
    await buildConsole(dir, { logger });
    expect(consoleBuildState(dir)).not.toBe("missing");
    const writesNothing = make(`node -e "0"`);
    await expect(buildConsole(writesNothing, { logger })).rejects.toThrow(/wrote no .*dist\/index\.html/);
  }, 30_000);

  it("fails with the build's own output when the script fails", async () => {
    const dir = make(`node -e "console.error('vite: cannot resolve ./App'); process.exit(3)"`);
    const error = (await buildConsole(dir, { logger }).catch((e: unknown) => e)) as ConsoleBuildError;
    expect(error).toBeInstanceOf(ConsoleBuildError);
    expect(error.message).toMatch(/^console build failed \(exit code 3\)/);
    expect(error.message).toContain("vite: cannot resolve ./App");
  }, 30_000);

  it("stops a build that is cancelled", async () => {
    const dir = make(`node -e "setTimeout(() => {}, 60000)"`);
    const controller = new AbortController();
    const started = Date.now();
    const building = buildConsole(dir, { logger, signal: controller.signal });
    setTimeout(() => controller.abort(), 500);
    await expect(building).rejects.toThrow("console build cancelled");
    expect(Date.now() - started).toBeLessThan(30_000); // the script alone would run 60 s
  }, 60_000);

  it("ensureConsoleBuilt builds a missing build, keeps a stale one unless asked, and leaves a fresh one", async () => {
    const dir = make(WRITES_DIST);
    expect(await ensureConsoleBuilt(dir, { logger })).toBe("built");
    utimesSync(join(dir, "src", "main.ts"), new Date(), new Date(Date.now() + 5_000));
    expect(await ensureConsoleBuilt(dir, { logger })).toBe("stale");
    expect(await ensureConsoleBuilt(dir, { logger, rebuildStale: true })).toBe("built");
    utimesSync(join(dir, "src", "main.ts"), new Date(), new Date(Date.now() - 5_000));
    expect(await ensureConsoleBuilt(dir, { logger })).toBe("fresh");
  }, 30_000);
});
