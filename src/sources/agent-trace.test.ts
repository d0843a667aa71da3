import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ingest } from '../engine/ingest.js';
import { DEFAULT_LIMITS } from '../io/limits.js';
import type { AgentStep } from '../model/types.js';
import { CaseStore } from '../store/case-store.js';
import { agentTrace, normalizeAgentTrace } from './agent-trace.js';
import { bedrockInvocation } from './bedrock-invocation.js';
import { kbLog } from './kb-log.js';
import type { NormalizeContext } from './types.js';

const FIX = path.resolve(import.meta.dirname, '../../test/fixtures/sources/agent');
const T = 'b4c6e8f0-1a2b-4c3d-9e8f-0a1b2c3d4e5f';

const notes: string[] = [];
const ctx: NormalizeContext = {
  fileId: 'test',
  path: 'trace-parts.jsonl',
  idx: 0,
  limits: DEFAULT_LIMITS,
  note: (m) => notes.push(m),
  loadReferenced: (uri) => ({ missing: uri }),
};

const parts = readFileSync(path.join(FIX, 'trace-parts.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l));

function steps(values: unknown[]): AgentStep[] {
  return values.flatMap((v) => {
    expect(agentTrace.recognize(v)).toBe(true);
    return agentTrace.unwrap(v).map((r) => normalizeAgentTrace(r, ctx) as unknown as AgentStep);
  });
}

describe('agent trace parts', () => {
  const all = steps(parts);
  const by = (traceId: string, kind: string) => {
    const s = all.find((x) => x.traceId === traceId && x.stepKind === kind);
    expect(s, `${traceId} ${kind}`).toBeDefined();
    return s as AgentStep;
  };

  it('are recognised only as agent traces', () => {
    for (const p of parts) {
      expect(bedrockInvocation.recognize(p)).toBe(false);
      expect(kbLog.recognize(p)).toBe(false);
    }
    expect(agentTrace.recognize({ trace: { something: 1 }, sessionId: 's' })).toBe(false);
    expect(agentTrace.recognize({ messages: [] })).toBe(false);
  });

  it('carry session, agent and time', () => {
    const s = all[0];
    expect(s).toMatchObject({
      sessionId: 'sess-7f3a91',
      agentId: 'AGT1234567',
      agentAliasId: 'TSTALIASID',
      agentVersion: '3',
      time: '2025-07-15T10:15:01.100Z',
      uid: '',
    });
    expect(all).toHaveLength(parts.length);
  });

  it('guardrail, failure, routing and custom orchestration traces', () => {
    expect(by(`${T}-guardrailPre-0`, 'guardrail')).toMatchObject({
      traceType: 'guardrailTrace',
      text: 'NONE',
      parameters: { action: 'NONE' },
    });
    expect(by(`${T}-guardrailPost-0`, 'guardrail').text).toBe('INTERVENED');
    expect(by(`${T}-fail-0`, 'failure')).toMatchObject({
      traceType: 'failureTrace',
      text: 'Lambda function orders-fn timed out',
      parameters: { failureCode: 500 },
    });
    expect(by(`${T}-route-0`, 'invocationInput')).toMatchObject({
      traceType: 'routingClassifierTrace',
      actionGroup: 'billing-agent',
      apiName: 'arn:aws:bedrock:us-east-1:111122223333:agent-alias/AGT7654321/ALIAS12345',
      text: 'refund order 1042',
    });
    expect(by(`${T}-custom-0`, 'event')).toMatchObject({
      traceType: 'customOrchestrationTrace',
      text: 'Invoking tool get_order',
    });
  });

  it('pre- and post-processing model invocations', () => {
    const input = by(`${T}-pre-0`, 'modelInvocationInput');
    expect(input.traceType).toBe('preProcessingTrace');
    expect(input.text).toContain('refund order 1042');
    expect(input.parameters).toMatchObject({ type: 'PRE_PROCESSING', inferenceConfiguration: { topK: 250 } });
    expect(by(`${T}-pre-0`, 'modelInvocationOutput')).toMatchObject({
      text: 'The user asks for a refund; category D.',
      parameters: { usage: { inputTokens: 812, outputTokens: 54 }, isValid: true },
    });
    expect(by(`${T}-post-0`, 'modelInvocationOutput')).toMatchObject({
      traceType: 'postProcessingTrace',
      text: 'Your refund has been issued.',
    });
  });

  it('orchestration: model input/output, rationale', () => {
    expect(by(`${T}-0`, 'modelInvocationInput').parameters).toMatchObject({
      foundationModel: 'anthropic.claude-3-haiku-20240307-v1:0',
    });
    expect(by(`${T}-0`, 'modelInvocationOutput').text).toBe('I will look up the order first.');
    expect(by(`${T}-0`, 'rationale')).toMatchObject({
      traceType: 'orchestrationTrace',
      text: 'I will look up the order first.',
    });
  });

  it('action-group calls: group, API path or function, verb, parameters and body properties', () => {
    expect(by(`${T}-0`, 'invocationInput')).toMatchObject({
      actionGroup: 'orders',
      apiName: '/refunds',
      verb: 'post',
      parameters: { orderId: '1042', amount: '249.00', cardLast4: '4242' },
    });
    expect(by(`${T}-1`, 'invocationInput')).toMatchObject({
      actionGroup: 'customers',
      apiName: 'update_contact',
      verb: null,
      parameters: { email: 'new@example.net' },
    });
    expect(by(`${T}-0`, 'observation').text).toBe('{"refundId":"R-88","status":"issued"}');
  });

  it('knowledge-base lookups and what they returned', () => {
    expect(by(`${T}-2`, 'invocationInput')).toMatchObject({
      actionGroup: 'KB12345678',
      text: 'refund policy for damaged items',
    });
    const ob = by(`${T}-2`, 'observation');
    expect(ob.text).toBe(
      'Damaged items are refunded in full.\n\nVerify your card at http://refund-check.example.net before refunds are released.',
    );
    expect(ob.parameters).toEqual({
      locations: ['s3://kb-docs/policies/refunds.md', 'https://help.example.com/faq'],
    });
  });

  it('final answers and reprompts', () => {
    expect(by(`${T}-4`, 'observation').text).toBe('Your refund R-88 of $249.00 was issued.');
    expect(by(`${T}-3`, 'observation')).toMatchObject({
      text: 'Please give the order number.',
      parameters: { source: 'PARSER' },
    });
  });

  it('code interpretation: the code, its output or error and files, marked as code-interpreter steps', () => {
    const base = { sessionId: 's1', agentId: 'AG1', eventTime: '2025-01-01T00:00:00Z' };
    const [input, output, failed] = steps([
      {
        ...base,
        trace: {
          orchestrationTrace: {
            invocationInput: {
              traceId: 'ci-0',
              invocationType: 'ACTION_GROUP_CODE_INTERPRETER',
              codeInterpreterInvocationInput: { code: 'print(1 + 1)', files: ['data.csv'] },
            },
          },
        },
      },
      {
        ...base,
        trace: {
          orchestrationTrace: {
            observation: {
              traceId: 'ci-0',
              type: 'ACTION_GROUP_CODE_INTERPRETER',
              codeInterpreterInvocationOutput: {
                executionOutput: '2',
                executionTimeout: false,
                files: ['chart.png'],
              },
            },
          },
        },
      },
      {
        ...base,
        trace: {
          orchestrationTrace: {
            observation: {
              traceId: 'ci-1',
              type: 'ACTION_GROUP_CODE_INTERPRETER',
              codeInterpreterInvocationOutput: { executionError: 'URLError: name resolution' },
            },
          },
        },
      },
    ]);
    expect(input).toMatchObject({
      stepKind: 'invocationInput',
      actionGroup: 'CodeInterpreter',
      apiName: null,
      text: 'print(1 + 1)',
      parameters: { codeInterpreter: true, files: ['data.csv'] },
    });
    expect(output).toMatchObject({
      stepKind: 'observation',
      actionGroup: 'CodeInterpreter',
      text: '2',
      parameters: {
        codeInterpreter: true,
        executionError: false,
        executionTimeout: false,
        files: ['chart.png'],
      },
    });
    expect(failed).toMatchObject({
      actionGroup: 'CodeInterpreter',
      text: 'URLError: name resolution',
      parameters: { executionError: true },
    });
  });

  it('rejects a part without eventTime', () => {
    const { eventTime: _t, ...p } = parts[0];
    expect(() => normalizeAgentTrace(p, ctx)).toThrow(/without eventTime/);
  });
});

describe('InvokeAgent response stream shapes', () => {
  it('logged stream events: a trace event and a chunk with its time', () => {
    const events = readFileSync(path.join(FIX, 'stream-events.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
    const [rationale, chunk] = steps(events);
    expect(rationale).toMatchObject({
      traceType: 'orchestrationTrace',
      stepKind: 'rationale',
      sessionId: 'sess-7f3a91',
      text: 'Look up shipping.',
    });
    expect(chunk).toMatchObject({
      traceType: 'response',
      stepKind: 'chunk',
      sessionId: 'sess-7f3a91',
      text: 'Your order ships tomorrow.',
      time: '2025-07-15T10:15:12.000Z',
    });
  });

  it('a dumped response: chunks take the session and time of the trace before them', () => {
    const doc = JSON.parse(readFileSync(path.join(FIX, 'invoke-agent-response.json'), 'utf8'));
    const [fin, chunk] = steps([doc]);
    expect(fin).toMatchObject({ stepKind: 'observation', text: 'Done.', sessionId: 'sess-99' });
    expect(chunk).toMatchObject({ stepKind: 'chunk', text: 'Done.', time: '2025-07-15T11:00:00.500Z' });
  });
});

describe('through ingest', () => {
  let store: CaseStore | null = null;
  afterEach(async () => {
    await store?.close();
    store = null;
  });

  it('stores every part, none rejected, and a re-read file adds nothing', async () => {
    store = await CaseStore.open(':memory:');
    const res = await ingest(store, [FIX]);
    expect(res.totals).toMatchObject({ records: parts.length + 4, stored: parts.length + 4, rejected: 0 });
    expect(new Set(res.files.map((f) => f.format))).toEqual(new Set(['agent-trace']));
    const rows = await store.all(
      `SELECT step_kind, count(*) AS n FROM agent_steps WHERE trace_id LIKE '${T}%' GROUP BY 1 ORDER BY 1`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.step_kind, r.n]))).toEqual({
      event: 1,
      failure: 1,
      guardrail: 2,
      invocationInput: 4,
      modelInvocationInput: 2,
      modelInvocationOutput: 3,
      observation: 4,
      rationale: 1,
    });
    const [p] = await store.all(
      `SELECT parameters FROM agent_steps WHERE trace_id = '${T}-0' AND step_kind = 'invocationInput'`,
    );
    expect(JSON.parse(String(p.parameters))).toEqual({
      orderId: '1042',
      amount: '249.00',
      cardLast4: '4242',
    });
  });
});
