/**
 * Parses Sigma YAML (one or several documents) into rules: detection rules, correlation rules and
 * filters. Structure and condition syntax are checked here; modifiers, fields and log sources are
 * checked when a rule is compiled.
 */
import YAML, { type Document, isAlias, isMap, isScalar, isSeq, type Node, Scalar } from 'yaml';
import { parseCondition } from './condition.js';
import {
  type CompareOp,
  type Correlation,
  type CorrelationType,
  type Detection,
  type DetectionNode,
  type FieldMatcher,
  type GenaiIrExtension,
  type LogSource,
  type ParsedCondition,
  type RuleSource,
  SigmaError,
  SigmaNumber,
  type SigmaParseResult,
  type SigmaRule,
  type SigmaScalar,
} from './types.js';

/** Top-level keys of the specification (rules, correlations, filters); others go to `extra`. */
const KNOWN_KEYS = new Set([
  'title',
  'id',
  'name',
  'related',
  'taxonomy',
  'status',
  'description',
  'license',
  'author',
  'references',
  'date',
  'modified',
  'logsource',
  'detection',
  'fields',
  'falsepositives',
  'level',
  'tags',
  'scope',
  'correlation',
  'filter',
  'generate',
]);

export const CORRELATION_TYPES: readonly CorrelationType[] = [
  'event_count',
  'value_count',
  'temporal',
  'temporal_ordered',
  'value_sum',
  'value_avg',
  'value_percentile',
];

const COMPARE_OPS: readonly CompareOp[] = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'];

type Js = SigmaScalar | Js[] | { [k: string]: Js };

/** YAML node to JS, keeping numbers' source text (`0x17`, `1.10`) as SigmaNumber. */
function toJs(node: unknown, doc: Document, text: string, budget: { nodes: number }, depth = 0): Js {
  if (depth > 64) throw new SigmaError('YAML nesting deeper than 64 levels');
  if (--budget.nodes < 0)
    throw new SigmaError('YAML document too large (more than 100000 nodes once aliases are expanded)');
  if (isAlias(node)) return toJs(node.resolve(doc), doc, text, budget, depth + 1);
  if (isMap(node)) {
    const o: { [k: string]: Js } = {};
    for (const pair of node.items) {
      const k = isScalar(pair.key) ? pair.key.value : pair.key;
      if (k !== null && typeof k === 'object') throw new SigmaError('map keys must be scalars');
      o[String(k)] = toJs(pair.value, doc, text, budget, depth + 1);
    }
    return o;
  }
  if (isSeq(node)) return node.items.map((x) => toJs(x, doc, text, budget, depth + 1));
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'number' || typeof v === 'bigint') {
      const src = node.range ? text.slice(node.range[0], node.range[1]).trim() : String(v);
      const plainSrc = node.type === Scalar.PLAIN && src ? src : String(v);
      return new SigmaNumber(plainSrc, Number(v));
    }
    if (v === null || v === undefined) return null;
    if (typeof v === 'boolean' || typeof v === 'string') return v;
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    return String(v);
  }
  if (node === null || node === undefined) return null;
  throw new SigmaError('unsupported YAML node');
}

/** SigmaNumber back to plain numbers, for metadata. */
function plain(v: Js): unknown {
  if (v instanceof SigmaNumber) return v.value;
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = plain(x);
    return o;
  }
  return v;
}

const isObj = (v: unknown): v is { [k: string]: Js } =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof SigmaNumber);

function optString(o: Record<string, Js>, k: string): string | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (v instanceof SigmaNumber || typeof v === 'boolean') return String(v);
  throw new SigmaError(`${k} must be a string`);
}

function stringList(o: Record<string, Js>, k: string): string[] {
  const v = o[k];
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [v];
  if (!Array.isArray(v)) throw new SigmaError(`${k} must be a list`);
  return v.map((x) => (x instanceof SigmaNumber ? x.text : String(x)));
}

function parseMatcherValues(key: string, v: Js): SigmaScalar[] {
  if (Array.isArray(v)) {
    return v.map((x) => {
      if (Array.isArray(x) || isObj(x)) throw new SigmaError(`"${key}": a value list may only hold scalars`);
      return x;
    });
  }
  if (isObj(v)) throw new SigmaError(`"${key}": a field's value cannot be a map`);
  return [v];
}

function fieldMatcher(key: string, v: Js): FieldMatcher {
  const [field, ...mods] = key.split('|');
  return {
    type: 'field',
    field: field.trim() === '' ? null : field.trim(),
    modifiers: mods.map((m) => m.trim()).filter((m) => m !== ''),
    values: parseMatcherValues(key, v),
    key,
  };
}

function parseSearch(name: string, v: Js): DetectionNode {
  if (isObj(v)) {
    const entries = Object.entries(v);
    if (entries.length === 0) throw new SigmaError(`search identifier "${name}" is an empty map`);
    return { type: 'and', items: entries.map(([k, x]) => fieldMatcher(k, x)) };
  }
  if (Array.isArray(v)) {
    if (v.length === 0) throw new SigmaError(`search identifier "${name}" is an empty list`);
    const items: DetectionNode[] = [];
    const keywords: SigmaScalar[] = [];
    for (const x of v) {
      if (isObj(x)) {
        const entries = Object.entries(x);
        if (entries.length === 0) throw new SigmaError(`search identifier "${name}" holds an empty map`);
        items.push({ type: 'and', items: entries.map(([k, y]) => fieldMatcher(k, y)) });
      } else if (Array.isArray(x)) {
        throw new SigmaError(`search identifier "${name}": nested lists are not allowed`);
      } else if (x === null) {
        throw new SigmaError(`search identifier "${name}": null keyword`);
      } else keywords.push(x);
    }
    if (keywords.length)
      items.unshift({ type: 'field', field: null, modifiers: [], values: keywords, key: name });
    return items.length === 1 ? items[0] : { type: 'or', items };
  }
  if (v === null) throw new SigmaError(`search identifier "${name}" is empty`);
  return { type: 'field', field: null, modifiers: [], values: [v], key: name };
}

export function parseDetection(v: Js, what = 'detection'): Detection {
  if (!isObj(v)) throw new SigmaError(`${what} must be a map`);
  const cond = v.condition;
  if (cond === undefined || cond === null) throw new SigmaError(`${what}.condition is missing`);
  const condTexts = Array.isArray(cond) ? cond : [cond];
  if (condTexts.length === 0) throw new SigmaError(`${what}.condition is an empty list`);
  const conditions: ParsedCondition[] = condTexts.map((c) => {
    if (typeof c !== 'string')
      throw new SigmaError(`${what}.condition must be a string or a list of strings`);
    return parseCondition(c);
  });
  const searches = new Map<string, DetectionNode>();
  let timeframe: string | undefined;
  for (const [k, x] of Object.entries(v)) {
    if (k === 'condition') continue;
    if (k === 'timeframe') {
      timeframe = x instanceof SigmaNumber ? x.text : String(x);
      continue;
    }
    searches.set(k, parseSearch(k, x));
  }
  return { searches, conditions, timeframe };
}

/** `30s`, `5m`, `1h`, `2d` (and `1w`) to seconds. */
export function parseTimespan(t: string): number {
  const m = /^\s*(\d{1,9})\s*([smhdw])\s*$/.exec(t);
  if (!m)
    throw new SigmaError(`timespan ${JSON.stringify(t)} must be a number and one of s, m, h, d (e.g. 5m)`);
  const n = Number(m[1]);
  if (n <= 0) throw new SigmaError(`timespan ${JSON.stringify(t)} must be positive`);
  return n * { s: 1, m: 60, h: 3600, d: 86400, w: 604800 }[m[2] as 's'];
}

function parseCorrelation(v: Js, top: Record<string, Js>): Correlation {
  if (!isObj(v)) throw new SigmaError('correlation must be a map');
  const type = v.type;
  if (typeof type !== 'string' || !CORRELATION_TYPES.includes(type as CorrelationType)) {
    throw new SigmaError(`correlation.type must be one of ${CORRELATION_TYPES.join(', ')}`);
  }
  const rules = stringList(v, 'rules');
  if (rules.length === 0) throw new SigmaError('correlation.rules is missing or empty');
  const groupBy = stringList(v, 'group-by');
  const ts = v.timespan;
  if (ts === undefined || ts === null) throw new SigmaError('correlation.timespan is missing');
  const timespanText = ts instanceof SigmaNumber ? ts.text : String(ts);
  const condition: Partial<Record<CompareOp, number>> = {};
  let field: string | undefined;
  const cond = v.condition;
  if (cond !== undefined && cond !== null) {
    if (!isObj(cond)) throw new SigmaError('correlation.condition must be a map such as {gte: 10}');
    for (const [k, x] of Object.entries(cond)) {
      if (k === 'field') {
        if (Array.isArray(x)) {
          if (x.length !== 1)
            throw new SigmaError('correlation.condition.field with several fields is not supported');
          field = String(x[0]);
        } else field = String(x);
      } else if ((COMPARE_OPS as readonly string[]).includes(k)) {
        const n = x instanceof SigmaNumber ? x.value : typeof x === 'string' ? Number(x) : Number.NaN;
        if (!Number.isFinite(n)) throw new SigmaError(`correlation.condition.${k} must be a number`);
        condition[k as CompareOp] = n;
      } else
        throw new SigmaError(
          `correlation.condition: unknown operator "${k}" (use ${COMPARE_OPS.join(', ')})`,
        );
    }
  }
  if (v.field !== undefined && field === undefined) field = String(v.field);
  const hasOp = Object.keys(condition).length > 0;
  const t = type as CorrelationType;
  if (['event_count', 'value_count', 'value_sum', 'value_avg', 'value_percentile'].includes(t) && !hasOp) {
    throw new SigmaError(
      `correlation.condition with an operator (gt, gte, lt, lte, eq, neq) is required for ${t}`,
    );
  }
  if (t.startsWith('value_') && !field)
    throw new SigmaError(`correlation.condition.field is required for ${t}`);
  const aliases: Record<string, Record<string, string>> = {};
  if (v.aliases !== undefined && v.aliases !== null) {
    if (!isObj(v.aliases)) throw new SigmaError('correlation.aliases must be a map');
    for (const [alias, m] of Object.entries(v.aliases)) {
      if (!isObj(m)) throw new SigmaError(`correlation.aliases.${alias} must map rule names to fields`);
      aliases[alias] = Object.fromEntries(Object.entries(m).map(([r, f]) => [r, String(f)]));
    }
  }
  const gen = v.generate ?? top.generate;
  return {
    type: t,
    rules,
    groupBy,
    timespan: parseTimespan(timespanText),
    timespanText,
    condition,
    field,
    aliases,
    generate: gen === true,
  };
}

function parseGenaiIr(v: Js): GenaiIrExtension {
  if (!isObj(v)) throw new SigmaError('genai_ir must be a map');
  const out = plain(v) as GenaiIrExtension;
  for (const k of ['elements', 'components', 'attack'] as const) {
    const x = out[k];
    if (x !== undefined && !(Array.isArray(x) && x.every((e) => typeof e === 'string'))) {
      throw new SigmaError(`genai_ir.${k} must be a list of strings`);
    }
  }
  if (out.severity !== undefined && typeof out.severity !== 'string')
    throw new SigmaError('genai_ir.severity must be a string');
  return out;
}

function parseLogsource(v: Js): LogSource {
  if (!isObj(v)) throw new SigmaError('logsource must be a map');
  const out: LogSource = {};
  for (const [k, x] of Object.entries(v)) out[k] = x instanceof SigmaNumber ? x.text : (plain(x) as string);
  return out;
}

function parseDocument(o: Js, source: RuleSource): SigmaRule {
  if (!isObj(o)) throw new SigmaError('a Sigma document must be a map');
  const title = o.title;
  if (typeof title !== 'string' || title.trim() === '') throw new SigmaError('title is missing');
  const extra: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(o)) if (!KNOWN_KEYS.has(k)) extra[k] = plain(x);
  const warnings: string[] = [];
  const base = {
    title,
    id: optString(o, 'id'),
    name: optString(o, 'name'),
    status: optString(o, 'status'),
    description: optString(o, 'description'),
    author: optString(o, 'author'),
    level: optString(o, 'level'),
    tags: stringList(o, 'tags'),
    references: stringList(o, 'references'),
    falsepositives: stringList(o, 'falsepositives'),
    date: optString(o, 'date'),
    modified: optString(o, 'modified'),
    taxonomy: optString(o, 'taxonomy'),
    genaiIr: o.genai_ir !== undefined ? parseGenaiIr(o.genai_ir) : undefined,
    extra,
    source,
    warnings,
  };
  if (o.correlation !== undefined) {
    if (o.detection !== undefined)
      throw new SigmaError('a document cannot have both correlation and detection');
    return { ...base, kind: 'correlation', correlation: parseCorrelation(o.correlation, o) };
  }
  if (o.filter !== undefined && o.detection === undefined) {
    if (!isObj(o.filter)) throw new SigmaError('filter must be a map');
    const { rules, ...rest } = o.filter;
    const refs = stringList({ rules }, 'rules');
    if (refs.length === 0) throw new SigmaError('filter.rules is missing or empty');
    if (o.logsource === undefined) throw new SigmaError('logsource is missing');
    return {
      ...base,
      kind: 'filter',
      logsource: parseLogsource(o.logsource),
      rules: refs,
      detection: parseDetection(rest, 'filter'),
    };
  }
  if (o.logsource === undefined) throw new SigmaError('logsource is missing');
  if (o.detection === undefined) throw new SigmaError('detection is missing');
  return {
    ...base,
    kind: 'detection',
    logsource: parseLogsource(o.logsource),
    detection: parseDetection(o.detection),
    fields: stringList(o, 'fields'),
  };
}

function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

/**
 * Parses the text of a Sigma file. Every document becomes a rule or an error naming the file,
 * the document and the reason; nothing is dropped silently.
 */
export function parseSigma(yamlText: string, source = '<text>'): SigmaParseResult {
  const out: SigmaParseResult = { rules: [], errors: [] };
  let docs: Document.Parsed[];
  try {
    docs = YAML.parseAllDocuments(yamlText, { uniqueKeys: true }) as Document.Parsed[];
  } catch (e) {
    out.errors.push({ file: source, error: `invalid YAML: ${(e as Error).message}` });
    return out;
  }
  if (!Array.isArray(docs)) {
    out.errors.push({ file: source, error: 'invalid YAML' });
    return out;
  }
  docs.forEach((doc, i) => {
    const line = doc.range ? lineOf(yamlText, doc.range[0]) : undefined;
    if (doc.errors.length) {
      const e = doc.errors[0];
      out.errors.push({
        file: source,
        doc: i,
        line: e.linePos?.[0]?.line ?? line,
        error: `invalid YAML: ${e.message.split('\n')[0]}`,
      });
      return;
    }
    const contents = doc.contents as Node | null;
    if (contents === null || (isScalar(contents) && contents.value === null)) return; // empty document
    try {
      const js = toJs(contents, doc, yamlText, { nodes: 100_000 });
      const rule = parseDocument(js, { file: source, doc: i, line });
      for (const w of doc.warnings) rule.warnings.push(`YAML: ${w.message.split('\n')[0]}`);
      out.rules.push(rule);
    } catch (e) {
      const msg = e instanceof SigmaError ? e.message : `cannot read the document: ${(e as Error).message}`;
      out.errors.push({ file: source, doc: i, line, error: msg });
    }
  });
  return out;
}
