import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { isSupportedCountry } from 'libphonenumber-js/max';
import { InvalidInput } from './errors.ts';

/** The policies shipped with Cloak, beside `src/`. */
const SHIPPED_POLICIES = fileURLToPath(new URL('../../policies/', import.meta.url));

/** An address, a CIDR range (`10.0.0.0/8`, `fd00::/8`) or one of proxy-addr's names (loopback, linklocal, uniquelocal). */
function isProxyAddress(s: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(s)) return true;
  const [addr, bits, ...rest] = s.split('/');
  const v = isIP(addr ?? '');
  if (v === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (v === 4 ? 32 : 128));
}

/**
 * Every setting Cloak reads, in one schema. Read from the environment (`CLOAK_*`) and an
 * optional JSON file (`CLOAK_CONFIG_FILE`, same keys in camelCase; the environment wins),
 * parsed once at start and frozen. The defaults give a working embedded instance.
 */
export const configSchema = z
  .object({
    dataDir: z
      .string()
      .min(1)
      .default('./data')
      .describe('CLOAK_DATA_DIR: folder for the SQLite files and the key file'),
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL; leave it unset for embedded SQLite')
      .optional()
      .describe('CLOAK_DATABASE_URL: PostgreSQL connection URL; unset means SQLite under dataDir'),
    host: z.string().min(1).default('127.0.0.1').describe('CLOAK_HOST: address the HTTP API listens on'),
    port: z.coerce
      .number()
      .int()
      .min(0)
      .max(65535)
      .default(8080)
      .describe('CLOAK_PORT: TCP port of the HTTP API (0 picks a free one)'),
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info')
      .describe('CLOAK_LOG_LEVEL: pino log level'),
    defaultRegion: z
      .string()
      .refine((r) => isSupportedCountry(r), 'must be an ISO 3166 country code known to libphonenumber, e.g. VN or CN')
      .default('VN')
      .describe('CLOAK_DEFAULT_REGION: region assumed for phone numbers written without a country code'),
    keyringFile: z
      .string()
      .optional()
      .describe('CLOAK_KEYRING_FILE: key file (mode 0600), created at first start; default <dataDir>/keyring.json'),
    keyring: z
      .string()
      .optional()
      .describe(
        'CLOAK_KEYRING: the keyring as JSON in the environment instead of a file (rotation then happens by editing it)',
      ),
    rewrapIntervalSeconds: z.coerce
      .number()
      .int()
      .min(0)
      .default(30)
      .describe(
        'CLOAK_REWRAP_INTERVAL_SECONDS: how often the server rewraps data keys under the newest key version (0: never)',
      ),
    // One core is left to the main thread, which writes to the database while the workers
    // seal the next batch: on 2 cores one worker imported 100k rows in 19.4 s, two in 23.0 s.
    cryptoWorkers: z.coerce
      .number()
      .int()
      .min(0)
      .max(64)
      .default(Math.min(Math.max(availableParallelism() - 1, 1), 64))
      .describe(
        'CLOAK_CRYPTO_WORKERS: worker threads for bulk encryption (default: cores - 1; 0: encrypt on the main thread)',
      ),
    deviceMaxSkewSeconds: z.coerce
      .number()
      .int()
      .min(5)
      .max(3600)
      .default(300)
      .describe(
        'CLOAK_DEVICE_MAX_SKEW_SECONDS: how far a signed device request’s created time may be from the server clock',
      ),
    relayNumbers: z
      .string()
      .regex(/^\+\d{6,15}(,\+\d{6,15})*$/, 'must be E.164 numbers separated by commas')
      .default(Array.from({ length: 20 }, (_, i) => `+842871000${String(i + 1).padStart(3, '0')}`).join(','))
      .describe(
        'CLOAK_RELAY_NUMBERS: the pool of virtual numbers couriers call customers through (E.164, comma-separated)',
      ),
    relayGraceMinutes: z.coerce
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 60)
      .default(120)
      .describe('CLOAK_RELAY_GRACE_MINUTES: how long a relay binding outlives the delivery'),
    maxBatch: z.coerce
      .number()
      .int()
      .min(1)
      .max(10000)
      .default(1000)
      .describe('CLOAK_MAX_BATCH: most subjects one batch request may create'),
    auditOrigin: z
      .string()
      .regex(
        /^[\x21-\x2a\x2c-\x7e]{1,100}$/,
        'must be printable ASCII without spaces or "+", e.g. cloak.example.com/audit',
      )
      .default('cloak.local/audit')
      .describe(
        'CLOAK_AUDIT_ORIGIN: the name of this audit log in its checkpoints and its verifier key (make it unique, e.g. your host name + /audit)',
      ),
    auditCheckpointMs: z.coerce
      .number()
      .int()
      .min(50)
      .max(60_000)
      .default(1000)
      .describe('CLOAK_AUDIT_CHECKPOINT_MS: a checkpoint is signed at least this often while entries arrive'),
    policiesDir: z
      .string()
      .min(1)
      .default(SHIPPED_POLICIES)
      .describe(
        'CLOAK_POLICIES_DIR: folder of the Cedar policies (*.cedar) and their schema (schema.cedarschema); default: the policies shipped with Cloak',
      ),
    revealQuotas: z
      .string()
      .regex(/^([a-z_*]+=\d+)(,[a-z_*]+=\d+)*$/, 'must be role=count pairs separated by commas, e.g. support=60,*=20')
      .default('support=60,courier=200,analyst=20,admin=20,*=30')
      .describe('CLOAK_REVEAL_QUOTAS: most reveals one staff member may make in an hour, by role (* for the others)'),
    exportsPerDay: z.coerce
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(3)
      .describe('CLOAK_EXPORTS_PER_DAY: most bulk exports one staff member may request in 24 hours'),
    exportMaxRows: z.coerce
      .number()
      .int()
      .min(1)
      .max(10_000_000)
      .default(100_000)
      .describe('CLOAK_EXPORT_MAX_ROWS: most rows one export may hold'),
    bodyMaxBytes: z.coerce
      .number()
      .int()
      .min(1024)
      .max(64 * 2 ** 20)
      .default(2 ** 20)
      .describe(
        'CLOAK_BODY_MAX_BYTES: largest request body the API reads (only a trace upload, streamed to disk, may be larger: CLOAK_TRACE_MAX_BYTES)',
      ),
    publicBodySeconds: z.coerce
      .number()
      .int()
      .min(1)
      .max(600)
      .default(10)
      .describe(
        'CLOAK_PUBLIC_BODY_SECONDS: how long a route open to anyone (the affected check, device enrolment) waits for the whole body before answering 408',
      ),
    traceMaxBytes: z.coerce
      .number()
      .int()
      .min(1024)
      .max(64 * 2 ** 30)
      .default(4 * 2 ** 30)
      .describe('CLOAK_TRACE_MAX_BYTES: largest leaked file an upload for tracing may be'),
    traceQuotaBytes: z.coerce
      .number()
      .int()
      .min(1024)
      .max(2 ** 50)
      .default(16 * 2 ** 30)
      .describe(
        'CLOAK_TRACE_QUOTA_BYTES: most bytes of uploaded leak files one person may hold at once (delete finished ones to upload more)',
      ),
    traceKeepDays: z.coerce
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(180)
      .describe(
        'CLOAK_TRACE_KEEP_DAYS: days an uploaded leak file is kept once traced; then the file is removed and its record, hash and report stay',
      ),
    canaryPhonePrefix: z
      .string()
      .regex(/^\+\d{4,9}$/, 'must be + and 4-9 digits: the start of a block of numbers the company owns')
      .default('+8439')
      .describe(
        'CLOAK_CANARY_PHONE_PREFIX: canary customers get numbers in this block (set one your company owns, so calls to them reach you)',
      ),
    canaryEmailDomain: z
      .string()
      .regex(/^[a-z0-9.-]+\.[a-z]{2,}(,[a-z0-9.-]+\.[a-z]{2,})*$/, 'must be domain names separated by commas')
      .default('gmail.com,gmail.com,gmail.com,yahoo.com,yahoo.com.vn,outlook.com,hotmail.com,icloud.com')
      .describe(
        'CLOAK_CANARY_EMAIL_DOMAIN: canary customers get addresses at these domains, one picked at random for each (comma-separated; a domain listed twice is picked twice as often): the ones your customers use, so no domain tells a canary apart',
      ),
    dpoContact: z
      .string()
      .min(3)
      .max(200)
      .default('Data Protection Officer, dpo@example.vn')
      .describe('CLOAK_DPO_CONTACT: the data-protection officer named in regulator reports and customer notices'),
    trustedProxies: z
      .string()
      .default('')
      .transform((s) =>
        s
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean),
      )
      .refine(
        (list) => list.every(isProxyAddress),
        'must be IP addresses or CIDR ranges separated by commas, e.g. 10.0.0.0/8,127.0.0.1',
      )
      .describe(
        'CLOAK_TRUSTED_PROXIES: the reverse proxies in front of Cloak (IP addresses or CIDR ranges, comma-separated; default none). Only their X-Forwarded-For is believed, so per-client limits count the real client; from anyone else it is ignored',
      ),
    customerTokenMinutes: z.coerce
      .number()
      .int()
      .min(1)
      .max(1440)
      .default(15)
      .describe('CLOAK_CUSTOMER_TOKEN_MINUTES: how long a customer token for the access report lasts'),
    staffTokenHours: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(12)
      .describe('CLOAK_STAFF_TOKEN_HOURS: how long a staff sign-in token (cst.…) lasts from when it is issued'),
    apiKeyDays: z.coerce
      .number()
      .int()
      .min(1)
      .max(3650)
      .default(90)
      .describe(
        'CLOAK_API_KEY_DAYS: how long an API key lasts from its creation or rotation (the most; a key may be created with fewer days)',
      ),
  })
  .strict();

export type Config = Readonly<z.infer<typeof configSchema>> & { readonly keyringFile: string };

const ENV: Record<keyof z.infer<typeof configSchema>, string> = {
  dataDir: 'CLOAK_DATA_DIR',
  databaseUrl: 'CLOAK_DATABASE_URL',
  host: 'CLOAK_HOST',
  port: 'CLOAK_PORT',
  logLevel: 'CLOAK_LOG_LEVEL',
  defaultRegion: 'CLOAK_DEFAULT_REGION',
  keyringFile: 'CLOAK_KEYRING_FILE',
  keyring: 'CLOAK_KEYRING',
  rewrapIntervalSeconds: 'CLOAK_REWRAP_INTERVAL_SECONDS',
  cryptoWorkers: 'CLOAK_CRYPTO_WORKERS',
  maxBatch: 'CLOAK_MAX_BATCH',
  deviceMaxSkewSeconds: 'CLOAK_DEVICE_MAX_SKEW_SECONDS',
  relayNumbers: 'CLOAK_RELAY_NUMBERS',
  relayGraceMinutes: 'CLOAK_RELAY_GRACE_MINUTES',
  auditOrigin: 'CLOAK_AUDIT_ORIGIN',
  auditCheckpointMs: 'CLOAK_AUDIT_CHECKPOINT_MS',
  policiesDir: 'CLOAK_POLICIES_DIR',
  revealQuotas: 'CLOAK_REVEAL_QUOTAS',
  exportsPerDay: 'CLOAK_EXPORTS_PER_DAY',
  exportMaxRows: 'CLOAK_EXPORT_MAX_ROWS',
  bodyMaxBytes: 'CLOAK_BODY_MAX_BYTES',
  publicBodySeconds: 'CLOAK_PUBLIC_BODY_SECONDS',
  traceMaxBytes: 'CLOAK_TRACE_MAX_BYTES',
  traceQuotaBytes: 'CLOAK_TRACE_QUOTA_BYTES',
  traceKeepDays: 'CLOAK_TRACE_KEEP_DAYS',
  customerTokenMinutes: 'CLOAK_CUSTOMER_TOKEN_MINUTES',
  staffTokenHours: 'CLOAK_STAFF_TOKEN_HOURS',
  apiKeyDays: 'CLOAK_API_KEY_DAYS',
  trustedProxies: 'CLOAK_TRUSTED_PROXIES',
  canaryPhonePrefix: 'CLOAK_CANARY_PHONE_PREFIX',
  dpoContact: 'CLOAK_DPO_CONTACT',
  canaryEmailDomain: 'CLOAK_CANARY_EMAIL_DOMAIN',
};

/**
 * Parses the configuration once. A bad setting stops the start with a message naming it
 * (by its environment variable), never echoing secret values.
 * @example const config = loadConfig(process.env);
 */
export function loadConfig(env: NodeJS.ProcessEnv, overrides: Partial<Record<keyof typeof ENV, unknown>> = {}): Config {
  let fromFile: Record<string, unknown> = {};
  const file = env.CLOAK_CONFIG_FILE;
  if (file) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new InvalidInput(
        `CLOAK_CONFIG_FILE: cannot read ${file} as JSON (${(e as NodeJS.ErrnoException).code ?? 'parse error'})`,
      );
    }
  }
  const raw: Record<string, unknown> = { ...fromFile };
  for (const [key, name] of Object.entries(ENV)) {
    const v = env[name];
    if (v !== undefined && v !== '') raw[key] = v;
  }
  for (const [key, v] of Object.entries(overrides)) if (v !== undefined) raw[key] = v;
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? '');
      const name = ENV[key as keyof typeof ENV] ?? key;
      return {
        path: name,
        problem: i.code === 'unrecognized_keys' ? `unknown settings: ${i.keys.join(', ')}` : i.message,
      };
    });
    throw new InvalidInput(`bad configuration: ${details.map((d) => `${d.path}: ${d.problem}`).join('; ')}`, details);
  }
  const c = parsed.data;
  return Object.freeze({
    ...c,
    dataDir: resolve(c.dataDir),
    keyringFile: resolve(c.keyringFile ?? resolve(c.dataDir, 'keyring.json')),
    policiesDir: resolve(c.policiesDir),
  });
}
