/**
 * Sigma rule linter: YAML errors, required fields, unknown modifiers, conditions naming missing
 * search identifiers, invalid regular expressions, correlation references, duplicate ids/names,
 * fields a CloudTrail record never has, and whether each rule compiles.
 */
import { COMPONENTS, ELEMENTS, SEVERITIES } from '../../model/types.js';
import { compileRule } from './compile.js';
import { conditionRefs, expandOf } from './condition.js';
import { type Dialect, duckdb } from './dialect.js';
import { loadMapping, type RuleFile, readRuleFiles } from './load.js';
import { isKnownField, type Mapping, tableFor } from './mapping.js';
import { parseSigma } from './parse.js';
import { type DetectionNode, type FieldMatcher, SigmaError, type SigmaRule } from './types.js';
import { compileMatcher, KNOWN_MODIFIERS } from './values.js';

export type LintSeverity = 'error' | 'warning' | 'info';

export interface LintIssue {
  file: string;
  /** 0-based document index in the file */
  doc?: number;
  line?: number;
  ruleId?: string;
  title?: string;
  severity: LintSeverity;
  code: string;
  message: string;
}

export interface LintOptions {
  mapping?: Mapping;
  dialect?: Dialect;
  placeholders?: Record<string, string[]>;
}

const STATUSES = new Set(['stable', 'test', 'experimental', 'deprecated', 'unsupported']);
const LEVELS = new Set(['informational', 'low', 'medium', 'high', 'critical']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function parseErrorCode(msg: string): string {
  if (msg.startsWith('invalid YAML')) return 'yaml';
  if (/ is missing$| is missing or empty$|is required/.test(msg)) return 'missing-field';
  if (msg.startsWith('condition')) return 'condition';
  return 'invalid';
}

function matchers(n: DetectionNode, out: FieldMatcher[] = []): FieldMatcher[] {
  if (n.type === 'field') out.push(n);
  else for (const x of n.items) matchers(x, out);
  return out;
}

function lintRule(
  rule: SigmaRule,
  mapping: Mapping,
  add: (sev: LintSeverity, code: string, msg: string) => void,
): void {
  if (rule.title.length > 256) add('warning', 'title', 'title is longer than 256 characters');
  if (rule.id !== undefined && !UUID.test(rule.id)) add('info', 'id-format', `id "${rule.id}" is not a UUID`);
  if (rule.status !== undefined && !STATUSES.has(rule.status))
    add('warning', 'status', `unknown status "${rule.status}"`);
  if (rule.status === 'deprecated' || rule.status === 'unsupported') {
    add('info', 'status', `status is ${rule.status}`);
  }
  if (rule.level !== undefined && !LEVELS.has(rule.level))
    add('warning', 'level', `unknown level "${rule.level}"`);
  for (const k of ['date', 'modified'] as const) {
    const v = rule[k];
    if (v !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(v))
      add('warning', 'date-format', `${k} "${v}" is not YYYY-MM-DD`);
  }
  const ext = rule.genaiIr;
  if (ext) {
    for (const e of ext.elements ?? []) {
      if (!(ELEMENTS as readonly string[]).includes(e))
        add('error', 'genai-ir', `genai_ir.elements: unknown element "${e}"`);
    }
    for (const c of ext.components ?? []) {
      if (!(COMPONENTS as readonly string[]).includes(c))
        add('error', 'genai-ir', `genai_ir.components: unknown component "${c}"`);
    }
    if (ext.severity !== undefined && !(SEVERITIES as readonly string[]).includes(ext.severity)) {
      add('error', 'genai-ir', `genai_ir.severity: unknown severity "${ext.severity}"`);
    }
  }
  for (const w of rule.warnings) add('warning', 'yaml', w);

  if (rule.kind === 'correlation') {
    const c = rule.correlation;
    if (c.groupBy.length === 0)
      add('warning', 'correlation', 'correlation has no group-by: all events form one group');
    if (c.type === 'value_percentile')
      add('warning', 'correlation', 'value_percentile is not supported by genai-ir');
    if (/w\s*$/.test(c.timespanText))
      add(
        'warning',
        'correlation',
        `timespan "${c.timespanText}": the specification only defines s, m, h, d`,
      );
    return;
  }

  const det = rule.detection;
  const names = [...det.searches.keys()];
  const used = new Set<string>();
  for (const cond of det.conditions) {
    const { ids, patterns } = conditionRefs(cond.ast);
    for (const id of ids) {
      if (!det.searches.has(id))
        add(
          'error',
          'unknown-identifier',
          `condition "${cond.text}" refers to "${id}", which is not defined`,
        );
      used.add(id);
    }
    if (cond.aggregation?.kind === 'near') {
      for (const t of cond.aggregation.near?.split(/\s+and\s+/i) ?? []) used.add(t.trim());
    }
    for (const p of patterns) {
      const hit = expandOf(p, names);
      if (hit.length === 0)
        add(
          'error',
          'unmatched-pattern',
          `condition "${cond.text}": "${p ?? 'them'}" matches no search identifier`,
        );
      for (const h of hit) used.add(h);
    }
    if (cond.aggregation) {
      add(
        'warning',
        'legacy-aggregation',
        `condition uses the Sigma 1 aggregation "| ${cond.aggregation.text}"; genai-ir runs it as a correlation, but Sigma 2 tools reject it: write a correlation rule`,
      );
    }
  }
  if (det.timeframe && !det.conditions.some((c) => c.aggregation)) {
    add(
      'warning',
      'timeframe',
      `timeframe ${det.timeframe} has no effect without an aggregation: each event is matched alone`,
    );
  }
  for (const n of names)
    if (!used.has(n))
      add('warning', 'unused-identifier', `search identifier "${n}" is not used by the condition`);

  const mapped = !('error' in tableFor(mapping, rule.logsource));
  for (const [name, node] of det.searches) {
    for (const m of matchers(node)) {
      const unknown = m.modifiers.filter((x) => !KNOWN_MODIFIERS.has(x.toLowerCase()));
      if (unknown.length) {
        add(
          'error',
          'unknown-modifier',
          `${name}: unknown modifier${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} in "${m.key}"`,
        );
        continue;
      }
      const mods = m.modifiers.map((x) => x.toLowerCase());
      if (m.field === null) add('info', 'keywords', `${name}: keyword search over the whole record`);
      if (mods.includes('all') && m.values.length < 2)
        add('warning', 'all-single', `${name}: "all" with a single value in "${m.key}"`);
      if (m.values.includes(null) && m.values.length > 1) {
        add(
          'warning',
          'null-in-list',
          `${name}: null in a list of values ("${m.key}"); write it as its own selection`,
        );
      }
      if (mods.includes('expand')) {
        add(
          'warning',
          'placeholder',
          `${name}: "${m.key}" uses placeholders, which need values before the rule can run`,
        );
      } else {
        try {
          compileMatcher(m);
        } catch (e) {
          if (!(e instanceof SigmaError)) throw e;
          const re = mods.includes('re') && /regular expression|not supported/.test(e.message);
          add('error', re ? 'invalid-regex' : 'invalid-value', `${name}: ${e.message}`);
        }
      }
      const never = m.field !== null && mods.length === 0 ? mapping.neverValues.get(m.field) : undefined;
      if (mapped && never) {
        for (const v of m.values) {
          if (v !== null && never.values.includes(String(v).toLowerCase())) {
            add(
              'warning',
              'never-value',
              `${name}: ${m.field} is never "${String(v)}" in ${mapping.name} records: ${never.why}`,
            );
          }
        }
      }
      if (mapped && m.field !== null) {
        const fields = [m.field];
        if (mods.includes('fieldref'))
          fields.push(...m.values.filter((v): v is string => typeof v === 'string'));
        for (const f of fields) {
          if (!isKnownField(mapping, f)) {
            add(
              'warning',
              'unknown-field',
              `${name}: field "${f}" is not a field of ${mapping.name} records; it never matches`,
            );
          }
        }
      }
    }
  }
}

/** Lints rule texts already read (pure; `lintRules` reads the files). */
export function lintTexts(files: RuleFile[], mapping: Mapping, opts: LintOptions = {}): LintIssue[] {
  const issues: LintIssue[] = [];
  const rules: SigmaRule[] = [];
  for (const f of files) {
    const r = parseSigma(f.text, f.file);
    for (const e of r.errors) {
      issues.push({
        file: e.file,
        doc: e.doc,
        line: e.line,
        severity: 'error',
        code: parseErrorCode(e.error),
        message: e.error,
      });
    }
    rules.push(...r.rules);
  }
  const addFor =
    (rule: SigmaRule) =>
    (severity: LintSeverity, code: string, message: string): void => {
      issues.push({
        file: rule.source.file ?? '<text>',
        doc: rule.source.doc,
        line: rule.source.line,
        ruleId: rule.id,
        title: rule.title,
        severity,
        code,
        message,
      });
    };

  // duplicates
  const seen = new Map<string, SigmaRule>();
  const seenName = new Map<string, SigmaRule>();
  for (const r of rules) {
    if (r.id !== undefined) {
      const prev = seen.get(r.id);
      if (prev)
        addFor(r)(
          'error',
          'duplicate-id',
          `id ${r.id} is also used by "${prev.title}" (${prev.source.file})`,
        );
      else seen.set(r.id, r);
    }
    if (r.name !== undefined) {
      const prev = seenName.get(r.name);
      if (prev)
        addFor(r)(
          'error',
          'duplicate-name',
          `name "${r.name}" is also used by "${prev.title}" (${prev.source.file})`,
        );
      else seenName.set(r.name, r);
    }
  }

  // references of correlations and filters
  for (const r of rules) {
    const refs = r.kind === 'correlation' ? r.correlation.rules : r.kind === 'filter' ? r.rules : [];
    for (const ref of refs) {
      const target = rules.find((x) => x.id === ref || x.name === ref);
      if (!target)
        addFor(r)('error', 'bad-reference', `refers to rule "${ref}", which is not among the rules linted`);
      else if (target.kind === 'filter')
        addFor(r)('error', 'bad-reference', `refers to "${ref}", which is a filter`);
      else if (r.kind === 'filter' && target.kind !== 'detection') {
        addFor(r)('error', 'bad-reference', `filter names "${ref}", which is not a detection rule`);
      }
    }
    if (r.kind === 'correlation') {
      for (const [alias, m] of Object.entries(r.correlation.aliases)) {
        for (const k of Object.keys(m)) {
          if (
            !r.correlation.rules.some(
              (ref) =>
                ref === k ||
                rules.some((x) => (x.id === ref || x.name === ref) && (x.name === k || x.id === k)),
            )
          ) {
            addFor(r)(
              'warning',
              'alias',
              `alias "${alias}" names "${k}", which is not one of the correlated rules`,
            );
          }
        }
        if (!r.correlation.groupBy.includes(alias))
          addFor(r)('warning', 'alias', `alias "${alias}" is not used in group-by`);
      }
    }
  }

  const placeholdersMissing = (msg: string): boolean => /placeholder %/.test(msg);
  for (const r of rules) {
    const add = addFor(r);
    const before = issues.length;
    lintRule(r, mapping, add);
    if (r.kind === 'filter') continue;
    if (issues.slice(before).some((i) => i.severity === 'error')) continue;
    if (
      issues.some(
        (i) =>
          i.severity === 'error' && i.code === 'bad-reference' && i.ruleId === r.id && i.title === r.title,
      )
    )
      continue;
    const c = compileRule(r, {
      mapping,
      dialect: opts.dialect ?? duckdb,
      rules,
      placeholders: opts.placeholders,
    });
    if ('error' in c) {
      const mine = issues.slice(before);
      if (c.error.startsWith('unsupported log source')) add('warning', 'unsupported-logsource', c.error);
      else if (placeholdersMissing(c.error)) {
        if (!mine.some((i) => i.code === 'placeholder')) add('warning', 'placeholder', c.error);
      } else add('error', 'compile', c.error);
    }
  }
  return issues;
}

/** Lints the rule files below the given paths (`.yml` / `.yaml`, recursively). */
export async function lintRules(dirOrFiles: string | string[], opts: LintOptions = {}): Promise<LintIssue[]> {
  const { files, errors } = await readRuleFiles(dirOrFiles);
  const mapping = opts.mapping ?? (await loadMapping());
  const issues: LintIssue[] = errors.map((e) => ({
    file: e.file,
    severity: 'error',
    code: 'read',
    message: e.error,
  }));
  return [...issues, ...lintTexts(files, mapping, opts)];
}
