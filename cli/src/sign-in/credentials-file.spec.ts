import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configFilePath, readSignIn, writeSignIn, type StoredSignIn } from "./credentials-file.js";

const signIn: StoredSignIn = {
  issuer: "https://id.example.com",
  clientId: "mcp",
  scopes: "openid",
  idToken: "a.b.c",
  refreshToken: "r",
  expiresAt: 1,
  user: "ada@example.com",
};

describe("the CLI's config file", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "mcp-cli-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("lives at MCP_CONFIG, else under XDG_CONFIG_HOME, else ~/.config", () => {
    expect(configFilePath({ MCP_CONFIG: "/x/c.json" })).toBe("/x/c.json");
    expect(configFilePath({ XDG_CONFIG_HOME: "/cfg" })).toBe("/cfg/mcp/config.json");
    expect(configFilePath({})).toMatch(/\.config\/mcp\/config\.json$/);
  });

  it("stores the sign-in 0600 in a 0700 folder, keeps other settings, and removes it on sign-out", async () => {
    const path = join(dir, "mcp", "config.json");
    expect(await readSignIn(path)).toBeUndefined();
    await writeSignIn(path, signIn);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "mcp")).mode & 0o777).toBe(0o700);
    expect(await readSignIn(path)).toEqual(signIn);

    writeFileSync(path, JSON.stringify({ other: 1, signIn }), { mode: 0o644 });
    await writeSignIn(path, undefined);
    expect(JSON.parse(readFileSync(path, "utf8"))).toEqual({ other: 1 });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});
