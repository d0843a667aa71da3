import { describe, expect, it } from 'vitest';
import { cloudtrail, lakeStruct, normalizeCloudTrail } from './cloudtrail.js';
import { Rejected } from './types.js';

const ctx = { note: () => {} } as never;

describe('CloudTrail reader', () => {
  it('parses the struct text CloudTrail Lake gives for userIdentity', () => {
    expect(
      lakeStruct(
        '{type=AssumedRole, principalid=AROAEXAMPLE:s1, arn=arn:aws:sts::123456789012:assumed-role/r/s1, accountid=123456789012, accesskeyid=ASIAEXAMPLE, username=null, sessioncontext={attributes={creationdate=2025-03-11 00:00:00.000, mfaauthenticated=false}, sessionissuer={type=Role, principalid=AROAEXAMPLE, arn=arn:aws:iam::123456789012:role/r, accountid=123456789012, username=r}, webidfederationdata=null, sourceidentity=null}, invokedby=null}',
      ),
    ).toEqual({
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLE:s1',
      arn: 'arn:aws:sts::123456789012:assumed-role/r/s1',
      accountId: '123456789012',
      accessKeyId: 'ASIAEXAMPLE',
      sessionContext: {
        attributes: { creationDate: '2025-03-11 00:00:00.000', mfaAuthenticated: 'false' },
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAEXAMPLE',
          arn: 'arn:aws:iam::123456789012:role/r',
          accountId: '123456789012',
          userName: 'r',
        },
      },
    });
    expect(lakeStruct('{not a struct')).toBeNull();
    expect(lakeStruct('{a=1} trailing')).toBeNull();
  });

  it('normalises a Lake row with struct text', () => {
    const doc = {
      QueryStatus: 'FINISHED',
      QueryResultRows: [
        [
          { eventID: 'e-1' },
          { eventTime: '2025-03-11 00:01:59.000' },
          { eventSource: 'bedrock.amazonaws.com' },
          { eventName: 'InvokeModel' },
          { readOnly: 'true' },
          { managementEvent: 'false' },
          {
            userIdentity:
              '{type=IAMUser, principalid=AIDAEXAMPLE, arn=arn:aws:iam::123456789012:user/u, accountid=123456789012, accesskeyid=AKIAEXAMPLE, username=u}',
          },
        ],
      ],
    };
    expect(cloudtrail.recognize(doc)).toBe(true);
    const [rec] = cloudtrail.unwrap(doc);
    expect(normalizeCloudTrail(rec, ctx)).toMatchObject({
      uid: 'e-1',
      time: '2025-03-11T00:01:59.000Z',
      readOnly: true,
      category: 'Data',
      principalType: 'IAMUser',
      identityArn: 'arn:aws:iam::123456789012:user/u',
      userName: 'u',
      accessKeyId: 'AKIAEXAMPLE',
    });
  });

  it('recognises the delivery shapes and bare arrays, and rejects broken embedded events', () => {
    const rec = { eventName: 'A', eventSource: 's', eventTime: '2025-01-01T00:00:00Z' };
    expect(cloudtrail.recognize([rec])).toBe(true);
    expect(cloudtrail.recognize([])).toBe(false);
    expect(cloudtrail.recognize([{ a: 1 }])).toBe(false);
    expect(cloudtrail.recognize({ Records: [] })).toBe(true);
    const [bad] = cloudtrail.unwrap({ Events: [{ CloudTrailEvent: '{broken' }] });
    expect(bad).toBeInstanceOf(Rejected);
    expect(() => normalizeCloudTrail({ ...rec, eventTime: 'nope' }, ctx)).toThrow(/unreadable eventTime/);
    expect(() => normalizeCloudTrail({ eventName: 'A' }, ctx)).toThrow(/not a CloudTrail record/);
  });
});
