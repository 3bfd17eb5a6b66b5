import type { VaultService } from '../vault/vault.service.ts';
import { createPeople } from './people.ts';

/** How many fake customers a demo start plants. */
export const DEMO_CUSTOMERS = 200;

/**
 * Plants fake customers (deterministic, seed 2026) so a newcomer has something to look up.
 * Idempotent on their external ids: a second start adds nothing.
 * @example await seedDemo(app.vault) // { created: 200 }
 */
export async function seedDemo(vault: Pick<VaultService, 'importBatch'>, count = DEMO_CUSTOMERS): Promise<{ created: number }> {
  const people = createPeople(2026);
  const items = Array.from({ length: count }, (_, i) => {
    const p = people.person(i);
    return { line: i + 1, input: { kind: 'customer', externalId: `demo-${p.externalId}`, fields: { name: p.name, phone: p.phone, email: p.email, address: p.address } } };
  });
  const r = await vault.importBatch(items);
  return { created: r.created };
}

/**
 * On a demo start, a support agent holding an open ticket for the first demo customer, so a
 * newcomer can try a reveal at once. Only the first time: the token is shown once.
 */
export async function seedDemoStaff(deps: {
  staff: { list(): Promise<{ id: string }[]>; create(req: { id: string; role: string; team?: string }, by: string): Promise<{ token: string }> };
  explanations: { open(req: { kind: string; id: string; staff: string; subject: string }, by: string): Promise<unknown> };
  vault: { page(cursor: number, limit: number, kind?: string): Promise<{ rows: { token: string }[] }> };
}): Promise<{ agentToken: string; customer: string; ticket: string } | undefined> {
  if ((await deps.staff.list()).some((s) => s.id === 'demo-agent')) return undefined;
  const first = (await deps.vault.page(0, 1, 'customer')).rows[0];
  if (!first) return undefined;
  const { token } = await deps.staff.create({ id: 'demo-agent', role: 'support', team: 'demo' }, 'system:demo');
  await deps.explanations.open({ kind: 'ticket', id: 'DEMO-T1', staff: 'demo-agent', subject: first.token }, 'system:demo');
  return { agentToken: token, customer: first.token, ticket: 'DEMO-T1' };
}
