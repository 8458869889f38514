import { createHash } from "node:crypto";
import { access, mkdir, rm, writeFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { installEnv, type Sandbox, type SandboxedOutcome } from "@mcp/sandbox";
import { acquireDirLock, DirLockTimeoutError } from "./dir-lock.js";

/** Written last into a venv whose requirements installed; a venv without it is incomplete. */
const READY_MARKER = ".mcp-ready";

/** pip flags: no prompts, no self-update check, and a short network timeout with one retry, so an offline machine fails fast. */
const PIP_FLAGS = ["--disable-pip-version-check", "--no-input", "--timeout", "10", "--retries", "1"];

/** Requirements could not be installed: no index reachable, a bad specifier, or the install timed out. */
export class RequirementsUnavailableError extends Error {
  constructor(
    message: string,
    /** pip's captured output, when it ran. */
    readonly log:
      { stdout: string; stderr: string; stdoutTruncated: boolean; stderrTruncated: boolean } | undefined,
  ) {
    super(message);
    this.name = "RequirementsUnavailableError";
  }
}

/** Options of {@link VenvCache}. */
export interface VenvCacheOptions {
  /** Where the installs run: pip runs a package's build code, which is as untrusted as the step's. */
  readonly sandbox: Sandbox;
  /** Folder holding one venv per (MCP id, version). */
  readonly root: string;
  /** The base interpreter (absolute path) venvs are created from. */
  readonly python: string;
  /** Bound on creating the venv plus installing, in total. */
  readonly installTimeoutMs: number;
}

/** Who a venv belongs to: one per MCP version (the requirements of a version never change). */
export interface VenvOwner {
  readonly id: string;
  readonly version: number;
}

/**
 * Virtual environments with an MCP version's pip requirements installed, built once and reused.
 * Concurrent requests for the same venv share one build in this process; a lock folder serializes
 * builds between processes sharing `root`. A failed build leaves nothing behind and is retried on
 * the next request (the index may be reachable by then).
 *
 * Each build runs in a sandbox that may write only the venv's folder, with egress (to reach the
 * package index) when the machine offers it, and with the executor's pip settings (PIP_*, proxies);
 * local folders named by PIP_FIND_LINKS are readable (an offline wheelhouse). Runs bind the finished
 * venv read-only.
 */
export class VenvCache {
  private readonly building = new Map<string, Promise<void>>();

  constructor(private readonly options: VenvCacheOptions) {}

  /** The venv's `python` for `owner`, building the venv first if needed. Rejects with RequirementsUnavailableError. */
  async pythonFor(owner: VenvOwner, requirements: readonly string[]): Promise<string> {
    const bad = requirements.find((r) => r.trim() === "" || r.trimStart().startsWith("-"));
    if (bad !== undefined)
      throw new RequirementsUnavailableError(`invalid requirement ${JSON.stringify(bad)}`, undefined);
    const dir = join(this.options.root, venvName(owner, requirements));
    const python = join(dir, "bin", "python");
    if (await isReady(dir)) return python;
    let pending = this.building.get(dir);
    if (pending === undefined) {
      pending = this.build(dir, requirements).finally(() => this.building.delete(dir));
      this.building.set(dir, pending);
    }
    await pending;
    return python;
  }

  private async build(dir: string, requirements: readonly string[]): Promise<void> {
    const { installTimeoutMs } = this.options;
    const deadline = Date.now() + installTimeoutMs;
    await mkdir(this.options.root, { recursive: true });
    const release = await acquireDirLock(`${dir}.lock`, installTimeoutMs + 60_000, deadline).catch(
      (error: unknown) => {
        if (!(error instanceof DirLockTimeoutError)) throw error;
        throw new RequirementsUnavailableError(
          `requirements not installed: another install of this venv did not finish within ${installTimeoutMs} ms`,
          undefined,
        );
      },
    );
    try {
      if (await isReady(dir)) return;
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir);
      await this.options.sandbox.workDir(dir);
      await this.step(
        dir,
        this.options.python,
        ["-m", "venv", dir],
        deadline,
        "creating the virtual environment",
        false,
      );
      const pip = ["-m", "pip", "install", "--no-cache-dir", ...PIP_FLAGS, ...requirements];
      await this.step(
        dir,
        join(dir, "bin", "python"),
        pip,
        deadline,
        `pip install ${requirements.join(" ")}`,
        true,
      );
      await writeFile(join(dir, READY_MARKER), JSON.stringify({ requirements }));
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    } finally {
      await release();
    }
  }

  private async step(
    dir: string,
    command: string,
    args: string[],
    deadline: number,
    what: string,
    needsIndex: boolean,
  ): Promise<void> {
    const { sandbox } = this.options;
    const timeoutMs = Math.max(1, deadline - Date.now());
    const outcome = await sandbox.run({
      command,
      args,
      workDir: dir,
      env: installEnv(dir, sandbox.searchPath),
      network: needsIndex && sandbox.status.egress.available ? "egress" : "none",
      readOnlyPaths: localFindLinks(),
      limits: sandbox.limits({ memoryBytes: 0, cpuSeconds: Math.ceil(timeoutMs / 1000) }),
      timeoutMs,
    });
    if (outcome.exitCode === 0) return;
    const why =
      outcome.setupError ??
      (outcome.timedOut
        ? `timed out (the whole install is bounded by ${this.options.installTimeoutMs} ms)`
        : `failed with ${outcome.exitCode !== null ? `exit code ${outcome.exitCode}` : `signal ${outcome.signal}`}`);
    throw new RequirementsUnavailableError(
      `requirements not installed: ${what} ${why}; is a package index reachable from the executor?\n` +
        outcome.stderr.lastLines(8),
      logOf(outcome),
    );
  }
}

/** Local folders PIP_FIND_LINKS names (an offline wheelhouse): the install sandbox may read them. */
function localFindLinks(): string[] {
  return (process.env.PIP_FIND_LINKS ?? "")
    .split(/\s+/)
    .map((link) => link.replace(/^file:\/\//, ""))
    .filter((link) => isAbsolute(link));
}

function logOf(outcome: SandboxedOutcome): RequirementsUnavailableError["log"] {
  return {
    stdout: outcome.stdout.text(),
    stderr: outcome.stderr.text(),
    stdoutTruncated: outcome.stdout.truncated,
    stderrTruncated: outcome.stderr.truncated,
  };
}

/** `<id>-v<version>-<hash of requirements>`, safe as a folder name. */
function venvName(owner: VenvOwner, requirements: readonly string[]): string {
  const id = owner.id.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 64);
  const hash = createHash("sha256").update(JSON.stringify(requirements)).digest("hex").slice(0, 12);
  return `${id}-v${owner.version}-${hash}`;
}

async function isReady(dir: string): Promise<boolean> {
  return access(join(dir, READY_MARKER)).then(
    () => true,
    () => false,
  );
}
