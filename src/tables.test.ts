import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { DIALECTS } from '../test/dialects.ts';
import { recordedMigrations, schemaListing } from '../test/schema.ts';
import { openStore } from './store/db.ts';
import type { Kysely } from 'kysely';
import { MIGRATIONS, type Database } from './tables.ts';
import type { CanariesTables } from './canaries/canaries.tables.ts';
import type { LeaksTables } from './leaks/leaks.tables.ts';

// Each capability owns its tables and migrations; the root joins them. The schema they make
// together must be the one the single migrations file made (the fixtures were listed from it,
// test/vectors/README.md), and the recorded names must be the shipped ones, byte for byte: a
// database migrated by earlier code then has nothing left to do.

/** The migration names as shipped, in order. */
const SHIPPED = [
  '0001_vault',
  '0002_meta',
  '0003_devices',
  '0004_waybill',
  '0005_contact',
  '0006_device_activity',
  '0007_device_nonces',
  '0008_relay_leases',
  '0009_access_audit',
  '0010_cases',
  '0011_canaries',
  '0012_incidents',
  '0013_affected_checks',
  '0014_leak_traces',
  '0015_audit_kind_time',
  '0016_case_triage',
  '0017_incident_documents',
  '0018_limits',
  '0019_token_lifetimes',
  '0020_trace_quotas',
  '0021_checkpoint_chain',
  '0022_trace_claims',
];

test('the composed migrations keep the shipped names in order, the mixed ones split into parts', () => {
  assert.deepEqual(
    MIGRATIONS.map((m) => m.name),
    SHIPPED,
  );
  const parts = Object.fromEntries(MIGRATIONS.map((m) => [m.name, m.parts.length]));
  assert.deepEqual([parts['0001_vault'], parts['0006_device_activity'], parts['0009_access_audit']], [2, 2, 3]);
});

test("a capability typed on its own tables cannot query another capability's (checked by the compiler, npm test runs it)", () => {
  const reads = (canaries: Kysely<CanariesTables>, leaks: Kysely<LeaksTables>) => [
    canaries.selectFrom('canaries').select('token'),
    // @ts-expect-error the vault's table: canaries ask the vault (recentExternalIds)
    canaries.selectFrom('vault_subjects'),
    // @ts-expect-error access's table: team canaries ask the explanation service
    leaks.insertInto('explanations'),
  ];
  assert.equal(typeof reads, 'function');
});

for (const d of DIALECTS) {
  describe(`the schema on ${d.name}`, () => {
    test('a fresh database migrates to the schema the single migrations file made, and records the shipped names', async () => {
      const db = await d.fresh();
      try {
        const store = await openStore<Database>({ dataDir: db.dataDir, databaseUrl: db.databaseUrl }, MIGRATIONS);
        try {
          const want = readFileSync(new URL(`../test/vectors/schema.${d.name}.txt`, import.meta.url), 'utf8');
          assert.equal(await schemaListing(store.db, db.dialect), want);
          assert.deepEqual(await recordedMigrations(store.db), SHIPPED);
        } finally {
          await store.close();
        }
        // Opened again, as on every start: nothing to run, nothing recorded twice.
        const again = await openStore<Database>({ dataDir: db.dataDir, databaseUrl: db.databaseUrl }, MIGRATIONS);
        try {
          assert.deepEqual(await recordedMigrations(again.db), SHIPPED);
        } finally {
          await again.close();
        }
      } finally {
        await db.drop();
      }
    });
  });
}
