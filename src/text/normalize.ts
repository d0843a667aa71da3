/**
 * Text normalisation for the analysers: bounding, invisible-Unicode handling, compatibility folding
 * (NFKC, diacritics, case) and homoglyph folding, with an offset map back to the original text so that
 * every span we report points into the caller's string.
 */

/** Analyse at most the first HEAD_CHARS and the last TAIL_CHARS UTF-16 units of a text. */
export const HEAD_CHARS = 64 * 1024;
export const TAIL_CHARS = 16 * 1024;

/** A text we run rules on, with a map from its offsets to offsets in the bounded original. */
export interface View {
  text: string;
  /** map[i] = offset in the bounded text of text[i]; null means identity. */
  map: Int32Array | null;
}

export interface Span {
  start: number;
  end: number;
}

export interface Prepared {
  /** Bounded original (head + '\n' + tail when the input was long). */
  bounded: string;
  /** Maps an offset in `bounded` to an offset in the caller's text. */
  toOriginal: (i: number) => number;
  /** Normalised view of `bounded`. */
  norm: View;
  /** Text hidden in Unicode tag characters, decoded to ASCII (map points at the tag characters). */
  tagText: View | null;
  /** Text hidden in runs of variation selectors (bytes → UTF-8), mapped to the whole run. */
  selectorText: View | null;
  tagSpans: Span[];
  zeroWidthSpans: Span[];
  bidiSpans: Span[];
  homoglyphSpans: Span[];
  /** Whether any non-ASCII folding happened (NFKC / diacritics / confusables). */
  folded: boolean;
}

/** Cut a long text to head + tail; returns the bounded string and the offset translator. */
export function boundText(text: string): { bounded: string; toOriginal: (i: number) => number } {
  if (text.length <= HEAD_CHARS + TAIL_CHARS) return { bounded: text, toOriginal: (i) => i };
  let headEnd = HEAD_CHARS;
  // do not split a surrogate pair
  if (isHighSurrogate(text.charCodeAt(headEnd - 1))) headEnd--;
  let tailStart = text.length - TAIL_CHARS;
  if (isLowSurrogate(text.charCodeAt(tailStart))) tailStart++;
  const bounded = text.slice(0, headEnd) + '\n' + text.slice(tailStart);
  const shift = tailStart - headEnd - 1;
  return { bounded, toOriginal: (i) => (i <= headEnd ? i : i + shift) };
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}
function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

// Character classes for the homoglyph pass.
const CLS_OTHER = 0; // not a letter
const CLS_LATIN = 1; // ASCII / Latin letter (after folding)
const CLS_CONF = 2; // non-Latin letter that looks like a Latin one
const CLS_FOREIGN = 3; // any other letter (Cyrillic д, CJK, ...)

/** Confusable non-Latin letters → the Latin letter they imitate (lower case). */
const CONFUSABLES: Record<string, string> = {
  // Cyrillic lower
  а: 'a',
  в: 'b',
  е: 'e',
  ё: 'e',
  о: 'o',
  р: 'p',
  с: 'c',
  у: 'y',
  х: 'x',
  ѕ: 's',
  і: 'i',
  ї: 'i',
  ј: 'j',
  ԁ: 'd',
  һ: 'h',
  ӏ: 'l',
  ԛ: 'q',
  ԝ: 'w',
  к: 'k',
  м: 'm',
  н: 'h',
  т: 't',
  ь: 'b',
  п: 'n',
  г: 'r',
  // Cyrillic upper
  А: 'a',
  В: 'b',
  Е: 'e',
  Ё: 'e',
  К: 'k',
  М: 'm',
  Н: 'h',
  О: 'o',
  Р: 'p',
  С: 'c',
  Т: 't',
  У: 'y',
  Х: 'x',
  Ѕ: 's',
  І: 'i',
  Ї: 'i',
  Ј: 'j',
  Ԁ: 'd',
  Һ: 'h',
  Ӏ: 'l',
  Ԛ: 'q',
  Ԝ: 'w',
  // Greek lower
  α: 'a',
  β: 'b',
  γ: 'y',
  ε: 'e',
  η: 'n',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ω: 'w',
  ϲ: 'c',
  ϳ: 'j',
  // Greek upper
  Α: 'a',
  Β: 'b',
  Ε: 'e',
  Ζ: 'z',
  Η: 'h',
  Ι: 'i',
  Κ: 'k',
  Μ: 'm',
  Ν: 'n',
  Ο: 'o',
  Ρ: 'p',
  Τ: 't',
  Υ: 'y',
  Χ: 'x',
  // Latin-script look-alikes (IPA, small capitals, dotless i)
  ɑ: 'a',
  ɡ: 'g',
  ı: 'i',
  ɩ: 'i',
  ȷ: 'j',
  ɪ: 'i',
  ʏ: 'y',
  ɴ: 'n',
  ʀ: 'r',
  ᴀ: 'a',
  ʙ: 'b',
  ᴄ: 'c',
  ᴅ: 'd',
  ᴇ: 'e',
  ɢ: 'g',
  ʜ: 'h',
  ᴊ: 'j',
  ᴋ: 'k',
  ʟ: 'l',
  ᴍ: 'm',
  ᴏ: 'o',
  ᴘ: 'p',
  ᴛ: 't',
  ᴜ: 'u',
  ᴠ: 'v',
  ᴡ: 'w',
  ᴢ: 'z',
  ꜱ: 's',
};

interface Folded {
  s: string;
  cls: number;
  conf: string | null;
}

const foldCache = new Map<number, Folded>();
const LATIN_EXT = /[\u00c0-\u024f\u1e00-\u1eff]/;
const COMBINING = /[\u0300-\u036f]/g;
const ASCII_LETTERS = /^[a-z]+$/;
const ANY_LETTER = /\p{L}/u;

const PUNCT_FOLD: Record<number, string> = {
  8216: "'",
  8217: "'",
  8218: "'",
  8219: "'",
  8242: "'",
  180: "'",
  96: "'",
  8220: '"',
  8221: '"',
  8222: '"',
  8223: '"',
  8243: '"',
  171: '"',
  187: '"',
  8208: '-',
  8209: '-',
  8210: '-',
  8211: '-',
  8212: '-',
  8213: '-',
  8722: '-',
  160: ' ',
  12288: ' ',
};

function foldCodePoint(cp: number): Folded {
  let f = foldCache.get(cp);
  if (f) return f;
  const c = String.fromCodePoint(cp);
  const conf = CONFUSABLES[c] ?? null;
  let s = PUNCT_FOLD[cp] ?? c.normalize('NFKC');
  if (LATIN_EXT.test(s)) s = s.normalize('NFD').replace(COMBINING, '');
  s = s.toLowerCase();
  let cls: number;
  if (conf) cls = CLS_CONF;
  else if (ASCII_LETTERS.test(s)) cls = CLS_LATIN;
  else if (ANY_LETTER.test(c)) cls = CLS_FOREIGN;
  else cls = CLS_OTHER;
  f = { s, cls, conf };
  if (foldCache.size < 20000) foldCache.set(cp, f);
  return f;
}

function isZeroWidth(cp: number): boolean {
  return (
    cp === 0x200b ||
    cp === 0x200c ||
    cp === 0x200d ||
    cp === 0x2060 ||
    cp === 0xfeff ||
    cp === 0x180e ||
    cp === 0x00ad ||
    cp === 0x034f ||
    (cp >= 0x2061 && cp <= 0x2064) ||
    cp === 0x115f ||
    cp === 0x1160 ||
    cp === 0x3164 ||
    cp === 0xffa0
  );
}

function isBidiOverride(cp: number): boolean {
  return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

function isBidiMark(cp: number): boolean {
  return cp === 0x200e || cp === 0x200f || cp === 0x061c;
}

/** Variation selector → byte value (VS1..VS16 → 0..15, VS17..VS256 → 16..255), or -1. */
function selectorByte(cp: number): number {
  if (cp >= 0xfe00 && cp <= 0xfe0f) return cp - 0xfe00;
  if (cp >= 0xe0100 && cp <= 0xe01ef) return cp - 0xe0100 + 16;
  return -1;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

const NON_ASCII = /[^\x00-\x7f]/;
const TURKISH = /[şğŞĞİ]/;

/** Normalise a text for analysis. Never throws; linear in the input length. */
export function prepare(text: string): Prepared {
  const { bounded, toOriginal } = boundText(text);
  const out: Prepared = {
    bounded,
    toOriginal,
    norm: { text: '', map: null },
    tagText: null,
    selectorText: null,
    tagSpans: [],
    zeroWidthSpans: [],
    bidiSpans: [],
    homoglyphSpans: [],
    folded: false,
  };
  if (!NON_ASCII.test(bounded)) {
    out.norm = { text: bounded.toLowerCase(), map: null };
    return out;
  }
  out.folded = true;
  const turkish = TURKISH.test(bounded);

  // Pass 1: one part per code point kept.
  const parts: string[] = [];
  const partOrig: number[] = [];
  const partLen: number[] = [];
  const partCls: number[] = [];
  const partConf: (string | null)[] = [];
  const tagChars: string[] = [];
  const tagMap: number[] = [];
  let lastTagEnd = -1;
  let inFlag = false;
  let selBytes: number[] = [];
  let selStart = -1;
  let selEnd = -1;
  const selTexts: { text: string; start: number; end: number }[] = [];

  const flushSelectors = () => {
    if (selBytes.length >= 4) {
      const decoded = Buffer.from(selBytes).toString('utf8');
      selTexts.push({ text: decoded, start: selStart, end: selEnd });
    }
    selBytes = [];
    selStart = -1;
  };

  const n = bounded.length;
  for (let i = 0; i < n; ) {
    const cp = bounded.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    const sb = selectorByte(cp);
    if (sb >= 0) {
      if (selStart < 0) selStart = i;
      selBytes.push(sb);
      selEnd = i + len;
      i += len;
      continue;
    }
    if (selStart >= 0) flushSelectors();

    if (cp >= 0xe0000 && cp <= 0xe007f) {
      // Tag characters: part of a subdivision flag after U+1F3F4, otherwise hidden ASCII.
      if (!inFlag) {
        if (cp >= 0xe0020 && cp <= 0xe007e) {
          if (lastTagEnd >= 0 && lastTagEnd !== i && tagChars.length > 0) {
            tagChars.push(' ');
            tagMap.push(i);
          }
          tagChars.push(String.fromCharCode(cp - 0xe0000));
          tagMap.push(i);
          const prev = out.tagSpans[out.tagSpans.length - 1];
          if (prev && prev.end === i) prev.end = i + len;
          else out.tagSpans.push({ start: i, end: i + len });
          lastTagEnd = i + len;
        }
      } else if (cp === 0xe007f) inFlag = false;
      i += len;
      continue;
    }
    inFlag = cp === 0x1f3f4;

    if (cp < 0x80) {
      const ch = cp >= 0x41 && cp <= 0x5a ? String.fromCharCode(cp + 32) : bounded[i];
      parts.push(ch);
      partOrig.push(i);
      partLen.push(1);
      partCls.push(isAsciiLetter(cp) ? CLS_LATIN : CLS_OTHER);
      partConf.push(null);
      i += 1;
      continue;
    }
    if (isZeroWidth(cp)) {
      const prev = i > 0 ? bounded.charCodeAt(i - 1) : 0;
      const next = i + len < n ? bounded.charCodeAt(i + len) : 0;
      if ((isAsciiLetter(prev) || isZeroWidth(prev)) && (isAsciiLetter(next) || isZeroWidth(next))) {
        const last = out.zeroWidthSpans[out.zeroWidthSpans.length - 1];
        if (last && last.end === i) last.end = i + len;
        else out.zeroWidthSpans.push({ start: i, end: i + len });
      }
      i += len;
      continue;
    }
    if (isBidiOverride(cp)) {
      out.bidiSpans.push({ start: i, end: i + len });
      i += len;
      continue;
    }
    if (isBidiMark(cp)) {
      i += len;
      continue;
    }
    const f = foldCodePoint(cp);
    if (f.s.length > 0) {
      parts.push(f.s);
      partOrig.push(i);
      partLen.push(len);
      let cls = f.cls;
      if (cls === CLS_CONF && turkish && cp === 0x131) cls = CLS_LATIN;
      partCls.push(cls);
      partConf.push(f.conf);
    }
    i += len;
  }
  if (selStart >= 0) flushSelectors();

  // Pass 2: homoglyph folding inside mixed-script words.
  const np = parts.length;
  for (let a = 0; a < np; ) {
    if (partCls[a] === CLS_OTHER) {
      a++;
      continue;
    }
    let b = a;
    let latin = 0;
    let conf = 0;
    let foreign = 0;
    while (b < np && partCls[b] !== CLS_OTHER) {
      const c = partCls[b];
      if (c === CLS_LATIN) latin++;
      else if (c === CLS_CONF) conf++;
      else foreign++;
      b++;
    }
    if (conf > 0 && latin > 0 && foreign === 0) {
      let inner = false;
      for (let k = a; k < b; k++) {
        if (partCls[k] === CLS_CONF) {
          if (k > a && k < b - 1) inner = true;
          parts[k] = partConf[k]!;
        }
      }
      if (inner) out.homoglyphSpans.push({ start: partOrig[a], end: partOrig[b - 1] + partLen[b - 1] });
    } else if (conf > 0 && latin === 0 && foreign === 0 && b - a >= 2) {
      // Words made only of look-alikes stay as they are (e.g. Russian "сорок"), but Latin-script
      // look-alikes (small capitals, IPA letters) are folded.
      for (let k = a; k < b; k++) {
        const cp = parts[k].codePointAt(0)!;
        if (cp >= 0x0250 && cp <= 0x1d2b) parts[k] = partConf[k]!;
      }
    }
    a = b;
  }

  // Join and build the map.
  let total = 0;
  for (const p of parts) total += p.length;
  const map = new Int32Array(total);
  let pos = 0;
  for (let k = 0; k < np; k++) {
    const p = parts[k];
    for (let u = 0; u < p.length; u++) map[pos++] = partOrig[k];
  }
  out.norm = { text: parts.join(''), map };
  if (tagChars.length > 0) out.tagText = { text: tagChars.join(''), map: Int32Array.from(tagMap) };
  if (selTexts.length > 0) {
    const texts: string[] = [];
    const m: number[] = [];
    for (const s of selTexts) {
      for (let u = 0; u < s.text.length; u++) m.push(s.start);
      texts.push(s.text);
      m.push(s.start);
    }
    const joined = texts.join('\n');
    out.selectorText = { text: joined, map: Int32Array.from(m.slice(0, joined.length)) };
  }
  return out;
}

/** Map a [start,end) span of a view to the bounded text. */
export function viewSpan(view: View, start: number, end: number): Span {
  if (!view.map) return { start, end };
  const m = view.map;
  if (m.length === 0) return { start: 0, end: 0 };
  const s = m[Math.min(start, m.length - 1)];
  const last = m[Math.min(Math.max(end - 1, start), m.length - 1)];
  return { start: s, end: last + 1 };
}
