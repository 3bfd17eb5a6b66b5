import { Conflict } from '../lib/errors.ts';
import type { Incident, IncidentService } from '../incidents/incidents.service.ts';
import type { WaybillService } from '../waybill/waybill.service.ts';
import { assertMay } from '../access/duties.fns.ts';
import type { By, Case, CaseService } from './cases.service.ts';

export type Escalation = {
  readonly title: string;
  readonly where: string;
  readonly measures: string;
  readonly highRisk?: boolean | undefined;
};

/**
 * Who and what a case's evidence touches: the customers named in it (tokens, and the
 * recipients of the parcels read) and the data categories (the fields revealed; a parcel
 * read exposes its tracking number). Nothing is decrypted.
 */
export async function scopeOfCase(
  c: Pick<Case, 'alerts'>,
  waybill: Pick<WaybillService, 'recipientsOf'>,
): Promise<{ subjects: string[]; categories: string[] }> {
  const subjects = new Set<string>();
  const categories = new Set<string>();
  const parcels = new Set<string>();
  for (const a of c.alerts) {
    for (const e of a.evidence) {
      if (typeof e.customer === 'string') subjects.add(e.customer);
      if (typeof e.field === 'string') categories.add(e.field);
      if (typeof e.parcel === 'string') {
        parcels.add(e.parcel);
        categories.add('tracking_number');
      }
      if (e.type === 'export' && typeof e.dataset === 'string') categories.add(e.dataset);
    }
  }
  if (parcels.size) for (const t of (await waybill.recipientsOf([...parcels])).values()) subjects.add(t);
  return { subjects: [...subjects].sort(), categories: [...categories].sort() };
}

/**
 * Escalates a detection case to an incident: opens the incident (through the incident
 * service, which audits it) with the customers and categories of the case's evidence, then
 * links the case to it (audited too). A case is escalated once.
 * @example const { incident } = await escalateCase({ cases, incidents, waybill }, 'case_…', { title, where, measures }, 'staff:an-1');
 */
export async function escalateCase(
  deps: {
    cases: Pick<CaseService, 'get' | 'linkIncident'>;
    incidents: Pick<IncidentService, 'open'>;
    waybill: Pick<WaybillService, 'recipientsOf'>;
  },
  id: string,
  req: Escalation,
  by: By,
): Promise<{ case: Case; incident: Incident }> {
  const c = await deps.cases.get(id);
  // Refused before the incident is opened: the suspect never escalates (or buries) their own case.
  assertMay(typeof by === 'string' ? { actor: by } : by, { on: 'case', action: 'escalate', suspect: c.actor });
  if (c.incident)
    throw new Conflict(`this case was already escalated to incident ${c.incident}`, [
      { path: '/id', problem: 'already escalated' },
    ]);
  const scope = await scopeOfCase(c, deps.waybill);
  if (scope.subjects.length === 0)
    throw new Conflict("no customer is named in this case's evidence: open the incident by hand with its scope", [
      { path: '/id', problem: 'no customer in the evidence' },
    ]);
  const incident = await deps.incidents.open(
    {
      title: req.title,
      where: req.where,
      measures: req.measures,
      highRisk: req.highRisk,
      subjects: scope.subjects,
      categories: scope.categories.length ? scope.categories : ['unknown'],
    },
    typeof by === 'string' ? by : by.actor,
  );
  return { case: await deps.cases.linkIncident(id, incident.id, by), incident };
}
