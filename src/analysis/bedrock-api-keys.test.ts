/**
 * Bedrock API keys (service-specific credentials for Bedrock): a user making one for itself from
 * its key's everyday address and client is provisioning; the same call from a new address with
 * another client is what an intruder holding the key does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { controlPlaneCase, controlPlaneFindings } from '../../test/helpers/control-plane-case.js';
import { deviceClient } from './context.js';

const ACCT = '111122223333';
const USER = 'dev-prototype';
const KEY = 'AKIAEXAMPLEDEVKEY001';
const OFFICE = '203.0.113.40';
const VPN = '146.70.183.27';
const CLI = 'aws-cli/2.22.4 md/awscrt#0.23.4 ua/2.0 os/macos#24.1.0 md/arch#arm64 lang/python#3.12.6';
const BOTO = 'Boto3/1.38.10 md/Botocore#1.38.10 ua/2.1 os/linux#6.8.0 md/arch#x86_64 lang/python#3.11.9';
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-apikey-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let seq = 0;
const rec = (
  time: string,
  ip: string,
  ua: string,
  name: string,
  source: string,
  req: Record<string, unknown>,
) => ({
  eventVersion: '1.09',
  userIdentity: {
    type: 'IAMUser',
    principalId: 'AIDAEXAMPLEDEV',
    arn: `arn:aws:iam::${ACCT}:user/${USER}`,
    accountId: ACCT,
    accessKeyId: KEY,
    userName: USER,
  },
  eventTime: time,
  eventSource: source,
  eventName: name,
  awsRegion: 'ap-northeast-1',
  sourceIPAddress: ip,
  // the AWS CLI names each command in its user agent
  userAgent: ua.startsWith('aws-cli/') ? `${ua} md/command#${source.split('.')[0]}.${name}` : ua,
  requestParameters: req,
  responseElements: null,
  eventID: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`,
  readOnly: name.startsWith('List') || name.startsWith('Get'),
  eventType: 'AwsApiCall',
  managementEvent: true,
  recipientAccountId: ACCT,
});
/** a working day at the office: the key's everyday origin */
const day = (date: string) =>
  [9, 10, 11, 13, 15, 17].map((h) =>
    rec(
      `${date}T${String(h).padStart(2, '0')}:00:00Z`,
      OFFICE,
      CLI,
      'ListFoundationModels',
      'bedrock.amazonaws.com',
      {},
    ),
  );
const create = (time: string, ip: string, ua: string) =>
  rec(time, ip, ua, 'CreateServiceSpecificCredential', 'iam.amazonaws.com', {
    userName: USER,
    serviceName: 'bedrock.amazonaws.com',
    credentialAgeDays: 90,
  });

describe('access: Bedrock API keys created', () => {
  it('for itself from the everyday address and client: low; from a new address with another client: medium', async () => {
    const home = create('2025-11-04T16:30:00Z', OFFICE, CLI);
    const fs1 = await controlPlaneFindings(path.join(tmp, 'office'), {
      'ct.json': {
        Records: [...day('2025-11-03'), ...day('2025-11-04'), home].sort((a, b) =>
          a.eventTime.localeCompare(b.eventTime),
        ),
      },
    });
    const created = fs1.find((f) => f.ruleId === 'access.bedrock-api-key-created');
    expect(created?.severity).toBe('low');
    const persistence = fs1.find((f) => f.ruleId === 'infrastructure.iam-persistence');
    expect(persistence?.severity).toBe('low');

    const away = create('2025-11-04T16:40:00Z', VPN, BOTO);
    const fs2 = await controlPlaneFindings(path.join(tmp, 'vpn'), {
      'ct.json': {
        Records: [...day('2025-11-03'), ...day('2025-11-04'), away].sort((a, b) =>
          a.eventTime.localeCompare(b.eventTime),
        ),
      },
    });
    expect(fs2.find((f) => f.ruleId === 'access.bedrock-api-key-created')?.severity).not.toBe('low');
    expect(fs2.find((f) => f.ruleId === 'infrastructure.iam-persistence')?.severity).toBe('medium');
  });
});

describe('access: calls signed with a Bedrock API key', () => {
  it("are the actor's when the key was made outside routine, and the made credential is in scope", async () => {
    const made = {
      ...create('2025-11-04T16:40:00Z', VPN, BOTO),
      responseElements: {
        serviceSpecificCredential: {
          serviceSpecificCredentialId: 'ACCAEXAMPLEBEDROCK01',
          serviceName: 'bedrock.amazonaws.com',
          userName: USER,
          status: 'Active',
        },
      },
    };
    const bearer = [0, 1, 2].map((i) => ({
      ...rec(`2025-11-04T18:0${i}:00Z`, '45.134.212.61', BOTO, 'Converse', 'bedrock.amazonaws.com', {
        modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      }),
      userIdentity: {
        type: 'IAMUser',
        principalId: 'AIDAEXAMPLEDEV',
        arn: `arn:aws:iam::${ACCT}:user/${USER}`,
        accountId: ACCT,
        userName: USER,
      },
      additionalEventData: { callWithBearerToken: true },
      eventCategory: 'Data',
      managementEvent: false,
    }));
    const { findings, scope } = await controlPlaneCase(
      path.join(tmp, 'bearer'),
      { 'ct.json': { Records: [...day('2025-11-03'), ...day('2025-11-04'), made, ...bearer] } },
      { scope: true },
    );
    const used = findings.find(
      (f) => f.ruleId === 'access.bedrock-api-key-used' && f.sourceIps?.includes('45.134.212.61'),
    );
    expect(used?.severity).not.toBe('low');
    expect(JSON.stringify(used?.details?.triage)).toContain('outside routine');
    expect(scope?.scope.accessKeyIds).toContain('ACCAEXAMPLEBEDROCK01');
    expect(scope?.scope.sourceIps).toContain('45.134.212.61');
  });
});

describe('deviceClient', () => {
  it('drops what the AWS CLI adds per call, keeps the rest', () => {
    expect(deviceClient(`${CLI} md/command#iam.create-service-specific-credential`)).toBe(CLI);
    expect(deviceClient(`${CLI} md/prompt#off md/command#sts.get-caller-identity`)).toBe(CLI);
    expect(deviceClient(BOTO)).toBe(BOTO);
    expect(deviceClient(null)).toBe('');
  });
});
