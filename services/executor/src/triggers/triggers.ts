import { randomUUID } from "node:crypto";
import { DEFAULT_WORKSPACE } from "@mcp/runtime";
import { create, fromJson, toJson, type JsonObject } from "@bufbuild/protobuf";
import type { TriggerStore, WebhookTriggerEntity } from "@mcp/db";
import {
  AlreadyExistsError,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
} from "@mcp/errors";
import { WorkflowReferenceSchema, type WorkflowReference } from "@mcp/proto/workflows";
import type { Resolver } from "../definitions/definitions.js";
import { secretsNotConfigured, SecretUnavailableError } from "../secrets/errors.js";
import type { SecretsKeyring } from "../secrets/keyring.js";
import { newTriggerSecret, openTriggerSecret, sealTriggerSecret } from "./trigger-secret.js";

/** Token bucket defaults: 60 deliveries a minute on average, 10 at once. */
export const DEFAULT_RATE_PER_MINUTE = 60;
export const DEFAULT_BURST = 10;

/** A new trigger as asked for (validated: name, paths, ranges). */
export interface NewTriggerSpec {
  readonly name: string;
  readonly description: string;
  readonly workflow: WorkflowReference;
  readonly inputPaths: Readonly<Record<string, string>>;
  /** 0 = {@link DEFAULT_RATE_PER_MINUTE}. */
  readonly ratePerMinute: number;
  /** 0 = {@link DEFAULT_BURST}. */
  readonly burst: number;
  /** Who creates it (the API key's name), undefined when API keys are off. */
  readonly by: string | undefined;
}

/** A trigger and its secret in clear: only CreateTrigger and RotateTriggerSecret hold one. */
export interface WithSecret {
  readonly trigger: WebhookTriggerEntity;
  readonly secret: string;
}

/** The rows the triggers module reads and writes (`@mcp/db` TriggerStore). */
export type TriggerRows = Pick<
  TriggerStore,
  "get" | "listPage" | "insert" | "reseal" | "delete" | "listSealedWithOtherKey" | "resealFrom"
>;

/**
 * Webhook triggers' domain module (TriggerService and the webhook route both use it): a trigger names
 * a workflow (checked when created), how a delivery's body maps to inputs, and a rate limit; its
 * secret is random, sealed under SECRETS_KEY like a secret of the secrets store, returned in clear
 * only when created or rotated, and opened for each delivery to check its signature. Without
 * SECRETS_KEY every call is FAILED_PRECONDITION.
 */
export class Triggers {
  constructor(
    private readonly rows: TriggerRows,
    private readonly keyring: SecretsKeyring | undefined,
    /** Resolves the trigger's workflow in a workspace at creation (NOT_FOUND when it does not exist). */
    private readonly workflows: (workspace: string) => Promise<Pick<Resolver, "workflow">>,
  ) {}

  /**
   * Creates a trigger with a new secret. NOT_FOUND when its workflow (or pinned version) does not
   * exist; INVALID_ARGUMENT when an `input_paths` entry names an input the workflow does not declare;
   * ALREADY_EXISTS when the name is taken.
   */
  async create(workspace: string, spec: NewTriggerSpec): Promise<WithSecret> {
    const keyring = this.requireKeyring();
    const workflow = await (await this.workflows(workspace)).workflow(spec.workflow);
    const declared = new Set(workflow.spec.inputs.map((i) => i.name));
    const unknown = Object.keys(spec.inputPaths).filter((name) => !declared.has(name));
    if (unknown.length > 0) {
      const known = [...declared].join(", ") || "none";
      throw new InvalidArgumentError(
        unknown.map((name) => ({
          field: `input_paths["${name}"]`,
          description: `"${name}" is not an input of workflow "${workflow.name}" version ${workflow.version} (declared: ${known})`,
        })),
      );
    }
    const id = randomUUID();
    const secret = newTriggerSecret();
    const row = await this.rows.insert({
      id,
      workspace,
      name: spec.name,
      description: spec.description,
      workflowRef: toJson(WorkflowReferenceSchema, spec.workflow) as JsonObject,
      inputPaths: { ...spec.inputPaths },
      ratePerMinute: spec.ratePerMinute || DEFAULT_RATE_PER_MINUTE,
      burst: spec.burst || DEFAULT_BURST,
      ...sealTriggerSecret(keyring, id, secret),
      createdBy: spec.by ?? null,
    });
    if (!row) throw new AlreadyExistsError("trigger", spec.name);
    return { trigger: row, secret };
  }

  /** One trigger of `workspace`; NOT_FOUND when there is none. */
  async get(workspace: string, name: string): Promise<WebhookTriggerEntity> {
    this.requireKeyring();
    return this.find(workspace, name);
  }

  /** A page of triggers ordered by name (`pageSize` 0 = 50; at most 500). */
  async list(
    workspace: string,
    pageToken: string,
    pageSize: number,
  ): Promise<{ triggers: WebhookTriggerEntity[]; nextPageToken: string }> {
    this.requireKeyring();
    const page = await this.rows.listPage(workspace, pageToken, pageSize);
    return { triggers: page.items, nextPageToken: page.nextPageToken };
  }

  /** Deletes a trigger (its runs stay); NOT_FOUND when there is none. */
  async delete(workspace: string, name: string): Promise<void> {
    this.requireKeyring();
    if (!(await this.rows.delete(workspace, name))) throw new NotFoundError("trigger", name);
  }

  /** Gives the trigger a new secret (the old one stops working at once); NOT_FOUND when there is none. */
  async rotateSecret(workspace: string, name: string): Promise<WithSecret> {
    const keyring = this.requireKeyring();
    const existing = await this.find(workspace, name);
    const secret = newTriggerSecret();
    const row = await this.rows.reseal(workspace, name, sealTriggerSecret(keyring, existing.id, secret));
    if (!row) throw new NotFoundError("trigger", name, "it was deleted while the secret was rotated");
    return { trigger: row, secret };
  }

  /**
   * Re-seals every trigger's secret not sealed with the current SECRETS_KEY key (the same secret: senders
   * change nothing), as RotateSecretsKey does for the secrets store; returns how many. Secrets that
   * cannot be opened with the configured keys are left as they are and named together at the end
   * (FAILED_PRECONDITION), after every other one was re-sealed.
   */
  async resealAll(): Promise<number> {
    const keyring = this.requireKeyring();
    const current = keyring.current.id;
    let resealed = 0;
    const stuck: string[] = [];
    let after: string | undefined;
    for (;;) {
      const batch = await this.rows.listSealedWithOtherKey(current, after, 100);
      for (const row of batch) {
        const opened = openTriggerSecret(keyring, row.id, row);
        if (!opened.ok) {
          stuck.push(`"${row.name}" (sealed with key id "${row.keyId}")`);
          continue;
        }
        if (await this.rows.resealFrom(row.id, row.keyId, sealTriggerSecret(keyring, row.id, opened.value))) {
          resealed++;
        }
      }
      const last = batch[batch.length - 1];
      if (batch.length < 100 || last === undefined) break;
      after = last.id;
    }
    if (stuck.length > 0) {
      throw new FailedPreconditionError(
        `re-sealed ${resealed} trigger secret(s) with key "${current}", but ${stuck.length} cannot be opened with the configured keys: ${stuck.slice(0, 5).join(", ")}; add the key they were sealed with to SECRETS_KEY and rotate again, or rotate those triggers' secrets (mcp trigger rotate-secret)`,
        "SECRETS_KEY_MISSING",
        { key_id: current, undecryptable: String(stuck.length) },
      );
    }
    return resealed;
  }

  /**
   * The trigger a delivery names and its secret in clear, or undefined when there is no such trigger.
   * `address` is the path after `/hooks/`: `<name>` for a trigger of the `default` workspace,
   * `<workspace>/<name>` for one of another. FAILED_PRECONDITION without SECRETS_KEY;
   * SECRET_UNAVAILABLE when the secret cannot be opened with this executor's keys.
   */
  async forDelivery(address: string): Promise<WithSecret | undefined> {
    const keyring = this.requireKeyring();
    const { workspace, name } = hookAddress(address);
    const row = await this.rows.get(workspace, name);
    if (!row) return undefined;
    const opened = openTriggerSecret(keyring, row.id, row);
    if (!opened.ok) throw new SecretUnavailableError(`trigger ${name}`, opened.failure, row.keyId);
    return { trigger: row, secret: opened.value };
  }

  private async find(workspace: string, name: string): Promise<WebhookTriggerEntity> {
    const row = await this.rows.get(workspace, name);
    if (!row) throw new NotFoundError("trigger", name);
    return row;
  }

  private requireKeyring(): SecretsKeyring {
    if (!this.keyring) throw secretsNotConfigured();
    return this.keyring;
  }
}

/** A webhook path's trigger: `<name>` (workspace `default`) or `<workspace>/<name>`. */
export function hookAddress(address: string): { workspace: string; name: string } {
  const slash = address.indexOf("/");
  return slash < 0
    ? { workspace: DEFAULT_WORKSPACE, name: address }
    : { workspace: address.slice(0, slash), name: address.slice(slash + 1) };
}

/** A trigger's webhook path after `/hooks/`. */
export function hookPath(row: Pick<WebhookTriggerEntity, "workspace" | "name">): string {
  return row.workspace === DEFAULT_WORKSPACE ? row.name : `${row.workspace}/${row.name}`;
}

/** The stored workflow reference of a trigger, as the run starter takes it. */
export function workflowOf(row: WebhookTriggerEntity): WorkflowReference {
  return fromJson(WorkflowReferenceSchema, row.workflowRef) ?? create(WorkflowReferenceSchema);
}
