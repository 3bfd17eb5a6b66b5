/** The physical network: hubs, stations, their customers, the scanner fleet and its builds. */
import { DAY, HOUR, MIN, freshId, type Device, type Site, type World } from './model.ts';

/** Builds hubs and stations (regions, sizes, night shifts) and their customers. */
export function buildSites(w: World, stations: number): void {
  const { rng } = w;
  const hubs = stations <= 5 ? 2 : stations <= 12 ? 3 : 4;
  for (let h = 0; h < hubs; h++) {
    const id = `hub-${h + 1}`;
    w.sites.push({
      id,
      kind: 'hub',
      region: h,
      hub: id,
      volume: 0,
      night: true,
      net: `10.${20 + h}.${rng.int(0, 3)}`,
      customers: [],
    });
  }
  // regions of uneven size, each fed by its hub
  const busy = new Set(rng.sample([...Array(stations).keys()], Math.max(1, Math.round(stations * 0.18))));
  for (let i = 0; i < stations; i++) {
    const region = i < hubs ? i : rng.int(0, hubs - 1);
    const base = rng.range(110, 230);
    const volume = Math.round(busy.has(i) ? base * rng.range(1.8, 2.3) : base);
    const id = `st-${String(i + 1).padStart(2, '0')}`;
    w.sites.push({
      id,
      kind: 'station',
      region,
      hub: `hub-${region + 1}`,
      volume,
      night: false,
      net: `10.${40 + i}.${rng.int(0, 3)}`,
      customers: [],
    });
  }
  // the busiest few stations also run a night shift
  const byVolume = stationsOf(w).sort((a, b) => b.volume - a.volume);
  for (const s of byVolume.slice(0, Math.max(1, Math.round(stations / 6)))) s.night = true;
  for (const s of w.sites) w.siteById.set(s.id, s);
  for (const s of stationsOf(w)) {
    const n = Math.round(s.volume * rng.range(5, 8));
    for (let k = 0; k < n; k++) s.customers.push(nextCustomer(w));
  }
}

export function nextCustomer(w: World): string {
  w.counters.customer += w.rng.int(1, 3);
  return `cu-${w.counters.customer}`;
}

export function stationsOf(w: World): Site[] {
  return w.sites.filter((s) => s.kind === 'station');
}

export function hubsOf(w: World): Site[] {
  return w.sites.filter((s) => s.kind === 'hub');
}

/** Stations of the same region, other than s. */
export function neighbours(w: World, s: Site): Site[] {
  return stationsOf(w).filter((o) => o.region === s.region && o.id !== s.id);
}

/** Enrols the scanners of every site; some break and are replaced by a new id. */
export function buildScanners(w: World): void {
  const { rng, clock } = w;
  for (const s of w.sites) {
    const n = s.kind === 'hub' ? rng.int(6, 12) : Math.min(5, Math.max(2, Math.round(s.volume / 110) + rng.int(0, 2)));
    for (let k = 0; k < n; k++) {
      const skew = rng.chance(0.25) ? rng.range(-2500, 2500) : rng.range(-400, 400);
      w.devices.push({
        id: freshId(w, 'sc-', 1000, 9999),
        kind: 'scanner',
        site: s.id,
        from: clock.start - DAY,
        to: Infinity,
        skew,
        weight: rng.range(0.4, 1.6),
        builds: [],
      });
    }
  }
}

/** Hashes standing for builds: old, current, and the ones rolled out in the window. */
export function newBuild(w: World): string {
  for (;;) {
    const b = w.rng.hex(12);
    if (!w.builds.has(b)) {
      w.builds.add(b);
      return b;
    }
  }
}

/**
 * Gives each device a build history: most run the current build, a few an old one; one or two
 * roll-outs pass over the fleet (scanners station by station, apps as a staged release), with
 * laggards that update days late or never.
 */
export function rollOut(w: World, kind: Device['kind']): void {
  const { rng, clock } = w;
  const fleet = w.devices.filter((d) => d.kind === kind);
  const old = newBuild(w);
  const current = newBuild(w);
  for (const d of fleet)
    d.builds = [{ t: d.from, build: rng.chance(kind === 'scanner' ? 0.07 : 0.12) ? old : current }];
  let at = clock.start + rng.range(1, Math.min(4, Math.max(1.2, clock.days - 1.5))) * DAY;
  while (at < clock.end - 0.5 * DAY) {
    const build = newBuild(w);
    const span = rng.range(1, 2) * DAY;
    const siteOrder = rng.shuffle([...new Set(fleet.map((d) => d.site))]);
    const siteAt = new Map(siteOrder.map((s, i) => [s, at + (i / siteOrder.length) * span]));
    for (const d of fleet) {
      const r = rng.next();
      const lag = kind === 'scanner' ? [0.07, 0.03] : [0.1, 0.05];
      if (r < lag[1]!) continue; // never updates in the window
      let t =
        kind === 'scanner'
          ? siteAt.get(d.site)! + rng.range(0, 5 * HOUR)
          : at + rng.next() * span + rng.range(0, 3 * HOUR);
      if (r < lag[0]! + lag[1]!) t += rng.range(2, 6) * DAY;
      t = duringWork(w, t);
      if (t < d.to && t < clock.end) d.builds.push({ t, build });
    }
    at += rng.range(5, 8) * DAY;
  }
}

/** Moves a time that falls in the small hours to that morning (devices update while in use). */
function duringWork(w: World, t: number): number {
  const h = w.clock.hourOf(t);
  if (h >= 6.5 && h < 21) return t;
  const d = w.clock.dayOf(t) + (h >= 21 ? 1 : 0);
  return w.clock.at(d, w.rng.range(6.6, 9));
}

/** Breaks a few devices: each is replaced at the same site by a new id with the same build. */
export function replaceBroken(w: World): void {
  const { rng, clock } = w;
  const fleet = w.devices.slice();
  for (const d of fleet) {
    const perDay = d.kind === 'scanner' ? 1 / 220 : 1 / 400;
    for (let day = 0; day < clock.localDays; day++) {
      if (!rng.chance(perDay)) continue;
      const t = duringWork(w, clock.at(day, rng.range(8, 17)));
      if (t <= d.from || t >= d.to || t >= clock.end) break;
      const fresh: Device = {
        ...d,
        id: freshId(
          w,
          d.kind === 'scanner' ? 'sc-' : 'ca-',
          d.kind === 'scanner' ? 1000 : 10000,
          d.kind === 'scanner' ? 9999 : 99999,
        ),
        from: t + rng.range(10 * MIN, 3 * HOUR),
        builds: [],
      };
      const before = d.builds.filter((b) => b.t <= fresh.from);
      fresh.builds = [
        { t: fresh.from, build: before[before.length - 1]!.build },
        ...d.builds.filter((b) => b.t > fresh.from),
      ];
      d.builds = d.builds.filter((b) => b.t < t);
      d.to = t;
      w.devices.push(fresh);
      break;
    }
  }
}

/** Writes one `device` event per enrolment and per build change. */
export function emitDevices(w: World): void {
  let k = 0;
  for (const d of w.devices) {
    d.builds.sort((a, b) => a.t - b.t);
    for (const b of d.builds) {
      // the fleet as the window opens is listed right after the roster
      const t = b.t < w.clock.start ? w.clock.start + 100 + Math.floor(k++ / 8) : b.t;
      w.sink.push(t, { type: 'device', id: d.id, station: d.site, build: b.build, kind: d.kind });
    }
  }
}

/** The build a device runs at t. */
export function buildAt(d: Device, t: number): string {
  let b = d.builds[0]!.build;
  for (const c of d.builds) if (c.t <= t) b = c.build;
  return b;
}
