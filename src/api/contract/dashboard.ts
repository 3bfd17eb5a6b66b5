import { Type, type Static } from '@sinclair/typebox';
import { StaffRole } from './shared.ts';

/** GET /v1/me: the signed-in staff member. */
export const Me = Type.Object({ id: Type.String(), role: StaffRole, team: Type.String() });
export type Me = Static<typeof Me>;

const Counts = Type.Record(Type.String(), Type.Number());

/**
 * GET /v1/dashboard/overview: the last 24 hours of alerts and reveals per hour, open cases and
 * devices by state, open incidents and their deadlines (counts only).
 */
export const Overview = Type.Object({
  now: Type.String(),
  hours: Type.Array(Type.String({ description: 'YYYY-MM-DDTHH (UTC), oldest first' })),
  alerts: Type.Record(Type.String(), Type.Array(Type.Number()), { description: 'severity → count per hour' }),
  reveals: Type.Record(Type.String(), Type.Array(Type.Number()), {
    description: 'allowed, refused, break_glass → count per hour',
  }),
  openCases: Counts,
  devices: Counts,
  incidents: Type.Array(
    Type.Object({
      id: Type.String(),
      title: Type.String(),
      subjects: Type.Number(),
      deadlines: Type.Array(
        Type.Object({
          jurisdiction: Type.String(),
          kind: Type.String(),
          due: Type.String(),
          met: Type.Union([Type.String(), Type.Null()]),
        }),
      ),
    }),
  ),
});
export type Overview = Static<typeof Overview>;
