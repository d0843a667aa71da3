/**
 * Tenant isolation of a shared application (tenant-isolation.ts) and the Lambda change after which
 * the application's knowledge-base searches lost a field they always carried (infrastructure.ts,
 * appRetrieveShape): small cases of invocation logs and CloudTrail records through `ingest`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { controlPlaneFindings } from '../../test/helpers/control-plane-case.js';
import { uuidSequence } from '../../test/helpers/fixture-clock.js';
import { runDetectors } from '../engine/detect.js';
import { ingest } from '../engine/ingest.js';
import type { Finding } from '../model/types.js';
import { CaseStore } from '../store/case-store.js';
import { requestPaths } from './infrastructure.js';
import { crossTenantDetector, folders, sourceLocations } from './tenant-isolation.js';

const ACCT = '111122223333';
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-tenant-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const uuid = uuidSequence('b005');
const at = (t0: string, s: number): string =>
  new Date(Date.parse(t0) + s * 1000).toISOString().replace('.000Z', 'Z');

const TENANTS = ['ten_a1b2', 'ten_c3d4', 'ten_e5f6', 'ten_g7h8'];
const doc = (tenant: string, name: string) => `s3://example-docs/tenants/${tenant}/${name}`;

function inv(
  time: string,
  role: string,
  meta: Record<string, string>,
  sources: string[],
  question = 'What does my supplier agreement say about payment terms?',
): Record<string, unknown> {
  const context = sources.map((s) => `<passage source="${s}">Terms and prices.</passage>`).join('\n');
  return {
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: time,
    accountId: ACCT,
    identity: { arn: `arn:aws:sts::${ACCT}:assumed-role/${role}/${role.replace(/-role$/, '')}` },
    region: 'eu-west-1',
    requestId: uuid(),
    operation: 'Converse',
    modelId: 'anthropic.claude-3-5-sonnet-20241022-v2:0',
    requestMetadata: meta,
    input: {
      inputContentType: 'application/json',
      inputBodyJson: {
        messages: [{ role: 'user', content: [{ text: question }] }],
        system: [{ text: `Answer from the passages only.\n<context>\n${context}\n</context>` }],
      },
      inputTokenCount: 200,
    },
    output: {
      outputContentType: 'application/json',
      outputBodyJson: {
        output: { message: { role: 'assistant', content: [{ text: 'The terms are net 30.' }] } },
        stopReason: 'end_turn',
        usage: { inputTokens: 200, outputTokens: 20 },
      },
      outputTokenCount: 20,
    },
  };
}

/** Tenants asking about their own documents: the partitioning the detector learns. */
function ordinary(t0: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < 12; i++) {
    const tenant = TENANTS[i % TENANTS.length];
    out.push(
      inv(
        at(t0, i * 300),
        'copilot-api-role',
        { tenantId: tenant, userId: `u-${i % 5}`, clientIp: `198.51.100.${i + 1}` },
        [doc(tenant, 'contracts/supply.pdf'), doc(tenant, 'finance/margins.xlsx')],
      ),
    );
  }
  return out;
}

async function findings(
  name: string,
  invs: Record<string, unknown>[],
  inventory?: Record<string, unknown>,
): Promise<Finding[]> {
  const dir = path.join(tmp, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'inv.jsonl'), `${invs.map((r) => JSON.stringify(r)).join('\n')}\n`);
  if (inventory) writeFileSync(path.join(dir, 'inventory.json'), JSON.stringify(inventory));
  const store = await CaseStore.open(':memory:');
  try {
    await ingest(store, [dir]);
    const res = await runDetectors(store, [crossTenantDetector]);
    expect(res.errors).toEqual([]);
    return res.findings;
  } finally {
    await store.close();
  }
}

describe('source locations and their folders', () => {
  it('reads S3 locations from passage text and splits folders (k=v folders give v)', () => {
    expect(sourceLocations('<p source="s3://Docs-1/t/x/a.md">…</p> and s3://docs-1/t/x/a.md')).toEqual([
      's3://docs-1/t/x/a.md',
    ]);
    expect(folders('s3://b/tenant=t1/sub/f.pdf')).toEqual([
      { prefix: 's3://b/tenant=', value: 't1' },
      { prefix: 's3://b/tenant=t1/', value: 'sub' },
    ]);
  });
});

describe('cross-tenant retrieval', () => {
  const T0 = '2025-07-01T08:00:00Z';
  const T1 = '2025-07-01T14:00:00Z';

  it('tenants reading their own documents and a support search over every tenant raise nothing', async () => {
    const support = TENANTS.map((t, i) =>
      inv(
        at(T1, i * 60),
        'support-search-role',
        { tenantId: '*', userId: 'agent@example.com', ticketId: `T-${i}` },
        [doc(t, 'contracts/supply.pdf'), doc(TENANTS[(i + 1) % 4], 'finance/margins.xlsx')],
      ),
    );
    expect(await findings('own-only', [...ordinary(T0), ...support])).toEqual([]);
  });

  it('a support tool the inventory declares as searching every tenant is not checked', async () => {
    // the support tool names the ticket's tenant, yet reads other tenants' documents
    const support = [0, 1, 2, 3, 4, 5].map((i) =>
      inv(at(T1, i * 60), 'support-search-role', { tenantId: TENANTS[i % 4], userId: 'agent@example.com' }, [
        doc(TENANTS[i % 4], 'contracts/supply.pdf'),
        doc(TENANTS[(i + 1) % 4], 'finance/margins.xlsx'),
      ]),
    );
    const without = await findings('support-undeclared', [...ordinary(T0), ...support]);
    expect(without.some((f) => f.principals?.some((p) => p.endsWith('role/support-search-role')))).toBe(true);
    const inventory = {
      applications: [
        { name: 'Copilot', lambda: 'copilot-api', notes: 'Every search carries the tenant filter.' },
        {
          name: 'Support search',
          lambda: 'support-search',
          notes: "Support staff only. Searches all tenants' documents without a tenant filter, by design.",
        },
      ],
    };
    const declared = await findings('support-declared', [...ordinary(T0), ...support], inventory);
    expect(declared.some((f) => f.principals?.some((p) => p.endsWith('role/support-search-role')))).toBe(
      false,
    );
  });

  it("one user's run of calls receiving other tenants' documents is high; a single foreign passage is medium", async () => {
    const actor = { tenantId: TENANTS[0], userId: 'u-actor', clientIp: '203.0.113.7' };
    const pulls = [1, 2, 3].map((k, i) =>
      inv(
        at(T1, i * 120),
        'copilot-api-role',
        actor,
        [doc(TENANTS[k], 'finance/margins.xlsx')],
        'What margins do other brands make?',
      ),
    );
    const accident = inv(
      at(T1, 900),
      'copilot-api-role',
      { tenantId: TENANTS[2], userId: 'u-other', clientIp: '198.51.100.99' },
      [doc(TENANTS[2], 'sops/returns.md'), doc(TENANTS[3], 'sops/returns.md')],
    );
    const fs = await findings('cross', [...ordinary(T0), ...pulls, accident]);
    expect(fs).toHaveLength(2);
    const high = fs.find((f) => f.severity === 'high')!;
    expect(high.evidence.requestIds).toEqual(pulls.map((p) => String(p.requestId)).sort());
    expect(high.elements).toEqual(['invocation', 'private-data']);
    expect(high.sourceIps).toEqual(['203.0.113.7']);
    expect(high.details?.foreignTenants).toEqual([TENANTS[1], TENANTS[2], TENANTS[3]]);
    expect(high.details?.endUserConduct).toBe(true);
    const medium = fs.find((f) => f.severity === 'medium')!;
    expect(medium.evidence.requestIds).toEqual([String(accident.requestId)]);
    expect(medium.sourceIps ?? []).toEqual([]);
    expect(medium.details?.notActor).toBe(true);
  });
});

// ---- the Lambda change after which the application's searches lost their filter ----------------------

const CLI = 'aws-cli/2.15.0 md/awscrt#0.19.19 ua/2.0 os/macos#23.4.0 md/arch#arm64 lang/python#3.11.8';
const APP_UA =
  'Boto3/1.36.18 md/Botocore#1.36.18 ua/2.0 os/linux#5.10 lang/python#3.12.8 exec-env/AWS_Lambda_python3.12';
const FN = 'copilot-api';

function ct(
  time: string,
  source: string,
  name: string,
  who: { role: string; session: string; key: string; sso?: boolean },
  ip: string,
  ua: string,
  req: unknown,
  readOnly = false,
): Record<string, unknown> {
  const rolePath = who.sso ? 'aws-reserved/sso.amazonaws.com/' : '';
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: `AROAEXAMPLE${who.role.length}:${who.session}`,
      arn: `arn:aws:sts::${ACCT}:assumed-role/${who.role}/${who.session}`,
      accountId: ACCT,
      accessKeyId: who.key,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: `AROAEXAMPLE${who.role.length}`,
          arn: `arn:aws:iam::${ACCT}:role/${rolePath}${who.role}`,
          accountId: ACCT,
          userName: who.role,
        },
        attributes: { creationDate: '2025-07-01T00:00:00Z', mfaAuthenticated: 'false' },
      },
    },
    eventTime: time,
    eventSource: source,
    eventName: name,
    awsRegion: 'eu-west-1',
    sourceIPAddress: ip,
    userAgent: ua,
    requestParameters: req,
    responseElements: null,
    requestID: uuid(),
    eventID: uuid(),
    readOnly,
    eventType: 'AwsApiCall',
    managementEvent: source !== 'bedrock.amazonaws.com',
    recipientAccountId: ACCT,
    eventCategory: source === 'bedrock.amazonaws.com' ? 'Data' : 'Management',
  };
}

describe('Lambda change followed by knowledge-base searches without their filter', () => {
  const app = { role: 'copilot-api-role', session: FN, key: 'ASIACOPILOTAPP000001' };
  const dev = {
    role: 'AWSReservedSSO_PowerUser_0123456789abcdef',
    session: 'dev@example.com',
    key: 'ASIADEVLAPTOP0000001',
    sso: true,
  };
  const retrieve = (time: string, filtered: boolean) =>
    ct(time, 'bedrock.amazonaws.com', 'Retrieve', app, '52.95.1.1', APP_UA, {
      knowledgeBaseId: 'KBEXAMPLE1',
      retrievalQuery: { text: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
      retrievalConfiguration: {
        vectorSearchConfiguration: {
          numberOfResults: 5,
          ...(filtered ? { filter: 'HIDDEN_DUE_TO_SECURITY_REASONS' } : {}),
        },
      },
    });
  const T = '2025-07-02T12:00:00Z';
  const hotfix = [
    ct(
      at(T, -60),
      'lambda.amazonaws.com',
      'GetFunction20150331v2',
      dev,
      '203.0.113.50',
      CLI,
      { functionName: FN },
      true,
    ),
    ct(at(T, 0), 'lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', dev, '203.0.113.50', CLI, {
      functionName: FN,
      publish: false,
    }),
    ct(at(T, 20), 'lambda.amazonaws.com', 'PublishVersion20150331', dev, '203.0.113.50', CLI, {
      functionName: FN,
    }),
    ct(at(T, 30), 'lambda.amazonaws.com', 'UpdateAlias20150331', dev, '203.0.113.50', CLI, {
      functionName: FN,
      name: 'live',
      functionVersion: '9',
    }),
  ];
  const before = Array.from({ length: 25 }, (_, i) => retrieve(at(T, -7200 + i * 200), true));

  it('request key paths are read without values', () => {
    expect([...requestPaths({ a: { b: 'x', c: { d: 1 } } })]).toEqual(['a', 'a.b', 'a.c', 'a.c.d']);
  });

  it("a person's CLI hotfix after which searches come without the filter is high and cites the unfiltered searches", async () => {
    const after = [0, 1, 2, 3].flatMap((i) => [
      retrieve(at(T, 600 + i * 300), true),
      retrieve(at(T, 601 + i * 300), false),
    ]);
    const fs = (
      await controlPlaneFindings(path.join(tmp, 'reshaped'), {
        'trail.json': { Records: [...before, ...hotfix, ...after] },
      })
    ).filter((f) => f.ruleId === 'infrastructure.lambda-change');
    expect(fs).toHaveLength(1);
    const f = fs[0];
    expect(f.severity).toBe('high');
    const unfiltered = after.filter((_, i) => i % 2 === 1).map((r) => String(r.eventID));
    for (const id of unfiltered) expect(f.evidence.eventIds).toContain(id);
    for (const r of hotfix) expect(f.evidence.eventIds).toContain(String(r.eventID));
    expect(f.principals).toContain(`arn:aws:iam::${ACCT}:role/copilot-api-role`);
    expect(f.resources).toContain('KBEXAMPLE1');
    expect(JSON.stringify(f.details?.triage)).toContain(
      'retrievalConfiguration.vectorSearchConfiguration.filter',
    );
  });

  it('the same change with searches keeping their shape stays informational', async () => {
    const after = [0, 1, 2, 3].map((i) => retrieve(at(T, 600 + i * 300), true));
    const fs = (
      await controlPlaneFindings(path.join(tmp, 'same-shape'), {
        'trail.json': { Records: [...before, ...hotfix, ...after] },
      })
    ).filter((f) => f.ruleId === 'infrastructure.lambda-change');
    expect(fs).toHaveLength(1);
    expect(fs[0].severity).toBe('informational');
  });
});
