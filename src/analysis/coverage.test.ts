import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingest } from '../engine/ingest.js';
import { CaseStore } from '../store/case-store.js';
import { computeCoverage } from './coverage.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'genai-ir-coverage-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function ct(time: string, region: string, eventName: string, extra: Record<string, unknown> = {}) {
  n++;
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      arn: 'arn:aws:iam::111122223333:user/dev',
      accountId: '111122223333',
      accessKeyId: 'AKIAEXAMPLEEXAMPLE12',
    },
    eventTime: time,
    eventSource: eventName === 'StopLogging' ? 'cloudtrail.amazonaws.com' : 'bedrock.amazonaws.com',
    eventName,
    awsRegion: region,
    sourceIPAddress: '198.51.100.20',
    userAgent: 'aws-cli/2.17.0',
    requestParameters:
      eventName === 'StopLogging'
        ? { name: 'org-trail' }
        : { modelId: 'anthropic.claude-3-haiku-20240307-v1:0' },
    responseElements: null,
    requestID: `req-${n}`,
    eventID: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: eventName === 'StopLogging',
    recipientAccountId: '111122223333',
    eventCategory: eventName === 'StopLogging' ? 'Management' : 'Data',
    ...extra,
  };
}

async function coverageOf(records: unknown[], invocationLines: unknown[] = []) {
  const dir = mkdtempSync(path.join(tmp, 'ev-'));
  writeFileSync(path.join(dir, 'trail.json'), JSON.stringify({ Records: records }));
  if (invocationLines.length)
    writeFileSync(
      path.join(dir, 'invocations.jsonl'),
      `${invocationLines.map((l) => JSON.stringify(l)).join('\n')}\n`,
    );
  const store = await CaseStore.open(':memory:');
  try {
    await ingest(store, [dir]);
    return await computeCoverage(store);
  } finally {
    await store.close();
  }
}

/** A model-invocation log line of the call CloudTrail records as `rec`. */
function logLine(rec: ReturnType<typeof ct>) {
  return {
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: rec.eventTime,
    accountId: '111122223333',
    identity: { arn: rec.userIdentity.arn },
    region: rec.awsRegion,
    requestId: rec.requestID,
    operation: 'InvokeModel',
    modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
    input: { inputContentType: 'application/json', inputTokenCount: 12, inputBodyJson: { prompt: 'Hello' } },
    output: {
      outputContentType: 'application/json',
      outputTokenCount: 3,
      outputBodyJson: { completion: 'Hi' },
    },
  };
}

describe('coverage', () => {
  it('names logging narrowed to leave out text, and its log group cut short or deleted', async () => {
    const group = '/acme/bedrock/invocations';
    const cfg = (text: boolean) => ({
      loggingConfig: {
        cloudWatchConfig: { logGroupName: group, roleArn: 'arn:aws:iam::111122223333:role/bedrock-logs' },
        textDataDeliveryEnabled: text,
        imageDataDeliveryEnabled: false,
        embeddingDataDeliveryEnabled: false,
      },
    });
    const logs = (time: string, action: string, req: Record<string, unknown>) => ({
      ...ct(time, 'eu-south-1', action, { requestParameters: req }),
      eventSource: 'logs.amazonaws.com',
      managementEvent: true,
      eventCategory: 'Management',
    });
    const recs = [
      ct('2025-10-07T10:00:00Z', 'eu-south-1', 'PutModelInvocationLoggingConfiguration', {
        requestParameters: cfg(true),
      }),
      ct('2025-10-07T14:15:00Z', 'eu-south-1', 'PutModelInvocationLoggingConfiguration', {
        requestParameters: cfg(false),
      }),
      logs('2025-10-07T14:17:00Z', 'PutRetentionPolicy', { logGroupName: group, retentionInDays: 1 }),
      // a long retention on the same group, and a short one on another group: not gaps
      logs('2025-10-07T15:00:00Z', 'PutRetentionPolicy', { logGroupName: group, retentionInDays: 400 }),
      logs('2025-10-07T15:05:00Z', 'PutRetentionPolicy', {
        logGroupName: '/aws/lambda/other',
        retentionInDays: 1,
      }),
      logs('2025-10-08T09:00:00Z', 'DeleteLogGroup', { logGroupName: group }),
    ];
    const c = await coverageOf(recs);
    expect(c.gaps.filter((g) => g.includes('leave out text'))).toEqual([
      'model invocation logging in eu-south-1 set at 2025-10-07T14:15:00.000Z to leave out text (textDataDeliveryEnabled false): invocations after it have no prompt or response in the evidence',
    ]);
    expect(c.gaps.filter((g) => g.startsWith('CloudWatch log group'))).toEqual([
      `CloudWatch log group ${group} of model invocation logging set to 1-day retention in eu-south-1 at 2025-10-07T14:17:00.000Z: older invocation logs it alone held are lost`,
      `CloudWatch log group ${group} of model invocation logging deleted in eu-south-1 at 2025-10-08T09:00:00.000Z: invocation logs it alone held are lost`,
    ]);
  });

  it('names a Region whose invocation logs stop while CloudTrail goes on recording runtime calls', async () => {
    const before = [];
    const after = [];
    for (let i = 0; i < 20; i++)
      before.push(ct(`2025-01-01T09:${String(i).padStart(2, '0')}:00Z`, 'us-east-1', 'InvokeModel'));
    for (let i = 0; i < 25; i++)
      after.push(ct(`2025-01-01T11:${String(i).padStart(2, '0')}:00Z`, 'us-east-1', 'InvokeModel'));
    const c = await coverageOf([...before, ...after], before.map(logLine));
    const gap = c.gaps.find((g) => g.startsWith('model invocation logs in us-east-1 stop'));
    expect(gap).toMatch(
      /stop at 2025-01-01T09:19:00.000Z, but CloudTrail records 25 successful runtime calls there until 2025-01-01T11:24:00.000Z/,
    );
    // logged throughout: no such gap
    const all = await coverageOf([...before, ...after], [...before, ...after].map(logLine));
    expect(all.gaps.some((g) => g.startsWith('model invocation logs in us-east-1 stop'))).toBe(false);
  });

  it('names the Regions where Bedrock was called without invocation logs, and a stopped trail', async () => {
    const recs = [];
    for (let i = 0; i < 30; i++)
      recs.push(ct(`2025-01-01T10:${String(i).padStart(2, '0')}:00Z`, 'us-west-2', 'InvokeModel'));
    recs.push(ct('2025-01-01T10:45:00Z', 'eu-west-1', 'StopLogging'));
    const c = await coverageOf(recs);
    expect(c.window).toEqual({ start: '2025-01-01T10:00:00.000Z', end: '2025-01-01T10:45:00.000Z' });
    const gap = c.gaps.find((g) => g.includes('us-west-2'));
    expect(gap).toMatch(/no model invocation logs .* us-west-2: 30 Bedrock runtime calls/);
    expect(c.gaps.some((g) => /trail org-trail stopped or deleted/.test(g))).toBe(true);
    expect(c.gaps.some((g) => /no S3 data events/.test(g))).toBe(true);
    expect(c.missingFor).toContain('private-data');
    expect(c.missingFor).not.toContain('access');
  });

  it('finds a hole in CloudTrail time much longer than the usual spacing', async () => {
    const recs = [];
    for (let i = 0; i < 40; i++)
      recs.push(ct(`2025-01-01T08:${String(i).padStart(2, '0')}:00Z`, 'us-east-1', 'ListFoundationModels'));
    for (let i = 0; i < 40; i++)
      recs.push(ct(`2025-01-01T14:${String(i).padStart(2, '0')}:00Z`, 'us-east-1', 'ListFoundationModels'));
    const c = await coverageOf(recs);
    expect(
      c.gaps.some((g) =>
        /CloudTrail hole .* from 2025-01-01T08:39:00.000Z to 2025-01-01T14:00:00.000Z/.test(g),
      ),
    ).toBe(true);
  });

  it('does not take the quiet hours of an intermittently used account for holes', async () => {
    // people signing in now and then (and not at night): many quiet periods are the account's rhythm
    const recs = [];
    for (const h of ['08', '09', '11', '13', '15', '17', '20'])
      for (let i = 0; i < 3; i++)
        recs.push(ct(`2025-01-01T${h}:0${i}:00Z`, 'us-east-1', 'ListFoundationModels'));
    for (const h of ['07', '09'])
      for (let i = 0; i < 3; i++)
        recs.push(ct(`2025-01-02T${h}:0${i}:00Z`, 'us-east-1', 'ListFoundationModels'));
    // then silence for a day and a half, far longer than its usual quiet period
    for (let i = 0; i < 3; i++) recs.push(ct(`2025-01-03T22:0${i}:00Z`, 'us-east-1', 'ListFoundationModels'));
    const c = await coverageOf(recs);
    const holes = c.gaps.filter((g) => /CloudTrail hole/.test(g));
    expect(holes).toHaveLength(1);
    expect(holes[0]).toMatch(/from 2025-01-02T09:02:00.000Z to 2025-01-03T22:00:00.000Z/);
  });

  it('says which elements cannot be judged when CloudTrail is missing', async () => {
    const dir = mkdtempSync(path.join(tmp, 'none-'));
    writeFileSync(path.join(dir, 'empty.json'), '');
    const store = await CaseStore.open(':memory:');
    try {
      await ingest(store, [dir]);
      const c = await computeCoverage(store);
      expect(c.missingFor).toEqual(
        expect.arrayContaining(['access', 'infrastructure-changes', 'ai-changes', 'private-data']),
      );
      expect(c.gaps[0]).toMatch(/no CloudTrail/);
    } finally {
      await store.close();
    }
  });
});

describe('coverage of notebook sessions', () => {
  it('names what a presigned notebook or Studio URL leaves out of CloudTrail', async () => {
    const sm = (name: string, req: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      ct('2025-07-01T10:00:00Z', 'eu-west-1', name, {
        eventSource: 'sagemaker.amazonaws.com',
        requestParameters: req,
        managementEvent: true,
        eventCategory: 'Management',
        ...extra,
      });
    const cov = await coverageOf([
      sm('CreatePresignedNotebookInstanceUrl', { notebookInstanceName: 'nb-a' }),
      sm('CreatePresignedNotebookInstanceUrl', { notebookInstanceName: 'nb-b' }),
      sm('CreatePresignedDomainUrl', { domainId: 'd-abc123', userProfileName: 'ana' }),
      sm(
        'CreatePresignedNotebookInstanceUrl',
        { notebookInstanceName: 'nb-c' },
        { errorCode: 'AccessDenied' },
      ),
    ]);
    const gaps = cov.gaps.filter((g) => /Jupyter/.test(g));
    expect(gaps).toHaveLength(2);
    expect(gaps[0]).toMatch(/^1 presigned Studio domain URL\(s\) created for 1 domain/);
    expect(gaps[1]).toMatch(/^2 presigned notebook-instance URL\(s\) created for 2 notebook instance/);
    expect(gaps[1]).toMatch(/not in CloudTrail/);
  });
});

describe('coverage of SageMaker endpoints', () => {
  it('names endpoint invocations as not recorded where endpoints were created or updated', async () => {
    const sm = (name: string, req: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      ct('2025-07-01T10:00:00Z', 'eu-west-1', name, {
        eventSource: 'sagemaker.amazonaws.com',
        requestParameters: req,
        managementEvent: true,
        eventCategory: 'Management',
        ...extra,
      });
    const cov = await coverageOf([
      sm('UpdateEndpoint', { endpointName: 'quotes-prod', endpointConfigName: 'cfg-2' }),
      sm('CreateEndpoint', { endpointName: 'quotes-staging', endpointConfigName: 'cfg-1' }),
      sm(
        'UpdateEndpoint',
        { endpointName: 'other', endpointConfigName: 'cfg-3' },
        { errorCode: 'ValidationException' },
      ),
    ]);
    const gaps = cov.gaps.filter((g) => /InvokeEndpoint/.test(g));
    expect(gaps).toHaveLength(1);
    expect(gaps[0]).toMatch(
      /^2 SageMaker endpoint\(s\) created or updated in eu-west-1 \(quotes-prod, quotes-staging\)/,
    );
    expect(gaps[0]).toMatch(/not record/);
  });
});

describe('batch inference jobs', () => {
  it('names the gap: batch prompts and answers are not in the invocation logs', async () => {
    const job = ct('2025-06-03T10:00:00Z', 'eu-north-1', 'CreateModelInvocationJob', {
      eventCategory: 'Management',
      managementEvent: true,
      requestParameters: {
        jobName: 'j1',
        roleArn: 'arn:aws:iam::111122223333:role/batch',
        modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
        inputDataConfig: { s3InputDataConfig: { s3Uri: 's3://x/in.jsonl', s3BucketOwner: '999988887777' } },
        outputDataConfig: { s3OutputDataConfig: { s3Uri: 's3://x/out/' } },
      },
    });
    const cov = await coverageOf([job]);
    const gap = cov.gaps.find((g) => /batch inference/.test(g));
    expect(gap).toMatch(/1 Bedrock batch inference .* in eu-north-1: .*not in the model invocation logs/);
    expect(gap).toMatch(/buckets of other accounts/);
  });
});
