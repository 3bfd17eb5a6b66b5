import { Type, type Static } from '@sinclair/typebox';

/** POST /v1/telephony/inbound: an inbound call to one of the company's numbers, as the provider reports it. */
export const InboundCall = Type.Object(
  {
    to: Type.String({
      minLength: 1,
      maxLength: 40,
      description: 'The number called, E.164 or national (read in CLOAK_DEFAULT_REGION)',
      examples: ['+84391234567'],
    }),
    from: Type.Optional(
      Type.String({
        maxLength: 64,
        description: 'The caller id as the network gave it; withheld ones ("anonymous", empty) make an unknown caller',
      }),
    ),
    at: Type.Optional(Type.String({ maxLength: 40, description: 'When the call came, ISO 8601 (default: now)' })),
  },
  { additionalProperties: false },
);
export type InboundCall = Static<typeof InboundCall>;

/** The same answer whatever number was called. */
export const InboundCallReceived = Type.Object({ received: Type.Literal(true) });
export type InboundCallReceived = Static<typeof InboundCallReceived>;
