import { DAY, HOUR, MIN, SEC } from './clock.ts';
import type { Ctx, Customer, Parcel, Traffic } from './context.ts';
import { onShift, works, type Person } from './people.ts';
import type { Rng } from './rng.ts';

const TICKET_FIELDS = ['phone', 'address', 'name', 'email'];
const TICKET_WEIGHTS = [5, 3, 2, 1];

/** The support desk, which other parts use to file the tickets that follow their own work. */
export type Desk = {
  /** A customer gets in touch at `ms` (about `parcel`, if any); returns the ticket id, if one was filed. */
  contact(customer: Customer, ms: number, parcel?: Parcel): string | undefined;
  /** Support agents on shift at `ms`. */
  agentsAt(ms: number): Person[];
};

/** Moves `ms` into the desk's hours (07–22 local), to the next morning if need be. */
function deskHours(ctx: Ctx, rng: Rng, ms: number): number {
  const h = ctx.cal.localHour(ms);
  if (h >= 7 && h < 22) return ms;
  // Some wait for the desk to open; most get in touch later in the day.
  return ctx.cal.at(ctx.cal.dayOf(ms) + (h >= 22 ? 1 : 0), rng.chance(0.3) ? rng.range(7.05, 9) : rng.range(9, 21.5));
}

/**
 * Creates the desk and runs it over the world: tickets about parcels (late, failed, damaged),
 * complaints after bad reviews, phone calls where the customer is read before the ticket is
 * typed, chats picked up later, reassignments, closing hours or days later, call-backs after
 * closing, and quick questions that never get a ticket.
 */
export function runSupport(ctx: Ctx, traffic: Traffic): Desk {
  const { cal, sink, roster } = ctx;
  const rng = ctx.rng.fork('support');
  const agents = roster.byRole.get('support') ?? [];
  const stationRegion = new Map(ctx.net.stations.map((s) => [s.id, s.region]));
  const agentsAt = (ms: number) => agents.filter((a) => onShift(cal, a, ms));
  const pickAgent = (ms: number, customer: Customer): Person | undefined => {
    const on = agentsAt(ms);
    if (on.length === 0) return undefined;
    const team = on.filter((a) => a.team === `cskh-${stationRegion.get(customer.station)}`);
    return rng.pick(team.length > 0 && rng.chance(0.75) ? team : on);
  };
  const field = () => rng.weighted(TICKET_FIELDS, TICKET_WEIGHTS);
  const lookupCustomer = (a: Person, c: Customer, ms: number) => {
    if (rng.chance(0.01)) {
      sink.emit(ms, 'lookup', { actor: `staff:${a.id}`, customer: c.id, result: 'denied' });
      sink.emit(ms + rng.range(15, 60) * SEC, 'login', {
        actor: `staff:${a.id}`,
        result: 'ok',
        ip: rng.pick(roster.hqIps),
      });
      ms += rng.range(70, 120) * SEC;
    }
    sink.emit(ms, 'lookup', {
      actor: `staff:${a.id}`,
      customer: c.id,
      result: 'ok',
      fields: ['masked_name', 'masked_phone'],
    });
  };
  const lookupParcel = (a: Person, p: Parcel | undefined, ms: number) => {
    if (p)
      sink.emit(ms, 'lookup', {
        actor: `staff:${a.id}`,
        parcel: p.id,
        customer: p.customer.id,
        result: 'ok',
        fields: ['route', 'status'],
      });
  };
  const reveal = (a: Person, c: Customer, ms: number, ticket?: string) => {
    const fields: Record<string, unknown> = {
      actor: `staff:${a.id}`,
      customer: c.id,
      field: field(),
      purpose: 'ticket',
      result: 'ok',
    };
    if (ticket) fields.ticket = ticket;
    sink.emit(ms, 'reveal', fields);
  };
  const status = (id: string, c: Customer, a: Person, s: 'open' | 'closed', ms: number) =>
    sink.emit(ms, 'ticket', { id, customer: c.id, assignee: a.id, status: s });

  const contact = (customer: Customer, when: number, parcel?: Parcel): string | undefined => {
    const t0 = deskHours(ctx, rng, when);
    const agent = pickAgent(t0, customer);
    return agent ? handle(agent, customer, t0, when, parcel) : undefined;
  };
  /** One contact handled by `agent` from `t0` on; `when` is when the customer got in touch. */
  function handle(agent: Person, customer: Customer, t0: number, when: number, parcel?: Parcel): string {
    const id = ctx.ids.next('TK', 7);
    let opened: number;
    const fresh = t0 < agent.grantFrom;
    if (rng.chance(0.6)) {
      // On the phone: the customer is read first, the ticket typed after the call.
      lookupCustomer(agent, customer, t0);
      lookupParcel(agent, parcel, t0 + rng.range(15, 90) * SEC);
      if (rng.chance(0.4)) {
        const ms = t0 + rng.range(1, 3) * MIN;
        if (fresh)
          sink.emit(ms, 'reveal', {
            actor: `staff:${agent.id}`,
            customer: customer.id,
            field: 'phone',
            purpose: 'ticket',
            result: 'denied',
          });
        else reveal(agent, customer, ms);
      }
      opened = t0 + rng.range(2, 12) * MIN;
      status(id, customer, agent, 'open', opened);
      if (fresh || rng.chance(0.5)) reveal(agent, customer, opened + rng.range(1, 10) * MIN, id);
    } else {
      opened = when;
      status(id, customer, agent, 'open', opened);
      const pickedUp = deskHours(ctx, rng, opened + rng.range(5, 300) * MIN);
      lookupCustomer(agent, customer, pickedUp);
      lookupParcel(agent, parcel, pickedUp + rng.range(10, 60) * SEC);
      if (rng.chance(0.7)) reveal(agent, customer, pickedUp + rng.range(1, 6) * MIN, id);
    }
    let owner = agent;
    let last = opened;
    if (rng.chance(0.18)) {
      const ms = deskHours(ctx, rng, opened + rng.range(1, 20) * HOUR);
      const next = agentsAt(ms).filter((a) => a !== agent);
      if (next.length > 0) {
        owner = rng.pick(next);
        status(id, customer, owner, 'open', ms);
        lookupCustomer(owner, customer, ms + rng.range(1, 30) * MIN);
        if (rng.chance(0.6)) reveal(owner, customer, ms + rng.range(31, 40) * MIN, id);
        last = ms + 40 * MIN;
      }
    }
    const closed = deskHours(ctx, rng, last + rng.range(1, 72) * HOUR);
    status(id, customer, owner, 'closed', closed);
    if (rng.chance(0.1)) {
      // The customer calls back after closing; whoever picks up reads them again.
      const ms = deskHours(ctx, rng, closed + rng.range(2, 72) * HOUR);
      const who = pickAgent(ms, customer) ?? owner;
      lookupCustomer(who, customer, ms);
      if (rng.chance(0.5)) reveal(who, customer, ms + rng.range(1, 4) * MIN, id);
      if (rng.chance(0.3)) status(id, customer, who, 'open', ms + rng.range(4, 8) * MIN);
    }
    return id;
  }

  for (const p of traffic.parcels) {
    const late = p.delivered === Infinity;
    if (rng.chance(late ? 0.2 : 0.07)) contact(p.customer, p.created + rng.range(8, 96) * HOUR, p);
    else if (rng.chance(0.03)) {
      // A quick question answered in a minute: read, maybe revealed, never ticketed.
      const ms = deskHours(ctx, rng, p.created + rng.range(8, 72) * HOUR);
      const a = pickAgent(ms, p.customer);
      if (a) {
        lookupCustomer(a, p.customer, ms);
        lookupParcel(a, p, ms + rng.range(10, 40) * SEC);
        if (rng.chance(0.2)) reveal(a, p.customer, ms + rng.range(1, 2) * MIN);
      }
    }
  }
  const byId = new Map(traffic.customers.map((c) => [c.id, c]));
  for (const r of traffic.reviews) {
    const c = byId.get(r.customer);
    if (c && r.rating <= 2 && rng.chance(0.1)) contact(c, r.at + rng.range(1, 30) * HOUR);
  }
  // Overtime from home: on a day off an agent signs in from their home connection in the evening
  // and clears a few chats, outside any shift.
  for (const a of agents.filter((x) => x.stable)) {
    for (let d = 0; d < cal.days; d++) {
      if (works(cal, a, d) || !rng.chance(0.04)) continue;
      let ms = cal.at(d, rng.range(19.5, 21));
      sink.emit(ms, 'login', { actor: `staff:${a.id}`, result: 'ok', ip: a.homeIp });
      const recent = traffic.parcels.filter((p) => p.created < ms && p.created > ms - 2 * DAY);
      for (let i = rng.int(3, 8); i > 0 && recent.length > 0; i--) {
        const p = rng.pick(recent);
        ms += rng.range(4, 15) * MIN;
        handle(a, p.customer, ms, ms - rng.range(10, 120) * MIN, p);
      }
    }
  }
  return { contact, agentsAt };
}
