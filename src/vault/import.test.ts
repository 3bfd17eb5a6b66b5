import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'csv-stringify/sync';
import { csvRecords } from './import.ts';

async function read(file: string) {
  const out: { line: number; record?: string[]; problem?: string }[] = [];
  for await (const r of csvRecords(file, ',', { bytes: 0 })) out.push(r);
  return out;
}

test('property: any CSV a standard writer produces reads back cell for cell, each record with the line it starts on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cloak-csv-'));
  try {
    const cell = fc.string({ unit: fc.constantFrom('a', 'Ư', ' ', ',', '"', '\n', 'x', '9', ';'), maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(cell, cell), { minLength: 1, maxLength: 20 }), async (rows) => {
        const data = rows.map(([a, b], i) => [`id-${i}`, a, b]);
        const file = join(dir, 'p.csv');
        writeFileSync(file, stringify([['external_id', 'name', 'note'], ...data]));
        const got = await read(file);
        assert.deepEqual(
          got.map((r) => r.record),
          [['external_id', 'name', 'note'], ...data],
        );
        let line = 1;
        const starts = [['external_id', 'name', 'note'], ...data].map((row) => {
          const at = line;
          line += stringify([row]).split('\n').length - 1;
          return at;
        });
        assert.deepEqual(
          got.map((r) => r.line),
          starts,
        );
      }),
      { numRuns: 150 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a broken row is reported on its own line and the rows after it still read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cloak-csv-'));
  try {
    const file = join(dir, 'b.csv');
    writeFileSync(file, 'id,name\na-1,"An" B\na-2,Bình\na-3,"never closed\na-4,Cường\n');
    const got = await read(file);
    assert.deepEqual(
      got.map((r) => [r.line, r.record?.[0] ?? r.problem]),
      [
        [1, 'id'],
        [2, 'is not valid CSV (CSV_INVALID_CLOSING_QUOTE)'],
        [3, 'a-2'],
        [4, 'has a quote that is never closed'],
        [5, 'a-4'],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
