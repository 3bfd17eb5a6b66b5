import type { CloakEvent } from '../bus/events.ts';
import { createLearner, DIRECT_TEMPLATES, type Template } from './explain.fns.ts';
import { median, poissonTail } from './stats.fns.ts';
import { alertTexts, noteTexts, type AlertTexts } from './texts.ts';
import { CLEAR_CONTACT, createWorkRules, type WorkRules } from './rules.ts';
import { createHandovers } from './handover.ts';

/*
 * The detection engine: one pass over events in time order (replay files or the live bus),
 * no ground truth, no knowledge of how ids are spelled. It keeps just enough state to explain
 * each access (who scanned, was assigned or holds a ticket for what; where parcels go; who
 * works where and with whom) and raises explained alerts from:
 *  - explanation-based auditing with templates learned from the traffic (explain.fns.ts): an
 *    access no learned template covers is unexplained; how surprising a count of them is comes
 *    from the actor's own past and their role's robust rate (a Poisson tail), and a CUSUM of
 *    the same evidence catches the low and slow;
 *  - explanations that arrive after the access (a ticket typed once the call is over) clear it
 *    and downgrade an alert it raised;
 *  - robust baselines (medians of per-actor medians, so one heavy user cannot move them) and
 *    novelty for exports, volumes, fields and sign-in networks;
 *  - sequence rules for the review broker and break-glass (rules.ts).
 * State older than the windows is pruned as event time advances, so memory stays bounded.
 */

export type Severity = 'low' | 'medium' | 'high';
export type Evidence = { readonly type: string; readonly at: string } & Readonly<Record<string, unknown>>;
/** What may be done without a person: nothing, the next reveals need a second approver, grants suspended, a device restricted. */
export type Response = 'none' | 'second_approver' | 'suspend' | 'restrict';
export type Alert = {
  readonly at: string;
  readonly actor: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly score: number;
  readonly summary: string;
  readonly evidence: readonly Evidence[];
  /** Stable within one run: `actor#n`. */
  readonly id?: string;
  /** The event time at which the engine raised it (after an access's grace, say); `at` is the event's. */
  readonly raisedAt?: string;
  /** What was compared: the actor's peers, their own past, or both. */
  readonly compared?: 'peers' | 'own-past' | 'peers-and-own-past' | 'everyone';
  /** The summary and what would have explained it, in en, vi and zh. */
  readonly texts?: AlertTexts;
  /** The automatic response this alert allows, gated by the measured precision of its rule and score. */
  readonly response?: Response;
  /** Why that response (or none). */
  readonly responseReason?: string;
  /** Set on a downgrade: the id of the earlier alert that is now explained. */
  readonly downgrades?: string;
};
/** Whether an access (a lookup or a reveal shown in clear) had a reason, as the engine saw it. */
export type AccessVerdict = {
  readonly actor: string;
  readonly at: string;
  readonly explained: boolean;
  readonly shown: boolean;
  readonly parcel?: string | undefined;
  readonly customer?: string | undefined;
  readonly templates?: readonly string[];
};
/** Per rule, the lowest score whose alerts were right at least 95% of the time on the evaluation worlds. */
export type ResponseGates = Readonly<Record<string, number>>;
export type EngineOptions = {
  readonly onAccess?: (v: AccessVerdict) => void;
  /** Rules allowed an automatic response, from `cloak evaluate` (default: the shipped gates). */
  readonly gates?: ResponseGates;
  /** How long an access waits for the scan, assignment or ticket that explains it (default 10 min). */
  readonly graceMs?: number;
  /** How long after that a late explanation still clears an access and downgrades its alert (default 60 min). */
  readonly retroMs?: number;
};

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
const WINDOW = DAY;
/** A scan or assignment explains accesses from this long before it to this long after. */
const BEFORE = 30 * MIN;
const AFTER = 3 * DAY;
/** Earlier tickets and contacts explain calls back for this long. */
const CONTACT_KEEP = 14 * DAY;
/** Parcel, ticket and review state is kept this long after its last use. */
const KEEP = 10 * DAY;
const MAX_EVIDENCE = 12;
/** Poisson tails past which a count of unexplained accesses is an alert (medium, high). */
const P_MEDIUM = 1e-6;
const P_HIGH = 1e-10;
/**
 * The lowest rate of unexplained accesses assumed for anyone: one in a thousand. A role whose
 * work is almost always explained (couriers read what they were assigned) is held to that,
 * not to the looser rate of roles that read by place.
 */
const RATE_FLOOR = 0.001;
/** The week-long tail past which slow accumulation is an alert. */
const P_SLOW = 1e-9;

type ParcelState = {
  customer?: string;
  dest?: string;
  places: string[];
  /** Devices that scanned it and when (the latest), as parallel lists of a few entries. */
  scanBy: string[];
  scanAt: number[];
  /** Couriers assigned it and when, likewise. */
  courierBy: string[];
  courierAt: number[];
  seen: number;
};
/** A station's devices' unexplained reads (24 hours, in time order), with a running count per device and of the devices at two or more. */
type Converging = {
  list: { t: number; device: string; e: Evidence }[];
  per: Map<string, number>;
  many: number;
};
/** An actor's halves, and what the staff and device records say of it as of `directory`. */
type Who = {
  /** The name as first seen: used as the key of the actor's entries, so that lookups compare one string with itself. */
  name: string;
  kind: string;
  id: string;
  directory: number;
  role: string;
  station: string | undefined;
  team: string | undefined;
  /** Station, or else team: where the actor's peers are. */
  place: string | undefined;
  /** `role@place`, the key of those peers. */
  peers: string | undefined;
};
type LookupEvent = Extract<CloakEvent, { type: 'lookup' }>;
type RevealEvent = Extract<CloakEvent, { type: 'reveal' }>;
/** An access waiting out its grace: due then, made at `at`. */
type Waiting = { due: number; at: number; e: LookupEvent | RevealEvent; ev: Evidence };
type Ticket = { id: string; customer: string; assignee: string; open: number; closed?: number };
type CustomerState = {
  parcels: string[];
  tickets: Ticket[];
  /** actor → time of their latest explained access to the customer. */
  contacts: Map<string, number>;
  /** When staff last read the customer with any reason (own work or place): someone has dealt with them. */
  touched?: number;
  reviews: number;
  seen: number;
};
type Unexplained = {
  t: number;
  e: Evidence;
  parcel?: string | undefined;
  customer?: string | undefined;
  covered: readonly Template[];
};
/** An alert standing for an actor and rule; for the access rules, which templates covered how many of its unexplained reads. */
type Raised = {
  t: number;
  severity: Severity;
  id: string;
  downgraded?: boolean;
  /** Earlier alerts of the rule this one raised the severity of, still standing. */ under?: string[];
  covers?: { n: number; by: Map<string, number> };
};
export type ActorState = {
  win: number[];
  unexpl: Unexplained[];
  past: { n: number; u: number };
  /** hour → [accesses, unexplained], a week of them (in hour order), and their sums. */
  week: Map<number, [number, number]>;
  /** The oldest hour in `week` (Infinity when empty): the week is walked only when that hour leaves it. */
  weekFirst: number;
  n7: number;
  u7: number;
  slowEv: Evidence[];
  /** The templates that covered each of `slowEv`. */
  slowCovered: (readonly Template[])[];
  /** Times of reveals shown in clear (24 hours), and the unexplained ones among them. */
  reveals: number[];
  revealsUnexpl: { t: number; e: Evidence }[];
  revealTotals: { n: number; u: number };
  /** Reveals of the last seven days, and the unexplained ones among them. */
  revealsWeek: number[];
  revealsWeekUnexpl: { t: number; e: Evidence }[];
  /** Hour-of-day activity, and the days seen: the person's own hours. */
  hours: number[];
  daysSeen: Set<number>;
  /** hour → accesses, the last 24 hours of them (in hour order), and their sum. */
  hourly: Map<number, number>;
  /** The oldest hour in `hourly` (Infinity when empty). */
  hourlyFirst: number;
  n24: number;
  /** The `role@place` this actor was last counted among the peers of. */
  placedIn?: string;
  days: Map<number, number>;
  fieldOdd: number[];
  /** Times of reads asking for a contact field in clear, the last 24 hours of them. */
  clearReads: number[];
  /** A device's reads that only its region explained: the last 24 hours of them, and the count before. */
  wide: { t: number; e: Evidence }[];
  widePast: number;
  /** Destination stations of the last parcels read: where this actor works today (and how many of each). */
  recent: string[];
  recentCount: Map<string, number>;
  /** The median of the actor's earlier days' accesses, as of `ownDay`. */
  ownDay: number;
  ownMedian: number | undefined;
  /** A sign-in from a network new to everyone (or one this actor's earlier suspect session used), at an hour the actor does not work: reads in the hours after it are the session's. */
  novelNet?: number;
  takeoverEv: Evidence[];
  /** Networks of this actor's suspect sessions (a second session from one is suspect too). */
  suspectNets?: Set<string>;
  /** Failed sign-ins: network and time, the last twenty. */
  failedFrom?: [string, number][];
  alerted: Map<string, Raised>;
  seq: number;
};

/** Sets k's time in parallel lists of who and when (a few entries: a scan per event, no pair allocated). */
const put = (by: string[], at: number[], k: string, t: number) => {
  const i = by.indexOf(k);
  if (i >= 0) at[i] = t;
  else (by.push(k), at.push(t));
};
const get = (by: readonly string[], at: readonly number[], k: string): number | undefined => {
  const i = by.indexOf(k);
  return i >= 0 ? at[i] : undefined;
};
/** The UTC hour of day of a time: the same as `new Date(t).getUTCHours()`, without the Date. */
const hourOfDay = (t: number) => ((Math.floor(t / HOUR) % 24) + 24) % 24;
const NO_PLACES: ReadonlySet<string> = new Set();
const iso = (t: number) => new Date(t).toISOString();
const rank: Record<Severity, number> = { low: 0, medium: 1, high: 2 };
/** An actor's two halves (`kind:id`), split once per actor name seen (the engine asks often). */
const halves = new Map<string, readonly [string, string]>();
const split = (actor: string): readonly [string, string] => {
  let h = halves.get(actor);
  if (!h) {
    const i = actor.indexOf(':');
    h = [actor.slice(0, i), actor.slice(i + 1)];
    if (halves.size > 200_000) halves.clear();
    halves.set(actor, h);
  }
  return h;
};
const bare = (actor: string) => split(actor)[1];
const kindOf = (actor: string) => split(actor)[0];
const DIRECT: ReadonlySet<string> = new Set(DIRECT_TEMPLATES);
/** The suffix of a role's key for what explains its reveals (learned apart from its reads). */
const REVEALS = '#reveal';
/*
 * The templates covering an access, as bits in the order they are listed: the list is the
 * same for every access with the same bits, so each is made once (frozen: it is kept in the
 * actor's state and handed to `onAccess`) and the explained test is a mask.
 */
const TEMPLATE_ORDER: readonly Template[] = [
  'own-scan',
  'assignment',
  'ticket',
  'ticket-ref',
  'past-ticket',
  'team-ticket',
  'earlier-contact',
  'own-station',
  'region',
  'focus',
  'history-gap',
];
const BIT = Object.fromEntries(TEMPLATE_ORDER.map((t, i) => [t, 1 << i])) as Record<Template, number>;
const maskOf = (ts: Iterable<string>) => {
  let m = 0;
  for (const t of ts) m |= BIT[t as Template] ?? 0;
  return m;
};
/** Direct templates and focus explain for any role. */
const ALWAYS = maskOf([...DIRECT_TEMPLATES, 'focus']);
const LISTS: (readonly Template[] | undefined)[] = [];
const listOf = (m: number): readonly Template[] =>
  (LISTS[m] ??= Object.freeze(TEMPLATE_ORDER.filter((t) => (m & BIT[t]) !== 0)));
/** What a person's own work explains a read by (a borrowed account reads by the team's or the place's). */
const OWN_WORK: ReadonlySet<string> = new Set(['ticket', 'past-ticket', 'assignment', 'earlier-contact', 'own-scan']);
/** The rules that judge a day's unexplained accesses (the week-long rule is for what they missed). */
const DAY_RULES = [
  'lookup-without-scan',
  'unknown-build-then-reads',
  'parcel-lookup-without-assignment',
  'access-without-explanation',
];

/** The rules a template learned later can explain away (their alerts carry what covered their reads). */
const EXPLAINABLE: ReadonlySet<string> = new Set([...DAY_RULES, 'accumulated-risk']);

/**
 * Shipped gates: per rule, the lowest score from which its alerts were right ≥ 95% of the time
 * on both generators (`cloak evaluate --gates`, first generator seeds 1..4 at 4 days × 8
 * stations, second seeds 1..3 at 7 × 10). `unknown-build-then-reads` is the same count of
 * unexplained device reads with a lower bar after a lone build; it fired too rarely to be
 * measured alone and takes the device rule's gate.
 */
export const DEFAULT_GATES: ResponseGates = {
  'lookup-without-scan': 0.699,
  'unknown-build-then-reads': 0.699,
  'unusual-fields': 0.8,
  'break-glass-abuse': 0.632,
  'review-broker': 0.75,
};

/**
 * Makes an engine. Feed it events in time order with `ingest`; it returns the alerts each
 * event raised. `onAccess` hears every access verdict (for the quality report's "share of
 * benign accesses explained").
 * @example const engine = createEngine(); for (const e of events) alerts.push(...engine.ingest(e));
 */
export function createEngine(opts: EngineOptions = {}) {
  const grace = opts.graceMs ?? 10 * MIN;
  const retro = opts.retroMs ?? HOUR;
  const gates = opts.gates ?? DEFAULT_GATES;
  const staff = new Map<string, { role: string; team?: string | undefined; station?: string | undefined }>();
  const teamOf = (id: string) => staff.get(id)?.team;
  const devices = new Map<string, { station: string; kind?: string | undefined; build: string; buildAt: number }>();
  const buildDevices = new Map<string, Set<string>>();
  const parcels = new Map<string, ParcelState>();
  const customers = new Map<string, CustomerState>();
  /**
   * Lower bounds, as of the last walk of the customers, on their oldest contact, closed ticket
   * and last use (later ones are newer, but for a ticket closed by a late event, which lowers
   * the bound): while nothing can have expired, prune does not walk them.
   */
  let oldest = { contact: -Infinity, closed: -Infinity, seen: -Infinity };
  const ticketsById = new Map<string, Ticket>();
  /** station → hub → parcels routed from it: which stations share a hub (a region). */
  const feeds = new Map<string, Map<string, number>>();
  let neighbours = new Map<string, ReadonlySet<string>>();
  const actors = new Map<string, ActorState>();
  const learner = createLearner();
  /** role → the rate at which its actors leave accesses unexplained (median of per-actor rates). */
  let roleRate = new Map<string, number>();
  /** role → median over actors of the share of their reveals in clear that had no reason. */
  let roleRevealRate = new Map<string, number>();
  /** role → median over actors of their median accesses per active day. */
  let roleDaily = new Map<string, number>();
  /** role → field → share of the role's reads that ask for it, and the role's read count. */
  const roleFields = new Map<string, { n: number; f: Map<string, number> }>();
  const ipUsers = new Map<string, Set<string>>();
  /** station → devices' unexplained reads of parcels bound there from elsewhere, 24 hours of them in time order. */
  const converging = new Map<string, Converging>();
  /** role → hour of day → accesses: the hours a role works, for a newcomer's first days. */
  const roleHours = new Map<string, number[]>();
  /** role@station (or team) → actors seen there: the peers of the same place. */
  const placeActors = new Map<string, Set<string>>();
  let firstLogin = Number.NaN;
  let now = 0;
  let eventAt = '';
  /** The current event's own time (ms), which may lag `now` on a live bus. */
  let eventT = 0;
  let lastPrune = 0;
  let lastLearn = 0;
  let started = Number.NaN;
  /** Until when the stream's missing past may explain an unknown parcel or customer. */
  let gapUntil = Number.NEGATIVE_INFINITY;
  /** Accesses waiting out their grace, in order of due time (event time only moves forward); those before `head` are done. */
  let pending: Waiting[] = [];
  let head = 0;
  /** Judges every waiting access due before `t` (or at it, with `inclusive`). */
  const runDue = (out: Alert[], t: number, inclusive: boolean) => {
    while (head < pending.length && (pending[head]!.due < t || (inclusive && pending[head]!.due === t))) {
      const p = pending[head++]!;
      now = Math.max(now, p.due);
      eventAt = p.e.at;
      if (p.e.type === 'lookup') judgeLookup(out, p.e, p.at, p.ev);
      else judgeReveal(out, p.e, p.at, p.ev);
    }
    // Drop the done ones now and then, not on every event.
    if (head > 1024 && head * 2 > pending.length) {
      pending = pending.slice(head);
      head = 0;
    }
  };

  const actorState = (a: string): ActorState => {
    let s = actors.get(a);
    if (!s)
      actors.set(
        a,
        (s = {
          win: [],
          unexpl: [],
          past: { n: 0, u: 0 },
          week: new Map(),
          weekFirst: Number.POSITIVE_INFINITY,
          n7: 0,
          u7: 0,
          slowEv: [],
          slowCovered: [],
          reveals: [],
          revealsUnexpl: [],
          revealTotals: { n: 0, u: 0 },
          revealsWeek: [],
          revealsWeekUnexpl: [],
          hours: new Array<number>(24).fill(0),
          daysSeen: new Set(),
          hourly: new Map(),
          hourlyFirst: Number.POSITIVE_INFINITY,
          n24: 0,
          days: new Map(),
          fieldOdd: [],
          clearReads: [],
          wide: [],
          widePast: 0,
          recent: [],
          recentCount: new Map(),
          ownDay: Number.NaN,
          ownMedian: undefined,
          takeoverEv: [],
          alerted: new Map(),
          seq: 0,
        }),
      );
    return s;
  };
  const parcel = (id: string): ParcelState => {
    let p = parcels.get(id);
    if (!p) parcels.set(id, (p = { places: [], scanBy: [], scanAt: [], courierBy: [], courierAt: [], seen: now }));
    p.seen = now;
    return p;
  };
  const customer = (id: string): CustomerState => {
    let c = customers.get(id);
    if (!c) customers.set(id, (c = { parcels: [], tickets: [], contacts: new Map(), reviews: 0, seen: now }));
    c.seen = now;
    return c;
  };
  /** One string per device or courier name, however many events spell it. */
  const names = new Map<string, string>();
  const named = (n: string): string => {
    const known = names.get(n);
    if (known !== undefined) return known;
    if (names.size > 200_000) names.clear();
    names.set(n, n);
    return n;
  };
  /** Bumped on every staff or device record: what `who` derived from them is stale. */
  let directory = 0;
  const whos = new Map<string, Who>();
  /** What the engine knows of an actor name, derived once per change of the staff and device records (asked several times per access). */
  const who = (actor: string): Who => {
    let w = whos.get(actor);
    if (!w) {
      const [kind, id] = split(actor);
      w = {
        name: actor,
        kind,
        // The engine's one string for the id, as a scan or assignment names it.
        id: named(id),
        directory: -1,
        role: '',
        station: undefined,
        team: undefined,
        place: undefined,
        peers: undefined,
      };
      if (whos.size > 200_000) whos.clear();
      whos.set(actor, w);
    }
    if (w.directory !== directory) {
      const st = staff.get(w.id);
      const dev = w.kind === 'device' ? devices.get(w.id) : undefined;
      w.role =
        w.kind === 'device' ? `device:${dev?.kind ?? 'device'}` : w.kind === 'staff' ? (st?.role ?? 'unknown') : w.kind;
      w.station = w.kind === 'device' ? dev?.station : st?.station;
      w.team = st?.team;
      w.place = w.station ?? w.team;
      w.peers = w.place !== undefined ? `${w.role}@${w.place}` : undefined;
      w.directory = directory;
    }
    return w;
  };
  const roleOf = (actor: string): string => who(actor).role;
  const stationOf = (actor: string): string | undefined => who(actor).station;
  const near = (t: number | undefined, at: number) => t !== undefined && at >= t - BEFORE && at <= t + AFTER;

  let quietly = false;
  /** Texts and evidence may come as functions: built only when the alert is raised (most calls repeat a standing alert). */
  function raise(
    out: Alert[],
    a: {
      actor: string;
      rule: string;
      severity: Severity;
      score: number;
      texts: AlertTexts | (() => AlertTexts);
      evidence: readonly Evidence[] | (() => readonly Evidence[]);
      compared: Alert['compared'];
      at?: string;
    },
  ): Alert | undefined {
    if (quietly) {
      out.push({ at: '', actor: a.actor, rule: a.rule, severity: a.severity, score: 0, summary: '', evidence: [] });
      return undefined;
    }
    const s = actorState(a.actor);
    const last = s.alerted.get(a.rule);
    if (last && !last.downgraded && now - last.t < DAY && rank[a.severity] <= rank[last.severity]) return undefined;
    const id = `${a.actor}#${++s.seq}`;
    const under = last && !last.downgraded && now - last.t < DAY ? [...(last.under ?? []), last.id] : undefined;
    s.alerted.set(a.rule, { t: now, severity: a.severity, id, ...(under ? { under } : {}) });
    const score = Math.min(1, Math.max(0, Number(a.score.toFixed(3))));
    const evidence = typeof a.evidence === 'function' ? a.evidence() : a.evidence;
    const texts = typeof a.texts === 'function' ? a.texts() : a.texts;
    const { response, reason } = respond(a.actor, a.rule, score, evidence.length);
    const alert: Alert = {
      at: a.at ?? (eventAt || iso(now)),
      actor: a.actor,
      rule: a.rule,
      severity: a.severity,
      score,
      summary: texts.en.summary,
      evidence: evidence.slice(-MAX_EVIDENCE),
      id,
      raisedAt: iso(now),
      compared: a.compared,
      texts,
      response,
      responseReason: reason,
    };
    out.push(alert);
    return alert;
  }

  /** Graduated and gated: only rules measured precise enough, never on one piece of evidence; a second approver first, a suspension on a second finding. */
  function respond(
    actor: string,
    rule: string,
    score: number,
    evidence: number,
  ): { response: Response; reason: string } {
    const gate = gates[rule];
    if (gate === undefined || score < gate)
      return {
        response: 'none',
        reason: `rule ${rule} at score ${score} is not measured precise enough for an automatic response`,
      };
    if (evidence < 2) return { response: 'none', reason: 'never on a single piece of evidence' };
    if (kindOf(actor) === 'device')
      return {
        response: 'restrict',
        reason: `rule ${rule} at score ≥ ${gate} was right ≥ 95% of the time on the evaluation worlds`,
      };
    const s = actorState(actor);
    const earlier = [...s.alerted.entries()].some(
      ([r, x]) => r !== rule && !x.downgraded && now - x.t < 7 * DAY && gates[r] !== undefined,
    );
    return earlier
      ? { response: 'suspend', reason: 'a second precise finding within a week' }
      : {
          response: 'second_approver',
          reason: `rule ${rule} at score ≥ ${gate}: the next reveals need a second approver`,
        };
  }

  /** Emits a downgrade of an actor's standing alert of a rule, with the reason. */
  function downgrade(out: Alert[], actor: string, rule: string, reason: string): void {
    const s = actorState(actor);
    const last = s.alerted.get(rule);
    if (!last || last.downgraded) return;
    last.downgraded = true;
    const texts = alertTexts('downgraded', { reason });
    // The alert and those it raised the severity of: each gets its downgrade line.
    for (const id of [...(last.under ?? []), last.id])
      out.push({
        at: eventAt || iso(now),
        actor,
        rule,
        severity: 'low',
        score: 0,
        summary: texts.en.summary,
        evidence: [],
        id: `${actor}#${++s.seq}`,
        raisedAt: iso(now),
        texts,
        response: 'none',
        downgrades: id,
      });
  }

  // --- Explaining an access ------------------------------------------------------------

  function region(station: string | undefined): ReadonlySet<string> {
    return (station && neighbours.get(station)) || NO_PLACES;
  }

  /**
   * The parcel and customer states the last `cover` looked up: the access it covered is judged
   * right after (nothing in between adds or drops either), and need not look them up again.
   */
  const looked: { parcel: ParcelState | undefined; customer: CustomerState | undefined } = {
    parcel: undefined,
    customer: undefined,
  };

  /** The same, as bits (see TEMPLATE_ORDER). */
  function cover(
    actor: string,
    w: Who,
    parcelId: string | undefined,
    customerId: string | undefined,
    at: number,
    ticket?: string,
  ): number {
    let out = 0;
    const kind = w.kind;
    const id = w.id;
    const p = parcelId ? parcels.get(parcelId) : undefined;
    const cust = customerId ?? p?.customer;
    const c = cust ? customers.get(cust) : undefined;
    looked.parcel = p;
    looked.customer = c;
    if (p) {
      if (kind === 'device' && near(get(p.scanBy, p.scanAt, id), at)) out |= BIT['own-scan'];
      if (kind === 'staff' && near(get(p.courierBy, p.courierAt, id), at)) out |= BIT.assignment;
    }
    if (c && kind === 'staff') {
      if (
        (out & BIT.assignment) === 0 &&
        c.parcels.some((pid) => {
          const q = parcels.get(pid);
          return q !== undefined && near(get(q.courierBy, q.courierAt, id), at);
        })
      )
        out |= BIT.assignment;
      let mine = false;
      let past = false;
      let team = false;
      const tm = w.team;
      for (const t of c.tickets) {
        const live = t.open <= at + BEFORE && (t.closed === undefined || t.closed >= at - 10 * MIN);
        if (t.assignee === id) {
          if (live) mine = true;
          else if (t.closed !== undefined && t.closed < at && at - t.closed < CONTACT_KEEP) past = true;
        } else if (live && tm !== undefined && teamOf(t.assignee) === tm) team = true;
      }
      if (mine) out |= BIT.ticket;
      if (ticket && c.tickets.some((t) => t.id === ticket)) out |= BIT['ticket-ref'];
      if (past) out |= BIT['past-ticket'];
      if (team) out |= BIT['team-ticket'];
    }
    const contact = c?.contacts.get(w.name);
    if (contact !== undefined && contact < at && at - contact < CONTACT_KEEP) out |= BIT['earlier-contact'];
    const st = w.station;
    // The places of the parcel, or else of the customer's parcels.
    if (st && (p || c)) {
      if (p ? p.places.includes(st) : c!.parcels.some((pid) => parcels.get(pid)?.places.includes(st)))
        out |= BIT['own-station'];
      else {
        const reg = region(st);
        const inRegion = (places: readonly string[]) => places.some((x) => reg.has(x));
        if (p ? inRegion(p.places) : c!.parcels.some((pid) => inRegion(parcels.get(pid)?.places ?? [])))
          out |= BIT.region;
      }
    }
    // Where the actor has been working today: most of their last reads went to this station.
    // People are posted to another station for a day; a device stays where it is enrolled.
    // At their own station that is what own-station says (learned for the role or not).
    const as = kind === 'staff' ? actors.get(w.name) : undefined;
    if (p?.dest && as && p.dest !== st && focusedOn(as, p.dest)) out |= BIT.focus;
    // A stream that began mid-flight (scans of parcels it was never told of) has a gap behind it:
    // until that passes, a parcel or customer it never heard of may predate it, and is not held
    // against anyone. A stream that saw every parcel created (a fresh Cloak) has no such gap.
    if (at < gapUntil && !p && (!c || (ticket !== undefined && !ticketsById.has(ticket)) || c.parcels.length === 0))
      out |= BIT['history-gap'];
    return out;
  }

  /** Most of the actor's last reads (at least ten) went to this station. */
  function focusedOn(s: ActorState, station: string): boolean {
    return s.recent.length >= 10 && (s.recentCount.get(station) ?? 0) >= 0.4 * s.recent.length;
  }

  /**
   * What a template explains is learned per role and per kind of access: a courier's
   * colleagues reading their station's parcels says nothing about showing a customer's phone
   * in clear, so reveals learn apart from reads (`courier#reveal`).
   */
  function learnKey(role: string, type: string): string {
    return type === 'reveal' ? `${role}${REVEALS}` : role;
  }

  /** The place templates learned for each role, as bits (cleared when the learner relearns). */
  const learnedBits = new Map<string, number>();
  /** Whether these templates (bits) explain an access by this role: direct ones and focus always, places as learned. */
  function explains(role: string, m: number): boolean {
    if ((m & ALWAYS) !== 0) return true;
    let l = learnedBits.get(role);
    if (l === undefined) learnedBits.set(role, (l = maskOf(learner.learned(role))));
    return (m & l) !== 0;
  }

  /** An actor's expected unexplained rate: their own past, shrunk toward their role's (a newcomer starts on the role's). */
  function expectedRate(s: ActorState, role: string): number {
    const r = roleRate.get(role) ?? (role.startsWith('device:') ? 0.01 : 0.3);
    return Math.min(0.9, Math.max(RATE_FLOOR, (s.past.u + 20 * r) / (s.past.n + 20)));
  }

  function slide(s: ActorState): void {
    while (s.win.length > 0 && s.win[0]! <= now - WINDOW) {
      s.win.shift();
      s.past.n++;
    }
    while (s.unexpl.length > 0 && s.unexpl[0]!.t <= now - WINDOW) {
      s.unexpl.shift();
      s.past.u++;
    }
  }

  /** The burst test: is this many unexplained accesses in 24 hours surprising for this actor? */
  function burst(
    s: ActorState,
    role: string,
    actor: string,
  ): { n: number; expected: number; p: number; lone?: { build: string; t: number } | undefined } {
    const n = s.unexpl.length;
    // A floor for what a rate learned from few accesses cannot know: devices' reads are scans, people's are not.
    const expected = Math.max(kindOf(actor) === 'device' ? 0.1 : 0.5, s.win.length * expectedRate(s, role));
    const dev = kindOf(actor) === 'device' ? devices.get(bare(actor)) : undefined;
    // A build that no other device runs, reported shortly before: the scanner story's tell.
    const lone =
      dev && (buildDevices.get(dev.build)?.size ?? 0) <= 1 && now - dev.buildAt < 2 * DAY
        ? { build: dev.build, t: dev.buildAt }
        : undefined;
    return { n, expected, p: poissonTail(n, expected), lone };
  }

  function accessRule(actor: string, what: 'parcel' | 'customer'): string {
    const dev = kindOf(actor) === 'device';
    return dev
      ? 'lookup-without-scan'
      : what === 'parcel'
        ? 'parcel-lookup-without-assignment'
        : 'access-without-explanation';
  }

  function burstAlert(out: Alert[], actor: string, s: ActorState, role: string, what: 'parcel' | 'customer'): void {
    if (s.unexpl.length < 2) return; // fewer than any rule below needs
    const b = burst(s, role, actor);
    // A device that no enrolment or build report ever introduced is a stranger on the network.
    const stranger = kindOf(actor) === 'device' && !devices.has(bare(actor));
    const need = b.lone || stranger ? 2 : 3;
    if (b.n < need) return;
    const alertable = b.p < P_MEDIUM || ((b.lone !== undefined || stranger) && b.p < 1e-2);
    if (!alertable) return;
    const who = bare(actor);
    const evidence = (): Evidence[] => [
      ...(b.lone
        ? [
            {
              type: 'device',
              at: iso(b.lone.t),
              build: b.lone.build,
              note: noteTexts('lone-build').en,
              notes: noteTexts('lone-build'),
            },
          ]
        : []),
      ...(stranger
        ? [
            {
              type: 'device',
              at: iso(now),
              device: bare(actor),
              note: noteTexts('never-enrolled').en,
              notes: noteTexts('never-enrolled'),
            },
          ]
        : []),
      ...s.unexpl.map((u) => u.e),
    ];
    const severity: Severity = b.p < P_HIGH || b.lone || stranger ? 'high' : 'medium';
    const score = 1 - Math.max(b.p, 1e-12) ** (1 / 12);
    const params = {
      who,
      n: b.n,
      expected: b.expected.toFixed(1),
      role: role.replace(/^device:/, ''),
      build: b.lone?.build ?? '',
    };
    const rule = b.lone && kindOf(actor) === 'device' ? 'unknown-build-then-reads' : accessRule(actor, what);
    const raised = raise(out, {
      actor,
      rule,
      severity,
      score,
      texts: () => alertTexts(rule, params),
      evidence,
      compared: rule === 'unknown-build-then-reads' ? 'everyone' : 'peers-and-own-past',
    });
    if (raised) s.alerted.get(rule)!.covers = coverage(s.unexpl.map((u) => u.covered));
  }

  /** How many of these unexplained accesses each template covered. */
  function coverage(lists: readonly (readonly Template[])[]): { n: number; by: Map<string, number> } {
    const by = new Map<string, number>();
    for (const covered of lists) for (const t of covered) by.set(t, (by.get(t) ?? 0) + 1);
    return { n: lists.length, by };
  }

  /** Feeds one judged access to every access rule. */
  function judged(
    out: Alert[],
    actor: string,
    w: Who,
    v: {
      explained: boolean;
      shown: boolean;
      parcel?: string | undefined;
      customer?: string | undefined;
      covered: readonly Template[];
      e: Evidence;
      fields?: readonly string[] | undefined;
      /** What `cover` found of the parcel and the customer (see `looked`). */
      found: { parcel: ParcelState | undefined; customer: CustomerState | undefined };
    },
  ): void {
    const role = w.role;
    const s = actorState(w.name);
    opts.onAccess?.({
      actor,
      at: v.e.at,
      explained: v.explained,
      shown: v.shown,
      parcel: v.parcel,
      customer: v.customer,
      templates: v.covered,
    });
    learner.observe(learnKey(role, v.e.type), w.name, v.covered, now);
    slide(s);
    s.win.push(now);
    takeover(out, actor, s, v.e, v.covered, role);
    // Counted among the peers of its place (once per place: those sets only grow).
    const key = w.peers;
    if (key !== undefined && s.placedIn !== key) {
      (placeActors.get(key) ?? placeActors.set(key, new Set()).get(key)!).add(w.name);
      s.placedIn = key;
    }
    const dest = v.found.parcel?.dest;
    if (dest) {
      const before = focusedOn(s, dest);
      s.recent.push(dest);
      s.recentCount.set(dest, (s.recentCount.get(dest) ?? 0) + 1);
      if (s.recent.length > 40) {
        const gone = s.recent.shift()!;
        const left = s.recentCount.get(gone)! - 1;
        if (left === 0) s.recentCount.delete(gone);
        else s.recentCount.set(gone, left);
      }
      // Once the day's posting shows, the reads of that station that led up to it are explained too.
      if (!before && focusedOn(s, dest) && dest !== w.station && w.kind === 'staff')
        explainLate(
          out,
          actor,
          (u) => u.parcel !== undefined && parcels.get(u.parcel)?.dest === dest,
          'the actor was working that station’s parcels',
          6 * HOUR,
        );
    }
    volume(out, actor, w, s, v.parcel ? 'parcel' : 'customer', v.fields?.some((f) => CLEAR_CONTACT.has(f)) === true);
    if (v.fields) fields(out, actor, s, role, v.fields, v.e);
    const wk = Math.floor(now / HOUR);
    // Hours leave the week in the order they came (event time only moves forward).
    if (s.weekFirst <= wk - 168) {
      s.weekFirst = Number.POSITIVE_INFINITY;
      for (const [k, [a, b]] of s.week) {
        if (k > wk - 168) {
          s.weekFirst = k;
          break;
        }
        s.week.delete(k);
        s.n7 -= a;
        s.u7 -= b;
      }
    }
    let bucket = s.week.get(wk);
    if (!bucket) {
      s.week.set(wk, (bucket = [0, 0]));
      if (s.week.size === 1) s.weekFirst = wk;
    }
    bucket[0]++;
    s.n7++;
    if (v.e.type === 'reveal') {
      s.revealsWeek.push(now);
      while (s.revealsWeek.length > 0 && s.revealsWeek[0]! <= now - 7 * DAY) s.revealsWeek.shift();
      s.reveals.push(now);
      s.revealTotals.n++;
      if (!v.explained) s.revealTotals.u++;
    }
    // Whether or not the region was learned yet: the device's own past must count its cold start.
    if (
      w.kind === 'device' &&
      v.covered.includes('region') &&
      !v.covered.some((t) => DIRECT.has(t) || t === 'own-station')
    )
      reach(out, actor, s, role, v.e);
    if (v.explained) {
      // Only the person's own work makes a contact that explains a call back: a read that only
      // a place explained must not vouch for the reveal that follows it.
      const cust = v.customer ?? v.found.parcel?.customer;
      if (cust) {
        let c = v.found.customer;
        if (c) c.seen = now;
        else c = customer(cust);
        c.touched = now;
        if (v.covered.some((t) => DIRECT.has(t))) c.contacts.set(w.name, now);
      }
      return;
    }
    bucket[1]++;
    s.u7++;
    if (dest && w.kind === 'device' && dest !== w.station) converge(out, actor, dest, v.e);
    s.unexpl.push({ t: now, e: v.e, parcel: v.parcel, customer: v.customer, covered: v.covered });
    if (s.unexpl.length > 2000) s.unexpl.splice(0, s.unexpl.length - 2000);
    burstAlert(out, actor, s, role, v.parcel ? 'parcel' : 'customer');
    s.slowEv.push(v.e);
    s.slowCovered.push(v.covered);
    if (s.slowEv.length > MAX_EVIDENCE) (s.slowEv.shift(), s.slowCovered.shift());
    if (v.e.type === 'reveal') (revealBurst(out, actor, s, role, v.e), slowReveals(out, actor, s, role, v.e));
    // The low and slow: a week of unexplained accesses, against the same expectation.
    const { n7, u7 } = s;
    if (u7 < 8) return;
    // Only for what the day's count did not already catch: the low and slow.
    const caught = DAY_RULES.some((r) => {
      const x = s.alerted.get(r);
      return x !== undefined && !x.downgraded && now - x.t < 7 * DAY;
    });
    if (caught) return;
    const p7 = poissonTail(u7, Math.max(0.5, n7 * expectedRate(s, role)));
    if (
      p7 < P_SLOW &&
      raise(out, {
        actor,
        rule: 'accumulated-risk',
        severity: p7 < P_HIGH ? 'high' : 'medium',
        score: 1 - Math.max(p7, 1e-12) ** (1 / 12),
        texts: () => alertTexts('accumulated-risk', { risk: u7, n: n7 }),
        evidence: s.slowEv,
        compared: 'peers-and-own-past',
      })
    )
      s.alerted.get('accumulated-risk')!.covers = coverage(s.slowCovered);
  }

  /**
   * Spread thin: several devices at other stations each reading a few parcels bound for one
   * station that none of them handles. No device stands out against its own volume; the sum
   * does. Three or more devices with two or more such reads each in 24 hours (one each was
   * tried: the third world's benign devices misread other stations' parcels often enough that
   * three of them meet by chance).
   */
  function converge(out: Alert[], actor: string, station: string, e: Evidence): void {
    let c = converging.get(station);
    if (!c) converging.set(station, (c = { list: [], per: new Map(), many: 0 }));
    const list = c.list;
    // The counts follow the list as reads enter and leave it: most calls stop at the test below.
    while (list.length > 0 && list[0]!.t <= now - WINDOW) {
      const gone = list.shift()!.device;
      const left = c.per.get(gone)! - 1;
      if (left === 1) c.many--;
      if (left === 0) c.per.delete(gone);
      else c.per.set(gone, left);
    }
    list.push({ t: now, device: actor, e });
    const mineNow = (c.per.get(actor) ?? 0) + 1;
    c.per.set(actor, mineNow);
    if (mineNow === 2) c.many++;
    if (c.many < 3 || mineNow < 2) return;
    // Counted again in list order: the order in which the devices are alerted.
    const per = new Map<string, number>();
    for (const x of list) per.set(x.device, (per.get(x.device) ?? 0) + 1);
    const many = [...per].filter(([, n]) => n >= 2);
    if (many.length < 3 || (per.get(actor) ?? 0) < 2) return;
    const total = many.reduce((a, [, n]) => a + n, 0);
    for (const [device] of many) {
      const mine = list.filter((x) => x.device === device).map((x) => x.e);
      raise(out, {
        actor: device,
        rule: 'many-devices-one-station',
        severity: many.length >= 4 ? 'high' : 'medium',
        score: 1 - Math.exp(-many.length / 2),
        texts: () =>
          alertTexts('many-devices-one-station', {
            who: bare(device),
            n: mine.length,
            station,
            devices: many.length,
            total,
          }),
        evidence: () => mine,
        compared: 'everyone',
      });
    }
  }

  /**
   * Outside the actor’s own working hours (with two days of their own history), or, before
   * that, at an hour their role hardly works (under 1% of the role's accesses in that hour and
   * the two beside it).
   */
  function offHours(s: ActorState, t: number, role: string): boolean {
    const h = hourOfDay(t);
    const around = (xs: readonly number[]) => xs[(h + 23) % 24]! + xs[h]! + xs[(h + 1) % 24]!;
    if (s.daysSeen.size >= 2) return around(s.hours) === 0;
    const rh = roleHours.get(role);
    const total = rh ? rh.reduce((a, b) => a + b, 0) : 0;
    return rh !== undefined && total >= 500 && around(rh) < 0.01 * total;
  }

  function seenAt(s: ActorState, t: number, role: string): void {
    const h = hourOfDay(t);
    s.hours[h]!++;
    (roleHours.get(role) ?? roleHours.set(role, new Array<number>(24).fill(0)).get(role)!)[h]!++;
    s.daysSeen.add(Math.floor(t / DAY));
    if (s.daysSeen.size > 30) s.daysSeen.delete(Math.min(...s.daysSeen));
  }

  /**
   * Reads in someone's name in a session from a network nobody used, begun at an hour they
   * never work: the reads their own work does not explain (their ticket, assignment, scan or
   * earlier contact; a teammate's ticket or their station is what a borrowed account reads).
   * The session's hours are not learned as the person's own.
   */
  function takeover(
    out: Alert[],
    actor: string,
    s: ActorState,
    e: Evidence,
    covered: readonly Template[],
    role: string,
  ): void {
    const net = s.novelNet;
    if (net === undefined || now - net > 6 * HOUR) {
      seenAt(s, now, role);
      return;
    }
    if (covered.some((t) => OWN_WORK.has(t))) return;
    s.takeoverEv.push(e);
    if (s.takeoverEv.length >= 3)
      raise(out, {
        actor,
        rule: 'new-network-then-reads',
        severity: s.takeoverEv.length >= 10 ? 'high' : 'medium',
        score: 1 - Math.exp(-s.takeoverEv.length / 3),
        texts: () => alertTexts('new-network-then-reads', { who: bare(actor), n: s.takeoverEv.length }),
        evidence: () => [
          { type: 'login', at: iso(net), note: noteTexts('novel-network').en, notes: noteTexts('novel-network') },
          ...s.takeoverEv,
        ],
        compared: 'peers-and-own-past',
      });
  }

  /**
   * A device reaching past its own past: reads that only the region explains (parcels of
   * neighbouring stations it never scanned), from a device that hardly ever needed the region
   * before. Devices stay where they are enrolled, so what a device's region covers is learned
   * from devices that read the region every day; a device that never did and now does, in
   * bulk, is doing something else. Against its own past share (floored), a Poisson tail.
   * Its past counts every read only the region covers, explained or not (what it read before
   * the region was learned is its past too).
   */
  function reach(out: Alert[], actor: string, s: ActorState, role: string, e: Evidence): void {
    while (s.wide.length > 0 && s.wide[0]!.t <= now - WINDOW) (s.wide.shift(), s.widePast++);
    s.wide.push({ t: now, e });
    if (s.wide.length > 500) (s.wide.shift(), s.widePast++);
    // Three days and a hundred reads of its own past first, none of them the stream's first
    // days (parcels already under way then have no route to place them in a region).
    if (s.daysSeen.size < 4 || s.past.n < 100 || now - started < 4 * DAY) return;
    const n = s.wide.length;
    if (n < 4) return;
    const share = Math.max(RATE_FLOOR, s.widePast / s.past.n);
    const expected = Math.max(0.05, s.win.length * share);
    // Ten times its own past too: a device's share of region reads drifts from day to day.
    const p = poissonTail(n, expected);
    if (p >= P_MEDIUM || n < 10 * expected) return;
    raise(out, {
      actor,
      rule: 'reach-beyond-own-past',
      severity: p < P_HIGH ? 'high' : 'medium',
      score: 1 - Math.max(p, 1e-12) ** (1 / 12),
      texts: () =>
        alertTexts('reach-beyond-own-past', {
          who: bare(actor),
          n,
          expected: expected.toFixed(1),
          role: role.replace(/^device:/, ''),
        }),
      evidence: () => s.wide.map((x) => x.e),
      compared: 'own-past',
    });
  }

  /** Reveals asked for with no reason (shown or refused): rarer than reads, so fewer make an alert. */
  function revealBurst(out: Alert[], actor: string, s: ActorState, role: string, e: Evidence): void {
    while (s.reveals.length > 0 && s.reveals[0]! <= now - WINDOW) s.reveals.shift();
    while (s.revealsUnexpl.length > 0 && s.revealsUnexpl[0]!.t <= now - WINDOW) s.revealsUnexpl.shift();
    s.revealsUnexpl.push({ t: now, e });
    const rate = roleRevealRate.get(role) ?? 0.02;
    const n = s.revealsUnexpl.length;
    if (n < 4) return;
    const expected = Math.max(0.1, s.reveals.length * rate);
    const p = poissonTail(n, expected);
    if (p >= P_MEDIUM) return;
    raise(out, {
      actor,
      rule: 'access-without-explanation',
      severity: p < P_HIGH ? 'high' : 'medium',
      score: 1 - Math.max(p, 1e-12) ** (1 / 12),
      texts: () =>
        alertTexts('access-without-explanation', { who: bare(actor), n, expected: expected.toFixed(1), role }),
      evidence: () => s.revealsUnexpl.map((x) => x.e),
      compared: 'peers-and-own-past',
    });
  }

  /** Reveals with no reason, a few a day for days: the week's count against the role's rate (the day's count is revealBurst's). */
  function slowReveals(out: Alert[], actor: string, s: ActorState, role: string, e: Evidence): void {
    while (s.revealsWeekUnexpl.length > 0 && s.revealsWeekUnexpl[0]!.t <= now - 7 * DAY) s.revealsWeekUnexpl.shift();
    s.revealsWeekUnexpl.push({ t: now, e });
    const n = s.revealsWeekUnexpl.length;
    if (n < 6) return;
    const days = new Set(s.revealsWeekUnexpl.map((x) => Math.floor(x.t / DAY))).size;
    if (days < 3) return;
    const expected = Math.max(0.2, s.revealsWeek.length * (roleRevealRate.get(role) ?? 0.02));
    const p = poissonTail(n, expected);
    if (p >= P_MEDIUM) return;
    raise(out, {
      actor,
      rule: 'slow-reveals',
      severity: p < P_HIGH ? 'high' : 'medium',
      score: 1 - Math.max(p, 1e-12) ** (1 / 12),
      texts: () => alertTexts('slow-reveals', { who: bare(actor), n, days, expected: expected.toFixed(1), role }),
      evidence: () => s.revealsWeekUnexpl.map((x) => x.e),
      compared: 'peers-and-own-past',
    });
  }

  /** Staying inside the explanation: far more distinct reads in 24 hours than peers and one's own past. */
  function volume(
    out: Alert[],
    actor: string,
    w: Who,
    s: ActorState,
    what: 'parcel' | 'customer',
    clear: boolean,
  ): void {
    const role = w.role;
    if (clear) s.clearReads.push(now);
    while (s.clearReads.length > 0 && s.clearReads[0]! <= now - WINDOW) s.clearReads.shift();
    const h = Math.floor(now / HOUR);
    if (s.hourlyFirst <= h - 24) {
      s.hourlyFirst = Number.POSITIVE_INFINITY;
      for (const [k, c] of s.hourly) {
        if (k > h - 24) {
          s.hourlyFirst = k;
          break;
        }
        s.hourly.delete(k);
        s.n24 -= c;
      }
    }
    const inHour = s.hourly.get(h);
    if (inHour === undefined) {
      s.hourly.set(h, 1);
      if (s.hourly.size === 1) s.hourlyFirst = h;
    } else s.hourly.set(h, inHour + 1);
    s.n24++;
    const d = Math.floor(now / DAY);
    s.days.set(d, (s.days.get(d) ?? 0) + 1);
    const n = s.n24;
    if (n < 60) return;
    // Peers at the same station or team first (a hub's scanners read more than a station's), else the role.
    const peer = (w.peers !== undefined ? roleDaily.get(w.peers) : undefined) ?? roleDaily.get(role);
    if (peer === undefined) return;
    if (s.ownDay !== d) {
      const ownDays = [...s.days].filter(([k]) => k < d).map(([, c]) => c);
      s.ownDay = d;
      s.ownMedian = ownDays.length >= 1 ? median(ownDays)! : undefined;
    }
    const own = s.ownMedian;
    const base = Math.max(peer, own ?? peer, 10);
    if (n / base < 8) return;
    // A busy day for everyone (a sale, a peak) is not one person's: compare with the same peers today too.
    const group = w.peers !== undefined ? placeActors.get(w.peers) : undefined;
    const today: number[] = [];
    for (const a of group ?? []) {
      if (a === actor) continue;
      const other = actors.get(a);
      if (!other) continue;
      // Their reads in the last 24 hours: their running sum, less the hours that left the day
      // since their own last read (still at the front of their map, in hour order).
      let c = other.n24;
      if (other.hourlyFirst <= h - 24)
        for (const [k, x] of other.hourly) {
          if (k > h - 24) break;
          c -= x;
        }
      if (c > 0) today.push(c);
    }
    const peerToday = today.length >= 2 ? median(today)! : 0;
    const ratio = n / Math.max(base, peerToday);
    // A day of masked records only (a stocktake, a backlog) exposes little: twice the bar.
    if (ratio < (s.clearReads.length > 0 ? 8 : 16)) return;
    const ev: Evidence = {
      type: 'volume',
      at: iso(now),
      reads_24h: n,
      peer_median_per_day: peer,
      ...(own !== undefined ? { own_median_per_day: own } : {}),
    };
    raise(out, {
      actor,
      rule: 'unusual-volume',
      severity: ratio >= 15 ? 'high' : 'medium',
      score: 1 - 1 / ratio,
      texts: () =>
        alertTexts('unusual-volume', {
          role: role.replace(/^device:/, ''),
          who: bare(actor),
          n,
          ratio: ratio.toFixed(1),
          peer,
          own: own ?? '—',
          what:
            what === 'parcel'
              ? { en: 'parcels', vi: 'bưu kiện', zh: '包裹' }
              : { en: 'customers', vi: 'khách hàng', zh: '客户' },
        }),
      evidence: [ev],
      compared: 'peers-and-own-past',
    });
  }

  /** Fields the actor's role almost never asks for, asked for again and again. */
  function fields(out: Alert[], actor: string, s: ActorState, role: string, fs: readonly string[], e: Evidence): void {
    const rf = roleFields.get(role) ?? roleFields.set(role, { n: 0, f: new Map() }).get(role)!;
    rf.n++;
    for (const f of fs) rf.f.set(f, (rf.f.get(f) ?? 0) + 1);
    if (rf.n < 500) return;
    let odd: string | undefined;
    for (const f of fs)
      if ((rf.f.get(f) ?? 0) / rf.n < 0.01) {
        odd = f;
        break;
      }
    if (!odd) return;
    while (s.fieldOdd.length > 0 && s.fieldOdd[0]! <= now - WINDOW) s.fieldOdd.shift();
    s.fieldOdd.push(now);
    if (s.fieldOdd.length >= 10)
      raise(out, {
        actor,
        rule: 'unusual-fields',
        severity: 'medium',
        score: 0.8,
        texts: () =>
          alertTexts('unusual-fields', {
            role: role.replace(/^device:/, ''),
            who: bare(actor),
            field: odd,
            n: s.fieldOdd.length,
            share: 1,
          }),
        evidence: [e],
        compared: 'peers',
      });
  }

  /** A late explanation (a ticket, an assignment): clears the actor's matching unexplained accesses and downgrades what they raised. */
  function explainLate(
    out: Alert[],
    actor: string,
    match: (u: Unexplained) => boolean,
    reason: string,
    within = grace + retro,
  ): void {
    const s = actors.get(actor);
    if (!s || s.unexpl.length === 0) return;
    // Most late explanations match nothing: look before copying the list.
    if (!s.unexpl.some((u) => u.t >= now - within && match(u))) return;
    const before = s.unexpl.length;
    s.unexpl = s.unexpl.filter((u) => {
      if (!(u.t >= now - within && match(u))) return true;
      // Out of the week's count too, hour by hour.
      const bucket = s.week.get(Math.floor(u.t / HOUR));
      if (bucket && bucket[1] > 0) {
        bucket[1]--;
        s.u7--;
      }
      return false;
    });
    if (s.unexpl.length === before) return;
    const role = roleOf(actor);
    const b = burst(s, role, actor);
    if (b.n < 3 || b.p >= P_MEDIUM)
      for (const rule of [
        'lookup-without-scan',
        'parcel-lookup-without-assignment',
        'access-without-explanation',
        'new-network-then-reads',
      ])
        downgrade(out, actor, rule, reason);
    if (s.u7 < 8 || poissonTail(s.u7, Math.max(0.5, s.n7 * expectedRate(s, role))) >= P_SLOW)
      downgrade(out, actor, 'accumulated-risk', reason);
  }

  function lookup(out: Alert[], e: LookupEvent): void {
    const w = who(e.actor);
    if (w.kind !== 'device' && w.kind !== 'staff' && w.kind !== 'seller') return;
    if (!e.parcel && !e.customer) return;
    const ev: { type: string; at: string; [k: string]: unknown } = { type: 'lookup', at: e.at, result: e.result };
    if (e.parcel) ev.parcel = e.parcel;
    if (e.customer) ev.customer = e.customer;
    const m = cover(e.actor, w, e.parcel, e.customer, eventT);
    // Explained at once needs no grace; otherwise the scan, assignment or ticket may still come.
    if (explains(w.role, m)) judgeLookup(out, e, eventT, ev, m, w);
    else pending.push({ due: now + grace, at: eventT, e, ev });
  }

  /** Judges a lookup made at `at`: with its templates when just found, else as they stand now. */
  function judgeLookup(out: Alert[], e: LookupEvent, at: number, ev: Evidence, m?: number, known?: Who): void {
    const w = known ?? who(e.actor);
    const covered = m ?? cover(e.actor, w, e.parcel, e.customer, at);
    judged(out, e.actor, w, {
      explained: explains(w.role, covered),
      shown: e.result === 'ok',
      parcel: e.parcel,
      customer: e.customer,
      covered: listOf(covered),
      e: ev,
      fields: e.fields,
      found: { parcel: looked.parcel, customer: looked.customer },
    });
  }

  const handovers = createHandovers((out, a) => raise(out, a));
  const work: WorkRules = createWorkRules({
    raise: (out, a) => raise(out, a),
    downgrade,
    quiet: (f) => {
      quietly = true;
      try {
        f();
      } finally {
        quietly = false;
      }
    },
    now: () => now,
    inHistoryGap: () => now < gapUntil,
    roleOf,
    actorState,
    customers,
    parcels,
    ticketsById,
    staff,
  });

  function reveal(out: Alert[], e: RevealEvent): void {
    const at = eventT;
    const ev: Evidence = {
      type: 'reveal',
      at: e.at,
      customer: e.customer,
      field: e.field,
      result: e.result,
      ...(e.purpose ? { purpose: e.purpose } : {}),
      ...(e.ticket ? { ticket: e.ticket } : {}),
    };
    if (e.result === 'break_glass') {
      const w = who(e.actor);
      const m = cover(e.actor, w, undefined, e.customer, at, e.ticket);
      const explained = explains(learnKey(w.role, 'reveal'), m);
      opts.onAccess?.({ actor: e.actor, at: e.at, explained, shown: true, customer: e.customer, templates: listOf(m) });
      work.breakGlass(out, e.actor, e.customer, ev, explained);
      return;
    }
    const w = who(e.actor);
    const m = cover(e.actor, w, undefined, e.customer, at, e.ticket);
    if (explains(learnKey(w.role, 'reveal'), m)) judgeReveal(out, e, at, ev, m);
    else {
      work.revealUnexplained(out, e.actor, e.customer, ev);
      pending.push({ due: now + grace, at, e, ev });
    }
  }

  /** Judges a reveal (not a break-glass) made at `at`, as `judgeLookup` does a lookup. */
  function judgeReveal(out: Alert[], e: RevealEvent, at: number, ev: Evidence, m?: number): void {
    const w = who(e.actor);
    const covered = m ?? cover(e.actor, w, undefined, e.customer, at, e.ticket);
    const explained = explains(learnKey(w.role, 'reveal'), covered);
    judged(out, e.actor, w, {
      explained,
      shown: e.result !== 'denied',
      customer: e.customer,
      covered: listOf(covered),
      e: ev,
      found: { parcel: looked.parcel, customer: looked.customer },
    });
    work.revealJudged(out, e.actor, e.customer, ev, explained);
  }

  function login(out: Alert[], e: Extract<CloakEvent, { type: 'login' }>): void {
    if (!e.ip) return;
    if (e.result !== 'ok') {
      // Failed attempts from a network, in the half hour before a sign-in from it.
      const f = actorState(e.actor);
      (f.failedFrom ??= []).push([e.ip, now]);
      if (f.failedFrom.length > 20) f.failedFrom.shift();
      return;
    }
    if (Number.isNaN(firstLogin)) firstLogin = now;
    const users = ipUsers.get(e.ip) ?? ipUsers.set(e.ip, new Set()).get(e.ip)!;
    // A network nobody has used, once a day of sign-ins is known: reads soon after need less to alert.
    const s = actorState(e.actor);
    const novel = users.size === 0 || (s.suspectNets?.has(e.ip) === true && [...users].every((u) => u === e.actor));
    // Guessed in: two or more failed attempts from that network in the half hour before.
    const guessed = (s.failedFrom ?? []).filter(([ip, t]) => ip === e.ip && now - t <= 30 * MIN).length >= 2;
    if (novel && now - firstLogin > DAY && (guessed || offHours(s, now, roleOf(e.actor)))) {
      s.novelNet = now;
      s.takeoverEv = [];
      (s.suspectNets ??= new Set()).add(e.ip);
    }
    users.add(e.actor);
    void out;
  }

  function relearn(out: Alert[]): void {
    const before = new Map<string, ReadonlySet<string>>();
    for (const a of actors.keys()) {
      const role = roleOf(a);
      for (const key of [role, learnKey(role, 'reveal')]) if (!before.has(key)) before.set(key, learner.learned(key));
    }
    // Suspects teach nothing; an alert that only says reads were unexplained does not make a
    // suspect, since learning what explains them is how such an alert is resolved.
    learner.relearn((a) => {
      for (const [rule, x] of actors.get(a)?.alerted ?? [])
        if (!x.downgraded && now - x.t < 3 * DAY && !EXPLAINABLE.has(rule)) return true;
      return false;
    });
    learnedBits.clear();
    // A template newly learned for a role explains, after the fact, what that role's actors
    // did under it in the last two days (a cold start's reads of the region, say), for the
    // kind of access it was learned for.
    const fresh = new Map<string, string[]>();
    for (const [key, old] of before) {
      const added = [...learner.learned(key)].filter((t) => !old.has(t));
      if (added.length > 0) fresh.set(key, added);
    }
    if (fresh.size > 0)
      for (const a of actors.keys()) {
        const role = roleOf(a);
        const onReads = fresh.get(role) ?? [];
        const onReveals = fresh.get(learnKey(role, 'reveal')) ?? [];
        const added = [...new Set([...onReads, ...onReveals])];
        if (added.length === 0) continue;
        const reason = `this role's normal work was learned to cover it (${added.join(', ')})`;
        explainLate(
          out,
          a,
          (u) => u.covered.some((t) => (u.e.type === 'reveal' ? onReveals : onReads).includes(t)),
          reason,
          2 * DAY,
        );
        // Alerts of the last days whose reads the new templates mostly cover stand no more.
        const s = actors.get(a)!;
        for (const [rule, x] of s.alerted) {
          if (x.downgraded || !x.covers || now - x.t > 3 * DAY) continue;
          const covered = Math.max(0, ...added.map((t) => x.covers!.by.get(t) ?? 0));
          if (covered >= 0.8 * x.covers.n) downgrade(out, a, rule, reason);
        }
      }
    const rates = new Map<string, number[]>();
    const rrates = new Map<string, number[]>();
    const pooled = new Map<string, { n: number; u: number }>();
    const daily = new Map<string, number[]>();
    const today = Math.floor(now / DAY);
    for (const [a, s] of actors) {
      const role = roleOf(a);
      const n = s.past.n + s.win.length;
      const u = s.past.u + s.unexpl.length;
      if (n >= 20) (rates.get(role) ?? rates.set(role, []).get(role)!).push(u / n);
      if (s.revealTotals.n >= 10)
        (rrates.get(role) ?? rrates.set(role, []).get(role)!).push(s.revealTotals.u / s.revealTotals.n);
      const pr = pooled.get(role) ?? pooled.set(role, { n: 0, u: 0 }).get(role)!;
      pr.n += n;
      pr.u += u;
      const ds = [...s.days].filter(([k]) => k < today).map(([, c]) => c);
      if (ds.length >= 1) {
        const m = median(ds)!;
        const place = stationOf(a) ?? staff.get(bare(a))?.team;
        for (const key of place !== undefined ? [role, `${role}@${place}`] : [role])
          (daily.get(key) ?? daily.set(key, []).get(key)!).push(m);
      }
    }
    // A role's rate: the median of its actors' (robust), or, with fewer than three of them, their pooled rate.
    roleRate = new Map([...rates].filter(([, xs]) => xs.length >= 3).map(([r, xs]) => [r, median(xs)!]));
    for (const [role, p] of pooled) if (!roleRate.has(role) && p.n >= 20) roleRate.set(role, p.u / p.n);
    roleRevealRate = new Map(
      [...rrates].filter(([, xs]) => xs.length >= 3).map(([r, xs]) => [r, Math.max(RATE_FLOOR, median(xs)!)]),
    );
    roleDaily = new Map(
      [...daily].filter(([k, xs]) => xs.length >= (k.includes('@') ? 2 : 3)).map(([r, xs]) => [r, median(xs)!]),
    );
    // Regions: stations that share a hub sending them at least a tenth of their parcels.
    const main = new Map<string, string[]>();
    for (const [st, hubs] of feeds) {
      const total = [...hubs.values()].reduce((a, b) => a + b, 0);
      main.set(
        st,
        [...hubs].filter(([, n]) => n >= 0.1 * total).map(([h]) => h),
      );
    }
    const next = new Map<string, Set<string>>();
    for (const [st, hubs] of main) {
      const set = new Set<string>(hubs);
      for (const [other, oh] of main) if (other !== st && oh.some((h) => hubs.includes(h))) set.add(other);
      // A hub's region is every station it feeds.
      for (const h of hubs) (next.get(h) ?? next.set(h, new Set()).get(h)!).add(st);
      next.set(st, new Set([...(next.get(st) ?? []), ...set]));
    }
    neighbours = next;
  }

  function prune(out: Alert[]): void {
    // forEach and plain loops: these walk every parcel and customer, and most have nothing to drop.
    let parcelGone = false;
    parcels.forEach((p, id) => {
      if (p.seen < now - AFTER - DAY) (parcels.delete(id), (parcelGone = true));
    });
    const contactFrom = now - CONTACT_KEEP;
    const dropContact = (t: number, a: string, m: Map<string, number>) => {
      if (!(t > contactFrom)) m.delete(a);
    };
    // The customers are walked only when something of theirs may have expired.
    const sweep =
      parcelGone || !(oldest.contact > contactFrom) || !(oldest.closed > contactFrom) || oldest.seen < now - KEEP;
    if (sweep) oldest = { contact: Infinity, closed: Infinity, seen: Infinity };
    if (sweep)
      customers.forEach((c, id) => {
        // Lists are copied only when something leaves them.
        for (const t of c.tickets)
          if (t.closed !== undefined && !(t.closed > contactFrom)) {
            c.tickets = c.tickets.filter((x) => x.closed === undefined || x.closed > contactFrom);
            break;
          }
        c.contacts.forEach(dropContact);
        for (const p of c.parcels)
          if (!parcels.has(p)) {
            c.parcels = c.parcels.filter((x) => parcels.has(x));
            break;
          }
        if (c.seen < now - KEEP && c.tickets.length === 0 && c.contacts.size === 0 && c.parcels.length === 0) {
          customers.delete(id);
          return;
        }
        oldest.seen = Math.min(oldest.seen, c.seen);
        for (const t of c.tickets) if (t.closed !== undefined) oldest.closed = Math.min(oldest.closed, t.closed);
        c.contacts.forEach((t) => (oldest.contact = Math.min(oldest.contact, t)));
      });
    for (const [id, t] of ticketsById) if (t.closed !== undefined && t.closed < now - KEEP) ticketsById.delete(id);
    for (const [st, { list }] of converging)
      if (list.length === 0 || list[list.length - 1]!.t <= now - WINDOW) converging.delete(st);
    for (const s of actors.values()) {
      const d = Math.floor(now / DAY);
      for (const k of s.days.keys()) if (k < d - 14) (s.days.delete(k), (s.ownDay = Number.NaN));
      for (const [r, x] of s.alerted) if (x.t < now - 7 * DAY) s.alerted.delete(r);
    }
    work.prune();
    handovers.prune(now);
    relearn(out);
  }

  return {
    /** Takes one event (in time order; `at`: its time in ms when already parsed) and returns the alerts it raised. */
    ingest(e: CloakEvent, at?: number): Alert[] {
      const t = at ?? Date.parse(e.at);
      const out: Alert[] = [];
      runDue(out, t, false);
      if (t > now) now = t;
      if (Number.isNaN(started)) started = t;
      eventAt = e.at;
      eventT = t;
      switch (e.type) {
        case 'staff': {
          directory++;
          // Station names as the engine's one string for each (compared and looked up on every read).
          staff.set(e.id, {
            role: e.role,
            team: e.team,
            station: e.station === undefined ? undefined : named(e.station),
          });
          break;
        }
        case 'device': {
          directory++;
          const prev = devices.get(e.id);
          if (prev?.build !== e.build) {
            if (prev) buildDevices.get(prev.build)?.delete(e.id);
            (buildDevices.get(e.build) ?? buildDevices.set(e.build, new Set()).get(e.build)!).add(e.id);
          }
          devices.set(e.id, {
            station: named(e.station),
            kind: e.kind ?? prev?.kind,
            build: e.build,
            buildAt: prev?.build === e.build ? prev.buildAt : t,
          });
          break;
        }
        case 'parcel': {
          const p = parcel(e.parcel);
          p.customer = e.customer;
          p.dest = named(e.station);
          for (const s of [e.station, e.origin, e.destination]) if (s && !p.places.includes(s)) p.places.push(named(s));
          const c = customer(e.customer);
          work.buyer(e.customer);
          if (!c.parcels.includes(e.parcel)) c.parcels.push(e.parcel);
          if (c.parcels.length > 8) c.parcels.shift();
          if (e.origin && e.origin !== e.station) {
            const f = feeds.get(e.station) ?? feeds.set(e.station, new Map()).get(e.station)!;
            f.set(e.origin, (f.get(e.origin) ?? 0) + 1);
          }
          break;
        }
        case 'scan': {
          const known = parcels.get(e.parcel);
          if (!known && t - started < 3 * DAY) gapUntil = Math.max(gapUntil, Math.min(t + DAY, started + 3 * DAY));
          const p = known ?? parcel(e.parcel);
          p.seen = now;
          // The engine's own copy of the name: a scan's string is not kept once per parcel.
          put(p.scanBy, p.scanAt, named(e.device), t);
          if (e.step === 'delivered') handovers.delivered(out, e.parcel, e.device, t);
          if (!p.places.includes(e.station)) p.places.push(named(e.station));
          break;
        }
        case 'assignment': {
          const p = parcel(e.parcel);
          handovers.assigned(e.parcel, e.courier, t);
          put(p.courierBy, p.courierAt, named(e.courier), t);
          explainLate(
            out,
            `staff:${e.courier}`,
            (u) => u.parcel === e.parcel || (p.customer !== undefined && u.customer === p.customer),
            'an assignment of the parcel followed',
          );
          break;
        }
        case 'ticket': {
          let tk = ticketsById.get(e.id);
          if (e.status === 'open') {
            if (!tk || tk.assignee !== e.assignee) {
              if (tk && tk.closed === undefined) oldest.closed = Math.min(oldest.closed, (tk.closed = t));
              tk = { id: e.id, customer: e.customer, assignee: e.assignee, open: t };
              ticketsById.set(e.id, tk);
              customer(e.customer).tickets.push(tk);
              work.ticketOpened(out, tk);
              explainLate(
                out,
                `staff:${e.assignee}`,
                (u) =>
                  u.customer === e.customer ||
                  (u.parcel !== undefined && parcels.get(u.parcel)?.customer === e.customer),
                'a ticket for the customer followed',
              );
            }
          } else if (tk) oldest.closed = Math.min(oldest.closed, (tk.closed = t));
          break;
        }
        case 'review':
          customer(e.customer).reviews++;
          work.review(e);
          break;
        case 'lookup':
          lookup(out, e);
          break;
        case 'reveal':
          reveal(out, e);
          break;
        case 'moderation':
          work.moderation(out, e);
          break;
        case 'export':
          work.exportMade(out, e);
          break;
        case 'login':
          login(out, e);
          break;
      }
      // Pruning walks every parcel: every six hours of event time is often enough; learning is cheaper, hourly.
      if (now - lastPrune > 6 * HOUR) {
        prune(out);
        lastPrune = lastLearn = now;
      } else if (now - lastLearn > HOUR) {
        relearn(out);
        lastLearn = now;
      }
      return out;
    },
    /** Judges the accesses whose grace ended by `t` (live: called on a timer when traffic is quiet). */
    advance(t: number): Alert[] {
      const out: Alert[] = [];
      runDue(out, t, true);
      return out;
    },
    /** Judges the accesses still in their grace (at the end of a replay). */
    flush(): Alert[] {
      const out: Alert[] = [];
      runDue(out, Number.POSITIVE_INFINITY, true);
      pending = [];
      head = 0;
      return out;
    },
    /** How much the engine holds (for tests of bounded memory). */
    size: () => ({ parcels: parcels.size, actors: actors.size, tickets: ticketsById.size, customers: customers.size }),
    /** What the engine learned: per role, the share of traffic each template explains. */
    learned: () => learner.report(),
  };
}
export type Engine = ReturnType<typeof createEngine>;
