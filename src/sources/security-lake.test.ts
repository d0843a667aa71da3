import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// the forward mapping (CloudTrail → Security Lake OCSF) the fixtures are written with
import { toOcsf } from '../../scripts/security-lake-fixtures.mjs';
import { cloudtrail, normalizeCloudTrail } from './cloudtrail.js';
import { chooseReader, openEnvelope } from './index.js';
import { isOcsfCloudTrail, MAX_UNMAPPED, ocsfToCloudTrail, securityLake } from './security-lake.js';
import { RecordError, Rejected } from './types.js';
import type { Obj } from './util.js';

const FIX = path.join(import.meta.dirname, '../../test/fixtures/sources/security-lake');
const originals: Obj[] = JSON.parse(readFileSync(path.join(FIX, 'cloudtrail-originals.json'), 'utf8'));
const notes: string[] = [];
const ctx = { note: (m: string) => notes.push(m) } as never;

/** The normalised columns the Security Lake reader gives for one OCSF record. */
function viaLake(ocsf: unknown): Record<string, unknown> {
  expect(securityLake.recognize(ocsf)).toBe(true);
  const [rec] = securityLake.unwrap(ocsf);
  expect(rec).not.toBeInstanceOf(Rejected);
  // what ingest stores: the record's JSON text, read back
  return securityLake.normalize(JSON.parse(JSON.stringify(rec)), ctx);
}

/** Security Lake's unmapped is a map of strings: numbers and booleans there come back as text. */
const asText = (v: unknown): unknown =>
  v === null || typeof v !== 'object'
    ? v === null || v === undefined
      ? v
      : String(v)
    : Array.isArray(v)
      ? v.map(asText)
      : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, asText(x)]));

describe('Security Lake (OCSF) CloudTrail reader', () => {
  for (const version of [2, 1] as const) {
    for (const data of ['text', 'object'] as const) {
      it(`gives the CloudTrail reader's columns for each real record's OCSF twin (v${version}, data as ${data})`, () => {
        for (const orig of originals) {
          const want = normalizeCloudTrail(orig, ctx);
          const got = viaLake(toOcsf(orig, { version, data }));
          // lost in OCSF: the type of additionalEventData's values (unmapped holds strings)
          expect(
            { ...got, additionalEventData: asText(got.additionalEventData) },
            String(orig.eventName),
          ).toEqual({
            ...want,
            additionalEventData: asText(want.additionalEventData),
          });
        }
      });
    }
  }

  it('rebuilds the raw fields detectors read ($.userIdentity..., $.resources, requestParameters)', () => {
    const agent = originals.find((r) => r.eventName === 'CreateAgent') as Obj;
    const rec = ocsfToCloudTrail(toOcsf(agent)) as Obj;
    expect(rec).toMatchObject({
      eventID: agent.eventID,
      eventCategory: 'Management',
      readOnly: 'false',
      managementEvent: 'true',
      requestParameters: agent.requestParameters,
      userIdentity: {
        type: 'AssumedRole',
        onBehalfOf: { userId: 'e18bb5b0-2061-70ca-a319-0f111bfc93ce' },
        sessionContext: {
          sessionIssuer: {
            arn: 'arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/us-east-2/AWSReservedSSO_AdministratorAccess',
            // not kept by the mapping: inferred from the role ARN
            userName: 'AWSReservedSSO_AdministratorAccess',
          },
          attributes: { mfaAuthenticated: 'false' },
        },
      },
    });
    const s3 = ocsfToCloudTrail(toOcsf(originals.find((r) => r.eventName === 'GetObject') as Obj)) as Obj;
    expect(s3.resources).toEqual([
      { type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::amzn-s3-demo-bucket/training/customers.csv' },
      { accountId: '111122223333', type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::amzn-s3-demo-bucket' },
    ]);
    expect(s3.eventCategory).toBe('Data');
    // a service calling on a principal's behalf: the address is a service name (src_endpoint.domain)
    const bySvc = toOcsf({ ...(originals[0] as Obj), sourceIPAddress: 'bedrock.amazonaws.com' });
    expect(bySvc.src_endpoint).toEqual({ domain: 'bedrock.amazonaws.com' });
    expect((ocsfToCloudTrail(bySvc) as Obj).sourceIPAddress).toBe('bedrock.amazonaws.com');
  });

  it('reads what a bare OCSF record keeps, and says what it loses', () => {
    // the shape of the published sample (ocsf/examples generic_api_activity.ocsf, OCSF 1.0.0-rc.2):
    // no readOnly, managementEvent, tlsDetails or additionalEventData
    const bare = {
      activity_id: 2,
      actor: {
        user: {
          account_uid: '123456789012',
          credential_uid: 'AKIAIOSFODNN7EXAMPLE',
          name: 'Level6',
          type: 'IAMUser',
          uid: 'AIDAEXAMPLEUSERID123',
          uuid: 'arn:aws:iam::123456789012:user/Level6',
        },
      },
      api: {
        operation: 'DescribeDirectConnectGateways',
        request: { uid: '1c8a6220-4263-4763-b526-20c1d1dd012c' },
        service: { name: 'directconnect.amazonaws.com' },
      },
      class_uid: 6003,
      cloud: { provider: 'AWS', region: 'us-east-1' },
      http_request: { user_agent: 'Boto3/1.15.2 Python/3.8.2' },
      metadata: {
        product: { feature: { name: 'Management' }, name: 'CloudTrail', vendor_name: 'AWS', version: '1.05' },
        uid: '71c88be9-ea5c-43c7-8c82-02ecb5ec7f09',
        version: '1.0.0-rc.2',
      },
      src_endpoint: { ip: '203.0.113.8' },
      status: 'Success',
      time: 1600726972000,
      unmapped: { eventType: 'AwsApiCall', recipientAccountId: '123456789012' },
    };
    const row = viaLake(bare);
    expect(row).toMatchObject({
      uid: '71c88be9-ea5c-43c7-8c82-02ecb5ec7f09',
      time: '2020-09-21T22:22:52.000Z',
      service: 'directconnect.amazonaws.com',
      action: 'DescribeDirectConnectGateways',
      principalType: 'IAMUser',
      principalArn: 'arn:aws:iam::123456789012:user/Level6',
      principalId: 'AIDAEXAMPLEUSERID123',
      identityArn: 'arn:aws:iam::123456789012:user/Level6',
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      account: '123456789012',
      recipientAccount: '123456789012',
      region: 'us-east-1',
      sourceIp: '203.0.113.8',
      category: 'Management',
      eventType: 'AwsApiCall',
      errorCode: null,
    });
    // lost: readOnly, additionalEventData
    expect(row.readOnly).toBeNull();
    expect(row.additionalEventData).toBeNull();
  });

  it('takes cloud.account.uid for the recipient account and unmapped as a list of pairs', () => {
    const o = toOcsf(originals[0] as Obj) as Obj;
    const { recipientAccountId: _r, ...rest } = o.unmapped as Obj;
    const rec = ocsfToCloudTrail({
      ...o,
      cloud: { region: 'us-east-1', account: { uid: '999988887777' } },
      unmapped: Object.entries(rest).map(([key, value]) => ({ key, value })),
    }) as Obj;
    expect(rec.recipientAccountId).toBe('999988887777');
    expect(rec.readOnly).toBe('false');
    expect(rec.tlsDetails).toMatchObject({ tlsVersion: 'TLSv1.3' });
    // unmapped as nested JSON text keeps its types
    const nested = ocsfToCloudTrail({
      ...o,
      unmapped: { additionalEventData: '{"bytesTransferredOut":52340}' },
    });
    expect((nested as Obj).additionalEventData).toEqual({ bytesTransferredOut: 52340 });
  });

  it('reads the record inside an EventBridge event, and rc.2 attribute names without a version', () => {
    const v2 = toOcsf(originals[0] as Obj);
    const [inner] = openEnvelope({ 'detail-type': 'Security Lake', source: 'custom.lake', detail: v2 }) ?? [];
    expect(chooseReader(inner, null)).toBe(securityLake);
    const v1 = toOcsf(originals[0] as Obj, { version: 1 }) as Obj;
    const noVersion = { ...v1, metadata: { ...(v1.metadata as Obj), version: undefined } };
    expect((ocsfToCloudTrail(noVersion) as Obj).userIdentity).toMatchObject({
      arn: 'arn:aws:iam::111111111111:user/TrailDiscover',
      principalId: 'AROA****************:User',
    });
  });

  it('claims only OCSF records of CloudTrail events', () => {
    const v2 = toOcsf(originals[0] as Obj);
    expect(chooseReader(v2, null)).toBe(securityLake);
    expect(chooseReader([v2], null)).toBe(securityLake);
    expect(chooseReader({ ...v2, class_uid: '6003' }, null)).toBe(securityLake);
    // the raw record stays CloudTrail's
    expect(chooseReader(originals[0], null)).toBe(cloudtrail);
    expect(isOcsfCloudTrail(originals[0])).toBe(false);
    // OCSF findings (GuardDuty / Security Hub in OCSF: Detection Finding 2004, Compliance Finding 2003)
    const finding = {
      class_uid: 2004,
      class_name: 'Detection Finding',
      metadata: { product: { name: 'GuardDuty', vendor_name: 'AWS' }, version: '1.1.0', uid: 'f-1' },
      finding_info: { uid: 'f-1', title: 'Credentials used from an outside address' },
      api: { operation: 'ListBuckets', service: { name: 's3.amazonaws.com' } },
      time: 1741651319000,
    };
    expect(isOcsfCloudTrail(finding)).toBe(false);
    expect(
      isOcsfCloudTrail({ ...finding, class_uid: 2003, metadata: { product: { name: 'CloudTrail' } } }),
    ).toBe(false);
    // API Activity of another product (EKS audit logs in Security Lake are class 6003 too)
    expect(
      isOcsfCloudTrail({ ...v2, metadata: { ...(v2.metadata as Obj), product: { name: 'Amazon EKS' } } }),
    ).toBe(false);
    // a CloudTrail-product record without an operation, or with a non-string one
    expect(isOcsfCloudTrail({ ...v2, api: { service: { name: 'iam.amazonaws.com' } } })).toBe(false);
    expect(isOcsfCloudTrail({ ...v2, api: { operation: 7, service: { name: 'x' } } })).toBe(false);
    expect(securityLake.recognize({ Records: [] })).toBe(false);
    expect(securityLake.recognize([])).toBe(false);
  });

  it('survives hostile values: prototype keys, clashing and deep paths, oversized unmapped, bad times', () => {
    const base = toOcsf(originals[0] as Obj) as Obj;
    const hostile = {
      ...base,
      unmapped: {
        '__proto__.polluted': 'yes',
        'constructor.prototype.polluted': 'yes',
        __proto__: 'x',
        'eventName.x': 'clash', // eventName is a string already
        eventSource: 'other.amazonaws.com', // mapped wins
        [`${'a.'.repeat(40)}b`]: 'deep',
        '.': 'empty segment',
        'additionalEventData.note': '{"not json',
      },
    };
    const local: string[] = [];
    const rec = ocsfToCloudTrail(JSON.parse(JSON.stringify(hostile)), (m) => local.push(m)) as Obj;
    expect(({} as Obj).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(rec)).toBe(Object.prototype);
    expect(rec.eventName).toBe('CreateAccessKey');
    expect(rec.eventSource).toBe('iam.amazonaws.com');
    expect(rec.a).toBeUndefined();
    expect(rec.additionalEventData).toEqual({ note: '{"not json' });
    expect(local.join(' ')).toMatch(/not used/);

    const many = {
      ...base,
      unmapped: Object.fromEntries(Array.from({ length: MAX_UNMAPPED + 5 }, (_, i) => [`k${i}`, 'v'])),
    };
    const notes2: string[] = [];
    const big = ocsfToCloudTrail(many, (m) => notes2.push(m)) as Obj;
    expect(notes2[0]).toMatch(/first 2000/);
    expect(big[`k${MAX_UNMAPPED - 1}`]).toBe('v');
    expect(big[`k${MAX_UNMAPPED}`]).toBeUndefined();
    // the note reaches the file through normalize
    notes.length = 0;
    const [withNotes] = securityLake.unwrap(many);
    securityLake.normalize(withNotes, ctx);
    expect(notes).toEqual([`unmapped: only the first ${MAX_UNMAPPED} entries read`]);
    expect(JSON.stringify(withNotes)).not.toMatch(/security-lake-notes/);

    // an unreadable time is the CloudTrail reader's reject, with its reason
    const [badTime] = securityLake.unwrap({ ...base, time: 'yesterday', time_dt: undefined });
    expect(() => securityLake.normalize(badTime, ctx)).toThrow(RecordError);
    expect(() => securityLake.normalize(badTime, ctx)).toThrow(/unreadable eventTime/);
    // non-string values where strings belong are dropped, not crashed on
    const odd = ocsfToCloudTrail({
      ...base,
      actor: { user: { uid: { nested: 1 }, type: ['x'], credential_uid: 12 }, session: 'x' },
      src_endpoint: [1],
      resources: [null, 'x', { uid: 5 }],
      unmapped: 'not a map',
    }) as Obj;
    expect(odd.userIdentity).toEqual({ credentialId: '12' });
    expect(odd.resources).toEqual([{ ARN: '5' }]);
    // elements of an array that are not OCSF CloudTrail records are rejected one by one
    const list = securityLake.unwrap([base, { class_uid: 2004 }]);
    expect(list[1]).toBeInstanceOf(Rejected);
  });
});
