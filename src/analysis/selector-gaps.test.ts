/**
 * Coverage gaps made inside the evidence: data events that stop between two changes of a trail's
 * selectors, a state machine without execution logging, a schedule's input bucket no record of this
 * account names; and, in scope, what stands for the reads a narrowed trail no longer shows (the
 * knowledge base the actor looked up, the objects S3 decrypted for its session).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../engine/ingest.js';
import { CaseStore } from '../store/case-store.js';
import { computeCoverage } from './coverage.js';
import { computeScope } from './scope.js';

const ACCT = '111122223333';
const T0 = Date.parse('2025-11-18T00:00:00Z');
let n = 0;

interface Who {
  arn: string;
  key: string;
  ip: string;
  ua?: string;
}

function rec(
  minutes: number,
  who: Who,
  source: string,
  name: string,
  rp: unknown,
  opts: { data?: boolean; re?: unknown; account?: string } = {},
): Record<string, unknown> {
  n++;
  const role = /assumed-role\/([^/]+)\//.exec(who.arn)?.[1] ?? 'r';
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLE:${n}`,
      arn: who.arn,
      accountId: ACCT,
      accessKeyId: who.key,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          arn: `arn:aws:iam::${ACCT}:role/${role}`,
          accountId: ACCT,
          userName: role,
        },
      },
    },
    eventTime: new Date(T0 + minutes * 60_000).toISOString().replace('.000Z', 'Z'),
    eventSource: source,
    eventName: name,
    awsRegion: 'eu-north-1',
    sourceIPAddress: who.ip,
    userAgent: who.ua ?? 'aws-cli/2.17.0',
    requestParameters: rp,
    responseElements: opts.re ?? null,
    requestID: `req-${n}`,
    eventID: `evt-${String(n).padStart(4, '0')}`,
    readOnly: /^(Get|List|Describe)/.test(name),
    eventType: 'AwsApiCall',
    managementEvent: !opts.data,
    eventCategory: opts.data ? 'Data' : 'Management',
    recipientAccountId: ACCT,
  };
}

const app: Who = {
  arn: `arn:aws:sts::${ACCT}:assumed-role/app/web`,
  key: 'ASIAAPP0000000000001',
  ip: '10.0.0.5',
};
const admin: Who = {
  arn: `arn:aws:sts::${ACCT}:assumed-role/Admin/bob`,
  key: 'ASIAADMIN00000000001',
  ip: '198.51.100.4',
};

async function withCase<T>(records: Record<string, unknown>[], f: (s: CaseStore) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'genai-ir-selgap-'));
  const store = await CaseStore.open(':memory:');
  try {
    writeFileSync(path.join(dir, 'trail.json'), JSON.stringify({ Records: records }));
    const res = await ingest(store, [dir]);
    expect(res.totals.rejected).toBe(0);
    return await f(store);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** the application's data events every 10 minutes over two days, except where `skip` says */
function dataEvents(skip: (m: number) => boolean): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let m = 0; m < 48 * 60; m += 10) {
    if (skip(m)) continue;
    out.push(
      rec(m, app, 's3.amazonaws.com', 'GetObject', { bucketName: 'kb-docs', key: `d/${m}` }, { data: true }),
    );
    out.push(
      rec(m + 1, app, 'bedrock.amazonaws.com', 'Retrieve', { knowledgeBaseId: 'KB12345678' }, { data: true }),
    );
  }
  return out;
}

describe('coverage gaps made inside the evidence', () => {
  it('names the window in which data events stopped between two selector changes', async () => {
    const sel = (m: number) =>
      rec(m, admin, 'cloudtrail.amazonaws.com', 'PutEventSelectors', { trailName: 'security-audit' });
    const gaps = await withCase(
      [...dataEvents((m) => m >= 20 * 60 && m < 40 * 60), sel(20 * 60 - 5), sel(40 * 60 - 5)],
      async (s) => (await computeCoverage(s)).gaps,
    );
    const g = gaps.filter((x) => x.startsWith('CloudTrail data events stopped'));
    expect(g).toHaveLength(1);
    expect(g[0]).toContain('eu-north-1');
    expect(g[0]).toContain('2025-11-18T19:55:00.000Z');
    expect(g[0]).toContain('2025-11-19T15:55:00.000Z');
    expect(g[0]).toContain('S3 kb-docs');
    expect(g[0]).toContain('Bedrock Retrieve');
    // a selector change after which the same data events keep coming is no gap
    const none = await withCase(
      [...dataEvents(() => false), sel(20 * 60 - 5)],
      async (s) => (await computeCoverage(s)).gaps,
    );
    expect(none.some((x) => x.startsWith('CloudTrail data events stopped'))).toBe(false);
  });

  it('names a state machine without execution logging and a schedule input bucket this account never saw', async () => {
    const sm = `arn:aws:states:eu-north-1:${ACCT}:stateMachine:enrich`;
    const logged = `arn:aws:states:eu-north-1:${ACCT}:stateMachine:digest`;
    const gaps = await withCase(
      [
        rec(
          0,
          admin,
          'states.amazonaws.com',
          'CreateStateMachine',
          { name: 'enrich', type: 'EXPRESS', loggingConfiguration: { level: 'OFF' } },
          { re: { stateMachineArn: sm } },
        ),
        rec(
          1,
          admin,
          'states.amazonaws.com',
          'CreateStateMachine',
          { name: 'digest', type: 'STANDARD', loggingConfiguration: { level: 'ALL' } },
          { re: { stateMachineArn: logged } },
        ),
        rec(2, admin, 'scheduler.amazonaws.com', 'CreateSchedule', {
          name: 'enrich',
          target: { arn: sm, input: '{"inbox":"s3://outside-inbox/in/","out":"s3://own-bucket/x"}' },
        }),
        rec(3, app, 's3.amazonaws.com', 'GetBucketPolicy', { bucketName: 'own-bucket' }),
      ],
      async (s) => (await computeCoverage(s)).gaps,
    );
    expect(gaps.filter((x) => x.startsWith('Step Functions state machine'))).toEqual([
      expect.stringContaining(`${sm} (EXPRESS`),
    ]);
    const b = gaps.filter((x) => x.startsWith('bucket '));
    expect(b).toHaveLength(1);
    expect(b[0]).toContain('outside-inbox');
  });
});

describe('scope after a trail was narrowed', () => {
  it('names the knowledge base looked up after the narrowing and keeps S3 decrypts of its session', async () => {
    const VPS = '203.0.113.77';
    const sessionKey = 'ASIAACTORSESSION0001';
    const caller: Who = { arn: `arn:aws:iam::${ACCT}:user/ci`, key: 'AKIACI00000000000001', ip: VPS };
    const actor: Who = { arn: `arn:aws:sts::${ACCT}:assumed-role/secops/check-1`, key: sessionKey, ip: VPS };
    const s3ForActor: Who = { ...actor, ip: 'AWS Internal', ua: 'AWS Internal' };
    n = 0;
    const records = [
      rec(
        0,
        caller,
        'sts.amazonaws.com',
        'AssumeRole',
        { roleArn: `arn:aws:iam::${ACCT}:role/secops`, roleSessionName: 'check-1' },
        { re: { credentials: { accessKeyId: sessionKey } } },
      ),
      // looked up before the narrowing: enumeration, not a resource
      rec(2, actor, 'bedrock.amazonaws.com', 'GetKnowledgeBase', { knowledgeBaseId: 'KBBEFORE01' }),
      rec(5, actor, 'cloudtrail.amazonaws.com', 'PutEventSelectors', { trailName: 'security-audit' }),
      rec(10, actor, 'bedrock.amazonaws.com', 'GetKnowledgeBase', { knowledgeBaseId: 'KBAFTER001' }),
      rec(11, actor, 'bedrock.amazonaws.com', 'ListDataSources', { knowledgeBaseId: 'KBAFTER001' }),
      rec(20, s3ForActor, 'kms.amazonaws.com', 'Decrypt', {
        encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::training-data/part-1.jsonl' },
      }),
    ];
    await withCase(records, async (s) => {
      const sc = await computeScope(s, [], { seeds: [{ kind: 'ip', value: VPS }] });
      expect(sc.scope.resources).toContain('KBAFTER001');
      expect(sc.scope.resources).not.toContain('KBBEFORE01');
      expect(sc.actor.eventIds).toContain('evt-0006');
      expect(sc.notes.some((x) => x.includes('S3 decrypted 1 object(s) of training-data'))).toBe(true);
    });
  });
});
