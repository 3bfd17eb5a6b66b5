import { Type, type Static } from '@sinclair/typebox';
import { ID_PATTERNS } from '../../lib/ids.ts';

// An index or a size of the log, as a decimal string (a path or query value).
const Num = (description: string) => Type.String({ pattern: ID_PATTERNS.auditIndex, description });

/** An inclusion or consistency proof: base64 SHA-256 hashes, in RFC 9162 order. */
export const AuditProof = Type.Array(Type.String({ description: 'base64 SHA-256 hashes, in RFC 9162 order' }));
export type AuditProof = Static<typeof AuditProof>;

/** GET /v1/audit/entries/:index: the entry's index. */
export const AuditEntryParams = Type.Object({ index: Num('entry index') });
export type AuditEntryParams = Static<typeof AuditEntryParams>;

/** GET /v1/audit/entries/:index: the tree size to prove against (default: the latest checkpoint). */
export const AuditEntryQuery = Type.Object(
  { size: Type.Optional(Num('tree size (default: latest checkpoint)')) },
  { additionalProperties: false },
);
export type AuditEntryQuery = Static<typeof AuditEntryQuery>;

/** GET /v1/audit/entries/:index: one entry, public and stored, and its inclusion proof in the tree of `size`. */
export const AuditEntry = Type.Object({
  index: Type.Number(),
  size: Type.Number(),
  entry: Type.String({ description: "the entry's public form, base64 (the leaf's bytes)" }),
  stored: Type.String({
    description:
      'the entry as stored, base64: its salt and every value in clear, which open the commitments in `entry`',
  }),
  proof: AuditProof,
});
export type AuditEntry = Static<typeof AuditEntry>;

/** GET /v1/audit/proofs/inclusion: the entry and the tree size. */
export const InclusionProofQuery = Type.Object(
  { index: Num('entry index'), size: Type.Optional(Num('tree size (default: latest checkpoint)')) },
  { additionalProperties: false },
);
export type InclusionProofQuery = Static<typeof InclusionProofQuery>;

/** GET /v1/audit/proofs/inclusion: the entry's leaf hash and its inclusion proof. */
export const InclusionProof = Type.Object({
  index: Type.Number(),
  size: Type.Number(),
  leafHash: Type.String(),
  proof: AuditProof,
});
export type InclusionProof = Static<typeof InclusionProof>;

/** GET /v1/audit/proofs/consistency: the two sizes. */
export const ConsistencyProofQuery = Type.Object(
  { from: Num('older size'), to: Num('newer size') },
  { additionalProperties: false },
);
export type ConsistencyProofQuery = Static<typeof ConsistencyProofQuery>;

/** GET /v1/audit/proofs/consistency: the proof that the tree of `to` extends the tree of `from`. */
export const ConsistencyProof = Type.Object({ from: Type.Number(), to: Type.Number(), proof: AuditProof });
export type ConsistencyProof = Static<typeof ConsistencyProof>;

/** The policy set in force: its version, hash, files, policy ids and when it was loaded. */
export const PolicyInfo = Type.Object({
  version: Type.Number(),
  hash: Type.String(),
  files: Type.Array(Type.String()),
  policies: Type.Array(Type.String()),
  loadedAt: Type.String(),
});
export type PolicyInfo = Static<typeof PolicyInfo>;

/** POST /v1/subjects/:token/report-tokens and GET /v1/subjects/:token/access-report: the customer's vault token. */
export const AccessReportParams = Type.Object({ token: Type.String() });
export type AccessReportParams = Static<typeof AccessReportParams>;

/** POST /v1/subjects/:token/report-tokens: a short-lived customer token that opens the access report. */
export const AccessReportToken = Type.Object({ token: Type.String(), expiresAt: Type.String() });
export type AccessReportToken = Static<typeof AccessReportToken>;

/** One access of the access report: when, which role, which field, why, and its entry with its inclusion proof. */
export const AccessReportEntry = Type.Object({
  at: Type.String(),
  role: Type.String(),
  field: Type.String(),
  purpose: Type.String(),
  result: Type.String(),
  index: Type.Number(),
  entry: Type.Optional(
    Type.String({
      description:
        "the log entry's public form, base64: its leaf hash is SHA-256(0x00 ‖ entry); the actor and internal references in it are salted commitments",
    }),
  ),
  leaf: Type.Optional(
    Type.String({
      description:
        'instead of `entry`, for an entry written before salts (it names the staff member): its leaf hash, base64',
    }),
  ),
  proof: AuditProof,
});
export type AccessReportEntry = Static<typeof AccessReportEntry>;

/** GET /v1/subjects/:token/access-report: every access to the customer's data, proved against a signed checkpoint. */
export const AccessReport = Type.Object({
  subject: Type.String(),
  checkpoint: Type.Object({ size: Type.Number(), root: Type.String(), note: Type.String() }),
  verifierKey: Type.String(),
  accesses: Type.Array(AccessReportEntry),
  refused: Type.Array(AccessReportEntry),
});
export type AccessReport = Static<typeof AccessReport>;
