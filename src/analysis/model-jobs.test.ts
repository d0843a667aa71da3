/**
 * Bedrock jobs judged by their data locations, role and origin (model-jobs.ts), and the Lambda
 * change that put another model in front of an application (infrastructure.ts, appModelSwitch).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { controlPlaneFindings } from '../../test/helpers/control-plane-case.js';
import type { Finding } from '../model/types.js';
import { isStockModel } from './infrastructure.js';
import { jobLocations } from './model-jobs.js';

const ACCT = '111122223333';
const OTHER = '999988887777';
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-jobs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Who =
  | { type: 'IAMUser'; user: string; key: string }
  | { type: 'AssumedRole'; role: string; session: string; key: string; path?: string; invokedBy?: string };

let seq = 0;
const id = (): string =>
  `0000${(++seq).toString(16).padStart(4, '0')}-1111-4222-8333-${seq.toString().padStart(12, '0')}`;

function identity(w: Who): Record<string, unknown> {
  if (w.type === 'IAMUser')
    return {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEUSER00001',
      arn: `arn:aws:iam::${ACCT}:user/${w.user}`,
      accountId: ACCT,
      accessKeyId: w.key,
      userName: w.user,
    };
  return {
    type: 'AssumedRole',
    principalId: `AROAEXAMPLE${w.role.length}:${w.session}`,
    arn: `arn:aws:sts::${ACCT}:assumed-role/${w.role}/${w.session}`,
    accountId: ACCT,
    accessKeyId: w.key,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: `AROAEXAMPLE${w.role.length}`,
        arn: `arn:aws:iam::${ACCT}:role/${w.path ?? ''}${w.role}`,
        accountId: ACCT,
        userName: w.role,
      },
      attributes: { creationDate: '2025-06-01T00:00:00Z', mfaAuthenticated: 'false' },
    },
    ...(w.invokedBy ? { invokedBy: w.invokedBy } : {}),
  };
}

function ct(
  time: string,
  source: string,
  name: string,
  who: Who,
  ip: string,
  ua: string,
  req: unknown = null,
  resp: unknown = null,
  more: Record<string, unknown> = {},
): Record<string, unknown> {
  const data = source === 's3.amazonaws.com' && /Object/.test(name);
  return {
    eventVersion: '1.10',
    userIdentity: identity(who),
    eventTime: time,
    eventSource: source,
    eventName: name,
    awsRegion: 'eu-north-1',
    sourceIPAddress: ip,
    userAgent: ua,
    requestParameters: req,
    responseElements: resp,
    requestID: id(),
    eventID: id(),
    readOnly: /^(Get|List|Describe|Head)/.test(name),
    eventType: 'AwsApiCall',
    managementEvent: !data,
    recipientAccountId: ACCT,
    eventCategory: data ? 'Data' : 'Management',
    ...more,
  };
}

const at = (t0: string, min: number): string =>
  new Date(Date.parse(t0) + min * 60_000).toISOString().replace('.000Z', 'Z');
const trail = (records: Record<string, unknown>[]) => ({ Records: records });
const by = (fs: Finding[], rule: string): Finding[] => fs.filter((f) => f.ruleId === rule);
const severe = (f: Finding): boolean => ['medium', 'high', 'critical'].includes(f.severity);

const CLI = 'aws-cli/2.22.4 md/awscrt#0.22.1 ua/2.0 os/macos#23.6.0 md/arch#arm64 lang/python#3.12.6';
const CLI_VPS = 'aws-cli/2.25.5 md/awscrt#0.23.4 ua/2.0 os/linux#5.4.0-169-generic md/arch#x86_64';
const LAMBDA_UA = 'Boto3/1.37.6 md/Botocore#1.37.6 ua/2.0 os/linux exec-env/AWS_Lambda_python3.12';
const OFFICE = '198.51.100.10';
const VPS = '203.0.113.66';
const LAMBDA_IP = '192.0.2.40';
const T = '2025-06-03T08:00:00Z';

const user: Who = { type: 'IAMUser', user: 'svc-ds-batch', key: 'AKIAEXAMPLEDSBATCH01' };
const launcher: Who = {
  type: 'AssumedRole',
  role: 'batch-launcher-role',
  session: 'launcher',
  key: 'ASIALAUNCHER00000001',
};
const BATCH_ROLE = `arn:aws:iam::${ACCT}:role/service-role/BatchRole`;
const SANDBOX_ROLE = `arn:aws:iam::${ACCT}:role/bedrock-sandbox-role`;
const service = (role: string, session: string): Who => ({
  type: 'AssumedRole',
  role,
  session,
  key: `ASIASVC${session.toUpperCase().padEnd(13, 'X')}`.slice(0, 20),
  invokedBy: 'bedrock.amazonaws.com',
});
const s3Res = (bucket: string, key: string, owner: string) => ({
  resources: [
    { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` },
    { accountId: owner, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
  ],
});

function batchJob(
  time: string,
  who: Who,
  ip: string,
  ua: string,
  jobId: string,
  role: string,
  input: string,
  output: string,
  owners: { in?: string; out?: string } = {},
): Record<string, unknown> {
  return ct(
    time,
    'bedrock.amazonaws.com',
    'CreateModelInvocationJob',
    who,
    ip,
    ua,
    {
      jobName: `job-${jobId}`,
      roleArn: role,
      modelId: 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0',
      inputDataConfig: {
        s3InputDataConfig: { s3Uri: input, ...(owners.in ? { s3BucketOwner: owners.in } : {}) },
      },
      outputDataConfig: {
        s3OutputDataConfig: { s3Uri: output, ...(owners.out ? { s3BucketOwner: owners.out } : {}) },
      },
    },
    { jobArn: `arn:aws:bedrock:eu-north-1:${ACCT}:model-invocation-job/${jobId}` },
  );
}

/** The service reading a job's input with the passed role, in a session named after the job. */
const serviceRead = (time: string, role: string, jobId: string, bucket: string, key: string) =>
  ct(
    time,
    's3.amazonaws.com',
    'GetObject',
    service(role, jobId),
    'bedrock.amazonaws.com',
    'bedrock.amazonaws.com',
    { bucketName: bucket, key },
    null,
    s3Res(bucket, key, ACCT),
  );

/** The nightly pipeline job (usual role, own bucket) and the user's own use from the office. */
function background(): Record<string, unknown>[] {
  return [
    ct(at(T, -600), 'sts.amazonaws.com', 'GetCallerIdentity', user, OFFICE, CLI),
    ct(at(T, -590), 'bedrock.amazonaws.com', 'ListModelInvocationJobs', user, OFFICE, CLI),
    batchJob(
      at(T, -420),
      launcher,
      LAMBDA_IP,
      LAMBDA_UA,
      'night1',
      BATCH_ROLE,
      's3://ml-batch-io/in/claims.jsonl',
      's3://ml-batch-io/out/',
    ),
    serviceRead(at(T, -419), 'BatchRole', 'night1', 'ml-batch-io', 'in/claims.jsonl'),
  ];
}

describe('jobLocations', () => {
  it('finds every S3 location of a job request, its owner and direction', () => {
    const l = jobLocations({
      inputDataConfig: { s3InputDataConfig: { s3Uri: 's3://in-bucket/a.jsonl', s3BucketOwner: OTHER } },
      outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://out-bucket/o/' } },
      modelDataSource: { s3DataSource: { s3Uri: 's3://weights/m/' } },
      note: 'not a location',
    });
    expect(l.map((x) => [x.bucket, x.direction, x.owner])).toEqual([
      ['in-bucket', 'input', OTHER],
      ['weights', 'input', null],
      ['out-bucket', 'output', null],
    ]);
  });
});

describe('model jobs: data outside the organisation', () => {
  it('a batch job writing to another account is high, and the service reads of own data tie back to it', async () => {
    const fs = await controlPlaneFindings(path.join(tmp, 'outside'), {
      'trail.json': trail([
        ...background(),
        ct(at(T, 600), 'sts.amazonaws.com', 'GetCallerIdentity', user, VPS, CLI_VPS),
        batchJob(
          at(T, 610),
          user,
          VPS,
          CLI_VPS,
          'evil1',
          BATCH_ROLE,
          's3://ml-batch-io/in/claims.jsonl',
          's3://ext-bucket/out/',
          { out: OTHER },
        ),
        serviceRead(at(T, 611), 'BatchRole', 'evil1', 'ml-batch-io', 'in/claims.jsonl'),
      ]),
    });
    const jobs = by(fs, 'ai-changes.model-invocation-job');
    const evil = jobs.find((f) => f.title.includes('job-evil1'))!;
    expect(evil.severity).toBe('high');
    expect(evil.elements).toEqual(expect.arrayContaining(['invocation', 'private-data']));
    expect(evil.elements).not.toContain('ai-changes');
    expect(evil.resources).toEqual(expect.arrayContaining(['ext-bucket', 'ml-batch-io', BATCH_ROLE]));
    // the service's read of the claims file for the job is cited with the job
    expect((evil.evidence.eventIds ?? []).length).toBeGreaterThanOrEqual(2);
    const nightly = jobs.find((f) => f.title.includes('job-night1'))!;
    expect(severe(nightly)).toBe(false);
  });

  it('a role no earlier job used, picked after looking at roles from a new address, is medium', async () => {
    const fs = await controlPlaneFindings(path.join(tmp, 'role'), {
      'trail.json': trail([
        ...background(),
        ct(at(T, 600), 'iam.amazonaws.com', 'ListRoles', user, VPS, CLI_VPS),
        ct(at(T, 602), 'iam.amazonaws.com', 'GetRole', user, VPS, CLI_VPS, {
          roleName: 'bedrock-sandbox-role',
        }),
        batchJob(
          at(T, 610),
          user,
          VPS,
          CLI_VPS,
          'odd1',
          SANDBOX_ROLE,
          's3://ml-batch-io/in/claims.jsonl',
          's3://ml-batch-io/out/',
        ),
      ]),
    });
    const odd = by(fs, 'ai-changes.model-invocation-job').find((f) => f.title.includes('job-odd1'))!;
    expect(odd.severity).toBe('medium');
    expect(String(odd.details?.triage)).toMatch(/a role no earlier job used/);
  });

  it('the same role from the office without a look at roles stays below medium', async () => {
    const fs = await controlPlaneFindings(path.join(tmp, 'role-ok'), {
      'trail.json': trail([
        ...background(),
        batchJob(
          at(T, 610),
          user,
          OFFICE,
          CLI,
          'ok1',
          SANDBOX_ROLE,
          's3://ml-batch-io/in/claims.jsonl',
          's3://ml-batch-io/out/',
        ),
      ]),
    });
    expect(by(fs, 'ai-changes.model-invocation-job').filter(severe)).toEqual([]);
  });

  it("an import from a bucket never seen as the organisation's, from a new address, is medium; from an own bucket it is not", async () => {
    const ds: Who = { type: 'IAMUser', user: 'ml-engineer', key: 'AKIAEXAMPLEMLENG0001' };
    const importJob = (time: string, ip: string, ua: string, uri: string, jobId: string) =>
      ct(
        time,
        'bedrock.amazonaws.com',
        'CreateModelImportJob',
        ds,
        ip,
        ua,
        {
          jobName: `import-${jobId}`,
          importedModelName: `model-${jobId}`,
          roleArn: `arn:aws:iam::${ACCT}:role/import-role`,
          modelDataSource: { s3DataSource: { s3Uri: uri } },
        },
        { jobArn: `arn:aws:bedrock:eu-north-1:${ACCT}:model-import-job/${jobId}` },
      );
    const fs = await controlPlaneFindings(path.join(tmp, 'import'), {
      'trail.json': trail([
        ct(at(T, -600), 'sts.amazonaws.com', 'GetCallerIdentity', ds, OFFICE, CLI),
        ct(
          at(T, -590),
          's3.amazonaws.com',
          'ListObjects',
          ds,
          OFFICE,
          CLI,
          { bucketName: 'ml-artifacts' },
          null,
          s3Res('ml-artifacts', '', ACCT),
        ),
        importJob(at(T, -580), OFFICE, CLI, 's3://ml-artifacts/v3/', 'own1'),
        ct(at(T, 600), 'sts.amazonaws.com', 'GetCallerIdentity', ds, VPS, CLI_VPS),
        importJob(at(T, 610), VPS, CLI_VPS, 's3://mirror-elsewhere/v3-1/', 'ext1'),
      ]),
    });
    const jobs = by(fs, 'ai-changes.custom-model-job');
    expect(jobs.find((f) => f.title.includes('import-ext1'))!.severity).toBe('medium');
    expect(severe(jobs.find((f) => f.title.includes('import-own1'))!)).toBe(false);
  });
});

describe('Lambda change that switched the application to another model', () => {
  const dev: Who = {
    type: 'AssumedRole',
    role: 'AWSReservedSSO_DataScientist_0123456789abcdef',
    path: 'aws-reserved/sso.amazonaws.com/',
    session: 'dana@example.com',
    key: 'ASIADANAOFFICE000001',
  };
  const app: Who = {
    type: 'AssumedRole',
    role: 'care-app-role',
    session: 'care-fn',
    key: 'ASIACAREAPP000000001',
  };
  const FN_ROLE = `arn:aws:iam::${ACCT}:role/care-app-role`;
  const IMPORTED = `arn:aws:bedrock:eu-north-1:${ACCT}:imported-model/abc123xyz789`;
  const converse = (time: string, model: string) =>
    ct(time, 'bedrock.amazonaws.com', 'Converse', app, LAMBDA_IP, LAMBDA_UA, { modelId: model });
  const update = (time: string, who: Who, ip: string, ua: string) => [
    ct(
      time,
      'lambda.amazonaws.com',
      'UpdateFunctionConfiguration20150331v2',
      who,
      ip,
      ua,
      { functionName: 'care-fn', environment: { variables: { MODEL_ID: '****' } } },
      { functionName: 'care-fn', role: FN_ROLE },
    ),
    ct(
      at(time, 1),
      'lambda.amazonaws.com',
      'PublishVersion20150331',
      who,
      ip,
      ua,
      { functionName: 'care-fn' },
      { functionName: 'care-fn', role: FN_ROLE, version: '7' },
    ),
    ct(at(time, 2), 'lambda.amazonaws.com', 'UpdateAlias20150331', who, ip, ua, {
      functionName: 'care-fn',
      name: 'live',
      functionVersion: '7',
    }),
  ];
  const history = (): Record<string, unknown>[] => [
    ct(
      at(T, -700),
      'sts.amazonaws.com',
      'GetCallerIdentity',
      { ...dev, key: 'ASIADANAOFFICE000000' },
      OFFICE,
      CLI,
    ),
    ...Array.from({ length: 25 }, (_, i) =>
      converse(at(T, -600 + i * 10), 'anthropic.claude-3-haiku-20240307-v1:0'),
    ),
  ];
  const after = (): Record<string, unknown>[] =>
    Array.from({ length: 5 }, (_, i) => converse(at(T, 20 + i * 5), IMPORTED));

  it("a person's change from a new address, after which the app calls an imported model, is high with ai-changes", async () => {
    const fs = await controlPlaneFindings(path.join(tmp, 'switch'), {
      'trail.json': trail([
        ...history(),
        ...update(at(T, 5), { ...dev, key: 'ASIADANAVPS000000001' }, VPS, CLI_VPS),
        ...after(),
      ]),
    });
    const f = by(fs, 'infrastructure.lambda-change')[0];
    expect(f.severity).toBe('high');
    expect(f.elements).toContain('ai-changes');
    expect(f.resources).toContain(IMPORTED);
    expect(f.principals).toContain(FN_ROLE);
    expect(String(f.details?.triage)).toMatch(/had not used before/);
  });

  it('a switch to another stock foundation model is an infrastructure change, the model not a resource', async () => {
    const STOCK = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
    const fs = await controlPlaneFindings(path.join(tmp, 'switch-stock'), {
      'trail.json': trail([
        ...history(),
        ...update(at(T, 5), { ...dev, key: 'ASIADANAVPS000000001' }, VPS, CLI_VPS),
        ...Array.from({ length: 5 }, (_, i) => converse(at(T, 20 + i * 5), STOCK)),
      ]),
    });
    const f = by(fs, 'infrastructure.lambda-change')[0];
    expect(severe(f)).toBe(true);
    expect(f.elements).toEqual(['infrastructure-changes']);
    expect(f.resources).not.toContain(STOCK);
    expect(f.details?.applicationModels).toEqual([expect.objectContaining({ model: STOCK })]);
    expect(isStockModel('us.anthropic.claude-3-5-haiku-20241022-v1:0')).toBe(true);
    expect(isStockModel('arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0')).toBe(true);
    expect(isStockModel(IMPORTED)).toBe(false);
    expect(isStockModel(`arn:aws:bedrock:us-east-1:${ACCT}:prompt/F8TWOET9EI:7`)).toBe(false);
  });

  it('without the application switching model the same change stays informational', async () => {
    const fs = await controlPlaneFindings(path.join(tmp, 'no-switch'), {
      'trail.json': trail([
        ...history(),
        ...update(at(T, 5), { ...dev, key: 'ASIADANAVPS000000001' }, VPS, CLI_VPS),
      ]),
    });
    expect(severe(by(fs, 'infrastructure.lambda-change')[0])).toBe(false);
  });
});
