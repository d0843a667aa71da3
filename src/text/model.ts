/**
 * The shipped prompt model: logistic regression over hashed n-grams (features.ts), weights in
 * data/prompt-model.json (written by scripts/train-prompt-model.mjs). Loaded lazily through
 * src/io/data-files.ts from the package's data/ folder; when it is missing or malformed the analyser runs on its rules alone.
 */
import { readDataJson } from '../io/data-files.js';
import { BUCKETS, featureBuckets, sentences } from './features.js';

export interface PromptModelFile {
  format: 'genai-ir/prompt-model';
  version: 1;
  buckets: number;
  bias: number;
  /** bucket indices with a non-zero weight, ascending */
  index: number[];
  /** weights, same order as index */
  weight: number[];
  meta?: Record<string, unknown>;
}

interface LoadedModel {
  bias: number;
  weights: Float32Array;
}

let loaded: LoadedModel | null | undefined;

/** Parse and check a model file; returns null when it is not usable. */
export function parseModel(json: unknown): LoadedModel | null {
  const m = json as Partial<PromptModelFile> | null;
  if (m?.format !== 'genai-ir/prompt-model' || m.buckets !== BUCKETS) return null;
  if (!Array.isArray(m.index) || !Array.isArray(m.weight) || m.index.length !== m.weight.length) return null;
  if (typeof m.bias !== 'number') return null;
  const weights = new Float32Array(BUCKETS);
  for (let i = 0; i < m.index.length; i++) {
    const k = m.index[i];
    if (k >= 0 && k < BUCKETS) weights[k] = m.weight[i];
  }
  return { bias: m.bias, weights };
}

function load(): LoadedModel | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  // read by src/io like every table of data/; a missing or unreadable model leaves the rules alone
  try {
    loaded = parseModel(readDataJson('prompt-model.json'));
  } catch {
    loaded = null;
  }
  return loaded;
}

/** Replace the model in use (tests, or callers shipping their own); null disables it. */
export function setPromptModel(json: unknown | null): boolean {
  loaded = json === null ? null : parseModel(json);
  return loaded !== null;
}

/** Whether a model is loaded. */
export function hasPromptModel(): boolean {
  return load() !== null;
}

/** The model's logit for a normalised text, or null when no model is available. */
export function modelLogit(norm: string): number | null {
  const m = load();
  if (!m) return null;
  const f = featureBuckets(norm);
  if (f.length === 0) return m.bias;
  let s = 0;
  for (let i = 0; i < f.length; i++) s += m.weights[f[i]];
  return m.bias + s / Math.sqrt(f.length);
}

/** The most instruction-like sentence of a normalised document: its logit and [start, end), or null. */
export function maxSentenceLogit(norm: string): { z: number; start: number; end: number } | null {
  const m = load();
  if (!m) return null;
  let best: { z: number; start: number; end: number } | null = null;
  for (const [a, b] of sentences(norm)) {
    const f = featureBuckets(norm.slice(a, b));
    if (f.length === 0) continue;
    let s = 0;
    for (let i = 0; i < f.length; i++) s += m.weights[f[i]];
    const z = m.bias + s / Math.sqrt(f.length);
    if (!best || z > best.z) best = { z, start: a, end: b };
  }
  return best;
}
