import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import BetterSqlite3 from 'better-sqlite3';
import { freshSqlite, type TestDb } from '../test/dialects.ts';
import { runCloak } from '../test/cli.ts';
import { createPeople } from '../src/lib/people.ts';

function csvCell(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

async function writeCustomers(file: string, n: number, seed: number): Promise<void> {
  const out = createWriteStream(file);
  out.write('external_id,full_name,tel,email,address\n');
  const people = createPeople(seed);
  for (let i = 0; i < n; i++) {
    const p = people.person(i);
    if (!out.write(`${p.externalId},${csvCell(p.name)},${csvCell(p.phone)},${p.email},${csvCell(p.address)}\n`))
      await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** Subjects missing a data key, a field or their indexes: what a half-written import would leave. */
function incomplete(dataDir: string): {
  subjects: number;
  distinctIds: number;
  withoutKey: number;
  withoutFourFields: number;
  withoutIndexes: number;
} {
  const db = new BetterSqlite3(join(dataDir, 'cloak.db'), { readonly: true });
  db.prepare(`attach database ? as cloak_keys`).run(join(dataDir, 'keys.db'));
  const one = (q: string) => (db.prepare(q).get() as { n: number }).n;
  const r = {
    subjects: one('select count(*) n from vault_subjects'),
    distinctIds: one('select count(distinct external_id) n from vault_subjects'),
    withoutKey: one(
      'select count(*) n from vault_subjects s where not exists (select 1 from cloak_keys.vault_data_keys k where k.subject_id = s.id)',
    ),
    withoutFourFields: one(
      'select count(*) n from vault_subjects s where (select count(*) from vault_fields f where f.subject_id = s.id) <> 4',
    ),
    withoutIndexes: one(
      'select count(*) n from vault_subjects s where (select count(*) from vault_index i where i.subject_id = s.id) <> 4',
    ),
  };
  db.close();
  return r;
}

describe('cloak import', () => {
  let db: TestDb;
  const env = () => ({ ...db.env, CLOAK_CRYPTO_WORKERS: '2' });
  before(async () => {
    db = await freshSqlite();
  });
  after(async () => {
    await db.drop();
  });

  test('malformed rows are listed by line number with what is wrong; the good rows are imported; exit code 1', async () => {
    const file = join(db.dataDir, 'mixed.csv');
    writeFileSync(
      file,
      [
        'external_id,name,phone,email,address,loyalty_tier',
        'm-1,Nguyễn Văn An,0912 345 678,an@example.vn,"12 Lê Lợi, Quận 1, TP. Hồ Chí Minh",gold',
        'm-2,Trần Thị Bình,CANARY-NOT-A-PHONE,binh@example.vn,,silver',
        'm-3,Lê Văn Cường,0987 654 321,CANARY-not-an-email,,',
        ',Phạm Thị Dung,0933 111 222,,,',
        'm-5,Hoàng Văn Em,0944 555 666',
        'm-1,Nguyễn Văn An,0912 345 678,an@example.vn,,gold',
        'm-7,"Vũ Thị" Giang,0955 777 888,,,',
        'm-8,Đỗ Văn Hải,0966 999 000,hai@example.vn,"5 Trần Phú, Quận 5, TP. Hồ Chí Minh",',
      ].join('\n') + '\n',
    );
    const r = await runCloak(['import', file], env());
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('line '));
    const byLine = (n: number) => lines.filter((l) => l.startsWith(`line ${n}:`)).join(' ');
    assert.match(byLine(3), /\/fields\/phone (may hold only digits|is not a valid phone number)/);
    assert.match(byLine(4), /email.*not an e-mail/);
    assert.match(byLine(5), /externalId.*missing/);
    assert.match(byLine(6), /6 columns|has 3 columns/);
    assert.match(byLine(7), /repeats the external id of line 2/);
    assert.match(byLine(8), /not valid CSV/);
    assert.ok(!r.stderr.includes('CANARY') && !r.stdout.includes('CANARY'), 'bad values are not echoed');
    assert.match(r.stderr, /ignored columns .*loyalty_tier/);
    assert.match(r.stdout, /2 created/);
    const again = await runCloak(['import', file], env());
    assert.match(again.stdout, /0 created, 2 already there/);
  });

  test('--strict imports nothing when any row is bad, and everything when none is', async () => {
    const file = join(db.dataDir, 'strict.csv');
    writeFileSync(
      file,
      'id,name,phone\ns-1,Ngô Thị Lan,0912 000 111\ns-2,Dương Văn Minh,12345\ns-3,Lý Thị Ngọc,0912 000 333\n',
    );
    const r = await runCloak(['import', file, '--strict'], env());
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^line 3: \/fields\/phone is not a valid phone number/m);
    assert.match(r.stdout, /nothing imported/);
    const d = new BetterSqlite3(join(db.dataDir, 'cloak.db'), { readonly: true });
    assert.equal(
      (d.prepare("select count(*) n from vault_subjects where external_id like 's-%'").get() as { n: number }).n,
      0,
    );
    d.close();
    writeFileSync(file, 'id,name,phone\ns-1,Ngô Thị Lan,0912 000 111\ns-3,Lý Thị Ngọc,0912 000 333\n');
    const ok = await runCloak(['import', file, '--strict'], env());
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /2 created/);
  });

  test('NDJSON with a mapping; unreadable lines reported by number', async () => {
    const file = join(db.dataDir, 'people.ndjson');
    writeFileSync(
      file,
      [
        JSON.stringify({ id: 'n-1', kind: 'reviewer', ho_ten: 'Bùi Thị Oanh', sdt: '+86 138 0013 8000' }),
        '{not json CANARY',
        '',
        JSON.stringify(['an array']),
        JSON.stringify({ id: 'n-2', ho_ten: 'Đặng Văn Phúc', sdt: '0977 123 456' }),
      ].join('\n'),
    );
    const r = await runCloak(['import', file, '--map', 'name=ho_ten,phone=sdt'], env());
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^line 2: is not valid JSON$/m);
    assert.match(r.stderr, /^line 4: is not a JSON object$/m);
    assert.ok(!r.stderr.includes('CANARY'));
    assert.match(r.stdout, /2 created/);
  });

  test('a file without a header is refused without printing its first row; NDJSON fields are taken whole', async () => {
    const file = join(db.dataDir, 'noheader.csv');
    writeFileSync(
      file,
      'c-1,Nguyễn Văn Canaryheader,0912345678,canaryheader@example.vn\nc-2,Lê Văn B,0912345679,b@example.vn\n',
    );
    const r = await runCloak(['import', file], env());
    assert.equal(r.code, 2);
    assert.match(r.stderr, /first line must be a header/);
    assert.ok(!/Canaryheader|canaryheader|0912345678/.test(r.stderr + r.stdout), 'the first row is not echoed');
    const nd = join(db.dataDir, 'api-shape.ndjson');
    writeFileSync(
      nd,
      JSON.stringify({ id: 'f-1', fields: { phone: '0912 555 000', loyalty: 'gold' }, source: 'crm' }) + '\n',
    );
    const ok = await runCloak(['import', nd], env());
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /1 created/);
    assert.match(ok.stderr, /ignored columns .*source/);
  });

  test(
    'SIGKILL during a 100k-row import leaves no half-written subject; re-running completes it without duplicates',
    { timeout: 240_000 },
    async () => {
      const k = await freshSqlite();
      try {
        const file = join(k.dataDir, 'big.csv');
        await writeCustomers(file, 100_000, 7);
        const kenv = { ...k.env, CLOAK_CRYPTO_WORKERS: '2' };
        const args = ['import', file, '--map', 'name=full_name,phone=tel'];
        // Kill it once a good part (but not all) of the file is in.
        const killed = await runCloak(args, kenv, (child) => {
          const t = setInterval(() => {
            try {
              const n = incomplete(k.dataDir).subjects;
              if (n >= 15_000) {
                clearInterval(t);
                child.kill('SIGKILL');
              }
            } catch {
              // the database may not exist yet
            }
          }, 100);
          child.on('close', () => clearInterval(t));
        });
        assert.equal(
          killed.signal,
          'SIGKILL',
          `the import ended on its own before it could be killed: ${killed.stdout}`,
        );
        const mid = incomplete(k.dataDir);
        assert.ok(mid.subjects >= 15_000 && mid.subjects < 100_000, `killed mid-way (${mid.subjects})`);
        assert.deepEqual(
          { withoutKey: mid.withoutKey, withoutFourFields: mid.withoutFourFields, withoutIndexes: mid.withoutIndexes },
          { withoutKey: 0, withoutFourFields: 0, withoutIndexes: 0 },
        );

        const rerun = await runCloak(args, kenv);
        assert.equal(rerun.code, 0, rerun.stderr);
        assert.match(
          rerun.stdout,
          new RegExp(`100000 rows: ${100_000 - mid.subjects} created, ${mid.subjects} already there, 0 bad`),
        );
        const end = incomplete(k.dataDir);
        assert.deepEqual(end, {
          subjects: 100_000,
          distinctIds: 100_000,
          withoutKey: 0,
          withoutFourFields: 0,
          withoutIndexes: 0,
        });
      } finally {
        await k.drop();
      }
    },
  );
});
