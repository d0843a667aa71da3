import { describe, expect, it } from 'vitest';
import type { Finding } from '../model/types.js';
import { CaseStore, memoryLimit, sizeBytes } from '../store/case-store.js';
import { runDetectors } from './detect.js';
import { type Detector, makeFinding } from './detector.js';

const limitOf = async (store: CaseStore): Promise<number> => sizeBytes(await memoryLimit(store));

describe('runDetectors', () => {
  it('returns what detectors noted for the reader', async () => {
    const store = await CaseStore.open(':memory:');
    try {
      const d: Detector = {
        id: 'test.noting',
        title: 'notes a rule it could not run',
        elements: ['access'],
        run: async (ctx) => {
          ctx.notes?.push('rule x: query failed');
          return [];
        },
      };
      const res = await runDetectors(store, [d]);
      expect(res.notes).toEqual(['rule x: query failed']);
    } finally {
      await store.close();
    }
  });

  it('reads DuckDB sizes', () => {
    expect(sizeBytes('512.0 MiB')).toBe(512 * 2 ** 20);
    expect(sizeBytes('1.0 GiB')).toBe(2 ** 30);
    expect(sizeBytes('953.6 MB')).toBeCloseTo(953.6e6);
    expect(sizeBytes('lots')).toBeNaN();
  });

  it('runs a detector that ran out of memory again with a higher limit, and says so', async () => {
    const store = await CaseStore.open(':memory:', { memoryLimit: '256MiB' });
    try {
      let calls = 0;
      let sharedRuns = 0;
      // a shared result that fails the first time, as a pass over every invocation would
      const shared = (ctx: Parameters<Detector['run']>[0]): Promise<number> => {
        let p = ctx.shared.get('pass') as Promise<number> | undefined;
        if (!p) {
          sharedRuns++;
          p =
            sharedRuns === 1
              ? Promise.reject(new Error('Out of Memory Error: failed to pin block'))
              : Promise.resolve(7);
          p.catch(() => {});
          ctx.shared.set('pass', p);
        }
        return p;
      };
      const d: Detector = {
        id: 'test.hungry',
        title: 'needs memory once',
        elements: ['invocation'],
        run: async (ctx) => {
          calls++;
          const n = await shared(ctx);
          return [{ id: `f-${n}` } as unknown as Finding];
        },
      };
      const broken: Detector = {
        id: 'test.broken',
        title: 'fails for another reason',
        elements: ['invocation'],
        run: async () => {
          throw new Error('Binder Error: no such column');
        },
      };
      const res = await runDetectors(store, [d, broken]);
      expect(calls).toBe(2);
      expect(sharedRuns).toBe(2);
      expect(res.findings.map((f) => f.id)).toEqual(['f-7']);
      expect(await limitOf(store)).toBe(512 * 2 ** 20);
      expect(res.notes).toEqual([
        'detector test.hungry ran out of DuckDB memory; the memory limit was raised to 512 MiB',
      ]);
      // other errors are not retried
      expect(res.errors).toEqual([{ detector: 'test.broken', error: 'Binder Error: no such column' }]);
    } finally {
      await store.close();
    }
  });

  it('keeps findings of one rule that have no records of their own apart by what they are about', async () => {
    const summary = (who: string) =>
      makeFinding({
        ruleId: 'x.summary',
        title: `${who}: 3 email`,
        severity: 'informational',
        elements: ['private-data'],
        times: [],
        principals: [`arn:aws:iam::111122223333:role/${who}`],
        evidence: {},
      });
    const a = summary('app');
    expect(summary('app').id).toBe(a.id);
    expect(summary('other').id).not.toBe(a.id);
    const det: Detector = {
      id: 'x',
      title: 'x',
      elements: ['private-data'],
      run: async () => [a, summary('other')],
    };
    const store = await CaseStore.open(':memory:');
    try {
      expect((await runDetectors(store, [det])).findings).toHaveLength(2);
    } finally {
      await store.close();
    }
  });

  it('lets the shared results of a released group go after its last detector, and keeps the others', async () => {
    const seen: string[] = [];
    const make = (id: string, key: string): Detector => ({
      id,
      title: id,
      elements: ['invocation'],
      run: async (ctx) => {
        seen.push(`${id}:${ctx.shared.has(key) ? 'hit' : 'miss'}`);
        ctx.shared.set(key, Promise.resolve(1));
        return [];
      },
    });
    const store = await CaseStore.open(':memory:');
    try {
      const r = await runDetectors(
        store,
        [
          make('data-plane.a', 'data-plane:x'),
          make('data-plane.b', 'data-plane:x'),
          make('control-plane.c', 'control-plane:y'),
          make('control-plane.d', 'control-plane:y'),
        ],
        { release: ['data-plane'] },
      );
      expect(seen).toEqual([
        'data-plane.a:miss',
        'data-plane.b:hit',
        'control-plane.c:miss',
        'control-plane.d:hit',
      ]);
      expect([...r.shared.keys()]).toEqual(['control-plane:y']);
    } finally {
      await store.close();
    }
  });
});
