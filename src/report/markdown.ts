/**
 * The report as Markdown (CommonMark + GFM tables) for tickets, wikis and pull requests.
 * All evidence-derived text goes through `md()` / `mdLines()`: no link, image, HTML, emphasis,
 * table break or autolink can come from evidence; invisible characters are shown as `\u202e`.
 */
import type { Finding, Report } from '../model/types.js';
import {
  COMPONENT_LABELS,
  COMPONENTS,
  derivedSummary,
  ELEMENT_LABELS,
  ELEMENTS,
  EVIDENCE_KIND_LABELS,
  evidenceByFormat,
  evidenceFiles,
  evidencePairs,
  findingNumbers,
  fmtTime,
  fmtWindow,
  isComponent,
  isElement,
  overallVerdict,
  STATUS_LABELS,
  selectTimeline,
  severityCounts,
  severityOf,
  sortedFindings,
  statusOf,
} from './common.js';
import { capList, md, mdLines, toText } from './escape.js';
import { excerptSegments, findingExcerpts } from './excerpts.js';
import { getGraph, getScopeNotes } from './extras.js';
import { entityGraphMermaid } from './graph.js';
import { collectIocs } from './iocs.js';
import { nextSteps } from './next-steps.js';

export interface MarkdownOptions {
  /** most timeline rows (default 300); finding-linked, declared and actor entries are kept first */
  maxTimeline?: number;
  /** most items of a list inside a finding or the scope (default 10) */
  maxList?: number;
}

/** A capped, escaped, comma-separated list: `a, b, c and 7 more`. */
function mdList(items: readonly string[] | undefined, max: number, maxLen = 200): string {
  if (!items?.length) return '—';
  const { shown, more } = capList(items, max);
  return shown.map((x) => md(x, maxLen)).join(', ') + (more ? ` and ${more} more` : '');
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function table(header: string[], rows: string[][]): string[] {
  return [row(header), row(header.map(() => '---')), ...rows.map(row)];
}

function evidenceSummary(ev: Finding['evidence'] | undefined, max: number): string {
  const pairs = evidencePairs(ev as Record<string, unknown> | undefined);
  if (!pairs.length) return '—';
  return pairs
    .map(([k, ids]) => `${md(EVIDENCE_KIND_LABELS[k] ?? k, 60)} (${ids.length}): ${mdList(ids, max, 120)}`)
    .join('; ');
}

export function renderMarkdown(report: Report, opts: MarkdownOptions = {}): string {
  const maxList = opts.maxList ?? 10;
  const maxTimeline = opts.maxTimeline ?? 300;
  const out: string[] = [];
  const nums = findingNumbers(report);
  const fref = (id: string) => (nums.has(id) ? `F${nums.get(id)}` : md(id, 80));
  const findings = sortedFindings(report);

  // ── title block
  out.push('# GenAI incident investigation report', '');
  out.push(
    ...table(
      ['', ''],
      [
        ['Generated', md(fmtTime(report.generatedAt), 40)],
        ['Tool', `${md(report.tool?.name, 40)} ${md(report.tool?.version, 40)}`],
        ['Evidence window', md(fmtWindow(report.coverage?.window), 80)],
        ['Incident window', md(fmtWindow(report.scope?.window), 80)],
        [
          'Evidence',
          `${report.evidence.length} file(s), ${report.evidence.reduce((a, e) => a + (Number(e.records) || 0), 0)} record(s), ` +
            `${report.evidence.reduce((a, e) => a + (Number(e.rejected) || 0), 0)} rejected`,
        ],
      ],
    ),
    '',
  );

  // ── executive summary
  const verdict = overallVerdict(report);
  out.push('## Executive summary', '');
  out.push(`**${verdict.headline}**`, '');
  if (typeof report.summary === 'string' && report.summary.trim()) {
    out.push(...mdLines(excerptSegments(report.summary.slice(0, 4000))).map((l) => l || ''), '');
  }
  for (const s of derivedSummary(report).slice(1)) out.push(`- ${md(s, 600)}`);
  out.push('');
  const sc = severityCounts(report);
  out.push(
    ...table(
      ['Critical', 'High', 'Medium', 'Low', 'Informational'],
      [[sc.critical, sc.high, sc.medium, sc.low, sc.informational].map(String)],
    ),
    '',
  );

  // ── scope
  const s = report.scope;
  out.push('## Scope', '');
  out.push('What the responder must contain.', '');
  out.push(`- **Window:** ${md(fmtWindow(s?.window), 100)}`);
  out.push(`- **Principals (${s?.principals?.length ?? 0}):** ${mdList(s?.principals, maxList * 2)}`);
  out.push(`- **Access keys (${s?.accessKeyIds?.length ?? 0}):** ${mdList(s?.accessKeyIds, maxList * 2)}`);
  out.push(`- **Source IPs (${s?.sourceIps?.length ?? 0}):** ${mdList(s?.sourceIps, maxList * 2)}`);
  out.push(`- **Resources (${s?.resources?.length ?? 0}):** ${mdList(s?.resources, maxList * 2)}`);
  out.push('');
  const notes = getScopeNotes(report);
  if (notes.length) {
    out.push('How the scope was established:', '');
    for (const n of capList(notes, 30).shown) out.push(`- ${md(n, 500)}`);
    out.push('');
  }

  // ── elements
  out.push('## Investigation elements', '');
  out.push(
    ...table(
      ['Element', 'Status', 'Summary', 'Findings'],
      ELEMENTS.map((e) => {
        const v = report.elements?.[e];
        const st = statusOf(v?.status);
        const label =
          st === 'compromised' || st === 'suspicious' ? `**${STATUS_LABELS[st]}**` : STATUS_LABELS[st];
        const ids = Array.isArray(v?.findingIds) ? v.findingIds : [];
        return [
          ELEMENT_LABELS[e],
          label,
          md(v?.summary, 500) || '—',
          ids.length ? mdRefs(ids, fref, maxList) : '—',
        ];
      }),
    ),
    '',
  );

  // ── components
  if (report.components && typeof report.components === 'object') {
    const rows = COMPONENTS.filter((c) => report.components?.[c]).map((c) => {
      const v = report.components![c]!;
      const st = statusOf(v.status);
      const ids = Array.isArray(v.findingIds) ? v.findingIds : [];
      return [
        COMPONENT_LABELS[c],
        st === 'compromised' || st === 'suspicious' ? `**${STATUS_LABELS[st]}**` : STATUS_LABELS[st],
        md(v.summary, 500) || '—',
        ids.length ? mdRefs(ids, fref, maxList) : '—',
      ];
    });
    if (rows.length) {
      out.push('## Application components', '');
      out.push(...table(['Component', 'Status', 'Summary', 'Findings'], rows), '');
    }
  }

  // ── findings
  out.push('## Findings', '');
  if (!findings.length) out.push('No findings.', '');
  for (const f of findings) {
    const n = nums.get(f.id);
    out.push(`### F${n} · ${severityOf(f).toUpperCase()} · ${md(f.title, 300)}`, '');
    const elements = (f.elements ?? []).filter(isElement).map((e) => ELEMENT_LABELS[e]);
    const components = (f.components ?? []).filter(isComponent).map((c) => COMPONENT_LABELS[c]);
    out.push(
      ...table(
        ['Field', 'Value'],
        [
          ['Id', md(f.id, 120)],
          ['Rule', md(f.ruleId, 120)],
          ['Seen', `${md(fmtTime(f.firstSeen), 40)} → ${md(fmtTime(f.lastSeen), 40)}`],
          ['Elements', elements.join(', ') || '—'],
          ['Components', components.join(', ') || '—'],
          ['ATT&CK / ATLAS', mdList(f.attack, maxList)],
          ['Principals', mdList(f.principals, maxList)],
          ['Access keys', mdList(f.accessKeyIds, maxList)],
          ['Source IPs', mdList(f.sourceIps, maxList)],
          ['Resources', mdList(f.resources, maxList)],
          ['Evidence', evidenceSummary(f.evidence, maxList)],
        ],
      ),
      '',
    );
    if (typeof f.description === 'string' && f.description.trim()) {
      out.push(...mdLines(excerptSegments(f.description.slice(0, 4000))), '');
    }
    const scalars = Object.entries(f.details ?? {}).filter(
      ([k, v]) =>
        k !== 'excerpts' && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'),
    );
    if (scalars.length) {
      const { shown, more } = capList(scalars, 12);
      out.push('Details:', '');
      for (const [k, v] of shown) out.push(`- ${md(k, 80)}: ${md(toText(v), 300)}`);
      if (more) out.push(`- and ${more} more in the JSON report`);
      out.push('');
    }
  }

  // ── timeline
  out.push('## Timeline', '');
  const { shown: tl, omitted } = selectTimeline(report.timeline, maxTimeline);
  if (!tl.length) out.push('No timeline entries.', '');
  else {
    out.push(
      ...table(
        ['Time (UTC)', 'Who', 'Summary', 'Elements', 'Findings', 'Evidence'],
        tl.map((e) => [
          md(fmtTime(e.time), 40),
          e.actor === true
            ? '**ACTOR**'
            : typeof e.declared === 'string' && e.declared
              ? `declared: ${md(e.declared, 120)}`
              : '',
          md(e.summary, 400),
          (e.elements ?? []).filter(isElement).join(', '),
          e.findingIds?.length ? mdRefs(e.findingIds, fref, 5) : '',
          evidenceSummary(e.evidence, 3),
        ]),
      ),
      '',
    );
    if (omitted)
      out.push(
        `${omitted} more timeline entr${omitted === 1 ? 'y is' : 'ies are'} in the JSON report and the timeline export.`,
        '',
      );
  }

  // ── excerpts
  const ex = findingExcerpts(findings);
  if (ex.length) {
    out.push('## Prompt and response excerpts', '');
    out.push(
      'Detected spans are marked «like this» followed by their category. Text is shown as logged, escaped.',
      '',
    );
    for (const { finding, views, more } of ex) {
      out.push(`### F${nums.get(finding.id)} · ${md(finding.title, 200)}`, '');
      for (const v of views) {
        const meta = [
          v.role ? `**${md(v.role, 40)}**` : '**text**',
          v.requestId ? `request ${md(v.requestId, 120)}` : '',
        ]
          .filter(Boolean)
          .join(' · ');
        out.push(`> ${meta}`, '>');
        const segs = v.pieces.flatMap((p) =>
          p.span
            ? [
                { text: '«', escaped: false as const },
                ...excerptSegments(p.text),
                { text: '»', escaped: false as const },
                ...excerptSegments(`[${p.span}]`),
              ]
            : excerptSegments(p.text),
        );
        if (v.before) segs.unshift({ text: `… [${v.before} characters before] ` });
        if (v.after) segs.push({ text: ` … [${v.after} characters after]` });
        for (const line of mdLines(segs)) out.push(line ? `> ${line}  ` : '>');
        if (v.hiddenSpans) out.push('>', `> (${v.hiddenSpans} detected span(s) outside the shown window)`);
        out.push('');
      }
      if (more) out.push(`${more} more excerpt(s) in the JSON report.`, '');
    }
  }

  // ── IOCs
  const iocs = collectIocs(report);
  out.push('## Indicators of compromise', '');
  if (!iocs.length) out.push('None identified.', '');
  else {
    out.push(
      ...table(
        ['Type', 'Value', 'First seen', 'Last seen', 'Context'],
        iocs.map((i) => [
          md(i.type, 40),
          md(i.value, 300),
          md(fmtTime(i.firstSeen), 40),
          md(fmtTime(i.lastSeen), 40),
          md(i.context, 300),
        ]),
      ),
      '',
    );
  }

  // ── next steps
  const { steps, derived } = nextSteps(report);
  out.push('## Recommended next steps', '');
  if (derived && steps.length) out.push('_Derived from the verdicts and scope._', '');
  if (!steps.length) out.push('No action required by the evidence.', '');
  steps.forEach((st, i) => {
    const phase = st.phase.charAt(0).toUpperCase() + st.phase.slice(1);
    let line = `${i + 1}. **${md(phase, 30)}:** ${md(st.action, 600)}`;
    if (st.targets?.length) line += ` — ${mdList(st.targets, maxList, 300)}`;
    if (st.reason) line += ` (${md(st.reason, 300)})`;
    out.push(line);
  });
  if (steps.length) out.push('');

  // ── entity graph
  const graph = getGraph(report);
  if (graph?.nodes.length) {
    out.push('## Entity graph', '', '```mermaid', entityGraphMermaid(graph).trimEnd(), '```', '');
  }

  // ── coverage
  out.push('## Coverage gaps', '');
  const gaps = report.coverage?.gaps ?? [];
  if (!gaps.length) out.push('None reported.', '');
  else {
    for (const g of gaps) out.push(`- ${md(g, 500)}`);
    out.push('');
  }

  // ── evidence
  out.push('## Evidence', '');
  if (!report.evidence.length) out.push('No evidence files.', '');
  else {
    out.push(
      ...table(
        ['Format', 'Files', 'Records', 'Rejected'],
        evidenceByFormat(report).map((t) => [
          md(t.format, 60),
          String(t.files),
          String(t.records),
          String(t.rejected),
        ]),
      ),
      '',
    );
    const { shown, omitted } = evidenceFiles(report, 100);
    out.push(
      ...table(
        ['File', 'Format', 'SHA-256', 'Records', 'Rejected'],
        shown.map((e) => [
          md(e.path, 300),
          md(e.format, 40),
          md(typeof e.sha256 === 'string' ? e.sha256.slice(0, 12) : '', 20),
          md(String(Number(e.records) || 0), 20),
          md(String(Number(e.rejected) || 0), 20),
        ]),
      ),
      '',
    );
    if (omitted) out.push(`${omitted} more file(s) are listed in the JSON report.`, '');
  }

  // ── warnings
  const warnings = report.warnings ?? [];
  if (warnings.length) {
    out.push('## Warnings', '');
    const { shown, more } = capList(warnings, 100);
    for (const w of shown) out.push(`- ${md(w, 500)}`);
    if (more) out.push(`- and ${more} more in the JSON report`);
    out.push('');
  }

  return `${out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

function mdRefs(ids: string[], fref: (id: string) => string, max: number): string {
  const { shown, more } = capList(ids, max);
  return shown.map(fref).join(', ') + (more ? ` and ${more} more` : '');
}
