// Millrace Fabric & Craft's merchandising team still signs in to the console as IAM users (from
// before Identity Center), with Bedrock access for drafting product copy in the playgrounds and
// for looking things up in the merchandising knowledge base (supplier costs, margin targets,
// promotion plans) through the knowledge-base "Test" window. One of them, Renata Kowalczyk
// (rkowalczyk), has no MFA device; her password is phished. In the evening the actor signs in
// (ConsoleLogin, MFAUsed No) from a US residential proxy with a browser she never used, opens the
// knowledge bases and runs dozens of test queries against the merchandising knowledge base
// (RetrieveAndGenerate and Retrieve from the console), opens the cited source documents (S3
// GetObject through the console), enables Claude Opus 4 (model agreement) and chats at length with
// Opus 4 and Claude 3.7 Sonnet in the chat playground (Converse through the console: the
// browser's user agent, sessionCredentialFromConsole). Before leaving it creates an access key
// for the user in the IAM console; the key is used the next day from a hosting address (SDK) for
// more Opus 4 calls and knowledge-base queries, and the actor signs in again from a second
// residential proxy.
//
// Decoys:
//   - Renata's own work from the office (she signs in without MFA every day; playground copy
//     drafting with Claude 3 Haiku and a few knowledge-base test queries).
//   - another merchandiser (IAM user with MFA) doing the same from the office, and SSO staff using
//     the playground as usual.
//   - CHG-5530 in the change calendar: an administrator rotates the ETL service user's access key
//     in the IAM console (CreateAccessKey, the ETL host picks up the new key, old key deactivated).
//   - the usual background (scanner, vendor, ops).

import { consoleUserIdentityFor } from '../../../shared/tools/evidence-gen/lib/identity.mjs';
import {
  Abuse,
  addAccessKey,
  C,
  clientProfile,
  defineScenario,
  finding,
  iamUser,
  isoSec,
  MIN,
  Prompts,
  Session,
  UA,
  userIdentityFor,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import { MILLRACE } from './_worlds-y.mjs';

const PROXY1 = '98.207.133.61'; // residential proxy exit (US cable broadband)
const PROXY2 = '24.15.188.203'; // second residential proxy exit
const KEY_IP = '185.156.46.19'; // hosting: the created access key's use
const OPUS4 = 'us.anthropic.claude-opus-4-20250514-v1:0';
const SONNET37 = 'us.anthropic.claude-3-7-sonnet-20250219-v1:0';
const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const KB_MODEL = 'anthropic.claude-3-5-sonnet-20240620-v1:0';

const MERCH_DOCS = [
  'supplier-terms/2026-supplier-cost-sheet.xlsx.md',
  'supplier-terms/larkspur-distribution-agreement.md',
  'pricing/margin-targets-fy26.md',
  'promotions/q1-2026-promo-calendar.md',
  'promotions/black-friday-2025-markdown-plan.md',
  'stores/store-performance-oct-2025.md',
  'vendors/vendor-contacts.md',
  'pricing/competitor-price-watch.md',
];

export default defineScenario({
  name: 'console-playground-abuse',
  seed: 'sc10-y/console-playground-abuse/v1',
  start: '2025-12-01T12:00:00Z',
  days: 1.5,
  world: MILLRACE,
  background: {
    intensity: 1.0,
    chatbot: { conversationsPerHour: 55 },
    agent: { sessionsPerHour: 4 },
    jobs: { guardrailEval: true },
    ops: { random: 1 },
  },
  alert:
    "A merchandiser, Renata Kowalczyk, reports that she received an AWS 'new access key' notification she did not expect, and the Bedrock bill shows Claude Opus 4 usage although no one at Millrace uses that model.",
  truth: {
    description:
      "The console password of the merchandising IAM user rkowalczyk (no MFA device; group Merchandising with AmazonBedrockFullAccess, knowledge-base access and self-service credential management) was phished. At 19:02 Columbus time on 1 December the actor signed in (ConsoleLogin, MFAUsed No) from a residential proxy (98.207.133.61) with a browser the user never used. In the Bedrock console it listed models and knowledge bases, then used the knowledge-base test window on the merchandising knowledge base: RetrieveAndGenerate and Retrieve calls (console user agent, sessionCredentialFromConsole) pulling supplier cost sheets, margin targets, promotion plans and vendor contacts, and opened the cited source documents in the millrace-merch-kb-docs bucket (S3 GetObject). It accepted the agreement for Claude Opus 4 (ListFoundationModelAgreementOffers, CreateFoundationModelAgreement) and chatted at length with Opus 4 and Claude 3.7 Sonnet in the chat playground (Converse, logged in us-east-2). In the IAM console it created an access key for rkowalczyk (CreateAccessKey), which was used the next day from a hosting address (185.156.46.19) with an SDK for more Opus 4 calls and knowledge-base queries; the actor also signed in again from a second residential proxy (24.15.188.203) for more playground chats. Containment: deactivate and delete the new access key, reset the password and require MFA, withdraw the Opus 4 agreement if unneeded, review what the merchandising knowledge base exposes. Renata's own sign-ins and work from the office (also without MFA), the other merchandiser's and SSO staff's playground use, and the planned rotation of the ETL user's key (CHG-5530) are legitimate.",
    elements: ['access', 'ai-changes', 'infrastructure-changes', 'invocation', 'private-data'],
    components: ['foundation-models', 'knowledge-bases'],
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const acct = w.account.id;
    const home = w.homeRegion;

    // ---- merchandising: group, users, knowledge base --------------------------------------
    w.groups.Merchandising = {
      name: 'Merchandising',
      attached: ['arn:aws:iam::aws:policy/AmazonBedrockFullAccess'],
      inline: [
        {
          name: 'merch-kb-and-self-service',
          document: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: ['s3:GetObject', 's3:ListBucket'],
                Resource: ['arn:aws:s3:::millrace-merch-kb-docs', 'arn:aws:s3:::millrace-merch-kb-docs/*'],
              },
              {
                Effect: 'Allow',
                Action: [
                  'iam:GetUser',
                  'iam:ChangePassword',
                  'iam:ListAccessKeys',
                  'iam:CreateAccessKey',
                  'iam:UpdateAccessKey',
                  'iam:DeleteAccessKey',
                  'iam:ListMFADevices',
                  'iam:CreateVirtualMFADevice',
                  'iam:EnableMFADevice',
                ],
                Resource: ['arn:aws:iam::*:user/${aws:username}', 'arn:aws:iam::*:mfa/${aws:username}'],
              },
            ],
          },
        },
      ],
    };
    const mkUser = (name, created) => {
      const u = iamUser(rng, acct, name, { created, tags: [{ Key: 'team', Value: 'merchandising' }] });
      u.groups.push('Merchandising');
      w.users[name] = u;
      return u;
    };
    const victim = mkUser('rkowalczyk', at('2023-05-08T14:11:00Z'));
    const peer = mkUser('tbalogun', at('2023-09-19T15:40:00Z'));
    const merchBucket = 'millrace-merch-kb-docs';
    w.res.dataEventBuckets.push(merchBucket);
    const kb = { id: 'M' + rng.upperAlnum(9), name: 'millrace-merch-kb' };
    kb.arn = `arn:aws:bedrock:${home}:${acct}:knowledge-base/${kb.id}`;
    const kbModelArn = `arn:aws:bedrock:${home}::foundation-model/${KB_MODEL}`;
    const supportKb = w.res.kb;

    const victimBrowser = UA.browser(rng.fork('ua-victim'));
    const peerBrowser = UA.browser(rng.fork('ua-peer'));
    const actorBrowser = UA.browser(rng.fork('ua-actor'));
    const loginAs = (u, ip, ua) =>
      new Session({
        identity: { type: 'IAMUser', principalId: u.id, arn: u.arn, accountId: acct, userName: u.name },
        principal: u,
        ip,
        userAgent: ua,
        region: 'us-east-1',
      });
    const consoleAs = (u, ip, ua, t, mfa) =>
      new Session({
        identity: consoleUserIdentityFor(u, rng.iamId('ASIA'), t, mfa),
        principal: u,
        ip,
        userAgent: ua,
        console: true,
        region: home,
      });
    const gap = (a, b) => rng.int(a, b) * 1000;

    // a merchandiser's usual work: playground copy drafting and a few KB test queries
    const merchWork = (u, ip, ua, t, mfa, tagged) => {
      const run = () => {
        sim.call(rng, t, loginAs(u, ip, ua), { ...C.consoleLogin({ mfa }), tls: 'tls13' });
        const cs = consoleAs(u, ip, ua, t, mfa);
        t += gap(30, 120);
        sim.call(rng, t, cs, C.bedrock('ListFoundationModels', null));
        for (let i = 0, n = rng.int(3, 9); i < n; i++) {
          t += gap(40, 400);
          const task = Prompts.devTask(rng, w);
          sim.runtime(rng, t, cs, {
            op: 'Converse',
            modelId: rng.chance(0.8) ? HAIKU : w.models.playground[1],
            prompt: task.user,
            answer: task.answer,
            maxTokens: 1024,
            temperature: 0.7,
          });
        }
        if (rng.chance(0.8)) {
          t += gap(60, 300);
          sim.call(rng, t, cs, C.bedrockAgent('GetKnowledgeBase', { knowledgeBaseId: kb.id }));
          for (let i = 0, n = rng.int(1, 4); i < n; i++) {
            t += gap(30, 200);
            sim.call(rng, t, cs, { ...C.retrieveAndGenerate(kb, kbModelArn, acct) });
          }
        }
        return t;
      };
      return tagged ? sim.tag({ decoy: true }, run) : run();
    };
    // Renata (no MFA) and her colleague (MFA) at the office, both days
    merchWork(victim, w.net.office[0], victimBrowser, at('2025-12-01T14:22:00Z'), false, true);
    merchWork(peer, w.net.office[1], peerBrowser, at('2025-12-01T15:47:00Z'), true, true);
    merchWork(peer, w.net.office[0], peerBrowser, at('2025-12-01T19:35:00Z'), true, true);
    merchWork(victim, w.net.office[1], victimBrowser, at('2025-12-02T14:05:00Z'), false, true);
    merchWork(peer, w.net.office[0], peerBrowser, at('2025-12-02T15:12:00Z'), true, true);

    // ---- 1. the phished password: sign-in from a residential proxy ------------------------
    let t = at('2025-12-02T00:02:14Z'); // 19:02 EST on 1 December
    const login = sim.threat(loginAs(victim, PROXY1, actorBrowser));
    sim.call(rng, t, login, { ...C.consoleLogin({ mfa: false }), tls: 'tls13', key: true });
    const cs = sim.threat(consoleAs(victim, PROXY1, actorBrowser, t, false));
    t += gap(40, 90);
    for (const call of [
      C.bedrock('ListFoundationModels', null),
      C.bedrockAgent('ListKnowledgeBases', { maxResults: 10 }),
      C.bedrockAgent('GetKnowledgeBase', { knowledgeBaseId: supportKb.id }),
      C.bedrockAgent('GetKnowledgeBase', { knowledgeBaseId: kb.id }),
      C.bedrockAgent('ListDataSources', { knowledgeBaseId: kb.id, maxResults: 10 }),
    ]) {
      t += gap(6, 45);
      sim.call(rng, t, cs, call);
    }
    // ---- 2. the knowledge-base test window: the merchandising KB ---------------------------
    const docsOpened = [];
    for (let i = 0; i < 28; i++) {
      t += gap(25, 140);
      const retrieveOnly = rng.chance(0.2);
      sim.call(
        rng,
        t,
        cs,
        retrieveOnly
          ? { ...C.retrieve(kb, acct, { results: 10 }), key: i < 3 }
          : { ...C.retrieveAndGenerate(kb, kbModelArn, acct), key: i < 6 || i % 5 === 0 },
      );
      if (i % 4 === 1) {
        const doc = MERCH_DOCS[docsOpened.length % MERCH_DOCS.length];
        docsOpened.push(doc);
        t += gap(8, 30);
        sim.call(rng, t, cs, {
          ...C.s3Object(rng, 'GetObject', merchBucket, doc, {
            accountId: acct,
            region: home,
            bytes: rng.int(18000, 140000),
          }),
          key: true,
        });
      }
    }
    for (let i = 0; i < 3; i++) {
      t += gap(30, 90);
      sim.call(rng, t, cs, { ...C.retrieveAndGenerate(supportKb, kbModelArn, acct) });
    }
    // ---- 3. model access for Opus 4, then the chat playground ------------------------------
    t += gap(60, 200);
    sim.call(
      rng,
      t,
      cs,
      C.bedrock('GetFoundationModelAvailability', { modelId: 'anthropic.claude-opus-4-20250514-v1:0' }),
    );
    t += gap(10, 40);
    sim.call(rng, t, cs, {
      ...C.bedrock('ListFoundationModelAgreementOffers', {
        modelId: 'anthropic.claude-opus-4-20250514-v1:0',
      }),
      key: true,
    });
    t += gap(20, 60);
    sim.call(rng, t, cs, {
      ...C.bedrock(
        'CreateFoundationModelAgreement',
        { modelId: 'anthropic.claude-opus-4-20250514-v1:0', offerToken: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
        { modelId: 'anthropic.claude-opus-4-20250514-v1' },
        ['anthropic.claude-opus-4-20250514-v1:0'],
      ),
      key: true,
    });
    const corpus = w.corpus.abuse;
    const chat = (s, t0, n, models, firstKey) => {
      let tc = t0;
      const params = clientProfile(rng, { spread: 0.2 });
      for (let i = 0; i < n; i++) {
        tc += gap(45, 260);
        const c = rng.chance(0.4)
          ? Abuse.bulkTask(rng, { corpus })
          : Abuse.rolePlay(rng, { turns: rng.int(3, 14), cardParagraphs: rng.int(2, 6), corpus });
        const p = params(rng);
        sim.runtime(rng, tc, s, {
          op: 'Converse',
          modelId: rng.pick(models),
          inferenceRegion: rng.pick(['us-east-1', 'us-east-2', 'us-west-2']),
          system: c.system,
          history: c.history,
          prompt: c.prompt,
          answer: c.answer,
          maxTokens: Math.max(p.maxTokens ?? 4096, 4096),
          temperature: p.temperature,
          key: firstKey && i < 2,
        });
      }
      return tc;
    };
    t = chat(cs, t + gap(60, 180), 34, [OPUS4, OPUS4, SONNET37], true);
    // ---- 4. an access key for the user ------------------------------------------------------
    t += gap(60, 240);
    sim.call(rng, t, cs, C.iamGet('GetUser', { userName: victim.name }));
    t += gap(5, 20);
    sim.call(rng, t, cs, C.iamGet('ListAccessKeys', { userName: victim.name }));
    t += gap(10, 40);
    const nk = addAccessKey(rng, victim, t);
    sim.call(rng, t, cs, { ...C.iamCreateAccessKey(victim.name, nk.id, t, acct), key: true });
    sim.truth.addScope('accessKeyIds', nk.id);
    const tKey = t;

    // ---- 5. the new key from a hosting address, next day ----------------------------------
    const ks = sim.threat(
      sim.userSession(victim, {
        ip: KEY_IP,
        userAgent: UA.boto3(rng.fork('ua-key'), { family: 'ubuntu-aws', min: 36 }),
        accessKeyId: nk.id,
        region: home,
      }),
    );
    let tk = at('2025-12-02T13:16:40Z');
    sim.call(rng, tk, ks, { ...C.getCallerIdentity(), key: true });
    tk += gap(5, 20);
    sim.call(rng, tk, ks, C.bedrock('ListFoundationModels', { byProvider: 'Anthropic' }));
    for (let i = 0; i < 8; i++) {
      tk += gap(20, 90);
      sim.call(rng, tk, ks, { ...C.retrieveAndGenerate(kb, kbModelArn, acct), key: i === 0 });
    }
    tk = chat(ks, tk, 60, [OPUS4], true);

    // ---- 6. a second console session from another residential proxy ------------------------
    let t2 = at('2025-12-02T22:41:09Z');
    sim.call(rng, t2, sim.threat(loginAs(victim, PROXY2, actorBrowser)), {
      ...C.consoleLogin({ mfa: false }),
      tls: 'tls13',
      key: true,
    });
    const cs2 = sim.threat(consoleAs(victim, PROXY2, actorBrowser, t2, false));
    t2 += gap(30, 90);
    sim.call(rng, t2, cs2, C.bedrock('ListFoundationModels', null));
    for (let i = 0; i < 5; i++) {
      t2 += gap(25, 120);
      sim.call(rng, t2, cs2, { ...C.retrieveAndGenerate(kb, kbModelArn, acct) });
    }
    chat(cs2, t2, 22, [OPUS4, SONNET37], true);

    // GuardDuty: the access key creation from an unusual network
    sim.tag({ malicious: true, scope: 'none' }, () => {
      const ft = tKey + rng.int(6, 20) * MIN;
      sim.finding(
        ft,
        finding(rng, w, {
          t: ft,
          type: 'Persistence:IAMUser/AnomalousBehavior',
          severity: 5,
          accessKey: {
            accessKeyId: cs.accessKeyId,
            principalId: victim.id,
            userType: 'IAMUser',
            userName: victim.name,
          },
          title: `An API commonly used to maintain unauthorized access was invoked by user ${victim.name}.`,
          description:
            'APIs commonly used in persistence tactics (CreateAccessKey) were invoked by an IAM entity in an anomalous way.',
          api: 'CreateAccessKey',
          serviceName: 'iam.amazonaws.com',
          remoteIp: {
            ip: PROXY1,
            country: 'United States',
            city: 'San Jose',
            asn: 7922,
            asnOrg: 'Comcast Cable Communications, LLC',
            isp: 'Comcast Cable Communications, LLC',
            org: 'Comcast Cable Communications, LLC',
          },
          firstSeen: tKey,
          lastSeen: tKey,
          count: 1,
        }),
      );
    });
    void tk;

    // ---- decoy: CHG-5530, planned rotation of the ETL user's access key ---------------------
    const admin = w.people.find((p) => p.permissionSet === 'admin');
    const etl = w.users[`svc-${w.company.slug}-etl`];
    const old = etl.accessKeys[etl.accessKeys.length - 1];
    let tr = at('2025-12-01T20:10:00Z'); // 15:10 EST
    sim.planChange({
      ticket: 'CHG-5530',
      window: { start: isoSec(tr - 15 * MIN), end: isoSec(at('2025-12-02T18:00:00Z')) },
      owner: admin.email,
      summary: `Rotate the access key of ${etl.name} (90-day policy): create a new key in the IAM console, update the on-prem ETL host, deactivate the old key after the next run`,
    });
    const as = actors.staff.session(admin, tr, w.net.office[0], false);
    const etlNew = { id: rng.iamId('AKIA'), status: 'Active', created: tr + 60000 };
    sim.tag({ decoy: true }, () => {
      sim.call(rng, tr, as, C.iamGet('GetUser', { userName: etl.name }));
      sim.call(rng, (tr += gap(5, 30)), as, C.iamGet('ListAccessKeys', { userName: etl.name }));
      sim.call(rng, (tr += gap(20, 60)), as, C.iamCreateAccessKey(etl.name, etlNew.id, tr, acct));
      etl.accessKeys.push(etlNew);
      const deact = at('2025-12-02T15:02:00Z');
      const as2 = actors.staff.session(admin, deact, w.net.office[1], false);
      sim.call(rng, deact, as2, C.iamGet('GetAccessKeyLastUsed', { accessKeyId: etlNew.id }));
      sim.call(rng, deact + gap(20, 60), as2, C.iamUpdateAccessKey(etl.name, old.id, 'Inactive', acct));
    });
    sim.note('rotate', tr, {
      ip: as.ip,
      accessKeyId: etlNew.id,
      principalId: etl.id,
      userType: 'IAMUser',
      userName: etl.name,
      api: 'CreateAccessKey',
      service: 'iam.amazonaws.com',
    });
    void userIdentityFor;
  },
});
