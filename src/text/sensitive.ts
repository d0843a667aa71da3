/**
 * Sensitive-data detectors with validation: payment cards (Luhn + issuer ranges), US SSNs, IBANs (mod-97),
 * AWS access key ids and secret keys, PEM private keys, JWTs, e-mail addresses, phone numbers, passports
 * (with a context word) and IPv4 addresses. Every match carries a masked form that never holds the full value.
 *
 * All patterns are linear: bounded quantifiers, no nested repetition over the same characters.
 */
import { boundText } from './normalize.js';

export type SensitiveType =
  | 'credit_card'
  | 'us_ssn'
  | 'iban'
  | 'aws_access_key_id'
  | 'aws_secret_access_key'
  | 'private_key'
  | 'jwt'
  | 'email'
  | 'phone'
  | 'passport'
  | 'ipv4';

export interface SensitiveMatch {
  type: SensitiveType;
  /** offsets in the text given (UTF-16, end exclusive) */
  start: number;
  end: number;
  masked: string;
}

/** Types that are credentials (a leak is a secret leak), the others are personal data. */
export const SECRET_TYPES: ReadonlySet<SensitiveType> = new Set([
  'aws_access_key_id',
  'aws_secret_access_key',
  'private_key',
  'jwt',
]);

// ------------------------------------------------------------------ validators

/** Luhn checksum over a string of digits. */
export function luhnValid(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false;
  let sum = 0;
  let dbl = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 === 0;
}

/** Card brand from the issuer identification number and length, or null when no known range fits. */
export function cardBrand(digits: string): string | null {
  const n = digits.length;
  const p2 = Number(digits.slice(0, 2));
  const p3 = Number(digits.slice(0, 3));
  const p4 = Number(digits.slice(0, 4));
  const p6 = Number(digits.slice(0, 6));
  if (digits[0] === '4' && (n === 13 || n === 16 || n === 19)) return 'visa';
  if (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && n === 16) return 'mastercard';
  if ((p2 === 34 || p2 === 37) && n === 15) return 'amex';
  if (
    (p4 === 6011 || (p3 >= 644 && p3 <= 649) || p2 === 65 || (p6 >= 622126 && p6 <= 622925)) &&
    n >= 16 &&
    n <= 19
  )
    return 'discover';
  if (p4 >= 3528 && p4 <= 3589 && n >= 16 && n <= 19) return 'jcb';
  if (((p3 >= 300 && p3 <= 305) || p2 === 36 || p2 === 38 || p2 === 39) && n >= 14 && n <= 19)
    return 'diners';
  if (p2 === 62 && n >= 16 && n <= 19) return 'unionpay';
  if ((p2 === 50 || (p2 >= 56 && p2 <= 69)) && n >= 12 && n <= 19) return 'maestro';
  return null;
}

/** US SSN structure rules (area not 000/666/9xx, group not 00, serial not 0000, not one repeated digit). */
export function ssnValid(area: string, group: string, serial: string): boolean {
  if (area === '000' || area === '666' || area[0] === '9') return false;
  if (group === '00' || serial === '0000') return false;
  if (/^(\d)\1{8}$/.test(area + group + serial)) return false;
  return true;
}

/** IBAN length per country (ISO 13616 registry). */
export const IBAN_LENGTHS: Record<string, number> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22,
  CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22,
  GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30,
  KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20, LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27,
  MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33,
  SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26, UA: 29,
  VA: 22, VG: 24, XK: 20, YE: 30,
}; // biome-ignore format: table

/** IBAN mod-97 check on a compact (no spaces) upper-case IBAN, including its country length. */
export function ibanValid(compact: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(compact)) return false;
  const len = IBAN_LENGTHS[compact.slice(0, 2)];
  if (len === undefined || compact.length !== len) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let rem = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    const v = c >= 65 ? c - 55 : c - 48;
    rem = v >= 10 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  return rem === 1;
}

function base64urlDecode(s: string): string | null {
  try {
    return Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  } catch {
    return null;
  }
}

/** A JWT's header must decode to a JSON object with an `alg`. */
export function jwtValid(token: string): boolean {
  const parts = token.split('.');
  if (parts.length !== 3) return false;
  const header = base64urlDecode(parts[0]);
  if (!header) return false;
  try {
    const h = JSON.parse(header) as unknown;
    return typeof h === 'object' && h !== null && typeof (h as { alg?: unknown }).alg === 'string';
  } catch {
    return false;
  }
}

// ------------------------------------------------------------------ masking

function keepLast(value: string, n: number, fill = '*'): string {
  // mask every letter/digit except the last n, keep separators
  let alnum = 0;
  for (const ch of value) if (/[A-Za-z0-9]/.test(ch)) alnum++;
  let seen = 0;
  let out = '';
  for (const ch of value) {
    if (/[A-Za-z0-9]/.test(ch)) {
      seen++;
      out += seen > alnum - n ? ch : fill;
    } else out += ch;
  }
  return out;
}

/** Mask a sensitive value for display; never returns the full value. */
export function mask(value: string, type: SensitiveType): string {
  const v = value;
  let out: string;
  switch (type) {
    case 'credit_card': {
      const digits = v.replace(/\D/g, '');
      out = `**** **** **** ${digits.slice(-4)}`;
      break;
    }
    case 'us_ssn': {
      const digits = v.replace(/\D/g, '');
      out = `***-**-${digits.slice(-4)}`;
      break;
    }
    case 'iban': {
      const c = v.replace(/\s/g, '');
      out = `${c.slice(0, 2)}${'*'.repeat(Math.max(c.length - 6, 2))}${c.slice(-4)}`;
      break;
    }
    case 'aws_access_key_id':
      out = `${v.slice(0, 4)}${'*'.repeat(Math.max(v.length - 8, 4))}${v.slice(-4)}`;
      break;
    case 'aws_secret_access_key':
      out = `${'*'.repeat(Math.max(v.length - 4, 8))}${v.slice(-4)}`;
      break;
    case 'private_key': {
      const m = /-----BEGIN ([A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----/.exec(v);
      out = `-----BEGIN ${m ? m[1] : 'PRIVATE KEY'}----- [REDACTED]`;
      break;
    }
    case 'jwt': {
      const header = v.split('.')[0] ?? '';
      out = `${header.slice(0, 12)}…[REDACTED JWT]`;
      break;
    }
    case 'email': {
      const at = v.lastIndexOf('@');
      out = at > 0 ? `${v[0]}***${v.slice(at)}` : '***';
      break;
    }
    case 'phone':
      out = keepLast(v, 2);
      break;
    case 'passport':
      out = keepLast(v, 2);
      break;
    case 'ipv4': {
      const parts = v.split('.');
      out = parts.length === 4 ? `${parts[0]}.*.*.*` : '*.*.*.*';
      break;
    }
    default:
      out = '*'.repeat(v.length);
  }
  if (out === v || (v.length >= 4 && out.includes(v))) out = '*'.repeat(Math.max(v.length, 4));
  return out;
}

// ------------------------------------------------------------------ detectors

const CARD = /(?<![\d-])(?:\d[ -]?){11,18}\d(?![\d-])/g;
const SSN = /(?<![\d-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\d-])/g;
const SSN_COMPACT = /(?<!\d)(\d{3})(\d{2})(\d{4})(?!\d)/g;
const SSN_CONTEXT = /\b(?:ssn|social security|soc\.? sec|ss#|tin|taxpayer)/i;
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/g;
const AKID = /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z2-7]{16}(?![A-Z0-9])/g;
const SECRET40 = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;
const SECRET_CONTEXT = /aws_?secret|secret_?access_?key|secretaccesskey|aws secret|secret key/i;
const PEM =
  /-----BEGIN ((?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?)-----[\s\S]{0,16384}?-----END \1-----|-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----/g;
const JWT =
  /(?<![A-Za-z0-9_-])(?:eyJ|ewo|ew0)[A-Za-z0-9_-]{4,4096}\.[A-Za-z0-9_-]{2,8192}\.[A-Za-z0-9_-]{0,4096}(?![A-Za-z0-9_-])/g;
const EMAIL =
  /(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-])/g;
const PHONE_INTL = /(?<![\w+])\+[1-9][\d ().-]{6,20}\d(?!\d)/g;
const PHONE_US = /(?<![\w+-])(?:\(\d{3}\) ?|\d{3}[-. ])\d{3}[-. ]\d{4}(?![\d-])/g;
const PHONE_NATIONAL = /(?<![\w+-])0\d{1,4}(?:[ -]\d{2,4}){2,4}(?![\d-])/g;
const PHONE_CONTEXT =
  /\b(?:phone|tel|telephone|mobile|cell|call|fax|whatsapp|sms|text me|contact|reach me|ph|mob)\b/i;
const ORDER_CONTEXT =
  /\b(?:order|invoice|ticket|ref|reference|id|no|number|tracking|case|account|acct|sku|part|serial|po|item|transaction|confirmation|booking)\b\W{0,4}(?:#|no\.?|number|id)?\W{0,3}$/i;
const PASSPORT = /\bpassport(?:\s+(?:no\.?|number|num|#|id))?\s{0,3}[:#]?\s{0,3}([A-Z0-9]{6,9})\b/gi;
const IPV4 =
  /(?<![\d.])(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(?![\d.])/g;

function push(
  out: SensitiveMatch[],
  toOriginal: (i: number) => number,
  type: SensitiveType,
  start: number,
  end: number,
  value: string,
) {
  out.push({ type, start: toOriginal(start), end: toOriginal(end - 1) + 1, masked: mask(value, type) });
}

export interface FindSensitiveOptions {
  /** types to look for (default: all) */
  types?: readonly SensitiveType[];
}

/** Find validated sensitive values in a text (bounded to the first 64 KB + last 16 KB). */
export function findSensitive(text: string, opts: FindSensitiveOptions = {}): SensitiveMatch[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  const want = (t: SensitiveType) => !opts.types || opts.types.includes(t);
  const { bounded: s, toOriginal } = boundText(text);
  const out: SensitiveMatch[] = [];
  const taken: [number, number][] = [];
  const free = (a: number, b: number) => !taken.some(([x, y]) => a < y && x < b);
  const take = (a: number, b: number) => taken.push([a, b]);

  if (want('private_key') && s.includes('PRIVATE KEY')) {
    for (const m of s.matchAll(PEM)) {
      const a = m.index;
      const b = a + m[0].length;
      push(out, toOriginal, 'private_key', a, b, m[0]);
      take(a, b);
    }
  }
  if (want('jwt') && (s.includes('eyJ') || s.includes('ew'))) {
    for (const m of s.matchAll(JWT)) {
      const a = m.index;
      const b = a + m[0].length;
      if (!free(a, b) || !jwtValid(m[0])) continue;
      push(out, toOriginal, 'jwt', a, b, m[0]);
      take(a, b);
    }
  }
  const keyIds: number[] = [];
  if (
    (want('aws_access_key_id') || want('aws_secret_access_key')) &&
    (s.includes('AKIA') || s.includes('ASIA'))
  ) {
    for (const m of s.matchAll(AKID)) {
      keyIds.push(m.index);
      if (!want('aws_access_key_id') || !free(m.index, m.index + 20)) continue;
      push(out, toOriginal, 'aws_access_key_id', m.index, m.index + 20, m[0]);
      take(m.index, m.index + 20);
    }
  }
  if (want('aws_secret_access_key') && (keyIds.length > 0 || SECRET_CONTEXT.test(s))) {
    for (const m of s.matchAll(SECRET40)) {
      const a = m.index;
      const tok = m[0];
      // a secret key mixes cases and digits (a hex SHA-1 is 40 chars too)
      if (!/[a-z]/.test(tok) || !/[A-Z]/.test(tok) || !/\d/.test(tok) || !free(a, a + 40)) continue;
      const near =
        keyIds.some((k) => Math.abs(k - a) <= 300) || SECRET_CONTEXT.test(s.slice(Math.max(0, a - 120), a));
      if (!near) continue;
      push(out, toOriginal, 'aws_secret_access_key', a, a + 40, tok);
      take(a, a + 40);
    }
  }
  if (want('iban') && /[A-Z]{2}\d{2}/.test(s)) {
    for (const m of s.matchAll(IBAN)) {
      const raw = m[0];
      const len = IBAN_LENGTHS[raw.slice(0, 2)];
      if (len === undefined) continue;
      // walk the raw match until `len` alphanumerics (the regex may have taken a trailing word)
      let count = 0;
      let cut = 0;
      while (cut < raw.length && count < len) {
        if (raw[cut] !== ' ') count++;
        cut++;
      }
      if (count !== len) continue;
      const value = raw.slice(0, cut);
      const next = raw[cut];
      if (next !== undefined && next !== ' ') continue;
      const a = m.index;
      if (!free(a, a + cut) || !ibanValid(value.replace(/ /g, ''))) continue;
      push(out, toOriginal, 'iban', a, a + cut, value);
      take(a, a + cut);
    }
  }
  if (want('email') && s.includes('@')) {
    for (const m of s.matchAll(EMAIL)) {
      const a = m.index;
      const b = a + m[0].length;
      if (!free(a, b)) continue;
      push(out, toOriginal, 'email', a, b, m[0]);
      take(a, b);
    }
  }
  if (want('credit_card')) {
    for (const m of s.matchAll(CARD)) {
      const raw = m[0];
      const a = m.index;
      const digits = raw.replace(/\D/g, '');
      if (digits.length < 12 || digits.length > 19) continue;
      const seps = raw.replace(/\d/g, '');
      if (seps.length > 0 && !(/^ +$/.test(seps) || /^-+$/.test(seps))) continue;
      // separators, when present, split 4-4-4-4(-3), 4-6-5 (Amex) or 4-4-4-1..4
      if (seps.length > 0) {
        const groups = raw.split(/[ -]/).map((g) => g.length);
        const ok =
          groups.slice(0, -1).every((g) => g === 4) ||
          (groups.length === 3 && groups[0] === 4 && groups[1] === 6);
        if (!ok) continue;
      }
      if (/^(\d)\1+$/.test(digits) || !luhnValid(digits) || !cardBrand(digits)) continue;
      if (!free(a, a + raw.length)) continue;
      push(out, toOriginal, 'credit_card', a, a + raw.length, raw);
      take(a, a + raw.length);
    }
  }
  if (want('us_ssn')) {
    for (const m of s.matchAll(SSN)) {
      const a = m.index;
      const b = a + m[0].length;
      if (!free(a, b) || !ssnValid(m[1], m[3], m[4])) continue;
      // "123 45 6789" with spaces only counts near a context word
      if (m[2] === ' ' && !SSN_CONTEXT.test(s.slice(Math.max(0, a - 40), a))) continue;
      push(out, toOriginal, 'us_ssn', a, b, m[0]);
      take(a, b);
    }
    if (SSN_CONTEXT.test(s)) {
      for (const m of s.matchAll(SSN_COMPACT)) {
        const a = m.index;
        const b = a + 9;
        if (!free(a, b) || !ssnValid(m[1], m[2], m[3])) continue;
        if (!SSN_CONTEXT.test(s.slice(Math.max(0, a - 40), a))) continue;
        push(out, toOriginal, 'us_ssn', a, b, m[0]);
        take(a, b);
      }
    }
  }
  if (want('passport') && /passport/i.test(s)) {
    for (const m of s.matchAll(PASSPORT)) {
      const v = m[1];
      if (!/\d/.test(v)) continue;
      const a = m.index + m[0].length - v.length;
      if (!free(a, a + v.length)) continue;
      push(out, toOriginal, 'passport', a, a + v.length, v);
      take(a, a + v.length);
    }
  }
  if (want('phone')) {
    const consider = (a: number, raw: string, strict: boolean) => {
      const b = a + raw.length;
      const digits = raw.replace(/\D/g, '');
      if (digits.length < 8 || digits.length > 15 || !free(a, b)) return;
      const before = s.slice(Math.max(0, a - 30), a);
      if (ORDER_CONTEXT.test(before) && !PHONE_CONTEXT.test(before)) return;
      if (strict && !PHONE_CONTEXT.test(s.slice(Math.max(0, a - 40), a))) return;
      // dates and times are not phone numbers
      if (/^\d{4}[-. ]\d{2}[-. ]\d{2}$/.test(raw) || /^\d{2}[-. ]\d{2}[-. ]\d{4}$/.test(raw)) return;
      push(out, toOriginal, 'phone', a, b, raw);
      take(a, b);
    };
    if (s.includes('+')) {
      for (const m of s.matchAll(PHONE_INTL)) {
        // one separator at a time, balanced parentheses, groups of at most 4 digits after the country code
        if (/[ .-]{2}|\(\)|[ .-]\)/.test(m[0]) || m[0].split('(').length !== m[0].split(')').length) continue;
        consider(m.index, m[0], false);
      }
    }
    for (const m of s.matchAll(PHONE_US)) {
      const d = m[0].replace(/\D/g, '');
      // NANP: area and exchange codes start with 2-9
      if (d[0] < '2' || d[3] < '2') continue;
      consider(m.index, m[0], false);
    }
    for (const m of s.matchAll(PHONE_NATIONAL)) consider(m.index, m[0], true);
  }
  if (want('ipv4') && s.includes('.')) {
    for (const m of s.matchAll(IPV4)) {
      const a = m.index;
      const b = a + m[0].length;
      if (!free(a, b) || m[0] === '0.0.0.0') continue;
      if (/\b(?:v|version|ver)\s?$/i.test(s.slice(Math.max(0, a - 8), a))) continue;
      push(out, toOriginal, 'ipv4', a, b, m[0]);
      take(a, b);
    }
  }
  out.sort((x, y) => x.start - y.start || x.end - y.end);
  return out;
}

/** Number of validated matches per type (types with no match are absent). */
export function countSensitive(
  text: string,
  opts: FindSensitiveOptions = {},
): Partial<Record<SensitiveType, number>> {
  return countMatches(findSensitive(text, opts));
}

/** Number of matches per type from a list of matches. */
export function countMatches(matches: readonly SensitiveMatch[]): Partial<Record<SensitiveType, number>> {
  const out: Partial<Record<SensitiveType, number>> = {};
  for (const m of matches) out[m.type] = (out[m.type] ?? 0) + 1;
  return out;
}

/** The text with every sensitive value replaced by its masked form. */
export function redactSensitive(text: string, opts: FindSensitiveOptions = {}): string {
  const ms = findSensitive(text, opts);
  let out = '';
  let last = 0;
  for (const m of ms) {
    if (m.start < last) continue;
    out += text.slice(last, m.start) + m.masked;
    last = m.end;
  }
  return out + text.slice(last);
}
