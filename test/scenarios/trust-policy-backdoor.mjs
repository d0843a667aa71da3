// Backdoor in the trust policy of the pharmacy assistant's application role.
// Tembusu Health (Singapore online pharmacy, ap-southeast-1). The Mei assistant's Lambda runs as
// tembusu-chatbot-api-role, which may invoke the assistant's models and search the support
// knowledge base (Retrieve). The knowledge-base bucket still holds an old escalations export with
// customers' names, e-mail addresses and phone numbers. A platform administrator has a legacy IAM
// user (Admins group) whose long-term access key he still uses from the CLI now and then.
//
// Incident: the administrator's key leaks. At 02:14 SGT on 22 April it is used from a hosting
// address with an AWS CLI build he does not use: identity check, role survey, a read of the
// chatbot role and its inline policy, then UpdateAssumeRolePolicy on tembusu-chatbot-api-role that
// keeps the Lambda service statement and adds a statement trusting account 582013947716 (not the
// organisation's, no ticket), and UpdateRole raising the role's maximum session to 12 hours.
// Seven hours later, in business hours, the outside account assumes the role from another hosting
// address with the session name the Lambda uses (tembusu-chatbot-api), tries RetrieveAndGenerate
// (denied: the role lacks it), then searches the knowledge base with Retrieve and invokes the
// assistant's model with the passages it found, re-assuming the role every hour until the
// afternoon; some prompts paste the escalations export and ask for the customers as a list. The
// invocation logs show the same identity ARN as the assistant's own calls; only CloudTrail tells
// the sessions apart (who assumed the role, from where, with which client). The security team
// reverts the trust policy, revokes the role's older sessions and deactivates the key at 16:40 SGT.
//
// Decoys: the planned trust change (ticketed) adding the conversation-QA vendor Quillon Labs' new
// account 918273645102 to tembusu-rag-eval-role, made from the office by another platform
// administrator with UpdateAssumeRolePolicy; Quillon's evaluation batches through that role from
// its old and new accounts (AssumeRole from another account, Retrieve, RetrieveAndGenerate and
// InvokeModel from AWS addresses); the assistant's own use of tembusu-chatbot-api-role all day;
// the key owner's own CLI work with the same key from the office.

import {
  Abuse,
  Attacks,
  C,
  clientProfile,
  crossAccountSession,
  defineScenario,
  finding,
  HOUR,
  isoSec,
  MIN,
  makeCustomer,
  Prompts,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import { QUILLON_NAT, QUILLON_NEW, QUILLON_OLD, TEMBUSU } from './_worlds-p.mjs';

const VPS_ADMIN = '45.92.229.60'; // where the stolen key is used (hosting)
const VPS_ROLE = '91.132.95.18'; // where the outside account works from (hosting)
const OUTSIDE = '582013947716';

const iamApi = (name, params, { readOnly = false, scope } = {}) => ({
  api: `iam:${name}`,
  entry: {
    key: `iam:${name}`,
    service: 'iam',
    source: 'iam.amazonaws.com',
    name,
    readOnly,
    data: false,
    ver: '1.08',
    global: true,
    host: () => 'iam.amazonaws.com',
    iamAction: `iam:${name}`,
  },
  params,
  scope,
});

export default defineScenario({
  name: 'trust-policy-backdoor',
  seed: 'fresh-p/trust-policy-backdoor/v1',
  start: '2026-04-21T00:00:00Z',
  days: 2,
  world: TEMBUSU,
  background: {
    intensity: 1.0,
    chatbot: { conversationsPerHour: 55 },
    agent: { sessionsPerHour: 4 },
    ops: { events: [], random: 1 },
  },
  alert:
    'IAM Access Analyzer raised a new active finding on 22 April: an IAM role in the production account (418207356941) can be assumed from outside the zone of trust. On 21 April the platform team changed a role trust policy for the QA vendor Quillon Labs (CHG-3107). Determine what changed, whether it was used, and what was accessed.',
  truth: {
    description:
      "The long-term access key of the platform administrator's legacy IAM user (Admins group) was used at 02:14 SGT on 22 April (18:14 UTC on 21 April) from a hosting address (45.92.229.60) with an AWS CLI build the owner does not use: GetCallerIdentity, ListRoles, GetRole and the inline policy of tembusu-chatbot-api-role (the Mei assistant's Lambda role: Bedrock invoke, knowledge-base Retrieve), GetRole of tembusu-rag-eval-role, then UpdateAssumeRolePolicy on tembusu-chatbot-api-role keeping the lambda.amazonaws.com statement and adding one that trusts arn:aws:iam::582013947716:root (an account the organisation does not own; no ticket), UpdateRole raising its maximum session duration to 12 hours, and GetRole to check. From 09:41 SGT the outside account 582013947716 assumed tembusu-chatbot-api-role from another hosting address (91.132.95.18) with boto3, using the Lambda's own session name tembusu-chatbot-api, and re-assumed it about every hour until 14:30 SGT: a RetrieveAndGenerate call was denied, then dozens of Retrieve calls on the support knowledge base and InvokeModel calls on Claude 3 Haiku with the retrieved passages, including the escalations export (customers' names, e-mail addresses and phone numbers listed in the answers) and bulk writing; the invocation logs show the same identity ARN as the assistant's own calls, told apart only through CloudTrail (AssumeRole by another account, source address, client). Customer personal data from the knowledge base left the organisation. At 16:40 SGT the security team restored the trust policy, revoked older sessions of the role and deactivated the key. The ticketed addition of Quillon Labs' new account 918273645102 to tembusu-rag-eval-role, Quillon's evaluation runs from its old and new accounts, the assistant's own use of its role and the owner's work with his key from the office are legitimate.",
    elements: ['access', 'infrastructure-changes', 'invocation', 'private-data'],
    components: ['foundation-models', 'knowledge-bases'],
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const acct = w.account.id;
    const home = w.homeRegion;
    const staff = actors.staff;
    const chatRole = w.roles.chatbot;
    const evalRole = w.roles.ragEval;
    const kb = w.res.kb;
    const model = w.models.chat;
    const owner = w.people.find((p) => p.iamUser && p.iamUser.groups.includes('Admins'));
    if (!owner) throw new Error('no admin with a legacy IAM user in this world');
    const admin2 =
      w.people.find((p) => p.team === 'platform' && p.permissionSet === 'admin' && p !== owner) ??
      w.people.find((p) => p.team === 'platform' && p !== owner);
    const sec = w.people.find((p) => p.team === 'security');
    for (const p of [owner, admin2, sec]) {
      p.travelDay = null;
      p.commercialVpn = null;
    }
    // the key owner works office hours, and ends his day before the key is deactivated
    owner.remoteShare = 0;
    owner.startHour = 8.2;
    owner.hours = 6.5;
    const user = owner.iamUser;
    const leakedKey = user.accessKeys[0].id;

    // the vendor role as it is configured (policy) and as the planned change leaves it (trust)
    evalRole.maxSession = 3600;
    evalRole.inline.push({
      name: 'quillon-evaluation',
      document: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: ['bedrock:Retrieve', 'bedrock:RetrieveAndGenerate'], Resource: kb.arn },
          {
            Effect: 'Allow',
            Action: ['bedrock:InvokeModel', 'bedrock:GetInferenceProfile'],
            Resource: [
              `arn:aws:bedrock:*::foundation-model/${model.replace(/^apac\./, '')}`,
              `arn:aws:bedrock:${home}:${acct}:inference-profile/${model}`,
            ],
          },
        ],
      },
    });
    const vendorStmt = (a, sid) => ({
      Sid: sid,
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${a}:root` },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': 'qln-tembusu-7f3a91c2' } },
    });
    const evalTrustNew = {
      Version: '2012-10-17',
      Statement: [
        vendorStmt(QUILLON_OLD, 'QuillonLabsEvaluation'),
        vendorStmt(QUILLON_NEW, 'QuillonLabsEvaluationProd2026'),
      ],
    };
    const chatTrustOrig = structuredClone(chatRole.trust);
    const chatTrustBackdoor = {
      Version: '2012-10-17',
      Statement: [
        ...chatTrustOrig.Statement,
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${OUTSIDE}:root` }, Action: 'sts:AssumeRole' },
      ],
    };

    // ---- decoy: the planned trust change for Quillon Labs' new account --------------------------
    const changeAt = at('2026-04-21T02:32:00Z'); // 10:32 SGT
    {
      const r = rng.fork('vendor-change');
      sim.planChange({
        ticket: 'CHG-3107',
        window: { start: isoSec(changeAt - 30 * MIN), end: isoSec(changeAt + 90 * MIN) },
        owner: admin2.email,
        summary: `Quillon Labs (conversation QA) moves its evaluation workers to its new production account ${QUILLON_NEW}: add it to the trust policy of ${evalRole.name} with the existing ExternalId; the old account ${QUILLON_OLD} stays until cut-over is confirmed (CHG-3121)`,
      });
      const s = staff.session(admin2, changeAt - r.int(2, 6) * MIN, w.net.office[0], true);
      let t = changeAt;
      sim.tag({ decoy: true }, () => {
        sim.call(r, t, s, C.getCallerIdentity());
        sim.call(r, (t += r.int(10, 40) * 1000), s, C.iamGet('GetRole', { roleName: evalRole.name }));
        sim.call(
          r,
          (t += r.int(60, 240) * 1000),
          s,
          iamApi(
            'UpdateAssumeRolePolicy',
            { roleName: evalRole.name, policyDocument: JSON.stringify(evalTrustNew) },
            { scope: [evalRole.arn] },
          ),
        );
        sim.call(r, (t += r.int(5, 30) * 1000), s, C.iamGet('GetRole', { roleName: evalRole.name }));
      });
      evalRole.trust = evalTrustNew;
    }

    // ---- decoy: Quillon's evaluation batches through the eval role ------------------------------
    const vendorUa = UA.boto3(rng.fork('quillon-ua'), { family: 'ec2' });
    const evalBatch = (r, t0, fromAcct, runId) => {
      const key = r.iamId('ASIA');
      const name = `quillon-eval-${runId}`;
      const ip = r.pick(QUILLON_NAT);
      const src = crossAccountSession({
        callerAccountId: fromAcct,
        principalId: `AROA${r.iamId('', 17)}:qln-eval-worker`,
        recipientAccountId: acct,
        ip,
        userAgent: vendorUa,
        region: home,
      });
      sim.tag({ decoy: true }, () => {
        sim.call(r, t0, src, C.assumeRole(r, evalRole, name, key, t0, { externalId: '****', region: home }));
        const s = sim.roleSession(evalRole, name, {
          ip,
          userAgent: vendorUa,
          accessKeyId: key,
          created: t0,
          rng: r,
        });
        let t = t0 + r.int(2, 6) * 1000;
        const n = r.int(18, 30);
        for (let i = 0; i < n; i++) {
          const c = makeCustomer(r, w);
          const turn = Prompts.customerTurn(r, w, c);
          t += r.int(4, 25) * 1000;
          if (r.chance(0.35)) {
            sim.call(
              r,
              t,
              s,
              C.retrieveAndGenerate(kb, `arn:aws:bedrock:${home}:${acct}:inference-profile/${model}`, acct),
            );
          } else {
            sim.call(r, t, s, C.retrieve(kb, acct, { results: 5 }));
            t += r.int(1, 4) * 1000;
            sim.runtime(r, t, s, {
              op: 'InvokeModel',
              modelId: model,
              system: `You are grading answers of a pharmacy support assistant for accuracy against the retrieved help-centre passages. Return JSON {"grounded": true|false, "score": 1-5, "notes": "..."}.`,
              prompt: `Question: ${turn.user}\nAssistant answer: ${turn.answer}\nGrade the answer.`,
              answer: `{"grounded": ${r.chance(0.85)}, "score": ${r.int(3, 5)}, "notes": "${r.pick(['answer matches the policy passage', 'cites the right product page', 'slightly vague on delivery times', 'correctly offers a pharmacist call-back'])}"}`,
              maxTokens: 300,
              temperature: 0,
            });
          }
        }
      });
    };
    {
      const r = rng.fork('quillon');
      evalBatch(r, at('2026-04-21T01:15:00Z'), QUILLON_OLD, 'r7781'); // before the change, old account
      evalBatch(r, at('2026-04-21T04:05:00Z'), QUILLON_NEW, 'r7782'); // first run from the new account
      evalBatch(r, at('2026-04-21T07:40:00Z'), QUILLON_NEW, 'r7783');
      evalBatch(r, at('2026-04-22T01:30:00Z'), QUILLON_NEW, 'r7790');
      evalBatch(r, at('2026-04-22T05:10:00Z'), QUILLON_NEW, 'r7791');
    }

    // ---- the actor with the stolen admin key -----------------------------------------------------
    const a = sim.threat(
      sim.userSession(user, {
        ip: VPS_ADMIN,
        userAgent: UA.awsCli(rng.fork('ua-admin'), 'linux', { family: 'debian' }),
        accessKeyId: leakedKey,
      }),
    );
    let t = at('2026-04-21T18:14:07Z'); // 02:14 SGT 22 April
    const step = (call, x = 2, y = 12) => sim.call(rng, (t += rng.int(x, y) * 1000), a, call);
    step({ ...C.getCallerIdentity(), key: true });
    step(C.iamGet('ListRoles', { maxItems: 1000 }));
    step(C.iamGet('GetRole', { roleName: chatRole.name }));
    step(C.iamGet('ListRolePolicies', { roleName: chatRole.name }));
    step(C.iamGet('GetRolePolicy', { roleName: chatRole.name, policyName: 'bedrock-runtime' }));
    step(C.iamGet('ListAttachedRolePolicies', { roleName: chatRole.name }));
    step(C.iamGet('GetRole', { roleName: evalRole.name }));
    step(
      {
        ...iamApi(
          'UpdateAssumeRolePolicy',
          { roleName: chatRole.name, policyDocument: JSON.stringify(chatTrustBackdoor) },
          { scope: [chatRole.arn] },
        ),
        key: true,
      },
      40,
      150,
    );
    step({
      ...iamApi(
        'UpdateRole',
        { roleName: chatRole.name, maxSessionDuration: 43200 },
        { scope: [chatRole.arn] },
      ),
      key: true,
    });
    step(C.iamGet('GetRole', { roleName: chatRole.name }));
    const backdoorAt = t;

    // GuardDuty: persistence API from an address never seen for this user
    sim.tag({ malicious: true, key: true, scope: 'none' }, () => {
      const ft = backdoorAt + rng.int(9, 25) * MIN;
      sim.finding(
        ft,
        finding(rng, w, {
          t: ft,
          type: 'Persistence:IAMUser/AnomalousBehavior',
          severity: 5,
          accessKey: {
            accessKeyId: leakedKey,
            principalId: user.id,
            userType: 'IAMUser',
            userName: user.name,
          },
          title: 'An API commonly used to maintain unauthorized access was invoked in an anomalous way.',
          description: `APIs commonly used to maintain unauthorized access were invoked by IAM user ${user.name} from a remote IP address not previously associated with this principal.`,
          api: 'UpdateAssumeRolePolicy',
          serviceName: 'iam.amazonaws.com',
          remoteIp: {
            ip: VPS_ADMIN,
            country: 'Germany',
            city: 'Frankfurt am Main',
            asn: '39378',
            asnOrg: 'SERVINGA GmbH',
            isp: 'Servinga',
            org: 'Servinga',
          },
          firstSeen: backdoorAt - 120000,
          lastSeen: backdoorAt,
          count: 2,
        }),
      );
    });

    // ---- the outside account uses the role, hours later ------------------------------------------
    const roleUa = UA.boto3(rng.fork('ua-role'), { family: 'ubuntu' });
    const params = clientProfile(rng, { spread: 0.2 });
    const kbDoc = sim.kbDocs.find((d) => d.key === 'exports/escalations-q4.csv');
    const corpus = w.corpus;
    let ts = at('2026-04-22T01:41:00Z'); // 09:41 SGT
    const stop = at('2026-04-22T06:30:00Z'); // 14:30 SGT
    let first = true;
    let leaks = 0;
    while (ts < stop) {
      const key = rng.iamId('ASIA');
      const sessionName = w.res.functions.chatbot.name;
      const caller = sim.threat(
        crossAccountSession({
          callerAccountId: OUTSIDE,
          principalId: `AIDA${rng.iamId('', 17)}`,
          recipientAccountId: acct,
          ip: VPS_ROLE,
          userAgent: roleUa,
          region: home,
        }),
      );
      sim.call(rng, ts, caller, {
        ...C.assumeRole(rng, chatRole, sessionName, key, ts, { region: home }),
        key: first,
      });
      const s = sim.threat(
        sim.roleSession(chatRole, sessionName, {
          ip: VPS_ROLE,
          userAgent: roleUa,
          accessKeyId: key,
          created: ts,
          rng,
        }),
      );
      let tt = ts + rng.int(3, 9) * 1000;
      if (first) {
        sim.call(rng, tt, s, { ...C.getCallerIdentity(), key: true });
        tt += rng.int(20, 60) * 1000;
        sim.call(rng, tt, s, {
          ...C.retrieveAndGenerate(kb, `arn:aws:bedrock:${home}:${acct}:inference-profile/${model}`, acct),
          error: {
            code: 'AccessDenied',
            message: `User: ${s.identity.arn} is not authorized to perform: bedrock:RetrieveAndGenerate because no identity-based policy allows the bedrock:RetrieveAndGenerate action`,
          },
          key: true,
        });
      }
      const end = Math.min(ts + rng.int(35, 55) * MIN, stop);
      let firstRetrieve = first;
      while (tt < end) {
        tt += rng.int(15, 120) * 1000;
        const burst = rng.int(1, 4);
        for (let i = 0; i < burst; i++) {
          tt += rng.int(1, 6) * 1000;
          sim.call(rng, tt, s, {
            ...C.retrieve(kb, acct, { results: rng.pick([10, 25, 50]) }),
            key: firstRetrieve,
          });
          firstRetrieve = false;
        }
        tt += rng.int(2, 10) * 1000;
        const p = params(rng);
        const leak = rng.chance(0.3) && kbDoc;
        let system;
        let prompt;
        let answer;
        if (leak) {
          // the passages Retrieve returned: rows of the escalations export, pasted back
          const rows = kbDoc.text.split('\n');
          const idx = rng.sample([...kbDoc.pii.keys()], rng.int(6, 10)).sort((x, y) => x - y);
          const chosen = idx.map((i) => kbDoc.pii[i]);
          prompt = `${rng.pick(corpus.attacks.goals.customers)}\n\n${[rows[0], ...idx.map((i) => rows[i + 1])].join('\n')}`;
          answer = Attacks.leakCustomers(rng, chosen, chosen.length, w).text;
          leaks++;
        } else {
          const task = Abuse.bulkTask(rng, { corpus: corpus.abuse });
          system = task.system;
          prompt = task.prompt;
          answer = task.answer;
        }
        sim.runtime(rng, tt, s, {
          op: 'InvokeModel',
          modelId: model,
          system,
          prompt,
          answer,
          maxTokens: p.maxTokens,
          temperature: p.temperature,
          topP: p.topP,
          key: leak && leaks === 1,
        });
      }
      first = false;
      ts += rng.int(55, 65) * MIN;
    }

    // ---- 16:40 SGT: the security team closes the backdoor (legitimate) --------------------------
    {
      const r = rng.fork('remediate');
      const t0 = at('2026-04-22T08:40:00Z');
      const s = staff.session(admin2, t0 - 3 * MIN, w.net.office[1], true);
      let tr = t0;
      sim.tag({ decoy: true }, () => {
        sim.call(r, tr, s, C.iamGet('GetRole', { roleName: chatRole.name }));
        sim.call(
          r,
          (tr += r.int(30, 120) * 1000),
          s,
          iamApi(
            'UpdateAssumeRolePolicy',
            { roleName: chatRole.name, policyDocument: JSON.stringify(chatTrustOrig) },
            { scope: [chatRole.arn] },
          ),
        );
        sim.call(
          r,
          (tr += r.int(10, 40) * 1000),
          s,
          iamApi(
            'UpdateRole',
            { roleName: chatRole.name, maxSessionDuration: 3600 },
            { scope: [chatRole.arn] },
          ),
        );
        sim.call(
          r,
          (tr += r.int(10, 40) * 1000),
          s,
          C.iamPutRolePolicy(chatRole, 'AWSRevokeOlderSessions', {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Deny',
                Action: ['*'],
                Resource: ['*'],
                Condition: { DateLessThan: { 'aws:TokenIssueTime': isoSec(tr) } },
              },
            ],
          }),
        );
        sim.call(r, (tr += r.int(20, 60) * 1000), s, C.iamGet('ListAccessKeys', { userName: user.name }));
        sim.call(
          r,
          (tr += r.int(10, 30) * 1000),
          s,
          C.iamUpdateAccessKey(user.name, leakedKey, 'Inactive', acct),
        );
      });
      void HOUR;
    }
  },
});
