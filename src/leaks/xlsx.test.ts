import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { appOn, freshSqlite } from '../../test/dialects.ts';
import { createPeople } from '../lib/people.ts';
import { InvalidInput } from '../lib/errors.ts';
import { openLeak } from './read.ts';

const dir = mkdtempSync(join(tmpdir(), 'cloak-xlsx-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, data: string | Buffer) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
const readAll = async (path: string) => {
  const f = await openLeak(path);
  const rows: string[][] = [];
  for await (const r of f.rows()) rows.push(r);
  return { f, rows };
};
const refusal = async (path: string): Promise<InvalidInput> => {
  try {
    await readAll(path);
  } catch (e) {
    assert.ok(e instanceof InvalidInput, `unexpected ${(e as Error)?.name}: ${(e as Error)?.message}`);
    return e;
  }
  assert.fail(`${path} was read`);
};

/** An .xlsx written by exceljs, as Excel users' tools write them. */
async function workbook(
  name: string,
  sheets: Record<string, unknown[][]>,
  fill?: (ws: ExcelJS.Worksheet) => void,
): Promise<string> {
  const wb = new ExcelJS.Workbook();
  for (const [title, rows] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(title);
    for (const r of rows) ws.addRow(r);
    fill?.(ws);
  }
  const p = join(dir, name);
  await wb.xlsx.writeFile(p);
  return p;
}

type Part = { name: string; data: string | Buffer; declare?: number };
/** A ZIP written by hand, so that a part can declare a size it does not have (deflated, or stored). */
function zip(parts: Part[], method: 0 | 8 = 8): Buffer {
  const out: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name);
    const data = Buffer.from(p.data);
    const body = method ? deflateRawSync(data, { level: 9 }) : data;
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(0x0800, 6);
    head.writeUInt16LE(method, 8);
    head.writeUInt32LE(crc32(data), 14);
    head.writeUInt32LE(body.length, 18);
    head.writeUInt32LE(p.declare ?? data.length, 22);
    head.writeUInt16LE(name.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(method, 10);
    entry.writeUInt32LE(crc32(data), 16);
    entry.writeUInt32LE(body.length, 20);
    entry.writeUInt32LE(p.declare ?? data.length, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    out.push(head, name, body);
    central.push(entry, name);
    offset += head.length + name.length + body.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...out, cd, end]);
}

const NS =
  'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
/** The parts of a minimal workbook with these sheets' XML (`<sheetData>` content) and shared strings. */
function parts(sheets: string[], shared?: string, opts: { date1904?: boolean; extra?: Part[] } = {}): Part[] {
  return [
    {
      name: '_rels/.rels',
      data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: 'xl/workbook.xml',
      data: `<workbook ${NS}>${opts.date1904 ? '<workbookPr date1904="1"/>' : ''}<sheets>${sheets.map((_, i) => `<sheet name="S${i + 1}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')}</sheets></workbook>`,
    },
    {
      name: 'xl/_rels/workbook.xml.rels',
      data: `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${sheets.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join('')}<Relationship Id="rS" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rT" Type="${REL}/styles" Target="styles.xml"/></Relationships>`,
    },
    {
      name: 'xl/styles.xml',
      data: `<styleSheet ${NS}><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss.000"/></numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="49"/></cellXfs></styleSheet>`,
    },
    ...(shared === undefined ? [] : [{ name: 'xl/sharedStrings.xml', data: `<sst ${NS}>${shared}</sst>` }]),
    ...sheets.map((s, i) => ({
      name: `xl/worksheets/sheet${i + 1}.xml`,
      data: `<worksheet ${NS}><sheetData>${s}</sheetData></worksheet>`,
    })),
    ...(opts.extra ?? []),
  ];
}

describe('reading leaked XLSX workbooks', () => {
  test('an Excel workbook is found by its content and read sheet by sheet: numbers in full, dates to the millisecond, formulas, rich text, links', async () => {
    const p = await workbook('export.dat', {
      'Khách hàng': [
        ['Họ tên', 'Số điện thoại', 'Email', 'Mã vận đơn', 'Ngày tạo'],
        [
          'Nguyễn Thị Hường',
          84912345678,
          'huong.nguyen@gmail.com',
          'EB123456785VN',
          new Date(Date.UTC(2024, 2, 5, 7, 8, 9, 123)),
        ],
        [
          'Trần Văn Đức',
          912345678,
          'duc@yahoo.com.vn',
          'EB987654321VN',
          new Date(Date.UTC(2023, 11, 31, 23, 59, 59, 999)),
        ],
        ['Lê Ánh', '0912 345 678', { text: 'anh.le@vnn.vn', hyperlink: 'mailto:anh.le@vnn.vn' }, null, 1234.5],
        [
          { richText: [{ text: 'Phạm ', font: { bold: true } }, { text: 'Quỳnh' }] },
          { formula: 'B2+1', result: 84912345679 },
          { formula: 'LOWER("A@B.VN")', result: 'a@b.vn' },
          1e20,
          true,
        ],
      ],
      'Đơn hàng': [
        ['Email', 'Họ tên', 'Số điện thoại'],
        ['vy@gmail.com', 'Đặng Thảo Vy', 84987654321],
      ],
    });
    const { f, rows } = await readAll(p);
    assert.equal(f.format, 'xlsx');
    assert.equal(f.encoding, 'utf-8');
    assert.deepEqual(f.headers, ['Họ tên', 'Số điện thoại', 'Email', 'Mã vận đơn', 'Ngày tạo']);
    assert.deepEqual(rows, [
      ['Nguyễn Thị Hường', '84912345678', 'huong.nguyen@gmail.com', 'EB123456785VN', '2024-03-05T07:08:09.123Z'],
      ['Trần Văn Đức', '912345678', 'duc@yahoo.com.vn', 'EB987654321VN', '2023-12-31T23:59:59.999Z'],
      ['Lê Ánh', '0912 345 678', 'anh.le@vnn.vn', '', '1234.5'],
      ['Phạm Quỳnh', '84912345679', 'a@b.vn', '100000000000000000000', 'TRUE'],
      // The second sheet's columns, in another order, go under the first sheet's headers.
      ['Đặng Thảo Vy', '84987654321', 'vy@gmail.com'],
    ]);
    assert.deepEqual(f.stats, { skipped: 0, bytesRead: statSync(p).size });
  });

  test('SpreadsheetML as other tools write it: inline strings, phonetic guides, ISO dates, the 1904 calendar, prefixes, gaps, a cell past column XFD', async () => {
    const shared =
      '<si><t>Số điện thoại</t></si><si><r><t>Ngô </t></r><r><t xml:space="preserve">Bảo Châu</t></r><rPh sb="0" eb="1"><t>ゴ</t></rPh></si><si><t>Họ tên</t></si>';
    const sheet =
      '<row r="1"><c r="A1" t="s"><v>2</v></c><c r="B1" t="s"><v>0</v></c></row>' +
      '<row r="2"/>' +
      '<row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3"><v>84912000111</v></c><c r="D3" s="1"><v>45356.297327349535</v></c></row>' +
      '<row r="4"><c r="A4" t="inlineStr"><is><t>Võ Minh</t></is></c><c r="C4" t="d"><v>2024-03-05T07:08:09.123</v></c></row>' +
      '<row r="5"><c r="A5" t="s"><v>1</v></c><c r="XFE5"><v>1</v></c></row>' +
      '<x:row xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:c t="b"><x:v>0</x:v></x:c><x:c t="e"><x:v>#N/A</x:v></x:c></x:row>';
    const p = write('tool.xlsx', zip(parts([sheet], shared)));
    const { f, rows } = await readAll(p);
    assert.deepEqual(f.headers, ['Họ tên', 'Số điện thoại']);
    assert.deepEqual(rows, [
      ['Ngô Bảo Châu', '84912000111', '', '2024-03-05T07:08:09.083Z'],
      ['Võ Minh', '', '2024-03-05T07:08:09.123Z'],
      ['FALSE', '#N/A'],
    ]);
    assert.equal(f.stats.skipped, 1, 'the row with a cell past XFD');
    const mac = write(
      'mac.xlsx',
      zip(
        parts(['<row><c t="inlineStr"><is><t>Ngày</t></is></c></row><row><c s="1"><v>0.5</v></c></row>'], undefined, {
          date1904: true,
        }),
      ),
    );
    assert.deepEqual((await readAll(mac)).rows, [['1904-01-01T12:00:00.000Z']]);
  });

  test('a ZIP that is not a workbook, a truncated or damaged one, a legacy or encrypted workbook: each a clear error, naming no value', async () => {
    const good = readFileSync(await workbook('good.xlsx', { S: [['Email'], ['secret@gmail.com']] }));
    const cases: [Buffer, RegExp][] = [
      [zip([{ name: 'word/document.xml', data: '<w:document/>' }]), /is a ZIP archive but not an XLSX workbook/],
      [good.subarray(0, good.length >> 1), /cannot be opened as one .*truncated or damaged/],
      [good.subarray(0, 4), /cannot be opened as one/],
      [
        zip(parts(['<row><c t="s"><v>0</v></c></row>'], '<si><t>secret@gmail.com</t>')),
        /is a damaged workbook: the shared-strings table is not well-formed XML/,
      ],
      [
        zip([
          ...parts([]).filter((x) => x.name === 'xl/workbook.xml'),
          {
            name: '_rels/.rels',
            data: `<Relationships xmlns="x"><Relationship Id="a" Type="${REL}/officeDocument" Target="xl/workbook.bin"/></Relationships>`,
          },
        ]),
        /XLSB/,
      ],
      [
        Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(600)]),
        /legacy \.xls or a password-protected workbook/,
      ],
    ];
    for (const [i, [bytes, message]] of cases.entries()) {
      const e = await refusal(write(`bad-${i}.xlsx`, bytes));
      assert.match(e.message, message, `case ${i}`);
      assert.doesNotMatch(e.message, /secret/, `case ${i}`);
      assert.equal(e.details[0]?.path, join(dir, `bad-${i}.xlsx`));
    }
  });

  test('zip bombs are refused before they are inflated; a part that inflates past its declared size is stopped', async () => {
    const bomb = parts(['<row><c t="inlineStr"><is><t>0912 345 678</t></is></c></row>'.repeat(600_000)]); // 34 MiB, deflated about 1000:1
    const huge = 1.5 * 2 ** 30;
    const cases: { parts: Part[]; message: RegExp; stored?: true }[] = [
      { parts: bomb, message: /looks like a zip bomb: a part inflates \d+ times \(more than 200\)/ },
      {
        parts: parts(['', '', '']).map((x) => (x.name.includes('worksheets/') ? { ...x, declare: huge } : x)),
        message: /is a workbook of 4608 MiB once inflated, more than Cloak reads \(4 GiB\)/,
      },
      {
        parts: parts([''], '<si><t>x</t></si>').map((x) =>
          x.name.endsWith('sharedStrings.xml') ? { ...x, declare: 300 * 2 ** 20 } : x,
        ),
        message: /shared-strings table of 300 MiB once inflated, more than Cloak holds \(256 MiB\)/,
      },
      // Declares a modest size (no bomb on paper) and inflates to 34 MiB: stopped at the declared size.
      {
        parts: bomb.map((x) => (x.name.endsWith('sheet1.xml') ? { ...x, declare: 2 ** 20 } : x)),
        message: /sheet 1 does not inflate to the size the ZIP declares/,
      },
      // One value of 9 MiB, stored (no ratio to see): the XML parser is not left holding it.
      {
        parts: parts([`<row><c t="inlineStr"><is><t>${'0912 345 678 '.repeat(750_000)}</t></is></c></row>`]),
        message: /sheet 1 holds a single value or tag of over 8 MiB/,
        stored: true,
      },
    ];
    for (const [i, { parts: ps, message, stored }] of cases.entries()) {
      const p = write(`bomb-${i}.xlsx`, zip(ps, stored ? 0 : 8));
      if (!stored) assert.ok(statSync(p).size < 1 << 20);
      const heap = process.memoryUsage().heapUsed;
      assert.match((await refusal(p)).message, message, `case ${i}`);
      assert.ok(process.memoryUsage().heapUsed - heap < 64 << 20, `case ${i}: memory held`);
    }
  });

  test('malformed and hostile workbooks never crash, hang or leak a value: rows or a clear InvalidInput, and the file untouched', async () => {
    const seeds = [
      readFileSync(
        await workbook('seed.xlsx', {
          'Khách hàng': [
            ['Họ tên', 'SĐT', 'Email', 'Ngày'],
            ...Array.from({ length: 30 }, (_, i) => [
              `Nguyễn Văn ${i}`,
              84912000000 + i,
              `kh${i}@gmail.com`,
              new Date(Date.UTC(2024, 0, 1, 0, 0, i, i)),
            ]),
          ],
          'Sheet 2': [['SĐT'], ['0912 345 678']],
        }),
      ),
      // Stored, not deflated: damage reaches the XML itself.
      zip(
        parts(
          [
            '<row><c t="s"><v>0</v></c><c t="s"><v>1</v></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>Võ Minh</t></is></c><c r="B2"><v>84912000111</v></c><c r="C2" s="1"><v>45356.5</v></c></row>',
          ],
          '<si><t>Họ tên</t></si><si><r><t>SĐT</t></r></si>',
        ),
        0,
      ),
    ];
    const stray: unknown[] = [];
    const onStray = (e: unknown) => stray.push(e);
    process.on('uncaughtException', onStray);
    process.on('unhandledRejection', onStray);
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: seeds.length - 1 }),
          fc.oneof(
            fc
              .array(fc.tuple(fc.nat(), fc.nat({ max: 7 })), { minLength: 1, maxLength: 8 })
              .map((flips) => (b: Buffer) => {
                for (const [at, bit] of flips) b[at % b.length]! ^= 1 << bit;
                return b;
              }),
            fc.nat().map((at) => (b: Buffer) => b.subarray(0, at % b.length)),
            fc.tuple(fc.nat(), fc.nat({ max: 64 }), fc.uint8Array({ maxLength: 64 })).map(
              ([at, cut, junk]) =>
                (b: Buffer) =>
                  Buffer.concat([b.subarray(0, at % b.length), junk, b.subarray((at % b.length) + cut)]),
            ),
          ),
          async (seed, mutate) => {
            const p = write('fuzz.xlsx', mutate(Buffer.from(seeds[seed]!)));
            const before = {
              hash: createHash('sha256').update(readFileSync(p)).digest('hex'),
              mtime: statSync(p).mtimeMs,
            };
            let timer: NodeJS.Timeout | undefined;
            const hang = new Promise<'hang'>((resolve) => (timer = setTimeout(() => resolve('hang'), 5000)));
            const read = (async () => {
              try {
                const f = await openLeak(p);
                for await (const r of f.rows()) assert.ok(Array.isArray(r) && r.every((c) => typeof c === 'string'));
                return 'rows';
              } catch (e) {
                return e;
              }
            })();
            const outcome = await Promise.race([read, hang]);
            clearTimeout(timer);
            assert.notEqual(outcome, 'hang', 'read within 5 s');
            if (outcome !== 'rows') {
              assert.ok(
                outcome instanceof InvalidInput,
                `unexpected ${(outcome as Error)?.name}: ${(outcome as Error)?.message}`,
              );
              assert.doesNotMatch(outcome.message, /gmail|Nguyễn|849120|Võ Minh/);
            }
            assert.deepEqual(
              { hash: createHash('sha256').update(readFileSync(p)).digest('hex'), mtime: statSync(p).mtimeMs },
              before,
              'the file is untouched',
            );
          },
        ),
        { numRuns: 500 },
      );
    } finally {
      process.off('uncaughtException', onStray);
      process.off('unhandledRejection', onStray);
    }
    assert.deepEqual(stray, []);
  });
});

describe('tracing a leaked workbook', () => {
  const h = appOn(freshSqlite);
  const people = createPeople(5151);
  const P = Array.from({ length: 80 }, (_, i) => people.person(i))
    .filter((p) => p.country === 'VN')
    .slice(0, 40);

  test('phones stored as numbers or text and e-mails on two sheets give exactly the customers they hold', async () => {
    const created = await h.app.vault.createSubjects(
      P.slice(0, 30).map((p) => ({
        externalId: p.externalId,
        fields: { name: p.name, phone: p.phone, email: p.email },
      })),
    );
    const tokens = created.map((c) => c.token);
    // 9 national digits, as Excel keeps a number typed with its leading 0 or +84 dropped.
    const national = (phone: string) => Number(phone.replace(/\D/g, '').replace(/^84|^0/, ''));
    const p = await workbook('leak.xlsx', {
      'Tháng 1': [
        ['Họ tên', 'Số điện thoại', 'Email'],
        ...P.slice(0, 12).map((x, i) => [x.name, i % 2 ? national(x.phone) : 84e9 + national(x.phone), x.email]),
        ...P.slice(30, 35).map((x) => [x.name, national(x.phone), x.email]),
      ],
      'Tháng 2': [
        ['Email', 'Họ tên', 'Số điện thoại'],
        ...P.slice(12, 20).map((x) => ['', x.name, x.phone]),
        ...P.slice(35, 40).map((x) => [x.email, x.name, x.phone]),
      ],
    });
    const r = await h.app.tracer.trace(p);
    assert.equal(r.file.format, 'xlsx');
    assert.deepEqual(
      r.columns.map((c) => [c.header, c.category]),
      [
        ['Họ tên', 'name'],
        ['Số điện thoại', 'phone'],
        ['Email', 'email'],
      ],
    );
    assert.equal(r.rowsRead, 30);
    assert.equal(r.rowsMatched, 20);
    assert.deepEqual(r.affected, tokens.slice(0, 20).sort());
  });
});
