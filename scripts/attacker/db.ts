// Raw SQL on Cloak's database, the way an attacker with write access has it: better-sqlite3 on the
// file, or pg on the database. Every statement is recorded (values abbreviated) for the report.
import Database from 'better-sqlite3';
import pg from 'pg';

export type Row = Record<string, unknown>;
export type Raw = {
  all(sql: string, params?: unknown[]): Promise<Row[]>;
  run(sql: string, params?: unknown[]): Promise<void>;
  close(): Promise<void>;
  log: string[];
};

function show(v: unknown): string {
  if (Buffer.isBuffer(v)) {
    const text = v.toString('utf8');
    if (/^[\x20-\x7e]*$/.test(text) && text.length > 0)
      return `'${text.length > 400 ? text.slice(0, 400) + '…' : text}'`;
    return `x'${v.toString('hex').slice(0, 16)}…'(${v.length}B)`;
  }
  if (typeof v === 'string') return `'${v.replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
  return String(v);
}

function record(log: string[], sql: string, params: unknown[]) {
  let i = 0;
  log.push(sql.replace(/\?/g, () => show(params[i++])));
}

export async function openRaw(kind: 'sqlite' | 'postgres', where: string): Promise<Raw> {
  const log: string[] = [];
  if (kind === 'sqlite') {
    const db = new Database(where);
    return {
      log,
      async all(sql, params = []) {
        return db.prepare(sql).all(...(params as never[])) as Row[];
      },
      async run(sql, params = []) {
        record(log, sql, params);
        db.prepare(sql).run(...(params as never[]));
      },
      async close() {
        db.close();
      },
    };
  }
  const client = new pg.Client({ connectionString: where });
  await client.connect();
  const toPg = (sql: string) => {
    let i = 0;
    return sql.replace(/\?/g, () => `$${++i}`);
  };
  return {
    log,
    async all(sql, params = []) {
      return (await client.query(toPg(sql), params)).rows;
    },
    async run(sql, params = []) {
      record(log, sql, params);
      await client.query(toPg(sql), params);
    },
    async close() {
      await client.end();
    },
  };
}
