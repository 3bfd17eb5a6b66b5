import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiKeyService } from '../../access/apikey.service.ts';
import type { StaffService } from '../../access/staff.service.ts';
import type { CanaryService } from '../../canaries/canary.service.ts';
import { MAX_TEAM_CANARIES, type TeamCanaryService } from '../../leaks/canary.team.ts';
import { actorOf, requireStaffOrScope } from '../auth.ts';
import { ErrorResponse } from './shared.ts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse };
const Channel = Type.String({
  description: 'Where the canary was planted: `export:<id>`, `device:<id>` or `team:<team>`',
  examples: ['team:support'],
});

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
        body: Type.Object(
          {
            channel: Type.Literal('team', {
              description: 'Where to plant: `team` (exports and scanners get theirs automatically)',
            }),
            team: Type.String({
              minLength: 1,
              maxLength: 64,
              description: 'The staff team, as given to its members (`POST /v1/staff`)',
              examples: ['support'],
            }),
            count: Type.Optional(
              Type.Integer({
                minimum: 1,
                maximum: MAX_TEAM_CANARIES,
                default: 2,
                description: 'How many canaries (default 2)',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            channel: Channel,
            tokens: Type.Array(Type.String({ description: 'A canary subject token' })),
          }),
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
          200: Type.Object({
            canaries: Type.Array(
              Type.Object({ token: Type.String(), channel: Channel, detail: Type.String(), createdAt: Type.String() }),
            ),
          }),
          ...errors,
        },
      },
    },
    async () => ({ canaries: await d.canaries.list() }),
  );
};
