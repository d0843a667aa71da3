/**
 * Data exposure through resource policies: grants to outsiders and to everyone (bucket policies,
 * public access blocks, key policies), the reads that follow (another account, anonymous), and an
 * object a pipeline wrote overwritten from elsewhere. The organisation's own accounts (a planned
 * change names them, an organisation condition restricts them) and the pipeline's own rewrites stay
 * low or silent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { controlPlaneCase, controlPlaneFindings } from '../../test/helpers/control-plane-case.js';
import { actorFindings } from '../investigate.js';
import type { Finding } from '../model/types.js';
import { outsidePrincipal, statementsOf } from './data-exposure.js';
import { elementVerdicts } from './verdict.js';

const ACCT = '111122223333';
const OUTSIDE = '999988887777';
const SANDBOX = '444455556666';
const BUCKET = 'example-ml-training';
const KB = 'example-kb-docs';
const KEY_ARN = `arn:aws:kms:eu-west-2:${ACCT}:key/0b6d7c1e-1111-4222-8333-444455556666`;
const NAT = '10.20.0.15';
const HOSTING = '203.0.113.77';
const READER = '198.51.100.23';
const ANON = '192.0.2.200';
const BOTO = 'Boto3/1.35.50 md/Botocore#1.35.50 ua/2.0 os/linux lang/python#3.12.1 exec-env/AWS_ECS_FARGATE';
const CLI = 'aws-cli/2.26.1 md/awscrt#0.25.5 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.13.2';
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-exposure-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let seq = 0;
const id = (): string =>
  `0000${(++seq).toString(16).padStart(4, '0')}-2222-4222-8333-${seq.toString().padStart(12, '0')}`;

const role = (key: string): Record<string, unknown> => ({
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLEDATAPREP1:task-1',
  arn: `arn:aws:sts::${ACCT}:assumed-role/dataprep-task-role/task-1`,
  accountId: ACCT,
  accessKeyId: key,
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROAEXAMPLEDATAPREP1',
      arn: `arn:aws:iam::${ACCT}:role/dataprep-task-role`,
      accountId: ACCT,
      userName: 'dataprep-task-role',
    },
    attributes: { creationDate: '2025-06-02T07:00:00Z', mfaAuthenticated: 'false' },
  },
});
const outsider = (acct: string): Record<string, unknown> => ({
  type: 'AWSAccount',
  principalId: acct === 'anonymous' ? '' : 'AIDAEXAMPLEOUTSIDE01',
  accountId: acct,
});

function rec(
  time: string,
  source: string,
  name: string,
  who: Record<string, unknown>,
  ip: string,
  ua: string,
  req: unknown,
  opts: { readOnly?: boolean; error?: string; resources?: unknown[] } = {},
): Record<string, unknown> {
  return {
    eventVersion: '1.10',
    userIdentity: who,
    eventTime: time,
    eventSource: source,
    eventName: name,
    awsRegion: 'eu-west-2',
    sourceIPAddress: ip,
    userAgent: ua,
    requestParameters: req,
    responseElements: null,
    requestID: id(),
    eventID: id(),
    readOnly: opts.readOnly ?? false,
    eventType: 'AwsApiCall',
    managementEvent: source !== 's3.amazonaws.com' || !/Object/.test(name),
    recipientAccountId: ACCT,
    eventCategory: 'Management',
    ...(opts.error ? { errorCode: opts.error, errorMessage: opts.error } : {}),
    ...(opts.resources ? { resources: opts.resources } : {}),
  };
}

const s3 = (
  time: string,
  name: string,
  who: Record<string, unknown>,
  ip: string,
  ua: string,
  req: object,
  ro = false,
) => rec(time, 's3.amazonaws.com', name, who, ip, ua, req, { readOnly: ro });
const policy = (bucket: string, stmts: unknown[]) => ({
  bucketName: bucket,
  bucketPolicy: { Version: '2012-10-17', Statement: stmts },
});
const allow = (principal: unknown, actions: string[], bucket = BUCKET, condition?: unknown) => ({
  Effect: 'Allow',
  Principal: principal,
  Action: actions,
  Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
  ...(condition ? { Condition: condition } : {}),
});
const denyTls = {
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: `arn:aws:s3:::${BUCKET}/*`,
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
};
const sandboxRead = allow({ AWS: `arn:aws:iam::${SANDBOX}:role/sandbox-role` }, ['s3:GetObject'], BUCKET, {
  StringEquals: { 'aws:PrincipalOrgID': 'o-exampleorg1' },
});

/** The pipeline's nightly run from its NAT address, writing the training file. */
const pipeline = (day: string, key: string) => [
  s3(`${day}T07:02:00Z`, 'ListObjects', role(key), NAT, BOTO, { bucketName: BUCKET, prefix: 'raw/' }, true),
  s3(`${day}T07:20:00Z`, 'PutObject', role(key), NAT, BOTO, {
    bucketName: BUCKET,
    key: 'datasets/v5/train.jsonl',
  }),
];

const T1 = '2025-06-02';
const T2 = '2025-06-03';
const K1 = 'ASIAEXAMPLESESSION01';
const K2 = 'ASIAEXAMPLESESSION02';
const recon = [
  rec(`${T1}T08:40:00Z`, 'sts.amazonaws.com', 'GetCallerIdentity', role(K1), HOSTING, CLI, null, {
    readOnly: true,
  }),
  s3(`${T1}T08:41:00Z`, 'GetBucketPolicy', role(K1), HOSTING, CLI, { bucketName: BUCKET }, true),
  s3(
    `${T1}T08:45:00Z`,
    'GetObject',
    role(K1),
    HOSTING,
    CLI,
    { bucketName: BUCKET, key: 'datasets/v5/train.jsonl' },
    true,
  ),
];
const grant = s3(
  `${T2}T08:00:00Z`,
  'PutBucketPolicy',
  role(K2),
  HOSTING,
  CLI,
  policy(BUCKET, [
    denyTls,
    sandboxRead,
    allow({ AWS: `arn:aws:iam::${OUTSIDE}:root` }, ['s3:GetObject', 's3:ListBucket']),
  ]),
);
const keyPolicy = (principals: string[], t: string, ip: string, who: Record<string, unknown>, ua: string) =>
  rec(
    t,
    'kms.amazonaws.com',
    'PutKeyPolicy',
    who,
    ip,
    ua,
    {
      keyId: KEY_ARN,
      policyName: 'default',
      policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${ACCT}:root` },
            Action: 'kms:*',
            Resource: '*',
          },
          ...principals.map((p) => ({
            Effect: 'Allow',
            Principal: { AWS: p },
            Action: 'kms:Decrypt',
            Resource: '*',
          })),
        ],
      }),
    },
    { resources: [{ accountId: ACCT, type: 'AWS::KMS::Key', ARN: KEY_ARN }] },
  );

const admin = {
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLEADMIN0001:ana@example.com',
  arn: `arn:aws:sts::${ACCT}:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/ana@example.com`,
  accountId: ACCT,
  accessKeyId: 'ASIAEXAMPLEADMIN0001',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROAEXAMPLEADMIN0001',
      arn: `arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef`,
      accountId: ACCT,
      userName: 'AWSReservedSSO_Admin_0123456789abcdef',
    },
    attributes: { creationDate: `${T1}T16:00:00Z`, mfaAuthenticated: 'false' },
  },
};

async function findingsOf(
  name: string,
  records: Record<string, unknown>[],
  cal?: unknown,
): Promise<Finding[]> {
  return controlPlaneFindings(path.join(tmp, name), {
    'ct.json': { Records: records },
    ...(cal ? { 'context/change-calendar.json': cal } : {}),
  });
}
const rule = (fs: Finding[], r: string) => fs.filter((f) => f.ruleId === r);

describe('data exposure: resource-policy grants', () => {
  it('a bucket policy newly granting an outside account is high and carries the origin and its reconnaissance', async () => {
    const fs = await findingsOf('grant-outside', [
      ...pipeline(T1, K1),
      ...recon,
      s3(
        `${T1}T16:10:00Z`,
        'PutBucketPolicy',
        admin,
        '198.51.100.9',
        CLI,
        policy(BUCKET, [denyTls, sandboxRead]),
      ),
      ...pipeline(T2, K2),
      grant,
    ]);
    const g = rule(fs, 'data-store.resource-grant');
    const out = g.find((f) => (f.details?.outsideAccounts as string[])?.includes(OUTSIDE));
    expect(out?.severity).toBe('high');
    expect(out?.elements).toEqual(['data-store-changes']);
    // the sandbox was already granted by the previous policy, under an organisation condition
    expect(out?.details?.organisationAccounts).toEqual([]);
    expect(out?.sourceIps).toContain(HOSTING);
    expect(out?.accessKeyIds).toEqual(expect.arrayContaining([K1, K2]));
    expect(out?.resources).toContain(`arn:aws:s3:::${BUCKET}`);
    for (const r of recon) expect(out?.evidence.eventIds).toContain(r.eventID);
    // the earlier policy's grant to the organisation's own account is low (PrincipalOrgID condition)
    const sandbox = g.find((f) => (f.details?.organisationAccounts as string[])?.includes(SANDBOX));
    expect(sandbox?.severity).toBe('low');
  });

  it('a planned grant to the organisation\u2019s other account, named by the change, is informational', async () => {
    const t = `${T1}T16:10:00Z`;
    const cal = {
      changes: [
        {
          ticket: 'CHG-2001',
          window: { start: `${T1}T15:50:00Z`, end: `${T1}T17:30:00Z` },
          owner: 'data-platform@example.com',
          summary: `Key policy of the training KMS key: decrypt for the ML sandbox account (${SANDBOX}) via S3`,
        },
      ],
    };
    const fs = await findingsOf(
      'grant-planned',
      [
        ...pipeline(T1, K1),
        keyPolicy([`arn:aws:iam::${SANDBOX}:role/sandbox-role`], t, '198.51.100.9', admin, CLI),
      ],
      cal,
    );
    const g = rule(fs, 'data-store.resource-grant');
    expect(g).toHaveLength(1);
    expect(g[0].severity).toBe('informational');
    expect(String(g[0].details?.triage)).toContain('CHG-2001');
  });

  it('a key policy granting an outside account decrypt is a high infrastructure change', async () => {
    const fs = await findingsOf('grant-kms', [
      ...pipeline(T1, K1),
      keyPolicy([`arn:aws:iam::${OUTSIDE}:root`], `${T2}T08:01:00Z`, HOSTING, role(K2), CLI),
    ]);
    const g = rule(fs, 'data-store.resource-grant');
    expect(g).toHaveLength(1);
    expect(g[0].severity).toBe('high');
    expect(g[0].elements).toEqual(['infrastructure-changes']);
    expect(g[0].resources).toContain(KEY_ARN);
  });

  it('a write-only grant to an outside account on an ordinary bucket (log delivery) is low', async () => {
    const logs = 'example-alb-logs';
    const fs = await findingsOf('grant-log-delivery', [
      ...pipeline(T1, K1),
      s3(
        `${T1}T10:00:00Z`,
        'PutBucketPolicy',
        admin,
        '198.51.100.9',
        CLI,
        policy(logs, [allow({ AWS: `arn:aws:iam::${OUTSIDE}:root` }, ['s3:PutObject'], logs)]),
      ),
    ]);
    const g = rule(fs, 'data-store.resource-grant');
    expect(g).toHaveLength(1);
    expect(g[0].severity).toBe('low');
  });

  it('deleting a bucket\u2019s public access block is a public grant; anonymous reads after it are high', async () => {
    const fs = await findingsOf('grant-public', [
      ...pipeline(T1, K1),
      s3(`${T2}T08:01:30Z`, 'DeleteBucketPublicAccessBlock', role(K2), HOSTING, CLI, { bucketName: KB }),
      s3(
        `${T2}T09:12:00Z`,
        'GetObject',
        outsider('anonymous'),
        ANON,
        'python-requests/2.32.3',
        { bucketName: KB, key: 'a.md' },
        true,
      ),
      s3(
        `${T2}T09:12:05Z`,
        'GetObject',
        outsider('anonymous'),
        ANON,
        'python-requests/2.32.3',
        { bucketName: KB, key: 'exports/b.csv' },
        true,
      ),
    ]);
    const g = rule(fs, 'data-store.resource-grant');
    expect(g[0].severity).toBe('high');
    expect(g[0].details?.public).toBe(true);
    // judged once: the knowledge-base bucket's policy-change finding is not repeated beside it
    expect(rule(fs, 'data-store.bucket-policy-changed')).toEqual([]);
    const reads = rule(fs, 'data-store.outside-read');
    expect(reads).toHaveLength(1);
    expect(reads[0].severity).toBe('high');
    expect(reads[0].sourceIps).toEqual([ANON]);
    expect(reads[0].evidence.eventIds).toHaveLength(2);
  });

  it('an outside account reading after its grant is high and named as a principal; the org\u2019s account reading is not reported', async () => {
    const fs = await findingsOf('outside-read', [
      ...pipeline(T1, K1),
      s3(
        `${T1}T18:00:00Z`,
        'GetObject',
        outsider(SANDBOX),
        '35.183.77.142',
        BOTO,
        { bucketName: BUCKET, key: 'eval/x.jsonl' },
        true,
      ),
      ...pipeline(T2, K2),
      grant,
      s3(
        `${T2}T08:47:00Z`,
        'GetObject',
        outsider(OUTSIDE),
        READER,
        CLI,
        { bucketName: BUCKET, key: 'datasets/v5/train.jsonl' },
        true,
      ),
    ]);
    const reads = rule(fs, 'data-store.outside-read');
    expect(reads).toHaveLength(1);
    expect(reads[0].severity).toBe('high');
    expect(reads[0].principals).toEqual([`arn:aws:iam::${OUTSIDE}:root`]);
    expect(reads[0].elements).toEqual(['private-data']);
  });

  it('without any grant, reads by an unknown account of an ordinary bucket are low', async () => {
    const fs = await findingsOf('outside-read-nogrant', [
      ...pipeline(T1, K1),
      s3(
        `${T2}T08:47:00Z`,
        'GetObject',
        outsider(OUTSIDE),
        READER,
        CLI,
        { bucketName: 'example-public-assets', key: 'logo.png' },
        true,
      ),
      s3(
        `${T2}T09:00:00Z`,
        'GetObject',
        outsider('anonymous'),
        ANON,
        'curl/8.5.0',
        { bucketName: 'example-public-assets', key: 'logo.png' },
        true,
      ),
    ]);
    const reads = rule(fs, 'data-store.outside-read');
    expect(reads).toHaveLength(1);
    expect(reads[0].severity).toBe('low');
    // anonymous reads of a bucket already public before the evidence, holding no GenAI data: posture
    expect(reads[0].principals).toEqual([`arn:aws:iam::${OUTSIDE}:root`]);
  });
});

describe('data exposure: objects overwritten from another origin', () => {
  const cal = {
    changes: [
      {
        ticket: 'CHG-2002',
        window: { start: '2025-06-06T14:00:00Z', end: '2025-06-06T20:00:00Z' },
        owner: 'ml@example.com',
        summary: `Weekly fine-tune from s3://${BUCKET}/datasets/v5/`,
      },
    ],
  };

  it('the pipeline\u2019s file replaced from a hosting address an hour after it wrote it is reported', async () => {
    const poison = s3(`${T2}T08:05:00Z`, 'PutObject', role(K2), HOSTING, CLI, {
      bucketName: BUCKET,
      key: 'datasets/v5/train.jsonl',
    });
    const fs = await findingsOf('overwrite', [...pipeline(T1, K1), ...pipeline(T2, K2), poison], cal);
    const o = rule(fs, 'data-store.object-overwritten');
    expect(o).toHaveLength(1);
    // medium by itself (a training bucket); the same key used from the hosting address raises it
    expect(['medium', 'high']).toContain(o[0].severity);
    expect(o[0].details?.raisedFrom ?? o[0].severity).toBe('medium');
    expect(o[0].evidence.eventIds).toEqual([poison.eventID]);
    expect(o[0].details?.previousAddress).toBe(NAT);
  });

  it('the pipeline rewriting its own file every night is not', async () => {
    const fs = await findingsOf('overwrite-neg', [...pipeline(T1, K1), ...pipeline(T2, K2)], cal);
    expect(rule(fs, 'data-store.object-overwritten')).toEqual([]);
  });
});

describe('data exposure: policy parsing', () => {
  it('reads statements from text or objects and ignores what is not a policy', () => {
    expect(statementsOf('{not json')).toEqual([]);
    expect(statementsOf(null)).toEqual([]);
    expect(statementsOf('x'.repeat(300_000))).toEqual([]);
    const s = statementsOf(
      JSON.stringify({ Statement: { Effect: 'Allow', Principal: '*', Action: 's3:GetObject' } }),
    );
    expect(s).toEqual([{ effect: 'Allow', principals: ['*'], actions: ['s3:GetObject'], condition: '' }]);
  });
});

describe('data exposure: KMS grants and shared model registries', () => {
  const EXT_ROLE = `arn:aws:iam::${OUTSIDE}:role/dataset-sync`;
  const syncRole = (session: string): Record<string, unknown> => ({
    type: 'AWSAccount',
    principalId: `AROAEXAMPLESYNCROLE1:${session}`,
    accountId: OUTSIDE,
  });
  const createGrant = (t: string, grantee: string, who: Record<string, unknown>, ip: string) =>
    rec(
      t,
      'kms.amazonaws.com',
      'CreateGrant',
      who,
      ip,
      CLI,
      { keyId: KEY_ARN, granteePrincipal: grantee, operations: ['Decrypt', 'DescribeKey'], name: 'sync' },
      { resources: [{ accountId: ACCT, type: 'AWS::KMS::Key', ARN: KEY_ARN }] },
    );
  const decrypt = (t: string, who: Record<string, unknown>, obj: string) => ({
    ...rec(
      t,
      'kms.amazonaws.com',
      'Decrypt',
      { ...who, invokedBy: 'AWS Internal' },
      'AWS Internal',
      'AWS Internal',
      { encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::${BUCKET}/${obj}` } },
      { readOnly: true, resources: [{ accountId: ACCT, type: 'AWS::KMS::Key', ARN: KEY_ARN }] },
    ),
  });

  it('a grant on a key to a role of an outside account is high, cites the account\u2019s Decrypts after it, and names the role', async () => {
    const g = createGrant(`${T2}T08:00:00Z`, EXT_ROLE, role(K2), HOSTING);
    const bucketGrant = s3(
      `${T2}T08:01:00Z`,
      'PutBucketPolicy',
      role(K2),
      HOSTING,
      CLI,
      policy(BUCKET, [denyTls, allow({ AWS: EXT_ROLE }, ['s3:GetObject', 's3:ListBucket'])]),
    );
    const read = s3(
      `${T2}T09:00:00Z`,
      'GetObject',
      syncRole('sync-1'),
      READER,
      BOTO,
      { bucketName: BUCKET, key: 'datasets/v5/train.jsonl' },
      true,
    );
    const d = decrypt(`${T2}T09:00:00Z`, syncRole('sync-1'), 'datasets/v5/train.jsonl');
    const fs = await findingsOf('kms-grant-outside', [...pipeline(T1, K1), g, bucketGrant, read, d]);
    const grants = rule(fs, 'data-store.resource-grant');
    const key = grants.find((f) => f.details?.action === 'CreateGrant');
    expect(key?.severity).toBe('high');
    expect(key?.details?.outsideAccounts).toEqual([OUTSIDE]);
    expect(key?.details?.grantees).toEqual([EXT_ROLE]);
    expect(key?.resources).toContain(KEY_ARN);
    expect(key?.evidence.eventIds).toEqual(expect.arrayContaining([g.eventID, d.eventID]));
    expect(key?.principals).toContain(EXT_ROLE);
    // the reads name the one role the grants let in, which the callers' role-session ids match
    const reads = rule(fs, 'data-store.outside-read');
    expect(reads).toHaveLength(1);
    expect(reads[0].principals).toEqual([EXT_ROLE]);
    expect(reads[0].title).toContain('dataset-sync of account');
  });

  it('a grant a service makes for itself, and a planned grant to the organisation\u2019s own account, are not high', async () => {
    const svc = {
      ...createGrant(`${T1}T10:00:00Z`, 'bedrock.amazonaws.com', role(K1), 'bedrock.amazonaws.com'),
    };
    (svc.userIdentity as Record<string, unknown>).invokedBy = 'bedrock.amazonaws.com';
    const cal = {
      changes: [
        {
          ticket: 'CHG-3001',
          window: { start: `${T1}T11:00:00Z`, end: `${T1}T13:00:00Z` },
          owner: 'data-platform@example.com',
          summary: `Grant decrypt on the training key to the analytics account (${SANDBOX}) notebook role`,
        },
      ],
    };
    const fs = await findingsOf(
      'kms-grant-decoys',
      [
        ...pipeline(T1, K1),
        svc,
        createGrant(`${T1}T12:00:00Z`, `arn:aws:iam::${SANDBOX}:role/sandbox-role`, admin, '198.51.100.9'),
        createGrant(`${T1}T12:05:00Z`, `arn:aws:iam::${ACCT}:role/processing-role`, admin, '198.51.100.9'),
      ],
      cal,
    );
    const g = rule(fs, 'data-store.resource-grant');
    expect(g).toHaveLength(1);
    expect(g[0].details?.organisationAccounts).toEqual([SANDBOX]);
    expect(g[0].severity).toBe('informational');
  });

  const GROUP = `arn:aws:sagemaker:eu-west-2:${ACCT}:model-package-group/churn-llm`;
  const groupPolicy = (accounts: string[]) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: accounts.map((a) => ({
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${a}:root` },
        Action: [
          'sagemaker:DescribeModelPackageGroup',
          'sagemaker:DescribeModelPackage',
          'sagemaker:ListModelPackages',
        ],
        Resource: [GROUP, `arn:aws:sagemaker:eu-west-2:${ACCT}:model-package/churn-llm/*`],
      })),
    });
  const sm = (t: string, name: string, who: Record<string, unknown>, ip: string, req: object, ro = true) =>
    rec(t, 'sagemaker.amazonaws.com', name, who, ip, CLI, req, { readOnly: ro });

  it('a model package group shared with an outside account is a high AI change naming the packages it then described', async () => {
    const share = sm(
      `${T2}T08:00:00Z`,
      'PutModelPackageGroupPolicy',
      role(K2),
      HOSTING,
      { modelPackageGroupName: 'churn-llm', resourcePolicy: groupPolicy([SANDBOX, OUTSIDE]) },
      false,
    );
    const described = sm(`${T2}T09:00:00Z`, 'DescribeModelPackage', outsider(OUTSIDE), READER, {
      modelPackageName: `arn:aws:sagemaker:eu-west-2:${ACCT}:model-package/churn-llm/7`,
    });
    // the organisation's own serving account polling the group is not the outsider's
    const serving = sm(`${T2}T09:05:00Z`, 'DescribeModelPackage', outsider(SANDBOX), '35.183.77.142', {
      modelPackageName: `arn:aws:sagemaker:eu-west-2:${ACCT}:model-package/churn-llm/6`,
    });
    const cal = {
      changes: [
        {
          ticket: 'CHG-4001',
          window: { start: `${T2}T11:30:00Z`, end: `${T2}T12:30:00Z` },
          owner: 'ml-platform@example.com',
          summary: `Promote churn-llm package 8: approve it and re-apply the group policy for the serving account ${SANDBOX}`,
        },
      ],
    };
    const fs = await findingsOf(
      'registry-share',
      [
        ...pipeline(T1, K1),
        sm(
          `${T1}T10:00:00Z`,
          'PutModelPackageGroupPolicy',
          admin,
          '198.51.100.9',
          { modelPackageGroupName: 'churn-llm', resourcePolicy: groupPolicy([SANDBOX]) },
          false,
        ),
        share,
        described,
        serving,
        // the pipeline re-applying the organisation-only policy lets nobody new in
        sm(
          `${T2}T12:00:00Z`,
          'PutModelPackageGroupPolicy',
          admin,
          '198.51.100.9',
          { modelPackageGroupName: 'churn-llm', resourcePolicy: groupPolicy([SANDBOX]) },
          false,
        ),
      ],
      cal,
    );
    const g = rule(fs, 'data-store.resource-grant').filter(
      (f) => f.details?.action === 'PutModelPackageGroupPolicy',
    );
    const out = g.filter((f) => (f.details?.outsideAccounts as string[]).length);
    expect(out).toHaveLength(1);
    expect(out[0].severity).toBe('high');
    expect(out[0].elements).toEqual(['ai-changes']);
    expect(out[0].components).toEqual(['custom-models']);
    expect(out[0].title).toContain('shared with account');
    expect(out[0].resources).toEqual(
      expect.arrayContaining([GROUP, `arn:aws:sagemaker:eu-west-2:${ACCT}:model-package/churn-llm/7`]),
    );
    expect(out[0].resources).not.toContain(`arn:aws:sagemaker:eu-west-2:${ACCT}:model-package/churn-llm/6`);
    expect(out[0].evidence.eventIds).toContain(described.eventID);
    expect(out[0].evidence.eventIds).not.toContain(serving.eventID);
    expect(out[0].principals).toContain(`arn:aws:iam::${OUTSIDE}:root`);
    // nothing else above low: the serving account's grant came first, the re-applied policy is the same
    expect(g.filter((f) => f !== out[0] && f.severity !== 'low' && f.severity !== 'informational')).toEqual(
      [],
    );
  });

  it('a model archive read in ranged GETs is one artifact, a custom model taken rather than private data', async () => {
    const artifacts = 'example-model-artifacts';
    const parts = [0, 1, 2, 3].map((i) => ({
      ...s3(
        `${T2}T09:00:0${i}Z`,
        'GetObject',
        outsider(OUTSIDE),
        READER,
        BOTO,
        {
          bucketName: artifacts,
          key: 'churn-llm/pkg-7/model.tar.gz',
          Range: `bytes=${i * 1024}-${i * 1024 + 1023}`,
        },
        true,
      ),
      additionalEventData: { bytesTransferredOut: 1024 },
    }));
    const fs = await findingsOf('artifact-read', [
      ...pipeline(T1, K1),
      // a knowledge-base sync, and minutes later SageMaker (not Bedrock) pulling a model from the
      // artifacts bucket for a deployment: that does not make it a knowledge-base source
      rec(`${T2}T07:30:00Z`, 'bedrock.amazonaws.com', 'StartIngestionJob', admin, '198.51.100.9', CLI, {
        knowledgeBaseId: 'KBEXAMPLE1',
        dataSourceId: 'DSEXAMPLE1',
      }),
      s3(
        `${T2}T07:35:00Z`,
        'GetObject',
        {
          type: 'AWSAccount',
          principalId: 'AROAEXAMPLESERVING1:sm',
          accountId: SANDBOX,
          invokedBy: 'sagemaker.amazonaws.com',
        },
        'sagemaker.amazonaws.com',
        'sagemaker.amazonaws.com',
        { bucketName: artifacts, key: 'churn-llm/pkg-6/model.tar.gz' },
        true,
      ),
      s3(
        `${T2}T08:00:00Z`,
        'PutBucketPolicy',
        role(K2),
        HOSTING,
        CLI,
        policy(artifacts, [allow({ AWS: `arn:aws:iam::${OUTSIDE}:root` }, ['s3:GetObject'], artifacts)]),
      ),
      ...parts,
    ]);
    const reads = rule(fs, 'data-store.outside-read');
    expect(reads).toHaveLength(1);
    expect(reads[0].severity).toBe('high');
    expect(reads[0].title).toMatch(/^1 model artifact\(s\) of example-model-artifacts/);
    expect(reads[0].description).toContain('4 GET(s), 4 of them byte ranges, 4.0 KiB out');
    expect(reads[0].elements).toEqual(['data-store-changes']);
    expect(reads[0].components).toEqual(['custom-models']);
    expect(reads[0].principals).toEqual([`arn:aws:iam::${OUTSIDE}:root`]);
    const opened = rule(fs, 'data-store.resource-grant').find((f) => f.details?.resource === artifacts);
    expect(opened?.severity).toBe('high');
    expect(opened?.details?.dataBucket).toBeNull();
    expect(opened?.components ?? []).toEqual([]);
  });
});

describe('data exposure: the principal of an outside account', () => {
  const A = '999988887777';
  const role1 = `arn:aws:iam::${A}:role/sync`;
  const role2 = `arn:aws:iam::${A}:role/other`;
  const user1 = `arn:aws:iam::${A}:user/bot`;
  const root = `arn:aws:iam::${A}:root`;
  it('is the one role (or user) the grants name when every caller is a role session (or that user)', () => {
    expect(outsidePrincipal(A, [{ arn: null, principalId: 'AROAX:s1' }], [role1, root])).toEqual([role1]);
    expect(outsidePrincipal(A, [{ arn: null, principalId: 'AIDAX' }], [role1, user1])).toEqual([user1]);
  });
  it('is the account when the grants name it, or two roles, or the callers are of another kind', () => {
    expect(outsidePrincipal(A, [{ arn: null, principalId: 'AIDAX' }], [root])).toEqual([root]);
    expect(outsidePrincipal(A, [{ arn: null, principalId: 'AROAX:s1' }], [role1, role2])).toEqual([root]);
    expect(outsidePrincipal(A, [{ arn: null, principalId: 'AIDAX' }], [role1])).toEqual([root]);
    expect(outsidePrincipal(A, [], [role1])).toEqual([root]);
    // a grant naming another account's role says nothing of this one
    expect(
      outsidePrincipal(A, [{ arn: null, principalId: 'AROAX:s1' }], ['arn:aws:iam::111122223333:role/x']),
    ).toEqual([root]);
  });
  it('is what the records name when they carry the caller\u2019s ARN', () => {
    const arn = `arn:aws:sts::${A}:assumed-role/sync/s1`;
    expect(outsidePrincipal(A, [{ arn, principalId: 'AROAX:s1' }], [])).toEqual([arn]);
  });
});

describe('data exposure: what the scope makes of it', () => {
  const EXT_ROLE = `arn:aws:iam::${OUTSIDE}:role/dataset-sync`;
  const SSO_KEY = 'ASIAEXAMPLESSOSESS01';
  const sso = {
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLEDATASCI01:eve@example.com',
    arn: `arn:aws:sts::${ACCT}:assumed-role/AWSReservedSSO_DataScientist_0123456789abcdef/eve@example.com`,
    accountId: ACCT,
    accessKeyId: SSO_KEY,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: 'AROAEXAMPLEDATASCI01',
        arn: `arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/eu-west-2/AWSReservedSSO_DataScientist_0123456789abcdef`,
        accountId: ACCT,
        userName: 'AWSReservedSSO_DataScientist_0123456789abcdef',
      },
      attributes: { creationDate: `${T2}T07:00:00Z`, mfaAuthenticated: 'false' },
    },
  };

  it('names the outside role from the grant and a stolen SSO session for what it is; the outside reads stay outside-read\u2019s', async () => {
    const artifacts = 'example-model-artifacts';
    const ownRead = s3(
      `${T2}T08:05:00Z`,
      'GetObject',
      sso,
      HOSTING,
      CLI,
      { bucketName: artifacts, key: 'churn-llm/pkg-7/model.tar.gz' },
      true,
    );
    const theirRead = s3(
      `${T2}T09:00:00Z`,
      'GetObject',
      { type: 'AWSAccount', principalId: 'AROAEXAMPLESYNCROLE1:s1', accountId: OUTSIDE },
      READER,
      BOTO,
      { bucketName: artifacts, key: 'churn-llm/pkg-6/model.tar.gz' },
      true,
    );
    const { findings, scope } = await controlPlaneCase(
      path.join(tmp, 'scope-share'),
      {
        'ct.json': {
          Records: [
            ...pipeline(T1, K1),
            // the data scientist's own day, from the office
            s3(`${T1}T09:00:00Z`, 'ListObjects', sso, '198.51.100.9', CLI, { bucketName: artifacts }, true),
            s3(
              `${T2}T08:00:00Z`,
              'PutBucketPolicy',
              sso,
              HOSTING,
              CLI,
              policy(artifacts, [allow({ AWS: EXT_ROLE }, ['s3:GetObject', 's3:ListBucket'], artifacts)]),
            ),
            ownRead,
            theirRead,
          ],
        },
      },
      { scope: true },
    );
    expect(scope?.scope.principals).toContain(EXT_ROLE);
    expect(scope?.scope.principals).not.toContain(`arn:aws:iam::${OUTSIDE}:root`);
    expect(scope?.notes.join('\n')).toContain('named from the grant that let the account in');
    expect(scope?.notes.join('\n')).not.toContain('the principal that acted there is not in the evidence');
    // the outside account's reads are data-store.outside-read's to judge (a model taken, here), not
    // the actor's own reads of the organisation's data; the actor's own download stays one
    const reads = scope?.dataReads.flatMap((d) => d.eventIds) ?? [];
    expect(reads).toContain(ownRead.eventID);
    expect(reads).not.toContain(theirRead.eventID);
    const actor = actorFindings(scope!).filter((f) => f.ruleId === 'scope:actor-data-reads');
    expect(actor.flatMap((f) => f.evidence.eventIds)).not.toContain(theirRead.eventID);
    const taken = rule(findings, 'data-store.outside-read');
    expect(taken.map((f) => f.elements)).toEqual([['data-store-changes']]);
    expect(scope?.sessionKinds?.[SSO_KEY]).toContain('IAM Identity Center');
    // the access verdict says how the actor got in (as the scope's own access finding makes it compromised)
    const severe = findings.find((f) => f.severity === 'high')!;
    const access = elementVerdicts([{ ...severe, elements: ['access'] }], scope!.scope, [], scope!).access
      .summary;
    expect(access).toContain(`session key(s) ${SSO_KEY} (an IAM Identity Center session`);
    expect(access).not.toContain('workload or instance credentials');
  });
});

describe('data exposure: service records in the scope', () => {
  it('the outside account\u2019s Decrypts (address and agent AWS Internal) cited with a key grant do not make the owner\u2019s own S3-made KMS calls the actor\u2019s', async () => {
    const kmsRec = (t: string, name: string, who: Record<string, unknown>) =>
      rec(
        t,
        'kms.amazonaws.com',
        name,
        { ...who, invokedBy: 'AWS Internal' },
        'AWS Internal',
        'AWS Internal',
        { encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::${BUCKET}/datasets/v5/train.jsonl` } },
        { readOnly: true, resources: [{ accountId: ACCT, type: 'AWS::KMS::Key', ARN: KEY_ARN }] },
      );
    // the pipeline's own nightly write with the session key the actor also holds: S3 asks KMS for a data key
    const ownerKms = kmsRec(`${T2}T07:20:01Z`, 'GenerateDataKey', role(K2));
    const theirs = kmsRec(`${T2}T09:00:00Z`, 'Decrypt', outsider(OUTSIDE));
    const { findings, scope } = await controlPlaneCase(
      path.join(tmp, 'scope-aws-internal'),
      {
        'ct.json': {
          Records: [
            ...pipeline(T1, K1),
            ...recon,
            ...pipeline(T2, K2),
            ownerKms,
            keyPolicy([`arn:aws:iam::${OUTSIDE}:root`], `${T2}T08:01:00Z`, HOSTING, role(K2), CLI),
            theirs,
          ],
        },
      },
      { scope: true },
    );
    const key = rule(findings, 'data-store.resource-grant')[0];
    expect(key.evidence.eventIds).toContain(theirs.eventID);
    expect(scope?.actor.eventIds).not.toContain(ownerKms.eventID);
  });
});
