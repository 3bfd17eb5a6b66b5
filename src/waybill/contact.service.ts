import type { EventBus } from '../bus/bus.ts';
import type { Clock } from '../lib/clock.ts';
import { randomId } from '../lib/crypto.ts';
import { Conflict, Forbidden, InvalidInput, NotFound, Unavailable } from '../lib/errors.ts';
import type { Logger } from '../lib/log.ts';
import type { AuditLog } from '../audit/log.service.ts';
import type { DevicesService } from '../devices/devices.service.ts';
import type { ClearReader } from '../vault/clear.ts';
import type { VaultService } from '../vault/vault.service.ts';
import { isTrackingNumber } from './waybill.fns.ts';
import type { RelayTables, WaybillRepo } from './waybill.repo.ts';
import type { TelephonyProvider } from './telephony.ts';
import type { Caller } from './waybill.types.ts';

/** Couriers work by the Vietnamese day: "assigned today" is today in Hồ Chí Minh City. */
const TIME_ZONE = 'Asia/Ho_Chi_Minh';
const DAY = new Intl.DateTimeFormat('en-US', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
export function dayOf(d: Date): string {
  // From parts, not a locale's whole format, which ICU versions have changed.
  const part = (t: string) => DAY.formatToParts(d).find((p) => p.type === t)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

export type ContactDeps = {
  repo: WaybillRepo;
  devices: Pick<DevicesService, 'get'>;
  vault: Pick<VaultService, 'getMasked'>;
  /** Clear values: the courier app is shown the delivery address, and the provider is handed the phone to bridge to. */
  clear: Pick<ClearReader, 'DANGEROUS_decryptField'>;
  telephony: TelephonyProvider;
  numbers: readonly string[];
  graceMinutes: number;
  bus: Pick<EventBus, 'publish'>;
  /** Every reveal is in the audit log before the value leaves the vault. */
  audit: Pick<AuditLog, 'append'>;
  clock: Clock;
  log: Logger;
};

/** What a courier app may read of a parcel assigned to it today. */
export type CourierView = {
  readonly tracking: string;
  readonly status: string;
  /** `name` is the mask; `address` the full delivery address, revealed for the delivery and recorded. */
  readonly recipient: { readonly name: string; readonly address: string };
  readonly relay: { readonly number: string; readonly expiresAt: string } | null;
};

/**
 * Masked contact and the courier's need to know. A courier app sees, for parcels assigned
 * to it today, the masked name, the delivery address (a recorded reveal) and a relay number; it calls the customer
 * through that number (AXB), bound to (courier, recipient, parcel) until delivery plus a
 * grace period. The real phone goes only to the telephony provider, never to the courier.
 */
export function createContactService(deps: ContactDeps) {
  /** A courier app's reveal, as the audit log keeps it: the parcel's assignment is its explanation. */
  async function recordReveal(
    caller: Caller,
    subject: string,
    field: string,
    purpose: string,
    tracking: string,
  ): Promise<void> {
    await deps.audit.append([
      {
        kind: 'reveal',
        actor: `device:${caller.id}`,
        subject,
        result: 'ok',
        data: {
          role: 'courier',
          field,
          purpose,
          explanation: `assignment:${tracking}`,
          rule: 'assigned-today-not-delivered',
        },
      },
    ]);
  }
  const { repo, clock, bus } = deps;

  async function assignedToday(caller: Caller, tracking: string) {
    if (caller.kind !== 'courier_app' || !isTrackingNumber(tracking)) return undefined;
    const [p, a] = await Promise.all([repo.getParcel(tracking), repo.getAssignment(tracking)]);
    if (!p || !a || a.courier !== caller.id || a.day !== dayOf(clock.now())) return undefined;
    return p;
  }

  async function refuse(caller: Caller, tracking: string, what: string): Promise<never> {
    await bus.publish({
      type: 'lookup',
      at: clock.now().toISOString(),
      actor: `device:${caller.id}`,
      result: 'denied',
      ...(isTrackingNumber(tracking) ? { parcel: tracking } : {}),
      fields: [what],
    });
    throw new NotFound('no parcel with this tracking number is assigned to this courier today');
  }

  /** When a binding stops working: its own end, or the delivery plus the grace period, whichever comes first. */
  async function effectiveExpiry(
    b: { tracking: string; expires_at: string },
    tables: RelayTables = repo,
  ): Promise<string> {
    const delivered = await tables.deliveredAt(b.tracking);
    if (!delivered) return b.expires_at;
    const afterDelivery = new Date(new Date(delivered).getTime() + deps.graceMinutes * 60_000).toISOString();
    return afterDelivery < b.expires_at ? afterDelivery : b.expires_at;
  }

  async function activeBinding(caller: Caller, tracking: string, tables: RelayTables = repo) {
    const b = await tables.bindingOf(tracking, caller.id);
    if (!b) return undefined;
    const until = await effectiveExpiry(b, tables);
    return until > clock.now().toISOString() ? { ...b, until } : undefined;
  }

  return {
    /** The platform assigns a parcel to a courier (its courier app) for today. */
    async assign(tracking: string, courier: string): Promise<{ tracking: string; courier: string; day: string }> {
      if (!isTrackingNumber(tracking) || !(await repo.getParcel(tracking)))
        throw new NotFound('no parcel has this tracking number');
      const d = await deps.devices.get(courier).catch(() => undefined);
      if (!d || d.kind !== 'courier_app')
        throw new InvalidInput('courier must be the id of an enrolled courier app', [
          { path: '/courier', problem: 'not a courier app' },
        ]);
      if (d.status === 'revoked') throw new Conflict('this courier app is revoked');
      const now = clock.now();
      const day = dayOf(now);
      await repo.assign({ tracking, courier, day, assigned_at: now.toISOString() });
      // The courier it was taken from loses its relay at once.
      await repo.endBindingsExcept(tracking, courier, now.toISOString());
      await bus.publish({ type: 'assignment', at: now.toISOString(), parcel: tracking, courier });
      return { tracking, courier, day };
    },

    async courierView(caller: Caller, tracking: string): Promise<CourierView> {
      const p = await assignedToday(caller, tracking);
      if (!p) return refuse(caller, tracking, 'delivery');
      if (caller.status !== 'active') throw new Forbidden('a restricted device reads routing data only');
      const m = await deps.vault.getMasked(p.recipient, { actor: `device:${caller.id}` });
      const b = await activeBinding(caller, tracking);
      // The one clear value a courier needs: where to go. Revealed only for a parcel assigned
      // to it today and not yet delivered, and recorded in the audit log before it is returned.
      let address = m.fields.address ?? '';
      if (m.fields.address && !(await repo.deliveredAt(tracking))) {
        await recordReveal(caller, p.recipient, 'address', 'delivery', tracking);
        await bus.publish({
          type: 'reveal',
          at: clock.now().toISOString(),
          actor: `device:${caller.id}`,
          customer: p.recipient,
          field: 'address',
          result: 'ok',
          purpose: 'delivery',
        });
        address = await deps.clear.DANGEROUS_decryptField(p.recipient, 'address');
      }
      return {
        tracking,
        status: p.status,
        recipient: { name: m.fields.name ?? '', address },
        relay: b ? { number: b.number, expiresAt: b.until } : null,
      };
    },

    /** Binds a free virtual number to (courier, recipient, parcel), or returns the binding in force. */
    async bindRelay(caller: Caller, tracking: string): Promise<{ number: string; expiresAt: string }> {
      const p = await assignedToday(caller, tracking);
      if (!p) return refuse(caller, tracking, 'relay');
      if (caller.status !== 'active') throw new Forbidden('a restricted device reads routing data only');
      // One claim at a time per parcel: concurrent asks by its courier get the one binding
      // (read again under the lock), never a number each.
      return repo.withParcelLock(tracking, async (t) => {
        const current = await activeBinding(caller, tracking, t);
        if (current) return { number: current.number, expiresAt: current.until };
        if (await t.deliveredAt(tracking))
          throw new Conflict('this parcel was delivered; no new relay is bound after delivery');
        const now = clock.now();
        // Read in this order: leases, then which of their bindings exist, then the bindings in
        // force. A claim made by another courier is then seen either as a lease without its
        // binding (in flight), or, if its binding was seen, as a binding in force: read the other
        // way round, a binding written between the reads looked free and was taken over.
        const leases = await t.leases();
        const existing = await t.existingBindings([...leases.values()].map((l) => l.holder));
        // Busy: bound, and the binding still in force (delivery plus grace may have ended it early).
        const busy = new Set<string>();
        for (const b of await t.bindingsInForce(now.toISOString()))
          if ((await effectiveExpiry(b, t)) > now.toISOString()) busy.add(b.number);
        // A lease whose binding is not written yet is a claim in flight, not a free number
        // (unless it is old: a claim that died before writing its binding).
        const inFlight = (n: string) => {
          const l = leases.get(n);
          return l !== undefined && !existing.has(l.holder) && new Date(l.claimedAt).getTime() > now.getTime() - 60_000;
        };
        // Valid through the end of the courier's day, and the grace period after it.
        const endOfDay = new Date(`${dayOf(now)}T23:59:59+07:00`).getTime();
        const expiresAt = new Date(endOfDay + deps.graceMinutes * 60_000).toISOString();
        const id = randomId('rly');
        let number: string | undefined;
        for (const n of deps.numbers) {
          if (busy.has(n) || inFlight(n)) continue;
          // Another courier may be claiming the same free number right now: only one wins.
          if (await t.claimNumber(n, leases.get(n)?.holder, id, now.toISOString())) {
            number = n;
            break;
          }
        }
        if (!number) throw new Unavailable('every relay number is in use; try again shortly');
        await t.insertBinding({
          id,
          number,
          tracking,
          courier: caller.id,
          recipient: p.recipient,
          created_at: now.toISOString(),
          expires_at: expiresAt,
        });
        deps.log.info({ device: caller.id, parcel: tracking }, 'contact: relay bound');
        return { number, expiresAt };
      });
    },

    /** Connects the courier to the customer through its binding; an expired or foreign binding refuses. */
    async call(caller: Caller, tracking: string): Promise<{ callId: string; via: string }> {
      // Still assigned today: a courier the parcel was taken from calls no more.
      if (!(await assignedToday(caller, tracking))) return refuse(caller, tracking, 'relay');
      if (caller.status !== 'active') throw new Forbidden('a restricted device reads routing data only');
      const b = await activeBinding(caller, tracking);
      if (!b)
        throw new Forbidden('no relay binding of this courier for this parcel is in force (expired, or never bound)');
      // The phone leaves the vault for the telephony provider only; the reveal is recorded first.
      await recordReveal(caller, b.recipient, 'phone', 'relay_call', tracking);
      await bus.publish({
        type: 'reveal',
        at: clock.now().toISOString(),
        actor: `device:${caller.id}`,
        customer: b.recipient,
        field: 'phone',
        result: 'ok',
        purpose: 'relay_call',
      });
      let to: string;
      try {
        to = await deps.clear.DANGEROUS_decryptField(b.recipient, 'phone');
      } catch {
        // (Whatever the vault refuses with, an unknown customer or a key store fault, is not the courier's business.)
        throw new Unavailable('the customer cannot be reached through this relay');
      }
      const { callId } = await deps.telephony.connect({ virtual: b.number, to, parcel: tracking, courier: caller.id });
      return { callId, via: b.number };
    },
  };
}
export type ContactService = ReturnType<typeof createContactService>;
