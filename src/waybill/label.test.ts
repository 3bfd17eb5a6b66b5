import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { appOn, freshSqlite } from '../../test/dialects.ts';
import { labelPdf, labelPng, labelSvg, labelZpl, qrPayload } from './label.ts';
import { isTrackingNumber } from './waybill.fns.ts';

const RECIPIENT = {
  name: 'Trần Thị Hường',
  phone: '0987 654 321',
  email: 'huong.tran@example.vn',
  address: '45 Nguyễn Huệ, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh',
};
const SENDER = { name: 'Cửa hàng Điện máy Sài Gòn', phone: '028 3822 1234' };

/** The clear values a thief would look for, and the parts of them a leak would most likely show. */
const CLEAR = [
  RECIPIENT.name,
  'Hường',
  'Trần',
  '987654321',
  '0987 654 321',
  '+84987654321',
  'huong.tran',
  '45 Nguyễn Huệ',
  'Bến Nghé',
  'Điện máy',
  '38221234',
  '3822 1234',
];

/** Every character the PDF's fonts can show (their ToUnicode maps), decoded from its streams. */
function pdfCharacters(pdf: Buffer): Set<string> {
  const chars = new Set<string>();
  const text = pdf.toString('latin1');
  for (const m of text.matchAll(/stream\r?\n/g)) {
    const start = m.index! + m[0].length;
    const end = text.indexOf('endstream', start);
    let body: string;
    try {
      body = inflateSync(pdf.subarray(start, end)).toString('latin1');
    } catch {
      continue;
    }
    if (!body.includes('beginbfchar') && !body.includes('beginbfrange')) continue;
    // pdfkit writes `<first> <last> [<unicode> <unicode> …]` ranges: the targets are in brackets.
    for (const arr of body.matchAll(/\[([^\]]*)\]/g)) {
      for (const hex of arr[1]!.matchAll(/<([0-9a-fA-F]+)>/g)) {
        const h = hex[1]!;
        for (let i = 0; i + 4 <= h.length; i += 4) chars.add(String.fromCharCode(parseInt(h.slice(i, i + 4), 16)));
      }
    }
  }
  return chars;
}

describe('privacy waybills', () => {
  const h = appOn(freshSqlite);

  test('ZPL, PDF and PNG show the tracking number, the route and masks, and no personal data', async () => {
    const app = h.app;
    await app.devices.createStation({ id: 'hub-sg', name: 'hub', kind: 'hub' });
    await app.devices.createStation({ id: 'q1', name: 'Quận 1', kind: 'delivery' });
    const [r, s] = await app.vault.createSubjects([
      { externalId: 'lbl-r', kind: 'recipient', fields: RECIPIENT },
      { externalId: 'lbl-s', kind: 'sender', fields: SENDER },
    ]);
    const p = await app.waybill.createParcel({
      recipient: r!.token,
      sender: s!.token,
      origin: 'hub-sg',
      destination: 'q1',
    });
    const model = await app.waybill.label(p.tracking, { actor: 'service:test' });
    assert.deepEqual(model.recipient, { name: 'T. T. H.', phone: '+84 ••••••321', address: 'Quận 1, TP. Hồ Chí Minh' });
    assert.equal(model.sender?.name, 'C. H. Đ. M. S. G.');
    assert.equal(qrPayload(model), `${p.tracking}/${model.ref}`);
    assert.ok(isTrackingNumber(p.tracking) && /^[A-Z2-9]{8}$/.test(model.ref));

    const zpl = labelZpl(model);
    assert.match(zpl, /^\^XA/);
    assert.ok(zpl.includes(`^BCN,180,Y,N,N^FD${p.tracking}^FS`), 'Code 128 of the tracking number');
    assert.ok(zpl.includes(`^FDQA,${p.tracking}/${model.ref}^FS`), 'QR of the tracking number and its reference');
    assert.ok(zpl.includes('T. T. H.') && zpl.includes('Quận 1, TP. Hồ Chí Minh'));
    const svg = labelSvg(model);
    for (const v of CLEAR) {
      assert.ok(!zpl.includes(v), `ZPL holds "${v}"`);
      assert.ok(!svg.includes(v), `the PNG's drawing holds "${v}"`);
    }

    const png = labelPng(model);
    assert.deepEqual([...png.subarray(1, 4)].map((c) => String.fromCharCode(c)).join(''), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [800, 1200], '100 × 150 mm at 203 dpi');

    const pdf = await labelPdf(model);
    assert.equal(pdf.subarray(0, 5).toString(), '%PDF-');
    assert.equal((pdf.toString('latin1').match(/\/Type \/Page\b/g) ?? []).length, 1);
    // The PDF can show only characters of the masks and the fixed texts: none of the letters
    // that only the clear name or address have (ầ, ư, ờ, ễ, ệ…).
    const shown = pdfCharacters(pdf);
    assert.ok(shown.size > 10, 'the font maps were read');
    for (const c of 'ầườễệếửạ') assert.ok(!shown.has(c), `the PDF can show "${c}", which only clear data holds`);
    for (const c of 'TQậHồ•') assert.ok(shown.has(c), `the PDF should show "${c}" of the masks`);
  });
});
