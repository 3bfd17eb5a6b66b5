import { median } from './stats.fns.ts';

/*
 * Explanation templates, learned from the traffic (after Fabbri & LeFevre, "Explanation-based
 * auditing", VLDB 2011). A template is a relation between an actor and what they touched:
 * direct ones (the device scanned the parcel, the courier was assigned it, a ticket for the
 * customer is theirs) always explain; relations of place and team (the parcel is routed to
 * or scanned at the actor's station, passes a station of the same region, a teammate holds
 * the customer's ticket, the actor's focus of the day) explain only for roles whose normal
 * work they describe. The learner measures, per role and per actor, how much of the traffic
 * that no direct template covers each place template covers, and learns it for a role when
 * it recurs for several of that role's actors (so one busy or malicious actor cannot teach it).
 */

export const DIRECT_TEMPLATES = [
  'own-scan',
  'assignment',
  'ticket',
  'ticket-ref',
  'past-ticket',
  'earlier-contact',
  'history-gap',
] as const;
export const PLACE_TEMPLATES = ['own-station', 'region', 'team-ticket', 'focus'] as const;
export type Template = (typeof DIRECT_TEMPLATES)[number] | (typeof PLACE_TEMPLATES)[number];
export type PlaceTemplate = (typeof PLACE_TEMPLATES)[number];

/** A template is learned for a role when at least this many of its actors (and this share) show it… */
const ACTORS = 3;
const ACTOR_SHARE = 0.05;
/** …in at least this many (and this share) of their accesses that no direct template explains… */
const SUPPORT_N = 5;
const SUPPORT = 0.01;
const DAY = 86_400_000;
/** …counting actors with this many judged accesses. */
const MIN_ACCESSES = 20;

const COLD: ReadonlySet<PlaceTemplate> = new Set(['own-station']);
type Counts = { n: number; direct: number; residual: Record<PlaceTemplate, number> };
const zero = (): Counts => ({ n: 0, direct: 0, residual: { 'own-station': 0, region: 0, 'team-ticket': 0, focus: 0 } });

/**
 * The learner: `observe` every judged access with the templates that cover it; `learned(role)`
 * says which place templates explain for that role; `report()` gives each role's coverage.
 * @example const l = createLearner(); l.observe('station_operator', 'staff:u1', ['own-station']); l.relearn();
 */
export function createLearner() {
  const byRole = new Map<string, Map<string, Counts>>();
  let learned = new Map<string, ReadonlySet<PlaceTemplate>>();
  const firstSeen = new Map<string, number>();
  let lastAt = 0;
  return {
    observe(role: string, actor: string, covered: readonly Template[], at: number): void {
      if (!firstSeen.has(role)) firstSeen.set(role, at);
      lastAt = at;
      const actors = byRole.get(role) ?? byRole.set(role, new Map()).get(role)!;
      const c = actors.get(actor) ?? actors.set(actor, zero()).get(actor)!;
      c.n++;
      if (covered.some((t) => (DIRECT_TEMPLATES as readonly string[]).includes(t))) {
        c.direct++;
        return;
      }
      // Residual support: own station first, then the wider places (what own station leaves).
      if (covered.includes('own-station')) c.residual['own-station']++;
      else for (const t of PLACE_TEMPLATES) if (t !== 'own-station' && covered.includes(t)) c.residual[t]++;
    },
    /**
     * Recomputes what each role has learned (cheap: one pass over actors). Actors `suspect`
     * names (those standing alerted) teach nothing: several compromised devices must not
     * teach their role the relation their harvesting shows.
     */
    relearn(suspect: (actor: string) => boolean = () => false): void {
      const next = new Map<string, Set<PlaceTemplate>>();
      for (const [role, actors] of byRole) {
        const active = [...actors].filter(([a, c]) => c.n >= MIN_ACCESSES && !suspect(a)).map(([, c]) => c);
        // Until most of a role's actors have enough traffic, their own station explains (a cold
        // start is not held against those who read their station's parcels); the wider places
        // must be shown first, so a harvester in a fresh deployment is not covered by them.
        if (active.length < 3 || active.length < actors.size / 2) {
          next.set(role, new Set(COLD));
          continue;
        }
        // In a role's first day its own station still explains (those who read the station's
        // expected parcels may not have shown it yet); the wider places must be shown first.
        const set = new Set<PlaceTemplate>(lastAt - (firstSeen.get(role) ?? lastAt) < DAY ? ['own-station'] : []);
        for (const t of PLACE_TEMPLATES) {
          const showing = active.filter((c) => c.residual[t] >= SUPPORT_N && c.residual[t] / c.n >= SUPPORT).length;
          if (showing >= ACTORS && showing >= ACTOR_SHARE * active.length) set.add(t);
        }
        next.set(role, set);
      }
      learned = next;
    },
    learned: (role: string): ReadonlySet<PlaceTemplate> => learned.get(role) ?? COLD,
    /** Per role: how much of its traffic direct templates explain, and each place template's median residual share. */
    report(): Record<
      string,
      {
        actors: number;
        accesses: number;
        direct: number;
        learned: PlaceTemplate[];
        residual: Record<PlaceTemplate, number>;
      }
    > {
      const out: ReturnType<ReturnType<typeof createLearner>['report']> = {};
      for (const [role, actors] of byRole) {
        const cs = [...actors.values()];
        const n = cs.reduce((a, c) => a + c.n, 0);
        const residual = {} as Record<PlaceTemplate, number>;
        for (const t of PLACE_TEMPLATES)
          residual[t] = Number(
            (median(cs.filter((c) => c.n >= MIN_ACCESSES).map((c) => c.residual[t] / c.n)) ?? 0).toFixed(3),
          );
        out[role] = {
          actors: cs.length,
          accesses: n,
          direct: n ? Number((cs.reduce((a, c) => a + c.direct, 0) / n).toFixed(3)) : 0,
          learned: [...(learned.get(role) ?? [])],
          residual,
        };
      }
      return out;
    },
  };
}
export type Learner = ReturnType<typeof createLearner>;
