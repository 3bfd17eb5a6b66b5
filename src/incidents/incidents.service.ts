import type { Clock } from '../lib/clock.ts';
import { randomId } from '../lib/crypto.ts';
import { Conflict, InvalidInput, NotFound } from '../lib/errors.ts';
import type { IncidentTable } from './incidents.tables.ts';
import type { IncidentsRepo } from './incidents.repo.ts';
import type { AuditLog } from '../audit/log.service.ts';
import type { VaultService } from '../vault/vault.service.ts';
import {
  customerNotice,
  deadlinesFor,
  jurisdictionOfPhoneMask,
  regulatorReport,
  type Deadline,
  type Jurisdiction,
  type Lang,
  type ReportFacts,
} from './incident.fns.ts';

export type Incident = {
  readonly id: string;
  readonly title: string;
  readonly where: string;
  readonly discoveredAt: string;
  readonly occurredAt: string | null;
  readonly subjects: number;
  readonly categories: string[];
  readonly jurisdictions: Partial<Record<Jurisdiction, number>>;
  readonly highRisk: boolean;
  readonly deadlines: (Deadline & { met: string | null })[];
  readonly measures: string;
  readonly openedAt: string;
};
export type OpenIncident = {
  readonly title: string;
  readonly where: string;
  readonly discoveredAt?: string | undefined;
  readonly occurredAt?: string | undefined;
  /** Vault tokens of the affected customers (a trace's `affected`). */
  readonly subjects: readonly string[];
  readonly categories: readonly string[];
  readonly measures: string;
  /** Likely to result in a high risk to the people (GDPR art. 34): phones or e-mails with names or addresses are. */
  readonly highRisk?: boolean | undefined;
};

const view = (r: IncidentTable): Incident => ({
  id: r.id,
  title: r.title,
  where: r.where_,
  discoveredAt: r.discovered_at,
  occurredAt: r.occurred_at,
  subjects: (JSON.parse(r.subjects) as string[]).length,
  categories: JSON.parse(r.categories) as string[],
  jurisdictions: JSON.parse(r.jurisdictions) as Incident['jurisdictions'],
  highRisk: r.high_risk === 1,
  deadlines: JSON.parse(r.deadlines) as Incident['deadlines'],
  measures: r.measures,
  openedAt: r.opened_at,
});

/**
 * Incidents: a breach's scope (from a trace or by hand), the legal deadlines that follow from
 * where the affected people are (read from the country code kept in their phone masks; nothing
 * is decrypted), and the regulator report and customer notices in Vietnamese, English and
 * Chinese. Opening one and meeting each deadline are in the audit log.
 */
export function createIncidentService(deps: {
  repo: Pick<IncidentsRepo, 'getIncident' | 'insertIncident' | 'recentIncidents' | 'replaceDeadlines' | 'allScopes'>;
  clock: Clock;
  audit: Pick<AuditLog, 'append'>;
  vault: Pick<VaultService, 'getMasked'>;
  dpo: string;
}) {
  const { repo, clock } = deps;
  async function row(id: string): Promise<IncidentTable> {
    const r = await repo.getIncident(id);
    if (!r) throw new NotFound('no incident has this id');
    return r;
  }
  const facts = (r: IncidentTable): ReportFacts => ({
    id: r.id,
    title: r.title,
    discoveredAt: r.discovered_at,
    occurredAt: r.occurred_at,
    where: r.where_,
    subjects: (JSON.parse(r.subjects) as string[]).length,
    byJurisdiction: JSON.parse(r.jurisdictions) as ReportFacts['byJurisdiction'],
    categories: JSON.parse(r.categories) as string[],
    measures: r.measures,
    dpo: deps.dpo,
  });

  return {
    async open(req: OpenIncident, by: string): Promise<Incident> {
      const discovered = req.discoveredAt === undefined ? clock.now() : new Date(req.discoveredAt);
      const details = [
        ...(typeof req.title === 'string' && req.title.trim().length >= 3 && req.title.length <= 200
          ? []
          : [{ path: '/title', problem: '3-200 characters' }]),
        ...(Number.isNaN(discovered.getTime()) ? [{ path: '/discoveredAt', problem: 'not an ISO 8601 time' }] : []),
        ...(req.subjects.length > 0 ? [] : [{ path: '/subjects', problem: 'at least one affected customer' }]),
        ...(typeof req.measures === 'string' && req.measures.trim().length > 0
          ? []
          : [{ path: '/measures', problem: 'say what was done' }]),
      ];
      if (details.length) throw new InvalidInput('the incident is not valid', details);
      const counts: Partial<Record<Jurisdiction, number>> = {};
      for (const t of new Set(req.subjects)) {
        const m = await deps.vault.getMasked(t, { actor: 'system:incidents' }).catch(() => undefined);
        const j = jurisdictionOfPhoneMask(m?.fields.phone);
        counts[j] = (counts[j] ?? 0) + 1;
      }
      const highRisk =
        req.highRisk ??
        ((req.categories.includes('phone') || req.categories.includes('email')) &&
          (req.categories.includes('name') || req.categories.includes('address')));
      const deadlines = deadlinesFor(new Set(Object.keys(counts) as Jurisdiction[]), discovered, highRisk).map((d) => ({
        ...d,
        met: null,
      }));
      const r: IncidentTable = {
        id: randomId('inc'),
        title: req.title.trim(),
        where_: req.where,
        discovered_at: discovered.toISOString(),
        occurred_at: req.occurredAt ?? null,
        subjects: JSON.stringify([...new Set(req.subjects)]),
        categories: JSON.stringify([...new Set(req.categories)]),
        jurisdictions: JSON.stringify(counts),
        high_risk: highRisk ? 1 : 0,
        deadlines: JSON.stringify(deadlines),
        measures: req.measures.trim(),
        opened_by: by,
        opened_at: clock.now().toISOString(),
      };
      await repo.insertIncident(r);
      await deps.audit.append([
        {
          kind: 'incident',
          actor: by,
          result: 'opened',
          data: {
            incident: r.id,
            subjects: JSON.parse(r.subjects).length,
            categories: JSON.parse(r.categories),
            jurisdictions: Object.keys(counts),
          },
        },
      ]);
      return view(r);
    },

    get: async (id: string) => view(await row(id)),

    async list(): Promise<Incident[]> {
      return (await repo.recentIncidents(200)).map(view);
    },

    /** Records that a deadline was met (index in the incident's list), once: a deadline already met is a Conflict. */
    async meet(id: string, index: number, by: string): Promise<Incident> {
      // The list is written only if it is still the one read: another deadline met meanwhile
      // (by another officer, on any node) is read again, not written over, and of two meeting
      // the same deadline at once one does. Each retry follows another deadline being met, so
      // there are at most as many as there are deadlines.
      for (let tries = 0; ; tries++) {
        const r = await row(id);
        const ds = JSON.parse(r.deadlines) as Incident['deadlines'];
        if (!ds[index])
          throw new InvalidInput('no deadline has this number', [{ path: '/index', problem: 'out of range' }]);
        if (ds[index]!.met)
          throw new Conflict(`this deadline was already met at ${ds[index]!.met}`, [
            { path: '/index', problem: 'already met' },
          ]);
        if (tries > ds.length)
          throw new Conflict('the deadlines of this incident changed meanwhile; try again', [
            { path: '/index', problem: 'changed meanwhile' },
          ]);
        ds[index] = { ...ds[index]!, met: clock.now().toISOString() };
        const next = JSON.stringify(ds);
        if (!(await repo.replaceDeadlines(id, r.deadlines, next))) continue;
        await deps.audit.append([
          {
            kind: 'incident',
            actor: by,
            result: 'deadline_met',
            data: { incident: id, law: ds[index]!.law, deadline: ds[index]!.kind },
          },
        ]);
        return view({ ...r, deadlines: next });
      }
    },

    /** The incidents whose scope holds any of these customers (for "was I affected?"). */
    async containing(tokens: readonly string[]): Promise<{ discoveredAt: string; categories: string[] }[]> {
      const want = new Set(tokens);
      const rows = await repo.allScopes();
      return rows
        .filter((r) => (JSON.parse(r.subjects) as string[]).some((t) => want.has(t)))
        .map((r) => ({ discoveredAt: r.discovered_at, categories: JSON.parse(r.categories) as string[] }));
    },

    /** Who opened an incident and the vault tokens of its affected customers (for sending notices). */
    async scope(id: string): Promise<{ openedBy: string; subjects: string[] }> {
      const r = await row(id);
      return { openedBy: r.opened_by, subjects: JSON.parse(r.subjects) as string[] };
    },

    report: async (id: string, lang: Lang) => regulatorReport(facts(await row(id)), lang),
    notice: async (id: string, lang: Lang) => customerNotice(facts(await row(id)), lang),
  };
}
export type IncidentService = ReturnType<typeof createIncidentService>;
