/**
 * Element `data-store-changes`: knowledge bases, their data sources and source buckets, training
 * data, and the bucket that holds the prompt logs.
 *
 * Which buckets matter is learnt from the evidence, never from names: data-source configurations,
 * knowledge-base application logs (document URIs), the knowledge-base and customisation service
 * roles reading them right after an ingestion or a customisation job, the training and validation
 * URIs of customisation jobs, and the invocation-logging destination.
 */
import { isoSql, sqlTime } from '../store/case-store.js';
import { bucketOf } from './ai-changes.js';
import {
  actionList,
  actorOf,
  applyContext,
  burstsOf,
  type Candidate,
  type CtRow,
  clientOf,
  type Env,
  IAC_UA,
  loadEvents,
  matchContext,
  minutesBetween,
  nameOf,
  principalsOf,
  subjectOf,
} from './context.js';
import { OBJECT_PUTS } from './role-behaviour.js';

const ids = (rows: CtRow[]): string[] => rows.map((r) => r.eventId);

export interface DataBuckets {
  /** bucket → knowledge bases and data sources it feeds */
  kb: Map<string, { kbIds: Set<string>; dataSourceIds: Set<string>; how: Set<string> }>;
  /** bucket → how it was learnt */
  training: Map<string, Set<string>>;
  logs: Map<string, Set<string>>;
}

function add(m: Map<string, Set<string>>, b: string | null, how: string): void {
  if (!b) return;
  if (!m.has(b)) m.set(b, new Set());
  m.get(b)!.add(how);
}

/** The buckets behind knowledge bases, training jobs and prompt logs. */
export async function dataBuckets(env: Pick<Env, 'db'>): Promise<DataBuckets> {
  const out: DataBuckets = { kb: new Map(), training: new Map(), logs: new Map() };
  const addKb = (b: string | null, kb: string | null, ds: string | null, how: string): void => {
    if (!b) return;
    if (!out.kb.has(b)) out.kb.set(b, { kbIds: new Set(), dataSourceIds: new Set(), how: new Set() });
    const e = out.kb.get(b)!;
    if (kb) e.kbIds.add(kb);
    if (ds) e.dataSourceIds.add(ds);
    e.how.add(how);
  };
  const ds = await loadEvents(
    env.db,
    `action IN ('CreateDataSource', 'UpdateDataSource', 'GetDataSource') AND error_code IS NULL`,
  );
  for (const r of ds) {
    const out = (r.resp?.dataSource ?? null) as Record<string, unknown> | null;
    for (const o of [r.req, out]) {
      const cfg = (o?.dataSourceConfiguration ?? null) as Record<string, unknown> | null;
      const s3 = (cfg?.s3Configuration ?? null) as Record<string, unknown> | null;
      const b = bucketOf(String(s3?.bucketArn ?? ''));
      addKb(
        b,
        String(o?.knowledgeBaseId ?? out?.knowledgeBaseId ?? r.req?.knowledgeBaseId ?? '') || null,
        String(o?.dataSourceId ?? out?.dataSourceId ?? r.req?.dataSourceId ?? '') || null,
        `${r.action} record`,
      );
    }
  }
  const docs = await env.db.all(
    `SELECT DISTINCT document_uri AS u, knowledge_base_id AS kb, data_source_id AS ds FROM kb_events WHERE document_uri LIKE 's3://%'
     ORDER BY u, kb, ds`,
  );
  for (const d of docs)
    addKb(
      bucketOf(String(d.u)),
      d.kb ? String(d.kb) : null,
      d.ds ? String(d.ds) : null,
      'knowledge-base logs',
    );
  // service roles reading buckets right after an ingestion job or a customisation job
  const svcReads = await env.db.all(
    `WITH starts AS (
       SELECT time, action, json_extract_string(request_parameters, '$.knowledgeBaseId') AS kb, json_extract_string(request_parameters, '$.dataSourceId') AS ds
       FROM events WHERE action IN ('StartIngestionJob', 'CreateModelCustomizationJob') AND error_code IS NULL)
     SELECT DISTINCT json_extract_string(e.request_parameters, '$.bucketName') AS b, s.action, s.kb, s.ds,
            regexp_extract(coalesce(e.identity_arn, ''), 'assumed-role/([^/]+)/', 1) AS reader
     FROM events e JOIN starts s ON e.time >= s.time
       AND e.time <= s.time + (CASE WHEN s.action = 'StartIngestionJob' THEN INTERVAL 15 MINUTE ELSE INTERVAL 3 HOUR END)
     WHERE e.service = 's3.amazonaws.com' AND e.action IN ('GetObject', 'ListObjects', 'ListObjectsV2', 'HeadObject')
       -- Bedrock's own reads for the job: another service reading the bucket in the same minutes
       -- (SageMaker pulling a model artifact, Config, Access Analyzer) says nothing of what it holds
       AND (e.source_ip = 'bedrock.amazonaws.com' OR e.invoked_by = 'bedrock.amazonaws.com')
       AND json_extract_string(e.request_parameters, '$.bucketName') IS NOT NULL
     ORDER BY b, s.action, s.kb, s.ds`,
  );
  // what a customisation job reads: its training and validation buckets, with the role passed to it
  const jobs = await loadEvents(env.db, `action = 'CreateModelCustomizationJob' AND error_code IS NULL`);
  const jobBuckets = new Set<string>();
  const jobRoles = new Set<string>();
  for (const j of jobs) {
    jobBuckets.add(
      bucketOf(String((j.req?.trainingDataConfig as Record<string, unknown> | undefined)?.s3Uri ?? '')) ?? '',
    );
    for (const v of ((j.req?.validationDataConfig as Record<string, unknown> | undefined)?.validators ??
      []) as Array<Record<string, unknown>>)
      jobBuckets.add(bucketOf(String(v.s3Uri ?? '')) ?? '');
    const role = /:role\/(?:.*\/)?([^/]+)$/.exec(String(j.req?.roleArn ?? ''));
    if (role) jobRoles.add(role[1]);
  }
  jobBuckets.delete('');
  for (const r of svcReads) {
    if (r.action !== 'StartIngestionJob') continue;
    const b = String(r.b);
    // a read by a customisation job's role, or of a bucket a job trains on, in the minutes after an
    // ingestion started is not the ingestion's: the job read its training data (not a source)
    if (!out.kb.has(b) && (jobRoles.has(String(r.reader ?? '')) || jobBuckets.has(b))) continue;
    addKb(
      String(r.b),
      r.kb ? String(r.kb) : null,
      r.ds ? String(r.ds) : null,
      'read by the knowledge-base service after an ingestion job',
    );
  }
  for (const j of jobs) {
    add(
      out.training,
      bucketOf(String((j.req?.trainingDataConfig as Record<string, unknown> | undefined)?.s3Uri ?? '')),
      'training data of a customisation job',
    );
    for (const v of ((j.req?.validationDataConfig as Record<string, unknown> | undefined)?.validators ??
      []) as Array<Record<string, unknown>>)
      add(out.training, bucketOf(String(v.s3Uri ?? '')), 'validation data of a customisation job');
  }
  const logs = await loadEvents(
    env.db,
    `action = 'PutModelInvocationLoggingConfiguration' AND error_code IS NULL`,
  );
  for (const l of logs) {
    const lc = (l.req?.loggingConfig ?? {}) as Record<string, unknown>;
    add(
      out.logs,
      String((lc.s3Config as Record<string, unknown> | undefined)?.bucketName ?? '') || null,
      'invocation-logging destination',
    );
    const cw = (lc.cloudWatchConfig ?? {}) as Record<string, unknown>;
    add(
      out.logs,
      String((cw.largeDataDeliveryS3Config as Record<string, unknown> | undefined)?.bucketName ?? '') || null,
      'invocation-logging large-data destination',
    );
  }
  return out;
}

const S3_WRITES = [
  'PutObject',
  'DeleteObject',
  'DeleteObjects',
  'CopyObject',
  'CompleteMultipartUpload',
  'RestoreObject',
  'PutObjectAcl',
  'PutObjectTagging',
];

/** writes looked up per statement (each binds three parameters) */
const WRITES_PER_STATEMENT = 500;

/**
 * Which of the given writes (by index) had an earlier write of the same principal to the same bucket
 * (any S3 write, failed or not, from anywhere), for all of them with one scan of the S3 writes.
 */
export async function writtenBefore(
  env: Env,
  writes: Array<{ bucket: string; who: string; time: string }>,
): Promise<Set<number>> {
  const out = new Set<number>();
  for (let i = 0; i < writes.length; i += WRITES_PER_STATEMENT) {
    const params: string[] = [];
    const values = writes.slice(i, i + WRITES_PER_STATEMENT).map((w, j) => {
      const n = params.push(w.bucket, w.who, sqlTime(w.time));
      return `(${i + j}, $${n - 2}::VARCHAR, $${n - 1}::VARCHAR, CAST($${n} AS TIMESTAMP))`;
    });
    const rows = await env.db.all(
      `WITH w(k, bucket, who, t) AS (VALUES ${values.join(', ')}),
       firsts AS (
         SELECT json_extract_string(request_parameters, '$.bucketName') AS bucket, identity_arn AS who, min(time) AS t
         FROM events WHERE service = 's3.amazonaws.com' AND action IN (${actionList(S3_WRITES)})
           AND json_extract_string(request_parameters, '$.bucketName') IN (SELECT bucket FROM w)
           AND identity_arn IN (SELECT who FROM w)
         GROUP BY 1, 2)
       SELECT DISTINCT w.k FROM w JOIN firsts f ON f.bucket = w.bucket AND f.who = w.who AND f.t < w.t ORDER BY 1`,
      params,
    );
    for (const r of rows) out.add(Number(r.k));
  }
  return out;
}

/** Writes to knowledge-base source buckets and training-data buckets. */
export async function dataWrites(env: Env, buckets: DataBuckets): Promise<Candidate[]> {
  const names = [...new Set([...buckets.kb.keys(), ...buckets.training.keys()])];
  if (!names.length) return [];
  const rows = await loadEvents(
    env.db,
    `service = 's3.amazonaws.com' AND action IN (${actionList(S3_WRITES)}) AND error_code IS NULL
     AND json_extract_string(request_parameters, '$.bucketName') IN (${actionList(names)})
     AND NOT (coalesce(source_ip, '') LIKE '%.amazonaws.com')`,
  );
  const groups = burstsOf(
    rows,
    (a, b) =>
      String(a.req?.bucketName) === String(b.req?.bucketName) &&
      a.identityArn === b.identityArn &&
      a.accessKeyId === b.accessKeyId &&
      a.sourceIp === b.sourceIp,
    60,
  );
  const written = await writtenBefore(
    env,
    groups.map((g) => ({
      bucket: String(g[0].req?.bucketName),
      who: g[0].identityArn ?? '',
      time: g[0].time,
    })),
  );
  const out: Candidate[] = [];
  for (const [gi, g] of groups.entries()) {
    const r0 = g[0];
    const bucket = String(r0.req?.bucketName);
    const kb = buckets.kb.get(bucket);
    const training = buckets.training.get(bucket);
    const kind = env.base.kindOf(r0.identityArn);
    const keys = g.map((r) => String(r.req?.key ?? '')).filter(Boolean);
    const firstWrite = !written.has(gi);
    const indexed = kb
      ? await env.db.all(
          `SELECT DISTINCT document_uri AS u, ingestion_job_id AS j, knowledge_base_id AS kb, ${isoSql('min(time)')} AS t
           FROM kb_events WHERE document_uri IN (${actionList(keys.map((k) => `s3://${bucket}/${k}`))})
             AND time >= CAST($1 AS TIMESTAMP) GROUP BY ALL ORDER BY u, t, j`,
          [sqlTime(r0.time)],
        )
      : [];
    const unusual = kind === 'workload' || kind === 'service-user' || kind === 'unknown';
    const pipeline = kind === 'pipeline' || IAC_UA.test(r0.userAgent ?? '');
    // what the writer looked at first, with the same credential, address and client: the
    // identity check, the knowledge bases and data sources, the bucket's listing and objects
    const looked =
      kind !== 'human'
        ? await loadEvents(
            env.db,
            `coalesce(access_key_id, '') = $1 AND coalesce(source_ip, '') = $2 AND split_part(trim(coalesce(user_agent, '')), ' ', 1) = $5
             AND error_code IS NULL
             AND time >= CAST($3 AS TIMESTAMP) - INTERVAL 60 MINUTE AND time < CAST($3 AS TIMESTAMP)
             AND (action IN ('GetCallerIdentity', 'ListKnowledgeBases', 'GetKnowledgeBase', 'ListDataSources',
                             'GetDataSource', 'ListIngestionJobs', 'ListModelCustomizationJobs', 'ListCustomModels')
                  OR (service = 's3.amazonaws.com' AND action IN ('ListObjects', 'ListObjectsV2', 'GetObject', 'HeadObject')
                      AND json_extract_string(request_parameters, '$.bucketName') = $4))`,
            [r0.accessKeyId ?? '', r0.sourceIp ?? '', sqlTime(r0.time), bucket, clientOf(r0.userAgent)],
          )
        : [];
    // new documents pushed into the index by the same credential right away: the poisoning pattern,
    // unless a person (the content team) or the scheduled sync did it
    const ingested =
      kb && firstWrite && kind !== 'human'
        ? await loadEvents(
            env.db,
            `action = 'StartIngestionJob' AND error_code IS NULL AND coalesce(access_key_id, '') = $1
             AND time >= CAST($2 AS TIMESTAMP) AND time <= CAST($2 AS TIMESTAMP) + INTERVAL 2 HOUR
             AND json_extract_string(request_parameters, '$.knowledgeBaseId') IN (${actionList([...kb.kbIds, ''])})`,
            [r0.accessKeyId ?? '', sqlTime(r0.time)],
          )
        : [];
    const what = kb ? `knowledge-base source bucket ${bucket}` : `training-data bucket ${bucket}`;
    const c: Candidate = {
      ruleId: kb ? 'data-store.kb-source-written' : 'data-store.training-data-written',
      title: `${g.length} object(s) written to ${what} by ${nameOf(r0.identityArn)}`,
      description:
        `${nameOf(r0.identityArn)} (${kind}) from ${r0.sourceIp} with ${clientOf(r0.userAgent)}: ` +
        g
          .slice(0, 10)
          .map((r) => `${r.action} ${String(r.req?.key ?? '')}`)
          .join(', ') +
        (g.length > 10 ? ', ...' : '') +
        (indexed.length ? `; ${indexed.length} of these documents were indexed by the knowledge base` : '') +
        '.',
      severity: ingested.length ? 'medium' : unusual || (pipeline && firstWrite) ? 'low' : 'informational',
      strength: ingested.length ? 'hard' : 'soft',
      ifActor: 'high',
      elements: ['data-store-changes'],
      components: kb ? ['knowledge-bases', 'training-data'] : ['training-data'],
      times: g.map((r) => r.time),
      principals: [...new Set(g.flatMap(principalsOf))],
      accessKeyIds: [r0.accessKeyId],
      sourceIps: [r0.sourceIp],
      resources: [bucket, ...(kb ? [...kb.kbIds, ...kb.dataSourceIds] : [])],
      attack: kb ? ['AML.T0070', 'T1565.001'] : ['AML.T0020', 'T1565.001'],
      evidence: { eventIds: [...ids(looked), ...ids(g), ...ids(ingested)] },
      actors: [actorOf(r0)],
      triage: [
        ...(ingested.length
          ? [
              `the same credential started an ingestion job ${Math.round(minutesBetween(r0.time, ingested[0].time))} minute(s) later`,
            ]
          : []),
        pipeline ? 'deployment pipeline' : `${kind} principal`,
        firstWrite
          ? 'first write by this principal to the bucket in the evidence'
          : 'this principal writes here regularly',
        `bucket role learnt from: ${[...(kb?.how ?? training ?? [])].join(', ')}`,
      ],
      details: {
        bucket,
        objects: keys.slice(0, 200),
        knowledgeBases: kb ? [...kb.kbIds] : [],
        dataSources: kb ? [...kb.dataSourceIds] : [],
        indexedDocuments: indexed.map((x) => ({
          uri: String(x.u),
          ingestionJob: String(x.j),
          at: String(x.t),
        })),
        firstWriteByPrincipal: firstWrite,
        lookedFirst: [...new Set(looked.map((r) => r.action))],
        actorKind: kind,
      },
    };
    applyContext(c, matchContext(env.entries, { ...subjectOf(r0), targets: [bucket, ...keys], pipeline }));
    out.push(c);
  }
  return out;
}

const KB_CHANGES = [
  'CreateKnowledgeBase',
  'UpdateKnowledgeBase',
  'DeleteKnowledgeBase',
  'CreateDataSource',
  'UpdateDataSource',
  'DeleteDataSource',
  'StartIngestionJob',
  'StopIngestionJob',
  'IngestKnowledgeBaseDocuments',
  'DeleteKnowledgeBaseDocuments',
];

/** Knowledge-base and data-source configuration (not ingestion): also a change to the AI application. */
export const KB_CONFIGURATION = /^(Create|Update|Delete)(KnowledgeBase|DataSource)$/;

/** Knowledge-base and data-source configuration changes and ingestion jobs. */
export async function kbChanges(env: Env): Promise<Candidate[]> {
  const rows = await loadEvents(env.db, `action IN (${actionList(KB_CHANGES)}) AND error_code IS NULL`);
  // principals that run ingestion on a schedule (the sync role): many jobs spread over the window
  const regular = new Set(
    (
      await env.db.all(
        `SELECT identity_arn AS id FROM events WHERE action = 'StartIngestionJob' AND error_code IS NULL
         GROUP BY 1 HAVING count(*) >= 3 AND date_diff('hour', min(time), max(time)) >= 6 ORDER BY ALL`,
      )
    ).map((r) => String(r.id)),
  );
  const groups = burstsOf(rows, (a, b) => a.identityArn === b.identityArn && a.sourceIp === b.sourceIp, 60);
  const out: Candidate[] = [];
  for (const g of groups) {
    const r0 = g[0];
    const kind = env.base.kindOf(r0.identityArn);
    const kbIds = [
      ...new Set(
        g.map((r) => String(r.req?.knowledgeBaseId ?? r.resp?.knowledgeBaseId ?? '')).filter(Boolean),
      ),
    ];
    const dsIds = [...new Set(g.map((r) => String(r.req?.dataSourceId ?? '')).filter(Boolean))];
    const jobs = g
      .map((r) => String((r.resp?.ingestionJob as Record<string, unknown> | undefined)?.ingestionJobId ?? ''))
      .filter(Boolean);
    const docs = jobs.length
      ? await env.db.all(
          `SELECT DISTINCT document_uri AS u FROM kb_events WHERE ingestion_job_id IN (${actionList(jobs)})
           AND document_uri IS NOT NULL ORDER BY u`,
        )
      : [];
    const destructive = g.some((r) => /^Delete/.test(r.action) || r.action === 'UpdateDataSource');
    // which data the knowledge base answers from (its data sources, its store) is the AI
    // application's configuration too; ingestion and documents are content, not configuration
    const configures = g.some((r) => KB_CONFIGURATION.test(r.action));
    const isRegular = regular.has(r0.identityArn ?? '');
    const unusual = (kind === 'workload' || kind === 'service-user' || kind === 'unknown') && !isRegular;
    const pipeline = kind === 'pipeline' || IAC_UA.test(r0.userAgent ?? '');
    const c: Candidate = {
      ruleId: 'data-store.kb-change',
      title: `Knowledge base ${kbIds.join(', ') || ''}: ${[...new Set(g.map((r) => r.action))].join(', ')} by ${nameOf(r0.identityArn)}`,
      description:
        `${nameOf(r0.identityArn)} (${kind}) from ${r0.sourceIp}: ${g.map((r) => r.action).join(', ')}` +
        (docs.length ? `; the ingestion processed ${docs.length} document(s)` : '') +
        '.',
      severity: unusual && destructive ? 'medium' : unusual ? 'low' : 'informational',
      strength: unusual && destructive ? 'hard' : 'soft',
      ifActor: 'high',
      elements: configures ? ['data-store-changes', 'ai-changes'] : ['data-store-changes'],
      components: ['knowledge-bases'],
      times: g.map((r) => r.time),
      principals: [...new Set(g.flatMap(principalsOf))],
      accessKeyIds: [r0.accessKeyId],
      sourceIps: [r0.sourceIp],
      resources: [...kbIds, ...dsIds],
      attack: ['AML.T0070'],
      evidence: { eventIds: ids(g) },
      actors: [actorOf(r0)],
      triage: [
        isRegular ? 'scheduled sync principal' : pipeline ? 'deployment pipeline' : `${kind} principal`,
      ],
      details: {
        knowledgeBases: kbIds,
        dataSources: dsIds,
        ingestionJobs: jobs,
        documents: docs.map((d) => String(d.u)).slice(0, 200),
        actorKind: kind,
      },
    };
    applyContext(c, matchContext(env.entries, { ...subjectOf(r0), targets: [...kbIds, ...dsIds], pipeline }));
    out.push(c);
  }
  return out;
}

/** Reads of the bucket that holds prompt and response logs. */
export async function promptLogReads(env: Env, buckets: DataBuckets): Promise<Candidate[]> {
  const names = [...buckets.logs.keys()];
  if (!names.length) return [];
  const rows = await loadEvents(
    env.db,
    `service = 's3.amazonaws.com' AND action IN ('GetObject', 'ListObjects', 'ListObjectsV2', 'SelectObjectContent', 'HeadObject')
     AND json_extract_string(request_parameters, '$.bucketName') IN (${actionList(names)}) AND error_code IS NULL
     AND NOT (coalesce(source_ip, '') LIKE '%.amazonaws.com') AND principal_type IS DISTINCT FROM 'AWSService'`,
  );
  const groups = new Map<string, CtRow[]>();
  for (const r of rows) {
    const k = `${r.identityArn}\u0000${r.sourceIp}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  const out: Candidate[] = [];
  for (const g of groups.values()) {
    const r0 = g[0];
    const kind = env.base.kindOf(r0.identityArn);
    const gets = g.filter((r) => r.action === 'GetObject' || r.action === 'SelectObjectContent').length;
    const c: Candidate = {
      ruleId: 'data-store.prompt-log-read',
      title: `Prompt logs read by ${nameOf(r0.identityArn)}`,
      description: `${nameOf(r0.identityArn)} (${kind}) from ${r0.sourceIp}: ${g.length} reads (${gets} objects) of the invocation-log bucket.`,
      severity: 'low',
      strength: 'soft',
      ifActor: 'high',
      elements: ['private-data'],
      components: ['foundation-models'],
      times: g.map((r) => r.time),
      principals: [...new Set(g.flatMap(principalsOf))],
      accessKeyIds: [...new Set(g.map((r) => r.accessKeyId))],
      sourceIps: [r0.sourceIp],
      resources: [...new Set(g.map((r) => String(r.req?.bucketName)))],
      attack: ['T1530'],
      evidence: { eventIds: ids(g) },
      actors: g.map(actorOf),
      triage: ['prompt logs hold customers\u2019 messages and model answers'],
    };
    applyContext(c, matchContext(env.entries, subjectOf(r0)));
    out.push(c);
  }
  return out;
}

/** Policy, ACL and public-access changes on the knowledge-base, training and prompt-log buckets. */
export async function dataBucketPolicies(env: Env, buckets: DataBuckets): Promise<Candidate[]> {
  const names = [...new Set([...buckets.kb.keys(), ...buckets.training.keys(), ...buckets.logs.keys()])];
  if (!names.length) return [];
  const rows = await loadEvents(
    env.db,
    `service = 's3.amazonaws.com' AND action IN ('PutBucketPolicy', 'DeleteBucketPolicy', 'PutBucketAcl',
       'DeleteBucketPublicAccessBlock', 'PutBucketPublicAccessBlock', 'DeletePublicAccessBlock', 'PutPublicAccessBlock',
       'PutBucketVersioning', 'PutBucketReplication')
     AND json_extract_string(request_parameters, '$.bucketName') IN (${actionList(names)}) AND error_code IS NULL`,
  );
  return rows.map((r) => {
    const kind = env.base.kindOf(r.identityArn);
    const text = JSON.stringify(r.req ?? {});
    const open =
      /"Principal"\s*:\s*"\*"|"AWS"\s*:\s*"\*"|AllUsers|AuthenticatedUsers/.test(text) ||
      // CloudTrail names the bucket's public access block calls PutBucketPublicAccessBlock /
      // DeleteBucketPublicAccessBlock (the API's own names are accepted too)
      /^Delete(Bucket)?PublicAccessBlock$/.test(r.action) ||
      (/^Put(Bucket)?PublicAccessBlock$/.test(r.action) && /false/.test(text));
    const bucket = String(r.req?.bucketName);
    const c: Candidate = {
      ruleId: 'data-store.bucket-policy-changed',
      title: `${r.action} on ${bucket}`,
      description: `${nameOf(r.identityArn)} (${kind}) from ${r.sourceIp}: ${r.action} on ${bucket}${open ? ' opening it beyond the account' : ''}.`,
      severity: open ? 'medium' : 'low',
      strength: open ? 'hard' : 'soft',
      ifActor: 'high',
      elements: ['data-store-changes'],
      components: buckets.kb.has(bucket) ? ['knowledge-bases'] : ['training-data'],
      times: [r.time],
      principals: principalsOf(r),
      accessKeyIds: [r.accessKeyId],
      sourceIps: [r.sourceIp],
      resources: [bucket],
      attack: ['T1098', 'T1530'],
      evidence: { eventIds: [r.eventId] },
      actors: [actorOf(r)],
      triage: [open ? 'public or cross-account access' : `${kind} principal`],
    };
    applyContext(c, matchContext(env.entries, { ...subjectOf(r), targets: [bucket] }));
    return c;
  });
}

// ---- data leaving for another account ------------------------------------------------------------------

/** Object reads that hand the caller an object's content. */
const OBJECT_GETS = ['GetObject', 'SelectObjectContent', 'GetObjectVersion'];

/** Records read per query (ids in a list). */
const UID_CHUNK = 2000;
/** Cross-account writes read at most. */
const MAX_FOREIGN_WRITES = 10_000;

async function eventsByUid(env: Env, uids: string[]): Promise<CtRow[]> {
  const out: CtRow[] = [];
  for (let i = 0; i < uids.length; i += UID_CHUNK)
    out.push(...(await loadEvents(env.db, `uid IN (${actionList(uids.slice(i, i + UID_CHUNK))})`)));
  return out.sort((a, b) => a.time.localeCompare(b.time) || a.uid.localeCompare(b.uid));
}

/** A person: the session name of a federated or SSO role identifies them; otherwise the principal. */
function personOf(env: Env, r: Pick<CtRow, 'identityArn' | 'sessionName'>): string {
  const human = env.base.kindOf(r.identityArn) === 'human';
  return human && r.sessionName ? `${r.identityArn}\u0000${r.sessionName}` : String(r.identityArn);
}

/**
 * Object writes to buckets another account owns: the bucket's `accountId` in the record's
 * `resources` (CloudTrail names the owner of each resource) is not the caller's account. Denied
 * attempts count (an actor fixing the destination's policy tries first). The objects the same
 * credentials read from the account's own buckets in the hours before are cited: what left.
 * AWS services delivering logs are not callers here.
 */
export async function crossAccountWrites(env: Env, buckets: DataBuckets): Promise<Candidate[]> {
  const owned = await env.db.all(
    `WITH w AS (
       SELECT uid, account, json_extract_string(request_parameters, '$.bucketName') AS bucket,
              unnest(coalesce(TRY_CAST(json_extract(raw, '$.resources') AS JSON[]), []::JSON[])) AS r
       FROM events
       WHERE service = 's3.amazonaws.com' AND action IN (${actionList(OBJECT_PUTS)})
         AND principal_type IS DISTINCT FROM 'AWSService' AND account IS NOT NULL
         AND NOT (coalesce(source_ip, '') LIKE '%.amazonaws.com'))
     SELECT uid, min(json_extract_string(r, '$.accountId')) AS owner FROM w
     WHERE json_extract_string(r, '$.accountId') IS NOT NULL AND json_extract_string(r, '$.accountId') <> account
       AND (json_extract_string(r, '$.type') = 'AWS::S3::Bucket' OR json_extract_string(r, '$.ARN') = 'arn:aws:s3:::' || bucket)
     GROUP BY uid ORDER BY uid LIMIT ${MAX_FOREIGN_WRITES}`,
  );
  if (!owned.length) return [];
  const ownerOf = new Map(owned.map((r) => [String(r.uid), String(r.owner)]));
  const rows = await eventsByUid(env, [...ownerOf.keys()]);
  const groups = burstsOf(
    rows,
    (a, b) =>
      String(a.req?.bucketName) === String(b.req?.bucketName) &&
      a.identityArn === b.identityArn &&
      a.sessionName === b.sessionName,
    120,
  );
  const out: Candidate[] = [];
  for (const g of groups) {
    const r0 = g[0];
    const last = g[g.length - 1];
    const bucket = String(r0.req?.bucketName ?? '');
    const owner = ownerOf.get(r0.uid) ?? '';
    const kind = env.base.kindOf(r0.identityArn);
    const done = g.filter((r) => !r.errorCode);
    const denied = g.filter((r) => r.errorCode);
    const keys = [...new Set(g.map((r) => r.accessKeyId).filter((k): k is string => !!k))];
    // a workload's regular delivery to another account's bucket (a data lake, a partner drop): the
    // same principal wrote there all along, not in one sitting
    const span = await env.db.all(
      `SELECT date_diff('minute', min(time), max(time)) AS m, count(DISTINCT date_trunc('hour', time)) AS h FROM events
       WHERE service = 's3.amazonaws.com' AND action IN (${actionList(OBJECT_PUTS)}) AND error_code IS NULL
         AND identity_arn = $1 AND json_extract_string(request_parameters, '$.bucketName') = $2`,
      [r0.identityArn ?? '', bucket],
    );
    const regular = kind !== 'human' && Number(span[0]?.m ?? 0) >= 12 * 60 && Number(span[0]?.h ?? 0) >= 6;
    // what the same credentials (or the same person) read from the account's buckets first
    const reads = await loadEvents(
      env.db,
      `service = 's3.amazonaws.com' AND action IN (${actionList(OBJECT_GETS)}) AND error_code IS NULL
       AND (access_key_id IN (${actionList([...keys, ''])}) OR (identity_arn = $1 AND coalesce(session_name, '') = $2))
       AND json_extract_string(request_parameters, '$.bucketName') <> $3
       AND time >= CAST($4 AS TIMESTAMP) - INTERVAL 6 HOUR AND time <= CAST($5 AS TIMESTAMP)
       AND principal_type IS DISTINCT FROM 'AWSService'`,
      [r0.identityArn ?? '', r0.sessionName ?? '', bucket, sqlTime(r0.time), sqlTime(last.time)],
      { resp: false, extra: false },
    );
    const readBuckets = [
      ...new Set(reads.map((r) => String(r.req?.bucketName ?? '')).filter(Boolean)),
    ].sort();
    const fromKb = readBuckets.filter((b) => buckets.kb.has(b));
    const fromTraining = readBuckets.filter((b) => buckets.training.has(b));
    const objects = [...new Set(done.map((r) => String(r.req?.key ?? '')).filter(Boolean))];
    const c: Candidate = {
      ruleId: 'data-store.cross-account-write',
      title: `${done.length ? `${objects.length || done.length} object(s) written` : `${denied.length} denied write(s)`} to bucket ${bucket} of another account (${owner}) by ${nameOf(r0.identityArn)}${r0.sessionName && kind === 'human' ? ` (${r0.sessionName})` : ''}`,
      description:
        `${nameOf(r0.identityArn)} (${kind}) from ${[...new Set(g.map((r) => r.sourceIp))].join(', ')} with ${[...new Set(g.map((r) => clientOf(r.userAgent)))].join(', ')}: ` +
        `${done.length} successful and ${denied.length} denied object write(s) to ${bucket}, owned by account ${owner}, not the caller's ${r0.account}` +
        (reads.length
          ? `; the same credentials read ${new Set(reads.map((r) => `${r.req?.bucketName}/${r.req?.key}`)).size} object(s) from ${readBuckets.join(', ')} in the hours before`
          : '') +
        '.',
      severity: regular ? 'low' : done.length ? 'high' : 'medium',
      strength: regular ? 'soft' : 'hard',
      ifActor: 'high',
      elements: ['private-data', 'data-store-changes'],
      components: [
        ...(fromKb.length ? (['knowledge-bases'] as const) : []),
        ...(fromTraining.length ? (['training-data'] as const) : []),
      ],
      times: [...reads.map((r) => r.time), ...g.map((r) => r.time)],
      principals: [...new Set(g.flatMap(principalsOf))],
      accessKeyIds: keys,
      sourceIps: [...new Set(g.map((r) => r.sourceIp).filter((x): x is string => !!x))],
      resources: [bucket, ...readBuckets],
      attack: ['T1537', ...(reads.length ? ['T1530'] : [])],
      evidence: { eventIds: [...ids(reads), ...ids(g)] },
      actors: uniqueActors(g),
      triage: [
        `bucket owned by account ${owner}: the data left the account`,
        ...(denied.length && done.length
          ? [
              `${denied.length} attempt(s) denied before ${done.length} went through (the destination was fixed)`,
            ]
          : []),
        ...(reads.length ? [`read first from ${readBuckets.join(', ')}`] : []),
        ...(regular ? ['the principal writes there all along: a regular delivery'] : []),
        `${kind} principal`,
      ],
      details: {
        bucket,
        ownerAccount: owner,
        callerAccount: r0.account,
        objects: objects.slice(0, 200),
        succeeded: done.length,
        denied: denied.length,
        readFrom: readBuckets,
        actorKind: kind,
        // the records are the person's own calls with their own session: the credentials are the actor's
        ownCredentials: kind === 'human',
      },
    };
    applyContext(c, matchContext(env.entries, { ...subjectOf(r0), targets: [bucket, owner, ...objects] }));
    out.push(c);
  }
  return out;
}

/** One actor per credential, address and client. */
function uniqueActors(
  rows: Array<Pick<CtRow, 'accessKeyId' | 'sourceIp' | 'identityArn' | 'userAgent'>>,
): ReturnType<typeof actorOf>[] {
  const seen = new Map<string, ReturnType<typeof actorOf>>();
  for (const r of rows) {
    const a = actorOf(r);
    const k = `${a.key}\u0000${a.ip}\u0000${a.client}`;
    if (!seen.has(k)) seen.set(k, a);
  }
  return [...seen.values()];
}

// ---- knowledge-base harvesting ---------------------------------------------------------------------

/** What Bedrock returns per Retrieve when the caller does not say (numberOfResults). */
const DEFAULT_RESULTS = 5;
/** A run of retrievals ends after this quiet gap, and is cut after this long (a workload never pauses). */
const RUN_GAP_MIN = 30;
const RUN_MAX_MIN = 180;
/** Calls in an hour below which a run is never "far more" than anyone's norm. */
const HARVEST_MIN_CALLS = 20;
/** Results per call below which a run never asks for "far more" than usual. */
const HARVEST_MIN_RESULTS = 20;
/** Distinct source documents read around a run that make a bulk read of the sources. */
const SOURCE_READS_MIN = 5;

/** Retrieval calls of one identity and session in one minute, per knowledge base and result count. */
interface MinuteCount {
  identityArn: string;
  sessionName: string | null;
  /** the minute, epoch milliseconds */
  minute: number;
  kb: string | null;
  n: number | null;
  calls: number;
}

/** Most calls in any 60 minutes of a run (minutes in order). */
function peakHour(run: MinuteCount[]): number {
  let best = 0;
  let sum = 0;
  let j = 0;
  for (let i = 0; i < run.length; i++) {
    sum += run[i].calls;
    while (run[i].minute - run[j].minute >= 3_600_000) {
      sum -= run[j].calls;
      j++;
    }
    best = Math.max(best, sum);
  }
  return best;
}

function runsOf(rows: MinuteCount[]): MinuteCount[][] {
  const out: MinuteCount[][] = [];
  let cur: MinuteCount[] = [];
  for (const r of rows) {
    if (
      cur.length &&
      (r.minute - cur[cur.length - 1].minute > RUN_GAP_MIN * 60_000 ||
        r.minute - cur[0].minute > RUN_MAX_MIN * 60_000)
    ) {
      out.push(cur);
      cur = [];
    }
    cur.push(r);
  }
  if (cur.length) out.push(cur);
  return out;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

/**
 * Knowledge-base retrieval that departs from the caller's own history, per person (the session
 * name of an SSO or federated role is the person; other principals are their own history): runs
 * of Retrieve / RetrieveAndGenerate that query knowledge bases the person never queried, ask for
 * far more results per call than they ever did, or far more calls in an hour than they ever made,
 * and bulk reads of the knowledge bases' source documents around them. Two of these make a low
 * finding that the same actor's abuse elsewhere (data written to another account) raises; three
 * make it medium by itself. A run that departs is kept out of the history the next runs are
 * compared with. A planned change naming the work lowers it. Calls are counted per minute in SQL
 * (an application's millions of retrievals are not held in memory); the records of a departing
 * run are read afterwards.
 */
export async function kbHarvest(env: Env, buckets: DataBuckets): Promise<Candidate[]> {
  const counts = await env.db.all(
    `SELECT identity_arn AS id, session_name AS sn, epoch_ms(date_trunc('minute', time)) AS m, kb, n, count(*) AS c
     FROM (SELECT identity_arn, session_name, time,
             coalesce(json_extract_string(request_parameters, '$.knowledgeBaseId'),
                      json_extract_string(request_parameters, '$.retrieveAndGenerateConfiguration.knowledgeBaseConfiguration.knowledgeBaseId')) AS kb,
             TRY_CAST(coalesce(
               json_extract_string(request_parameters, '$.retrievalConfiguration.vectorSearchConfiguration.numberOfResults'),
               json_extract_string(request_parameters, '$.retrieveAndGenerateConfiguration.knowledgeBaseConfiguration.retrievalConfiguration.vectorSearchConfiguration.numberOfResults'))
               AS INTEGER) AS n
           FROM events
           WHERE service = 'bedrock.amazonaws.com' AND action IN ('Retrieve', 'RetrieveAndGenerate') AND error_code IS NULL
             AND identity_arn IS NOT NULL AND principal_type IS DISTINCT FROM 'AWSService')
     GROUP BY ALL ORDER BY id, m, sn NULLS FIRST, kb NULLS FIRST, n NULLS FIRST`,
  );
  const byUnit = new Map<string, MinuteCount[]>();
  for (const x of counts) {
    const r: MinuteCount = {
      identityArn: String(x.id),
      sessionName: x.sn === null || x.sn === undefined ? null : String(x.sn),
      minute: Number(x.m),
      kb: x.kb === null || x.kb === undefined ? null : String(x.kb),
      n: x.n === null || x.n === undefined ? null : Number(x.n),
      calls: Number(x.c),
    };
    const u = personOf(env, r);
    if (!byUnit.has(u)) byUnit.set(u, []);
    byUnit.get(u)!.push(r);
  }
  counts.length = 0;
  const kbBuckets = [...buckets.kb.keys()].sort();
  const out: Candidate[] = [];
  for (const [, rows] of [...byUnit].sort(([a], [b]) => a.localeCompare(b))) {
    const r0 = rows[0];
    const kind = env.base.kindOf(r0.identityArn);
    const person = kind === 'human' ? r0.sessionName : null;
    const who = `${nameOf(r0.identityArn)}${person ? ` (${person})` : ''}`;
    const seenKbs = new Map<string, number>();
    let priorCalls = 0;
    let priorMaxN = 0;
    let priorPeak = 0;
    for (const run of runsOf(rows)) {
      const signals: string[] = [];
      const kbCalls = new Map<string, number>();
      let calls = 0;
      for (const r of run) {
        calls += r.calls;
        if (r.kb) kbCalls.set(r.kb, (kbCalls.get(r.kb) ?? 0) + r.calls);
      }
      const newKbs = priorCalls
        ? [...kbCalls].filter(([k, n]) => !seenKbs.has(k) && n >= 3).map(([k]) => k)
        : [];
      if (newKbs.length) signals.push(`knowledge base(s) it never queried: ${newKbs.sort().join(', ')}`);
      const usualN = Math.max(priorMaxN, DEFAULT_RESULTS);
      const bigN = Math.max(HARVEST_MIN_RESULTS, 4 * usualN);
      const large = run.reduce((a, r) => a + ((r.n ?? 0) >= bigN ? r.calls : 0), 0);
      const maxN = run.reduce((m, r) => Math.max(m, r.n ?? 0), 0);
      if (large >= 3)
        signals.push(`${large} call(s) asking for up to ${maxN} results (usually ${usualN} at most)`);
      const peak = peakHour(run);
      if (peak >= Math.max(HARVEST_MIN_CALLS, 3 * priorPeak))
        signals.push(
          `${peak} calls in an hour (${priorPeak ? `at most ${priorPeak} before` : 'no earlier use'})`,
        );
      const start = iso(run[0].minute);
      const end = iso(run[run.length - 1].minute + 59_999);
      let reads: CtRow[] = [];
      if (signals.length && kbBuckets.length) {
        reads = await loadEvents(
          env.db,
          `service = 's3.amazonaws.com' AND action IN (${actionList(OBJECT_GETS)}) AND error_code IS NULL
           AND identity_arn = $1 AND ($2 = '' OR coalesce(session_name, '') = $2)
           AND json_extract_string(request_parameters, '$.bucketName') IN (${actionList(kbBuckets)})
           AND time >= CAST($3 AS TIMESTAMP) - INTERVAL 3 HOUR AND time <= CAST($4 AS TIMESTAMP) + INTERVAL 3 HOUR`,
          [r0.identityArn, person ?? '', sqlTime(start), sqlTime(end)],
          { resp: false, extra: false },
        );
        const docs = new Set(reads.map((r) => `${r.req?.bucketName}/${r.req?.key}`));
        if (docs.size >= SOURCE_READS_MIN)
          signals.push(
            `${docs.size} source document(s) read from ${[...new Set(reads.map((r) => String(r.req?.bucketName)))].sort().join(', ')}`,
          );
        else reads = [];
      }
      if (signals.length < 2) {
        // an ordinary run: it is the history the next ones are compared with
        for (const [k, n] of kbCalls) seenKbs.set(k, (seenKbs.get(k) ?? 0) + n);
        priorCalls += calls;
        priorMaxN = Math.max(priorMaxN, maxN);
        priorPeak = Math.max(priorPeak, peak);
        continue;
      }
      const recs = await loadEvents(
        env.db,
        `service = 'bedrock.amazonaws.com' AND action IN ('Retrieve', 'RetrieveAndGenerate') AND error_code IS NULL
         AND identity_arn = $1 AND ($2 = '' OR coalesce(session_name, '') = $2) AND principal_type IS DISTINCT FROM 'AWSService'
         AND time >= CAST($3 AS TIMESTAMP) AND time <= CAST($4 AS TIMESTAMP)`,
        [r0.identityArn, person ?? '', sqlTime(start), sqlTime(end)],
        { req: false, resp: false, extra: false },
      );
      if (!recs.length) continue;
      const kbIds = [...kbCalls.keys()].sort();
      const first = recs[0];
      const last = recs[recs.length - 1];
      // what the person looked at first: the knowledge bases, their data sources, the source buckets
      const looked = await loadEvents(
        env.db,
        `identity_arn = $1 AND ($2 = '' OR coalesce(session_name, '') = $2) AND error_code IS NULL
         AND time >= CAST($3 AS TIMESTAMP) - INTERVAL 60 MINUTE AND time < CAST($3 AS TIMESTAMP)
         AND (action IN ('ListKnowledgeBases', 'GetKnowledgeBase', 'ListDataSources', 'GetDataSource')
              OR (service = 's3.amazonaws.com' AND action IN ('ListObjects', 'ListObjectsV2')
                  AND json_extract_string(request_parameters, '$.bucketName') IN (${actionList([...kbBuckets, ''])})))`,
        [first.identityArn ?? '', person ?? '', sqlTime(first.time)],
        { resp: false, extra: false },
      );
      const readBuckets = [...new Set(reads.map((r) => String(r.req?.bucketName)))].sort();
      const all = [...looked, ...recs, ...reads];
      const c: Candidate = {
        ruleId: 'data-store.kb-harvest',
        title: `Knowledge-base retrieval by ${who} departs from its history: ${recs.length} call(s) to ${kbIds.length} knowledge base(s)`,
        description:
          `${who} (${kind}) from ${[...new Set(recs.map((r) => r.sourceIp))].join(', ')}: ${recs.length} Retrieve / RetrieveAndGenerate call(s) ` +
          `between ${first.time} and ${last.time} to ${kbIds.map((k) => `${k} (${kbCalls.get(k)})`).join(', ')}; ${signals.join('; ')}. ` +
          `Before: ${priorCalls} call(s) to ${[...seenKbs.keys()].sort().join(', ') || 'no knowledge base'}.`,
        severity: signals.length >= 3 ? 'medium' : 'low',
        strength: signals.length >= 3 ? 'hard' : 'soft',
        ifActor: 'high',
        // reading a knowledge base changes no data store: what it exposes is private data
        elements: ['invocation', 'private-data'],
        components: ['knowledge-bases'],
        times: all.map((r) => r.time),
        principals: [...new Set(all.flatMap((r) => principalsOf(r)))],
        accessKeyIds: [...new Set(all.map((r) => r.accessKeyId).filter((k): k is string => !!k))],
        sourceIps: [...new Set(all.map((r) => r.sourceIp).filter((x): x is string => !!x))],
        resources: [...kbIds, ...readBuckets],
        attack: ['T1213', 'AML.T0036'],
        evidence: { eventIds: [...ids(looked), ...ids(recs), ...ids(reads)] },
        actors: uniqueActors(recs),
        triage: [...signals, `${kind} principal${person ? `, person ${person}` : ''}`],
        details: {
          knowledgeBases: kbIds,
          newKnowledgeBases: newKbs,
          calls: recs.length,
          peakHour: peak,
          priorPeakHour: priorPeak,
          maxResults: maxN,
          priorMaxResults: priorMaxN,
          priorCalls,
          sourceBuckets: readBuckets,
          actorKind: kind,
          ownCredentials: kind === 'human',
        },
      };
      applyContext(
        c,
        matchContext(env.entries, { ...subjectOf(first), targets: [...kbIds, ...readBuckets] }),
      );
      out.push(c);
    }
  }
  return out;
}
