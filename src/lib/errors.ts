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

/** The codes of the error classes below: the ones Cloak raises on purpose. */
export const CLOAK_ERROR_CODES = [
  'invalid_input',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'rate_limited',
  'unavailable',
] as const;
export type CloakErrorCode = (typeof CLOAK_ERROR_CODES)[number];

/**
 * The codes the HTTP layer sends for a request it could not hand to Cloak's code: a body in
 * another media type (415), one too large (413) or too slow (408), another client error of
 * the framework (`bad_request`, with its own 4xx), and an error nobody raised on purpose (500).
 */
export const TRANSPORT_ERROR_CODES = [
  'unsupported_media_type',
  'too_large',
  'request_timeout',
  'bad_request',
  'internal',
] as const;
export type TransportErrorCode = (typeof TRANSPORT_ERROR_CODES)[number];

/** Every `code` an error answer of the API can carry, and nothing else: clients may switch on it. */
export const ERROR_CODES = [...CLOAK_ERROR_CODES, ...TRANSPORT_ERROR_CODES] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export abstract class CloakError extends Error {
  abstract readonly code: CloakErrorCode;
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
