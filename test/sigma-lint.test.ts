/**
 * The Sigma linter: each kind of problem, on small texts and on SigmaHQ's AWS rules.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type LintIssue, lintRules, lintTexts, loadMapping, type Mapping } from '../src/rules/sigma/index.js';

let mapping: Mapping;
beforeAll(async () => {
  mapping = await loadMapping();
});

const LS = 'logsource: {product: aws, service: cloudtrail}';
const lint = (text: string, file = 'r.yml'): LintIssue[] => lintTexts([{ file, text }], mapping);
const codes = (issues: LintIssue[]): string[] => issues.map((i) => `${i.severity}:${i.code}`);

describe('sigma linter', () => {
  it('passes a clean rule', () => {
    expect(
      lint(`title: ok
id: 6f1e2f4a-8d3e-4c7b-9a51-0c2d3e4f5a6b
status: test
date: 2025-01-01
level: high
${LS}
detection:
  sel: {eventSource: bedrock.amazonaws.com, eventName: DeleteGuardrail}
  condition: sel
genai_ir: {elements: [ai-changes], components: [guardrails], severity: high, attack: [T1562]}
`),
    ).toEqual([]);
  });

  it('reports YAML errors with their line', () => {
    const issues = lint('title: x\ndetection: [a\n');
    expect(codes(issues)).toEqual(['error:yaml']);
    expect(issues[0].line).toBeGreaterThan(0);
    expect(codes(lint('title: a\ntitle: b\n'))).toEqual(['error:yaml']);
  });

  it('reports missing required fields', () => {
    expect(lint(`${LS}\ndetection: {s: {a: b}, condition: s}`)[0]).toMatchObject({
      code: 'missing-field',
      message: 'title is missing',
    });
    expect(lint(`title: x\ndetection: {s: {a: b}, condition: s}`)[0].message).toBe('logsource is missing');
    expect(lint(`title: x\n${LS}`)[0].message).toBe('detection is missing');
    expect(lint(`title: x\n${LS}\ndetection: {s: {a: b}}`)[0].message).toBe('detection.condition is missing');
  });

  it('reports unknown modifiers, bad regexes and bad values', () => {
    const issues = lint(`title: x
${LS}
detection:
  a: {eventName|containz: x}
  b: {eventName|re: 'a(?!b)'}
  c: {sourceIPAddress|cidr: 10.0.0.0/99}
  d: {eventName|re: '('}
  condition: 1 of them
`);
    expect(codes(issues)).toEqual([
      'error:unknown-modifier',
      'error:invalid-regex',
      'error:invalid-value',
      'error:invalid-regex',
    ]);
    expect(issues[0].message).toMatch(/containz/);
  });

  it('reports conditions that name missing search identifiers', () => {
    const issues = lint(`title: x
${LS}
detection:
  sel: {eventName: x}
  unused: {eventName: y}
  condition: sel and not filter and 1 of other*
`);
    expect(codes(issues)).toEqual([
      'error:unknown-identifier',
      'error:unmatched-pattern',
      'warning:unused-identifier',
    ]);
    expect(codes(lint(`title: x\n${LS}\ndetection: {sel: {a: b}, condition: 'sel and'}`))).toEqual([
      'error:condition',
    ]);
  });

  it('reports fields and values a CloudTrail record never has', () => {
    const issues = lint(`title: x
${LS}
detection:
  sel: {eventName: DeleteSAMLProvider, status: success}
  ok: {errorCode: Success}
  condition: sel or ok
`);
    expect(codes(issues)).toEqual(['warning:unknown-field', 'warning:never-value']);
    expect(issues[0].message).toMatch(/"status"/);
  });

  it('reports bad correlation references, cycles and duplicates', () => {
    const issues = lint(`title: c1
id: 0e95725d-7320-415d-80f7-004da920fc11
name: c1
correlation: {type: event_count, rules: [missing], group-by: [a], timespan: 1h, condition: {gte: 2}}
---
title: c2
name: c2
correlation: {type: temporal, rules: [c3], group-by: [a], timespan: 1h}
---
title: c3
name: c3
correlation: {type: temporal, rules: [c2], group-by: [a], timespan: 1h, aliases: {b: {c2: x}}}
---
title: dup
id: 0e95725d-7320-415d-80f7-004da920fc11
name: c2
${LS}
detection: {s: {eventName: x}, condition: s}
`);
    expect(codes(issues)).toEqual([
      'error:duplicate-id',
      'error:duplicate-name',
      'error:bad-reference',
      'warning:alias',
      'error:compile',
      'error:compile',
    ]);
    expect(issues.find((i) => i.code === 'bad-reference')?.message).toMatch(/"missing"/);
    expect(issues.filter((i) => i.code === 'compile').map((i) => i.message)).toEqual([
      expect.stringMatching(/loops/),
      expect.stringMatching(/loops/),
    ]);
  });

  it('reports correlation rules with missing parts', () => {
    expect(
      lint('title: c\ncorrelation: {type: event_count, rules: [x], group-by: [a], timespan: 1h}')[0].message,
    ).toMatch(/condition .* is required/);
    expect(lint('title: c\ncorrelation: {type: nope, rules: [x], timespan: 1h}')[0].message).toMatch(
      /correlation.type/,
    );
    expect(
      lint(
        'title: c\ncorrelation: {type: value_count, rules: [x], group-by: [a], timespan: 1h, condition: {gt: 1}}',
      )[0].message,
    ).toMatch(/field is required/);
  });

  it('checks our genai_ir extension against the vocabulary', () => {
    const issues = lint(`title: x
${LS}
detection: {s: {eventName: x}, condition: s}
genai_ir: {elements: [ai-changes, bogus], components: [nope], severity: urgent}
`);
    expect(codes(issues)).toEqual(['error:genai-ir', 'error:genai-ir', 'error:genai-ir']);
  });

  it('warns about rules for other log sources and Sigma 1 syntax', () => {
    expect(
      codes(lint('title: x\nlogsource: {product: windows}\ndetection: {s: {Image: x}, condition: s}')),
    ).toEqual(['warning:unsupported-logsource']);
    expect(
      codes(
        lint(
          `title: x\n${LS}\ndate: 2020/01/02\ndetection: {s: {eventName: x}, timeframe: 5m, condition: s | count() > 3}`,
        ),
      ),
    ).toEqual(['warning:date-format', 'warning:legacy-aggregation']);
  });
});

const SIGMA = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared/datasets/sigma/aws');
if (!existsSync(SIGMA)) console.log(`skipped: linting SigmaHQ's rules needs ${SIGMA}, which is absent`);

describe.skipIf(!existsSync(SIGMA))("sigma linter on SigmaHQ's AWS rules", () => {
  it('finds the problems known in them and nothing else', async () => {
    const issues = await lintRules(SIGMA, { mapping });
    const summary = issues
      .filter((i) => i.severity !== 'info' && i.code !== 'date-format')
      .map((i) => `${path.basename(i.file)} ${i.severity}:${i.code}`);
    expect(summary).toEqual([
      'aws_cloudtrail_console_login_success_from_susp_locations.yml warning:placeholder',
      'aws_cloudtrail_console_login_success_from_susp_locations.yml warning:unknown-field',
      'aws_cloudtrail_console_login_success_from_susp_locations.yml warning:placeholder',
      'aws_cloudtrail_console_login_success_from_susp_locations.yml warning:unknown-field',
      'aws_cloudtrail_bucket_deleted.yml warning:never-value',
      'aws_cloudtrail_guardduty_detector_deleted_or_updated.yml warning:never-value',
      'aws_cloudtrail_ssm_malicious_usage.yml warning:never-value',
      'aws_cloudtrail_vpc_flow_logs_deleted.yml warning:never-value',
      'aws_delete_saml_provider.yml warning:unknown-field',
      'aws_ec2_download_userdata.yml warning:legacy-aggregation',
      'aws_enum_backup.yml warning:legacy-aggregation',
      'aws_enum_listing.yml warning:legacy-aggregation',
      'aws_enum_network.yml warning:legacy-aggregation',
      'aws_enum_storage.yml warning:legacy-aggregation',
      'aws_lambda_function_created_or_invoked.yml warning:legacy-aggregation',
      'aws_lambda_function_created_or_invoked.yml error:compile',
      'aws_macic_evasion.yml warning:legacy-aggregation',
      'aws_ses_messaging_enabled.yml warning:timeframe',
    ]);
  });
});
