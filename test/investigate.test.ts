/**
 * investigate end to end on the bundled example (a real-shaped evidence bundle made with the
 * shared evidence generator, its answers kept beside it in examples/*.truth.json).
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  analyseCase,
  CaseStore,
  ELEMENTS,
  ingest,
  investigate,
  type Report,
  renderJson,
} from '../src/index.js';
import { RECORD_TABLES } from '../src/store/schema.js';
import { hasReportSchema, REPORT_SCHEMA, reportSchemaErrors } from './helpers/report-schema.js';

const EXAMPLE = path.resolve(__dirname, '../examples/guardrail-tampering-mini');
const TRUTH = JSON.parse(readFileSync(`${EXAMPLE}.truth.json`, 'utf8'));

async function run(dirs: string[], now = new Date('2026-01-01T00:00:00Z')): Promise<Report> {
  const store = await CaseStore.open(':memory:');
  try {
    return await investigate(store, dirs, { now });
  } finally {
    await store.close();
  }
}

let report: Report;
let tmp: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'genai-ir-inv-'));
  report = await run([EXAMPLE]);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('investigate on the bundled example', () => {
  it('reads every file with nothing rejected, and counts add up', () => {
    expect(report.evidence.length).toBeGreaterThan(50);
    for (const e of report.evidence) {
      expect(e.rejected, e.path).toBe(0);
      expect(e.records).toBe((e.stored ?? 0) + e.rejected + (e.duplicates ?? 0));
      expect(e.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('scopes the incident: the actor principals, keys and addresses, and the guardrail', () => {
    const truth = TRUTH.scope;
    expect(report.scope.principals).toEqual(expect.arrayContaining(truth.principals));
    expect(report.scope.accessKeyIds.sort()).toEqual([...truth.accessKeyIds].sort());
    expect(report.scope.sourceIps.sort()).toEqual([...truth.sourceIps].sort());
    for (const r of truth.resources)
      expect(report.scope.resources.some((x: string) => x.endsWith(r))).toBe(true);
    expect(report.scope.window.start?.slice(0, 16)).toBe(truth.window.start.slice(0, 16));
  });

  it('gives each element the verdict the answers expect', () => {
    for (const el of ELEMENTS) {
      const positive = ['compromised', 'suspicious'].includes(report.elements[el].status);
      expect(positive, el).toBe(TRUTH.elements.includes(el));
      expect(report.elements[el].summary.length).toBeGreaterThan(10);
    }
  });

  it('points at the key records', () => {
    const cited = new Set<string>();
    for (const f of report.findings)
      for (const k of ['eventIds', 'requestIds', 'findingIds'] as const)
        for (const id of f.evidence[k] ?? []) cited.add(TRUTH.equivalentIds?.[id] ?? id);
    const key = [
      ...(TRUTH.key.eventIds ?? []),
      ...(TRUTH.key.requestIds ?? []),
      ...(TRUTH.key.findingIds ?? []),
    ];
    const found = key.filter((id: string) => cited.has(id));
    expect(found.length / key.length).toBeGreaterThanOrEqual(0.9);
  });

  it('flags no decoy at medium or above', () => {
    const decoys = new Set<string>([
      ...(TRUTH.decoys.eventIds ?? []),
      ...(TRUTH.decoys.requestIds ?? []),
      ...(TRUTH.decoys.findingIds ?? []),
    ]);
    for (const f of report.findings) {
      if (!['medium', 'high', 'critical'].includes(f.severity)) continue;
      for (const k of ['eventIds', 'requestIds', 'findingIds'] as const) {
        for (const id of f.evidence[k] ?? [])
          expect(decoys.has(TRUTH.equivalentIds?.[id] ?? id), `${f.ruleId} ${id}`).toBe(false);
      }
    }
  });

  it('gives byte-identical JSON for the same input apart from generatedAt', async () => {
    const again = await run([EXAMPLE], new Date('2030-05-05T05:05:05Z'));
    const strip = (r: Report) => renderJson({ ...r, generatedAt: 'x' });
    expect(strip(again)).toBe(strip(report));
  });

  it.skipIf(!hasReportSchema())('writes JSON valid against report.schema.json', () => {
    expect(reportSchemaErrors(JSON.parse(renderJson(report)))).toEqual([]);
  });
  if (!hasReportSchema()) console.log(`skipped: report.schema.json check (${REPORT_SCHEMA} not present)`);
});

describe('investigate into a case that already holds the evidence', () => {
  it('reports on everything the case holds, as the first run did', async () => {
    const store = await CaseStore.open(':memory:');
    try {
      const now = new Date('2026-01-01T00:00:00Z');
      const first = await investigate(store, [EXAMPLE], { now });
      // the same evidence again (a responder re-running with a context file, or after an update)
      const again = await investigate(store, [EXAMPLE], { now });
      expect(again.evidence).toEqual(first.evidence);
      expect(again.evidence.some((e) => e.records > e.rejected)).toBe(true);
      expect(again.findings.map((f) => f.id)).toEqual(first.findings.map((f) => f.id));
      // a second copy of a file under another path: listed, with nothing read from it
      const copy = path.join(tmp, 'copy-of-one-file');
      const one = report.evidence.find((e) => e.format === 'cloudtrail')!.path;
      cpSync(one, path.join(copy, path.basename(one)), { recursive: true });
      const third = await investigate(store, [copy], { now });
      const extra = third.evidence.filter((e) => e.path.startsWith(copy));
      expect(extra).toHaveLength(1);
      expect(extra[0].records).toBe(0);
      expect(third.evidence.length).toBe(first.evidence.length + 1);
      expect(third.warnings.join(' ')).toContain('already in the case');
    } finally {
      await store.close();
    }
  }, 120_000);
});

describe('declared activities', () => {
  const declare = (scope: string): string => {
    const dir = path.join(tmp, `declared-${scope.length}`);
    cpSync(EXAMPLE, dir, { recursive: true });
    const activities = {
      activities: [
        {
          type: 'red-team-exercise',
          ticket: 'SEC-4242',
          owner: 'security@example.com',
          window: { start: '2025-06-04T00:00:00Z', end: '2025-06-05T00:00:00Z' },
          sourceIps: TRUTH.scope.sourceIps,
          principals: [],
          scope,
        },
      ],
    };
    writeFileSync(path.join(dir, 'context', 'declared-activities.json'), JSON.stringify(activities));
    return dir;
  };

  it('reports an exercise inside its declared scope as declared, not as an incident', async () => {
    const r = await run([
      declare(
        'Adversarial exercise: prompts against the support chatbot and changes to its guardrail configuration.',
      ),
    ]);
    const declared = r.findings.filter((f) => f.details?.declared === 'SEC-4242');
    expect(declared.length).toBeGreaterThan(0);
    expect(r.scope.sourceIps.filter((ip) => TRUTH.scope.sourceIps.includes(ip))).toEqual([]);
    expect(r.elements.access.status).not.toBe('compromised');
  });

  it('still judges what falls outside a read-only declaration', async () => {
    const r = await run([declare('Read-only review of the Bedrock configuration.')]);
    // the guardrail was changed: a read-only declaration does not cover it
    expect(['compromised', 'suspicious']).toContain(r.elements['ai-changes'].status);
  });
});

/**
 * Ingest inserts without preserving order, so at scale two runs store the same rows in a different
 * physical order, and parallel hash aggregates return groups in any order: every list, first value
 * and tie in the analysis must be decided by the data.
 */
async function sameWhateverTheOrder(dir: string): Promise<void> {
  const store = await CaseStore.open(':memory:');
  try {
    const res = await ingest(store, [dir]);
    const now = new Date('2026-01-01T00:00:00Z');
    const strip = (r: Report) => renderJson({ ...r, generatedAt: 'x' });
    // one thread first, then several: hash aggregates and DISTINCT come out in another order too
    await store.run('SET threads = 1');
    const before = strip(await analyseCase(store, res, { now }));
    await store.run('SET threads = 4');
    for (const t of RECORD_TABLES) {
      await store.run(
        `CREATE OR REPLACE TEMP TABLE reordered AS SELECT * FROM ${t} ORDER BY hash(uid, idx) DESC`,
      );
      await store.run(`DELETE FROM ${t}`);
      await store.run(`INSERT INTO ${t} SELECT * FROM reordered`);
    }
    await store.run('DROP TABLE reordered');
    const [first] = await store.all('SELECT uid FROM events LIMIT 1');
    const [firstBefore] = await store.all('SELECT uid FROM events ORDER BY uid LIMIT 1');
    expect(first.uid).not.toBe(firstBefore.uid); // the order did change
    expect(strip(await analyseCase(store, res, { now }))).toBe(before);
  } finally {
    await store.close();
  }
}

const SCENARIOS = path.resolve(__dirname, '../../shared/datasets/scenarios');
const scenarios = existsSync(SCENARIOS)
  ? readdirSync(SCENARIOS, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort()
  : [];

describe('the same report whatever physical order the case holds its rows in', () => {
  it('on the bundled example', () => sameWhateverTheOrder(EXAMPLE), 60_000);
  for (const name of scenarios) {
    it(`on the shared scenario ${name}`, () => sameWhateverTheOrder(path.join(SCENARIOS, name)), 120_000);
  }
  if (!scenarios.length) console.log(`skipped: physical-order check on ${SCENARIOS} (not present)`);
});
