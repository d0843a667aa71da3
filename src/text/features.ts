/**
 * Hashed bag-of-n-grams features shared by the shipped model (model.ts) and its trainer
 * (scripts/train-prompt-model.mjs, which imports the built copy of this file).
 */

/** Number of hash buckets (a power of two). */
export const BUCKETS = 1 << 18;

const TOKEN = /[a-z0-9]+(?:'[a-z]+)?|[\u0400-\u04ff]+|[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/g;
const MAX_TOKENS = 4000;

/** FNV-1a over UTF-16 units, 32-bit. */
export function fnv1a(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** Tokens of a normalised (lower-cased) text, numbers collapsed to a placeholder. */
export function tokens(norm: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(norm); m !== null && out.length < MAX_TOKENS; m = TOKEN.exec(norm)) {
    const t = m[0];
    out.push(/^\d+$/.test(t) ? '<num>' : t.length > 24 ? '<long>' : t);
  }
  return out;
}

/**
 * Distinct feature buckets of a text: its first word and closing punctuation, word unigrams, bigrams and
 * character 4-grams inside words.
 * Returned sorted, without duplicates (presence features).
 */
export function featureBuckets(norm: string): Uint32Array {
  const toks = tokens(norm);
  const set = new Set<number>();
  const mask = BUCKETS - 1;
  // shape of the piece: its first word and its closing punctuation (a question, an exclamation)
  if (toks.length > 0) set.add(fnv1a(`^${toks[0]}`, 0x3c6ef372) & mask);
  const last = norm.trimEnd().slice(-1);
  if (last === '?' || last === '!' || last === '.' || last === ':')
    set.add(fnv1a(`$${last}`, 0x3c6ef372) & mask);
  let prev = '<s>';
  for (const t of toks) {
    set.add(fnv1a(t) & mask);
    set.add(fnv1a(`${prev} ${t}`, 0x9e3779b1) & mask);
    if (t.length >= 5 && t.length <= 24 && t[0] !== '<') {
      const w = ` ${t} `;
      for (let i = 0; i + 4 <= w.length; i++) set.add(fnv1a(w.slice(i, i + 4), 0x7f4a7c15) & mask);
    }
    prev = t;
  }
  const arr = Uint32Array.from(set);
  arr.sort();
  return arr;
}

const SENTENCE_END = /[.!?。！？]+(?=\s|$)|\n+|\|/g;

/**
 * Sentence-like pieces of a normalised document (split on sentence ends, line breaks and table bars), as
 * [start, end) offsets; pieces with fewer than 3 words or longer than 600 characters are skipped.
 */
export function sentences(norm: string, max = 256): [number, number][] {
  const out: [number, number][] = [];
  let start = 0;
  const consider = (a: number, b: number) => {
    while (a < b && /\s/.test(norm[a])) a++;
    while (b > a && /\s/.test(norm[b - 1])) b--;
    if (b - a < 12 || b - a > 600) return;
    let words = 0;
    for (let i = a; i < b && words < 3; i++)
      if (/[a-z\u0400-\u04ff]/.test(norm[i]) && (i === a || !/[a-z\u0400-\u04ff]/.test(norm[i - 1]))) words++;
    if (words >= 3) out.push([a, b]);
  };
  SENTENCE_END.lastIndex = 0;
  for (let m = SENTENCE_END.exec(norm); m !== null && out.length < max; m = SENTENCE_END.exec(norm)) {
    const end = m[0][0] === '\n' || m[0] === '|' ? m.index : m.index + m[0].length;
    consider(start, end);
    start = m.index + m[0].length;
  }
  if (out.length < max) consider(start, norm.length);
  return out;
}
