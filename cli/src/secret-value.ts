import { readFile } from "node:fs/promises";
import { CliError, ExitCode } from "./errors.js";
import type { Io } from "./output.js";

/** Where `mcp secret set` takes the value from: `--value`, `--from-file`, or stdin when neither. */
export interface SecretValueSource {
  readonly value?: string;
  readonly fromFile?: string;
}

const usage = (message: string) => new CliError(message, ExitCode.USAGE);

/** Decodes UTF-8 strictly: a file or pipe that is not text is refused rather than silently altered. */
function utf8(bytes: Buffer, where: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw usage(`${where} is not UTF-8 text; a secret's value must be text`);
  }
}

/** Drops one trailing newline (`\n` or `\r\n`), the one `echo` and editors add. */
const withoutFinalNewline = (text: string) => text.replace(/\r?\n$/, "");

/**
 * The value to set, from exactly one source. From a file or stdin, one trailing newline is dropped.
 * Usage errors (exit 2) for two sources, an unreadable or non-UTF-8 file, or an empty value; the
 * messages never contain the value.
 */
export async function readSecretValue(name: string, source: SecretValueSource, io: Io): Promise<string> {
  if (source.value !== undefined && source.fromFile !== undefined) {
    throw usage("give the value with --value or --from-file, not both");
  }
  let value: string;
  if (source.value !== undefined) {
    value = source.value;
  } else if (source.fromFile !== undefined) {
    let bytes: Buffer;
    try {
      bytes = await readFile(source.fromFile);
    } catch (err) {
      throw usage(
        `cannot read ${source.fromFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      );
    }
    value = withoutFinalNewline(utf8(bytes, source.fromFile));
  } else {
    if (io.stdin.isTTY) io.err(`reading the value of ${name} from stdin; end it with Ctrl-D`);
    value = withoutFinalNewline(utf8(await io.stdin.read(), "stdin"));
  }
  if (value === "") {
    throw usage(`the value of ${name} is empty; pass --value, --from-file PATH, or pipe it on stdin`);
  }
  return value;
}
