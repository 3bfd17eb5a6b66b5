// Pure: imports nothing, so the API's contract and the dashboard can take the lists from here.

/**
 * Every role a staff member can hold: a closed set, so a role the server does not know is
 * refused when the member is added, and each list of roles (duties, dashboard pages) is
 * checked against it by the compiler.
 */
export const STAFF_ROLES = [
  'support',
  'moderator',
  'courier',
  'seller',
  'station_operator',
  'engineer',
  'analyst',
  'investigator',
  'privacy',
  'supervisor',
  'admin',
] as const;
/** One of STAFF_ROLES. */
export type StaffRole = (typeof STAFF_ROLES)[number];

/** True when `role` is one of STAFF_ROLES. @example isStaffRole('analyst') // true */
export function isStaffRole(role: unknown): role is StaffRole {
  return typeof role === 'string' && (STAFF_ROLES as readonly string[]).includes(role);
}

/** What an API key may do: a closed set (admin holds every scope). */
export const SCOPES = ['platform', 'erase', 'audit', 'telephony', 'admin'] as const;
/** One of SCOPES. */
export type Scope = (typeof SCOPES)[number];
