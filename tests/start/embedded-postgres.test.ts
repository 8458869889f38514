/**
 * The embedded PostgreSQL `npm start` runs when given no database (scripts/single-node/postgres.ts):
 * a port it picked that something took before PostgreSQL could bind it is picked again; a port it
 * was given is never swapped for another.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { freePort } from "../support/free-port";

const ROOT = resolve(__dirname, "../..");

/** What tests/start/programs/embedded-postgres.ts reported. */
interface Outcome {
  readonly port?: number;
  readonly picked: number[];
  readonly answered?: boolean;
  readonly error?: string;
}

async function start(baseDir: string, ...args: string[]): Promise<Outcome> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "tests/start/programs/embedded-postgres.ts", baseDir, ...args],
    { cwd: ROOT, timeout: 120_000 },
  );
  return JSON.parse(stdout.trim().split("\n").pop()!) as Outcome;
}

/** Something holding `port` (as an outgoing connection given it as its local port would). */
async function hold(port: number): Promise<Server> {
  const server = createServer();
  await new Promise<void>((ready, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", ready);
  });
  return server;
}

describe("embedded PostgreSQL", () => {
  const baseDir = mkdtempSync(join(tmpdir(), "mcp-embedded-pg-"));
  const held: Server[] = [];
  afterAll(() => {
    for (const server of held) server.close();
    rmSync(baseDir, { recursive: true, force: true });
  });

  it("picks another port when the one it picked was taken before it could bind it", async () => {
    const taken = await freePort();
    held.push(await hold(taken));
    const free = await freePort();
    expect(await start(baseDir, "picked", String(taken), String(free))).toEqual({
      port: free,
      picked: [taken, free],
      answered: true,
    });
  });

  it("keeps to a port it was given: when that is taken it says so and starts nothing", async () => {
    const taken = await freePort();
    held.push(await hold(taken));
    const outcome = await start(baseDir, "given", String(taken));
    expect(outcome.error).toMatch(new RegExp(`could not start on port ${taken}[^]*Address already in use`));
  });
});
