/**
 * The GenAI Sigma rule pack (rules/genai): it lints clean, every rule has positive and negative test
 * events (rules/genai/tests/<rule name>/{positive,negative}/*.json, CloudTrail delivery files), the
 * positives match and the negatives do not, and the `sigma-pack` detector turns hits into findings
 * with the rule's genai_ir block.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDetectors } from '../engine/detect.js';
import { ingest } from '../engine/ingest.js';
import { loadIdentityOf } from '../engine/principal-names.js';
import { lintRules, loadSigmaRules, runSigmaRules, type SigmaRule } from '../rules/sigma/index.js';
import { CaseStore } from '../store/case-store.js';
import { accountBaseline } from './context.js';
import { GENAI_RULES_DIR, SIGMA_PACK, sigmaPack } from './control-plane.js';

const TESTS = path.join(GENAI_RULES_DIR, 'tests');
const { rules, errors } = await loadSigmaRules(GENAI_RULES_DIR);

/** Rules that run on their own: correlations, and detections no correlation uses. */
function topLevel(all: SigmaRule[]): SigmaRule[] {
  const used = new Set(all.flatMap((r) => (r.kind === 'correlation' ? r.correlation.rules : [])));
  return all.filter((r) => r.kind === 'correlation' || !(used.has(r.name ?? '') || used.has(r.id ?? '')));
}

const files = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => path.join(dir, f))
    : [];

async function hitsOf(file: string, rule: SigmaRule): Promise<number> {
  const store = await CaseStore.open(':memory:');
  try {
    const res = await ingest(store, [file]);
    expect(res.totals.rejected).toBe(0);
    const out = await runSigmaRules(store, rules);
    const r = out.find((x) => x.rule === rule);
    expect(r?.error).toBeUndefined();
    return r?.hits.length ?? 0;
  } finally {
    await store.close();
  }
}

describe('GenAI rule pack', () => {
  it('loads and lints without errors', async () => {
    expect(errors).toEqual([]);
    expect(rules.length).toBeGreaterThan(15);
    const issues = (await lintRules(GENAI_RULES_DIR)).filter((i) => i.severity === 'error');
    expect(issues).toEqual([]);
  });

  it('every rule carries the genai_ir block with elements and a severity', () => {
    for (const r of topLevel(rules)) {
      expect(r.genaiIr?.elements?.length, r.title).toBeGreaterThan(0);
      expect(r.genaiIr?.severity, r.title).toBeTruthy();
      expect(r.name, r.title).toMatch(/^genai_[a-z0-9_]+$/);
    }
  });

  for (const rule of topLevel(rules)) {
    const name = rule.name ?? rule.id ?? rule.title;
    describe(name, () => {
      const pos = files(path.join(TESTS, name, 'positive'));
      const neg = files(path.join(TESTS, name, 'negative'));
      it('has positive and negative test events', () => {
        expect(pos.length).toBeGreaterThan(0);
        expect(neg.length).toBeGreaterThan(0);
      });
      for (const f of pos)
        it(`matches ${path.basename(f)}`, async () => {
          expect(await hitsOf(f, rule)).toBeGreaterThan(0);
        });
      for (const f of neg)
        it(`does not match ${path.basename(f)}`, async () => {
          expect(await hitsOf(f, rule)).toBe(0);
        });
    });
  }
});

describe('sigma-pack detector', () => {
  it('turns a hit into a finding with the rule’s elements, severity and records', async () => {
    const store = await CaseStore.open(':memory:');
    try {
      await ingest(store, [path.join(TESTS, 'genai_guardduty_detector_disabled', 'positive')]);
      const res = await runDetectors(store, [SIGMA_PACK]);
      expect(res.errors).toEqual([]);
      const f = res.findings.filter((x) => x.ruleId === 'sigma:genai_guardduty_detector_disabled');
      expect(f.length).toBeGreaterThan(0);
      expect(f[0].severity).toBe('high');
      expect(f[0].elements).toEqual(['infrastructure-changes']);
      expect(f[0].attack).toEqual(['T1562.001']);
      expect(f[0].evidence.eventIds?.length).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });
});

describe('sigma-pack problems', () => {
  it('says so when the rule pack is missing', async () => {
    const store = await CaseStore.open(':memory:');
    try {
      const env = {
        db: store,
        base: await accountBaseline(store),
        entries: [],
        notes: [] as string[],
        identityOf: await loadIdentityOf(store),
      };
      const missing = path.join(os.tmpdir(), 'genai-ir-no-such-pack');
      expect(await sigmaPack(env, missing)).toEqual([]);
      expect(env.notes).toHaveLength(1);
      expect(env.notes[0]).toMatch(/^sigma pack: no rule read from .*genai-ir-no-such-pack/);
    } finally {
      await store.close();
    }
  });

  it('tells the responder about a rule that cannot run and about hits it did not read', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'genai-ir-pack-'));
    const store = await CaseStore.open(':memory:');
    try {
      const rule = (name: string, detection: string) =>
        [
          `title: ${name}`,
          `name: ${name}`,
          'status: test',
          'logsource: {product: aws, service: cloudtrail}',
          'detection:',
          detection,
          '  condition: sel',
          'level: low',
        ].join('\n');
      writeFileSync(
        path.join(dir, 'every.yml'),
        rule('every_call', '  sel: {eventSource|endswith: .amazonaws.com}'),
      );
      writeFileSync(path.join(dir, 'broken.yml'), rule('broken_rule', '  sel: {eventName|frobnicate: X}'));
      const res = await ingest(store, [path.join(TESTS, 'genai_guardduty_detector_disabled', 'positive')]);
      expect(res.totals.stored).toBeGreaterThan(1);
      const env = {
        db: store,
        base: await accountBaseline(store),
        entries: [],
        notes: [] as string[],
        identityOf: await loadIdentityOf(store),
      };
      const out = await sigmaPack(env, dir, { maxHits: 1 });
      expect(out.length).toBe(1);
      expect(env.notes.some((n) => /broken_rule|broken\.yml/.test(n))).toBe(true);
      expect(env.notes).toContain(
        'sigma pack: every_call: more than 1 matching records; only the first 1 were read',
      );
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
