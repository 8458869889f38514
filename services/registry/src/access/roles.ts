import { Role as RoleEnum } from "@mcp/proto/registry";
import type { Role } from "@mcp/runtime";

const TO_ENUM: Readonly<Record<Role, RoleEnum>> = {
  viewer: RoleEnum.VIEWER,
  editor: RoleEnum.EDITOR,
  operator: RoleEnum.OPERATOR,
  admin: RoleEnum.ADMIN,
};

/** The wire enum of a role (ROLE_UNSPECIFIED for none). */
export function roleToProto(role: string | undefined): RoleEnum {
  return role !== undefined && Object.hasOwn(TO_ENUM, role) ? TO_ENUM[role as Role] : RoleEnum.UNSPECIFIED;
}

/** The role a wire enum names; undefined for ROLE_UNSPECIFIED or an unknown number. */
export function roleFromProto(role: RoleEnum): Role | undefined {
  return (Object.keys(TO_ENUM) as Role[]).find((r) => TO_ENUM[r] === role);
}
