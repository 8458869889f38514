import { NetworkAccess, type McpConfig } from "@mcp/proto/registry";
import { validateMcpConfig } from "../index";
import { adminNeededFor, secretNames, startsProcesses } from "./sandbox-fields";
import { aiAssistant, config, fields, jupyterNotebook, llmPrompt, mcpTool, pythonScript } from "../testing";

const withSandbox = (base: McpConfig, network: NetworkAccess, secrets: string[] = []): McpConfig => {
  base.network = network;
  base.secrets = secrets;
  return base;
};

describe("network and secrets of a config", () => {
  it("allow egress and secrets for the types that start processes", () => {
    for (const kind of [
      { case: "pythonScript" as const, value: pythonScript() },
      { case: "jupyterNotebook" as const, value: jupyterNotebook() },
      { case: "mcpTool" as const, value: mcpTool() },
    ]) {
      const c = withSandbox(config(kind), NetworkAccess.EGRESS, ["GITHUB_TOKEN", "Db_pass_2"]);
      expect(startsProcesses(c)).toBe(true);
      expect(validateMcpConfig(c)).toEqual([]);
    }
  });

  it("refuse egress and secrets where no process starts, saying where an LLM key goes", () => {
    const llm = withSandbox(config({ case: "llmPrompt", value: llmPrompt() }), NetworkAccess.EGRESS, ["K"]);
    const violations = validateMcpConfig(llm);
    expect(fields(violations)).toEqual(["config.network", "config.secrets"]);
    expect(violations[1]?.description).toMatch(/provider\.api_key_secret/);

    const http = mcpTool();
    http.transport = { case: "http", value: { url: "https://mcp.example.com/mcp", headers: {} } as never };
    const overHttp = withSandbox(config({ case: "mcpTool", value: http }), NetworkAccess.EGRESS);
    expect(fields(validateMcpConfig(overHttp))).toEqual(["config.network"]);
  });

  it("check each secret name: pattern, reserved names, repeats, count", () => {
    const names = ["ok_1", "9bad", "PATH", "LD_PRELOAD", "ok_1"];
    const violations = validateMcpConfig(
      withSandbox(config({ case: "pythonScript", value: pythonScript() }), NetworkAccess.NONE, names),
    );
    expect(fields(violations)).toEqual([
      "config.secrets[1]",
      "config.secrets[2]",
      "config.secrets[3]",
      "config.secrets[4]",
    ]);
    const many = Array.from({ length: 33 }, (_, i) => `S${i}`);
    expect(
      fields(
        validateMcpConfig(
          withSandbox(config({ case: "pythonScript", value: pythonScript() }), NetworkAccess.NONE, many),
        ),
      ),
    ).toEqual(["config.secrets"]);
  });

  it("refuse an unknown network access value", () => {
    const c = withSandbox(config({ case: "pythonScript", value: pythonScript() }), 7 as NetworkAccess);
    expect(validateMcpConfig(c)).toEqual([
      { field: "config.network", description: "is not a known network access" },
    ]);
  });
});

describe("an LLM provider's key", () => {
  it("may come from a secret instead of an environment variable, but from one of them", () => {
    const fromSecret = llmPrompt();
    fromSecret.provider!.apiKeyEnv = "";
    fromSecret.provider!.apiKeySecret = "OPENAI_KEY";
    expect(validateMcpConfig(config({ case: "llmPrompt", value: fromSecret }))).toEqual([]);

    const neither = aiAssistant();
    neither.provider!.apiKeyEnv = "";
    expect(fields(validateMcpConfig(config({ case: "aiAssistant", value: neither })))).toEqual([
      "config.ai_assistant.provider.api_key_env",
    ]);

    const badSecret = llmPrompt();
    badSecret.provider!.apiKeySecret = "has space";
    expect(fields(validateMcpConfig(config({ case: "llmPrompt", value: badSecret })))).toEqual([
      "config.llm_prompt.provider.api_key_secret",
    ]);
  });
});

describe("adminNeededFor", () => {
  it("names egress and every secret a version receives; nothing for a plain version", () => {
    expect(adminNeededFor(config({ case: "pythonScript", value: pythonScript() }))).toBeUndefined();
    const egress = withSandbox(
      config({ case: "pythonScript", value: pythonScript() }),
      NetworkAccess.EGRESS,
      ["A"],
    );
    expect(adminNeededFor(egress)).toBe(
      "write an MCP version that may reach the network (config.network egress) and receives secrets (A)",
    );
    const llm = llmPrompt();
    llm.provider!.apiKeySecret = "OPENAI_KEY";
    const llmConfig = config({ case: "llmPrompt", value: llm });
    expect(secretNames(llmConfig)).toEqual(["OPENAI_KEY"]);
    expect(adminNeededFor(llmConfig)).toBe("write an MCP version that receives secrets (OPENAI_KEY)");
  });
});
