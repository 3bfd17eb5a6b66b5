import type { Alert, Evidence } from './engine.ts';
import { median, poissonTail } from './stats.fns.ts';
import { alertTexts } from './texts.ts';

/*
 * Claimed handovers. A courier who gives themself a colleague's parcel (an `assignment` of a
 * parcel already out with someone else) is explained by that assignment when they read the
 * customer and call them. What a forged handover cannot fake is the delivery: the colleague
 * still carries the parcel, so their courier app scans it `delivered`. Each app's owner is
 * learned from the deliveries themselves (the courier whose assigned parcels it delivers
 * most), never from how ids are spelled. A handover taken and then delivered by the giver's
 * app was not a handover; a few of them are noise (a parcel passed back), many in a week
 * against the role's rate are an alert.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** How long a handover waits for its delivery. */
const KEEP = 3 * DAY;
/** Deliveries an app needs before its owner is trusted. */
const OWNER_MIN = 5;
/** The tail past which the week's count of handovers not honoured is an alert. */
const P_ALERT = 1e-6;
const MAX_EVIDENCE = 12;

type Raise = (
  out: Alert[],
  a: {
    actor: string;
    rule: string;
    severity: Alert['severity'];
    score: number;
    texts: ReturnType<typeof alertTexts>;
    evidence: readonly Evidence[];
    compared: Alert['compared'];
  },
) => Alert | undefined;

/** @example const h = createHandovers(raise); h.assigned(out, 'p1', 'c-2', t); h.delivered(out, 'p1', 'app-1', t2); */
export function createHandovers(raise: Raise) {
  /** parcel → its current assignee, and a handover waiting for the delivery: who gave it, who took it, when. */
  const parcels = new Map<string, { courier: string; t: number; from?: string; at?: number }>();
  /** app → courier → deliveries of parcels assigned to that courier. */
  const apps = new Map<string, Map<string, number>>();
  /** courier → handovers taken whose delivery came (in a week), and those the giver's app delivered. */
  const taken = new Map<string, { t: number; kept: boolean; e: Evidence }[]>();

  const ownerOf = (app: string): string | undefined => {
    const m = apps.get(app);
    if (!m) return undefined;
    let best: string | undefined;
    let n = 0;
    let total = 0;
    for (const [c, k] of m) {
      total += k;
      if (k > n) ((best = c), (n = k));
    }
    return total >= OWNER_MIN && n >= 0.6 * total ? best : undefined;
  };

  return {
    assigned(parcel: string, courier: string, t: number): void {
      const p = parcels.get(parcel);
      if (p && p.courier !== courier) parcels.set(parcel, { courier, t, from: p.courier, at: t });
      else if (!p) parcels.set(parcel, { courier, t });
    },
    delivered(out: Alert[], parcel: string, app: string, t: number): void {
      const p = parcels.get(parcel);
      if (!p) return;
      parcels.delete(parcel);
      // Learn the app's owner only from deliveries no handover puts in question.
      if (p.from === undefined) {
        const m = apps.get(app) ?? apps.set(app, new Map()).get(app)!;
        m.set(p.courier, (m.get(p.courier) ?? 0) + 1);
        return;
      }
      const owner = ownerOf(app);
      if (owner === undefined) return;
      const actor = `staff:${p.courier}`;
      const list = (taken.get(actor) ?? []).filter((x) => x.t > t - WEEK);
      const kept = owner === p.from;
      list.push({
        t,
        kept,
        e: {
          type: 'handover',
          at: new Date(p.at!).toISOString(),
          parcel,
          from: p.from,
          delivered_by: app,
          delivered_at: new Date(t).toISOString(),
        },
      });
      taken.set(actor, list);
      if (kept) check(out, actor, list);
    },
    prune(now: number): void {
      for (const [id, p] of parcels) if (p.t < now - KEEP) parcels.delete(id);
      for (const [a, xs] of taken) if (xs.every((x) => x.t <= now - WEEK)) taken.delete(a);
    },
  };

  function check(out: Alert[], actor: string, list: { t: number; kept: boolean; e: Evidence }[]): void {
    const kept = list.filter((x) => x.kept);
    if (kept.length < 3) return;
    // The role's rate: the median over couriers of the share of their handovers the giver delivered.
    const rates: number[] = [];
    for (const [a, xs] of taken)
      if (a !== actor && xs.length >= 5) rates.push(xs.filter((x) => x.kept).length / xs.length);
    const rate = Math.max(0.02, median(rates) ?? 0.1);
    const expected = Math.max(0.2, list.length * rate);
    const p = poissonTail(kept.length, expected);
    if (p >= P_ALERT) return;
    raise(out, {
      actor,
      rule: 'handover-not-honoured',
      severity: p < 1e-10 ? 'high' : 'medium',
      score: 1 - Math.max(p, 1e-12) ** (1 / 12),
      texts: alertTexts('handover-not-honoured', {
        who: actor.slice(actor.indexOf(':') + 1),
        n: kept.length,
        of: list.length,
        expected: expected.toFixed(1),
      }),
      evidence: kept.slice(-MAX_EVIDENCE).map((x) => x.e),
      compared: 'peers',
    });
  }
}
