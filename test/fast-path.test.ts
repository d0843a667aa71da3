/**
 * The DuckDB fast path for CloudTrail delivery files (src/engine/fast-cloudtrail.ts) against the
 * JavaScript path: the same evidence ingested both ways must give the same case, byte for byte
 * (every column of `events` as text, `files`, `rejects`) and the same ingest result. The evidence
 * mixes files the fast path stores (real TrailDiscover records, hand-written edge cases) with
 * files it must hand to the JavaScript path (broken, hostile or merely unusual), duplicates within
 * and across files and across both paths, and content already in the case.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastPathTotals } from '../src/engine/fast-cloudtrail.js';
import { type IngestProgress, type IngestResult, ingest } from '../src/engine/ingest.js';
import type { Limits } from '../src/io/limits.js';
import { CaseStore } from '../src/store/case-store.js';

type Rec = Record<string, unknown>;

const SHARED = path.resolve(import.meta.dirname, '../../shared');
const TRAILDISCOVER = path.join(SHARED, 'datasets/public-logs/traildiscover');
const SCENARIO = path.join(SHARED, 'datasets/scenarios/persistence-infra');

const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-fast-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const gz = (file: string, text: string | Buffer): void => writeFileSync(file, gzipSync(text));
const doc = (recs: unknown[]): string => JSON.stringify({ Records: recs });

const ACCT = '111122223333';
let seq = 0;
/** A realistic CloudTrail record (assumed-role session), with overrides. */
function rec(over: Rec = {}): Rec {
  const n = seq++;
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLEROLEID:alice@example.com',
      arn: `arn:aws:sts::${ACCT}:assumed-role/AWSReservedSSO_Admin_abc/alice@example.com`,
      accountId: ACCT,
      accessKeyId: 'ASIAEXAMPLEKEY000001',
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAEXAMPLEROLEID',
          arn: `arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_abc`,
          accountId: ACCT,
          userName: 'AWSReservedSSO_Admin_abc',
        },
        attributes: { creationDate: '2025-03-11T14:00:00Z', mfaAuthenticated: 'false' },
      },
    },
    eventTime: `2025-03-11T14:${String(n % 60).padStart(2, '0')}:33Z`,
    eventSource: 'bedrock.amazonaws.com',
    eventName: 'InvokeModel',
    awsRegion: 'us-east-1',
    sourceIPAddress: '198.51.100.7',
    userAgent: 'Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#6.1',
    requestParameters: { modelId: 'anthropic.claude-3-haiku-20240307-v1:0' },
    responseElements: null,
    requestID: `req-${n}`,
    eventID: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: false,
    recipientAccountId: ACCT,
    eventCategory: 'Data',
    ...over,
  };
}

/** Records that exercise every column rule of normalizeCloudTrail. */
function edgeRecords(): Rec[] {
  const ui = (u: Rec): Rec => ({ userIdentity: u });
  const deep = (levels: number): unknown => {
    let v: unknown = 'leaf';
    for (let i = 0; i < levels; i++) v = i % 2 ? [v] : { k: v };
    return v;
  };
  return [
    rec(),
    rec(
      ui({
        type: 'AssumedRole',
        arn: `arn:aws:sts::${ACCT}:assumed-role/R/with/slashes`,
        accountId: ACCT,
        sessionContext: { attributes: { mfaAuthenticated: 'true' }, sourceIdentity: 'src-id' },
      }),
    ),
    rec(
      ui({
        type: 'IAMUser',
        arn: `arn:aws:iam::${ACCT}:user/bob`,
        userName: 'bob',
        accessKeyId: 'AKIAEXAMPLE',
        sourceIdentity: 'x',
      }),
    ),
    rec(ui({ type: 'Root', arn: `arn:aws:iam::${ACCT}:root`, accountId: ACCT })),
    rec({ ...ui({ type: 'AWSService', invokedBy: 'lambda.amazonaws.com' }), eventID: undefined }),
    rec(ui({ type: 'AWSAccount', accountId: '444455556666' })),
    rec(ui({ type: 'AWSAccount', arn: 'arn:aws:iam::444455556666:root' })),
    rec(ui({ type: 'AWSAccount' })),
    rec(ui({ type: 'FederatedUser', arn: `arn:aws:sts::${ACCT}:federated-user/carol` })),
    rec(ui({ type: 'FederatedUser', arn: `arn:aws:sts::${ACCT}:federated-user` })),
    rec(
      ui({
        type: 'IdentityCenterUser',
        accountId: ACCT,
        onBehalfOf: {
          userId: '94482488-3041-7026-18f3-be45837cd0e4',
          identityStoreArn: 'arn:aws:identitystore::1:identitystore/d-1',
        },
        credentialId: 'c',
      }),
    ),
    rec(ui({ type: 'AssumedRole', arn: `arn:aws:sts::${ACCT}:assumed-role/NoIssuer/sess` })),
    rec(ui({ type: 'SAMLUser', arn: `arn:aws-cn:sts::${ACCT}:assumed-role/Cn/sess`, principalId: 'P' })),
    rec({ managementEvent: false, eventCategory: undefined, readOnly: 'True' }),
    rec({ managementEvent: true, eventCategory: '', readOnly: 'FALSE' }),
    rec({ managementEvent: 'true', eventCategory: undefined, readOnly: 1 }),
    rec({ managementEvent: 'False', eventCategory: undefined, readOnly: null }),
    rec({ managementEvent: 0, eventCategory: undefined }),
    rec({
      resources: [
        { ARN: 'arn:aws:s3:::bucket', type: 'AWS::S3::Bucket', accountId: ACCT },
        { arn: 'arn:aws:kms:us-east-1:111122223333:key/k' },
        { ARN: '', arn: 'fallback' },
        'not-an-object',
        [1],
        { ARN: 5 },
        {},
      ],
    }),
    rec({ resources: { ARN: 'not-a-list' } }),
    rec({
      requestParameters: 'a string',
      responseElements: [1, 'x', { a: null }, true],
      additionalEventData: { temperature: 0.7, topP: 0.95, n: -12, big: 123456789012345, tiny: 0.000001 },
    }),
    rec({ requestParameters: undefined, responseElements: undefined }),
    rec({
      userAgent: 'Mozilla/5.0 é 😀 \u2028 \t "quoted" back\\slash \u0001 \u007f',
      errorCode: 'AccessDenied',
      errorMessage: 'User: x is not authorized: {"a":[1,2]}',
    }),
    rec({ eventTime: '2025-03-11T14:56:33.123Z' }),
    rec({
      eventTime: '2024-02-29T23:59:59.5Z',
      ...ui({
        type: 'AssumedRole',
        sessionContext: { attributes: { creationDate: '2024-02-29T23:00:00Z' } },
      }),
    }),
    rec({ eventID: '', awsRegion: '', sourceIPAddress: '' }),
    rec({ eventSource: '', eventName: 'X' }),
    rec({ userIdentity: undefined }),
    rec({ userIdentity: 'a string' }),
    rec(ui({ type: 'AssumedRole', sessionContext: 'not-an-object', arn: null })),
    rec(ui({ type: 'IAMUser', sessionContext: { attributes: { mfaAuthenticated: true } } })),
    rec({
      vpcEndpointId: 'vpce-0123456789abcdef0',
      eventType: 'AwsServiceEvent',
      tlsDetails: { v: 'TLSv1.3' },
    }),
    rec({ requestParameters: deep(50) }), // deep, within the cap and under the openers bound
    rec({ serviceEventData: { a: 'b' }, sharedEventID: 'shared-1', eventID: 'edge-last' }),
  ];
}

/** Within the depth cap, but with more `{`/`[` than the cap: left to JavaScript, which keeps them. */
function manyOpeners(): Rec[] {
  const deep = (levels: number): unknown => {
    let v: unknown = 'leaf';
    for (let i = 0; i < levels; i++) v = i % 2 ? [v] : { k: v };
    return v;
  };
  return [
    rec({ requestParameters: deep(61) }),
    rec({ requestParameters: { list: Array.from({ length: 80 }, (_, i) => ({ i })) } }),
  ];
}

/** Real CloudTrail records (TrailDiscover, CC-BY-4.0), when the shared datasets are present. */
function trailDiscoverRecords(): Rec[] {
  const out: Rec[] = [];
  for (const sub of ['logExamples', 'logExamples-newer']) {
    let names: string[];
    try {
      names = readdirSync(path.join(TRAILDISCOVER, sub)).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const v = JSON.parse(readFileSync(path.join(TRAILDISCOVER, sub, name), 'utf8'));
      for (const r of Array.isArray(v) ? v : [v]) out.push(r as Rec);
    }
  }
  return out;
}

/** Evidence for one comparison: [name, content]; `.gz` names are gzipped. */
function evidence(): Array<[string, string | Buffer]> {
  const files: Array<[string, string | Buffer]> = [];
  const td = trailDiscoverRecords();
  for (let i = 0; i < td.length; i += 40) files.push([`c-td-${i}.json.gz`, doc(td.slice(i, i + 40))]);
  const edge = edgeRecords();
  files.push(['c-edge.json.gz', doc(edge)]);
  // one file per edge record too, so that one record left to JavaScript does not hide the others
  for (const [i, r] of edge.entries()) files.push([`c-edge-${String(i).padStart(2, '0')}.json.gz`, doc([r])]);
  files.push(['c-edge-copy.json.gz', doc(edge)]); // same content: read once
  // same content on both paths (a glob character keeps a file from DuckDB): the first listed is read
  const g1 = doc([rec(), rec()]);
  const g2 = doc([rec()]);
  files.push(['b-[glob].json.gz', g1], ['c-glob-copy.json.gz', g1]);
  files.push(['c-glob-first.json.gz', g2], ['f-[glob]-copy.json.gz', g2]);
  files.push(['c-leading-blanks.json.gz', ` \t\r${doc([rec()])}`]);
  files.push(['c-single.json.gz', doc([rec()])]);
  // duplicates: within a file, across files, across both paths, records without eventID
  const shared = [rec({ eventID: 'dup-1' }), rec({ eventID: 'dup-2' }), rec({ eventID: 'dup-3' })];
  const noId = rec({ eventID: undefined });
  files.push(['a-first.jsonl', `${JSON.stringify({ ...shared[0], eventName: 'FromJsonl' })}\n`]);
  files.push(['c-dup-a.json.gz', doc([shared[0], shared[1], shared[1], noId, noId, rec()])]);
  files.push(['c-dup-b.json.gz', doc([rec(), shared[2], shared[1], noId])]);
  files.push(['z-last.jsonl', `${JSON.stringify(shared[2])}\n${JSON.stringify(rec())}\n`]);
  // files the fast path must leave to JavaScript
  /** a fresh record's JSON (its own eventID, so that no file's record is a duplicate of another's) */
  const one = (): string => JSON.stringify(rec());
  files.push(['d-trailing-newline.json.gz', `${doc([rec(), rec()])}\n`]);
  files.push(['d-pretty.json.gz', JSON.stringify({ Records: [rec(), rec()] }, null, 2)]);
  files.push(['d-trailing-comma.json.gz', `{"Records":[${one()},]}`]);
  files.push(['d-nan.json.gz', `{"Records":[${one().replace('"readOnly":true', '"readOnly":NaN')}]}`]);
  files.push([
    'd-float-1.0.json.gz',
    `{"Records":[${one().replace('"readOnly":true', '"x":1.0,"readOnly":true')}]}`,
  ]);
  files.push([
    'd-exp.json.gz',
    `{"Records":[${one().replace('"readOnly":true', '"x":1e21,"readOnly":true')}]}`,
  ]);
  files.push([
    'd-bigint.json.gz',
    `{"Records":[${one().replace('"readOnly":true', '"x":12345678901234567891')}]}`,
  ]);
  files.push(['d-int-key.json.gz', doc([rec({ requestParameters: { b: 1, 10: 2 } })])]);
  files.push(['d-control-char.json.gz', doc([rec({ userAgent: 'unit\u001fseparator' })])]);
  files.push(['d-escaped.json.gz', `{"Records":[${one().replace('"us-east-1"', '"us-east-\\u0031"')}]}`]);
  files.push([
    'd-too-deep.json.gz',
    doc([rec(), rec({ requestParameters: JSON.parse(`${'['.repeat(70)}${']'.repeat(70)}`) })]),
  ]);
  files.push(['d-concatenated.json.gz', `${doc([rec()])}${doc([rec(), rec()])}`]);
  files.push(['d-extra-key.json.gz', `{"Records":[${one()}],"logEvents":[]}`]);
  files.push(['d-empty.json.gz', doc([])]);
  files.push(['d-not-cloudtrail.json.gz', doc([{ foo: 1 }, rec()])]);
  files.push([
    'd-bad-records.json.gz',
    doc([rec(), null, rec({ eventName: undefined }), 'x', rec({ eventTime: 'yesterday' })]),
  ]);
  files.push(['d-feb-30.json.gz', doc([rec({ eventTime: '2025-02-30T00:00:00Z' })])]);
  files.push(['d-epoch-time.json.gz', doc([rec({ eventTime: 1741704993 })])]);
  files.push([
    'd-odd-times.json.gz',
    doc([rec({ eventTime: '2025-03-11 14:56:33' }), rec({ eventTime: '2025-03-11T14:56:33+02:00' })]),
  ]);
  files.push([
    'd-creation-date.json.gz',
    doc([
      rec(),
      rec({
        ...rec(),
        userIdentity: {
          type: 'IAMUser',
          sessionContext: { attributes: { creationDate: '2025-03-11 14:00:00' } },
        },
      }),
    ]),
  ]);
  files.push([
    'd-number-id.json.gz',
    `{"Records":[${one().replace(/"eventID":"[^"]*"/, '"eventID":12345')}]}`,
  ]);
  files.push(['d-bool-field.json.gz', doc([rec({ eventType: true, awsRegion: { r: 1 } })])]);
  files.push(['d-bom.json.gz', `\ufeff${doc([rec()])}`]);
  files.push(['d-leading-newline.json.gz', `\n${doc([rec()])}`]);
  files.push([
    'd-bad-utf8.json.gz',
    Buffer.concat([
      Buffer.from(`{"Records":[${one().slice(0, -1)},"x":"`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}]}'),
    ]),
  ]);
  files.push(['d-many-openers.json.gz', doc(manyOpeners())]);
  files.push(['d-plain.json', doc([rec(), rec()])]);
  files.push(['d-[glob].json.gz', doc([rec()])]);
  return files;
}

/** Raw gzip oddities: bytes written as they are. */
function gzipOddities(dir: string): void {
  const body = gzipSync(doc([rec(), rec(), rec()]));
  writeFileSync(path.join(dir, 'e-truncated.json.gz'), body.subarray(0, body.length - 40));
  writeFileSync(path.join(dir, 'e-no-trailer.json.gz'), body.subarray(0, body.length - 8));
  writeFileSync(path.join(dir, 'e-trailing-garbage.json.gz'), Buffer.concat([body, Buffer.from('garbage')]));
  const text = doc([rec(), rec()]);
  const cut = Math.floor(text.length / 2);
  writeFileSync(
    path.join(dir, 'e-two-members.json.gz'),
    Buffer.concat([gzipSync(text.slice(0, cut)), gzipSync(text.slice(cut))]),
  );
  // 12 records of 1 MB of one letter: valid, each under the record cap, but the JavaScript reader
  // stops the file as a decompression bomb (ratio ~1000:1 past the 8 MB floor)
  writeFileSync(
    path.join(dir, 'e-bomb.json.gz'),
    gzipSync(
      doc(Array.from({ length: 12 }, () => rec({ requestParameters: { text: 'a'.repeat(1 << 20) } }))),
    ),
  );
}

function writeEvidence(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of evidence()) {
    const file = path.join(dir, name);
    if (name.endsWith('.gz')) gz(file, content);
    else writeFileSync(file, content);
  }
  gzipOddities(dir);
}

interface Snapshot {
  result: IngestResult;
  events: unknown[];
  files: unknown[];
  rejects: unknown[];
}

async function snapshot(store: CaseStore, result: IngestResult): Promise<Snapshot> {
  // every column as text: JSON exactly as stored, timestamps and lists as DuckDB prints them
  const text = async (sql: string): Promise<unknown[]> => store.all(sql);
  return {
    result,
    events: await text('SELECT COLUMNS(*)::VARCHAR FROM events ORDER BY uid'),
    files: await text('SELECT COLUMNS(*)::VARCHAR FROM files ORDER BY path'),
    rejects: await text('SELECT COLUMNS(*)::VARCHAR FROM rejects ORDER BY file_id, idx, reason'),
  };
}

/** Ingests each input list in turn into a fresh case, both ways; returns both snapshots after each. */
async function bothWays(
  runs: string[][],
  limits?: Partial<Limits>,
  afterRun?: (i: number) => void,
): Promise<Array<{ js: Snapshot; fast: Snapshot }>> {
  const out: Array<{ js: Snapshot; fast: Snapshot }> = [];
  const js = await CaseStore.open(':memory:');
  const fast = await CaseStore.open(':memory:');
  try {
    for (const inputs of runs) {
      const a = await ingest(js, inputs, { limits, fastPath: false });
      const b = await ingest(fast, inputs, { limits });
      afterRun?.(out.length);
      out.push({ js: await snapshot(js, a), fast: await snapshot(fast, b) });
    }
  } finally {
    await js.close();
    await fast.close();
  }
  return out;
}

function expectSame(s: { js: Snapshot; fast: Snapshot }): void {
  expect(s.fast.result).toEqual(s.js.result);
  expect(s.fast.files).toEqual(s.js.files);
  expect(s.fast.rejects).toEqual(s.js.rejects);
  expect(s.fast.events.length).toBe(s.js.events.length);
  // row by row, so that a difference names the record
  for (let i = 0; i < s.js.events.length; i++) expect(s.fast.events[i]).toEqual(s.js.events[i]);
}

describe('CloudTrail fast path: same case as the JavaScript path', () => {
  const dir1 = path.join(tmp, 'evidence-1');
  const dir2 = path.join(tmp, 'evidence-2');
  let runs: Array<{ js: Snapshot; fast: Snapshot }>;
  let before: typeof fastPathTotals;
  let fallback: string[] = [];

  beforeAll(async () => {
    writeEvidence(dir1);
    // a second delivery: some records again (duplicates of what the case holds), one file again
    mkdirSync(dir2, { recursive: true });
    gz(
      path.join(dir2, 'again.json.gz'),
      doc([rec({ eventID: 'dup-2' }), rec(), rec({ eventID: 'edge-last' })]),
    );
    writeFileSync(path.join(dir2, 'same-content.json.gz'), readFileSync(path.join(dir1, 'c-single.json.gz')));
    before = { ...fastPathTotals };
    runs = await bothWays([[dir1], [dir2], [dir1]], undefined, (i) => {
      if (i === 0) fallback = fastPathTotals.lastRunFallback.map((f) => path.basename(f)).sort();
    });
  });

  it('stores the good files itself and hands the others to the JavaScript path', () => {
    expect(fastPathTotals.files - before.files).toBeGreaterThanOrEqual(6);
    expect(fastPathTotals.retries - before.retries).toBeGreaterThan(0); // DuckDB failed on some batches
    for (const f of ['c-edge.json.gz', 'c-leading-blanks.json.gz', 'c-single.json.gz', 'c-dup-a.json.gz'])
      expect(fallback).not.toContain(f);
    // read by DuckDB, then left to JavaScript (the others are not even offered: no gzip, BOM ...)
    expect(fallback).toEqual(
      expect.arrayContaining([
        'd-bad-records.json.gz',
        'd-bad-utf8.json.gz',
        'd-bigint.json.gz',
        'd-bool-field.json.gz',
        'd-concatenated.json.gz',
        'd-control-char.json.gz',
        'd-creation-date.json.gz',
        'd-empty.json.gz',
        'd-epoch-time.json.gz',
        'd-escaped.json.gz',
        'd-exp.json.gz',
        'd-extra-key.json.gz',
        'd-feb-30.json.gz',
        'd-float-1.0.json.gz',
        'd-int-key.json.gz',
        'd-many-openers.json.gz',
        'd-nan.json.gz',
        'd-not-cloudtrail.json.gz',
        'd-number-id.json.gz',
        'd-odd-times.json.gz',
        'd-too-deep.json.gz',
        'd-trailing-comma.json.gz',
        'd-trailing-newline.json.gz',
        'e-two-members.json.gz',
      ]),
    );
  });

  it('first ingest: same rows byte for byte, same files, rejects and warnings', () => {
    expectSame(runs[0]);
    const r = runs[0].js.result;
    expect(r.totals.records).toBe(r.totals.stored + r.totals.rejected + r.totals.duplicates);
    expect(r.totals.duplicates).toBeGreaterThan(0);
    expect(r.totals.rejected).toBeGreaterThan(0);
  });

  it('appending to the case: duplicates of stored records and known content', () => {
    expectSame(runs[1]);
    expect(runs[1].js.result.totals.duplicates).toBe(2);
  });

  it('staged rows flushed after every row give the same case, both ways', async () => {
    for (const fastPath of [false, true]) {
      const store = await CaseStore.open(':memory:');
      try {
        const r = await ingest(store, [dir1], { fastPath, stageFlushBytes: 1 });
        const s = await snapshot(store, r);
        expectSame({ js: fastPath ? runs[0].fast : runs[0].js, fast: s });
      } finally {
        await store.close();
      }
    }
  });

  it('reports progress once per file, fast-path files when their batch is done', async () => {
    const store = await CaseStore.open(':memory:');
    try {
      const seen: IngestProgress[] = [];
      const r = await ingest(store, [dir1], { onProgress: (p) => seen.push({ ...p }) });
      expect(seen.map((p) => p.filesDone)).toEqual(r.files.map((_, i) => i + 1));
      const last = seen[seen.length - 1];
      expect(last.bytesDone).toBe(last.bytesTotal);
      expect(last.records).toBe(r.totals.records);
    } finally {
      await store.close();
    }
  });

  it('the same evidence again: every file already in the case', () => {
    expectSame(runs[2]);
    expect(runs[2].js.result.totals.stored).toBe(0);
  });

  it('with small caps, a record or a document over them is rejected the same way', async () => {
    const dir = path.join(tmp, 'evidence-cap');
    mkdirSync(dir, { recursive: true });
    gz(
      path.join(dir, 'big.json.gz'),
      doc([rec(), rec({ requestParameters: { text: 'x'.repeat(5000) } }), rec()]),
    );
    gz(path.join(dir, 'small.json.gz'), doc([rec(), rec()]));
    gz(path.join(dir, 'whole-doc-over-cap.json.gz'), doc(Array.from({ length: 40 }, () => rec())));
    const [s] = await bothWays([[dir]], { maxRecordBytes: 4000, maxDocumentBytes: 30000 });
    expectSame(s);
    expect(s.js.result.totals.rejected).toBe(2);
  });
});

describe('CloudTrail fast path: DuckDB memory limit', () => {
  it('is lowered while the fast path inserts into a file-backed case, then restored exactly (insertion order too)', async () => {
    const dir = path.join(tmp, 'evidence-mem');
    mkdirSync(dir, { recursive: true });
    gz(path.join(dir, 'a.json.gz'), doc([rec(), rec({ eventID: 'mem-dup' })]));
    // CloudTrail the JavaScript path stages, read back under the cap when duplicates are settled
    const lines = [rec({ eventID: 'mem-dup' }), rec()].map((r) => JSON.stringify(r));
    writeFileSync(path.join(dir, 'b.jsonl'), `${lines.join('\n')}\n`);
    const limit = async (s: CaseStore) =>
      JSON.stringify(
        await s.all(
          "SELECT current_setting('memory_limit') AS m, current_setting('preserve_insertion_order') AS o",
        ),
      );
    for (const memoryLimit of [undefined, '2GiB', '500MiB']) {
      const store = await CaseStore.open(path.join(tmp, `mem-${memoryLimit ?? 'default'}.duckdb`), {
        memoryLimit,
      });
      try {
        const before = await limit(store);
        const files = fastPathTotals.files;
        const res = await ingest(store, [dir]);
        expect(fastPathTotals.files - files).toBe(1);
        expect(res.totals).toEqual({ records: 4, stored: 3, rejected: 0, duplicates: 1 });
        expect(await limit(store)).toBe(before);
      } finally {
        await store.close();
      }
    }
  });
});

describe('CloudTrail fast path on a shared scenario', () => {
  it('persistence-infra (S3 delivery, JSON lines, lookup-events and EventBridge shapes): same case', async (ctx) => {
    try {
      readdirSync(SCENARIO);
    } catch {
      console.log(`skipped: ${SCENARIO} is not here (the shared datasets are absent)`);
      ctx.skip();
      return;
    }
    const before = fastPathTotals.files;
    const [s] = await bothWays([[SCENARIO]]);
    expect(fastPathTotals.files - before).toBeGreaterThan(500);
    expectSame(s);
  });
});
