/**
 * The tamper campaign: random, seeded mutations of the stored audit log, each of which
 * `cloak audit verify` must report. Spec: docs/tamper-campaign.md.
 *
 *   npm run tamper -- --db sqlite|postgres --mutations N --seed S [--entries E] [--jobs J]
 *
 * Exits 1 when any mutation was missed (each listed), 2 when the campaign could not run.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { report, runCampaign } from './tamper/campaign.ts';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    mutations: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '1' },
    entries: { type: 'string', default: '600' },
    jobs: { type: 'string', default: '2' },
  },
});
const db = values.db;
if (db !== 'sqlite' && db !== 'postgres') {
  process.stderr.write('--db is sqlite or postgres\n');
  process.exit(2);
}
const num = (k: 'mutations' | 'seed' | 'entries' | 'jobs') => {
  const n = Number(values[k]);
  if (!Number.isSafeInteger(n) || n < (k === 'seed' ? 0 : 1)) {
    process.stderr.write(`--${k} is a whole number\n`);
    process.exit(2);
  }
  return n;
};
const t0 = Date.now();
const out = (l: string) => process.stdout.write(`${l}\n`);
const r = await runCampaign({
  db,
  mutations: num('mutations'),
  seed: num('seed'),
  entries: num('entries'),
  jobs: num('jobs'),
  work: join(process.env.TAMPER_WORK ?? join(tmpdir(), 'tamper'), `run-${db}-${process.pid}`),
  print: out,
});
const lines = report(r);
for (const l of lines.slice(0, -1)) out(l);
out(`wall time ${((Date.now() - t0) / 1000).toFixed(1)} s`);
out(lines[lines.length - 1]!);
process.exitCode = r.outcomes.every((x) => x.detected) ? 0 : 1;
