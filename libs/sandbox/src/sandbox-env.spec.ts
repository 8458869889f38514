import { installEnv, sandboxEnv } from "./sandbox-env.js";

const saved = { ...process.env };
afterEach(() => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
});

describe("sandboxEnv", () => {
  it("holds only PATH, HOME, TMPDIR, the locale and Python's flags", () => {
    process.env.DATABASE_URL = "postgres://secret";
    process.env.OPENAI_API_KEY = "sk-secret";
    const env = sandboxEnv({ home: "/tmp/x" });
    expect(Object.keys(env).sort()).toEqual(
      ["HOME", "LANG", "LC_ALL", "PATH", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "TMPDIR"].sort(),
    );
    expect(env.HOME).toBe("/tmp/x");
    expect(env.TMPDIR).toBe("/tmp/x");
  });

  it("puts an extra folder first on PATH", () => {
    expect(sandboxEnv({ home: "/h", extraPath: "/venv/bin" }).PATH).toMatch(/^\/venv\/bin:/);
  });
});

describe("installEnv", () => {
  it("passes pip and proxy settings through but no credentials", () => {
    process.env.PIP_INDEX_URL = "https://index.example/simple";
    process.env.HTTPS_PROXY = "http://proxy:3128";
    process.env.REDIS_URL = "redis://secret";
    process.env.POSTGRES_PASSWORD = "secret";
    process.env.ANTHROPIC_API_KEY = "secret";
    const env = installEnv("/cache");
    expect(env.PIP_INDEX_URL).toBe("https://index.example/simple");
    expect(env.HTTPS_PROXY).toBe("http://proxy:3128");
    expect(env.HOME).toBe("/cache");
    expect(env.REDIS_URL).toBeUndefined();
    expect(env.POSTGRES_PASSWORD).toBeUndefined();
    expect(env.ANTHROPIC_API_KEY).toBeUndefined();
  });
});
