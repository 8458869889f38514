import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { requireConsoleBuild } from "../support/console-build";

const ROOT = resolve(__dirname, "../..");

/** `npm run start:console` (the compose `console` service's command) as a child; resolves with its port. */
async function startConsoleAlone(env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/console.ts"], {
    cwd: ROOT,
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  const port = await new Promise<number>((ready, fail) => {
    // a loaded machine may take tens of seconds to start node with tsx
    const timer = setTimeout(() => fail(new Error(`not listening after 90 s:\n${output.join("")}`)), 90_000);
    const collect = (chunk: Buffer) => {
      output.push(chunk.toString());
      const match = /"port":(\d+)[^\n]*"msg":"console listening"/.exec(output.join(""));
      if (match) {
        clearTimeout(timer);
        ready(Number(match[1]));
      }
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`exited (${code}) before listening:\n${output.join("")}`));
    });
  });
  return { child, port, exited, output };
}

describe("npm run start:console (the console alone, as in docker-compose.yml)", () => {
  it("serves the build and a /config.json with the configured browser-visible URLs; SIGTERM stops it", async () => {
    requireConsoleBuild();
    const web = await startConsoleAlone({
      CONSOLE_PORT: "0",
      HOST: "127.0.0.1",
      CONSOLE_REGISTRY_URL: "http://localhost:50051",
      CONSOLE_WORKFLOWS_URL: "http://localhost:50052",
      CONSOLE_EXECUTOR_URL: "http://localhost:50053",
    });
    try {
      const index = await fetch(`http://127.0.0.1:${web.port}/`);
      expect(index.status).toBe(200);
      expect(await index.text()).toContain('<div id="root">');
      const config = await fetch(`http://127.0.0.1:${web.port}/config.json`);
      expect(await config.json()).toEqual({
        registryUrl: "http://localhost:50051",
        workflowsUrl: "http://localhost:50052",
        executorUrl: "http://localhost:50053",
      });
      web.child.kill("SIGTERM");
      expect(await web.exited).toBe(0);
    } finally {
      if (web.child.exitCode === null && web.child.signalCode === null) web.child.kill("SIGKILL");
    }
  }, 240_000);

  it("refuses a bad setting with exit code 2, naming it", async () => {
    await expect(
      startConsoleAlone({ CONSOLE_PORT: "0", CONSOLE_EXECUTOR_URL: "executor:50053" }),
    ).rejects.toThrow(/exited \(2\)[^]*CONSOLE_EXECUTOR_URL must be a URL/);
  }, 240_000);
});
