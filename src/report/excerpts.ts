/**
 * Prompt/response excerpts cut into pieces for display: plain text and detected spans. Long texts are
 * windowed around the first span. Offsets are UTF-16 code units of `text`.
 */
import type { Finding } from '../model/types.js';
import { type Segment, segments } from './escape.js';
import { type Excerpt, getExcerpts } from './extras.js';

export interface Piece {
  text: string;
  /** the category of a detected span; undefined for plain text */
  span?: string;
}

export interface ExcerptView {
  requestId?: string;
  role?: string;
  pieces: Piece[];
  /** characters left out before / after the window */
  before: number;
  after: number;
  /** spans that fell outside the window */
  hiddenSpans: number;
}

function safeIndex(s: string, i: number): number {
  if (i <= 0) return 0;
  if (i >= s.length) return s.length;
  const c = s.charCodeAt(i);
  // do not start or end in the middle of a surrogate pair
  return c >= 0xdc00 && c <= 0xdfff ? i - 1 : i;
}

export function excerptView(ex: Excerpt, max = 3000): ExcerptView {
  const text = ex.text;
  let from = 0;
  let to = text.length;
  if (text.length > max) {
    const first = ex.spans[0];
    from = first && first.start > max / 3 ? safeIndex(text, first.start - 300) : 0;
    to = safeIndex(text, Math.min(text.length, from + max));
  }
  const pieces: Piece[] = [];
  let pos = from;
  let hidden = 0;
  for (const sp of ex.spans) {
    const s = safeIndex(text, sp.start);
    const e = safeIndex(text, sp.end);
    if (s < from || e > to || e <= s) {
      hidden++;
      continue;
    }
    if (s > pos) pieces.push({ text: text.slice(pos, s) });
    pieces.push({ text: text.slice(s, e), span: sp.category || 'detected' });
    pos = e;
  }
  if (pos < to) pieces.push({ text: text.slice(pos, to) });
  return {
    requestId: ex.requestId,
    role: ex.role,
    pieces,
    before: from,
    after: text.length - to,
    hiddenSpans: hidden,
  };
}

/** Segments of a piece for excerpt display: literal « and » become escapes so our span markers stay unambiguous. */
export function excerptSegments(text: string): Segment[] {
  return segments(text).flatMap((seg) => {
    if (seg.escaped) return [seg];
    const out: Segment[] = [];
    let lit = '';
    for (const ch of seg.text) {
      if (ch === '«' || ch === '»') {
        if (lit) out.push({ text: lit });
        lit = '';
        out.push({ text: ch === '«' ? '\\u00ab' : '\\u00bb', escaped: true });
      } else lit += ch;
    }
    if (lit) out.push({ text: lit });
    return out;
  });
}

/** Findings with excerpts, with their views (at most `perFinding` excerpts each). */
export function findingExcerpts(
  findings: Finding[],
  perFinding = 6,
  max = 3000,
): Array<{ finding: Finding; views: ExcerptView[]; more: number }> {
  const out: Array<{ finding: Finding; views: ExcerptView[]; more: number }> = [];
  for (const f of findings) {
    const ex = getExcerpts(f);
    if (!ex.length) continue;
    out.push({
      finding: f,
      views: ex.slice(0, perFinding).map((e) => excerptView(e, max)),
      more: Math.max(0, ex.length - perFinding),
    });
  }
  return out;
}
