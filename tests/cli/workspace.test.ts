import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { RegistryService } from "@mcp/proto/registry";
import { cliAgainst, runCli } from "../support/cli";
import { pythonConfig, uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";

describe("mcp workspace and --workspace", () => {
  let p: TestPlatform;
  const ws = uniqueName("cli-ws");
  const name = uniqueName("only-here");

  beforeAll(async () => {
    p = await startPlatform();
  });
  afterAll(async () => {
    await p.stop();
  });

  const urls = () => [
    "--registry",
    p.registry.url,
    "--workflows",
    p.workflows.server.url,
    "--executor",
    p.executors[0]!.server.url,
  ];

  it("workspace create / list / get / delete, and commands act in --workspace or MCP_WORKSPACE", async () => {
    const created = await cliAgainst(p, "workspace", "create", ws);
    expect(created).toMatchObject({ code: 0, stdout: `created workspace/${ws}\n` });
    expect((await cliAgainst(p, "workspace", "list")).stdout).toMatch(new RegExp(`^${ws}\\s`, "m"));
    expect((await cliAgainst(p, "workspace", "get", ws, "-o", "json")).stdout).toContain(`"name": "${ws}"`);

    // an MCP created in the workspace is listed there (flag or environment), not in `default`
    await p.clients.registry.createMcp({ name: uniqueName("in-default"), config: pythonConfig() });
    const inWs = await runCli([...urls(), "--workspace", ws, "list", "mcps"]);
    expect(inWs.code).toBe(0);
    expect(inWs.stdout).not.toContain(name);
    const registryInWs = createClient(
      RegistryService,
      createGrpcTransport({
        baseUrl: p.registry.url,
        interceptors: [
          (next) => (req) => {
            req.header.set("x-mcp-workspace", ws);
            return next(req);
          },
        ],
      }),
    );
    await registryInWs.createMcp({ name, config: pythonConfig() });
    expect((await runCli([...urls(), "--workspace", ws, "list", "mcps"])).stdout).toContain(name);
    expect((await runCli([...urls(), "list", "mcps"], { MCP_WORKSPACE: ws })).stdout).toContain(name);
    expect((await cliAgainst(p, "list", "mcps")).stdout).not.toContain(name);

    const refused = await cliAgainst(p, "workspace", "delete", ws);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("is not empty");
  });

  it("an unknown or malformed workspace is a clear error", async () => {
    const unknown = await runCli([...urls(), "--workspace", "no-such-ws", "list", "mcps"]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('workspace "no-such-ws" not found');
    const bad = await runCli([...urls(), "--workspace", "Bad Name", "list", "mcps"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("x-mcp-workspace");
  });
});
