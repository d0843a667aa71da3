/**
 * A Security Hub finding delivered in OCSF (EventBridge "Findings Imported V2") through
 * investigate, beside CloudTrail of the same access key: it is joined to the key's records and
 * triaged exactly as its ASFF twin (the same GuardDuty finding as Security Hub CSPM delivers it).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaseStore, investigate, type Report } from '../src/index.js';
import { minutesAfter, uuidSequence } from './helpers/fixture-clock.js';

type Obj = Record<string, unknown>;
const FIX = path.join(import.meta.dirname, 'fixtures/sources/securityhub-ocsf');
const ACCT = '111122223333';
const KEY = 'AKIAI44QH8DHBEXAMPLE';
const OUTSIDE = '198.51.100.23';
const OFFICE = '192.0.2.10';
const eventIds = uuidSequence('5e1f');
const requestIds = uuidSequence('7a2b');

/** A CloudTrail record of the batch user's key. */
function ct(time: string, name: string, ip: string, ua: string, source = 'bedrock.amazonaws.com'): Obj {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAIEXAMPLEMLBATCH01',
      arn: `arn:aws:iam::${ACCT}:user/ml-batch`,
      accountId: ACCT,
      accessKeyId: KEY,
      userName: 'ml-batch',
    },
    eventTime: time,
    eventSource: source,
    eventName: name,
    awsRegion: 'us-east-1',
    sourceIPAddress: ip,
    userAgent: ua,
    requestParameters: name === 'InvokeModel' ? { modelId: 'anthropic.claude-3-haiku-20240307-v1:0' } : null,
    responseElements: null,
    requestID: requestIds(),
    eventID: eventIds(),
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCT,
    eventCategory: 'Management',
  };
}

const BATCH_UA = 'Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10 md/arch#x86_64 lang/python#3.11.8';
const CURL_UA = 'aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/linux#6.5.0 md/arch#x86_64 lang/python#3.11.8';
const day0 = minutesAfter('2025-05-30T09:00:00Z');
const incident = minutesAfter('2025-06-02T14:05:10Z');
const iso = (t: string): string => new Date(t).toISOString();
const records = [
  // the job's usual days: a few calls an hour from the office
  ...Array.from({ length: 24 }, (_, i) => ct(day0(i * 150), 'InvokeModel', OFFICE, BATCH_UA)),
  // the key used from an outside address, the window of the finding
  ...Array.from({ length: 6 }, (_, i) => ct(incident(i * 8), 'InvokeModel', OUTSIDE, CURL_UA)),
  ct(incident(50), 'ListFoundationModels', OUTSIDE, CURL_UA),
];

const ocsfEvent = JSON.parse(readFileSync(path.join(FIX, 'eventbridge.json'), 'utf8'));
const ocsf: Obj = ocsfEvent.detail.findings[0];
const info = ocsf.finding_info as Obj;
/** The same finding suppressed by the account team, on another API of the key. */
const suppressed: Obj = {
  ...structuredClone(ocsf),
  status: 'Suppressed',
  status_id: 3,
  finding_info: {
    ...structuredClone(info),
    uid: `${info.uid}0`,
    uid_alt: `${info.uid_alt}0`,
    types: ['Threats', 'Discovery:IAMUser/AnomalousBehavior'],
    title: 'User ml-batch is anomalously invoking APIs commonly used in Discovery tactics.',
    first_seen_time_dt: iso(incident(50)),
    last_seen_time_dt: iso(incident(50)),
  },
  evidences: [
    {
      api: { operation: 'ListFoundationModels', service: { name: 'bedrock.amazonaws.com' } },
      src_endpoint: { ip: OUTSIDE },
    },
  ],
};
delete (suppressed.finding_info as Obj).first_seen_time;
delete (suppressed.finding_info as Obj).last_seen_time;

/** The ASFF twin of an OCSF GuardDuty finding: what Security Hub CSPM delivers for it. */
function asffTwin(f: Obj, archived: boolean): Obj {
  const fi = f.finding_info as Obj;
  const ev = (f.evidences as Obj[])[0];
  const api = ev.api as Obj;
  const type = String((fi.types as string[])[1]);
  return {
    SchemaVersion: '2018-10-08',
    Id: fi.uid,
    ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/guardduty',
    ProductName: 'GuardDuty',
    CompanyName: 'Amazon',
    Region: 'us-east-1',
    GeneratorId: `arn:aws:guardduty:us-east-1:${ACCT}:detector/5cb2a5f0c3b84e1b9d6e7f8091a2b3c4`,
    AwsAccountId: ACCT,
    Types: [`TTPs/${type.split(':')[0]}/${type.replace('/', '-')}`],
    FirstObservedAt: fi.first_seen_time_dt,
    LastObservedAt: fi.last_seen_time_dt,
    CreatedAt: fi.created_time_dt,
    UpdatedAt: fi.modified_time_dt,
    Severity: { Product: 8, Label: 'HIGH', Normalized: 70 },
    Title: fi.title,
    Description: fi.desc,
    ProductFields: {
      'aws/guardduty/service/action/actionType': 'AWS_API_CALL',
      'aws/guardduty/service/action/awsApiCallAction/api': api.operation,
      'aws/guardduty/service/action/awsApiCallAction/serviceName': (api.service as Obj).name,
      'aws/guardduty/service/action/awsApiCallAction/remoteIpDetails/ipAddressV4': OUTSIDE,
      'aws/guardduty/service/count': String(f.count),
      'aws/guardduty/service/archived': String(archived),
    },
    Resources: [
      {
        Type: 'AwsIamAccessKey',
        Id: `AWS::IAM::AccessKey:${KEY}`,
        Partition: 'aws',
        Region: 'us-east-1',
        Details: {
          AwsIamAccessKey: {
            PrincipalId: 'AIDAIEXAMPLEMLBATCH01',
            PrincipalType: 'IAMUser',
            PrincipalName: 'ml-batch',
          },
        },
      },
    ],
    Workflow: { Status: archived ? 'SUPPRESSED' : 'NEW' },
    RecordState: 'ACTIVE',
  };
}

let tmp: string;
let fromOcsf: Report;
let fromAsff: Report;

async function run(dir: string): Promise<Report> {
  const store = await CaseStore.open(':memory:');
  try {
    return await investigate(store, [dir], { now: new Date('2026-01-01T00:00:00Z') });
  } finally {
    await store.close();
  }
}

function evidenceDir(name: string, findings: Record<string, unknown>): string {
  const dir = path.join(tmp, name);
  mkdirSync(path.join(dir, 'cloudtrail'), { recursive: true });
  mkdirSync(path.join(dir, 'findings'), { recursive: true });
  writeFileSync(
    path.join(dir, 'cloudtrail', `${ACCT}_CloudTrail_us-east-1_20250602T1500Z_batch.json`),
    JSON.stringify({ Records: records }),
  );
  for (const [file, v] of Object.entries(findings))
    writeFileSync(path.join(dir, 'findings', file), `${JSON.stringify(v)}\n`);
  return dir;
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'genai-ir-shocsf-'));
  const withSuppressed = { ...ocsfEvent, detail: { findings: [ocsf] } };
  fromOcsf = await run(
    evidenceDir('ocsf', {
      'findings-imported-v2.json': withSuppressed,
      'get-findings-v2.json': { Findings: [suppressed] },
    }),
  );
  fromAsff = await run(
    evidenceDir('asff', {
      'get-findings.json': { Findings: [asffTwin(ocsf, false), asffTwin(suppressed, true)] },
    }),
  );
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const external = (r: Report) =>
  r.findings
    .filter((f) => f.ruleId.startsWith('securityhub:'))
    .sort((a, b) => String(a.evidence.findingIds).localeCompare(String(b.evidence.findingIds)));

/** What the triage decided, without the rule id (the type is written differently in ASFF). */
const triaged = (f: Report['findings'][number]) => ({
  title: f.title,
  severity: f.severity,
  elements: f.elements,
  principals: f.principals,
  accessKeyIds: f.accessKeyIds,
  sourceIps: f.sourceIps,
  evidence: f.evidence,
  triage: f.details?.triage,
  archived: f.details?.archived,
});

describe('a Security Hub OCSF finding through investigate', () => {
  it('reads the OCSF files with nothing rejected', () => {
    const files = fromOcsf.evidence.filter((e) => e.path.includes('findings'));
    expect(files.map((e) => [e.format, e.rejected])).toEqual([
      ['securityhub-ocsf', 0],
      ['securityhub-ocsf', 0],
    ]);
  });

  it("joins the key's records from the outside address and triages the finding", () => {
    const [active, closed] = external(fromOcsf);
    expect(active.ruleId).toBe('securityhub:Impact:IAMUser/AnomalousBehavior');
    expect(active.evidence.findingIds).toEqual([info.uid]);
    const outside = records.filter((r) => r.sourceIPAddress === OUTSIDE && r.eventName === 'InvokeModel');
    expect(active.evidence.eventIds).toEqual(outside.map((r) => r.eventID));
    expect(active.accessKeyIds).toEqual([KEY]);
    expect(active.sourceIps).toEqual([OUTSIDE]);
    expect(['medium', 'high']).toContain(active.severity);
    expect(closed.ruleId).toBe('securityhub:Discovery:IAMUser/AnomalousBehavior');
    expect(closed.severity).toBe('informational');
    expect(String(closed.details?.triage)).toContain('archived');
  });

  it('is triaged exactly as its ASFF twin', () => {
    const a = external(fromOcsf);
    const b = external(fromAsff);
    expect(a).toHaveLength(2);
    expect(a.map(triaged)).toEqual(b.map(triaged));
    // and the rest of the report does not depend on which format the finding came in
    const others = (r: Report) =>
      r.findings.filter((f) => !f.ruleId.startsWith('securityhub:')).map((f) => [f.ruleId, f.severity]);
    expect(others(fromOcsf)).toEqual(others(fromAsff));
  });
});

describe('Security Hub severity in the triage', () => {
  it('reads a Security Hub severity on its own 0-100 scale: Medium (40) alone is low, High (70) medium', async () => {
    const twin = (normalized: number, label: string): Obj => ({
      ...asffTwin(ocsf, false),
      Severity: { Label: label, Normalized: normalized },
    });
    const medium = external(
      await run(evidenceDir('asff-40', { 'f.json': { Findings: [twin(40, 'MEDIUM')] } })),
    );
    expect(medium.map((f) => f.severity)).toEqual(['low']);
    expect(String(medium[0].details?.triage)).not.toContain('rated high');
    const high = external(await run(evidenceDir('asff-70', { 'f.json': { Findings: [twin(70, 'HIGH')] } })));
    expect(high.map((f) => f.severity)).toEqual(['medium']);
    expect(String(high[0].details?.triage)).toContain('rated high by Security Hub');
  }, 60_000);
});
