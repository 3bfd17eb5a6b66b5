import type { DestinationStream } from 'pino';
import type { Logger } from 'pino';
import type { Disposers } from './app.base.ts';
import type { VaultService } from './vault/vault.service.ts';
import type { AuditLog } from './audit/log.service.ts';
import { auditSignerOf, building, buildVault, openKeyedStore } from './app.base.ts';
import { createApiKeyService } from './access/apikey.service.ts';
import { createAccessRepo } from './access/access.repo.ts';
import { createDevicesRepo } from './devices/devices.repo.ts';
import { createDevicesService } from './devices/devices.service.ts';
import { createWaybillRepo } from './waybill/waybill.repo.ts';
import { createWaybillService } from './waybill/waybill.service.ts';
import { createContactService } from './waybill/contact.service.ts';
import { createEmbeddedTelephony, type EmbeddedTelephony, type TelephonyProvider } from './waybill/telephony.ts';
import { createInProcessBus, type EventBus } from './bus/bus.ts';
import type { Config } from './lib/config.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import { createLogger } from './lib/log.ts';
import { deriveKey } from './lib/crypto.ts';
import { createClearReader } from './vault/clear.ts';
import { createAuditRepo } from './audit/log.repo.ts';
import { createAuditLog } from './audit/log.service.ts';
import { createReportService } from './audit/report.service.ts';
import { createStaffService } from './access/staff.service.ts';
import { createExplanationService } from './access/explanations.service.ts';
import { createReviewService } from './reviews/reviews.service.ts';
import { createReviewsRepo } from './reviews/reviews.repo.ts';
import { createPolicyService } from './access/policy.service.ts';
import { createRevealService, parseQuotas } from './access/reveal.service.ts';
import { createExportService } from './access/export.service.ts';
import { join } from 'node:path';
import { createCaseService } from './detect/cases.service.ts';
import { createDetectRepo } from './detect/detect.repo.ts';
import { createLiveDetection } from './detect/live.ts';
import { createEntityService } from './detect/entity.service.ts';
import { createTraceService } from './leaks/trace.service.ts';
import { createCanaryService } from './canaries/canary.service.ts';
import { createCanariesRepo } from './canaries/canaries.repo.ts';
import { watchCanaries } from './leaks/canary.watch.ts';
import { createLeaksRepo } from './leaks/leaks.repo.ts';
import { createInvestigationService } from './leaks/investigations.service.ts';
import { createTeamCanaryService } from './leaks/canary.team.ts';
import { createCanaryCallWatch } from './leaks/canary.call.ts';
import { createIncidentsRepo } from './incidents/incidents.repo.ts';
import { createIncidentService } from './incidents/incidents.service.ts';
import { createAffectedService } from './incidents/affected.service.ts';
import { createEmbeddedOutbox, type EmbeddedOutbox, type MessageSender } from './incidents/outbox.ts';
import { createNoticeService } from './incidents/notices.service.ts';
import { storeOf, tablesOf } from './store/db.ts';
import { createRateBudgets } from './store/budgets.ts';

export type AppOptions = {
  /** Where log lines go (tests capture them); stdout by default. */
  logDestination?: DestinationStream;
  clock?: Clock;
  bus?: EventBus;
  /** The telephony provider for masked contact; the embedded recorder by default. */
  telephony?: TelephonyProvider & Partial<Pick<EmbeddedTelephony, 'calls'>>;
  /** Where one-time codes are sent (SMS, e-mail); the embedded recorder by default. */
  messages?: MessageSender & Partial<Pick<EmbeddedOutbox, 'sent'>>;
};

/**
 * The composition root: builds every service once and hands each only what it uses.
 * The HTTP API, the CLI and the tests all start from here.
 * @example const app = await createApp(loadConfig(process.env)); ...; await app.close();
 */
export function createApp(config: Config, opts: AppOptions = {}) {
  // Everything opened is registered on one disposer stack: `close()` unwinds it, and so does a
  // failure half-way through building (no worker thread or connection is left open).
  return building((disposers) => build(config, opts, disposers));
}

async function build(config: Config, opts: AppOptions, disposers: Disposers) {
  const log = createLogger(config.logLevel, opts.logDestination);
  const clock = opts.clock ?? systemClock;
  const { ring, firstStart, store } = await openKeyedStore(config);
  disposers.push(() => store.close());
  const bus = opts.bus ?? createInProcessBus((err) => log.error({ err }, 'bus: a handler failed'));
  disposers.push(() => bus.close());
  const { kms, region, vault, repo: vaultRepo } = buildVault(config, { ring, store, bus, clock, log }, disposers);
  const auditSigner = auditSignerOf(config, ring);
  const auditRepo = createAuditRepo(storeOf(store));
  const audit = createAuditLog({
    repo: auditRepo,
    signer: auditSigner,
    clock,
    log,
    checkpointIntervalMs: config.auditCheckpointMs,
  });
  disposers.push(() => audit.close());
  // The one reader of clear values, built once, handed below to only the four modules listed in
  // src/vault/README.md ("Who may read clear values", checked by test/clear-path.test.ts), and not returned.
  const clear = createClearReader({ repo: vaultRepo, kms });
  const accessRepo = createAccessRepo(tablesOf(store.db));
  const apiKeys = createApiKeyService({ repo: accessRepo, clock, audit, maxDays: config.apiKeyDays });
  const devices = createDevicesService({
    repo: createDevicesRepo(tablesOf(store.db)),
    bus,
    clock,
    log,
    budgets: createRateBudgets(tablesOf(store.db), clock),
  });
  bus.subscribe((e) => devices.recordEvent(e));
  // Device changes (enrollment, build reports, quarantine) go to the audit log as they are published.
  bus.subscribe(async (e) => {
    if (e.type === 'device')
      await audit.append([
        {
          kind: 'device',
          actor: 'system',
          data: {
            device: e.id,
            station: e.station,
            build: e.build,
            device_kind: e.kind ?? null,
            status: e.status ?? null,
          },
        },
      ]);
  });
  const labelKey = deriveKey(ring.indexRoot, 'cloak/label-ref/v1');
  const waybillRepo = createWaybillRepo(storeOf(store));
  const canaries = createCanaryService({
    repo: createCanariesRepo(tablesOf(store.db)),
    vault,
    clock,
    phonePrefix: config.canaryPhonePrefix,
    emailDomains: config.canaryEmailDomain.split(','),
  });
  const waybill = createWaybillService({ repo: waybillRepo, vault, devices, labelKey, canaries, bus, clock, log });
  const telephony = opts.telephony ?? createEmbeddedTelephony(() => clock.now());
  const contact = createContactService({
    repo: waybillRepo,
    devices,
    vault,
    clear,
    telephony,
    numbers: config.relayNumbers.split(','),
    graceMinutes: config.relayGraceMinutes,
    bus,
    audit,
    clock,
    log,
  });
  const staff = createStaffService({ repo: accessRepo, clock, bus, audit, tokenHours: config.staffTokenHours });
  const explanations = createExplanationService({ repo: accessRepo, clock, bus, audit, vault, staff });
  const reviews = createReviewService({ repo: createReviewsRepo(tablesOf(store.db)), clock, bus, audit, vault });
  const policy = createPolicyService({ dir: config.policiesDir, log, now: () => clock.now() });
  const justificationKey = deriveKey(ring.indexRoot, 'cloak/audit-justification/v1');
  const reveals = createRevealService({
    repo: accessRepo,
    vault,
    clear,
    policy,
    audit,
    explanations,
    bus,
    clock,
    quota: parseQuotas(config.revealQuotas),
    budgets: createRateBudgets(tablesOf(store.db), clock),
    justificationKey,
  });
  const exports = createExportService({
    repo: accessRepo,
    vault,
    clear,
    waybill,
    policy,
    audit,
    bus,
    clock,
    dir: join(config.dataDir, 'exports'),
    perDay: config.exportsPerDay,
    budgets: createRateBudgets(tablesOf(store.db), clock),
    maxRows: config.exportMaxRows,
    watermarkKey: deriveKey(ring.indexRoot, 'cloak/export-watermark/v1'),
    canaries,
  });
  const reports = createReportService({
    audit,
    vault,
    clock,
    key: deriveKey(ring.indexRoot, 'cloak/customer-token/v1'),
    minutes: config.customerTokenMinutes,
  });
  const cases = createCaseService({
    repo: createDetectRepo(tablesOf(store.db)),
    clock,
    log,
    audit,
    devices,
    grants: reveals,
    reasonKey: justificationKey,
  });
  const detection = createLiveDetection({ bus, cases, clock, log });
  disposers.push(async () => {
    detection.stop();
    await detection.idle().catch(() => undefined);
  });
  const entities = createEntityService({
    cases,
    audit,
    staff,
    reveals,
    devices,
    waybill,
    detection,
    clock,
  });
  const incidentsRepo = createIncidentsRepo(tablesOf(store.db));
  const incidents = createIncidentService({ repo: incidentsRepo, clock, audit, vault, dpo: config.dpoContact });
  const outbox = opts.messages ?? createEmbeddedOutbox();
  const affected = createAffectedService({
    repo: incidentsRepo,
    clock,
    vault,
    incidents,
    sender: outbox,
    key: deriveKey(ring.indexRoot, 'cloak/affected-check/v1'),
    region: config.defaultRegion,
    budgets: createRateBudgets(tablesOf(store.db), clock),
  });
  // Customer notices go out through the same message provider as the one-time codes.
  const notices = createNoticeService({
    repo: incidentsRepo,
    clock,
    audit,
    incidents,
    vault,
    clear,
    sender: outbox,
  });
  disposers.push(watchCanaries({ bus, canaries, file: detection.file, log }));
  const teamCanaries = createTeamCanaryService({ clock, explanations, canaries, staff, audit, log });
  const canaryCalls = createCanaryCallWatch({
    vault,
    canaries,
    file: detection.file,
    callerKey: deriveKey(ring.indexRoot, 'cloak/canary-caller/v1'),
    region,
    clock,
    log,
  });
  const tracer = createTraceService({
    vault,
    waybill,
    devices,
    exports,
    canaries,
    audit,
    clock,
    log,
    watermarkKey: deriveKey(ring.indexRoot, 'cloak/export-watermark/v1'),
  });
  const investigations = createInvestigationService({
    repo: createLeaksRepo(tablesOf(store.db)),
    tracer,
    incidents,
    dir: join(config.dataDir, 'traces'),
    maxBytes: config.traceMaxBytes,
    quotaBytes: config.traceQuotaBytes,
    keepDays: config.traceKeepDays,
    clock,
    log,
    roleOf: async (actor) =>
      actor.startsWith('staff:') ? (await staff.get(actor.slice('staff:'.length))).role : undefined,
  });
  disposers.push(() => investigations.close());
  /** Reloads the policies (refused, and the old ones kept, if any file is broken); the change is in the audit log. */
  async function reloadPolicies(actor: string) {
    const info = policy.reload();
    await audit.append([
      {
        kind: 'policy',
        actor,
        result: 'loaded',
        data: { version: info.version, hash: info.hash, files: [...info.files], policies: [...info.policies] },
      },
    ]);
    return info;
  }
  return {
    config,
    log,
    staff,
    explanations,
    reviews,
    policy,
    reloadPolicies,
    reveals,
    exports,
    reports,
    cases,
    detection,
    entities,
    tracer,
    investigations,
    canaries,
    teamCanaries,
    canaryCalls,
    incidents,
    affected,
    notices,
    outbox,
    clock,
    store,
    bus,
    vault,
    apiKeys,
    devices,
    waybill,
    contact,
    telephony,
    kms,
    audit,
    auditRepo,
    auditSigner,
    /** True when this start created the keyring: a fresh data directory. */
    firstStart,
    /**
     * Starts what a serving node runs in the background (createApp builds, and starts nothing):
     * live detection, the leak investigations the last run left (with their retention sweep),
     * and the periodic rewrap after a key rotation. Returns how many investigations were
     * resumed. `close()` stops it all (each job's stop is on the same disposer stack).
     */
    async start(): Promise<{ resumed: number }> {
      detection.start();
      const stopRewrap = startRewrap({ vault, audit, log, seconds: config.rewrapIntervalSeconds });
      disposers.push(stopRewrap);
      return { resumed: await investigations.resume() };
    },
    /** Stops the background work and closes everything opened, newest first. */
    close: () => disposers.close(),
  };
}
export type App = Awaited<ReturnType<typeof createApp>>;

/**
 * Re-wraps data keys under the current key-encryption key every `seconds` (0: never), one run
 * at a time; what it did goes to the audit log. Returns the stop, which waits for a run in progress.
 */
function startRewrap(deps: {
  vault: Pick<VaultService, 'rewrap'>;
  audit: Pick<AuditLog, 'append'>;
  log: Logger;
  seconds: number;
}): () => Promise<void> {
  if (deps.seconds <= 0) return async () => undefined;
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running
      .then(async () => {
        const r = await deps.vault.rewrap();
        if (r.rewrapped > 0 || r.unreadable > 0)
          await deps.audit.append([
            {
              kind: 'key',
              actor: 'system:rewrap',
              result: 'rewrapped',
              data: { rewrapped: r.rewrapped, unreadable: r.unreadable },
            },
          ]);
      })
      .catch((err) => deps.log.error({ err }, 'background rewrap failed'));
  }, deps.seconds * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
