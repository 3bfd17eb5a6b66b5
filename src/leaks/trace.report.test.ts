// A leak trace looks customers up by phone in bulk: each customer it matched sees it in their own
// access report (finding 9), with the role, purpose, time and investigation, never the staff id.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { DIALECTS, appOn } from '../../test/dialects.ts';
import { rfcLeafHash, rfcVerifyInclusion } from '../../test/rfc9162.ts';
import { createPeople } from '../lib/people.ts';

const TRACER = 'zq5150tracer';
const people = createPeople(9191);

for (const d of DIALECTS) {
  describe(`leak traces in the customers' access reports (${d.name})`, () => {
    const h = appOn(d.fresh);

    test('a customer matched by a trace sees it in their report: role, purpose, time, investigation, no staff id; a customer not in the file sees nothing', async () => {
      const app = h.app;
      await app.staff.create({ id: TRACER, role: 'investigator', team: 'soc' }, 'system');
      const P = Array.from({ length: 6 }, (_, i) => people.person(i));
      const subjects = await app.vault.createSubjects(
        P.map((p, i) => ({
          kind: 'customer',
          externalId: `tr-${i}`,
          fields: { name: p.name, phone: p.phone, email: p.email },
        })),
      );
      // The leaked file holds the first four customers' phones (and e-mails for two).
      const csv =
        ['name,phone,email', ...P.slice(0, 4).map((p, i) => `${p.name},${p.phone},${i < 2 ? p.email : ''}`)].join(
          '\n',
        ) + '\n';
      const inv = await app.investigations.receive(Readable.from([Buffer.from(csv)]), {
        name: 'dump.csv',
        actor: `staff:${TRACER}`,
      });
      for (let i = 0; (await app.investigations.get(inv.id)).status !== 'done'; i++) {
        assert.ok(i < 600, JSON.stringify(await app.investigations.get(inv.id)));
        await sleep(50);
      }
      for (const [i, s] of subjects.entries()) {
        const report = await app.reports.report(s.token);
        const traces = report.accesses.filter((a) => a.purpose === 'leak_investigation');
        if (i >= 4) {
          assert.deepEqual(traces, [], 'a customer not in the file');
          continue;
        }
        assert.equal(traces.length, 1, JSON.stringify(report));
        const t = traces[0]!;
        assert.equal(t.role, 'investigator');
        assert.equal(t.field, 'phone');
        assert.equal(t.result, 'matched');
        assert.ok(Math.abs(Date.parse(t.at) - Date.now()) < 120_000);
        const entry = Buffer.from(t.entry!, 'base64');
        const e = JSON.parse(entry.toString()) as Record<string, unknown>;
        assert.equal(e.kind, 'trace');
        assert.equal(e.subject, s.token);
        assert.equal(e.investigation, inv.id);
        const everything = JSON.stringify(report) + entry.toString();
        assert.equal(everything.includes(TRACER), false, 'the staff id is not in the report');
        for (const o of subjects)
          if (o.token !== s.token)
            assert.equal(everything.includes(o.token), false, "another customer's token is not in the report");
        assert.ok(
          rfcVerifyInclusion(
            t.index,
            report.checkpoint.size,
            rfcLeafHash(entry),
            t.proof.map((p) => Buffer.from(p, 'base64')),
            Buffer.from(report.checkpoint.root, 'base64'),
          ),
        );
      }
    });
  });
}
