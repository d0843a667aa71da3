/**
 * The report as ONE self-contained HTML file: inline CSS (allowed by its CSP hash), no script at
 * all, inline SVG charts, `<details>` for collapsible findings. Every evidence-derived string goes
 * through `html()` (escaped, invisible characters made visible, length-capped) and only into text
 * content: never into an attribute, an `href` or a `src`. URLs from evidence are shown as text.
 */
import { createHash } from 'node:crypto';
import type { Finding, Report } from '../model/types.js';
import { barChart, timelineActivity } from './charts.js';
import {
  COMPONENT_LABELS,
  COMPONENTS,
  cmp,
  derivedSummary,
  ELEMENT_LABELS,
  ELEMENT_QUESTIONS,
  ELEMENTS,
  EVIDENCE_KIND_LABELS,
  evidenceByFormat,
  evidenceFiles,
  evidencePairs,
  findingNumbers,
  fmtNum,
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
import { capList, escapeHtmlRaw, html as h } from './escape.js';
import { type ExcerptView, excerptSegments, findingExcerpts } from './excerpts.js';
import {
  type BlastRadiusView,
  type Cited,
  type EntityGraph,
  getBlastRadius,
  getCharts,
  getGraph,
  getPrincipals,
  getScopeNotes,
  type PrincipalView,
} from './extras.js';
import { collectIocs } from './iocs.js';
import { nextSteps } from './next-steps.js';
import {
  countedText,
  fmtInt,
  fmtUsd,
  type GraphGroup,
  graphGroups,
  MAX_BLAST_ROWS,
  MAX_PRINCIPALS,
  principalRows,
  seen,
  shortPrincipal,
  type Tri,
  tri,
} from './responder.js';

export interface HtmlOptions {
  /** most timeline rows (default 1500; rows past the first 200 are in a collapsed block); finding-linked, declared and actor entries are kept first */
  maxTimeline?: number;
  /** most ids listed per evidence kind in a finding (default 200; the first 8 shown, the rest folded) */
  maxIds?: number;
}

/** Timeline rows shown before the rest is folded into a `<details>` block. */
const TIMELINE_OPEN_ROWS = 200;

const CSS = `
:root{--ink:#1b2430;--muted:#5b6675;--line:#dde2e8;--bg:#f5f7fa;--card:#fff;--navy:#14233c;
--red:#b3261e;--red-bg:#fdecea;--amber:#a15c00;--amber-bg:#fff4e0;--green:#2e7d32;--green-bg:#e9f5ea;
--grey:#5f6b7a;--grey-bg:#eef1f4;--blue:#2f5fb3}
*{box-sizing:border-box}
html{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
body{margin:0}
header.top{background:var(--navy);color:#fff;padding:20px 32px 16px}
header.top .product{font-size:12px;letter-spacing:.08em;text-transform:uppercase;opacity:.75}
header.top h1{margin:4px 0 6px;font-size:24px;font-weight:600}
header.top .meta{font-size:13px;opacity:.85}
header.top .meta span{margin-right:18px}
nav.toc{background:#fff;border-bottom:1px solid var(--line);padding:8px 32px;position:sticky;top:0;z-index:2;font-size:13px}
nav.toc a{color:var(--blue);text-decoration:none;margin-right:16px}
nav.toc a:hover{text-decoration:underline}
main{max-width:1240px;margin:0 auto;padding:20px 32px 48px}
section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:18px 22px;margin:0 0 18px}
h2{font-size:18px;margin:0 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h3{font-size:15px;margin:16px 0 8px}
p{margin:6px 0}
.muted{color:var(--muted)}
.small{font-size:12px}
.mono,code,.id{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.cc{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:11px;background:#fff3b0;color:#6b4e00;border:1px solid #e0c200;border-radius:3px;padding:0 2px;margin:0 1px}
.verdict{border-radius:6px;padding:12px 16px;font-weight:600;font-size:16px;margin-bottom:10px;border-left:6px solid}
.verdict.incident{background:var(--red-bg);border-color:var(--red);color:var(--red)}
.verdict.suspicious{background:var(--amber-bg);border-color:var(--amber);color:var(--amber)}
.verdict.none{background:var(--green-bg);border-color:var(--green);color:var(--green)}
.summary-text{white-space:pre-wrap;overflow-wrap:anywhere}
ul.facts{margin:8px 0;padding-left:20px}
.kpis{display:grid;grid-template-columns:repeat(auto-fit,minmax(120px,1fr));gap:10px;margin-top:12px}
.kpi{border:1px solid var(--line);border-radius:6px;padding:8px 12px;background:#fafbfc}
.kpi .n{font-size:22px;font-weight:600}
.kpi .l{font-size:12px;color:var(--muted)}
.kpi.crit .n{color:#7f0000}.kpi.high .n{color:var(--red)}.kpi.med .n{color:var(--amber)}
.tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:12px}
.tile{border:1px solid var(--line);border-left:6px solid var(--grey);border-radius:6px;padding:10px 12px;background:#fff}
.tile .name{font-weight:600;font-size:14px}
.tile .q{font-size:11.5px;color:var(--muted);margin:2px 0 6px}
.tile .sum{font-size:13px;overflow-wrap:anywhere}
.tile .refs{font-size:12px;margin-top:6px;color:var(--muted)}
.tile.compromised{border-left-color:var(--red);background:var(--red-bg)}
.tile.suspicious{border-left-color:var(--amber);background:var(--amber-bg)}
.tile.clear{border-left-color:var(--green)}
.tile.no-evidence{border-left-color:#9aa5b1;background:repeating-linear-gradient(135deg,#fff,#fff 8px,#f4f6f8 8px,#f4f6f8 16px)}
.pill{display:inline-block;font-size:11px;font-weight:700;letter-spacing:.04em;text-transform:uppercase;border-radius:10px;padding:1px 8px;vertical-align:middle;margin-right:4px}
.pill.compromised,.pill.sev-high{background:var(--red);color:#fff}
.pill.sev-critical{background:#7f0000;color:#fff}
.pill.suspicious,.pill.sev-medium{background:var(--amber);color:#fff}
.pill.clear{background:var(--green);color:#fff}
.pill.no-evidence,.pill.sev-informational{background:#9aa5b1;color:#fff}
.pill.sev-low{background:#4a7bd0;color:#fff}
.pill.actor{background:var(--red);color:#fff}
.pill.declared{background:#5a6fb0;color:#fff}
.pill.phase{background:var(--navy);color:#fff}
.scope-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(240px,1fr));gap:12px 24px}
col.w-time{width:158px}col.w-who{width:130px}col.w-el{width:112px}col.w-fr{width:86px}col.w-ev{width:230px}
col.w-type{width:150px}col.w-val{width:30%}col.w-fmt{width:170px}col.w-sha{width:130px}col.w-num{width:80px}
.scope-grid h3{margin:4px 0}
ul.vals{list-style:none;margin:0;padding:0}
ul.vals li{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12.5px;padding:2px 0;border-bottom:1px dotted var(--line);overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;vertical-align:top;padding:5px 8px;border-bottom:1px solid var(--line);overflow-wrap:break-word;word-break:normal}
table.fixed{table-layout:fixed}
td.nowrap,th.nowrap{white-space:nowrap}
td .ids span{word-break:break-all}
th{background:#f0f3f7;font-weight:600;position:sticky;top:36px}
tr.actor td{background:#fff1f0}
tr.actor td:first-child{box-shadow:inset 4px 0 0 var(--red)}
tr.declared td{background:#f1f3fb}
td.time{white-space:nowrap;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}
.chart{width:100%;height:auto;display:block}
.chart .grid{stroke:#e3e7ec;stroke-width:1}
.chart .baseline{stroke:#8a94a3;stroke-width:1}
.chart .tick{stroke:#8a94a3}
.chart .axis{font-size:11px;fill:#5b6675}
.chart .bar-total{fill:#a9b4c2}
.chart .bar-total.hot{fill:#8c97a6}
.chart .bar-actor{fill:#c62828}
.chart .actor-band{fill:#fde3e1}
.chart .hit{fill:transparent}
.chart g:hover .bar-total{fill:#6f7b8b}
.chart .panel-label{font-size:11px;fill:#5b6675;font-weight:600}
.legend{font-size:12px;color:var(--muted);margin:4px 0 14px}
.legend .sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 4px 0 12px;vertical-align:middle}
.legend .sw.total{background:#a9b4c2}.legend .sw.actor{background:#c62828}.legend .sw.band{background:#fde3e1;border:1px solid #f3b6b1}
details.finding{border:1px solid var(--line);border-left:6px solid #9aa5b1;border-radius:6px;margin:0 0 10px;background:#fff}
details.finding.sev-critical{border-left-color:#7f0000}
details.finding.sev-high{border-left-color:var(--red)}
details.finding.sev-medium{border-left-color:var(--amber)}
details.finding.sev-low{border-left-color:#4a7bd0}
details.finding>summary{cursor:pointer;padding:10px 12px;font-weight:600;display:flex;gap:8px;align-items:baseline;list-style:none}
details.finding>summary::-webkit-details-marker{display:none}
details.finding>summary::before{content:"▸";color:var(--muted);width:10px;flex:none}
details.finding[open]>summary::before{content:"▾"}
details.finding>summary .fno{color:var(--muted);flex:none}
details.finding>summary .pill{flex:none}
details.finding>summary .ttl{flex:1 1 auto;overflow-wrap:break-word;min-width:0}
details.finding>summary .when{flex:none;font-weight:400;font-size:12px;color:var(--muted);white-space:nowrap}
details.finding .body{padding:4px 16px 12px;border-top:1px solid var(--line)}
dl.kv{display:grid;grid-template-columns:160px 1fr;gap:4px 12px;margin:10px 0}
dl.kv dt{color:var(--muted);font-size:12.5px}
dl.kv dd{margin:0;overflow-wrap:break-word}
.ids{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;color:#2d3846}
.ids span{display:inline-block;background:#f0f3f7;border-radius:3px;padding:0 4px;margin:1px 2px}
details.sub{margin:8px 0}
details.sub>summary{cursor:pointer;color:var(--blue);font-size:13px}
details.ids-more{margin:2px 0 4px}details.ids-more>summary{font-size:12px}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f7f8fa;border:1px solid var(--line);border-radius:4px;padding:8px 10px;font-size:12px;max-height:480px;overflow:auto}
.excerpt{border:1px solid var(--line);border-radius:6px;margin:8px 0 12px;overflow:hidden}
.excerpt .hdr{background:#f0f3f7;padding:5px 10px;font-size:12px;color:var(--muted)}
.excerpt .hdr b{color:var(--ink);text-transform:uppercase;font-size:11px;letter-spacing:.05em}
.excerpt pre{border:0;border-radius:0;margin:0;background:#fff;font-size:12.5px;line-height:1.55}
mark{background:#ffd7d5;color:#5c0b07;border-bottom:2px solid var(--red);padding:0 1px}
mark .cat{font-family:system-ui,sans-serif;font-size:10px;font-weight:700;text-transform:uppercase;background:var(--red);color:#fff;border-radius:3px;padding:0 4px;margin-left:4px;vertical-align:1px}
ol.steps{padding-left:22px}
ol.steps li{margin:6px 0}
ol.steps .targets{display:block;margin-top:2px}
footer{max-width:1240px;margin:0 auto;padding:0 32px 32px;color:var(--muted);font-size:12px}
.pill.yes{background:var(--red);color:#fff}.pill.no{background:var(--green);color:#fff}.pill.unknown{background:#9aa5b1;color:#fff}
.pill.est{background:var(--amber);color:#fff}
.est{color:var(--amber);font-style:italic;white-space:nowrap}
.note{font-size:12.5px;color:var(--muted);border-left:3px solid var(--amber);padding:4px 10px;margin:8px 0 14px;background:#fffaf0}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}td.num{white-space:nowrap}td.num .sub{white-space:normal}
.kpis.wide{grid-template-columns:repeat(auto-fit,minmax(190px,1fr))}.kpis.wide .kpi .n{font-size:20px;white-space:nowrap}
.when2{display:block;white-space:nowrap;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:11.5px;color:var(--muted);margin-top:2px}
td.nw{white-space:nowrap}
td .sub{display:block;color:var(--muted);font-size:12px;margin-top:2px}
.kpi.bad .n{color:var(--red)}.kpi.estimate .n{color:var(--amber);font-style:italic}
tr.total td{font-weight:600;border-top:2px solid var(--line);background:#fafbfc}
tr.other td{background:#fafbfc}
table.pr td.who{background:#fff;border-right:1px solid var(--line)}
table.pr td{font-size:12.5px}table.pr td ul.rel li{overflow-wrap:break-word}table.pr td.who .mono{overflow-wrap:anywhere}
col.p-who{width:15%}col.p-split{width:7%}col.p-rec{width:15%}col.p-api{width:15%}col.p-err{width:9%}col.p-mod{width:14%}col.p-num{width:7%}col.p-addr{width:11%}
table.kb col.k-doc{width:20%}table.kb col.k-chg{width:12%}table.kb col.k-live{width:9%}table.kb col.k-st{width:23%}table.kb col.k-reach{width:15%}table.kb col.k-host{width:12%}table.kb col.k-rec{width:9%}
td .pill{white-space:nowrap}
table.iam col.i-act{width:12%}table.iam col.i-tgt{width:12%}table.iam col.i-det{width:17%}table.iam col.i-by{width:13%}table.iam col.i-st{width:11%}table.iam col.i-basis{width:auto}table.iam col.i-rec{width:90px}
table.iam td{overflow-wrap:anywhere}
.tag{display:inline-block;font-size:10.5px;font-weight:600;text-transform:uppercase;letter-spacing:.03em;border-radius:3px;padding:0 5px;margin-right:5px;background:var(--grey-bg);color:var(--grey);vertical-align:1px}
.tag.t-principal,.tag.t-user,.tag.t-role{background:#e8eefc;color:#3a5bbf}.tag.t-access-key{background:#fff4e0;color:#8a5200}
.tag.t-ip,.tag.t-finding{background:#fde8e8;color:var(--red)}.tag.t-model,.tag.t-guardrail,.tag.t-agent{background:#f3e8fc;color:#6a3bbf}
.tag.t-resource,.tag.t-knowledge-base,.tag.t-function{background:#eef7ee;color:var(--green)}
.tw{overflow-x:auto}
.tw th{position:static}
ul.rel{list-style:none;margin:0;padding:0}
ul.rel li{padding:1px 0;overflow-wrap:anywhere}
ul.rel .lbl{color:var(--muted);font-size:12px}
dl.types{display:grid;grid-template-columns:150px 1fr;gap:4px 12px;margin:6px 0 14px}
dl.types dt{font-size:12.5px}dl.types dd{margin:0}
@media print{nav.toc{display:none}th{position:static}section{break-inside:avoid-page}header.top{background:#fff;color:var(--ink);border-bottom:2px solid var(--ink)}body,html{background:#fff}}
`.trim();

/** The Content-Security-Policy the page carries, allowing exactly our stylesheet. */
export function htmlCsp(css: string = CSS): string {
  const hash = createHash('sha256').update(css, 'utf8').digest('base64');
  return `default-src 'none'; style-src 'sha256-${hash}'; img-src data:; script-src 'none'; base-uri 'none'; form-action 'none'; object-src 'none'; frame-src 'none'`;
}

const statusClass = (s: string) => statusOf(s);

function list(items: readonly string[] | undefined, max: number): string {
  if (!items?.length) return '<span class="muted">—</span>';
  const { shown, more } = capList(items, max);
  return (
    `<ul class="vals">${shown.map((x) => `<li>${h(x, 300)}</li>`).join('')}</ul>` +
    (more ? `<div class="muted small">and ${more} more</div>` : '')
  );
}

function inline(items: readonly string[] | undefined, max: number): string {
  if (!items?.length) return '<span class="muted">—</span>';
  const { shown, more } = capList(items, max);
  return (
    `<span class="ids">${shown.map((x) => `<span>${h(x, 200)}</span>`).join('')}</span>` +
    (more ? ` <span class="muted small">and ${more} more</span>` : '')
  );
}

/**
 * Evidence ids per kind: the first `open` visible, up to `max` more in a collapsed block, the rest
 * counted ("in the JSON report").
 */
function evidenceBlock(ev: Finding['evidence'] | undefined, max: number, open = 8): string {
  const pairs = evidencePairs(ev as Record<string, unknown> | undefined);
  if (!pairs.length) return '<span class="muted">—</span>';
  return pairs
    .map(([k, ids]) => {
      const label = `<span class="muted small">${h(EVIDENCE_KIND_LABELS[k] ?? k, 60)} (${ids.length})</span>`;
      if (ids.length <= open || max <= open) return `<div>${label} ${inline(ids, Math.max(open, max))}</div>`;
      const first = ids.slice(0, open);
      const rest = ids.slice(open, max);
      const beyond = ids.length - open - rest.length;
      return (
        `<div>${label} ${inline(first, open)}` +
        `<details class="sub ids-more"><summary>${rest.length} more id(s)</summary>${inline(rest, rest.length)}` +
        (beyond ? ` <span class="muted small">and ${beyond} more in the JSON report</span>` : '') +
        '</details></div>'
      );
    })
    .join('');
}

function excerptHtml(v: ExcerptView): string {
  const seg = (text: string) =>
    excerptSegments(text)
      .map((x) => (x.escaped ? `<span class="cc">${escapeHtmlRaw(x.text)}</span>` : escapeHtmlRaw(x.text)))
      .join('');
  const body = v.pieces
    .map((p) =>
      p.span ? `<mark>${seg(p.text)}<span class="cat">${h(p.span, 60)}</span></mark>` : seg(p.text),
    )
    .join('');
  const hdr = [
    `<b>${v.role ? h(v.role, 40) : 'text'}</b>`,
    v.requestId ? `request <span class="mono">${h(v.requestId, 120)}</span>` : '',
    v.before ? `${v.before} characters before not shown` : '',
    v.after ? `${v.after} characters after not shown` : '',
    v.hiddenSpans ? `${v.hiddenSpans} span(s) outside the shown window` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return `<div class="excerpt"><div class="hdr">${hdr}</div><pre>${v.before ? '… ' : ''}${body}${v.after ? ' …' : ''}</pre></div>`;
}

function detailsJson(f: Finding): string {
  const d = { ...(f.details ?? {}) };
  delete d['excerpts'];
  if (!Object.keys(d).length) return '';
  let json: string;
  try {
    json = JSON.stringify(d, null, 2);
  } catch {
    return '';
  }
  return `<details class="sub"><summary>Details (JSON)</summary><pre>${h(json, 20000)}</pre></details>`;
}

export function renderHtml(report: Report, opts: HtmlOptions = {}): string {
  const maxTimeline = opts.maxTimeline ?? 1500;
  const maxIds = opts.maxIds ?? 200;
  const nums = findingNumbers(report);
  const findings = sortedFindings(report);
  const fref = (id: string) =>
    nums.has(id)
      ? `<a href="#f-${nums.get(id)}">F${nums.get(id)}</a>`
      : `<span class="mono">${h(id, 80)}</span>`;
  const frefs = (ids: readonly string[] | undefined, max: number) => {
    if (!ids?.length) return '';
    const { shown, more } = capList(ids, max);
    return shown.map(fref).join(', ') + (more ? ` and ${more} more` : '');
  };
  const verdict = overallVerdict(report);
  const s = report.scope;
  const b: string[] = [];

  // ── head
  b.push('<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">');
  b.push(`<meta http-equiv="Content-Security-Policy" content="${escapeHtmlRaw(htmlCsp())}">`);
  b.push('<meta name="referrer" content="no-referrer">');
  b.push('<meta name="viewport" content="width=device-width, initial-scale=1">');
  b.push('<link rel="icon" href="data:,">');
  b.push(`<title>GenAI incident investigation report · ${h(fmtTime(report.generatedAt), 40)}</title>`);
  b.push(`<style>${CSS}</style>`, '</head>', '<body>');

  // ── header
  b.push('<header class="top">');
  b.push('<div class="product">genai-ir · incident response for generative-AI workloads on AWS</div>');
  b.push('<h1>GenAI incident investigation report</h1>');
  b.push(
    `<div class="meta"><span>Generated ${h(fmtTime(report.generatedAt), 40)}</span>` +
      `<span>${h(report.tool?.name, 40)} ${h(report.tool?.version, 40)}</span>` +
      `<span>Evidence window ${h(fmtWindow(report.coverage?.window), 80)}</span>` +
      `<span>${report.evidence.length} evidence file(s)</span></div>`,
  );
  b.push('</header>');
  const toc: Array<[string, string]> = [
    ['summary', 'Summary'],
    ['elements', 'Elements'],
    ['activity', 'Activity'],
    ['scope', 'Scope'],
    ['blast-radius', 'Blast radius'],
    ['principals', 'Principals'],
    ['graph', 'Graph'],
    ['findings', 'Findings'],
    ['timeline', 'Timeline'],
    ['excerpts', 'Excerpts'],
    ['iocs', 'IOCs'],
    ['next-steps', 'Next steps'],
    ['coverage', 'Coverage'],
    ['evidence', 'Evidence'],
    ['warnings', 'Warnings'],
  ];
  const ex = findingExcerpts(findings);
  const blast = getBlastRadius(report);
  const principals = getPrincipals(report);
  const graph = getGraph(report);
  const optional: Record<string, boolean> = {
    excerpts: ex.length > 0,
    warnings: (report.warnings?.length ?? 0) > 0,
    'blast-radius': !!blast,
    principals: !!principals,
    graph: !!graph?.nodes.length,
  };
  const present = (id: string) => optional[id] ?? true;
  b.push(
    `<nav class="toc">${toc
      .filter(([id]) => present(id))
      .map(([id, l]) => `<a href="#${id}">${l}</a>`)
      .join('')}</nav>`,
  );
  b.push('<main>');

  // ── executive summary
  b.push('<section id="summary"><h2>Executive summary</h2>');
  b.push(`<div class="verdict ${verdict.level}">${h(verdict.headline)}</div>`);
  if (typeof report.summary === 'string' && report.summary.trim())
    b.push(`<p class="summary-text">${h(report.summary, 4000)}</p>`);
  b.push(
    `<ul class="facts">${derivedSummary(report)
      .slice(1)
      .map((x) => `<li>${h(x, 600)}</li>`)
      .join('')}</ul>`,
  );
  const sc = severityCounts(report);
  const kpi = (n: number | string, l: string, cls = '') =>
    `<div class="kpi ${cls}"><div class="n">${h(String(n))}</div><div class="l">${l}</div></div>`;
  b.push(
    '<div class="kpis">' +
      kpi(sc.critical, 'critical findings', 'crit') +
      kpi(sc.high, 'high findings', 'high') +
      kpi(sc.medium, 'medium findings', 'med') +
      kpi(sc.low + sc.informational, 'low / info findings') +
      kpi(s?.principals?.length ?? 0, 'principals in scope') +
      kpi(s?.accessKeyIds?.length ?? 0, 'access keys in scope') +
      kpi(s?.sourceIps?.length ?? 0, 'actor source IPs') +
      kpi(s?.resources?.length ?? 0, 'resources in scope') +
      '</div>',
  );
  b.push('</section>');

  // ── elements
  b.push('<section id="elements"><h2>The seven investigation elements</h2><div class="tiles">');
  for (const e of ELEMENTS) {
    const v = report.elements?.[e];
    const st = statusClass(v?.status as string);
    const ids = Array.isArray(v?.findingIds) ? v.findingIds : [];
    b.push(
      `<div class="tile ${st}"><div class="name">${ELEMENT_LABELS[e]} <span class="pill ${st}">${STATUS_LABELS[st]}</span></div>` +
        `<div class="q">${ELEMENT_QUESTIONS[e]}</div>` +
        `<div class="sum">${h(v?.summary, 600) || '<span class="muted">No summary.</span>'}</div>` +
        (ids.length ? `<div class="refs">Findings: ${frefs(ids, 8)}</div>` : '') +
        '</div>',
    );
  }
  b.push('</div>');
  if (report.components && typeof report.components === 'object') {
    const comps = COMPONENTS.filter((c) => report.components?.[c]);
    if (comps.length) {
      b.push('<h3>Application components</h3><div class="tiles">');
      for (const c of comps) {
        const v = report.components[c]!;
        const st = statusClass(v.status);
        const ids = Array.isArray(v.findingIds) ? v.findingIds : [];
        b.push(
          `<div class="tile ${st}"><div class="name">${COMPONENT_LABELS[c]} <span class="pill ${st}">${STATUS_LABELS[st]}</span></div>` +
            `<div class="sum">${h(v.summary, 600)}</div>` +
            (ids.length ? `<div class="refs">Findings: ${frefs(ids, 8)}</div>` : '') +
            '</div>',
        );
      }
      b.push('</div>');
    }
  }
  b.push('</section>');

  // ── charts
  const charts = getCharts(report);
  const activity = charts.activity?.length
    ? charts.activity
    : timelineActivity(report.timeline, report.coverage?.window);
  b.push('<section id="activity"><h2>Activity over time</h2>');
  const legend =
    '<div class="legend"><span class="sw total"></span>all activity<span class="sw actor"></span>threat actor (own scale)' +
    '<span class="sw band"></span>intervals with threat-actor activity</div>';
  if (activity.length) {
    b.push(
      `<h3>${charts.activity?.length ? 'Events' : 'Timeline entries'} per interval (UTC)</h3>`,
      barChart(activity, 'Activity over time', charts.activity?.length ? 'events' : 'entries'),
      legend,
    );
  } else b.push('<p class="muted">No dated activity.</p>');
  if (charts.tokens?.length) {
    const tot = charts.tokens.reduce((a, p) => a + p.total, 0);
    const act = charts.tokens.reduce((a, p) => a + p.actor, 0);
    b.push(
      `<h3>Model tokens per interval (UTC) · ${h(fmtNum(tot))} total, ${h(fmtNum(act))} by the threat actor</h3>`,
      barChart(charts.tokens, 'Model tokens over time', 'tokens'),
      legend,
    );
  }
  b.push('</section>');

  // ── scope
  b.push('<section id="scope"><h2>Scope</h2>');
  b.push(`<p>What the responder must contain. Incident window: <b>${h(fmtWindow(s?.window), 100)}</b></p>`);
  b.push('<div class="scope-grid">');
  b.push(`<div><h3>Principals (${s?.principals?.length ?? 0})</h3>${list(s?.principals, 50)}</div>`);
  b.push(`<div><h3>Access keys (${s?.accessKeyIds?.length ?? 0})</h3>${list(s?.accessKeyIds, 50)}</div>`);
  b.push(`<div><h3>Source IPs (${s?.sourceIps?.length ?? 0})</h3>${list(s?.sourceIps, 50)}</div>`);
  b.push(`<div><h3>Resources (${s?.resources?.length ?? 0})</h3>${list(s?.resources, 50)}</div>`);
  b.push('</div>');
  const notes = getScopeNotes(report);
  if (notes.length) {
    const { shown, more } = capList(notes, 30);
    b.push(
      `<details class="sub"><summary>How the scope was established (${notes.length})</summary><ul>${shown
        .map((n) => `<li>${h(n, 600)}</li>`)
        .join('')}</ul>${more ? `<p class="muted">${more} more in the JSON report.</p>` : ''}</details>`,
    );
  }
  b.push('</section>');

  // ── blast radius, principals, entity graph
  const refs: Refs = {
    one: fref,
    list: (ids, max) =>
      frefs(
        [...ids].sort((x, y) => (nums.get(x) ?? 1e9) - (nums.get(y) ?? 1e9) || cmp(x, y)),
        max,
      ),
  };
  if (blast) b.push(blastRadiusHtml(blast, refs));
  if (principals) b.push(principalsHtml(principals, refs));
  if (graph?.nodes.length) b.push(graphHtml(graph, (id) => (nums.has(id) ? nums.get(id)! : undefined)));

  // ── findings
  b.push(`<section id="findings"><h2>Findings (${findings.length})</h2>`);
  if (!findings.length) b.push('<p class="muted">No findings.</p>');
  for (const f of findings) {
    const n = nums.get(f.id)!;
    const sev = severityOf(f);
    const open = sev === 'critical' || sev === 'high' ? ' open' : '';
    b.push(`<details class="finding sev-${sev}" id="f-${n}"${open}>`);
    b.push(
      `<summary><span class="fno">F${n}</span><span class="pill sev-${sev}">${sev}</span><span class="ttl">${h(f.title, 300)}</span>` +
        `<span class="when">${h(fmtTime(f.firstSeen), 40)} → ${h(fmtTime(f.lastSeen), 40)}</span></summary>`,
    );
    b.push('<div class="body">');
    if (typeof f.description === 'string' && f.description.trim())
      b.push(`<p class="summary-text">${h(f.description, 4000)}</p>`);
    const elements = (f.elements ?? []).filter(isElement).map((e) => ELEMENT_LABELS[e]);
    const components = (f.components ?? []).filter(isComponent).map((c) => COMPONENT_LABELS[c]);
    const hasEx = ex.some((x) => x.finding === f);
    const kv: Array<[string, string]> = [
      ['Finding id', `<span class="mono">${h(f.id, 200)}</span>`],
      ['Rule', `<span class="mono">${h(f.ruleId, 200)}</span>`],
      ['Elements', h(elements.join(', '))],
      ['Components', h(components.join(', '))],
      ['ATT&amp;CK / ATLAS', f.attack?.length ? inline(f.attack, 20) : ''],
      ['Principals', f.principals?.length ? inline(f.principals, 20) : ''],
      ['Access keys', f.accessKeyIds?.length ? inline(f.accessKeyIds, 20) : ''],
      ['Source IPs', f.sourceIps?.length ? inline(f.sourceIps, 20) : ''],
      ['Resources', f.resources?.length ? inline(f.resources, 20) : ''],
      ['Evidence', evidenceBlock(f.evidence, maxIds)],
      ['Excerpts', hasEx ? `<a href="#x-${n}">prompt and response excerpts</a>` : ''],
    ];
    b.push(
      `<dl class="kv">${kv
        .filter(([, v]) => v !== '')
        .map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`)
        .join('')}</dl>`,
    );
    b.push(detailsJson(f));
    b.push('</div></details>');
  }
  b.push('</section>');

  // ── timeline
  const { shown: tl, omitted } = selectTimeline(report.timeline, maxTimeline);
  b.push(`<section id="timeline"><h2>Timeline (${report.timeline.length} entries)</h2>`);
  if (!tl.length) b.push('<p class="muted">No timeline entries.</p>');
  else {
    const head =
      '<table class="fixed"><colgroup><col class="w-time"><col class="w-who"><col><col class="w-el"><col class="w-fr"><col class="w-ev"></colgroup>' +
      '<thead><tr><th>Time (UTC)</th><th>Who</th><th>Summary</th><th>Elements</th><th>Findings</th><th>Evidence</th></tr></thead><tbody>';
    b.push(head);
    tl.forEach((e, i) => {
      if (i === TIMELINE_OPEN_ROWS)
        b.push(
          `</tbody></table><details class="sub"><summary>Show ${tl.length - TIMELINE_OPEN_ROWS} more entries</summary>${head}`,
        );
      const declared = typeof e.declared === 'string' && e.declared ? e.declared : '';
      const cls = e.actor === true ? ' class="actor"' : declared ? ' class="declared"' : '';
      const who =
        e.actor === true
          ? '<span class="pill actor">actor</span>'
          : declared
            ? `<span class="pill declared">declared</span> ${h(declared, 160)}`
            : '';
      const src =
        typeof e.source === 'string' && e.source ? `<div class="muted small">${h(e.source, 40)}</div>` : '';
      b.push(
        `<tr${cls}><td class="time">${h(fmtTime(e.time), 40)}</td><td>${who}</td><td>${h(e.summary, 600)}${src}</td>` +
          `<td>${(e.elements ?? [])
            .filter(isElement)
            .map((x) => ELEMENT_LABELS[x])
            .join('<br>')}</td><td>${frefs(e.findingIds, 5)}</td>` +
          `<td>${evidenceBlock(e.evidence, 3)}</td></tr>`,
      );
    });
    b.push(tl.length > TIMELINE_OPEN_ROWS ? '</tbody></table></details>' : '</tbody></table>');
    if (omitted)
      b.push(
        `<p class="muted">${omitted} more entr${omitted === 1 ? 'y is' : 'ies are'} in the JSON report and the timeline export.</p>`,
      );
  }
  b.push('</section>');

  // ── excerpts
  if (ex.length) {
    b.push('<section id="excerpts"><h2>Prompt and response excerpts</h2>');
    b.push(
      '<p class="muted small">Text as logged, escaped. Detected spans are <mark>highlighted<span class="cat">category</span></mark>; invisible characters are shown as <span class="cc">\\u202e</span>-style escapes.</p>',
    );
    for (const { finding, views, more } of ex) {
      const n = nums.get(finding.id)!;
      b.push(`<h3 id="x-${n}"><a href="#f-${n}">F${n}</a> · ${h(finding.title, 300)}</h3>`);
      for (const v of views) b.push(excerptHtml(v));
      if (more) b.push(`<p class="muted">${more} more excerpt(s) in the JSON report.</p>`);
    }
    b.push('</section>');
  }

  // ── IOCs
  const iocs = collectIocs(report);
  b.push(`<section id="iocs"><h2>Indicators of compromise (${iocs.length})</h2>`);
  if (!iocs.length) b.push('<p class="muted">None identified.</p>');
  else {
    b.push(
      '<table class="fixed"><colgroup><col class="w-type"><col class="w-val"><col class="w-time"><col class="w-time"><col></colgroup><thead><tr><th>Type</th><th>Value</th><th>First seen</th><th>Last seen</th><th>Context</th></tr></thead><tbody>',
    );
    for (const i of iocs)
      b.push(
        `<tr><td>${h(i.type, 40)}</td><td class="mono">${h(i.value, 300)}</td><td class="time">${h(fmtTime(i.firstSeen), 40)}</td>` +
          `<td class="time">${h(fmtTime(i.lastSeen), 40)}</td><td>${h(i.context, 400)}</td></tr>`,
      );
    b.push('</tbody></table>');
  }
  b.push('</section>');

  // ── next steps
  const { steps, derived } = nextSteps(report);
  b.push('<section id="next-steps"><h2>Recommended next steps</h2>');
  if (derived && steps.length) b.push('<p class="muted small">Derived from the verdicts and the scope.</p>');
  if (!steps.length) b.push('<p class="muted">No action required by the evidence.</p>');
  else {
    b.push('<ol class="steps">');
    for (const st of steps) {
      b.push(
        `<li><span class="pill phase">${h(st.phase, 20)}</span> ${h(st.action, 600)}` +
          (st.targets?.length ? `<span class="targets">${inline(st.targets, 12)}</span>` : '') +
          (st.reason ? `<div class="muted small">${h(st.reason, 400)}</div>` : '') +
          '</li>',
      );
    }
    b.push('</ol>');
  }
  b.push('</section>');

  // ── coverage
  b.push('<section id="coverage"><h2>Coverage gaps</h2>');
  const gaps = report.coverage?.gaps ?? [];
  b.push(
    gaps.length
      ? `<ul>${gaps.map((g) => `<li>${h(g, 600)}</li>`).join('')}</ul>`
      : '<p class="muted">None reported.</p>',
  );
  b.push('</section>');

  // ── evidence
  b.push(`<section id="evidence"><h2>Evidence (${report.evidence.length} files)</h2>`);
  if (!report.evidence.length) b.push('<p class="muted">No evidence files.</p>');
  else {
    b.push(
      '<table class="fixed"><colgroup><col><col class="w-num"><col class="w-num"><col class="w-num"></colgroup>' +
        '<thead><tr><th>Format</th><th>Files</th><th>Records</th><th>Rejected</th></tr></thead><tbody>',
    );
    for (const t of evidenceByFormat(report))
      b.push(
        `<tr><td>${h(t.format, 60)}</td><td>${t.files}</td><td>${t.records}</td><td>${t.rejected}</td></tr>`,
      );
    b.push('</tbody></table>');
    const { shown, omitted } = evidenceFiles(report, 5000);
    const many = shown.length > 50;
    if (many) b.push(`<details class="sub"><summary>All ${shown.length} files</summary>`);
    b.push(
      '<table class="fixed"><colgroup><col><col class="w-fmt"><col class="w-sha"><col class="w-num"><col class="w-num"></colgroup><thead><tr><th>File</th><th>Format</th><th>SHA-256</th><th>Records</th><th>Rejected</th></tr></thead><tbody>',
    );
    for (const e of shown) {
      const sha = typeof e.sha256 === 'string' ? e.sha256 : '';
      b.push(
        `<tr><td class="mono">${h(e.path, 400)}</td><td>${h(e.format, 40)}</td><td class="mono nowrap">${h(sha.slice(0, 12), 20)}…</td>` +
          `<td>${h(String(Number(e.records) || 0))}</td><td>${h(String(Number(e.rejected) || 0))}</td></tr>`,
      );
    }
    b.push('</tbody></table>');
    if (many) b.push('</details>');
    if (omitted) b.push(`<p class="muted">${omitted} more file(s) are listed in the JSON report.</p>`);
  }
  b.push('</section>');

  // ── warnings
  const warnings = report.warnings ?? [];
  if (warnings.length) {
    const { shown, more } = capList(warnings, 200);
    b.push(`<section id="warnings"><h2>Warnings (${warnings.length})</h2><ul>`);
    for (const w of shown) b.push(`<li>${h(w, 600)}</li>`);
    b.push('</ul>');
    if (more) b.push(`<p class="muted">${more} more in the JSON report.</p>`);
    b.push('</section>');
  }

  b.push('</main>');
  b.push(
    `<footer>Generated by ${h(report.tool?.name, 40)} ${h(report.tool?.version, 40)} on ${h(fmtTime(report.generatedAt), 40)}. ` +
      'All text taken from evidence is escaped; invisible and direction-changing characters are shown as escapes. ' +
      'This page runs no script and loads nothing from the network.</footer>',
  );
  b.push('</body>', '</html>');
  return `${b.join('\n')}\n`;
}

/** Finding references: `one` for a single id, `list` sorted by finding number and capped. */
interface Refs {
  one: (id: string) => string;
  list: (ids: readonly string[], max: number) => string;
}

const dash = '<span class="muted">—</span>';

/** A yes / no / unknown pill with our wording. */
function triHtml(v: Tri, yes: string, no: string, unknown = 'unknown'): string {
  return `<span class="pill ${v}">${v === 'yes' ? yes : v === 'no' ? no : unknown}</span>`;
}

/** The record ids an item cites, folded under their count; findings as links, visible. */
function citedHtml(c: Cited, refs: Refs, shownFindings: readonly string[] = []): string {
  const pairs = evidencePairs(c.evidence);
  const allFids = pairs.find(([k]) => k === 'findingIds')?.[1] ?? [];
  const fids = allFids.filter((id) => !shownFindings.includes(id));
  const rest = pairs.filter(([k]) => k !== 'findingIds');
  const listed = rest.reduce((a, [, ids]) => a + ids.length, 0);
  const total = Math.max(c.evidenceTotal - allFids.length, listed);
  const out: string[] = [];
  if (rest.length) {
    const blocks = rest
      .map(([k, ids]) => evidenceBlock({ [k]: ids } as Finding['evidence'], 25, 25))
      .join('');
    out.push(
      `<details class="sub ids-more"><summary>${fmtInt(total)} record(s)</summary>${blocks}` +
        (total > listed
          ? `<div class="muted small">the first ${fmtInt(listed)} cited; all in the JSON report</div>`
          : '') +
        '</details>',
    );
  } else if (total) out.push(`<span class="muted small">${fmtInt(total)} record(s)</span>`);
  if (fids.length) out.push(`<div class="small">${refs.list(fids, 8)}</div>`);
  return out.length ? out.join('') : dash;
}

function textList(items: readonly string[], max: number, maxLen = 200): string {
  if (!items.length) return dash;
  const { shown, more } = capList(items, max);
  return (
    shown.map((x) => h(x, maxLen)).join(', ') +
    (more ? ` <span class="muted small">and ${more} more</span>` : '')
  );
}

function moreRowsHtml(more: number, what: string): string {
  return more ? `<p class="muted">and ${more} more ${what} in the JSON report.</p>` : '';
}

function kpiHtml(n: string, l: string, cls = ''): string {
  return `<div class="kpi ${cls}"><div class="n">${h(n)}</div><div class="l">${l}</div></div>`;
}

function blastRadiusHtml(b: BlastRadiusView, refs: Refs): string {
  const o: string[] = ['<section id="blast-radius"><h2>Blast radius</h2>'];
  o.push(
    '<p class="muted small">What the threat actor\'s records reached, and whether it is still in place at the end of the evidence. ' +
      'Each item cites the records behind it; all of them are in the JSON report.</p>',
  );
  const m = b.models;
  const kb = b.knowledgeBases;
  const ag = b.agents;
  const empty =
    !m.items.length &&
    !b.guardrails.length &&
    !kb.documents.length &&
    !b.privateData.length &&
    !ag.actions.length &&
    !ag.sessions.length &&
    !b.iamPersistence.length;
  if (empty) {
    if (b.summary.length) {
      const { shown, more } = capList(b.summary, 20);
      o.push(
        `<ul>${shown.map((x) => `<li>${h(x, 600)}</li>`).join('')}</ul>${moreRowsHtml(more, 'line(s)')}`,
      );
    } else o.push('<p class="muted">Nothing the actor reached was established from the evidence.</p>');
    o.push('</section>');
    return o.join('\n');
  }

  // headline numbers
  const k: string[] = [];
  const cost = m.totals?.costUsd ?? m.items.reduce((a, i) => a + (i.costUsd ?? 0), 0);
  const est =
    m.totals?.estimatedUnloggedUsd ?? m.items.reduce((a, i) => a + (i.estimatedUnloggedUsd ?? 0), 0);
  if (m.items.length) {
    const calls = m.totals?.calls ?? m.items.reduce((a, i) => a + i.calls, 0);
    k.push(kpiHtml(fmtInt(calls), `model call(s), ${m.items.length} model(s)`));
    k.push(kpiHtml(fmtUsd(cost), 'priced from logged tokens'));
    if (est > 0)
      k.push(kpiHtml(`≈ ${fmtUsd(est)}`, 'ESTIMATE for calls seen only in CloudTrail', 'estimate'));
  }
  const countYes = <T>(xs: T[], f: (x: T) => boolean | null) => xs.filter((x) => f(x) === true).length;
  if (b.guardrails.length) {
    const n = countYes(b.guardrails, (g) => g.stillInEffect);
    k.push(kpiHtml(`${n} of ${b.guardrails.length}`, 'guardrail change(s) still in effect', n ? 'bad' : ''));
  }
  if (kb.documents.length) {
    const n = countYes(kb.documents, (d) => d.live);
    k.push(kpiHtml(`${n} of ${kb.documents.length}`, 'poisoned document(s) still live', n ? 'bad' : ''));
  }
  if (b.privateData.length) k.push(kpiHtml(fmtInt(b.privateData.length), 'private-data exposure(s)', 'bad'));
  if (ag.actions.length)
    k.push(
      kpiHtml(fmtInt(ag.actions.reduce((a, x) => a + x.count, 0)), 'agent action call(s) in actor sessions'),
    );
  if (b.iamPersistence.length) {
    const n = countYes(b.iamPersistence, (i) => i.stillExists);
    const unk = b.iamPersistence.filter((i) => i.stillExists === null).length;
    k.push(
      kpiHtml(
        `${n} of ${b.iamPersistence.length}`,
        `IAM change(s) still present${unk ? `, ${unk} unknown` : ''}`,
        n || unk ? 'bad' : '',
      ),
    );
  }
  if (k.length) o.push(`<div class="kpis wide">${k.join('')}</div>`);

  // models
  if (m.items.length) {
    o.push('<h3>Models invoked</h3>');
    o.push(
      '<div class="tw"><table><thead><tr><th>Model</th><th class="num">Calls</th><th class="num">Logged / CloudTrail only</th>' +
        '<th class="num">Tokens in / out</th><th class="num">Cost of logged tokens</th>' +
        '<th class="num">Estimate for CloudTrail-only calls</th><th>Regions · seen</th><th>Records</th></tr></thead><tbody>',
    );
    const { shown, more } = capList(m.items, MAX_BLAST_ROWS);
    const estHtml = (v: number) =>
      `<span class="est">≈ ${h(fmtUsd(v))}</span><span class="sub"><span class="pill est">estimate</span></span>`;
    for (const i of shown) {
      const estCell =
        i.estimatedUnloggedUsd !== null && i.estimatedUnloggedUsd > 0
          ? estHtml(i.estimatedUnloggedUsd)
          : i.unloggedCalls && i.estimatedUnloggedUsd === null
            ? '<span class="muted small">cannot be estimated</span>'
            : dash;
      o.push(
        `<tr><td><span class="mono">${h(i.modelId, 160)}</span><span class="sub">${h(i.via, 20)}</span></td>` +
          `<td class="num">${fmtInt(i.calls)}${i.errors ? `<span class="sub">${fmtInt(i.errors)} failed</span>` : ''}</td>` +
          `<td class="num">${fmtInt(i.loggedCalls)} / ${fmtInt(i.unloggedCalls)}</td>` +
          `<td class="num">${fmtInt(i.inputTokens)}<span class="sub">${fmtInt(i.outputTokens)}</span></td>` +
          `<td class="num">${i.costUsd === null ? '<span class="muted small">not priced</span>' : h(fmtUsd(i.costUsd))}</td>` +
          `<td class="num">${estCell}</td>` +
          `<td class="small">${textList(i.regions, 6, 40)}<span class="when2">${h(seen(i.firstSeen, i.lastSeen, fmtTime), 80).replace(' → ', '<br>→ ')}</span></td>` +
          `<td>${citedHtml(i, refs)}</td></tr>`,
      );
    }
    const t = m.totals;
    if (t && m.items.length > 1)
      o.push(
        `<tr class="total"><td>Total</td><td class="num">${fmtInt(t.calls)}${t.errors ? `<span class="sub">${fmtInt(t.errors)} failed</span>` : ''}</td>` +
          `<td class="num">${fmtInt(t.loggedCalls)} / ${fmtInt(m.items.reduce((a, i) => a + i.unloggedCalls, 0))}</td>` +
          `<td class="num">${fmtInt(t.inputTokens)}<span class="sub">${fmtInt(t.outputTokens)}</span></td>` +
          `<td class="num">${h(fmtUsd(t.costUsd))}</td>` +
          `<td class="num">${t.estimatedUnloggedUsd > 0 ? estHtml(t.estimatedUnloggedUsd) : dash}</td>` +
          '<td></td><td></td></tr>',
      );
    o.push('</tbody></table></div>');
    o.push(moreRowsHtml(more, 'model(s)'));
    const hasEstimate = m.items.some((i) => i.unloggedCalls > 0 || (i.estimatedUnloggedUsd ?? 0) > 0);
    o.push(
      `<p class="note">${hasEstimate ? '<b>An estimate is not evidence.</b> ' : ''}${
        m.note
          ? h(m.note, 1500)
          : "Costs are list prices for the logged tokens; an estimate assumes each call seen only in CloudTrail used the mean tokens of the actor's logged calls. Check the Cost and Usage Report."
      }${t?.unpricedModels.length ? `<br>Not priced: ${textList(t.unpricedModels, 10, 120)}` : ''}</p>`,
    );
  }

  // guardrails
  if (b.guardrails.length) {
    o.push('<h3>Guardrails weakened</h3>');
    o.push(
      '<div class="tw"><table><thead><tr><th>Guardrail</th><th>Effect</th><th>Protections lowered</th><th>Changes</th>' +
        '<th>Version in use at the end</th><th>Still in effect</th><th>Status</th><th>Records</th></tr></thead><tbody>',
    );
    const { shown, more } = capList(b.guardrails, MAX_BLAST_ROWS);
    for (const g of shown) {
      const ch = capList(g.actorChanges, 6);
      const changes =
        ch.shown
          .map(
            (c) =>
              `<li><span class="mono small">${h(fmtTime(c.time), 40)}</span> ${h(c.action, 60)}${c.version ? ` <span class="muted">(version ${h(c.version, 20)})</span>` : ''}</li>`,
          )
          .join('') + (ch.more ? `<li class="muted small">and ${ch.more} more</li>` : '');
      const later = g.laterChanges.length
        ? `<div class="muted small">then ${g.laterChanges.length} change(s) by others, last ${h(fmtTime(g.laterChanges[g.laterChanges.length - 1]!.time), 40)} ${h(g.laterChanges[g.laterChanges.length - 1]!.action, 60)}</div>`
        : '';
      const use = g.versionInUseAtEnd;
      o.push(
        `<tr><td class="mono">${h(g.guardrailId, 120)}${g.findingIds.length ? `<span class="sub">${refs.list(g.findingIds, 8)}</span>` : ''}</td>` +
          `<td>${h(g.effect, 20)}${g.weakenedVersion ? `<span class="sub">version ${h(g.weakenedVersion, 20)}</span>` : ''}</td>` +
          `<td class="small">${
            g.weakened.length
              ? `<ul class="rel">${capList(g.weakened, 8)
                  .shown.map((x) => `<li>${h(x, 120)}</li>`)
                  .join(
                    '',
                  )}${g.weakened.length > 8 ? `<li class="muted">and ${g.weakened.length - 8} more</li>` : ''}</ul>`
              : dash
          }</td>` +
          `<td class="small">${changes ? `<ul class="rel">${changes}</ul>` : dash}${later}</td>` +
          `<td>${use ? `${h(use.version ?? '?', 20)}${use.lastUsed ? `<span class="sub">last used ${h(fmtTime(use.lastUsed), 40)}</span>` : ''}` : dash}</td>` +
          `<td>${triHtml(tri(g.stillInEffect), 'still in effect', 'undone')}</td>` +
          `<td class="small">${h(g.status, 500) || dash}</td><td>${citedHtml(g, refs)}</td></tr>`,
      );
    }
    o.push('</tbody></table></div>', moreRowsHtml(more, 'guardrail(s)'));
  }

  // knowledge-base documents
  if (kb.documents.length) {
    o.push('<h3>Knowledge-base documents</h3>');
    o.push(
      '<div class="tw"><table class="kb fixed"><colgroup><col class="k-doc"><col class="k-chg"><col class="k-live"><col class="k-st">' +
        '<col class="k-reach"><col class="k-host"><col class="k-rec"></colgroup><thead><tr><th>Document</th><th>Change</th><th>Live in the index</th><th>Status</th>' +
        '<th>Reach</th><th>Hosts it names</th><th>Records</th></tr></thead><tbody>',
    );
    const { shown, more } = capList(kb.documents, MAX_BLAST_ROWS);
    for (const d of shown) {
      const w = d.writes[0];
      o.push(
        `<tr><td class="mono">${h(d.uri, 300)}<span class="sub">${d.knowledgeBases.length ? `knowledge base ${textList(d.knowledgeBases, 4, 60)}` : ''}${d.findingIds.length ? ` · ${refs.list(d.findingIds, 6)}` : ''}</span></td>` +
          `<td>${h(d.change, 20)}${w ? `<span class="sub">${h(fmtTime(w.time), 40)} ${h(w.action, 40)}${w.principal ? ` by ${h(shortPrincipal(w.principal), 120)}` : ''}</span>` : ''}</td>` +
          `<td>${triHtml(tri(d.live), 'live', 'not live')}</td>` +
          `<td class="small">${h(d.status, 500) || dash}</td>` +
          `<td class="small"><ul class="rel"><li><b>${fmtInt(d.answersRepeating)}</b> answer(s) repeated it</li>` +
          `<li>${fmtInt(d.invocationsCarrying)} invocation(s) carried it</li>` +
          `<li>retrieved ${fmtInt(d.retrievedBy.traces)}× in ${fmtInt(d.retrievedBy.sessions)} agent session(s)</li></ul></td>` +
          `<td class="mono small">${textList(d.contentHosts, 6, 120)}</td><td>${citedHtml(d, refs, d.findingIds)}</td></tr>`,
      );
    }
    o.push('</tbody></table></div>', moreRowsHtml(more, 'document(s)'));
    o.push(
      `<p>Over all documents: <b>${fmtInt(kb.answersRepeating)}</b> answer(s) repeated poisoned content; ` +
        `${fmtInt(kb.invocationsCarrying)} invocation(s) carried it.</p>`,
    );
  }

  // private data
  if (b.privateData.length) {
    o.push('<h3>Private data</h3>');
    o.push(
      '<p class="muted small">Counts by type and who received them. Values are never shown; masked values only when the analysis masked them.</p>',
    );
    o.push(
      '<div class="tw"><table><thead><tr><th>What</th><th>By type</th><th class="num">Values</th><th>Recipients</th>' +
        '<th>Masked values</th><th>Source</th><th>Records</th></tr></thead><tbody>',
    );
    const { shown, more } = capList(b.privateData, MAX_BLAST_ROWS);
    for (const p of shown) {
      const types = capList(p.byType, 10);
      o.push(
        `<tr><td>${h(p.what, 400) || dash}</td>` +
          `<td>${types.shown.length ? `<ul class="rel">${types.shown.map(([t, n]) => `<li><b>${fmtInt(n)}</b> ${h(t, 60)}</li>`).join('')}${types.more ? `<li class="muted small">and ${types.more} more</li>` : ''}</ul>` : dash}</td>` +
          `<td class="num">${p.values === null ? dash : fmtInt(p.values)}</td>` +
          `<td class="small">${
            p.recipients.length
              ? `<ul class="rel">${capList(p.recipients, 6)
                  .shown.map((r) => `<li>${h(r, 200)}</li>`)
                  .join(
                    '',
                  )}${p.recipients.length > 6 ? `<li class="muted">and ${p.recipients.length - 6} more</li>` : ''}</ul>`
              : dash
          }</td>` +
          `<td>${p.masked.length ? inline(p.masked, 6) : dash}</td>` +
          `<td class="small">${p.findingId ? `${refs.one(p.findingId)} ` : ''}<span class="mono">${h(p.source, 80)}</span></td>` +
          `<td>${citedHtml(p, refs, p.findingId ? [p.findingId] : [])}</td></tr>`,
      );
    }
    o.push('</tbody></table></div>', moreRowsHtml(more, 'item(s)'));
  }

  // agents
  if (ag.actions.length || ag.sessions.length) {
    o.push('<h3>Agent actions</h3>');
    o.push(
      `<p>In ${fmtInt(ag.sessions.length)} actor session(s): ${inline(ag.sessions, 6)}` +
        (ag.findingIds.length ? ` · findings ${refs.list(ag.findingIds, 10)}` : '') +
        '</p>',
    );
    if (ag.actions.length) {
      o.push(
        '<div class="tw"><table><thead><tr><th>Agent</th><th>Action group</th><th>API</th><th class="num">Calls</th>' +
          '<th class="num">Sessions</th><th>Seen</th><th>Records</th></tr></thead><tbody>',
      );
      const { shown, more } = capList(ag.actions, MAX_BLAST_ROWS);
      for (const a of shown)
        o.push(
          `<tr><td class="mono">${h(a.agentId, 80) || dash}</td><td>${h(a.actionGroup, 120) || dash}</td>` +
            `<td class="mono">${h(a.api, 200) || dash}</td><td class="num">${fmtInt(a.count)}</td>` +
            `<td class="num">${fmtInt(a.sessions)}</td>` +
            `<td class="time">${h(seen(a.firstSeen, a.lastSeen, fmtTime), 80).replace(' → ', '<br>→ ')}</td>` +
            `<td>${citedHtml(a, refs)}</td></tr>`,
        );
      o.push('</tbody></table></div>', moreRowsHtml(more, 'action(s)'));
    }
  }

  // IAM persistence
  if (b.iamPersistence.length) {
    o.push('<h3>IAM persistence</h3>');
    o.push(
      '<div class="tw"><table class="iam fixed"><colgroup><col class="w-time"><col class="i-act"><col class="i-tgt"><col class="i-det">' +
        '<col class="i-by"><col class="i-st"><col class="i-basis"><col class="i-rec"></colgroup>' +
        '<thead><tr><th>Time (UTC)</th><th>Action</th><th>Target</th><th>Detail</th><th>By</th>' +
        '<th>Still exists</th><th>Basis</th><th>Records</th></tr></thead><tbody>',
    );
    const { shown, more } = capList(b.iamPersistence, MAX_BLAST_ROWS);
    for (const i of shown)
      o.push(
        `<tr><td class="time">${h(fmtTime(i.time), 40) || dash}</td><td>${h(i.action, 60)}</td>` +
          `<td class="mono">${h(i.target, 200)}${i.kind ? `<span class="sub">${h(i.kind, 40)}</span>` : ''}</td>` +
          `<td class="mono small">${h(i.detail, 200) || dash}</td>` +
          `<td class="mono small">${i.principal ? h(shortPrincipal(i.principal), 200) : dash}</td>` +
          `<td>${triHtml(tri(i.stillExists), 'still exists', 'removed')}${i.stillExists === null ? '<span class="sub">assume it still exists</span>' : ''}</td>` +
          `<td class="small">${h(i.basis, 400) || dash}</td><td>${citedHtml(i, refs)}</td></tr>`,
      );
    o.push('</tbody></table></div>', moreRowsHtml(more, 'change(s)'));
  }
  o.push('</section>');
  return o.join('\n');
}

/** Counted values as a plain list, capped. */
function countedList(xs: readonly { value: string; count: number }[], max: number, maxLen = 120): string {
  if (!xs.length) return '';
  const { shown, more } = capList(countedText(xs), max);
  return (
    `<ul class="rel">${shown.map((x) => `<li>${h(x, maxLen)}</li>`).join('')}` +
    (more ? `<li class="muted">and ${more} more</li>` : '') +
    '</ul>'
  );
}

function principalsHtml(ps: PrincipalView[], refs: Refs): string {
  const o: string[] = [`<section id="principals"><h2>Principals (${ps.length})</h2>`];
  if (!ps.length) {
    o.push('<p class="muted">No principal in scope or named by a finding at medium or above.</p></section>');
    return o.join('\n');
  }
  o.push(
    '<p class="muted small">What each principal in scope, or named by a finding, did in the evidence. ' +
      "A principal the actor shares with legitimate use is split into the actor's records and the others'.</p>",
  );
  o.push(
    '<div class="tw"><table class="pr fixed"><colgroup><col class="p-who"><col class="p-split"><col class="p-rec"><col class="p-api">' +
      '<col class="p-err"><col class="p-mod"><col class="p-num"><col class="p-num"><col class="p-addr"></colgroup>' +
      '<thead><tr><th>Principal</th><th>Actor / other</th><th>Records · seen</th><th>APIs</th>' +
      '<th>Errors</th><th>Models</th><th class="num">Tokens in / out</th><th class="num">Cost (logged tokens)</th>' +
      '<th>Addresses</th></tr></thead><tbody>',
  );
  const { shown, more } = capList(ps, MAX_PRINCIPALS);
  for (const p of shown) {
    const rows = principalRows(p);
    const sev =
      p.maxSeverity && /^(critical|high|medium|low|informational)$/.test(p.maxSeverity) ? p.maxSeverity : '';
    const who =
      `<td class="who" rowspan="${rows.length}"><span class="mono">${h(p.principal, 200)}</span>` +
      `<span class="sub">${h(p.kind, 20)}${p.inScope ? ' · in scope' : ''}${sev ? ` <span class="pill sev-${sev}">${sev}</span>` : ''}</span>` +
      (p.findingIds.length ? `<span class="sub">${refs.list(p.findingIds, 6)}</span>` : '') +
      '</td>';
    rows.forEach((r, i) => {
      const st = r.stats;
      const cls = r.split === 'actor' ? ' class="actor"' : r.split === 'other' ? ' class="other"' : '';
      const models = capList(st.models, 4);
      const addr = [
        countedList(st.sourceIps, 5, 80),
        st.clientIps.length
          ? `<span class="sub">end-user clients</span>${countedList(st.clientIps, 5, 80)}`
          : '',
        st.accessKeyIds.length ? `<span class="sub">keys</span>${countedList(st.accessKeyIds, 3, 60)}` : '',
      ].filter(Boolean);
      o.push(
        `<tr${cls}>${i === 0 ? who : ''}` +
          `<td>${r.split === 'actor' ? `<span class="pill actor">${h(r.label)}</span>` : h(r.label)}${r.note ? `<span class="sub">${h(r.note)}</span>` : ''}</td>` +
          `<td>${fmtInt(st.records.cloudtrail)} CloudTrail<br>${fmtInt(st.records.invocations)} invocations` +
          `<span class="when2">${h(seen(st.firstSeen, st.lastSeen, fmtTime), 80).replace(' → ', '<br>→ ')}</span></td>` +
          `<td>${st.apis.length ? `${countedList(st.apis, 6, 100)}<span class="sub">${fmtInt(st.distinctApis)} distinct</span>` : dash}</td>` +
          `<td>${st.errors.total ? `<b>${fmtInt(st.errors.total)}</b>${countedList(st.errors.byCode, 3, 80)}` : '0'}</td>` +
          `<td>${models.shown.length ? `<ul class="rel">${models.shown.map((x) => `<li>${h(x.modelId, 100)} ×${fmtInt(x.calls)}</li>`).join('')}${models.more ? `<li class="muted">and ${models.more} more</li>` : ''}</ul>` : dash}` +
          `${st.guardrailInterventions ? `<span class="sub">${fmtInt(st.guardrailInterventions)} guardrail intervention(s)</span>` : ''}</td>` +
          `<td class="num">${st.tokens.input || st.tokens.output ? `${fmtInt(st.tokens.input)}<span class="sub">${fmtInt(st.tokens.output)}</span>` : dash}</td>` +
          `<td class="num">${st.costUsd > 0 || st.models.length ? h(fmtUsd(st.costUsd)) : dash}${st.unpricedModels.length ? `<span class="sub">not priced: ${textList(st.unpricedModels, 3, 80)}</span>` : ''}</td>` +
          `<td>${addr.length ? addr.join('') : dash}</td></tr>`,
      );
    });
  }
  o.push('</tbody></table></div>');
  if (more) o.push(`<p class="muted">and ${more} more principal(s) in the JSON report.</p>`);
  o.push('</section>');
  return o.join('\n');
}

const TAG_TYPES = new Set([
  'principal',
  'user',
  'role',
  'access-key',
  'ip',
  'resource',
  'model',
  'guardrail',
  'knowledge-base',
  'agent',
  'function',
  'finding',
]);

/** An entity type tag; the class comes from a fixed list, never from evidence. */
function tagHtml(type: string): string {
  const cls = TAG_TYPES.has(type) ? ` t-${type}` : '';
  return `<span class="tag${cls}">${h(type, 30)}</span>`;
}

function graphHtml(g: EntityGraph, findingNo: (id: string) => number | undefined): string {
  const { groups, byType, moreNodes, moreEdges } = graphGroups(g);
  const o: string[] = [`<section id="graph"><h2>Entity graph</h2>`];
  o.push(
    '<p class="muted small">Principals, keys, addresses, what the actor touched and the findings that name them. ' +
      'The Markdown report draws it as a Mermaid diagram.</p>',
  );
  const entity = (n: GraphGroup['node']) => {
    const fid = n.type === 'finding' ? n.id.replace(/^finding:/, '') : '';
    const no = fid ? findingNo(fid) : undefined;
    return `${no ? `<a href="#f-${no}">F${no}</a> ` : ''}<span class="mono">${h(n.label, 200)}</span>`;
  };
  o.push('<dl class="types">');
  for (const t of byType) {
    if (t.type === 'finding') continue;
    const { shown, more } = capList(t.nodes, 20);
    o.push(
      `<dt>${tagHtml(t.type)} ${t.nodes.length}</dt><dd class="ids">${shown.map((n) => `<span>${h(n.label, 160)}</span>`).join('')}` +
        `${more ? ` <span class="muted small">and ${more} more</span>` : ''}</dd>`,
    );
  }
  o.push('</dl>');
  const table = (gs: GraphGroup[]) =>
    '<div class="tw"><table><thead><tr><th>Entity</th><th>Relations</th></tr></thead><tbody>' +
    gs
      .map((grp) => {
        const { shown, more } = capList(grp.out, 25);
        return (
          `<tr><td>${tagHtml(grp.node.type)}${entity(grp.node)}</td><td><ul class="rel">` +
          shown
            .map(
              (e) =>
                `<li><span class="lbl">${h(e.label || 'related to', 80)} →</span> ${tagHtml(e.to.type)}${entity(e.to)}</li>`,
            )
            .join('') +
          (more ? `<li class="muted small">and ${more} more</li>` : '') +
          '</ul></td></tr>'
        );
      })
      .join('') +
    '</tbody></table></div>';
  const main = groups.filter((x) => x.node.type !== 'finding');
  const fnd = groups.filter((x) => x.node.type === 'finding');
  if (main.length) o.push(table(main));
  if (fnd.length)
    o.push(
      `<details class="sub"><summary>Findings and the entities they name (${fnd.length})</summary>${table(fnd)}</details>`,
    );
  if (!main.length && !fnd.length) o.push('<p class="muted">No relations.</p>');
  if (moreNodes || moreEdges)
    o.push(
      `<p class="muted">${fmtInt(moreNodes)} more entit${moreNodes === 1 ? 'y' : 'ies'} and ${fmtInt(moreEdges)} more relation(s) are not shown.</p>`,
    );
  o.push('</section>');
  return o.join('\n');
}
