import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { randomId, sha256 } from '../lib/crypto.ts';
import type { Clock } from '../lib/clock.ts';
import { InvalidInput } from '../lib/errors.ts';
import type { AuditLog } from '../audit/log.service.ts';
import { decodeEntry } from '../audit/entry.ts';
import { TEAM, type StaffService } from '../access/staff.service.ts';
import type { ExplanationKind, ExplanationService } from '../access/explanations.service.ts';
import { sameShape, type CanaryService } from '../canaries/canary.service.ts';

/** Team canaries planted at once, at most. */
export const MAX_TEAM_CANARIES = 10;

/** The explanation a canary is filed under, by the member's role: what their work looks like. */
const KIND_BY_ROLE: Readonly<Record<string, ExplanationKind>> = { moderator: 'moderation', courier: 'assignment' };

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Closed work looked at to learn what real work looks like (its ids, durations, who files it). */
const SAMPLE = 200;

/** A duration when there is no real closed work to learn from: log-normal, median 3 h, from 6 min to 5 days. */
function defaultDuration(): number {
  // Box-Muller from two uniform draws of node:crypto.
  const u = (randomInt(1, 2 ** 31) / 2 ** 31) * 1;
  const v = randomInt(0, 2 ** 31) / 2 ** 31;
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.min(5 * DAY, Math.max(6 * MINUTE, Math.round(3 * 3_600_000 * Math.exp(1.1 * z))));
}

/**
 * Canaries per staff team (channel `team:<team>`): synthetic customers placed in the team's
 * history as closed work (a closed ticket for support, a closed moderation case for
 * moderators, a closed assignment for couriers), each with one member of the team in turn.
 * They show masked in the team's lists like any customer; nothing explains revealing one
 * (the work is closed), so any reveal of one, allowed, refused or break-glass, is a touch
 * (canary.watch.ts), and one in a leaked file names who was shown it, or else the team.
 * Sellers are never linked: they reach customers by relay only.
 *
 * A canary's work must not stand out from real work: it is filed as real work of its kind
 * is, by whoever files most of it (the platform's key, as the audit log shows), with an id of
 * the shape real ids of that kind have, opened and closed in the past for a duration drawn
 * from real closed work (or, with none yet, a plausible one). The planting entry in the log
 * (kind `canary`) is for the roles that manage canaries only (admins and `audit` keys).
 * @example const { tokens } = await teamCanaries.plant({ team: 'support', count: 2 }, 'staff:u-admin');
 */
export function createTeamCanaryService(deps: {
  clock: Clock;
  explanations: Pick<ExplanationService, 'recentClosed' | 'fileClosed'>;
  canaries: Pick<CanaryService, 'plant'>;
  staff: Pick<StaffService, 'list'>;
  audit: Pick<AuditLog, 'append' | 'search'>;
  log: Logger;
}) {
  const pick = <T>(a: readonly T[]): T | undefined => (a.length ? a[randomInt(0, a.length)] : undefined);

  /** What real closed work of `kind` looks like: its ids, its durations, and who files it. */
  async function realWork(kind: ExplanationKind, staffId: string) {
    const rows = await deps.explanations.recentClosed(kind, SAMPLE);
    const durations = (rows.some((r) => r.staff === staffId) ? rows.filter((r) => r.staff === staffId) : rows)
      .map((r) => Date.parse(r.closedAt!) - Date.parse(r.openedAt))
      .filter((d) => d > 0);
    // Who files work of this kind, as the log says (one of them, as often as they do).
    const filed = await deps.audit.search({ kind: 'explanation', limit: SAMPLE });
    const filers = filed.flatMap((r) => {
      const e = decodeEntry(r.body);
      return e && e.type === kind && r.result === 'open' ? [r.actor] : [];
    });
    return { ids: rows.map((r) => r.id), durations, filers };
  }

  /** Files closed work of `kind` linking `staffId` to `subject`, as real work of that kind is filed. */
  async function file(kind: ExplanationKind, staffId: string, subject: string): Promise<void> {
    const real = await realWork(kind, staffId);
    const now = deps.clock.now().getTime();
    const duration = real.durations.length
      ? Math.max(MINUTE, Math.round(pick(real.durations)! * (0.6 + randomInt(0, 800) / 1000)))
      : defaultDuration();
    // Closed some time in the last month (at least an hour ago), opened `duration` before.
    const closed = now - randomInt(3_600_000, 30 * DAY);
    const opened = closed - duration;
    const by = pick(real.filers) ?? `staff:${staffId}`;
    for (let attempt = 0; ; attempt++) {
      const like = pick(real.ids);
      const id = like && attempt < 20 ? sameShape(like) : randomId(kind);
      const filed = await deps.explanations.fileClosed({
        id,
        kind,
        staff: staffId,
        subject,
        openedAt: new Date(opened).toISOString(),
        closedAt: new Date(closed).toISOString(),
      });
      if (!filed) continue;
      // The same entries real work leaves, by the same filer.
      await deps.audit.append([
        {
          kind: 'explanation',
          actor: by,
          subject,
          result: 'open',
          data: { explanation: id, type: kind, staff: staffId, until: null },
        },
      ]);
      await deps.audit.append([
        {
          kind: 'explanation',
          actor: by,
          subject,
          result: 'closed',
          data: { explanation: id, type: kind, staff: staffId },
        },
      ]);
      return;
    }
  }

  return {
    /** Plants `count` (1-10, default 2) canaries in `team`'s history; returns their tokens, never their values. */
    async plant(
      req: { team: string; count?: number | undefined },
      by: string,
    ): Promise<{ channel: string; tokens: string[] }> {
      const count = req.count ?? 2;
      const details = [
        ...(typeof req.team === 'string' && TEAM.test(req.team)
          ? []
          : [{ path: '/team', problem: 'must be a team name of 1-64 letters, digits, spaces, . _ or -' }]),
        ...(Number.isInteger(count) && count >= 1 && count <= MAX_TEAM_CANARIES
          ? []
          : [{ path: '/count', problem: `must be a whole number from 1 to ${MAX_TEAM_CANARIES}` }]),
      ];
      if (details.length) throw new InvalidInput('the canaries cannot be planted', details);
      const members = (await deps.staff.list()).filter(
        (s) => s.team === req.team && !s.disabledAt && s.role !== 'seller',
      );
      if (members.length === 0)
        throw new InvalidInput('no active staff member (other than sellers) is in this team', [
          { path: '/team', problem: 'no active member' },
        ]);
      const channel = `team:${req.team}`;
      const planted = await deps.canaries.plant(channel, `closed work in the history of team ${req.team}`, count);
      // Spread over the members from a random one, so no member is always the one given a canary.
      const start = randomInt(0, members.length);
      const linked: string[] = [];
      for (const [i, c] of planted.entries()) {
        const m = members[(start + i) % members.length]!;
        await file(KIND_BY_ROLE[m.role] ?? 'ticket', m.id, c.token);
        linked.push(m.id);
      }
      const tokens = planted.map((c) => c.token);
      // The log says a planting happened, by whom, where, and commits to which tokens (a hash of
      // them, sorted), without telling its readers which customers are canaries.
      await deps.audit.append([
        {
          kind: 'canary',
          actor: by,
          result: 'planted',
          data: {
            channel,
            count: tokens.length,
            staff: [...new Set(linked)].sort(),
            tokens_sha256: sha256([...tokens].sort().join(',')).toString('hex'),
          },
        },
      ]);
      deps.log.info({ channel, count: tokens.length }, 'leaks: team canaries planted');
      return { channel, tokens };
    },
  };
}
export type TeamCanaryService = ReturnType<typeof createTeamCanaryService>;
