import { runService } from "@mcp/runtime";
import { startExecutor } from "./app.js";

runService("executor", startExecutor);
