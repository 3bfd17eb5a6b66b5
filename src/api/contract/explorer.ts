import { Type, type Static } from '@sinclair/typebox';
import { ID_PATTERNS } from '../../lib/ids.ts';

const Text = (pattern: string, description: string) => Type.Optional(Type.String({ pattern, description }));

/** GET /v1/audit/search: the filters (all optional, combined with and) and the page. */
export const AuditSearchQuery = Type.Object(
  {
    actor: Text(
      '^[A-Za-z0-9_.:@/-]{1,120}$',
      'who acted, exactly as logged: staff:u-17, device:dev_…, service:key_…, system',
    ),
    subject: Text('^[A-Za-z0-9_.:-]{1,100}$', 'the vault token of the customer concerned (sub_…)'),
    purpose: Text(ID_PATTERNS.code, 'the stated purpose of reveals, grants and exports (ticket_followup, …)'),
    device: Text(
      '^[A-Za-z0-9_.:-]{1,100}$',
      'a device id (dev_…): its enrollment, builds and status changes, responses to it',
    ),
    kind: Text(
      '^[a-z][a-z_]{1,39}$',
      'reveal, export, grant, device, case, response, moderation, staff, policy, key, …',
    ),
    from: Text('^[0-9T:.+Z-]{10,40}$', 'entries at or after this time (ISO 8601)'),
    to: Text('^[0-9T:.+Z-]{10,40}$', 'entries before this time (ISO 8601)'),
    cursor: Text(ID_PATTERNS.auditIndex, 'the `next` of the previous page'),
    limit: Text('^([1-9]|[1-9][0-9]|1[0-9][0-9]|200)$', 'entries a page, 1-200 (default 50)'),
  },
  { additionalProperties: false },
);
export type AuditSearchQuery = Static<typeof AuditSearchQuery>;

/** One entry found by the search: its columns and its exact bytes, public and stored. */
export const AuditSearchEntry = Type.Object({
  index: Type.Number(),
  at: Type.String(),
  kind: Type.String(),
  actor: Type.String(),
  subject: Type.Union([Type.String(), Type.Null()]),
  result: Type.Union([Type.String(), Type.Null()]),
  entry: Type.String({ description: "the entry's public form, base64: its leaf hash is SHA-256(0x00 ‖ entry)" }),
  stored: Type.String({
    description:
      'the entry as stored, base64: its salt and every value in clear (they open the commitments in `entry`)',
  }),
});
export type AuditSearchEntry = Static<typeof AuditSearchEntry>;

/** GET /v1/audit/search: a page of entries, newest first, and the cursor of the next page (null on the last). */
export const AuditSearchPage = Type.Object({
  entries: Type.Array(AuditSearchEntry),
  next: Type.Union([Type.String(), Type.Null()]),
});
export type AuditSearchPage = Static<typeof AuditSearchPage>;
