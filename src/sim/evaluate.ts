import type { CloakEvent } from '../bus/events.ts';
import { createEngine, type Alert, type ResponseGates } from '../detect/engine.ts';
import { parseLine } from '../detect/replay.ts';
import { simulateWorld, type Generator } from './world.ts';
export { GENERATORS, type Generator } from './world.ts';
import { generateSecondWorld } from './second/world.ts';
import { generateThirdWorld } from './third/world.ts';

/*
 * The quality report: simulates worlds with any generator (the first, written beside the
 * engine; the second and the third, each written by someone who never read the engine or the
 * other generators, from the company's description in docs/detection/second-world-spec.md;
 * the engine's authors have since read the second, never the third), runs the engine over their events
 * (knowing nothing of the truth), and scores its standing alerts (those not downgraded by a
 * late explanation) against the ground truth, which only this module reads.
 */

export type WorldSize = { readonly days: number; readonly stations: number };
type Truth = { readonly actor: string; readonly family: string; readonly start: string; readonly variant: string };

export type FamilyScore = {
  family: string;
  attackers: number;
  detected: number;
  recall: number;
  medianMinutesToDetect: number | null;
  byVariant: Record<string, { attackers: number; detected: number }>;
};
export type Evaluation = {
  generator: Generator;
  seeds: number[];
  families: FamilyScore[];
  /** Alerted actors that are attackers, over all alerted actors (standing alerts only). */
  actorPrecision: number;
  alertedActors: number;
  falseActors: string[];
  /** Median minutes from an attack's start to its first standing alert, over every detected attacker. */
  medianMinutesToDetect: number | null;
  /** Benign accesses the engine found a reason for, over all benign accesses shown. */
  benignExplained: number;
  benignAccesses: number;
  /** Standing alerts per simulated day (one analyst on duty). */
  alertsPerAnalystDay: number;
  /** Benign actors an automatic response would have reached, over all benign actors. */
  benignResponded: number;
  benignActors: number;
  respondedBenign: string[];
  /** Per rule: standing alerts, and how many were on attackers, with their scores (for the response gates). */
  rules: Record<string, { alerts: number; onAttackers: number; scores: [number, boolean][] }>;
  events: number;
};

const median = (xs: number[]) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** One world of a generator, its events checked against the contract and sorted by time (stable). */
export function world(generator: Generator, seed: number, size: WorldSize): { events: CloakEvent[]; truth: Truth[] } {
  if (generator === 'first') {
    const w = simulateWorld({ ...size, seed });
    return { events: w.events, truth: w.truth };
  }
  const w = generator === 'second' ? generateSecondWorld({ ...size, seed }) : generateThirdWorld({ ...size, seed });
  const events: { e: CloakEvent; t: number; i: number }[] = [];
  w.events.forEach((o, i) => {
    const r = parseLine(JSON.stringify(o));
    if ('event' in r) events.push({ e: r.event, t: r.t, i });
  });
  events.sort((a, b) => a.t - b.t || a.i - b.i);
  return { events: events.map((x) => x.e), truth: w.truth };
}

/**
 * Scores the engine on the worlds of one generator, one per seed.
 * @example evaluate('second', [101, 102], { days: 14, stations: 16 }).actorPrecision
 */
export function evaluate(
  generator: Generator,
  seeds: readonly number[],
  size: WorldSize,
  opts: { gates?: ResponseGates } = {},
): Evaluation {
  const found = new Map<
    string,
    {
      attackers: number;
      detected: number;
      ttd: number[];
      byVariant: Record<string, { attackers: number; detected: number }>;
    }
  >();
  let alerted = 0;
  let trueAlerted = 0;
  const falseActors: string[] = [];
  let benign = 0;
  let benignExplained = 0;
  let events = 0;
  let standingAlerts = 0;
  let benignActors = 0;
  const respondedBenign: string[] = [];
  const rules: Evaluation['rules'] = {};
  const allTtd: number[] = [];
  for (const seed of seeds) {
    const w = world(generator, seed, size);
    const attackers = new Map<string, Truth>(w.truth.map((t) => [t.actor, t]));
    const engine = createEngine({
      ...(opts.gates ? { gates: opts.gates } : {}),
      onAccess: (v) => {
        if (attackers.has(v.actor) || !v.shown) return;
        benign++;
        if (v.explained) benignExplained++;
      },
    });
    const raised: Alert[] = [];
    for (const e of w.events) raised.push(...engine.ingest(e));
    raised.push(...engine.flush());
    const downgraded = new Set(raised.filter((a) => a.downgrades).map((a) => a.downgrades!));
    const standing = raised.filter((a) => !a.downgrades && !downgraded.has(a.id ?? ''));
    standingAlerts += standing.length;
    const byActor = new Map<string, Alert[]>();
    for (const a of standing) (byActor.get(a.actor) ?? byActor.set(a.actor, []).get(a.actor)!).push(a);
    const actorsSeen = new Set<string>();
    for (const e of w.events) if ('actor' in e) actorsSeen.add(e.actor);
    for (const a of actorsSeen) if (!attackers.has(a)) benignActors++;
    events += w.events.length;
    for (const [actor, as] of byActor) {
      alerted++;
      const bad = attackers.has(actor);
      if (bad) trueAlerted++;
      else falseActors.push(`${seed}:${actor}:${as[0]!.rule}`);
      if (!bad && as.some((a) => a.response !== undefined && a.response !== 'none'))
        respondedBenign.push(`${seed}:${actor}`);
      for (const a of as) {
        const r = (rules[a.rule] ??= { alerts: 0, onAttackers: 0, scores: [] });
        r.alerts++;
        if (bad) r.onAttackers++;
        r.scores.push([a.score, bad]);
      }
    }
    for (const t of w.truth) {
      const f =
        found.get(t.family) ??
        found.set(t.family, { attackers: 0, detected: 0, ttd: [], byVariant: {} }).get(t.family)!;
      f.attackers++;
      const v = (f.byVariant[t.variant] ??= { attackers: 0, detected: 0 });
      v.attackers++;
      // Detected: a standing alert on the attacker raised at or after the attack began.
      const a = byActor.get(t.actor)?.find((x) => (x.raisedAt ?? x.at) >= t.start);
      if (a) {
        f.detected++;
        v.detected++;
        const m = (Date.parse(a.raisedAt ?? a.at) - Date.parse(t.start)) / 60_000;
        f.ttd.push(m);
        allTtd.push(m);
      }
    }
  }
  return {
    generator,
    seeds: [...seeds],
    families: [...found]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([family, f]) => ({
        family,
        attackers: f.attackers,
        detected: f.detected,
        recall: f.attackers ? f.detected / f.attackers : 1,
        medianMinutesToDetect: median(f.ttd),
        byVariant: f.byVariant,
      })),
    actorPrecision: alerted ? trueAlerted / alerted : 1,
    alertedActors: alerted,
    falseActors,
    medianMinutesToDetect: median(allTtd),
    benignExplained: benign ? benignExplained / benign : 1,
    benignAccesses: benign,
    alertsPerAnalystDay: standingAlerts / (seeds.length * size.days),
    benignResponded: benignActors ? respondedBenign.length / benignActors : 0,
    benignActors,
    respondedBenign,
    rules,
    events,
  };
}

/**
 * Response gates from evaluations: per rule, the lowest score from which its standing alerts
 * were on attackers at least 95% of the time (and at least 5 of them), in every evaluation given.
 */
export function measureGates(evals: readonly Evaluation[], precision = 0.95): ResponseGates {
  const rulesSeen = new Set(evals.flatMap((e) => Object.keys(e.rules)));
  const gates: Record<string, number> = {};
  for (const rule of rulesSeen) {
    let gate = -1;
    for (const e of evals) {
      const scores = e.rules[rule]?.scores ?? [];
      const cuts = [...new Set(scores.map(([s]) => s))].sort((a, b) => a - b);
      const ok = cuts.find((c) => {
        const above = scores.filter(([s]) => s >= c);
        return above.length >= 5 && above.filter(([, bad]) => bad).length / above.length >= precision;
      });
      // A rule that never fired in a world is not refused by it; one that fired and never met the bar is.
      if (scores.length === 0) continue;
      if (ok === undefined) {
        gate = Number.POSITIVE_INFINITY;
        break;
      }
      gate = Math.max(gate, ok);
    }
    if (gate >= 0 && Number.isFinite(gate)) gates[rule] = gate;
  }
  return gates;
}
