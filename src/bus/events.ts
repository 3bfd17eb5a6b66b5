/**
 * Event shapes, exactly those of the replay contract (`docs/contracts/replay-events.md`,
 * copied from shared/contracts). Cloak publishes these on its bus; replay files carry the
 * same objects one per line. Adding an optional field is compatible; renaming one is not.
 */
type At = { readonly at: string };

export type StaffEvent = At & {
  readonly type: 'staff';
  readonly id: string;
  readonly role: string;
  readonly team?: string;
  readonly station?: string;
};
/** `status` (an addition to the contract, optional) says when a device was quarantined or restored. */
export type DeviceEvent = At & {
  readonly type: 'device';
  readonly id: string;
  readonly station: string;
  readonly build: string;
  readonly kind?: 'scanner' | 'courier_app';
  readonly status?: string;
};
export type ParcelEvent = At & {
  readonly type: 'parcel';
  readonly parcel: string;
  readonly customer: string;
  readonly station: string;
  readonly origin?: string;
  readonly destination?: string;
};
export type ScanEvent = At & {
  readonly type: 'scan';
  readonly device: string;
  readonly parcel: string;
  readonly station: string;
  readonly step: 'inbound' | 'sort' | 'outbound' | 'delivered';
};
export type AssignmentEvent = At & { readonly type: 'assignment'; readonly parcel: string; readonly courier: string };
export type LookupEvent = At & {
  readonly type: 'lookup';
  readonly actor: string;
  readonly result: 'ok' | 'denied';
  readonly parcel?: string;
  readonly customer?: string;
  readonly fields?: readonly string[];
};
export type RevealEvent = At & {
  readonly type: 'reveal';
  readonly actor: string;
  readonly customer: string;
  readonly field: string;
  readonly result: 'ok' | 'denied' | 'break_glass';
  readonly purpose?: string;
  readonly ticket?: string;
};
export type TicketEvent = At & {
  readonly type: 'ticket';
  readonly id: string;
  readonly customer: string;
  readonly assignee: string;
  readonly status: 'open' | 'closed';
};
export type ReviewEvent = At & {
  readonly type: 'review';
  readonly id: string;
  readonly customer: string;
  readonly seller: string;
  readonly rating: number;
  readonly product?: string;
};
export type ModerationEvent = At & {
  readonly type: 'moderation';
  readonly actor: string;
  readonly review: string;
  readonly action: 'delete' | 'hide' | 'restore';
  readonly reason?: string;
};
export type ExportEvent = At & {
  readonly type: 'export';
  readonly actor: string;
  readonly dataset: string;
  readonly rows: number;
  readonly recipient?: string;
  readonly fields?: readonly string[];
};
export type LoginEvent = At & {
  readonly type: 'login';
  readonly actor: string;
  readonly result: 'ok' | 'failed';
  readonly ip?: string;
};

export type CloakEvent =
  | StaffEvent
  | DeviceEvent
  | ParcelEvent
  | ScanEvent
  | AssignmentEvent
  | LookupEvent
  | RevealEvent
  | TicketEvent
  | ReviewEvent
  | ModerationEvent
  | ExportEvent
  | LoginEvent;

export type EventType = CloakEvent['type'];
