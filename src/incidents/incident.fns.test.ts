import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { deadlinesFor, noticeLangOf, notifyDecision } from './incident.fns.ts';

describe('notifyDecision', () => {
  test('EU people with phones and names exposed: regulator and individuals (GDPR art. 34, high risk), and it says why', () => {
    const d = notifyDecision({ byJurisdiction: { EU: 4 }, categories: ['phone', 'name', 'tracking'], highRisk: true });
    assert.equal(d.individuals, true);
    assert.deepEqual(d.regulators, ['EU']);
    const art34 = d.items.find((i) => i.law === 'GDPR art. 34')!;
    assert.equal(art34.notify, true);
    assert.equal(art34.reason, 'gdpr34_high_risk');
    assert.match(art34.rationale, /high risk: phone exposed with name/);
    assert.deepEqual(d.risk, { high: true, contact: ['phone'], identity: ['name'], setByHand: false });
  });

  test('EU people with tracking numbers only: the regulator, not the individuals', () => {
    const d = notifyDecision({ byJurisdiction: { EU: 2 }, categories: ['tracking'], highRisk: false });
    assert.equal(d.individuals, false);
    assert.equal(d.items.find((i) => i.law === 'GDPR art. 34')!.reason, 'gdpr34_not_high_risk');
    assert.deepEqual(d.regulators, ['EU']);
  });

  test('an officer who judged the risk high by hand is named as the reason', () => {
    const d = notifyDecision({ byJurisdiction: { EU: 1 }, categories: ['tracking'], highRisk: true });
    assert.equal(d.risk.setByHand, true);
    assert.match(d.items.find((i) => i.law === 'GDPR art. 34')!.rationale, /assessed by the officer/);
  });

  test('China: PIPL art. 57, authorities and individuals immediately; Vietnam: the regulator within 72 hours', () => {
    const d = notifyDecision({ byJurisdiction: { CN: 1, VN: 5 }, categories: ['phone'], highRisk: false });
    assert.deepEqual([...d.regulators].sort(), ['CN', 'VN']);
    assert.equal(d.individuals, true);
    assert.deepEqual(
      d.items.filter((i) => i.jurisdiction === 'CN').map((i) => [i.audience, i.notify, i.reason]),
      [
        ['regulator', true, 'pipl57_immediately'],
        ['individuals', true, 'pipl57_immediately'],
      ],
    );
    assert.deepEqual(
      d.items.filter((i) => i.jurisdiction === 'VN').map((i) => [i.audience, i.notify]),
      [
        ['regulator', true],
        ['individuals', false],
      ],
    );
  });

  test('the decision agrees with the deadlines for every mix of jurisdictions and risk', () => {
    const all = ['VN', 'EU', 'CN', 'other'] as const;
    for (let mask = 1; mask < 16; mask++)
      for (const highRisk of [false, true]) {
        const js = all.filter((_, i) => mask & (1 << i));
        const d = notifyDecision({
          byJurisdiction: Object.fromEntries(js.map((j) => [j, 1])),
          categories: ['phone', 'name'],
          highRisk,
        });
        const owed = d.items
          .filter((i) => i.notify)
          .map((i) => `${i.jurisdiction}/${i.audience}`)
          .sort();
        const due = deadlinesFor(new Set(js), new Date('2026-01-02T00:00:00Z'), highRisk)
          .map((x) => `${x.jurisdiction}/${x.kind}`)
          .sort();
        assert.deepEqual(owed, due, `${js.join('+')} high=${highRisk}`);
      }
  });

  test('people with no encoded rule are left to a person', () => {
    const d = notifyDecision({ byJurisdiction: { other: 3 }, categories: ['email'], highRisk: false });
    assert.deepEqual(d.regulators, []);
    assert.equal(d.items[0]!.reason, 'no_rule');
  });

  test('notices go out in the language of the customer’s jurisdiction', () => {
    assert.deepEqual(
      ['VN', 'EU', 'CN', 'other'].map((j) => noticeLangOf(j as 'VN')),
      ['vi', 'en', 'zh', 'en'],
    );
  });
});
