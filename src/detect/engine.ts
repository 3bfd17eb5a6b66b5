import type { CloakEvent } from '../bus/events.ts';

/*
 * The detection engine: one pass over events in time order (replay files or the live bus),
 * no ground truth, no knowledge of how ids are spelled. It keeps just enough state to explain
 * each access (which device scanned which parcel, who is assigned what, whose ticket is open
 * for whom) and raises explained alerts from:
 *  - explanation-based auditing: an access with no ticket, assignment, scan or routing behind
 *    it is unexplained, and unexplained accesses are what is counted;
 *  - sequence rules for the two stories (negative reviewers of one seller revealed and that
 *    seller's negative reviews deleted; an unknown build followed by unexplained reads);
 *  - peer-group percentiles (export sizes by role over a sliding window), not fixed numbers;
 *  - an entity risk that accumulates decaying evidence, which catches the low and slow.
 * State older than the windows is pruned as event time advances, so memory stays bounded.
 */

export type Severity = 'low' | 'medium' | 'high';
export type Evidence = { readonly type: string; readonly at: string } & Readonly<Record<string, unknown>>;
export type Alert = {
  readonly at: string;
  readonly actor: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly score: number;
  readonly summary: string;
  readonly evidence: readonly Evidence[];
};
/** Whether an access (a lookup or a reveal shown in clear) had a reason, as the engine saw it. */
export type AccessVerdict = { readonly actor: string; readonly at: string; readonly explained: boolean; readonly shown: boolean; readonly parcel?: string | undefined; readonly customer?: string | undefined };

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Unexplained accesses in this window make a burst. */
const BURST_WINDOW = 24 * HOUR;
const BURST = 3;
/** A scan or assignment explains accesses from this long before it to this long after. */
const BEFORE = 30 * MIN;
const AFTER = 3 * DAY;
/** Sequence rules look back this far. */
const STORY_WINDOW = 7 * DAY;
/** Entity risk: each piece of evidence adds its weight; the sum halves every RISK_HALF_LIFE. */
const RISK_HALF_LIFE = 2 * DAY;
const RISK_ALERT = 1;
/** Parcel, ticket and review state is kept this long after its last use. */
const KEEP = 10 * DAY;
const MAX_EVIDENCE = 12;
/** How long an access waits for the scan or assignment that may explain it. */
const GRACE = 2 * MIN;

/** Kept small (arrays of a few pairs, not Maps and Sets): a busy network has hundreds of thousands of parcels in the window. */
type ParcelState = { customer?: string; stations: string[]; scans: [string, number][]; couriers: [string, number][]; seen: number };
const put = (xs: [string, number][], k: string, v: number) => {
  const x = xs.find((p) => p[0] === k);
  if (x) x[1] = v;
  else xs.push([k, v]);
};
const get = (xs: readonly [string, number][], k: string) => xs.find((p) => p[0] === k)?.[1];
const addStation = (p: ParcelState, s: string) => {
  if (!p.stations.includes(s)) p.stations.push(s);
};
type Ticket = { customer: string; assignee: string; open: number; closed?: number };
type ReviewState = { customer: string; seller: string; rating: number; seen: number };
type ActorState = {
  unexplained: { t: number; e: Evidence }[];
  breakGlass: { t: number; customer: string; e: Evidence }[];
  risk: number;
  riskAt: number;
  riskEvidence: Evidence[];
  /** rule → time of the last alert (a rule re-alerts only after a day, or on escalation). */
  alerted: Map<string, { t: number; severity: Severity }>;
  reveals: { t: number; customer: string; e: Evidence }[];
  deletes: { t: number; review: string; e: Evidence }[];
};

const iso = (t: number) => new Date(t).toISOString();
const rank: Record<Severity, number> = { low: 0, medium: 1, high: 2 };

/**
 * Makes an engine. Feed it events in time order with `ingest`; it returns the alerts each
 * event raised. `onAccess` hears every access verdict (for the quality report's "share of
 * benign accesses explained").
 * @example const engine = createEngine(); for (const e of events) alerts.push(...engine.ingest(e));
 */
export function createEngine(opts: { onAccess?: (v: AccessVerdict) => void } = {}) {
  const staffRole = new Map<string, string>();
  const deviceStation = new Map<string, string>();
  const deviceKind = new Map<string, string>();
  /** build → devices that reported it */
  const buildDevices = new Map<string, Set<string>>();
  const deviceBuild = new Map<string, { build: string; t: number }>();
  const parcels = new Map<string, ParcelState>();
  const ticketsByPair = new Map<string, Ticket[]>();
  const ticketsById = new Map<string, Ticket>();
  /** customer → parcels, for couriers assigned to a customer's parcel */
  const courierOfCustomer = new Map<string, Map<string, number>>();
  const reviews = new Map<string, ReviewState>();
  /** seller → { customer → time of their latest negative review } */
  const negativeReviewers = new Map<string, Map<string, number>>();
  const actors = new Map<string, ActorState>();
  /** Export sizes by role, most recent last (the peer-group sample). */
  const exportRows = new Map<string, number[]>();
  const recipientsBy = new Map<string, Set<string>>();
  /** role → actor → most distinct break-glass customers in 24 hours */
  const breakGlassPeak = new Map<string, Map<string, number>>();
  let now = 0;
  /** The time of the event being judged: an alert carries it (the contract's `at`). */
  let eventAt = '';
  let lastPrune = 0;
  /** Unexplained accesses waiting out their grace, in order of arrival (so of due time). */
  let pending: { due: number; run: (out: Alert[]) => void }[] = [];
  const settle = (out: Alert[], until: number) => {
    let i = 0;
    while (i < pending.length && pending[i]!.due <= until) pending[i++]!.run(out);
    if (i > 0) pending = pending.slice(i);
  };

  const actorState = (a: string): ActorState => {
    let s = actors.get(a);
    if (!s) actors.set(a, (s = { unexplained: [], breakGlass: [], risk: 0, riskAt: 0, riskEvidence: [], alerted: new Map(), reveals: [], deletes: [] }));
    return s;
  };
  const parcel = (id: string): ParcelState => {
    let p = parcels.get(id);
    if (!p) parcels.set(id, (p = { stations: [], scans: [], couriers: [], seen: now }));
    p.seen = now;
    return p;
  };
  const bare = (actor: string) => actor.slice(actor.indexOf(':') + 1);
  const kindOf = (actor: string) => actor.slice(0, actor.indexOf(':'));
  const near = (t: number | undefined, at: number) => t !== undefined && at >= t - BEFORE && at <= t + AFTER;

  function raise(out: Alert[], actor: string, rule: string, severity: Severity, score: number, summary: string, evidence: readonly Evidence[]): void {
    const s = actorState(actor);
    const last = s.alerted.get(rule);
    if (last && now - last.t < DAY && rank[severity] <= rank[last.severity]) return;
    s.alerted.set(rule, { t: now, severity });
    out.push({ at: eventAt || iso(now), actor, rule, severity, score: Math.min(1, Math.max(0, Number(score.toFixed(3)))), summary, evidence: evidence.slice(-MAX_EVIDENCE) });
  }

  /** Adds decaying risk; past the line, an alert with everything that added up. */
  function addRisk(out: Alert[], actor: string, weight: number, e: Evidence): void {
    const s = actorState(actor);
    s.risk = s.risk * Math.pow(0.5, (now - s.riskAt) / RISK_HALF_LIFE) + weight;
    s.riskAt = now;
    s.riskEvidence.push(e);
    if (s.riskEvidence.length > MAX_EVIDENCE) s.riskEvidence.shift();
    if (s.risk >= RISK_ALERT)
      raise(out, actor, 'accumulated-risk', s.risk >= 2 * RISK_ALERT ? 'high' : 'medium', 1 - Math.exp(-s.risk), `risk ${s.risk.toFixed(2)} accumulated from ${s.riskEvidence.length} pieces of evidence over the last days`, s.riskEvidence);
  }

  function unexplainedAccess(out: Alert[], actor: string, e: Evidence, what: 'parcel' | 'customer'): void {
    const s = actorState(actor);
    while (s.unexplained.length > 0 && s.unexplained[0]!.t <= now - BURST_WINDOW) s.unexplained.shift();
    s.unexplained.push({ t: now, e });
    // A harvester makes thousands: the count is what matters, the last few are the evidence.
    if (s.unexplained.length > 200) s.unexplained.splice(0, s.unexplained.length - 200);
    const n = s.unexplained.length;
    const dev = kindOf(actor) === 'device' ? bare(actor) : undefined;
    const b = dev ? deviceBuild.get(dev) : undefined;
    // A build that no other device runs, reported shortly before: the scanner story's tell.
    const lone = b && (buildDevices.get(b.build)?.size ?? 0) <= 1 && now - b.t < 2 * DAY;
    const need = lone ? BURST - 1 : BURST;
    const evidence = [...(lone ? [{ type: 'device', at: iso(b.t), build: b.build, note: 'a build no other device reports' }] : []), ...s.unexplained.map((u) => u.e)];
    if (n >= need) {
      const rule = dev ? (lone ? 'unknown-build-then-reads' : 'lookup-without-scan') : what === 'parcel' ? 'parcel-lookup-without-assignment' : 'access-without-explanation';
      const who = dev ? `device ${dev}` : `${staffRole.get(bare(actor)) ?? 'staff member'} ${bare(actor)}`;
      const reason = dev ? 'parcels it never scanned and that are not routed to its station' : what === 'parcel' ? 'parcels never assigned to them' : 'customers with no ticket, assignment or grant of theirs';
      raise(out, actor, rule, n >= 3 * BURST || lone ? 'high' : 'medium', 1 - Math.exp(-n / BURST), `${who} read ${n} ${reason} in 24 hours`, evidence);
    }
    addRisk(out, actor, 0.25, e);
  }

  /** Whether a lookup has a reason: the device scanned the parcel or it is routed to its station; the courier was assigned it; a ticket. */
  function lookupExplained(e: Extract<CloakEvent, { type: 'lookup' }>, kind: string): boolean {
    if (!e.parcel) return explainsCustomer(bare(e.actor), e.customer!);
    const p = parcels.get(e.parcel);
    if (!p) return false;
    const at = Date.parse(e.at);
    if (kind === 'device') {
      const dev = bare(e.actor);
      const st = deviceStation.get(dev);
      return near(get(p.scans, dev), at) || (st !== undefined && p.stations.includes(st));
    }
    const who = bare(e.actor);
    return near(get(p.couriers, who), at) || (p.customer !== undefined && hasTicket(who, p.customer));
  }

  function judgeLookup(out: Alert[], e: Extract<CloakEvent, { type: 'lookup' }>, kind: string, explained: boolean): void {
    opts.onAccess?.({ actor: e.actor, at: e.at, explained, shown: e.result === 'ok', parcel: e.parcel, customer: e.customer });
    if (explained) return;
    const ev: Evidence = { type: 'lookup', at: e.at, result: e.result, ...(e.parcel ? { parcel: e.parcel } : {}), ...(e.customer ? { customer: e.customer } : {}) };
    unexplainedAccess(out, e.actor, ev, e.parcel ? 'parcel' : kind === 'device' ? 'parcel' : 'customer');
  }

  function lookup(out: Alert[], e: Extract<CloakEvent, { type: 'lookup' }>): void {
    const kind = kindOf(e.actor);
    if (kind !== 'device' && kind !== 'staff' && kind !== 'seller') return;
    if (!e.parcel && !e.customer) return;
    // A read logged a moment before the scan it belongs to (same second, or clocks apart) is
    // judged once the scan had GRACE to arrive.
    if (lookupExplained(e, kind)) judgeLookup(out, e, kind, true);
    else
      pending.push({
        due: now + GRACE,
        run: (o) => {
          eventAt = e.at;
          judgeLookup(o, e, kind, lookupExplained(e, kind));
        },
      });
  }

  function hasTicket(staff: string, customer: string): boolean {
    return (ticketsByPair.get(`${staff}|${customer}`) ?? []).some((t) => t.open <= now + BEFORE && (t.closed === undefined || t.closed >= now - 10 * MIN));
  }
  function explainsCustomer(staff: string, customer: string): boolean {
    return hasTicket(staff, customer) || near(courierOfCustomer.get(customer)?.get(staff), now);
  }

  function reveal(out: Alert[], e: Extract<CloakEvent, { type: 'reveal' }>): void {
    const who = bare(e.actor);
    const s = actorState(e.actor);
    const ev: Evidence = { type: 'reveal', at: e.at, customer: e.customer, field: e.field, result: e.result, ...(e.purpose ? { purpose: e.purpose } : {}) };
    const explained = explainsCustomer(who, e.customer);
    opts.onAccess?.({ actor: e.actor, at: e.at, explained, shown: e.result !== 'denied', customer: e.customer });
    // Only unexplained reveals feed the review-broker rule: an agent answering tickets of
    // several unhappy reviewers of one seller is doing their job.
    s.reveals = s.reveals.filter((x) => x.t > now - STORY_WINDOW);
    if (!explained) s.reveals.push({ t: now, customer: e.customer, e: ev });
    if (e.result === 'break_glass') {
      s.breakGlass = s.breakGlass.filter((x) => x.t > now - BURST_WINDOW);
      s.breakGlass.push({ t: now, customer: e.customer, e: ev });
      const distinct = new Set(s.breakGlass.map((x) => x.customer)).size;
      // The peer group's baseline: the most break-glass reveals any other member of the same
      // role made in a day so far. Past it (and at least two), it is not an emergency any more.
      const role = staffRole.get(who) ?? 'unknown';
      const peerMax = [...(breakGlassPeak.get(role) ?? new Map<string, number>())].filter(([a]) => a !== e.actor).reduce((m, [, n]) => Math.max(m, n), 0);
      const peak = breakGlassPeak.get(role) ?? new Map<string, number>();
      peak.set(e.actor, Math.max(peak.get(e.actor) ?? 0, distinct));
      breakGlassPeak.set(role, peak);
      if (distinct >= Math.max(2, peerMax + 1)) raise(out, e.actor, 'break-glass-abuse', distinct >= 3 * BURST ? 'high' : 'medium', 1 - Math.exp(-distinct / BURST), `${who} broke the glass for ${distinct} different customers in 24 hours (other ${role} staff: at most ${peerMax} a day)`, s.breakGlass.map((x) => x.e));
      addRisk(out, e.actor, explained ? 0.1 : 0.35, ev);
    }
    if (!explained && e.result !== 'break_glass') unexplainedAccess(out, e.actor, ev, 'customer');
    if (!explained) reviewBroker(out, e.actor);
  }

  /** Story B: reveals of one seller's negative reviewers, deletions of that seller's negative reviews. */
  function reviewBroker(out: Alert[], actor: string): void {
    const s = actorState(actor);
    const bySeller = new Map<string, { revealed: Set<string>; deleted: Set<string>; evidence: Evidence[] }>();
    const slot = (seller: string) => bySeller.get(seller) ?? bySeller.set(seller, { revealed: new Set(), deleted: new Set(), evidence: [] }).get(seller)!;
    for (const r of s.reveals) {
      for (const [seller, reviewers] of negativeReviewers) {
        if (!reviewers.has(r.customer)) continue;
        const x = slot(seller);
        x.revealed.add(r.customer);
        x.evidence.push({ ...r.e, note: `a negative reviewer of seller ${seller}` });
      }
    }
    for (const d of s.deletes) {
      const rv = reviews.get(d.review);
      if (!rv || rv.rating > 2) continue;
      const x = slot(rv.seller);
      x.deleted.add(rv.customer);
      x.evidence.push(d.e);
    }
    for (const [seller, x] of bySeller) {
      // Looking up a seller's unhappy reviewers with no reason and deleting that seller's bad
      // reviews is the story itself: one of each is enough. Either alone needs a pattern.
      const both = x.revealed.size >= 1 && x.deleted.size >= 1;
      // A reveal with no reason of someone who just complained about a seller is how the story
      // starts (the reviewer's e-mail is what a seller pays for): a medium alert at once.
      if (both || x.revealed.size >= 1 || x.deleted.size >= BURST) {
        const parts = [x.revealed.size ? `looked up ${x.revealed.size} of seller ${seller}'s negative reviewers` : '', x.deleted.size ? `deleted negative reviews of seller ${seller} by ${x.deleted.size} different customers` : ''].filter(Boolean);
        raise(out, actor, 'review-broker', both ? 'high' : 'medium', both ? 0.95 : 0.7, `${bare(actor)} ${parts.join(' and ')} within a week`, x.evidence);
      }
    }
  }

  function moderation(out: Alert[], e: Extract<CloakEvent, { type: 'moderation' }>): void {
    if (e.action !== 'delete' && e.action !== 'hide') return;
    const s = actorState(e.actor);
    const rv = reviews.get(e.review);
    s.deletes = s.deletes.filter((x) => x.t > now - STORY_WINDOW);
    s.deletes.push({ t: now, review: e.review, e: { type: 'moderation', at: e.at, review: e.review, action: e.action, ...(rv ? { seller: rv.seller, rating: rv.rating } : {}) } });
    reviewBroker(out, e.actor);
  }

  function exportMade(out: Alert[], e: Extract<CloakEvent, { type: 'export' }>): void {
    const role = staffRole.get(bare(e.actor)) ?? 'unknown';
    const peers = exportRows.get(role) ?? [];
    const all = [...exportRows.values()].flat();
    const sample = peers.length >= 10 ? peers : all;
    const sorted = [...sample].sort((a, b) => a - b);
    const p95 = sorted.length >= 3 ? sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))]! : undefined;
    const recipient = e.recipient ?? 'unnamed';
    const users = recipientsBy.get(recipient) ?? new Set<string>();
    const ev: Evidence = { type: 'export', at: e.at, dataset: e.dataset, rows: e.rows, recipient, ...(p95 !== undefined ? { peer_p95_rows: p95 } : {}) };
    const large = p95 !== undefined && e.rows > 2 * p95;
    // A recipient nobody else sends to.
    const private_ = users.size === 0 || (users.size === 1 && users.has(e.actor));
    const customers = e.dataset === 'customers';
    const reasons = [large ? `${e.rows} rows, over twice the ${role} peer group's 95th percentile (${p95})` : '', customers && private_ ? 'customer data to a recipient nobody else uses' : ''].filter(Boolean);
    if (reasons.length > 0) raise(out, e.actor, 'unusual-export', large && private_ ? 'high' : 'medium', Math.min(0.99, 0.5 + 0.2 * reasons.length), `${bare(e.actor)} exported ${e.dataset}: ${reasons.join('; ')}`, [ev]);
    users.add(e.actor);
    recipientsBy.set(recipient, users);
    peers.push(e.rows);
    if (peers.length > 500) peers.shift();
    exportRows.set(role, peers);
  }

  function prune(): void {
    // A parcel explains accesses up to AFTER its last scan or assignment; then it is forgotten.
    for (const [id, p] of parcels) if (p.seen < now - AFTER - DAY) parcels.delete(id);
    for (const [k, ts] of ticketsByPair) {
      const kept = ts.filter((t) => t.closed === undefined || t.closed > now - KEEP);
      if (kept.length) ticketsByPair.set(k, kept);
      else ticketsByPair.delete(k);
    }
    for (const [id, t] of ticketsById) if (t.closed !== undefined && t.closed < now - KEEP) ticketsById.delete(id);
    for (const [id, rv] of reviews) if (rv.seen < now - 4 * STORY_WINDOW) reviews.delete(id);
    for (const [c, m] of courierOfCustomer) {
      for (const [who, t] of m) if (t < now - AFTER) m.delete(who);
      if (m.size === 0) courierOfCustomer.delete(c);
    }
    for (const [seller, m] of negativeReviewers) {
      for (const [c, t] of m) if (t < now - 4 * STORY_WINDOW) m.delete(c);
      if (m.size === 0) negativeReviewers.delete(seller);
    }
    for (const [a, s] of actors) if (s.riskAt < now - KEEP && s.unexplained.length === 0 && s.reveals.every((r) => r.t < now - STORY_WINDOW)) actors.delete(a);
  }

  return {
    /** Takes one event (in time order) and returns the alerts it raised. */
    ingest(e: CloakEvent): Alert[] {
      const t = Date.parse(e.at);
      const out: Alert[] = [];
      // Accesses whose grace ended before this event are judged first, at their own time.
      if (pending.length > 0 && pending[0]!.due < t) {
        for (const p of pending.filter((x) => x.due < t)) {
          now = Math.max(now, p.due);
          p.run(out);
        }
        pending = pending.filter((x) => x.due >= t);
      }
      if (t > now) now = t;
      eventAt = e.at;
      switch (e.type) {
        case 'staff':
          staffRole.set(e.id, e.role);
          break;
        case 'device': {
          deviceStation.set(e.id, e.station);
          if (e.kind) deviceKind.set(e.id, e.kind);
          const prev = deviceBuild.get(e.id);
          if (prev?.build !== e.build) {
            if (prev) buildDevices.get(prev.build)?.delete(e.id);
            const set = buildDevices.get(e.build) ?? new Set();
            set.add(e.id);
            buildDevices.set(e.build, set);
            deviceBuild.set(e.id, { build: e.build, t });
          }
          break;
        }
        case 'parcel': {
          const p = parcel(e.parcel);
          p.customer = e.customer;
          addStation(p, e.station);
          if (e.origin) addStation(p, e.origin);
          if (e.destination) addStation(p, e.destination);
          break;
        }
        case 'scan': {
          const p = parcel(e.parcel);
          put(p.scans, e.device, t);
          addStation(p, e.station);
          break;
        }
        case 'assignment': {
          const p = parcel(e.parcel);
          put(p.couriers, e.courier, t);
          if (p.customer) {
            const m = courierOfCustomer.get(p.customer) ?? new Map<string, number>();
            m.set(e.courier, t);
            courierOfCustomer.set(p.customer, m);
          }
          break;
        }
        case 'ticket': {
          const key = `${e.assignee}|${e.customer}`;
          let tk = ticketsById.get(e.id);
          if (e.status === 'open') {
            if (!tk || tk.assignee !== e.assignee) {
              if (tk && tk.closed === undefined) tk.closed = t;
              tk = { customer: e.customer, assignee: e.assignee, open: t };
              ticketsById.set(e.id, tk);
              ticketsByPair.set(key, [...(ticketsByPair.get(key) ?? []), tk]);
            }
          } else if (tk) tk.closed = t;
          break;
        }
        case 'review': {
          reviews.set(e.id, { customer: e.customer, seller: e.seller, rating: e.rating, seen: t });
          if (e.rating <= 2) {
            const m = negativeReviewers.get(e.seller) ?? new Map<string, number>();
            m.set(e.customer, t);
            negativeReviewers.set(e.seller, m);
          }
          break;
        }
        case 'lookup':
          lookup(out, e);
          break;
        case 'reveal':
          reveal(out, e);
          break;
        case 'moderation':
          moderation(out, e);
          break;
        case 'export':
          exportMade(out, e);
          break;
        case 'login':
          break;
      }
      // Pruning walks every parcel: every six hours of event time is often enough for a ten-day window.
      if (now - lastPrune > 6 * HOUR) {
        prune();
        lastPrune = now;
      }
      return out;
    },
    /** Judges the accesses whose grace ended by `t` (live: called on a timer when traffic is quiet). */
    advance(t: number): Alert[] {
      const out: Alert[] = [];
      const due = pending.filter((x) => x.due <= t);
      if (due.length === 0) return out;
      pending = pending.filter((x) => x.due > t);
      for (const p of due) {
        now = Math.max(now, p.due);
        p.run(out);
      }
      return out;
    },
    /** Judges the accesses still in their grace (at the end of a replay). */
    flush(): Alert[] {
      const out: Alert[] = [];
      for (const p of pending) {
        now = Math.max(now, p.due);
        p.run(out);
      }
      pending = [];
      return out;
    },
    /** How much the engine holds (for tests of bounded memory). */
    size: () => ({ parcels: parcels.size, actors: actors.size, tickets: ticketsById.size, reviews: reviews.size }),
  };
}
export type Engine = ReturnType<typeof createEngine>;
