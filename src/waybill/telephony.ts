import { randomId } from '../lib/crypto.ts';

/** A call to connect: the courier calls the virtual number, the network bridges it to `to`. */
export type CallRequest = {
  readonly virtual: string;
  readonly to: string;
  readonly parcel: string;
  readonly courier: string;
};

/**
 * The telephony provider behind masked contact (AXB: the courier calls X, the provider
 * bridges to the customer B). A real provider (a carrier's API) implements this; the
 * embedded one below only records what it would connect.
 */
export interface TelephonyProvider {
  connect(call: CallRequest): Promise<{ callId: string }>;
}

export type RecordedCall = {
  readonly callId: string;
  readonly at: string;
  readonly virtual: string;
  readonly parcel: string;
  readonly courier: string;
  readonly to: string;
};

/**
 * The embedded provider: connects nothing, remembers each call so the tests and the demo
 * can show them. It keeps the customer's number masked (country code and last 3 digits):
 * even this record is no list of phone numbers.
 */
export function createEmbeddedTelephony(now: () => Date = () => new Date()) {
  const calls: RecordedCall[] = [];
  return {
    async connect(call: CallRequest) {
      const callId = randomId('call');
      const digits = call.to.replace(/\D/g, '');
      calls.push({
        callId,
        at: now().toISOString(),
        virtual: call.virtual,
        parcel: call.parcel,
        courier: call.courier,
        to: `+${digits.slice(0, 2)} ••••${digits.slice(-3)}`,
      });
      return { callId };
    },
    /** The calls it would have connected, most recent last. */
    calls: (): readonly RecordedCall[] => [...calls],
  };
}
export type EmbeddedTelephony = ReturnType<typeof createEmbeddedTelephony>;
