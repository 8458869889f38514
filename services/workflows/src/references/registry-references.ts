import { Code, ConnectError, type Client } from "@connectrpc/connect";
import { UnavailableError } from "@mcp/errors";
import type { McpReference, RegistryService } from "@mcp/proto/registry";
import { workspaceHeaders } from "@mcp/runtime";
import { errorDetails } from "@mcp/proto/grpc";
import { create, type JsonObject } from "@bufbuild/protobuf";
import { ResolvedStepSchema, type ResolvedStep, type WorkflowSpec } from "@mcp/proto/workflows";
import { mcpReferences } from "../validation/index.js";
import { inputSchemaOf, inputViolations } from "./input-schema.js";
import type { SpecViolation } from "../validation/index.js";

/** Outcome of checking a spec's MCP references against the registry. */
export interface ReferenceCheck {
  /** One per step whose MCP, version or label does not resolve. */
  readonly violations: SpecViolation[];
  /** The version each resolvable step uses now, in step order. */
  readonly resolved: ResolvedStep[];
}

/** Codes that mean "the registry could not answer", as opposed to "the reference is wrong". */
const UNREACHABLE = new Set([
  Code.Unavailable,
  Code.DeadlineExceeded,
  Code.Unknown,
  Code.Internal,
  Code.ResourceExhausted,
  Code.Canceled,
]);

const REFERENCE_CODES = new Set(["MCP_NOT_FOUND", "MCP_VERSION_NOT_FOUND", "MCP_LABEL_NOT_FOUND"]);

const describe = (ref: McpReference) =>
  `${ref.mcp.value ?? "?"}${ref.selector.case === "version" ? `@${ref.selector.value}` : ref.selector.case === "label" ? `@${ref.selector.value}` : ""}`;

/**
 * Resolves every step's MCP reference in `workspace` by calling the registry over gRPC (in that workspace) (GetMcp, one call per distinct
 * reference, all at once). A reference the registry cannot resolve becomes a violation naming the step;
 * a registry that cannot be reached is an UnavailableError, so the caller writes nothing.
 */
export async function checkMcpReferences(
  registry: Client<typeof RegistryService>,
  workspace: string,
  spec: WorkflowSpec,
): Promise<ReferenceCheck> {
  const refs = mcpReferences(spec);
  const calls = new Map<
    string,
    Promise<{ id: string; name: string; version: number; schema: JsonObject | undefined } | ConnectError>
  >();
  for (const { ref } of refs) {
    const key = JSON.stringify([ref.mcp, ref.selector]);
    if (calls.has(key)) continue;
    calls.set(
      key,
      registry
        .getMcp({ mcp: ref.mcp, selector: ref.selector }, { headers: workspaceHeaders(workspace) })
        .then(
          (res) => ({
            id: res.mcp?.id ?? "",
            name: res.mcp?.name ?? "",
            version: res.version?.version ?? 0,
            schema: inputSchemaOf(res.version),
          }),
          (err: unknown) => ConnectError.from(err),
        ),
    );
  }
  const violations: SpecViolation[] = [];
  const resolved: ResolvedStep[] = [];
  for (const { stepId, field, ref } of refs) {
    const outcome = await calls.get(JSON.stringify([ref.mcp, ref.selector]));
    if (outcome instanceof ConnectError) {
      if (UNREACHABLE.has(outcome.code)) {
        throw new UnavailableError(
          "registry",
          `could not check the MCP of step "${stepId}": ${outcome.rawMessage}`,
          { cause: outcome },
        );
      }
      const reason = outcome.findDetails(errorDetails.ErrorInfoSchema)[0]?.reason;
      const code: SpecViolation["code"] =
        reason && REFERENCE_CODES.has(reason) ? (reason as SpecViolation["code"]) : "MCP_NOT_RESOLVED";
      violations.push({
        field,
        code,
        description: `step "${stepId}": MCP ${describe(ref)} does not resolve: ${outcome.rawMessage}`,
      });
    } else if (outcome) {
      const step = spec.steps.find((s) => s.stepId === stepId);
      if (step)
        violations.push(...inputViolations(step, field.replace(/\.mcp$/, ""), outcome.name, outcome.schema));
      resolved.push(
        create(ResolvedStepSchema, {
          stepId,
          mcpId: outcome.id,
          mcpName: outcome.name,
          mcpVersion: outcome.version,
        }),
      );
    }
  }
  return { violations, resolved };
}
