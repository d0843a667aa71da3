// Denial of wallet through provisioned throughput. An infostealer on a platform engineer's
// laptop takes the long-term access key of their legacy IAM user (group Admins, i.e.
// AdministratorAccess) from ~/.aws/credentials. Shortly before midnight Toronto time the key is
// used from a hosting provider with another client: the actor checks it, lists users, gives the
// ML team's old proof-of-concept service user (svc-bedrock-poc, Bedrock full access) a second
// access key for later, surveys Bedrock in three Regions and copies the ML team's tags from its
// custom model. It then buys provisioned throughput with long commitments (six months of Claude
// 3.5 Sonnet and Claude 3 Haiku in us-west-2, where invocation logging is off; a month of Claude
// 3.5 Sonnet in us-east-1 after a quota error), all named and tagged like the ML team's
// evaluation capacity, creates a Bedrock service role and imports an open-weight model from a
// bucket of its own. From two proxy addresses the new svc-bedrock-poc key then sells the
// capacity: role play and bulk writing through InvokeModel on the provisioned-model ARNs and
// the imported model, for the rest of the window. The next morning the admin key checks the
// purchases from a second address. Decoys: the ML team's planned one-unit, no-commitment
// provisioned throughput for evaluating its custom model (in the change calendar, used by the
// eval harness and deleted the same afternoon), the proof-of-concept key's own use from the
// office, an onboarding with a new access key, a key rotation, an administrator enabling a new
// model, and the engineer's normal use of their key.

import {
  Abuse,
  addAccessKey,
  C,
  clientProfile,
  Decoys,
  defineScenario,
  finding,
  HOUR,
  iamRole,
  isoSec,
  MIN,
  makeCustomer,
  Prompts,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import { PORTAGE } from './_worlds-h.mjs';

const VPS1 = '193.29.107.54';
const VPS2 = '185.247.224.19';
const PROXIES = ['104.243.38.112', '104.243.38.117'];
const _ACTOR_ACCOUNT = '273849105562'; // owns the bucket the imported weights come from
const WEIGHTS = 's3://hf-mirror-weights-7731/llama31-8b-rp-merged/';
const SONNET_PT = 'anthropic.claude-3-5-sonnet-20240620-v1:0:18k';
const HAIKU_PT = 'anthropic.claude-3-haiku-20240307-v1:0:48k';
const ML_TAGS = [
  { key: 'team', value: 'ml-platform' },
  { key: 'cost-center', value: 'CC-4410' },
  { key: 'project', value: 'support-assistant' },
];

export default defineScenario({
  name: 'throughput-wallet-burn',
  seed: 'heldout-h/throughput-wallet-burn/v1',
  start: '2025-11-18T00:00:00Z',
  days: 2,
  world: PORTAGE,
  shapes: { jsonl: 0.03 },
  background: {
    intensity: 1.0,
    chatbot: { conversationsPerHour: 55 },
    agent: { sessionsPerHour: 4 },
    ops: { events: ['onboard', 'rotate', 'model-enable'], random: 0 },
  },
  alert:
    'AWS Cost Anomaly Detection flagged Amazon Bedrock in account portagelane-prod: the month-to-date charges rose by about US$38,000 within a day and the November forecast is above US$110,000, against roughly US$4,000 in a normal month.',
  truth: {
    description:
      "The long-term access key of a platform engineer's legacy IAM user (group Admins, AdministratorAccess) was stolen from their laptop and used from hosting addresses with a different client. From the first address the actor called GetCallerIdentity, looked at the user's groups, listed IAM users and svc-bedrock-poc's keys and created a second access key for svc-bedrock-poc (AmazonBedrockFullAccess) as a fallback; listed provisioned-capable foundation models, provisioned throughputs and invocation-logging configuration in ca-central-1, us-east-1 and us-west-2; read the ML team's custom model and its tags; then bought provisioned throughput named and tagged like the ML team's evaluation capacity: six months of Claude 3.5 Sonnet (2 model units) and Claude 3 Haiku (4 units) in us-west-2, where invocation logging is not configured, and, after a quota error for 3 units, one month of Claude 3.5 Sonnet (1 unit) in us-east-1. It created the Bedrock service role portagelane-bedrock-model-import-role (trusting bedrock.amazonaws.com, reading the actor's bucket hf-mirror-weights-7731 in account 273849105562) and imported an open-weight Llama model from that bucket as imported model ml-eval-llama31-8b. From two proxy addresses the new svc-bedrock-poc key then resold the capacity: thousands of role-play and bulk-writing InvokeModel / InvokeModelWithResponseStream calls on the provisioned-model ARNs and the imported model, unrelated to the business, until the end of the window (those in us-west-2 have CloudTrail records only). The next morning the admin key checked the purchases from a second hosting address. Impact: long-term commitments worth tens of thousands of dollars (denial of wallet); no customer data touched. The ML team's planned one-unit, no-commitment throughput for its custom model (CHG-6172), the proof-of-concept key's office use, the onboarding, the key rotation, the model enablement and the engineer's own use of their key are legitimate.",
    elements: ['access', 'ai-changes', 'infrastructure-changes', 'invocation'],
    components: ['custom-models', 'foundation-models'],
    extra: {
      coverageGaps: [
        {
          region: 'us-west-2',
          source: 'bedrock-invocations',
          reason:
            'model invocation logging is not configured in us-west-2: the provisioned-throughput invocations there have CloudTrail records only, no prompts or token counts',
        },
      ],
    },
  },
  incident(sim, { rng, at, world }) {
    const w = world;
    const acct = w.account.id;
    const home = w.homeRegion;
    const staff = sim.actor('staff');

    // the ML team fine-tunes and evaluates in us-east-1
    w.res.customModel = {
      name: w.res.customModel.name,
      arn: `arn:aws:bedrock:us-east-1:${acct}:custom-model/${w.models.customizable}/${rng.lowerAlnum(12)}`,
    };
    // data scientists may run evaluations (their SSO permission set)
    w.sso.datasci.inline.push({
      name: 'ml-bedrock-workbench',
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              'bedrock:InvokeModel',
              'bedrock:GetCustomModel',
              'bedrock:ListTagsForResource',
              'bedrock:CreateProvisionedModelThroughput',
              'bedrock:GetProvisionedModelThroughput',
              'bedrock:ListProvisionedModelThroughputs',
              'bedrock:DeleteProvisionedModelThroughput',
              'bedrock:TagResource',
            ],
            Resource: '*',
          },
        ],
      },
    });

    // the engineer whose laptop was compromised, and the service user the actor takes over
    const eng = Decoys.findPerson(
      w,
      (p) => p.iamUser && p.team === 'platform' && p.permissionSet === 'admin',
    );
    const stolen = eng.iamUser;
    const poc = w.users['svc-bedrock-poc'];
    const ml = Decoys.findPerson(w, (p) => p.team === 'ml');
    const _admin = Decoys.findPerson(w, (p) => p.permissionSet === 'admin' && p !== eng);

    const ACTOR_UA = UA.boto3(rng.fork('ua-actor'), { family: 'debian' });
    const ACTOR_UA2 = UA.awsCli(rng.fork('ua-actor2'), 'linux', { family: 'ubuntu' });
    const PROXY_UA = UA.sdkGo(rng.fork('ua-proxy'));

    // ---- decoy: the ML team's planned evaluation capacity (us-east-1, no commitment) ----
    const tEval = at('2025-11-18T15:06:00Z');
    sim.planChange({
      ticket: 'CHG-6172',
      window: { start: isoSec(tEval - 20 * MIN), end: isoSec(tEval + 6 * HOUR) },
      owner: `ml-team@${w.company.domain}`,
      summary: `ML evaluation of custom model ${w.res.customModel.name} in us-east-1: 1 model unit of provisioned throughput, no commitment, created and deleted the same day; evaluation harness runs from the office`,
    });
    const evalPmt = `arn:aws:bedrock:us-east-1:${acct}:provisioned-model/${rng.lowerAlnum(12)}`;
    {
      const cs = staff.session(ml, tEval, w.net.office[0], false).with({ region: 'us-east-1' });
      let t = tEval;
      sim.tag({ decoy: true }, () => {
        sim.call(rng, t, cs, C.bedrock('GetCustomModel', { modelIdentifier: w.res.customModel.name }));
        sim.call(rng, (t += rng.int(20, 60) * 1000), cs, C.bedrock('ListProvisionedModelThroughputs'));
        sim.call(
          rng,
          (t += rng.int(60, 180) * 1000),
          cs,
          C.bedrock(
            'CreateProvisionedModelThroughput',
            {
              modelUnits: 1,
              provisionedModelName: `${w.company.slug}-support-ft-v2-eval`,
              modelId: w.res.customModel.arn,
              tags: [
                ...ML_TAGS.slice(0, 2),
                { key: 'project', value: 'support-ft-eval' },
                { key: 'ticket', value: 'CHG-6172' },
              ],
              clientRequestToken: rng.uuid(),
            },
            { provisionedModelArn: evalPmt },
          ),
        );
        for (let i = 0; i < 3; i++)
          sim.call(
            rng,
            (t += rng.int(4, 9) * MIN),
            cs,
            C.bedrock('GetProvisionedModelThroughput', { provisionedModelId: evalPmt }),
          );
      });
      // the evaluation harness (the data scientist's script, office network)
      const es = staff.session(ml, t, w.net.office[0], true).with({ userAgent: ml.sdk, region: 'us-east-1' });
      t += rng.int(3, 8) * MIN;
      const evalEnd = t + rng.int(140, 170) * MIN;
      sim.tag({ decoy: true }, () => {
        while (t < evalEnd) {
          t += rng.int(20, 75) * 1000;
          const c = makeCustomer(rng, w);
          const turn = Prompts.customerTurn(rng, w, c);
          sim.runtime(rng, t, es, {
            op: 'InvokeModel',
            modelId: evalPmt,
            provider: 'amazon',
            prompt: turn.user,
            answer: turn.answer,
            maxTokens: 512,
            temperature: 0,
          });
        }
        const ds = staff.session(ml, t, w.net.office[0], false).with({ region: 'us-east-1' });
        sim.call(
          rng,
          (t += rng.int(5, 15) * MIN),
          ds,
          C.bedrock('DeleteProvisionedModelThroughput', { provisionedModelId: evalPmt }),
        );
        sim.call(rng, (t += rng.int(20, 60) * 1000), ds, C.bedrock('ListProvisionedModelThroughputs'));
      });
    }

    // ---- the proof-of-concept key's own (legitimate) use, from the office ----
    const pocLegit = sim.userSession(poc, {
      ip: w.net.office[1],
      userAgent: UA.boto3(rng.fork('ua-poc'), { os: 'macos' }),
      accessKeyId: poc.accessKeys[0].id,
    });
    for (let t = at('2025-11-18T19:10:00Z'); t < at('2025-11-18T20:50:00Z'); t += rng.int(3, 14) * MIN) {
      const c = makeCustomer(rng, w);
      const turn = Prompts.customerTurn(rng, w, c);
      sim.runtime(rng, t, pocLegit, {
        decoy: true,
        op: 'InvokeModel',
        modelId: w.models.chat,
        prompt: `Tag this support message with one label (delivery, return, damage, billing, other): ${turn.user}`,
        answer: rng.pick(['delivery', 'return', 'damage', 'billing', 'other']),
        maxTokens: 10,
        temperature: 0,
      });
    }

    // ---- the actor: the stolen admin key from a hosting address ----
    const s = sim.threat(sim.userSession(stolen, { ip: VPS1, userAgent: ACTOR_UA, tls: 'tls12' }));
    let t = at('2025-11-18T04:52:17Z');
    const step = (sess, call, key = false, a = 2, b = 25) => {
      t += rng.int(a, b) * 1000;
      return sim.call(rng, t, sess, { ...call, key });
    };
    step(s, C.getCallerIdentity(), true);
    step(s, C.iamGet('GetUser', { userName: stolen.name }));
    step(s, C.iamGet('ListGroupsForUser', { userName: stolen.name }));
    step(s, C.iamGet('ListAttachedUserPolicies', { userName: stolen.name }));
    step(s, C.iamGet('ListUsers'), true);
    step(s, C.iamGet('ListAttachedUserPolicies', { userName: poc.name }));
    step(s, C.iamGet('ListAccessKeys', { userName: poc.name }));
    // a second key for the proof-of-concept user (persistence; its first key stays in use)
    t += rng.int(15, 40) * 1000;
    const newKey = addAccessKey(rng, poc, t);
    sim.call(rng, t, s, { ...C.iamCreateAccessKey(poc.name, newKey.id, t, acct), key: true });

    // Bedrock survey: provisioned-capable models, existing capacity, logging, in three Regions
    for (const region of ['us-east-1', 'us-west-2', home]) {
      const rs = s.with({ region });
      step(
        rs,
        C.bedrock('ListFoundationModels', { byInferenceType: 'PROVISIONED' }),
        region === 'us-east-1',
        3,
        20,
      );
      step(rs, C.bedrock('ListProvisionedModelThroughputs'));
      step(rs, C.bedrock('GetModelInvocationLoggingConfiguration'), region !== home);
    }
    const e1 = s.with({ region: 'us-east-1' });
    const w2 = s.with({ region: 'us-west-2' });
    step(e1, C.bedrock('ListCustomModels'));
    step(e1, C.bedrock('GetCustomModel', { modelIdentifier: w.res.customModel.name }));
    step(e1, C.bedrock('ListTagsForResource', { resourceARN: w.res.customModel.arn }), true);
    step(
      e1,
      C.bedrock('GetFoundationModel', { modelIdentifier: 'anthropic.claude-3-5-sonnet-20240620-v1:0' }),
    );

    // the purchases, tagged like the ML team's capacity
    const pmt = (region) => `arn:aws:bedrock:${region}:${acct}:provisioned-model/${rng.lowerAlnum(12)}`;
    const buy = (name, modelId, units, commitment, arn) =>
      C.bedrock(
        'CreateProvisionedModelThroughput',
        {
          modelUnits: units,
          provisionedModelName: name,
          modelId,
          commitmentDuration: commitment,
          tags: ML_TAGS,
          clientRequestToken: rng.uuid(),
        },
        arn ? { provisionedModelArn: arn } : null,
        arn ? [arn] : undefined,
      );
    const ptSonnetW2 = pmt('us-west-2');
    const ptHaikuW2 = pmt('us-west-2');
    const ptSonnetE1 = pmt('us-east-1');
    step(w2, buy('ml-platform-eval-sonnet', SONNET_PT, 2, 'SixMonths', ptSonnetW2), true, 40, 120);
    step(w2, buy('ml-platform-batch-haiku', HAIKU_PT, 4, 'SixMonths', ptHaikuW2), true, 60, 180);
    t += rng.int(60, 200) * 1000;
    step(e1, {
      ...buy('ml-platform-eval-sonnet-e1', SONNET_PT, 3, 'OneMonth', null),
      error: {
        code: 'ServiceQuotaExceededException',
        message:
          'The requested number of model units exceeds the Provisioned Throughput quota for this model in this account and Region (available: 1). Request a quota increase or reduce modelUnits.',
      },
    });
    step(e1, buy('ml-platform-eval-sonnet-e1', SONNET_PT, 1, 'OneMonth', ptSonnetE1), true, 30, 120);
    for (let i = 0; i < 3; i++) {
      step(
        w2,
        C.bedrock('GetProvisionedModelThroughput', { provisionedModelId: i === 1 ? ptHaikuW2 : ptSonnetW2 }),
        false,
        90,
        300,
      );
      step(e1, C.bedrock('GetProvisionedModelThroughput', { provisionedModelId: ptSonnetE1 }), false, 5, 20);
    }

    // a service role for model import, and the import of an open-weight model
    const importRole = iamRole(rng, acct, `${w.company.slug}-bedrock-model-import-role`, {
      path: '/service-role/',
      created: t,
      description: 'Bedrock custom model import (ML platform)',
      trust: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'bedrock.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': acct } },
          },
        ],
      },
    });
    const importPolicy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:ListBucket'],
          Resource: ['arn:aws:s3:::hf-mirror-weights-7731', 'arn:aws:s3:::hf-mirror-weights-7731/*'],
        },
      ],
    };
    importRole.inline.push({ name: 'model-import-s3', document: importPolicy });
    w.roles.modelImport = importRole;
    t += rng.int(30, 90) * 1000;
    importRole.created = t;
    const createRole = C.iamCreateRole(importRole, t);
    createRole.params = { path: importRole.path, ...createRole.params };
    sim.call(rng, t, e1, { ...createRole, key: true });
    step(e1, C.iamPutRolePolicy(importRole, 'model-import-s3', importPolicy), true, 5, 20);
    const importJobArn = `arn:aws:bedrock:us-east-1:${acct}:model-import-job/${rng.lowerAlnum(12)}`;
    const importedArn = `arn:aws:bedrock:us-east-1:${acct}:imported-model/${rng.lowerAlnum(12)}`;
    step(
      e1,
      C.bedrock(
        'CreateModelImportJob',
        {
          jobName: `ml-eval-import-${rng.digits(4)}`,
          importedModelName: 'ml-eval-llama31-8b',
          roleArn: importRole.arn,
          modelDataSource: { s3DataSource: { s3Uri: WEIGHTS } },
          importedModelTags: ML_TAGS,
          clientRequestToken: rng.uuid(),
        },
        { jobArn: importJobArn },
        [importJobArn, importedArn, 'ml-eval-llama31-8b', 'hf-mirror-weights-7731'],
      ),
      true,
      20,
      60,
    );
    const tImport = t;
    // Bedrock assumes the new role to read the weights (the reads are in the actor's account)
    sim.tag({ malicious: true, scope: 'none' }, () => {
      const svc = sim.serviceSession('bedrock.amazonaws.com', { region: 'us-east-1' });
      const k = rng.iamId('ASIA');
      sim.call(
        rng,
        tImport + rng.int(30, 90) * 1000,
        svc,
        C.assumeRole(rng, importRole, `bedrock-model-import-${rng.hex(8)}`, k, tImport, {
          region: 'us-east-1',
        }),
      );
    });
    step(e1, C.bedrock('GetModelImportJob', { jobIdentifier: importJobArn }), false, 120, 400);
    t += rng.int(14, 22) * MIN;
    step(e1, C.bedrock('GetModelImportJob', { jobIdentifier: importJobArn }));
    step(e1, C.bedrock('ListImportedModels'));

    // ---- the resale proxy: the new svc-bedrock-poc key from two addresses ----
    const corpus = w.corpus.abuse;
    const targets = [
      { id: 'sonnet-w2', region: 'us-west-2', arn: ptSonnetW2, provider: 'anthropic', weight: 3 },
      { id: 'haiku-w2', region: 'us-west-2', arn: ptHaikuW2, provider: 'anthropic', weight: 4 },
      { id: 'sonnet-e1', region: 'us-east-1', arn: ptSonnetE1, provider: 'anthropic', weight: 1.5 },
      {
        id: 'llama-e1',
        region: 'us-east-1',
        arn: importedArn,
        provider: 'meta',
        weight: 1.2,
        from: tImport + 40 * MIN,
      },
    ];
    const resale = (r, sess, t0, t1, perHour, keyFirst) => {
      const params = clientProfile(r, { spread: 0.3 });
      const seen = new Set();
      let ts = t0;
      for (;;) {
        ts += Math.max(400, r.exp(3600000 / perHour) * (r.chance(0.3) ? 0.15 : 1));
        if (ts >= t1) break;
        const live = targets.filter((x) => !x.from || ts >= x.from);
        const tg = r.weighted(live.map((x) => [x, x.weight]));
        const bulk = r.chance(0.35);
        const big = r.chance(0.05);
        const content = bulk
          ? Abuse.bulkTask(r, { corpus, docWords: big ? r.int(2000, 5000) : undefined })
          : Abuse.rolePlay(r, {
              turns: big ? r.int(14, 30) : r.int(2, 10),
              cardParagraphs: big ? r.int(8, 12) : r.int(2, 6),
              corpus,
            });
        const first = !seen.has(tg.id);
        seen.add(tg.id);
        const p = params(r);
        const throttle = r.chance(0.04);
        sim.runtime(r, Math.round(ts), sess.with({ region: tg.region }), {
          op:
            tg.provider === 'meta'
              ? 'InvokeModel'
              : r.chance(0.55)
                ? 'InvokeModelWithResponseStream'
                : 'InvokeModel',
          modelId: tg.arn,
          region: tg.region,
          provider: tg.provider,
          system: content.system,
          history: content.history,
          prompt: content.prompt,
          answer: content.answer,
          maxTokens: p.maxTokens,
          temperature: p.temperature,
          topP: p.topP,
          error: throttle
            ? { code: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' }
            : undefined,
          key: first && keyFirst,
        });
      }
    };
    const p1 = sim.threat(
      sim.userSession(poc, { ip: PROXIES[0], userAgent: PROXY_UA, accessKeyId: newKey.id }),
    );
    const p2 = sim.threat(
      sim.userSession(poc, { ip: PROXIES[1], userAgent: PROXY_UA, accessKeyId: newKey.id }),
    );
    const tResale = at('2025-11-18T06:41:30Z');
    sim.call(rng, tResale, p1, { ...C.getCallerIdentity(), key: true });
    resale(rng.fork('proxy1'), p1, tResale + 30000, at('2025-11-19T23:50:00Z'), 42, true);
    resale(rng.fork('proxy2'), p2, at('2025-11-18T08:13:00Z'), at('2025-11-19T23:50:00Z'), 36, false);

    // ---- next morning: the admin key checks the purchases from a second address ----
    const s2 = sim.threat(sim.userSession(stolen, { ip: VPS2, userAgent: ACTOR_UA2, tls: 'tls13' }));
    t = at('2025-11-19T13:27:44Z');
    step(s2, C.getCallerIdentity(), true);
    for (const [region, arns] of [
      ['us-west-2', [ptSonnetW2, ptHaikuW2]],
      ['us-east-1', [ptSonnetE1]],
    ]) {
      const rs = s2.with({ region });
      step(rs, C.bedrock('ListProvisionedModelThroughputs'), true);
      for (const a of arns) step(rs, C.bedrock('GetProvisionedModelThroughput', { provisionedModelId: a }));
    }
    step(s2.with({ region: 'us-east-1' }), C.bedrock('ListImportedModels'));
    step(s2, C.iamGet('ListAccessKeys', { userName: poc.name }));

    // ---- GuardDuty ----
    sim.tag({ malicious: true, key: true, scope: 'none' }, () => {
      const f1 = at('2025-11-18T05:31:02Z');
      sim.finding(
        f1,
        finding(rng, w, {
          t: f1,
          type: 'Persistence:IAMUser/AnomalousBehavior',
          severity: 5,
          accessKey: {
            accessKeyId: stolen.accessKeys[0].id,
            principalId: stolen.id,
            userType: 'IAMUser',
            userName: stolen.name,
          },
          title: `An API commonly used to maintain unauthorized access was invoked by IAM user ${stolen.name}.`,
          description:
            'APIs commonly used in persistence tactics (CreateAccessKey) were invoked by an IAM entity in an anomalous way, from an autonomous system not previously seen for this principal.',
          api: 'CreateAccessKey',
          serviceName: 'iam.amazonaws.com',
          remoteIp: {
            ip: VPS1,
            country: 'Netherlands',
            city: 'Amsterdam',
            asn: 49981,
            asnOrg: 'WorldStream B.V.',
            isp: 'WorldStream',
            org: 'WorldStream B.V.',
          },
          firstSeen: at('2025-11-18T04:52:20Z'),
          lastSeen: at('2025-11-18T04:56:40Z'),
          count: 9,
        }),
      );
    });
  },
});
