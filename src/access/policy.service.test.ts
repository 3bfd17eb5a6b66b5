import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../lib/log.ts';
import { InvalidInput } from '../lib/errors.ts';
import { createPolicyService } from './policy.service.ts';
import { serverOn } from '../../test/dialects.ts';
import { runCloak } from '../../test/cli.ts';
import { decodeEntry } from '../audit/entry.ts';

const SHIPPED = fileURLToPath(new URL('../../policies/', import.meta.url));
const copy = () => {
  const dir = mkdtempSync(join(tmpdir(), 'cloak-policies-'));
  cpSync(SHIPPED, dir, { recursive: true });
  return dir;
};
const reveal = (
  role: string,
  ctx: Partial<{ field: string; kind: string; ticket: boolean; grant: boolean; breakGlass: boolean }> = {},
) => ({
  principal: { type: 'Staff', id: 'u-1', attrs: { role, team: 't' } },
  action: 'reveal',
  resource: { type: 'Subject', id: 'sub_x', attrs: { kind: ctx.kind ?? 'customer' } },
  context: {
    field: ctx.field ?? 'email',
    purpose: 'p',
    explanation: { kind: ctx.ticket ? 'ticket' : 'none', held: Boolean(ctx.ticket) },
    grant: Boolean(ctx.grant),
    break_glass: Boolean(ctx.breakGlass),
  },
});

describe('Cedar policies', () => {
  test('the shipped defaults decide as the brief says, naming the deciding policy', () => {
    const p = createPolicyService({ dir: SHIPPED, log: createLogger('silent') });
    const d = (req: ReturnType<typeof reveal>) => [p.decide(req).decision, ...p.decide(req).policies].join(' ');
    assert.equal(d(reveal('support', { ticket: true })), 'allow support-open-ticket');
    assert.equal(d(reveal('support', { ticket: true, field: 'address' })), 'deny');
    assert.equal(d(reveal('support')), 'deny');
    assert.equal(d(reveal('support', { breakGlass: true })), 'allow break-glass');
    assert.equal(
      d(reveal('moderator', { kind: 'reviewer', grant: true, breakGlass: true, field: 'name' })),
      'deny moderators-never-see-reviewers',
    );
    assert.equal(d(reveal('seller', { grant: true, field: 'phone' })), 'deny sellers-relay-only');
    assert.equal(d(reveal('seller', { grant: true, field: 'name' })), 'allow jit-grant');
    assert.equal(d(reveal('analyst')), 'deny');
    assert.equal(d(reveal('analyst', { breakGlass: true })), 'allow break-glass');
    assert.equal(d(reveal('engineer', { breakGlass: true })), 'deny');
    // A request that does not fit the schema is denied, not an error.
    assert.equal(p.decide({ ...reveal('support', { ticket: true }), context: { field: 'email' } }).decision, 'deny');
  });

  test('a broken file is refused at reload with where and what, and the policies in force stay', () => {
    const dir = copy();
    try {
      const p = createPolicyService({ dir, log: createLogger('silent') });
      const before = p.info();
      const file = join(dir, 'reveal.cedar');
      const good = readFileSync(file, 'utf8');
      const cases: [string, RegExp][] = [
        [
          good.replace('context.explanation.held\n};', 'context.explanation.held\n'),
          /reveal\.cedar:18:1: unexpected token `@`/,
        ],
        [
          good.replace('principal.role == "support"', 'principal.rolle == "support"'),
          /reveal\.cedar @id\("support-open-ticket"\): .*attribute `rolle`.*not found.*did you mean `role`/,
        ],
        [good.replace('@id("jit-grant")\n', ''), /reveal\.cedar#3: every policy needs an @id/],
        [good.replace('@id("jit-grant")', '@id("break-glass")'), /@id\("break-glass"\) is already used/],
      ];
      for (const [text, why] of cases) {
        writeFileSync(file, text);
        assert.throws(
          () => p.reload(),
          (e: unknown) => e instanceof InvalidInput && why.test(e.message),
        );
        assert.deepEqual(p.info(), before, 'the set in force is unchanged');
        assert.equal(p.decide(reveal('support', { ticket: true })).decision, 'allow');
      }
      // A schema broken is refused as well.
      writeFileSync(file, good);
      writeFileSync(join(dir, 'schema.cedarschema'), 'entity Staff = { role: String ');
      assert.throws(() => p.reload(), /the policy schema is broken: schema\.cedarschema:1:/);
      cpSync(join(SHIPPED, 'schema.cedarschema'), join(dir, 'schema.cedarschema'));
      // An operator's edit takes effect at reload: support agents lose the e-mail.
      writeFileSync(
        file,
        good.replace(
          '["phone", "email"].contains(context.field) &&\n  context.explanation.kind == "ticket"',
          '["phone"].contains(context.field) &&\n  context.explanation.kind == "ticket"',
        ),
      );
      const after = p.reload();
      assert.notEqual(after.hash, before.hash);
      assert.equal(p.decide(reveal('support', { ticket: true })).decision, 'deny');
      assert.equal(p.decide(reveal('support', { ticket: true, field: 'phone' })).decision, 'allow');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('over HTTP and the CLI', () => {
    const dir = copy();
    const s = serverOn({ CLOAK_POLICIES_DIR: dir });

    test('POST /v1/policies/reload refuses a broken file with its error, keeps the old set, and logs each change', async () => {
      const call = async (method: string, path: string) => {
        const r = await fetch(`${s.url}${path}`, { method, headers: { authorization: `Bearer ${s.admin}` } });
        return { status: r.status, json: (await r.json()) as any };
      };
      const before = (await call('GET', '/v1/policies')).json;
      writeFileSync(
        join(dir, 'export.cedar'),
        'permit (principal, action == Action::"export", resource) when { principal.role == };',
      );
      const bad = await call('POST', '/v1/policies/reload');
      assert.equal(bad.status, 400);
      assert.match(bad.json.error.message, /the policies were not loaded: export\.cedar:1:\d+/);
      assert.deepEqual((await call('GET', '/v1/policies')).json, before);
      const cli = await runCloak(['policies', 'check'], { ...s.db.env, CLOAK_POLICIES_DIR: dir });
      assert.equal(cli.code, 1);
      assert.match(cli.stdout, /BROKEN[\s\S]*export\.cedar:1:/);
      cpSync(join(SHIPPED, 'export.cedar'), join(dir, 'export.cedar'));
      const ok = await call('POST', '/v1/policies/reload');
      assert.equal(ok.status, 200);
      assert.equal(ok.json.version, before.version + 1);
      const entries = (await s.app.auditRepo.entries(0, 1e9))
        .map((e) => decodeEntry(e.body)!)
        .filter((e) => e.kind === 'policy');
      assert.equal(entries.length, 1);
      assert.equal(entries[0]!.hash, ok.json.hash);
      assert.equal((await runCloak(['policies', 'check'], { ...s.db.env, CLOAK_POLICIES_DIR: dir })).code, 0);
    });
  });
});
