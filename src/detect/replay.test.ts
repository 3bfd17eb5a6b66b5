import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { replay, parseLine } from './replay.ts';
import { CLOAK_BIN, runCloak } from '../../test/cli.ts';
import type { Alert } from './engine.ts';
import { lines, run } from '../../test/replay.ts';

/** A harvesting scanner in miniature: one device reads five parcels it never scanned. */
function harvest(): Record<string, unknown>[] {
  const at = (m: number) => new Date(Date.parse('2026-03-02T08:00:00Z') + m * 60_000).toISOString();
  // Two scanners on the same build: no "unknown build" here, only the reads.
  const ev: Record<string, unknown>[] = [
    { type: 'device', at: at(0), id: 'sc-7', station: 'st-1', build: 'b1', kind: 'scanner' },
    { type: 'device', at: at(0), id: 'sc-8', station: 'st-1', build: 'b1', kind: 'scanner' },
  ];
  for (let i = 0; i < 5; i++)
    ev.push({ type: 'parcel', at: at(1), parcel: `p-${i}`, customer: `cu-${i}`, station: 'st-2' });
  for (let i = 0; i < 5; i++)
    ev.push({ type: 'lookup', at: at(10 + i), actor: 'device:sc-7', result: 'ok', parcel: `p-${i}` });
  return ev;
}

describe('replay follows the contract', () => {
  test('bad lines are reported with their line number and reason, skipped, and counted', async () => {
    const good = harvest();
    const input = [
      good[0],
      '{"type":"scan", broken',
      { type: 'teleport', at: '2026-03-02T08:00:00Z' },
      { type: 'lookup', at: '2026-03-02T08:00:00Z', result: 'ok' },
      { type: 'reveal', at: 'yesterday', actor: 'staff:u-1', customer: 'c', field: 'email', result: 'ok' },
      { type: 'lookup', at: '2026-03-02T08:00:00Z', actor: 'no-kind', result: 'ok' },
      '[1,2,3]',
      ...good.slice(1),
    ];
    const r = await run(lines(input));
    assert.deepEqual(r.badLines, [
      { line: 2, reason: 'not valid JSON' },
      { line: 3, reason: 'unknown type "teleport"' },
      { line: 4, reason: 'lookup lacks required field "actor"' },
      { line: 5, reason: 'missing or invalid "at" (an ISO 8601 UTC timestamp)' },
      { line: 6, reason: '"actor" must be written kind:id' },
      { line: 7, reason: 'not a JSON object' },
    ]);
    assert.equal(r.bad, 6);
    assert.equal(r.events, good.length);
    assert.deepEqual([...new Set(r.alerts.map((a) => a.actor))], ['device:sc-7']);
    assert.deepEqual(
      r.alerts.map((a) => a.rule),
      ['lookup-without-scan'],
    );
    assert.equal(r.alerts[0]!.at, '2026-03-02T08:14:00.000Z', 'raised by the fifth unexplained read');
    assert.equal(r.alerts[0]!.raisedAt, '2026-03-02T08:24:00.000Z', 'once its grace for a late scan ran out');
    // Fields not in the contract are ignored; a time with an offset is read as UTC.
    const p = parseLine('{"type":"staff","at":"2026-03-02T15:00:00+07:00","id":"u-1","role":"support","shoe":"42"}');
    assert.ok('event' in p && p.event.at === '2026-03-02T08:00:00.000Z');
  });

  test('--strict stops at the first bad line before anything is ingested', async () => {
    const good = harvest();
    const r = await run(lines([...good, '{oops', ...good]), { strict: true });
    assert.deepEqual([r.events, r.alerts.length, r.bad], [0, 0, 1]);
    assert.deepEqual(r.badLines, [{ line: good.length + 1, reason: 'not valid JSON' }]);
  });

  test('the CLI: alerts to a file, problems on stderr with line numbers, exit 1 when lines were bad, 2 when it cannot run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cloak-replay-cli-'));
    try {
      const file = join(dir, 'events.ndjson');
      writeFileSync(file, [...harvest().map((e) => JSON.stringify(e)), '{"type":"lookup"}'].join('\n') + '\n');
      const r = await runCloak(['replay', file, '--alerts', join(dir, 'alerts.ndjson')], { CLOAK_DATA_DIR: dir });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /line 13: missing or invalid "at"/);
      assert.match(r.stderr, /13 lines, 12 events replayed, 1 bad line\(s\) skipped, 1 alert\(s\)/);
      const alerts = readFileSync(join(dir, 'alerts.ndjson'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Alert);
      // The contract's fields, and the optional ones it documents since (id, raisedAt, texts, response…).
      for (const k of ['actor', 'at', 'evidence', 'rule', 'score', 'severity', 'summary'])
        assert.ok(k in alerts[0]!, k);
      assert.deepEqual(
        Object.keys(alerts[0]!).filter(
          (k) =>
            ![
              'actor',
              'at',
              'evidence',
              'rule',
              'score',
              'severity',
              'summary',
              'id',
              'raisedAt',
              'compared',
              'texts',
              'response',
              'responseReason',
              'downgrades',
            ].includes(k),
        ),
        [],
      );
      assert.equal((await runCloak(['replay', join(dir, 'missing.ndjson')], { CLOAK_DATA_DIR: dir })).code, 2);
      const strict = await runCloak(['replay', file, '--strict'], { CLOAK_DATA_DIR: dir });
      assert.equal(strict.code, 1);
      assert.equal(strict.stdout, '');
      // Standard input, as `-`.
      const child = spawn(process.execPath, [CLOAK_BIN, 'replay', '-'], {
        env: { ...process.env, CLOAK_DATA_DIR: dir },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stdin.end(
        harvest()
          .map((e) => JSON.stringify(e))
          .join('\n'),
      );
      const [code] = (await once(child, 'close')) as [number];
      assert.equal(code, 0);
      assert.equal(JSON.parse(out.trim().split('\n')[0]!).actor, 'device:sc-7');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(
    'a 5,000,000-event file (larger than the heap it is given) is replayed in bounded memory',
    { timeout: 300_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'cloak-replay-big-'));
      try {
        const file = join(dir, 'big.ndjson');
        const N = 5_000_000;
        const out = createWriteStream(file);
        const t0 = Date.parse('2026-01-01T00:00:00Z');
        let n = 0;
        for (let k = 0; n < N; k++) {
          // A parcel every ~7 minutes: created, scanned four times and read at each scan, its
          // lines written in reverse order (the replay must sort them).
          const born = t0 + k * 400_000;
          const [dev, st, p] = [`sc-${k % 97}`, `st-${k % 23}`, `p-${k}`];
          const ls = [
            `{"type":"parcel","at":"${new Date(born).toISOString()}","parcel":"${p}","customer":"cu-${k % 50000}","station":"${st}"}`,
          ];
          for (let j = 1; j <= 4; j++) {
            const at = new Date(born + j * 3_600_000).toISOString();
            ls.push(
              `{"type":"scan","at":"${at}","device":"${dev}","parcel":"${p}","station":"${st}","step":"sort"}`,
              `{"type":"lookup","at":"${at}","actor":"device:${dev}","result":"ok","parcel":"${p}"}`,
            );
          }
          // Every 50,000th parcel, a device reads three parcels of another station it never scanned.
          if (k % 50_000 === 49_999)
            for (let j = 0; j < 3; j++)
              ls.push(
                `{"type":"lookup","at":"${new Date(born + j * 60_000).toISOString()}","actor":"device:rogue-${k}","result":"denied","parcel":"p-${k - 10 - j}"}`,
              );
          for (const l of ls.reverse()) {
            if (n++ >= N) break;
            if (!out.write(`${l}\n`)) await once(out, 'drain');
          }
        }
        out.end();
        await once(out, 'close');
        // The heap is capped far below the file's size (~560 MB): a replay that held the file,
        // or all of its parcels, would run out of memory.
        const r = await runCloak(['replay', file, '--alerts', join(dir, 'alerts.ndjson')], {
          CLOAK_DATA_DIR: dir,
          NODE_OPTIONS: '--max-old-space-size=200',
        });
        assert.equal(r.code, 0, r.stderr.slice(-2000));
        assert.match(r.stderr, /5000000 lines, 5000000 events replayed, 0 bad line\(s\) skipped/);
        const alerts = readFileSync(join(dir, 'alerts.ndjson'), 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Alert);
        assert.ok(
          alerts.length > 0 && alerts.every((a) => a.actor.startsWith('device:rogue-')),
          'only the rogue readers are alerted',
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
