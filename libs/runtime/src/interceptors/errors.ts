import type { Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";
import { toConnectError } from "../errors.js";

/** Turns anything a handler throws into a ConnectError via the one mapper, {@link toConnectError}. */
export function errorInterceptor(options: { domain: string; logger: Logger }): Interceptor {
  return (next) => async (req) => {
    try {
      return await next(req);
    } catch (err) {
      throw toConnectError(err, { ...options, method: `${req.service.typeName}/${req.method.name}` });
    }
  };
}
