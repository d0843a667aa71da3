#!/usr/bin/env node
// Prompt-attack bench: detection / false-positive rates on the held-out sets and prompts per second.
// Run after `npm run build`:  node scripts/bench-prompts.mjs [--shared ../shared] [--rounds 3] [--show]
import { performance } from 'node:perf_hooks';
import { findSharedPrompts, loadInhouse, loadPromptSets } from '../dist/text/datasets.js';
import { analyzePrompt, hasPromptModel } from '../dist/text/index.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
};
const show = args.includes('--show');
const rounds = Number(opt('--rounds', '3'));
const sharedRoot = opt('--shared', null);

const pct = (x) => `${(100 * x).toFixed(1)}%`;

function rates(items, isAttack) {
  const bySet = new Map();
  let tp = 0;
  let pos = 0;
  let fp = 0;
  let neg = 0;
  const wrong = [];
  for (const p of items) {
    const a = isAttack(p);
    const s = bySet.get(p.set) ?? { n: 0, flagged: 0, label: p.label };
    s.n++;
    if (a) s.flagged++;
    bySet.set(p.set, s);
    if (p.label === 1) {
      pos++;
      if (a) tp++;
      else wrong.push(p);
    } else {
      neg++;
      if (a) {
        fp++;
        wrong.push(p);
      }
    }
  }
  return { bySet, detection: pos ? tp / pos : Number.NaN, fpr: neg ? fp / neg : Number.NaN, pos, neg, wrong };
}

function printSets(title, r) {
  console.log(`\n${title}`);
  for (const [set, s] of r.bySet) {
    const what = s.label === 1 ? 'detected' : 'flagged (false positive)';
    console.log(
      `  ${set.padEnd(36)} n=${String(s.n).padStart(5)}  ${what.padEnd(26)} ${pct(s.flagged / s.n).padStart(6)}`,
    );
  }
}

// A trivial baseline measured in the same run: one case-insensitive regex of well-known attack phrases.
const BASELINE =
  /ignore (?:all |the )?(?:previous|prior|above) (?:instructions|prompts?)|disregard (?:all |the )?(?:previous|prior) instructions|jailbreak|do anything now|developer mode|system prompt|reveal your instructions/i;

function throughput(texts, fn) {
  // one full warm-up pass (V8 tiers regular expressions up to native code after a few runs), then the best of
  // `rounds` timed passes: the steady state of a long-running scan
  for (const t of texts) fn(t);
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (const t of texts) fn(t);
    best = Math.min(best, performance.now() - t0);
  }
  return texts.length / (best / 1000);
}

const dir = sharedRoot ? findSharedPrompts(sharedRoot) : findSharedPrompts();
console.log(
  `genai-ir prompt bench — model ${hasPromptModel() ? 'loaded (data/prompt-model.json)' : 'absent: rules only'}`,
);
let heldOut;
let other = [];
let train = [];
if (!dir) {
  console.log(
    '../shared is absent (no ../shared/datasets/prompts): only the in-house set is evaluated; shared-set figures are skipped.',
  );
  heldOut = loadInhouse();
} else {
  ({ heldOut, other, train } = loadPromptSets(dir));
  console.log(`shared prompts: ${dir}`);
}

const verdicts = new Map();
const isAttack = (p) => {
  let v = verdicts.get(p);
  if (v === undefined) {
    v = analyzePrompt(p.text, { kind: p.kind }).verdict === 'attack';
    verdicts.set(p, v);
  }
  return v;
};

const head = rates(heldOut, isAttack);
printSets('Held-out sets (never used to train the model):', head);
console.log(
  `\nHEADLINE held-out: detection ${pct(head.detection)} of ${head.pos} attacks, false positives ${pct(head.fpr)} of ${head.neg} benign`,
);
console.log(
  `targets: detection >= 92% at false positives <= 3% -> ${head.detection >= 0.92 && head.fpr <= 0.03 ? 'MET' : 'NOT MET'}`,
);
const base = rates(heldOut, (p) => BASELINE.test(p.text));
console.log(
  `baseline regex on the same sets: detection ${pct(base.detection)}, false positives ${pct(base.fpr)}`,
);

if (train.length) {
  const tr = rates(train, isAttack);
  console.log(
    `\nTraining sets (for reference, not a headline): detection ${pct(tr.detection)}, false positives ${pct(tr.fpr)}`,
  );
}
if (other.length) {
  const ot = rates(other, isAttack);
  printSets('Other sets (not prompt attacks by our definition; reported only):', ot);
}
if (show) {
  console.log('\nMisclassified held-out items:');
  for (const p of head.wrong)
    console.log(`  [${p.set}] label=${p.label} ${JSON.stringify(p.text.slice(0, 160))}`);
}

// ---- speed (single core, this process)
const texts = [...heldOut, ...train, ...other].map((p) => p.text);
const kinds = [...heldOut, ...train, ...other].map((p) => p.kind);
const avgLen = texts.reduce((s, t) => s + t.length, 0) / texts.length;
let k = 0;
const ours = throughput(texts, (t) => analyzePrompt(t, { kind: kinds[k++ % kinds.length] }));
const baseRate = throughput(texts, (t) => BASELINE.test(t));
console.log(
  `\nspeed: ${Math.round(ours)} prompts/s on one core (${texts.length} prompts, mean ${Math.round(avgLen)} chars); ` +
    `baseline regex ${Math.round(baseRate)} prompts/s; ratio ${(ours / baseRate).toFixed(3)}x of baseline`,
);
console.log(`speed target >= 5000 prompts/s -> ${ours >= 5000 ? 'MET' : 'NOT MET'}`);
