import type { FieldViolation } from "@mcp/errors";
import {
  AddMemberRequestSchema,
  ListAuditEventsRequestSchema,
  ListMembersRequestSchema,
  RemoveMemberRequestSchema,
  Role,
  UpdateMemberRequestSchema,
  type AddMemberRequest,
  type ListAuditEventsRequest,
  type ListMembersRequest,
  type RemoveMemberRequest,
  type UpdateMemberRequest,
} from "@mcp/proto/registry";
import { validationTable, type ValidationTable } from "@mcp/runtime";
import { checkMaxLength, checkPageSize, checkRequired, violation } from "@mcp/validation";

/** What an email looks like here: something@something, no spaces, at most 254 characters. */
const EMAIL = /^[^@\s]+@[^@\s]+$/;

function checkEmail(email: string): FieldViolation[] {
  const required = checkRequired(email, "email");
  if (required.length) return required;
  const long = checkMaxLength(email, 254, "email");
  if (long.length) return long;
  return EMAIL.test(email) ? [] : [violation("email", `"${email}" is not an email address`)];
}

function checkRole(role: Role): FieldViolation[] {
  if (role === Role.UNSPECIFIED) {
    return [violation("role", "is required: ROLE_VIEWER, ROLE_EDITOR, ROLE_OPERATOR or ROLE_ADMIN")];
  }
  return Role[role] === undefined ? [violation("role", `${role} is not a role`)] : [];
}

/** Input rules of AccessService and AuditService requests (enforced by the validation interceptor). */
export const accessValidation: ValidationTable = validationTable([
  [ListMembersRequestSchema, (m: ListMembersRequest) => checkPageSize(m.pageSize)],
  [AddMemberRequestSchema, (m: AddMemberRequest) => [...checkEmail(m.email), ...checkRole(m.role)]],
  [UpdateMemberRequestSchema, (m: UpdateMemberRequest) => [...checkEmail(m.email), ...checkRole(m.role)]],
  [RemoveMemberRequestSchema, (m: RemoveMemberRequest) => checkEmail(m.email)],
  [
    ListAuditEventsRequestSchema,
    (m: ListAuditEventsRequest) => {
      const found = checkPageSize(m.pageSize);
      const after = m.filter?.after;
      const before = m.filter?.before;
      if (
        after &&
        before &&
        (after.seconds > before.seconds || (after.seconds === before.seconds && after.nanos >= before.nanos))
      ) {
        found.push(violation("filter.before", "must be later than filter.after"));
      }
      return found;
    },
  ],
]);
