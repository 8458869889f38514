import { randomUUID } from "node:crypto";
import { access, mkdir, readFile, rmdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** What a sandbox's cgroup caps for all its processes together. */
export interface CgroupLimits {
  /** memory.max (swap off); 0 = no cap. */
  readonly memoryBytes: number;
  /** pids.max: processes and threads. */
  readonly processes: number;
}

/** Where to look: the cgroup v2 mount, and this process's cgroup (as /proc/self/cgroup says). */
export interface CgroupSource {
  /** Default /sys/fs/cgroup. */
  readonly root?: string;
  /** Default: read from /proc/self/cgroup. */
  readonly selfCgroupFile?: string;
  /** This process's pid (moved into a leaf of its own cgroup); default process.pid. */
  readonly pid?: number;
}

const CONTROLLERS = ["memory", "pids"] as const;

/**
 * The cgroup v2 subtree this process was delegated (a systemd unit with `Delegate=yes`, a container
 * with a private, writable cgroup namespace), set up to hold one child cgroup per sandbox:
 * `<own>/mcp-executor` (this process, as cgroup v2 allows no processes in an inner node) and
 * `<own>/mcp-sandboxes/<id>` with the memory and pids controllers. {@link open} answers why not when
 * the machine does not offer it (cgroup v1 or hybrid layout, controllers not delegated, read-only).
 */
export class CgroupTree {
  private constructor(private readonly sandboxes: string) {}

  static async open(source: CgroupSource = {}): Promise<CgroupTree | { readonly problem: string }> {
    const root = source.root ?? "/sys/fs/cgroup";
    if (!(await exists(join(root, "cgroup.controllers")))) {
      return { problem: `cgroup v2 is not mounted at ${root} (cgroup v1 or a hybrid layout)` };
    }
    const self = await readFile(source.selfCgroupFile ?? "/proc/self/cgroup", "utf8").catch(() => "");
    const path = /^0::(\/.*)$/m.exec(self)?.[1];
    if (path === undefined) return { problem: "this process has no cgroup v2 path in /proc/self/cgroup" };
    const own = join(root, path);
    const offered = (await readFile(join(own, "cgroup.controllers"), "utf8").catch(() => "")).split(/\s+/);
    const missing = CONTROLLERS.filter((c) => !offered.includes(c));
    if (missing.length > 0) {
      return { problem: `the ${missing.join(" and ")} controller(s) are not delegated to ${own}` };
    }
    try {
      const leaf = join(own, "mcp-executor");
      await mkdir(leaf, { recursive: true });
      await writeFile(join(leaf, "cgroup.procs"), String(source.pid ?? process.pid));
      const enable = CONTROLLERS.map((c) => `+${c}`).join(" ");
      await writeFile(join(own, "cgroup.subtree_control"), enable);
      const sandboxes = join(own, "mcp-sandboxes");
      await mkdir(sandboxes, { recursive: true });
      await writeFile(join(sandboxes, "cgroup.subtree_control"), enable);
      return new CgroupTree(sandboxes);
    } catch (error) {
      return { problem: `${own} cannot be set up for sandboxes: ${(error as Error).message}` };
    }
  }

  /** A fresh cgroup for one sandbox with `limits`. */
  async create(limits: CgroupLimits): Promise<SandboxCgroup> {
    const dir = join(this.sandboxes, `s-${randomUUID()}`);
    await mkdir(dir);
    await writeFile(join(dir, "pids.max"), String(limits.processes));
    if (limits.memoryBytes > 0) {
      await writeFile(join(dir, "memory.max"), String(Math.floor(limits.memoryBytes)));
      await writeFile(join(dir, "memory.swap.max"), "0").catch(() => undefined); // no swap accounting: fine
    }
    return new SandboxCgroup(dir);
  }
}

/** One sandbox's cgroup. */
export class SandboxCgroup {
  constructor(readonly dir: string) {}

  /** Moves process `pid` (and the threads of it) into the cgroup. */
  add(pid: number): Promise<void> {
    return writeFile(join(this.dir, "cgroup.procs"), String(pid));
  }

  /** Whether a fork was refused by pids.max (`pids.events` counts them). */
  async processLimitHit(): Promise<boolean> {
    return (await counter(join(this.dir, "pids.events"), "max")) > 0;
  }

  /** Whether the kernel killed a process for memory.max (`memory.events` oom_kill). */
  async memoryLimitHit(): Promise<boolean> {
    return (await counter(join(this.dir, "memory.events"), "oom_kill")) > 0;
  }

  /** Kills whatever is left (cgroup.kill) and removes the cgroup; best effort. */
  async remove(): Promise<void> {
    await writeFile(join(this.dir, "cgroup.kill"), "1").catch(() => undefined);
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        await rmdir(this.dir);
        return;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT") return;
        if (code !== "EBUSY") return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    }
  }
}

async function counter(file: string, key: string): Promise<number> {
  const text = await readFile(file, "utf8").catch(() => "");
  const match = new RegExp(`^${key} (\\d+)$`, "m").exec(text);
  return match ? Number(match[1]) : 0;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
