import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { relieveHeap } from './heap.js';

describe('relieveHeap', () => {
  it('collects garbage once the heap grew by more than the slack, and not before', () => {
    relieveHeap(0); // a known floor
    expect(relieveHeap(64 * 2 ** 20)).toBe(false);
    let junk: Array<{ s: string }> | null = [];
    for (let i = 0; i < 400_000; i++) junk.push({ s: `row ${i} ${'x'.repeat(40)}` });
    const grown = getHeapStatistics().used_heap_size;
    junk = null;
    expect(relieveHeap(16 * 2 ** 20)).toBe(true);
    expect(getHeapStatistics().used_heap_size).toBeLessThan(grown - 16 * 2 ** 20);
  });
});
