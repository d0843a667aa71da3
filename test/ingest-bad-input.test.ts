/**
 * Hostile and broken evidence: every case must leave the run going, and every file must account
 * for its records (records = stored + rejected + duplicates) with reasons in its warnings.
 * Inputs are generated into a temp dir; nothing binary is committed.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { type IngestResult, ingest } from '../src/engine/ingest.js';
import type { Limits } from '../src/io/limits.js';
import { CaseStore } from '../src/store/case-store.js';

const FIX = path.join(import.meta.dirname, 'fixtures/sources');
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-bad-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
/** A fresh directory under the temp dir. */
function dir(): string {
  const d = path.join(tmp, `case-${n++}`);
  mkdirSync(d, { recursive: true });
  return d;
}

const RECORDS: Record<string, unknown>[] = JSON.parse(
  readFileSync(path.join(FIX, 'cloudtrail/delivery.json'), 'utf8'),
).Records;

/** A CloudTrail record with its own eventID. */
function record(i: number): Record<string, unknown> {
  return {
    ...RECORDS[i % RECORDS.length],
    eventID: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  };
}
const jsonl = (from: number, count: number): string =>
  Array.from({ length: count }, (_, k) => JSON.stringify(record(from + k))).join('\n') + '\n';

async function run(paths: string[], limits?: Partial<Limits>, store?: CaseStore) {
  const s = store ?? (await CaseStore.open(':memory:'));
  const res = await ingest(s, paths, { limits });
  balanced(res);
  if (!store) await s.close();
  return res;
}

/** Every file accounts for each of its records. */
function balanced(res: IngestResult): void {
  for (const f of res.files) {
    expect(f.records, `${f.path}: records = stored + rejected + duplicates`).toBe(
      f.stored + f.rejected + f.duplicates,
    );
    if (f.rejected > 0)
      expect(
        f.warnings.some((w) => w.startsWith('rejected')),
        f.path,
      ).toBe(true);
  }
  const t = res.totals;
  expect(t.records).toBe(t.stored + t.rejected + t.duplicates);
}

const fileOf = (res: IngestResult, name: string) => {
  const f = res.files.find((x) => path.basename(x.path) === name);
  if (!f) throw new Error(`${name} not in the result`);
  return f;
};

describe('bad input', () => {
  it('truncated gzip: what was read is kept, the rest is one rejected unit', async () => {
    const d = dir();
    const gz = gzipSync(jsonl(0, 2000));
    writeFileSync(path.join(d, 'cut-lines.jsonl.gz'), gz.subarray(0, Math.floor(gz.length * 0.6)));
    const doc = gzipSync(JSON.stringify({ Records: RECORDS }));
    writeFileSync(path.join(d, 'cut-doc.json.gz'), doc.subarray(0, doc.length - 40));
    writeFileSync(path.join(d, 'good.jsonl'), jsonl(5000, 3));
    const res = await run([d]);
    const lines = fileOf(res, 'cut-lines.jsonl.gz');
    expect(lines.stored).toBeGreaterThan(100);
    expect(lines.stored).toBeLessThan(2000);
    expect(lines.warnings.join('\n')).toMatch(/truncated gzip/);
    const cut = fileOf(res, 'cut-doc.json.gz');
    expect(cut).toMatchObject({ stored: 0, rejected: 1 });
    expect(cut.warnings.join('\n')).toMatch(/truncated gzip.*incomplete/);
    expect(fileOf(res, 'good.jsonl')).toMatchObject({ records: 3, stored: 3, rejected: 0 });
  });

  it('a gzip stream corrupt near its start: reported, and the file is still identified by all its bytes', async () => {
    const d = dir();
    const text = Array.from({ length: 30_000 }, (_, i) =>
      JSON.stringify({ ...record(i), junk: createHash('sha256').update(String(i)).digest('hex') }),
    ).join('\n');
    const gz = gzipSync(text, { level: 1 });
    expect(gz.length).toBeGreaterThan(2 << 20);
    gz.fill(0xff, 10, 18);
    const file = path.join(d, 'corrupt.jsonl.gz');
    writeFileSync(file, gz);
    const res = await run([d]);
    const f = fileOf(res, 'corrupt.jsonl.gz');
    expect(f.warnings.join('\n')).toMatch(/gzip error/);
    expect(f.bytes).toBe(gz.length);
    expect(f.sha256).toBe(createHash('sha256').update(gz).digest('hex'));
  });

  it('invalid JSON: a bad line among good lines, a bad first line, and a broken document', async () => {
    const d = dir();
    const good = jsonl(0, 5).split('\n');
    good.splice(2, 0, '{"eventName": "Broken", ');
    writeFileSync(path.join(d, 'bad-line.jsonl'), good.join('\n'));
    writeFileSync(path.join(d, 'bad-first-line.jsonl'), `{"oops":\n${jsonl(10, 4)}`);
    const pretty = JSON.stringify({ Records: RECORDS }, null, 2);
    writeFileSync(path.join(d, 'broken-doc.json'), pretty.replace('"eventName"', '"eventName" "x"'));
    const res = await run([d]);
    const bl = fileOf(res, 'bad-line.jsonl');
    expect(bl).toMatchObject({ records: 6, stored: 5, rejected: 1 });
    expect(bl.warnings.join('\n')).toMatch(/rejected record 2: invalid JSON/);
    expect(fileOf(res, 'bad-first-line.jsonl')).toMatchObject({ records: 5, stored: 4, rejected: 1 });
    const bd = fileOf(res, 'broken-doc.json');
    expect(bd).toMatchObject({ stored: 0, rejected: 1 });
    expect(bd.warnings.join('\n')).toMatch(/invalid JSON document/);
  });

  it('files of the wrong format: CSV, unrelated JSON, an empty list', async () => {
    const d = dir();
    writeFileSync(
      path.join(d, 'table.csv'),
      'eventTime,eventName,sourceIP\n2025-03-11T00:00:00Z,GetObject,1.2.3.4\n',
    );
    writeFileSync(path.join(d, 'package.json'), JSON.stringify({ name: 'x', version: '1.0.0' }, null, 2));
    writeFileSync(path.join(d, 'empty-list.json'), '[]');
    const res = await run([d]);
    const csv = fileOf(res, 'table.csv');
    expect(csv).toMatchObject({ format: 'unknown', stored: 0 });
    expect(csv.rejected).toBeGreaterThan(0);
    expect(csv.warnings.join('\n')).toMatch(/invalid JSON/);
    const pkg = fileOf(res, 'package.json');
    expect(pkg).toMatchObject({ format: 'unknown', records: 1, rejected: 1 });
    expect(pkg.warnings.join('\n')).toMatch(/not a recognised evidence format/);
    expect(fileOf(res, 'empty-list.json')).toMatchObject({ stored: 0 });
  });

  it('an empty file, and one of blank lines', async () => {
    const d = dir();
    writeFileSync(path.join(d, 'empty.json'), '');
    writeFileSync(path.join(d, 'blank.jsonl'), '\n\n   \n');
    const res = await run([d]);
    for (const name of ['empty.json', 'blank.jsonl']) {
      const f = fileOf(res, name);
      expect(f).toMatchObject({ records: 0, stored: 0, rejected: 0 });
      expect(f.warnings.join('\n')).toMatch(/empty file/);
    }
  });

  it('bytes that are not UTF-8 are read with replacement characters and reported', async () => {
    const d = dir();
    const line = Buffer.from(JSON.stringify(record(0)));
    const bad = Buffer.concat([line.subarray(0, 40), Buffer.from([0xff, 0xfe, 0xc3]), line.subarray(40)]);
    writeFileSync(path.join(d, 'latin.jsonl'), Buffer.concat([bad, Buffer.from(`\n${jsonl(1, 2)}`)]));
    const res = await run([d]);
    const f = fileOf(res, 'latin.jsonl');
    expect(f).toMatchObject({ records: 3, stored: 3, rejected: 0 });
    expect(f.warnings.join('\n')).toMatch(/not UTF-8/);
  });

  it('records over the size cap are rejected one by one, in lines and in documents', async () => {
    const d = dir();
    const big = { ...record(1), requestParameters: { blob: 'x'.repeat(20_000) } };
    writeFileSync(path.join(d, 'big.jsonl'), `${jsonl(0, 1)}${JSON.stringify(big)}\n${jsonl(2, 1)}`);
    writeFileSync(
      path.join(d, 'big-doc.json'),
      JSON.stringify({ Records: [record(10), big, record(11)] }, null, 1),
    );
    const res = await run([d], { maxRecordBytes: 10_000 });
    for (const name of ['big.jsonl', 'big-doc.json']) {
      const f = fileOf(res, name);
      expect(f, name).toMatchObject({ records: 3, stored: 2, rejected: 1 });
      expect(f.warnings.join('\n')).toMatch(/over the 10000-byte/);
    }
  });

  it('a document over the document cap is one rejected unit', async () => {
    const d = dir();
    writeFileSync(path.join(d, 'doc.json'), JSON.stringify({ Records: RECORDS }, null, 2));
    const res = await run([d], { maxDocumentBytes: 2_000 });
    const f = fileOf(res, 'doc.json');
    expect(f).toMatchObject({ stored: 0, rejected: 1 });
    expect(f.warnings.join('\n')).toMatch(/over the 2000-byte cap/);
  });

  it('nesting deeper than the cap is rejected, even very deep nesting', async () => {
    const d = dir();
    const nest = (depth: number) => {
      let v: unknown = 'bottom';
      for (let i = 0; i < depth; i++) v = { a: v };
      return v;
    };
    const deep = { ...record(1), requestParameters: nest(30) };
    writeFileSync(path.join(d, 'deep.jsonl'), `${jsonl(0, 1)}${JSON.stringify(deep)}\n`);
    const abyss = `{"eventName":"X","eventSource":"s","eventTime":"2025-01-01T00:00:00Z","p":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    writeFileSync(path.join(d, 'abyss.jsonl'), `${abyss}\n${jsonl(5, 1)}`);
    const res = await run([d], { maxDepth: 16 });
    const f = fileOf(res, 'deep.jsonl');
    expect(f).toMatchObject({ records: 2, stored: 1, rejected: 1 });
    expect(f.warnings.join('\n')).toMatch(/nesting deeper than 16/);
    const a = fileOf(res, 'abyss.jsonl');
    expect(a).toMatchObject({ records: 2, stored: 1, rejected: 1 });
    expect(a.warnings.join('\n')).toMatch(/nesting deeper/);
  });

  it('a decompression bomb (200 MB of zeros) is stopped, the run goes on', async () => {
    const d = dir();
    const bomb = path.join(d, 'bomb.jsonl.gz');
    const MB = Buffer.alloc(1 << 20);
    let left = 200;
    await pipeline(
      new Readable({
        read() {
          this.push(left-- > 0 ? MB : null);
        },
      }),
      createGzip({ level: 9 }),
      createWriteStream(bomb),
    );
    writeFileSync(path.join(d, 'good.jsonl'), jsonl(0, 2));
    const res = await run([d], { inflateRatioFloor: 1 << 20 });
    const f = fileOf(res, 'bomb.jsonl.gz');
    expect(f.stored).toBe(0);
    expect(f.warnings.join('\n')).toMatch(/decompression bomb/);
    expect(fileOf(res, 'good.jsonl')).toMatchObject({ stored: 2 });
  });

  it('a bomb that is valid JSON lines is stopped too, keeping the lines read before', async () => {
    const d = dir();
    const line = `${JSON.stringify(record(0))}\n`;
    writeFileSync(path.join(d, 'lines-bomb.jsonl.gz'), gzipSync(line.repeat(20_000), { level: 9 }));
    const res = await run([d], { inflateRatioFloor: 64 * 1024, maxInflateRatio: 50 });
    const f = fileOf(res, 'lines-bomb.jsonl.gz');
    expect(f.warnings.join('\n')).toMatch(/decompression ratio over 50:1/);
    expect(f.stored).toBe(1);
    expect(f.duplicates).toBeGreaterThan(0);
  });

  it('unreadable entries: a dangling symlink, a FIFO, a file that fails on read', async () => {
    const d = dir();
    writeFileSync(path.join(d, 'good.jsonl'), jsonl(0, 2));
    symlinkSync(path.join(d, 'nowhere.json'), path.join(d, 'dangling.json'));
    let fifo = false;
    try {
      execFileSync('mkfifo', [path.join(d, 'pipe.json')]);
      fifo = true;
    } catch {
      console.log('mkfifo is not available: the FIFO case is skipped');
    }
    // chmod 000 does not stop root; /proc/self/mem is a regular file whose read fails (EIO) for anyone
    let failing = false;
    try {
      symlinkSync('/proc/self/mem', path.join(d, 'failing.json'));
      failing = true;
    } catch {
      console.log('no /proc/self/mem: the read-error case is skipped');
    }
    writeFileSync(path.join(d, 'empty.json'), '');
    const res = await run([d, path.join(d, 'missing-dir')]);
    expect(fileOf(res, 'good.jsonl')).toMatchObject({ stored: 2 });
    const w = res.warnings.join('\n');
    expect(w).toMatch(/dangling\.json: cannot read: ENOENT/);
    expect(w).toMatch(/missing-dir: cannot read: ENOENT/);
    if (fifo) expect(w).toMatch(/pipe\.json: not a regular file/);
    if (failing && process.platform === 'linux') {
      // its sha256 (of no bytes) is the empty file's: it must still be reported as unreadable
      const f = fileOf(res, 'failing.json');
      expect(f.rejected).toBe(1);
      expect(f.warnings.join('\n')).toMatch(/read error/);
      expect(f.warnings.join('\n')).not.toMatch(/same content/);
    }
  });

  it('the same record in two files is stored once and counted as a duplicate', async () => {
    const d = dir();
    writeFileSync(path.join(d, 'a.jsonl'), jsonl(0, 3));
    writeFileSync(path.join(d, 'b.json'), JSON.stringify({ Records: [record(1), record(2), record(3)] }));
    const store = await CaseStore.open(':memory:');
    const res = await run([d], undefined, store);
    expect(fileOf(res, 'a.jsonl')).toMatchObject({ records: 3, stored: 3, duplicates: 0 });
    expect(fileOf(res, 'b.json')).toMatchObject({ records: 3, stored: 1, duplicates: 2 });
    const [{ n: count }] = await store.all('SELECT count(*) AS n FROM events');
    expect(count).toBe(4);
    // a later run with one more overlapping file
    const d2 = dir();
    writeFileSync(path.join(d2, 'c.jsonl'), jsonl(3, 2));
    const res2 = await run([d2], undefined, store);
    expect(fileOf(res2, 'c.jsonl')).toMatchObject({ records: 2, stored: 1, duplicates: 1 });
    await store.close();
  });

  it('the same file twice is read once: in one run, and again in a later run', async () => {
    const d = dir();
    writeFileSync(path.join(d, 'a.jsonl'), jsonl(0, 3));
    writeFileSync(path.join(d, 'copy-of-a.jsonl'), jsonl(0, 3));
    const store = await CaseStore.open(':memory:');
    const res = await run([d, path.join(d, 'a.jsonl')], undefined, store);
    expect(res.files).toHaveLength(2);
    expect(fileOf(res, 'a.jsonl')).toMatchObject({ stored: 3 });
    const copy = fileOf(res, 'copy-of-a.jsonl');
    expect(copy).toMatchObject({ records: 0, stored: 0, duplicates: 0 });
    expect(copy.warnings.join('\n')).toMatch(/same content \(sha256\)/);
    const again = await run([d], undefined, store);
    expect(again.totals).toEqual({ records: 0, stored: 0, rejected: 0, duplicates: 0 });
    const [{ n: files }] = await store.all('SELECT count(*) AS n FROM files');
    expect(files).toBe(1);
    await store.close();
  });
});
