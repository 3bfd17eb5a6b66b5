import { composeMigrations } from './store/migrate.ts';
import type { StoreTables } from './store/store.tables.ts';
import type { VaultTables } from './vault/vault.tables.ts';
import type { AccessTables } from './access/access.tables.ts';
import type { DevicesTables } from './devices/devices.tables.ts';
import type { WaybillTables } from './waybill/waybill.tables.ts';
import type { ReviewsTables } from './reviews/reviews.tables.ts';
import type { AuditTables } from './audit/audit.tables.ts';
import type { DetectTables } from './detect/detect.tables.ts';
import type { CanariesTables } from './canaries/canaries.tables.ts';
import type { IncidentsTables } from './incidents/incidents.tables.ts';
import type { LeaksTables } from './leaks/leaks.tables.ts';
import * as vault0001 from './vault/migrations/0001_vault.ts';
import * as access0001 from './access/migrations/0001_vault.ts';
import * as store0002 from './store/migrations/0002_meta.ts';
import * as devices0003 from './devices/migrations/0003_devices.ts';
import * as waybill0004 from './waybill/migrations/0004_waybill.ts';
import * as waybill0005 from './waybill/migrations/0005_contact.ts';
import * as devices0006 from './devices/migrations/0006_device_activity.ts';
import * as waybill0006 from './waybill/migrations/0006_device_activity.ts';
import * as devices0007 from './devices/migrations/0007_device_nonces.ts';
import * as waybill0008 from './waybill/migrations/0008_relay_leases.ts';
import * as access0009 from './access/migrations/0009_access_audit.ts';
import * as reviews0009 from './reviews/migrations/0009_access_audit.ts';
import * as audit0009 from './audit/migrations/0009_access_audit.ts';
import * as detect0010 from './detect/migrations/0010_cases.ts';
import * as canaries0011 from './canaries/migrations/0011_canaries.ts';
import * as incidents0012 from './incidents/migrations/0012_incidents.ts';
import * as incidents0013 from './incidents/migrations/0013_affected_checks.ts';
import * as leaks0014 from './leaks/migrations/0014_leak_traces.ts';
import * as audit0015 from './audit/migrations/0015_audit_kind_time.ts';
import * as detect0016 from './detect/migrations/0016_case_triage.ts';
import * as incidents0017 from './incidents/migrations/0017_incident_documents.ts';
import * as store0018 from './store/migrations/0018_limits.ts';
import * as access0019 from './access/migrations/0019_token_lifetimes.ts';
import * as leaks0020 from './leaks/migrations/0020_trace_quotas.ts';
import * as audit0021 from './audit/migrations/0021_checkpoint_chain.ts';
import * as leaks0022 from './leaks/migrations/0022_trace_claims.ts';

/**
 * Every table, as the whole application sees it: each capability's own tables (its
 * `<name>.tables.ts`) and the base's. A capability is typed on its part only (`storeOf`,
 * `tablesOf` in src/store/db.ts); this whole view is for the composition root, the entry
 * points and tests.
 */
export interface Database
  extends
    StoreTables,
    VaultTables,
    AccessTables,
    DevicesTables,
    WaybillTables,
    ReviewsTables,
    AuditTables,
    DetectTables,
    CanariesTables,
    IncidentsTables,
    LeaksTables {}

/**
 * Every migration, in order: each owner's parts (its `migrations/` folder), joined by name.
 * A migration that made tables of several owners is split into parts under its one recorded
 * name, run in the order listed here, so a database migrated before the split has nothing to do.
 */
export const MIGRATIONS = composeMigrations([
  vault0001,
  access0001,
  store0002,
  devices0003,
  waybill0004,
  waybill0005,
  devices0006,
  waybill0006,
  devices0007,
  waybill0008,
  access0009,
  reviews0009,
  audit0009,
  detect0010,
  canaries0011,
  incidents0012,
  incidents0013,
  leaks0014,
  audit0015,
  detect0016,
  incidents0017,
  store0018,
  access0019,
  leaks0020,
  audit0021,
  leaks0022,
]);
