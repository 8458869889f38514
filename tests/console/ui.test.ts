/**
 * Issue #8: the web console driven in Chromium exactly as a user would, against the real registry,
 * workflows service and executor. Everything the issue asks for happens through the UI; the API is used
 * only for setup the issue does not cover (a sleeping helper MCP, a second version) and to check the
 * results afterwards.
 */
import { Code, type ConnectError } from "@connectrpc/connect";
import { RunStatus, StepStatus } from "@mcp/proto/executor";
import { errorDetails } from "@mcp/proto/grpc";
import { McpType } from "@mcp/proto/registry";
import type { Locator, Page } from "playwright-core";
import { rpcError } from "../support/errors";
import { uniqueName } from "../support/mcps";
import { saveScreenshot, startTestConsole, useBrowser, type TestConsole } from "../support/browser";
import { startPlatform, type TestPlatform } from "../support/platform";
import { ECHO_SCRIPT, SLEEP_SCRIPT, scriptConfig } from "../support/scripts";

/** The echo MCP's config as typed into "New MCP" (YAML, the script as a block scalar). */
const ECHO_CONFIG_YAML = `timeoutSeconds: 20
scriptContent: |
${ECHO_SCRIPT.trimEnd()
  .split("\n")
  .map((line) => `  ${line}`)
  .join("\n")}
`;

const ECHO_INPUT_SCHEMA_YAML = `type: object
properties:
  text: { type: string }
required: [text]
`;

/** How long the first step of the workflow sleeps: long enough to see the run before it ends. */
const NAP_SECONDS = 3;

/** A run can take a while on a loaded 2-core CI machine. */
const RUN_TIMEOUT_MS = 45_000;

/** The JSON shown in a `JsonView` (a `pre` named by its label). */
async function shownJson(locator: Locator): Promise<unknown> {
  return JSON.parse((await locator.textContent()) ?? "") as unknown;
}

/** One attribute of every element a locator matches, in document order. */
async function attributeOfEach(locator: Locator, name: string): Promise<(string | null)[]> {
  return Promise.all((await locator.all()).map((element) => element.getAttribute(name)));
}

/** The value (`dd`) of a fact (`dt`) in the page's fact lists. */
const fact = (page: Page, term: string) => page.locator(`dl.facts dt:text-is("${term}") + dd`);

/** Marks the current document; `stillSameDocument` is false after any reload or full navigation. */
async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as unknown as Record<string, unknown>)["__uiTestMark"] = true;
  });
}
const stillSameDocument = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as Record<string, unknown>)["__uiTestMark"] === true);

describe("web console › UI end to end (Chromium, a real platform)", () => {
  const browser = useBrowser();
  let platform: TestPlatform;
  let web: TestConsole;

  /** Created through the UI by the first test; the workflow and label tests use it. */
  const echo = uniqueName("echo");
  let echoCreated = false;
  const requireEcho = () => {
    if (!echoCreated) throw new Error(`MCP ${echo} was not created (see the "New MCP" test)`);
    return echo;
  };
  /** Setup through the API: a python_script MCP that sleeps, so a run is seen before it ends. */
  const nap = uniqueName("nap");

  beforeAll(async () => {
    platform = await startPlatform();
    web = await startTestConsole(platform);
    await platform.clients.registry.createMcp({ name: nap, config: scriptConfig(SLEEP_SCRIPT) });
  }, 240_000);

  afterAll(async () => {
    await web?.stop();
    await platform?.stop();
  });

  it("New MCP › creates a python_script MCP from the form and lands on its page at v1, as the registry stores it", async () => {
    const page = browser.page();
    await page.goto(web.url);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "MCPs" }).click();
    await page.getByRole("heading", { level: 1, name: "MCPs" }).waitFor();
    await page.getByRole("link", { name: "New MCP" }).click();
    await page.getByRole("heading", { level: 1, name: "New MCP" }).waitFor();

    await page.getByLabel("Name", { exact: true }).fill(echo);
    await page.getByLabel("Type", { exact: true }).selectOption({ label: "python_script" });
    await page.getByLabel("Description", { exact: true }).fill("Echoes its input text");
    await page.getByLabel("Tags", { exact: true }).fill("e2e, ui");
    await page.getByLabel("Config (YAML or JSON)").fill(ECHO_CONFIG_YAML);
    await page.getByLabel("Input schema (optional, YAML or JSON)").fill(ECHO_INPUT_SCHEMA_YAML);
    await page.getByLabel("Change note").fill("first version, from the console");
    await page.getByRole("button", { name: "Create MCP" }).click();

    await page.waitForURL(`${web.url}/mcps/${echo}`);
    await page.getByRole("heading", { level: 1, name: echo, exact: true }).waitFor();
    await page.getByRole("heading", { level: 2, name: "Version 1 (latest)" }).waitFor();
    expect(await fact(page, "Type").textContent()).toBe("python_script");
    expect(await fact(page, "Latest version").textContent()).toBe("v1");
    expect(await fact(page, "Tags").textContent()).toBe("e2e, ui");
    expect(await fact(page, "Change note").textContent()).toBe("first version, from the console");
    // As typed, plus the defaults the registry fills in (e.g. the memory cap).
    expect(await shownJson(page.getByLabel("Config", { exact: true }))).toMatchObject({
      pythonScript: { scriptContent: ECHO_SCRIPT, timeoutSeconds: 20 },
    });
    expect(await shownJson(page.getByLabel("Input schema", { exact: true }))).toEqual({
      type: "object",
      properties: { text: { type: "string" } },
      required: ["text"],
    });

    const { mcp, version } = await platform.clients.registry.getMcp({ mcp: { case: "name", value: echo } });
    expect(mcp).toMatchObject({
      name: echo,
      type: McpType.PYTHON_SCRIPT,
      description: "Echoes its input text",
      tags: ["e2e", "ui"],
      latestVersion: 1,
    });
    expect(version?.version).toBe(1);
    expect(version?.changeNote).toBe("first version, from the console");
    expect(version?.config?.kind.case).toBe("pythonScript");
    expect(version?.config?.kind.value).toMatchObject({
      source: { case: "scriptContent", value: ECHO_SCRIPT },
      timeoutSeconds: 20,
    });
    expect(version?.inputSchema).toEqual({
      type: "object",
      properties: { text: { type: "string" } },
      required: ["text"],
    });
    echoCreated = true;
  });

  it("New workflow and Run › draws the DAG, runs it from its declared inputs and follows the run live to SUCCEEDED", async () => {
    const echoMcp = requireEcho();
    const workflow = uniqueName("greet");
    const text = `hello from the console ${workflow}`;
    const page = browser.page();

    // Create the workflow through "New workflow": nap (API-made helper) then echo (made in the UI).
    await page.goto(web.url);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Workflows" }).click();
    await page.getByRole("heading", { level: 1, name: "Workflows" }).waitFor();
    await page.getByRole("link", { name: "New workflow" }).click();
    await page.getByRole("heading", { level: 1, name: "New workflow" }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill(workflow);
    await page.getByLabel("Description", { exact: true }).fill("naps, then echoes");
    await page.getByLabel("Spec (YAML or JSON)").fill(`executionMode: EXECUTION_MODE_SEQUENTIAL
inputs:
  - name: text
    description: What to echo.
    required: true
steps:
  - stepId: nap
    mcp: { name: ${nap} }
    inputs:
      seconds: { staticValue: ${NAP_SECONDS} }
  - stepId: echo
    mcp: { name: ${echoMcp} }
    dependsOn: [nap]
    inputs:
      text: { workflowInput: text }
outputs:
  - { name: said, stepId: echo, output: text }
`);
    await page.getByRole("button", { name: "Validate" }).click();
    await page.getByText("Valid: no problems found.").waitFor();
    await page.getByRole("button", { name: "Create workflow" }).click();
    await page.waitForURL(`${web.url}/workflows/${workflow}`);

    // Open it from the list, as a user coming back to it would.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Workflows" }).click();
    await page.getByRole("link", { name: workflow, exact: true }).click();
    await page.waitForURL(`${web.url}/workflows/${workflow}`);
    await page.getByRole("heading", { level: 1, name: workflow, exact: true }).waitFor();

    // The DAG: a box per step, an arrow nap → echo.
    const dag = page.getByTestId("dag");
    await dag.waitFor();
    expect(await dag.getAttribute("aria-label")).toBe("DAG of 2 steps and 1 dependencies");
    const nodes = dag.locator("g.dag-node");
    expect((await attributeOfEach(nodes, "data-step")).sort()).toEqual(["echo", "nap"]);
    expect(await dag.locator('g.dag-node[data-step="nap"] rect').count()).toBe(1);
    expect(await dag.locator('g.dag-node[data-step="echo"] rect').count()).toBe(1);
    expect(await dag.locator('g.dag-node[data-step="echo"] text').allTextContents()).toEqual([
      "echo",
      expect.stringContaining(echoMcp) as unknown,
    ]);
    expect(await dag.locator('path.dag-edge[data-from="nap"][data-to="echo"]').count()).toBe(1);

    // The Run form has the declared input, marked required.
    const textField = page.getByLabel("text", { exact: true });
    expect(await textField.getAttribute("required")).not.toBeNull();
    await textField.fill(text);
    await markDocument(page);
    await page.getByRole("button", { name: "Run workflow" }).click();

    await page.waitForURL(/\/runs\/[0-9a-f-]{36}$/);
    const runId = new URL(page.url()).pathname.split("/").pop() ?? "";
    const badge = page.getByTestId("run-status");
    await badge.waitFor();
    // The nap step keeps the run going: the page sees it before it ends...
    expect(["PENDING", "RUNNING"]).toContain(await badge.textContent());
    // ...and WatchRun brings it to SUCCEEDED without a reload.
    await page
      .getByTestId("run-status")
      .filter({ hasText: /^SUCCEEDED$/ })
      .waitFor({ timeout: RUN_TIMEOUT_MS });
    await page.getByText("Updates: finished").waitFor();
    expect(await stillSameDocument(page)).toBe(true);

    expect(await shownJson(page.getByLabel("Run inputs"))).toEqual({ text });
    expect(await shownJson(page.getByLabel("Run outputs"))).toEqual({ said: text });

    const timeline = page.getByTestId("timeline");
    const rows = timeline.getByRole("listitem");
    expect(await attributeOfEach(rows, "data-step")).toEqual(["nap", "echo"]);
    await timeline.getByRole("button", { name: "nap SUCCEEDED", exact: true }).waitFor();
    await timeline.getByRole("button", { name: "echo SUCCEEDED", exact: true }).click();
    await page.getByRole("heading", { level: 2, name: /^Step echo/ }).waitFor();
    expect(new URL(page.url()).searchParams.get("step")).toBe("echo");
    expect(await shownJson(page.getByLabel("Inputs of echo"))).toEqual({ text });
    expect(await shownJson(page.getByLabel("Outputs of echo"))).toEqual({ text });
    await saveScreenshot(page, "run-page");

    // The executor recorded the same.
    const { run } = await platform.clients.executor.getRun({ id: runId });
    expect(run?.status).toBe(RunStatus.SUCCEEDED);
    expect(run?.workflowName).toBe(workflow);
    expect(run?.inputs).toEqual({ text });
    expect(run?.outputs).toEqual({ said: text });
    expect(
      run?.steps.map((s) => ({
        stepId: s.stepId,
        status: s.status,
        mcpName: s.mcpName,
        mcpVersion: s.mcpVersion,
      })),
    ).toEqual([
      { stepId: "nap", status: StepStatus.SUCCEEDED, mcpName: nap, mcpVersion: 1 },
      { stepId: "echo", status: StepStatus.SUCCEEDED, mcpName: echoMcp, mcpVersion: 1 },
    ]);
    expect(run?.steps.find((s) => s.stepId === "echo")?.outputs).toEqual({ text });
  });

  it("Move label › moves production only once confirmed; Cancel changes nothing; the registry agrees", async () => {
    const name = requireEcho();
    const registry = platform.clients.registry;
    const ref = { case: "name" as const, value: name };
    // Setup: a second version (the console has no edit form).
    const updated = await registry.updateMcp({
      mcp: ref,
      config: scriptConfig(ECHO_SCRIPT, 10),
      changeNote: "shorter timeout",
    });
    expect(updated.version?.version).toBe(2);
    const production = async () =>
      (await registry.getMcp({ mcp: ref, selector: { case: "label", value: "production" } })).version
        ?.version;

    const page = browser.page();
    const setLabelCalls: string[] = [];
    page.on("request", (req) => {
      if (req.url().endsWith("/mcp.registry.v1.RegistryService/SetMcpLabel")) setLabelCalls.push(req.url());
    });
    await page.goto(web.url);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "MCPs" }).click();
    await page.getByRole("link", { name, exact: true }).click();
    await page.getByRole("heading", { level: 1, name, exact: true }).waitFor();
    await page.getByRole("heading", { level: 2, name: "Version 2 (latest)" }).waitFor();

    const form = page.getByRole("form", { name: "Move label" });
    const labels = page.getByRole("table", { name: `Labels of ${name}` });
    const history = page.getByRole("table", { name: `Label moves of ${name}` });
    const versions = page.getByRole("table", { name: `Versions of ${name}` });
    const labelsOf = (version: number) =>
      versions
        .getByRole("row")
        .filter({ has: page.getByRole("link", { name: `v${version}`, exact: true }) })
        .getByRole("cell")
        .nth(3);
    await page.getByText("No label has been moved yet.").waitFor();

    // production does not exist yet: set it to v1.
    await form.getByLabel("Label", { exact: true }).selectOption("production");
    await form.getByLabel("Version", { exact: true }).selectOption("1");
    await form.getByLabel("Reason", { exact: true }).fill("first release");
    await form.getByRole("button", { name: "Move label" }).click();
    const setDialog = page.getByRole("dialog", { name: "Set production to v1?" });
    await setDialog.waitFor();
    expect(setLabelCalls).toHaveLength(0); // nothing happens before confirming
    await setDialog.getByRole("button", { name: "Move label" }).click();
    await page.getByText("production now points at v1.").waitFor();
    await setDialog.waitFor({ state: "detached" });
    await labels.getByRole("row", { name: "production v1", exact: true }).waitFor();
    expect(await production()).toBe(1);

    // Towards v2, but cancelled: no call, nothing moves.
    await form.getByLabel("Version", { exact: true }).selectOption("2");
    await form.getByLabel("Reason", { exact: true }).fill("reviewed");
    await form.getByRole("button", { name: "Move label" }).click();
    const moveDialog = page.getByRole("dialog", { name: "Move production from v1 to v2?" });
    await moveDialog.waitFor();
    await moveDialog.getByRole("button", { name: "Cancel" }).click();
    await moveDialog.waitFor({ state: "detached" });
    expect(setLabelCalls).toHaveLength(1);
    await labels.getByRole("row", { name: "production v1", exact: true }).waitFor();
    expect(await labelsOf(2).textContent()).not.toContain("production");
    expect(await production()).toBe(1);
    await history.getByRole("row").nth(1).waitFor();
    expect(await history.getByRole("row").count()).toBe(2); // header + the first move

    // Confirmed this time.
    await form.getByRole("button", { name: "Move label" }).click();
    await moveDialog.waitFor();
    await moveDialog.getByRole("button", { name: "Move label" }).click();
    await page.getByText("production now points at v2.").waitFor();
    await moveDialog.waitFor({ state: "detached" });
    expect(setLabelCalls).toHaveLength(2);
    await labels.getByRole("row", { name: "production v2", exact: true }).waitFor();
    await labelsOf(2).filter({ hasText: "production" }).waitFor();
    expect(await labelsOf(1).textContent()).not.toContain("production");
    await fact(page, "Labels on this version").filter({ hasText: "production" }).waitFor();
    await history.getByRole("row").nth(2).waitFor(); // header + two moves

    const byLabel = await registry.getMcp({ mcp: ref, selector: { case: "label", value: "production" } });
    expect(byLabel.version?.version).toBe(2);
    expect(byLabel.version?.labels).toContain("production");
    expect(byLabel.mcp?.labels["production"]).toBe(2);
    const { moves } = await registry.listMcpLabelMoves({ mcp: ref });
    expect(moves.map((m) => [m.label, m.fromVersion, m.toVersion, m.reason])).toEqual([
      ["production", 1, 2, "reviewed"],
      ["production", undefined, 1, "first release"],
    ]);
  });

  it("Errors › an MCP that does not exist: NOT_FOUND and the registry's own message", async () => {
    const missing = uniqueName("missing");
    const expected = await rpcError(
      platform.clients.registry.getMcp({ mcp: { case: "name", value: missing } }),
    );
    expect(expected.code).toBe(Code.NotFound);

    const page = browser.page();
    await page.goto(`${web.url}/mcps/${missing}`);
    await page.getByRole("heading", { level: 1, name: missing, exact: true }).waitFor();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    await alert.getByText(`Could not load MCP ${missing}`).waitFor();
    await alert.getByText("NOT_FOUND", { exact: true }).waitFor();
    await alert.getByText(expected.rawMessage, { exact: true }).waitFor();
    expect(expected.rawMessage).toContain(missing);
  });

  it("Errors › New MCP with an invalid name: INVALID_ARGUMENT, the registry's message and its field violations", async () => {
    const bad = `9 lives ${uniqueName("bad")}`;
    const page = browser.page();
    await page.goto(`${web.url}/mcps`);
    await page.getByRole("link", { name: "New MCP" }).click();
    await page.getByLabel("Name", { exact: true }).fill(bad);
    await page.getByLabel("Config (YAML or JSON)").fill(ECHO_CONFIG_YAML);
    await page.getByRole("button", { name: "Create MCP" }).click();

    const alert = page.getByRole("alert");
    await alert.getByText("CreateMcp failed").waitFor();
    // The same request straight to the registry: the UI must say what it says.
    const expected = await rpcError(
      platform.clients.registry.createMcp({ name: bad, config: scriptConfig(ECHO_SCRIPT, 20) }),
    );
    expect(expected.code).toBe(Code.InvalidArgument);
    await alert.getByText("INVALID_ARGUMENT", { exact: true }).waitFor();
    await alert.getByText(expected.rawMessage, { exact: true }).waitFor();
    const violations = violationsOf(expected);
    expect(violations.length).toBeGreaterThan(0);
    expect(
      await alert.getByRole("list", { name: "Field violations" }).getByRole("listitem").allTextContents(),
    ).toEqual(violations.map((v) => `${v.field} ${v.description}`));
    expect(page.url()).toBe(`${web.url}/mcps/new`);
    const listed = await platform.clients.registry.listMcps({ filter: { text: "9 lives" } });
    expect(listed.mcps).toHaveLength(0);
  });
});

/** The field violations (google.rpc.BadRequest) an error carries. */
function violationsOf(err: ConnectError): { field: string; description: string }[] {
  return err
    .findDetails(errorDetails.BadRequestSchema)
    .flatMap((d) => d.fieldViolations.map((v) => ({ field: v.field, description: v.description })));
}
