/**
 * The data-plane readers over the shared scenarios (../shared/datasets/scenarios): every
 * invocation-log, agent-trace and knowledge-base log file ingests with nothing rejected, the stored
 * counts equal the line counts, and extracted text matches the raw records.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest } from '../engine/ingest.js';
import { CaseStore } from '../store/case-store.js';

const SCENARIOS = path.resolve(import.meta.dirname, '../../../shared/datasets/scenarios');
const present = existsSync(SCENARIOS);

/** Invocation logs and trace parts per scenario, from the datasets README. */
const README: Record<string, { invocations: number; traceParts: number }> = {
  'benign-day': { invocations: 3451, traceParts: 1359 },
  'custom-model-tampering': { invocations: 3841, traceParts: 1526 },
  'excessive-agency': { invocations: 3004, traceParts: 1257 },
  'guardrail-tampering': { invocations: 4136, traceParts: 1456 },
  'kb-poisoning': { invocations: 3887, traceParts: 1568 },
  llmjacking: { invocations: 2677, traceParts: 1596 },
  'persistence-infra': { invocations: 2661, traceParts: 1022 },
  'prompt-injection-exfil': { invocations: 3156, traceParts: 1036 },
};

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
  );
}

function lines(file: string): string[] {
  const raw = readFileSync(file);
  const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
  return text.split('\n').filter((l) => l.trim());
}

if (!present) {
  describe('shared scenarios', () => {
    it.skip('../shared/datasets is absent: skipped', () => {});
  });
} else {
  for (const scenario of Object.keys(README)) {
    describe(`scenario ${scenario}`, () => {
      const dir = path.join(SCENARIOS, scenario);
      let store: CaseStore;
      let result: Awaited<ReturnType<typeof ingest>>;
      const logFiles = walk(path.join(dir, 'bedrock-invocations')).filter((f) => !f.includes('/data/'));
      const rawInvocations = logFiles.flatMap(lines).map((l) => JSON.parse(l));
      const traceLines = walk(path.join(dir, 'agent-traces')).flatMap(lines);
      const kbLines = walk(path.join(dir, 'kb-logs')).flatMap(lines);

      beforeAll(async () => {
        store = await CaseStore.open(':memory:');
        result = await ingest(store, [
          path.join(dir, 'bedrock-invocations'),
          path.join(dir, 'agent-traces'),
          path.join(dir, 'kb-logs'),
        ]);
      });
      afterAll(async () => {
        await store?.close();
      });

      const count = async (sql: string): Promise<number> => Number((await store.all(sql))[0].n);

      it('ingests every record, none rejected, stored = lines', async () => {
        expect(result.totals.rejected).toBe(0);
        expect(result.warnings).toEqual([]);
        expect(rawInvocations.length).toBe(README[scenario].invocations);
        expect(traceLines.length).toBe(README[scenario].traceParts);
        expect(await count('SELECT count(*) AS n FROM invocations')).toBe(rawInvocations.length);
        expect(await count('SELECT count(*) AS n FROM agent_steps')).toBe(traceLines.length);
        expect(await count('SELECT count(*) AS n FROM kb_events')).toBe(kbLines.length);
        expect(result.totals.duplicates).toBe(0);
        const formats = new Set(result.files.map((f) => f.format));
        expect([...formats].sort()).toEqual(
          [
            'agent-trace',
            'bedrock-invocation',
            'kb-log',
            ...(result.files.some((f) => f.path.includes('/data/')) ? ['bedrock-invocation-body'] : []),
          ].sort(),
        );
      });

      it('reads every body moved to S3, and every record has its fields', async () => {
        expect(await count('SELECT count(*) AS n FROM invocations WHERE body_missing IS NOT NULL')).toBe(0);
        const moved = rawInvocations.filter((r) => r.input?.inputBodyS3Path || r.output?.outputBodyS3Path);
        for (const r of moved) {
          const [row] = await store.all(
            'SELECT system_text, prompt_text, last_user_text, input_body_s3_path FROM invocations WHERE request_id = $1',
            [r.requestId],
          );
          expect(row.input_body_s3_path).toBe(r.input?.inputBodyS3Path ?? null);
          // the body file (its key is the path below bedrock-invocations/) holds the text read
          const key = String(r.input.inputBodyS3Path).replace(/^s3:\/\/[^/]+\//, '');
          const bodyText = lines(path.join(dir, 'bedrock-invocations', key)).join('\n');
          const last = String(row.last_user_text);
          expect(last.length).toBeGreaterThan(0);
          expect(bodyText).toContain(JSON.stringify(last).slice(1, -1));
          expect(String(row.system_text).length + String(row.prompt_text).length).toBeGreaterThan(5_000);
        }
        expect(
          await count(
            'SELECT count(*) AS n FROM invocations WHERE provider IS NULL OR time IS NULL OR principal_arn IS NULL',
          ),
        ).toBe(0);
        // every successful call with a response has response text
        expect(
          await count(
            "SELECT count(*) AS n FROM invocations WHERE error_code IS NULL AND response_text = '' AND output_tokens > 0",
          ),
        ).toBe(0);
        expect(
          await count(
            'SELECT count(*) AS n FROM invocations WHERE input_tokens IS NULL AND error_code IS NULL',
          ),
        ).toBe(0);
      });

      it('extracts the last user turn, the response and the guardrail verdict as logged', async () => {
        const byId = new Map<string, Record<string, unknown>>();
        for (const r of await store.all(
          'SELECT request_id, last_user_text, response_text, guardrail_action, stop_reason, client_ip, output_tokens FROM invocations',
        ))
          byId.set(String(r.request_id), r);
        let checked = 0;
        for (const r of rawInvocations) {
          const row = byId.get(r.requestId);
          expect(row).toBeDefined();
          if (!row) continue;
          expect(row.client_ip ?? null).toBe(r.requestMetadata?.clientIp ?? null);
          const body = r.input?.inputBodyJson;
          const out = r.output?.outputBodyJson;
          if (!body || !out) continue;
          if (r.operation === 'Converse' && Array.isArray(body.messages)) {
            const last = body.messages.at(-1);
            expect(row.last_user_text).toBe(last.content.map((c: { text: string }) => c.text).join('\n'));
            expect(row.response_text).toBe(out.output.message.content[0].text);
            expect(row.stop_reason).toBe(out.stopReason);
            const intervened = out.stopReason === 'guardrail_intervened';
            expect(row.guardrail_action).toBe(out.trace ? (intervened ? 'INTERVENED' : 'NONE') : null);
            checked++;
          } else if (r.operation === 'ConverseStream') {
            const text = out
              .filter((c: Record<string, unknown>) => c.contentBlockDelta)
              .map((c: { contentBlockDelta: { delta: { text: string } } }) => c.contentBlockDelta.delta.text)
              .join('');
            expect(row.response_text).toBe(text);
            checked++;
          } else if (
            r.operation === 'InvokeModel' &&
            body.anthropic_version &&
            Array.isArray(body.messages)
          ) {
            expect(row.response_text).toBe(out.content[0].text);
            expect(row.guardrail_action).toBe(out['amazon-bedrock-guardrailAction'] ?? null);
            checked++;
          } else if (r.operation === 'InvokeModelWithResponseStream' && body.anthropic_version) {
            const text = out
              .filter((c: Record<string, unknown>) => c.type === 'content_block_delta')
              .map((c: { delta: { text: string } }) => c.delta.text)
              .join('');
            expect(row.response_text).toBe(text);
            expect(row.output_tokens).toBe(r.output.outputTokenCount);
            checked++;
          }
        }
        expect(checked).toBeGreaterThan(rawInvocations.length / 2);
      });

      it('reads every agent step with its trace id and kind', async () => {
        expect(await count('SELECT count(*) AS n FROM agent_steps WHERE trace_id IS NULL')).toBe(0);
        expect(
          await count(
            "SELECT count(*) AS n FROM agent_steps WHERE step_kind = 'invocationInput' AND action_group IS NULL",
          ),
        ).toBe(0);
        const raw = traceLines.map((l) => JSON.parse(l));
        const action = raw.find(
          (p) => p.trace.orchestrationTrace?.invocationInput?.actionGroupInvocationInput,
        );
        if (action) {
          const ag = action.trace.orchestrationTrace.invocationInput.actionGroupInvocationInput;
          const id = action.trace.orchestrationTrace.invocationInput.traceId;
          const [row] = await store.all(
            "SELECT action_group, api_name, verb, parameters FROM agent_steps WHERE trace_id = $1 AND step_kind = 'invocationInput'",
            [id],
          );
          expect(row.action_group).toBe(ag.actionGroupName);
          expect(row.api_name).toBe(ag.apiPath);
          expect(row.verb).toBe(ag.verb);
          const params = JSON.parse(String(row.parameters));
          for (const p of ag.parameters) expect(params[p.name]).toBe(p.value);
        }
        const fin = raw.find((p) => p.trace.orchestrationTrace?.observation?.finalResponse);
        const [f] = await store.all(
          "SELECT text FROM agent_steps WHERE trace_id = $1 AND step_kind = 'observation'",
          [fin.trace.orchestrationTrace.observation.traceId],
        );
        expect(f.text).toBe(fin.trace.orchestrationTrace.observation.finalResponse.text);
      });

      it('reads knowledge-base events with the knowledge base id', async () => {
        expect(await count('SELECT count(*) AS n FROM kb_events WHERE knowledge_base_id IS NULL')).toBe(0);
        const raw = kbLines.map((l) => JSON.parse(l));
        const docs = raw.filter((e) => e.event.document_location).length;
        expect(await count('SELECT count(*) AS n FROM kb_events WHERE document_uri IS NOT NULL')).toBe(docs);
      });
    });
  }
}
