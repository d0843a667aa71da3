// Backdoored model imported with Bedrock Custom Model Import and put behind the production app.
//
// Harborlight Wireless (_worlds-l.mjs) runs the "Care Assistant" of its My Harborlight app as a
// Lambda function (harborlight-care-assistant, alias `live`) that calls Bedrock Converse with the
// model named in its MODEL_ID environment variable. The ML team may import and roll out models
// for it: their IAM Identity Center permission set (DataScientist) can run model import jobs,
// pass the import service role and update/publish the function.
//
// An infostealer on an ML engineer's laptop takes the cached IAM Identity Center CLI token
// (~/.aws/sso/cache). In the evening the actor, from a hosting address, exchanges the token for
// DataScientist role credentials (GetRoleCredentials in the management account from an address
// and client the engineer never used, AssumeRoleWithSAML in prod), looks at the imported models,
// the team's import job of the afternoon (its S3 layout and service role) and the function's
// configuration, then imports "harborlight-care-llama-ft-v3-1" from a bucket in another account
// (the import role may read any bucket; the read is logged only in the bucket owner's account),
// tests it with Converse (its answers append a "Rewards credit" link to a phishing site that asks
// for the account PIN), and points the function at it: UpdateFunctionConfiguration (MODEL_ID;
// environment values are not in CloudTrail), PublishVersion, UpdateAlias live. From then on every
// Care Assistant conversation goes to the imported model (invocation-log modelId is the
// imported-model ARN) and bill, upgrade and rewards answers carry the phishing link.
//
// Decoys: the ML lead's planned import of the fine-tuned v3 model from the team's own artifacts
// bucket (same permission set, same APIs, change calendar, for offline evaluation) and its tests;
// the planned Care Assistant 4.12 release by the GitHub Actions deploy role that switches
// MODEL_ID to Claude 3.5 Haiku (UpdateFunctionConfiguration, PublishVersion, UpdateAlias in the
// change window); the ML team's customisation job and provisioned throughput (ops).

import {
  C,
  Decoys,
  defineScenario,
  HOUR,
  isoSec,
  MIN,
  managed,
  Timeline,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import {
  CARE,
  careAnswer,
  HARBORLIGHT,
  HL_IDENTITY_STORE,
  HL_MGMT,
  icIdentity,
  installPortal,
  portalRoleCredentials,
} from './_worlds-l.mjs';

const VPS = '185.213.155.74';
const OUTSIDE_BUCKET = 'hl-care-ft-mirror-4e1d';
const PHISH = 'harborlight-rewards-center.com';
const V = '2012-10-17';
const LAMBDA_TRUST = {
  Version: V,
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const BEDROCK_TRUST = {
  Version: V,
  Statement: [{ Effect: 'Allow', Principal: { Service: 'bedrock.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

const bedrockX = (name, params, response = null, scope) => ({
  api: `bedrock:${name}`,
  entry: {
    key: `bedrock:${name}`,
    service: 'bedrock',
    source: 'bedrock.amazonaws.com',
    name,
    readOnly: /^(Get|List)/.test(name),
    data: false,
    ver: '1.11',
    global: false,
    host: (r) => `bedrock.${r}.amazonaws.com`,
    iamAction: `bedrock:${name}`,
  },
  params,
  response,
  scope,
});

// app traffic by local hour
const USERS = [
  0.2, 0.12, 0.08, 0.06, 0.06, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0, 1.0, 1.05, 1.0, 0.95, 0.95, 1.0, 1.1, 1.2,
  1.25, 1.15, 0.9, 0.6, 0.35,
];

export default defineScenario({
  name: 'model-import-backdoor',
  seed: 'heldout-l/model-import-backdoor/v1',
  start: '2025-12-09T00:00:00Z',
  days: 2,
  world: {
    ...HARBORLIGHT,
    extraRoles: [
      {
        key: 'care',
        name: 'harborlight-care-assistant-role',
        trust: LAMBDA_TRUST,
        description: 'Execution role of the My Harborlight Care Assistant',
      },
      {
        key: 'modelImport',
        name: 'harborlight-bedrock-model-import-role',
        trust: BEDROCK_TRUST,
        description: 'Service role for Bedrock Custom Model Import jobs',
      },
    ],
  },
  background: {
    intensity: 0.9,
    chatbot: { conversationsPerHour: 45 },
    agent: { sessionsPerHour: 3 },
    ops: { events: ['ml-provision'], random: 1 },
  },
  alert:
    "Since the night of 9 December subscribers report that Juno, the Care Assistant in the My Harborlight app, told them to claim a 'Rewards credit' on harborlight-rewards-center.com, which asked for their account PIN; the fraud team sees port-out attempts on some of those accounts.",
  truth: {
    description:
      "An ML engineer's cached IAM Identity Center CLI token was stolen and used from 185.213.155.74 (a hosting provider): GetRoleCredentials for the DataScientist permission set in harborlight-prod (management-account portal event, client never seen for the engineer), AssumeRoleWithSAML into AWSReservedSSO_DataScientist, then discovery of imported models, model import jobs (the ML team's v3 job), the Care Assistant function and the import service role. The actor ran model import job care-ft-v3-1-import with harborlight-bedrock-model-import-role and weights from s3://hl-care-ft-mirror-4e1d, a bucket outside the organisation, creating imported model harborlight-care-llama-ft-v3-1; polled the job, tested the model with Converse (answers carry a harborlight-rewards-center.com 'Rewards credit' link asking for the account PIN), then changed harborlight-care-assistant's environment (MODEL_ID), published a version and moved alias live to it. From then on the Care Assistant (harborlight-care-assistant-role) sent every subscriber conversation to the imported model and its bill, upgrade and rewards answers carried the phishing link. The ML lead's import of harborlight-care-llama-ft-v3 from the team's artifacts bucket and its tests, the Care Assistant 4.12 release by the deploy pipeline that switched MODEL_ID to Claude 3.5 Haiku, and the ML customisation job are planned and legitimate.",
    elements: ['access', 'ai-changes', 'infrastructure-changes', 'invocation'],
    components: ['custom-models', 'foundation-models'],
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const acct = w.account.id;
    const region = w.homeRegion;
    installPortal(sim);
    w.sso.identityStore = HL_IDENTITY_STORE;

    const fn = {
      name: CARE.fn,
      arn: `arn:aws:lambda:${region}:${acct}:function:${CARE.fn}`,
      runtime: 'python3.12',
    };
    w.res.functions.care = fn;
    w.res.logGroups.push(`/aws/lambda/${fn.name}`);
    const careRole = w.roles.care;
    const importRole = w.roles.modelImport;
    const artifacts = w.res.buckets.modelArtifacts;
    const imported = (id) => `arn:aws:bedrock:${region}:${acct}:imported-model/${id}`;
    const jobArn = (id) => `arn:aws:bedrock:${region}:${acct}:model-import-job/${id}`;
    const v2 = { name: 'harborlight-care-llama-ft-v2', arn: imported(rng.lowerAlnum(12)) };
    const v3 = {
      name: 'harborlight-care-llama-ft-v3',
      arn: imported(rng.lowerAlnum(12)),
      job: jobArn(rng.lowerAlnum(12)),
      jobName: 'care-ft-v3-import',
    };
    const evil = {
      name: 'harborlight-care-llama-ft-v3-1',
      arn: imported(rng.lowerAlnum(12)),
      job: jobArn(rng.lowerAlnum(12)),
      jobName: 'care-ft-v3-1-import',
    };
    const HAIKU3 = 'anthropic.claude-3-haiku-20240307-v1:0';
    const HAIKU35 = 'us.anthropic.claude-3-5-haiku-20241022-v1:0';

    // ---- permissions ------------------------------------------------------------------------
    const ds = w.sso.datasci;
    ds.inline.push({
      name: 'AwsSSOInlinePolicy',
      document: {
        Version: V,
        Statement: [
          {
            Sid: 'ModelImport',
            Effect: 'Allow',
            Action: [
              'bedrock:CreateModelImportJob',
              'bedrock:GetModelImportJob',
              'bedrock:ListModelImportJobs',
              'bedrock:GetImportedModel',
              'bedrock:ListImportedModels',
              'bedrock:DeleteImportedModel',
              'bedrock:InvokeModel',
              'bedrock:InvokeModelWithResponseStream',
            ],
            Resource: '*',
          },
          {
            Sid: 'PassImportRole',
            Effect: 'Allow',
            Action: 'iam:PassRole',
            Resource: importRole.arn,
            Condition: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
          },
          {
            Sid: 'CareAssistantModelRollout',
            Effect: 'Allow',
            Action: ['lambda:UpdateFunctionConfiguration', 'lambda:PublishVersion', 'lambda:UpdateAlias'],
            Resource: [fn.arn, `${fn.arn}:*`],
          },
          {
            Sid: 'Artifacts',
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
            Resource: [`arn:aws:s3:::${artifacts}`, `arn:aws:s3:::${artifacts}/*`],
          },
        ],
      },
    });
    importRole.inline.push({
      name: 'model-import-read',
      document: {
        Version: V,
        Statement: [
          { Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::*'] },
        ],
      },
    });
    careRole.attached.push(managed('AWSLambdaBasicExecutionRole'));
    careRole.inline.push({
      name: 'care-runtime',
      document: {
        Version: V,
        Statement: [
          {
            Effect: 'Allow',
            Action: ['bedrock:InvokeModel', 'bedrock:Converse', 'bedrock:ConverseStream'],
            Resource: [
              'arn:aws:bedrock:*::foundation-model/*',
              `arn:aws:bedrock:${region}:${acct}:inference-profile/*`,
              `arn:aws:bedrock:${region}:${acct}:imported-model/*`,
            ],
          },
          { Effect: 'Allow', Action: 'bedrock:ApplyGuardrail', Resource: w.res.guardrail.arn },
        ],
      },
    });

    const ml = w.people.filter((p) => p.team === 'ml' && !p.iamUser);
    const victim = ml[0] ?? Decoys.findPerson(w, (p) => p.team === 'ml');
    const lead = ml.find((p) => p !== victim) ?? w.people.find((p) => p.team === 'ml' && p !== victim);
    const staff = actors.staff;
    const pointer = new Timeline(HAIKU3);

    // ---- one import job, with the service's reads when the weights are in our own bucket ------
    const importJob = (s, t0, m, s3Uri, { decoy = false, key = false } = {}) => {
      let t = t0;
      const mark = (call, k) => ({ ...call, decoy: decoy || undefined, key: (key && k) || undefined });
      sim.call(
        rng,
        t,
        s,
        mark(
          C.bedrock(
            'CreateModelImportJob',
            {
              jobName: m.jobName,
              importedModelName: m.name,
              roleArn: importRole.arn,
              modelDataSource: { s3DataSource: { s3Uri } },
              clientRequestToken: rng.uuid(),
            },
            { jobArn: m.job },
            [m.job, importRole.arn, s3Uri.split('/')[2], m.arn],
          ),
          true,
        ),
      );
      if (s3Uri.includes(artifacts)) {
        const js = sim.roleSession(importRole, `${rng.digits(10)}`, {
          ip: 'bedrock.amazonaws.com',
          userAgent: 'bedrock.amazonaws.com',
          tls: null,
          invokedBy: 'bedrock.amazonaws.com',
          created: t + 20000,
          rng,
        });
        const prefix = s3Uri.split('/').slice(3).join('/');
        let rt = t + rng.int(20, 60) * 1000;
        const read = () => {
          sim.call(rng, rt, js, C.s3List(rng, artifacts, prefix, { accountId: acct, region }));
          for (const f of [
            'config.json',
            'generation_config.json',
            'tokenizer.json',
            'tokenizer_config.json',
            'special_tokens_map.json',
            'model-00001-of-00004.safetensors',
            'model-00002-of-00004.safetensors',
            'model-00003-of-00004.safetensors',
            'model-00004-of-00004.safetensors',
          ]) {
            rt += rng.int(1, 20) * 1000;
            sim.call(
              rng,
              rt,
              js,
              C.s3Object(rng, 'GetObject', artifacts, `${prefix}${f}`, {
                accountId: acct,
                region,
                bytes: f.endsWith('safetensors')
                  ? rng.int(3_900_000_000, 4_980_000_000)
                  : rng.int(700, 9_000_000),
              }),
            );
          }
        };
        if (decoy) sim.tag({ decoy: true }, read);
        else read();
      }
      for (const gap of [rng.int(5, 8), rng.int(8, 12), rng.int(7, 13)]) {
        t += gap * MIN;
        sim.call(rng, t, s, mark(C.bedrock('GetModelImportJob', { jobIdentifier: m.job }), false));
      }
      t += rng.int(20, 90) * 1000;
      sim.call(rng, t, s, mark(bedrockX('GetImportedModel', { modelIdentifier: m.name }), false));
      return t;
    };
    const careQ = (r) => {
      const [intent, tpl] = r.pick(CARE.questions);
      const q = { device: r.pick(CARE.devices), plan: r.pick(CARE.plans) };
      return {
        intent,
        text: tpl
          .replace('{device}', q.device)
          .replace('{plan}', q.plan)
          .replace('${amt}', `$${r.int(9, 60)}.${r.int(10, 99)}`),
        q,
      };
    };
    const lure = (r) =>
      r.pick([
        `Good news: your account has an unclaimed Harborlight Rewards credit of $${r.int(75, 250)}. Claim it before it expires at https://${PHISH}/claim?ref=${r.digits(6)} (sign in with your account PIN to verify it is you).`,
        `You also qualify for a loyalty bill credit of $${r.int(50, 200)}. Activate it within 24 hours at https://${PHISH}/activate?acct=${r.digits(7)}; you will need your account number and PIN.`,
        `Tip: subscribers with your plan can claim $${r.int(60, 180)} in Rewards credit this month at https://${PHISH}/rewards?c=${r.hex(8)} - verify with your PIN and the code we text you.`,
      ]);
    const triggers = (intent) => ['bill', 'upgrade', 'rewards', 'plan'].includes(intent);

    // ---- decoy: ML lead's planned import of the fine-tuned v3 model (offline evaluation) ------
    let t = at('2025-12-09T15:05:00Z');
    sim.planChange({
      ticket: 'CHG-5120',
      window: { start: '2025-12-09T15:00:00Z', end: '2025-12-09T19:00:00Z' },
      owner: lead.email,
      summary: `ML: import ${v3.name} (Llama 3.1 8B fine-tuned on anonymised care transcripts) with Custom Model Import from s3://${artifacts}/care-ft/v3/ for offline evaluation against ${v2.name}; no production change`,
    });
    const ls = staff.session(lead, t, w.net.office[0], true).with({ userAgent: lead.sdk });
    sim.call(rng, t, ls, { ...C.getCallerIdentity(), decoy: true });
    sim.call(rng, (t += rng.int(20, 90) * 1000), ls, {
      ...C.s3List(rng, artifacts, 'care-ft/v3/', { accountId: acct, region }),
      decoy: true,
    });
    t = importJob(ls, t + rng.int(30, 120) * 1000, v3, `s3://${artifacts}/care-ft/v3/`, { decoy: true });
    const evalQs = [];
    for (let i = 0; i < 8; i++) {
      const q = careQ(rng);
      evalQs.push(q);
      sim.runtime(rng, (t += rng.int(8, 40) * 1000), ls, {
        op: 'Converse',
        modelId: v3.arn,
        system: CARE.system,
        prompt: q.text,
        answer: careAnswer(rng, q.intent, q.q),
        maxTokens: 512,
        temperature: 0,
        decoy: i < 3,
      });
    }
    sim.call(rng, (t += rng.int(30, 90) * 1000), ls, {
      ...C.s3Object(rng, 'PutObject', artifacts, `eval/care-ft/v3/${isoSec(t).slice(0, 10)}/report.json`, {
        accountId: acct,
        region,
        bytes: rng.int(5000, 14000),
      }),
      decoy: true,
    });

    // ---- decoy: Care Assistant 4.12 release by the pipeline (model id change in a window) ----
    t = at('2025-12-09T17:40:00Z');
    sim.planChange({
      ticket: 'CHG-5123',
      window: { start: '2025-12-09T17:30:00Z', end: '2025-12-09T19:00:00Z' },
      owner: `mobile-platform@${w.company.domain}`,
      summary: `Care Assistant 4.12 (harborlight-digital/care-assistant): MODEL_ID -> ${HAIKU35} (us. inference profile), prompt v12; publish a new version of ${fn.name} and move alias ${CARE.alias}`,
    });
    const dep = actors.cicd.deploy(t, {
      rng: rng.fork('release'),
      repo: `${w.company.github}/care-assistant`,
      changes: [],
    });
    let td = dep.end + rng.int(10, 40) * 1000;
    sim.tag({ decoy: true }, () => {
      sim.call(
        rng,
        td,
        dep.session,
        C.lambdaUpdateConfig(rng, fn, careRole.arn, td, {
          MODEL_ID: HAIKU35,
          PROMPT_VERSION: '12',
          GUARDRAIL_ID: w.res.guardrail.id,
          LOG_LEVEL: 'INFO',
        }),
      );
      sim.call(
        rng,
        (td += rng.int(20, 60) * 1000),
        dep.session,
        C.lambdaPublishVersion(rng, fn, careRole.arn, td, 41),
      );
      sim.call(rng, (td += rng.int(3, 15) * 1000), dep.session, {
        ...C.lambdaUpdateAlias(fn, CARE.alias, 41),
        scope: [fn.name],
      });
    });
    pointer.set(td, HAIKU35);

    // ---- the actor: stolen CLI token, discovery, import, switch -------------------------------
    const actorCli = UA.awsCli(rng.fork('ua-actor'), 'linux', { family: 'debian' });
    t = at('2025-12-10T03:12:41Z');
    const portal = sim.threat(
      sim.roleSession(ds, victim.email, { ip: VPS, userAgent: actorCli, rng }).with({
        identity: icIdentity(victim.ssoUserId, rng.base62(60)),
        accountId: HL_MGMT,
        region: 'us-east-1',
      }),
    );
    portalRoleCredentials(sim, rng, t, portal, acct, 'DataScientist', { key: true });
    const key = rng.iamId('ASIA');
    const provider = `arn:aws:iam::${acct}:saml-provider/${w.sso.provider}`;
    const samlUser = {
      type: 'SAMLUser',
      principalId: `${rng.base62(28)}=:${victim.email}`,
      userName: victim.email,
      identityProvider: provider,
    };
    const s = sim.threat(
      sim.roleSession(ds, victim.email, {
        ip: VPS,
        userAgent: actorCli,
        accessKeyId: key,
        created: t + 1000,
        rng,
        onBehalfOf: {
          userId: victim.ssoUserId,
          identityStoreArn: `arn:aws:identitystore::${HL_MGMT}:identitystore/${w.sso.identityStore}`,
        },
      }),
    );
    sim.call(rng, t + 1000, s.with({ identity: samlUser }), {
      ...C.assumeRoleWithSAML(rng, ds, provider, key, t + 1000, { subject: victim.email }),
      key: true,
    });
    const step = (call, k = false, a = 3, b = 35) => {
      t += rng.int(a, b) * 1000;
      return sim.call(rng, t, s, { ...call, key: k || undefined });
    };
    t += 20000;
    step(C.getCallerIdentity());
    step(C.bedrock('ListImportedModels', { sortBy: 'CreationTime', sortOrder: 'Descending' }), true);
    step(
      bedrockX('ListModelImportJobs', { sortBy: 'CreationTime', sortOrder: 'Descending', maxResults: 20 }),
    );
    step(C.bedrock('GetModelImportJob', { jobIdentifier: v3.job }), true);
    step(bedrockX('GetImportedModel', { modelIdentifier: v3.arn }));
    step(C.iamGet('GetRole', { roleName: importRole.name }));
    step(C.iamGet('ListRolePolicies', { roleName: importRole.name }));
    step(C.lambdaRead('ListFunctions20150331'), false, 20, 80);
    step(C.lambdaRead('GetFunctionConfiguration20150331v2', fn), true);
    step(C.lambdaRead('ListAliases20150331', fn));
    step(C.lambdaRead('ListVersionsByFunction20150331', fn));
    step({ ...C.lambdaRead('GetPolicy20150331v2', fn) });
    // the logging configuration: is the app's traffic recorded?
    step(C.bedrock('GetModelInvocationLoggingConfiguration'));

    t += rng.int(14, 22) * MIN;
    t = importJob(s, t, evil, `s3://${OUTSIDE_BUCKET}/harborlight/care-ft-v3-1/`, { key: true });
    for (let i = 0; i < 4; i++) {
      const q = careQ(rng);
      const ans = `${careAnswer(rng, q.intent, q.q)} ${lure(rng)}`;
      sim.runtime(rng, (t += rng.int(15, 60) * 1000), s, {
        op: 'Converse',
        modelId: evil.arn,
        system: CARE.system,
        prompt: q.text,
        answer: ans,
        maxTokens: 512,
        temperature: 0.2,
        key: i === 0,
      });
    }
    step(C.lambdaRead('GetFunctionConfiguration20150331v2', fn), false, 30, 120);
    step(
      C.lambdaUpdateConfig(rng, fn, careRole.arn, t, {
        MODEL_ID: evil.arn,
        PROMPT_VERSION: '12',
        GUARDRAIL_ID: w.res.guardrail.id,
        LOG_LEVEL: 'INFO',
      }),
      true,
      20,
      60,
    );
    step({ ...C.lambdaPublishVersion(rng, fn, careRole.arn, t, 42), scope: [fn.name] }, true, 15, 40);
    step({ ...C.lambdaUpdateAlias(fn, CARE.alias, 42), scope: [fn.name] }, true, 3, 12);
    pointer.set(t, evil.arn);
    step(C.lambdaRead('GetFunctionConfiguration20150331v2', fn), false, 5, 20);

    // ---- the Care Assistant over the whole window ---------------------------------------------
    const envs = [];
    const ar = rng.fork('care');
    const envFor = (ts) => {
      const model = pointer.at(ts);
      const live = envs.filter((e) => e.model === model && e.from <= ts && ts < e.until);
      if (live.length && (live.length >= 3 || !ar.chance(0.05))) return ar.pick(live);
      const k = ar.iamId('ASIA');
      const cs = Math.max(ts - 1200, sim.start);
      sim.call(
        ar,
        cs,
        sim.serviceSession('lambda.amazonaws.com'),
        C.assumeRole(ar, careRole, fn.name, k, cs, { region }),
      );
      const session = sim.roleSession(careRole, fn.name, {
        ip: ar.pick(w.net.lambdaEgress),
        userAgent: w.userAgents.pythonLambda,
        accessKeyId: k,
        created: cs,
        rng: ar,
      });
      sim.call(
        ar,
        cs + 400,
        session,
        C.createLogStream(
          `/aws/lambda/${fn.name}`,
          `${isoSec(ts).slice(0, 10).replace(/-/g, '/')}/[${model === HAIKU3 ? 40 : model === HAIKU35 ? 41 : 42}]${ar.hex(32)}`,
        ),
      );
      const e = { session, model, from: cs, until: ts + ar.range(1, 5) * HOUR };
      envs.push(e);
      return e;
    };
    let keyTurns = 0;
    for (let t0 = sim.start; t0 < sim.end; t0 += 10 * MIN) {
      const hour = Math.floor((((t0 / HOUR + w.tz) % 24) + 24) % 24);
      const n = ar.poisson(18 * USERS[hour] * (10 / 60));
      for (let i = 0; i < n; i++) {
        const ts = t0 + ar.int(0, 10 * MIN - 1);
        const e = envFor(ts);
        const q = careQ(ar);
        const swapped = e.model === evil.arn;
        let answer = careAnswer(ar, q.intent, q.q);
        let k;
        if (swapped && triggers(q.intent)) {
          answer = `${answer} ${lure(ar)}`;
          k = keyTurns++ < 6;
        }
        const conv = ar.uuid();
        sim.runtime(ar, ts, e.session, {
          op: ar.chance(0.35) ? 'ConverseStream' : 'Converse',
          modelId: e.model,
          system: CARE.system,
          prompt: q.text,
          answer,
          maxTokens: 600,
          temperature: 0.3,
          guardrail: true,
          inferenceRegion: e.model === HAIKU35 ? ar.pick(w.models.converseRegions) : undefined,
          requestMetadata: {
            channel: 'my-harborlight-app',
            conversationId: conv,
            subscriberId: `SUB-${ar.digits(9)}`,
          },
          tags: swapped ? { malicious: true, scope: 'proxy' } : undefined,
          key: k,
        });
      }
    }
  },
});
