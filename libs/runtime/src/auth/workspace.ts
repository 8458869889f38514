import type { DescMethod } from "@bufbuild/protobuf";
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import type { ContextValues, Interceptor } from "@connectrpc/connect";
import { InvalidArgumentError, NotFoundError, PermissionDeniedError } from "@mcp/errors";
import { callInfoKey } from "../context.js";
import { DEFAULT_WORKSPACE, WORKSPACE_HEADER, WORKSPACE_NAME } from "./identity.js";
import { OPEN_SERVICES } from "./policy.js";

/** The service whose calls act on workspaces themselves, outside any one of them. */
export const WORKSPACE_SERVICE = "mcp.registry.v1.WorkspaceService";

/** An API key's workspace meaning "every workspace": service keys (SERVICE_API_KEY) forward their callers'. */
export const EVERY_WORKSPACE = "*";

/** Whether a call to this service acts in a workspace (health, reflection and WorkspaceService do not). */
function inWorkspace(service: string): boolean {
  return !OPEN_SERVICES.has(service) && service !== WORKSPACE_SERVICE;
}

/** The headers that make a call to another service act in `workspace` (service-to-service calls). */
export function workspaceHeaders(workspace: string): Record<string, string> {
  return { [WORKSPACE_HEADER]: workspace };
}

/**
 * The workspace a call names: its `x-mcp-workspace` header, `default` when absent or empty;
 * INVALID_ARGUMENT naming the header when it is not a workspace name.
 */
export function workspaceOf(header: Headers): string {
  const raw = header.get(WORKSPACE_HEADER)?.trim();
  if (!raw) return DEFAULT_WORKSPACE;
  if (!WORKSPACE_NAME.test(raw)) {
    throw InvalidArgumentError.field(
      WORKSPACE_HEADER,
      `header ${WORKSPACE_HEADER} "${raw.slice(0, 80)}" is not a workspace name: lower-case letters, digits and dashes, starting with a letter, at most 63 characters`,
    );
  }
  return raw;
}

/**
 * Sets the call's `CallInfo.workspace` from its `x-mcp-workspace` header (docs/adr/021). Runs before
 * authentication, which checks that a key serves that workspace ({@link checkKeyWorkspace}).
 */
export function workspaceInterceptor(): Interceptor {
  return (next) => async (req) => {
    if (!inWorkspace(req.service.typeName)) return next(req);
    const workspace = workspaceOf(req.header);
    const info = req.contextValues.get(callInfoKey);
    if (info && workspace !== info.workspace) {
      req.contextValues.set(callInfoKey, {
        ...info,
        workspace,
        logger: info.logger.child({ workspace }),
      });
    }
    return next(req);
  };
}

/** Whether a workspace exists (the `workspaces` table, through a short per-process cache). */
export interface WorkspaceDirectory {
  exists(name: string): Promise<boolean>;
}

/**
 * NOT_FOUND for a call in a workspace that does not exist. Runs after authentication, so a caller
 * without a valid key learns nothing about which workspaces exist.
 */
export function workspaceExistsInterceptor(directory: WorkspaceDirectory): Interceptor {
  return (next) => async (req) => {
    if (!inWorkspace(req.service.typeName)) return next(req);
    const workspace = req.contextValues.get(callInfoKey)?.workspace ?? workspaceOf(req.header);
    if (workspace !== DEFAULT_WORKSPACE && !(await directory.exists(workspace))) {
      throw new NotFoundError(
        "workspace",
        workspace,
        `named by header ${WORKSPACE_HEADER}; create it with \`mcp workspace create ${workspace}\``,
      );
    }
    return next(req);
  };
}

/**
 * PERMISSION_DENIED when an API key of one workspace is used in another (the key's workspace named).
 * A key of every workspace (`*`, for services) serves them all. WorkspaceService calls act outside any
 * workspace: any key may read workspaces; creating or deleting one needs a key of every workspace.
 */
export function checkKeyWorkspace(
  key: { readonly name: string; readonly workspace: string },
  method: DescMethod,
  callWorkspace: string,
): void {
  if (key.workspace === EVERY_WORKSPACE) return;
  const service = method.parent.typeName;
  if (OPEN_SERVICES.has(service)) return;
  if (service === WORKSPACE_SERVICE) {
    if (method.idempotency === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS) return;
    throw new PermissionDeniedError(
      `API key "${key.name}" belongs to workspace "${key.workspace}"; ${method.name} needs a key of every workspace (create one with \`npm run keys -- create --workspace '*'\`)`,
    );
  }
  if (key.workspace !== callWorkspace) {
    throw new PermissionDeniedError(
      `API key "${key.name}" belongs to workspace "${key.workspace}", not "${callWorkspace}" (header ${WORKSPACE_HEADER}); use a key of "${callWorkspace}" or send "${WORKSPACE_HEADER}: ${key.workspace}"`,
    );
  }
}

/**
 * A {@link WorkspaceDirectory} over a lookup, remembering workspaces that exist for `cacheMs` (a
 * deleted workspace stays usable that long in each process); an unknown name is asked again each time,
 * so a new workspace is usable at once.
 */
export class CachedWorkspaceDirectory implements WorkspaceDirectory {
  private readonly known = new Map<string, number>();

  constructor(
    private readonly lookup: (name: string) => Promise<boolean>,
    private readonly cacheMs = 30_000,
  ) {}

  async exists(name: string): Promise<boolean> {
    const now = Date.now();
    if ((this.known.get(name) ?? 0) > now) return true;
    const found = await this.lookup(name);
    if (found) {
      if (this.known.size > 10_000) this.known.clear();
      this.known.set(name, now + this.cacheMs);
    } else {
      this.known.delete(name);
    }
    return found;
  }
}

/** The workspace a handler's call acts in (set by {@link workspaceInterceptor}; `default` when none). */
export function callWorkspace(ctx: { readonly values: ContextValues }): string {
  return ctx.values.get(callInfoKey)?.workspace ?? DEFAULT_WORKSPACE;
}
