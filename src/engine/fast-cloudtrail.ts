/**
 * Fast ingest path for CloudTrail S3 delivery files (`{"Records":[...]}`, gzip), the bulk of most
 * evidence. JavaScript only reads each file once to hash it (sha256), to check that it starts as a
 * delivery document and to read the gzip trailer; DuckDB decompresses, parses, unnests and
 * normalises the records in batches and inserts them into `events`.
 *
 * Contract: a file this path stores ends up in the case exactly as the JavaScript path
 * (ingest.ts → normalizeCloudTrail → staged rows → loadTable) would have stored it: the same
 * rows byte for byte, the same counts and warnings (none) in `files`, the same duplicates. A file
 * is stored here only when that can be shown cheaply; any other file, and every file of a batch
 * DuckDB cannot read, goes to the JavaScript path, which then decides exactly as before
 * (invalid JSON, truncated gzip, decompression bombs, caps, unreadable eventTime ...). The checks:
 *
 * - before DuckDB: gzip magic; the decompressed text starts with `{"Records":[` after spaces, tabs
 *   or CRs only; the trailer's ISIZE is within the document cap and cannot trip the JavaScript
 *   reader's decompression-ratio check; the file is small enough (< ~4 MB) for ISIZE to be exact;
 * - per record: an object whose eventName and eventSource are strings and whose eventTime is a
 *   plain `YYYY-MM-DDTHH:MM:SS[.fff]Z` date that exists (V8's Date.parse and DuckDB then agree);
 *   a creationDate, when present, likewise; no more `{`/`[` than the depth cap; not over the
 *   record cap; no number that V8 would print differently from DuckDB's writer (`1.0`,
 *   exponents, 16+ digit integers, NaN/Infinity), no integer-like object key (V8 moves those
 *   first), no control character DuckDB escapes in upper case, no field read with `str()` that is
 *   not a string or null;
 * - per file: one document; records numbered 0..n-1; and the canonical length
 *   `{"Records":[` + records joined by `,` + `]}` equals ISIZE, i.e. the file is a compact
 *   document with nothing else in it: no other keys, no whitespace, no trailing commas or
 *   second document (DuckDB accepts those, JSON.parse does not), nothing DuckDB re-escaped.
 *
 * Known limits, both for hand-crafted input only (documented in docs/performance.md): DuckDB's
 * reader does not verify the gzip CRC, so a file whose data and ISIZE are intact but whose CRC was
 * altered is stored here while the JavaScript path adds a "gzip error" reject; and an object
 * repeating a key keeps both in `raw` and the first value in the columns, where JSON.parse keeps
 * the last.
 *
 * Duplicates (the same uid) follow the JavaScript load: the first by (file order, index) wins,
 * and a uid already in the case before this run is a duplicate. Rows are inserted batch by batch,
 * then the few losers are deleted at the end, looking also at the uids the JavaScript path staged.
 * While it inserts, DuckDB's memory limit is capped (file-backed cases) and insertion order is not
 * preserved; both settings are restored at the end.
 *
 * The SQL below restates normalizeCloudTrail (src/sources/cloudtrail.ts): change both together.
 * test/fast-path.test.ts compares the two paths column by column and fails until they agree.
 */
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { gunzipSync, constants as zc } from 'node:zlib';
import type { Limits } from '../io/limits.js';
import type { EvidenceFile, SourceFormat } from '../model/types.js';
import { type CaseStore, memoryLimit, sizeBytes, sqlString } from '../store/case-store.js';
import { TABLES } from '../store/schema.js';

/** The part of ingest's per-file state this path fills in. */
export interface FastFileState {
  file: EvidenceFile;
  ord: number;
  formats: Map<SourceFormat, number>;
  notes: Map<string, number>;
  rejects: Array<{ idx: number; reason: string }>;
  /** records staged; ingest sets -1 when the file's content is already in the case */
  staged: number;
}

/** The JavaScript path's staged `events` rows (ingest's Stage): a table with uid, _ord and idx. */
export interface StagedRows {
  readonly name: string;
  readonly rows: number;
  flush(): void;
}

export interface FastCloudTrailOptions<S extends FastFileState = FastFileState> {
  /** compressed bytes per DuckDB batch */
  batchBytes?: number;
  /** files per DuckDB batch */
  batchFiles?: number;
  /** called for each file taken, once its batch has stored it (or JavaScript read it instead) */
  onFileDone?: (st: S) => void;
}

interface Candidate<S extends FastFileState = FastFileState> {
  st: S;
  file: string;
  abs: string;
  sha256: string;
  bytes: number;
  /** decompressed length of the document (ISIZE less leading blanks) */
  docLength: number;
}

/** What the per-file checks need: records, highest index, summed record lengths, any record left to JS. */
interface FileCheck {
  n: number;
  mx: number;
  len: number;
  bad: boolean;
}

const HEAD = Buffer.from('{"Records":[');
/**
 * DuckDB memory limit while this path inserts (file-backed cases only, and only ever lowered):
 * with its default (80% of RAM) DuckDB keeps every block it writes cached, ~4 GB per million
 * events; with this cap the process stays under ~2 GB at any scale (docs/performance.md).
 */
const MEMORY_CAP = '512MiB';
const MEMORY_CAP_BYTES = 512 * 2 ** 20;
const READ_CHUNK = 1 << 20;
/** deflate cannot expand more than ~1032:1, so below this size ISIZE (mod 2^32) is the real size */
const MAX_EXACT_ISIZE_FILE = Math.floor(2 ** 32 / 1032) - 1;
const GLOB_CHARS = /[*?[\]{}]/;

const STRICT_TIME =
  '^(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\\.[0-9]{1,3})?Z$';

/** Fields read with `str()`: their values must be strings (or null) for this path. */
const STRING_KEYS = [
  'eventID',
  'requestID',
  'recipientAccountId',
  'awsRegion',
  'eventSource',
  'eventName',
  'eventType',
  'eventCategory',
  'errorCode',
  'errorMessage',
  'sourceIPAddress',
  'userAgent',
  'vpcEndpointId',
  'type',
  'arn',
  'principalId',
  'accountId',
  'accessKeyId',
  'userName',
  'invokedBy',
  'sourceIdentity',
  'userId',
];

/**
 * json_transform target: what normalizeCloudTrail reads. VARCHAR leaves give the unescaped string
 * (strings are all the suspect pattern lets through for STRING_KEYS; `bool()` reads the text of
 * booleans and strings alike; times are checked by shape); JSON leaves where the JSON text itself
 * is stored or the type matters.
 */
const SHAPE = JSON.stringify({
  eventID: 'VARCHAR',
  requestID: 'VARCHAR',
  eventTime: 'VARCHAR',
  recipientAccountId: 'VARCHAR',
  awsRegion: 'VARCHAR',
  eventSource: 'VARCHAR',
  eventName: 'VARCHAR',
  eventType: 'VARCHAR',
  eventCategory: 'VARCHAR',
  managementEvent: 'VARCHAR',
  readOnly: 'VARCHAR',
  errorCode: 'VARCHAR',
  errorMessage: 'VARCHAR',
  sourceIPAddress: 'VARCHAR',
  userAgent: 'VARCHAR',
  vpcEndpointId: 'VARCHAR',
  resources: 'JSON',
  requestParameters: 'JSON',
  responseElements: 'JSON',
  additionalEventData: 'JSON',
  userIdentity: {
    type: 'VARCHAR',
    arn: 'VARCHAR',
    principalId: 'VARCHAR',
    accountId: 'VARCHAR',
    accessKeyId: 'VARCHAR',
    userName: 'VARCHAR',
    invokedBy: 'VARCHAR',
    sourceIdentity: 'VARCHAR',
    onBehalfOf: { userId: 'VARCHAR' },
    sessionContext: {
      sessionIssuer: { arn: 'VARCHAR', userName: 'VARCHAR' },
      attributes: { mfaAuthenticated: 'VARCHAR', creationDate: 'VARCHAR' },
      sourceIdentity: 'VARCHAR',
    },
  },
});

/**
 * Records this path leaves to JavaScript, found in one pass over the record's JSON text (as
 * DuckDB writes it: compact, keys unescaped). Over-matching only costs speed.
 */
function suspectPattern(maxDepth: number): string {
  return [
    '\\.0[,}\\]]', // an integral double: DuckDB writes 1.0, V8 writes 1
    '[:,\\[]-?[0-9]+(\\.[0-9]+)?[eE][0-9+]', // positive exponent: DuckDB 1e21, V8 1e+21
    '[:,\\[]-?[0-9]{16}', // integers V8 may round
    '[:,\\[]-?(NaN|Inf|nan|inf)', // accepted by DuckDB, not JSON
    '[{,]"[0-9]+":', // integer-like keys: V8 orders them first
    '\\\\u00[01][A-F]', // DuckDB escapes control characters in upper case, V8 in lower case
    `"(${STRING_KEYS.join('|')})":[^"n]`, // a field read with str() that is not a string or null
    `([\\[{][^\\[{]*){${maxDepth + 1}}`, // more openers than the depth cap: let JS measure
  ].join('|');
}

/**
 * SQL producing, for one batch of files (in temp table fp_batch_files), one row per record with
 * the `events` columns, `_ord` and `bad` (this record must be read by the JavaScript path).
 */
function batchSql(list: string, maxObject: number, limits: Limits): string {
  return `
WITH docs AS (
  SELECT b._ord, b.sha256, d.Records AS recs,
         (d.logEvents IS NOT NULL OR d.events IS NOT NULL OR d."detail-type" IS NOT NULL
          OR d.eventName IS NOT NULL) AS envelope
  FROM read_json(${list},
      columns = {Records: 'JSON[]', logEvents: 'JSON', events: 'JSON', "detail-type": 'JSON', eventName: 'JSON'},
      format = 'unstructured', records = true, compression = 'gzip', filename = true,
      maximum_object_size = ${maxObject}) d
  JOIN fp_batch_files b ON b.path = d.filename
), recs AS (
  SELECT _ord, sha256, envelope, unnest(recs) AS raw, generate_subscripts(recs, 1) - 1 AS idx FROM docs
), parsed AS (
  SELECT _ord, sha256, envelope, raw, idx, json_transform(raw, ${sqlString(SHAPE)}) AS j FROM recs
), base AS (
  SELECT _ord, sha256, idx, raw, j,
    nullif(j.eventID, '') AS event_id,
    nullif(j.userIdentity.type, '') AS principal_type,
    nullif(j.userIdentity.arn, '') AS principal_arn,
    nullif(j.userIdentity.accountId, '') AS ui_account,
    nullif(j.userIdentity.sessionContext.sessionIssuer.arn, '') AS issuer,
    nullif(j.userIdentity.invokedBy, '') AS invoked_by,
    j.userIdentity.sessionContext.attributes.creationDate AS creation_date,
    fp_time(j.eventTime) AS time,
    coalesce(
      NOT envelope
      AND starts_with(raw, '{')
      AND j.eventName IS NOT NULL
      AND j.eventSource IS NOT NULL
      AND strlen(raw) <= ${limits.maxRecordBytes}
      AND NOT regexp_matches(raw, ${sqlString(suspectPattern(limits.maxDepth))}),
      false) AS ok
  FROM parsed
), cols AS (
  SELECT *, CASE WHEN creation_date IS NULL THEN NULL ELSE fp_time(creation_date) END AS session_created
  FROM base
)
SELECT
  coalesce(event_id, 'h:' || left(sha256(raw), 32)) AS uid,
  event_id,
  nullif(j.requestID, '') AS request_id,
  time,
  coalesce(ui_account, nullif(j.recipientAccountId, '')) AS account,
  nullif(j.recipientAccountId, '') AS recipient_account,
  nullif(j.awsRegion, '') AS region,
  j.eventSource AS service,
  j.eventName AS action,
  nullif(j.eventType, '') AS event_type,
  coalesce(nullif(j.eventCategory, ''),
    CASE fp_b(j.managementEvent) WHEN false THEN 'Data' WHEN true THEN 'Management' END) AS category,
  fp_b(j.readOnly) AS read_only,
  nullif(j.errorCode, '') AS error_code,
  nullif(j.errorMessage, '') AS error_message,
  principal_type,
  principal_arn,
  coalesce(nullif(j.userIdentity.principalId, ''), nullif(j.userIdentity.onBehalfOf.userId, '')) AS principal_id,
  CASE
    WHEN principal_type IN ('AssumedRole', 'FederatedUser') THEN coalesce(issuer, fp_role(principal_arn))
    WHEN principal_type IN ('IAMUser', 'Root') THEN principal_arn
    WHEN principal_type = 'AWSService' THEN invoked_by
    WHEN principal_type = 'AWSAccount' THEN coalesce(principal_arn, 'arn:aws:iam::' || ui_account || ':root')
    ELSE coalesce(issuer, fp_role(principal_arn))
  END AS identity_arn,
  coalesce(nullif(j.userIdentity.userName, ''),
    nullif(j.userIdentity.sessionContext.sessionIssuer.userName, '')) AS user_name,
  CASE WHEN principal_arn IS NULL THEN NULL
    WHEN principal_type = 'AssumedRole' THEN nullif(array_to_string(string_split(principal_arn, '/')[3:], '/'), '')
    WHEN principal_type = 'FederatedUser' THEN nullif(array_to_string(string_split(principal_arn, '/')[2:], '/'), '')
  END AS session_name,
  nullif(j.userIdentity.accessKeyId, '') AS access_key_id,
  fp_b(j.userIdentity.sessionContext.attributes.mfaAuthenticated) AS mfa,
  session_created,
  coalesce(nullif(j.userIdentity.sessionContext.sourceIdentity, ''),
    nullif(j.userIdentity.sourceIdentity, '')) AS source_identity,
  invoked_by,
  nullif(j.sourceIPAddress, '') AS source_ip,
  nullif(j.userAgent, '') AS user_agent,
  nullif(j.vpcEndpointId, '') AS vpc_endpoint_id,
  -- TRY_CAST: DuckDB may evaluate the list for every row, whatever a CASE around it says
  coalesce([a FOR a IN [coalesce(fp_s(json_extract(r, '$.ARN')), fp_s(json_extract(r, '$.arn')))
                        FOR r IN TRY_CAST(j.resources AS JSON[])] IF a IS NOT NULL],
           []::VARCHAR[]) AS resources,
  j.requestParameters AS request_parameters,
  j.responseElements AS response_elements,
  j.additionalEventData AS additional_event_data,
  raw,
  sha256 AS file_id,
  idx,
  _ord,
  NOT (ok AND time IS NOT NULL AND (creation_date IS NULL OR session_created IS NOT NULL)) AS bad
FROM cols
`;
}

const MACROS = [
  // str() of a JSON value: a non-empty string, or a number's text; null otherwise
  `CREATE OR REPLACE TEMP MACRO fp_s(x) AS (CASE
     WHEN x IS NULL THEN NULL
     WHEN starts_with(x, '"') THEN nullif(json_extract_string(x, '$'), '')
     WHEN left(x::VARCHAR, 1) IN ('t', 'f', 'n', '{', '[') THEN NULL
     ELSE x::VARCHAR END)`,
  // bool() of a value's text: booleans and 'true'/'True'/'TRUE' (and false) strings
  `CREATE OR REPLACE TEMP MACRO fp_b(x) AS (CASE x
     WHEN 'true' THEN true WHEN 'True' THEN true WHEN 'TRUE' THEN true
     WHEN 'false' THEN false WHEN 'False' THEN false WHEN 'FALSE' THEN false
     ELSE NULL END)`,
  // isoTime() for the one shape both V8 and DuckDB read the same way; null means "let JS decide"
  `CREATE OR REPLACE TEMP MACRO fp_time(s) AS (CASE WHEN regexp_full_match(s, ${sqlString(STRICT_TIME)})
     THEN TRY_CAST(replace(replace(s, 'T', ' '), 'Z', '') AS TIMESTAMP) END)`,
  // identityFromArn(): the role behind an assumed-role session ARN (JS '.' does not match line breaks)
  `CREATE OR REPLACE TEMP MACRO fp_role(a) AS (regexp_replace(a,
     '^arn:(aws[a-z-]*):sts::([0-9]{12}):assumed-role/([^/]+)/[^\\n\\r\\x{2028}\\x{2029}]+$',
     'arn:\\1:iam::\\2:role/\\3'))`,
];

/** Totals over every run in this process, and the files the last run handed to JS (tests, bench). */
export const fastPathTotals = {
  files: 0,
  records: 0,
  fallbackFiles: 0,
  batches: 0,
  retries: 0,
  lastRunFallback: [] as string[],
};

export class FastCloudTrail<S extends FastFileState = FastFileState> {
  private queue: Candidate<S>[] = [];
  private queueBytes = 0;
  private inflight: Promise<void> | null = null;
  private ready = false;
  private restoreMemory: string | null = null;
  private restoreOrder: string | null = null;
  private accepted = 0;
  private readonly batchBytes: number;
  private readonly batchFiles: number;
  /** this run's counts: files and records stored here, files handed to JS, DuckDB reads, splits */
  readonly stats = { files: 0, records: 0, fallbackFiles: 0, batches: 0, retries: 0 };
  /** wall seconds per phase (phases overlap: files are hashed while DuckDB reads the last batch) */
  readonly seconds = { inspect: 0, read: 0, fallback: 0, duplicates: 0 };

  constructor(
    private readonly store: CaseStore,
    private readonly limits: Limits,
    /** the JavaScript path for one file (ingest.ts readFile) */
    private readonly readWithJs: (st: S, file: string) => Promise<void>,
    /** the JavaScript path's staged events, to settle duplicates across both paths */
    private readonly stagedEvents: () => StagedRows,
    private readonly opts: FastCloudTrailOptions<S> = {},
  ) {
    // few large batches: every INSERT leaves partly filled row groups that DuckDB's checkpoints
    // then merge by rewriting them, which at 14 batches of 24 MB cost more than the inserts
    // themselves (docs/performance.md); one statement streams, so the size does not add memory
    this.batchBytes = opts.batchBytes ?? 256 * 1024 * 1024;
    this.batchFiles = opts.batchFiles ?? 20000;
    fastPathTotals.lastRunFallback = [];
  }

  /**
   * Takes the file when it is a CloudTrail delivery document this path can read (it then fills in
   * `st` later, or hands the file to the JavaScript path itself); false: read it with JavaScript.
   * Sets `st.file.sha256` and `st.file.bytes` when it takes the file.
   */
  async offer(st: S, file: string): Promise<boolean> {
    if (this.limits.maxDepth >= 999) return false; // regex repetition bound
    // files queued earlier have been checked against the case by now: start them
    if (this.queue.length && (this.queueBytes >= this.batchBytes || this.queue.length >= this.batchFiles)) {
      this.startBatch();
    }
    const t0 = performance.now();
    const c = await this.inspect(st, file);
    this.seconds.inspect += (performance.now() - t0) / 1000;
    if (!c) return false;
    st.file.sha256 = c.sha256;
    st.file.bytes = c.bytes;
    this.queue.push(c);
    this.queueBytes += c.bytes;
    return true;
  }

  /**
   * Reads what is still queued, then settles duplicates. Returns duplicates per file ordinal
   * (to add to ingest's own). Must run before ingest closes its staging appenders.
   */
  async finish(): Promise<Map<number, number>> {
    if (this.queue.length) this.startBatch();
    await this.wait();
    if (!this.ready) return new Map();
    const t0 = performance.now();
    try {
      return this.accepted ? await this.settleDuplicates() : new Map();
    } finally {
      this.seconds.duplicates = (performance.now() - t0) / 1000;
      // GENAI_IR_BENCH_STATS=1: one JSON line on stderr for scripts/bench.mjs
      if (process.env.GENAI_IR_BENCH_STATS) {
        const round = (o: Record<string, number>) =>
          Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v * 100) / 100]));
        process.stderr.write(
          `fast-path ${JSON.stringify({ ...this.stats, seconds: round(this.seconds) })}\n`,
        );
      }
      if (this.restoreMemory) await this.store.run(this.restoreMemory);
      if (this.restoreOrder) await this.store.run(this.restoreOrder);
      await this.store.run('DROP TABLE IF EXISTS fp_files');
      await this.store.run('DROP TABLE IF EXISTS fp_batch_files');
      for (const m of ['fp_s', 'fp_b', 'fp_time', 'fp_role'])
        await this.store.run(`DROP MACRO IF EXISTS ${m}`);
    }
  }

  private count(k: keyof FastCloudTrail['stats'], n: number): void {
    this.stats[k] += n;
    fastPathTotals[k] += n;
  }

  /** Hashes the file and checks head and trailer; null when it is not for this path. */
  private async inspect(st: S, file: string): Promise<Candidate<S> | null> {
    if (GLOB_CHARS.test(file) || st.file.bytes < 20 || st.file.bytes > MAX_EXACT_ISIZE_FILE) return null;
    let fh: fsp.FileHandle;
    try {
      fh = await fsp.open(file, 'r');
    } catch {
      return null;
    }
    try {
      return await this.hashAndCheck(st, file, fh);
    } catch {
      return null; // read errors are the JavaScript path's to report
    } finally {
      await fh.close();
    }
  }

  private async hashAndCheck(st: S, file: string, fh: fsp.FileHandle): Promise<Candidate<S> | null> {
    const l = this.limits;
    const buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, Math.max(st.file.bytes, 64)));
    const hash = createHash('sha256');
    const tail = Buffer.alloc(8);
    let bytes = 0;
    let leading = -1;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, bytes);
      if (bytesRead === 0) break;
      const chunk = buf.subarray(0, bytesRead);
      if (bytes === 0) {
        leading = sniff(chunk);
        if (leading < 0) return null;
      }
      hash.update(chunk);
      bytes += bytesRead;
      if (bytesRead >= 8) chunk.copy(tail, 0, bytesRead - 8);
      else {
        tail.copyWithin(0, bytesRead);
        chunk.copy(tail, 8 - bytesRead);
      }
    }
    if (leading < 0 || bytes < 20 || bytes !== st.file.bytes) return null;
    const isize = tail.readUInt32LE(4);
    if (isize > l.maxDocumentBytes || isize > l.maxInflatedBytes) return null;
    // the JavaScript reader compares inflated bytes with the compressed bytes read so far
    // (at least its first 1 MiB chunk): make sure it could never trip
    if (isize > l.inflateRatioFloor && isize > Math.min(bytes, READ_CHUNK) * l.maxInflateRatio) return null;
    return {
      st,
      file,
      abs: path.resolve(file),
      sha256: hash.digest('hex'),
      bytes,
      docLength: isize - leading,
    };
  }

  private async setup(): Promise<void> {
    if (this.ready) return;
    if (!this.store.path.startsWith(':memory:')) {
      const limit = await memoryLimit(this.store);
      if (!(sizeBytes(limit) <= MEMORY_CAP_BYTES)) {
        // restore exactly: RESET when the limit was DuckDB's default
        await this.store.run('RESET memory_limit');
        this.restoreMemory =
          (await memoryLimit(this.store)) === limit
            ? 'RESET memory_limit'
            : `SET memory_limit = ${sqlString(limit)}`;
        await this.store.run(`SET memory_limit = '${MEMORY_CAP}'`);
      }
    }
    // rows need no particular physical order (uid and provenance say everything): inserting
    // without it lets DuckDB compress row groups in parallel
    const order = (await this.store.all("SELECT current_setting('preserve_insertion_order') AS o"))[0].o;
    this.restoreOrder = `SET preserve_insertion_order = ${order ? 'true' : 'false'}`;
    await this.store.run('SET preserve_insertion_order = false');
    for (const m of MACROS) await this.store.run(m);
    await this.store.run('CREATE OR REPLACE TEMP TABLE fp_files (_ord INTEGER, sha256 VARCHAR)');
    this.ready = true;
  }

  private async wait(): Promise<void> {
    const p = this.inflight;
    this.inflight = null;
    if (p) await p;
  }

  /**
   * Hands the queue to DuckDB without waiting for it: batches run one after another (one query at
   * a time), while ingest goes on offering files and reading others with JavaScript. An error
   * stops the batches after it and is thrown by finish().
   */
  private startBatch(): void {
    const batch = this.queue;
    this.queue = [];
    this.queueBytes = 0;
    const prev = this.inflight ?? Promise.resolve();
    const p = prev.then(() => this.runBatch(batch));
    p.catch(() => {}); // awaited by finish()
    this.inflight = p;
  }

  private async runBatch(batch: Candidate<S>[]): Promise<void> {
    if (!batch.length) return;
    await this.setup();
    const fallback: Candidate<S>[] = [];
    await this.readBatch(batch, fallback);
    const t0 = performance.now();
    this.count('fallbackFiles', fallback.length);
    for (const c of fallback) fastPathTotals.lastRunFallback.push(c.file);
    for (const c of fallback) {
      const st = c.st;
      if (st.staged !== -1) {
        await this.readWithJs(st, c.file);
        continue;
      }
      // content already in the case: ingest reads such a file, then keeps only its format and
      // notes; its staged rows are discarded by ingest's load (the file's ordinal is skipped)
      const warnings = [...st.file.warnings];
      await this.readWithJs(st, c.file);
      Object.assign(st.file, { records: 0, rejected: 0, warnings });
      st.rejects = [];
      st.staged = -1;
    }
    this.seconds.fallback += (performance.now() - t0) / 1000;
    if (this.opts.onFileDone) for (const c of batch) this.opts.onFileDone(c.st);
  }

  /**
   * One DuckDB read of a batch, inserting straight into `events` (no staging copy); a file whose
   * checks then fail is deleted again and handed to JavaScript. On a DuckDB error, splits the
   * batch until the files DuckDB cannot read are alone.
   */
  private async readBatch(batch: Candidate<S>[], fallback: Candidate<S>[]): Promise<void> {
    this.count('batches', 1);
    const store = this.store;
    await store.run(
      'CREATE OR REPLACE TEMP TABLE fp_batch_files (_ord INTEGER, sha256 VARCHAR, path VARCHAR)',
    );
    await store.run(
      `INSERT INTO fp_batch_files VALUES ${batch
        .map((c) => `(${c.st.ord}, ${sqlString(c.sha256)}, ${sqlString(c.abs)})`)
        .join(', ')}`,
    );
    const t0 = performance.now();
    let checks: Map<number, FileCheck>;
    try {
      checks = await this.insertAndCheck(batch);
    } catch (e) {
      if (batch.length === 1) {
        fallback.push(batch[0]);
        return;
      }
      this.count('retries', 1);
      // DuckDB names the file for read errors; otherwise split the batch in two
      const named = batch.find((c) => (e as Error).message.includes(`"${c.abs}"`));
      if (named) {
        fallback.push(named);
        await this.readBatch(
          batch.filter((c) => c !== named),
          fallback,
        );
      } else {
        const half = Math.ceil(batch.length / 2);
        await this.readBatch(batch.slice(0, half), fallback);
        await this.readBatch(batch.slice(half), fallback);
      }
      return;
    }
    this.seconds.read += (performance.now() - t0) / 1000;
    const good: Candidate<S>[] = [];
    const undo: Candidate<S>[] = [];
    for (const c of batch) {
      const r = checks.get(c.st.ord);
      // `{"Records":[` + records joined by ',' + `]}`: nothing else in the file
      if (r && !r.bad && r.n > 0 && r.mx === r.n - 1 && 12 + r.len + (r.n - 1) + 2 === c.docLength) {
        if (c.st.staged === -1) {
          // content already in the case: not stored; the format is what reading it would say
          c.st.formats.set('cloudtrail', r.n);
          continue;
        }
        good.push(c);
        const f = c.st.file;
        f.format = 'cloudtrail';
        f.records = r.n;
        c.st.formats.set('cloudtrail', r.n);
        c.st.staged = r.n;
        this.count('files', 1);
        this.count('records', r.n);
      } else {
        fallback.push(c);
        if (r && c.st.staged !== -1) undo.push(c);
      }
    }
    if (undo.length) {
      await store.run(
        `DELETE FROM events WHERE file_id IN (${undo.map((c) => sqlString(c.sha256)).join(', ')})`,
      );
    }
    if (good.length) {
      await store.run(
        `INSERT INTO fp_files SELECT _ord, sha256 FROM fp_batch_files WHERE _ord IN (${good.map((c) => c.st.ord).join(', ')})`,
      );
      this.accepted += good.length;
    }
  }

  /**
   * Inserts the records of the batch's new files into `events` (a record that must be left to
   * JavaScript gets a NULL uid, and its file is deleted again by the caller) and returns, per file,
   * what the checks need. Files whose content is already in the case are only counted.
   */
  private async insertAndCheck(batch: Candidate<S>[]): Promise<Map<number, FileCheck>> {
    const out = new Map<number, FileCheck>();
    const list = (cs: Candidate<S>[]) => `[${cs.map((c) => sqlString(c.abs)).join(', ')}]`;
    const maxObject = (cs: Candidate<S>[]) => Math.max(1 << 20, ...cs.map((c) => c.docLength + 1024));
    const fresh = batch.filter((c) => c.st.staged !== -1);
    const known = batch.filter((c) => c.st.staged === -1);
    if (fresh.length) {
      const ordBySha = new Map(fresh.map((c) => [c.sha256, c.st.ord]));
      const cols = TABLES.events
        .map((c) => (c.name === 'uid' ? 'CASE WHEN bad THEN NULL ELSE uid END' : `"${c.name}"`))
        .join(', ');
      // no RETURNING: it makes DuckDB insert on one thread and hand every row back (2x slower);
      // the few columns the checks need are read back from the rows just written instead
      await this.store.run(
        `INSERT INTO events SELECT ${cols} FROM (${batchSql(list(fresh), maxObject(fresh), this.limits)})`,
      );
      const rows = await this.store.all(
        `SELECT file_id, count(*) AS n, max(idx) AS mx, sum(strlen(raw::VARCHAR)) AS len, bool_or(uid IS NULL) AS bad
         FROM events WHERE file_id IN (SELECT sha256 FROM fp_batch_files) GROUP BY file_id`,
      );
      for (const r of rows) {
        out.set(ordBySha.get(String(r.file_id)) as number, {
          n: Number(r.n),
          mx: Number(r.mx),
          len: Number(r.len),
          bad: Boolean(r.bad),
        });
      }
    }
    if (known.length) {
      const rows = await this.store.all(
        `SELECT _ord, count(*) AS n, max(idx) AS mx, sum(strlen(raw::VARCHAR)) AS len, bool_or(bad) AS bad
         FROM (${batchSql(list(known), maxObject(known), this.limits)}) GROUP BY _ord`,
      );
      for (const r of rows) {
        out.set(Number(r._ord), {
          n: Number(r.n),
          mx: Number(r.mx),
          len: Number(r.len),
          bad: Boolean(r.bad),
        });
      }
    }
    return out;
  }

  /**
   * The first row of each uid by (file order, index) across this path's rows and the JavaScript
   * path's staged rows stays; a uid already in the case before this run stays as it was. Deletes
   * this path's other rows and returns their count per file.
   */
  private async settleDuplicates(): Promise<Map<number, number>> {
    const store = this.store;
    const staged = this.stagedEvents();
    staged.flush();
    const js = staged.rows ? `UNION ALL SELECT uid, _ord, idx, NULL, false FROM ${staged.name}` : '';
    await store.run(
      `CREATE OR REPLACE TEMP TABLE fp_losers AS
       WITH rows AS (
         SELECT e.uid, coalesce(f._ord, -1) AS _ord, CASE WHEN f._ord IS NULL THEN -1 ELSE e.idx END AS idx,
                e.file_id, f._ord IS NOT NULL AS fast
         FROM events e LEFT JOIN fp_files f ON f.sha256 = e.file_id
         ${js}
       ), dup AS (SELECT uid FROM rows GROUP BY uid HAVING count(*) > 1),
       ranked AS (
         SELECT r.*, row_number() OVER (PARTITION BY r.uid ORDER BY r._ord, r.idx) AS rn
         FROM rows r SEMI JOIN dup ON dup.uid = r.uid
       )
       SELECT _ord, file_id, idx FROM ranked WHERE fast AND rn > 1`,
    );
    try {
      const counts = await store.all('SELECT _ord, count(*) AS n FROM fp_losers GROUP BY _ord');
      if (counts.length) {
        await store.run(
          'DELETE FROM events WHERE EXISTS (SELECT 1 FROM fp_losers l WHERE l.file_id = events.file_id AND l.idx = events.idx)',
        );
      }
      return new Map(counts.map((r) => [Number(r._ord), Number(r.n)]));
    } finally {
      await store.run('DROP TABLE IF EXISTS fp_losers');
    }
  }
}

/**
 * Number of blank bytes (space, tab, CR) before `{"Records":[` at the start of a gzip file's
 * content, or -1. Inflates only the first bytes (at most 1 KB of input, so at most ~1 MB out).
 */
function sniff(chunk: Buffer): number {
  if (chunk.length < 20 || chunk[0] !== 0x1f || chunk[1] !== 0x8b || chunk[2] !== 8) return -1;
  for (const n of [64, 256, 1024]) {
    let head: Buffer;
    try {
      head = gunzipSync(chunk.subarray(0, n), { finishFlush: zc.Z_SYNC_FLUSH, maxOutputLength: 2 << 20 });
    } catch {
      return -1;
    }
    let i = 0;
    while (i < head.length && (head[i] === 32 || head[i] === 9 || head[i] === 13)) i++;
    if (head.length - i >= HEAD.length) return head.subarray(i, i + HEAD.length).equals(HEAD) ? i : -1;
    if (n >= chunk.length) return -1;
  }
  return -1;
}
