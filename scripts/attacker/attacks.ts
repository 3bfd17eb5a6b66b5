// The attacks: each changes the stored audit tables with raw SQL, most of them coordinated so that
// entries, leaves, tiles and head agree again (RFC 9162 recomputed by the attacker, tree.ts).
// `outOfScope` names the attacks docs/tamper-campaign.md says the product does not claim to catch.
import type { Raw } from './db.ts';
import { bodyText, pub, readLog, rebuildTree, rootAt, setI, writeEntry, type Entry, type Log } from './log.ts';
import { leafHash } from './tree.ts';

export type Attack = {
  id: string;
  what: string;
  outOfScope?: string;
  /** Only meaningful where a column's type is not enforced (SQLite's dynamic typing). */
  sqliteOnly?: boolean;
  run(db: Raw, log: Log): Promise<void>;
};

const reveal = (log: Log, nth = 0): Entry => {
  const r = log.entries.filter((e) => e.kind === 'reveal' && e.idx < 256);
  if (!r[nth]) throw new Error('the log has no reveal entry in its first tile');
  return r[nth]!;
};
const middleCheckpoint = (log: Log) => log.checkpoints[Math.floor(log.checkpoints.length / 2)]!;
const last = (log: Log) => log.entries[log.entries.length - 1]!;
const latestCheckpoint = (log: Log) => log.checkpoints[log.checkpoints.length - 1]!;
/** A size strictly between two checkpoints (never signed). */
const unsignedSize = (log: Log) => {
  for (let i = log.checkpoints.length - 1; i > 0; i--)
    if (log.checkpoints[i]!.size - log.checkpoints[i - 1]!.size > 2) return log.checkpoints[i - 1]!.size + 1;
  throw new Error('no gap between checkpoints');
};
const editActor = (body: string, to: string) => {
  const out = body.replace(/"actor":"[^"]*"/, `"actor":"${to}"`);
  if (out === body) throw new Error('no actor in body');
  return out;
};
/** Rewrites the root line (third line) of a note: the signature no longer matches. */
const noteWithRoot = (note: string, size: number, root: Buffer) => {
  const lines = note.split('\n');
  lines[1] = String(size);
  lines[2] = root.toString('base64');
  return lines.join('\n');
};
/** The same textual change to an entry's stored form and its public form; the leaf follows the public one. */
async function edit(db: Raw, e: Entry, change: (text: string) => string, columns: Partial<Entry> = {}) {
  const stored = change(bodyText(e));
  const publicForm = change(pub(e.idx));
  if (stored === bodyText(e) || publicForm === pub(e.idx))
    throw new Error(`the change does not apply to entry ${e.idx}`);
  await writeEntry(db, e.idx, stored, publicForm, columns);
}
const toDenied = (t: string) => t.replace('"result":"ok"', '"result":"denied"');
async function truncateTo(db: Raw, size: number) {
  await db.run('DELETE FROM audit_entries WHERE idx >= ?', [size]);
}
async function renumberFrom(db: Raw, from: number, log: Log, gone: number) {
  for (const e of log.entries.filter((x) => x.idx > gone)) {
    const i = e.idx - 1;
    await db.run('UPDATE audit_entries SET idx = ?, body = ?, leaf = ? WHERE idx = ?', [
      i,
      Buffer.from(setI(bodyText(e), i)),
      leafHash(Buffer.from(setI(pub(e.idx), i))),
      e.idx,
    ]);
  }
  void from;
}
async function swapRows(db: Raw, a: Entry, b: Entry, fixI: boolean) {
  const f = (t: string, i: number) => (fixI ? setI(t, i) : t);
  const cols = (e: Entry) => ({ at: e.at, kind: e.kind, actor: e.actor, subject: e.subject, result: e.result });
  await writeEntry(db, a.idx, f(bodyText(b), a.idx), f(pub(b.idx), a.idx), cols(b));
  await writeEntry(db, b.idx, f(bodyText(a), b.idx), f(pub(a.idx), b.idx), cols(a));
}

export const attacks: Attack[] = [
  // --- entries: edits. The attacker knows each entry's public form (an auditor's entry bundles), so
  // a change to a field shown in clear (result, subject, field, purpose, at, i) can be carried into
  // the public form and the leaf recomputed exactly; people and references are salted commitments.
  {
    id: 'edit.body.naive',
    what: "a reveal's result changed ok→denied in its stored body only (leaf, tile, head left alone)",
    async run(db, log) {
      const e = reveal(log);
      await db.run('UPDATE audit_entries SET body = ? WHERE idx = ?', [Buffer.from(toDenied(bodyText(e))), e.idx]);
    },
  },
  {
    id: 'edit.actor.naive-leaf',
    what: "a reveal's actor rewritten in body and actor column; leaf recomputed over the public form with the clear actor (commitment unknown)",
    async run(db, log) {
      const e = reveal(log);
      const publicForm = pub(e.idx).replace(/"actor":"[^"]*"/, '"actor":"staff:nobody"');
      await writeEntry(db, e.idx, editActor(bodyText(e), 'staff:nobody'), publicForm, { actor: 'staff:nobody' });
      await rebuildTree(db);
    },
  },
  {
    id: 'edit.body+leaf',
    what: "a reveal's result changed ok→denied in body, result column and leaf (exact public-form hash); tiles, head left",
    async run(db, log) {
      await edit(db, reveal(log), toDenied, { result: 'denied' });
    },
  },
  {
    id: 'edit.coordinated',
    what: "a reveal's result changed ok→denied; leaf, level-0 and level-1 tiles and head root recomputed (RFC 9162)",
    async run(db, log) {
      await edit(db, reveal(log), toDenied, { result: 'denied' });
      await rebuildTree(db);
    },
  },
  {
    id: 'edit.subject.coordinated',
    what: 'a reveal moved to another customer (subject in body, public form, column); leaf, tiles, head recomputed',
    async run(db, log) {
      const a = reveal(log, 0);
      const b = log.entries.find((e) => e.kind === 'reveal' && e.subject !== a.subject)!;
      await edit(db, a, (t) => t.split(a.subject!).join(b.subject!), { subject: b.subject });
      await rebuildTree(db);
    },
  },
  {
    id: 'edit.salt-transplant.coordinated',
    what: "a reveal by one support agent rewritten as one by another: the other's entry copied (salt, commitments, nonce), with this entry's i, at and subject; leaf, tiles, head recomputed",
    async run(db, log) {
      const a = reveal(log, 0);
      const b = reveal(log, 1);
      const f = (t: string) =>
        setI(t, a.idx)
          .replace(/"at":"[^"]*"/, `"at":"${a.at}"`)
          .split(b.subject!)
          .join(a.subject!);
      await writeEntry(db, a.idx, f(bodyText(b)), f(pub(b.idx)), { actor: b.actor });
      await rebuildTree(db);
    },
  },
  {
    id: 'edit.coordinated+checkpoint-roots',
    what: "edit.coordinated, and every covering checkpoint's root column set to the rebuilt root at its size (notes untouched)",
    async run(db, log) {
      const e = reveal(log);
      await edit(db, e, toDenied, { result: 'denied' });
      await rebuildTree(db);
      for (const c of log.checkpoints.filter((c) => c.size > e.idx))
        await db.run('UPDATE audit_checkpoints SET root = ? WHERE size = ?', [await rootAt(db, c.size), c.size]);
    },
  },
  {
    id: 'edit.coordinated+checkpoint-notes',
    what: 'edit.coordinated, and each covering checkpoint: root column and the root line of its note rewritten (old signature kept)',
    async run(db, log) {
      const e = reveal(log);
      await edit(db, e, toDenied, { result: 'denied' });
      await rebuildTree(db);
      for (const c of log.checkpoints.filter((c) => c.size > e.idx)) {
        const r = await rootAt(db, c.size);
        await db.run('UPDATE audit_checkpoints SET root = ?, note = ? WHERE size = ?', [
          r,
          noteWithRoot(c.note, c.size, r),
          c.size,
        ]);
      }
    },
  },
  {
    id: 'edit.newest.coordinated',
    what: 'the newest entry (in the filling tile) edited (its at moved a second), its leaf and the head root recomputed',
    async run(db, log) {
      const e = last(log);
      const at = new Date(Date.parse(e.at) - 1000).toISOString();
      await edit(db, e, (t) => t.replace(`"at":"${e.at}"`, `"at":"${at}"`), { at });
      await rebuildTree(db);
    },
  },
  {
    id: 'edit.newest.coordinated+checkpoint-dropped',
    what: 'the newest entry edited with leaf and head recomputed; the newest checkpoint deleted and head.signed_size moved to the one before',
    outOfScope: 'the newest checkpoints deleted together with the head’s record of them',
    async run(db, log) {
      const e = last(log);
      const at = new Date(Date.parse(e.at) - 1000).toISOString();
      await edit(db, e, (t) => t.replace(`"at":"${e.at}"`, `"at":"${at}"`), { at });
      const c = log.checkpoints;
      await db.run('DELETE FROM audit_checkpoints WHERE size = ?', [c[c.length - 1]!.size]);
      await rebuildTree(db, c[c.length - 2]!.size);
    },
  },
  {
    id: 'edit.unicode-escape',
    what: 'a stored body re-encoded with a JSON \\u escape (same parsed value, other bytes); public form and leaf unchanged',
    async run(db, log) {
      const e = reveal(log);
      await db.run('UPDATE audit_entries SET body = ? WHERE idx = ?', [
        Buffer.from(bodyText(e).replace('"kind":"reveal"', '"kind":"\\u0072eveal"')),
        e.idx,
      ]);
    },
  },
  {
    id: 'edit.unicode-escape.coordinated',
    what: 'the \\u re-encoding carried into the public form too; leaf, tiles, head recomputed',
    async run(db, log) {
      await edit(db, reveal(log), (t) => t.replace('"kind":"reveal"', '"kind":"\\u0072eveal"'));
      await rebuildTree(db);
    },
  },
  {
    id: 'edit.whitespace',
    what: 'a stored body pretty-printed with a trailing newline (same JSON value); public form and leaf unchanged',
    async run(db, log) {
      const e = reveal(log);
      await db.run('UPDATE audit_entries SET body = ? WHERE idx = ?', [
        Buffer.from(JSON.stringify(JSON.parse(bodyText(e)), null, 1) + '\n'),
        e.idx,
      ]);
    },
  },
  {
    id: 'edit.duplicate-key.coordinated',
    what: 'a second "result":"denied" appended to the stored body (a lax parser keeps the last) and the public form re-serialised with result denied; leaf, tiles, head recomputed',
    async run(db, log) {
      const e = reveal(log);
      const stored = bodyText(e).replace(/\}$/, ',"result":"denied"}');
      await writeEntry(db, e.idx, stored, toDenied(pub(e.idx)));
      await rebuildTree(db);
    },
  },
  {
    id: 'edit.lookalike-hyphen',
    what: 'the explanation id in a stored body rewritten with a look-alike U+2010 hyphen (T-… → T‐…); public form and leaf unchanged',
    async run(db, log) {
      const e = reveal(log);
      await db.run('UPDATE audit_entries SET body = ? WHERE idx = ?', [
        Buffer.from(bodyText(e).replace('"explanation":"T-', '"explanation":"T\u2010'), 'utf8'),
        e.idx,
      ]);
    },
  },
  {
    id: 'edit.leaf-column-only',
    what: "a full tile's entry: leaf column replaced by another entry's leaf, body intact",
    async run(db, log) {
      const e = reveal(log);
      await db.run('UPDATE audit_entries SET leaf = ? WHERE idx = ?', [log.entries[0]!.leaf, e.idx]);
    },
  },
  // --- entries: index columns only (what the access report and explorer search by)
  ...(['actor', 'subject', 'kind', 'at', 'result'] as const).map((col): Attack => ({
    id: `columns.${col}`,
    what: `the ${col} column of a reveal changed (body, leaf, tree intact)`,
    async run(db, log) {
      const e = reveal(log);
      const to =
        col === 'subject' ? null : col === 'at' ? '2020-01-01T00:00:00.000Z' : col === 'result' ? 'denied' : 'staff';
      await db.run(`UPDATE audit_entries SET ${col} = ? WHERE idx = ?`, [col === 'kind' ? 'staff' : to, e.idx]);
    },
  })),
  {
    id: 'columns.subject-moved',
    what: "a reveal's subject column pointed at another customer (hides it from one report, shows it in another)",
    async run(db, log) {
      const a = reveal(log, 0);
      const b = log.entries.find((e) => e.kind === 'reveal' && e.subject !== a.subject)!;
      await db.run('UPDATE audit_entries SET subject = ? WHERE idx = ?', [b.subject, a.idx]);
    },
  },
  // --- entries: deletion, reordering, truncation, rollback
  {
    id: 'delete.middle',
    what: 'a reveal row deleted, nothing else',
    async run(db, log) {
      await db.run('DELETE FROM audit_entries WHERE idx = ?', [reveal(log).idx]);
    },
  },
  {
    id: 'delete.middle.renumbered+rebuilt',
    what: 'a reveal deleted, later entries renumbered (idx and "i"), leaves, all tiles, head size and root rebuilt',
    async run(db, log) {
      const e = reveal(log);
      await db.run('DELETE FROM audit_entries WHERE idx = ?', [e.idx]);
      await renumberFrom(db, e.idx, log, e.idx);
      await rebuildTree(db);
    },
  },
  {
    id: 'delete.middle.rebuilt+checkpoint-roots',
    what: 'delete.middle.renumbered+rebuilt, and checkpoint root columns rewritten to the rebuilt roots',
    async run(db, log) {
      const e = reveal(log);
      await db.run('DELETE FROM audit_entries WHERE idx = ?', [e.idx]);
      await renumberFrom(db, e.idx, log, e.idx);
      const { size } = await rebuildTree(db);
      for (const c of log.checkpoints.filter((c) => c.size > e.idx && c.size <= size))
        await db.run('UPDATE audit_checkpoints SET root = ? WHERE size = ?', [await rootAt(db, c.size), c.size]);
    },
  },
  {
    id: 'reorder.swap.rebuilt',
    what: 'two entries swapped (bodies keep their own "i"); leaves, tiles and head rebuilt',
    async run(db, log) {
      await swapRows(db, reveal(log, 0), reveal(log, 1), false);
      await rebuildTree(db);
    },
  },
  {
    id: 'reorder.swap.renumbered+rebuilt',
    what: 'two entries swapped with their "i" rewritten to the new positions; leaves, tiles and head rebuilt',
    async run(db, log) {
      await swapRows(db, reveal(log, 0), reveal(log, 1), true);
      await rebuildTree(db);
    },
  },
  {
    id: 'reorder.idx-columns',
    what: 'the idx column of two rows swapped (bodies, leaves untouched)',
    async run(db, log) {
      const a = reveal(log, 0);
      const b = reveal(log, 1);
      await db.run('UPDATE audit_entries SET idx = ? WHERE idx = ?', [-1, a.idx]);
      await db.run('UPDATE audit_entries SET idx = ? WHERE idx = ?', [a.idx, b.idx]);
      await db.run('UPDATE audit_entries SET idx = ? WHERE idx = ?', [b.idx, -1]);
    },
  },
  {
    id: 'truncate.last+head',
    what: 'the newest entry deleted, head moved to the tree of the rest (size n-1, its root)',
    async run(db, log) {
      await truncateTo(db, log.entries.length - 1);
      await rebuildTree(db);
    },
  },
  {
    id: 'rollback.keep-checkpoints',
    what: "rolled back to a middle checkpoint's tree: later entries and tiles dropped, head = (size, root, signed_size) of it; later checkpoints kept",
    async run(db, log) {
      const c = middleCheckpoint(log);
      await truncateTo(db, c.size);
      await rebuildTree(db, c.size);
    },
  },
  {
    id: 'rollback.drop-checkpoints',
    what: "rolled back to a middle checkpoint's tree, later checkpoints deleted, head names it as the latest",
    outOfScope: 'the newest checkpoints deleted together with the head’s record of them',
    async run(db, log) {
      const c = middleCheckpoint(log);
      await truncateTo(db, c.size);
      await db.run('DELETE FROM audit_checkpoints WHERE size > ?', [c.size]);
      await rebuildTree(db, c.size);
    },
  },
  {
    id: 'rollback.unsigned-size',
    what: 'rolled back to a size never checkpointed, later checkpoints deleted, head names the one before',
    outOfScope: 'the newest checkpoints deleted together with the head’s record of them',
    async run(db, log) {
      const s = unsignedSize(log);
      const before = log.checkpoints.filter((c) => c.size < s).pop()!;
      await truncateTo(db, s);
      await db.run('DELETE FROM audit_checkpoints WHERE size > ?', [before.size]);
      await rebuildTree(db, before.size);
    },
  },
  {
    id: 'rollback.keep-checkpoints.head-latest',
    what: 'rolled back to a middle checkpoint, later checkpoints kept, head.signed_size left naming the latest',
    async run(db, log) {
      const c = middleCheckpoint(log);
      await truncateTo(db, c.size);
      await rebuildTree(db);
    },
  },
  // --- tiles and head alone
  {
    id: 'tile.level0.flip',
    what: 'one byte of a level-0 hash tile flipped',
    async run(db, log) {
      const t = Buffer.from(log.tiles.get('0/0')!);
      t[32 * reveal(log).idx]! ^= 1;
      await db.run('UPDATE audit_tiles SET hashes = ? WHERE level = 0 AND idx = 0', [t]);
    },
  },
  {
    id: 'tile.level1.flip',
    what: 'one byte of the level-1 tile flipped',
    async run(db, log) {
      const t = Buffer.from(log.tiles.get('1/0')!);
      t[0]! ^= 1;
      await db.run('UPDATE audit_tiles SET hashes = ? WHERE level = 1 AND idx = 0', [t]);
    },
  },
  {
    id: 'tile.delete',
    what: 'a full level-0 tile row deleted',
    async run(db) {
      await db.run('DELETE FROM audit_tiles WHERE level = 0 AND idx = 1');
    },
  },
  {
    id: 'tile.extra',
    what: 'a level-0 tile row added beyond the head (a copy of tile 0 at index 9)',
    async run(db, log) {
      await db.run('INSERT INTO audit_tiles (level, idx, hashes) VALUES (0, 9, ?)', [log.tiles.get('0/0')!]);
    },
  },
  {
    id: 'head.root',
    what: "the head's root replaced by an earlier checkpoint's root",
    async run(db, log) {
      await db.run('UPDATE audit_head SET root = ? WHERE id = 1', [log.checkpoints[0]!.root]);
    },
  },
  {
    id: 'head.size',
    what: "the head's size lowered by one (root kept)",
    async run(db, log) {
      await db.run('UPDATE audit_head SET size = ? WHERE id = 1', [log.head.size - 1]);
    },
  },
  {
    id: 'head.signed-size.earlier',
    what: "the head's signed_size set to a middle checkpoint (checkpoints all kept)",
    async run(db, log) {
      await db.run('UPDATE audit_head SET signed_size = ? WHERE id = 1', [middleCheckpoint(log).size]);
    },
  },
  {
    id: 'head.extra-row',
    what: 'a second head row (id 2) holding an earlier checkpoint’s size and root',
    async run(db, log) {
      const c = middleCheckpoint(log);
      await db.run('INSERT INTO audit_head (id, size, root, signed_size) VALUES (2, ?, ?, ?)', [
        c.size,
        c.root,
        c.size,
      ]);
    },
  },
  // --- checkpoints
  {
    id: 'checkpoint.note-swapped',
    what: "a middle checkpoint's note replaced by the note of the checkpoint before it (size and root columns kept)",
    async run(db, log) {
      const i = Math.floor(log.checkpoints.length / 2);
      await db.run('UPDATE audit_checkpoints SET note = ? WHERE size = ?', [
        log.checkpoints[i - 1]!.note,
        log.checkpoints[i]!.size,
      ]);
    },
  },
  {
    id: 'checkpoint.row-replaced',
    what: "a middle checkpoint row's root, note and at replaced by another checkpoint's (size kept)",
    async run(db, log) {
      const i = Math.floor(log.checkpoints.length / 2);
      const o = log.checkpoints[i - 1]!;
      await db.run('UPDATE audit_checkpoints SET root = ?, note = ?, at = ? WHERE size = ?', [
        o.root,
        o.note,
        o.at,
        log.checkpoints[i]!.size,
      ]);
    },
  },
  {
    id: 'checkpoint.spliced.fabricated',
    what: 'a checkpoint row spliced in at a never-signed size, with the true root and a note copied from a neighbour with size and root lines rewritten',
    async run(db, log) {
      const s = unsignedSize(log);
      const r = await rootAt(db, s);
      const n = log.checkpoints.find((c) => c.size > s)!;
      await db.run('INSERT INTO audit_checkpoints (size, root, note, at) VALUES (?, ?, ?, ?)', [
        s,
        r,
        noteWithRoot(n.note, s, r),
        n.at,
      ]);
    },
  },
  {
    id: 'checkpoint.spliced.borrowed-note',
    what: "a checkpoint row spliced in at a never-signed size, with the true root and a neighbour's note verbatim (valid signature, other size)",
    async run(db, log) {
      const s = unsignedSize(log);
      const n = log.checkpoints.find((c) => c.size > s)!;
      await db.run('INSERT INTO audit_checkpoints (size, root, note, at) VALUES (?, ?, ?, ?)', [
        s,
        await rootAt(db, s),
        n.note,
        n.at,
      ]);
    },
  },
  {
    id: 'checkpoint.spliced.rebuilt-tree',
    what: 'edit.coordinated, then every covering checkpoint replaced by a fabricated one for the rebuilt tree (note size/root rewritten, old signature)',
    async run(db, log) {
      const e = reveal(log);
      await edit(db, e, toDenied, { result: 'denied' });
      await rebuildTree(db);
      await db.run('DELETE FROM audit_checkpoints WHERE size > ?', [e.idx]);
      for (const c of log.checkpoints.filter((c) => c.size > e.idx)) {
        const r = await rootAt(db, c.size);
        await db.run('INSERT INTO audit_checkpoints (size, root, note, at) VALUES (?, ?, ?, ?)', [
          c.size,
          r,
          noteWithRoot(c.note, c.size, r),
          c.at,
        ]);
      }
    },
  },
  {
    id: 'checkpoint.size-column',
    what: "a middle checkpoint's size column moved up by one (note still signs the old size)",
    async run(db, log) {
      const c = log.checkpoints.find((c, i) => log.checkpoints[i + 1] && log.checkpoints[i + 1]!.size > c.size + 1)!;
      await db.run('UPDATE audit_checkpoints SET size = ? WHERE size = ?', [c.size + 1, c.size]);
    },
  },
  {
    id: 'checkpoint.at-column',
    what: "a middle checkpoint's at column moved one second earlier",
    async run(db, log) {
      const c = middleCheckpoint(log);
      await db.run('UPDATE audit_checkpoints SET at = ? WHERE size = ?', [
        new Date(Date.parse(c.at) - 1000).toISOString(),
        c.size,
      ]);
    },
  },
  {
    id: 'checkpoint.delete-middle',
    what: 'a middle checkpoint row deleted',
    async run(db, log) {
      await db.run('DELETE FROM audit_checkpoints WHERE size = ?', [middleCheckpoint(log).size]);
    },
  },
  {
    id: 'checkpoint.delete-newest+head',
    what: 'the newest checkpoint deleted and head.signed_size moved to the one before',
    outOfScope: 'the newest checkpoints deleted together with the head’s record of them',
    async run(db, log) {
      const c = log.checkpoints;
      await db.run('DELETE FROM audit_checkpoints WHERE size = ?', [c[c.length - 1]!.size]);
      await db.run('UPDATE audit_head SET signed_size = ? WHERE id = 1', [c[c.length - 2]!.size]);
    },
  },
  {
    id: 'checkpoint.delete-newest',
    what: 'the newest checkpoint deleted (head.signed_size left naming it)',
    async run(db, log) {
      await db.run('DELETE FROM audit_checkpoints WHERE size = ?', [latestCheckpoint(log).size]);
    },
  },
  {
    id: 'head.signed-size.null',
    what: "the head's signed_size set to NULL (as before any checkpoint), checkpoints kept",
    async run(db) {
      await db.run('UPDATE audit_head SET signed_size = NULL WHERE id = 1');
    },
  },
  {
    id: 'checkpoint.delete-all+edit.coordinated',
    what: 'every checkpoint deleted, head.signed_size NULL, then edit.coordinated (a log never checkpointed)',
    outOfScope: 'the newest checkpoints (here: all) deleted together with the head’s record of them',
    async run(db, log) {
      await db.run('DELETE FROM audit_checkpoints');
      await edit(db, reveal(log), toDenied, { result: 'denied' });
      await rebuildTree(db, null);
    },
  },
  {
    id: 'checkpoint.sig-base64-noncanonical',
    what: "the signature's last base64 digit changed in its unused low bits (same bytes to a lax decoder)",
    async run(db, log) {
      const c = latestCheckpoint(log);
      const note = c.note.replace(/(— \S+ \S*)([A-Za-z0-9+/])(=*)\n$/, (_m, head: string, ch: string, pad: string) => {
        const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
        return `${head}${abc[abc.indexOf(ch) ^ (pad.length === 1 ? 1 : 3)]}${pad}\n`;
      });
      if (note === c.note) throw new Error('signature line not found');
      await db.run('UPDATE audit_checkpoints SET note = ? WHERE size = ?', [note, c.size]);
    },
  },
  {
    id: 'checkpoint.sig-base64-unpadded',
    what: "the signature's base64 '=' padding removed",
    async run(db, log) {
      const c = latestCheckpoint(log);
      await db.run('UPDATE audit_checkpoints SET note = ? WHERE size = ?', [c.note.replace(/=+\n$/, '\n'), c.size]);
    },
  },
  {
    id: 'checkpoint.note-crlf',
    what: "a checkpoint's note with CRLF line ends",
    async run(db, log) {
      const c = latestCheckpoint(log);
      await db.run('UPDATE audit_checkpoints SET note = ? WHERE size = ?', [c.note.replace(/\n/g, '\r\n'), c.size]);
    },
  },
  {
    id: 'checkpoint.note-nbsp-dash',
    what: "a checkpoint's signature line with a non-breaking space after the em dash",
    async run(db, log) {
      const c = latestCheckpoint(log);
      await db.run('UPDATE audit_checkpoints SET note = ? WHERE size = ?', [
        c.note.replace('\n— ', '\n—\u00a0'),
        c.size,
      ]);
    },
  },
  {
    id: 'checkpoint.extra-cosignature',
    what: 'a witness-style cosignature line (unknown key name, random signature) appended to the newest note',
    outOfScope: 'extra cosignature lines are allowed by C2SP signed notes',
    async run(db, log) {
      const c = latestCheckpoint(log);
      const sig = Buffer.concat([Buffer.from([1, 2, 3, 4]), Buffer.alloc(64, 7)]).toString('base64');
      await db.run('UPDATE audit_checkpoints SET note = ? WHERE size = ?', [
        `${c.note}— witness.example ${sig}\n`,
        c.size,
      ]);
    },
  },
  {
    id: 'checkpoint.duplicate-log-signature',
    what: "another checkpoint's signature line (the log's own key, over another text) appended after the genuine one",
    outOfScope: 'a second signature line is allowed by C2SP signed notes (Go’s note.Open drops repeats by one key)',
    async run(db, log) {
      const c = latestCheckpoint(log);
      const other = log.checkpoints[0]!.note.split('\n').filter((l) => l.startsWith('— '))[0]!;
      await db.run('UPDATE audit_checkpoints SET note = ? WHERE size = ?', [`${c.note}${other}\n`, c.size]);
    },
  },
  {
    id: 'checkpoint.bogus-log-signature-first',
    what: "another checkpoint's signature line (the log's key, invalid for this text) inserted before the genuine one",
    async run(db, log) {
      const c = latestCheckpoint(log);
      const other = log.checkpoints[0]!.note.split('\n').filter((l) => l.startsWith('— '))[0]!;
      await db.run('UPDATE audit_checkpoints SET note = ? WHERE size = ?', [
        c.note.replace('\n\n— ', `\n\n${other}\n— `),
        c.size,
      ]);
    },
  },
  {
    id: 'checkpoint.at-reformatted',
    what: "a checkpoint's at column written as the same instant in another ISO form (+00:00 instead of Z)",
    async run(db, log) {
      const c = middleCheckpoint(log);
      await db.run('UPDATE audit_checkpoints SET at = ? WHERE size = ?', [c.at.replace(/Z$/, '+00:00'), c.size]);
    },
  },
  {
    id: 'columns.at-reformatted',
    what: "a reveal's at column written as the same instant in another ISO form (+00:00 instead of Z)",
    async run(db, log) {
      const e = reveal(log);
      await db.run('UPDATE audit_entries SET at = ? WHERE idx = ?', [e.at.replace(/Z$/, '+00:00'), e.idx]);
    },
  },
  {
    id: 'sqlite.body-as-text',
    what: "a reveal's body stored as TEXT instead of BLOB (the same bytes)",
    sqliteOnly: true,
    async run(db, log) {
      await db.run('UPDATE audit_entries SET body = CAST(body AS TEXT) WHERE idx = ?', [reveal(log).idx]);
    },
  },
  {
    id: 'sqlite.leaf-as-hex-text',
    what: "a reveal's leaf stored as its hex text instead of the 32 bytes",
    sqliteOnly: true,
    async run(db, log) {
      const e = reveal(log);
      await db.run('UPDATE audit_entries SET leaf = ? WHERE idx = ?', [e.leaf.toString('hex'), e.idx]);
    },
  },
  // --- the coordinated attacks the product says need witnesses
  {
    id: 'append.forged+head+tile',
    what: 'a forged reveal appended after the newest entry, with the head (and filling tile) updated to match',
    outOfScope:
      'a forged entry appended with head and filling tile updated looks like a genuine append before its next checkpoint',
    async run(db, log) {
      const e = reveal(log);
      const i = log.entries.length;
      const at = new Date().toISOString();
      const f = (t: string) => setI(t, i).replace(`"at":"${e.at}"`, `"at":"${at}"`);
      await db.run(
        'INSERT INTO audit_entries (idx, at, kind, actor, subject, result, body, leaf) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [
          i,
          at,
          e.kind,
          e.actor,
          e.subject,
          e.result,
          Buffer.from(f(bodyText(e))),
          leafHash(Buffer.from(f(pub(e.idx)))),
        ],
      );
      await rebuildTree(db);
    },
  },
  {
    id: 'delete.middle.rebuilt+checkpoints-dropped',
    what: 'a reveal deleted and the tree rebuilt; every checkpoint signed after it deleted, head names the last one before it',
    outOfScope: 'the newest checkpoints deleted together with the head’s record of them (and the rest re-appended)',
    async run(db, log) {
      const e = reveal(log);
      await db.run('DELETE FROM audit_entries WHERE idx = ?', [e.idx]);
      await renumberFrom(db, e.idx, log, e.idx);
      const before = log.checkpoints.filter((c) => c.size <= e.idx).pop();
      await db.run('DELETE FROM audit_checkpoints WHERE size > ?', [e.idx]);
      await rebuildTree(db, before?.size ?? null);
    },
  },
];

export async function reread(db: Raw) {
  return readLog(db);
}
