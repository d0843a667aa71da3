// Variant of sso-session-hijack without credential reuse: the actor replays the engineer's stolen
// IAM Identity Center browser session (IdP cookie), so the records show a fresh
// AssumeRoleWithSAML + federated ConsoleLogin for the engineer's e-mail from a hosting address
// and a different browser, and new session keys; everything else happens in the console (guardrail
// weakened, invocation logging deleted, playground prompts that the weakened guardrail passes).

const lib = await import(
  process.env.EVIDENCE_GEN_LIB ?? new URL('../../../shared/tools/evidence-gen/lib.mjs', import.meta.url).href
);
const { Playbooks, Decoys, Attacks, C, UA, finding, MIN } = lib;

import { TIDEWATER } from './_worlds.mjs';

const IP = '172.86.113.45';
const MODEL = 'us.anthropic.claude-3-5-haiku-20241022-v1:0';

export default lib.defineScenario({
  name: 'sso-console-replay',
  seed: 'local/sso-console-replay/v1',
  start: '2025-10-07T00:00:00Z',
  days: 2,
  world: TIDEWATER,
  background: {
    intensity: 1.0,
    chatbot: { conversationsPerHour: 55, decoyShare: 0.03 },
    agent: { sessionsPerHour: 4 },
    jobs: { guardrailEval: true },
    ops: { events: ['logging-test', 'model-enable'], random: 1 },
  },
  alert:
    'Model invocation logs in us-east-2 stopped arriving on the evening of the first day and the support chatbot now answers investment questions.',
  truth: {
    description:
      "A platform engineer's IAM Identity Center browser session was stolen and replayed from a hosting provider with a different browser: AssumeRoleWithSAML and a federated ConsoleLogin for the engineer's e-mail (PowerUserAccess permission set) from an address and client never seen for the engineer. In the console the actor browsed Bedrock (guardrails, models, logging, agents, knowledge bases), weakened the support guardrail (UpdateGuardrail, CreateGuardrailVersion: \"Investment advice\" topic removed, PROMPT_ATTACK NONE, MISCONDUCT LOW), tried policy-violating prompts in the playground with the guardrail (they now pass), and deleted the model invocation logging configuration of us-east-2; further playground prompts are only in CloudTrail. The pipeline's guardrail release, the CloudWatch logging update and the logging test are legitimate.",
    elements: ['access', 'ai-changes', 'invocation'],
    components: ['guardrails', 'foundation-models'],
  },
  incident(sim, { rng, at, world }) {
    const w = world;
    const victim = Decoys.findPerson(
      w,
      (p) =>
        p.team === 'platform' && !p.iamUser && (p.permissionSet === 'power' || p.permissionSet === 'admin'),
    );
    const other = Decoys.findPerson(
      w,
      (p) => (p.team === 'ml' || p.team === 'platform') && p !== victim && !p.iamUser,
    );
    const role = w.sso[victim.permissionSet];
    const provider = `arn:aws:iam::${w.account.id}:saml-provider/${w.sso.provider}`;
    const onBehalfOf = {
      userId: victim.ssoUserId,
      identityStoreArn: `arn:aws:identitystore::${w.account.id}:identitystore/${w.sso.identityStore}`,
    };

    Decoys.changeWindowGuardrail(sim, rng, at('2025-10-07T14:20:00Z'), {
      ticket: 'CHG-8112',
      addTopic: 'Medical advice',
    });
    Decoys.loggingConfigUpdate(sim, rng, at('2025-10-07T17:05:00Z'), other, { away: 'vpn' });

    const BROWSER = UA.browser(rng.fork('ua-browser'));
    let t = at('2025-10-07T22:48:19Z');
    const key = rng.iamId('ASIA');
    const samlUser = {
      type: 'SAMLUser',
      principalId: `${rng.base62(28)}=:${victim.email}`,
      userName: victim.email,
      identityProvider: provider,
    };
    const cons = sim.threat(
      sim.roleSession(role, victim.email, {
        ip: IP,
        userAgent: BROWSER,
        accessKeyId: key,
        created: t,
        console: true,
        onBehalfOf,
        rng,
      }),
    );
    sim.call(rng, t, cons.with({ identity: samlUser, console: false }), {
      ...C.assumeRoleWithSAML(rng, role, provider, key, t, { subject: victim.email }),
      key: true,
    });
    sim.call(rng, t + 2100, cons.with({ console: false }), {
      ...C.consoleLogin({ federated: true }),
      tls: 'tls13',
      key: true,
    });
    t += 40000;
    for (const call of [
      C.bedrock('ListFoundationModels'),
      C.bedrock('GetModelInvocationLoggingConfiguration'),
      C.bedrock('ListGuardrails'),
      C.bedrock('GetGuardrail', { guardrailIdentifier: w.res.guardrail.id }),
      C.bedrockAgent('ListAgents'),
      C.bedrockAgent('ListKnowledgeBases'),
      C.bedrock('GetGuardrail', { guardrailIdentifier: w.res.guardrail.id, guardrailVersion: 'DRAFT' }),
    ]) {
      t += rng.int(8, 70) * 1000;
      sim.call(rng, t, cons, { ...call, key: call.api === 'bedrock:GetModelInvocationLoggingConfiguration' });
    }
    const changed = Playbooks.weakenGuardrail(sim, rng, cons, t + 3 * MIN, {
      filters: { PROMPT_ATTACK: 'NONE', MISCONDUCT: 'LOW' },
      removeTopics: ['Investment advice'],
    });
    t = changed + 2 * MIN;
    for (let i = 0; i < 6; i++) {
      t += rng.int(40, 180) * 1000;
      const p = Attacks.policyProbe(rng, w);
      sim.runtime(rng, t, cons, {
        op: 'Converse',
        modelId: MODEL,
        inferenceRegion: 'us-east-2',
        prompt: p.user,
        answer: p.answer,
        guardrail: true,
        inputSignals: p.signals,
        outputSignals: p.signals,
        maxTokens: 2048,
        temperature: 1,
        key: i < 2,
      });
    }
    t = Playbooks.deleteInvocationLogging(sim, rng, cons, t + 4 * MIN, 'us-east-2');
    for (let i = 0; i < 9; i++) {
      t += rng.int(40, 240) * 1000;
      const p = Attacks.policyProbe(rng, w);
      sim.runtime(rng, t, cons, {
        op: 'Converse',
        modelId: MODEL,
        inferenceRegion: 'us-east-2',
        prompt: p.user,
        answer: p.answer,
        guardrail: true,
        inputSignals: p.signals,
        outputSignals: p.signals,
        maxTokens: 2048,
        key: i === 0,
      });
    }

    sim.tag({ malicious: true, key: true, scope: 'none' }, () => {
      const f1 = at('2025-10-07T22:55:40Z');
      sim.finding(
        f1,
        finding(rng, w, {
          t: f1,
          type: 'UnauthorizedAccess:IAMUser/ConsoleLoginSuccess.B',
          severity: 5,
          accessKey: {
            accessKeyId: key,
            principalId: cons.identity.principalId,
            userType: 'AssumedRole',
            userName: role.name,
          },
          title: `Unusual console login was seen for principal ${role.name}.`,
          description: `A successful console login for ${role.name} was observed from an IP address that is unusual for this principal.`,
          api: 'ConsoleLogin',
          serviceName: 'signin.amazonaws.com',
          remoteIp: {
            ip: IP,
            country: 'United States',
            city: 'Secaucus',
            asn: 14956,
            asnOrg: 'RouterHosting LLC',
            isp: 'Cloudzy',
            org: 'Cloudzy',
          },
          firstSeen: at('2025-10-07T22:48:21Z'),
          lastSeen: at('2025-10-07T22:48:21Z'),
          count: 1,
        }),
      );
    });
  },
});
