import { Type, type Static, type TLiteral, type TUnion } from '@sinclair/typebox';
import { SCOPES, STAFF_ROLES } from '../../access/roles.ts';

// One literal a member, typed as the tuple it is (a plain map would widen each to the union).
const oneOf = <T extends readonly string[]>(values: T) =>
  Type.Union(values.map((v) => Type.Literal(v))) as unknown as TUnion<{ -readonly [K in keyof T]: TLiteral<T[K]> }>;

/** A staff member's role: one of the closed set STAFF_ROLES. */
export const StaffRole = oneOf(STAFF_ROLES);
export type StaffRole = Static<typeof StaffRole>;

/** An API key's scope: one of the closed set SCOPES. */
export const Scope = oneOf(SCOPES);
export type Scope = Static<typeof Scope>;
