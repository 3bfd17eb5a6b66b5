import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appOn, DIALECTS, serverOn } from '../test/dialects.ts';

/**
 * Leak investigations through the API: an investigator uploads a leaked file, follows its
 * progress, reads the report as JSON and HTML; a privacy officer opens an incident from it.
 * Bad uploads are refused and leave nothing behind; roles are enforced by the server; no
 * value from the file reaches a log line.
 */
describe('uploading a leaked file for tracing', () => {
  const logs: string[] = [];
  const s = serverOn(
    { CLOAK_LOG_LEVEL: 'trace', CLOAK_TRACE_MAX_BYTES: '65536' },
    { logDestination: { write: (l: string) => void logs.push(l) } },
  );
  const people = Array.from({ length: 30 }, (_, i) => ({
    name: `Phạm Thị Canary ${String.fromCharCode(65 + (i % 26))}`,
    phone: `09${String(12_000_100 + i).padStart(8, '0')}`,
    email: `canary.up${i}@example.vn`,
  }));
  const call = async (method: string, path: string, token: string, body?: string | Blob, type = 'application/json') => {
    const r = await fetch(`${s.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': type } : {}) },
      body,
    });
    const text = await r.text();
    return {
      status: r.status,
      text,
      type: r.headers.get('content-type') ?? '',
      csp: r.headers.get('content-security-policy'),
      json: r.headers.get('content-type')?.includes('json') && text ? JSON.parse(text) : undefined,
    };
  };
  const staff = async (id: string, role: string) =>
    (await call('POST', '/v1/staff', s.admin, JSON.stringify({ id, role }))).json.token as string;
  const tracesDir = () => join(s.app.config.dataDir, 'traces');
  async function done(token: string, id: string) {
    for (let i = 0; i < 200; i++) {
      const r = await call('GET', `/v1/traces/${id}`, token);
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.progress >= 0 && r.json.progress <= 1);
      if (r.json.status === 'done' || r.json.status === 'failed') return r.json;
      await new Promise((ok) => setTimeout(ok, 50));
    }
    throw new Error('the trace did not finish');
  }

  test('upload, progress, report as JSON and HTML, incident from it', async () => {
    const made = await call(
      'POST',
      '/v1/subjects/batch',
      s.admin,
      JSON.stringify({ subjects: people.map((p, i) => ({ externalId: `up-${i}`, fields: p })) }),
    );
    assert.equal(made.status, 200, made.text);
    const tokens: string[] = made.json.results.map((r: { token: string }) => r.token);
    const investigator = await staff('inv-1', 'investigator');
    // A hostile header: the HTML report must show it as text.
    const leaked = people.slice(0, 20);
    const csv = `Họ tên;Số điện thoại;<script>alert(1)</script>\n${leaked.map((p) => `${p.name};${p.phone};${p.email}`).join('\n')}\n`;
    const up = await call('POST', '/v1/traces?name=../../khach-hang.csv', investigator, csv, 'text/csv');
    assert.equal(up.status, 202, up.text);
    assert.equal(up.json.name, 'khach-hang.csv', 'the path is dropped from the name');
    assert.equal(up.json.bytes, Buffer.byteLength(csv));
    assert.match(up.json.sha256, /^[0-9a-f]{64}$/);
    assert.equal((statSync(join(tracesDir(), `${up.json.id}.upload`)).mode & 0o777).toString(8), '600');

    const inv = await done(investigator, up.json.id);
    assert.equal(inv.status, 'done', JSON.stringify(inv));
    assert.equal(inv.progress, 1);
    assert.equal(inv.report.rowsRead, 20);
    assert.equal(inv.report.affectedCount, 20);
    assert.deepEqual([...inv.report.affected].sort(), tokens.slice(0, 20).sort());
    assert.ok(
      inv.report.categories.phone === 20 && inv.report.categories.email === 20,
      JSON.stringify(inv.report.categories),
    );

    const list = await call('GET', '/v1/traces', investigator);
    assert.deepEqual(
      list.json.investigations.map((x: { id: string }) => x.id),
      [up.json.id],
    );
    const all = await call('GET', `/v1/traces/${up.json.id}/affected`, investigator);
    assert.deepEqual(all.text.trim().split('\n').sort(), tokens.slice(0, 20).sort());

    const html = await call('GET', `/v1/traces/${up.json.id}/report.html`, investigator);
    assert.equal(html.status, 200);
    assert.match(html.type, /text\/html/);
    assert.equal(html.csp, "default-src 'none'; style-src 'unsafe-inline'");
    assert.match(html.text, /<h1>Leak trace: khach-hang\.csv<\/h1>/);
    assert.match(html.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.ok(!html.text.includes('<script>'), 'the hostile header is escaped');
    assert.match(html.text, /20 read, 0 unreadable and skipped, 20 matched/);
    for (const p of leaked)
      assert.ok(!html.text.includes(p.email) && !html.text.includes(p.phone), 'no value from the file in the report');

    // Roles: a support agent may not read investigations; an investigator may not open incidents.
    const agent = await staff('sup-1', 'support');
    assert.equal((await call('GET', `/v1/traces/${up.json.id}`, agent)).status, 403);
    assert.equal((await call('POST', '/v1/traces', agent, csv, 'text/csv')).status, 403);
    const incidentBody = JSON.stringify({
      title: 'Customer list for sale',
      where: 'a forum',
      measures: 'Exports suspended.',
    });
    assert.equal((await call('POST', `/v1/traces/${up.json.id}/incident`, investigator, incidentBody)).status, 403);
    const officer = await staff('dpo-1', 'privacy');
    const inc = await call('POST', `/v1/traces/${up.json.id}/incident`, officer, incidentBody);
    assert.equal(inc.status, 201, inc.text);
    assert.equal(inc.json.subjects, 20);
    assert.deepEqual(inc.json.jurisdictions, { VN: 20 });
    assert.equal(inc.json.discoveredAt, up.json.uploadedAt);
    assert.deepEqual(
      inc.json.deadlines.map((d: { jurisdiction: string; law: string }) => [d.jurisdiction, d.law]),
      [['VN', 'Vietnam Personal Data Protection Law']],
    );

    // The evidence is deleted on request, by an officer.
    assert.equal((await call('DELETE', `/v1/traces/${up.json.id}`, officer)).status, 204);
    assert.equal(existsSync(join(tracesDir(), `${up.json.id}.upload`)), false);
    assert.equal((await call('GET', `/v1/traces/${up.json.id}`, investigator)).status, 404);

    for (const p of people)
      for (const v of [p.email, p.phone, p.name])
        assert.ok(!logs.some((l) => l.includes(v)), 'a value from the file is in a log line');
  });

  test('bad uploads: empty, too large, unreadable; nothing kept of the refused ones', async () => {
    const investigator = await staff('inv-2', 'investigator');
    const before = readdirSync(tracesDir()).length;
    const empty = await call('POST', '/v1/traces', investigator, '', 'text/csv');
    assert.equal(empty.status, 400, empty.text);
    assert.match(empty.json.error.message, /empty/);
    const big = await call('POST', '/v1/traces?name=big.csv', investigator, 'a,b\n'.repeat(20_000), 'text/csv');
    assert.ok(big.status === 413 || big.status === 400, `${big.status} ${big.text}`);
    assert.equal(readdirSync(tracesDir()).length, before, 'a refused upload leaves no file');
    // Binary junk is accepted as a file, then fails with a reason that names no content.
    const junk = await call(
      'POST',
      '/v1/traces?name=junk.bin',
      investigator,
      new Blob([new Uint8Array([0, 1, 2, 0, 255, 0, 9, 0, 0, 7])]),
      'application/octet-stream',
    );
    assert.equal(junk.status, 202, junk.text);
    const failed = await done(investigator, junk.json.id);
    assert.equal(failed.status, 'failed');
    assert.match(failed.error, /junk\.bin/);
    assert.ok(!failed.error.includes(tracesDir()), 'the server path is not shown');
    const noReport = await call('GET', `/v1/traces/${junk.json.id}/report.html`, investigator);
    assert.equal(noReport.status, 409);
    assert.equal((await call('POST', '/v1/traces', 'cst.nobody.secret', 'x,y\n', 'text/csv')).status, 401);
  });
});

for (const d of DIALECTS) {
  describe(`${d.name}: an upload acknowledged is traced even after a stop`, () => {
    const h = appOn(d.fresh);
    test('files left queued or half-traced are traced at the next start', async () => {
      const made = await h.app.vault.createSubjects([
        { kind: 'customer', fields: { name: 'Lê Văn Resume', phone: '0912 777 001', email: 'resume@example.vn' } },
      ]);
      const dir = join(h.app.config.dataDir, 'traces');
      // As a stop would leave them: one queued, one marked as being traced.
      for (const [id, status] of [
        ['inv_leftqueued', 'queued'],
        ['inv_lefttracing', 'tracing'],
      ] as const) {
        writeFileSync(join(dir, `${id}.upload`), 'email\nresume@example.vn\n', { mode: 0o600 });
        await h.app.store.db
          .insertInto('leak_traces')
          .values({
            id,
            name: `${id}.csv`,
            bytes: 24,
            sha256: '0'.repeat(64),
            status,
            error: null,
            report: null,
            uploaded_by: 'staff:inv-1',
            uploaded_at: new Date().toISOString(),
            finished_at: null,
          })
          .execute();
      }
      assert.equal(await h.app.investigations.resume(), 2);
      for (const id of ['inv_leftqueued', 'inv_lefttracing']) {
        let inv = await h.app.investigations.get(id);
        for (let i = 0; i < 200 && inv.status !== 'done' && inv.status !== 'failed'; i++) {
          await new Promise((ok) => setTimeout(ok, 25));
          inv = await h.app.investigations.get(id);
        }
        assert.equal(inv.status, 'done', JSON.stringify(inv));
        assert.deepEqual(inv.report?.affected, [made[0]!.token]);
      }
    });
  });
}
