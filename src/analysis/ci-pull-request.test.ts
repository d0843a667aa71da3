/**
 * A CI pull-request run that changed the account through the role it federated into: the OIDC
 * subject tells a pull request's run from a deployment, and the trust policy tells why it got in.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../engine/ingest.js';
import { loadIdentityOf } from '../engine/principal-names.js';
import { CaseStore } from '../store/case-store.js';
import { ciPullRequestWrites, trustSubjectsAdmitting } from './access.js';
import { accountBaseline } from './context.js';

const ACCT = '111122223333';
const ROLE = `arn:aws:iam::${ACCT}:role/ci-deploy`;
const PR = 'repo:example-org/infra:pull_request';
const MAIN = 'repo:example-org/infra:ref:refs/heads/main';

let n = 0;
function fed(time: string, subject: string, key: string, ip: string): Record<string, unknown> {
  n++;
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'WebIdentityUser',
      principalId: `arn:aws:iam::${ACCT}:oidc-provider/token.actions.githubusercontent.com:sts.amazonaws.com:${subject}`,
      userName: subject,
      identityProvider: `arn:aws:iam::${ACCT}:oidc-provider/token.actions.githubusercontent.com`,
    },
    eventTime: time,
    eventSource: 'sts.amazonaws.com',
    eventName: 'AssumeRoleWithWebIdentity',
    awsRegion: 'eu-west-1',
    sourceIPAddress: ip,
    userAgent: 'aws-sdk-js/3.369.0 configure-aws-credentials-for-github-actions',
    requestParameters: { roleArn: ROLE, roleSessionName: 'GitHubActions' },
    responseElements: {
      credentials: { accessKeyId: key },
      subjectFromWebIdentityToken: subject,
      provider: 'token.actions.githubusercontent.com',
      audience: 'sts.amazonaws.com',
    },
    eventID: `ev-fed-${n}`,
    readOnly: true,
    eventType: 'AwsApiCall',
    recipientAccountId: ACCT,
  };
}

function use(
  time: string,
  key: string,
  ip: string,
  source: string,
  action: string,
  readOnly: boolean,
): Record<string, unknown> {
  n++;
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'AssumedRole',
      arn: `arn:aws:sts::${ACCT}:assumed-role/ci-deploy/GitHubActions`,
      accountId: ACCT,
      accessKeyId: key,
      sessionContext: { sessionIssuer: { type: 'Role', arn: ROLE, userName: 'ci-deploy' } },
    },
    eventTime: time,
    eventSource: source,
    eventName: action,
    awsRegion: 'eu-west-1',
    sourceIPAddress: ip,
    userAgent: 'aws-cli/2.15.0',
    requestParameters: {},
    eventID: `ev-use-${n}`,
    readOnly,
    eventType: 'AwsApiCall',
    recipientAccountId: ACCT,
  };
}

const trust = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Federated: `arn:aws:iam::${ACCT}:oidc-provider/token.actions.githubusercontent.com` },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
        StringLike: {
          'token.actions.githubusercontent.com:sub': [
            'repo:example-org/app:ref:refs/heads/main',
            'repo:example-org/infra:*',
          ],
        },
      },
    },
  ],
};

async function run(records: Record<string, unknown>[]) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'genai-ir-cipr-'));
  const store = await CaseStore.open(':memory:');
  try {
    writeFileSync(path.join(dir, 'trail.json'), JSON.stringify({ Records: records }));
    writeFileSync(
      path.join(dir, 'authorization-details.json'),
      JSON.stringify({
        RoleDetailList: [{ RoleName: 'ci-deploy', Arn: ROLE, AssumeRolePolicyDocument: trust }],
      }),
    );
    await ingest(store, [dir]);
    return await ciPullRequestWrites({
      db: store,
      base: await accountBaseline(store),
      entries: [],
      identityOf: await loadIdentityOf(store),
    });
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('ciPullRequestWrites', () => {
  it('flags the pull-request run that changed things, not the read-only plan runs nor main-branch deploys', async () => {
    const recs = [
      // other pull requests' plan runs: read only
      fed('2026-04-14T10:00:00Z', PR, 'ASIAEXAMPLEPLAN00001', '20.1.1.1'),
      use('2026-04-14T10:01:00Z', 'ASIAEXAMPLEPLAN00001', '20.1.1.1', 'iam.amazonaws.com', 'GetRole', true),
      fed('2026-04-14T12:00:00Z', PR, 'ASIAEXAMPLEPLAN00002', '20.1.1.2'),
      use(
        '2026-04-14T12:01:00Z',
        'ASIAEXAMPLEPLAN00002',
        '20.1.1.2',
        'bedrock.amazonaws.com',
        'GetGuardrail',
        true,
      ),
      // a main-branch deploy writes, as it should
      fed('2026-04-14T14:00:00Z', MAIN, 'ASIAEXAMPLEMAIN00001', '20.1.1.3'),
      use(
        '2026-04-14T14:01:00Z',
        'ASIAEXAMPLEMAIN00001',
        '20.1.1.3',
        'bedrock.amazonaws.com',
        'UpdateGuardrail',
        false,
      ),
      // the outsider's pull request run
      fed('2026-04-15T05:00:00Z', PR, 'ASIAEXAMPLEEVIL00001', '20.1.1.4'),
      use(
        '2026-04-15T05:01:00Z',
        'ASIAEXAMPLEEVIL00001',
        '20.1.1.4',
        'bedrock.amazonaws.com',
        'UpdateGuardrail',
        false,
      ),
      use(
        '2026-04-15T05:02:00Z',
        'ASIAEXAMPLEEVIL00001',
        '20.1.1.4',
        'iam.amazonaws.com',
        'CreateAccessKey',
        false,
      ),
    ];
    const cs = await run(recs);
    expect(cs).toHaveLength(1);
    expect(cs[0].severity).toBe('high');
    expect(cs[0].accessKeyIds).toEqual(['ASIAEXAMPLEEVIL00001']);
    expect(cs[0].details?.trustAdmits).toEqual(['repo:example-org/infra:*']);
    expect(cs[0].evidence.eventIds).toHaveLength(3);
    expect(cs[0].description).toContain(PR);
  });

  it('reads the sub patterns of a trust policy that admit a subject', () => {
    expect(trustSubjectsAdmitting(trust, PR)).toEqual(['repo:example-org/infra:*']);
    expect(trustSubjectsAdmitting(trust, 'repo:example-org/app:pull_request')).toEqual([]);
    expect(trustSubjectsAdmitting(JSON.stringify(trust), 'repo:example-org/app:ref:refs/heads/main')).toEqual(
      ['repo:example-org/app:ref:refs/heads/main'],
    );
  });
});
