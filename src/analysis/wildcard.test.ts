import { describe, expect, it } from 'vitest';
import { wildcardMatch } from './wildcard.js';

describe('wildcardMatch', () => {
  it('matches * and ? over the whole string', () => {
    expect(wildcardMatch('193.176.86.*', '193.176.86.41')).toBe(true);
    expect(wildcardMatch('193.176.86.*', '193.176.87.41')).toBe(false);
    expect(wildcardMatch('repo:org/app:*', 'repo:org/app:pull_request')).toBe(true);
    expect(wildcardMatch('10.0.0.?', '10.0.0.7')).toBe(true);
    expect(wildcardMatch('10.0.0.?', '10.0.0.17')).toBe(false);
    expect(wildcardMatch('*', '')).toBe(true);
    expect(wildcardMatch('', 'x')).toBe(false);
    expect(wildcardMatch('a*b*c', 'axxbyyc')).toBe(true);
    expect(wildcardMatch('a*b*c', 'axxbyy')).toBe(false);
  });

  it('treats regular-expression characters as themselves', () => {
    expect(wildcardMatch('a.c', 'abc')).toBe(false);
    expect(wildcardMatch('(a+)+$', '(a+)+$')).toBe(true);
  });

  it('answers a hostile pattern of many stars against a long value without backtracking blow-up', () => {
    // as a regular expression (^.*a.*a...b$) this takes longer than the test's time limit
    const pattern = `${'*a'.repeat(60)}b`;
    expect(wildcardMatch(pattern, 'a'.repeat(400))).toBe(false);
  });
});
