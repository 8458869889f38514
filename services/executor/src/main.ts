import { runService } from "@mcp/runtime";
import { startExecutor } from "./app.js";
import { loadExecutorConfig } from "./config.js";

runService("executor", startExecutor, loadExecutorConfig);
