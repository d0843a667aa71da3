/**
 * Runs detectors in dependency order (`after`), each seeing the findings of those before it.
 * A detector that fails is reported in `errors` and the others still run.
 */
import type { Finding } from '../model/types.js';
import type { Queryable } from '../store/case-store.js';
import type { DetectContext, Detector } from './detector.js';

export interface DetectResult {
  findings: Finding[];
  errors: Array<{ detector: string; error: string }>;
  shared: Map<string, unknown>;
}

export function orderDetectors(detectors: Detector[]): Detector[] {
  const byId = new Map(detectors.map((d) => [d.id, d]));
  const out: Detector[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (d: Detector): void => {
    const s = state.get(d.id);
    if (s === 'done') return;
    if (s === 'visiting') throw new Error(`detector dependency cycle at ${d.id}`);
    state.set(d.id, 'visiting');
    for (const dep of d.after ?? []) {
      const x = byId.get(dep);
      if (x) visit(x);
    }
    state.set(d.id, 'done');
    out.push(d);
  };
  for (const d of detectors) visit(d);
  return out;
}

export async function runDetectors(
  db: Queryable,
  detectors: Detector[],
  opts: { shared?: Map<string, unknown>; onDetector?: (id: string) => void } = {},
): Promise<DetectResult> {
  const ctx: DetectContext = { db, findings: [], shared: opts.shared ?? new Map() };
  const errors: DetectResult['errors'] = [];
  for (const d of orderDetectors(detectors)) {
    opts.onDetector?.(d.id);
    try {
      const fs = await d.run(ctx);
      ctx.findings.push(...fs);
    } catch (e) {
      errors.push({ detector: d.id, error: (e as Error).message });
    }
  }
  // one finding per id (two detectors may reach the same records under the same rule)
  const seen = new Map<string, Finding>();
  for (const f of ctx.findings) if (!seen.has(f.id)) seen.set(f.id, f);
  return { findings: [...seen.values()], errors, shared: ctx.shared };
}
