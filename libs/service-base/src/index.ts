export { openFoundation, type Foundation, type ServeAuth, type MetricsRegistry } from "./foundation.js";
