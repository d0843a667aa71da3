/**
 * Per-principal summary (`report.principals`): for every principal in scope and every principal a
 * finding at medium or above names, what it did in the evidence — APIs, errors, models, tokens and
 * cost, guardrail interventions, addresses, clients, keys, first and last seen. A principal the actor
 * shares with legitimate use (an application role, a stolen user key also used by its owner) gets its
 * records split into the actor's and the rest.
 *
 * Also `apiCallOf`, the CloudTrail record of an actor timeline entry as the report's `ApiCall`
 * (docs/reports.md), for the OCSF API Activity export.
 */
import { SEVERITY_RANK } from '../engine/detector.js';
import { type IdentityOf, loadIdentityOf } from '../engine/principal-names.js';
import type { Finding, Severity } from '../model/types.js';
import type { ApiCall } from '../report/extras.js';
import { isoSql, type Queryable, sqlString } from '../store/case-store.js';
import { modelFamilyId, RUNTIME_ACTIONS } from './baselines.js';
import { ACTOR_TABLE } from './charts.js';
import { costUsd } from './invocation.js';
import type { ScopeResult } from './scope.js';

/** How many values of one kind (APIs, addresses, clients ...) a summary lists. */
export const TOP_N = 15;

export interface Counted {
  value: string;
  count: number;
}

export interface PrincipalModelUse {
  modelId: string;
  calls: number;
  loggedCalls: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  /** USD for the logged tokens (price table); null when the model is not priced */
  costUsd: number | null;
}

export interface PrincipalStats {
  records: { cloudtrail: number; invocations: number };
  firstSeen: string | null;
  lastSeen: string | null;
  /** `service:Action` with counts, most called first (top 15) */
  apis: Counted[];
  distinctApis: number;
  errors: { total: number; byCode: Counted[] };
  models: PrincipalModelUse[];
  tokens: { input: number; output: number };
  /** USD for logged tokens only: calls seen only in CloudTrail carry no token counts */
  costUsd: number;
  unpricedModels: string[];
  guardrailInterventions: number;
  sourceIps: Counted[];
  userAgents: Counted[];
  accessKeyIds: Counted[];
  /** end-user addresses the application logged with its invocations */
  clientIps: Counted[];
}

export interface PrincipalSummary {
  principal: string;
  kind: 'user' | 'role' | 'root' | 'other';
  inScope: boolean;
  /** findings at medium or above that name the principal */
  findingIds: string[];
  maxSeverity: Severity | null;
  /** all | some | none of its records are the actor's */
  actorShare: 'all' | 'some' | 'none';
  all: PrincipalStats;
  /** when shared: the actor's records and the others */
  actor?: PrincipalStats;
  other?: PrincipalStats;
}

const str = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));
const num = (v: unknown): number => Number(v ?? 0) || 0;
/** USD to a hundredth of a cent. */
const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;
const RUNTIME_LIST = RUNTIME_ACTIONS.map((a) => sqlString(a)).join(', ');

function kindOf(arn: string): PrincipalSummary['kind'] {
  if (/:root$/.test(arn)) return 'root';
  if (/:iam::\d{12}:user\//.test(arn)) return 'user';
  if (/:iam::\d{12}:role\//.test(arn)) return 'role';
  return 'other';
}

type Flag = 'actor' | 'other';
type Split<T> = Record<Flag, T>;

function emptyStats(): PrincipalStats {
  return {
    records: { cloudtrail: 0, invocations: 0 },
    firstSeen: null,
    lastSeen: null,
    apis: [],
    distinctApis: 0,
    errors: { total: 0, byCode: [] },
    models: [],
    tokens: { input: 0, output: 0 },
    costUsd: 0,
    unpricedModels: [],
    guardrailInterventions: 0,
    sourceIps: [],
    userAgents: [],
    accessKeyIds: [],
    clientIps: [],
  };
}

function topOf(m: Map<string, number>): Counted[] {
  return [...m.entries()]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || a.value.localeCompare(b.value))
    .slice(0, TOP_N);
}

function mergeCounted(a: Counted[], b: Counted[]): Counted[] {
  const m = new Map<string, number>();
  for (const x of [...a, ...b]) m.set(x.value, (m.get(x.value) ?? 0) + x.count);
  return topOf(m);
}

const list = (xs: string[]): string => xs.map(sqlString).join(', ') || "''";

/** Stats of one principal's records (the raw identity values that normalise to it), split actor / other. */
async function statsOf(db: Queryable, evIds: string[], invIds: string[]): Promise<Split<PrincipalStats>> {
  const out: Split<PrincipalStats> = { actor: emptyStats(), other: emptyStats() };
  const flag = (v: unknown): Flag => (v === true ? 'actor' : 'other');
  const evWhere = `(identity_arn IN (${list(evIds)}) OR (identity_arn IS NULL AND principal_arn IN (${list(evIds)})))`;
  const invWhere = `coalesce(identity_arn, principal_arn) IN (${list(invIds)})`;
  const evActor = `coalesce(event_id, uid) IN (SELECT id FROM ${ACTOR_TABLE} WHERE kind = 'event')`;
  const invActor = `coalesce(request_id, uid) IN (SELECT id FROM ${ACTOR_TABLE} WHERE kind = 'request')`;
  const dim = async (table: 'events' | 'invocations', col: string): Promise<Split<Map<string, number>>> => {
    const res: Split<Map<string, number>> = { actor: new Map(), other: new Map() };
    if (!(table === 'events' ? evIds : invIds).length) return res;
    const rows = await db.all(
      `SELECT ${table === 'events' ? evActor : invActor} AS a, ${col} AS v, count(*) AS n FROM ${table}
       WHERE ${table === 'events' ? evWhere : invWhere} AND ${col} IS NOT NULL GROUP BY 1, 2 ORDER BY ALL`,
    );
    for (const r of rows) res[flag(r.a)].set(String(r.v), num(r.n));
    return res;
  };
  if (evIds.length) {
    const base = await db.all(
      `SELECT ${evActor} AS a, count(*) AS n, count(*) FILTER (WHERE error_code IS NOT NULL) AS errs,
              ${isoSql('min(time)')} AS f, ${isoSql('max(time)')} AS l, count(DISTINCT service || ':' || action) AS apis
       FROM events WHERE ${evWhere} GROUP BY 1 ORDER BY ALL`,
    );
    for (const r of base) {
      const s = out[flag(r.a)];
      s.records.cloudtrail = num(r.n);
      s.errors.total = num(r.errs);
      s.firstSeen = str(r.f);
      s.lastSeen = str(r.l);
      s.distinctApis = num(r.apis);
    }
    const apis = await dim('events', `replace(service, '.amazonaws.com', '') || ':' || action`);
    const errs = await dim('events', 'error_code');
    const ips = await dim('events', 'source_ip');
    const uas = await dim('events', 'user_agent');
    const keys = await dim('events', 'access_key_id');
    for (const f of ['actor', 'other'] as const) {
      out[f].apis = topOf(apis[f]);
      out[f].errors.byCode = topOf(errs[f]);
      out[f].sourceIps = topOf(ips[f]);
      out[f].userAgents = topOf(uas[f]);
      out[f].accessKeyIds = topOf(keys[f]);
    }
  }
  if (invIds.length) {
    const base = await db.all(
      `SELECT ${invActor} AS a, count(*) AS n, count(*) FILTER (WHERE guardrail_action = 'INTERVENED') AS gi,
              ${isoSql('min(time)')} AS f, ${isoSql('max(time)')} AS l
       FROM invocations WHERE ${invWhere} GROUP BY 1 ORDER BY ALL`,
    );
    for (const r of base) {
      const s = out[flag(r.a)];
      s.records.invocations = num(r.n);
      s.guardrailInterventions = num(r.gi);
      if (r.f && (!s.firstSeen || String(r.f) < s.firstSeen)) s.firstSeen = String(r.f);
      if (r.l && (!s.lastSeen || String(r.l) > s.lastSeen)) s.lastSeen = String(r.l);
    }
    const clients = await dim('invocations', 'client_ip');
    for (const f of ['actor', 'other'] as const) out[f].clientIps = topOf(clients[f]);
  }
  // model calls: CloudTrail runtime records and invocation logs, one call per request id
  const models = await db.all(
    `WITH ct AS (
       SELECT request_id, json_extract_string(request_parameters, '$.modelId') AS m, error_code, ${evActor} AS a
       FROM events WHERE service = 'bedrock.amazonaws.com' AND action IN (${RUNTIME_LIST}) AND ${evWhere}),
     inv AS (
       SELECT request_id, model_id AS m, error_code, input_tokens, output_tokens, ${invActor} AS a
       FROM invocations WHERE ${invWhere})
     SELECT coalesce(inv.m, ct.m) AS m, coalesce(inv.a, ct.a) AS a, count(*) AS calls, count(inv.request_id) AS logged,
            count(*) FILTER (WHERE coalesce(ct.error_code, inv.error_code) IS NOT NULL) AS errs,
            sum(coalesce(inv.input_tokens, 0)) AS tin, sum(coalesce(inv.output_tokens, 0)) AS tout
     FROM inv FULL OUTER JOIN ct ON inv.request_id = ct.request_id
     GROUP BY 1, 2 ORDER BY ALL`,
  );
  const byModel: Split<Map<string, PrincipalModelUse>> = { actor: new Map(), other: new Map() };
  for (const r of models) {
    const m = modelFamilyId(str(r.m)) || '?';
    const mm = byModel[flag(r.a)];
    const u = mm.get(m) ?? {
      modelId: m,
      calls: 0,
      loggedCalls: 0,
      errors: 0,
      inputTokens: 0,
      outputTokens: 0,
      costUsd: 0,
    };
    u.calls += num(r.calls);
    u.loggedCalls += num(r.logged);
    u.errors += num(r.errs);
    u.inputTokens += num(r.tin);
    u.outputTokens += num(r.tout);
    mm.set(m, u);
  }
  for (const f of ['actor', 'other'] as const) finishModels(out[f], [...byModel[f].values()]);
  return out;
}

function finishModels(s: PrincipalStats, models: PrincipalModelUse[]): void {
  const unpriced: string[] = [];
  let cost = 0;
  for (const u of models) {
    const c = costUsd(u.modelId, u.inputTokens, u.outputTokens);
    u.costUsd = c === null ? null : round4(c);
    if (c === null) {
      if (u.calls > u.errors) unpriced.push(u.modelId);
    } else cost += c;
    s.tokens.input += u.inputTokens;
    s.tokens.output += u.outputTokens;
  }
  s.models = models.sort((a, b) => b.calls - a.calls || a.modelId.localeCompare(b.modelId));
  s.costUsd = round4(cost);
  s.unpricedModels = unpriced.sort();
}

/** The sum of two splits' halves, for a principal's whole record. */
function mergeStats(a: PrincipalStats, b: PrincipalStats): PrincipalStats {
  const min = (x: string | null, y: string | null) => (x && y ? (x < y ? x : y) : (x ?? y));
  const max = (x: string | null, y: string | null) => (x && y ? (x > y ? x : y) : (x ?? y));
  const models = new Map<string, PrincipalModelUse>();
  for (const u of [...a.models, ...b.models]) {
    const m = models.get(u.modelId);
    if (!m) models.set(u.modelId, { ...u, costUsd: 0 });
    else {
      m.calls += u.calls;
      m.loggedCalls += u.loggedCalls;
      m.errors += u.errors;
      m.inputTokens += u.inputTokens;
      m.outputTokens += u.outputTokens;
    }
  }
  const s: PrincipalStats = {
    ...emptyStats(),
    records: {
      cloudtrail: a.records.cloudtrail + b.records.cloudtrail,
      invocations: a.records.invocations + b.records.invocations,
    },
    firstSeen: min(a.firstSeen, b.firstSeen),
    lastSeen: max(a.lastSeen, b.lastSeen),
    apis: mergeCounted(a.apis, b.apis),
    distinctApis: Math.max(
      a.distinctApis,
      b.distinctApis,
      new Set([...a.apis, ...b.apis].map((x) => x.value)).size,
    ),
    errors: {
      total: a.errors.total + b.errors.total,
      byCode: mergeCounted(a.errors.byCode, b.errors.byCode),
    },
    guardrailInterventions: a.guardrailInterventions + b.guardrailInterventions,
    sourceIps: mergeCounted(a.sourceIps, b.sourceIps),
    userAgents: mergeCounted(a.userAgents, b.userAgents),
    accessKeyIds: mergeCounted(a.accessKeyIds, b.accessKeyIds),
    clientIps: mergeCounted(a.clientIps, b.clientIps),
  };
  finishModels(s, [...models.values()]);
  return s;
}

/** The IAM identity ARNs of the principals to summarise: in scope, or named by a finding at medium or above. */
function principalsToSummarise(
  sc: Pick<ScopeResult, 'scope'>,
  findings: Finding[],
  identityOf: IdentityOf,
): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  const add = (arn: string, f?: Finding) => {
    const id = identityOf(arn);
    if (!id || !/^arn:aws[a-z-]*:(iam|sts)::/.test(id)) return;
    if (!out.has(id)) out.set(id, []);
    if (f && !out.get(id)!.includes(f)) out.get(id)!.push(f);
  };
  for (const p of sc.scope.principals) add(p);
  for (const f of findings)
    if (SEVERITY_RANK[f.severity] >= SEVERITY_RANK.medium) for (const p of f.principals ?? []) add(p, f);
  return out;
}

/**
 * The per-principal summary. Needs `loadActorIds` (charts.ts) for the actor split. Sorted: in-scope
 * principals first, then by highest finding severity, then by ARN.
 */
export async function summarisePrincipals(
  db: Queryable,
  sc: Pick<ScopeResult, 'scope'>,
  findings: Finding[],
  opts: {
    /** the case's principal names (loaded from `db` when not given) */
    identityOf?: IdentityOf;
  } = {},
): Promise<PrincipalSummary[]> {
  const identityOf = opts.identityOf ?? (await loadIdentityOf(db));
  const wanted = principalsToSummarise(sc, findings, identityOf);
  if (!wanted.size) return [];
  // raw identity values (paths, session ARNs) that normalise to each principal
  const evRaw = new Map<string, string[]>();
  const invRaw = new Map<string, string[]>();
  for (const r of await db.all(
    'SELECT DISTINCT coalesce(identity_arn, principal_arn) AS v FROM events WHERE coalesce(identity_arn, principal_arn) IS NOT NULL ORDER BY v',
  )) {
    const id = identityOf(String(r.v));
    if (id && wanted.has(id)) evRaw.set(id, [...(evRaw.get(id) ?? []), String(r.v)]);
  }
  for (const r of await db.all(
    'SELECT DISTINCT coalesce(identity_arn, principal_arn) AS v FROM invocations WHERE coalesce(identity_arn, principal_arn) IS NOT NULL ORDER BY v',
  )) {
    const id = identityOf(String(r.v));
    if (id && wanted.has(id)) invRaw.set(id, [...(invRaw.get(id) ?? []), String(r.v)]);
  }
  const inScope = new Set(sc.scope.principals.map((p) => identityOf(p)));
  const out: PrincipalSummary[] = [];
  for (const [p, fs] of wanted) {
    const split = await statsOf(db, (evRaw.get(p) ?? []).sort(), (invRaw.get(p) ?? []).sort());
    const n = (s: PrincipalStats) => s.records.cloudtrail + s.records.invocations;
    const actorShare = n(split.actor) === 0 ? 'none' : n(split.other) === 0 ? 'all' : 'some';
    const all =
      actorShare === 'all'
        ? split.actor
        : actorShare === 'none'
          ? split.other
          : mergeStats(split.actor, split.other);
    const sev = fs.map((f) => f.severity).sort((a, b) => SEVERITY_RANK[b] - SEVERITY_RANK[a])[0] ?? null;
    const s: PrincipalSummary = {
      principal: p,
      kind: kindOf(p),
      inScope: inScope.has(p),
      findingIds: fs.map((f) => f.id).sort(),
      maxSeverity: sev,
      actorShare,
      all,
    };
    if (actorShare === 'some') {
      s.actor = split.actor;
      s.other = split.other;
    }
    out.push(s);
  }
  const rank = (s: PrincipalSummary) => (s.maxSeverity ? SEVERITY_RANK[s.maxSeverity] : -1);
  return out.sort(
    (a, b) =>
      Number(b.inScope) - Number(a.inScope) || rank(b) - rank(a) || a.principal.localeCompare(b.principal),
  );
}

// ---- actor API records --------------------------------------------------------------------------

/**
 * Extra `events` columns `apiCallOf` reads, for a query that already selects `event_id`, `t` (ISO
 * time), `action`, `service`, `region`, `source_ip` and `error_code`.
 */
export const API_CALL_COLUMNS = [
  'request_id',
  'coalesce(recipient_account, account) AS api_account',
  'principal_arn',
  'principal_type',
  'user_name',
  'access_key_id',
  'session_name',
  "json_extract_string(raw, '$.userIdentity.sessionContext.sessionIssuer.arn') AS session_issuer",
  'mfa',
  'user_agent',
  'error_message',
  'read_only',
  'resources',
].join(', ');

/** A CloudTrail row as the report's `ApiCall` (OCSF API Activity export). */
export function apiCallOf(r: Record<string, unknown>): ApiCall {
  const call: ApiCall = { time: String(r.t), operation: String(r.action) };
  const set = (k: keyof ApiCall, v: unknown) => {
    const s = str(v);
    if (s !== null) (call as unknown as Record<string, unknown>)[k] = s;
  };
  set('service', r.service);
  set('eventId', r.event_id);
  set('requestId', r.request_id);
  set('region', r.region);
  set('account', r.api_account);
  set('principalArn', r.principal_arn);
  set('principalType', r.principal_type);
  set('userName', r.user_name);
  set('accessKeyId', r.access_key_id);
  set('sessionName', r.session_name);
  set('sessionIssuer', r.session_issuer);
  if (typeof r.mfa === 'boolean') call.mfa = r.mfa;
  set('sourceIp', r.source_ip);
  set('userAgent', r.user_agent);
  set('errorCode', r.error_code);
  set('errorMessage', r.error_message);
  if (typeof r.read_only === 'boolean') call.readOnly = r.read_only;
  if (Array.isArray(r.resources) && r.resources.length) call.resources = r.resources.map(String);
  return call;
}
