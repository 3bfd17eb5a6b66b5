import { test } from 'node:test';
import assert from 'node:assert/strict';
import { campaign } from '../scripts/attacker/attack.ts';

/**
 * The attacker's campaign (scripts/attacker/attack.ts, spec docs/tamper-attacker.md), bounded: a
 * smaller real log on SQLite and a subset of its coordinated attacks, each of which
 * `cloak audit verify` must report with a `TAMPERED:` line. Two out-of-scope attacks ride along and
 * must pass verify: they rebuild the tree exactly as the coordinated ones do, so a harness whose
 * forging were wrong (and whose "detected" verdicts would then prove nothing) fails here.
 */
const inScope = [
  'edit.coordinated',
  'edit.salt-transplant.coordinated',
  'edit.coordinated+checkpoint-notes',
  'delete.middle.renumbered+rebuilt',
  'reorder.swap.renumbered+rebuilt',
  'rollback.keep-checkpoints',
  'checkpoint.spliced.borrowed-note',
  'edit.unicode-escape',
  'columns.subject',
];
const outOfScope = ['rollback.drop-checkpoints', 'edit.newest.coordinated+checkpoint-dropped'];

test(
  'coordinated attacks on the SQLite audit log are all reported; out-of-scope rebuilds pass, so the forging is exact',
  { timeout: 120_000 },
  async () => {
    const { outcomes, summary } = await campaign({
      db: 'sqlite',
      only: [...inScope, ...outOfScope],
      waves: [12, 260, 12],
    });
    const verdict = Object.fromEntries(outcomes.map((o) => [o.id, `${o.verdict}: ${o.detail}`]));
    assert.deepEqual(
      outcomes.map((o) => o.id).sort(),
      [...inScope, ...outOfScope].sort(),
      'every attack of the subset ran',
    );
    for (const id of inScope) assert.match(verdict[id]!, /^detected: TAMPERED:/, id);
    for (const id of outOfScope) assert.match(verdict[id]!, /^out-of-scope: exit 0/, id);
    assert.match(summary, /^ATTACK db=sqlite attacks=9 detected=9 missed=0 out_of_scope=2$/);
  },
);
