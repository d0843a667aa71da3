// Vector-store dump through the OpenSearch Serverless data plane. Kampong Paws' support knowledge
// base stores its vectors in the OpenSearch Serverless collection kampongpaws-kb-vectors; besides
// the public help centre the index holds internal pharmacy and supplier articles used by agent
// assist. The collection is reachable only through a VPC endpoint and from Bedrock (network
// policy), and only the KB service role, the platform administrators and (from 4 November) the
// index-maintenance task may read it (data access policy). Its data-plane calls are logged as
// CloudTrail data events (AWS::AOSS::Collection).
//
// A platform engineer's legacy IAM user key (kept in a dotfiles repository that was made public)
// is used late on 4 November (SGT) from a DigitalOcean address: the actor reads the knowledge
// base, lists the collection and its network and data access policies, sets the network policy
// to AllowFromPublic and adds the IAM user itself to the data access policy; from a second VPS
// it then pages through the whole vector index with a scroll search (about 140 pages), and
// finally puts both policies back as they were.
//
// Decoys: the platform team's planned policy update CHG-8120 that morning (same two Update APIs,
// a new principal and a second VPC endpoint, from the office through the console), the index
// maintenance task that afternoon (the same scroll over the whole index, through the VPC endpoint,
// plus a few bulk deletes), the Bedrock KB service's searches for every retrieval, the security
// scanner's daily listing of the policies and a security engineer's monthly policy review from
// home the next morning; the compromised engineer's own daytime use of the same IAM user.

import {
  C,
  defineScenario,
  finding,
  HOUR,
  isoSec,
  localClock,
  MIN,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import { AOSS_INDEX, aossCall, aossData, KAMPONG } from './_worlds-q.mjs';

const RECON = '128.199.75.212';
const DUMP = '178.128.222.19';
const MAINT_IP = '10.42.3.117';
const V = '2012-10-17';
const COLL = 'kampongpaws-kb-vectors';
const DATA_POLICY = 'kampongpaws-kb-data-access';
const NET_POLICY = 'kampongpaws-kb-network';

// relative Retrieve traffic by local hour (SGT)
const DIURNAL = [
  0.25, 0.15, 0.1, 0.08, 0.08, 0.12, 0.25, 0.5, 0.8, 1, 1.05, 1.1, 1.1, 1.05, 1, 1, 1, 1.05, 1.1, 1.15, 1.1,
  0.95, 0.7, 0.45,
];

const INTERNAL_DOCS = [
  [
    'internal/pharmacy/controlled-medicines-dispensing-sop.md',
    'Pharmacy SOP: dispensing controlled and prescription-only medicines',
    '# Dispensing controlled and prescription-only medicines (internal)\n\nOnly the duty pharmacist may release POM-V items. Check the prescription against the vet clinic register; call the clinic on the direct line in the register for any prescription older than 6 months. Override code for the dispensing screen is held by the duty pharmacist; escalation to the superintendent pharmacist by the pharmacist escalation code.',
  ],
  [
    'internal/suppliers/2025-q4-supplier-pricing.md',
    'Supplier cost prices Q4 2025 (internal)',
    '# Supplier cost prices, Q4 2025 (internal, do not share)\n\nPrescription diets: landed cost 58-61% of shelf price. Parasite treatments: 44%. Tanglin kibble: 52% after the volume rebate. Autoship margin floor 18%; do not discount below it without category-manager approval.',
  ],
  [
    'internal/support/refund-overrides.md',
    'Refund overrides for support leads (internal)',
    '# Refund overrides (support leads only)\n\nLeads may approve goodwill refunds up to S$150 without a return. Above that, the pharmacist or the support manager approves. Repeat refund requesters are flagged in the CRM; check the flag before approving.',
  ],
  [
    'internal/partners/vet-clinic-referral-terms.md',
    'Vet clinic referral programme terms (internal)',
    '# Vet clinic referral programme (internal)\n\nPartner clinics earn 8% of the first-year prescription-diet spend of referred customers, paid quarterly. Clinic contacts and payout accounts are in the partner sheet; do not quote rates to customers.',
  ],
];

export default defineScenario({
  name: 'aoss-vector-exfil',
  seed: 'heldout-q/aoss-vector-exfil/v1',
  start: '2025-11-03T16:00:00Z',
  days: 2,
  world: {
    ...KAMPONG,
    extraRoles: [
      {
        key: 'kbMaint',
        name: 'kampongpaws-kb-maintenance-role',
        trust: {
          Version: V,
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        },
        description: 'ECS task role of the KB index maintenance job (platform team)',
      },
    ],
  },
  background: {
    intensity: 0.9,
    chatbot: { conversationsPerHour: 55 },
    agent: { sessionsPerHour: 4 },
    ops: { random: 1 },
  },
  alert:
    "On 5 November a dark-web monitoring service told Kampong Paws that a forum post offers 'Kampong Paws internal pharmacy SOPs and supplier cost prices'; the quoted excerpts match internal articles that are indexed in the support assistant's knowledge base.",
  truth: {
    description:
      "The long-term access key of a platform engineer's legacy IAM user was used late on 4 November (SGT) from DigitalOcean addresses. From 128.199.75.212 the actor checked the key's identity and groups, listed and read the support knowledge base (its vector store is the OpenSearch Serverless collection kampongpaws-kb-vectors), listed the collections and read the collection's network and data access policies, then changed the network policy kampongpaws-kb-network to AllowFromPublic (UpdateSecurityPolicy) and added the IAM user itself to the data access policy kampongpaws-kb-data-access with read permissions on the indexes (UpdateAccessPolicy). From 178.128.222.19 the same key then searched the index bedrock-knowledge-base-default-index directly on the collection endpoint and paged through all of it with a scroll search (about 140 data-plane Search calls in 25 minutes), taking the text chunks of every indexed article, including the internal pharmacy, supplier-pricing, refund-override and partner articles. Back on 128.199.75.212 the actor put both policies back as they were. The platform team's planned policy change CHG-8120 (adding the maintenance role and a second VPC endpoint), the index maintenance task's own full scroll through the VPC endpoint, the Bedrock KB service's searches, the security scanner's listings and the security engineer's policy review are legitimate.",
    elements: ['access', 'data-store-changes', 'private-data'],
    components: ['knowledge-bases'],
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const acct = w.account.id;
    const home = w.homeRegion;
    const kb = w.res.kb;
    const collArn = kb.collection;
    const collId = collArn.split('/').pop();
    const DECOY = { decoy: true };
    const staff = actors.staff;
    const aossVpce = `vpce-${rng.hex(17)}`;
    const maintVpce = `vpce-${rng.hex(17)}`;
    const admins = w.people.filter((p) => p.permissionSet === 'admin');
    const platformLead = admins[0];
    const victim =
      w.people.find((p) => p.iamUser && p.team === 'platform') ?? w.people.find((p) => p.iamUser);
    const user = victim.iamUser;
    const secEng = w.people.find((p) => p.permissionSet === 'security');
    const maint = w.roles.kbMaint;
    maint.inline.push({
      name: 'aoss-data-plane',
      document: {
        Version: V,
        Statement: [{ Effect: 'Allow', Action: ['aoss:APIAccessAll'], Resource: collArn }],
      },
    });

    // internal articles indexed with the help centre (agent assist reads them)
    for (const [key, title, text] of INTERNAL_DOCS)
      sim.addKbDoc({ key, title, text }, sim.start - 30 * 86400000);

    // ---- policies --------------------------------------------------------------------------
    let version = 3;
    const pv = (t) => Buffer.from(`${t}_${version++}`).toString('base64');
    const idxRule = (perms) => ({ ResourceType: 'index', Resource: [`index/${COLL}/*`], Permission: perms });
    const collRule = {
      ResourceType: 'collection',
      Resource: [`collection/${COLL}`],
      Permission: [
        'aoss:DescribeCollectionItems',
        'aoss:CreateCollectionItems',
        'aoss:UpdateCollectionItems',
      ],
    };
    const fullIdx = [
      'aoss:ReadDocument',
      'aoss:WriteDocument',
      'aoss:CreateIndex',
      'aoss:DescribeIndex',
      'aoss:UpdateIndex',
      'aoss:DeleteIndex',
    ];
    const baseData = [
      {
        Description: 'Bedrock KB and platform admins',
        Rules: [idxRule(fullIdx), collRule],
        Principal: [w.roles.kbService.arn, w.sso.admin.arn],
      },
    ];
    const withMaint = [
      ...baseData,
      {
        Description: 'KB index maintenance task (CHG-8120)',
        Rules: [idxRule(['aoss:ReadDocument', 'aoss:WriteDocument', 'aoss:DescribeIndex'])],
        Principal: [maint.arn],
      },
    ];
    const withActor = [
      ...withMaint,
      {
        Description: 'index read for ops tooling',
        Rules: [idxRule(['aoss:ReadDocument', 'aoss:DescribeIndex'])],
        Principal: [user.arn],
      },
    ];
    const net = (vpces, pub) => [
      {
        Description: 'KB vectors: VPC endpoints and Bedrock only',
        Rules: [
          { ResourceType: 'collection', Resource: [`collection/${COLL}`] },
          { ResourceType: 'dashboard', Resource: [`collection/${COLL}`] },
        ],
        AllowFromPublic: pub,
        ...(pub ? {} : { SourceVPCEs: vpces, SourceServices: ['bedrock.amazonaws.com'] }),
      },
    ];
    const netBase = net([aossVpce], false);
    const netMaint = net([aossVpce, maintVpce], false);
    const netPublic = net([aossVpce, maintVpce], true);
    const createdMs = at('2025-03-12T05:40:11Z');
    const detail = (kind, type, name, desc, policy, t, ver) => ({
      [kind]: {
        type,
        name,
        policyVersion: ver,
        description: desc,
        policy,
        createdDate: createdMs,
        lastModifiedDate: t,
      },
    });
    const getAccess = () =>
      aossCall('GetAccessPolicy', { name: DATA_POLICY, type: 'data' }, null, [DATA_POLICY]);
    const getNet = () =>
      aossCall('GetSecurityPolicy', { name: NET_POLICY, type: 'network' }, null, [NET_POLICY]);
    let lastData = pv(at('2025-09-02T03:10:00Z'));
    let lastNet = pv(at('2025-03-12T05:40:11Z'));
    const updAccess = (doc, t, desc = 'Support KB vectors: data access') => {
      const ver = lastData;
      lastData = pv(t);
      return aossCall(
        'UpdateAccessPolicy',
        {
          name: DATA_POLICY,
          type: 'data',
          policyVersion: ver,
          description: desc,
          policy: JSON.stringify(doc),
          clientToken: rng.uuid(),
        },
        detail('accessPolicyDetail', 'data', DATA_POLICY, desc, doc, t, lastData),
        [DATA_POLICY],
      );
    };
    const updNet = (doc, t, desc = 'Support KB vectors: network') => {
      const ver = lastNet;
      lastNet = pv(t);
      return aossCall(
        'UpdateSecurityPolicy',
        {
          name: NET_POLICY,
          type: 'network',
          policyVersion: ver,
          description: desc,
          policy: JSON.stringify(doc),
          clientToken: rng.uuid(),
        },
        detail('securityPolicyDetail', 'network', NET_POLICY, desc, doc, t, lastNet),
        [NET_POLICY],
      );
    };
    const search = (path, opts) => aossData('Search', collArn, path, opts);

    // ---- background: KB retrievals, scanner, console looks ---------------------------------
    const bg = rng.fork('aoss-bg');
    let kbSess = null;
    const doneDays = new Set();
    sim.addActor({
      name: 'aoss-bg',
      tick(t0, t1) {
        const hour = Math.floor(localClock(t0, w.tz).hour);
        if (!kbSess || t0 >= kbSess.until) {
          const k = bg.iamId('ASIA');
          const name = `BedrockKnowledgeBaseRetrieve-${bg.upperAlnum(10)}`;
          sim.call(
            bg,
            t0 + 1000,
            sim.serviceSession('bedrock.amazonaws.com'),
            C.assumeRole(bg, w.roles.kbService, name, k, t0 + 1000),
          );
          kbSess = {
            until: t0 + HOUR,
            s: sim.roleSession(w.roles.kbService, name, {
              ip: 'bedrock.amazonaws.com',
              userAgent: 'bedrock.amazonaws.com',
              accessKeyId: k,
              created: t0 + 1000,
              tls: null,
              invokedBy: 'bedrock.amazonaws.com',
              rng: bg,
            }),
          };
        }
        const n = bg.poisson(32 * DIURNAL[hour] * ((t1 - t0) / HOUR));
        for (let i = 0; i < n; i++)
          sim.call(bg, t0 + bg.int(2000, t1 - t0 - 1), kbSess.s, search(`/${AOSS_INDEX}/_search`));
        const day = Math.floor((t0 + w.tz * HOUR) / (24 * HOUR));
        if (hour === 6 && !doneDays.has(`scan${day}`)) {
          doneDays.add(`scan${day}`);
          const k = bg.iamId('ASIA');
          const ss = sim.roleSession(w.roles.scanner, `posture-scan-${day}`, {
            ip: bg.pick(w.net.scanner),
            userAgent: w.userAgents.scanner,
            accessKeyId: k,
            created: t0,
            rng: bg,
          });
          let ts = t0 + bg.int(60, 1200) * 1000;
          for (const c of [
            aossCall('ListCollections', {}),
            aossCall('BatchGetCollection', { ids: [collId] }, null),
            aossCall('ListSecurityPolicies', { type: 'network' }),
            aossCall('ListSecurityPolicies', { type: 'encryption' }),
            aossCall('ListAccessPolicies', { type: 'data' }),
            aossCall('GetPoliciesStats', {}),
          ]) {
            sim.call(bg, (ts += bg.int(300, 3000)), ss, c);
          }
        }
        if ((hour === 10 || hour === 15) && !doneDays.has(`look${day}-${hour}`)) {
          doneDays.add(`look${day}-${hour}`);
          const p = bg.pick(admins);
          const ts = t0 + bg.int(60, 280) * 1000;
          const cs = staff.session(p, ts, w.net.office[bg.int(0, 1)], false);
          sim.call(bg, ts, cs, aossCall('ListCollections', {}));
          sim.call(bg, ts + bg.int(3, 20) * 1000, cs, aossCall('BatchGetCollection', { names: [COLL] }));
        }
      },
    });

    // ---- decoy: planned policy change CHG-8120 from the office (console) --------------------
    sim.planChange({
      ticket: 'CHG-8120',
      window: { start: '2025-11-04T02:30:00Z', end: '2025-11-04T04:00:00Z' },
      owner: platformLead.email,
      summary: `OpenSearch Serverless ${COLL}: data access policy ${DATA_POLICY} adds ${maint.name} (read/write documents); network policy ${NET_POLICY} adds VPC endpoint ${maintVpce} (maintenance subnet). Public access stays off.`,
    });
    let t = at('2025-11-04T02:41:18Z');
    const ls = staff.session(platformLead, t, w.net.office[0], false);
    sim.tag(DECOY, () => {
      sim.call(rng, t, ls, aossCall('ListCollections', {}));
      sim.call(rng, (t += rng.int(5, 30) * 1000), ls, aossCall('ListAccessPolicies', { type: 'data' }));
      sim.call(rng, (t += rng.int(5, 30) * 1000), ls, getAccess());
      sim.call(rng, (t += rng.int(60, 240) * 1000), ls, updAccess(withMaint, t));
      sim.call(rng, (t += rng.int(5, 30) * 1000), ls, getAccess());
      sim.call(
        rng,
        (t += rng.int(30, 120) * 1000),
        ls,
        aossCall('ListSecurityPolicies', { type: 'network' }),
      );
      sim.call(rng, (t += rng.int(5, 30) * 1000), ls, getNet());
      sim.call(rng, (t += rng.int(60, 240) * 1000), ls, updNet(netMaint, t));
      sim.call(rng, (t += rng.int(5, 30) * 1000), ls, getNet());
    });

    // ---- decoy: index maintenance task (full scroll through the VPC endpoint) ---------------
    t = at('2025-11-04T06:05:42Z');
    const mk = rng.iamId('ASIA');
    const taskId = rng.hex(32);
    sim.call(
      rng,
      t,
      sim.serviceSession('ecs-tasks.amazonaws.com'),
      C.assumeRole(rng, maint, taskId, mk, t, { region: home }),
    );
    const ms = sim.roleSession(maint, taskId, {
      ip: MAINT_IP,
      userAgent: `opensearch-py/2.7.1 (Python 3.12.${rng.int(3, 7)})`,
      accessKeyId: mk,
      created: t,
      vpce: maintVpce,
      rng,
    });
    sim.tag(DECOY, () => {
      sim.call(rng, (t += 4000), ms, search(`/${AOSS_INDEX}/_search`));
      sim.call(rng, (t += 1500), ms, search(`/${AOSS_INDEX}/_search`));
      for (let i = 0; i < 134; i++) sim.call(rng, (t += rng.int(4000, 14000)), ms, search('/_search/scroll'));
      for (let i = 0; i < 4; i++)
        sim.call(
          rng,
          (t += rng.int(5000, 20000)),
          ms,
          aossData('Bulk', collArn, `/${AOSS_INDEX}/_bulk`, { readOnly: false, status: 200 }),
        );
      sim.call(rng, (t += 3000), ms, search(`/${AOSS_INDEX}/_search`));
    });

    // ---- the actor: the engineer's IAM user key, late at night, from DigitalOcean -----------
    const ua = UA.boto3(rng.fork('ua-actor'), { os: 'linux', family: 'ubuntu' });
    const s = sim.threat(sim.userSession(user, { ip: RECON, userAgent: ua, at: at('2025-11-04T15:38:00Z') }));
    t = at('2025-11-04T15:38:24Z');
    const step = (sess, call, k = false, a = 2, b = 20) => {
      t += rng.int(a, b) * 1000;
      return sim.call(rng, t, sess, { ...call, key: k });
    };
    step(s, C.getCallerIdentity(), true);
    step(s, C.iamGet('ListGroupsForUser', { userName: user.name }));
    step(s, C.iamGet('ListAttachedUserPolicies', { userName: user.name }));
    step(s, C.bedrockAgent('ListKnowledgeBases', { maxResults: 100 }));
    step(s, C.bedrockAgent('GetKnowledgeBase', { knowledgeBaseId: kb.id }, null, [kb.id]), true);
    step(s, aossCall('ListCollections', {}), true);
    step(s, aossCall('BatchGetCollection', { ids: [collId] }, null, [collArn]));
    step(s, aossCall('ListSecurityPolicies', { type: 'network' }));
    step(s, getNet(), true);
    step(s, aossCall('ListAccessPolicies', { type: 'data' }));
    step(s, getAccess(), true);
    step(s, updNet(netPublic, t + 30000), true, 30, 90);
    step(s, updAccess(withActor, t + 30000), true, 20, 60);
    step(s, getAccess());

    // data plane from a second VPS: probe, then the scroll through the whole index
    const dp = s.with({ ip: DUMP, userAgent: `opensearch-py/2.6.0 (Python 3.11.${rng.int(4, 9)})` });
    t += rng.int(150, 300) * 1000;
    step(dp, search(`/${AOSS_INDEX}/_search`, { scope: [collArn] }), true, 1, 3);
    step(dp, search(`/${AOSS_INDEX}/_search`, { scope: [collArn] }), false, 20, 60);
    step(dp, search(`/${AOSS_INDEX}/_search`, { scope: [collArn] }), true, 30, 90);
    for (let i = 0; i < 141; i++)
      step(dp, search('/_search/scroll', { scope: [collArn] }), i < 3 || i === 140, 5, 16);

    // clean-up: both policies back as they were
    step(s, updAccess(withMaint, t + 60000), true, 60, 180);
    step(s, updNet(netMaint, t + 20000), true, 10, 40);
    step(s, getNet());

    sim.tag({ malicious: true, scope: 'none' }, () => {
      const ft = at('2025-11-04T16:05:00Z');
      sim.finding(
        ft,
        finding(rng, w, {
          t: ft,
          type: 'Discovery:IAMUser/AnomalousBehavior',
          severity: 2,
          resourceType: 'AccessKey',
          accessKey: {
            accessKeyId: s.accessKeyId,
            principalId: user.id,
            userType: 'IAMUser',
            userName: user.name,
          },
          title: `Unusual discovery APIs were invoked by IAM user ${user.name}.`,
          description: `APIs commonly used to discover resources (ListCollections, GetAccessPolicy, GetSecurityPolicy) were invoked by IAM user ${user.name} from an unusual location.`,
          api: 'GetAccessPolicy',
          serviceName: 'aoss.amazonaws.com',
          remoteIp: {
            ip: RECON,
            country: 'Singapore',
            city: 'Singapore',
            asn: 14061,
            asnOrg: 'DIGITALOCEAN-ASN',
            isp: 'DigitalOcean, LLC',
            org: 'DigitalOcean, LLC',
            lat: 1.3215,
            lon: 103.6957,
          },
          firstSeen: at('2025-11-04T15:38:24Z'),
          lastSeen: at('2025-11-04T15:44:00Z'),
          count: 6,
        }),
      );
    });

    // ---- decoy: the security engineer's monthly policy review, from home the next morning ---
    t = at('2025-11-05T01:46:09Z');
    const se = staff.session(secEng, t, secEng.home[0], true);
    sim.tag(DECOY, () => {
      sim.call(rng, t, se, C.getCallerIdentity());
      for (const c of [
        aossCall('ListAccessPolicies', { type: 'data' }),
        getAccess(),
        aossCall('ListSecurityPolicies', { type: 'network' }),
        getNet(),
        aossCall('ListSecurityPolicies', { type: 'encryption' }),
        aossCall('GetPoliciesStats', {}),
      ]) {
        sim.call(rng, (t += rng.int(3, 25) * 1000), se, c);
      }
    });
  },
});
