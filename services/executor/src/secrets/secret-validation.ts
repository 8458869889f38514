import type { FieldViolation } from "@mcp/errors";
import {
  DeleteSecretRequestSchema,
  GetSecretRequestSchema,
  ListSecretsRequestSchema,
  PutSecretRequestSchema,
  type DeleteSecretRequest,
  type GetSecretRequest,
  type ListSecretsRequest,
  type PutSecretRequest,
} from "@mcp/proto/executor";
import { validationTable, type ValidationTable } from "@mcp/runtime";
import {
  checkMaxBytes,
  checkMaxLength,
  checkRange,
  checkRequired,
  checkSecretName,
  checkStorableText,
} from "@mcp/validation";

/** Largest secret value: 64 KiB of UTF-8. */
export const MAX_SECRET_BYTES = 64 * 1024;
/** Longest secret description. */
export const MAX_SECRET_DESCRIPTION = 1000;
/** Largest page of ListSecrets. */
const MAX_PAGE = 500;

/** Etags are short (`r<n>`); anything longer is not one. */
const checkEtagField = (etag: string) => checkMaxLength(etag, 64, "etag");

/** The value: required, at most 64 KiB, storable text. Messages never quote it. */
function checkValue(value: string): FieldViolation[] {
  if (value === "") return checkRequired(value, "value");
  return [
    ...checkMaxBytes(value, MAX_SECRET_BYTES, "value").map((v) => ({
      ...v,
      description: `${v.description} (64 KiB) of UTF-8`,
    })),
    ...checkStorableText(value, "value"),
  ];
}

/** Input rules of every SecretService request, run once by the validation interceptor. */
export const secretValidation: ValidationTable = validationTable([
  [
    PutSecretRequestSchema,
    (m: PutSecretRequest) => [
      ...checkSecretName(m.name, "name", { forWrite: true }),
      ...checkValue(m.value),
      ...(m.description === undefined
        ? []
        : [
            ...checkMaxLength(m.description, MAX_SECRET_DESCRIPTION, "description"),
            ...checkStorableText(m.description, "description"),
          ]),
      ...checkEtagField(m.etag),
    ],
  ],
  [GetSecretRequestSchema, (m: GetSecretRequest) => checkSecretName(m.name, "name")],
  [
    ListSecretsRequestSchema,
    (m: ListSecretsRequest) => [
      ...checkRange(m.pageSize, 0, MAX_PAGE, "page_size"),
      ...checkMaxLength(m.pageToken, 1024, "page_token"),
    ],
  ],
  [
    DeleteSecretRequestSchema,
    (m: DeleteSecretRequest) => [...checkSecretName(m.name, "name"), ...checkEtagField(m.etag)],
  ],
]);
