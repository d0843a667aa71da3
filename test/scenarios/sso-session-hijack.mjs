// SSO session hijack. A platform engineer signs in through IAM Identity Center every morning
// (AssumeRoleWithSAML, PowerUserAccess permission set) and works from home with the AWS CLI. An
// infostealer on the laptop ships the cached CLI role credentials; that evening the same session
// (same ASIA access key, same role session name) is used from a hosting provider with a
// different client. The actor surveys Bedrock, weakens the application's guardrail (removes a
// denied topic, lowers the prompt-attack and misconduct filters, new version picked up by the
// chatbot), tests it with ApplyGuardrail and direct Converse calls that now pass, deletes model
// invocation logging in the home Region and keeps invoking models (CloudTrail only) until the
// session expires. Decoys: the pipeline's guardrail release in a change window, an engineer
// adding CloudWatch delivery to invocation logging from a commercial VPN, an admin enabling a
// model from a commercial VPN, the one-minute logging test in a quiet Region.

const lib = await import(
  process.env.EVIDENCE_GEN_LIB ?? new URL('../../../shared/tools/evidence-gen/lib.mjs', import.meta.url).href
);
const { Playbooks, Decoys, Attacks, C, UA, finding, MIN } = lib;

import { TIDEWATER } from './_worlds.mjs';

const CONSOLE_LESS_IP = '172.86.113.45'; // first use of the stolen session (hosting, new ASN)
const INVOKE_IP = '172.86.113.61'; // same provider, later
const MODELS = ['anthropic.claude-3-5-sonnet-20240620-v1:0', 'us.anthropic.claude-3-5-haiku-20241022-v1:0'];

export default lib.defineScenario({
  name: 'sso-session-hijack',
  seed: 'local/sso-session-hijack/v1',
  start: '2025-08-19T00:00:00Z',
  days: 2,
  world: TIDEWATER,
  background: {
    intensity: 1.0,
    chatbot: { conversationsPerHour: 55, decoyShare: 0.03 },
    agent: { sessionsPerHour: 4 },
    jobs: { guardrailEval: true },
    ops: { events: ['logging-test'], random: 1 },
  },
  alert:
    'The support team noticed the chatbot answering questions about investment products it used to refuse, and the security team sees that model invocation logs in us-east-2 stopped arriving overnight.',
  truth: {
    description:
      "The IAM Identity Center session of a platform engineer (PowerUserAccess permission set) was stolen from their laptop: the cached CLI role credentials of the morning sign-in were used the same evening from a hosting provider (two addresses, a boto3 client on Linux instead of the engineer's AWS CLI on macOS) while the engineer's own work came from home. The actor called GetCallerIdentity, surveyed Bedrock (models, logging configuration, guardrails, agents, knowledge bases; IAM calls were denied), then weakened the support guardrail: UpdateGuardrail on the draft and CreateGuardrailVersion removing the \"Investment advice\" denied topic and lowering PROMPT_ATTACK and MISCONDUCT to NONE/LOW; the chatbot picked up the new version. The actor tested the weakened guardrail with ApplyGuardrail and Converse calls carrying the guardrail (policy probes that now pass), deleted the model invocation logging configuration in us-east-2, and kept invoking Claude models directly (only CloudTrail shows these) until the 12-hour session expired. The pipeline's guardrail release in the morning change window, the CloudWatch logging update, the model enablement and the logging test are legitimate.",
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
    const admin = Decoys.findPerson(w, (p) => p.permissionSet === 'admin' && p !== victim);
    const other = Decoys.findPerson(
      w,
      (p) => (p.team === 'ml' || p.team === 'platform') && p !== victim && p !== admin,
    );
    const role = w.sso[victim.permissionSet];
    const provider = `arn:aws:iam::${w.account.id}:saml-provider/${w.sso.provider}`;
    const onBehalfOf = {
      userId: victim.ssoUserId,
      identityStoreArn: `arn:aws:identitystore::${w.account.id}:identitystore/${w.sso.identityStore}`,
    };
    const home = victim.home[0];

    // ---- decoys -------------------------------------------------------------------------------
    Decoys.changeWindowGuardrail(sim, rng, at('2025-08-19T14:10:00Z'), {
      ticket: 'CHG-7340',
      addTopic: 'Medical advice',
    });
    Decoys.loggingConfigUpdate(sim, rng, at('2025-08-19T16:40:00Z'), other, { away: 'vpn' });
    Decoys.adminEnablesModel(
      sim,
      rng,
      at('2025-08-19T20:15:00Z'),
      admin,
      'anthropic.claude-3-5-sonnet-20241022-v2:0',
      undefined,
      { away: 'vpn' },
    );

    // ---- the victim's legitimate morning sign-in and CLI work (not malicious) ------------------
    const t0 = at('2025-08-19T13:02:11Z');
    const consoleKey = rng.iamId('ASIA');
    const cliKey = rng.iamId('ASIA');
    const samlUser = {
      type: 'SAMLUser',
      principalId: `${rng.base62(28)}=:${victim.email}`,
      userName: victim.email,
      identityProvider: provider,
    };
    const cons = sim.roleSession(role, victim.email, {
      ip: home,
      userAgent: victim.browser,
      accessKeyId: consoleKey,
      created: t0,
      console: true,
      onBehalfOf,
      rng,
    });
    const cli = sim.roleSession(role, victim.email, {
      ip: home,
      userAgent: victim.cli,
      accessKeyId: cliKey,
      created: t0 + 40000,
      onBehalfOf,
      rng,
    });
    sim.call(
      rng,
      t0,
      cons.with({ identity: samlUser, console: false }),
      C.assumeRoleWithSAML(rng, role, provider, consoleKey, t0, { subject: victim.email }),
    );
    sim.call(rng, t0 + 2500, cons.with({ console: false }), {
      ...C.consoleLogin({ federated: true }),
      tls: 'tls13',
    });
    sim.call(
      rng,
      t0 + 40000,
      cli.with({ identity: samlUser }),
      C.assumeRoleWithSAML(rng, role, provider, cliKey, t0 + 40000, { subject: victim.email }),
    );
    let t = t0 + 55000;
    sim.call(rng, t, cli, C.getCallerIdentity());
    for (const call of [
      C.lambdaRead('ListFunctions20150331'),
      C.lambdaRead('GetFunctionConfiguration20150331v2', w.res.functions.chatbot),
      C.bedrock('ListGuardrails'),
      C.bedrock('GetGuardrail', { guardrailIdentifier: w.res.guardrail.id }),
      C.ec2Describe('DescribeSecurityGroups'),
      C.call('cloudwatch:DescribeAlarms', { maxRecords: 100 }),
    ]) {
      t += rng.int(20, 240) * 1000;
      sim.call(rng, t, cli, call);
    }
    for (let ts = at('2025-08-19T17:30:00Z'); ts < at('2025-08-19T21:10:00Z'); ts += rng.int(12, 40) * MIN) {
      sim.call(
        rng,
        ts,
        cli,
        rng.pick([
          C.lambdaRead('ListFunctions20150331'),
          C.ec2Describe('DescribeInstances'),
          C.call('logs:FilterLogEvents', {
            logGroupName: `/aws/lambda/${w.res.functions.chatbot.name}`,
            limit: 100,
          }),
          C.bedrock('ListGuardrails'),
        ]),
      );
    }

    // ---- the stolen session ---------------------------------------------------------------------
    const ACTOR_UA = UA.boto3(rng.fork('ua-actor'), { family: 'debian' });
    const s1 = sim.threat(cli.with({ ip: CONSOLE_LESS_IP, userAgent: ACTOR_UA, tls: 'tls12' }));
    t = at('2025-08-19T23:18:42Z');
    t = Playbooks.whoami(sim, rng, s1, t);
    for (const op of ['ListRoles', 'GetAccountAuthorizationDetails']) {
      t += rng.int(2, 8) * 1000;
      sim.call(rng, t, s1, {
        ...C.iamGet(op),
        error: {
          code: 'AccessDenied',
          message: `User: ${s1.identity.arn} is not authorized to perform: iam:${op} on resource: * with an explicit deny in a service control policy`,
        },
      });
    }
    t = Playbooks.bedrockRecon(sim, rng, s1, t, {
      regions: ['us-east-2', 'us-east-1'],
      models: [MODELS[0], 'anthropic.claude-3-haiku-20240307-v1:0'],
      probes: 1,
    });
    for (const call of [
      C.bedrock('ListGuardrails'),
      C.bedrock('GetGuardrail', { guardrailIdentifier: w.res.guardrail.id }),
      C.bedrockAgent('ListAgents'),
      C.bedrockAgent('ListKnowledgeBases'),
      C.lambdaRead('ListFunctions20150331'),
    ]) {
      t += rng.int(3, 25) * 1000;
      sim.call(rng, t, s1, { ...call, key: call.api === 'bedrock:GetGuardrail' });
    }
    t += rng.int(4, 9) * MIN;
    const changed = Playbooks.weakenGuardrail(sim, rng, s1, t, {
      filters: { PROMPT_ATTACK: 'NONE', MISCONDUCT: 'LOW' },
      removeTopics: ['Investment advice'],
    });

    // tests: ApplyGuardrail on the new version, then Converse with the guardrail
    const s2 = sim.threat(cli.with({ ip: INVOKE_IP, userAgent: ACTOR_UA, tls: 'tls12' }));
    t = changed + rng.int(2, 5) * MIN;
    for (let i = 0; i < 3; i++) {
      t += rng.int(10, 50) * 1000;
      const g = sim.guardrailAt(t);
      sim.call(rng, t, s2, {
        ...C.applyGuardrailCall({ ...w.res.guardrail, version: g.version }, w.account.id),
        key: i === 0,
      });
    }
    for (let i = 0; i < 7; i++) {
      t += rng.int(30, 200) * 1000;
      const p = Attacks.policyProbe(rng, w);
      sim.runtime(rng, t, s2, {
        op: 'Converse',
        modelId: MODELS[1],
        inferenceRegion: 'us-east-2',
        prompt: p.user,
        answer: p.answer,
        guardrail: true,
        inputSignals: p.signals,
        outputSignals: p.signals,
        maxTokens: 1024,
        key: i < 2,
      });
    }
    // logging off, then direct use until the session expires (13:02 + 12 h)
    t = Playbooks.deleteInvocationLogging(
      sim,
      rng,
      s1.with({ ip: INVOKE_IP }),
      at('2025-08-20T00:41:00Z'),
      'us-east-2',
    );
    Playbooks.abuseModels(sim, rng.fork('direct'), s2, t + 3 * MIN, at('2025-08-20T01:01:30Z'), {
      targets: [
        { region: 'us-east-2', model: MODELS[0], weight: 2, op: 'InvokeModel' },
        { region: 'us-east-2', model: MODELS[1], weight: 1, op: 'Converse' },
      ],
      perHour: 40,
      content: 'bulk',
      keyFirst: true,
    });
    // expired credentials: the next calls fail
    const exp = at('2025-08-20T01:03:10Z');
    for (let i = 0; i < 3; i++)
      sim.call(rng, exp + i * rng.int(5, 40) * 1000, s2, {
        ...C.bedrock('ListFoundationModels'),
        error: {
          code: 'ExpiredTokenException',
          message: 'The security token included in the request is expired',
        },
      });

    // ---- GuardDuty ----------------------------------------------------------------------------
    const key = {
      accessKeyId: cliKey,
      principalId: s1.identity.principalId,
      userType: 'AssumedRole',
      userName: role.name,
    };
    sim.tag({ malicious: true, key: true, scope: 'none' }, () => {
      const f1 = at('2025-08-19T23:41:05Z');
      sim.finding(
        f1,
        finding(rng, w, {
          t: f1,
          type: 'Discovery:IAMUser/AnomalousBehavior',
          severity: 5,
          accessKey: key,
          title: `Unusual discovery APIs were invoked by role ${role.name}.`,
          description:
            'APIs commonly used in discovery tactics were invoked by an IAM entity in an anomalous way.',
          api: 'ListGuardrails',
          serviceName: 'bedrock.amazonaws.com',
          remoteIp: {
            ip: CONSOLE_LESS_IP,
            country: 'United States',
            city: 'Secaucus',
            asn: 14956,
            asnOrg: 'RouterHosting LLC',
            isp: 'Cloudzy',
            org: 'Cloudzy',
          },
          firstSeen: at('2025-08-19T23:18:42Z'),
          lastSeen: f1,
          count: 19,
        }),
      );
      const f2 = at('2025-08-20T00:58:30Z');
      sim.finding(
        f2,
        finding(rng, w, {
          t: f2,
          type: 'DefenseEvasion:IAMUser/AnomalousBehavior',
          severity: 5,
          accessKey: key,
          title: `An API commonly used to evade defensive measures was invoked by role ${role.name}.`,
          description:
            'APIs commonly used in defense evasion tactics were invoked by an IAM entity in an anomalous way.',
          api: 'DeleteModelInvocationLoggingConfiguration',
          serviceName: 'bedrock.amazonaws.com',
          remoteIp: {
            ip: INVOKE_IP,
            country: 'United States',
            city: 'Secaucus',
            asn: 14956,
            asnOrg: 'RouterHosting LLC',
            isp: 'Cloudzy',
            org: 'Cloudzy',
          },
          firstSeen: changed - 2 * MIN,
          lastSeen: at('2025-08-20T00:42:00Z'),
          count: 3,
        }),
      );
    });
  },
});
