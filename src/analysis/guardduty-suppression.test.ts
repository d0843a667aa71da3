import { describe, expect, it } from 'vitest';
import type { CtRow } from './context.js';
import {
  archiveCause,
  criteriaMatch,
  ruleArn,
  type SuppressionRule,
  valuesAt,
} from './guardduty-suppression.js';
import { guarddutyResources, resourcesOfEvent } from './resources.js';

const finding = {
  id: 'f1',
  type: 'Impact:IAMUser/AnomalousModelInvocation',
  region: 'us-east-1',
  severity: 5,
  resource: { accessKeyDetails: { accessKeyId: 'AKIAEXAMPLE', userName: 'alice' } },
  service: {
    detectorId: 'd1',
    action: { awsApiCallAction: { api: 'InvokeModel', remoteIpDetails: { ipAddressV4: '203.0.113.7' } } },
  },
};
const IP = 'service.action.awsApiCallAction.remoteIpDetails.ipAddressV4';

describe('GuardDuty suppression criteria', () => {
  it('reads attribute paths in either first-letter case and through lists', () => {
    expect(valuesAt(finding, IP)).toEqual(['203.0.113.7']);
    expect(valuesAt({ Service: { DetectorId: 'x' } }, 'service.detectorId')).toEqual(['x']);
    expect(
      valuesAt(
        { resource: { s3BucketDetails: [{ name: 'a' }, { name: 'b' }] } },
        'resource.s3BucketDetails.name',
      ),
    ).toEqual(['a', 'b']);
  });

  it('matches every criterion with its operator, as GuardDuty does', () => {
    expect(
      criteriaMatch({ type: { equals: ['X', finding.type] }, [IP]: { matches: ['203.0.113.*'] } }, finding),
    ).toBe(true);
    expect(
      criteriaMatch({ type: { eq: [finding.type] }, [IP]: { matches: ['198.51.100.*'] } }, finding),
    ).toBe(false);
    expect(criteriaMatch({ type: { notEquals: [finding.type] } }, finding)).toBe(false);
    expect(criteriaMatch({ type: { neq: ['Other'] } }, finding)).toBe(true);
    expect(criteriaMatch({ severity: { gte: 5 } }, finding)).toBe(true);
    expect(criteriaMatch({ severity: { greaterThan: 5 } }, finding)).toBe(false);
    expect(criteriaMatch({ [IP]: { notMatches: ['203.0.113.?'] } }, finding)).toBe(false);
  });

  it('does not claim a match on a field the finding lacks, an unknown operator or an empty rule', () => {
    expect(criteriaMatch({ 'resource.instanceDetails.instanceId': { neq: ['i-1'] } }, finding)).toBe(false);
    expect(criteriaMatch({ type: { contains: ['Impact'] } }, finding)).toBe(false);
    expect(criteriaMatch({}, finding)).toBe(false);
    expect(criteriaMatch({ type: 'Impact' as unknown as Record<string, unknown> }, finding)).toBe(false);
  });

  it('treats a pattern as text: regular-expression characters in it match only themselves', () => {
    expect(criteriaMatch({ type: { matches: ['Impact:IAMUser/.*'] } }, finding)).toBe(false);
    expect(
      criteriaMatch({ type: { matches: ['(a+)+$'] } }, { type: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!' }),
    ).toBe(false);
  });
});

describe('archiveCause', () => {
  const rec = (time: string, action: string, req: Record<string, unknown>): CtRow => ({
    uid: `u-${time}`,
    eventId: `e-${time}`,
    requestId: null,
    time,
    account: '111122223333',
    region: 'us-east-1',
    service: 'guardduty.amazonaws.com',
    action,
    readOnly: false,
    errorCode: null,
    errorMessage: null,
    principalType: 'IAMUser',
    principalArn: null,
    identityArn: 'arn:aws:iam::111122223333:user/alice',
    userName: 'alice',
    sessionName: null,
    accessKeyId: 'AKIAEXAMPLE',
    mfa: null,
    sourceIp: '203.0.113.7',
    userAgent: null,
    invokedBy: null,
    sourceIdentity: null,
    resources: [],
    req,
    resp: null,
    extra: null,
  });
  const rule = (time: string, until: string | null = null, region = 'us-east-1'): SuppressionRule => ({
    rec: { ...rec(time, 'CreateFilter', {}), region },
    region,
    detectorId: 'd1',
    name: 'quiet',
    criteria: { [IP]: { matches: ['203.0.113.*'] } },
    until,
  });
  const f = { findingId: 'f1', region: 'us-east-1', created: '2025-01-01T12:00:00.000Z', raw: finding };

  it('names the rule in force when the finding was made', () => {
    const c = archiveCause(f, [rule('2025-01-01T11:00:00.000Z')], []);
    expect(c.kind).toBe('rule');
    expect(c.kind === 'rule' && ruleArn(c.rules[0])).toBe(
      'arn:aws:guardduty:us-east-1:111122223333:detector/d1/filter/quiet',
    );
  });

  it('ignores a rule made after the finding, deleted before it, or in another Region', () => {
    expect(archiveCause(f, [rule('2025-01-01T13:00:00.000Z')], []).kind).toBe('unknown');
    expect(archiveCause(f, [rule('2025-01-01T10:00:00.000Z', '2025-01-01T11:00:00.000Z')], []).kind).toBe(
      'unknown',
    );
    expect(archiveCause(f, [rule('2025-01-01T11:00:00.000Z', null, 'eu-west-1')], []).kind).toBe('unknown');
  });

  it('prefers an archive call that names the finding', () => {
    const call = {
      rec: rec('2025-01-02T00:00:00.000Z', 'ArchiveFindings', {}),
      region: 'us-east-1',
      detectorId: 'd1',
      findingIds: new Set(['f1']),
    };
    expect(archiveCause(f, [rule('2025-01-01T11:00:00.000Z')], [call]).kind).toBe('call');
  });
});

describe('GuardDuty resources', () => {
  it('names a suppression rule, a list or the detector by ARN', () => {
    expect(
      guarddutyResources(
        { detectorId: 'd1', name: 'quiet', findingCriteria: {} },
        null,
        'us-east-1',
        '111122223333',
      ),
    ).toEqual(['arn:aws:guardduty:us-east-1:111122223333:detector/d1/filter/quiet']);
    expect(guarddutyResources({ detectorId: 'd1', filterName: 'quiet' }, null, null, null)).toEqual([
      'quiet',
    ]);
    expect(
      guarddutyResources(
        { detectorId: 'd1', name: 'trusted' },
        { ipSetId: 'abc' },
        'us-east-1',
        '111122223333',
      ),
    ).toEqual(['arn:aws:guardduty:us-east-1:111122223333:detector/d1/ipset/abc']);
    expect(guarddutyResources({ detectorId: 'd1' }, null, 'us-east-1', '111122223333')).toEqual([
      'arn:aws:guardduty:us-east-1:111122223333:detector/d1',
    ]);
    expect(guarddutyResources({ detectorId: '../../x' }, null, 'us-east-1', '111122223333')).toEqual([]);
  });

  it('replaces the bare detector id in what a record names', () => {
    const r = resourcesOfEvent({
      service: 'guardduty.amazonaws.com',
      region: 'us-east-1',
      recipient_account: '111122223333',
      request_parameters: JSON.stringify({
        detectorId: 'd1',
        name: 'quiet',
        findingCriteria: { criterion: {} },
      }),
    });
    expect(r).toEqual(['arn:aws:guardduty:us-east-1:111122223333:detector/d1/filter/quiet']);
  });
});
