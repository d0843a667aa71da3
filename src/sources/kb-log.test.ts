import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ingest } from '../engine/ingest.js';
import { DEFAULT_LIMITS } from '../io/limits.js';
import type { KbEvent } from '../model/types.js';
import { CaseStore } from '../store/case-store.js';
import { agentTrace } from './agent-trace.js';
import { bedrockInvocation } from './bedrock-invocation.js';
import { isKbLogEvent, kbIdFromArn, kbLog, normalizeKbLog } from './kb-log.js';
import type { NormalizeContext } from './types.js';

const FIX = path.resolve(import.meta.dirname, '../../test/fixtures/sources/kb');
const ctx: NormalizeContext = {
  fileId: 'test',
  path: 'application-logs.jsonl',
  idx: 0,
  limits: DEFAULT_LIMITS,
  note: () => {},
  loadReferenced: (uri) => ({ missing: uri }),
};
const events = readFileSync(path.join(FIX, 'application-logs.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l));
const rows = events.map((e) => normalizeKbLog(e, ctx) as unknown as KbEvent);

describe('knowledge-base application logs', () => {
  it('are recognised only as KB events', () => {
    for (const e of events) {
      expect(kbLog.recognize(e)).toBe(true);
      expect(bedrockInvocation.recognize(e)).toBe(false);
      expect(agentTrace.recognize(e)).toBe(false);
    }
    expect(isKbLogEvent({ event_type: 'x' })).toBe(false);
    expect(kbLog.recognize(events)).toBe(true);
  });

  it('job status events', () => {
    expect(rows[0]).toMatchObject({
      uid: '',
      time: '2025-05-20T10:00:00.123Z',
      knowledgeBaseId: 'KB12345678',
      knowledgeBaseArn: 'arn:aws:bedrock:us-east-1:111122223333:knowledge-base/KB12345678',
      dataSourceId: 'DS00000001',
      ingestionJobId: 'JOB0000001',
      eventType: 'StartIngestionJob.StatusChanged',
      level: 'INFO',
      status: 'INGESTION_JOB_STARTED',
      documentUri: null,
      statusReasons: [],
    });
    expect(rows[6].status).toBe('COMPLETE');
  });

  it('per-document events with location, status and reasons', () => {
    expect(rows[1]).toMatchObject({
      eventType: 'StartIngestionJob.ResourceStatusChanged',
      status: 'EMBEDDING_COMPLETED',
      documentUri: 's3://kb-docs/policies/refunds.md',
    });
    expect(rows[3].statusReasons).toEqual([
      'Resource was ignored by Bedrock Knowledge Base as its content was not modified since the last sync.',
    ]);
    expect(rows[4]).toMatchObject({
      level: 'ERROR',
      status: 'FAILED',
      statusReasons: ['Unsupported file type.'],
    });
    expect(rows[5]).toMatchObject({ status: 'DELETION_COMPLETED', documentUri: 's3://kb-docs/old/promo.md' });
  });

  it('knowledge-base id from the ARN', () => {
    expect(kbIdFromArn('arn:aws:bedrock:eu-west-1:111122223333:knowledge-base/ABCDEFGHIJ')).toBe(
      'ABCDEFGHIJ',
    );
    expect(kbIdFromArn('arn:aws:bedrock:eu-west-1:111122223333:agent/ABCDEFGHIJ')).toBeNull();
    expect(kbIdFromArn(null)).toBeNull();
  });

  it('rejects an event without a readable time', () => {
    expect(() => normalizeKbLog({ ...events[0], event_timestamp: 'soon' }, ctx)).toThrow(/event_timestamp/);
  });
});

describe('through ingest', () => {
  let store: CaseStore | null = null;
  afterEach(async () => {
    await store?.close();
    store = null;
  });

  it('JSON lines and a CloudWatch Logs export with timestamp prefixes', async () => {
    store = await CaseStore.open(':memory:');
    const res = await ingest(store, [FIX]);
    expect(res.totals).toMatchObject({ records: events.length + 2, rejected: 0 });
    // the export repeats two events already read: same content, so duplicates
    expect(res.totals.stored).toBe(events.length);
    expect(res.totals.duplicates).toBe(2);
    const [r] = await store.all(
      "SELECT count(*) AS n FROM kb_events WHERE knowledge_base_id = 'KB12345678' AND time IS NOT NULL",
    );
    expect(Number(r.n)).toBe(events.length);
  });
});
