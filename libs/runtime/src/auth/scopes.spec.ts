import { PermissionDeniedError, UnauthenticatedError } from "@mcp/errors";
import { ExecutorService, SecretService } from "@mcp/proto/executor";
import { RegistryService } from "@mcp/proto/registry";
import { requireScope } from "./require-scope.js";
import { requiredScope, type ScopePolicy } from "./scopes.js";

const policy: ScopePolicy = { mutating: "execute", services: { [SecretService.typeName]: "admin" } };

describe("requiredScope", () => {
  it("leaves reads open and needs the mutating scope elsewhere", () => {
    expect(requiredScope(ExecutorService.method.listRuns, policy)).toBeUndefined();
    expect(requiredScope(ExecutorService.method.executeWorkflow, policy)).toBe("execute");
    expect(requiredScope(RegistryService.method.createMcp, { mutating: "write" })).toBe("write");
    expect(requiredScope(RegistryService.method.getMcp, { mutating: "write" })).toBeUndefined();
  });

  it("needs a listed service's scope on every method, reads included", () => {
    expect(requiredScope(SecretService.method.listSecrets, policy)).toBe("admin");
    expect(requiredScope(SecretService.method.getSecret, policy)).toBe("admin");
    expect(requiredScope(SecretService.method.putSecret, policy)).toBe("admin");
    // only a service the policy lists
    expect(requiredScope(SecretService.method.getSecret, { mutating: "execute" })).toBeUndefined();
  });
});

describe("requireScope", () => {
  it("does nothing when API keys are off (no scopes) or the key has the scope (admin implies all)", () => {
    expect(() => requireScope(undefined, "admin", "allow egress")).not.toThrow();
    expect(() =>
      requireScope({ scopes: undefined, principal: undefined }, "admin", "allow egress"),
    ).not.toThrow();
    expect(() =>
      requireScope({ scopes: ["admin"], principal: "ops" }, "admin", "allow egress"),
    ).not.toThrow();
    expect(() => requireScope({ scopes: ["admin"], principal: "ops" }, "write", "x")).not.toThrow();
  });

  it("refuses a key without the scope, naming the key, the scope and what it was for", () => {
    const call = () =>
      requireScope({ scopes: ["write", "execute"], principal: "ci" }, "admin", "allow network egress");
    expect(call).toThrow(PermissionDeniedError);
    expect(call).toThrow(
      'API key "ci" lacks the "admin" scope needed to allow network egress (it has: write, execute); use a key with the "admin" scope',
    );
  });

  it("asks for a key when auth is on and none was sent", () => {
    const call = () => requireScope({ scopes: [], principal: undefined }, "admin", "name a secret");
    expect(call).toThrow(UnauthenticatedError);
    expect(call).toThrow(
      /an API key with the "admin" scope is needed to name a secret: send "authorization: Bearer <key>"/,
    );
  });
});
