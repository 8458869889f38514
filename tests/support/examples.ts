import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

const EXAMPLES = resolve(__dirname, "../../examples");

/**
 * Copies `examples/<file>` into `dir` as it is, but with names of the suite's own: every MCP
 * (`example-…`) and each workflow of `workflows` gets `-<sfx>` (the Redis cache is shared between
 * suites, so two suites must not write the same names). Resolves with the copy's path.
 */
export async function exampleCopy(
  file: string,
  dir: string,
  sfx: string,
  workflows: readonly string[],
): Promise<string> {
  let text = (await readFile(join(EXAMPLES, file), "utf8")).replace(/\b(example-[a-z]+)\b/g, `$1-${sfx}`);
  for (const name of workflows) text = text.replace(new RegExp(`\\b${name}\\b`, "g"), `${name}-${sfx}`);
  const copy = join(dir, file);
  await writeFile(copy, text);
  return copy;
}
