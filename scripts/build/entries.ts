/**
 * What `npm run build` compiles: each entry point becomes one CommonJS file under `dist/` that plain
 * `node` runs (no tsx, no TypeScript at run time). Bundles sit one level below the repository root, like
 * the `scripts/` they replace, so paths resolved from `__dirname` (the console's `console/dist`) still
 * hold; files a bundle reads beside its source (`assets`) are copied next to it.
 */
export interface BuildEntry {
  /** `dist/<name>.cjs`. */
  readonly name: string;
  /** TypeScript entry point, from the repository root. */
  readonly source: string;
  /** What it is, for `npm run build`'s summary and the docs. */
  readonly what: string;
  /**
   * Bundle third-party packages too (one self-contained file): for the CLI, whose start-up time is
   * mostly module resolution and loading. Services keep them external (native and optional modules).
   */
  readonly standalone?: boolean;
}

export const ENTRIES: readonly BuildEntry[] = [
  {
    name: "registry",
    source: "services/registry/src/main.ts",
    what: "RegistryService (and Workspace/Access services)",
  },
  { name: "workflows", source: "services/workflows/src/main.ts", what: "WorkflowService" },
  { name: "executor", source: "services/executor/src/main.ts", what: "ExecutorService and its schedulers" },
  { name: "console", source: "scripts/console.ts", what: "the web console's server (serves console/dist)" },
  { name: "migrate", source: "scripts/migrate.ts", what: "applies pending database migrations, then exits" },
  {
    name: "keys",
    source: "scripts/admin-keys.ts",
    what: "API key administration (`keys create|list|revoke`)",
  },
  { name: "mcpctl", source: "cli/src/main.ts", what: "the command line (`mcpctl`)", standalone: true },
];

/** Files read at run time from beside a source file (`readFileSync(join(__dirname, …))`), copied to `dist/`. */
export const ASSETS: readonly string[] = [
  "services/executor/src/sandbox/bootstrap.py",
  "services/executor/src/runners/jupyter-notebook/driver.py",
];
