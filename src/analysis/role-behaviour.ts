/**
 * What a workload role did after a change to the workload: the reads of secrets, parameters and
 * buckets it never read before in the evidence, and the object writes to buckets of accounts outside
 * the organisation it never wrote to before. A deployment (an ECS service update, a Lambda code or
 * configuration change) is judged by what its code went for: the same questions for every compute
 * service, answered here once (ecs-deployments.ts for task roles, infrastructure.ts for function roles).
 */

import { isoSql, sqlString, sqlTime } from '../store/case-store.js';
import { actionList, type CtRow, type Env, loadEvents } from './context.js';

const str = (v: unknown): string | null =>
  typeof v === 'string' && v.length > 0 && v.length < 2048 ? v : null;

/** the role's history before the change needed for "never before" to mean something */
export const HISTORY_MIN_RECORDS = 20;
export const HISTORY_MIN_HOURS = 3;

/** The SQL condition for records of a role, named by its ARN (any path) or as it acts. */
export function roleSql(role: string): string {
  const m = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]{1,128})$/.exec(role);
  if (!m) return `identity_arn = ${sqlString(role)}`;
  return `(identity_arn = ${sqlString(role)} OR (account = '${m[1]}' AND identity_arn LIKE 'arn:%:iam::%:role/%' AND regexp_extract(identity_arn, '[^/]+$') = ${sqlString(m[2])}))`;
}

export const READS = [
  'GetSecretValue',
  'BatchGetSecretValue',
  'GetObject',
  'GetObjectVersion',
  'ListObjects',
  'ListObjectsV2',
  'GetParameter',
  'GetParameters',
  'GetParametersByPath',
];

/** A secret's name from its id (an ARN ends in `-` and six random characters). */
export function secretName(id: string): string {
  const m = /^arn:aws[a-z-]*:secretsmanager:[^:]*:\d{12}:secret:(.+)$/.exec(id);
  return m ? m[1].replace(/-[A-Za-z0-9]{6}$/, '') : id;
}

/** A read's request, reduced to what names its target (the same for every read of one target set). */
export const TARGET_SQL = `coalesce(json_extract_string(request_parameters, '$.secretId'), '') || '|' ||
  coalesce(CAST(json_extract(request_parameters, '$.secretIdList') AS VARCHAR), '') || '|' ||
  coalesce(json_extract_string(request_parameters, '$.bucketName'), '') || '|' ||
  coalesce(json_extract_string(request_parameters, '$.name'), '') || '|' ||
  coalesce(json_extract_string(request_parameters, '$.path'), '') || '|' ||
  coalesce(CAST(json_extract(request_parameters, '$.names') AS VARCHAR), '')`;
const MAX_SHAPES = 5000;

function targetsOfShape(service: string, tk: string): string[] {
  const [secretId, list, bucketName, name, p, names] = tk.split('|');
  const arr = (t: string): unknown => {
    try {
      return t ? JSON.parse(t) : undefined;
    } catch {
      return undefined;
    }
  };
  const req = { secretId, secretIdList: arr(list), bucketName, name, path: p, names: arr(names) };
  return readTargets({ service, req } as unknown as CtRow);
}

/** What a read went for: `secret:<name>`, `bucket:<name>`, `parameter:<name>`. */
export function readTargets(r: CtRow): string[] {
  const q = r.req ?? {};
  if (r.service === 'secretsmanager.amazonaws.com') {
    const ids = [
      str(q.secretId),
      ...(Array.isArray(q.secretIdList) ? q.secretIdList.slice(0, 20).map(str) : []),
    ];
    return ids.filter((x): x is string => !!x).map((x) => `secret:${secretName(x)}`);
  }
  if (r.service === 's3.amazonaws.com') {
    const b = str(q.bucketName);
    return b ? [`bucket:${b}`] : [];
  }
  if (r.service === 'ssm.amazonaws.com') {
    const names = [
      str(q.name),
      str(q.path),
      ...(Array.isArray(q.names) ? q.names.slice(0, 20).map(str) : []),
    ];
    return names.filter((x): x is string => !!x).map((x) => `parameter:${x}`);
  }
  return [];
}

/** The triage line naming when the first read of each new target (at most 10) happened. */
export function firstReadsLine(targets: string[], reads: CtRow[]): string {
  return `first read of each at ${targets
    .slice(0, 10)
    .map((t) => `${t.replace(/^[a-z]+:/, '')} ${reads.find((r) => readTargets(r).includes(t))?.time ?? ''}`)
    .join('; ')}`;
}

/** What a role newly did after a change: its history before, and the new reads and outside writes. */
export interface RoleNewActivity {
  /** the role's records before the change */
  history: number;
  /** reads of targets the role never read before (time order) */
  reads: CtRow[];
  /** `secret:<name>`, `bucket:<name>`, `parameter:<name>` the role never read before */
  targets: string[];
  secrets: string[];
  buckets: string[];
  parameters: string[];
  /** object writes to buckets of accounts outside the organisation the role never wrote to before */
  writes: CtRow[];
  /** those buckets with their owner account */
  outside: Array<{ bucket: string; owner: string }>;
}

/** S3 calls that put an object's content into a bucket. */
export const OBJECT_PUTS = [
  'PutObject',
  'CopyObject',
  'UploadPart',
  'UploadPartCopy',
  'CreateMultipartUpload',
  'CompleteMultipartUpload',
];
const MAX_WRITES = 2000;

const ACTIVE = new WeakMap<Env, Map<string, Promise<boolean>>>();

/** Whether the role reads or puts objects at all in the evidence (asked once per role and analysis). */
function readsOrWrites(env: Env, role: string): Promise<boolean> {
  let m = ACTIVE.get(env);
  if (!m) ACTIVE.set(env, (m = new Map()));
  let p = m.get(role);
  if (!p) {
    p = env.db
      .all(
        `SELECT 1 AS x FROM events WHERE ${roleSql(role)} AND error_code IS NULL
         AND (action IN (${actionList(READS)}) OR (service = 's3.amazonaws.com' AND action IN (${actionList(OBJECT_PUTS)})))
         LIMIT 1`,
      )
      .then((rows) => rows.length > 0);
    m.set(role, p);
  }
  return p;
}

/**
 * The role's history before `from` (null when too short for "never before" to mean anything: fewer
 * than HISTORY_MIN_RECORDS records or HISTORY_MIN_HOURS hours), then what it newly read and where it
 * newly wrote outside the organisation between `from` and `to`. `isOrg` says whether an account is
 * the organisation's (the bucket owner is the one CloudTrail names in the data event's `resources`).
 */
export async function roleNewActivity(
  env: Env,
  role: string,
  from: string,
  to: string,
  isOrg: (account: string) => boolean,
  opts: { writes?: boolean } = {},
): Promise<RoleNewActivity | null> {
  if (!(await readsOrWrites(env, role))) return null;
  const hist = await env.db.all(
    `SELECT count(*) AS n, ${isoSql('min(time)')} AS first FROM events
     WHERE ${roleSql(role)} AND coalesce(principal_type, '') <> 'AWSService' AND time < CAST($1 AS TIMESTAMP)`,
    [sqlTime(from)],
  );
  const n = Number(hist[0]?.n ?? 0);
  const first = hist[0]?.first ? String(hist[0].first) : null;
  if (
    n < HISTORY_MIN_RECORDS ||
    !first ||
    Date.parse(from) - Date.parse(first) < HISTORY_MIN_HOURS * 3_600_000
  )
    return null;
  // what the role read before, as distinct request shapes (an application reads the same few
  // secrets and parameters on every request: the rows themselves are not loaded)
  const readsOf = `${roleSql(role)} AND error_code IS NULL AND action IN (${actionList(READS)})
     AND coalesce(principal_type, '') <> 'AWSService'`;
  const shapes = await env.db.all(
    `SELECT DISTINCT service, ${TARGET_SQL} AS tk FROM events
     WHERE ${readsOf} AND time < CAST($1 AS TIMESTAMP) ORDER BY ALL LIMIT ${MAX_SHAPES + 1}`,
    [sqlTime(from)],
  );
  const before = new Set<string>();
  for (const sh of shapes) for (const t of targetsOfShape(String(sh.service), String(sh.tk))) before.add(t);
  const known = shapes.length <= MAX_SHAPES ? shapes.map((sh) => String(sh.tk)) : [];
  const rows = await loadEvents(
    env.db,
    `${readsOf} AND time >= CAST($1 AS TIMESTAMP) AND time <= CAST($2 AS TIMESTAMP)
     ${known.length ? `AND ${TARGET_SQL} NOT IN (${actionList(known)})` : ''}`,
    [sqlTime(from), sqlTime(to)],
    { resp: false, extra: false },
  );
  const reads = rows.filter((r) => readTargets(r).some((t) => !before.has(t)));
  const targets = [...new Set(reads.flatMap(readTargets).filter((t) => !before.has(t)))].sort();
  // object writes whose bucket another account owns, outside the organisation, new for the role
  let writes: CtRow[] = [];
  const outside = new Map<string, string>();
  if (opts.writes !== false) {
    const owned = await env.db.all(
      `WITH w AS (
         SELECT uid, time, account, json_extract_string(request_parameters, '$.bucketName') AS bucket,
                unnest(coalesce(TRY_CAST(json_extract(raw, '$.resources') AS JSON[]), []::JSON[])) AS r
         FROM events
         WHERE ${roleSql(role)} AND service = 's3.amazonaws.com' AND action IN (${actionList(OBJECT_PUTS)})
           AND error_code IS NULL AND coalesce(principal_type, '') <> 'AWSService' AND account IS NOT NULL
           AND time <= CAST($2 AS TIMESTAMP))
       SELECT uid, bucket, min(json_extract_string(r, '$.accountId')) AS owner, min(time) < CAST($1 AS TIMESTAMP) AS old
       FROM w
       WHERE json_extract_string(r, '$.accountId') IS NOT NULL AND json_extract_string(r, '$.accountId') <> account
         AND (json_extract_string(r, '$.type') = 'AWS::S3::Bucket' OR json_extract_string(r, '$.ARN') = 'arn:aws:s3:::' || bucket)
       GROUP BY uid, bucket ORDER BY uid LIMIT ${MAX_WRITES * 4}`,
      [sqlTime(from), sqlTime(to)],
    );
    const wroteBefore = new Set(owned.filter((o) => o.old === true).map((o) => String(o.bucket)));
    const uids: string[] = [];
    for (const o of owned) {
      const bucket = String(o.bucket ?? '');
      const owner = String(o.owner ?? '');
      if (o.old === true || !bucket || wroteBefore.has(bucket) || !/^\d{12}$/.test(owner) || isOrg(owner))
        continue;
      outside.set(bucket, owner);
      if (uids.length < MAX_WRITES) uids.push(String(o.uid));
    }
    if (uids.length)
      writes = (
        await loadEvents(env.db, `uid IN (${actionList(uids)})`, [], { resp: false, extra: false })
      ).sort((a, b) => a.time.localeCompare(b.time) || a.uid.localeCompare(b.uid));
    // the role's own history decides "before": writes before `from` to a bucket never count
    writes = writes.filter((r) => r.time >= from);
  }
  if (!reads.length && !writes.length) return null;
  const of = (p: string) => targets.filter((t) => t.startsWith(p)).map((t) => t.slice(p.length));
  return {
    history: n,
    reads,
    targets,
    secrets: of('secret:'),
    buckets: of('bucket:'),
    parameters: of('parameter:'),
    writes,
    outside: [...outside.entries()]
      .filter(([b]) => writes.some((w) => String(w.req?.bucketName ?? '') === b))
      .map(([bucket, owner]) => ({ bucket, owner }))
      .sort((a, b) => a.bucket.localeCompare(b.bucket)),
  };
}
