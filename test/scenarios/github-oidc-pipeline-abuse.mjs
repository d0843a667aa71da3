// GitHub Actions OIDC deploy role abused from a fork's pull request. Patinha's deploy role
// (github-actions-deploy) trusts the pipeline's repositories through the GitHub OIDC provider;
// for platform-infra the trust policy's sub condition is `repo:patinha-pet/platform-infra:*` so
// that pull requests get a `terraform plan` (read-only refresh) with the same role. The
// organisation also lets workflows run on pull requests from forks of its repositories. At 02:14
// local on 15 April an outsider's pull request from a fork changed the plan workflow itself; its
// run on a GitHub-hosted runner obtained an OIDC token whose sub is
// `repo:patinha-pet/platform-infra:pull_request`, assumed the deploy role, and with the AWS CLI
// (not Terraform) weakened the support chat's guardrail (prompt-attack and misconduct filters off,
// denied topics removed, new version published), listed and read every managed prompt in Prompt
// management (the guest assistant's, the support chat's, the vet-triage rules, the reply drafts),
// was denied ListUsers and created an access key on the machine user svc-bedrock-poc. Twenty
// minutes later the new key was used from a hosting address to check itself, read a prompt and
// invoke models, and from the same address jailbreaks through the public web chat, which the
// weakened guardrail no longer blocked, got the support chat's system prompt out.
//
// Decoys: the pipeline's main-branch deploys through the same role (same API names, same runner
// networks, Terraform), other pull requests' plan runs (same role, same `pull_request` sub, reads
// only, Terraform), the planned guardrail change of 14 April through the pipeline, a planned
// Terraform apply that creates an integration user with an access key, and the content team's
// prompt edits in the console.

import {
  Attacks,
  C,
  Decoys,
  defineScenario,
  ipIn,
  isoSec,
  MIN,
  makeCustomer,
  Playbooks,
  Session,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import { extendPatinha, PATINHA, PATINHA_GITHUB, promptCall, promptEditing } from './_worlds-o.mjs';

const REPO = `${PATINHA_GITHUB}/platform-infra`;
const VPS = '159.203.87.142';
const SONNET = 'anthropic.claude-3-5-sonnet-20240620-v1:0';

export default defineScenario({
  name: 'github-oidc-pipeline-abuse',
  seed: 'heldout-o/github-oidc-pipeline-abuse/v1',
  start: '2026-04-14T00:00:00Z',
  days: 2,
  world: PATINHA,
  background: {
    intensity: 1.0,
    chatbot: { conversationsPerHour: 44 },
    agent: { sessionsPerHour: 4 },
    ops: { random: 1 },
  },
  alert:
    'On 15 April at 09:05 local (12:05 UTC) a support lead reported that the website chat had pasted its own instructions into a conversation overnight. The platform team found guardrail patinha-support-guardrail at a version nobody remembers releasing; the only planned guardrail change (CHG-5120) was on 14 April.',
  truth: {
    description:
      "The deploy role github-actions-deploy trusts the GitHub OIDC provider with the sub condition repo:patinha-pet/platform-infra:* (any ref and any event, pull requests included), and the organisation runs workflows on pull requests from forks. At 02:14 local (05:14 UTC) on 15 April a workflow run of a pull request from an outsider's fork assumed the role with AssumeRoleWithWebIdentity (subject repo:patinha-pet/platform-infra:pull_request) from a GitHub-hosted runner and, with the AWS CLI instead of the pipeline's Terraform and only writes no plan makes, read and updated the support guardrail (prompt-attack and misconduct filters off, denied topics removed) and published a new version, which the support chat used from then on; listed the managed prompts and read all four (guest assistant, support chat, vet-triage rules with partner clinic codes, reply drafts); was denied iam:ListUsers; listed the access keys of the machine user svc-bedrock-poc and created a new access key for it. From 02:35 local the new key was used from a hosting address (159.203.87.142) with a Python client: GetCallerIdentity, ListFoundationModels, a prompt read and Claude 3.5 Sonnet invocations; from the same address jailbreaks through the public web chat were answered with the support chat's system prompt and internal transfer code, since the weakened guardrail no longer blocked them. The main-branch deploys, the other pull requests' plan runs (reads only, Terraform), the planned guardrail release CHG-5120, the Terraform-created integration user and its key (CHG-5127) and the content team's prompt edit are legitimate.",
    elements: ['access', 'ai-changes', 'invocation'],
    components: ['guardrails', 'foundation-models'],
    scope: { sourceIps: [VPS] },
  },
  incident(sim, { rng, at, world, actors }) {
    const w = extendPatinha(sim);
    const acct = w.account.id;
    const cicd = actors.cicd;
    const provider = `arn:aws:iam::${acct}:oidc-provider/token.actions.githubusercontent.com`;
    const deploy = w.roles.deploy;
    deploy.trust = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: provider },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
            StringLike: {
              'token.actions.githubusercontent.com:sub': [
                `repo:${PATINHA_GITHUB}/support-chatbot:ref:refs/heads/main`,
                `repo:${PATINHA_GITHUB}/order-agent:ref:refs/heads/main`,
                `repo:${REPO}:*`,
              ],
            },
          },
        },
      ],
    };

    /** A workflow run's role session for a given OIDC subject. */
    const oidcRun = (t, r, sub, sessionUa, tags) => {
      const ip = ipIn(r, r.pick(w.net.runners));
      const webUser = new Session({
        identity: {
          type: 'WebIdentityUser',
          principalId: `${provider}:sts.amazonaws.com:${sub}`,
          userName: sub,
          identityProvider: provider,
        },
        accountId: acct,
        ip,
        userAgent: r.chance(0.6) ? w.userAgents.oidc : UA.githubOidcAction(r),
        region: w.homeRegion,
      });
      const key = r.iamId('ASIA');
      const assume = C.assumeRoleWithWebIdentity(r, deploy, 'GitHubActions', key, t, {
        provider: 'token.actions.githubusercontent.com',
        subject: sub,
        region: w.homeRegion,
      });
      return {
        webUser,
        assume,
        ip,
        key,
        session: sim.roleSession(deploy, 'GitHubActions', {
          ip,
          userAgent: sessionUa,
          accessKeyId: key,
          created: t,
          webIdFederationData: { federatedProvider: provider, attributes: {} },
          rng: r,
        }),
      };
    };

    // ---- decoys: other pull requests' plan runs (same role, pull_request subject, reads only) ------------
    const planTimes = [
      '2026-04-14T12:22:00Z',
      '2026-04-14T14:47:00Z',
      '2026-04-14T17:31:00Z',
      '2026-04-14T19:58:00Z',
      '2026-04-15T11:40:00Z',
      '2026-04-15T13:15:00Z',
      '2026-04-15T16:52:00Z',
      '2026-04-15T18:30:00Z',
    ];
    planTimes.forEach((iso, i) => {
      const r = rng.fork(`plan-${i}`);
      const t0 = at(iso) + r.int(0, 600) * 1000;
      const run = oidcRun(t0, r, `repo:${REPO}:pull_request`, w.userAgents.terraform);
      sim.tag({ decoy: true }, () => {
        sim.call(r, t0, run.webUser, run.assume);
        let ts = t0 + r.int(3, 15) * 1000;
        sim.call(r, ts, run.session, C.getCallerIdentity());
        for (const call of cicd.refreshCalls(r)) {
          ts += r.int(30, 700);
          sim.call(r, ts, run.session, call);
        }
      });
    });

    // ---- decoys: planned changes through the pipeline from main -----------------------------------------
    Decoys.changeWindowGuardrail(sim, rng.fork('gr-change'), at('2026-04-14T14:10:00Z'), {
      ticket: 'CHG-5120',
      addTopic: 'Medicamentos veterinários',
      strengthen: { INSULTS: 'HIGH' },
    });
    {
      const r = rng.fork('iam-user');
      const t0 = at('2026-04-14T16:35:00Z');
      cicd.deploy(t0, {
        rng: r,
        repo: REPO,
        changes: ['iam-user'],
        userName: 'svc-vet-partner-sync',
        tags: { decoy: true },
      });
      sim.planChange({
        ticket: 'CHG-5127',
        window: { start: isoSec(t0 - 20 * MIN), end: isoSec(t0 + 45 * MIN) },
        owner: `platform@${w.company.domain}`,
        summary:
          'platform-infra: IAM user svc-vet-partner-sync with a read-only access key for the partner clinics integration (PR #1042, applied from main)',
      });
    }
    // the content team's prompt work in the console
    const editors = w.people.filter((p) => p.permissionSet === 'content');
    promptEditing(sim, rng.fork('pe1'), at('2026-04-14T13:20:00Z'), editors[0], {
      edit: true,
      tags: { decoy: true },
    });
    sim.planChange({
      ticket: 'CHG-5118',
      window: { start: '2026-04-14T13:00:00Z', end: '2026-04-14T14:30:00Z' },
      owner: `suporte@${w.company.domain}`,
      summary:
        'Prompt management: new wording for delivery delays in the support chat system prompt (console, new prompt version)',
    });
    promptEditing(sim, rng.fork('pe2'), at('2026-04-15T14:05:00Z'), editors[1] ?? editors[0]);
    promptEditing(sim, rng.fork('pe3'), at('2026-04-14T18:40:00Z'), editors[0]);

    // ---- the fork's pull-request run ---------------------------------------------------------------------
    let t = at('2026-04-15T05:14:37Z');
    const sub = `repo:${REPO}:pull_request`;
    const run = oidcRun(t, rng, sub, UA.awsCli(rng.fork('ua-runner'), 'linux', { family: 'azure' }));
    sim.threat(run.webUser);
    sim.call(rng, t, run.webUser, { ...run.assume, key: true, scope: [deploy.arn] });
    const s = sim.threat(run.session);
    const step = (call, isKey = false, a = 2, b = 12) => {
      t += rng.int(a, b) * 1000;
      return sim.call(rng, t, s, { ...call, key: isKey });
    };
    step(C.getCallerIdentity(), true, 4, 20);
    step(C.bedrock('ListGuardrails', { maxResults: 20 }));
    t = Playbooks.weakenGuardrail(sim, rng, s, t, {
      filters: { PROMPT_ATTACK: 'NONE', MISCONDUCT: 'NONE' },
      removeTopics: ['Investment advice', 'Competitor comparisons', 'Medicamentos veterinários'],
    });
    step(promptCall('ListPrompts', { maxResults: 50 }), true, 3, 10);
    w.res.prompts.forEach((p, i) => {
      step(promptCall('GetPrompt', { promptIdentifier: p.id }, null, [p.id]), i < 4, 1, 4);
    });
    step(
      {
        ...C.iamGet('ListUsers', null),
        error: {
          code: 'AccessDenied',
          message: `User: ${s.identity.arn} is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::${acct}:user/ because no identity-based policy allows the iam:ListUsers action`,
        },
      },
      false,
      4,
      15,
    );
    const machine = w.users['svc-bedrock-poc'];
    step({ ...C.iamGet('ListAccessKeys', { userName: machine.name }), scope: [machine.arn] }, false, 3, 10);
    const newKey = rng.iamId('AKIA');
    step(C.iamCreateAccessKey(machine.name, newKey, t, acct), true, 2, 6);

    // ---- the new key from a hosting address ---------------------------------------------------------------
    const ks = sim.threat(
      sim.userSession(machine, {
        ip: VPS,
        userAgent: UA.boto3(rng.fork('ua-vps'), { family: 'ubuntu' }),
        accessKeyId: newKey,
      }),
    );
    let tk = at('2026-04-15T05:35:12Z');
    sim.call(rng, tk, ks, { ...C.getCallerIdentity(), key: true });
    tk += rng.int(5, 20) * 1000;
    sim.call(rng, tk, ks, { ...C.bedrock('ListFoundationModels'), key: true });
    tk += rng.int(10, 40) * 1000;
    sim.call(
      rng,
      tk,
      ks,
      promptCall('GetPrompt', { promptIdentifier: w.res.prompts[2].id }, null, [w.res.prompts[2].id]),
    );
    tk += rng.int(30, 90) * 1000;
    Playbooks.abuseModels(sim, rng, ks, tk, tk + 55 * MIN, {
      targets: [{ region: w.homeRegion, model: SONNET, op: 'InvokeModel' }],
      perHour: 24,
      content: 'mixed',
      keyFirst: true,
    });

    // ---- jailbreaks through the web chat from the same address ------------------------------------------
    const chatbot = actors.chatbot;
    const fake = makeCustomer(rng, w);
    let tc = at('2026-04-15T06:02:40Z');
    const conv = rng.uuid();
    const proxy = { malicious: true, scope: 'proxy' };
    for (let i = 0; i < 7; i++) {
      tc += rng.int(40, 260) * 1000;
      const kind = i % 3 === 2 ? 'code' : 'systemPrompt';
      const p = Attacks.injectionPrompt(rng, w, rng.pick(['ignore-previous', 'dan-roleplay']), kind);
      const answer =
        kind === 'systemPrompt'
          ? Attacks.leakSystemPrompt(rng, w)
          : `${rng.pick(['Claro.', 'Ok!', 'Sure.'])} The transfer code is ${w.escalationCode}.`;
      chatbot.chat(rng, tc, {
        channel: 'web',
        conversationId: conv,
        clientIp: VPS,
        customer: fake,
        anonymous: true,
        history: [],
        turn: {
          intent: 'attack',
          user: p.user,
          answer,
          signals: p.signals,
          outSignals: {},
          inPii: [],
          outPii: [],
        },
        tags: proxy,
        key: i < 2,
        retrieve: false,
      });
    }
  },
});
