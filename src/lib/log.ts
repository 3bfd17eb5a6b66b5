import { pino, type Logger, type DestinationStream } from 'pino';
import { isCloakError } from './errors.ts';

export type { Logger };

/**
 * Paths pino censors wherever they appear. The logging contexts Cloak writes never hold
 * personal data on purpose (tokens, counts, codes only); these paths are the safety net for
 * the day someone passes a request, a body or a field map by mistake.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'apiKey',
  'secret',
  'body',
  '*.body',
  'value',
  '*.value',
  'values',
  'fields',
  '*.fields',
  'name',
  'phone',
  'email',
  'address',
  'query',
  '*.query',
];

/**
 * Serializes an error for a log line. Cloak's own errors carry safe messages; any other
 * error (a driver's, a parser's) may quote the data it choked on, so its message is
 * withheld and only its type, code and stack frames are kept.
 */
export function safeErrorSerializer(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { type: typeof err };
  const frames = (err.stack ?? '').split('\n').filter((l) => l.trimStart().startsWith('at '));
  if (isCloakError(err)) return { type: err.name, code: err.code, message: err.message, details: err.details };
  const code = (err as { code?: unknown }).code;
  return {
    type: err.name,
    code: typeof code === 'string' ? code : undefined,
    message: '[withheld: may quote input]',
    stack: frames.join('\n'),
  };
}

/**
 * The one logger factory. `destination` lets tests capture every line.
 * @example const log = createLogger('info'); log.info({ token }, 'subject created');
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { svc: 'cloak' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: safeErrorSerializer, error: safeErrorSerializer },
    },
    destination,
  );
}
