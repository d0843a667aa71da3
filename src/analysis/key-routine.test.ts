/**
 * A stolen long-term key that keeps doing its owner's routine work: the owner's routine (a
 * pipeline's runner pool, a scheduled job's host) is told apart from the intruder's new origins by
 * usualOrigin, the key's new-origin detector, scope and the Lambda change detector; and a concurrent
 * CI deploy with nothing linking it to the actor stays out of the actor's scope.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { controlPlaneCase } from '../../test/helpers/control-plane-case.js';
import { ingest } from '../engine/ingest.js';
import type { Finding } from '../model/types.js';
import { CaseStore } from '../store/case-store.js';
import type { RuntimeCall } from './baselines.js';
import { fromUsualOrigin, recurs, usualOrigin } from './context.js';
import { leaveOwnersCalls } from './invocation.js';
import { computeScope, unlinkedPipelineSeeds } from './scope.js';

const ACCT = '111122223333';
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-routine-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let seq = 0;
const id = (): string =>
  `0000${(++seq).toString(16).padStart(4, '0')}-2222-4333-8444-${seq.toString().padStart(12, '0')}`;

interface Ev {
  t: string;
  name: string;
  source?: string;
  ip: string;
  ua: string;
  user?: string;
  key?: string;
  role?: { name: string; key: string };
  region?: string;
  req?: unknown;
  resp?: unknown;
  readOnly?: boolean;
}

function rec(e: Ev): Record<string, unknown> {
  const identity = e.role
    ? {
        type: 'AssumedRole',
        principalId: `AROAEXAMPLEROLEID01:${e.role.name}-session`,
        arn: `arn:aws:sts::${ACCT}:assumed-role/${e.role.name}/ci-session`,
        accountId: ACCT,
        accessKeyId: e.role.key,
        sessionContext: {
          sessionIssuer: {
            type: 'Role',
            principalId: 'AROAEXAMPLEROLEID01',
            arn: `arn:aws:iam::${ACCT}:role/${e.role.name}`,
            accountId: ACCT,
            userName: e.role.name,
          },
          attributes: { creationDate: e.t, mfaAuthenticated: 'false' },
        },
      }
    : {
        type: 'IAMUser',
        principalId: 'AIDAEXAMPLEUSER00001',
        arn: `arn:aws:iam::${ACCT}:user/${e.user}`,
        accountId: ACCT,
        accessKeyId: e.key,
        userName: e.user,
      };
  return {
    eventVersion: '1.09',
    userIdentity: identity,
    eventTime: e.t,
    eventSource: e.source ?? 'bedrock.amazonaws.com',
    eventName: e.name,
    awsRegion: e.region ?? 'us-east-2',
    sourceIPAddress: e.ip,
    userAgent: e.ua,
    requestParameters: e.req ?? null,
    responseElements: e.resp ?? null,
    requestID: id(),
    eventID: id(),
    readOnly: e.readOnly ?? true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCT,
    eventCategory: 'Management',
  };
}

const at = (base: string, minutes: number): string =>
  new Date(Date.parse(base) + minutes * 60_000).toISOString().replace('.000Z', 'Z');

// ---- a scheduled job and an intruder who used the key first in the evidence ----------------------

const JOB_KEY = 'AKIAEXAMPLEJOBKEY001';
const JOB_HOST = '66.170.42.118';
const JOB_UA = 'Boto3/1.26.4 Python/3.11.10 Linux/5.4.0 Botocore/1.29.4';
const VPS = '154.47.19.83';
const PROXY = '45.87.214.19';
const VPS_UA = 'Boto3/1.37.23 md/Botocore#1.37.23 ua/2.0 os/linux#6.8.0';
const PROXY_UA = 'aws-sdk-js/3.742.0 ua/2.1 os/linux#5.15.0';

function jobRun(start: string, n = 12): Ev[] {
  return Array.from({ length: n }, (_, i) => ({
    t: at(start, i * 2),
    name: i ? 'InvokeModel' : 'GetCallerIdentity',
    source: i ? 'bedrock.amazonaws.com' : 'sts.amazonaws.com',
    ip: JOB_HOST,
    ua: JOB_UA,
    user: 'svc-enrich',
    key: JOB_KEY,
    req: i ? { modelId: 'anthropic.claude-3-haiku-20240307-v1:0' } : null,
    readOnly: !i,
  }));
}

function intruder(): Ev[] {
  const recon: Ev[] = ['GetCallerIdentity', 'ListFoundationModels', 'ListInferenceProfiles'].map(
    (name, i) => ({
      t: at('2025-11-18T05:20:00Z', i),
      name,
      source: name === 'GetCallerIdentity' ? 'sts.amazonaws.com' : 'bedrock.amazonaws.com',
      ip: VPS,
      ua: VPS_UA,
      user: 'svc-enrich',
      key: JOB_KEY,
      region: 'us-west-2',
    }),
  );
  // a proxy invoking steadily from the next hour until the next morning, never from the home Region
  const proxy: Ev[] = Array.from({ length: 160 }, (_, i) => ({
    t: at('2025-11-18T06:00:00Z', i * 10),
    name: 'Converse',
    ip: PROXY,
    ua: PROXY_UA,
    user: 'svc-enrich',
    key: JOB_KEY,
    region: 'us-west-2',
    req: { modelId: 'anthropic.claude-3-7-sonnet-20250219-v1:0' },
    readOnly: false,
  }));
  return [...recon, ...proxy];
}

async function withStore<T>(name: string, events: Ev[], fn: (s: CaseStore) => Promise<T>): Promise<T> {
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'trail.json'), JSON.stringify({ Records: events.map(rec) }));
  const store = await CaseStore.open(':memory:');
  try {
    await ingest(store, [dir]);
    return await fn(store);
  } finally {
    await store.close();
  }
}

describe('recurs', () => {
  const t = (iso: string) => Date.parse(iso);
  it('takes two runs a day apart at the same time, or a steady interval, as a schedule', () => {
    expect(recurs([t('2025-11-18T07:01:00Z'), t('2025-11-19T07:12:00Z')])).toBe(true);
    expect(recurs([t('2025-11-18T07:00:00Z'), t('2025-11-18T09:00:00Z'), t('2025-11-18T11:02:00Z')])).toBe(
      true,
    );
  });
  it('does not take one run, two runs hours apart, or uneven runs as a schedule', () => {
    expect(recurs([t('2025-11-18T07:00:00Z')])).toBe(false);
    expect(recurs([t('2025-11-18T07:00:00Z'), t('2025-11-18T15:00:00Z')])).toBe(false);
    expect(recurs([t('2025-11-18T07:00:00Z'), t('2025-11-18T09:00:00Z'), t('2025-11-18T14:00:00Z')])).toBe(
      false,
    );
    expect(recurs([t('2025-11-18T07:00:00Z'), t('2025-11-19T09:00:00Z')])).toBe(false);
    // a use at another time of day besides the daily one is no schedule
    expect(recurs([t('2025-11-18T07:00:00Z'), t('2025-11-18T15:00:00Z'), t('2025-11-19T07:05:00Z')])).toBe(
      false,
    );
  });
});

describe('usualOrigin of an access key: its routine', () => {
  it("finds a scheduled job's host when an intruder used the key first in the evidence", async () => {
    const events = [...intruder(), ...jobRun('2025-11-18T07:00:00Z'), ...jobRun('2025-11-19T07:03:00Z')];
    await withStore('schedule', events, async (store) => {
      const u = await usualOrigin(store, 'access_key_id', JOB_KEY);
      expect(u?.basis).toBe('schedule');
      expect(u?.net).toBe('66.170.42.0/24');
      expect(fromUsualOrigin(u, JOB_HOST, JOB_UA)).toBe(true);
      expect(fromUsualOrigin(u, PROXY, PROXY_UA)).toBe(false);
      expect(fromUsualOrigin(u, VPS, VPS_UA)).toBe(false);
    });
  });

  it("finds no routine in an intruder's proxy used all day on two days", async () => {
    // the proxy invokes from 06:00 to 22:00 on two days: two runs a day apart, each far too long
    const day = (d: string): Ev[] =>
      Array.from({ length: 97 }, (_, i) => ({
        t: at(`${d}T06:00:00Z`, i * 10),
        name: 'Converse',
        ip: PROXY,
        ua: PROXY_UA,
        user: 'svc-enrich',
        key: JOB_KEY,
        region: 'us-west-2',
      }));
    const events = [...intruder().slice(0, 3), ...day('2025-11-18'), ...day('2025-11-19')];
    await withStore('proxy-days', events, async (store) => {
      expect(await usualOrigin(store, 'access_key_id', JOB_KEY)).toBeNull();
    });
  });

  it('finds no routine when the host ran only once', async () => {
    const events = [...intruder(), ...jobRun('2025-11-18T07:00:00Z')];
    await withStore('once', events, async (store) => {
      expect(await usualOrigin(store, 'access_key_id', JOB_KEY)).toBeNull();
    });
  });

  it("finds a pipeline's runner pool: one client, several networks, runs before another client", async () => {
    const CI_KEY = 'AKIAEXAMPLECIKEY0001';
    const CI_UA = 'aws-cli/1.31.118 md/Botocore#1.33.11 ua/2.0 os/linux#6.1';
    const ACTOR_UA = 'aws-cli/2.25.11 md/awscrt#0.23.7 ua/2.0 os/linux#6.1';
    const run = (t: string, ip: string, ua = CI_UA): Ev[] =>
      ['GetCallerIdentity', 'GetFunction20150331v2'].map((name, i) => ({
        t: at(t, i),
        name,
        source: i ? 'lambda.amazonaws.com' : 'sts.amazonaws.com',
        ip,
        ua,
        user: 'svc-ci-deploy',
        key: CI_KEY,
      }));
    const events = [
      ...run('2026-06-02T14:40:00Z', '34.199.54.113'),
      ...run('2026-06-02T17:05:00Z', '52.202.195.162'),
      ...run('2026-06-02T23:04:00Z', '91.92.243.17', ACTOR_UA),
      ...run('2026-06-03T15:20:00Z', '34.232.25.90'),
    ];
    await withStore('pool', events, async (store) => {
      const u = await usualOrigin(store, 'access_key_id', CI_KEY);
      expect(u?.basis).toBe('pool');
      expect(u?.clients).toEqual(['aws-cli/1.31.118']);
      // a runner address not seen before, with the pipeline's client
      expect(fromUsualOrigin(u, '34.232.25.90', CI_UA)).toBe(true);
      expect(fromUsualOrigin(u, '91.92.243.17', ACTOR_UA)).toBe(false);
      // the pipeline's client from the intruder's address is not the pool's
      expect(fromUsualOrigin(u, '91.92.243.17', CI_UA)).toBe(false);
    });
  });
});

describe("the key's routine in detection and scope", () => {
  it("reports the intruder's origins as new and leaves the scheduled job to its owner", async () => {
    const events = [...intruder(), ...jobRun('2025-11-18T07:00:00Z'), ...jobRun('2025-11-19T07:03:00Z')];
    const { findings } = await controlPlaneCase(path.join(tmp, 'schedule-access'), {
      'trail.json': { Records: events.map(rec) },
    });
    const origins = findings.filter((f) => f.ruleId === 'access.key-new-address-and-client');
    expect(origins.flatMap((f) => f.sourceIps ?? []).sort()).toEqual([VPS, PROXY]);
    await withStore('schedule-scope', events, async (store) => {
      const sc = await computeScope(store, [], {
        seeds: [
          { kind: 'ip', value: VPS },
          { kind: 'ip', value: PROXY },
          { kind: 'key', value: JOB_KEY },
        ],
      });
      expect(sc.scope.sourceIps).toEqual([VPS, PROXY]);
      // the job's 24 records stay its owner's; the intruder's 163 are the actor's
      expect(sc.actor.eventIds).toHaveLength(163);
      expect(sc.notes.some((n) => /runs that recur on a schedule/.test(n))).toBe(true);
    });
  });

  it("keeps a service user's Lambda deploys from its runner pool low and the intruder's change medium", async () => {
    const CI_KEY = 'AKIAEXAMPLECIKEY0002';
    const CI_UA = 'aws-cli/1.31.118 md/Botocore#1.33.11 ua/2.0 os/linux#6.1';
    const ACTOR_UA = 'aws-cli/2.25.11 md/awscrt#0.23.7 ua/2.0 os/linux#6.1';
    const deploy = (t: string, ip: string, ua = CI_UA, name = 'UpdateFunctionCode20150331v2'): Ev[] => [
      {
        t,
        name: 'GetCallerIdentity',
        source: 'sts.amazonaws.com',
        ip,
        ua,
        user: 'svc-ci-deploy',
        key: CI_KEY,
      },
      {
        t: at(t, 1),
        name,
        source: 'lambda.amazonaws.com',
        ip,
        ua,
        user: 'svc-ci-deploy',
        key: CI_KEY,
        readOnly: false,
        req:
          name === 'UpdateFunctionCode20150331v2'
            ? { functionName: 'orders-actions', s3Bucket: 'ci-artifacts', s3Key: 'orders/abc.zip' }
            : { functionName: 'orders-actions', layers: ['arn:aws:lambda:us-east-2:111122223333:layer:x:3'] },
      },
    ];
    const events = [
      ...deploy('2026-06-02T14:40:00Z', '34.199.54.113'),
      ...deploy('2026-06-02T17:05:00Z', '52.202.195.162'),
      ...deploy('2026-06-02T23:04:00Z', '91.92.243.17', ACTOR_UA, 'UpdateFunctionConfiguration20150331v2'),
      ...deploy('2026-06-03T15:20:00Z', '34.232.25.90'),
    ];
    const { findings, scope } = await controlPlaneCase(
      path.join(tmp, 'pool-lambda'),
      { 'trail.json': { Records: events.map(rec) } },
      { scope: true },
    );
    const changes = findings.filter((f) => f.ruleId === 'infrastructure.lambda-change');
    const severe = changes.filter((f) => f.severity === 'medium' || f.severity === 'high');
    expect(severe.map((f) => f.sourceIps)).toEqual([['91.92.243.17']]);
    expect(changes.filter((f) => f.severity === 'informational')).toHaveLength(3);
    expect(scope?.scope.sourceIps).toEqual(['91.92.243.17']);
  });
});

// ---- a concurrent CI deploy --------------------------------------------------------------------------

function finding(p: Partial<Finding> & Pick<Finding, 'id'>): Finding {
  return {
    ruleId: 'test',
    title: p.id,
    severity: 'medium',
    elements: ['access'],
    firstSeen: '2025-11-18T05:20:00Z',
    lastSeen: '2025-11-18T05:30:00Z',
    evidence: { eventIds: [] },
    ...p,
  } as Finding;
}

describe('unlinkedPipelineSeeds', () => {
  const CI_SESSION = 'ASIAEXAMPLECISESS001';
  const RUNNER = '20.42.32.41';
  const webIdentity = (ip: string, provider = 'token.actions.githubusercontent.com'): Ev => ({
    t: '2025-11-18T18:12:00Z',
    name: 'AssumeRoleWithWebIdentity',
    source: 'sts.amazonaws.com',
    ip,
    ua: 'aws-sdk-js/3.600.0',
    user: 'x',
    req: { roleArn: `arn:aws:iam::${ACCT}:role/github-deploy`, roleSessionName: 'GitHubActions' },
    resp: {
      credentials: { accessKeyId: CI_SESSION },
      provider: `arn:aws:iam::${ACCT}:oidc-provider/${provider}`,
    },
  });
  const deploy: Ev = {
    t: '2025-11-18T18:13:00Z',
    name: 'UpdateFunctionCode20150331v2',
    source: 'lambda.amazonaws.com',
    ip: RUNNER,
    ua: 'aws-sdk-js/3.600.0',
    role: { name: 'github-deploy', key: CI_SESSION },
    readOnly: false,
  };
  const actor = finding({
    id: 'actor',
    sourceIps: [VPS, PROXY],
    accessKeyIds: [JOB_KEY],
    principals: [`arn:aws:iam::${ACCT}:user/svc-enrich`],
  });
  const actor2 = finding({ id: 'actor2', sourceIps: [VPS], accessKeyIds: [JOB_KEY] });
  const ci = finding({
    id: 'ci',
    sourceIps: [RUNNER],
    accessKeyIds: [CI_SESSION],
    principals: [`arn:aws:sts::${ACCT}:assumed-role/github-deploy/GitHubActions`],
  });
  const roleOf = (arn: string): string =>
    arn.replace(/^arn:aws:sts::(\d+):assumed-role\/([^/]+)\/.*$/, 'arn:aws:iam::$1:role/$2');

  it('sets apart a CI session that shares nothing with the actor', async () => {
    await withStore('ci-apart', [...intruder(), webIdentity(RUNNER), deploy], async (store) => {
      const groups = await unlinkedPipelineSeeds(store, [actor, actor2, ci], roleOf);
      expect(groups.map((g) => g.findings.map((f) => f.id))).toEqual([['ci']]);
    });
  });

  it("keeps it when the actor's address opened the CI session, or when it is high", async () => {
    await withStore('ci-linked', [...intruder(), webIdentity(VPS), deploy], async (store) => {
      expect(await unlinkedPipelineSeeds(store, [actor, actor2, ci], roleOf)).toEqual([]);
    });
    await withStore('ci-high', [...intruder(), webIdentity(RUNNER), deploy], async (store) => {
      expect(
        await unlinkedPipelineSeeds(store, [actor, actor2, { ...ci, severity: 'high' }], roleOf),
      ).toEqual([]);
    });
  });

  it('keeps sessions an end-user identity provider opened (anyone with the app holds them)', async () => {
    await withStore(
      'ci-cognito',
      [...intruder(), webIdentity(RUNNER, 'cognito-identity.amazonaws.com'), deploy],
      async (store) => {
        expect(await unlinkedPipelineSeeds(store, [actor, actor2, ci], roleOf)).toEqual([]);
      },
    );
  });
});

describe("model abuse: the owner's models", () => {
  it('are not new models of the other user when only the owner called them', () => {
    const call = (ip: string, ua: string, model: string, n: number): RuntimeCall =>
      ({
        requestId: `r${n}`,
        eventId: `e${n}`,
        accessKeyId: JOB_KEY,
        sourceIp: ip,
        userAgent: ua,
        modelId: model,
      }) as RuntimeCall;
    const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
    const SONNET = 'anthropic.claude-3-7-sonnet-20250219-v1:0';
    const a = {
      window: [
        call(JOB_HOST, JOB_UA, HAIKU, 1),
        call(PROXY, PROXY_UA, SONNET, 2),
        call(JOB_HOST, JOB_UA, HAIKU, 3),
      ],
      newIps: [JOB_HOST, PROXY],
      details: {} as Record<string, unknown>,
      newModels: [HAIKU],
      signals: [{ id: 'new-models', strong: false, text: `1 model(s) never used before: ${HAIKU}` }],
    };
    leaveOwnersCalls(
      a,
      new Map([
        [
          JOB_KEY,
          { net: '66.170.42.0/24', clients: ['Boto3/1.26.4'], otherFrom: 'x', basis: 'schedule' as const },
        ],
      ]),
    );
    expect(a.window.map((c) => c.requestId)).toEqual(['r2']);
    expect(a.newIps).toEqual([PROXY]);
    expect(a.newModels).toEqual([]);
    expect(a.signals).toEqual([]);
  });
});
