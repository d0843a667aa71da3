/**
 * Changes CloudFormation made on someone's behalf, traced to who started the stack operation: a
 * guardrail weakened by the stack's service role after an ExecuteChangeSet from a hosting address,
 * invocation logging deleted by a custom resource's function, and an ordinary stack update by the
 * pipeline. Small cases built from CloudTrail records as delivered.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { controlPlaneFindings } from '../../test/helpers/control-plane-case.js';
import { stackNameOf } from './delegation.js';

const ACCT = '111122223333';
const REGION = 'eu-west-1';
const DEV_ROLE = `arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/${REGION}/AWSReservedSSO_Developer_0123456789abcdef`;
const DEV_SESSION = `arn:aws:sts::${ACCT}:assumed-role/AWSReservedSSO_Developer_0123456789abcdef/dana@example.com`;
const STACK_ROLE = `arn:aws:iam::${ACCT}:role/platform-stack-exec`;
const HOOK_ROLE = `arn:aws:iam::${ACCT}:role/platform-logging-hook`;
const STACK = 'genai-platform';
const STACK_ARN = `arn:aws:cloudformation:${REGION}:${ACCT}:stack/${STACK}/5c6d7e80-0000-11f0-9000-0a1b2c3d4e5f`;
const HOSTING = '185.220.101.44';
const CLI =
  'aws-cli/2.22.4 md/awscrt#0.23.4 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.6 exec-env/CloudShell';
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-delegation-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let seq = 0;
const id = (): string =>
  `0000${(++seq).toString(16).padStart(4, '0')}-3333-4333-8444-${seq.toString().padStart(12, '0')}`;
const at = (t0: string, minutes: number): string =>
  new Date(Date.parse(t0) + minutes * 60_000).toISOString().replace('.000Z', 'Z');

type Rec = Record<string, unknown>;
const base = (time: string, source: string, name: string, ui: Rec, extra: Rec = {}): Rec => ({
  eventVersion: '1.09',
  userIdentity: ui,
  eventTime: time,
  eventSource: source,
  eventName: name,
  awsRegion: REGION,
  eventID: id(),
  requestID: id(),
  eventType: 'AwsApiCall',
  managementEvent: true,
  recipientAccountId: ACCT,
  readOnly: false,
  ...extra,
});
const developer = (time: string, name: string, req: Rec, resp: Rec | null = null): Rec =>
  base(
    time,
    'cloudformation.amazonaws.com',
    name,
    {
      type: 'AssumedRole',
      arn: DEV_SESSION,
      principalId: 'AROADEVELOPEREXAMPLE:dana@example.com',
      accountId: ACCT,
      accessKeyId: 'ASIADEVSESSIONKEY001',
      sessionContext: {
        sessionIssuer: { type: 'Role', arn: DEV_ROLE, userName: 'AWSReservedSSO_Developer_0123456789abcdef' },
        attributes: { creationDate: at(time, -30), mfaAuthenticated: 'false' },
      },
    },
    { sourceIPAddress: HOSTING, userAgent: CLI, requestParameters: req, responseElements: resp },
  );
/** AssumeRole by a service (CloudFormation passing the stack role, Lambda starting a function). */
const serviceAssume = (time: string, service: string, role: string, key: string, session: string): Rec =>
  base(
    time,
    'sts.amazonaws.com',
    'AssumeRole',
    { type: 'AWSService', invokedBy: service },
    {
      sourceIPAddress: service,
      userAgent: service,
      readOnly: true,
      requestParameters: { roleArn: role, roleSessionName: session },
      responseElements: {
        credentials: {
          accessKeyId: key,
          sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE',
          expiration: 'Jan 1, 2030, 1:00:00 AM',
        },
        assumedRoleUser: {
          assumedRoleId: `AROASERVICE:${session}`,
          arn: `${role.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/${session}`,
        },
      },
    },
  );
const asRole = (
  time: string,
  role: string,
  session: string,
  key: string,
  viaCfn: boolean,
  source: string,
  name: string,
  req: Rec,
): Rec =>
  base(
    time,
    source,
    name,
    {
      type: 'AssumedRole',
      arn: `${role.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/${session}`,
      principalId: `AROASERVICE:${session}`,
      accountId: ACCT,
      accessKeyId: key,
      sessionContext: {
        sessionIssuer: { type: 'Role', arn: role, userName: role.split('/').pop() },
        attributes: { creationDate: time, mfaAuthenticated: 'false' },
      },
      ...(viaCfn ? { invokedBy: 'cloudformation.amazonaws.com' } : {}),
    },
    {
      sourceIPAddress: viaCfn ? 'cloudformation.amazonaws.com' : '34.250.10.20',
      userAgent: viaCfn
        ? 'cloudformation.amazonaws.com'
        : 'Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#5.10 exec-env/AWS_Lambda_python3.12',
      requestParameters: req,
    },
  );

describe('changes made by CloudFormation are traced to who started the stack operation', () => {
  it('stackNameOf reads a stack ARN or a name', () => {
    expect(stackNameOf(STACK_ARN)).toBe(STACK);
    expect(stackNameOf(STACK)).toBe(STACK);
    expect(stackNameOf(null)).toBeNull();
  });

  it('a guardrail weakened by the stack role and logging deleted by a custom resource name the developer session', async () => {
    const t0 = '2026-01-20T21:14:00Z';
    const csArn = `arn:aws:cloudformation:${REGION}:${ACCT}:changeSet/strip/11111111-2222-3333-4444-555555555555`;
    const created = developer(
      at(t0, 1),
      'CreateChangeSet',
      { stackName: STACK, changeSetName: 'strip', roleARN: STACK_ROLE, changeSetType: 'UPDATE' },
      { id: csArn, stackId: STACK_ARN },
    );
    const executed = developer(at(t0, 2), 'ExecuteChangeSet', { changeSetName: csArn, stackName: STACK });
    const weaken = asRole(
      at(t0, 3),
      STACK_ROLE,
      'AWSCloudFormation',
      'ASIASTACKROLEKEY0001',
      true,
      'bedrock.amazonaws.com',
      'UpdateGuardrail',
      {
        guardrailIdentifier: 'gr0example1',
        name: 'support-guardrail',
        contentPolicyConfig: {
          filtersConfig: [{ type: 'PROMPT_ATTACK', inputStrength: 'NONE', outputStrength: 'NONE' }],
        },
      },
    );
    const executed2 = developer(at(t0, 40), 'ExecuteChangeSet', {
      changeSetName: 'logs-off',
      stackName: STACK_ARN,
    });
    const deleted = asRole(
      at(t0, 41),
      HOOK_ROLE,
      'platform-logging-hook',
      'ASIAHOOKROLEKEY00001',
      false,
      'bedrock.amazonaws.com',
      'DeleteModelInvocationLoggingConfiguration',
      {},
    );
    const records = [
      created,
      executed,
      serviceAssume(
        at(t0, 2.1),
        'cloudformation.amazonaws.com',
        STACK_ROLE,
        'ASIASTACKROLEKEY0001',
        'AWSCloudFormation',
      ),
      weaken,
      executed2,
      serviceAssume(
        at(t0, 40.5),
        'lambda.amazonaws.com',
        HOOK_ROLE,
        'ASIAHOOKROLEKEY00001',
        'platform-logging-hook',
      ),
      deleted,
    ];
    const fs = await controlPlaneFindings(path.join(tmp, 'strip'), { 'ct.json': { Records: records } });
    const guard = fs.find(
      (f) =>
        f.ruleId.startsWith('ai-changes.guardrail') &&
        (f.evidence.eventIds ?? []).includes(String(weaken.eventID)),
    );
    expect(guard).toBeDefined();
    // the developer's session and the records that started the change are the finding's
    expect(guard?.evidence.eventIds).toEqual(
      expect.arrayContaining([String(created.eventID), String(executed.eventID)]),
    );
    expect(guard?.sourceIps).toContain(HOSTING);
    expect(guard?.accessKeyIds).toContain('ASIADEVSESSIONKEY001');
    expect(guard?.principals).toContain(DEV_ROLE);
    expect(guard?.resources).toContain(STACK);
    expect(JSON.stringify(guard?.details?.triage)).toContain('ExecuteChangeSet');
    const logs = fs.find((f) => f.ruleId === 'ai-changes.invocation-logging-deleted');
    expect(logs).toBeDefined();
    expect(logs?.evidence.eventIds).toContain(String(executed2.eventID));
    expect(logs?.sourceIps).toContain(HOSTING);
    expect(JSON.stringify(logs?.details?.triage)).toContain('custom resource');
  });

  it('a function that also works outside stack operations is not taken for a custom resource', async () => {
    const t0 = '2026-01-21T09:00:00Z';
    const executed = developer(at(t0, 0), 'UpdateStack', { stackName: STACK, roleARN: STACK_ROLE });
    const deleted = asRole(
      at(t0, 3),
      HOOK_ROLE,
      'ops-function',
      'ASIAOPSFUNCTIONKEY01',
      false,
      'bedrock.amazonaws.com',
      'DeleteModelInvocationLoggingConfiguration',
      {},
    );
    // the same role at work hours earlier, with no stack operation near
    const earlier = asRole(
      at(t0, -300),
      HOOK_ROLE,
      'ops-function',
      'ASIAOPSFUNCTIONKEY00',
      false,
      'bedrock.amazonaws.com',
      'GetModelInvocationLoggingConfiguration',
      {},
    );
    const records = [
      serviceAssume(
        at(t0, -300.5),
        'lambda.amazonaws.com',
        HOOK_ROLE,
        'ASIAOPSFUNCTIONKEY00',
        'ops-function',
      ),
      earlier,
      executed,
      serviceAssume(at(t0, 2.5), 'lambda.amazonaws.com', HOOK_ROLE, 'ASIAOPSFUNCTIONKEY01', 'ops-function'),
      deleted,
    ];
    const fs = await controlPlaneFindings(path.join(tmp, 'not-custom'), { 'ct.json': { Records: records } });
    const logs = fs.find((f) => f.ruleId === 'ai-changes.invocation-logging-deleted');
    expect(logs).toBeDefined();
    expect(logs?.evidence.eventIds).not.toContain(String(executed.eventID));
    expect(logs?.sourceIps ?? []).not.toContain(HOSTING);
    expect(logs?.details?.stackOperations).toBeUndefined();
  });
  it("GuardDuty's persistence finding on the stack operation concerns what the operation changed", async () => {
    const t0 = '2026-01-22T21:14:00Z';
    const executed = developer(at(t0, 2), 'ExecuteChangeSet', { changeSetName: 'tuning', stackName: STACK });
    const weaken = asRole(
      at(t0, 3),
      STACK_ROLE,
      'AWSCloudFormation',
      'ASIASTACKROLEKEY0002',
      true,
      'bedrock.amazonaws.com',
      'UpdateGuardrail',
      {
        guardrailIdentifier: 'gr0example1',
        name: 'support-guardrail',
        contentPolicyConfig: {
          filtersConfig: [{ type: 'PROMPT_ATTACK', inputStrength: 'NONE', outputStrength: 'NONE' }],
        },
      },
    );
    const finding = (api: string, idv: string) => ({
      schemaVersion: '2.0',
      accountId: ACCT,
      region: REGION,
      partition: 'aws',
      id: idv,
      arn: `arn:aws:guardduty:${REGION}:${ACCT}:detector/d1/finding/${idv}`,
      type: 'Persistence:IAMUser/AnomalousBehavior',
      resource: {
        resourceType: 'AccessKey',
        accessKeyDetails: {
          accessKeyId: 'ASIADEVSESSIONKEY001',
          principalId: 'AROADEVELOPEREXAMPLE:dana@example.com',
          userType: 'AssumedRole',
          userName: 'AWSReservedSSO_Developer_0123456789abcdef',
        },
      },
      service: {
        serviceName: 'guardduty',
        detectorId: 'd1',
        action: {
          actionType: 'AWS_API_CALL',
          awsApiCallAction: {
            api,
            serviceName: 'cloudformation.amazonaws.com',
            callerType: 'Remote IP',
            remoteIpDetails: { ipAddressV4: HOSTING },
          },
        },
        eventFirstSeen: at(t0, 2),
        eventLastSeen: at(t0, 2),
        archived: false,
        count: 1,
      },
      severity: 5,
      createdAt: at(t0, 20),
      updatedAt: at(t0, 20),
      title: 'Unusual changes with persistence tactics',
      description: 'test',
    });
    const records = [
      executed,
      serviceAssume(
        at(t0, 2.1),
        'cloudformation.amazonaws.com',
        STACK_ROLE,
        'ASIASTACKROLEKEY0002',
        'AWSCloudFormation',
      ),
      weaken,
    ];
    const fs = await controlPlaneFindings(path.join(tmp, 'gd-stack'), {
      'ct.json': { Records: records },
      'guardduty/findings.json': [finding('ExecuteChangeSet', 'a'.repeat(32))],
    });
    const gd = fs.find((f) => f.ruleId === 'guardduty:Persistence:IAMUser/AnomalousBehavior');
    expect(gd?.evidence.eventIds).toEqual([String(executed.eventID)]);
    // the guardrail the stack role weakened: an AI change, not an infrastructure one
    expect(gd?.elements).toEqual(['ai-changes']);
    expect(JSON.stringify(gd?.details?.triage)).toContain('stack operation it names made these changes');
    // the same finding with no traced change keeps its tactic's element
    const alone = await controlPlaneFindings(path.join(tmp, 'gd-stack-alone'), {
      'ct.json': { Records: [executed] },
      'guardduty/findings.json': [finding('ExecuteChangeSet', 'b'.repeat(32))],
    });
    const gd2 = alone.find((f) => f.ruleId === 'guardduty:Persistence:IAMUser/AnomalousBehavior');
    expect(gd2?.elements).toEqual(['infrastructure-changes']);
  });
});
