// ADAPTED COPY for 559925b: the property test of encodeEntryForms/publicEntry and the version-1 report test
// (both about modules the fix added) removed; the two tests of findings 4 and 7 unchanged.
// What an entry gives away, and to whom: a customer's access report names the role, never the
// person or an internal reference (finding 4), and the public hash tiles do not confirm a
// guessed entry (finding 7). Each entry's proof still verifies, by an independent RFC 9162
// verifier and by the dashboard's own browser verifier.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DIALECTS, appOn } from '../../test/dialects.ts';
import { rfcLeafHash, rfcVerifyInclusion } from '../../test/rfc9162.ts';
import { verifyEntry } from '../../web/src/verify.ts';
import { verifyLog } from './verify.ts';
import { parseVerifierKey } from './note.ts';

// Distinctive ids, so that any trace of them in the customer's bytes is found.
const AGENT = 'zq7731staffx';
const TICKET = 'TKT-ZX-99812-internal';
const SUBJECT = {
  name: 'Đỗ Thị Riêng',
  phone: '0906 444 555',
  email: 'rieng.privacy@example.vn',
  address: '9 Lê Lợi, Quận 1, TP. Hồ Chí Minh',
};

for (const d of DIALECTS) {
  describe(`what audit entries give away (${d.name})`, () => {
    const h = appOn(d.fresh);

    test("a customer's access report holds no staff id and no ticket id anywhere, and each entry's proof verifies (server-side and browser verifier)", async () => {
      const app = h.app;
      const m = await app.staff.create({ id: AGENT, role: 'support', team: 'support' }, 'system');
      const agent = await app.staff.authenticate(m.token);
      const [c] = await app.vault.createSubjects([{ kind: 'customer', externalId: 'priv-1', fields: SUBJECT }]);
      const subject = c!.token;
      await app.explanations.open({ kind: 'ticket', id: TICKET, staff: AGENT, subject }, 'service:key_platform');
      const ok = await app.reveals.reveal(agent, {
        subject,
        field: 'phone',
        purpose: 'ticket_followup',
        explanation: TICKET,
      });
      assert.equal(ok.result, 'ok');
      // And one refused (no explanation), which the report lists too.
      await app.reveals.reveal(agent, { subject, field: 'address', purpose: 'ticket_followup' }).catch(() => undefined);
      const report = await app.reports.report(subject);
      assert.equal(report.accesses.length + report.refused.length, 2, JSON.stringify(report));
      assert.deepEqual(
        [...report.accesses, ...report.refused].map((a) => a.role),
        ['support', 'support'],
      );
      // Every byte the customer gets: the JSON and each entry decoded from base64.
      const everything = [
        JSON.stringify(report),
        ...[...report.accesses, ...report.refused].map((a) => Buffer.from(a.entry ?? '', 'base64').toString('utf8')),
      ].join('\n');
      for (const secret of [AGENT, TICKET]) {
        assert.equal(everything.includes(secret), false, `the customer's report holds ${secret}`);
        assert.equal(everything.includes(Buffer.from(secret).toString('base64')), false);
      }
      const key = parseVerifierKey(report.verifierKey);
      const cpRoot = Buffer.from(report.checkpoint.root, 'base64');
      for (const a of [...report.accesses, ...report.refused]) {
        const entry = Buffer.from(a.entry!, 'base64');
        const proof = a.proof.map((p) => Buffer.from(p, 'base64'));
        assert.ok(
          rfcVerifyInclusion(a.index, report.checkpoint.size, rfcLeafHash(entry), proof, cpRoot),
          `proof of ${a.index}`,
        );
        const v = await verifyEntry({
          entry,
          index: a.index,
          size: report.checkpoint.size,
          proof,
          note: report.checkpoint.note,
          vkey: app.audit.verifierKey,
        });
        assert.equal(v.checkpoint.size, BigInt(report.checkpoint.size));
        assert.equal(JSON.parse(entry.toString()).role, 'support');
      }
      assert.ok(key);
      // Staff with the stored form can open the commitments: salt + id give the committed value.
      const p = await app.audit.inclusion(report.accesses[0]!.index, report.checkpoint.size);
      const stored = JSON.parse(p.stored.toString()) as Record<string, string>;
      const pub = JSON.parse(p.entry.toString()) as Record<string, string>;
      assert.equal(stored.actor, `staff:${AGENT}`);
      assert.equal(stored.explanation, TICKET);
      const salt = Buffer.from(stored.salt!, 'base64url');
      const open = (k: string, v: string) =>
        createHash('sha256').update(salt).update(`${k}\u0000${v}`).digest('base64url');
      assert.equal(pub.actor, `staff:#${open('actor', stored.actor)}`);
      assert.equal(pub.explanation, `#${open('explanation', TICKET)}`);
      assert.equal('salt' in pub, false, 'the salt that opens the commitments is not in the public bytes');
      // The log still verifies as a whole.
      const r = await verifyLog(app.auditRepo, key);
      assert.deepEqual(r.problems, []);
    });

    test('a public hash tile does not confirm a guess of every field of an entry without its salt', async () => {
      const app = h.app;
      // A staff creation, the entry the review confirmed offline in 14.5k guesses.
      const made = await app.staff.create({ id: 'guessme-1', role: 'analyst', team: 'soc' }, 'staff:u-admin');
      assert.ok(made.token);
      const cp = await app.audit.latest();
      const rows = await app.auditRepo.entries(0, cp.size);
      const row = rows.find((r) => r.kind === 'staff' && r.body.includes('guessme-1'))!;
      const tile = (await app.audit.tile(
        0,
        Math.floor(row.idx / 256),
        Math.min(256, cp.size - Math.floor(row.idx / 256) * 256),
      ))!;
      const leafOf = (i: number) => tile.subarray((i % 256) * 32, (i % 256) * 32 + 32);
      // The attacker knows every other field exactly: index, time, kind, actor, result, data.
      const e = JSON.parse(row.body.toString()) as Record<string, unknown>;
      const fields = Object.fromEntries(Object.entries(e).filter(([k]) => k !== 'salt' && k !== 'nonce' && k !== 'v'));
      const h0 = (b: Buffer) => createHash('sha256').update(Buffer.of(0)).update(b).digest();
      const guesses = [
        { v: 1, ...fields },
        { v: 2, ...fields },
        { ...fields },
        { v: 2, ...fields, nonce: Buffer.alloc(16).toString('base64url') },
      ].map((g) => Buffer.from(JSON.stringify(g)));
      for (const g of guesses)
        assert.equal(h0(g).equals(leafOf(row.idx)), false, `the tile confirms the guess ${g.toString()}`);
      // With the entry's bytes (served only to audit keys and the customer concerned) it matches.
      const p = await app.audit.inclusion(row.idx, cp.size);
      assert.ok(h0(p.entry).equals(leafOf(row.idx)));
      const nonce = JSON.parse(p.entry.toString()).nonce as string;
      assert.ok(Buffer.from(nonce, 'base64url').length >= 16, 'a salt of at least 128 bits in the bytes');
      // Two entries of the same record get different salts.
      const [a, b] = await app.audit.append([
        { kind: 'staff', actor: 'system', result: 'created', data: { staff: 'x' } },
        { kind: 'staff', actor: 'system', result: 'created', data: { staff: 'x' } },
      ]);
      assert.notEqual(JSON.parse(a!.body.toString()).salt, JSON.parse(b!.body.toString()).salt);
    });
  });
}
