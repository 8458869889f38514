import { chmod, chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Duplex, Readable, Writable } from "node:stream";
import { bwrapArgs, type NetworkMode } from "./bwrap-args.js";
import { CgroupTree, type CgroupSource, type SandboxCgroup } from "./cgroup.js";
import { attachEgress, type EgressLink, type EgressTools } from "./egress.js";
import { egressDenyList } from "./egress-deny.js";
import { systemMounts, writeEtcFiles, type EtcFiles, type MountOp } from "./host-view.js";
import { checkLimits, DEFAULT_LIMITS, prlimitArgs, type ProcessLimits } from "./limits.js";
import { countTasksBelow } from "./process-tree.js";
import { findProgram, findSystemProgram } from "./programs.js";
import {
  startProcess,
  notStarted,
  type OutputListener,
  type ProcessOutcome,
  type RunningProcess,
} from "./run-process.js";
import type { OutputCapture } from "./output-capture.js";
import { BwrapStatus } from "./bwrap-status.js";
import { gated, openStartGate, START_GATE_FD } from "./start-gate.js";
import { decodeExit, setupFailureOf } from "./exit-status.js";
import { SANDBOX_PATH } from "./sandbox-env.js";
import { startWatchdog, type Watchdog } from "./watchdog.js";
import { errorMessage } from "@mcp/errors";

/**
 * How often a running sandbox's process count is checked against its limit. The first check comes
 * after one period, so the many steps that end sooner cost nothing.
 */
const PROCESS_WATCH_MS = 300;

/** bubblewrap's `--json-status-fd` and `--block-fd`, after the start gate's fd (3). */
const STATUS_FD = START_GATE_FD + 1;
const BLOCK_FD = START_GATE_FD + 2;

/** How many times {@link Sandbox.run} tries to set up a sandbox. */
const SETUP_ATTEMPTS = 3;

/** `bubblewrap`: every process in a sandbox. `off`: plain child processes (unsafe; for machines without it). */
export type SandboxMode = "bubblewrap" | "off";

/** The operator's settings (SANDBOX, SANDBOX_READ_PATHS, SANDBOX_EGRESS_DENY, …). */
export interface SandboxSettings {
  readonly mode: SandboxMode;
  /** Host paths every sandbox may read (e.g. a folder of MCP servers), bound read-only. */
  readonly readOnlyPaths: readonly string[];
  /** Host paths every sandbox may write (a shared data volume), bound read-write. */
  readonly writablePaths?: readonly string[];
  /** Networks (IPv4 CIDR) no sandbox with egress reaches, beyond the built-in list. */
  readonly egressDeny: readonly string[];
  /** URLs of the platform's databases and services: their hosts are denied to egress too. */
  readonly platformUrls: readonly string[];
  /** When this process runs as root, bubblewrap runs as this user and group (default 65534, nobody). */
  readonly uid?: number;
  readonly gid?: number;
  /** Size of each sandbox's private /tmp; default 64 MiB. */
  readonly tmpSizeBytes?: number;
  /** Where bwrap, prlimit, slirp4netns, nsenter and ip are looked for; default PATH, then the system folders. */
  readonly programFolders?: readonly string[];
  /** Limits every command gets unless it sets its own (see {@link Sandbox.limits}); default DEFAULT_LIMITS. */
  readonly defaultLimits?: Partial<ProcessLimits>;
  /** Where to look for a delegated cgroup v2 subtree (tests); `false`: do not use cgroups. */
  readonly cgroups?: CgroupSource | false;
}

/** What the sandbox can do on this machine, as the start-up check found it. */
export interface SandboxStatus {
  /** `unavailable`: bubblewrap was asked for but does not work here (see `problem`). */
  readonly mode: SandboxMode | "unavailable";
  /**
   * How limits are enforced: `cgroup2` (a cgroup per sandbox caps its memory and processes
   * together, on top of the per-process rlimits) where this process was delegated a cgroup v2
   * subtree, else `rlimit` (per-process limits; the process count per sandbox).
   */
  readonly limits: "cgroup2" | "rlimit";
  /** Why cgroup v2 is not used, when it is not. */
  readonly limitsNote?: string;
  /** Why the sandbox is unavailable. */
  readonly problem?: string;
  /** Whether sandboxes may have egress, and if not why. */
  readonly egress: { readonly available: boolean; readonly problem?: string };
}

/** One command to run in a sandbox. */
export interface SandboxedCommand {
  readonly command: string;
  readonly args: readonly string[];
  /** The private work dir: writable, the working directory and HOME. Prepare it with {@link Sandbox.workDir}. */
  readonly workDir: string;
  /** The process's entire environment. */
  readonly env: NodeJS.ProcessEnv;
  readonly network: NetworkMode;
  /** Extra host paths it may read (a venv, a script file's folder). */
  readonly readOnlyPaths?: readonly string[];
  /** Extra host paths it may write (a venv being built). */
  readonly writablePaths?: readonly string[];
  /** Working directory when not the work dir (must be one of the bound paths). */
  readonly cwd?: string;
  readonly limits: ProcessLimits;
  /**
   * The command sets `limits` on itself before running anything untrusted (see {@link rlimitsOf});
   * saves starting `prlimit` first. The Python bootstrap does.
   */
  readonly setsOwnLimits?: boolean;
  /**
   * The command waits at the start gate itself (fd START_GATE_FD, see start-gate.ts) before running
   * anything untrusted; saves starting a shell to hold it. The Python bootstrap does.
   */
  readonly holdsStartGate?: boolean;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly outputCapBytes?: number;
  readonly killGraceMs?: number;
  /** Told every chunk of captured output as it arrives (live logs). */
  readonly onOutput?: OutputListener;
  /** `capture` (default) or `protocol` (stdin/stdout are the caller's, e.g. an MCP stdio server). */
  readonly stdio?: "capture" | "protocol";
}

/** How a sandboxed command ended. */
export interface SandboxedOutcome extends ProcessOutcome {
  /** Set when the sandbox itself could not be set up (bubblewrap's or the network's message). */
  readonly setupError?: string;
  /** The kernel killed a process of the sandbox for its cgroup's memory cap (cgroup2 only). */
  readonly memoryLimit?: boolean;
}

/** A started sandboxed command. */
export interface SandboxedProcess {
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: OutputCapture;
  /** Stops everything in the sandbox. */
  stop(): void;
  readonly done: Promise<SandboxedOutcome>;
}

/** The sandbox was asked for but cannot run here; the message names the missing piece. */
export class SandboxUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SandboxUnavailableError";
  }
}

interface Programs {
  readonly bwrap: string;
  readonly prlimit: string;
}

/**
 * Runs untrusted commands. In `bubblewrap` mode each command gets its own user, PID, IPC, UTS, mount
 * and network namespaces (see bwrap-args.ts), runs as an unprivileged user inside (and, when this
 * process is root, as an unprivileged user outside too), sees a read-only system and its private work
 * dir and /tmp, has the process limits set by `prlimit` inside, and dies with this process — even a
 * process killed the instant it started the command: the command waits at a start gate until its
 * sandbox is bound to this process's life (start-gate.ts), and a watchdog ends what bubblewrap leaves
 * behind of a sandbox being set up at that instant (watchdog.ts). A command whose tasks reach its process
 * limit is stopped at once (a fork bomb ends in well under a second).
 * Egress goes through slirp4netns with the host and the platform denied (egress.ts).
 */
export class Sandbox {
  private constructor(
    readonly status: SandboxStatus,
    private readonly settings: SandboxSettings,
    private readonly programs: Programs | undefined,
    private readonly system: readonly MountOp[],
    private readonly etc: EtcFiles | undefined,
    private readonly egress: EgressTools | undefined,
    private readonly cgroups: CgroupTree | undefined = undefined,
    /** This sandbox's private folder (its /etc files and the commands' work dirs), removed by the watchdog. */
    private readonly scratch: string | undefined = undefined,
    private readonly watchdog: Watchdog | undefined = undefined,
  ) {}

  /** Set by {@link close}: no command starts here any more. */
  private closed: Promise<void> | undefined;

  /** A sandbox with no isolation (SANDBOX=off), e.g. for tests of what runs inside. */
  static unsafe(): Sandbox {
    return new Sandbox(
      { mode: "off", limits: "rlimit", egress: { available: true } },
      { mode: "off", readOnlyPaths: [], egressDeny: [], platformUrls: [] },
      undefined,
      [],
      undefined,
      undefined,
    );
  }

  /**
   * Checks what this machine offers and returns the sandbox. Never throws for a missing piece: the
   * status says what is missing, and running a command then fails with SandboxUnavailableError. The
   * trial run (a shell in a real sandbox checking its uid and its /proc) is {@link selfCheck}.
   */
  static async open(settings: SandboxSettings): Promise<Sandbox> {
    if (settings.mode === "off") {
      const prlimit = findProgram("prlimit", settings.programFolders);
      return new Sandbox(
        { mode: "off", limits: "rlimit", egress: { available: true } },
        settings,
        prlimit === undefined ? undefined : { bwrap: "", prlimit },
        [],
        undefined,
        undefined,
      );
    }
    const bwrap = findProgram("bwrap", settings.programFolders);
    const prlimit = findProgram("prlimit", settings.programFolders);
    const missing = [
      ...(bwrap === undefined ? ["bubblewrap (`bwrap`; Debian package `bubblewrap`)"] : []),
      ...(prlimit === undefined ? ["`prlimit` (Debian package `util-linux`)"] : []),
    ];
    if (missing.length > 0 || bwrap === undefined || prlimit === undefined) {
      return Sandbox.unavailable(settings, `${missing.join(" and ")} not found on PATH`);
    }
    const egressTools = await findEgressTools(settings);
    const scratch = await mkdtemp(join(tmpdir(), "mcp-sandbox-"));
    await chmod(scratch, 0o755); // bubblewrap runs as the sandbox user, who must reach the files in it
    const python = findSystemProgram("python3", settings.programFolders);
    const watchdog = python === undefined ? undefined : startWatchdog(python, scratch);
    const etc = await writeEtcFiles(scratch);
    const cgroups =
      settings.cgroups === false ? { problem: "cgroups are off" } : await CgroupTree.open(settings.cgroups);
    const sandbox = new Sandbox(
      cgroups instanceof CgroupTree
        ? { mode: "bubblewrap", limits: "cgroup2", egress: egressTools.status }
        : { mode: "bubblewrap", limits: "rlimit", limitsNote: cgroups.problem, egress: egressTools.status },
      settings,
      { bwrap, prlimit },
      systemMounts(),
      etc,
      egressTools.tools,
      cgroups instanceof CgroupTree ? cgroups : undefined,
      scratch,
      watchdog,
    );
    return sandbox.selfCheck();
  }

  /**
   * Runs a trial command in a sandbox (and one with egress when egress is available): returns this
   * sandbox when it works, else one whose status is `unavailable` with bubblewrap's own message.
   */
  async selfCheck(): Promise<Sandbox> {
    if (this.status.mode !== "bubblewrap") return this;
    const problem = await this.trial("none");
    if (problem !== undefined) {
      await this.close(); // its folder and watchdog serve no sandbox
      return Sandbox.unavailable(this.settings, problem);
    }
    if (!this.status.egress.available) return this;
    const egressProblem = await this.trial("egress");
    if (egressProblem === undefined) return this;
    return new Sandbox(
      {
        ...this.status,
        egress: { available: false, problem: `egress does not work here: ${egressProblem}` },
      },
      this.settings,
      this.programs,
      this.system,
      this.etc,
      undefined,
      this.cgroups,
      this.scratch,
      this.watchdog,
    );
  }

  /**
   * Closes this sandbox, once nothing runs in it any more (an executor's stop, after its runs have
   * stopped): no command starts here after it, whatever is still left of it is ended, and its private
   * folder is removed (by its watchdog, which then exits: watchdog.ts). A sandbox's watchdog otherwise
   * lives as long as this process, which is right for the one sandbox of a service's process but not
   * for a process that opens and closes several (tests, benchmarks). Idempotent.
   */
  close(): Promise<void> {
    this.closed ??= (async () => {
      if (this.watchdog !== undefined) await this.watchdog.release();
      else if (this.scratch !== undefined)
        await rm(this.scratch, { recursive: true, force: true, maxRetries: 3 });
    })();
    return this.closed;
  }

  /** Throws SandboxUnavailableError once {@link close} was called. */
  private ensureOpen(): void {
    if (this.closed !== undefined)
      throw new SandboxUnavailableError("the sandbox is closed (this service is stopping)");
  }

  private static unavailable(settings: SandboxSettings, problem: string): Sandbox {
    const message =
      `the sandbox does not work on this machine: ${problem}. Code-executing MCP types are refused; ` +
      "install what is missing (see docs/sandbox.md), or set SANDBOX=off to run step code unsandboxed (unsafe)";
    return new Sandbox(
      {
        mode: "unavailable",
        limits: "rlimit",
        problem: message,
        egress: { available: false, problem: message },
      },
      settings,
      undefined,
      [],
      undefined,
      undefined,
    );
  }

  /** The user the sandboxed processes run as on the host (undefined: this process's own). */
  private get hostUser(): { uid: number; gid: number } | undefined {
    if (this.status.mode !== "bubblewrap" || process.getuid?.() !== 0) return undefined;
    return { uid: this.settings.uid ?? 65534, gid: this.settings.gid ?? 65534 };
  }

  /** PATH for a sandboxed process: the sandbox's system folders, or this process's PATH when off. */
  get searchPath(): string {
    return this.status.mode === "off" ? (process.env.PATH ?? SANDBOX_PATH) : SANDBOX_PATH;
  }

  /** The default limits with `overrides` (e.g. a step's memory cap and CPU time) applied. */
  limits(overrides: Partial<ProcessLimits> = {}): ProcessLimits {
    return { ...DEFAULT_LIMITS, ...this.settings.defaultLimits, ...overrides };
  }

  /**
   * Whether a sandboxed process can read host path `path` (a configured script or notebook file, a
   * server's folder): true when it lies in one of the read-only paths (SANDBOX_READ_PATHS), or when the
   * sandbox is off. `path` should be resolved (realpath) by the caller so a symlink cannot point out.
   */
  canRead(path: string): boolean {
    if (this.status.mode === "off") return true;
    return this.readOnlyPaths.some(
      (root) => path === root || path.startsWith(root.endsWith("/") ? root : `${root}/`),
    );
  }

  /** The folders sandboxed processes may read besides the system (SANDBOX_READ_PATHS and SANDBOX_WRITE_PATHS). */
  get readOnlyPaths(): readonly string[] {
    return [...this.settings.readOnlyPaths, ...(this.settings.writablePaths ?? [])];
  }

  /**
   * Runs `body` with a fresh private work dir (named `prefix…`, writable by the sandboxed user) and
   * removes it afterwards, whether `body` resolves or rejects. The dir lies in this sandbox's private
   * folder, which the watchdog removes once this process has ended (or the sandbox is closed): a step's
   * files do not outlive a killed executor.
   */
  async withWorkDir<T>(prefix: string, body: (dir: string) => Promise<T>): Promise<T> {
    this.ensureOpen();
    const dir = await mkdtemp(join(this.scratch ?? tmpdir(), prefix));
    try {
      await this.workDir(dir);
      return await body(dir);
    } finally {
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    }
  }

  /** Makes `dir` (a fresh private folder) writable by the sandboxed user; returns it. */
  async workDir(dir: string): Promise<string> {
    const user = this.hostUser;
    if (user !== undefined) await chown(dir, user.uid, user.gid);
    return dir;
  }

  /**
   * Runs a command to its end. A sandbox that could not be set up (bubblewrap's or the network's
   * failure, before the command started) is tried again, twice at most: such failures can be passing
   * (seen under load), and the command has not run. Rejects with SandboxUnavailableError, or when it
   * cannot be started at all.
   */
  async run(command: SandboxedCommand): Promise<SandboxedOutcome> {
    for (let attempt = 1; ; attempt++) {
      if (command.signal?.aborted) return notStarted("abort");
      const outcome = await (await this.start(command)).done;
      if (outcome.setupError === undefined || attempt >= SETUP_ATTEMPTS) return outcome;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }

  /** Starts a command; see {@link SandboxedProcess}. */
  async start(command: SandboxedCommand): Promise<SandboxedProcess> {
    checkLimits(command.limits);
    if (this.status.mode === "unavailable") throw new SandboxUnavailableError(this.status.problem ?? "");
    this.ensureOpen();
    if (this.status.mode === "off") return this.startUnsandboxed(command);
    if (command.network === "egress" && this.egress === undefined) {
      throw new SandboxUnavailableError(this.status.egress.problem ?? "egress is not available");
    }
    const programs = this.programs!;
    const egress = command.network === "egress" ? this.egress : undefined;
    // held before the command starts while the cgroup is joined and the network attached
    const held = egress !== undefined || this.cgroups !== undefined;
    const args = [
      ...bwrapArgs({
        system: this.system,
        etc: this.etc!,
        readOnlyPaths: [...this.settings.readOnlyPaths, ...(command.readOnlyPaths ?? [])],
        writablePaths: [
          command.workDir,
          ...(this.settings.writablePaths ?? []),
          ...(command.writablePaths ?? []),
        ],
        network: command.network,
        tmpSizeBytes: this.settings.tmpSizeBytes ?? 64 * 1024 * 1024,
        cwd: command.cwd ?? command.workDir,
        statusFd: STATUS_FD,
        ...(held ? { blockFd: BLOCK_FD } : {}),
      }),
      ...(command.holdsStartGate
        ? limited(command, programs.prlimit)
        : gated(limited(command, programs.prlimit))),
    ];
    const running = await startProcess({
      command: programs.bwrap,
      args,
      cwd: command.workDir,
      env: command.env,
      ...this.hostUser,
      timeoutMs: command.timeoutMs,
      ...(command.signal === undefined ? {} : { signal: command.signal }),
      ...(command.outputCapBytes === undefined ? {} : { outputCapBytes: command.outputCapBytes }),
      ...(command.onOutput === undefined ? {} : { onOutput: command.onOutput }),
      ...(command.killGraceMs === undefined ? {} : { killGraceMs: command.killGraceMs }),
      stdio: command.stdio ?? "capture",
      extraPipes: held ? 3 : 2,
    });
    const status = new BwrapStatus(running.child.stdio[STATUS_FD] as Readable);
    openStartGate(running.child.stdio[START_GATE_FD] as Duplex, status.childPid());
    let setupError: string | undefined;
    let link: EgressLink | undefined;
    let cgroup: SandboxCgroup | undefined;
    if (held) {
      try {
        const childPid = await status.childPid();
        if (this.cgroups !== undefined) {
          cgroup = await this.cgroups.create(command.limits);
          if (running.child.pid !== undefined) await cgroup.add(running.child.pid);
          await cgroup.add(childPid);
        }
        if (egress !== undefined) link = await attachEgress(childPid, egress);
        release(running);
      } catch (error) {
        setupError = errorMessage(error);
        running.stop("setup");
      }
    }
    const watch = watchProcessCount(running, command.limits.processes, cgroup);
    const done = running.done
      .then(async (outcome): Promise<SandboxedOutcome> => {
        const decoded = decodeExit(outcome);
        const bwrapError = setupError ?? setupFailureOf(decoded, await status.commandMayHaveRun());
        const memoryLimit = (await cgroup?.memoryLimitHit()) ?? false;
        return {
          ...decoded,
          ...(bwrapError === undefined ? {} : { setupError: bwrapError }),
          ...(memoryLimit ? { memoryLimit } : {}),
        };
      })
      .finally(async () => {
        watch.stop();
        link?.close();
        await cgroup?.remove();
      });
    return {
      stdin: running.stdin,
      stdout: running.stdout,
      stderr: running.stderr,
      stop: () => running.stop("abort"),
      done,
    };
  }

  private async startUnsandboxed(command: SandboxedCommand): Promise<SandboxedProcess> {
    const [program, ...args] = limited(command, this.programs?.prlimit);
    const running = await startProcess({
      command: program!,
      args,
      cwd: command.cwd ?? command.workDir,
      env: command.env,
      timeoutMs: command.timeoutMs,
      ...(command.signal === undefined ? {} : { signal: command.signal }),
      ...(command.outputCapBytes === undefined ? {} : { outputCapBytes: command.outputCapBytes }),
      ...(command.onOutput === undefined ? {} : { onOutput: command.onOutput }),
      ...(command.killGraceMs === undefined ? {} : { killGraceMs: command.killGraceMs }),
      stdio: command.stdio ?? "capture",
      // nothing binds an unsandboxed process to this one's life; a command that holds the gate
      // itself is let through at once
      ...(command.holdsStartGate ? { extraPipes: 1 } : {}),
    });
    if (command.holdsStartGate)
      openStartGate(running.child.stdio[START_GATE_FD] as Duplex, Promise.resolve());
    return {
      stdin: running.stdin,
      stdout: running.stdout,
      stderr: running.stderr,
      stop: () => running.stop("abort"),
      done: running.done,
    };
  }

  /** Runs `id -u` and a count of /proc's processes in a sandbox; a problem description, or undefined when it works. */
  private async trial(network: NetworkMode): Promise<string | undefined> {
    try {
      return await this.withWorkDir("check-", async (dir) => {
        const outcome = await this.run({
          command: "/bin/sh",
          args: ["-c", 'echo "$(id -u) $(ls /proc | grep -c "^[0-9][0-9]*$")"'],
          workDir: dir,
          env: { PATH: "/usr/bin:/bin" },
          network,
          limits: {
            memoryBytes: 0,
            cpuSeconds: 10,
            processes: 16,
            fileSizeBytes: 1024 * 1024,
            openFiles: 64,
          },
          timeoutMs: 15_000,
        });
        if (outcome.setupError !== undefined) return outcome.setupError;
        if (outcome.exitCode !== 0) {
          const why = outcome.stderr.lastLines(3) || `exit ${outcome.exitCode ?? outcome.signal}`;
          return `a trial sandbox failed: ${why}`;
        }
        const [uid, processes] = outcome.stdout.text().trim().split(" ").map(Number);
        if (uid !== 65534) return `a trial sandbox ran as uid ${uid}, not 65534`;
        if (processes === undefined || processes > 8)
          return `a trial sandbox saw ${processes} processes in its /proc`;
        return undefined;
      });
    } catch (error) {
      return errorMessage(error);
    }
  }
}

/** The command line that runs `command` under its limits: through `prlimit`, unless it sets them itself. */
function limited(command: SandboxedCommand, prlimit: string | undefined): string[] {
  if (command.setsOwnLimits || prlimit === undefined) return [command.command, ...command.args];
  return [prlimit, ...prlimitArgs(command.limits), "--", command.command, ...command.args];
}

async function findEgressTools(
  settings: SandboxSettings,
): Promise<{ tools: EgressTools | undefined; status: SandboxStatus["egress"] }> {
  const slirp4netns = findProgram("slirp4netns", settings.programFolders);
  const nsenter = findProgram("nsenter", settings.programFolders);
  const ip = findProgram("ip", settings.programFolders);
  const missing = [
    ...(slirp4netns === undefined ? ["`slirp4netns` (Debian package `slirp4netns`)"] : []),
    ...(nsenter === undefined ? ["`nsenter` (util-linux)"] : []),
    ...(ip === undefined ? ["`ip` (Debian package `iproute2`)"] : []),
  ];
  if (slirp4netns === undefined || nsenter === undefined || ip === undefined) {
    return {
      tools: undefined,
      status: { available: false, problem: `egress needs ${missing.join(", ")}, not found on PATH` },
    };
  }
  const deny = await egressDenyList({ platformUrls: settings.platformUrls, extra: settings.egressDeny });
  return { tools: { slirp4netns, nsenter, ip, deny }, status: { available: true } };
}

/** Lets a held sandbox start its command (a byte on --block-fd). */
function release(running: RunningProcess): void {
  (running.child.stdio[BLOCK_FD] as Writable).end("1");
}

/**
 * Stops `running` with reason `processes` once its tasks come within a tenth of `limit`, or (with a cgroup) once the
 * kernel refused a fork for pids.max (see {@link PROCESS_WATCH_MS}).
 */
function watchProcessCount(
  running: RunningProcess,
  limit: number,
  cgroup: SandboxCgroup | undefined,
): { stop(): void } {
  const pid = running.child.pid;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  // /proc's children lists can miss a few tasks of a tree that forks without pause: a sandbox within
  // a tenth of its limit counts as at it (a workload that close would soon fail to fork anyway)
  const near = limit - Math.max(2, Math.floor(limit / 10));
  const reached = async () =>
    cgroup !== undefined
      ? cgroup.processLimitHit()
      : pid !== undefined && (await countTasksBelow(pid)) >= near;
  const check = async () => {
    if (stopped) return;
    if (await reached()) running.stop("processes");
    if (!stopped) timer = setTimeout(() => void check(), PROCESS_WATCH_MS);
  };
  timer = setTimeout(() => void check(), PROCESS_WATCH_MS);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
