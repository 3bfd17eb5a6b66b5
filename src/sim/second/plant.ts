/** What every attack family shares: choosing ordinary actors, start times, and recording the truth. */
import { DAY, HOUR, shiftOf, works, type Obj, type Person, type World } from './model.ts';

export type Variant = 'fast' | 'low-and-slow';

export interface Truth {
  actor: string;
  family: string;
  start: string;
  variant: Variant;
}

/** Records malicious events by actor so the truth's start is the first one actually written. */
export class Planter {
  readonly first = new Map<string, { family: string; variant: Variant; t: number }>();
  /** People and devices already planted (one family each). */
  readonly taken = new Set<string>();

  constructor(readonly w: World) {}

  emit(actor: string, family: string, variant: Variant, t: number, o: Obj): void {
    if (t < this.w.clock.start || t >= this.w.clock.end) return;
    this.w.sink.push(t, o);
    const f = this.first.get(actor);
    if (!f || t < f.t) this.first.set(actor, { family, variant, t: Math.round(t) });
  }

  truth(): Truth[] {
    return [...this.first.entries()]
      .map(([actor, f]) => ({ actor, family: f.family, start: new Date(f.t).toISOString(), variant: f.variant }))
      .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.actor < b.actor ? -1 : 1));
  }

  /**
   * A steady person of one of the roles, not yet planted, who has a shift left after start
   * (unless the attack does not need one: it happens after hours).
   */
  person(
    roles: string[],
    start: number,
    filter: (p: Person) => boolean = () => true,
    needShift = true,
  ): Person | undefined {
    const pool = this.w.people.filter((p) => {
      if (!roles.includes(p.role) || !p.steady || p.id === 'svc-dwh' || this.taken.has(p.id) || !filter(p))
        return false;
      if (!needShift) return true;
      const s = this.nextShift(p, start);
      return s !== undefined && s[0] < this.w.clock.end - 2 * HOUR;
    });
    if (pool.length === 0) return undefined;
    const p = this.w.rng.pick(pool);
    this.taken.add(p.id);
    return p;
  }

  /** When the attack begins: a random time after the first two days, leaving room to act. */
  startTime(variant: Variant): number {
    const { clock, rng } = this.w;
    // a slow attack needs days to be slow in; a fast one only hours
    const last = Math.max(2.05, variant === 'fast' ? clock.days - 0.6 : Math.min(clock.days - 1.5, clock.days * 0.55));
    return clock.start + rng.range(2, last) * DAY;
  }

  /** Working days of p from day d0 on. */
  workDays(p: Person, d0: number): number[] {
    const out: number[] = [];
    for (let d = d0; d < this.w.clock.localDays; d++) if (works(p, d)) out.push(d);
    return out;
  }

  /** The first shift of p that ends after t: [from, to]. */
  nextShift(p: Person, t: number): [number, number] | undefined {
    const { clock } = this.w;
    for (let d = clock.dayOf(t) - 1; d < clock.localDays; d++) {
      if (!works(p, d)) continue;
      const [a, b] = shiftOf(this.w, p, d);
      if (b > t + HOUR) return [Math.max(a, t), b];
    }
    return undefined;
  }
}
