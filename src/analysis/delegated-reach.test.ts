/**
 * Delegated reach: roles the actor created act for it in every later session (a service acting as
 * the role on a schedule), the service-started executions of its state machines are its own, and the
 * buckets its roles' policies and its schedules' inputs name are in scope; a workflow someone else
 * created the same way (a pipeline's) stays out.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../engine/ingest.js';
import { CaseStore } from '../store/case-store.js';
import { classifyApi } from './api-elements.js';
import { inputBuckets, policyBuckets } from './delegated-reach.js';
import { resourcesOfEvent } from './resources.js';
import { computeScope } from './scope.js';

const ACCT = '111122223333';
const VPS = '203.0.113.50';
const SM = `arn:aws:states:eu-north-1:${ACCT}:stateMachine:enrich`;
const OTHER_SM = `arn:aws:states:eu-north-1:${ACCT}:stateMachine:digest`;
let n = 0;

function rec(
  time: string,
  who: { arn: string; key: string; ip: string; invokedBy?: string },
  source: string,
  name: string,
  rp: unknown,
  re: unknown = null,
): Record<string, unknown> {
  n++;
  const sessionRole = /assumed-role\/([^/]+)\//.exec(who.arn)?.[1];
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLE:${n}`,
      arn: who.arn,
      accountId: ACCT,
      accessKeyId: who.key,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          arn: `arn:aws:iam::${ACCT}:role/${sessionRole}`,
          accountId: ACCT,
          userName: sessionRole,
        },
      },
      ...(who.invokedBy ? { invokedBy: who.invokedBy } : {}),
    },
    eventTime: time,
    eventSource: source,
    eventName: name,
    awsRegion: 'eu-north-1',
    sourceIPAddress: who.ip,
    userAgent: who.invokedBy ?? 'aws-cli/2.17.0',
    requestParameters: rp,
    responseElements: re,
    requestID: `req-${n}`,
    eventID: `evt-${String(n).padStart(3, '0')}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCT,
  };
}

const actor = {
  arn: `arn:aws:sts::${ACCT}:assumed-role/AdminRole/alice`,
  key: 'ASIAACTOR00000000001',
  ip: VPS,
};
const ci = {
  arn: `arn:aws:sts::${ACCT}:assumed-role/ci-deploy/run-1`,
  key: 'ASIACI00000000000001',
  ip: '198.51.100.7',
};
const sched = (k: string) => ({
  arn: `arn:aws:sts::${ACCT}:assumed-role/enrich-scheduler/${k}`,
  key: `ASIASCHED${k.padEnd(11, '0')}`,
  ip: 'scheduler.amazonaws.com',
  invokedBy: 'scheduler.amazonaws.com',
});
const sfn = {
  arn: `arn:aws:sts::${ACCT}:assumed-role/enrich-sfn/x1`,
  key: 'ASIASFN0000000000001',
  ip: 'states.amazonaws.com',
  invokedBy: 'states.amazonaws.com',
};
const digestSfn = {
  arn: `arn:aws:sts::${ACCT}:assumed-role/digest-sfn/y1`,
  key: 'ASIADIGEST0000000001',
  ip: 'states.amazonaws.com',
  invokedBy: 'states.amazonaws.com',
};

function createRole(t: string, who: typeof actor, name: string, service: string) {
  return rec(
    t,
    who,
    'iam.amazonaws.com',
    'CreateRole',
    {
      roleName: name,
      assumeRolePolicyDocument: JSON.stringify({
        Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
      }),
    },
    { role: { roleName: name, arn: `arn:aws:iam::${ACCT}:role/${name}` } },
  );
}

function invocationLog(time: string, arn: string, requestId: string): string {
  return JSON.stringify({
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: time,
    accountId: ACCT,
    identity: { arn },
    region: 'eu-north-1',
    requestId,
    operation: 'InvokeModel',
    modelId: 'eu.anthropic.claude-sonnet-4-20250514-v1:0',
    input: { inputContentType: 'application/json', inputTokenCount: 10, inputBodyJson: { messages: [] } },
    output: { outputContentType: 'application/json', outputTokenCount: 10, outputBodyJson: {} },
  });
}

describe('delegated reach', () => {
  it('reads buckets from role policies and schedule inputs', () => {
    expect(
      policyBuckets(
        JSON.stringify({
          Statement: [
            {
              Effect: 'Allow',
              Action: 's3:GetObject',
              Resource: ['arn:aws:s3:::outside-inbox/*', 'arn:aws:s3:::*'],
            },
            { Effect: 'Deny', Action: 's3:*', Resource: 'arn:aws:s3:::denied-bucket' },
            {
              Effect: 'Allow',
              Action: 'bedrock:InvokeModel',
              Resource: 'arn:aws:bedrock:*::foundation-model/*',
            },
          ],
        }),
      ),
    ).toEqual(['outside-inbox']);
    expect(inputBuckets('{"inbox":"s3://outside-inbox/in/","out":"s3://other-out/x"}')).toEqual([
      'other-out',
      'outside-inbox',
    ]);
    expect(inputBuckets('{"x":"no uri"}')).toEqual([]);
  });

  it('classifies workflows and schedules as infrastructure, and names them by ARN', () => {
    expect(classifyApi('states.amazonaws.com', 'CreateStateMachine')).toMatchObject({
      element: 'infrastructure-changes',
      change: true,
    });
    expect(classifyApi('states.amazonaws.com', 'StartExecution')).toMatchObject({ change: false });
    expect(classifyApi('scheduler.amazonaws.com', 'CreateSchedule')).toMatchObject({
      element: 'infrastructure-changes',
      change: true,
    });
    expect(classifyApi('events.amazonaws.com', 'PutTargets')).toMatchObject({ change: true });
    expect(classifyApi('events.amazonaws.com', 'PutEvents')).toMatchObject({ change: false });
    expect(
      resourcesOfEvent({
        service: 'scheduler.amazonaws.com',
        request_parameters: JSON.stringify({ name: 'enrich', groupName: 'default' }),
        response_elements: JSON.stringify({
          scheduleArn: `arn:aws:scheduler:eu-north-1:${ACCT}:schedule/default/enrich`,
        }),
      }),
    ).toEqual([`arn:aws:scheduler:eu-north-1:${ACCT}:schedule/default/enrich`]);
  });

  it("carries the actor's created roles, their service sessions and its scheduled executions", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'genai-ir-delegated-'));
    const store = await CaseStore.open(':memory:');
    try {
      n = 0;
      const policy = JSON.stringify({
        Statement: [
          {
            Effect: 'Allow',
            Action: 'bedrock:InvokeModel',
            Resource: 'arn:aws:bedrock:*::foundation-model/*',
          },
          { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::outside-inbox/*' },
        ],
      });
      const records = [
        // a pipeline builds its own workflow the same way: not the actor's
        createRole('2025-11-04T09:00:00Z', ci, 'digest-sfn', 'states.amazonaws.com'),
        rec(
          '2025-11-04T09:01:00Z',
          ci,
          'states.amazonaws.com',
          'CreateStateMachine',
          {
            name: 'digest',
            roleArn: `arn:aws:iam::${ACCT}:role/digest-sfn`,
          },
          { stateMachineArn: OTHER_SM },
        ),
        createRole('2025-11-04T21:38:00Z', actor, 'enrich-sfn', 'states.amazonaws.com'),
        rec('2025-11-04T21:38:10Z', actor, 'iam.amazonaws.com', 'PutRolePolicy', {
          roleName: 'enrich-sfn',
          policyName: 'p',
          policyDocument: policy,
        }),
        createRole('2025-11-04T21:38:50Z', actor, 'enrich-scheduler', 'scheduler.amazonaws.com'),
        rec(
          '2025-11-04T21:39:15Z',
          actor,
          'states.amazonaws.com',
          'CreateStateMachine',
          { name: 'enrich', roleArn: `arn:aws:iam::${ACCT}:role/enrich-sfn`, type: 'EXPRESS' },
          { stateMachineArn: SM },
        ),
        rec(
          '2025-11-04T21:40:47Z',
          actor,
          'scheduler.amazonaws.com',
          'CreateSchedule',
          {
            name: 'enrich',
            groupName: 'default',
            scheduleExpression: 'rate(5 minutes)',
            target: {
              arn: SM,
              roleArn: `arn:aws:iam::${ACCT}:role/enrich-scheduler`,
              input: '{"inbox":"s3://outside-inbox/in/"}',
            },
          },
          { scheduleArn: `arn:aws:scheduler:eu-north-1:${ACCT}:schedule/default/enrich` },
        ),
        // hours later, the actor's session long gone: the schedule and the state machine act
        rec('2025-11-05T03:00:00Z', sched('a1'), 'states.amazonaws.com', 'StartExecution', {
          stateMachineArn: SM,
        }),
        rec('2025-11-05T03:00:02Z', sfn, 'bedrock.amazonaws.com', 'InvokeModel', {
          modelId: 'eu.anthropic.claude-sonnet-4-20250514-v1:0',
        }),
        // a session of the actor's role from a workload's public address: the actor's record, not its address
        rec(
          '2025-11-05T03:05:00Z',
          { ...sfn, key: 'ASIASFN0000000000002', ip: '18.153.20.61', invokedBy: undefined },
          's3.amazonaws.com',
          'GetObject',
          { bucketName: 'own-records', key: 'p/1.json' },
        ),
        // the function's execution environment writing its own log streams: routine, no act
        rec(
          '2025-11-05T03:06:00Z',
          { ...sfn, key: 'ASIASFN0000000000003', ip: '18.153.20.62', invokedBy: undefined },
          'logs.amazonaws.com',
          'CreateLogStream',
          { logGroupName: '/aws/lambda/enrich', logStreamName: '2025/11/05/[$LATEST]abc' },
        ),
        // the pipeline's state machine calls models the same way: not the actor's
        rec('2025-11-05T03:10:00Z', digestSfn, 'bedrock.amazonaws.com', 'InvokeModel', {
          modelId: 'eu.anthropic.claude-3-haiku-20240307-v1:0',
        }),
      ];
      writeFileSync(path.join(dir, 'trail.json'), JSON.stringify({ Records: records }));
      writeFileSync(
        path.join(dir, 'invocations.jsonl'),
        `${[
          invocationLog('2025-11-05T03:00:02Z', sfn.arn, 'inv-actor-1'),
          invocationLog('2025-11-05T03:10:00Z', digestSfn.arn, 'inv-digest-1'),
        ].join('\n')}\n`,
      );
      const res = await ingest(store, [dir]);
      expect(res.totals.rejected).toBe(0);
      const sc = await computeScope(store, [], { seeds: [{ kind: 'ip', value: VPS }] });
      expect(sc.scope.principals).toEqual([
        `arn:aws:iam::${ACCT}:role/AdminRole`,
        `arn:aws:iam::${ACCT}:role/enrich-scheduler`,
        `arn:aws:iam::${ACCT}:role/enrich-sfn`,
      ]);
      // the service sessions' keys are not the actor's to revoke: the roles are
      expect(sc.scope.accessKeyIds).toEqual(['ASIAACTOR00000000001']);
      expect(sc.scope.resources).toEqual([
        'anthropic.claude-sonnet-4-20250514-v1:0',
        `arn:aws:iam::${ACCT}:role/enrich-scheduler`,
        `arn:aws:iam::${ACCT}:role/enrich-sfn`,
        `arn:aws:scheduler:eu-north-1:${ACCT}:schedule/default/enrich`,
        SM,
        'outside-inbox',
      ]);
      expect(sc.actor.eventIds).toEqual([
        'evt-003',
        'evt-004',
        'evt-005',
        'evt-006',
        'evt-007',
        'evt-008',
        'evt-009',
        'evt-010',
      ]);
      expect(sc.scope.sourceIps).toEqual([VPS]);
      expect(sc.actor.requestIds).toEqual(['inv-actor-1']);
      expect(sc.delegated?.requestIds).toEqual(['inv-actor-1']);
      expect(sc.scope.window.end).toBe('2025-11-05T03:05:00.000Z');
      const infra = sc.touched.get('infrastructure-changes');
      expect([...(infra?.changedActions ?? [])].sort()).toEqual([
        'CreateRole',
        'CreateSchedule',
        'CreateStateMachine',
        'PutRolePolicy',
      ]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
