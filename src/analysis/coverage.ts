/**
 * Coverage: the window the evidence spans and what the methodology needs that is missing, per
 * account and Region (no model-invocation logs where Bedrock was called, no data events, holes in
 * CloudTrail time, sources not supplied at all).
 */
import type { Element } from '../model/types.js';
import { isoSql, type Queryable } from '../store/case-store.js';
import { RUNTIME_ACTIONS } from './baselines.js';
import { deliveriesOf } from './bucket-delivery.js';
import { jsonObject } from './context.js';
import { judgeScript, lifecycleScripts } from './lifecycle-scripts.js';
import { scheduleInputGaps, selectorGaps, workflowGaps } from './selector-gaps.js';

/** Runtime calls CloudTrail must record after the last invocation-log line before its stop is a gap. */
const LOG_STOP_MIN_CALLS = 20;

export interface Coverage {
  window: { start?: string; end?: string };
  gaps: string[];
  /** which sources were supplied, with record counts */
  sources: Record<string, number>;
  /** accounts and Regions seen in CloudTrail */
  accounts: string[];
  regions: string[];
  /** elements whose logs are entirely missing */
  missingFor: Element[];
  /** CloudTrail holes: [start, end] */
  holes: Array<{ start: string; end: string; account: string | null; minutes: number }>;
}

const RUNTIME = ['InvokeModel', 'InvokeModelWithResponseStream', 'Converse', 'ConverseStream'];

/** Bucket configurations read for the delivery gap at most, and the size of one read. */
const MAX_DELIVERY_CONFIGS = 2000;
const MAX_CONFIG_CHARS = 200_000;

/**
 * S3 replication rules and event notifications that send a bucket's new objects (or their names) to
 * another account: S3 makes those copies and deliveries itself, so they are not object reads in the
 * source account's CloudTrail; what left can only be inferred from the objects written after.
 */
async function bucketDeliveryGaps(db: Queryable): Promise<string[]> {
  const rows = await db.all(
    `SELECT action, account, request_parameters->>'$.bucketName' AS b, ${isoSql('time')} AS t,
            left(request_parameters::VARCHAR, ${MAX_CONFIG_CHARS + 1}) AS p
     FROM events WHERE service = 's3.amazonaws.com' AND error_code IS NULL
       AND action IN ('PutBucketReplication', 'PutBucketNotification', 'PutBucketNotificationConfiguration')
     ORDER BY time, uid LIMIT ${MAX_DELIVERY_CONFIGS}`,
  );
  const seen = new Map<
    string,
    { bucket: string; kinds: Set<string>; accounts: Set<string>; since: string }
  >();
  for (const r of rows) {
    const text = String(r.p ?? '');
    if (!r.b || text.length > MAX_CONFIG_CHARS) continue;
    let req: unknown;
    try {
      req = JSON.parse(text);
    } catch {
      continue;
    }
    const cfg = deliveriesOf(
      String(r.action),
      req && typeof req === 'object' ? (req as Record<string, unknown>) : null,
    );
    for (const d of cfg?.deliveries ?? []) {
      if (!d.account || d.account === String(r.account ?? '')) continue;
      const k = String(r.b);
      if (!seen.has(k)) seen.set(k, { bucket: k, kinds: new Set(), accounts: new Set(), since: String(r.t) });
      const e = seen.get(k)!;
      e.kinds.add(d.kind === 'replication' ? 'replication copies' : 'event-notification deliveries');
      e.accounts.add(d.account);
    }
  }
  return [...seen.values()]
    .slice(0, 20)
    .map(
      (e) =>
        `S3 bucket ${e.bucket} sends ${[...e.kinds].sort().join(' and ')} to account(s) ${[...e.accounts].sort().join(', ')} (configured from ${e.since}): S3 makes these itself, so they are not recorded as object reads in the source account's CloudTrail; what left is inferred from the objects written after the rule (the destination account's records and S3 replication metrics would show the copies)`,
    );
}

export async function computeCoverage(db: Queryable): Promise<Coverage> {
  const gaps: string[] = [];
  const counts = (
    await db.all(`SELECT
      (SELECT count(*) FROM events) AS cloudtrail,
      (SELECT count(*) FROM invocations) AS invocations,
      (SELECT count(*) FROM agent_steps) AS agent_steps,
      (SELECT count(*) FROM kb_events) AS kb_events,
      (SELECT count(*) FROM ext_findings WHERE source = 'guardduty') AS guardduty,
      (SELECT count(*) FROM ext_findings WHERE source = 'securityhub') AS securityhub,
      (SELECT count(*) FROM iam_entities) AS iam,
      (SELECT count(*) FROM config_items) AS config,
      (SELECT count(*) FROM context_entries) AS context`)
  )[0];
  const sources: Record<string, number> = {};
  for (const [k, v] of Object.entries(counts)) sources[k] = Number(v);

  const win = (
    await db.all(`SELECT ${isoSql('min(t)')} AS s, ${isoSql('max(t)')} AS e FROM (
      SELECT time AS t FROM events UNION ALL SELECT time FROM invocations
      UNION ALL SELECT time FROM agent_steps UNION ALL SELECT time FROM kb_events)`)
  )[0];
  const window: Coverage['window'] = {};
  if (win?.s) window.start = String(win.s);
  if (win?.e) window.end = String(win.e);

  const accounts = (
    await db.all(
      `SELECT DISTINCT coalesce(recipient_account, account) AS a FROM events WHERE a IS NOT NULL ORDER BY a`,
    )
  ).map((r) => String(r.a));
  const regions = (
    await db.all(`SELECT DISTINCT region FROM events WHERE region IS NOT NULL ORDER BY region`)
  ).map((r) => String(r.region));

  const missingFor: Element[] = [];
  if (!sources.cloudtrail) {
    gaps.push(
      'no CloudTrail: access, infrastructure, AI and data-store changes cannot be judged (collect the trail S3 delivery or CloudTrail Lake)',
    );
    missingFor.push('access', 'infrastructure-changes', 'ai-changes');
    if (!sources.kb_events) missingFor.push('data-store-changes');
  }
  if (!sources.invocations) {
    gaps.push(
      'no model invocation logs at all: prompts, responses and guardrail traces cannot be read (enable Bedrock model invocation logging to S3 or CloudWatch Logs)',
    );
    if (!sources.cloudtrail) missingFor.push('invocation');
    missingFor.push('private-data');
  }
  if (!sources.agent_steps && !sources.iam && !sources.cloudtrail) missingFor.push('agency');

  // Bedrock runtime calls in CloudTrail for account/Region pairs without invocation logs
  if (sources.cloudtrail) {
    const rows = await db.all(
      `WITH calls AS (
         SELECT coalesce(recipient_account, account) AS acct, region, count(*) AS n,
                count(*) FILTER (WHERE error_code IS NULL) AS ok
         FROM events
         WHERE service = 'bedrock.amazonaws.com' AND action IN (${RUNTIME.map((a) => `'${a}'`).join(',')})
         GROUP BY 1, 2),
       logged AS (SELECT DISTINCT account AS acct, region FROM invocations)
       SELECT c.acct, c.region, c.n, c.ok FROM calls c
       LEFT JOIN logged l ON l.acct = c.acct AND l.region = c.region
       WHERE l.region IS NULL ORDER BY c.acct, c.region`,
    );
    for (const r of rows) {
      gaps.push(
        `no model invocation logs for account ${r.acct} in ${r.region}: ${r.n} Bedrock runtime calls (${r.ok} successful) appear only in CloudTrail, their prompts and responses are not in the evidence`,
      );
    }
    // data events
    const de = (
      await db.all(`SELECT
        count(*) FILTER (WHERE service = 's3.amazonaws.com' AND category = 'Data') AS s3,
        count(*) FILTER (WHERE service = 'bedrock.amazonaws.com' AND category = 'Data') AS bedrock,
        count(*) FILTER (WHERE service = 'lambda.amazonaws.com' AND category = 'Data') AS lambda
        FROM events`)
    )[0];
    if (!Number(de.s3)) {
      gaps.push(
        'no S3 data events in CloudTrail: reads and writes of knowledge-base and training-data objects cannot be seen',
      );
    }
    if (!Number(de.bedrock)) {
      gaps.push(
        'no Bedrock data events in CloudTrail (InvokeAgent, Retrieve, ApplyGuardrail): agent and knowledge-base use is seen only through their own logs',
      );
    }
    // holes in CloudTrail time, per account: gaps much longer than the usual spacing. An account used
    // intermittently (people signing in to an identity or management account: four or more quiet
    // periods of half an hour) is quiet between uses and overnight by its own rhythm: there a hole is
    // a gap of half a day or more that is also three times its usual quiet period.
    const holes = await db.all(
      `WITH t AS (
         SELECT coalesce(recipient_account, account) AS acct, time,
                lead(time) OVER (PARTITION BY coalesce(recipient_account, account) ORDER BY time) AS nxt
         FROM events),
       g AS (SELECT acct, time, nxt, date_diff('second', time, nxt) AS s FROM t WHERE nxt IS NOT NULL),
       m AS (SELECT acct, median(s) AS med FROM g GROUP BY acct),
       q AS (SELECT acct, count(*) AS n, median(s) AS med FROM g WHERE s >= 1800 GROUP BY acct)
       SELECT g.acct, ${isoSql('g.time')} AS s, ${isoSql('g.nxt')} AS e, g.s AS secs
       FROM g JOIN m USING (acct) LEFT JOIN q USING (acct)
       WHERE g.s >= greatest(1800, 50 * m.med)
         AND (coalesce(q.n, 0) < 4 OR g.s >= greatest(12 * 3600, 3 * q.med))
       ORDER BY g.acct, g.time`,
    );
    for (const h of holes) {
      const minutes = Math.round(Number(h.secs) / 60);
      gaps.push(`CloudTrail hole for account ${h.acct}: no records from ${h.s} to ${h.e} (${minutes} min)`);
    }
    // trails stopped during the window
    const stopped = await db.all(
      `SELECT ${isoSql('time')} AS t, coalesce(request_parameters->>'$.name', '') AS trail, region
       FROM events WHERE service = 'cloudtrail.amazonaws.com' AND action IN ('StopLogging', 'DeleteTrail')
         AND error_code IS NULL ORDER BY time, uid`,
    );
    for (const s of stopped) {
      gaps.push(
        `trail ${s.trail || '(unnamed)'} stopped or deleted at ${s.t} in ${s.region}: records that trail alone delivered may be missing after it`,
      );
    }
    const logDeleted = await db.all(
      `SELECT ${isoSql('time')} AS t, region FROM events
       WHERE service = 'bedrock.amazonaws.com' AND action = 'DeleteModelInvocationLoggingConfiguration' AND error_code IS NULL
       ORDER BY time, uid`,
    );
    for (const s of logDeleted) {
      gaps.push(
        `model invocation logging deleted in ${s.region} at ${s.t}: invocations after it have no prompt or response in the evidence`,
      );
    }
    // logging kept but narrowed: a configuration that no longer delivers the prompts' and answers' text
    const narrowed = await db.all(
      `SELECT ${isoSql('time')} AS t, region FROM events
       WHERE service = 'bedrock.amazonaws.com' AND action = 'PutModelInvocationLoggingConfiguration' AND error_code IS NULL
         AND lower(CAST(request_parameters->'$.loggingConfig.textDataDeliveryEnabled' AS VARCHAR)) = 'false'
       ORDER BY time, uid`,
    );
    for (const s of narrowed) {
      gaps.push(
        `model invocation logging in ${s.region} set at ${s.t} to leave out text (textDataDeliveryEnabled false): invocations after it have no prompt or response in the evidence`,
      );
    }
    // the CloudWatch log groups invocation logging writes to, cut short or deleted: what they alone held is gone
    const cut = await db.all(
      `WITH groups AS (
         SELECT DISTINCT request_parameters->>'$.loggingConfig.cloudWatchConfig.logGroupName' AS g FROM events
         WHERE service = 'bedrock.amazonaws.com' AND action = 'PutModelInvocationLoggingConfiguration'
           AND (request_parameters->>'$.loggingConfig.cloudWatchConfig.logGroupName') IS NOT NULL
         UNION SELECT DISTINCT response_elements->>'$.loggingConfig.cloudWatchConfig.logGroupName' FROM events
         WHERE service = 'bedrock.amazonaws.com' AND action = 'GetModelInvocationLoggingConfiguration'
           AND (response_elements->>'$.loggingConfig.cloudWatchConfig.logGroupName') IS NOT NULL)
       SELECT ${isoSql('time')} AS t, region, action, request_parameters->>'$.logGroupName' AS g,
              request_parameters->>'$.retentionInDays' AS days
       FROM events
       WHERE service = 'logs.amazonaws.com' AND action IN ('PutRetentionPolicy', 'DeleteLogGroup') AND error_code IS NULL
         AND (request_parameters->>'$.logGroupName') IN (SELECT g FROM groups)
       ORDER BY time, uid`,
    );
    for (const c of cut) {
      if (c.action === 'PutRetentionPolicy' && !(Number(c.days) > 0 && Number(c.days) <= 30)) continue;
      gaps.push(
        c.action === 'DeleteLogGroup'
          ? `CloudWatch log group ${c.g} of model invocation logging deleted in ${c.region} at ${c.t}: invocation logs it alone held are lost`
          : `CloudWatch log group ${c.g} of model invocation logging set to ${c.days}-day retention in ${c.region} at ${c.t}: older invocation logs it alone held are lost`,
      );
    }
    // invocation logs that stop while CloudTrail goes on recording runtime calls in the Region
    // (logging deleted, moved to another destination or narrowed, or logs not collected)
    if (sources.invocations) {
      const stops = await db.all(
        `WITH inv AS (SELECT region, max(time) AS last FROM invocations WHERE region IS NOT NULL GROUP BY region),
         ct AS (
           SELECT e.region, inv.last, count(*) AS n, max(e.time) AS until
           FROM events e JOIN inv ON inv.region = e.region
           WHERE e.action IN (${RUNTIME_ACTIONS.map((a) => `'${a}'`).join(', ')}) AND e.error_code IS NULL
             AND e.time > inv.last + INTERVAL 30 MINUTE
           GROUP BY e.region, inv.last)
         SELECT region, ${isoSql('last')} AS last, n, ${isoSql('until')} AS until FROM ct
         WHERE n >= ${LOG_STOP_MIN_CALLS} ORDER BY region`,
      );
      for (const s of stops) {
        // a deletion in the Region already says why
        if (logDeleted.some((d) => d.region === s.region && String(d.t) <= String(s.until))) continue;
        gaps.push(
          `model invocation logs in ${s.region} stop at ${s.last}, but CloudTrail records ${s.n} successful runtime calls there until ${s.until}: those invocations have no prompt or response in the evidence (logging moved, narrowed or not collected)`,
        );
      }
    }
  }
  if (!sources.guardduty && !sources.securityhub) gaps.push('no GuardDuty or Security Hub findings supplied');
  if (!sources.iam)
    gaps.push(
      'no IAM authorization details: what principals and agents could do cannot be judged (aws iam get-account-authorization-details)',
    );
  if (sources.cloudtrail) {
    const agents = await db.all(
      `SELECT count(*) AS n FROM events WHERE service IN ('bedrock.amazonaws.com') AND action IN ('InvokeAgent', 'InvokeInlineAgent')`,
    );
    if (Number(agents[0]?.n) > 0 && !sources.agent_steps) {
      gaps.push(
        `no agent traces: ${agents[0].n} InvokeAgent calls in CloudTrail, but what the agents did is not in the evidence`,
      );
    }
    // batch inference and evaluation jobs run models over prompts in S3: invocation logging never
    // records them, and S3 data events of buckets of other accounts are not in this evidence
    const batch = await db.all(
      `SELECT region, count(*) AS n,
              count(*) FILTER (WHERE (request_parameters->>'$.inputDataConfig.s3InputDataConfig.s3BucketOwner') IS NOT NULL
                OR (request_parameters->>'$.outputDataConfig.s3OutputDataConfig.s3BucketOwner') IS NOT NULL) AS foreign_owner
       FROM events WHERE service = 'bedrock.amazonaws.com' AND action IN ('CreateModelInvocationJob', 'CreateEvaluationJob')
         AND error_code IS NULL
       GROUP BY region ORDER BY region`,
    );
    for (const b of batch) {
      gaps.push(
        `${b.n} Bedrock batch inference or evaluation job(s) in ${b.region}: their prompts and answers are not in the model invocation logs; they exist only in the jobs' S3 input and output locations` +
          (Number(b.foreign_owner) > 0
            ? ' (some in buckets of other accounts, whose S3 data events are not in this evidence)'
            : ''),
      );
    }
    const kbs = await db.all(
      `SELECT count(*) AS n FROM events WHERE service = 'bedrock.amazonaws.com' AND action IN ('StartIngestionJob', 'CreateKnowledgeBase', 'Retrieve', 'RetrieveAndGenerate')`,
    );
    if (Number(kbs[0]?.n) > 0 && !sources.kb_events) {
      gaps.push('no knowledge-base application logs: ingestion of documents cannot be traced');
    }
    // a presigned notebook or Studio URL opens Jupyter in a browser: what is done there (files viewed
    // or downloaded, terminal commands, outbound connections) is not an AWS API call
    const presigned = await db.all(
      `SELECT action, count(*) AS n,
              count(DISTINCT coalesce(request_parameters->>'$.notebookInstanceName',
                                      request_parameters->>'$.domainId')) AS targets
       FROM events WHERE service = 'sagemaker.amazonaws.com' AND error_code IS NULL
         AND action IN ('CreatePresignedNotebookInstanceUrl', 'CreatePresignedDomainUrl')
       GROUP BY 1 ORDER BY 1`,
    );
    // SageMaker real-time endpoints answer through InvokeEndpoint, a data-plane call CloudTrail does not record
    const served = await db.all(
      `SELECT region, count(DISTINCT request_parameters->>'$.endpointName') AS n,
              string_agg(DISTINCT request_parameters->>'$.endpointName', ', ' ORDER BY request_parameters->>'$.endpointName') AS names
       FROM events WHERE service = 'sagemaker.amazonaws.com' AND error_code IS NULL
         AND action IN ('CreateEndpoint', 'UpdateEndpoint') AND (request_parameters->>'$.endpointName') IS NOT NULL
       GROUP BY 1 ORDER BY 1`,
    );
    for (const e of served) {
      const names = String(e.names ?? '').slice(0, 300);
      gaps.push(
        `${e.n} SageMaker endpoint(s) created or updated in ${e.region ?? 'an unknown Region'} (${names}): SageMaker InvokeEndpoint calls are data-plane calls CloudTrail does not record, so what the model(s) answered is not in the evidence; collect the endpoints' data capture (S3) and CloudWatch logs`,
      );
    }
    gaps.push(...(await bucketDeliveryGaps(db)));
    gaps.push(...(await selectorGaps(db)), ...(await workflowGaps(db)), ...(await scheduleInputGaps(db)));
    for (const p of presigned) {
      const notebook = p.action === 'CreatePresignedNotebookInstanceUrl';
      gaps.push(
        `${p.n} presigned ${notebook ? 'notebook-instance' : 'Studio domain'} URL(s) created for ${p.targets} ${notebook ? 'notebook instance(s)' : 'domain(s)'}: what was done inside Jupyter through them (files viewed or downloaded in the browser, terminal commands, outbound connections from the instance) is not in CloudTrail; only the execution role's AWS API calls are. Collect the ${notebook ? 'notebook instances' : "domain's apps"}' CloudWatch logs and VPC flow logs`,
      );
    }
    // a lifecycle script that sends data out of the instance: what it sent is not an AWS API call
    const scripts = await db.all(
      `SELECT request_parameters->>'$.notebookInstanceLifecycleConfigName' AS name, request_parameters AS rp
       FROM events WHERE service = 'sagemaker.amazonaws.com' AND error_code IS NULL
         AND action IN ('CreateNotebookInstanceLifecycleConfig', 'UpdateNotebookInstanceLifecycleConfig')
       ORDER BY time, uid LIMIT 200`,
    );
    const sending = new Map<string, string[]>();
    for (const r of scripts) {
      const req = jsonObject(r.rp);
      const v = judgeScript(lifecycleScripts(req).join('\n'));
      if (v.outbound.length && v.outsideHosts.length) sending.set(String(r.name ?? ''), v.outsideHosts);
    }
    for (const [name, hosts] of [...sending].sort((a, b) => a[0].localeCompare(b[0])))
      gaps.push(
        `lifecycle configuration ${name.slice(0, 63)} runs a script that sends data from the notebook instance to ${hosts.slice(0, 5).join(', ')}: what the script did on the instance and what it posted are not in CloudTrail (only the configuration, its attachment and later use of the role's credentials are). Collect the instance's CloudWatch logs (LifecycleConfigOnStart), VPC flow logs and DNS query logs`,
      );
  }
  const holes: Coverage['holes'] = [];
  return { window, gaps, sources, accounts, regions, missingFor: [...new Set(missingFor)], holes };
}
