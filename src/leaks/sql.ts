/*
 * SQL dumps (mysqldump, pg_dump --inserts, SQLite .dump): the rows of their INSERT statements,
 * streamed. A small state machine rather than a SQL parser: a dump is INSERT INTO t [(cols)]
 * VALUES (…), (…); with quoted strings ('…' with '' or \' escapes, "…", `…`), numbers and NULL.
 * Everything else (CREATE TABLE, SET, comments) is skipped. Written by hand because no
 * maintained npm package streams INSERT rows out of a dump; what it cannot read is skipped.
 */

type State = 'outside' | 'header' | 'values' | 'tuple';

/** Streams rows out of SQL text chunks; `headers` is set from the first INSERT's column list. */
export function createSqlRowReader() {
  let state: State = 'outside';
  let word = '';
  let header = '';
  let headers: string[] | undefined;
  let quote: string | undefined;
  let justClosed: string | undefined;
  let escaped = false;
  let cell = '';
  let cellQuoted = false;
  let row: string[] = [];
  let depth = 0;
  let intoSeen = false;
  let comment: 'line' | 'block' | undefined;
  let prev = '';

  const endCell = () => {
    const v = cell.trim();
    row.push(cellQuoted ? cell : v.toUpperCase() === 'NULL' ? '' : v);
    cell = '';
    cellQuoted = false;
  };

  return {
    get headers() {
      return headers;
    },
    /** Feeds a chunk of text; returns the complete rows it finished. */
    feed(text: string): string[][] {
      const out: string[][] = [];
      for (const ch of text) {
        if (comment) {
          if ((comment === 'line' && ch === '\n') || (comment === 'block' && prev === '*' && ch === '/'))
            comment = undefined;
          prev = ch;
          continue;
        }
        if (quote) {
          if (escaped) {
            cell += ch === 'n' ? '\n' : ch === 't' ? '\t' : ch === '0' ? '' : ch;
            escaped = false;
          } else if (ch === '\\' && quote === "'") escaped = true;
          else if (ch === quote) {
            justClosed = quote;
            quote = undefined;
          } else if (state === 'header') header += ch;
          else cell += ch;
          prev = ch;
          continue;
        }
        // A doubled quote inside a quoted string ('it''s') is the quote itself.
        if (justClosed && ch === justClosed) {
          quote = justClosed;
          justClosed = undefined;
          if (state === 'header') header += ch;
          else cell += ch;
          prev = '';
          continue;
        }
        justClosed = undefined;
        if (state !== 'tuple' && prev === '-' && ch === '-') comment = 'line';
        else if (state !== 'tuple' && prev === '/' && ch === '*') comment = 'block';
        switch (state) {
          case 'outside':
            if (/[A-Za-z_]/.test(ch)) word += ch;
            else {
              const w = word.toUpperCase();
              word = '';
              if (w === 'VALUES') {
                state = 'values';
                intoSeen = false;
                if (ch === '(') {
                  state = 'tuple';
                  depth = 1;
                  row = [];
                  cell = '';
                }
              } else if (w === 'INTO') intoSeen = true;
              else if (ch === '(' && intoSeen && !comment) {
                // The column list of INSERT INTO t (…): the first one names the columns.
                state = 'header';
                header = '';
              }
            }
            break;
          case 'header':
            if (ch === ')') {
              headers ??= header.split(',').map((h) => h.trim().replace(/^[`"[]|[`"\]]$/g, ''));
              state = 'outside';
              intoSeen = false;
            } else if (ch === '`' || ch === '"') quote = ch;
            else header += ch;
            break;
          case 'values':
            if (ch === '(') {
              state = 'tuple';
              depth = 1;
              row = [];
              cell = '';
            } else if (ch === ';') state = 'outside';
            break;
          case 'tuple':
            if (ch === "'" || ch === '"') {
              quote = ch;
              cellQuoted = true;
            } else if (ch === '(') {
              depth++;
              cell += ch;
            } else if (ch === ')' && depth > 1) {
              depth--;
              cell += ch;
            } else if (ch === ')') {
              endCell();
              out.push(row);
              state = 'values';
            } else if (ch === ',' && depth === 1) endCell();
            else cell += ch;
            break;
        }
        prev = ch;
      }
      return out;
    },
  };
}

/** Whether a file's first text looks like a SQL dump. */
export const looksLikeSql = (text: string) =>
  /^\s*(--|\/\*|INSERT\s+INTO|CREATE\s+TABLE|SET\s|BEGIN|PRAGMA|LOCK\s+TABLES|DROP\s+TABLE)/i.test(text);
