import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { config } from "dotenv";

/** Reads `.env` from the working directory when present; real environment variables win. */
export function loadDotEnv(path = resolve(process.cwd(), ".env")): void {
  if (existsSync(path)) config({ path, quiet: true });
}
