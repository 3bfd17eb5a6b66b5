import { Migrator, sql, type Kysely, type Migration, type MigrationProvider, type RawBuilder } from 'kysely';
import { Unavailable } from '../lib/errors.ts';

export type Dialect = 'sqlite' | 'postgres';

/**
 * One owner's part of a named migration: a module of a capability's (or the store's)
 * `migrations/` folder, exporting its `name` and `up`. Written once for both dialects; the
 * only differences (the type of bytes, how the key store is set apart) are chosen by `dialect`.
 */
export type MigrationPart = {
  /** The migration's name as recorded in the database (`0009_access_audit`): never changed once shipped. */
  readonly name: string;
  up(db: Kysely<any>, dialect: Dialect): Promise<void>;
};

/** A named migration made of one or more owners' parts, run in the order given. */
export type ComposedMigration = { readonly name: string; readonly parts: readonly MigrationPart[] };

/** The column type of bytes on `dialect`. */
export function bytesType(dialect: Dialect): RawBuilder<unknown> {
  return dialect === 'postgres' ? sql`bytea` : sql`blob`;
}

/**
 * Joins the parts that share a name into one migration, keeping the parts' order: a
 * migration whose tables now belong to several owners keeps its one recorded name, so a
 * database migrated before the split has nothing to do. Refuses names out of order (the
 * migrator runs them by name) and a part given twice.
 * @example const all = composeMigrations([vault0001, access0001, meta0002]); // 0001_vault (2 parts), 0002_meta
 */
export function composeMigrations(parts: readonly MigrationPart[]): readonly ComposedMigration[] {
  const out: { name: string; parts: MigrationPart[] }[] = [];
  for (const p of parts) {
    const last = out.at(-1);
    if (last?.name === p.name) {
      if (last.parts.includes(p)) throw new Error(`migration ${p.name}: a part is given twice`);
      last.parts.push(p);
    } else if (last && p.name <= last.name) {
      throw new Error(`migration ${p.name} comes after ${last.name}: parts are given in name order, each name once`);
    } else out.push({ name: p.name, parts: [p] });
  }
  return Object.freeze(out.map((m) => Object.freeze({ name: m.name, parts: Object.freeze([...m.parts]) })));
}

/** The composed migrations as Kysely's migrator takes them, for one dialect. */
export function kyselyMigrations(all: readonly ComposedMigration[], dialect: Dialect): Record<string, Migration> {
  return Object.fromEntries(
    all.map((m) => [
      m.name,
      {
        async up(db: Kysely<any>) {
          for (const p of m.parts) await p.up(db, dialect);
        },
      },
    ]),
  );
}

/** Brings the database up to date with `all`; a failure names the migration that failed. */
export async function runMigrations(
  db: Kysely<any>,
  dialect: Dialect,
  all: readonly ComposedMigration[],
): Promise<void> {
  const migrations = kyselyMigrations(all, dialect);
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const { error, results } = await new Migrator({ db, provider }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Unavailable(`database migration ${failed} failed (${(error as Error).message})`);
  }
}
