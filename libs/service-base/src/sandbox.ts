import { closeInheritedDescriptors, Sandbox, type SandboxStatus } from "@mcp/sandbox";
import { gauge, ServingStatus, type Logger, type RunningServer, type ServiceConfig } from "@mcp/runtime";
import type { Registry } from "prom-client";

/** The name under which `grpc.health.v1.Health` reports the sandbox: SERVING only when step code is isolated. */
export const SANDBOX_HEALTH_SERVICE = "sandbox";

/**
 * Opens the sandbox this process runs step code in (SANDBOX_*), after its start-up trial, and says
 * how it runs: the log line at every start (a warning when SANDBOX=off: unsafe; an error when the
 * sandbox does not work here, naming the missing piece) and the `mcp_sandbox_info` gauge. The other
 * services' URLs and the database and Redis are denied to egress. First closes the descriptors this
 * process inherited without close-on-exec (a warning names them): they would reach step code.
 */
export async function openSandbox(
  config: ServiceConfig,
  logger: Logger,
  metrics: Registry,
): Promise<Sandbox> {
  const closed = closeInheritedDescriptors();
  if (closed.length > 0) {
    logger.warn(
      { fds: closed },
      `closed file descriptors ${closed.join(", ")}, inherited without close-on-exec from whatever started this process: every sandboxed step would have inherited them`,
    );
  }
  const settings = config.sandbox;
  const sandbox = await Sandbox.open({
    mode: settings.mode,
    readOnlyPaths: settings.readOnlyPaths,
    writablePaths: settings.writablePaths,
    egressDeny: settings.egressDeny,
    platformUrls: [
      config.databaseUrl,
      config.registryUrl,
      config.workflowsUrl,
      ...(config.redisUrl ? [config.redisUrl] : []),
    ],
    uid: settings.uid,
    gid: settings.gid,
    tmpSizeBytes: settings.tmpSizeBytes,
    defaultLimits: {
      processes: settings.maxProcesses,
      fileSizeBytes: settings.maxFileBytes,
      openFiles: settings.maxOpenFiles,
    },
  });
  report(sandbox.status, settings, logger, metrics);
  return sandbox;
}

/** Publishes the sandbox's state in the server's health (service `sandbox`). */
export function reportSandboxHealth(server: RunningServer, sandbox: Sandbox): void {
  server.health.set(
    sandbox.status.mode === "bubblewrap" ? ServingStatus.SERVING : ServingStatus.NOT_SERVING,
    SANDBOX_HEALTH_SERVICE,
  );
}

function report(
  status: SandboxStatus,
  paths: { readonly readOnlyPaths: readonly string[]; readonly writablePaths: readonly string[] },
  logger: Logger,
  metrics: Registry,
): void {
  const { readOnlyPaths, writablePaths } = paths;
  const egress = status.egress.available ? "available" : "unavailable";
  gauge(metrics, {
    name: "mcp_sandbox_info",
    help: "How step code is isolated: mode (bubblewrap, off, unavailable), limits (rlimit or cgroup2), egress (available or unavailable); always 1",
    labelNames: ["mode", "limits", "egress"],
  }).set({ mode: status.mode, limits: status.limits, egress }, 1);
  switch (status.mode) {
    case "bubblewrap":
      logger.info(
        {
          sandbox: status.mode,
          limits: status.limits,
          limitsNote: status.limitsNote,
          egress,
          egressProblem: status.egress.problem,
          readOnlyPaths,
          writablePaths,
        },
        `step code runs in bubblewrap sandboxes (limits by ${status.limits === "cgroup2" ? "cgroup v2 and rlimit" : "rlimit"})` +
          (status.egress.available ? "" : "; egress is unavailable: MCP versions asking for it will fail"),
      );
      return;
    case "off":
      logger.warn(
        { sandbox: status.mode },
        "SANDBOX=off: step code runs UNSANDBOXED as this service's user, with its file system and network (unsafe; only for a machine without bubblewrap)",
      );
      return;
    case "unavailable":
      logger.error(
        { sandbox: status.mode, problem: status.problem },
        status.problem ?? "the sandbox does not work",
      );
  }
}
