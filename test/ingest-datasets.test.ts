/**
 * The shared scenarios (../shared/datasets/scenarios, read-only, never copied): every scenario's
 * CloudTrail (all delivery shapes), GuardDuty, IAM and context files ingest with nothing rejected,
 * and the CloudTrail records stored equal the dataset README's table.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../src/engine/ingest.js';
import { CaseStore } from '../src/store/case-store.js';

const DATASETS = path.resolve(import.meta.dirname, '../../shared/datasets');
const SCENARIOS = path.join(DATASETS, 'scenarios');

/** CloudTrail records per scenario, from ../shared/datasets/README.md. */
const CLOUDTRAIL: Record<string, number> = {
  'benign-day': 22_404,
  'custom-model-tampering': 30_597,
  'excessive-agency': 21_529,
  'guardrail-tampering': 31_056,
  'kb-poisoning': 30_148,
  llmjacking: 35_196,
  'persistence-infra': 22_096,
  'prompt-injection-exfil': 22_278,
};

const present = existsSync(SCENARIOS);
if (!present) console.log(`${SCENARIOS} is absent: the dataset ingest tests are skipped`);

describe.runIf(present)('shared scenarios ingest', () => {
  for (const [scenario, expected] of Object.entries(CLOUDTRAIL)) {
    it(`${scenario}: CloudTrail, GuardDuty, IAM and context with nothing rejected`, async () => {
      const dir = path.join(SCENARIOS, scenario);
      const inputs = ['cloudtrail', 'guardduty', 'iam', 'context']
        .map((d) => path.join(dir, d))
        .filter((p) => existsSync(p));
      const store = await CaseStore.open(':memory:');
      try {
        const res = await ingest(store, inputs);
        expect(res.warnings).toEqual([]);
        const bad = res.files.filter((f) => f.rejected > 0 || f.format === 'unknown');
        expect(bad.map((f) => `${f.path}: ${f.warnings.join('; ')}`)).toEqual([]);
        for (const f of res.files) expect(f.records).toBe(f.stored + f.rejected + f.duplicates);
        const [{ n }] = await store.all('SELECT count(*) AS n FROM events');
        expect(n).toBe(expected);
        const formats = new Set(res.files.map((f) => f.format));
        expect(formats).toContain('guardduty');
        expect(formats).toContain('iam-authorization-details');
        if (existsSync(path.join(dir, 'context/change-calendar.json')))
          expect(formats).toContain('change-calendar');
        const [{ gd }] = await store.all(
          `SELECT count(*) AS gd FROM ext_findings WHERE first_seen IS NULL OR last_seen IS NULL OR updated_at IS NULL`,
        );
        expect(gd).toBe(0);
      } finally {
        await store.close();
      }
    });
  }
});
