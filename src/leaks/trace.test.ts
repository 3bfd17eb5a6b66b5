import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { DIALECTS, appOn } from '../../test/dialects.ts';
import { runCloak } from '../../test/cli.ts';
import { createPeople } from '../lib/people.ts';
import { InvalidInput } from '../lib/errors.ts';
import { openLeak } from './read.ts';
import { classifyColumns, modernizeVietnamesePhone } from './columns.ts';

const dir = mkdtempSync(join(tmpdir(), 'cloak-trace-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, data: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
const people = createPeople(4242);
const P = Array.from({ length: 60 }, (_, i) => people.person(i));

describe('reading leaked files', () => {
  test('columns are found from Vietnamese, Chinese and English headers and from the values themselves', () => {
    const rows = P.slice(0, 20).map((p) => [p.name, p.phone, p.email, p.address]);
    const vi = classifyColumns(['Họ tên', 'SĐT', 'Thư điện tử', 'Địa chỉ'], rows);
    assert.deepEqual(
      vi.map((c) => c.category),
      ['name', 'phone', 'email', 'address'],
    );
    const zh = classifyColumns(['姓名', '手机号', '邮箱', '收货地址'], rows);
    assert.deepEqual(
      zh.map((c) => c.category),
      ['name', 'phone', 'email', 'address'],
    );
    // No header at all: the values decide (names by their shape).
    assert.deepEqual(
      classifyColumns(undefined, rows).map((c) => c.category),
      ['name', 'phone', 'email'],
    );
    // A header that lies is overruled by the values.
    assert.deepEqual(
      classifyColumns(
        ['email', 'note'],
        rows.map((r) => [r[1]!, 'x']),
      ).map((c) => c.category),
      ['phone'],
    );
    assert.equal(modernizeVietnamesePhone('0168 123 4567'), '0381234567');
    assert.equal(modernizeVietnamesePhone('+84 1203 456 789'), '070' + '3456789');
    assert.equal(modernizeVietnamesePhone('0912 345 678'), '0912 345 678');
  });

  test('malformed and hostile files never crash the reader, are refused clearly when unreadable, and are never modified', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 3000 }),
          fc.string({ maxLength: 2000 }).map((s) => new Uint8Array(Buffer.from(s))),
          fc
            .array(
              fc.array(
                fc.oneof(
                  fc.string(),
                  fc.constantFrom('"', '""', ',', ';', '\t', '\n', '\r', '{', '[', '\u0000', '0912 345 678', 'a@b.vn'),
                ),
                { maxLength: 6 },
              ),
              { maxLength: 30 },
            )
            .map((rows) => new Uint8Array(Buffer.from(rows.map((r) => r.join(',')).join('\n')))),
          fc.constantFrom(
            new Uint8Array([0xff, 0xfe]),
            new Uint8Array([0xef, 0xbb, 0xbf]),
            new Uint8Array(Buffer.from('[{"a":1},')),
            new Uint8Array(Buffer.from('{"a":\n{"b":2}\n')),
          ),
          fc
            .array(
              fc.oneof(
                fc.string(),
                fc.constantFrom(
                  'INSERT INTO t (a,b) VALUES (',
                  "'",
                  "''",
                  '\\',
                  '),(',
                  ');',
                  '-- x\n',
                  '/*',
                  '*/',
                  'NULL',
                  '(',
                  ')',
                ),
              ),
              { maxLength: 40 },
            )
            .map((parts) => new Uint8Array(Buffer.from(`INSERT INTO t VALUES ${parts.join('')}`))),
        ),
        async (bytes) => {
          const p = write('fuzz.bin', Buffer.from(bytes));
          const before = createHash('sha256').update(readFileSync(p)).digest('hex');
          try {
            const f = await openLeak(p);
            let n = 0;
            for await (const r of f.rows()) {
              assert.ok(Array.isArray(r));
              if (++n > 100_000) break;
            }
          } catch (e) {
            assert.ok(e instanceof InvalidInput, `unexpected ${(e as Error)?.name}: ${(e as Error)?.message}`);
          }
          assert.equal(createHash('sha256').update(readFileSync(p)).digest('hex'), before, 'the file is untouched');
        },
      ),
      { numRuns: 300 },
    );
  });
});

for (const d of DIALECTS) {
  describe(`tracing a leaked file on ${d.name}`, () => {
    const h = appOn(d.fresh);
    let tokens: string[] = [];
    const trackingOf = new Map<string, string>();

    before(async () => {
      const app = h.app;
      const created = await app.vault.createSubjects(
        P.slice(0, 50).map((p) => ({
          externalId: p.externalId,
          fields: { name: p.name, phone: p.phone, email: p.email, address: p.address },
        })),
      );
      tokens = created.map((c) => c.token);
      await app.devices.createStation({ id: 'hub', name: 'hub', kind: 'hub' });
      await app.devices.createStation({ id: 'q1', name: 'q1', kind: 'delivery' });
      for (const t of tokens.slice(0, 10))
        trackingOf.set(
          t,
          (await app.waybill.createParcel({ recipient: t, origin: 'hub', destination: 'q1' })).tracking,
        );
    });

    test('a partial, reordered copy of customer data in any encoding and shape gives exactly the customers it holds', async () => {
      const app = h.app;
      // 30 of the 50 customers, shuffled, plus 10 people who are not customers; some phones
      // written the old 11-digit way are not in this set (P's phones are current numbers).
      const leaked = [...P.slice(5, 35), ...P.slice(50, 60)].reverse();
      const expected = tokens.slice(5, 35).sort();
      const files = [
        write('dump.csv', `name,phone,email\n${leaked.map((p) => `"${p.name}",${p.phone},${p.email}`).join('\n')}\n`),
        write(
          'dump-semicolon-noheader.txt',
          leaked.map((p) => `${p.email};${p.name};${p.address.replace(/;/g, ' ')}`).join('\r\n'),
        ),
        write(
          'dump-utf16.tsv',
          Buffer.concat([
            Buffer.from([0xff, 0xfe]),
            Buffer.from(`Họ tên\tSĐT\n${leaked.map((p) => `${p.name}\t${p.phone}`).join('\n')}`, 'utf16le'),
          ]),
        ),
        write('dump-gb18030.csv', Buffer.from(new TextEncoder().encode(''))),
        write(
          'dump.ndjson',
          leaked.map((p) => JSON.stringify({ user: { n: p.name }, mail: p.email, tel: p.phone })).join('\n'),
        ),
        write('dump.json', JSON.stringify(leaked.map((p) => ({ 手机号: p.phone, 姓名: p.name })))),
        write(
          'dump.sql',
          `-- MySQL dump\nCREATE TABLE \`users\` (\`id\` int, \`email\` varchar(80), PRIMARY KEY (\`id\`));\nINSERT INTO \`users\` (\`id\`,\`full_name\`,\`email\`) VALUES ${leaked.map((p, i) => `(${i},'${p.name.replace(/'/g, "''")}','${p.email}')`).join(',\n')};\n`,
        ),
      ];
      // GB18030 bytes, written by hand for the Chinese header row (TextEncoder only writes UTF-8).
      const gbHeader = Buffer.from([0xca, 0xd6, 0xbb, 0xfa, 0xba, 0xc5]); // 手机号 in GB18030
      writeFileSync(
        files[3]!,
        Buffer.concat([gbHeader, Buffer.from(`,x\n${leaked.map((p) => `${p.phone},1`).join('\n')}\n`)]),
      );
      for (const f of files) {
        const r = await app.tracer.trace(f);
        assert.deepEqual(r.affected, expected, `${f}: ${JSON.stringify(r.columns)}`);
        assert.equal(r.rowsRead, 40, f);
        assert.equal(r.rowsMatched, 30, f);
      }
      const gb = await app.tracer.trace(files[3]!);
      assert.equal(gb.file.encoding, 'gb18030');
      assert.equal(gb.columns[0]!.header, '手机号');
    });

    test('a scanner’s harvest of tracking numbers gives their recipients; the CLI prints the report and reads the file only', async () => {
      const app = h.app;
      const loot = write(
        'loot.txt',
        `tracking|sort\n${[...trackingOf.values()]
          .slice(0, 7)
          .reverse()
          .map((t) => `${t}|Q1`)
          .join('\n')}\nCK000000000VN|Q1\n`,
      );
      const r = await app.tracer.trace(loot);
      assert.deepEqual(r.affected, tokens.slice(0, 7).sort());
      assert.deepEqual(r.matchedBy, { tracking: 7 });
      const before = readFileSync(loot);
      const html = join(dir, 'loot.html');
      const cli = await runCloak(['trace', loot, '--html', html], h.db.env);
      assert.equal(cli.code, 0, cli.stderr);
      assert.match(cli.stdout, /8 rows read[\s\S]*tracking = tracking[\s\S]*affected customers: 7[\s\S]*HTML report: /);
      assert.deepEqual(readFileSync(loot), before);
      const page = readFileSync(html, 'utf8');
      assert.match(page, /<h1>Leak trace: loot\.txt<\/h1>/);
      assert.match(page, new RegExp(`File SHA-256</dt><dd><code>${createHash('sha256').update(before).digest('hex')}`));
      for (const t of tokens.slice(0, 7)) assert.ok(page.includes(t), 'every affected token is listed');
      for (const t of trackingOf.values()) assert.ok(!page.includes(t), 'no value from the file is in the report');
      const none = await runCloak(['trace', join(dir, 'missing.csv')], h.db.env);
      assert.equal(none.code, 2);
      assert.match(none.stderr, /cannot read .*missing\.csv \(ENOENT\)/);
    });
  });
}
