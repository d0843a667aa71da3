export type {
  AnalyzePromptOptions,
  PromptAnalysis,
  PromptCategory,
  PromptKind,
  PromptSpan,
} from './prompt.js';
export { analyzePrompt, explainPrompt } from './prompt.js';
