import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "yaml";

/** No Docker engine runs here: the compose file is checked by reading it. */
interface Service {
  image?: string;
  restart?: string;
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

describe("docker-compose.yml", () => {
  it("runs postgres, redis, the migration job, the three services and the web console", () => {
    expect(Object.keys(compose.services).sort()).toEqual([
      "console",
      "executor",
      "migrate",
      "postgres",
      "redis",
      "registry",
      "workflows",
    ]);
  });

  it("builds the image once, in the migration job that every service waits for", () => {
    const built = Object.entries(compose.services).filter(([, s]) => s.build !== undefined);
    expect(built.map(([name]) => name)).toEqual(["migrate"]);
    const migrate = compose.services["migrate"]!;
    expect(migrate.build).toBe(".");
    expect(migrate.image).toBe("mcp-platform:local");
    expect(migrate.command?.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(migrate.command?.[2]).toMatch(/^node dist\/migrate\.cjs && node dist\/keys\.cjs register /);
    expect(migrate.command?.[2]).toContain("--role viewer --workspace '*' --from-env SERVICE_API_KEY");
    // one key for every service, which compose refuses to start without
    expect(migrate.environment?.["SERVICE_API_KEY"]).toMatch(/^\$\{SERVICE_API_KEY:\?/);
    for (const name of ["registry", "workflows", "executor"]) {
      expect(compose.services[name]!.environment?.["SERVICE_API_KEY"]).toBe(
        migrate.environment?.["SERVICE_API_KEY"],
      );
    }
    for (const name of ["registry", "workflows", "executor", "console"]) {
      expect(compose.services[name]!.image).toBe("mcp-platform:local");
    }
  });

  it.each([
    ["registry", "50051"],
    ["workflows", "50052"],
    ["executor", "50053"],
  ])(
    "runs %s compiled (node dist/<service>.cjs) on port %s, after the migrations, with a health check",
    (name, port) => {
      const service = compose.services[name]!;
      expect(service.command).toEqual(["node", "--max-semi-space-size=64", `dist/${name}.cjs`]);
      expect(service.depends_on?.["migrate"]?.condition).toBe("service_completed_successfully");
      expect(service.environment?.["DB_MIGRATIONS"]).toBe("check");
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
    expect(web.command).toEqual(["node", "dist/console.cjs"]);
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
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const workspaces = (
    JSON.parse(readFileSync(resolve(ROOT, "package.json"), "utf8")) as { workspaces: string[] }
  ).workspaces;

  it("builds in one stage: every workspace copied before `npm ci`, then `npm run build`", () => {
    const build = stages[0]!;
    expect(build).toMatch(/ AS build\b/);
    const beforeInstall = build.slice(0, build.indexOf("RUN npm ci"));
    for (const workspace of workspaces) {
      const folder = workspace.replace(/\/\*$/, "");
      expect(beforeInstall).toMatch(new RegExp(`COPY ${folder}(/package\\.json)? `));
    }
    expect(build.indexOf("RUN npm run build")).toBeGreaterThan(build.indexOf("COPY scripts ./scripts"));
    // A build from the host's checkout must not be copied in over the image's own.
    const ignored = readFileSync(resolve(ROOT, ".dockerignore"), "utf8").split("\n");
    expect(ignored).toEqual(expect.arrayContaining(["console/dist", "dist"]));
  });

  it("runs compiled code with production dependencies only, as a non-root user, under tini", () => {
    expect(stages).toHaveLength(2);
    const runtime = stages[1]!;
    expect(runtime).toMatch(/npm ci --omit=dev/);
    expect(runtime).toContain("COPY --from=build /app/dist ./dist");
    expect(runtime).toContain("COPY --from=build /app/console/dist ./console/dist");
    expect(runtime).not.toMatch(/COPY (libs|services|scripts|cli) /); // no sources, no tsx
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^ENTRYPOINT \["\/usr\/bin\/tini", "--"\]$/m);
    expect(runtime).toMatch(/^CMD \["node", "--max-semi-space-size=64", "dist\/registry\.cjs"\]$/m);
    expect(runtime).toMatch(/EXPOSE .*\b8080\b/);
  });
});
