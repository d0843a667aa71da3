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
import { controlPlaneFindings } from '../../test/helpers/control-plane-case.js';
import type { Finding } from '../model/types.js';
import { statementsOf } from './data-exposure.js';

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
