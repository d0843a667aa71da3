/**
 * Runs detectors in dependency order (`after`), each seeing the findings of those before it.
 * A detector that fails is reported in `errors` and the others still run. One that runs out of
 * DuckDB memory is run again with the limit doubled (up to half the machine's memory), and the
 * raise is reported in `notes`: a report must not lose findings to a memory setting. Results
 * detectors share (`ctx.shared`) of the groups named in `release` are let go when the last
 * detector of their group has run.
 */
import { totalmem } from 'node:os';
import type { Finding } from '../model/types.js';
import { memoryLimit, type Queryable, sizeBytes } from '../store/case-store.js';
import type { DetectContext, Detector } from './detector.js';
import { relieveHeap } from './heap.js';
import { type IdentityOf, loadIdentityOf } from './principal-names.js';

export interface DetectResult {
  findings: Finding[];
  errors: Array<{ detector: string; error: string }>;
  /** what the run did that the reader should know (memory limit raised, detectors' own notes) */
  notes: string[];
  shared: Map<string, unknown>;
}

const OUT_OF_MEMORY = /Out of Memory Error/i;

/** Doubles DuckDB's memory limit, up to half the machine's memory; the new limit, or null. */
async function raiseMemoryLimit(db: Queryable): Promise<string | null> {
  const now = sizeBytes(await memoryLimit(db));
  const cap = Math.floor(totalmem() / 2);
  if (!Number.isFinite(now) || now * 1.5 > cap) return null;
  const next = Math.min(cap, Math.round(now * 2));
  const mib = Math.floor(next / 2 ** 20);
  await db.run(`SET memory_limit = '${mib}MiB'`);
  return `${mib} MiB`;
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
  opts: {
    shared?: Map<string, unknown>;
    onDetector?: (id: string) => void;
    /** groups (`data-plane`) whose shared results no detector of another group reads */
    release?: string[];
    /** the case's principal names (loaded from `db` when not given) */
    identityOf?: IdentityOf;
  } = {},
): Promise<DetectResult> {
  const notes: string[] = [];
  // the case's principals by their full ARNs, before any detector names one
  const identityOf = opts.identityOf ?? (await loadIdentityOf(db));
  const ctx: DetectContext = { db, findings: [], shared: opts.shared ?? new Map(), notes, identityOf };
  const errors: DetectResult['errors'] = [];
  const order = orderDetectors(detectors);
  // shared results are named `<group>:<name>` after the group of detectors that make and read
  // them (`data-plane.*`); the groups in `release` are let go once their last detector ran (on a
  // large case the data plane's are every runtime call and the text pass's results)
  const groupOf = (id: string): string => id.split('.')[0];
  const lastOfGroup = new Map(order.map((d, i) => [groupOf(d.id), i]));
  for (const [i, d] of order.entries()) {
    opts.onDetector?.(d.id);
    for (let attempt = 0; ; attempt++) {
      try {
        const fs = await d.run(ctx);
        ctx.findings.push(...fs);
        relieveHeap();
        break;
      } catch (e) {
        const msg = (e as Error).message;
        if (attempt < 3 && OUT_OF_MEMORY.test(msg)) {
          const raised = await raiseMemoryLimit(db);
          if (raised) {
            notes.push(`detector ${d.id} ran out of DuckDB memory; the memory limit was raised to ${raised}`);
            await forgetFailures(ctx.shared);
            continue;
          }
        }
        errors.push({ detector: d.id, error: msg });
        break;
      }
    }
    if (opts.release?.includes(groupOf(d.id)) && lastOfGroup.get(groupOf(d.id)) === i) {
      for (const k of [...ctx.shared.keys()]) if (k.startsWith(`${groupOf(d.id)}:`)) ctx.shared.delete(k);
      relieveHeap(0);
    }
  }
  // one finding per id (two detectors may reach the same records under the same rule)
  const seen = new Map<string, Finding>();
  for (const f of ctx.findings) if (!seen.has(f.id)) seen.set(f.id, f);
  return { findings: [...seen.values()], errors, notes, shared: ctx.shared };
}

/** Drops shared results (promises) that failed, so that a retry computes them again. */
async function forgetFailures(shared: Map<string, unknown>): Promise<void> {
  for (const [k, v] of [...shared]) {
    if (
      v instanceof Promise &&
      !(await v.then(
        () => true,
        () => false,
      ))
    )
      shared.delete(k);
  }
}
