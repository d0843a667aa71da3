/**
 * access.trust-opened-and-used and access.service-role-assumed-by-outsider on small cases built from
 * CloudTrail records as delivered: a Lambda function's role whose trust policy an IAM user changes
 * to add another account, which then assumes the role with the function's own session name and
 * calls Bedrock with the issued keys; the same change when a planned change names the account; a
 * service role assumed by an outside account without any trust change in the evidence.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { controlPlaneCase } from '../../test/helpers/control-plane-case.js';
import { minutesAfter, uuidSequence } from '../../test/helpers/fixture-clock.js';
import type { Finding } from '../model/types.js';
import { trustedAccounts } from './trust-policy.js';

const ACCT = '111122223333';
const OUTSIDE = '777788889999';
const ROLE_NAME = 'chat-api-role';
const ROLE = `arn:aws:iam::${ACCT}:role/${ROLE_NAME}`;
const FN_SESSION = 'chat-api';
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-trust-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const id = uuidSequence('b006');
const at = minutesAfter('2025-06-03T00:00:00Z');

const CLI = 'aws-cli/2.27.1 md/awscrt#0.23.8 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.12.9';
const BOTO = 'Boto3/1.36.14 md/Botocore#1.36.14 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.9.6';
const VPS_ADMIN = '203.0.113.60';
const VPS_ROLE = '198.51.100.18';

const base = (time: string, source: string, name: string, ip: string, ua: string) => ({
  eventVersion: '1.08',
  eventTime: time,
  eventSource: source,
  eventName: name,
  awsRegion: 'us-east-1',
  sourceIPAddress: ip,
  userAgent: ua,
  requestID: id(),
  eventID: id(),
  eventType: 'AwsApiCall',
  managementEvent: true,
  recipientAccountId: ACCT,
  eventCategory: 'Management',
});

const adminUser = {
  type: 'IAMUser',
  principalId: 'AIDAADMINUSEREXAMPLE',
  arn: `arn:aws:iam::${ACCT}:user/admin`,
  accountId: ACCT,
  accessKeyId: 'AKIAADMINKEYEXAMPLE1',
  userName: 'admin',
};

function trustChange(time: string, accounts: string[]): Record<string, unknown> {
  const doc = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ...accounts.map((a) => ({
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${a}:root` },
        Action: 'sts:AssumeRole',
      })),
    ],
  };
  return {
    ...base(time, 'iam.amazonaws.com', 'UpdateAssumeRolePolicy', VPS_ADMIN, CLI),
    userIdentity: adminUser,
    requestParameters: { roleName: ROLE_NAME, policyDocument: JSON.stringify(doc) },
    responseElements: null,
    readOnly: false,
  };
}

const creds = (key: string) => ({
  credentials: { accessKeyId: key, sessionToken: 'IQoJEXAMPLE', expiration: 'Jun 3, 2025, 1:00:00 PM' },
  assumedRoleUser: {
    assumedRoleId: `AROACHATROLEEXAMPLE:${FN_SESSION}`,
    arn: `arn:aws:sts::${ACCT}:assumed-role/${ROLE_NAME}/${FN_SESSION}`,
  },
});

/** The Lambda service assuming the function's role. */
function lambdaAssume(time: string, key: string): Record<string, unknown> {
  return {
    ...base(time, 'sts.amazonaws.com', 'AssumeRole', 'lambda.amazonaws.com', 'lambda.amazonaws.com'),
    userIdentity: { type: 'AWSService', invokedBy: 'lambda.amazonaws.com' },
    requestParameters: { roleArn: ROLE, roleSessionName: FN_SESSION },
    responseElements: creds(key),
    readOnly: true,
    resources: [{ accountId: ACCT, type: 'AWS::IAM::Role', ARN: ROLE }],
  };
}

/** Another account's IAM user assuming the role. */
function outsideAssume(time: string, key: string, account = OUTSIDE): Record<string, unknown> {
  return {
    ...base(time, 'sts.amazonaws.com', 'AssumeRole', VPS_ROLE, BOTO),
    userIdentity: { type: 'AWSAccount', principalId: 'AIDAOUTSIDEUSEREXAMP', accountId: account },
    requestParameters: { roleArn: ROLE, roleSessionName: FN_SESSION },
    responseElements: creds(key),
    readOnly: true,
    resources: [{ accountId: ACCT, type: 'AWS::IAM::Role', ARN: ROLE }],
  };
}

function sessionCall(
  time: string,
  key: string,
  ip: string,
  ua: string,
  source: string,
  name: string,
  req: unknown,
  error?: string,
) {
  const runtime = source.startsWith('bedrock-');
  return {
    ...base(time, source, name, ip, ua),
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROACHATROLEEXAMPLE:${FN_SESSION}`,
      arn: `arn:aws:sts::${ACCT}:assumed-role/${ROLE_NAME}/${FN_SESSION}`,
      accountId: ACCT,
      accessKeyId: key,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROACHATROLEEXAMPLE',
          arn: ROLE,
          accountId: ACCT,
          userName: ROLE_NAME,
        },
        attributes: { creationDate: time, mfaAuthenticated: 'false' },
      },
    },
    requestParameters: req,
    responseElements: null,
    readOnly: !runtime && /^Get/.test(name),
    ...(error ? { errorCode: error, errorMessage: `${error}: not authorized` } : {}),
  };
}

/** A day of the application: Lambda assumes the role every hour and calls the model from AWS. */
function application(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let h = 0; h < 12; h++) {
    const key = `ASIALAMBDA${h.toString().padStart(10, '0')}`;
    out.push(lambdaAssume(at(h * 60), key));
    out.push(
      sessionCall(
        at(h * 60 + 1),
        key,
        '54.10.20.30',
        'aws-sdk-js/3.600.0',
        'bedrock-runtime.amazonaws.com',
        'InvokeModel',
        {
          modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
        },
      ),
    );
  }
  return out;
}

function intrusion(): {
  change: Record<string, unknown>;
  assumes: Record<string, unknown>[];
  session: Record<string, unknown>[];
} {
  const change = trustChange(at(30), [OUTSIDE]);
  const k1 = 'ASIAOUTSIDE000000001';
  const k2 = 'ASIAOUTSIDE000000002';
  const assumes = [outsideAssume(at(400), k1), outsideAssume(at(460), k2)];
  const session = [
    sessionCall(at(401), k1, VPS_ROLE, BOTO, 'sts.amazonaws.com', 'GetCallerIdentity', null),
    sessionCall(
      at(402),
      k1,
      VPS_ROLE,
      BOTO,
      'bedrock-agent-runtime.amazonaws.com',
      'RetrieveAndGenerate',
      { input: { text: '****' } },
      'AccessDenied',
    ),
    sessionCall(at(403), k1, VPS_ROLE, BOTO, 'bedrock-agent-runtime.amazonaws.com', 'Retrieve', {
      knowledgeBaseId: 'KB00000001',
    }),
    sessionCall(at(461), k2, VPS_ROLE, BOTO, 'bedrock-runtime.amazonaws.com', 'InvokeModel', {
      modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
    }),
  ];
  return { change, assumes, session };
}

const RULE = 'access.trust-opened-and-used';
const by = (fs: Finding[], rule = RULE): Finding[] => fs.filter((f) => f.ruleId === rule);
const run = (name: string, files: Record<string, unknown>, scope = false) =>
  controlPlaneCase(path.join(tmp, name), files, { scope });

describe('trustedAccounts', () => {
  it('reads the accounts an Allow statement lets assume the role, not services or denies', () => {
    const doc = JSON.stringify({
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        {
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::123456789012:root', '210987654321'] },
          Action: ['sts:AssumeRole', 'sts:TagSession'],
        },
        { Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::555555555555:root' }, Action: 'sts:AssumeRole' },
      ],
    });
    expect(trustedAccounts(doc)).toEqual(['123456789012', '210987654321']);
    expect(trustedAccounts('{not json')).toEqual([]);
  });
});

describe('access: trust opened to an outside account, then used', () => {
  it('follows the added account to its assumptions and every call of the issued keys (high)', async () => {
    const { change, assumes, session } = intrusion();
    const { findings, scope } = await run(
      'backdoor',
      { 'ct.json': { Records: [...application(), change, ...assumes, ...session] } },
      true,
    );
    const f = by(findings);
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('high');
    expect(f[0].accessKeyIds).toEqual([
      'AKIAADMINKEYEXAMPLE1',
      'ASIAOUTSIDE000000001',
      'ASIAOUTSIDE000000002',
    ]);
    expect(f[0].sourceIps).toEqual([VPS_ROLE, VPS_ADMIN].sort());
    expect(f[0].principals).toContain(ROLE);
    expect(f[0].elements).toEqual(expect.arrayContaining(['access', 'infrastructure-changes', 'invocation']));
    expect(new Set(f[0].evidence.eventIds)).toEqual(
      new Set([change, ...assumes, ...session].map((r) => String(r.eventID))),
    );
    expect(f[0].details?.copiedSessionNames).toEqual([FN_SESSION]);
    // the application's own sessions of the same role stay out of the actor's records
    expect(scope?.scope.accessKeyIds).toEqual(
      expect.arrayContaining(['ASIAOUTSIDE000000001', 'ASIAOUTSIDE000000002']),
    );
    expect(scope?.scope.accessKeyIds.some((k) => k.startsWith('ASIALAMBDA'))).toBe(false);
    expect(scope?.scope.sourceIps).toContain(VPS_ROLE);
  });

  it('is not raised when a planned change in whose window it falls names the account', async () => {
    const { change, assumes, session } = intrusion();
    const calendar = {
      changes: [
        {
          ticket: 'CHG-1',
          window: { start: at(0), end: at(120) },
          owner: 'admin@example.com',
          summary: `Vendor evaluation: trust account ${OUTSIDE} on ${ROLE_NAME}`,
        },
      ],
    };
    const { findings } = await run('planned', {
      'ct.json': { Records: [...application(), change, ...assumes, ...session] },
      'context/change-calendar.json': calendar,
    });
    expect(by(findings).filter((f) => f.severity !== 'informational')).toHaveLength(0);
  });

  it('does not take an account that assumed the role before the change for an added one', async () => {
    const { change, assumes, session } = intrusion();
    const earlier = outsideAssume(at(10), 'ASIAOUTSIDEEARLIER01');
    const { findings } = await run('already-trusted', {
      'ct.json': { Records: [earlier, change, ...assumes, ...session] },
    });
    expect(by(findings)).toHaveLength(0);
  });

  it('a role only AWS services assumed, assumed by an outside account with no trust change in the evidence: medium', async () => {
    const { assumes, session } = intrusion();
    const { findings } = await run('service-role', {
      'ct.json': { Records: [...application(), ...assumes, ...session] },
    });
    const f = by(findings, 'access.service-role-assumed-by-outsider');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('medium');
    expect(f[0].accessKeyIds).toEqual(['ASIAOUTSIDE000000001', 'ASIAOUTSIDE000000002']);
  });
});
