/**
 * Sigma rule -> SQL. A detection rule becomes one SELECT over the mapped table returning the
 * matched rows; a correlation rule (or a legacy `| count()` / `| near` rule) becomes grouped,
 * windowed SQL over the referenced rules' matches (see correlation.ts).
 *
 * Semantics: values match case-insensitively (unless `cased`), every field test is NULL-safe (a
 * missing field never matches, so `not filter` keeps events without the field), `field: null`
 * means missing or null.
 */
import { expandOf, parseLegacyAggregation } from './condition.js';
import { type CorrelationDeps, compileCorrelationSql } from './correlation.js';
import { type Dialect, duckdb } from './dialect.js';
import { type FieldSource, type Mapping, resolveField, tableFor } from './mapping.js';
import { parseTimespan } from './parse.js';
import {
  type CompareOp,
  type ConditionNode,
  type Correlation,
  type DetectionNode,
  type FieldMatcher,
  type LegacyAggregation,
  type SigmaCorrelationRule,
  type SigmaDetectionRule,
  SigmaError,
  type SigmaFilterRule,
  type SigmaRule,
} from './types.js';
import {
  type CompiledMatcher,
  compileMatcher,
  hasWildcards,
  MULTI,
  plainText,
  type SigmaStr,
  type ValueTest,
} from './values.js';

export interface CompileOptions {
  /** SQL dialect (default DuckDB) */
  dialect?: Dialect;
  mapping: Mapping;
  /** values of `%name%` placeholders for `|expand` */
  placeholders?: Record<string, string[]>;
  /** the rule set: rules a correlation refers to, and filters that name a rule */
  rules?: SigmaRule[];
  /** apply Sigma filters found in `rules` (default true) */
  applyFilters?: boolean;
  /** translate Sigma 1 aggregations (`| count() > 5`, `| near`) into correlations (default true) */
  legacyAggregations?: boolean;
  /** most uids listed per correlation group (default 500) */
  maxUids?: number;
  /** LIMIT on the rows returned */
  limit?: number;
}

export type CompileResult =
  | {
      sql: string;
      /** the WHERE expression (detection rules) */
      where?: string;
      kind: 'detection' | 'correlation';
      /** output columns naming group-by values (correlation rules) */
      groupColumns?: string[];
      warnings: string[];
    }
  | { error: string };

export class Ctx {
  private n = 0;
  readonly warnings: string[] = [];
  /** expressions already known never to be NULL */
  readonly nullSafe = new Set<string>();
  readonly d: Dialect;
  constructor(readonly opts: CompileOptions) {
    this.d = opts.dialect ?? duckdb;
  }
  get mapping(): Mapping {
    return this.opts.mapping;
  }
  fresh(): string {
    this.n++;
    return `x${this.n}`;
  }
}

type Src = { kind: 'scalar'; expr: string } | { kind: 'list'; expr: string };

const paren = (s: string): string => `(${s})`;
const joinOp = (xs: string[], op: 'AND' | 'OR'): string =>
  xs.length === 1 ? xs[0] : paren(xs.join(` ${op} `));

/** LIKE pattern of a Sigma string with `\` as escape character. */
export function likePattern(s: SigmaStr): string {
  return s.parts
    .map((p) => (typeof p === 'string' ? p.replace(/[\\%_]/g, '\\$&') : p.wildcard === '*' ? '%' : '_'))
    .join('');
}

function sourceOf(fs: FieldSource, ctx: Ctx): Src {
  const { d, mapping } = ctx;
  const col = (c: string): string => d.ident(c);
  if (fs.kind === 'column') {
    if (fs.type === 'list') return { kind: 'list', expr: col(fs.column) };
    if (fs.type === 'timestamp' && fs.rawPath)
      return { kind: 'scalar', expr: d.jsonText(col(mapping.rawColumn), fs.rawPath) };
    return { kind: 'scalar', expr: d.text(col(fs.column), fs.type) };
  }
  if (fs.lax) return { kind: 'list', expr: d.jsonLaxTexts(col(fs.column), fs.path, ctx.fresh()) };
  return { kind: 'scalar', expr: d.jsonText(col(fs.column), fs.path) };
}

/** A single text value of a field (for group-by and value fields of correlations). */
export function fieldText(field: string, ctx: Ctx): string {
  const fs = resolveField(ctx.mapping, field);
  const { d } = ctx;
  if (fs.kind === 'column') {
    if (fs.type === 'list') throw new SigmaError(`field "${field}" is a list and cannot be grouped by`);
    if (fs.type === 'timestamp' && fs.rawPath) return d.jsonText(d.ident(ctx.mapping.rawColumn), fs.rawPath);
    return d.text(d.ident(fs.column), fs.type);
  }
  return d.jsonText(d.ident(fs.column), fs.path);
}

/** `pred` applied to the field's value, or to any of its values; never NULL. */
function withSrc(src: Src, ctx: Ctx, pred: (x: string) => string): string {
  let out: string;
  if (src.kind === 'scalar') {
    const p = pred(src.expr);
    out = ctx.nullSafe.has(p) ? p : `COALESCE(${p}, false)`;
  } else {
    const v = ctx.fresh();
    out = ctx.d.anyMatch(src.expr, v, pred(v));
  }
  ctx.nullSafe.add(out);
  return out;
}

function isNullSql(fs: FieldSource, src: Src, ctx: Ctx): string {
  if (src.kind === 'scalar') {
    if (fs.kind === 'column' && fs.type !== 'timestamp') return `${ctx.d.ident(fs.column)} IS NULL`;
    return `${src.expr} IS NULL`;
  }
  const v = ctx.fresh();
  return `NOT ${ctx.d.anyMatch(src.expr, v, `${v} IS NOT NULL`)}`;
}

function existsSql(fs: FieldSource, ctx: Ctx): string {
  const { d, mapping } = ctx;
  if (fs.rawPath) return d.jsonExists(d.ident(mapping.rawColumn), fs.rawPath);
  if (fs.kind === 'column') return `${d.ident(fs.column)} IS NOT NULL`;
  if (fs.path.length === 0) return `${d.ident(fs.column)} IS NOT NULL`;
  return d.jsonExists(d.ident(fs.column), fs.path);
}

const NUM_OPS: Record<string, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '=' };

function strPred(x: string, s: SigmaStr, cased: boolean, ctx: Ctx): string {
  const { d } = ctx;
  if (!hasWildcards(s)) {
    const lit = plainText(s);
    let e = cased ? `${x} = ${d.str(lit)}` : d.eqCi(x, lit);
    if (s.num !== undefined && Number.isFinite(s.num))
      e = paren(`${e} OR ${d.tryDouble(x)} = ${d.num(s.num)}`);
    return e;
  }
  return d.like(x, likePattern(s), !cased);
}

function testSql(fs: FieldSource | null, src: Src, t: ValueTest, cm: CompiledMatcher, ctx: Ctx): string {
  const { d, mapping } = ctx;
  switch (t.kind) {
    case 'null':
      if (!fs) throw new SigmaError('null keyword');
      return isNullSql(fs, src, ctx);
    case 'exists':
      if (!fs) throw new SigmaError('exists needs a field');
      return t.exists ? existsSql(fs, ctx) : `NOT ${existsSql(fs, ctx)}`;
    case 'str': {
      let s = t.value;
      if (!fs) {
        // keyword: a substring of the record
        const first = s.parts[0];
        const last = s.parts[s.parts.length - 1];
        const parts = [...s.parts];
        if (!(first && typeof first !== 'string' && first.wildcard === '*')) parts.unshift(MULTI);
        if (!(last && typeof last !== 'string' && last.wildcard === '*') || parts.length === 1)
          parts.push(MULTI);
        s = { parts };
      } else if (s.parts.length === 0 && fs.rawPath && fs.kind === 'column') {
        // '' : the normaliser stores empty strings as NULL, so look at the original record
        return `COALESCE(${d.jsonText(d.ident(mapping.rawColumn), fs.rawPath)} = '', false)`;
      }
      return withSrc(src, ctx, (x) => strPred(x, s, cm.cased, ctx));
    }
    case 're':
      return withSrc(src, ctx, (x) => d.regex(x, t.pattern, t.flags));
    case 'cidr':
      return withSrc(src, ctx, (x) => d.cidr(x, t.cidr, ctx.fresh()));
    case 'num':
      return withSrc(src, ctx, (x) => `${d.tryDouble(x)} ${NUM_OPS[t.op]} ${d.num(t.n)}`);
    case 'time': {
      const op = NUM_OPS[t.op];
      if (fs && fs.kind === 'column' && fs.type === 'timestamp') {
        return `COALESCE(${d.timePart(t.part, d.ident(fs.column))} ${op} ${d.num(t.n)}, false)`;
      }
      return withSrc(src, ctx, (x) => `${d.timePart(t.part, d.tryTimestamp(x))} ${op} ${d.num(t.n)}`);
    }
    case 'fieldref': {
      const other = sourceOf(resolveField(mapping, t.field), ctx);
      const low = (e: string): string => (cm.cased ? e : `lower(${e})`);
      return withSrc(src, ctx, (x) =>
        withSrc(other, ctx, (y) => {
          if (t.mode === 'contains') return d.strContains(low(x), low(y));
          if (t.mode === 'startswith') return d.strStartsWith(low(x), low(y));
          if (t.mode === 'endswith') return d.strEndsWith(low(x), low(y));
          return `${low(x)} = ${low(y)}`;
        }),
      );
    }
  }
}

function compileFieldMatcher(m: FieldMatcher, ctx: Ctx): string {
  const cm = compileMatcher(m, { placeholders: ctx.opts.placeholders });
  let fs: FieldSource | null = null;
  let src: Src;
  if (cm.field === null) {
    const kw = ctx.mapping.keywordsColumn;
    if (!kw)
      throw new SigmaError(`keyword search ("${m.key}") is not supported by mapping ${ctx.mapping.name}`);
    src = { kind: 'list', expr: ctx.d.jsonLaxTexts(ctx.d.ident(kw), [], ctx.fresh()) };
  } else {
    fs = resolveField(ctx.mapping, cm.field);
    src = sourceOf(fs, ctx);
  }
  const groups = cm.groups.map((alts) =>
    joinOp(
      alts.map((t) => testSql(fs, src, t, cm, ctx)),
      'OR',
    ),
  );
  const sql = joinOp(groups, cm.all ? 'AND' : 'OR');
  return cm.negate ? `NOT ${paren(sql)}` : sql;
}

function compileNode(n: DetectionNode, ctx: Ctx): string {
  if (n.type === 'field') return compileFieldMatcher(n, ctx);
  if (n.items.length === 0) throw new SigmaError('empty detection group');
  return joinOp(
    n.items.map((x) => compileNode(x, ctx)),
    n.type === 'and' ? 'AND' : 'OR',
  );
}

function compileCondition(
  c: ConditionNode,
  searches: Map<string, DetectionNode>,
  ctx: Ctx,
  memo: Map<string, string>,
): string {
  const search = (name: string): string => {
    const node = searches.get(name);
    if (!node)
      throw new SigmaError(
        `condition refers to "${name}", which is not a search identifier of the detection`,
      );
    let s = memo.get(name);
    if (s === undefined) {
      try {
        s = compileNode(node, ctx);
      } catch (e) {
        if (e instanceof SigmaError) throw new SigmaError(`${name}: ${e.message}`);
        throw e;
      }
      memo.set(name, s);
    }
    return s;
  };
  switch (c.op) {
    case 'id':
      return search(c.name);
    case 'not':
      return `NOT ${paren(compileCondition(c.arg, searches, ctx, memo))}`;
    case 'and':
    case 'or':
      return joinOp(
        c.args.map((a) => compileCondition(a, searches, ctx, memo)),
        c.op === 'and' ? 'AND' : 'OR',
      );
    case 'of': {
      const names = expandOf(c.pattern, [...searches.keys()]);
      const what = `${c.count === 'all' ? 'all' : c.count} of ${c.pattern ?? 'them'}`;
      if (names.length === 0) throw new SigmaError(`"${what}" matches no search identifier`);
      const parts = names.map(search);
      if (c.count === 'all') return joinOp(parts, 'AND');
      if (c.count === 1) return joinOp(parts, 'OR');
      if (c.count > names.length)
        throw new SigmaError(`"${what}": only ${names.length} search identifiers match`);
      return paren(`${parts.map((p) => `CASE WHEN ${p} THEN 1 ELSE 0 END`).join(' + ')} >= ${c.count}`);
    }
  }
}

function checkLogsource(rule: SigmaDetectionRule | SigmaFilterRule, ctx: Ctx): string {
  const t = tableFor(ctx.mapping, rule.logsource);
  if ('error' in t) throw new SigmaError(t.error);
  return t.table;
}

/** Filters in the rule set that name this rule (by id or name) and share its table. */
function filtersFor(rule: SigmaDetectionRule, ctx: Ctx): SigmaFilterRule[] {
  if (ctx.opts.applyFilters === false || !ctx.opts.rules) return [];
  return ctx.opts.rules.filter(
    (f): f is SigmaFilterRule =>
      f.kind === 'filter' &&
      f.rules.some((r) => r === rule.id || (rule.name !== undefined && r === rule.name)),
  );
}

function detectionWhereOnly(rule: SigmaDetectionRule | SigmaFilterRule, ctx: Ctx): string {
  const det = rule.detection;
  const memo = new Map<string, string>();
  const conds = det.conditions.map((c) => {
    if (c.aggregation) {
      throw new SigmaError(
        `condition "${c.text}" uses a Sigma 1 aggregation ("| ${c.aggregation.text}"), which Sigma 2 replaced by correlation rules`,
      );
    }
    return compileCondition(c.ast, det.searches, ctx, memo);
  });
  return joinOp(conds, 'OR');
}

/** The WHERE expression of a detection rule, with the Sigma filters that name it. */
export function detectionWhere(rule: SigmaDetectionRule, ctx: Ctx): { table: string; where: string } {
  const table = checkLogsource(rule, ctx);
  let where = detectionWhereOnly(rule, ctx);
  for (const f of filtersFor(rule, ctx)) {
    const ft = checkLogsource(f, ctx);
    if (ft !== table) continue;
    let fw: string;
    try {
      fw = detectionWhereOnly(f, ctx);
    } catch (e) {
      if (e instanceof SigmaError) throw new SigmaError(`filter "${f.title}": ${e.message}`);
      throw e;
    }
    where = `${paren(where)} AND NOT ${paren(fw)}`;
    ctx.warnings.push(`filter "${f.title}" applied`);
  }
  return { table, where };
}

function detectionSql(rule: SigmaDetectionRule, ctx: Ctx): { sql: string; where: string } {
  const { d, mapping } = ctx;
  const { table, where } = detectionWhere(rule, ctx);
  const cols = mapping.output.map((c) => d.ident(c)).join(', ');
  const order = mapping.order.length ? ` ORDER BY ${mapping.order.map((c) => d.ident(c)).join(', ')}` : '';
  const limit =
    ctx.opts.limit !== undefined ? ` LIMIT ${d.num(Math.max(0, Math.floor(ctx.opts.limit)))}` : '';
  return { sql: `SELECT ${cols} FROM ${d.ident(table)} WHERE ${where}${order}${limit}`, where };
}

const LEGACY_OPS: Record<string, CompareOp> = {
  '>': 'gt',
  '>=': 'gte',
  '<': 'lt',
  '<=': 'lte',
  '=': 'eq',
  '!=': 'neq',
};

/**
 * A Sigma 1 rule with `condition: sel | count() by f > N` and `timeframe`, or `a | near b`, as
 * the equivalent Sigma 2 correlation over synthetic rules made of its detection.
 */
function legacyAsCorrelation(rule: SigmaDetectionRule): {
  corr: SigmaCorrelationRule;
  parts: SigmaDetectionRule[];
} {
  const det = rule.detection;
  if (det.conditions.length !== 1)
    throw new SigmaError('a Sigma 1 aggregation in a list of conditions cannot be translated');
  const cond = det.conditions[0];
  const agg = cond.aggregation as LegacyAggregation;
  if (!det.timeframe) {
    throw new SigmaError(
      `Sigma 1 aggregation "| ${agg.text}" without timeframe: there is no window to aggregate over`,
    );
  }
  const timespan = parseTimespan(det.timeframe);
  const exprText = cond.text.slice(0, cond.text.indexOf('|')).trim();
  const baseId = rule.id ?? rule.title;
  const part = (suffix: string, text: string, ast: ConditionNode): SigmaDetectionRule => ({
    ...rule,
    id: `${baseId}#${suffix}`,
    name: undefined,
    detection: { ...det, conditions: [{ text, ast }] },
  });
  const corrBase = {
    ...rule,
    kind: 'correlation' as const,
  };
  if (agg.kind === 'count') {
    const p = part('base', exprText, cond.ast);
    const correlation: Correlation = {
      type: agg.field ? 'value_count' : 'event_count',
      rules: [p.id as string],
      groupBy: agg.by ?? [],
      timespan,
      timespanText: det.timeframe,
      condition: { [LEGACY_OPS[agg.op ?? '>']]: agg.value ?? 0 },
      field: agg.field,
      aliases: {},
      generate: false,
    };
    return { corr: { ...corrBase, correlation }, parts: [p] };
  }
  if (agg.kind === 'near') {
    const targets = agg.near?.split(/\s+and\s+/i).map((s) => s.trim()) ?? [];
    if (targets.some((t) => !/^[A-Za-z0-9_\-.]+$/.test(t))) {
      throw new SigmaError(
        `Sigma 1 "| ${agg.text}" can only be translated with plain search identifiers after near`,
      );
    }
    const parts = [part('near0', exprText, cond.ast)];
    targets.forEach((t, i) => {
      parts.push(part(`near${i + 1}`, t, { op: 'id', name: t }));
    });
    const correlation: Correlation = {
      type: 'temporal',
      rules: parts.map((p) => p.id as string),
      groupBy: [],
      timespan,
      timespanText: det.timeframe,
      condition: {},
      aliases: {},
      generate: false,
    };
    return { corr: { ...corrBase, correlation }, parts };
  }
  throw new SigmaError(`Sigma 1 aggregation "| ${agg.text}" is not supported`);
}

function correlationDeps(ctx: Ctx, extra: SigmaRule[] = []): CorrelationDeps {
  const all = [...extra, ...(ctx.opts.rules ?? [])];
  return {
    ctx,
    resolve(ref, from) {
      const sameFile = (r: SigmaRule): boolean => r.source.file === from.source.file;
      const cands = all.filter((r) => r.kind !== 'filter' && (r.id === ref || r.name === ref));
      return cands.find(sameFile) ?? cands[0];
    },
    where: (r) => detectionWhere(r, ctx),
    fieldText: (f) => fieldText(f, ctx),
  };
}

/** Compiles a rule to SQL, or explains why it cannot be. */
export function compileRule(rule: SigmaRule, opts: CompileOptions): CompileResult {
  const ctx = new Ctx(opts);
  try {
    if (rule.kind === 'filter') {
      throw new SigmaError('a Sigma filter is not run on its own: it is applied to the rules it names');
    }
    if (rule.kind === 'correlation') {
      const { sql, groupColumns } = compileCorrelationSql(rule, correlationDeps(ctx), []);
      return { sql, kind: 'correlation', groupColumns, warnings: ctx.warnings };
    }
    if (rule.detection.conditions.some((c) => c.aggregation)) {
      if (opts.legacyAggregations === false) detectionWhereOnly(rule, ctx);
      const { corr, parts } = legacyAsCorrelation(rule);
      for (const p of parts) checkLogsource(p, ctx);
      const { sql, groupColumns } = compileCorrelationSql(corr, correlationDeps(ctx, parts), []);
      const agg = rule.detection.conditions[0].aggregation as LegacyAggregation;
      ctx.warnings.unshift(
        `Sigma 1 aggregation "| ${agg.text}" (timeframe ${rule.detection.timeframe}) compiled as a ${corr.correlation.type} correlation`,
      );
      return { sql, kind: 'correlation', groupColumns, warnings: ctx.warnings };
    }
    if (rule.detection.timeframe) {
      ctx.warnings.push(`timeframe ${rule.detection.timeframe} ignored: the condition has no aggregation`);
    }
    const { sql, where } = detectionSql(rule, ctx);
    return { sql, where, kind: 'detection', warnings: ctx.warnings };
  } catch (e) {
    if (e instanceof SigmaError) return { error: e.message };
    return { error: `internal error: ${(e as Error).message}` };
  }
}

export { parseLegacyAggregation };
