// Knowledge-base data-source swap. Kampong Paws (Singapore pet supplies and vet pharmacy) runs
// its support assistant on a Bedrock knowledge base with two S3 data sources: the main help
// centre (support-docs-s3) and `helpcentre-migration`, which reads the staging bucket where a
// content agency (Brightlane Digital) migrates the old help centre. The agency works through the
// IAM user ext-brightlane-content (long-term key): it may upload drafts under incoming/, change
// the migration data source and start its ingestion jobs. On 15 October the agency performs the
// planned change CHG-7731 from its office (inclusion prefix approved/ -> published/, full sync).
// That evening the same key is used from a VPS (a different client): the actor reads the KB and
// data-source configuration, uploads three "help-centre" articles carrying hidden instructions
// under incoming/, points the migration data source's inclusion prefix at them
// (UpdateDataSource), starts an ingestion job (the published articles are deleted from the index,
// the three are indexed) and checks the result through the public web chat from the same VPS.
// From then on refund, return and missing-item questions retrieve the planted articles, and the
// chatbot and the order agent send customers to a fake "Refund Verification Desk" that asks for
// their card and bank OTP; the scheduled 03:00 sync of the migration source keeps them indexed.
//
// Decoys: the planned data-source change by the same user (same APIs, change calendar, agency
// office, aws-cli), the agency's draft uploads to incoming/ on both days, the content team's
// approval copies, the nightly scheduled syncs of both data sources (kb-sync Lambda), a content
// editor's upload and manual sync, and the usual background.

import {
  addAccessKey,
  C,
  Decoys,
  defineScenario,
  finding,
  iamUser,
  isoSec,
  MIN,
  makeCustomer,
  Prompts,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import { KAMPONG, KP_POISON, poisonText } from './_worlds-q.mjs';

const VPS = '139.180.143.77';
const AGENCY = '202.156.9.41';
const PHISH = 'https://kampongpaws-refunds.sg-verify.com/desk';
const STAGING = 'kampongpaws-helpcentre-staging';
const V = '2012-10-17';

const PUBLISHED = [
  'published/delivery-slots-and-fees.md',
  'published/pharmacy-prescription-upload.md',
  'published/autoship-subscriptions.md',
  'published/paw-points-loyalty.md',
  'published/returns-food-and-litter.md',
  'published/vet-telehealth-partner.md',
  'published/live-fish-and-aquatics-delivery.md',
  'published/prescription-diet-faq.md',
];
const APPROVED = [
  'approved/delivery-slots-and-fees.md',
  'approved/pharmacy-prescription-upload.md',
  'approved/autoship-subscriptions.md',
  'approved/paw-points-loyalty.md',
  'approved/returns-food-and-litter.md',
];

export default defineScenario({
  name: 'kb-datasource-swap',
  seed: 'heldout-q/kb-datasource-swap/v1',
  start: '2025-10-14T16:00:00Z',
  days: 2,
  world: KAMPONG,
  background: {
    intensity: 0.9,
    chatbot: { conversationsPerHour: 55 },
    agent: { sessionsPerHour: 4 },
    ops: { random: 1 },
  },
  alert:
    "On 16 October several Kampong Paws customers wrote on the shop's social pages that Biscuit, the support assistant, told them their refund was on hold until they verified their card at a 'Refund Verification Desk' website; one entered a bank OTP there. The content team says no refund procedure changed.",
  truth: {
    description:
      "The long-term access key of ext-brightlane-content, the IAM user of the content agency migrating the help centre, was used on the evening of 15 October (SGT) from a VPS (139.180.143.77) with a different client than the agency's. After the agency's own planned change CHG-7731 that afternoon (inclusion prefix of the helpcentre-migration data source moved from approved/ to published/, from the agency office), the actor checked the key's identity, listed and read the knowledge base, its data sources and ingestion jobs, listed the staging bucket kampongpaws-helpcentre-staging and read a published article, uploaded three articles with hidden instructions to incoming/hc-update-1015/ (refunds-pharmacy-items.md, refund-verification-desk.md, delivery-missing-items.md), changed the helpcentre-migration data source (UpdateDataSource) so that its only inclusion prefix was incoming/hc-update-1015/, and started an ingestion job: the KB logs show the published articles deleted from the index and the three planted ones indexed. The actor then tested the result through the public web chat from the same VPS. From then on refund, return and missing-item questions retrieved the planted articles, and the chatbot (web and app) and the order agent (knowledge-base lookups in its traces) told customers to verify their card and bank OTP at kampongpaws-refunds.sg-verify.com; the scheduled 03:00 sync kept the planted articles indexed. The agency's planned change and draft uploads from its office, the content team's approval copies, the scheduled syncs, and a content editor's upload and sync are legitimate.",
    elements: ['access', 'ai-changes', 'data-store-changes', 'invocation'],
    components: ['knowledge-bases'],
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const acct = w.account.id;
    const home = w.homeRegion;
    const kb = w.res.kb;
    const DECOY = { decoy: true };
    const s3o = { accountId: acct, region: home };

    // ---- the migration data source, the staging bucket and the agency's user ----------------
    w.res.dataEventBuckets.push(STAGING);
    const ds2 = { id: rng.upperAlnum(10), name: 'helpcentre-migration' };
    const kb2 = { ...kb, dataSourceId: ds2.id };
    w.roles.kbService.inline.push({
      name: 'ReadHelpcentreStaging',
      document: {
        Version: V,
        Statement: [
          {
            Effect: 'Allow',
            Action: ['s3:ListBucket', 's3:GetObject'],
            Resource: [`arn:aws:s3:::${STAGING}`, `arn:aws:s3:::${STAGING}/*`],
          },
        ],
      },
    });
    const user = iamUser(rng, acct, 'ext-brightlane-content', {
      created: at('2025-08-04T02:15:00Z'),
      tags: [
        { Key: 'vendor', Value: 'Brightlane Digital Pte Ltd' },
        { Key: 'purpose', Value: 'Zendesk help-centre migration (content agency)' },
        { Key: 'owner', Value: `content@${w.company.domain}` },
        { Key: 'expires', Value: '2025-12-31' },
      ],
    });
    const key = addAccessKey(rng, user, at('2025-08-04T02:19:40Z'));
    w.users[user.name] = user;
    user.inline.push({
      name: 'helpcentre-migration',
      document: {
        Version: V,
        Statement: [
          { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: `arn:aws:s3:::${STAGING}` },
          { Effect: 'Allow', Action: ['s3:GetObject'], Resource: `arn:aws:s3:::${STAGING}/*` },
          { Effect: 'Allow', Action: ['s3:PutObject'], Resource: `arn:aws:s3:::${STAGING}/incoming/*` },
          { Effect: 'Allow', Action: ['bedrock:ListKnowledgeBases'], Resource: '*' },
          {
            Effect: 'Allow',
            Action: [
              'bedrock:GetKnowledgeBase',
              'bedrock:ListDataSources',
              'bedrock:GetDataSource',
              'bedrock:UpdateDataSource',
              'bedrock:StartIngestionJob',
              'bedrock:GetIngestionJob',
              'bedrock:ListIngestionJobs',
            ],
            Resource: kb.arn,
          },
        ],
      },
    });
    const agencyUa = UA.awsCli(rng.fork('ua-agency'), 'macos');
    const agency = sim.userSession(user, { ip: AGENCY, userAgent: agencyUa, accessKeyId: key.id });
    const editor = Decoys.findPerson(w, (p) => p.permissionSet === 'content');
    const editor2 = w.people.filter((p) => p.permissionSet === 'content')[1] ?? editor;
    const staff = actors.staff;

    const dsConfig = (prefix) => ({
      type: 'S3',
      s3Configuration: { bucketArn: `arn:aws:s3:::${STAGING}`, inclusionPrefixes: [prefix] },
    });
    const chunking = {
      chunkingConfiguration: {
        chunkingStrategy: 'FIXED_SIZE',
        fixedSizeChunkingConfiguration: { maxTokens: 300, overlapPercentage: 20 },
      },
    };
    const created = '2025-08-05T03:41:12.118402Z';
    const dsBody = (prefix, updatedAt) => ({
      knowledgeBaseId: kb.id,
      dataSourceId: ds2.id,
      name: ds2.name,
      status: 'AVAILABLE',
      description:
        'Migrated Zendesk help-centre articles (Brightlane), staged in kampongpaws-helpcentre-staging',
      dataSourceConfiguration: dsConfig(prefix),
      dataDeletionPolicy: 'DELETE',
      vectorIngestionConfiguration: chunking,
      createdAt: created,
      updatedAt,
    });
    const updateDs = (prefix, t) =>
      C.bedrockAgent(
        'UpdateDataSource',
        {
          knowledgeBaseId: kb.id,
          dataSourceId: ds2.id,
          name: ds2.name,
          description:
            'Migrated Zendesk help-centre articles (Brightlane), staged in kampongpaws-helpcentre-staging',
          dataSourceConfiguration: dsConfig(prefix),
          dataDeletionPolicy: 'DELETE',
          vectorIngestionConfiguration: chunking,
        },
        { dataSource: dsBody(prefix, new Date(t).toISOString().replace('Z', `${rng.int(100, 999)}Z`)) },
        [kb.id, ds2.id],
      );
    const getDs = () =>
      C.bedrockAgent('GetDataSource', { knowledgeBaseId: kb.id, dataSourceId: ds2.id }, null, [
        kb.id,
        ds2.id,
      ]);
    const sizes = new Map();
    const sizeOf = (k) => {
      if (!sizes.has(k)) sizes.set(k, rng.int(2400, 14000));
      return sizes.get(k);
    };

    // One ingestion job of the migration data source: KB logs and the KB role's reads of staging.
    const ingest = (t, jobId, docs, tags) => {
      const ev = (ts, type, event) =>
        sim.kbLog(ts, kb.id, {
          event_timestamp: ts,
          event_version: '1.0',
          event_type: type,
          level: 'INFO',
          event,
        });
      const base = { ingestion_job_id: jobId, data_source_id: ds2.id, knowledge_base_arn: kb.arn };
      const run = () => {
        let ts = t + rng.int(2, 8) * 1000;
        ev(ts, 'StartIngestionJob.StatusChanged', { ...base, ingestion_job_status: 'INGESTION_JOB_STARTED' });
        const svc = sim.serviceSession('bedrock.amazonaws.com');
        const sessionName = `BedrockKnowledgeBaseIngestion-${jobId}`;
        const k = rng.iamId('ASIA');
        sim.call(rng, ts, svc, C.assumeRole(rng, w.roles.kbService, sessionName, k, ts));
        const ks = sim.roleSession(w.roles.kbService, sessionName, {
          ip: 'bedrock.amazonaws.com',
          userAgent: 'bedrock.amazonaws.com',
          accessKeyId: k,
          created: ts,
          tls: null,
          invokedBy: 'bedrock.amazonaws.com',
          rng,
        });
        ts += rng.int(1, 3) * 1000;
        const prefixes = [
          ...new Set(docs.filter((d) => d.change !== 'deleted').map((d) => d.key.replace(/[^/]+$/, ''))),
        ];
        for (const p of prefixes) sim.call(rng, ts, ks, C.s3List(rng, STAGING, p, s3o));
        const st = { updated: 0, ingested: 0, deleted: 0 };
        for (const d of docs) {
          ts += rng.int(200, 2500);
          const loc = { type: 'S3', s3_location: { uri: `s3://${STAGING}/${d.key}` } };
          if (d.change === 'deleted') {
            ev(ts, 'StartIngestionJob.ResourceStatusChanged', {
              ...base,
              document_location: loc,
              status: 'DELETION_COMPLETED',
              status_reasons: [],
            });
            st.deleted++;
            continue;
          }
          if (d.change === 'unchanged') {
            ev(ts, 'StartIngestionJob.ResourceStatusChanged', {
              ...base,
              document_location: loc,
              status: 'RESOURCE_IGNORED',
              status_reasons: [
                'Resource was ignored by Bedrock Knowledge Base as its content was not modified since the last sync.',
              ],
            });
            continue;
          }
          sim.call(
            rng,
            ts,
            ks,
            C.s3Object(rng, 'GetObject', STAGING, d.key, { ...s3o, bytes: sizeOf(d.key) }),
          );
          ev(ts + rng.int(300, 2000), 'StartIngestionJob.ResourceStatusChanged', {
            ...base,
            document_location: loc,
            status: 'EMBEDDING_COMPLETED',
            status_reasons: [],
          });
          ts += rng.int(800, 4000);
          ev(ts, 'StartIngestionJob.ResourceStatusChanged', {
            ...base,
            document_location: loc,
            status: 'INDEXING_COMPLETED',
            status_reasons: [],
          });
          if (d.change === 'new') st.ingested++;
          else st.updated++;
        }
        ts += rng.int(2000, 9000);
        ev(ts, 'StartIngestionJob.StatusChanged', {
          ...base,
          ingestion_job_status: 'COMPLETE',
          resource_statistics: {
            number_of_resources_updated: st.updated,
            number_of_resources_ingested: st.ingested,
            number_of_resources_scheduled_for_update: 0,
            number_of_resources_scheduled_for_ingestion: 0,
            number_of_resources_scheduled_for_metadata_update: 0,
            number_of_resources_deleted: st.deleted,
            number_of_resources_with_metadata_updated: 0,
            number_of_resources_failed: 0,
            number_of_resources_scheduled_for_deletion: 0,
          },
        });
        return ts;
      };
      return tags ? sim.tag(tags, run) : run();
    };

    // The kb-sync Lambda's scheduled run for the migration source (the jobs actor syncs the main one).
    const scheduledSync = (t, docs) => {
      const fn = w.res.functions.kbSync;
      const k = rng.iamId('ASIA');
      sim.call(
        rng,
        t,
        sim.serviceSession('lambda.amazonaws.com'),
        C.assumeRole(rng, w.roles.kbSync, fn.name, k, t, { region: home }),
      );
      const s = sim.roleSession(w.roles.kbSync, fn.name, {
        ip: rng.pick(w.net.lambdaEgress),
        userAgent: w.userAgents.pythonLambda,
        accessKeyId: k,
        created: t,
        rng,
      });
      const jobId = rng.upperAlnum(10);
      sim.call(rng, t + 1500, s, { ...C.startIngestionJob(rng, kb2, jobId), decoy: true });
      const end = ingest(t + 2500, jobId, docs);
      sim.call(
        rng,
        end + rng.int(20, 90) * 1000,
        s,
        C.bedrockAgent('GetIngestionJob', {
          knowledgeBaseId: kb.id,
          dataSourceId: ds2.id,
          ingestionJobId: jobId,
        }),
      );
      return end;
    };

    // ---- night 1 (03:10 SGT 15 Oct): scheduled sync, prefix approved/ ------------------------
    scheduledSync(
      at('2025-10-14T19:12:31Z'),
      APPROVED.map((key) => ({ key, change: 'unchanged' })),
    );

    // ---- decoy: the agency uploads drafts of the last batch from its office -------------------
    let t = at('2025-10-15T01:46:05Z');
    sim.tag(DECOY, () => {
      sim.call(rng, t, agency, C.getCallerIdentity());
      sim.call(rng, (t += rng.int(3, 9) * 1000), agency, C.s3List(rng, STAGING, 'incoming/', s3o));
      for (const k of [
        'batch3/live-fish-and-aquatics-delivery.md',
        'batch3/prescription-diet-faq.md',
        'batch3/vet-telehealth-partner.md',
      ]) {
        sim.call(
          rng,
          (t += rng.int(4, 20) * 1000),
          agency,
          C.s3Object(rng, 'PutObject', STAGING, `incoming/${k}`, { ...s3o, bytes: sizeOf(k) }),
        );
      }
    });
    sim.note('kb-upload', t, {
      ip: AGENCY,
      accessKeyId: key.id,
      principalId: user.id,
      userType: 'IAMUser',
      userName: user.name,
      bucket: STAGING,
      api: 'PutObject',
      service: 's3.amazonaws.com',
    });

    // ---- decoy: the content team approves and publishes (copies to published/) ---------------
    t = at('2025-10-15T04:20:44Z');
    const es = staff.session(editor, t, w.net.office[0], false);
    sim.tag(DECOY, () => {
      sim.call(rng, t, es, C.s3List(rng, STAGING, 'incoming/batch3/', s3o));
      for (const k of PUBLISHED)
        sim.call(
          rng,
          (t += rng.int(6, 40) * 1000),
          es,
          C.s3Object(rng, 'PutObject', STAGING, k, { ...s3o, bytes: sizeOf(k) }),
        );
    });

    // ---- decoy: the planned change CHG-7731 by the agency (approved/ -> published/) -----------
    sim.planChange({
      ticket: 'CHG-7731',
      window: { start: '2025-10-15T06:00:00Z', end: '2025-10-15T08:00:00Z' },
      owner: `content@${w.company.domain}`,
      summary: `Support KB ${kb.name}: data source ${ds2.name} inclusion prefix approved/ -> published/ (new CMS export path, Brightlane batch 3 goes live); full sync by Brightlane (ext-brightlane-content) from their office`,
    });
    t = at('2025-10-15T06:14:37Z');
    let planned;
    sim.tag(DECOY, () => {
      sim.call(rng, t, agency, C.getCallerIdentity());
      sim.call(
        rng,
        (t += rng.int(4, 15) * 1000),
        agency,
        C.bedrockAgent('GetKnowledgeBase', { knowledgeBaseId: kb.id }, null, [kb.id]),
      );
      sim.call(
        rng,
        (t += rng.int(4, 15) * 1000),
        agency,
        C.bedrockAgent('ListDataSources', { knowledgeBaseId: kb.id, maxResults: 100 }, null, [kb.id]),
      );
      sim.call(rng, (t += rng.int(4, 15) * 1000), agency, getDs());
      sim.call(rng, (t += rng.int(40, 120) * 1000), agency, updateDs('published/', t));
      sim.call(rng, (t += rng.int(5, 20) * 1000), agency, getDs());
      const job = rng.upperAlnum(10);
      sim.call(rng, (t += rng.int(20, 60) * 1000), agency, C.startIngestionJob(rng, kb2, job));
      planned = ingest(
        t + 3000,
        job,
        [
          ...APPROVED.map((key) => ({ key, change: 'deleted' })),
          ...PUBLISHED.map((key) => ({ key, change: 'new' })),
        ],
        DECOY,
      );
      for (let i = 0; i < 2; i++)
        sim.call(
          rng,
          (t += rng.int(60, 200) * 1000),
          agency,
          C.bedrockAgent(
            'GetIngestionJob',
            { knowledgeBaseId: kb.id, dataSourceId: ds2.id, ingestionJobId: job },
            null,
            [kb.id, ds2.id],
          ),
        );
    });

    // ---- decoy: a content editor uploads and syncs the main help centre ----------------------
    Decoys.contentUpload(sim, rng, at('2025-10-15T07:42:10Z'), editor2);

    // ---- the actor: same key, from a VPS, that evening ---------------------------------------
    const s = sim.threat(
      sim.userSession(user, {
        ip: VPS,
        userAgent: UA.boto3(rng.fork('ua-actor'), { os: 'linux' }),
        accessKeyId: key.id,
      }),
    );
    t = at('2025-10-15T13:04:52Z');
    const step = (call, k = false, a = 2, b = 25) => {
      t += rng.int(a, b) * 1000;
      return sim.call(rng, t, s, { ...call, key: k });
    };
    step(C.getCallerIdentity(), true);
    step(C.bedrockAgent('ListKnowledgeBases', { maxResults: 100 }), true);
    step(C.bedrockAgent('GetKnowledgeBase', { knowledgeBaseId: kb.id }, null, [kb.id]));
    step(C.bedrockAgent('ListDataSources', { knowledgeBaseId: kb.id, maxResults: 100 }, null, [kb.id]), true);
    step(getDs(), true);
    step(
      C.bedrockAgent('GetDataSource', { knowledgeBaseId: kb.id, dataSourceId: kb.dataSourceId }, null, [
        kb.id,
        kb.dataSourceId,
      ]),
    );
    step(
      C.bedrockAgent(
        'ListIngestionJobs',
        { knowledgeBaseId: kb.id, dataSourceId: ds2.id, maxResults: 20 },
        null,
        [kb.id, ds2.id],
      ),
    );
    step(C.s3List(rng, STAGING, '', s3o), true);
    step(C.s3List(rng, STAGING, 'published/', s3o));
    step(
      C.s3Object(rng, 'GetObject', STAGING, 'published/returns-food-and-litter.md', {
        ...s3o,
        bytes: sizeOf('published/returns-food-and-litter.md'),
      }),
    );
    // a write outside incoming/ is refused
    step(
      {
        ...C.s3Object(rng, 'PutObject', STAGING, 'published/refunds-pharmacy-items.md', s3o),
        error: { code: 'AccessDenied', message: 'Access Denied' },
      },
      false,
      40,
      120,
    );
    const planted = KP_POISON.docs.map((d) => ({
      key: `incoming/hc-update-1015/${d.name}`,
      title: d.title,
      text: poisonText(d, PHISH),
    }));
    for (const d of planted)
      step(
        C.s3Object(rng, 'PutObject', STAGING, d.key, { ...s3o, bytes: Buffer.byteLength(d.text) }),
        true,
        20,
        70,
      );
    step(updateDs('incoming/hc-update-1015/', t), true, 30, 90);
    step(getDs());
    const jobId = rng.upperAlnum(10);
    step(C.startIngestionJob(rng, kb2, jobId), true, 10, 40);
    const done = ingest(
      t + 3000,
      jobId,
      [
        ...PUBLISHED.map((key) => ({ key, change: 'deleted' })),
        ...planted.map((d) => ({ key: d.key, change: 'new' })),
      ],
      { malicious: true, scope: 'none' },
    );
    step(
      C.bedrockAgent(
        'GetIngestionJob',
        { knowledgeBaseId: kb.id, dataSourceId: ds2.id, ingestionJobId: jobId },
        null,
        [kb.id, ds2.id],
      ),
      false,
      60,
      150,
    );
    t = Math.max(t, done) + rng.int(30, 90) * 1000;
    step(
      C.bedrockAgent(
        'GetIngestionJob',
        { knowledgeBaseId: kb.id, dataSourceId: ds2.id, ingestionJobId: jobId },
        null,
        [kb.id, ds2.id],
      ),
    );

    // the actor tries the public web chat from the same VPS
    const tags = { malicious: true, scope: 'proxy' };
    const probe = makeCustomer(rng.fork('probe'), w);
    let turn;
    for (let i = 0; i < 40; i++) {
      turn = Prompts.customerTurn(rng, w, probe);
      if (turn.intent === 'refund') break;
    }
    const order = probe.orders[0].id;
    const answer = (r, o) => r.pick(KP_POISON.answers).replaceAll('{order}', o).replaceAll('{url}', PHISH);
    const conv = rng.uuid();
    t += rng.int(60, 180) * 1000;
    actors.chatbot.chat(rng, t, {
      channel: 'web',
      conversationId: conv,
      clientIp: VPS,
      customer: probe,
      anonymous: true,
      turn: { ...turn, answer: answer(rng, order) },
      retrieve: true,
      tags,
      key: true,
      keyRetrieve: false,
    });

    // ---- poisoned answers from then on ---------------------------------------------------------
    let chatKeys = 0;
    let agentKeys = 0;
    sim.intercept('chatbot', ({ t: ts, rng: r, turn: tu, customer }) => {
      if (ts < done || !['return', 'refund'].includes(tu.intent) || !r.chance(0.55)) return null;
      const o = tu.user.match(/[A-Z]{2}-\d{4}-\d{4}/)?.[0] ?? customer.orders[0].id;
      return { turn: { ...tu, answer: answer(r, o) }, tags, retrieve: true, key: chatKeys++ < 6 };
    });
    sim.intercept('agent', ({ t: ts, rng: r, spec, customer }) => {
      if (ts < done || spec.intent !== 'refund' || !r.chance(0.7)) return null;
      const d = r.pick(planted);
      const o = spec.question.match(/[A-Z]{2}-\d{4}-\d{4}/)?.[0] ?? customer.orders[0].id;
      return {
        steps: [
          {
            rationale: 'Check the current refund procedure in the knowledge base before issuing a refund.',
            kb: {
              id: kb.id,
              query: 'refund procedure verification',
              references: [{ text: d.text.slice(0, 600), uri: `s3://${STAGING}/${d.key}` }],
            },
          },
        ],
        answer: answer(r, o),
        tags,
        keySteps: agentKeys++ < 3 ? [0] : [],
      };
    });

    // ---- night 2 (03:10 SGT 16 Oct): the scheduled sync keeps the planted prefix --------------
    scheduledSync(
      at('2025-10-15T19:11:08Z'),
      planted.map((d) => ({ key: d.key, change: 'unchanged' })),
    );

    // ---- decoy: the agency's drafts on day 2, from its office --------------------------------
    t = at('2025-10-16T02:05:19Z');
    sim.tag(DECOY, () => {
      sim.call(
        rng,
        t,
        agency,
        C.bedrockAgent(
          'ListIngestionJobs',
          { knowledgeBaseId: kb.id, dataSourceId: ds2.id, maxResults: 20 },
          null,
          [kb.id, ds2.id],
        ),
      );
      sim.call(rng, (t += rng.int(5, 30) * 1000), agency, C.s3List(rng, STAGING, 'incoming/', s3o));
      for (const k of ['batch4/grooming-appointments.md', 'batch4/pet-insurance-claims.md'])
        sim.call(
          rng,
          (t += rng.int(10, 40) * 1000),
          agency,
          C.s3Object(rng, 'PutObject', STAGING, `incoming/${k}`, { ...s3o, bytes: sizeOf(k) }),
        );
    });

    // ---- GuardDuty: unusual writes to the staging bucket --------------------------------------
    sim.tag({ malicious: true, scope: 'none' }, () => {
      const ft = at('2025-10-15T13:31:40Z');
      sim.finding(
        ft,
        finding(rng, w, {
          t: ft,
          type: 'Impact:S3/AnomalousBehavior.Write',
          severity: 2,
          resourceType: 'S3Bucket',
          accessKey: { accessKeyId: key.id, principalId: user.id, userType: 'IAMUser', userName: user.name },
          s3Bucket: { name: STAGING, arn: `arn:aws:s3:::${STAGING}` },
          title: `Unusual write activity on S3 bucket ${STAGING}.`,
          description: `An API commonly used to modify data (PutObject) was invoked on bucket ${STAGING} by a principal and from a location that are unusual for this bucket.`,
          api: 'PutObject',
          serviceName: 's3.amazonaws.com',
          remoteIp: {
            ip: VPS,
            country: 'Singapore',
            city: 'Singapore',
            asn: 20473,
            asnOrg: 'AS-CHOOPA',
            isp: 'Vultr Holdings, LLC',
            org: 'Vultr Holdings, LLC',
            lat: 1.2897,
            lon: 103.8501,
          },
          firstSeen: at('2025-10-15T13:09:00Z'),
          lastSeen: at('2025-10-15T13:12:00Z'),
          count: 4,
        }),
      );
    });
  },
});
