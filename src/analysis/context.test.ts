import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../engine/ingest.js';
import { CaseStore } from '../store/case-store.js';
import { accountBaseline, eachByTime, isOutsideHost } from './context.js';

describe('eachByTime', () => {
  it('gives the rows of one whole ordered query, slice by slice, ties and rows without a time included', async () => {
    const store = await CaseStore.open(':memory:');
    try {
      await store.run('CREATE TEMP TABLE t (uid VARCHAR, time TIMESTAMP, v INTEGER)');
      // 40 rows over 7 instants (ties across every slice boundary), 3 without a time, in no order
      await store.run(
        `INSERT INTO t SELECT 'u' || lpad(CAST((i * 17) % 43 AS VARCHAR), 2, '0'),
                CASE WHEN i % 14 = 13 THEN NULL ELSE TIMESTAMP '2025-01-01 00:00:00.5' + (i % 7) * INTERVAL 1 SECOND END, i
         FROM range(43) r(i)`,
      );
      const whole = (await store.all('SELECT uid, v FROM t WHERE v <> 5 ORDER BY time, uid')).map(
        (r) => r.uid,
      );
      for (const per of [1, 3, 10, 1000]) {
        const got: unknown[] = [];
        let calls = 0;
        await eachByTime(
          store,
          't',
          'uid, v',
          'v <> 5',
          (rows) => {
            calls++;
            for (const r of rows) got.push(r.uid);
          },
          per,
        );
        expect(got).toEqual(whole);
        if (per === 3) expect(calls).toBeGreaterThan(3); // it did read in slices
      }
    } finally {
      await store.close();
    }
  });
});

describe('accountBaseline: principal kinds', () => {
  it('takes a role CloudFormation works with for a pipeline (client patterns match in any case)', async () => {
    const store = await CaseStore.open(':memory:');
    const dir = mkdtempSync(path.join(tmpdir(), 'genai-ir-kinds-'));
    try {
      const rec = (i: number, role: string, ua: string): Record<string, unknown> => ({
        eventVersion: '1.09',
        userIdentity: {
          type: 'AssumedRole',
          arn: `arn:aws:sts::111122223333:assumed-role/${role}/s`,
          accountId: '111122223333',
          accessKeyId: `ASIAKINDS00000000${i}`,
          sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::111122223333:role/${role}` } },
        },
        eventTime: `2026-01-20T13:3${i}:00Z`,
        eventSource: 'lambda.amazonaws.com',
        eventName: 'GetFunction20150331v2',
        awsRegion: 'eu-west-1',
        sourceIPAddress: ua === 'cloudformation.amazonaws.com' ? ua : '34.250.1.2',
        userAgent: ua,
        eventID: `ev-kind-${i}`,
        readOnly: true,
        eventType: 'AwsApiCall',
        recipientAccountId: '111122223333',
      });
      const records = [
        rec(1, 'app-stack-exec', 'cloudformation.amazonaws.com'),
        rec(2, 'app-stack-exec', 'cloudformation.amazonaws.com'),
        rec(3, 'image-worker', 'Boto3/1.34.0 md/Botocore#1.34.0'),
      ];
      writeFileSync(path.join(dir, 'trail.json'), JSON.stringify({ Records: records }));
      await ingest(store, [dir]);
      const base = await accountBaseline(store);
      expect(base.kindOf('arn:aws:iam::111122223333:role/app-stack-exec')).toBe('pipeline');
      expect(base.kindOf('arn:aws:iam::111122223333:role/image-worker')).toBe('workload');
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('tells a Cognito identity pool role (guest) from a CI OIDC role (pipeline)', async () => {
    const store = await CaseStore.open(':memory:');
    const dir = mkdtempSync(path.join(tmpdir(), 'genai-ir-kinds-'));
    try {
      const assume = (i: number, role: string, provider: string, session: string, sub: string) => ({
        eventVersion: '1.08',
        userIdentity: {
          type: 'WebIdentityUser',
          principalId: `${provider}:${sub}`,
          userName: sub,
          identityProvider: provider,
        },
        eventTime: `2026-01-20T13:4${i}:00Z`,
        eventSource: 'sts.amazonaws.com',
        eventName: 'AssumeRoleWithWebIdentity',
        awsRegion: 'eu-west-1',
        sourceIPAddress: provider.startsWith('cognito') ? provider : '20.1.2.3',
        userAgent: 'aws-sdk',
        requestParameters: { roleArn: `arn:aws:iam::111122223333:role/${role}`, roleSessionName: session },
        responseElements: {
          credentials: { accessKeyId: `ASIAWEBKIND0000000${i}` },
          provider: provider.replace(/^arn:.*oidc-provider\//, ''),
        },
        eventID: `ev-web-${i}`,
        readOnly: true,
        eventType: 'AwsApiCall',
        recipientAccountId: '111122223333',
      });
      const use = (i: number, role: string, session: string, ip: string) => ({
        eventVersion: '1.08',
        userIdentity: {
          type: 'AssumedRole',
          arn: `arn:aws:sts::111122223333:assumed-role/${role}/${session}`,
          accountId: '111122223333',
          accessKeyId: `ASIAWEBKIND0000000${i}`,
          sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::111122223333:role/${role}` } },
        },
        eventTime: `2026-01-20T13:5${i}:00Z`,
        eventSource: 'sts.amazonaws.com',
        eventName: 'GetCallerIdentity',
        awsRegion: 'eu-west-1',
        sourceIPAddress: ip,
        userAgent: 'aws-sdk',
        eventID: `ev-use-${i}`,
        readOnly: true,
        eventType: 'AwsApiCall',
        recipientAccountId: '111122223333',
      });
      const records = [
        assume(
          1,
          'Cognito_AppUnauth_Role',
          'cognito-identity.amazonaws.com',
          'CognitoIdentityCredentials',
          'eu-west-1:abc',
        ),
        use(1, 'Cognito_AppUnauth_Role', 'CognitoIdentityCredentials', '201.17.1.2'),
        assume(
          2,
          'ci-deploy',
          'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
          'GitHubActions',
          'repo:org/app:ref:refs/heads/main',
        ),
        use(2, 'ci-deploy', 'GitHubActions', '20.1.2.3'),
      ];
      writeFileSync(path.join(dir, 'trail.json'), JSON.stringify({ Records: records }));
      await ingest(store, [dir]);
      const base = await accountBaseline(store);
      expect(base.kindOf('arn:aws:iam::111122223333:role/Cognito_AppUnauth_Role')).toBe('guest');
      expect(base.kindOf('arn:aws:iam::111122223333:role/ci-deploy')).toBe('pipeline');
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('isOutsideHost', () => {
  const org = new Set(['example.com']);
  it('is a public host or address beyond AWS and the organisation', () => {
    for (const h of [
      'collector.example.net',
      'otlp.cdn-metrics.net',
      '203.0.113.9',
      '2001:db8::1',
      // AWS hosts these for anyone: the name does not say whose they are
      'abc123.lambda-url.us-east-1.on.aws',
      'k2x9.execute-api.eu-west-1.amazonaws.com',
    ])
      expect(isOutsideHost(h, org), h).toBe(true);
  });
  it('is not loopback, private or shared space, an internal or single-label name, AWS, or the organisation', () => {
    for (const h of [
      'localhost',
      'api.localhost',
      '127.0.0.1',
      '10.0.3.4',
      '172.20.1.1',
      '192.168.1.5',
      '169.254.169.254',
      '100.64.0.9',
      'fd00::1',
      'collector',
      'otel.prod.svc',
      'vault.service.consul',
      'bedrock-runtime.eu-west-1.amazonaws.com',
      's3.cn-north-1.amazonaws.com.cn',
      'bedrock.us-east-1.api.aws',
      'docs.aws',
      'aws.amazon.com',
      'traces.example.com',
      'EXAMPLE.COM.',
      '',
    ])
      expect(isOutsideHost(h, org), h).toBe(false);
  });
  it('counts the organisation only when told its domains', () => {
    expect(isOutsideHost('traces.example.com')).toBe(true);
  });
});
