import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverOn } from '../test/dialects.ts';

/**
 * An incident opened from a trace, through the API: a leaked file holds Vietnamese, French
 * and Chinese customers; the deadlines are Vietnam's 72 hours, GDPR's 72 hours (and the
 * people, the risk being high), and PIPL's "immediately"; the regulator report and the
 * customer notice come in Vietnamese, English and Chinese.
 */
describe('an incident from a traced leak', () => {
  const s = serverOn({ CLOAK_DPO_CONTACT: 'Chị Lan, dpo@cloak.example.vn' });
  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const r = await fetch(`${s.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    return {
      status: r.status,
      text,
      json: r.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined,
    };
  };

  test('deadlines by the affected people’s countries, and the report and notices in three languages', async () => {
    const people = [
      { name: 'Nguyễn Thị Hoa', phone: '0912 345 001', email: 'hoa@example.vn' },
      { name: 'Trần Văn Nam', phone: '0987 654 002', email: 'nam@example.vn' },
      { name: 'Camille Martin', phone: '+33 6 12 34 56 78', email: 'camille@example.fr' },
      { name: '王小明', phone: '+86 138 0013 8000', email: 'wxm@example.cn' },
    ];
    const made = await call('POST', '/v1/subjects/batch', s.admin, {
      subjects: people.map((p, i) => ({ externalId: `inc-${i}`, fields: p })),
    });
    assert.equal(made.status, 200, made.text);
    const dir = mkdtempSync(join(tmpdir(), 'cloak-incident-'));
    try {
      const file = join(dir, 'for-sale.csv');
      writeFileSync(
        file,
        `ho ten,sdt,email\n${people.map((p) => `${p.name},${p.phone.replace(/\s/g, '')},${p.email}`).join('\n')}\n`,
      );
      const trace = await s.app.tracer.trace(file);
      assert.equal(trace.affected.length, 4);
      const officer = (await call('POST', '/v1/staff', s.admin, { id: 'dpo-1', role: 'privacy' })).json.token;
      const discoveredAt = '2026-11-29T08:00:00.000Z';
      const inc = await call('POST', '/v1/incidents', officer, {
        title: 'Customer list offered for sale on a forum',
        where: 'a copy of an export, found online',
        discoveredAt,
        subjects: trace.affected,
        categories: Object.keys(trace.categories),
        measures: 'Export access suspended; the recipient contacted; passwords reset.',
      });
      assert.equal(inc.status, 201, inc.text);
      assert.deepEqual(inc.json.jurisdictions, { VN: 2, EU: 1, CN: 1 });
      assert.equal(inc.json.highRisk, true);
      assert.deepEqual(
        inc.json.deadlines.map((d: { jurisdiction: string; kind: string; due: string; law: string }) => [
          d.jurisdiction,
          d.kind,
          d.due,
          d.law,
        ]),
        [
          ['CN', 'regulator', discoveredAt, 'PIPL art. 57'],
          ['CN', 'individuals', discoveredAt, 'PIPL art. 57'],
          ['VN', 'regulator', '2026-12-02T08:00:00.000Z', 'Vietnam Personal Data Protection Law'],
          ['EU', 'regulator', '2026-12-02T08:00:00.000Z', 'GDPR art. 33'],
          ['EU', 'individuals', '2026-12-02T08:00:00.000Z', 'GDPR art. 34'],
        ],
      );
      const texts: Record<string, RegExp[]> = {
        vi: [
          /BÁO CÁO VI PHẠM DỮ LIỆU CÁ NHÂN/,
          /Số chủ thể dữ liệu bị ảnh hưởng: 4 \(VN: 2, EU: 1, CN: 1\)/,
          /số điện thoại/,
          /Chị Lan, dpo@cloak\.example\.vn/,
        ],
        en: [
          /PERSONAL DATA BREACH REPORT/,
          /Data subjects affected: 4/,
          /Categories of data: .*phone numbers/,
          /Likely consequences: scam calls/,
        ],
        zh: [/个人信息泄露报告/, /受影响的个人：4/, /电话号码/, /已采取的补救措施：Export access suspended/],
      };
      for (const [lang, res] of Object.entries(texts)) {
        const report = await call('GET', `/v1/incidents/${inc.json.id}/report?lang=${lang}`, officer);
        assert.equal(report.status, 200);
        for (const re of res) assert.match(report.text, re, `${lang} report`);
        const notice = await call('GET', `/v1/incidents/${inc.json.id}/notice?lang=${lang}`, officer);
        assert.equal(notice.status, 200);
        assert.match(
          notice.text,
          {
            vi: /Thông báo về sự cố dữ liệu cá nhân/,
            en: /Notice of a personal data incident/,
            zh: /个人信息安全事件通知/,
          }[lang]!,
        );
        // A notice or report names no one: no customer's name, phone or e-mail.
        for (const p of people)
          for (const v of [p.name, p.email, p.phone.replace(/\s/g, '').slice(-6)])
            assert.equal(report.text.includes(v) || notice.text.includes(v), false, `${lang}: ${v}`);
      }
      const met = await call('POST', `/v1/incidents/${inc.json.id}/deadlines/0/met`, officer);
      assert.equal(met.status, 200, met.text);
      assert.ok(met.json.deadlines[0].met);
      assert.equal((await call('GET', '/v1/incidents', s.admin)).status, 401, 'an API key is not a privacy officer');
      // Two other officers approving the report at once: one approves it, the other is told so (409, not 500).
      const seconds = await Promise.all(
        ['dpo-2', 'dpo-3'].map(
          async (id) => (await call('POST', '/v1/staff', s.admin, { id, role: 'privacy' })).json.token,
        ),
      );
      const both = await Promise.all(
        seconds.map((t) => call('POST', `/v1/incidents/${inc.json.id}/documents/report/en/approve`, t)),
      );
      assert.deepEqual(both.map((x) => x.status).sort(), [200, 409], both.map((x) => x.text).join(' '));
      const [won, lost] = both[0]!.status === 200 ? both : [both[1]!, both[0]!];
      assert.match(
        lost!.json.error.message,
        new RegExp(`^this report \\(en\\) was (already approved|approved meanwhile) by ${won!.json.approvedBy} at `),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
