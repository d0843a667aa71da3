/**
 * Sigma values and modifiers: wildcard strings with `\` escapes, the transformation modifiers
 * (contains/startswith/endswith, base64, base64offset, utf16*, windash, expand) and the type
 * modifiers (re, cidr, exists, gt/gte/lt/lte, fieldref, cased, neq, time parts), turned into
 * backend-neutral `ValueTest`s the compiler renders to SQL.
 */
import { type FieldMatcher, SigmaError, SigmaNumber, type SigmaScalar } from './types.js';

/** One piece of a Sigma string: literal text or a wildcard. */
export type StrPart = string | { wildcard: '*' | '?' };

export interface SigmaStr {
  parts: StrPart[];
  /** set when the value was a YAML number (also compared numerically) */
  num?: number;
}

export const MULTI: StrPart = { wildcard: '*' };
export const SINGLE: StrPart = { wildcard: '?' };

/** Parses wildcards and escapes as pySigma does: `\*` `\?` `\\` are literals, a lone `\` is kept. */
export function parseSigmaString(s: string): SigmaStr {
  const parts: StrPart[] = [];
  let lit = '';
  const flush = (): void => {
    if (lit) parts.push(lit);
    lit = '';
  };
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      const n = s[i + 1];
      if (n === '*' || n === '?' || n === '\\') {
        lit += n;
        i++;
      } else lit += c;
    } else if (c === '*' || c === '?') {
      flush();
      parts.push(c === '*' ? MULTI : SINGLE);
    } else lit += c;
  }
  flush();
  return { parts };
}

/** A plain string (no wildcard interpretation). */
export function plainString(s: string): SigmaStr {
  return { parts: s ? [s] : [] };
}

export function hasWildcards(v: SigmaStr): boolean {
  return v.parts.some((p) => typeof p !== 'string');
}

export function plainText(v: SigmaStr): string {
  return v.parts.map((p) => (typeof p === 'string' ? p : p.wildcard)).join('');
}

/** Readable form with wildcards (escaping literal `*`, `?`, `\`). */
export function sigmaStringToText(v: SigmaStr): string {
  return v.parts.map((p) => (typeof p === 'string' ? p.replace(/[\\*?]/g, '\\$&') : p.wildcard)).join('');
}

function withPrefixWildcard(v: SigmaStr): SigmaStr {
  const first = v.parts[0];
  if (first && typeof first !== 'string' && first.wildcard === '*') return v;
  return { parts: [MULTI, ...v.parts] };
}

function withSuffixWildcard(v: SigmaStr): SigmaStr {
  const last = v.parts[v.parts.length - 1];
  if (last && typeof last !== 'string' && last.wildcard === '*') return v;
  return { parts: [...v.parts, MULTI] };
}

// ---------------------------------------------------------------------------------------------
// Modifiers

export const REGEX_FLAG_MODIFIERS: Record<string, 'i' | 'm' | 's'> = {
  i: 'i',
  ignorecase: 'i',
  m: 'm',
  multiline: 'm',
  s: 's',
  dotall: 's',
};

const TIME_PARTS = ['minute', 'hour', 'day', 'week', 'month', 'year'] as const;
export type TimePart = (typeof TIME_PARTS)[number];

const NUMERIC = ['gt', 'gte', 'lt', 'lte'] as const;
export type NumericOp = (typeof NUMERIC)[number];

/** Every modifier the engine knows; anything else is an "unknown modifier" error. */
export const KNOWN_MODIFIERS = new Set<string>([
  'contains',
  'startswith',
  'endswith',
  'all',
  'base64',
  'base64offset',
  'utf16le',
  'utf16be',
  'utf16',
  'wide',
  'windash',
  'expand',
  'cased',
  're',
  ...Object.keys(REGEX_FLAG_MODIFIERS),
  'cidr',
  'exists',
  ...NUMERIC,
  'neq',
  'fieldref',
  ...TIME_PARTS,
]);

export interface Cidr {
  version: 4 | 6;
  /** network address bytes (4 or 16), host bits cleared */
  bytes: number[];
  prefix: number;
  text: string;
}

/** What one value tests. `str` and `fieldref` honour `cased`; all honour `neq` at the matcher level. */
export type ValueTest =
  | { kind: 'str'; value: SigmaStr }
  | { kind: 're'; pattern: string; flags: string }
  | { kind: 'cidr'; cidr: Cidr }
  | { kind: 'num'; op: NumericOp | 'eq'; n: number }
  | { kind: 'null' }
  | { kind: 'exists'; exists: boolean }
  | { kind: 'fieldref'; field: string; mode: 'eq' | 'contains' | 'startswith' | 'endswith' }
  | { kind: 'time'; part: TimePart; op: NumericOp | 'eq'; n: number };

export interface CompiledMatcher {
  /** null for keyword (field-less) search */
  field: string | null;
  /** groups[i] = the alternatives one written value expanded to (OR); groups are OR-ed, or AND-ed with `all` */
  groups: ValueTest[][];
  all: boolean;
  cased: boolean;
  /** `neq`: the field must match none of the values */
  negate: boolean;
  modifiers: string[];
}

export interface ValueOptions {
  /** values for `%name%` placeholders of `|expand` */
  placeholders?: Record<string, string[]>;
}

function scalarText(v: SigmaScalar): string {
  if (v instanceof SigmaNumber) return v.text;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return String(v);
}

function scalarNumber(v: SigmaScalar, what: string): number {
  if (v instanceof SigmaNumber) {
    if (!Number.isFinite(v.value)) throw new SigmaError(`${what} needs a finite number, got ${v.text}`);
    return v.value;
  }
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  throw new SigmaError(`${what} needs a number, got ${JSON.stringify(v)}`);
}

// --- encodings -------------------------------------------------------------------------------

function utf16(text: string, endian: 'le' | 'be', bom: boolean): Uint8Array {
  const out: number[] = bom ? (endian === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]) : [];
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const lo = code & 0xff;
    const hi = code >> 8;
    if (endian === 'le') out.push(lo, hi);
    else out.push(hi, lo);
  }
  return Uint8Array.from(out);
}

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** The three base64 forms a value takes depending on its offset in the encoded data (as pySigma). */
export function base64Offsets(bytes: Uint8Array): string[] {
  const start = [0, 2, 3];
  const endTrim = [0, 3, 2];
  const out: string[] = [];
  for (let i = 0; i < 3; i++) {
    const padded = new Uint8Array(i + bytes.length);
    padded.fill(0x20, 0, i);
    padded.set(bytes, i);
    const enc = b64(padded);
    const trim = endTrim[(bytes.length + i) % 3];
    out.push(enc.slice(start[i], trim ? enc.length - trim : enc.length));
  }
  return out;
}

const WINDASH_CHARS = ['-', '/', '\u2013', '\u2014', '\u2015'];

/** All permutations of dash-like characters at option positions (`\B[-/]\b`, as pySigma). */
export function windashVariants(v: SigmaStr): SigmaStr[] {
  let variants: StrPart[][] = [[]];
  for (const p of v.parts) {
    if (typeof p !== 'string') {
      variants = variants.map((x) => [...x, p]);
      continue;
    }
    const pieces: string[][] = [];
    let last = 0;
    const re = /\B[-/]\b/g;
    for (let m = re.exec(p); m; m = re.exec(p)) {
      pieces.push([p.slice(last, m.index)]);
      pieces.push(WINDASH_CHARS);
      last = m.index + 1;
    }
    pieces.push([p.slice(last)]);
    let texts = [''];
    for (const alts of pieces) {
      const next: string[] = [];
      for (const t of texts) for (const a of alts) next.push(t + a);
      texts = next;
      if (texts.length > 625)
        throw new SigmaError('windash: too many dash positions in one value (more than 4)');
    }
    const nv: StrPart[][] = [];
    for (const x of variants) for (const t of texts) nv.push(t ? [...x, t] : [...x]);
    variants = nv;
  }
  return variants.map((parts) => ({ parts: mergeLiterals(parts) }));
}

function mergeLiterals(parts: StrPart[]): StrPart[] {
  const out: StrPart[] = [];
  for (const p of parts) {
    const prev = out[out.length - 1];
    if (typeof p === 'string' && typeof prev === 'string') out[out.length - 1] = prev + p;
    else if (p !== '') out.push(p);
  }
  return out;
}

// --- CIDR ------------------------------------------------------------------------------------

function parseIPv4(s: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const b = m.slice(1, 5).map(Number);
  return b.every((x) => x <= 255) ? b : null;
}

function parseIPv6(s: string): number[] | null {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return null;
  const dbl = s.split('::');
  if (dbl.length > 2) return null;
  const groups = (x: string): number[] | null => {
    if (x === '') return [];
    const out: number[] = [];
    const parts = x.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i];
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIPv4(p);
        if (!v4) return null;
        out.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(Number.parseInt(p, 16));
      else return null;
    }
    return out;
  };
  const head = groups(dbl[0]);
  const tail = dbl.length === 2 ? groups(dbl[1]) : [];
  if (!head || !tail) return null;
  let all: number[];
  if (dbl.length === 2) {
    const fill = 8 - head.length - tail.length;
    if (fill < 1) return null;
    all = [...head, ...new Array<number>(fill).fill(0), ...tail];
  } else all = head;
  if (all.length !== 8) return null;
  const bytes: number[] = [];
  for (const g of all) bytes.push(g >> 8, g & 0xff);
  return bytes;
}

export function parseCidr(text: string): Cidr {
  const t = text.trim();
  const [addr, pfx, ...rest] = t.split('/');
  if (rest.length) throw new SigmaError(`cidr: invalid network ${JSON.stringify(text)}`);
  const v4 = parseIPv4(addr);
  const bytes = v4 ?? parseIPv6(addr);
  if (!bytes) throw new SigmaError(`cidr: invalid network ${JSON.stringify(text)}`);
  const max = v4 ? 32 : 128;
  const prefix = pfx === undefined ? max : /^\d{1,3}$/.test(pfx) ? Number(pfx) : Number.NaN;
  if (!(prefix >= 0 && prefix <= max))
    throw new SigmaError(`cidr: invalid prefix length in ${JSON.stringify(text)}`);
  const masked = bytes.map((b, i) => {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    return b & ((0xff << (8 - bits)) & 0xff);
  });
  return { version: v4 ? 4 : 6, bytes: masked, prefix, text: t };
}

// --- regex checks ----------------------------------------------------------------------------

/**
 * Checks a Sigma regular expression: it must compile, and use only what RE2 (DuckDB) and Java
 * (Trino) both support: no look-around, no back-references, no possessive/atomic groups.
 */
export function checkRegex(pattern: string, flags: string): string | null {
  // character classes and escaped characters cannot hold the constructs looked for below
  const bare = pattern.replace(/\\./g, 'E').replace(/\[(?:\\.|[^\]\\])*\]/g, 'C');
  if (/\(\?<?[=!]/.test(bare)) return 'look-around assertions are not supported';
  if (/\(\?>/.test(bare)) return 'atomic groups are not supported';
  if (/\\[1-9]/.test(pattern.replace(/\\\\/g, ''))) return 'back-references are not supported';
  if (/[*+?}]\+/.test(bare)) return 'possessive quantifiers are not supported';
  // JavaScript has no inline flags or (?P<name>): validate the equivalent
  const js = pattern.replace(/^\(\?[imsU]+\)/, '').replace(/\(\?P</g, '(?<');
  try {
    new RegExp(js, flags);
  } catch (e) {
    return `invalid regular expression: ${(e as Error).message}`;
  }
  return null;
}

// --- placeholders ----------------------------------------------------------------------------

function expandPlaceholders(raw: string, opts: ValueOptions): string[] {
  const pieces: (string | string[])[] = [];
  let lit = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === '\\' && raw[i + 1] === '%') {
      lit += '\\%';
      i++;
    } else if (c === '%') {
      const end = raw.indexOf('%', i + 1);
      if (end === -1) {
        lit += c;
        continue;
      }
      const name = raw.slice(i + 1, end);
      const values = opts.placeholders?.[name];
      if (!values) {
        throw new SigmaError(
          `placeholder %${name}% has no values: pass them in the placeholders option (or keep the rule disabled)`,
        );
      }
      if (values.length === 0) throw new SigmaError(`placeholder %${name}% has an empty list of values`);
      pieces.push(lit);
      lit = '';
      pieces.push(values);
      i = end;
    } else lit += c;
  }
  pieces.push(lit);
  let out = [''];
  for (const p of pieces) {
    if (typeof p === 'string') out = out.map((o) => o + p);
    else {
      const next: string[] = [];
      for (const o of out) for (const v of p) next.push(o + v);
      out = next;
    }
    if (out.length > 10_000) throw new SigmaError('placeholders expand to more than 10000 values');
  }
  return out;
}

function unescapePercent(v: SigmaStr): SigmaStr {
  return { ...v, parts: v.parts.map((p) => (typeof p === 'string' ? p.replace(/\\%/g, '%') : p)) };
}

// --- the pipeline ----------------------------------------------------------------------------

/** Turns a field entry with its modifiers into tests (throws SigmaError with the reason). */
export function compileMatcher(m: FieldMatcher, opts: ValueOptions = {}): CompiledMatcher {
  const mods = m.modifiers.map((x) => x.toLowerCase());
  for (const x of mods) {
    if (!KNOWN_MODIFIERS.has(x)) throw new SigmaError(`unknown modifier "${x}" in "${m.key}"`);
  }
  const has = (x: string): boolean => mods.includes(x);
  const out: CompiledMatcher = {
    field: m.field,
    groups: [],
    all: has('all'),
    cased: has('cased'),
    negate: has('neq'),
    modifiers: mods,
  };
  const reFlags = [
    ...new Set(mods.filter((x) => x in REGEX_FLAG_MODIFIERS).map((x) => REGEX_FLAG_MODIFIERS[x])),
  ];
  if (reFlags.length && !has('re')) throw new SigmaError(`"${m.key}": regex flags need the re modifier`);
  const typeMods = ['re', 'cidr', 'exists', 'fieldref', ...NUMERIC, ...TIME_PARTS].filter(has);
  const timePart = TIME_PARTS.find(has);
  const numOp = NUMERIC.filter(has);
  if (numOp.length > 1) throw new SigmaError(`"${m.key}": only one of gt/gte/lt/lte is allowed`);
  const exclusive = typeMods.filter((x) => !(timePart && (NUMERIC as readonly string[]).includes(x)));
  if (exclusive.length > 1)
    throw new SigmaError(`"${m.key}": modifiers ${exclusive.join(', ')} cannot be combined`);
  const stringMods = [
    'contains',
    'startswith',
    'endswith',
    'base64',
    'base64offset',
    'windash',
    'wide',
    'utf16le',
    'utf16be',
    'utf16',
    'expand',
  ];
  const used = stringMods.filter(has);
  if (m.field === null && typeMods.length) {
    throw new SigmaError(`keyword search "${m.key}" cannot use ${typeMods.join(', ')}`);
  }

  if (m.values.length === 0) throw new SigmaError(`"${m.key}": empty list of values`);

  for (const raw of m.values) {
    if (raw === null) {
      if (typeMods.length || used.length)
        throw new SigmaError(`"${m.key}": null cannot be used with modifiers`);
      out.groups.push([{ kind: 'null' }]);
      continue;
    }
    const text = scalarText(raw);
    if (text.includes('\u0000')) throw new SigmaError(`"${m.key}": value contains a NUL character`);
    if (has('exists')) {
      const t = text.toLowerCase();
      if (t !== 'true' && t !== 'false') throw new SigmaError(`"${m.key}": exists needs true or false`);
      if (used.length) throw new SigmaError(`"${m.key}": exists cannot be combined with ${used.join(', ')}`);
      out.groups.push([{ kind: 'exists', exists: t === 'true' }]);
      continue;
    }
    if (has('re')) {
      if (used.length) throw new SigmaError(`"${m.key}": re cannot be combined with ${used.join(', ')}`);
      const problem = checkRegex(text, reFlags.join(''));
      if (problem) throw new SigmaError(`"${m.key}": ${problem}: ${JSON.stringify(text)}`);
      out.groups.push([{ kind: 're', pattern: text, flags: reFlags.sort().join('') }]);
      continue;
    }
    if (has('cidr')) {
      if (used.length) throw new SigmaError(`"${m.key}": cidr cannot be combined with ${used.join(', ')}`);
      out.groups.push([{ kind: 'cidr', cidr: parseCidr(text) }]);
      continue;
    }
    if (timePart) {
      const n = scalarNumber(raw, `"${m.key}"`);
      out.groups.push([{ kind: 'time', part: timePart, op: numOp[0] ?? 'eq', n }]);
      continue;
    }
    if (numOp.length) {
      if (used.length)
        throw new SigmaError(`"${m.key}": ${numOp[0]} cannot be combined with ${used.join(', ')}`);
      out.groups.push([{ kind: 'num', op: numOp[0], n: scalarNumber(raw, `"${m.key}"`) }]);
      continue;
    }
    if (has('fieldref')) {
      const bad = used.filter((x) => !['contains', 'startswith', 'endswith'].includes(x));
      if (bad.length || used.length > 1) {
        throw new SigmaError(
          `"${m.key}": fieldref can only be combined with one of contains/startswith/endswith`,
        );
      }
      if (!text) throw new SigmaError(`"${m.key}": fieldref needs a field name`);
      out.groups.push([{ kind: 'fieldref', field: text, mode: (used[0] as 'contains') ?? 'eq' }]);
      continue;
    }

    // string pipeline, modifiers applied in the written order
    type Cur = { s: SigmaStr } | { bytes: Uint8Array };
    let cur: Cur[];
    if (has('expand')) {
      cur = expandPlaceholders(text, opts).map((x) => ({ s: unescapePercent(parseSigmaString(x)) }));
    } else {
      const s = parseSigmaString(text);
      if (raw instanceof SigmaNumber) s.num = raw.value;
      cur = [{ s }];
    }
    const needText = (c: Cur, what: string): SigmaStr => {
      if ('s' in c) return c.s;
      throw new SigmaError(`"${m.key}": ${what} must come after an encoding modifier is turned into base64`);
    };
    const toBytes = (c: Cur, what: string): Uint8Array => {
      if ('bytes' in c) return c.bytes;
      if (hasWildcards(c.s)) throw new SigmaError(`"${m.key}": ${what} cannot encode a value with wildcards`);
      return new TextEncoder().encode(plainText(c.s));
    };
    for (const mod of mods) {
      switch (mod) {
        case 'wide':
        case 'utf16le':
        case 'utf16be':
        case 'utf16':
          cur = cur.map((c) => {
            const s = needText(c, mod);
            if (hasWildcards(s))
              throw new SigmaError(`"${m.key}": ${mod} cannot encode a value with wildcards`);
            const t = plainText(s);
            return { bytes: mod === 'utf16be' ? utf16(t, 'be', false) : utf16(t, 'le', mod === 'utf16') };
          });
          break;
        case 'base64':
          cur = cur.map((c) => ({ s: plainString(b64(toBytes(c, 'base64'))) }));
          break;
        case 'base64offset':
          cur = cur.flatMap((c) =>
            base64Offsets(toBytes(c, 'base64offset')).map((x) => ({ s: plainString(x) })),
          );
          break;
        case 'windash':
          cur = cur.flatMap((c) => windashVariants(needText(c, 'windash')).map((s) => ({ s })));
          break;
        case 'contains':
          cur = cur.map((c) => ({ s: withSuffixWildcard(withPrefixWildcard(needText(c, 'contains'))) }));
          break;
        case 'startswith':
          cur = cur.map((c) => ({ s: withSuffixWildcard(needText(c, 'startswith')) }));
          break;
        case 'endswith':
          cur = cur.map((c) => ({ s: withPrefixWildcard(needText(c, 'endswith')) }));
          break;
        default:
          break;
      }
    }
    out.groups.push(
      cur.map((c) => {
        if ('bytes' in c)
          throw new SigmaError(
            `"${m.key}": ${mods.join('|')} leaves binary data: add base64 or base64offset`,
          );
        return { kind: 'str', value: c.s } as ValueTest;
      }),
    );
  }
  return out;
}

export const TIME_PART_NAMES: readonly TimePart[] = TIME_PARTS;
