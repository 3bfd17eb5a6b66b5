import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { PolicyService } from '../../access/policy.service.ts';
import type { RevealService } from '../../access/reveal.service.ts';
import { actorOfStaff, type StaffService } from '../../access/staff.service.ts';
import type { AuditLog } from '../../audit/log.service.ts';
import type { NoticeService } from '../../incidents/notices.service.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { ErrorResponse } from './shared.ts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };
const LangT = Type.Union([Type.Literal('vi'), Type.Literal('en'), Type.Literal('zh')]);
const Document = Type.Object({
  doc: Type.String(),
  lang: Type.String(),
  text: Type.String(),
  sha256: Type.String(),
  approvedBy: Type.Union([Type.String(), Type.Null()]),
  approvedAt: Type.Union([Type.String(), Type.Null()]),
});
const Send = Type.Object({
  id: Type.String(),
  langs: Type.Record(Type.String(), Type.Number()),
  sent: Type.Number(),
  unreachable: Type.Number(),
  by: Type.String(),
  at: Type.String(),
});
const NotifyItem = Type.Object({
  jurisdiction: Type.String(),
  audience: Type.String(),
  notify: Type.Boolean(),
  law: Type.String(),
  reason: Type.String(),
  rationale: Type.String(),
});

/** Who reads policies and asks dry runs: those who answer for access (analysts investigate it). */
export const POLICY_READERS = ['admin', 'supervisor', 'privacy', 'analyst'] as const;

/**
 * The dashboard's operations endpoints that have no older home: an incident's notify decision,
 * texts, approvals and sent log; the policies as written; and the policy dry run.
 */
export const operationsRoutes: FastifyPluginAsyncTypebox<{
  staff: StaffService;
  notices: NoticeService;
  policy: Pick<PolicyService, 'info' | 'sources'>;
  reveals: Pick<RevealService, 'dryRun'>;
  audit: Pick<AuditLog, 'append'>;
}> = async (app, { staff, notices, policy, reveals, audit }) => {
  const officer = requireStaff(staff, ['privacy', 'admin', 'supervisor']);
  const reader = requireStaff(staff, POLICY_READERS);
  const security = [{ staffToken: [] }];
  const Params = Type.Object({ id: Type.String() });

  app.get(
    '/v1/incidents/:id/documents',
    {
      preHandler: officer,
      schema: {
        tags: ['incidents'],
        summary:
          'Whom to notify and why; the regulator report and customer notice in vi, en and zh with their approvals; the notices’ sent log',
        security,
        params: Params,
        response: {
          200: Type.Object({
            decision: Type.Object({
              items: Type.Array(NotifyItem),
              individuals: Type.Boolean(),
              regulators: Type.Array(Type.String()),
              risk: Type.Object({
                high: Type.Boolean(),
                contact: Type.Array(Type.String()),
                identity: Type.Array(Type.String()),
                setByHand: Type.Boolean(),
              }),
            }),
            documents: Type.Array(Document),
            sends: Type.Array(Send),
          }),
          ...errors,
        },
      },
    },
    async (req) => notices.overview(req.params.id),
  );
  app.post(
    '/v1/incidents/:id/documents/:doc/:lang/approve',
    {
      preHandler: officer,
      schema: {
        tags: ['incidents'],
        summary:
          'Approve the report or notice in one language, as it reads now (by an officer other than the one who opened the incident)',
        security,
        params: Type.Object({
          id: Type.String(),
          doc: Type.Union([Type.Literal('report'), Type.Literal('notice')]),
          lang: LangT,
        }),
        response: { 200: Document, ...errors },
      },
    },
    async (req) => notices.approve(req.params.id, req.params.doc, req.params.lang, staffOf(req).actor),
  );
  app.post(
    '/v1/incidents/:id/notices/send',
    {
      preHandler: officer,
      schema: {
        tags: ['incidents'],
        summary:
          'Send the approved customer notice to every affected customer (in `lang`, or each in their jurisdiction’s language); once',
        description:
          'Each customer’s e-mail (else phone) goes from the vault to the message provider only; the log keeps counts.',
        security,
        params: Params,
        body: Type.Object({ lang: Type.Optional(LangT) }, { additionalProperties: false }),
        response: { 200: Send, ...errors },
      },
    },
    async (req) => notices.send(req.params.id, req.body.lang, staffOf(req).actor),
  );

  app.get(
    '/v1/policies/sources',
    {
      preHandler: reader,
      schema: {
        tags: ['audit'],
        summary: 'The policies in force as written: each one’s @id, file, the comment above it and its Cedar text',
        security,
        response: {
          200: Type.Object({
            info: Type.Object({
              version: Type.Number(),
              hash: Type.String(),
              files: Type.Array(Type.String()),
              policies: Type.Array(Type.String()),
              loadedAt: Type.String(),
            }),
            policies: Type.Array(
              Type.Object({ id: Type.String(), file: Type.String(), comment: Type.String(), text: Type.String() }),
            ),
          }),
          ...errors,
        },
      },
    },
    async () => ({ info: policy.info(), policies: [...policy.sources()] }),
  );
  app.post(
    '/v1/policies/dry-run',
    {
      preHandler: reader,
      schema: {
        tags: ['audit'],
        summary:
          'Would this staff member be allowed to reveal this customer’s field for this purpose now? The same decision as a reveal, without revealing',
        description:
          'Quota, explanation (ticket, case, assignment), grants and the Cedar policies, as a real reveal would weigh them now. Nothing is decrypted and no reveal is recorded; the dry run itself is in the audit log (kind policy, result dry_run), since whether someone may see a customer’s data is itself worth knowing who asked.',
        security,
        body: Type.Object(
          {
            staff: Type.String({
              minLength: 1,
              maxLength: 64,
              description: 'the staff id whose access is asked about',
            }),
            subject: Type.String({ minLength: 1, maxLength: 64, description: 'the customer’s vault token' }),
            field: Type.String({ minLength: 1, maxLength: 32 }),
            purpose: Type.String({ minLength: 1, maxLength: 40 }),
            explanation: Type.Optional(Type.String({ maxLength: 64 })),
            breakGlass: Type.Optional(Type.Boolean({ description: 'as if asked with a break-glass justification' })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            decision: Type.Union([Type.Literal('allow'), Type.Literal('deny')]),
            result: Type.String({ description: 'ok, break_glass or denied' }),
            policies: Type.Array(Type.String({ description: 'the @id of each deciding policy' })),
            reason: Type.Union([Type.Literal('quota'), Type.Literal('policy'), Type.Literal('disabled'), Type.Null()]),
            staff: Type.Object({ id: Type.String(), role: Type.String() }),
            kind: Type.String({ description: 'the subject’s kind (customer, reviewer, …)' }),
            explanation: Type.Object({ kind: Type.String(), held: Type.Boolean() }),
            grant: Type.Boolean(),
            quota: Type.Object({ used: Type.Number(), limit: Type.Number() }),
          }),
          ...errors,
        },
      },
    },
    async (req) => {
      const asker = staffOf(req);
      const b = req.body;
      const target = await staff.get(b.staff);
      const who = { id: target.id, role: target.role, team: target.team ?? '', actor: actorOfStaff(target) };
      const v = await reveals.dryRun(who, {
        subject: b.subject,
        field: b.field,
        purpose: b.purpose,
        explanation: b.explanation || undefined,
        breakGlass: b.breakGlass ? { justification: 'dry run: as if asked with a written justification' } : undefined,
      });
      // A disabled member cannot sign in: whatever the policies say, they reveal nothing.
      const disabled = target.disabledAt !== null;
      const out = {
        decision: disabled ? ('deny' as const) : v.decision,
        result: disabled ? 'denied' : v.result,
        policies: v.policies,
        reason: disabled ? ('disabled' as const) : (v.reason ?? null),
        staff: { id: target.id, role: target.role },
        kind: v.kind,
        explanation: v.explanation,
        grant: v.grant !== undefined,
        quota: v.quota,
      };
      await audit.append([
        {
          kind: 'policy',
          actor: asker.actor,
          subject: b.subject,
          result: 'dry_run',
          data: {
            staff: target.id,
            field: b.field,
            purpose: b.purpose,
            explanation: b.explanation ?? null,
            decision: out.decision,
            policy: out.policies,
            reason: out.reason,
          },
        },
      ]);
      return out;
    },
  );
};
