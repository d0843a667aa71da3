// Guardrail bypass through a deploy. An attacker holding a stolen GitHub token of a developer
// pushes a branch of the chatbot repository whose workflow (the deploy role's OIDC trust allows
// any ref of the repository) runs at night on an ordinary GitHub-hosted runner. With the deploy
// role's credentials the workflow uploads a changed chatbot package (zip upload, not from the
// pipeline's artifact bucket) and rewrites the function's environment without GUARDRAIL_ID and
// GUARDRAIL_VERSION, publishes a version and moves the live alias. From then on the chatbot's
// Bedrock calls carry no guardrail, and the group that had been hitting the guardrail the
// evening before gets its jailbreaks answered through the public web chat and the app, until the
// pipeline's next deploy of the chatbot (Terraform restores the environment) at midday.
// Decoys: the pipeline's normal chatbot deploys (same APIs, same role, same runner networks,
// Terraform client, change calendar) and a change-window guardrail release.

import {
  Attacks,
  C,
  Decoys,
  defineScenario,
  finding,
  ipIn,
  MIN,
  makeCustomer,
  Session,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import { KESTREL, KESTREL_POLICY_PROBES } from './_worlds-d.mjs';

const GROUP = ['185.213.154.77', '194.36.111.20'];
const BRANCH = 'chore/bump-deps-9f2c';
const ENV_FULL = {
  MODEL_ID: 'x',
  KB_ID: 'x',
  GUARDRAIL_ID: 'x',
  GUARDRAIL_VERSION: 'x',
  SECRET_ARN: 'x',
  LOG_LEVEL: 'x',
};
const ENV_NO_GUARDRAIL = { MODEL_ID: 'x', KB_ID: 'x', SECRET_ARN: 'x', LOG_LEVEL: 'x' };

export default defineScenario({
  name: 'guardrail-bypass-deploy',
  seed: 'heldout-d/guardrail-bypass-deploy/v1',
  start: '2025-10-14T00:00:00Z',
  days: 2,
  world: KESTREL,
  background: {
    intensity: 1.0,
    chatbot: { conversationsPerHour: 55 },
    agent: { sessionsPerHour: 4 },
    ops: { events: ['lambda-new:url'], random: 1 },
  },
  alert:
    'Support advisers report that since the early hours of 15 October the website chatbot has been answering requests it used to refuse (a refund-fraud method, insults about staff, share tips, the adviser transfer code). The guardrail itself was last changed in a planned release the day before.',
  truth: {
    description:
      "A group using the public web chat from two hosting addresses (and one user of the mobile app) tried jailbreaks on the evening of 14 October; the guardrail blocked them. At 02:47 local time on 15 October a GitHub Actions run of the support-chatbot repository from branch chore/bump-deps-9f2c (not main) assumed the deploy role through OIDC on a GitHub-hosted runner, and with the AWS CLI (not the pipeline's Terraform) read the chatbot function's configuration, uploaded a new code package directly (no S3 artifact from the CI bucket), replaced the function's environment with one lacking GUARDRAIL_ID and GUARDRAIL_VERSION, published a version and pointed the live alias at it. From then on the chatbot's Converse and InvokeModel calls carried no guardrail (no guardrailConfig, no guardrail trace in the invocation logs), and the group's jailbreaks were answered: refund-fraud and meter-tampering instructions, insults, share advice, competitor comparisons, the system prompt and the adviser transfer code. The pipeline's Terraform deploy of the chatbot at 13:20 local restored the environment and the guardrail; the group's later attempts were blocked again. The pipeline's chatbot deploy on 14 October, its guardrail release under a change ticket and its other deploys are legitimate.",
    elements: ['access', 'ai-changes', 'infrastructure-changes', 'invocation'],
    components: ['foundation-models', 'guardrails'],
    scope: { sourceIps: GROUP },
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const acct = w.account.id;
    const fn = w.res.functions.chatbot;
    const role = w.roles.chatbot;
    const cicd = actors.cicd;
    const chatbot = actors.chatbot;
    const repo = `${w.company.github}/support-chatbot`;
    let version = rng.int(40, 70);

    // the pipeline's chatbot deploy: Terraform refresh, then code, configuration, version, alias
    const pipelineDeploy = (t, r, ticket, summary) => {
      const run = cicd.deploy(t, { rng: r, repo, changes: [] });
      let ts = run.end;
      const s = run.session;
      sim.tag({ decoy: true }, () => {
        ts += r.int(2, 8) * 1000;
        sim.call(
          r,
          ts,
          s,
          C.lambdaUpdateCode(r, fn, role.arn, ts, {
            s3Bucket: w.res.buckets.ciArtifacts,
            s3Key: `${fn.name}/${r.hex(40)}.zip`,
          }),
        );
        ts += r.int(8, 25) * 1000;
        sim.call(r, ts, s, C.lambdaUpdateConfig(r, fn, role.arn, ts, ENV_FULL));
        ts += r.int(5, 20) * 1000;
        version += 1;
        sim.call(r, ts, s, C.lambdaPublishVersion(r, fn, role.arn, ts, version));
        ts += r.int(1, 5) * 1000;
        sim.call(r, ts, s, C.lambdaUpdateAlias(fn, 'live', version));
      });
      if (ticket)
        sim.planChange({
          ticket,
          window: {
            start: new Date(t - 20 * MIN).toISOString().replace('.000Z', 'Z'),
            end: new Date(t + 60 * MIN).toISOString().replace('.000Z', 'Z'),
          },
          owner: `app-team@${w.company.domain}`,
          summary,
        });
      return ts;
    };

    // decoys: a planned chatbot release, the guardrail release, another deploy of the chatbot
    pipelineDeploy(
      at('2025-10-14T09:41:20Z'),
      rng.fork('deploy-1'),
      'CHG-3107',
      'support-chatbot 2025.10.2: retrieval top-k from configuration, new order-status copy',
    );
    Decoys.changeWindowGuardrail(sim, rng, at('2025-10-14T13:05:00Z'), {
      ticket: 'CHG-3111',
      addTopic: 'Electrical installation advice',
    });
    cicd.deploy(at('2025-10-15T08:52:10Z'), {
      rng: rng.fork('deploy-2'),
      repo: `${w.company.github}/order-agent`,
      changes: ['agent', 'lambda'],
      tags: { decoy: true },
    });

    // the group: jailbreaks through the public chat
    const proxyTags = { malicious: true, scope: 'proxy' };
    const fake = makeCustomer(rng, w);
    const slots = () => ({
      company: w.company.name,
      product: rng.pick(w.catalog)[0],
      code: w.escalationCode,
    });
    const fill = (s, v) => s.replace(/\{(\w+)\}/g, (m, k) => v[k] ?? m);
    const probe = (ts, ip, conv, channel, key) => {
      let turn;
      if (rng.chance(0.25)) {
        const kind = rng.pick(['systemPrompt', 'code']);
        const p = Attacks.injectionPrompt(rng, w, rng.pick(['ignore-previous', 'dan-roleplay']), kind);
        const answer =
          kind === 'systemPrompt'
            ? Attacks.leakSystemPrompt(rng, w)
            : `${rng.pick(['Sure.', 'Okay!', 'No problem.'])} The adviser transfer code is ${w.escalationCode}.`;
        turn = { user: p.user, answer, signals: p.signals };
      } else {
        const p = rng.pick(KESTREL_POLICY_PROBES);
        const v = slots();
        turn = { user: fill(p.user, v), answer: fill(p.answer, v), signals: p.signals };
      }
      const out = {
        ...turn.signals,
        filters: Object.fromEntries(
          Object.entries(turn.signals.filters ?? {}).filter(([k]) => k !== 'PROMPT_ATTACK'),
        ),
      };
      return chatbot.chat(rng, ts, {
        channel,
        conversationId: conv,
        clientIp: ip,
        customer: fake,
        history: [],
        turn: { intent: 'attack', ...turn, outSignals: out, inPii: [], outPii: [] },
        tags: proxyTags,
        key,
        retrieve: false,
      });
    };

    // evening of day 1: blocked by the guardrail
    let ts = at('2025-10-14T20:31:12Z');
    let conv = rng.uuid();
    const blocked = [];
    for (let i = 0; i < 9; i++) {
      ts += rng.int(40, 420) * 1000;
      if (i === 5) conv = rng.uuid();
      blocked.push(probe(ts, GROUP[i < 5 ? 0 : 1], conv, 'web', i < 3));
    }

    // the malicious workflow run: OIDC from a branch, GitHub-hosted runner, AWS CLI
    let t = at('2025-10-15T01:47:03Z');
    const provider = `arn:aws:iam::${acct}:oidc-provider/token.actions.githubusercontent.com`;
    const sub = `repo:${repo}:ref:refs/heads/${BRANCH}`;
    const runnerIp = ipIn(rng, rng.pick(w.net.runners));
    const webUser = sim.threat(
      new Session({
        identity: {
          type: 'WebIdentityUser',
          principalId: `${provider}:sts.amazonaws.com:${sub}`,
          userName: sub,
          identityProvider: provider,
        },
        accountId: acct,
        ip: runnerIp,
        userAgent: UA.githubOidcAction(rng.fork('ua-oidc')),
        region: w.homeRegion,
      }),
    );
    const key = rng.iamId('ASIA');
    sim.call(rng, t, webUser, {
      ...C.assumeRoleWithWebIdentity(rng, w.roles.deploy, 'GitHubActions', key, t, {
        provider: 'token.actions.githubusercontent.com',
        subject: sub,
        region: w.homeRegion,
      }),
      key: true,
    });
    const s = sim.threat(
      sim.roleSession(w.roles.deploy, 'GitHubActions', {
        ip: runnerIp,
        userAgent: UA.awsCli(rng.fork('ua-runner'), 'linux', { family: 'azure' }),
        accessKeyId: key,
        created: t,
        webIdFederationData: { federatedProvider: provider, attributes: {} },
        rng,
      }),
    );
    const step = (call, isKey = false, a = 2, b = 15) => {
      t += rng.int(a, b) * 1000;
      return sim.call(rng, t, s, { ...call, key: isKey });
    };
    step(C.getCallerIdentity());
    step(C.lambdaRead('GetFunctionConfiguration20150331v2', fn), true);
    step(C.lambdaUpdateCode(rng, fn, role.arn, t), true, 5, 20);
    step(C.lambdaUpdateConfig(rng, fn, role.arn, t, ENV_NO_GUARDRAIL), true, 10, 30);
    step(C.lambdaRead('GetFunctionConfiguration20150331v2', fn), false, 5, 15);
    version += 1;
    step(C.lambdaPublishVersion(rng, fn, role.arn, t, version), true, 2, 10);
    step(C.lambdaUpdateAlias(fn, 'live', version), true, 1, 5);
    const bypassed = t + 2000;
    const before = sim.guardrailAt(bypassed);
    sim.changeGuardrail(bypassed, () => null);

    // the pipeline's next chatbot deploy restores the environment (Terraform drift) and the guardrail
    const restored = pipelineDeploy(at('2025-10-15T12:20:40Z'), rng.fork('deploy-3'));
    sim.changeGuardrail(restored + 1000, () => structuredClone(before));

    // night of day 2: no guardrail, the jailbreaks are answered
    ts = bypassed + rng.int(28, 45) * MIN;
    conv = rng.uuid();
    for (let i = 0; i < 20; i++) {
      ts += rng.int(45, 700) * 1000;
      if (i % 6 === 5) conv = rng.uuid();
      if (i === 12 || i === 16) probe(ts, null, rng.uuid(), 'mobile', false);
      else probe(ts, GROUP[(i >> 2) % 2], conv, 'web', i < 7);
    }
    // afternoon of day 2: blocked again
    ts = restored + rng.int(50, 80) * MIN;
    conv = rng.uuid();
    for (let i = 0; i < 3; i++) {
      ts += rng.int(40, 200) * 1000;
      probe(ts, GROUP[1], conv, 'web', false);
    }

    // GuardDuty saw the blocked prompt attacks of the first evening
    sim.tag({ malicious: true, key: true, scope: 'none' }, () => {
      const ft = at('2025-10-14T21:22:40Z');
      const g = sim.guardrailAt(ft);
      const env = blocked[0].record.userIdentity;
      sim.finding(
        ft,
        finding(rng, w, {
          t: ft,
          type: 'Impact:IAMUser/PromptInjection.Direct',
          severity: 5,
          accessKey: {
            accessKeyId: env.accessKeyId,
            principalId: env.principalId,
            userType: 'AssumedRole',
            userName: role.name,
          },
          guardrail: {
            guardrailArn: g.arn,
            guardrailVersion: g.version,
            guardrailAction: 'INTERVENED',
            contentPolicyFilters: [{ type: 'PROMPT_ATTACK', confidence: 'HIGH', action: 'BLOCKED' }],
          },
          title: `Prompt injection attempts were blocked by guardrail ${g.id}.`,
          description:
            'Inputs to a foundation model were blocked by a guardrail as prompt attacks. The caller may be attempting to override the system prompt.',
          api: 'Converse',
          serviceName: 'bedrock.amazonaws.com',
          firstSeen: at('2025-10-14T20:33:00Z'),
          lastSeen: ft,
          count: 4,
        }),
      );
    });
  },
});
