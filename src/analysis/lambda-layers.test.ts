/**
 * Lambda layers from outside the organisation and what the function's role did after the change:
 * `infrastructure.lambda-change` tells a layer in an account that is neither the organisation's nor
 * an AWS publisher's (data/aws-lambda-layers.json) from the organisation's own layers and AWS's
 * (Lambda Insights, ADOT), notes the wrapper and endpoint variables added with it, and keeps a CI
 * key's routine deploys quiet; `infrastructure.lambda-role-new-activity` follows the function role's
 * first secret reads and writes to a bucket owned outside the organisation after the change.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { controlPlaneFindings } from '../../test/helpers/control-plane-case.js';
import type { Finding } from '../model/types.js';

const ACCT = '111122223333';
const OUTSIDE = '999988887777';
const REGION = 'eu-west-2';
const FN = 'orders-tool';
const OTHER_FN = 'billing-tool';
const FN_ROLE = `arn:aws:iam::${ACCT}:role/orders-tool-role`;
const OWN_LAYER = `arn:aws:lambda:${REGION}:${ACCT}:layer:orders-common:7`;
// AWS-published (data/aws-lambda-layers.json): Parameters and Secrets (eu-west-2), Lambda Insights, ADOT
const PARAMS_LAYER = `arn:aws:lambda:${REGION}:133256977650:layer:AWS-Parameters-and-Secrets-Lambda-Extension:11`;
const INSIGHTS_LAYER = `arn:aws:lambda:${REGION}:580247275435:layer:LambdaInsightsExtension:53`;
const ADOT_LAYER = `arn:aws:lambda:${REGION}:901920570463:layer:aws-otel-python-amd64-ver-1-25-0:1`;
const ROGUE_LAYER = `arn:aws:lambda:${REGION}:${OUTSIDE}:layer:tracing-helpers:2`;
const CI_UA = 'aws-cli/2.15.30 Python/3.11.8 Linux/5.15.0-1057-aws exe/x86_64.ubuntu.22 prompt/off';
const OTHER_UA = 'aws-cli/2.17.2 Python/3.12.4 Linux/6.1.0-21-cloud-amd64 exe/x86_64.debian.12 prompt/off';
const SDK_UA =
  'Boto3/1.34.84 md/Botocore#1.34.84 ua/2.0 os/linux#5.10.216 lang/python#3.12.3 exec-env/AWS_Lambda_python3.12';
const CONSOLE_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/125.0 Safari/537.36';
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-layers-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let seq = 0;
const id = (): string =>
  `0000${(++seq).toString(16).padStart(4, '0')}-2222-4222-8333-${seq.toString().padStart(12, '0')}`;
const at = (t0: string, s: number): string =>
  new Date(Date.parse(t0) + s * 1000).toISOString().replace('.000Z', 'Z');

type Rec = Record<string, unknown>;

function rec(
  time: string,
  who: Rec,
  ip: string,
  ua: string,
  source: string,
  name: string,
  req: unknown,
  resp: unknown = null,
  extra: Rec = {},
): Rec {
  return {
    eventVersion: '1.09',
    userIdentity: who,
    eventTime: time,
    eventSource: source,
    eventName: name,
    awsRegion: REGION,
    sourceIPAddress: ip,
    userAgent: ua,
    requestParameters: req,
    responseElements: resp,
    requestID: id(),
    eventID: id(),
    readOnly: /^(Get|List)/.test(name),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCT,
    eventCategory: 'Management',
    ...extra,
  };
}

const deployUser: Rec = {
  type: 'IAMUser',
  principalId: 'AIDAEXAMPLEDEPLOY0001',
  arn: `arn:aws:iam::${ACCT}:user/svc-deploy`,
  accountId: ACCT,
  accessKeyId: 'AKIAEXAMPLEDEPLOY001',
  userName: 'svc-deploy',
};
const person: Rec = {
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLEADMIN0001:alice@example.com',
  arn: `arn:aws:sts::${ACCT}:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/alice@example.com`,
  accountId: ACCT,
  accessKeyId: 'ASIAEXAMPLEALICE0001',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROAEXAMPLEADMIN0001',
      arn: `arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_0123456789abcdef`,
      accountId: ACCT,
      userName: 'AWSReservedSSO_AdministratorAccess_0123456789abcdef',
    },
    attributes: { creationDate: '2025-06-02T07:00:00Z', mfaAuthenticated: 'false' },
  },
};
const fnSession = (key: string): Rec => ({
  type: 'AssumedRole',
  principalId: `AROAEXAMPLEORDERSFN1:${FN}`,
  arn: `arn:aws:sts::${ACCT}:assumed-role/orders-tool-role/${FN}`,
  accountId: ACCT,
  accessKeyId: key,
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROAEXAMPLEORDERSFN1',
      arn: FN_ROLE,
      accountId: ACCT,
      userName: 'orders-tool-role',
    },
    attributes: { creationDate: '2025-06-02T07:00:00Z', mfaAuthenticated: 'false' },
  },
  invokedBy: undefined,
});

const lambda = 'lambda.amazonaws.com';
const conf = (fn: string, layers: string[], env: Record<string, string>) => ({
  functionName: fn,
  functionArn: `arn:aws:lambda:${REGION}:${ACCT}:function:${fn}`,
  runtime: 'python3.12',
  role: fn === FN ? FN_ROLE : `arn:aws:iam::${ACCT}:role/${fn}-role`,
  handler: 'app.handler',
  environment: { variables: env },
  layers: layers.map((arn) => ({ arn, codeSize: 1000 })),
});
const BASE_ENV = { ORDERS_API_PARAM: '****', LOG_LEVEL: '****' };

/** The function's own calls every 10 minutes: its API endpoint parameter (its history). */
function fnHistory(t0: string, n: number): Rec[] {
  return Array.from({ length: n }, (_, i) =>
    rec(
      at(t0, i * 600),
      fnSession(`ASIAEXAMPLEFNSES${String(i % 3).padStart(4, '0')}`),
      '3.8.20.14',
      SDK_UA,
      'ssm.amazonaws.com',
      'GetParameter',
      {
        name: '/orders/api-endpoint',
      },
    ),
  );
}

/** The CI key's routine code deploy: the same client from the runners every time. */
function ciDeploy(t0: string, ip: string, n: number): Rec[] {
  return [
    rec(
      t0,
      deployUser,
      ip,
      CI_UA,
      lambda,
      'GetFunctionConfiguration20150331v2',
      { functionName: FN },
      conf(FN, [OWN_LAYER, PARAMS_LAYER], BASE_ENV),
    ),
    rec(
      at(t0, 20),
      deployUser,
      ip,
      CI_UA,
      lambda,
      'UpdateFunctionCode20150331v2',
      {
        functionName: FN,
        s3Bucket: 'example-ci-artifacts',
        s3Key: `${FN}/${n}.zip`,
      },
      conf(FN, [OWN_LAYER, PARAMS_LAYER], BASE_ENV),
    ),
  ];
}

const s3Put = (t: string, key: string, bucket: string, owner: string): Rec =>
  rec(
    t,
    fnSession('ASIAEXAMPLEFNSESNEW1'),
    '3.8.20.14',
    SDK_UA,
    's3.amazonaws.com',
    'PutObject',
    { bucketName: bucket, key, Host: `${bucket}.s3.${REGION}.amazonaws.com` },
    null,
    {
      eventCategory: 'Data',
      managementEvent: false,
      readOnly: false,
      resources: [
        { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` },
        { accountId: owner, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
      ],
    },
  );

const history = [
  ...fnHistory('2025-06-02T06:00:00Z', 60),
  ...ciDeploy('2025-06-02T08:10:00Z', '3.250.10.11', 1),
  ...ciDeploy('2025-06-02T10:40:00Z', '3.250.10.12', 2),
  ...ciDeploy('2025-06-02T12:05:00Z', '3.250.11.40', 3),
];

// the stolen CI key from elsewhere: a layer from an outside account, a wrapper and a collector URL
const T_ATTACK = '2025-06-02T15:00:00Z';
const ATTACK_ENV = { ...BASE_ENV, AWS_LAMBDA_EXEC_WRAPPER: '****', TRACE_COLLECTOR_URL: '****' };
const attack = [
  rec(
    T_ATTACK,
    deployUser,
    '185.220.101.7',
    OTHER_UA,
    lambda,
    'GetFunctionConfiguration20150331v2',
    { functionName: FN },
    conf(FN, [OWN_LAYER, PARAMS_LAYER], BASE_ENV),
  ),
  rec(
    at(T_ATTACK, 60),
    deployUser,
    '185.220.101.7',
    OTHER_UA,
    lambda,
    'UpdateFunctionConfiguration20150331v2',
    {
      functionName: FN,
      layers: [OWN_LAYER, PARAMS_LAYER, ROGUE_LAYER],
      environment: { variables: ATTACK_ENV },
    },
    conf(FN, [OWN_LAYER, PARAMS_LAYER, ROGUE_LAYER], ATTACK_ENV),
  ),
];
const secretRead = rec(
  at(T_ATTACK, 400),
  fnSession('ASIAEXAMPLEFNSESNEW1'),
  '3.8.20.14',
  SDK_UA,
  'secretsmanager.amazonaws.com',
  'GetSecretValue',
  {
    secretId: 'prod/orders/db',
  },
);
const puts = [
  s3Put(at(T_ATTACK, 420), 'spans/1.json', 'telemetry-drop', OUTSIDE),
  s3Put(at(T_ATTACK, 900), 'spans/2.json', 'telemetry-drop', OUTSIDE),
];
// a platform engineer adds AWS's Lambda Insights and ADOT (with ADOT's wrapper) to another function
const ADOT_ENV = { AWS_LAMBDA_EXEC_WRAPPER: '****', OTEL_SERVICE_NAME: '****' };
const observability = [
  rec(
    '2025-06-02T13:30:00Z',
    person,
    '198.51.100.20',
    CONSOLE_UA,
    lambda,
    'GetFunctionConfiguration20150331v2',
    { functionName: OTHER_FN },
    conf(OTHER_FN, [], {}),
  ),
  rec(
    '2025-06-02T13:32:00Z',
    person,
    '198.51.100.20',
    CONSOLE_UA,
    lambda,
    'UpdateFunctionConfiguration20150331v2',
    {
      functionName: OTHER_FN,
      layers: [INSIGHTS_LAYER, ADOT_LAYER],
      environment: { variables: ADOT_ENV },
    },
    conf(OTHER_FN, [INSIGHTS_LAYER, ADOT_LAYER], ADOT_ENV),
  ),
];

async function findings(name: string, records: Rec[]): Promise<Finding[]> {
  return controlPlaneFindings(path.join(tmp, name), { 'ct.json': { Records: records } });
}
const changeOf = (fs: Finding[], fn: string, action: string): Finding | undefined =>
  fs.find(
    (f) =>
      f.ruleId === 'infrastructure.lambda-change' &&
      f.title.startsWith(`Lambda ${fn}:`) &&
      f.title.includes(action),
  );

describe('Lambda layers from outside the organisation', () => {
  it('a layer from an outside account with a wrapper and a collector variable is high; AWS and own layers are not outside', async () => {
    const fs = await findings('outside-layer', [
      ...history,
      ...observability,
      ...attack,
      secretRead,
      ...puts,
    ]);
    const f = changeOf(fs, FN, 'UpdateFunctionConfiguration')!;
    expect(f).toBeDefined();
    expect(f.severity).toBe('high');
    expect(f.details?.outsideLayers).toEqual([{ arn: ROGUE_LAYER, account: OUTSIDE }]);
    expect(f.resources).toEqual(expect.arrayContaining([ROGUE_LAYER, OUTSIDE]));
    expect(f.details?.addedEnvironmentVariables).toEqual(['AWS_LAMBDA_EXEC_WRAPPER', 'TRACE_COLLECTOR_URL']);
    expect(f.details?.endpointVariables).toEqual([{ name: 'TRACE_COLLECTOR_URL', host: null }]);
    const text = JSON.stringify(f.details?.triage);
    expect(text).toContain('AWS_LAMBDA_EXEC_WRAPPER added with it');
    expect(text).toContain(OUTSIDE);
    // AWS-published layers with ADOT's own wrapper, added by a person from the office: not outside
    const obs = changeOf(fs, OTHER_FN, 'UpdateFunctionConfiguration')!;
    expect(obs.severity).toBe('informational');
    expect(obs.details?.outsideLayers).toEqual([]);
  });

  it("after the change the function role's first secret read and writes to the outside bucket are high, linked to the change", async () => {
    const fs = await findings('role-activity', [...history, ...attack, secretRead, ...puts]);
    const acts = fs.filter((f) => f.ruleId === 'infrastructure.lambda-role-new-activity');
    expect(acts).toHaveLength(1);
    const a = acts[0];
    expect(a.severity).toBe('high');
    expect(a.elements).toEqual(['private-data']);
    expect(a.principals).toEqual([FN_ROLE]);
    expect(a.resources).toEqual(expect.arrayContaining(['prod/orders/db', 'telemetry-drop', OUTSIDE]));
    const cited = a.evidence.eventIds;
    for (const r of [attack[1], secretRead, ...puts]) expect(cited).toContain(String(r.eventID));
    expect(a.details?.outsideBuckets).toEqual([{ bucket: 'telemetry-drop', owner: OUTSIDE }]);
  });

  it('the same first reads after a routine code deploy (no outside layer) are low', async () => {
    const deploy = ciDeploy('2025-06-02T15:00:00Z', '3.250.10.13', 4);
    const fs = await findings('role-activity-routine', [...history, ...deploy, secretRead]);
    const a = fs.find((f) => f.ruleId === 'infrastructure.lambda-role-new-activity')!;
    expect(a).toBeDefined();
    expect(a.severity).toBe('low');
    expect(a.resources).toEqual(['prod/orders/db']);
  });

  it("a CI key's routine deploys (same client as its other changes) are informational; the key with another client is not", async () => {
    const code = (fs: Finding[]) =>
      fs.filter((f) => f.ruleId === 'infrastructure.lambda-change' && f.title.includes('UpdateFunctionCode'));
    const usual = code(await findings('routine-ci', history));
    expect(usual).toHaveLength(3);
    for (const f of usual) {
      expect(f.severity).toBe('informational');
      expect(JSON.stringify(f.details?.triage)).toContain('as it routinely deploys');
    }
    const other = ciDeploy('2025-06-02T16:00:00Z', '185.220.101.7', 5).map((r) => ({
      ...r,
      userAgent: OTHER_UA,
    }));
    const odd = code(await findings('routine-ci-other-client', [...history, ...other])).find((f) =>
      f.sourceIps?.includes('185.220.101.7'),
    )!;
    expect(odd.severity).toBe('medium');
    expect(JSON.stringify(odd.details?.triage)).not.toContain('as it routinely deploys');
  });
});
