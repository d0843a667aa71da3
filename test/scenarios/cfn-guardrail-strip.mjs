// Guardrail stripped through CloudFormation. An app-team developer at Brannock Trail Supply falls
// for an adversary-in-the-middle phishing page of the company's IAM Identity Center portal in the
// afternoon: the kit relays the sign-in and keeps the portal session (12 hours). From a hosting address the
// actor federates into the production account with the developer's permission set and browses
// CloudFormation and the guardrail in the console. The developer permission set may deploy
// CloudFormation stacks and pass the stacks' service roles, including the platform team's
// brannock-genai-platform stack role. That evening, with CLI credentials from the portal, from a
// second hosting address, the actor creates and executes a change set on the platform stack that
// keeps the template but lowers the guardrail's filters and drops its denied topics:
// CloudFormation, with the stack's service role (invokedBy cloudformation.amazonaws.com), updates
// the guardrail and publishes a new version, which the chatbot picks up. The actor's group, whose
// jailbreaks through the public web chat had been blocked an hour earlier, now gets answers. After
// midnight a second change set sets InvocationLoggingEnabled=false; the stack's custom resource
// Lambda deletes the model invocation logging configuration, and the abuse goes on unlogged. The
// platform team's planned pipeline deploy of the same stack the next afternoon re-applies the
// repository parameters, which restores the guardrail and the logging.
// Decoys: the platform pipeline's planned updates of the same stack (guardrail changes made by
// CloudFormation with the same role, the custom resource writing the logging configuration, both
// in the change calendar) and another developer's update of an application stack from a hotel.

import {
  Attacks,
  C,
  Decoys,
  defineScenario,
  finding,
  isoSec,
  MIN,
  makeCustomer,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import { BRANNOCK, BRANNOCK_POLICY_PROBES } from './_worlds-f.mjs';

const CONSOLE_IP = '193.29.107.84'; // AiTM relay / first use (hosting)
const CLI_IP = '185.247.71.26'; // the actor's VPS for the CLI (hosting, another provider)
const GROUP = ['91.193.4.117', '45.95.169.203']; // the jailbreak group on the public web chat
const STACK = 'brannock-genai-platform';
const APP_STACK = 'brannock-image-pipeline';

// CloudFormation is not in the generator's API catalogue: the facts CloudTrail records about it.
const CFN_RO = /^(Describe|Get|List|Validate|Estimate|Detect)/;
const cfn = (name, params = null, response = null, scope) => ({
  api: `cloudformation:${name}`,
  entry: {
    key: `cloudformation:${name}`,
    service: 'cloudformation',
    source: 'cloudformation.amazonaws.com',
    name,
    readOnly: CFN_RO.test(name),
    data: false,
    ver: '1.08',
    global: false,
    host: (r) => `cloudformation.${r}.amazonaws.com`,
    iamAction: `cloudformation:${name}`,
  },
  params,
  response,
  scope,
});

const PARAM_KEYS = [
  'Environment',
  'GuardrailName',
  'HateFilterStrength',
  'InsultsFilterStrength',
  'SexualFilterStrength',
  'ViolenceFilterStrength',
  'MisconductFilterStrength',
  'PromptAttackFilterStrength',
  'DeniedTopics',
  'PiiPhoneAction',
  'InvocationLoggingEnabled',
  'InvocationLogBucket',
  'InvocationLogCloudWatch',
];

export default defineScenario({
  name: 'cfn-guardrail-strip',
  seed: 'heldout-f/cfn-guardrail-strip/v1',
  start: '2026-01-20T00:00:00Z',
  days: 2,
  world: BRANNOCK,
  shapes: { jsonl: 0.03 },
  background: {
    intensity: 1.0,
    chatbot: { conversationsPerHour: 55 },
    agent: { sessionsPerHour: 4 },
    ops: { events: ['logging-test'], random: 1 },
  },
  alert:
    'On the morning of 21 January a customer posted a screenshot of the Ferdia web chat explaining how to get a refund without returning the goods, and support advisers found more answers the bot used to refuse. The data team also reports that Bedrock invocation logs for eu-west-1 are missing for most of the night of 20-21 January. The platform team says their only changes to the GenAI platform stack were the planned ones in the change calendar.',
  truth: {
    description:
      "An app-team developer's IAM Identity Center sign-in was phished through an adversary-in-the-middle page on 20 January (the kit kept the 12-hour portal session): at 14:06 the actor federated into the production account with the developer permission set (AssumeRoleWithSAML and a federated console sign-in from hosting address 193.29.107.84, another browser) and browsed CloudFormation (stacks, the brannock-genai-platform template and events), the guardrail and the invocation-logging configuration, while the developer's own work went on from the office. The developer permission set can deploy CloudFormation stacks and pass their service roles. At 21:14, with CLI credentials for the same role session name from 185.247.71.26 (aws-cli on Linux), the actor created change set guardrail-tuning-hotfix on brannock-genai-platform with the previous template, the stack's service role brannock-cfn-genai-platform-exec and new parameter values (prompt-attack, misconduct and insults filters NONE, violence LOW, no denied topics) and executed it; CloudFormation, with the stack role (invokedBy cloudformation.amazonaws.com), called UpdateGuardrail and CreateGuardrailVersion on the support guardrail and deleted the superseded version. The chatbot picked up the weakened version; the group that had tried jailbreaks through the public web chat from two hosting addresses at 20:30 (blocked) got them answered from 21:50 (refund-fraud and codeine-extraction instructions, insults about staff, investment advice, competitor comparisons, the colleague hand-over phrase and the system prompt), as the invocation logs show (guardrail trace with filterStrength NONE, no topic policy). At 00:38 on 21 January, with fresh CLI credentials from the same portal session, the actor created and executed a second change set (InvocationLoggingEnabled=false); the stack's invocation-logging custom resource Lambda (role brannock-cfn-invocation-logging-role) deleted the model invocation logging configuration in eu-west-1, and the group's abuse through the chat continued with no invocation logs (CloudTrail only) until the platform team's planned pipeline deploy of the stack (CHG-4416) at 14:05 re-applied the repository parameters, restoring the guardrail and the logging; later attempts were blocked. The pipeline's stack updates (CHG-4410 and CHG-4416, same CloudFormation role and custom resource), the other developer's image-pipeline stack update from a hotel, and the developer's own work are legitimate.",
    elements: ['access', 'ai-changes', 'invocation'],
    components: ['foundation-models', 'guardrails'],
    scope: { sourceIps: GROUP },
    extra: {
      coverageGaps: [
        {
          region: 'eu-west-1',
          source: 'bedrock-invocations',
          reason:
            'model invocation logging deleted through the stack custom resource at 00:39 on 21 January and only restored by the 14:05 pipeline deploy; prompts in between are not logged',
        },
      ],
    },
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const acct = w.account.id;
    const region = w.homeRegion;
    const g = w.res.guardrail;
    const cicd = actors.cicd;
    const chatbot = actors.chatbot;
    const stackRole = w.roles.cfnGenai;
    const appRole = w.roles.cfnApp;
    const crRole = w.roles.loggingCr;
    const stackId = `arn:aws:cloudformation:${region}:${acct}:stack/${STACK}/${rng.uuid()}`;
    const appStackId = `arn:aws:cloudformation:${region}:${acct}:stack/${APP_STACK}/${rng.uuid()}`;
    const crFn = {
      name: `${w.company.slug}-cfn-invocation-logging`,
      arn: `arn:aws:lambda:${region}:${acct}:function:${w.company.slug}-cfn-invocation-logging`,
      runtime: 'python3.12',
    };
    w.res.functions.loggingCr = crFn;

    // ---- permissions as they were -------------------------------------------------------------
    const devRole = w.sso.developer;
    devRole.inline.push({
      name: 'cloudformation-deploy',
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              'cloudformation:CreateChangeSet',
              'cloudformation:ExecuteChangeSet',
              'cloudformation:DeleteChangeSet',
              'cloudformation:UpdateStack',
              'cloudformation:Describe*',
              'cloudformation:Get*',
              'cloudformation:List*',
              'cloudformation:ValidateTemplate',
            ],
            Resource: `arn:aws:cloudformation:${region}:${acct}:stack/${w.company.slug}-*/*`,
          },
          {
            Effect: 'Allow',
            Action: 'iam:PassRole',
            Resource: `arn:aws:iam::${acct}:role/${w.company.slug}-cfn-*`,
            Condition: { StringEquals: { 'iam:PassedToService': 'cloudformation.amazonaws.com' } },
          },
        ],
      },
    });
    stackRole.attached.length = 0;
    stackRole.inline.push({
      name: 'genai-platform-resources',
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              'bedrock:CreateGuardrail',
              'bedrock:UpdateGuardrail',
              'bedrock:GetGuardrail',
              'bedrock:DeleteGuardrail',
              'bedrock:CreateGuardrailVersion',
              'bedrock:ListTagsForResource',
              'bedrock:TagResource',
            ],
            Resource: `arn:aws:bedrock:${region}:${acct}:guardrail/*`,
          },
          { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: crFn.arn },
        ],
      },
    });
    appRole.attached.length = 0;
    appRole.inline.push({
      name: 'app-stack-resources',
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['lambda:*', 's3:GetObject', 'events:*'],
            Resource: '*',
          },
          {
            Effect: 'Allow',
            Action: 'iam:PassRole',
            Resource: `arn:aws:iam::${acct}:role/${w.company.slug}-*`,
          },
        ],
      },
    });
    crRole.attached.length = 0;
    crRole.attached.push('arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole');
    crRole.inline.push({
      name: 'bedrock-invocation-logging',
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              'bedrock:GetModelInvocationLoggingConfiguration',
              'bedrock:PutModelInvocationLoggingConfiguration',
              'bedrock:DeleteModelInvocationLoggingConfiguration',
            ],
            Resource: '*',
          },
          {
            Effect: 'Allow',
            Action: 'iam:PassRole',
            Resource: `arn:aws:iam::${acct}:role/service-role/${w.company.slug}-bedrock-logging`,
          },
        ],
      },
    });

    // ---- the stack's parameters ----------------------------------------------------------------
    const repoParams = (extra = {}) => ({
      Environment: 'prod',
      GuardrailName: g.name,
      HateFilterStrength: 'HIGH',
      InsultsFilterStrength: 'HIGH',
      SexualFilterStrength: 'HIGH',
      ViolenceFilterStrength: 'MEDIUM',
      MisconductFilterStrength: 'MEDIUM',
      PromptAttackFilterStrength: 'HIGH',
      DeniedTopics: 'InvestmentAdvice,CompetitorComparisons,MedicalAdvice',
      PiiPhoneAction: 'NONE',
      InvocationLoggingEnabled: 'true',
      InvocationLogBucket: w.res.buckets.invocationLogs,
      InvocationLogCloudWatch: 'false',
      ...extra,
    });
    const paramList = (values, keepPrevious = []) =>
      PARAM_KEYS.map((k) =>
        keepPrevious.includes(k)
          ? { parameterKey: k, usePreviousValue: true }
          : { parameterKey: k, parameterValue: values[k] },
      );
    const changeSetArn = (name) => `arn:aws:cloudformation:${region}:${acct}:changeSet/${name}/${rng.uuid()}`;

    // CloudFormation with a stack's service role: AssumeRole by the service, then calls
    // made by the role session with invokedBy cloudformation.amazonaws.com.
    const cfnSession = (r, t, role) => {
      const key = r.iamId('ASIA');
      sim.call(
        r,
        t,
        sim.serviceSession('cloudformation.amazonaws.com'),
        C.assumeRole(r, role, 'AWSCloudFormation', key, t, { region }),
      );
      return sim.roleSession(role, 'AWSCloudFormation', {
        ip: 'cloudformation.amazonaws.com',
        userAgent: 'cloudformation.amazonaws.com',
        tls: null,
        invokedBy: 'cloudformation.amazonaws.com',
        accessKeyId: key,
        created: t,
        rng: r,
      });
    };
    // the stack updates the guardrail, publishes a version (GuardrailVersion replaced) and deletes the old one
    const stackGuardrailUpdate = (r, t, s, { key = false } = {}) => {
      const old = sim.guardrailAt(t).version;
      const next = String(Number(old) + 1);
      t += r.int(2, 6) * 1000;
      sim.call(r, t, s, C.bedrock('GetGuardrail', { guardrailIdentifier: g.id, guardrailVersion: 'DRAFT' }));
      t += r.int(1, 4) * 1000;
      sim.call(r, t, s, { ...C.updateGuardrail(g, t), key });
      t += r.int(3, 9) * 1000;
      sim.call(r, t, s, C.bedrock('GetGuardrail', { guardrailIdentifier: g.id, guardrailVersion: 'DRAFT' }));
      t += r.int(2, 8) * 1000;
      sim.call(r, t, s, { ...C.createGuardrailVersion(r, g, next), key });
      t += r.int(2, 6) * 1000;
      sim.call(r, t, s, C.bedrock('GetGuardrail', { guardrailIdentifier: g.id, guardrailVersion: next }));
      const applied = t;
      // cleanup phase: the replaced GuardrailVersion resource is deleted
      t += r.int(8, 25) * 1000;
      sim.call(
        r,
        t,
        s,
        C.bedrock('DeleteGuardrail', { guardrailIdentifier: g.id, guardrailVersion: old }, null, [g.id]),
      );
      return { t, applied, next };
    };
    // the custom resource Lambda: a cold start, then the logging configuration call
    const customResource = (r, t, op, config) => {
      const key = r.iamId('ASIA');
      sim.call(r, t, sim.serviceSession('lambda.amazonaws.com'), {
        ...C.assumeRole(r, crRole, crFn.name, key, t, { region }),
        tags: { scope: 'none' },
      });
      const s = sim.roleSession(crRole, crFn.name, {
        ip: r.pick(w.net.lambdaEgress),
        userAgent: w.userAgents.pythonLambda,
        accessKeyId: key,
        created: t,
        rng: r,
      });
      t += r.int(300, 900);
      sim.call(
        r,
        t,
        s,
        C.createLogStream(
          `/aws/lambda/${crFn.name}`,
          `${isoSec(t).slice(0, 10).replace(/-/g, '/')}/[$LATEST]${r.hex(32)}`,
        ),
      );
      t += r.int(400, 1500);
      sim.call(r, t, s, C.bedrock('GetModelInvocationLoggingConfiguration'));
      t += r.int(300, 1200);
      const rec =
        op === 'delete'
          ? sim.call(r, t, s, {
              ...C.bedrock('DeleteModelInvocationLoggingConfiguration', null, null, []),
              key: true,
            })
          : sim.call(r, t, s, C.bedrock('PutModelInvocationLoggingConfiguration', { loggingConfig: config }));
      return { t, rec };
    };

    // ---- the platform pipeline's stack deploys (decoys) ----------------------------------------
    const ciUa = UA.awsCli(rng.fork('ua-ci'), 'linux', { family: 'azure' });
    const pipelineStackDeploy = (t0, r, ticket, summary, params, after) => {
      const base = cicd.assume(t0, `${w.company.github}/platform-infra`, r);
      const s = base.with({ userAgent: ciUa });
      let t = t0 + r.int(4, 15) * 1000;
      const csName = `awscli-cloudformation-package-deploy-${Math.floor(t / 1000)}`;
      const csArn = changeSetArn(csName);
      sim.planChange({
        ticket,
        window: { start: isoSec(t0 - 30 * MIN), end: isoSec(t0 + 90 * MIN) },
        owner: `platform@${w.company.domain}`,
        summary,
      });
      let res;
      sim.tag({ decoy: true }, () => {
        sim.call(r, t, s, C.getCallerIdentity());
        t += r.int(2, 6) * 1000;
        sim.call(r, t, s, cfn('DescribeStacks', { stackName: STACK }));
        t += r.int(1, 4) * 1000;
        sim.call(
          r,
          t,
          s,
          cfn(
            'CreateChangeSet',
            {
              stackName: STACK,
              templateURL: `https://s3.${region}.amazonaws.com/${w.res.buckets.ciArtifacts}/genai-platform/${r.hex(32)}.template`,
              parameters: paramList(params),
              capabilities: ['CAPABILITY_IAM'],
              roleARN: stackRole.arn,
              changeSetName: csName,
              changeSetType: 'UPDATE',
              description: `Created by AWS CLI at ${isoSec(t)} UTC`,
            },
            { id: csArn, stackId },
            [STACK],
          ),
        );
        for (let i = 0; i < 2; i++) {
          t += r.int(5, 12) * 1000;
          sim.call(r, t, s, cfn('DescribeChangeSet', { changeSetName: csArn, stackName: STACK }));
        }
        t += r.int(1, 3) * 1000;
        sim.call(r, t, s, cfn('ExecuteChangeSet', { changeSetName: csArn, stackName: STACK }, null, [STACK]));
        const cs = cfnSession(r, t + r.int(2, 5) * 1000, stackRole);
        res = stackGuardrailUpdate(r, t + 6000, cs);
        if (after) res.t = after(r, res);
        for (let tt = t + 30000; tt < res.t + 30000; tt += 30000)
          sim.call(r, tt, s, cfn('DescribeStacks', { stackName: STACK }));
      });
      return res;
    };

    // CHG-4410 (day 1 morning): denied topic "Medical advice", insults filter to HIGH
    const r1 = pipelineStackDeploy(
      at('2026-01-20T09:41:18Z'),
      rng.fork('ci-1'),
      'CHG-4410',
      `Stack ${STACK} (platform-infra pipeline): guardrail ${g.name} adds denied topic "Medical advice" and raises the insults filter to HIGH; publishes a new guardrail version`,
      repoParams(),
    );
    sim.changeGuardrail(r1.applied + 1000, (cfg) => {
      cfg.version = r1.next;
      cfg.topics = [...cfg.topics, 'Medical advice'];
      cfg.filters.INSULTS = 'HIGH';
      return cfg;
    });
    const strong = structuredClone(sim.guardrailAt(r1.applied + 2000));

    // ---- another developer updates an application stack from a hotel (decoy) -------------------
    const victim = Decoys.findPerson(
      w,
      (p) => p.permissionSet === 'developer' && p.team === 'app' && !p.iamUser,
    );
    const traveller = Decoys.findPerson(
      w,
      (p) => p.permissionSet === 'developer' && p !== victim && !p.iamUser,
    );
    {
      const r = rng.fork('app-stack');
      const t0 = at('2026-01-20T13:26:40Z');
      traveller.travelDay = 0;
      const s = actors.staff.session(traveller, t0, traveller.travelIp, false);
      let t = t0;
      const csName = `resize-memory-${r.int(100, 999)}`;
      const csArn = changeSetArn(csName);
      const fn = w.res.functions.images;
      sim.tag({ decoy: true }, () => {
        sim.call(r, t, s, cfn('DescribeStacks', { stackName: APP_STACK }));
        t += r.int(20, 90) * 1000;
        sim.call(r, t, s, cfn('GetTemplateSummary', { stackName: APP_STACK }));
        t += r.int(60, 240) * 1000;
        sim.call(
          r,
          t,
          s,
          cfn(
            'CreateChangeSet',
            {
              stackName: APP_STACK,
              usePreviousTemplate: true,
              parameters: [
                { parameterKey: 'ResizerMemoryMb', parameterValue: '1024' },
                { parameterKey: 'ResizerTimeoutSeconds', usePreviousValue: true },
                { parameterKey: 'AssetsBucket', usePreviousValue: true },
              ],
              capabilities: ['CAPABILITY_IAM'],
              roleARN: appRole.arn,
              changeSetName: csName,
              changeSetType: 'UPDATE',
            },
            { id: csArn, stackId: appStackId },
            [APP_STACK],
          ),
        );
        t += r.int(15, 60) * 1000;
        sim.call(r, t, s, cfn('DescribeChangeSet', { changeSetName: csArn, stackName: APP_STACK }));
        t += r.int(20, 90) * 1000;
        sim.call(
          r,
          t,
          s,
          cfn('ExecuteChangeSet', { changeSetName: csArn, stackName: APP_STACK }, null, [APP_STACK]),
        );
        const cs = cfnSession(r, t + 3000, appRole);
        let tc = t + 6000;
        sim.call(r, tc, cs, C.lambdaRead('GetFunction20150331v2', fn));
        tc += r.int(1, 3) * 1000;
        sim.call(
          r,
          tc,
          cs,
          C.lambdaUpdateConfig(r, fn, w.roles.images.arn, tc, { ASSETS_BUCKET: 'x', LOG_LEVEL: 'x' }),
        );
        tc += r.int(3, 10) * 1000;
        sim.call(r, tc, cs, C.lambdaRead('GetFunction20150331v2', fn));
        for (let i = 0; i < 3; i++) {
          t += r.int(15, 40) * 1000;
          sim.call(r, t, s, cfn('DescribeStackEvents', { stackName: APP_STACK }));
        }
      });
    }

    // ---- the group on the public web chat -------------------------------------------------------
    const proxyTags = { malicious: true, scope: 'proxy' };
    const fake = makeCustomer(rng, w);
    const fill = (s, v) => s.replace(/\{(\w+)\}/g, (m, k) => v[k] ?? m);
    const probe = (ts, ip, conv, channel, key) => {
      let turn;
      if (rng.chance(0.25)) {
        const kind = rng.pick(['systemPrompt', 'code']);
        const p = Attacks.injectionPrompt(rng, w, rng.pick(['ignore-previous', 'dan-roleplay']), kind);
        const answer =
          kind === 'systemPrompt'
            ? Attacks.leakSystemPrompt(rng, w)
            : `${rng.pick(['Grand so.', 'No bother!', 'Sure.'])} Colleagues use ${w.escalationCode} to take over a chat.`;
        turn = { user: p.user, answer, signals: p.signals };
      } else {
        const p = rng.pick(BRANNOCK_POLICY_PROBES);
        const v = { company: w.company.name, product: rng.pick(w.catalog)[0], code: w.escalationCode };
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

    // ---- the phished sign-in and the console look-around (14:06) --------------------------------
    const provider = `arn:aws:iam::${acct}:saml-provider/${w.sso.provider}`;
    const onBehalfOf = {
      userId: victim.ssoUserId,
      identityStoreArn: `arn:aws:identitystore::${acct}:identitystore/${w.sso.identityStore}`,
    };
    const BROWSER = UA.browser(rng.fork('ua-actor-browser'));
    let t = at('2026-01-20T14:06:09Z');
    const consoleKey = rng.iamId('ASIA');
    const cons = sim.threat(
      sim.roleSession(devRole, victim.email, {
        ip: CONSOLE_IP,
        userAgent: BROWSER,
        accessKeyId: consoleKey,
        created: t,
        console: true,
        onBehalfOf,
        rng,
      }),
    );
    const samlUser = {
      type: 'SAMLUser',
      principalId: `${rng.base62(28)}=:${victim.email}`,
      userName: victim.email,
      identityProvider: provider,
    };
    sim.call(rng, t, cons.with({ identity: samlUser, console: false }), {
      ...C.assumeRoleWithSAML(rng, devRole, provider, consoleKey, t, { subject: victim.email }),
      key: true,
    });
    t += rng.int(2, 5) * 1000;
    sim.call(rng, t, cons.with({ console: false }), {
      ...C.consoleLogin({ federated: true }),
      tls: 'tls13',
      key: true,
    });
    const consStep = (call, isKey = false, a = 8, b = 75) => {
      t += rng.int(a, b) * 1000;
      return sim.call(rng, t, cons, { ...call, key: isKey });
    };
    consStep(
      cfn('ListStacks', {
        stackStatusFilter: ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'],
      }),
    );
    consStep(cfn('DescribeStacks', { stackName: STACK }));
    consStep(cfn('GetTemplate', { stackName: STACK, templateStage: 'Original' }), true);
    consStep(cfn('DescribeStackResources', { stackName: STACK }));
    consStep(cfn('DescribeStackEvents', { stackName: STACK }));
    consStep(C.iamGet('GetRole', { roleName: stackRole.name }));
    consStep(C.bedrock('ListGuardrails', { maxResults: 50 }));
    consStep(C.bedrock('GetGuardrail', { guardrailIdentifier: g.id }), true);
    consStep(C.bedrock('GetModelInvocationLoggingConfiguration'), true);
    consStep(cfn('DescribeStacks', { stackName: APP_STACK }));
    consStep(cfn('ListChangeSets', { stackName: STACK }));

    // ---- the group's first attempts: blocked (20:31) --------------------------------------------
    let ts = at('2026-01-20T20:31:40Z');
    let conv = rng.uuid();
    for (let i = 0; i < 8; i++) {
      ts += rng.int(40, 380) * 1000;
      if (i === 4) conv = rng.uuid();
      probe(ts, GROUP[i < 4 ? 0 : 1], conv, 'web', i < 3);
    }

    // ---- change set 1 from the CLI: weaker guardrail (21:14) ------------------------------------
    const CLI_UA = UA.awsCli(rng.fork('ua-actor-cli'), 'linux', { family: 'debian' });
    const cliKey = rng.iamId('ASIA');
    const cliCreated = at('2026-01-20T21:13:30Z');
    const cli = sim.threat(
      sim.roleSession(devRole, victim.email, {
        ip: CLI_IP,
        userAgent: CLI_UA,
        accessKeyId: cliKey,
        created: cliCreated,
        onBehalfOf,
        tls: 'tls12',
        rng,
      }),
    );
    t = at('2026-01-20T21:14:02Z');
    const step = (call, isKey = false, a = 2, b = 20) => {
      t += rng.int(a, b) * 1000;
      return sim.call(rng, t, cli, { ...call, key: isKey });
    };
    step(C.getCallerIdentity(), true, 0, 1);
    step(cfn('DescribeStacks', { stackName: STACK }));
    step(cfn('GetTemplate', { stackName: STACK }));
    step(C.bedrock('GetGuardrail', { guardrailIdentifier: g.id }));
    const weak = {
      ...repoParams(),
      InsultsFilterStrength: 'NONE',
      ViolenceFilterStrength: 'LOW',
      MisconductFilterStrength: 'NONE',
      PromptAttackFilterStrength: 'NONE',
      DeniedTopics: 'none',
    };
    const cs1 = 'guardrail-tuning-hotfix';
    const cs1Arn = changeSetArn(cs1);
    step(
      cfn(
        'CreateChangeSet',
        {
          stackName: STACK,
          usePreviousTemplate: true,
          parameters: paramList(weak, [
            'Environment',
            'GuardrailName',
            'HateFilterStrength',
            'SexualFilterStrength',
            'PiiPhoneAction',
            'InvocationLoggingEnabled',
            'InvocationLogBucket',
            'InvocationLogCloudWatch',
          ]),
          capabilities: ['CAPABILITY_IAM'],
          roleARN: stackRole.arn,
          changeSetName: cs1,
          changeSetType: 'UPDATE',
        },
        { id: cs1Arn, stackId },
        [STACK],
      ),
      true,
      30,
      90,
    );
    step(cfn('DescribeChangeSet', { changeSetName: cs1, stackName: STACK }), false, 8, 20);
    step(cfn('ExecuteChangeSet', { changeSetName: cs1, stackName: STACK }, null, [STACK]), true, 10, 40);
    const exec1 = t;
    let changed;
    sim.tag({ malicious: true, scope: 'none' }, () => {
      const cs = cfnSession(rng, exec1 + rng.int(2, 5) * 1000, stackRole);
      sim.tag({ scope: 'proxy' }, () => {
        changed = stackGuardrailUpdate(rng, exec1 + 6000, cs, { key: true });
      });
    });
    sim.changeGuardrail(changed.applied + 1000, (cfg) => {
      cfg.version = changed.next;
      cfg.filters.PROMPT_ATTACK = 'NONE';
      cfg.filters.MISCONDUCT = 'NONE';
      cfg.filters.INSULTS = 'NONE';
      cfg.filters.VIOLENCE = 'LOW';
      cfg.topics = [];
      return cfg;
    });
    for (let i = 0; i < 4; i++) step(cfn('DescribeStackEvents', { stackName: STACK }), false, 15, 35);
    step(cfn('DescribeStacks', { stackName: STACK }));
    step(C.bedrock('GetGuardrail', { guardrailIdentifier: g.id, guardrailVersion: changed.next }));

    // ---- the group's jailbreaks now pass (21:50 - 23:40, logged) --------------------------------
    ts = at('2026-01-20T21:49:30Z');
    conv = rng.uuid();
    for (let i = 0; i < 22; i++) {
      ts += rng.int(60, 420) * 1000;
      if (i % 6 === 5) conv = rng.uuid();
      if (i === 9 || i === 17) probe(ts, null, rng.uuid(), 'mobile', false);
      else probe(ts, GROUP[(i >> 2) % 2], conv, 'web', i < 7);
    }

    // ---- change set 2: invocation logging off (00:38 on 21 January) -----------------------------
    const cli2Key = rng.iamId('ASIA');
    const cli2 = cli.with({
      accessKeyId: cli2Key,
      identity: {
        ...cli.identity,
        accessKeyId: cli2Key,
        sessionContext: {
          ...cli.identity.sessionContext,
          attributes: { ...cli.identity.sessionContext.attributes, creationDate: '2026-01-21T00:36:51Z' },
        },
      },
    });
    t = at('2026-01-21T00:38:14Z');
    const step2 = (call, isKey = false, a = 2, b = 20) => {
      t += rng.int(a, b) * 1000;
      return sim.call(rng, t, cli2, { ...call, key: isKey });
    };
    step2(C.getCallerIdentity(), false, 0, 1);
    step2(C.bedrock('GetModelInvocationLoggingConfiguration'), true);
    const cs2 = 'logging-cost-reduction';
    const cs2Arn = changeSetArn(cs2);
    step2(
      cfn(
        'CreateChangeSet',
        {
          stackName: STACK,
          usePreviousTemplate: true,
          parameters: paramList(
            { InvocationLoggingEnabled: 'false' },
            PARAM_KEYS.filter((k) => k !== 'InvocationLoggingEnabled'),
          ),
          capabilities: ['CAPABILITY_IAM'],
          roleARN: stackRole.arn,
          changeSetName: cs2,
          changeSetType: 'UPDATE',
        },
        { id: cs2Arn, stackId },
        [STACK],
      ),
      true,
      20,
      60,
    );
    step2(cfn('DescribeChangeSet', { changeSetName: cs2, stackName: STACK }), false, 6, 15);
    step2(cfn('ExecuteChangeSet', { changeSetName: cs2, stackName: STACK }, null, [STACK]), true, 8, 25);
    const exec2 = t;
    let off;
    sim.tag({ malicious: true, scope: 'none' }, () => {
      const _cs = cfnSession(rng, exec2 + rng.int(2, 5) * 1000, stackRole);
      // the custom resource's Update: CloudFormation invokes the Lambda (lambda:Invoke is a data
      // event the trail does not record); the function changes the logging configuration
      sim.tag({ scope: 'proxy' }, () => {
        off = customResource(rng, exec2 + rng.int(9, 14) * 1000, 'delete');
      });
    });
    sim.setLogging(acct, region, off.t, false);
    for (let i = 0; i < 3; i++) step2(cfn('DescribeStackEvents', { stackName: STACK }), false, 10, 30);
    step2(C.bedrock('GetModelInvocationLoggingConfiguration'));

    // ---- the abuse goes on, unlogged (01:00 - 06:30) --------------------------------------------
    ts = at('2026-01-21T01:02:00Z');
    conv = rng.uuid();
    for (let i = 0; i < 28; i++) {
      ts += rng.int(240, 900) * 1000;
      if (i % 5 === 4) conv = rng.uuid();
      probe(ts, GROUP[(i >> 3) % 2], conv, i % 9 === 8 ? 'mobile' : 'web', false);
    }

    // ---- CHG-4416 (day 2, 14:05): the pipeline re-applies the repository parameters -------------
    const r2 = pipelineStackDeploy(
      at('2026-01-21T14:05:31Z'),
      rng.fork('ci-2'),
      'CHG-4416',
      `Stack ${STACK} (platform-infra pipeline): invocation logging adds CloudWatch Logs delivery through the custom resource; guardrail ${g.name} masks phone numbers in answers; new guardrail version`,
      repoParams({ PiiPhoneAction: 'ANONYMIZE', InvocationLogCloudWatch: 'true' }),
      (r, res) => {
        const put = customResource(r, res.t + r.int(3, 8) * 1000, 'put', {
          s3Config: { bucketName: w.res.buckets.invocationLogs, keyPrefix: '' },
          cloudWatchConfig: {
            logGroupName: `/${w.company.slug}/bedrock/invocations`,
            roleArn: `arn:aws:iam::${acct}:role/service-role/${w.company.slug}-bedrock-logging`,
            largeDataDeliveryS3Config: { bucketName: w.res.buckets.invocationLogs, keyPrefix: 'large/' },
          },
          textDataDeliveryEnabled: true,
          imageDataDeliveryEnabled: false,
          embeddingDataDeliveryEnabled: false,
        });
        sim.setLogging(acct, region, put.t, true);
        return put.t;
      },
    );
    sim.changeGuardrail(r2.applied + 1000, () => {
      const cfg = structuredClone(strong);
      cfg.version = r2.next;
      cfg.pii = { ...cfg.pii, PHONE: 'ANONYMIZED' };
      return cfg;
    });

    // ---- the group comes back: blocked again (15:40) --------------------------------------------
    ts = at('2026-01-21T15:40:10Z');
    conv = rng.uuid();
    for (let i = 0; i < 4; i++) {
      ts += rng.int(50, 300) * 1000;
      probe(ts, GROUP[1], conv, 'web', false);
    }

    // ---- GuardDuty ------------------------------------------------------------------------------
    sim.tag({ malicious: true, key: true, scope: 'none' }, () => {
      const f1 = at('2026-01-20T21:31:52Z');
      sim.finding(
        f1,
        finding(rng, w, {
          t: f1,
          type: 'Persistence:IAMUser/AnomalousBehavior',
          severity: 5,
          accessKey: {
            accessKeyId: cliKey,
            principalId: cli.identity.principalId,
            userType: 'AssumedRole',
            userName: devRole.name,
          },
          title: `Unusual changes with persistence tactics were made by role ${devRole.name}.`,
          description:
            'APIs commonly used in persistence tactics were invoked by an IAM entity in an anomalous way.',
          api: 'ExecuteChangeSet',
          serviceName: 'cloudformation.amazonaws.com',
          remoteIp: {
            ip: CLI_IP,
            country: 'Netherlands',
            city: 'Amsterdam',
            asn: 49981,
            asnOrg: 'WorldStream B.V.',
            isp: 'WorldStream',
            org: 'WorldStream B.V.',
          },
          firstSeen: at('2026-01-20T21:15:40Z'),
          lastSeen: exec1,
          count: 2,
        }),
      );
    });
  },
});
