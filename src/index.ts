/**
 * genai-ir library facade: everything the CLI (and the web UI) use comes through here.
 */

export type { Seed } from './analysis/scope.js';
export { formatJsonl, formatTable } from './cli/format.js';
export { runDetectors } from './engine/detect.js';
export type { DetectContext, Detector } from './engine/detector.js';
export { makeFinding } from './engine/detector.js';
export { type IngestOptions, type IngestProgress, type IngestResult, ingest } from './engine/ingest.js';
export { analyseCase, DEFAULT_DETECTORS, type InvestigateOptions, investigate } from './investigate.js';
export { fileExists, makeTempDir, openInput, removeDir, writeOutput } from './io/files.js';
export { DEFAULT_LIMITS, type Limits } from './io/limits.js';
export * from './model/types.js';
export { toAsff } from './report/asff.js';
export { renderHtml } from './report/html.js';
export { iocsCsv } from './report/iocs.js';
export { renderJson } from './report/json.js';
export { renderMarkdown } from './report/markdown.js';
export { toOcsf } from './report/ocsf.js';
export { toStix } from './report/stix.js';
export { timelineCsv, timelineJsonl } from './report/timeline-export.js';
export {
  type LintIssue,
  lintRules,
  loadSigmaRules,
  runSigmaRules,
  type SigmaHit,
  type SigmaRunResult,
} from './rules/sigma/index.js';
export { CaseStore, DEFAULT_MEMORY_LIMIT, type Queryable } from './store/case-store.js';
export { analyzePrompt, analyzeResponse, findSensitive, mask, scanPromptsJsonl } from './text/index.js';
export { VERSION } from './version.js';

import type { Report } from './model/types.js';
import { toAsff } from './report/asff.js';
import { renderHtml } from './report/html.js';
import { iocsCsv } from './report/iocs.js';
import { renderJson } from './report/json.js';
import { renderMarkdown } from './report/markdown.js';
import { toOcsf } from './report/ocsf.js';
import { toStix } from './report/stix.js';

export const REPORT_FORMATS = ['md', 'json', 'html', 'ocsf', 'asff', 'stix', 'iocs-csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** A report in one of the output formats. */
export function renderReport(report: Report, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'html':
      return renderHtml(report);
    case 'ocsf':
      return `${JSON.stringify(toOcsf(report), null, 2)}\n`;
    case 'asff':
      return `${JSON.stringify(toAsff(report), null, 2)}\n`;
    case 'stix':
      return `${JSON.stringify(toStix(report), null, 2)}\n`;
    case 'iocs-csv':
      return iocsCsv(report);
    default:
      return renderMarkdown(report);
  }
}
