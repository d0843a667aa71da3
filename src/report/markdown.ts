/**
 * The report as Markdown (CommonMark + GFM tables) for tickets, wikis and pull requests.
 * All evidence-derived text goes through `md()` / `mdLines()`: no link, image, HTML, emphasis,
 * table break or autolink can come from evidence; invisible characters are shown as `\u202e`.
 */
import type { Finding, Report } from '../model/types.js';
import {
  COMPONENT_LABELS,
  COMPONENTS,
  cmp,
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
import {
  type BlastRadiusView,
  type Cited,
  type EntityGraph,
  getBlastRadius,
  getGraph,
  getPrincipals,
  getScopeNotes,
  type PrincipalView,
} from './extras.js';
import { entityGraphMermaid } from './graph.js';
import { collectIocs } from './iocs.js';
import { nextSteps } from './next-steps.js';
import {
  boundedGraph,
  countedText,
  fmtInt,
  fmtUsd,
  graphGroups,
  MAX_BLAST_ROWS,
  MAX_PRINCIPALS,
  principalRows,
  seen,
  type Tri,
  tri,
} from './responder.js';

export interface MarkdownOptions {
  /** most timeline rows (default 300); finding-linked, declared and actor entries are kept first */
  maxTimeline?: number;
  /** most items of a list inside a finding or the scope (default 10) */
  maxList?: number;
}

/** A capped, escaped, comma-separated list: `a, b, c and 7 more`. */
function mdList(items: readonly string[] | undefined, max: number, maxLen = 200, sep = ', '): string {
  if (!items?.length) return '—';
  const { shown, more } = capList(items, max);
  return shown.map((x) => md(x, maxLen)).join(sep) + (more ? ` and ${more} more` : '');
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

  // ── blast radius, principals, entity graph
  const blast = getBlastRadius(report);
  const refs: Refs = {
    one: fref,
    list: (ids, max) =>
      mdRefs(
        [...ids].sort((a, b) => (nums.get(a) ?? 1e9) - (nums.get(b) ?? 1e9) || cmp(a, b)),
        fref,
        max,
      ),
  };
  if (blast) out.push(...blastRadiusMd(blast, refs, maxList));
  const principals = getPrincipals(report);
  if (principals) out.push(...principalsMd(principals, refs));
  const graph = getGraph(report);
  if (graph?.nodes.length) out.push(...graphMd(graph));

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

/** Finding references: `one` for a single id, `list` sorted by finding number and capped. */
interface Refs {
  one: (id: string) => string;
  list: (ids: readonly string[], max: number) => string;
}

/** A yes / no / unknown answer; "yes" (the damage is still there) in bold. */
function triMd(v: Tri, yes: string, no: string, unknown = 'unknown'): string {
  return v === 'yes' ? `**${yes}**` : v === 'no' ? no : unknown;
}

/** The record ids an item cites: the first of each kind, findings as F refs, then the count of all. */
function citedMd(c: Cited, refs: Refs): string {
  const pairs = evidencePairs(c.evidence);
  if (!pairs.length) return c.evidenceTotal ? `${fmtInt(c.evidenceTotal)} record(s)` : '—';
  const listed = pairs.reduce((a, [, ids]) => a + ids.length, 0);
  const parts = pairs.map(([k, ids]) =>
    k === 'findingIds'
      ? `findings: ${refs.list(ids, 3)}`
      : `${md(EVIDENCE_KIND_LABELS[k] ?? k, 60)} (${ids.length}): ${mdList(ids, 1, 120)}`,
  );
  const text = parts.join('; ');
  return c.evidenceTotal > listed ? `${text} (${fmtInt(c.evidenceTotal)} records in all)` : text;
}

function refsOrDash(ids: readonly string[], refs: Refs, max: number): string {
  return ids.length ? refs.list(ids, max) : '—';
}

/** "and N more" line under a capped table. */
function moreRows(more: number, what: string): string[] {
  return more ? [`and ${more} more ${what} in the JSON report (\`blastRadius\`).`, ''] : [];
}

function blastRadiusMd(b: BlastRadiusView, refs: Refs, maxList: number): string[] {
  const out: string[] = ['## Blast radius', ''];
  out.push(
    "What the threat actor's records reached, and whether it is still in place at the end of the evidence. " +
      'Records: the ids each item cites (all of them in the JSON report).',
    '',
  );
  const empty =
    !b.models.items.length &&
    !b.guardrails.length &&
    !b.knowledgeBases.documents.length &&
    !b.privateData.length &&
    !b.agents.actions.length &&
    !b.agents.sessions.length &&
    !b.iamPersistence.length;
  if (empty) {
    if (b.summary.length) {
      const { shown, more } = capList(b.summary, 20);
      for (const x of shown) out.push(`- ${md(x, 600)}`);
      if (more) out.push(`- and ${more} more`);
    } else out.push('Nothing the actor reached was established from the evidence.');
    out.push('');
    return out;
  }

  // models
  const m = b.models;
  if (m.items.length) {
    out.push('### Models invoked', '');
    const hasEstimate = m.items.some((i) => i.unloggedCalls > 0 || (i.estimatedUnloggedUsd ?? 0) > 0);
    const { shown, more } = capList(m.items, MAX_BLAST_ROWS);
    const rows = shown.map((i) => [
      md(i.modelId, 120),
      md(i.via, 20),
      `${fmtInt(i.calls)}${i.errors ? ` (${fmtInt(i.errors)} failed)` : ''}`,
      `${fmtInt(i.loggedCalls)} / ${fmtInt(i.unloggedCalls)}`,
      `${fmtInt(i.inputTokens)} in / ${fmtInt(i.outputTokens)} out`,
      i.costUsd === null ? 'not priced' : fmtUsd(i.costUsd),
      i.estimatedUnloggedUsd === null
        ? i.unloggedCalls
          ? 'cannot be estimated'
          : '—'
        : i.estimatedUnloggedUsd > 0
          ? `≈ ${fmtUsd(i.estimatedUnloggedUsd)} (ESTIMATE)`
          : '—',
      mdList(i.regions, 5, 40),
      md(seen(i.firstSeen, i.lastSeen, fmtTime), 80) || '—',
      citedMd(i, refs),
    ]);
    const t = m.totals;
    if (t && m.items.length > 1)
      rows.push([
        '**Total**',
        '',
        `${fmtInt(t.calls)}${t.errors ? ` (${fmtInt(t.errors)} failed)` : ''}`,
        `${fmtInt(t.loggedCalls)} / ${fmtInt(m.items.reduce((a, i) => a + i.unloggedCalls, 0))}`,
        `${fmtInt(t.inputTokens)} in / ${fmtInt(t.outputTokens)} out`,
        `**${fmtUsd(t.costUsd)}**`,
        t.estimatedUnloggedUsd > 0 ? `**≈ ${fmtUsd(t.estimatedUnloggedUsd)} (ESTIMATE)**` : '—',
        '',
        '',
        '',
      ]);
    out.push(
      ...table(
        [
          'Model',
          'Via',
          'Calls',
          'Logged / CloudTrail only',
          'Tokens (logged calls)',
          'Cost of logged tokens',
          'Estimate for CloudTrail-only calls',
          'Regions',
          'Seen',
          'Records',
        ],
        rows,
      ),
      '',
    );
    out.push(...moreRows(more, 'model(s)'));
    out.push(
      !hasEstimate
        ? m.note
          ? `Note: ${md(m.note, 1500)}`
          : '_Costs are list prices for the logged tokens._'
        : m.note
          ? `**An estimate is not evidence.** ${md(m.note, 1500)}`
          : '**An estimate is not evidence.** Costs are list prices for the logged tokens; an estimate assumes each call ' +
            "seen only in CloudTrail used the mean tokens of the actor's logged calls. Check the Cost and Usage Report.",
      '',
    );
    if (t?.unpricedModels.length) out.push(`Not priced: ${mdList(t.unpricedModels, maxList, 120)}`, '');
  }

  // guardrails
  if (b.guardrails.length) {
    out.push('### Guardrails weakened', '');
    const { shown, more } = capList(b.guardrails, MAX_BLAST_ROWS);
    out.push(
      ...table(
        [
          'Guardrail',
          'Effect',
          'Protections lowered',
          "Actor's changes",
          'Version in use at the end',
          'Still in effect',
          'Status',
          'Findings',
          'Records',
        ],
        shown.map((g) => {
          const ch = capList(g.actorChanges, 5);
          const changes =
            ch.shown
              .map(
                (c) =>
                  `${md(fmtTime(c.time), 40)} ${md(c.action, 60)}${c.version ? ` (version ${md(c.version, 20)})` : ''}`,
              )
              .join('; ') + (ch.more ? ` and ${ch.more} more` : '');
          const later = g.laterChanges.length ? `; then ${g.laterChanges.length} change(s) by others` : '';
          const use = g.versionInUseAtEnd;
          return [
            md(g.guardrailId, 120),
            `${md(g.effect, 20)}${g.weakenedVersion ? ` (version ${md(g.weakenedVersion, 20)})` : ''}`,
            mdList(g.weakened, 6, 80),
            (changes || '—') + later,
            use
              ? `${md(use.version ?? '?', 20)}${use.lastUsed ? ` (last used ${md(fmtTime(use.lastUsed), 40)})` : ''}`
              : '—',
            triMd(tri(g.stillInEffect), 'YES', 'no'),
            md(g.status, 400) || '—',
            refsOrDash(g.findingIds, refs, maxList),
            citedMd(g, refs),
          ];
        }),
      ),
      '',
    );
    out.push(...moreRows(more, 'guardrail(s)'));
  }

  // knowledge-base documents
  const kb = b.knowledgeBases;
  if (kb.documents.length) {
    out.push('### Knowledge-base documents', '');
    const { shown, more } = capList(kb.documents, MAX_BLAST_ROWS);
    out.push(
      ...table(
        [
          'Document',
          'Change',
          'Knowledge bases',
          'Live in the index',
          'Status',
          'Reach',
          'Hosts it names',
          'Findings',
          'Records',
        ],
        shown.map((d) => [
          md(d.uri, 300),
          `${md(d.change, 20)}${d.writes.length ? ` ${md(fmtTime(d.writes[0]!.time), 40)}` : ''}`,
          mdList(d.knowledgeBases, 5, 60),
          triMd(tri(d.live), 'YES', 'no'),
          md(d.status, 400) || '—',
          `retrieved ${fmtInt(d.retrievedBy.traces)}× in ${fmtInt(d.retrievedBy.sessions)} agent session(s); ` +
            `${fmtInt(d.invocationsCarrying)} invocation(s) carried it; ${fmtInt(d.answersRepeating)} answer(s) repeated it`,
          mdList(d.contentHosts, 5, 120),
          refsOrDash(d.findingIds, refs, maxList),
          citedMd(d, refs),
        ]),
      ),
      '',
    );
    out.push(...moreRows(more, 'document(s)'));
    out.push(
      `Over all documents: ${fmtInt(kb.answersRepeating)} answer(s) repeated poisoned content; ` +
        `${fmtInt(kb.invocationsCarrying)} invocation(s) carried it.`,
      '',
    );
  }

  // private data
  if (b.privateData.length) {
    out.push('### Private data', '');
    out.push('Counts by type and who received them; values are never shown, masked ones excepted.', '');
    const { shown, more } = capList(b.privateData, MAX_BLAST_ROWS);
    out.push(
      ...table(
        ['What', 'By type', 'Values', 'Recipients', 'Masked values', 'Source', 'Records'],
        shown.map((p) => [
          md(p.what, 400) || '—',
          p.byType.length
            ? capList(p.byType, 10)
                .shown.map(([k, n]) => `${fmtInt(n)} ${md(k, 60)}`)
                .join(', ') + (p.byType.length > 10 ? ` and ${p.byType.length - 10} more` : '')
            : '—',
          p.values === null ? '—' : fmtInt(p.values),
          mdList(p.recipients, 5, 200, '; '),
          mdList(p.masked, 5, 80),
          p.findingId ? `${refs.one(p.findingId)} · ${md(p.source, 80)}` : md(p.source, 80) || '—',
          citedMd(p, refs),
        ]),
      ),
      '',
    );
    out.push(...moreRows(more, 'item(s)'));
  }

  // agents
  const ag = b.agents;
  if (ag.actions.length || ag.sessions.length) {
    out.push('### Agent actions', '');
    out.push(
      `In ${fmtInt(ag.sessions.length)} actor session(s): ${mdList(ag.sessions, 5, 80)}.` +
        (ag.findingIds.length ? ` Findings: ${refs.list(ag.findingIds, maxList)}.` : ''),
      '',
    );
    if (ag.actions.length) {
      const { shown, more } = capList(ag.actions, MAX_BLAST_ROWS);
      out.push(
        ...table(
          ['Agent', 'Action group', 'API', 'Calls', 'Sessions', 'Seen', 'Records'],
          shown.map((a) => [
            md(a.agentId, 80) || '—',
            md(a.actionGroup, 120) || '—',
            md(a.api, 200) || '—',
            fmtInt(a.count),
            fmtInt(a.sessions),
            md(seen(a.firstSeen, a.lastSeen, fmtTime), 80) || '—',
            citedMd(a, refs),
          ]),
        ),
        '',
      );
      out.push(...moreRows(more, 'action(s)'));
    }
  }

  // IAM persistence
  if (b.iamPersistence.length) {
    out.push('### IAM persistence', '');
    const { shown, more } = capList(b.iamPersistence, MAX_BLAST_ROWS);
    out.push(
      ...table(
        ['Time (UTC)', 'Action', 'Target', 'Detail', 'By', 'Still exists', 'Basis', 'Records'],
        shown.map((i) => [
          md(fmtTime(i.time), 40) || '—',
          md(i.action, 60),
          `${md(i.target, 200)}${i.kind ? ` (${md(i.kind, 40)})` : ''}`,
          md(i.detail, 200) || '—',
          md(i.principal, 200) || '—',
          triMd(tri(i.stillExists), 'YES', 'no', 'unknown: assume it does'),
          md(i.basis, 400) || '—',
          citedMd(i, refs),
        ]),
      ),
      '',
    );
    out.push(...moreRows(more, 'change(s)'));
  }
  return out;
}

function principalsMd(ps: PrincipalView[], refs: Refs): string[] {
  const out: string[] = ['## Principals', ''];
  if (!ps.length) return [...out, 'No principal in scope or named by a finding at medium or above.', ''];
  out.push(
    'What each principal in scope, or named by a finding, did in the evidence. A principal the actor shares ' +
      "with legitimate use is split into the actor's records and the others'.",
    '',
  );
  const { shown, more } = capList(ps, MAX_PRINCIPALS);
  const rows: string[][] = [];
  for (const p of shown) {
    const who =
      `${md(p.principal, 200)}` +
      ` (${md(p.kind, 20)}${p.inScope ? ', in scope' : ''}${p.maxSeverity ? `, ${md(p.maxSeverity, 20)}` : ''})` +
      (p.findingIds.length ? ` ${refs.list(p.findingIds, 5)}` : '');
    principalRows(p).forEach((r, i) => {
      const st = r.stats;
      const models = capList(st.models, 3);
      rows.push([
        i === 0 ? who : '↳',
        (r.split === 'actor' ? `**${r.label}**` : r.label) + (r.note ? ` (${r.note})` : ''),
        `${fmtInt(st.records.cloudtrail)} CloudTrail, ${fmtInt(st.records.invocations)} invocations`,
        st.apis.length
          ? `${mdList(countedText(st.apis), 5, 100)} (${fmtInt(st.distinctApis)} distinct)`
          : '—',
        st.errors.total ? `${fmtInt(st.errors.total)}: ${mdList(countedText(st.errors.byCode), 3, 80)}` : '0',
        models.shown.length
          ? models.shown.map((x) => `${md(x.modelId, 100)} ×${fmtInt(x.calls)}`).join(', ') +
            (models.more ? ` and ${models.more} more` : '')
          : '—',
        st.tokens.input || st.tokens.output
          ? `${fmtInt(st.tokens.input)} in / ${fmtInt(st.tokens.output)} out`
          : '—',
        st.costUsd > 0 || st.models.length
          ? fmtUsd(st.costUsd) +
            (st.unpricedModels.length ? ` (not priced: ${mdList(st.unpricedModels, 3, 80)})` : '')
          : '—',
        [
          st.sourceIps.length ? mdList(countedText(st.sourceIps), 5, 60) : '',
          st.clientIps.length ? `clients: ${mdList(countedText(st.clientIps), 5, 60)}` : '',
        ]
          .filter(Boolean)
          .join('; ') || '—',
        md(seen(st.firstSeen, st.lastSeen, fmtTime), 80) || '—',
      ]);
    });
  }
  out.push(
    ...table(
      [
        'Principal',
        'Actor / other',
        'Records',
        'APIs',
        'Errors',
        'Models',
        'Tokens',
        'Cost (logged tokens)',
        'Addresses',
        'Seen',
      ],
      rows,
    ),
    '',
  );
  if (more) out.push(`and ${more} more principal(s) in the JSON report (\`principals\`).`, '');
  return out;
}

function graphMd(g: EntityGraph): string[] {
  const { moreNodes, moreEdges } = graphGroups(g);
  const out: string[] = ['## Entity graph', ''];
  out.push(
    'Principals, keys, addresses, what the actor touched and the findings that name them. Labels are escaped; node ids are generated.',
    '',
  );
  out.push('```mermaid', entityGraphMermaid(boundedGraph(g)).trimEnd(), '```', '');
  if (moreNodes || moreEdges)
    out.push(
      `${fmtInt(moreNodes)} more entit${moreNodes === 1 ? 'y' : 'ies'} and ${fmtInt(moreEdges)} more relation(s) are not drawn.`,
      '',
    );
  return out;
}
