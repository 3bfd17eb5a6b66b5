import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiKeyService } from '../../access/apikey.service.ts';
import type { StaffService } from '../../access/staff.service.ts';
import type { CanaryService } from '../../canaries/canary.service.ts';
import { MAX_TEAM_CANARIES, type TeamCanaryService } from '../../leaks/canary.team.ts';
import { actorOf, requireStaffOrScope } from '../auth.ts';
import { ErrorResponse } from './shared.ts';
import { CanaryList, CanaryPlant, CanaryPlanted } from '../contract/canaries.ts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse };

/** Canary customers, for admins (staff token or admin API key): plant them in a staff team's work, list them all. */
export const canaryRoutes: FastifyPluginAsyncTypebox<{
  apiKeys: Pick<ApiKeyService, 'verify'>;
  staff: StaffService;
  canaries: Pick<CanaryService, 'list'>;
  teamCanaries: TeamCanaryService;
}> = async (app, d) => {
  const admin = requireStaffOrScope(d.staff, ['admin'], d.apiKeys, 'admin');
  const security: Record<string, string[]>[] = [{ staffToken: [] }, { bearer: [] }];

  app.post(
    '/v1/canaries',
    {
      preHandler: admin,
      schema: {
        tags: ['leaks'],
        summary: "Plant canary customers in a staff team's work",
        description:
          "Makes `count` synthetic customers (numbers from the company's own block, e-mails at its own domain), stored in the vault like any customer, and files each as closed work (a closed ticket, moderation case or assignment) of one active member of the team in turn, so they show masked in the team's lists. Nobody has a reason to reveal one: any reveal of one, allowed, refused or break-glass, raises a `canary-touched` alert naming `team:<team>`, a call to one's number a `canary-called` alert, and one in a traced file names the staff shown it, or else the team. Only tokens are returned; the planting is in the audit log (kind `canary`, without values).",
        security,
        body: CanaryPlant(MAX_TEAM_CANARIES),
        response: {
          201: CanaryPlanted,
          ...errors,
        },
      },
    },
    async (req, reply) =>
      reply
        .status(201)
        .send(await d.teamCanaries.plant({ team: req.body.team, count: req.body.count }, actorOf(req).actor)),
  );

  app.get(
    '/v1/canaries',
    {
      preHandler: admin,
      schema: {
        tags: ['leaks'],
        summary: 'Every canary customer, newest first: token, channel and detail (never its values)',
        security,
        response: {
          200: CanaryList,
          ...errors,
        },
      },
    },
    async () => ({ canaries: await d.canaries.list() }),
  );
};
