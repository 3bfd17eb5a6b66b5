import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { serverOn } from '../test/dialects.ts';

/**
 * Erasing a customer is itself on the record: `DELETE /v1/subjects/:token` appends an `erase`
 * entry (who, which token, when) to the tamper-evident log, holding nothing of the data it
 * destroyed, and the subject reads as gone afterwards.
 */
describe('an erasure is in the audit log', () => {
  const s = serverOn();

  test('DELETE /v1/subjects/:token logs who erased which token, with none of the erased values, and the data is gone', async () => {
    const auth = { authorization: `Bearer ${s.admin}`, 'content-type': 'application/json' };
    const name = 'Trịnh Canary Xoá';
    const phone = '0912 765 431';
    const created = await fetch(`${s.url}/v1/subjects`, { method: 'POST', headers: auth, body: JSON.stringify({ externalId: 'erase-1', fields: { name, phone } }) });
    assert.equal(created.status, 201);
    const { token } = (await created.json()) as { token: string };
    const erased = await fetch(`${s.url}/v1/subjects/${token}`, { method: 'DELETE', headers: { authorization: auth.authorization } });
    assert.equal(erased.status, 200);
    const { erasedAt } = (await erased.json()) as { erasedAt: string };
    assert.equal((await fetch(`${s.url}/v1/subjects/${token}`, { headers: { authorization: auth.authorization } })).status, 404);

    const found = await fetch(`${s.url}/v1/audit/search?subject=${token}&kind=erase`, { headers: { authorization: auth.authorization } });
    assert.equal(found.status, 200);
    const { entries } = (await found.json()) as { entries: { kind: string; actor: string; subject: string; result: string; entry: string; stored: string }[] };
    assert.equal(entries.length, 1, 'one erase entry for the token');
    const [e] = entries;
    assert.equal(e!.kind, 'erase');
    assert.equal(e!.subject, token);
    assert.equal(e!.result, 'ok');
    assert.match(e!.actor, /^service:/);
    const stored = Buffer.from(e!.stored, 'base64').toString('utf8');
    assert.ok(stored.includes(erasedAt), 'the entry says when');
    for (const form of [stored, Buffer.from(e!.entry, 'base64').toString('utf8')]) {
      assert.ok(!form.includes('Trịnh') && !form.includes('765 431') && !form.includes('765431'), 'no erased value in the entry');
    }
  });
});
