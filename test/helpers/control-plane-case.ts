/**
 * Evidence files written under `dir` (paths relative to it, contents as JSON), ingested into an
 * in-memory case and run through the control-plane detectors; fails the test on a detector error.
 * `controlPlaneCase` also scopes the findings when asked.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { CONTROL_PLANE_DETECTORS } from '../../src/analysis/control-plane.js';
import { computeScope, type ScopeResult } from '../../src/analysis/scope.js';
import { runDetectors } from '../../src/engine/detect.js';
import { ingest } from '../../src/engine/ingest.js';
import type { Finding } from '../../src/model/types.js';
import { CaseStore } from '../../src/store/case-store.js';

export async function controlPlaneCase(
  dir: string,
  files: Record<string, unknown>,
  opts: { scope?: boolean } = {},
): Promise<{ findings: Finding[]; scope: ScopeResult | null }> {
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, JSON.stringify(content));
  }
  const store = await CaseStore.open(':memory:');
  try {
    await ingest(store, [dir]);
    const res = await runDetectors(store, CONTROL_PLANE_DETECTORS);
    expect(res.errors).toEqual([]);
    return { findings: res.findings, scope: opts.scope ? await computeScope(store, res.findings) : null };
  } finally {
    await store.close();
  }
}

export async function controlPlaneFindings(dir: string, files: Record<string, unknown>): Promise<Finding[]> {
  return (await controlPlaneCase(dir, files)).findings;
}
