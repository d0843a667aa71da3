/** Shared vocabulary and small helpers of the report writers. */
import {
  COMPONENTS,
  type Component,
  ELEMENTS,
  type Element,
  type ElementStatus,
  type Finding,
  type Report,
  SEVERITIES,
  type Severity,
  type TimelineEntry,
} from '../model/types.js';

export const ELEMENT_LABELS: Record<Element, string> = {
  access: 'Access',
  'infrastructure-changes': 'Infrastructure changes',
  'ai-changes': 'AI changes',
  'data-store-changes': 'Data store changes',
  invocation: 'Invocation',
  'private-data': 'Private data',
  agency: 'Agency',
};

export const ELEMENT_QUESTIONS: Record<Element, string> = {
  access: 'Who accessed the application, models and accounts, and from where?',
  'infrastructure-changes': 'Were servers, functions, networks, IAM or logging changed?',
  'ai-changes': 'Were models, guardrails, agents, prompts or invocation logging changed?',
  'data-store-changes': 'Were training data, knowledge bases or vector stores read or changed?',
  invocation: 'Injection, jailbreak, probing, volume abuse or unusual models?',
  'private-data': 'Was sensitive or confidential data exposed or tampered with?',
  agency: 'Did the application or its agents act beyond intent?',
};

export const COMPONENT_LABELS: Record<Component, string> = {
  'foundation-models': 'Foundation models',
  'custom-models': 'Custom models',
  guardrails: 'Guardrails',
  agents: 'Agents',
  'knowledge-bases': 'Knowledge bases',
  'training-data': 'Training data',
  plugins: 'Plugins',
};

export const STATUS_LABELS: Record<ElementStatus, string> = {
  compromised: 'Compromised',
  suspicious: 'Suspicious',
  clear: 'Clear',
  'no-evidence': 'No evidence',
};

export const SEVERITY_RANK: Record<Severity, number> = {
  informational: 0,
  low: 1,
  medium: 2,
  high: 3,
  critical: 4,
};

export { COMPONENTS, ELEMENTS, SEVERITIES };

export function isElement(s: unknown): s is Element {
  return typeof s === 'string' && (ELEMENTS as readonly string[]).includes(s);
}

export function isComponent(s: unknown): s is Component {
  return typeof s === 'string' && (COMPONENTS as readonly string[]).includes(s);
}

export function severityOf(f: Finding): Severity {
  return (SEVERITIES as readonly string[]).includes(f.severity) ? f.severity : 'informational';
}

export function statusOf(s: unknown): ElementStatus {
  return s === 'compromised' || s === 'suspicious' || s === 'clear' || s === 'no-evidence'
    ? s
    : 'no-evidence';
}

/** Findings, most severe first, then by first seen time, then id (deterministic). */
export function sortedFindings(report: Report): Finding[] {
  return [...report.findings].sort(
    (a, b) =>
      SEVERITY_RANK[severityOf(b)] - SEVERITY_RANK[severityOf(a)] ||
      cmp(a.firstSeen, b.firstSeen) ||
      cmp(a.id, b.id),
  );
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `2025-06-04 02:48:11Z` from an ISO time; the input unchanged (for escaping) when it does not parse. */
export function fmtTime(s: string | undefined): string {
  if (!s) return '';
  const t = Date.parse(s);
  if (Number.isNaN(t)) return s;
  if (t === 0) return 'undated'; // epoch 0 stands for "no time" in some sources
  const iso = new Date(t).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}Z`;
}

export function fmtWindow(w: { start?: string; end?: string } | undefined): string {
  if (!w || (!w.start && !w.end)) return 'not established';
  return `${fmtTime(w.start) || '…'} → ${fmtTime(w.end) || '…'}`;
}

/** Short display number, e.g. 1234567 → 1.2M. */
export function fmtNum(n: number): string {
  if (!Number.isFinite(n)) return '0';
  const a = Math.abs(n);
  const dec = (x: number) => (x >= 100 ? String(Math.round(x)) : x.toFixed(1).replace(/\.0$/, ''));
  if (a >= 1e9) return `${dec(n / 1e9)}G`;
  if (a >= 1e6) return `${dec(n / 1e6)}M`;
  if (a >= 1e4) return `${dec(n / 1e3)}k`;
  return String(Math.round(n));
}

export interface Verdict {
  /** incident | suspicious | none */
  level: 'incident' | 'suspicious' | 'none';
  headline: string;
}

export function overallVerdict(report: Report): Verdict {
  const statuses = ELEMENTS.map((e) => statusOf(report.elements?.[e]?.status));
  if (statuses.includes('compromised'))
    return { level: 'incident', headline: 'Incident confirmed: at least one element is compromised.' };
  if (statuses.includes('suspicious'))
    return { level: 'suspicious', headline: 'Suspicious activity: not confirmed as an incident.' };
  return { level: 'none', headline: 'No incident found in the evidence supplied.' };
}

export function severityCounts(report: Report): Record<Severity, number> {
  const c: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0, informational: 0 };
  for (const f of report.findings) c[severityOf(f)]++;
  return c;
}

/**
 * Executive-summary sentences built from the report (our own wording; values are counts and
 * element names only). `report.summary`, when present, is shown before these.
 */
export function derivedSummary(report: Report): string[] {
  const out: string[] = [];
  const v = overallVerdict(report);
  out.push(v.headline);
  const by = (st: ElementStatus) =>
    ELEMENTS.filter((e) => statusOf(report.elements?.[e]?.status) === st).map((e) => ELEMENT_LABELS[e]);
  const comp = by('compromised');
  const susp = by('suspicious');
  const noev = by('no-evidence');
  if (comp.length) out.push(`Compromised: ${comp.join(', ')}.`);
  if (susp.length) out.push(`Suspicious: ${susp.join(', ')}.`);
  if (noev.length) out.push(`Not assessable for lack of evidence: ${noev.join(', ')}.`);
  const sc = severityCounts(report);
  const parts = (['critical', 'high', 'medium', 'low', 'informational'] as const)
    .filter((s) => sc[s] > 0)
    .map((s) => `${sc[s]} ${s}`);
  out.push(
    `${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}${parts.length ? ` (${parts.join(', ')})` : ''}.`,
  );
  const s = report.scope;
  if (s) {
    out.push(
      `Scope: ${s.principals?.length ?? 0} principal(s), ${s.accessKeyIds?.length ?? 0} access key(s), ` +
        `${s.sourceIps?.length ?? 0} source IP(s), ${s.resources?.length ?? 0} resource(s); window ${fmtWindow(s.window)}.`,
    );
  }
  const declared = report.timeline.filter((t) => typeof t.declared === 'string' && t.declared).length;
  if (declared)
    out.push(`${declared} timeline entr${declared === 1 ? 'y is' : 'ies are'} declared activity.`);
  if (report.coverage?.gaps?.length)
    out.push(`${report.coverage.gaps.length} coverage gap(s) limit the conclusions.`);
  return out;
}

/** Evidence ids of a refs object as [kind label, ids] pairs, in a fixed order. */
export function evidencePairs(ev: Record<string, unknown> | undefined): Array<[string, string[]]> {
  if (!ev || typeof ev !== 'object') return [];
  const order = ['eventIds', 'requestIds', 'traceIds', 'findingIds', 'records'];
  const keys = [
    ...order.filter((k) => k in ev),
    ...Object.keys(ev)
      .filter((k) => !order.includes(k))
      .sort(),
  ];
  const out: Array<[string, string[]]> = [];
  for (const k of keys) {
    const v = ev[k];
    if (Array.isArray(v)) {
      const ids = v.filter((x): x is string => typeof x === 'string');
      if (ids.length) out.push([k, ids]);
    }
  }
  return out;
}

export const EVIDENCE_KIND_LABELS: Record<string, string> = {
  eventIds: 'CloudTrail events',
  requestIds: 'model invocations',
  traceIds: 'agent traces',
  findingIds: 'external findings',
  records: 'records',
};

/** Finding id → 1-based display number (F1, F2...) in the sorted order. */
export function findingNumbers(report: Report): Map<string, number> {
  const m = new Map<string, number>();
  sortedFindings(report).forEach((f, i) => {
    if (!m.has(f.id)) m.set(f.id, i + 1);
  });
  return m;
}

/**
 * At most `max` timeline entries for display, in time order. When there are more, entries linked
 * to findings come first, then declared activity, then the actor's other entries.
 */
export function selectTimeline(
  entries: readonly TimelineEntry[],
  max: number,
): { shown: TimelineEntry[]; omitted: number } {
  const indexed = entries.map((e, i) => ({ e, i }));
  let keep = indexed;
  if (indexed.length > max) {
    const prio = (e: TimelineEntry) =>
      (e.findingIds?.length ? 4 : 0) + (e.declared ? 2 : 0) + (e.actor === true ? 1 : 0);
    keep = [...indexed].sort((a, b) => prio(b.e) - prio(a.e) || a.i - b.i).slice(0, max);
  }
  keep.sort((a, b) => cmp(String(a.e.time), String(b.e.time)) || a.i - b.i);
  return { shown: keep.map((x) => x.e), omitted: entries.length - keep.length };
}

export interface FormatTotals {
  format: string;
  files: number;
  records: number;
  rejected: number;
}

/** Evidence totals per detected format, largest first (ties by name). */
export function evidenceByFormat(report: Report): FormatTotals[] {
  const m = new Map<string, FormatTotals>();
  for (const e of report.evidence) {
    const f = typeof e.format === 'string' ? e.format : 'unknown';
    const t = m.get(f) ?? { format: f, files: 0, records: 0, rejected: 0 };
    t.files++;
    t.records += Number(e.records) || 0;
    t.rejected += Number(e.rejected) || 0;
    m.set(f, t);
  }
  return [...m.values()].sort((a, b) => b.records - a.records || cmp(a.format, b.format));
}

/** Evidence files for display: files with rejected records first, then in report order; at most `max`. */
export function evidenceFiles(report: Report, max: number): { shown: Report['evidence']; omitted: number } {
  const idx = report.evidence.map((e, i) => ({ e, i }));
  idx.sort(
    (a, b) => Number((Number(b.e.rejected) || 0) > 0) - Number((Number(a.e.rejected) || 0) > 0) || a.i - b.i,
  );
  const shown = idx.slice(0, max).map((x) => x.e);
  return { shown, omitted: report.evidence.length - shown.length };
}
