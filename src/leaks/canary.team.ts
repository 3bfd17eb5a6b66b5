import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { randomId, sha256 } from '../lib/crypto.ts';
import { InvalidInput } from '../lib/errors.ts';
import type { AuditLog } from '../audit/log.service.ts';
import { TEAM, type StaffService } from '../access/staff.service.ts';
import type { ExplanationKind, ExplanationService } from '../access/explanations.service.ts';
import type { CanaryService } from './canary.service.ts';

/** Team canaries planted at once, at most. */
export const MAX_TEAM_CANARIES = 10;

/** The explanation a canary is filed under, by the member's role: what their work looks like. */
const KIND_BY_ROLE: Readonly<Record<string, ExplanationKind>> = { moderator: 'moderation', courier: 'assignment' };

/**
 * Canaries per staff team (channel `team:<team>`): synthetic customers placed in the team's
 * history as closed work (a closed ticket for support, a closed moderation case for
 * moderators, a closed assignment for couriers), each with one member of the team in turn.
 * They show masked in the team's lists like any customer; nothing explains revealing one
 * (the work is closed), so any reveal of one, allowed, refused or break-glass, is a touch
 * (canary.watch.ts), and one in a leaked file names who was shown it, or else the team.
 * Sellers are never linked: they reach customers by relay only.
 * @example const { tokens } = await teamCanaries.plant({ team: 'support', count: 2 }, 'staff:u-admin');
 */
export function createTeamCanaryService(deps: {
  canaries: Pick<CanaryService, 'plant'>;
  staff: Pick<StaffService, 'list'>;
  explanations: Pick<ExplanationService, 'open' | 'close'>;
  audit: Pick<AuditLog, 'append'>;
  log: Logger;
}) {
  return {
    /** Plants `count` (1-10, default 2) canaries in `team`'s history; returns their tokens, never their values. */
    async plant(req: { team: string; count?: number | undefined }, by: string): Promise<{ channel: string; tokens: string[] }> {
      const count = req.count ?? 2;
      const details = [
        ...(typeof req.team === 'string' && TEAM.test(req.team) ? [] : [{ path: '/team', problem: 'must be a team name of 1-64 letters, digits, spaces, . _ or -' }]),
        ...(Number.isInteger(count) && count >= 1 && count <= MAX_TEAM_CANARIES ? [] : [{ path: '/count', problem: `must be a whole number from 1 to ${MAX_TEAM_CANARIES}` }]),
      ];
      if (details.length) throw new InvalidInput('the canaries cannot be planted', details);
      const members = (await deps.staff.list()).filter((s) => s.team === req.team && !s.disabledAt && s.role !== 'seller');
      if (members.length === 0) throw new InvalidInput('no active staff member (other than sellers) is in this team', [{ path: '/team', problem: 'no active member' }]);
      const channel = `team:${req.team}`;
      const planted = await deps.canaries.plant(channel, `closed work in the history of team ${req.team}`, count);
      // Spread over the members from a random one, so no member is always the one given a canary.
      const start = randomInt(0, members.length);
      const linked: string[] = [];
      for (const [i, c] of planted.entries()) {
        const m = members[(start + i) % members.length]!;
        const kind = KIND_BY_ROLE[m.role] ?? 'ticket';
        const e = await deps.explanations.open({ kind, id: randomId(kind), staff: m.id, subject: c.token }, by);
        await deps.explanations.close(e.id, by);
        linked.push(m.id);
      }
      const tokens = planted.map((c) => c.token);
      // The log says a planting happened, by whom, where, and commits to which tokens (a hash of
      // them, sorted), without telling its readers which customers are canaries.
      await deps.audit.append([{ kind: 'canary', actor: by, result: 'planted', data: { channel, count: tokens.length, staff: [...new Set(linked)].sort(), tokens_sha256: sha256([...tokens].sort().join(',')).toString('hex') } }]);
      deps.log.info({ channel, count: tokens.length }, 'leaks: team canaries planted');
      return { channel, tokens };
    },
  };
}
export type TeamCanaryService = ReturnType<typeof createTeamCanaryService>;
