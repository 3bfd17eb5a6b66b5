import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { request } from 'node:http';
import { serverOn } from '../test/dialects.ts';
import { buildApi } from '../src/api/server.ts';
import { requireScope } from '../src/api/auth.ts';
import { signDeviceRequest } from '../src/devices/httpsig.ts';
import { enrollDevice } from '../test/devices.ts';

/**
 * Nothing is read before it is allowed: every route of the OpenAPI document, sent a body
 * without a credential, is answered 401 (an unknown route 404) as soon as its headers
 * arrive, whether the body is oversized or slow; the few public routes that take a body
 * by design refuse an oversized one with 413; and the leak-trace upload, the one route that
 * takes a large body, no longer buffers 200 MB of JSON or text for a caller without a token.
 */

const MiB = 2 ** 20;
const CHUNK = Buffer.alloc(64 * 1024, 0x61); // "aaaa…": inside a JSON string, valid all along

type Answer = { status: number; sent: number; ms: number; error?: string };

/**
 * Sends `path` a body of `declared` bytes (Content-Length), writing as fast as the server
 * takes it until `stopAfter` bytes, and stops writing the moment an answer arrives. Resolves
 * with the status (0: no answer within `waitMs`), how much was sent by then, and how long
 * the answer took.
 */
function send(
  base: string,
  method: string,
  path: string,
  opts: {
    declared: number;
    stopAfter: number;
    type?: string;
    headers?: Record<string, string>;
    waitMs?: number;
    onProgress?: () => void;
  },
): Promise<Answer> {
  const start = performance.now();
  return new Promise((resolve) => {
    let sent = 0;
    let settled = false;
    const req = request(new URL(path, base), {
      method,
      headers: {
        'content-type': opts.type ?? 'application/json',
        'content-length': String(opts.declared),
        ...opts.headers,
      },
    });
    const finish = (a: Omit<Answer, 'sent' | 'ms'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...a, sent, ms: Math.round(performance.now() - start) });
      req.destroy();
    };
    const timer = setTimeout(() => finish({ status: 0, error: 'no answer' }), opts.waitMs ?? 5000);
    req.on('response', (res) => {
      res.resume();
      finish({ status: res.statusCode ?? 0 });
    });
    req.on('error', (e) =>
      setTimeout(() => finish({ status: 0, error: (e as NodeJS.ErrnoException).code ?? e.message }), 50),
    );
    const pump = () => {
      while (!settled && sent < opts.stopAfter) {
        const n = Math.min(CHUNK.length, opts.stopAfter - sent);
        // JSON bodies are one long string, well-formed once complete.
        const json = (opts.type ?? 'application/json').includes('json');
        let chunk = CHUNK.subarray(0, n);
        if (json && sent === 0) chunk = Buffer.concat([Buffer.from('"'), chunk.subarray(1)]);
        if (json && sent + n === opts.declared) chunk = Buffer.concat([chunk.subarray(0, n - 1), Buffer.from('"')]);
        sent += n;
        opts.onProgress?.();
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
    };
    req.flushHeaders();
    pump();
  });
}

/** Runs `jobs`, `n` at a time, and gives their results in order. */
async function pooled<T>(n: number, jobs: (() => Promise<T>)[]): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
}

/** Every operation of the OpenAPI document, its path parameters filled in. */
type Operation = { method: string; path: string; url: string; public: boolean };

async function operations(base: string): Promise<Operation[]> {
  const doc = (await (await fetch(`${base}/docs/json`)).json()) as {
    paths: Record<string, Record<string, { security?: unknown[] }>>;
  };
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      ops.push({
        method: method.toUpperCase(),
        path,
        url: path.replace(/\{[^}]+\}/g, 'x-nope'),
        public: !op.security || op.security.length === 0,
      });
    }
  }
  return ops;
}

describe('nothing is read before it is allowed', () => {
  const s = serverOn();

  test('every route answers a caller without a credential before reading their body: 401 for an oversized and for a slow body; unknown routes 404', async () => {
    const ops = await operations(s.url);
    assert.ok(ops.length >= 90, `the OpenAPI document lists ${ops.length} operations`);
    const guarded = ops.filter((o) => !o.public);
    const unknown: Operation[] = [
      { method: 'POST', path: '/v1/no-such-route', url: '/v1/no-such-route', public: false },
      { method: 'PUT', path: '/v1/traces', url: '/v1/traces', public: false },
    ];
    const declared = 50 * MiB;
    const results = await pooled(
      8,
      [...guarded, ...unknown].flatMap((o) => [
        // Oversized: 50 MB declared, written as fast as the server reads it.
        () =>
          send(s.url, o.method, o.url, { declared, stopAfter: declared }).then((a) => ({ o, kind: 'oversized', a })),
        // Slow: a few bytes, then nothing more.
        () => send(s.url, o.method, o.url, { declared: 1000, stopAfter: 8 }).then((a) => ({ o, kind: 'slow', a })),
      ]),
    );
    const bad = results.filter(
      ({ o, kind, a }) =>
        a.status !== (unknown.includes(o) ? 404 : 401) || (kind === 'oversized' && a.sent >= declared),
    );
    assert.deepEqual(
      bad.map(
        ({ o, kind, a }) =>
          `${o.method} ${o.path} (${kind}): ${a.status || a.error} after ${a.ms} ms, ${a.sent} bytes sent`,
      ),
      [],
      'each route must answer before the body is read',
    );
    // Prompt: each answer came as soon as the headers did, not after a timeout.
    assert.ok(Math.max(...results.map((r) => r.a.ms)) < 4000);
  });

  test('the public routes that take a body by design are the known few, and refuse an oversized body with 413', async () => {
    const ops = await operations(s.url);
    const withBody = ops.filter((o) => o.public && o.method !== 'GET').map((o) => `${o.method} ${o.path}`);
    assert.deepEqual(
      withBody.sort(),
      ['POST /v1/affected/start', 'POST /v1/affected/verify', 'POST /v1/devices/enroll'],
      'a new public route with a body: add it here once it is meant to be public',
    );
    const limit = s.app.config.bodyMaxBytes;
    assert.equal(limit, MiB, 'the default body limit is 1 MiB');
    for (const route of withBody) {
      const [method, path] = route.split(' ') as [string, string];
      // Declared too large: refused before a byte is read.
      const a = await send(s.url, method, path, { declared: 50 * MiB, stopAfter: 50 * MiB });
      assert.equal(a.status, 413, `${route}: ${a.status || a.error}`);
      assert.ok(a.sent < 50 * MiB, `${route}: answered before the body was sent`);
    }
  });

  test('an authenticated caller without the role is refused before their body is read too', async () => {
    const support = (await s.app.staff.create({ id: 'sup-body', role: 'support' }, 'system')).token;
    const a = await send(s.url, 'POST', '/v1/traces', {
      declared: 50 * MiB,
      stopAfter: 50 * MiB,
      headers: { authorization: `Bearer ${support}` },
    });
    assert.equal(a.status, 403, a.error);
    assert.ok(a.sent < 50 * MiB);
  });

  for (const type of ['application/json', 'text/plain']) {
    test(`200 MB of ${type} to POST /v1/traces without a token: 401, and the server's memory does not grow by the body`, async () => {
      global.gc?.();
      const base = process.memoryUsage().rss;
      let peak = base;
      const size = 200 * MiB;
      const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
      const a = await send(s.url, 'POST', '/v1/traces', {
        declared: size,
        stopAfter: size,
        type,
        waitMs: 30_000,
        onProgress: () => (peak = Math.max(peak, process.memoryUsage().rss)),
      });
      clearInterval(sample);
      peak = Math.max(peak, process.memoryUsage().rss);
      assert.ok(peak - base < 50 * MiB, `the process grew by ${Math.round((peak - base) / MiB)} MB`);
      assert.ok(a.sent < size, `answered after the whole body (${a.sent} bytes) was sent`);
      assert.equal(a.status, 401, `${a.error ?? ''} after ${a.ms} ms`);
    });
  }

  test('the device gateway: a signature by a key that is not the device’s is refused before the body; a genuine device still has the small limit', async () => {
    await s.app.devices.createStation({ id: 'st-body', name: 'Body station', kind: 'delivery' });
    // An enrolled device whose private key the attacker does not have: its id, with another key.
    const victim = await enrollDevice(s.app, 'st-body', 'scanner');
    const forger = generateKeyPairSync('ed25519').privateKey;
    const path = '/v1/device/scans';
    const forged = await signDeviceRequest(
      { method: 'POST', url: path, headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') },
      { keyid: victim.id, privateKey: forger },
    );
    for (const [declared, stopAfter] of [
      [50 * MiB, 50 * MiB],
      [1000, 8],
    ] as const) {
      const a = await send(s.url, 'POST', path, { declared, stopAfter, headers: forged });
      assert.equal(a.status, 401, `${declared} bytes: ${a.error ?? ''}`);
      assert.ok(a.sent < declared);
    }
    // The device's own key: authenticated, and still refused more than the body limit.
    const key = generateKeyPairSync('ed25519');
    const { code } = await s.app.devices.issueEnrollmentCode({ station: 'st-body', kind: 'scanner' });
    const own = await s.app.devices.enroll({
      code,
      publicKey: Buffer.from(key.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64'),
      build: 'e'.repeat(64),
    });
    const genuine = await signDeviceRequest(
      { method: 'POST', url: path, headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') },
      { keyid: own.id, privateKey: key.privateKey },
    );
    const big = await send(s.url, 'POST', path, { declared: 50 * MiB, stopAfter: 50 * MiB, headers: genuine });
    assert.equal(big.status, 413, big.error);
  });

  test('a route that declares security but would read its body before authenticating stops the start; an authenticator written as a preHandler is moved before the body', async () => {
    const api = await buildApi(s.app);
    const schema = { security: [{ bearer: [] }] };
    assert.throws(
      () => api.post('/v1/unguarded', { schema, preHandler: async () => undefined }, async () => ({})),
      /POST \/v1\/unguarded declares security but would read its body before authenticating/,
    );
    api.post('/v1/guarded', { schema, preHandler: requireScope(s.app.apiKeys, 'admin') }, async () => ({ ok: true }));
    await api.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = api.server.address() as { port: number };
      const a = await send(`http://127.0.0.1:${port}`, 'POST', '/v1/guarded', { declared: 1000, stopAfter: 8 });
      assert.equal(a.status, 401, a.error);
    } finally {
      await api.close();
    }
  });

  test('an investigator uploads JSON and text as files, streamed (not parsed); a declared size over the limit is refused before it is read', async () => {
    const investigator = (await s.app.staff.create({ id: 'inv-body', role: 'investigator' }, 'system')).token;
    const upload = (body: string, type: string) =>
      fetch(`${s.url}/v1/traces?name=dump`, {
        method: 'POST',
        headers: { authorization: `Bearer ${investigator}`, 'content-type': type },
        body,
      }).then(async (r) => ({ status: r.status, json: (await r.json()) as { bytes: number } }));
    const json = '[{"phone":"0912 000 100"}]';
    const j = await upload(json, 'application/json');
    assert.equal(j.status, 202, JSON.stringify(j.json));
    assert.equal(j.json.bytes, json.length, 'the file as received, not re-serialized');
    const t = await upload('phone\n0912 000 100\n', 'text/plain');
    assert.equal(t.status, 202, JSON.stringify(t.json));
    const big = await send(s.url, 'POST', '/v1/traces', {
      declared: s.app.config.traceMaxBytes + 1,
      stopAfter: 16 * MiB,
      type: 'text/csv',
      headers: { authorization: `Bearer ${investigator}` },
    });
    assert.equal(big.status, 413, big.error);
    assert.ok(big.sent < 16 * MiB);
  });
});

describe('a route open to anyone waits for its body only so long', () => {
  const s = serverOn({ CLOAK_PUBLIC_BODY_SECONDS: '1' });

  test('a slow body to each public route is answered 408 once CLOAK_PUBLIC_BODY_SECONDS pass, and the connection closed; a whole body is served as before', async () => {
    const ops = (await operations(s.url)).filter((o) => o.public && o.method !== 'GET');
    assert.equal(ops.length, 3);
    const answers = await Promise.all(
      ops.map((o) =>
        send(s.url, o.method, o.url, { declared: 1000, stopAfter: 8, waitMs: 6000 }).then((a) => ({ o, a })),
      ),
    );
    for (const { o, a } of answers) {
      assert.equal(a.status, 408, `${o.method} ${o.path}: ${a.status || a.error}`);
      assert.ok(a.ms >= 900 && a.ms < 4000, `${o.method} ${o.path}: answered after ${a.ms} ms`);
    }
    // Sent whole and at once, the same route answers as it always did (here: the body is not a valid request).
    const r = await fetch(`${s.url}/v1/affected/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"nope":1}',
    });
    assert.equal(r.status, 400);
    const body = (await r.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'invalid_input');
  });
});
