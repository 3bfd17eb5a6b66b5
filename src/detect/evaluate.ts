import { createEngine, type Alert } from './engine.ts';
import { ATTACK_FAMILIES, simulateWorld, type AttackFamily, type Truth, type WorldOptions } from '../sim/world.ts';

export type FamilyScore = { family: AttackFamily; attackers: number; detected: number; recall: number; medianMinutesToDetect: number | null };
export type Evaluation = {
  seeds: number[];
  families: FamilyScore[];
  /** Alerted actors that are attackers, over all alerted actors. */
  actorPrecision: number;
  alertedActors: number;
  falseActors: string[];
  /** Benign accesses the engine found a reason for, over all benign accesses. */
  benignExplained: number;
  benignAccesses: number;
  events: number;
};

const median = (xs: number[]) => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * The quality report: simulates a world per seed, runs the engine over its events (the same
 * engine replay uses, knowing nothing of the truth), and scores its alerts against the
 * simulator's ground truth, which only this function reads.
 */
export function evaluate(seeds: readonly number[], world: Omit<WorldOptions, 'seed'> = { days: 4, stations: 8 }): Evaluation {
  const found = new Map<AttackFamily, { attackers: number; detected: number; ttd: number[] }>(ATTACK_FAMILIES.map((f) => [f, { attackers: 0, detected: 0, ttd: [] }]));
  let alerted = 0;
  let trueAlerted = 0;
  const falseActors: string[] = [];
  let benign = 0;
  let benignExplained = 0;
  let events = 0;
  for (const seed of seeds) {
    const w = simulateWorld({ ...world, seed });
    const attackers = new Map<string, Truth>(w.truth.map((t) => [t.actor, t]));
    const first = new Map<string, Alert>();
    const all = new Map<string, Alert[]>();
    const engine = createEngine({
      onAccess: (v) => {
        if (attackers.has(v.actor) || !v.shown) return;
        benign++;
        if (v.explained) benignExplained++;
      },
    });
    for (const a of [...w.events.flatMap((e) => engine.ingest(e)), ...engine.flush()]) {
      if (!first.has(a.actor)) first.set(a.actor, a);
      (all.get(a.actor) ?? all.set(a.actor, []).get(a.actor)!).push(a);
    }
    events += w.events.length;
    for (const [actor, a] of first) {
      alerted++;
      if (attackers.has(actor)) trueAlerted++;
      else falseActors.push(`${seed}:${actor}:${a.rule}`);
    }
    for (const t of w.truth) {
      const f = found.get(t.family)!;
      f.attackers++;
      // Detected: an alert on the attacker at or after the attack began.
      const a = all.get(t.actor)?.find((x) => x.at >= t.start);
      if (a) {
        f.detected++;
        f.ttd.push((Date.parse(a.at) - Date.parse(t.start)) / 60_000);
      }
    }
  }
  return {
    seeds: [...seeds],
    families: [...found].map(([family, f]) => ({ family, attackers: f.attackers, detected: f.detected, recall: f.attackers ? f.detected / f.attackers : 1, medianMinutesToDetect: median(f.ttd) })),
    actorPrecision: alerted ? trueAlerted / alerted : 1,
    alertedActors: alerted,
    falseActors,
    benignExplained: benign ? benignExplained / benign : 1,
    benignAccesses: benign,
    events,
  };
}
