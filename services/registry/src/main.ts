import { runService } from "@mcp/runtime";
import { startRegistry } from "./app.js";
import { loadRegistryConfig } from "./config.js";

runService("registry", startRegistry, loadRegistryConfig);
