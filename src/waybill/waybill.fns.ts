/**
 * Tracking numbers in the UPU S10 format (two letters, eight digits, a check digit, the
 * country): `CK123456785VN`. The serial is random, so a tracking number says nothing about
 * the customer or the order, and the check digit catches a mistyped one.
 */
const WEIGHTS = [8, 6, 4, 2, 3, 5, 9, 7];

/** The S10 check digit of an eight-digit serial. */
export function s10CheckDigit(serial: string): number {
  const sum = [...serial].reduce((acc, d, i) => acc + Number(d) * WEIGHTS[i]!, 0);
  const c = 11 - (sum % 11);
  return c === 10 ? 0 : c === 11 ? 5 : c;
}

/**
 * A tracking number from a random serial.
 * @example trackingNumber(47312655) // 'CK473126555VN'
 */
export function trackingNumber(serial: number, service = 'CK', country = 'VN'): string {
  const s = String(serial % 100_000_000).padStart(8, '0');
  return `${service}${s}${s10CheckDigit(s)}${country}`;
}

/** True when `t` is a well-formed S10 number with the right check digit. */
export function isTrackingNumber(t: string): boolean {
  const m = /^[A-Z]{2}(\d{8})(\d)[A-Z]{2}$/.exec(t);
  return m !== null && s10CheckDigit(m[1]!) === Number(m[2]);
}

/** The code a sorting machine or a person at a hub sorts by: the destination station. */
export function sortCode(destination: string): string {
  return destination.toUpperCase();
}

export const SCAN_STEPS = ['inbound', 'sort', 'outbound', 'delivered'] as const;
export type ScanStep = (typeof SCAN_STEPS)[number];
