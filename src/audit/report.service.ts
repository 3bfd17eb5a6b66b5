import type { Clock } from '../lib/clock.ts';
import { constantTimeEqual, hmacSha256 } from '../lib/crypto.ts';
import { NotFound, Unauthorized } from '../lib/errors.ts';
import { leafHash } from './merkle.ts';
import { decodeEntry, publicEntry } from './entry.ts';
import type { AuditLog } from './log.service.ts';

export type Access = {
  readonly at: string;
  /** The role of who looked (support, courier, analyst …), never their name. */
  readonly role: string;
  readonly field: string;
  readonly purpose: string;
  /** `ok`, `break_glass` (flagged, reviewed later) or `denied` (refused: nothing was shown). */
  readonly result: string;
  /**
   * The entry's place in the log, its public bytes (base64: the actor and internal
   * references as salted commitments, README) and its inclusion proof against `checkpoint`.
   * An entry written before salts (version 1) names the staff member: its bytes are withheld
   * and only its leaf hash (base64) is given, which the proof still proves.
   */
  readonly index: number;
  readonly entry?: string;
  readonly leaf?: string;
  readonly proof: string[];
};
export type AccessReport = {
  readonly subject: string;
  /** The signed checkpoint the proofs are against, and the key that verifies it. */
  readonly checkpoint: { readonly size: number; readonly root: string; readonly note: string };
  readonly verifierKey: string;
  accesses: Access[];
  refused: Access[];
};

const TOKEN = /^cct\.([0-9]{10})\.([A-Za-z0-9_-]{43})$/;

/** The kinds of entry a customer's report lists: reveals of their data, and leak traces that matched them. */
export const REPORTED_KINDS = ['reveal', 'trace'] as const;

/**
 * Transparency for customers: short-lived customer tokens (issued by the platform for one
 * subject) and the access report they open: every reveal of that customer's data, by role,
 * field and purpose, each with an inclusion proof against the latest signed checkpoint.
 * @example const { token } = reports.issueToken(subject); const r = await reports.report(subject, token);
 */
export function createReportService(deps: {
  audit: Pick<AuditLog, 'entriesOfSubject' | 'latest' | 'inclusion' | 'verifierKey'>;
  vault: { exists(token: string): Promise<boolean> };
  clock: Clock;
  key: Buffer;
  minutes: number;
}) {
  const mac = (subject: string, exp: number) => hmacSha256(deps.key, `customer-report|${subject}|${exp}`);
  return {
    /** A token that opens `subject`'s access report for the configured minutes. */
    async issueToken(subject: string): Promise<{ token: string; expiresAt: string }> {
      if (!(await deps.vault.exists(subject))) throw new NotFound('no subject has this token');
      const exp = Math.floor(deps.clock.now().getTime() / 1000) + deps.minutes * 60;
      return {
        token: `cct.${exp}.${mac(subject, exp).toString('base64url')}`,
        expiresAt: new Date(exp * 1000).toISOString(),
      };
    },

    /** Checks a customer token for `subject`: another subject's token reads as NotFound. */
    check(subject: string, token: string): void {
      const m = TOKEN.exec(token);
      if (!m) throw new Unauthorized('send the customer token as "Authorization: Bearer cct.…"');
      const exp = Number(m[1]);
      if (!constantTimeEqual(Buffer.from(m[2]!, 'base64url'), mac(subject, exp)))
        throw new NotFound('no subject has this token');
      if (exp * 1000 <= deps.clock.now().getTime())
        throw new Unauthorized('the customer token has expired; ask for a new one');
    },

    async report(subject: string): Promise<AccessReport> {
      const rows = await deps.audit.entriesOfSubject(subject, REPORTED_KINDS);
      const cp = await deps.audit.latest();
      const items: Access[] = [];
      for (const r of rows.filter((r) => r.idx < cp.size)) {
        const e = decodeEntry(r.body);
        const p = await deps.audit.inclusion(r.idx, cp.size);
        const bytes = e?.v === 1 ? undefined : publicEntry(r.body);
        items.push({
          at: r.at,
          role: typeof e?.role === 'string' ? e.role : 'unknown',
          field: typeof e?.field === 'string' ? e.field : 'unknown',
          purpose: typeof e?.purpose === 'string' ? e.purpose : 'unknown',
          result: r.result ?? 'unknown',
          index: r.idx,
          ...(bytes ? { entry: bytes.toString('base64') } : { leaf: leafHash(p.entry).toString('base64') }),
          proof: p.proof.map((h) => h.toString('base64')),
        });
      }
      return {
        subject,
        checkpoint: { size: cp.size, root: cp.root.toString('base64'), note: cp.note },
        verifierKey: deps.audit.verifierKey,
        accesses: items.filter((a) => a.result !== 'denied'),
        refused: items.filter((a) => a.result === 'denied'),
      };
    },
  };
}
export type ReportService = ReturnType<typeof createReportService>;
