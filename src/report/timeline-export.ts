/**
 * Timeline exports for Timesketch: CSV and JSON lines with the required columns `message`,
 * `datetime` (ISO 8601), `timestamp_desc` and `timestamp` (microseconds since the epoch), plus
 * genai-ir columns. Entries whose time does not parse are skipped (Timesketch would reject them).
 */
import type { TimelineEntry } from '../model/types.js';
import { csv } from './escape.js';

export const TIMELINE_COLUMNS = [
  'message',
  'datetime',
  'timestamp_desc',
  'timestamp',
  'source',
  'elements',
  'actor',
  'declared',
  'finding_ids',
  'event_ids',
  'request_ids',
  'trace_ids',
  'external_finding_ids',
  'records',
] as const;

export interface TimesketchRow {
  message: string;
  datetime: string;
  timestamp_desc: string;
  timestamp: number;
  source: string;
  elements: string[];
  actor: boolean;
  declared: string;
  finding_ids: string[];
  event_ids: string[];
  request_ids: string[];
  trace_ids: string[];
  external_finding_ids: string[];
  records: string[];
}

const TIMESTAMP_DESC: Record<string, string> = {
  cloudtrail: 'CloudTrail Event Time',
  'bedrock-invocation': 'Model Invocation Time',
  invocation: 'Model Invocation Time',
  finding: 'Finding First Seen',
  'agent-trace': 'Agent Trace Time',
  'kb-log': 'Knowledge Base Log Time',
  guardduty: 'Finding Time',
  securityhub: 'Finding Time',
  config: 'Configuration Capture Time',
};

const strs = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

export function timesketchRows(entries: readonly TimelineEntry[]): TimesketchRow[] {
  const rows: TimesketchRow[] = [];
  for (const e of entries) {
    const ms = Date.parse(e.time);
    if (Number.isNaN(ms)) continue;
    // microseconds: keep sub-millisecond digits when the ISO time has them
    const frac = /\.(\d{4,6})/.exec(e.time)?.[1];
    const micro = frac ? Math.floor(ms / 1000) * 1_000_000 + Number(frac.padEnd(6, '0')) : ms * 1000;
    const source = typeof e.source === 'string' ? e.source : '';
    rows.push({
      message: typeof e.summary === 'string' ? e.summary : '',
      datetime: new Date(ms).toISOString(),
      timestamp_desc: TIMESTAMP_DESC[source] ?? 'Event Time',
      timestamp: micro,
      source,
      elements: strs(e.elements),
      actor: e.actor === true,
      declared: typeof e.declared === 'string' ? e.declared : '',
      finding_ids: strs(e.findingIds),
      event_ids: strs(e.evidence?.eventIds),
      request_ids: strs(e.evidence?.requestIds),
      trace_ids: strs(e.evidence?.traceIds),
      external_finding_ids: strs(e.evidence?.findingIds),
      records: strs(e.evidence?.records),
    });
  }
  return rows;
}

/** Timesketch CSV (RFC 4180, CRLF). List columns are joined with `;`. Formula-injection guarded. */
export function timelineCsv(entries: readonly TimelineEntry[]): string {
  const rows = timesketchRows(entries).map((r) =>
    TIMELINE_COLUMNS.map((c) => {
      const v = r[c];
      return Array.isArray(v) ? v.join(';') : typeof v === 'boolean' ? String(v) : v;
    }),
  );
  return csv(TIMELINE_COLUMNS, rows);
}

/** Timesketch JSON lines: one object per entry, lists kept as arrays; trailing newline. */
export function timelineJsonl(entries: readonly TimelineEntry[]): string {
  const rows = timesketchRows(entries);
  return rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
}
