/**
 * Correlation rules -> SQL over the matches of the rules they refer to.
 *
 * Windows slide: every matched event opens a window [t, t + timespan] in its group and the
 * window's measure is computed (events, distinct values, sum, average, distinct rules, or an
 * ordered chain of rules).
 * - Conditions with lower bounds only (gt, gte; temporal; temporal_ordered): the windows that
 *   satisfy the condition are hits, merged when they overlap.
 * - Conditions with an upper bound (lt, lte, eq, neq): the group's events are cut into bursts
 *   (events less than timespan apart) and a burst is a hit when its busiest window satisfies the
 *   condition, so six events in five minutes are never reported as "at most five".
 * One output row per hit and group: the group-by values, first and last time, the number of
 * events, the best window's measure (`value`) and the uids of the events (the first `maxUids`).
 *
 * Correlations can be chained: a referenced correlation's groups act as events at their last time.
 */
import type { Ctx } from './compile.js';
import {
  type CompareOp,
  type SigmaCorrelationRule,
  type SigmaDetectionRule,
  SigmaError,
  type SigmaRule,
} from './types.js';

export interface CorrelationDeps {
  ctx: Ctx;
  resolve(ref: string, from: SigmaRule): SigmaRule | undefined;
  where(rule: SigmaDetectionRule): { table: string; where: string };
  fieldText(field: string): string;
}

const OPS: Record<CompareOp, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=', eq: '=', neq: '<>' };

function ruleKey(r: SigmaRule): string {
  return r.id ?? r.name ?? r.title;
}

/** The field a group-by name stands for in one referenced rule (through aliases). */
function groupField(name: string, corr: SigmaCorrelationRule, ref: string, r: SigmaRule): string {
  const alias = corr.correlation.aliases[name];
  if (!alias) return name;
  for (const k of [r.name, r.id, ref]) if (k !== undefined && alias[k] !== undefined) return alias[k];
  throw new SigmaError(`alias "${name}" names no field for rule "${ref}"`);
}

export function compileCorrelationSql(
  rule: SigmaCorrelationRule,
  deps: CorrelationDeps,
  stack: string[],
): { sql: string; groupColumns: string[] } {
  const { ctx } = deps;
  const { d, mapping } = ctx;
  const c = rule.correlation;
  const key = ruleKey(rule);
  if (stack.includes(key)) throw new SigmaError(`correlation chain loops: ${[...stack, key].join(' -> ')}`);
  if (c.type === 'value_percentile') {
    throw new SigmaError(
      'value_percentile correlations are not supported (the specification leaves the percentile semantics open)',
    );
  }
  const needsValue = c.type.startsWith('value_');
  const g = c.groupBy.map((_, i) => `g${i}`);
  const span = c.timespan;
  const maxUids = ctx.opts.maxUids ?? 500;

  const sources = c.rules.map((ref, i) => {
    const r = deps.resolve(ref, rule);
    if (!r) throw new SigmaError(`correlation refers to rule "${ref}", which is not among the loaded rules`);
    const fields = c.groupBy.map((name) => groupField(name, rule, ref, r));
    if (r.kind === 'detection') {
      let w: { table: string; where: string };
      try {
        w = deps.where(r);
      } catch (e) {
        if (e instanceof SigmaError) throw new SigmaError(`rule "${ref}": ${e.message}`);
        throw e;
      }
      const cols = [
        `${d.ident(mapping.timeColumn)} AS t`,
        `${d.listOf(d.ident(mapping.uidColumn))} AS uids`,
        ...fields.map((f, k) => `${deps.fieldText(f)} AS ${g[k]}`),
        `${needsValue ? deps.fieldText(c.field as string) : 'CAST(NULL AS VARCHAR)'} AS v`,
        `${i} AS r`,
      ];
      return `SELECT ${cols.join(', ')} FROM ${d.ident(w.table)} WHERE ${w.where}`;
    }
    if (r.kind === 'correlation') {
      if (needsValue)
        throw new SigmaError(`${c.type} cannot count values over the groups of correlation "${ref}"`);
      const inner = compileCorrelationSql(r, deps, [...stack, key]);
      const cols = [
        't',
        'uids',
        ...fields.map((f, k) => {
          if (!r.correlation.groupBy.includes(f)) {
            throw new SigmaError(
              `group-by "${f}" is not a group-by field of the referenced correlation "${ref}"`,
            );
          }
          return `${d.ident(f)} AS ${g[k]}`;
        }),
        'CAST(NULL AS VARCHAR) AS v',
        `${i} AS r`,
      ];
      return `SELECT ${cols.join(', ')} FROM (SELECT *, last_time AS t FROM (${inner.sql}) AS inner${i}) AS c${i}`;
    }
    throw new SigmaError(`correlation refers to "${ref}", which is a filter`);
  });

  const gj = (a: string, b: string): string[] => g.map((x) => `${b}.${x} IS NOT DISTINCT FROM ${a}.${x}`);
  const on = (conds: string[]): string => conds.join(' AND ');
  const sel = (a: string): string => g.map((x) => `${a}.${x}, `).join('');
  const part = g.length ? `PARTITION BY ${g.join(', ')} ` : '';
  const cte: string[] = [];
  sources.forEach((s, i) => {
    cte.push(`s${i} AS (${s})`);
  });
  const cols = ['t', 'uids', ...g, 'v', 'r'].join(', ');
  const gl = g.map((x) => `${x}, `).join('');
  cte.push(`m AS (${sources.map((_, i) => `SELECT ${cols} FROM s${i}`).join(' UNION ALL ')})`);

  const condSql = (n: string): string => {
    const entries = Object.entries(c.condition) as [CompareOp, number][];
    if (entries.length === 0) {
      if (c.type === 'temporal') return `${n} >= ${c.rules.length}`;
      throw new SigmaError(`${c.type} needs a condition`);
    }
    return entries.map(([op, v]) => `${n} ${OPS[op]} ${d.num(v)}`).join(' AND ');
  };
  const upperBound =
    c.type !== 'temporal_ordered' && Object.keys(c.condition).some((op) => op !== 'gt' && op !== 'gte');

  if (c.type === 'temporal_ordered') {
    if (Object.keys(c.condition).length) {
      ctx.warnings.push('temporal_ordered: the condition is ignored, all rules must match in order');
    }
    cte.push(`c0 AS (SELECT DISTINCT ${gl}t AS ws, t AS cur FROM m WHERE r = 0)`);
    for (let i = 1; i < c.rules.length; i++) {
      const join = on([
        `b.r = ${i}`,
        ...gj('a', 'b'),
        'b.t >= a.cur',
        `b.t <= ${d.addSeconds('a.ws', span)}`,
      ]);
      cte.push(
        `c${i} AS (SELECT ${sel('a')}a.ws, MIN(b.t) AS cur FROM c${i - 1} a JOIN m b ON ${join} GROUP BY ${sel('a')}a.ws)`,
      );
    }
    cte.push(`q AS (SELECT ${gl}ws, cur AS we, ${c.rules.length} AS n FROM c${c.rules.length - 1})`);
  } else {
    const agg =
      c.type === 'event_count'
        ? 'COUNT(*)'
        : c.type === 'value_count'
          ? 'COUNT(DISTINCT b.v)'
          : c.type === 'value_sum'
            ? `SUM(${d.tryDouble('b.v')})`
            : c.type === 'value_avg'
              ? `AVG(${d.tryDouble('b.v')})`
              : 'COUNT(DISTINCT b.r)';
    const join = on([...gj('a', 'b'), 'b.t >= a.t', `b.t <= ${d.addSeconds('a.t', span)}`]);
    cte.push(
      `w AS (SELECT ${sel('a')}a.t AS ws, ${agg} AS n FROM (SELECT DISTINCT ${gl}t FROM m) a JOIN m b ON ${join} GROUP BY ${sel('a')}a.t)`,
    );
    if (!upperBound) {
      cte.push(`q AS (SELECT ${gl}ws, ${d.addSeconds('ws', span)} AS we, n FROM w WHERE ${condSql('n')})`);
    }
  }
  if (upperBound) {
    // bursts: matched events of a group less than timespan apart, judged by their busiest window
    cte.push(`p AS (SELECT ${gl}ws, n, LAG(ws) OVER (${part}ORDER BY ws) AS pt FROM w)`);
    cte.push(
      `i AS (SELECT ${gl}ws, n, SUM(CASE WHEN pt IS NOT NULL AND ws <= ${d.addSeconds('pt', span)} THEN 0 ELSE 1 END) OVER (${part}ORDER BY ws ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS isl FROM p)`,
    );
    cte.push(
      `k AS (SELECT ${gl}isl, MIN(ws) AS s_start, MAX(ws) AS s_end, MAX(n) AS n FROM i GROUP BY ${gl}isl HAVING ${condSql('MAX(n)')})`,
    );
  } else {
    // qualifying windows that overlap merge into one hit
    cte.push(
      `p AS (SELECT ${gl}ws, we, n, MAX(we) OVER (${part}ORDER BY ws ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS pe FROM q)`,
    );
    cte.push(
      `i AS (SELECT ${gl}ws, we, n, SUM(CASE WHEN ws <= pe THEN 0 ELSE 1 END) OVER (${part}ORDER BY ws ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS isl FROM p)`,
    );
    cte.push(
      `k AS (SELECT ${gl}isl, MIN(ws) AS s_start, MAX(we) AS s_end, MAX(n) AS n FROM i GROUP BY ${gl}isl)`,
    );
  }
  cte.push(`ev AS (SELECT DISTINCT ${gl}t, uids FROM m)`);

  const outCols = [
    ...c.groupBy.map((name, k) => `k.${g[k]} AS ${d.ident(name)}`),
    'MIN(e.t) AS first_time',
    'MAX(e.t) AS last_time',
    'COUNT(*) AS event_count',
    `MAX(k.n) AS ${d.ident('value')}`,
    `${d.listHead(d.flatten(d.listAgg('e.uids', 'e.t')), maxUids)} AS uids`,
  ];
  const join = on([...gj('k', 'e'), 'e.t >= k.s_start', 'e.t <= k.s_end']);
  const limit =
    ctx.opts.limit !== undefined && stack.length === 0
      ? ` LIMIT ${d.num(Math.max(0, Math.floor(ctx.opts.limit)))}`
      : '';
  const order = ['first_time', ...c.groupBy.map((n) => d.ident(n))].join(', ');
  const sql = `WITH ${cte.join(',\n')}\nSELECT ${outCols.join(', ')} FROM k JOIN ev e ON ${join} GROUP BY ${sel('k')}k.isl ORDER BY ${order}${limit}`;
  return { sql, groupColumns: [...c.groupBy] };
}
