import { Type, type Static } from '@sinclair/typebox';
import { StaffRole } from './shared.ts';

/** GET /v1/me: the signed-in staff member. */
export const Me = Type.Object({ id: Type.String(), role: StaffRole, team: Type.String() });
export type Me = Static<typeof Me>;
