/**
 * Writes a second world as NDJSON sorted by time, and its truth beside it as `<out>.truth.json`.
 *
 * @example
 * node --import tsx src/sim/second/write.ts --seed 3 --days 14 --stations 16 --out /tmp/w.ndjson
 */
import { createWriteStream, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateSecondWorld } from './world.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    days: { type: 'string', default: '14' },
    stations: { type: 'string', default: '16' },
    start: { type: 'string' },
    out: { type: 'string' },
  },
});

function int(name: string, v: string | undefined): number {
  const n = Number(v);
  if (!Number.isInteger(n)) {
    process.stderr.write(`--${name} must be an integer, got ${JSON.stringify(v)}\n`);
    process.exit(2);
  }
  return n;
}

if (!values.out) {
  process.stderr.write('--out FILE is required\n');
  process.exit(2);
}
const out = values.out;
const seed = int('seed', values.seed);
const t0 = performance.now();
const { events, truth } = generateSecondWorld({
  seed,
  days: int('days', values.days),
  stations: int('stations', values.stations),
  ...(values.start ? { start: values.start } : {}),
});
const ms = performance.now() - t0;

const file = createWriteStream(out);
let buf = '';
for (const e of events) {
  const { type, at, ...rest } = e;
  buf += JSON.stringify({ type, at, ...rest }) + '\n';
  if (buf.length > 1 << 20) {
    file.write(buf);
    buf = '';
  }
}
file.end(buf, () => {
  writeFileSync(`${out}.truth.json`, JSON.stringify({ seed, attackers: truth }, null, 2) + '\n');
  process.stdout.write(
    `${events.length} events, ${truth.length} attackers, generated in ${(ms / 1000).toFixed(1)} s -> ${out}\n`,
  );
});
