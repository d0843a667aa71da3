/**
 * Element `invocation`: what was sent to the models, by whom, and what came back.
 *
 * - prompt attacks (direct and indirect) per actor, and which of them got through (no guardrail
 *   intervention and an answer that complied: system prompt leaked, injected instruction followed);
 * - answers that send users to addresses the application never used before (phishing, "verify your card");
 * - LLMjacking on the data plane: a principal's runtime use departing from its own history (addresses,
 *   models, Regions, volume, output limits, streaming, throttling, role-play / resale prompts);
 * - volume and token spikes per principal (median / MAD over its own hours), with estimated cost;
 * - models a principal had never used, calls without the guardrail a principal normally uses;
 * - runtime calls seen only in CloudTrail (Regions without invocation logging, logging switched off).
 */
import { readFileSync } from 'node:fs';
import { type Detector, makeFinding } from '../engine/detector.js';
import type { Finding, Json, Severity } from '../model/types.js';
import type { Queryable } from '../store/case-store.js';
import { isoSql, sqlString } from '../store/case-store.js';
import {
  guardrailShare,
  HOUR_MS,
  hourIso,
  hourlySeries,
  hourOf,
  isCustomModelId,
  isEstablished,
  modelFamilyId,
  type PrincipalProfile,
  type RuntimeCall,
  robustStats,
  robustZ,
  runtimeBaseline,
  STREAMING_ACTIONS,
  shortName,
  uaFamily,
} from './baselines.js';

// ---- prices -----------------------------------------------------------------------------------

export interface Price {
  input: number;
  output: number;
}

let PRICES: Map<string, Price> | null = null;

/** The price table (data/bedrock-prices.json), keyed by model-id family. */
export function priceTable(): Map<string, Price> {
  if (PRICES) return PRICES;
  PRICES = new Map();
  for (const rel of ['../../data/bedrock-prices.json', '../../../data/bedrock-prices.json']) {
    try {
      const j = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        models?: Record<string, Price>;
      };
      for (const [k, v] of Object.entries(j.models ?? {}))
        if (typeof v?.input === 'number' && typeof v?.output === 'number') PRICES.set(k, v);
      break;
    } catch {
      /* try the next location */
    }
  }
  return PRICES;
}

/** USD per 1k tokens of a model id (longest matching family), or null when unknown. */
export function priceOf(modelId: string | null | undefined): Price | null {
  const id = modelFamilyId(modelId).toLowerCase();
  if (!id) return null;
  let best: [string, Price] | null = null;
  for (const [k, v] of priceTable())
    if (id.startsWith(k) && (!best || k.length > best[0].length)) best = [k, v];
  return best ? best[1] : null;
}

export function costUsd(
  modelId: string | null | undefined,
  inputTokens: number,
  outputTokens: number,
): number | null {
  const p = priceOf(modelId);
  if (!p) return null;
  return (inputTokens / 1000) * p.input + (outputTokens / 1000) * p.output;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * Cost of a set of calls per model. Calls seen only in CloudTrail have no token counts: they are
 * estimated from the mean tokens of the same principal's logged calls to the same model (or to any
 * model when none was logged), and the estimate is reported apart.
 */
export function costOf(calls: RuntimeCall[]): {
  totalUsd: number;
  estimatedUsd: number;
  byModel: Record<string, Json>;
  unpricedModels: string[];
} {
  const byModel = new Map<string, { calls: number; logged: number; inTok: number; outTok: number }>();
  let allIn = 0;
  let allOut = 0;
  let allLogged = 0;
  for (const c of calls) {
    if (c.errorCode) continue;
    const m = modelFamilyId(c.modelId) || '?';
    const s = byModel.get(m) ?? { calls: 0, logged: 0, inTok: 0, outTok: 0 };
    s.calls++;
    if (c.logged) {
      s.logged++;
      s.inTok += c.inputTokens;
      s.outTok += c.outputTokens;
      allIn += c.inputTokens;
      allOut += c.outputTokens;
      allLogged++;
    }
    byModel.set(m, s);
  }
  let total = 0;
  let estimated = 0;
  const unpriced: string[] = [];
  const out: Record<string, Json> = {};
  for (const [m, s] of byModel) {
    const meanIn = s.logged ? s.inTok / s.logged : allLogged ? allIn / allLogged : 0;
    const meanOut = s.logged ? s.outTok / s.logged : allLogged ? allOut / allLogged : 0;
    const loggedCost = costUsd(m, s.inTok, s.outTok);
    const unlogged = s.calls - s.logged;
    const estCost = unlogged ? costUsd(m, meanIn * unlogged, meanOut * unlogged) : 0;
    if (loggedCost === null) unpriced.push(m);
    total += loggedCost ?? 0;
    estimated += estCost ?? 0;
    out[m] = {
      calls: s.calls,
      loggedCalls: s.logged,
      inputTokens: s.inTok,
      outputTokens: s.outTok,
      costUsd: loggedCost === null ? null : round2(loggedCost),
      estimatedUnloggedUsd: estCost === null ? null : round2(estCost),
    };
  }
  return { totalUsd: round2(total), estimatedUsd: round2(estimated), byModel: out, unpricedModels: unpriced };
}

// ---- helpers ----------------------------------------------------------------------------------

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
export function isAddress(s: string | null | undefined): s is string {
  return !!s && (IPV4.test(s) || (/^[0-9a-f:]+$/i.test(s) && s.includes(':')));
}

const MAX_IDS = 20000;
function cap<T>(xs: T[]): T[] {
  return xs.length > MAX_IDS ? xs.slice(0, MAX_IDS) : xs;
}

function idsOf(calls: RuntimeCall[]): { requestIds: string[]; eventIds: string[] } {
  const requestIds: string[] = [];
  const eventIds: string[] = [];
  for (const c of calls) {
    if (c.requestId) requestIds.push(c.requestId);
    else if (c.eventId) eventIds.push(c.eventId);
  }
  return { requestIds: cap(requestIds), eventIds: cap(eventIds) };
}

/** Regions (per account) where the case holds model-invocation log records. */
async function loggedRegions(db: Queryable): Promise<Set<string>> {
  const rows = await db.all(
    `SELECT DISTINCT coalesce(account, '') AS a, region FROM invocations WHERE region IS NOT NULL`,
  );
  return new Set(rows.map((r) => `${r.a}|${r.region}`));
}

/** Time intervals during which invocation logging was evidently running in a Region (first..last record). */
async function loggedSpans(db: Queryable): Promise<Map<string, { first: number; last: number }>> {
  const rows = await db.all(
    `SELECT coalesce(account, '') AS a, region, ${isoSql('min(time)')} AS s, ${isoSql('max(time)')} AS e
     FROM invocations WHERE region IS NOT NULL GROUP BY 1, 2`,
  );
  return new Map(
    rows.map((r) => [
      `${r.a}|${r.region}`,
      { first: Date.parse(String(r.s)), last: Date.parse(String(r.e)) },
    ]),
  );
}

// ---- role-play / resale content ----------------------------------------------------------------

/**
 * Markers of character-card role-play and bulk-generation prompts, the typical traffic of resold
 * (LLMjacked) model access: front-end templates ({{user}}, {{char}}), character cards, "stay in
 * character", "never mention that you are an AI", chat-format tokens of other model families pasted
 * raw. Each marker is generic to the genre, not to any one incident.
 */
const ROLEPLAY: Array<[RegExp, number]> = [
  [/\{\{\s*(?:user|char)\s*\}\}/i, 2],
  [/\[\s*character\s*:/i, 2],
  [/\bstay in character\b/i, 2],
  [/\bnever (?:mention|reveal|say|admit) (?:that )?you are an? (?:ai|language model|assistant|bot)\b/i, 2],
  [/\b(?:role-?play|rp)\b.{0,40}\b(?:scenario|session|partner|character)\b/i, 1],
  [/\bpersonality\s*:/i, 1],
  [/\bscenario\s*:/i, 0.5],
  [/\bwrite (?:vivid|detailed|immersive).{0,40}\bprose\b/i, 1],
  [/\bnever write (?:actions|dialogue) for\b/i, 2],
  [/<START>|\[INST\]|<\|im_start\|>|<\|start_header_id\|>/, 0.5],
  [/\bnsfw\b|\bexplicit content is allowed\b|\buncensored\b/i, 1.5],
];

export function roleplayScore(text: string): number {
  if (!text) return 0;
  const t = text.length > 20000 ? text.slice(0, 20000) : text;
  let s = 0;
  for (const [re, w] of ROLEPLAY) if (re.test(t)) s += w;
  return s;
}

// ---- LLMjacking composite ----------------------------------------------------------------------

interface Signal {
  id: string;
  strong: boolean;
  text: string;
}

interface AbuseAssessment {
  profile: PrincipalProfile;
  window: RuntimeCall[];
  signals: Signal[];
  newIps: string[];
  newModels: string[];
  keys: string[];
  severity: Severity | null;
  details: Record<string, Json>;
}

/** Calls from the first departure from the principal's established history onwards. */
function departure(p: PrincipalProfile): { start: string | null; reason: string[] } {
  const reasons: Array<[string, string]> = [];
  const stableIps =
    [...p.sourceIps.values()].filter((f) => isAddress(f.value) && !isEstablished(f)).length <= 5;
  for (const f of p.sourceIps.values())
    if (stableIps && isAddress(f.value) && isEstablished(f)) reasons.push([f.first, `address ${f.value}`]);
  for (const f of p.models.values()) if (isEstablished(f)) reasons.push([f.first, `model ${f.value}`]);
  for (const f of p.regions.values()) if (isEstablished(f)) reasons.push([f.first, `Region ${f.value}`]);
  for (const f of p.userAgents.values()) if (isEstablished(f)) reasons.push([f.first, `client ${f.value}`]);
  if (!reasons.length) return { start: null, reason: [] };
  reasons.sort((a, b) => a[0].localeCompare(b[0]));
  return { start: reasons[0][0], reason: reasons.map((r) => r[1]) };
}

async function principalRecon(
  db: Queryable,
  identity: string,
  ips: string[],
  from: string,
  to: string,
): Promise<string[]> {
  if (!ips.length) return [];
  const rows = await db.all(
    `SELECT event_id FROM events
     WHERE coalesce(identity_arn, principal_arn) = $1 AND source_ip IN (${ips.map(sqlString).join(',')})
       AND time >= CAST($2 AS TIMESTAMP) - INTERVAL 1 HOUR AND time <= CAST($3 AS TIMESTAMP) + INTERVAL 1 HOUR
       AND event_id IS NOT NULL
       AND NOT (service = 'bedrock.amazonaws.com' AND action IN ('InvokeModel','InvokeModelWithResponseStream','Converse','ConverseStream'))`,
    [identity, from.replace('T', ' ').replace('Z', ''), to.replace('T', ' ').replace('Z', '')],
  );
  return rows.map((r) => String(r.event_id));
}

async function roleplayShare(
  db: Queryable,
  requestIds: string[],
): Promise<{ share: number; n: number; ids: string[] }> {
  if (!requestIds.length) return { share: 0, n: 0, ids: [] };
  const ids: string[] = [];
  let n = 0;
  for (let i = 0; i < requestIds.length; i += 2000) {
    const chunk = requestIds.slice(i, i + 2000);
    const rows = await db.all(
      `SELECT request_id, substr(system_text, 1, 4000) AS s, substr(prompt_text, 1, 4000) AS p FROM invocations
       WHERE request_id IN (${chunk.map(sqlString).join(',')})`,
    );
    for (const r of rows) {
      n++;
      if (roleplayScore(`${r.s ?? ''}\n${r.p ?? ''}`) >= 3) ids.push(String(r.request_id));
    }
  }
  return { share: n ? ids.length / n : 0, n, ids };
}

function assessPrincipal(
  p: PrincipalProfile,
  hours: { first: number; last: number } | null,
  logged: Set<string>,
  spans: Map<string, { first: number; last: number }>,
): Omit<AbuseAssessment, 'severity'> {
  const dep = departure(p);
  const history = dep.start ? p.calls.filter((c) => c.time < dep.start!) : [];
  const window = dep.start ? p.calls.filter((c) => c.time >= dep.start!) : p.calls;
  const signals: Signal[] = [];
  const details: Record<string, Json> = {};
  const hasHistory = history.length >= 5;

  const histIps = new Set(history.map((c) => c.sourceIp).filter(isAddress));
  const newIps = [...new Set(window.map((c) => c.sourceIp).filter(isAddress))].filter(
    (ip) => !histIps.has(ip),
  );
  if (hasHistory && newIps.length && histIps.size <= 5)
    signals.push({
      id: 'new-address',
      strong: false,
      text: `calls from ${newIps.length} address(es) the principal had not used`,
    });

  const histModels = new Set(history.map((c) => modelFamilyId(c.modelId)));
  const winModels = [...new Set(window.map((c) => modelFamilyId(c.modelId)).filter(Boolean))];
  const newModels = hasHistory ? winModels.filter((m) => !histModels.has(m)) : winModels;
  if (hasHistory && newModels.length)
    signals.push({
      id: 'new-models',
      strong: false,
      text: `${newModels.length} model(s) never used before: ${newModels.join(', ')}`,
    });
  else if (!hasHistory && winModels.length >= 4)
    signals.push({ id: 'many-models', strong: false, text: `${winModels.length} different models` });

  const histRegions = new Set(history.map((c) => c.region));
  const winRegions = [...new Set(window.map((c) => c.region).filter((r): r is string => !!r))];
  const newRegions = hasHistory ? winRegions.filter((r) => !histRegions.has(r)) : [];
  const unlogged = window.filter((c) => !c.logged && !c.errorCode);
  const noLogRegion = unlogged.filter((c) => !logged.has(`${c.account ?? ''}|${c.region}`));
  const unloggedRegions = [...new Set(noLogRegion.map((c) => c.region ?? '?'))];
  if (newRegions.length)
    signals.push({
      id: 'new-regions',
      strong: false,
      text: `Region(s) never used before: ${newRegions.join(', ')}`,
    });
  if (winRegions.length >= 3)
    signals.push({ id: 'many-regions', strong: false, text: `calls in ${winRegions.length} Regions` });
  if (noLogRegion.length >= 20)
    signals.push({
      id: 'unlogged',
      strong: true,
      text: `${noLogRegion.length} successful calls in Region(s) without invocation logging (${unloggedRegions.join(', ')})`,
    });
  else if (hasHistory) {
    // calls missing from the logs of a logged Region: only a signal when the principal's share changed
    const share = (cs: RuntimeCall[]) =>
      cs.length ? cs.filter((c) => !c.logged && !c.errorCode).length / cs.length : 0;
    if (unlogged.length >= 20 && share(window) >= 0.5 && share(history) < 0.1)
      signals.push({
        id: 'unlogged-share',
        strong: false,
        text: `${unlogged.length} calls not in the invocation logs`,
      });
  }
  void spans;

  // volume: the window's busiest hour against the principal's own hours before it (or all its hours)
  const count = (cs: RuntimeCall[]) => {
    const m = new Map<number, number>();
    for (const c of cs) m.set(hourOf(c.time), (m.get(hourOf(c.time)) ?? 0) + 1);
    return m;
  };
  const winHourly = count(window);
  const ref = dep.start && hasHistory ? history : p.calls;
  const refLast =
    dep.start && hasHistory
      ? Math.max(hours?.first ?? 0, hourOf(dep.start) - 1)
      : (hours?.last ?? hourOf(p.last));
  const refSeries = hours ? hourlySeries(count(ref), hours.first, refLast) : [...count(ref).values()];
  const stats = robustStats(refSeries.length ? refSeries : [0]);
  let peak = 0;
  let peakHour = 0;
  for (const [h, n] of winHourly)
    if (n > peak) {
      peak = n;
      peakHour = h;
    }
  const z = robustZ(peak, stats, Math.max(1, stats.median * 0.25));
  // sustained: several hours well above anything the reference hours ever reached
  const refPeak = Math.max(1, ...refSeries);
  const hot = [...winHourly.values()].filter(
    (n) => n >= 20 && n >= 3 * refPeak && robustZ(n, stats, Math.max(1, stats.median * 0.25)) >= 8,
  );
  details.hourly = {
    baselineMedian: stats.median,
    baselineMad: stats.mad,
    baselinePeak: refPeak,
    peak,
    peakHour: hourIso(peakHour),
    robustZ: Math.round(z * 10) / 10,
    hotHours: hot.length,
  };
  if (hot.length >= 2 && peak >= 30 && peak >= 5 * refPeak)
    signals.push({
      id: 'volume',
      strong: true,
      text: `${hot.length} hours far above the principal's own (peak ${peak} calls per hour against a median of ${stats.median} and an earlier peak of ${refPeak})`,
    });

  // output limits and streaming
  const mt = (cs: RuntimeCall[]) => cs.map((c) => c.maxTokens).filter((x): x is number => x !== null);
  const histMt = mt(history);
  const winMt = mt(window);
  if (winMt.length >= 5) {
    const wm = robustStats(winMt).median;
    const hm = histMt.length ? robustStats(histMt).median : null;
    details.maxTokens = { windowMedian: wm, historyMedian: hm };
    if (wm >= 2048 && (hm === null ? false : wm >= 4 * hm))
      signals.push({
        id: 'max-tokens',
        strong: false,
        text: `requested output limit up to ${Math.max(...winMt)} (median ${wm}, before ${hm})`,
      });
  }
  const streamShare = (cs: RuntimeCall[]) =>
    cs.length ? cs.filter((c) => STREAMING_ACTIONS.has(c.operation ?? '')).length / cs.length : 0;
  const ws = streamShare(window);
  const hs = streamShare(history);
  if (hasHistory && window.length >= 20 && ws >= 0.3 && hs < 0.05)
    signals.push({
      id: 'streaming',
      strong: false,
      text: `${Math.round(ws * 100)}% streaming calls (none before)`,
    });
  const throttled = window.filter((c) => c.errorCode === 'ThrottlingException').length;
  const histThrottled = history.filter((c) => c.errorCode === 'ThrottlingException').length;
  if (
    throttled >= 5 &&
    throttled / window.length >= 0.02 &&
    throttled / window.length > (3 * histThrottled) / Math.max(1, history.length)
  )
    signals.push({ id: 'throttled', strong: false, text: `${throttled} calls throttled (quota exhausted)` });

  const histUa = new Set(history.map((c) => uaFamily(c.userAgent)));
  const newUa = hasHistory
    ? [...new Set(window.map((c) => uaFamily(c.userAgent)).filter((u): u is string => !!u))].filter(
        (u) => !histUa.has(u),
      )
    : [];
  if (newUa.length)
    signals.push({ id: 'new-client', strong: false, text: `new client(s): ${newUa.join(', ')}` });

  const keys = [...new Set(window.map((c) => c.accessKeyId).filter((k): k is string => !!k))];
  if (keys.some((k) => k.startsWith('AKIA')) && /:user\//.test(p.identity)) details.longTermKey = true;

  details.departure = dep.reason.slice(0, 10);
  details.windowCalls = window.length;
  details.historyCalls = history.length;
  details.regions = winRegions;
  void logged;
  void spans;
  return { profile: p, window, signals, newIps, newModels, keys, details };
}

/**
 * Strong signals are material abuse (sustained volume far above the principal's own, traffic in
 * Regions without invocation logging, resale-style content); the others only corroborate: people
 * travel, change laptops and try new models every day.
 */
export function abuseSeverity(signals: Signal[]): Severity | null {
  const strong = signals.filter((s) => s.strong).length;
  const weak = signals.length - strong;
  if (strong >= 2 && weak >= 3) return 'high';
  if ((strong >= 1 && weak >= 3) || strong >= 2) return 'medium';
  if (strong >= 1 || weak >= 2) return 'low';
  if (weak >= 1) return 'informational';
  return null;
}

export const llmjackingDetector: Detector = {
  id: 'data-plane.model-abuse',
  title: "A principal's model use departs from its own history (LLMjacking, resale, cost harvesting)",
  elements: ['invocation'],
  async run(ctx) {
    const { profiles, hours } = await runtimeBaseline(ctx.db, ctx.shared);
    const logged = await loggedRegions(ctx.db);
    const spans = await loggedSpans(ctx.db);
    const out: Finding[] = [];
    for (const p of profiles.values()) {
      if (p.calls.length < 3) continue;
      const a = assessPrincipal(p, hours, logged, spans);
      // content: role-play / resale prompts in the window
      const rp = await roleplayShare(
        ctx.db,
        a.window.map((c) => c.requestId).filter((x): x is string => !!x),
      );
      if (rp.ids.length >= 5 && rp.share >= 0.2)
        a.signals.push({
          id: 'roleplay',
          strong: true,
          text: `${rp.ids.length} of ${rp.n} logged prompts are character role-play or bulk-generation templates`,
        });
      const severity = abuseSeverity(a.signals);
      if (!severity) continue;
      if (severity === 'informational' && a.window.length < 3) continue;
      const ids = idsOf(a.window);
      const first = a.window[0]?.time ?? p.first;
      const last = a.window[a.window.length - 1]?.time ?? p.last;
      const recon =
        severity === 'high' || severity === 'medium'
          ? await principalRecon(ctx.db, p.identity, a.newIps, first, last)
          : [];
      const cost = costOf(a.window);
      const resModels = a.newModels.length
        ? a.newModels
        : [...new Set(a.window.map((c) => modelFamilyId(c.modelId)))];
      const attack = ['AML.T0034', 'T1496'];
      if (a.signals.some((s) => s.id === 'roleplay')) attack.push('AML.T0054');
      out.push(
        makeFinding({
          ruleId: 'data-plane.model-abuse',
          title: `Model use by ${shortName(p.identity)} departs from its history: ${a.signals.map((s) => s.id).join(', ')}`,
          description:
            `${a.signals.map((s) => s.text).join('; ')}. ` +
            `${a.window.length} runtime calls from ${first} to ${last}; estimated cost $${cost.totalUsd} logged` +
            (cost.estimatedUsd ? ` + $${cost.estimatedUsd} for calls without invocation logs` : '') +
            '.',
          severity,
          elements: ['invocation'],
          components: ['foundation-models'],
          times: [first, last],
          principals: [p.identity],
          accessKeyIds: severity === 'high' || severity === 'medium' ? a.keys : [],
          sourceIps: a.newIps,
          resources: severity === 'high' || severity === 'medium' ? resModels : [],
          attack,
          evidence: { requestIds: ids.requestIds, eventIds: [...ids.eventIds, ...recon] },
          details: {
            ...a.details,
            signals: a.signals.map((s) => ({ id: s.id, strong: s.strong, text: s.text })),
            newModels: a.newModels,
            cost: { totalUsd: cost.totalUsd, estimatedUnloggedUsd: cost.estimatedUsd, byModel: cost.byModel },
            roleplayPrompts: rp.ids.length,
          },
        }),
      );
    }
    return out;
  },
};

// ---- volume and tokens per principal and model --------------------------------------------------

export const volumeDetector: Detector = {
  id: 'data-plane.volume-spike',
  title: 'Hourly calls or tokens of a principal and model far above its own median',
  elements: ['invocation'],
  async run(ctx) {
    const { profiles, hours } = await runtimeBaseline(ctx.db, ctx.shared);
    if (!hours) return [];
    const out: Finding[] = [];
    for (const p of profiles.values()) {
      const byModel = new Map<string, RuntimeCall[]>();
      for (const c of p.calls) {
        const m = modelFamilyId(c.modelId) || '?';
        const l = byModel.get(m) ?? [];
        l.push(c);
        byModel.set(m, l);
      }
      for (const [model, cs] of byModel) {
        const counts = new Map<number, number>();
        const tokens = new Map<number, number>();
        for (const c of cs) {
          const h = hourOf(c.time);
          counts.set(h, (counts.get(h) ?? 0) + 1);
          tokens.set(h, (tokens.get(h) ?? 0) + c.inputTokens + c.outputTokens);
        }
        const series = hourlySeries(counts, hours.first, hours.last);
        const tseries = hourlySeries(tokens, hours.first, hours.last);
        if (series.length < 6) continue;
        const s = robustStats(series);
        const ts = robustStats(tseries);
        const spikes: number[] = [];
        for (let i = 0; i < series.length; i++) {
          const n = series[i];
          const zc = robustZ(n, s, Math.max(1, s.median * 0.25));
          const zt = robustZ(tseries[i], ts, Math.max(1000, ts.median * 0.25));
          const bigCalls = n >= 30 && n >= 4 * Math.max(1, s.median) && zc >= 8;
          const bigTokens = tseries[i] >= 100_000 && tseries[i] >= 4 * Math.max(1, ts.median) && zt >= 8;
          if (bigCalls || bigTokens) spikes.push(hours.first + i);
        }
        if (!spikes.length) continue;
        const spikeSet = new Set(spikes);
        const inSpike = cs.filter((c) => spikeSet.has(hourOf(c.time)));
        const cost = costOf(inSpike);
        const share = inSpike.length / cs.length;
        const severity: Severity = 'low';
        const ids = idsOf(inSpike);
        out.push(
          makeFinding({
            ruleId: 'data-plane.volume-spike',
            title: `${shortName(p.identity)}: ${inSpike.length} calls to ${model} in ${spikes.length} hour(s) far above its median`,
            description: `Median ${s.median} calls and ${ts.median} tokens per hour over the evidence window; ${spikes.length} hour(s) well above (robust z >= 8). Estimated cost of those hours: $${cost.totalUsd}${cost.estimatedUsd ? ` + $${cost.estimatedUsd} unlogged` : ''}.`,
            severity,
            elements: ['invocation'],
            components: [isCustomModelId(cs[0].modelId) ? 'custom-models' : 'foundation-models'],
            times: [inSpike[0].time, inSpike[inSpike.length - 1].time],
            principals: [p.identity],
            resources: [model],
            attack: ['AML.T0034'],
            evidence: ids,
            details: {
              model,
              hours: spikes.map(hourIso),
              baselineMedianCalls: s.median,
              baselineMadCalls: s.mad,
              baselineMedianTokens: ts.median,
              shareOfPrincipalCalls: Math.round(share * 100) / 100,
              cost: {
                totalUsd: cost.totalUsd,
                estimatedUnloggedUsd: cost.estimatedUsd,
                byModel: cost.byModel,
              },
            },
          }),
        );
      }
    }
    return out;
  },
};

// ---- models never used before ----------------------------------------------------------------------

export const newModelDetector: Detector = {
  id: 'data-plane.new-model',
  title: 'A principal with an established history calls a model it never used before',
  elements: ['invocation'],
  async run(ctx) {
    const { profiles } = await runtimeBaseline(ctx.db, ctx.shared);
    const out: Finding[] = [];
    for (const p of profiles.values()) {
      const priorModels = (t: string) =>
        new Set(p.calls.filter((c) => c.time < t).map((c) => modelFamilyId(c.modelId)));
      for (const f of p.models.values()) {
        if (!isEstablished(f)) continue;
        const calls = p.calls.filter((c) => modelFamilyId(c.modelId) === f.value);
        const before = p.calls.filter((c) => c.time < f.first);
        const prior = priorModels(f.first);
        // an application identity: a long, steady history on very few models
        const steady = before.length >= 100 && prior.size <= 3;
        const custom = calls.some((c) => isCustomModelId(c.modelId));
        let severity: Severity = 'informational';
        if (steady && custom && calls.length >= 3) severity = 'medium';
        else if (steady && calls.length >= 3) severity = 'low';
        const ips = [...new Set(calls.map((c) => c.sourceIp).filter(isAddress))];
        out.push(
          makeFinding({
            ruleId: 'data-plane.new-model',
            title: `${shortName(p.identity)} called ${f.value}, a model it had not used in ${before.length} earlier calls`,
            description: `First call ${f.first}; ${calls.length} call(s) in all. Earlier the principal used ${[...prior].filter(Boolean).join(', ') || 'no model'}.${custom ? ' The model is a customised or provisioned model.' : ''}`,
            severity,
            elements: ['invocation'],
            components: [custom ? 'custom-models' : 'foundation-models'],
            times: calls.map((c) => c.time),
            principals: [p.identity],
            sourceIps: severity === 'informational' ? [] : ips,
            resources: calls.map((c) => c.modelId),
            evidence: idsOf(calls),
            details: {
              model: f.value,
              firstSeen: f.first,
              priorCalls: before.length,
              priorModels: [...prior].filter(Boolean),
              custom,
            },
          }),
        );
      }
    }
    return out;
  },
};

// ---- calls without the guardrail the principal normally uses ------------------------------------------

export const guardrailGapDetector: Detector = {
  id: 'data-plane.guardrail-gap',
  title: 'Calls without a guardrail where the principal normally uses one for that model and operation',
  elements: ['invocation'],
  async run(ctx) {
    const { profiles } = await runtimeBaseline(ctx.db, ctx.shared);
    const out: Finding[] = [];
    for (const p of profiles.values()) {
      const share = guardrailShare(p.calls);
      for (const [k, s] of share) {
        if (s.total < 50 || s.withG / s.total < 0.9 || s.withG === s.total) continue;
        const [model, op] = k.split('|');
        const without = p.calls.filter(
          (c) => c.logged && !c.guardrail && modelFamilyId(c.modelId) === model && (c.operation ?? '') === op,
        );
        if (!without.length) continue;
        out.push(
          makeFinding({
            ruleId: 'data-plane.guardrail-gap',
            title: `${shortName(p.identity)}: ${without.length} ${op} call(s) to ${model} without the guardrail it uses in ${Math.round((100 * s.withG) / s.total)}% of such calls`,
            severity: 'informational',
            elements: ['invocation'],
            components: ['guardrails'],
            times: without.map((c) => c.time),
            principals: [p.identity],
            evidence: idsOf(without),
            details: { model, operation: op, withGuardrail: s.withG, total: s.total },
          }),
        );
      }
    }
    return out;
  },
};

// ---- runtime calls seen only in CloudTrail ----------------------------------------------------------

export const unloggedRuntimeDetector: Detector = {
  id: 'data-plane.unlogged-runtime',
  title:
    'Model runtime calls that only CloudTrail saw (no invocation logging in that Region or at that time)',
  elements: ['invocation'],
  async run(ctx) {
    const { calls } = await runtimeBaseline(ctx.db, ctx.shared);
    const logged = await loggedRegions(ctx.db);
    const spans = await loggedSpans(ctx.db);
    const groups = new Map<string, RuntimeCall[]>();
    for (const c of calls) {
      if (c.logged || !c.eventId) continue;
      const region = c.region ?? '?';
      const k = `${c.identity}|${c.account ?? ''}|${region}`;
      const l = groups.get(k) ?? [];
      l.push(c);
      groups.set(k, l);
    }
    const out: Finding[] = [];
    for (const [k, cs] of groups) {
      const [identity, account, region] = k.split('|');
      const lk = `${account}|${region}`;
      const hasLogs = logged.has(lk);
      const span = spans.get(lk);
      const ok = cs.filter((c) => !c.errorCode);
      const after = span ? ok.filter((c) => Date.parse(c.time) > span.last + HOUR_MS / 6) : [];
      const why = !hasLogs
        ? `no model-invocation logs for ${region} in the evidence`
        : after.length
          ? `invocation logs for ${region} stop at ${new Date(span!.last).toISOString()}`
          : `calls in ${region} missing from its invocation logs`;
      const severity: Severity = ok.length >= 100 ? 'low' : 'informational';
      const cost = costOf(cs);
      out.push(
        makeFinding({
          ruleId: 'data-plane.unlogged-runtime',
          title: `${cs.length} model runtime call(s) by ${shortName(identity)} in ${region} seen only in CloudTrail`,
          description: `${why}: prompts and responses of these calls cannot be reviewed. ${ok.length} succeeded, ${cs.length - ok.length} failed.`,
          severity,
          elements: ['invocation'],
          components: ['foundation-models'],
          times: [cs[0].time, cs[cs.length - 1].time],
          principals: [identity],
          sourceIps: severity === 'low' ? cs.map((c) => c.sourceIp).filter(isAddress) : [],
          resources: severity === 'low' ? cs.map((c) => modelFamilyId(c.modelId)) : [],
          evidence: { eventIds: cap(cs.map((c) => c.eventId!)) },
          details: {
            region,
            account,
            reason: why,
            succeeded: ok.length,
            failed: cs.length - ok.length,
            models: [...new Set(cs.map((c) => modelFamilyId(c.modelId)))],
            cost: { estimatedUsd: cost.estimatedUsd, byModel: cost.byModel },
          },
        }),
      );
    }
    return out;
  },
};

export const INVOCATION_DETECTORS: Detector[] = [
  llmjackingDetector,
  volumeDetector,
  newModelDetector,
  guardrailGapDetector,
  unloggedRuntimeDetector,
];
