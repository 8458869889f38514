import { ConfigError, resolveConfig } from "./config";
import { parseInputs, InputError } from "./inputs";

describe("resolveConfig", () => {
  it("uses the local defaults without flags or environment", () => {
    expect(resolveConfig({}, {})).toEqual({
      registryUrl: "http://127.0.0.1:50051",
      workflowsUrl: "http://127.0.0.1:50052",
      executorUrl: "http://127.0.0.1:50053",
      apiKey: undefined,
    });
  });

  it("prefers flags over the environment, and adds http:// to host:port", () => {
    const config = resolveConfig(
      { registry: "reg:1", apiKey: "flag-key" },
      { REGISTRY_URL: "http://env:1", WORKFLOWS_URL: "https://wf.example/", MCP_API_KEY: "env-key" },
    );
    expect(config).toMatchObject({
      registryUrl: "http://reg:1",
      workflowsUrl: "https://wf.example",
      apiKey: "flag-key",
    });
    expect(resolveConfig({}, { MCP_API_KEY: "env-key" }).apiKey).toBe("env-key");
  });

  it("refuses a URL that is not one, naming where it came from", () => {
    expect(() => resolveConfig({}, { EXECUTOR_URL: "ftp://x" })).toThrow(ConfigError);
    expect(() => resolveConfig({}, { EXECUTOR_URL: "ftp://x" })).toThrow(/^EXECUTOR_URL: "ftp:\/\/x"/);
  });
});

describe("parseInputs", () => {
  it("reads key=value as strings (the value may contain =) and --input-json values as JSON", () => {
    expect(parseInputs(["text=a=b", "empty="], ["n=3", 'obj={"x":[1]}'])).toEqual({
      text: "a=b",
      empty: "",
      n: 3,
      obj: { x: [1] },
    });
  });

  it.each([
    [["text"], [], /expected key=value/],
    [["=x"], [], /expected key=value/],
    [["a=1", "a=2"], [], /"a" given twice/],
    [[], ["n=nope"], /not JSON/],
  ])("rejects %j %j", (strings, json, message) => {
    expect(() => parseInputs(strings, json)).toThrow(InputError);
    expect(() => parseInputs(strings, json)).toThrow(message);
  });
});
