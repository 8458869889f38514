export { auditInterceptor, outcomeName, type AuditSink, type AuditRecord } from "./interceptor.js";
export { auditTarget } from "./target.js";
export { callAuditKey, type CallAudit } from "./call-audit.js";
