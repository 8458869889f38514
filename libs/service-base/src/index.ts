export { openFoundation, type Foundation, type ServeAuth, type MetricsRegistry } from "./foundation.js";
export { openSandbox, reportSandboxHealth, SANDBOX_HEALTH_SERVICE } from "./sandbox.js";
