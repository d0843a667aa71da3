/**
 * Data-plane text analysers: prompt attacks, response leaks and sensitive data.
 */

export type { ScanPromptsOptions, ScanSummary } from './jsonl.js';
export { scanPromptsJsonl } from './jsonl.js';
export { hasPromptModel, setPromptModel } from './model.js';
export type {
  AnalyzePromptOptions,
  PromptAnalysis,
  PromptCategory,
  PromptEvidence,
  PromptKind,
  PromptSpan,
} from './prompt.js';
export { analyzePrompt, explainPrompt } from './prompt.js';
export type { AnalyzeResponseOptions, ResponseAnalysis, ResponseCategory, ResponseSpan } from './response.js';
export { analyzeResponse, systemPromptOverlap } from './response.js';
export type { FindSensitiveOptions, SensitiveMatch, SensitiveType } from './sensitive.js';
export {
  cardBrand,
  countMatches,
  countSensitive,
  findSensitive,
  ibanValid,
  jwtValid,
  luhnValid,
  mask,
  redactSensitive,
  SECRET_TYPES,
  ssnValid,
} from './sensitive.js';
