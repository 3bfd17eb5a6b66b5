import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { serverOn } from '../test/dialects.ts';
import { rfcLeafHash, rfcVerifyInclusion } from '../test/rfc9162.ts';
import { openNote, parseCheckpoint, parseVerifierKey } from '../src/audit/note.ts';
import { decodeEntry } from '../src/audit/entry.ts';
import type { CloakEvent } from '../src/bus/events.ts';
import { createInProcessBus } from '../src/bus/bus.ts';

/**
 * The corrupt employee: a support agent looks up the reviewers of one seller's
 * negative reviews, a moderator deletes them, a seller wants their e-mails, and the agent
 * exports sales data. Everything goes through the HTTP API; what each of them gets, what the
 * audit log holds and what the reviewer's access report shows are checked.
 */
const REVIEWER = { name: 'Lưu Reviewerson Quang', phone: '0913 246 801', email: 'reviewer.canary77@example.vn' };
const CUSTOMER = { name: 'Đặng Customerine Mai', phone: '0987 654 321', email: 'customer.canary55@example.vn' };
const CLEAR = [
  REVIEWER.email,
  REVIEWER.name,
  '913246801',
  CUSTOMER.email,
  CUSTOMER.name,
  '987654321',
  'Reviewerson',
  'Customerine',
  'canary77',
  'canary55',
];

describe('story B: the corrupt employee', () => {
  const events: CloakEvent[] = [];
  const logLines: string[] = [];
  const bus = createInProcessBus();
  bus.subscribe((e) => void events.push(e));
  const s = serverOn(
    { CLOAK_LOG_LEVEL: 'debug', CLOAK_REVEAL_QUOTAS: 'support=4,*=10' },
    { bus, logDestination: { write: (l: string) => void logLines.push(l) } },
  );

  async function call(method: string, path: string, token: string, body?: unknown) {
    const res = await fetch(`${s.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json };
  }

  test('an agent without a ticket is refused; break-glass shows and flags; moderators and sellers never see identities; all of it is in the log', async () => {
    const admin = s.admin;
    const staff: Record<string, string> = {};
    for (const [id, role] of [
      ['u-agent', 'support'],
      ['u-mod', 'moderator'],
      ['s-1', 'seller'],
      ['u-boss', 'supervisor'],
      ['u-ana', 'analyst'],
    ] as const) {
      const r = await call('POST', '/v1/staff', admin, { id, role, team: 'vn-south' });
      assert.equal(r.status, 201, r.text);
      staff[id] = r.json.token;
    }
    const reviewer = (
      await call('POST', '/v1/subjects', admin, { kind: 'reviewer', externalId: 'rv-1', fields: REVIEWER })
    ).json.token as string;
    const customer = (
      await call('POST', '/v1/subjects', admin, { kind: 'customer', externalId: 'cu-1', fields: CUSTOMER })
    ).json.token as string;
    assert.equal(
      (await call('POST', '/v1/reviews', admin, { id: 'rev-1', reviewer, seller: 's-1', rating: 1, product: 'p-9' }))
        .status,
      201,
    );

    // 1. The agent, without a ticket, asks for the reviewer's e-mail: refused, and says why.
    let r = await call('POST', '/v1/reveal', staff['u-agent']!, {
      subject: reviewer,
      field: 'email',
      purpose: 'ticket_followup',
    });
    assert.equal(r.status, 403, r.text);
    assert.match(r.json.error.message, /no policy allows a support to see this reviewer's email/);
    // Naming someone else's ticket does not help either.
    await call('POST', '/v1/explanations', admin, { kind: 'ticket', id: 'T-boss', staff: 'u-boss', subject: reviewer });
    r = await call('POST', '/v1/reveal', staff['u-agent']!, {
      subject: reviewer,
      field: 'email',
      purpose: 'ticket_followup',
      explanation: 'T-boss',
    });
    assert.equal(r.status, 403);

    // 2. Break-glass: shown, flagged, listed until a reviewer (not the agent) signs it off.
    r = await call('POST', '/v1/reveal', staff['u-agent']!, {
      subject: reviewer,
      field: 'email',
      purpose: 'fraud_check',
      breakGlass: { justification: 'customer reports account takeover, needs callback now' },
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.value, REVIEWER.email);
    assert.equal(r.json.result, 'break_glass');
    assert.deepEqual(r.json.policies, ['break-glass']);
    const bgIndex = r.json.auditIndex as number;
    let list = await call('GET', '/v1/break-glass', staff['u-boss']!);
    assert.deepEqual(
      list.json.breakGlass.map((b: { auditIndex: number }) => b.auditIndex),
      [bgIndex],
    );
    assert.equal(
      (await call('GET', '/v1/break-glass', staff['u-agent']!)).status,
      403,
      'agents do not review break-glass',
    );
    assert.equal(
      (
        await call('POST', `/v1/break-glass/${bgIndex}/sign-off`, staff['u-boss']!, {
          note: 'checked with the fraud team: legitimate',
        })
      ).status,
      200,
    );
    list = await call('GET', '/v1/break-glass', staff['u-boss']!);
    assert.deepEqual(list.json.breakGlass, []);

    // With an open ticket for the customer, the agent sees the phone; once closed, no more.
    assert.equal(
      (
        await call('POST', '/v1/explanations', admin, {
          kind: 'ticket',
          id: 'T-1',
          staff: 'u-agent',
          subject: customer,
        })
      ).status,
      201,
    );
    r = await call('POST', '/v1/reveal', staff['u-agent']!, {
      subject: customer,
      field: 'phone',
      purpose: 'ticket_followup',
      explanation: 'T-1',
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual([r.json.result, r.json.policies], ['ok', ['support-open-ticket']]);
    r = await call('POST', '/v1/reveal', staff['u-agent']!, {
      subject: customer,
      field: 'address',
      purpose: 'ticket_followup',
      explanation: 'T-1',
    });
    assert.equal(r.status, 403, 'a ticket covers phone and e-mail, not the address');
    assert.equal((await call('POST', '/v1/explanations/T-1/close', admin)).status, 200);
    r = await call('POST', '/v1/reveal', staff['u-agent']!, {
      subject: customer,
      field: 'phone',
      purpose: 'ticket_followup',
      explanation: 'T-1',
    });
    assert.equal(r.status, 403);

    // 3. The moderator: the review without its author, and no field of any reviewer, not even
    // with a moderation case and break-glass.
    const review = await call('GET', '/v1/reviews/rev-1', staff['u-mod']!);
    assert.equal(review.status, 200);
    assert.equal(review.json.reviewer, undefined);
    assert.equal(review.text.includes(reviewer), false);
    await call('POST', '/v1/explanations', admin, { kind: 'moderation', id: 'M-1', staff: 'u-mod', subject: reviewer });
    for (const field of ['name', 'email', 'phone']) {
      r = await call('POST', '/v1/reveal', staff['u-mod']!, {
        subject: reviewer,
        field,
        purpose: 'moderation',
        explanation: 'M-1',
        breakGlass: { justification: 'I need to know who wrote this review' },
      });
      assert.equal(r.status, 403);
      assert.deepEqual(r.json.error.details, [{ path: '/policy', problem: 'moderators-never-see-reviewers' }]);
    }
    assert.equal(
      (await call('POST', '/v1/reviews/rev-1/moderation', staff['u-mod']!, { action: 'delete', reason: 'off_topic' }))
        .status,
      200,
    );
    assert.equal(
      (await call('POST', '/v1/reviews/rev-1/moderation', staff['u-agent']!, { action: 'restore' })).status,
      403,
      'agents do not moderate',
    );

    // 4. The seller never receives an e-mail or a phone, nor who wrote the review.
    for (const field of ['email', 'phone']) {
      r = await call('POST', '/v1/reveal', staff['s-1']!, { subject: reviewer, field, purpose: 'contact_reviewer' });
      assert.equal(r.status, 403);
      assert.deepEqual(r.json.error.details, [{ path: '/policy', problem: 'sellers-relay-only' }]);
    }
    const sellerView = await call('GET', '/v1/reviews/rev-1', staff['s-1']!);
    assert.equal(sellerView.json.reviewer, undefined);

    // The analyst needs break-glass.
    assert.equal(
      (await call('POST', '/v1/reveal', staff['u-ana']!, { subject: customer, field: 'email', purpose: 'fraud_check' }))
        .status,
      403,
    );

    // Quotas: the agent has had 2 reveals this hour; 2 more, then refused.
    await call('POST', '/v1/explanations', admin, { kind: 'ticket', id: 'T-2', staff: 'u-agent', subject: customer });
    for (let i = 0; i < 2; i++)
      assert.equal(
        (
          await call('POST', '/v1/reveal', staff['u-agent']!, {
            subject: customer,
            field: 'email',
            purpose: 'ticket_followup',
            explanation: 'T-2',
          })
        ).status,
        200,
      );
    r = await call('POST', '/v1/reveal', staff['u-agent']!, {
      subject: customer,
      field: 'email',
      purpose: 'ticket_followup',
      explanation: 'T-2',
    });
    assert.equal(r.status, 429, r.text);

    // 5. The agent exports sales data: needs a second person, who cannot be the agent.
    const exp = await call('POST', '/v1/exports', staff['u-agent']!, {
      dataset: 'sales',
      recipient: 'finance-team',
      purpose: 'monthly_report',
    });
    assert.equal(exp.status, 201, exp.text);
    assert.equal((await call('POST', `/v1/exports/${exp.json.id}/approve`, staff['u-agent']!)).status, 403);
    const early = await call('GET', `/v1/exports/${exp.json.id}/file`, staff['u-agent']!);
    assert.deepEqual([early.status, early.json.error.code], [409, 'conflict'], 'not written before approval');
    const approved = await call('POST', `/v1/exports/${exp.json.id}/approve`, staff['u-boss']!);
    assert.equal(approved.status, 200, approved.text);
    assert.equal(approved.json.status, 'written');
    const file = await call('GET', `/v1/exports/${exp.json.id}/file`, staff['u-agent']!);
    assert.equal(file.status, 200);
    assert.match(file.text, /^tracking,recipient,sender,origin,destination,status,created_at\n/);
    assert.equal(
      (await call('GET', `/v1/exports/${exp.json.id}/file`, staff['u-boss']!)).status,
      404,
      'only the requester downloads',
    );
    // A customer export in clear is not for an agent.
    assert.equal(
      (
        await call('POST', '/v1/exports', staff['u-agent']!, {
          dataset: 'customers',
          clear: ['email'],
          fields: ['email'],
          recipient: 'x',
          purpose: 'monthly_report',
        })
      ).status,
      403,
    );

    // Everything above is in the audit log, with no personal data in clear.
    const entries = (await s.app.auditRepo.entries(0, Number.MAX_SAFE_INTEGER)).map((e) => decodeEntry(e.body)!);
    const reveals = entries.filter((e) => e.kind === 'reveal');
    const tally = (actor: string) =>
      reveals.filter((e) => e.actor === actor).map((e) => `${e.field}:${String(e.result)}`);
    assert.deepEqual(tally('staff:u-agent'), [
      'email:denied',
      'email:denied',
      'email:break_glass',
      'phone:ok',
      'address:denied',
      'phone:denied',
      'email:ok',
      'email:ok',
      'email:denied',
    ]);
    assert.deepEqual(tally('staff:u-mod'), ['name:denied', 'email:denied', 'phone:denied']);
    assert.deepEqual(tally('seller:s-1'), ['email:denied', 'phone:denied']);
    assert.deepEqual(tally('staff:u-ana'), ['email:denied']);
    assert.equal(reveals.find((e) => e.result === 'break_glass')!.subject, reviewer);
    assert.ok(
      entries.some(
        (e) => e.kind === 'moderation' && e.actor === 'staff:u-mod' && e.result === 'delete' && e.review === 'rev-1',
      ),
    );
    assert.ok(entries.some((e) => e.kind === 'break_glass_review' && e.reveal === bgIndex));
    assert.deepEqual(
      entries.filter((e) => e.kind === 'export').map((e) => e.result),
      ['requested', 'written', 'downloaded', 'denied'],
    );
    assert.equal(entries.find((e) => e.kind === 'export' && e.result === 'written')!.recipient, 'finance-team');
    const everything = [JSON.stringify(entries), logLines.join('\n')].join('\n');
    assert.deepEqual(
      CLEAR.filter((c) => everything.includes(c)),
      [],
      'no personal data in the audit log or the logs',
    );
    assert.equal(
      everything.includes('account takeover'),
      false,
      'the break-glass justification is in the log only as a keyed hash',
    );

    // And on the bus, in the contract's shapes.
    const revealEvents = events.filter((e) => e.type === 'reveal');
    assert.deepEqual(
      revealEvents.map((e) => e.type === 'reveal' && e.result),
      reveals.map((e) => (e.result === 'break_glass' ? 'break_glass' : e.result === 'ok' ? 'ok' : 'denied')),
    );
    assert.ok(
      events.some(
        (e) => e.type === 'moderation' && e.actor === 'staff:u-mod' && e.action === 'delete' && e.review === 'rev-1',
      ),
    );
    assert.ok(
      events.some(
        (e) =>
          e.type === 'ticket' &&
          e.id === 'T-1' &&
          e.status === 'closed' &&
          e.assignee === 'u-agent' &&
          e.customer === customer,
      ),
    );
    assert.ok(
      events.some(
        (e) =>
          e.type === 'export' && e.actor === 'staff:u-agent' && e.dataset === 'sales' && e.recipient === 'finance-team',
      ),
    );
    assert.ok(events.some((e) => e.type === 'review' && e.seller === 's-1' && e.rating === 1));
    assert.ok(events.some((e) => e.type === 'staff' && e.id === 's-1' && e.role === 'seller'));

    // 6. The reviewer's own access report: exactly the break-glass reveal, and the refusals, each provable.
    const ct = await call('POST', `/v1/subjects/${reviewer}/report-tokens`, admin);
    assert.equal(ct.status, 201);
    const rep = await call('GET', `/v1/subjects/${reviewer}/access-report`, ct.json.token);
    assert.equal(rep.status, 200, rep.text);
    assert.deepEqual(
      rep.json.accesses.map((a: { role: string; field: string; purpose: string; result: string }) => [
        a.role,
        a.field,
        a.purpose,
        a.result,
      ]),
      [['support', 'email', 'fraud_check', 'break_glass']],
    );
    assert.equal(rep.json.refused.length, 2 + 3 + 2);
    assert.deepEqual(
      Object.keys(rep.json.accesses[0]).sort(),
      ['at', 'entry', 'field', 'index', 'proof', 'purpose', 'result', 'role'],
      'the role is listed, not the employee',
    );
    const key = (await (await fetch(`${s.url}/log/key`)).text()).trim();
    const cp = parseCheckpoint(openNote(rep.json.checkpoint.note, [parseVerifierKey(key)]).text);
    for (const a of [...rep.json.accesses, ...rep.json.refused]) {
      const entry = Buffer.from(a.entry, 'base64');
      assert.equal(decodeEntry(entry)!.subject, reviewer);
      assert.ok(
        rfcVerifyInclusion(
          a.index,
          Number(cp.size),
          rfcLeafHash(entry),
          a.proof.map((p: string) => Buffer.from(p, 'base64')),
          cp.rootHash,
        ),
        `proof of ${a.index}`,
      );
    }
    // The customer token opens this report only.
    assert.equal((await call('GET', `/v1/subjects/${customer}/access-report`, ct.json.token)).status, 404);
    assert.equal((await call('GET', `/v1/subjects/${reviewer}/access-report`, admin)).status, 401);
  });
});
