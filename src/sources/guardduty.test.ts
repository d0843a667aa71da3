import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { guardDutySeverityLabel, guardduty, lenientTime } from './guardduty.js';
import { chooseReader, openEnvelope } from './index.js';
import { securityhub } from './securityhub.js';

const FIX = path.join(import.meta.dirname, '../../test/fixtures/sources/guardduty');
const json = (f: string): unknown => JSON.parse(readFileSync(path.join(FIX, f), 'utf8'));
const lines = (f: string): unknown[] =>
  readFileSync(path.join(FIX, f), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
const notes: string[] = [];
const ctx = { note: (m: string) => notes.push(m) } as never;

function rows(values: unknown[]) {
  const out: Record<string, unknown>[] = [];
  for (const v of values) {
    expect(guardduty.recognize(v)).toBe(true);
    for (const rec of guardduty.unwrap(v)) out.push(guardduty.normalize(rec, ctx));
  }
  return out;
}

describe('GuardDuty reader', () => {
  const exported = rows(lines('s3-export.jsonl'));

  it('reads an AWS API call finding with model details', () => {
    expect(exported[0]).toMatchObject({
      uid: 'guardduty:a1b2c3d4e5f60718293a4b5c6d7e8f90@2025-03-11T04:20:00.456Z',
      findingId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
      source: 'guardduty',
      type: 'Impact:IAMUser/AnomalousModelInvocation',
      severity: 8,
      severityLabel: 'High',
      account: '123456789012',
      region: 'us-east-1',
      createdAt: '2025-03-11T01:20:00.123Z',
      firstSeen: '2025-03-11T01:02:03.000Z',
      lastSeen: '2025-03-11T04:05:06.000Z',
      archived: false,
      count: 42,
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      principalId: 'AIDAJ45Q7YFFAREXAMPLE',
      userName: 'ci-deployer',
      userType: 'IAMUser',
      remoteIp: '203.0.113.45',
      api: 'InvokeModel',
      serviceName: 'bedrock.amazonaws.com',
      resourceType: 'AccessKey',
      resources: [
        'AKIAIOSFODNN7EXAMPLE',
        'anthropic.claude-3-sonnet-20240229-v1:0',
        'anthropic.claude-3-haiku-20240307-v1:0',
      ],
    });
  });

  it('reads port probes (remote IP), archived findings and a broken fraction of seconds', () => {
    expect(exported[1]).toMatchObject({
      remoteIp: '198.51.100.77',
      archived: true,
      severityLabel: 'Low',
      resources: ['i-0123456789abcdef0'],
      lastSeen: '2025-03-11T23:00:00.000Z',
      api: null,
    });
    expect(notes.some((n) => /eventLastSeen with an unreadable fraction/.test(n))).toBe(true);
  });

  it('reads S3 findings (IPv6 caller, bucket names), critical severity', () => {
    expect(exported[2]).toMatchObject({
      severity: 9.2,
      severityLabel: 'Critical',
      remoteIp: '2001:db8::1',
      userType: 'AssumedRole',
      resources: ['example-training-data', 'ASIAIOSFODNN7EXAMPLE'],
    });
  });

  it('reads the JSON array export the same way', () => {
    expect(rows([json('s3-export-array.json')])).toEqual(exported);
  });

  it('reads get-findings output (PascalCase) like the export', () => {
    const out = rows([json('get-findings.json')]);
    expect(out[0]).toEqual(exported[0]);
    expect(out[1]).toMatchObject({
      type: 'UnauthorizedAccess:EC2/SSHBruteForce',
      remoteIp: '192.0.2.200',
      count: 120,
      severityLabel: 'Medium',
      resources: ['i-0fedcba9876543210'],
      resourceType: 'Instance',
    });
  });

  it('reads the EventBridge event once the registry has opened it', () => {
    const inner = openEnvelope(json('eventbridge.json'));
    expect(inner).toHaveLength(1);
    expect(chooseReader(inner![0], null)).toBe(guardduty);
    expect(rows(inner!)[0]).toEqual(exported[0]);
  });

  it('does not take ASFF findings or CloudTrail records', () => {
    const asff = {
      SchemaVersion: '2018-10-08',
      Id: 'x',
      ProductArn: 'arn',
      AwsAccountId: '1',
      Resources: [],
    };
    expect(guardduty.recognize(asff)).toBe(false);
    expect(securityhub.recognize(asff)).toBe(true);
    expect(guardduty.recognize({ eventName: 'x', eventSource: 'y', eventTime: 'z' })).toBe(false);
    expect(guardduty.recognize([])).toBe(false);
    expect(() => guardduty.normalize({ id: 1 }, ctx)).toThrow(/not a GuardDuty finding/);
  });

  it('labels severities by GuardDuty ranges', () => {
    expect([0.5, 1, 3.9, 4, 6.9, 7, 8.9, 9, 10].map(guardDutySeverityLabel)).toEqual([
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
    expect(guardDutySeverityLabel(null)).toBeNull();
  });

  it('reads times leniently only where the fraction is broken', () => {
    expect(lenientTime('2025-03-11T16:16:43.undefinedZ')).toBe('2025-03-11T16:16:43.000Z');
    expect(lenientTime('2025-03-11T16:16:43.5Z')).toBe('2025-03-11T16:16:43.500Z');
    expect(lenientTime('yesterday')).toBeNull();
    expect(lenientTime(undefined)).toBeNull();
  });
});
