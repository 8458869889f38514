import { existsSync, lstatSync, readdirSync, readlinkSync } from "node:fs";
import { chmod, mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** One mount of the sandbox's file system, in bubblewrap's terms. */
export type MountOp =
  | { readonly op: "ro-bind"; readonly source: string; readonly dest: string; readonly optional?: boolean }
  | { readonly op: "bind"; readonly source: string; readonly dest: string }
  | { readonly op: "symlink"; readonly target: string; readonly dest: string };

/** Top-level system folders an interpreter needs: bound read-only, or recreated as the symlinks they are. */
const SYSTEM_DIRS = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];

/**
 * Files of /etc a process may need and that hold nothing private: the dynamic linker's cache, TLS
 * roots, the time zone, name-service and protocol tables, `alternatives` links. No passwd, shadow,
 * hosts or resolv.conf from the host: the sandbox gets its own (see {@link writeEtcFiles}).
 */
const ETC_ENTRIES = [
  "ld.so.cache",
  "ld.so.conf",
  "ld.so.conf.d",
  "alternatives",
  "ssl",
  "ca-certificates",
  "pki",
  "crypto-policies",
  "localtime",
  "timezone",
  "nsswitch.conf",
  "host.conf",
  "gai.conf",
  "protocols",
  "services",
  "mime.types",
];

/** The synthetic /etc files every sandbox gets, written once per process into a private folder. */
export interface EtcFiles {
  readonly passwd: string;
  readonly group: string;
  readonly hosts: string;
  /** For sandboxes with egress: the user-mode network's DNS forwarder. */
  readonly resolvConf: string;
}

/** The sandbox user as /etc/passwd and /etc/group show it. */
export const SANDBOX_USER = { name: "sandbox", uid: 65534, gid: 65534 } as const;

/** Writes the synthetic /etc files into a new folder `etc` in `parent` (a sandbox's private folder). */
export async function writeEtcFiles(parent: string): Promise<EtcFiles> {
  const dir = join(parent, "etc");
  await mkdir(dir, { mode: 0o755 });
  await chmod(dir, 0o755); // bubblewrap runs as the sandbox user, who must reach these files (umask aside)
  const { name, uid, gid } = SANDBOX_USER;
  const files: EtcFiles = {
    passwd: join(dir, "passwd"),
    group: join(dir, "group"),
    hosts: join(dir, "hosts"),
    resolvConf: join(dir, "resolv.conf"),
  };
  await writeFile(files.passwd, `${name}:x:${uid}:${gid}:sandbox:/tmp:/usr/sbin/nologin\n`, { mode: 0o644 });
  await writeFile(files.group, `${name}:x:${gid}:\n`, { mode: 0o644 });
  await writeFile(files.hosts, "127.0.0.1 localhost sandbox\n::1 localhost\n", { mode: 0o644 });
  await writeFile(files.resolvConf, "nameserver 10.0.2.3\n", { mode: 0o644 });
  return files;
}

/**
 * The read-only system part of the sandbox's file system as this host has it: the system folders
 * (or symlinks), the harmless /etc entries that exist, and any Python configuration folders of /etc
 * (Debian's interpreters read /etc/python3.x).
 */
export function systemMounts(root = "/"): MountOp[] {
  const ops: MountOp[] = [];
  for (const dir of SYSTEM_DIRS) {
    const path = join(root, dir);
    let stats;
    try {
      stats = lstatSync(path);
    } catch {
      continue;
    }
    if (stats.isSymbolicLink()) ops.push({ op: "symlink", target: readlinkSync(path), dest: dir });
    else if (stats.isDirectory()) ops.push({ op: "ro-bind", source: path, dest: dir });
  }
  const etc = join(root, "etc");
  const pythonConfig = existsSync(etc)
    ? readdirSync(etc).filter((name) => /^python3(\.\d+)?$/.test(name))
    : [];
  for (const name of [...ETC_ENTRIES, ...pythonConfig]) {
    if (existsSync(join(etc, name)))
      ops.push({ op: "ro-bind", source: join(etc, name), dest: `/etc/${name}`, optional: true });
  }
  return ops;
}
