/**
 * A guest role (assumable by anyone with the app through an identity pool) widened by an inline
 * policy, then used for what it never did before: the grant is the root cause of the abuse.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../engine/ingest.js';
import { loadIdentityOf } from '../engine/principal-names.js';
import { CaseStore } from '../store/case-store.js';
import { grantsWildcard, guestRoleWidened } from './access.js';
import { accountBaseline } from './context.js';

const ACCT = '111122223333';
const GUEST = 'Cognito_AppUnauth_Role';
const WORKER = 'ticket-worker';
const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const SONNET = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
let n = 0;

const base = (time: string, ip: string, source: string, action: string): Record<string, unknown> => ({
  eventVersion: '1.08',
  eventTime: time,
  eventSource: source,
  eventName: action,
  awsRegion: 'eu-west-1',
  sourceIPAddress: ip,
  userAgent: 'aws-sdk',
  eventID: `ev-${++n}`,
  readOnly: false,
  eventType: 'AwsApiCall',
  recipientAccountId: ACCT,
});

function assume(time: string, key: string): Record<string, unknown> {
  return {
    ...base(time, 'cognito-identity.amazonaws.com', 'sts.amazonaws.com', 'AssumeRoleWithWebIdentity'),
    userIdentity: {
      type: 'WebIdentityUser',
      principalId: 'cognito-identity.amazonaws.com:eu-west-1:p:eu-west-1:x',
    },
    requestParameters: {
      roleArn: `arn:aws:iam::${ACCT}:role/${GUEST}`,
      roleSessionName: 'CognitoIdentityCredentials',
    },
    responseElements: { credentials: { accessKeyId: key }, provider: 'cognito-identity.amazonaws.com' },
    readOnly: true,
  };
}

function invoke(time: string, role: string, key: string, ip: string, model: string): Record<string, unknown> {
  return {
    ...base(time, ip, 'bedrock.amazonaws.com', 'InvokeModel'),
    userIdentity: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${ACCT}:assumed-role/${role}/s`,
      accountId: ACCT,
      accessKeyId: key,
      sessionContext: {
        sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCT}:role/${role}`, userName: role },
      },
    },
    requestParameters: { modelId: model },
    readOnly: true,
  };
}

function put(time: string, role: string, resource: string): Record<string, unknown> {
  const doc = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: ['bedrock:InvokeModel*'], Resource: resource }],
  };
  return {
    ...base(time, '198.51.100.10', 'iam.amazonaws.com', 'PutRolePolicy'),
    userIdentity: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${ACCT}:assumed-role/Admin/dev@example.com`,
      accountId: ACCT,
      accessKeyId: 'ASIAEXAMPLEADMIN0001',
      sessionContext: {
        sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCT}:role/Admin`, userName: 'Admin' },
      },
    },
    requestParameters: { roleName: role, policyName: 'p', policyDocument: JSON.stringify(doc) },
  };
}

describe('guestRoleWidened', () => {
  it('ties a wildcard grant on a guest role to the new uses that followed; not a workload role, not the restore', async () => {
    const recs = [
      assume('2026-03-10T10:00:00Z', 'ASIAEXAMPLEGUEST0001'),
      invoke('2026-03-10T10:01:00Z', GUEST, 'ASIAEXAMPLEGUEST0001', '201.17.1.2', HAIKU),
      invoke('2026-03-10T10:02:00Z', WORKER, 'ASIAEXAMPLEWORK00001', '10.0.0.5', HAIKU),
      put('2026-03-10T18:00:00Z', GUEST, '*'),
      put('2026-03-10T18:05:00Z', WORKER, '*'),
      assume('2026-03-10T20:00:00Z', 'ASIAEXAMPLEGUEST0002'),
      invoke('2026-03-10T20:01:00Z', GUEST, 'ASIAEXAMPLEGUEST0002', '45.134.1.1', SONNET),
      invoke('2026-03-10T20:02:00Z', GUEST, 'ASIAEXAMPLEGUEST0002', '45.134.1.2', SONNET),
      invoke('2026-03-10T20:03:00Z', WORKER, 'ASIAEXAMPLEWORK00001', '10.0.0.5', SONNET),
      // the restore: after it, only the designed model
      put('2026-03-11T10:00:00Z', GUEST, `arn:aws:bedrock:eu-west-1::foundation-model/${HAIKU}`),
      invoke('2026-03-11T10:01:00Z', GUEST, 'ASIAEXAMPLEGUEST0002', '201.17.1.3', HAIKU),
    ];
    const dir = mkdtempSync(path.join(os.tmpdir(), 'genai-ir-guest-'));
    const store = await CaseStore.open(':memory:');
    try {
      writeFileSync(path.join(dir, 'trail.json'), JSON.stringify({ Records: recs }));
      await ingest(store, [dir]);
      const cs = await guestRoleWidened({
        db: store,
        base: await accountBaseline(store),
        entries: [],
        identityOf: await loadIdentityOf(store),
      });
      expect(cs).toHaveLength(1);
      expect(cs[0].severity).toBe('high');
      expect(cs[0].elements).toEqual(['access']);
      expect(cs[0].principals).toEqual([`arn:aws:iam::${ACCT}:role/${GUEST}`]);
      expect(cs[0].evidence.eventIds).toHaveLength(1);
      expect(cs[0].description).toContain(SONNET);
      expect(cs[0].description).not.toContain(HAIKU);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a wildcard grant in a policy document', () => {
    const doc = (a: string, r: string) =>
      JSON.stringify({ Statement: [{ Effect: 'Allow', Action: a, Resource: r }] });
    expect(grantsWildcard(doc('bedrock:InvokeModel*', 'arn:x'))).toBe(true);
    expect(grantsWildcard(doc('bedrock:InvokeModel', '*'))).toBe(true);
    expect(grantsWildcard(doc('bedrock:InvokeModel', 'arn:x'))).toBe(false);
    expect(grantsWildcard('not json')).toBe(false);
  });
});
