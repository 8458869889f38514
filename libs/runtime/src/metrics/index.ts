export { createMetricsRegistry, counter, gauge, histogram, type ServiceMetrics } from "./registry.js";
export { metricsInterceptor, codeLabel } from "./rpc-interceptor.js";
export { serveMetrics } from "./http.js";
export { coordinationMetrics } from "./coordination.js";
