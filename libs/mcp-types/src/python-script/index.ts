export {
  DEFAULT_MEMORY_LIMIT_MB,
  DEFAULT_PYTHON_TIMEOUT_SECONDS,
  pythonScriptWithDefaults,
} from "./defaults.js";
export { MAX_REQUIREMENTS, MAX_SCRIPT_BYTES, validatePythonScript } from "./validate.js";
