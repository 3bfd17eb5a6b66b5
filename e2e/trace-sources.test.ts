import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { appOn, freshSqlite } from '../test/dialects.ts';
import { enrollDevice } from '../test/devices.ts';
import { createPeople } from '../src/lib/people.ts';

/**
 * A leaked file traced back to where it came from: a partial, reordered copy of a data
 * seller's export (the corrupt employee's), and an infected scanner's harvest of tracking numbers.
 * The true source must come first.
 */
describe('tracing a leak to its source', () => {
  const h = appOn(freshSqlite);
  const dir = mkdtempSync(join(tmpdir(), 'cloak-trace-src-'));
  const people = createPeople(777);

  test('story B: a partial, reordered copy of an export, with columns dropped, points to that export first', async () => {
    const app = h.app;
    const seller = await app.staff.authenticate(
      (await app.staff.create({ id: 'seller-emp', role: 'admin' }, 'system')).token,
    );
    const boss = await app.staff.authenticate(
      (await app.staff.create({ id: 'boss', role: 'supervisor' }, 'system')).token,
    );
    await app.vault.createSubjects(
      Array.from({ length: 80 }, (_, i) => ({
        externalId: `c-${i}`,
        fields: { name: people.person(i).name, phone: people.person(i).phone, email: people.person(i).email },
      })),
    );
    // A legitimate masked export first, then the data seller's export in clear.
    const masked = await app.exports.request(seller, {
      dataset: 'customers',
      fields: ['name', 'phone'],
      recipient: 'crm-team',
      purpose: 'monthly_report',
    });
    await app.exports.decide(boss, masked.id, true);
    const job = await app.exports.request(seller, {
      dataset: 'customers',
      fields: ['name', 'phone', 'email'],
      clear: ['phone', 'email'],
      recipient: 'partner-x',
      purpose: 'monthly_report',
    });
    const written = await app.exports.decide(boss, job.id, true);
    assert.equal(written.rows, 82, '80 customers and the 2 canaries of this export');
    const file = (await app.exports.list({ status: 'written' })).find((x) => x.id === job.id)!;
    const rows = parse(readFileSync(join(app.config.dataDir, 'exports', `${file.id}.csv`), 'utf8')) as string[][];
    // The copy that surfaced: 25 rows, shuffled, only the e-mail and phone columns, no header.
    const [header, ...data] = rows;
    const [pi, ei] = [header!.indexOf('phone'), header!.indexOf('email')];
    const leaked = data
      .filter((_, i) => i % 3 === 0)
      .slice(0, 25)
      .reverse();
    const copy = join(dir, 'for-sale.csv');
    writeFileSync(copy, leaked.map((r) => `${r[ei]};${r[pi]}`).join('\n'));
    const report = await app.tracer.trace(copy);
    // Every leaked row's customer; and anyone else only because they share a leaked phone or
    // e-mail (the fake people repeat a few numbers, as real households do).
    const planted = await app.canaries.which(data.map((r) => r[header!.indexOf('token')]!));
    const expected = leaked.map((r) => r[header!.indexOf('token')]!).filter((t) => !planted.has(t));
    for (const t of expected) assert.ok(report.affected.includes(t), t);
    const byToken = new Map(data.map((r) => [r[header!.indexOf('token')]!, r]));
    const leakedValues = new Set(leaked.flatMap((r) => [r[pi]!, r[ei]!]));
    for (const t of report.affected.filter((x) => !expected.includes(x)))
      assert.ok(
        !planted.has(t) && (leakedValues.has(byToken.get(t)![pi]!) || leakedValues.has(byToken.get(t)![ei]!)),
        `${t} shares nothing with the leak`,
      );
    assert.equal(report.sources[0]!.kind, 'export');
    assert.equal(report.sources[0]!.id, job.id, JSON.stringify(report.sources));
    assert.match(report.sources[0]!.evidence, /exported customers to partner-x/);

    // A copy that kept the creation times (any order, three rows are enough) carries the
    // export's watermark: proof, not just likelihood.
    const [ci, ti] = [header!.indexOf('created_at'), header!.indexOf('token')];
    const stampedCopy = join(dir, 'with-times.csv');
    // (real customers' rows: a canary among them would be evidence of its own, tested below)
    writeFileSync(
      stampedCopy,
      `email,created\n${leaked
        .filter((r) => !planted.has(r[ti]!))
        .slice(0, 3)
        .map((r) => `${r[ei]},${r[ci]}`)
        .join('\n')}\n`,
    );
    const proven = await app.tracer.trace(stampedCopy);
    assert.equal(proven.sources[0]!.id, job.id);
    assert.equal(proven.sources[0]!.score, 1);
    assert.match(proven.sources[0]!.evidence, /^watermark: 3 of 3 timestamped rows carry this export's mark/);
    assert.ok(
      !proven.sources.slice(1).some((x) => /watermark/.test(x.evidence)),
      'the masked export to crm-team held the same customers, but not this mark',
    );

    // The export's own canaries: one in a copy names the export, and is nobody's data.
    const canaries = await app.canaries.which(data.map((r) => r[ti]!));
    assert.equal(canaries.size, 2);
    const canaryRow = data.find((r) => canaries.has(r[ti]!))!;
    assert.match(
      canaryRow[ei]!,
      /@(gmail\.com|yahoo\.com|yahoo\.com\.vn|outlook\.com|hotmail\.com|icloud\.com)$/,
      'a common domain, like customers',
    );
    const withCanary = join(dir, 'with-canary.csv');
    writeFileSync(
      withCanary,
      [canaryRow, ...leaked.filter((r) => !planted.has(r[ti]!)).slice(0, 2)].map((r) => r[pi]).join('\n'),
    );
    const caught = await app.tracer.trace(withCanary);
    assert.deepEqual(
      caught.canaryHits.map((c) => c.channel),
      [`export:${job.id}`],
    );
    assert.equal(caught.affected.includes(canaryRow[ti]!), false);
    assert.equal(caught.sources[0]!.id, job.id);
    assert.match(
      caught.sources[0]!.evidence,
      /^canary: a customer planted only in this export \(customers to partner-x\)/,
    );
    // Someone who got the file and looks the canary up in Cloak gives themselves away.
    const curious = await app.staff.authenticate(
      (await app.staff.create({ id: 'curious', role: 'support' }, 'system')).token,
    );
    await app.reveals.reveal(curious, {
      subject: canaryRow[ti]!,
      field: 'email',
      purpose: 'fraud_check',
      breakGlass: { justification: 'customer called about a strange e-mail' },
    });
    await app.detection.idle();
    const open = await app.cases.list({ status: 'open' });
    const touched = open.find((c) => c.actor === 'staff:curious')!;
    assert.equal(touched.alerts[0]!.rule, 'canary-touched');
    assert.match(touched.summary, new RegExp(`exists only in export:${job.id}`));
    assert.equal(
      open.some((c) => c.actor.startsWith('system:')),
      false,
      'placing the canaries is not touching them',
    );

    // The first (masked) export never carried this one's canaries.
    const first = parse(readFileSync(join(app.config.dataDir, 'exports', `${masked.id}.csv`), 'utf8')) as string[][];
    assert.equal(
      first.some((r) => canaries.has(r[0]!)),
      false,
    );

    // False attribution: files that did not come from an export (the same customers, times
    // from elsewhere) are never attributed by watermark, whatever their size.
    let seed = 99;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed / 2 ** 31);
    for (let k = 0; k < 150; k++) {
      const n = 3 + Math.floor(rand() * 15);
      const lines = Array.from({ length: n }, () => {
        const r = data[Math.floor(rand() * data.length)]!;
        const t = new Date(Date.parse(r[ci]!) - (Date.parse(r[ci]!) % 1000) + Math.floor(rand() * 1000)).toISOString();
        return `${r[ti]},${r[ei]},${t}`;
      });
      const f = join(dir, `other-${k}.csv`);
      writeFileSync(f, `token,email,created_at\n${lines.join('\n')}\n`);
      const r = await app.tracer.trace(f);
      assert.ok(
        !r.sources.some((x) => /watermark/.test(x.evidence)),
        `file ${k} was attributed by watermark: ${JSON.stringify(r.sources[0])}`,
      );
    }
  });

  test('story A: an infected scanner’s harvest of its manifest points to that scanner first, by its canary', async () => {
    const app = h.app;
    await app.devices.createStation({ id: 'hub', name: 'hub', kind: 'hub' });
    await app.devices.createStation({ id: 'st-a', name: 'a', kind: 'delivery' });
    await app.devices.createStation({ id: 'st-b', name: 'b', kind: 'delivery' });
    const subjects = await app.vault.createSubjects(
      Array.from({ length: 20 }, (_, i) => ({
        externalId: `r-${i}`,
        fields: { name: people.person(100 + i).name, phone: people.person(100 + i).phone },
      })),
    );
    const parcels: string[] = [];
    for (const [i, s] of subjects.entries())
      parcels.push(
        (await app.waybill.createParcel({ recipient: s.token, origin: 'hub', destination: i < 12 ? 'st-a' : 'st-b' }))
          .tracking,
      );
    // Two scanners at st-a (one turns), one at st-b; all scan their station's parcels.
    const infected = await enrollDevice(app, 'st-a', 'scanner');
    const colleague = await enrollDevice(app, 'st-a', 'scanner');
    const other = await enrollDevice(app, 'st-b', 'scanner');
    for (const d of [infected, colleague])
      await app.waybill.ingestScans(
        d,
        parcels.slice(0, 12).map((p) => ({ parcel: p, step: 'inbound' as const })),
      );
    await app.waybill.ingestScans(
      other,
      parcels.slice(12).map((p) => ({ parcel: p, step: 'inbound' as const })),
    );
    // Each scanner's manifest has the station's parcels and one canary parcel of its own.
    const mine = (await app.waybill.manifest(infected)).map((r) => r.tracking);
    const theirs = (await app.waybill.manifest(colleague)).map((r) => r.tracking);
    assert.deepEqual(mine.filter((t) => !theirs.includes(t)).length, 1, 'one parcel only the infected scanner sees');
    assert.deepEqual(theirs.filter((t) => !mine.includes(t)).length, 1, 'and one only its colleague sees');
    // The malware dumps its manifest and reads every parcel it lists.
    for (const t of mine) await app.waybill.readForDevice(infected, t).catch(() => undefined);
    await app.detection.idle();
    const touched = (await app.cases.list({ status: 'open' })).find((c) => c.actor === `device:${infected.id}`);
    assert.ok(
      touched?.alerts.some((a) => a.rule === 'canary-touched'),
      'reading its canary parcel raised an alert',
    );
    assert.equal((await app.devices.get(infected.id)).status, 'restricted');
    // A partial, reordered copy of the dump surfaces.
    const dump = join(dir, 'dump.tsv');
    const copy = [...mine].reverse().filter((_, i) => i % 4 !== 1);
    writeFileSync(dump, `waybill\tsort code\n${copy.map((p) => `${p}\tA1`).join('\n')}\n`);
    const report = await app.tracer.trace(dump);
    const real = new Set(subjects.map((s) => s.token));
    assert.ok(
      report.affected.every((t) => real.has(t)),
      'only real customers are listed as affected',
    );
    assert.deepEqual(
      report.canaryHits.map((c) => c.channel),
      [`device:${infected.id}`],
    );
    assert.equal(report.sources[0]!.kind, 'device');
    assert.equal(report.sources[0]!.id, infected.id, JSON.stringify(report.sources));
    assert.equal(report.sources[0]!.score, 1);
    assert.match(report.sources[0]!.evidence, /^canary/);
    assert.ok(
      report.sources.some((x) => x.id === colleague.id && x.score < 1),
      'the colleague saw the same parcels, but not this canary',
    );
    assert.equal(
      report.sources.some((x) => x.id === other.id),
      false,
      'the other station’s scanner never had these',
    );
    rmSync(dir, { recursive: true, force: true });
  });
});
