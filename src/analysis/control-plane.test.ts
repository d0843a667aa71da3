/**
 * Control-plane detectors on small cases built from realistic CloudTrail, GuardDuty and change
 * calendar records: each detection positive and negative, the actor correlation, the context
 * matching, and (over ../shared when present) no finding at medium or above on the benign day.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { controlPlaneFindings } from '../../test/helpers/control-plane-case.js';
import { runDetectors } from '../engine/detect.js';
import { ingest } from '../engine/ingest.js';
import type { Finding } from '../model/types.js';
import { CaseStore } from '../store/case-store.js';
import { type ContextEntry, matchContext, requestNames, summaryNames } from './context.js';
import { CONTROL_PLANE_DETECTORS, correlate } from './control-plane.js';

const ACCT = '111122223333';
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-cp-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// ---- fixture builders (CloudTrail record shapes as delivered to S3) ------------------------------------

type Who =
  | { type: 'AssumedRole'; role: string; session: string; key: string; path?: string }
  | { type: 'IAMUser'; user: string; key?: string }
  | { type: 'AWSService'; service: string };

interface Ev {
  time: string;
  source: string;
  name: string;
  who: Who;
  ip: string;
  ua: string;
  region?: string;
  req?: unknown;
  resp?: unknown;
  error?: string;
  readOnly?: boolean;
  extra?: unknown;
  data?: boolean;
}

let seq = 0;
const id = (): string =>
  `0000${(++seq).toString(16).padStart(4, '0')}-1111-4222-8333-${seq.toString().padStart(12, '0')}`;

function identity(w: Who): Record<string, unknown> {
  if (w.type === 'AWSService') return { type: 'AWSService', invokedBy: w.service };
  if (w.type === 'IAMUser')
    return {
      type: 'IAMUser',
      principalId: `AIDA${w.user
        .toUpperCase()
        .replace(/[^A-Z]/g, '')
        .padEnd(16, 'X')
        .slice(0, 16)}`,
      arn: `arn:aws:iam::${ACCT}:user/${w.user}`,
      accountId: ACCT,
      ...(w.key ? { accessKeyId: w.key } : {}),
      userName: w.user,
    };
  const roleArn = `arn:aws:iam::${ACCT}:role/${w.path ?? ''}${w.role}`;
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLEROLEID01:${w.session}`,
    arn: `arn:aws:sts::${ACCT}:assumed-role/${w.role}/${w.session}`,
    accountId: ACCT,
    accessKeyId: w.key,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAEXAMPLEROLEID01',
        arn: roleArn,
        accountId: ACCT,
        userName: w.role,
      },
      attributes: { creationDate: '2025-06-01T00:00:00Z', mfaAuthenticated: 'false' },
    },
  };
}

function ct(e: Ev): Record<string, unknown> {
  const rec: Record<string, unknown> = {
    eventVersion: '1.09',
    userIdentity: identity(e.who),
    eventTime: e.time,
    eventSource: e.source,
    eventName: e.name,
    awsRegion: e.region ?? 'us-east-1',
    sourceIPAddress: e.ip,
    userAgent: e.ua,
    requestParameters: e.req ?? null,
    responseElements: e.resp ?? null,
    requestID: id(),
    eventID: id(),
    readOnly: e.readOnly ?? /^(Get|List|Describe|Head)/.test(e.name),
    eventType: e.name === 'ConsoleLogin' ? 'AwsConsoleSignIn' : 'AwsApiCall',
    managementEvent: !e.data,
    recipientAccountId: ACCT,
    eventCategory: e.data ? 'Data' : 'Management',
  };
  if (e.error) {
    rec.errorCode = e.error;
    rec.errorMessage = `${e.error}: not allowed`;
  }
  if (e.extra) rec.additionalEventData = e.extra;
  return rec;
}

const CLI_OFFICE = 'aws-cli/2.22.4 md/awscrt#0.22.1 ua/2.0 os/macos#23.6.0 md/arch#arm64 lang/python#3.12.6';
const BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko)';
const TERRAFORM =
  'APN/1.0 HashiCorp/1.0 Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-aws/5.80.0';
const BOTO_APP =
  'Boto3/1.36.14 md/Botocore#1.36.14 ua/2.0 os/linux#5.10.228 md/arch#x86_64 lang/python#3.12.8';
const BOTO_VPS = 'Boto3/1.34.7 md/Botocore#1.34.7 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.11.2';

const OFFICE = '198.51.100.10';
const VPS = '203.0.113.66';
const INSTANCE = '192.0.2.15';

const sso = (n: string, key: string, session = `${n.toLowerCase()}@example.com`): Who => ({
  type: 'AssumedRole',
  role: `AWSReservedSSO_${n}_0123456789abcdef`,
  path: 'aws-reserved/sso.amazonaws.com/',
  session,
  key,
});

/** Office background: several people at the same address, so it is the account's everyday address. */
function office(t0: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const people = ['Admin', 'Developer', 'DataScientist', 'ReadOnly'];
  people.forEach((p, i) => {
    for (let k = 0; k < 3; k++)
      out.push(
        ct({
          time: at(t0, -480 + i * 7 + k * 240),
          source: 's3.amazonaws.com',
          name: 'ListBuckets',
          who: sso(p, `ASIAOFFICE${i}${k}EXAMPLE`.slice(0, 20)),
          ip: OFFICE,
          ua: BROWSER,
        }),
      );
  });
  return out;
}

function at(t0: string, minutes: number): string {
  return new Date(Date.parse(t0) + minutes * 60_000).toISOString().replace('.000Z', 'Z');
}

const caseOf = (name: string, files: Record<string, unknown>): Promise<Finding[]> =>
  controlPlaneFindings(path.join(tmp, name), files);

const trail = (records: Record<string, unknown>[]): Record<string, unknown> => ({ Records: records });
const by = (fs: Finding[], rule: string): Finding[] => fs.filter((f) => f.ruleId === rule);
const severe = (fs: Finding[]): Finding[] =>
  fs.filter((f) => ['medium', 'high', 'critical'].includes(f.severity));

// ---- access ---------------------------------------------------------------------------------------------

describe('access: stolen role session', () => {
  const T = '2025-06-03T10:00:00Z';
  const runner: Who = {
    type: 'AssumedRole',
    role: 'jobs-runner-role',
    session: 'i-0abc123',
    key: 'ASIAJOBSRUNNER000001',
  };
  const home = [0, 5, 10, 15].map((m) =>
    ct({
      time: at(T, m),
      source: 's3.amazonaws.com',
      name: 'ListBuckets',
      who: runner,
      ip: INSTANCE,
      ua: BOTO_APP,
    }),
  );
  const check = ct({
    time: at(T, 18),
    source: 'sts.amazonaws.com',
    name: 'GetCallerIdentity',
    who: runner,
    ip: INSTANCE,
    ua: BOTO_APP,
  });
  const away = [
    ct({
      time: at(T, 40),
      source: 'sts.amazonaws.com',
      name: 'GetCallerIdentity',
      who: runner,
      ip: VPS,
      ua: CLI_OFFICE,
    }),
    ct({
      time: at(T, 41),
      source: 'iam.amazonaws.com',
      name: 'ListUsers',
      who: runner,
      ip: VPS,
      ua: CLI_OFFICE,
    }),
  ];

  it('flags the session used from another network with another client (high), with the host check as context', async () => {
    const fs = await caseOf('session-pos', { 'ct.json': trail([...office(T), ...home, check, ...away]) });
    const f = by(fs, 'access.session-credentials-reused-elsewhere');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('high');
    expect(f[0].sourceIps).toEqual([VPS]);
    expect(f[0].accessKeyIds).toEqual(['ASIAJOBSRUNNER000001']);
    expect(f[0].evidence.eventIds).toEqual(away.map((r) => r.eventID).sort());
    expect(f[0].principals).toContain(`arn:aws:iam::${ACCT}:role/jobs-runner-role`);
    expect(f[0].attack).toContain('T1078.004');
    const pre = by(fs, 'access.session-checks-before-reuse');
    expect(pre[0].evidence.eventIds).toEqual([check.eventID]);
    expect(pre[0].severity).toBe('low');
  });

  it('leaves out an origin that looks like the owner (same device client, reads only) once the key is also used elsewhere with another client', async () => {
    const HOME_ISP = '100.24.5.9';
    // the session's own device client from another network, reading only (the owner at home)
    const ownerAtHome = [60, 61].map((m) =>
      ct({
        time: at(T, m),
        source: 's3.amazonaws.com',
        name: 'ListBuckets',
        who: runner,
        ip: HOME_ISP,
        ua: BOTO_APP,
      }),
    );
    const thief = away;
    const fs = await caseOf('session-owner-like', {
      'ct.json': trail([...office(T), ...home, check, ...ownerAtHome, ...thief]),
    });
    const f = by(fs, 'access.session-credentials-reused-elsewhere');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('high');
    expect(f[0].sourceIps).toEqual([VPS]);
    expect(f[0].evidence.eventIds).toEqual(thief.map((r) => r.eventID).sort());
    expect(JSON.stringify(f[0].details?.ownerOrigins)).toContain(HOME_ISP);
    // alone, the same origin is still reported (nothing else shows the key was taken)
    const alone = by(
      await caseOf('session-owner-like-alone', { 'ct.json': trail([...office(T), ...home, ...ownerAtHome]) }),
      'access.session-credentials-reused-elsewhere',
    );
    expect(alone).toHaveLength(1);
    expect(alone[0].sourceIps).toEqual([HOME_ISP]);
    // a write from that origin is not the owner's look: it stays the actor's
    const write = ct({
      time: at(T, 62),
      source: 's3.amazonaws.com',
      name: 'PutObject',
      who: runner,
      ip: HOME_ISP,
      ua: BOTO_APP,
      readOnly: false,
      req: { bucketName: 'b', key: 'k' },
    });
    const both = by(
      await caseOf('session-owner-like-write', {
        'ct.json': trail([...office(T), ...home, ...ownerAtHome, write, ...thief]),
      }),
      'access.session-credentials-reused-elsewhere',
    );
    expect(both[0].sourceIps).toEqual([HOME_ISP, VPS]);
  });

  it('does not flag a person whose console session moves between office and home', async () => {
    const person = sso('Developer', 'ASIADEVSESSION000001');
    const recs = [
      ct({
        time: at(T, 1),
        source: 's3.amazonaws.com',
        name: 'ListBuckets',
        who: person,
        ip: OFFICE,
        ua: BROWSER,
      }),
      ct({
        time: at(T, 50),
        source: 's3.amazonaws.com',
        name: 'ListBuckets',
        who: person,
        ip: '198.51.100.77',
        ua: CLI_OFFICE,
      }),
    ];
    const fs = await caseOf('session-neg', { 'ct.json': trail([...office(T), ...home, ...recs]) });
    expect(by(fs, 'access.session-credentials-reused-elsewhere')).toHaveLength(0);
    expect(severe(fs)).toHaveLength(0);
  });
});

describe('access: LLMjacking reconnaissance', () => {
  const T = '2025-03-11T23:40:00Z';
  const key: Who = { type: 'IAMUser', user: 'svc-ml-poc', key: 'AKIAEXAMPLEPOCKEY001' };
  const usual = [0, 30, 60].map((m) =>
    ct({
      time: at('2025-03-11T14:00:00Z', m),
      source: 'bedrock.amazonaws.com',
      name: 'InvokeModel',
      who: key,
      ip: OFFICE,
      ua: BOTO_APP,
      req: { modelId: 'anthropic.claude-3-haiku-20240307-v1:0' },
    }),
  );
  const recon: Record<string, unknown>[] = [
    ct({
      time: at(T, 0),
      source: 'sts.amazonaws.com',
      name: 'GetCallerIdentity',
      who: key,
      ip: VPS,
      ua: BOTO_VPS,
    }),
    ct({
      time: at(T, 1),
      source: 'iam.amazonaws.com',
      name: 'ListAttachedUserPolicies',
      who: key,
      ip: VPS,
      ua: BOTO_VPS,
      req: { userName: 'svc-ml-poc' },
      error: 'AccessDenied',
    }),
  ];
  ['us-east-1', 'us-west-2', 'ap-northeast-1'].forEach((region, i) => {
    recon.push(
      ct({
        time: at(T, 2 + i * 2),
        region,
        source: 'bedrock.amazonaws.com',
        name: 'ListFoundationModels',
        who: key,
        ip: VPS,
        ua: BOTO_VPS,
      }),
      ct({
        time: at(T, 2 + i * 2),
        region,
        source: 'bedrock.amazonaws.com',
        name: 'GetModelInvocationLoggingConfiguration',
        who: key,
        ip: VPS,
        ua: BOTO_VPS,
      }),
      ct({
        time: at(T, 3 + i * 2),
        region,
        source: 'bedrock.amazonaws.com',
        name: 'InvokeModel',
        who: key,
        ip: VPS,
        ua: BOTO_VPS,
        req: { modelId: 'anthropic.claude-3-opus-20240229-v1:0' },
        error: 'ValidationException',
      }),
    );
  });
  const enable = [
    ct({
      time: at(T, 12),
      source: 'bedrock.amazonaws.com',
      name: 'PutUseCaseForModelAccess',
      who: key,
      ip: VPS,
      ua: BOTO_VPS,
      req: { formData: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
      readOnly: false,
    }),
    ct({
      time: at(T, 13),
      source: 'bedrock.amazonaws.com',
      name: 'CreateFoundationModelAgreement',
      who: key,
      ip: VPS,
      ua: BOTO_VPS,
      req: { modelId: 'anthropic.claude-3-opus-20240229-v1:0', offerToken: 'x' },
      readOnly: false,
    }),
  ];
  const wipe = ct({
    time: at(T, 300),
    source: 'bedrock.amazonaws.com',
    name: 'DeleteModelInvocationLoggingConfiguration',
    who: key,
    ip: VPS,
    ua: BOTO_VPS,
    readOnly: false,
  });

  it('reports the sequence high and raises the key’s new origin, model access and logging deletion with it', async () => {
    const fs = await caseOf('llmjack-pos', {
      'ct.json': trail([...office(T), ...usual, ...recon, ...enable, wipe]),
    });
    const r = by(fs, 'access.llmjacking-recon');
    expect(r).toHaveLength(1);
    expect(r[0].severity).toBe('high');
    expect(r[0].sourceIps).toEqual([VPS]);
    expect(r[0].details?.regions).toHaveLength(3);
    expect(r[0].elements).toEqual(['access', 'ai-changes']);
    const origin = by(fs, 'access.key-new-address-and-client');
    expect(origin).toHaveLength(1);
    expect(origin[0].severity).toBe('high');
    expect(origin[0].details?.sameActorAs).toBeTruthy();
    expect(by(fs, 'ai-changes.model-access-enabled')[0].severity).toBe('high');
    const del = by(fs, 'ai-changes.invocation-logging-deleted');
    expect(del[0].severity).toBe('high');
    expect(del[0].evidence.eventIds).toEqual([wipe.eventID]);
  });

  it('the same sequence with no model-access request changes nothing AI-side: access only', async () => {
    const fs = await caseOf('llmjack-noaccess', { 'ct.json': trail([...office(T), ...usual, ...recon]) });
    const r = by(fs, 'access.llmjacking-recon');
    expect(r).toHaveLength(1);
    expect(r[0].severity).toBe('high');
    expect(r[0].elements).toEqual(['access']);
    expect(r[0].title).not.toMatch(/model-access/);
    expect(r[0].details?.stages).toMatchObject({ modelAccessRequests: 0 });
  });

  it('an administrator enabling a model from the console is informational', async () => {
    const admin = sso('AdministratorAccess', 'ASIAADMINSESSION0001');
    const recs = [
      ct({
        time: at(T, 0),
        source: 'bedrock.amazonaws.com',
        name: 'ListFoundationModels',
        who: admin,
        ip: '192.0.2.200',
        ua: BROWSER,
      }),
      ct({
        time: at(T, 2),
        source: 'bedrock.amazonaws.com',
        name: 'PutUseCaseForModelAccess',
        who: admin,
        ip: '192.0.2.200',
        ua: BROWSER,
        readOnly: false,
        req: { formData: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
      }),
      ct({
        time: at(T, 3),
        source: 'bedrock.amazonaws.com',
        name: 'CreateFoundationModelAgreement',
        who: admin,
        ip: '192.0.2.200',
        ua: BROWSER,
        readOnly: false,
        req: { modelId: 'anthropic.claude-3-7-sonnet-20250219-v1:0' },
      }),
      // a throttled IAM read from the same hotel network is not a failed self-inspection
      ct({
        time: at(T, -30),
        source: 'iam.amazonaws.com',
        name: 'ListAccessKeys',
        who: admin,
        ip: '192.0.2.200',
        ua: 'console.amazonaws.com',
        error: 'ThrottlingException',
      }),
    ];
    const fs = await caseOf('llmjack-neg', { 'ct.json': trail([...office(T), ...recs]) });
    expect(by(fs, 'access.llmjacking-recon')).toHaveLength(0);
    expect(by(fs, 'ai-changes.model-access-enabled')[0].severity).toBe('informational');
    expect(severe(fs)).toHaveLength(0);
  });
});

describe('access: console sign-in without MFA', () => {
  const T = '2025-06-04T15:00:00Z';
  const user: Who = { type: 'IAMUser', user: 'platform-eng' };
  const login = (mfa: string, ip: string) =>
    ct({
      time: T,
      source: 'signin.amazonaws.com',
      name: 'ConsoleLogin',
      who: user,
      ip,
      ua: BROWSER,
      resp: { ConsoleLogin: 'Success' },
      extra: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: mfa },
      readOnly: false,
    });
  const history = ct({
    time: '2025-06-03T09:00:00Z',
    source: 's3.amazonaws.com',
    name: 'ListBuckets',
    who: { type: 'IAMUser', user: 'platform-eng', key: 'AKIAEXAMPLEPLATFORM1' },
    ip: OFFICE,
    ua: CLI_OFFICE,
  });

  it('is medium for an existing user from an address nobody else uses', async () => {
    const fs = await caseOf('mfa-pos', { 'ct.json': trail([...office(T), history, login('No', VPS)]) });
    const f = by(fs, 'access.console-login-without-mfa');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('medium');
  });

  it('is silent with MFA', async () => {
    const fs = await caseOf('mfa-neg', { 'ct.json': trail([...office(T), history, login('Yes', VPS)]) });
    expect(by(fs, 'access.console-login-without-mfa')).toHaveLength(0);
  });
});

describe('access: a burst of failed Bedrock calls', () => {
  const T = '2025-06-04T15:00:00Z';
  const who: Who = { type: 'IAMUser', user: 'svc-probe', key: 'AKIAEXAMPLEPROBE0001' };
  const denied = (minutes: number, model = 'anthropic.claude-3-haiku-20240307-v1:0') =>
    ct({
      time: at(T, minutes),
      source: 'bedrock.amazonaws.com',
      name: 'InvokeModel',
      who,
      ip: VPS,
      ua: CLI_OFFICE,
      req: { modelId: model },
      error: 'AccessDenied',
    });

  it('counts the densest 15 minutes, not the calls around them', async () => {
    // one call an hour before, six within 12 minutes (the last exactly 15 minutes after the
    // second), then two more half an hour later
    const calls = [-60, 0, 3, 5, 9, 12, 15, 45, 50].map((m) => denied(m));
    const fs = await caseOf('burst-pos', { 'ct.json': trail([...office(T), ...calls]) });
    const f = by(fs, 'access.bedrock-error-burst');
    expect(f).toHaveLength(1);
    expect(f[0].description).toMatch(/^6 failed Bedrock calls in 15 minutes from 203\.0\.113\.66 /);
    expect(f[0].firstSeen).toBe('2025-06-04T15:00:00.000Z');
  });

  it('is silent for a few failures of one model in one Region', async () => {
    const calls = [0, 4, 8, 12, 40].map((m) => denied(m));
    const fs = await caseOf('burst-neg', { 'ct.json': trail([...office(T), ...calls]) });
    expect(by(fs, 'access.bedrock-error-burst')).toHaveLength(0);
  });
});

describe('access: a person\u2019s long-term key', () => {
  const T = '2025-06-04T15:00:00Z';
  const key: Who = { type: 'IAMUser', user: 'platform-eng', key: 'AKIAEXAMPLEPLATFORM9' };
  const usual = [
    ...[0, 20, 40].map((m) =>
      ct({
        time: at('2025-06-04T09:00:00Z', m),
        source: 's3.amazonaws.com',
        name: 'ListBuckets',
        who: key,
        ip: OFFICE,
        ua: CLI_OFFICE,
      }),
    ),
    // a person: signs in to the console (with MFA) as well
    ct({
      time: '2025-06-04T08:55:00Z',
      source: 'signin.amazonaws.com',
      name: 'ConsoleLogin',
      who: { type: 'IAMUser', user: 'platform-eng' },
      ip: OFFICE,
      ua: BROWSER,
      resp: { ConsoleLogin: 'Success' },
      extra: { MFAUsed: 'Yes' },
      readOnly: false,
    }),
  ];
  const fnUpdate = ct({
    time: at(T, 10),
    source: 'lambda.amazonaws.com',
    name: 'UpdateFunctionCode20150331v2',
    who: key,
    ip: VPS,
    ua: BOTO_VPS,
    readOnly: false,
    req: { functionName: 'order-actions', s3Bucket: 'some-bucket', s3Key: 'x.zip' },
  });

  it('a change made from a new address and client of the key is medium, and so is the new origin', async () => {
    const first = ct({
      time: at(T, 9),
      source: 'sts.amazonaws.com',
      name: 'GetCallerIdentity',
      who: key,
      ip: VPS,
      ua: BOTO_VPS,
    });
    const fs = await caseOf('pair-pos', { 'ct.json': trail([...office(T), ...usual, first, fnUpdate]) });
    expect(by(fs, 'access.key-new-address-and-client')[0].severity).toBe('medium');
    const fn = by(fs, 'infrastructure.lambda-change')[0];
    expect(fn.severity).toBe('medium');
    expect(String(fn.details?.pairedWith)).toContain('new address');
  });

  it('a console sign-in without MFA links the same user\u2019s new key origin and what it changed', async () => {
    const login = ct({
      time: at(T, 0),
      source: 'signin.amazonaws.com',
      name: 'ConsoleLogin',
      who: { type: 'IAMUser', user: 'platform-eng' },
      ip: '203.0.113.80',
      ua: BROWSER,
      resp: { ConsoleLogin: 'Success' },
      extra: { MFAUsed: 'No' },
      readOnly: false,
    });
    const update = ct({
      time: at(T, 12),
      source: 'bedrock.amazonaws.com',
      name: 'UpdateGuardrail',
      who: key,
      ip: VPS,
      ua: BOTO_VPS,
      readOnly: false,
      req: { guardrailIdentifier: 'abcd1234efgh', name: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
      resp: { guardrailId: 'abcd1234efgh', version: 'DRAFT' },
    });
    const fs = await caseOf('user-link', { 'ct.json': trail([...office(T), ...usual, login, update]) });
    expect(by(fs, 'access.console-login-without-mfa')[0].severity).toBe('medium');
    // suspicious, not proven: the configuration is not visible, so nothing shows the guardrail weakened
    expect(by(fs, 'access.key-new-address-and-client')[0].severity).toBe('medium');
    expect(by(fs, 'ai-changes.guardrail-changed')[0].severity).toBe('medium');
  });
});

// ---- infrastructure ------------------------------------------------------------------------------------

describe('infrastructure: IAM persistence', () => {
  const T = '2025-08-05T09:12:00Z';
  const wl: Who = {
    type: 'AssumedRole',
    role: 'jobs-runner-role',
    session: 'i-0abc',
    key: 'ASIAJOBSRUNNER000009',
  };
  const iam = (
    m: number,
    name: string,
    req: unknown,
    resp?: unknown,
    who: Who = wl,
    ip = VPS,
    ua = CLI_OFFICE,
  ) => ct({ time: at(T, m), source: 'iam.amazonaws.com', name, who, ip, ua, req, resp, readOnly: false });

  it('a workload role creating an admin user with a key is high, and the key inherits the actor', async () => {
    const recs = [
      ct({
        time: at(T, 0),
        source: 'iam.amazonaws.com',
        name: 'GetAccountAuthorizationDetails',
        who: wl,
        ip: VPS,
        ua: CLI_OFFICE,
      }),
      iam(1, 'CreateUser', { userName: 'svc-backup' }),
      iam(
        2,
        'CreateAccessKey',
        { userName: 'svc-backup' },
        { accessKey: { accessKeyId: 'AKIAEXAMPLEBACKUP001', status: 'Active', userName: 'svc-backup' } },
      ),
      iam(3, 'AttachUserPolicy', {
        userName: 'svc-backup',
        policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      }),
    ];
    const use = ct({
      time: at(T, 10),
      source: 'ec2.amazonaws.com',
      name: 'AuthorizeSecurityGroupIngress',
      who: { type: 'IAMUser', user: 'svc-backup', key: 'AKIAEXAMPLEBACKUP001' },
      ip: '203.0.113.67',
      ua: CLI_OFFICE,
      readOnly: false,
      req: {
        groupId: 'sg-0123456789abcdef0',
        ipPermissions: {
          items: [
            { ipProtocol: 'tcp', fromPort: 443, toPort: 443, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } },
          ],
        },
      },
    });
    const fs = await caseOf('iam-pos', { 'ct.json': trail([...office(T), ...recs, use]) });
    const f = by(fs, 'infrastructure.iam-persistence');
    expect(f[0].severity).toBe('high');
    expect(f[0].evidence.eventIds).toHaveLength(4);
    expect(f[0].resources).toContain(`arn:aws:iam::${ACCT}:user/svc-backup`);
    expect(f[0].accessKeyIds).toContain('AKIAEXAMPLEBACKUP001');
    // a web port alone would be low; the same actor makes it high
    const sg = by(fs, 'infrastructure.security-group-open-to-world');
    expect(sg[0].severity).toBe('high');
    expect(sg[0].details?.raisedFrom).toBe('low');
  });

  it('an administrator onboarding a contractor named in the change calendar is informational and cites the ticket', async () => {
    const admin = sso('AdministratorAccess', 'ASIAADMINSESSION0002');
    const recs = [
      iam(
        0,
        'CreateUser',
        { userName: 'contractor-jdoe' },
        undefined,
        admin,
        OFFICE,
        'console.amazonaws.com',
      ),
      iam(
        1,
        'CreateLoginProfile',
        { userName: 'contractor-jdoe', passwordResetRequired: true },
        undefined,
        admin,
        OFFICE,
        'console.amazonaws.com',
      ),
      iam(
        2,
        'CreateAccessKey',
        { userName: 'contractor-jdoe' },
        { accessKey: { accessKeyId: 'AKIAEXAMPLECONTRACT1' } },
        admin,
        OFFICE,
        'console.amazonaws.com',
      ),
    ];
    const cal = {
      changes: [
        {
          ticket: 'CHG-1001',
          window: { start: at(T, -30), end: at(T, 60) },
          owner: 'admin@example.com',
          summary: 'Onboard contractor contractor-jdoe (IAM user, console access, developers group)',
        },
      ],
    };
    const fs = await caseOf('iam-neg', {
      'ct.json': trail([...office(T), ...recs]),
      'context/change-calendar.json': cal,
    });
    const f = by(fs, 'infrastructure.iam-persistence');
    expect(f[0].severity).toBe('informational');
    expect(f[0].details?.plannedChange).toBe('CHG-1001');
    expect(String(f[0].details?.triage)).toContain('matches CHG-1001');
  });

  it('a user rotating its own key is informational', async () => {
    const u: Who = { type: 'IAMUser', user: 'dev1', key: 'AKIAEXAMPLEDEVKEY001' };
    const recs = [
      iam(
        0,
        'CreateAccessKey',
        { userName: 'dev1' },
        { accessKey: { accessKeyId: 'AKIAEXAMPLEDEVKEY002' } },
        u,
        OFFICE,
      ),
    ];
    const fs = await caseOf('iam-rotate', { 'ct.json': trail([...office(T), ...recs]) });
    expect(by(fs, 'infrastructure.iam-persistence')[0].severity).toBe('informational');
  });
});

describe('infrastructure: logging tampering', () => {
  const T = '2025-04-08T18:00:00Z';
  const trailArn = `arn:aws:cloudtrail:us-east-1:${ACCT}:trail/security-audit`;
  const admin = sso('AdministratorAccess', 'ASIAADMINSESSION0003');
  const stop = (who: Who, ip: string) =>
    ct({
      time: at(T, 3),
      source: 'cloudtrail.amazonaws.com',
      name: 'StopLogging',
      who,
      ip,
      ua: CLI_OFFICE,
      req: { name: trailArn },
      readOnly: false,
    });
  const start = ct({
    time: at(T, 20),
    source: 'cloudtrail.amazonaws.com',
    name: 'StartLogging',
    who: admin,
    ip: OFFICE,
    ua: CLI_OFFICE,
    req: { name: trailArn },
    readOnly: false,
  });

  it('a trail stopped by a new user from a VPS and never restarted is high', async () => {
    const fs = await caseOf('trail-pos', {
      'ct.json': trail([
        ...office(T),
        stop({ type: 'IAMUser', user: 'svc-x', key: 'AKIAEXAMPLESVCX0001' }, VPS),
      ]),
    });
    const f = by(fs, 'infrastructure.logging-tampering');
    expect(f[0].severity).toBe('high');
    expect(f[0].attack).toEqual(['T1562.008']);
    expect(f[0].resources).toEqual([trailArn]);
  });

  it('a pause matching the change calendar and restored is informational', async () => {
    const cal = {
      changes: [
        {
          ticket: 'CHG-2080',
          window: { start: at(T, -10), end: at(T, 60) },
          owner: 'sec@example.com',
          summary:
            'Security trail security-audit: new data-event selectors (logging paused during the change)',
        },
      ],
    };
    const fs = await caseOf('trail-neg', {
      'ct.json': trail([...office(T), stop(admin, OFFICE), start]),
      'context/change-calendar.json': cal,
    });
    const f = by(fs, 'infrastructure.logging-tampering');
    expect(f[0].severity).toBe('informational');
    expect(f[0].details?.plannedChange).toBe('CHG-2080');
  });

  it('event selectors that keep management events are not tampering', async () => {
    const put = ct({
      time: at(T, 5),
      source: 'cloudtrail.amazonaws.com',
      name: 'PutEventSelectors',
      who: admin,
      ip: OFFICE,
      ua: CLI_OFFICE,
      readOnly: false,
      req: {
        trailName: trailArn,
        advancedEventSelectors: [
          { name: 'Management events', fieldSelectors: [{ field: 'eventCategory', equals: ['Management'] }] },
        ],
      },
    });
    const fs = await caseOf('selectors-neg', { 'ct.json': trail([...office(T), put]) });
    expect(by(fs, 'infrastructure.logging-tampering')).toHaveLength(0);
  });
});

describe('infrastructure: security groups and functions', () => {
  const T = '2025-08-05T14:00:00Z';
  const ci: Who = {
    type: 'AssumedRole',
    role: 'ci-deploy',
    session: 'GitHubActions',
    key: 'ASIACIDEPLOY00000001',
  };
  const sg = (port: number, who: Who, ua: string) =>
    ct({
      time: at(T, 1),
      source: 'ec2.amazonaws.com',
      name: 'AuthorizeSecurityGroupIngress',
      who,
      ip: '192.0.2.90',
      ua,
      readOnly: false,
      req: {
        groupId: 'sg-0fedcba9876543210',
        ipPermissions: {
          items: [
            {
              ipProtocol: 'tcp',
              fromPort: port,
              toPort: port,
              ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] },
            },
          ],
        },
      },
    });

  it('SSH open to the world is medium; HTTPS from the pipeline is low', async () => {
    const a = await caseOf('sg-22', { 'ct.json': trail([...office(T), sg(22, ci, TERRAFORM)]) });
    expect(by(a, 'infrastructure.security-group-open-to-world')[0].severity).toBe('medium');
    const b = await caseOf('sg-443', { 'ct.json': trail([...office(T), sg(443, ci, TERRAFORM)]) });
    expect(by(b, 'infrastructure.security-group-open-to-world')[0].severity).toBe('low');
  });

  it('a function URL without authentication and a public permission is at least medium; an IAM-auth URL from the pipeline is informational', async () => {
    const fn = (auth: string, principal: string, who: Who, ua: string) => [
      ct({
        time: at(T, 2),
        source: 'lambda.amazonaws.com',
        name: 'CreateFunction20150331',
        who,
        ip: '192.0.2.91',
        ua,
        readOnly: false,
        req: {
          functionName: 'log-forwarder',
          runtime: 'python3.12',
          role: `arn:aws:iam::${ACCT}:role/lambda-basic`,
          handler: 'app.handler',
        },
      }),
      ct({
        time: at(T, 3),
        source: 'lambda.amazonaws.com',
        name: 'CreateFunctionUrlConfig20211031',
        who,
        ip: '192.0.2.91',
        ua,
        readOnly: false,
        req: { functionName: 'log-forwarder', authType: auth },
      }),
      ct({
        time: at(T, 4),
        source: 'lambda.amazonaws.com',
        name: 'AddPermission20150331v2',
        who,
        ip: '192.0.2.91',
        ua,
        readOnly: false,
        req: {
          functionName: 'log-forwarder',
          statementId: 's1',
          action: 'lambda:InvokeFunctionUrl',
          principal,
        },
      }),
    ];
    const user: Who = { type: 'IAMUser', user: 'svc-y', key: 'AKIAEXAMPLESVCY0001' };
    const a = await caseOf('fn-pos', {
      'ct.json': trail([...office(T), ...fn('NONE', '*', user, CLI_OFFICE)]),
    });
    const fa = by(a, 'infrastructure.lambda-change');
    expect(['medium', 'high']).toContain(fa[0].severity);
    expect(fa[0].details?.publicUrl).toBe(true);
    const b = await caseOf('fn-neg', {
      'ct.json': trail([...office(T), ...fn('AWS_IAM', ACCT, ci, TERRAFORM)]),
    });
    expect(by(b, 'infrastructure.lambda-change')[0].severity).toBe('informational');
  });
});

// ---- AI changes ------------------------------------------------------------------------------------------

describe('ai-changes: invocation logging', () => {
  const T = '2025-03-12T17:00:00Z';
  const admin = sso('AdministratorAccess', 'ASIAADMINSESSION0004');
  const put = (bucket: string, m: number, region = 'ap-south-1', who: Who = admin) =>
    ct({
      time: at(T, m),
      region,
      source: 'bedrock.amazonaws.com',
      name: 'PutModelInvocationLoggingConfiguration',
      who,
      ip: OFFICE,
      ua: CLI_OFFICE,
      readOnly: false,
      req: {
        loggingConfig: {
          s3Config: { bucketName: bucket, keyPrefix: '' },
          textDataDeliveryEnabled: true,
          imageDataDeliveryEnabled: false,
          embeddingDataDeliveryEnabled: false,
        },
      },
    });
  const del = (m: number, region = 'ap-south-1', who: Who = admin) =>
    ct({
      time: at(T, m),
      region,
      source: 'bedrock.amazonaws.com',
      name: 'DeleteModelInvocationLoggingConfiguration',
      who,
      ip: OFFICE,
      ua: CLI_OFFICE,
      readOnly: false,
    });

  it('a test configuration removed by its author minutes later is informational', async () => {
    const fs = await caseOf('log-test', { 'ct.json': trail([...office(T), put('prompt-logs', 0), del(2)]) });
    expect(by(fs, 'ai-changes.invocation-logging-deleted')[0].severity).toBe('informational');
  });

  it('moving the destination to another bucket is high, with before and after', async () => {
    const fs = await caseOf('log-move', {
      'ct.json': trail([
        ...office(T),
        put('prompt-logs', 0, 'us-east-1'),
        put('exfil-drop-bucket', 60, 'us-east-1'),
      ]),
    });
    const f = by(fs, 'ai-changes.invocation-logging-changed').find((x) => x.severity === 'high');
    expect(f).toBeTruthy();
    const d = (f?.details ?? {}) as { before?: { s3Bucket: string }; after?: { s3Bucket: string } };
    expect(d.before?.s3Bucket).toBe('prompt-logs');
    expect(d.after?.s3Bucket).toBe('exfil-drop-bucket');
    // the earlier configuration (someone's planned change, perhaps) is named, not cited as evidence
    const prev = f?.details?.previousEventId;
    expect(typeof prev).toBe('string');
    expect(f?.evidence.eventIds).toHaveLength(1);
    expect(f?.evidence.eventIds).not.toContain(prev);
  });

  it('deleting a configuration nobody just created is medium', async () => {
    const fs = await caseOf('log-del', { 'ct.json': trail([...office(T), del(5, 'us-east-1')]) });
    expect(by(fs, 'ai-changes.invocation-logging-deleted')[0].severity).toBe('medium');
  });

  it("setting logging again to the organisation's own destinations after a deletion is a restore", async () => {
    const invocation = (m: number) => ({
      schemaType: 'ModelInvocationLog',
      schemaVersion: '1.0',
      timestamp: at(T, m),
      accountId: ACCT,
      identity: { arn: `arn:aws:sts::${ACCT}:assumed-role/chat-app/web` },
      region: 'us-east-1',
      requestId: `inv-${m}`,
      operation: 'InvokeModel',
      modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      input: { inputContentType: 'application/json', inputTokenCount: 5, inputBodyJson: { messages: [] } },
      output: { outputContentType: 'application/json', outputTokenCount: 5, outputBodyJson: {} },
    });
    // the organisation's own log bucket, its settings read before the deletion
    const read = (bucket: string) =>
      ct({
        time: at(T, -30),
        source: 's3.amazonaws.com',
        name: 'GetBucketPolicy',
        who: { type: 'AWSService', service: 'config.amazonaws.com' },
        ip: 'config.amazonaws.com',
        ua: 'config.amazonaws.com',
        region: 'us-east-1',
        req: { bucketName: bucket },
      });
    const logs = { 'inv.jsonl': invocation(-60) };
    const restored = await caseOf('log-restore', {
      'ct.json': trail([
        ...office(T),
        read('prompt-logs'),
        del(5, 'us-east-1'),
        put('prompt-logs', 600, 'us-east-1'),
      ]),
      ...logs,
    });
    const r = by(restored, 'ai-changes.invocation-logging-changed');
    expect(r).toHaveLength(1);
    expect(r[0].severity).toBe('informational');
    expect(r[0].resources ?? []).toEqual([]);
    expect(r[0].title).toContain('set again');
    // a bucket nobody named before the deletion is logging pointed somewhere new
    const moved = await caseOf('log-restore-new', {
      'ct.json': trail([
        ...office(T),
        read('prompt-logs'),
        del(5, 'us-east-1'),
        put('drop-bucket', 600, 'us-east-1'),
      ]),
      ...logs,
    });
    const m = by(moved, 'ai-changes.invocation-logging-changed');
    expect(m[0].title).not.toContain('set again');
    expect(m[0].resources).toContain('drop-bucket');
  });
});

describe('ai-changes: guardrails', () => {
  const T = '2025-06-03T12:00:00Z';
  const gid = 'abcd1234efgh';
  const filters = (s: string) => ({
    filtersConfig: [
      { type: 'PROMPT_ATTACK', inputStrength: s, outputStrength: 'NONE' },
      { type: 'INSULTS', inputStrength: 'HIGH', outputStrength: 'HIGH' },
    ],
  });
  const create = ct({
    time: at(T, 0),
    source: 'bedrock.amazonaws.com',
    name: 'CreateGuardrail',
    who: { type: 'AssumedRole', role: 'ci-deploy', session: 'GitHubActions', key: 'ASIACIDEPLOY00000002' },
    ip: '192.0.2.90',
    ua: TERRAFORM,
    readOnly: false,
    req: {
      name: 'support-guardrail',
      contentPolicyConfig: filters('HIGH'),
      topicPolicyConfig: { topicsConfig: [{ name: 'Investment advice', type: 'DENY' }] },
    },
    resp: {
      guardrailId: gid,
      guardrailArn: `arn:aws:bedrock:us-east-1:${ACCT}:guardrail/${gid}`,
      version: 'DRAFT',
    },
  });
  const update = (s: string, topics: string[]) =>
    ct({
      time: at(T, 120),
      source: 'bedrock.amazonaws.com',
      name: 'UpdateGuardrail',
      who: { type: 'IAMUser', user: 'platform-eng', key: 'AKIAEXAMPLEPLATFORM2' },
      ip: VPS,
      ua: CLI_OFFICE,
      readOnly: false,
      req: {
        guardrailIdentifier: gid,
        name: 'support-guardrail',
        contentPolicyConfig: filters(s),
        topicPolicyConfig: { topicsConfig: topics.map((name) => ({ name, type: 'DENY' })) },
      },
      resp: {
        guardrailId: gid,
        guardrailArn: `arn:aws:bedrock:us-east-1:${ACCT}:guardrail/${gid}`,
        version: 'DRAFT',
      },
    });

  it('filters lowered and a topic removed: high, with before and after', async () => {
    const fs = await caseOf('gr-pos', { 'ct.json': trail([...office(T), create, update('NONE', [])]) });
    const f = by(fs, 'ai-changes.guardrail-changed');
    expect(f[0].severity).toBe('high');
    expect(f[0].resources).toContain(gid);
    const diff = f[0].details?.diff as { lowered: string[]; removedTopics: string[] };
    expect(diff.lowered).toEqual(['PROMPT_ATTACK input HIGH → NONE']);
    expect(diff.removedTopics).toEqual(['Investment advice']);
  });

  it('filters raised: informational', async () => {
    const fs = await caseOf('gr-neg', {
      'ct.json': trail([...office(T), create, update('HIGH', ['Investment advice', 'Medical advice'])]),
    });
    expect(by(fs, 'ai-changes.guardrail-changed')[0].severity).toBe('informational');
  });
});

describe('ai-changes: an agent capability switched on', () => {
  const T = '2025-06-03T12:00:00Z';
  const runner: Who = {
    type: 'AssumedRole',
    role: 'jobs-runner-role',
    session: 'i-0abc123',
    key: 'ASIAJOBSRUNNER000002',
  };
  const deploy: Who = {
    type: 'AssumedRole',
    role: 'ci-deploy',
    session: 'GitHubActions',
    key: 'ASIACIDEPLOY00000009',
  };
  const enable = (who: Who, ua: string, signature: string) =>
    ct({
      time: at(T, 5),
      source: 'bedrock.amazonaws.com',
      name: 'CreateAgentActionGroup',
      who,
      ip: VPS,
      ua,
      readOnly: false,
      req: {
        agentId: 'AGENTCAP01',
        agentVersion: 'DRAFT',
        actionGroupName: 'CodeInterpreterAction',
        parentActionGroupSignature: signature,
        actionGroupState: 'ENABLED',
      },
      resp: {
        agentActionGroup: {
          agentId: 'AGENTCAP01',
          actionGroupId: 'AGID000001',
          parentActionSignature: signature,
        },
      },
    });
  const home = [0, 2].map((m) =>
    ct({
      time: at(T, m),
      source: 's3.amazonaws.com',
      name: 'ListBuckets',
      who: runner,
      ip: INSTANCE,
      ua: BOTO_APP,
    }),
  );

  it('code interpretation switched on by a workload role: high, named in the title', async () => {
    const fs = await caseOf('cap-workload', {
      'ct.json': trail([...office(T), ...home, enable(runner, BOTO_VPS, 'AMAZON.CodeInterpreter')]),
    });
    const f = by(fs, 'ai-changes.agent-change');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('high');
    expect(f[0].title).toMatch(/^AMAZON\.CodeInterpreter enabled on agent AGENTCAP01/);
    expect(f[0].details?.capabilitiesEnabled).toEqual(['AMAZON.CodeInterpreter']);
  });

  it('the release pipeline re-applying it: informational', async () => {
    const fs = await caseOf('cap-pipeline', {
      'ct.json': trail([...office(T), enable(deploy, TERRAFORM, 'AMAZON.CodeInterpreter')]),
    });
    expect(by(fs, 'ai-changes.agent-change')[0].severity).toBe('informational');
  });
});

describe('ai-changes: agent memory switched on', () => {
  const T = '2025-06-04T03:00:00Z';
  const engineer = sso('PowerUser', 'ASIAPOWERUSER0000001', 'ana@example.com');
  const app: Who = {
    type: 'AssumedRole',
    role: 'portal-api-role',
    session: 'portal-api',
    key: 'ASIAPORTALAPI0000001',
  };
  const invoke = (minutes: number, memoryId?: string) =>
    ct({
      time: at(T, minutes),
      source: 'bedrock.amazonaws.com',
      name: 'InvokeAgent',
      who: app,
      ip: INSTANCE,
      ua: BOTO_APP,
      req: {
        agentId: 'AGENTMEM01',
        agentAliasId: 'ALIAS00001',
        sessionId: `s${minutes}`,
        ...(memoryId ? { memoryId } : {}),
      },
    });
  const memoryConfiguration = {
    enabledMemoryTypes: ['SESSION_SUMMARY'],
    storageDays: 365,
    sessionSummaryConfiguration: { maxRecentSessions: 50 },
  };
  const update = (minutes: number) =>
    ct({
      time: at(T, minutes),
      source: 'bedrock.amazonaws.com',
      name: 'UpdateAgent',
      who: engineer,
      ip: OFFICE,
      ua: BROWSER,
      readOnly: false,
      req: {
        agentId: 'AGENTMEM01',
        agentName: 'concierge',
        foundationModel: 'anthropic.claude-3-5-sonnet',
        memoryConfiguration,
      },
      resp: { agent: { agentId: 'AGENTMEM01', agentStatus: 'UPDATING', memoryConfiguration } },
    });
  const before = [-300, -200, -100].map((m) => invoke(m));
  const after = [30, 60].map((m) => invoke(m, 'ACC-1.user'));

  it('a person switching on long-retention memory with no ticket: medium, named in the title', async () => {
    const fs = await caseOf('mem-unplanned', {
      'ct.json': trail([...office(T), ...before, update(0), ...after]),
    });
    const f = by(fs, 'ai-changes.agent-change');
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('medium');
    expect(f[0].title).toMatch(/^memory \(SESSION_SUMMARY, 365 days\) enabled on agent AGENTMEM01/);
    expect(f[0].details?.memoryEnabled).toEqual({ types: ['SESSION_SUMMARY'], storageDays: 365 });
  });

  it('re-applying memory that is already on, and the same change under a ticket: not medium', async () => {
    const again = await caseOf('mem-again', {
      'ct.json': trail([...office(T), ...before, update(0), ...after, update(1440)]),
    });
    const fs = by(again, 'ai-changes.agent-change').sort((a, b) => a.firstSeen.localeCompare(b.firstSeen));
    expect(fs.map((f) => f.details?.memoryEnabled === null)).toEqual([false, true]);
    // memory already in use before the change (sessions carried a memoryId): not switched on
    const inUse = await caseOf('mem-in-use', {
      'ct.json': trail([...office(T), invoke(-100, 'ACC-1.user'), update(0), ...after]),
    });
    expect(by(inUse, 'ai-changes.agent-change')[0].details?.memoryEnabled).toBeNull();
    const planned = await caseOf('mem-planned', {
      'ct.json': trail([...office(T), ...before, update(0), ...after]),
      'context/change-calendar.json': {
        changes: [
          {
            ticket: 'CHG-3100',
            window: { start: at(T, -30), end: at(T, 60) },
            owner: 'ana@example.com',
            summary: 'Concierge agent AGENTMEM01: enable session-summary memory',
          },
        ],
      },
    });
    const p = by(planned, 'ai-changes.agent-change')[0];
    expect(p.severity).toBe('informational');
    expect(p.details?.plannedChange).toBe('CHG-3100');
  });
});

describe('ai-changes: provisioned throughput and model ids', () => {
  const T = '2025-09-10T21:00:00Z';
  const pt = (units: number, commitment: string | undefined) =>
    ct({
      time: T,
      source: 'bedrock.amazonaws.com',
      name: 'CreateProvisionedModelThroughput',
      who: { type: 'IAMUser', user: 'ml-eng', key: 'AKIAEXAMPLEMLENG0001' },
      ip: OFFICE,
      ua: CLI_OFFICE,
      readOnly: false,
      req: {
        modelUnits: units,
        provisionedModelName: 'pt-1',
        modelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
        ...(commitment ? { commitmentDuration: commitment } : {}),
      },
      resp: { provisionedModelArn: `arn:aws:bedrock:us-east-1:${ACCT}:provisioned-model/abc123def456` },
    });

  it('a month of ten units is medium; one unit without commitment is low', async () => {
    const a = await caseOf('pt-pos', { 'ct.json': trail([...office(T), pt(10, 'OneMonth')]) });
    expect(by(a, 'ai-changes.provisioned-throughput')[0].severity).toBe('medium');
    const b = await caseOf('pt-neg', { 'ct.json': trail([...office(T), pt(1, undefined)]) });
    expect(by(b, 'ai-changes.provisioned-throughput')[0].severity).toBe('low');
  });

  it('a workload changing the model-id parameter, followed by the application switching model, is medium', async () => {
    const app: Who = {
      type: 'AssumedRole',
      role: 'chatbot-api-role',
      session: 'chatbot',
      key: 'ASIACHATBOTAPP000001',
    };
    const calls = (model: string, from: number, count: number) =>
      Array.from({ length: count }, (_, i) =>
        ct({
          time: at(T, from + i),
          source: 'bedrock.amazonaws.com',
          name: 'InvokeModel',
          who: app,
          ip: '192.0.2.50',
          ua: BOTO_APP,
          req: { modelId: model },
        }),
      );
    const custom = `arn:aws:bedrock:us-east-1:${ACCT}:provisioned-model/zzz999yyy888`;
    const put = (who: Who, ua: string) =>
      ct({
        time: at(T, 30),
        source: 'ssm.amazonaws.com',
        name: 'PutParameter',
        who,
        ip: VPS,
        ua,
        readOnly: false,
        req: { name: '/prod/chatbot/model-id', type: 'String', overwrite: true, value: '****' },
        resp: { version: 7, tier: 'Standard' },
      });
    const nb: Who = {
      type: 'AssumedRole',
      role: 'ml-notebook-role',
      session: 'SageMaker',
      key: 'ASIANOTEBOOK00000001',
    };
    const fs = await caseOf('ssm-pos', {
      'ct.json': trail([
        ...office(T),
        ...calls('anthropic.claude-3-haiku-20240307-v1:0', 0, 25),
        put(nb, BOTO_VPS),
        ...calls(custom, 40, 3),
      ]),
    });
    const f = by(fs, 'ai-changes.model-parameter-changed');
    expect(f[0].severity).toBe('medium');
    expect(f[0].evidence.eventIds).toHaveLength(4);
    expect(f[0].resources).toContain(custom);
    const ci: Who = {
      type: 'AssumedRole',
      role: 'ci-deploy',
      session: 'GitHubActions',
      key: 'ASIACIDEPLOY00000003',
    };
    const g = await caseOf('ssm-neg', {
      'ct.json': trail([
        ...office(T),
        ...calls('anthropic.claude-3-haiku-20240307-v1:0', 0, 25),
        put(ci, TERRAFORM),
      ]),
    });
    expect(by(g, 'ai-changes.model-parameter-changed')[0].severity).toBe('informational');
  });

  it("a model the application first called after the parameter's next change belongs to that change", async () => {
    const app: Who = {
      type: 'AssumedRole',
      role: 'advisor-api-role',
      session: 'advisor',
      key: 'ASIAADVISORAPP000001',
    };
    const svc: Who = { type: 'IAMUser', user: 'svc-ml', key: 'AKIASVCMLEXAMPLE0001' };
    const calls = (model: string, from: number, count: number) =>
      Array.from({ length: count }, (_, i) =>
        ct({
          time: at(T, from + i),
          source: 'bedrock.amazonaws.com',
          name: 'InvokeModel',
          who: app,
          ip: '192.0.2.50',
          ua: BOTO_APP,
          req: { modelId: model },
        }),
      );
    const put = (minute: number, version: number) =>
      ct({
        time: at(T, minute),
        source: 'ssm.amazonaws.com',
        name: 'PutParameter',
        who: svc,
        ip: VPS,
        ua: BOTO_VPS,
        readOnly: false,
        req: { name: '/prod/advisor/model-arn', type: 'String', overwrite: true, value: '****' },
        resp: { version, tier: 'Standard' },
      });
    const v7 = `arn:aws:bedrock:us-west-2:${ACCT}:imported-model/aaaa1111bbbb`;
    const swapped = `arn:aws:bedrock:us-west-2:${ACCT}:imported-model/cccc2222dddd`;
    const fs = await caseOf('ssm-two-changes', {
      'ct.json': trail([
        ...office(T),
        ...calls('meta.llama3-1-8b-instruct-v1:0', 0, 25),
        put(30, 7),
        ...calls(v7, 40, 10),
        put(120, 8),
        ...calls(swapped, 140, 10),
      ]),
    });
    const [first, second] = by(fs, 'ai-changes.model-parameter-changed').sort((a, b) =>
      a.firstSeen.localeCompare(b.firstSeen),
    );
    expect(first.resources).toContain(v7);
    expect(first.resources).not.toContain(swapped);
    expect(first.evidence.eventIds).toHaveLength(11);
    expect(second.resources).toContain(swapped);
    expect(second.evidence.eventIds).toHaveLength(11);
  });
});

// ---- data stores -----------------------------------------------------------------------------------------

describe('data-store: knowledge-base source writes', () => {
  const T = '2025-05-20T18:00:00Z';
  const kbBucket = 'support-kb-docs';
  const ds = ct({
    time: at(T, -600),
    source: 'bedrock.amazonaws.com',
    name: 'CreateDataSource',
    who: { type: 'AssumedRole', role: 'ci-deploy', session: 'GitHubActions', key: 'ASIACIDEPLOY00000004' },
    ip: '192.0.2.90',
    ua: TERRAFORM,
    readOnly: false,
    req: {
      knowledgeBaseId: 'KBID123456',
      name: 'docs',
      dataSourceConfiguration: { type: 'S3', s3Configuration: { bucketArn: `arn:aws:s3:::${kbBucket}` } },
    },
    resp: { dataSource: { knowledgeBaseId: 'KBID123456', dataSourceId: 'DSID123456' } },
  });
  const put = (who: Who, ip: string, ua: string, m: number) =>
    ct({
      time: at(T, m),
      source: 's3.amazonaws.com',
      name: 'PutObject',
      who,
      ip,
      ua,
      readOnly: false,
      data: true,
      req: { bucketName: kbBucket, key: 'policies/refunds.md', Host: `${kbBucket}.s3.amazonaws.com` },
    });

  it("a customisation job's training read in the minutes after an ingestion does not make its bucket a source", async () => {
    const trainBucket = 'ml-training-data';
    const editor = sso('SupportContentEditor', 'ASIAEDITORSESSION009');
    const ci: Who = {
      type: 'AssumedRole',
      role: 'ci-deploy',
      session: 'GitHubActions',
      key: 'ASIACIDEPLOY00000019',
    };
    const jobRole: Who = {
      type: 'AssumedRole',
      role: 'bedrock-customization-role',
      path: 'service-role/',
      session: 'bedrock-customization',
      key: 'ASIAJOBROLE000000019',
    };
    const recs = [
      ct({
        time: at(T, -3),
        source: 'bedrock.amazonaws.com',
        name: 'StartIngestionJob',
        who: editor,
        ip: OFFICE,
        ua: BROWSER,
        readOnly: false,
        req: { knowledgeBaseId: 'KBID123456', dataSourceId: 'DSID123456' },
      }),
      ct({
        time: at(T, -2),
        source: 'bedrock.amazonaws.com',
        name: 'CreateModelCustomizationJob',
        who: ci,
        ip: '192.0.2.93',
        ua: TERRAFORM,
        readOnly: false,
        req: {
          jobName: 'ft-1',
          roleArn: `arn:aws:iam::${ACCT}:role/service-role/bedrock-customization-role`,
          trainingDataConfig: { s3Uri: `s3://${trainBucket}/curated/train.jsonl` },
        },
      }),
      {
        ...ct({
          time: at(T, 5),
          source: 's3.amazonaws.com',
          name: 'GetObject',
          who: jobRole,
          ip: 'bedrock.amazonaws.com',
          ua: 'bedrock.amazonaws.com',
          data: true,
          req: { bucketName: trainBucket, key: 'curated/train.jsonl' },
        }),
      },
      ct({
        time: at(T, 30),
        source: 's3.amazonaws.com',
        name: 'PutObject',
        who: { type: 'IAMUser', user: 'svc-etl', key: 'AKIAETLUSER000000019' },
        ip: VPS,
        ua: CLI_OFFICE,
        readOnly: false,
        data: true,
        req: { bucketName: trainBucket, key: 'curated/train.jsonl' },
      }),
    ];
    const fs = await caseOf('kb-vs-training', { 'ct.json': trail([...office(T), ds, ...recs]) });
    expect(by(fs, 'data-store.kb-source-written')).toHaveLength(0);
    const f = by(fs, 'data-store.training-data-written')[0];
    expect(f.resources).toEqual([trainBucket]);
  });

  it('a content editor uploading from the console is informational', async () => {
    const editor = sso('SupportContentEditor', 'ASIAEDITORSESSION001');
    const fs = await caseOf('kb-neg', {
      'ct.json': trail([...office(T), ds, put(editor, OFFICE, BROWSER, 0)]),
    });
    const f = by(fs, 'data-store.kb-source-written');
    expect(f[0].severity).toBe('informational');
    expect(f[0].resources).toEqual(expect.arrayContaining([kbBucket, 'KBID123456', 'DSID123456']));
  });

  it('a pipeline writing to the source bucket for the first time and starting ingestion at once is medium', async () => {
    const ci: Who = {
      type: 'AssumedRole',
      role: 'ci-deploy',
      session: 'GitHubActions',
      key: 'ASIACIDEPLOY00000006',
    };
    const recs = [
      put(ci, '192.0.2.92', TERRAFORM, 0),
      ct({
        time: at(T, 3),
        source: 'bedrock.amazonaws.com',
        name: 'StartIngestionJob',
        who: ci,
        ip: '192.0.2.92',
        ua: TERRAFORM,
        readOnly: false,
        req: { knowledgeBaseId: 'KBID123456', dataSourceId: 'DSID123456' },
        resp: { ingestionJob: { ingestionJobId: 'JOB2', status: 'STARTING' } },
      }),
    ];
    const fs = await caseOf('kb-ingest', { 'ct.json': trail([...office(T), ds, ...recs]) });
    const f = by(fs, 'data-store.kb-source-written')[0];
    expect(f.severity).toBe('medium');
    expect(f.evidence.eventIds).toHaveLength(2);
  });

  it('a stolen pipeline session writing to the source bucket is high', async () => {
    const ci: Who = {
      type: 'AssumedRole',
      role: 'ci-deploy',
      session: 'GitHubActions',
      key: 'ASIACIDEPLOY00000005',
    };
    const recs = [
      ct({
        time: at(T, 0),
        source: 'sts.amazonaws.com',
        name: 'GetCallerIdentity',
        who: ci,
        ip: '192.0.2.91',
        ua: TERRAFORM,
      }),
      ct({
        time: at(T, 1),
        source: 'lambda.amazonaws.com',
        name: 'GetFunction20150331v2',
        who: ci,
        ip: '192.0.2.91',
        ua: TERRAFORM,
      }),
      ct({
        time: at(T, 20),
        source: 'bedrock.amazonaws.com',
        name: 'ListKnowledgeBases',
        who: ci,
        ip: VPS,
        ua: BOTO_VPS,
      }),
      put(ci, VPS, BOTO_VPS, 22),
      ct({
        time: at(T, 24),
        source: 'bedrock.amazonaws.com',
        name: 'StartIngestionJob',
        who: ci,
        ip: VPS,
        ua: BOTO_VPS,
        readOnly: false,
        req: { knowledgeBaseId: 'KBID123456', dataSourceId: 'DSID123456' },
        resp: { ingestionJob: { ingestionJobId: 'JOB1', status: 'STARTING' } },
      }),
    ];
    const fs = await caseOf('kb-pos', { 'ct.json': trail([...office(T), ds, ...recs]) });
    expect(by(fs, 'access.session-credentials-reused-elsewhere')[0].severity).toBe('high');
    expect(by(fs, 'data-store.kb-source-written')[0].severity).toBe('high');
    const ingestion = by(fs, 'data-store.kb-change').find((f) => f.title.includes('StartIngestionJob'));
    expect(ingestion?.severity).toBe('high');
  });
});

// ---- external findings -------------------------------------------------------------------------------

describe('GuardDuty findings', () => {
  const T = '2025-08-05T09:10:00Z';
  const wl: Who = {
    type: 'AssumedRole',
    role: 'jobs-runner-role',
    session: 'i-0abc',
    key: 'ASIAJOBSRUNNER000007',
  };
  const recs = [
    ct({
      time: at(T, 0),
      source: 's3.amazonaws.com',
      name: 'ListBuckets',
      who: wl,
      ip: INSTANCE,
      ua: BOTO_APP,
    }),
    ct({
      time: at(T, 5),
      source: 'sts.amazonaws.com',
      name: 'GetCallerIdentity',
      who: wl,
      ip: VPS,
      ua: CLI_OFFICE,
    }),
  ];
  const gd = (
    idv: string,
    type: string,
    key: string,
    ip: string,
    api: string,
    archived: boolean,
    sev: number,
  ) => ({
    schemaVersion: '2.0',
    accountId: ACCT,
    region: 'us-east-1',
    partition: 'aws',
    id: idv,
    arn: `arn:aws:guardduty:us-east-1:${ACCT}:detector/d1/finding/${idv}`,
    type,
    resource: {
      resourceType: 'AccessKey',
      accessKeyDetails: {
        accessKeyId: key,
        principalId: 'AROAEXAMPLEROLEID01:i-0abc',
        userType: 'AssumedRole',
        userName: 'jobs-runner-role',
      },
    },
    service: {
      serviceName: 'guardduty',
      detectorId: 'd1',
      action: {
        actionType: 'AWS_API_CALL',
        awsApiCallAction: {
          api,
          serviceName: 'sts.amazonaws.com',
          callerType: 'Remote IP',
          remoteIpDetails: { ipAddressV4: ip },
        },
      },
      eventFirstSeen: at(T, 4),
      eventLastSeen: at(T, 6),
      archived,
      count: 1,
    },
    severity: sev,
    createdAt: at(T, 10),
    updatedAt: at(T, 10),
    title: `${type} title`,
    description: 'test',
  });

  it('joins the CloudTrail record, raises a corroborated finding and lowers an archived one', async () => {
    const findings = [
      gd(
        'f'.repeat(32),
        'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS',
        'ASIAJOBSRUNNER000007',
        VPS,
        'GetCallerIdentity',
        false,
        8,
      ),
      gd(
        'e'.repeat(32),
        'Discovery:IAMUser/AnomalousBehavior',
        'ASIAOTHERKEY00000001',
        '192.0.2.77',
        'ListRoles',
        true,
        2,
      ),
    ];
    const fs = await caseOf('gd', {
      'ct.json': trail([...office(T), ...recs]),
      'guardduty/findings.json': findings,
    });
    const a = fs.find((f) => f.evidence.findingIds?.includes('f'.repeat(32)));
    expect(a?.ruleId).toBe('guardduty:UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS');
    expect(a?.severity).toBe('high');
    expect(a?.evidence.eventIds).toEqual([recs[1].eventID]);
    expect(String(a?.details?.triage)).toContain('same actor');
    const b = fs.find((f) => f.evidence.findingIds?.includes('e'.repeat(32)));
    expect(b?.severity).toBe('informational');
    expect(String(b?.details?.triage)).toContain('archived');
  });

  it('keeps an archived finding that only a suppression rule of its own subject archived', async () => {
    const stolen: Who = { type: 'IAMUser', user: 'dev-jo', key: 'AKIADEVJOEXAMPLE0001' };
    const audit = sso('SecurityAudit', 'ASIAAUDITEXAMPLE0002');
    const IPC = 'service.action.awsApiCallAction.remoteIpDetails.ipAddressV4';
    const filter = (who: Who, ip: string, ua: string, minute: number, name: string, match: string) =>
      ct({
        time: at(T, minute),
        source: 'guardduty.amazonaws.com',
        name: 'CreateFilter',
        who,
        ip,
        ua,
        readOnly: false,
        req: {
          detectorId: 'd1',
          name,
          action: 'ARCHIVE',
          rank: 1,
          findingCriteria: { criterion: { [IPC]: { matches: [match] } } },
        },
        resp: { name },
      });
    const own = filter(stolen, VPS, BOTO_VPS, -30, 'quiet-scanner', '203.0.113.*');
    const team = filter(audit, OFFICE, CLI_OFFICE, -60, 'scanner-range', '192.0.2.*');
    const call = ct({
      time: at(T, 5),
      source: 'sts.amazonaws.com',
      name: 'GetCallerIdentity',
      who: stolen,
      ip: VPS,
      ua: BOTO_VPS,
    });
    const scanner: Who = {
      type: 'AssumedRole',
      role: 'vuln-scanner',
      session: 'sweep',
      key: 'ASIASCANNEREXAMPLE01',
    };
    const scan = ct({
      time: at(T, 5),
      source: 'iam.amazonaws.com',
      name: 'ListRoles',
      who: scanner,
      ip: '192.0.2.44',
      ua: CLI_OFFICE,
    });
    const findings = [
      gd(
        'c'.repeat(32),
        'Discovery:IAMUser/AnomalousBehavior',
        'AKIADEVJOEXAMPLE0001',
        VPS,
        'GetCallerIdentity',
        true,
        2,
      ),
      gd(
        'd'.repeat(32),
        'Discovery:IAMUser/AnomalousBehavior',
        'ASIASCANNEREXAMPLE01',
        '192.0.2.44',
        'ListRoles',
        true,
        2,
      ),
    ];
    const fs = await caseOf('gd-suppressed', {
      'ct.json': trail([...office(T), team, own, call, scan]),
      'guardduty/findings.json': findings,
    });
    const hidden = fs.find((f) => f.evidence.findingIds?.includes('c'.repeat(32)));
    expect(hidden?.severity).not.toBe('informational');
    expect(hidden?.details?.suppressedBy).toEqual([
      `arn:aws:guardduty:us-east-1:${ACCT}:detector/d1/filter/quiet-scanner`,
    ]);
    expect(hidden?.evidence.eventIds).toContain(own.eventID);
    expect(String(hidden?.details?.triage)).toContain('suppressed, not reviewed');
    const closed = fs.find((f) => f.evidence.findingIds?.includes('d'.repeat(32)));
    expect(closed?.severity).toBe('informational');
    expect(String(closed?.details?.triage)).toContain('suppression rule scanner-range');
  });

  it("lowers a threat-list finding on an address several of the organisation's people work from", async () => {
    const EXIT = '198.51.100.99';
    const people = [
      sso('SecurityAudit', 'ASIAAUDITEXAMPLE0001'),
      sso('DataScientist', 'ASIADSEXAMPLE0000001'),
    ];
    const use = (who: Who, minute: number, name: string) =>
      ct({ time: at(T, minute), source: 'iam.amazonaws.com', name, who, ip: EXIT, ua: CLI_OFFICE });
    const finding = (ip: string) => ({
      ...gd(
        'a'.repeat(32),
        'Recon:IAMUser/MaliciousIPCaller',
        'ASIAAUDITEXAMPLE0001',
        ip,
        'ListRoles',
        false,
        5,
      ),
    });
    const shared = await caseOf('gd-vpn-exit', {
      'ct.json': trail([...office(T), use(people[0], 5, 'ListRoles'), use(people[1], 300, 'ListUsers')]),
      'guardduty/findings.json': [finding(EXIT)],
    });
    const a = shared.find((f) => f.evidence.findingIds?.includes('a'.repeat(32)));
    expect(a?.severity).toBe('informational');
    expect(String(a?.details?.triage)).toContain('threat list');
    // one person alone at the address: not lowered by this rule
    const alone = await caseOf('gd-vpn-alone', {
      'ct.json': trail([...office(T), use(people[0], 5, 'ListRoles')]),
      'guardduty/findings.json': [finding(EXIT)],
    });
    const b = alone.find((f) => f.evidence.findingIds?.includes('a'.repeat(32)));
    expect(b?.severity).toBe('low');
  });
});

describe('GuardDuty findings about the account scanner', () => {
  const T = '2025-08-06T00:00:00Z';
  const SCANNER_IP = '198.51.100.200';
  const scanner: Who = {
    type: 'AssumedRole',
    role: 'posture-scanner-role',
    session: 'scan',
    key: 'ASIASCANNER000000001',
  };
  // a day of reads in five Regions, every hour, from the scanner's own address
  const sweep: Record<string, unknown>[] = [];
  for (let h = 0; h < 24; h++)
    for (const region of ['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-2'])
      for (const name of ['DescribeInstances', 'ListBuckets', 'DescribeSecurityGroups'])
        sweep.push(
          ct({
            time: at(T, h * 60 + 5),
            region,
            source: 'ec2.amazonaws.com',
            name,
            who: scanner,
            ip: SCANNER_IP,
            ua: BOTO_APP,
          }),
        );
  const finding = (idv: string, ip: string) => ({
    schemaVersion: '2.0',
    accountId: ACCT,
    region: 'us-east-1',
    partition: 'aws',
    id: idv,
    arn: `arn:aws:guardduty:us-east-1:${ACCT}:detector/d1/finding/${idv}`,
    type: 'Discovery:IAMUser/AnomalousBehavior',
    resource: {
      resourceType: 'AccessKey',
      accessKeyDetails: {
        accessKeyId: 'ASIASCANNER000000001',
        principalId: 'AROAEXAMPLESCANNER1:scan',
        userType: 'AssumedRole',
        userName: 'posture-scanner-role',
      },
    },
    service: {
      serviceName: 'guardduty',
      detectorId: 'd1',
      action: {
        actionType: 'AWS_API_CALL',
        awsApiCallAction: {
          api: 'ListBuckets',
          serviceName: 's3.amazonaws.com',
          callerType: 'Remote IP',
          remoteIpDetails: { ipAddressV4: ip },
        },
      },
      eventFirstSeen: at(T, 600),
      eventLastSeen: at(T, 601),
      archived: false,
      count: 1,
    },
    severity: 5,
    createdAt: at(T, 610),
    updatedAt: at(T, 610),
    title: 'Discovery title',
    description: 'test',
  });

  it('lowers a finding from where the scanner works, not one from an address the scanner never used', async () => {
    const fs = await caseOf('gd-scanner', {
      'ct.json': trail(sweep),
      'guardduty/findings.json': [finding('a'.repeat(32), SCANNER_IP), finding('b'.repeat(32), VPS)],
    });
    const home = fs.find((f) => f.evidence.findingIds?.includes('a'.repeat(32)));
    const away = fs.find((f) => f.evidence.findingIds?.includes('b'.repeat(32)));
    expect(String(home?.details?.triage)).toContain("the account's scanner");
    expect(String(away?.details?.triage)).not.toContain("the account's scanner");
    expect(String(away?.details?.triage)).toContain('not corroborated');
  });
});

// ---- pure helpers ----------------------------------------------------------------------------------------

describe('context matching', () => {
  const entries: ContextEntry[] = [
    {
      kind: 'planned-change',
      type: 'change',
      ticket: 'CHG-5521',
      owner: 'platform@example.com',
      start: '2025-06-03T16:00:00.000Z',
      end: '2025-06-03T18:00:00.000Z',
      sourceIps: [],
      principals: [],
      sourceIdentity: null,
      text: 'Guardrail support-guardrail: add denied topic "Medical advice"; new version 7 via platform-infra pipeline',
    },
    {
      kind: 'declared-activity',
      type: 'red-team-exercise',
      ticket: 'SEC-1187',
      owner: 'security@example.com',
      start: '2025-06-03T10:00:00.000Z',
      end: '2025-06-03T20:00:00.000Z',
      sourceIps: ['198.51.100.7'],
      principals: [],
      sourceIdentity: null,
      text: 'Read-only review of the Bedrock configuration.',
    },
  ];
  const g = { service: 'bedrock.amazonaws.com', action: 'UpdateGuardrail' };

  it('a pipeline update inside the window matches strongly; outside it does not match', () => {
    expect(matchContext(entries, { ...g, time: '2025-06-03T17:00:00Z', pipeline: true })?.strength).toBe(
      'strong',
    );
    expect(matchContext(entries, { ...g, time: '2025-06-03T17:00:00Z' })?.strength).toBe('window');
    expect(matchContext(entries, { ...g, time: '2025-06-04T15:00:00Z', pipeline: true })).toBeNull();
  });

  it('a declared read-only activity covers reads from its address, not writes', () => {
    const s = { time: '2025-06-03T12:00:00Z', sourceIp: '198.51.100.7', service: 'iam.amazonaws.com' };
    expect(matchContext(entries, { ...s, action: 'ListUsers', readOnly: true })?.ticket).toBe('SEC-1187');
    expect(matchContext(entries, { ...s, action: 'CreateUser', readOnly: false })).toBeNull();
  });

  it('summary names are identifier-like tokens', () => {
    expect(summaryNames(entries[0].text)).toEqual(['support-guardrail', 'platform-infra']);
    expect(summaryNames('import from s3://ml-staging/v7/ then switch /prod/advisor/model-arn')).toEqual([
      's3://ml-staging/v7',
      'ml-staging',
      'prod/advisor/model-arn',
    ]);
  });

  it('matches a change by what the request names: a parameter path, an S3 location, a model name', () => {
    const plan: ContextEntry[] = [
      {
        kind: 'planned-change',
        type: 'change',
        ticket: 'CHG-7001',
        owner: 'ml-lead@example.com',
        start: '2025-06-03T02:00:00.000Z',
        end: '2025-06-03T06:00:00.000Z',
        sourceIps: [],
        principals: [],
        sourceIdentity: null,
        text: 'ML: import advisor-llama-v7 (Custom Model Import) from s3://ml-import-staging/advisor/v7/ via the ml-pipeline, then switch /prod/advisor/model-arn to the new model',
      },
    ];
    const time = '2025-06-03T03:00:00Z';
    const job = (uri: string, name: string) =>
      matchContext(plan, {
        time,
        service: 'bedrock.amazonaws.com',
        action: 'CreateModelImportJob',
        requestNames: requestNames({
          jobName: `${name}-import`,
          importedModelName: name,
          roleArn: 'arn:aws:iam::111122223333:role/import-role',
          modelDataSource: { s3DataSource: { s3Uri: uri } },
        }),
      });
    expect(job('s3://ml-import-staging/advisor/v7/', 'advisor-llama-v7')?.strength).toBe('strong');
    // same kind of change in the window, but other weights and another model: only the window fits
    expect(job('s3://someone-elses-bucket/weights/', 'advisor-llama-v9')?.strength).toBe('window');
    // the parameter the change names, written with its leading slash
    const put = matchContext(plan, {
      time,
      service: 'ssm.amazonaws.com',
      action: 'PutParameter',
      targets: ['/prod/advisor/model-arn'],
    });
    expect(put?.strength).toBe('strong');
    expect(
      matchContext(plan, {
        time,
        service: 'ssm.amazonaws.com',
        action: 'PutParameter',
        targets: ['/prod/other/flag'],
      }),
    ).toBeNull();
  });
});

describe('actor correlation', () => {
  const base = {
    ruleId: 'x',
    title: 't',
    elements: ['access' as const],
    times: ['2025-01-01T00:00:00Z'],
    evidence: {},
    triage: [],
  };
  it('raises a soft candidate of the same key and address, not one at a shared or legitimate address', () => {
    const hard = {
      ...base,
      severity: 'high' as const,
      strength: 'hard' as const,
      actors: [{ key: 'K1', ip: '203.0.113.9', identity: null }],
    };
    const same = {
      ...base,
      severity: 'low' as const,
      strength: 'soft' as const,
      ifActor: 'high' as const,
      actors: [{ key: 'K1', ip: '203.0.113.10', identity: null }],
    };
    const legit = {
      ...base,
      severity: 'low' as const,
      strength: 'soft' as const,
      ifActor: 'high' as const,
      actors: [{ key: 'K1', ip: '192.0.2.1', identity: null }],
      legit: [{ key: 'K1', ip: '192.0.2.1', identity: null }],
    };
    const shared = {
      ...base,
      severity: 'low' as const,
      strength: 'soft' as const,
      ifActor: 'high' as const,
      actors: [{ key: 'K2', ip: '198.51.100.10', identity: null }],
    };
    const cs = [hard, same, legit, shared];
    correlate(cs, (ip) => ip === '198.51.100.10');
    expect(same.severity).toBe('high');
    expect(legit.severity).toBe('low');
    expect(shared.severity).toBe('low');
  });
});

describe('actor correlation: a pipeline session an intruder also used', () => {
  it('does not make the pipeline\u2019s infrastructure-as-code records the intruder\u2019s', () => {
    const base = {
      ruleId: 'x',
      title: 't',
      elements: ['access' as const],
      times: ['2025-01-01T00:00:00Z'],
      triage: [],
    };
    const intruder = {
      ...base,
      evidence: { eventIds: ['e1'] },
      severity: 'medium' as const,
      strength: 'hard' as const,
      actors: [{ key: 'K9', ip: '203.0.113.9', identity: null, client: 'aws-cli/2.25.0', iac: false }],
    };
    const terraform = {
      ...base,
      evidence: { eventIds: ['e2'] },
      severity: 'informational' as const,
      strength: 'soft' as const,
      ifActor: 'high' as const,
      actors: [{ key: 'K9', ip: '203.0.113.9', identity: null, client: 'APN/1.0', iac: true }],
    };
    const script = { ...terraform, evidence: { eventIds: ['e3'] }, actors: [{ ...intruder.actors[0] }] };
    correlate([intruder, terraform, script], () => false);
    expect(terraform.severity).toBe('informational');
    expect(script.severity).toBe('medium');
  });
});

// ---- the benign day ------------------------------------------------------------------------------------

const BENIGN = path.resolve(import.meta.dirname, '../../../shared/datasets/scenarios/benign-day');

describe('benign day (../shared)', () => {
  it.skipIf(!existsSync(BENIGN))(
    'gives no control-plane finding at medium or above',
    { timeout: 180_000 },
    async () => {
      const store = await CaseStore.open(':memory:');
      try {
        await ingest(store, [BENIGN]);
        const res = await runDetectors(store, CONTROL_PLANE_DETECTORS);
        expect(res.errors).toEqual([]);
        expect(severe(res.findings).map((f) => `${f.ruleId}: ${f.title}`)).toEqual([]);
      } finally {
        await store.close();
      }
    },
  );
  if (!existsSync(BENIGN)) console.log('skipped: ../shared/datasets is absent');
});
