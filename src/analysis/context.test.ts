import { describe, expect, it } from 'vitest';
import { CaseStore } from '../store/case-store.js';
import { eachByTime } from './context.js';

describe('eachByTime', () => {
  it('gives the rows of one whole ordered query, slice by slice, ties and rows without a time included', async () => {
    const store = await CaseStore.open(':memory:');
    try {
      await store.run('CREATE TEMP TABLE t (uid VARCHAR, time TIMESTAMP, v INTEGER)');
      // 40 rows over 7 instants (ties across every slice boundary), 3 without a time, in no order
      await store.run(
        `INSERT INTO t SELECT 'u' || lpad(CAST((i * 17) % 43 AS VARCHAR), 2, '0'),
                CASE WHEN i % 14 = 13 THEN NULL ELSE TIMESTAMP '2025-01-01 00:00:00.5' + (i % 7) * INTERVAL 1 SECOND END, i
         FROM range(43) r(i)`,
      );
      const whole = (await store.all('SELECT uid, v FROM t WHERE v <> 5 ORDER BY time, uid')).map(
        (r) => r.uid,
      );
      for (const per of [1, 3, 10, 1000]) {
        const got: unknown[] = [];
        let calls = 0;
        await eachByTime(
          store,
          't',
          'uid, v',
          'v <> 5',
          (rows) => {
            calls++;
            for (const r of rows) got.push(r.uid);
          },
          per,
        );
        expect(got).toEqual(whole);
        if (per === 3) expect(calls).toBeGreaterThan(3); // it did read in slices
      }
    } finally {
      await store.close();
    }
  });
});
