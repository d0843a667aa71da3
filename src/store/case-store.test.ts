import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, describe, expect, it } from 'vitest';
import { CaseStore, DEFAULT_MEMORY_LIMIT, memoryLimit, sizeBytes } from './case-store.js';
import { TABLES, zstdColumn } from './schema.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-store-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Compression DuckDB used for each column of `events` (data segments only). */
async function compressionOf(store: CaseStore): Promise<Map<string, Set<string>>> {
  await store.run('CHECKPOINT');
  const rows = await store.all(
    "SELECT column_name AS c, compression AS k FROM pragma_storage_info('events') WHERE segment_type <> 'VALIDITY'",
  );
  const out = new Map<string, Set<string>>();
  for (const r of rows) {
    const set = out.get(String(r.c)) ?? new Set<string>();
    set.add(String(r.k));
    out.set(String(r.c), set);
  }
  return out;
}

const FILL = `INSERT INTO events (uid, action, raw, request_parameters, file_id, idx)
  SELECT 'u' || range, 'GetObject', to_json({eventName: 'GetObject', n: range, pad: repeat('x', 200)}),
         to_json({bucketName: 'b' || (range % 7)}), 'f', range
  FROM range(20000)`;

describe('case store', () => {
  it('creates a new case file with ZSTD for JSON and long text columns, the default elsewhere', async () => {
    expect(TABLES.events.filter(zstdColumn).map((c) => c.name)).toContain('raw');
    expect(TABLES.invocations.filter(zstdColumn).map((c) => c.name)).toContain('prompt_text');
    const store = await CaseStore.open(path.join(tmp, 'new.duckdb'));
    try {
      await store.run(FILL);
      const comp = await compressionOf(store);
      expect(comp.get('raw')).toContain('ZSTD');
      expect(comp.get('request_parameters')).toContain('ZSTD');
      expect(comp.get('action')).not.toContain('ZSTD');
      const [row] = await store.all(
        "SELECT json_extract_string(raw, '$.eventName') AS a, count(*) OVER () AS n FROM events LIMIT 1",
      );
      expect(row).toEqual({ a: 'GetObject', n: 20000 });
    } finally {
      await store.close();
    }
  });

  it("opens a case file at the command line's memory limit unless told another; an in-memory case at DuckDB's", async () => {
    const file = await CaseStore.open(path.join(tmp, 'limit.duckdb'));
    const told = await CaseStore.open(path.join(tmp, 'limit2.duckdb'), { memoryLimit: '300MiB' });
    const mem = await CaseStore.open(':memory:');
    try {
      expect(sizeBytes(await memoryLimit(file))).toBe(sizeBytes(DEFAULT_MEMORY_LIMIT));
      expect(sizeBytes(await memoryLimit(told))).toBe(300 * 2 ** 20);
      // DuckDB's own default (80% of the machine's memory) is above ours on any machine this runs on
      expect(sizeBytes(await memoryLimit(mem))).toBeGreaterThan(sizeBytes(DEFAULT_MEMORY_LIMIT));
    } finally {
      await Promise.all([file.close(), told.close(), mem.close()]);
    }
  });

  it('opens a case file made at the old storage version without forcing a compression it lacks', async () => {
    const file = path.join(tmp, 'old.duckdb');
    // a case as earlier versions created it: DuckDB's default storage version, no compression clause
    const db = await DuckDBInstance.create(file);
    const conn = await db.connect();
    await conn.run('CREATE TABLE events (uid VARCHAR, raw JSON)');
    await conn.run('INSERT INTO events VALUES (\'a\', \'{"eventName":"ListBuckets"}\')');
    conn.closeSync();
    db.closeSync();

    const store = await CaseStore.open(file);
    try {
      await store.run(
        `INSERT INTO events (uid, raw) SELECT 'b' || range, to_json({n: range, pad: repeat('y', 200)}) FROM range(20000)`,
      );
      const comp = await compressionOf(store);
      // ZSTD cannot be written at that version; without the clause DuckDB compresses as it can
      expect(comp.get('raw')).not.toContain('ZSTD');
      expect(comp.get('raw')).not.toEqual(new Set(['Uncompressed']));
      const [row] = await store.all('SELECT count(*) AS n FROM events');
      expect(row.n).toBe(20001);
    } finally {
      await store.close();
    }
  });

  it('reads a large result a chunk at a time, in order, with every row', async () => {
    const store = await CaseStore.open(':memory:');
    try {
      const sizes: number[] = [];
      const seen: number[] = [];
      await store.each("SELECT range AS n, repeat('x', 3) AS s FROM range(10000) ORDER BY n DESC", (rows) => {
        sizes.push(rows.length);
        for (const r of rows) seen.push(Number(r.n));
      });
      expect(seen.length).toBe(10000);
      expect(seen[0]).toBe(9999);
      expect(seen.at(-1)).toBe(0);
      expect(seen.every((n, i) => i === 0 || n < seen[i - 1])).toBe(true);
      expect(sizes.length).toBeGreaterThan(1);
      expect(Math.max(...sizes)).toBeLessThanOrEqual(2048);
    } finally {
      await store.close();
    }
  });
});
