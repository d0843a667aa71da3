/**
 * The reference tables of data/ (price table, AWS-owned image registries) are read here and checked:
 * the shipped files load, and a malformed registry file is refused with an error naming the file and
 * the problem.
 */
import { describe, expect, it } from 'vitest';
import {
  AWS_REGISTRIES_FILE,
  DataFileError,
  loadAwsImageRegistries,
  loadAwsLayerAccounts,
  loadPriceTable,
  parseAwsImageRegistries,
  parseAwsLayerAccounts,
  parsePriceTable,
  readDataJson,
} from './data-files.js';

describe('data files', () => {
  it('loads the shipped AWS image registries and price table', () => {
    const aws = loadAwsImageRegistries();
    // Deep Learning Containers, the XGBoost / scikit-learn registry and a first-party algorithm, us-east-1
    for (const a of ['763104351884', '683313688378', '382416733822']) expect(aws.has(a)).toBe(true);
    expect(aws.has('111122223333')).toBe(false);
    expect([...aws].every((a) => /^\d{12}$/.test(a))).toBe(true);
    expect(loadPriceTable().get('anthropic.claude-3-haiku')).toEqual({ input: 0.00025, output: 0.00125 });
  });

  it('loads the shipped AWS Lambda layer publishers and refuses a malformed file', () => {
    const aws = loadAwsLayerAccounts();
    // Lambda Insights, ADOT, Parameters and Secrets (ca-central-1), AppConfig (us-east-1)
    for (const a of ['580247275435', '901920570463', '200266452380', '027255383542'])
      expect(aws.has(a)).toBe(true);
    expect(aws.has('111122223333')).toBe(false);
    expect([...aws].every((a) => /^\d{12}$/.test(a))).toBe(true);
    expect(() => parseAwsLayerAccounts({ groups: { x: { accounts: { '12345': '' } } } })).toThrow(
      /^data\/aws-lambda-layers\.json: group "x" lists "12345"/,
    );
  });

  it('refuses a malformed registry file with a clear error', () => {
    const parse = (text: string) => parseAwsImageRegistries(readDataJson(AWS_REGISTRIES_FILE, text));
    expect(() => parse('{"groups": {')).toThrow(DataFileError);
    expect(() => parse('{"groups": {')).toThrow(/^data\/aws-image-registries\.json: not valid JSON/);
    expect(() => parse('{"accounts": ["763104351884"]}')).toThrow(/"groups" is not an object/);
    expect(() => parse('{"groups": {"dlc": {"accounts": ["763104351884"]}}}')).toThrow(
      /group "dlc" has no "accounts" object/,
    );
    expect(() => parse('{"groups": {"dlc": {"accounts": {"76310435188": "us-east-1"}}}}')).toThrow(
      /"76310435188", not a 12-digit account id/,
    );
    expect(() => parse('{"groups": {}}')).toThrow(/lists no account/);
    expect(parse('{"groups": {"dlc": {"accounts": {"763104351884": "us-east-1"}}}}')).toEqual(
      new Set(['763104351884']),
    );
  });

  it('keeps priced model families and skips entries without two prices', () => {
    expect(parsePriceTable({ models: { a: { input: 1, output: 2 }, b: { input: 1 }, c: null } })).toEqual(
      new Map([['a', { input: 1, output: 2 }]]),
    );
    expect(() => parsePriceTable({ models: [] })).toThrow(/bedrock-prices\.json: "models" is not an object/);
  });
});
