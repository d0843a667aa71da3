/**
 * Principal names are one analysis's, not the process's: two cases analysed at once in one process,
 * their detectors interleaved, each name a role by the full ARN its own evidence gives.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PrincipalSummary } from '../src/analysis/principals.js';
import type { Detector } from '../src/engine/detector.js';
import { makeFinding } from '../src/engine/detector.js';
import { ingest } from '../src/engine/ingest.js';
import { analyseCase } from '../src/investigate.js';
import type { Report } from '../src/model/types.js';
import { CaseStore } from '../src/store/case-store.js';
import { minutesAfter, uuidSequence } from './helpers/fixture-clock.js';

const ACCT = '111122223333';
const SESSION = `arn:aws:sts::${ACCT}:assumed-role/AppRole/worker`;
const at = minutesAfter('2025-03-04T10:00:00Z');
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-principal-names-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A case whose one record is a session of `AppRole`, issued by the role at `issuer` (its full ARN). */
function caseDir(name: string, issuer: string, tag: string): string {
  const id = uuidSequence(tag);
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  const rec = {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLEAPPROLE01:worker',
      arn: SESSION,
      accountId: ACCT,
      accessKeyId: 'ASIAEXAMPLEAPPROLE01',
      sessionContext: {
        sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLEAPPROLE01', arn: issuer, accountId: ACCT },
      },
    },
    eventTime: at(0),
    eventSource: 's3.amazonaws.com',
    eventName: 'ListBuckets',
    awsRegion: 'eu-west-1',
    sourceIPAddress: '203.0.113.7',
    userAgent: 'aws-cli/2.22.31',
    requestParameters: null,
    responseElements: null,
    requestID: id(),
    eventID: id(),
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ACCT,
  };
  writeFileSync(path.join(dir, 'trail.json'), JSON.stringify({ Records: [rec] }));
  return dir;
}

/** A latch: `open()` lets every `wait()` through. */
function latch(): { open: () => void; wait: Promise<void> } {
  let open = (): void => {};
  const wait = new Promise<void>((r) => {
    open = r;
  });
  return { open, wait };
}

/**
 * The detectors of one case: a gate that holds the case's detection until the other case's has
 * begun (both cases have loaded their names by then), then one that names the session's role.
 */
function detectors(here: ReturnType<typeof latch>, other: ReturnType<typeof latch>): Detector[] {
  return [
    {
      id: 'test.gate',
      title: 'waits for the other case',
      elements: ['access'],
      async run() {
        here.open();
        await other.wait;
        return [];
      },
    },
    {
      id: 'test.names',
      title: "names the session's role",
      elements: ['access'],
      after: ['test.gate'],
      async run(ctx) {
        const rows = await ctx.db.all('SELECT event_id, principal_arn FROM events ORDER BY event_id');
        return rows.map((r) =>
          makeFinding({
            ruleId: 'test:names',
            title: 'role session',
            severity: 'high',
            elements: ['access'],
            times: [at(0)],
            principals: [ctx.identityOf(String(r.principal_arn))],
            evidence: { eventIds: [String(r.event_id)] },
          }),
        );
      },
    },
  ];
}

async function analyse(dir: string, dets: Detector[]): Promise<Report> {
  const store = await CaseStore.open(':memory:');
  try {
    await ingest(store, [dir]);
    return await analyseCase(store, null, { detectors: dets, now: new Date(at(60)) });
  } finally {
    await store.close();
  }
}

describe('principal names per analysis', () => {
  it('two cases analysed at once, interleaved, each name the role from their own evidence', async () => {
    const fullA = `arn:aws:iam::${ACCT}:role/team-a/AppRole`;
    const fullB = `arn:aws:iam::${ACCT}:role/team-b/AppRole`;
    const dirA = caseDir('a', fullA, 'aaaa');
    const dirB = caseDir('b', fullB, 'bbbb');
    const inA = latch();
    const inB = latch();
    const [a, b] = await Promise.all([
      analyse(dirA, detectors(inA, inB)),
      analyse(dirB, detectors(inB, inA)),
    ]);
    const named = (r: Report) => r.findings.find((f) => f.ruleId === 'test:names')?.principals;
    expect(named(a)).toEqual([fullA]);
    expect(named(b)).toEqual([fullB]);
    // the later stages (scope, responder views) read the same, the case's own, table
    expect(a.scope.principals).toEqual([fullA]);
    expect(b.scope.principals).toEqual([fullB]);
    expect((a.principals as PrincipalSummary[]).map((p) => p.principal)).toEqual([fullA]);
    expect((b.principals as PrincipalSummary[]).map((p) => p.principal)).toEqual([fullB]);
  });
});
