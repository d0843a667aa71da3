/**
 * What the actor set up to act for it: roles it created (and passed to a service: a state machine's
 * role, a schedule's role, a function's role) and the workflows it created that services start on a
 * schedule. A role created by the actor was nobody else's: every later session of it (a service
 * acting as the role, long after the actor's own credentials expired) acts for the actor, and so do
 * the executions a scheduler or rule starts of a state machine the actor created. The buckets such a
 * role's policy grants and a schedule's or rule's input names are what that machinery reads and
 * writes: often another account's bucket, whose data events are not in this account's trails.
 */

import { type Queryable, sqlString, sqlTime } from '../store/case-store.js';
import { jsonObject } from './context.js';

type Row = Record<string, unknown>;

export interface CreatedRole {
  arn: string;
  name: string;
  /** ISO time of the CreateRole call */
  created: string;
}

export interface DelegatedReach {
  roles: CreatedRole[];
  /** records of the created roles' sessions, and service-started executions of the actor's state machines */
  events: Row[];
  /** SQL condition on table `invocations` for the created roles' model calls ('' when none) */
  invocationWhere: string;
  /** state machines and schedules / rules the actor created (ARNs from the answers) */
  workflows: string[];
  /** buckets the created roles' policies grant and the actor's schedule or rule inputs name */
  buckets: string[];
  notes: string[];
}

/** at most this many created roles or workflows are followed */
const MAX_FOLLOWED = 25;
/** policy documents and target inputs longer than this are not read */
const MAX_DOC = 20_000;
const S3_ARN = /^arn:aws[a-z-]*:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/.*)?$/;
const S3_URI = /s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?=\/|"|'|\s|$)/g;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/**
 * A workload's execution environment writing its own logs (a function's log streams at each cold
 * start): the service's routine work as the role, not an act.
 */
function ownLogging(r: Row): boolean {
  return (
    r.service === 'logs.amazonaws.com' &&
    /^(CreateLogGroup|CreateLogStream|PutLogEvents)$/.test(String(r.action))
  );
}
const EXECUTIONS = new Set(['StartExecution', 'StartSyncExecution']);

function text(v: unknown): string | null {
  if (typeof v !== 'string' || !v || v.length > MAX_DOC) return null;
  if (/^%7B/i.test(v)) {
    try {
      return decodeURIComponent(v);
    } catch {
      return null;
    }
  }
  return v;
}

/** Buckets an IAM policy document allows access to (S3 ARNs without wildcards in the bucket name). */
export function policyBuckets(doc: unknown): string[] {
  const t = typeof doc === 'string' ? text(doc) : null;
  const o = t ? jsonObject(t) : jsonObject(doc);
  if (!o) return [];
  const st = Array.isArray(o.Statement) ? o.Statement : o.Statement ? [o.Statement] : [];
  const out = new Set<string>();
  for (const s of st.slice(0, 50)) {
    const x = jsonObject(s);
    if (!x || x.Effect !== 'Allow') continue;
    const res = Array.isArray(x.Resource) ? x.Resource : [x.Resource];
    for (const r of res.slice(0, 100)) {
      const m = typeof r === 'string' ? S3_ARN.exec(r) : null;
      if (m) out.add(m[1]);
    }
  }
  return [...out].sort();
}

/** Buckets named as `s3://bucket/...` in a schedule's or rule target's input text. */
export function inputBuckets(input: unknown): string[] {
  const t = text(input);
  if (!t) return [];
  return [...new Set([...t.matchAll(S3_URI)].map((m) => m[1]))].sort();
}

/** The role a successful CreateRole record created, by ARN. */
export function createdRoleOf(r: Row): CreatedRole | null {
  if (r.error_code || String(r.action) !== 'CreateRole') return null;
  const re = jsonObject(jsonObject(r.response_elements)?.role);
  const name = jsonObject(r.request_parameters)?.roleName;
  const acct = [r.recipient_account, r.account].find((a) => typeof a === 'string' && /^\d{12}$/.test(a));
  let arn = typeof re?.arn === 'string' && ROLE_ARN.test(re.arn) ? re.arn : null;
  if (!arn && typeof name === 'string' && ROLE_NAME.test(name) && acct)
    arn = `arn:aws:iam::${acct}:role/${name}`;
  const m = arn ? ROLE_ARN.exec(arn) : null;
  if (!arn || !m) return null;
  return { arn, name: m[2], created: String(r.t) };
}

/** Targets (input texts) of a CreateSchedule / UpdateSchedule / PutTargets request. */
function targetInputs(r: Row): unknown[] {
  const rp = jsonObject(r.request_parameters);
  if (!rp) return [];
  const out: unknown[] = [];
  const t = jsonObject(rp.target);
  if (t) out.push(t.input, t.Input);
  const ts = Array.isArray(rp.targets) ? rp.targets : Array.isArray(rp.Targets) ? rp.Targets : [];
  for (const x of ts.slice(0, 10)) {
    const o = jsonObject(x);
    if (o) out.push(o.input, o.Input);
  }
  return out.filter((x) => typeof x === 'string');
}

/** The ARN a successful create of a workflow or schedule answered with. */
function workflowOf(r: Row): string | null {
  if (r.error_code) return null;
  const re = jsonObject(r.response_elements);
  for (const k of ['stateMachineArn', 'scheduleArn', 'ruleArn', 'RuleArn']) {
    const v = re?.[k];
    if (typeof v === 'string' && /^arn:aws[a-z-]*:(states|scheduler|events):/.test(v) && v.length < 512)
      return v;
  }
  return null;
}

export async function delegatedReach(
  db: Queryable,
  actorEvents: Row[],
  columns: string,
): Promise<DelegatedReach> {
  const roles: CreatedRole[] = [];
  const seen = new Set<string>();
  for (const r of actorEvents) {
    const c = createdRoleOf(r);
    if (c && !seen.has(c.arn) && roles.length < MAX_FOLLOWED) {
      seen.add(c.arn);
      roles.push(c);
    }
  }
  const names = new Set(roles.map((x) => x.name));
  const buckets = new Set<string>();
  const workflows = new Set<string>();
  const machines = new Set<string>();
  for (const r of actorEvents) {
    if (r.error_code) continue;
    const action = String(r.action);
    const rp = jsonObject(r.request_parameters);
    if (action === 'PutRolePolicy' && names.has(String(rp?.roleName)))
      for (const b of policyBuckets(rp?.policyDocument)) buckets.add(b);
    if (/^(CreateSchedule|UpdateSchedule|PutTargets)$/.test(action))
      for (const i of targetInputs(r)) for (const b of inputBuckets(i)) buckets.add(b);
    const w = workflowOf(r);
    if (w && workflows.size < MAX_FOLLOWED) {
      workflows.add(w);
      if (/:states:[^:]*:\d{12}:stateMachine:/.test(w)) machines.add(w);
    }
  }
  const notes: string[] = [];
  const prefixes = roles.map((x) => {
    const acct = ROLE_ARN.exec(x.arn)?.[1] ?? '';
    return { role: x, prefix: `arn:aws:sts::${acct}:assumed-role/${x.name}/` };
  });
  // the created roles' sessions from their creation on (events here, model calls for the caller)
  const byRole = prefixes
    .map(
      (p) =>
        `(starts_with(principal_arn, ${sqlString(p.prefix)}) AND time >= CAST(${sqlString(sqlTime(p.role.created))} AS TIMESTAMP))`,
    )
    .join(' OR ');
  const conds: string[] = [];
  if (byRole) conds.push(`(${byRole})`);
  // executions of the actor's state machines that a service started (a schedule, a rule)
  if (machines.size)
    conds.push(
      `(action IN ('StartExecution', 'StartSyncExecution') AND invoked_by IS NOT NULL
        AND (request_parameters->>'$.stateMachineArn') IN (${[...machines].map(sqlString).join(', ')}))`,
    );
  const known = new Set(actorEvents.map((r) => String(r.uid)));
  const events = conds.length
    ? (
        await db.all(
          `SELECT ${columns} FROM events
           WHERE (${conds.join(' OR ')}) AND coalesce(principal_type, '') NOT IN ('AWSService')
           ORDER BY time, uid`,
        )
      ).filter((r) => !known.has(String(r.uid)) && !ownLogging(r))
    : [];
  for (const p of prefixes) {
    const n = events.filter((r) => String(r.principal_arn ?? '').startsWith(p.prefix)).length;
    if (n)
      notes.push(
        `the actor created role ${p.role.arn} at ${p.role.created}: ${n} later record(s) of its sessions act for the actor`,
      );
  }
  const started = events.filter((r) => EXECUTIONS.has(String(r.action)) && r.invoked_by).length;
  if (started)
    notes.push(
      `${started} execution(s) of state machine(s) the actor created were started by a service (a schedule or rule): ${[...machines].sort().join(', ')}`,
    );
  if (buckets.size)
    notes.push(
      `bucket(s) the actor's roles may use or its schedules name: ${[...buckets].sort().join(', ')} (reads and writes of another account's bucket are not in this account's trails)`,
    );
  return {
    roles,
    events,
    invocationWhere: byRole,
    workflows: [...workflows].sort(),
    buckets: [...buckets].sort(),
    notes,
  };
}
