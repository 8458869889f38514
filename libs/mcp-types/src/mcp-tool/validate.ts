import type { FieldViolation } from "@mcp/errors";
import type { HttpTransport, McpToolConfig, StdioTransport } from "@mcp/proto/registry";
import { checkRange, checkRequired, fieldPath, keyPath, violation } from "@mcp/validation";
import { ENV_KEY, HEADER_NAME, hasLineBreak, isAbsolutePath, isHttpUrl } from "@mcp/validation";

/**
 * Checks an mcp_tool config at `path`: exactly one transport — stdio (command required, env keys
 * valid variable names, cwd absolute when set) or http (http(s) url, valid header names, single-line
 * header values); tool_name required; timeout 1..3600.
 */
export function validateMcpTool(config: McpToolConfig, path: string): FieldViolation[] {
  return [
    ...checkTransport(config.transport, path),
    ...checkRequired(config.toolName, fieldPath(path, "tool_name")),
    ...checkRange(config.timeoutSeconds, 1, 3600, fieldPath(path, "timeout_seconds")),
  ];
}

function checkTransport(transport: McpToolConfig["transport"], path: string): FieldViolation[] {
  switch (transport.case) {
    case "stdio":
      return checkStdio(transport.value, fieldPath(path, "stdio"));
    case "http":
      return checkHttp(transport.value, fieldPath(path, "http"));
    default:
      return [violation(fieldPath(path, "transport"), "exactly one of stdio or http is required")];
  }
}

function checkStdio(stdio: StdioTransport, path: string): FieldViolation[] {
  const env = fieldPath(path, "env");
  return [
    ...checkRequired(stdio.command, fieldPath(path, "command")),
    ...Object.keys(stdio.env).flatMap((key) =>
      ENV_KEY.test(key)
        ? []
        : [violation(keyPath(env, key), "must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)")],
    ),
    ...(stdio.cwd !== "" && !isAbsolutePath(stdio.cwd)
      ? [violation(fieldPath(path, "cwd"), "must be an absolute path")]
      : []),
  ];
}

function checkHttp(http: HttpTransport, path: string): FieldViolation[] {
  const url = fieldPath(path, "url");
  const headers = fieldPath(path, "headers");
  return [
    ...checkRequired(http.url, url),
    ...(http.url !== "" && !isHttpUrl(http.url) ? [violation(url, "must be an http or https URL")] : []),
    ...Object.entries(http.headers).flatMap(([name, value]) => {
      if (!HEADER_NAME.test(name))
        return [violation(keyPath(headers, name), "must be a valid HTTP header name")];
      return hasLineBreak(value) ? [violation(keyPath(headers, name), "must be a single line")] : [];
    }),
  ];
}
