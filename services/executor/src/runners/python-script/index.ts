export {
  DEFAULT_INSTALL_TIMEOUT_MS,
  PythonScriptRunner,
  type PythonScriptRunnerOptions,
} from "./python-script-runner.js";
