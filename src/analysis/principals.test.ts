/**
 * Per-principal summary on a small case ingested through `ingest`: a user key shared by its owner
 * and the actor (records split), an application role that acted on the actor's input, a principal
 * named only by a finding; and `apiCallOf` on the actor's CloudTrail records.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { minutesAfter, uuidSequence } from '../../test/helpers/fixture-clock.js';
import { makeFinding } from '../engine/detector.js';
import { ingest } from '../engine/ingest.js';
import { CaseStore } from '../store/case-store.js';
import { loadActorIds } from './charts.js';
import { API_CALL_COLUMNS, apiCallOf, summarisePrincipals } from './principals.js';

const ACCT = '111122223333';
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-pr-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const at = minutesAfter('2025-06-01T00:00:00.000Z');
const uuid = uuidSequence('aaaa');

const KEY = 'AKIAOWNER00000000001';
const OFFICE = '198.51.100.10';
const VPS = '203.0.113.66';
const CLI = 'aws-cli/2.22.4 md/awscrt#0.22.1';
const BOTO = 'Boto3/1.34.7 md/Botocore#1.34.7';
const USER = `arn:aws:iam::${ACCT}:user/dev-anna`;
const ROLE = `arn:aws:iam::${ACCT}:role/chat-api-role`;
const OTHER = `arn:aws:iam::${ACCT}:user/ops-bot`;
const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';

function ct(o: {
  min: number;
  user?: string;
  ip: string;
  ua: string;
  source: string;
  name: string;
  model?: string;
  error?: string;
  requestId?: string;
}): Record<string, unknown> {
  const name = o.user ?? 'dev-anna';
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: `AIDA${name
        .toUpperCase()
        .replace(/[^A-Z]/g, '')
        .padEnd(16, 'X')}`,
      arn: `arn:aws:iam::${ACCT}:user/${name}`,
      accountId: ACCT,
      accessKeyId: name === 'dev-anna' ? KEY : 'AKIAOPSBOT0000000001',
      userName: name,
    },
    eventTime: at(o.min),
    eventSource: o.source,
    eventName: o.name,
    awsRegion: 'us-east-1',
    sourceIPAddress: o.ip,
    userAgent: o.ua,
    requestParameters: o.model ? { modelId: o.model } : null,
    responseElements: null,
    requestID: o.requestId ?? uuid(),
    eventID: uuid(),
    readOnly: /^(Get|List)/.test(o.name),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCT,
    ...(o.error ? { errorCode: o.error, errorMessage: 'denied' } : {}),
  };
}

function inv(
  min: number,
  requestId: string,
  who: string,
  inTok: number,
  outTok: number,
  o: { clientIp?: string; intervened?: boolean } = {},
) {
  return {
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: at(min),
    accountId: ACCT,
    identity: { arn: who },
    region: 'us-east-1',
    requestId,
    operation: 'Converse',
    modelId: HAIKU,
    ...(o.clientIp ? { requestMetadata: { clientIp: o.clientIp } } : {}),
    input: {
      inputContentType: 'application/json',
      inputBodyJson: { messages: [{ role: 'user', content: [{ text: 'hello' }] }] },
      inputTokenCount: inTok,
    },
    output: {
      outputContentType: 'application/json',
      outputBodyJson: {
        output: { message: { role: 'assistant', content: [{ text: 'hi' }] } },
        stopReason: o.intervened ? 'guardrail_intervened' : 'end_turn',
        usage: { inputTokens: inTok, outputTokens: outTok },
      },
      outputTokenCount: outTok,
    },
  };
}

async function build() {
  const records: Record<string, unknown>[] = [];
  const actorEv: string[] = [];
  const push = (r: Record<string, unknown>, actor: boolean) => {
    records.push(r);
    if (actor) actorEv.push(String(r.eventID));
  };
  // the owner: 3 calls from the office
  push(ct({ min: 10, ip: OFFICE, ua: CLI, source: 'sts.amazonaws.com', name: 'GetCallerIdentity' }), false);
  push(ct({ min: 20, ip: OFFICE, ua: CLI, source: 's3.amazonaws.com', name: 'ListBuckets' }), false);
  const ownerReq = uuid();
  push(
    ct({
      min: 30,
      ip: OFFICE,
      ua: CLI,
      source: 'bedrock.amazonaws.com',
      name: 'Converse',
      model: HAIKU,
      requestId: ownerReq,
    }),
    false,
  );
  // the actor: 4 calls from a VPS, one denied, one logged model call
  push(ct({ min: 600, ip: VPS, ua: BOTO, source: 'sts.amazonaws.com', name: 'GetCallerIdentity' }), true);
  push(
    ct({
      min: 601,
      ip: VPS,
      ua: BOTO,
      source: 'iam.amazonaws.com',
      name: 'ListUsers',
      error: 'AccessDenied',
    }),
    true,
  );
  const actorReq = uuid();
  push(
    ct({
      min: 602,
      ip: VPS,
      ua: BOTO,
      source: 'bedrock.amazonaws.com',
      name: 'Converse',
      model: HAIKU,
      requestId: actorReq,
    }),
    true,
  );
  push(
    ct({ min: 603, ip: VPS, ua: BOTO, source: 'bedrock.amazonaws.com', name: 'InvokeModel', model: HAIKU }),
    true,
  );
  // someone a finding names, with nothing to do with the actor
  push(
    ct({ min: 700, user: 'ops-bot', ip: OFFICE, ua: CLI, source: 's3.amazonaws.com', name: 'ListBuckets' }),
    false,
  );
  const appActor = uuid();
  const invs = [
    inv(30, ownerReq, USER, 100, 20),
    inv(602, actorReq, USER, 1000, 200),
    inv(500, uuid(), `arn:aws:sts::${ACCT}:assumed-role/chat-api-role/s`, 50, 10, { clientIp: '192.0.2.1' }),
    inv(650, appActor, `arn:aws:sts::${ACCT}:assumed-role/chat-api-role/s`, 400, 100, {
      clientIp: VPS,
      intervened: true,
    }),
  ];
  const dir = path.join(tmp, 'case');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'trail.json'), JSON.stringify({ Records: records }));
  writeFileSync(path.join(dir, 'invocations.jsonl'), `${invs.map((x) => JSON.stringify(x)).join('\n')}\n`);
  const store = await CaseStore.open(':memory:');
  const r = await ingest(store, [dir]);
  expect(r.totals.rejected).toBe(0);
  const actor = { eventIds: actorEv.sort(), requestIds: [actorReq, appActor].sort(), traceIds: [] };
  await loadActorIds(store, actor);
  const scope = {
    principals: [USER, ROLE],
    accessKeyIds: [KEY],
    sourceIps: [VPS],
    resources: [],
    window: { start: at(600), end: at(650) },
  };
  const findings = [
    makeFinding({
      ruleId: 'test.other',
      title: 'ops-bot did something',
      severity: 'medium',
      elements: ['access'],
      times: [at(700)],
      principals: [OTHER],
      evidence: {},
    }),
    makeFinding({
      ruleId: 'test.low',
      title: 'low finding',
      severity: 'low',
      elements: ['access'],
      times: [at(700)],
      principals: [`arn:aws:iam::${ACCT}:user/ignored`],
      evidence: {},
    }),
  ];
  return { store, scope, actor, findings, actorReq };
}

describe('per-principal summary', () => {
  it('summarises principals in scope and named by findings at medium or above, split actor / other', async () => {
    const { store, scope, findings } = await build();
    try {
      const ps = await summarisePrincipals(store, { scope }, findings);
      expect(ps.map((p) => p.principal)).toEqual([ROLE, USER, OTHER]);
      const user = ps.find((p) => p.principal === USER)!;
      expect(user).toMatchObject({ kind: 'user', inScope: true, actorShare: 'some' });
      expect(user.all.records).toEqual({ cloudtrail: 7, invocations: 2 });
      expect(user.all.firstSeen).toBe('2025-06-01T00:10:00.000Z');
      expect(user.all.lastSeen).toBe('2025-06-01T10:03:00.000Z');
      expect(user.actor!.records).toEqual({ cloudtrail: 4, invocations: 1 });
      expect(user.actor!.errors).toEqual({ total: 1, byCode: [{ value: 'AccessDenied', count: 1 }] });
      expect(user.actor!.sourceIps).toEqual([{ value: VPS, count: 4 }]);
      expect(user.actor!.userAgents).toEqual([{ value: BOTO, count: 4 }]);
      expect(user.other!.sourceIps).toEqual([{ value: OFFICE, count: 3 }]);
      expect(user.all.apis[0]).toEqual({ value: 'bedrock:Converse', count: 2 });
      expect(user.all.accessKeyIds).toEqual([{ value: KEY, count: 7 }]);
      // the actor: one logged Converse (1,000 / 200 tokens) and one InvokeModel CloudTrail alone saw
      expect(user.actor!.models).toEqual([
        {
          modelId: HAIKU,
          calls: 2,
          loggedCalls: 1,
          errors: 0,
          inputTokens: 1000,
          outputTokens: 200,
          costUsd: 0.0005,
        },
      ]);
      expect(user.actor!.tokens).toEqual({ input: 1000, output: 200 });
      expect(user.all.models[0]).toMatchObject({
        calls: 3,
        loggedCalls: 2,
        inputTokens: 1100,
        outputTokens: 220,
      });
      const role = ps.find((p) => p.principal === ROLE)!;
      expect(role.actorShare).toBe('some');
      expect(role.actor!.records).toEqual({ cloudtrail: 0, invocations: 1 });
      expect(role.actor!.guardrailInterventions).toBe(1);
      expect(role.actor!.clientIps).toEqual([{ value: VPS, count: 1 }]);
      expect(role.all.clientIps.map((c) => c.value)).toEqual(['192.0.2.1', VPS]);
      const other = ps.find((p) => p.principal === OTHER)!;
      expect(other).toMatchObject({ inScope: false, maxSeverity: 'medium', actorShare: 'none' });
      expect(other.findingIds).toEqual([findings[0]!.id]);
      expect(other.actor).toBeUndefined();
      expect(ps.some((p) => p.principal.endsWith('user/ignored'))).toBe(false);
    } finally {
      await store.close();
    }
  });

  it('prices logged tokens per model', async () => {
    const { store, scope, findings } = await build();
    try {
      const ps = await summarisePrincipals(store, { scope }, findings);
      const user = ps.find((p) => p.principal === USER)!;
      // claude-3-haiku: 0.00025 / 0.00125 per 1k tokens
      expect(user.all.costUsd).toBeCloseTo((1100 * 0.00025 + 220 * 0.00125) / 1000, 4);
      expect(user.all.unpricedModels).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('turns a CloudTrail row into the report’s ApiCall', async () => {
    const { store, actor } = await build();
    try {
      const rows = await store.all(
        `SELECT event_id, strftime(time, '%Y-%m-%dT%H:%M:%S.%gZ') AS t, action, service, source_ip, error_code, region, ${API_CALL_COLUMNS}
         FROM events WHERE event_id IN (${actor.eventIds.map((i) => `'${i}'`).join(',')}) ORDER BY time`,
      );
      const calls = rows.map(apiCallOf);
      expect(calls).toHaveLength(4);
      expect(calls[1]).toMatchObject({
        time: '2025-06-01T10:01:00.000Z',
        operation: 'ListUsers',
        service: 'iam.amazonaws.com',
        region: 'us-east-1',
        account: ACCT,
        principalArn: USER,
        principalType: 'IAMUser',
        userName: 'dev-anna',
        accessKeyId: KEY,
        sourceIp: VPS,
        userAgent: BOTO,
        errorCode: 'AccessDenied',
        errorMessage: 'denied',
        readOnly: true,
      });
      expect(calls[1]!.eventId).toBe(actor.eventIds.find((i) => i === calls[1]!.eventId));
    } finally {
      await store.close();
    }
  });
});
