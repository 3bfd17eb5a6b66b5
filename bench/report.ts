/** What every benchmark prints: its output is the program's result, so it goes to stdout. */

/** Nearest-rank percentile of an ascending list. */
export const percentile = (sorted: readonly number[], p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
/** A context line (`# …`) or any plain line. */
export const say = (line: string) => void process.stdout.write(`${line}\n`);
/** A figure: `BENCH <name> <value> <unit>`, greppable by name. */
export const bench = (name: string, value: string, unit: string) => say(`BENCH ${name} ${value} ${unit}`);
