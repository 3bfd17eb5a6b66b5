// What an entry gives away, and to whom: a customer's access report names the role, never the
// person or an internal reference (finding 4), and the public hash tiles do not confirm a
// guessed entry (finding 7). Each entry's proof still verifies, by an independent RFC 9162
// verifier and by the dashboard's own browser verifier (here in test/, not beside src/audit,
// because it reads web/: the audit log's code never imports the dashboard).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DIALECTS, appOn } from './dialects.ts';
import { rfcLeafHash, rfcVerifyInclusion } from './rfc9162.ts';
import { verifyEntry } from '../web/src/verify.ts';
import fc from 'fast-check';
import { verifyLog } from '../src/audit/verify.ts';
import { encodeEntry, encodeEntryForms, publicEntry, SALT_BYTES } from '../src/audit/entry.ts';
import { parseVerifierKey } from '../src/audit/note.ts';

// Distinctive ids, so that any trace of them in the customer's bytes is found.
const AGENT = 'zq7731staffx';
const TICKET = 'TKT-ZX-99812-internal';
const SUBJECT = {
  name: 'Đỗ Thị Riêng',
  phone: '0906 444 555',
  email: 'rieng.privacy@example.vn',
  address: '9 Lê Lợi, Quận 1, TP. Hồ Chí Minh',
};

test("the writer's public form is the one read back from the stored form, for any record", () => {
  const value = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 3 }),
  );
  const key = fc.oneof(
    fc.constantFrom('explanation', 'staff', 'case', 'grant', 'field', 'purpose', 'role', '1', '42', 'device'),
    fc
      .string({ minLength: 1, maxLength: 8 })
      .filter((k) => !['v', 'i', 'at', 'kind', 'actor', 'subject', 'result', 'salt', 'nonce'].includes(k)),
  );
  fc.assert(
    fc.property(
      fc.nat(),
      fc.constantFrom('staff:u-1', 'device:dev_x', 'service:key_a', 'system'),
      fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
      fc.dictionary(key, value, { maxKeys: 6 }),
      fc.uint8Array({ minLength: SALT_BYTES, maxLength: SALT_BYTES }),
      (i, actor, subject, data, salt) => {
        const r = { kind: 'reveal', actor, subject, result: 'ok', data };
        const forms = encodeEntryForms(i, '2026-12-03T08:00:00.000Z', r, Buffer.from(salt));
        assert.ok(forms.body.equals(encodeEntry(i, '2026-12-03T08:00:00.000Z', r, Buffer.from(salt))));
        assert.ok(publicEntry(forms.body)!.equals(forms.pub));
        assert.equal(
          forms.pub.includes(Buffer.from(Buffer.from(salt).toString('base64url'))),
          false,
          'no salt in the public form',
        );
      },
    ),
    { numRuns: 300 },
  );
});

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

test('a version 1 entry (before salts) names the staff member: the report withholds its bytes and gives its leaf hash, which the proof proves', async () => {
  const { createReportService } = await import('../src/audit/report.service.ts');
  const { leafHash } = await import('../src/audit/merkle.ts');
  const { rfcRoot } = await import('./rfc9162.ts');
  // Two entries as the log wrote them before salts, and one of today's.
  const v1 = (i: number) =>
    Buffer.from(
      JSON.stringify({
        v: 1,
        i,
        at: '2026-01-01T00:00:00.000Z',
        kind: 'reveal',
        actor: `staff:${AGENT}`,
        subject: 'sub_legacy',
        result: 'ok',
        explanation: TICKET,
        field: 'phone',
        purpose: 'ticket_followup',
        role: 'support',
      }),
    );
  const v2 = encodeEntry(2, '2026-12-01T00:00:00.000Z', {
    kind: 'reveal',
    actor: `staff:${AGENT}`,
    subject: 'sub_legacy',
    result: 'ok',
    data: { explanation: TICKET, field: 'email', purpose: 'ticket_followup', role: 'support' },
  });
  const stored = [v1(0), v1(1), v2];
  const leaves = stored.map((b) => publicEntry(b)!);
  const root = rfcRoot(leaves);
  const rows = stored.map((body, idx) => ({
    idx,
    at: JSON.parse(body.toString()).at as string,
    kind: 'reveal',
    actor: `staff:${AGENT}`,
    subject: 'sub_legacy',
    result: 'ok',
    body,
    leaf: leafHash(leaves[idx]!),
  }));
  // The proof of a leaf in a tree of three: sibling hashes, as RFC 9162 orders them.
  const lh = leaves.map((l) => leafHash(l));
  const node = (a: Buffer, b: Buffer) => createHash('sha256').update(Buffer.of(1)).update(a).update(b).digest();
  const proofs = [[lh[1]!, lh[2]!], [lh[0]!, lh[2]!], [node(lh[0]!, lh[1]!)]];
  const { signerFromSeed, signNote, formatCheckpoint, verifierKeyOf } = await import('../src/audit/note.ts');
  const signer = signerFromSeed('cloak.local/audit', Buffer.alloc(32, 7));
  const note = signNote(formatCheckpoint({ origin: 'cloak.local/audit', size: 3n, rootHash: root, extensions: [] }), [
    signer,
  ]);
  const reports = createReportService({
    audit: {
      verifierKey: verifierKeyOf(signer),
      entriesOfSubject: async () => rows,
      latest: async () => ({ size: 3, root, note }),
      inclusion: async (index: number) => ({
        index,
        size: 3,
        entry: leaves[index]!,
        stored: stored[index]!,
        proof: proofs[index]!,
      }),
    },
    vault: { exists: async () => true },
    clock: { now: () => new Date() },
    key: Buffer.alloc(32),
    minutes: 5,
  });
  const report = await reports.report('sub_legacy');
  assert.equal(report.accesses.length, 3);
  const text = JSON.stringify(report);
  assert.equal(text.includes(AGENT), false);
  assert.equal(text.includes(TICKET), false);
  for (const a of report.accesses) {
    const leaf = a.entry ? leafHash(Buffer.from(a.entry, 'base64')) : Buffer.from(a.leaf!, 'base64');
    assert.equal(a.entry === undefined, a.index < 2, 'only the version 1 entries are withheld');
    assert.ok(
      rfcVerifyInclusion(
        a.index,
        3,
        leaf,
        a.proof.map((p) => Buffer.from(p, 'base64')),
        root,
      ),
      `proof of ${a.index}`,
    );
    // The browser verifier proves it too, from the entry or, withheld, from its leaf hash.
    const proof = a.proof.map((p) => Buffer.from(p, 'base64'));
    const v = await verifyEntry({
      ...(a.entry ? { entry: Buffer.from(a.entry, 'base64') } : { leaf: Buffer.from(a.leaf!, 'base64') }),
      index: a.index,
      size: 3,
      proof,
      note: report.checkpoint.note,
      vkey: report.verifierKey,
    });
    assert.equal(v.checkpoint.size, 3n);
  }
});
