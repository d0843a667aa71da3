/**
 * Organisation guardrails opened to get through them: a service control policy (or another
 * Organizations policy) edited, detached or deleted, judged on what the change opens — Deny
 * statements removed, exemptions widened (values added to a `StringNotEquals` / `ArnNotLike` / ...
 * condition or to `NotAction`), denied values removed (from `Action` or a positive condition) —
 * against the previous version of the policy when the evidence has it (an earlier UpdatePolicy /
 * CreatePolicy request or a DescribePolicy answer), and linked to what it enabled:
 *
 *   refused by a service control policy (the error message says so) → the policy changed by the
 *   refused identity or from the refused call's address → the same service in the same Region
 *   succeeds for them
 *
 * is a guardrail bypass (high; lowered to low when the change calendar plans the change). Model
 * service quota increases the same actor requested around it (capacity for model use) are cited in
 * the finding. A change without such a sequence is reported at low with what it opened (informational
 * when the calendar plans it): a policy edit alone is an administrator's everyday work.
 */
import { type Detector, makeFinding } from '../engine/detector.js';
import type { Finding, Severity } from '../model/types.js';
import { isoSql, sqlString, sqlTime } from '../store/case-store.js';
import { jsonObject, loadContextEntries, matchContext } from './context.js';

export const GUARDRAIL_BYPASS = {
  /** how long before the change a refusal, and after it a success, belongs to the sequence */
  windowMs: 12 * 3_600_000,
  maxCited: 200,
  maxPolicyChars: 100_000,
} as const;

const POLICY_CHANGES = ['UpdatePolicy', 'DetachPolicy', 'DeletePolicy', 'DisablePolicyType'];
const SCP_DENIAL = /service control polic/i;

type Json = Record<string, unknown>;

/** A policy document (object, or its JSON text up to the size cap). */
function parse(v: unknown): Json | null {
  return typeof v === 'string' && v.length > GUARDRAIL_BYPASS.maxPolicyChars ? null : jsonObject(v);
}

const list = (v: unknown): string[] =>
  (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).map((x) => String(x));

interface Stmt {
  id: string;
  actions: string[];
  notActions: string[];
  /** operator → key → values */
  conditions: Map<string, Map<string, string[]>>;
}

function denyStatements(policy: Json | null): Map<string, Stmt> {
  const out = new Map<string, Stmt>();
  if (!policy) return out;
  const sts = Array.isArray(policy.Statement) ? policy.Statement : policy.Statement ? [policy.Statement] : [];
  sts.slice(0, 200).forEach((s, i) => {
    if (!s || typeof s !== 'object') return;
    const st = s as Json;
    if (String(st.Effect) !== 'Deny') return;
    const conditions = new Map<string, Map<string, string[]>>();
    const cond = st.Condition && typeof st.Condition === 'object' ? (st.Condition as Json) : {};
    for (const [op, kv] of Object.entries(cond)) {
      if (!kv || typeof kv !== 'object') continue;
      const m = new Map<string, string[]>();
      for (const [k, v] of Object.entries(kv as Json)) m.set(k.toLowerCase(), list(v));
      conditions.set(op, m);
    }
    const id = typeof st.Sid === 'string' && st.Sid ? st.Sid : `#${i}`;
    out.set(id, { id, actions: list(st.Action), notActions: list(st.NotAction), conditions });
  });
  return out;
}

/** What a new version of a policy opens compared with the previous one (empty: nothing opened). */
export function policyOpens(previous: unknown, next: unknown): { opened: string[]; regions: string[] } {
  const before = denyStatements(parse(previous));
  const after = denyStatements(parse(next));
  const opened: string[] = [];
  const regions = new Set<string>();
  for (const [id, b] of before) {
    const a = after.get(id);
    if (!a) {
      opened.push(`Deny statement ${id} removed`);
      continue;
    }
    const dropped = b.actions.filter((x) => !a.actions.includes(x));
    if (dropped.length) opened.push(`${id}: no longer denies ${dropped.join(', ')}`);
    const exempt = a.notActions.filter((x) => !b.notActions.includes(x));
    if (exempt.length && b.notActions.length) opened.push(`${id}: exempts ${exempt.join(', ')}`);
    for (const [op, keys] of b.conditions) {
      const negative = /Not/.test(op);
      for (const [key, vs] of keys) {
        const now = a.conditions.get(op)?.get(key);
        if (!now) {
          opened.push(`${id}: condition ${op} ${key} removed`);
          continue;
        }
        // an exemption list grows, or a list of denied values shrinks
        const widened = negative ? now.filter((x) => !vs.includes(x)) : vs.filter((x) => !now.includes(x));
        if (!widened.length) continue;
        opened.push(`${id}: ${negative ? 'exempts' : 'no longer denies'} ${key} ${widened.join(', ')}`);
        if (key === 'aws:requestedregion') for (const r of widened) regions.add(r);
      }
    }
  }
  return { opened, regions: [...regions].sort() };
}

interface Row {
  eventId: string;
  t: string;
  ms: number;
  identity: string | null;
  sourceIp: string | null;
  region: string | null;
  service: string;
  action: string;
}

const rowOf = (r: Record<string, unknown>): Row => ({
  eventId: String(r.event_id ?? r.uid),
  t: String(r.t),
  ms: Date.parse(String(r.t)),
  identity: r.identity_arn ? String(r.identity_arn) : null,
  sourceIp: r.source_ip ? String(r.source_ip) : null,
  region: r.region ? String(r.region) : null,
  service: String(r.service ?? ''),
  action: String(r.action ?? ''),
});

const COLS = `event_id, uid, ${isoSql('time')} AS t, identity_arn, source_ip, region, service, action`;

export const guardrailBypassDetector: Detector = {
  id: 'infrastructure.guardrail-bypass',
  title:
    'An organisation guardrail (service control policy) opened after it refused a call, and the refused call then succeeding',
  elements: ['infrastructure-changes'],
  async run(ctx) {
    const L = GUARDRAIL_BYPASS;
    const db = ctx.db;
    const changes = await db.all(
      `SELECT ${COLS}, user_agent, session_name, user_name, principal_arn, read_only, request_parameters, response_elements
       FROM events WHERE service = 'organizations.amazonaws.com' AND error_code IS NULL
         AND action IN (${POLICY_CHANGES.map(sqlString).join(',')}) ORDER BY time, event_id LIMIT 500`,
    );
    if (!changes.length) return [];
    const entries = await loadContextEntries(db);
    const out: Finding[] = [];
    for (const c of changes) {
      const ch = rowOf(c);
      const rp = parse(c.request_parameters) ?? {};
      const re = parse(c.response_elements) ?? {};
      const policyId = typeof rp.policyId === 'string' ? rp.policyId : null;
      const summary = (re.policy as Json | undefined)?.policySummary as Json | undefined;
      const policyArn = typeof summary?.arn === 'string' ? summary.arn : null;
      const policyName = typeof summary?.name === 'string' ? summary.name : null;
      // what the change opens
      let opened: string[] | null = null;
      let regions: string[] = [];
      if (ch.action === 'UpdatePolicy' && typeof rp.content === 'string' && policyId) {
        const prev = await db.all(
          `SELECT CAST(request_parameters->>'$.content' AS VARCHAR) AS rc, CAST(response_elements->>'$.policy.content' AS VARCHAR) AS pc
           FROM events WHERE service = 'organizations.amazonaws.com' AND error_code IS NULL AND time < CAST(${sqlString(sqlTime(ch.t))} AS TIMESTAMP)
             AND action IN ('UpdatePolicy', 'CreatePolicy', 'DescribePolicy')
             AND ((request_parameters->>'$.policyId') = ${sqlString(policyId)} OR (response_elements->>'$.policy.policySummary.id') = ${sqlString(policyId)})
           ORDER BY time DESC, event_id LIMIT 1`,
        );
        const previous = prev.length ? (prev[0].pc ?? prev[0].rc) : null;
        if (previous) ({ opened, regions } = policyOpens(previous, rp.content));
      } else if (ch.action !== 'UpdatePolicy') opened = [`${ch.action} ${policyId ?? ''}`.trim()];
      // refused by an SCP before the change, by the changer or from the change's address
      const from = new Date(ch.ms - L.windowMs).toISOString();
      const to = new Date(ch.ms + L.windowMs).toISOString();
      const who = [ch.identity, ch.sourceIp].filter((x): x is string => !!x);
      if (!who.length) continue;
      const denied = (
        await db.all(
          `SELECT ${COLS}, error_message FROM events
           WHERE time >= CAST(${sqlString(sqlTime(from))} AS TIMESTAMP) AND time < CAST(${sqlString(sqlTime(ch.t))} AS TIMESTAMP)
             AND error_code IS NOT NULL AND regexp_matches(coalesce(error_message, ''), ${sqlString(SCP_DENIAL.source)}, 'i')
             AND (source_ip IN (${who.map(sqlString).join(',')}) OR identity_arn IN (${who.map(sqlString).join(',')}))
           ORDER BY time, event_id LIMIT 1000`,
        )
      ).map(rowOf);
      // the same service in the same Region succeeding afterwards for the refused identity or address
      const succeeded: Row[] = [];
      const seen = new Set<string>();
      for (const d of denied) {
        const k = `${d.service}|${d.region}|${d.identity}|${d.sourceIp}`;
        if (seen.has(k)) continue;
        seen.add(k);
        for (const r of await db.all(
          `SELECT ${COLS} FROM events
           WHERE time > CAST(${sqlString(sqlTime(ch.t))} AS TIMESTAMP) AND time <= CAST(${sqlString(sqlTime(to))} AS TIMESTAMP)
             AND error_code IS NULL AND service = ${sqlString(d.service)} AND region = ${sqlString(d.region ?? '')}
             AND (identity_arn = ${sqlString(d.identity ?? '')} OR source_ip = ${sqlString(d.sourceIp ?? '')})
           ORDER BY time, event_id LIMIT ${L.maxCited}`,
        ))
          succeeded.push(rowOf(r));
      }
      const bypassed = denied.filter((d) =>
        succeeded.some((s) => s.service === d.service && s.region === d.region),
      );
      const after = [...new Map(succeeded.map((s) => [s.eventId, s])).values()].sort((a, b) =>
        a.t < b.t ? -1 : a.t > b.t ? 1 : a.eventId < b.eventId ? -1 : 1,
      );
      // model service quotas the same actor raised around the change
      const quotas = bypassed.length
        ? (
            await db.all(
              `SELECT ${COLS}, CAST(response_elements->>'$.requestedQuota.quotaArn' AS VARCHAR) AS qa
               FROM events WHERE service = 'servicequotas.amazonaws.com' AND action = 'RequestServiceQuotaIncrease'
                 AND error_code IS NULL AND time >= CAST(${sqlString(sqlTime(from))} AS TIMESTAMP) AND time <= CAST(${sqlString(sqlTime(to))} AS TIMESTAMP)
                 AND (source_ip IN (${[...new Set([...who, ...bypassed.map((d) => d.sourceIp ?? '')])].map(sqlString).join(',')})
                      OR identity_arn IN (${[...new Set(bypassed.map((d) => d.identity ?? ''))].map(sqlString).join(',')}))
               ORDER BY time, event_id LIMIT 100`,
            )
          ).map((r) => ({ ...rowOf(r), arn: r.qa ? String(r.qa) : null }))
        : [];
      const plan = matchContext(entries, {
        time: ch.t,
        service: ch.service,
        action: ch.action,
        readOnly: false,
        sourceIp: ch.sourceIp,
        userAgent: c.user_agent ? String(c.user_agent) : null,
        identityArn: ch.identity,
        principalArn: c.principal_arn ? String(c.principal_arn) : null,
        sessionName: c.session_name ? String(c.session_name) : null,
        userName: c.user_name ? String(c.user_name) : null,
        targets: [policyId, policyName, policyArn],
      });
      const planned = plan !== null && plan.strength === 'strong';
      let severity: Severity;
      if (bypassed.length) severity = planned ? 'low' : 'high';
      else severity = planned ? 'informational' : 'low';
      const what =
        opened === null
          ? 'the previous version of the policy is not in the evidence'
          : opened.length
            ? `opens: ${opened.slice(0, 10).join('; ')}`
            : 'opens nothing the previous version denied';
      const principals = [
        ...new Set([ch.identity, ...bypassed.map((d) => d.identity)].filter((x): x is string => !!x)),
      ].map((p) => ctx.identityOf(p) ?? p);
      const ips = [
        ...new Set([ch.sourceIp, ...bypassed.map((d) => d.sourceIp)].filter((x): x is string => !!x)),
      ];
      const cited = [
        ch.eventId,
        ...bypassed.slice(0, L.maxCited).map((d) => d.eventId),
        ...after.slice(0, L.maxCited).map((s) => s.eventId),
        ...quotas.map((q) => q.eventId),
      ];
      const desc = bypassed.length
        ? `${bypassed.length} call(s) refused by a service control policy (${[...new Set(bypassed.map((d) => `${d.service.replace('.amazonaws.com', '')} in ${d.region}`))].join(', ')}) before ${ch.action} of ${policyName ?? policyId ?? 'the policy'} at ${ch.t} by ${ch.identity ?? '?'} from ${ch.sourceIp ?? '?'}; ${after.length} call(s) of the same service and Region succeeded afterwards for the refused identity or address (first ${after[0]?.t}). The change ${what}.${quotas.length ? ` The same actor requested ${quotas.length} model service quota increase(s) (capacity): ${quotas.map((q) => q.arn ?? q.eventId).join(', ')}.` : ''}`
        : `${ch.action} of ${policyName ?? policyId ?? 'the policy'} at ${ch.t} by ${ch.identity ?? '?'} from ${ch.sourceIp ?? '?'}: ${what}; no call refused by a service control policy before it succeeded after it for the same identity or address.`;
      out.push(
        makeFinding({
          ruleId: 'infrastructure.guardrail-bypass',
          title: bypassed.length
            ? `Guardrail bypass: ${policyName ?? policyId ?? 'an organisation policy'} changed after refusing calls, which then succeeded${regions.length ? ` (Regions opened: ${regions.join(', ')})` : ''}`
            : `Organisation policy ${policyName ?? policyId ?? ''} ${ch.action === 'UpdatePolicy' ? 'edited' : ch.action}: ${what}`,
          description: `${desc}${plan ? ` Change calendar: ${plan.ticket} (${plan.strength}).` : ''}`,
          severity,
          elements: ['infrastructure-changes'],
          components: [],
          times: [ch.t, ...bypassed.map((d) => d.t), ...after.slice(0, 1).map((s) => s.t)],
          principals,
          sourceIps: bypassed.length ? ips : [],
          resources: [
            ...(policyArn ? [policyArn] : policyId ? [policyId] : []),
            ...quotas.map((q) => q.arn).filter((x): x is string => !!x),
          ],
          attack: ['T1562.001', 'T1484.001'],
          evidence: { eventIds: cited },
          details: {
            policyId,
            policyArn,
            opened,
            regionsOpened: regions,
            refused: bypassed.length,
            succeededAfter: after.length,
            quotaIncreases: quotas.map((q) => q.arn ?? q.eventId),
            ...(plan ? { changeTicket: plan.ticket, changeMatch: plan.strength } : {}),
          },
        }),
      );
    }
    return out;
  },
};
