/**
 * data-store.bucket-policy-changed on a knowledge base's source bucket, with the names CloudTrail
 * gives S3's public access block calls.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { controlPlaneFindings } from '../../test/helpers/control-plane-case.js';

const ACCT = '111122223333';
const BUCKET = 'acme-support-kb-docs';
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-datastore-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const rec = (
  i: number,
  source: string,
  name: string,
  req: Record<string, unknown>,
  resp: unknown = null,
) => ({
  eventVersion: '1.09',
  userIdentity: {
    type: 'AssumedRole',
    arn: `arn:aws:sts::${ACCT}:assumed-role/data-prep-task/abc123`,
    principalId: 'AROAEXAMPLE:abc123',
    accountId: ACCT,
    accessKeyId: 'ASIAEXAMPLEDATAPREP1',
    sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCT}:role/data-prep-task` } },
  },
  eventTime: `2026-03-02T02:${String(10 + i).padStart(2, '0')}:00Z`,
  eventSource: source,
  eventName: name,
  awsRegion: 'ca-central-1',
  sourceIPAddress: '198.51.100.23',
  userAgent: 'aws-cli/2.24.25 md/awscrt#0.23.8 ua/2.0 os/linux#6.1',
  requestParameters: req,
  responseElements: resp,
  eventID: `00000000-0000-4000-8000-00000000000${i}`,
  requestID: `REQ${i}`,
  readOnly: false,
  eventType: 'AwsApiCall',
  managementEvent: true,
  recipientAccountId: ACCT,
});

describe('data-store: changes to a knowledge-base source bucket', () => {
  it("reads CloudTrail's names of the public access block calls, and judges a deletion once", async () => {
    const ds = rec(
      0,
      'bedrock.amazonaws.com',
      'GetDataSource',
      { knowledgeBaseId: 'KB12345678', dataSourceId: 'DS12345678' },
      {
        dataSource: {
          knowledgeBaseId: 'KB12345678',
          dataSourceId: 'DS12345678',
          dataSourceConfiguration: { type: 'S3', s3Configuration: { bucketArn: `arn:aws:s3:::${BUCKET}` } },
        },
      },
    );
    const del = rec(1, 's3.amazonaws.com', 'DeleteBucketPublicAccessBlock', {
      bucketName: BUCKET,
      publicAccessBlock: '',
      Host: `${BUCKET}.s3.ca-central-1.amazonaws.com`,
    });
    // the block put back, all four settings on: a change to the bucket, not an opening
    const put = rec(2, 's3.amazonaws.com', 'PutBucketPublicAccessBlock', {
      bucketName: BUCKET,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
      Host: `${BUCKET}.s3.ca-central-1.amazonaws.com`,
    });
    const fs = await controlPlaneFindings(path.join(tmp, 'pab'), { 'ct.json': { Records: [ds, del, put] } });
    // the deletion is judged once, as a public grant, at high
    const aboutDel = fs.filter(
      (x) => (x.evidence.eventIds ?? []).includes(del.eventID) && x.ruleId.startsWith('data-store.'),
    );
    expect(aboutDel.map((x) => [x.ruleId, x.severity])).toEqual([['data-store.resource-grant', 'high']]);
    const f = fs.find((x) => x.ruleId === 'data-store.bucket-policy-changed');
    expect(f?.evidence.eventIds).toEqual([put.eventID]);
    expect(f?.description).not.toContain('opening it beyond the account');
  });
});
