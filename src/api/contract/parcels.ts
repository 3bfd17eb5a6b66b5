import { Type, type Static } from '@sinclair/typebox';

/** A parcel as the platform sees it: tokens for people, never their data. */
export const Parcel = Type.Object({
  tracking: Type.String({ description: 'UPU S10 tracking number' }),
  recipient: Type.String({ description: 'vault token' }),
  sender: Type.Union([Type.String(), Type.Null()]),
  origin: Type.String(),
  destination: Type.String(),
  sortCode: Type.String(),
  nextHop: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  createdAt: Type.String(),
});
export type Parcel = Static<typeof Parcel>;

/** The path of every route about one parcel: its tracking number. */
export const ParcelParams = Type.Object({ tracking: Type.String() });
export type ParcelParams = Static<typeof ParcelParams>;

/** POST /v1/parcels: a parcel for a recipient (a vault token) from one station to another. */
export const ParcelCreate = Type.Object(
  {
    recipient: Type.String(),
    sender: Type.Optional(Type.String()),
    origin: Type.String(),
    destination: Type.String(),
  },
  { additionalProperties: false },
);
export type ParcelCreate = Static<typeof ParcelCreate>;

/** GET /v1/parcels/:tracking: the parcel and its scans, oldest first. */
export const ParcelWithTimeline = Type.Composite([
  Parcel,
  Type.Object({
    timeline: Type.Array(
      Type.Object({ at: Type.String(), step: Type.String(), station: Type.String(), device: Type.String() }),
    ),
  }),
]);
export type ParcelWithTimeline = Static<typeof ParcelWithTimeline>;

/** POST /v1/parcels/:tracking/assignment: the courier app a parcel goes to today. */
export const ParcelAssign = Type.Object(
  { courier: Type.String({ description: 'the courier app’s device id' }) },
  { additionalProperties: false },
);
export type ParcelAssign = Static<typeof ParcelAssign>;

/** The assignment made: which parcel, which courier app, for which day. */
export const ParcelAssignment = Type.Object({ tracking: Type.String(), courier: Type.String(), day: Type.String() });
export type ParcelAssignment = Static<typeof ParcelAssignment>;

/** GET /v1/parcels/:tracking/label: the label's format (default pdf). */
export const ParcelLabelQuery = Type.Object({
  format: Type.Optional(Type.Union([Type.Literal('zpl'), Type.Literal('pdf'), Type.Literal('png')])),
});
export type ParcelLabelQuery = Static<typeof ParcelLabelQuery>;

/** The label itself: ZPL text, or PDF or PNG bytes. */
export const ParcelLabel = Type.Unsafe<string | Uint8Array>({
  type: 'string',
  format: 'binary',
  description: 'the label, in the format asked',
});
export type ParcelLabel = Static<typeof ParcelLabel>;
