import { DAY, HOUR, MIN, SEC, type Calendar, type Ids, type Sink } from './clock.ts';
import type { Rng } from './rng.ts';

/** A scanner or a courier's phone app. `from`/`until` bound the time it is in service. */
export type Device = {
  readonly id: string;
  readonly kind: 'scanner' | 'courier_app';
  /** The station or hub it belongs to. */
  readonly site: string;
  /** Its clock's offset from true time, in ms (scans carry device time). */
  readonly skew: number;
  readonly from: number;
  until: number;
};

/** A sorting hub or a delivery station. */
export type Site = {
  readonly id: string;
  readonly kind: 'hub' | 'station';
  readonly region: string;
  /** The hub that feeds a station (a hub feeds itself). */
  readonly hub: string;
  /** Relative traffic: 1 for an ordinary station, about 2 for the busy ones. */
  readonly size: number;
  /** Whether it works a night shift (hubs always do). */
  readonly night: boolean;
  /** Its office network's public address. */
  readonly ip: string;
  readonly scanners: Device[];
};

export type Network = {
  readonly hubs: Site[];
  readonly stations: Site[];
  readonly sites: Map<string, Site>;
  /** Same-region stations of a station, itself excluded. */
  neighbours(station: string): Site[];
  /** The scanners of a site in service at `ms`. */
  scannersAt(site: string, ms: number): Device[];
  /** Enrols a device (courier apps are enrolled by the people module). */
  enrol(device: Device): void;
  readonly devices: Device[];
};

const REGIONS = ['bac', 'trung', 'nam', 'taynguyen', 'mientay'];

/** Lays out hubs, stations and their scanners, and writes no events yet (see `writeDeviceReports`). */
export function buildNetwork(rng: Rng, ids: Ids, cal: Calendar, stations: number): Network {
  const hubCount = Math.min(4, Math.max(2, Math.ceil(stations / 6)));
  const regionCount = Math.min(REGIONS.length, hubCount + (stations >= 10 ? 1 : 0));
  const sites = new Map<string, Site>();
  const devices: Device[] = [];
  const ip = () =>
    `${rng.pick(['113.161', '14.232', '27.72', '203.113', '171.244'])}.${rng.int(1, 254)}.${rng.int(2, 250)}`;
  const hubs: Site[] = [];
  for (let h = 0; h < hubCount; h++) {
    const id = `hub-${REGIONS[h]}`;
    const hub: Site = {
      id,
      kind: 'hub',
      region: REGIONS[h] as string,
      hub: id,
      size: 1,
      night: true,
      ip: ip(),
      scanners: [],
    };
    hubs.push(hub);
    sites.set(id, hub);
  }
  const busy = new Set(rng.shuffle([...Array(stations).keys()]).slice(0, Math.max(1, Math.round(stations / 6))));
  const list: Site[] = [];
  const perRegion = new Map<string, number>();
  for (let s = 0; s < stations; s++) {
    // The first stations seed every region; the rest lean to the big northern and southern ones.
    const region =
      s < regionCount ? (REGIONS[s] as string) : rng.weighted(REGIONS.slice(0, regionCount), [3, 1.5, 3, 1, 1.5]);
    const n = (perRegion.get(region) ?? 0) + 1;
    perRegion.set(region, n);
    const regionIndex = REGIONS.indexOf(region);
    const hub = hubs[regionIndex < hubCount ? regionIndex : rng.int(0, hubCount - 1)] as Site;
    const size = busy.has(s) ? rng.range(1.8, 2.3) : rng.range(0.7, 1.25);
    const id = `bc-${region.slice(0, 3)}${String(n).padStart(2, '0')}`;
    const station: Site = {
      id,
      kind: 'station',
      region,
      hub: hub.id,
      size,
      night: busy.has(s),
      ip: ip(),
      scanners: [],
    };
    list.push(station);
    sites.set(id, station);
  }
  const skew = () => (rng.chance(0.03) ? rng.pick([-1, 1]) * rng.range(1, 4) * MIN : rng.normal(0, 1.2 * SEC));
  const network: Network = {
    hubs,
    stations: list,
    sites,
    devices,
    neighbours: (station) => {
      const me = sites.get(station) as Site;
      return list.filter((s) => s.region === me.region && s.id !== station);
    },
    scannersAt: (site, ms) => (sites.get(site) as Site).scanners.filter((d) => d.from <= ms && ms < d.until),
    enrol(device) {
      devices.push(device);
      if (device.kind === 'scanner') (sites.get(device.site) as Site).scanners.push(device);
    },
  };
  for (const site of [...hubs, ...list]) {
    const n =
      site.kind === 'hub' ? rng.int(6, 12) : Math.min(5, Math.max(2, Math.round(1.2 + site.size * rng.range(1, 2))));
    for (let i = 0; i < n; i++) {
      network.enrol({
        id: ids.next('sc', 5),
        kind: 'scanner',
        site: site.id,
        skew: skew(),
        from: -Infinity,
        until: Infinity,
      });
    }
  }
  // Broken scanners: replaced by a new device id at the same site, some hours after the old one died.
  const breakdowns = rng.count(cal.days * (hubs.length + list.length) * 0.012);
  for (let i = 0; i < breakdowns; i++) {
    const site = rng.pick([...hubs, ...list]);
    const old = rng.pick(site.scanners.filter((d) => d.until === Infinity));
    const dies = cal.start + rng.range(0.5, cal.days - 0.5) * DAY;
    old.until = dies;
    network.enrol({
      id: ids.next('sc', 5),
      kind: 'scanner',
      site: site.id,
      skew: skew(),
      from: dies + rng.range(2, 20) * HOUR,
      until: Infinity,
    });
  }
  return network;
}

/** A software build hash, as devices report it. */
export function buildHash(rng: Rng): string {
  let s = '';
  for (let i = 0; i < 10; i++) s += '0123456789abcdef'[rng.int(0, 15)];
  return s;
}

/**
 * Writes the `device` reports: each device reports its build when first seen in the window
 * (enrolment, or its first boot after the capture began), and again at each update. Scanner
 * builds roll out station by station over a day or two; a few devices lag for days; two
 * scanners of one station run a pilot build nobody else has for a few days.
 */
export function writeDeviceReports(rng: Rng, cal: Calendar, net: Network, sink: Sink): void {
  const appBuilds = [buildHash(rng), buildHash(rng)];
  const rollouts: number[] = [];
  for (let r = 1; r * 5.5 < cal.days + 1; r++) rollouts.push(cal.start + (r * 5.5 + rng.range(-1, 1)) * DAY);
  const scannerBuilds = [buildHash(rng), ...rollouts.map(() => buildHash(rng))];
  const siteOrder = rng.shuffle([...net.sites.keys()]);
  const pilotDevices = new Set(rng.pick(net.stations).scanners.slice(0, 2));
  const pilot = buildHash(rng);
  const mainlineAt = (ms: number) =>
    scannerBuilds[Math.min(rollouts.filter((r) => r < ms).length, scannerBuilds.length - 1)] as string;
  for (const dev of net.devices) {
    // Devices in service at the start are listed by the fleet inventory as the capture begins.
    const seen = Math.max(dev.from, cal.start + rng.range(0, 2) * SEC);
    const report = (ms: number, build: string) =>
      sink.emit(ms, 'device', { id: dev.id, station: dev.site, build, kind: dev.kind });
    if (dev.kind === 'scanner') {
      let current = 0;
      const updates: { ms: number; build: string }[] = [];
      rollouts.forEach((r, i) => {
        const span = rng.range(1, 2) * DAY;
        let ms = r + (siteOrder.indexOf(dev.site) / siteOrder.length) * span + rng.range(0, 3) * HOUR;
        if (rng.chance(0.05)) ms += rng.range(2, 7) * DAY;
        const build = scannerBuilds[Math.min(i + 1, scannerBuilds.length - 1)] as string;
        if (ms > seen) updates.push({ ms, build });
        else current = i + 1;
      });
      report(seen, scannerBuilds[Math.min(current, scannerBuilds.length - 1)] as string);
      if (pilotDevices.has(dev) && cal.days > 4) {
        const on = cal.start + rng.range(1.5, cal.days - 2) * DAY;
        const off = on + rng.range(2, 4) * DAY;
        updates.push({ ms: on, build: pilot }, { ms: off, build: mainlineAt(off) });
      }
      for (const u of updates.sort((a, b) => a.ms - b.ms)) if (u.ms < dev.until) report(u.ms, u.build);
    } else {
      report(seen, appBuilds[0] as string);
      // App updates come through the app store: each phone takes it within a couple of days, some never.
      if (cal.days > 3 && !rng.chance(0.07))
        report(cal.start + rng.range(cal.days / 2, cal.days / 2 + 2.5) * DAY, appBuilds[1] as string);
    }
  }
}
