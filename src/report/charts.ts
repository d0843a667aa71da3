/**
 * Inline SVG bar charts (no script): total per time bucket in grey, the threat actor's share in red.
 * Data come from `report.charts` or, for activity, are bucketed from the timeline. All numbers and
 * labels are computed here; the only text is our own (times formatted from parsed dates).
 */
import type { TimelineEntry } from '../model/types.js';
import { fmtNum } from './common.js';
import { escapeHtmlRaw } from './escape.js';
import type { ChartPoint } from './extras.js';

const BUCKETS = [60, 300, 900, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 7 * 86400].map(
  (s) => s * 1000,
);

/**
 * Bucket the timeline by a size chosen so there are at most 72 buckets. Entries outside `window`
 * (the evidence window, when known) and undated ones (epoch 0) are left out so that one stray time
 * cannot flatten the chart.
 */
export function timelineActivity(
  entries: readonly TimelineEntry[],
  window: { start?: string; end?: string } = {},
): ChartPoint[] {
  const lo0 = window.start ? Date.parse(window.start) : Number.NaN;
  const hi0 = window.end ? Date.parse(window.end) : Number.NaN;
  const times = entries
    .map((e) => ({ t: Date.parse(e.time), actor: e.actor === true }))
    .filter(
      (x) =>
        !Number.isNaN(x.t) &&
        x.t > 0 &&
        (Number.isNaN(lo0) || x.t >= lo0) &&
        (Number.isNaN(hi0) || x.t <= hi0),
    );
  if (!times.length) return [];
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const x of times) {
    if (x.t < lo) lo = x.t;
    if (x.t > hi) hi = x.t;
  }
  const size = BUCKETS.find((b) => (hi - lo) / b <= 72) ?? BUCKETS[BUCKETS.length - 1]!;
  const start = Math.floor(lo / size) * size;
  const n = Math.floor((hi - start) / size) + 1;
  const pts: ChartPoint[] = Array.from({ length: n }, (_, i) => ({
    t: new Date(start + i * size).toISOString(),
    total: 0,
    actor: 0,
  }));
  for (const x of times) {
    const p = pts[Math.floor((x.t - start) / size)]!;
    p.total++;
    if (x.actor) p.actor++;
  }
  return pts;
}

function label(t: number, spanMs: number): string {
  const iso = new Date(t).toISOString();
  if (spanMs <= 86400_000) return `${iso.slice(11, 16)}Z`;
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}Z`;
}

const f1 = (n: number) => (Math.round(n * 10) / 10).toString();

/**
 * An SVG bar chart of one series: all activity in grey with the buckets where the threat actor was
 * active shaded, and below it a second panel with the actor's own values on their own scale (the
 * actor's share is often far too small to see against the total). `title` and `unit` are our own
 * words; they are escaped anyway. Returns '' when there is nothing to draw.
 */
export function barChart(points: readonly ChartPoint[], title: string, unit: string): string {
  if (!points.length) return '';
  const W = 1000;
  const L = 64;
  const R = 12;
  const T = 12;
  const mainH = 150;
  const hasActor = points.some((p) => p.actor > 0);
  const gapH = 18;
  const actorH = hasActor ? 64 : 0;
  const B = 30;
  const H = T + mainH + (hasActor ? gapH + actorH : 0) + B;
  const pw = W - L - R;
  const n = points.length;
  const bw = pw / n;
  const gap = bw > 6 ? Math.min(2, bw * 0.15) : 0;
  const t0 = Date.parse(points[0]!.t);
  const t1 = Date.parse(points[n - 1]!.t);
  const maxT = Math.max(1, ...points.map((p) => p.total));
  const maxA = Math.max(1, ...points.map((p) => p.actor));
  const out: string[] = [];
  out.push(
    `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="${escapeHtmlRaw(title)}" xmlns="http://www.w3.org/2000/svg">`,
  );
  const panel = (top: number, height: number, max: number, name: string) => {
    for (const frac of [0, 0.5, 1]) {
      const y = top + height - height * frac;
      out.push(`<line x1="${L}" y1="${f1(y)}" x2="${W - R}" y2="${f1(y)}" class="grid"/>`);
      out.push(
        `<text x="${L - 6}" y="${f1(y + 4)}" text-anchor="end" class="axis">${escapeHtmlRaw(fmtNum(max * frac))}</text>`,
      );
    }
    out.push(
      `<text x="${L + 4}" y="${top + 11}" class="panel-label">${escapeHtmlRaw(name)}</text>`,
      `<line x1="${L}" y1="${top + height}" x2="${W - R}" y2="${top + height}" class="baseline"/>`,
    );
  };
  const actorTop = T + mainH + gapH;
  // shading of the buckets where the actor was active, across both panels
  points.forEach((p, i) => {
    if (p.actor > 0)
      out.push(
        `<rect x="${f1(L + i * bw)}" y="${T}" width="${f1(bw)}" height="${f1(mainH + (hasActor ? gapH + actorH : 0))}" class="actor-band"/>`,
      );
  });
  panel(T, mainH, maxT, `all ${unit}`);
  if (hasActor) panel(actorTop, actorH, maxA, `threat actor ${unit}`);
  points.forEach((p, i) => {
    const x = L + i * bw + gap / 2;
    const w = Math.max(0.5, bw - gap);
    const ht = (p.total / maxT) * mainH;
    const ha = (p.actor / maxA) * actorH;
    const tip = `${label(Date.parse(p.t), Number.POSITIVE_INFINITY)}: ${fmtNum(p.total)} ${unit}${p.actor ? `, threat actor ${fmtNum(p.actor)}` : ''}`;
    out.push(`<g><title>${escapeHtmlRaw(tip)}</title>`);
    out.push(
      `<rect x="${f1(L + i * bw)}" y="${T}" width="${f1(bw)}" height="${f1(mainH + (hasActor ? gapH + actorH : 0))}" class="hit"/>`,
    );
    if (ht > 0)
      out.push(
        `<rect x="${f1(x)}" y="${f1(T + mainH - ht)}" width="${f1(w)}" height="${f1(ht)}" class="${p.actor > 0 ? 'bar-total hot' : 'bar-total'}"/>`,
      );
    if (hasActor && ha > 0)
      out.push(
        `<rect x="${f1(x)}" y="${f1(actorTop + actorH - ha)}" width="${f1(w)}" height="${f1(ha)}" class="bar-actor"/>`,
      );
    out.push('</g>');
  });
  // x labels: about 6
  const base = H - B;
  const step = Math.max(1, Math.ceil(n / 6));
  for (let i = 0; i < n; i += step) {
    const x = L + i * bw + bw / 2;
    out.push(`<line x1="${f1(x)}" y1="${base}" x2="${f1(x)}" y2="${base + 4}" class="tick"/>`);
    out.push(
      `<text x="${f1(x)}" y="${base + 18}" text-anchor="middle" class="axis">${escapeHtmlRaw(label(Date.parse(points[i]!.t), t1 - t0))}</text>`,
    );
  }
  out.push('</svg>');
  return out.join('');
}
