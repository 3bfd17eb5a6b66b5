/**
 * Writes a third world to disk: `node --import tsx src/sim/third/write.ts --seed 3 --days 14
 * --stations 16 --out /tmp/w.ndjson` writes the events as NDJSON (one event a line, `type` and
 * `at` first) and the ground truth to `<out>.truth.json`.
 */
import { createWriteStream, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { generateThirdWorld } from './world.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    days: { type: 'string', default: '14' },
    stations: { type: 'string', default: '16' },
    start: { type: 'string' },
    out: { type: 'string' },
  },
});
if (!values.out) {
  process.stderr.write('usage: write.ts --seed N --days N --stations N [--start ISO] --out FILE\n');
  process.exit(2);
}
const out = values.out;
let world: ReturnType<typeof generateThirdWorld>;
try {
  world = generateThirdWorld({
    seed: Number(values.seed),
    days: Number(values.days),
    stations: Number(values.stations),
    ...(values.start ? { start: values.start } : {}),
  });
} catch (e) {
  if (!(e instanceof RangeError)) throw e;
  process.stderr.write(`write.ts: ${e.message}\n`);
  process.exit(2);
}
const stream = createWriteStream(out);
const chunk: string[] = [];
for (const e of world.events) {
  chunk.push(JSON.stringify(e));
  if (chunk.length === 5000) {
    stream.write(chunk.join('\n') + '\n');
    chunk.length = 0;
  }
}
if (chunk.length > 0) stream.write(chunk.join('\n') + '\n');
stream.end(() => {
  writeFileSync(`${out}.truth.json`, JSON.stringify(world.truth, null, 2) + '\n');
  process.stdout.write(`${world.events.length} events, ${world.truth.length} malicious actors -> ${out}\n`);
});
