// The `mcp` command (bin/mcp.mjs runs this file through tsx).
import { processIo } from "./output.js";
import { runCli } from "./program.js";

void runCli(process.argv.slice(2), processIo, process.env).then((code) => {
  process.exitCode = code;
});
