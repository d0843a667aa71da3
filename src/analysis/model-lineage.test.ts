/**
 * Training data the actor wrote followed into the customisation job, its custom model, the
 * provisioned throughput moved onto it and the applications it serves (model-lineage.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingest } from '../engine/ingest.js';
import { loadIdentityOf } from '../engine/principal-names.js';
import type { Finding } from '../model/types.js';
import { CaseStore } from '../store/case-store.js';
import { extendWindow, lastEffects, trainingLineage } from './model-lineage.js';

const ACCT = '111122223333';
const T0 = Date.parse('2025-06-10T20:00:00Z');
const at = (min: number) => new Date(T0 + min * 60_000).toISOString().replace('.000Z', 'Z');
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-lineage-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const BUCKET = 'ml-training';
const BASE = 'amazon.nova-micro-v1:0:128k';
const JOB = `arn:aws:bedrock:us-east-1:${ACCT}:model-customization-job/${BASE}/job0000001`;
const OLD = `arn:aws:bedrock:us-east-1:${ACCT}:custom-model/${BASE}/old0000001`;
const NEW = `arn:aws:bedrock:us-east-1:${ACCT}:custom-model/${BASE}/new0000001`;
const PT = `arn:aws:bedrock:us-east-1:${ACCT}:provisioned-model/pt00000001`;
const APP = 'loan-app-role';

let seq = 0;
const uuid = () => `00000000-0000-4000-8000-${(++seq).toString().padStart(12, '0')}`;

type Who = 'actor' | 'ci' | 'job' | 'app';
function ct(min: number, source: string, name: string, who: Who, req: unknown, resp: unknown = null) {
  const role = who === 'ci' ? 'ci-deploy' : who === 'job' ? 'bedrock-customization-role' : APP;
  const identity =
    who === 'actor'
      ? {
          type: 'IAMUser',
          principalId: 'AIDAETL0000000000001',
          arn: `arn:aws:iam::${ACCT}:user/svc-etl`,
          accountId: ACCT,
          accessKeyId: 'AKIAETL0000000000001',
          userName: 'svc-etl',
        }
      : {
          type: 'AssumedRole',
          principalId: `AROA${role.length}:s`,
          arn: `arn:aws:sts::${ACCT}:assumed-role/${role}/s`,
          accountId: ACCT,
          accessKeyId: `ASIA${who.toUpperCase()}0000000000001`.slice(0, 20),
          sessionContext: {
            sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCT}:role/${role}`, userName: role },
            attributes: { creationDate: at(0), mfaAuthenticated: 'false' },
          },
          ...(who === 'job' ? { invokedBy: 'bedrock.amazonaws.com' } : {}),
        };
  return {
    eventVersion: '1.09',
    userIdentity: identity,
    eventTime: at(min),
    eventSource: source,
    eventName: name,
    awsRegion: 'us-east-1',
    sourceIPAddress: who === 'actor' ? '203.0.113.9' : who === 'job' ? 'bedrock.amazonaws.com' : '192.0.2.20',
    userAgent: who === 'job' ? 'bedrock.amazonaws.com' : 'aws-cli/2.22.4',
    requestParameters: req,
    responseElements: resp,
    requestID: uuid(),
    eventID: uuid(),
    readOnly: /^(Get|List|Head)/.test(name),
    eventType: 'AwsApiCall',
    managementEvent: source !== 's3.amazonaws.com',
    recipientAccountId: ACCT,
  };
}

function inv(min: number, model: string) {
  return {
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: at(min),
    accountId: ACCT,
    identity: { arn: `arn:aws:sts::${ACCT}:assumed-role/${APP}/s` },
    region: 'us-east-1',
    requestId: uuid(),
    operation: 'Converse',
    modelId: model,
    input: {
      inputContentType: 'application/json',
      inputBodyJson: { messages: [{ role: 'user', content: [{ text: 'Application LA-1' }] }] },
      inputTokenCount: 40,
    },
    output: {
      outputContentType: 'application/json',
      outputBodyJson: { output: { message: { role: 'assistant', content: [{ text: 'REFER' }] } } },
      outputTokenCount: 5,
    },
  };
}

async function caseOf(name: string, trainKey: string) {
  const write = ct(0, 's3.amazonaws.com', 'CopyObject', 'actor', {
    bucketName: BUCKET,
    key: 'curated/w1/train.jsonl',
  });
  const records = [
    ct(-600, 'bedrock.amazonaws.com', 'GetCustomModel', 'ci', { modelIdentifier: OLD }),
    write,
    ct(
      240,
      'bedrock.amazonaws.com',
      'CreateModelCustomizationJob',
      'ci',
      {
        jobName: 'ft-w1',
        baseModelIdentifier: BASE,
        roleArn: `arn:aws:iam::${ACCT}:role/bedrock-customization-role`,
        trainingDataConfig: { s3Uri: `s3://${BUCKET}/${trainKey}` },
      },
      { jobArn: JOB },
    ),
    ct(250, 's3.amazonaws.com', 'GetObject', 'job', { bucketName: BUCKET, key: 'curated/w1/train.jsonl' }),
    ct(400, 'bedrock.amazonaws.com', 'GetCustomModel', 'ci', { modelIdentifier: NEW }),
    ct(402, 'bedrock.amazonaws.com', 'UpdateProvisionedModelThroughput', 'ci', {
      provisionedModelId: PT,
      desiredModelId: NEW,
    }),
  ];
  const invs = [inv(300, PT), inv(500, PT), inv(900, PT)];
  const dir = path.join(tmp, name);
  mkdirSync(path.join(dir, 'ct'), { recursive: true });
  writeFileSync(path.join(dir, 'ct', 'trail.json'), JSON.stringify({ Records: records }));
  writeFileSync(path.join(dir, 'invocations.jsonl'), `${invs.map((x) => JSON.stringify(x)).join('\n')}\n`);
  const store = await CaseStore.open(':memory:');
  await ingest(store, [dir]);
  return { store, actorIds: [String(write.eventID)], identityOf: await loadIdentityOf(store) };
}

describe('training lineage', () => {
  it('follows an overwritten training object into the job, its new model, the throughput and its callers', async () => {
    const { store, actorIds, identityOf } = await caseOf('poisoned', 'curated/w1/train.jsonl');
    const r = await trainingLineage(store, actorIds, identityOf);
    expect(r.findings).toHaveLength(1);
    const f = r.findings[0];
    expect(f.severity).toBe('high');
    expect(f.elements).toEqual(['ai-changes', 'invocation']);
    expect(r.resources).toEqual([JOB, NEW, PT].sort());
    expect(r.resources).not.toContain(OLD);
    expect(r.principals).toEqual([`arn:aws:iam::${ACCT}:role/${APP}`]);
    // only calls since the switch: the one before it was the old model's
    expect(f.details?.invocations).toBe(2);
    expect(r.lastUse).toBe(new Date(T0 + 900 * 60_000).toISOString());
    // the pipeline's job and switch are named, not cited
    expect(f.evidence.eventIds).toHaveLength(2);
    await store.close();
  });

  it('a job training on another location is not followed', async () => {
    const { store, actorIds, identityOf } = await caseOf('other', 'curated/w2/train.jsonl');
    const r = await trainingLineage(store, actorIds, identityOf);
    expect(r.findings).toHaveLength(0);
    expect(r.resources).toEqual([]);
    await store.close();
  });

  it('the window runs to the last use of a lasting change the actor caused', () => {
    const f = {
      severity: 'high',
      evidence: { eventIds: ['e-actor'] },
      details: { lastUse: '2025-06-11T10:00:00.000Z' },
    } as unknown as Finding;
    const unrelated = {
      ...f,
      evidence: { eventIds: ['e-other'] },
      details: { lastUse: '2025-06-12T00:00:00Z' },
    };
    const scope = { window: { start: '2025-06-10T20:00:00.000Z', end: '2025-06-10T21:00:00.000Z' } };
    extendWindow(scope, lastEffects([f, unrelated as Finding], ['e-actor']));
    expect(scope.window.end).toBe('2025-06-11T10:00:00.000Z');
  });
});
