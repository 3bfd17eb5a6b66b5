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
