import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isCloakError, type CloakErrorCode, type ErrorCode, type ErrorDetail } from '../lib/errors.ts';

/** The one place error codes become HTTP statuses. */
export const STATUS: Record<CloakErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unavailable: 503,
};

/** The body of every error answer; `code` is one of `ERROR_CODES` (src/lib/errors.ts), so an unlisted one does not compile. */
export type ErrorBody = {
  error: { code: ErrorCode; message: string; details: readonly ErrorDetail[]; requestId: string };
};

// Fastify's own client errors, answered with our wording: their messages can quote the body
// (a JSON syntax error shows the text around the fault), so none of them is passed through.
const FRAMEWORK: Record<string, { status: number; code: ErrorCode; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid_input', message: 'the request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'invalid_input',
    message: 'the request body is empty but its content-type says JSON',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'unsupported_media_type',
    message: 'send the body as application/json',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'too_large',
    message: 'the request body is larger than the server accepts',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'invalid_input',
    message: 'the content-length does not match the body',
  },
  // The router's own refusals: Fastify's default answer quotes the whole path, which may hold a value.
  FST_ERR_BAD_URL: {
    status: 400,
    code: 'invalid_input',
    message: 'the URL is not valid: a % in it must start an escape such as %20',
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    status: 414,
    code: 'invalid_input',
    message: 'a part of the URL path is longer than the API accepts',
  },
};

/**
 * Maps every error to a body without personal data or stack: Cloak's own errors with their
 * message and details, schema violations with the path and rule broken, everything else as
 * an internal error with a request id to find the (redacted) log line.
 */
export function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const send = (status: number, code: ErrorCode, message: string, details: readonly ErrorDetail[] = []) =>
    reply.status(status).send({ error: { code, message, details, requestId: req.id } } satisfies ErrorBody);
  if (isCloakError(err)) {
    if (err.code === 'unauthorized') reply.header('www-authenticate', 'Bearer');
    if (err.code === 'unavailable') req.log.warn({ err }, 'request failed: unavailable');
    return send(STATUS[err.code], err.code, err.message, err.details);
  }
  if (err.validation) {
    // A union of literals (a role, a scope, a status) fails once per literal and once as a whole:
    // told as one "must be one of …" naming the allowed values, not a line per literal.
    const all = err.validation;
    const literals = (u: (typeof all)[number]) =>
      all.filter((v) => v.keyword === 'const' && v.schemaPath.startsWith(`${u.schemaPath}/`));
    const inUnion = new Set(all.filter((u) => u.keyword === 'anyOf').flatMap(literals));
    const details = all
      .filter((v) => !inUnion.has(v))
      .map((v) => ({
        path: safePath(
          `/${err.validationContext ?? 'body'}${v.instancePath}${v.keyword === 'required' ? `/${String((v.params as { missingProperty?: string }).missingProperty)}` : ''}`,
        ),
        problem:
          v.keyword === 'required'
            ? 'is required'
            : v.keyword === 'additionalProperties'
              ? 'has a property the API does not define (see /docs)'
              : v.keyword === 'anyOf' && literals(v).length
                ? `must be one of ${literals(v)
                    .map((c) => String((c.params as { allowedValue?: unknown }).allowedValue))
                    .join(', ')}`
                : (v.message ?? 'is invalid'),
      }));
    return send(
      400,
      'invalid_input',
      `the request does not match the API: ${details.map((d) => `${d.path} ${d.problem}`).join('; ')}`,
      details,
    );
  }
  const known = err.code ? FRAMEWORK[err.code] : undefined;
  if (known) return send(known.status, known.code, known.message);
  if (isDatabaseUnavailable(err)) {
    req.log.warn({ err }, 'request failed: database unavailable');
    return send(503, 'unavailable', 'the database is busy or unreachable; retry shortly');
  }
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
    return send(err.statusCode, 'bad_request', 'the request could not be read');
  }
  req.log.error({ err }, 'request failed: internal error');
  return send(500, 'internal', `internal error; quote request id ${req.id} to the operators`);
}

/**
 * A JSON path as an answer may show it. Free-form field names are the caller's, and a
 * mistaken one can be a value (`/body/fields/0912345678`): a segment under `fields` that is
 * not a plain lower-case name is replaced. Every other segment comes from the API's schema.
 */
export function safePath(path: string): string {
  const segs = path.split('/');
  return segs
    .map((seg, i) => (segs[i - 1] === 'fields' && !/^[a-z][a-z0-9_]{0,39}$/.test(seg) ? '(a field name)' : seg))
    .join('/');
}

// Errors of the database drivers that mean "not now", not "never": busy, locked, down.
const UNAVAILABLE_CODES = new Set([
  'SQLITE_BUSY',
  'SQLITE_BUSY_SNAPSHOT',
  'SQLITE_LOCKED',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  '57P01',
  '57P03',
  '08000',
  '08003',
  '08006',
  '53300',
  '40001',
  '40P01',
]);

function isDatabaseUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && UNAVAILABLE_CODES.has(code);
}
