/**
 * `npm run build`: compiles the services, the console's server, the migration job, the key tool and
 * the CLI into `dist/*.cjs` (one file each, esbuild) and the web console into `console/dist` (Vite).
 * The bundles hold the platform's own code (`@mcp/*` and the entry's sources); third-party packages
 * stay in `node_modules` and are required at run time, so `npm ci --omit=dev` is all an image needs.
 *
 *   npm run build                 everything
 *   npm run build -- --no-console the bundles only (seconds; what tests and the CLI launcher use)
 */
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import { builtinModules } from "node:module";
import { basename, relative, resolve, sep } from "node:path";
import { execFileSync } from "node:child_process";
import { build, type Plugin } from "esbuild";
import { ASSETS, ENTRIES } from "./build/entries.js";

const ROOT = resolve(__dirname, "..");
const DIST = resolve(ROOT, "dist");

/**
 * Third-party packages stay external, required at run time by a path relative to the bundle: the
 * copy the importing source resolves (a workspace may have its own version under its own
 * `node_modules`, as npm installs conflicting versions), never whichever one the root would give.
 * `@mcp/*` and relative imports are bundled; Node's built-ins stay as they are.
 */
const thirdPartyExternal: Plugin = {
  name: "third-party-external",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("@mcp/")) return undefined;
      if (args.path.startsWith("node:") || builtinModules.includes(args.path)) {
        return { path: args.path, external: true };
      }
      let file: string;
      try {
        file = require.resolve(args.path, { paths: [args.resolveDir] });
      } catch {
        return undefined; // not loadable with require (ESM only): bundled instead
      }
      const fromDist = relative(DIST, file).split(sep).join("/");
      return { path: fromDist.startsWith(".") ? fromDist : `./${fromDist}`, external: true };
    });
  },
};

async function main(): Promise<void> {
  const withConsole = !process.argv.includes("--no-console");
  const started = Date.now();
  rmSync(DIST, { recursive: true, force: true });
  mkdirSync(DIST, { recursive: true });
  const common = {
    outdir: DIST,
    outExtension: { ".js": ".cjs" },
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    sourcemap: true,
    // TypeORM entities declare every column's type, so no decorator metadata is needed at run time.
    tsconfig: resolve(ROOT, "tsconfig.base.json"),
    logLevel: "warning",
  } as const;
  const entryPoints = (standalone: boolean) =>
    Object.fromEntries(
      ENTRIES.filter((e) => (e.standalone ?? false) === standalone).map((e) => [
        e.name,
        resolve(ROOT, e.source),
      ]),
    );
  await build({ ...common, entryPoints: entryPoints(false), plugins: [thirdPartyExternal] });
  await build({ ...common, entryPoints: entryPoints(true), minify: true });
  for (const asset of ASSETS) copyFileSync(resolve(ROOT, asset), resolve(DIST, basename(asset)));
  console.log(`dist/: ${ENTRIES.map((e) => `${e.name}.cjs`).join(", ")} in ${Date.now() - started} ms`);
  if (withConsole) {
    execFileSync("npm", ["run", "build", "-w", "console"], { cwd: ROOT, stdio: "inherit" });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
