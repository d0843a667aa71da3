/**
 * Entity graph on a small case ingested through `ingest`: the actor's key and address, AssumeRole to
 * a session key, resources changed and models invoked, an application role the actor's address
 * used as a client, findings naming entities; the size bound; Mermaid output.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { minutesAfter, uuidSequence } from '../../test/helpers/fixture-clock.js';
import { makeFinding } from '../engine/detector.js';
import { ingest } from '../engine/ingest.js';
import { entityGraphMermaid } from '../report/graph.js';
import { CaseStore } from '../store/case-store.js';
import { loadActorIds } from './charts.js';
import { buildEntityGraph } from './graph.js';

const ACCT = '111122223333';
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-gr-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const at = minutesAfter('2025-06-01T10:00:00.000Z');
const uuid = uuidSequence('cccc');

const KEY = 'AKIASTOLEN0000000001';
const SESSION = 'ASIASESSION000000001';
const VPS = '203.0.113.66';
const USER = `arn:aws:iam::${ACCT}:user/ci-deployer`;
const ADMIN = `arn:aws:iam::${ACCT}:role/admin-role`;
const APP = `arn:aws:iam::${ACCT}:role/chat-api-role`;
const GR = 'grabcdef12345';
const BOTO = 'Boto3/1.34.7 md/Botocore#1.34.7';

function ct(o: {
  min: number;
  session?: boolean;
  source: string;
  name: string;
  req?: unknown;
  resp?: unknown;
}): Record<string, unknown> {
  const identity = o.session
    ? {
        type: 'AssumedRole',
        principalId: 'AROAADMIN00000000001:x',
        arn: `arn:aws:sts::${ACCT}:assumed-role/admin-role/x`,
        accountId: ACCT,
        accessKeyId: SESSION,
        sessionContext: { sessionIssuer: { type: 'Role', arn: ADMIN, userName: 'admin-role' } },
      }
    : {
        type: 'IAMUser',
        principalId: 'AIDACI00000000000001',
        arn: USER,
        accountId: ACCT,
        accessKeyId: KEY,
        userName: 'ci-deployer',
      };
  return {
    eventVersion: '1.09',
    userIdentity: identity,
    eventTime: at(o.min),
    eventSource: o.source,
    eventName: o.name,
    awsRegion: 'us-east-1',
    sourceIPAddress: VPS,
    userAgent: BOTO,
    requestParameters: o.req ?? null,
    responseElements: o.resp ?? null,
    requestID: uuid(),
    eventID: uuid(),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCT,
  };
}

async function build() {
  const records = [
    ct({ min: 0, source: 'sts.amazonaws.com', name: 'GetCallerIdentity' }),
    ct({
      min: 1,
      source: 'sts.amazonaws.com',
      name: 'AssumeRole',
      req: { roleArn: ADMIN, roleSessionName: 'x' },
      resp: { credentials: { accessKeyId: SESSION, expiration: 'Jun 1, 2025, 11:01:00 AM' } },
    }),
    ct({
      min: 2,
      session: true,
      source: 'bedrock.amazonaws.com',
      name: 'UpdateGuardrail',
      req: { guardrailIdentifier: GR },
      resp: {
        guardrailId: GR,
        guardrailArn: `arn:aws:bedrock:us-east-1:${ACCT}:guardrail/${GR}`,
        version: 'DRAFT',
      },
    }),
    ct({
      min: 3,
      session: true,
      source: 'bedrock.amazonaws.com',
      name: 'InvokeModel',
      req: { modelId: 'anthropic.claude-3-opus-20240229-v1:0' },
    }),
    ct({
      min: 4,
      session: true,
      source: 'bedrock.amazonaws.com',
      name: 'InvokeModel',
      req: { modelId: 'anthropic.claude-3-opus-20240229-v1:0' },
    }),
  ];
  const reqId = uuid();
  const invs = [
    {
      schemaType: 'ModelInvocationLog',
      schemaVersion: '1.0',
      timestamp: at(10),
      accountId: ACCT,
      identity: { arn: `arn:aws:sts::${ACCT}:assumed-role/chat-api-role/s` },
      region: 'us-east-1',
      requestId: reqId,
      operation: 'Converse',
      modelId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0',
      requestMetadata: { clientIp: VPS },
      input: {
        inputContentType: 'application/json',
        inputBodyJson: { messages: [{ role: 'user', content: [{ text: 'hi' }] }] },
      },
      output: {
        outputContentType: 'application/json',
        outputBodyJson: { output: { message: { role: 'assistant', content: [{ text: 'hello' }] } } },
      },
    },
  ];
  const dir = path.join(tmp, 'case');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'trail.json'), JSON.stringify({ Records: records }));
  writeFileSync(path.join(dir, 'invocations.jsonl'), `${invs.map((x) => JSON.stringify(x)).join('\n')}\n`);
  const store = await CaseStore.open(':memory:');
  const r = await ingest(store, [dir]);
  expect(r.totals.rejected).toBe(0);
  await loadActorIds(store, {
    eventIds: records.map((x) => String(x.eventID)).sort(),
    requestIds: [reqId],
    traceIds: [],
  });
  const scope = {
    principals: [USER, ADMIN, APP],
    accessKeyIds: [KEY, SESSION],
    sourceIps: [VPS],
    resources: [GR, `arn:aws:bedrock:us-east-1:${ACCT}:guardrail/${GR}`],
    window: { start: at(0), end: at(10) },
  };
  const findings = [
    makeFinding({
      ruleId: 'ai-changes.guardrail-changed',
      title: `Guardrail ${GR} weakened`,
      severity: 'high',
      elements: ['ai-changes'],
      times: [at(2)],
      principals: [ADMIN],
      sourceIps: [VPS],
      resources: [`arn:aws:bedrock:us-east-1:${ACCT}:guardrail/${GR}`],
      evidence: {},
    }),
    makeFinding({
      ruleId: 'x.low',
      title: 'a low finding',
      severity: 'low',
      elements: ['access'],
      times: [at(2)],
      principals: [USER],
      evidence: {},
    }),
  ];
  return { store, scope, findings };
}

const has = (
  g: { edges: Array<{ from: string; to: string; label?: string }> },
  from: string,
  to: string,
  label: RegExp,
) => g.edges.some((e) => e.from === from && e.to === to && label.test(e.label ?? ''));

describe('entity graph', () => {
  it('links keys, sessions, addresses, resources and findings', async () => {
    const { store, scope, findings } = await build();
    try {
      const g = await buildEntityGraph(store, { scope }, findings);
      const ids = g.nodes.map((n) => n.id);
      const user = `user:${USER}`;
      const admin = `role:${ADMIN}`;
      const app = `role:${APP}`;
      expect(ids).toEqual(
        expect.arrayContaining([user, admin, app, `access-key:${KEY}`, `access-key:${SESSION}`, `ip:${VPS}`]),
      );
      expect(has(g, `access-key:${KEY}`, user, /^key of$/)).toBe(true);
      expect(has(g, `ip:${VPS}`, `access-key:${KEY}`, /^used from ×2$/)).toBe(true);
      expect(has(g, user, `access-key:${SESSION}`, /^AssumeRole$/)).toBe(true);
      expect(has(g, `access-key:${SESSION}`, admin, /^assumed$/)).toBe(true);
      expect(has(g, admin, `guardrail:${GR}`, /^changed$/)).toBe(true);
      expect(has(g, admin, 'model:anthropic.claude-3-opus-20240229-v1:0', /^invoked ×2$/)).toBe(true);
      expect(has(g, `ip:${VPS}`, app, /^client of$/)).toBe(true);
      expect(has(g, app, 'model:anthropic.claude-3-5-haiku-20241022-v1:0', /^invoked$/)).toBe(true);
      const f = `finding:${findings[0]!.id}`;
      expect(g.nodes.find((n) => n.id === f)?.label).toBe(`[high] Guardrail ${GR} weakened`);
      expect(has(g, f, admin, /names/)).toBe(true);
      expect(has(g, f, `ip:${VPS}`, /names/)).toBe(true);
      expect(has(g, f, `guardrail:${GR}`, /names/)).toBe(true);
      // low findings are not drawn; one node per guardrail whether named by id or ARN
      expect(ids).not.toContain(`finding:${findings[1]!.id}`);
      expect(g.nodes.filter((n) => n.type === 'guardrail')).toHaveLength(1);
      // every edge joins drawn nodes; the order is stable
      for (const e of g.edges) expect(ids.includes(e.from) && ids.includes(e.to)).toBe(true);
      expect(JSON.stringify(await buildEntityGraph(store, { scope }, findings))).toBe(JSON.stringify(g));
      const mmd = entityGraphMermaid(g);
      expect(mmd.startsWith('flowchart LR\n')).toBe(true);
      expect(mmd).toContain('AssumeRole');
    } finally {
      await store.close();
    }
  });

  it('stays within its size bound and says what it left out', async () => {
    const { store, scope, findings } = await build();
    try {
      const g = await buildEntityGraph(store, { scope }, findings, { maxNodes: 5 });
      expect(g.nodes).toHaveLength(5);
      expect(g.omitted?.nodes).toBeGreaterThan(0);
      const summary = g.nodes.find((n) => n.id === 'summary:omitted')!;
      expect(summary.label).toMatch(/more entities not shown/);
      const ids = new Set(g.nodes.map((n) => n.id));
      for (const e of g.edges) expect(ids.has(e.from) && ids.has(e.to)).toBe(true);
      // the actor's principals, keys and addresses go first
      expect(ids.has(`ip:${VPS}`)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
