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
    const created = await fetch(`${s.url}/v1/subjects`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ externalId: 'erase-1', fields: { name, phone } }),
    });
    assert.equal(created.status, 201);
    const { token } = (await created.json()) as { token: string };
    const erased = await fetch(`${s.url}/v1/subjects/${token}`, {
      method: 'DELETE',
      headers: { authorization: auth.authorization },
    });
    assert.equal(erased.status, 200);
    const { erasedAt } = (await erased.json()) as { erasedAt: string };
    assert.equal(
      (await fetch(`${s.url}/v1/subjects/${token}`, { headers: { authorization: auth.authorization } })).status,
      404,
    );

    const found = await fetch(`${s.url}/v1/audit/search?subject=${token}&kind=erase`, {
      headers: { authorization: auth.authorization },
    });
    assert.equal(found.status, 200);
    const { entries } = (await found.json()) as {
      entries: { kind: string; actor: string; subject: string; result: string; entry: string; stored: string }[];
    };
    assert.equal(entries.length, 1, 'one erase entry for the token');
    const [e] = entries;
    assert.equal(e!.kind, 'erase');
    assert.equal(e!.subject, token);
    assert.equal(e!.result, 'ok');
    assert.match(e!.actor, /^service:/);
    const stored = Buffer.from(e!.stored, 'base64').toString('utf8');
    assert.ok(stored.includes(erasedAt), 'the entry says when');
    for (const form of [stored, Buffer.from(e!.entry, 'base64').toString('utf8')]) {
      assert.ok(
        !form.includes('Trịnh') && !form.includes('765 431') && !form.includes('765431'),
        'no erased value in the entry',
      );
    }
  });

  test('an erased token answers exactly as one that never existed: same status, code, message and details, on read and on reveal', async () => {
    const auth = { authorization: `Bearer ${s.admin}`, 'content-type': 'application/json' };
    const staff = await fetch(`${s.url}/v1/staff`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ id: 'erase-agent', role: 'support', team: 'vn-south' }),
    });
    assert.equal(staff.status, 201);
    const agent = {
      authorization: `Bearer ${((await staff.json()) as { token: string }).token}`,
      'content-type': 'application/json',
    };
    const created = await fetch(`${s.url}/v1/subjects`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ externalId: 'erase-2', fields: { name: 'Đỗ Văn Xoá', phone: '0912 765 432' } }),
    });
    const { token: erased } = (await created.json()) as { token: string };
    assert.equal(
      (
        await fetch(`${s.url}/v1/subjects/${erased}`, {
          method: 'DELETE',
          headers: { authorization: auth.authorization },
        })
      ).status,
      200,
    );
    const unknown = `sub_${'k'.repeat(26)}`;
    const answer = async (token: string, read: () => Promise<Response>) => {
      const r = await read();
      const { error } = (await r.json()) as { error: { requestId?: string } };
      delete error.requestId;
      return { status: r.status, error };
    };
    const reads = {
      read: (t: string) => () => fetch(`${s.url}/v1/subjects/${t}`, { headers: { authorization: auth.authorization } }),
      reveal: (t: string) => () =>
        fetch(`${s.url}/v1/reveal`, {
          method: 'POST',
          headers: agent,
          body: JSON.stringify({
            subject: t,
            field: 'phone',
            purpose: 'fraud_check',
            breakGlass: { justification: 'the caller says they are this customer' },
          }),
        }),
    };
    for (const [what, read] of Object.entries(reads)) {
      const a = await answer(unknown, read(unknown));
      const b = await answer(erased, read(erased));
      assert.equal(a.status, 404, `${what}: ${JSON.stringify(a)}`);
      assert.deepEqual(b, a, `${what}: the erased token answers as an unknown one`);
    }
  });
});
