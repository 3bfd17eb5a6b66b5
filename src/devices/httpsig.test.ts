import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createPrivateKey, generateKeyPairSync, sign as edSign, verify as edVerify, type KeyObject } from 'node:crypto';
import { createVerifier, httpbis } from 'http-message-signatures';
import { Forbidden, Unauthorized } from '../lib/errors.ts';
import {
  contentDigest,
  createMemoryNonceStore,
  ed25519PublicKey,
  signDeviceRequest,
  verifyDeviceRequest,
  type DeviceKey,
  type SignedRequest,
} from './httpsig.ts';

/** RFC 9421 Appendix B.1.4 / B.2.6, copied with its source into test/vectors. */
const V = JSON.parse(readFileSync(new URL('../../test/vectors/rfc9421-vectors.json', import.meta.url), 'utf8'));

describe('RFC 9421 Appendix B.2.6 (test-key-ed25519)', () => {
  const request = {
    method: 'POST',
    url: 'https://example.com/foo?param=Value&Pet=dog',
    headers: {
      host: 'example.com',
      date: 'Tue, 20 Apr 2021 02:07:55 GMT',
      'content-type': 'application/json',
      'content-digest':
        'sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:',
      'content-length': '18',
    },
  };
  const fields = ['date', '@method', '@path', '@authority', 'content-type', 'content-length'];

  test('signing with the RFC’s key builds the RFC’s signature base and its signature, byte for byte', async () => {
    const priv = createPrivateKey(V.key.privateKeyPem);
    let base = '';
    const signed = await httpbis.signMessage(
      {
        key: {
          id: 'test-key-ed25519',
          sign: async (d: Buffer) => ((base = d.toString('utf8')), edSign(null, d, priv)),
        },
        name: 'sig-b26',
        fields,
        params: ['created', 'keyid'],
        paramValues: { created: new Date(1618884473000), keyid: 'test-key-ed25519' },
      },
      request,
    );
    assert.equal(base, V.example.signatureBase);
    // Ed25519 is deterministic: the same key over the same base gives the RFC's signature.
    assert.equal(`Signature: ${(signed.headers as Record<string, string>).Signature}`, V.example.signatureHeader);
    assert.equal(
      edVerify(
        null,
        Buffer.from(base),
        ed25519PublicKey(V.key.publicKeyPem),
        Buffer.from(V.example.signatureBase64, 'base64'),
      ),
      true,
    );
  });

  test('the RFC’s signed request verifies with the RFC’s public key, and not with another', async () => {
    const headers = {
      ...request.headers,
      'signature-input':
        'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
      signature: `sig-b26=:${V.example.signatureBase64}:`,
    };
    const check = (key: KeyObject) =>
      httpbis.verifyMessage(
        {
          keyLookup: async () => ({
            id: 'test-key-ed25519',
            algs: ['ed25519'],
            verify: createVerifier(key, 'ed25519'),
          }),
          all: true,
          notAfter: Number.MAX_SAFE_INTEGER,
        },
        { ...request, headers },
      );
    assert.equal(await check(ed25519PublicKey(V.key.publicKeyPem)), true);
    assert.equal(await check(generateKeyPairSync('ed25519').publicKey), false);
  });
});

describe('device request verification', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const other = generateKeyPairSync('ed25519');
  const keys = new Map<string, DeviceKey>([
    ['dev_a', { keyid: 'dev_a', publicKey, revoked: false }],
    ['dev_revoked', { keyid: 'dev_revoked', publicKey, revoked: true }],
  ]);
  const now = new Date();
  const deps = () => ({
    keyOf: async (k: string) => keys.get(k),
    nonces: createMemoryNonceStore(),
    now,
    maxSkewSeconds: 300,
  });
  const body = Buffer.from(JSON.stringify({ scans: [{ parcel: 'VN123', step: 'sort' }] }));
  const base: SignedRequest = {
    method: 'POST',
    url: '/v1/device/scans',
    headers: { host: 'cloak.local', 'content-type': 'application/json' },
    body,
  };
  async function signed(
    opts: { keyid?: string; key?: typeof privateKey; created?: Date; nonce?: string } = {},
  ): Promise<SignedRequest> {
    const h = await signDeviceRequest(
      base,
      { keyid: opts.keyid ?? 'dev_a', privateKey: opts.key ?? privateKey },
      { created: opts.created ?? now, nonce: opts.nonce },
    );
    return { ...base, headers: { ...base.headers, ...h } };
  }

  test('a well-signed request verifies and names its key', async () => {
    assert.deepEqual(await verifyDeviceRequest(await signed(), deps()), { keyid: 'dev_a' });
  });

  test('a signature by another key is refused', async () => {
    await assert.rejects(
      verifyDeviceRequest(await signed({ key: other.privateKey }), deps()),
      (e: unknown) => e instanceof Unauthorized && /does not verify/.test(e.message),
    );
  });

  test('a changed body is refused, even with its digest recomputed', async () => {
    const r = await signed();
    const tampered = Buffer.from(JSON.stringify({ scans: [{ parcel: 'VN999', step: 'sort' }] }));
    await assert.rejects(verifyDeviceRequest({ ...r, body: tampered }, deps()), /Content-Digest/);
    await assert.rejects(
      verifyDeviceRequest(
        { ...r, body: tampered, headers: { ...r.headers, 'content-digest': contentDigest(tampered) } },
        deps(),
      ),
      /does not verify/,
    );
  });

  test('a created time too old or in the future is refused', async () => {
    await assert.rejects(
      verifyDeviceRequest(await signed({ created: new Date(now.getTime() - 301_000) }), deps()),
      /created time/,
    );
    await assert.rejects(
      verifyDeviceRequest(await signed({ created: new Date(now.getTime() + 301_000) }), deps()),
      /created time/,
    );
    assert.ok(await verifyDeviceRequest(await signed({ created: new Date(now.getTime() - 200_000) }), deps()));
  });

  test('a replayed request (same nonce) is refused the second time', async () => {
    const d = deps();
    const r = await signed({ nonce: 'n-1' });
    assert.ok(await verifyDeviceRequest(r, d));
    await assert.rejects(verifyDeviceRequest(r, d), /replayed/);
  });

  test('a revoked device is forbidden; an unknown key is unauthorized', async () => {
    await assert.rejects(verifyDeviceRequest(await signed({ keyid: 'dev_revoked' }), deps()), Forbidden);
    await assert.rejects(
      verifyDeviceRequest(await signed({ keyid: 'dev_nobody' }), deps()),
      (e: unknown) => e instanceof Unauthorized && /not known/.test(e.message),
    );
  });

  test('a query changed, added or dropped after signing is refused; a signature must cover @query', async () => {
    const get: SignedRequest = {
      method: 'GET',
      url: '/v1/device/manifest?station=st-a',
      headers: { host: 'cloak.local' },
    };
    const h = await signDeviceRequest(get, { keyid: 'dev_a', privateKey }, { created: now });
    const r = { ...get, headers: { ...get.headers, ...h } };
    assert.match(String(h['signature-input']), /"@query"/);
    await assert.rejects(
      verifyDeviceRequest({ ...r, url: '/v1/device/manifest?station=st-b' }, deps()),
      /does not verify/,
    );
    await assert.rejects(verifyDeviceRequest({ ...r, url: '/v1/device/manifest' }, deps()), /does not verify/);
    assert.deepEqual(await verifyDeviceRequest(r, deps()), { keyid: 'dev_a' });
    // Signed without a query, then one added.
    const plain = await signed();
    await assert.rejects(verifyDeviceRequest({ ...plain, url: '/v1/device/scans?x=1' }, deps()), /does not verify/);
    const input = String(plain.headers['signature-input']).replace('"@query" ', '');
    await assert.rejects(
      verifyDeviceRequest({ ...plain, headers: { ...plain.headers, 'signature-input': input } }, deps()),
      /lacks @query/,
    );
  });

  test('a signature cannot be moved to another path through the Host header', async () => {
    const r = await signed();
    const moved = {
      ...r,
      url: '/v1/device/parcels/CK473126555VN',
      headers: { ...r.headers, host: 'cloak.local/v1/device/scans#' },
    };
    await assert.rejects(verifyDeviceRequest(moved, deps()), /does not verify/);
  });

  test('a revoked key with a bad signature learns nothing: 401, not 403', async () => {
    await assert.rejects(
      verifyDeviceRequest(await signed({ keyid: 'dev_revoked', key: other.privateKey }), deps()),
      Unauthorized,
    );
  });

  test('a required component with parameters does not count as covering it', async () => {
    const r = await signed();
    const input = String(r.headers['signature-input']).replace('"content-digest"', '"content-digest";key="x"');
    await assert.rejects(
      verifyDeviceRequest({ ...r, headers: { ...r.headers, 'signature-input': input } }, deps()),
      /lacks content-digest/,
    );
  });

  test('unsigned requests, and signatures that skip a required component, are refused', async () => {
    await assert.rejects(verifyDeviceRequest(base, deps()), /not signed/);
    const r = await signed();
    const input = String(r.headers['signature-input'])
      .replace('"content-digest" ', '')
      .replace(' "content-digest"', '');
    await assert.rejects(
      verifyDeviceRequest({ ...r, headers: { ...r.headers, 'signature-input': input } }, deps()),
      /lacks content-digest/,
    );
    const twice = {
      ...r,
      headers: {
        ...r.headers,
        'signature-input': `${r.headers['signature-input']}, sig2=("@method");created=1;keyid="x";nonce="y"`,
      },
    };
    await assert.rejects(verifyDeviceRequest(twice, deps()), /exactly one/);
  });
});
