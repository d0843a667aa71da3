/**
 * infrastructure.log-subscription-outside on small cases built from CloudTrail records as delivered:
 * a stolen session reads the model-invocation log group, fails to subscribe it to another account's
 * Firehose stream, subscribes it to another account's CloudWatch Logs destination and cuts its
 * retention; the security team's subscription to the organisation's own security account is not
 * reported.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { controlPlaneFindings } from '../../test/helpers/control-plane-case.js';
import { minutesAfter, uuidSequence } from '../../test/helpers/fixture-clock.js';
import type { Finding } from '../model/types.js';

const ACCT = '111122223333';
const SECURITY = '222233334444';
const OUTSIDE = '777788889999';
const GROUP = '/acme/bedrock/invocations';
const OUT_DEST = `arn:aws:logs:us-east-1:${OUTSIDE}:destination:archive`;
const SIEM_DEST = `arn:aws:logs:us-east-1:${SECURITY}:destination:siem`;
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-logsub-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const id = uuidSequence('b002');
const at = minutesAfter('2025-06-03T00:00:00Z');

const BOTO = 'Boto3/1.38.3 md/Botocore#1.38.3 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.3';
const CLI = 'aws-cli/2.25.11 md/awscrt#0.23.4 ua/2.0 os/macos#24.1.0 md/arch#arm64 lang/python#3.12.9';
const VPS = '203.0.113.41';
const OFFICE = '198.51.100.20';

function call(
  time: string,
  who: { session: string; key: string },
  ip: string,
  ua: string,
  source: string,
  name: string,
  req: unknown,
  error?: string,
): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAOPSROLEEXAMPLE1:${who.session}`,
      arn: `arn:aws:sts::${ACCT}:assumed-role/ops-role/${who.session}`,
      accountId: ACCT,
      accessKeyId: who.key,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: 'AROAOPSROLEEXAMPLE1',
          arn: `arn:aws:iam::${ACCT}:role/ops-role`,
          accountId: ACCT,
          userName: 'ops-role',
        },
        attributes: { creationDate: time, mfaAuthenticated: 'false' },
      },
    },
    eventTime: time,
    eventSource: source,
    eventName: name,
    awsRegion: 'us-east-1',
    sourceIPAddress: ip,
    userAgent: ua,
    requestParameters: req,
    responseElements: null,
    requestID: id(),
    eventID: id(),
    readOnly: /^(Get|List|Describe|Filter)/.test(name),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCT,
    eventCategory: 'Management',
    ...(error ? { errorCode: error, errorMessage: `${error}: could not deliver test message` } : {}),
  };
}

const stolen = { session: 'alice', key: 'ASIASTOLENOPS0000001' };
const bob = { session: 'bob', key: 'ASIABOBOPS0000000001' };
const LOGS = 'logs.amazonaws.com';

/** The security account acting in the evidence (its own session): one of the organisation's accounts. */
function securityAccountRecord(): Record<string, unknown> {
  const r = call(at(0), bob, OFFICE, CLI, 'sts.amazonaws.com', 'GetCallerIdentity', null);
  return {
    ...r,
    userIdentity: {
      ...(r.userIdentity as Record<string, unknown>),
      accountId: SECURITY,
      arn: `arn:aws:sts::${SECURITY}:assumed-role/audit/bob`,
    },
    recipientAccountId: SECURITY,
  };
}

function intrusion(): Record<string, unknown>[] {
  return [
    call(at(100), stolen, VPS, BOTO, 'bedrock.amazonaws.com', 'GetModelInvocationLoggingConfiguration', null),
    call(at(101), stolen, VPS, BOTO, LOGS, 'FilterLogEvents', { logGroupName: GROUP, limit: 50 }),
    call(
      at(103),
      stolen,
      VPS,
      BOTO,
      LOGS,
      'PutSubscriptionFilter',
      {
        logGroupName: GROUP,
        filterName: 'archive',
        filterPattern: '',
        destinationArn: `arn:aws:firehose:us-east-1:${OUTSIDE}:deliverystream/archive`,
      },
      'InvalidParameterException',
    ),
    call(at(105), stolen, VPS, BOTO, LOGS, 'PutSubscriptionFilter', {
      logGroupName: GROUP,
      filterName: 'archive',
      filterPattern: '',
      destinationArn: OUT_DEST,
    }),
    call(at(106), stolen, VPS, BOTO, LOGS, 'PutRetentionPolicy', { logGroupName: GROUP, retentionInDays: 3 }),
  ];
}

const RULE = 'infrastructure.log-subscription-outside';
const by = (fs: Finding[]): Finding[] => fs.filter((f) => f.ruleId === RULE);
const run = (name: string, records: Record<string, unknown>[]): Promise<Finding[]> =>
  controlPlaneFindings(path.join(tmp, name), { 'ct.json': { Records: records } });

describe('infrastructure: log group subscribed to an outside account', () => {
  it("the invocation logs streamed to another account, then the group's retention cut: high, private data", async () => {
    const recs = intrusion();
    const f = by(await run('outside', [securityAccountRecord(), ...recs]));
    expect(f).toHaveLength(1);
    expect(f[0].severity).toBe('high');
    expect(f[0].elements).toEqual(expect.arrayContaining(['infrastructure-changes', 'private-data']));
    expect(f[0].resources).toEqual([GROUP, OUT_DEST].sort());
    expect(f[0].sourceIps).toEqual([VPS]);
    expect(f[0].accessKeyIds).toEqual([stolen.key]);
    // the look-up, the read, the rejected attempt, the subscription and the retention cut
    expect(new Set(f[0].evidence.eventIds)).toEqual(new Set(recs.map((r) => String(r.eventID))));
    expect(f[0].details?.invocationLogs).toBe(
      'the same session looked up the invocation-logging configuration first',
    );
    expect(JSON.stringify(f[0].details?.retentionCut)).toContain('"days":3');
  });

  it('a group that does not hold model logs: still an outside destination, without private data', async () => {
    const rec = call(at(105), stolen, VPS, BOTO, LOGS, 'PutSubscriptionFilter', {
      logGroupName: '/aws/lambda/image-resizer',
      filterName: 'x',
      filterPattern: '',
      destinationArn: OUT_DEST,
    });
    const f = by(await run('outside-plain', [rec]));
    expect(f).toHaveLength(1);
    expect(f[0].elements).toEqual(['infrastructure-changes']);
  });

  it("a subscription to the organisation's own security account is not reported", async () => {
    const siem = call(at(50), bob, OFFICE, CLI, LOGS, 'PutSubscriptionFilter', {
      logGroupName: GROUP,
      filterName: 'siem',
      filterPattern: '',
      destinationArn: SIEM_DEST,
    });
    expect(by(await run('own', [securityAccountRecord(), siem]))).toHaveLength(0);
  });
});
