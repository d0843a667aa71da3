/**
 * Types of the native Sigma engine: parsed rules, detection items, condition AST.
 * See README.md in this folder for the API and the semantics.
 */

/** A scalar of a detection value as written in the rule (numbers keep their source text). */
export type SigmaScalar = string | SigmaNumber | boolean | null;

/** A YAML number in a detection: Sigma compares it as text (`0x17`, `1.10` stay as written). */
export class SigmaNumber {
  constructor(
    readonly text: string,
    readonly value: number,
  ) {}
  toString(): string {
    return this.text;
  }
}

/** One `field|mod|mod: values` entry of a search identifier. `field` is null for keywords. */
export interface FieldMatcher {
  type: 'field';
  field: string | null;
  modifiers: string[];
  values: SigmaScalar[];
  /** the key as written, for messages */
  key: string;
}

export interface DetectionGroup {
  type: 'and' | 'or';
  items: DetectionNode[];
}

export type DetectionNode = FieldMatcher | DetectionGroup;

export type ConditionNode =
  | { op: 'and' | 'or'; args: ConditionNode[] }
  | { op: 'not'; arg: ConditionNode }
  | { op: 'id'; name: string }
  /** `1 of x*`, `all of them`; count is 'all' or a number (Sigma defines 1) */
  | { op: 'of'; count: 'all' | number; pattern: string | null };

/** Legacy (Sigma 1) aggregation after a `|` in the condition, kept to explain or translate it. */
export interface LegacyAggregation {
  text: string;
  kind: 'count' | 'near' | 'other';
  /** count(field) */
  field?: string;
  by?: string[];
  op?: '>' | '>=' | '<' | '<=' | '=' | '!=';
  value?: number;
  /** `near` targets */
  near?: string;
}

export interface ParsedCondition {
  text: string;
  ast: ConditionNode;
  aggregation?: LegacyAggregation;
}

export interface Detection {
  /** search identifiers in rule order */
  searches: Map<string, DetectionNode>;
  conditions: ParsedCondition[];
  /** legacy `timeframe` inside detection */
  timeframe?: string;
}

export interface LogSource {
  product?: string;
  service?: string;
  category?: string;
  definition?: string;
  [k: string]: unknown;
}

export type CorrelationType =
  | 'event_count'
  | 'value_count'
  | 'temporal'
  | 'temporal_ordered'
  | 'value_sum'
  | 'value_avg'
  | 'value_percentile';

export type CompareOp = 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';

export interface Correlation {
  type: CorrelationType;
  /** rule ids or names */
  rules: string[];
  groupBy: string[];
  /** seconds */
  timespan: number;
  timespanText: string;
  condition: Partial<Record<CompareOp, number>>;
  /** value_count / value_sum / value_avg / value_percentile */
  field?: string;
  /** alias -> (rule name or id -> field) */
  aliases: Record<string, Record<string, string>>;
  generate: boolean;
}

/** Our extension block (`genai_ir:`) on a rule. */
export interface GenaiIrExtension {
  elements?: string[];
  components?: string[];
  severity?: string;
  attack?: string[];
  [k: string]: unknown;
}

export interface RuleSource {
  file?: string;
  /** 0-based document index in a multi-document file */
  doc: number;
  /** 1-based line of the document start */
  line?: number;
}

interface RuleBase {
  title: string;
  id?: string;
  name?: string;
  status?: string;
  description?: string;
  author?: string;
  level?: string;
  tags: string[];
  references: string[];
  falsepositives: string[];
  date?: string;
  modified?: string;
  taxonomy?: string;
  genaiIr?: GenaiIrExtension;
  /** top-level keys the engine does not interpret (including `genai_ir`, kept as written) */
  extra: Record<string, unknown>;
  source: RuleSource;
  /** non-fatal remarks found while parsing */
  warnings: string[];
}

export interface SigmaDetectionRule extends RuleBase {
  kind: 'detection';
  logsource: LogSource;
  detection: Detection;
  fields: string[];
}

export interface SigmaCorrelationRule extends RuleBase {
  kind: 'correlation';
  correlation: Correlation;
}

/** A Sigma filter (meta-filter): its condition is AND NOT-ed to the rules it names. */
export interface SigmaFilterRule extends RuleBase {
  kind: 'filter';
  logsource: LogSource;
  rules: string[];
  detection: Detection;
}

export type SigmaRule = SigmaDetectionRule | SigmaCorrelationRule | SigmaFilterRule;

export interface SigmaLoadError {
  file: string;
  error: string;
  /** 0-based document index when the error is in one document of a multi-document file */
  doc?: number;
  line?: number;
}

export interface SigmaParseResult {
  rules: SigmaRule[];
  errors: SigmaLoadError[];
}

/** Raised while parsing or compiling; the message is the reason shown to the user. */
export class SigmaError extends Error {
  override name = 'SigmaError';
}
