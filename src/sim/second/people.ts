/** The staff: who works where, on which shifts and days, who joins, moves and leaves; their sign-ins. */
import { hubsOf, neighbours, stationsOf } from './network.ts';
import {
  DAY,
  HOUR,
  MIN,
  SEC,
  freshId,
  shiftOf,
  works,
  type Person,
  type Shift,
  type Site,
  type World,
} from './model.ts';

export const SUPPORT_TEAMS = ['cx-north', 'cx-south', 'cx-east', 'cx-west'];

interface Draft {
  role: string;
  team?: string;
  site?: Site;
  shift: Shift;
  /** Mondays to Fridays only (office roles). */
  office: boolean;
}

/** Builds the roster; couriers get their courier app. */
export function buildPeople(w: World, stations: number): void {
  const { rng } = w;
  const drafts: Draft[] = [];
  for (const s of stationsOf(w)) {
    const day = rng.int(2, 4) + (s.volume > 330 ? 1 : 0);
    for (let k = 0; k < day; k++) drafts.push({ role: 'station_operator', site: s, shift: 'day', office: false });
    if (s.night)
      for (let k = rng.int(1, 2); k > 0; k--)
        drafts.push({ role: 'station_operator', site: s, shift: 'night', office: false });
    const couriers = Math.min(8, Math.max(3, Math.round(s.volume / 48) + rng.int(-1, 1)));
    for (let k = 0; k < couriers; k++) drafts.push({ role: 'courier', site: s, shift: 'day', office: false });
  }
  for (const h of hubsOf(w)) {
    for (let k = rng.int(3, 5); k > 0; k--)
      drafts.push({ role: 'station_operator', site: h, shift: 'day', office: false });
    for (let k = rng.int(3, 5); k > 0; k--)
      drafts.push({ role: 'station_operator', site: h, shift: 'night', office: false });
  }
  const teams = SUPPORT_TEAMS.slice(0, Math.min(4, Math.max(2, Math.round(stations / 5))));
  const agents = Math.max(4, Math.round(stations * rng.range(1.3, 1.7)));
  for (let k = 0; k < agents; k++)
    drafts.push({ role: 'support', team: teams[k % teams.length]!, shift: 'day', office: false });
  for (let k = 2 + Math.floor(stations / 6); k > 0; k--)
    drafts.push({ role: 'moderator', team: 'trust-safety', shift: 'day', office: false });
  for (let k = 3 + Math.floor(stations / 5); k > 0; k--)
    drafts.push({
      role: 'analyst',
      team: rng.chance(0.7) ? 'analytics' : 'finance-analytics',
      shift: 'day',
      office: true,
    });
  for (let k = 3 + Math.floor(stations / 8); k > 0; k--)
    drafts.push({ role: 'engineer', team: 'platform', shift: 'day', office: true });
  for (let k = 2; k > 0; k--) drafts.push({ role: 'admin', team: 'it', shift: 'day', office: true });

  const days = w.clock.localDays;
  for (const dr of rng.shuffle(drafts)) {
    const p = person(w, dr, days);
    w.people.push(p);
  }
  // the nightly warehouse load runs under a service account in the analyst role
  w.people.push({
    id: 'svc-dwh',
    role: 'analyst',
    team: 'data-platform',
    siteByDay: Array(days).fill(undefined),
    shift: 'night',
    pace: 1,
    joinDay: 0,
    leaveDay: days,
    off: Array(days).fill(false),
    moves: [],
    homeIp: '10.5.0.12',
    homeShare: 0,
    steady: false,
    callShare: 0,
  });
  for (const p of w.people) {
    if (p.role !== 'courier') continue;
    const from = p.joinDay > 0 ? w.clock.at(p.joinDay, 6.2) : w.clock.start - DAY;
    const to = p.leaveDay < days ? w.clock.at(p.leaveDay, 0) : Infinity;
    w.devices.push({
      id: freshId(w, 'ca-', 10000, 99999),
      kind: 'courier_app',
      site: p.siteByDay[Math.max(0, p.joinDay)]!,
      from,
      to,
      skew: rng.range(-1500, 1500),
      weight: 1,
      builds: [],
      owner: p.id,
    });
  }
}

function person(w: World, dr: Draft, days: number): Person {
  const { rng } = w;
  const id = freshId(w, dr.role === 'courier' ? 'c-' : 'u-', 100, 999);
  const field = dr.role === 'station_operator' || dr.role === 'courier' || dr.role === 'support';
  const joins = field && days > 4 && rng.chance(0.05);
  const leaves = !joins && days > 4 && rng.chance(0.04);
  const moves = dr.role === 'station_operator' && dr.site?.kind === 'station' && days > 4 && rng.chance(0.05);
  const longLeave = days > 6 && rng.chance(0.06);
  const joinDay = joins ? rng.int(1, days - 3) : 0;
  const leaveDay = leaves ? rng.int(2, days - 1) : days;
  const off: boolean[] = [];
  const rest = rng.int(0, 6);
  const rest2 = dr.role === 'support' || dr.role === 'moderator' ? (rest + rng.int(1, 6)) % 7 : -1;
  for (let d = 0; d < days; d++) {
    const wd = w.clock.weekday(d);
    off.push(dr.office ? wd >= 5 && !rng.chance(0.05) : wd === rest || wd === rest2);
  }
  if (dr.office) for (let d = 0; d < days; d++) if (!off[d] && rng.chance(0.03)) off[d] = true; // a sick day
  if (longLeave) {
    const from = rng.int(1, days - 4);
    for (let d = from; d < Math.min(days, from + rng.int(3, 7)); d++) off[d] = true;
  }
  const siteByDay: (string | undefined)[] = Array(days).fill(dr.site?.id);
  const moveList: { day: number; site: string }[] = [];
  if (moves && dr.site) {
    const near = neighbours(w, dr.site);
    const to =
      near.length > 0 && rng.chance(0.7) ? rng.pick(near) : rng.pick(stationsOf(w).filter((s) => s.id !== dr.site!.id));
    const day = rng.int(2, days - 2);
    for (let d = day; d < days; d++) siteByDay[d] = to.id;
    moveList.push({ day, site: to.id });
  }
  return {
    id,
    role: dr.role,
    ...(dr.team ? { team: dr.team } : {}),
    siteByDay,
    shift: dr.shift,
    pace: rng.spread(0.35),
    joinDay,
    leaveDay,
    off,
    moves: moveList,
    homeIp: `${rng.pick([113, 115, 116, 171, 14])}.${rng.int(160, 250)}.${rng.int(0, 255)}.${rng.int(1, 254)}`,
    homeShare: dr.office || dr.role === 'support' ? rng.pick([0, 0, 0.05, 0.1, 0.3]) : 0,
    steady: !joins && !leaves && !moves && !longLeave,
    callShare: rng.range(0.15, 0.6),
  };
}

/** One `staff` event per person when the window opens (or when they join), and one per move. */
export function emitStaff(w: World): void {
  const { clock, rng } = w;
  let k = 0;
  for (const p of w.people) {
    // the roster as the window opens comes first, within its first few milliseconds
    const t = p.joinDay > 0 ? clock.at(p.joinDay, rng.range(6, 7)) : clock.start + Math.floor(k++ / 8);
    w.sink.push(t, staffEvent(p, p.siteByDay[Math.max(0, p.joinDay)]));
    for (const m of p.moves)
      if (m.day < p.leaveDay) w.sink.push(clock.at(m.day, rng.range(5.5, 6.8)), staffEvent(p, m.site));
  }
}

function staffEvent(p: Person, site: string | undefined): Record<string, unknown> {
  return {
    type: 'staff',
    id: p.id,
    role: p.role,
    ...(p.team ? { team: p.team } : {}),
    ...(site ? { station: site } : {}),
  };
}

const OFFICE_NETS = ['10.8.1', '10.8.2', '10.9.4'];

/** The address a person signs in from on a day. */
export function loginIp(w: World, p: Person, d: number): string {
  const { rng } = w;
  const site = p.siteByDay[d];
  if (p.id === 'svc-dwh') return p.homeIp;
  if (p.role === 'courier') return `27.${rng.int(64, 79)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
  if (site) return `${w.siteById.get(site)!.net}.${10 + (hashOf(p.id) % 40)}`;
  if (rng.chance(p.homeShare)) return rng.chance(0.85) ? p.homeIp : newAddress(w);
  return `${OFFICE_NETS[hashOf(p.id) % OFFICE_NETS.length]}.${20 + (hashOf(p.id) % 200)}`;
}

/** An address nobody used before: a hotel, a café, a phone's hotspot, a VPN. */
export function newAddress(w: World): string {
  const { rng } = w;
  return `${rng.pick([113, 171, 42, 45, 103, 14, 185, 27])}.${rng.int(0, 255)}.${rng.int(0, 255)}.${rng.int(1, 254)}`;
}

function hashOf(s: string): number {
  let h = 7;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h;
}

/** Sign-ins at each shift's start; mistyped passwords; a re-login when a long session expires. */
export function emitLogins(w: World): void {
  const { rng, clock } = w;
  for (const p of w.people) {
    for (let d = 0; d < clock.localDays; d++) {
      if (!works(p, d)) continue;
      if (p.id === 'svc-dwh') {
        w.sink.push(clock.at(d, 1.4) + rng.range(0, 5 * MIN), {
          type: 'login',
          actor: `staff:${p.id}`,
          result: 'ok',
          ip: p.homeIp,
        });
        continue;
      }
      const [from, to] = shiftOf(w, p, d);
      const t = from - rng.range(0, 20 * MIN) + rng.normal() * 4 * MIN;
      const ip = loginIp(w, p, d);
      if (rng.chance(0.035)) {
        const fails = rng.chance(0.8) ? 1 : rng.int(2, 3);
        for (let k = fails; k > 0; k--)
          w.sink.push(t - k * rng.range(8 * SEC, 40 * SEC), {
            type: 'login',
            actor: `staff:${p.id}`,
            result: 'failed',
            ip,
          });
      }
      w.sink.push(t, { type: 'login', actor: `staff:${p.id}`, result: 'ok', ip });
      if (rng.chance(0.12))
        w.sink.push(rng.range(from + 2 * HOUR, to - HOUR), { type: 'login', actor: `staff:${p.id}`, result: 'ok', ip });
    }
  }
}

/** People of a role at a site who work on day d. */
export function crewOn(w: World, role: string, site: string, d: number, shift?: Shift): Person[] {
  return w.people.filter(
    (p) => p.role === role && p.siteByDay[d] === site && works(p, d) && (!shift || p.shift === shift),
  );
}

export function byRole(w: World, role: string): Person[] {
  return w.people.filter((p) => p.role === role && p.id !== 'svc-dwh');
}
