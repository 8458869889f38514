import type { FieldViolation } from "@mcp/errors";
import {
  CreateTriggerRequestSchema,
  DeleteTriggerRequestSchema,
  GetTriggerRequestSchema,
  ListTriggersRequestSchema,
  RotateTriggerSecretRequestSchema,
  type CreateTriggerRequest,
  type ListTriggersRequest,
} from "@mcp/proto/executor";
import { validationTable, type ValidationTable } from "@mcp/runtime";
import {
  checkMaxItems,
  checkMaxLength,
  checkMcpOneof,
  checkPattern,
  checkRange,
  checkRequired,
  checkStorableText,
  IDENTIFIER,
  violation,
} from "@mcp/validation";
import { pathProblem } from "./body-inputs.js";

/** A trigger's name: the last segment of its webhook's path. */
export const TRIGGER_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const TRIGGER_NAME_RULE = "1-63 characters of a-z, 0-9, '-' or '_', starting with a letter or digit";
/** Longest trigger description. */
const MAX_DESCRIPTION = 1000;
/** Most entries of `input_paths`. */
const MAX_INPUT_PATHS = 64;

const checkTriggerName = (name: string): FieldViolation[] => [
  ...checkRequired(name, "name"),
  ...(name ? checkPattern(name, TRIGGER_NAME, TRIGGER_NAME_RULE, "name") : []),
];

const nameOnly = (m: { name: string }) => checkTriggerName(m.name);

function checkInputPaths(paths: Readonly<Record<string, string>>): FieldViolation[] {
  const entries = Object.entries(paths);
  return [
    ...checkMaxItems(entries, MAX_INPUT_PATHS, "input_paths"),
    ...entries.flatMap(([input, path]) => {
      const field = `input_paths["${input}"]`;
      const problem = pathProblem(path);
      return [
        ...(IDENTIFIER.test(input)
          ? []
          : [
              violation(
                field,
                "the key must be an input name: letters, digits and '_', not starting with a digit",
              ),
            ]),
        ...(problem ? [violation(field, `the path ${problem}`)] : []),
      ];
    }),
  ];
}

/** Input rules of every TriggerService request, run once by the validation interceptor. */
export const triggerValidation: ValidationTable = validationTable([
  [
    CreateTriggerRequestSchema,
    (m: CreateTriggerRequest) => [
      ...checkTriggerName(m.name),
      ...checkMaxLength(m.description, MAX_DESCRIPTION, "description"),
      ...checkStorableText(m.description, "description"),
      ...(m.workflow
        ? checkMcpOneof(m.workflow.workflow, "workflow").map((v) => ({
            field: v.field.replace(/^workflow\.mcp$/, "workflow.workflow"),
            description: v.description.replace("an MCP id or name", "a workflow id or name"),
          }))
        : [violation("workflow", "is required")]),
      ...(m.workflow?.version !== undefined && m.workflow.version < 1
        ? [violation("workflow.version", "must be at least 1")]
        : []),
      ...checkInputPaths(m.inputPaths),
      ...checkRange(m.ratePerMinute, 0, 60_000, "rate_per_minute"),
      ...checkRange(m.burst, 0, 10_000, "burst"),
    ],
  ],
  [GetTriggerRequestSchema, nameOnly],
  [
    ListTriggersRequestSchema,
    (m: ListTriggersRequest) => [
      ...checkRange(m.pageSize, 0, 500, "page_size"),
      ...checkMaxLength(m.pageToken, 1024, "page_token"),
    ],
  ],
  [DeleteTriggerRequestSchema, nameOnly],
  [RotateTriggerSecretRequestSchema, nameOnly],
]);
