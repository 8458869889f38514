/**
 * Starts the embedded PostgreSQL of `npm start` (scripts/single-node/postgres.ts) in its own process
 * (it loads its binaries' ESM package, which Jest's module sandbox cannot), prints what happened as
 * one JSON line, stops it and exits. Arguments: the base folder, then `given <port>` (start on that
 * port) or `picked <port>...` (the ports its picker hands out, in order).
 * Run by tests/start/embedded-postgres.test.ts with `node --import tsx`.
 */
import { resolve } from "node:path";
import { Client } from "pg";

/** What this program uses of scripts/single-node/postgres.ts (loaded by path, as tests run scripts/). */
interface EmbeddedPostgresModule {
  startEmbeddedPostgres(options: {
    baseDir: string;
    port?: number;
    pickPort?: () => Promise<number>;
  }): Promise<{ readonly port: number; urlFor(database: string): string; stop(): Promise<void> }>;
}

async function main(): Promise<void> {
  // run from the repository's root (the test's cwd)
  const { startEmbeddedPostgres } = (await import(
    resolve("scripts/single-node/postgres.ts")
  )) as EmbeddedPostgresModule;
  const [baseDir, mode, ...ports] = process.argv.slice(2);
  const numbers = ports.map(Number);
  const picked: number[] = [];
  try {
    const pg = await startEmbeddedPostgres({
      baseDir: baseDir!,
      ...(mode === "given"
        ? { port: numbers[0] }
        : {
            pickPort: () => {
              const port = numbers[picked.length];
              if (port === undefined) throw new Error("no more ports to pick");
              picked.push(port);
              return Promise.resolve(port);
            },
          }),
    });
    const client = new Client({ connectionString: pg.urlFor("postgres") });
    await client.connect();
    const { rows } = await client.query<{ one: number }>("SELECT 1 AS one");
    await client.end();
    await pg.stop();
    console.log(JSON.stringify({ port: pg.port, picked, answered: rows[0]?.one === 1 }));
  } catch (err) {
    console.log(JSON.stringify({ error: err instanceof Error ? err.message : String(err), picked }));
  }
}

void main();
