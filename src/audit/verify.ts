import { readChain } from './chain.fns.ts';
import { decodeEntry, publicEntry } from './entry.ts';
import type { AuditRepo } from './log.repo.ts';
import { consistencyProofFrom, leafHash, nodeHash, rootOf, verifyConsistency } from './merkle.ts';
import { openNote, parseCheckpoint, type NoteVerifier } from './note.ts';
import { splitHashes, TILE_HEIGHT, TILE_WIDTH, tileWidth } from './tiles.fns.ts';

export type VerifyProblem = {
  /** The first entry that is wrong or missing; undefined when only a checkpoint is at fault. */
  readonly index?: number;
  /** The checkpoint (by size) that exposed it, if one did. */
  readonly checkpoint?: number;
  /** True when `index` is only a lower bound: the bad entry is there or after. */
  readonly bound?: boolean;
  readonly reason: string;
};
export type VerifyReport = {
  readonly ok: boolean;
  readonly entries: number;
  readonly checkpoints: number;
  readonly latest?: number;
  readonly problems: readonly VerifyProblem[];
};

const PAGE = 10_000;
/** How far a checkpoint's time may be ahead of the verifier's clock (another node's clock). */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Recomputes the whole tree from the stored entries and checks it against every signed
 * checkpoint: each signature (by `verifier` only), each root, the consistency of each
 * checkpoint with the next, that every index is present once and holds its own entry, and
 * that the stored hash tiles (which proofs are made from) match. Names the first bad entry.
 *
 * Only checkpoints are trusted: an attacker with the database can rewrite entries, tiles and
 * the head, but cannot sign. Where the stored tiles still reproduce a signed root, the first
 * entry whose hash differs from its tile is named exactly; otherwise the first entry after the
 * last checkpoint that still holds.
 */
export async function verifyLog(repo: AuditRepo, verifier: NoteVerifier, now = Date.now()): Promise<VerifyReport> {
  const problems: VerifyProblem[] = [];
  // 1. Checkpoints: signed by this log's key, well formed, and matching their row.
  const checkpoints: { size: number; root: Buffer; at: string }[] = [];
  const rows = await repo.checkpoints();
  for (const [n, c] of rows.entries()) {
    // The time is not signed: it must at least be a time Cloak writes.
    if (Number.isNaN(Date.parse(c.at)) || new Date(c.at).toISOString() !== c.at) {
      problems.push({
        checkpoint: c.size,
        reason: `checkpoint of size ${c.size} has a signing time that is not a time (${JSON.stringify(c.at.slice(0, 40))})`,
      });
      continue;
    }
    try {
      const opened = openNote(c.note, [verifier]);
      const cp = parseCheckpoint(opened.text, verifier.name);
      if (Number(cp.size) !== c.size || !cp.rootHash.equals(c.root))
        throw new Error('its signed text says another size or root than its row');
      // Signed since the chain lines exist: its time, and the checkpoint before it.
      const chain = readChain(cp.extensions);
      const before = n > 0 ? rows[n - 1]!.size : null;
      if (chain && chain.at !== c.at)
        problems.push({
          checkpoint: c.size,
          reason: `checkpoint ${c.size}'s signing time in its row (${c.at}) is not the one it signed (${chain.at})`,
        });
      if (chain && chain.previous !== before)
        problems.push({
          checkpoint: c.size,
          reason:
            chain.previous === null
              ? `checkpoint ${c.size} was signed as the log's first, yet checkpoint ${before} is stored before it`
              : `checkpoint ${c.size} was signed after checkpoint ${chain.previous}, which ${before === null || before < chain.previous ? 'is missing: a checkpoint was deleted' : `is not the one stored before it (${before})`}`,
        });
      if (Date.parse(c.at) > now + CLOCK_SKEW_MS)
        problems.push({ checkpoint: c.size, reason: `checkpoint ${c.size}'s signing time ${c.at} is in the future` });
      checkpoints.push({ size: c.size, root: cp.rootHash, at: c.at });
    } catch (e) {
      problems.push({
        checkpoint: c.size,
        reason: `checkpoint of size ${c.size} is not validly signed by ${verifier.name}: ${(e as Error).message}`,
      });
    }
  }
  // 2. Entries, in index order: recompute leaf hashes; roots at each checkpoint.
  const leaves: Buffer[] = [];
  const ats: string[] = [];
  let firstBad: VerifyProblem | undefined;
  for (let from = 0; ; from = leaves.length) {
    const rows = await repo.entries(from, Number.MAX_SAFE_INTEGER, PAGE);
    for (const r of rows) {
      const expected = leaves.length;
      if (r.idx !== expected) {
        firstBad ??= { index: expected, reason: `entry ${expected} is missing (the next stored entry is ${r.idx})` };
        break;
      }
      const e = decodeEntry(r.body);
      if (r.retyped)
        firstBad ??= {
          index: expected,
          reason: `entry ${expected} is stored as text where Cloak writes bytes: its row was rewritten`,
        };
      else if (!e) firstBad ??= { index: expected, reason: `entry ${expected} is not a readable log entry` };
      // Its public form is recomputed from the parsed value, so other bytes of the same value
      // (spaces, \u escapes, 1.0 for 1) would hash the same: yet staff search the stored bytes.
      else if (e.v !== 1 && !Buffer.from(JSON.stringify(e), 'utf8').equals(r.body))
        firstBad ??= {
          index: expected,
          reason: `entry ${expected} was rewritten: its stored bytes are not the ones Cloak writes for its content`,
        };
      else if (e.i !== expected)
        firstBad ??= {
          index: expected,
          reason: `entry ${expected} holds the content of entry ${e.i} (rows were moved)`,
        };
      else if (
        e.at !== r.at ||
        e.kind !== r.kind ||
        e.actor !== r.actor ||
        (e.subject ?? null) !== r.subject ||
        (e.result ?? null) !== r.result
      )
        firstBad ??= { index: expected, reason: `entry ${expected}'s columns disagree with its content` };
      // The leaf is the hash of the entry's public form (the stored bytes themselves for version 1).
      const pub = e ? publicEntry(r.body) : undefined;
      if (e && !pub)
        firstBad ??= {
          index: expected,
          reason: `entry ${expected} is not a readable log entry (its salt is missing or malformed)`,
        };
      const h = leafHash(pub ?? r.body);
      if (!h.equals(r.leaf))
        firstBad ??= {
          index: expected,
          reason: `entry ${expected} was changed after it was written: its content no longer matches its recorded hash`,
        };
      leaves.push(h);
      ats.push(r.at);
    }
    if (firstBad || rows.length < PAGE) break;
  }
  const size = leaves.length;
  const [stray] = await repo.entries(Number.MIN_SAFE_INTEGER, 0, 1);
  if (stray) problems.push({ reason: `a row with index ${stray.idx} is stored: the log's entries start at 0` });
  // 3. Every checkpoint's root from the recomputed leaves; consecutive ones consistent.
  const tree = levelsOf(leaves);
  const range = (lo: number, hi: number) => rangeRoot(tree, lo, hi);
  let prev: { size: number; root: Buffer; at: string } | undefined;
  for (const c of checkpoints) {
    // A checkpoint is signed after the entries it covers, and after the checkpoints before it.
    if ((c.size > 0 && c.size <= size && c.at < ats[c.size - 1]!) || (prev && c.at < prev.at))
      problems.push({
        checkpoint: c.size,
        reason: `checkpoint ${c.size}'s signing time ${c.at} is before ${prev && c.at < prev.at ? `checkpoint ${prev.size}'s` : `its last entry's`}`,
      });
    if (c.size > size) {
      problems.push({
        index: size,
        checkpoint: c.size,
        reason: `the log holds ${size} entries but checkpoint ${c.size} was signed: entries from ${size} were deleted`,
      });
      break;
    }
    const root = rangeRoot(tree, 0, c.size);
    if (!root.equals(c.root)) {
      const at = await locate(repo, leaves, prev?.size ?? 0, c);
      problems.push({
        index: at.index,
        checkpoint: c.size,
        ...(at.exact ? {} : { bound: true }),
        reason: at.exact
          ? `the entries do not reproduce the root of checkpoint ${c.size}`
          : `the entries do not reproduce the root of checkpoint ${c.size}; the stored hashes were rewritten too, so the bad entry is at ${at.index} or after`,
      });
      break;
    }
    if (
      prev &&
      prev.size > 0 &&
      prev.size < c.size &&
      !verifyConsistency(prev.size, c.size, prev.root, c.root, consistencyProofFrom(prev.size, c.size, range))
    )
      problems.push({
        checkpoint: c.size,
        reason: `checkpoint ${c.size} is not consistent with checkpoint ${prev.size}`,
      });
    prev = c;
  }
  if (firstBad) problems.unshift(firstBad);
  // 4. The stored head and tiles, which proofs and tiles are served from.
  if (problems.length === 0) {
    const heads = await repo.headRows();
    const head = heads.length === 1 && heads[0]!.id === 1 ? heads[0]! : undefined;
    if (!head)
      problems.push({
        reason: `the head table holds ${heads.length} rows (${heads.map((h) => `id ${h.id}`).join(', ') || 'none'}), not the one row of id 1`,
      });
    else if (head.size !== size || !head.root.equals(rangeRoot(tree, 0, size)))
      problems.push({
        index: Math.min(head.size, size),
        reason: `the stored head (size ${head.size}) does not match the entries (${size})`,
      });
    // The head names the latest checkpoint: it can only have grown since the checkpoints were
    // read (a live log signs meanwhile), and the one it names must be stored.
    else if (head.signed !== null || rows.length > 0) {
      const latest = rows.length ? rows[rows.length - 1]!.size : null;
      const named = head.signed === null ? undefined : await repo.checkpointAt(head.signed);
      if (head.signed === null || (latest !== null && head.signed < latest))
        problems.push({
          reason: `the stored head names ${head.signed === null ? 'no checkpoint' : `checkpoint ${head.signed}`} as the latest, but checkpoint ${latest} is stored`,
        });
      else if (!named)
        problems.push({
          checkpoint: head.signed,
          reason: `the stored head names checkpoint ${head.signed} as the latest signed, and it is missing: a checkpoint was deleted`,
        });
    }
    const bad = await firstTileMismatch(repo, leaves);
    if (bad !== undefined)
      problems.push({
        index: bad,
        reason: `the stored hash tile of entry ${bad} does not match the entry (proofs would be wrong)`,
      });
    else problems.push(...(await tileProblems(repo, tree, size)));
  }
  // An entry found bad by itself (missing, moved, changed) comes before a mere bound ("at N or after").
  const rank = (p: VerifyProblem) => (p.index === undefined ? 2 : p.bound ? 1 : 0);
  problems.sort((a, b) => rank(a) - rank(b) || (a.index ?? 0) - (b.index ?? 0));
  return {
    ok: problems.length === 0,
    entries: size,
    checkpoints: checkpoints.length,
    ...(checkpoints.length ? { latest: checkpoints[checkpoints.length - 1]!.size } : {}),
    problems,
  };
}

/** Every complete node of the tree, level by level (levels[0] are the leaf hashes). */
function levelsOf(leaves: readonly Buffer[]): Buffer[][] {
  const levels: Buffer[][] = [leaves.slice()];
  for (let cur = levels[0]!; cur.length > 1;) {
    const up: Buffer[] = [];
    for (let i = 0; i + 1 < cur.length; i += 2) up.push(nodeHash(cur[i]!, cur[i + 1]!));
    levels.push(up);
    cur = up;
  }
  return levels;
}

/** MTH(D[lo:hi]) from complete nodes: perfect subtrees left to right, folded from the right. */
function rangeRoot(levels: readonly Buffer[][], lo: number, hi: number): Buffer {
  if (hi === lo) return rootOf([]);
  const pieces: Buffer[] = [];
  while (lo < hi) {
    let k = 1;
    while (lo % (k * 2) === 0 && lo + k * 2 <= hi) k *= 2;
    pieces.push(levels[Math.log2(k)]![lo / k]!);
    lo += k;
  }
  let acc = pieces[pieces.length - 1]!;
  for (let i = pieces.length - 2; i >= 0; i--) acc = nodeHash(pieces[i]!, acc);
  return acc;
}

/** Leaf hashes as stored in the level-0 tiles, for entries from..to. */
async function storedLeaves(repo: AuditRepo, from: number, to: number): Promise<(Buffer | undefined)[]> {
  const out: (Buffer | undefined)[] = [];
  for (let t = Math.floor(from / TILE_WIDTH); t * TILE_WIDTH < to; t++) {
    const blob = await repo.tile(0, t);
    const hashes = blob ? splitHashes(blob) : [];
    for (let i = 0; i < TILE_WIDTH; i++) out[t * TILE_WIDTH + i - from] = hashes[i];
  }
  return out.slice(0, to - from);
}

/**
 * Finds the first bad entry between the last good checkpoint and the one that failed: if the
 * stored tiles reproduce the signed root, they are what was signed, and the first entry
 * whose hash differs from its tile is the bad one; otherwise the tiles were rewritten too,
 * and the first entry after the good checkpoint is all that can be named.
 */
async function locate(
  repo: AuditRepo,
  leaves: readonly Buffer[],
  goodSize: number,
  bad: { size: number; root: Buffer },
): Promise<{ index: number; exact: boolean }> {
  const stored = await storedLeaves(repo, 0, bad.size);
  if (stored.every((h) => h !== undefined) && rangeRoot(levelsOf(stored as Buffer[]), 0, bad.size).equals(bad.root)) {
    for (let i = goodSize; i < bad.size; i++) if (!stored[i]!.equals(leaves[i]!)) return { index: i, exact: true };
  }
  return { index: goodSize, exact: false };
}

async function firstTileMismatch(repo: AuditRepo, leaves: readonly Buffer[]): Promise<number | undefined> {
  for (let from = 0; from < leaves.length; from += TILE_WIDTH * 64) {
    const to = Math.min(leaves.length, from + TILE_WIDTH * 64);
    const stored = await storedLeaves(repo, from, to);
    for (let i = from; i < to; i++) if (!stored[i - from]?.equals(leaves[i]!)) return i;
  }
  return undefined;
}

/**
 * Every stored tile must be the tile the recomputed tree has at its place (c2sp.org/tlog-tiles:
 * level L, index t holds the nodes of height 8·L from 256·t), and every tile the log stores
 * must be there: level 0 once complete, higher levels as they fill. A tile of any level is
 * served as it is stored and proofs are made from them.
 */
async function tileProblems(repo: AuditRepo, tree: readonly Buffer[][], size: number): Promise<VerifyProblem[]> {
  const out: VerifyProblem[] = [];
  const stored = new Map((await repo.storedTiles()).map((t) => [`${t.level}/${t.idx}`, t]));
  for (const t of stored.values()) {
    const w = tileWidth(size, t.level, t.idx);
    if (w === 0 || (t.level === 0 && w < TILE_WIDTH)) {
      out.push({ reason: `a hash tile ${t.level}/${t.idx} is stored that the log of ${size} entries does not have` });
      continue;
    }
    const want = Buffer.concat(tree[t.level * TILE_HEIGHT]!.slice(t.idx * TILE_WIDTH, t.idx * TILE_WIDTH + w));
    if (!want.equals(t.hashes))
      out.push({
        reason: `the stored hash tile ${t.level}/${t.idx} does not match the entries (proofs and served tiles would be wrong)`,
      });
  }
  for (let level = 0; tileWidth(size, level, 0) > 0; level++)
    for (let idx = 0; tileWidth(size, level, idx) > 0; idx++) {
      if (level === 0 && tileWidth(size, 0, idx) < TILE_WIDTH) break;
      if (!stored.has(`${level}/${idx}`)) out.push({ reason: `the hash tile ${level}/${idx} is missing` });
    }
  return out;
}
