/**
 * Scan ingest with and without request signatures: the same batches of 1,000 scans, in one
 * run on one SQLite database. The signed side does what `POST /v1/device/scans` does on the
 * server (RFC 9421 verification with its digest, nonce and key lookup, then the ingest); the
 * unsigned side only the ingest. Devices sign before the clock starts: signing is the
 * device's cost, not the server's. `BENCH_DEVICE_BATCHES` sets the batches per side (default 40).
 * Then labels per second, ZPL and PNG.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp, type App } from '../src/app.ts';
import { loadConfig } from '../src/lib/config.ts';
import { signDeviceRequest, verifyDeviceRequest, type SignedRequest } from '../src/devices/httpsig.ts';
import { SCAN_STEPS } from '../src/waybill/waybill.fns.ts';
import { labelPng, labelZpl } from '../src/waybill/label.ts';
import { say, bench } from './report.ts';

const BATCH = 1000;
const PARCELS = 2000;

export async function run(): Promise<void> {
  const raw = process.env.BENCH_DEVICE_BATCHES ?? '40';
  if (!/^\d+$/.test(raw) || Number(raw) < 2)
    throw new Error(`BENCH_DEVICE_BATCHES must be a whole number of at least 2, not "${raw}"`);
  const batches = Number(raw);
  const dir = mkdtempSync(join(tmpdir(), 'cloak-bench-'));
  let app: App | undefined;
  try {
    app = await createApp(loadConfig({ CLOAK_DATA_DIR: dir, CLOAK_LOG_LEVEL: 'warn' }));
    await app.devices.createStation({ id: 'hub', name: 'hub', kind: 'hub' });
    await app.devices.createStation({ id: 'dest', name: 'dest', kind: 'delivery' });
    const [s] = await app.vault.createSubjects([
      { externalId: 'bench-recipient', fields: { name: 'Bench Recipient' } },
    ]);
    const parcels: string[] = [];
    for (let i = 0; i < PARCELS; i++)
      parcels.push(
        (await app.waybill.createParcel({ recipient: s!.token, origin: 'hub', destination: 'dest' })).tracking,
      );
    const key = generateKeyPairSync('ed25519');
    const { code } = await app.devices.issueEnrollmentCode({ station: 'hub', kind: 'scanner' });
    const dev = await app.devices.enroll({
      code,
      publicKey: Buffer.from(key.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64'),
      build: '0'.repeat(64),
    });
    const caller = { id: dev.id, station: dev.station, kind: dev.kind, status: dev.status };
    say(
      `# devices: ${batches} batches of ${BATCH} scans per side over ${PARCELS} parcels, sqlite, load average ${loadavg()[0]!.toFixed(1)}, node ${process.version}`,
    );

    // Every batch is built and signed before any timing.
    const prepared: SignedRequest[] = [];
    for (let b = 0; b < 2 * batches + 2; b++) {
      const scans = Array.from({ length: BATCH }, (_, i) => ({
        parcel: parcels[(b * BATCH + i) % PARCELS]!,
        step: SCAN_STEPS[(b + i) % 3]!,
      }));
      const req: SignedRequest = {
        method: 'POST',
        url: '/v1/device/scans',
        headers: { host: 'cloak.local', 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ scans })),
      };
      prepared.push({
        ...req,
        headers: { ...req.headers, ...(await signDeviceRequest(req, { keyid: dev.id, privateKey: key.privateKey })) },
      });
    }
    // The store the gateway uses: nonces in the database.
    const nonces = app.devices.nonceStore();
    const signed = async (req: SignedRequest) => {
      const t0 = performance.now();
      await verifyDeviceRequest(req, { keyOf: app!.devices.keyOf, nonces, now: new Date(), maxSkewSeconds: 3600 });
      const r = await app!.waybill.ingestScans(
        caller,
        (JSON.parse(req.body!.toString('utf8')) as { scans: { parcel: string; step: string }[] }).scans,
      );
      if (r.accepted !== BATCH) throw new Error(`signed batch accepted ${r.accepted} of ${BATCH}`);
      return performance.now() - t0;
    };
    const unsigned = async (req: SignedRequest) => {
      const t0 = performance.now();
      const r = await app!.waybill.ingestScans(
        caller,
        (JSON.parse(req.body!.toString('utf8')) as { scans: { parcel: string; step: string }[] }).scans,
      );
      if (r.accepted !== BATCH) throw new Error(`unsigned batch accepted ${r.accepted} of ${BATCH}`);
      return performance.now() - t0;
    };
    // One untimed batch each, then alternate, taking turns going first.
    await signed(prepared[0]!);
    await unsigned(prepared[1]!);
    let signedMs = 0;
    let unsignedMs = 0;
    for (let b = 0; b < batches; b++) {
      const [x, y] = [prepared[2 + 2 * b]!, prepared[3 + 2 * b]!];
      if (b % 2 === 0) {
        signedMs += await signed(x);
        unsignedMs += await unsigned(y);
      } else {
        unsignedMs += await unsigned(y);
        signedMs += await signed(x);
      }
    }
    const signedPerS = (batches * BATCH * 1000) / signedMs;
    const unsignedPerS = (batches * BATCH * 1000) / unsignedMs;
    say(
      `# devices.scan_ingest: signed ${(signedMs / batches).toFixed(1)} ms a batch, unsigned ${(unsignedMs / batches).toFixed(1)} ms a batch`,
    );
    bench('devices.scan_ingest.signed_per_s', Math.round(signedPerS).toString(), 'scans/s');
    bench('devices.scan_ingest.unsigned_per_s', Math.round(unsignedPerS).toString(), 'scans/s');
    bench('devices.scan_ingest.ratio', (signedPerS / unsignedPerS).toFixed(2), 'x');

    // Labels: each one read from the parcel and the vault's masks, then rendered.
    const ctx = { actor: 'service:bench' };
    const rate = async (n: number, render: (tracking: string) => Promise<unknown>) => {
      await render(parcels[0]!);
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await render(parcels[i % PARCELS]!);
      return (n * 1000) / (performance.now() - t0);
    };
    const zpl = await rate(500, async (t) => labelZpl(await app!.waybill.label(t, ctx)));
    const png = await rate(40, async (t) => labelPng(await app!.waybill.label(t, ctx)));
    say('# devices.label: each label read from its parcel and the masks, then rendered (ZPL 500 labels, PNG 40)');
    bench('devices.label.zpl_per_s', Math.round(zpl).toString(), 'labels/s');
    bench('devices.label.png_per_s', png.toFixed(1), 'labels/s');
  } finally {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
