/** What every benchmark prints: its output is the program's result, so it goes to stdout. */

/** Nearest-rank percentile of an ascending list. */
export const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
/** A context line (`# …`) or any plain line. */
export const say = (line: string) => void process.stdout.write(`${line}\n`);
/** A figure: `BENCH <name> <value> <unit>`, greppable by name. */
export const bench = (name: string, value: string, unit: string) => say(`BENCH ${name} ${value} ${unit}`);
/** A size from the environment (`BENCH_…`), a whole number of at least `min`, or `fallback` when unset. */
export function envCount(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min)
    throw new Error(`${name} must be a whole number of at least ${min}, not "${raw}"`);
  return Number(raw);
}
