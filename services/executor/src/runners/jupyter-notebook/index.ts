export {
  DEFAULT_NOTEBOOK_CAPTURE_BYTES,
  NotebookRunner,
  type NotebookRunnerOptions,
} from "./notebook-runner.js";
