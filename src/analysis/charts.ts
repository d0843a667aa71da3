/**
 * Charts for the report (`report.charts`, docs/reports.md): records and tokens per time bucket over
 * the coverage window, all of them against the threat actor's. Buckets are hours (longer when the
 * window would need more than 336 of them); every bucket of the window is present, empty ones as 0.
 *
 * Also the helper the other responder views use to mark the actor's records inside SQL: a temporary
 * table `gir_actor_ids (kind, id)` holding the actor's CloudTrail event ids, invocation request ids
 * and agent trace ids, so that counts split actor / not actor in the database, at any case size.
 */
import { SEVERITY_RANK } from '../engine/detector.js';
import type { Finding } from '../model/types.js';
import type { ChartPoint } from '../report/extras.js';
import { type Queryable, sqlString } from '../store/case-store.js';
import type { ActorRecords } from './scope.js';

export type { ChartPoint };

export interface ReportCharts {
  activity: ChartPoint[];
  tokens: ChartPoint[];
  /** bucket size in minutes, and what was counted */
  bucketMinutes: number;
  note: string;
}

export const ACTOR_TABLE = 'gir_actor_ids';

/**
 * (Re)creates the temporary table of the actor's record ids: kind `event` (CloudTrail eventID, or
 * the record's uid when it has none), `request` (invocation requestId) and `trace` (agent step
 * traceId); `addActorSessions` adds `session` rows (agent session ids).
 */
export async function loadActorIds(
  db: Queryable,
  actor: Pick<ActorRecords, 'eventIds' | 'requestIds' | 'traceIds'>,
): Promise<void> {
  await db.run(`CREATE OR REPLACE TEMP TABLE ${ACTOR_TABLE} (kind VARCHAR, id VARCHAR)`);
  const rows: Array<[string, string]> = [];
  for (const id of actor.eventIds) rows.push(['event', id]);
  for (const id of actor.requestIds) rows.push(['request', id]);
  for (const id of actor.traceIds) rows.push(['trace', id]);
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    await db.run(
      `INSERT INTO ${ACTOR_TABLE} VALUES ${chunk.map(([k, v]) => `(${sqlString(k)}, ${sqlString(v)})`).join(', ')}`,
    );
  }
}

/** Adds agent sessions to the actor's records (their trace parts count as the actor's). */
export async function addActorSessions(db: Queryable, sessions: Iterable<string>): Promise<void> {
  const rows = [...sessions];
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    await db.run(
      `INSERT INTO ${ACTOR_TABLE} VALUES ${chunk.map((v) => `('session', ${sqlString(v)})`).join(', ')}`,
    );
  }
}

/** A finding that speaks for the incident: medium or above, not declared, explained or marked not the actor's. */
export function incidentFinding(f: Finding): boolean {
  const d = f.details ?? {};
  return SEVERITY_RANK[f.severity] >= SEVERITY_RANK.medium && !d.declared && !d.notActor && !d.explainedBy;
}

/**
 * The actor's agent sessions: sessions named by incident findings (`details.sessionId`) and the
 * sessions of the actor's own InvokeAgent calls. Needs `loadActorIds` first.
 */
export async function actorSessions(db: Queryable, findings: Finding[]): Promise<string[]> {
  const out = new Set<string>();
  for (const f of findings) {
    const s = f.details?.sessionId;
    if (incidentFinding(f) && typeof s === 'string' && s) out.add(s);
  }
  const rows = await db.all(
    `SELECT DISTINCT json_extract_string(request_parameters, '$.sessionId') AS s FROM events
     WHERE action IN ('InvokeAgent', 'InvokeInlineAgent') AND error_code IS NULL
       AND coalesce(event_id, uid) IN (SELECT id FROM ${ACTOR_TABLE} WHERE kind = 'event')`,
  );
  for (const r of rows) if (typeof r.s === 'string' && r.s && !/HIDDEN/.test(r.s)) out.add(r.s);
  return [...out].sort();
}

const HOUR = 3600_000;
const SIZES = [1, 3, 6, 12, 24, 168].map((h) => h * HOUR);
const MAX_BUCKETS = 336;

/** The bucket size (ms) for a window: an hour unless that would make more than 336 buckets. */
export function bucketSize(startMs: number, endMs: number): number {
  const span = Math.max(0, endMs - startMs);
  return SIZES.find((s) => span / s < MAX_BUCKETS) ?? SIZES[SIZES.length - 1]!;
}

/**
 * Activity (records per bucket: CloudTrail records, model invocations, agent trace parts and
 * knowledge-base log events) and tokens (input + output of logged model invocations) over the
 * coverage window, total and the actor's. Needs `loadActorIds` to have been called for the actor
 * (the actor's agent sessions count as the actor's trace parts). Times come from the evidence only.
 */
export async function computeCharts(
  db: Queryable,
  window: { start?: string; end?: string },
): Promise<ReportCharts | null> {
  let lo = window.start ? Date.parse(window.start) : Number.NaN;
  let hi = window.end ? Date.parse(window.end) : Number.NaN;
  if (Number.isNaN(lo) || Number.isNaN(hi)) {
    const r = (
      await db.all(`SELECT min(epoch_ms(t)) AS lo, max(epoch_ms(t)) AS hi FROM (
        SELECT time AS t FROM events UNION ALL SELECT time FROM invocations
        UNION ALL SELECT time FROM agent_steps UNION ALL SELECT time FROM kb_events)`)
    )[0];
    if (r?.lo === null || r?.lo === undefined) return null;
    lo = Number(r.lo);
    hi = Number(r.hi);
  }
  if (hi < lo) return null;
  const size = bucketSize(lo, hi);
  const start = Math.floor(lo / size) * size;
  const n = Math.floor((hi - start) / size) + 1;
  const mk = (): ChartPoint[] =>
    Array.from({ length: n }, (_, i) => ({
      t: new Date(start + i * size).toISOString(),
      total: 0,
      actor: 0,
    }));
  const activity = mk();
  const tokens = mk();
  const bucket = `CAST(floor((epoch_ms(time) - ${start}) / ${size}) AS BIGINT)`;
  const inWindow = `epoch_ms(time) >= ${start} AND epoch_ms(time) <= ${hi}`;
  const isActor = (kind: string, col: string) =>
    `${col} IN (SELECT id FROM ${ACTOR_TABLE} WHERE kind = '${kind}')`;
  const rows = await db.all(
    `SELECT b, sum(n) AS n, sum(a) AS a, sum(tok) AS tok, sum(atok) AS atok FROM (
       SELECT ${bucket} AS b, count(*) AS n, count(*) FILTER (WHERE ${isActor('event', 'coalesce(event_id, uid)')}) AS a,
              0 AS tok, 0 AS atok
         FROM events WHERE ${inWindow} GROUP BY 1
       UNION ALL
       SELECT ${bucket}, count(*), count(*) FILTER (WHERE ${isActor('request', 'coalesce(request_id, uid)')}),
              sum(coalesce(input_tokens, 0) + coalesce(output_tokens, 0)),
              sum(coalesce(input_tokens, 0) + coalesce(output_tokens, 0)) FILTER (WHERE ${isActor('request', 'coalesce(request_id, uid)')})
         FROM invocations WHERE ${inWindow} GROUP BY 1
       UNION ALL
       SELECT ${bucket}, count(*), count(*) FILTER (WHERE ${isActor('trace', 'trace_id')} OR ${isActor('session', 'session_id')}),
              0, 0
         FROM agent_steps WHERE ${inWindow} GROUP BY 1
       UNION ALL
       SELECT ${bucket}, count(*), 0, 0, 0 FROM kb_events WHERE ${inWindow} GROUP BY 1)
     GROUP BY b ORDER BY b`,
  );
  for (const r of rows) {
    const i = Number(r.b);
    if (!(i >= 0 && i < n)) continue;
    activity[i]!.total = Number(r.n ?? 0);
    activity[i]!.actor = Number(r.a ?? 0);
    tokens[i]!.total = Number(r.tok ?? 0);
    tokens[i]!.actor = Number(r.atok ?? 0);
  }
  const minutes = size / 60_000;
  return {
    activity,
    tokens,
    bucketMinutes: minutes,
    note:
      `buckets of ${minutes >= 60 ? `${minutes / 60} hour(s)` : `${minutes} minutes`} over the coverage window; ` +
      'activity counts CloudTrail records, model invocations, agent trace parts and knowledge-base log events; ' +
      'tokens are input + output tokens of logged model invocations (calls seen only in CloudTrail carry none)',
  };
}
