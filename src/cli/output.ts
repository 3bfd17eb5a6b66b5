import cliProgress from 'cli-progress';

/**
 * What the CLI prints for a person. Results go to stdout, progress and problems to stderr.
 * It prints only what commands hand it: counts, tokens, line numbers, never a field value.
 */
export type Output = { out(line: string): void; err(line: string): void; isTty: boolean };
export const stdio: Output = {
  out: (l) => void process.stdout.write(`${l}\n`),
  err: (l) => void process.stderr.write(`${l}\n`),
  isTty: Boolean(process.stderr.isTTY),
};

/**
 * A progress display: a bar on a terminal, a line every 10% otherwise (CI logs, pipes).
 * @example const p = progress(stdio, 'import'); p.update(0.5, '5000 rows'); p.stop();
 */
export function progress(o: Output, label: string) {
  if (o.isTty) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {detail}`, stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(1000, 0, { detail: '' });
    return {
      update: (fraction: number, detail: string) => bar.update(Math.round(Math.min(fraction, 1) * 1000), { detail }),
      stop: () => bar.stop(),
    };
  }
  let lastDecile = -1;
  return {
    update(fraction: number, detail: string) {
      const d = Math.floor(Math.min(fraction, 1) * 10);
      if (d > lastDecile) {
        lastDecile = d;
        o.err(`${label}: ${d * 10}% (${detail})`);
      }
    },
    stop: () => undefined,
  };
}
