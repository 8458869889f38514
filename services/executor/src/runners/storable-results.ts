import { StepFailure, type JsonValue, type Runner, type RunnerFor, type StepResult } from "../step/index.js";

/** A character PostgreSQL cannot store in text or jsonb (U+0000), or a lone UTF-16 surrogate. */
// eslint-disable-next-line no-control-regex -- U+0000 is exactly what must be found
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// eslint-disable-next-line no-control-regex -- as above
const UNSTORABLE_ALL = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Names what `text` holds that cannot be stored, or undefined. */
function unstorableIn(text: string): string | undefined {
  const match = UNSTORABLE.exec(text);
  if (!match) return undefined;
  return match[0] === "\u0000"
    ? "U+0000"
    : `a lone surrogate U+${match[0].charCodeAt(0).toString(16).toUpperCase()}`;
}

/** The JSONPath of the first string (value or key) in `value` that cannot be stored, and what it holds. */
export function firstUnstorable(value: JsonValue, path = "$"): string | undefined {
  if (typeof value === "string") {
    const what = unstorableIn(value);
    return what === undefined ? undefined : `${path} holds ${what}`;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstUnstorable(value[i]!, `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const at = /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
      const inKey = unstorableIn(key);
      if (inKey) return `${at} (a key) holds ${inKey}`;
      const found = firstUnstorable(item, at);
      if (found) return found;
    }
  }
  return undefined;
}

/** `text` with what cannot be stored replaced by U+FFFD, as a log may be. */
export function storableText(text: string): string {
  return UNSTORABLE.test(text) ? text.replace(UNSTORABLE_ALL, "\uFFFD") : text;
}

function storableStreams<T extends Partial<Pick<StepResult, "stdout" | "stderr">>>(output: T): T {
  return {
    ...output,
    ...(output.stdout === undefined ? {} : { stdout: storableText(output.stdout) }),
    ...(output.stderr === undefined ? {} : { stderr: storableText(output.stderr) }),
  };
}

/**
 * Makes what each step leaves behind storable before the engine sees it: outputs (and usage) holding
 * U+0000 or a lone surrogate — which PostgreSQL cannot store, and which other steps would read —
 * fail the step with INVALID_OUTPUT naming where (`$.s holds U+0000`); in its logs and error message
 * such characters are replaced with U+FFFD. A step whose result could not be recorded would otherwise
 * be run again and again.
 */
export function withStorableResults(base: RunnerFor): RunnerFor {
  return (mcp) => {
    const runner = base(mcp);
    return {
      run: async (context) => {
        let result: StepResult;
        try {
          result = await runner.run(context);
        } catch (error) {
          if (!(error instanceof StepFailure)) throw error;
          throw new StepFailure(error.code, storableText(error.message), storableStreams(error.output), {
            cause: error,
          });
        }
        const streams = storableStreams(result);
        const where =
          firstUnstorable(result.outputs) ??
          (result.usage === undefined ? undefined : firstUnstorable(result.usage, "usage"));
        if (where !== undefined) {
          throw new StepFailure("INVALID_OUTPUT", `the step's outputs cannot be stored: ${where}`, {
            stdout: streams.stdout,
            stderr: streams.stderr,
            stdoutTruncated: result.stdoutTruncated,
            stderrTruncated: result.stderrTruncated,
          });
        }
        return streams;
      },
    } satisfies Runner;
  };
}
