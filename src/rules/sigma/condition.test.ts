import { describe, expect, it } from 'vitest';
import {
  conditionRefs,
  expandOf,
  matchIdentifierPattern,
  parseCondition,
  parseLegacyAggregation,
} from './condition.js';

describe('sigma condition parser', () => {
  it('parses a single identifier', () => {
    expect(parseCondition('selection').ast).toEqual({ op: 'id', name: 'selection' });
  });

  it('binds not tighter than and, and tighter than or', () => {
    expect(parseCondition('a or b and not c').ast).toEqual({
      op: 'or',
      args: [
        { op: 'id', name: 'a' },
        {
          op: 'and',
          args: [
            { op: 'id', name: 'b' },
            { op: 'not', arg: { op: 'id', name: 'c' } },
          ],
        },
      ],
    });
  });

  it('honours parentheses', () => {
    expect(parseCondition('(a or b) and c').ast).toEqual({
      op: 'and',
      args: [
        {
          op: 'or',
          args: [
            { op: 'id', name: 'a' },
            { op: 'id', name: 'b' },
          ],
        },
        { op: 'id', name: 'c' },
      ],
    });
  });

  it('parses quantifiers over patterns and them', () => {
    expect(parseCondition('1 of selection_* and not all of filter*').ast).toEqual({
      op: 'and',
      args: [
        { op: 'of', count: 1, pattern: 'selection_*' },
        { op: 'not', arg: { op: 'of', count: 'all', pattern: 'filter*' } },
      ],
    });
    expect(parseCondition('all of them').ast).toEqual({ op: 'of', count: 'all', pattern: null });
    expect(parseCondition('1 OF them').ast).toEqual({ op: 'of', count: 1, pattern: null });
    expect(parseCondition('any of sel*').ast).toEqual({ op: 'of', count: 1, pattern: 'sel*' });
  });

  it('accepts keywords in any case and nested not', () => {
    expect(parseCondition('NOT not a').ast).toEqual({
      op: 'not',
      arg: { op: 'not', arg: { op: 'id', name: 'a' } },
    });
    expect(parseCondition('a AND b').ast).toEqual({
      op: 'and',
      args: [
        { op: 'id', name: 'a' },
        { op: 'id', name: 'b' },
      ],
    });
  });

  it('rejects malformed conditions with a reason', () => {
    expect(() => parseCondition('')).toThrow(/empty/);
    expect(() => parseCondition('a and')).toThrow(/unexpected end/);
    expect(() => parseCondition('(a or b')).toThrow(/missing "\)"/);
    expect(() => parseCondition('a b')).toThrow(/unexpected "b"/);
    expect(() => parseCondition('a or )')).toThrow(/unexpected "\)"/);
    expect(() => parseCondition('sel*')).toThrow(/wildcard/);
    expect(() => parseCondition('2x of sel')).toThrow(/1 of/);
    expect(() => parseCondition('a & b')).toThrow(/unexpected character/);
    expect(() => parseCondition('1 of and')).toThrow(/cannot follow/);
  });

  it('splits off a Sigma 1 aggregation', () => {
    const c = parseCondition('selection | count() by sourceIPAddress > 5');
    expect(c.ast).toEqual({ op: 'id', name: 'selection' });
    expect(c.aggregation).toMatchObject({ kind: 'count', by: ['sourceIPAddress'], op: '>', value: 5 });
    expect(parseLegacyAggregation('count(userName) >= 3')).toMatchObject({
      kind: 'count',
      field: 'userName',
      op: '>=',
      value: 3,
    });
    expect(parseCondition('a | near b').aggregation).toMatchObject({ kind: 'near', near: 'b' });
    expect(parseLegacyAggregation('max(x) > 1')).toMatchObject({ kind: 'other' });
  });

  it('expands identifier patterns', () => {
    const names = ['selection', 'selection_a', 'filter_main', '_hidden'];
    expect(expandOf('selection*', names)).toEqual(['selection', 'selection_a']);
    expect(expandOf('*main', names)).toEqual(['filter_main']);
    expect(expandOf(null, names)).toEqual(['selection', 'selection_a', 'filter_main']);
    expect(matchIdentifierPattern('sel?ction', 'selection')).toBe(true);
    expect(matchIdentifierPattern('a.b', 'axb')).toBe(false);
    expect(conditionRefs(parseCondition('a and not 1 of f*').ast)).toEqual({ ids: ['a'], patterns: ['f*'] });
  });
});
