import { createHmac } from 'node:crypto';

/*
 * The keyed watermark of exported rows: the milliseconds of a row's timestamp are set to
 * HMAC(key, export id | token) mod 1000, a value that harms nothing (no one reads a creation
 * time to the millisecond) and that only the key's holder can compute. A row copied from an
 * export keeps it, whatever else is done to the file; a row from anywhere else matches a given
 * export by chance with probability 1/1000.
 */

/** The watermark milliseconds of `token` in export `exportId`. */
export function watermarkMs(key: Buffer, exportId: string, token: string): number {
  return createHmac('sha256', key).update(`${exportId}|${token}`).digest().readUInt32BE(0) % 1000;
}

/** `iso` with its milliseconds replaced by the watermark. */
export function watermarkTime(key: Buffer, exportId: string, token: string, iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return new Date(t - (t % 1000) + watermarkMs(key, exportId, token)).toISOString();
}

/** The milliseconds of a timestamp as written in a file (ISO 8601 with a fraction), if it has them. */
export function millisOf(text: string): number | undefined {
  const m = /T\d{2}:\d{2}:\d{2}\.(\d{3})/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * The rows a leak must share with an export, watermark-matching, for the export to be named:
 * with E exports on record and a per-row chance of 1/1000, all of k rows matching by chance
 * has probability E·10^-3k; k = 3 keeps it under 10^-6 for up to 1,000 exports.
 */
export const WATERMARK_MIN_ROWS = 3;
/** And at least this share of the leak's timestamped rows must match (a real copy matches all). */
export const WATERMARK_MIN_SHARE = 0.5;
