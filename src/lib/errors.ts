/**
 * The closed set of errors Cloak raises on purpose. Each has a stable `code`, a message a
 * person can act on, and `details` (which field, which line). One HTTP handler
 * (`src/api/errors.ts`) maps them to status codes; nothing else knows status codes.
 *
 * A message or a detail never holds personal data, a key, a token's secret part or SQL:
 * say *where* and *what is wrong*, never echo the value.
 */

/** Where a problem is (a JSON pointer such as `/fields/phone`, or a line number) and what it is. */
export type ErrorDetail = {
  readonly path?: string;
  readonly line?: number;
  readonly problem: string;
};

export type ErrorCode =
  | 'invalid_input'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'unavailable';

export abstract class CloakError extends Error {
  abstract readonly code: ErrorCode;
  readonly details: readonly ErrorDetail[];
  constructor(message: string, details: readonly ErrorDetail[] = []) {
    super(message);
    this.name = new.target.name;
    this.details = Object.freeze([...details]);
  }
}

/** The input is malformed or breaks a rule; nothing was changed. */
export class InvalidInput extends CloakError {
  readonly code = 'invalid_input' as const;
}
/** No credentials, or credentials that do not check out. */
export class Unauthorized extends CloakError {
  readonly code = 'unauthorized' as const;
}
/** The caller is known but may not do this. */
export class Forbidden extends CloakError {
  readonly code = 'forbidden' as const;
}
/** No such resource, or one that belongs to someone else (never say which). */
export class NotFound extends CloakError {
  readonly code = 'not_found' as const;
}
/** The request clashes with the current state (for example an id already taken). */
export class Conflict extends CloakError {
  readonly code = 'conflict' as const;
}
/** The caller asked too often (a quota, or a quarantined device's rate); it may retry later. */
export class RateLimited extends CloakError {
  readonly code = 'rate_limited' as const;
}
/** A dependency (database, key store) cannot serve now; the caller may retry. */
export class Unavailable extends CloakError {
  readonly code = 'unavailable' as const;
}

/** True for errors Cloak raised on purpose, whose message is safe to show. */
export function isCloakError(e: unknown): e is CloakError {
  return e instanceof CloakError;
}
