import type { App } from '../src/app.ts';
import { createClearReader, type ClearReader } from '../src/vault/clear.ts';
import { createVaultRepo } from '../src/vault/vault.repo.ts';
import { storeOf } from '../src/store/db.ts';

// The composition root keeps its clear reader to itself (it hands it to the four modules that
// show or send clear values, and returns it to nobody). Tests and benches that must check what
// the vault holds build their own over the same store and keyring, here and nowhere else, so
// that `DANGEROUS_decryptField` stays out of the files test/clear-path.test.ts scans.

/** A clear reader over an app's vault, built as `createApp` builds its own. */
export function clearReaderOf(app: Pick<App, 'store' | 'kms'>): ClearReader {
  return createClearReader({ repo: createVaultRepo(storeOf(app.store)), kms: app.kms });
}

/**
 * Reads one field of a subject in clear, for tests that check what was stored (or need a
 * stored value to plant in a leaked file). Same errors as the reveal path's reader: an
 * erased or unknown token is NotFound.
 * @example const clear = clearValues(app); assert.equal(await clear(token, 'phone'), '+84912345678');
 */
export function clearValues(app: Pick<App, 'store' | 'kms'>): (token: string, field: string) => Promise<string> {
  const reader = clearReaderOf(app);
  return (token, field) => reader.DANGEROUS_decryptField(token, field);
}

/**
 * A clear reader that counts its calls, to hand a service under test and show it decrypted
 * nothing (or only after something else happened).
 * @example const { reader, calls } = countingClearReader(app); createRevealService({ ..., clear: reader }); assert.equal(calls(), 0);
 */
export function countingClearReader(app: Pick<App, 'store' | 'kms'>): { reader: ClearReader; calls: () => number } {
  const inner = clearReaderOf(app);
  let n = 0;
  return {
    reader: {
      DANGEROUS_decryptField: async (token, field) => {
        n++;
        return inner.DANGEROUS_decryptField(token, field);
      },
    },
    calls: () => n,
  };
}
