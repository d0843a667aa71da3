/**
 * Model extraction (distillation) through an application: one caller of an application's API — an
 * API key or tenant, else a customer, else a client address, as the application writes them into the
 * invocation logs' requestMetadata — harvesting the model's answers systematically. The application's
 * role makes every call; only the request metadata tells its callers apart, and each caller is judged
 * against the other callers of the same role:
 *
 * - answers far longer than the others' (output tokens per call ≥ 3 × the median caller's);
 * - sustained: active over ≥ 12 hours, in ≥ 12 distinct hours of the day (an evaluation harness or a
 *   nightly batch is a short, bounded run);
 * - and at least two of: fixed inference settings (one temperature / max-tokens pair in ≥ 80 % of the
 *   calls, deterministic temperature ≤ 0.1 or the highest output limit of the role's callers), a flat
 *   round-the-clock rate (its quietest 8 hours of the day hold ≥ 15 % of its calls (people's ≈ 3 %), where people's
 *   use is diurnal), templated prompts (a few openings hold ≥ 70 % of its calls while the prompts
 *   themselves are nearly all distinct: slots enumerated in one template).
 *
 * Callers that share a client address or a tenant with a flagged caller and reuse its prompt
 * templates are the same actor (a rotated key, trial tenants registered to continue the sequence).
 * See docs/detections-data-plane.md.
 */
import { type Detector, makeFinding } from '../engine/detector.js';
import type { IdentityOf } from '../engine/principal-names.js';
import type { Finding, Severity } from '../model/types.js';
import type { Queryable } from '../store/case-store.js';
import { isoSql, sqlString } from '../store/case-store.js';
import { shortName } from './baselines.js';
import { isPublicIp } from './context.js';
import { META_KEYS, metaSql } from './request-metadata.js';

export const EXTRACTION_LIMITS = {
  /** callers of the role with calls, so that "the others" mean something */
  minCallers: 3,
  minCalls: 200,
  outputRatio: 3,
  minSpanHours: 12,
  minHoursOfDay: 12,
  fixedShare: 0.8,
  deterministicTemperature: 0.1,
  quietShare: 0.15,
  templateShare: 0.7,
  distinctPromptShare: 0.8,
  /** a linked caller: share of its calls opening like the flagged caller's templates */
  followerTemplateShare: 0.5,
  maxRequestIds: 50_000,
} as const;

/** A caller's unit: the application's API key, else its tenant, else its end user (request metadata). */
const UNIT_SQL = `coalesce(${metaSql(META_KEYS.apiKey)}, ${metaSql(META_KEYS.tenant)}, ${metaSql(META_KEYS.caller)}, client_ip)`;

interface Caller {
  identity: string;
  unit: string;
  tenant: string | null;
  calls: number;
  first: string;
  last: string;
  avgOut: number;
  hoursActive: number;
  hoursOfDay: number[];
  settings: { temperature: number | null; maxTokens: number | null; n: number };
  prefixes: Map<string, number>;
  distinctPrompts: number;
  ips: Map<string, number>;
}

export interface ExtractionSignals {
  outputRatio: number;
  spanHours: number;
  hoursOfDay: number;
  fixedSettings: boolean;
  roundTheClock: boolean;
  templated: boolean;
  quietShare: number;
  templateShare: number;
}

/** Judges one caller against the median output of the other callers of its role. */
export function judgeCaller(
  c: Pick<
    Caller,
    'calls' | 'first' | 'last' | 'avgOut' | 'hoursOfDay' | 'settings' | 'prefixes' | 'distinctPrompts'
  >,
  othersMedianOut: number,
  othersMaxTokens: number,
): { flagged: boolean; signals: ExtractionSignals } {
  const L = EXTRACTION_LIMITS;
  const spanHours = (Date.parse(c.last) - Date.parse(c.first)) / 3_600_000;
  const byHour = [...c.hoursOfDay].sort((a, b) => a - b);
  const hoursOfDay = byHour.filter((x) => x > 0).length;
  const quiet = byHour.slice(0, 8).reduce((a, b) => a + b, 0);
  const quietShare = c.calls ? quiet / c.calls : 0;
  const top = [...c.prefixes.values()].sort((a, b) => b - a).slice(0, 5);
  const templateShare = c.calls ? top.reduce((a, b) => a + b, 0) / c.calls : 0;
  const outputRatio = c.avgOut / Math.max(1, othersMedianOut);
  const s = c.settings;
  const fixedSettings =
    s.n >= L.fixedShare * c.calls &&
    ((s.temperature !== null && s.temperature <= L.deterministicTemperature) ||
      (s.maxTokens !== null && s.maxTokens > othersMaxTokens));
  const roundTheClock = quietShare >= L.quietShare;
  const templated = templateShare >= L.templateShare && c.distinctPrompts >= L.distinctPromptShare * c.calls;
  const signals = {
    outputRatio,
    spanHours,
    hoursOfDay,
    fixedSettings,
    roundTheClock,
    templated,
    quietShare,
    templateShare,
  };
  const flagged =
    c.calls >= L.minCalls &&
    outputRatio >= L.outputRatio &&
    spanHours >= L.minSpanHours &&
    hoursOfDay >= L.minHoursOfDay &&
    [fixedSettings, roundTheClock, templated].filter(Boolean).length >= 2;
  return { flagged, signals };
}

const PREFIX_SQL = `regexp_replace(lower(left(trim(coalesce(nullif(last_user_text, ''), prompt_text, '')), 32)), '[0-9]+', '#', 'g')`;

/** SQL: the role of an assumed-role session ARN (sessions of one application role are one principal). */
const ROLE_SQL = `regexp_replace(coalesce(identity_arn, principal_arn), '^arn:([^:]+):sts::([0-9]+):assumed-role/([^/]+)/.*$', 'arn:\\1:iam::\\2:role/\\3')`;

async function loadCallers(db: Queryable, identityOf: IdentityOf): Promise<Caller[]> {
  const base = `SELECT ${ROLE_SQL} AS ident, ${UNIT_SQL} AS unit, ${metaSql(META_KEYS.tenant)} AS tenant,
      time, CAST(hour(time) AS INTEGER) AS h, client_ip, coalesce(output_tokens, 0) AS out_tok,
      TRY_CAST(inference_params->>'$.temperature' AS DOUBLE) AS temp,
      TRY_CAST(inference_params->>'$.maxTokens' AS BIGINT) AS mt,
      ${PREFIX_SQL} AS pfx, md5(coalesce(nullif(last_user_text, ''), prompt_text, '')) AS ph
    FROM invocations WHERE request_metadata IS NOT NULL AND coalesce(identity_arn, principal_arn) IS NOT NULL`;
  // one scan: per caller, per hour of the day, per inference settings, per prompt opening (the 5
  // commonest), per client address (the 50 commonest)
  const rows = await db.all(
    `WITH b AS (${base}),
     g AS (SELECT ident, unit, h, temp, mt, pfx, client_ip, GROUPING(h, temp, mt, pfx, client_ip) AS gid,
             min(tenant) AS tenant, count(*) AS n, ${isoSql('min(time)')} AS f, ${isoSql('max(time)')} AS l,
             avg(out_tok) AS o
           FROM b WHERE unit IS NOT NULL AND ident IS NOT NULL
           GROUP BY GROUPING SETS ((ident, unit), (ident, unit, h), (ident, unit, temp, mt), (ident, unit, pfx), (ident, unit, client_ip)))
     SELECT * FROM (SELECT *, row_number() OVER (PARTITION BY ident, unit, gid ORDER BY n DESC, pfx NULLS LAST, client_ip NULLS LAST, h NULLS LAST, temp NULLS LAST, mt NULLS LAST) AS rk FROM g)
     WHERE rk <= 50 ORDER BY ident, unit, gid, rk`,
  );
  const callers = new Map<string, Caller>();
  const k = (i: unknown, u: unknown) => `${String(i)}\0${String(u)}`;
  // distinct prompts per caller in a query of their own: a DISTINCT inside the grouping sets above
  // keeps a hash table of every prompt per set, which ran out of DuckDB's 512 MiB at 1.4M calls
  const distinct = new Map<string, number>();
  for (const r of await db.all(
    `WITH b AS (${base}) SELECT ident, unit, count(DISTINCT ph) AS dp FROM b
     WHERE unit IS NOT NULL AND ident IS NOT NULL GROUP BY ident, unit ORDER BY ident, unit`,
  ))
    distinct.set(k(r.ident, r.unit), Number(r.dp));
  // GROUPING bits, first argument highest: h 16, temp 8, mt 4, pfx 2, client_ip 1
  const ALL = 31;
  for (const r of rows) {
    if (Number(r.gid) !== ALL) continue;
    const identity = identityOf(String(r.ident));
    if (!identity) continue;
    callers.set(k(r.ident, r.unit), {
      identity,
      unit: String(r.unit),
      tenant: r.tenant === null || r.tenant === undefined ? null : String(r.tenant),
      calls: Number(r.n),
      first: String(r.f),
      last: String(r.l),
      avgOut: Number(r.o) || 0,
      hoursActive: 0,
      hoursOfDay: new Array(24).fill(0),
      settings: { temperature: null, maxTokens: null, n: 0 },
      prefixes: new Map(),
      distinctPrompts: distinct.get(k(r.ident, r.unit)) ?? 0,
      ips: new Map(),
    });
  }
  // only roles with enough callers are judged
  const perRole = new Map<string, number>();
  for (const c of callers.values()) perRole.set(c.identity, (perRole.get(c.identity) ?? 0) + 1);
  for (const [key, c] of callers)
    if ((perRole.get(c.identity) ?? 0) < EXTRACTION_LIMITS.minCallers) callers.delete(key);
  for (const r of rows) {
    const gid = Number(r.gid);
    if (gid === ALL) continue;
    const c = callers.get(k(r.ident, r.unit));
    if (!c) continue;
    const n = Number(r.n);
    if (gid === ALL - 16) {
      if (r.h !== null && r.h !== undefined) c.hoursOfDay[Number(r.h)] = n;
    } else if (gid === ALL - 8 - 4) {
      if (c.settings.n < n)
        c.settings = {
          temperature: r.temp === null || r.temp === undefined ? null : Number(r.temp),
          maxTokens: r.mt === null || r.mt === undefined ? null : Number(r.mt),
          n,
        };
    } else if (gid === ALL - 2) {
      if (c.prefixes.size < 5) c.prefixes.set(String(r.pfx), n);
    } else if (gid === ALL - 1) {
      if (r.client_ip !== null && r.client_ip !== undefined) c.ips.set(String(r.client_ip), n);
    }
  }
  for (const c of callers.values()) c.hoursActive = c.hoursOfDay.filter((x) => x > 0).length;
  return [...callers.values()];
}

function median(xs: number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

export const modelExtractionDetector: Detector = {
  id: 'data-plane.model-extraction',
  title:
    "One caller of an application's API harvesting the model's answers systematically (model extraction / distillation)",
  elements: ['invocation'],
  async run(ctx) {
    const L = EXTRACTION_LIMITS;
    const callers = await loadCallers(ctx.db, ctx.identityOf);
    const byRole = new Map<string, Caller[]>();
    for (const c of callers) {
      const l = byRole.get(c.identity) ?? [];
      l.push(c);
      byRole.set(c.identity, l);
    }
    const out: Finding[] = [];
    for (const [identity, cs] of [...byRole].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      const judged = cs.map((c) => {
        const others = cs.filter((o) => o !== c && o.calls >= 20);
        if (others.length < L.minCallers - 1) return { c, flagged: false, signals: null };
        const med = median(others.map((o) => o.avgOut));
        const maxT = Math.max(0, ...others.map((o) => o.settings.maxTokens ?? 0));
        return { c, ...judgeCaller(c, med, maxT), med };
      });
      const flagged = judged.filter((j) => j.flagged);
      if (!flagged.length) continue;
      // actors: flagged callers joined by a shared client address or tenant; then callers (flagged or
      // not) sharing an address or tenant with an actor and opening most prompts like its templates
      const parent = new Map<Caller, Caller>();
      const find = (x: Caller): Caller => {
        let r = x;
        while (parent.get(r) && parent.get(r) !== r) r = parent.get(r) as Caller;
        return r;
      };
      const union = (a: Caller, b: Caller) => {
        const ra = find(a);
        const rb = find(b);
        if (ra !== rb) parent.set(rb, ra);
      };
      const shares = (a: Caller, b: Caller) =>
        (a.tenant !== null && a.tenant === b.tenant) || [...a.ips.keys()].some((ip) => b.ips.has(ip));
      // share of a caller's calls opening like the other's templates
      const templ = (a: Caller, b: Caller) =>
        [...a.prefixes].filter(([p]) => b.prefixes.has(p)).reduce((x, [, n]) => x + n, 0) /
        Math.max(1, a.calls);
      for (const j of flagged) parent.set(j.c, j.c);
      for (let i = 0; i < flagged.length; i++)
        for (let k = i + 1; k < flagged.length; k++) {
          const [a, b] = [flagged[i].c, flagged[k].c];
          // two harvesting callers of one role sharing an address or tenant, or the same templates
          const same = Math.min(templ(a, b), templ(b, a)) >= L.followerTemplateShare;
          if (shares(a, b) || same) union(a, b);
        }
      for (const j of judged) {
        if (j.flagged) continue;
        for (const f of flagged) {
          if (!shares(j.c, f.c)) continue;
          if (templ(j.c, f.c) >= L.followerTemplateShare && j.c.calls >= 5) {
            parent.set(j.c, j.c);
            union(f.c, j.c);
            break;
          }
        }
      }
      const groups = new Map<Caller, Caller[]>();
      for (const c of parent.keys()) {
        const r = find(c);
        const l = groups.get(r) ?? [];
        l.push(c);
        groups.set(r, l);
      }
      for (const members of groups.values()) {
        members.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : a.unit < b.unit ? -1 : 1));
        const js = members.map((m) => judged.find((j) => j.c === m)!);
        const units = members.map((m) => m.unit);
        const ips = [...new Set(members.flatMap((m) => [...m.ips.keys()]))].sort();
        const publicIps = ips.filter((ip) => isPublicIp(ip) && ip.includes('.'));
        const calls = members.reduce((a, m) => a + m.calls, 0);
        const first = members.map((m) => m.first).sort()[0];
        const last = members
          .map((m) => m.last)
          .sort()
          .at(-1) as string;
        const ids: string[] = [];
        for (let i = 0; i < units.length; i += 200) {
          const chunk = units.slice(i, i + 200);
          for (const r of await ctx.db.all(
            `SELECT request_id FROM invocations WHERE request_metadata IS NOT NULL AND request_id IS NOT NULL
               AND coalesce(identity_arn, principal_arn) IS NOT NULL
               AND ${UNIT_SQL} IN (${chunk.map(sqlString).join(',')})
             ORDER BY time, request_id LIMIT ${L.maxRequestIds}`,
          ))
            if (ids.length < L.maxRequestIds) ids.push(String(r.request_id));
        }
        const principals = [...new Set(members.map((m) => m.identity))];
        // the calls must be this role's: a unit value could repeat under another role
        const own = new Set<string>();
        for (let i = 0; i < ids.length; i += 2000)
          for (const r of await ctx.db.all(
            `SELECT request_id, coalesce(identity_arn, principal_arn) AS ident FROM invocations
             WHERE request_id IN (${ids
               .slice(i, i + 2000)
               .map(sqlString)
               .join(',')}) ORDER BY request_id`,
          ))
            if (ctx.identityOf(String(r.ident)) === identity) own.add(String(r.request_id));
        const requestIds = ids.filter((id) => own.has(id));
        const lead = js.filter((j) => j.flagged).map((j) => j.signals as ExtractionSignals);
        const all3 = lead.some((s) => s.fixedSettings && s.roundTheClock && s.templated);
        const severity: Severity = all3 || members.length > 1 ? 'high' : 'medium';
        const pct = (x: number) => `${Math.round(x * 100)}%`;
        const why = js.map((j) => {
          const s = j.signals;
          const m = j.c;
          const set = `temperature ${m.settings.temperature ?? '?'}, max tokens ${m.settings.maxTokens ?? '?'} in ${pct(m.settings.n / Math.max(1, m.calls))}`;
          return s
            ? `${m.unit}${m.tenant && m.tenant !== m.unit ? ` (tenant ${m.tenant})` : ''}: ${m.calls} calls ${m.first} to ${m.last}, ${Math.round(m.avgOut)} output tokens per answer (${s.outputRatio.toFixed(1)}× the median caller), ${set}, ${pct(s.quietShare)} of calls in its quietest 8 hours of the day, ${pct(s.templateShare)} of prompts from ${Math.min(5, m.prefixes.size)} openings${j.flagged ? '' : ' (linked: shares an address or tenant and the prompt templates)'}`
            : `${m.unit}: ${m.calls} calls`;
        });
        out.push(
          makeFinding({
            ruleId: 'data-plane.model-extraction',
            title: `${shortName(identity)}: ${members.length > 1 ? `${members.length} API callers (rotated keys / tenants) of one actor` : `API caller ${members[0].unit}`} harvesting the model's answers systematically (model extraction / distillation)`,
            description:
              `${calls} calls from ${first} to ${last} through the application role, from ${publicIps.join(', ') || 'no public client address'}. ` +
              `${why.join('; ')}. Long, templated, deterministic answers requested around the clock, far above the application's other callers, are the pattern of harvesting a model's outputs to train another (distillation) against the API's terms.`,
            severity,
            elements: ['invocation'],
            components: ['foundation-models'],
            times: [first, last],
            principals,
            sourceIps: publicIps,
            attack: ['AML.T0024.002', 'AML.T0034'],
            evidence: { requestIds },
            details: {
              // the API caller's own conduct: its addresses are the actor's (scope.ts)
              endUserConduct: true,
              callers: js.map((j) => ({
                unit: j.c.unit,
                tenant: j.c.tenant,
                calls: j.c.calls,
                first: j.c.first,
                last: j.c.last,
                avgOutputTokens: Math.round(j.c.avgOut),
                temperature: j.c.settings.temperature,
                maxTokens: j.c.settings.maxTokens,
                settingsShare: Math.round((j.c.settings.n / Math.max(1, j.c.calls)) * 1000) / 1000,
                clientIps: [...j.c.ips.keys()].sort(),
                flagged: j.flagged,
                ...(j.signals
                  ? {
                      outputRatio: Math.round(j.signals.outputRatio * 10) / 10,
                      quietShare: Math.round(j.signals.quietShare * 1000) / 1000,
                      templateShare: Math.round(j.signals.templateShare * 1000) / 1000,
                      fixedSettings: j.signals.fixedSettings,
                      roundTheClock: j.signals.roundTheClock,
                      templated: j.signals.templated,
                    }
                  : {}),
              })),
              clientIps: ips,
              calls,
              omittedCalls: Math.max(0, calls - requestIds.length),
            },
          }),
        );
      }
    }
    return out;
  },
};
