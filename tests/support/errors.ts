import { Code, ConnectError } from "@connectrpc/connect";
import { errorDetails } from "@mcp/proto/grpc";

/** Awaits a call expected to fail and returns its ConnectError (fails the test if it succeeded). */
export async function rpcError(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error("expected the call to fail, but it succeeded");
}

/** Asserts a call fails with `code`; returns the error for further checks. */
export async function expectCode(call: Promise<unknown>, code: Code): Promise<ConnectError> {
  const err = await rpcError(call);
  if (err.code !== code) {
    throw new Error(`expected ${Code[code]}, got ${Code[err.code]}: ${err.rawMessage}`);
  }
  return err;
}

/** The google.rpc.BadRequest field paths an error names (any code). */
export function fieldsOf(err: ConnectError): string[] {
  return err.findDetails(errorDetails.BadRequestSchema).flatMap((b) => b.fieldViolations.map((v) => v.field));
}
