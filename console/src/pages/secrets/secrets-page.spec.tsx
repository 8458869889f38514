import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, type ServiceImpl } from "@connectrpc/connect";
import {
  DeleteSecretRequestSchema,
  PutSecretRequestSchema,
  SecretSchema,
  SecretService,
  type DeleteSecretRequest,
  type PutSecretRequest,
  type Secret,
} from "@mcp/proto/executor";
import { errorDetails } from "@mcp/proto/grpc";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithApi } from "../../test/render";
import { SecretsPage } from "./secrets-page";

const secret = (name: string, init: MessageInitShape<typeof SecretSchema> = {}): Secret =>
  create(SecretSchema, {
    name,
    description: `the ${name}`,
    valueVersion: 1,
    keyId: "k1a2b3c4",
    etag: `etag-${name}`,
    updateTime: timestampFromMs(Date.parse("2026-03-01T12:00:00Z")),
    updatedBy: "ops-admin",
    ...init,
  });

const VALUE = "sk-live-0123456789abcdef";

/** A secrets store in memory, recording every write. */
function setup(overrides: Partial<ServiceImpl<typeof SecretService>> = {}) {
  const stored = new Map<string, Secret>([
    ["GITHUB_TOKEN", secret("GITHUB_TOKEN", { valueVersion: 3 })],
    ["OPENAI_API_KEY", secret("OPENAI_API_KEY")],
  ]);
  const puts: PutSecretRequest[] = [];
  const deletes: DeleteSecretRequest[] = [];
  const app = renderWithApi(<SecretsPage />, {
    path: "/secrets",
    pattern: "/secrets",
    routes: (router) =>
      router.service(SecretService, {
        listSecrets: () => ({ secrets: [...stored.values()], nextPageToken: "" }),
        putSecret: (req) => {
          puts.push(req);
          const before = stored.get(req.name);
          const after = secret(req.name, {
            description: req.description ?? before?.description ?? "",
            valueVersion: (before?.valueVersion ?? 0) + 1,
          });
          stored.set(req.name, after);
          return { secret: after, created: before === undefined };
        },
        deleteSecret: (req) => {
          deletes.push(req);
          stored.delete(req.name);
          return {};
        },
        rotateSecretsKey: () => ({ keyId: "k9f8e7d6", reencrypted: 2 }),
        ...overrides,
      }),
  });
  return { puts, deletes, ...app };
}

describe("SecretsPage", () => {
  it("lists the secrets' metadata and says that values are write-only", async () => {
    setup();
    const table = await screen.findByRole("table", { name: "Secrets" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows.map((r) => within(r).getByRole("rowheader").textContent)).toEqual([
      "GITHUB_TOKEN",
      "OPENAI_API_KEY",
    ]);
    const cells = within(rows[0]!)
      .getAllByRole("cell")
      .map((c) => c.textContent);
    expect(cells.slice(0, 5)).toEqual([
      "the GITHUB_TOKEN",
      "v3",
      "k1a2b3c4",
      expect.stringContaining("2026") as unknown,
      "ops-admin",
    ]);
    expect(screen.getByText(/Values are write-only/)).toBeTruthy();
    expect(screen.getByRole("heading", { level: 1, name: "Secrets" })).toBeTruthy();
  });

  it("pages with Load more", async () => {
    const user = userEvent.setup();
    const tokens: string[] = [];
    setup({
      listSecrets: (req) => {
        tokens.push(req.pageToken);
        return req.pageToken === ""
          ? { secrets: [secret("A_ONE")], nextPageToken: "next" }
          : { secrets: [secret("B_TWO")], nextPageToken: "" };
      },
    });
    await screen.findByRole("rowheader", { name: "A_ONE" });
    await user.click(screen.getByRole("button", { name: "Load more" }));
    await screen.findByRole("rowheader", { name: "B_TWO" });
    expect(tokens).toEqual(["", "next"]);
    expect(screen.queryByRole("button", { name: "Load more" })).toBeNull();
  });

  it("New secret › sends exactly the name, value and description, clears the value and says it was created", async () => {
    const user = userEvent.setup();
    const { puts } = setup();
    await screen.findByRole("table", { name: "Secrets" });
    await user.click(screen.getByRole("button", { name: "New secret" }));
    const dialog = screen.getByRole("dialog", { name: "New secret" });
    await user.type(within(dialog).getByLabelText("Name"), "STRIPE_KEY");
    const value = within(dialog).getByLabelText<HTMLInputElement>("Value");
    expect(value.type).toBe("password");
    await user.type(value, VALUE);
    await user.type(within(dialog).getByLabelText("Description"), "payments, test mode");
    await user.click(within(dialog).getByRole("button", { name: "Save secret" }));

    expect(value.value).toBe(""); // emptied as the form is sent, before the answer
    expect(await screen.findByText("Created secret STRIPE_KEY (value version 1).")).toBeTruthy();
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(puts).toEqual([
      create(PutSecretRequestSchema, {
        name: "STRIPE_KEY",
        value: VALUE,
        description: "payments, test mode",
      }),
    ]);
    await screen.findByRole("rowheader", { name: "STRIPE_KEY" }); // the list is fetched again
    expect(document.body.innerHTML).not.toContain(VALUE);
  });

  it("New secret › leaves the description unset when left empty (an existing secret keeps its own)", async () => {
    const user = userEvent.setup();
    const { puts } = setup();
    await user.click(await screen.findByRole("button", { name: "New secret" }));
    const dialog = screen.getByRole("dialog", { name: "New secret" });
    await user.type(within(dialog).getByLabelText("Name"), "OPENAI_API_KEY");
    await user.type(within(dialog).getByLabelText("Value"), VALUE);
    await user.click(within(dialog).getByRole("button", { name: "Save secret" }));
    expect(await screen.findByText("Set a new value of OPENAI_API_KEY: value version 2.")).toBeTruthy();
    expect(puts).toHaveLength(1);
    expect(puts[0]!.description).toBeUndefined();
  });

  it("Set value › sends the listed etag and the description as edited, and says the new value version", async () => {
    const user = userEvent.setup();
    const { puts } = setup();
    await user.click(await screen.findByRole("button", { name: "Set value of GITHUB_TOKEN" }));
    const dialog = screen.getByRole("dialog", { name: "Set value of GITHUB_TOKEN" });
    expect(within(dialog).getByLabelText<HTMLInputElement>("Name").readOnly).toBe(true);
    expect(document.activeElement).toBe(within(dialog).getByLabelText("Value"));
    const description = within(dialog).getByLabelText<HTMLInputElement>("Description");
    expect(description.value).toBe("the GITHUB_TOKEN");
    await user.type(description, " (rotated)");
    await user.type(within(dialog).getByLabelText("Value"), VALUE);
    await user.click(within(dialog).getByRole("button", { name: "Save secret" }));

    expect(await screen.findByText("Set a new value of GITHUB_TOKEN: value version 4.")).toBeTruthy();
    expect(puts).toEqual([
      create(PutSecretRequestSchema, {
        name: "GITHUB_TOKEN",
        value: VALUE,
        description: "the GITHUB_TOKEN (rotated)",
        etag: "etag-GITHUB_TOKEN",
      }),
    ]);
  });

  it("Delete › asks first: Cancel and Escape send nothing; confirmed, deletes with the listed etag", async () => {
    const user = userEvent.setup();
    const { deletes } = setup();
    await user.click(await screen.findByRole("button", { name: "Delete OPENAI_API_KEY" }));
    screen.getByRole("dialog", { name: "Delete secret OPENAI_API_KEY?" });
    expect(document.activeElement?.textContent).toBe("Cancel"); // focus starts on the safe choice
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();

    await user.click(screen.getByRole("button", { name: "Delete OPENAI_API_KEY" }));
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(deletes).toHaveLength(0);

    await user.click(screen.getByRole("button", { name: "Delete OPENAI_API_KEY" }));
    const dialog = screen.getByRole("dialog", { name: "Delete secret OPENAI_API_KEY?" });
    await user.click(within(dialog).getByRole("button", { name: "Delete secret" }));
    expect(await screen.findByText("Deleted secret OPENAI_API_KEY.")).toBeTruthy();
    expect(deletes).toEqual([
      create(DeleteSecretRequestSchema, { name: "OPENAI_API_KEY", etag: "etag-OPENAI_API_KEY" }),
    ]);
    await waitFor(() => expect(screen.queryByRole("rowheader", { name: "OPENAI_API_KEY" })).toBeNull());
  });

  it("Re-encrypt with current key › says how many were re-encrypted and under which key", async () => {
    const user = userEvent.setup();
    setup();
    await user.click(await screen.findByRole("button", { name: "Re-encrypt with current key" }));
    expect(
      await screen.findByText("Re-encrypted 2 secrets; every secret is now sealed with key k9f8e7d6."),
    ).toBeTruthy();
  });

  it("shows PERMISSION_DENIED with the service's message and what key is needed", async () => {
    const message =
      'API key "writer" lacks the "admin" scope that ListSecrets needs (it has: write, execute)';
    setup({
      listSecrets: () => {
        throw new ConnectError(message, Code.PermissionDenied);
      },
    });
    const alert = await screen.findByRole("alert");
    expect(within(alert).getByText("PERMISSION_DENIED")).toBeTruthy();
    expect(within(alert).getByText(message)).toBeTruthy();
    expect(within(alert).getByText("Could not list secrets")).toBeTruthy();
    expect(screen.getByText(/needs an API key with the admin role/)).toBeTruthy();
  });

  it("PutSecret refused › shows the error in the form, with the value cleared all the same", async () => {
    const user = userEvent.setup();
    const message = "the secrets store is not configured: set SECRETS_KEY on the executor (see .env.example)";
    setup({
      putSecret: () => {
        throw new ConnectError(message, Code.FailedPrecondition, undefined, [
          {
            desc: errorDetails.ErrorInfoSchema,
            value: { reason: "SECRETS_NOT_CONFIGURED", domain: "mcp.executor.v1" },
          },
        ]);
      },
    });
    await user.click(await screen.findByRole("button", { name: "New secret" }));
    const dialog = screen.getByRole("dialog", { name: "New secret" });
    await user.type(within(dialog).getByLabelText("Name"), "ANY");
    await user.type(within(dialog).getByLabelText("Value"), VALUE);
    await user.click(within(dialog).getByRole("button", { name: "Save secret" }));

    const alert = await within(dialog).findByRole("alert");
    expect(within(alert).getByText("FAILED_PRECONDITION")).toBeTruthy();
    expect(within(alert).getByText(message)).toBeTruthy();
    expect(within(dialog).getByText(/started without SECRETS_KEY/)).toBeTruthy();
    expect(within(dialog).getByLabelText<HTMLInputElement>("Value").value).toBe("");
    expect(within(dialog).getByLabelText<HTMLInputElement>("Name").value).toBe("ANY");
    expect(screen.queryByText(/Created secret/)).toBeNull();
  });
});
