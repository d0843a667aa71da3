// Dev-to-prod pivot and LLMjacking. Brannock Trail Supply's ML team evaluates prompts against
// production models from its development account: the production role bedrock-eval-cross-account
// trusts the whole dev account (no condition) and carries Bedrock full access. The dev IAM user
// svc-ml-eval (long-term key, used by the team's SageMaker notebooks and nightly evaluation job)
// may assume it. The key ends up in a public container image (a notebook image with the
// credentials file baked in). From a VPS the actor checks the key in the dev account, reads the
// user's own policies (which name the production role), fails to assume the organisation's admin
// role, then assumes the production role (role chaining across accounts) and surveys Bedrock in
// four Regions, probes models with malformed bodies and enables two models the company never
// subscribed to. From the evening on, a resale proxy on two more addresses keeps re-assuming the
// role with the dev key every hour and sends a high volume of role-play and bulk-writing requests
// to expensive models in us-east-1, us-west-2 and eu-central-1 (no invocation logging there) and,
// less often, in eu-west-1 (logged).
// Decoys: the same production role assumed from the dev account by ML engineers (from the office,
// home or a VPN; some with the CLI's default botocore-session names), by the nightly evaluation
// workflow (GitHub Actions in dev) and by the notebooks with the same dev key from the dev VPC;
// engineers evaluating the same newer model in eu-west-1; an administrator enabling a model.

import {
  addAccessKey,
  C,
  clientProfile,
  crossAccountSession,
  DAY,
  Decoys,
  defineScenario,
  finding,
  HOUR,
  iamRole,
  iamUser,
  ipIn,
  MIN,
  makeCustomer,
  Playbooks,
  POOLS,
  Prompts,
  Session,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import { BRANNOCK, BRANNOCK_DEV } from './_worlds-f.mjs';

const VPS = '103.151.144.36'; // first use of the leaked key (hosting)
const PROXIES = ['5.188.231.74', '5.188.231.90']; // the resale proxy
const MODELS = {
  sonnet37: 'anthropic.claude-3-7-sonnet-20250219-v1:0',
  sonnet37us: 'us.anthropic.claude-3-7-sonnet-20250219-v1:0',
  sonnet37eu: 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0',
  opus: 'anthropic.claude-3-opus-20240229-v1:0',
  sonnet35v2: 'anthropic.claude-3-5-sonnet-20241022-v2:0',
};

// IAM reads the generator's API catalogue lacks: the facts CloudTrail records about them.
const iamRead = (name, params) => ({
  api: `iam:${name}`,
  entry: {
    key: `iam:${name}`,
    service: 'iam',
    source: 'iam.amazonaws.com',
    name,
    readOnly: true,
    data: false,
    ver: '1.08',
    global: true,
    host: () => 'iam.amazonaws.com',
    iamAction: `iam:${name}`,
  },
  params,
});

export default defineScenario({
  name: 'dev-to-prod-pivot',
  seed: 'heldout-f/dev-to-prod-pivot/v1',
  start: '2026-02-03T00:00:00Z',
  days: 2,
  world: BRANNOCK,
  shapes: { jsonl: 0.03 },
  background: {
    intensity: 0.95,
    chatbot: { conversationsPerHour: 50 },
    agent: { sessionsPerHour: 4 },
    ops: { events: ['onboard'], random: 1 },
  },
  alert:
    'The AWS Budgets alarm of the production account (318846207519) fired on 4 February: Bedrock charges of several thousand dollars since the evening of 3 February, most of them in us-east-1 and us-west-2, Regions we do not use. GuardDuty also reports anomalous model invocations by the role bedrock-eval-cross-account, which the ML team uses from the dev account (607215938842).',
  truth: {
    description:
      "The long-term access key of IAM user svc-ml-eval in the dev account 607215938842 (the ML team's evaluation user, allowed to assume the production role bedrock-eval-cross-account, which trusts the whole dev account without conditions and has Bedrock full access) leaked in a public notebook container image. On 3 February at 17:04 the actor used it from a VPS: GetCallerIdentity in dev, the user's own IAM details and inline policy (naming the production role), denied ListRoles and ListBuckets, a denied AssumeRole of OrganizationAccountAccessRole in production, then AssumeRole of bedrock-eval-cross-account (role chaining into 318846207519, session botocore-session-*). In production it read its own role, surveyed Bedrock in eu-west-1, us-east-1, us-west-2 and eu-central-1 (models, invocation-logging configuration, model availability, malformed InvokeModel probes), submitted the model-access use-case form and created agreements for Claude 3.7 Sonnet (us-east-1) and Claude 3 Opus (us-west-2). From 19:20 a resale proxy on two more addresses re-assumed the role with the dev key about every hour (AssumeRole recorded in both accounts, sessions aws-sdk-js-*) and sent thousands of large role-play and bulk-writing requests (InvokeModel, InvokeModelWithResponseStream, ConverseStream) to Claude 3.7 Sonnet, Claude 3 Opus and Claude 3.5 Sonnet v2 in us-east-1, us-west-2 and eu-central-1, where invocation logging is off (CloudTrail only), and some to Claude 3.7 Sonnet in eu-west-1 (logged), until the end of the window. Impact: cost; no customer data or application change. The same role assumed from the dev account by ML engineers, by the nightly GitHub Actions evaluation, by the notebooks with the same key from the dev VPC, the engineers' evaluation of Claude 3.7 Sonnet in eu-west-1 and the administrator's model enablement are legitimate.",
    elements: ['access', 'ai-changes', 'invocation'],
    components: ['foundation-models'],
    extra: {
      coverageGaps: ['us-east-1', 'us-west-2', 'eu-central-1'].map((region) => ({
        region,
        source: 'bedrock-invocations',
        reason:
          'model invocation logging is not configured in this Region; the actor invoked models there (CloudTrail only, no prompts)',
      })),
    },
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const PROD = w.account.id;
    const DEV = BRANNOCK_DEV.account;
    const region = w.homeRegion;
    const role = w.roles.evalCross;
    const start = sim.start;
    const end = sim.end;
    const dr = rng.fork('dev-world');

    // ---- the production role as it was ----------------------------------------------------------
    role.attached.push('arn:aws:iam::aws:policy/AmazonBedrockFullAccess');
    role.maxSession = 3600;

    // ---- the dev account: principals and resources ----------------------------------------------
    const ssoPath = '/aws-reserved/sso.amazonaws.com/eu-west-1/';
    const devSso = {
      developer: iamRole(dr, DEV, `AWSReservedSSO_DeveloperAccess_${dr.hex(16)}`, {
        path: ssoPath,
        maxSession: 43200,
      }),
      datasci: iamRole(dr, DEV, `AWSReservedSSO_DataScientist_${dr.hex(16)}`, {
        path: ssoPath,
        maxSession: 43200,
      }),
      admin: iamRole(dr, DEV, `AWSReservedSSO_AdministratorAccess_${dr.hex(16)}`, {
        path: ssoPath,
        maxSession: 43200,
      }),
    };
    const devProvider = `arn:aws:iam::${DEV}:saml-provider/AWSSSO_${dr.hex(16)}_DO_NOT_DELETE`;
    const devDeploy = iamRole(dr, DEV, 'github-actions-deploy', {});
    const evalCi = iamRole(dr, DEV, 'gha-model-evals', {});
    const devConfig = iamRole(dr, DEV, 'AWSServiceRoleForConfig', {
      path: '/aws-service-role/config.amazonaws.com/',
    });
    const evalUser = iamUser(dr, DEV, 'svc-ml-eval', {
      created: at('2025-03-18T10:41:07Z'),
      tags: [{ Key: 'purpose', Value: 'ML team evaluation notebooks and nightly evals' }],
    });
    const leakedKey = addAccessKey(dr, evalUser, at('2025-07-02T14:20:55Z')).id;
    const devFns = ['chatbot-api', 'orders-actions', 'eval-runner', 'kb-sync', 'image-resizer'].map((n) => ({
      name: `brannock-dev-${n}`,
      arn: `arn:aws:lambda:${region}:${DEV}:function:brannock-dev-${n}`,
      runtime: n === 'chatbot-api' || n === 'image-resizer' ? 'nodejs20.x' : 'python3.12',
    }));
    const devBuckets = ['brannock-dev-sandbox', 'brannock-dev-ml-scratch', 'brannock-dev-kb-docs'];
    const devTables = ['brannock-dev-orders', 'brannock-dev-chat-sessions'];
    const identityStoreArn = `arn:aws:identitystore::${PROD}:identitystore/${w.sso.identityStore}`;
    const devPermission = (p) =>
      p.team === 'ml'
        ? devSso.datasci
        : p.team === 'platform'
          ? devSso.admin
          : p.team === 'app'
            ? devSso.developer
            : null;
    const engineers = w.people.filter((p) => devPermission(p));

    // ---- helpers --------------------------------------------------------------------------------
    // AssumeRole of the production role from the dev account: CloudTrail records it in the
    // caller's account (full identity) and in the role's account (the caller as AWSAccount),
    // with the same requestID and sharedEventID.
    const crossAssume = (
      r,
      t,
      caller,
      callerPrincipalId,
      sessionName,
      { threat = false, key = false, target = role, error } = {},
    ) => {
      const newKey = r.iamId('ASIA');
      const call = C.assumeRole(r, target, sessionName, newKey, t, { region });
      const requestId = r.uuid();
      sim.call(r, t, caller, {
        ...call,
        requestId,
        key,
        error,
        ...(error ? { sharedEventID: undefined } : {}),
      });
      if (!error) {
        let callee = crossAccountSession({
          callerAccountId: DEV,
          principalId: callerPrincipalId,
          recipientAccountId: PROD,
          ip: caller.ip,
          userAgent: caller.userAgent,
          region,
          tls: caller.tls ?? 'tls13',
        });
        if (threat) callee = sim.threat(callee);
        sim.call(r, t, callee, { ...call, requestId, key });
      }
      return newKey;
    };
    const prodSession = (r, sessionName, key, t, ip, userAgent, tls = 'tls13') =>
      sim.roleSession(role, sessionName, { ip, userAgent, accessKeyId: key, created: t, tls, rng: r });
    const evalPrompt = (r) => {
      const customer = makeCustomer(r, w);
      const turn = Prompts.customerTurn(r, w, customer);
      return { user: turn.user, answer: turn.answer };
    };
    // one evaluation batch in production through the role (benign)
    const evalBatch = (r, s, t, n, { models = [w.models.chat, w.models.converse], extra = [] } = {}) => {
      for (let i = 0; i < n; i++) {
        t += r.int(2, 25) * 1000;
        const model = r.pick([...models, ...extra]);
        const p = evalPrompt(r);
        const profile = /^(eu|us|apac)\./.test(model);
        sim.runtime(r, t, s, {
          op: profile ? 'Converse' : 'InvokeModel',
          modelId: model,
          inferenceRegion: profile ? r.pick(w.models.converseRegions) : undefined,
          system: w.systemPrompt,
          prompt: p.user,
          answer: p.answer,
          maxTokens: r.pick([512, 800, 1024]),
          temperature: r.pick([0, 0, 0.2]),
          requestMetadata: { suite: 'support-answer-quality', run: s.identity.arn.split('/').pop() },
        });
      }
      return t;
    };

    // ---- dev account background: AWS Config ----------------------------------------------------
    {
      const r = rng.fork('dev-config');
      const cfg = sim.roleSession(devConfig, 'AWSConfig-Describe', {
        ip: 'config.amazonaws.com',
        userAgent: 'config.amazonaws.com',
        tls: null,
        invokedBy: 'config.amazonaws.com',
        rng: r,
      });
      const reads = () => [
        C.ec2Describe('DescribeInstances'),
        C.ec2Describe('DescribeSecurityGroups'),
        C.ec2Describe('DescribeNetworkInterfaces'),
        C.lambdaRead('GetFunction20150331v2', r.pick(devFns)),
        C.lambdaRead('GetPolicy20150331v2', r.pick(devFns)),
        C.iamGet('GetRole', { roleName: r.pick([devDeploy.name, evalCi.name]) }),
        C.iamGet('GetUser', { userName: evalUser.name }),
        C.iamGet('ListAttachedUserPolicies', { userName: evalUser.name }),
        C.s3Bucket(r, 'GetBucketPolicy', r.pick(devBuckets), { accountId: DEV, region }),
        C.s3Bucket(r, 'GetBucketEncryption', r.pick(devBuckets), { accountId: DEV, region }),
        C.call('dynamodb:DescribeTable', { tableName: r.pick(devTables) }),
      ];
      for (let t = start + r.int(1, 300) * 1000; t < end; t += Math.round(r.exp(2.2 * MIN))) {
        sim.call(r, t, cfg, r.pick(reads()));
      }
    }

    // ---- dev account background: engineers ------------------------------------------------------
    const devCalls = (r, p, t) => {
      const fn = r.pick(devFns);
      const base = [
        C.lambdaRead('ListFunctions20150331'),
        C.lambdaRead('GetFunction20150331v2', fn),
        C.lambdaRead('GetFunctionConfiguration20150331v2', fn),
        C.call('logs:DescribeLogGroups', { logGroupNamePrefix: `/aws/lambda/${fn.name}` }),
        C.call('logs:FilterLogEvents', { logGroupName: `/aws/lambda/${fn.name}`, limit: 100 }),
        C.s3ListBuckets(r, { region }),
        C.s3Bucket(r, 'GetBucketLocation', r.pick(devBuckets), { accountId: DEV, region }),
        C.ec2Describe('DescribeInstances'),
        C.call('dynamodb:DescribeTable', { tableName: r.pick(devTables) }),
        C.call('ssm:GetParameter', {
          name: `/brannock/dev/${r.pick(['chatbot/model-id', 'feature-flags', 'chatbot/guardrail-id'])}`,
          withDecryption: true,
        }),
        C.call('cloudwatch:GetMetricData', { startTime: '', endTime: '' }),
        C.bedrock('ListFoundationModels', r.chance(0.5) ? { byOutputModality: 'TEXT' } : null),
      ];
      if (p.team === 'app')
        base.push(C.lambdaUpdateCode(r, fn, `arn:aws:iam::${DEV}:role/${fn.name}-role`, t));
      if (p.team === 'ml')
        base.push(
          C.bedrock('GetFoundationModel', { modelIdentifier: r.pick([MODELS.sonnet37, w.models.chat]) }),
        );
      if (p.team === 'platform')
        base.push(C.iamGet('ListRoles', { maxItems: 200 }), C.ec2Describe('DescribeSecurityGroups'));
      return base;
    };
    const devSessions = new Map(); // username -> { console, cli, expires }
    const devSession = (r, p, t, ip, cli) => {
      let s = devSessions.get(p.username);
      if (!s || t > s.expires) {
        const dRole = devPermission(p);
        const onBehalfOf = { userId: p.ssoUserId, identityStoreArn };
        const ck = r.iamId('ASIA');
        s = {
          console: sim.roleSession(dRole, p.email, {
            ip,
            userAgent: p.browser,
            accessKeyId: ck,
            created: t,
            console: true,
            onBehalfOf,
            rng: r,
          }),
          cli: sim.roleSession(dRole, p.email, {
            ip,
            userAgent: p.cli,
            accessKeyId: r.iamId('ASIA'),
            created: t,
            onBehalfOf,
            rng: r,
          }),
          expires: t + 8 * HOUR,
          role: dRole,
        };
        devSessions.set(p.username, s);
        // console sign-in through the SSO portal
        const samlUser = {
          type: 'SAMLUser',
          principalId: `${r.base62(28)}=:${p.email}`,
          userName: p.email,
          identityProvider: devProvider,
        };
        sim.call(
          r,
          t,
          s.console.with({ identity: samlUser, console: false }),
          C.assumeRoleWithSAML(r, dRole, devProvider, ck, t, { subject: p.email }),
        );
        sim.call(r, t + r.int(1, 4) * 1000, s.console.with({ console: false }), {
          ...C.consoleLogin({ federated: true }),
          tls: 'tls13',
        });
      }
      const b = cli ? s.cli : s.console;
      return b.ip === ip ? b : b.with({ ip });
    };
    const workIp = (r, p, t) => {
      const local = Math.floor((t - start) / DAY);
      if (p.travelDay === local) return p.travelIp;
      if (p.commercialVpn && r.chance(0.15)) return p.commercialVpn;
      return r.chance(0.35) ? r.pick(p.home) : r.pick(w.net.office);
    };
    for (let day = 0; day < 2; day++) {
      const r = rng.fork(`dev-staff-${day}`);
      for (const p of engineers) {
        if (!r.chance(p.team === 'ml' ? 0.85 : 0.6)) continue;
        const dayStart = start + day * DAY;
        let t = dayStart + (p.startHour + r.range(0.2, 2.5)) * HOUR;
        const endT = dayStart + (p.startHour + p.hours) * HOUR;
        const ip = workIp(r, p, t);
        const n = r.int(6, 22);
        for (let i = 0; i < n && t < endT; i++) {
          const cli = r.chance(0.55);
          const s = devSession(r, p, t, ip, cli);
          const burst = r.int(1, 5);
          for (let j = 0; j < burst; j++) {
            const call = r.pick(devCalls(r, p, t));
            sim.call(r, t, s, call);
            t += r.int(3, 60) * 1000;
          }
          if (p.team === 'ml' && r.chance(0.25)) {
            const q = evalPrompt(r);
            sim.runtime(r, t, s, {
              op: 'Converse',
              modelId: w.models.converse,
              inferenceRegion: r.pick(w.models.converseRegions),
              prompt: q.user,
              answer: q.answer,
              maxTokens: 800,
            });
          }
          t += r.int(8, 50) * MIN;
        }
      }
    }

    // ---- dev account background: CI deploys ------------------------------------------------------
    const runnerIp = (r) => ipIn(r, r.pick(POOLS.githubRunners));
    const oidc = (r, t, roleObj, repo, ref = 'refs/heads/main') => {
      const providerArn = `arn:aws:iam::${DEV}:oidc-provider/token.actions.githubusercontent.com`;
      const sub = `repo:${repo}:ref:${ref}`;
      const ip = runnerIp(r);
      const key = r.iamId('ASIA');
      const web = new Session({
        identity: {
          type: 'WebIdentityUser',
          principalId: `${providerArn}:sts.amazonaws.com:${sub}`,
          userName: sub,
          identityProvider: providerArn,
        },
        accountId: DEV,
        ip,
        userAgent: w.userAgents.oidc,
        region,
      });
      sim.call(
        r,
        t,
        web,
        C.assumeRoleWithWebIdentity(r, roleObj, 'GitHubActions', key, t, {
          provider: 'token.actions.githubusercontent.com',
          subject: sub,
          region,
        }),
      );
      return sim.roleSession(roleObj, 'GitHubActions', {
        ip,
        userAgent: w.userAgents.terraform,
        accessKeyId: key,
        created: t,
        webIdFederationData: { federatedProvider: providerArn, attributes: {} },
        rng: r,
      });
    };
    {
      const r = rng.fork('dev-ci');
      for (let day = 0; day < 2; day++) {
        for (let i = 0, n = r.int(4, 8); i < n; i++) {
          const t0 = start + day * DAY + r.range(8.5, 18.5) * HOUR;
          const s = oidc(
            r,
            t0,
            devDeploy,
            `${w.company.github}/${r.pick(['support-chatbot', 'order-agent', 'platform-infra'])}`,
          );
          let t = t0 + r.int(3, 15) * 1000;
          sim.call(r, t, s, C.getCallerIdentity());
          for (let j = 0, m = r.int(15, 40); j < m; j++) {
            t += r.int(100, 900);
            const fn = r.pick(devFns);
            sim.call(
              r,
              t,
              s,
              r.pick([
                C.lambdaRead('GetFunction20150331v2', fn),
                C.lambdaRead('ListVersionsByFunction20150331', fn),
                C.iamGet('GetRole', { roleName: `${fn.name}-role` }),
                C.s3Bucket(r, 'GetBucketPolicy', r.pick(devBuckets), { accountId: DEV, region }),
                C.call('dynamodb:DescribeTable', { tableName: r.pick(devTables) }),
              ]),
            );
          }
          const fn = r.pick(devFns);
          t += r.int(20, 80) * 1000;
          sim.call(
            r,
            t,
            s,
            C.lambdaUpdateCode(r, fn, `arn:aws:iam::${DEV}:role/${fn.name}-role`, t, {
              s3Bucket: 'brannock-dev-ci-artifacts',
              s3Key: `${fn.name}/${r.hex(40)}.zip`,
            }),
          );
          t += r.int(5, 25) * 1000;
          sim.call(
            r,
            t,
            s,
            C.lambdaPublishVersion(r, fn, `arn:aws:iam::${DEV}:role/${fn.name}-role`, t, r.int(100, 400)),
          );
        }
      }
    }

    // ---- decoys: the production role used as intended -------------------------------------------
    const ml = engineers.filter((p) => p.team === 'ml');
    const otherEng = engineers.filter((p) => p.team !== 'ml');
    // engineers from their dev CLI sessions (office, home, VPN); some use the CLI default session name
    const engineerEval = (r, p, t, { away, newModel = false, otherRegion } = {}) => {
      const ip =
        away === 'vpn'
          ? (p.commercialVpn ?? r.pick(w.net.commercialVpn))
          : away === 'home'
            ? r.pick(p.home)
            : r.pick(w.net.office);
      const ds = devSession(r, p, t - r.int(5, 40) * MIN, ip, true);
      const s0 = ds.ip === ip ? ds : ds.with({ ip });
      const defaultName = r.chance(0.5);
      const name = defaultName ? `botocore-session-${Math.floor(t / 1000)}` : p.username;
      sim.tag({ decoy: true }, () => {
        sim.call(r, t - r.int(2, 10) * 1000, s0, C.getCallerIdentity());
        const k = crossAssume(r, t, s0, `${s0.principal.id}:${p.email}`, name);
        const s = prodSession(r, name, k, t, ip, p.cli);
        let ts = t + r.int(2, 8) * 1000;
        sim.call(r, ts, s, C.getCallerIdentity());
        ts += r.int(3, 30) * 1000;
        sim.call(r, ts, s, C.bedrock('ListFoundationModels', { byProvider: 'Anthropic' }));
        if (otherRegion) {
          ts += r.int(5, 40) * 1000;
          sim.call(
            r,
            ts,
            s.with({ region: otherRegion }),
            C.bedrock('GetFoundationModelAvailability', { modelId: MODELS.sonnet37 }),
          );
          ts += r.int(3, 20) * 1000;
          sim.call(
            r,
            ts,
            s.with({ region: otherRegion }),
            C.bedrock('ListInferenceProfiles', { typeEquals: 'SYSTEM_DEFINED' }),
          );
        }
        evalBatch(r, s, ts, r.int(6, 30), { extra: newModel ? [MODELS.sonnet37eu, MODELS.sonnet37eu] : [] });
      });
    };
    {
      const r = rng.fork('decoy-engineers');
      engineerEval(r, ml[0], at('2026-02-03T10:12:40Z'), { newModel: true });
      engineerEval(r, ml[1 % ml.length], at('2026-02-03T11:47:05Z'), { away: 'home' });
      engineerEval(r, otherEng[0], at('2026-02-03T15:20:31Z'), { otherRegion: 'us-east-1' });
      engineerEval(r, ml[0], at('2026-02-03T16:02:10Z'), { newModel: true });
      engineerEval(r, ml[2 % ml.length], at('2026-02-03T20:41:55Z'), { away: 'vpn', newModel: true });
      engineerEval(r, ml[1 % ml.length], at('2026-02-04T09:35:18Z'), { newModel: true });
      engineerEval(r, otherEng[1 % otherEng.length], at('2026-02-04T13:58:44Z'), { away: 'home' });
      engineerEval(r, ml[0], at('2026-02-04T15:30:02Z'), { newModel: true, otherRegion: 'eu-central-1' });
    }
    // the notebooks and the scheduled evaluation job with the svc-ml-eval key, from the dev VPC
    const NOTEBOOK_UA = UA.boto3(rng.fork('ua-notebook'), { family: 'ec2', env: 'SageMaker-Notebook' });
    const keyUse = (r, t, n, label) => {
      const ip = r.pick(BRANNOCK_DEV.nat);
      const us = sim.userSession(evalUser, { ip, userAgent: NOTEBOOK_UA, accessKeyId: leakedKey });
      sim.tag({ decoy: true }, () => {
        sim.call(r, t, us, C.getCallerIdentity());
        const name = `${label}-${Math.floor(t / 1000)}`;
        const k = crossAssume(r, t + r.int(1, 3) * 1000, us, evalUser.id, name);
        const s = prodSession(r, name, k, t, ip, NOTEBOOK_UA);
        evalBatch(r, s, t + 5000, n, { extra: [MODELS.sonnet37eu] });
      });
    };
    {
      const r = rng.fork('decoy-key');
      keyUse(r, at('2026-02-03T02:05:12Z'), 48, 'nightly-eval');
      keyUse(r, at('2026-02-03T13:21:40Z'), 14, 'notebook');
      keyUse(r, at('2026-02-04T02:04:51Z'), 52, 'nightly-eval');
      keyUse(r, at('2026-02-04T11:09:27Z'), 9, 'notebook');
    }
    // the nightly evaluation workflow: GitHub Actions in dev, then the production role
    {
      const r = rng.fork('decoy-ci');
      const evalRun = (t) => {
        const s0 = oidc(r, t, evalCi, BRANNOCK_DEV.evalRepo);
        const ci = s0.with({ userAgent: UA.boto3(r, { family: 'azure' }) });
        const name = `gha-model-evals-${r.digits(11)}`;
        sim.tag({ decoy: true }, () => {
          sim.call(r, t + 2000, ci, C.getCallerIdentity());
          const k = crossAssume(r, t + r.int(3, 8) * 1000, ci, `${evalCi.id}:GitHubActions`, name);
          const s = prodSession(r, name, k, t, ci.ip, ci.userAgent);
          evalBatch(r, s, t + 10000, r.int(30, 60));
        });
      };
      evalRun(at('2026-02-03T03:30:41Z'));
      evalRun(at('2026-02-03T14:12:09Z')); // a pull request of the eval repository
      evalRun(at('2026-02-04T03:31:15Z'));
    }
    // an administrator enables a model for the ML team
    {
      const admin = Decoys.findPerson(w, (p) => p.permissionSet === 'admin');
      Decoys.adminEnablesModel(
        sim,
        rng,
        at('2026-02-04T10:26:30Z'),
        admin,
        'amazon.nova-pro-v1:0',
        'eu-west-1',
        { firstTime: false },
      );
    }

    // ---- the actor: the leaked key in the dev account (17:04) -----------------------------------
    const RECON_UA = UA.boto3(rng.fork('ua-recon'), { legacy: true, family: 'ubuntu' });
    const dev = sim.threat(
      sim.userSession(evalUser, { ip: VPS, userAgent: RECON_UA, accessKeyId: leakedKey, tls: 'tls12' }),
    );
    let t = at('2026-02-03T17:04:12Z');
    const step = (s, call, key = false, a = 2, b = 15) => {
      t += rng.int(a, b) * 1000;
      return sim.call(rng, t, s, { ...call, key });
    };
    const denied = (s, api, what, resource = '*') => ({
      code: api.startsWith('s3:')
        ? 'AccessDenied'
        : api.startsWith('ec2:')
          ? 'Client.UnauthorizedOperation'
          : 'AccessDenied',
      message: api.startsWith('s3:')
        ? 'Access Denied'
        : `User: ${s.identity.arn} is not authorized to perform: ${what} on resource: ${resource} because no identity-based policy allows the ${what} action`,
    });
    step(dev, C.getCallerIdentity(), true, 0, 1);
    step(dev, C.iamGet('GetUser', { userName: evalUser.name }));
    step(dev, C.iamGet('ListAttachedUserPolicies', { userName: evalUser.name }));
    step(dev, iamRead('ListUserPolicies', { userName: evalUser.name }));
    step(
      dev,
      iamRead('GetUserPolicy', { userName: evalUser.name, policyName: 'ml-eval-cross-account' }),
      true,
    );
    step(dev, {
      ...C.iamGet('ListRoles'),
      error: denied(dev, 'iam:ListRoles', 'iam:ListRoles', `arn:aws:iam::${DEV}:role/`),
    });
    step(dev, { ...C.s3ListBuckets(rng, { region }), error: denied(dev, 's3:ListBuckets') });
    step(dev, C.bedrock('ListFoundationModels'));
    t += rng.int(40, 180) * 1000;
    const orgRole = {
      arn: `arn:aws:iam::${PROD}:role/OrganizationAccountAccessRole`,
      id: 'x',
      accountId: PROD,
      name: 'OrganizationAccountAccessRole',
    };
    crossAssume(rng, t, dev, evalUser.id, `botocore-session-${Math.floor(t / 1000)}`, {
      threat: true,
      target: orgRole,
      error: denied(dev, 'sts:AssumeRole', 'sts:AssumeRole', orgRole.arn),
    });
    t += rng.int(20, 90) * 1000;
    const reconName = `botocore-session-${Math.floor(t / 1000)}`;
    const reconKey = crossAssume(rng, t, dev, evalUser.id, reconName, { threat: true, key: true });
    const recon = sim.threat(prodSession(rng, reconName, reconKey, t, VPS, RECON_UA, 'tls12'));
    step(recon, C.getCallerIdentity(), true);
    step(recon, C.iamGet('GetRole', { roleName: role.name }));
    step(recon, C.iamGet('ListAttachedRolePolicies', { roleName: role.name }));
    t = Playbooks.bedrockRecon(sim, rng, recon, t, {
      regions: ['eu-west-1', 'us-east-1', 'us-west-2', 'eu-central-1'],
      models: [MODELS.sonnet37, MODELS.opus, MODELS.sonnet35v2],
      probes: 2,
    });
    t = Playbooks.enableModelAccess(sim, rng, recon, t, { region: 'us-east-1', models: [MODELS.sonnet37] });
    t = Playbooks.enableModelAccess(sim, rng, recon, t + 3 * MIN, {
      region: 'us-west-2',
      models: [MODELS.opus],
    });
    // a short test of the enabled models
    for (const [rg, model] of [
      ['us-east-1', MODELS.sonnet37us],
      ['us-west-2', MODELS.opus],
    ]) {
      t += rng.int(20, 90) * 1000;
      sim.runtime(rng, t, recon.with({ region: rg }), {
        op: 'InvokeModel',
        modelId: model,
        region: rg,
        prompt: 'Say OK.',
        answer: 'OK.',
        maxTokens: 5,
        key: true,
      });
    }

    // ---- the resale proxy: hourly AssumeRole with the dev key, then invocations ------------------
    const PROXY_UA = UA.sdkJs(rng.fork('ua-proxy'), { family: 'ubuntu' });
    const targets = [
      { region: 'us-east-1', model: MODELS.sonnet37us, weight: 3 },
      { region: 'us-west-2', model: MODELS.opus, weight: 2.5, op: 'InvokeModel' },
      { region: 'us-west-2', model: MODELS.sonnet35v2, weight: 1.5 },
      { region: 'eu-central-1', model: MODELS.sonnet37eu, weight: 1.5 },
      { region: 'eu-west-1', model: MODELS.sonnet37eu, weight: 0.8 },
    ];
    const stop = at('2026-02-04T22:40:00Z');
    for (const [i, ip] of PROXIES.entries()) {
      const r = rng.fork(`proxy-${i}`);
      const params = clientProfile(r, { spread: 0.3 });
      const devProxy = sim.threat(
        sim.userSession(evalUser, { ip, userAgent: PROXY_UA, accessKeyId: leakedKey }),
      );
      let tc = at('2026-02-03T19:20:00Z') + i * 41 * MIN;
      let first = true;
      while (tc < stop) {
        const name = `aws-sdk-js-${tc}`;
        const k = crossAssume(r, tc, devProxy, evalUser.id, name, { threat: true, key: first });
        const s = sim.threat(prodSession(r, name, k, tc, ip, PROXY_UA));
        const until = Math.min(stop, tc + r.int(52, 58) * MIN);
        // night hours of the resale customers (Americas) are busier
        const hour = new Date(tc).getUTCHours();
        const perHour = hour >= 14 || hour < 4 ? r.int(45, 70) : r.int(20, 35);
        Playbooks.abuseModels(sim, r, s, tc + r.int(2, 6) * 1000, until, {
          targets,
          perHour,
          content: 'mixed',
          keyFirst: first,
          hugeShare: 0.008,
          params,
        });
        first = false;
        tc = until + r.int(5, 60) * 1000;
      }
    }

    // ---- GuardDuty (organisation delegated administrator: findings of both accounts) ------------
    sim.tag({ malicious: true, key: true, scope: 'none' }, () => {
      const f1 = at('2026-02-03T17:41:20Z');
      sim.finding(
        f1,
        finding(rng, w, {
          t: f1,
          accountId: DEV,
          type: 'Discovery:IAMUser/AnomalousBehavior',
          severity: 5,
          accessKey: {
            accessKeyId: leakedKey,
            principalId: evalUser.id,
            userType: 'IAMUser',
            userName: evalUser.name,
          },
          title: `Unusual discovery APIs were invoked by IAM user ${evalUser.name}.`,
          description:
            'APIs commonly used in discovery tactics were invoked by an IAM entity in an anomalous way.',
          api: 'GetUserPolicy',
          serviceName: 'iam.amazonaws.com',
          remoteIp: {
            ip: VPS,
            country: 'Singapore',
            city: 'Singapore',
            asn: 138915,
            asnOrg: 'Kaopu Cloud HK Limited',
            isp: 'Kaopu Cloud',
            org: 'Kaopu Cloud HK Limited',
          },
          firstSeen: at('2026-02-03T17:04:12Z'),
          lastSeen: f1,
          count: 9,
        }),
      );
      const f2 = at('2026-02-04T01:52:07Z');
      sim.finding(
        f2,
        finding(rng, w, {
          t: f2,
          type: 'Impact:IAMUser/AnomalousModelInvocation',
          severity: 5,
          accessKey: {
            accessKeyId: reconKey,
            principalId: `${role.id}:${reconName}`,
            userType: 'AssumedRole',
            userName: role.name,
          },
          modelIds: [MODELS.opus, MODELS.sonnet37],
          title: `Anomalous Amazon Bedrock model invocations by role ${role.name}.`,
          description: `APIs commonly used to invoke foundation models were called by role ${role.name} in an unusual way. This behaviour is associated with LLM resource abuse.`,
          api: 'InvokeModel',
          serviceName: 'bedrock.amazonaws.com',
          remoteIp: {
            ip: PROXIES[0],
            country: 'Russia',
            city: 'Saint Petersburg',
            asn: 49505,
            asnOrg: 'LLC Selectel',
            isp: 'Selectel',
            org: 'LLC Selectel',
          },
          firstSeen: at('2026-02-03T19:20:00Z'),
          lastSeen: f2,
          count: 388,
        }),
      );
    });
  },
});
