import { execFileSync } from "node:child_process";
import { chmod, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Sandbox } from "@mcp/sandbox";
import { closeSpecSandbox, specSandbox } from "../runners/testing.js";
import { resolvePython } from "./resolve-python.js";
import { buildProbeWheel } from "./testing.js";
import { RequirementsUnavailableError, VenvCache } from "./venv-cache.js";

// the specs' sandbox (its watchdog and folder) goes with this file
afterAll(closeSpecSandbox);

jest.setTimeout(90_000);

describe("VenvCache", () => {
  let root: string;
  let python: string;
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await specSandbox();
    python = await resolvePython(sandbox, "python3");
  });
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "venv-cache-spec-"));
    await chmod(root, 0o755);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("fails fast with RequirementsUnavailableError when no index has the requirement, leaving no venv", async () => {
    const bound = 60_000;
    const cache = new VenvCache({ sandbox, root, python, installTimeoutMs: bound });
    const started = Date.now();
    const failure = await cache
      .pythonFor({ id: "mcp-1", version: 1 }, ["mcp-no-such-package-4f1c2e==9.9.9"])
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(RequirementsUnavailableError);
    expect((failure as Error).message).toMatch(
      /requirements not installed: pip install mcp-no-such-package-4f1c2e==9\.9\.9 failed/,
    );
    expect((failure as RequirementsUnavailableError).log?.stderr).toMatch(/mcp-no-such-package-4f1c2e/);
    expect(Date.now() - started).toBeLessThan(bound);
    expect((await readdir(root)).filter((name) => name.startsWith("mcp-1"))).toEqual([]);
  });

  it("gives up when the install outlives installTimeoutMs", async () => {
    const cache = new VenvCache({ sandbox, root, python, installTimeoutMs: 300 });
    const started = Date.now();
    await expect(cache.pythonFor({ id: "mcp-2", version: 1 }, ["anything"])).rejects.toThrow(
      /timed out \(the whole install is bounded by 300 ms\)/,
    );
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it("refuses a requirement that looks like a pip option", async () => {
    const cache = new VenvCache({ sandbox, root, python, installTimeoutMs: 60_000 });
    await expect(cache.pythonFor({ id: "mcp-3", version: 1 }, ["--index-url=http://evil/"])).rejects.toThrow(
      RequirementsUnavailableError,
    );
  });

  it("installs the requirements once per MCP version and reuses the venv", async () => {
    const wheelhouse = await mkdtemp(join(tmpdir(), "venv-cache-spec-wheels-"));
    await chmod(wheelhouse, 0o755);
    buildProbeWheel(python, wheelhouse);
    process.env.PIP_FIND_LINKS = wheelhouse;
    process.env.PIP_NO_INDEX = "1";
    const wheel = "mcp-probe==1.0";
    const cache = new VenvCache({ sandbox, root, python, installTimeoutMs: 60_000 });
    const owner = { id: "mcp-4", version: 2 };
    const [first, concurrent] = await Promise.all([
      cache.pythonFor(owner, [wheel]),
      cache.pythonFor(owner, [wheel]),
    ]);
    expect(concurrent).toBe(first);
    expect(execFileSync(first, ["-c", "import mcp_probe; print(mcp_probe.VALUE)"]).toString().trim()).toBe(
      "42",
    );
    const marker = join(dirname(dirname(first)), ".mcp-ready");
    const builtAt = (await stat(marker)).mtimeMs;

    const started = Date.now();
    const again = await new VenvCache({ sandbox, root, python, installTimeoutMs: 60_000 }).pythonFor(owner, [
      wheel,
    ]);
    expect(again).toBe(first);
    // reused, not built again: its ready marker is untouched (and no install's time went by)
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await stat(marker)).mtimeMs).toBe(builtAt);
    expect(await cache.pythonFor({ id: "mcp-4", version: 3 }, [wheel])).not.toBe(first);
    delete process.env.PIP_FIND_LINKS;
    delete process.env.PIP_NO_INDEX;
    await rm(wheelhouse, { recursive: true, force: true });
  });
});
