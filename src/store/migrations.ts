import { sql, type Kysely, type Migration } from 'kysely';
import { KEY_SCHEMA } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';

/**
 * Migrations, in order. Written once for both dialects: the only differences (the type of
 * bytes, how the key store is set apart) are chosen by `dialect`.
 */
export function migrations(dialect: Dialect): Record<string, Migration> {
  const bytes = dialect === 'postgres' ? sql`bytea` : sql`blob`;
  return {
    '0001_vault': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('id_alloc')
          .addColumn('name', 'text', (c) => c.primaryKey())
          .addColumn('next_id', 'bigint', (c) => c.notNull())
          .execute();
        await db.insertInto('id_alloc').values({ name: 'subject', next_id: 1 }).execute();
        await db.schema
          .createTable('vault_subjects')
          // SQLite: an INTEGER PRIMARY KEY is the rowid itself, so rows are stored in id order.
          .addColumn('id', dialect === 'sqlite' ? 'integer' : 'bigint', (c) => c.primaryKey())
          .addColumn('token', 'text', (c) => c.notNull().unique())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('external_id', 'text')
          .addColumn('dek_version', 'integer', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('erased_at', 'text')
          .execute();
        await db.schema
          .createIndex('vault_subjects_external')
          .on('vault_subjects')
          .columns(['kind', 'external_id'])
          .unique()
          .execute();
        await db.schema
          .createTable('vault_fields')
          .addColumn('subject_id', 'bigint', (c) => c.notNull())
          .addColumn('field', 'text', (c) => c.notNull())
          .addColumn('sealed', bytes, (c) => c.notNull())
          .addColumn('mask', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('vault_fields_pk', ['subject_id', 'field'])
          .modifyEnd(dialect === 'sqlite' ? sql`without rowid` : sql``)
          .execute();
        await db.schema
          .createTable('vault_index')
          .addColumn('scope', 'text', (c) => c.notNull())
          .addColumn('hash', bytes, (c) => c.notNull())
          .addColumn('subject_id', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('vault_index_pk', ['scope', 'hash', 'subject_id'])
          .modifyEnd(dialect === 'sqlite' ? sql`without rowid` : sql``)
          .execute();
        // For erase: appended in id order, so it costs little to keep.
        await db.schema.createIndex('vault_index_subject').on('vault_index').column('subject_id').execute();
        if (dialect === 'postgres') await db.schema.createSchema(KEY_SCHEMA).ifNotExists().execute();
        await db.schema
          .withSchema(KEY_SCHEMA)
          .createTable('vault_data_keys')
          .addColumn('subject_id', dialect === 'sqlite' ? 'integer' : 'bigint', (c) => c.primaryKey())
          .addColumn('token', 'text', (c) => c.notNull())
          .addColumn('dek_version', 'integer', (c) => c.notNull())
          .addColumn('kek_version', 'integer', (c) => c.notNull())
          .addColumn('wrapped', bytes, (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        // SQLite names the schema on the index, PostgreSQL on the table.
        await (
          dialect === 'sqlite'
            ? sql`create index ${sql.id(KEY_SCHEMA, 'vault_data_keys_kek')} on ${sql.id('vault_data_keys')} (kek_version)`
            : sql`create index ${sql.id('vault_data_keys_kek')} on ${sql.id(KEY_SCHEMA, 'vault_data_keys')} (kek_version)`
        ).execute(db);
        await db.schema
          .createTable('api_keys')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('scopes', 'text', (c) => c.notNull())
          .addColumn('secret_hash', bytes, (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('revoked_at', 'text')
          .execute();
      },
    },
    '0002_meta': {
      async up(db: Kysely<any>) {
        // Facts about this database itself, such as which keyring it belongs to.
        await db.schema
          .createTable('cloak_meta')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0003_devices': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('stations')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('device_enrollment_codes')
          .addColumn('code_hash', bytes, (c) => c.primaryKey())
          .addColumn('station_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('used_at', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('devices')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('station_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('public_key', bytes, (c) => c.notNull())
          .addColumn('build', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('enrolled_at', 'text', (c) => c.notNull())
          .addColumn('status_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('device_builds')
          .addColumn('build', 'text', (c) => c.primaryKey())
          .addColumn('note', 'text', (c) => c.notNull())
          .addColumn('added_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0004_waybill': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('parcels')
          .addColumn('tracking', 'text', (c) => c.primaryKey())
          .addColumn('recipient', 'text', (c) => c.notNull())
          .addColumn('sender', 'text')
          .addColumn('origin', 'text', (c) => c.notNull())
          .addColumn('destination', 'text', (c) => c.notNull())
          .addColumn('sort_code', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('last_scan_at', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('parcel_scans')
          .addColumn('tracking', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('step', 'text', (c) => c.notNull())
          .addColumn('station', 'text', (c) => c.notNull())
          .addColumn('device', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('parcel_scans_tracking').on('parcel_scans').columns(['tracking', 'at']).execute();
        await db.schema
          .createIndex('parcel_scans_station')
          .on('parcel_scans')
          .columns(['station', 'tracking'])
          .execute();
      },
    },
    '0005_contact': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('parcel_assignments')
          .addColumn('tracking', 'text', (c) => c.primaryKey())
          .addColumn('courier', 'text', (c) => c.notNull())
          .addColumn('day', 'text', (c) => c.notNull())
          .addColumn('assigned_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('relay_bindings')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('number', 'text', (c) => c.notNull())
          .addColumn('tracking', 'text', (c) => c.notNull())
          .addColumn('courier', 'text', (c) => c.notNull())
          .addColumn('recipient', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('relay_bindings_number')
          .on('relay_bindings')
          .columns(['number', 'expires_at'])
          .execute();
        await db.schema
          .createIndex('relay_bindings_parcel')
          .on('relay_bindings')
          .columns(['tracking', 'courier'])
          .execute();
      },
    },
    '0006_device_activity': {
      async up(db: Kysely<any>) {
        // What devices asked for and whether it was allowed (scans are in parcel_scans).
        await db.schema
          .createTable('device_activity')
          .addColumn('device', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('parcel', 'text')
          .addColumn('result', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('device_activity_device').on('device_activity').columns(['device', 'at']).execute();
        await db.schema.createIndex('parcel_scans_device').on('parcel_scans').columns(['device', 'at']).execute();
      },
    },
    '0007_device_nonces': {
      async up(db: Kysely<any>) {
        // Nonces of signed device requests, kept until their signature could no longer be
        // accepted anyway, in the database so a restart or another node cannot be replayed to.
        await db.schema
          .createTable('device_nonces')
          .addColumn('keyid', 'text', (c) => c.notNull())
          .addColumn('nonce', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'bigint', (c) => c.notNull())
          .addPrimaryKeyConstraint('device_nonces_pk', ['keyid', 'nonce'])
          .execute();
        await db.schema.createIndex('device_nonces_expiry').on('device_nonces').column('expires_at').execute();
      },
    },
    '0008_relay_leases': {
      async up(db: Kysely<any>) {
        // Which binding holds each virtual number: claimed by compare-and-set, so two
        // couriers asking at once never get the same number.
        await db.schema
          .createTable('relay_leases')
          .addColumn('number', 'text', (c) => c.primaryKey())
          .addColumn('binding_id', 'text', (c) => c.notNull())
          .addColumn('claimed_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0009_access_audit': {
      async up(db: Kysely<any>) {
        const big = dialect === 'sqlite' ? 'integer' : 'bigint';
        // Staff sign in with a token (only its SHA-256 is kept) until an OIDC provider does it.
        await db.schema
          .createTable('staff')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('team', 'text')
          .addColumn('station', 'text')
          .addColumn('token_hash', bytes, (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('disabled_at', 'text')
          .execute();
        // The platform's explanations: a ticket, a moderation case or an assignment links a
        // staff member to a customer for a period.
        await db.schema
          .createTable('explanations')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('staff_id', 'text', (c) => c.notNull())
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('opened_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text')
          .addColumn('closed_at', 'text')
          .execute();
        await db.schema
          .createIndex('explanations_holder')
          .on('explanations')
          .columns(['staff_id', 'subject'])
          .execute();
        await db.schema
          .createTable('reviews')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('reviewer', 'text', (c) => c.notNull())
          .addColumn('seller', 'text', (c) => c.notNull())
          .addColumn('rating', 'integer', (c) => c.notNull())
          .addColumn('product', 'text')
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createTable('grants')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('requester', 'text', (c) => c.notNull())
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('fields', 'text', (c) => c.notNull())
          .addColumn('purpose', 'text', (c) => c.notNull())
          .addColumn('reason', 'text', (c) => c.notNull())
          .addColumn('minutes', 'integer', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('approver', 'text')
          .addColumn('requested_at', 'text', (c) => c.notNull())
          .addColumn('decided_at', 'text')
          .addColumn('expires_at', 'text')
          .execute();
        await db.schema.createIndex('grants_holder').on('grants').columns(['requester', 'subject']).execute();
        await db.schema
          .createTable('break_glass')
          .addColumn('audit_index', big, (c) => c.primaryKey())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull())
          .addColumn('subject', 'text', (c) => c.notNull())
          .addColumn('field', 'text', (c) => c.notNull())
          .addColumn('purpose', 'text', (c) => c.notNull())
          .addColumn('justification', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('reviewed_by', 'text')
          .addColumn('reviewed_at', 'text')
          .addColumn('review_note', 'text')
          .execute();
        await db.schema
          .createTable('exports')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('requester', 'text', (c) => c.notNull())
          .addColumn('dataset', 'text', (c) => c.notNull())
          .addColumn('fields', 'text', (c) => c.notNull())
          .addColumn('recipient', 'text', (c) => c.notNull())
          .addColumn('purpose', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('approver', 'text')
          .addColumn('rows', 'integer')
          .addColumn('file', 'text')
          .addColumn('sha256', 'text')
          .addColumn('requested_at', 'text', (c) => c.notNull())
          .addColumn('decided_at', 'text')
          .execute();
        // The audit log: entries (their exact bytes are the Merkle leaves), full hash tiles as
        // c2sp.org/tlog-tiles serves them (level 0 once complete; higher levels as they fill),
        // the head (size and root) and signed checkpoints.
        await db.schema
          .createTable('audit_head')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .addColumn('size', big, (c) => c.notNull())
          .addColumn('root', bytes, (c) => c.notNull())
          .execute();
        await db
          .insertInto('audit_head')
          .values({
            id: 1,
            size: 0,
            root: Buffer.from('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hex'),
          })
          .execute();
        await db.schema
          .createTable('audit_entries')
          .addColumn('idx', big, (c) => c.primaryKey())
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('subject', 'text')
          .addColumn('result', 'text')
          .addColumn('body', bytes, (c) => c.notNull())
          // SHA-256(0x00 ‖ body): the tile still filling is read from here, full tiles from audit_tiles.
          .addColumn('leaf', bytes, (c) => c.notNull())
          .execute();
        await db.schema.createIndex('audit_entries_subject').on('audit_entries').columns(['subject', 'idx']).execute();
        await db.schema
          .createIndex('audit_entries_actor')
          .on('audit_entries')
          .columns(['actor', 'kind', 'at'])
          .execute();
        await db.schema
          .createTable('audit_tiles')
          .addColumn('level', 'integer', (c) => c.notNull())
          .addColumn('idx', big, (c) => c.notNull())
          .addColumn('hashes', bytes, (c) => c.notNull())
          .addPrimaryKeyConstraint('audit_tiles_pk', ['level', 'idx'])
          .execute();
        await db.schema
          .createTable('audit_checkpoints')
          .addColumn('size', big, (c) => c.primaryKey())
          .addColumn('root', bytes, (c) => c.notNull())
          .addColumn('note', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0010_cases': {
      async up(db: Kysely<any>) {
        // A case per actor under suspicion: its alerts, what was done automatically, and the
        // analysts' work on it.
        await db.schema
          .createTable('cases')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('actor', 'text', (c) => c.notNull())
          .addColumn('severity', 'text', (c) => c.notNull())
          .addColumn('score', 'real', (c) => c.notNull())
          .addColumn('summary', 'text', (c) => c.notNull())
          .addColumn('alerts', 'text', (c) => c.notNull())
          .addColumn('actions', 'text', (c) => c.notNull())
          .addColumn('comments', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('assignee', 'text')
          .addColumn('resolution', 'text')
          .addColumn('opened_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('cases_actor').on('cases').columns(['actor', 'status']).execute();
      },
    },
    '0011_canaries': {
      async up(db: Kysely<any>) {
        // Synthetic customers planted in one channel (an export, a device, a team): seeing one
        // in a leak, or in a reveal, names that channel.
        await db.schema
          .createTable('canaries')
          .addColumn('token', 'text', (c) => c.primaryKey())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('detail', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0012_incidents': {
      async up(db: Kysely<any>) {
        // A breach being handled: its scope (tokens, categories, jurisdictions), when it was
        // discovered, its legal deadlines and when each was met.
        await db.schema
          .createTable('incidents')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('where_', 'text', (c) => c.notNull())
          .addColumn('discovered_at', 'text', (c) => c.notNull())
          .addColumn('occurred_at', 'text')
          .addColumn('subjects', 'text', (c) => c.notNull())
          .addColumn('categories', 'text', (c) => c.notNull())
          .addColumn('jurisdictions', 'text', (c) => c.notNull())
          .addColumn('high_risk', 'integer', (c) => c.notNull())
          .addColumn('deadlines', 'text', (c) => c.notNull())
          .addColumn('measures', 'text', (c) => c.notNull())
          .addColumn('opened_by', 'text', (c) => c.notNull())
          .addColumn('opened_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0013_affected_checks': {
      async up(db: Kysely<any>) {
        // "Was I affected?" challenges: the identifier sealed (it is personal data), the code as
        // a keyed hash, a short life and few attempts.
        await db.schema
          .createTable('affected_checks')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('identifier', bytes, (c) => c.notNull())
          .addColumn('code_hash', bytes, (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    '0014_leak_traces': {
      async up(db: Kysely<any>) {
        // Leaked files uploaded for tracing: the file itself stays under the data folder
        // (evidence, mode 0600) with its SHA-256 here; the report (JSON) once traced.
        await db.schema
          .createTable('leak_traces')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('bytes', dialect === 'sqlite' ? 'integer' : 'bigint', (c) => c.notNull())
          .addColumn('sha256', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('error', 'text')
          .addColumn('report', 'text')
          .addColumn('uploaded_by', 'text', (c) => c.notNull())
          .addColumn('uploaded_at', 'text', (c) => c.notNull())
          .addColumn('finished_at', 'text')
          .execute();
      },
    },
    '0015_audit_kind_time': {
      async up(db: Kysely<any>) {
        // The dashboard counts recent entries of a kind (reveals per hour): by kind and time,
        // appended in time order, so it costs appends little.
        await db.schema.createIndex('audit_entries_kind_at').on('audit_entries').columns(['kind', 'at']).execute();
      },
    },
    '0016_case_triage': {
      async up(db: Kysely<any>) {
        // Triage: why an analyst closed a case (their words, kept here; the audit log holds a
        // keyed hash of them) and the incident a case was escalated to.
        await db.schema.alterTable('cases').addColumn('resolution_reason', 'text').execute();
        await db.schema.alterTable('cases').addColumn('incident', 'text').execute();
      },
    },
    '0017_incident_documents': {
      async up(db: Kysely<any>) {
        // An officer's approval of one generated text (report or notice, one language), bound
        // to the text's SHA-256: a text that changes afterwards is no longer approved.
        await db.schema
          .createTable('incident_approvals')
          .addColumn('incident', 'text', (c) => c.notNull())
          .addColumn('doc', 'text', (c) => c.notNull())
          .addColumn('lang', 'text', (c) => c.notNull())
          .addColumn('text_sha256', 'text', (c) => c.notNull())
          .addColumn('approved_by', 'text', (c) => c.notNull())
          .addColumn('approved_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('incident_approvals_pk', ['incident', 'doc', 'lang'])
          .execute();
        // Each sending of the customer notices: counts only, never an address.
        await db.schema
          .createTable('incident_sends')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('incident', 'text', (c) => c.notNull())
          .addColumn('langs', 'text', (c) => c.notNull())
          .addColumn('sent', 'integer', (c) => c.notNull())
          .addColumn('unreachable', 'integer', (c) => c.notNull())
          .addColumn('sent_by', 'text', (c) => c.notNull())
          .addColumn('sent_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema
          .createIndex('incident_sends_incident')
          .on('incident_sends')
          .columns(['incident', 'sent_at'])
          .execute();
      },
    },
    '0018_limits': {
      async up(db: Kysely<any>) {
        // Rate budgets shared by every node and kept across restarts: how much of a key's limit
        // (a staff member's reveals, a client's affected checks, …) a fixed window has used.
        // Taken by one conditional upsert, so concurrent requests never pass the limit.
        const big = dialect === 'sqlite' ? 'integer' : 'bigint';
        await db.schema
          .createTable('rate_budgets')
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('window_start', big, (c) => c.notNull())
          .addColumn('used', 'integer', (c) => c.notNull())
          .addColumn('expires_at', big, (c) => c.notNull())
          .addPrimaryKeyConstraint('rate_budgets_pk', ['key', 'window_start'])
          .execute();
        await db.schema.createIndex('rate_budgets_expiry').on('rate_budgets').column('expires_at').execute();
      },
    },
    '0019_token_lifetimes': {
      async up(db: Kysely<any>) {
        // Staff tokens and API keys expire, and staff tokens can be revoked without disabling
        // the member. Tokens issued before this migration get one default lifetime from now
        // (12 hours, 90 days), so an upgrade signs nobody out at once and none lives forever.
        await db.schema.alterTable('staff').addColumn('token_expires_at', 'text').execute();
        await db.schema.alterTable('staff').addColumn('token_revoked_at', 'text').execute();
        await db.schema.alterTable('api_keys').addColumn('expires_at', 'text').execute();
        await db.schema.alterTable('api_keys').addColumn('rotated_at', 'text').execute();
        const now = Date.now();
        await db
          .updateTable('staff')
          .set({ token_expires_at: new Date(now + 12 * 3_600_000).toISOString() })
          .where('token_expires_at', 'is', null)
          .execute();
        await db
          .updateTable('api_keys')
          .set({ expires_at: new Date(now + 90 * 86_400_000).toISOString() })
          .where('expires_at', 'is', null)
          .execute();
      },
    },
    '0020_trace_quotas': {
      async up(db: Kysely<any>) {
        // Leak uploads are bounded per person (bytes held, one counter row each, changed only
        // by conditional updates in the same transaction as the upload's row) and kept for a
        // limited time: a purged upload keeps its record, hash and report, not its file.
        await db.schema.alterTable('leak_traces').addColumn('purged_at', 'text').execute();
        await db.schema
          .createTable('trace_quotas')
          .addColumn('uploader', 'text', (c) => c.primaryKey())
          .addColumn('held', dialect === 'sqlite' ? 'integer' : 'bigint', (c) => c.notNull())
          .execute();
        await sql`insert into trace_quotas (uploader, held) select uploaded_by, sum(bytes) from leak_traces group by uploaded_by`.execute(
          db,
        );
      },
    },
    '0021_checkpoint_chain': {
      async up(db: Kysely<any>) {
        // The head row names the latest signed checkpoint (and each new checkpoint's note the
        // one before it), so a deleted checkpoint row is seen.
        await db.schema
          .alterTable('audit_head')
          .addColumn('signed_size', dialect === 'sqlite' ? 'integer' : 'bigint')
          .execute();
        await sql`update audit_head set signed_size = (select max(size) from audit_checkpoints)`.execute(db);
      },
    },
  };
}
