import { closeSync, readdirSync, readFileSync } from "node:fs";

/** O_CLOEXEC as /proc/<pid>/fdinfo's `flags:` line shows it (octal). */
const O_CLOEXEC = 0o2000000;

/**
 * Closes the file descriptors this process inherited without close-on-exec (every one above 2 but
 * Node's IPC channel), and returns their numbers. Nothing else would close them: every process this
 * one starts — bubblewrap, and the sandboxed command after it — inherits them, so a pipe or socket
 * of whatever started the service would reach untrusted step code. Node opens every descriptor of
 * its own close-on-exec. Linux only (reads /proc/self); elsewhere closes nothing.
 */
export function closeInheritedDescriptors(): number[] {
  let fds: number[];
  try {
    fds = readdirSync("/proc/self/fd").map(Number);
  } catch {
    return [];
  }
  const channel = ipcChannelFd();
  const closed: number[] = [];
  for (const fd of fds) {
    if (!Number.isInteger(fd) || fd <= 2 || fd === channel) continue;
    const flags = flagsOf(fd);
    if (flags === undefined || (flags & O_CLOEXEC) !== 0) continue;
    try {
      closeSync(fd);
      closed.push(fd);
    } catch {
      // gone meanwhile (the listing's own descriptor)
    }
  }
  return closed;
}

function flagsOf(fd: number): number | undefined {
  try {
    const line = /^flags:\s*([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, "utf8"));
    return line ? parseInt(line[1]!, 8) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Node's IPC channel with the process that forked this one (Node takes NODE_CHANNEL_FD out of the
 * env; it also marks the channel close-on-exec, so this is a second guard). Undefined without one, or
 * where `process` does not expose it (a test runner's sandboxed global).
 */
function ipcChannelFd(): number | undefined {
  try {
    return (process.channel as { fd?: number } | undefined)?.fd;
  } catch {
    return undefined;
  }
}
