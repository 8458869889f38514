import { runService } from "@mcp/runtime";
import { startWorkflows } from "./app.js";

runService("workflows", startWorkflows);
