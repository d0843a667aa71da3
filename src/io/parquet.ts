/**
 * Apache Parquet evidence files (Amazon Security Lake stores every source as Parquet). Parquet is
 * recognised by content (`PAR1` at both ends), never by name, and read by DuckDB, whose npm build
 * carries the Parquet reader: each row comes back as the JSON text of the whole row (nested
 * structs as objects, maps as objects, lists as arrays), a chunk (~2,048 rows) at a time, so a
 * large file's records are never all held in JavaScript.
 *
 * A private in-memory DuckDB instance (one thread, its own memory limit) reads the files: the
 * case's connection is left to the fast CloudTrail path, whose batches run concurrently, and its
 * settings (memory limit, insertion order) are not touched. Rows come in file order (one thread,
 * insertion order preserved). Hive partition folders (`region=`, `accountId=`, `eventDay=`) are not
 * added as columns: a record says where it came from itself.
 *
 * Bounds: a row whose JSON text is over the record cap is not handed over (only its length); the
 * sum of the rows' text is held to the decompressed-bytes cap; a DuckDB error (corrupt or
 * truncated file, unsupported encoding) ends the read with the reason.
 */
import { open, stat } from 'node:fs/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { sha256File } from './files.js';
import type { Limits } from './limits.js';

const MAGIC = Buffer.from('PAR1');
/** DuckDB reads a path as a glob pattern: such paths cannot name one file exactly */
const GLOB_CHARS = /[*?[\]{}]/;
const MEMORY_LIMIT = '256MiB';

/** True when the file starts and ends with Parquet's magic bytes. */
export async function isParquetFile(file: string): Promise<boolean> {
  let fh: Awaited<ReturnType<typeof open>> | null = null;
  try {
    fh = await open(file, 'r');
    const { size } = await fh.stat();
    if (size < 12) return false;
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(4);
    await fh.read(head, 0, 4, 0);
    await fh.read(tail, 0, 4, size - 4);
    return head.equals(MAGIC) && tail.equals(MAGIC);
  } catch {
    return false;
  } finally {
    await fh?.close();
  }
}

export interface ParquetRow {
  /** 0-based row number in the file */
  idx: number;
  /** the row as JSON text, or null when it is over the record cap */
  json: string | null;
  /** length of the row's JSON text */
  length: number;
}

export interface ParquetReadResult {
  sha256: string;
  bytes: number;
  rows: number;
  /** why the read stopped early, or null */
  error: string | null;
}

const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`;

/** Streams the rows of a Parquet file as JSON text, in file order. */
export async function readParquetRows(
  file: string,
  limits: Limits,
  onRows: (rows: ParquetRow[]) => void,
): Promise<ParquetReadResult> {
  const res: ParquetReadResult = { sha256: '', bytes: 0, rows: 0, error: null };
  try {
    res.bytes = (await stat(file)).size;
    res.sha256 = await sha256File(file);
  } catch (e) {
    res.error = `read error: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
    return res;
  }
  if (GLOB_CHARS.test(file)) {
    res.error = 'Parquet file path holds glob characters (* ? [ ] { }): not read';
    return res;
  }
  const instance = await DuckDBInstance.create(':memory:', { threads: '1', memory_limit: MEMORY_LIMIT });
  const conn = await instance.connect();
  try {
    const cap = Math.max(1, Math.floor(limits.maxRecordBytes));
    const sql = `SELECT CASE WHEN n <= ${cap} THEN j END AS j, n
      FROM (SELECT j, strlen(j) AS n FROM (
        SELECT to_json(t)::VARCHAR AS j FROM read_parquet(${quote(file)}, hive_partitioning = false) t))`;
    const result = await conn.stream(sql);
    let total = 0;
    for await (const chunk of result.yieldRowObjectJs()) {
      const rows: ParquetRow[] = [];
      for (const r of chunk) {
        const length = Number(r.n ?? 0);
        total += length;
        rows.push({ idx: res.rows++, json: typeof r.j === 'string' ? r.j : null, length });
      }
      onRows(rows);
      if (total > limits.maxInflatedBytes) {
        res.error = `rows' text over ${limits.maxInflatedBytes} bytes: stopped reading`;
        break;
      }
    }
  } catch (e) {
    res.error = `Parquet read error: ${String((e as Error).message ?? e)
      .replace(/\s+/g, ' ')
      .slice(0, 200)}`;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return res;
}
