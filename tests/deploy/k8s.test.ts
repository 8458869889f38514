import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { parseAllDocuments } from "yaml";
import { Deployment, type IDeployment } from "kubernetes-models/apps/v1/Deployment";
import {
  HorizontalPodAutoscaler,
  type IHorizontalPodAutoscaler,
} from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { Job, type IJob } from "kubernetes-models/batch/v1/Job";
import {
  PodDisruptionBudget,
  type IPodDisruptionBudget,
} from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ConfigMap, type IConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Secret, type ISecret } from "kubernetes-models/v1/Secret";
import { Service, type IService } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { loadConfig } from "@mcp/runtime";

/**
 * deploy/k8s rendered by `kubectl kustomize` (no cluster needed) and every object validated against
 * the Kubernetes API schemas (kubernetes-models), then checked for what the platform relies on.
 */
const ROOT = resolve(__dirname, "../..");
const OVERLAYS = ["dev", "production"] as const;

/** A rendered object, as far as every kind agrees; each kind's own shape comes from kubernetes-models. */
interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
}

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "apps/v1/Deployment": Deployment,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "batch/v1/Job": Job,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "v1/ConfigMap": ConfigMap,
  "v1/Namespace": Namespace,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "v1/ServiceAccount": ServiceAccount,
};

function render(overlay: string): K8sObject[] {
  const yaml = execFileSync("kubectl", ["kustomize", resolve(ROOT, "deploy/k8s/overlays", overlay)], {
    encoding: "utf8",
  });
  return parseAllDocuments(yaml).map((doc) => doc.toJS() as K8sObject);
}

const rendered = Object.fromEntries(OVERLAYS.map((o) => [o, render(o)])) as Record<string, K8sObject[]>;
const SERVICES = [
  ["registry", 50051],
  ["workflows", 50052],
  ["executor", 50053],
] as const;

describe.each(OVERLAYS)("deploy/k8s/overlays/%s", (overlay) => {
  const objects = rendered[overlay]!;
  const find = <T>(kind: string, name: string): T | undefined =>
    objects.find((o) => o.kind === kind && o.metadata.name === name) as T | undefined;
  const get = <T>(kind: string, name: string): T => {
    const found = find<T>(kind, name);
    if (!found) throw new Error(`the ${overlay} overlay renders no ${kind} ${name}`);
    return found;
  };
  const platformConfig = () =>
    objects.find((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("mcp-platform-")) as IConfigMap;
  const podOf = (name: string) => get<IDeployment>("Deployment", name).spec!.template.spec!;

  it("renders only kinds it validates, each valid against the Kubernetes API schema", () => {
    expect(objects.length).toBeGreaterThan(10);
    for (const object of objects) {
      const Model = MODELS[`${object.apiVersion}/${object.kind}`];
      if (!Model)
        throw new Error(`no schema model for ${object.apiVersion} ${object.kind} (${object.metadata.name})`);
      expect(() => new Model(object as never).validate()).not.toThrow();
    }
  });

  it("puts every namespaced object in the overlay's namespace", () => {
    const namespace = objects.find((o) => o.kind === "Namespace")!.metadata.name;
    for (const object of objects.filter((o) => o.kind !== "Namespace")) {
      expect([object.kind, object.metadata.name, object.metadata.namespace]).toEqual([
        object.kind,
        object.metadata.name,
        namespace,
      ]);
    }
  });

  it.each(SERVICES)(
    "runs %s compiled, ready on gRPC health at %i, after the schema is its own",
    (name, port) => {
      const deployment = get<IDeployment>("Deployment", `mcp-${name}`);
      const pod = podOf(`mcp-${name}`);
      const container = pod.containers[0]!;
      expect(container.command).toEqual(["node", "--max-semi-space-size=64", `dist/${name}.cjs`]);
      expect(container.ports?.[0]?.containerPort).toBe(port);
      expect(container.env).toContainEqual({ name: "PORT", value: String(port) });
      expect(container.readinessProbe?.grpc?.port).toBe(port);
      expect(container.livenessProbe?.tcpSocket).toBeDefined(); // a database outage must not restart pods
      expect(container.resources?.requests?.["cpu"]).toBeDefined();
      expect(container.resources?.limits?.["memory"]).toBeDefined();
      expect(container.securityContext?.allowPrivilegeEscalation).toBe(false);
      expect(container.securityContext?.capabilities?.drop).toEqual(["ALL"]);
      expect(pod.securityContext?.runAsNonRoot).toBe(true);
      expect(pod.initContainers?.[0]?.command).toEqual(["node", "dist/migrate.cjs", "--wait", "600"]);
      // Settings from the generated ConfigMap (its hashed name), secrets from the Secret.
      const refs = (container.envFrom ?? []).map(
        (e) => e.configMapRef?.name ?? `secret:${e.secretRef?.name}`,
      );
      expect(refs).toEqual([platformConfig().metadata!.name, "secret:mcp-platform"]);
      // The Service and the budget select exactly these pods.
      const labels = deployment.spec!.template.metadata!.labels!;
      const service = get<IService>("Service", `mcp-${name}`);
      for (const selector of [service.spec!.selector!, deployment.spec!.selector.matchLabels!]) {
        for (const [key, value] of Object.entries(selector)) expect(labels[key]).toBe(value);
      }
      const budget = find<IPodDisruptionBudget>("PodDisruptionBudget", `mcp-${name}`);
      if (overlay === "production")
        expect(budget?.spec?.selector?.matchLabels).toEqual(deployment.spec!.selector.matchLabels);
      else expect(budget).toBeUndefined(); // one replica cannot keep one available
    },
  );

  it("gives the executor what its step sandboxes need, and nothing more", () => {
    const pod = podOf("mcp-executor");
    expect(pod.hostUsers).toBe(false);
    expect(pod.securityContext?.seccompProfile?.type).toBe("Unconfined");
    expect(pod.securityContext?.appArmorProfile?.type).toBe("Unconfined");
    const container = pod.containers[0]!;
    expect(container.securityContext?.procMount).toBe("Unmasked");
    expect(container.securityContext?.privileged).toBeUndefined();
    expect(container.volumeMounts).toContainEqual({ name: "tmp", mountPath: "/tmp" });
    const hpa = get<IHorizontalPodAutoscaler>("HorizontalPodAutoscaler", "mcp-executor");
    expect(hpa.spec?.scaleTargetRef).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "mcp-executor",
    });
  });

  it("migrates with a Job, and the services only check the schema", () => {
    const job = get<IJob>("Job", "mcp-migrate");
    const command = job.spec?.template.spec?.containers[0]?.command ?? [];
    expect(command.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(command[2]).toMatch(/^node dist\/migrate\.cjs && /);
    // the services' key made valid: a viewer of every workspace
    expect(command[2]).toMatch(
      /keys\.cjs register .*--role viewer --workspace '\*' --from-env SERVICE_API_KEY/,
    );
    expect(platformConfig().data?.["DB_MIGRATIONS"]).toBe("check");
  });

  it("holds settings the services accept (their own config parser reads the ConfigMap and Secret)", () => {
    const secret = find<ISecret>("Secret", "mcp-platform");
    const secretValues: Record<string, string> = secret
      ? {
          ...secret.stringData,
          ...Object.fromEntries(
            Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]),
          ),
        }
      : {
          // production's Secret is the operator's: the shapes the overlay's comment shows
          DATABASE_URL: "postgres://mcp:x@db.example.internal:5432/mcp?sslmode=require",
          REDIS_URL: "redis+sentinel://s1:26379,s2:26379/mymaster",
        };
    const env = { ...platformConfig().data, ...secretValues };
    for (const [name, port] of SERVICES) {
      const config = loadConfig(name, { ...env, PORT: String(port) });
      expect(config.migrations).toBe("check");
      expect(config.registryUrl).toBe("http://mcp-registry:50051");
      expect(config.workflowsUrl).toBe("http://mcp-workflows:50052");
    }
  });

  it("points the console's browser at addresses, and serves it", () => {
    const urls = get<IConfigMap>("ConfigMap", "mcp-console").data ?? {};
    for (const key of ["CONSOLE_REGISTRY_URL", "CONSOLE_WORKFLOWS_URL", "CONSOLE_EXECUTOR_URL"])
      expect(urls[key]).toMatch(/^https?:\/\//);
    const console = podOf("mcp-console").containers[0]!;
    expect(console.command).toEqual(["node", "dist/console.cjs"]);
    expect(console.readinessProbe?.httpGet?.path).toBe("/config.json");
  });
});
