/**
 * A long-term identity used by its owner and by an intruder: the owner's own use (its usual network
 * and client, on the resource it always uses) is told apart from the intruder's, in the presigned
 * notebook URL detection and in scope; one role is named once whether the evidence gives its
 * session ARN or its issuer's full ARN.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { controlPlaneCase } from '../../test/helpers/control-plane-case.js';
import { ingest } from '../engine/ingest.js';
import { identityResolver, loadIdentityOf, principalNames } from '../engine/principal-names.js';
import { CaseStore } from '../store/case-store.js';
import { computeScope } from './scope.js';

const ACCT = '111122223333';
const KEY = 'AKIAEXAMPLEVENDOR001';
const USER = `arn:aws:iam::${ACCT}:user/ext-vendor`;
const OFFICE_A = '198.51.100.10';
const OFFICE_B = '198.51.100.11';
const INTRUDER = '203.0.113.50';
const BOTO = 'Boto3/1.36.15 md/Botocore#1.36.15 ua/2.0 os/windows#10 lang/python#3.12.1';
const CLI = 'aws-cli/2.22.31 md/awscrt#0.22.3 ua/2.0 os/linux#6.8.0 lang/python#3.12.6';
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-shared-id-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let seq = 0;
function sm(time: string, name: string, ip: string, ua: string, req: Record<string, unknown>) {
  seq++;
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLEVENDOR01',
      arn: USER,
      accountId: ACCT,
      accessKeyId: KEY,
      userName: 'ext-vendor',
    },
    eventTime: time,
    eventSource: 'sagemaker.amazonaws.com',
    eventName: name,
    awsRegion: 'eu-north-1',
    sourceIPAddress: ip,
    userAgent: ua,
    requestParameters: req,
    responseElements: null,
    requestID: `req-${seq}`,
    eventID: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
    readOnly: /^(Describe|List)/.test(name),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCT,
    eventCategory: 'Management',
  };
}

/** The vendor's office opens its notebook morning and afternoon on two days; an intruder comes in between. */
function vendorDays(ua = CLI) {
  const own = { notebookInstanceName: 'vendor-review' };
  const other = { notebookInstanceName: 'ds-forecast' };
  return [
    sm('2025-06-02T08:20:00Z', 'DescribeNotebookInstance', OFFICE_A, BOTO, own),
    sm('2025-06-02T08:20:05Z', 'CreatePresignedNotebookInstanceUrl', OFFICE_A, BOTO, own),
    sm('2025-06-02T13:20:05Z', 'CreatePresignedNotebookInstanceUrl', OFFICE_A, BOTO, own),
    sm('2025-06-02T20:45:00Z', 'ListNotebookInstances', INTRUDER, ua, {}),
    sm('2025-06-02T20:46:00Z', 'DescribeNotebookInstance', INTRUDER, ua, other),
    sm('2025-06-02T20:50:00Z', 'StartNotebookInstance', INTRUDER, ua, other),
    sm('2025-06-02T21:00:00Z', 'CreatePresignedNotebookInstanceUrl', INTRUDER, ua, other),
    sm('2025-06-03T08:40:00Z', 'DescribeNotebookInstance', OFFICE_B, BOTO, own),
    sm('2025-06-03T08:40:05Z', 'CreatePresignedNotebookInstanceUrl', OFFICE_B, BOTO, own),
    sm('2025-06-03T12:40:05Z', 'CreatePresignedNotebookInstanceUrl', OFFICE_B, BOTO, own),
  ];
}

describe('an identity used by its owner and by an intruder', () => {
  it("keeps the owner's presigned URLs from its usual origin out of the incident, and scopes only the intruder", async () => {
    const dir = mkdtempSync(path.join(tmp, 'case-'));
    const { findings, scope } = await controlPlaneCase(
      dir,
      { 'trail.json': { Records: vendorDays() } },
      { scope: true },
    );
    const urls = findings.filter((f) => f.ruleId === 'access.sagemaker-presigned-url');
    expect(urls).toHaveLength(5);
    const own = urls.filter((f) => f.sourceIps?.[0] !== INTRUDER);
    expect(own.map((f) => f.severity)).toEqual(Array(4).fill('informational'));
    expect(String(own[0].details?.triage)).toMatch(/usual origin \(198\.51\.100\.0\/24, Boto3\/1\.36\.15\)/);
    const theirs = urls.find((f) => f.sourceIps?.[0] === INTRUDER)!;
    expect(theirs.severity).toBe('medium');
    expect(theirs.resources).toContain(`arn:aws:sagemaker:eu-north-1:${ACCT}:notebook-instance/ds-forecast`);
    expect(scope?.scope.sourceIps).toEqual([INTRUDER]);
    expect(scope?.scope.window.start).toBe('2025-06-02T20:45:00.000Z');
    expect(scope?.scope.resources).toContain(
      `arn:aws:sagemaker:eu-north-1:${ACCT}:notebook-instance/ds-forecast`,
    );
    expect(scope?.scope.resources.some((r) => /vendor-review/.test(r))).toBe(false);
  });

  it("leaves the owner's records from its usual network to the owner even when the intruder uses the same client", async () => {
    const dir = mkdtempSync(path.join(tmp, 'case-'));
    writeFileSync(path.join(dir, 'trail.json'), JSON.stringify({ Records: vendorDays(BOTO) }));
    const store = await CaseStore.open(':memory:');
    try {
      await ingest(store, [dir]);
      const sc = await computeScope(store, [], {
        seeds: [
          { kind: 'ip', value: INTRUDER },
          { kind: 'key', value: KEY },
        ],
      });
      expect(sc.scope.sourceIps).toEqual([INTRUDER]);
      expect(sc.actor.eventIds).toHaveLength(4);
      expect(sc.confidence).toBe('medium');
      expect(sc.notes.join('\n')).toMatch(/198\.51\.100\.0\/24 \(Boto3\/1\.36\.15\).*treated as its owner's/);
    } finally {
      await store.close();
    }
  });

  it('does not call an origin usual when the other network came before it had been in use for hours', async () => {
    const dir = mkdtempSync(path.join(tmp, 'case-'));
    // the owner's use before the intruder is one burst in the morning: too short to be its ordinary origin
    const records = vendorDays().filter((r) => r.eventTime !== '2025-06-02T13:20:05Z');
    const { findings } = await controlPlaneCase(dir, { 'trail.json': { Records: records } });
    const urls = findings.filter((f) => f.ruleId === 'access.sagemaker-presigned-url');
    const first = urls.find((f) => f.firstSeen.startsWith('2025-06-02T08:20'))!;
    expect(first.severity).toBe('medium');
  });
});

describe('one role, one name', () => {
  it("names a role by its issuer's full ARN, from its session ARN or its path-less form", async () => {
    const dir = mkdtempSync(path.join(tmp, 'case-'));
    const session = `arn:aws:sts::${ACCT}:assumed-role/NotebookExecRole/SageMaker`;
    const full = `arn:aws:iam::${ACCT}:role/service-role/NotebookExecRole`;
    const rec = {
      ...sm('2025-06-02T21:10:00Z', 'ListBuckets', '203.0.113.60', CLI, {}),
      eventSource: 's3.amazonaws.com',
      userIdentity: {
        type: 'AssumedRole',
        principalId: 'AROAEXAMPLEROLE0001:SageMaker',
        arn: session,
        accountId: ACCT,
        accessKeyId: 'ASIAEXAMPLESESSION01',
        sessionContext: {
          sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEROLE0001', arn: full, accountId: ACCT },
        },
      },
    };
    writeFileSync(path.join(dir, 'trail.json'), JSON.stringify({ Records: [rec] }));
    const store = await CaseStore.open(':memory:');
    try {
      await ingest(store, [dir]);
      const identityOf = await loadIdentityOf(store);
      expect(identityOf(session)).toBe(full);
      expect(identityOf(full)).toBe(full);
      expect(identityOf(`arn:aws:iam::${ACCT}:role/NotebookExecRole`)).toBe(full);
      expect(identityOf(`arn:aws:iam::${ACCT}:role/OtherRole`)).toBe(`arn:aws:iam::${ACCT}:role/OtherRole`);
      expect(identityOf(USER)).toBe(USER);
      // the table is the case's: another case without the issuer names the role without its path
      expect(identityResolver(principalNames([]))(session)).toBe(
        `arn:aws:iam::${ACCT}:role/NotebookExecRole`,
      );
      // scope names the role once, whichever form a seed gave
      const sc = await computeScope(store, [], {
        seeds: [
          { kind: 'principal', value: session },
          { kind: 'ip', value: '203.0.113.60' },
        ],
      });
      expect(sc.scope.principals).toEqual([full]);
    } finally {
      await store.close();
    }
  });
});
