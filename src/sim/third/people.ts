import { DAY, HOUR, SEC, type Calendar, type Ids, type Sink } from './clock.ts';
import type { Device, Network, Site } from './network.ts';
import type { Rng } from './rng.ts';

export type Role = 'station_operator' | 'courier' | 'support' | 'moderator' | 'analyst' | 'engineer' | 'admin';
/** Shift kinds: stations and hubs run day (07–19) and night (19–07); support runs early and late; the rest office hours. */
export type Shift = 'day' | 'night' | 'early' | 'late' | 'office';

/** One member of staff over the whole world. */
export type Person = {
  readonly id: string;
  readonly role: Role;
  readonly team: string | undefined;
  readonly shift: Shift;
  /** Where they work from `from` on (stations and hubs only). */
  readonly stints: { from: number; site: string }[];
  readonly joined: number;
  left: number;
  readonly away: [number, number][];
  /** Rotation phase, so that colleagues are not all off on the same day. */
  readonly phase: number;
  /** Until this time the person lacks some grants (a new hire): some reveals are denied. */
  readonly grantFrom: number;
  /** Their home connection, used when they sign in from home. */
  readonly homeIp: string;
  /** No churn during the world: such people may be picked as attackers. */
  stable: boolean;
  /** Couriers: their phone apps over time, and their delivery zone at the station. */
  readonly apps: Device[];
  readonly zone: number;
};

export type Roster = {
  readonly people: Person[];
  readonly byRole: Map<Role, Person[]>;
  /** People whose stints include `site`. */
  bySite: Map<string, Person[]>;
  readonly hqIps: string[];
};

/** The site a person works at at `ms`, if any. */
export function siteOf(p: Person, ms: number): string | undefined {
  let site: string | undefined;
  for (const s of p.stints) if (s.from <= ms) site = s.site;
  return site;
}

/** Whether a person works on local day `d` (rotation, leave, joining and leaving). */
export function works(cal: Calendar, p: Person, d: number): boolean {
  const from = cal.at(d, 0);
  if (p.joined > from + 20 * HOUR || p.left < from + 6 * HOUR) return false;
  for (const [a, b] of p.away) if (from + 12 * HOUR > a && from < b) return false;
  const wd = cal.weekday(d);
  switch (p.role) {
    case 'station_operator':
      return (d + p.phase) % 6 < 4; // four on, two off
    case 'courier':
      return wd !== p.phase % 7; // one fixed day off a week
    case 'support':
      return (d + p.phase) % 7 < 5;
    case 'moderator':
      return wd === 0 || wd === 6 ? p.phase % 3 === 0 : true;
    default:
      return wd !== 0 && wd !== 6;
  }
}

/** The shift of a person on day `d`, as UTC [from, to). */
export function shiftWindow(cal: Calendar, p: Person, d: number): [number, number] {
  switch (p.shift) {
    case 'day':
      return [cal.at(d, 7), cal.at(d, 19)];
    case 'night':
      return [cal.at(d, 19), cal.at(d, 31)];
    case 'early':
      return [cal.at(d, 7), cal.at(d, 15)];
    case 'late':
      return [cal.at(d, 14), cal.at(d, 22)];
    default:
      return [cal.at(d, 8.5), cal.at(d, 17.5)];
  }
}

/** Whether the person is on shift at `ms` (a night shift belongs to the day it started). */
export function onShift(cal: Calendar, p: Person, ms: number): boolean {
  const d = cal.dayOf(ms);
  for (const day of [d, d - 1]) {
    if (!works(cal, p, day)) continue;
    const [a, b] = shiftWindow(cal, p, day);
    if (ms >= a && ms < b) return true;
  }
  return false;
}

function ipOf(rng: Rng): string {
  return `${rng.pick(['113.185', '14.169', '42.114', '116.98', '1.54', '58.187'])}.${rng.int(1, 254)}.${rng.int(2, 250)}`;
}

/** Hires the staff of every site and office team, with joins, moves, leave and departures during the world. */
export function buildRoster(rng: Rng, ids: Ids, cal: Calendar, net: Network): Roster {
  const people: Person[] = [];
  const start = cal.start;
  const hire = (role: Role, shift: Shift, site: string | undefined, team?: string): Person => {
    const p: Person = {
      id: ids.next(role === 'courier' ? 'sp-' : 'nv-', 5),
      role,
      team,
      shift,
      stints: site ? [{ from: -Infinity, site }] : [],
      joined: -Infinity,
      left: Infinity,
      away: [],
      phase: rng.int(0, 41),
      grantFrom: -Infinity,
      homeIp: ipOf(rng),
      stable: true,
      apps: [],
      zone: 0,
    };
    people.push(p);
    return p;
  };
  for (const hub of net.hubs) {
    for (let i = rng.int(6, 9); i > 0; i--) hire('station_operator', i % 2 ? 'day' : 'night', hub.id, 'hub-ops');
  }
  for (const st of net.stations) {
    const ops = Math.round(1.5 + st.size * 1.3 + rng.range(0, 1));
    for (let i = 0; i < ops; i++) hire('station_operator', 'day', st.id, 'station-ops');
    if (st.night) for (let i = rng.int(2, 3); i > 0; i--) hire('station_operator', 'night', st.id, 'station-ops');
    const couriers = Math.min(8, Math.max(3, Math.round(1.5 + st.size * 2.6 + rng.range(0, 1))));
    for (let i = 0; i < couriers; i++) Object.assign(hire('courier', 'day', st.id, 'last-mile'), { zone: i });
  }
  const regions = [...new Set(net.stations.map((s) => s.region))];
  const agents = Math.max(5, Math.round(net.stations.length * 1.4));
  for (let i = 0; i < agents; i++) {
    const team = i % 5 === 4 ? 'cskh-chat' : `cskh-${regions[i % regions.length]}`;
    hire('support', i % 3 === 2 ? 'late' : 'early', undefined, team);
  }
  for (let i = 3 + Math.floor(net.stations.length / 16); i > 0; i--)
    hire('moderator', 'office', undefined, 'trust-safety');
  for (let i = 4 + Math.floor(net.stations.length / 10); i > 0; i--) hire('analyst', 'office', undefined, 'bi');
  for (let i = 3 + Math.floor(net.stations.length / 12); i > 0; i--) hire('engineer', 'office', undefined, 'platform');
  for (let i = 2; i > 0; i--) hire('admin', 'office', undefined, 'it');

  // Churn. Only people on the floor change; office staff stay put.
  const churnable = people.filter((p) => p.role === 'station_operator' || p.role === 'courier' || p.role === 'support');
  const dayAt = (lo: number, hi: number) => start + rng.range(lo, Math.max(lo, hi)) * DAY;
  for (const p of churnable) {
    const r = rng.next();
    if (r < 0.025 && cal.days > 3) {
      p.left = dayAt(1.5, cal.days - 1);
      p.stable = false;
      // Someone is hired in their place a few days later.
      const site = siteOf(p, start);
      const joiner = hire(p.role, p.shift, site, p.team);
      Object.assign(joiner, {
        joined: p.left + rng.range(1, 4) * DAY,
        grantFrom: 0,
        zone: p.zone,
        stable: false,
        stints: site ? [{ from: -Infinity, site }] : [],
      });
      Object.assign(joiner, { grantFrom: joiner.joined + rng.range(1, 3) * DAY });
    } else if (r < 0.06 && p.role !== 'support' && cal.days > 3) {
      const here = siteOf(p, start) as string;
      const site = net.sites.get(here) as Site;
      const options = site.kind === 'station' ? net.neighbours(here) : net.hubs.filter((h) => h.id !== here);
      if (options.length > 0) {
        p.stints.push({ from: dayAt(1.5, cal.days - 1), site: rng.pick(options).id });
        p.stable = false;
      }
    } else if (r < 0.14) {
      const a = dayAt(0.5, cal.days - 1);
      p.away.push([a, a + rng.int(2, 5) * DAY]);
      p.stable = false;
    }
  }
  // Growth: new hires with no one to replace, who lack some grants for their first days.
  for (let i = Math.max(2, Math.round(net.stations.length / 6)); i > 0 && cal.days > 3; i--) {
    const role = rng.pick<Role>(['support', 'support', 'courier', 'station_operator']);
    const st = rng.pick(net.stations);
    const p =
      role === 'support'
        ? hire(role, rng.pick(['early', 'late']), undefined, rng.pick(people.filter((x) => x.role === 'support')).team)
        : hire(role, 'day', st.id, role === 'courier' ? 'last-mile' : 'station-ops');
    Object.assign(p, { joined: dayAt(1, cal.days - 1.5), stable: false, zone: rng.int(0, 7) });
    Object.assign(p, { grantFrom: p.joined + rng.range(1, 3) * DAY });
  }
  for (const p of people) {
    if (p.role !== 'courier') continue;
    for (const s of p.stints) {
      const from = Math.max(s.from, p.joined);
      const app: Device = {
        id: ids.next('app-', 6),
        kind: 'courier_app',
        site: s.site,
        skew: rng.normal(0, 4000),
        from,
        until: Infinity,
      };
      const prev = p.apps[p.apps.length - 1];
      if (prev) prev.until = from;
      p.apps.push(app);
      net.enrol(app);
    }
  }
  const byRole = new Map<Role, Person[]>();
  const bySite = new Map<string, Person[]>();
  for (const p of people) {
    byRole.set(p.role, [...(byRole.get(p.role) ?? []), p]);
    for (const s of new Set(p.stints.map((x) => x.site))) bySite.set(s, [...(bySite.get(s) ?? []), p]);
  }
  return { people, byRole, bySite, hqIps: [ipOf(rng), ipOf(rng)] };
}

/** Writes the `staff` events: a directory sync at the start for everyone already hired, then joins and moves. */
export function writeStaff(rng: Rng, cal: Calendar, roster: Roster, sink: Sink): void {
  for (const p of roster.people) {
    p.stints.forEach((s, i) => {
      const ms = i === 0 ? Math.max(cal.start + rng.range(0, 1) * SEC, p.joined - rng.range(1, 10) * HOUR) : s.from;
      const fields: Record<string, unknown> = { id: p.id, role: p.role };
      if (p.team) fields.team = p.team;
      fields.station = s.site;
      sink.emit(ms, 'staff', fields);
    });
    if (p.stints.length === 0) {
      const fields: Record<string, unknown> = { id: p.id, role: p.role };
      if (p.team) fields.team = p.team;
      sink.emit(Math.max(cal.start + rng.range(0, 1) * SEC, p.joined - rng.range(1, 10) * HOUR), 'staff', fields);
    }
  }
}
