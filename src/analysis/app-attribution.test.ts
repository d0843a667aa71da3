/**
 * An application acting on an outsider's input: its workload egress and session keys are not the
 * actor's, prompt-attack findings on its principal are told apart by end user, a long-term key's
 * owner keeps its calls from its usual origin, and a function setting up its own logs changes
 * nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../engine/ingest.js';
import type { Finding } from '../model/types.js';
import { CaseStore } from '../store/case-store.js';
import type { RuntimeCall } from './baselines.js';
import { mainEndUser, sameEndUsers } from './external-findings.js';
import { leaveOwnersCalls } from './invocation.js';
import { computeScope, executionEnvironmentLog } from './scope.js';

const ACCT = '111122223333';
const NAT = '198.51.100.9';
const ROLE = `arn:aws:iam::${ACCT}:role/chat-api-role`;
const at = (m: number): string =>
  new Date(Date.parse('2025-07-15T00:00:00Z') + m * 60_000).toISOString().replace('.000Z', 'Z');

let seq = 0;
function rec(over: Record<string, unknown>): Record<string, unknown> {
  seq++;
  return {
    eventVersion: '1.09',
    awsRegion: 'us-east-1',
    requestID: `req-${seq}`,
    eventID: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    eventType: 'AwsApiCall',
    recipientAccountId: ACCT,
    readOnly: false,
    ...over,
  };
}
const issue = (m: number, key: string) =>
  rec({
    eventTime: at(m),
    userIdentity: { type: 'AWSService', invokedBy: 'lambda.amazonaws.com' },
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    sourceIPAddress: 'lambda.amazonaws.com',
    userAgent: 'lambda.amazonaws.com',
    requestParameters: { roleArn: ROLE, roleSessionName: 'chat-api' },
    responseElements: { credentials: { accessKeyId: key, sessionToken: 'x', expiration: 'x' } },
    managementEvent: true,
  });
const use = (m: number, key: string, ip = NAT) =>
  rec({
    eventTime: at(m),
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROACHAT:chat-api',
      arn: `arn:aws:sts::${ACCT}:assumed-role/chat-api-role/chat-api`,
      accountId: ACCT,
      accessKeyId: key,
      sessionContext: { sessionIssuer: { type: 'Role', arn: ROLE, userName: 'chat-api-role' } },
    },
    eventSource: 'bedrock.amazonaws.com',
    eventName: 'Converse',
    sourceIPAddress: ip,
    userAgent: 'aws-sdk-js/3.663.0',
    requestParameters: { modelId: 'anthropic.claude-3-haiku-20240307-v1:0' },
    managementEvent: false,
    eventCategory: 'Data',
  });

function seed(over: Partial<Finding>): Finding {
  return {
    id: 'gir-seed',
    ruleId: 'guardduty:Impact:IAMUser/PromptInjection.Direct',
    title: 'Prompt injection attempts were blocked',
    severity: 'high',
    elements: ['invocation'],
    firstSeen: `${at(130).replace('Z', '.000Z')}`,
    lastSeen: `${at(140).replace('Z', '.000Z')}`,
    evidence: {},
    ...over,
  } as Finding;
}

describe("an application's workload egress", () => {
  it('is not the actor address to pivot on, nor are the session keys the service issued there', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'genai-ir-app-'));
    const store = await CaseStore.open(':memory:');
    try {
      const records = [
        issue(0, 'ASIACHATKEY000000001'),
        use(2, 'ASIACHATKEY000000001'),
        use(40, 'ASIACHATKEY000000001'),
        issue(60, 'ASIACHATKEY000000002'),
        use(62, 'ASIACHATKEY000000002'),
        issue(120, 'ASIACHATKEY000000003'),
        use(131, 'ASIACHATKEY000000003'),
        use(135, 'ASIACHATKEY000000003'),
      ];
      writeFileSync(path.join(dir, 'trail.json'), JSON.stringify({ Records: records }));
      await ingest(store, [dir]);
      const sc = await computeScope(store, [
        seed({ sourceIps: [NAT], accessKeyIds: ['ASIACHATKEY000000003'], principals: [ROLE] }),
      ]);
      expect(sc.scope.sourceIps).toEqual([]);
      expect(sc.scope.accessKeyIds).not.toContain('ASIACHATKEY000000001');
      expect(sc.actor.eventIds).toEqual([]);
      expect(sc.notes.some((n) => n.includes(`address ${NAT} is established`))).toBe(true);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('prompt-attack findings on an application principal', () => {
  it('are corroborated only by findings about the same end users', () => {
    const office = new Set(['203.0.113.18']);
    expect(sameEndUsers(office, ['175.0.113.84'])).toBe(false);
    expect(sameEndUsers(office, ['203.0.113.18'])).toBe(true);
    expect(sameEndUsers(new Set(), ['175.0.113.84'])).toBe(true);
    expect(sameEndUsers(office, [])).toBe(true);
  });

  it('are matched to a planned test by the end user behind most blocked prompts', () => {
    const i = (clientIp: string | null) => ({ requestId: `r-${Math.random()}`, clientIp });
    const qa = '203.0.113.18';
    expect(mainEndUser([i(qa), i(qa), i(qa), i('175.0.113.5')])).toBe(qa);
    expect(mainEndUser([i(qa), i('175.0.113.5'), i('175.0.113.6'), i('175.0.113.7')])).toBeNull();
    expect(mainEndUser([i(null), i(null)])).toBeNull();
  });
});

describe("a long-term key's owner", () => {
  it('keeps its calls from the usual origin out of the abusive window', () => {
    const call = (ip: string, ua: string, n: number): RuntimeCall =>
      ({
        requestId: `r${n}`,
        eventId: `e${n}`,
        accessKeyId: 'AKIAPLUGIN',
        sourceIp: ip,
        userAgent: ua,
      }) as RuntimeCall;
    const a = {
      window: [
        call('198.51.100.20', 'Boto3/1.35.33 md/x', 1),
        call('203.0.113.77', 'aws-cli/2.24.3 md/x', 2),
        call('198.51.100.20', 'Boto3/1.35.33 md/x', 3),
      ],
      newIps: ['203.0.113.77'],
      details: {} as Record<string, unknown>,
    };
    leaveOwnersCalls(
      a,
      new Map([['AKIAPLUGIN', { net: '198.51.100.0/24', clients: ['Boto3/1.35.33'], otherFrom: 'x' }]]),
    );
    expect(a.window.map((c) => c.requestId)).toEqual(['r2']);
    expect(a.details.ownerCallsLeft).toBe(2);
  });
});

describe("a function's execution environment", () => {
  it('setting up its own log group is routine service work', () => {
    const r = {
      service: 'logs.amazonaws.com',
      action: 'CreateLogStream',
      principal_arn: `arn:aws:sts::${ACCT}:assumed-role/chat-api-role/chat-api`,
      request_parameters: JSON.stringify({ logGroupName: '/aws/lambda/chat-api', logStreamName: 's' }),
    };
    expect(executionEnvironmentLog(r)).toBe(true);
    expect(
      executionEnvironmentLog({
        ...r,
        request_parameters: JSON.stringify({ logGroupName: '/aws/lambda/other' }),
      }),
    ).toBe(false);
    expect(executionEnvironmentLog({ ...r, action: 'DeleteLogGroup' })).toBe(false);
  });
});
