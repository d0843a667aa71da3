/**
 * Ingest: evidence files → readers → staged rows → the case store.
 *
 * Each file is streamed (gunzipped with a bomb check), split into lines with a size cap, and
 * either read line by line (JSON lines) or, when its first line is not a JSON value by itself, as
 * one document. Each value is opened if it is an envelope, offered to the readers, unwrapped into
 * records and normalised. Rows are appended to staging tables (in an in-memory database, as text)
 * and loaded into the case in one pass per table, where duplicates (the same record id seen
 * before) are set aside and counted. Nothing is dropped silently: every record is stored,
 * rejected with a reason, or counted as a duplicate, per file.
 */
import path from 'node:path';
import {
  LineSink,
  listEvidence,
  makeTempDir,
  type RawLine,
  readLines,
  readSmallFileSync,
  removeDir,
  sha256File,
} from '../io/files.js';
import { DEFAULT_LIMITS, type Limits } from '../io/limits.js';
import { isParquetFile, readParquetRows } from '../io/parquet.js';
import type { EvidenceFile, SourceFormat } from '../model/types.js';
import { chooseReader, openEnvelope, RecordError, Rejected, stripLinePrefix } from '../sources/index.js';
import type { NormalizeContext, SourceReader } from '../sources/types.js';
import { contentId } from '../sources/util.js';
import { type CaseStore, type StageAppender, sqlString } from '../store/case-store.js';
import { RECORD_TABLES, type RecordTable, TABLES } from '../store/schema.js';
import { FastCloudTrail } from './fast-cloudtrail.js';
import { relieveHeap } from './heap.js';

export interface IngestProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  records: number;
}

export interface IngestOptions {
  limits?: Partial<Limits>;
  onProgress?: (p: IngestProgress) => void;
  /** read CloudTrail S3 delivery files in DuckDB (engine/fast-cloudtrail.ts); default true */
  fastPath?: boolean;
  /** text staged by the JavaScript path between two flushes of its appenders (default 64 MiB) */
  stageFlushBytes?: number;
}

export interface IngestResult {
  files: EvidenceFile[];
  /** problems with paths (unreadable directories, files that could not be opened) */
  warnings: string[];
  totals: { records: number; stored: number; rejected: number; duplicates: number };
}

interface FileState {
  file: EvidenceFile;
  ord: number;
  formats: Map<SourceFormat, number>;
  rejects: Array<{ idx: number; reason: string }>;
  notes: Map<string, number>;
  staged: number;
  /** the file could not be read (I/O error): its sha256 covers only what was read, so it identifies nothing */
  readError?: boolean;
}

const MAX_WARNINGS_PER_FILE = 20;
/** A parsed line held back (see readFile), with its JSON text. */
interface HeldUnit {
  value: unknown;
  line: number;
  text?: string;
}
/** Record tables with a `raw` column (the record's JSON text as stored). */
const KEEPS_RAW = new Set(RECORD_TABLES.filter((t) => TABLES[t].some((c) => c.name === 'raw')));
const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8lossy = new TextDecoder('utf-8');

/** Deeper than `max` levels of arrays/objects? Linear scan that skips strings. */
export function deeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inStr) {
      if (c === 92) i++;
      else if (c === 34) inStr = false;
    } else if (c === 34) inStr = true;
    else if (c === 123 || c === 91) {
      if (++depth > max) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

/** JSON text nested deeper than `max` (counting openers first: most records have few). */
function tooDeep(text: string, max: number): boolean {
  return countOpeners(text, max) > max && deeperThan(text, max);
}

function countOpeners(text: string, limit: number): number {
  let n = 0;
  for (const ch of ['{', '[']) {
    let i = text.indexOf(ch);
    while (i !== -1 && n <= limit) {
      n++;
      i = text.indexOf(ch, i + 1);
    }
  }
  return n;
}

/** Index of evidence files by every path suffix, to resolve S3 URIs a record refers to. */
class ReferenceIndex {
  private bySuffix = new Map<string, string>();
  readonly referenced = new Set<string>();
  constructor(paths: string[]) {
    for (const p of paths) {
      const parts = p.split(/[\\/]/);
      for (let i = parts.length - 1; i >= 0; i--) {
        const suffix = parts.slice(i).join('/');
        if (!this.bySuffix.has(suffix)) this.bySuffix.set(suffix, p);
      }
    }
  }
  resolve(uri: string): string | null {
    const m = /^s3:\/\/[^/]+\/(.+)$/.exec(uri);
    const key = m ? m[1] : uri;
    const parts = key.split('/').filter(Boolean);
    // the longest suffix of the key that names an evidence file
    for (let i = 0; i < parts.length; i++) {
      const p = this.bySuffix.get(parts.slice(i).join('/'));
      if (p) return p;
    }
    return null;
  }
}

export async function ingest(
  store: CaseStore,
  inputs: string[],
  opts: IngestOptions = {},
): Promise<IngestResult> {
  const limits: Limits = { ...DEFAULT_LIMITS, ...opts.limits };
  const listed = await listEvidence(inputs);
  const warnings = listed.problems.map((p) => `${p.path}: ${p.reason}`);
  const refs = new ReferenceIndex(listed.files.map((f) => f.path));
  const known = new Map<string, string>();
  for (const r of await store.all(
    `SELECT sha256, path FROM files WHERE coalesce(len(list_filter(warnings, w -> w LIKE '%read error:%')), 0) = 0`,
  ))
    known.set(String(r.sha256), String(r.path));

  const tmp = await makeTempDir('genai-ir-stage-');
  const stages = new Map<RecordTable, Stage>();
  for (const t of RECORD_TABLES)
    stages.set(t, await Stage.create(store, t, opts.stageFlushBytes ?? STAGE_FLUSH_BYTES));
  const sink = (t: RecordTable): Stage => stages.get(t) as Stage;
  const states: FileState[] = [];
  const bytesTotal = listed.files.reduce((a, f) => a + f.bytes, 0);
  let bytesDone = 0;
  let recordsSeen = 0;
  /** content already in the case (this run or an earlier one): the file's records are not kept */
  const markKnown = (st: FileState, firstPath: string): void => {
    st.file.warnings = [`same content (sha256) as ${firstPath}, already in the case: not read again`];
    st.file.records = 0;
    st.file.rejected = 0;
    st.rejects = [];
    st.staged = -1;
  };
  let filesDone = 0;
  const progress = (st: FileState): void => {
    bytesDone += st.file.bytes;
    recordsSeen += st.file.records;
    opts.onProgress?.({
      filesDone: ++filesDone,
      filesTotal: listed.files.length,
      bytesDone,
      bytesTotal,
      records: recordsSeen,
    });
  };

  // a file the fast path takes counts as done once its batch is (its records are known then)
  const fast =
    opts.fastPath === false
      ? null
      : new FastCloudTrail<FileState>(
          store,
          limits,
          (s, f) => readFile(s, f, limits, refs, sink),
          () => sink('events'),
          { onFileDone: (s) => progress(s) },
        );

  try {
    // Pass 1, in listing order: the fast path takes the CloudTrail delivery files it can read (its
    // DuckDB batches start while this loop goes on); every other file is only hashed here and read
    // by JavaScript in pass 2, while DuckDB reads the batches. Content seen twice is settled here,
    // in listing order, exactly as one pass would: the first file with a given sha256 is read.
    const deferred: Array<{ st: FileState; path: string; sha: string | null; firstPath?: string }> = [];
    for (let ord = 0; ord < listed.files.length; ord++) {
      const lf = listed.files[ord];
      const st: FileState = {
        file: {
          sha256: '',
          path: lf.path,
          format: 'unknown',
          bytes: lf.bytes,
          records: 0,
          stored: 0,
          rejected: 0,
          duplicates: 0,
          warnings: [],
        },
        ord,
        formats: new Map(),
        rejects: [],
        notes: new Map(),
        staged: 0,
      };
      states.push(st);
      if (await fast?.offer(st, lf.path)) {
        const first = known.get(st.file.sha256);
        if (first !== undefined) markKnown(st, first);
        else known.set(st.file.sha256, lf.path);
        continue;
      }
      // Hashed only when the fast path's batches may run meanwhile: without them every file is read
      // in listing order in pass 2 and settled after its read, as in one pass. A file that cannot
      // be hashed now is left to its read (which reports the error).
      const sha = fast ? await sha256File(lf.path).catch(() => null) : null;
      const first = sha === null ? undefined : known.get(sha);
      if (sha !== null && first === undefined) known.set(sha, lf.path);
      deferred.push({ st, path: lf.path, sha, firstPath: first });
    }
    // Pass 2: the JavaScript path. A file whose read fails is neither a copy nor an original
    // (its sha256 covers only what was read), as in one pass.
    for (const d of deferred) {
      const st = d.st;
      await readFile(st, d.path, limits, refs, sink);
      relieveHeap();
      if (st.readError) {
        // readable when hashed, not when read: it is not the original of later copies after all
        if (d.sha !== null && known.get(d.sha) === d.path) known.delete(d.sha);
      } else {
        // with the fast path, files listed later were settled in pass 1 already: an unhashed file
        // is never taken for a copy of one of them
        const first = d.sha !== null ? d.firstPath : fast ? undefined : known.get(st.file.sha256);
        if (first !== undefined) markKnown(st, first);
        else if (!known.has(st.file.sha256)) known.set(st.file.sha256, d.path);
      }
      progress(st);
    }
    const fastDuplicates = await fast?.finish();
    // a file nobody could read that a record refers to (a Bedrock body moved to S3) is evidence, not a reject
    for (const st of states) {
      if (st.file.format === 'unknown' && refs.referenced.has(st.file.path)) {
        st.file.format = 'bedrock-invocation-body';
        st.file.records = 0;
        st.file.rejected = 0;
        st.rejects = [];
        st.file.warnings = [
          'request or response body referenced by a model-invocation record; read with that record',
        ];
      }
    }
    for (const s of stages.values()) s.close();
    // files whose staged rows must be discarded (content already in the case)
    const skipped = states.filter((s) => s.staged === -1).map((s) => s.ord);
    const dupByFile = new Map<number, number>(fastDuplicates);
    await store.run('CREATE OR REPLACE TEMP TABLE stage_files (_ord INTEGER, sha256 VARCHAR)');
    for (let i = 0; i < states.length; i += 1000) {
      const part = states.slice(i, i + 1000);
      await store.run(
        `INSERT INTO stage_files VALUES ${part.map((st) => `(${st.ord}, ${sqlString(st.file.sha256)})`).join(', ')}`,
      );
    }
    for (const table of RECORD_TABLES) {
      const s = stages.get(table);
      if (!s || s.rows === 0) continue;
      for (const [ord, n] of await loadTable(store, table, s.name, skipped)) {
        dupByFile.set(ord, (dupByFile.get(ord) ?? 0) + n);
      }
    }
    for (const st of states) {
      const f = st.file;
      if (st.staged === -1) {
        f.stored = 0;
        f.duplicates = 0;
      } else {
        f.duplicates = dupByFile.get(st.ord) ?? 0;
        f.stored = st.staged - f.duplicates;
      }
      f.rejected = st.rejects.length;
      // format: the one most records had
      let best = 0;
      for (const [fmt, n] of st.formats) {
        if (n > best) {
          best = n;
          f.format = fmt;
        }
      }
      for (const [note, n] of st.notes) f.warnings.push(n > 1 ? `${note} (${n} records)` : note);
      summariseRejects(st);
      if (f.records === 0 && f.rejected === 0 && st.staged !== -1 && f.format === 'unknown') {
        f.warnings.push('empty file: no records');
      }
    }
    await saveFiles(store, states, tmp);
  } finally {
    for (const s of stages.values()) await s.drop(store);
    await removeDir(tmp);
  }
  const files = states.map((s) => s.file);
  const totals = { records: 0, stored: 0, rejected: 0, duplicates: 0 };
  for (const f of files) {
    totals.records += f.records;
    totals.stored += f.stored;
    totals.rejected += f.rejected;
    totals.duplicates += f.duplicates;
  }
  return { files, warnings, totals };
}

function summariseRejects(st: FileState): void {
  const byReason = new Map<string, number[]>();
  for (const r of st.rejects) {
    const list = byReason.get(r.reason) ?? [];
    list.push(r.idx);
    byReason.set(r.reason, list);
  }
  let n = 0;
  for (const [reason, idxs] of byReason) {
    if (n++ >= MAX_WARNINGS_PER_FILE) {
      st.file.warnings.push(
        `... and ${byReason.size - MAX_WARNINGS_PER_FILE} more reasons (see table rejects)`,
      );
      break;
    }
    const where = idxs.length === 1 ? `record ${idxs[0]}` : `${idxs.length} records (first at ${idxs[0]})`;
    st.file.warnings.push(`rejected ${where}: ${reason}`);
  }
}

async function readFile(
  st: FileState,
  file: string,
  limits: Limits,
  refs: ReferenceIndex,
  sink: (t: RecordTable) => Stage,
): Promise<void> {
  let mode = 'probe' as 'probe' | 'lines' | 'document';
  let docParts: Buffer[] = [];
  let docLines: RawLine[] = [];
  let docBytes = 0;
  let docOverflow = false;
  let lossyLines = 0;
  /** the first unit is held back until we know whether the file is one unit (then idx = array index) */
  let held: HeldUnit | null = null;
  let units = 0;
  let last: SourceReader | null = null;

  const reject = (idx: number, reason: string): void => {
    st.file.records++;
    st.rejects.push({ idx, reason });
  };
  const decode = (b: Buffer): string => {
    try {
      return utf8.decode(b);
    } catch {
      lossyLines++;
      return utf8lossy.decode(b);
    }
  };

  const ctxBase = {
    fileId: '',
    path: file,
    idx: 0,
    limits,
    note: (m: string) => st.notes.set(m, (st.notes.get(m) ?? 0) + 1),
    loadReferenced: (uri: string) => {
      const p = refs.resolve(uri);
      if (!p) return { missing: `${uri} is not in the evidence` };
      refs.referenced.add(p);
      const r = readSmallFileSync(p, limits.maxRecordBytes);
      if ('error' in r) return { missing: `${uri} (${p}): ${r.error}` };
      try {
        return { value: JSON.parse(r.text), path: p };
      } catch {
        return { missing: `${uri} (${p}): not valid JSON` };
      }
    },
  } satisfies NormalizeContext;

  /** `line`: the record is this whole line's JSON text (and so under the record cap already) */
  const processRecord = (reader: SourceReader, rec: unknown, idx: number, line?: string): void => {
    st.file.records++;
    if (rec instanceof Rejected) {
      st.rejects.push({ idx, reason: rec.reason });
      return;
    }
    if (line !== undefined && reader.table && !KEEPS_RAW.has(reader.table)) {
      // a table without `raw` (model invocations): the record's own text measures its depth, and
      // serialising it again (the costliest step for long prompts) is left to records without an id
      if (tooDeep(line, limits.maxDepth)) {
        st.rejects.push({ idx, reason: `nesting deeper than ${limits.maxDepth} levels` });
        return;
      }
      storeRecord(reader, rec, idx, null);
      return;
    }
    let rawText: string;
    try {
      rawText = JSON.stringify(rec) ?? 'null';
    } catch (e) {
      st.rejects.push({
        idx,
        reason:
          e instanceof RangeError ? `nesting deeper than ${limits.maxDepth} levels` : `unserialisable record`,
      });
      return;
    }
    if (rawText.length > limits.maxRecordBytes) {
      st.rejects.push({
        idx,
        reason: `record of ${rawText.length} bytes over the ${limits.maxRecordBytes}-byte cap`,
      });
      return;
    }
    if (tooDeep(rawText, limits.maxDepth)) {
      st.rejects.push({ idx, reason: `nesting deeper than ${limits.maxDepth} levels` });
      return;
    }
    storeRecord(reader, rec, idx, rawText);
  };

  const storeRecord = (reader: SourceReader, rec: unknown, idx: number, rawText: string | null): void => {
    st.formats.set(reader.format, (st.formats.get(reader.format) ?? 0) + 1);
    if (!reader.table) return;
    ctxBase.idx = idx;
    let row: Record<string, unknown>;
    try {
      row = reader.normalize(rec, ctxBase);
    } catch (e) {
      st.rejects.push({
        idx,
        reason:
          e instanceof RecordError ? e.message : `${reader.format} reader failed: ${(e as Error).message}`,
      });
      return;
    }
    if (!row.uid) row.uid = contentId(rawText ?? JSON.stringify(rec) ?? 'null');
    sink(reader.table).write(row, rawText, idx, st.ord);
    st.staged++;
  };

  const processUnit = (value: unknown, line: number, single: boolean, text?: string): void => {
    const inner = openEnvelope(value);
    const values = inner ?? [value];
    for (let k = 0; k < values.length; k++) {
      const v = values[k];
      const idxBase = single && (inner || values.length > 1) ? k : line;
      if (v instanceof Rejected) {
        reject(idxBase, v.reason);
        continue;
      }
      const reader = chooseReader(v, last);
      if (!reader) {
        reject(idxBase, 'not a recognised evidence format');
        continue;
      }
      last = reader;
      let recs: unknown[];
      try {
        recs = reader.unwrap(v);
      } catch (e) {
        reject(idxBase, `${reader.format}: ${(e as Error).message}`);
        continue;
      }
      if (recs.length === 0) st.formats.set(reader.format, st.formats.get(reader.format) ?? 0);
      const manyInUnit = recs.length > 1 || (inner !== null && values.length > 1);
      for (let j = 0; j < recs.length; j++) {
        const idx = single && manyInUnit ? (inner ? k : j) : line;
        processRecord(reader, recs[j], idx, text !== undefined && !inner && recs[j] === v ? text : undefined);
      }
    }
  };

  const feedUnit = (value: unknown, line: number, text?: string): void => {
    units++;
    if (units === 1) {
      held = { value, line, text };
      return;
    }
    if (held) {
      processUnit(held.value, held.line, false, held.text);
      held = null;
    }
    processUnit(value, line, false, text);
  };

  const parseLine = (l: RawLine): void => {
    if (!l.bytes) {
      reject(l.line, `line of ${l.length} bytes over the ${limits.maxRecordBytes}-byte record cap`);
      return;
    }
    const text = stripLinePrefix(decode(l.bytes).trim());
    if (!text) return;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (e) {
      reject(l.line, `invalid JSON: ${(e as Error).message.slice(0, 120)}`);
      return;
    }
    feedUnit(v, l.line, text);
  };

  const onLine = (l: RawLine): void => {
    if (mode === 'lines') {
      parseLine(l);
      return;
    }
    if (mode === 'document') {
      if (!l.bytes) {
        docOverflow = true;
        return;
      }
      docBytes += l.bytes.length + 1;
      if (docBytes > limits.maxDocumentBytes) docOverflow = true;
      if (!docOverflow) {
        docParts.push(l.bytes);
        docLines.push(l);
      }
      return;
    }
    // probe: the first non-blank line decides
    if (l.bytes && l.bytes.length > 0 && l.bytes.every((b) => b === 32 || b === 9 || b === 13)) return;
    if (!l.bytes) {
      mode = 'lines';
      parseLine(l);
      return;
    }
    const text = stripLinePrefix(decode(l.bytes).trim());
    let ok = false;
    try {
      JSON.parse(text);
      ok = true;
    } catch {
      ok = false;
    }
    if (ok || !/^[{[]/.test(text)) {
      mode = 'lines';
      parseLine(l);
      return;
    }
    mode = 'document';
    docParts.push(l.bytes);
    docLines.push(l);
    docBytes = l.bytes.length + 1;
  };

  if (await isParquetFile(file)) {
    // Parquet (Amazon Security Lake): each row is one unit, numbered by its row in the file
    const res = await readParquetRows(file, limits, (rows) => {
      for (const r of rows) {
        if (r.json === null) {
          reject(r.idx, `row of ${r.length} bytes over the ${limits.maxRecordBytes}-byte record cap`);
          continue;
        }
        let v: unknown;
        try {
          v = JSON.parse(r.json);
        } catch (e) {
          reject(r.idx, `row is not JSON: ${(e as Error).message.slice(0, 120)}`);
          continue;
        }
        processUnit(v, r.idx, false, r.json);
      }
    });
    st.file.sha256 = res.sha256;
    st.file.bytes = res.bytes;
    st.readError = res.error?.startsWith('read error') ?? false;
    if (res.error) reject(-1, `${res.error}; rows after row ${res.rows} could not be read`);
    return;
  }

  const lineLimits = { ...limits, maxRecordBytes: limits.maxDocumentBytes };
  const res2 = await readLines(file, lineLimits, (l) => {
    if (l.bytes && l.bytes.length > limits.maxRecordBytes && mode !== 'document') {
      // a single line may be a whole delivery document; records inside are capped one by one
      if (mode === 'probe') mode = 'lines';
    }
    onLine(l);
  });
  st.file.sha256 = res2.sha256;
  st.file.bytes = res2.bytes;
  st.readError = res2.error?.startsWith('read error') ?? false;
  if (mode === 'document') {
    if (docOverflow) {
      reject(0, `document over the ${limits.maxDocumentBytes}-byte cap: not read`);
    } else {
      const text = docParts.map((b) => decode(b)).join('\n');
      let v: unknown;
      let ok = true;
      try {
        v = JSON.parse(text);
      } catch (e) {
        ok = false;
        // JSON values written one after another with no separator (Kinesis Data Firehose delivering
        // CloudWatch Logs subscription messages or EventBridge events to S3): each value is a unit
        const readConcatenated = (): boolean => {
          const concatenated = splitConcatenated(text);
          if (!concatenated) return false;
          mode = 'lines';
          for (let k = 0; k < concatenated.length; k++) {
            let cv: unknown;
            try {
              cv = JSON.parse(concatenated[k]);
            } catch (e2) {
              reject(k, `invalid JSON: ${(e2 as Error).message.slice(0, 120)}`);
              continue;
            }
            feedUnit(cv, k);
          }
          if (held) {
            const h = held as HeldUnit;
            held = null;
            processUnit(h.value, h.line, units === 1, h.text);
          }
          return true;
        };
        // maybe JSON lines after all, with a bad first line: read line by line if most lines are JSON
        let good = 0;
        for (const l of docLines) {
          try {
            if (l.bytes) JSON.parse(decode(l.bytes));
            good++;
          } catch {
            /* count only */
          }
        }
        if (good > docLines.length / 2) {
          mode = 'lines';
          for (const l of docLines) parseLine(l);
        } else if (!readConcatenated()) {
          reject(
            0,
            res2.error
              ? `${res2.error}; the JSON document is incomplete`
              : `invalid JSON document: ${(e as Error).message.slice(0, 160)}`,
          );
        }
      }
      if (ok) processUnit(v, 0, true);
    }
    docParts = [];
    docLines = [];
  } else if (held) {
    const h = held as HeldUnit;
    processUnit(h.value, h.line, units === 1, h.text);
  }
  if (res2.error && mode !== 'document') {
    // what was read is kept; the rest of the file is one rejected unit so that nothing is lost silently
    reject(-1, `${res2.error}; records after line ${st.file.records} could not be read`);
  }
  if (lossyLines) {
    st.file.warnings.push(
      `${lossyLines} line(s) held bytes that are not UTF-8: read with U+FFFD replacement characters`,
    );
  }
}

/**
 * Splits text made of several JSON objects or arrays written back to back (`{...}{...}`, with or
 * without whitespace between) at the end of each top-level value. Null when the text is not of
 * that form (fewer than two values, or anything but whitespace between them).
 */
export function splitConcatenated(text: string): string[] | null {
  const out: string[] = [];
  let depth = 0;
  let inStr = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inStr) {
      if (c === 92) i++;
      else if (c === 34) inStr = false;
      continue;
    }
    if (depth === 0) {
      if (c === 32 || c === 9 || c === 10 || c === 13) continue;
      if (c !== 123 && c !== 91) return null;
      start = i;
    }
    if (c === 34) inStr = true;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) out.push(text.slice(start, i + 1));
      else if (depth < 0) return null;
    }
  }
  if (depth !== 0 && start >= 0) out.push(text.slice(start));
  return out.length >= 2 ? out : null;
}

/**
 * Appended rows stay in the appender's transaction until it is flushed, outside what DuckDB can
 * spill: a flush every this many bytes of text keeps staging at a bounded size (at 286k
 * invocation lines, unflushed staging grew the process by ~0.7 GB, then its load by ~0.5 GB more).
 */
const STAGE_FLUSH_BYTES = 64 * 2 ** 20;

/**
 * The staged rows of one record table: `stage.stage_<table>` in an in-memory database attached to
 * the case, every column as text (JSON as its JSON text, times as 'YYYY-MM-DD HH:MM:SS.fff'),
 * typed by loadTable. Appending skips writing and re-parsing a staging file.
 */
class Stage {
  rows = 0;
  private closed = false;
  private pending = 0;
  private constructor(
    readonly table: RecordTable,
    readonly name: string,
    private readonly app: StageAppender,
    private readonly flushBytes: number,
  ) {}

  static async create(store: CaseStore, table: RecordTable, flushBytes: number): Promise<Stage> {
    const cols = TABLES[table].map((c) => `"${c.name}" ${c.name === 'idx' ? 'INTEGER' : 'VARCHAR'}`);
    const name = await store.stageTable(`stage_${table}`, [...cols, '_ord INTEGER'].join(', '));
    return new Stage(table, name, await store.stageAppender(`stage_${table}`), flushBytes);
  }

  write(row: Record<string, unknown>, rawText: string | null, idx: number, ord: number): void {
    const a = this.app;
    let bytes = rawText?.length ?? 0;
    for (const col of TABLES[this.table]) {
      if (col.name === 'raw') a.varchar(rawText);
      else if (col.name === 'file_id') a.varchar(null);
      else if (col.name === 'idx') a.integer(idx);
      else {
        const v = row[col.field];
        let text: string | null;
        if (v === undefined || v === null) text = null;
        else if (col.type === 'JSON' || col.type.endsWith('[]')) text = JSON.stringify(v);
        else if (col.type === 'TIMESTAMP') text = String(v).replace('T', ' ').replace('Z', '');
        else if (typeof v === 'string') text = v;
        else text = typeof v === 'object' ? JSON.stringify(v) : String(v);
        a.varchar(text);
        bytes += text?.length ?? 0;
      }
    }
    a.integer(ord);
    a.endRow();
    this.rows++;
    this.pending += bytes + 64;
    if (this.pending >= this.flushBytes) this.flush();
  }

  /** Makes what was appended visible to queries (the fast path reads staged uids). */
  flush(): void {
    if (this.closed) return;
    this.app.flush();
    this.pending = 0;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.app.close();
  }

  async drop(store: CaseStore): Promise<void> {
    try {
      this.close();
    } catch {
      /* the appender failed earlier: the table goes anyway */
    }
    await store.run(`DROP TABLE IF EXISTS ${this.name}`);
  }
}

/** SQL turning a staged text column back into its type. */
function typed(c: { name: string; type: string }): string {
  const x = `s."${c.name}"`;
  if (c.type === 'VARCHAR' || c.name === 'idx') return x;
  if (c.type.endsWith('[]')) return `from_json(${x}, '["${c.type.slice(0, -2)}"]')`;
  return `CAST(${x} AS ${c.type})`;
}

/** Loads one staged table; returns duplicates per file ordinal. */
async function loadTable(
  store: CaseStore,
  table: RecordTable,
  staged: string,
  skipped: number[],
): Promise<Map<number, number>> {
  const cols = TABLES[table];
  const select = cols
    .map((c) => (c.name === 'file_id' ? 'f.sha256 AS file_id' : `${typed(c)} AS "${c.name}"`))
    .join(', ');
  const skip = skipped.length ? `WHERE s._ord NOT IN (${skipped.join(',')})` : '';
  // the first of each uid by (file order, index) is stored unless the case has it already; only
  // the row ids and flags are ranked, so the staged texts are read once, by the insert
  await store.run(
    `CREATE OR REPLACE TEMP TABLE stage_rank AS
     SELECT s.rowid AS rid, s._ord,
            (row_number() OVER (PARTITION BY s.uid ORDER BY s._ord, s.idx, s.rowid) > 1 OR e.uid IS NOT NULL) AS dup
     FROM ${staged} s LEFT JOIN (SELECT DISTINCT uid FROM ${table}) e ON s.uid = e.uid
     ${skip}`,
  );
  await store.run(
    `INSERT INTO ${table} SELECT ${select}
     FROM ${staged} s JOIN stage_rank r ON r.rid = s.rowid JOIN stage_files f ON f._ord = s._ord
     WHERE NOT r.dup`,
  );
  const dups = await store.all(`SELECT _ord, count(*) AS n FROM stage_rank WHERE dup GROUP BY _ord`);
  await store.run('DROP TABLE IF EXISTS stage_rank');
  return new Map(dups.map((r) => [Number(r._ord), Number(r.n)]));
}

async function saveFiles(store: CaseStore, states: FileState[], dir: string): Promise<void> {
  const files = new LineSink(path.join(dir, 'files.jsonl'));
  const rejects = new LineSink(path.join(dir, 'rejects.jsonl'));
  for (const st of states) {
    const f = st.file;
    if (st.staged === -1) continue;
    files.write(
      JSON.stringify({
        sha256: f.sha256,
        path: f.path,
        format: f.format,
        bytes: f.bytes,
        records: f.records,
        stored: f.stored,
        rejected: f.rejected,
        duplicates: f.duplicates,
        warnings: f.warnings,
      }),
    );
    for (const r of st.rejects)
      rejects.write(JSON.stringify({ file_id: f.sha256, idx: r.idx, reason: r.reason }));
  }
  files.close();
  rejects.close();
  for (const [table, sink] of [
    ['files', files],
    ['rejects', rejects],
  ] as const) {
    if (!sink.lines) continue;
    const spec = TABLES[table].map((c) => `${sqlString(c.name)}: ${sqlString(c.type)}`).join(', ');
    await store.run(
      `INSERT INTO ${table} SELECT * FROM read_json(${sqlString(sink.file)}, format = 'newline_delimited', columns = {${spec}})`,
    );
  }
}
