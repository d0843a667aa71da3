/**
 * Training data the actor wrote, followed into what was built from it: the customisation job that
 * read it, the custom model the job produced, the provisioned throughput moved to that model and the
 * applications that have called it since. A planned, scheduled job that trains on an object the
 * actor overwrote hours before is the pipeline working as designed on poisoned input: the job and the
 * switch are legitimate records, their product is not. A responder asks, after finding the
 * overwrite: did a job read it, which model came out, and who is being served by that model now?
 *
 * - the job: a `CreateModelCustomizationJob` after the write whose training or validation location
 *   is the written object (or a prefix holding it), within {@link JOB_AFTER_DAYS} days;
 * - the model: the job's `outputModelArn` when a record gives it, else the custom model of the job's
 *   base model that the evidence first names after the job started (and never before);
 * - the switch: `UpdateProvisionedModelThroughput` / `CreateProvisionedModelThroughput` onto that
 *   model, until the throughput is moved to another model;
 * - the use: logged invocations of the model or the throughput since the switch, by principal.
 *
 * The job and switch records are the pipeline's and not the actor's: they are named in the details,
 * not cited as the incident's records. What the model answers is the affected use (element
 * `invocation`); deciding which answers are poisoned is left to the responder (a rare phrase with
 * one fixed answer since the switch).
 */
import { makeFinding } from '../engine/detector.js';
import type { Finding } from '../model/types.js';
import { isoSql, type Queryable, sqlString, sqlTime } from '../store/case-store.js';
import { loadEvents } from './context.js';
import { jobLocations } from './model-jobs.js';

/** how long after the actor's write a job still counts as reading it */
const JOB_AFTER_DAYS = 14;
/** how long after the job started its custom model may first appear */
const MODEL_AFTER_DAYS = 7;
const MAX_WRITES = 500;
const MAX_JOBS = 20;
const CHUNK = 500;

const S3_WRITE = ['PutObject', 'CopyObject', 'CompleteMultipartUpload'];
const CUSTOM_MODEL =
  /arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:custom-model\/[A-Za-z0-9.:_-]+\/[a-z0-9]{6,20}/g;
const PT_ARN = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:provisioned-model\/[a-z0-9]+$/;

export interface LineageResult {
  findings: Finding[];
  resources: string[];
  principals: string[];
  /** the last use of a model built from the actor's data */
  lastUse: string | null;
}

interface Write {
  bucket: string;
  key: string;
  time: string;
  eventId: string;
}

const baseOf = (id: string): string => id.slice(id.lastIndexOf('/') + 1);

/** The actor's S3 writes (from its CloudTrail records) followed into customisation jobs and their models. */
export async function trainingLineage(
  db: Queryable,
  actorEventIds: string[],
  identityOf: (arn: string | null | undefined) => string | null,
): Promise<LineageResult> {
  const out: LineageResult = { findings: [], resources: [], principals: [], lastUse: null };
  const writes: Write[] = [];
  const ids = [...new Set(actorEventIds)].sort();
  for (let i = 0; i < ids.length && writes.length < MAX_WRITES; i += CHUNK) {
    const rows = await loadEvents(
      db,
      `service = 's3.amazonaws.com' AND error_code IS NULL AND action IN (${S3_WRITE.map(sqlString).join(',')})
       AND event_id IN (${ids
         .slice(i, i + CHUNK)
         .map(sqlString)
         .join(',')})`,
    );
    for (const r of rows) {
      const bucket = String(r.req?.bucketName ?? '');
      const key = String(r.req?.key ?? '');
      if (bucket && key && writes.length < MAX_WRITES)
        writes.push({ bucket, key, time: r.time, eventId: r.eventId });
    }
  }
  if (!writes.length) return out;
  writes.sort((a, b) => a.time.localeCompare(b.time) || a.eventId.localeCompare(b.eventId));
  const first = writes[0].time;
  const jobs = await loadEvents(
    db,
    `action = 'CreateModelCustomizationJob' AND error_code IS NULL AND time > CAST($1 AS TIMESTAMP)
     AND time <= CAST($2 AS TIMESTAMP) + INTERVAL ${JOB_AFTER_DAYS} DAY`,
    [sqlTime(first), sqlTime(writes[writes.length - 1].time)],
  );
  for (const j of jobs.slice(0, MAX_JOBS)) {
    const locs = jobLocations(j.req).filter((l) => l.direction === 'input');
    const hit = writes.filter(
      (w) =>
        w.time < j.time &&
        Date.parse(j.time) - Date.parse(w.time) <= JOB_AFTER_DAYS * 86_400_000 &&
        locs.some((l) => {
          const path = l.uri.slice(`s3://${l.bucket}/`.length);
          return (
            l.bucket === w.bucket &&
            (path === w.key || (path.endsWith('/') && w.key.startsWith(path)) || !path)
          );
        }),
    );
    if (!hit.length) continue;
    const jobArn = String((j.resp as Record<string, unknown> | null)?.jobArn ?? '') || null;
    const jobName = String(j.req?.jobName ?? '');
    const base = baseOf(String(j.req?.baseModelIdentifier ?? ''));
    // the job service's reads of the written objects: the poisoned data going in
    const reads = await loadEvents(
      db,
      `service = 's3.amazonaws.com' AND action = 'GetObject' AND error_code IS NULL
       AND (source_ip = 'bedrock.amazonaws.com' OR invoked_by = 'bedrock.amazonaws.com')
       AND time >= CAST($1 AS TIMESTAMP) AND time <= CAST($1 AS TIMESTAMP) + INTERVAL ${MODEL_AFTER_DAYS} DAY
       AND json_extract_string(request_parameters, '$.bucketName') IN (${[...new Set(hit.map((w) => w.bucket))].map(sqlString).join(',')})
       AND json_extract_string(request_parameters, '$.key') IN (${[...new Set(hit.map((w) => w.key))].map(sqlString).join(',')})`,
      [sqlTime(j.time)],
    );
    // the model it produced: named by a record of the job, else the base model's new custom model
    let model: string | null = null;
    const named = await db.all(
      `SELECT ${isoSql('time')} AS t, CAST(response_elements AS VARCHAR) AS resp FROM events
       WHERE action = 'GetModelCustomizationJob' AND error_code IS NULL AND time >= CAST($1 AS TIMESTAMP)
         AND json_extract_string(request_parameters, '$.jobIdentifier') IN ($2, $3)
         AND json_extract_string(response_elements, '$.outputModelArn') IS NOT NULL
       ORDER BY time, uid LIMIT 1`,
      [sqlTime(j.time), jobArn ?? '', jobName],
    );
    if (named.length)
      model = (JSON.parse(String(named[0].resp)) as Record<string, string>).outputModelArn ?? null;
    if (!model && base) {
      const rows = await db.all(
        `SELECT ${isoSql('time')} AS t, CAST(request_parameters AS VARCHAR) AS req, CAST(resources AS VARCHAR) AS res
         FROM events WHERE service = 'bedrock.amazonaws.com' AND time <= CAST($1 AS TIMESTAMP) + INTERVAL ${MODEL_AFTER_DAYS} DAY
           AND (CAST(request_parameters AS VARCHAR) LIKE $2 OR CAST(resources AS VARCHAR) LIKE $2)
         ORDER BY time, uid LIMIT 5000`,
        [sqlTime(j.time), `%custom-model/${base}/%`],
      );
      const seenBefore = new Set<string>();
      for (const r of rows) {
        const arns = `${r.req ?? ''} ${r.res ?? ''}`.match(CUSTOM_MODEL) ?? [];
        for (const a of arns) {
          if (!a.includes(`custom-model/${base}/`)) continue;
          if (String(r.t) < j.time) seenBefore.add(a);
          else if (!seenBefore.has(a) && !model) model = a;
        }
      }
    }
    // the throughput moved onto it, and moved off again
    const switches = model
      ? await loadEvents(
          db,
          `action IN ('UpdateProvisionedModelThroughput', 'CreateProvisionedModelThroughput') AND error_code IS NULL
           AND time >= CAST($1 AS TIMESTAMP)`,
          [sqlTime(j.time)],
        )
      : [];
    const pts = new Map<string, { on: string; off: string | null; eventId: string }>();
    for (const s of switches) {
      const target = String(s.req?.desiredModelId ?? s.req?.modelId ?? '');
      const pt =
        String(s.req?.provisionedModelId ?? '') ||
        String((s.resp as Record<string, unknown> | null)?.provisionedModelArn ?? '');
      if (!pt) continue;
      const cur = pts.get(pt);
      if (target === model && !cur) pts.set(pt, { on: s.time, off: null, eventId: s.eventId });
      else if (cur && !cur.off && target && target !== model) cur.off = s.time;
    }
    const served = [...pts.keys()].sort();
    // the use since: logged invocations of the model or its throughput, by principal
    // calls to the model itself since the job, to a throughput from its switch until moved off
    const windows: Array<[string, string, string | null]> = [
      ...(model ? [[model, j.time, null] as [string, string, string | null]] : []),
      ...served.map((p) => [p, pts.get(p)!.on, pts.get(p)!.off] as [string, string, string | null]),
    ];
    const params: string[] = [];
    const conds = windows.map(([m, on, off]) => {
      params.push(m, sqlTime(on));
      const c = `(model_id = $${params.length - 1} AND time >= CAST($${params.length} AS TIMESTAMP)`;
      if (!off) return `${c})`;
      params.push(sqlTime(off));
      return `${c} AND time < CAST($${params.length} AS TIMESTAMP))`;
    });
    const uses = conds.length
      ? await db.all(
          `SELECT identity_arn, count(*) AS n, ${isoSql('max(time)')} AS l
           FROM invocations WHERE ${conds.join(' OR ')} GROUP BY ALL ORDER BY 1`,
          params,
        )
      : [];
    const users = new Map<string, number>();
    let last: string | null = null;
    let calls = 0;
    for (const u of uses) {
      const who = identityOf(String(u.identity_arn ?? '')) ?? '';
      if (who) users.set(who, (users.get(who) ?? 0) + Number(u.n));
      calls += Number(u.n);
      if (!last || String(u.l) > last) last = String(u.l);
    }
    const resources = [jobArn, model, ...served.filter((p) => PT_ARN.test(p))].filter(
      (x): x is string => !!x,
    );
    const principals = [...users.keys()].sort();
    out.resources.push(...resources);
    out.principals.push(...principals);
    if (last && (!out.lastUse || last > out.lastUse)) out.lastUse = last;
    const objects = [...new Set(hit.map((w) => `s3://${w.bucket}/${w.key}`))].sort();
    out.findings.push(
      makeFinding({
        ruleId: 'scope:actor-poisoned-model',
        title: `Customisation job ${jobName || jobArn || '?'} trained on data the threat actor wrote${model ? `; its model ${model.slice(model.lastIndexOf('/') + 1)}` : ''}${served.length ? ` serves ${served.length} provisioned throughput(s)` : ''}`,
        description:
          `The actor wrote ${objects.slice(0, 5).join(', ')}${objects.length > 5 ? ', ...' : ''} at ${hit[0].time}; ` +
          `customisation job ${jobName || jobArn} started ${j.time} by ${j.identityArn ?? 'unknown'} trains on that location` +
          `${reads.length ? ` and its service role read the written object(s) ${reads.length} time(s)` : ''}. ` +
          (model
            ? `The job's custom model is ${model}. `
            : 'No record names the custom model it produced. ') +
          (served.length
            ? `Provisioned throughput ${served.join(', ')} was moved to it (${[...pts.values()].map((p) => p.on).join(', ')}). `
            : '') +
          (calls
            ? `Since then ${calls} logged invocation(s) by ${principals.map((p) => p.slice(p.lastIndexOf('/') + 1)).join(', ')} were answered by the model built from the actor's data, the last at ${last}: treat its answers as untrusted and compare answers to inputs that carry an unusual phrase with those to similar inputs without it.`
            : 'No logged invocation of it was found.'),
        severity: 'high',
        elements: calls ? ['ai-changes', 'invocation'] : ['ai-changes'],
        components: ['training-data', 'custom-models'],
        times: [hit[0].time, j.time, ...[...pts.values()].map((p) => p.on), ...(last ? [last] : [])],
        principals,
        resources,
        attack: ['AML.T0020', 'AML.T0018'],
        evidence: { eventIds: [...hit.map((w) => w.eventId), ...reads.map((r) => r.eventId)] },
        details: {
          objects,
          job: { eventId: j.eventId, arn: jobArn, name: jobName || null, by: j.identityArn, at: j.time },
          customModel: model,
          provisionedThroughput: served.map((p) => ({
            arn: p,
            switchEventId: pts.get(p)!.eventId,
            at: pts.get(p)!.on,
            movedOff: pts.get(p)!.off,
          })),
          invocations: calls,
          callers: principals,
          lastUse: last,
        },
      }),
    );
  }
  out.resources = [...new Set(out.resources)].sort();
  out.principals = [...new Set(out.principals)].sort();
  return out;
}

/**
 * When the actor's change keeps acting after its last call (a model built from its data, an agent
 * collaborator it added), the incident lasts until the last affected use: the latest `lastUse` of a
 * medium-or-worse finding that cites one of the actor's own records as its cause.
 */
export function lastEffects(findings: Finding[], actorEventIds: string[]): string[] {
  const actor = new Set(actorEventIds);
  const out: string[] = [];
  for (const f of findings) {
    const last = f.details?.lastUse;
    if (
      typeof last !== 'string' ||
      !(f.severity === 'medium' || f.severity === 'high' || f.severity === 'critical')
    )
      continue;
    if ((f.evidence.eventIds ?? []).some((e) => actor.has(e))) out.push(last);
  }
  return out;
}

/** Moves the scope window's end to the latest of the given times after it (only when it has a start). */
export function extendWindow(
  scope: { window: { start?: string; end?: string } },
  times: Array<string | null>,
): void {
  if (!scope.window.start || !scope.window.end) return;
  const was = Date.parse(scope.window.end);
  let end = was;
  for (const t of times) {
    const ms = t ? Date.parse(t) : Number.NaN;
    if (Number.isFinite(ms) && ms > end) end = ms;
  }
  if (end > was) scope.window.end = new Date(end).toISOString();
}
