import { describe, expect, it } from 'vitest';
import type { Finding } from '../model/types.js';
import { CaseStore, sizeBytes } from '../store/case-store.js';
import { runDetectors } from './detect.js';
import type { Detector } from './detector.js';

const limitOf = async (store: CaseStore): Promise<number> =>
  sizeBytes(String((await store.all("SELECT current_setting('memory_limit') AS m"))[0].m));

describe('runDetectors', () => {
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
});
