import type { Interceptor, Transport } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import type { ConsoleConfig } from "../config/load-config";

/**
 * Sends the current credential, when there is one, as `authorization: Bearer <credential>` on every
 * call: the API key from Settings, or the signed-in user's token (see sign-in/credential.ts).
 */
export function bearerInterceptor(
  credential: () => string | undefined | Promise<string | undefined>,
): Interceptor {
  return (next) => async (req) => {
    const key = await credential();
    if (key !== undefined) req.header.set("authorization", `Bearer ${key}`);
    return next(req);
  };
}

/** Names the chosen workspace, when there is one, as `x-mcp-workspace` on every call. */
export function workspaceInterceptor(workspace: () => string | undefined): Interceptor {
  return (next) => async (req) => {
    const name = workspace();
    if (name !== undefined) req.header.set("x-mcp-workspace", name);
    return next(req);
  };
}

/** One Connect-protocol transport (JSON over HTTP/1.1 or 2, fetch-based) per service. */
export interface Transports {
  readonly registry: Transport;
  readonly workflows: Transport;
  readonly executor: Transport;
}

export function createTransports(
  config: ConsoleConfig,
  credential: () => string | undefined | Promise<string | undefined>,
  workspace: () => string | undefined = () => undefined,
): Transports {
  const interceptors = [bearerInterceptor(credential), workspaceInterceptor(workspace)];
  const transport = (baseUrl: string) => createConnectTransport({ baseUrl, interceptors });
  return {
    registry: transport(config.registryUrl),
    workflows: transport(config.workflowsUrl),
    executor: transport(config.executorUrl),
  };
}
