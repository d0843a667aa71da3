import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingest } from '../engine/ingest.js';
import { CaseStore } from '../store/case-store.js';
import { cloudtrail } from './cloudtrail.js';
import { guardduty } from './guardduty.js';
import { chooseReader, openEnvelope } from './index.js';
import { securityhub } from './securityhub.js';
import { isSecurityHubOcsfFinding, normalizeSecurityHubOcsf, securityhubOcsf } from './securityhub-ocsf.js';

const FIX = path.join(import.meta.dirname, '../../test/fixtures/sources/securityhub-ocsf');
const json = (f: string): unknown => JSON.parse(readFileSync(path.join(FIX, f), 'utf8'));
const ctx = { note: () => {} } as never;
const rows = (v: unknown) => securityhubOcsf.unwrap(v).map((r) => securityhubOcsf.normalize(r, ctx));
const GD_ARN =
  'arn:aws:guardduty:us-east-1:111122223333:detector/5cb2a5f0c3b84e1b9d6e7f8091a2b3c4/finding/7ec8a1d2b3c4d5e6f708192a3b4c5d6e';
type Obj = Record<string, unknown>;

/** The GuardDuty finding of the fixtures, to vary. */
const gdFinding = (): Obj =>
  structuredClone((json('get-findings-v2.json') as { Findings: Obj[] }).Findings[0]);

describe('Security Hub OCSF reader', () => {
  const page = json('get-findings-v2.json');
  const out = rows(page);

  it('recognises GetFindingsV2 output', () => {
    expect(chooseReader(page, null)).toBe(securityhubOcsf);
    expect(out).toHaveLength(3);
  });

  it('reads a GuardDuty finding on an access key used from an outside address', () => {
    expect(out[0]).toEqual({
      uid: `securityhub:${GD_ARN}@2025-06-02T14:50:00.000Z`,
      findingId: GD_ARN,
      source: 'securityhub',
      type: 'Impact:IAMUser/AnomalousBehavior',
      title: 'User ml-batch is anomalously invoking APIs commonly used in Impact tactics.',
      description: expect.stringContaining('under unusual circumstances'),
      severity: 70,
      severityLabel: 'High',
      account: '111122223333',
      region: 'us-east-1',
      createdAt: '2025-06-02T14:20:00.000Z',
      updatedAt: '2025-06-02T14:50:00.000Z',
      firstSeen: '2025-06-02T14:05:10.000Z',
      lastSeen: '2025-06-02T14:47:31.000Z',
      archived: false,
      count: 17,
      accessKeyId: 'AKIAI44QH8DHBEXAMPLE',
      principalId: 'AIDAIEXAMPLEMLBATCH01',
      userName: 'ml-batch',
      userType: 'IAMUser',
      remoteIp: '198.51.100.23',
      api: 'InvokeModel',
      serviceName: 'bedrock.amazonaws.com',
      resourceType: 'AWS::IAM::AccessKey',
      resources: ['AKIAI44QH8DHBEXAMPLE'],
    });
  });

  it('keeps a later version as another row, suppressed = archived', () => {
    expect(out[1]).toMatchObject({
      uid: `securityhub:${GD_ARN}@2025-06-03T09:00:00.000Z`,
      findingId: GD_ARN,
      archived: true,
      count: 23,
      lastSeen: '2025-06-02T16:02:44.000Z',
    });
  });

  it('reads a Security Hub control finding (Compliance Finding) like its ASFF twin', () => {
    expect(out[2]).toMatchObject({
      findingId:
        'arn:aws:securityhub:us-east-1:111122223333:security-control/S3.8/finding/9b8c7d6e-1111-2222-3333-444455556666',
      type: 'Software and Configuration Checks/Industry and Regulatory Standards',
      title: 'S3 general purpose buckets should block public access',
      severity: 40,
      severityLabel: 'Medium',
      archived: false,
      resourceType: 'AWS::S3::Bucket',
      resources: ['arn:aws:s3:::example-eval-datasets'],
      accessKeyId: null,
      remoteIp: null,
      api: null,
      account: '111122223333',
    });
  });

  it('reads the EventBridge "Findings Imported V2" event once the registry opened it', () => {
    const inner = openEnvelope(json('eventbridge.json'))!;
    expect(inner).toHaveLength(1);
    expect(chooseReader(inner[0], null)).toBe(securityhubOcsf);
    expect(rows(inner[0])).toEqual([out[0]]);
  });

  it('reads a bare array and a finding alone', () => {
    expect(rows([gdFinding()])).toEqual([out[0]]);
    expect(chooseReader(gdFinding(), null)).toBe(securityhubOcsf);
  });

  it('does not take ASFF, GuardDuty, CloudTrail or other OCSF records', () => {
    const asff = {
      SchemaVersion: '2018-10-08',
      Id: 'x',
      ProductArn: 'arn',
      AwsAccountId: '1',
      Resources: [],
    };
    expect(securityhubOcsf.recognize(asff)).toBe(false);
    expect(chooseReader(asff, null)).toBe(securityhub);
    expect(securityhubOcsf.recognize({ Findings: [asff] })).toBe(false);
    const gdNative = {
      id: 'a'.repeat(32),
      type: 'Impact:IAMUser/AnomalousBehavior',
      service: { serviceName: 'guardduty' },
      resource: { resourceType: 'AccessKey' },
    };
    expect(securityhubOcsf.recognize(gdNative)).toBe(false);
    expect(chooseReader(gdNative, null)).toBe(guardduty);
    const ct = {
      eventVersion: '1.08',
      eventTime: '2025-06-02T14:05:10Z',
      eventSource: 'bedrock.amazonaws.com',
      eventName: 'InvokeModel',
      awsRegion: 'us-east-1',
      userIdentity: { type: 'IAMUser' },
    };
    expect(securityhubOcsf.recognize(ct)).toBe(false);
    expect(chooseReader(ct, null)).toBe(cloudtrail);
    // Security Lake's CloudTrail (API Activity) and Security Finding classes, Inspector's and
    // Macie's classes, and another vendor's Detection Finding are not Security Hub's findings
    const lake = {
      class_uid: 6003,
      class_name: 'API Activity',
      metadata: { product: { name: 'CloudTrail', vendor_name: 'AWS', version: '1.08' }, version: '1.1.0' },
      api: { operation: 'InvokeModel', service: { name: 'bedrock.amazonaws.com' } },
    };
    const sf = { ...lake, class_uid: 2001, class_name: 'Security Finding', finding: { uid: 'x' } };
    const vuln = { ...gdFinding(), class_uid: 2002, class_name: 'Vulnerability Finding' };
    const data = { ...gdFinding(), class_uid: 2006 };
    const other = {
      ...gdFinding(),
      metadata: { product: { name: 'StrIEM', vendor_name: 'Crowdalert' }, version: '1.3.0' },
    };
    for (const v of [lake, sf, vuln, data, other, { Findings: [lake] }, [sf]]) {
      expect(securityhubOcsf.recognize(v)).toBe(false);
      expect(chooseReader(v, null)).not.toBe(securityhubOcsf);
    }
    // and the others do not take Security Hub's OCSF findings
    for (const r of [cloudtrail, guardduty, securityhub]) {
      expect(r.recognize(gdFinding())).toBe(false);
      expect(r.recognize(page)).toBe(false);
    }
  });

  it('reads the Detection and Compliance findings of a page that mixes classes, rejecting the others', () => {
    const inspector = { ...gdFinding(), class_uid: 2002, class_name: 'Vulnerability Finding' };
    const mixed = { Findings: [inspector, gdFinding()] };
    expect(chooseReader(mixed, null)).toBe(securityhubOcsf);
    const recs = securityhubOcsf.unwrap(mixed);
    expect(recs).toHaveLength(2);
    expect(() => securityhubOcsf.normalize(recs[0], ctx)).toThrow(/OCSF class 2002 is not read/);
    expect(securityhubOcsf.normalize(recs[1], ctx)).toEqual(out[0]);
  });

  it('rejects a finding without an identifier, with a reason', () => {
    const noInfo = gdFinding();
    delete noInfo.finding_info;
    expect(securityhubOcsf.recognize(noInfo)).toBe(true);
    expect(() => normalizeSecurityHubOcsf(noInfo)).toThrow(/without finding_info/);
    const badUid = gdFinding();
    (badUid.finding_info as Obj).uid = { nested: true };
    expect(() => normalizeSecurityHubOcsf(badUid)).toThrow(/finding_info\.uid/);
    expect(() => normalizeSecurityHubOcsf({ class_uid: 2004 })).toThrow(/not a Security Hub OCSF finding/);
  });

  it('tolerates values of the wrong type and bounds its walks', () => {
    const f = gdFinding();
    Object.assign(f, {
      count: { n: 3 },
      cloud: ['us-east-1'],
      severity_id: '4',
      status_id: null,
      status: 42,
      evidences: [
        null,
        7,
        'x',
        { src_endpoint: { ip: 'not-an-address' } },
        { src_endpoint: { ip: ['1.2.3.4'] } },
      ],
      resources: Array.from({ length: 5000 }, (_, i) => ({ uid: `r-${i}`, type: i === 0 ? 7 : 'AWS::X' })),
    });
    Object.assign(f.finding_info as Obj, {
      types: [1, null, { t: 'x' }, 'Threats'],
      first_seen_time_dt: 'yesterday',
      first_seen_time: 1748873110000,
      title: ['t'],
    });
    const r = normalizeSecurityHubOcsf(f);
    expect(r).toMatchObject({
      count: null,
      account: '111122223333', // from the finding's ARN
      region: null,
      severity: 70,
      severityLabel: 'High',
      archived: null,
      remoteIp: null,
      api: null,
      accessKeyId: null,
      type: 'Threats',
      title: null,
      firstSeen: '2025-06-02T14:05:10.000Z',
      resourceType: null,
    });
    expect((r.resources as string[]).length).toBe(200);
  });

  it('maps OCSF severities and statuses to the ASFF scale and archived flag', () => {
    const sev = (v: Obj) => {
      const f = { ...gdFinding(), severity_id: undefined, severity: undefined, ...v };
      const r = normalizeSecurityHubOcsf(f);
      return [r.severity, r.severityLabel];
    };
    expect([1, 2, 3, 4, 5, 6, 0, 99].map((id) => sev({ severity_id: id }))).toEqual([
      [0, 'Informational'],
      [1, 'Low'],
      [40, 'Medium'],
      [70, 'High'],
      [90, 'Critical'],
      [100, 'Critical'],
      [null, null],
      [null, null],
    ]);
    expect(sev({ severity: 'CRITICAL' })).toEqual([90, 'Critical']);
    const archived = (v: Obj) =>
      normalizeSecurityHubOcsf({ ...gdFinding(), status: undefined, status_id: undefined, ...v }).archived;
    expect(archived({ status_id: 1 })).toBe(false);
    expect(archived({ status_id: 2 })).toBe(false);
    expect(archived({ status_id: 3 })).toBe(true);
    expect(archived({ status_id: 4 })).toBe(false);
    expect(archived({ status_id: 5 })).toBe(true);
    expect(archived({ status: 'Suppressed' })).toBe(true);
    expect(archived({ activity_id: 3, activity_name: 'Close' })).toBe(true);
    expect(archived({})).toBeNull();
  });

  it('finds the actor, address and API at the top level or in the key resource user', () => {
    const f = gdFinding();
    f.evidences = [];
    f.resources = [{ type: 'AWS::IAM::AccessKey', uid: 'ASIAQNZGKIQYEXAMPLE1', user: { name: 'etl-role' } }];
    f.actor = { user: { uid: 'AROAEXAMPLEROLEID01:session', credential_uid: 'ASIAQNZGKIQYEXAMPLE1' } };
    f.src_endpoint = { ip: '2001:db8::7' };
    f.api = { operation: 'GetCallerIdentity', service: { name: 'sts.amazonaws.com' } };
    expect(normalizeSecurityHubOcsf(f)).toMatchObject({
      accessKeyId: 'ASIAQNZGKIQYEXAMPLE1',
      principalId: 'AROAEXAMPLEROLEID01:session',
      userName: 'etl-role',
      userType: null,
      remoteIp: '2001:db8::7',
      api: 'GetCallerIdentity',
      serviceName: 'sts.amazonaws.com',
    });
    expect(isSecurityHubOcsfFinding(f)).toBe(true);
  });

  it("reads Security Lake's OCSF 1.1.0 GuardDuty finding: the address in evidences, the key as ASFF JSON text", () => {
    // the shape of the sample AWS published with OCSF (github.com/ocsf/examples,
    // mappings/markdown/AWS/v1.1.0/Security Hub/Detection Finding/samples/sechub-guardduty.ocsf),
    // with this project's values: the caller's address only in evidences[].src_endpoint.ip (the
    // observables name that path), resources[].data JSON text of ASFF's AwsIamAccessKey, the key
    // id behind an `AWS::IAM::AccessKey:` prefix, the rest of GuardDuty's fields in unmapped
    const arn = `${GD_ARN.replace(/[0-9a-f]{32}$/, '')}0123456789abcdef0123456789abcdef`;
    const f = {
      activity_id: 1,
      category_uid: 2,
      class_name: 'Detection Finding',
      class_uid: 2004,
      cloud: { account: { uid: '111122223333' }, provider: 'AWS', region: 'us-east-1' },
      evidences: [
        {
          api: { operation: 'InvokeModel', service: { name: 'bedrock.amazonaws.com' } },
          data: '',
          src_endpoint: { ip: '203.0.113.45', location: { city: '', country: 'Example Country' } },
        },
      ],
      finding_info: {
        created_time_dt: '2025-06-02T10:05:22.487-04:00',
        modified_time_dt: '2025-06-02T10:05:22.487-04:00',
        first_seen_time_dt: '2025-06-02T09:55:09.000-04:00',
        last_seen_time_dt: '2025-06-02T09:55:09.000-04:00',
        title: 'Bedrock was invoked from an unusual address.',
        types: ['TTPs/Impact/Impact:IAMUser-AnomalousBehavior'],
        uid: arn,
      },
      metadata: {
        product: {
          name: 'GuardDuty',
          uid: 'arn:aws:securityhub:us-east-1::product/aws/guardduty',
          vendor_name: 'Amazon',
        },
        version: '1.1.0',
      },
      observables: [{ name: 'evidences[].src_endpoint.ip', type_id: 2, value: '203.0.113.45' }],
      resources: [
        {
          cloud_partition: 'aws',
          data: '{"AwsIamAccessKey":{"PrincipalId":"AROAEXAMPLEROLEID01:etl","PrincipalName":"etl-role","PrincipalType":"AssumedRole"}}',
          region: 'us-east-1',
          type: 'AwsIamAccessKey',
          uid: 'AWS::IAM::AccessKey:ASIAQNZGKIQYEXAMPLE1',
        },
      ],
      severity_id: 3,
      status: 'New',
      time: 1748873122487,
      unmapped: {
        'ProductFields.aws/guardduty/service/action/actionType': 'AWS_API_CALL',
        'ProductFields.aws/guardduty/service/action/awsApiCallAction/callerType': 'Remote IP',
        'ProductFields.aws/guardduty/service/count': '1',
      },
    };
    expect(chooseReader(f, null)).toBe(securityhubOcsf);
    expect(normalizeSecurityHubOcsf(f)).toMatchObject({
      findingId: arn,
      accessKeyId: 'ASIAQNZGKIQYEXAMPLE1',
      principalId: 'AROAEXAMPLEROLEID01:etl',
      userName: 'etl-role',
      userType: 'AssumedRole',
      remoteIp: '203.0.113.45',
      api: 'InvokeModel',
      serviceName: 'bedrock.amazonaws.com',
      resourceType: 'AwsIamAccessKey',
    });
    // data that is not JSON of an object, or oversized, is ignored
    for (const data of ['not json', '{"AwsIamAccessKey":', '[1]', `{"x":"${'a'.repeat(70000)}"}`]) {
      const row = normalizeSecurityHubOcsf({ ...f, resources: [{ ...f.resources[0], data }] }) as Obj;
      expect(row.principalId, data.slice(0, 20)).toBeNull();
      expect(row.accessKeyId).toBe('ASIAQNZGKIQYEXAMPLE1');
    }
  });
});

describe('Security Hub OCSF findings through ingest', async () => {
  const store = await CaseStore.open(':memory:');
  afterAll(() => store.close());
  const res = await ingest(store, [FIX]);

  it('detects both files, stores each finding version once and rejects nothing', async () => {
    const files = Object.fromEntries(
      res.files.map((f) => [path.basename(f.path), [f.format, f.records, f.stored, f.duplicates]]),
    );
    // eventbridge.json is read first; the page repeats its version
    expect(files).toEqual({
      'eventbridge.json': ['securityhub-ocsf', 1, 1, 0],
      'get-findings-v2.json': ['securityhub-ocsf', 3, 2, 1],
    });
    expect(res.totals.rejected).toBe(0);
    const r = await store.all(
      `SELECT source, finding_id, archived, severity_label FROM ext_findings ORDER BY finding_id, updated_at`,
    );
    expect(r.map((x) => [x.source, x.archived, x.severity_label])).toEqual([
      ['securityhub', false, 'High'],
      ['securityhub', true, 'High'],
      ['securityhub', false, 'Medium'],
    ]);
  });
});
