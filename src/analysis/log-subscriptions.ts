/**
 * Element `infrastructure-changes` (with `private-data`): a CloudWatch Logs subscription filter that
 * streams a log group to another account that is not the organisation's
 * (`infrastructure.log-subscription-outside`).
 *
 * A subscription filter copies every new line of the group to its destination (a CloudWatch Logs
 * destination, a Kinesis or Firehose stream, a Lambda function); a destination in an account the
 * organisation does not own is data leaving it, line after line, until the filter is removed. When
 * the group holds the model-invocation logs (the invocation-logging configuration in the evidence
 * names it, the same session looked that configuration up first, or its name says so) what leaves is
 * every prompt and answer: private data. The finding cites the session's reads of the group, its
 * rejected attempts, and what it did to the group around the change (a retention cut or a deletion:
 * the copy the organisation keeps destroyed). Which accounts are the organisation's is learnt as in
 * data-exposure.ts; a planned change in whose window it falls that names the destination's account
 * explains it.
 */
import type { Element } from '../model/types.js';
import { sqlTime } from '../store/case-store.js';
import {
  actorOf,
  applyContext,
  type Candidate,
  clientOf,
  type Env,
  loadEvents,
  nameOf,
  principalsOf,
} from './context.js';
import { orgAccounts, plannedFor } from './data-exposure.js';

/** group names that say they hold model prompts and answers */
const INVOCATION_GROUP = /bedrock|invocation|prompt|genai|\bllm/i;
/** the session's records around the change that are cited with it */
const AROUND_MIN = 60;
const MAX_RELATED = 500;

const DEST_ACCOUNT = /^arn:aws[a-z-]*:(?:logs|firehose|kinesis|lambda):[a-z0-9-]*:(\d{12}):/;

const str = (v: unknown): string | null =>
  typeof v === 'string' && v.length > 0 && v.length < 2048 ? v : null;

/** The log groups model-invocation logging writes to, as the evidence shows its configuration. */
async function invocationLogGroups(env: Env): Promise<Set<string>> {
  const rows = await env.db.all(
    `SELECT DISTINCT request_parameters->>'$.loggingConfig.cloudWatchConfig.logGroupName' AS g FROM events
     WHERE service = 'bedrock.amazonaws.com' AND action = 'PutModelInvocationLoggingConfiguration'
       AND (request_parameters->>'$.loggingConfig.cloudWatchConfig.logGroupName') IS NOT NULL
     UNION SELECT DISTINCT response_elements->>'$.loggingConfig.cloudWatchConfig.logGroupName' FROM events
     WHERE service = 'bedrock.amazonaws.com' AND action = 'GetModelInvocationLoggingConfiguration'
       AND (response_elements->>'$.loggingConfig.cloudWatchConfig.logGroupName') IS NOT NULL
     ORDER BY g`,
  );
  return new Set(rows.map((r) => String(r.g)));
}

export async function logSubscriptionsOutside(env: Env): Promise<Candidate[]> {
  const subs = await loadEvents(
    env.db,
    `service = 'logs.amazonaws.com' AND action = 'PutSubscriptionFilter' AND error_code IS NULL`,
    [],
    { resp: false, extra: false },
  );
  if (!subs.length) return [];
  const own = await orgAccounts(env, []);
  const configured = await invocationLogGroups(env);
  const done = new Set<string>();
  const out: Candidate[] = [];
  for (const s of subs) {
    const group = str(s.req?.logGroupName);
    const dest = str(s.req?.destinationArn);
    const destAcct = dest ? DEST_ACCOUNT.exec(dest)?.[1] : undefined;
    const acct = s.account ?? /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(s.identityArn ?? '')?.[1] ?? null;
    if (!group || !dest || !destAcct || destAcct === acct || own.has(destAcct)) continue;
    const k = `${s.accessKeyId}\u0000${s.sourceIp}\u0000${group}\u0000${dest}`;
    if (done.has(k)) continue;
    done.add(k);
    // what the same session did around it: its reads of the group, other attempts, retention or deletion
    const related = s.accessKeyId
      ? await loadEvents(
          env.db,
          `access_key_id = $1 AND coalesce(source_ip, '') = $2
           AND time >= CAST($3 AS TIMESTAMP) - INTERVAL ${AROUND_MIN} MINUTE
           AND time <= CAST($3 AS TIMESTAMP) + INTERVAL ${AROUND_MIN} MINUTE
           AND ((service = 'logs.amazonaws.com' AND json_extract_string(request_parameters, '$.logGroupName') = $4)
             OR action IN ('GetModelInvocationLoggingConfiguration', 'GetCallerIdentity'))`,
          [s.accessKeyId, s.sourceIp ?? '', sqlTime(s.time), group],
          { resp: false, extra: false },
        )
      : [];
    const rows = [...new Map([...related.slice(0, MAX_RELATED), s].map((r) => [r.uid, r])).values()].sort(
      (a, b) => a.time.localeCompare(b.time) || a.uid.localeCompare(b.uid),
    );
    const lookedUp = rows.some(
      (r) => r.action === 'GetModelInvocationLoggingConfiguration' && r.time <= s.time,
    );
    const how = configured.has(group)
      ? 'the invocation-logging configuration names it'
      : lookedUp
        ? 'the same session looked up the invocation-logging configuration first'
        : INVOCATION_GROUP.test(group)
          ? 'its name'
          : null;
    const cut = rows.filter(
      (r) =>
        !r.errorCode &&
        r.time >= s.time &&
        (r.action === 'DeleteLogGroup' ||
          (r.action === 'PutRetentionPolicy' &&
            Number(r.req?.retentionInDays) > 0 &&
            Number(r.req?.retentionInDays) <= 30)),
    );
    const attempts = rows.filter((r) => r.action === 'PutSubscriptionFilter' && r.errorCode);
    const reads = rows.filter((r) =>
      /^(FilterLogEvents|GetLogEvents|StartQuery|GetQueryResults)$/.test(r.action),
    );
    const triage = [
      `destination ${dest} is in account ${destAcct}, which is not one of the organisation's`,
      how
        ? `${group} holds the model-invocation logs (${how}): every prompt and answer logged from then on is sent there`
        : `every line logged to ${group} from then on is sent there`,
    ];
    if (attempts.length) triage.push(`${attempts.length} rejected attempt(s) to subscribe the group before`);
    if (reads.length) triage.push(`the session read the group's events ${reads.length} time(s)`);
    for (const r of cut)
      triage.push(
        r.action === 'DeleteLogGroup'
          ? `the session then deleted ${group}: the organisation's own copy is gone`
          : `the session then cut the group's retention to ${r.req?.retentionInDays} days: the organisation's own copy is destroyed`,
      );
    const elements: Element[] = ['infrastructure-changes', ...(how ? (['private-data'] as const) : [])];
    const c: Candidate = {
      ruleId: 'infrastructure.log-subscription-outside',
      title: `Log group ${group} subscribed to a destination in outside account ${destAcct}`,
      description:
        `${nameOf(s.identityArn)} from ${s.sourceIp} (${clientOf(s.userAgent)}) added subscription filter ` +
        `${str(s.req?.filterName) ?? ''} on ${group} with destination ${dest} (account ${destAcct}, not the organisation's)` +
        (how ? '; the group holds the model-invocation logs, so prompts and answers stream out' : '') +
        (cut.length ? `; then ${cut.map((r) => r.action).join(', ')} on the group` : '') +
        '.',
      severity: 'high',
      strength: 'hard',
      ifActor: 'high',
      elements,
      ...(how ? { components: ['foundation-models' as const] } : {}),
      times: rows.map((r) => r.time),
      principals: [...new Set(rows.flatMap(principalsOf))],
      accessKeyIds: [s.accessKeyId],
      sourceIps: [s.sourceIp],
      resources: [group, dest],
      attack: ['T1537', 'T1020', ...(cut.length ? ['T1070'] : [])],
      evidence: { eventIds: rows.map((r) => r.eventId) },
      actors: [actorOf(s)],
      triage,
      details: {
        logGroup: group,
        destination: dest,
        destinationAccount: destAcct,
        filterName: str(s.req?.filterName),
        invocationLogs: how,
        retentionCut: cut.map((r) => ({
          time: r.time,
          action: r.action,
          days: Number(r.req?.retentionInDays) || null,
        })),
      },
    };
    applyContext(c, plannedFor(env.entries, s.time, [destAcct]));
    out.push(c);
  }
  return out;
}
