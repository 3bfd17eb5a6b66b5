import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { App } from '../app.ts';
import { rotateKeyring, retireKeyVersion } from '../lib/keyring.ts';
import { InvalidInput, NotFound } from '../lib/errors.ts';
import { clearValues } from '../../test/clear.ts';
import { DIALECTS, appOn } from '../../test/dialects.ts';
import type { CloakEvent } from '../bus/events.ts';

const ctx = { actor: 'service:test' };
const AN = {
  name: 'Nguyễn Văn An',
  phone: '0912 345 678',
  email: 'An.Nguyen@Example.vn',
  address: '12 Lê Lợi, Phường Bến Thành, Quận 1, TP. Hồ Chí Minh',
};

/** Every table's every text and byte column, as one string per cell: what a thief copying the database gets. */
async function rawCells(app: App): Promise<string[]> {
  const cells: string[] = [];
  for (const t of ['vault_subjects', 'vault_fields', 'vault_index', 'cloak_keys.vault_data_keys']) {
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(t)}`.execute(app.store.db);
    for (const r of rows.rows)
      for (const v of Object.values(r))
        cells.push(
          Buffer.isBuffer(v) || v instanceof Uint8Array
            ? Buffer.from(v).toString('latin1') + Buffer.from(v).toString('utf8')
            : String(v),
        );
  }
  return cells;
}

for (const d of DIALECTS) {
  describe(`vault on ${d.name}`, () => {
    const events: CloakEvent[] = [];
    const h = appOn(d.fresh, (app) => app.bus.subscribe((e) => void events.push(e)));
    /** The internal id the vault's rows are keyed by. */
    const idOf = async (token: string) =>
      (
        await h.app.store.db
          .selectFrom('vault_subjects')
          .select('id')
          .where('token', '=', token)
          .executeTakeFirstOrThrow()
      ).id;

    test('a subject is stored encrypted: no field value in clear anywhere in the database', async () => {
      const [r] = await h.app.vault.createSubjects([
        { externalId: 'raw-1', fields: { ...AN, note: 'giao giờ hành chính' } },
      ]);
      const cells = (await rawCells(h.app)).join('\n');
      for (const v of [
        'Nguyễn Văn An',
        'nguyen van an',
        '912345678',
        '+84912345678',
        'An.Nguyen',
        'an.nguyen',
        '12 Lê Lợi',
        'Bến Thành',
        'giao giờ hành chính',
      ]) {
        assert.ok(!cells.includes(v), `found "${v}" in clear in the database`);
      }
      assert.equal(await clearValues(h.app)(r!.token, 'phone'), '+84912345678');
      assert.equal(await clearValues(h.app)(r!.token, 'note'), 'giao giờ hành chính');
    });

    test('one value encrypted twice gives two different ciphertexts', async () => {
      const [a, b] = await h.app.vault.createSubjects([
        { externalId: 'twice-1', fields: { phone: '0987654321' } },
        { externalId: 'twice-2', fields: { phone: '0987654321' } },
      ]);
      const rows = await h.app.store.db
        .selectFrom('vault_fields')
        .select(['subject_id', 'sealed'])
        .where('subject_id', 'in', [await idOf(a!.token), await idOf(b!.token)])
        .execute();
      assert.equal(rows.length, 2);
      assert.notDeepEqual(Buffer.from(rows[0]!.sealed), Buffer.from(rows[1]!.sealed));
      // …yet the blind index finds both: equal values, equal index, different ciphertexts.
      assert.deepEqual(
        (await h.app.vault.lookup('phone', '+84 98 765 4321', {}, ctx)).sort(),
        [a!.token, b!.token].sort(),
      );
    });

    test('masks are shown by default and stored, so reading masked decrypts nothing', async () => {
      const [r] = await h.app.vault.createSubjects([{ externalId: 'mask-1', fields: AN }]);
      assert.deepEqual(r!.fields, {
        name: 'N. V. A.',
        phone: '+84 ••••••678',
        email: 'A•••@Example.vn',
        address: 'Quận 1, TP. Hồ Chí Minh',
      });
      // Destroy the data key behind the vault's back: a masked read must still work.
      await h.app.store.db.deleteFrom('cloak_keys.vault_data_keys').where('token', '=', r!.token).execute();
      const m = await h.app.vault.getMasked(r!.token, ctx);
      assert.equal(m.fields.phone, '+84 ••••••678');
      assert.equal(m.externalId, 'mask-1');
      await assert.rejects(clearValues(h.app)(r!.token, 'phone'), NotFound);
    });

    test('lookups by blind index: names without diacritics, phones in any format, e-mails in any case; tokens only', async () => {
      const [r] = await h.app.vault.createSubjects([
        {
          externalId: 'look-1',
          fields: { name: 'Trần Thị Đào', phone: '+86 138 0013 8000', email: 'Dao.Tran@Example.cn' },
        },
      ]);
      const t = r!.token;
      assert.deepEqual(await h.app.vault.lookup('name', 'tran thi dao', {}, ctx), [t]);
      assert.deepEqual(await h.app.vault.lookup('name', 'TRẦN THỊ ĐÀO', { exact: true }, ctx), [t]);
      assert.deepEqual(await h.app.vault.lookup('name', 'tran thi dao', { exact: true }, ctx), []);
      assert.deepEqual(await h.app.vault.lookup('phone', '13800138000', { region: 'CN' }, ctx), [t]);
      assert.deepEqual(await h.app.vault.lookup('phone', '+8613800138000', {}, ctx), [t]);
      assert.deepEqual(await h.app.vault.lookup('email', ' dao.tran@example.CN ', {}, ctx), [t]);
      assert.deepEqual(await h.app.vault.lookup('email', 'nobody@example.cn', {}, ctx), []);
      await assert.rejects(h.app.vault.lookup('address', 'x', {}, ctx), InvalidInput);
      await assert.rejects(h.app.vault.lookup('phone', 'not a phone', {}, ctx), InvalidInput);
      const lookups = events.filter((e) => e.type === 'lookup');
      assert.ok(lookups.length >= 6);
      assert.ok(
        lookups.every((e) => e.type === 'lookup' && e.actor === ctx.actor && !JSON.stringify(e).includes('dao')),
      );
    });

    test('creating is idempotent on (kind, external id)', async () => {
      const [first] = await h.app.vault.createSubjects([{ externalId: 'idem-1', fields: { phone: '0901234567' } }]);
      const [again] = await h.app.vault.createSubjects([{ externalId: 'idem-1', fields: { phone: '0901234567' } }]);
      assert.equal(first!.created, true);
      assert.equal(again!.created, false);
      assert.equal(again!.token, first!.token);
      assert.deepEqual(again!.fields, first!.fields);
      const [other] = await h.app.vault.createSubjects([
        { kind: 'reviewer', externalId: 'idem-1', fields: { phone: '0901234567' } },
      ]);
      assert.notEqual(other!.token, first!.token, 'another kind with the same external id is another subject');
    });

    test('a batch with one bad item stores nothing and names every problem by path, never by value', async () => {
      const before = await h.app.vault.keyStatus();
      const err = await h.app.vault
        .createSubjects([
          { externalId: 'batch-ok', fields: { phone: '0912000111' } },
          { externalId: 'batch-bad', fields: { phone: 'CANARY-PHONE-77', email: 'CANARY-MAIL' } },
          { externalId: 'batch-ok', fields: { name: 'x' } },
        ])
        .catch((e: unknown) => e);
      assert.ok(err instanceof InvalidInput);
      assert.deepEqual(err.details.map((x) => x.path).sort(), [
        '/subjects/1/fields/email',
        '/subjects/1/fields/phone',
        '/subjects/2/externalId',
      ]);
      assert.ok(!JSON.stringify({ m: err.message, d: err.details }).includes('CANARY'));
      const afterwards = await h.app.vault.keyStatus();
      assert.equal(afterwards.subjects, before.subjects);
      assert.deepEqual(afterwards.dataKeysByVersion, before.dataKeysByVersion);
    });

    test('import batches store the good rows, report the bad ones by line, and skip what exists', async () => {
      const o = await h.app.vault.importBatch([
        { line: 2, input: { externalId: 'imp-1', fields: { name: 'Lê Văn Bình' } } },
        { line: 3, input: { externalId: 'imp-2', fields: { phone: '12' } } },
        { line: 4, input: { fields: { name: 'no id' } } },
        { line: 5, input: { externalId: 'imp-1', fields: { name: 'dup' } } },
      ]);
      assert.equal(o.created, 1);
      assert.deepEqual(
        o.bad.map((b) => b.line),
        [3, 4, 5],
      );
      const again = await h.app.vault.importBatch([
        { line: 2, input: { externalId: 'imp-1', fields: { name: 'Lê Văn Bình' } } },
      ]);
      assert.deepEqual({ created: again.created, existing: again.existing }, { created: 0, existing: 1 });
    });

    test('rotation: new writes use the new key version; rewrap moves every data key; every record stays readable', async () => {
      const [old] = await h.app.vault.createSubjects([{ externalId: 'rot-old', fields: { email: 'old@example.vn' } }]);
      const v2 = rotateKeyring({ file: h.app.config.keyringFile });
      h.app.kms.reload();
      const [fresh] = await h.app.vault.createSubjects([
        { externalId: 'rot-new', fields: { email: 'new@example.vn' } },
      ]);
      const keyOf = (t: string) =>
        h.app.store.db
          .selectFrom('cloak_keys.vault_data_keys')
          .select(['kek_version', 'wrapped'])
          .where('token', '=', t)
          .executeTakeFirstOrThrow();
      assert.equal((await keyOf(fresh!.token)).kek_version, v2);
      const oldBefore = await keyOf(old!.token);
      assert.equal(oldBefore.kek_version, 1);
      const sealedBefore = await h.app.store.db
        .selectFrom('vault_fields')
        .select('sealed')
        .where('subject_id', '=', await idOf(old!.token))
        .executeTakeFirstOrThrow();
      const r = await h.app.vault.rewrap({ batchSize: 3 });
      assert.ok(r.rewrapped >= 1);
      const status = await h.app.vault.keyStatus();
      assert.deepEqual(Object.keys(status.dataKeysByVersion), [String(v2)]);
      const oldAfter = await keyOf(old!.token);
      assert.notDeepEqual(Buffer.from(oldAfter.wrapped), Buffer.from(oldBefore.wrapped));
      const sealedAfter = await h.app.store.db
        .selectFrom('vault_fields')
        .select('sealed')
        .where('subject_id', '=', await idOf(old!.token))
        .executeTakeFirstOrThrow();
      assert.deepEqual(
        Buffer.from(sealedAfter.sealed),
        Buffer.from(sealedBefore.sealed),
        'rewrap must not re-encrypt field values',
      );
      // Once nothing is wrapped under version 1, retiring it leaves every record readable.
      retireKeyVersion({ file: h.app.config.keyringFile }, 1);
      h.app.kms.reload();
      assert.equal(await clearValues(h.app)(old!.token, 'email'), 'old@example.vn');
      assert.equal(await clearValues(h.app)(fresh!.token, 'email'), 'new@example.vn');
      const all = await h.app.store.db
        .selectFrom('vault_fields')
        .innerJoin('vault_subjects', 'vault_subjects.id', 'vault_fields.subject_id')
        .select(['vault_subjects.token', 'field'])
        .where('erased_at', 'is', null)
        .execute();
      const shredded = await h.app.store.db
        .selectFrom('vault_subjects')
        .select('token')
        .where('external_id', '=', 'mask-1')
        .executeTakeFirstOrThrow();
      for (const row of all.filter((x) => x.token !== shredded.token))
        assert.equal(typeof (await clearValues(h.app)(row.token, row.field)), 'string');
    });

    test('erase destroys the data key, the ciphertexts, masks and indexes; erasing twice is fine', async () => {
      const [r] = await h.app.vault.createSubjects([{ externalId: 'erase-1', fields: AN }]);
      const t = r!.token;
      const id = await idOf(t);
      const e1 = await h.app.vault.erase(t);
      const e2 = await h.app.vault.erase(t);
      assert.equal(e2.erasedAt, e1.erasedAt);
      assert.equal(await h.app.vault.erase(t).then(() => 'ok'), 'ok');
      await assert.rejects(
        h.app.vault.getMasked(t, ctx),
        (e: unknown) => e instanceof NotFound && e.message === 'no subject has this token',
        'erased reads as unknown',
      );
      await assert.rejects(clearValues(h.app)(t, 'phone'), NotFound);
      assert.ok(
        !(await h.app.vault.lookup('phone', AN.phone, {}, ctx)).includes(t),
        'an erased subject is not found by lookup',
      );
      assert.equal(
        await h.app.store.db
          .selectFrom('cloak_keys.vault_data_keys')
          .select('token')
          .where('token', '=', t)
          .executeTakeFirst(),
        undefined,
      );
      assert.equal(
        (await h.app.store.db.selectFrom('vault_fields').select('subject_id').where('subject_id', '=', id).execute())
          .length,
        0,
      );
      assert.equal(
        (await h.app.store.db.selectFrom('vault_index').select('subject_id').where('subject_id', '=', id).execute())
          .length,
        0,
      );
      await assert.rejects(h.app.vault.erase('sub_aaaaaaaaaaaaaaaaaaaaaaaaaa'), NotFound);
    });

    test('after an erase, the external id is gone from the database and free for a new subject', async () => {
      const [first] = await h.app.vault.createSubjects([
        { externalId: 'an@example.vn', fields: { phone: '0912 444 555' } },
      ]);
      await h.app.vault.erase(first!.token);
      const row = await h.app.store.db
        .selectFrom('vault_subjects')
        .select('external_id')
        .where('token', '=', first!.token)
        .executeTakeFirstOrThrow();
      assert.equal(row.external_id, null, 'the external id may itself be personal data');
      const [again] = await h.app.vault.createSubjects([
        { externalId: 'an@example.vn', fields: { phone: '0912 444 666' } },
      ]);
      assert.equal(again!.created, true);
      assert.notEqual(again!.token, first!.token);
      assert.equal(await clearValues(h.app)(again!.token, 'phone'), '+84912444666');
    });

    test('a repeated create with bad fields is refused, even though the subject exists', async () => {
      await h.app.vault.createSubjects([{ externalId: 'recheck-1', fields: { phone: '0912 444 777' } }]);
      await assert.rejects(
        h.app.vault.createSubjects([{ externalId: 'recheck-1', fields: { phone: 'garbage' } }]),
        InvalidInput,
      );
    });

    test('orphan data keys (a crash between key and data commits) are swept, live ones kept', async () => {
      await h.app.store.db
        .insertInto('cloak_keys.vault_data_keys')
        .values({
          subject_id: 999_999,
          token: 'sub_orphanorphanorphanorphan',
          dek_version: 1,
          kek_version: 1,
          wrapped: Buffer.alloc(61),
          created_at: '2000-01-01T00:00:00.000Z',
        })
        .execute();
      const live = (await h.app.vault.keyStatus()).subjects;
      assert.equal(await h.app.vault.sweepOrphanKeys(), 1);
      assert.equal(await h.app.vault.sweepOrphanKeys(), 0);
      assert.equal((await h.app.vault.keyStatus()).subjects, live);
    });
  });
}
