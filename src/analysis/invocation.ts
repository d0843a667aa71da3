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
import { type Detector, makeFinding } from '../engine/detector.js';
import { relieveHeap } from '../engine/heap.js';
import type { IdentityOf } from '../engine/principal-names.js';
import { loadPriceTable, type Price } from '../io/data-files.js';
import type { Finding, Json, Severity } from '../model/types.js';
import type { Queryable } from '../store/case-store.js';
import { isoSql, sqlString, sqlTime } from '../store/case-store.js';
import {
  analyzePrompt,
  analyzeResponse,
  findSensitive,
  type PromptAnalysis,
  type ResponseAnalysis,
  SECRET_TYPES,
  type SensitiveMatch,
} from '../text/index.js';
import {
  evidenceHours,
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
import { changeDetails, changesBefore } from './config-changes.js';
import {
  deviceClient,
  eachByTime,
  FREEMAIL,
  fromUsualOrigin,
  functionNameOf,
  interner,
  type UsualOrigin,
  usualOrigin,
} from './context.js';
import { modelExtractionDetector } from './model-extraction.js';
import { META_KEYS, metaSql, metaValue } from './request-metadata.js';

// ---- prices -----------------------------------------------------------------------------------

export type { Price };

/** The price table (data/bedrock-prices.json, read by src/io), keyed by model-id family. */
export function priceTable(): Map<string, Price> {
  return loadPriceTable();
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

const str = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));

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
     FROM invocations WHERE region IS NOT NULL GROUP BY 1, 2 ORDER BY ALL`,
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
  // role play in other words: persona cards, staying in character, out-of-character asides
  [/\b(?:break(?:ing)? the fourth wall|in[- ]character|out of character)\b/i, 2],
  [/\brole-?play(?:ing)?\b/i, 1.5],
  [/<\s*(?:persona|character|char)\b|\bpersona\s*[:=]/i, 1],
  [/\(\(\s*ooc\b|\booc\s*:/i, 1.5],
  [/^\s*\*[^*\n]{3,80}\*/m, 1],
  [
    /\b(?:you (?:speak|act|reply|respond|write) only as|the user (?:controls|plays)|narrate (?:as|for))\b/i,
    1.5,
  ],
  [/\b(?:continue|keep going|go on)\b.{0,40}\b(?:scene|story|longer|chapter)\b/i, 1],
  // bulk writing for resale: SEO articles, batches of reviews or variations, novel chapters
  [/\bseo\b.{0,40}\b(?:article|blog|post|content)s?\b/i, 2],
  [
    /\b\d{2,}\s+(?:realistic |unique |fake |different )?(?:reviews|variations|articles|blog posts|tweets|product descriptions)\b/i,
    1.5,
  ],
  [/\bchapter\s+\d+\s+of\s+my\s+(?:novel|book|story)\b/i, 2],
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
    [identity, sqlTime(from), sqlTime(to)],
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

/** The `new-models` signal's text. */
const newModelsText = (models: string[]): string =>
  `${models.length} model(s) never used before: ${models.join(', ')}`;

function assessPrincipal(
  p: PrincipalProfile,
  hours: { first: number; last: number } | null,
  logged: Set<string>,
  allCalls: RuntimeCall[],
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
    signals.push({ id: 'new-models', strong: false, text: newModelsText(newModels) });
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

  // volume: the window's busiest hour against the principal's own hours before it (or all its hours)
  const count = (cs: RuntimeCall[]) => {
    const m = new Map<number, number>();
    for (const c of cs) m.set(hourOf(c.time), (m.get(hourOf(c.time)) ?? 0) + 1);
    return m;
  };
  const winHourly = count(window);
  // a role several people sign in to: their calls add up in the role's hours, but a spike is one
  // credential's spike, so the window's hours are counted per person (session) for the peak
  const people = sessionsOfPeople(p);
  const peakHourly = people ? personHourly(window, count) : winHourly;
  const ref = dep.start && hasHistory ? history : p.calls;
  const refLast =
    dep.start && hasHistory
      ? Math.max(hours?.first ?? 0, hourOf(dep.start) - 1)
      : (hours?.last ?? hourOf(p.last));
  const refSeries = hours ? hourlySeries(count(ref), hours.first, refLast) : [...count(ref).values()];
  const stats = robustStats(refSeries.length ? refSeries : [0]);
  let peak = 0;
  let peakHour = 0;
  for (const [h, n] of peakHourly)
    if (n > peak) {
      peak = n;
      peakHour = h;
    }
  const z = robustZ(peak, stats, Math.max(1, stats.median * 0.25));
  // sustained: several hours well above anything the reference hours ever reached
  // the earlier peak only means something when the reference is an earlier history (not the same calls)
  const ownHistory = !!dep.start && hasHistory;
  const refPeak = ownHistory ? Math.max(1, ...refSeries) : Math.max(1, stats.median);
  const hot = [...peakHourly.values()].filter(
    (n) => n >= 20 && n >= 3 * refPeak && robustZ(n, stats, Math.max(1, stats.median * 0.25)) >= 8,
  );
  details.hourly = {
    ...(people ? { perPerson: people } : {}),
    baselineMedian: stats.median,
    baselineMad: stats.mad,
    baselinePeak: refPeak,
    peak,
    peakHour: hourIso(peakHour),
    robustZ: Math.round(z * 10) / 10,
    hotHours: hot.length,
  };
  // material: a real share of the account's model use (calls or cost) in the principal's busiest hours
  const hotHours = new Set(
    [...peakHourly.entries()].filter(([, n]) => n >= 20 && n >= 3 * refPeak).map(([h]) => h),
  );
  const mine = window.filter((c) => hotHours.has(hourOf(c.time)));
  const during = allCalls.filter((c) => hotHours.has(hourOf(c.time)));
  const callShare = mine.length / Math.max(1, during.length);
  const cm = costOf(mine);
  const cd = costOf(during);
  const costShare = (cm.totalUsd + cm.estimatedUsd) / Math.max(0.01, cd.totalUsd + cd.estimatedUsd);
  details.accountShare = {
    calls: Math.round(callShare * 100) / 100,
    cost: Math.round(costShare * 100) / 100,
  };
  if (hot.length >= 2 && peak >= 30 && peak >= 5 * refPeak && (callShare >= 0.35 || costShare >= 0.5))
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
  return { profile: p, window, signals, newIps, newModels, keys, details };
}

/** A human session name: a person's sign-in (an e-mail address or a user name, not an instance or function id). */
const PERSON_SESSION = /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i;

/**
 * How many people sign in to a role, when several do: a role of the single sign-on service or one
 * whose sessions carry e-mail addresses, called by two or more sessions. Null otherwise.
 */
function sessionsOfPeople(p: PrincipalProfile): number | null {
  if (!/:role\//.test(p.identity)) return null;
  const sso = /:role\/(?:aws-reserved\/sso\.amazonaws\.com\/(?:[^/]+\/)?)?AWSReservedSSO_/.test(p.identity);
  const sessions = new Set<string>();
  let personal = 0;
  for (const c of p.calls) {
    const m = c.principal ? /:assumed-role\/[^/]+\/(.+)$/.exec(c.principal) : null;
    if (!m || sessions.has(m[1])) continue;
    sessions.add(m[1]);
    if (PERSON_SESSION.test(m[1])) personal++;
  }
  if (sessions.size < 2 || !(sso || personal === sessions.size)) return null;
  return sessions.size;
}

/** Per hour, the most calls any one session made. */
function personHourly(
  calls: RuntimeCall[],
  count: (cs: RuntimeCall[]) => Map<number, number>,
): Map<number, number> {
  const by = new Map<string, RuntimeCall[]>();
  for (const c of calls) {
    const k = c.principal ?? c.identity;
    const l = by.get(k);
    if (l) l.push(c);
    else by.set(k, [c]);
  }
  const out = new Map<number, number>();
  for (const cs of by.values()) for (const [h, n] of count(cs)) if (n > (out.get(h) ?? 0)) out.set(h, n);
  return out;
}

/** Of the given addresses, those three or more identities used in CloudTrail (an office, a VPN exit). */
async function sharedAddresses(db: Queryable, ips: string[]): Promise<Set<string>> {
  if (!ips.length) return new Set();
  const rows = await db.all(
    `SELECT source_ip AS ip FROM events WHERE source_ip IN (${ips.map(sqlString).join(', ')})
     GROUP BY 1 HAVING count(DISTINCT identity_arn) >= 3 ORDER BY 1`,
  );
  return new Set(rows.map((r) => String(r.ip)));
}

/**
 * A principal many sessions share (a role several people and pipelines assume), or an IAM user
 * whose own key goes on working beside one an intruder holds: the abuse is in some of its keys, not
 * all. When at least three access keys called in the window (or two, the other one only from
 * addresses the principal used before) and only some of them carry what makes the use abusive (successful calls in a Region without invocation
 * logging, role-play or bulk-generation prompts, throttling), the finding keeps those keys' calls
 * and addresses only; the other sessions' calls stay their users'. Mutates the assessment.
 */
export function narrowToAbusiveSessions(
  a: { window: RuntimeCall[]; newIps: string[]; keys: string[]; details: Record<string, unknown> },
  logged: Set<string>,
  roleplayIds: string[],
  /** addresses several identities of the account use (an office, a VPN exit) */
  shared: Set<string> = new Set(),
): void {
  const all = new Set(a.window.map((c) => c.accessKeyId).filter((k): k is string => !!k));
  if (all.size < 2) return;
  const rp = new Set(roleplayIds);
  const marked = new Set<string>();
  for (const c of a.window) {
    if (!c.accessKeyId) continue;
    const unloggedRegion = !c.logged && !c.errorCode && !logged.has(`${c.account ?? ''}|${c.region}`);
    if (unloggedRegion || (c.requestId && rp.has(c.requestId)) || c.errorCode === 'ThrottlingException')
      marked.add(c.accessKeyId);
  }
  if (!marked.size || marked.size >= all.size) return;
  // with two keys, the other key must be at home: every call of it from an address the principal
  // used before or one the account's people share (an IAM user's own key at the office beside the
  // key an intruder created)
  const fresh = new Set(a.newIps.filter((ip) => !shared.has(ip)));
  if (
    all.size < 3 &&
    a.window.some(
      (c) => c.accessKeyId && !marked.has(c.accessKeyId) && (!c.sourceIp || fresh.has(c.sourceIp)),
    )
  )
    return;
  const before = a.window.length;
  a.window = a.window.filter((c) => !c.accessKeyId || marked.has(c.accessKeyId));
  const ips = new Set(a.window.map((c) => c.sourceIp));
  a.newIps = a.newIps.filter((ip) => ips.has(ip));
  a.keys = a.keys.filter((k) => marked.has(k));
  a.details.sessions = {
    keys: all.size,
    abusive: marked.size,
    callsKept: a.window.length,
    callsLeft: before - a.window.length,
  };
}

/** Who called an application role's model, as its invocation log's `requestMetadata` tells. */
export interface CallerOf {
  /** the path the call came in through (`via`, `channel` ...), when the application names it */
  channel: string | null;
  /** the end user's address the application logged (`clientIp` ...) */
  clientIp: string | null;
  /** the customer or end user id, when there is no address */
  customer: string | null;
}

/** One sentence on the callers the finding kept (narrowToAbusiveCallers), or nothing. */
function callersText(v: unknown): string {
  if (!v || typeof v !== 'object') return '';
  const c = v as {
    units: number;
    abusive: number;
    left: number;
    callsLeft: number;
    paths: string[];
    clientIps: string[];
  };
  return (
    ` The invocation logs tell ${c.units} callers of the role apart: ${c.abusive} sent role-play or bulk-generation prompts` +
    (c.paths.length ? ` through paths mostly they used (${c.paths.join(', ')})` : '') +
    (c.clientIps.length
      ? ` from ${c.clientIps.slice(0, 10).join(', ')}${c.clientIps.length > 10 ? ' ...' : ''}`
      : '') +
    `; ${c.left} others sent none, and their ${c.callsLeft} calls (with calls that left no log record) are left to them.`
  );
}

/** Bounds of the caller split: units examined, prompts examined per unit and in all. */
const CALLER_LIMITS = { maxUnits: 2000, perUnit: 40, minPerUnit: 3, total: 8000 } as const;

/** A caller unit: the path and the end user (address, else customer id) within it. */
function callerUnit(c: CallerOf): string {
  return `${c.channel ?? ''}\u0000${c.clientIp ?? c.customer ?? ''}`;
}

/** The caller of each logged call (by request id), read from its invocation log record. */
async function callersOf(db: Queryable, requestIds: string[]): Promise<Map<string, CallerOf>> {
  const out = new Map<string, CallerOf>();
  const cut = (x: unknown): string | null => (x === null || x === undefined ? null : String(x).slice(0, 128));
  for (let i = 0; i < requestIds.length; i += 2000) {
    const chunk = requestIds.slice(i, i + 2000);
    for (const r of await db.all(
      `SELECT request_id, client_ip, ${metaSql(META_KEYS.channel)} AS channel, ${metaSql(META_KEYS.customer)} AS customer
       FROM invocations WHERE request_id IN (${chunk.map(sqlString).join(',')}) ORDER BY request_id`,
    ))
      out.set(String(r.request_id), {
        channel: cut(r.channel),
        clientIp: cut(r.client_ip),
        customer: cut(r.customer),
      });
  }
  return out;
}

/**
 * The logged calls whose prompts the caller split examines: up to `perUnit` of each caller unit
 * (evenly spaced), fewer per unit when there are many units; none when the calls name no caller
 * (one unit) or too many units to tell apart.
 */
function callerSample(window: RuntimeCall[], callers: Map<string, CallerOf>): string[] {
  const units = new Map<string, string[]>();
  for (const c of window) {
    const who = c.requestId ? callers.get(c.requestId) : undefined;
    if (!who || !c.requestId) continue;
    const u = callerUnit(who);
    const l = units.get(u);
    if (l) l.push(c.requestId);
    else units.set(u, [c.requestId]);
  }
  if (units.size < 2 || units.size > CALLER_LIMITS.maxUnits) return [];
  const per = Math.max(
    CALLER_LIMITS.minPerUnit,
    Math.min(CALLER_LIMITS.perUnit, Math.floor(CALLER_LIMITS.total / units.size)),
  );
  const out: string[] = [];
  for (const u of [...units.keys()].sort()) {
    const ids = units.get(u)!;
    const step = Math.max(1, Math.ceil(ids.length / per));
    for (let i = 0; i < ids.length && out.length < CALLER_LIMITS.total; i += step) out.push(ids[i]);
  }
  return out;
}

/**
 * An application role whose model is called by several callers (the invocation log names each
 * call's path and end user in `requestMetadata`): when the abuse (role-play or bulk-generation
 * prompts) sits with some callers and others sent none at all, the finding keeps the abusive
 * callers' calls only, and with them every call of a path mostly they used (a function URL opened to
 * the internet: the door the abuse came through). The application's own users (other callers, the
 * same role, the same sessions) stay theirs. Calls of a logged Region that left no log record name
 * no caller and are left out; calls in Regions without invocation logging are kept. Mutates the
 * assessment and returns the kept callers' public client addresses, or null when nothing was told
 * apart. `examined` are the request ids whose prompts were read, `roleplay` those found abusive.
 */
export function narrowToAbusiveCallers(
  a: { window: RuntimeCall[]; newIps: string[]; keys: string[]; details: Record<string, unknown> },
  logged: Set<string>,
  callers: Map<string, CallerOf>,
  examined: Set<string>,
  roleplay: Set<string>,
): string[] | null {
  const units = new Map<string, { who: CallerOf; examined: number; abusive: number }>();
  for (const c of a.window) {
    const who = c.requestId ? callers.get(c.requestId) : undefined;
    if (!who || !c.requestId) continue;
    const k = callerUnit(who);
    let u = units.get(k);
    if (!u) {
      u = { who, examined: 0, abusive: 0 };
      units.set(k, u);
    }
    if (examined.has(c.requestId)) u.examined++;
    if (roleplay.has(c.requestId)) u.abusive++;
  }
  if (units.size < 2) return null;
  const marked = new Set<string>();
  const clean = new Set<string>();
  let abusive = 0;
  let abusiveMarked = 0;
  for (const [k, u] of units) {
    abusive += u.abusive;
    if (u.abusive >= 1 && u.abusive >= 0.2 * u.examined) {
      marked.add(k);
      abusiveMarked += u.abusive;
    } else if (u.abusive === 0 && u.examined >= 1) clean.add(k);
  }
  // the abuse must sit with the marked callers, and some callers must have sent none of it
  if (abusiveMarked < 5 || abusiveMarked < 0.8 * abusive || !clean.size) return null;
  // paths mostly the abusive callers used (at least half of a path's logged calls are theirs): every
  // caller through them is the abuse's, also one whose prompts read as ordinary writing jobs
  const pathCalls = new Map<string, { all: number; marked: number }>();
  for (const c of a.window) {
    const who = c.requestId ? callers.get(c.requestId) : undefined;
    if (!who) continue;
    const p = who.channel ?? '';
    const n = pathCalls.get(p) ?? { all: 0, marked: 0 };
    n.all++;
    if (marked.has(callerUnit(who))) n.marked++;
    pathCalls.set(p, n);
  }
  const opened = new Set(
    [...pathCalls.entries()].filter(([p, n]) => p !== '' && n.marked >= 0.5 * n.all).map(([p]) => p),
  );
  const dropped = new Set([...clean].filter((k) => !opened.has(units.get(k)!.who.channel ?? '')));
  if (!dropped.size) return null;
  const before = a.window.length;
  a.window = a.window.filter((c) => {
    const who = c.requestId ? callers.get(c.requestId) : undefined;
    if (who) return !dropped.has(callerUnit(who));
    // no log record: kept only where the Region logs nothing (its caller cannot be known)
    return !c.requestId && !c.logged && !logged.has(`${c.account ?? ''}|${c.region}`);
  });
  const ips = new Set(a.window.map((c) => c.sourceIp));
  a.newIps = a.newIps.filter((ip) => ips.has(ip));
  const keys = new Set(a.window.map((c) => c.accessKeyId));
  a.keys = a.keys.filter((k) => keys.has(k));
  const keptUnits = [...units.keys()].filter((k) => !dropped.has(k));
  const clientIps = [
    ...new Set(
      keptUnits
        .map((k) => units.get(k)!.who.clientIp)
        .filter((ip): ip is string => isPublicAddress(ip ?? '')),
    ),
  ].sort();
  a.details.callers = {
    units: units.size,
    abusive: marked.size,
    left: dropped.size,
    callsKept: a.window.length,
    callsLeft: before - a.window.length,
    paths: [...opened].sort(),
    clientIps: clientIps.slice(0, 100),
    // every kept caller is an end user the application logged an address for
    endUsersOnly: keptUnits.every((k) => !!units.get(k)!.who.clientIp),
  };
  return clientIps;
}

/**
 * A long-term key used by its owner and by someone else: the owner's calls from the key's usual
 * origin (the network it was used from for hours before another one, with the clients seen there;
 * see `usualOrigin`) are the owner's, also inside the abusive window. Keeps the calls from other
 * origins, when there are some. Mutates the assessment; `origins` gives each key's usual origin.
 */
export function leaveOwnersCalls(
  a: {
    window: RuntimeCall[];
    newIps: string[];
    details: Record<string, unknown>;
    newModels?: string[];
    signals?: Signal[];
  },
  origins: Map<string, UsualOrigin>,
): void {
  if (!origins.size) return;
  const owners = (c: RuntimeCall): boolean =>
    !!c.accessKeyId && fromUsualOrigin(origins.get(c.accessKeyId) ?? null, c.sourceIp, c.userAgent);
  const kept = a.window.filter((c) => !owners(c));
  if (!kept.length || kept.length === a.window.length) return;
  a.details.ownerCallsLeft = a.window.length - kept.length;
  a.window = kept;
  const ips = new Set(kept.map((c) => c.sourceIp));
  a.newIps = a.newIps.filter((ip) => ips.has(ip));
  // models only the owner's calls used are not new to the other user (the owner's job, when the
  // other user came first in the evidence)
  if (a.newModels?.length) {
    const used = new Set(kept.map((c) => modelFamilyId(c.modelId)));
    const models = a.newModels.filter((m) => used.has(m));
    if (models.length < a.newModels.length) {
      a.newModels = models;
      const i = a.signals?.findIndex((x) => x.id === 'new-models') ?? -1;
      if (a.signals && i >= 0) {
        if (models.length) a.signals[i] = { ...a.signals[i], text: newModelsText(models) };
        else a.signals.splice(i, 1);
      }
    }
  }
}

/**
 * Within the sessions kept, origins (key and address) with no call carrying the abuse, at an
 * address no abusive origin used and with none of the abusive origins' clients, are another user's:
 * the workload's own host using the same stolen session key, or another run of the role. They are
 * left out (`details.origins`).
 */
export function narrowToAbusiveOrigins(
  a: { window: RuntimeCall[]; newIps: string[]; keys: string[]; details: Record<string, unknown> },
  logged: Set<string>,
  roleplayIds: string[],
): void {
  const rp = new Set(roleplayIds);
  const originOf = (c: RuntimeCall): string | null =>
    c.accessKeyId && c.sourceIp ? `${c.accessKeyId}\u0000${c.sourceIp}` : null;
  const marked = new Set<string>();
  for (const c of a.window) {
    const o = originOf(c);
    if (!o) continue;
    const unloggedRegion = !c.logged && !c.errorCode && !logged.has(`${c.account ?? ''}|${c.region}`);
    if (unloggedRegion || (c.requestId && rp.has(c.requestId)) || c.errorCode === 'ThrottlingException')
      marked.add(o);
  }
  if (!marked.size) return;
  const abusive = a.window.filter((c) => marked.has(originOf(c) ?? ''));
  const ips = new Set(abusive.map((c) => c.sourceIp));
  const clients = new Set(abusive.map((c) => deviceClient(c.userAgent)));
  const byOrigin = new Map<string, RuntimeCall[]>();
  for (const c of a.window) {
    const o = originOf(c);
    if (!o || marked.has(o)) continue;
    if (!byOrigin.has(o)) byOrigin.set(o, []);
    byOrigin.get(o)!.push(c);
  }
  const other = new Set(
    [...byOrigin]
      .filter(
        ([, cs]) =>
          !ips.has(cs[0].sourceIp) &&
          cs.every((c) => !!c.userAgent && !clients.has(deviceClient(c.userAgent))),
      )
      .map(([o]) => o),
  );
  if (!other.size) return;
  const before = a.window.length;
  a.window = a.window.filter((c) => !other.has(originOf(c) ?? ''));
  const kept = new Set(a.window.map((c) => c.sourceIp));
  const keptKeys = new Set(a.window.map((c) => c.accessKeyId));
  a.newIps = a.newIps.filter((ip) => kept.has(ip));
  a.keys = a.keys.filter((k) => keptKeys.has(k));
  a.details.origins = {
    abusive: marked.size,
    leftOut: [...other].map((o) => o.replace('\u0000', ' from ')).sort(),
    callsLeft: before - a.window.length,
  };
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
    const { profiles, hours, calls } = await runtimeBaseline(ctx.db, ctx.shared, ctx.identityOf);
    const logged = await loggedRegions(ctx.db);
    const out: Finding[] = [];
    for (const p of profiles.values()) {
      if (p.calls.length < 3) continue;
      const a = assessPrincipal(p, hours, logged, calls);
      // content: role-play / resale prompts in the window
      // (an evenly spaced sample of at most 600 logged calls of the window is enough for a share)
      const loggedIds = a.window.map((c) => c.requestId).filter((x): x is string => !!x);
      const step = Math.max(1, Math.ceil(loggedIds.length / 600));
      const rp = await roleplayShare(
        ctx.db,
        loggedIds.filter((_, i) => i % step === 0),
      );
      if (rp.ids.length >= 5 && rp.share >= 0.2)
        a.signals.push({
          id: 'roleplay',
          strong: true,
          text: `${rp.ids.length} of ${rp.n} logged prompts examined are character role-play or bulk-generation templates`,
        });
      const severity = abuseSeverity(a.signals);
      if (!severity) continue;
      if (severity === 'informational' && a.window.length < 3) continue;
      if (severity === 'high' || severity === 'medium') {
        narrowToAbusiveSessions(a, logged, rp.ids, await sharedAddresses(ctx.db, a.newIps));
        const origins = new Map<string, UsualOrigin>();
        for (const k of [...new Set(a.window.map((c) => c.accessKeyId))].sort())
          if (k?.startsWith('AKIA')) {
            const u = await usualOrigin(ctx.db, 'access_key_id', k);
            if (u) origins.set(k, u);
          }
        leaveOwnersCalls(a, origins);
        narrowToAbusiveOrigins(a, logged, rp.ids);
      }
      // an application role's callers told apart by its invocation logs (see narrowToAbusiveCallers)
      let endUsers: string[] | null = null;
      if ((severity === 'high' || severity === 'medium') && a.signals.some((s) => s.id === 'roleplay')) {
        const logIds = a.window.map((c) => c.requestId).filter((x): x is string => !!x);
        const callers = await callersOf(ctx.db, logIds);
        const sample = callerSample(a.window, callers);
        if (sample.length) {
          const crp = await roleplayShare(ctx.db, sample);
          const kept = narrowToAbusiveCallers(a, logged, callers, new Set(sample), new Set(crp.ids));
          if (kept && (a.details.callers as { endUsersOnly?: boolean }).endUsersOnly) endUsers = kept;
          else if (kept) a.newIps = [...new Set([...a.newIps, ...kept])].sort();
        }
      }
      const ids = idsOf(a.window);
      const first = a.window[0]?.time ?? p.first;
      const last = a.window[a.window.length - 1]?.time ?? p.last;
      // (the application's own records from its own addresses are no reconnaissance of its end users)
      const recon =
        (severity === 'high' || severity === 'medium') && !endUsers
          ? await principalRecon(ctx.db, p.identity, a.newIps, first, last)
          : [];
      const cost = costOf(a.window);
      // the models the principal got answers from: a probe of a model the Region does not offer (or
      // one the principal may not call) touched nothing
      const answered = new Set(a.window.filter((c) => !c.errorCode).map((c) => modelFamilyId(c.modelId)));
      const named = a.newModels.length
        ? a.newModels
        : [...new Set(a.window.map((c) => modelFamilyId(c.modelId)))];
      const resModels = named.some((m) => answered.has(modelFamilyId(m)))
        ? named.filter((m) => answered.has(modelFamilyId(m)))
        : named;
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
            '.' +
            callersText(a.details.callers),
          severity,
          elements: ['invocation'],
          components: ['foundation-models'],
          times: [first, last],
          principals: [p.identity],
          accessKeyIds: severity === 'high' || severity === 'medium' ? a.keys : [],
          // the application's end users who abused it: their addresses, not the application's own
          sourceIps: endUsers ?? a.newIps,
          // the application called the models for its callers: not the actor's resources
          resources: (severity === 'high' || severity === 'medium') && !endUsers ? resModels : [],
          attack,
          evidence: { requestIds: ids.requestIds, eventIds: [...ids.eventIds, ...recon] },
          details: {
            ...a.details,
            // the end users' own conduct (the prompts they sent): their addresses are the actor's (scope.ts)
            ...(endUsers ? { endUserConduct: true } : {}),
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
    const { profiles, hours } = await runtimeBaseline(ctx.db, ctx.shared, ctx.identityOf);
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

// ---- end users consuming the models through an application ----------------------------------------------

const PRIVATE_V4 =
  /^(?:10\.|127\.|192\.168\.|169\.254\.|172\.(?:1[6-9]|2\d|3[01])\.|100\.(?:6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.)/;
const isPublicAddress = (ip: string): boolean =>
  isAddress(ip) && !PRIVATE_V4.test(ip) && !/^(?:fc|fd|fe80|::1$)/i.test(ip);

/** Calls, tokens and estimated cost per model of logged calls, by request id. */
async function costOfRequests(
  db: Queryable,
  requestIds: string[],
): Promise<{ totalUsd: number; byModel: Record<string, Json> }> {
  const by = new Map<string, { calls: number; inTok: number; outTok: number }>();
  for (let i = 0; i < requestIds.length; i += 2000) {
    const chunk = requestIds.slice(i, i + 2000);
    for (const r of await db.all(
      `SELECT model_id, count(*) AS n, sum(coalesce(input_tokens, 0)) AS i, sum(coalesce(output_tokens, 0)) AS o
       FROM invocations WHERE request_id IN (${chunk.map(sqlString).join(',')}) GROUP BY 1 ORDER BY 1`,
    )) {
      const m = modelFamilyId(str(r.model_id)) || '?';
      const s = by.get(m) ?? { calls: 0, inTok: 0, outTok: 0 };
      s.calls += Number(r.n) || 0;
      s.inTok += Number(r.i) || 0;
      s.outTok += Number(r.o) || 0;
      by.set(m, s);
    }
  }
  let total = 0;
  const byModel: Record<string, Json> = {};
  for (const [m, s] of by) {
    const c = costUsd(m, s.inTok, s.outTok);
    total += c ?? 0;
    byModel[m] = {
      calls: s.calls,
      inputTokens: s.inTok,
      outputTokens: s.outTok,
      costUsd: c === null ? null : round2(c),
    };
  }
  return { totalUsd: round2(total), byModel };
}

/**
 * Denial of wallet through an application: one end user (client address, conversation and customer
 * ids joined by the text pass) using a large share of the application principal's tokens, far above
 * its other end users, in conversations that are each far above theirs. See END_USER_LIMITS.
 */
export const endUserAbuseDetector: Detector = {
  id: 'data-plane.end-user-consumption',
  title: "An application's end user consuming far more of the models than its other users (denial of wallet)",
  elements: ['invocation'],
  async run(ctx) {
    const pass = await textPass(ctx.db, ctx.shared, ctx.identityOf);
    const out: Finding[] = [];
    for (const u of pass.endUserAbuse) {
      // content: role-play / bulk-generation prompts among at most 300 of the cited calls
      const step = Math.max(1, Math.ceil(u.requestIds.length / 300));
      const rp = await roleplayShare(
        ctx.db,
        u.requestIds.filter((_, i) => i % step === 0),
      );
      const bulk = rp.ids.length >= 5 && rp.share >= 0.2;
      const cappedShare = u.calls ? u.capped / u.calls : 0;
      const severity: Severity = bulk || cappedShare >= 0.5 ? 'high' : 'medium';
      const cost = await costOfRequests(ctx.db, u.requestIds);
      const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
      const ips = u.ips.filter(isPublicAddress);
      const who = ips.length
        ? `client address${ips.length > 1 ? 'es' : ''} ${ips.join(', ')}`
        : 'no public client address';
      const why = [
        `${u.tokens.toLocaleString('en-US')} tokens in ${u.calls} calls from ${u.first} to ${u.last}: ${pct(u.share)} of the ${u.principalTokens.toLocaleString('en-US')} tokens of ${u.principalUsers} end users`,
        `${Math.round(u.tokens / Math.max(1, u.p99Tokens))}× the 99th percentile of the other end users (${u.p99Tokens.toLocaleString('en-US')} tokens; median ${u.medianTokens.toLocaleString('en-US')})`,
        `${u.heavyUnits} of its ${u.units} conversations (or customers / addresses where there are no conversation ids) each ≥ ${END_USER_LIMITS.heavyUnitFactor}× the others' 99th percentile per conversation (${u.unitP99.toLocaleString('en-US')} tokens), holding ${pct(u.heavyShare)} of its tokens`,
        `${u.capped} answers (${pct(cappedShare)}) cut at the output limit`,
      ];
      if (rp.n)
        why.push(`${rp.ids.length} of ${rp.n} prompts examined are role-play or bulk-generation templates`);
      out.push(
        makeFinding({
          ruleId: 'data-plane.end-user-consumption',
          title: `${shortName(u.identity)}: one end user (${who}) used ${pct(u.share)} of the application's tokens, ${Math.round(u.tokens / Math.max(1, u.p99Tokens))}× its other users' 99th percentile`,
          description:
            `${why.join('; ')}. ${u.conversations} conversation id(s), ${u.customers} customer id(s). ` +
            `Estimated cost of the cited calls: $${cost.totalUsd}. The application's principal made the calls on the end user's behalf (denial of wallet through the application).`,
          severity,
          elements: ['invocation'],
          components: ['foundation-models'],
          times: [u.first, u.last],
          principals: [u.identity],
          sourceIps: ips,
          attack: ['AML.T0034', 'T1496'],
          evidence: { requestIds: u.requestIds },
          details: {
            // the end user's own conduct: its addresses are the actor's (scope.ts)
            endUserConduct: true,
            calls: u.calls,
            tokens: u.tokens,
            share: Math.round(u.share * 1000) / 1000,
            principalEndUsers: u.principalUsers,
            principalTokens: u.principalTokens,
            principalCalls: u.principalCalls,
            p99Tokens: u.p99Tokens,
            medianTokens: u.medianTokens,
            units: u.units,
            heavyUnits: u.heavyUnits,
            heavyShare: Math.round(u.heavyShare * 1000) / 1000,
            unitP99Tokens: u.unitP99,
            cappedAnswers: u.capped,
            conversations: u.conversations,
            customers: u.customers,
            clientIps: u.ips,
            roleplayPrompts: rp.ids.length,
            roleplayExamined: rp.n,
            omittedCalls: u.omittedCalls,
            cost: { totalUsd: cost.totalUsd, byModel: cost.byModel },
          },
        }),
      );
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
    const { profiles } = await runtimeBaseline(ctx.db, ctx.shared, ctx.identityOf);
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

/** A run of consecutive calls without a guardrail: at least this long and this many calls. */
export const GUARDRAIL_GAP = {
  minCalls: 20,
  minMs: 30 * 60_000,
  /** share of the principal's other calls (same models and operations) that carried a guardrail */
  minOutsideShare: 0.9,
  /** calls with a guardrail a (model, operation) needs before it counts as guarded traffic */
  minGuarded: 10,
  /** how long before the run a change to the function or the guardrail counts as its cause */
  changeMs: 2 * HOUR_MS,
  /** run calls cited besides the first and last */
  sample: 20,
};

interface GuardrailChange {
  eventId: string;
  ms: number;
  action: string;
  by: string | null;
  accessKeyId: string | null;
  sourceIp: string | null;
  /** the Lambda function changed (null for a guardrail change) */
  fn: string | null;
  /** the function's execution role, as the change or an earlier read of the function shows it */
  role: string | null;
  guardrail: string | null;
}

/** Lambda deployments (code, configuration, version, alias) and guardrail changes, with the functions' roles. */
async function guardrailGapChanges(db: Queryable, identityOf: IdentityOf): Promise<GuardrailChange[]> {
  const rows = await db.all(
    `SELECT event_id, epoch_ms(time) AS ms, action, service, identity_arn, principal_arn, access_key_id, source_ip,
            coalesce(json_extract_string(request_parameters, '$.functionName'),
                     json_extract_string(response_elements, '$.functionName'),
                     json_extract_string(response_elements, '$.configuration.functionName')) AS fn,
            coalesce(json_extract_string(response_elements, '$.role'),
                     json_extract_string(response_elements, '$.configuration.role'),
                     json_extract_string(request_parameters, '$.role')) AS role,
            coalesce(json_extract_string(request_parameters, '$.guardrailIdentifier'),
                     json_extract_string(response_elements, '$.guardrailId')) AS g
     FROM events
     WHERE error_code IS NULL AND event_id IS NOT NULL AND (
       (service = 'lambda.amazonaws.com' AND (action LIKE 'UpdateFunctionCode%' OR action LIKE 'UpdateFunctionConfiguration%'
         OR action LIKE 'UpdateAlias%' OR action LIKE 'PublishVersion%' OR action LIKE 'CreateFunction%' OR action LIKE 'GetFunction%'))
       OR (service = 'bedrock.amazonaws.com' AND action IN ('DeleteGuardrail', 'UpdateGuardrail', 'CreateGuardrailVersion')))
     ORDER BY time, event_id`,
  );
  const roles = new Map<string, string>();
  const out: GuardrailChange[] = [];
  for (const r of rows) {
    const fn = r.service === 'lambda.amazonaws.com' ? functionNameOf(str(r.fn) ?? '') || null : null;
    const role = identityOf(str(r.role));
    if (fn && role) roles.set(fn, role);
    const action = String(r.action);
    if (/^(?:GetFunction|CreateFunction)/.test(action)) continue;
    out.push({
      eventId: String(r.event_id),
      ms: Number(r.ms),
      action: action.replace(/\d{8}(?:v\d+)?$/, ''),
      by: identityOf(str(r.identity_arn) ?? str(r.principal_arn)),
      accessKeyId: str(r.access_key_id),
      sourceIp: str(r.source_ip),
      fn,
      role,
      guardrail: fn ? null : str(r.g),
    });
  }
  // a change event that does not name the role (alias, some versions) takes the function's known role
  for (const c of out) if (c.fn && !c.role) c.role = roles.get(c.fn) ?? null;
  return out;
}

interface GapRun {
  calls: RuntimeCall[];
  before: RuntimeCall | null;
  after: RuntimeCall | null;
  outsideShare: number;
  keys: string[];
}

/**
 * Runs of consecutive logged calls without a guardrail in a principal's guarded traffic (the
 * models and operations it calls with a guardrail), long enough and with enough calls, where its
 * other calls carry one. One pass over the principal's calls, already in time order.
 */
export function guardrailGapRuns(calls: RuntimeCall[], L = GUARDRAIL_GAP): GapRun[] {
  const keyOf = (c: RuntimeCall) => `${modelFamilyId(c.modelId)}|${c.operation ?? ''}`;
  const share = guardrailShare(calls.filter((c) => !c.errorCode));
  const guarded = new Set([...share].filter(([, s]) => s.withG >= L.minGuarded).map(([k]) => k));
  if (!guarded.size) return [];
  let total = 0;
  let withG = 0;
  for (const k of guarded) {
    total += share.get(k)!.total;
    withG += share.get(k)!.withG;
  }
  const out: GapRun[] = [];
  let prev: RuntimeCall | null = null;
  let run: RuntimeCall[] = [];
  let before: RuntimeCall | null = null;
  const close = (after: RuntimeCall | null) => {
    if (
      run.length >= L.minCalls &&
      Date.parse(run[run.length - 1].time) - Date.parse(run[0].time) >= L.minMs &&
      (before || after) &&
      withG / (total - run.length) >= L.minOutsideShare
    )
      out.push({
        calls: run,
        before,
        after,
        outsideShare: withG / (total - run.length),
        keys: [...new Set(run.map(keyOf))].sort(),
      });
    run = [];
  };
  for (const c of calls) {
    if (!c.logged || c.errorCode || !guarded.has(keyOf(c))) continue;
    if (c.guardrail) {
      if (run.length) close(c);
      prev = c;
    } else {
      if (!run.length) before = prev;
      run.push(c);
    }
  }
  if (run.length) close(null);
  return out;
}

export const guardrailGapDetector: Detector = {
  id: 'data-plane.guardrail-gap',
  title: 'Calls without a guardrail where the principal normally uses one for that model and operation',
  elements: ['invocation', 'ai-changes'],
  async run(ctx) {
    const { profiles } = await runtimeBaseline(ctx.db, ctx.shared, ctx.identityOf);
    const out: Finding[] = [];
    let changes: GuardrailChange[] | null = null;
    let pass: TextPass | null = null;
    const ids = [...profiles.keys()].sort();
    for (const identity of ids) {
      const p = profiles.get(identity)!;
      const inRun = new Set<RuntimeCall>();
      for (const r of guardrailGapRuns(p.calls)) {
        for (const c of r.calls) inRun.add(c);
        const first = r.calls[0];
        const last = r.calls[r.calls.length - 1];
        const t0 = Date.parse(first.time);
        const t1 = Date.parse(last.time);
        changes ??= await guardrailGapChanges(ctx.db, ctx.identityOf);
        pass ??= await textPass(ctx.db, ctx.shared, ctx.identityOf);
        // the change that removed the guardrail: the function running as this principal was
        // redeployed or reconfigured, or a guardrail was changed or deleted, shortly before the run
        const from = Math.max(t0 - GUARDRAIL_GAP.changeMs, r.before ? Date.parse(r.before.time) : -Infinity);
        const cause = changes.filter(
          (c) => c.ms >= from && c.ms <= t0 && (c.fn ? c.role === p.identity : true),
        );
        // prompt attacks the guardrail would have seen, answered during the run
        const through = pass.flagged.filter((rec) => {
          if (rec.identity !== p.identity || rec.guardrailId) return false;
          const ms = Date.parse(rec.time);
          if (ms < t0 || ms > t1) return false;
          const j = judge(rec);
          return j.attackLike && (j.outcome === 'complied' || j.outcome === 'answered');
        });
        const severity: Severity = cause.length || through.length ? 'high' : 'medium';
        const step = Math.max(1, Math.ceil(r.calls.length / GUARDRAIL_GAP.sample));
        const sample = through.length
          ? through.slice(0, GUARDRAIL_GAP.sample).map((x) => x.requestId)
          : r.calls.filter((_, i) => i % step === 0).map((c) => c.requestId);
        const fns = [...new Set(cause.map((c) => c.fn).filter((x): x is string => !!x))].sort();
        const hours = Math.round((t1 - t0) / 360_000) / 10;
        const pct = Math.round(100 * r.outsideShare);
        const changeText = cause.length
          ? ` It began ${Math.round((t0 - Math.max(...cause.map((c) => c.ms))) / 60_000)} min after ${cause
              .map(
                (c) =>
                  `${c.action}${c.fn ? ` of ${c.fn}` : c.guardrail ? ` of guardrail ${c.guardrail}` : ''} by ${c.by ? shortName(c.by) : 'unknown'}`,
              )
              .filter((x, i, a) => a.indexOf(x) === i)
              .join(', ')}.`
          : '';
        const attackText = through.length
          ? ` ${through.length} prompt attack(s) were answered during it.`
          : '';
        out.push(
          makeFinding({
            ruleId: 'data-plane.guardrail-gap',
            title: `${shortName(p.identity)}: ${r.calls.length} consecutive call(s) without its guardrail for ${hours} h (${pct}% of its other calls carry one)`,
            description: `From ${first.time} to ${last.time} every ${r.keys.map((k) => k.replace('|', ' ')).join(', ')} call of ${shortName(p.identity)} was made without a guardrail${r.before ? ` (the call before, ${r.before.time}, carried one` : ''}${r.after ? `${r.before ? ';' : ' ('} the guardrail is back from ${r.after.time}` : ''}${r.before || r.after ? ')' : ''}.${changeText}${attackText}`,
            severity,
            elements: cause.length ? ['invocation', 'ai-changes'] : ['invocation'],
            components: ['guardrails', 'foundation-models'],
            times: [first.time, last.time, ...cause.map((c) => new Date(c.ms).toISOString())],
            principals: [p.identity, ...cause.map((c) => c.by)],
            accessKeyIds: cause.map((c) => c.accessKeyId),
            sourceIps: through
              .map((x) => x.clientIp)
              .filter((ip): ip is string => !!ip && isPublicAddress(ip)),
            resources: fns,
            // cited: where the gap starts, what got through (or, with nothing through, a spread of
            // its calls) and the changes before it; its last call and the guarded calls around it
            // are named in details (ordinary users' calls, not the incident's records)
            evidence: {
              requestIds: [first.requestId, ...sample],
              eventIds: cause.map((c) => c.eventId),
            },
            details: {
              start: first.time,
              end: last.time,
              calls: r.calls.length,
              modelsAndOperations: r.keys,
              outsideShare: Math.round(1000 * r.outsideShare) / 1000,
              lastCall: last.requestId,
              guardedBefore: r.before?.requestId ?? null,
              guardedAfter: r.after?.requestId ?? null,
              changes: cause.map((c) => ({
                eventId: c.eventId,
                time: new Date(c.ms).toISOString(),
                action: c.action,
                by: c.by,
                function: c.fn,
                guardrail: c.guardrail,
              })),
              attacksAnswered: through.length,
            },
          }),
        );
      }
      // scattered calls without the guardrail (outside any run) where the principal uses it in ≥ 90%
      const share = guardrailShare(p.calls);
      for (const [k, s] of [...share].sort(([a], [b]) => a.localeCompare(b))) {
        if (s.total < 50 || s.withG / s.total < 0.9 || s.withG === s.total) continue;
        const [model, op] = k.split('|');
        const without = p.calls.filter(
          (c) =>
            c.logged &&
            !c.guardrail &&
            !inRun.has(c) &&
            modelFamilyId(c.modelId) === model &&
            (c.operation ?? '') === op,
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
    const { calls } = await runtimeBaseline(ctx.db, ctx.shared, ctx.identityOf);
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

// ---- text analysis of every logged invocation ------------------------------------------------------

/** Excerpt of a prompt or response for reports: ≤ 500 characters, sensitive values masked, spans inside. */
export interface Excerpt {
  requestId: string | null;
  role: 'prompt' | 'response' | 'document' | 'system';
  text: string;
  spans: Array<{ start: number; end: number; category: string }>;
}

const EXCERPT_MAX = 500;

/**
 * Cut a window of at most 500 characters around the first span, mask every sensitive value in it
 * (same-length masking keeps the span offsets valid) and move the spans into the window.
 */
export function excerpt(
  requestId: string | null,
  role: Excerpt['role'],
  text: string,
  spans: Array<{ start: number; end: number; category: string; detail?: string }>,
): Excerpt {
  const sorted = [...spans].filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  let from = 0;
  if (text.length > EXCERPT_MAX && sorted.length && sorted[0].start > EXCERPT_MAX / 3)
    from = Math.max(0, Math.min(sorted[0].start - 120, text.length - EXCERPT_MAX));
  const to = Math.min(text.length, from + EXCERPT_MAX);
  // never cut a surrogate pair
  const a = from > 0 && /[\udc00-\udfff]/.test(text[from]) ? from + 1 : from;
  const b = to < text.length && /[\ud800-\udbff]/.test(text[to - 1]) ? to - 1 : to;
  let win = text.slice(a, b);
  // what is masked: validated sensitive values, internal codes of the system prompt, and the data
  // part of URLs (query strings carry encoded values that the validators do not see)
  const hide: Array<{ start: number; end: number; category: string }> = findSensitive(win).map((m) => ({
    start: m.start,
    end: m.end,
    category: `masked:${m.type}`,
  }));
  for (const sp of sorted)
    if (sp.detail === 'internal code' || sp.category.startsWith('secret')) {
      const st = Math.max(sp.start, a) - a;
      const en = Math.min(sp.end, b) - a;
      if (en > st) hide.push({ start: st, end: en, category: 'masked:internal_code' });
    }
  for (const m of win.matchAll(/\b(?:https?:\/\/|www\.)[^\s<>"'`)\]]*?[?#]([^\s<>"'`)\]]{8,})/gi)) {
    const st = (m.index ?? 0) + m[0].length - m[1].length;
    hide.push({ start: st, end: st + m[1].length, category: 'masked:url_data' });
  }
  const chars = [...win.split('')];
  for (const h of hide) {
    const masked = sameLengthMask(win.slice(h.start, h.end));
    for (let i = 0; i < masked.length; i++) chars[h.start + i] = masked[i];
  }
  win = chars.join('');
  const out: Excerpt['spans'] = [];
  for (const s of sorted) {
    const st = Math.max(s.start, a) - a;
    const en = Math.min(s.end, b) - a;
    if (en > st) out.push({ start: st, end: en, category: s.category });
  }
  out.push(...hide);
  out.sort((x, y) => x.start - y.start || x.end - y.end);
  return { requestId, role, text: win, spans: out.slice(0, 48) };
}

/** Replace letters and digits by `•`, keeping the first character, separators and the last two. */
export function sameLengthMask(v: string): string {
  let out = '';
  for (let i = 0; i < v.length; i++) {
    const ch = v[i];
    out += i === 0 || i >= v.length - 2 || !/[A-Za-z0-9]/.test(ch) ? ch : '•';
  }
  return out;
}

const ANONYMOUS = /^(?:anonymous|anon|guest|unknown|none|null|n\/a|-|0)$/i;

const REFUSAL =
  /^\W{0,5}(?:(?:i'?m |i am |we'?re )?sorry\b[^.!?\n]{0,40}?\b(?:i|we)\s+(?:can(?:no|')t|cannot|won'?t|am not able|am unable|'m not able|'m unable|are unable|are not able|do not|don't)\b|i (?:can(?:no|')t|cannot|won'?t|am (?:not able|unable)|'m (?:not able|unable))\b|unfortunately,? (?:i|we) (?:can(?:no|')t|cannot)|i'?m afraid (?:i|we) (?:can(?:no|')t|cannot)|(?:that|this) (?:is not something|isn't something) i|as an ai\b)/i;

/** A refusal anywhere in the first sentences ("I'm Ada, the support assistant - I can't share ..."). */
const REFUSAL_INNER =
  /\b(?:i|we) (?:can(?:no|')t|cannot|won'?t|am unable to|'m unable to|am not able to|'m not able to|am not allowed to|'m not allowed to|must decline to) (?:help|share|assist|provide|disclose|reveal|discuss|answer|comply|give|do that|fulfil|fulfill|talk about|comment)\b|\bi can only (?:help|answer|assist)\b/i;

/** Normalised form of a canned answer (the guardrail's blocked message, the app's refusal). */
export function cannedKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .slice(0, 160);
}

export function isRefusal(response: string, canned?: ReadonlySet<string>): boolean {
  const head = response.slice(0, 240);
  if (REFUSAL.test(head) || REFUSAL_INNER.test(head)) return true;
  if (!canned || canned.size === 0) return false;
  // the key is the first 160 characters of the normalised text, a streaming transformation: when
  // a prefix already gives more than 160, they are the whole text's (long answers cost no more)
  if (response.length > 200) {
    const k = cannedKey(response.slice(0, 200));
    if (k.length > 160) return canned.has(k.slice(0, 160));
  }
  return canned.has(cannedKey(response));
}

const COMPLIANCE =
  /^\W{0,5}(?:sure|of course|certainly|absolutely|okay|ok|yes|here (?:is|are|you go)|happy to|no problem|alright|done)\b/i;

/** Words of a prompt (for "the same question again"), without numbers and short words. */
function bag(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .replace(/[^a-z\s]/g, ' ')
      .split(/\s+/)
      .filter((w) => w.length > 3),
  );
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let n = 0;
  for (const x of a) if (b.has(x)) n++;
  return n / (a.size + b.size - n);
}

const DETECTED = /"detected"\s*:\s*true/;

/** Filters a guardrail trace says it detected without acting (its strength set to NONE or too low). */
export function detectedWithoutAction(assessments: unknown): string[] {
  let a = assessments;
  if (typeof a === 'string') {
    // most traces detect nothing: no need to parse them
    if (!DETECTED.test(a)) return [];
    try {
      a = JSON.parse(a);
    } catch {
      return [];
    }
  }
  const out = new Set<string>();
  const walk = (v: unknown, depth: number): void => {
    if (!v || typeof v !== 'object' || depth > 8) return;
    if (Array.isArray(v)) {
      for (const x of v) walk(x, depth + 1);
      return;
    }
    const o = v as Record<string, unknown>;
    if (typeof o.type === 'string' && o.detected === true && (o.action === 'NONE' || o.action === undefined))
      out.add(o.type);
    for (const x of Object.values(o)) walk(x, depth + 1);
  };
  walk(a, 0);
  return [...out];
}

/** Hosts a text names (URLs and bare domains), lower-case. */
export function hostsIn(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(
    /\b(?:https?:\/\/)?((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})\b/gi,
  )) {
    const h = m[1].toLowerCase();
    if (!/\.(?:json|txt|md|png|jpg|pdf|html?|csv)$/.test(h)) out.add(h);
  }
  return out;
}

export interface InvRecord {
  requestId: string | null;
  uid: string;
  time: string;
  identity: string;
  modelId: string | null;
  region: string | null;
  guardrailId: string | null;
  guardrailVersion: string | null;
  blocked: boolean;
  clientIp: string | null;
  conversation: string | null;
  customer: string | null;
  userText: string;
  responseText: string;
  toolText: string;
  attack: PromptAnalysis | null;
  doc: PromptAnalysis | null;
  hidden: string[];
  resp: ResponseAnalysis | null;
  refusal: boolean;
  guardDetected: string[];
  /** personal values in the response that the user did not type in this conversation */
  foreignPii: SensitiveMatch[];
  secrets: SensitiveMatch[];
  /** md5 of the call's system prompt when the application reuses it (a template), else '' */
  systemHash: string;
}

/** One system prompt an application principal used: its text (capped) and when. */
export interface PromptVersion {
  /** the principal (engine/principal-names.ts) */
  identity: string;
  /** the caller's ARN as logged (an assumed-role ARN names the role session: a function's name) */
  loggedIdentity: string;
  hash: string;
  text: string;
  calls: number;
  first: string;
  last: string;
}

export interface TextPass {
  /** records with any signal, in time order */
  flagged: InvRecord[];
  /** actor group of each request id that carries end-user identifiers, for the groups with a flagged record */
  actorOf: Map<string, string>;
  /** hosts the application names in its system prompts */
  appHosts: Set<string>;
  analysed: number;
  /** the guardrail's canned answers when it blocks */
  canned: Set<string>;
  /** sensitive values users sent in their prompts, per principal and type */
  promptSensitive: Map<string, Record<string, number>>;
  /** end users (actor groups) whose consumption through an application principal stands out */
  endUserAbuse: EndUserAbuse[];
  /** the system prompts each application principal reused, in order of first use */
  prompts: PromptVersion[];
  /**
   * System prompts (md5) whose own text the answers repeat to many end users who did not ask for it:
   * the application's instructions speaking, not a prompt extracted by its users
   */
  driven: Set<string>;
  /** calls whose user prompt carried a secret (time, principal, masked values) */
  promptSecrets: Array<{
    requestId: string | null;
    time: string;
    identity: string;
    masked: string[];
    clientIp: string | null;
  }>;
}

const TEXT_CAP = 6000;

/** Hidden instructions in a document: HTML comments, invisible styling, addressed to the assistant. */
export function hiddenInstructions(text: string): string[] {
  if (!text) return [];
  const out: string[] = [];
  const imperative =
    /\b(?:tell|inform|ask|instruct|direct|send|redirect|say|respond|reply|answer|present|do not mention|don't mention|never mention|ignore|always|must)\b/i;
  const addressed = /\b(?:assistant|ai|model|bot|agent|you)\b|\bcustomers?\b|\busers?\b/i;
  for (const m of text.matchAll(/<!--([\s\S]{0,4000}?)-->/g))
    if (imperative.test(m[1]) && addressed.test(m[1])) out.push('instruction in an HTML comment');
  for (const m of text.matchAll(
    /<(?:span|div|p|font)\b[^>]{0,300}?style\s*=\s*["'][^"']{0,300}?(?:display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*[01](?:\.\d+)?(?:px|pt|em)?\b|color\s*:\s*(?:#f{3}\b|#f{6}\b|white\b|rgba?\([^)]*,\s*0\)))[^>]{0,200}>([\s\S]{0,4000}?)<\/(?:span|div|p|font)>/gi,
  ))
    if (imperative.test(m[1]) && addressed.test(m[1]))
      out.push('instruction in invisible (hidden-style) text');
  for (const m of text.matchAll(
    /^\s{0,3}\[(?:\/\/|comment|hidden|note)\]:\s*#\s*[("'](.{0,2000})[)"']\s*$/gim,
  ))
    if (imperative.test(m[1]) && addressed.test(m[1])) out.push('instruction in a markdown comment');
  for (const m of text.matchAll(
    /<(?:div|span|p|section)\b[^>]{0,200}?\b(?:hidden|aria-hidden\s*=\s*["']true["'])[^>]{0,200}>([\s\S]{0,4000}?)<\//gi,
  ))
    if (imperative.test(m[1]) && addressed.test(m[1])) out.push('instruction in a hidden element');
  // instructions hidden in invisible Unicode (tag characters) or behind runs of zero-width characters
  if (/[\u{E0020}-\u{E007E}]{8,}/u.test(text)) out.push('text in invisible Unicode tag characters');
  if (
    /\b(?:note|message|instruction)s? (?:to|for) (?:the |any )?(?:ai|assistant|model|bot|agent|llm|language model)s?\b|\bif you are an? (?:ai|assistant|language model|llm|bot)\b|\b(?:ai|llm) (?:assistants?|agents?|models?) (?:reading|processing) this\b/i.test(
      text,
    )
  )
    out.push('instruction addressed to the assistant');
  if (
    /\b(?:do not|don't|never) (?:mention|reveal|disclose|show|quote) (?:this|these|the) (?:note|instruction|text|comment|message)s?\b/i.test(
      text,
    )
  )
    out.push('asks to conceal the instruction');
  // asking to keep something quiet is only a marker next to a hidden or addressed instruction
  return out.length === 1 && out[0] === 'asks to conceal the instruction' ? [] : [...new Set(out)];
}

const MEMO_MAX = 50_000;

/** A bounded memo: analyses of texts seen before are reused (cleared when full). */
function memo<T>(m: Map<string, T>, key: string, f: () => T): T {
  const hit = m.get(key);
  if (hit !== undefined) return hit;
  const v = f();
  if (m.size >= MEMO_MAX) m.clear();
  m.set(key, v);
  return v;
}

// ---- end users' consumption through an application ---------------------------------------------------

/** Stop reasons of an answer cut at the output limit (Converse / Anthropic, Llama / Mistral, Titan, Cohere). */
const CAPPED_STOP = /^(?:max_tokens|length|max_length|max_tokens_reached)$/i;

interface UnitAcc {
  calls: number;
  tokens: number;
  capped: number;
  /** ISO times (they order as text); null until the unit has a call with a time */
  first: string | null;
  last: string | null;
}

/** The earlier / later of two ISO times, either possibly missing. */
const earlier = (a: string | null, b: string | null): string | null =>
  a === null || (b !== null && b < a) ? b : a;
const later = (a: string | null, b: string | null): string | null =>
  a === null || (b !== null && b > a) ? b : a;

/** The principal of a text-pass identifier (`<principal>|ip:…`, `|conv:…`, `|cust:…`). */
const principalOfKey = (key: string): string => key.slice(0, key.indexOf('|'));

/**
 * Use per unit of an application's end users — a conversation, else a customer, else a client
 * address — filled by the text pass: calls, input + output tokens, answers cut at the output limit,
 * first and last time. O(1) per call and one small record per unit (the union-find of the text pass
 * already holds one entry per unit); units join into end users through the text pass's groups.
 */
export class UnitUsage {
  readonly units = new Map<string, UnitAcc>();
  add(unit: string, time: string | null, tokens: number, stop: string | null): void {
    let u = this.units.get(unit);
    if (!u) {
      u = { calls: 0, tokens: 0, capped: 0, first: time, last: time };
      this.units.set(unit, u);
    }
    u.calls++;
    u.tokens += tokens;
    if (stop && CAPPED_STOP.test(stop)) u.capped++;
    u.first = earlier(u.first, time);
    u.last = later(u.last, time);
  }
  clear(): void {
    this.units.clear();
  }
}

/** An end user (actor group) whose use of the models through an application principal stands out. */
export interface EndUserAbuse {
  identity: string;
  calls: number;
  tokens: number;
  /** answers cut at the output limit */
  capped: number;
  first: string;
  last: string;
  /** the principal's end users, calls and tokens (calls with end-user identifiers) */
  principalUsers: number;
  principalCalls: number;
  principalTokens: number;
  /** this end user's share of the principal's tokens */
  share: number;
  /** the principal's ordinary end users: median and 99th percentile of tokens per end user */
  medianTokens: number;
  p99Tokens: number;
  /** units (conversations, else customers, else addresses) of the end user, and those far above the principal's ordinary units */
  units: number;
  heavyUnits: number;
  /** share of the end user's tokens in those heavy units */
  heavyShare: number;
  /** 99th percentile of tokens per unit among the principal's ordinary end users */
  unitP99: number;
  conversations: number;
  customers: number;
  /** client addresses of the end user (every one, private included) */
  ips: string[];
  /** the end user's calls in time order, from its first (bounded) */
  requestIds: string[];
  /** calls left out of requestIds (over the bound, or in light units of a shared address) */
  omittedCalls: number;
}

/**
 * Thresholds of the end-user consumption test, per application principal. An end user is the text
 * pass's actor group (client address, conversation and customer ids joined); it is rated against the
 * other end users of the same principal:
 * - ≥ 20 other end users, so that a median and a 99th percentile mean something (a principal with a
 *   handful of users, a developer or a batch job, is not rated at all);
 * - tokens ≥ 20 × the 99th percentile of the ordinary end users (those at most 10 × the 90th
 *   percentile, so that several abusers do not raise the reference they are measured against): the
 *   heaviest ordinary customers of a chat application sit at 1.5-3 × its p99, never near 20 ×;
 * - an absolute floor of 100k tokens and 20 calls: 20 × the p99 of a principal whose users send a few
 *   short questions is small, and a few long documents are not a pattern;
 * - a material share of the principal's tokens: ≥ 10 %, or ≥ 2 % when the principal's outliers
 *   together make ≥ 10 % (several abusers splitting the work);
 * - concentrated use (the shared-address test): ≥ 50 % of the end user's tokens in units (its
 *   conversations, else customers, else addresses) each ≥ 5 × the 99th percentile of the ordinary
 *   users' units. A carrier-NAT or office address joins many customers' conversations into one group
 *   whose total can be large, but each conversation stays ordinary; one person's scripted, rotated
 *   conversations are each far above.
 */
export const END_USER_LIMITS = {
  minOtherUsers: 20,
  p99Factor: 20,
  fenceOverP90: 10,
  minTokens: 100_000,
  minCalls: 20,
  share: 0.1,
  shareWithOthers: 0.02,
  heavyUnitFactor: 5,
  heavyShare: 0.5,
  maxRequestIds: 1000,
} as const;

/** Nearest-rank quantile of ascending values. */
function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))];
}

interface GroupAcc {
  identity: string;
  root: string;
  calls: number;
  tokens: number;
  capped: number;
  first: string | null;
  last: string | null;
}

/**
 * Rates the end users of each principal (see END_USER_LIMITS) from the text pass's units and groups,
 * and collects the request ids of those that stand out from `links` (request id → unit, in time order).
 */
export function rateEndUsers(
  usage: UnitUsage,
  parent: Map<string, string>,
  find: (x: string) => string,
  links: Map<string, string>,
): EndUserAbuse[] {
  const L = END_USER_LIMITS;
  const groups = new Map<string, GroupAcc>();
  for (const [unit, u] of usage.units) {
    const root = find(unit);
    let g = groups.get(root);
    if (!g) {
      g = {
        identity: principalOfKey(unit),
        root,
        calls: 0,
        tokens: 0,
        capped: 0,
        first: u.first,
        last: u.last,
      };
      groups.set(root, g);
    }
    g.calls += u.calls;
    g.tokens += u.tokens;
    g.capped += u.capped;
    g.first = earlier(g.first, u.first);
    g.last = later(g.last, u.last);
  }
  const byPrincipal = new Map<string, GroupAcc[]>();
  for (const g of groups.values()) {
    const l = byPrincipal.get(g.identity) ?? [];
    l.push(g);
    byPrincipal.set(g.identity, l);
  }
  // group-level outliers per principal
  const candidates = new Map<
    string,
    {
      g: GroupAcc;
      stats: Omit<
        EndUserAbuse,
        | 'units'
        | 'heavyUnits'
        | 'heavyShare'
        | 'unitP99'
        | 'conversations'
        | 'customers'
        | 'ips'
        | 'requestIds'
        | 'omittedCalls'
      >;
    }
  >();
  for (const [identity, gs] of byPrincipal) {
    if (gs.length < L.minOtherUsers + 1) continue;
    let total = 0;
    let totalCalls = 0;
    for (const g of gs) {
      total += g.tokens;
      totalCalls += g.calls;
    }
    if (total <= 0) continue;
    const sorted = gs.map((g) => g.tokens).sort((a, b) => a - b);
    const fence = L.fenceOverP90 * quantile(sorted, 0.9);
    const ordinary = sorted.filter((t) => t <= fence);
    if (ordinary.length < L.minOtherUsers) continue;
    const p99 = quantile(ordinary, 0.99);
    const median = quantile(ordinary, 0.5);
    const out = gs.filter(
      (g) => g.tokens >= L.p99Factor * Math.max(1, p99) && g.tokens >= L.minTokens && g.calls >= L.minCalls,
    );
    const together = out.reduce((a, g) => a + g.tokens, 0) / total;
    for (const g of out) {
      const share = g.tokens / total;
      if (share < L.share && !(share >= L.shareWithOthers && together >= L.share)) continue;
      candidates.set(g.root, {
        g,
        stats: {
          identity,
          calls: g.calls,
          tokens: g.tokens,
          capped: g.capped,
          first: (g.first ?? '').replace('.000Z', 'Z'),
          last: (g.last ?? '').replace('.000Z', 'Z'),
          principalUsers: gs.length,
          principalCalls: totalCalls,
          principalTokens: total,
          share,
          medianTokens: median,
          p99Tokens: p99,
        },
      });
    }
  }
  if (!candidates.size) return [];
  // units of the ordinary end users of those principals: the reference for one conversation
  const principals = new Set([...candidates.values()].map((c) => c.g.identity));
  const unitTokens = new Map<string, number[]>();
  for (const [unit, u] of usage.units) {
    const identity = principalOfKey(unit);
    if (!principals.has(identity) || candidates.has(find(unit))) continue;
    const l = unitTokens.get(identity) ?? [];
    l.push(u.tokens);
    unitTokens.set(identity, l);
  }
  const unitP99 = new Map<string, number>();
  for (const [identity, l] of unitTokens)
    unitP99.set(
      identity,
      quantile(
        l.sort((a, b) => a - b),
        0.99,
      ),
    );
  const acc = new Map<
    string,
    { units: number; heavyUnits: number; heavyTokens: number; heavyCalls: number; heavy: Set<string> }
  >();
  for (const [unit, u] of usage.units) {
    const root = find(unit);
    if (!candidates.has(root)) continue;
    const a = acc.get(root) ?? { units: 0, heavyUnits: 0, heavyTokens: 0, heavyCalls: 0, heavy: new Set() };
    a.units++;
    if (u.tokens >= L.heavyUnitFactor * Math.max(1, unitP99.get(principalOfKey(unit)) ?? 0)) {
      a.heavyUnits++;
      a.heavyTokens += u.tokens;
      a.heavyCalls += u.calls;
      a.heavy.add(unit);
    }
    acc.set(root, a);
  }
  const kept = new Map<string, EndUserAbuse & { all: boolean; heavy: Set<string> }>();
  for (const [root, c] of candidates) {
    const a = acc.get(root);
    if (!a || a.heavyTokens < L.heavyShare * c.g.tokens) continue;
    kept.set(root, {
      ...c.stats,
      units: a.units,
      heavyUnits: a.heavyUnits,
      heavyShare: a.heavyTokens / c.g.tokens,
      unitP99: unitP99.get(c.g.identity) ?? 0,
      conversations: 0,
      customers: 0,
      ips: [],
      requestIds: [],
      omittedCalls: 0,
      // most of the end user's calls are in its heavy units: it is one actor, and its light units
      // (the first probing turns, short conversations) are its own; otherwise (an address shared
      // with ordinary customers) only the heavy units are cited
      all: a.heavyCalls >= 0.5 * c.g.calls,
      heavy: a.heavy,
    });
  }
  if (!kept.size) return [];
  for (const node of parent.keys()) {
    const k = kept.get(find(node));
    if (!k) continue;
    const i = node.indexOf('|');
    const kind = node.slice(i + 1, node.indexOf(':', i));
    if (kind === 'ip') k.ips.push(node.slice(node.indexOf(':', i) + 1));
    else if (kind === 'conv') k.conversations++;
    else if (kind === 'cust') k.customers++;
  }
  for (const [rid, unit] of links) {
    const k = kept.get(find(unit));
    if (!k) continue;
    if ((k.all || k.heavy.has(unit)) && k.requestIds.length < L.maxRequestIds) k.requestIds.push(rid);
    else k.omittedCalls++;
  }
  return [...kept.values()].map(({ all: _all, heavy: _heavy, ...rest }) => ({
    ...rest,
    ips: rest.ips.sort(),
  }));
}

/**
 * One pass over every logged invocation: prompt attacks in the user's turn and in documents/tool
 * results, the response against its system prompt (leaks, exfiltration URLs, phishing links, secrets,
 * personal data the user had not typed), guardrail detections without action. Shared by the
 * invocation and private-data detectors.
 */
export async function textPass(
  db: Queryable,
  shared: Map<string, unknown>,
  identityOf: IdentityOf,
): Promise<TextPass> {
  const key = 'data-plane:text-pass';
  const cached = shared.get(key) as Promise<TextPass> | undefined;
  if (cached) return cached;
  const p = (async (): Promise<TextPass> => {
    const appHosts = new Set<string>();
    for (const r of await db.all(
      `SELECT DISTINCT system_text FROM invocations WHERE system_text <> '' ORDER BY system_text LIMIT 500`,
    ))
      for (const h of hostsIn(String(r.system_text ?? ''))) appHosts.add(h);
    const allowedDomains = [...appHosts];
    // system prompts the application reuses (templates, read below): only those can leak to someone
    // else; a caller's own one-off system prompt (a role-play card, a script) is not a secret from them
    // the answers the guardrail gives when it blocks (its configured messages), read from the evidence
    const canned = new Set(
      (
        await db.all(
          `SELECT response_text AS r, count(*) AS n FROM invocations
           WHERE (guardrail_action = 'INTERVENED' OR stop_reason = 'guardrail_intervened') AND response_text <> ''
           GROUP BY 1 HAVING count(*) >= 2 ORDER BY n DESC, r LIMIT 20`,
        )
      ).map((r) => cannedKey(String(r.r))),
    );
    const promptMemo = new Map<string, PromptAnalysis>();
    const docMemo = new Map<string, PromptAnalysis>();
    const respMemo = new Map<string, ResponseAnalysis>();
    const sensitiveMemo = new Map<string, SensitiveMatch[]>();
    const flagged: InvRecord[] = [];
    const promptSensitive = new Map<string, Record<string, number>>();
    const promptSecrets: TextPass['promptSecrets'] = [];
    const parent = new Map<string, string>();
    const find = (x: string): string => {
      let r = x;
      while (parent.get(r) !== r && parent.has(r)) r = parent.get(r)!;
      parent.set(x, r);
      return r;
    };
    const union = (a: string, b: string): void => {
      if (!parent.has(a)) parent.set(a, a);
      if (!parent.has(b)) parent.set(b, b);
      const ra = find(a);
      const rb = find(b);
      if (ra !== rb) parent.set(ra, rb);
    };
    // each request's first end-user identifier (interned: a few per actor, not one per call)
    const links = new Map<string, string>();
    const intern = interner();
    const usage = new UnitUsage();
    let analysed = 0;
    // the reused system prompts, once (the only ones a leak is checked against), and per principal
    // (the versions an application used): one scan of the system texts for both
    const systemOf = new Map<string, string>();
    const promptGroups = await db.all(
      `SELECT * FROM (
         SELECT coalesce(identity_arn, principal_arn) AS who, min(principal_arn) AS session,
                md5(system_text) AS h, any_value(system_text) AS s, count(*) AS n,
                sum(count(*)) OVER (PARTITION BY md5(system_text)) AS total,
                ${isoSql('min(time)')} AS first, ${isoSql('max(time)')} AS last
         FROM invocations WHERE system_text <> '' GROUP BY 1, 3)
       WHERE total >= 5`,
    );
    for (const r of promptGroups) {
      if (!systemOf.has(String(r.h))) systemOf.set(String(r.h), String(r.s));
      r.s = null;
    }
    // read in time order a slice at a time: no copy of the texts, and never all of them in memory
    await eachByTime(
      db,
      'invocations',
      // one JSON text per row: the client library's conversion value by value cost more than
      // JSON.parse of the whole row, and the request metadata arrives parsed
      `to_json({'uid': uid, 'request_id': request_id, 't': ${isoSql('time')},
       'identity': coalesce(identity_arn, principal_arn), 'model_id': model_id, 'region': region,
       'guardrail_id': guardrail_id, 'guardrail_version': guardrail_version,
       'guardrail_action': guardrail_action, 'client_ip': client_ip,
       'meta': request_metadata, 'sh': md5(system_text),
       'prompt_text': prompt_text, 'last_user_text': last_user_text,
       'tool_result_text': tool_result_text, 'response_text': response_text,
       'ga': CASE WHEN regexp_matches(CAST(guardrail_assessments AS VARCHAR), ${sqlString(DETECTED.source)})
               THEN CAST(guardrail_assessments AS VARCHAR) END,
       'stop_reason': stop_reason, 'tok': coalesce(input_tokens, 0) + coalesce(output_tokens, 0)})::VARCHAR AS j`,
      'true',
      (rows) => {
        // the analysis of each text leaves garbage that V8 would let grow to ~0.7 GB at 10M events
        relieveHeap(128 * 2 ** 20);
        for (const row of rows) {
          const r = JSON.parse(String(row.j)) as Record<string, unknown>;
          analysed++;
          const identity = identityOf(str(r.identity)) ?? '?';
          const rid = str(r.request_id);
          const clientIp = str(r.client_ip);
          const conversation = metaValue(r.meta, META_KEYS.conversation);
          const cust = metaValue(r.meta, META_KEYS.customer);
          const customer = cust && !ANONYMOUS.test(cust) ? cust : null;
          const ids = [
            clientIp ? `ip:${clientIp}` : null,
            conversation ? `conv:${conversation}` : null,
            customer ? `cust:${customer}` : null,
          ]
            .filter((x): x is string => !!x)
            .map((x) => intern(`${identity}|${x}`) as string);
          if (ids.length) {
            for (let i = 1; i < ids.length; i++) union(ids[0], ids[i]);
            if (ids.length === 1 && !parent.has(ids[0])) parent.set(ids[0], ids[0]);
            // the call's unit of use: its conversation, else its customer, else its address
            const unit = conversation ? ids[clientIp ? 1 : 0] : ids[ids.length - 1];
            if (rid) links.set(rid, unit);
            usage.add(unit, str(r.t), Number(r.tok) || 0, str(r.stop_reason));
          }
          const user = String(r.last_user_text ?? '') || String(r.prompt_text ?? '').slice(-TEXT_CAP);
          const tool = String(r.tool_result_text ?? '');
          const response = String(r.response_text ?? '');
          const system = systemOf.get(String(r.sh)) ?? '';
          // application traffic repeats itself: the same prompt or answer is analysed once
          const attack = user ? memo(promptMemo, user, () => analyzePrompt(user, { kind: 'user' })) : null;
          const doc = tool ? memo(docMemo, tool, () => analyzePrompt(tool, { kind: 'document' })) : null;
          const hidden = tool ? hiddenInstructions(tool) : [];
          const sysForLeak = system || undefined;
          const resp = response
            ? memo(respMemo, `${sysForLeak ? String(r.sh) : ''}\0${response}`, () =>
                analyzeResponse(response, {
                  systemPrompt: sysForLeak,
                  allowedDomains: allowedDomains.length ? allowedDomains : undefined,
                }),
              )
            : null;
          const guardDetected = detectedWithoutAction(r.ga);
          const blocked =
            str(r.guardrail_action) === 'INTERVENED' || str(r.stop_reason) === 'guardrail_intervened';
          if (user) {
            const inPrompt = memo(sensitiveMemo, user, () => findSensitive(user));
            if (inPrompt.length) {
              const counts = promptSensitive.get(identity) ?? {};
              for (const m of inPrompt) counts[m.type] = (counts[m.type] ?? 0) + 1;
              promptSensitive.set(identity, counts);
              const sec = inPrompt.filter((m) => SECRET_TYPES.has(m.type));
              if (sec.length && promptSecrets.length < 5000)
                promptSecrets.push({
                  requestId: rid,
                  time: String(r.t),
                  identity,
                  masked: sec.map((m) => m.masked),
                  clientIp,
                });
            }
          }
          // what the caller typed (prompt and tool results), built only for answers with matches
          const sensitive = resp?.sensitive ?? [];
          const typed = sensitive.length ? `${String(r.prompt_text ?? '')}\n${tool}`.toLowerCase() : '';
          const typedDigits = sensitive.length ? typed.replace(/\D/g, '') : '';
          const foreignPii: SensitiveMatch[] = [];
          const secrets: SensitiveMatch[] = [];
          for (const s of sensitive) {
            const v = response.slice(s.start, s.end);
            const echoed =
              s.type === 'phone' || s.type === 'credit_card'
                ? v.replace(/\D/g, '').length >= 7 && typedDigits.includes(v.replace(/\D/g, ''))
                : typed.includes(v.toLowerCase());
            if (echoed) continue;
            if (SECRET_TYPES.has(s.type)) secrets.push(s);
            else if (s.type !== 'ipv4') foreignPii.push(s);
          }
          const respSignal = !!resp && resp.categories.some((c) => c !== 'pii' && c !== 'external_link');
          const signal =
            attack?.verdict === 'attack' ||
            doc?.verdict === 'attack' ||
            hidden.length > 0 ||
            respSignal ||
            guardDetected.length > 0 ||
            blocked ||
            foreignPii.length > 0 ||
            secrets.length > 0 ||
            (resp?.categories.includes('external_link') ?? false) ||
            /https?:\/\/|www\./i.test(response);
          if (!signal) continue;
          const refusal = isRefusal(response, canned);
          flagged.push({
            requestId: rid,
            uid: String(r.uid),
            time: String(r.t),
            identity,
            modelId: str(r.model_id),
            region: str(r.region),
            guardrailId: str(r.guardrail_id),
            guardrailVersion: str(r.guardrail_version),
            blocked,
            clientIp,
            conversation,
            customer,
            userText: user.slice(0, TEXT_CAP),
            responseText: response.slice(0, TEXT_CAP),
            toolText: tool.slice(0, TEXT_CAP),
            attack,
            doc,
            hidden,
            resp,
            refusal,
            guardDetected,
            foreignPii,
            secrets,
            systemHash: system ? String(r.sh) : '',
          });
        }
      },
    );
    const actorOf = new Map<string, string>();
    // kept only for actors with a flagged call: every reader starts from a flagged call (at 10M
    // events, the map of every call was ~0.2 GB held through the data plane)
    const wanted = new Set<string>();
    for (const rec of flagged) {
      const id = rec.requestId ? links.get(rec.requestId) : undefined;
      if (id) wanted.add(find(id));
    }
    for (const [rid, id] of links) {
      const g = find(id);
      if (wanted.has(g)) actorOf.set(rid, g);
    }
    const endUserAbuse = rateEndUsers(usage, parent, find, links);
    usage.clear();
    links.clear();
    const prompts: PromptVersion[] = [];
    const byFirst = (a: Record<string, unknown>, b: Record<string, unknown>) => {
      for (const k of ['first', 'h', 'who'] as const) {
        const x = String(a[k]);
        const y = String(b[k]);
        if (x !== y) return x < y ? -1 : 1;
      }
      return 0;
    };
    for (const r of promptGroups
      .filter((g) => g.who !== null && g.who !== undefined && Number(g.n) >= PROMPT_VERSION_MIN_CALLS)
      .sort(byFirst)
      .slice(0, PROMPT_VERSIONS_MAX)) {
      const text = systemOf.get(String(r.h));
      if (text === undefined) continue;
      prompts.push({
        identity: identityOf(str(r.who)) ?? String(r.who),
        loggedIdentity: str(r.session) ?? String(r.who),
        hash: String(r.h),
        text: text.slice(0, PROMPT_TEXT_MAX),
        calls: Number(r.n),
        first: String(r.first),
        last: String(r.last),
      });
    }
    const driven = promptDriven(flagged, actorOf, prompts);
    return {
      flagged,
      actorOf,
      appHosts,
      analysed,
      canned,
      promptSensitive,
      promptSecrets,
      endUserAbuse,
      prompts,
      driven,
    };
  })();
  shared.set(key, p);
  return p;
}

/** Calls a system prompt needs before it counts as one the application uses. */
const PROMPT_VERSION_MIN_CALLS = 5;
const PROMPT_VERSIONS_MAX = 2000;
const PROMPT_TEXT_MAX = 8000;
/** End users (actor groups) and share of the prompt's calls whose answers repeat its text. */
const DRIVEN = { minUnits: 3, minShare: 0.2 };

/**
 * System prompts whose text the answers repeat to end users who did not attack: at least
 * `DRIVEN.minUnits` different end users (conversation, customer or address groups) and
 * `DRIVEN.minShare` of the prompt's calls. Prompt extraction is one actor's (or a few actors')
 * doing and a small part of an application's traffic; an answer that quotes its instructions to
 * everyone is the instructions at work (a prompt that tells the assistant what to say, or one
 * someone changed), which the prompt-change detector reports once.
 */
function promptDriven(
  flagged: InvRecord[],
  actorOf: Map<string, string>,
  prompts: PromptVersion[],
  L = DRIVEN,
): Set<string> {
  const calls = new Map<string, number>();
  for (const p of prompts) calls.set(p.hash, (calls.get(p.hash) ?? 0) + p.calls);
  const units = new Map<string, Set<string>>();
  const leaks = new Map<string, number>();
  for (const r of flagged) {
    if (!r.systemHash || !r.resp?.categories.includes('system_prompt_leak')) continue;
    if (r.attack?.verdict === 'attack' || r.doc?.verdict === 'attack' || r.hidden.length) continue;
    const u =
      (r.requestId && actorOf.get(r.requestId)) || r.conversation || r.customer || r.clientIp || r.uid;
    const set = units.get(r.systemHash) ?? new Set<string>();
    set.add(u);
    units.set(r.systemHash, set);
    leaks.set(r.systemHash, (leaks.get(r.systemHash) ?? 0) + 1);
  }
  const out = new Set<string>();
  for (const [h, set] of units) {
    const n = calls.get(h) ?? 0;
    if (set.size >= L.minUnits && n > 0 && (leaks.get(h) ?? 0) / n >= L.minShare) out.add(h);
  }
  return out;
}

// ---- prompt attacks per actor, and which got through ---------------------------------------------------

type Outcome = 'blocked' | 'refused' | 'complied' | 'answered';

interface Judged {
  rec: InvRecord;
  outcome: Outcome;
  /** why it counts as complied */
  how: string[];
  /** an attack by the prompt, or a leak in the response */
  attackLike: boolean;
}

function judge(rec: InvRecord, driven?: ReadonlySet<string>): Judged {
  const how: string[] = [];
  const cats = new Set(rec.resp?.categories ?? []);
  // an answer repeating instructions that speak to every user is not a leak this user caused
  const drivenLeak = !!driven?.has(rec.systemHash) && rec.attack?.verdict !== 'attack';
  if (cats.has('system_prompt_leak') && !drivenLeak) how.push('system prompt leaked');
  if (cats.has('data_exfiltration_url')) how.push('data carried in an image or link URL');
  if (rec.secrets.length) how.push('secret in the answer');
  const distinctForeign = new Set(
    rec.foreignPii.map((s) => rec.responseText.slice(s.start, s.end).toLowerCase()),
  ).size;
  if (distinctForeign >= 3) how.push(`${distinctForeign} personal values the user had not given`);
  const attack = rec.attack?.verdict === 'attack';
  if (!rec.blocked && !rec.refusal && rec.guardDetected.length && (attack || how.length))
    how.push(`guardrail detected ${rec.guardDetected.join(', ')} but did not act`);
  if (!rec.blocked && !rec.refusal && attack && COMPLIANCE.test(rec.responseText.slice(0, 80)))
    how.push('answer complies with the injected instruction');
  let outcome: Outcome;
  if (rec.blocked) outcome = 'blocked';
  else if (how.length) outcome = 'complied';
  else if (rec.refusal) outcome = 'refused';
  else outcome = 'answered';
  return { rec, outcome, how, attackLike: attack || how.length > 0 };
}

export const promptAttackDetector: Detector = {
  id: 'data-plane.prompt-attack',
  title: 'Prompt attacks per actor (end-user address, conversation or customer) and whether they got through',
  elements: ['invocation'],
  async run(ctx) {
    const pass = await textPass(ctx.db, ctx.shared, ctx.identityOf);
    // group by actor; calls without end-user identifiers group per principal
    const groups = new Map<string, Judged[]>();
    for (const rec of pass.flagged) {
      const j = judge(rec, pass.driven);
      const g = (rec.requestId && pass.actorOf.get(rec.requestId)) || `${rec.identity}|unattributed`;
      const l = groups.get(g) ?? [];
      l.push(j);
      groups.set(g, l);
    }
    // members of each actor group (every logged call carrying the same end-user identifiers)
    const groupIds = new Map<string, string[]>();
    for (const [rid, g] of pass.actorOf) {
      const l = groupIds.get(g) ?? [];
      l.push(rid);
      groupIds.set(g, l);
    }
    const out: Finding[] = [];
    for (const [g, js] of groups) {
      const attributed = !g.endsWith('|unattributed');
      // a prompt the guardrail or model used to refuse, asked again and answered
      // (blocked by a guardrail: the same guardrail letting it through later says the guardrail changed)
      const refusedBags = js
        .filter((j) => j.outcome === 'blocked' && j.rec.guardrailId)
        .map((j) => ({ t: j.rec.time, b: bag(j.rec.userText), g: j.rec.guardrailId }))
        .filter((r) => r.b.size >= 4);
      if (attributed && refusedBags.length) {
        const known = new Set(js.map((j) => j.rec.requestId));
        const others = (groupIds.get(g) ?? []).filter((rid) => !known.has(rid));
        for (const rec of await lightRecords(ctx.db, others, pass.canned, ctx.identityOf)) {
          const j: Judged = {
            rec,
            outcome: rec.blocked ? 'blocked' : rec.refusal ? 'refused' : 'answered',
            how: [],
            attackLike: false,
          };
          js.push(j);
        }
        js.sort((a, b) => a.rec.time.localeCompare(b.rec.time));
      }
      for (const j of js) {
        if (j.outcome !== 'answered' || !attributed) continue;
        const b = bag(j.rec.userText);
        if (
          b.size >= 4 &&
          j.rec.guardrailId &&
          refusedBags.some((r) => r.t < j.rec.time && r.g === j.rec.guardrailId && jaccard(r.b, b) >= 0.6)
        ) {
          j.outcome = 'complied';
          j.how.push('the guardrail let through a request it had blocked from this actor before');
          j.attackLike = true;
        }
      }
      const attacks = js.filter((j) => j.attackLike);
      if (!attacks.length) continue;
      const complied = js.filter((j) => j.outcome === 'complied');
      // the actor's other refused or blocked attempts belong to the same campaign when it is attributed
      const members = js.filter(
        (j) =>
          j.attackLike ||
          (attributed && complied.length > 0 && (j.outcome === 'blocked' || j.outcome === 'refused')) ||
          (!attributed &&
            (j.rec.attack?.score ?? 0) >= 0.3 &&
            (j.outcome === 'blocked' || j.outcome === 'refused')),
      );
      // a leak (prompt, data, secret) is proof; a guardrail that saw the attack and did not act, or let
      // through what it blocked before, is strong; an answer that merely starts compliantly is not
      const leak = (h: string) => /leaked|URL|secret|personal values/.test(h);
      const strong = complied.some((j) => j.how.some(leak));
      const medium = complied.some((j) => j.how.some((h) => h.startsWith('guardrail')));
      let severity: Severity;
      if (strong) severity = 'high';
      else if (medium) severity = 'medium';
      else if (complied.length) severity = 'low';
      else severity = members.filter((j) => j.attackLike).length >= 3 ? 'low' : 'informational';
      const recs = members.map((j) => j.rec);
      const ips = [...new Set(recs.map((r) => r.clientIp).filter(isAddress))];
      const principals = [...new Set(recs.map((r) => r.identity))];
      const categories = [...new Set(members.flatMap((j) => j.rec.attack?.categories ?? []))];
      const outcomes: Record<string, number> = {};
      for (const j of members) outcomes[j.outcome] = (outcomes[j.outcome] ?? 0) + 1;
      const severe = severity === 'high' || severity === 'medium';
      const retrieve = severe
        ? await retrievalsAt(
            ctx.db,
            // the knowledge base matters where data (not the system prompt) came out
            complied
              .filter((j) => j.how.some((h) => /personal|URL|secret/.test(h)))
              .map((j) => j.rec),
          )
        : { eventIds: [], kbs: [] };
      const gd = severe
        ? await promptGuardDuty(
            ctx.db,
            principals,
            recs.map((r) => r.time),
          )
        : [];
      const excerpts: Json[] = [];
      for (const j of [...complied, ...members.filter((m) => m.outcome !== 'complied')].slice(0, 6)) {
        const r = j.rec;
        excerpts.push(excerpt(r.requestId, 'prompt', r.userText, r.attack?.spans ?? []) as unknown as Json);
        if (j.outcome === 'complied')
          excerpts.push(
            excerpt(
              r.requestId,
              'response',
              r.responseText,
              (r.resp?.spans ?? [])
                .filter((s) => s.category !== 'pii')
                .map((s) => ({ start: s.start, end: s.end, category: s.category, detail: s.detail })),
            ) as unknown as Json,
          );
      }
      const who = attributed ? g.split('|').slice(1).join('|') : 'callers without end-user identifiers';
      const attack = ['AML.T0051'];
      if (categories.includes('jailbreak')) attack.push('AML.T0054');
      if (complied.some((j) => j.how.some((h) => /leak|personal|secret|URL/.test(h))))
        attack.push('AML.T0057');
      out.push(
        makeFinding({
          ruleId: 'data-plane.prompt-attack',
          title: complied.length
            ? `Prompt attacks got through: ${complied.length} of ${members.length} attempt(s) by ${who} (${[...new Set(complied.flatMap((j) => j.how))].slice(0, 3).join('; ')})`
            : `Prompt attacks by ${who}: ${members.length} attempt(s), none got through`,
          description: `${members.length} prompt(s) from ${principals.map(shortName).join(', ')}; outcomes: ${Object.entries(
            outcomes,
          )
            .map(([k, v]) => `${v} ${k}`)
            .join(
              ', ',
            )}. Techniques: ${categories.join(', ') || 'not named by the prompt analyser (seen in the answers)'}.`,
          severity,
          elements: ['invocation'],
          components: [
            'foundation-models',
            ...(recs.some((r) => r.guardrailId) ? (['guardrails'] as const) : []),
            ...(retrieve.kbs.length ? (['knowledge-bases'] as const) : []),
          ],
          times: recs.map((r) => r.time),
          principals,
          sourceIps: ips,
          resources: severe ? retrieve.kbs : [],
          attack,
          evidence: {
            requestIds: (!attributed && severe ? tiedTo(complied, members) : members).map(
              (j) => j.rec.requestId,
            ),
            eventIds: retrieve.eventIds,
            findingIds: gd,
          },
          details: {
            actor: who,
            outcomes,
            categories,
            gotThrough: complied.map((j) => ({
              requestId: j.rec.requestId,
              time: j.rec.time,
              how: j.how,
            })) as Json,
            models: [...new Set(recs.map((r) => r.modelId).filter((x): x is string => !!x))],
            guardrails: [
              ...new Set(
                recs
                  .map((r) => (r.guardrailId ? `${r.guardrailId}:${r.guardrailVersion ?? ''}` : null))
                  .filter((x): x is string => !!x),
              ),
            ],
            excerpts,
          },
        }),
      );
    }
    return out;
  },
};

/** Attack categories of any override or role-play phrase: on their own they tie no attempt to a campaign. */
const GENERIC_CATEGORIES = new Set(['direct_injection', 'indirect_injection', 'jailbreak']);
const HOSTS = /https?:\/\/([a-z0-9.-]+\.[a-z]{2,})/gi;

/**
 * Of a campaign by callers without end-user identifiers (anyone's calls, grouped by principal),
 * the attempts cited at medium and above: those that got through, those naming a host one of them
 * named, and those using a technique beyond a generic override or role-play phrase (prompt
 * extraction, hidden characters, encoding, exfiltration...). An unrelated caller that merely
 * quotes an attack phrase is not made part of the incident.
 */
function tiedTo(complied: Judged[], members: Judged[]): Judged[] {
  const hostsOf = (j: Judged): string[] =>
    [...`${j.rec.userText ?? ''}\n${j.rec.responseText ?? ''}`.matchAll(HOSTS)].map((m) =>
      m[1].toLowerCase(),
    );
  const hosts = new Set(complied.flatMap(hostsOf));
  return members.filter(
    (j) =>
      j.outcome === 'complied' ||
      hostsOf(j).some((h) => hosts.has(h)) ||
      (j.rec.attack?.categories ?? []).some((c) => !GENERIC_CATEGORIES.has(c)),
  );
}

/** Minimal records (prompt, answer, guardrail outcome) of the given calls. */
async function lightRecords(
  db: Queryable,
  requestIds: string[],
  canned: ReadonlySet<string>,
  identityOf: IdentityOf,
): Promise<InvRecord[]> {
  const out: InvRecord[] = [];
  for (let i = 0; i < requestIds.length && i < 20000; i += 1000) {
    const chunk = requestIds.slice(i, i + 1000);
    const rows = await db.all(
      `SELECT uid, request_id, ${isoSql('time')} AS t, coalesce(identity_arn, principal_arn) AS identity, model_id, region,
              guardrail_id, guardrail_version, guardrail_action, stop_reason, client_ip,
              substr(last_user_text, 1, ${TEXT_CAP}) AS u, substr(response_text, 1, ${TEXT_CAP}) AS r
       FROM invocations WHERE request_id IN (${chunk.map(sqlString).join(',')})`,
    );
    for (const r of rows) {
      const response = String(r.r ?? '');
      out.push({
        requestId: str(r.request_id),
        uid: String(r.uid),
        time: String(r.t),
        identity: identityOf(str(r.identity)) ?? '?',
        modelId: str(r.model_id),
        region: str(r.region),
        guardrailId: str(r.guardrail_id),
        guardrailVersion: str(r.guardrail_version),
        blocked: str(r.guardrail_action) === 'INTERVENED' || str(r.stop_reason) === 'guardrail_intervened',
        clientIp: str(r.client_ip),
        conversation: null,
        customer: null,
        userText: String(r.u ?? ''),
        responseText: response,
        toolText: '',
        attack: null,
        doc: null,
        hidden: [],
        resp: null,
        refusal: isRefusal(response, canned),
        guardDetected: [],
        foreignPii: [],
        secrets: [],
        systemHash: '',
      });
    }
  }
  return out;
}

/** Knowledge-base retrievals the application made for the given calls (same principal, seconds before). */
async function retrievalsAt(
  db: Queryable,
  recs: InvRecord[],
): Promise<{ eventIds: string[]; kbs: string[] }> {
  if (!recs.length) return { eventIds: [], kbs: [] };
  const eventIds = new Set<string>();
  const kbs = new Set<string>();
  for (const r of recs.slice(0, 200)) {
    const rows = await db.all(
      `SELECT event_id, json_extract_string(request_parameters, '$.knowledgeBaseId') AS kb FROM events
       WHERE action IN ('Retrieve', 'RetrieveAndGenerate') AND identity_arn = $1
         AND time BETWEEN CAST($2 AS TIMESTAMP) - INTERVAL 5 SECOND AND CAST($2 AS TIMESTAMP) + INTERVAL 1 SECOND
       ORDER BY time > CAST($2 AS TIMESTAMP), abs(epoch(time) - epoch(CAST($2 AS TIMESTAMP))) LIMIT 1`,
      [r.identity, sqlTime(r.time)],
    );
    for (const x of rows) {
      if (x.event_id) eventIds.add(String(x.event_id));
      if (x.kb) kbs.add(String(x.kb));
    }
  }
  return { eventIds: [...eventIds], kbs: [...kbs] };
}

/** GuardDuty prompt-injection findings about the application principals around the attacks. */
async function promptGuardDuty(db: Queryable, principals: string[], times: string[]): Promise<string[]> {
  if (!principals.length || !times.length) return [];
  const sorted = [...times].sort();
  const names = principals.map((p) => p.split('/').pop() ?? p);
  const rows = await db.all(
    `SELECT finding_id FROM ext_findings
     WHERE user_name IN (${names.map(sqlString).join(',')})
       AND (type ILIKE '%PromptInjection%' OR type ILIKE '%Jailbreak%' OR type ILIKE '%ModelInvocation%' OR type ILIKE '%Bedrock%')
       AND coalesce(archived, false) = false
       AND coalesce(first_seen, created_at) <= CAST($2 AS TIMESTAMP) + INTERVAL 6 HOUR
       AND coalesce(last_seen, updated_at, created_at) >= CAST($1 AS TIMESTAMP) - INTERVAL 1 HOUR`,
    [sqlTime(sorted[0]), sqlTime(sorted[sorted.length - 1])],
  );
  return rows.map((r) => String(r.finding_id));
}

// ---- answers that send users to addresses the application never used ------------------------------------

const URL_IN_TEXT = /\b(?:https?:\/\/|www\.)[^\s<>"'`)\]]{2,2048}/gi;
const LURE_VERB =
  /\b(?:verify|confirm|update|validate|re-?enter|enter|log ?in|sign ?in|reset|unlock|claim|reactivate|provide|submit|type|input)\b/i;
const LURE_NOUN =
  /\b(?:card|account|password|credentials|payment|billing|ssn|social security|identity|bank|login|details|cvv|pin|otp|code)\b/i;

/** URLs of a response with their host and whether the text around them asks for credentials or payment. */
export function responseUrls(
  text: string,
): Array<{ url: string; host: string; start: number; end: number; lure: boolean }> {
  const out: Array<{ url: string; host: string; start: number; end: number; lure: boolean }> = [];
  URL_IN_TEXT.lastIndex = 0;
  for (let m = URL_IN_TEXT.exec(text); m !== null; m = URL_IN_TEXT.exec(text)) {
    const url = m[0].replace(/[.,;:!?]+$/, '');
    let host: string | null = null;
    try {
      host = new URL(/^www\./i.test(url) ? `http://${url}` : url).hostname.toLowerCase();
    } catch {
      host = null;
    }
    if (!host) continue;
    const around = `${text.slice(Math.max(0, m.index - 200), m.index)} ${text.slice(m.index + url.length, m.index + url.length + 200)}`;
    out.push({
      url,
      host,
      start: m.index,
      end: m.index + url.length,
      lure: LURE_VERB.test(around) && LURE_NOUN.test(around),
    });
  }
  return out;
}

const sameSite = (host: string, known: Set<string>): boolean =>
  [...known].some((k) => host === k || host.endsWith(`.${k}`) || k.endsWith(`.${host}`));

export const responseSteeringDetector: Detector = {
  id: 'data-plane.response-steering',
  title: 'Answers that send users to outside addresses (phishing, "verify your card", fake portals)',
  elements: ['invocation'],
  async run(ctx) {
    const pass = await textPass(ctx.db, ctx.shared, ctx.identityOf);
    const win = await evidenceHours(ctx.db);
    // the application's own domains: named in its system prompts, or the domain of a contact address
    // it gives to many different users (support@, security@ ...)
    const own = new Set(pass.appHosts);
    const mailActors = new Map<string, Set<string>>();
    for (const r of pass.flagged)
      for (const m of r.resp?.sensitive ?? []) {
        if (m.type !== 'email') continue;
        const domain = r.responseText.slice(m.start, m.end).split('@')[1]?.toLowerCase();
        if (!domain) continue;
        const set = mailActors.get(domain) ?? new Set<string>();
        set.add((r.requestId && pass.actorOf.get(r.requestId)) || r.uid);
        mailActors.set(domain, set);
      }
    for (const [d, actors] of mailActors) if (actors.size >= 3 && !FREEMAIL.test(d)) own.add(d);
    const byHost = new Map<
      string,
      Array<{ rec: InvRecord; lure: boolean; spans: Array<{ start: number; end: number; category: string }> }>
    >();
    for (const rec of pass.flagged) {
      if (!/https?:\/\/|www\./i.test(rec.responseText)) continue;
      const typedHosts = hostsIn(`${rec.userText}\n${rec.toolText}`);
      const urls = responseUrls(rec.responseText);
      for (const host of new Set(urls.map((u) => u.host))) {
        if (typedHosts.has(host) || sameSite(host, own)) continue;
        const mine = urls.filter((u) => u.host === host);
        // data carried in image / link URLs is reported by the private-data detectors
        if ((rec.resp?.spans ?? []).some((s) => s.category === 'data_exfiltration_url' && s.detail === host))
          continue;
        const l = byHost.get(host) ?? [];
        l.push({
          rec,
          lure: mine.some((u) => u.lure),
          spans: mine.map((u) => ({
            start: u.start,
            end: u.end,
            category: u.lure ? 'phishing_link' : 'external_link',
          })),
        });
        byHost.set(host, l);
      }
    }
    const out: Finding[] = [];
    for (const [host, hits] of byHost) {
      // a host the application has linked to since the start of the evidence, hour after hour, is its own
      const hours = new Set(hits.map((h) => hourOf(h.rec.time)));
      const first = Math.min(...hits.map((h) => hourOf(h.rec.time)));
      const established = win
        ? hours.size >= 6 && first - win.first <= 0.25 * (win.last - win.first + 1)
        : false;
      const conversations = new Set(hits.map((h) => h.rec.conversation ?? h.rec.clientIp ?? h.rec.requestId));
      const lures = hits.filter((h) => h.lure);
      let severity: Severity;
      if (established) severity = 'informational';
      else if (lures.length >= 2 && conversations.size >= 2) severity = 'high';
      else if (lures.length >= 1 || (hits.length >= 5 && conversations.size >= 3)) severity = 'medium';
      else severity = 'low';
      const recs = hits.map((h) => h.rec);
      const models = [...new Set(recs.map((r) => r.modelId).filter((x): x is string => !!x))];
      const principals = [...new Set(recs.map((r) => r.identity))];
      const sorted = [...recs].sort((a, b) => a.time.localeCompare(b.time));
      out.push(
        makeFinding({
          ruleId: 'data-plane.response-steering',
          title: `${recs.length} answer(s) in ${conversations.size} conversation(s) send users to ${host}${lures.length ? ', asking for card, account or identity details' : ''}`,
          description: `${host} is not named in the application's system prompts${pass.appHosts.size ? ` (${[...pass.appHosts].slice(0, 5).join(', ')})` : ''} and the users did not mention it${established ? '; the application has linked to it since the start of the evidence' : ''}. First answer ${sorted[0].time}, last ${sorted[sorted.length - 1].time}; models ${models.join(', ')}. Poisoned retrieval content, a tampered model or an injected instruction makes an assistant phish its own customers.`,
          severity,
          elements: ['invocation'],
          components: models.some((m) => isCustomModelId(m)) ? ['custom-models'] : ['foundation-models'],
          times: recs.map((r) => r.time),
          principals,
          resources: severity === 'informational' ? [] : [host, ...models.filter((m) => isCustomModelId(m))],
          attack: ['AML.T0051', 'T1566.002'],
          evidence: { requestIds: recs.map((r) => r.requestId) },
          details: {
            host,
            answers: recs.length,
            conversations: conversations.size,
            asksForDetails: lures.length,
            established,
            models,
            excerpts: hits
              .slice(0, 3)
              .map((h) =>
                excerpt(h.rec.requestId, 'response', h.rec.responseText, h.spans),
              ) as unknown as Json,
          },
        }),
      );
    }
    return out;
  },
};

// ---- guardrail versions that weakened filters ------------------------------------------------------------

const STRENGTH: Record<string, number> = { NONE: 0, LOW: 1, MEDIUM: 2, HIGH: 3 };

export const guardrailWeakenedDetector: Detector = {
  id: 'data-plane.guardrail-weakened',
  title: 'A guardrail version in use with weaker content filters than the version before it',
  elements: ['invocation'],
  async run(ctx) {
    const rows = await ctx.db.all(
      `WITH f AS (
         SELECT guardrail_id AS g, guardrail_version AS v, time,
                unnest(CAST(json_extract(guardrail_assessments, '$.inputAssessment.*.contentPolicy.filters[*]') AS JSON[])) AS x
         FROM invocations WHERE guardrail_assessments IS NOT NULL AND guardrail_id IS NOT NULL)
       SELECT g, v, ${isoSql('min(time)')} AS first, json_extract_string(x, '$.type') AS type,
              mode(json_extract_string(x, '$.filterStrength')) AS strength, count(*) AS n
       FROM f GROUP BY g, v, type ORDER BY g, first`,
    );
    const byG = new Map<string, Map<string, { first: string; filters: Map<string, string> }>>();
    for (const r of rows) {
      const g = String(r.g);
      const v = String(r.v ?? '');
      const m = byG.get(g) ?? new Map();
      const e = m.get(v) ?? { first: String(r.first), filters: new Map<string, string>() };
      if (String(r.first) < e.first) e.first = String(r.first);
      if (r.type) e.filters.set(String(r.type), String(r.strength ?? ''));
      m.set(v, e);
      byG.set(g, m);
    }
    const pass = await textPass(ctx.db, ctx.shared, ctx.identityOf);
    const out: Finding[] = [];
    for (const [g, versions] of byG) {
      const ordered = [...versions.entries()].sort((a, b) => a[1].first.localeCompare(b[1].first));
      for (let i = 1; i < ordered.length; i++) {
        const [pv, prev] = ordered[i - 1];
        const [v, cur] = ordered[i];
        const weaker: string[] = [];
        let off = false;
        for (const [t, s] of prev.filters) {
          const now = cur.filters.get(t);
          if (now === undefined) continue;
          if ((STRENGTH[now] ?? 0) < (STRENGTH[s] ?? 0)) {
            weaker.push(`${t} ${s}→${now}`);
            if (now === 'NONE') off = true;
          }
        }
        if (!weaker.length) continue;
        // calls on the weakened version where a lowered filter saw something and let it through
        const lowered = new Set(weaker.map((w) => w.split(' ')[0]));
        const passed = pass.flagged.filter(
          (r) =>
            r.guardrailId === g &&
            (r.guardrailVersion ?? '') === v &&
            r.guardDetected.some((t) => lowered.has(t)) &&
            !r.blocked &&
            !r.refusal &&
            (r.attack?.verdict === 'attack' ||
              judge(r, pass.driven).how.some((h) => !h.startsWith('guardrail detected'))),
        );
        const severity: Severity = off && passed.length ? 'high' : off ? 'medium' : 'low';
        // the configuration change that moved the application to this version (a parameter naming the
        // guardrail version it read after the write, an update of its function)
        const firstCall = await ctx.db.all(
          `SELECT coalesce(identity_arn, principal_arn) AS who, principal_arn AS session FROM invocations
           WHERE guardrail_id = $1 AND guardrail_version = $2 ORDER BY time, request_id LIMIT 1`,
          [g, v],
        );
        const who = firstCall.length
          ? (ctx.identityOf(str(firstCall[0].who)) ?? str(firstCall[0].who))
          : null;
        const { changes } = who
          ? await changesBefore(ctx.db, who, str(firstCall[0].session) ?? who, cur.first)
          : { changes: [] };
        out.push(
          makeFinding({
            ruleId: 'data-plane.guardrail-weakened',
            title: `Guardrail ${g} version ${v} runs with weaker filters than version ${pv}: ${weaker.join(', ')}`,
            description: `The guardrail traces in the invocation logs show the filter strengths the application ran with. Version ${v}, in use from ${cur.first}, lowered ${weaker.join(', ')}.${passed.length ? ` ${passed.length} call(s) on it carried content those filters detected but no longer blocked.` : ''}${changes.length ? ` The application was moved to it by ${changes.map((c) => `${c.action} ${c.resource} at ${c.time}`).join(', ')}.` : ''}`,
            severity,
            elements: ['invocation', 'ai-changes'],
            components: ['guardrails'],
            times: [cur.first, ...passed.map((r) => r.time)],
            principals: [...new Set(passed.map((r) => r.identity))],
            sourceIps: passed.map((r) => r.clientIp).filter(isAddress),
            resources: [g],
            attack: ['AML.T0054'],
            evidence: { requestIds: passed.map((r) => r.requestId), eventIds: changes.map((c) => c.eventId) },
            details: {
              guardrailId: g,
              changes: changeDetails(changes),
              version: v,
              previousVersion: pv,
              firstUse: cur.first,
              weakened: weaker,
              passedDetections: passed.length,
            },
          }),
        );
      }
    }
    return out;
  },
};

// ---- indirect injection in documents and tool results passed to the model ----------------------------------

export const documentInjectionDetector: Detector = {
  id: 'data-plane.document-injection',
  title: 'Instructions hidden in documents or tool results passed to the model (indirect prompt injection)',
  elements: ['invocation'],
  async run(ctx) {
    const pass = await textPass(ctx.db, ctx.shared, ctx.identityOf);
    const byDoc = new Map<string, InvRecord[]>();
    for (const r of pass.flagged) {
      if (!(r.doc?.verdict === 'attack' || r.hidden.length)) continue;
      const k = r.toolText.slice(0, 400);
      const l = byDoc.get(k) ?? [];
      l.push(r);
      byDoc.set(k, l);
    }
    const out: Finding[] = [];
    for (const recs of byDoc.values()) {
      const r0 = recs[0];
      const hiddenKinds = [...new Set(recs.flatMap((r) => r.hidden))];
      const severity: Severity = hiddenKinds.length ? 'high' : (r0.doc?.score ?? 0) >= 0.8 ? 'medium' : 'low';
      out.push(
        makeFinding({
          ruleId: 'data-plane.document-injection',
          title: `Injected instructions in a document or tool result given to the model in ${recs.length} call(s)${hiddenKinds.length ? ` (${hiddenKinds.join(', ')})` : ''}`,
          severity,
          elements: ['invocation'],
          components: ['foundation-models', 'knowledge-bases'],
          times: recs.map((r) => r.time),
          principals: [...new Set(recs.map((r) => r.identity))],
          attack: ['AML.T0051.001'],
          evidence: { requestIds: recs.map((r) => r.requestId) },
          details: {
            categories: r0.doc?.categories ?? [],
            hidden: hiddenKinds,
            excerpts: [
              excerpt(r0.requestId, 'document', r0.toolText, r0.doc?.spans ?? []),
            ] as unknown as Json,
          },
        }),
      );
    }
    return out;
  },
};

export const INVOCATION_DETECTORS: Detector[] = [
  promptAttackDetector,
  responseSteeringDetector,
  guardrailWeakenedDetector,
  documentInjectionDetector,
  llmjackingDetector,
  volumeDetector,
  endUserAbuseDetector,
  modelExtractionDetector,
  newModelDetector,
  guardrailGapDetector,
  unloggedRuntimeDetector,
];
