import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "yaml";

/** No Docker engine runs here: the compose file is checked by reading it. */
interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  deploy?: { replicas?: number };
  ports?: string[];
  security_opt?: string[];
  devices?: string[];
}

const ROOT = resolve(__dirname, "../..");
const compose = parse(readFileSync(resolve(ROOT, "docker-compose.yml"), "utf8"), { merge: true }) as {
  services: Record<string, Service>;
};
const pkg = JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
};

describe("docker-compose.yml", () => {
  it("runs postgres, redis, the three services and the web console", () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      "console",
      "executor",
      "postgres",
      "redis",
      "registry",
      "workflows",
    ]);
  });

  it.each([
    ["registry", "50051"],
    ["workflows", "50052"],
    ["executor", "50053"],
  ])(
    "builds %s from the Dockerfile, starts it with an npm script that exists, on port %s, with a health check",
    (name, port) => {
      const service = compose.services[name]!;
      expect(service.build).toBe(".");
      const script = service.command?.slice(-1)[0] ?? "";
      expect(service.command?.slice(0, 2)).toEqual(["npm", "run"]);
      expect(pkg.scripts[script]).toBeDefined();
      expect(service.environment?.["PORT"]).toBe(port);
      expect(service.environment?.["DATABASE_URL"]).toMatch(/^postgres:\/\/.+@postgres:5432\//);
      expect(service.environment?.["REDIS_URL"]).toBe("redis://redis:6379");
      expect(service.healthcheck?.test.join(" ")).toContain("grpc.health.v1.Health/Check");
      expect(service.depends_on?.["postgres"]?.condition).toBe("service_healthy");
    },
  );

  it("lets the executor build its sandboxes: namespaces, a fresh /proc, /dev/net/tun, and takes SECRETS_KEY", () => {
    const executor = compose.services["executor"]!;
    expect(executor.security_opt).toEqual(
      expect.arrayContaining(["seccomp=unconfined", "apparmor=unconfined", "systempaths=unconfined"]),
    );
    expect(executor.devices).toContain("/dev/net/tun");
    expect(executor.environment?.["SECRETS_KEY"]).toBe("${SECRETS_KEY:-}"); // from the environment of `docker compose up`
    const dockerfile = readFileSync(resolve(ROOT, "Dockerfile"), "utf8");
    for (const pkg of ["bubblewrap", "slirp4netns", "iproute2", "python3"]) expect(dockerfile).toContain(pkg);
  });

  it("scales the executor to two replicas that find the others by service name", () => {
    const executor = compose.services["executor"]!;
    expect(executor.deploy?.replicas).toBe(2);
    expect(executor.environment?.["REGISTRY_URL"]).toBe("http://registry:50051");
    expect(executor.environment?.["WORKFLOWS_URL"]).toBe("http://workflows:50052");
  });

  it("serves the web console on 8080, pointing the browser at the services' published ports", () => {
    const web = compose.services["console"]!;
    expect(web.build).toBe(".");
    expect(web.command).toEqual(["npm", "run", "start:console"]);
    expect(pkg.scripts["start:console"]).toBe("tsx scripts/console.ts");
    expect(web.ports).toEqual(["8080:8080"]);
    expect(web.environment?.["CONSOLE_PORT"]).toBe("8080");
    // The browser, not a container, calls these: the host-published ports, never a container name.
    const published = (name: string) => compose.services[name]!.ports![0]!.split(":")[0]!.split("-")[0];
    expect(web.environment?.["CONSOLE_REGISTRY_URL"]).toBe(`http://localhost:${published("registry")}`);
    expect(web.environment?.["CONSOLE_WORKFLOWS_URL"]).toBe(`http://localhost:${published("workflows")}`);
    expect(web.environment?.["CONSOLE_EXECUTOR_URL"]).toBe(`http://localhost:${published("executor")}`);
    expect(web.healthcheck?.test.join(" ")).toContain("http://127.0.0.1:8080/config.json");
    for (const service of ["registry", "workflows", "executor"])
      expect(web.depends_on?.[service]?.condition).toBe("service_healthy");
  });

  it("gives postgres and redis health checks the services wait for", () => {
    expect(compose.services["postgres"]?.healthcheck?.test.join(" ")).toContain("pg_isready");
    expect(compose.services["redis"]?.healthcheck?.test.join(" ")).toContain("ping");
  });
});

describe("Dockerfile", () => {
  const dockerfile = readFileSync(resolve(ROOT, "Dockerfile"), "utf8");
  const workspaces = (
    JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8")) as { workspaces: string[] }
  ).workspaces;

  it("copies every npm workspace before `npm ci`, and the scripts the services and `npm run keys` use", () => {
    const beforeInstall = dockerfile.slice(0, dockerfile.indexOf("RUN npm ci"));
    for (const workspace of workspaces) {
      const folder = workspace.replace(/\/\*$/, "");
      expect(beforeInstall).toMatch(new RegExp(`COPY ${folder}(/package\\.json)? `));
    }
    expect(dockerfile).toContain("COPY scripts ./scripts");
  });

  it("builds the web console into the image, after its sources are copied", () => {
    const copy = dockerfile.indexOf("COPY console ./console");
    const build = dockerfile.indexOf("RUN npm run build -w console");
    expect(copy).toBeGreaterThan(dockerfile.indexOf("RUN npm ci"));
    expect(build).toBeGreaterThan(copy);
    expect(dockerfile).toMatch(/EXPOSE .*\b8080\b/);
    // A build from the host's checkout must not be copied in over the image's own.
    expect(readFileSync(resolve(ROOT, ".dockerignore"), "utf8").split("\n")).toContain("console/dist");
  });
});
