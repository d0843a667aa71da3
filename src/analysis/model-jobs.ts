/**
 * Bedrock jobs: batch inference (`CreateModelInvocationJob`), evaluation, customisation, import and
 * copy jobs, judged by where their data comes from and goes to, which role they run with, and who
 * started them from where.
 *
 * A job reads its input and writes its output with the service role passed to it, inside AWS: no
 * record of the caller's shows the data moving. What a responder checks:
 *
 * - **the S3 locations**: a location in a bucket of another account (`s3BucketOwner` in the job's
 *   request, or the bucket's owner as other records' `resources` name it) is data leaving the
 *   organisation (output) or untrusted input (prompts, weights, training data); a bucket the
 *   evidence never shows as the organisation's (no record of it under one of the organisation's
 *   accounts, no planned change naming it) is unknown, weaker;
 * - **the role passed**: a role never passed to a Bedrock job before while the account's jobs use
 *   another one, looked at by the same credential just before (ListRoles / GetRole /
 *   ListAttachedRolePolicies), is a role picked for what it can reach (iam:PassRole abuse);
 * - **the service acting for the job**: the passed role's records made by Bedrock
 *   (`invokedBy` / address `bedrock.amazonaws.com`, session named after the job id, or the role's
 *   service records in the hours after the job started) are the job's, and so its creator's: the
 *   objects it read from the organisation's buckets are what an outside output carried away;
 * - **the origin**: a principal at an address it had not used before in the evidence (not an
 *   everyday address) starting such a job.
 *
 * Batch inference is model invocation (volume and cost) that model invocation logging never
 * records: element `invocation`. Customisation, import and copy jobs are `ai-changes`.
 */
import type { Element } from '../model/types.js';
import { isoSql, sqlTime } from '../store/case-store.js';
import {
  actionList,
  actorOf,
  applyContext,
  type Candidate,
  type CtRow,
  type Env,
  IAC_UA,
  isPublicIp,
  loadEvents,
  matchContext,
  maxSeverity,
  nameOf,
  principalsOf,
  subjectOf,
  toJson,
} from './context.js';
import { orgAccounts } from './data-exposure.js';

export const MODEL_JOB_ACTIONS = [
  'CreateModelInvocationJob',
  'CreateEvaluationJob',
  'CreateModelCustomizationJob',
  'CreateModelImportJob',
  'CreateModelCopyJob',
];
/** jobs that run a model over prompts: model invocation outside the invocation logs */
const INVOCATION_JOBS = new Set(['CreateModelInvocationJob', 'CreateEvaluationJob']);
/** how long after a job started the passed role's service records are still the job's */
const SERVICE_WINDOW_MIN = 6 * 60;
/** how long before a job the same credential's look at roles counts as choosing the role */
const ROLE_LOOK_MIN = 120;
const MAX_JOBS = 2000;
const MAX_SERVICE_RECORDS = 50;

export interface JobLocation {
  uri: string;
  bucket: string;
  /** `s3BucketOwner` beside the URI in the request, when given */
  owner: string | null;
  direction: 'input' | 'output';
  /** the request field it came from (`inputDataConfig.s3InputDataConfig.s3Uri`) */
  field: string;
}

const S3_URI = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/|$)/;

/** Every S3 location a job request names, with the owner given beside it and whether it is output. */
export function jobLocations(req: Record<string, unknown> | null): JobLocation[] {
  const out: JobLocation[] = [];
  const visit = (v: unknown, path: string[], depth: number): void => {
    if (depth > 8 || out.length >= 50 || !v || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      v.slice(0, 50).forEach((x, i) => {
        visit(x, [...path, String(i)], depth + 1);
      });
      return;
    }
    const o = v as Record<string, unknown>;
    const owner =
      typeof o.s3BucketOwner === 'string' && /^\d{12}$/.test(o.s3BucketOwner) ? o.s3BucketOwner : null;
    for (const k of Object.keys(o).sort()) {
      const x = o[k];
      if (typeof x === 'string') {
        const m = S3_URI.exec(x.slice(0, 2048));
        if (!m) continue;
        const field = [...path, k].join('.');
        out.push({
          uri: x.slice(0, 2048),
          bucket: m[1],
          owner,
          direction: /output/i.test(field) ? 'output' : 'input',
          field,
        });
      } else visit(x, [...path, k], depth + 1);
    }
  };
  visit(req, [], 0);
  return out;
}

/** The last segment of a job ARN: the id Bedrock names the service role's session after. */
function jobIdOf(arn: string): string | null {
  const m =
    /:(?:model-invocation-job|evaluation-job|model-customization-job|model-import-job|model-copy-job)\/([A-Za-z0-9-]+)$/.exec(
      arn,
    );
  return m ? m[1] : null;
}

const roleName = (arn: string | null | undefined): string => String(arn ?? '').replace(/^.*\//, '');

interface Job {
  r: CtRow;
  arn: string;
  role: string | null;
  locations: JobLocation[];
}

/** Buckets the evidence shows under an account: the `resources` of S3 records name each bucket's owner. */
async function bucketOwners(env: Env, buckets: string[]): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  if (!buckets.length) return out;
  const rows = await env.db.all(
    `WITH b AS (
       SELECT json_extract_string(request_parameters, '$.bucketName') AS bucket,
              unnest(coalesce(TRY_CAST(json_extract(raw, '$.resources') AS JSON[]), []::JSON[])) AS r
       FROM events
       WHERE service = 's3.amazonaws.com'
         AND json_extract_string(request_parameters, '$.bucketName') IN (${actionList(buckets)}))
     SELECT DISTINCT bucket, json_extract_string(r, '$.accountId') AS owner FROM b
     WHERE json_extract_string(r, '$.accountId') IS NOT NULL
       AND (json_extract_string(r, '$.type') = 'AWS::S3::Bucket' OR json_extract_string(r, '$.ARN') = 'arn:aws:s3:::' || bucket)
     ORDER BY 1, 2`,
  );
  for (const r of rows) {
    const b = String(r.bucket);
    if (!out.has(b)) out.set(b, new Set());
    out.get(b)!.add(String(r.owner));
  }
  return out;
}

/** Records the service made with a job's role on its behalf. */
function serviceRecordsOf(job: Job, service: CtRow[], jobs: Job[]): CtRow[] {
  if (!job.role) return [];
  const id = jobIdOf(job.arn);
  const name = roleName(job.role);
  const t0 = Date.parse(job.r.time);
  const mine = service.filter((s) => roleName(s.identityArn) === name);
  const named = id ? mine.filter((s) => s.sessionName === id) : [];
  if (named.length) return named;
  // without a session named after the job: the role's service records after it and before the
  // next job passing the same role
  const next = jobs
    .filter((j) => j !== job && j.role && roleName(j.role) === name && j.r.time > job.r.time)
    .map((j) => Date.parse(j.r.time))
    .sort((a, b) => a - b)[0];
  return mine.filter((s) => {
    const t = Date.parse(s.time);
    // sessions named after another job belong to it
    if (s.sessionName && jobs.some((j) => j !== job && jobIdOf(j.arn) === s.sessionName)) return false;
    return t >= t0 && t <= t0 + SERVICE_WINDOW_MIN * 60_000 && (next === undefined || t < next);
  });
}

/**
 * The record comes from a public address, not an everyday one, that its principal first used less
 * than a day before, after at least an hour of history elsewhere in the evidence.
 */
export async function newOriginOf(env: Env, r: CtRow): Promise<boolean> {
  if (!isPublicIp(r.sourceIp) || env.base.isCommonIp(r.sourceIp) || !r.identityArn) return false;
  const seen = await env.db.all(
    `SELECT ${isoSql('min(time) FILTER (WHERE source_ip = $2)')} AS at_ip, ${isoSql('min(time)')} AS first
     FROM events WHERE identity_arn = $1`,
    [r.identityArn, r.sourceIp],
  );
  const atIp = seen[0]?.at_ip ? Date.parse(String(seen[0].at_ip)) : null;
  const first = seen[0]?.first ? Date.parse(String(seen[0].first)) : null;
  return (
    atIp !== null &&
    first !== null &&
    atIp - first >= 60 * 60_000 &&
    atIp <= Date.parse(r.time) &&
    Date.parse(r.time) - atIp <= 24 * 3600_000
  );
}

export async function modelJobs(env: Env): Promise<Candidate[]> {
  const rows = await loadEvents(
    env.db,
    `service = 'bedrock.amazonaws.com' AND action IN (${actionList(MODEL_JOB_ACTIONS)}) AND error_code IS NULL`,
  );
  if (!rows.length) return [];
  const jobs: Job[] = rows.slice(0, MAX_JOBS).map((r) => ({
    r,
    arn: String(r.resp?.jobArn ?? r.resp?.modelArn ?? ''),
    role: typeof r.req?.roleArn === 'string' ? r.req.roleArn : null,
    locations: jobLocations(r.req),
  }));
  const own = await orgAccounts(env, []);
  const owners = await bucketOwners(
    env,
    [...new Set(jobs.flatMap((j) => j.locations.map((l) => l.bucket)))].sort(),
  );
  const plannedText = env.entries.map((e) => e.text.slice(0, 20_000)).join('\n');
  const bucketStatus = (l: JobLocation): { status: 'own' | 'outside' | 'unknown'; how: string } => {
    if (l.owner)
      return own.has(l.owner)
        ? { status: 'own', how: `owner ${l.owner}` }
        : {
            status: 'outside',
            how: `bucket owner ${l.owner} (given in the request) is not one of the organisation's accounts`,
          };
    const seen = [...(owners.get(l.bucket) ?? [])];
    if (seen.some((a) => !own.has(a)))
      return {
        status: 'outside',
        how: `records show ${l.bucket} under account ${seen.filter((a) => !own.has(a)).join(', ')}, not one of the organisation's`,
      };
    if (seen.length) return { status: 'own', how: `records show ${l.bucket} under ${seen.join(', ')}` };
    if (plannedText.includes(l.bucket)) return { status: 'own', how: 'named by a planned change' };
    return { status: 'unknown', how: `no record shows ${l.bucket} under one of the organisation's accounts` };
  };
  // the service's records with the passed roles (Bedrock reading input, writing output)
  const roleNames = [...new Set(jobs.map((j) => roleName(j.role)).filter(Boolean))].sort();
  const service = roleNames.length
    ? await loadEvents(
        env.db,
        `(invoked_by = 'bedrock.amazonaws.com' OR source_ip = 'bedrock.amazonaws.com')
         AND regexp_extract(coalesce(identity_arn, ''), '[^/]+$') IN (${actionList(roleNames)})`,
        [],
        { resp: false, extra: false },
      )
    : [];
  const out: Candidate[] = [];
  for (const job of jobs) {
    const r = job.r;
    const kind = env.base.kindOf(r.identityArn);
    const pipeline = kind === 'pipeline' || IAC_UA.test(r.userAgent ?? '');
    const invocation = INVOCATION_JOBS.has(r.action);
    const located = job.locations.map((l) => ({ ...l, ...bucketStatus(l) }));
    const outside = located.filter((l) => l.status === 'outside');
    const unknown = located.filter((l) => l.status === 'unknown');
    const outsideOut = outside.filter((l) => l.direction === 'output');
    const triage: string[] = [`${kind} principal`];
    const signals: string[] = [];
    for (const l of outside)
      signals.push(`${l.direction} ${l.uri} is in a bucket outside the organisation (${l.how})`);
    for (const l of unknown) signals.push(`${l.direction} ${l.uri}: ${l.how}`);

    // the role: never passed to a job before while the account's jobs pass another, looked at first
    let roleSignal: string | null = null;
    const lookedAt: CtRow[] = [];
    if (job.role) {
      const name = roleName(job.role);
      // jobs of the same kind (customisation, import and batch jobs use different roles by design)
      const earlier = jobs.filter((j) => j.r.time < r.time && j.role && j.r.action === r.action);
      const usedBefore = earlier.some((j) => roleName(j.role) === name);
      const others = [...new Set(earlier.map((j) => roleName(j.role)))].filter((n) => n !== name).sort();
      if (!usedBefore && others.length && r.accessKeyId && !pipeline) {
        const looks = await loadEvents(
          env.db,
          `service = 'iam.amazonaws.com' AND access_key_id = $1
           AND action IN ('ListRoles', 'GetRole', 'ListAttachedRolePolicies', 'ListRolePolicies', 'GetRolePolicy')
           AND time >= CAST($2 AS TIMESTAMP) - INTERVAL ${ROLE_LOOK_MIN} MINUTE AND time <= CAST($2 AS TIMESTAMP)`,
          [r.accessKeyId, sqlTime(r.time)],
          { resp: false, extra: false },
        );
        const relevant = looks.filter(
          (x) => x.action === 'ListRoles' || String(x.req?.roleName ?? '') === name,
        );
        if (relevant.length) {
          lookedAt.push(...relevant);
          roleSignal = `passes ${name}, a role no earlier job used (the account's jobs ran with ${others.join(', ')}), after looking at roles with the same credential`;
          signals.push(roleSignal);
        }
      }
    }

    // the origin: an address the principal had not used before in the evidence
    // (a pipeline's runners come from new addresses all the time)
    const newOrigin = !pipeline && (await newOriginOf(env, r));
    if (newOrigin) triage.push(`from ${r.sourceIp}, an address the principal first used shortly before`);

    // what the service did for the job
    const svc = serviceRecordsOf(job, service, jobs).slice(0, MAX_SERVICE_RECORDS);
    const reads = svc.filter(
      (s) =>
        /^(GetObject|HeadObject|ListObjects|ListObjectsV2|SelectObjectContent)$/.test(s.action) &&
        !s.errorCode,
    );
    const ownReads = reads.filter((s) => {
      const b = String(s.req?.bucketName ?? '');
      const seen = [...(owners.get(b) ?? [])];
      return !seen.length || seen.every((a) => own.has(a));
    });
    const carried =
      outsideOut.length > 0 &&
      ownReads.some((s) => s.action === 'GetObject' || s.action === 'SelectObjectContent');

    let severity: Candidate['severity'] =
      kind === 'workload' || kind === 'service-user' || kind === 'unknown' ? 'low' : 'informational';
    let strength: Candidate['strength'] = 'soft';
    if (outside.length) {
      severity = outsideOut.length || roleSignal || newOrigin ? 'high' : 'medium';
      strength = 'hard';
      triage.push(
        outsideOut.length
          ? 'the job writes to a bucket outside the organisation: data leaves with its output'
          : 'the job reads untrusted input from a bucket outside the organisation',
      );
    } else if (roleSignal && newOrigin) {
      severity = 'medium';
      strength = 'hard';
      triage.push('a role picked for the job from a new address');
    } else if (unknown.length && newOrigin && !pipeline) {
      severity = 'medium';
      strength = 'hard';
      triage.push("data from a bucket not known as the organisation's, from a new address");
    } else if (unknown.length || roleSignal) {
      severity = maxSeverity(severity, 'low');
    }
    if (roleSignal) triage.push(roleSignal);
    if (carried)
      triage.push(
        `the service read ${ownReads.length} object(s) of the organisation's buckets for the job with ${roleName(job.role)}; its output goes to another account`,
      );
    const elements: Element[] = invocation ? ['invocation'] : ['ai-changes'];
    if (carried) elements.push('private-data');
    const name = String(
      r.req?.jobName ?? r.req?.customModelName ?? r.req?.importedModelName ?? r.req?.targetModelName ?? '',
    );
    const evidence = [...lookedAt, r, ...(signals.length ? svc : [])].sort(
      (a, b) => a.time.localeCompare(b.time) || a.uid.localeCompare(b.uid),
    );
    const c: Candidate = {
      ruleId: invocation ? 'ai-changes.model-invocation-job' : 'ai-changes.custom-model-job',
      title: `${r.action} ${name || job.arn} by ${nameOf(r.identityArn)}${outside.length ? ': data outside the organisation' : roleSignal ? ': unusual role' : ''}`,
      description:
        `${nameOf(r.identityArn)} (${kind}) from ${r.sourceIp}: ${r.action}` +
        (job.role ? ` with role ${roleName(job.role)}` : '') +
        (r.req?.modelId ? `, model ${String(r.req.modelId)}` : '') +
        (located.length
          ? `; ${located.map((l) => `${l.direction} ${l.uri}${l.owner ? ` (owner ${l.owner})` : ''}`).join(', ')}`
          : '') +
        (invocation ? '; batch prompts and answers are not recorded by model invocation logging' : '') +
        '.',
      severity,
      strength,
      ifActor: 'high',
      elements,
      components: invocation ? ['foundation-models'] : ['custom-models'],
      times: evidence.map((x) => x.time),
      principals: principalsOf(r),
      accessKeyIds: [r.accessKeyId],
      sourceIps: [r.sourceIp],
      resources: [
        job.arn || name,
        // the role and the output are part of what was touched when the job is the abuse: the
        // passed role's reach is what the job used
        ...(job.role && (outside.length || roleSignal) ? [job.role] : []),
        ...located.filter((l) => l.direction === 'input' || l.status !== 'own').map((l) => l.bucket),
        ...(carried ? ownReads.map((s) => String(s.req?.bucketName ?? '')) : []),
      ].filter(Boolean),
      attack: [
        ...(invocation ? ['AML.T0034'] : ['AML.T0018', 'AML.T0020']),
        ...(outsideOut.length ? ['T1537'] : []),
        ...(roleSignal ? ['T1098'] : []),
      ],
      evidence: { eventIds: evidence.map((x) => x.eventId) },
      actors: [actorOf(r)],
      triage,
      details: {
        job: job.arn || null,
        jobName: name || null,
        role: job.role,
        model: (r.req?.modelId as string) ?? (r.req?.baseModelIdentifier as string) ?? null,
        locations: located.map((l) => ({
          uri: l.uri,
          direction: l.direction,
          owner: l.owner,
          status: l.status,
          how: l.how,
        })),
        signals,
        serviceRecords: svc.map((s) => s.eventId),
        hyperParameters: toJson(r.req?.hyperParameters ?? null),
      },
    };
    applyContext(
      c,
      matchContext(env.entries, {
        ...subjectOf(r),
        targets: [name, job.arn, ...located.map((l) => l.bucket)],
        pipeline,
      }),
    );
    out.push(c);
  }
  return out;
}
