import { Reveal } from '../components/Reveal.tsx';
import { useFormat } from '../i18n.tsx';
import type { AlertEvidenceList } from '../../../src/api/contract/index.ts';

/**
 * The evidence of one alert: each event the engine counted, as it recorded it (types, times,
 * tracking numbers, customer tokens and field names; never a clear value). A customer token
 * has a Reveal button next to it, which is the only way to see the person behind it.
 */
export function EvidenceList({ items }: { items: AlertEvidenceList }) {
  const f = useFormat();
  return (
    <ol className="evidence">
      {items.map((e, i) => (
        <li key={i}>
          <strong>{e.type}</strong> · <time dateTime={e.at}>{f.time(e.at)}</time>
          {Object.entries(e)
            .filter(([k]) => k !== 'type' && k !== 'at')
            .map(([k, v]) => (
              <span key={k} className="ev-field">
                {' · '}
                <span className="muted">{k}:</span>{' '}
                <span className="mono">{typeof v === 'string' ? v : JSON.stringify(v)}</span>
                {k === 'customer' && typeof v === 'string' ? (
                  <>
                    {' '}
                    <Reveal subject={v} field={typeof e.field === 'string' ? e.field : 'phone'} />
                  </>
                ) : null}
              </span>
            ))}
        </li>
      ))}
    </ol>
  );
}
