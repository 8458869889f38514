import { spawn } from "node:child_process";
import { join } from "node:path";

jest.setTimeout(60_000);

/**
 * A Node child started by bash having opened fd 40 without close-on-exec (as a shell, a terminal or
 * a supervisor may leave one), with Node's IPC channel back to this process: it opens a file of its
 * own, closes what it inherited and reports over the channel.
 */
const CHILD = `
const { openSync, readdirSync } = require("node:fs");
const { closeInheritedDescriptors } = require(${JSON.stringify(join(__dirname, "inherited-fds.ts"))});
const own = openSync("/dev/null", "r");
const closed = closeInheritedDescriptors();
process.send({ closed, own, channel: process.channel.fd, open: readdirSync("/proc/self/fd").map(Number) }, () => process.exit(0));
`;

interface Report {
  closed: number[];
  own: number;
  channel: number;
  open: number[];
}

describe("closeInheritedDescriptors", () => {
  it("closes what the process inherited without close-on-exec, and keeps 0–2, its own descriptors and the IPC channel", async () => {
    const child = spawn(
      "/bin/bash",
      ["-c", 'exec "$0" --import tsx -e "$1" 40</dev/null', process.execPath, CHILD],
      {
        stdio: ["ignore", "ignore", "pipe", "ipc"],
      },
    );
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const report = await new Promise<Report>((resolve, reject) => {
      child.once("message", (message) => resolve(message as Report));
      child.once("exit", (code) =>
        reject(new Error(`child exited with ${code} before reporting: ${stderr}`)),
      );
    });
    expect(report.channel).toBe(3);
    expect(report.closed).toContain(40);
    expect(report.closed).not.toContain(report.own);
    expect(report.closed).not.toContain(report.channel);
    expect(report.closed.every((fd) => fd > 2)).toBe(true);
    expect(report.open).not.toContain(40);
    expect(report.open).toEqual(expect.arrayContaining([0, 1, 2, 3, report.own]));
  });
});
