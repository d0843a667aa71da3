/**
 * Baselines: robust statistics, identities, model ids, first-seen values that only count as new
 * after an established history, runtime calls merged from invocation logs and CloudTrail, and agent
 * action profiles.
 */
import { describe, expect, it } from 'vitest';
import { identityResolver, loadIdentityOf, principalNames } from '../engine/principal-names.js';
import { CaseStore } from '../store/case-store.js';
import {
  actionKey,
  agentBaseline,
  buildProfiles,
  HOUR_MS,
  hourlySeries,
  hourOf,
  isCustomModelId,
  isEstablished,
  maxTokensOf,
  median,
  modelFamilyId,
  type RuntimeCall,
  robustStats,
  robustZ,
  runtimeBaseline,
  uaFamily,
} from './baselines.js';

const ACCT = '111122223333';

describe('robust statistics', () => {
  it('computes median and MAD, and a floored robust z', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([1, 2, 3, 4])).toBe(2.5);
    expect(median([])).toBe(0);
    const s = robustStats([10, 12, 11, 9, 10, 200]);
    expect(s.median).toBe(10.5);
    expect(s.mad).toBe(1);
    expect(robustZ(200, s)).toBeGreaterThan(100);
    // a flat history does not turn a small change into an infinite score
    expect(robustZ(3, robustStats([0, 0, 0, 0]))).toBe(3);
    expect(hourlySeries(new Map([[2, 5]]), 1, 4)).toEqual([0, 5, 0, 0]);
  });
});

describe('hours', () => {
  it('gives the hour of a time, cached per hour for UTC ISO times and parsed for others', () => {
    const h = Date.parse('2025-03-11T07:00:00Z') / HOUR_MS;
    expect(hourOf('2025-03-11T07:00:00.000Z')).toBe(h);
    expect(hourOf('2025-03-11T07:59:59.999Z')).toBe(h);
    expect(hourOf('2025-03-11T07:30:00Z')).toBe(h);
    expect(hourOf('2025-03-11T08:00:00.000Z')).toBe(h + 1);
    expect(hourOf('2025-03-11T09:30:00+02:00')).toBe(h); // an offset: parsed, not cached by its text
    expect(hourOf('1969-12-31T23:59:59.000Z')).toBe(-1);
    expect(hourOf('not a time')).toBeNaN();
  });
});

describe('identities and model ids', () => {
  it('maps sessions and role paths to the role', () => {
    const identityOf = identityResolver(principalNames([]));
    expect(identityOf(`arn:aws:sts::${ACCT}:assumed-role/app-role/session-1`)).toBe(
      `arn:aws:iam::${ACCT}:role/app-role`,
    );
    expect(identityOf(`arn:aws:iam::${ACCT}:user/svc`)).toBe(`arn:aws:iam::${ACCT}:user/svc`);
    expect(identityOf(null)).toBeNull();
  });

  it("names a role or user by its full ARN when the case's evidence gives its path", () => {
    const sso = `arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/us-east-1/AWSReservedSSO_Dev_0a`;
    const svc = `arn:aws:iam::${ACCT}:role/service-role/AmazonBedrockBatchRole`;
    const user = `arn:aws:iam::${ACCT}:user/ops/alice`;
    {
      let identityOf = identityResolver(principalNames([sso, svc, user]));
      // a session (no path), the path-less ARN and the full ARN all name the same principal
      expect(identityOf(`arn:aws:sts::${ACCT}:assumed-role/AWSReservedSSO_Dev_0a/alice@example.org`)).toBe(
        sso,
      );
      expect(identityOf(`arn:aws:iam::${ACCT}:role/AWSReservedSSO_Dev_0a`)).toBe(sso);
      expect(identityOf(sso)).toBe(sso);
      expect(identityOf(`arn:aws:sts::${ACCT}:assumed-role/AmazonBedrockBatchRole/job-1`)).toBe(svc);
      expect(identityOf(`arn:aws:iam::${ACCT}:user/alice`)).toBe(user);
      expect(identityOf(user)).toBe(user);
      // the same name in another account is another principal
      expect(identityOf('arn:aws:sts::444455556666:assumed-role/AmazonBedrockBatchRole/job-1')).toBe(
        'arn:aws:iam::444455556666:role/AmazonBedrockBatchRole',
      );
      // a full ARN the evidence does not list keeps its path
      const other = `arn:aws:iam::${ACCT}:role/team-a/builder`;
      expect(identityOf(other)).toBe(other);
      expect(identityOf(`arn:aws:sts::${ACCT}:assumed-role/builder/s`)).toBe(
        `arn:aws:iam::${ACCT}:role/builder`,
      );
      // two roles of one name on different paths: the session cannot tell them apart, so all read by the name
      identityOf = identityResolver(
        principalNames([`arn:aws:iam::${ACCT}:role/a/dup`, `arn:aws:iam::${ACCT}:role/b/dup`]),
      );
      expect(identityOf(`arn:aws:iam::${ACCT}:role/a/dup`)).toBe(`arn:aws:iam::${ACCT}:role/dup`);
      expect(identityOf(`arn:aws:sts::${ACCT}:assumed-role/dup/s`)).toBe(`arn:aws:iam::${ACCT}:role/dup`);
    }
  });

  it('reduces model ids to their family and recognises custom models', () => {
    expect(modelFamilyId('us.anthropic.claude-3-5-haiku-20241022-v1:0')).toBe(
      'anthropic.claude-3-5-haiku-20241022-v1:0',
    );
    expect(modelFamilyId('arn:aws:bedrock:us-east-1::foundation-model/meta.llama3-70b-instruct-v1:0')).toBe(
      'meta.llama3-70b-instruct-v1:0',
    );
    expect(isCustomModelId(`arn:aws:bedrock:us-west-2:${ACCT}:provisioned-model/abc`)).toBe(true);
    expect(isCustomModelId('anthropic.claude-3-haiku-20240307-v1:0')).toBe(false);
  });

  it('reads requested output limits and client families', () => {
    expect(maxTokensOf('{"maxTokens":4096,"temperature":1}')).toBe(4096);
    expect(maxTokensOf({ inferenceConfig: { maxTokens: 800 } })).toBe(800);
    expect(maxTokensOf({ textGenerationConfig: { maxTokenCount: 512 } })).toBe(512);
    expect(maxTokensOf(null)).toBeNull();
    expect(uaFamily('Boto3/1.37.2 md/Botocore#1.37.2 ua/2.0')).toBe('Boto3/1');
    expect(uaFamily('aws-sdk-js/3.700.0 ua/2.1 os/linux')).toBe('aws-sdk-js/3');
  });
});

function rc(time: string, over: Partial<RuntimeCall> = {}): RuntimeCall {
  return {
    requestId: null,
    eventId: `e-${time}`,
    time,
    identity: `arn:aws:iam::${ACCT}:user/svc`,
    accessKeyId: 'AKIAEXAMPLE',
    region: 'us-east-1',
    account: ACCT,
    operation: 'InvokeModel',
    modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
    sourceIp: '198.51.100.1',
    userAgent: 'Boto3/1.37.2',
    errorCode: null,
    logged: false,
    inputTokens: 0,
    outputTokens: 0,
    maxTokens: null,
    guardrail: false,
    clientIp: null,
    ...over,
  };
}

describe('first-seen values', () => {
  it('counts a value as new only after an established history', () => {
    const calls = [
      rc('2025-01-01T00:00:00Z', { modelId: 'anthropic.claude-3-opus-20240229-v1:0' }),
      ...Array.from({ length: 6 }, (_, i) => rc(`2025-01-01T0${i + 1}:00:00Z`)),
      rc('2025-01-01T08:00:00Z', { modelId: 'mistral.mistral-large-2402-v1:0', sourceIp: '203.0.113.9' }),
    ];
    const p = buildProfiles(calls).get(`arn:aws:iam::${ACCT}:user/svc`)!;
    expect(isEstablished(p.models.get('anthropic.claude-3-opus-20240229-v1:0')!)).toBe(false);
    const late = p.models.get('mistral.mistral-large-2402-v1:0')!;
    expect(late.priorCalls).toBe(7);
    expect(isEstablished(late)).toBe(true);
    expect(isEstablished(p.sourceIps.get('203.0.113.9')!)).toBe(true);
    expect(p.hourly.get(Math.floor(Date.parse('2025-01-01T08:00:00Z') / 3600_000))).toBe(1);
  });
});

describe('runtime calls from both sources', () => {
  it('merges a logged call with its CloudTrail record and keeps unlogged calls', async () => {
    const store = await CaseStore.open(':memory:');
    try {
      await store.run(
        `INSERT INTO invocations (uid, request_id, time, account, region, principal_arn, identity_arn, operation, model_id,
           input_tokens, output_tokens, guardrail_id, inference_params)
         VALUES ('r1', 'r1', '2025-01-01 00:00:00', '${ACCT}', 'us-east-1', 'arn:aws:sts::${ACCT}:assumed-role/app/s', 'arn:aws:iam::${ACCT}:role/app',
           'Converse', 'anthropic.claude-3-haiku-20240307-v1:0', 100, 20, 'g1', '{"maxTokens":512}')`,
      );
      for (const [eid, rid, region] of [
        ['e1', 'r1', 'us-east-1'],
        ['e2', 'x2', 'us-west-2'],
      ])
        await store.run(
          `INSERT INTO events (uid, event_id, request_id, time, account, region, service, action, principal_type, principal_arn,
             identity_arn, access_key_id, source_ip, user_agent, request_parameters)
           VALUES ('${eid}', '${eid}', '${rid}', '2025-01-01 00:00:01', '${ACCT}', '${region}', 'bedrock.amazonaws.com', 'Converse', 'AssumedRole',
             'arn:aws:sts::${ACCT}:assumed-role/app/s', 'arn:aws:iam::${ACCT}:role/app', 'ASIAX', '54.1.2.3', 'Boto3/1.36.0',
             '{"modelId":"anthropic.claude-3-haiku-20240307-v1:0"}')`,
        );
      const { calls, profiles } = await runtimeBaseline(store, new Map(), await loadIdentityOf(store));
      expect(calls).toHaveLength(2);
      const logged = calls.find((c) => c.requestId === 'r1')!;
      expect(logged).toMatchObject({
        eventId: 'e1',
        logged: true,
        sourceIp: '54.1.2.3',
        maxTokens: 512,
        guardrail: true,
        inputTokens: 100,
      });
      const unlogged = calls.find((c) => c.eventId === 'e2')!;
      expect(unlogged).toMatchObject({ logged: false, region: 'us-west-2' });
      expect(profiles.get(`arn:aws:iam::${ACCT}:role/app`)?.regions.size).toBe(2);
    } finally {
      await store.close();
    }
  });
});

describe('agent action profiles', () => {
  it('counts sessions per action and parameter values per session', async () => {
    const store = await CaseStore.open(':memory:');
    try {
      const step = (
        uid: string,
        session: string,
        api: string,
        verb: string,
        params: Record<string, string>,
      ) =>
        store.run(
          `INSERT INTO agent_steps (uid, time, session_id, agent_id, trace_id, trace_type, step_kind, action_group, api_name, verb, parameters)
           VALUES ($1, '2025-01-01 00:00:00', $2, 'A1', $3, 'orchestrationTrace', 'invocationInput', 'Orders', $4, $5, $6)`,
          [uid, session, `${uid}-0`, api, verb, JSON.stringify(params)],
        );
      await step('a', 's1', '/refunds', 'post', { orderId: 'O1', destination: 'original' });
      await step('b', 's1', '/refunds', 'post', { orderId: 'O2', destination: 'original' });
      await step('c', 's2', '/refunds', 'post', { orderId: 'O3', destination: 'card_9' });
      await step('d', 's2', '/orders/{orderId}', 'get', { orderId: 'O3' });
      const { actions, profiles } = await agentBaseline(store, new Map());
      expect(actions).toHaveLength(4);
      const key = actionKey('Orders', '/refunds', 'post');
      expect(actions[0].key).toBe(key);
      const p = profiles.get('A1')!;
      expect(p.sessions).toBe(2);
      expect(p.actionSessions.get(key)).toBe(2);
      expect(p.shapes.get(key)?.get('destination,orderId')).toBe(2);
      expect(p.values.get(`${key}\0destination`)?.get('original')?.size).toBe(1);
    } finally {
      await store.close();
    }
  });
});
