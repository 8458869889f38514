/**
 * Issue #19 (visual workflow builder), in Chromium against a real platform: a 4-step workflow is built
 * from scratch on the canvas — steps from the palette, dependencies drawn by dragging handle to
 * handle, inputs mapped in the side panel (a workflow input, static values, upstream outputs), no
 * YAML typed — while ValidateWorkflow marks the step whose required inputs are not mapped yet; the
 * YAML view shows the same spec and switching back keeps it; Create saves it, and its run's graph
 * turns green. An edit in the builder then saves v2. Screenshots: `tests/artifacts/builder-*.png`.
 */
import type { Page } from "playwright-core";
import { saveScreenshot, startTestConsole, useBrowser, type TestConsole } from "../support/browser";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { CONCAT_SCRIPT, ECHO_SCRIPT, scriptConfig } from "../support/scripts";
import { waitFor } from "../support/wait-for";

const textSchema = (...names: string[]) => ({
  type: "object",
  properties: Object.fromEntries(names.map((n) => [n, { type: "string" }])),
  required: names,
});

/** Drags from the bottom handle of `from` to the top handle of `to`: `to` then depends on `from`. */
async function drawEdge(page: Page, from: string, to: string): Promise<void> {
  const source = page.locator(`.react-flow__node[data-id="${from}"] .react-flow__handle.source`);
  const target = page.locator(`.react-flow__node[data-id="${to}"] .react-flow__handle.target`);
  const a = (await source.boundingBox())!;
  const b = (await target.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
  await page.locator(`.react-flow__edge[data-id="${from}->${to}"]`).waitFor({ state: "attached" });
}

describe("web console › visual workflow builder (Chromium, a real platform)", () => {
  const browser = useBrowser();
  let platform: TestPlatform;
  let web: TestConsole;
  const prefix = uniqueName("vb");
  const echo = `${prefix}-echo`;
  const concat = `${prefix}-concat`;

  beforeAll(async () => {
    platform = await startPlatform();
    web = await startTestConsole(platform);
    await platform.clients.registry.createMcp({
      name: echo,
      config: scriptConfig(ECHO_SCRIPT, 60),
      inputSchema: textSchema("text"),
      outputSchema: { type: "object", properties: { text: { type: "string" } } },
    });
    await platform.clients.registry.createMcp({
      name: concat,
      config: scriptConfig(CONCAT_SCRIPT, 60),
      inputSchema: textSchema("prefix", "text"),
      outputSchema: { type: "object", properties: { result: { type: "string" } } },
    });
  }, 240_000);

  afterAll(async () => {
    await web?.stop();
    await platform?.stop();
  });

  it("builds a 4-step workflow from the palette, saves it, runs it and the run graph turns green", async () => {
    const page = browser.page();
    const workflow = uniqueName("built");
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));

    await page.goto(`${web.url}/workflows`);
    await page.getByRole("link", { name: "Build visually" }).click();
    await page.getByRole("heading", { level: 1, name: "New workflow" }).waitFor();
    expect(await page.getByRole("button", { name: "Visual builder" }).getAttribute("aria-pressed")).toBe(
      "true",
    );
    await page.getByLabel("Name", { exact: true }).fill(workflow);
    const panel = page.locator(".builder-panel");
    const node = (id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);

    // the workflow's input, in the workflow panel (nothing selected)
    await panel.getByRole("button", { name: "Add workflow input" }).click();
    await panel.getByLabel("Name of input 1").fill("text");
    await panel.getByLabel("Input 1 is required").check();

    // the palette finds the MCPs by name and shows their labels
    await page.getByLabel("Search MCPs").fill(prefix);
    const palette = page.getByRole("list", { name: "MCPs" });
    await palette.getByRole("listitem").filter({ hasText: concat }).getByText("latest v1").waitFor();
    // the list before the search may hold them too; the searched one (a new query) holds just the two
    await waitFor("the palette to list the two MCPs searched for", async () =>
      (await palette.getAttribute("aria-busy")) === "false" &&
      (await palette.getByRole("listitem").count()) === 2
        ? true
        : undefined,
    );

    /** Adds a step from the palette and renames it in its panel. */
    const addStep = async (mcp: string, id: string) => {
      await palette.getByRole("button", { name: `Add step ${mcp}`, exact: true }).click();
      const stepId = panel.getByLabel("Step id");
      await stepId.fill(id);
      await stepId.press("Enter");
      await panel.getByRole("heading", { name: `Step ${id}` }).waitFor();
      await node(id).waitFor();
    };
    const mapWorkflowInput = async (input: string, from: string) => {
      await panel.getByLabel(`Source of ${input}`).selectOption("workflowInput");
      await panel.getByLabel(`Workflow input for ${input}`).selectOption(from);
    };
    const mapStatic = async (input: string, value: string) => {
      await panel.getByLabel(`Source of ${input}`).selectOption("static");
      await panel.getByLabel(`Value of ${input}`).fill(value);
    };
    const mapOutput = async (input: string, step: string, output: string) => {
      await panel.getByLabel(`Source of ${input}`).selectOption("stepOutput");
      await panel.getByLabel(`Step for ${input}`).selectOption(step);
      await panel.getByLabel(`Output of ${input}`).fill(output);
    };
    const select = async (id: string) => {
      await node(id).click();
      await panel.getByRole("heading", { name: `Step ${id}` }).waitFor();
    };

    await addStep(echo, "fetch");
    await mapWorkflowInput("text", "text");

    // a concat step with nothing mapped yet: validation marks its box and its required inputs
    await addStep(concat, "left");
    await node("left").locator('[data-problems="2"]').waitFor();
    // each missing input is marked on its own row
    await panel
      .locator('fieldset[data-input="prefix"] .field-error')
      .getByText(/requires input "prefix"/)
      .waitFor();
    await panel
      .locator('fieldset[data-input="text"] .field-error')
      .getByText(/requires input "text"/)
      .waitFor();
    await saveScreenshot(page, "builder-problems");
    await drawEdge(page, "fetch", "left");
    await select("left");
    await mapStatic("prefix", "L:");
    await mapOutput("text", "fetch", "text");
    await node("left").locator('[data-problems="0"]').waitFor();

    await addStep(concat, "right");
    await drawEdge(page, "fetch", "right");
    await select("right");
    await mapStatic("prefix", "R:");
    await mapOutput("text", "fetch", "text");

    await addStep(concat, "join");
    await drawEdge(page, "left", "join");
    await drawEdge(page, "right", "join");
    await select("join");
    await mapOutput("prefix", "left", "result");
    await mapOutput("text", "right", "result");

    // a fifth step, removed again from the keyboard
    await palette.getByRole("button", { name: `Add step ${echo}`, exact: true }).click();
    const extra = node(`${echo}`);
    await extra.waitFor();
    await extra.focus();
    await page.keyboard.press("Delete");
    await extra.waitFor({ state: "detached" });

    // the workflow's output, from the workflow panel
    await page.locator(".react-flow__pane").click({ position: { x: 5, y: 5 } });
    await panel.getByRole("heading", { name: "Workflow", exact: true }).waitFor();
    await panel.getByRole("button", { name: "Add workflow output" }).click();
    await panel.getByLabel("Name of output 1").fill("result");
    await panel.getByLabel("Step of output 1").selectOption("join");
    await panel.getByLabel("Step output of output 1").fill("result");

    const live = page.getByTestId("live-validation");
    await live.and(page.locator('[data-current="true"]')).getByText("Valid: no problems found.").waitFor();
    expect(await page.locator(".react-flow__node").count()).toBe(4);
    expect(await page.locator(".react-flow__edge").count()).toBe(4);
    await saveScreenshot(page, "builder-4-steps");

    // the YAML view holds the same spec; back in the builder, nothing is lost
    await page.getByRole("button", { name: "YAML", exact: true }).click();
    const yaml = page.getByRole("textbox", { name: "Spec (YAML or JSON)" });
    await yaml.waitFor();
    // CodeMirror replaces the plain text area once its chunk has loaded
    const text = await waitFor("the spec in the YAML view", async () => {
      const shown = await yaml.innerText();
      return shown.includes("stepId: join") ? shown : undefined;
    });
    // (CodeMirror draws the lines in view: the spec's beginning)
    for (const expected of [
      "stepId: fetch",
      "workflowInput: text",
      "- fetch",
      'staticValue: "L:"',
      "stepId: join",
    ])
      expect(text).toContain(expected);
    await page.getByRole("button", { name: "Visual builder" }).click();
    await node("join").waitFor();
    expect(await page.locator(".react-flow__edge").count()).toBe(4);

    await page.getByRole("button", { name: "Create workflow" }).click();
    await page.waitForURL(`${web.url}/workflows/${workflow}`);
    const { version } = await platform.clients.workflows.getWorkflow({
      workflow: { case: "name", value: workflow },
    });
    expect(version?.spec?.steps.map((s) => [s.stepId, s.dependsOn])).toEqual([
      ["fetch", []],
      ["left", ["fetch"]],
      ["right", ["fetch"]],
      ["join", ["left", "right"]],
    ]);

    // run it from its page and watch the graph turn green
    await page.getByLabel("text", { exact: true }).fill("hi");
    await page.getByRole("button", { name: "Run workflow" }).click();
    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const dag = page.getByTestId("dag");
    for (const id of ["fetch", "left", "right", "join"])
      await dag.locator(`[data-step="${id}"][data-status="SUCCEEDED"].tone-node-ok`).waitFor();
    await page.getByTestId("run-status").filter({ hasText: "SUCCEEDED" }).waitFor();
    await page.getByText("L:hiR:hi").first().waitFor();
    await saveScreenshot(page, "builder-run-green");

    // edit it in the builder: v2 pins the join step's MCP to v1
    await page.goto(`${web.url}/workflows/${workflow}`);
    await page.getByRole("link", { name: "Edit v1" }).click();
    await page.getByRole("heading", { level: 1, name: `Edit ${workflow}` }).waitFor();
    await select("join");
    await panel.getByLabel(`Version of MCP ${concat}`).selectOption("version:1");
    await page.getByLabel("Change note").fill("pin join");
    await live.and(page.locator('[data-current="true"]')).getByText("Valid: no problems found.").waitFor();
    await page.getByRole("button", { name: "Save new version" }).click();
    await page.waitForURL(`${web.url}/workflows/${workflow}?version=2`);
    const v2 = await platform.clients.workflows.getWorkflow({ workflow: { case: "name", value: workflow } });
    expect(v2.version?.version).toBe(2);
    expect(v2.version?.spec?.steps[3]?.mcp?.selector).toEqual({ case: "version", value: 1 });
    expect(errors).toEqual([]);
  });
});
