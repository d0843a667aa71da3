/**
 * Changes made by CloudFormation on someone's behalf, traced back to who started the stack
 * operation.
 *
 * A stack update runs as the stack's service role (`invokedBy: cloudformation.amazonaws.com`,
 * session `AWSCloudFormation`) or, without one, as the caller's credentials with CloudFormation as
 * the source address; a custom resource runs as its Lambda function's role. Either way the record
 * of the change names CloudFormation or a function, not the person who ran `UpdateStack` or
 * `ExecuteChangeSet`. A responder asks "who started this stack operation?": this module answers
 * for every change candidate made that way, and gives the candidate that person's session (key,
 * address, principal) and the stack operation's records as evidence, so that correlation and
 * scoping follow the person.
 *
 * The link:
 * - the change was made by CloudFormation: `invokedBy` is CloudFormation, or its session key was
 *   issued by an `AssumeRole` CloudFormation made;
 * - or by a custom resource: its session key was issued to Lambda, and every record of that role
 *   in the evidence falls within minutes after some stack operation (a function that only ever
 *   works while stacks change);
 * - the stack operation is the last one (ExecuteChangeSet, UpdateStack, CreateStack, DeleteStack,
 *   ContinueUpdateRollback, RollbackStack) in the same account and Region that started at most
 *   two hours before the change (15 minutes for a custom resource), preferring one that passed the
 *   same service role (`roleARN` of the operation or of its change set).
 */
import type { Candidate, CtRow, Env } from './context.js';
import { actionList, actorOf, isPublicIp, loadEvents, principalsOf } from './context.js';

/** Minutes from a to b (negative when b is earlier). */
const minutesAfter = (a: string, b: string): number => (Date.parse(b) - Date.parse(a)) / 60_000;

const CFN = 'cloudformation.amazonaws.com';
/** the CloudFormation calls that run a stack's changes */
export const STACK_OPERATIONS = [
  'ExecuteChangeSet',
  'UpdateStack',
  'CreateStack',
  'DeleteStack',
  'ContinueUpdateRollback',
  'RollbackStack',
];
/** how long after the operation started a change by the stack's role is still that operation's */
const STACK_WINDOW_MIN = 120;
/** custom resources run at the start of the resource's update */
const CUSTOM_RESOURCE_WINDOW_MIN = 15;

interface StackOp {
  row: CtRow;
  stack: string | null;
  role: string | null;
  /** the change set's creation, when the operation executed one */
  prepared: CtRow | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/** `arn:aws:cloudformation:r:a:stack/name/id` or a bare name → the stack's name. */
export function stackNameOf(s: string | null): string | null {
  if (!s) return null;
  const m = /^arn:[^:]+:cloudformation:[^:]*:[^:]*:stack\/([^/]+)/.exec(s);
  return m ? m[1] : s;
}

async function stackOperations(env: Env): Promise<StackOp[]> {
  const rows = await loadEvents(
    env.db,
    `service = '${CFN}' AND action IN (${actionList([...STACK_OPERATIONS, 'CreateChangeSet'])}) AND error_code IS NULL`,
    [],
    { extra: false },
  );
  rows.sort((a, b) => a.time.localeCompare(b.time) || a.uid.localeCompare(b.uid));
  // change sets by their ARN (the response's id) and by stack and name
  const sets = new Map<string, CtRow>();
  for (const r of rows) {
    if (r.action !== 'CreateChangeSet') continue;
    const id = str(r.resp?.id);
    if (id) sets.set(id, r);
    const stack = stackNameOf(str(r.req?.stackName) ?? str(r.resp?.stackId));
    const name = str(r.req?.changeSetName);
    if (stack && name) sets.set(`${r.account}\u0000${stack}\u0000${name}`, r);
  }
  const out: StackOp[] = [];
  for (const r of rows) {
    if (r.action === 'CreateChangeSet') continue;
    let prepared: CtRow | null = null;
    let stack = stackNameOf(str(r.req?.stackName) ?? str(r.resp?.stackId));
    if (r.action === 'ExecuteChangeSet') {
      const cs = str(r.req?.changeSetName);
      prepared =
        (cs && (sets.get(cs) ?? (stack ? sets.get(`${r.account}\u0000${stack}\u0000${cs}`) : null))) || null;
      if (prepared && prepared.time > r.time) prepared = null;
      stack ??= stackNameOf(str(prepared?.req?.stackName) ?? str(prepared?.resp?.stackId));
    }
    out.push({ row: r, stack, role: str(r.req?.roleARN) ?? str(prepared?.req?.roleARN), prepared });
  }
  return out;
}

/** Session keys issued by AssumeRole calls that CloudFormation or Lambda made: key → who. */
async function serviceSessions(env: Env, keys: string[]): Promise<Map<string, 'cloudformation' | 'lambda'>> {
  const out = new Map<string, 'cloudformation' | 'lambda'>();
  if (!keys.length) return out;
  const rows = await env.db.all(
    `SELECT response_elements->>'$.credentials.accessKeyId' AS k, coalesce(invoked_by, identity_arn, source_ip) AS who
     FROM events WHERE action = 'AssumeRole' AND error_code IS NULL
       AND (response_elements->>'$.credentials.accessKeyId') IN (${actionList(keys)})
     ORDER BY 1, 2`,
  );
  for (const r of rows) {
    const who = String(r.who ?? '');
    if (who === CFN) out.set(String(r.k), 'cloudformation');
    else if (who === 'lambda.amazonaws.com') out.set(String(r.k), 'lambda');
  }
  return out;
}

/** Roles whose every record in the evidence falls within minutes after a stack operation. */
async function stackOnlyRoles(env: Env, roles: string[], ops: StackOp[]): Promise<Set<string>> {
  const out = new Set<string>();
  if (!roles.length || !ops.length) return out;
  const rows = await env.db.all(
    `SELECT identity_arn AS role, strftime(time, '%Y-%m-%dT%H:%M:%S.%gZ') AS t, coalesce(recipient_account, account) AS account
     FROM events WHERE identity_arn IN (${actionList(roles)}) ORDER BY 1, 2`,
  );
  const byRole = new Map<string, Array<{ t: string; account: string | null }>>();
  for (const r of rows) {
    const k = String(r.role);
    if (!byRole.has(k)) byRole.set(k, []);
    byRole.get(k)!.push({ t: String(r.t), account: r.account ? String(r.account) : null });
  }
  for (const [role, recs] of byRole) {
    const inside = recs.every((x) =>
      ops.some((o) => {
        const m = minutesAfter(o.row.time, x.t);
        return o.row.account === x.account && m >= 0 && m <= CUSTOM_RESOURCE_WINDOW_MIN;
      }),
    );
    if (inside) out.add(role);
  }
  return out;
}

/**
 * Gives each change candidate made by CloudFormation (or a stack's custom resource) the session
 * that started the stack operation: its actor, principals, key, address and records.
 * Mutates the candidates; returns how many were linked.
 */
export async function linkStackOperations(env: Env, cands: Candidate[]): Promise<number> {
  const ids = new Set<string>();
  for (const c of cands) for (const e of c.evidence.eventIds ?? []) if (e) ids.add(e);
  if (!ids.size) return 0;
  // no stack operation in the evidence: nothing to link (and the cited records need not be read)
  const ops = await stackOperations(env);
  if (!ops.length) return 0;
  const all = [...ids];
  const cited: CtRow[] = [];
  for (let i = 0; i < all.length; i += 2000)
    cited.push(
      ...(await loadEvents(env.db, `event_id IN (${actionList(all.slice(i, i + 2000))})`, [], {
        req: false,
        resp: false,
        extra: false,
      })),
    );
  const byId = new Map(cited.map((r) => [r.eventId, r]));
  const sessionKeys = [
    ...new Set(cited.map((r) => r.accessKeyId ?? '').filter((k) => k.startsWith('ASIA'))),
  ].sort();
  const issuedTo = await serviceSessions(env, sessionKeys);
  const viaCfn = (r: CtRow): boolean =>
    r.invokedBy === CFN ||
    r.sourceIp === CFN ||
    (r.accessKeyId ? issuedTo.get(r.accessKeyId) === 'cloudformation' : false);
  const viaLambda = (r: CtRow): boolean => (r.accessKeyId ? issuedTo.get(r.accessKeyId) === 'lambda' : false);
  if (!cited.some((r) => viaCfn(r) || viaLambda(r))) return 0;
  const lambdaRoles = [
    ...new Set(
      cited
        .filter(viaLambda)
        .map((r) => r.identityArn ?? '')
        .filter(Boolean),
    ),
  ].sort();
  const customResource = await stackOnlyRoles(env, lambdaRoles, ops);

  const opFor = (r: CtRow): { op: StackOp; how: 'stack role' | 'custom resource' } | null => {
    const cfn = viaCfn(r);
    if (!cfn && !(viaLambda(r) && customResource.has(r.identityArn ?? ''))) return null;
    const window = cfn ? STACK_WINDOW_MIN : CUSTOM_RESOURCE_WINDOW_MIN;
    const near = ops.filter((o) => {
      const m = minutesAfter(o.row.time, r.time);
      return o.row.account === r.account && o.row.region === r.region && m >= 0 && m <= window;
    });
    if (!near.length) return null;
    const sameRole = cfn && r.identityArn ? near.filter((o) => o.role === r.identityArn) : [];
    const pick = (sameRole.length ? sameRole : near)[(sameRole.length ? sameRole : near).length - 1];
    return { op: pick, how: cfn ? 'stack role' : 'custom resource' };
  };

  let linked = 0;
  for (const c of cands) {
    const rows = (c.evidence.eventIds ?? [])
      .map((e) => (e ? byId.get(e) : undefined))
      .filter((r): r is CtRow => !!r);
    const found = new Map<string, { op: StackOp; how: string }>();
    for (const r of rows) {
      const m = opFor(r);
      if (m) found.set(m.op.row.uid, m);
    }
    if (!found.size) continue;
    linked++;
    const eventIds = new Set((c.evidence.eventIds ?? []).filter((x): x is string => !!x));
    const principals = new Set((c.principals ?? []).filter((x): x is string => !!x));
    const keys = new Set((c.accessKeyIds ?? []).filter((x): x is string => !!x));
    const ips = new Set((c.sourceIps ?? []).filter((x): x is string => !!x));
    const resources = new Set((c.resources ?? []).filter((x): x is string => !!x));
    const ops: Array<Record<string, string | null>> = [];
    for (const { op, how } of [...found.values()].sort((a, b) =>
      a.op.row.time.localeCompare(b.op.row.time),
    )) {
      for (const r of [op.prepared, op.row]) {
        if (!r) continue;
        eventIds.add(r.eventId);
        for (const p of principalsOf(r)) principals.add(p);
        if (r.accessKeyId) keys.add(r.accessKeyId);
        if (isPublicIp(r.sourceIp)) ips.add(r.sourceIp);
        if (!c.actors.some((a) => a.key === r.accessKeyId && a.ip === r.sourceIp)) c.actors.push(actorOf(r));
      }
      if (op.stack) resources.add(op.stack);
      const who = op.row.principalArn ?? op.row.identityArn ?? 'an unknown principal';
      c.triage.push(
        `made by CloudFormation (${how}) for stack ${op.stack ?? '(unnamed)'}, whose ${op.row.action} at ${op.row.time} was called by ${who}${op.row.sourceIp ? ` from ${op.row.sourceIp}` : ''}`,
      );
      ops.push({
        action: op.row.action,
        eventId: op.row.eventId,
        time: op.row.time,
        stack: op.stack,
        by: who,
        sourceIp: op.row.sourceIp,
        via: how,
      });
    }
    c.evidence = { ...c.evidence, eventIds: [...eventIds] };
    c.principals = [...principals];
    c.accessKeyIds = [...keys];
    c.sourceIps = [...ips];
    c.resources = [...resources];
    c.details = { ...(c.details ?? {}), stackOperations: ops };
  }
  return linked;
}
