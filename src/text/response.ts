/**
 * Response analyser: what a model's answer gives away. System-prompt leaks (long n-gram overlap with the
 * system prompt, typical leak shapes, internal codes), data carried in image / link URLs, links to external
 * or suspicious domains (phishing), active content, and secrets / personal data in the answer.
 */
import { prepare } from './normalize.js';
import { combine } from './prompt.js';
import { findSensitive, SECRET_TYPES, type SensitiveMatch, type SensitiveType } from './sensitive.js';

export type ResponseCategory =
  | 'system_prompt_leak'
  | 'data_exfiltration_url'
  | 'external_link'
  | 'phishing_link'
  | 'active_content'
  | 'secret'
  | 'pii';

export interface ResponseSpan {
  start: number;
  end: number;
  category: ResponseCategory;
  /** sub-type: the sensitive type, the URL host, the leak shape */
  detail?: string;
}

export interface ResponseAnalysis {
  /** severity-like score in [0, 1] */
  score: number;
  /** every category found, strongest first */
  categories: ResponseCategory[];
  spans: ResponseSpan[];
  /** the validated sensitive values in the response (masked) */
  sensitive: SensitiveMatch[];
}

export interface AnalyzeResponseOptions {
  /** the system prompt the model was given, to detect verbatim or near-verbatim leaks */
  systemPrompt?: string;
  /** hosts the application legitimately links to (a host matches itself and its sub-domains) */
  allowedDomains?: readonly string[];
}

interface Ev {
  id: string;
  cat: ResponseCategory;
  w: number;
  start: number;
  end: number;
  detail?: string;
}

// ------------------------------------------------------------------ system prompt overlap

const WORD = /[\p{L}\p{N}]+/gu;
const NGRAM = 6;

interface Tok {
  t: string;
  start: number;
  end: number;
}

function words(text: string): Tok[] {
  const p = prepare(text);
  const norm = p.norm;
  const out: Tok[] = [];
  WORD.lastIndex = 0;
  for (let m = WORD.exec(norm.text); m !== null && out.length < 20000; m = WORD.exec(norm.text)) {
    const a = norm.map ? norm.map[m.index] : m.index;
    const b = norm.map ? norm.map[m.index + m[0].length - 1] + 1 : m.index + m[0].length;
    out.push({ t: m[0], start: p.toOriginal(a), end: p.toOriginal(b - 1) + 1 });
  }
  return out;
}

/** Spans of the response that repeat runs of the system prompt (≥ minRun words). */
export function systemPromptOverlap(
  response: string,
  systemPrompt: string,
): { spans: { start: number; end: number; words: number }[]; coverage: number } {
  const sp = words(systemPrompt).map((w) => w.t);
  const rs = words(response);
  if (sp.length === 0 || rs.length === 0) return { spans: [], coverage: 0 };
  const n = Math.min(NGRAM, sp.length);
  const grams = new Set<string>();
  for (let i = 0; i + n <= sp.length; i++) grams.add(sp.slice(i, i + n).join(' '));
  const covered = new Uint8Array(rs.length);
  const hit = new Set<string>();
  for (let i = 0; i + n <= rs.length; i++) {
    const g = rs
      .slice(i, i + n)
      .map((w) => w.t)
      .join(' ');
    if (grams.has(g)) {
      hit.add(g);
      for (let k = i; k < i + n; k++) covered[k] = 1;
    }
  }
  const spans: { start: number; end: number; words: number }[] = [];
  for (let i = 0; i < rs.length; ) {
    if (!covered[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < rs.length && covered[j]) j++;
    spans.push({ start: rs[i].start, end: rs[j - 1].end, words: j - i });
    i = j;
  }
  return { spans, coverage: grams.size ? hit.size / grams.size : 0 };
}

/** Tokens of a system prompt that look like internal codes, keys or passwords. */
function secretTokens(systemPrompt: string): string[] {
  const out = new Set<string>();
  for (const m of systemPrompt.matchAll(
    /\b(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9_-]{5,63}\b/g,
  )) {
    const t = m[0];
    // mixed letters+digits in upper case or with separators (CODE-7731, X9K2PQ), not plain words with a digit
    if (/[A-Z]/.test(t) && (t === t.toUpperCase() || /[-_]/.test(t))) out.add(t);
  }
  for (const m of systemPrompt.matchAll(
    /\b(?:password|passphrase|secret|code ?word|codeword|api[ _-]?key|token|pin|key)\b\s{0,3}(?:is|=|:)\s{0,3}["'“]?([^\s"'”]{4,64})/gi,
  ))
    out.add(m[1].replace(/[.,;]+$/, ''));
  return [...out].slice(0, 64);
}

// ------------------------------------------------------------------ rules on the response

const LEAK_SHAPES: { id: string; w: number; re: RegExp }[] = [
  {
    id: 'my_instructions_are',
    w: 2.5,
    re: /\b(?:my|the) (?:system )?(?:instructions|prompt|system prompt|guidelines|directives|initial prompt|rules|configuration)(?: (?:are|is|say|state|were|was|read))?\s{0,3}[:：]/g,
  },
  {
    id: 'here_is_my_prompt',
    w: 3.0,
    re: /\b(?:here (?:is|are)|below (?:is|are)|these are) (?:my|the) (?:full |complete |exact |original |initial |hidden )?(?:system prompt|instructions|initial prompt|configuration|system message|guidelines|directives|prompt)\b/g,
  },
  {
    id: 'i_was_instructed',
    w: 1.5,
    re: /\bi (?:was|am|have been|'ve been) (?:instructed|told|programmed|configured|prompted|directed) (?:to|not to|that|never)\b/g,
  },
  {
    id: 'starts_like_system_prompt',
    w: 1.2,
    re: /^\W{0,10}(?:you are|you're) (?:a|an) [^.\n]{0,80}\b(?:assistant|bot|agent|model|ai)\b/g,
  },
  { id: 'role_tokens', w: 1.5, re: /<\|im_start\|>system|<<sys>>|\[system\]|(?:^|\n)#{1,4}\s{0,3}system\b/g },
];

const IMG_MD = /!\[[^\]\n]{0,300}\]\(\s{0,4}<?([^)\s>]{1,2048})/g;
const IMG_HTML = /<img\b[^>]{0,400}?\bsrc\s{0,3}=\s{0,3}["']?([^"'\s>]{1,2048})/gi;
const LINK_MD = /(?<!!)\[[^\]\n]{0,300}\]\(\s{0,4}<?([^)\s>]{1,2048})/g;
const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"'`)\]]{2,2048}/gi;
const ACTIVE =
  /\b(?:javascript|vbscript):[^\s)"'>]{1,200}|\bdata:text\/html[^\s)"'>]{0,200}|<script\b|\bon(?:error|load|mouseover)\s{0,3}=/gi;
const PHISH_VERB =
  /\b(?:verify|confirm|update|validate|re-?enter|log ?in|sign ?in|reset|unlock|claim|reactivate|secure|restore|re-?activate|provide|enter|submit)\b/;
const PHISH_NOUN =
  /\b(?:card|account|password|credentials|payment|billing|ssn|social security|identity|bank|login|details|information|wallet|seed phrase|pin|otp|code)\b/;
const SHORTENERS =
  /^(?:bit\.ly|tinyurl\.com|t\.co|goo\.gl|is\.gd|ow\.ly|rb\.gy|cutt\.ly|shorturl\.at|tiny\.cc|buff\.ly|rebrand\.ly)$/;
const RISKY_TLD =
  /\.(?:zip|mov|xyz|top|click|link|tk|ml|ga|cf|gq|work|rest|country|kim|loan|review|icu|monster)$/;

function hostOf(url: string): string | null {
  let u = url;
  if (/^www\./i.test(u)) u = `http://${u}`;
  if (u.startsWith('//')) u = `http:${u}`;
  try {
    return new URL(u).hostname.toLowerCase();
  } catch {
    return null;
  }
}

function allowed(host: string, domains: readonly string[] | undefined): boolean {
  if (!domains) return true;
  return domains.some((d) => {
    const dd = d.toLowerCase().replace(/^\*?\./, '');
    return host === dd || host.endsWith(`.${dd}`);
  });
}

/** How much data a URL carries in its query string and fragment (the longest value and the total). */
function queryLoad(url: string): { longest: number; total: number; encoded: boolean } {
  const q = url.indexOf('?');
  const h = url.indexOf('#');
  const start = q >= 0 ? q + 1 : h >= 0 ? h + 1 : -1;
  if (start < 0) {
    // data in the path: a long base64/hex-looking segment
    const seg = url.split('/').pop() ?? '';
    const long = /^[A-Za-z0-9+_=-]{32,}$/.test(seg) ? seg.length : 0;
    return { longest: long, total: long, encoded: long > 0 };
  }
  let longest = 0;
  let total = 0;
  let encoded = false;
  for (const kv of url.slice(start).split(/[&#;]/)) {
    const v = kv.includes('=') ? kv.slice(kv.indexOf('=') + 1) : kv;
    longest = Math.max(longest, v.length);
    total += v.length;
    if (/%20|\+|%[0-9a-f]{2}.*%[0-9a-f]{2}/i.test(v) || /^[A-Za-z0-9+/_-]{24,}={0,2}$/.test(v))
      encoded = true;
  }
  return { longest, total, encoded };
}

function sensitiveWeight(t: SensitiveType): number {
  if (SECRET_TYPES.has(t)) return 3.5;
  if (t === 'credit_card' || t === 'us_ssn' || t === 'iban' || t === 'passport') return 2.5;
  if (t === 'email' || t === 'phone') return 1.0;
  return 0.6;
}

/** Analyse a model response for leaks, exfiltration URLs, phishing links and sensitive data. */
export function analyzeResponse(text: string, opts: AnalyzeResponseOptions = {}): ResponseAnalysis {
  if (typeof text !== 'string' || text.length === 0)
    return { score: 1 / (1 + Math.exp(3)), categories: [], spans: [], sensitive: [] };
  const ev: Ev[] = [];
  const p = prepare(text);
  const norm = p.norm;
  const toOrig = (a: number, b: number) => {
    const s = norm.map ? norm.map[Math.min(a, norm.map.length - 1)] : a;
    const e = norm.map ? norm.map[Math.min(b - 1, norm.map.length - 1)] + 1 : b;
    return { start: p.toOriginal(s), end: p.toOriginal(e - 1) + 1 };
  };

  // ---- system prompt leak
  if (opts.systemPrompt && opts.systemPrompt.trim().length > 0) {
    const sp = opts.systemPrompt;
    const spWords = (sp.match(WORD) ?? []).length;
    const { spans, coverage } = systemPromptOverlap(text, sp);
    const minRun = Math.min(12, Math.max(NGRAM, Math.ceil(spWords * 0.6)));
    for (const s of spans) {
      if (s.words >= minRun || (coverage >= 0.3 && s.words >= NGRAM)) {
        ev.push({
          id: 'system_prompt_overlap',
          cat: 'system_prompt_leak',
          w: coverage >= 0.3 || s.words >= 25 ? 4.5 : 3.5,
          start: s.start,
          end: s.end,
          detail: `${s.words} words`,
        });
      }
    }
    for (const tok of secretTokens(sp)) {
      let from = 0;
      for (let i = text.indexOf(tok, from); i >= 0 && from < text.length; i = text.indexOf(tok, from)) {
        ev.push({
          id: 'system_prompt_secret',
          cat: 'system_prompt_leak',
          w: 4.0,
          start: i,
          end: i + tok.length,
          detail: 'internal code',
        });
        from = i + tok.length;
      }
    }
  }
  for (const shape of LEAK_SHAPES) {
    shape.re.lastIndex = 0;
    const m = shape.re.exec(norm.text);
    if (m)
      ev.push({
        id: shape.id,
        cat: 'system_prompt_leak',
        w: shape.w,
        ...toOrig(m.index, m.index + m[0].length),
        detail: shape.id,
      });
  }

  // ---- URLs in images and links
  const imageUrls = new Set<number>();
  for (const re of [IMG_MD, IMG_HTML]) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const url = m[1];
      const start = m.index + m[0].length - url.length;
      imageUrls.add(start);
      const host = hostOf(url);
      if (!host) continue;
      const load = queryLoad(url);
      const external = !allowed(host, opts.allowedDomains);
      if (load.longest >= 24 || load.total >= 40 || (load.encoded && load.longest >= 8)) {
        ev.push({
          id: 'image_url_data',
          cat: 'data_exfiltration_url',
          w: external ? 4.0 : 3.0,
          start,
          end: start + url.length,
          detail: host,
        });
      } else if (load.total > 0 && external) {
        ev.push({
          id: 'image_url_query',
          cat: 'data_exfiltration_url',
          w: 1.5,
          start,
          end: start + url.length,
          detail: host,
        });
      }
    }
  }
  LINK_MD.lastIndex = 0;
  for (let m = LINK_MD.exec(text); m !== null; m = LINK_MD.exec(text)) {
    const url = m[1];
    const start = m.index + m[0].length - url.length;
    const host = hostOf(url);
    if (!host) continue;
    const load = queryLoad(url);
    if (load.longest >= 32 || (load.encoded && load.longest >= 16))
      ev.push({
        id: 'link_url_data',
        cat: 'data_exfiltration_url',
        w: 2.5,
        start,
        end: start + url.length,
        detail: host,
      });
  }
  URL_RE.lastIndex = 0;
  const lower = text.toLowerCase();
  for (let m = URL_RE.exec(text); m !== null; m = URL_RE.exec(text)) {
    const url = m[0].replace(/[.,;:!?]+$/, '');
    const start = m.index;
    const end = start + url.length;
    const host = hostOf(url);
    if (!host) continue;
    const suspicious =
      /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host) ||
      host.startsWith('xn--') ||
      host.includes('.xn--') ||
      SHORTENERS.test(host) ||
      RISKY_TLD.test(host) ||
      /^[^/]*\/\/[^/]*@/.test(url);
    const external = opts.allowedDomains ? !allowed(host, opts.allowedDomains) : false;
    const ctx = lower.slice(Math.max(0, start - 160), start);
    const phishy = PHISH_VERB.test(ctx) && PHISH_NOUN.test(ctx);
    if (phishy && (external || suspicious || !opts.allowedDomains))
      ev.push({
        id: 'phishing_link',
        cat: 'phishing_link',
        w: suspicious || external ? 3.2 : 2.4,
        start,
        end,
        detail: host,
      });
    if (external)
      ev.push({
        id: 'external_link',
        cat: 'external_link',
        w: suspicious ? 2.0 : 1.0,
        start,
        end,
        detail: host,
      });
    else if (suspicious && !imageUrls.has(start))
      ev.push({ id: 'suspicious_link', cat: 'external_link', w: 1.5, start, end, detail: host });
  }
  ACTIVE.lastIndex = 0;
  for (let m = ACTIVE.exec(text); m !== null; m = ACTIVE.exec(text)) {
    ev.push({
      id: 'active_content',
      cat: 'active_content',
      w: 2.5,
      start: m.index,
      end: m.index + m[0].length,
    });
  }

  // ---- secrets and personal data
  const sensitive = findSensitive(text);
  for (const s of sensitive) {
    ev.push({
      id: `sensitive_${s.type}`,
      cat: SECRET_TYPES.has(s.type) ? 'secret' : 'pii',
      w: sensitiveWeight(s.type),
      start: s.start,
      end: s.end,
      detail: s.type,
    });
  }

  const z = combine(ev);
  const catW = new Map<ResponseCategory, number>();
  for (const e of ev) if (e.w >= 1.0) catW.set(e.cat, Math.max(catW.get(e.cat) ?? 0, e.w));
  const categories = [...catW.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c);
  const seen = new Set<string>();
  const spans: ResponseSpan[] = [];
  for (const e of ev.sort((a, b) => a.start - b.start || a.end - b.end)) {
    const key = `${e.start}:${e.end}:${e.cat}`;
    if (seen.has(key) || e.end <= e.start) continue;
    seen.add(key);
    spans.push(
      e.detail
        ? { start: e.start, end: e.end, category: e.cat, detail: e.detail }
        : { start: e.start, end: e.end, category: e.cat },
    );
  }
  return { score: 1 / (1 + Math.exp(-z)), categories, spans: spans.slice(0, 128), sensitive };
}
