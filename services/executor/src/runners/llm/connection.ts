import { StepFailure } from "../../step/index.js";
import type { RetryOptions } from "./http.js";

/** Where a chat client sends its requests and how it behaves. */
export interface Connection {
  /** The provider's base URL, e.g. `https://api.openai.com/v1` or `https://api.anthropic.com`. */
  readonly baseUrl: string;
  /** Name of the environment variable holding the API key, read at each call. */
  readonly apiKeyEnv: string;
  /** Name of the secret holding the API key (wins over `apiKeyEnv`); its value comes in `secrets`. */
  readonly apiKeySecret?: string;
  /** The step's decrypted secrets. */
  readonly secrets?: ReadonlyMap<string, string>;
  /** Limit on each HTTP attempt. */
  readonly timeoutMs: number;
  readonly retry?: RetryOptions;
  /** Where the key is looked up; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * The API key: the `api_key_secret` secret's value, else the `api_key_env` variable read now. A
 * missing one fails naming the secret or variable (never a value).
 */
export function apiKeyOf(connection: Connection): string {
  const secret = connection.apiKeySecret ?? "";
  if (secret !== "") {
    const value = connection.secrets?.get(secret);
    if (value === undefined || value === "") {
      throw new StepFailure(
        "SECRET_UNAVAILABLE",
        `the LLM API key secret ${secret} (provider.api_key_secret) was not handed to this step`,
      );
    }
    return value;
  }
  const name = connection.apiKeyEnv;
  if (name === "")
    throw new StepFailure("INVALID_CONFIG", "the LLM provider has no api_key_env or api_key_secret");
  const key = (connection.env ?? process.env)[name]?.trim();
  if (key === undefined || key === "") {
    throw new StepFailure(
      "INVALID_CONFIG",
      `the LLM API key variable ${name} (provider.api_key_env) is not set in the executor's environment`,
    );
  }
  return key;
}

/** `path` under the base URL, whether or not the base ends with a slash. */
export function endpoint(connection: Connection, path: string): string {
  return `${connection.baseUrl.replace(/\/+$/, "")}${path}`;
}
