export {
  MAX_SECRETS,
  adminNeededFor,
  secretNames,
  startsProcesses,
  validateSandboxFields,
} from "./sandbox-fields.js";
