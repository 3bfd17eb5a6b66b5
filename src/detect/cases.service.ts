import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.ts';
import { hmacSha256, randomId } from '../lib/crypto.ts';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../lib/errors.ts';
import type { CaseTable } from './detect.tables.ts';
import type { DetectRepo } from './detect.repo.ts';
import type { AuditLog } from '../audit/log.service.ts';
import type { DevicesService } from '../devices/devices.service.ts';
import type { RevealService } from '../access/reveal.service.ts';
import { assertMay, refusal, type Caller } from '../access/duties.fns.ts';
import type { Alert, Severity } from './engine.ts';

/** What detection did on its own, so an admin can see it and undo it. */
export type CaseAction =
  | {
      readonly type: 'device_status';
      readonly device: string;
      readonly from: string;
      readonly to: string;
      readonly at: string;
      readonly undone?: string;
    }
  | {
      readonly type: 'grants_suspended';
      readonly staff: string;
      readonly grants: readonly string[];
      readonly at: string;
      readonly undone?: string;
    };
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
  readonly resolution: Classification | null;
  /** The analyst's reason for closing it (kept with the case only; the audit log holds its keyed hash). */
  readonly reason: string | null;
  /** The incident the case was escalated to. */
  readonly incident: string | null;
  readonly openedAt: string;
  readonly updatedAt: string;
};

/** How an analyst closes a case: the alert was right, right but harmless, or wrong. */
export const CLASSIFICATIONS = ['true_positive', 'benign', 'false_positive'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];
/** One alert of a case, as the alert queue lists it. */
export type AlertRow = {
  readonly case: string;
  readonly index: number;
  readonly at: string;
  readonly actor: string;
  readonly rule: string;
  readonly severity: Severity;
  readonly score: number;
  readonly summary: string;
  readonly status: Case['status'];
  readonly assignee: string | null;
  readonly classification: Classification | null;
};
export type AlertFilter = {
  readonly severity?: string | undefined;
  readonly status?: string | undefined;
  readonly rule?: string | undefined;
  readonly actor?: string | undefined;
};
export type BulkAction = {
  readonly ids: readonly string[];
  readonly action: 'assign' | 'close';
  readonly assignee?: string | undefined;
  readonly classification?: string | undefined;
  readonly reason?: string | undefined;
};
const ASSIGNEE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Who acts: their actor id (`staff:an-1`), or the signed-in staff member (then their role is checked too). */
export type By = string | Caller;
const callerOf = (by: By): Caller => (typeof by === 'string' ? { actor: by } : by);
const actorOf = (by: By): string => (typeof by === 'string' ? by : by.actor);

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
  reason: r.resolution_reason ?? null,
  incident: r.incident ?? null,
  openedAt: r.opened_at,
  updatedAt: r.updated_at,
});

export type CaseDeps = {
  repo: Pick<
    DetectRepo,
    | 'getCase'
    | 'openCaseOf'
    | 'insertCase'
    | 'updateCase'
    | 'recentCases'
    | 'casesOfActor'
    | 'casesByIds'
    | 'updateAllOpen'
  >;
  clock: Clock;
  log: Logger;
  audit: Pick<AuditLog, 'append'>;
  devices: Pick<DevicesService, 'get' | 'setStatus'>;
  grants: Pick<RevealService, 'suspendGrants' | 'restoreGrants'>;
  /** Keys the hash of an analyst's closing reason in the audit log (free text may name people). */
  reasonKey: Buffer;
};

/**
 * Cases and the automatic response. Each alert joins the open case of its actor (or opens
 * one). A high-severity alert on a device restricts it; an alert on a staff member suspends
 * their grants in force. Every response and every undo is in the audit log.
 */
export function createCaseService(deps: CaseDeps) {
  const { repo, clock } = deps;
  const SYSTEM = 'system:detect';

  async function get(id: string): Promise<CaseTable> {
    const r = await repo.getCase(id);
    if (!r) throw new NotFound('no case has this id');
    return r;
  }
  async function save(id: string, set: Partial<CaseTable>): Promise<Case> {
    await repo.updateCase(id, { ...set, updated_at: clock.now().toISOString() });
    return view(await get(id));
  }

  async function respond(c: CaseTable, alert: Alert): Promise<CaseAction[]> {
    const now = clock.now().toISOString();
    const kind = alert.actor.slice(0, alert.actor.indexOf(':'));
    const id = alert.actor.slice(alert.actor.indexOf(':') + 1);
    const done: CaseAction[] = [];
    // The engine says what its alert allows (gated by measured precision, graduated, never on one
    // piece of evidence); alerts raised outside it (a canary touched) carry no such field and keep
    // the standing rule. A downgrade (an alert explained after the fact) allows nothing.
    if (alert.downgrades !== undefined) return done;
    const allowed =
      alert.response === undefined
        ? kind === 'device'
          ? alert.severity === 'high'
            ? 'restrict'
            : 'none'
          : 'suspend'
        : alert.response;
    if (allowed === 'none') return done;
    if (kind === 'device' && allowed === 'restrict') {
      const d = await deps.devices.get(id).catch(() => undefined);
      if (d && d.status === 'active') {
        await deps.devices.setStatus(id, 'restricted');
        done.push({ type: 'device_status', device: id, from: 'active', to: 'restricted', at: now });
        await deps.audit.append([
          {
            kind: 'response',
            actor: SYSTEM,
            result: 'device_restricted',
            data: { case: c.id, device: id, rule: alert.rule },
          },
        ]);
      }
    }
    // A second approver first: with their just-in-time grants suspended, anything beyond their
    // explained work needs a new grant that someone else approves; a second finding, the same.
    if ((kind === 'staff' || kind === 'seller') && (allowed === 'second_approver' || allowed === 'suspend')) {
      const grants = await deps.grants.suspendGrants(id);
      if (grants.length) {
        done.push({ type: 'grants_suspended', staff: id, grants, at: now });
        await deps.audit.append([
          {
            kind: 'response',
            actor: SYSTEM,
            result: 'grants_suspended',
            data: { case: c.id, staff: id, grants, rule: alert.rule, response: allowed },
          },
        ]);
      }
    }
    if (done.length) deps.log.warn({ case: c.id, actions: done.map((a) => a.type) }, 'detect: automatic response');
    return done;
  }

  function checkClose(
    r: CaseTable | undefined,
    resolution: unknown,
    reason: unknown,
    reasonRequired: boolean,
    field = '/classification',
  ): void {
    const details = [
      ...((CLASSIFICATIONS as readonly unknown[]).includes(resolution)
        ? []
        : [{ path: field, problem: `one of ${CLASSIFICATIONS.join(', ')}` }]),
      ...((reason === undefined && !reasonRequired) ||
      (typeof reason === 'string' && reason.trim().length >= 1 && reason.length <= 500)
        ? []
        : [{ path: '/reason', problem: 'a reason of 1-500 characters' }]),
    ];
    if (details.length)
      throw new InvalidInput(
        `a case is closed as ${CLASSIFICATIONS.join(', ')}${reasonRequired ? ', with a reason' : ''}`,
        details,
      );
    if (r && r.status !== 'open')
      throw new Conflict('this case is already resolved', [{ path: '/id', problem: 'resolved' }]);
  }
  const closeEntry = (
    r: CaseTable,
    resolution: string,
    by: By,
    reason: string | undefined,
    extra: Record<string, number> = {},
  ) => ({
    kind: 'case',
    actor: actorOf(by),
    result: resolution,
    data: {
      case: r.id,
      suspect: r.actor,
      ...extra,
      ...(reason === undefined ? {} : { reason: hmacSha256(deps.reasonKey, reason.trim()).toString('hex') }),
    },
  });

  return {
    /** Files an alert in its actor's open case (opening one if none) and responds to it. */
    async record(alert: Alert): Promise<Case> {
      const now = clock.now().toISOString();
      let row = await repo.openCaseOf(alert.actor);
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
          resolution_reason: null,
          incident: null,
          opened_at: now,
          updated_at: now,
        };
        await repo.insertCase(row);
      } else {
        const alerts = [...(JSON.parse(row.alerts) as Alert[]), alert].slice(-50);
        const worse = rank[alert.severity]! > rank[row.severity]!;
        row = {
          ...row,
          alerts: JSON.stringify(alerts),
          severity: worse ? alert.severity : row.severity,
          score: Math.max(row.score, alert.score),
          summary: worse ? alert.summary : row.summary,
        };
        await repo.updateCase(row.id, {
          alerts: row.alerts,
          severity: row.severity,
          score: row.score,
          summary: row.summary,
          updated_at: now,
        });
      }
      const actions = await respond(row, alert);
      if (actions.length)
        return save(row.id, { actions: JSON.stringify([...(JSON.parse(row.actions) as CaseAction[]), ...actions]) });
      return view(row);
    },

    async list(filter: { status?: string | undefined }): Promise<Case[]> {
      return (await repo.recentCases({ limit: 500, status: filter.status })).map(view);
    },

    get: async (id: string) => view(await get(id)),

    /** Every case of one actor (`device:…`, `staff:…`), newest first. */
    async ofActor(actor: string): Promise<Case[]> {
      return (await repo.casesOfActor(actor)).map(view);
    },

    async assign(id: string, assignee: string, by: By): Promise<Case> {
      const r = await get(id);
      assertMay(callerOf(by), { on: 'case', action: 'assign', suspect: r.actor, assignee });
      await deps.audit.append([{ kind: 'case', actor: actorOf(by), result: 'assigned', data: { case: id, assignee } }]);
      return save(id, { assignee });
    },

    async comment(id: string, text: string, by: By): Promise<Case> {
      const r = await get(id);
      assertMay(callerOf(by), { on: 'case', action: 'comment', suspect: r.actor });
      if (typeof text !== 'string' || text.trim().length === 0 || text.length > 4000)
        throw new InvalidInput('a comment is 1-4000 characters', [{ path: '/text', problem: 'empty or too long' }]);
      return save(id, {
        comments: JSON.stringify([
          ...(JSON.parse(r.comments) as CaseComment[]),
          { by: actorOf(by), at: clock.now().toISOString(), text: text.trim() },
        ]),
      });
    },

    /**
     * Closes a case as a true positive, benign (right, but harmless) or false positive, with
     * an optional reason (1-500 characters; required by the bulk close). The audit entry
     * holds a keyed hash of the reason, never its text: an analyst's words may name people.
     */
    async resolve(id: string, resolution: string, by: By, reason?: string): Promise<Case> {
      const r = await get(id);
      assertMay(callerOf(by), { on: 'case', action: 'close', suspect: r.actor });
      checkClose(r, resolution, reason, false, '/resolution');
      await deps.audit.append([closeEntry(r, resolution, by, reason)]);
      return save(id, { status: 'resolved', resolution, resolution_reason: reason?.trim() ?? null });
    },

    /** The alerts of the cases, one row each, newest first, filtered here (not by the caller). */
    async alerts(filter: AlertFilter): Promise<AlertRow[]> {
      const details = [
        ...(filter.severity === undefined || filter.severity in rank
          ? []
          : [{ path: '/severity', problem: 'low, medium or high' }]),
        ...(filter.status === undefined || filter.status === 'open' || filter.status === 'resolved'
          ? []
          : [{ path: '/status', problem: 'open or resolved' }]),
      ];
      if (details.length) throw new InvalidInput('the alert filter is not valid', details);
      const rows: AlertRow[] = [];
      for (const c of (await repo.recentCases({ limit: 1000, status: filter.status, actor: filter.actor })).map(view)) {
        c.alerts.forEach((a, index) => {
          if (filter.severity && a.severity !== filter.severity) return;
          if (filter.rule && a.rule !== filter.rule) return;
          rows.push({
            case: c.id,
            index,
            at: a.at,
            actor: a.actor,
            rule: a.rule,
            severity: a.severity,
            score: a.score,
            summary: a.summary,
            status: c.status,
            assignee: c.assignee,
            classification: c.resolution,
          });
        });
      }
      return rows.sort((a, b) => b.at.localeCompare(a.at) || a.case.localeCompare(b.case) || b.index - a.index);
    },

    /**
     * Assigns or closes several cases at once: every case is checked first, and if any one
     * cannot take the action nothing is done (the error names each, by its place in `ids`).
     * Each case's change is its own audit entry.
     */
    async bulk(req: BulkAction, by: By): Promise<Case[]> {
      const ids = Array.isArray(req.ids) ? req.ids : [];
      if (ids.length === 0 || ids.length > 200)
        throw new InvalidInput('ids lists 1-200 cases', [{ path: '/ids', problem: 'empty or more than 200' }]);
      if (new Set(ids).size !== ids.length)
        throw new InvalidInput('ids lists a case twice', [{ path: '/ids', problem: 'duplicate ids' }]);
      if (req.action !== 'assign' && req.action !== 'close')
        throw new InvalidInput('action is assign or close', [{ path: '/action', problem: 'unknown action' }]);
      if (req.action === 'assign' && (typeof req.assignee !== 'string' || !ASSIGNEE.test(req.assignee)))
        throw new InvalidInput('assigning needs the staff id of the assignee', [
          { path: '/assignee', problem: 'a staff id: letters, digits, _ or -, up to 64' },
        ]);
      const rows = await repo.casesByIds(ids);
      const byId = new Map(rows.map((r) => [r.id, r]));
      // Separation of duties first: a case of one's own in the batch refuses the whole batch.
      const refused = ids.flatMap((id, i) => {
        const r = byId.get(id);
        const why = r
          ? refusal(callerOf(by), {
              on: 'case',
              action: req.action,
              suspect: r.actor,
              ...(req.action === 'assign' ? { assignee: req.assignee } : {}),
            })
          : null;
        return why === null ? [] : [{ path: `/ids/${i}`, problem: why }];
      });
      if (refused.length)
        throw new Forbidden(
          `nothing was changed: ${refused.length} case(s) of this ${req.action} are not yours to act on (${refused[0]!.problem})`,
          refused,
        );
      const problems: { path: string; problem: string }[] = [];
      ids.forEach((id, i) => {
        const r = byId.get(id);
        if (!r) problems.push({ path: `/ids/${i}`, problem: 'no case has this id' });
        else if (r.status !== 'open') problems.push({ path: `/ids/${i}`, problem: 'already resolved' });
      });
      if (req.action === 'close') {
        try {
          checkClose(undefined, req.classification, req.reason, true);
        } catch (e) {
          if (e instanceof InvalidInput) problems.push(...(e.details as { path: string; problem: string }[]));
          else throw e;
        }
      }
      // Only cases resolved before are a clash with their state; anything else in the batch is bad input.
      const clash = problems.length > 0 && problems.every((p) => p.problem === 'already resolved');
      if (problems.length)
        throw new (clash ? Conflict : InvalidInput)(
          `nothing was changed: ${problems.length} problem(s) with this ${req.action}`,
          problems,
        );
      const now = clock.now().toISOString();
      const set: Partial<CaseTable> =
        req.action === 'assign'
          ? { assignee: req.assignee!, updated_at: now }
          : {
              status: 'resolved',
              resolution: req.classification!,
              resolution_reason: req.reason!.trim(),
              updated_at: now,
            };
      // The audit entries first (as the single actions do), then every case in one transaction.
      await deps.audit.append(
        ids.map((id) =>
          req.action === 'assign'
            ? {
                kind: 'case',
                actor: actorOf(by),
                result: 'assigned',
                data: { case: id, assignee: req.assignee!, bulk: ids.length },
              }
            : closeEntry(byId.get(id)!, req.classification!, by, req.reason, { bulk: ids.length }),
        ),
      );
      // Only still-open cases: one closed meanwhile fails the whole batch.
      if (!(await repo.updateAllOpen(ids, set)))
        throw new Conflict('nothing was changed: a case was resolved meanwhile', [
          { path: '/ids', problem: 'changed meanwhile' },
        ]);
      const after = await repo.casesByIds(ids);
      const m = new Map(after.map((r) => [r.id, view(r)]));
      return ids.map((id) => m.get(id)!);
    },

    /** Links a case to the incident it was escalated to (once); in the audit log. */
    async linkIncident(id: string, incident: string, by: By): Promise<Case> {
      const r = await get(id);
      assertMay(callerOf(by), { on: 'case', action: 'escalate', suspect: r.actor });
      if (r.incident)
        throw new Conflict(`this case was already escalated to incident ${r.incident}`, [
          { path: '/id', problem: 'already escalated' },
        ]);
      await deps.audit.append([
        { kind: 'case', actor: actorOf(by), result: 'escalated', data: { case: id, incident, suspect: r.actor } },
      ]);
      return save(id, { incident });
    },

    /** Undoes the case's automatic actions: the device back to its status, the grants back in force. */
    async undo(id: string, by: By): Promise<Case> {
      const r = await get(id);
      const before = JSON.parse(r.actions) as CaseAction[];
      // Never by the suspect, nor by anyone whose grants it would put back in force.
      const grantHolders = before.flatMap((a) => (a.type === 'grants_suspended' && !a.undone ? [a.staff] : []));
      assertMay(callerOf(by), { on: 'case', action: 'undo', suspect: r.actor, grantHolders });
      const now = clock.now().toISOString();
      const actions: CaseAction[] = [];
      for (const a of before) {
        if (a.undone) {
          actions.push(a);
          continue;
        }
        if (a.type === 'device_status') {
          await deps.devices.setStatus(a.device, a.from);
          await deps.audit.append([
            {
              kind: 'response',
              actor: actorOf(by),
              result: 'undone',
              data: { case: id, device: a.device, status: a.from },
            },
          ]);
        } else {
          const restored = await deps.grants.restoreGrants(a.grants);
          await deps.audit.append([
            {
              kind: 'response',
              actor: actorOf(by),
              result: 'undone',
              data: { case: id, staff: a.staff, grants: restored },
            },
          ]);
        }
        actions.push({ ...a, undone: now });
      }
      return save(id, { actions: JSON.stringify(actions) });
    },
  };
}
export type CaseService = ReturnType<typeof createCaseService>;
