import { createPublicKey, randomBytes } from 'node:crypto';
import type { EventBus } from '../bus/bus.ts';
import type { CloakEvent } from '../bus/events.ts';
import type { Clock } from '../lib/clock.ts';
import { randomId, sha256 } from '../lib/crypto.ts';
import { Conflict, InvalidInput, NotFound, Unauthorized } from '../lib/errors.ts';
import type { Logger } from '../lib/log.ts';
import type { DevicesRepo } from './devices.repo.ts';
import {
  DEVICE_KINDS,
  DEVICE_STATUSES,
  STATION_KINDS,
  type Device,
  type DeviceKind,
  type DeviceStatus,
  type Station,
  type StationKind,
} from './devices.types.ts';
import type { DeviceKey, NonceStore } from './httpsig.ts';
import type { DeviceTable } from './devices.tables.ts';
import type { RateBudgets } from '../lib/ratelimit.ts';

export type DevicesDeps = {
  repo: DevicesRepo;
  bus: Pick<EventBus, 'publish'>;
  clock: Clock;
  log: Logger;
  /** Rate budgets in the database (shared by every node, kept across restarts). */
  budgets: RateBudgets;
};

const STATION_ID = /^[a-z0-9][a-z0-9-]{1,39}$/;
const BUILD = /^[0-9a-f]{64}$/;
// Codes are typed on a scanner's keypad or scanned from a screen: 15 characters of an
// unambiguous alphabet in three groups (75 bits), single use, short-lived.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** What a restricted (quarantined) device may still ask: on average one request a second. */
const RESTRICTED = { limit: 5, windowMs: 5_000 };

function normalizeCode(code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** A raw 32-byte Ed25519 public key from base64/base64url, or from a PEM SPKI; undefined if neither. */
export function parsePublicKey(text: string): Buffer | undefined {
  try {
    if (text.includes('BEGIN PUBLIC KEY')) {
      const k = createPublicKey(text);
      if (k.asymmetricKeyType !== 'ed25519') return undefined;
      return Buffer.from(k.export({ format: 'jwk' }).x!, 'base64url');
    }
    if (!/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) return undefined;
    const raw = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (raw.length !== 32) return undefined;
    createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
    return raw;
  } catch {
    return undefined;
  }
}

/**
 * Device trust: stations, one-time enrollment codes, devices with their Ed25519 keys and
 * reported builds, the build allow-list, and quarantine (restrict, revoke). Every
 * enrollment, build report and status change is published as a `device` event.
 */
export function createDevicesService(deps: DevicesDeps) {
  const { repo, clock, log, budgets } = deps;

  async function view(d: DeviceTable, known?: boolean): Promise<Device> {
    return {
      id: d.id,
      station: d.station_id,
      kind: d.kind as DeviceKind,
      build: d.build,
      buildKnown: known ?? (await repo.isKnownBuild(d.build)),
      status: d.status as DeviceStatus,
      enrolledAt: d.enrolled_at,
      statusAt: d.status_at,
    };
  }
  async function publish(d: Device): Promise<void> {
    await deps.bus.publish({
      type: 'device',
      at: clock.now().toISOString(),
      id: d.id,
      station: d.station,
      build: d.build,
      kind: d.kind,
      status: d.status,
    });
  }
  function checkBuild(build: unknown): string {
    if (typeof build !== 'string' || !BUILD.test(build))
      throw new InvalidInput('a build is the SHA-256 of the software, 64 lower-case hex digits', [
        { path: '/build', problem: 'must be 64 lower-case hex digits' },
      ]);
    return build;
  }

  return {
    async createStation(req: { id: string; name: string; kind: string }): Promise<Station> {
      const errors = [];
      if (typeof req.id !== 'string' || !STATION_ID.test(req.id))
        errors.push({ path: '/id', problem: 'must be 2-40 lower-case letters, digits or -' });
      if (typeof req.name !== 'string' || req.name.trim() === '' || req.name.length > 120)
        errors.push({ path: '/name', problem: 'must be 1-120 characters' });
      if (!(STATION_KINDS as readonly string[]).includes(req.kind))
        errors.push({ path: '/kind', problem: `must be one of ${STATION_KINDS.join(', ')}` });
      if (errors.length) throw new InvalidInput('the station is not valid', errors);
      if (await repo.getStation(req.id)) throw new Conflict(`a station with id ${req.id} already exists`);
      const createdAt = clock.now().toISOString();
      await repo.insertStation({ id: req.id, name: req.name.trim(), kind: req.kind, created_at: createdAt });
      return { id: req.id, name: req.name.trim(), kind: req.kind as StationKind, createdAt };
    },

    async station(id: string): Promise<Station | undefined> {
      const s = await repo.getStation(id);
      return s && { id: s.id, name: s.name, kind: s.kind as StationKind, createdAt: s.created_at };
    },

    async listStations(): Promise<Station[]> {
      return (await repo.listStations()).map((s) => ({
        id: s.id,
        name: s.name,
        kind: s.kind as StationKind,
        createdAt: s.created_at,
      }));
    },

    /**
     * Issues a one-time code that enrolls one device of `kind` at `station`. Only its hash is
     * stored; the code is shown once.
     */
    async issueEnrollmentCode(req: {
      station: string;
      kind: string;
      ttlMinutes?: number;
    }): Promise<{ code: string; station: string; kind: DeviceKind; expiresAt: string }> {
      if (!(DEVICE_KINDS as readonly string[]).includes(req.kind))
        throw new InvalidInput(`kind must be one of ${DEVICE_KINDS.join(', ')}`, [
          { path: '/kind', problem: 'unknown device kind' },
        ]);
      const ttl = req.ttlMinutes ?? 60;
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > 7 * 24 * 60)
        throw new InvalidInput('ttlMinutes must be a whole number of minutes from 1 to 10080', [
          { path: '/ttlMinutes', problem: 'out of range' },
        ]);
      if (!(await repo.getStation(req.station))) throw new NotFound('no station has this id');
      const bytes = randomBytes(15);
      const raw = [...bytes].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
      const code = `${raw.slice(0, 5)}-${raw.slice(5, 10)}-${raw.slice(10)}`;
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + ttl * 60_000).toISOString();
      await repo.insertCode({
        code_hash: sha256(normalizeCode(code)),
        station_id: req.station,
        kind: req.kind,
        expires_at: expiresAt,
        created_at: now.toISOString(),
      });
      log.info({ station: req.station, kind: req.kind, expiresAt }, 'devices: enrollment code issued');
      return { code, station: req.station, kind: req.kind as DeviceKind, expiresAt };
    },

    /**
     * Enrolls a device with a one-time code: registers the public key it generated and the
     * build it runs. An unknown build is enrolled but reported (`buildKnown: false`).
     */
    async enroll(req: { code: string; publicKey: string; build: string }): Promise<Device> {
      const key = typeof req.publicKey === 'string' ? parsePublicKey(req.publicKey.trim()) : undefined;
      if (!key)
        throw new InvalidInput('publicKey must be an Ed25519 public key: 32 bytes in base64, or a PEM', [
          { path: '/publicKey', problem: 'not an Ed25519 public key' },
        ]);
      const build = checkBuild(req.build);
      if (typeof req.code !== 'string')
        throw new InvalidInput('code must be a string', [{ path: '/code', problem: 'must be a string' }]);
      const now = clock.now().toISOString();
      const claimed = await repo.claimCode(sha256(normalizeCode(req.code)), now);
      if (!claimed) throw new Unauthorized('the enrollment code is unknown, already used or expired');
      const row: DeviceTable = {
        id: randomId('dev'),
        station_id: claimed.station_id,
        kind: claimed.kind,
        public_key: key,
        build,
        status: 'active',
        enrolled_at: now,
        status_at: now,
      };
      await repo.insertDevice(row);
      const d = await view(row);
      if (!d.buildKnown)
        log.warn({ device: d.id, station: d.station }, 'devices: enrolled with a build not on the allow-list');
      log.info({ device: d.id, station: d.station, kind: d.kind }, 'devices: enrolled');
      await publish(d);
      return d;
    },

    /** The key a signature's `keyid` names, for the request verifier. */
    async keyOf(keyid: string): Promise<DeviceKey | undefined> {
      const d = await repo.getDevice(keyid);
      if (!d) return undefined;
      return {
        keyid: d.id,
        publicKey: createPublicKey({
          key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(d.public_key).toString('base64url') },
          format: 'jwk',
        }),
        revoked: d.status === 'revoked',
      };
    },

    async get(id: string): Promise<Device> {
      const d = await repo.getDevice(id);
      if (!d) throw new NotFound('no device has this id');
      return view(d);
    },

    async list(station?: string): Promise<Device[]> {
      const rows = await repo.listDevices(station);
      const known = await repo.knownBuilds(rows.map((r) => r.build));
      return Promise.all(rows.map((r) => view(r, known.has(r.build))));
    },

    /** A device reports the build it now runs; unknown builds are logged and flagged. */
    async reportBuild(id: string, build: string): Promise<Device> {
      checkBuild(build);
      if (!(await repo.updateDevice(id, { build }))) throw new NotFound('no device has this id');
      const d = await this.get(id);
      if (!d.buildKnown)
        log.warn({ device: id, station: d.station }, 'devices: reported a build not on the allow-list');
      await publish(d);
      return d;
    },

    /** Quarantine and release: `restricted` (routing only, rate-limited), `revoked` (every request refused), `active`. */
    async setStatus(id: string, status: string): Promise<Device> {
      if (!(DEVICE_STATUSES as readonly string[]).includes(status))
        throw new InvalidInput(`status must be one of ${DEVICE_STATUSES.join(', ')}`, [
          { path: '/status', problem: 'unknown status' },
        ]);
      if (!(await repo.updateDevice(id, { status, status_at: clock.now().toISOString() })))
        throw new NotFound('no device has this id');
      const d = await this.get(id);
      log.warn({ device: id, status }, 'devices: status changed');
      await publish(d);
      return d;
    },

    /**
     * Uses one of a restricted device's requests (five in five seconds), in the database: a
     * quarantined device is slowed on every node and after a restart. False when none is left.
     */
    takeRestrictedBudget: (id: string): Promise<boolean> => budgets.take(`device:${id}`, RESTRICTED),

    /**
     * The nonce store of signed device requests, in the database: a request replayed after
     * a restart, or to another node, is still refused.
     */
    nonceStore(): NonceStore {
      let claims = 0;
      return {
        async claim(keyid, nonce, until) {
          const now = Math.floor(clock.now().getTime() / 1000);
          // Expired nonces are dropped now and then, not on every request.
          if (++claims % 1000 === 0) await repo.dropExpiredNonces(now);
          return repo.claimNonce(keyid, nonce, until, now);
        },
      };
    },

    /**
     * Records what a device asked for, from the `lookup` events the gateway publishes
     * (subscribed to the bus in the composition root).
     */
    async recordEvent(e: CloakEvent): Promise<void> {
      if (e.type !== 'lookup' || !e.actor.startsWith('device:')) return;
      await repo.insertActivity({
        device: e.actor.slice('device:'.length),
        at: e.at,
        action: `read ${(e.fields ?? []).join(',')}`.trim(),
        parcel: e.parcel ?? null,
        result: e.result,
      });
    },

    /** A device's recent reads, newest first. */
    async activity(
      id: string,
      limit = 100,
    ): Promise<{ at: string; action: string; parcel: string | null; result: string }[]> {
      if (!(await repo.getDevice(id))) throw new NotFound('no device has this id');
      return (await repo.activity(id, limit)).map((a) => ({
        at: a.at,
        action: a.action,
        parcel: a.parcel,
        result: a.result,
      }));
    },

    /** The time of each device's latest read through the gateway (device id → ISO time), in one query. */
    async lastActivity(): Promise<Map<string, string>> {
      return new Map((await repo.lastActivity()).map((r) => [r.device, String(r.at)]));
    },

    /** Devices that were given these parcels' data, for tracing a leak. */
    readersOf: (trackings: readonly string[]) => deps.repo.readersOf(trackings),

    async allowBuild(build: string, note: string): Promise<void> {
      checkBuild(build);
      await repo.allowBuild(build, typeof note === 'string' ? note.slice(0, 200) : '', clock.now().toISOString());
    },
  };
}
export type DevicesService = ReturnType<typeof createDevicesService>;
