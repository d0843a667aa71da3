/**
 * Amazon Bedrock knowledge-base `APPLICATION_LOGS` (vended logs, delivered to CloudWatch Logs, S3
 * or Firehose): `{event_timestamp (ms), event_version, event_type, level, event{...}}`, e.g.
 * `StartIngestionJob.StatusChanged` (job status, resource statistics) and
 * `StartIngestionJob.ResourceStatusChanged` (one document: `document_location`, `status`,
 * `status_reasons`). Other event types are read with the same fields where they have them.
 */
import type { KbEvent } from '../model/types.js';
import { type NormalizeContext, RecordError, type Row, type SourceReader } from './types.js';
import { get, isObj, isoTime, type Obj, str, strings } from './util.js';

export function isKbLogEvent(v: unknown): v is Obj {
  return (
    isObj(v) &&
    typeof v.event_type === 'string' &&
    isObj(v.event) &&
    (v.event_timestamp !== undefined || v.event_version !== undefined)
  );
}

/** `arn:aws:bedrock:<region>:<acct>:knowledge-base/<id>` → id */
export function kbIdFromArn(arn: string | null): string | null {
  if (!arn) return null;
  const m = /:knowledge-base\/([^/]+)$/.exec(arn);
  return m ? m[1] : null;
}

function documentUri(loc: unknown): string | null {
  if (!isObj(loc)) return str(loc);
  return (
    str(get(loc, 's3_location', 'uri')) ??
    str(get(loc, 's3Location', 'uri')) ??
    str(get(loc, 'web_location', 'url')) ??
    str(get(loc, 'confluence_location', 'url')) ??
    str(get(loc, 'sharepoint_location', 'url')) ??
    str(get(loc, 'salesforce_location', 'url')) ??
    str(get(loc, 'custom_document_location', 'id')) ??
    str(loc.uri) ??
    str(loc.url)
  );
}

export function normalizeKbLog(rec: unknown, ctx: NormalizeContext): Row {
  if (!isKbLogEvent(rec)) throw new RecordError('not a knowledge-base log event');
  const time = isoTime(rec.event_timestamp) ?? isoTime(rec.timestamp);
  if (!time)
    throw new RecordError(
      `unreadable event_timestamp ${JSON.stringify(String(rec.event_timestamp ?? 'missing').slice(0, 40))}`,
    );
  const ev = rec.event as Obj;
  const arn = str(ev.knowledge_base_arn) ?? str(ev.knowledgeBaseArn);
  const reasons = ev.status_reasons ?? ev.statusReasons ?? ev.failure_reasons;
  const row: Omit<KbEvent, 'fileId' | 'idx' | 'raw'> = {
    uid: '',
    time,
    knowledgeBaseId: str(ev.knowledge_base_id) ?? kbIdFromArn(arn),
    knowledgeBaseArn: arn,
    dataSourceId: str(ev.data_source_id) ?? str(ev.dataSourceId),
    ingestionJobId: str(ev.ingestion_job_id) ?? str(ev.ingestionJobId),
    eventType: str(rec.event_type),
    level: str(rec.level),
    status: str(ev.status) ?? str(ev.ingestion_job_status),
    documentUri: documentUri(ev.document_location ?? ev.documentLocation),
    statusReasons: typeof reasons === 'string' ? [reasons] : strings(reasons),
  };
  void ctx;
  return row as unknown as Row;
}

export const kbLog: SourceReader = {
  format: 'kb-log',
  table: 'kb_events',
  recognize(v) {
    if (Array.isArray(v)) return v.length > 0 && isKbLogEvent(v[0]);
    return isKbLogEvent(v);
  },
  unwrap(v) {
    return Array.isArray(v) ? v : [v];
  },
  normalize: normalizeKbLog,
};
