import { randomInt } from 'node:crypto';
import type { EventBus } from '../bus/bus.ts';
import type { Clock } from '../lib/clock.ts';
import { Forbidden, InvalidInput, NotFound } from '../lib/errors.ts';
import type { Logger } from '../lib/log.ts';
import type { DevicesService } from '../devices/devices.service.ts';
import type { VaultService } from '../vault/vault.service.ts';
import type { CanaryService } from '../canaries/canary.service.ts';
import type { ParcelTable } from './waybill.tables.ts';
import { SCAN_STEPS, isTrackingNumber, sortCode, trackingNumber, type ScanStep } from './waybill.fns.ts';
import type { WaybillRepo } from './waybill.repo.ts';
import type { Caller, Parcel, Routing, ScanIn } from './waybill.types.ts';
import { labelRef, type LabelModel } from './label.ts';

export type WaybillDeps = {
  repo: WaybillRepo;
  vault: Pick<VaultService, 'exists' | 'getMasked'>;
  /** Key of the labels' signed references (derived from the keyring). */
  labelKey: Buffer;
  devices: Pick<DevicesService, 'station'>;
  /** Each scanner's manifest carries a canary parcel of its own (see canaries/canary.service.ts). */
  canaries: Pick<CanaryService, 'plant' | 'which' | 'ofChannel'>;
  bus: Pick<EventBus, 'publish'>;
  clock: Clock;
  log: Logger;
};

/** Most scans one signed batch may carry. */
export const MAX_SCAN_BATCH = 1000;
/** Most parcels a manifest lists. */
const MANIFEST_LIMIT = 500;
// A scan's own time may lag (a device offline for a while) but not run ahead of the server.
const MAX_SCAN_AGE_MS = 7 * 24 * 3600_000;
const MAX_SCAN_AHEAD_MS = 5 * 60_000;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

function toParcel(p: ParcelTable): Parcel {
  return {
    tracking: p.tracking,
    recipient: p.recipient,
    sender: p.sender,
    origin: p.origin,
    destination: p.destination,
    sortCode: p.sort_code,
    nextHop: p.status === 'delivered' ? null : p.destination,
    status: p.status as Parcel['status'],
    createdAt: p.created_at,
  };
}

/**
 * Parcels and routes: created by the platform for a recipient held in the vault (by token),
 * scanned by devices in signed batches, and read by devices only as far as their station's
 * flow needs (routing data, never personal data). Every scan and every device read, allowed
 * or refused, is published.
 */
export function createWaybillService(deps: WaybillDeps) {
  const { repo, clock, bus } = deps;

  const service = {
    async createParcel(req: {
      recipient: string;
      sender?: string;
      origin: string;
      destination: string;
    }): Promise<Parcel> {
      const errors = [];
      if (!(await deps.vault.exists(req.recipient)))
        errors.push({ path: '/recipient', problem: 'is not the token of a subject in the vault' });
      if (req.sender !== undefined && !(await deps.vault.exists(req.sender)))
        errors.push({ path: '/sender', problem: 'is not the token of a subject in the vault' });
      if (!(await deps.devices.station(req.origin))) errors.push({ path: '/origin', problem: 'is not a station' });
      if (!(await deps.devices.station(req.destination)))
        errors.push({ path: '/destination', problem: 'is not a station' });
      if (errors.length) throw new InvalidInput('the parcel cannot be created', errors);
      const now = clock.now().toISOString();
      for (let attempt = 0; ; attempt++) {
        const row: ParcelTable = {
          tracking: trackingNumber(randomInt(100_000_000)),
          recipient: req.recipient,
          sender: req.sender ?? null,
          origin: req.origin,
          destination: req.destination,
          sort_code: sortCode(req.destination),
          status: 'created',
          last_scan_at: null,
          created_at: now,
          updated_at: now,
        };
        try {
          await repo.insertParcel(row);
        } catch (e) {
          // A random serial can collide with an existing one: draw another.
          if (
            attempt < 5 &&
            /UNIQUE|23505|PRIMARYKEY/i.test(String((e as { code?: string }).code ?? (e as Error).message))
          )
            continue;
          throw e;
        }
        await bus.publish({
          type: 'parcel',
          at: now,
          parcel: row.tracking,
          customer: row.recipient,
          station: row.destination,
          origin: row.origin,
          destination: row.destination,
        });
        return toParcel(row);
      }
    },

    /** For tracing: the parcels of these customers, and which devices scanned each. */
    async parcelsAndScannersOf(
      tokens: readonly string[],
    ): Promise<{ parcels: Map<string, string>; scanners: { tracking: string; device: string }[] }> {
      const parcels = new Map((await deps.repo.parcelsOfRecipients(tokens)).map((p) => [p.tracking, p.recipient]));
      return { parcels, scanners: await deps.repo.scannersOf([...parcels.keys()]) };
    },

    /** The recipient (vault token) of each known tracking number, for tracing a leaked file. */
    async recipientsOf(trackings: readonly string[]): Promise<Map<string, string>> {
      const out = new Map<string, string>();
      for (const [t, p] of await deps.repo.getParcels(trackings)) out.set(t, p.recipient);
      return out;
    },

    /** Shipments (sales data: tokens and routes, no personal data) a page at a time, for exports. */
    async page(
      after: string,
      limit: number,
    ): Promise<{
      rows: {
        tracking: string;
        recipient: string;
        sender: string | null;
        origin: string;
        destination: string;
        status: string;
        createdAt: string;
      }[];
      cursor: string;
    }> {
      const rows = await deps.repo.pageParcels(after, limit);
      return {
        rows: rows.map((p) => ({
          tracking: p.tracking,
          recipient: p.recipient,
          sender: p.sender,
          origin: p.origin,
          destination: p.destination,
          status: p.status,
          createdAt: p.created_at,
        })),
        cursor: rows.length ? rows[rows.length - 1]!.tracking : after,
      };
    },

    async get(
      tracking: string,
    ): Promise<Parcel & { timeline: { at: string; step: string; station: string; device: string }[] }> {
      const p = isTrackingNumber(tracking) ? await repo.getParcel(tracking) : undefined;
      if (!p) throw new NotFound('no parcel has this tracking number');
      const timeline = (await repo.timeline(tracking)).map((s) => ({
        at: s.at,
        step: s.step,
        station: s.station,
        device: s.device,
      }));
      return { ...toParcel(p), timeline };
    },

    /** The time of each device's latest scan (device id → ISO time), in one query. */
    async lastScans(): Promise<Map<string, string>> {
      return new Map((await repo.lastScans()).map((r) => [r.device, String(r.at)]));
    },

    /** A device's recent scans, newest first (for the quarantine view). */
    async recentScans(
      device: string,
      limit = 100,
    ): Promise<{ at: string; step: string; parcel: string; station: string }[]> {
      return (await repo.scansByDevice(device, limit)).map((s) => ({
        at: s.at,
        step: s.step,
        parcel: s.tracking,
        station: s.station,
      }));
    },

    /**
     * The label of a parcel: tracking number, signed reference, route and masks only (the
     * masks are read without decrypting anything).
     */
    async label(tracking: string, ctx: { actor: string }): Promise<LabelModel> {
      const p = isTrackingNumber(tracking) ? await repo.getParcel(tracking) : undefined;
      if (!p) throw new NotFound('no parcel has this tracking number');
      const r = await deps.vault.getMasked(p.recipient, ctx);
      const s = p.sender ? await deps.vault.getMasked(p.sender, ctx) : undefined;
      return {
        tracking: p.tracking,
        ref: labelRef(deps.labelKey, p.tracking),
        sortCode: p.sort_code,
        origin: p.origin,
        destination: p.destination,
        recipient: { name: r.fields.name ?? '', phone: r.fields.phone ?? '', address: r.fields.address ?? '' },
        sender: s ? { name: s.fields.name ?? '', phone: s.fields.phone ?? '' } : null,
        createdAt: p.created_at,
      };
    },

    /**
     * Ingests one signed batch of scans from a device: each scan is checked, the good ones
     * stored together, the bad ones listed by index. The station is the device's own.
     */
    async ingestScans(
      caller: Caller,
      scans: readonly ScanIn[],
    ): Promise<{ accepted: number; rejected: { index: number; problem: string }[] }> {
      if (caller.kind !== 'scanner') throw new Forbidden('only scanners send scans');
      if (!Array.isArray(scans) || scans.length === 0 || scans.length > MAX_SCAN_BATCH) {
        throw new InvalidInput(`a batch holds 1 to ${MAX_SCAN_BATCH} scans`, [
          { path: '/scans', problem: 'wrong number of scans' },
        ]);
      }
      const now = clock.now();
      const parcels = await repo.getParcels(scans.map((s) => (typeof s?.parcel === 'string' ? s.parcel : '')));
      const rejected: { index: number; problem: string }[] = [];
      const good: { tracking: string; at: string; step: ScanStep; station: string; device: string }[] = [];
      scans.forEach((s, index) => {
        const p = typeof s?.parcel === 'string' ? parcels.get(s.parcel) : undefined;
        // One answer for "no such parcel" and "not routed through here": a scanner cannot use
        // scans to find which tracking numbers exist, nor scan its way into another flow.
        if (!p || (p.origin !== caller.station && p.destination !== caller.station))
          return void rejected.push({ index, problem: 'unknown parcel, or not routed through this station' });
        if (!(SCAN_STEPS as readonly string[]).includes(s.step))
          return void rejected.push({ index, problem: `step must be one of ${SCAN_STEPS.join(', ')}` });
        if (s.step === 'delivered' && p.destination !== caller.station)
          return void rejected.push({ index, problem: 'only the destination station delivers' });
        if (s.at !== undefined && !ISO_TIME.test(s.at))
          return void rejected.push({
            index,
            problem: 'at must be an ISO 8601 time with a zone, e.g. 2026-11-29T08:15:00Z',
          });
        const at = s.at === undefined ? now : new Date(s.at);
        if (
          Number.isNaN(at.getTime()) ||
          at.getTime() > now.getTime() + MAX_SCAN_AHEAD_MS ||
          at.getTime() < now.getTime() - MAX_SCAN_AGE_MS
        ) {
          return void rejected.push({ index, problem: 'at must be an ISO time within the last 7 days' });
        }
        good.push({
          tracking: s.parcel,
          at: at.toISOString(),
          step: s.step as ScanStep,
          station: caller.station,
          device: caller.id,
        });
      });
      if (good.length) await repo.recordScans(good, now.toISOString());
      for (const g of good)
        await bus.publish({
          type: 'scan',
          at: g.at,
          device: caller.id,
          parcel: g.tracking,
          station: g.station,
          step: g.step,
        });
      return { accepted: good.length, rejected };
    },

    /**
     * What a device may read of a parcel. A scanner: routing data for a parcel in its
     * station's flow (routed from or to its station). Anything else is
     * refused as if the parcel did not exist, and the refusal is published.
     */
    /**
     * A scanner's manifest: the parcels coming to or leaving its station, routing data only.
     * Each scanner's manifest also lists one canary parcel of its own (a synthetic customer,
     * no parcel ships): a harvester reading or dumping its manifest gives itself away, and a
     * leaked list of tracking numbers points to the one device that could have had it. Other
     * devices' canaries are left out.
     */
    async manifest(caller: Caller): Promise<Routing[]> {
      if (caller.kind !== 'scanner') throw new NotFound('only scanners have a manifest');
      const channel = `device:${caller.id}`;
      if ((await deps.canaries.ofChannel(channel)).length === 0) {
        const [c] = await deps.canaries.plant(channel, `manifest of ${caller.id} at ${caller.station}`, 1);
        await service.createParcel({ recipient: c!.token, origin: caller.station, destination: caller.station });
      }
      const rows = await repo.manifest(caller.station, MANIFEST_LIMIT);
      const planted = await deps.canaries.which(rows.map((r) => r.recipient));
      await bus.publish({
        type: 'lookup',
        at: clock.now().toISOString(),
        actor: `device:${caller.id}`,
        result: 'ok',
        fields: ['manifest'],
      });
      return rows
        .filter((r) => planted.get(r.recipient)?.channel === undefined || planted.get(r.recipient)!.channel === channel)
        .map((r) => {
          const p = toParcel(r);
          return { tracking: p.tracking, sortCode: p.sortCode, nextHop: p.nextHop, status: p.status };
        });
    },

    async readForDevice(caller: Caller, tracking: string): Promise<Routing> {
      const at = clock.now().toISOString();
      const p = isTrackingNumber(tracking) ? await repo.getParcel(tracking) : undefined;
      // The route decides, not the scans: a scan is no way into another station's flow.
      const inFlow =
        p !== undefined &&
        caller.kind === 'scanner' &&
        (p.origin === caller.station || p.destination === caller.station);
      if (!p || !inFlow) {
        await bus.publish({
          type: 'lookup',
          at,
          actor: `device:${caller.id}`,
          result: 'denied',
          ...(p ? { parcel: p.tracking } : {}),
          fields: ['routing'],
        });
        deps.log.info({ device: caller.id, known: p !== undefined }, 'waybill: device read refused');
        throw new NotFound('no parcel with this tracking number is in this device’s flow');
      }
      await bus.publish({
        type: 'lookup',
        at,
        actor: `device:${caller.id}`,
        result: 'ok',
        parcel: p.tracking,
        customer: p.recipient,
        fields: ['routing'],
      });
      const parcel = toParcel(p);
      return { tracking: parcel.tracking, sortCode: parcel.sortCode, nextHop: parcel.nextHop, status: parcel.status };
    },
  };
  return service;
}
export type WaybillService = ReturnType<typeof createWaybillService>;
