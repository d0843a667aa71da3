/**
 * Model extraction through an application's API: callers told apart by the request metadata, judged
 * against the other callers of the same role; a rotated key joined to the harvester; decoys (organic
 * tenants, a nightly batch, an evaluation harness) left alone.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { uuidSequence } from '../../test/helpers/fixture-clock.js';
import { runDetectors } from '../engine/detect.js';
import { ingest } from '../engine/ingest.js';
import { CaseStore } from '../store/case-store.js';
import { judgeCaller, modelExtractionDetector } from './model-extraction.js';

const ACCT = '111122223333';
const ROLE = 'advice-api-role';
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-extract-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const uuid = uuidSequence('b004');
const at = (t0: string, minutes: number): string =>
  new Date(Date.parse(t0) + minutes * 60_000).toISOString().replace('.000Z', 'Z');

interface Rec {
  time: string;
  text: string;
  meta: Record<string, string>;
  temperature: number;
  maxTokens: number;
  out: number;
  requestId?: string;
  /** the role session name (a function's instances can differ) */
  session?: string;
}

function rec(x: Rec): Record<string, unknown> {
  return {
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: x.time,
    accountId: ACCT,
    identity: { arn: `arn:aws:sts::${ACCT}:assumed-role/${ROLE}/${x.session ?? 'advice-api'}` },
    region: 'eu-west-1',
    requestId: x.requestId ?? uuid(),
    operation: 'Converse',
    modelId: 'eu.anthropic.claude-3-5-sonnet-20240620-v1:0',
    requestMetadata: x.meta,
    input: {
      inputContentType: 'application/json',
      inputBodyJson: {
        messages: [{ role: 'user', content: [{ text: x.text }] }],
        system: [{ text: 'You are the advisor of Example Co. Answer precisely.' }],
        inferenceConfig: { maxTokens: x.maxTokens, temperature: x.temperature },
      },
      inputTokenCount: 120,
    },
    output: {
      outputContentType: 'application/json',
      outputBodyJson: {
        output: { message: { role: 'assistant', content: [{ text: 'Answer.' }] } },
        stopReason: 'end_turn',
        usage: { inputTokens: 120, outputTokens: x.out, totalTokens: 120 + x.out },
      },
      outputTokenCount: x.out,
    },
  };
}

const TOPICS = ['wheat', 'barley', 'maize', 'rapeseed', 'beet', 'vine', 'potato', 'pea'];
const PESTS = ['rust', 'aphids', 'mildew', 'slugs', 'septoria', 'botrytis'];
const QUESTIONS = [
  'how much nitrogen on',
  'when should I sow',
  'is it too late to spray',
  'what yield can I expect from',
  'my leaves are yellow on',
  'which variety of',
  'can I mix products on',
  'how deep to plough for',
];

const T0 = '2025-03-03T00:00:00Z';

/** Organic tenants: people in office hours, varied questions and settings, short answers. */
function organic(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let t = 0; t < 5; t++)
    for (let d = 0; d < 3; d++)
      for (let h = 8; h < 19; h++)
        for (let k = 0; k < 2; k++) {
          const i = t * 1000 + d * 100 + h * 5 + k;
          out.push(
            rec({
              time: at(T0, d * 1440 + h * 60 + k * 17 + t),
              text: `${QUESTIONS[(i * 7) % QUESTIONS.length]} ${TOPICS[i % TOPICS.length]} (plot ${i})?`,
              meta: { tenantId: `tn-org${t}`, apiKeyId: `ak_org${t}`, clientIp: `198.51.100.${10 + t}` },
              temperature: [0.2, 0.3, 0.5][i % 3],
              maxTokens: [800, 1024, 1500][i % 3],
              out: 90 + (i % 60),
            }),
          );
        }
  return out;
}

/** A nightly batch (templated, fixed settings, two hours) and an evaluation harness (one hour, temperature 0). */
function bounded(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let d = 0; d < 3; d++)
    for (let k = 0; k < 60; k++) {
      out.push(
        rec({
          time: at(T0, d * 1440 + 120 + k * 2),
          text: `Ticket T-${d}${k} (north). Classify this ticket and draft a reply.`,
          meta: { tenantId: 'tn-batch', apiKeyId: 'ak_batch', clientIp: '198.51.100.40' },
          temperature: 0.2,
          maxTokens: 700,
          out: 70,
        }),
      );
      out.push(
        rec({
          time: at(T0, d * 1440 + 180 + k),
          text: `[eval ${k + 1}/60] ${TOPICS[k % TOPICS.length]} with ${PESTS[k % PESTS.length]}: what to do?`,
          meta: { tenantId: 'tn-internal', apiKeyId: 'ak_eval', clientIp: '198.51.100.41' },
          temperature: 0,
          maxTokens: 1500,
          out: 120,
        }),
      );
    }
  return out;
}

/** A harvester: one template enumerating slots, temperature 0, the largest output, around the clock. */
function harvester(key: string, tenant: string, ip: string, startMin: number, calls: number, from = 0) {
  const ids: string[] = [];
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < calls; i++) {
    const n = from + i;
    const requestId = uuid();
    ids.push(requestId);
    out.push(
      rec({
        time: at(T0, startMin + i * 12),
        text: `Explain step by step how to treat ${PESTS[n % PESTS.length]} in ${TOPICS[Math.floor(n / PESTS.length) % TOPICS.length]} at stage ${n % 90}. Case id: CASE-${String(n).padStart(6, '0')}`,
        meta: { tenantId: tenant, apiKeyId: key, clientIp: ip },
        temperature: 0,
        maxTokens: 4096,
        out: 560 + (n % 20),
        requestId,
        // the application's sessions rotate: one caller across them
        session: `advice-api-${Math.floor(i / 50)}`,
      }),
    );
  }
  return { ids, out };
}

async function caseOf(name: string, records: Record<string, unknown>[]): Promise<CaseStore> {
  const dir = path.join(tmp, name);
  mkdirSync(path.join(dir, 'bedrock'), { recursive: true });
  writeFileSync(
    path.join(dir, 'bedrock', 'inv.jsonl'),
    `${records.map((r) => JSON.stringify(r)).join('\n')}\n`,
  );
  const store = await CaseStore.open(':memory:');
  const r = await ingest(store, [dir]);
  expect(r.totals.rejected).toBe(0);
  return store;
}

describe('model extraction through an application', () => {
  it('reports the harvesting caller and its rotated key, citing only their calls and addresses', async () => {
    const h1 = harvester('ak_harv_1', 'tn-harv', '203.0.113.7', 0, 250);
    // the tenant's second key continues the sequence from the same address
    const h2 = harvester('ak_harv_2', 'tn-harv', '203.0.113.7', 250 * 12 + 30, 120, 250);
    const store = await caseOf('pos', [...organic(), ...bounded(), ...h1.out, ...h2.out]);
    try {
      const res = await runDetectors(store, [modelExtractionDetector]);
      expect(res.errors).toEqual([]);
      expect(res.findings).toHaveLength(1);
      const f = res.findings[0];
      expect(f.ruleId).toBe('data-plane.model-extraction');
      expect(f.severity).toBe('high');
      expect(f.sourceIps).toEqual(['203.0.113.7']);
      expect(f.principals).toEqual([`arn:aws:iam::${ACCT}:role/${ROLE}`]);
      expect([...(f.evidence.requestIds ?? [])].sort()).toEqual([...h1.ids, ...h2.ids].sort());
      expect(f.details?.endUserConduct).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('leaves organic tenants, a nightly batch and an evaluation harness alone', async () => {
    const store = await caseOf('neg', [...organic(), ...bounded()]);
    try {
      const res = await runDetectors(store, [modelExtractionDetector]);
      expect(res.errors).toEqual([]);
      expect(res.findings).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('needs sustained, long answers: a short deterministic run is not extraction', () => {
    const hours = new Array(24).fill(0);
    hours[2] = 300;
    const base = {
      calls: 300,
      first: '2025-03-03T02:00:00Z',
      last: '2025-03-03T02:59:00Z',
      avgOut: 600,
      hoursOfDay: hours,
      settings: { temperature: 0, maxTokens: 4096, n: 300 },
      prefixes: new Map([['explain step by step how', 300]]),
      distinctPrompts: 300,
    };
    expect(judgeCaller(base, 100, 1500).flagged).toBe(false);
    const flat = new Array(24).fill(25);
    const sustained = { ...base, calls: 600, hoursOfDay: flat, last: '2025-03-04T02:00:00Z' };
    sustained.settings = { ...base.settings, n: 600 };
    sustained.prefixes = new Map([['explain step by step how', 600]]);
    sustained.distinctPrompts = 600;
    expect(judgeCaller(sustained, 100, 1500).flagged).toBe(true);
    // the same caller with ordinary answer lengths is a heavy user, not a harvester
    expect(judgeCaller({ ...sustained, avgOut: 150 }, 100, 1500).flagged).toBe(false);
  });
});
