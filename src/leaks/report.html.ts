import type { TraceReport } from './trace.service.ts';

/** Text for HTML: the five characters that could open markup or an attribute, escaped. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Tokens listed in the page; the full list is in the JSON report. */
const TOKENS_SHOWN = 1000;

/**
 * A traced file's report as one self-contained HTML page (no script, no external asset; its
 * only style is inline, so it opens anywhere and passes a strict Content-Security-Policy with
 * `style-src 'unsafe-inline'`). Everything from the file or the request is escaped; the report
 * holds tokens, counts and column headers, never a value read from the file.
 * @example writeFileSync('report.html', renderTraceHtml(report, { name: 'dump.csv', sha256, tracedAt }))
 */
export function renderTraceHtml(
  r: TraceReport,
  meta: { name: string; sha256?: string | undefined; tracedAt: string },
): string {
  const e = escapeHtml;
  const n = (x: number) => x.toLocaleString('en-US');
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const row = (cells: readonly string[]) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
  const table = (head: readonly string[], rows: readonly string[]) =>
    rows.length
      ? `<table><thead><tr>${head.map((h) => `<th scope="col">${e(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`
      : '<p class="none">None.</p>';
  const cats = Object.entries(r.categories);
  const matched =
    Object.entries(r.matchedBy)
      .map(([k, v]) => `${n(v)} by ${e(k)}`)
      .join(', ') || 'none';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Leak trace: ${e(meta.name)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}.none{color:#555}.proof{background:#fff4d6}dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}
code{font-family:ui-monospace,monospace;font-size:.9em;word-break:break-all}
</style></head><body>
<h1>Leak trace: ${e(meta.name)}</h1>
<dl>
<dt>Traced</dt><dd>${e(meta.tracedAt)}</dd>
${meta.sha256 ? `<dt>File SHA-256</dt><dd><code>${e(meta.sha256)}</code></dd>` : ''}
<dt>Format</dt><dd>${e(r.file.format)}, ${e(r.file.encoding)}${r.file.delimiter ? `, delimiter <code>${e(JSON.stringify(r.file.delimiter))}</code>` : ''}, ${n(r.file.bytes)} bytes</dd>
<dt>Rows</dt><dd>${n(r.rowsRead)} read, ${n(r.rowsSkipped)} unreadable and skipped, ${n(r.rowsMatched)} matched (${matched})</dd>
<dt>Affected customers</dt><dd>${n(r.affected.length)}</dd>
</dl>
<h2>Likely sources, most likely first</h2>
<p>Coverage: the share of the leaked customers the source had access to. Precision: the share of what it had that is in the file. A canary or a watermark is proof and ranks first.</p>
${table(
  ['#', 'Kind', 'Who', 'Coverage', 'Precision', 'Score', 'Evidence'],
  r.sources.map((s, i) =>
    row([
      String(i + 1),
      e(s.kind),
      `<code>${e(s.id)}</code>`,
      pct(s.coverage),
      pct(s.precision),
      s.score.toFixed(3),
      `<span${s.score === 1 ? ' class="proof"' : ''}>${e(s.evidence)}</span>`,
    ]),
  ),
)}
<h2>Canaries found</h2>
${table(
  ['Canary', 'Planted in', 'Where'],
  r.canaryHits.map((c) => row([`<code>${e(c.token)}</code>`, e(c.channel), e(c.detail)])),
)}
<h2>Data exposed</h2>
${table(
  ['Category', 'Non-empty values'],
  cats.map(([c, v]) => row([e(c), n(v ?? 0)])),
)}
<h2>Columns recognised</h2>
${table(
  ['Column', 'Header', 'Holds', 'Confidence'],
  r.columns.map((c) => row([String(c.index + 1), e(c.header ?? '(no header)'), e(c.category), pct(c.confidence)])),
)}
<h2>Affected customers (vault tokens)</h2>
${r.affected.length ? `<details><summary>${r.affected.length > TOKENS_SHOWN ? `The first ${n(TOKENS_SHOWN)} of ${n(r.affected.length)} (all are in the JSON report)` : `All ${n(r.affected.length)}`}</summary><p><code>${r.affected.slice(0, TOKENS_SHOWN).map(e).join(' ')}</code></p></details>` : '<p class="none">None.</p>'}
</body></html>
`;
}
