import { createApp } from '../../src/app.ts';
import type { AuditRecord } from '../../src/audit/entry.ts';
import { loadConfig } from '../../src/lib/config.ts';
import type { Rng } from './rng.ts';
import type { Copy } from './store.ts';

const KINDS = [
  'reveal',
  'export',
  'grant',
  'staff',
  'ticket',
  'moderation',
  'break_glass_review',
  'key',
  'case',
] as const;
const ACTORS = ['staff:u-1', 'staff:u-2', 'staff:u-7', 'service:key_3f9a', 'device:sc-1', 'system', 'system:detect'];
const RESULTS = ['ok', 'denied', 'break_glass', 'approved', undefined];

/** One varied record: about a customer or not, with strings, numbers, booleans, null, lists and private keys (commitments in the public form). */
function record(r: Rng, n: number): AuditRecord {
  const kind = r.pick(KINDS);
  const about = r.int(3) > 0;
  const data: Record<string, string | number | boolean | null | string[]> = {
    purpose: r.pick(['ticket_followup', 'delivery', 'fraud_review']),
  };
  if (kind === 'reveal')
    Object.assign(data, {
      field: r.pick(['phone', 'email', 'address']),
      role: r.pick(['support', 'courier', 'admin']),
      explanation: `t-${r.int(40)}`,
    });
  if (kind === 'export')
    Object.assign(data, {
      export: `exp_${n}`,
      requester: 'staff:u-1',
      approver: 'staff:u-2',
      rows: r.int(5000),
      fields: ['name', 'city'],
    });
  if (kind === 'grant') Object.assign(data, { grant: `g-${n}`, hours: r.int(48), emergency: r.int(2) === 1 });
  if (kind === 'case') Object.assign(data, { case: `c-${r.int(9)}`, score: r.int(1000) / 10, note: null });
  if (kind === 'staff')
    Object.assign(data, { staff: `u-${r.int(30)}`, station: r.pick(['HUB-Zürich', 'DEPOT-Łódź', 'north']) });
  return {
    kind,
    actor: r.pick(ACTORS),
    ...(about ? { subject: `tok_${r.int(60).toString(36)}${r.int(1e6)}` } : {}),
    result: r.pick(RESULTS),
    data,
  };
}

/**
 * Builds a real log in `copy` through Cloak's own append path: `entries` varied records in
 * batches of random size, with a checkpoint signed after some batches and one at the end (so
 * the head is signed). Also one policy reload, written by the service that does it in production.
 */
export async function buildLog(copy: Copy, r: Rng, entries: number): Promise<void> {
  const app = await createApp(
    loadConfig({ ...copy.env, CLOAK_LOG_LEVEL: 'silent', CLOAK_AUDIT_CHECKPOINT_MS: '60000' }),
  );
  try {
    await app.reloadPolicies('staff:u-1');
    let n = (await app.audit.head()).size;
    while (n < entries) {
      const batch = Math.min(entries - n, 1 + r.int(60));
      await app.audit.append(Array.from({ length: batch }, (_, j) => record(r, n + j)));
      n += batch;
      if (r.int(3) === 0) await app.audit.checkpoint();
    }
    await app.audit.checkpoint();
  } finally {
    await app.close();
  }
}
