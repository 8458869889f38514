import type { JupyterNotebookConfig } from "@mcp/proto/registry";
import { validateMcpConfig, withDefaults } from "../index";
import { config, fields, jupyterNotebook } from "../testing";

/** Field paths of the violations of the example jupyter_notebook config after `change`. */
function violationsAfter(change: (c: JupyterNotebookConfig) => void): string[] {
  const c = jupyterNotebook();
  change(c);
  return fields(validateMcpConfig(config({ case: "jupyterNotebook", value: c })));
}

/** Sets inline notebook content. */
const content = (value: string): JupyterNotebookConfig["source"] => ({ case: "notebookContent", value });

describe("validateMcpConfig (jupyter_notebook)", () => {
  it("accepts inline nbformat 4 content and an absolute .ipynb path", () => {
    expect(violationsAfter(() => {})).toEqual([]);
    expect(
      violationsAfter((c) => (c.source = { case: "notebookPath", value: "/srv/nb/report.ipynb" })),
    ).toEqual([]);
  });

  it("requires one of notebook_content or notebook_path, naming the source oneof", () => {
    expect(violationsAfter((c) => (c.source = { case: undefined }))).toEqual([
      "config.jupyter_notebook.source",
    ]);
  });

  it("rejects content that is not JSON, not nbformat 4, or has no cells array", () => {
    const field = ["config.jupyter_notebook.notebook_content"];
    expect(violationsAfter((c) => (c.source = content("{not json")))).toEqual(field);
    expect(violationsAfter((c) => (c.source = content("[]")))).toEqual(field);
    expect(violationsAfter((c) => (c.source = content('{"nbformat": 3, "cells": []}')))).toEqual(field);
    expect(violationsAfter((c) => (c.source = content('{"nbformat": 4, "cells": {}}')))).toEqual(field);
  });

  it("rejects content over 5 MiB", () => {
    const big = JSON.stringify({ nbformat: 4, cells: [], pad: "x".repeat(5 * 1024 * 1024) });
    expect(violationsAfter((c) => (c.source = content(big)))).toEqual([
      "config.jupyter_notebook.notebook_content",
    ]);
  });

  it("rejects a relative path or one that is not a .ipynb file", () => {
    expect(violationsAfter((c) => (c.source = { case: "notebookPath", value: "nb/report.ipynb" }))).toEqual([
      "config.jupyter_notebook.notebook_path",
    ]);
    expect(violationsAfter((c) => (c.source = { case: "notebookPath", value: "/srv/nb/report.py" }))).toEqual(
      ["config.jupyter_notebook.notebook_path"],
    );
  });

  it("rejects parameter names that are not Python identifiers", () => {
    expect(violationsAfter((c) => (c.parameters = { ok_name: 1, "bad-name": 2 }))).toEqual([
      'config.jupyter_notebook.parameters["bad-name"]',
    ]);
  });

  it("rejects negative, repeated or out-of-range code cell indexes", () => {
    expect(violationsAfter((c) => (c.cellsToExecute = [1, -1, 2, 1]))).toEqual([
      "config.jupyter_notebook.cells_to_execute[1]",
      "config.jupyter_notebook.cells_to_execute[2]",
      "config.jupyter_notebook.cells_to_execute[3]",
    ]);
  });

  it("accepts any non-negative cell index when the notebook is given by path", () => {
    const paths = violationsAfter((c) => {
      c.source = { case: "notebookPath", value: "/srv/nb/report.ipynb" };
      c.cellsToExecute = [0, 7];
    });
    expect(paths).toEqual([]);
  });

  it("rejects output_variables that are empty, not identifiers or repeated", () => {
    expect(violationsAfter((c) => (c.outputVariables = ["y", "", "2x", "y"]))).toEqual([
      "config.jupyter_notebook.output_variables[1]",
      "config.jupyter_notebook.output_variables[2]",
      "config.jupyter_notebook.output_variables[3]",
    ]);
  });

  it("accepts a timeout of 1..3600 seconds only", () => {
    expect(violationsAfter((c) => (c.timeoutSeconds = 0))).toEqual([
      "config.jupyter_notebook.timeout_seconds",
    ]);
    expect(violationsAfter((c) => (c.timeoutSeconds = 3601))).toEqual([
      "config.jupyter_notebook.timeout_seconds",
    ]);
    expect(violationsAfter((c) => (c.timeoutSeconds = 1))).toEqual([]);
  });
});

describe("withDefaults (jupyter_notebook)", () => {
  it("fills a timeout of 300 and keeps a given one", () => {
    const filled = withDefaults(config({ case: "jupyterNotebook", value: jupyterNotebook() }));
    expect((filled.kind.value as JupyterNotebookConfig).timeoutSeconds).toBe(300);
    const given = Object.assign(jupyterNotebook(), { timeoutSeconds: 30 });
    const kept = withDefaults(config({ case: "jupyterNotebook", value: given }));
    expect((kept.kind.value as JupyterNotebookConfig).timeoutSeconds).toBe(30);
  });
});
