import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";

/**
 * For service-to-service clients: sends `apiKey` (SERVICE_API_KEY) as `authorization: Bearer`, and turns
 * the peer refusing it (UNAUTHENTICATED / PERMISSION_DENIED) into UNAVAILABLE naming SERVICE_API_KEY —
 * the caller's end user did nothing wrong; this service is misconfigured, which an operator must fix.
 */
export function serviceKeyInterceptor(peer: string, apiKey: string | undefined): Interceptor {
  return (next) => async (req) => {
    if (apiKey) req.header.set("authorization", `Bearer ${apiKey}`);
    try {
      return await next(req);
    } catch (err) {
      const ce = ConnectError.from(err);
      if (ce.code !== Code.Unauthenticated && ce.code !== Code.PermissionDenied) throw err;
      const fix = apiKey
        ? "SERVICE_API_KEY is not accepted there; set it to a live key with the viewer role (or more)"
        : "SERVICE_API_KEY is not set; set it to a key created with `npm run keys -- create --role viewer`";
      throw new ConnectError(
        `${peer} refused this service's call to ${req.method.name} (${ce.rawMessage}); ${fix}`,
        Code.Unavailable,
        undefined,
        undefined,
        ce,
      );
    }
  };
}
