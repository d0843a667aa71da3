/**
 * access.role-assumed-by-new-caller on small cases built from CloudTrail records as delivered: a
 * vendor's cross-account role assumed every 30 minutes by the vendor's collector instances, then by
 * an IAM user of the vendor account from a hosting address whose session runs discovery and
 * knowledge-base retrieval.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { controlPlaneFindings } from '../../test/helpers/control-plane-case.js';
import type { Finding } from '../model/types.js';

const ACCT = '111122223333';
const VENDOR = '444455556666';
const ROLE = `arn:aws:iam::${ACCT}:role/AcmeVendorIntegrationRole`;
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-role-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let seq = 0;
const id = (): string =>
  `0000${(++seq).toString(16).padStart(4, '0')}-2222-4333-8444-${seq.toString().padStart(12, '0')}`;
const at = (t0: string, minutes: number): string =>
  new Date(Date.parse(t0) + minutes * 60_000).toISOString().replace('.000Z', 'Z');

const AGENT =
  'acme-agent/5.57.0 Boto3/1.33.7 md/Botocore#1.33.7 ua/2.0 os/linux#6.1.100 md/arch#x86_64 lang/python#3.12.1';
const BOTO_VPS =
  'Boto3/1.38.0 md/Botocore#1.38.0 ua/2.0 os/linux#6.1.0-26-cloud-amd64 md/arch#x86_64 lang/python#3.9.18';
const VENDOR_IPS = ['34.226.14.101', '34.226.14.102', '54.174.8.33'];
const HOSTING = '146.70.199.58';

/** AssumeRole as delivered to the role's account when another account's principal calls it. */
function assume(
  time: string,
  principalId: string,
  ip: string,
  ua: string,
  key: string,
): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    userIdentity: { type: 'AWSAccount', principalId, accountId: VENDOR },
    eventTime: time,
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRole',
    awsRegion: 'us-east-1',
    sourceIPAddress: ip,
    userAgent: ua,
    requestParameters: { roleArn: ROLE, roleSessionName: 'acme-collector', externalId: '****' },
    responseElements: {
      credentials: {
        accessKeyId: key,
        sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE',
        expiration: 'Jun 3, 2025, 1:00:00 PM',
      },
      assumedRoleUser: {
        assumedRoleId: 'AROAVENDORROLEEXAMPLE:acme-collector',
        arn: `arn:aws:sts::${ACCT}:assumed-role/AcmeVendorIntegrationRole/acme-collector`,
      },
    },
    requestID: id(),
    eventID: id(),
    readOnly: true,
    resources: [{ accountId: ACCT, type: 'AWS::IAM::Role', ARN: ROLE }],
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCT,
    sharedEventID: id(),
    eventCategory: 'Management',
  };
}

/** A call made with the issued session. */
function call(
  time: string,
  key: string,
  ip: string,
  ua: string,
  source: string,
  name: string,
  req: unknown = null,
  region = 'us-east-1',
): Record<string, unknown> {
  const runtime =
    source === 'bedrock-agent-runtime.amazonaws.com' || source === 'bedrock-runtime.amazonaws.com';
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAVENDORROLEEXAMPLE:acme-collector',
      arn: `arn:aws:sts::${ACCT}:assumed-role/AcmeVendorIntegrationRole/acme-collector`,
      accountId: ACCT,
      accessKeyId: key,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAVENDORROLEEXAMPLE',
          arn: ROLE,
          accountId: ACCT,
          userName: 'AcmeVendorIntegrationRole',
        },
        attributes: { creationDate: time, mfaAuthenticated: 'false' },
      },
    },
    eventTime: time,
    eventSource: source,
    eventName: name,
    awsRegion: region,
    sourceIPAddress: ip,
    userAgent: ua,
    requestParameters: req,
    responseElements: null,
    requestID: id(),
    eventID: id(),
    readOnly: runtime ? false : /^(Get|List|Describe)/.test(name),
    eventType: 'AwsApiCall',
    managementEvent: !runtime,
    recipientAccountId: ACCT,
    eventCategory: runtime ? 'Data' : 'Management',
  };
}

const T = '2025-06-03T00:00:00Z';

/** A day of the vendor's polling: every 30 minutes one of its instances assumes the role and reads metrics. */
function polling(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < 40; i++) {
    const key = `ASIAPOLL${i.toString().padStart(12, '0')}`;
    const ip = VENDOR_IPS[i % VENDOR_IPS.length];
    // each instance's role session: the role id stays the vendor's, the session name is the instance id
    const pid = `AROAVENDORCOLLECTOR1:i-0${(1000 + i).toString(16)}`;
    out.push(assume(at(T, i * 30), pid, ip, AGENT, key));
    out.push(call(at(T, i * 30 + 1), key, ip, AGENT, 'monitoring.amazonaws.com', 'GetMetricData'));
  }
  return out;
}

const findingsOf = (name: string, records: Record<string, unknown>[]): Promise<Finding[]> =>
  controlPlaneFindings(path.join(tmp, name), { 'ct.json': { Records: records } });

const RULE = 'access.role-assumed-by-new-caller';
const by = (fs: Finding[]): Finding[] => fs.filter((f) => f.ruleId === RULE);

describe('access: role assumed by a new caller from a new network', () => {
  it('is silent for the established caller, also from a new address in its range', async () => {
    const recs = polling();
    // the vendor's instance from a new /24 of its cloud range: a known caller, so nothing
    recs.push(
      assume(at(T, 1215), 'AROAVENDORCOLLECTOR1:i-0beef', '54.174.9.201', AGENT, 'ASIAPOLLNEWADDRESS01'),
    );
    recs.push(
      call(
        at(T, 1216),
        'ASIAPOLLNEWADDRESS01',
        '54.174.9.201',
        AGENT,
        'monitoring.amazonaws.com',
        'GetMetricData',
      ),
    );
    const fs = await findingsOf('established', recs);
    expect(by(fs)).toHaveLength(0);
  });

  it('an IAM user of the vendor from a hosting address, then discovery and retrieval: high, with the session key and records', async () => {
    const key = 'ASIAINTRUDER00000001';
    const a = assume(at(T, 1230), 'AIDAVENDORUSEREXAMPL', HOSTING, BOTO_VPS, key);
    const session = [
      call(at(T, 1231), key, HOSTING, BOTO_VPS, 'sts.amazonaws.com', 'GetCallerIdentity'),
      call(at(T, 1232), key, HOSTING, BOTO_VPS, 'bedrock.amazonaws.com', 'ListFoundationModels'),
      call(
        at(T, 1232),
        key,
        HOSTING,
        BOTO_VPS,
        'bedrock.amazonaws.com',
        'ListFoundationModels',
        null,
        'us-west-2',
      ),
      call(at(T, 1233), key, HOSTING, BOTO_VPS, 'bedrock-agent.amazonaws.com', 'ListKnowledgeBases'),
      call(at(T, 1235), key, HOSTING, BOTO_VPS, 'bedrock-agent-runtime.amazonaws.com', 'Retrieve', {
        knowledgeBaseId: 'KB12345678',
        retrievalConfiguration: { vectorSearchConfiguration: { numberOfResults: 100 } },
      }),
    ];
    const fs = await findingsOf('vendor-abuse', [...polling(), a, ...session]);
    const f = by(fs);
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('high');
    expect(f[0].accessKeyIds).toEqual([key]);
    expect(f[0].sourceIps).toEqual([HOSTING]);
    expect(f[0].principals).toContain(ROLE);
    expect(f[0].resources).toContain('KB12345678');
    expect(f[0].elements).toEqual(expect.arrayContaining(['access', 'invocation']));
    expect(new Set(f[0].evidence.eventIds)).toEqual(new Set([a, ...session].map((r) => String(r.eventID))));
    expect(f[0].attack).toContain('T1199');
    // the established polling sessions are not part of it
    expect(f[0].accessKeyIds?.some((k) => k.startsWith('ASIAPOLL'))).toBe(false);
  });

  it('the same new caller whose session only reads metrics is medium', async () => {
    const key = 'ASIAINTRUDER00000002';
    const recs = [
      ...polling(),
      assume(at(T, 1230), 'AIDAVENDORUSEREXAMPL', HOSTING, BOTO_VPS, key),
      call(at(T, 1231), key, HOSTING, BOTO_VPS, 'monitoring.amazonaws.com', 'GetMetricData'),
    ];
    const f = by(await findingsOf('vendor-quiet', recs));
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('medium');
  });
  it('is silent for SSO sign-ins: a new employee from a new home network', async () => {
    const ssoRole = `arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_DeveloperAccess_0123456789abcdef`;
    const saml = (time: string, subject: string, ip: string, key: string): Record<string, unknown> => ({
      eventVersion: '1.08',
      userIdentity: {
        type: 'SAMLUser',
        principalId: `nYWDVpn9mZj55dLU6gx7pSyGe6uq=:${subject}`,
        userName: subject,
        identityProvider: 'nYWDVpn9mZj55dLU6gx7pSyGe6uq=',
      },
      eventTime: time,
      eventSource: 'sts.amazonaws.com',
      eventName: 'AssumeRoleWithSAML',
      awsRegion: 'us-east-1',
      sourceIPAddress: ip,
      userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko)',
      requestParameters: {
        roleArn: ssoRole,
        principalArn: `arn:aws:iam::${ACCT}:saml-provider/AWSSSO_0123456789abcdef_DO_NOT_DELETE`,
        durationSeconds: 3600,
      },
      responseElements: {
        credentials: {
          accessKeyId: key,
          sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE',
          expiration: 'Jun 3, 2025, 1:00:00 PM',
        },
        subject,
        subjectType: 'persistent',
      },
      requestID: id(),
      eventID: id(),
      readOnly: true,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: ACCT,
      eventCategory: 'Management',
    });
    const recs: Record<string, unknown>[] = [];
    for (let i = 0; i < 30; i++)
      recs.push(
        saml(
          at(T, i * 40),
          `dev${i % 10}@example.com`,
          `120.22.${60 + (i % 10)}.4`,
          `ASIASSO${i.toString().padStart(13, '0')}`,
        ),
      );
    recs.push(saml(at(T, 1300), 'newhire@example.com', '101.191.64.23', 'ASIASSONEWHIRE000001'));
    const fs = await findingsOf('sso', recs);
    expect(by(fs)).toHaveLength(0);
  });
});
