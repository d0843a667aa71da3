/**
 * Generic envelopes that carry records of any format, opened before a reader is chosen:
 * - CloudWatch Logs subscription messages (`{"messageType":"DATA_MESSAGE","logEvents":[{"message":"..."}]}`),
 * - `aws logs filter-log-events` / `get-log-events` output (`{"events":[{"message":"..."}]}`),
 * - EventBridge events (`{"detail-type":...,"source":...,"detail":{...}}`); Security Hub's
 *   `Findings - Imported` (ASFF) and `Findings Imported V2` (OCSF) events carry `detail.findings[]`.
 * CloudWatch Logs exports to S3 prefix each line with a timestamp; see `stripLinePrefix`.
 */
import { Rejected } from './types.js';
import { isObj, type Obj } from './util.js';

function parseMessage(m: unknown): unknown {
  if (isObj(m)) return m;
  if (typeof m !== 'string') return new Rejected('log event without a message');
  const t = stripLinePrefix(m);
  try {
    return JSON.parse(t);
  } catch {
    return new Rejected('log event message is not JSON');
  }
}

/** Whether a value is an envelope; returns its inner values, or null when it is not one. */
export function openEnvelope(v: unknown): unknown[] | null {
  if (!isObj(v)) return null;
  if (Array.isArray(v.logEvents) && (typeof v.logGroup === 'string' || typeof v.messageType === 'string')) {
    if (v.messageType === 'CONTROL_MESSAGE') return [];
    return v.logEvents.map((e) => parseMessage((e as Obj)?.message));
  }
  if (
    Array.isArray(v.events) &&
    v.events.length > 0 &&
    isObj(v.events[0]) &&
    'message' in (v.events[0] as Obj) &&
    ('timestamp' in (v.events[0] as Obj) || 'ingestionTime' in (v.events[0] as Obj))
  ) {
    return v.events.map((e) => parseMessage((e as Obj)?.message));
  }
  if (typeof v['detail-type'] === 'string' && isObj(v.detail) && typeof v.source === 'string') {
    const d = v.detail as Obj;
    if (Array.isArray(d.findings)) return d.findings;
    return [d];
  }
  return null;
}

/** A CloudWatch Logs export line `2025-03-11T00:01:59.000Z {...}`: the JSON after the timestamp. */
export function stripLinePrefix(line: string): string {
  const c = line.charCodeAt(0);
  if (c === 123 /* { */ || c === 91 /* [ */) return line;
  const m = /^\s*\d{4}-\d{2}-\d{2}T[\d:.]+Z?\s+(?=[{[])/.exec(line.slice(0, 64));
  return m ? line.slice(m[0].length) : line;
}
