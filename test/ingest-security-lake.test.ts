/**
 * Amazon Security Lake CloudTrail (OCSF API Activity, Parquet partitioned region=/accountId=/eventDay=,
 * or JSON lines) through the whole pipeline: the same rows as the raw CloudTrail records they
 * were made from, rejects with reasons for bad files and rows, and, end to end, the same
 * findings from a Security Lake-shaped copy of the bundled example as from its raw CloudTrail.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { toOcsf, writeParquet } from '../scripts/security-lake-fixtures.mjs';
import { ingest } from '../src/engine/ingest.js';
import { investigate } from '../src/investigate.js';
import type { Report } from '../src/model/types.js';
import { CaseStore } from '../src/store/case-store.js';

const FIX = path.join(import.meta.dirname, 'fixtures/sources/security-lake');
const PARQUET = path.join(
  FIX,
  'lake/region=us-east-1/accountId=111111111111/eventDay=20240818/cloudtrail-v2.parquet',
);
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-seclake-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** additional_event_data's values come back as text from Security Lake's map of strings */
const textLeaves = (v: unknown): unknown =>
  v === null || typeof v !== 'object'
    ? v === null
      ? v
      : String(v)
    : Array.isArray(v)
      ? v.map(textLeaves)
      : Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, textLeaves(x)]));

async function rowsOf(files: string[], limits?: Record<string, number>) {
  const store = await CaseStore.open(':memory:');
  try {
    const res = await ingest(store, files, { limits });
    const rows = (await store.all(`SELECT * EXCLUDE (raw, file_id, idx) FROM events ORDER BY uid`)).map(
      (r) => ({
        ...r,
        additional_event_data: textLeaves(
          typeof r.additional_event_data === 'string'
            ? JSON.parse(r.additional_event_data)
            : r.additional_event_data,
        ),
      }),
    );
    const rejects = await store.all('SELECT idx, reason FROM rejects ORDER BY idx, reason');
    return { res, rows, rejects };
  } finally {
    await store.close();
  }
}

describe('ingest of Security Lake CloudTrail', () => {
  it('stores the Parquet rows and the OCSF JSON lines as the raw records they came from', async () => {
    const raw = await rowsOf([path.join(FIX, 'cloudtrail-originals.json')]);
    expect(raw.res.files[0]).toMatchObject({ format: 'cloudtrail', records: 6, stored: 6 });
    for (const file of [PARQUET, path.join(FIX, 'ocsf-v2.jsonl'), path.join(FIX, 'ocsf-v1.jsonl')]) {
      const lake = await rowsOf([file]);
      expect(lake.res.files[0], file).toMatchObject({
        format: 'security-lake-cloudtrail',
        records: 6,
        stored: 6,
        rejected: 0,
        warnings: [],
      });
      expect(lake.rows, file).toEqual(raw.rows);
    }
  });

  it('stores an event once whether it came from CloudTrail or Security Lake', async () => {
    const all = await rowsOf([FIX]);
    const byName = Object.fromEntries(all.res.files.map((f) => [path.basename(f.path), f]));
    expect(byName['cloudtrail-originals.json']).toMatchObject({ stored: 6, duplicates: 0 });
    expect(byName['cloudtrail-v2.parquet']).toMatchObject({ records: 6, stored: 0, duplicates: 6 });
    expect(byName['ocsf-v1.jsonl']).toMatchObject({ records: 6, stored: 0, duplicates: 6 });
    // records in the shapes of real Security Lake output (source versions 1 and 2), events of their own
    expect(byName['real-shapes.jsonl']).toMatchObject({ records: 4, stored: 4, rejected: 0 });
    expect(all.rows).toHaveLength(10);
  });

  it('rejects a corrupt Parquet file and rows over the cap with reasons, and goes on', async () => {
    const good = readFileSync(PARQUET);
    // Parquet magic at both ends, garbage between
    const bad = Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(200, 7), Buffer.from('PAR1')]);
    const badFile = path.join(tmp, 'corrupt.parquet');
    writeFileSync(badFile, bad);
    // a truncated copy is not Parquet (no magic at the end): read as text and rejected
    const cut = path.join(tmp, 'truncated.parquet');
    writeFileSync(cut, good.subarray(0, good.length - 100));
    const r = await rowsOf([badFile, cut, PARQUET]);
    const byName = Object.fromEntries(r.res.files.map((f) => [path.basename(f.path), f]));
    expect(byName['corrupt.parquet'].rejected).toBe(1);
    expect(byName['corrupt.parquet'].warnings.join(' ')).toMatch(/Parquet read error/);
    expect(byName['truncated.parquet'].stored).toBe(0);
    expect(byName['cloudtrail-v2.parquet']).toMatchObject({ stored: 6, rejected: 0 });
    const capped = await rowsOf([PARQUET], { maxRecordBytes: 2500 });
    const f = capped.res.files[0];
    expect(f.records).toBe(6);
    expect(f.rejected).toBeGreaterThan(0);
    expect(f.stored + f.rejected).toBe(6);
    expect(capped.rejects[0].reason).toMatch(/^row of \d+ bytes over the 2500-byte record cap$/);
  });

  it('rejects the rows of a Parquet file that are not CloudTrail records, and keeps the others', async () => {
    const originals = JSON.parse(readFileSync(path.join(FIX, 'cloudtrail-originals.json'), 'utf8'));
    const finding = {
      class_uid: 2004,
      class_name: 'Detection Finding',
      metadata: { product: { name: 'GuardDuty', vendor_name: 'AWS' }, version: '1.1.0', uid: 'f-1' },
      time: 1741651319000,
      unmapped: { note: 'x' },
    };
    const file = path.join(tmp, 'mixed/region=us-east-1/accountId=111122223333/eventDay=20250311/x.parquet');
    await writeParquet(
      [toOcsf(originals[4]), finding, { ...toOcsf(originals[5]), time: 'never', time_dt: 'never' }],
      file,
    );
    const r = await rowsOf([file]);
    expect(r.res.files[0]).toMatchObject({ records: 3, stored: 1, rejected: 2 });
    expect(r.rejects).toEqual([
      // an OCSF finding is the Security Hub OCSF reader's, which says what it lacks
      { idx: 1, reason: 'OCSF finding without finding_info' },
      { idx: 2, reason: 'unreadable eventTime "never"' },
    ]);
  });
});

/** Every record of the raw CloudTrail delivery files below a folder. */
function cloudTrailRecords(dir: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(...JSON.parse(gunzipSync(readFileSync(p)).toString('utf8')).Records);
    }
  };
  walk(dir);
  return out;
}

describe('investigate on a Security Lake export', () => {
  const EXAMPLE = path.resolve(import.meta.dirname, '../examples/guardrail-tampering-mini');

  async function run(dirs: string[]): Promise<Report> {
    const store = await CaseStore.open(':memory:');
    try {
      return await investigate(store, dirs, { now: new Date('2026-01-01T00:00:00Z') });
    } finally {
      await store.close();
    }
  }
  it('gives the findings the raw CloudTrail gives', async () => {
    // the example with its CloudTrail replaced by Security Lake Parquet partitions (the other
    // evidence read in place, so that its paths, and the ids of findings citing it, are the same)
    const lake = path.join(tmp, 'lake-example');
    const others = readdirSync(EXAMPLE)
      .filter((name) => name !== 'cloudtrail')
      .map((name) => path.join(EXAMPLE, name));
    const parts = new Map<string, Record<string, unknown>[]>();
    for (const rec of cloudTrailRecords(path.join(EXAMPLE, 'cloudtrail'))) {
      const key = `region=${rec.awsRegion}/accountId=${rec.recipientAccountId}/eventDay=${String(rec.eventTime).slice(0, 10).replace(/-/g, '')}`;
      const list = parts.get(key) ?? [];
      list.push(toOcsf(rec));
      parts.set(key, list);
    }
    expect(parts.size).toBeGreaterThan(1);
    for (const [key, recs] of parts)
      await writeParquet(
        recs,
        path.join(lake, 'security-lake/aws/CLOUD_TRAIL_MGMT/2.0', key, 'part-0.parquet'),
      );

    const [original, fromLake] = [await run([EXAMPLE]), await run([...others, lake])];
    const lakeFiles = fromLake.evidence.filter((e) => e.path.endsWith('.parquet'));
    expect(lakeFiles.length).toBe(parts.size);
    for (const e of lakeFiles)
      expect(e, e.path).toMatchObject({ format: 'security-lake-cloudtrail', rejected: 0 });
    expect(original.findings.length).toBeGreaterThan(5);
    // the same findings (ids, severities, evidence, texts), scope and verdicts
    expect(fromLake.findings).toEqual(original.findings);
    expect(fromLake.scope).toEqual(original.scope);
    expect(fromLake.elements).toEqual(original.elements);
  }, 240_000);
});
