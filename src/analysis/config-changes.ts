/**
 * Configuration changes that explain a switch seen in an application's model calls (a new system
 * prompt, another guardrail version): parameters and secrets written shortly before that the
 * application's principal read after the write, and updates of the function the calls come from.
 */
import type { Json } from '../model/types.js';
import { isoSql, type Queryable, sqlTime } from '../store/case-store.js';

/** How long before a switch's first use a configuration change may explain it. */
const CHANGE_LOOKBACK_MIN = 180;
/**
 * How long before the switch's first use an update of the application's own function may explain it:
 * an update replaces the execution environments, which answer with the new configuration at once
 * (an older deploy of the same function is a release of its own).
 */
const FUNCTION_UPDATE_MIN = 10;
/** How long after the switch's first use the application's read of the change may come. */
const READ_AFTER_FIRST_USE_MIN = 15;

export interface ChangeEvent {
  eventId: string;
  time: string;
  action: string;
  resource: string;
  principal: string | null;
}

/** The changes as a finding's details list them. */
export function changeDetails(changes: readonly ChangeEvent[]): Json {
  return changes.map((c) => ({
    eventId: c.eventId,
    time: c.time,
    action: c.action,
    resource: c.resource,
    principal: c.principal,
  })) as unknown as Json;
}

/** The role session an assumed-role ARN names (a Lambda function's name for its execution role). */
function sessionOf(arn: string): string | null {
  return /:assumed-role\/[^/]+\/([^/]+)$/.exec(arn)?.[1] ?? null;
}

/**
 * Configuration changes that explain a prompt the application started using at `first`: parameters
 * and secrets written in the hours before that the application's principal read between the write
 * and shortly after `first`, and updates of the function its calls come from (the role session of
 * a function's execution role is the function's name). Also the application's reads of them.
 */
export async function changesBefore(
  db: Queryable,
  identity: string,
  loggedIdentity: string,
  first: string,
): Promise<{ changes: ChangeEvent[]; reads: string[] }> {
  const t = sqlTime(first);
  const writes = await db.all(
    `SELECT event_id, ${isoSql('time')} AS t, action, identity_arn,
            coalesce(json_extract_string(request_parameters, '$.name'),
                     json_extract_string(request_parameters, '$.secretId')) AS res
     FROM events
     WHERE action IN ('PutParameter', 'LabelParameterVersion', 'PutSecretValue', 'UpdateSecret', 'UpdateSecretVersionStage')
       AND error_code IS NULL
       AND time BETWEEN CAST($1 AS TIMESTAMP) - INTERVAL ${CHANGE_LOOKBACK_MIN} MINUTE AND CAST($1 AS TIMESTAMP)
     ORDER BY time, event_id LIMIT 200`,
    [t],
  );
  const changes: ChangeEvent[] = [];
  const reads = new Set<string>();
  for (const w of writes) {
    const res = w.res ? String(w.res) : '';
    if (!res) continue;
    const read = await db.all(
      `SELECT event_id FROM events
       WHERE identity_arn = $1 AND error_code IS NULL
         AND action IN ('GetParameter', 'GetParameters', 'GetParametersByPath', 'GetSecretValue', 'BatchGetSecretValue')
         AND time >= CAST($2 AS TIMESTAMP)
         AND time <= CAST($3 AS TIMESTAMP) + INTERVAL ${READ_AFTER_FIRST_USE_MIN} MINUTE
         AND contains(CAST(request_parameters AS VARCHAR), $4)
       ORDER BY time, event_id LIMIT 20`,
      [identity, sqlTime(String(w.t)), t, res],
    );
    if (!read.length) continue;
    for (const r of read) reads.add(String(r.event_id));
    changes.push({
      eventId: String(w.event_id),
      time: String(w.t),
      action: String(w.action),
      resource: res,
      principal: w.identity_arn ? String(w.identity_arn) : null,
    });
  }
  const fn = sessionOf(loggedIdentity);
  if (fn) {
    for (const r of await db.all(
      `SELECT event_id, ${isoSql('time')} AS t, action, identity_arn,
              json_extract_string(request_parameters, '$.functionName') AS f
       FROM events
       WHERE service IN ('lambda', 'lambda.amazonaws.com') AND error_code IS NULL
         AND (action LIKE 'UpdateFunctionConfiguration%' OR action LIKE 'UpdateFunctionCode%')
         AND time BETWEEN CAST($1 AS TIMESTAMP) - INTERVAL ${FUNCTION_UPDATE_MIN} MINUTE AND CAST($1 AS TIMESTAMP)
       ORDER BY time, event_id LIMIT 200`,
      [t],
    )) {
      const f = r.f ? String(r.f) : '';
      if (f !== fn && !f.endsWith(`:function:${fn}`)) continue;
      changes.push({
        eventId: String(r.event_id),
        time: String(r.t),
        action: String(r.action),
        resource: fn,
        principal: r.identity_arn ? String(r.identity_arn) : null,
      });
    }
  }
  changes.sort((a, b) => a.time.localeCompare(b.time) || a.eventId.localeCompare(b.eventId));
  return { changes, reads: [...reads].sort() };
}
