/**
 * OpenSearch Serverless collections (a knowledge base's vector store): a network policy made public
 * and a data access policy that lets the caller itself in, put back soon after, are data-store
 * exposure; the index paged out through the data plane from the internet by the principal just let
 * in is data leaving. A planned policy change, a maintenance task's scroll through a VPC endpoint
 * and a grant to another of the organisation's principals stay quiet. A knowledge base's data-source
 * change is an AI change as well as a data-store change.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { controlPlaneCase } from '../../test/helpers/control-plane-case.js';
import { uuidSequence } from '../../test/helpers/fixture-clock.js';
import type { Finding } from '../model/types.js';
import { classifyApi } from './api-elements.js';
import { aossPolicyState } from './vector-store.js';

const ACCT = '111122223333';
const REGION = 'eu-west-2';
const COLL = 'example-kb-vectors';
const COLL_ARN = `arn:aws:aoss:${REGION}:${ACCT}:collection/abcdef0123456789wxyz`;
const NET = 'example-kb-network';
const DATA = 'example-kb-data';
const HOSTING = '203.0.113.77';
const HOSTING2 = '203.0.113.140';
const OFFICE = '198.51.100.9';
const PRIVATE = '10.20.3.17';
const BOTO = 'Boto3/1.38.13 md/Botocore#1.38.13 ua/2.0 os/linux lang/python#3.12.6';
const OSPY = 'opensearch-py/2.6.0 (Python 3.11.4)';
const USER_ARN = `arn:aws:iam::${ACCT}:user/dev-user`;
const KB_ROLE = `arn:aws:iam::${ACCT}:role/service-role/kb-execution-role`;
const MAINT_ROLE = `arn:aws:iam::${ACCT}:role/kb-maintenance-role`;
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-vector-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const id = uuidSequence('b007');

const user = {
  type: 'IAMUser',
  principalId: 'AIDAEXAMPLEDEVUSER01',
  arn: USER_ARN,
  accountId: ACCT,
  accessKeyId: 'AKIAEXAMPLEDEVUSER01',
  userName: 'dev-user',
};
const maint = {
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLEMAINT0001:task-1',
  arn: `arn:aws:sts::${ACCT}:assumed-role/kb-maintenance-role/task-1`,
  accountId: ACCT,
  accessKeyId: 'ASIAEXAMPLEMAINT0001',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROAEXAMPLEMAINT0001',
      arn: MAINT_ROLE,
      accountId: ACCT,
      userName: 'kb-maintenance-role',
    },
    attributes: { creationDate: '2025-06-02T06:00:00Z', mfaAuthenticated: 'false' },
  },
};
const ADMIN_ROLE = `arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123456789abcdef`;
const admin = {
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLEADMIN0001:ana@example.com',
  arn: `arn:aws:sts::${ACCT}:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/ana@example.com`,
  accountId: ACCT,
  accessKeyId: 'ASIAEXAMPLEADMIN0001',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROAEXAMPLEADMIN0001',
      arn: ADMIN_ROLE,
      accountId: ACCT,
      userName: 'AWSReservedSSO_Admin_0123456789abcdef',
    },
    attributes: { creationDate: '2025-06-02T02:00:00Z', mfaAuthenticated: 'false' },
  },
};

function rec(
  time: string,
  source: string,
  name: string,
  who: Record<string, unknown>,
  ip: string,
  ua: string,
  req: unknown,
  opts: { readOnly?: boolean; data?: boolean; vpce?: string; resp?: unknown } = {},
): Record<string, unknown> {
  return {
    eventVersion: opts.data ? '1.11' : '1.08',
    userIdentity: who,
    eventTime: time,
    eventSource: source,
    eventName: name,
    awsRegion: REGION,
    sourceIPAddress: ip,
    userAgent: ua,
    requestParameters: req,
    responseElements: opts.resp ?? null,
    requestID: id(),
    eventID: id(),
    readOnly: opts.readOnly ?? false,
    eventType: 'AwsApiCall',
    managementEvent: !opts.data,
    recipientAccountId: ACCT,
    eventCategory: opts.data ? 'Data' : 'Management',
    ...(opts.data ? { resources: [{ type: 'AWS::AOSS::Collection', ARN: COLL_ARN }] } : {}),
    ...(opts.vpce ? { vpcEndpointId: opts.vpce } : {}),
  };
}

const aoss = (t: string, name: string, who: Record<string, unknown>, ip: string, ua: string, req: unknown) =>
  rec(t, 'aoss.amazonaws.com', name, who, ip, ua, req, { readOnly: /^(Get|List|BatchGet)/.test(name) });
const search = (t: string, who: Record<string, unknown>, ip: string, ua: string, p: string, vpce?: string) =>
  rec(
    t,
    'aoss.amazonaws.com',
    'Search',
    who,
    ip,
    ua,
    { pathPrefix: p },
    { readOnly: true, data: true, vpce },
  );

const netDoc = (pub: boolean) =>
  JSON.stringify([
    {
      Rules: [{ ResourceType: 'collection', Resource: [`collection/${COLL}`] }],
      AllowFromPublic: pub,
      ...(pub ? {} : { SourceVPCEs: ['vpce-0example0000001'] }),
    },
  ]);
const dataDoc = (principals: string[]) =>
  JSON.stringify([
    {
      Rules: [{ ResourceType: 'index', Resource: [`index/${COLL}/*`], Permission: ['aoss:ReadDocument'] }],
      Principal: principals,
    },
  ]);
const updNet = (t: string, who: Record<string, unknown>, ip: string, ua: string, pub: boolean) =>
  aoss(t, 'UpdateSecurityPolicy', who, ip, ua, {
    name: NET,
    type: 'network',
    policyVersion: 'v',
    policy: netDoc(pub),
  });
const updData = (t: string, who: Record<string, unknown>, ip: string, ua: string, principals: string[]) =>
  aoss(t, 'UpdateAccessPolicy', who, ip, ua, {
    name: DATA,
    type: 'data',
    policyVersion: 'v',
    policy: dataDoc(principals),
  });

const D = '2025-06-02';
/** the engineer's own daytime use of the key, from the office */
const daytime = [
  rec(`${D}T03:00:00Z`, 'sts.amazonaws.com', 'GetCallerIdentity', user, OFFICE, BOTO, null, {
    readOnly: true,
  }),
  aoss(`${D}T03:05:00Z`, 'ListCollections', user, OFFICE, BOTO, {}),
];
/** the platform admin's earlier version of both policies (closed network, three principals) */
const baseline = [
  updNet(`${D}T02:30:00Z`, admin, OFFICE, 'console.amazonaws.com', false),
  updData(`${D}T02:32:00Z`, admin, OFFICE, 'console.amazonaws.com', [KB_ROLE, ADMIN_ROLE, MAINT_ROLE]),
];

/** the actor: recon, the network opened, itself let in, a scroll from a second host, both put back */
function incident(): {
  recon: Record<string, unknown>[];
  open: Record<string, unknown>[];
  reads: Record<string, unknown>[];
  restore: Record<string, unknown>[];
} {
  const recon = [
    rec(`${D}T15:38:00Z`, 'sts.amazonaws.com', 'GetCallerIdentity', user, HOSTING, BOTO, null, {
      readOnly: true,
    }),
    rec(
      `${D}T15:38:30Z`,
      'bedrock.amazonaws.com',
      'GetKnowledgeBase',
      user,
      HOSTING,
      BOTO,
      { knowledgeBaseId: 'KBEXAMPLE1' },
      { readOnly: true },
    ),
    aoss(`${D}T15:39:00Z`, 'GetSecurityPolicy', user, HOSTING, BOTO, { name: NET, type: 'network' }),
    aoss(`${D}T15:39:30Z`, 'GetAccessPolicy', user, HOSTING, BOTO, { name: DATA, type: 'data' }),
  ];
  const open = [
    updNet(`${D}T15:41:00Z`, user, HOSTING, BOTO, true),
    updData(`${D}T15:42:00Z`, user, HOSTING, BOTO, [KB_ROLE, ADMIN_ROLE, MAINT_ROLE, USER_ARN]),
  ];
  const reads: Record<string, unknown>[] = [];
  for (let i = 0; i < 30; i++) {
    const t = new Date(Date.parse(`${D}T15:47:00Z`) + i * 15_000).toISOString().replace('.000', '');
    reads.push(search(t, user, HOSTING2, OSPY, i < 2 ? '/kb-index/_search' : '/_search/scroll'));
  }
  const restore = [
    updData(`${D}T16:14:00Z`, user, HOSTING, BOTO, [KB_ROLE, ADMIN_ROLE, MAINT_ROLE]),
    updNet(`${D}T16:14:30Z`, user, HOSTING, BOTO, false),
  ];
  return { recon, open, reads, restore };
}

/** the maintenance task paging through the index through its VPC endpoint, from a private address */
const maintenance = (): Record<string, unknown>[] => {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < 40; i++) {
    const t = new Date(Date.parse(`${D}T06:05:00Z`) + i * 10_000).toISOString().replace('.000', '');
    out.push(search(t, maint, PRIVATE, 'opensearch-py/2.7.1', '/_search/scroll', 'vpce-0example0000002'));
  }
  return out;
};

async function run(name: string, records: Record<string, unknown>[], cal?: unknown, scope = false) {
  return controlPlaneCase(
    path.join(tmp, name),
    { 'ct.json': { Records: records }, ...(cal ? { 'context/change-calendar.json': cal } : {}) },
    { scope },
  );
}
const rule = (fs: Finding[], r: string) => fs.filter((f) => f.ruleId === r);

describe('aossPolicyState', () => {
  it('reads public access, principals and collections from JSON text or objects, and ignores garbage', () => {
    const n = aossPolicyState(netDoc(true));
    expect(n?.public).toBe(true);
    expect([...(n?.collections ?? [])]).toEqual([COLL]);
    const d = aossPolicyState(JSON.parse(dataDoc([KB_ROLE, USER_ARN])));
    expect(d?.public).toBe(false);
    expect([...(d?.principals ?? [])].sort()).toEqual([KB_ROLE, USER_ARN].sort());
    expect(aossPolicyState('{not json')).toBeNull();
    expect(aossPolicyState('x'.repeat(300_000))).toBeNull();
    expect(aossPolicyState(null)).toBeNull();
  });
});

describe('vector store: OpenSearch Serverless policies and data plane', () => {
  it('a network policy made public and a self-grant from a hosting address, put back soon after, are high and cite the restoration and the reconnaissance', async () => {
    const x = incident();
    const { findings: fs } = await run('incident', [
      ...daytime,
      ...baseline,
      ...x.recon,
      ...x.open,
      ...x.reads,
      ...x.restore,
    ]);
    const exp = rule(fs, 'data-store.vector-store-exposed').filter((f) => f.severity === 'high');
    expect(exp).toHaveLength(2);
    const net = exp.find((f) => f.details?.policyType === 'network');
    const data = exp.find((f) => f.details?.policyType === 'data');
    expect(net?.details?.openedToPublic).toBe(true);
    expect(data?.details?.selfGrant).toEqual([USER_ARN]);
    expect(data?.details?.principalsAdded).toEqual([USER_ARN]);
    for (const f of [net, data]) {
      expect(f?.elements).toEqual(['data-store-changes']);
      expect(String(f?.details?.triage)).toContain('covering tracks');
      expect(f?.attack).toContain('T1070');
      for (const r of x.recon) expect(f?.evidence.eventIds).toContain(r.eventID);
      expect(f?.resources).toContain('KBEXAMPLE1');
    }
    expect(net?.evidence.eventIds).toContain(x.restore[1].eventID);
    expect(data?.evidence.eventIds).toContain(x.restore[0].eventID);
    expect(net?.resources).toContain(NET);
    expect(data?.resources).toContain(DATA);
    // the restorations are folded into the openings, not reported on their own
    expect(rule(fs, 'data-store.vector-store-exposed')).toHaveLength(4);
    const reads = rule(fs, 'data-store.vector-store-bulk-read');
    expect(reads).toHaveLength(1);
    expect(reads[0].severity).toBe('high');
    expect(reads[0].elements).toEqual(['private-data']);
    expect(reads[0].sourceIps).toEqual([HOSTING2]);
    expect(reads[0].resources).toEqual([COLL_ARN]);
    expect(reads[0].details?.scrollPages).toBe(28);
    expect(reads[0].evidence.eventIds).toHaveLength(30);
  });

  it('the baseline updates (no earlier version in the evidence) are not self-grants even though the caller\u2019s role is named', async () => {
    const { findings: fs } = await run('baseline-only', [...daytime, ...baseline]);
    const exp = rule(fs, 'data-store.vector-store-exposed');
    expect(exp).toHaveLength(2);
    for (const f of exp) expect(f.severity).toBe('informational');
    expect(exp.find((f) => f.details?.policyType === 'data')?.details?.selfGrant).toEqual([]);
  });

  it('a planned grant to a maintenance role and its scroll through a VPC endpoint stay quiet', async () => {
    const cal = {
      changes: [
        {
          ticket: 'CHG-4100',
          window: { start: `${D}T04:00:00Z`, end: `${D}T05:00:00Z` },
          owner: 'ana@example.com',
          summary: `OpenSearch Serverless ${COLL}: data access policy ${DATA} adds kb-maintenance-role`,
        },
      ],
    };
    const { findings: fs } = await run(
      'planned',
      [
        ...daytime,
        updData(`${D}T02:32:00Z`, admin, OFFICE, 'console.amazonaws.com', [KB_ROLE, ADMIN_ROLE]),
        updData(`${D}T04:20:00Z`, admin, OFFICE, 'console.amazonaws.com', [KB_ROLE, ADMIN_ROLE, MAINT_ROLE]),
        ...maintenance(),
      ],
      cal,
    );
    const grant = rule(fs, 'data-store.vector-store-exposed').find((f) =>
      (f.details?.principalsAdded as string[]).includes(MAINT_ROLE),
    );
    expect(grant?.severity).toBe('informational');
    expect(String(grant?.details?.triage)).toContain('CHG-4100');
    const reads = rule(fs, 'data-store.vector-store-bulk-read');
    expect(reads).toHaveLength(1);
    expect(reads[0].severity).toBe('informational');
    expect(reads[0].details?.throughVpcEndpoint).toBe(true);
    expect(fs.filter((f) => f.severity !== 'informational' && f.severity !== 'low')).toEqual([]);
  });

  it('an unplanned grant to another of the organisation\u2019s roles is low, not exposure', async () => {
    const { findings: fs } = await run('org-grant', [
      ...daytime,
      ...baseline,
      updData(`${D}T09:00:00Z`, admin, OFFICE, 'console.amazonaws.com', [
        KB_ROLE,
        ADMIN_ROLE,
        MAINT_ROLE,
        `arn:aws:iam::${ACCT}:role/analytics-role`,
      ]),
    ]);
    const g = rule(fs, 'data-store.vector-store-exposed').find(
      (f) => (f.details?.principalsAdded as string[]).length > 0,
    );
    expect(g?.severity).toBe('low');
  });

  it('a bulk read from a hosting address with no opening seen is medium; a few reads are not reported', async () => {
    const x = incident();
    const { findings: fs } = await run('reads-only', [...daytime, ...x.reads]);
    const reads = rule(fs, 'data-store.vector-store-bulk-read');
    expect(reads).toHaveLength(1);
    expect(reads[0].severity).toBe('medium');
    const few = await run('few-reads', [...daytime, ...x.reads.slice(0, 5)]);
    expect(rule(few.findings, 'data-store.vector-store-bulk-read')).toEqual([]);
  });
});

describe('knowledge-base configuration is an AI change too', () => {
  it('classifyApi: data-source and knowledge-base changes also belong to ai-changes; ingestion does not', () => {
    expect(classifyApi('bedrock.amazonaws.com', 'UpdateDataSource')).toEqual({
      element: 'data-store-changes',
      component: 'knowledge-bases',
      change: true,
      also: 'ai-changes',
    });
    expect(classifyApi('bedrock.amazonaws.com', 'DeleteKnowledgeBase')?.also).toBe('ai-changes');
    expect(classifyApi('bedrock.amazonaws.com', 'StartIngestionJob')?.also).toBeUndefined();
    expect(classifyApi('bedrock.amazonaws.com', 'GetDataSource')?.also).toBeUndefined();
  });

  it('the actor repointing a data source touches ai-changes in its scope, and the kb-change finding names both elements', async () => {
    const x = incident();
    const swap = rec(`${D}T15:45:00Z`, 'bedrock.amazonaws.com', 'UpdateDataSource', user, HOSTING, BOTO, {
      knowledgeBaseId: 'KBEXAMPLE1',
      dataSourceId: 'DSEXAMPLE1',
      dataSourceConfiguration: { type: 'S3', s3Configuration: { bucketArn: 'arn:aws:s3:::example-staging' } },
    });
    const ingest = rec(`${D}T15:46:00Z`, 'bedrock.amazonaws.com', 'StartIngestionJob', user, HOSTING, BOTO, {
      knowledgeBaseId: 'KBEXAMPLE1',
      dataSourceId: 'DSEXAMPLE1',
    });
    const { findings: fs, scope } = await run(
      'kb-swap',
      [...daytime, ...baseline, ...x.recon, ...x.open, swap, ingest, ...x.reads, ...x.restore],
      undefined,
      true,
    );
    const kb = rule(fs, 'data-store.kb-change');
    expect(kb).toHaveLength(1);
    expect(kb[0].elements).toEqual(['data-store-changes', 'ai-changes']);
    const ai = scope?.touched.get('ai-changes');
    expect(ai?.changes).toEqual([swap.eventID]);
    expect(scope?.touched.get('data-store-changes')?.changes).toEqual(
      expect.arrayContaining([swap.eventID, ingest.eventID]),
    );
    // ingestion alone is content, not configuration
    const { findings: only } = await run('kb-ingest', [...daytime, ingest]);
    expect(rule(only, 'data-store.kb-change')[0].elements).toEqual(['data-store-changes']);
  });
});
