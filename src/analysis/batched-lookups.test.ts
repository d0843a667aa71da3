/**
 * Look-ups made for many items with one statement, against the one-statement-per-item queries they
 * replaced (the reference queries below): the application behind a changed function for many change
 * windows (infrastructure.ts, appModelSwitches and appRetrieveShapes; two roles with interleaved calls
 * and several windows each), and earlier writes of a principal to a bucket (data-store.ts,
 * writtenBefore).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuidSequence } from '../../test/helpers/fixture-clock.js';
import { ingest } from '../engine/ingest.js';
import { CaseStore, isoSql, sqlTime } from '../store/case-store.js';
import type { Env } from './context.js';
import { writtenBefore } from './data-store.js';
import {
  type AppSwitch,
  type AppWindow,
  appModelSwitch,
  appModelSwitches,
  appRetrieveShapes,
  SHAPE_LIMITS,
  type ShapeChange,
  shapeChanges,
} from './infrastructure.js';

const ACCT = '111122223333';
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-appwin-'));
let store: CaseStore;
let env: Env;
afterAll(async () => {
  await store?.close();
  rmSync(tmp, { recursive: true, force: true });
});

const T = Date.parse('2025-06-03T08:00:00Z');
const at = (min: number): string => new Date(T + min * 60_000).toISOString().replace('.000Z', 'Z');
const id = uuidSequence('b001');
const roleArn = (role: string): string => `arn:aws:iam::${ACCT}:role/${role}`;

function call(
  min: number,
  role: string,
  name: string,
  req: unknown,
  source = 'bedrock.amazonaws.com',
  more: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    eventVersion: '1.10',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLE${role.length}:fn`,
      arn: `arn:aws:sts::${ACCT}:assumed-role/${role}/fn`,
      accountId: ACCT,
      accessKeyId: `ASIA${role
        .toUpperCase()
        .replace(/[^A-Z]/g, '')
        .padEnd(16, 'X')}`,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: `AROAEXAMPLE${role.length}`,
          arn: roleArn(role),
          accountId: ACCT,
          userName: role,
        },
        attributes: { creationDate: '2025-06-01T00:00:00Z', mfaAuthenticated: 'false' },
      },
    },
    eventTime: at(min),
    eventSource: source,
    eventName: name,
    awsRegion: 'eu-north-1',
    sourceIPAddress: '192.0.2.40',
    userAgent: 'Boto3/1.37.6 md/Botocore#1.37.6 ua/2.0 os/linux exec-env/AWS_Lambda_python3.12',
    requestParameters: req,
    responseElements: null,
    requestID: id(),
    eventID: id(),
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: false,
    recipientAccountId: ACCT,
    eventCategory: 'Management',
    ...more,
  };
}

const search = (filtered: boolean, tenant?: boolean) => ({
  knowledgeBaseId: 'KB12345678',
  retrievalQuery: { text: 'payment terms' },
  retrievalConfiguration: {
    vectorSearchConfiguration: {
      numberOfResults: 5,
      ...(filtered ? { filter: { equals: { key: 'tenant', value: 't1' } } } : {}),
    },
  },
  ...(tenant ? { tenantId: 't1' } : {}),
});

/** a deterministic pseudo-random sequence (no Math.random: the case must be the same every run) */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

const A = 'app-a-role';
const B = 'app-b-role';
const records: Record<string, unknown>[] = [];
// role A: an established history on one model, another model from minute 0, a third from minute 180
for (let i = 0; i < 25; i++) records.push(call(-600 + i * 10, A, 'Converse', { modelId: 'model-one' }));
for (const m of [20, 25, 30, 35, 40, 240]) records.push(call(m, A, 'Converse', { modelId: 'model-two' }));
for (const m of [180, 185, 190]) records.push(call(m, A, 'InvokeModel', { modelId: 'model-three' }));
// role B: ten calls before minute 0 (not established then), new models at minutes 10 and 360
for (let i = 0; i < 10; i++) records.push(call(-300 + i * 10, B, 'Converse', { modelId: 'model-one' }));
for (let i = 0; i < 15; i++) records.push(call(10 + i * 10, B, 'Converse', { modelId: 'model-four' }));
for (const m of [360, 365, 370]) records.push(call(m, B, 'ConverseStream', { modelId: 'model-five' }));
// searches: A's carry the filter until minute 0 and lose it for a while; B's carry it until minute 300
for (let i = 0; i < 25; i++) records.push(call(-500 + i * 10, A, 'Retrieve', search(true)));
for (const m of [10, 20, 30, 40]) records.push(call(m, A, 'Retrieve', search(false)));
for (const m of [150, 160, 170]) records.push(call(m, A, 'Retrieve', search(true)));
for (let i = 0; i < 30; i++) records.push(call(-400 + i * 20, B, 'RetrieveAndGenerate', search(true, true)));
for (const m of [310, 320, 330, 340]) records.push(call(m, B, 'RetrieveAndGenerate', search(true, false)));
// noise after minute 400: both roles calling at random times, so a window joined to the wrong role
// (or another window's times) would differ
const rnd = lcg(7);
for (let i = 0; i < 120; i++) {
  const role = rnd() < 0.5 ? A : B;
  const min = 400 + Math.floor(rnd() * 700);
  if (rnd() < 0.5) records.push(call(min, role, 'Converse', { modelId: 'model-one' }));
  else records.push(call(min, role, 'Retrieve', search(rnd() < 0.9, role === B && rnd() < 0.9)));
}

/** windows of both roles, in an order that interleaves them; one without a role name */
const WINDOWS: AppWindow[] = [
  { role: roleArn(A), after: at(0), until: at(120) },
  { role: roleArn(B), after: at(0), until: null },
  { role: `arn:aws:iam::${ACCT}:role/`, after: at(0), until: null },
  { role: roleArn(A), after: at(120), until: null },
  { role: roleArn(B), after: at(300), until: at(600) },
  { role: roleArn(A), after: at(-100), until: at(0) },
  { role: roleArn(B), after: at(60), until: at(300) },
  { role: roleArn(A), after: at(0), until: null },
  { role: roleArn('nobody-role'), after: at(0), until: null },
  ...Array.from({ length: 12 }, (_, i) => ({
    role: roleArn(i % 2 ? A : B),
    after: at(-600 + i * 150),
    until: i % 3 ? at(-600 + i * 150 + 200) : null,
  })),
];

/** the per-window query appModelSwitch ran before windows were joined (the reference) */
async function referenceSwitch(w: AppWindow): Promise<AppSwitch[]> {
  const name = w.role.replace(/^.*\//, '');
  if (!name) return [];
  const rows = await store.all(
    `WITH calls AS (
       SELECT coalesce(json_extract_string(request_parameters, '$.modelId'), '') AS model, time, coalesce(event_id, uid) AS eid
       FROM events WHERE action IN ('InvokeModel', 'InvokeModelWithResponseStream', 'Converse', 'ConverseStream')
         AND error_code IS NULL AND principal_type = 'AssumedRole'
         AND regexp_extract(coalesce(identity_arn, ''), '[^/]+$') = $1),
     before AS (SELECT DISTINCT model FROM calls WHERE time < CAST($2 AS TIMESTAMP))
     SELECT c.model, count(*) AS n, list(c.eid ORDER BY c.time, c.eid)[1:10] AS eids, ${isoSql('min(c.time)')} AS first
     FROM calls c
     WHERE c.time >= CAST($2 AS TIMESTAMP) AND c.time <= CAST($2 AS TIMESTAMP) + INTERVAL 1 DAY
       AND c.model <> '' AND c.model NOT IN (SELECT model FROM before)
       AND (SELECT count(*) FROM calls WHERE time < CAST($2 AS TIMESTAMP)) >= 20
     GROUP BY 1 HAVING min(c.time) < CAST($3 AS TIMESTAMP) ORDER BY 1`,
    [name, sqlTime(w.after), w.until ? sqlTime(w.until) : '9999-12-31 00:00:00'],
  );
  return rows.map((r) => ({
    model: String(r.model),
    calls: Number(r.n),
    first: String(r.first),
    eventIds: ((r.eids as unknown[]) ?? []).map(String),
  }));
}

/** the per-window query appRetrieveShape ran before windows were joined (the reference) */
async function referenceShape(w: AppWindow): Promise<ShapeChange[]> {
  const name = w.role.replace(/^.*\//, '');
  if (!name) return [];
  const rows = await store.all(
    `WITH s AS (
       SELECT time, coalesce(event_id, uid) AS eid, CAST(request_parameters AS VARCHAR) AS req,
              time >= CAST($2 AS TIMESTAMP) AS late
       FROM events WHERE action IN ('Retrieve', 'RetrieveAndGenerate', 'RetrieveAndGenerateStream') AND error_code IS NULL
         AND principal_type = 'AssumedRole' AND regexp_extract(coalesce(identity_arn, ''), '[^/]+$') = $1
         AND time >= CAST($2 AS TIMESTAMP) - INTERVAL 7 DAY
         AND time < least(CAST($3 AS TIMESTAMP), CAST($2 AS TIMESTAMP) + INTERVAL 1 DAY)),
     b AS (SELECT * FROM s WHERE NOT late ORDER BY time DESC, eid LIMIT ${SHAPE_LIMITS.maxCalls}),
     a AS (SELECT * FROM s WHERE late ORDER BY time, eid LIMIT ${SHAPE_LIMITS.maxCalls})
     SELECT ${isoSql('time')} AS t, eid, req, late FROM (SELECT * FROM b UNION ALL SELECT * FROM a) ORDER BY time, eid`,
    [name, sqlTime(w.after), w.until ? sqlTime(w.until) : '9999-12-31 00:00:00'],
  );
  return shapeChanges(rows);
}

// S3 writes of both roles to two buckets, one of them failed, and a read (not a write)
const put = (
  min: number,
  role: string,
  bucket: string,
  name = 'PutObject',
  more: Record<string, unknown> = {},
) => records.push(call(min, role, name, { bucketName: bucket, key: `k/${min}` }, 's3.amazonaws.com', more));
put(-50, A, 'bucket-one', 'PutObject', { errorCode: 'AccessDenied', errorMessage: 'Access Denied' });
put(10, A, 'bucket-one');
put(20, B, 'bucket-two', 'DeleteObject');
put(30, B, 'bucket-one', 'GetObject');
put(40, B, 'bucket-one', 'CopyObject');
put(60, A, 'bucket-two');

/** the per-group query dataWrites ran before the groups were joined (the reference) */
async function referenceWritten(w: { bucket: string; who: string; time: string }): Promise<boolean> {
  const rows = await store.all(
    `SELECT count(*) AS n FROM events WHERE service = 's3.amazonaws.com' AND action IN ('PutObject', 'DeleteObject',
       'DeleteObjects', 'CopyObject', 'CompleteMultipartUpload', 'RestoreObject', 'PutObjectAcl', 'PutObjectTagging')
     AND json_extract_string(request_parameters, '$.bucketName') = $1 AND identity_arn = $2 AND time < CAST($3 AS TIMESTAMP)`,
    [w.bucket, w.who, sqlTime(w.time)],
  );
  return Number(rows[0]?.n ?? 0) > 0;
}

beforeAll(async () => {
  const dir = path.join(tmp, 'case');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'trail.json'), JSON.stringify({ Records: records }));
  store = await CaseStore.open(':memory:');
  await ingest(store, [dir]);
  env = { db: store } as unknown as Env;
});

describe('change windows of several roles answered at once', () => {
  it('models first called after each change: the same as one query per window', async () => {
    const got = await appModelSwitches(env, WINDOWS);
    expect(got).toHaveLength(WINDOWS.length);
    for (const [i, w] of WINDOWS.entries()) expect(got[i], `window ${i}`).toEqual(await referenceSwitch(w));
    expect(await appModelSwitch(env, WINDOWS[4].role, WINDOWS[4].after, WINDOWS[4].until)).toEqual(got[4]);
    // the cases the windows were built for
    const models = got.map((x) => x.map((s) => `${s.model}:${s.calls}`));
    expect(models[0]).toEqual(['model-two:6']); // counted over the day, first call before the next change
    expect(models[1]).toEqual([]); // B had ten calls before minute 0: no history
    expect(models[2]).toEqual([]);
    expect(models[3]).toEqual(['model-three:3']); // model-two was called before minute 120
    expect(models[4]).toEqual(['model-five:3']);
    expect(models[8]).toEqual([]);
    expect(got[0][0].first).toBe('2025-06-03T08:20:00.000Z');
    expect(got[0][0].eventIds).toHaveLength(6);
  });

  it('searches that changed shape after each change: the same as one query per window', async () => {
    const got = await appRetrieveShapes(env, WINDOWS);
    expect(got).toHaveLength(WINDOWS.length);
    for (const [i, w] of WINDOWS.entries()) expect(got[i], `window ${i}`).toEqual(await referenceShape(w));
    const fields = got.map((x) => x.map((s) => s.field));
    expect(fields[0]).toEqual(['retrievalConfiguration.vectorSearchConfiguration.filter']);
    // B's searches lose tenantId from minute 310, and the filter in some of the later ones
    expect(fields[1]).toEqual(['retrievalConfiguration.vectorSearchConfiguration.filter', 'tenantId']);
    expect(fields[6]).toEqual([]); // B made no search between its change at 60 and the next at 300
    expect(fields[4]).toEqual(['tenantId']);
    expect(fields[7]).toEqual(['retrievalConfiguration.vectorSearchConfiguration.filter']);
  });

  it('with few searches read on each side, the same searches are read as one query per window', async () => {
    const saved = { ...SHAPE_LIMITS };
    Object.assign(SHAPE_LIMITS, { maxCalls: 6, minBefore: 4, minMissing: 1 });
    try {
      const got = await appRetrieveShapes(env, WINDOWS);
      let found = 0;
      for (const [i, w] of WINDOWS.entries()) {
        const want = await referenceShape(w);
        expect(got[i], `window ${i}`).toEqual(want);
        found += want.length;
      }
      expect(found).toBeGreaterThan(0);
    } finally {
      Object.assign(SHAPE_LIMITS, saved);
    }
  });
});

describe('earlier writes of a principal to a bucket, for many writes at once', () => {
  it('the same as one query per write', async () => {
    const writes: Array<{ bucket: string; who: string; time: string }> = [];
    for (const who of [roleArn(A), roleArn(B), '', roleArn('nobody-role')])
      for (const bucket of ['bucket-one', 'bucket-two', 'bucket-three'])
        for (const min of [-60, -50, 0, 10, 11, 20, 35, 40, 41, 60, 100])
          writes.push({ bucket, who, time: at(min) });
    const got = await writtenBefore(env, writes);
    const want = new Set<number>();
    for (const [i, w] of writes.entries()) if (await referenceWritten(w)) want.add(i);
    expect([...got].sort((a, b) => a - b)).toEqual([...want].sort((a, b) => a - b));
    // A's failed write at -50 counts from then on; B's read of bucket-one does not
    const has = (who: string, bucket: string, min: number) =>
      got.has(writes.findIndex((w) => w.who === who && w.bucket === bucket && w.time === at(min)));
    expect(has(roleArn(A), 'bucket-one', -50)).toBe(false);
    expect(has(roleArn(A), 'bucket-one', 0)).toBe(true);
    expect(has(roleArn(B), 'bucket-one', 40)).toBe(false);
    expect(has(roleArn(B), 'bucket-one', 41)).toBe(true);
    expect(has(roleArn(A), 'bucket-two', 60)).toBe(false);
    expect(has(roleArn(A), 'bucket-two', 100)).toBe(true);
  });
});
