import { runService } from "@mcp/runtime";
import { startRegistry } from "./app.js";

runService("registry", startRegistry);
