import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLog } from './build.ts';
import { drawMutations, readSnapshot, type Mutation } from './mutations.ts';
import { rngOf } from './rng.ts';
import { copyAt, createEmpty, dropCopy, openRaw, restore, type Copy, type Dialect } from './store.ts';

const CLOAK = fileURLToPath(new URL('../../bin/cloak.js', import.meta.url));

export type Outcome = {
  readonly m: Mutation;
  readonly detected: boolean;
  readonly code: number | null;
  readonly message: string;
  readonly signed: boolean;
};
export type CampaignResult = {
  readonly db: Dialect;
  readonly outcomes: readonly Outcome[];
  readonly skipped: ReadonlyMap<string, number>;
  readonly pristine: string;
  readonly summary: string;
};
export type CampaignOptions = {
  db: Dialect;
  mutations: number;
  seed: number;
  entries?: number;
  jobs?: number;
  work: string;
  print?: (line: string) => void;
};

/** `cloak audit verify` in its own process, as an operator runs it. */
function verify(env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const base = { ...process.env };
    delete base.CLOAK_DATABASE_URL;
    const child = spawn(process.execPath, [CLOAK, 'audit', 'verify'], {
      env: { ...base, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** Detected: verify exited 1 and printed its TAMPERED line (a crash or a usage error is not a report). */
const tamperedLine = (out: string) => /^TAMPERED: .+$/m.exec(out)?.[0];

async function checkpointCount(c: Copy): Promise<string> {
  const db = await openRaw(c);
  try {
    return JSON.stringify(await db.rows('select count(*) as n, max(size) as m from audit_checkpoints'));
  } finally {
    await db.close();
  }
}

/**
 * Builds a real log, checks that it verifies, then for each drawn mutation: restores the
 * pristine copy, applies the mutation, runs `cloak audit verify` and records what it said.
 */
export async function runCampaign(o: CampaignOptions): Promise<CampaignResult> {
  const print = o.print ?? (() => {});
  const tag = `tamper_${process.pid}_${o.seed}`;
  mkdirSync(o.work, { recursive: true });
  const pristine = copyAt(o.db, join(o.work, 'pristine'), o.db === 'postgres' ? `${tag}_pristine` : undefined);
  const slots = Array.from({ length: o.jobs ?? 2 }, (_, i) =>
    copyAt(o.db, join(o.work, `slot${i}`), o.db === 'postgres' ? `${tag}_slot${i}` : undefined),
  );
  try {
    await createEmpty(pristine);
    const rng = rngOf(o.seed);
    const t0 = Date.now();
    await buildLog(pristine, rng, o.entries ?? 600);
    const raw = await openRaw(pristine);
    const snap = await readSnapshot(raw);
    await raw.close();
    print(
      `log built in ${Date.now() - t0} ms: ${snap.entries.length} entries, ${snap.checkpoints.length} checkpoints (sizes ${snap.checkpoints.map((c) => c.size).join(', ')}), tiles ${snap.tiles.map((t) => `${t.level}/${t.idx}:${t.hashes.length / 32}`).join(' ')}, head ${snap.head[0]!.size}`,
    );
    const good = await verify(pristine.env);
    const pristineLine = good.out.trim().split('\n').pop() ?? '';
    if (good.code !== 0) throw new Error(`the pristine log does not verify (exit ${good.code}): ${good.out}`);
    print(`pristine: exit 0: ${pristineLine}`);
    const { mutations, skipped } = drawMutations(rng, snap, o.mutations);
    const outcomes: Outcome[] = new Array(mutations.length);
    let next = 0;
    let done = 0;
    const worker = async (slot: Copy) => {
      for (let i = next++; i < mutations.length; i = next++) {
        const m = mutations[i]!;
        await restore(pristine, slot);
        const db = await openRaw(slot);
        try {
          for (const s of m.steps) await db.run(s);
        } finally {
          await db.close();
        }
        const before = await checkpointCount(slot);
        const r = await verify(slot.env);
        const line = tamperedLine(r.out);
        const signed = (await checkpointCount(slot)) !== before;
        outcomes[i] = {
          m,
          detected: r.code === 1 && line !== undefined,
          code: r.code,
          message: line ?? r.out.trim().split('\n').slice(0, 3).join(' | '),
          signed,
        };
        if (++done % 50 === 0)
          print(
            `  ${done}/${mutations.length} done, missed so far: ${outcomes.filter((x) => x && !x.detected).length}`,
          );
      }
    };
    await Promise.all(slots.map(worker));
    const detected = outcomes.filter((x) => x.detected).length;
    const summary = `TAMPER db=${o.db} mutations=${outcomes.length} detected=${detected} missed=${outcomes.length - detected}`;
    return { db: o.db, outcomes, skipped, pristine: pristineLine, summary };
  } finally {
    for (const c of [pristine, ...slots]) await dropCopy(c).catch(() => undefined);
  }
}

/** The per-kind table, the missed mutations one per line, and the summary line last. */
export function report(r: CampaignResult): string[] {
  const kinds = [...new Set(r.outcomes.map((x) => x.m.kind))].sort();
  const lines = [
    `${'kind'.padEnd(28)} ${'applied'.padStart(7)} ${'detected'.padStart(8)} ${'missed'.padStart(6)} ${'no-op skipped'.padStart(13)}`,
  ];
  for (const k of kinds) {
    const of = r.outcomes.filter((x) => x.m.kind === k);
    const d = of.filter((x) => x.detected).length;
    lines.push(
      `${k.padEnd(28)} ${String(of.length).padStart(7)} ${String(d).padStart(8)} ${String(of.length - d).padStart(6)} ${String(r.skipped.get(k) ?? 0).padStart(13)}`,
    );
  }
  const signed = r.outcomes.filter((x) => x.signed);
  if (signed.length)
    lines.push(
      `verify wrote a checkpoint after ${signed.length} mutations (it must not write): ${signed
        .slice(0, 5)
        .map((x) => `${x.m.kind} ${x.m.target}`)
        .join('; ')}`,
    );
  const reasons = new Map<string, number>();
  for (const x of r.outcomes.filter((x) => x.detected)) {
    const k = x.message
      .replace(/\d+/g, 'N')
      .replace(/^TAMPERED: /, '')
      .slice(0, 90);
    reasons.set(k, (reasons.get(k) ?? 0) + 1);
  }
  lines.push(
    'what verify said (numbers as N):',
    ...[...reasons].sort((a, b) => b[1] - a[1]).map(([k, n]) => `  ${String(n).padStart(5)}  ${k}`),
  );
  for (const x of r.outcomes.filter((x) => !x.detected))
    lines.push(`MISSED ${x.m.kind}: ${x.m.target}: exit ${x.code}: ${x.message}`);
  lines.push(r.summary);
  return lines;
}
