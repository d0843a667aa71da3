/**
 * Field mapping (data: rules/mappings/*.yaml) from Sigma field names to columns of the case store,
 * and from Sigma log sources to tables. Pure: the file is read by load.ts.
 */
import YAML from 'yaml';
import { type LogSource, SigmaError } from './types.js';

export type ColumnType = 'text' | 'boolean' | 'timestamp' | 'list' | 'number';

export interface FieldEntry {
  column: string;
  type: ColumnType;
  /** dotted path of the same value in the original record */
  raw?: string;
}

export interface PrefixEntry {
  column: string;
  /** dotted path inside the column where the prefix starts ('' = the column itself) */
  path: string;
  raw?: string;
  lax: boolean;
}

export interface LogsourceEntry {
  match: Record<string, string>;
  table: string;
}

export interface Mapping {
  name: string;
  logsources: LogsourceEntry[];
  unsupportedLogsource: string;
  table: string;
  timeColumn: string;
  rawColumn: string;
  uidColumn: string;
  keywordsColumn: string | null;
  output: string[];
  order: string[];
  fields: Map<string, FieldEntry>;
  prefixes: Map<string, PrefixEntry>;
  fallback: { column: string; lax: boolean };
  knownFields: Set<string>;
  /** field -> values records never have (lower-cased), and why */
  neverValues: Map<string, { values: string[]; why: string }>;
}

/** Where a Sigma field's value comes from. */
export type FieldSource =
  | { kind: 'column'; field: string; column: string; type: ColumnType; rawPath: string[] | null }
  | { kind: 'json'; field: string; column: string; path: string[]; lax: boolean; rawPath: string[] | null };

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

function need<T>(v: T | undefined | null, what: string): T {
  if (v === undefined || v === null) throw new SigmaError(`mapping: ${what} is missing`);
  return v;
}

function ident(v: unknown, what: string): string {
  if (typeof v !== 'string' || !IDENT.test(v)) throw new SigmaError(`mapping: ${what} must be a column name`);
  return v;
}

function obj(v: unknown, what: string): Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new SigmaError(`mapping: ${what} must be a map`);
  return v as Record<string, unknown>;
}

const TYPES = new Set<ColumnType>(['text', 'boolean', 'timestamp', 'list', 'number']);

/** Parses a mapping file's text (throws SigmaError naming what is wrong). */
export function parseMapping(text: string): Mapping {
  let doc: unknown;
  try {
    doc = YAML.parse(text);
  } catch (e) {
    throw new SigmaError(`mapping: invalid YAML: ${(e as Error).message}`);
  }
  const m = obj(doc, 'the document');
  const table = obj(need(m.table, 'table'), 'table');
  const logsources = need(m.logsources, 'logsources');
  if (!Array.isArray(logsources)) throw new SigmaError('mapping: logsources must be a list');
  const fields = new Map<string, FieldEntry>();
  for (const [k, v] of Object.entries(obj(m.fields ?? {}, 'fields'))) {
    const e = obj(v, `fields.${k}`);
    const type = (e.type ?? 'text') as ColumnType;
    if (!TYPES.has(type))
      throw new SigmaError(
        `mapping: fields.${k}.type ${JSON.stringify(e.type)} is not one of ${[...TYPES].join(', ')}`,
      );
    fields.set(k, {
      column: ident(e.column, `fields.${k}.column`),
      type,
      raw: typeof e.raw === 'string' ? e.raw : undefined,
    });
  }
  const prefixes = new Map<string, PrefixEntry>();
  for (const [k, v] of Object.entries(obj(m.prefixes ?? {}, 'prefixes'))) {
    const e = obj(v, `prefixes.${k}`);
    prefixes.set(k, {
      column: ident(e.column, `prefixes.${k}.column`),
      path: typeof e.path === 'string' ? e.path : '',
      raw: typeof e.raw === 'string' ? e.raw : undefined,
      lax: e.lax !== false,
    });
  }
  const fb = obj(m.fallback ?? { column: table.raw, lax: true }, 'fallback');
  const neverValues = new Map<string, { values: string[]; why: string }>();
  for (const [k, v] of Object.entries(obj(m.never_values ?? {}, 'never_values'))) {
    const e = obj(v, `never_values.${k}`);
    if (!Array.isArray(e.values)) throw new SigmaError(`mapping: never_values.${k}.values must be a list`);
    neverValues.set(k, { values: e.values.map((x) => String(x).toLowerCase()), why: String(e.why ?? '') });
  }
  return {
    name: String(m.name ?? 'mapping'),
    logsources: logsources.map((l, i) => {
      const e = obj(l, `logsources[${i}]`);
      const match: Record<string, string> = {};
      for (const [k, v] of Object.entries(e)) if (k !== 'table') match[k] = String(v).toLowerCase();
      return { match, table: ident(e.table, `logsources[${i}].table`) };
    }),
    unsupportedLogsource: String(m.unsupported_logsource ?? 'no table is mapped for this log source'),
    table: ident(table.name, 'table.name'),
    timeColumn: ident(table.time, 'table.time'),
    rawColumn: ident(table.raw, 'table.raw'),
    uidColumn: ident(table.uid ?? 'uid', 'table.uid'),
    keywordsColumn: table.keywords ? ident(table.keywords, 'table.keywords') : null,
    output: (need(table.output, 'table.output') as unknown[]).map((c, i) => ident(c, `table.output[${i}]`)),
    order: ((table.order ?? []) as unknown[]).map((c, i) => ident(c, `table.order[${i}]`)),
    fields,
    prefixes,
    fallback: { column: ident(fb.column, 'fallback.column'), lax: fb.lax !== false },
    knownFields: new Set(Array.isArray(m.known_fields) ? m.known_fields.map(String) : []),
    neverValues,
  };
}

/** The table a rule's log source maps to, or the reason it cannot be hunted. */
export function tableFor(mapping: Mapping, ls: LogSource): { table: string } | { error: string } {
  const rule: Record<string, string> = {};
  for (const k of ['product', 'service', 'category']) {
    const v = ls[k];
    if (typeof v === 'string') rule[k] = v.toLowerCase();
  }
  for (const entry of mapping.logsources) {
    if (Object.entries(entry.match).every(([k, v]) => rule[k] === v)) return { table: entry.table };
  }
  const desc = Object.entries(rule)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  return { error: `unsupported log source (${desc || 'empty'}): ${mapping.unsupportedLogsource}` };
}

/** Splits a dotted Sigma field name into path segments. */
export function splitPath(field: string): string[] {
  return field.split('.').filter((s) => s.length > 0);
}

/** Resolves a Sigma field name to its source in the case store. */
export function resolveField(mapping: Mapping, field: string): FieldSource {
  if (!field || field.trim() !== field) throw new SigmaError(`invalid field name ${JSON.stringify(field)}`);
  const f = mapping.fields.get(field);
  if (f) {
    return {
      kind: 'column',
      field,
      column: f.column,
      type: f.type,
      rawPath: f.raw ? splitPath(f.raw) : null,
    };
  }
  let best: [string, PrefixEntry] | null = null;
  for (const [p, e] of mapping.prefixes) {
    if ((field === p || field.startsWith(`${p}.`)) && (!best || p.length > best[0].length)) best = [p, e];
  }
  if (best) {
    const [p, e] = best;
    const rest = field === p ? [] : splitPath(field.slice(p.length + 1));
    const rawPath = e.raw !== undefined ? [...splitPath(e.raw), ...rest] : null;
    return {
      kind: 'json',
      field,
      column: e.column,
      path: [...splitPath(e.path), ...rest],
      lax: e.lax,
      rawPath,
    };
  }
  const path = splitPath(field);
  const onRaw = mapping.fallback.column === mapping.rawColumn;
  return {
    kind: 'json',
    field,
    column: mapping.fallback.column,
    path,
    lax: mapping.fallback.lax,
    rawPath: onRaw ? path : null,
  };
}

/** True when the field names something a record of this mapping can have (for the linter). */
export function isKnownField(mapping: Mapping, field: string): boolean {
  if (mapping.knownFields.size === 0) return true;
  if (mapping.fields.has(field)) return true;
  return mapping.knownFields.has(splitPath(field)[0] ?? '');
}
