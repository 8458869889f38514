import type { EtcFiles, MountOp } from "./host-view.js";
import { SANDBOX_USER } from "./host-view.js";

/** Network of one sandbox: none at all, or outside hosts through a user-mode stack (see egress.ts). */
export type NetworkMode = "none" | "egress";

/** Everything bubblewrap needs to build one sandbox. */
export interface BwrapLayout {
  /** The read-only system view (see host-view.ts). */
  readonly system: readonly MountOp[];
  readonly etc: EtcFiles;
  /** Host paths the process may read, bound read-only at the same path. */
  readonly readOnlyPaths: readonly string[];
  /** Host paths the process may write (its work dir first), bound read-write at the same path. */
  readonly writablePaths: readonly string[];
  readonly network: NetworkMode;
  /** Size of the private /tmp (a tmpfs). */
  readonly tmpSizeBytes: number;
  /** Working directory inside; one of the bound paths. */
  readonly cwd: string;
  /** bubblewrap writes `{"child-pid": N}` here once the sandbox exists, then `{"exit-code": N}` (see bwrap-status.ts). */
  readonly statusFd?: number;
  /** bubblewrap waits for a byte on this fd before starting the command (set-up from outside first). */
  readonly blockFd?: number;
}

/**
 * The `bwrap` arguments for one sandbox, up to and including `--`: new user, PID, IPC, UTS, mount,
 * cgroup (where possible) and network namespaces; no further user namespaces inside; the fixed
 * unprivileged user `sandbox` (65534) inside; the system view read-only; a fresh /proc showing only
 * the sandbox's processes, a minimal /dev, a private size-capped /tmp; synthetic passwd, group and
 * hosts files; the command in a new session as the namespace's PID 1 (no reaper process), killed
 * when the process that started bubblewrap dies.
 */
export function bwrapArgs(layout: BwrapLayout): string[] {
  const args = [
    "--unshare-user",
    "--unshare-pid",
    "--unshare-ipc",
    "--unshare-uts",
    "--unshare-net",
    "--unshare-cgroup-try",
    "--disable-userns",
    "--uid",
    String(SANDBOX_USER.uid),
    "--gid",
    String(SANDBOX_USER.gid),
    "--hostname",
    "sandbox",
    "--die-with-parent",
    "--new-session",
    // the command is the namespace's init: one process fewer to start; when it exits, the kernel
    // kills whatever else is left in the sandbox
    "--as-pid-1",
  ];
  for (const op of layout.system) args.push(...mountArgs(op));
  args.push(
    "--ro-bind",
    layout.etc.passwd,
    "/etc/passwd",
    "--ro-bind",
    layout.etc.group,
    "/etc/group",
    "--ro-bind",
    layout.etc.hosts,
    "/etc/hosts",
  );
  if (layout.network === "egress") args.push("--ro-bind", layout.etc.resolvConf, "/etc/resolv.conf");
  args.push("--proc", "/proc", "--dev", "/dev");
  args.push("--size", String(Math.floor(layout.tmpSizeBytes)), "--tmpfs", "/tmp");
  for (const path of layout.readOnlyPaths) args.push("--ro-bind", path, path);
  for (const path of layout.writablePaths) args.push("--bind", path, path);
  args.push("--chdir", layout.cwd);
  if (layout.statusFd !== undefined) args.push("--json-status-fd", String(layout.statusFd));
  if (layout.blockFd !== undefined) args.push("--block-fd", String(layout.blockFd));
  args.push("--");
  return args;
}

function mountArgs(op: MountOp): string[] {
  switch (op.op) {
    case "ro-bind":
      return [op.optional ? "--ro-bind-try" : "--ro-bind", op.source, op.dest];
    case "bind":
      return ["--bind", op.source, op.dest];
    case "symlink":
      return ["--symlink", op.target, op.dest];
  }
}
