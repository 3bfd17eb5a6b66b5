import { Type, type Static } from '@sinclair/typebox';

/** Where a canary was planted. */
export const CanaryChannel = Type.String({
  description: 'Where the canary was planted: `export:<id>`, `device:<id>` or `team:<team>`',
  examples: ['team:support'],
});
export type CanaryChannel = Static<typeof CanaryChannel>;

/**
 * POST /v1/canaries: which staff team's work to plant canaries in, and how many (up to `max`,
 * the service's limit, passed in by the route: the contract cannot import the service).
 */
export const CanaryPlant = (max: number) =>
  Type.Object(
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
          maximum: max,
          default: 2,
          description: 'How many canaries (default 2)',
        }),
      ),
    },
    { additionalProperties: false },
  );
export type CanaryPlant = Static<ReturnType<typeof CanaryPlant>>;

/** The canaries planted: their channel and tokens only. */
export const CanaryPlanted = Type.Object({
  channel: CanaryChannel,
  tokens: Type.Array(Type.String({ description: 'A canary subject token' })),
});
export type CanaryPlanted = Static<typeof CanaryPlanted>;

/** One canary customer: token, channel and detail (never its values). */
export const Canary = Type.Object({
  token: Type.String(),
  channel: CanaryChannel,
  detail: Type.String(),
  createdAt: Type.String(),
});
export type Canary = Static<typeof Canary>;

/** GET /v1/canaries: every canary customer, newest first. */
export const CanaryList = Type.Object({ canaries: Type.Array(Canary) });
export type CanaryList = Static<typeof CanaryList>;
