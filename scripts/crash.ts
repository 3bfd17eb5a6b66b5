/**
 * The crash campaign: `npm run crash -- --db sqlite|postgres --kills N --seed S`.
 *
 * WHAT RUNS. A real `node bin/cloak.js serve` child on a fresh data folder (and, for
 * PostgreSQL, a fresh database this script creates and drops). Several concurrent clients
 * drive a mixed load through the real HTTP API (and the real CLI), all seeded:
 *   - subject creation, one at a time (POST /v1/subjects) and in all-or-none batches of 5-40
 *     (POST /v1/subjects/batch), with a random subset of name/phone/email/address;
 *   - bulk import: `cloak import file.ndjson --batch 25` as its own process on the same storage;
 *   - reveals: a ticket is opened for a support agent (POST /v1/explanations), the agent reveals
 *     the phone for `ticket_followup` (POST /v1/reveal, which appends an audit entry first);
 *   - device scans: a parcel (POST /v1/parcels), then a scanner enrolled over HTTP with its own
 *     Ed25519 key sends a signed batch (POST /v1/device/scans) with exact, unique times;
 *   - exports: an analyst asks (POST /v1/exports), a supervisor approves, Cloak writes the CSV;
 *   - a witness polling GET /log/checkpoint, checking each new checkpoint's signature and its
 *     consistency proof from the previous one (GET /v1/audit/proofs/consistency), verified by the
 *     independent RFC 9162 verifier in test/rfc9162.ts.
 * After a seeded random 0.4-7 s of load (an import takes 3-5 s), the server (and a running import) gets SIGKILL.
 *
 * WHAT COUNTS AS ACKNOWLEDGED. A 2xx answer received by the client (for the CLI import: exit 0),
 * with what it said: the token and masks of each subject, the audit index of a reveal, the
 * parcel, each accepted scan (parcel, step, time, device), the export's status, rows and hash,
 * the ticket. A request whose answer never came (killed mid-flight) is not acknowledged; what it
 * sent is still remembered, so a row it may have left can be checked for completeness.
 *
 * CHECKS, after every kill:
 *   1. on the storage the crash left, read-only, in one snapshot (PostgreSQL: once no backend of
 *      the dead server remains; REPEATABLE READ), with the server down:
 *      - half-written: a live subject row without its data key (same token) in the key store,
 *        or whose field rows are not exactly the fields its request sent, or whose blind-index
 *        rows are not exactly the scopes those fields give (name: name + name_folded; phone;
 *        email; address: none); a subject no request of this campaign sent must still have its
 *        key and fields;
 *      - lost: an acknowledged subject (any run so far, not just the last) missing, or with
 *        other fields or masks than acknowledged; an imported external id missing;
 *   2. `node bin/cloak.js audit verify` on the same environment exits 0 (else a verify failure);
 *   3. restart on the same storage; over HTTP, everything acknowledged in the run just killed:
 *      the subject reads back by token with the acknowledged masks; the reveal's entry at its
 *      index is a reveal of that subject and field, with an inclusion proof against the new
 *      checkpoint; the parcel exists; each scan is in its parcel's timeline; the export has the
 *      acknowledged status (or a later one), and a written export its rows and hash; the ticket
 *      exists. Any miss is lost;
 *   4. the new checkpoint is validly signed by the same key, its size never smaller than the
 *      last one the witness saw before the kill, the same root at the same size, else a valid
 *      consistency proof; it covers every acknowledged audit index (else inconsistent).
 * At the end, every acknowledgement of the whole campaign is checked once more over HTTP.
 * Output: one line per kill, then
 *   CRASH db=sqlite kills=100 acknowledged=NNNN lost=0 half_written=0 verify_failures=0 inconsistent_checkpoints=0
 * and exit 1 if any count but kills and acknowledged is not zero. No personal data is printed:
 * problems name tokens, external ids and field names only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { CLOAK_BIN, runCloak } from '../test/cli.ts';
import { PG_ADMIN_URL, withPgAdmin } from '../test/dialects.ts';
import { rfcLeafHash, rfcVerifyConsistency, rfcVerifyInclusion } from '../test/rfc9162.ts';
import { signDeviceRequest } from '../src/devices/httpsig.ts';
import { openNote, parseCheckpoint, parseVerifierKey, type NoteVerifier } from '../src/audit/note.ts';
import { decodeEntry } from '../src/audit/entry.ts';
import { createPeople } from '../src/lib/people.ts';

export type CrashOptions = {
  readonly db: 'sqlite' | 'postgres';
  readonly kills: number;
  readonly seed: number;
  /** Concurrent HTTP clients (besides the importer and the witness). */
  readonly clients?: number;
  /** Load time before each kill: uniform in [minUpMs, maxUpMs]. */
  readonly minUpMs?: number;
  readonly maxUpMs?: number;
  /** Run the CLI importer too (default true). */
  readonly importer?: boolean;
  /** Where the data folder goes (default: a fresh temporary folder). */
  readonly workDir?: string;
  /** Keep the data folder and database at the end. */
  readonly keep?: boolean;
  readonly log?: (line: string) => void;
  /** Called after each kill, before the checks: tests use it to damage the storage and see the checks fail. */
  readonly afterKill?: (h: CrashHandle) => Promise<void>;
};

/** What `afterKill` gets: the storage, and the acknowledged writes so far. */
export type CrashHandle = {
  readonly kill: number;
  readonly env: Record<string, string>;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly acks: readonly Ack[];
};

export type Summary = {
  readonly db: string;
  readonly kills: number;
  readonly acknowledged: number;
  readonly lost: number;
  readonly halfWritten: number;
  readonly verifyFailures: number;
  readonly inconsistentCheckpoints: number;
  /** The first problems found (no personal data). */
  readonly problems: readonly string[];
  /** Each kill's own counts (before the final check). */
  readonly perKill: readonly KillResult[];
};
export type KillResult = {
  readonly kill: number;
  readonly acknowledged: number;
  readonly lost: number;
  readonly halfWritten: number;
  readonly verifyFailures: number;
  readonly inconsistentCheckpoints: number;
};

type Masks = Record<string, string>;
export type Ack =
  | {
      readonly type: 'subject';
      readonly run: number;
      readonly token: string;
      readonly externalId: string;
      readonly fields: readonly string[];
      readonly masks: Masks;
    }
  | { readonly type: 'imported'; readonly run: number; readonly externalId: string; readonly fields: readonly string[] }
  | { readonly type: 'ticket'; readonly run: number; readonly id: string }
  | {
      readonly type: 'reveal';
      readonly run: number;
      readonly index: number;
      readonly subject: string;
      readonly field: string;
    }
  | { readonly type: 'parcel'; readonly run: number; readonly tracking: string; readonly recipient: string }
  | {
      readonly type: 'scan';
      readonly run: number;
      readonly tracking: string;
      readonly step: string;
      readonly at: string;
      readonly device: string;
    }
  | {
      readonly type: 'export';
      readonly run: number;
      readonly id: string;
      readonly requester: string;
      readonly status: 'pending' | 'written';
      readonly rows: number | null;
      readonly sha256: string | null;
    };

type Staff = { readonly id: string; readonly token: string };
type Checkpoint = { readonly size: number; readonly root: Buffer; readonly note: string };

const SCOPES_OF: Record<string, readonly string[]> = {
  name: ['name', 'name_folded'],
  phone: ['phone'],
  email: ['email'],
  address: [],
};
const ALL_FIELDS = ['name', 'phone', 'email', 'address'] as const;

export function summaryLine(s: Summary): string {
  return `CRASH db=${s.db} kills=${s.kills} acknowledged=${s.acknowledged} lost=${s.lost} half_written=${s.halfWritten} verify_failures=${s.verifyFailures} inconsistent_checkpoints=${s.inconsistentCheckpoints}`;
}

/** mulberry32: a small seeded generator, so a campaign can be replayed by its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A `cloak serve` child and the address it printed. */
type Server = {
  readonly child: ChildProcess;
  readonly url: string;
  readonly adminKey: string | undefined;
  readonly exited: Promise<void>;
};

function startServe(env: Record<string, string>): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLOAK_BIN, 'serve'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let done = false;
    const exited = new Promise<void>((r) => child.on('close', () => r()));
    const timer = setTimeout(() => finish(new Error('cloak serve did not start within 60 s')), 60_000);
    function finish(e?: Error) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (e) {
        child.kill('SIGKILL');
        reject(e);
        return;
      }
      const url = /API:\s+(http:\/\/\S+)/.exec(out)![1]!;
      const adminKey = /Admin API key[^:]*:\s+(\S+)/.exec(out)?.[1];
      resolve({ child, url, adminKey, exited });
    }
    child.stdout.on('data', (d) => {
      out += d;
      // The banner ends with the dashboard line (after the admin key, when one is printed).
      if (/Dashboard: /.test(out)) finish();
    });
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code, signal) =>
      finish(new Error(`cloak serve exited (${code ?? signal}) before it was ready: ${err.slice(-400)}`)),
    );
  });
}

class Http {
  constructor(
    public url: string,
    private readonly signal: AbortSignal,
  ) {}
  async call(
    method: string,
    path: string,
    auth: string | undefined,
    body?: unknown,
  ): Promise<{ status: number; json: any; text: string }> {
    const headers: Record<string, string> = {};
    if (auth) headers.authorization = `Bearer ${auth}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(`${this.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.any([this.signal, AbortSignal.timeout(30_000)]),
    });
    const text = await r.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: r.status, json, text };
  }
  async device(
    d: { id: string; key: KeyObject },
    method: string,
    path: string,
    body: unknown,
  ): Promise<{ status: number; json: any }> {
    const raw = Buffer.from(JSON.stringify(body));
    const base = {
      method,
      url: path,
      headers: { host: new URL(this.url).host, 'content-type': 'application/json' },
      body: raw,
    };
    const headers = { ...base.headers, ...(await signDeviceRequest(base, { keyid: d.id, privateKey: d.key })) };
    const r = await fetch(`${this.url}${path}`, {
      method,
      headers,
      body: new Uint8Array(raw),
      signal: AbortSignal.any([this.signal, AbortSignal.timeout(30_000)]),
    });
    const text = await r.text();
    return { status: r.status, json: text ? JSON.parse(text) : undefined };
  }
}

function must(r: { status: number; text: string }, want: number, what: string) {
  if (r.status !== want) throw new Error(`${what}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
}

/** One live subject as the storage holds it. */
type Row = {
  id: number;
  token: string;
  kind: string;
  externalId: string | null;
  key: string | null;
  fields: Map<string, string>;
  scopes: string[];
};

/** Reads every live subject with its key, fields and index scopes, read-only, in one snapshot. */
async function readStorage(
  dataDir: string,
  databaseUrl: string | undefined,
): Promise<{ rows: Row[]; orphanKeys: number; exportsWriting: number }> {
  let subjects: { id: number; token: string; kind: string; external_id: string | null }[];
  let keys: { subject_id: number; token: string }[];
  let fields: { subject_id: number; field: string; mask: string }[];
  let index: { subject_id: number; scope: string }[];
  let writing: number;
  if (!databaseUrl) {
    const db = new BetterSqlite3(join(dataDir, 'cloak.db'), { readonly: true, fileMustExist: true });
    try {
      // A read-only connection attaches read-only too.
      db.prepare('attach database ? as cloak_keys').run(join(dataDir, 'keys.db'));
      db.exec('begin');
      subjects = db
        .prepare('select id, token, kind, external_id from vault_subjects where erased_at is null')
        .all() as typeof subjects;
      keys = db.prepare('select subject_id, token from cloak_keys.vault_data_keys').all() as typeof keys;
      fields = db.prepare('select subject_id, field, mask from vault_fields').all() as typeof fields;
      index = db.prepare('select subject_id, scope from vault_index').all() as typeof index;
      writing = (db.prepare(`select count(*) as n from exports where status = 'writing'`).get() as { n: number }).n;
      db.exec('commit');
    } finally {
      db.close();
    }
  } else {
    const c = new pg.Client({
      connectionString: databaseUrl,
      types: {
        getTypeParser: ((oid: number, f?: 'text') =>
          oid === 20 ? Number : pg.types.getTypeParser(oid, f)) as typeof pg.types.getTypeParser,
      },
    });
    await c.connect();
    try {
      await c.query('begin transaction isolation level repeatable read read only');
      subjects = (await c.query('select id, token, kind, external_id from vault_subjects where erased_at is null'))
        .rows;
      keys = (await c.query('select subject_id, token from cloak_keys.vault_data_keys')).rows;
      fields = (await c.query('select subject_id, field, mask from vault_fields')).rows;
      index = (await c.query('select subject_id, scope from vault_index')).rows;
      writing = (await c.query(`select count(*)::int as n from exports where status = 'writing'`)).rows[0].n;
      await c.query('commit');
    } finally {
      await c.end();
    }
  }
  const byId = new Map<number, Row>();
  for (const s of subjects)
    byId.set(Number(s.id), {
      id: Number(s.id),
      token: s.token,
      kind: s.kind,
      externalId: s.external_id,
      key: null,
      fields: new Map(),
      scopes: [],
    });
  let orphanKeys = 0;
  for (const k of keys) {
    const r = byId.get(Number(k.subject_id));
    if (r) r.key = k.token;
    else orphanKeys++;
  }
  for (const f of fields) byId.get(Number(f.subject_id))?.fields.set(f.field, f.mask);
  for (const i of index) byId.get(Number(i.subject_id))?.scopes.push(i.scope);
  return { rows: [...byId.values()], orphanKeys, exportsWriting: writing };
}

const sameSet = (a: Iterable<string>, b: Iterable<string>) => {
  const x = [...a].sort();
  const y = [...b].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
};

export async function runCampaign(o: CrashOptions): Promise<Summary> {
  const log = o.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const rand = rng(o.seed);
  const people = createPeople(o.seed);
  const clients = o.clients ?? 4;
  const minUp = o.minUpMs ?? 400;
  const maxUp = o.maxUpMs ?? 7000;
  const work = o.workDir ?? mkdtempSync(join(tmpdir(), 'cloak-crash-'));
  mkdirSync(work, { recursive: true });
  const dataDir = join(work, 'data');
  let databaseUrl: string | undefined;
  let dbName: string | undefined;
  if (o.db === 'postgres') {
    dbName = `cloak_crash_${o.seed}_${process.pid}`;
    await withPgAdmin((c) => c.query(`create database ${dbName}`));
    const u = new URL(PG_ADMIN_URL);
    u.pathname = `/${dbName}`;
    databaseUrl = u.toString();
  }
  const env: Record<string, string> = {
    CLOAK_DATA_DIR: dataDir,
    ...(databaseUrl ? { CLOAK_DATABASE_URL: databaseUrl } : {}),
    CLOAK_PORT: '0',
    CLOAK_HOST: '127.0.0.1',
    CLOAK_LOG_LEVEL: 'silent',
    CLOAK_CRYPTO_WORKERS: '0',
    CLOAK_REWRAP_INTERVAL_SECONDS: '0',
    CLOAK_AUDIT_CHECKPOINT_MS: '200',
    CLOAK_REVEAL_QUOTAS: '*=1000000',
    CLOAK_EXPORTS_PER_DAY: '1000',
  };

  const acks: Ack[] = [];
  /** Every subject request sent (acknowledged or not), by external id: the fields it asked for. */
  const sent = new Map<string, readonly string[]>();
  const problems: string[] = [];
  const counts = { lost: 0, halfWritten: 0, verifyFailures: 0, inconsistent: 0 };
  const problem = (kind: keyof typeof counts, msg: string) => {
    counts[kind]++;
    if (problems.length < 50) problems.push(`${kind}: ${msg}`);
  };
  const perKill: KillResult[] = [];
  let next = 0; // person / external id counter
  let seq = 0; // tickets, scan times
  let runNo = 0;

  let server = await startServe(env);
  const admin = server.adminKey!;
  if (!admin) throw new Error('the first start printed no admin API key');
  const setupAbort = new AbortController();
  const h0 = new Http(server.url, setupAbort.signal);
  const verifierKey = (await h0.call('GET', '/log/key', undefined)).text.trim();
  const verifier: NoteVerifier = parseVerifierKey(verifierKey);
  // Staff, stations, a scanner: set up once (acknowledged like everything else, and read back through every run).
  const staff = async (id: string, role: string): Promise<Staff> => {
    const r = await h0.call('POST', '/v1/staff', admin, { id, role, team: 'crash' });
    must(r, 201, `staff ${id}`);
    return { id, token: r.json.token };
  };
  const support: Staff[] = [];
  const analysts: Staff[] = [];
  for (let i = 0; i < clients; i++) support.push(await staff(`crash-support-${i}`, 'support'));
  for (let i = 0; i < clients; i++) analysts.push(await staff(`crash-analyst-${i}`, 'analyst'));
  const supervisor = await staff('crash-supervisor', 'supervisor');
  must(
    await h0.call('POST', '/v1/stations', admin, { id: 'crash-hub', name: 'Crash hub', kind: 'hub' }),
    201,
    'station',
  );
  must(
    await h0.call('POST', '/v1/stations', admin, { id: 'crash-st', name: 'Crash station', kind: 'delivery' }),
    201,
    'station',
  );
  const build = 'c'.repeat(64);
  const allowed = await h0.call('POST', '/v1/device-builds', admin, { build, note: 'crash campaign' });
  if (allowed.status >= 300) throw new Error(`device build: ${allowed.status} ${allowed.text}`);
  const scannerKey = generateKeyPairSync('ed25519');
  const code = await h0.call('POST', '/v1/stations/crash-st/enrollment-codes', admin, { kind: 'scanner' });
  must(code, 201, 'enrollment code');
  const enrolled = await h0.call('POST', '/v1/devices/enroll', undefined, {
    code: code.json.code,
    publicKey: Buffer.from(scannerKey.publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('base64'),
    build,
  });
  must(enrolled, 201, 'enroll');
  const scanner = { id: enrolled.json.id as string, key: scannerKey.privateKey };

  let witnessed: Checkpoint | undefined;
  const readCheckpoint = async (h: Http): Promise<Checkpoint> => {
    const r = await h.call('GET', '/log/checkpoint', undefined);
    must(r, 200, 'checkpoint');
    const opened = openNote(r.text, [verifier]);
    if (opened.sigs.length === 0) throw new Error('checkpoint not signed by the log key');
    const c = parseCheckpoint(opened.text);
    return { size: Number(c.size), root: c.rootHash, note: r.text };
  };
  /** Checks `now` against the last checkpoint witnessed; returns false (and counts) when inconsistent. */
  const consistent = async (
    h: Http,
    before: Checkpoint | undefined,
    now: Checkpoint,
    where: string,
  ): Promise<boolean> => {
    if (!before) return true;
    if (now.size < before.size) {
      problem('inconsistent', `${where}: checkpoint size went from ${before.size} to ${now.size}`);
      return false;
    }
    if (now.size === before.size) {
      if (!now.root.equals(before.root)) {
        problem('inconsistent', `${where}: two roots at size ${now.size}`);
        return false;
      }
      return true;
    }
    if (before.size === 0) return true;
    const p = await h.call('GET', `/v1/audit/proofs/consistency?from=${before.size}&to=${now.size}`, admin);
    if (
      p.status !== 200 ||
      !rfcVerifyConsistency(
        before.size,
        now.size,
        before.root,
        now.root,
        (p.json.proof as string[]).map((x) => Buffer.from(x, 'base64')),
      )
    ) {
      problem(
        'inconsistent',
        `${where}: no valid consistency proof from ${before.size} to ${now.size} (HTTP ${p.status})`,
      );
      return false;
    }
    return true;
  };
  witnessed = await readCheckpoint(h0);

  const liveSubjects = (): string[] => acks.flatMap((a) => (a.type === 'subject' ? [a.token] : []));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const person = (fields: readonly string[]) => {
    const p = people.person(next);
    const externalId = `crash-${o.seed}-${next++}`;
    const all: Record<string, string> = { name: p.name, phone: p.phone, email: p.email, address: p.address };
    const f: Record<string, string> = {};
    for (const k of fields) f[k] = all[k]!;
    sent.set(externalId, fields);
    return { externalId, fields: f };
  };
  const someFields = () => {
    const f = ALL_FIELDS.filter(() => rand() < 0.7);
    return f.length ? f : ['phone'];
  };

  const kills = o.kills;
  for (let k = 1; k <= kills; k++) {
    runNo = k;
    const run = k;
    const abort = new AbortController();
    const h = new Http(server.url, abort.signal);
    let stopped = false;
    let importer: ChildProcess | undefined;
    const before = acks.length;
    const countsBefore = { ...counts };
    const ops = { subject: 0, batch: 0, reveal: 0, scan: 0, export: 0, import: 0, importsKilled: 0, failed: 0 };

    const client = async (c: number) => {
      while (!stopped) {
        const x = rand();
        try {
          if (x < 0.3) {
            const body = person(someFields());
            const r = await h.call('POST', '/v1/subjects', admin, body);
            if (r.status === 201) {
              acks.push({
                type: 'subject',
                run,
                token: r.json.token,
                externalId: body.externalId,
                fields: Object.keys(body.fields),
                masks: r.json.fields,
              });
              ops.subject++;
            } else if (!stopped) throw new Error(`create: HTTP ${r.status} ${r.text.slice(0, 200)}`);
          } else if (x < 0.5) {
            const n = 5 + Math.floor(rand() * 36);
            const items = Array.from({ length: n }, () => person(someFields()));
            const r = await h.call('POST', '/v1/subjects/batch', admin, { subjects: items });
            if (r.status === 200) {
              (r.json.results as { token: string; externalId: string; created: boolean; fields: Masks }[]).forEach(
                (res, i) => {
                  if (res.created)
                    acks.push({
                      type: 'subject',
                      run,
                      token: res.token,
                      externalId: items[i]!.externalId,
                      fields: Object.keys(items[i]!.fields),
                      masks: res.fields,
                    });
                },
              );
              ops.batch++;
            } else if (!stopped) throw new Error(`batch: HTTP ${r.status} ${r.text.slice(0, 200)}`);
          } else if (x < 0.7) {
            const withPhone = acks.filter(
              (a): a is Extract<Ack, { type: 'subject' }> => a.type === 'subject' && a.fields.includes('phone'),
            );
            if (withPhone.length === 0) continue;
            const subject = pick(withPhone).token;
            const agent = support[c]!;
            const ticket = `crash-t-${o.seed}-${seq++}`;
            const t = await h.call('POST', '/v1/explanations', admin, {
              kind: 'ticket',
              id: ticket,
              staff: agent.id,
              subject,
            });
            if (t.status !== 201) {
              if (!stopped) throw new Error(`ticket: HTTP ${t.status} ${t.text.slice(0, 200)}`);
              continue;
            }
            acks.push({ type: 'ticket', run, id: ticket });
            const r = await h.call('POST', '/v1/reveal', agent.token, {
              subject,
              field: 'phone',
              purpose: 'ticket_followup',
              explanation: ticket,
            });
            if (r.status === 200 && r.json.result === 'ok') {
              acks.push({ type: 'reveal', run, index: r.json.auditIndex, subject, field: 'phone' });
              ops.reveal++;
            } else if (!stopped)
              throw new Error(`reveal: HTTP ${r.status} ${r.status === 200 ? r.json.result : r.text.slice(0, 200)}`);
          } else if (x < 0.9) {
            const subs = liveSubjects();
            if (subs.length === 0) continue;
            const recipient = pick(subs);
            const p = await h.call('POST', '/v1/parcels', admin, {
              recipient,
              origin: 'crash-hub',
              destination: 'crash-st',
            });
            if (p.status !== 201) {
              if (!stopped) throw new Error(`parcel: HTTP ${p.status} ${p.text.slice(0, 200)}`);
              continue;
            }
            const tracking = p.json.tracking as string;
            acks.push({ type: 'parcel', run, tracking, recipient });
            const base = Date.now() - 60_000;
            const scans = ['inbound', 'sort'].map((step) => ({
              parcel: tracking,
              step,
              at: new Date(base - seq++).toISOString(),
            }));
            const r = await h.device(scanner, 'POST', '/v1/device/scans', { scans });
            if (r.status === 200 && r.json.accepted === scans.length) {
              for (const s of scans)
                acks.push({ type: 'scan', run, tracking, step: s.step, at: s.at, device: scanner.id });
              ops.scan++;
            } else if (!stopped) throw new Error(`scans: HTTP ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`);
          } else {
            const analyst = analysts[c]!;
            const r = await h.call('POST', '/v1/exports', analyst.token, {
              dataset: 'sales',
              recipient: 'crash campaign',
              purpose: 'monthly_report',
            });
            if (r.status !== 201) {
              if (!stopped) throw new Error(`export: HTTP ${r.status} ${r.text.slice(0, 200)}`);
              continue;
            }
            const id = r.json.id as string;
            acks.push({ type: 'export', run, id, requester: analyst.id, status: 'pending', rows: null, sha256: null });
            const d = await h.call('POST', `/v1/exports/${id}/approve`, supervisor.token);
            if (d.status === 200 && d.json.status === 'written') {
              acks.push({
                type: 'export',
                run,
                id,
                requester: analyst.id,
                status: 'written',
                rows: d.json.rows,
                sha256: d.json.sha256,
              });
              ops.export++;
            } else if (!stopped) throw new Error(`approve: HTTP ${d.status} ${d.text.slice(0, 200)}`);
          }
        } catch (e) {
          if (stopped) return;
          ops.failed++;
          problems.length < 50 && problems.push(`load (run ${run}): ${(e as Error).message}`);
          await sleep(50);
        }
      }
    };

    const importLoop = async () => {
      while (!stopped) {
        const n = 50 + Math.floor(rand() * 150);
        const items = Array.from({ length: n }, () => person(someFields()));
        const file = join(work, `import-${run}-${seq++}.ndjson`);
        writeFileSync(
          file,
          items.map((i) => JSON.stringify({ external_id: i.externalId, ...i.fields })).join('\n') + '\n',
        );
        const r = await runCloak(['import', file, '--batch', '25'], env, (c) => (importer = c));
        importer = undefined;
        rmSync(file, { force: true });
        if (r.code === 0) {
          for (const i of items)
            acks.push({ type: 'imported', run, externalId: i.externalId, fields: Object.keys(i.fields) });
          ops.import++;
        } else if (stopped) ops.importsKilled++;
        else {
          problems.length < 50 && problems.push(`import (run ${run}): exit ${r.code} ${r.stderr.slice(-200)}`);
          await sleep(200);
        }
      }
    };

    const witness = async () => {
      while (!stopped) {
        try {
          const c = await readCheckpoint(h);
          if (!stopped) {
            await consistent(h, witnessed, c, `run ${run} witness`);
            if (!witnessed || c.size >= witnessed.size) witnessed = c;
          }
        } catch {
          if (stopped) return;
        }
        await sleep(150);
      }
    };

    const loops = [
      ...Array.from({ length: clients }, (_, c) => client(c)),
      witness(),
      ...(o.importer === false ? [] : [importLoop()]),
    ];
    const upMs = Math.round(minUp + rand() * (maxUp - minUp));
    await sleep(upMs);
    // The crash: the server and a running import die at once, with whatever they had in flight.
    stopped = true;
    server.child.kill('SIGKILL');
    importer?.kill('SIGKILL');
    await server.exited;
    abort.abort();
    await Promise.allSettled(loops);
    const lastSeen = witnessed;

    // 1. The storage as the crash left it.
    if (databaseUrl) {
      for (let i = 0; i < 100; i++) {
        const n = await withPgAdmin((c) =>
          c.query('select count(*)::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [
            dbName,
          ]),
        );
        if (n.rows[0].n === 0) break;
        await sleep(50);
      }
    }
    const t0 = Date.now();
    await o.afterKill?.({ kill: k, env, dataDir, databaseUrl, acks });
    const { rows, orphanKeys, exportsWriting } = await readStorage(dataDir, databaseUrl);
    const byToken = new Map(rows.map((r) => [r.token, r]));
    const byExternal = new Map(rows.filter((r) => r.externalId !== null).map((r) => [r.externalId!, r]));
    const halfBefore = counts.halfWritten;
    for (const r of rows) {
      const expect = r.externalId !== null ? sent.get(r.externalId) : undefined;
      if (!expect) {
        // Not one of ours (none is expected: Cloak plants canaries only when asked): at least whole.
        if (r.key !== r.token || r.fields.size === 0)
          problem(
            'halfWritten',
            `subject ${r.token} (not sent by this campaign): ${r.key !== r.token ? 'no data key' : 'no fields'}`,
          );
        continue;
      }
      if (r.key !== r.token)
        problem(
          'halfWritten',
          `subject ${r.token} (${r.externalId}): ${r.key === null ? 'no data key' : 'data key of another token'}`,
        );
      if (!sameSet(r.fields.keys(), expect))
        problem(
          'halfWritten',
          `subject ${r.token} (${r.externalId}): fields [${[...r.fields.keys()].sort()}] where [${[...expect].sort()}] were sent`,
        );
      const scopes = expect.flatMap((f) => SCOPES_OF[f] ?? []);
      if (!sameSet(r.scopes, scopes))
        problem(
          'halfWritten',
          `subject ${r.token} (${r.externalId}): index scopes [${r.scopes.sort()}] where [${scopes.sort()}] are due`,
        );
    }
    const lostBefore = counts.lost;
    for (const a of acks) {
      if (a.type === 'subject') {
        const r = byToken.get(a.token);
        if (!r) problem('lost', `run ${a.run}: acknowledged subject ${a.token} (${a.externalId}) is not stored`);
        else if (!sameSet(r.fields.keys(), a.fields) || a.fields.some((f) => r.fields.get(f) !== a.masks[f]))
          problem('lost', `run ${a.run}: subject ${a.token}: its fields or masks differ from the acknowledged ones`);
      } else if (a.type === 'imported') {
        const r = byExternal.get(a.externalId);
        if (!r) problem('lost', `run ${a.run}: imported ${a.externalId} is not stored`);
        else if (!sameSet(r.fields.keys(), a.fields))
          problem('lost', `run ${a.run}: imported ${a.externalId}: fields differ`);
      }
    }

    // 2. The log verifies on the crashed storage.
    const t1 = Date.now();
    const v = await runCloak(['audit', 'verify'], env);
    const verifyOk = v.code === 0;
    if (!verifyOk)
      problem(
        'verifyFailures',
        `after kill ${k}: audit verify exit ${v.code}: ${v.stdout.trim().split('\n').slice(-2).join(' / ')}`,
      );

    // 3. Restart, and read back over HTTP what the killed run acknowledged.
    const t2 = Date.now();
    server = await startServe(env);
    const t3 = Date.now();
    const h2 = new Http(server.url, new AbortController().signal);
    const cp = await readCheckpoint(h2);
    const cpOk = await consistent(h2, lastSeen, cp, `after kill ${k}`);
    if (!witnessed || cp.size >= witnessed.size) witnessed = cp;
    await checkOverHttp(h2, acks.slice(before), cp);
    const ackedNow = acks.length - before;
    const t4 = Date.now();
    perKill.push({
      kill: k,
      acknowledged: ackedNow,
      lost: counts.lost - countsBefore.lost,
      halfWritten: counts.halfWritten - countsBefore.halfWritten,
      verifyFailures: counts.verifyFailures - countsBefore.verifyFailures,
      inconsistentCheckpoints: counts.inconsistent - countsBefore.inconsistent,
    });
    log(
      `kill ${k}/${kills} db=${o.db} up=${upMs}ms acked=${ackedNow} (subjects ${ops.subject}, batches ${ops.batch}, imports ${ops.import} (+${ops.importsKilled} killed), reveals ${ops.reveal}, scans ${ops.scan}, exports ${ops.export}, failed ${ops.failed}) ` +
        `rows=${rows.length} orphan_keys=${orphanKeys} exports_writing=${exportsWriting} lost=${counts.lost - lostBefore} half_written=${counts.halfWritten - halfBefore} verify=${verifyOk ? 'ok' : 'FAILED'} checkpoint=${lastSeen?.size ?? 0}->${cp.size} ${cpOk ? 'consistent' : 'INCONSISTENT'} ` +
        `(ms: storage ${t1 - t0}, verify ${t2 - t1}, restart ${t3 - t2}, http ${t4 - t3})`,
    );
  }

  // At the end: the whole campaign's acknowledgements, once more over HTTP.
  const hEnd = new Http(server.url, new AbortController().signal);
  const lostBeforeEnd = counts.lost;
  await checkOverHttp(hEnd, acks, await readCheckpoint(hEnd));
  log(`final check of all ${acks.length} acknowledgements over HTTP: lost=${counts.lost - lostBeforeEnd}`);
  server.child.kill('SIGKILL');
  await server.exited;
  if (!o.keep) {
    if (dbName) await withPgAdmin((c) => c.query(`drop database if exists ${dbName} with (force)`));
    if (!o.workDir) rmSync(work, { recursive: true, force: true });
    else rmSync(dataDir, { recursive: true, force: true });
  }
  return {
    db: o.db,
    kills,
    acknowledged: acks.length,
    lost: counts.lost,
    halfWritten: counts.halfWritten,
    verifyFailures: counts.verifyFailures,
    inconsistentCheckpoints: counts.inconsistent,
    problems,
    perKill,
  };

  /** Reads acknowledged writes back through the API (subjects by token; reveals with inclusion proofs against `cp`). */
  async function checkOverHttp(h: Http, list: readonly Ack[], cp: Checkpoint): Promise<void> {
    const exports = new Map<string, Extract<Ack, { type: 'export' }>>();
    const timelines = new Map<string, Promise<{ status: number; json: any }>>();
    const parcel = (t: string) =>
      timelines.get(t) ?? timelines.set(t, h.call('GET', `/v1/parcels/${t}`, admin)).get(t)!;
    const one = async (a: Ack) => {
      switch (a.type) {
        case 'subject': {
          const r = await h.call('GET', `/v1/subjects/${a.token}`, admin);
          if (r.status !== 200) return problem('lost', `run ${a.run}: subject ${a.token}: HTTP ${r.status}`);
          const masks = r.json.fields as Masks;
          if (!sameSet(Object.keys(masks), a.fields) || a.fields.some((f) => masks[f] !== a.masks[f]))
            problem('lost', `run ${a.run}: subject ${a.token} reads back other masks`);
          return;
        }
        case 'imported':
          return; // no token was given back: checked in the storage by external id
        case 'ticket': {
          const r = await h.call('GET', `/v1/explanations/${a.id}`, admin);
          if (r.status !== 200) problem('lost', `run ${a.run}: ticket ${a.id}: HTTP ${r.status}`);
          return;
        }
        case 'reveal': {
          if (a.index >= cp.size)
            return problem(
              'inconsistent',
              `run ${a.run}: acknowledged audit entry ${a.index} is outside the signed checkpoint of size ${cp.size}`,
            );
          const r = await h.call('GET', `/v1/audit/entries/${a.index}?size=${cp.size}`, admin);
          if (r.status !== 200) return problem('lost', `run ${a.run}: audit entry ${a.index}: HTTP ${r.status}`);
          const e = decodeEntry(Buffer.from(r.json.stored, 'base64')) as Record<string, unknown> | undefined;
          const data = (e?.data ?? e) as Record<string, unknown> | undefined;
          if (e?.kind !== 'reveal' || e.subject !== a.subject || data?.field !== a.field)
            return problem('lost', `run ${a.run}: audit entry ${a.index} is not the acknowledged reveal`);
          const proof = (r.json.proof as string[]).map((x) => Buffer.from(x, 'base64'));
          if (!rfcVerifyInclusion(a.index, cp.size, rfcLeafHash(Buffer.from(r.json.entry, 'base64')), proof, cp.root))
            problem(
              'inconsistent',
              `run ${a.run}: audit entry ${a.index} has no valid inclusion proof in the checkpoint of size ${cp.size}`,
            );
          return;
        }
        case 'parcel': {
          const r = await parcel(a.tracking);
          if (r.status !== 200 || r.json.recipient !== a.recipient)
            problem('lost', `run ${a.run}: parcel ${a.tracking}: HTTP ${r.status}`);
          return;
        }
        case 'scan': {
          const r = await parcel(a.tracking);
          const seen =
            r.status === 200 &&
            (r.json.timeline as { at: string; step: string; device: string }[]).some(
              (t) => t.at === a.at && t.step === a.step && t.device === a.device,
            );
          if (!seen) problem('lost', `run ${a.run}: scan ${a.step} of ${a.tracking} at ${a.at} is not in the timeline`);
          return;
        }
        case 'export': {
          const prev = exports.get(a.id);
          if (!prev || a.status === 'written') exports.set(a.id, a);
          return;
        }
      }
    };
    const queue = [...list];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let a = queue.shift(); a; a = queue.shift()) await one(a);
      }),
    );
    for (const a of exports.values()) {
      const r = await h.call('GET', `/v1/exports/${a.id}`, supervisor.token);
      if (r.status !== 200) {
        problem('lost', `run ${a.run}: export ${a.id}: HTTP ${r.status}`);
        continue;
      }
      if (
        a.status === 'written' &&
        (r.json.status !== 'written' || r.json.rows !== a.rows || r.json.sha256 !== a.sha256)
      )
        problem('lost', `run ${a.run}: export ${a.id}: ${r.json.status}, not the written export acknowledged`);
      if (a.status === 'pending' && !['pending', 'writing', 'written', 'refused'].includes(r.json.status))
        problem('lost', `run ${a.run}: export ${a.id}: status ${r.json.status}`);
    }
  }
}

function parseArgs(argv: readonly string[]): CrashOptions & { out?: string } {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const db = get('db') ?? 'sqlite';
  if (db !== 'sqlite' && db !== 'postgres') throw new Error('--db is sqlite or postgres');
  const num = (name: string, d: number) => {
    const v = get(name);
    if (v === undefined) return d;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} takes a whole number`);
    return n;
  };
  return {
    db,
    kills: num('kills', db === 'sqlite' ? 100 : 30),
    seed: num('seed', 1),
    clients: num('clients', 4),
    minUpMs: num('min-up-ms', 400),
    maxUpMs: num('max-up-ms', 7000),
    importer: !argv.includes('--no-import'),
    keep: argv.includes('--keep'),
    workDir: get('work-dir'),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv.includes('--help')) {
    process.stdout.write(
      'npm run crash -- [--db sqlite|postgres] [--kills N] [--seed S] [--clients C] [--min-up-ms MS] [--max-up-ms MS] [--no-import] [--keep] [--work-dir DIR]\n' +
        'SIGKILLs a real `cloak serve` under mixed load N times and checks every acknowledged write, the storage, the audit log and its checkpoints after each (spec at the top of scripts/crash.ts).\n',
    );
    process.exit(0);
  }
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  process.stdout.write(`crash campaign: db=${opts.db} kills=${opts.kills} seed=${opts.seed} clients=${opts.clients}\n`);
  const s = await runCampaign(opts);
  for (const p of s.problems) process.stdout.write(`problem: ${p}\n`);
  process.stdout.write(`wall time ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  process.stdout.write(`${summaryLine(s)}\n`);
  process.exit(s.lost || s.halfWritten || s.verifyFailures || s.inconsistentCheckpoints ? 1 : 0);
}
