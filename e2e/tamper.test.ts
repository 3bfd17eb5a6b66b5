import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { report, runCampaign } from '../scripts/tamper/campaign.ts';

/**
 * The tamper campaign (scripts/tamper.ts, docs/tamper-campaign.md), bounded for npm test: a
 * real log built through Cloak's append path, then seeded random mutations of its stored rows,
 * each checked by `cloak audit verify` in its own process, on SQLite and on PostgreSQL.
 * Each verify is a process start (~1.7 s of CPU), hence 16 a database here; `npm run tamper` runs 1,000.
 */
const MUTATIONS = 16;

for (const db of ['sqlite', 'postgres'] as const) {
  describe(`tamper campaign on ${db}`, () => {
    test(`${MUTATIONS} random mutations of the stored log are each reported by cloak audit verify`, async () => {
      const work = mkdtempSync(join(tmpdir(), 'cloak-tamper-'));
      try {
        const r = await runCampaign({ db, mutations: MUTATIONS, seed: 7, entries: 300, jobs: 2, work });
        const lines = report(r).join('\n');
        assert.match(r.pristine, /^OK: /, 'the untouched log verifies');
        assert.equal(r.outcomes.length, MUTATIONS);
        assert.ok(
          new Set(r.outcomes.map((o) => o.m.kind.split('.')[0])).size >= 4,
          'entries, tiles, checkpoints and the head are all mutated',
        );
        const missed = r.outcomes.filter((o) => !o.detected);
        assert.deepEqual(
          missed.map((o) => `${o.m.kind}: ${o.m.target}: ${o.message}`),
          [],
          lines,
        );
        assert.deepEqual(
          r.outcomes.filter((o) => o.signed).map((o) => o.m.target),
          [],
          'verify signed nothing',
        );
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    });
  });
}
