import type { AuditLog } from '../audit/log.service.ts';
import type { Clock } from '../lib/clock.ts';
import { sha256 } from '../lib/crypto.ts';
import { Conflict, Forbidden, InvalidInput } from '../lib/errors.ts';
import type { IncidentsRepo } from './incidents.repo.ts';
import type { ClearReader } from '../vault/clear.ts';
import type { VaultService } from '../vault/vault.service.ts';
import {
  jurisdictionOfPhoneMask,
  LANGS,
  noticeLangOf,
  notifyDecision,
  type Lang,
  type NotifyDecision,
} from './incident.fns.ts';
import type { IncidentService } from './incidents.service.ts';
import type { MessageSender } from './outbox.ts';

export const DOCS = ['report', 'notice'] as const;
export type Doc = (typeof DOCS)[number];
export type IncidentDocument = {
  readonly doc: Doc;
  readonly lang: Lang;
  readonly text: string;
  readonly sha256: string;
  readonly approvedBy: string | null;
  readonly approvedAt: string | null;
};
export type NoticeSend = {
  readonly id: string;
  readonly langs: Partial<Record<Lang, number>>;
  readonly sent: number;
  readonly unreachable: number;
  readonly by: string;
  readonly at: string;
};

/** Contacts tried for a notice, in order: e-mail first (it carries the whole text), then the phone. */
const CONTACT_FIELDS = ['email', 'phone'] as const;
const PARALLEL = 16;

/**
 * The incident's texts as a process: the notify decision (who must be told, and why), the
 * regulator report and customer notice in three languages, each approved by an officer other
 * than the one who opened the incident (the approval binds the text's SHA-256), and the sending
 * of the notices to the affected customers once approved, once per incident.
 *
 * Sending is the one place here that decrypts: each customer's e-mail (else phone) goes from
 * the vault straight to the message provider, like the relay's number in masked contact; it
 * is never returned, logged or stored. The log and the audit entry hold counts only.
 */
export function createNoticeService(deps: {
  repo: Pick<
    IncidentsRepo,
    'approvalsOf' | 'approvalOf' | 'reapprove' | 'insertApproval' | 'sendsOf' | 'claimSend' | 'finishSend'
  >;
  clock: Clock;
  audit: Pick<AuditLog, 'append'>;
  incidents: Pick<IncidentService, 'get' | 'report' | 'notice' | 'scope'>;
  vault: Pick<VaultService, 'getMasked'>;
  /** Clear values: each affected customer's e-mail (else phone) is where the message provider sends the notice. */
  clear: Pick<ClearReader, 'DANGEROUS_decryptField'>;
  sender: MessageSender;
}) {
  const { repo, clock } = deps;
  const text = (id: string, doc: Doc, lang: Lang) =>
    doc === 'report' ? deps.incidents.report(id, lang) : deps.incidents.notice(id, lang);
  const hash = (t: string) => sha256(t).toString('hex');

  function checkDocLang(doc: string, lang: string): { doc: Doc; lang: Lang } {
    const details = [
      ...((DOCS as readonly string[]).includes(doc)
        ? []
        : [{ path: '/doc', problem: `must be one of ${DOCS.join(', ')}` }]),
      ...((LANGS as readonly string[]).includes(lang)
        ? []
        : [{ path: '/lang', problem: `must be one of ${LANGS.join(', ')}` }]),
    ];
    if (details.length) throw new InvalidInput('no such document', details);
    return { doc: doc as Doc, lang: lang as Lang };
  }

  async function documents(id: string): Promise<IncidentDocument[]> {
    const approvals = await repo.approvalsOf(id);
    const out: IncidentDocument[] = [];
    for (const doc of DOCS)
      for (const lang of LANGS) {
        const t = await text(id, doc, lang);
        const h = hash(t);
        // An approval counts only for the very text approved.
        const a = approvals.find((x) => x.doc === doc && x.lang === lang && x.text_sha256 === h);
        out.push({
          doc,
          lang,
          text: t,
          sha256: h,
          approvedBy: a?.approved_by ?? null,
          approvedAt: a?.approved_at ?? null,
        });
      }
    return out;
  }

  async function sends(id: string): Promise<NoticeSend[]> {
    const rows = await repo.sendsOf(id);
    return rows.map((r) => ({
      id: r.id,
      langs: JSON.parse(r.langs) as NoticeSend['langs'],
      sent: Number(r.sent),
      unreachable: Number(r.unreachable),
      by: r.sent_by,
      at: r.sent_at,
    }));
  }

  return {
    /** The notify decision, the six texts with their approvals, and the sent log. */
    async overview(
      id: string,
    ): Promise<{ decision: NotifyDecision; documents: IncidentDocument[]; sends: NoticeSend[] }> {
      const i = await deps.incidents.get(id);
      return {
        decision: notifyDecision({ byJurisdiction: i.jurisdictions, categories: i.categories, highRisk: i.highRisk }),
        documents: await documents(id),
        sends: await sends(id),
      };
    },

    /** An officer approves one text; not the officer who opened the incident (four eyes). */
    async approve(id: string, docName: string, langName: string, by: string): Promise<IncidentDocument> {
      const { doc, lang } = checkDocLang(docName, langName);
      const { openedBy } = await deps.incidents.scope(id);
      if (openedBy === by)
        throw new Forbidden('the officer who opened the incident does not approve its texts: a second officer does');
      // The approval is written only if the one read is still there (none, or the same row), in
      // one statement: of officers approving at once one does, and the others read what it wrote:
      // the same text approved meanwhile is a Conflict, as when approved before; another text
      // (the incident changed meanwhile) is read again and re-approved. Each retry follows
      // another officer's approval, so a few are enough.
      for (let tries = 0; ; tries++) {
        const t = await text(id, doc, lang);
        const h = hash(t);
        const prior = await repo.approvalOf(id, doc, lang);
        if (prior?.text_sha256 === h)
          throw new Conflict(
            tries === 0
              ? `this ${doc} (${lang}) was already approved by ${prior.approved_by} at ${prior.approved_at}`
              : `this ${doc} (${lang}) was approved meanwhile by ${prior.approved_by} at ${prior.approved_at}`,
          );
        if (tries > 2) throw new Conflict(`the approval of this ${doc} (${lang}) changed meanwhile; try again`);
        const at = clock.now().toISOString();
        const approval = { incident: id, doc, lang, text_sha256: h, approved_by: by, approved_at: at };
        if (!(prior ? await repo.reapprove(approval, prior) : await repo.insertApproval(approval))) continue;
        await deps.audit.append([
          { kind: 'incident', actor: by, result: 'text_approved', data: { incident: id, doc, lang, sha256: h } },
        ]);
        return { doc, lang, text: t, sha256: h, approvedBy: by, approvedAt: at };
      }
    },

    /**
     * Sends the approved customer notice to every affected customer: in `lang` if given, else
     * in the language of each one's jurisdiction (vi for Vietnam, zh for China, en otherwise).
     * Refused before the languages needed are approved, and after a first sending.
     */
    async send(id: string, lang: string | undefined, by: string): Promise<NoticeSend> {
      if (lang !== undefined) checkDocLang('notice', lang);
      const { subjects } = await deps.incidents.scope(id);
      if ((await sends(id)).length > 0)
        throw new Conflict('the notices of this incident were already sent: see its sent log');
      // Each customer's language, from the country code kept in the phone mask (nothing decrypted).
      const langOf = new Map<string, Lang>();
      for (const t of subjects) {
        if (lang) langOf.set(t, lang as Lang);
        else {
          const m = await deps.vault.getMasked(t, { actor: 'system:incidents' }).catch(() => undefined);
          langOf.set(t, noticeLangOf(jurisdictionOfPhoneMask(m?.fields.phone)));
        }
      }
      const needed = [...new Set(langOf.values())];
      const docs = await documents(id);
      const unapproved = needed.filter((l) => !docs.find((d) => d.doc === 'notice' && d.lang === l)?.approvedBy);
      if (unapproved.length)
        throw new Conflict(
          `approve the customer notice in ${unapproved.join(', ')} before sending it`,
          unapproved.map((l) => ({ path: `/documents/notice/${l}`, problem: 'not approved' })),
        );
      const textOf = new Map(docs.filter((d) => d.doc === 'notice').map((d) => [d.lang, d.text]));
      // The sending is claimed first, so two officers cannot both send.
      const sendId = `${id}:notices`;
      const at = clock.now().toISOString();
      const claim = { id: sendId, incident: id, langs: '{}', sent: 0, unreachable: 0, sent_by: by, sent_at: at };
      if (!(await repo.claimSend(claim)))
        throw new Conflict('the notices of this incident are being sent or were sent: see its sent log');
      const perLang: Partial<Record<Lang, number>> = {};
      let sent = 0;
      let unreachable = 0;
      const one = async (token: string) => {
        for (const field of CONTACT_FIELDS) {
          let to: string;
          try {
            to = await deps.clear.DANGEROUS_decryptField(token, field);
          } catch {
            continue; // no such field, or erased: try the next, else unreachable
          }
          const l = langOf.get(token)!;
          await deps.sender.send(to, textOf.get(l)!);
          perLang[l] = (perLang[l] ?? 0) + 1;
          sent++;
          return;
        }
        unreachable++;
      };
      for (let i = 0; i < subjects.length; i += PARALLEL) await Promise.all(subjects.slice(i, i + PARALLEL).map(one));
      await repo.finishSend(sendId, { langs: JSON.stringify(perLang), sent, unreachable });
      await deps.audit.append([
        {
          kind: 'incident',
          actor: by,
          result: 'notices_sent',
          data: { incident: id, sent, unreachable, langs: Object.entries(perLang).map(([l, n]) => `${l}:${n}`) },
        },
      ]);
      return { id: sendId, langs: perLang, sent, unreachable, by, at };
    },
  };
}
export type NoticeService = ReturnType<typeof createNoticeService>;
