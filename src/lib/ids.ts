// Pure: imports nothing, so the API's contract (and through it the dashboard) can use it.

/**
 * The grammar of Cloak's ids, once: each kind's pattern as the JSON Schema `pattern` string the
 * API publishes, and as a RegExp for the services that check ids themselves.
 */
export const ID_PATTERNS = {
  /** A subject token: `sub_` and 26 base-32 letters. */
  subject: '^sub_[a-z2-9]{26}$',
  /** A staff member's id (also a station's): 1-64 letters, digits, _ or -, starting with a letter or digit. */
  staff: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$',
  /** An id chosen by the platform (a ticket, a moderation case): like a staff id, with `.` and `:` too. */
  external: '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$',
  /** A code name (a purpose, a dataset): lower case, digits and _, 2-40 long. */
  code: '^[a-z][a-z0-9_]{1,39}$',
  /** A field name of a subject: lower case, digits and _, 1-32 long. */
  field: '^[a-z][a-z0-9_]{0,31}$',
  /** An actor as events and the log name it: `kind:id` (`device:dev_…`, `staff:u-17`). */
  actor: '^[a-z]+:[A-Za-z0-9_.-]{1,80}$',
  /** An audit log index (or size), as a decimal string without leading zeros. */
  auditIndex: '^(0|[1-9][0-9]{0,14})$',
  /** A SHA-256 digest in hex (a device's software build). */
  sha256: '^[0-9a-f]{64}$',
} as const;
/** A kind of id: a key of ID_PATTERNS. */
export type IdKind = keyof typeof ID_PATTERNS;

/**
 * The RegExp of one kind of id (anchored, as the pattern is).
 * @example idRegExp('subject').test('sub_abcdefghijklmnopqrstuvwxyz') // true
 */
export function idRegExp(kind: IdKind): RegExp {
  return new RegExp(ID_PATTERNS[kind], 'u');
}
