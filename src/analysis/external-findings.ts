/**
 * GuardDuty and Security Hub findings: evidence to weigh, not verdicts. Each becomes one finding
 * (`guardduty:<Type>`, `securityhub:<Type>`) carrying its id and the CloudTrail records it refers to
 * (joined by access key, API, address and time), then triaged against the rest of the evidence:
 *
 * - archived in the console, internet background noise against instances → informational;
 * - inside a declared activity or a planned change → informational, ticket cited;
 * - the security team's scanner (a role reading in every Region all day) → low;
 * - the same actor (key, address or principal) in other findings at medium or above → raised;
 * - a known principal at its usual address with its usual client → low;
 * - otherwise low, or medium for a finding GuardDuty rates high, "not corroborated".
 */
import type { Component, Element, Finding, Severity } from '../model/types.js';
import { isoSql, sqlTime } from '../store/case-store.js';
import {
  type AccountBaseline,
  type Candidate,
  type ContextEntry,
  type CtRow,
  citeContext,
  clientOf,
  type Env,
  isPublicIp,
  loadEvents,
  matchContext,
  maxSeverity,
  nameOf,
  principalsOf,
  roleOf,
  SEVERITY_ORDER,
  subjectOf,
} from './context.js';
import { STACK_OPERATIONS } from './delegation.js';
import { archiveCause, loadArchiving, ruleArn, type SuppressionRule } from './guardduty-suppression.js';

export interface ExtRow {
  uid: string;
  findingId: string;
  source: string;
  type: string;
  title: string;
  severity: number | null;
  archived: boolean;
  accessKeyId: string | null;
  principalId: string | null;
  userName: string | null;
  userType: string | null;
  remoteIp: string | null;
  api: string | null;
  serviceName: string | null;
  resourceType: string | null;
  resources: string[];
  first: string | null;
  last: string | null;
  count: number | null;
  region: string | null;
  /** when the finding was made (created, else first seen) */
  created: string | null;
  raw: Record<string, unknown>;
}

async function loadExt(env: Env): Promise<ExtRow[]> {
  const rows = await env.db.all(
    `SELECT uid, finding_id, source, type, title, severity, archived, access_key_id, principal_id, user_name, user_type,
            remote_ip, api, service_name, resource_type, resources, count, raw, region,
            ${isoSql('coalesce(first_seen, created_at, updated_at)')} AS f, ${isoSql('coalesce(last_seen, updated_at, created_at)')} AS l,
            ${isoSql('coalesce(created_at, first_seen)')} AS c
     FROM ext_findings ORDER BY coalesce(first_seen, created_at), finding_id`,
  );
  return rows.map((r) => {
    let raw: Record<string, unknown> = {};
    try {
      raw = typeof r.raw === 'string' ? JSON.parse(r.raw) : ((r.raw as Record<string, unknown>) ?? {});
    } catch {
      raw = {};
    }
    return {
      uid: String(r.uid),
      findingId: String(r.finding_id),
      source: String(r.source ?? 'guardduty'),
      type: String(r.type ?? 'unknown'),
      title: String(r.title ?? r.type ?? ''),
      severity: r.severity === null || r.severity === undefined ? null : Number(r.severity),
      archived: r.archived === true,
      accessKeyId: r.access_key_id ? String(r.access_key_id) : null,
      principalId: r.principal_id ? String(r.principal_id) : null,
      userName: r.user_name ? String(r.user_name) : null,
      userType: r.user_type ? String(r.user_type) : null,
      remoteIp: r.remote_ip ? String(r.remote_ip) : null,
      api: r.api ? String(r.api) : null,
      serviceName: r.service_name ? String(r.service_name) : null,
      resourceType: r.resource_type ? String(r.resource_type) : null,
      resources: Array.isArray(r.resources) ? (r.resources as unknown[]).map(String) : [],
      first: r.f ? String(r.f) : null,
      last: r.l ? String(r.l) : null,
      count: r.count === null || r.count === undefined ? null : Number(r.count),
      region: r.region ? String(r.region) : null,
      created: r.c ? String(r.c) : null,
      raw,
    };
  });
}

/** The CloudTrail records a finding refers to. */
async function joinRecords(env: Env, f: ExtRow): Promise<CtRow[]> {
  if (!f.first) return [];
  const win = `time >= CAST($1 AS TIMESTAMP) - INTERVAL 60 MINUTE AND time <= CAST($2 AS TIMESTAMP) + INTERVAL 60 MINUTE`;
  const p = [sqlTime(f.first), sqlTime(f.last ?? f.first)];
  const tries: Array<[string, Array<string | null>]> = [];
  if (f.accessKeyId && f.api) {
    if (f.remoteIp)
      tries.push([
        `access_key_id = $3 AND action = $4 AND source_ip = $5 AND ${win}`,
        [...p, f.accessKeyId, f.api, f.remoteIp],
      ]);
    tries.push([`access_key_id = $3 AND action = $4 AND ${win}`, [...p, f.accessKeyId, f.api]]);
    tries.push([`access_key_id = $1 AND action = $2`, [f.accessKeyId, f.api]]);
  }
  if (f.api && f.remoteIp) {
    tries.push([
      `action = $3 AND source_ip = $4 AND (user_name = $5 OR split_part(principal_id, ':', 1) = split_part($6, ':', 1)) AND ${win}`,
      [...p, f.api, f.remoteIp, f.userName ?? '', f.principalId ?? ''],
    ]);
  }
  if (f.accessKeyId) tries.push([`access_key_id = $3 AND ${win}`, [...p, f.accessKeyId]]);
  for (const [where, params] of tries) {
    const rows = await loadEvents(env.db, where, params);
    if (!rows.length) continue;
    // the finding's own window first; an event GuardDuty dates late is still the one it means
    const inWin = rows.filter(
      (r) => r.time >= addMin(f.first!, -10) && r.time <= addMin(f.last ?? f.first!, 10),
    );
    const pick = inWin.length ? inWin : nearest(rows, f.first);
    return pick.slice(0, 2000);
  }
  return [];
}

function addMin(iso: string, m: number): string {
  return new Date(Date.parse(iso) + m * 60_000).toISOString();
}

function nearest(rows: CtRow[], t: string): CtRow[] {
  const target = Date.parse(t);
  const best = [...rows].sort(
    (a, b) => Math.abs(Date.parse(a.time) - target) - Math.abs(Date.parse(b.time) - target),
  );
  return best.slice(0, Math.min(best.length, 5));
}

const PROMPT_ATTACK_TYPES = /PromptInjection|Jailbreak/i;

/** Model invocations a prompt-attack finding refers to: its principal's blocked prompt attacks in its window. */
async function joinInvocations(
  env: Env,
  f: ExtRow,
  identity: string | null,
): Promise<Array<{ requestId: string; clientIp: string | null }>> {
  if (!PROMPT_ATTACK_TYPES.test(f.type) || !f.first) return [];
  const rows = await env.db.all(
    `SELECT request_id, client_ip FROM invocations
     WHERE (identity_arn = $1 OR principal_arn LIKE $2)
       AND time >= CAST($3 AS TIMESTAMP) - INTERVAL 2 MINUTE AND time <= CAST($4 AS TIMESTAMP) + INTERVAL 2 MINUTE
       AND guardrail_action = 'INTERVENED'
       AND regexp_matches(CAST(guardrail_assessments AS VARCHAR), '"type":"PROMPT_ATTACK"[^}]*"detected":true')
     ORDER BY time, uid LIMIT 500`,
    [
      identity ?? '',
      f.userName ? `%/${f.userName}/%` : '\u0000',
      sqlTime(f.first),
      sqlTime(f.last ?? f.first),
    ],
  );
  return rows
    .filter((r) => r.request_id)
    .map((r) => ({ requestId: String(r.request_id), clientIp: r.client_ip ? String(r.client_ip) : null }));
}

function elementsOf(f: ExtRow): { elements: Element[]; components: Component[]; attack: string[] } {
  const t = f.type;
  const svc = f.serviceName ?? '';
  if (/PromptInjection|Jailbreak/i.test(t))
    return {
      elements: ['invocation'],
      components: ['guardrails', 'foundation-models'],
      attack: ['AML.T0051'],
    };
  if (/AnomalousModelInvocation|ModelInvocation/i.test(t))
    return {
      elements: ['invocation', 'access'],
      components: ['foundation-models'],
      attack: ['T1496', 'AML.T0040'],
    };
  if (/Stealth|DefenseEvasion|CloudTrailLogging|Persistence|PrivilegeEscalation/i.test(t)) {
    if (/bedrock/.test(svc)) return { elements: ['ai-changes'], components: [], attack: ['T1562'] };
    return {
      elements: ['infrastructure-changes'],
      components: [],
      attack: /Persistence/.test(t) ? ['T1098'] : ['T1562.008'],
    };
  }
  if (/^Impact:S3|^Exfiltration:S3|S3\//.test(t))
    return {
      elements: /Write|Impact/.test(t) ? ['data-store-changes'] : ['private-data'],
      components: [],
      attack: /Write|Impact/.test(t) ? ['T1565.001'] : ['T1530'],
    };
  if (/InstanceCredentialExfiltration/i.test(t))
    return { elements: ['access'], components: [], attack: ['T1552.005'] };
  return { elements: ['access'], components: [], attack: ['T1078.004'] };
}

/** A role that reads in most Regions over most of the window: the account's posture scanner. */
async function scanners(env: Env): Promise<Set<string>> {
  const rows = await env.db.all(
    `WITH span AS (SELECT date_diff('hour', min(time), max(time)) + 1 AS h, count(DISTINCT region) AS r FROM events)
     SELECT e.identity_arn AS id FROM events e, span
     WHERE e.identity_arn IS NOT NULL
     GROUP BY e.identity_arn, span.h, span.r
     HAVING count(DISTINCT e.region) >= greatest(4, span.r * 0.6)
        AND avg(CASE WHEN coalesce(e.read_only, false) OR regexp_matches(e.action, '^(Get|List|Describe|Lookup|Generate)') THEN 1 ELSE 0 END) >= 0.9
        AND count(DISTINCT date_trunc('hour', e.time)) >= span.h * 0.3 ORDER BY ALL`,
  );
  return new Set(rows.map((r) => String(r.id)));
}

/** Resolves the IAM identity a finding names (role or user ARN). */
function identityOfFinding(f: ExtRow, recs: CtRow[], base: AccountBaseline): string | null {
  const fromRec = recs.find((r) => r.identityArn)?.identityArn;
  if (fromRec) return roleOf(fromRec);
  if (!f.userName) return null;
  for (const id of base.profiles.keys()) if (nameOf(id) === f.userName) return id;
  return null;
}

export interface Corroborator {
  /** at medium or above, and not planned, declared or another's: corroborates the actor's abuse */
  corroborates: boolean;
  id: string;
  title: string;
  severity: Severity;
  firstSeen: string;
  lastSeen: string;
  keys: string[];
  ips: string[];
  principals: string[];
  elements: Element[];
  /** event ids of the stack operations (ExecuteChangeSet, UpdateStack, ...) whose changes it reports */
  stackOps: string[];
}

/** The stack operations a finding's changes were traced back to (details.stackOperations). */
function stackOpsOf(f: Finding): string[] {
  const ops = f.details?.stackOperations;
  if (!Array.isArray(ops)) return [];
  return ops
    .map((o) => (o && typeof o === 'object' ? (o as Record<string, unknown>).eventId : null))
    .filter((x): x is string => typeof x === 'string' && !!x);
}

/**
 * Findings of genai-ir's own detectors, for the external findings: those at medium or above that
 * are not planned, declared or someone else's corroborate; any of them tells what a stack
 * operation changed.
 */
export function corroboratorsFrom(findings: Finding[]): Corroborator[] {
  return findings
    .filter((f) => !f.ruleId.startsWith('guardduty:') && !f.ruleId.startsWith('securityhub:'))
    .map((f) => ({
      corroborates:
        SEVERITY_ORDER.indexOf(f.severity) >= 2 &&
        !(f.details && (f.details.declared || f.details.notActor || f.details.plannedChange)),
      id: f.id,
      title: f.title,
      severity: f.severity,
      firstSeen: f.firstSeen,
      lastSeen: f.lastSeen,
      keys: f.accessKeyIds ?? [],
      ips: f.sourceIps ?? [],
      principals: (f.principals ?? []).map((p) => roleOf(p) ?? p),
      elements: f.elements,
      stackOps: stackOpsOf(f),
    }));
}

/** The first few titles of genai-ir's findings, for a triage line. */
const titlesOf = (cs: Corroborator[]): string =>
  cs
    .slice(0, 4)
    .map((c) => c.title)
    .join('; ');

/** One finding per external finding, triaged against `findings`: every finding at hand (this plane's and others'). */
export async function externalFindings(env: Env, findings: Corroborator[]): Promise<Candidate[]> {
  const others = findings.filter((c) => c.corroborates);
  const ext = await loadExt(env);
  if (!ext.length) return [];
  const scan = await scanners(env);
  const archiving = ext.some((f) => f.archived) ? await loadArchiving(env) : { rules: [], calls: [] };
  const out: Candidate[] = [];
  for (const f of ext) {
    const promptAttack = PROMPT_ATTACK_TYPES.test(f.type);
    let recs = await joinRecords(env, f);
    const identity = identityOfFinding(f, recs, env.base);
    let invs = await joinInvocations(env, f, identity);
    // a prompt-attack finding is about the blocked prompts, not every call the application made
    if (promptAttack) recs = recs.filter((r) => invs.some((i) => i.requestId === r.requestId));
    const { elements: mapped, components, attack } = elementsOf(f);
    let elements = mapped;
    // a finding on a stack operation (its tactic says persistence or evasion) is about what the
    // operation changed: the elements of the changes traced back to it, when there are some
    const opIds = new Set(recs.filter((r) => STACK_OPERATIONS.includes(r.action)).map((r) => r.eventId));
    const deployed = opIds.size ? findings.filter((c) => c.stackOps.some((id) => opIds.has(id))) : [];
    const deployedElements = [...new Set(deployed.flatMap((c) => c.elements))].filter((e) => e !== 'access');
    // GuardDuty rates 0-10 (high from 7); Security Hub findings carry ASFF's normalized 0-100 (high from 70)
    const gd = f.severity ?? 0;
    const ratedHigh = f.source === 'guardduty' ? gd >= 7 : gd >= 70;
    let severity: Severity = ratedHigh ? 'medium' : 'low';
    const triage: string[] = [];
    const details: Record<string, unknown> = {
      source: f.source,
      type: f.type,
      sourceSeverity: f.severity,
      archived: f.archived,
      count: f.count,
    };
    const t0 = f.first ?? recs[0]?.time ?? '';
    const t1 = f.last ?? t0;
    const near = (c: Corroborator): boolean =>
      !!t0 &&
      Date.parse(c.firstSeen) <= Date.parse(t1) + 6 * 3600_000 &&
      Date.parse(c.lastSeen) >= Date.parse(t0) - 6 * 3600_000;
    const ips = [...new Set([f.remoteIp, ...recs.map((r) => r.sourceIp)].filter(isPublicIp))];
    const keys = [
      ...new Set([f.accessKeyId, ...recs.map((r) => r.accessKeyId)].filter((x): x is string => !!x)),
    ];
    // by key or by an address of the actor; by principal only for model-use findings, whose
    // principal is the application the actor's prompts went through
    const byPrincipal = /PromptInjection|Jailbreak|ModelInvocation/i.test(f.type);
    // an application serves many end users: a prompt-attack finding on its principal is about the
    // end users whose prompts it blocked, and another end user's abuse through the same application
    // says nothing of them
    const endUsers = new Set(invs.map((i) => i.clientIp).filter((ip): ip is string => isPublicIp(ip)));
    const sameEndUser = (c: Corroborator): boolean => !promptAttack || sameEndUsers(endUsers, c.ips);
    const corroborating = others.filter(
      (c) =>
        (c.keys.some((k) => keys.includes(k)) ||
          c.ips.some((ip) => ips.includes(ip) && !env.base.isCommonIp(ip)) ||
          (byPrincipal && !!identity && c.principals.includes(identity) && sameEndUser(c))) &&
        near(c),
    );
    const ec2Noise = /^(Recon:EC2\/|UnauthorizedAccess:EC2\/(SSH|RDP)BruteForce)/.test(f.type);
    const subject = {
      time: t0,
      service: f.serviceName,
      action: f.api,
      sourceIp: f.remoteIp,
      identityArn: identity,
      userName: f.userName,
      readOnly: recs.length ? recs.every((r) => r.readOnly !== false) : null,
      targets: [f.userName, ...f.resources],
    };
    let m = matchContext(env.entries, subject);
    // through an application, the address GuardDuty names is the application's egress: the end
    // user who sent most of the blocked prompts is who a planned test or declared activity names
    const mainUser = promptAttack ? mainEndUser(invs) : null;
    if (mainUser && !(m && (m.strength === 'strong' || m.kind === 'declared-activity'))) {
      const mu = matchContext(env.entries, { ...subject, sourceIp: mainUser });
      if (mu && (mu.strength === 'strong' || mu.kind === 'declared-activity')) m = mu;
    }
    const usual = identity ? knownOrigin(env.base, identity, f.remoteIp, recs) : null;
    const crowd = THREAT_LIST_ONLY.test(f.type) && f.remoteIp ? await peopleAt(env, f.remoteIp) : [];
    // who archived it: a suppression rule the finding's own subject (or the actor) made hides
    // evidence, it does not close it
    const archive = f.archived ? whoArchived(env, f, archiving, keys, ips) : null;
    const suppressed = archive?.suppressedBy ?? [];
    if (archive && !suppressed.length) {
      severity = 'informational';
      triage.push(archive.text);
    } else if (ec2Noise && !corroborating.length) {
      severity = 'informational';
      triage.push('internet background noise against an exposed instance');
    } else if (corroborating.length) {
      const top = corroborating.reduce<Severity>((s, c) => maxSeverity(s, c.severity), 'medium');
      severity = maxSeverity(severity, top === 'critical' ? 'high' : top);
      // through an application principal, keep only the records of the actor's end-user addresses
      const actorIps = new Set(corroborating.flatMap((c) => c.ips));
      if (promptAttack && invs.some((i) => i.clientIp && actorIps.has(i.clientIp))) {
        const outside = invs.filter((i) => !(i.clientIp && actorIps.has(i.clientIp)));
        invs = invs.filter((i) => i.clientIp && actorIps.has(i.clientIp));
        recs = recs.filter((r) => invs.some((i) => i.requestId === r.requestId));
        if (outside.length)
          triage.push(
            `${outside.length} blocked prompt(s) in its window came from other users and are left out`,
          );
      }
      triage.push(`the same actor shows other signs of abuse: ${titlesOf(corroborating)}`);
      details.corroboratedBy = corroborating.map((c) => c.id);
      // corroborated only through the application principal (the actor's end-user traffic, not
      // its keys or addresses): the application's credentials were used as designed
      const direct = corroborating.some(
        (c) =>
          c.keys.some((k) => keys.includes(k)) ||
          c.ips.some((ip) => ips.includes(ip) && !env.base.isCommonIp(ip)),
      );
      if (byPrincipal && !direct && elements.includes('access')) {
        elements = elements.filter((e) => e !== 'access');
        triage.push(
          "corroborated only through the application's principal, by its end users' traffic: not a sign that its credentials were misused",
        );
      }
    } else if (m && (m.strength === 'strong' || m.kind === 'declared-activity')) {
      severity = 'informational';
      triage.push(citeContext(m));
      details[m.kind === 'declared-activity' ? 'declared' : 'plannedChange'] = m.ticket;
    } else if (crowd.length >= 2) {
      // a threat list names the address, nothing the account saw from it is abuse, and several of
      // the organisation's own people work from it: a commercial VPN or proxy exit, not an intruder
      severity = 'informational';
      triage.push(
        `the address is only on a threat list, and ${crowd.length} of the organisation's people signed in from it (a shared VPN or proxy exit)`,
      );
      details.sharedBy = crowd.length;
    } else if (identity && scan.has(identity) && scannerOrigin(env.base, identity, f.remoteIp)) {
      severity = 'low';
      triage.push(`${nameOf(identity)} is the account's scanner: it reads in every Region all day`);
    } else if (usual) {
      severity = 'low';
      triage.push(usual);
    } else {
      if (m) triage.push(`inside ${m.ticket}'s window (${m.text}) without naming this activity`);
      triage.push(
        ratedHigh
          ? `rated high by ${f.source === 'guardduty' ? 'GuardDuty' : 'Security Hub'}; not corroborated by other evidence`
          : 'not corroborated by other evidence',
      );
    }
    if (suppressed.length) {
      severity = maxSeverity(severity, 'medium');
      triage.unshift(archive!.text);
      details.suppressedBy = suppressed.map((r) => ruleArn(r));
      recs = [
        ...recs,
        ...suppressed.map((r) => r.rec).filter((r) => !recs.some((x) => x.eventId === r.eventId)),
      ];
    }
    if (deployedElements.length && mapped.includes('infrastructure-changes')) {
      elements = [
        ...new Set([...elements.filter((e) => e !== 'infrastructure-changes'), ...deployedElements]),
      ].sort();
      triage.push(`the stack operation it names made these changes: ${titlesOf(deployed)}`);
      details.stackChanges = deployed.map((c) => c.id);
    }
    const principals = [
      ...new Set([identity, ...recs.flatMap(principalsOf)].filter((x): x is string => !!x)),
    ];
    out.push({
      ruleId: `${f.source}:${f.type}`,
      title: f.title,
      description:
        `${f.source === 'guardduty' ? 'GuardDuty' : 'Security Hub'} ${f.type} (severity ${f.severity ?? '?'}` +
        `${f.count ? `, ${f.count} events` : ''}${f.archived ? ', archived' : ''})` +
        `${f.api ? `: ${f.api}` : ''}${f.remoteIp ? ` from ${f.remoteIp}` : ''}` +
        `${recs.length ? `; ${recs.length} CloudTrail record(s) joined` : ''}. Triage: ${triage.join('; ')}.`,
      severity,
      strength: 'context',
      elements,
      components,
      times: [t0, t1, ...recs.map((r) => r.time)],
      principals,
      accessKeyIds: keys,
      sourceIps: [...new Set([...ips, ...invs.map((i) => i.clientIp)].filter(isPublicIp))],
      resources: f.resources.filter((r) => r !== f.accessKeyId),
      attack,
      evidence: {
        findingIds: [f.findingId],
        eventIds: recs.map((r) => r.eventId),
        requestIds: invs.map((i) => i.requestId),
      },
      actors: [],
      triage,
      details: {
        ...(details as Record<string, never>),
        api: f.api,
        remoteIp: f.remoteIp,
        clients: [...new Set(recs.map((r) => clientOf(r.userAgent)))],
      },
    });
  }
  return out;
}

/**
 * Who archived an archived finding, as a triage line; `suppressedBy` lists the suppression rules
 * that archived it when every rule that did was made with the finding's own key or from its own
 * address (its subject hid it) and no planned change covers the rule. A rule's creator counted as
 * the actor only because other findings flag the rule itself would be circular, so only the
 * finding's own subject counts.
 */
function whoArchived(
  env: Env,
  f: ExtRow,
  archiving: Awaited<ReturnType<typeof loadArchiving>>,
  keys: string[],
  ips: string[],
): { text: string; suppressedBy: SuppressionRule[] } {
  const cause = archiveCause(f, archiving.rules, archiving.calls);
  if (cause.kind === 'call')
    return {
      text: `archived by ${nameOf(cause.rec.identityArn) || 'an unnamed caller'} (ArchiveFindings at ${cause.rec.time}): reviewed and closed`,
      suppressedBy: [],
    };
  if (cause.kind === 'unknown')
    return {
      text: 'archived in GuardDuty (no archive call or suppression rule in the evidence says by whom): taken as reviewed and closed by the account team',
      suppressedBy: [],
    };
  const own = (r: SuppressionRule): boolean => {
    const k = r.rec.accessKeyId;
    const ip = r.rec.sourceIp && !env.base.isCommonIp(r.rec.sourceIp) ? r.rec.sourceIp : null;
    if (!((!!k && keys.includes(k)) || (!!ip && ips.includes(ip)))) return false;
    const m = matchContext(env.entries, subjectOf(r.rec));
    return !(m && (m.strength === 'strong' || m.kind === 'declared-activity'));
  };
  const by = (r: SuppressionRule): string =>
    `${r.name} (${nameOf(r.rec.identityArn) || 'unnamed'}, ${r.rec.time})`;
  if (cause.rules.every(own))
    return {
      text: `archived only by suppression rule ${cause.rules.map(by).join(', ')}, made with the finding's own key or from its own address: suppressed, not reviewed`,
      suppressedBy: cause.rules,
    };
  return {
    text: `archived by suppression rule ${cause.rules
      .filter((r) => !own(r))
      .map(by)
      .join(', ')}: reviewed and closed`,
    suppressedBy: [],
  };
}

/**
 * Whether another finding on an application's principal is about the end users whose prompts a
 * prompt-attack finding joined (by their client addresses); either side naming none cannot tell.
 */
export function sameEndUsers(endUsers: Set<string>, ips: string[]): boolean {
  return !endUsers.size || !ips.length || ips.some((ip) => endUsers.has(ip));
}

/** The end-user address behind at least half of a prompt-attack finding's blocked prompts, if any. */
export function mainEndUser(invs: Array<{ requestId: string; clientIp: string | null }>): string | null {
  const n = new Map<string, number>();
  for (const i of invs)
    if (i.clientIp && isPublicIp(i.clientIp)) n.set(i.clientIp, (n.get(i.clientIp) ?? 0) + 1);
  const top = [...n].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  return top && top[1] * 2 >= invs.length ? top[0] : null;
}

/** Findings that rest only on the caller's address being on a threat list (not on what it did). */
const THREAT_LIST_ONLY = /MaliciousIPCaller|TorIPCaller/i;

/** The people (human sessions: single sign-on or console users) whose records come from an address. */
async function peopleAt(env: Env, ip: string): Promise<string[]> {
  const rows = await env.db.all(
    `SELECT DISTINCT identity_arn AS id, coalesce(principal_arn, identity_arn) AS who FROM events
     WHERE source_ip = $1 AND identity_arn IS NOT NULL ORDER BY ALL LIMIT 200`,
    [ip],
  );
  return [
    ...new Set(rows.filter((r) => env.base.kindOf(String(r.id)) === 'human').map((r) => String(r.who))),
  ].sort();
}

/** "known principal at a usual address with a usual client", or null. */
/**
 * Whether a finding about the account's scanner comes from where the scanner works: no address
 * named, a common address, or one the scanner itself used at least 10 times. A scanner's role
 * used from elsewhere is not the scanner.
 */
function scannerOrigin(base: AccountBaseline, identity: string, ip: string | null): boolean {
  if (!ip) return true;
  return base.isCommonIp(ip) || (base.profiles.get(identity)?.ips.get(ip) ?? 0) >= 10;
}

function knownOrigin(
  base: AccountBaseline,
  identity: string,
  ip: string | null,
  recs: CtRow[],
): string | null {
  const p = base.profiles.get(identity);
  if (!p || !ip) return null;
  const total = [...p.ips.values()].reduce((a, b) => a + b, 0);
  const atIp = p.ips.get(ip) ?? 0;
  const usualIp = base.isCommonIp(ip) || (total > 0 && atIp / total >= 0.2 && atIp >= 10);
  if (!usualIp) return null;
  const clients = [...new Set(recs.map((r) => clientOf(r.userAgent)).filter(Boolean))];
  const usualClient = clients.every((c) => (p.clients.get(c) ?? 0) >= 5);
  if (!usualClient) return null;
  return `known principal from its usual address ${ip}${clients.length ? ` and client ${clients.join(', ')}` : ''}`;
}

export type { ContextEntry };
