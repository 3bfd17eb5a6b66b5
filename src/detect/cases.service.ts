import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.ts';
import { randomId } from '../lib/crypto.ts';
import { InvalidInput, NotFound } from '../lib/errors.ts';
import type { CaseTable, Database } from '../store/schema.ts';
import type { AuditLog } from '../audit/log.service.ts';
import type { DevicesService } from '../devices/devices.service.ts';
import type { RevealService } from '../access/reveal.service.ts';
import type { Alert, Severity } from './engine.ts';

/** What detection did on its own, so an admin can see it and undo it. */
export type CaseAction =
  | { readonly type: 'device_status'; readonly device: string; readonly from: string; readonly to: string; readonly at: string; readonly undone?: string }
  | { readonly type: 'grants_suspended'; readonly staff: string; readonly grants: readonly string[]; readonly at: string; readonly undone?: string };
export type CaseComment = { readonly by: string; readonly at: string; readonly text: string };
export type Case = {
  readonly id: string;
  readonly actor: string;
  readonly severity: Severity;
  readonly score: number;
  readonly summary: string;
  readonly alerts: Alert[];
  readonly actions: CaseAction[];
  readonly comments: CaseComment[];
  readonly status: 'open' | 'resolved';
  readonly assignee: string | null;
  readonly resolution: 'true_positive' | 'false_positive' | null;
  readonly openedAt: string;
  readonly updatedAt: string;
};

const rank: Record<string, number> = { low: 0, medium: 1, high: 2 };
const view = (r: CaseTable): Case => ({
  id: r.id,
  actor: r.actor,
  severity: r.severity as Severity,
  score: r.score,
  summary: r.summary,
  alerts: JSON.parse(r.alerts) as Alert[],
  actions: JSON.parse(r.actions) as CaseAction[],
  comments: JSON.parse(r.comments) as CaseComment[],
  status: r.status as Case['status'],
  assignee: r.assignee,
  resolution: r.resolution as Case['resolution'],
  openedAt: r.opened_at,
  updatedAt: r.updated_at,
});

export type CaseDeps = {
  db: Kysely<Database>;
  clock: Clock;
  log: Logger;
  audit: Pick<AuditLog, 'append'>;
  devices: Pick<DevicesService, 'get' | 'setStatus'>;
  grants: Pick<RevealService, 'suspendGrants' | 'restoreGrants'>;
};

/**
 * Cases and the automatic response. Each alert joins the open case of its actor (or opens
 * one). A high-severity alert on a device restricts it; an alert on a staff member suspends
 * their grants in force. Every response and every undo is in the audit log.
 */
export function createCaseService(deps: CaseDeps) {
  const { db, clock } = deps;
  const SYSTEM = 'system:detect';

  async function get(id: string): Promise<CaseTable> {
    const r = await db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw new NotFound('no case has this id');
    return r;
  }
  async function save(id: string, set: Partial<CaseTable>): Promise<Case> {
    await db.updateTable('cases').set({ ...set, updated_at: clock.now().toISOString() }).where('id', '=', id).execute();
    return view(await get(id));
  }

  async function respond(c: CaseTable, alert: Alert): Promise<CaseAction[]> {
    const now = clock.now().toISOString();
    const kind = alert.actor.slice(0, alert.actor.indexOf(':'));
    const id = alert.actor.slice(alert.actor.indexOf(':') + 1);
    const done: CaseAction[] = [];
    if (kind === 'device' && alert.severity === 'high') {
      const d = await deps.devices.get(id).catch(() => undefined);
      if (d && d.status === 'active') {
        await deps.devices.setStatus(id, 'restricted');
        done.push({ type: 'device_status', device: id, from: 'active', to: 'restricted', at: now });
        await deps.audit.append([{ kind: 'response', actor: SYSTEM, result: 'device_restricted', data: { case: c.id, device: id, rule: alert.rule } }]);
      }
    }
    if (kind === 'staff' || kind === 'seller') {
      const grants = await deps.grants.suspendGrants(id);
      if (grants.length) {
        done.push({ type: 'grants_suspended', staff: id, grants, at: now });
        await deps.audit.append([{ kind: 'response', actor: SYSTEM, result: 'grants_suspended', data: { case: c.id, staff: id, grants, rule: alert.rule } }]);
      }
    }
    if (done.length) deps.log.warn({ case: c.id, actions: done.map((a) => a.type) }, 'detect: automatic response');
    return done;
  }

  return {
    /** Files an alert in its actor's open case (opening one if none) and responds to it. */
    async record(alert: Alert): Promise<Case> {
      const now = clock.now().toISOString();
      let row = await db.selectFrom('cases').selectAll().where('actor', '=', alert.actor).where('status', '=', 'open').executeTakeFirst();
      if (!row) {
        row = {
          id: randomId('case'),
          actor: alert.actor,
          severity: alert.severity,
          score: alert.score,
          summary: alert.summary,
          alerts: JSON.stringify([alert]),
          actions: '[]',
          comments: '[]',
          status: 'open',
          assignee: null,
          resolution: null,
          opened_at: now,
          updated_at: now,
        };
        await db.insertInto('cases').values(row).execute();
      } else {
        const alerts = [...(JSON.parse(row.alerts) as Alert[]), alert].slice(-50);
        const worse = rank[alert.severity]! > rank[row.severity]!;
        row = { ...row, alerts: JSON.stringify(alerts), severity: worse ? alert.severity : row.severity, score: Math.max(row.score, alert.score), summary: worse ? alert.summary : row.summary };
        await db.updateTable('cases').set({ alerts: row.alerts, severity: row.severity, score: row.score, summary: row.summary, updated_at: now }).where('id', '=', row.id).execute();
      }
      const actions = await respond(row, alert);
      if (actions.length) return save(row.id, { actions: JSON.stringify([...(JSON.parse(row.actions) as CaseAction[]), ...actions]) });
      return view(row);
    },

    async list(filter: { status?: string | undefined }): Promise<Case[]> {
      let q = db.selectFrom('cases').selectAll().orderBy('updated_at', 'desc').limit(500);
      if (filter.status) q = q.where('status', '=', filter.status);
      return (await q.execute()).map(view);
    },

    get: async (id: string) => view(await get(id)),

    async assign(id: string, assignee: string, by: string): Promise<Case> {
      await get(id);
      await deps.audit.append([{ kind: 'case', actor: by, result: 'assigned', data: { case: id, assignee } }]);
      return save(id, { assignee });
    },

    async comment(id: string, text: string, by: string): Promise<Case> {
      const r = await get(id);
      if (typeof text !== 'string' || text.trim().length === 0 || text.length > 4000) throw new InvalidInput('a comment is 1-4000 characters', [{ path: '/text', problem: 'empty or too long' }]);
      return save(id, { comments: JSON.stringify([...(JSON.parse(r.comments) as CaseComment[]), { by, at: clock.now().toISOString(), text: text.trim() }]) });
    },

    async resolve(id: string, resolution: string, by: string): Promise<Case> {
      if (resolution !== 'true_positive' && resolution !== 'false_positive') throw new InvalidInput('resolution is true_positive or false_positive', [{ path: '/resolution', problem: 'unknown resolution' }]);
      const r = await get(id);
      if (r.status !== 'open') throw new InvalidInput('this case is already resolved', [{ path: '/id', problem: 'resolved' }]);
      await deps.audit.append([{ kind: 'case', actor: by, result: resolution, data: { case: id, suspect: r.actor } }]);
      return save(id, { status: 'resolved', resolution });
    },

    /** Undoes the case's automatic actions: the device back to its status, the grants back in force. */
    async undo(id: string, by: string): Promise<Case> {
      const r = await get(id);
      const now = clock.now().toISOString();
      const actions: CaseAction[] = [];
      for (const a of JSON.parse(r.actions) as CaseAction[]) {
        if (a.undone) {
          actions.push(a);
          continue;
        }
        if (a.type === 'device_status') {
          await deps.devices.setStatus(a.device, a.from);
          await deps.audit.append([{ kind: 'response', actor: by, result: 'undone', data: { case: id, device: a.device, status: a.from } }]);
        } else {
          const restored = await deps.grants.restoreGrants(a.grants);
          await deps.audit.append([{ kind: 'response', actor: by, result: 'undone', data: { case: id, staff: a.staff, grants: restored } }]);
        }
        actions.push({ ...a, undone: now });
      }
      return save(id, { actions: JSON.stringify(actions) });
    },
  };
}
export type CaseService = ReturnType<typeof createCaseService>;
