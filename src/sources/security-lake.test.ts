import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// the forward mapping (CloudTrail → Security Lake OCSF) the fixtures are written with
import { toOcsf } from '../../scripts/security-lake-fixtures.mjs';
import { cloudtrail, normalizeCloudTrail } from './cloudtrail.js';
import { chooseReader, openEnvelope } from './index.js';
import { isOcsfCloudTrail, MAX_UNMAPPED, ocsfToCloudTrail, securityLake } from './security-lake.js';
import { RecordError, Rejected } from './types.js';
import { get, type Obj } from './util.js';

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
    // source version 1 has no api.request/response.data: requestParameters are unmapped paths
    for (const data of version === 2 ? (['text', 'object'] as const) : (['text'] as const)) {
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
    // the shape of the published sample (ocsf/examples generic_api_activity.ocsf, OCSF 1.0.0-rc.2,
    // where API Activity is class 3005): no readOnly, managementEvent, tlsDetails or additionalEventData
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
      class_uid: 3005,
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

  describe('the shapes of real Security Lake records (test/fixtures/sources/security-lake/real-shapes.jsonl)', () => {
    const shapes: Obj[] = readFileSync(path.join(FIX, 'real-shapes.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const byOp = (op: string, cls: number) =>
      shapes.find((r) => get(r, 'api', 'operation') === op && r.class_uid === cls) as Obj;

    it('reads source version 1 API Activity (class 3005) with requestParameters as unmapped paths', () => {
      const put = byOp('PutObject', 3005);
      expect(isOcsfCloudTrail(put)).toBe(true);
      expect(chooseReader(put, null)).toBe(securityLake);
      const rec = ocsfToCloudTrail(put) as Obj;
      expect(rec).toMatchObject({
        eventSource: 's3.amazonaws.com',
        eventName: 'PutObject',
        eventCategory: 'Data',
        eventType: 'AwsApiCall',
        sourceIPAddress: 'bedrock.amazonaws.com',
        userAgent: 'bedrock.amazonaws.com',
        vpcEndpointId: 'vpce-0example1111aaaa',
        sharedEventID: '5f0b1c2d-0000-4000-8000-00000000b001',
        managementEvent: 'false',
        userIdentity: { type: 'AWSService', invokedBy: 'bedrock.amazonaws.com' },
        requestParameters: {
          bucketName: 'amzn-s3-demo-bucket',
          key: 'outputs/batch-0001.jsonl.out',
          Host: 'amzn-s3-demo-bucket.s3.us-east-1.amazonaws.com',
          'x-amz-acl': 'bucket-owner-full-control',
        },
        responseElements: { 'x-amz-server-side-encryption': 'AES256' },
        additionalEventData: { bytesTransferredIn: '52340', SignatureVersion: 'SigV4' },
        resources: [
          { type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::amzn-s3-demo-bucket/outputs/batch-0001.jsonl.out' },
          { accountId: '111122223333', type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::amzn-s3-demo-bucket' },
        ],
      });
      const row = viaLake(put);
      expect(row).toMatchObject({
        action: 'PutObject',
        sourceIp: 'bedrock.amazonaws.com',
        principalType: 'AWSService',
        category: 'Data',
        readOnly: false,
      });
    });

    it('puts back the IAM user a source version 1 Account Change moved to `user`', () => {
      const rec = ocsfToCloudTrail(byOp('CreateUser', 3001)) as Obj;
      expect(rec.requestParameters).toEqual({ userName: 'backup-operator' });
      expect(rec.responseElements).toEqual({
        user: {
          arn: 'arn:aws:iam::111122223333:user/backup-operator',
          createDate: 'Aug 18, 2024 11:05:00 AM',
          path: '/',
          userName: 'backup-operator',
          userId: 'AIDAEXAMPLEUSERID0001',
        },
      });
      expect(rec.userIdentity).toMatchObject({
        type: 'AssumedRole',
        principalId: 'AROAEXAMPLEROLEID0001:dev-session',
        arn: 'arn:aws:sts::111122223333:assumed-role/Admin/dev-session',
        accountId: '111122223333',
        accessKeyId: 'ASIAEXAMPLEKEY00001',
        sessionContext: {
          sessionIssuer: {
            arn: 'arn:aws:iam::111122223333:role/Admin',
            type: 'Role',
            userName: 'Admin',
            principalId: 'AROAEXAMPLEROLEID0001',
          },
          attributes: { mfaAuthenticated: 'false', creationDate: '2024-08-18T10:46:40.000Z' },
        },
      });
      expect(rec.sessionCredentialFromConsole).toBe('true');
      // a role the call acted on (uid a role id) goes back as roleName; what unmapped says wins
      const role = ocsfToCloudTrail({
        ...byOp('CreateUser', 3001),
        api: { operation: 'CreateRole', service: { name: 'iam.amazonaws.com' } },
        user: { name: 'ops-role', uid: 'AROAEXAMPLEROLEID0009' },
        unmapped: { 'requestParameters.path': '/' },
      }) as Obj;
      expect(role.requestParameters).toEqual({ path: '/', roleName: 'ops-role' });
      const said = ocsfToCloudTrail({
        ...byOp('CreateUser', 3001),
        unmapped: { 'requestParameters.userName': 'named-in-unmapped' },
      }) as Obj;
      expect(said.requestParameters).toEqual({ userName: 'named-in-unmapped' });
      // source version 2 keeps requestParameters whole in api.request.data: `user` is not read
      const v2 = ocsfToCloudTrail({
        ...byOp('CreateUser', 3001),
        metadata: { product: { name: 'CloudTrail' }, version: '1.1.0', uid: 'x' },
        api: {
          operation: 'CreateUser',
          service: { name: 'iam.amazonaws.com' },
          request: { data: '{"userName":"from-request"}' },
        },
      }) as Obj;
      expect(v2.requestParameters).toEqual({ userName: 'from-request' });
    });

    it("puts back a console sign-in's LoginTo and MFAUsed (Authentication, both versions)", () => {
      for (const version of ['1.0.0-rc.2', '1.1.0']) {
        const login = shapes.find(
          (r) => r.class_uid === 3002 && get(r, 'metadata', 'version') === version,
        ) as Obj;
        const rec = ocsfToCloudTrail(login) as Obj;
        expect(rec, version).toMatchObject({
          eventName: 'ConsoleLogin',
          eventType: 'AwsConsoleSignIn',
          sourceIPAddress: '203.0.113.77',
          userIdentity: {
            type: 'IAMUser',
            arn: 'arn:aws:iam::111122223333:user/dana',
            principalId: 'AIDAEXAMPLEUSERID0002',
          },
          additionalEventData: {
            LoginTo: 'https://console.aws.amazon.com/console/home?isauthcode=true',
            MobileVersion: 'No',
            MFAUsed: version === '1.1.0' ? 'Yes' : 'No',
          },
        });
        // api.response.data as JSON text (the published 1.1.0 sample)
        if (version === '1.1.0') expect(rec.responseElements).toEqual({ ConsoleLogin: 'Success' });
        expect(viaLake(login)).toMatchObject({ action: 'ConsoleLogin', sourceIp: '203.0.113.77' });
      }
    });

    it('reads unmapped written out as JSON text, and one bad record does not stop the rest', () => {
      const put = byOp('PutObject', 3005);
      const asText = { ...put, unmapped: JSON.stringify(put.unmapped) };
      expect((ocsfToCloudTrail(asText) as Obj).requestParameters).toMatchObject({
        bucketName: 'amzn-s3-demo-bucket',
      });
      // JSON text that is not a map, or twice-encoded, is ignored
      for (const u of ['"{\\"a\\":1}"', '[1,2,"x"]', 'not json', '{"broken":']) {
        const rec = ocsfToCloudTrail({ ...put, unmapped: u }) as Obj;
        expect(rec.eventName, u).toBe('PutObject');
        expect(rec.a, u).toBeUndefined();
      }
      const list = securityLake.unwrap([...shapes, { ...put, class_uid: 3006 }, put]);
      expect(list.map((r) => r instanceof Rejected)).toEqual([false, false, false, false, true, false]);
    });
  });
});
