/**
 * Data leaving through a person's own session: object writes to a bucket another account owns,
 * knowledge-base retrieval that departs from the person's own history, the GuardDuty finding they
 * corroborate, and the scope that follows the person's session keys from their usual address.
 * Decoys: a same-account copy, a ticketed migration, staff asking a knowledge base a few questions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { controlPlaneCase } from '../../test/helpers/control-plane-case.js';
import type { Finding } from '../model/types.js';
import { matchContext } from './context.js';
import type { ScopeResult } from './scope.js';

const ACCT = '111122223333';
const FOREIGN = '444455556666';
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-ds-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const OFFICE = '198.51.100.10';
const HOME = '198.51.100.77';
const BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko)';
const SDK =
  'aws-sdk-js/3.782.0 ua/2.1 os/darwin#24.2.0 lang/js md/nodejs#22.11.0 api/bedrock-agent-runtime#3.782.0';
const CLI = 'aws-cli/2.27.41 md/awscrt#0.26.1 ua/2.0 os/macos#24.2.0 md/arch#x86_64 lang/python#3.13.4';

interface Who {
  role: string;
  session: string;
  key: string;
}
const sso = (role: string, session: string, key: string): Who => ({ role, session, key });

let seq = 0;
const id = (): string =>
  `0000${(++seq).toString(16).padStart(4, '0')}-1111-4222-8333-${seq.toString().padStart(12, '0')}`;

function ct(e: {
  time: string;
  source: string;
  name: string;
  who: Who;
  ip: string;
  ua: string;
  req?: unknown;
  error?: string;
  resources?: unknown[];
  data?: boolean;
}): Record<string, unknown> {
  const roleArn = `arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/us-east-1/AWSReservedSSO_${e.who.role}`;
  return {
    eventVersion: '1.10',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLEROLEID01:${e.who.session}`,
      arn: `arn:aws:sts::${ACCT}:assumed-role/AWSReservedSSO_${e.who.role}/${e.who.session}`,
      accountId: ACCT,
      accessKeyId: e.who.key,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAEXAMPLEROLEID01',
          arn: roleArn,
          accountId: ACCT,
          userName: `AWSReservedSSO_${e.who.role}`,
        },
        attributes: { creationDate: '2025-06-01T00:00:00Z', mfaAuthenticated: 'false' },
      },
    },
    eventTime: e.time,
    eventSource: e.source,
    eventName: e.name,
    awsRegion: 'us-east-1',
    sourceIPAddress: e.ip,
    userAgent: e.ua,
    requestParameters: e.req ?? null,
    responseElements: null,
    requestID: id(),
    eventID: id(),
    readOnly: /^(Get|List|Describe|Head|Retrieve)/.test(e.name),
    eventType: 'AwsApiCall',
    managementEvent: !e.data,
    recipientAccountId: ACCT,
    eventCategory: e.data ? 'Data' : 'Management',
    ...(e.resources ? { resources: e.resources } : {}),
    ...(e.error ? { errorCode: e.error, errorMessage: 'Access Denied' } : {}),
  };
}

function at(t0: string, minutes: number): string {
  return new Date(Date.parse(t0) + minutes * 60_000).toISOString().replace('.000Z', 'Z');
}

const retrieve = (who: Who, t: string, kb: string, n: number | null, ip = HOME, ua = SDK) =>
  ct({
    time: t,
    source: 'bedrock.amazonaws.com',
    name: 'Retrieve',
    who,
    ip,
    ua,
    data: true,
    req: {
      knowledgeBaseId: kb,
      retrievalQuery: { text: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
      ...(n ? { retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: n } } } : {}),
    },
    resources: [
      {
        accountId: ACCT,
        type: 'AWS::Bedrock::KnowledgeBase',
        ARN: `arn:aws:bedrock:us-east-1:${ACCT}:knowledge-base/${kb}`,
      },
    ],
  });

const s3 = (who: Who, t: string, name: string, bucket: string, key: string, owner: string, error?: string) =>
  ct({
    time: t,
    source: 's3.amazonaws.com',
    name,
    who,
    ip: HOME,
    ua: CLI,
    data: true,
    error,
    req: { bucketName: bucket, key, Host: `${bucket}.s3.us-east-1.amazonaws.com` },
    resources: [
      { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` },
      { accountId: owner, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
    ],
  });

/** Office background: several people at one address, the account's everyday address. */
function office(t0: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  ['Admin', 'Developer', 'PowerUser', 'Audit'].forEach((p, i) => {
    for (let k = 0; k < 3; k++)
      out.push(
        ct({
          time: at(t0, -1800 + i * 7 + k * 240),
          source: 's3.amazonaws.com',
          name: 'ListBuckets',
          who: sso(p, `${p.toLowerCase()}@example.com`, `ASIAOFFICE${i}${k}EXAMPLE`.slice(0, 20)),
          ip: OFFICE,
          ua: BROWSER,
        }),
      );
  });
  return out;
}

const T = '2025-06-12T02:00:00Z';
const ANA0 = sso('ReadOnly', 'ana@example.com', 'ASIAANADAYSESSION001');
const ANA1 = sso('ReadOnly', 'ana@example.com', 'ASIAANAEVENING000001');
const ANA2 = sso('ReadOnly', 'ana@example.com', 'ASIAANAEVENING000002');
const BO = sso('ReadOnly', 'bo@example.com', 'ASIABOSESSION0000001');

/** A person's everyday use: a few Retrieve calls with 5 results to the analytics knowledge base. */
function anaHistory(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let run = 0; run < 4; run++)
    for (let i = 0; i < 4; i++) out.push(retrieve(ANA0, at(T, -2400 + run * 120 + i), 'KBANALYTIC', 5));
  return out;
}

/** Another person of the same permission set who uses the people knowledge base every day. */
function boHistory(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < 6; i++)
    out.push(retrieve(BO, at(T, -1400 + i * 90), 'KBPEOPLE01', 10, OFFICE, BROWSER));
  return out;
}

function harvest(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  // first evening: a look at the finance knowledge base with large result sets
  for (let i = 0; i < 10; i++) out.push(retrieve(ANA1, at(T, -1440 + i * 0.5), 'KBFINANCE1', 50));
  // second evening: the people knowledge base, 30 calls of 100 results, then the sources and the upload
  for (let i = 0; i < 30; i++) out.push(retrieve(ANA2, at(T, i / 3), 'KBPEOPLE01', 100));
  for (let i = 0; i < 6; i++)
    out.push(s3(ANA2, at(T, 20 + i * 0.2), 'GetObject', 'people-docs', `hr/doc-${i}.csv`, ACCT));
  out.push(s3(ANA2, at(T, 25), 'PutObject', 'ana-archive', 'x/doc-0.csv', FOREIGN, 'AccessDenied'));
  for (let i = 0; i < 3; i++)
    out.push(s3(ANA2, at(T, 31 + i * 0.2), 'PutObject', 'ana-archive', `x/doc-${i}.csv`, FOREIGN));
  return out;
}

function guardDuty(): Record<string, unknown> {
  return {
    schemaVersion: '2.0',
    accountId: ACCT,
    region: 'us-east-1',
    partition: 'aws',
    id: 'a'.repeat(32),
    arn: `arn:aws:guardduty:us-east-1:${ACCT}:detector/d1/finding/${'a'.repeat(32)}`,
    type: 'Exfiltration:S3/AnomalousBehavior',
    resource: {
      resourceType: 'S3Bucket',
      accessKeyDetails: {
        accessKeyId: ANA2.key,
        principalId: `AROAEXAMPLEROLEID01:${ANA2.session}`,
        userType: 'AssumedRole',
        userName: `AWSReservedSSO_${ANA2.role}`,
      },
      s3BucketDetails: [{ name: 'people-docs', arn: 'arn:aws:s3:::people-docs' }],
    },
    service: {
      serviceName: 'guardduty',
      detectorId: 'd1',
      action: {
        actionType: 'AWS_API_CALL',
        awsApiCallAction: {
          api: 'GetObject',
          serviceName: 's3.amazonaws.com',
          callerType: 'Remote IP',
          remoteIpDetails: { ipAddressV4: HOME },
        },
      },
      eventFirstSeen: at(T, 20),
      eventLastSeen: at(T, 21),
      archived: false,
      count: 6,
    },
    severity: 8,
    createdAt: at(T, 40),
    updatedAt: at(T, 40),
    title: 'Unusual read activity on S3 bucket people-docs.',
    description: 'test',
  };
}

async function analyse(
  name: string,
  files: Record<string, unknown>,
  scope = false,
): Promise<{ findings: Finding[]; scope: ScopeResult | null }> {
  return controlPlaneCase(path.join(tmp, name), files, { scope });
}

const by = (fs: Finding[], rule: string): Finding[] => fs.filter((f) => f.ruleId === rule);
const severe = (fs: Finding[]): Finding[] =>
  fs.filter((f) => ['medium', 'high', 'critical'].includes(f.severity));

describe('data-store: a person harvesting knowledge bases and writing to another account', () => {
  it('the cross-account write is high with the denied attempt and the reads before it; the harvest and GuardDuty are raised with it', async () => {
    const recs = [...office(T), ...anaHistory(), ...boHistory(), ...harvest()];
    const { findings: fs, scope } = await analyse(
      'insider',
      { 'ct.json': { Records: recs }, 'guardduty/findings.json': [guardDuty()] },
      true,
    );
    const x = by(fs, 'data-store.cross-account-write');
    expect(x).toHaveLength(1);
    expect(x[0].severity).toBe('high');
    expect(x[0].details?.ownerAccount).toBe(FOREIGN);
    expect(x[0].details?.denied).toBe(1);
    expect(x[0].details?.succeeded).toBe(3);
    // the six source documents read first, the denied attempt and the three uploads
    expect(x[0].evidence.eventIds).toHaveLength(10);
    expect(x[0].resources).toEqual(expect.arrayContaining(['ana-archive', 'people-docs']));

    const h = by(fs, 'data-store.kb-harvest');
    expect(h).toHaveLength(2);
    const [first, second] = [...h].sort((a, b) => a.firstSeen.localeCompare(b.firstSeen));
    // new knowledge base, 20 times the results, far more calls in an hour: medium by itself, high with the upload
    expect(second.details?.newKnowledgeBases).toEqual(['KBPEOPLE01']);
    expect(second.details?.priorMaxResults).toBe(5);
    expect(second.severity).toBe('high');
    // retrieval reads a knowledge base and changes no data store: what it exposes is private data
    expect(second.elements).toEqual(['invocation', 'private-data']);
    // two signs only (new knowledge base, large result sets): raised by the same person's upload
    expect(first.details?.raisedFrom).toBe('low');
    expect(first.severity).toBe('high');
    expect(first.accessKeyIds).toEqual([ANA1.key]);

    const gd = fs.find((f) => f.ruleId === 'guardduty:Exfiltration:S3/AnomalousBehavior');
    expect(gd?.severity).toBe('high');
    expect(String(gd?.details?.triage)).toContain('same actor');

    // the person's own sessions from their usual address are the scope; their everyday session is not
    expect(scope?.scope.accessKeyIds).toEqual([ANA1.key, ANA2.key]);
    expect(scope?.scope.sourceIps).toEqual([HOME]);
    expect(scope?.scope.resources).toEqual(expect.arrayContaining(['KBPEOPLE01', 'KBFINANCE1']));
    expect(scope?.scope.resources).not.toContain('KBANALYTIC');
    expect(scope?.actor.eventIds).toHaveLength(10 + 30 + 6 + 4);
  });

  it('a copy to a bucket of the same account, and a few questions to a knowledge base, are not findings', async () => {
    const recs = [
      ...office(T),
      ...anaHistory(),
      ...boHistory(),
      // a new knowledge base, three calls with ten results: an ordinary question
      ...[0, 1, 2].map((i) => retrieve(ANA2, at(T, i), 'KBSUPPORT1', 10)),
      ...[0, 1, 2].map((i) => s3(BO, at(T, 10 + i), 'PutObject', 'kb-v2', `p/doc-${i}.md`, ACCT)),
    ];
    const { findings: fs } = await analyse('ordinary', { 'ct.json': { Records: recs } });
    expect(by(fs, 'data-store.cross-account-write')).toEqual([]);
    expect(by(fs, 'data-store.kb-harvest')).toEqual([]);
    expect(severe(fs)).toEqual([]);
  });

  it('a person querying the knowledge base their colleagues use is judged on their own history', async () => {
    // bo's daily use of KBPEOPLE01 does not make ana's first 30 calls of 100 results to it ordinary
    const recs = [...office(T), ...anaHistory(), ...boHistory(), ...harvest().slice(10, 40)];
    const { findings: fs } = await analyse('per-person', { 'ct.json': { Records: recs } });
    const h = by(fs, 'data-store.kb-harvest');
    expect(h).toHaveLength(1);
    expect(h[0].severity).toBe('medium');
    expect(h[0].title).toContain('ana@example.com');
  });

  it('a ticketed migration by its owner is informational and cites the change', async () => {
    const LEE0 = sso('DataScientist', 'lee@example.com', 'ASIALEEDAYSESSION001');
    const LEE1 = sso('DataScientist', 'lee@example.com', 'ASIALEEMIGRATION0001');
    const recs = [
      ...office(T),
      ...[0, 1, 2, 3].map((i) => retrieve(LEE0, at(T, -1500 + i * 60), 'KBANALYTIC', 5, OFFICE)),
      ...Array.from({ length: 40 }, (_, i) =>
        retrieve(LEE1, at(T, i / 4), i % 2 ? 'KBPEOPLE01' : 'KBPEOPLE02', 50, OFFICE),
      ),
    ];
    const calendar = {
      changes: [
        {
          ticket: 'CHG-7001',
          window: { start: at(T, -20), end: at(T, 240) },
          owner: 'lee@example.com',
          summary:
            'Internal knowledge bases: migrate to a new embedding model; create the v2 knowledge bases and run the retrieval regression set against old and new.',
        },
      ],
    };
    const { findings: fs } = await analyse('migration', {
      'ct.json': { Records: recs },
      'context/change-calendar.json': calendar,
    });
    const h = by(fs, 'data-store.kb-harvest');
    expect(h).toHaveLength(1);
    expect(h[0].severity).toBe('informational');
    expect(h[0].details?.plannedChange).toBe('CHG-7001');
  });
});

describe('context: knowledge-base retrieval', () => {
  it('a Retrieve by the change owner inside a knowledge-base change window matches strongly', () => {
    const m = matchContext(
      [
        {
          kind: 'planned-change',
          type: 'change',
          ticket: 'CHG-1',
          owner: 'lee@example.com',
          start: '2025-06-03T16:00:00.000Z',
          end: '2025-06-03T18:00:00.000Z',
          sourceIps: [],
          principals: [],
          sourceIdentity: null,
          text: 'Knowledge base migration: retrieval regression set against the new knowledge bases',
        },
      ],
      {
        time: '2025-06-03T17:00:00Z',
        service: 'bedrock.amazonaws.com',
        action: 'Retrieve',
        sessionName: 'lee@example.com',
      },
    );
    expect(m?.strength).toBe('strong');
  });
});
