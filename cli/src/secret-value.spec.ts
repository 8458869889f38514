import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CliError, ExitCode } from "./errors";
import type { Io } from "./output";
import { readSecretValue } from "./secret-value";

/** An Io whose stdin holds `input`; `messages` collects stderr. */
function io(input: Buffer | string, isTTY = false): Io & { messages: string[] } {
  const messages: string[] = [];
  return {
    messages,
    out: () => undefined,
    err: (text) => void messages.push(text),
    errStream: { write: () => true },
    stdin: { read: async () => Buffer.from(input), isTTY },
  };
}

describe("readSecretValue", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "mcp-secret-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("takes --value as it is", async () => {
    expect(await readSecretValue("K", { value: " spaced \n" }, io("ignored"))).toBe(" spaced \n");
  });

  it("reads --from-file and stdin as UTF-8, dropping one trailing newline", async () => {
    const file = join(dir, "token");
    await writeFile(file, "sk-ünï\r\n");
    expect(await readSecretValue("K", { fromFile: file }, io(""))).toBe("sk-ünï");
    expect(await readSecretValue("K", {}, io("line one\nline two\n\n"))).toBe("line one\nline two\n");
  });

  it("says it is reading stdin when stdin is a terminal", async () => {
    const terminal = io("typed\n", true);
    expect(await readSecretValue("API_KEY", {}, terminal)).toBe("typed");
    expect(terminal.messages).toEqual(["reading the value of API_KEY from stdin; end it with Ctrl-D"]);
  });

  it.each([
    ["both sources", { value: "a", fromFile: "b" }, "", /--value or --from-file, not both/],
    ["an empty value", { value: "" }, "", /the value of K is empty/],
    ["an empty stdin", {}, "\n", /the value of K is empty/],
    ["a missing file", { fromFile: "/nonexistent/secret" }, "", /cannot read \/nonexistent\/secret: ENOENT/],
    ["bytes that are not UTF-8", {}, Buffer.from([0x73, 0xff, 0xfe]), /stdin is not UTF-8 text/],
  ])("refuses %s as a usage error", async (_what, source, input, message) => {
    const err = await readSecretValue("K", source, io(input)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(ExitCode.USAGE);
    expect((err as CliError).message).toMatch(message);
  });
});
