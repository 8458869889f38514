// The `mcpctl` command (alias `mcp`): bin/mcpctl.cjs runs this file compiled (dist/mcpctl.cjs) or through tsx.
import { processIo } from "./output.js";
import { runCli } from "./program.js";

void runCli(process.argv.slice(2), processIo, process.env).then((code) => {
  process.exitCode = code;
});
