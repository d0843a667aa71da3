/**
 * The case: one DuckDB file holding the normalised evidence (see schema.ts and docs/case-store.md).
 *
 * Queries go through `all()` / `run()`, the small interface the rules and analyses use; nothing
 * else in the code base talks to DuckDB directly, so the same rules can compile to another
 * dialect (Athena/Trino) for organisation-scale hunting.
 */

import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { fileExists } from '../io/files.js';
import { ddl } from './schema.js';

/**
 * DuckDB memory limit the command line opens cases with (DuckDB's own default is 80% of RAM, and
 * it keeps what it writes cached up to it). Above it, joins, sorts and staged rows spill to a
 * temporary directory beside the case; docs/performance.md has the figures.
 */
export const DEFAULT_MEMORY_LIMIT = '512MiB';

/** Storage version of new case files: the first with ZSTD for strings and DICT_FSST. */
const STORAGE_VERSION = 'v1.3.0';

export type SqlValue = string | number | boolean | null;
export type ResultRow = Record<string, unknown>;

/** The minimal query interface the engine and analyses depend on. */
export interface Queryable {
  all(sql: string, params?: SqlValue[]): Promise<ResultRow[]>;
  run(sql: string, params?: SqlValue[]): Promise<void>;
  /** The rows of a query a chunk at a time (~2,048 rows), for results too large to hold twice. */
  each(sql: string, onRows: (rows: ResultRow[]) => void): Promise<void>;
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

/** GENAI_IR_SLOW_QUERY_MS=n: every statement slower than n ms is printed on stderr (profiling). */
const SLOW_MS = process.env.GENAI_IR_SLOW_QUERY_MS ? Number(process.env.GENAI_IR_SLOW_QUERY_MS) : null;

async function slow<T>(sql: string, f: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  let rows = '';
  try {
    const r = await f();
    if (Array.isArray(r)) rows = `, ${r.length} rows`;
    return r;
  } finally {
    const ms = performance.now() - t0;
    if (ms >= (SLOW_MS ?? 0)) {
      process.stderr.write(
        `slow query ${ms.toFixed(0)} ms${rows} heap ${Math.round(process.memoryUsage().heapUsed / 1e6)}MB rss ${Math.round(process.memoryUsage().rss / 1e6)}MB: ${sql.replace(/\s+/g, ' ').slice(0, 160)}\n`,
      );
    }
  }
}

/** Appends rows of VARCHAR and INTEGER values (CaseStore.stageAppender). */
export interface StageAppender {
  varchar(v: string | null): void;
  integer(v: number): void;
  endRow(): void;
  flush(): void;
  close(): void;
}

export class CaseStore implements Queryable {
  private stageConn: DuckDBConnection | null = null;
  private stageAttached = false;

  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    readonly path: string,
  ) {}

  /**
   * Opens (or creates) a case file; `:memory:` for a case that lives only in this process. A case
   * file gets DuckDB memory limit `memoryLimit`, by default {@link DEFAULT_MEMORY_LIMIT} (DuckDB's
   * own default, 80% of the machine's memory, let a 10M-event analysis reach 3.9 GB); above it
   * DuckDB spills beside the file. An in-memory case has nowhere to spill, so it keeps DuckDB's
   * default unless given one.
   */
  static async open(path: string, opts: { threads?: number; memoryLimit?: string } = {}): Promise<CaseStore> {
    const config: Record<string, string> = {};
    if (opts.threads) config.threads = String(opts.threads);
    const limit = opts.memoryLimit ?? (path.startsWith(':memory:') ? undefined : DEFAULT_MEMORY_LIMIT);
    if (limit) config.memory_limit = limit;
    // a new case file is written at a storage version with ZSTD for strings (DuckDB >= 1.3 reads
    // it); an existing file keeps the version it was created with
    const fresh = !path.startsWith(':memory:') && !(await fileExists(path));
    if (fresh) config.storage_compatibility_version = STORAGE_VERSION;
    const instance = await DuckDBInstance.create(path, config);
    const conn = await instance.connect();
    const store = new CaseStore(instance, conn, path);
    await store.run("SET TimeZone = 'UTC'");
    for (const stmt of ddl({ zstd: fresh })) await store.run(stmt);
    return store;
  }

  async all(sql: string, params?: SqlValue[]): Promise<ResultRow[]> {
    if (SLOW_MS !== null) return slow(sql, () => this.allNow(sql, params));
    return this.allNow(sql, params);
  }

  private async allNow(sql: string, params?: SqlValue[]): Promise<ResultRow[]> {
    if (params?.length) {
      const p = await this.conn.prepare(sql);
      p.bind(params as never);
      const r = await p.runAndReadAll();
      return r.getRowObjectsJS().map((row) => plain(row) as ResultRow);
    }
    const r = await this.conn.runAndReadAll(sql);
    return r.getRowObjectsJS().map((row) => plain(row) as ResultRow);
  }

  async each(sql: string, onRows: (rows: ResultRow[]) => void): Promise<void> {
    const go = async (): Promise<void> => {
      const result = await this.conn.stream(sql);
      for await (const rows of result.yieldRowObjectJs()) onRows(rows.map((row) => plain(row) as ResultRow));
    };
    if (SLOW_MS !== null) return slow(sql, go);
    return go();
  }

  async run(sql: string, params?: SqlValue[]): Promise<void> {
    if (SLOW_MS !== null) return slow(sql, () => this.runNow(sql, params));
    return this.runNow(sql, params);
  }

  private async runNow(sql: string, params?: SqlValue[]): Promise<void> {
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

  /**
   * A row appender for a table of the attached in-memory database `stage` (see `stageTable`), on
   * a connection of its own: ingest appends on the JavaScript thread while DuckDB runs other
   * statements on the main connection.
   */
  async stageAppender(table: string): Promise<StageAppender> {
    this.stageConn ??= await this.instance.connect();
    const a = await this.stageConn.createAppender(table, 'main', 'stage');
    return {
      varchar: (v) => (v === null ? a.appendNull() : a.appendVarchar(v)),
      integer: (v) => a.appendInteger(v),
      endRow: () => a.endRow(),
      flush: () => a.flushSync(),
      close: () => a.closeSync(),
    };
  }

  /** Creates (or empties) `stage.<name>`, an in-memory table for staged rows; returns its name. */
  async stageTable(name: string, columnsSql: string): Promise<string> {
    if (!this.stageAttached) {
      await this.run("ATTACH IF NOT EXISTS ':memory:' AS stage");
      this.stageAttached = true;
    }
    await this.run(`CREATE OR REPLACE TABLE stage.${name} (${columnsSql})`);
    return `stage.${name}`;
  }

  async close(): Promise<void> {
    this.stageConn?.closeSync();
    try {
      await this.run('CHECKPOINT');
    } catch {
      /* in-memory */
    }
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

/** DuckDB's current memory limit as it prints it ('512.0 MiB'). */
export async function memoryLimit(db: Queryable): Promise<string> {
  return String((await db.all("SELECT current_setting('memory_limit') AS m"))[0]?.m ?? '');
}

/** DuckDB's size text ('512.0 MiB', '1.0 GiB', '953.6 MB') in bytes; NaN when unreadable. */
export function sizeBytes(text: string): number {
  const m = /^([\d.]+)\s*([KMGT]?)(i?)B$/i.exec(text.trim());
  if (!m) return Number.NaN;
  const power = ['', 'K', 'M', 'G', 'T'].indexOf(m[2].toUpperCase());
  return Number(m[1]) * (m[3] ? 1024 : 1000) ** power;
}

/** SQL literal for a string (for generated SQL where parameters cannot be used). */
export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** An ISO time (`2025-01-01T00:00:00.000Z`) as DuckDB's TIMESTAMP text, for `CAST($n AS TIMESTAMP)`. */
export function sqlTime(iso: string): string {
  return iso.replace('T', ' ').replace('Z', '');
}

/** SQL expression formatting a TIMESTAMP column as ISO 8601 UTC with milliseconds. */
export function isoSql(col: string): string {
  return `strftime(${col}, '%Y-%m-%dT%H:%M:%S.%gZ')`;
}
