/**
 * Bounded decoders for obfuscated payloads: base64 / base64url, hex (plain and \x escapes), URL encoding,
 * HTML numeric entities, \u escapes, ROT13, leetspeak, reversed text and spaced-out letters.
 *
 * Decoders only return text that looks like natural language (mostly printable, with letters and spaces), so a
 * base64 blob from a log line, a hash or an image data URI decodes to nothing and cannot raise a verdict.
 */

export type Encoding = 'base64' | 'hex' | 'url' | 'html_entities' | 'unicode_escapes';

export interface Decoded {
  encoding: Encoding;
  text: string;
  /** [start, end) of the encoded token in the text that was scanned */
  start: number;
  end: number;
}

/** Limits per scanned text. */
export const MAX_DECODED_SEGMENTS = 12;
export const MAX_DECODED_CHARS = 32 * 1024;
const MAX_TOKEN = 24 * 1024;

const B64_TOKEN = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{16,}={0,2}/g;
const HEX_TOKEN = /(?<![0-9a-fA-F])(?:[0-9a-fA-F]{2}[ :]?){10,}/g;
const HEX_ESC = /(?:\\x[0-9a-fA-F]{2}){6,}/g;
const URL_RUN = /[^\s%]{0,200}(?:%[0-9a-fA-F]{2}[^\s%]{0,200}){3,}/g;
const HTML_ENT = /(?:&#(?:x[0-9a-fA-F]{1,6}|\d{1,7});[^\s&]{0,3}){4,}/g;
const U_ESC = /(?:\\u[0-9a-fA-F]{4}[^\s\\]{0,3}){4,}/g;

/** Is this decoded string plausible natural-language text worth re-analysing? */
export function looksLikeText(s: string): boolean {
  if (s.length < 6) return false;
  let printable = 0;
  let letters = 0;
  let spaces = 0;
  const n = Math.min(s.length, 4096);
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0xfffd) continue;
    if (c === 0x20) {
      spaces++;
      printable++;
    } else if ((c >= 0x21 && c <= 0x7e) || c === 9 || c === 10 || c === 13) {
      printable++;
      if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) letters++;
    } else if (c >= 0xa0) {
      printable++;
      letters++;
    }
  }
  return printable / n >= 0.92 && letters / n >= 0.5 && spaces >= 1;
}

function pushIfText(out: Decoded[], d: Decoded, budget: { chars: number }): void {
  if (out.length >= MAX_DECODED_SEGMENTS || budget.chars <= 0) return;
  if (!looksLikeText(d.text)) return;
  if (d.text.length > budget.chars) d.text = d.text.slice(0, budget.chars);
  budget.chars -= d.text.length;
  out.push(d);
}

/** Find and decode encoded segments in `text` (the bounded original, case preserved). */
export function findEncoded(text: string): Decoded[] {
  const out: Decoded[] = [];
  const budget = { chars: MAX_DECODED_CHARS };

  if (text.length >= 16) {
    B64_TOKEN.lastIndex = 0;
    for (
      let m = B64_TOKEN.exec(text);
      m !== null && out.length < MAX_DECODED_SEGMENTS;
      m = B64_TOKEN.exec(text)
    ) {
      const tok = m[0];
      if (tok.length > MAX_TOKEN) continue;
      // natural words are not base64: require both cases, or digits, and a plausible length
      const hasLower = /[a-z]/.test(tok);
      const hasUpper = /[A-Z]/.test(tok);
      if (!hasLower || !hasUpper) continue;
      const core = tok.replace(/=+$/, '');
      if (core.length % 4 === 1) continue;
      const std = core.replace(/-/g, '+').replace(/_/g, '/');
      const decoded = Buffer.from(std, 'base64').toString('utf8');
      pushIfText(
        out,
        { encoding: 'base64', text: decoded, start: m.index, end: m.index + tok.length },
        budget,
      );
    }
  }

  if (text.length >= 20) {
    HEX_TOKEN.lastIndex = 0;
    for (
      let m = HEX_TOKEN.exec(text);
      m !== null && out.length < MAX_DECODED_SEGMENTS;
      m = HEX_TOKEN.exec(text)
    ) {
      const hex = m[0].replace(/[ :]/g, '');
      if (hex.length % 2 === 1 || hex.length > MAX_TOKEN) continue;
      const decoded = Buffer.from(hex, 'hex').toString('utf8');
      pushIfText(out, { encoding: 'hex', text: decoded, start: m.index, end: m.index + m[0].length }, budget);
    }
  }

  if (text.includes('\\x')) {
    HEX_ESC.lastIndex = 0;
    for (
      let m = HEX_ESC.exec(text);
      m !== null && out.length < MAX_DECODED_SEGMENTS;
      m = HEX_ESC.exec(text)
    ) {
      const hex = m[0].replace(/\\x/g, '');
      const decoded = Buffer.from(hex, 'hex').toString('utf8');
      pushIfText(out, { encoding: 'hex', text: decoded, start: m.index, end: m.index + m[0].length }, budget);
    }
  }

  if (text.includes('%')) {
    URL_RUN.lastIndex = 0;
    for (
      let m = URL_RUN.exec(text);
      m !== null && out.length < MAX_DECODED_SEGMENTS;
      m = URL_RUN.exec(text)
    ) {
      const decoded = decodePercent(m[0]);
      pushIfText(out, { encoding: 'url', text: decoded, start: m.index, end: m.index + m[0].length }, budget);
    }
  }

  if (text.includes('&#')) {
    HTML_ENT.lastIndex = 0;
    for (
      let m = HTML_ENT.exec(text);
      m !== null && out.length < MAX_DECODED_SEGMENTS;
      m = HTML_ENT.exec(text)
    ) {
      const decoded = m[0].replace(/&#(x[0-9a-fA-F]{1,6}|\d{1,7});/g, (_, v: string) => {
        const cp = v[0] === 'x' ? Number.parseInt(v.slice(1), 16) : Number.parseInt(v, 10);
        return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
      });
      pushIfText(
        out,
        { encoding: 'html_entities', text: decoded, start: m.index, end: m.index + m[0].length },
        budget,
      );
    }
  }

  if (text.includes('\\u')) {
    U_ESC.lastIndex = 0;
    for (let m = U_ESC.exec(text); m !== null && out.length < MAX_DECODED_SEGMENTS; m = U_ESC.exec(text)) {
      const decoded = m[0].replace(/\\u([0-9a-fA-F]{4})/g, (_, h: string) =>
        String.fromCharCode(Number.parseInt(h, 16)),
      );
      pushIfText(
        out,
        { encoding: 'unicode_escapes', text: decoded, start: m.index, end: m.index + m[0].length },
        budget,
      );
    }
  }
  return out;
}

/** Lenient percent-decoding: decodes %XX runs as UTF-8, leaves everything else as is. */
export function decodePercent(s: string): string {
  return s.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    const bytes = Buffer.from(run.replace(/%/g, ''), 'hex');
    return bytes.toString('utf8');
  });
}

// ------------------------------------------------------------ same-length transforms (keep the offset map)

/** ROT13 of a lower-case string. */
export function rot13(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 97 && c <= 122 ? String.fromCharCode(((c - 97 + 13) % 26) + 97) : s[i];
  }
  return out;
}

/** ROT13 forms of words that matter ("ignore", "instructions", "system prompt", ...). */
export const ROT13_TRIGGER =
  /\b(?:vtaber|qvfertneq|vafgehpgvbaf?|flfgrz|cebzcg|cerivbhf|wnvyoernx|ercrng|erirny|sbetrg|ehyrf)\b/;

const LEET_MAP: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '@': 'a',
  $: 's',
  '|': 'l',
  '!': 'i',
};
const LEET_WORD = /[a-z0-9@$|!]+/g;
const LEET_CHARS = /[0134578@$|!]/;

/** Leetspeak folding of words that mix letters and digits/symbols; null when there is nothing to fold. */
const LEET_HINT = /[a-z][0134578@$|][a-z]/;
export function unleet(s: string): string | null {
  if (!LEET_HINT.test(s)) return null;
  let changed = 0;
  const out = s.replace(LEET_WORD, (w) => {
    if (w.length < 3 || !LEET_CHARS.test(w) || !/[a-z]/.test(w)) return w;
    // a trailing "!" is punctuation, not a leet "i"
    let end = w.length;
    while (end > 0 && w[end - 1] === '!') end--;
    const body = w.slice(0, end);
    if (!/[0-9@$|]/.test(body.slice(0, -1)) && !/[0-9@$|!]/.test(body)) return w;
    let folded = '';
    for (const ch of body) folded += LEET_MAP[ch] ?? ch;
    if (folded !== body) changed++;
    return folded + w.slice(end);
  });
  return changed >= 2 ? out : null;
}

/** Reversed forms of words that matter. */
export const REVERSED_TRIGGER =
  /\b(?:erongi|snoitcurtsni|drageersid|tpmorp|suoiverp|kaerbliaj|snoitcirtser|tegrof)\b/;

export function reverse(s: string): string {
  return s.split('').reverse().join('');
}

/**
 * Spaced-out letters ("i g n o r e  a l l ...", "i.g.n.o.r.e"): returns runs collapsed to letters (word gaps
 * kept as one space) with their source ranges.
 */
const SPACED_RUN = /(?:\b[a-z][ .\-_*|]{1,3}){5,}[a-z]\b/g;
export function collapseSpaced(s: string): { text: string; start: number; end: number }[] {
  const out: { text: string; start: number; end: number }[] = [];
  SPACED_RUN.lastIndex = 0;
  for (let m = SPACED_RUN.exec(s); m !== null && out.length < 8; m = SPACED_RUN.exec(s)) {
    const run = m[0];
    const text = run
      .replace(/ {2,}/g, '\u0000')
      .replace(/[ .\-_*|]/g, '')
      .replace(/\u0000/g, ' ');
    out.push({ text, start: m.index, end: m.index + run.length });
  }
  return out;
}

/** Compact keywords to look for in collapsed letter runs that have no word gaps. */
export const COMPACT_TRIGGER =
  /ignore(?:all|the|your)?(?:previous|prior|above)|previousinstructions|disregard(?:all|the|your)?|systemprompt|jailbreak|donotfollow|forgetyourinstructions|revealyour|yourinstructions|developermode|doanythingnow/;
