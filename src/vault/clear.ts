import { InvalidInput, NotFound, Unavailable } from '../lib/errors.ts';
import { KeyVersionUnknown, type Kms } from '../lib/keyring.ts';
import { OpenFailed } from '../lib/crypto.ts';
import { FIELD_NAME } from './vault.fns.ts';
import type { VaultRepo } from './vault.repo.ts';
import { dekContext, openField } from './vault.seal.ts';

export type ClearReaderDeps = {
  repo: Pick<VaultRepo, 'getSubject' | 'getSealedField' | 'getDataKey'>;
  kms: Pick<Kms, 'unwrap'>;
};

/**
 * The one way a clear personal value leaves the vault, quarantined under a loud name (as
 * Bitwarden's clients name their `DANGEROUS_` crypto) so that nobody calls it by accident.
 * The composition root builds it once and hands it only to the modules listed under "Who may
 * read clear values" in `src/vault/README.md` (checked by `test/clear-path.test.ts`). It
 * checks no policy and writes no log: each of those modules records the reveal (or decides
 * the export, or the sending) before it calls.
 * @example const clear = createClearReader({ repo: createVaultRepo(store), kms });
 */
export function createClearReader(deps: ClearReaderDeps) {
  const { repo, kms } = deps;
  return {
    /**
     * Decrypts one field of a live subject and returns it in clear. An erased subject answers
     * exactly as an unknown one (NotFound); a key or ciphertext that does not open is
     * Unavailable, naming no value.
     */
    async DANGEROUS_decryptField(token: string, field: string): Promise<string> {
      if (!FIELD_NAME.test(field))
        throw new InvalidInput('not a field name', [{ path: '/field', problem: 'must be a field name' }]);
      const s = await repo.getSubject(token);
      // Erased answers exactly as unknown: the answer must not tell that a customer ever existed.
      if (!s || s.erased_at) throw new NotFound('no subject has this token');
      const row = await repo.getSealedField(s.id, field);
      if (!row) throw new NotFound(`this subject has no ${field} field`);
      const key = await repo.getDataKey(s.id);
      if (!key) throw new NotFound('no subject has this token'); // an erase under way: its key went first
      let dek: Buffer;
      try {
        dek = await kms.unwrap({ kekVersion: key.kekVersion, wrapped: key.wrapped }, dekContext(token));
      } catch (e) {
        if (e instanceof KeyVersionUnknown)
          throw new Unavailable(
            `the data key is wrapped under key version ${e.version}, which this keyring no longer holds`,
          );
        if (e instanceof OpenFailed)
          throw new Unavailable(
            'the data key does not unwrap under this keyring: the key store or the keyring was altered',
          );
        throw e;
      }
      try {
        return openField(dek, token, field, s.dek_version, row.sealed);
      } catch (e) {
        if (e instanceof OpenFailed)
          throw new Unavailable('a stored value does not open under its key: the data or the key store was altered');
        throw e;
      } finally {
        dek.fill(0);
      }
    },
  };
}
export type ClearReader = ReturnType<typeof createClearReader>;
