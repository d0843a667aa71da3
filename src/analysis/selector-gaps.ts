/**
 * Coverage gaps made by changes inside the evidence (docs/investigation.md, coverage):
 *
 * - a trail's event selectors changed and data events that were flowing stop until the selectors
 *   change again (or the evidence ends): S3 object reads and Bedrock knowledge-base and agent calls
 *   in that window are not in the evidence, also when the application's own logs go on;
 * - a Step Functions state machine created or updated without execution logging (EXPRESS ones keep
 *   no execution history): what its executions did is not in the evidence, and CloudTrail masks the
 *   definition;
 * - a bucket a schedule's or rule's input names (what the workflow reads and writes) that no record
 *   of this account's trails names: another account's bucket, whose data events are not here.
 */
import { isoSql, type Queryable, sqlTime } from '../store/case-store.js';
import { jsonObject } from './context.js';
import { inputBuckets } from './delegated-reach.js';

/** a data-event source counts as flowing with this many records in the window before the change */
const FLOWING_MIN = 5;
/** the window compared before a change is at most this long */
const BEFORE_MAX_MS = 24 * 3600 * 1000;
/** a window shorter than this is not a gap worth naming */
const WINDOW_MIN_MS = 30 * 60 * 1000;
const MAX_CHANGES = 50;
const MAX_NAMED = 6;

interface Change {
  t: string;
  region: string;
  trail: string;
  who: string;
}

function ms(iso: string): number {
  return Date.parse(iso);
}

/** What a data event is about: the bucket of an S3 object call, else the service. */
const SOURCE_SQL = `CASE WHEN service = 's3.amazonaws.com' THEN 'S3 ' || coalesce(request_parameters->>'$.bucketName', '?')
  WHEN service = 'bedrock.amazonaws.com' THEN 'Bedrock ' || action ELSE service END`;

export async function selectorGaps(db: Queryable): Promise<string[]> {
  const rows = await db.all(
    `SELECT ${isoSql('time')} AS t, coalesce(region, '') AS region,
            coalesce(request_parameters->>'$.trailName', '') AS trail,
            coalesce(principal_arn, identity_arn, '') AS who
     FROM events WHERE service = 'cloudtrail.amazonaws.com' AND action = 'PutEventSelectors' AND error_code IS NULL
     ORDER BY time, uid LIMIT ${MAX_CHANGES}`,
  );
  if (!rows.length) return [];
  const end = String(
    (await db.all(`SELECT ${isoSql('max(time)')} AS e FROM events WHERE category = 'Data'`))[0]?.e ?? '',
  );
  const changes: Change[] = rows.map((r) => ({
    t: String(r.t),
    region: String(r.region),
    trail: String(r.trail),
    who: String(r.who),
  }));
  const out: string[] = [];
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i];
    const next = changes.slice(i + 1).find((x) => x.trail === c.trail);
    const until = next?.t ?? end;
    if (!until || ms(until) - ms(c.t) < WINDOW_MIN_MS) continue;
    const span = Math.min(ms(until) - ms(c.t), BEFORE_MAX_MS);
    const from = new Date(ms(c.t) - span).toISOString();
    const counts = await db.all(
      `SELECT ${SOURCE_SQL} AS src,
              count(*) FILTER (WHERE time < CAST($2 AS TIMESTAMP)) AS before,
              count(*) FILTER (WHERE time >= CAST($2 AS TIMESTAMP)) AS during
       FROM events
       WHERE category = 'Data' AND time >= CAST($1 AS TIMESTAMP) AND time < CAST($3 AS TIMESTAMP)
         AND ($4 = '' OR region = $4)
       GROUP BY 1 ORDER BY 1`,
      [sqlTime(from), sqlTime(c.t), sqlTime(until), c.region],
    );
    const stopped = counts
      .filter((r) => Number(r.before) >= FLOWING_MIN && Number(r.during) === 0)
      .map((r) => String(r.src));
    if (!stopped.length) continue;
    const named = stopped.slice(0, MAX_NAMED).join(', ') + (stopped.length > MAX_NAMED ? ', ...' : '');
    const bedrock = stopped.some((s) => s.startsWith('Bedrock '));
    out.push(
      `CloudTrail data events stopped in ${c.region || 'an unknown Region'} from ${c.t} to ${next ? next.t : `the end of the evidence (${until})`} after the event selectors of trail ${c.trail.slice(0, 200) || '?'} were changed by ${c.who.slice(0, 200) || '?'}${next ? ' (until they were changed again)' : ''}: ${named}; ${bedrock ? 'Bedrock knowledge-base and agent data events (retrievals, agent invocations) and ' : ''}object reads in that window are not in the evidence`,
    );
  }
  return out;
}

export async function workflowGaps(db: Queryable): Promise<string[]> {
  const rows = await db.all(
    `SELECT coalesce(response_elements->>'$.stateMachineArn', request_parameters->>'$.stateMachineArn',
                     request_parameters->>'$.name', '?') AS sm,
            request_parameters AS rp, coalesce(region, '') AS region
     FROM events WHERE service = 'states.amazonaws.com' AND action IN ('CreateStateMachine', 'UpdateStateMachine')
       AND error_code IS NULL
     ORDER BY time, uid LIMIT 200`,
  );
  const last = new Map<string, { off: boolean; express: boolean; region: string }>();
  for (const r of rows) {
    const rp = jsonObject(r.rp);
    const lc = jsonObject(rp?.loggingConfiguration);
    const prev = last.get(String(r.sm));
    // an update without a logging configuration keeps the one before
    const off = lc ? String(lc.level ?? 'OFF') === 'OFF' : (prev?.off ?? true);
    const express = rp?.type === 'EXPRESS' || (prev?.express ?? false);
    last.set(String(r.sm), { off, express, region: String(r.region) });
  }
  const out: string[] = [];
  for (const [sm, v] of [...last].sort(([a], [b]) => a.localeCompare(b))) {
    if (!v.off) continue;
    out.push(
      `Step Functions state machine ${sm.slice(0, 300)} (${v.express ? 'EXPRESS: no execution history' : 'STANDARD'}, ${v.region}) runs with execution logging OFF and CloudTrail masks its definition: what its executions did (the model calls' inputs, the data they read and wrote) is known only from the calls its role made`,
    );
  }
  return out;
}

export async function scheduleInputGaps(db: Queryable): Promise<string[]> {
  const rows = await db.all(
    `SELECT request_parameters AS rp, coalesce(request_parameters->>'$.name', request_parameters->>'$.rule', '?') AS name
     FROM events WHERE error_code IS NULL
       AND ((service = 'scheduler.amazonaws.com' AND action IN ('CreateSchedule', 'UpdateSchedule'))
         OR (service = 'events.amazonaws.com' AND action = 'PutTargets'))
     ORDER BY time, uid LIMIT 200`,
  );
  const byBucket = new Map<string, Set<string>>();
  for (const r of rows) {
    const rp = jsonObject(r.rp);
    const inputs: unknown[] = [jsonObject(rp?.target)?.input];
    const ts = Array.isArray(rp?.targets) ? rp.targets : Array.isArray(rp?.Targets) ? rp.Targets : [];
    for (const t of ts.slice(0, 10)) inputs.push(jsonObject(t)?.input, jsonObject(t)?.Input);
    for (const i of inputs)
      for (const b of inputBuckets(i)) {
        if (!byBucket.has(b)) byBucket.set(b, new Set());
        byBucket.get(b)!.add(String(r.name).slice(0, 100));
      }
  }
  const out: string[] = [];
  for (const [b, names] of [...byBucket].sort(([a], [c]) => a.localeCompare(c)).slice(0, 20)) {
    const seen = await db.all(
      `SELECT 1 FROM events WHERE (request_parameters->>'$.bucketName') = $1 LIMIT 1`,
      [b],
    );
    if (seen.length) continue;
    out.push(
      `bucket ${b}, named in the input of schedule(s) or rule(s) ${[...names].sort().join(', ')}, appears in no record of this account's trails (another account's bucket?): what the scheduled workflow read from it and wrote to it is not in the evidence`,
    );
  }
  return out;
}
