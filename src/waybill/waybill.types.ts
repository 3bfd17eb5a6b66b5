import type { ScanStep } from './waybill.fns.ts';

/** A parcel as the platform sees it: tokens for people, never their data. */
export type Parcel = {
  readonly tracking: string;
  readonly recipient: string;
  readonly sender: string | null;
  readonly origin: string;
  readonly destination: string;
  readonly sortCode: string;
  readonly nextHop: string | null;
  readonly status: 'created' | ScanStep;
  readonly createdAt: string;
};

/** What a scanner may read of a parcel in its station's flow: routing only. */
export type Routing = {
  readonly tracking: string;
  readonly sortCode: string;
  readonly nextHop: string | null;
  readonly status: Parcel['status'];
};

export type ScanIn = { readonly parcel: string; readonly step: string; readonly at?: string };
/** The device a request came from, as the device gateway established it. */
export type Caller = {
  readonly id: string;
  readonly station: string;
  readonly kind: 'scanner' | 'courier_app';
  readonly status: 'active' | 'restricted' | 'revoked';
};
