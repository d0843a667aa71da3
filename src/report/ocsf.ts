/**
 * OCSF 1.3 export: one Detection Finding (class 2004) per finding and one API Activity (class 6003)
 * per API call of the threat actor (`report.actorEvents`, or `api` on actor timeline entries; see
 * extras.ts). Times are epoch milliseconds. Free text (titles, descriptions, messages) is neutralised
 * (invisible characters as `\uXXXX`); ids and addresses are kept as they are.
 */
import type { Finding, Report } from '../model/types.js';
import { tacticsOf, techniqueName } from './attack.js';
import { ELEMENT_LABELS, isElement, severityOf } from './common.js';
import { truncate, visible } from './escape.js';
import { type ApiCall, getAccounts, getActorCalls, parseArn } from './extras.js';
import { ipType } from './iocs.js';

export const OCSF_VERSION = '1.3.0';

export const OCSF_SEVERITY: Record<string, { id: number; name: string }> = {
  informational: { id: 1, name: 'Informational' },
  low: { id: 2, name: 'Low' },
  medium: { id: 3, name: 'Medium' },
  high: { id: 4, name: 'High' },
  critical: { id: 5, name: 'Critical' },
};

/** Observable type ids (OCSF 1.x dictionary). */
const OBS = { ip: 2, userName: 4, resourceUid: 10, credentialUid: 19, other: 99 } as const;

const MAX_RELATED = 200;

export type OcsfEvent = Record<string, unknown>;

function ms(t: string | undefined): number | undefined {
  if (!t) return undefined;
  const v = Date.parse(t);
  return Number.isNaN(v) ? undefined : v;
}

function text(s: unknown, max = 4000): string {
  return truncate(visible(typeof s === 'string' ? s : ''), max);
}

function metadata(report: Report, uid: string, extra: Record<string, unknown> = {}) {
  return {
    version: OCSF_VERSION,
    product: {
      name: 'genai-ir',
      vendor_name: 'genai-ir',
      version: report.tool?.version ?? '0.0.0',
    },
    uid,
    profiles: ['cloud'],
    ...extra,
  };
}

/** Detection Finding (2004) for one finding. */
export function findingToOcsf(report: Report, f: Finding): OcsfEvent {
  const sev = OCSF_SEVERITY[severityOf(f)]!;
  const created = ms(report.generatedAt) ?? ms(f.lastSeen) ?? 0;
  const related: Array<{ uid: string; type: string }> = [];
  for (const id of f.evidence?.eventIds ?? []) related.push({ uid: id, type: 'CloudTrail event' });
  for (const id of f.evidence?.requestIds ?? []) related.push({ uid: id, type: 'Bedrock model invocation' });
  for (const id of f.evidence?.traceIds ?? []) related.push({ uid: id, type: 'Agent trace' });
  for (const id of f.evidence?.findingIds ?? []) related.push({ uid: id, type: 'External finding' });

  const attacks = (f.attack ?? []).map((id) => {
    const name = techniqueName(id);
    const tactics = tacticsOf(id);
    const a: Record<string, unknown> = {
      technique: name ? { uid: id, name } : { uid: id },
      version: id.startsWith('AML.') ? 'ATLAS' : 'v16',
    };
    if (tactics.length) a['tactics'] = tactics.map((t) => ({ name: t }));
    if (tactics.length) a['tactic'] = { name: tactics[0] };
    return a;
  });

  const observables: Array<Record<string, unknown>> = [];
  const evidences: Array<Record<string, unknown>> = [];
  (f.sourceIps ?? []).forEach((ip) => {
    observables.push({
      name: `evidences[${evidences.length}].src_endpoint.ip`,
      type_id: OBS.ip,
      type: 'IP Address',
      value: ip,
    });
    evidences.push({ src_endpoint: { ip } });
  });
  (f.accessKeyIds ?? []).forEach((k) => {
    observables.push({
      name: `evidences[${evidences.length}].actor.user.credential_uid`,
      type_id: OBS.credentialUid,
      type: 'User Credential ID',
      value: k,
    });
    evidences.push({ actor: { user: { credential_uid: k } } });
  });
  (f.principals ?? []).forEach((p) => {
    observables.push({
      name: `evidences[${evidences.length}].actor.user.uid`,
      type_id: OBS.resourceUid,
      type: 'Resource UID',
      value: p,
    });
    evidences.push({ actor: { user: { uid: p, account: accountObj(parseArn(p).account) } } });
  });
  const resources = (f.resources ?? []).map((r) => {
    const arn = parseArn(r);
    const o: Record<string, unknown> = { uid: r };
    if (arn.service) o['type'] = arn.service;
    if (arn.region) o['region'] = arn.region;
    if (arn.partition) o['cloud_partition'] = arn.partition;
    if (arn.account) o['owner'] = { account: { uid: arn.account, type_id: 10, type: 'AWS Account' } };
    return o;
  });
  resources.forEach((r, i) => {
    observables.push({
      name: `resources[${i}].uid`,
      type_id: OBS.resourceUid,
      type: 'Resource UID',
      value: r['uid'],
    });
  });

  const types = [
    f.ruleId,
    ...(f.elements ?? []).filter(isElement).map((e) => `genai-ir element: ${ELEMENT_LABELS[e]}`),
  ].filter((x): x is string => typeof x === 'string' && x !== '');

  const finding_info: Record<string, unknown> = {
    uid: f.id,
    title: text(f.title, 500),
    desc: text(f.description ?? f.title, 4000),
    types,
    created_time: created,
    first_seen_time: ms(f.firstSeen),
    last_seen_time: ms(f.lastSeen),
    analytic: { uid: f.ruleId, name: f.ruleId, type_id: 1, type: 'Rule' },
    product_uid: 'genai-ir',
  };
  if (attacks.length) finding_info['attacks'] = attacks;
  if (related.length) finding_info['related_events'] = related.slice(0, MAX_RELATED);

  const ev: OcsfEvent = {
    class_uid: 2004,
    class_name: 'Detection Finding',
    category_uid: 2,
    category_name: 'Findings',
    activity_id: 1,
    activity_name: 'Create',
    type_uid: 200401,
    type_name: 'Detection Finding: Create',
    severity_id: sev.id,
    severity: sev.name,
    time: created,
    start_time: ms(f.firstSeen),
    end_time: ms(f.lastSeen),
    status_id: 1,
    status: 'New',
    is_alert: sev.id >= 3,
    message: text(f.title, 500),
    metadata: metadata(report, f.id, { log_name: 'genai-ir findings' }),
    finding_info,
  };
  if (evidences.length) ev['evidences'] = evidences;
  if (observables.length) ev['observables'] = observables;
  if (resources.length) ev['resources'] = resources;
  const account = accountOf(report, f);
  if (account) ev['cloud'] = { provider: 'AWS', account: { uid: account, type_id: 10, type: 'AWS Account' } };
  const unmapped: Record<string, unknown> = {
    elements: f.elements,
    components: f.components ?? [],
  };
  if (related.length > MAX_RELATED) unmapped['related_events_total'] = related.length;
  ev['unmapped'] = unmapped;
  return stripUndefined(ev);
}

function accountObj(id: string | undefined) {
  return id ? { uid: id, type_id: 10, type: 'AWS Account' } : undefined;
}

function accountOf(report: Report, f: Finding): string | undefined {
  for (const p of [...(f.principals ?? []), ...(f.resources ?? [])]) {
    const a = parseArn(p).account;
    if (a) return a;
  }
  return getAccounts(report)[0]?.id;
}

/** API Activity activity_id from a CloudTrail operation name: 1 Create, 2 Read, 3 Update, 4 Delete, 99 Other. */
export function apiActivityId(operation: string, readOnly?: boolean): number {
  if (/^(Delete|Remove|Detach|Disassociate|Deregister|Terminate|Revoke|Cancel|Purge)/.test(operation))
    return 4;
  if (
    /^(Create|Put|Run|Start|Attach|Associate|Add|Register|Import|Upload|Copy|Allocate|Request|Submit)/.test(
      operation,
    )
  )
    return 1;
  if (
    /^(Update|Modify|Set|Change|Edit|Replace|Tag|Untag|Reset|Enable|Disable|Stop|Apply|Reboot)/.test(
      operation,
    )
  )
    return 3;
  if (
    readOnly === true ||
    /^(Get|List|Describe|Head|Lookup|Search|Retrieve|Scan|Query|Select|BatchGet)/.test(operation)
  )
    return 2;
  return 99;
}

const ACTIVITY_NAMES: Record<number, string> = {
  1: 'Create',
  2: 'Read',
  3: 'Update',
  4: 'Delete',
  99: 'Other',
};

/** API Activity (6003) for one API call of the threat actor. */
export function apiCallToOcsf(report: Report, c: ApiCall & { summary?: string }): OcsfEvent {
  const activity = apiActivityId(c.operation, c.readOnly);
  const failed = typeof c.errorCode === 'string' && c.errorCode !== '';
  const arn = c.principalArn ? parseArn(c.principalArn) : {};
  const account = c.account ?? arn.account ?? getAccounts(report)[0]?.id;
  const user: Record<string, unknown> = {};
  if (c.principalArn) user['uid'] = c.principalArn;
  if (c.userName) user['name'] = c.userName;
  else if (c.sessionName) user['name'] = c.sessionName;
  if (c.principalType) user['type'] = c.principalType;
  if (c.accessKeyId) user['credential_uid'] = c.accessKeyId;
  if (account) user['account'] = { uid: account, type_id: 10, type: 'AWS Account' };
  if (!user['uid'] && !user['name']) user['name'] = 'unknown';
  const session: Record<string, unknown> = {};
  if (c.sessionName) session['name'] = c.sessionName;
  if (c.sessionIssuer) session['issuer'] = c.sessionIssuer;
  if (typeof c.mfa === 'boolean') session['is_mfa'] = c.mfa;
  if (c.accessKeyId) session['credential_uid'] = c.accessKeyId;
  const actor: Record<string, unknown> = { user };
  if (Object.keys(session).length) actor['session'] = session;

  const src: Record<string, unknown> = {};
  if (c.sourceIp && ipType(c.sourceIp)) src['ip'] = c.sourceIp;
  else if (c.sourceIp) src['hostname'] = c.sourceIp; // e.g. an AWS service name in sourceIPAddress
  if (!Object.keys(src).length) src['name'] = 'unknown';

  const api: Record<string, unknown> = { operation: c.operation };
  if (c.service) api['service'] = { name: c.service };
  if (c.requestId) api['request'] = { uid: c.requestId };
  if (failed)
    api['response'] = { error: c.errorCode, error_message: text(c.errorMessage, 1000) || undefined };

  const sevName = failed ? 'low' : 'medium';
  const sev = OCSF_SEVERITY[sevName]!;
  const cloud: Record<string, unknown> = { provider: 'AWS' };
  if (c.region) cloud['region'] = c.region;
  if (account) cloud['account'] = { uid: account, type_id: 10, type: 'AWS Account' };

  const ev: OcsfEvent = {
    class_uid: 6003,
    class_name: 'API Activity',
    category_uid: 6,
    category_name: 'Application Activity',
    activity_id: activity,
    activity_name: ACTIVITY_NAMES[activity],
    type_uid: 600300 + activity,
    type_name: `API Activity: ${ACTIVITY_NAMES[activity]}`,
    severity_id: sev.id,
    severity: sev.name,
    time: ms(c.time) ?? 0,
    status_id: failed ? 2 : 1,
    status: failed ? 'Failure' : 'Success',
    status_code: failed ? c.errorCode : undefined,
    message: c.summary ? text(c.summary, 1000) : `${c.operation} by the threat actor`,
    metadata: metadata(report, c.eventId ?? c.requestId ?? `${c.time}/${c.operation}`, {
      log_name: 'genai-ir actor events',
      labels: ['threat-actor'],
      correlation_uid: c.findingIds?.[0],
    }),
    actor,
    api,
    src_endpoint: src,
    cloud,
  };
  if (c.userAgent) ev['http_request'] = { user_agent: text(c.userAgent, 1000) };
  if (c.resources?.length)
    ev['resources'] = c.resources.map((r) => {
      const a = parseArn(r);
      return stripUndefined({ uid: r, type: a.service, region: a.region });
    });
  if (c.findingIds?.length) ev['unmapped'] = { finding_ids: c.findingIds };
  return stripUndefined(ev);
}

/** All OCSF events of the report: Detection Findings first, then the actor's API Activity in time order. */
export function toOcsf(report: Report): OcsfEvent[] {
  const findings = report.findings.map((f) => findingToOcsf(report, f));
  const calls = getActorCalls(report)
    .map((c, i) => ({ c, i }))
    .sort((a, b) => Date.parse(a.c.time) - Date.parse(b.c.time) || a.i - b.i)
    .map(({ c }) => apiCallToOcsf(report, c));
  return [...findings, ...calls];
}

function stripUndefined<T>(o: T): T {
  if (Array.isArray(o)) {
    for (const x of o) stripUndefined(x);
  } else if (o && typeof o === 'object') {
    for (const [k, v] of Object.entries(o)) {
      if (v === undefined) delete (o as Record<string, unknown>)[k];
      else stripUndefined(v);
    }
  }
  return o;
}
