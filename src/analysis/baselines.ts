/**
 * Per-principal and per-agent baselines built from the evidence itself.
 *
 * Nothing here knows what "normal" is for a given account: every statistic is computed over the
 * principal's (or agent's) own history in the case — robust statistics (median / MAD) over hourly
 * counts, first-seen times of models, Regions, addresses and clients, guardrail use per model and
 * operation, requested output limits. A value is "new" for a principal only when the principal had
 * an established history before it first appeared, so the first hours of a window do not make every
 * model or address look new.
 */

import { relieveHeap } from '../engine/heap.js';
import type { IdentityOf } from '../engine/principal-names.js';
import { isoSql, type Queryable } from '../store/case-store.js';
import { flat, interner, jsonObject } from './context.js';

// ---- robust statistics ------------------------------------------------------------------------

export interface RobustStats {
  n: number;
  median: number;
  /** median absolute deviation (unscaled) */
  mad: number;
}

export function median(xs: readonly number[]): number {
  if (!xs.length) return 0;
  const v = [...xs].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

export function robustStats(xs: readonly number[]): RobustStats {
  const med = median(xs);
  return { n: xs.length, median: med, mad: median(xs.map((x) => Math.abs(x - med))) };
}

/**
 * Robust z-score of `x`: (x - median) / (1.4826 · MAD), with the scale floored at `floor` so that a
 * perfectly flat history (MAD 0) does not turn every small change into an infinite score.
 */
export function robustZ(x: number, s: RobustStats, floor = 1): number {
  const scale = Math.max(1.4826 * s.mad, floor);
  return (x - s.median) / scale;
}

// ---- identities -------------------------------------------------------------------------------

/** Short display name of a principal ARN (`role/x`, `user/y`). */
export function shortName(arn: string): string {
  const m = /:(?:iam|sts)::\d{12}:(.+)$/.exec(arn);
  return m ? m[1] : arn;
}

/** Model id without ARN prefix, cross-Region profile prefix or provisioned-model wrapper. */
export function modelFamilyId(modelId: string | null | undefined): string {
  if (!modelId) return '';
  let m = modelId.trim();
  const arn =
    /^arn:aws[a-z-]*:bedrock:[^:]*:[^:]*:(?:foundation-model|inference-profile|application-inference-profile|custom-model|provisioned-model|imported-model)\/(.+)$/.exec(
      m,
    );
  if (arn) m = arn[1];
  m = m.replace(/^(?:us|eu|apac|us-gov|global|ca|jp|au)\./, '');
  return m;
}

/** Is the model id a customised / provisioned / imported model (not a base model)? */
export function isCustomModelId(modelId: string | null | undefined): boolean {
  return /:(?:custom-model|provisioned-model|imported-model)\//.test(modelId ?? '');
}

// ---- time -------------------------------------------------------------------------------------

export const HOUR_MS = 3600_000;

const hours = new Map<string, number>();

export function hourOf(iso: string): number {
  // a UTC ISO time (what isoSql writes) names its hour in its first 13 characters: parsed once per
  // hour, not once per call (the baselines ask for millions at 10M events)
  if (iso.length >= 20 && iso.charCodeAt(13) === 58 && iso.endsWith('Z')) {
    const key = iso.slice(0, 13);
    let h = hours.get(key);
    if (h === undefined) {
      h = Math.floor(Date.parse(iso) / HOUR_MS);
      if (hours.size >= 100_000) hours.clear();
      hours.set(key, h);
    }
    return h;
  }
  return Math.floor(Date.parse(iso) / HOUR_MS);
}

export function hourIso(h: number): string {
  return new Date(h * HOUR_MS).toISOString();
}

/** Hours of the evidence window (every hour between the first and last record of the case). */
export async function evidenceHours(db: Queryable): Promise<{ first: number; last: number } | null> {
  const r = (
    await db.all(`SELECT ${isoSql('min(t)')} AS s, ${isoSql('max(t)')} AS e FROM (
      SELECT time AS t FROM events UNION ALL SELECT time FROM invocations UNION ALL SELECT time FROM agent_steps)`)
  )[0];
  if (!r?.s || !r?.e) return null;
  return { first: hourOf(String(r.s)), last: hourOf(String(r.e)) };
}

/** Hourly counts over [first, last] (zero-filled) from a map hour → count. */
export function hourlySeries(counts: Map<number, number>, first: number, last: number): number[] {
  const out: number[] = [];
  for (let h = first; h <= last; h++) out.push(counts.get(h) ?? 0);
  return out;
}

// ---- principal profiles -----------------------------------------------------------------------

export const RUNTIME_ACTIONS = [
  'InvokeModel',
  'InvokeModelWithResponseStream',
  'Converse',
  'ConverseStream',
] as const;

export const STREAMING_ACTIONS = new Set(['InvokeModelWithResponseStream', 'ConverseStream']);

/** One model runtime call seen in either source (invocation log, CloudTrail or both). */
export interface RuntimeCall {
  /** invocation-log requestId when logged */
  requestId: string | null;
  /** CloudTrail eventID when seen in CloudTrail */
  eventId: string | null;
  time: string;
  identity: string;
  accessKeyId: string | null;
  region: string | null;
  account: string | null;
  operation: string | null;
  modelId: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  errorCode: string | null;
  logged: boolean;
  inputTokens: number;
  outputTokens: number;
  maxTokens: number | null;
  guardrail: boolean;
  clientIp: string | null;
  /** the session that called (assumed-role ARN with its session name), when it differs from `identity` */
  principal?: string | null;
}

/** First-seen record of one attribute value of a principal. */
export interface FirstSeen {
  value: string;
  first: string;
  count: number;
  /** calls of the principal before this value first appeared, and hours of that history */
  priorCalls: number;
  priorHours: number;
}

export interface PrincipalProfile {
  identity: string;
  calls: RuntimeCall[];
  first: string;
  last: string;
  models: Map<string, FirstSeen>;
  regions: Map<string, FirstSeen>;
  sourceIps: Map<string, FirstSeen>;
  userAgents: Map<string, FirstSeen>;
  /** hour → number of runtime calls */
  hourly: Map<number, number>;
  /** hour → input + output tokens (logged calls only) */
  hourlyTokens: Map<number, number>;
}

/** A principal has an established history before `t` when it made this many calls over this many hours. */
export const MIN_PRIOR_CALLS = 5;
export const MIN_PRIOR_HOURS = 1;

export function isEstablished(fs: Pick<FirstSeen, 'priorCalls' | 'priorHours'>): boolean {
  return fs.priorCalls >= MIN_PRIOR_CALLS && fs.priorHours >= MIN_PRIOR_HOURS;
}

function num(v: unknown): number {
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : 0;
}

function str(v: unknown): string | null {
  return v === null || v === undefined || v === '' ? null : String(v);
}

/** maxTokens requested by a call, from the invocation's inference parameters. */
export function maxTokensOf(params: unknown): number | null {
  const o = jsonObject(params);
  if (!o) return null;
  for (const k of [
    'maxTokens',
    'max_tokens',
    'max_gen_len',
    'maxTokenCount',
    'max_new_tokens',
    'max_tokens_to_sample',
  ]) {
    const v = o[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  }
  for (const k of ['inferenceConfig', 'textGenerationConfig', 'parameters']) {
    const v = o[k];
    if (v && typeof v === 'object') {
      const r = maxTokensOf(v);
      if (r !== null) return r;
    }
  }
  return null;
}

/**
 * Every model runtime call of the case, merging the invocation log record with its CloudTrail record
 * (same request id) so that logged calls carry their source address and client, and calls that were
 * never logged (other Regions, logging off) are still counted.
 */
/** Columns of a runtime call, in the order they are packed into one string per row. */
const CALL_COLUMNS = [
  'request_id',
  'event_id',
  't',
  'account',
  'region',
  'principal_arn',
  'identity_arn',
  'access_key_id',
  'operation',
  'model_id',
  'source_ip',
  'user_agent',
  'error_code',
  'logged',
  'input_tokens',
  'output_tokens',
  'guardrail',
  'client_ip',
  'params',
] as const;

const SEP = String.fromCharCode(31);
/** position of each column in a packed row */
const AT = new Map(CALL_COLUMNS.map((c, i) => [c, i]));

export async function loadRuntimeCalls(db: Queryable, identityOf: IdentityOf): Promise<RuntimeCall[]> {
  const actions = RUNTIME_ACTIONS.map((a) => `'${a}'`).join(',');
  // rows are packed into one string each: turning many columns of many rows into JS objects costs
  // far more than the query itself on large cases
  const out: RuntimeCall[] = [];
  // repeated values (identities, models, addresses, agents) are kept once; the unique ones are
  // copied out of the packed row so that the row itself can be freed
  const shared = interner();
  // times repeat too (several calls per second on busy cases), and so do inference parameters
  const times = interner(500_000);
  const maxTokens = new Map<string, number | null>();
  await db.each(
    `WITH ct AS (
       SELECT event_id, request_id, time, coalesce(recipient_account, account) AS account, region,
              principal_arn, identity_arn, access_key_id, action, source_ip, user_agent, error_code,
              json_extract_string(request_parameters, '$.modelId') AS model_id
       FROM events
       WHERE service = 'bedrock.amazonaws.com' AND action IN (${actions})),
     inv AS (
       SELECT request_id, time, account, region, principal_arn, identity_arn, operation, model_id,
              input_tokens, output_tokens, guardrail_id, error_code, client_ip, CAST(inference_params AS VARCHAR) AS params
       FROM invocations),
     j AS (
       SELECT inv.request_id AS request_id, ct.event_id AS event_id,
              ${isoSql('coalesce(inv.time, ct.time)')} AS t, coalesce(inv.time, ct.time) AS ts,
              coalesce(inv.account, ct.account) AS account, coalesce(inv.region, ct.region) AS region,
              coalesce(inv.principal_arn, ct.principal_arn) AS principal_arn,
              coalesce(inv.identity_arn, ct.identity_arn) AS identity_arn,
              ct.access_key_id AS access_key_id, coalesce(inv.operation, ct.action) AS operation,
              coalesce(inv.model_id, ct.model_id) AS model_id, ct.source_ip AS source_ip, ct.user_agent AS user_agent,
              coalesce(ct.error_code, inv.error_code) AS error_code,
              CASE WHEN inv.request_id IS NOT NULL THEN '1' ELSE '' END AS logged,
              CAST(inv.input_tokens AS VARCHAR) AS input_tokens, CAST(inv.output_tokens AS VARCHAR) AS output_tokens,
              CASE WHEN inv.guardrail_id IS NOT NULL THEN '1' ELSE '' END AS guardrail,
              inv.client_ip AS client_ip, inv.params AS params
       FROM inv FULL OUTER JOIN ct ON inv.request_id = ct.request_id)
     SELECT concat_ws(chr(31), ${CALL_COLUMNS.map((c) => `coalesce(replace(${c}, chr(31), ' '), '')`).join(', ')}) AS x
     FROM j ORDER BY ts, request_id, event_id`,
    (rows) => {
      relieveHeap(128 * 2 ** 20); // the packed rows of the chunks before are garbage
      for (const r of rows) {
        const f = String(r.x).split(SEP);
        const v = (c: (typeof CALL_COLUMNS)[number]): string | null => str(f[AT.get(c) as number]);
        const identity = identityOf(v('identity_arn') ?? v('principal_arn'));
        if (!identity) continue;
        const requestId = v('request_id');
        const eventId = v('event_id');
        out.push({
          requestId: requestId === null ? null : flat(requestId),
          eventId: eventId === null ? null : flat(eventId),
          time: times(String(v('t'))) as string,
          identity: shared(identity) as string,
          accessKeyId: shared(v('access_key_id')),
          region: shared(v('region')),
          account: shared(v('account')),
          operation: shared(v('operation')),
          modelId: shared(v('model_id')),
          sourceIp: shared(v('source_ip')),
          userAgent: shared(v('user_agent')),
          errorCode: shared(v('error_code')),
          logged: v('logged') === '1',
          inputTokens: num(v('input_tokens')),
          outputTokens: num(v('output_tokens')),
          maxTokens: maxTokensMemo(maxTokens, v('params')),
          guardrail: v('guardrail') === '1',
          clientIp: shared(v('client_ip')),
          principal: shared(v('principal_arn')),
        });
      }
    },
  );
  return out;
}

function maxTokensMemo(memo: Map<string, number | null>, params: string | null): number | null {
  if (params === null) return null;
  let v = memo.get(params);
  if (v === undefined) {
    v = maxTokensOf(params);
    if (memo.size >= 10_000) memo.clear();
    memo.set(flat(params), v); // a copy: the key must not hold the packed row it was cut from
  }
  return v;
}

function firstSeenMap(calls: RuntimeCall[], key: (c: RuntimeCall) => string | null): Map<string, FirstSeen> {
  const out = new Map<string, FirstSeen>();
  const t0 = calls.length ? Date.parse(calls[0].time) : 0;
  calls.forEach((c, i) => {
    const v = key(c);
    if (!v) return;
    const fs = out.get(v);
    if (fs) fs.count++;
    else
      out.set(v, {
        value: v,
        first: c.time,
        count: 1,
        priorCalls: i,
        priorHours: (Date.parse(c.time) - t0) / HOUR_MS,
      });
  });
  return out;
}

/** Profiles of every principal that called a model, from its calls in time order. */
export function buildProfiles(calls: RuntimeCall[]): Map<string, PrincipalProfile> {
  const by = new Map<string, RuntimeCall[]>();
  for (const c of calls) {
    const l = by.get(c.identity);
    if (l) l.push(c);
    else by.set(c.identity, [c]);
  }
  const out = new Map<string, PrincipalProfile>();
  for (const [identity, cs] of by) {
    cs.sort((a, b) => a.time.localeCompare(b.time));
    const hourly = new Map<number, number>();
    const hourlyTokens = new Map<number, number>();
    for (const c of cs) {
      const h = hourOf(c.time);
      hourly.set(h, (hourly.get(h) ?? 0) + 1);
      if (c.logged) hourlyTokens.set(h, (hourlyTokens.get(h) ?? 0) + c.inputTokens + c.outputTokens);
    }
    out.set(identity, {
      identity,
      calls: cs,
      first: cs[0].time,
      last: cs[cs.length - 1].time,
      models: firstSeenMap(cs, (c) => modelFamilyId(c.modelId) || null),
      regions: firstSeenMap(cs, (c) => c.region),
      sourceIps: firstSeenMap(cs, (c) => c.sourceIp),
      userAgents: firstSeenMap(cs, (c) => uaFamily(c.userAgent)),
      hourly,
      hourlyTokens,
    });
  }
  return out;
}

/** A user agent reduced to its client and major version (`Boto3/1`, `aws-sdk-js/3`), so updates are not "new". */
export function uaFamily(ua: string | null): string | null {
  if (!ua) return null;
  const m = /^([A-Za-z][\w.-]*?)\/(\d+)/.exec(ua.trim());
  if (m) return `${m[1]}/${m[2]}`;
  return ua.trim().split(/\s+/)[0].slice(0, 40) || null;
}

/** Share of a principal's calls to (model, operation) that carried a guardrail. */
export function guardrailShare(calls: RuntimeCall[]): Map<string, { withG: number; total: number }> {
  const out = new Map<string, { withG: number; total: number }>();
  for (const c of calls) {
    if (!c.logged) continue;
    const k = `${modelFamilyId(c.modelId)}|${c.operation ?? ''}`;
    const s = out.get(k) ?? { withG: 0, total: 0 };
    s.total++;
    if (c.guardrail) s.withG++;
    out.set(k, s);
  }
  return out;
}

// ---- cached access for detectors ----------------------------------------------------------------

const CALLS_KEY = 'data-plane:runtime-calls';

/** Runtime calls and profiles, computed once per case and shared between detectors. */
export async function runtimeBaseline(
  db: Queryable,
  shared: Map<string, unknown>,
  identityOf: IdentityOf,
): Promise<{
  calls: RuntimeCall[];
  profiles: Map<string, PrincipalProfile>;
  hours: { first: number; last: number } | null;
}> {
  const cached = shared.get(CALLS_KEY) as
    | Promise<{
        calls: RuntimeCall[];
        profiles: Map<string, PrincipalProfile>;
        hours: { first: number; last: number } | null;
      }>
    | undefined;
  if (cached) return cached;
  const p = (async () => {
    const calls = await loadRuntimeCalls(db, identityOf);
    return { calls, profiles: buildProfiles(calls), hours: await evidenceHours(db) };
  })();
  shared.set(CALLS_KEY, p);
  return p;
}

// ---- agent baselines ----------------------------------------------------------------------------

/** One action an agent took (an action-group invocation step). */
export interface AgentAction {
  uid: string;
  time: string;
  sessionId: string | null;
  agentId: string | null;
  traceId: string | null;
  actionGroup: string | null;
  apiName: string | null;
  verb: string | null;
  /** parameter name → value (strings) */
  params: Record<string, string>;
  /** the action key: group, api and verb */
  key: string;
}

export interface AgentProfile {
  agentId: string;
  sessions: number;
  /** action key → number of sessions that used it */
  actionSessions: Map<string, number>;
  /** action key → sorted parameter names seen (shape) → sessions */
  shapes: Map<string, Map<string, number>>;
  /** action key + parameter name → value → sessions */
  values: Map<string, Map<string, Set<string>>>;
}

function paramsOf(v: unknown): Record<string, string> {
  let p = v;
  if (typeof p === 'string') {
    try {
      p = JSON.parse(p);
    } catch {
      return {};
    }
  }
  const out: Record<string, string> = {};
  const put = (name: unknown, value: unknown): void => {
    if (typeof name !== 'string' || !name) return;
    if (value === null || value === undefined) return;
    out[name] = typeof value === 'string' ? value : JSON.stringify(value);
  };
  if (Array.isArray(p)) {
    for (const x of p)
      if (x && typeof x === 'object')
        put((x as Record<string, unknown>).name, (x as Record<string, unknown>).value);
  } else if (p && typeof p === 'object') {
    const o = p as Record<string, unknown>;
    if (Array.isArray(o.parameters) || Array.isArray(o.properties)) {
      for (const k of ['parameters', 'properties']) {
        const arr = o[k];
        if (Array.isArray(arr))
          for (const x of arr)
            if (x && typeof x === 'object')
              put((x as Record<string, unknown>).name, (x as Record<string, unknown>).value);
      }
      const rb = o.requestBody as Record<string, unknown> | undefined;
      const content = rb?.content as Record<string, Record<string, unknown>> | undefined;
      if (content)
        for (const c of Object.values(content)) {
          const props = c?.properties;
          if (Array.isArray(props))
            for (const x of props)
              if (x && typeof x === 'object')
                put((x as Record<string, unknown>).name, (x as Record<string, unknown>).value);
        }
    } else for (const [k, v2] of Object.entries(o)) put(k, v2);
  }
  return out;
}

export function actionKey(group: string | null, api: string | null, verb: string | null): string {
  return `${group ?? '?'} ${verb ? `${verb.toUpperCase()} ` : ''}${api ?? '?'}`;
}

/** Every action-group invocation of every agent, in time order. */
export async function loadAgentActions(db: Queryable): Promise<AgentAction[]> {
  const rows = await db.all(
    `SELECT uid, ${isoSql('time')} AS t, session_id, agent_id, trace_id, action_group, api_name, verb,
            CAST(parameters AS VARCHAR) AS params, CAST(raw AS VARCHAR) AS raw
     FROM agent_steps
     WHERE step_kind IN ('invocationInput', 'returnControl') AND api_name IS NOT NULL
     ORDER BY time, uid`,
  );
  return rows.map((r) => {
    const params = paramsOf(r.params);
    if (!Object.keys(params).length) Object.assign(params, paramsFromRaw(r.raw));
    const actionGroup = str(r.action_group);
    const apiName = str(r.api_name);
    const verb = str(r.verb);
    return {
      uid: String(r.uid),
      time: String(r.t),
      sessionId: str(r.session_id),
      agentId: str(r.agent_id),
      traceId: str(r.trace_id),
      actionGroup,
      apiName,
      verb,
      params,
      key: actionKey(actionGroup, apiName, verb),
    };
  });
}

function paramsFromRaw(raw: unknown): Record<string, string> {
  if (typeof raw !== 'string') return {};
  try {
    const o = JSON.parse(raw) as Record<string, unknown>;
    const t = (o.trace ?? o) as Record<string, unknown>;
    for (const part of Object.values(t)) {
      const ii = (part as Record<string, unknown> | null)?.invocationInput as
        | Record<string, unknown>
        | undefined;
      const ag = ii?.actionGroupInvocationInput;
      if (ag) return paramsOf(ag);
    }
  } catch {
    /* not JSON */
  }
  return {};
}

export function buildAgentProfiles(
  actions: AgentAction[],
  sessionsByAgent: Map<string, number>,
): Map<string, AgentProfile> {
  const out = new Map<string, AgentProfile>();
  const seen = new Set<string>();
  for (const a of actions) {
    const agentId = a.agentId ?? '?';
    let p = out.get(agentId);
    if (!p) {
      p = {
        agentId,
        sessions: sessionsByAgent.get(agentId) ?? 0,
        actionSessions: new Map(),
        shapes: new Map(),
        values: new Map(),
      };
      out.set(agentId, p);
    }
    const sess = a.sessionId ?? a.uid;
    const k1 = `${agentId}\0${sess}\0${a.key}`;
    if (!seen.has(k1)) {
      seen.add(k1);
      p.actionSessions.set(a.key, (p.actionSessions.get(a.key) ?? 0) + 1);
      const shape = Object.keys(a.params).sort().join(',');
      const sh = p.shapes.get(a.key) ?? new Map<string, number>();
      sh.set(shape, (sh.get(shape) ?? 0) + 1);
      p.shapes.set(a.key, sh);
    }
    for (const [name, value] of Object.entries(a.params)) {
      const vk = `${a.key}\0${name}`;
      const vm = p.values.get(vk) ?? new Map<string, Set<string>>();
      const s = vm.get(value) ?? new Set<string>();
      s.add(sess);
      vm.set(value, s);
      p.values.set(vk, vm);
    }
  }
  return out;
}

const AGENT_KEY = 'data-plane:agent-actions';

export async function agentBaseline(
  db: Queryable,
  shared: Map<string, unknown>,
): Promise<{ actions: AgentAction[]; profiles: Map<string, AgentProfile> }> {
  const cached = shared.get(AGENT_KEY) as
    | Promise<{ actions: AgentAction[]; profiles: Map<string, AgentProfile> }>
    | undefined;
  if (cached) return cached;
  const p = (async () => {
    const actions = await loadAgentActions(db);
    const sess = await db.all(
      `SELECT agent_id, count(DISTINCT session_id) AS n FROM agent_steps WHERE agent_id IS NOT NULL GROUP BY agent_id ORDER BY ALL`,
    );
    const sessionsByAgent = new Map(sess.map((r) => [String(r.agent_id), num(r.n)]));
    return { actions, profiles: buildAgentProfiles(actions, sessionsByAgent) };
  })();
  shared.set(AGENT_KEY, p);
  return p;
}
