// Canaries must not be told apart (finding 5): no single column or simple rule separates them
// from real customers in a masked export, nor their filed work from real work, and the
// planting entry of the log is for the roles that manage canaries only.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { DIALECTS, appOn, serverOn } from '../../test/dialects.ts';
import { createPeople } from '../lib/people.ts';

const people = createPeople(5150);
/** A value's shape: letters a, digits 9, the rest as it is. */
const shape = (v: string) => v.replace(/\p{L}/gu, 'a').replace(/[0-9]/g, '9');
const domainOf = (v: string) => v.slice(v.lastIndexOf('@') + 1);

/**
 * Whether `rule` (true: "looks like a canary") separates the canaries from the real ones: it
 * flags every canary and fewer than a third of the real ones.
 */
function separates<T>(rule: (x: T) => boolean, canaries: readonly T[], real: readonly T[]): boolean {
  const c = canaries.filter(rule).length / canaries.length;
  const r = real.filter(rule).length / real.length;
  return c === 1 && r < 1 / 3;
}

for (const d of DIALECTS) {
  describe(`canaries look like customers (${d.name})`, () => {
    let offset = 0;
    const clock = { now: () => new Date(Date.now() + offset) };
    const h = appOn(d.fresh, undefined, { clock });

    test('in a masked export, no column and no simple rule (domain, external id, shape, time order) separates the canaries', async () => {
      const app = h.app;
      const requester = await app.staff.authenticate(
        (await app.staff.create({ id: 'exp-req', role: 'admin' }, 'system')).token,
      );
      const boss = await app.staff.authenticate(
        (await app.staff.create({ id: 'exp-boss', role: 'supervisor' }, 'system')).token,
      );
      // Real customers as the platform imports them: with external ids, over time.
      for (let b = 0; b < 6; b++) {
        offset = -((6 - b) * 86_400_000);
        await app.vault.createSubjects(
          Array.from({ length: 40 }, (_, k) => {
            const p = people.person(b * 40 + k);
            return {
              kind: 'customer',
              externalId: `CRM-${String(100_000 + b * 40 + k)}`,
              fields: { name: p.name, phone: p.phone, email: p.email, address: p.address },
            };
          }),
        );
      }
      offset = 0;
      const job = await app.exports.request(requester, {
        dataset: 'customers',
        fields: ['name', 'phone', 'email', 'address'],
        recipient: 'partner-y',
        purpose: 'monthly_report',
      });
      await app.exports.decide(boss, job.id, true);
      const [header, ...rows] = parse(
        readFileSync(join(app.config.dataDir, 'exports', `${job.id}.csv`), 'utf8'),
      ) as string[][];
      const planted = new Set(await app.canaries.ofChannel(`export:${job.id}`));
      assert.equal(planted.size, 2);
      const col = (name: string) => header!.indexOf(name);
      const isCanary = (r: string[]) => planted.has(r[col('token')]!);
      const canaryRows = rows.filter(isCanary);
      const realRows = rows.filter((r) => !isCanary(r));
      assert.equal(canaryRows.length, 2);
      // Every column's shape of a canary is a shape real customers have.
      for (const name of header!.filter((n) => n !== 'created_at')) {
        // (a token is random letters and digits: its shape is its length and prefix)
        const of = (v: string) => (name === 'token' ? v.replace(/[a-z0-9]/g, 'x') : shape(v));
        const real = new Set(realRows.map((r) => of(r[col(name)]!)));
        for (const c of canaryRows)
          assert.ok(
            real.has(of(c[col(name)]!)),
            `a canary's ${name} has a shape no customer's has: ${of(c[col(name)]!)}`,
          );
      }
      // The simple rules a filter would use.
      const domains = new Set(realRows.map((r) => domainOf(r[col('email')]!)));
      const ext = new Map<string, string | null>();
      for (const r of rows)
        ext.set(r[col('token')]!, (await app.vault.getMasked(r[col('token')]!, { actor: 'service:test' })).externalId);
      const extShapes = new Set(realRows.map((r) => shape(ext.get(r[col('token')]!) ?? '')));
      const second = (r: string[] | undefined) =>
        r ? Math.floor(Date.parse(r[col('created_at')]!) / 1000) : undefined;
      const outOfOrder = (r: string[]) => {
        const i = rows.indexOf(r);
        const [t, a, b] = [second(r)!, second(rows[i - 1]), second(rows[i + 1])];
        return (a !== undefined && t < a) || (b !== undefined && t > b);
      };
      const rules: Record<string, (r: string[]) => boolean> = {
        'e-mail domain': (r) =>
          ![
            'gmail.com',
            'yahoo.com',
            'yahoo.com.vn',
            'outlook.com',
            'hotmail.com',
            'icloud.com',
            'fpt.com.vn',
          ].includes(domainOf(r[col('email')]!)),
        'a domain few customers have': (r) =>
          realRows.filter((x) => domainOf(x[col('email')]!) === domainOf(r[col('email')]!)).length < 2,
        'no external id': (r) => !ext.get(r[col('token')]!),
        'external id of another shape': (r) => !extShapes.has(shape(ext.get(r[col('token')]!) ?? '')),
        'created out of order': outOfOrder,
      };
      for (const [name, rule] of Object.entries(rules))
        assert.equal(
          separates(rule, canaryRows, realRows),
          false,
          `"${name}" separates the canaries from the customers`,
        );
      for (const c of canaryRows) assert.ok(domains.has(domainOf(c[col('email')]!)));
    });

    test("in the team's work, no simple rule (open = close time, duration, who filed it, id shape, filed just now) separates the canaries' work", async () => {
      const app = h.app;
      for (const id of ['tm-a', 'tm-b', 'tm-c'])
        await app.staff.create({ id, role: 'support', team: 'helpdesk' }, 'system');
      const real = await app.vault.createSubjects(
        Array.from({ length: 30 }, (_, k) => ({
          kind: 'customer',
          externalId: `CRM-${200_000 + k}`,
          fields: { name: people.person(500 + k).name, phone: people.person(500 + k).phone },
        })),
      );
      // Real closed tickets, filed by the platform over the last weeks, each open for a while.
      for (const [k, s] of real.entries()) {
        offset = -((30 - k) * 86_400_000) / 2;
        const e = await app.explanations.open(
          { kind: 'ticket', id: `HD-${40_000 + k * 7}`, staff: ['tm-a', 'tm-b', 'tm-c'][k % 3]!, subject: s.token },
          'service:key_platform',
        );
        offset += 600_000 + ((k * 7919) % 30) * 360_000;
        await app.explanations.close(e.id, 'service:key_platform');
      }
      offset = 0;
      const planted = await app.teamCanaries.plant({ team: 'helpdesk', count: 3 }, 'staff:u-admin');
      const work = await app.store.db.selectFrom('explanations').selectAll().where('kind', '=', 'ticket').execute();
      const canaryWork = work.filter((w) => planted.tokens.includes(w.subject));
      const realWork = work.filter((w) => !planted.tokens.includes(w.subject));
      assert.equal(canaryWork.length, 3);
      const entries = await app.auditRepo.search({ kind: 'explanation', limit: 1000 });
      const filer = (w: (typeof work)[number]) =>
        entries.find((e) => e.subject === w.subject && e.result === 'open')?.actor;
      const realFilers = new Set(realWork.map(filer));
      const idShapes = new Set(realWork.map((w) => shape(w.id)));
      const durations = realWork.map((w) => Date.parse(w.closed_at!) - Date.parse(w.opened_at));
      const [minD, maxD] = [Math.min(...durations), Math.max(...durations)];
      const now = Date.now();
      const rules: Record<string, (w: (typeof work)[number]) => boolean> = {
        'open = close time': (w) => w.opened_at === w.closed_at,
        'shorter than any real work': (w) => Date.parse(w.closed_at!) - Date.parse(w.opened_at) < minD / 2,
        'longer than any real work': (w) => Date.parse(w.closed_at!) - Date.parse(w.opened_at) > maxD * 2,
        'opened just now': (w) => now - Date.parse(w.opened_at) < 3_600_000,
        'filed by an admin': (w) => filer(w) === 'staff:u-admin',
        'filed by someone who files no real work': (w) => !realFilers.has(filer(w)),
        'an id of another shape': (w) => !idShapes.has(shape(w.id)),
        'not closed': (w) => w.status !== 'closed',
      };
      for (const [name, rule] of Object.entries(rules))
        assert.equal(
          separates(rule, canaryWork, realWork),
          false,
          `"${name}" separates the canaries' work from real work`,
        );
    });
  });
}

describe('the planting entry is for the roles that manage canaries', () => {
  const s = serverOn();
  test('an analyst neither finds nor reads a `canary` entry; an admin does', async () => {
    const token = async (id: string, role: string, team?: string) =>
      (await s.app.staff.create({ id, role, team }, 'system')).token;
    const [admin, analyst] = [await token('pl-admin', 'admin'), await token('pl-analyst', 'analyst')];
    await token('pl-agent', 'support', 'desk');
    const get = async (path: string, t: string) => {
      const r = await fetch(`${s.url}${path}`, { headers: { authorization: `Bearer ${t}` } });
      return { status: r.status, json: (await r.json()) as { entries?: { index: number }[] } };
    };
    const made = await fetch(`${s.url}/v1/canaries`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'team', team: 'desk', count: 1 }),
    });
    assert.equal(made.status, 201);
    const mine = await get('/v1/audit/search?kind=canary', admin);
    assert.equal(mine.json.entries!.length, 1);
    const idx = mine.json.entries![0]!.index;
    assert.equal((await get('/v1/audit/search?kind=canary', analyst)).json.entries!.length, 0);
    assert.equal(
      (await get('/v1/audit/search?actor=staff%3Apl-admin', analyst)).json.entries!.some((e) => e.index === idx),
      false,
    );
    assert.equal((await get(`/v1/audit/entries/${idx}`, analyst)).status, 404);
    assert.equal((await get(`/v1/audit/entries/${idx}`, admin)).status, 200);
  });
});
