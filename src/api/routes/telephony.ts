import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ApiKeyService } from '../../access/apikey.service.ts';
import type { CanaryCallWatch } from '../../leaks/canary.call.ts';
import { requireScope } from '../auth.ts';
import { ErrorResponse } from './shared.ts';
import { InboundCall, InboundCallReceived } from '../contract/telephony.ts';

/** The telephony provider's webhooks (API key with the `telephony` scope). */
export const telephonyRoutes: FastifyPluginAsyncTypebox<{
  apiKeys: Pick<ApiKeyService, 'verify'>;
  canaryCalls: Pick<CanaryCallWatch, 'inbound'>;
}> = async (app, d) => {
  app.post(
    '/v1/telephony/inbound',
    {
      preHandler: requireScope(d.apiKeys, 'telephony'),
      schema: {
        tags: ['telephony'],
        summary: 'Report an inbound call to one of the company’s numbers',
        description:
          'The number called is matched by blind index (nothing is decrypted). A call to a canary customer’s number (which reaches no one) files a high `canary-called` alert naming the canary’s channel, on the caller as `phone:<keyed hash>` (`phone:unknown` when the caller id is withheld). Neither number is logged or kept in clear, and the answer is the same `202 {"received":true}` whatever was called.',
        security: [{ bearer: [] }],
        body: InboundCall,
        response: {
          202: InboundCallReceived,
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
        },
      },
    },
    async (req, reply) => {
      await d.canaryCalls.inbound(req.body);
      return reply.status(202).send({ received: true as const });
    },
  );
};
