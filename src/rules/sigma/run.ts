/**
 * Running Sigma rules against a query interface (the case store provides it).
 */
import { type CompileOptions, compileRule } from './compile.js';
import { duckdb } from './dialect.js';
import { loadMapping } from './load.js';
import type { SigmaRule } from './types.js';

/** The minimal interface the engine needs from a database. */
export interface SigmaDb {
  all(sql: string): Promise<Record<string, unknown>[]>;
}

/** A matched event (the mapping's output columns, camelCased; times as ISO 8601 UTC). */
export interface DetectionHit {
  kind: 'event';
  uid: string;
  eventId?: string | null;
  requestId?: string | null;
  time: string;
  principalArn?: string | null;
  identityArn?: string | null;
  accessKeyId?: string | null;
  sourceIp?: string | null;
  region?: string | null;
  service?: string | null;
  action?: string | null;
  [k: string]: unknown;
}

/** A group of events that satisfied a correlation. */
export interface CorrelationHit {
  kind: 'group';
  /** group-by field -> value */
  group: Record<string, unknown>;
  firstTime: string;
  lastTime: string;
  /** events in the merged window(s) */
  eventCount: number;
  /** the measure of the best window: events, distinct values, sum, average, or rules matched */
  value: number | null;
  /** uids of the events, in time order (at most `maxUids`) */
  uids: string[];
}

export type SigmaHit = DetectionHit | CorrelationHit;

export interface SigmaRunResult {
  rule: SigmaRule;
  hits: SigmaHit[];
  sql?: string;
  /** why the rule could not be compiled or run */
  error?: string;
  /** why the rule was not run on its own (a filter, or a rule used only through a correlation) */
  skipped?: string;
  /** more than `maxHits` rows matched; `hits` holds the first ones */
  truncated?: boolean;
  warnings: string[];
}

export interface RunOptions extends Partial<CompileOptions> {
  /** most hits kept per rule (default 10000) */
  maxHits?: number;
}

const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_m, x: string) => x.toUpperCase());

/** A timestamp as returned by a driver (Date, 'YYYY-MM-DD HH:MM:SS[.fff]', ISO) to ISO 8601 UTC. */
export function isoTime(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  const s = String(v);
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]00(:?00)?)?$/.exec(s);
  if (m) return `${m[1]}T${m[2]}.${(m[3] ?? '.').slice(1).padEnd(3, '0').slice(0, 3)}Z`;
  return s;
}

function toNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'bigint' ? Number(v) : Number(v);
  return Number.isFinite(n) ? n : null;
}

function eventHit(row: Record<string, unknown>): DetectionHit {
  const o: Record<string, unknown> = { kind: 'event' };
  for (const [k, v] of Object.entries(row)) o[camel(k)] = k === 'time' && v !== null ? isoTime(v) : v;
  return o as DetectionHit;
}

function groupHit(row: Record<string, unknown>, groupColumns: string[]): CorrelationHit {
  const group: Record<string, unknown> = {};
  for (const g of groupColumns) group[g] = row[g] ?? null;
  const uids = Array.isArray(row.uids) ? row.uids.map(String) : [];
  return {
    kind: 'group',
    group,
    firstTime: isoTime(row.first_time),
    lastTime: isoTime(row.last_time),
    eventCount: toNumber(row.event_count) ?? 0,
    value: toNumber(row.value),
    uids,
  };
}

/** Rules that only serve a correlation (not `generate: true`) are not run on their own. */
function correlationOnly(rules: SigmaRule[]): Map<SigmaRule, string> {
  const out = new Map<SigmaRule, string>();
  for (const c of rules) {
    if (c.kind !== 'correlation' || c.correlation.generate) continue;
    for (const ref of c.correlation.rules) {
      const same = rules.filter((r) => r.kind !== 'filter' && r !== c && (r.id === ref || r.name === ref));
      const r = same.find((x) => x.source.file === c.source.file) ?? same[0];
      if (r && !out.has(r))
        out.set(r, `used by correlation "${c.title}" (generate is not set): only the correlation is run`);
    }
  }
  return out;
}

/**
 * Compiles and runs each rule. Every rule gets a result: hits, or the reason it could not be
 * compiled or run, or why it was not run on its own.
 */
export async function runSigmaRules(
  db: SigmaDb,
  rules: SigmaRule[],
  opts: RunOptions = {},
): Promise<SigmaRunResult[]> {
  const mapping = opts.mapping ?? (await loadMapping());
  const maxHits = Math.max(1, Math.floor(opts.maxHits ?? 10_000));
  const only = correlationOnly(rules);
  const out: SigmaRunResult[] = [];
  for (const rule of rules) {
    const res: SigmaRunResult = { rule, hits: [], warnings: [...rule.warnings] };
    out.push(res);
    if (rule.kind === 'filter') {
      res.skipped = 'a Sigma filter: applied to the rules it names';
      continue;
    }
    const c = compileRule(rule, {
      ...opts,
      dialect: opts.dialect ?? duckdb,
      mapping,
      rules: opts.rules ?? rules,
      limit: maxHits + 1,
    });
    if ('error' in c) {
      res.error = c.error;
      continue;
    }
    const why = only.get(rule);
    if (why) {
      res.skipped = why;
      continue;
    }
    res.sql = c.sql;
    res.warnings.push(...c.warnings);
    let rows: Record<string, unknown>[];
    try {
      rows = await db.all(c.sql);
    } catch (e) {
      res.error = `query failed: ${(e as Error).message.split('\n')[0]}`;
      continue;
    }
    if (rows.length > maxHits) {
      res.truncated = true;
      rows = rows.slice(0, maxHits);
    }
    res.hits =
      c.kind === 'correlation' ? rows.map((r) => groupHit(r, c.groupColumns ?? [])) : rows.map(eventHit);
  }
  return out;
}
