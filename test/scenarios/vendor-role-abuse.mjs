// Third-party role abuse. Helioscope, the LLM-observability vendor, reads the account through a
// cross-account role (external id) that was also granted Bedrock invoke and knowledge-base
// retrieval for its "answer quality" synthetic checks. The vendor's own account is compromised
// (an engineer's access key and the integration secrets), and the actor assumes the role from a
// hosting address with its own client, reusing the vendor's session name. It enumerates Bedrock
// (models, invocation logging, knowledge bases, agents), fails to read the KB source bucket,
// pulls internal documents through Retrieve and RetrieveAndGenerate (the escalations export with
// customer contact details among them) and has models turn them into lists; the next day it
// comes back from a second address. The vendor's legitimate polling and synthetic checks keep
// running through the same role from its usual addresses all along, and on day two one of its
// checks comes from a new address in the vendor's own cloud range.

import {
  C,
  crossAccountSession,
  Decoys,
  defineScenario,
  finding,
  MIN,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import { SALTBUSH, SALTBUSH_ACTOR_TEXT as TXT } from './_worlds-c.mjs';

const VPS1 = '146.70.199.58';
const VPS2 = '89.187.171.214';
const VENDOR_NEW_IP = '54.174.9.201';
const APP_MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';
const BIG_MODEL = 'apac.anthropic.claude-3-5-sonnet-20241022-v2:0';

export default defineScenario({
  name: 'vendor-role-abuse',
  seed: 'heldout-c/vendor-role-abuse/v1',
  start: '2025-11-18T00:00:00Z',
  days: 2,
  world: SALTBUSH,
  shapes: { jsonl: 0.03 },
  background: {
    intensity: 0.9,
    chatbot: { conversationsPerHour: 50 },
    agent: { sessionsPerHour: 4 },
    ops: { events: ['onboard', 'model-enable'], random: 0 },
  },
  alert:
    'Helioscope, our LLM-observability vendor, told us an engineer access key in their AWS account was misused between 18 and 19 November and that customer integration settings (role ARNs and external ids) may have been read. Their role in our account can call Bedrock.',
  truth: {
    description:
      "The vendor Helioscope's AWS account (381624907715) was compromised; with the integration's role ARN and external id the actor assumed HelioscopeIntegrationRole (SecurityAudit, the vendor's read policy and an inline grant for Bedrock invoke and knowledge-base retrieval used by the vendor's synthetic answer-quality checks) from a hosting address, as an IAM user of the vendor account rather than the vendor's collector instances, reusing the vendor's session name. It called GetCallerIdentity, listed foundation models (also in us-east-1 and us-west-2), read the invocation-logging configuration, listed knowledge bases, data sources and agents, was denied listing the KB source bucket, then ran Retrieve and RetrieveAndGenerate against the support knowledge base and pasted what it got (including the escalations export with customer names, e-mail addresses and phone numbers) into InvokeModel and Converse calls asking for CSV/JSON lists of people. The next morning (UTC) it assumed the role again from a second hosting address and repeated the retrieval and extraction. The vendor's own polling and synthetic checks through the same role continued from its usual addresses (and once from a new address in its cloud range); those are legitimate.",
    elements: ['access', 'invocation', 'private-data'],
    components: ['foundation-models', 'knowledge-bases'],
  },
  incident(sim, { rng, at, world }) {
    const w = world;
    const acct = w.account.id;
    const region = w.homeRegion;
    const role = w.roles.vendor;
    const kb = w.res.kb;
    role.inline.push({
      name: 'helioscope-llm-quality-checks',
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              'bedrock:InvokeModel',
              'bedrock:InvokeModelWithResponseStream',
              'bedrock:Retrieve',
              'bedrock:RetrieveAndGenerate',
              'bedrock:GetModelInvocationLoggingConfiguration',
              'bedrock:GetKnowledgeBase',
              'bedrock:ListDataSources',
            ],
            Resource: '*',
          },
        ],
      },
    });
    const appModelArn = `arn:aws:bedrock:${region}::foundation-model/${APP_MODEL}`;
    const docs = sim.kbDocs;
    const escalations = docs.find((d) => d.key === 'exports/escalations-q4.csv');
    const policyDocs = docs.filter((d) => d.key.startsWith('policies/') || d.key.startsWith('faq/'));

    // ---- the vendor's legitimate synthetic checks (same role, usual addresses and client) ----
    const vendorUa = w.userAgents.vendor;
    let evalSession = null;
    let evalRenew = 0;
    const evalCaller = (ip) =>
      crossAccountSession({
        callerAccountId: w.vendorAccount,
        principalId: `AROA${rng.iamId('', 17)}:i-${rng.hex(17)}`,
        recipientAccountId: acct,
        ip,
        userAgent: vendorUa,
        region,
      });
    const evalSess = (t, ip) => {
      if (!evalSession || t > evalRenew || evalSession.ip !== ip) {
        const key = rng.iamId('ASIA');
        sim.call(
          rng,
          t,
          evalCaller(ip),
          C.assumeRole(rng, role, w.vendor.sessionName, key, t, { externalId: '****', region }),
        );
        evalSession = sim.roleSession(role, w.vendor.sessionName, {
          ip,
          userAgent: vendorUa,
          accessKeyId: key,
          created: t,
          rng,
        });
        evalRenew = t + 55 * MIN;
      }
      return evalSession;
    };
    const check = (t, ip) => {
      const s = evalSess(t, ip);
      sim.tag({ decoy: true }, () => {
        const p = rng.pick(policyDocs);
        sim.runtime(rng, t + rng.int(1, 5) * 1000, s, {
          op: 'InvokeModel',
          modelId: APP_MODEL,
          prompt: `Answer from the policy text only. Policy: ${p.text.slice(0, 400)}\nQuestion: ${rng.pick(['How long do I have to return an item?', 'How much is express shipping?', 'Can I change my order?', 'Do gift cards expire?'])}`,
          answer: 'According to the policy, ' + p.text.split('\n').filter(Boolean)[1].slice(0, 160),
          maxTokens: 200,
          temperature: 0,
        });
        if (rng.chance(0.35))
          sim.call(rng, t + rng.int(6, 20) * 1000, s, C.retrieve(kb, acct, { results: 3 }));
      });
    };
    for (let t = at('2025-11-18T00:20:00Z'); t < at('2025-11-19T23:40:00Z'); t += rng.int(35, 75) * MIN) {
      const late = t > at('2025-11-19T09:00:00Z') && t < at('2025-11-19T12:00:00Z');
      check(t, late ? VENDOR_NEW_IP : rng.pick(w.net.vendor));
    }

    // ---- other decoys ----
    const editor = Decoys.findPerson(w, (p) => p.permissionSet === 'content');
    Decoys.contentUpload(sim, rng, at('2025-11-18T23:10:00Z'), editor, { away: 'hotel' });

    // ---- the actor ----
    const ACTOR_UA = UA.boto3(rng.fork('ua-actor'), { family: 'debian' });
    const ACTOR_UA2 = UA.awsCli(rng.fork('ua-actor2'), 'linux', { family: 'ubuntu' });
    const vendorUser = `AIDA${rng.iamId('', 17)}`;
    let t = 0;
    const step = (sess, call, key = false, a = 2, b = 25) => {
      t += rng.int(a, b) * 1000;
      return sim.call(rng, t, sess, { ...call, key });
    };
    const assume = (ip, ua) => {
      const key = rng.iamId('ASIA');
      const caller = sim.threat(
        crossAccountSession({
          callerAccountId: w.vendorAccount,
          principalId: vendorUser,
          recipientAccountId: acct,
          ip,
          userAgent: ua,
          region,
          tls: 'tls12',
        }),
      );
      sim.call(rng, t, caller, {
        ...C.assumeRole(rng, role, w.vendor.sessionName, key, t, { externalId: '****', region }),
        key: true,
      });
      return sim.threat(
        sim.roleSession(role, w.vendor.sessionName, {
          ip,
          userAgent: ua,
          accessKeyId: key,
          created: t,
          tls: 'tls12',
          rng,
        }),
      );
    };
    const retrieveBurst = (s, n, nGen, keyFirst) => {
      for (let i = 0; i < n; i++)
        step(s, C.retrieve(kb, acct, { results: rng.pick([25, 50, 100]) }), keyFirst && i === 0, 5, 40);
      for (let i = 0; i < nGen; i++)
        step(s, C.retrieveAndGenerate(kb, appModelArn, acct), keyFirst && i === 0, 10, 60);
    };
    const stolenRows = escalations.text.split('\n');
    const extract = (s, n, keyFirst) => {
      for (let i = 0; i < n; i++) {
        t += rng.int(20, 90) * 1000;
        const rows = rng.sample(stolenRows.slice(1), rng.int(6, 14));
        const people = rows.map((r) => r.split(','));
        const big = rng.chance(0.5);
        sim.runtime(rng, t, s, {
          op: big ? 'Converse' : 'InvokeModel',
          modelId: big ? BIG_MODEL : APP_MODEL,
          inferenceRegion: big ? rng.pick(w.models.converseRegions) : undefined,
          prompt: `${rng.pick(TXT.extract)}\n\n${stolenRows[0]}\n${rows.join('\n')}\n\n${rng.pick(policyDocs).text}`,
          answer: `name,email,phone,order,amount\n${people.map((p) => `${p[1]},${p[2]},${p[3]},${p[4]},${p[5]}`).join('\n')}`,
          maxTokens: rng.pick([2048, 4096]),
          temperature: rng.pick([0, 0.2]),
          key: keyFirst && i < 2,
        });
      }
    };

    // day 1, 03:40 in Sydney
    t = at('2025-11-18T16:41:07Z');
    const s = assume(VPS1, ACTOR_UA);
    step(s, C.getCallerIdentity(), true);
    step(s, C.bedrock('ListFoundationModels'), true);
    for (const r of ['us-east-1', 'us-west-2'])
      step(s.with({ region: r }), C.bedrock('ListFoundationModels', { byOutputModality: 'TEXT' }));
    step(s, C.bedrock('GetModelInvocationLoggingConfiguration'), true);
    step(s, C.bedrockAgent('ListKnowledgeBases', { maxResults: 100 }), true);
    step(s, C.bedrockAgent('GetKnowledgeBase', { knowledgeBaseId: kb.id }, null, [kb.id]));
    step(s, C.bedrockAgent('ListDataSources', { knowledgeBaseId: kb.id }, null, [kb.id]));
    step(s, C.bedrockAgent('ListAgents', { maxResults: 100 }), true);
    step(s, {
      ...C.s3List(rng, kb.bucket, '', { accountId: acct, region }),
      error: {
        code: 'AccessDenied',
        message: `User: ${s.identity.arn} is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::${kb.bucket}" because no identity-based policy allows the s3:ListBucket action`,
      },
    });
    retrieveBurst(s, 9, 4, true);
    t += 2 * MIN;
    sim.runtime(rng, t, s, {
      op: 'InvokeModel',
      modelId: APP_MODEL,
      prompt: `${rng.pick(TXT.summarise)}\n\n${policyDocs
        .slice(0, 4)
        .map((d) => d.text)
        .join('\n\n')}`,
      answer:
        'The knowledge base holds returns, shipping, warranty and price-match policies, FAQs, product pages and an escalations export with customer contact details.',
      maxTokens: 1024,
      key: true,
    });
    extract(s, 7, true);
    // a second session later that night, same address
    t += rng.int(40, 70) * MIN;
    const s1b = assume(VPS1, ACTOR_UA);
    retrieveBurst(s1b, 12, 3, false);
    extract(s1b, 5, false);

    // day 2, from a second address with another client
    t = at('2025-11-19T07:52:44Z');
    const s2 = assume(VPS2, ACTOR_UA2);
    step(s2, C.getCallerIdentity(), true);
    step(s2, C.bedrockAgent('ListKnowledgeBases', { maxResults: 100 }));
    retrieveBurst(s2, 14, 5, true);
    extract(s2, 8, true);

    // GuardDuty
    sim.tag({ malicious: true, key: true, scope: 'none' }, () => {
      const f1 = at('2025-11-18T17:20:31Z');
      sim.finding(
        f1,
        finding(rng, w, {
          t: f1,
          type: 'Discovery:IAMUser/AnomalousBehavior',
          severity: 5,
          accessKey: {
            accessKeyId: s.accessKeyId,
            principalId: `${role.id}:${w.vendor.sessionName}`,
            userType: 'AssumedRole',
            userName: role.name,
          },
          title: `Unusual discovery APIs were invoked by role ${role.name}.`,
          description:
            'APIs commonly used in discovery tactics were invoked by an IAM entity in an anomalous way.',
          api: 'ListKnowledgeBases',
          serviceName: 'bedrock.amazonaws.com',
          remoteIp: {
            ip: VPS1,
            country: 'Netherlands',
            city: 'Amsterdam',
            asn: 9009,
            asnOrg: 'M247 Europe SRL',
            isp: 'M247 Europe',
            org: 'M247 Europe SRL',
          },
          firstSeen: at('2025-11-18T16:41:07Z'),
          lastSeen: f1,
          count: 11,
        }),
      );
    });
  },
});
