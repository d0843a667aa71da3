/**
 * Native Sigma engine: parse Sigma rules (detection, correlation, filters), compile them to SQL
 * (DuckDB for the case store, Trino/Athena for organisation-scale hunting), run and lint them.
 * See README.md in this folder.
 */
export { type CompileOptions, type CompileResult, compileRule } from './compile.js';
export { DIALECTS, type Dialect, duckdb, getDialect, trino } from './dialect.js';
export { type LintIssue, type LintOptions, type LintSeverity, lintRules, lintTexts } from './lint.js';
export { loadMapping, loadSigmaRules, type RuleFile, readRuleFiles } from './load.js';
export { type FieldSource, type Mapping, parseMapping, resolveField, tableFor } from './mapping.js';
export { parseSigma } from './parse.js';
export {
  type CorrelationHit,
  type DetectionHit,
  type RunOptions,
  runSigmaRules,
  type SigmaDb,
  type SigmaHit,
  type SigmaRunResult,
} from './run.js';
export * from './types.js';
