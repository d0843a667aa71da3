/**
 * Organisation guardrails: what a policy edit opens, and the refused → policy changed → succeeded
 * sequence, on hand-built CloudTrail records ingested through the real readers.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDetectors } from '../engine/detect.js';
import { ingest } from '../engine/ingest.js';
import type { Finding } from '../model/types.js';
import { CaseStore } from '../store/case-store.js';
import { guardrailBypassDetector, policyOpens } from './org-guardrail.js';

const MGMT = '999988887777';
const MEMBER = '111122223333';
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-orgguard-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const scp = (regions: string[]) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyModelsOutsideRegions',
        Effect: 'Deny',
        Action: 'bedrock:*',
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:RequestedRegion': regions } },
      },
      { Sid: 'DenyLeaveOrg', Effect: 'Deny', Action: ['organizations:LeaveOrganization'], Resource: '*' },
    ],
  });

describe('policyOpens', () => {
  it('names Regions added to an exemption, denied actions dropped and Deny statements removed', () => {
    const before = scp(['eu-west-1']);
    const r = policyOpens(before, scp(['eu-west-1', 'us-east-1']));
    expect(r.regions).toEqual(['us-east-1']);
    expect(r.opened).toEqual(['DenyModelsOutsideRegions: exempts aws:requestedregion us-east-1']);
    const removed = JSON.parse(before);
    removed.Statement = removed.Statement.slice(0, 1);
    expect(policyOpens(before, JSON.stringify(removed)).opened).toEqual([
      'Deny statement DenyLeaveOrg removed',
    ]);
    // narrowing an exemption opens nothing
    expect(policyOpens(scp(['eu-west-1', 'us-east-1']), scp(['eu-west-1'])).opened).toEqual([]);
  });
});

let n = 0;
function ct(
  time: string,
  who: { arn: string; account: string; key: string },
  source: string,
  action: string,
  ip: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  n++;
  const role = who.arn.includes(':assumed-role/');
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: role ? 'AssumedRole' : 'IAMUser',
      principalId: `AIDA${n}`,
      arn: who.arn,
      accountId: who.account,
      accessKeyId: who.key,
      ...(role
        ? {
            sessionContext: {
              sessionIssuer: {
                type: 'Role',
                arn: who.arn.replace(':sts::', ':iam::').replace(/assumed-role\/([^/]+)\/.*/, 'role/$1'),
                userName: 'r',
              },
            },
          }
        : { userName: who.arn.split('/').at(-1) }),
    },
    eventTime: time,
    eventSource: source,
    eventName: action,
    awsRegion: 'us-east-1',
    sourceIPAddress: ip,
    userAgent: 'aws-cli/2.15.0',
    requestID: `req-${n}`,
    eventID: `ev-${String(n).padStart(4, '0')}`,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: who.account,
    ...extra,
  };
}

const ADMIN = { arn: `arn:aws:iam::${MGMT}:user/breakglass`, account: MGMT, key: 'AKIAEXAMPLEBREAK0001' };
const SESSION = {
  arn: `arn:aws:sts::${MEMBER}:assumed-role/member-access-role/ops`,
  account: MEMBER,
  key: 'ASIAEXAMPLEOPS000001',
};
const VPS = '203.0.113.9';
const POLICY_ARN = `arn:aws:organizations::${MGMT}:policy/o-abc/service_control_policy/p-guard1`;

function describePolicy(time: string, content: string) {
  return ct(time, ADMIN, 'organizations.amazonaws.com', 'DescribePolicy', VPS, {
    readOnly: true,
    requestParameters: { policyId: 'p-guard1' },
    responseElements: {
      policy: { policySummary: { id: 'p-guard1', arn: POLICY_ARN, name: 'model-region-guard' }, content },
    },
  });
}
function updatePolicy(time: string, content: string, who = ADMIN, ip = VPS) {
  return ct(time, who, 'organizations.amazonaws.com', 'UpdatePolicy', ip, {
    requestParameters: { policyId: 'p-guard1', content },
    responseElements: {
      policy: { policySummary: { id: 'p-guard1', arn: POLICY_ARN, name: 'model-region-guard' }, content },
    },
  });
}
function bedrock(time: string, action: string, denied: boolean) {
  return ct(time, SESSION, 'bedrock.amazonaws.com', action, VPS, {
    readOnly: true,
    ...(denied
      ? {
          errorCode: 'AccessDenied',
          errorMessage: `User: ${SESSION.arn} is not authorized to perform: bedrock:${action} with an explicit deny in a service control policy`,
        }
      : {}),
  });
}

async function run(name: string, records: Record<string, unknown>[], calendar?: unknown): Promise<Finding[]> {
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'trail.json'), JSON.stringify({ Records: records }));
  if (calendar) writeFileSync(path.join(dir, 'changes.json'), JSON.stringify(calendar));
  const store = await CaseStore.open(':memory:');
  try {
    await ingest(store, [dir]);
    const res = await runDetectors(store, [guardrailBypassDetector]);
    expect(res.errors).toEqual([]);
    return res.findings;
  } finally {
    await store.close();
  }
}

describe('guardrail bypass through an organisation policy', () => {
  it('refused by the SCP, the SCP widened, the same calls then succeeding: high, with what it opened', async () => {
    const recs = [
      describePolicy('2026-01-10T22:00:00Z', scp(['eu-west-1'])),
      bedrock('2026-01-10T22:02:00Z', 'ListFoundationModels', true),
      updatePolicy('2026-01-10T22:05:00Z', scp(['eu-west-1', 'us-east-1'])),
      bedrock('2026-01-10T22:07:00Z', 'ListFoundationModels', false),
      ct('2026-01-10T22:09:00Z', SESSION, 'servicequotas.amazonaws.com', 'RequestServiceQuotaIncrease', VPS, {
        requestParameters: { serviceCode: 'bedrock', quotaCode: 'L-ABC', desiredValue: 4000000 },
        responseElements: {
          requestedQuota: {
            quotaCode: 'L-ABC',
            quotaArn: `arn:aws:servicequotas:us-east-1:${MEMBER}:bedrock/L-ABC`,
          },
        },
      }),
    ];
    const fs = await run('bypass', recs);
    expect(fs).toHaveLength(1);
    const f = fs[0];
    expect(f.ruleId).toBe('infrastructure.guardrail-bypass');
    expect(f.severity).toBe('high');
    expect(f.details?.regionsOpened).toEqual(['us-east-1']);
    expect(f.resources).toEqual([POLICY_ARN, `arn:aws:servicequotas:us-east-1:${MEMBER}:bedrock/L-ABC`]);
    expect(f.sourceIps).toEqual([VPS]);
    expect(f.evidence.eventIds).toHaveLength(4);
  });

  it('a planned edit with no refused call before it is informational, with its ticket', async () => {
    const OFFICE = '198.51.100.20';
    const recs = [
      describePolicy('2026-01-10T08:00:00Z', scp(['eu-west-1'])),
      updatePolicy('2026-01-10T08:05:00Z', scp(['eu-west-1', 'eu-north-1']), ADMIN, OFFICE),
      // a staff test refused later the same day is not a bypass of this change
      bedrock('2026-01-10T10:00:00Z', 'ListFoundationModels', true),
    ];
    const calendar = {
      changes: [
        {
          ticket: 'CHG-1001',
          window: { start: '2026-01-10T07:30:00Z', end: '2026-01-10T09:00:00Z' },
          owner: 'platform@example.com',
          summary: 'SCP model-region-guard: allow eu-north-1 for Bedrock',
        },
      ],
    };
    const fs = await run('planned', recs, calendar);
    expect(fs).toHaveLength(1);
    expect(fs[0].severity).toBe('informational');
    expect(fs[0].details?.changeTicket).toBe('CHG-1001');
    expect(fs[0].details?.refused).toBe(0);
  });
});
