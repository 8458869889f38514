export { DEFAULT_NOTEBOOK_TIMEOUT_SECONDS, jupyterNotebookWithDefaults } from "./defaults.js";
export {
  codeCellsOf,
  isCodeCell,
  parseNotebook,
  type CellProblem,
  type CodeCell,
  type NotebookDocument,
  type NotebookProblem,
} from "./notebook-document.js";
export { MAX_NOTEBOOK_BYTES, validateJupyterNotebook } from "./validate.js";
