/**
 * infrastructure.bucket-delivery-outside on small cases built from CloudTrail records as delivered:
 * a stolen administrator session reads a knowledge-base bucket's settings, creates a role S3 may
 * assume, replicates the bucket to another account's bucket and adds that account's SNS topic to
 * the bucket's notifications; people upload documents afterwards and S3 assumes the role. The
 * organisation's own disaster-recovery replication and the team's notification to its own function
 * are not reported; a planned change naming the outside account explains it; a deletion of the rule
 * ends what counts as copied out. The coverage names the gap.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { controlPlaneFindings } from '../../test/helpers/control-plane-case.js';
import { minutesAfter, uuidSequence } from '../../test/helpers/fixture-clock.js';
import { ingest } from '../engine/ingest.js';
import type { Finding } from '../model/types.js';
import { CaseStore } from '../store/case-store.js';
import { deliveriesOf } from './bucket-delivery.js';
import { computeCoverage } from './coverage.js';

const ACCT = '111122223333';
const DR = '222233334444';
const OUTSIDE = '777788889999';
const BUCKET = 'acme-kb-docs';
const OTHER_BUCKET = 'acme-train-data';
const OUT_BUCKET = 'mirror-docs-x';
const OUT_TOPIC = `arn:aws:sns:us-east-1:${OUTSIDE}:object-events`;
const OWN_FN = `arn:aws:lambda:us-east-1:${ACCT}:function:kb-sync`;
const ROLE = `arn:aws:iam::${ACCT}:role/kb-backup-replication`;
const DR_ROLE = `arn:aws:iam::${ACCT}:role/dr-replication`;
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-bucket-delivery-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const id = uuidSequence('b0d1');
const at = minutesAfter('2025-06-03T00:00:00Z');

const CLI = 'aws-cli/2.25.11 md/awscrt#0.23.4 ua/2.0 os/macos#24.1.0 md/arch#arm64 lang/python#3.12.9';
const CLI2 = 'aws-cli/2.23.7 md/awscrt#0.23.7 ua/2.0 os/linux#5.10.0 md/arch#x86_64 lang/python#3.12.6';
const VPS = '203.0.113.41';
const OFFICE = '198.51.100.20';
const S3_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 's3.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

interface Who {
  session: string;
  key: string;
}
const admin: Who = { session: 'mia@acme.example', key: 'ASIAADMINSESSION0001' };
const editor: Who = { session: 'li@acme.example', key: 'ASIAEDITORSESSION001' };
const ops: Who = { session: 'ops@acme.example', key: 'ASIAOPSSESSION000001' };

function call(
  time: string,
  who: Who,
  ip: string,
  ua: string,
  source: string,
  name: string,
  req: unknown,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAADMINROLEEXAMPLE:${who.session}`,
      arn: `arn:aws:sts::${ACCT}:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/${who.session}`,
      accountId: ACCT,
      accessKeyId: who.key,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAADMINROLEEXAMPLE',
          arn: `arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef`,
          accountId: ACCT,
          userName: 'AWSReservedSSO_Admin_0123456789abcdef',
        },
        attributes: { creationDate: time, mfaAuthenticated: 'false' },
      },
    },
    eventTime: time,
    eventSource: source,
    eventName: name,
    awsRegion: 'us-east-1',
    sourceIPAddress: ip,
    userAgent: ua,
    requestParameters: req,
    responseElements: null,
    requestID: id(),
    eventID: id(),
    readOnly: /^(Get|List|Describe)/.test(name),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCT,
    eventCategory: 'Management',
    ...extra,
  };
}

const S3 = 's3.amazonaws.com';
const IAM = 'iam.amazonaws.com';
const bucketRes = (b: string) => ({
  resources: [{ accountId: ACCT, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${b}` }],
});

const replication = (bucket: string, role: string, dest: string, account?: string, extra = {}) => ({
  replication: '',
  bucketName: bucket,
  ReplicationConfiguration: {
    xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
    Role: role,
    Rule: {
      ID: 'all-objects',
      Status: 'Enabled',
      Priority: 1,
      Filter: { Prefix: '' },
      Destination: {
        Bucket: `arn:aws:s3:::${dest}`,
        ...(account ? { Account: account, AccessControlTranslation: { Owner: 'Destination' } } : {}),
      },
      ...extra,
    },
  },
});
const ownFnNotification = {
  Id: 'kb-sync-on-upload',
  CloudFunction: OWN_FN,
  Event: 's3:ObjectCreated:*',
  Filter: { S3Key: { FilterRule: [{ Name: 'Suffix', Value: '.md' }] } },
};

function put(time: string, who: Who, key: string, bucket = BUCKET): Record<string, unknown> {
  return call(
    time,
    who,
    OFFICE,
    'Mozilla/5.0 (Macintosh)',
    S3,
    'PutObject',
    { bucketName: bucket, key },
    {
      ...bucketRes(bucket),
      managementEvent: false,
      eventCategory: 'Data',
      readOnly: false,
    },
  );
}

function s3AssumesRole(time: string, role: string): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    userIdentity: { type: 'AWSService', invokedBy: S3 },
    eventTime: time,
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    awsRegion: 'us-east-1',
    sourceIPAddress: S3,
    userAgent: S3,
    requestParameters: { roleArn: role, roleSessionName: 's3-replication-abc' },
    responseElements: { credentials: { accessKeyId: 'ASIAS3REPLICATION001' } },
    requestID: id(),
    eventID: id(),
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCT,
    eventCategory: 'Management',
  };
}

/** The stolen session's night: look, create the role, replicate out, add the outside topic. */
function intrusion(): Record<string, unknown>[] {
  const a = (t: number, src: string, name: string, req: unknown, extra: Record<string, unknown> = {}) =>
    call(at(t), admin, VPS, CLI2, src, name, req, extra);
  return [
    a(600, 'sts.amazonaws.com', 'GetCallerIdentity', null),
    a(601, S3, 'ListBuckets', { Host: 's3.amazonaws.com' }),
    a(602, S3, 'GetBucketNotification', { notification: '', bucketName: BUCKET }, bucketRes(BUCKET)),
    a(
      603,
      S3,
      'GetBucketReplication',
      { replication: '', bucketName: BUCKET },
      {
        ...bucketRes(BUCKET),
        errorCode: 'ReplicationConfigurationNotFoundError',
        errorMessage: 'The replication configuration was not found',
      },
    ),
    a(609, IAM, 'CreateRole', { roleName: 'kb-backup-replication', assumeRolePolicyDocument: S3_TRUST }),
    a(610, IAM, 'PutRolePolicy', {
      roleName: 'kb-backup-replication',
      policyName: 'replicate',
      policyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['s3:ReplicateObject'], Resource: `arn:aws:s3:::${OUT_BUCKET}/*` },
        ],
      }),
    }),
    a(611, S3, 'PutBucketReplication', replication(BUCKET, ROLE, OUT_BUCKET, OUTSIDE), bucketRes(BUCKET)),
    a(
      612,
      S3,
      'PutBucketNotification',
      {
        notification: '',
        bucketName: BUCKET,
        NotificationConfiguration: {
          CloudFunctionConfiguration: ownFnNotification,
          TopicConfiguration: { Id: 'audit', Topic: OUT_TOPIC, Event: 's3:ObjectCreated:*' },
        },
      },
      bucketRes(BUCKET),
    ),
    a(613, S3, 'GetBucketNotification', { notification: '', bucketName: BUCKET }, bucketRes(BUCKET)),
  ];
}

/** The day before: the admin's own work from the office, the team's notification to its own function. */
function daytime(): Record<string, unknown>[] {
  return [
    call(at(10), admin, OFFICE, CLI, 'sts.amazonaws.com', 'GetCallerIdentity', null),
    call(at(12), admin, OFFICE, CLI, S3, 'ListBuckets', { Host: 's3.amazonaws.com' }),
    call(
      at(30),
      editor,
      OFFICE,
      CLI,
      S3,
      'PutBucketNotification',
      {
        notification: '',
        bucketName: BUCKET,
        NotificationConfiguration: { CloudFunctionConfiguration: ownFnNotification },
      },
      bucketRes(BUCKET),
    ),
    put(at(40), editor, 'faq/old-doc.md'),
  ];
}

const RULE = 'infrastructure.bucket-delivery-outside';
const by = (fs: Finding[]): Finding[] => fs.filter((f) => f.ruleId === RULE);
const run = (name: string, records: Record<string, unknown>[], cal?: unknown): Promise<Finding[]> =>
  controlPlaneFindings(path.join(tmp, name), {
    'ct.json': { Records: records },
    ...(cal ? { 'context/change-calendar.json': cal } : {}),
  });

describe('deliveriesOf: replication and notification shapes', () => {
  it('reads the XML shapes CloudTrail records and the SDK shapes, skipping disabled rules', () => {
    const r = deliveriesOf('PutBucketReplication', {
      ReplicationConfiguration: {
        Role: ROLE,
        Rules: [
          {
            ID: 'a',
            Status: 'Enabled',
            Filter: { And: { Prefix: 'docs/' } },
            Destination: { Bucket: `arn:aws:s3:::${OUT_BUCKET}`, Account: OUTSIDE },
          },
          { ID: 'b', Status: 'Disabled', Destination: { Bucket: 'arn:aws:s3:::other' } },
        ],
      },
    });
    expect(r?.role).toBe(ROLE);
    expect(r?.deliveries).toEqual([
      expect.objectContaining({
        kind: 'replication',
        destination: `arn:aws:s3:::${OUT_BUCKET}`,
        account: OUTSIDE,
        prefix: 'docs/',
      }),
    ]);
    const n = deliveriesOf('PutBucketNotificationConfiguration', {
      NotificationConfiguration: {
        QueueConfigurations: [
          { QueueArn: `arn:aws:sqs:us-east-1:${OUTSIDE}:q`, Events: ['s3:ObjectCreated:*'] },
        ],
        LambdaFunctionConfigurations: [
          {
            LambdaFunctionArn: OWN_FN,
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'in/' }] } },
          },
        ],
      },
    });
    expect(n?.deliveries.map((d) => [d.kind, d.account, d.prefix])).toEqual([
      ['queue', OUTSIDE, null],
      ['function', ACCT, 'in/'],
    ]);
    expect(deliveriesOf('DeleteBucketReplication', { bucketName: BUCKET })?.deliveries).toEqual([]);
    expect(deliveriesOf('PutBucketPolicy', { bucketName: BUCKET })).toBeNull();
  });
});

describe('infrastructure: bucket replicated or announced to an outside account', () => {
  it('a stolen session replicating a bucket out and adding an outside topic: high, with the role, the copies and the documents', async () => {
    const bad = intrusion();
    const after = [put(at(700), editor, 'internal/tariff.md'), put(at(702), editor, 'internal/matrix.md')];
    const assumed = s3AssumesRole(at(701), ROLE);
    const fs = by(await run('outside', [...daytime(), ...bad, ...after, assumed]));
    expect(fs).toHaveLength(1);
    const f = fs[0];
    expect(f.severity).toBe('high');
    expect(f.elements).toEqual(expect.arrayContaining(['infrastructure-changes', 'private-data']));
    expect(f.resources).toEqual([BUCKET, ROLE, `arn:aws:s3:::${OUT_BUCKET}`, OUT_TOPIC].sort());
    expect(f.sourceIps).toEqual([VPS]);
    expect(f.accessKeyIds).toEqual([admin.key]);
    // the look, the role, the rule, the notification, the check after, and S3 taking the role:
    // not the day's work with the same key, not the uploads
    expect(new Set(f.evidence.eventIds)).toEqual(new Set([...bad, assumed].map((r) => String(r.eventID))));
    expect(f.details?.exposedObjects).toEqual(['internal/tariff.md', 'internal/matrix.md']);
    expect(f.details?.roleTrustsS3).toBe(true);
    expect(f.details?.s3AssumedRole).toBe(1);
    expect(f.details?.outsideAccounts).toEqual([OUTSIDE]);
    // the generic low bucket-configuration finding of the same record is not repeated
    expect(
      (await run('outside-2', [...bad])).filter(
        (x) => x.ruleId === 'data-store.bucket-policy-changed' && x.title.startsWith('PutBucketReplication'),
      ),
    ).toHaveLength(0);
  });

  it("replication to the organisation's own DR account and a notification to the team's own function: nothing", async () => {
    const cal = {
      changes: [
        {
          ticket: 'CHG-1',
          window: { start: at(100), end: at(200) },
          owner: ops.session,
          summary: `S3 DR: replicate ${OTHER_BUCKET} to the DR account ${DR}`,
        },
      ],
    };
    const recs = [
      ...daytime(),
      call(at(120), ops, OFFICE, CLI, IAM, 'CreateRole', {
        roleName: 'dr-replication',
        assumeRolePolicyDocument: S3_TRUST,
      }),
      call(
        at(125),
        ops,
        OFFICE,
        CLI,
        S3,
        'PutBucketReplication',
        replication(OTHER_BUCKET, DR_ROLE, 'dr-replica', DR),
        bucketRes(OTHER_BUCKET),
      ),
      s3AssumesRole(at(300), DR_ROLE),
      put(at(310), editor, 'x.csv', OTHER_BUCKET),
    ];
    expect(by(await run('own', recs, cal))).toHaveLength(0);
  });

  it('a notification alone to a queue of an outside account (SDK shape): low, without private data', async () => {
    const rec = call(
      at(50),
      admin,
      VPS,
      CLI2,
      S3,
      'PutBucketNotificationConfiguration',
      {
        notification: '',
        bucketName: BUCKET,
        NotificationConfiguration: {
          QueueConfigurations: [
            { Id: 'q', QueueArn: `arn:aws:sqs:us-east-1:${OUTSIDE}:feed`, Events: ['s3:ObjectCreated:*'] },
          ],
        },
      },
      bucketRes(BUCKET),
    );
    const fs = by(await run('queue', [rec, put(at(60), editor, 'a.md')]));
    expect(fs).toHaveLength(1);
    expect(fs[0].severity).toBe('low');
    expect(fs[0].elements).toEqual(['infrastructure-changes']);
    expect(fs[0].details?.exposedObjects).toEqual(['a.md']);
  });

  it('a deletion of the rule ends what left; a planned change naming the account makes it the organisation\u2019s', async () => {
    const recs = [
      call(
        at(20),
        admin,
        OFFICE,
        CLI,
        S3,
        'PutBucketReplication',
        replication(BUCKET, ROLE, OUT_BUCKET, OUTSIDE),
        bucketRes(BUCKET),
      ),
      put(at(30), editor, 'before-delete.md'),
      call(
        at(40),
        admin,
        OFFICE,
        CLI,
        S3,
        'DeleteBucketReplication',
        { replication: '', bucketName: BUCKET },
        bucketRes(BUCKET),
      ),
      put(at(50), editor, 'after-delete.md'),
    ];
    const unplanned = by(await run('unplanned', recs));
    expect(unplanned).toHaveLength(1);
    expect(unplanned[0].severity).toBe('high');
    expect(unplanned[0].details?.exposedObjects).toEqual(['before-delete.md']);
    expect(unplanned[0].details?.destinations).toEqual([
      expect.objectContaining({ until: expect.stringContaining('00:40:00') }),
    ]);
    // the account a change names is learnt as the organisation's (as for grants and log subscriptions)
    const cal = {
      changes: [
        {
          ticket: 'CHG-2',
          window: { start: at(0), end: at(100) },
          owner: admin.session,
          summary: `Replicate ${BUCKET} to ${OUT_BUCKET} in the archive account ${OUTSIDE}`,
        },
      ],
    };
    expect(by(await run('planned', recs, cal))).toHaveLength(0);
  });

  it('the coverage names the gap: copies and deliveries are not reads in the source account', async () => {
    const dir = path.join(tmp, 'coverage');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'ct.json'), JSON.stringify({ Records: intrusion() }));
    const store = await CaseStore.open(':memory:');
    try {
      await ingest(store, [dir]);
      const cov = await computeCoverage(store);
      const gap = cov.gaps.find((g) => g.includes(BUCKET));
      expect(gap).toContain(OUTSIDE);
      expect(gap).toContain('not recorded as object reads');
    } finally {
      await store.close();
    }
  });
});
