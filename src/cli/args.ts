import { InvalidInput } from '../lib/errors.ts';

/** A whole-number option or argument, at least `min`; anything else is a clear error naming it. */
export function wholeNumber(what: string, v: string, min = 0): number {
  if (!/^\d{1,15}$/.test(v) || Number(v) < min)
    throw new InvalidInput(`${what} must be a whole number${min > 0 ? ` of at least ${min}` : ''}, not "${v}"`);
  return Number(v);
}
