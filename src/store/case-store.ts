/**
 * The case: one DuckDB file holding the normalised evidence (see schema.ts and docs/case-store.md).
 *
 * Queries go through `all()` / `run()`, the small interface the rules and analyses use; nothing
 * else in the code base talks to DuckDB directly, so the same rules can compile to another
 * dialect (Athena/Trino) for organisation-scale hunting.
 */

import { existsSync } from 'node:fs';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { ddl } from './schema.js';

/** Storage version of new case files: the first with ZSTD for strings and DICT_FSST. */
const STORAGE_VERSION = 'v1.3.0';

export type SqlValue = string | number | boolean | null;
export type ResultRow = Record<string, unknown>;

/** The minimal query interface the engine and analyses depend on. */
export interface Queryable {
  all(sql: string, params?: SqlValue[]): Promise<ResultRow[]>;
  run(sql: string, params?: SqlValue[]): Promise<void>;
}

function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) o[k] = plain(x);
    return o;
  }
  return v;
}

export class CaseStore implements Queryable {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    readonly path: string,
  ) {}

  /** Opens (or creates) a case file; `:memory:` for a case that lives only in this process. */
  static async open(path: string, opts: { threads?: number; memoryLimit?: string } = {}): Promise<CaseStore> {
    const config: Record<string, string> = {};
    if (opts.threads) config.threads = String(opts.threads);
    if (opts.memoryLimit) config.memory_limit = opts.memoryLimit;
    // a new case file is written at a storage version with ZSTD for strings (DuckDB >= 1.3 reads
    // it); an existing file keeps the version it was created with
    const fresh = !path.startsWith(':memory:') && !existsSync(path);
    if (fresh) config.storage_compatibility_version = STORAGE_VERSION;
    const instance = await DuckDBInstance.create(path, config);
    const conn = await instance.connect();
    const store = new CaseStore(instance, conn, path);
    await store.run("SET TimeZone = 'UTC'");
    for (const stmt of ddl({ zstd: fresh })) await store.run(stmt);
    return store;
  }

  async all(sql: string, params?: SqlValue[]): Promise<ResultRow[]> {
    if (params?.length) {
      const p = await this.conn.prepare(sql);
      p.bind(params as never);
      const r = await p.runAndReadAll();
      return r.getRowObjectsJS().map((row) => plain(row) as ResultRow);
    }
    const r = await this.conn.runAndReadAll(sql);
    return r.getRowObjectsJS().map((row) => plain(row) as ResultRow);
  }

  async run(sql: string, params?: SqlValue[]): Promise<void> {
    if (params?.length) {
      const p = await this.conn.prepare(sql);
      p.bind(params as never);
      await p.run();
      return;
    }
    await this.conn.run(sql);
  }

  /** Column names and rows of a query, for the `query` command. */
  async table(sql: string): Promise<{ columns: string[]; rows: unknown[][] }> {
    const r = await this.conn.runAndReadAll(sql);
    return { columns: r.columnNames(), rows: r.getRowsJS().map((row) => row.map(plain)) };
  }

  async getMeta(key: string): Promise<string | null> {
    const r = await this.all('SELECT value FROM meta WHERE key = $1', [key]);
    return r.length ? String(r[0].value) : null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.run('INSERT OR REPLACE INTO meta VALUES ($1, $2)', [key, value]);
  }

  async close(): Promise<void> {
    try {
      await this.run('CHECKPOINT');
    } catch {
      /* in-memory */
    }
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

/** SQL literal for a string (for generated SQL where parameters cannot be used). */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** SQL expression formatting a TIMESTAMP column as ISO 8601 UTC with milliseconds. */
export function isoSql(col: string): string {
  return `strftime(${col}, '%Y-%m-%dT%H:%M:%S.%gZ')`;
}
