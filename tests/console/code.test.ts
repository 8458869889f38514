/**
 * Issue #19 (code as code): a script MCP's code is shown highlighted (CodeMirror, loaded lazily), and
 * two versions are compared line by line side by side (@codemirror/merge), in Chromium against the real
 * platform. Screenshots go to tests/artifacts/.
 */
import { uniqueName } from "../support/mcps";
import { saveScreenshot, startTestConsole, useBrowser, type TestConsole } from "../support/browser";
import { startPlatform, type TestPlatform } from "../support/platform";
import { addRunSharingPrefix } from "../support/run-twins";
import { ECHO_SCRIPT, scriptConfig } from "../support/scripts";
import { waitFor } from "../support/wait-for";

const V1 = `import json, sys

def main():
    data = json.load(sys.stdin)
    total = data["a"] + data["b"]
    print(json.dumps({"total": total}))

main()
`;
/** v2: one changed line (the sum) and one added line (a log to stderr). */
const V2 = `import json, sys

def main():
    data = json.load(sys.stdin)
    total = data["a"] * data["b"]
    print("computed", file=sys.stderr)
    print(json.dumps({"total": total}))

main()
`;

describe("web console › code as code (Chromium, a real platform)", () => {
  const browser = useBrowser();
  let platform: TestPlatform;
  let web: TestConsole;
  const name = uniqueName("adder");

  beforeAll(async () => {
    platform = await startPlatform();
    web = await startTestConsole(platform);
    const ref = { case: "name" as const, value: name };
    await platform.clients.registry.createMcp({ name, config: scriptConfig(V1), tags: ["code"] });
    await platform.clients.registry.updateMcp({ mcp: ref, config: scriptConfig(V2), changeNote: "multiply" });
  }, 240_000);

  afterAll(async () => {
    await web?.stop();
    await platform?.stop();
  });

  it("shows the script highlighted, and the changed lines of two versions side by side", async () => {
    const page = browser.page();
    await page.goto(`${web.url}/mcps/${name}`);
    await page.getByRole("heading", { level: 2, name: "Version 2 (latest)" }).waitFor();

    // the script, read-only and highlighted: Python keywords in spans of their own
    const script = page.getByRole("textbox", { name: "Script", exact: true });
    await script.waitFor();
    expect(await script.getAttribute("contenteditable")).toBe("false");
    expect(await script.innerText()).toContain('print("computed", file=sys.stderr)');
    const keyword = script.locator("span", { hasText: /^def$/ });
    await keyword.first().waitFor();
    type Styles = { getComputedStyle(el: unknown): { color: string } };
    const colourOf = (locator: typeof script) =>
      locator.evaluate((el) => (globalThis as unknown as Styles).getComputedStyle(el).color);
    const colour = await colourOf(keyword.first());
    const plain = await colourOf(script);
    expect(colour).not.toBe(plain);

    // compare v1 with v2: the changed and added lines are marked on their sides
    const compare = page.locator("section", { has: page.getByRole("heading", { name: "Compare versions" }) });
    await compare.getByRole("table", { name: "Changes from v1 to v2" }).waitFor();
    const left = compare.getByRole("textbox", { name: "Script in v1" });
    const right = compare.getByRole("textbox", { name: "Script in v2" });
    await left.waitFor();
    const changedLines = async (side: typeof left) =>
      (await side.locator(".cm-changedLine").allInnerTexts()).map((t) => t.trim());
    const before = await waitFor("v1's changed line", async () => {
      const lines = await changedLines(left);
      return lines.length > 0 ? lines : undefined;
    });
    expect(before).toEqual(['total = data["a"] + data["b"]']);
    expect(await changedLines(right)).toEqual([
      'total = data["a"] * data["b"]',
      'print("computed", file=sys.stderr)',
    ]);
    // side by side: the two sides share a row on screen
    const leftBox = (await left.boundingBox())!;
    const rightBox = (await right.boundingBox())!;
    expect(rightBox.x).toBeGreaterThan(leftBox.x + leftBox.width - 1);
    expect(Math.abs(rightBox.y - leftBox.y)).toBeLessThan(5);

    // the changed-paths table fits the page: nothing runs off to the right
    const overflow = Number(
      await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"),
    );
    expect(overflow).toBeLessThanOrEqual(0);

    await compare.scrollIntoViewIfNeeded();
    await saveScreenshot(page, "console-code-diff");
  });

  it("a run URL with a short id opens the run; an ambiguous one lists the candidates", async () => {
    const echo = `${name}-echo`;
    await platform.clients.registry.createMcp({ name: echo, config: scriptConfig(ECHO_SCRIPT) });
    const res = await platform.clients.executor.runMcp({
      mcp: { mcp: { case: "name", value: echo } },
      inputs: { text: "hi" },
      wait: true,
      waitTimeoutSeconds: 60,
    });
    const runId = res.run!.id;
    const page = browser.page();
    await page.goto(`${web.url}/runs/${runId.slice(0, 8)}`);
    await page.waitForURL(`${web.url}/runs/${runId}`);
    await page.getByText(runId, { exact: true }).waitFor();
    expect(await page.getByTestId("step-counts").textContent()).toBe("1 succeeded of 1");

    const twin = await addRunSharingPrefix(platform.db.url, runId);
    await page.goto(`${web.url}/runs/${runId.slice(0, 8)}`);
    const alert = page.getByRole("alert");
    await alert.waitFor();
    const text = (await alert.textContent()) ?? "";
    expect(text).toContain("FAILED_PRECONDITION");
    expect(text).toContain(runId);
    expect(text).toContain(twin);
    expect(page.url()).toBe(`${web.url}/runs/${runId.slice(0, 8)}`);
  });
});
