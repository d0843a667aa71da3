/**
 * Charts and the actor-record helpers on a small case ingested through `ingest`: hourly activity and
 * tokens over the coverage window (empty hours as zero), the actor's share, bucket sizes for long
 * windows, and the actor's agent sessions.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { minutesAfter, uuidSequence } from '../../test/helpers/fixture-clock.js';
import { makeFinding } from '../engine/detector.js';
import { ingest } from '../engine/ingest.js';
import { CaseStore } from '../store/case-store.js';
import { actorSessions, addActorSessions, bucketSize, computeCharts, loadActorIds } from './charts.js';

const ACCT = '111122223333';
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-ch-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const at = minutesAfter('2025-06-01T00:00:00.000Z');
const uuid = uuidSequence('dddd');

function ct(
  min: number,
  ip: string,
  name = 'GetCallerIdentity',
  req: unknown = null,
): Record<string, unknown> {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAUSER000000000001',
      arn: `arn:aws:iam::${ACCT}:user/u`,
      accountId: ACCT,
      accessKeyId: 'AKIAUSER000000000001',
      userName: 'u',
    },
    eventTime: at(min),
    eventSource: name === 'InvokeAgent' ? 'bedrock.amazonaws.com' : 'sts.amazonaws.com',
    eventName: name,
    awsRegion: 'us-east-1',
    sourceIPAddress: ip,
    userAgent: 'Boto3/1.34.7',
    requestParameters: req,
    responseElements: null,
    requestID: uuid(),
    eventID: uuid(),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCT,
  };
}

function inv(min: number, requestId: string, inTok: number, outTok: number): Record<string, unknown> {
  return {
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: at(min),
    accountId: ACCT,
    identity: { arn: `arn:aws:iam::${ACCT}:user/u` },
    region: 'us-east-1',
    requestId,
    operation: 'Converse',
    modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
    input: {
      inputContentType: 'application/json',
      inputBodyJson: { messages: [{ role: 'user', content: [{ text: 'hi' }] }] },
      inputTokenCount: inTok,
    },
    output: {
      outputContentType: 'application/json',
      outputBodyJson: {
        output: { message: { role: 'assistant', content: [{ text: 'hello' }] } },
        usage: { inputTokens: inTok, outputTokens: outTok },
      },
      outputTokenCount: outTok,
    },
  };
}

const step = (min: number, session: string) => ({
  sessionId: session,
  agentId: 'AGENT00001',
  agentAliasId: 'ALIAS00001',
  agentVersion: '1',
  eventTime: at(min),
  trace: { orchestrationTrace: { rationale: { traceId: `${session}-t`, text: 'thinking' } } },
});

async function build() {
  // hour 0: 2 records of the owner; hour 2: 3 of the actor (one an InvokeAgent), 1 of the owner; hour 3: nothing; hour 4: 1
  const events = [
    ct(5, '198.51.100.10'),
    ct(50, '198.51.100.10'),
    ct(125, '203.0.113.66'),
    ct(130, '203.0.113.66'),
    ct(131, '203.0.113.66', 'InvokeAgent', { agentId: 'AGENT00001', sessionId: 'S-ACTOR', inputText: 'x' }),
    ct(140, '198.51.100.10'),
    ct(250, '198.51.100.10'),
  ];
  const actorIds = events.slice(2, 5).map((e) => String(e.eventID));
  const reqA = uuid();
  const invs = [inv(10, uuid(), 100, 20), inv(126, reqA, 1000, 300), inv(127, uuid(), 50, 10)];
  const steps = [step(132, 'S-ACTOR'), step(133, 'S-ACTOR'), step(140, 'S-OTHER')];
  const dir = path.join(tmp, 'case');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'trail.json'), JSON.stringify({ Records: events }));
  writeFileSync(path.join(dir, 'invocations.jsonl'), `${invs.map((x) => JSON.stringify(x)).join('\n')}\n`);
  writeFileSync(
    path.join(dir, 'AGENT00001-2025-06-01.jsonl'),
    `${steps.map((x) => JSON.stringify(x)).join('\n')}\n`,
  );
  const store = await CaseStore.open(':memory:');
  const r = await ingest(store, [dir]);
  expect(r.totals.rejected).toBe(0);
  await loadActorIds(store, { eventIds: actorIds, requestIds: [reqA], traceIds: [] });
  return store;
}

describe('charts', () => {
  it('counts records and tokens per hour over the window, the actor’s apart', async () => {
    const store = await build();
    try {
      const sessions = await actorSessions(store, [
        makeFinding({
          ruleId: 'x',
          title: 'x',
          severity: 'high',
          elements: ['agency'],
          times: [at(132)],
          evidence: {},
          details: { sessionId: 'S-FINDING' },
        }),
        makeFinding({
          ruleId: 'y',
          title: 'y',
          severity: 'low',
          elements: ['agency'],
          times: [at(140)],
          evidence: {},
          details: { sessionId: 'S-OTHER' },
        }),
      ]);
      expect(sessions).toEqual(['S-ACTOR', 'S-FINDING']);
      await addActorSessions(store, sessions);
      const c = (await computeCharts(store, { start: at(5), end: at(250) }))!;
      expect(c.bucketMinutes).toBe(60);
      expect(c.activity.map((p) => p.t)).toEqual(
        [0, 1, 2, 3, 4].map((h) => at(h * 60).replace('Z', '.000Z')),
      );
      // hour 0: 2 CloudTrail + 1 invocation; hour 2: 4 CloudTrail + 2 invocations + 3 trace parts
      expect(c.activity.map((p) => [p.total, p.actor])).toEqual([
        [3, 0],
        [0, 0],
        [9, 6],
        [0, 0],
        [1, 0],
      ]);
      expect(c.tokens.map((p) => [p.total, p.actor])).toEqual([
        [120, 0],
        [0, 0],
        [1360, 1300],
        [0, 0],
        [0, 0],
      ]);
      expect(JSON.stringify(await computeCharts(store, { start: at(5), end: at(250) }))).toBe(
        JSON.stringify(c),
      );
    } finally {
      await store.close();
    }
  });

  it('takes the window from the records when none is given', async () => {
    const store = await build();
    try {
      const c = (await computeCharts(store, {}))!;
      expect(c.activity[0]!.t).toBe('2025-06-01T00:00:00.000Z');
      expect(c.activity).toHaveLength(5);
      expect(c.activity.reduce((a, p) => a + p.total, 0)).toBe(13);
    } finally {
      await store.close();
    }
  });

  it('uses longer buckets for long windows', () => {
    const h = 3600_000;
    expect(bucketSize(0, 48 * h)).toBe(h);
    expect(bucketSize(0, 335 * h)).toBe(h);
    expect(bucketSize(0, 30 * 24 * h)).toBe(3 * h);
    expect(bucketSize(0, 365 * 24 * h)).toBe(168 * h);
  });
});
