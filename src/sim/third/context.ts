import type { Calendar, Ids, Sink } from './clock.ts';
import type { Network } from './network.ts';
import type { Person, Roster } from './people.ts';
import type { Rng } from './rng.ts';

/** What every part of the world is built from. */
export type Ctx = {
  readonly rng: Rng;
  readonly cal: Calendar;
  readonly ids: Ids;
  readonly sink: Sink;
  readonly net: Network;
  readonly roster: Roster;
};

export type Customer = { readonly id: string; readonly station: string; readonly zone: number };

/** One parcel's life, kept so that office work and attacks can refer to real parcels. */
export type Parcel = {
  readonly id: string;
  readonly customer: Customer;
  readonly seller: string;
  readonly created: number;
  /** Every station it was routed to, in order (more than one when re-routed). */
  readonly routed: string[];
  /** Every hub and station where it was physically scanned. */
  readonly visited: Set<string>;
  /** When it reached its final station (Infinity if it never did within the world). */
  arrived: number;
  /** Couriers it was assigned to. */
  readonly couriers: Person[];
  delivered: number;
};

export type Review = {
  readonly id: string;
  readonly customer: string;
  readonly seller: string;
  readonly rating: number;
  readonly at: number;
};

/** What the parcel flow leaves behind for the office and the attacks. */
export type Traffic = {
  readonly parcels: Parcel[];
  readonly reviews: Review[];
  readonly sellers: string[];
  readonly customers: Customer[];
};
