import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clearReaderOf, countingClearReader } from '../../test/clear.ts';
import { DIALECTS, appOn } from '../../test/dialects.ts';
import { Conflict, Forbidden, InvalidInput, NotFound, RateLimited } from '../lib/errors.ts';
import { createAccessRepo } from './access.repo.ts';
import { createRevealService } from './reveal.service.ts';
import type { StaffPrincipal } from './staff.service.ts';
import { decodeEntry } from '../audit/entry.ts';
import { createRateBudgets } from '../store/budgets.ts';
import { tablesOf } from '../store/db.ts';

const SUBJECT = {
  name: 'Phạm Thị Grantee',
  phone: '0905 111 222',
  email: 'grantee.canary@example.vn',
  address: '5 Trần Phú, Phường 1, Quận 5, TP. Hồ Chí Minh',
};

for (const d of DIALECTS) {
  describe(`reveals, grants and break-glass on ${d.name}`, () => {
    let offset = 0;
    const clock = { now: () => new Date(Date.now() + offset) };
    const h = appOn(d.fresh, undefined, { clock });
    const people: Record<string, StaffPrincipal> = {};
    let token = '';

    test('setup', async () => {
      const app = h.app;
      for (const [id, role] of [
        ['a-1', 'support'],
        ['a-2', 'support'],
        ['b-1', 'supervisor'],
        ['c-1', 'courier'],
        ['e-1', 'engineer'],
      ] as const) {
        const m = await app.staff.create({ id, role }, 'system');
        people[id] = await app.staff.authenticate(m.token);
      }
      const [c] = await app.vault.createSubjects([{ kind: 'customer', externalId: 'g-1', fields: SUBJECT }]);
      token = c!.token;
      await assert.rejects(
        app.staff.authenticate('cst.a-1.' + 'x'.repeat(43)),
        /missing, malformed, unknown or disabled/,
      );
    });

    test('a just-in-time grant: asked by one, approved by another, for its fields and purpose, until it expires', async () => {
      const app = h.app;
      const ask = (who: StaffPrincipal, field = 'address', purpose = 'fraud_check') =>
        app.reveals.reveal(who, { subject: token, field, purpose });
      await assert.rejects(ask(people['e-1']!), Forbidden);
      const g = await app.reveals.requestGrant(people['e-1']!, {
        subject: token,
        fields: ['address'],
        purpose: 'fraud_check',
        minutes: 30,
        reason: 'parcel fraud ring investigation #42',
      });
      assert.equal(g.status, 'pending');
      await assert.rejects(ask(people['e-1']!), Forbidden, 'pending is not approved');
      await assert.rejects(app.reveals.decideGrant(people['e-1']!, g.id, true), /decided by admin or supervisor/);
      await assert.rejects(
        app.reveals.decideGrant(people['a-1']!, g.id, true),
        Forbidden,
        'a support agent does not approve',
      );
      const approved = await app.reveals.decideGrant(people['b-1']!, g.id, true);
      assert.equal(approved.status, 'approved');
      await assert.rejects(
        app.reveals.decideGrant(people['b-1']!, g.id, false),
        (e: unknown) => e instanceof Conflict && /already approved/.test(e.message),
      );
      const r = await ask(people['e-1']!);
      assert.deepEqual([r.value, r.result, r.policies], [SUBJECT.address, 'ok', ['jit-grant']]);
      await assert.rejects(ask(people['e-1']!, 'phone'), Forbidden, 'only the granted fields');
      await assert.rejects(ask(people['e-1']!, 'address', 'marketing'), Forbidden, 'only for the granted purpose');
      await assert.rejects(ask(people['a-2']!), Forbidden, 'only its requester');
      // The supervisor approving a grant for themselves is refused.
      const own = await app.reveals.requestGrant(people['b-1']!, {
        subject: token,
        fields: ['phone'],
        purpose: 'fraud_check',
        minutes: 5,
        reason: 'checking my own approval',
      });
      await assert.rejects(app.reveals.decideGrant(people['b-1']!, own.id, true), /second person/);
      offset += 31 * 60_000;
      await assert.rejects(ask(people['e-1']!), Forbidden, 'expired');
      offset = 0;
    });

    test('bad requests say what is wrong and change nothing; unknown tokens are NotFound', async () => {
      const app = h.app;
      const before = (await app.audit.head()).size;
      await assert.rejects(
        app.reveals.reveal(people['a-1']!, { subject: token, field: 'Email!', purpose: 'Why Not' }),
        (e: unknown) => e instanceof InvalidInput && e.details.map((x) => x.path).join() === '/field,/purpose',
      );
      await assert.rejects(
        app.reveals.reveal(people['a-1']!, {
          subject: token,
          field: 'email',
          purpose: 'fraud_check',
          breakGlass: { justification: 'short' },
        }),
        (e: unknown) => e instanceof InvalidInput && e.details[0]!.path === '/breakGlass/justification',
      );
      await assert.rejects(
        app.reveals.reveal(people['a-1']!, {
          subject: 'sub_aaaaaaaaaaaaaaaaaaaaaaaaaa',
          field: 'email',
          purpose: 'fraud_check',
        }),
        NotFound,
      );
      assert.equal((await app.audit.head()).size, before);
    });

    test('the value leaves the vault only after its reveal is committed to the log', async () => {
      const app = h.app;
      const { reader, calls } = countingClearReader(app);
      const failing = createRevealService({
        repo: createAccessRepo(tablesOf(app.store.db)),
        vault: app.vault,
        clear: reader,
        policy: app.policy,
        audit: { append: async () => Promise.reject(new Error('disk full')) },
        explanations: app.explanations,
        bus: app.bus,
        clock,
        quota: () => 100,
        justificationKey: Buffer.alloc(32),
        budgets: createRateBudgets(tablesOf(app.store.db), clock),
      });
      await assert.rejects(
        failing.reveal(people['a-1']!, {
          subject: token,
          field: 'email',
          purpose: 'fraud_check',
          breakGlass: { justification: 'the log is down, this must not show anything' },
        }),
        /disk full/,
      );
      assert.equal(calls(), 0);
    });

    test('quotas count a role’s reveals in the last hour, and the refusal is logged', async () => {
      const app = h.app;
      const tight = createRevealService({
        repo: createAccessRepo(tablesOf(app.store.db)),
        vault: app.vault,
        clear: clearReaderOf(app),
        policy: app.policy,
        audit: app.audit,
        explanations: app.explanations,
        bus: app.bus,
        clock,
        quota: (role) => (role === 'support' ? 2 : 0),
        justificationKey: Buffer.alloc(32),
        budgets: createRateBudgets(tablesOf(app.store.db), clock),
      });
      const bg = { justification: 'quota test with a long enough justification' };
      await tight.reveal(people['a-2']!, { subject: token, field: 'email', purpose: 'fraud_check', breakGlass: bg });
      await tight.reveal(people['a-2']!, { subject: token, field: 'phone', purpose: 'fraud_check', breakGlass: bg });
      await assert.rejects(
        tight.reveal(people['a-2']!, { subject: token, field: 'phone', purpose: 'fraud_check', breakGlass: bg }),
        RateLimited,
      );
      const last = decodeEntry((await app.auditRepo.entry((await app.audit.head()).size - 1))!.body)!;
      assert.deepEqual([last.kind, last.actor, last.result, last.reason], ['reveal', 'staff:a-2', 'denied', 'quota']);
      offset += 61 * 60_000;
      await tight.reveal(people['a-2']!, { subject: token, field: 'phone', purpose: 'fraud_check', breakGlass: bg });
      offset = 0;
      // Break-glass reveals wait for sign-off by someone else.
      const pending = await app.reveals.breakGlass({});
      assert.equal(pending.length, 3);
      await assert.rejects(app.reveals.signOff(people['a-2']!, pending[0]!.auditIndex, 'self review'), Forbidden);
      await app.reveals.signOff(people['b-1']!, pending[0]!.auditIndex, 'reviewed, fine');
      await assert.rejects(
        app.reveals.signOff(people['b-1']!, pending[0]!.auditIndex, 'reviewed again'),
        (e: unknown) => e instanceof Conflict && /already signed off/.test(e.message),
      );
      assert.equal((await app.reveals.breakGlass({})).length, 2);
      assert.equal((await app.reveals.breakGlass({ pending: false })).length, 3);
    });

    test('a dry run answers as the reveal then does (quota, explanation, grant, Cedar, break-glass), and logs and decrypts nothing', async () => {
      const app = h.app;
      const { reader, calls } = countingClearReader(app);
      const svc = createRevealService({
        repo: createAccessRepo(tablesOf(app.store.db)),
        vault: app.vault,
        clear: reader,
        policy: app.policy,
        audit: app.audit,
        explanations: app.explanations,
        bus: app.bus,
        clock,
        quota: (role) => (role === 'courier' ? 0 : 100),
        justificationKey: Buffer.alloc(32),
        budgets: createRateBudgets(tablesOf(app.store.db), clock),
      });
      await app.explanations.open({ kind: 'ticket', id: 'T-dry', staff: 'a-1', subject: token }, 'system');
      const bg = { justification: 'a dry run compared with the real reveal' };
      const cases: [
        StaffPrincipal,
        { field: string; purpose: string; explanation?: string; breakGlass?: typeof bg },
      ][] = [
        [people['a-1']!, { field: 'phone', purpose: 'ticket_followup', explanation: 'T-dry' }],
        [people['a-2']!, { field: 'phone', purpose: 'ticket_followup', explanation: 'T-dry' }],
        [people['a-1']!, { field: 'address', purpose: 'ticket_followup', explanation: 'T-dry' }],
        [people['a-2']!, { field: 'email', purpose: 'fraud_check', breakGlass: bg }],
        [people['e-1']!, { field: 'email', purpose: 'fraud_check', breakGlass: bg }],
        [people['c-1']!, { field: 'name', purpose: 'delivery_problem' }],
      ];
      for (const [who, q] of cases) {
        const req = { subject: token, ...q };
        const before = (await app.audit.head()).size;
        const decrypted = calls();
        const dry = await svc.dryRun(who, req);
        assert.equal((await app.audit.head()).size, before, 'the dry run appends nothing');
        assert.equal(calls(), decrypted, 'the dry run decrypts nothing');
        const real = await svc.reveal(who, req).then(
          (r) => ({ decision: 'allow', result: r.result, policies: r.policies, quota: false }),
          (e: Error) => ({
            decision: 'deny',
            result: 'denied',
            policies:
              e instanceof Forbidden
                ? e.details.flatMap((x) => (x.problem === 'no policy permits it' ? [] : x.problem.split(', ')))
                : [],
            quota: e instanceof RateLimited,
          }),
        );
        assert.deepEqual(
          [dry.decision, dry.result, dry.policies, dry.reason === 'quota'],
          [real.decision, real.result, real.policies, real.quota],
          `${who.id} ${JSON.stringify(q)}`,
        );
      }
      await assert.rejects(svc.dryRun(people['a-1']!, { subject: token, field: 'Email!', purpose: 'x' }), InvalidInput);
      await assert.rejects(
        svc.dryRun(people['a-1']!, {
          subject: 'sub_aaaaaaaaaaaaaaaaaaaaaaaaaa',
          field: 'email',
          purpose: 'fraud_check',
        }),
        NotFound,
      );
    });
  });
}
