/**
 * SQL dialects. Everything that differs between DuckDB (the case store) and Trino/Athena (hunting
 * at organisation scale) sits here: literals and identifiers, case-insensitive LIKE, regular
 * expressions, JSON extraction, CIDR tests, lists and lambdas, and timestamp arithmetic.
 *
 * Trino assumes the JSON columns hold JSON text (VARCHAR), as Athena's CloudTrail tables do.
 */
import type { ColumnType } from './mapping.js';
import type { Cidr, TimePart } from './values.js';

export interface Dialect {
  readonly name: 'duckdb' | 'trino';
  ident(name: string): string;
  str(s: string): string;
  num(n: number): string;
  /** case-insensitive equality with a literal */
  eqCi(e: string, lit: string): string;
  /** LIKE with `\` as escape; `ci` for case-insensitive */
  like(e: string, pattern: string, ci: boolean): string;
  /** regular-expression search (not anchored); flags among i, m, s */
  regex(e: string, pattern: string, flags: string): string;
  /** text of a column of the given type ('true'/'false' for booleans) */
  text(e: string, type: ColumnType): string;
  tryDouble(e: string): string;
  tryTimestamp(e: string): string;
  timePart(part: TimePart, ts: string): string;
  /** text at a plain JSON path: strings unquoted, objects/arrays as JSON text, JSON null as NULL */
  jsonText(col: string, path: string[]): string;
  /** the key exists at the path (even with a null value) */
  jsonExists(col: string, path: string[]): string;
  /**
   * The candidate texts of a path with lax semantics, as a list: arrays met on the path are
   * searched element by element; an object or array value contributes its JSON text and the texts
   * of the values inside it.
   */
  jsonLaxTexts(col: string, path: string[], v: string): string;
  /** true when some element of a list satisfies `body` (written in terms of `v`); never NULL */
  anyMatch(list: string, v: string, body: string): string;
  /** `body` with `v` bound to `e` (evaluates `e` once) */
  bind(e: string, v: string, body: string): string;
  /** the address in `e` is in the network (NULL or false otherwise) */
  cidr(e: string, c: Cidr, v: string): string;
  strContains(a: string, b: string): string;
  strStartsWith(a: string, b: string): string;
  strEndsWith(a: string, b: string): string;
  addSeconds(ts: string, seconds: number): string;
  /** a one-element list */
  listOf(e: string): string;
  /** aggregate: list of e in order */
  listAgg(e: string, orderBy: string): string;
  flatten(e: string): string;
  /** the first n elements of a list */
  listHead(e: string, n: number): string;
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

function quoteStr(s: string): string {
  if (s.includes('\u0000')) throw new Error('NUL character in an SQL literal');
  return `'${s.replace(/'/g, "''")}'`;
}

function num(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  return Object.is(n, -0) ? '0' : String(n);
}

/** A JSON path with every key quoted (`$."a b"."c"`). */
export function jsonPath(path: string[], prefix = '$'): string {
  return prefix + path.map((k) => `."${k.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join('');
}

function inlineFlags(pattern: string, flags: string): string {
  return flags ? `(?${flags})${pattern}` : pattern;
}

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4_RE = `${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}`;

function ipv4Range(c: Cidr): [number, number] {
  const base = ((c.bytes[0] << 24) >>> 0) + (c.bytes[1] << 16) + (c.bytes[2] << 8) + c.bytes[3];
  const size = 2 ** (32 - c.prefix);
  return [base, base + size - 1];
}

function ipv6Prefix(c: Cidr): { hex: string; nibble?: [number, number] } {
  const hexAll = c.bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
  const full = Math.floor(c.prefix / 4);
  const rem = c.prefix % 4;
  const out: { hex: string; nibble?: [number, number] } = { hex: hexAll.slice(0, full) };
  if (rem) {
    const lo = Number.parseInt(hexAll[full], 16);
    out.nibble = [lo, lo + 2 ** (4 - rem) - 1];
  }
  return out;
}

const duckBind = (e: string, v: string, body: string): string =>
  `list_transform([${e}], lambda ${v}: ${body})[1]`;

/** The network of a CIDR as text with host bits cleared (IPv6 uncompressed). */
export function cidrNetwork(c: Cidr): string {
  if (c.version === 4) return `${c.bytes.join('.')}/${c.prefix}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((c.bytes[i] << 8) | c.bytes[i + 1]).toString(16));
  return `${groups.join(':')}/${c.prefix}`;
}

export const duckdb: Dialect = {
  name: 'duckdb',
  ident: quoteIdent,
  str: quoteStr,
  num,
  eqCi: (e, lit) => `lower(${e}) = lower(${quoteStr(lit)})`,
  like: (e, p, ci) => `${e} ${ci ? 'ILIKE' : 'LIKE'} ${quoteStr(p)} ESCAPE '\\'`,
  regex: (e, p, flags) => `regexp_matches(${e}, ${quoteStr(inlineFlags(p, flags))})`,
  text: (e, type) => (type === 'text' ? e : `CAST(${e} AS VARCHAR)`),
  tryDouble: (e) => `TRY_CAST(${e} AS DOUBLE)`,
  tryTimestamp: (e) => `TRY_CAST(${e} AS TIMESTAMP)`,
  timePart: (part, ts) => `${part}(${ts})`,
  jsonText: (col, path) => `json_extract_string(${col}, ${quoteStr(jsonPath(path))})`,
  jsonExists: (col, path) => `COALESCE(json_exists(${col}, ${quoteStr(jsonPath(path))}), false)`,
  jsonLaxTexts(col, path, v) {
    let list = `[${col}]`;
    for (const k of path) {
      const one = quoteStr(jsonPath([k]));
      const each = quoteStr(jsonPath([k], '$[*]'));
      list = `flatten(list_transform(${list}, lambda ${v}: CASE WHEN json_type(${v}) = 'ARRAY' THEN json_extract(${v}, ${each}) ELSE [json_extract(${v}, ${one})] END))`;
    }
    return `flatten(list_transform(${list}, lambda ${v}: CASE WHEN json_type(${v}) IN ('OBJECT', 'ARRAY') THEN list_prepend(json_extract_string(${v}, '$'), json_extract_string(${v}, '$..*')) ELSE [json_extract_string(${v}, '$')] END))`;
  },
  anyMatch: (list, v, body) => `COALESCE(len(list_filter(${list}, lambda ${v}: ${body})) > 0, false)`,
  bind: duckBind,
  cidr(e, c, v) {
    if (c.version === 4) {
      const [lo, hi] = ipv4Range(c);
      const n = [1, 2, 3, 4]
        .map((i, k) => `TRY_CAST(split_part(${v}, '.', ${i}) AS BIGINT) * ${2 ** (24 - 8 * k)}`)
        .join(' + ');
      return duckBind(e, v, `regexp_full_match(${v}, '${IPV4_RE}') AND (${n}) BETWEEN ${lo} AND ${hi}`);
    }
    const { hex, nibble } = ipv6Prefix(c);
    const g = `${v}g`;
    const h = `${v}h`;
    const p = `${v}p`;
    const z = `${v}z`;
    // groups of the address with `::` expanded, then 32 hex digits
    const parts = `list_transform(string_split(split_part(lower(${v}), '%', 1), '::'), lambda ${p}: CASE WHEN ${p} = '' THEN []::VARCHAR[] ELSE string_split(${p}, ':') END)`;
    const groups = `CASE WHEN len(${g}) = 1 THEN ${g}[1] WHEN len(${g}) = 2 THEN list_concat(${g}[1], list_transform(range(8 - len(${g}[1]) - len(${g}[2])), lambda ${z}: '0'), ${g}[2]) END`;
    const hexExpr = `array_to_string(list_transform(${groups}, lambda ${z}: lpad(${z}, 4, '0')), '')`;
    const tests = [`regexp_full_match(${h}, '[0-9a-f]{32}')`];
    if (hex) tests.push(`substr(${h}, 1, ${hex.length}) = '${hex}'`);
    if (nibble) {
      tests.push(
        `strpos('0123456789abcdef', substr(${h}, ${hex.length + 1}, 1)) - 1 BETWEEN ${nibble[0]} AND ${nibble[1]}`,
      );
    }
    const onHex = duckBind(duckBind(parts, g, hexExpr), h, tests.join(' AND '));
    return duckBind(e, v, `${v} LIKE '%:%' AND ${onHex}`);
  },
  strContains: (a, b) => `strpos(${a}, ${b}) > 0`,
  strStartsWith: (a, b) => `starts_with(${a}, ${b})`,
  strEndsWith: (a, b) => `ends_with(${a}, ${b})`,
  addSeconds: (ts, s) => `(${ts} + INTERVAL (${num(s)}) SECOND)`,
  listOf: (e) => `[${e}]`,
  listAgg: (e, o) => `list(${e} ORDER BY ${o})`,
  flatten: (e) => `flatten(${e})`,
  listHead: (e, n) => `list_slice(${e}, 1, ${num(n)})`,
};

function trinoJsonText(j: string): string {
  return `IF(json_format(${j}) = 'null', NULL, COALESCE(json_extract_scalar(${j}, '$'), json_format(${j})))`;
}

export const trino: Dialect = {
  name: 'trino',
  ident: quoteIdent,
  str: quoteStr,
  num,
  eqCi: (e, lit) => `lower(${e}) = lower(${quoteStr(lit)})`,
  like: (e, p, ci) =>
    ci ? `lower(${e}) LIKE lower(${quoteStr(p)}) ESCAPE '\\'` : `${e} LIKE ${quoteStr(p)} ESCAPE '\\'`,
  regex: (e, p, flags) => `regexp_like(${e}, ${quoteStr(inlineFlags(p, flags))})`,
  text: (e, type) => (type === 'text' ? e : `CAST(${e} AS VARCHAR)`),
  tryDouble: (e) => `TRY_CAST(${e} AS DOUBLE)`,
  tryTimestamp: (e) => `try(from_iso8601_timestamp(${e}))`,
  timePart: (part, ts) => `${part}(${ts})`,
  jsonText: (col, path) =>
    `COALESCE(json_value(${col}, ${quoteStr(`lax ${jsonPath(path)}`)}), json_query(${col}, ${quoteStr(`lax ${jsonPath(path)}`)}))`,
  jsonExists: (col, path) => `COALESCE(json_exists(${col}, ${quoteStr(`strict ${jsonPath(path)}`)}), false)`,
  jsonLaxTexts(col, path, v) {
    const items = `CAST(json_parse(json_query(${col}, ${quoteStr(`lax ${jsonPath(path)}`)} WITH ARRAY WRAPPER)) AS ARRAY(JSON))`;
    const w = `${v}e`;
    return `flatten(transform(${items}, ${v} -> IF(json_array_length(${v}) IS NOT NULL, concat(ARRAY[${trinoJsonText(v)}], transform(CAST(${v} AS ARRAY(JSON)), ${w} -> ${trinoJsonText(w)})), ARRAY[${trinoJsonText(v)}])))`;
  },
  anyMatch: (list, v, body) => `COALESCE(any_match(${list}, ${v} -> COALESCE(${body}, false)), false)`,
  bind: (e, v, body) => `transform(ARRAY[${e}], ${v} -> ${body})[1]`,
  cidr: (e, c) => `contains(${quoteStr(cidrNetwork(c))}, TRY_CAST(${e} AS IPADDRESS))`,
  strContains: (a, b) => `strpos(${a}, ${b}) > 0`,
  strStartsWith: (a, b) => `starts_with(${a}, ${b})`,
  strEndsWith: (a, b) =>
    `(length(${b}) <= length(${a}) AND substr(${a}, length(${a}) - length(${b}) + 1) = ${b})`,
  addSeconds: (ts, s) => `(${ts} + INTERVAL '${num(s)}' SECOND)`,
  listOf: (e) => `ARRAY[${e}]`,
  listAgg: (e, o) => `array_agg(${e} ORDER BY ${o})`,
  flatten: (e) => `flatten(${e})`,
  listHead: (e, n) => `slice(${e}, 1, ${num(n)})`,
};

export const DIALECTS: Record<string, Dialect> = { duckdb, trino };

export function getDialect(name: string): Dialect {
  const d = DIALECTS[name.toLowerCase()];
  if (!d) throw new Error(`unknown SQL dialect "${name}" (known: ${Object.keys(DIALECTS).join(', ')})`);
  return d;
}
