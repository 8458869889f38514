import type { Interceptor } from "@connectrpc/connect";
import type { Logger } from "pino";
import { toConnectError } from "../errors.js";

/**
 * Turns anything a handler throws into a ConnectError via the one mapper, {@link toConnectError} —
 * also errors thrown while a server stream is being produced.
 */
export function errorInterceptor(options: { domain: string; logger: Logger }): Interceptor {
  return (next) => async (req) => {
    const context = { ...options, method: `${req.service.typeName}/${req.method.name}` };
    try {
      const res = await next(req);
      if (!res.stream) return res;
      return { ...res, message: mapStreamErrors(res.message, context) };
    } catch (err) {
      throw toConnectError(err, context);
    }
  };
}

async function* mapStreamErrors<T>(
  messages: AsyncIterable<T>,
  context: Parameters<typeof toConnectError>[1],
): AsyncIterable<T> {
  try {
    yield* messages;
  } catch (err) {
    throw toConnectError(err, context);
  }
}
