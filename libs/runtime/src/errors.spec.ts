import { Code } from "@connectrpc/connect";
import { FailedPreconditionError, InvalidArgumentError, NotFoundError } from "@mcp/errors";
import { errorDetails } from "@mcp/proto/grpc";
import { toConnectError } from "./errors";

const fields = (err: unknown) =>
  toConnectError(err, { domain: "test" })
    .findDetails(errorDetails.BadRequestSchema)
    .flatMap((b) => b.fieldViolations.map((v) => [v.field, v.description]));

describe("toConnectError", () => {
  it("sends the field violations of an INVALID_ARGUMENT as google.rpc.BadRequest", () => {
    const err = toConnectError(InvalidArgumentError.field("spec.cron", "is required"), { domain: "test" });
    expect(err.code).toBe(Code.InvalidArgument);
    expect(fields(InvalidArgumentError.field("spec.cron", "is required"))).toEqual([
      ["spec.cron", "is required"],
    ]);
  });

  it("sends the field a NOT_FOUND or FAILED_PRECONDITION is about, and none when it names none", () => {
    const missing = new NotFoundError("workflow", "nightly").about("spec.workflow");
    expect(toConnectError(missing, { domain: "test" }).code).toBe(Code.NotFound);
    expect(fields(missing)).toEqual([["spec.workflow", 'workflow "nightly" not found']]);
    const busy = new FailedPreconditionError("run r is running", "RUN_NOT_FINISHED").about(
      "run_id",
      "still running",
    );
    expect(fields(busy)).toEqual([["run_id", "still running"]]);
    expect(fields(new NotFoundError("run", "r"))).toEqual([]);
  });
});
