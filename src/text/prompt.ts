/**
 * Prompt-attack analyser: hand-written feature families (rules.ts) over a normalised view of the text,
 * re-analysis of hidden / decoded / de-obfuscated variants, and an optional small linear model
 * (model.ts, trained by scripts/train-prompt-model.mjs).
 */
import {
  COMPACT_TRIGGER,
  collapseSpaced,
  findEncoded,
  REVERSED_TRIGGER,
  ROT13_TRIGGER,
  reverse,
  rot13,
  unleet,
} from './decode.js';
import { maxSentenceLogit } from './model.js';
import { type Prepared, prepare, type Span, type View, viewSpan } from './normalize.js';
import { type PromptCategory, type PromptKind, type RuleHit, runRules } from './rules.js';

export type { PromptCategory, PromptKind } from './rules.js';

export interface PromptSpan {
  start: number;
  end: number;
  category: PromptCategory;
}

export interface PromptAnalysis {
  /** probability-like score in [0, 1] */
  score: number;
  verdict: 'attack' | 'benign';
  /** categories that explain an `attack` verdict (empty for benign) */
  categories: PromptCategory[];
  /** offsets (UTF-16, end exclusive) in the text given, for reports to highlight */
  spans: PromptSpan[];
}

export interface AnalyzePromptOptions {
  /** where the text came from: a user turn, a retrieved document / KB chunk, a tool result, a system prompt */
  kind?: PromptKind;
  /** use the shipped model as well as the rules (default true) */
  useModel?: boolean;
}

/** Logit of the empty text; a rule of weight > 3 alone makes an attack. */
export const BIAS = -3;
/** Each further piece of evidence counts DECAY times the previous one (sorted by weight). */
export const DECAY = 0.6;
/** Evidence weight of the model's most instruction-like sentence: SLOPE * (logit - OFFSET), capped. */
export const SENTENCE_SLOPE = 1.5;
export const SENTENCE_OFFSET = 0.2;
export const SENTENCE_MAX_WEIGHT = 4.0;
/** Decode depth: decoded text may itself be decoded once more. */
export const MAX_DEPTH = 2;
const MAX_VARIANTS = 16;

interface Evidence {
  id: string;
  cat: PromptCategory;
  w: number;
  start: number;
  end: number;
  lang?: string;
}

interface Ctx {
  kind: PromptKind;
  variants: number;
  useModel: boolean;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Combine evidence into a logit: strongest per id, sorted, geometrically decayed; negatives add up. */
export function combine(ws: Iterable<{ id: string; w: number }>): number {
  const best = new Map<string, number>();
  for (const e of ws) {
    const prev = best.get(e.id);
    if (prev === undefined || Math.abs(e.w) > Math.abs(prev)) best.set(e.id, e.w);
  }
  const pos: number[] = [];
  let z = BIAS;
  for (const w of best.values()) {
    if (w > 0) pos.push(w);
    else z += w;
  }
  pos.sort((a, b) => b - a);
  let f = 1;
  for (const w of pos) {
    z += w * f;
    f *= DECAY;
  }
  return z;
}

/**
 * The same words should not count twice: among positive evidence of one category whose spans overlap,
 * keep the strongest.
 */
function suppressOverlaps(ev: Evidence[]): Evidence[] {
  const sorted = [...ev].sort((a, b) => b.w - a.w);
  const kept: Evidence[] = [];
  for (const e of sorted) {
    if (e.w > 0 && e.end > e.start) {
      const clash = kept.some(
        (k) =>
          k.cat === e.cat &&
          k.w > 0 &&
          k.id !== e.id &&
          Math.min(k.end, e.end) - Math.max(k.start, e.start) >=
            0.5 * Math.max(k.end - k.start, e.end - e.start),
      );
      if (clash) continue;
    }
    kept.push(e);
  }
  return kept;
}

/** Logit of a set of evidence. */
function logit(ev: Evidence[]): number {
  return combine(suppressOverlaps(ev));
}

function toOriginalSpan(p: Prepared, s: Span): Span {
  let end = p.toOriginal(Math.max(s.end - 1, s.start)) + 1;
  const start = p.toOriginal(s.start);
  const c = p.bounded.charCodeAt(s.end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end++;
  return { start, end: Math.max(end, start) };
}

function hitsToEvidence(
  p: Prepared,
  view: View,
  hits: RuleHit[],
  out: Evidence[],
  mapSpan?: (s: number, e: number) => Span,
) {
  for (const h of hits) {
    const vs = mapSpan ? mapSpan(h.start, h.end) : { start: h.start, end: h.end };
    const span = toOriginalSpan(p, viewSpan(view, vs.start, vs.end));
    out.push({
      id: h.rule.id,
      cat: h.rule.cat,
      w: h.weight,
      start: span.start,
      end: span.end,
      lang: h.rule.lang,
    });
  }
}

/** Evidence from a nested analysis, re-anchored to one span of the outer text. */
function nested(inner: Evidence[], span: Span, out: Evidence[]) {
  for (const e of inner) out.push({ ...e, start: span.start, end: span.end });
}

const ASSIGN = /\b[a-z]\w{0,12}\s{0,3}(?:=|:=)\s{0,3}["'`]/g;
const LITERAL = /\b[a-z]\w{0,12}\s{0,3}(?:=|:=)\s{0,3}(["'`])([^"'`\n]{1,400})\1/g;
const CONCAT = /\b[a-z]\w{0,12}\s{0,3}\+\s{0,3}[a-z]\w{0,12}\b/;

function collect(text: string, ctx: Ctx, depth: number): Evidence[] {
  const p = prepare(text);
  const norm = p.norm;
  const ev: Evidence[] = [];
  hitsToEvidence(p, norm, runRules(norm.text, ctx.kind), ev);

  const canNest = () => depth < MAX_DEPTH && ctx.variants < MAX_VARIANTS;
  const orig = (s: Span) => toOriginalSpan(p, s);

  // ---- invisible Unicode
  if (p.tagText && p.tagText.text.trim().length >= 2) {
    const first = p.tagSpans[0];
    const last = p.tagSpans[p.tagSpans.length - 1];
    const span = orig({ start: first.start, end: last.end });
    ev.push({ id: 'unicode_tags', cat: 'invisible_unicode', w: 3.2, ...span });
    if (canNest()) {
      ctx.variants++;
      const inner = collect(p.tagText.text, ctx, depth + 1);
      if (logit(inner) >= -0.5) nested(inner, span, ev);
    }
  }
  if (p.selectorText) {
    const m = p.selectorText.map!;
    const span = orig({ start: m[0], end: m[m.length - 1] + 1 });
    ev.push({ id: 'variation_selector_smuggling', cat: 'invisible_unicode', w: 3.0, ...span });
    if (canNest()) {
      ctx.variants++;
      const inner = collect(p.selectorText.text, ctx, depth + 1);
      if (logit(inner) >= -0.5) nested(inner, span, ev);
    }
  }
  if (p.zeroWidthSpans.length > 0) {
    const n = p.zeroWidthSpans.length;
    for (const s of p.zeroWidthSpans.slice(0, 16))
      ev.push({
        id: 'zero_width_in_word',
        cat: 'invisible_unicode',
        w: Math.min(1.0 + 0.3 * n, 2.2),
        ...orig(s),
      });
  }
  if (p.bidiSpans.length > 0) {
    const n = p.bidiSpans.length;
    for (const s of p.bidiSpans.slice(0, 16))
      ev.push({ id: 'bidi_override', cat: 'invisible_unicode', w: n >= 3 ? 1.8 : 1.2, ...orig(s) });
  }

  // ---- homoglyphs (the normalised view is already folded, so rules above saw the Latin text)
  if (p.homoglyphSpans.length > 0) {
    const w = p.homoglyphSpans.length >= 2 ? 3.2 : 2.8;
    for (const s of p.homoglyphSpans.slice(0, 16))
      ev.push({ id: 'homoglyph_words', cat: 'homoglyph', w, ...orig(s) });
  }

  // ---- encoded segments (base64, hex, URL, entities, escapes): decode and re-analyse
  if (canNest()) {
    for (const d of findEncoded(p.bounded)) {
      if (!canNest()) break;
      ctx.variants++;
      const inner = collect(d.text, ctx, depth + 1);
      if (logit(inner) >= 0) {
        const span = orig({ start: d.start, end: d.end });
        nested(inner, span, ev);
        ev.push({ id: `encoded_${d.encoding}`, cat: 'encoded_payload', w: 1.5, ...span });
      }
    }
  }

  // ---- same-length transforms of the normalised view (offsets map 1:1)
  const t = norm.text;
  const hasLetters = /[a-z]/.test(t);
  if (hasLetters && (ROT13_TRIGGER.test(t) || /\brot-?13\b/.test(t))) {
    const hits = runRules(rot13(t), ctx.kind).filter((h) => h.weight >= 1.5);
    if (hits.length > 0) {
      hitsToEvidence(p, norm, hits, ev);
      const h0 = hits[0];
      const span = orig(viewSpan(norm, h0.start, h0.end));
      ev.push({ id: 'encoded_rot13', cat: 'encoded_payload', w: 1.5, ...span });
    }
  }
  if (hasLetters) {
    const ul = unleet(t);
    if (ul !== null) {
      const known = new Set(ev.map((e) => e.id));
      const hits = runRules(ul, ctx.kind).filter((h) => h.weight >= 1.5 && !known.has(h.rule.id));
      if (hits.length > 0) {
        hitsToEvidence(p, norm, hits, ev);
        const h0 = hits[0];
        ev.push({
          id: 'encoded_leetspeak',
          cat: 'encoded_payload',
          w: 1.0,
          ...orig(viewSpan(norm, h0.start, h0.end)),
        });
      }
    }
  }
  if (hasLetters && REVERSED_TRIGGER.test(t)) {
    const n = t.length;
    const hits = runRules(reverse(t), ctx.kind).filter((h) => h.weight >= 1.5);
    if (hits.length > 0) {
      hitsToEvidence(p, norm, hits, ev, (s, e) => ({ start: n - e, end: n - s }));
      const h0 = hits[0];
      ev.push({
        id: 'encoded_reversed',
        cat: 'encoded_payload',
        w: 1.5,
        ...orig(viewSpan(norm, n - h0.end, n - h0.start)),
      });
    }
  }
  if (hasLetters) {
    for (const run of collapseSpaced(t)) {
      const span = orig(viewSpan(norm, run.start, run.end));
      if (COMPACT_TRIGGER.test(run.text.replace(/ /g, ''))) {
        ev.push({ id: 'spaced_keywords', cat: 'encoded_payload', w: 3.2, ...span });
      } else if (run.text.includes(' ') && canNest()) {
        ctx.variants++;
        const inner = collect(run.text, ctx, depth + 1);
        if (logit(inner) >= 0) {
          nested(inner, span, ev);
          ev.push({ id: 'spaced_letters', cat: 'encoded_payload', w: 1.5, ...span });
        }
      }
    }
  }

  // ---- payload splitting: string literals assigned to variables, re-joined
  if (canNest() && t.includes('=')) {
    ASSIGN.lastIndex = 0;
    let assigns = 0;
    while (ASSIGN.exec(t) !== null && assigns < 3) assigns++;
    if (assigns >= 2) {
      const lits: string[] = [];
      let first = -1;
      let last = -1;
      LITERAL.lastIndex = 0;
      for (let m = LITERAL.exec(t); m !== null && lits.length < 16; m = LITERAL.exec(t)) {
        lits.push(m[2]);
        if (first < 0) first = m.index;
        last = m.index + m[0].length;
      }
      if (lits.length >= 2) {
        ctx.variants++;
        const joined = lits.join(' ').replace(/\s+/g, ' ');
        const inner = collect(joined, ctx, depth + 1);
        const zi = logit(inner);
        const concat = CONCAT.test(t);
        const span = orig(viewSpan(norm, first, last));
        if (zi >= -0.5) {
          nested(inner, span, ev);
          ev.push({ id: 'split_literals', cat: 'payload_splitting', w: concat ? 2.0 : 1.4, ...span });
        } else if (concat) {
          ev.push({ id: 'split_literals', cat: 'payload_splitting', w: 1.6, ...span });
        }
      }
    }
  }

  // ---- model: in documents and tool results, a sentence written to an assistant is an injected task
  if (ctx.useModel && depth === 0 && (ctx.kind === 'document' || ctx.kind === 'tool_result')) {
    const best = maxSentenceLogit(t);
    if (best) {
      let w = Math.min(SENTENCE_MAX_WEIGHT, SENTENCE_SLOPE * (best.z - SENTENCE_OFFSET));
      // a question the document answers itself (FAQ, "Why does this happen? Because ...") is not a task
      if (t[best.end - 1] === '?') {
        const before = t.slice(Math.max(0, best.start - 12), best.start);
        const after = t.slice(best.end, best.end + 60);
        if (/(?:q|question)\s{0,2}[:.)-]\s*$/.test(before) || ANSWER_START.test(after)) w *= 0.4;
      }
      if (w > 0)
        ev.push({
          id: 'model_instruction_sentence',
          cat: 'indirect_injection',
          w,
          ...orig(viewSpan(norm, best.start, best.end)),
        });
    }
  }
  return ev;
}

const ANSWER_START =
  /^\s{0,4}(?:a\s{0,2}[:.)-]|answer\b|because\b|yes\b|no\b|the (?:answer|reason)\b|this (?:is|happens)\b|it(?:'s| is) because\b|you can\b|simply\b|short answer\b|to do (?:this|that)\b)/;

const CATEGORY_MIN_WEIGHT = 1.0;
const SPAN_MIN_WEIGHT = 0.5;

/** Analyse one prompt, document chunk, tool result or system prompt for prompt attacks. */
export function analyzePrompt(text: string, opts: AnalyzePromptOptions = {}): PromptAnalysis {
  if (typeof text !== 'string' || text.length === 0)
    return { score: sigmoid(BIAS), verdict: 'benign', categories: [], spans: [] };
  const ctx: Ctx = { kind: opts.kind ?? 'user', variants: 0, useModel: opts.useModel ?? true };
  const ev = suppressOverlaps(collect(text, ctx, 0));
  const z = combine(ev);
  const score = sigmoid(z);
  if (z < 0) return { score, verdict: 'benign', categories: [], spans: [] };

  // categories ordered by their strongest evidence
  const catWeight = new Map<PromptCategory, number>();
  let multilingual = 0;
  let modelOnly = true;
  for (const e of ev) {
    if (e.w >= CATEGORY_MIN_WEIGHT) {
      modelOnly = false;
      catWeight.set(e.cat, Math.max(catWeight.get(e.cat) ?? 0, e.w));
      if (e.lang) multilingual = Math.max(multilingual, e.w);
    }
  }
  if (multilingual > 0) catWeight.set('multilingual', multilingual);
  if (modelOnly) {
    // weak evidence only added up: name the category of the strongest piece
    let best: Evidence | null = null;
    for (const e of ev) if (e.w > 0 && (!best || e.w > best.w)) best = e;
    if (best) catWeight.set(best.cat, best.w);
  }
  const categories = [...catWeight.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c);

  const seen = new Set<string>();
  const spans: PromptSpan[] = [];
  for (const e of ev) {
    if (e.w < SPAN_MIN_WEIGHT || e.end <= e.start) continue;
    const key = `${e.start}:${e.end}:${e.cat}`;
    if (seen.has(key)) continue;
    seen.add(key);
    spans.push({ start: e.start, end: e.end, category: e.cat });
  }
  spans.sort((a, b) => a.start - b.start || a.end - b.end);
  return { score, verdict: 'attack', categories, spans: spans.slice(0, 64) };
}

/** One piece of evidence behind a score (for debugging and for analysts who want the "why"). */
export interface PromptEvidence {
  id: string;
  category: PromptCategory;
  weight: number;
  start: number;
  end: number;
}

/** The evidence analyzePrompt combines, strongest first, with the resulting logit. */
export function explainPrompt(
  text: string,
  opts: AnalyzePromptOptions = {},
): { logit: number; evidence: PromptEvidence[] } {
  const ctx: Ctx = { kind: opts.kind ?? 'user', variants: 0, useModel: opts.useModel ?? true };
  const ev = typeof text === 'string' && text.length > 0 ? suppressOverlaps(collect(text, ctx, 0)) : [];
  return {
    logit: combine(ev),
    evidence: ev
      .sort((a, b) => b.w - a.w)
      .map((e) => ({
        id: e.id,
        category: e.cat,
        weight: Math.round(e.w * 1000) / 1000,
        start: e.start,
        end: e.end,
      })),
  };
}
