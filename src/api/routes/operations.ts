import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { StaffRole } from '../../access/roles.ts';
import type { PolicyService } from '../../access/policy.service.ts';
import type { RevealService } from '../../access/reveal.service.ts';
import { actorOfStaff, type StaffService } from '../../access/staff.service.ts';
import type { AuditLog } from '../../audit/log.service.ts';
import type { NoticeService } from '../../incidents/notices.service.ts';
import { requireStaff, staffOf } from '../auth.ts';
import { ErrorResponse } from './shared.ts';
import { IncidentParams } from '../contract/incidents.ts';
import {
  IncidentDocument,
  IncidentDocumentParams,
  IncidentDocuments,
  NoticeSend,
  NoticeSendBody,
  PolicyDryRun,
  PolicyDryRunBody,
  PolicySources,
} from '../contract/operations.ts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

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

  app.get(
    '/v1/incidents/:id/documents',
    {
      preHandler: officer,
      schema: {
        tags: ['incidents'],
        summary:
          'Whom to notify and why; the regulator report and customer notice in vi, en and zh with their approvals; the notices’ sent log',
        security,
        params: IncidentParams,
        response: {
          200: IncidentDocuments,
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
        description:
          '409 when this text, as it reads now, is already approved: before, or meanwhile by another officer approving it at the same time (one of them approves it).',
        security,
        params: IncidentDocumentParams,
        response: { 200: IncidentDocument, ...errors },
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
        params: IncidentParams,
        body: NoticeSendBody,
        response: { 200: NoticeSend, ...errors },
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
          200: PolicySources,
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
        body: PolicyDryRunBody,
        response: {
          200: PolicyDryRun,
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
        // Every member's role was checked against STAFF_ROLES when they were added.
        staff: { id: target.id, role: target.role as StaffRole },
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
