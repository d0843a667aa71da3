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
  /** nodes and edges the analysis left out to bound the graph */
  omitted?: { nodes: number; edges: number };
}

/** Record ids an item cites (at most a few per kind) and how many records there are in all. */
export interface Cited {
  evidence: Record<string, string[]>;
  evidenceTotal: number;
}

/** A value with how often it was seen (`principals[].all.apis[]`...). */
export interface Counted {
  value: string;
  count: number;
}

/** `blastRadius.models.items[]` */
export interface BlastModel extends Cited {
  modelId: string;
  /** direct | application */
  via: string;
  calls: number;
  errors: number;
  loggedCalls: number;
  unloggedCalls: number;
  inputTokens: number;
  outputTokens: number;
  /** USD for the logged tokens; null: not priced */
  costUsd: number | null;
  /** ESTIMATE for calls seen only in CloudTrail; null: cannot be estimated */
  estimatedUnloggedUsd: number | null;
  regions: string[];
  principals: string[];
  firstSeen?: string;
  lastSeen?: string;
}

export interface BlastModels {
  items: BlastModel[];
  totals?: {
    calls: number;
    errors: number;
    loggedCalls: number;
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
    estimatedUnloggedUsd: number;
    unpricedModels: string[];
  };
  note?: string;
}

export interface BlastGuardrailChange {
  time?: string;
  action: string;
  version?: string;
  principal?: string;
}

/** `blastRadius.guardrails[]` */
export interface BlastGuardrail extends Cited {
  guardrailId: string;
  /** weakened | deleted | changed */
  effect: string;
  weakened: string[];
  weakenedVersion?: string;
  actorChanges: BlastGuardrailChange[];
  laterChanges: BlastGuardrailChange[];
  versionInUseAtEnd?: { version?: string; lastUsed?: string };
  stillInEffect: boolean | null;
  status?: string;
  findingIds: string[];
}

/** `blastRadius.knowledgeBases.documents[]` */
export interface BlastKbDocument extends Cited {
  uri: string;
  /** written | deleted */
  change: string;
  knowledgeBases: string[];
  writes: BlastGuardrailChange[];
  live: boolean | null;
  status?: string;
  retrievedBy: { traces: number; sessions: number };
  contentHosts: string[];
  invocationsCarrying: number;
  answersRepeating: number;
  findingIds: string[];
}

export interface BlastKnowledgeBases {
  documents: BlastKbDocument[];
  invocationsCarrying: number;
  answersRepeating: number;
}

/** `blastRadius.privateData[]`: counts by type and recipients; values only when masked. */
export interface BlastPrivateData extends Cited {
  source: string;
  findingId?: string;
  what: string;
  byType: Array<[string, number]>;
  values: number | null;
  recipients: string[];
  /** masked values only: anything that does not look masked is dropped by the accessor */
  masked: string[];
}

export interface BlastAgentAction extends Cited {
  agentId?: string;
  actionGroup: string;
  api: string;
  count: number;
  sessions: number;
  firstSeen?: string;
  lastSeen?: string;
}

export interface BlastAgents {
  sessions: string[];
  actions: BlastAgentAction[];
  findingIds: string[];
}

/** `blastRadius.iamPersistence[]` */
export interface BlastIam extends Cited {
  time?: string;
  action: string;
  kind: string;
  target: string;
  detail?: string;
  principal?: string;
  stillExists: boolean | null;
  basis?: string;
}

/** `report.blastRadius`, validated: malformed parts are empty, malformed items dropped. */
export interface BlastRadiusView {
  summary: string[];
  models: BlastModels;
  guardrails: BlastGuardrail[];
  knowledgeBases: BlastKnowledgeBases;
  privateData: BlastPrivateData[];
  agents: BlastAgents;
  iamPersistence: BlastIam[];
}

export interface PrincipalModel {
  modelId: string;
  calls: number;
  loggedCalls: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
}

/** What one principal (or the actor's / the others' share of it) did. */
export interface PrincipalStatsView {
  records: { cloudtrail: number; invocations: number };
  firstSeen?: string;
  lastSeen?: string;
  apis: Counted[];
  distinctApis: number;
  errors: { total: number; byCode: Counted[] };
  models: PrincipalModel[];
  tokens: { input: number; output: number };
  costUsd: number;
  unpricedModels: string[];
  guardrailInterventions: number;
  sourceIps: Counted[];
  userAgents: Counted[];
  accessKeyIds: Counted[];
  clientIps: Counted[];
}

/** `report.principals[]` */
export interface PrincipalView {
  principal: string;
  kind: string;
  inScope: boolean;
  findingIds: string[];
  maxSeverity?: string;
  /** all | some | none of its records are the actor's; undefined when not stated */
  actorShare?: 'all' | 'some' | 'none';
  all?: PrincipalStatsView;
  actor?: PrincipalStatsView;
  other?: PrincipalStatsView;
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
  const out: EntityGraph = { nodes, edges };
  const om = g['omitted'];
  if (isObj(om) && (num(om['nodes']) > 0 || num(om['edges']) > 0))
    out.omitted = { nodes: Math.floor(num(om['nodes'])), edges: Math.floor(num(om['edges'])) };
  return out;
}

// ---- blast radius and principals: every part validated on its own ------------------------------

const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const objs = (v: unknown): Record<string, unknown>[] => arr(v).filter(isObj);
const bool3 = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
/** a non-negative finite number, else null */
const numOrNull = (v: unknown): number | null =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : null;
const int = (v: unknown): number => Math.floor(num(v));
/** a name-like value: a non-empty string, or a number shown as text */
const name = (v: unknown): string | undefined =>
  isStr(v) && v !== '' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

/** A masked value (`AKIA************OZPX`, `j***@e…`): masking marks and no 8 unmasked letters or digits in a row. */
export function looksMasked(s: string): boolean {
  return /[*…•]/.test(s) && !/[A-Za-z0-9]{8,}/.test(s.replace(/[*…•]/g, ' '));
}

function cited(o: Record<string, unknown>): Cited {
  const evidence: Record<string, string[]> = {};
  let listed = 0;
  if (isObj(o['evidence'])) {
    for (const [k, v] of Object.entries(o['evidence'])) {
      const ids = strs(v);
      if (ids.length) {
        evidence[k] = ids;
        listed += ids.length;
      }
    }
  }
  return { evidence, evidenceTotal: Math.max(listed, int(o['evidenceTotal'])) };
}

function changes(v: unknown): BlastGuardrailChange[] {
  return objs(v)
    .filter((c) => isStr(c['action']))
    .map((c) => ({
      time: optStr(c['time']),
      action: c['action'] as string,
      version: name(c['version']),
      principal: optStr(c['principal']),
    }));
}

function blastModels(v: unknown): BlastModels {
  if (!isObj(v)) return { items: [] };
  const items: BlastModel[] = objs(v['items'])
    .filter((m) => isStr(m['modelId']))
    .map((m) => ({
      modelId: m['modelId'] as string,
      via: optStr(m['via']) ?? 'direct',
      calls: int(m['calls']),
      errors: int(m['errors']),
      loggedCalls: int(m['loggedCalls']),
      unloggedCalls: int(m['unloggedCalls']),
      inputTokens: int(m['inputTokens']),
      outputTokens: int(m['outputTokens']),
      costUsd: numOrNull(m['costUsd']),
      estimatedUnloggedUsd: numOrNull(m['estimatedUnloggedUsd']),
      regions: strs(m['regions']),
      principals: strs(m['principals']),
      firstSeen: optStr(m['firstSeen']),
      lastSeen: optStr(m['lastSeen']),
      ...cited(m),
    }));
  const out: BlastModels = { items };
  const t = v['totals'];
  if (isObj(t))
    out.totals = {
      calls: int(t['calls']),
      errors: int(t['errors']),
      loggedCalls: int(t['loggedCalls']),
      inputTokens: int(t['inputTokens']),
      outputTokens: int(t['outputTokens']),
      costUsd: num(t['costUsd']),
      estimatedUnloggedUsd: num(t['estimatedUnloggedUsd']),
      unpricedModels: strs(t['unpricedModels']),
    };
  const note = optStr(v['note']);
  if (note) out.note = note;
  return out;
}

function blastGuardrails(v: unknown): BlastGuardrail[] {
  return objs(v)
    .filter((g) => isStr(g['guardrailId']))
    .map((g) => {
      const use = g['versionInUseAtEnd'];
      return {
        guardrailId: g['guardrailId'] as string,
        effect: optStr(g['effect']) ?? 'changed',
        weakened: strs(g['weakened']),
        weakenedVersion: name(g['weakenedVersion']),
        actorChanges: changes(g['actorChanges']),
        laterChanges: changes(g['laterChanges']),
        versionInUseAtEnd: isObj(use)
          ? { version: name(use['version']), lastUsed: optStr(use['lastUsed']) }
          : undefined,
        stillInEffect: bool3(g['stillInEffect']),
        status: optStr(g['status']),
        findingIds: strs(g['findingIds']),
        ...cited(g),
      };
    });
}

function blastKb(v: unknown): BlastKnowledgeBases {
  if (!isObj(v)) return { documents: [], invocationsCarrying: 0, answersRepeating: 0 };
  const documents: BlastKbDocument[] = objs(v['documents'])
    .filter((d) => isStr(d['uri']))
    .map((d) => {
      const rb = isObj(d['retrievedBy']) ? d['retrievedBy'] : {};
      return {
        uri: d['uri'] as string,
        change: optStr(d['change']) ?? 'written',
        knowledgeBases: strs(d['knowledgeBases']),
        writes: changes(d['writes']),
        live: bool3(d['live']),
        status: optStr(d['status']),
        retrievedBy: { traces: int(rb['traces']), sessions: int(rb['sessions']) },
        contentHosts: strs(d['contentHosts']),
        invocationsCarrying: int(d['invocationsCarrying']),
        answersRepeating: int(d['answersRepeating']),
        findingIds: strs(d['findingIds']),
        ...cited(d),
      };
    });
  return {
    documents,
    invocationsCarrying: int(v['invocationsCarrying']),
    answersRepeating: int(v['answersRepeating']),
  };
}

function blastPrivateData(v: unknown): BlastPrivateData[] {
  return objs(v)
    .filter((p) => isStr(p['what']) || isStr(p['source']))
    .map((p) => ({
      source: optStr(p['source']) ?? '',
      findingId: optStr(p['findingId']),
      what: optStr(p['what']) ?? '',
      byType: isObj(p['byType'])
        ? Object.entries(p['byType'])
            .filter((e): e is [string, number] => numOrNull(e[1]) !== null)
            .map(([k, n]): [string, number] => [k, Math.floor(n)])
        : [],
      values: numOrNull(p['values']) === null ? null : Math.floor(p['values'] as number),
      recipients: strs(p['recipients']),
      masked: strs(p['masked']).filter(looksMasked),
      ...cited(p),
    }));
}

function blastAgents(v: unknown): BlastAgents {
  if (!isObj(v)) return { sessions: [], actions: [], findingIds: [] };
  return {
    sessions: strs(v['sessions']),
    actions: objs(v['actions'])
      .filter((a) => isStr(a['actionGroup']) || isStr(a['api']))
      .map((a) => ({
        agentId: optStr(a['agentId']),
        actionGroup: optStr(a['actionGroup']) ?? '',
        api: optStr(a['api']) ?? '',
        count: int(a['count']),
        sessions: int(a['sessions']),
        firstSeen: optStr(a['firstSeen']),
        lastSeen: optStr(a['lastSeen']),
        ...cited(a),
      })),
    findingIds: strs(v['findingIds']),
  };
}

function blastIam(v: unknown): BlastIam[] {
  return objs(v)
    .filter((i) => isStr(i['action']) && isStr(i['target']))
    .map((i) => ({
      time: optStr(i['time']),
      action: i['action'] as string,
      kind: optStr(i['kind']) ?? '',
      target: i['target'] as string,
      detail: optStr(i['detail']),
      principal: optStr(i['principal']),
      stillExists: bool3(i['stillExists']),
      basis: optStr(i['basis']),
      ...cited(i),
    }));
}

/** `report.blastRadius`, each part validated on its own (a malformed part is empty); undefined when absent. */
export function getBlastRadius(report: Report): BlastRadiusView | undefined {
  const b = report['blastRadius'];
  if (!isObj(b)) return undefined;
  return {
    summary: strs(b['summary']),
    models: blastModels(b['models']),
    guardrails: blastGuardrails(b['guardrails']),
    knowledgeBases: blastKb(b['knowledgeBases']),
    privateData: blastPrivateData(b['privateData']),
    agents: blastAgents(b['agents']),
    iamPersistence: blastIam(b['iamPersistence']),
  };
}

function counted(v: unknown): Counted[] {
  return objs(v)
    .filter((c) => isStr(c['value']))
    .map((c) => ({ value: c['value'] as string, count: int(c['count']) }));
}

function principalStats(v: unknown): PrincipalStatsView | undefined {
  if (!isObj(v)) return undefined;
  const rec = isObj(v['records']) ? v['records'] : {};
  const err = isObj(v['errors']) ? v['errors'] : {};
  const tok = isObj(v['tokens']) ? v['tokens'] : {};
  const apis = counted(v['apis']);
  return {
    records: { cloudtrail: int(rec['cloudtrail']), invocations: int(rec['invocations']) },
    firstSeen: optStr(v['firstSeen']),
    lastSeen: optStr(v['lastSeen']),
    apis,
    distinctApis: Math.max(int(v['distinctApis']), apis.length),
    errors: { total: int(err['total']), byCode: counted(err['byCode']) },
    models: objs(v['models'])
      .filter((m) => isStr(m['modelId']))
      .map((m) => ({
        modelId: m['modelId'] as string,
        calls: int(m['calls']),
        loggedCalls: int(m['loggedCalls']),
        errors: int(m['errors']),
        inputTokens: int(m['inputTokens']),
        outputTokens: int(m['outputTokens']),
        costUsd: numOrNull(m['costUsd']),
      })),
    tokens: { input: int(tok['input']), output: int(tok['output']) },
    costUsd: num(v['costUsd']),
    unpricedModels: strs(v['unpricedModels']),
    guardrailInterventions: int(v['guardrailInterventions']),
    sourceIps: counted(v['sourceIps']),
    userAgents: counted(v['userAgents']),
    accessKeyIds: counted(v['accessKeyIds']),
    clientIps: counted(v['clientIps']),
  };
}

/** `report.principals`: entries without a principal name or any statistics are dropped. */
export function getPrincipals(report: Report): PrincipalView[] | undefined {
  const p = report['principals'];
  if (!Array.isArray(p)) return undefined;
  const out: PrincipalView[] = [];
  for (const x of p) {
    if (!isObj(x) || !isStr(x['principal']) || x['principal'] === '') continue;
    const all = principalStats(x['all']);
    const actor = principalStats(x['actor']);
    const other = principalStats(x['other']);
    if (!all && !actor && !other) continue;
    const share = x['actorShare'];
    out.push({
      principal: x['principal'],
      kind: optStr(x['kind']) ?? 'other',
      inScope: x['inScope'] === true,
      findingIds: strs(x['findingIds']),
      maxSeverity: optStr(x['maxSeverity']),
      actorShare: share === 'all' || share === 'some' || share === 'none' ? share : undefined,
      all,
      actor,
      other,
    });
  }
  return out;
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
