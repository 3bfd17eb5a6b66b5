/** The entity page of an actor as detection names it (`device:dev_…`, `staff:an-1`, `seller:s-3`); undefined for others. */
export function entityPath(actor: string): string | undefined {
  const i = actor.indexOf(':');
  const kind = actor.slice(0, i);
  const id = actor.slice(i + 1);
  if (kind === 'device') return `/entity/device/${encodeURIComponent(id)}`;
  if (kind === 'staff' || kind === 'seller') return `/entity/staff/${encodeURIComponent(id)}`;
  return undefined;
}

/** One alert as GET /v1/alerts lists it. */
export type AlertRow = {
  case: string;
  index: number;
  at: string;
  actor: string;
  rule: string;
  severity: 'low' | 'medium' | 'high';
  score: number;
  summary: string;
  status: 'open' | 'resolved';
  assignee: string | null;
  classification: string | null;
};

/** Evidence of an alert: what the engine saw (tokens, tracking numbers, field names; never a clear value). */
export type Evidence = { type: string; at: string } & Record<string, unknown>;
