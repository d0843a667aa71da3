/**
 * Element `access` (with `infrastructure-changes`): a role's trust opened to an account outside the
 * organisation, and that account using it.
 *
 * - `access.trust-opened-and-used`: `UpdateAssumeRolePolicy` (or `CreateRole`) whose policy document
 *   newly trusts an account that is not the organisation's (not trusted by the role's previous
 *   document in the evidence, never seen assuming the role before), followed by `AssumeRole` calls of
 *   that role by that account. The sessions it was issued are told apart from the role's other
 *   sessions by their keys (`responseElements.credentials.accessKeyId`): every record made with them
 *   is the outsider's, whatever session name it chose (a copy of the application's own). High unless
 *   a planned change in whose window the change falls names the account; low when the account was
 *   let in but never came.
 * - `access.service-role-assumed-by-outsider`: a role the evidence shows assumed only by AWS services
 *   (a Lambda function's, an ECS task's execution role) assumed by another account that is not the
 *   organisation's, without a trust change in the evidence: medium.
 *
 * Which accounts are the organisation's is learnt as in data-exposure.ts (`orgAccounts`).
 */
import type { Component } from '../model/types.js';
import {
  actionList,
  actorOf,
  applyContext,
  type Candidate,
  type CtRow,
  clientOf,
  type Env,
  isPublicIp,
  loadEvents,
  nameOf,
  principalsOf,
  recordsByKey,
} from './context.js';
import { orgAccounts, plannedFor, statementsOf } from './data-exposure.js';

const TRUST_CHANGES = ['UpdateAssumeRolePolicy', 'CreateRole'];
/** records cited per finding: the change, the assumptions, then the sessions' records in time order */
const EVIDENCE_MAX = 3000;
/** a role is a service's when at least this many assumptions by AWS services precede the outsider's */
const SERVICE_MIN_ASSUMPTIONS = 5;
const RUNTIME =
  /^(InvokeModel|InvokeModelWithResponseStream|Converse|ConverseStream|InvokeAgent|InvokeInlineAgent|Retrieve|RetrieveAndGenerate|ApplyGuardrail|StartAsyncInvoke)$/;
const ASSUME_ACTIONS = /^(\*|sts:\*|sts:AssumeRole)$/i;

const ACCOUNT_OF = /^(?:arn:aws[a-z-]*:(?:iam|sts)::)?(\d{12})(?::|$)/;

/** The accounts an Allow statement of a trust document lets assume the role. */
export function trustedAccounts(doc: unknown): string[] {
  const out = new Set<string>();
  for (const s of statementsOf(doc)) {
    if (s.effect !== 'Allow' || !s.actions.some((a) => ASSUME_ACTIONS.test(a))) continue;
    for (const p of s.principals) {
      const m = ACCOUNT_OF.exec(p);
      if (m) out.add(m[1]);
    }
  }
  return [...out].sort();
}

function trustDocOf(r: CtRow): unknown {
  return r.action === 'CreateRole' ? r.req?.assumeRolePolicyDocument : r.req?.policyDocument;
}

function accountOfArn(arn: string | null | undefined): string | null {
  return /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(arn ?? '')?.[1] ?? null;
}

/** `role/path/name` and `name` alike: the role's name. */
const roleName = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

interface Group {
  role: string;
  account: string;
  change: CtRow | null;
  assumes: CtRow[];
}

export async function trustOpenedToOutsiders(env: Env): Promise<Candidate[]> {
  const changes = await loadEvents(
    env.db,
    `service = 'iam.amazonaws.com' AND action IN (${actionList(TRUST_CHANGES)}) AND error_code IS NULL`,
    [],
    { extra: false },
  );
  const assumes = await loadEvents(env.db, `action = 'AssumeRole' AND service = 'sts.amazonaws.com'`, [], {
    extra: false,
  });
  if (!assumes.some((r) => r.principalType === 'AWSAccount')) return [];
  const own = await orgAccounts(env, []);
  const roleOfAssume = (r: CtRow): string | null => str(r.req?.roleArn);
  const byRole = new Map<string, CtRow[]>();
  for (const r of assumes) {
    const role = roleOfAssume(r);
    if (!role) continue;
    const k = `${accountOfArn(role)}:${roleName(role)}`;
    if (!byRole.has(k)) byRole.set(k, []);
    byRole.get(k)!.push(r);
  }
  const outsider = (r: CtRow): string | null => {
    if (r.principalType !== 'AWSAccount') return null;
    const a = accountOfArn(r.identityArn) ?? r.account;
    return a && !own.has(a) ? a : null;
  };
  const groups = new Map<string, Group>();
  // trust changes that let in an outside account, each followed to that account's assumptions
  const previous = new Map<string, string[]>();
  for (const c of changes) {
    const name = str(c.req?.roleName);
    const acct = c.account ?? accountOfArn(c.identityArn);
    if (!name || !acct) continue;
    const k = `${acct}:${name}`;
    const granted = trustedAccounts(trustDocOf(c));
    const before = new Set(previous.get(k) ?? []);
    previous.set(k, granted);
    const history = byRole.get(k) ?? [];
    const added = granted.filter(
      (a) =>
        a !== acct &&
        !own.has(a) &&
        !before.has(a) &&
        !history.some((r) => r.time < c.time && !r.errorCode && outsider(r) === a),
    );
    for (const a of added) {
      const role =
        c.resources.find((x) => /^arn:[^:]+:iam::\d{12}:role\//.test(x) && roleName(x) === name) ??
        str((c.resp?.role as Record<string, unknown> | undefined)?.arn) ??
        `arn:aws:iam::${acct}:role/${name}`;
      const later = history.filter((r) => r.time >= c.time && outsider(r) === a);
      // a later change of the same role that lets the account in again starts its own group
      const g = groups.get(`${k}\u0000${a}`);
      if (g) continue;
      groups.set(`${k}\u0000${a}`, { role, account: a, change: c, assumes: later });
    }
  }
  // roles only AWS services assumed, assumed by an outside account without a trust change in the evidence
  for (const [k, rows] of byRole) {
    for (const r of rows) {
      const a = outsider(r);
      if (!a || groups.has(`${k}\u0000${a}`)) continue;
      const prior = rows.filter((x) => x.time < r.time && !x.errorCode);
      if (prior.length < SERVICE_MIN_ASSUMPTIONS || !prior.every((x) => x.principalType === 'AWSService'))
        continue;
      groups.set(`${k}\u0000${a}`, {
        role: roleOfAssume(r)!,
        account: a,
        change: null,
        assumes: rows.filter((x) => x.time >= r.time && outsider(x) === a),
      });
    }
  }
  if (!groups.size) return [];
  const keyOf = (r: CtRow): string | null =>
    r.errorCode ? null : str((r.resp?.credentials as Record<string, unknown> | undefined)?.accessKeyId);
  const allKeys = [...groups.values()].flatMap((g) => g.assumes.map(keyOf)).filter((x): x is string => !!x);
  const byKey = await recordsByKey(env.db, allKeys);
  const out: Candidate[] = [];
  for (const [gk, g] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const k = gk.split('\u0000')[0];
    const keys = [...new Set(g.assumes.map(keyOf).filter((x): x is string => !!x))];
    const rows = keys.flatMap((x) => byKey.get(x) ?? []).sort((a, b) => a.time.localeCompare(b.time));
    const runtime = rows.filter((r) => RUNTIME.test(r.action));
    const denied = rows.filter((r) => r.errorCode);
    // the session names the role's services use, copied by the outsider
    const serviceNames = new Set(
      (byRole.get(k) ?? [])
        .filter((r) => r.principalType === 'AWSService')
        .map((r) => str(r.req?.roleSessionName))
        .filter((x): x is string => !!x),
    );
    const copied = [
      ...new Set(
        g.assumes
          .map((r) => str(r.req?.roleSessionName))
          .filter((x): x is string => !!x && serviceNames.has(x)),
      ),
    ];
    const serviceOnly = (byRole.get(k) ?? []).some((r) => r.principalType === 'AWSService');
    const used = g.assumes.some((r) => !r.errorCode);
    const ev: CtRow[] = [];
    const seen = new Set<string>();
    for (const r of [...(g.change ? [g.change] : []), ...g.assumes, ...rows]) {
      if (ev.length >= EVIDENCE_MAX || seen.has(r.uid)) continue;
      seen.add(r.uid);
      ev.push(r);
    }
    ev.sort((a, b) => a.time.localeCompare(b.time) || a.uid.localeCompare(b.uid));
    const ips = [
      ...new Set([g.change?.sourceIp, ...g.assumes.map((r) => r.sourceIp), ...rows.map((r) => r.sourceIp)]),
    ].filter((x): x is string => isPublicIp(x));
    const components = new Set<Component>();
    if (runtime.some((r) => /^Retrieve/.test(r.action))) components.add('knowledge-bases');
    if (runtime.some((r) => /^(InvokeModel|Converse)/.test(r.action))) components.add('foundation-models');
    const triage: string[] = [];
    if (g.change)
      triage.push(
        `${g.change.action} at ${g.change.time} by ${nameOf(g.change.identityArn)} from ${g.change.sourceIp} (${clientOf(g.change.userAgent)}) added account ${g.account}, which is not one of the organisation's`,
      );
    else
      triage.push(
        `the evidence shows ${nameOf(g.role)} assumed only by AWS services before account ${g.account}`,
      );
    if (serviceOnly) triage.push(`${nameOf(g.role)} is a service's role (assumed by AWS services)`);
    if (copied.length)
      triage.push(`session name(s) ${copied.join(', ')} copied from the service's own sessions`);
    triage.push(
      used
        ? `${g.assumes.filter((r) => !r.errorCode).length} assumption(s) from ${[...new Set(g.assumes.map((r) => r.sourceIp))].join(', ')}; the ${keys.length} session key(s) made ${rows.length} calls (${runtime.length} Bedrock data-plane, ${denied.length} denied)`
        : 'the account has not assumed the role in the evidence',
    );
    const severity: Candidate['severity'] = !used ? 'low' : g.change ? 'high' : 'medium';
    const actors = new Map<string, ReturnType<typeof actorOf>>();
    for (const r of [...(g.change ? [g.change] : []), ...g.assumes, ...rows])
      actors.set(`${r.accessKeyId}\u0000${r.sourceIp}\u0000${r.identityArn}`, actorOf(r));
    const c: Candidate = {
      ruleId: g.change ? 'access.trust-opened-and-used' : 'access.service-role-assumed-by-outsider',
      title: g.change
        ? `Trust of ${nameOf(g.role)} opened to outside account ${g.account}${used ? ', which then assumed it' : ''}`
        : `Service role ${nameOf(g.role)} assumed by outside account ${g.account}`,
      description:
        (g.change
          ? `${g.change.action} on ${nameOf(g.role)} at ${g.change.time} let account ${g.account} assume the role. `
          : `${nameOf(g.role)} was assumed only by AWS services until account ${g.account} assumed it. `) +
        (used
          ? `The account assumed it ${g.assumes.filter((r) => !r.errorCode).length} time(s) (session keys ${keys.join(', ')}); ` +
            `those sessions made ${rows.length} calls, ${runtime.length} of them Bedrock data-plane calls. ` +
            "Calls made with these keys are the outside account's, even when invocation logs show the same role session as the application."
          : 'No assumption by that account is in the evidence.'),
      severity,
      strength: used ? 'hard' : 'soft',
      ifActor: 'high',
      elements: [
        'access',
        ...(g.change ? (['infrastructure-changes'] as const) : []),
        ...(runtime.length ? (['invocation'] as const) : []),
      ],
      ...(components.size ? { components: [...components].sort() } : {}),
      times: ev.map((r) => r.time),
      principals: [
        g.role,
        ...(g.change ? principalsOf(g.change) : []),
        ...new Set(rows.flatMap((r) => (r.principalArn?.startsWith('arn:') ? [r.principalArn] : []))),
      ],
      accessKeyIds: [g.change?.accessKeyId, ...keys],
      sourceIps: ips,
      resources: [g.role],
      attack: ['T1098', 'T1199', 'T1078.004', ...(runtime.length ? ['T1530'] : [])],
      evidence: { eventIds: ev.map((r) => r.eventId) },
      actors: [...actors.values()],
      creates: { keys },
      triage,
      details: {
        role: g.role,
        outsideAccount: g.account,
        ...(g.change
          ? { trustChange: { eventId: g.change.eventId, time: g.change.time, action: g.change.action } }
          : {}),
        assumptions: g.assumes.slice(0, 50).map((r) => ({
          eventId: r.eventId,
          time: r.time,
          ip: r.sourceIp,
          client: clientOf(r.userAgent),
          sessionName: str(r.req?.roleSessionName),
          key: keyOf(r),
          error: r.errorCode,
        })),
        sessionKeys: keys,
        sessionRecords: rows.length,
        runtimeCalls: runtime.length,
        copiedSessionNames: copied,
      },
    };
    if (g.change) applyContext(c, plannedFor(env.entries, g.change.time, [g.account]));
    out.push(c);
  }
  return out;
}
