/**
 * One timeline across control plane, data plane, agent traces, KB logs and external findings:
 * every finding at its first record, and the actor's records, marked.
 */
import type { Finding, TimelineEntry } from '../model/types.js';
import { isoSql, type Queryable, sqlString } from '../store/case-store.js';
import { rowsWhere, withRowIdFilters } from './context.js';
import { API_CALL_COLUMNS, apiCallOf } from './principals.js';
import type { ActorRecords } from './scope.js';

const MAX_ACTOR_ENTRIES = 5000;

export async function buildTimeline(
  db: Queryable,
  findings: Finding[],
  actor: ActorRecords,
): Promise<TimelineEntry[]> {
  const out: TimelineEntry[] = [];
  for (const f of findings) {
    const e: TimelineEntry = {
      time: f.firstSeen,
      summary: `[${f.severity}] ${f.title}`,
      elements: f.elements,
      findingIds: [f.id],
      evidence: f.evidence,
      source: 'finding',
    };
    if (f.details?.declared) e.declared = String(f.details.declared);
    out.push(e);
  }
  const ids = actor.eventIds.slice(0, MAX_ACTOR_ENTRIES);
  if (ids.length) {
    // by row id: an IN list is not pushed into the scan, and API_CALL_COLUMNS reads `raw`
    const rows = await withRowIdFilters(db, () =>
      db.all(
        `SELECT event_id, ${isoSql('time')} AS t, action, service, source_ip, identity_arn, error_code, region, ${API_CALL_COLUMNS}
         FROM events WHERE ${rowsWhere('events', `event_id IN (${ids.map(sqlString).join(',')})`)}
         ORDER BY time, event_id`,
      ),
    );
    for (const r of rows) {
      out.push({
        time: String(r.t),
        summary: `${r.action} (${String(r.service).replace('.amazonaws.com', '')}, ${r.region}) by ${r.identity_arn ?? '?'} from ${r.source_ip ?? '?'}${r.error_code ? ` failed: ${r.error_code}` : ''}`,
        evidence: { eventIds: [String(r.event_id)] },
        source: 'cloudtrail',
        actor: true,
        api: apiCallOf(r),
      } as TimelineEntry);
    }
  }
  const reqs = actor.requestIds.slice(0, MAX_ACTOR_ENTRIES);
  if (reqs.length) {
    const rows = await db.all(
      `SELECT request_id, ${isoSql('time')} AS t, operation, model_id, guardrail_action, client_ip, input_tokens, output_tokens
       FROM invocations WHERE request_id IN (${reqs.map(sqlString).join(',')}) ORDER BY time, request_id`,
    );
    for (const r of rows) {
      out.push({
        time: String(r.t),
        summary: `${r.operation} ${r.model_id} (${r.input_tokens ?? '?'} in / ${r.output_tokens ?? '?'} out tokens${r.guardrail_action === 'INTERVENED' ? ', guardrail intervened' : ''})${r.client_ip ? ` for client ${r.client_ip}` : ''}`,
        evidence: { requestIds: [String(r.request_id)] },
        source: 'invocation',
        actor: true,
      });
    }
  }
  out.sort((a, b) => a.time.localeCompare(b.time) || a.summary.localeCompare(b.summary));
  return out;
}
