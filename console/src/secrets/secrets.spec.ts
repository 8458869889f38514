import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { PutSecretResponseSchema, RotateSecretsKeyResponseSchema, SecretSchema } from "@mcp/proto/executor";
import { errorDetails } from "@mcp/proto/grpc";
import { describe, expect, it } from "vitest";
import { putOutcome, putSecretRequest, rotateOutcome, secretsErrorHint } from "./secrets";

describe("putSecretRequest", () => {
  it("a new secret: the name trimmed, the value as typed, the description only when given", () => {
    expect(putSecretRequest({ name: " API_TOKEN ", description: "" }, "  spaced value ")).toEqual({
      name: "API_TOKEN",
      value: "  spaced value ",
    });
    expect(putSecretRequest({ name: "API_TOKEN", description: " ci " }, "v")).toEqual({
      name: "API_TOKEN",
      value: "v",
      description: "ci",
    });
  });

  it("a listed secret: its name and etag, and the description as edited, even when emptied", () => {
    const existing = create(SecretSchema, { name: "API_TOKEN", etag: "e-7", description: "old" });
    expect(putSecretRequest({ name: "ignored", description: "", existing }, "v")).toEqual({
      name: "API_TOKEN",
      value: "v",
      description: "",
      etag: "e-7",
    });
  });
});

describe("status lines", () => {
  it("say whether PutSecret created the secret or which value version it is at", () => {
    const secret = create(SecretSchema, { name: "API_TOKEN", valueVersion: 1 });
    expect(putOutcome(create(PutSecretResponseSchema, { secret, created: true }))).toBe(
      "Created secret API_TOKEN (value version 1).",
    );
    secret.valueVersion = 5;
    expect(putOutcome(create(PutSecretResponseSchema, { secret, created: false }))).toBe(
      "Set a new value of API_TOKEN: value version 5.",
    );
  });

  it("say how many secrets RotateSecretsKey re-encrypted and the key", () => {
    expect(rotateOutcome(create(RotateSecretsKeyResponseSchema, { keyId: "k1", reencrypted: 1 }))).toBe(
      "Re-encrypted 1 secret; every secret is now sealed with key k1.",
    );
    expect(rotateOutcome(create(RotateSecretsKeyResponseSchema, { keyId: "k1", reencrypted: 0 }))).toBe(
      "Re-encrypted 0 secrets; every secret is now sealed with key k1.",
    );
  });
});

describe("secretsErrorHint", () => {
  it("asks for an admin key on PERMISSION_DENIED and UNAUTHENTICATED", () => {
    for (const code of [Code.PermissionDenied, Code.Unauthenticated]) {
      expect(secretsErrorHint(new ConnectError("no", code))).toMatch(/admin role/);
    }
  });

  it("names SECRETS_KEY only for FAILED_PRECONDITION with the reason SECRETS_NOT_CONFIGURED", () => {
    const notConfigured = new ConnectError("not configured", Code.FailedPrecondition, undefined, [
      { desc: errorDetails.ErrorInfoSchema, value: { reason: "SECRETS_NOT_CONFIGURED" } },
    ]);
    expect(secretsErrorHint(notConfigured)).toMatch(/SECRETS_KEY/);
    expect(secretsErrorHint(new ConnectError("other", Code.FailedPrecondition))).toBeUndefined();
    expect(secretsErrorHint(new ConnectError("gone", Code.NotFound))).toBeUndefined();
    expect(secretsErrorHint(new Error("local"))).toBeUndefined();
  });
});
