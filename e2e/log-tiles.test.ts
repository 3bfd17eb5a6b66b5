import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { serverOn } from '../test/dialects.ts';
import { runCloak } from '../test/cli.ts';
import { rfcLeafHash, rfcNodeHash, rfcVerifyConsistency, rfcVerifyInclusion } from '../test/rfc9162.ts';
import { openNote, parseCheckpoint, parseVerifierKey } from '../src/audit/note.ts';

/**
 * An outside verifier following the log over HTTP the way c2sp.org/tlog-tiles describes:
 * checkpoint, verifier key, hash tiles (public) and entry bundles (audit key only), then
 * proofs by API and CLI, all checked with the independent RFC 9162 code in test/.
 */
describe('the log under /log/ and its proofs', () => {
  const s = serverOn();
  const get = async (path: string, key?: string) => {
    const r = await fetch(`${s.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
    return {
      status: r.status,
      type: r.headers.get('content-type'),
      cache: r.headers.get('cache-control'),
      body: Buffer.from(await r.arrayBuffer()),
    };
  };

  test('checkpoint, tiles and entry bundles let an outsider recompute the signed root', async () => {
    for (let i = 0; i < 6; i++)
      await s.app.audit.append(
        Array.from({ length: 100 }, (_, j) => ({
          kind: 'reveal',
          actor: 'staff:u-1',
          subject: `sub_${j}`,
          result: 'ok',
          data: { field: 'email', purpose: 'p', n: i * 100 + j },
        })),
      );
    const key = parseVerifierKey((await get('/log/key')).body.toString().trim());
    const cpText = (await get('/log/checkpoint')).body.toString();
    const cp = parseCheckpoint(openNote(cpText, [key]).text, key.name);
    const size = Number(cp.size);
    assert.ok(size >= 600, `size ${size}`);
    // Level 0: two full tiles and a partial one; level 1: the partial tile of full-tile roots.
    const t00 = await get('/log/tile/0/000');
    assert.equal(t00.status, 200);
    assert.equal(t00.type, 'application/octet-stream');
    assert.match(t00.cache!, /immutable/);
    const t01 = await get('/log/tile/0/001');
    const w = size % 256;
    const t02 = await get(`/log/tile/0/002.p/${w}`);
    assert.equal(t02.body.length, w * 32);
    assert.equal((await get('/log/tile/0/002')).status, 404, 'not full yet');
    assert.equal((await get(`/log/tile/0/002.p/${w + 1}`)).status, 404, 'not that wide yet');
    assert.equal((await get('/log/tile/0/x000/002')).status, 404, 'one spelling per index');
    const t10 = await get('/log/tile/1/000.p/2');
    const split = (b: Buffer) => Array.from({ length: b.length / 32 }, (_, i) => b.subarray(i * 32, i * 32 + 32));
    const perfect = (hs: Buffer[]): Buffer =>
      hs.length === 1 ? hs[0]! : rfcNodeHash(perfect(hs.slice(0, hs.length / 2)), perfect(hs.slice(hs.length / 2)));
    const tileRoots = split(t10.body);
    assert.ok(tileRoots[0]!.equals(perfect(split(t00.body))));
    assert.ok(tileRoots[1]!.equals(perfect(split(t01.body))));
    // MTH over 512 + w leaves: node(node(T0, T1), MTH(partial tile)).
    const mth = (hs: Buffer[]): Buffer => {
      if (hs.length === 1) return hs[0]!;
      let k = 1;
      while (k * 2 < hs.length) k *= 2;
      return rfcNodeHash(mth(hs.slice(0, k)), mth(hs.slice(k)));
    };
    assert.ok(
      rfcNodeHash(rfcNodeHash(tileRoots[0]!, tileRoots[1]!), mth(split(t02.body))).equals(cp.rootHash),
      'the tiles reproduce the signed root',
    );
    // Entry bundles need an audit key; their entries hash to the tile's leaves.
    assert.equal((await get('/log/tile/entries/000')).status, 401);
    const auditKey = (await s.app.apiKeys.create({ name: 'outside-auditor', scopes: ['audit'] })).secret;
    const bundle = (await get('/log/tile/entries/000', auditKey)).body;
    const leaves: Buffer[] = [];
    for (let o = 0; o < bundle.length;) {
      const n = bundle.readUInt16BE(o);
      leaves.push(rfcLeafHash(bundle.subarray(o + 2, o + 2 + n)));
      o += 2 + n;
    }
    assert.equal(leaves.length, 256);
    assert.ok(Buffer.concat(leaves).equals(t00.body));
    assert.equal((await get('/log/tile/nonsense')).status, 404);
  });

  test('inclusion and consistency proofs by API and CLI verify independently', async () => {
    const auditKey = (await s.app.apiKeys.create({ name: 'auditor-2', scopes: ['audit'] })).secret;
    const json = async (path: string) => JSON.parse((await get(path, auditKey)).body.toString());
    const cp = await s.app.audit.latest();
    for (const index of [0, 255, 256, 599]) {
      const p = await json(`/v1/audit/entries/${index}`);
      assert.ok(
        rfcVerifyInclusion(
          index,
          p.size,
          rfcLeafHash(Buffer.from(p.entry, 'base64')),
          p.proof.map((h: string) => Buffer.from(h, 'base64')),
          cp.root,
        ),
      );
    }
    const old = await s.app.audit.rootAt(300);
    const c = await json(`/v1/audit/proofs/consistency?from=300&to=${cp.size}`);
    assert.ok(
      rfcVerifyConsistency(
        300,
        cp.size,
        old,
        cp.root,
        c.proof.map((h: string) => Buffer.from(h, 'base64')),
      ),
    );
    const bad = await get(`/v1/audit/proofs/consistency?from=300&to=${cp.size + 5}`, auditKey);
    assert.equal(bad.status, 400);
    assert.equal((await get('/v1/audit/proofs/inclusion?index=1', s.admin)).status, 200, 'admin holds every scope');
    assert.equal((await get('/v1/audit/proofs/inclusion?index=abc', auditKey)).status, 400);
    // The CLI, against the same database.
    const r = await runCloak(['audit', 'inclusion', '42', '--size', String(cp.size)], s.db.env);
    assert.equal(r.code, 0, r.stderr);
    const p = JSON.parse(r.stdout);
    assert.ok(
      rfcVerifyInclusion(
        42,
        cp.size,
        rfcLeafHash(Buffer.from(p.entry, 'base64')),
        p.proof.map((h: string) => Buffer.from(h, 'base64')),
        cp.root,
      ),
    );
    const k = await runCloak(['audit', 'key'], s.db.env);
    assert.equal(k.stdout.trim(), s.app.audit.verifierKey);
  });
});
