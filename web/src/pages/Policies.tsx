import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { useMe } from '../auth.tsx';
import { Confirm } from '../components/Confirm.tsx';
import { PURPOSES } from '../components/components.strings.ts';
import { fill, useFormat, useT } from '../i18n.tsx';
import { shell } from '../strings.ts';
import { policyStrings } from './policies.strings.ts';
import { QueryError } from '../components/QueryError.tsx';
import type { PolicyDryRun, PolicyInfo, PolicySources } from '../../../src/api/contract/index.ts';

const FIELDS = ['phone', 'email', 'name', 'address'] as const;

function DryRun({ onAnswer }: { onAnswer: (a: PolicyDryRun | null) => void }) {
  const t = useT(policyStrings);
  const id = useId();
  const [staff, setStaff] = useState('');
  const [subject, setSubject] = useState('');
  const [field, setField] = useState<string>('phone');
  const [purpose, setPurpose] = useState<string>(PURPOSES[0]);
  const [explanation, setExplanation] = useState('');
  const [breakGlass, setBreakGlass] = useState(false);
  const m = useMutation({
    mutationFn: () =>
      api<PolicyDryRun>('/v1/policies/dry-run', {
        body: {
          staff: staff.trim(),
          subject: subject.trim(),
          field,
          purpose: purpose.trim(),
          ...(explanation.trim() ? { explanation: explanation.trim() } : {}),
          ...(breakGlass ? { breakGlass } : {}),
        },
      }),
    onSuccess: onAnswer,
    onError: () => onAnswer(null),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    m.mutate();
  };
  const a = m.data;
  return (
    <section aria-labelledby={`${id}-h`} className="card wide">
      <h2 id={`${id}-h`}>{t.dryRun}</h2>
      <p className="muted">{t.dryRunHelp}</p>
      <form className="toolbar" onSubmit={submit} data-form="dry-run">
        <label>
          {t.staff}
          <input name="staff" value={staff} onChange={(e) => setStaff(e.target.value)} required autoComplete="off" />
        </label>
        <label>
          {t.subject}
          <input
            name="subject"
            value={subject}
            onChange={(e) => setSubject(e.target.value)}
            required
            autoComplete="off"
            className="mono"
          />
        </label>
        <label>
          {t.field}
          <select name="field" value={field} onChange={(e) => setField(e.target.value)}>
            {FIELDS.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.purpose}
          <input
            name="purpose"
            value={purpose}
            onChange={(e) => setPurpose(e.target.value)}
            list={`${id}-purposes`}
            required
          />
          <datalist id={`${id}-purposes`}>
            {PURPOSES.map((p) => (
              <option key={p} value={p} />
            ))}
          </datalist>
        </label>
        <label>
          {t.explanation}
          <input
            name="explanation"
            value={explanation}
            onChange={(e) => setExplanation(e.target.value)}
            placeholder={t.explanationHelp}
            autoComplete="off"
          />
        </label>
        <label className="check">
          <input
            type="checkbox"
            name="breakGlass"
            checked={breakGlass}
            onChange={(e) => setBreakGlass(e.target.checked)}
          />{' '}
          {t.breakGlass}
        </label>
        <button type="submit" disabled={m.isPending}>
          {t.ask}
        </button>
      </form>
      <QueryError q={m} />
      <div aria-live="polite">
        {a ? (
          <div className={`answer ${a.decision}`} data-answer={a.decision} data-policies={a.policies.join(' ')}>
            <h3>
              {t.answer}:{' '}
              <strong className={a.decision === 'allow' ? 'ok' : 'late'}>
                {a.decision === 'allow' ? t.allow : t.deny}
              </strong>
            </h3>
            <p>
              {t.decidedBy}:{' '}
              {a.reason === 'quota'
                ? fill(t.reasonQuota, { used: a.quota.used, limit: a.quota.limit })
                : a.reason === 'disabled'
                  ? t.reasonDisabled
                  : a.policies.length
                    ? a.policies.map((p) => (
                        <a
                          key={p}
                          href={`#policy-${p}`}
                          className="mono"
                          onClick={(e) => (
                            e.preventDefault(),
                            document.getElementById(`policy-${p}`)?.scrollIntoView()
                          )}
                        >
                          {p}{' '}
                        </a>
                      ))
                    : t.noPolicy}
            </p>
            <dl className="facts">
              <dt>{t.role}</dt>
              <dd>
                {a.staff.id} ({a.staff.role})
              </dd>
              <dt>{t.kind}</dt>
              <dd>{a.kind}</dd>
              <dt>{t.explanationFacts}</dt>
              <dd>
                {a.explanation.kind}
                {a.explanation.kind !== 'none' ? `, ${a.explanation.held ? t.held : t.notHeld}` : ''}
              </dd>
              <dt>{t.grant}</dt>
              <dd>{a.grant ? t.yes : t.no}</dd>
              <dt>{t.quota}</dt>
              <dd>
                {a.quota.used} / {a.quota.limit}
              </dd>
            </dl>
            <p className="muted">{t.logged}</p>
          </div>
        ) : null}
      </div>
    </section>
  );
}

export default function PoliciesPage() {
  const t = useT(policyStrings);
  const s = useT(shell);
  const f = useFormat();
  const { me } = useMe();
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['policies'],
    queryFn: () => api<PolicySources>('/v1/policies/sources'),
  });
  const [deciding, setDeciding] = useState<string[]>([]);
  const [reloaded, setReloaded] = useState<number | null>(null);
  return (
    <>
      <h1>{t.title}</h1>
      <QueryError q={q} />
      {!q.data ? (
        <p role="status">{s.loading}</p>
      ) : (
        <div className="grid" data-ready="policies">
          <section aria-labelledby="h-force" className="card wide">
            <h2 id="h-force">{t.inForce}</h2>
            <dl className="facts">
              <dt>{t.version}</dt>
              <dd>{q.data.info.version}</dd>
              <dt>{t.loadedAt}</dt>
              <dd>{f.time(q.data.info.loadedAt)}</dd>
              <dt>{t.hash}</dt>
              <dd>
                <code>{q.data.info.hash}</code>
              </dd>
              <dt>{t.files}</dt>
              <dd>{q.data.info.files.join(', ')}</dd>
            </dl>
            {me?.role === 'admin' ? (
              <Confirm
                label={t.reload}
                title={t.reloadTitle}
                onConfirm={() =>
                  api<PolicyInfo>('/v1/policies/reload', { method: 'POST' }).then((i) => {
                    setReloaded(i.version);
                    void qc.invalidateQueries({ queryKey: ['policies'] });
                  })
                }
              >
                <p>{t.reloadBody}</p>
              </Confirm>
            ) : null}
            {reloaded !== null ? (
              <p role="status" className="ok">
                {fill(t.reloaded, { v: reloaded })}
              </p>
            ) : null}
          </section>
          <DryRun onAnswer={(a) => setDeciding(a?.policies ?? [])} />
          <section aria-labelledby="h-policies" className="card wide">
            <h2 id="h-policies">{t.policies}</h2>
            <ul className="policies">
              {q.data.policies.map((p) => {
                const hit = deciding.includes(p.id);
                return (
                  <li
                    key={p.id}
                    id={`policy-${p.id}`}
                    data-policy={p.id}
                    data-deciding={hit ? 'yes' : undefined}
                    className={hit ? 'policy deciding' : 'policy'}
                    tabIndex={-1}
                  >
                    <h3>
                      <code>@id("{p.id}")</code>{' '}
                      {/^\s*(@[^\n]*\n\s*)*forbid/.test(p.text) ? (
                        <span className="badge sev-high">{t.forbid}</span>
                      ) : (
                        <span className="badge sev-low">{t.permit}</span>
                      )}{' '}
                      {hit ? <span className="badge deciding-badge">{t.deciding}</span> : null}{' '}
                      <span className="muted">
                        {t.file}: {p.file}
                      </span>
                    </h3>
                    {p.comment ? <p className="comment">{p.comment}</p> : null}
                    <pre className="cedar">{p.text}</pre>
                  </li>
                );
              })}
            </ul>
          </section>
        </div>
      )}
    </>
  );
}
