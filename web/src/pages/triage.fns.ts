/** The entity page of an actor as detection names it (`device:dev_…`, `staff:an-1`, `seller:s-3`); undefined for others. */
export function entityPath(actor: string): string | undefined {
  const i = actor.indexOf(':');
  const kind = actor.slice(0, i);
  const id = actor.slice(i + 1);
  if (kind === 'device') return `/entity/device/${encodeURIComponent(id)}`;
  if (kind === 'staff' || kind === 'seller') return `/entity/staff/${encodeURIComponent(id)}`;
  return undefined;
}
