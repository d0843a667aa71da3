/**
 * Held-out-style scenarios (test/scenarios/*.mjs, see test/scenarios/README.md): each is generated
 * with the shared evidence generator into a temporary directory, the built CLI investigates them
 * all through the shared scorer (../shared/tools/score.mjs), and every scenario's metrics must
 * meet the floors below. Skipped when ../shared (the generator or the scorer) is absent.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

const ROOT = path.resolve(import.meta.dirname, '..');
// the real path: the scorer runs only when started by its own path (a symlinked ../shared is not)
const SHARED = ((p: string) => (existsSync(p) ? realpathSync(p) : p))(path.resolve(ROOT, '../shared'));
const GEN = path.join(SHARED, 'tools/evidence-gen/gen.mjs');
const SCORE = path.join(SHARED, 'tools/score.mjs');
const CLI = path.join(ROOT, 'dist/cli/main.js');
const SCENARIO_DIR = path.join(ROOT, 'test/scenarios');

type Floors = {
  keyRecall: number;
  maliciousPrecision: number;
  scopeF1: number;
  elementAcc: number;
  /** a ceiling, not a floor: decoy records referenced by findings of severity >= medium */
  decoyFpMax: number;
};

// Per-scenario floors, set from a run of the whole set (measured value minus 0.05, rounded down,
// never above what was measured; decoy-fp at the measured count). These are FLOORS TO RAISE as
// detection improves: when a scenario scores better for good, move its floor up towards the new
// value so that a regression is caught. Never lower one to make a failing run pass without
// understanding why the score dropped. First scores (before the detection work each scenario
// prompted) are in test/scenarios/README.md.
// Measured at the end of round 10, all 53 (key / prec / scope / elem / decoy):
//   agent-action-tamper                1 / 1 / 1 / 1 / 0
//   agent-code-interpreter-abuse       1 / 1 / 1 / 1 / 0
//   agent-collaborator-hijack          1 / 1 / 0.972 / 1 / 0
//   agent-kb-injection                 1 / 1 / 1 / 1 / 0
//   agent-memory-poisoning             1 / 1 / 0.9 / 1 / 0
//   agent-tool-exfil                   1 / 1 / 1 / 1 / 0
//   aoss-vector-exfil                  1 / 1 / 1 / 1 / 0
//   app-wallet-abuse                   1 / 0.998 / 1 / 1 / 0
//   batch-inference-exfil              1 / 1 / 0.969 / 1 / 0
//   bedrock-api-key-abuse              1 / 1 / 0.964 / 1 / 0
//   cfn-guardrail-strip                1 / 1 / 1 / 1 / 0
//   cognito-unauth-llmjacking          1 / 1 / 1 / 1 / 0
//   console-playground-abuse           1 / 1 / 1 / 1 / 0
//   cross-region-inference-evasion     1 / 0.999 / 1 / 1 / 0
//   dev-to-prod-pivot                  1 / 1 / 1 / 1 / 0
//   ec2-role-credential-theft          1 / 1 / 1 / 1 / 0
//   ecs-image-swap-chat-proxy          1 / 1 / 0.987 / 1 / 0
//   fine-tune-data-poisoning           1 / 1 / 1 / 1 / 0
//   github-oidc-pipeline-abuse         1 / 1 / 1 / 0.857 / 0
//   guardduty-suppression-llmjacking   1 / 1 / 1 / 1 / 0
//   guardrail-bypass-deploy            1 / 0.976 / 0.964 / 1 / 0
//   guardrail-version-rollback         1 / 1 / 0.917 / 1 / 0
//   insider-kb-harvest                 1 / 1 / 0.985 / 1 / 0
//   kb-datasource-swap                 1 / 1 / 1 / 1 / 0
//   kms-grant-training-exfil           1 / 1 / 1 / 0.857 / 0
//   lambda-layer-backdoor              1 / 1 / 1 / 1 / 0
//   lambda-url-llm-proxy               1 / 1 / 1 / 1 / 0
//   log-subscription-exfil             1 / 1 / 1 / 1 / 0
//   logging-redirect-cloudwatch        1 / 1 / 0.95 / 1 / 0
//   model-distillation                 1 / 1 / 1 / 1 / 0
//   model-import-backdoor              1 / 1 / 1 / 1 / 0
//   model-package-share-theft          1 / 1 / 1 / 0.857 / 0
//   notebook-lifecycle-backdoor        1 / 1 / 0.983 / 1 / 0
//   notebook-presigned-takeover        1 / 1 / 0.961 / 1 / 0
//   permission-set-escalation          1 / 1 / 0.993 / 1 / 0
//   prompt-flow-tamper                 1 / 0.997 / 1 / 1 / 0
//   prompt-log-theft                   1 / 1 / 1 / 1 / 0
//   rag-tenant-isolation               1 / 0.961 / 1 / 0.857 / 0
//   s3-notification-exfil              1 / 1 / 1 / 1 / 0
//   sagemaker-endpoint-swap            1 / 1 / 1 / 1 / 0
//   sagemaker-training-image-swap      1 / 1 / 1 / 1 / 0
//   scheduled-stepfunctions-llmjacking 1 / 1 / 1 / 1 / 0
//   scp-unblock-llmjacking             1 / 1 / 1 / 1 / 0
//   ssm-prompt-parameter-tamper        1 / 1 / 0.95 / 1 / 0
//   sso-console-replay                 1 / 1 / 1 / 1 / 0
//   sso-session-hijack                 1 / 1 / 1 / 1 / 0
//   system-prompt-secret-leak          1 / 1 / 0.999 / 1 / 0
//   throughput-wallet-burn             1 / 1 / 0.953 / 1 / 0
//   ticket-injection-summariser        1 / 1 / 1 / 1 / 0
//   trail-selector-blindspot           1 / 1 / 1 / 1 / 0
//   training-data-exposure             1 / 1 / 1 / 1 / 0
//   trust-policy-backdoor              1 / 1 / 1 / 1 / 0
//   vendor-role-abuse                  1 / 1 / 1 / 1 / 0
// github-oidc-pipeline-abuse and rag-tenant-isolation: element accuracy 0.857 where the labels of
// the set disagree (a new access key labelled an infrastructure change elsewhere) or where a
// careless authorised change is not yet told apart from an intruder's use of the credentials.
// kms-grant-training-exfil and model-package-share-theft: 0.857 where their truth leaves a bucket
// or key policy change out of infrastructure changes, which training-data-exposure labels as one.
const FLOORS: Record<string, Floors> = {
  'agent-action-tamper': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'agent-code-interpreter-abuse': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'agent-collaborator-hijack': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.92,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'agent-kb-injection': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'agent-memory-poisoning': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.85,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'agent-tool-exfil': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'aoss-vector-exfil': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'app-wallet-abuse': {
    keyRecall: 0.95,
    maliciousPrecision: 0.94,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'batch-inference-exfil': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.91,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'bedrock-api-key-abuse': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.91,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'cfn-guardrail-strip': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'cognito-unauth-llmjacking': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'console-playground-abuse': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'cross-region-inference-evasion': {
    keyRecall: 0.95,
    maliciousPrecision: 0.94,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'dev-to-prod-pivot': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'ec2-role-credential-theft': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'ecs-image-swap-chat-proxy': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.93,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'fine-tune-data-poisoning': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'github-oidc-pipeline-abuse': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.8,
    decoyFpMax: 0,
  },
  'guardduty-suppression-llmjacking': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'guardrail-bypass-deploy': {
    keyRecall: 0.95,
    maliciousPrecision: 0.92,
    scopeF1: 0.91,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'guardrail-version-rollback': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.86,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'insider-kb-harvest': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.93,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'kb-datasource-swap': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'kms-grant-training-exfil': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.8,
    decoyFpMax: 0,
  },
  'lambda-layer-backdoor': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'lambda-url-llm-proxy': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'log-subscription-exfil': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'logging-redirect-cloudwatch': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.9,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'model-distillation': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'model-import-backdoor': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'model-package-share-theft': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.8,
    decoyFpMax: 0,
  },
  'notebook-lifecycle-backdoor': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.93,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'notebook-presigned-takeover': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.91,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'permission-set-escalation': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.94,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'prompt-flow-tamper': {
    keyRecall: 0.95,
    maliciousPrecision: 0.94,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'prompt-log-theft': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'rag-tenant-isolation': {
    keyRecall: 0.95,
    maliciousPrecision: 0.91,
    scopeF1: 0.95,
    elementAcc: 0.8,
    decoyFpMax: 0,
  },
  's3-notification-exfil': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'sagemaker-endpoint-swap': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'sagemaker-training-image-swap': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'scheduled-stepfunctions-llmjacking': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'scp-unblock-llmjacking': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'ssm-prompt-parameter-tamper': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.9,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'sso-console-replay': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'sso-session-hijack': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'system-prompt-secret-leak': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.94,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'throughput-wallet-burn': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.9,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'ticket-injection-summariser': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'trail-selector-blindspot': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'training-data-exposure': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'trust-policy-backdoor': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
  'vendor-role-abuse': {
    keyRecall: 0.95,
    maliciousPrecision: 0.95,
    scopeF1: 0.95,
    elementAcc: 0.95,
    decoyFpMax: 0,
  },
};

type Metrics = {
  keyRecall: number | null;
  maliciousPrecision: number | null;
  decoyFp: number;
  scopeF1: number;
  elementAcc: number;
};
type Row = {
  name: string;
  seconds: number;
  run: string;
  schemaErrors: number | null;
  errors: string[];
  metrics: Metrics;
};

const present = existsSync(GEN) && existsSync(SCORE);
if (!present)
  console.log(`skipped: the held-out scenario scores need ${GEN} and ${SCORE} (../shared), which are absent`);

const scenarioFiles = existsSync(SCENARIO_DIR)
  ? readdirSync(SCENARIO_DIR)
      .filter((f) => f.endsWith('.mjs') && !f.startsWith('_'))
      .sort()
  : [];

describe.skipIf(!present)('held-out scenarios (test/scenarios) scored with ../shared/tools/score.mjs', () => {
  let tmp = '';
  const rows = new Map<string, Row>();

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npm run build)`);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'genai-ir-heldout-'));
    const datasets = path.join(tmp, 'scenarios');
    const t0 = Date.now();
    await Promise.all(
      scenarioFiles.map((f) =>
        run(
          process.execPath,
          [
            GEN,
            '--scenario',
            path.join(SCENARIO_DIR, f),
            '--out',
            path.join(datasets, f.replace(/\.mjs$/, '')),
          ],
          { cwd: ROOT, maxBuffer: 16 << 20 },
        ),
      ),
    );
    const t1 = Date.now();
    const json = path.join(tmp, 'score.json');
    const cli = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} investigate {evidence} --format json --out {out}`;
    const { stdout } = await run(
      process.execPath,
      [SCORE, '--cli', cli, '--datasets', datasets, '--json', json, '--timeout', '900'],
      { cwd: ROOT, maxBuffer: 16 << 20 },
    );
    console.log(stdout.trimEnd());
    console.log(
      `held-out scenarios: generated in ${((t1 - t0) / 1000).toFixed(1)} s, scored in ${((Date.now() - t1) / 1000).toFixed(1)} s`,
    );
    if (!existsSync(json))
      throw new Error(`the scorer wrote no ${json}; its output was:\n${stdout.trimEnd() || '(nothing)'}`);
    const res = JSON.parse(readFileSync(json, 'utf8')) as { scenarios: Row[] };
    for (const r of res.scenarios) rows.set(r.name, r);
  }, 1_800_000);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('every scenario file has floors, and every floor a scenario file', () => {
    expect(scenarioFiles.length).toBeGreaterThan(0);
    expect(scenarioFiles.map((f) => f.replace(/\.mjs$/, ''))).toEqual(Object.keys(FLOORS).sort());
  });

  for (const [name, floor] of Object.entries(FLOORS)) {
    it(`${name}: runs cleanly and meets its floors`, () => {
      const r = rows.get(name);
      expect(r, `${name} was not scored`).toBeDefined();
      if (!r) return;
      expect(r.run, `${name}: ${r.errors.join('; ')}`).toBe('ok');
      expect(r.schemaErrors, `${name}: ${r.errors.join('; ')}`).toBe(0);
      const m = r.metrics;
      expect(m.keyRecall, `${name} key-recall`).toBeGreaterThanOrEqual(floor.keyRecall);
      expect(m.maliciousPrecision, `${name} malicious-precision`).toBeGreaterThanOrEqual(
        floor.maliciousPrecision,
      );
      expect(m.scopeF1, `${name} scope-f1`).toBeGreaterThanOrEqual(floor.scopeF1);
      expect(m.elementAcc, `${name} element-acc`).toBeGreaterThanOrEqual(floor.elementAcc);
      expect(m.decoyFp, `${name} decoy-fp`).toBeLessThanOrEqual(floor.decoyFpMax);
    });
  }
});
