/**
 * genai-ir report writers: pure functions from a Report object to text or export objects.
 * See docs/reports.md for the optional extra Report fields they read.
 */
export { asffTypes, findingToAsff, toAsff } from './asff.js';
export { csvCell, html as escapeHtmlText, md as escapeMarkdownText, visible } from './escape.js';
export type {
  Account,
  ApiCall,
  BlastAgentAction,
  BlastAgents,
  BlastGuardrail,
  BlastIam,
  BlastKbDocument,
  BlastKnowledgeBases,
  BlastModel,
  BlastModels,
  BlastPrivateData,
  BlastRadiusView,
  ChartPoint,
  Charts,
  Cited,
  Counted,
  EntityGraph,
  Excerpt,
  ExcerptSpan,
  Ioc,
  PrincipalStatsView,
  PrincipalView,
  Recommendation,
  TimelineEntryExt,
} from './extras.js';
export { getBlastRadius, getGraph, getPrincipals, looksMasked } from './extras.js';
export { entityGraphMermaid, mermaidLabel } from './graph.js';
export { type HtmlOptions, htmlCsp, renderHtml } from './html.js';
export { collectIocs, iocsCsv } from './iocs.js';
export { renderJson } from './json.js';
export { type MarkdownOptions, renderMarkdown } from './markdown.js';
export { deriveRecommendations, nextSteps } from './next-steps.js';
export { apiActivityId, OCSF_VERSION, toOcsf } from './ocsf.js';
export { stixPattern, toStix, uuidv5 } from './stix.js';
export {
  TIMELINE_COLUMNS,
  type TimesketchRow,
  timelineCsv,
  timelineJsonl,
  timesketchRows,
} from './timeline-export.js';
