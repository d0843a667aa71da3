/**
 * Optional extra fields of a Report that the writers read, with tolerant accessors.
 *
 * The JSON schema allows extra fields; the analysis may fill any of these. Every accessor validates
 * the shape at run time and drops what does not fit, so a malformed extra never breaks a writer.
 */
import type { Finding, Json, Report, TimelineEntry } from '../model/types.js';

/** One API call of the threat actor, CloudTrail-shaped (used for OCSF API Activity). */
export interface ApiCall {
  time: string;
  /** CloudTrail eventName, e.g. `UpdateGuardrail` */
  operation: string;
  /** CloudTrail eventSource, e.g. `bedrock.amazonaws.com` */
  service?: string;
  eventId?: string;
  requestId?: string;
  region?: string;
  account?: string;
  /** userIdentity.arn (session ARN for assumed roles) */
  principalArn?: string;
  /** userIdentity.type */
  principalType?: string;
  userName?: string;
  accessKeyId?: string;
  sessionName?: string;
  /** sessionContext.sessionIssuer.arn (the role) */
  sessionIssuer?: string;
  mfa?: boolean;
  sourceIp?: string;
  userAgent?: string;
  errorCode?: string;
  errorMessage?: string;
  readOnly?: boolean;
  resources?: string[];
  findingIds?: string[];
}

/** `report.actorEvents`, or `api` on a timeline entry with `actor: true`. */
export type TimelineEntryExt = TimelineEntry & { api?: ApiCall };

/** A recommended next step. `report.recommendations` may hold these or plain strings. */
export interface Recommendation {
  /** contain | eradicate | recover | investigate | harden */
  phase: string;
  action: string;
  /** the keys, principals, resources... the step applies to */
  targets?: string[];
  reason?: string;
}

/** One bucket of a chart series. `t` is the ISO start of the bucket. */
export interface ChartPoint {
  t: string;
  total: number;
  /** the threat actor's share of `total` */
  actor: number;
}

/** `report.charts` */
export interface Charts {
  activity?: ChartPoint[];
  tokens?: ChartPoint[];
}

/** A detected span inside an excerpt, in UTF-16 code units of `text` (JavaScript string indices). */
export interface ExcerptSpan {
  start: number;
  end: number;
  category: string;
}

/** `finding.details.excerpts[]`: a prompt or response (part) with detected spans. */
export interface Excerpt {
  requestId?: string;
  role?: string;
  text: string;
  spans: ExcerptSpan[];
}

/** An indicator of compromise. `report.iocs` may hold extra ones (domains, URLs, user agents...). */
export interface Ioc {
  /** ipv4 | ipv6 | aws-access-key-id | aws-principal-arn | domain | url | email | user-agent | sha256 | other */
  type: string;
  value: string;
  firstSeen?: string;
  lastSeen?: string;
  context?: string;
}

/** An AWS account of the investigation: `report.accounts` (objects, or plain account id strings). */
export interface Account {
  id: string;
  name?: string;
  regions?: string[];
}

/** Entity graph: `report.graph`. Node ids are opaque; labels are shown escaped. */
export interface EntityGraph {
  nodes: Array<{ id: string; type: string; label: string }>;
  edges: Array<{ from: string; to: string; label?: string }>;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string';
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter(isStr) : []);
const optStr = (v: unknown): string | undefined => (isStr(v) && v !== '' ? v : undefined);

export function isValidTime(s: unknown): s is string {
  return isStr(s) && !Number.isNaN(Date.parse(s));
}

export function getRecommendations(report: Report): Recommendation[] | undefined {
  const r = report['recommendations'];
  if (!Array.isArray(r)) return undefined;
  const out: Recommendation[] = [];
  for (const x of r) {
    if (isStr(x)) out.push({ phase: 'contain', action: x });
    else if (isObj(x) && isStr(x['action'])) {
      out.push({
        phase: optStr(x['phase']) ?? 'contain',
        action: x['action'],
        targets: strs(x['targets']),
        reason: optStr(x['reason']),
      });
    }
  }
  return out;
}

function points(v: unknown): ChartPoint[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out = v
    .filter((p): p is Record<string, unknown> => isObj(p) && isValidTime(p['t']))
    .map((p) => ({ t: p['t'] as string, total: num(p['total']), actor: num(p['actor']) }));
  return out.sort((a, b) => Date.parse(a.t) - Date.parse(b.t));
}

export function getCharts(report: Report): Charts {
  const c = report['charts'];
  if (!isObj(c)) return {};
  return { activity: points(c['activity']), tokens: points(c['tokens']) };
}

export function getExcerpts(f: Finding): Excerpt[] {
  const ex = f.details?.['excerpts'];
  if (!Array.isArray(ex)) return [];
  const out: Excerpt[] = [];
  for (const e of ex as Json[]) {
    if (!isObj(e) || !isStr(e['text'])) continue;
    const text = e['text'];
    const spans: ExcerptSpan[] = [];
    if (Array.isArray(e['spans'])) {
      for (const s of e['spans']) {
        if (!isObj(s)) continue;
        const start = s['start'];
        const end = s['end'];
        if (typeof start !== 'number' || typeof end !== 'number' || !Number.isInteger(start)) continue;
        if (!Number.isInteger(end) || start < 0 || end <= start || start >= text.length) continue;
        spans.push({
          start,
          end: Math.min(end, text.length),
          category: isStr(s['category']) ? s['category'] : '',
        });
      }
    }
    spans.sort((a, b) => a.start - b.start || b.end - a.end);
    // drop overlaps: keep the earliest-starting, longest span
    const clean: ExcerptSpan[] = [];
    for (const s of spans) if (!clean.length || s.start >= clean[clean.length - 1]!.end) clean.push(s);
    out.push({ requestId: optStr(e['requestId']), role: optStr(e['role']), text, spans: clean });
  }
  return out;
}

export function getExtraIocs(report: Report): Ioc[] {
  const r = report['iocs'];
  if (!Array.isArray(r)) return [];
  return r
    .filter((x): x is Record<string, unknown> => isObj(x) && isStr(x['type']) && isStr(x['value']))
    .map((x) => ({
      type: x['type'] as string,
      value: x['value'] as string,
      firstSeen: isValidTime(x['firstSeen']) ? (x['firstSeen'] as string) : undefined,
      lastSeen: isValidTime(x['lastSeen']) ? (x['lastSeen'] as string) : undefined,
      context: optStr(x['context']),
    }));
}

/**
 * The investigation's AWS accounts: `report.accounts` (objects or account id strings), else
 * `report.coverage.accounts` (ids; `coverage.regions` attached only when there is exactly one).
 */
export function getAccounts(report: Report): Account[] {
  const out: Account[] = [];
  const r = report['accounts'];
  if (Array.isArray(r)) {
    for (const a of r) {
      if (isStr(a) && /^\d{12}$/.test(a)) out.push({ id: a });
      else if (isObj(a) && isStr(a['id']) && /^\d{12}$/.test(a['id'])) {
        out.push({ id: a['id'], name: optStr(a['name']), regions: strs(a['regions']) });
      }
    }
    return out;
  }
  const cov = report.coverage as Record<string, unknown> | undefined;
  const regions = strs(cov?.['regions']);
  for (const a of strs(cov?.['accounts'])) {
    if (/^\d{12}$/.test(a)) out.push(regions.length === 1 ? { id: a, regions } : { id: a });
  }
  return out;
}

/** `report.scopeNotes`: the analysis' notes on how the scope was established. */
export function getScopeNotes(report: Report): string[] {
  return strs(report['scopeNotes']);
}

export function getGraph(report: Report): EntityGraph | undefined {
  const g = report['graph'];
  if (!isObj(g) || !Array.isArray(g['nodes'])) return undefined;
  const nodes = g['nodes']
    .filter((n): n is Record<string, unknown> => isObj(n) && isStr(n['id']))
    .map((n) => ({ id: n['id'] as string, type: isStr(n['type']) ? n['type'] : 'other', label: toLabel(n) }));
  const edges = (Array.isArray(g['edges']) ? g['edges'] : [])
    .filter((e): e is Record<string, unknown> => isObj(e) && isStr(e['from']) && isStr(e['to']))
    .map((e) => ({ from: e['from'] as string, to: e['to'] as string, label: optStr(e['label']) }));
  return { nodes, edges };
}

function toLabel(n: Record<string, unknown>): string {
  return isStr(n['label']) ? n['label'] : (n['id'] as string);
}

function apiCall(v: unknown): ApiCall | undefined {
  if (!isObj(v) || !isValidTime(v['time']) || !isStr(v['operation'])) return undefined;
  const call: ApiCall = { time: v['time'] as string, operation: v['operation'] };
  for (const k of [
    'service',
    'eventId',
    'requestId',
    'region',
    'account',
    'principalArn',
    'principalType',
    'userName',
    'accessKeyId',
    'sessionName',
    'sessionIssuer',
    'sourceIp',
    'userAgent',
    'errorCode',
    'errorMessage',
  ] as const) {
    const s = optStr(v[k]);
    if (s !== undefined) call[k] = s;
  }
  if (typeof v['mfa'] === 'boolean') call.mfa = v['mfa'];
  if (typeof v['readOnly'] === 'boolean') call.readOnly = v['readOnly'];
  if (Array.isArray(v['resources'])) call.resources = strs(v['resources']);
  if (Array.isArray(v['findingIds'])) call.findingIds = strs(v['findingIds']);
  return call;
}

/**
 * The actor's API calls: `report.actorEvents` if present, else the `api` field of timeline entries
 * with `actor: true`, else a minimal call made from each actor timeline entry (operation `unknown`,
 * ids from its evidence refs).
 */
export function getActorCalls(report: Report): Array<ApiCall & { summary?: string }> {
  const ae = report['actorEvents'];
  if (Array.isArray(ae)) {
    return ae.map(apiCall).filter((c): c is ApiCall => c !== undefined);
  }
  const out: Array<ApiCall & { summary?: string }> = [];
  for (const e of report.timeline as TimelineEntryExt[]) {
    if (e.actor !== true) continue;
    const c = apiCall(e.api);
    if (c) {
      out.push({ ...c, summary: e.summary });
      continue;
    }
    if (!isValidTime(e.time)) continue;
    out.push({
      time: e.time,
      operation: 'unknown',
      eventId: e.evidence?.eventIds?.[0],
      requestId: e.evidence?.requestIds?.[0],
      findingIds: e.findingIds,
      summary: e.summary,
    });
  }
  return out;
}

/** Account id and region of an ARN, or undefined parts. */
export function parseArn(s: string): {
  partition?: string;
  service?: string;
  region?: string;
  account?: string;
} {
  const m = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d{12})?:/.exec(s);
  if (!m) return {};
  return { partition: m[1], service: m[2], region: m[3] || undefined, account: m[4] || undefined };
}
