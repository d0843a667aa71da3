import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseReader, openEnvelope } from './index.js';
import { asffLabel, securityhub } from './securityhub.js';

const FIX = path.join(import.meta.dirname, '../../test/fixtures/sources/securityhub');
const json = (f: string): unknown => JSON.parse(readFileSync(path.join(FIX, f), 'utf8'));
const ctx = { note: () => {} } as never;
const rows = (v: unknown) => securityhub.unwrap(v).map((r) => securityhub.normalize(r, ctx));

describe('Security Hub reader', () => {
  const doc = json('get-findings.json');
  const out = rows(doc);

  it('recognises get-findings output', () => {
    expect(chooseReader(doc, null)).toBe(securityhub);
    expect(out).toHaveLength(3);
  });

  it('reads a GuardDuty finding imported into Security Hub, using its ProductFields', () => {
    expect(out[0]).toMatchObject({
      source: 'securityhub',
      findingId:
        'arn:aws:guardduty:us-east-1:123456789012:detector/12abc34d567e8fa901bc2d34eexample/finding/a1b2c3d4e5f60718293a4b5c6d7e8f90',
      type: 'TTPs/Impact/Impact:IAMUser-AnomalousModelInvocation',
      severity: 60,
      severityLabel: 'High',
      archived: false,
      count: 42,
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      principalId: 'AIDAJ45Q7YFFAREXAMPLE',
      userName: 'ci-deployer',
      userType: 'IAMUser',
      remoteIp: '203.0.113.45',
      api: 'InvokeModel',
      serviceName: 'bedrock.amazonaws.com',
      resourceType: 'AwsIamAccessKey',
      resources: ['AWS::IAM::AccessKey:AKIAIOSFODNN7EXAMPLE'],
      firstSeen: '2025-03-11T01:02:03.000Z',
      updatedAt: '2025-03-11T04:20:00.456Z',
    });
  });

  it('marks suppressed and archived findings', () => {
    expect(out[1]).toMatchObject({
      archived: true,
      severity: 40,
      severityLabel: 'Medium',
      resources: ['arn:aws:s3:::example-training-data'],
      remoteIp: null,
      accessKeyId: null,
    });
    expect(out[2]).toMatchObject({
      archived: true,
      severity: 95,
      severityLabel: 'Critical',
      remoteIp: '10.0.0.12',
      region: null,
    });
  });

  it('reads EventBridge "Findings - Imported" events once the registry opened them', () => {
    const inner = openEnvelope(json('eventbridge.json'))!;
    expect(inner).toHaveLength(2);
    const r = inner.map((f) => {
      expect(chooseReader(f, null)).toBe(securityhub);
      return securityhub.normalize(securityhub.unwrap(f)[0], ctx);
    });
    expect(r).toEqual(out.slice(0, 2));
  });

  it('labels normalized severities', () => {
    expect([0, 1, 39, 40, 69, 70, 89, 90, 100].map(asffLabel)).toEqual([
      'Informational',
      'Low',
      'Low',
      'Medium',
      'Medium',
      'High',
      'High',
      'Critical',
      'Critical',
    ]);
  });
});
