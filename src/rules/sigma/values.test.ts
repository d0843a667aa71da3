import { describe, expect, it } from 'vitest';
import { SigmaNumber } from './types.js';
import {
  base64Offsets,
  checkRegex,
  compileMatcher,
  MULTI,
  parseCidr,
  parseSigmaString,
  SINGLE,
  sigmaStringToText,
  windashVariants,
} from './values.js';

const m = (key: string, values: unknown[]) => {
  const [field, ...modifiers] = key.split('|');
  return { type: 'field' as const, field: field || null, modifiers, values: values as never[], key };
};

describe('sigma strings', () => {
  it('parses wildcards and escapes as the specification says', () => {
    expect(parseSigmaString('a*b?c').parts).toEqual(['a', MULTI, 'b', SINGLE, 'c']);
    expect(parseSigmaString('a\\*b\\?').parts).toEqual(['a*b?']);
    expect(parseSigmaString('C:\\Windows\\x').parts).toEqual(['C:\\Windows\\x']);
    expect(parseSigmaString('a\\\\*').parts).toEqual(['a\\', MULTI]);
    expect(parseSigmaString('a\\\\\\*').parts).toEqual(['a\\*']);
    expect(parseSigmaString('\\\\\\\\').parts).toEqual(['\\\\']);
    expect(parseSigmaString('').parts).toEqual([]);
    expect(sigmaStringToText(parseSigmaString('a\\*b*'))).toBe('a\\*b*');
  });

  it('computes the three base64 offsets like pySigma', () => {
    // values from pySigma's tests
    expect(base64Offsets(new TextEncoder().encode('foobar'))).toEqual(['Zm9vYmFy', 'Zvb2Jhc', 'mb29iYX']);
    expect(base64Offsets(new TextEncoder().encode('/bin/sh'))).toHaveLength(3);
  });

  it('expands windash positions', () => {
    const v = windashVariants(parseSigmaString('cmd -a /b'));
    expect(v.map((x) => x.parts.join(''))).toHaveLength(25);
    expect(v.map((x) => x.parts.join(''))).toContain('cmd /a -b');
    expect(v.map((x) => x.parts.join(''))).toContain('cmd \u2013a \u2014b');
  });

  it('parses IPv4 and IPv6 networks', () => {
    expect(parseCidr('10.1.2.3/8')).toMatchObject({ version: 4, bytes: [10, 0, 0, 0], prefix: 8 });
    expect(parseCidr('192.168.1.1')).toMatchObject({ prefix: 32 });
    const v6 = parseCidr('2001:db8::/33');
    expect(v6.version).toBe(6);
    expect(v6.bytes.slice(0, 5)).toEqual([0x20, 0x01, 0x0d, 0xb8, 0]);
    expect(parseCidr('::ffff:10.0.0.1/128').bytes.slice(10)).toEqual([0xff, 0xff, 10, 0, 0, 1]);
    expect(() => parseCidr('10.0.0.0/33')).toThrow(/prefix/);
    expect(() => parseCidr('300.0.0.0/8')).toThrow(/invalid network/);
    expect(() => parseCidr('1::2::3/64')).toThrow(/invalid network/);
  });

  it('checks regular expressions for what RE2 and Java both support', () => {
    expect(checkRegex('.+:assumed-role/aws:.+', '')).toBeNull();
    expect(checkRegex('(?i)^abc$', '')).toBeNull();
    expect(checkRegex('[*+]+x', '')).toBeNull();
    expect(checkRegex('a(?=b)', '')).toMatch(/look-around/);
    expect(checkRegex('(a)\\1', '')).toMatch(/back-references/);
    expect(checkRegex('a++', '')).toMatch(/possessive/);
    expect(checkRegex('a(b', '')).toMatch(/invalid regular expression/);
  });
});

describe('modifier pipeline', () => {
  it('adds wildcards for contains, startswith, endswith', () => {
    const c = compileMatcher(m('f|contains', ['x']));
    expect(c.groups[0][0]).toEqual({ kind: 'str', value: { parts: [MULTI, 'x', MULTI] } });
    expect(compileMatcher(m('f|startswith', ['x'])).groups[0][0]).toEqual({
      kind: 'str',
      value: { parts: ['x', MULTI] },
    });
    expect(compileMatcher(m('f|endswith', ['*x'])).groups[0][0]).toEqual({
      kind: 'str',
      value: { parts: [MULTI, 'x'] },
    });
  });

  it('keeps the text of YAML numbers', () => {
    const c = compileMatcher(m('f', [new SigmaNumber('1.10', 1.1)]));
    expect(c.groups[0][0]).toEqual({ kind: 'str', value: { parts: ['1.10'], num: 1.1 } });
  });

  it('encodes base64 and base64offset before contains', () => {
    expect(compileMatcher(m('f|base64', ['abc'])).groups[0][0]).toEqual({
      kind: 'str',
      value: { parts: ['YWJj'] },
    });
    const c = compileMatcher(m('f|base64offset|contains', ['foobar']));
    expect(c.groups[0]).toHaveLength(3);
    expect(c.groups[0][1]).toEqual({ kind: 'str', value: { parts: [MULTI, 'Zvb2Jhc', MULTI] } });
    expect(compileMatcher(m('f|wide|base64', ['ab'])).groups[0][0]).toEqual({
      kind: 'str',
      value: { parts: ['YQBiAA=='] },
    });
    expect(() => compileMatcher(m('f|contains|base64', ['x']))).toThrow(/wildcards/);
    expect(() => compileMatcher(m('f|wide', ['x']))).toThrow(/binary/);
  });

  it('reads type modifiers', () => {
    expect(compileMatcher(m('f|re|i|s', ['a.b'])).groups[0][0]).toEqual({
      kind: 're',
      pattern: 'a.b',
      flags: 'is',
    });
    expect(compileMatcher(m('f|gte', [new SigmaNumber('5', 5)])).groups[0][0]).toEqual({
      kind: 'num',
      op: 'gte',
      n: 5,
    });
    expect(compileMatcher(m('f|exists', [false])).groups[0][0]).toEqual({ kind: 'exists', exists: false });
    expect(compileMatcher(m('f|fieldref|endswith', ['g'])).groups[0][0]).toEqual({
      kind: 'fieldref',
      field: 'g',
      mode: 'endswith',
    });
    expect(compileMatcher(m('f|hour|lt', [new SigmaNumber('6', 6)])).groups[0][0]).toEqual({
      kind: 'time',
      part: 'hour',
      op: 'lt',
      n: 6,
    });
    expect(compileMatcher(m('f|cidr', ['10.0.0.0/8'])).groups[0][0]).toMatchObject({ kind: 'cidr' });
    const all = compileMatcher(m('f|contains|all|cased', ['a', 'b']));
    expect(all.all && all.cased).toBe(true);
    expect(compileMatcher(m('f|neq', ['a'])).negate).toBe(true);
  });

  it('rejects what cannot work, with the reason', () => {
    expect(() => compileMatcher(m('f|foo', ['x']))).toThrow(/unknown modifier "foo"/);
    expect(() => compileMatcher(m('f|i', ['x']))).toThrow(/need the re modifier/);
    expect(() => compileMatcher(m('f|re|cidr', ['x']))).toThrow(/cannot be combined/);
    expect(() => compileMatcher(m('f|gt|lt', [1]))).toThrow(/only one of/);
    expect(() => compileMatcher(m('f|gt', ['abc']))).toThrow(/number/);
    expect(() => compileMatcher(m('f|gt', [new SigmaNumber('.inf', Number.POSITIVE_INFINITY)]))).toThrow(
      /finite/,
    );
    expect(() => compileMatcher(m('f|exists', ['maybe']))).toThrow(/true or false/);
    expect(() => compileMatcher(m('f|re', ['a(?=b)']))).toThrow(/look-around/);
    expect(() => compileMatcher(m('f|contains', [null]))).toThrow(/null/);
    expect(() => compileMatcher(m('f', []))).toThrow(/empty list/);
    expect(() => compileMatcher(m('f|expand', ['%x%']))).toThrow(/placeholder %x%/);
    expect(() => compileMatcher(m('f', ['a\u0000']))).toThrow(/NUL/);
  });

  it('expands placeholders with the given values', () => {
    const c = compileMatcher(m('f|expand', ['pre-%p%\\%']), { placeholders: { p: ['a', 'b*'] } });
    expect(c.groups[0]).toEqual([
      { kind: 'str', value: { parts: ['pre-a%'] } },
      { kind: 'str', value: { parts: ['pre-b', MULTI, '%'] } },
    ]);
  });
});
