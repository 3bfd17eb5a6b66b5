import type { CloakEvent } from '../bus/events.ts';
import type { ActorState, Alert, Evidence, Severity } from './engine.ts';
import { median, poissonTail } from './stats.fns.ts';
import { alertTexts, exportReasons, noteTexts, type AlertTexts } from './texts.ts';

/*
 * The rules about work rather than reads: break-glass, the review broker, exports and tickets
 * that cover for reveals. Each compares with the actor's peers by robust statistics (medians
 * of per-actor figures, so one heavy user cannot move them) and with their own past, and each
 * can be explained after the fact (a ticket following a break-glass, colleagues breaking the
 * glass in the same incident), which downgrades what it raised.
 */

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Fields of an export that carry a customer's contact value in clear (the masked ones do not). */
export const CLEAR_CONTACT: ReadonlySet<string> = new Set(['name', 'phone', 'email', 'address']);
const WEEK = 7 * DAY;
/** A ticket this soon after a break-glass for the same customer explains it. */
const BG_FOLLOW = HOUR;
/** Break-glass by this many other people within this window is an incident, not abuse. */
const BG_CLUSTER = 2 * HOUR;
const BG_CLUSTER_OTHERS = 2;
/** …for up to this many customers each, or twice what the others reached, whichever is more. */
const BG_CLUSTER_PACE = 3;
/** The tail past which a day's tickets followed by reveals are a burst. */
const TICKET_BURST_P = 1e-8;
/** A review this recent makes its author a seller's negative reviewer. */
const REVIEW_KEEP = 28 * DAY;

type Raise = (
  out: Alert[],
  a: {
    actor: string;
    rule: string;
    severity: Severity;
    score: number;
    /** As functions, built only if the alert is raised (most calls repeat a standing alert). */
    texts: AlertTexts | (() => AlertTexts);
    evidence: readonly Evidence[] | (() => readonly Evidence[]);
    compared: Alert['compared'];
    at?: string;
  },
) => Alert | undefined;
type Ticket = { id: string; customer: string; assignee: string; open: number; closed?: number };
export type WorkDeps = {
  raise: Raise;
  downgrade: (out: Alert[], actor: string, rule: string, reason: string) => void;
  /** Runs a rule without raising (to ask whether its pattern still holds). */
  quiet: (f: () => void) => void;
  now: () => number;
  /** Whether the stream's missing past (it began mid-flight) may still hide a customer's own activity. */
  inHistoryGap: () => boolean;
  roleOf: (actor: string) => string;
  actorState: (actor: string) => ActorState;
  customers: ReadonlyMap<
    string,
    {
      parcels: string[];
      reviews: number;
      tickets: Ticket[];
      contacts: ReadonlyMap<string, number>;
      touched?: number;
    }
  >;
  parcels: ReadonlyMap<string, unknown>;
  ticketsById: ReadonlyMap<string, Ticket>;
  staff: ReadonlyMap<string, { role: string }>;
};

const bare = (actor: string) => actor.slice(actor.indexOf(':') + 1);
const iso = (t: number) => new Date(t).toISOString();

/** @example const work = createWorkRules(deps); work.exportMade(out, exportEvent); */
export function createWorkRules(d: WorkDeps) {
  type BG = { t: number; actor: string; customer: string; e: Evidence; explained: boolean };
  let bgs: BG[] = [];
  /** role → actor → most distinct unexplained break-glass customers in a day. */
  const bgPeak = new Map<string, Map<string, number>>();
  const reviews = new Map<string, { customer: string; seller: string; rating: number; t: number }>();
  /** customer → seller → time of their latest negative review of that seller */
  const negative = new Map<string, Map<string, number>>();
  /** customers with a parcel of their own (buyers, not throwaway reviewers) */
  const buyers = new Set<string>();
  const reveals = new Map<string, { t: number; customer: string; e: Evidence }[]>();
  const deletes = new Map<string, { t: number; review: string; e: Evidence }[]>();
  let firstExport = Number.NaN;
  const recipients = new Map<string, { users: Set<string>; first: string; t: number }>();
  const exportsOf = new Map<string, { t: number; rows: number; recipient: string }[]>();
  const exportScore = new Map<string, { t: number; score: number }[]>();
  const datasetsOf = new Map<string, Set<string>>();
  const ownDatasets = (actor: string): ReadonlySet<string> => datasetsOf.get(actor) ?? new Set();
  /** assignee → tickets of theirs for customers with no activity of their own, and all their tickets, in a week */
  const ticketLog = new Map<string, { t: number; orphan: boolean; customer: string; revealed: boolean }[]>();

  function bgEvaluate(out: Alert[], actor: string): void {
    const now = d.now();
    const role = d.roleOf(actor);
    const mine = bgs.filter((b) => b.actor === actor && !b.explained);
    const day = new Set(mine.filter((b) => b.t > now - DAY).map((b) => b.customer));
    const week = new Set(mine.map((b) => b.customer));
    const peaks = bgPeak.get(role) ?? bgPeak.set(role, new Map()).get(role)!;
    peaks.set(actor, Math.max(peaks.get(actor) ?? 0, day.size));
    // The peers' typical day, not their busiest: one colleague's bad day cannot raise the bar.
    const peer = median([...peaks].filter(([a, n]) => a !== actor && n > 0).map(([, n]) => n)) ?? 0;
    const need = Math.max(3, peer + 1);
    // The low and slow: on more than one day of the week, and more than peers do in a day.
    const days = new Set(mine.map((b) => Math.floor(b.t / DAY))).size;
    const slow = week.size >= 3 && days >= 2 && week.size > Math.max(2, peer);
    if (day.size < need && !slow) return;
    const n = day.size >= need ? day.size : week.size;
    d.raise(out, {
      actor,
      rule: 'break-glass-abuse',
      severity: n >= 6 ? 'high' : 'medium',
      score: 1 - Math.exp(-n / 3),
      texts: () => alertTexts('break-glass-abuse', { who: bare(actor), n, role, peer }),
      evidence: () => mine.slice(-12).map((b) => b.e),
      compared: 'peers',
    });
  }

  function clusterCheck(out: Alert[], now: number): void {
    const near = bgs.filter((b) => Math.abs(b.t - now) <= BG_CLUSTER);
    const people = new Map<string, Set<string>>();
    for (const b of near) (people.get(b.actor) ?? people.set(b.actor, new Set()).get(b.actor)!).add(b.customer);
    if (people.size < BG_CLUSTER_OTHERS + 1) return;
    for (const b of near) {
      if (b.explained) continue;
      // An incident explains breaking the glass at the pace the others break it, not far past
      // it: someone hiding a sweep inside an outage is not covered by the outage.
      const others = [...people].filter(([a]) => a !== b.actor).map(([, cs]) => cs.size);
      if (people.get(b.actor)!.size > Math.max(BG_CLUSTER_PACE, 2 * median(others)!)) continue;
      b.explained = true;
      d.downgrade(
        out,
        b.actor,
        'break-glass-abuse',
        `${people.size - 1} colleagues broke the glass in the same hours (an incident)`,
      );
    }
  }

  function reviewBroker(out: Alert[], actor: string): void {
    const now = d.now();
    const rs = (reveals.get(actor) ?? []).filter((x) => x.t > now - WEEK);
    const ds = (deletes.get(actor) ?? []).filter((x) => x.t > now - WEEK);
    // The evidence is kept as what it is made of, and made only if the alert is raised.
    type Piece = { e: Evidence; seller?: string };
    const bySeller = new Map<
      string,
      { revealed: Set<string>; neg: Set<string>; negAny: Set<string>; all: number; evidence: Piece[] }
    >();
    const slot = (s: string) =>
      bySeller.get(s) ??
      bySeller.set(s, { revealed: new Set(), neg: new Set(), negAny: new Set(), all: 0, evidence: [] }).get(s)!;
    for (const r of rs)
      for (const [seller, t] of negative.get(r.customer) ?? []) {
        if (t > r.t || r.t - t > REVIEW_KEEP) continue;
        const x = slot(seller);
        x.revealed.add(r.customer);
        x.evidence.push({ e: r.e, seller });
      }
    for (const del of ds) {
      const rv = reviews.get(del.review);
      if (!rv) continue;
      const x = slot(rv.seller);
      x.all++;
      // A seller's bad review by one of its buyers; spam waves are mixed ratings by throwaway accounts.
      if (rv.rating <= 2) {
        x.negAny.add(rv.customer);
        x.evidence.push({ e: del.e });
        if (buyers.has(rv.customer)) x.neg.add(rv.customer);
      }
    }
    for (const [seller, x] of bySeller) {
      // Revealing a seller's unhappy reviewer with no reason and deleting that seller's bad reviews.
      const both = x.revealed.size >= 1 && x.negAny.size >= 1;
      const selective = x.neg.size >= 3 && x.neg.size >= 0.8 * x.all;
      if (!both && x.revealed.size < 2 && !selective) continue;
      const what = [
        x.revealed.size
          ? {
              en: `looked up ${x.revealed.size} of seller ${seller}'s negative reviewers`,
              vi: `đã xem ${x.revealed.size} người đánh giá xấu của người bán ${seller}`,
              zh: `查看了卖家 ${seller} 的 ${x.revealed.size} 位差评评论者`,
            }
          : undefined,
        x.negAny.size
          ? {
              en: `deleted negative reviews of seller ${seller} by ${x.negAny.size} different customers`,
              vi: `đã xoá đánh giá xấu của người bán ${seller} từ ${x.negAny.size} khách hàng`,
              zh: `删除了 ${x.negAny.size} 位客户对卖家 ${seller} 的差评`,
            }
          : undefined,
      ].filter((v): v is { en: string; vi: string; zh: string } => v !== undefined);
      const joined = {
        en: what.map((w) => w.en).join(' and '),
        vi: what.map((w) => w.vi).join(' và '),
        zh: what.map((w) => w.zh).join('并'),
      };
      d.raise(out, {
        actor,
        rule: 'review-broker',
        severity: both ? 'high' : 'medium',
        score: both ? 0.95 : 0.75,
        texts: () => alertTexts('review-broker', { who: bare(actor), what: joined }),
        evidence: () =>
          x.evidence.map(({ e, seller: s }) =>
            s === undefined
              ? e
              : {
                  ...e,
                  note: noteTexts('negative-reviewer', { seller: s }).en,
                  notes: noteTexts('negative-reviewer', { seller: s }),
                },
          ),
        compared: 'peers',
      });
    }
  }

  function pushReveal(actor: string, customer: string, e: Evidence): void {
    const list = (reveals.get(actor) ?? []).filter((x) => x.t > d.now() - WEEK);
    list.push({ t: d.now(), customer, e });
    reveals.set(actor, list);
  }

  return {
    breakGlass(out: Alert[], actor: string, customer: string, e: Evidence, explained: boolean): void {
      const now = d.now();
      bgs.push({ t: now, actor, customer, e, explained });
      clusterCheck(out, now);
      if (!explained) {
        pushReveal(actor, customer, e);
        reviewBroker(out, actor);
      }
      bgEvaluate(out, actor);
      const tl = ticketLog.get(actor)?.find((x) => x.customer === customer && now - x.t < HOUR);
      if (tl) tl.revealed = true;
    },
    /** A reveal not explained when made: counted for the broker at once (a seller's unhappy reviewer is how the story starts). */
    revealUnexplained(out: Alert[], actor: string, customer: string, e: Evidence): void {
      pushReveal(actor, customer, e);
      reviewBroker(out, actor);
    },
    /** The same reveal once its grace ran out: explained by then, it leaves the broker's count (and what it raised is downgraded). */
    revealJudged(out: Alert[], actor: string, customer: string, e: Evidence, explained: boolean): void {
      const now = d.now();
      const tl = ticketLog.get(actor)?.find((x) => x.customer === customer && now - x.t < HOUR);
      if (tl && !tl.revealed) {
        tl.revealed = true;
        ticketCover(out, actor, e);
        ticketBurst(out, actor, e);
      }
      if (!explained) return;
      const list = reveals.get(actor);
      if (!list || !list.some((x) => x.customer === customer)) return;
      reveals.set(
        actor,
        list.filter((x) => x.customer !== customer),
      );
      const probe: Alert[] = [];
      d.quiet(() => reviewBroker(probe, actor));
      if (probe.length === 0) d.downgrade(out, actor, 'review-broker', 'a ticket for the reviewer followed');
    },
    ticketOpened(out: Alert[], tk: Ticket): void {
      const now = d.now();
      // A break-glass for this customer in the hour before is explained by the ticket.
      for (const b of bgs) {
        if (b.customer !== tk.customer || b.explained || now - b.t > BG_FOLLOW || b.t > now) continue;
        b.explained = true;
        const actor = b.actor;
        const left = new Set(
          bgs.filter((x) => x.actor === actor && !x.explained && x.t > now - DAY).map((x) => x.customer),
        ).size;
        if (left < 2)
          d.downgrade(out, actor, 'break-glass-abuse', 'a ticket for the same customer followed within the hour');
      }
      const c = d.customers.get(tk.customer);
      // A customer with nothing of their own (no parcel, review, earlier ticket or contact): who wrote in?
      const orphan =
        !d.inHistoryGap() &&
        !buyers.has(tk.customer) &&
        (c?.reviews ?? 0) === 0 &&
        (c?.tickets.length ?? 0) <= 1 &&
        (c?.contacts.size ?? 0) === 0 &&
        c?.touched === undefined;
      const actor = `staff:${tk.assignee}`;
      const list = (ticketLog.get(actor) ?? []).filter((x) => x.t > now - WEEK);
      list.push({ t: now, orphan, customer: tk.customer, revealed: false });
      ticketLog.set(actor, list);
    },
    review(e: Extract<CloakEvent, { type: 'review' }>): void {
      const t = Date.parse(e.at);
      reviews.set(e.id, { customer: e.customer, seller: e.seller, rating: e.rating, t });
      if (e.rating <= 2)
        (negative.get(e.customer) ?? negative.set(e.customer, new Map()).get(e.customer)!).set(e.seller, t);
    },
    buyer(customer: string): void {
      buyers.add(customer);
    },
    moderation(out: Alert[], e: Extract<CloakEvent, { type: 'moderation' }>): void {
      if (e.action !== 'delete' && e.action !== 'hide') return;
      const rv = reviews.get(e.review);
      const list = (deletes.get(e.actor) ?? []).filter((x) => x.t > d.now() - WEEK);
      list.push({
        t: d.now(),
        review: e.review,
        e: {
          type: 'moderation',
          at: e.at,
          review: e.review,
          action: e.action,
          ...(rv ? { seller: rv.seller, rating: rv.rating } : {}),
        },
      });
      deletes.set(e.actor, list);
      reviewBroker(out, e.actor);
    },
    exportMade(out: Alert[], e: Extract<CloakEvent, { type: 'export' }>): void {
      const now = d.now();
      if (Number.isNaN(firstExport)) firstExport = now;
      const warm = now - firstExport >= DAY;
      const role = d.roleOf(e.actor);
      const rec = e.recipient ?? 'unnamed';
      const r = recipients.get(rec);
      const own = (exportsOf.get(e.actor) ?? []).filter((x) => x.t > now - 30 * DAY);
      const ownMed = own.length >= 3 ? median(own.map((x) => x.rows))! : undefined;
      // The same recipient at a similar size before: this person's routine, whatever its size.
      const habitual = own.some((x) => x.recipient === rec && x.rows >= 0.3 * e.rows);
      // Peers: the median of each other actor's median, so one nightly bulk export cannot set it.
      const perActor: number[] = [];
      for (const [a, xs] of exportsOf)
        if (a !== e.actor && d.roleOf(a) === role && xs.length > 0) perActor.push(median(xs.map((x) => x.rows))!);
      const peerMed = perActor.length >= 2 ? median(perActor)! : undefined;
      const hour = new Date(now).getUTCHours();
      const hours = (xs: readonly { t: number }[]) => xs.map((x) => new Date(x.t).getUTCHours());
      const near = (hs: number[], h: number) =>
        hs.filter((x) => Math.min(Math.abs(x - h), 24 - Math.abs(x - h)) <= 1).length;
      const peersHours = [...exportsOf]
        .filter(([a]) => a !== e.actor && d.roleOf(a) === role)
        .flatMap(([, xs]) => hours(xs));
      const offHours =
        own.length >= 5
          ? near(hours(own), hour) === 0
          : peersHours.length >= 20 && near(peersHours, hour) < 0.02 * peersHours.length;
      const reasons: { key: string; p: Record<string, string | number>; w: number }[] = [];
      if (warm && !habitual) {
        if (r === undefined) reasons.push({ key: 'novel-recipient', p: { recipient: rec }, w: 1 });
        if (ownMed !== undefined && e.rows > 5 * ownMed && e.rows > 1.5 * Math.max(...own.map((x) => x.rows)))
          reasons.push({
            key: 'beyond-own',
            p: { rows: e.rows, ratio: (e.rows / ownMed).toFixed(1), own: ownMed },
            w: 1.5,
          });
        if (peerMed !== undefined && e.rows > 10 * peerMed && (ownMed === undefined || e.rows > 5 * ownMed))
          reasons.push({
            key: 'beyond-peers',
            p: { rows: e.rows, ratio: (e.rows / peerMed).toFixed(1), peer: peerMed },
            w: 1.5,
          });
        // Peer-sized exports, night after night, to a recipient only this person has used lately.
        const privateTo = r !== undefined && r.first === e.actor && r.users.size === 1 && now - r.t < 14 * DAY;
        const toIt = privateTo ? own.filter((x) => x.recipient === rec && x.t > now - 14 * DAY) : [];
        if (toIt.length > 0)
          reasons.push({
            key: 'private-recipient',
            p: { recipient: rec, count: toIt.length + 1, total: toIt.reduce((a, x) => a + x.rows, e.rows) },
            w: peerMed !== undefined && toIt.reduce((a, x) => a + x.rows, e.rows) > 10 * peerMed ? 1.5 : 0.5,
          });
        if (offHours) reasons.push({ key: 'off-hours', p: {}, w: 1 });
        // Contact values in clear (a masked field does not count): what a buyer of data pays for,
        // and what no report to a new place needs.
        const clear = (e.fields ?? []).filter((f) => CLEAR_CONTACT.has(f));
        if (clear.length > 0 && !r?.users.has(e.actor))
          reasons.push({ key: 'clear-contact', p: { fields: clear.join(', ') }, w: 1 });
        // Someone whose role does not export, exporting, or a dataset this person never exported.
        const peerExports = perActor.length;
        // Heavier when the place is new to everyone too: nobody of this role exports, nobody sends there.
        if (own.length === 0 && peerExports < 2)
          reasons.push({ key: 'first-export', p: { role }, w: r === undefined ? 1.5 : 1 });
        else if (own.length >= 3 && !ownDatasets(e.actor).has(e.dataset))
          reasons.push({ key: 'new-dataset', p: { dataset: e.dataset }, w: 0.5 });
      }
      const personal = e.dataset === 'customers' ? 0.5 : 0;
      const score = reasons.reduce((a, x) => a + x.w, 0) + (reasons.length ? personal : 0);
      // Suspicion adds up over two weeks of one person's exports: the low and slow.
      const hist = (exportScore.get(e.actor) ?? []).filter((x) => x.t > now - 14 * DAY);
      hist.push({ t: now, score });
      exportScore.set(e.actor, hist);
      const total = hist.reduce((a, x) => a + x.score, 0);
      const ev: Evidence = {
        type: 'export',
        at: e.at,
        dataset: e.dataset,
        rows: e.rows,
        recipient: rec,
        score: Number(score.toFixed(2)),
        ...(peerMed !== undefined ? { peer_median_rows: peerMed } : {}),
        ...(ownMed !== undefined ? { own_median_rows: ownMed } : {}),
      };
      if (reasons.length > 0 && (score >= 2.5 || total >= 4)) {
        const beyondOwn = reasons.some((x) => x.key === 'beyond-own');
        const beyondPeers = reasons.some((x) => x.key === 'beyond-peers');
        const compared =
          beyondOwn && beyondPeers ? 'peers-and-own-past' : beyondOwn ? 'own-past' : beyondPeers ? 'peers' : 'everyone';
        d.raise(out, {
          actor: e.actor,
          rule: 'unusual-export',
          severity: score >= 3.5 || total >= 6 ? 'high' : 'medium',
          score: Math.min(0.99, 1 - Math.exp(-Math.max(score, total / 1.6) / 2)),
          texts: () =>
            alertTexts('unusual-export', {
              who: bare(e.actor),
              dataset: e.dataset,
              reasons: exportReasons(reasons),
            }),
          evidence: () => [
            ...own
              .filter((x) => x.recipient === rec)
              .slice(-5)
              .map((x) => ({ type: 'export', at: iso(x.t), rows: x.rows, recipient: x.recipient })),
            ev,
          ],
          compared,
        });
      }
      if (r) r.users.add(e.actor);
      else recipients.set(rec, { users: new Set([e.actor]), first: e.actor, t: now });
      own.push({ t: now, rows: e.rows, recipient: rec });
      (datasetsOf.get(e.actor) ?? datasetsOf.set(e.actor, new Set()).get(e.actor)!).add(e.dataset);
      if (own.length > 60) own.shift();
      exportsOf.set(e.actor, own);
    },
    prune(): void {
      const now = d.now();
      bgs = bgs.filter((b) => b.t > now - WEEK);
      for (const [id, rv] of reviews) if (rv.t < now - REVIEW_KEEP) reviews.delete(id);
      for (const [c, m] of negative) {
        for (const [s, t] of m) if (t < now - REVIEW_KEEP) m.delete(s);
        if (m.size === 0) negative.delete(c);
      }
      for (const [a, xs] of reveals) if (xs.every((x) => x.t < now - WEEK)) reveals.delete(a);
      for (const [a, xs] of deletes) if (xs.every((x) => x.t < now - WEEK)) deletes.delete(a);
      for (const [a, xs] of ticketLog) if (xs.every((x) => x.t < now - WEEK)) ticketLog.delete(a);
    },
  };

  /**
   * Tickets filed to cover reveals, many in one shift: the day's tickets of the agent's own that
   * were followed by a reveal within the hour, against their own usual day, their peers' usual
   * day and their peers' same day (a busy day is everyone's).
   */
  function ticketBurst(out: Alert[], actor: string, e: Evidence): void {
    const now = d.now();
    const day = Math.floor(now / DAY);
    const revealedOn = (xs: readonly { t: number; revealed: boolean }[]) => {
      const per = new Map<number, number>();
      for (const x of xs) if (x.revealed) per.set(Math.floor(x.t / DAY), (per.get(Math.floor(x.t / DAY)) ?? 0) + 1);
      return per;
    };
    const last24 = (xs: readonly { t: number; revealed: boolean }[]) =>
      xs.filter((x) => x.revealed && x.t > now - DAY).length;
    const mine = ticketLog.get(actor) ?? [];
    const n = last24(mine);
    if (n < 15) return;
    const usual = (xs: readonly { t: number; revealed: boolean }[]) => {
      const days = [...revealedOn(xs)].filter(([k]) => k < day).map(([, c]) => c);
      return days.length >= 3 ? median(days)! : undefined;
    };
    const role = d.roleOf(actor);
    const peerUsual: number[] = [];
    const peerToday: number[] = [];
    for (const [a, xs] of ticketLog) {
      if (a === actor || d.roleOf(a) !== role) continue;
      const u = usual(xs);
      if (u !== undefined) peerUsual.push(u);
      const t = last24(xs);
      if (t > 0) peerToday.push(t);
    }
    const own = usual(mine);
    const peer = median(peerUsual);
    const base = Math.max(5, own ?? peer ?? 5, peer ?? 0, median(peerToday) ?? 0);
    // A day's tickets against the larger of the agent's usual day and the peers' (usual and
    // today): a Poisson tail, so a busy day of twice the usual passes and a shift of fabricated
    // tickets does not wait for five times the usual.
    const p = poissonTail(n, base);
    if (p >= TICKET_BURST_P) return;
    d.raise(out, {
      actor,
      rule: 'ticket-cover',
      severity: p < 1e-10 || n >= 10 * base ? 'high' : 'medium',
      score: 1 - base / n,
      texts: () => alertTexts('ticket-burst', { who: bare(actor), n, base }),
      evidence: [e],
      compared: 'peers-and-own-past',
    });
  }

  /** Tickets that cover for reveals: revealed right after a ticket for a customer with nothing of their own, far more often than peers. */
  function ticketCover(out: Alert[], actor: string, e: Evidence): void {
    const now = d.now();
    const mine = (ticketLog.get(actor) ?? []).filter((x) => x.t > now - WEEK);
    const covered = mine.filter((x) => x.orphan && x.revealed);
    if (covered.length < 3) return;
    const role = d.roleOf(actor);
    const rates: number[] = [];
    for (const [a, xs] of ticketLog)
      if (a !== actor && d.roleOf(a) === role && xs.length >= 5)
        rates.push(xs.filter((x) => x.orphan && x.revealed).length / xs.length);
    const rate = Math.max(0.01, median(rates) ?? 0.05);
    // The week's count, and the day's (a burst in one shift hides in a busy week's tickets).
    const today = mine.filter((x) => x.t > now - DAY);
    const coveredToday = today.filter((x) => x.orphan && x.revealed).length;
    const p = Math.min(
      poissonTail(covered.length, mine.length * rate),
      coveredToday >= 4 ? poissonTail(coveredToday, Math.max(0.2, today.length * rate)) : 1,
    );
    if (p > 1e-4) return;
    d.raise(out, {
      actor,
      rule: 'ticket-cover',
      severity: p < 1e-8 ? 'high' : 'medium',
      score: 1 - Math.max(p, 1e-12) ** (1 / 12),
      texts: () => alertTexts('ticket-cover', { who: bare(actor), n: covered.length }),
      evidence: [e],
      compared: 'peers',
    });
  }
}
export type WorkRules = ReturnType<typeof createWorkRules>;
