import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { JsonObject, JsonValue } from "../../step/index.js";

/** A cell as the driver runs it: the injected parameters, or one of the notebook's code cells. */
export type DriverCell =
  | { readonly kind: "parameters" }
  | {
      readonly kind: "code";
      /** Zero-based among the notebook's code cells (what `cells_to_execute` counts). */
      readonly index: number;
      /** Zero-based among all the notebook's cells. */
      readonly notebookIndex: number;
      readonly source: string;
    };

/** `plan.json`, what the driver is told to do. */
export interface DriverPlan {
  /** In execution order. */
  readonly cells: readonly DriverCell[];
  /** Assigned, as `name = repr(value)` lines, by the `parameters` cell. */
  readonly parameters: JsonObject;
  readonly outputVariables: readonly string[];
  /** Per stream (stdout, stderr, results), bytes kept over all cells together. */
  readonly captureBytes: number;
  /** Rewritten with the cell about to run, so a kill can be blamed on it. */
  readonly progressPath: string;
  /** Exit status after a MemoryError (the bootstrap's MEMORY_ERROR_EXIT_CODE). */
  readonly memoryErrorExitCode: number;
}

/** What one code cell printed and evaluated to, as returned under `_cells` (a type, so it is JSON). */
export type CellOutput = {
  readonly index: number;
  readonly notebookIndex: number;
  readonly stdout: string;
  readonly stderr: string;
  /** `repr` of the cell's last expression when it is not None (Jupyter's execute_result). */
  readonly result: string | null;
  /** True when the capture cap cut this cell's stdout, stderr or result. */
  readonly truncated: boolean;
};

/** The cell a failure or the progress file points at; `index` is absent for the parameters cell. */
export interface CellRef {
  readonly index?: number;
  readonly notebookIndex?: number;
}

/** Why the driver gave up. */
export type DriverError =
  | {
      readonly kind: "exception" | "syntax" | "memory";
      readonly cell: CellRef;
      /** `ExcType: message`. */
      readonly summary: string;
      readonly traceback: string;
    }
  | { readonly kind: "magic"; readonly cell: CellRef; readonly line: number; readonly text: string }
  | { readonly kind: "missing-output"; readonly variables: readonly string[] }
  | {
      readonly kind: "unserialisable-output";
      readonly variable: string;
      readonly type: string;
      readonly reason: string;
    };

/** `result.json`, what the driver reports. */
export type DriverResult =
  | { readonly ok: true; readonly cells: CellOutput[]; readonly outputs: { [name: string]: JsonValue } }
  | { readonly ok: false; readonly cells: CellOutput[]; readonly error: DriverError };

/** The driver program (driver.py beside this file), read on first use. */
let source: string | undefined;

/**
 * The notebook driver's source, written into the step's work dir as driver.py and run there through
 * the bootstrap (`python -c <bootstrap> <settings> driver.py plan.json result.json`); what it does is
 * told in driver.py.
 */
export function notebookDriverSource(): string {
  source ??= readFileSync(join(__dirname, "driver.py"), "utf8");
  return source;
}
