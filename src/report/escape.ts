/**
 * Escaping and neutralising of evidence-derived text.
 *
 * Everything inside a Report is treated as attacker-controlled: prompts, responses, summaries built
 * from CloudTrail fields, resource names, even ids. The writers only ever pass such text through the
 * functions here before it reaches Markdown, HTML, Mermaid or CSV output.
 *
 * Invisible and direction-changing characters (bidi controls, zero-width characters, Unicode tag
 * characters, variation selectors, C0/C1 controls...) are replaced by visible escapes such as `\u202e`.
 * A run of tag characters (U+E0000-U+E007F, "ASCII smuggling") is shown decoded as `⟦tags:…⟧` so a
 * responder can read the hidden instruction.
 */

/** A piece of text after neutralisation: literal text, or the visible escape of invisible characters. */
export interface Segment {
  text: string;
  /** true when `text` is our escape notation (e.g. `\u202e`), not evidence text */
  escaped?: boolean;
}

/** Code points that are invisible, reorder text, or are otherwise unsafe to show as they are. */
export function isInvisible(cp: number): boolean {
  return (
    (cp <= 0x1f && cp !== 0x0a && cp !== 0x09) ||
    (cp >= 0x7f && cp <= 0x9f) ||
    cp === 0xad || // soft hyphen
    cp === 0x34f || // combining grapheme joiner
    cp === 0x61c || // arabic letter mark
    cp === 0x115f ||
    cp === 0x1160 ||
    cp === 0x17b4 ||
    cp === 0x17b5 ||
    (cp >= 0x180b && cp <= 0x180f) || // mongolian variation selectors, vowel separator
    (cp >= 0x200b && cp <= 0x200f) || // zero-width space/non-joiner/joiner, LRM, RLM
    (cp >= 0x2028 && cp <= 0x202e) || // line/paragraph separator, bidi embeddings and overrides
    (cp >= 0x2060 && cp <= 0x206f) || // word joiner, invisible operators, bidi isolates, deprecated formats
    cp === 0x3164 || // hangul filler
    (cp >= 0xfe00 && cp <= 0xfe0f) || // variation selectors
    cp === 0xfeff || // BOM / zero-width no-break space
    cp === 0xffa0 ||
    (cp >= 0xfff0 && cp <= 0xfffb) || // interlinear annotation and specials
    (cp >= 0x1d173 && cp <= 0x1d17a) || // musical symbol formatting
    (cp >= 0xe0000 && cp <= 0xe007f) || // tag characters
    (cp >= 0xe0100 && cp <= 0xe01ef) || // variation selectors supplement
    (cp >= 0xd800 && cp <= 0xdfff) // lone surrogate
  );
}

function hex(cp: number): string {
  return cp <= 0xffff ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\u{${cp.toString(16)}}`;
}

/**
 * Split text into literal and escaped segments. Newlines and tabs are kept literal (callers decide);
 * CR LF and lone CR become LF.
 */
export function segments(input: string): Segment[] {
  const s = input.replace(/\r\n?/g, '\n');
  const out: Segment[] = [];
  let lit = '';
  const push = (seg: Segment) => {
    if (lit) out.push({ text: lit });
    lit = '';
    out.push(seg);
  };
  let i = 0;
  while (i < s.length) {
    const cp = s.codePointAt(i)!;
    const len = cp > 0xffff ? 2 : 1;
    if (cp >= 0xe0000 && cp <= 0xe007f) {
      // a run of tag characters: show it decoded
      let j = i;
      let decoded = '';
      while (j < s.length) {
        const c = s.codePointAt(j)!;
        if (c < 0xe0000 || c > 0xe007f) break;
        decoded += c >= 0xe0020 && c <= 0xe007e ? String.fromCharCode(c - 0xe0000) : hex(c);
        j += 2;
      }
      push({ text: '⟦tags:', escaped: true });
      lit = decoded;
      push({ text: '⟧', escaped: true });
      i = j;
      continue;
    }
    if (isInvisible(cp)) {
      push({ text: hex(cp), escaped: true });
    } else {
      lit += s.slice(i, i + len);
    }
    i += len;
  }
  if (lit) out.push({ text: lit });
  return out;
}

/** Neutralised plain text: invisible characters shown as `\uXXXX`, tag runs decoded. */
export function visible(s: string): string {
  return segments(s)
    .map((x) => x.text)
    .join('');
}

/** Cut a string to at most `max` UTF-16 units without splitting a surrogate pair. */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = max;
  const c = s.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut--;
  return `${s.slice(0, cut)}… [${s.length - cut} more characters]`;
}

const HTML_ESC: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape the five HTML-significant characters. Safe for text content and quoted attribute values. */
export function escapeHtmlRaw(s: string): string {
  return s.replace(/[&<>"']/g, (c) => HTML_ESC[c]!);
}

/**
 * Evidence text to HTML: neutralised, escaped, invisible characters as `<span class="cc">\u202e</span>`.
 * `max` truncates first (default 4000 characters).
 */
export function html(s: unknown, max = 4000): string {
  const str = truncate(toText(s), max);
  return segments(str)
    .map((x) => (x.escaped ? `<span class="cc">${escapeHtmlRaw(x.text)}</span>` : escapeHtmlRaw(x.text)))
    .join('');
}

/** Any value as text (null/undefined → ''). */
export function toText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return String(v);
  }
}

/**
 * Escape literal text for inline Markdown (CommonMark + GFM): no emphasis, links, images, HTML,
 * code spans, table breaks, autolinks, math or template syntax can come from the text.
 */
function mdLiteral(s: string): string {
  return (
    s
      .replace(/[\\`*_[\]{}|~$<>&]/g, (c) => {
        if (c === '<') return '&lt;';
        if (c === '>') return '&gt;';
        if (c === '&') return '&amp;';
        return `\\${c}`;
      })
      // GFM autolinks: scheme://, www., e-mail addresses
      .replace(/:(?=\/\/)/g, '\\:')
      .replace(/\b(www)\./gi, '$1\\.')
      .replace(/@/g, '\\@')
  );
}

/** Markdown for a segment list; escapes become code spans so they differ from literal text. */
function mdSegments(segs: Segment[]): string {
  return segs.map((x) => (x.escaped ? `\`${x.text}\`` : mdLiteral(x.text))).join('');
}

/**
 * Evidence text for inline Markdown (a table cell, a list item, a heading): one line,
 * newlines shown as ⏎, tabs as spaces, truncated to `max` characters.
 */
export function md(s: unknown, max = 1000): string {
  const str = truncate(toText(s), max).replace(/\t/g, ' ');
  const segs = segments(str).flatMap((x) =>
    x.escaped
      ? [x]
      : x.text
          .split('\n')
          .flatMap((part, i) => (i === 0 ? [{ text: part }] : [{ text: ' ⏎ ' }, { text: part }])),
  );
  return mdSegments(segs.filter((x) => x.text !== '')).trim();
}

/** Escape block-starting syntax at the start of a Markdown line (headings, quotes, lists, setext, rules). */
export function mdLineStart(line: string): string {
  const trimmed = line.replace(/^[ \t]+/, '');
  return trimmed.replace(/^([#>+=-])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2');
}

/** Evidence text as Markdown lines (for block quotes): each line escaped, block syntax neutralised. */
export function mdLines(segs: Segment[]): string[] {
  const lines: string[] = [''];
  for (const x of segs) {
    if (x.escaped) {
      lines[lines.length - 1] += `\`${x.text}\``;
      continue;
    }
    const parts = x.text.replace(/\t/g, '    ').split('\n');
    parts.forEach((p, i) => {
      if (i > 0) lines.push('');
      lines[lines.length - 1] += mdLiteral(p);
    });
  }
  return lines.map(mdLineStart);
}

/** A count-capped list: the first `max` items, then "and N more". */
export function capList<T>(items: readonly T[], max: number): { shown: T[]; more: number } {
  return { shown: items.slice(0, max), more: Math.max(0, items.length - max) };
}

/** A CSV cell (RFC 4180) with the spreadsheet formula-injection guard (OWASP). */
export function csvCell(v: unknown): string {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  let s = toText(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  if (/[",\r\n]/.test(s) || s !== s.trim()) s = `"${s.replace(/"/g, '""')}"`;
  return s;
}

/** A CSV document: header and rows, CRLF line ends, trailing CRLF. */
export function csv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
