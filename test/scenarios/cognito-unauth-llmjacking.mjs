// LLMjacking through a Cognito identity pool's guest role. Patinha's app gives guests (no sign-in)
// AWS credentials from the identity pool patinha_app_guests so that "Pergunte ao Bento" can call
// Claude 3 Haiku from the phone. On the afternoon of 10 March a mobile developer, prototyping a
// photo-based breed identifier on a development build, replaced the unauthenticated role's inline
// policy from the AWS CLI at the office with one that allows bedrock:InvokeModel* on every
// resource. The change was not reviewed and is not in the change calendar. That evening someone
// who had pulled the pool id from the app bundle asked Cognito for a guest identity and
// credentials from a hosting address with a Python client, checked who they were, found that
// ListFoundationModels is denied but that Claude 3.5 Sonnet answers in sa-east-1 and a Claude 3.7
// Sonnet inference profile in us-east-1 (where invocation logging is off), and from an hour later
// nine hosting addresses, each with its own guest identity and fresh guest credentials every
// hour, resold those models (role play and bulk writing, no guardrail, no app metadata) through
// the night and the next morning. The platform team restored the designed policy at 10:48 local
// on 11 March after a cost-anomaly alert; the actor's calls then failed and stopped.
//
// Decoys: the app's real guests (same pool, same role, same session name, Converse on Haiku with
// the guardrail and the app's request metadata, from Brazilian carrier networks), the developer's
// own prototype calls to Claude 3.5 Sonnet through the guest role from the office on an emulator,
// a planned and reviewed Terraform change to another role's inline policy (ticket summariser gets
// a second model), the remediation itself (PutRolePolicy on the same role), and the usual ops.

import {
  C,
  defineScenario,
  HOUR,
  ipIn,
  isoSec,
  MIN,
  Playbooks,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import {
  APP_VERSIONS,
  extendPatinha,
  GUEST_MODEL,
  guestBackground,
  guestConverse,
  guestCredentials,
  guestPolicy,
  PATINHA,
} from './_worlds-o.mjs';

const FIRST = '45.134.212.77';
const WORKERS = [
  '45.134.212.80',
  '146.70.188.21',
  '185.213.155.130',
  '194.36.25.41',
  '89.187.179.14',
  '149.88.104.57',
  '138.199.41.203',
  '5.161.102.88',
  '23.94.73.140',
];
const SONNET = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const SONNET37 = 'us.anthropic.claude-3-7-sonnet-20250219-v1:0';

export default defineScenario({
  name: 'cognito-unauth-llmjacking',
  seed: 'heldout-o/cognito-unauth-llmjacking/v1',
  start: '2026-03-10T00:00:00Z',
  days: 2,
  world: PATINHA,
  background: {
    intensity: 0.85,
    chatbot: { conversationsPerHour: 34 },
    agent: { sessionsPerHour: 3 },
    ops: { random: 1 },
  },
  alert:
    "AWS Cost Anomaly Detection flagged Amazon Bedrock spend on the morning of 11 March (about 40 times the usual daily cost, sa-east-1 and us-east-1). The only application that calls Bedrock from outside the VPC is the Patinha app's guest assistant, Pergunte ao Bento. At 10:48 local (13:48 UTC) the platform team restored the guest role's policy from Terraform.",
  truth: {
    description:
      "At 15:42 local (18:42 UTC) on 10 March a mobile developer, prototyping a photo-based breed identifier, replaced the inline policy pergunte-ao-bento-guest of Cognito_PatinhaAppGuestsUnauth_Role (the unauthenticated role of the identity pool patinha_app_guests, which gives every app guest AWS credentials) from the AWS CLI at the office: instead of bedrock:InvokeModel on Claude 3 Haiku only, it allowed bedrock:InvokeModel* on every resource. The change was not reviewed and is not in the change calendar. From 20:26 local an outsider who had the pool id (it ships in the app) called GetId and GetCredentialsForIdentity from a hosting address (45.134.212.77) with a Python client, ran GetCallerIdentity, was denied ListFoundationModels, got a validation error for a model not offered in the Region, and then successfully invoked Claude 3.5 Sonnet in sa-east-1 and the Claude 3.7 Sonnet inference profile in us-east-1 (a Region without invocation logging, so only CloudTrail shows those calls). From about 21:30 local nine hosting addresses, each with its own guest identity and new guest credentials every hour, sent a steady stream of large role-play and bulk-writing requests to those two models under the guest role's CognitoIdentityCredentials sessions: no guardrail, no request metadata, no app user agent, models the app never uses. The platform team restored the designed policy at 10:48 local on 11 March; the actor's calls then failed with AccessDeniedException and stopped. The app's real guests asking Bento about their pets (Haiku, guardrail, app metadata, carrier networks), the developer's own prototype calls to Claude 3.5 Sonnet from the office emulator, the reviewed Terraform change to the ticket summariser role and the remediation are legitimate.",
    elements: ['access', 'invocation'],
    components: ['foundation-models'],
  },
  incident(sim, { rng, at, world, actors }) {
    const w = extendPatinha(sim);
    const acct = w.account.id;
    const region = w.homeRegion;
    const role = w.roles.guestUnauth;
    const pool = w.res.guestPool;
    const staff = actors.staff;
    sim.truth.addScope('resources', role.arn, pool.id);

    // ---- the real guests, all window long -----------------------------------------------------------
    guestBackground(sim, rng.fork('guests'), sim.start, sim.end, { perHour: 26 });

    // ---- decoy: the reviewed Terraform change to another role ----------------------------------------
    {
      const r = rng.fork('summarizer-change');
      const t0 = at('2026-03-10T13:05:00Z');
      const run = actors.cicd.deploy(t0, { rng: r, repo: `${w.company.github}/platform-infra`, changes: [] });
      const sRole = w.roles.summarizer;
      const docNew = {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['bedrock:InvokeModel'],
            Resource: [
              `arn:aws:bedrock:*::foundation-model/${w.models.summarizer}`,
              `arn:aws:bedrock:*::foundation-model/${SONNET}`,
            ],
          },
        ],
      };
      let ts = run.end + r.int(3, 10) * 1000;
      sim.call(r, ts, run.session, {
        ...C.iamGet('GetRolePolicy', { roleName: sRole.name, policyName: 'invoke-summary-model' }),
        decoy: true,
      });
      ts += r.int(2, 6) * 1000;
      sim.call(r, ts, run.session, {
        ...C.iamPutRolePolicy(sRole, 'invoke-summary-model', docNew),
        decoy: true,
      });
      sim.planChange({
        ticket: 'CHG-4412',
        window: { start: isoSec(t0 - 25 * MIN), end: isoSec(t0 + 60 * MIN) },
        owner: `platform@${w.company.domain}`,
        summary: `Ticket summariser: allow Claude 3.5 Sonnet for long tickets (inline policy invoke-summary-model on ${sRole.name}); reviewed in platform-infra PR #918, applied by the pipeline from main`,
      });
    }

    // ---- the developer's unreviewed change, and his prototype ----------------------------------------
    const dev =
      w.people.find((p) => p.permissionSet === 'admin' && !p.iamUser) ??
      w.people.find((p) => p.permissionSet === 'admin');
    dev.travelDay = null;
    const office = w.net.office[0];
    const tChange = at('2026-03-10T18:42:10Z');
    const ds = staff.session(dev, tChange - 4 * MIN, office, true);
    sim.call(rng, tChange - 95 * 1000, ds, C.iamGet('GetRole', { roleName: role.name }));
    sim.call(
      rng,
      tChange - 70 * 1000,
      ds,
      C.iamGet('GetRolePolicy', { roleName: role.name, policyName: 'pergunte-ao-bento-guest' }),
    );
    const wide = {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'PerguntaAoBentoModels', Effect: 'Allow', Action: ['bedrock:InvokeModel*'], Resource: '*' },
        ...guestPolicy(acct, region).Statement.slice(1),
      ],
    };
    sim.call(rng, tChange, ds, {
      ...C.iamPutRolePolicy(role, 'pergunte-ao-bento-guest', wide),
      tags: { malicious: true, scope: 'none' },
      key: true,
    });
    sim.truth.addScope('principals', role.arn);
    sim.truth.removeScope('resources', 'anthropic.claude-3-opus-20240229-v1:0');

    // the prototype build on an Android emulator at the office
    {
      const r = rng.fork('proto');
      const ua = `aws-sdk-android/2.77.1 Linux/6.1.23-android14-4-00257-g${r.hex(12)}-ab${r.int(9000000, 9999999)} Dalvik/2.1.0/0 pt_BR`;
      let ts = at('2026-03-10T18:51:30Z');
      let creds = guestCredentials(sim, r, ts, { ip: office, userAgent: ua, tags: { decoy: true } });
      for (let i = 0; i < 9; i++) {
        ts += r.int(60, 420) * 1000;
        if (ts > creds.expires)
          creds = guestCredentials(sim, r, ts, {
            ip: office,
            userAgent: ua,
            identityId: creds.identityId,
            tags: { decoy: true },
          });
        guestConverse(sim, r, ts, creds.session, {
          model: i === 0 ? GUEST_MODEL : SONNET,
          platform: 'android-proto',
          appVersion: '5.13.0-dev',
          decoy: true,
          turn: {
            user: r.pick([
              'Que raça é esse cachorro da foto? Pelagem curta caramelo, orelhas caídas, uns 20 kg.',
              'Identifique a raça provável do gato: pelagem longa cinza, rosto achatado, olhos cor de cobre.',
              'Teste: descreva a raça do cão da foto e sugira uma ração do catálogo para o porte dele.',
            ]),
            answer: r.pick([
              'Pelas características descritas, pode ser um vira-lata com traços de Labrador. Para um cão de porte médio, a Ração Premium Cães Adultos 15 kg é uma boa opção.',
              'As características lembram um Persa. Gatos de pelo longo precisam de escovação frequente.',
              'Provavelmente um Beagle ou mestiço de Beagle. Para o porte médio, sugiro a Ração Premium Cães Adultos 15 kg e um comedouro lento.',
            ]),
          },
        });
      }
    }

    // ---- the outsider's first look -----------------------------------------------------------------
    const threatTags = { malicious: true, scope: 'actor' };
    const pyUa = UA.boto3(rng.fork('ua-first'), { family: 'ubuntu' });
    let t = at('2026-03-10T23:26:14Z');
    const first = guestCredentials(sim, rng, t, {
      ip: FIRST,
      userAgent: pyUa,
      threat: true,
      tags: threatTags,
      key: true,
    });
    const s = sim.threat(first.session);
    t += rng.int(3, 9) * 1000;
    sim.call(rng, t, s, { ...C.getCallerIdentity(), key: true });
    t += rng.int(4, 12) * 1000;
    sim.call(rng, t, s, {
      ...C.bedrock('ListFoundationModels'),
      error: {
        code: 'AccessDeniedException',
        message: `User: ${s.identity.arn} is not authorized to perform: bedrock:ListFoundationModels because no identity-based policy allows the bedrock:ListFoundationModels action`,
      },
    });
    t += rng.int(5, 20) * 1000;
    // the designed model answers, then the bigger ones
    sim.runtime(rng, t, s, {
      op: 'InvokeModel',
      modelId: GUEST_MODEL,
      prompt: 'hi',
      answer: 'Hello! How can I help you today?',
      maxTokens: 50,
    });
    t += rng.int(6, 25) * 1000;
    sim.runtime(rng, t, s, {
      op: 'InvokeModel',
      modelId: 'anthropic.claude-3-opus-20240229-v1:0',
      prompt: 'hi',
      answer: '',
      error: { code: 'ValidationException', message: 'The provided model identifier is invalid.' },
      logged: false,
    });
    t += rng.int(6, 25) * 1000;
    sim.runtime(rng, t, s, {
      op: 'InvokeModel',
      modelId: SONNET,
      prompt: 'hi',
      answer: 'Hi there! What would you like to talk about?',
      maxTokens: 50,
      key: true,
    });
    t += rng.int(10, 40) * 1000;
    sim.runtime(rng, t, s.with({ region: 'us-east-1' }), {
      op: 'InvokeModel',
      modelId: SONNET37,
      region: 'us-east-1',
      prompt: 'hi',
      answer: 'Hello! How can I help?',
      maxTokens: 50,
      key: true,
    });
    t += rng.int(30, 90) * 1000;
    Playbooks.abuseModels(sim, rng, s, t, t + 22 * MIN, {
      targets: [
        { region, model: SONNET, op: 'InvokeModel', weight: 2 },
        { region: 'us-east-1', model: SONNET37, op: 'InvokeModel', weight: 1 },
      ],
      perHour: 18,
      content: 'roleplay',
      keyFirst: false,
    });

    // ---- the resale: nine workers, new guest credentials every hour -------------------------------
    const FIXED = at('2026-03-11T13:48:30Z');
    const start = at('2026-03-11T00:31:00Z');
    WORKERS.forEach((ip, wi) => {
      const r = rng.fork(`worker-${wi}`);
      const ua =
        wi % 3 === 2
          ? UA.sdkJs(r, { family: 'ubuntu' })
          : UA.boto3(r, { family: r.pick(['ubuntu', 'ec2', 'debian']) });
      let tw = start + wi * r.int(2, 9) * MIN + r.int(0, 300) * 1000;
      const stopAt = FIXED + r.int(4, 25) * MIN;
      let identityId = null;
      let firstRun = true;
      const targets =
        wi % 4 === 3
          ? [
              { region: 'us-east-1', model: SONNET37, weight: 3 },
              { region, model: SONNET, weight: 1 },
            ]
          : [
              { region, model: SONNET, weight: 3 },
              { region: 'us-east-1', model: SONNET37, weight: 1.5 },
            ];
      const params = (rr) => ({
        maxTokens: rr.pick([2048, 4096, 4096, 8192]),
        temperature: rr.pick([0.7, 0.8, 0.9, 1]),
        topP: rr.pick([undefined, 0.95, 0.9]),
      });
      while (tw < stopAt) {
        const creds = guestCredentials(sim, r, tw, {
          ip,
          userAgent: ua,
          identityId,
          threat: true,
          tags: threatTags,
          key: firstRun,
        });
        identityId = creds.identityId;
        const ws = sim.threat(creds.session);
        const until = Math.min(creds.expires, stopAt);
        if (tw + 2 * MIN < FIXED) {
          Playbooks.abuseModels(sim, r, ws, tw + r.int(5, 30) * 1000, Math.min(until, FIXED), {
            targets: targets.map((x) => ({
              ...x,
              op: r.pick(['InvokeModel', 'InvokeModelWithResponseStream', 'InvokeModelWithResponseStream']),
            })),
            perHour: r.int(7, 12),
            content: wi % 2 ? 'mixed' : 'roleplay',
            bigContextShare: 0.08,
            keyFirst: firstRun,
            params,
          });
        }
        // after the fix: denied, a few retries, then the worker gives up
        if (until > FIXED) {
          let td = Math.max(FIXED + r.int(10, 120) * 1000, tw + 20000);
          for (let k = 0; k < r.int(3, 7) && td < until; k++) {
            const tgt = r.pick(targets);
            sim.runtime(r, td, ws.with({ region: tgt.region }), {
              op: 'InvokeModel',
              modelId: tgt.model,
              region: tgt.region,
              prompt: '',
              answer: '',
              error: {
                code: 'AccessDeniedException',
                message: `User: ${ws.identity.arn} is not authorized to perform: bedrock:InvokeModel on resource: arn:aws:bedrock:${tgt.region}::foundation-model/${tgt.model.replace(/^us\./, '')} because no identity-based policy allows the bedrock:InvokeModel action`,
              },
            });
            td += r.int(8, 90) * 1000;
          }
        }
        firstRun = false;
        tw = creds.expires + r.int(5, 90) * 1000;
      }
    });

    // ---- the remediation (decoy look-alike: same API, same role) -----------------------------------
    const fixer =
      w.people.find((p) => p.permissionSet === 'admin' && p !== dev) ??
      w.people.find((p) => p.team === 'platform' && p !== dev);
    fixer.travelDay = null;
    const fs = staff.session(fixer, FIXED - 12 * MIN, office, true);
    sim.call(rng, FIXED - 8 * MIN, fs, {
      ...C.iamGet('GetRolePolicy', { roleName: role.name, policyName: 'pergunte-ao-bento-guest' }),
      decoy: true,
    });
    sim.call(rng, FIXED, fs, {
      ...C.iamPutRolePolicy(role, 'pergunte-ao-bento-guest', guestPolicy(acct, region)),
      decoy: true,
    });
    sim.planChange({
      ticket: 'INC-2207',
      window: { start: isoSec(FIXED - 20 * MIN), end: isoSec(FIXED + 40 * MIN) },
      owner: `platform@${w.company.domain}`,
      summary: `Emergency: restore inline policy pergunte-ao-bento-guest of ${role.name} to the Terraform definition (Bedrock cost anomaly)`,
    });
  },
});
