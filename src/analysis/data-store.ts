/**
 * Element `data-store-changes`: knowledge bases, their data sources and source buckets, training
 * data, and the bucket that holds the prompt logs.
 *
 * Which buckets matter is learnt from the evidence, never from names: data-source configurations,
 * knowledge-base application logs (document URIs), the knowledge-base and customisation service
 * roles reading them right after an ingestion or a customisation job, the training and validation
 * URIs of customisation jobs, and the invocation-logging destination.
 */
import { isoSql } from '../store/case-store.js';
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
     SELECT DISTINCT json_extract_string(e.request_parameters, '$.bucketName') AS b, s.action, s.kb, s.ds
     FROM events e JOIN starts s ON e.time >= s.time
       AND e.time <= s.time + (CASE WHEN s.action = 'StartIngestionJob' THEN INTERVAL 15 MINUTE ELSE INTERVAL 3 HOUR END)
     WHERE e.service = 's3.amazonaws.com' AND e.action IN ('GetObject', 'ListObjects', 'ListObjectsV2', 'HeadObject')
       AND (e.source_ip LIKE '%.amazonaws.com' OR e.invoked_by LIKE '%.amazonaws.com')
       AND json_extract_string(e.request_parameters, '$.bucketName') IS NOT NULL
     ORDER BY b, s.action, s.kb, s.ds`,
  );
  for (const r of svcReads) {
    if (r.action === 'StartIngestionJob')
      addKb(
        String(r.b),
        r.kb ? String(r.kb) : null,
        r.ds ? String(r.ds) : null,
        'read by the knowledge-base service after an ingestion job',
      );
  }
  const jobs = await loadEvents(env.db, `action = 'CreateModelCustomizationJob' AND error_code IS NULL`);
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
  const out: Candidate[] = [];
  for (const g of groups) {
    const r0 = g[0];
    const bucket = String(r0.req?.bucketName);
    const kb = buckets.kb.get(bucket);
    const training = buckets.training.get(bucket);
    const kind = env.base.kindOf(r0.identityArn);
    const keys = g.map((r) => String(r.req?.key ?? '')).filter(Boolean);
    const earlier = await env.db.all(
      `SELECT count(*) AS n FROM events WHERE service = 's3.amazonaws.com' AND action IN (${actionList(S3_WRITES)})
       AND json_extract_string(request_parameters, '$.bucketName') = $1 AND identity_arn = $2 AND time < CAST($3 AS TIMESTAMP)`,
      [bucket, r0.identityArn ?? '', r0.time.replace('T', ' ').replace('Z', '')],
    );
    const firstWrite = Number(earlier[0]?.n ?? 0) === 0;
    const indexed = kb
      ? await env.db.all(
          `SELECT DISTINCT document_uri AS u, ingestion_job_id AS j, knowledge_base_id AS kb, ${isoSql('min(time)')} AS t
           FROM kb_events WHERE document_uri IN (${actionList(keys.map((k) => `s3://${bucket}/${k}`))})
             AND time >= CAST($1 AS TIMESTAMP) GROUP BY ALL ORDER BY u, t, j`,
          [r0.time.replace('T', ' ').replace('Z', '')],
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
            [
              r0.accessKeyId ?? '',
              r0.sourceIp ?? '',
              r0.time.replace('T', ' ').replace('Z', ''),
              bucket,
              clientOf(r0.userAgent),
            ],
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
            [r0.accessKeyId ?? '', r0.time.replace('T', ' ').replace('Z', '')],
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
      elements: ['data-store-changes'],
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
