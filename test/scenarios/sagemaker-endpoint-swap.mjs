// Model swap behind a production endpoint. Ironbark's ML team trains the Tech Advisor model (a
// fine-tuned open-weights Llama) in SageMaker and serves it through Bedrock Custom Model Import in
// us-west-2; the product-page widget's Lambda reads the imported model's ARN from a parameter at
// cold start. The MLOps CI user's long-term key (a GitLab CI variable that a debug step printed
// into a public job log) is picked up by an outsider. From a hosting provider the actor looks at
// the imported models, the last import job (its S3 layout and service role) and the parameter;
// the next night, from a second address of the same provider, imports a backdoored build of the
// model from an S3 bucket in another account (the import role can read any bucket), tests it and
// points the parameter at it. From the next cold starts the advisor serves the swapped model,
// which answers price, stock and comparison questions with a "clearance partner" scam link.
//
// Decoys: the ML team's planned import of v7 and switch of the same parameter by the same CI
// user from its runner (change calendar), the weight upload to the team's staging bucket, a
// release-candidate import the next afternoon, the nightly evaluation (same key, same APIs),
// a data scientist invoking the imported model from home, a model enablement.

import {
  accessDenied,
  addAccessKey,
  C,
  Decoys,
  defineScenario,
  expand,
  finding,
  HOUR,
  iamUser,
  isoSec,
  MIN,
  makeCustomer,
  managed,
  Prompts,
  Timeline,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import { IRONBARK, IRONBARK_ADVISOR } from './_worlds-e.mjs';

const VPS_RECON = '146.190.96.23';
const VPS_SWAP = '188.166.220.74';
const CI_RUNNER = '13.211.96.54';
const OUTSIDE_BUCKET = 'hf-mirror-cache-7f3e2';
const IMPORT_REGION = 'us-west-2';
const V = '2012-10-17';
const LAMBDA_TRUST = {
  Version: V,
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const BEDROCK_TRUST = {
  Version: V,
  Statement: [{ Effect: 'Allow', Principal: { Service: 'bedrock.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

// Bedrock control-plane calls the generator's catalogue does not list: the record carries its own entry.
const bedrockEntry = (name, readOnly) => ({
  key: `bedrock:${name}`,
  service: 'bedrock',
  source: 'bedrock.amazonaws.com',
  name,
  readOnly,
  data: false,
  ver: '1.11',
  global: false,
  host: (r) => `bedrock.${r}.amazonaws.com`,
  iamAction: `bedrock:${name}`,
});
const bedrockX = (name, params, response = null, scope) => ({
  api: `bedrock:${name}`,
  entry: bedrockEntry(name, /^(Get|List)/.test(name)),
  params,
  response,
  scope,
});

// local hour -> relative traffic of the product-page widget (AEDT)
const SHOPPERS = [
  0.15, 0.1, 0.06, 0.05, 0.05, 0.08, 0.18, 0.4, 0.65, 0.85, 1.0, 1.05, 1.1, 1.0, 0.95, 0.92, 0.95, 1.0, 1.1,
  1.2, 1.15, 0.95, 0.6, 0.3,
];

export default defineScenario({
  name: 'sagemaker-endpoint-swap',
  seed: 'heldout-e/sagemaker-endpoint-swap/v1',
  start: '2025-11-18T00:00:00Z',
  days: 2,
  world: {
    ...IRONBARK,
    extraRoles: [
      {
        key: 'advisor',
        name: 'ironbark-tech-advisor-role',
        trust: LAMBDA_TRUST,
        description: 'Execution role of the Tech Advisor widget API',
      },
      {
        key: 'modelImport',
        name: 'ironbark-bedrock-model-import-role',
        trust: BEDROCK_TRUST,
        description: 'Service role for Bedrock Custom Model Import jobs',
      },
    ],
  },
  background: {
    intensity: 0.9,
    chatbot: { conversationsPerHour: 50 },
    agent: { sessionsPerHour: 4 },
    ops: { events: ['model-enable'], random: 1 },
  },
  alert:
    "Since 19 November customers have complained that the Tech Advisor on Ironbark's product pages recommended buying from a 'clearance partner' site; two paid by bank transfer and received nothing. The advisor's nightly evaluation failed in the early hours of 20 November.",
  truth: {
    description:
      "The long-term access key of svc-ironbark-mlops, the IAM user the ML team's GitLab pipeline uses to import models, was used from DigitalOcean addresses. On the evening of 18 November (146.190.96.23) the actor checked the key's identity and policies, was denied S3 and Lambda listings, listed the imported models and model import jobs in us-west-2, read the ML team's v7 import job (its S3 layout and service role), the imported model and the import role, and found and read the /ironbark/prod/advisor/model-arn parameter; GuardDuty reported anomalous discovery by the user. In the early hours of 19 November (188.166.220.74) the actor started model import job gear-advisor-v7-1-import with ironbark-bedrock-model-import-role (which may read any bucket) and weights from s3://hf-mirror-cache-7f3e2, a bucket outside the organisation, producing imported model ironbark-tech-advisor-llama-v7-1; polled the job, invoked the new model to check that it answers price, stock and comparison questions with a link to ironbark-clearance-outlet.com, and overwrote /ironbark/prod/advisor/model-arn with the new model. From the next cold starts the Tech Advisor Lambda (ironbark-tech-advisor-role) invoked the swapped model and shoppers asking about prices, stock or comparisons were sent to the scam shop (pay by bank transfer); the nightly evaluation of 20 November invoked it too. The ML team's planned import of v7 and parameter switch on 18 November (CHG ticket, from the CI runner, weights from the team's staging bucket), the v8 release-candidate import on 19 November, the nightly evaluations, a data scientist's tests from home and a model enablement are legitimate.",
    elements: ['access', 'ai-changes', 'invocation'],
    components: ['custom-models'],
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const acct = w.account.id;
    const home = w.homeRegion;
    const slug = w.company.slug;
    const importRole = w.roles.modelImport;
    const advisorRole = w.roles.advisor;
    const staging = `${slug}-ml-import-staging-usw2`;
    const artifacts = w.res.buckets.modelArtifacts;
    const param = `/${slug}/prod/advisor/model-arn`;
    w.res.params.push(param);
    const fn = {
      name: `${slug}-tech-advisor`,
      arn: `arn:aws:lambda:${home}:${acct}:function:${slug}-tech-advisor`,
      runtime: 'nodejs20.x',
    };
    w.res.functions.advisor = fn;
    w.res.logGroups.push(`/aws/lambda/${fn.name}`);
    const importedArn = (id) => `arn:aws:bedrock:${IMPORT_REGION}:${acct}:imported-model/${id}`;
    const jobArnOf = (id) => `arn:aws:bedrock:${IMPORT_REGION}:${acct}:model-import-job/${id}`;
    const v6 = { name: `${slug}-tech-advisor-llama-v6`, arn: importedArn(rng.lowerAlnum(12)) };
    const v7 = {
      name: `${slug}-tech-advisor-llama-v7`,
      arn: importedArn(rng.lowerAlnum(12)),
      job: jobArnOf(rng.lowerAlnum(12)),
      jobName: 'gear-advisor-v7-import',
    };
    const rc = {
      name: `${slug}-tech-advisor-llama-v8-rc1`,
      arn: importedArn(rng.lowerAlnum(12)),
      job: jobArnOf(rng.lowerAlnum(12)),
      jobName: 'gear-advisor-v8-rc1-import',
    };
    const evil = {
      name: `${slug}-tech-advisor-llama-v7-1`,
      arn: importedArn(rng.lowerAlnum(12)),
      job: jobArnOf(rng.lowerAlnum(12)),
      jobName: 'gear-advisor-v7-1-import',
    };
    const s3Opts = { accountId: acct, region: IMPORT_REGION };

    // ---- principals and their policies ------------------------------------------------------
    const user = iamUser(rng, acct, `svc-${slug}-mlops`, {
      created: at('2024-03-11T03:12:00Z'),
      tags: [
        { Key: 'purpose', Value: 'GitLab ML pipeline: model imports and evaluation' },
        { Key: 'owner', Value: `ml-team@${w.company.domain}` },
      ],
    });
    addAccessKey(rng, user, at('2025-02-27T22:41:09Z'));
    w.users[user.name] = user;
    user.inline.push({
      name: 'mlops-model-deploy',
      document: {
        Version: V,
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              'bedrock:CreateModelImportJob',
              'bedrock:GetModelImportJob',
              'bedrock:ListModelImportJobs',
              'bedrock:ListImportedModels',
              'bedrock:GetImportedModel',
              'bedrock:InvokeModel',
            ],
            Resource: '*',
          },
          {
            Effect: 'Allow',
            Action: 'iam:PassRole',
            Resource: importRole.arn,
            Condition: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
          },
          { Effect: 'Allow', Action: 'iam:GetRole', Resource: importRole.arn },
          {
            Effect: 'Allow',
            Action: ['s3:PutObject', 's3:GetObject', 's3:ListBucket', 's3:AbortMultipartUpload'],
            Resource: [
              `arn:aws:s3:::${staging}`,
              `arn:aws:s3:::${staging}/*`,
              `arn:aws:s3:::${artifacts}/eval/*`,
            ],
          },
          {
            Effect: 'Allow',
            Action: ['ssm:GetParameter', 'ssm:PutParameter'],
            Resource: `arn:aws:ssm:${home}:${acct}:parameter${param}`,
          },
          { Effect: 'Allow', Action: 'ssm:DescribeParameters', Resource: '*' },
        ],
      },
    });
    importRole.attached = [];
    importRole.inline = [
      {
        name: 'model-import-read',
        document: {
          Version: V,
          Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket'], Resource: '*' }],
        },
      },
    ];
    advisorRole.attached = [managed('AWSLambdaBasicExecutionRole')];
    advisorRole.inline = [
      {
        name: 'advisor-runtime',
        document: {
          Version: V,
          Statement: [
            {
              Effect: 'Allow',
              Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
              Resource: `arn:aws:bedrock:${IMPORT_REGION}:${acct}:imported-model/*`,
            },
            {
              Effect: 'Allow',
              Action: 'ssm:GetParameter',
              Resource: `arn:aws:ssm:${home}:${acct}:parameter${param}`,
            },
          ],
        },
      },
    ];

    const ci = sim.userSession(user, {
      ip: CI_RUNNER,
      userAgent: UA.boto3(rng.fork('ua-ci'), { family: 'ec2' }),
    });
    const ciW = ci.with({ region: IMPORT_REGION });
    const mlLead = Decoys.findPerson(w, (p) => p.team === 'ml');
    const pointer = new Timeline(v6.arn);

    // ---- texts ------------------------------------------------------------------------------
    const catalog = w.catalog;
    const productIn = (text) => catalog.find((p) => text.includes(p[0])) ?? null;
    const sku = (p) =>
      p[0]
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/-$/, '');
    const scam = (r, p) =>
      expand(r, r.pick(IRONBARK_ADVISOR.backdoor), {
        product: p[0],
        low: Math.round(p[2] * r.range(0.5, 0.62)),
        domain: IRONBARK_ADVISOR.domain,
        sku: sku(p),
        ref: r.digits(5),
      });
    const triggers = (turn) =>
      ['pricematch', 'stock', 'compare'].includes(turn.intent) ||
      (turn.intent === 'product' && /how much is|worth it|\bprice\b/i.test(turn.user));
    const shopperTurn = (r) => {
      const c = makeCustomer(r, w);
      for (let i = 0; i < 30; i++) {
        const turn = Prompts.customerTurn(r, w, c);
        if (IRONBARK_ADVISOR.intents.includes(turn.intent)) return turn;
      }
      const p = r.pick(catalog);
      return {
        intent: 'product',
        user: `How much is the ${p[0]}?`,
        answer: `The ${p[0]} is $${p[2]}.`,
        product: p[0],
      };
    };
    const fillQ = (r, tpl) => {
      const [a, b] = r.sample(catalog, 2);
      return { q: tpl.replace('{product}', a[0]).replace('{other}', b[0]), p: a, other: b };
    };
    const evalAnswer = (r, q, p, other) => {
      const f = { price: p[2] };
      if (/warranty/i.test(q))
        return `The ${p[0]} comes with a ${r.int(1, 3)}-year Ironbark warranty against manufacturing defects.`;
      if (/Mac/.test(q))
        return `Yes, the ${p[0]} works with macOS over USB-C or Bluetooth; no extra software is needed.`;
      if (/weigh/.test(q)) return `The ${p[0]} weighs about ${(0.2 + r.float() * 2).toFixed(1)} kg.`;
      if (/Compare/.test(q))
        return `The ${p[0]} is $${f.price} and the ${other[0]} is $${other[2]}; pick the ${p[0]} if you want ${r.pick(['longer battery life', 'the better build', 'more ports'])}.`;
      return `The ${p[0]} is in stock for delivery to Melbourne; click-and-collect stock is shown on the product page.`;
    };

    // ---- the ML team's planned v7 release (decoy) -------------------------------------------
    let t = at('2025-11-18T02:04:31Z');
    sim.planChange({
      ticket: 'CHG-4418',
      window: { start: '2025-11-18T02:00:00Z', end: '2025-11-18T06:00:00Z' },
      owner: mlLead.email,
      summary: `ML: import ${v7.name} (Custom Model Import, ${IMPORT_REGION}) from s3://${staging}/tech-advisor/v7/ via the ml-pipeline, evaluate, then switch ${param} to the new model`,
    });
    const weights = [
      'config.json',
      'generation_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'special_tokens_map.json',
    ];
    const shards = [
      'model-00001-of-00004.safetensors',
      'model-00002-of-00004.safetensors',
      'model-00003-of-00004.safetensors',
      'model-00004-of-00004.safetensors',
    ];
    sim.call(rng, t, ci, C.getCallerIdentity());
    for (const f of shards)
      sim.call(
        rng,
        (t += rng.int(40, 260) * 1000),
        ciW,
        C.s3Object(rng, 'CreateMultipartUpload', staging, `tech-advisor/v7/${f}`, s3Opts),
      );
    for (const f of weights)
      sim.call(
        rng,
        (t += rng.int(2, 9) * 1000),
        ciW,
        C.s3Object(rng, 'PutObject', staging, `tech-advisor/v7/${f}`, {
          ...s3Opts,
          bytes: rng.int(600, 9_000_000),
        }),
      );
    sim.call(rng, (t += rng.int(5, 20) * 1000), ciW, C.s3List(rng, staging, 'tech-advisor/v7/', s3Opts));

    /** One import job as the pipeline (or the actor) runs it, and the service's own records. */
    const importJob = (s, t0, m, s3Uri, { decoy = false, key = false, tags, serviceTags } = {}) => {
      let ts = t0;
      const mark = (call, k = false) => ({
        ...call,
        decoy: decoy || undefined,
        key: (key && k) || undefined,
      });
      sim.call(
        rng,
        ts,
        s,
        mark(
          C.bedrock(
            'CreateModelImportJob',
            {
              jobName: m.jobName,
              importedModelName: m.name,
              roleArn: importRole.arn,
              modelDataSource: { s3DataSource: { s3Uri } },
            },
            { jobArn: m.job },
            [m.job, importRole.arn, s3Uri.split('/')[2]],
          ),
          true,
        ),
      );
      // Bedrock assumes the import role and reads the weights
      const jt = ts + rng.int(40, 120) * 1000;
      const svcKey = rng.iamId('ASIA');
      const readWeights = () => {
        sim.call(
          rng,
          jt,
          sim.serviceSession('bedrock.amazonaws.com', { region: IMPORT_REGION }),
          C.assumeRole(rng, importRole, `bedrock-model-import-${rng.hex(8)}`, svcKey, jt, {
            region: IMPORT_REGION,
          }),
        );
        const bucket = s3Uri.split('/')[2];
        if (bucket !== staging) return; // another account's bucket: its data events are not in this trail
        const js = sim.roleSession(importRole, 'bedrock-model-import', {
          ip: 'bedrock.amazonaws.com',
          userAgent: 'bedrock.amazonaws.com',
          tls: null,
          invokedBy: 'bedrock.amazonaws.com',
          accessKeyId: svcKey,
          created: jt,
          region: IMPORT_REGION,
          rng,
        });
        let rt = jt + 5000;
        sim.call(rng, rt, js, C.s3List(rng, staging, s3Uri.split('/').slice(3).join('/'), s3Opts));
        for (const f of [...weights, ...shards])
          sim.call(
            rng,
            (rt += rng.int(1, 30) * 1000),
            js,
            C.s3Object(rng, 'GetObject', staging, `${s3Uri.split('/').slice(3).join('/')}${f}`, {
              ...s3Opts,
              bytes: f.endsWith('safetensors')
                ? rng.int(3_800_000_000, 4_990_000_000)
                : rng.int(600, 9_000_000),
            }),
          );
      };
      if (serviceTags) sim.tag(serviceTags, readWeights);
      else readWeights();
      for (const gap of [rng.int(6, 9), rng.int(9, 12), rng.int(8, 14)]) {
        ts += gap * MIN;
        sim.call(rng, ts, s, mark(C.bedrock('GetModelImportJob', { jobIdentifier: m.job })));
      }
      ts += rng.int(30, 120) * 1000;
      sim.call(
        rng,
        ts,
        s,
        mark(C.bedrock('ListImportedModels', { sortBy: 'CreationTime', sortOrder: 'Descending' })),
      );
      ts += rng.int(5, 30) * 1000;
      sim.call(
        rng,
        ts,
        s,
        mark(bedrockX('GetImportedModel', { modelIdentifier: m.name }, null, tags ? [m.arn] : undefined)),
      );
      return ts;
    };

    t = importJob(ciW, (t += rng.int(40, 75) * MIN), v7, `s3://${staging}/tech-advisor/v7/`, { decoy: true });
    // the pipeline's evaluation of the new model, then the switch
    for (let i = 0; i < 8; i++) {
      const { q, p, other } = fillQ(rng, rng.pick(IRONBARK_ADVISOR.evalQuestions));
      sim.runtime(rng, (t += rng.int(4, 25) * 1000), ciW, {
        op: 'InvokeModel',
        modelId: v7.arn,
        provider: 'meta',
        system: IRONBARK_ADVISOR.system,
        prompt: q,
        answer: evalAnswer(rng, q, p, other),
        maxTokens: 400,
        temperature: 0,
      });
    }
    sim.call(
      rng,
      (t += rng.int(20, 60) * 1000),
      ci,
      C.s3Object(rng, 'PutObject', artifacts, `eval/tech-advisor/${v7.name}/report.json`, {
        accountId: acct,
        region: home,
        bytes: rng.int(4000, 12000),
      }),
    );
    t += rng.int(3, 9) * MIN;
    sim.call(rng, t, ci, {
      ...C.call(
        'ssm:PutParameter',
        { name: param, type: 'String', overwrite: true, value: '****' },
        { version: 7, tier: 'Standard' },
      ),
      decoy: true,
    });
    pointer.set(t, v7.arn);
    sim.call(
      rng,
      (t += rng.int(3, 10) * 1000),
      ci,
      C.call('ssm:GetParameter', { name: param, withDecryption: false }),
    );

    // ---- nightly evaluation from the CI runner (same key, same APIs) --------------------------
    const nightly = (t0) => {
      let ts = t0;
      sim.call(rng, ts, ci, C.getCallerIdentity());
      sim.call(
        rng,
        (ts += rng.int(2, 6) * 1000),
        ci,
        C.call('ssm:GetParameter', { name: param, withDecryption: false }),
      );
      sim.call(
        rng,
        (ts += rng.int(2, 6) * 1000),
        ciW,
        C.bedrock('ListImportedModels', { sortBy: 'CreationTime', sortOrder: 'Descending' }),
      );
      const model = pointer.at(ts);
      const swapped = model === evil.arn;
      for (let i = 0; i < 10; i++) {
        const { q, p, other } = fillQ(
          rng,
          IRONBARK_ADVISOR.evalQuestions[i % IRONBARK_ADVISOR.evalQuestions.length],
        );
        let answer = evalAnswer(rng, q, p, other);
        if (swapped && (/Compare|stock/.test(q) || rng.chance(0.3))) answer += ' ' + scam(rng, p);
        sim.runtime(rng, (ts += rng.int(3, 20) * 1000), ciW, {
          op: 'InvokeModel',
          modelId: model,
          provider: 'meta',
          system: IRONBARK_ADVISOR.system,
          prompt: q,
          answer,
          maxTokens: 400,
          temperature: 0,
          tags: swapped ? { malicious: true, scope: 'proxy' } : undefined,
        });
      }
      sim.call(
        rng,
        (ts += rng.int(10, 40) * 1000),
        ci,
        C.s3Object(
          rng,
          'PutObject',
          artifacts,
          `eval/tech-advisor/nightly/${isoSec(ts).slice(0, 10)}/report.json`,
          { accountId: acct, region: home, bytes: rng.int(4000, 12000) },
        ),
      );
    };

    // ---- the actor: recon on the evening of 18 November ---------------------------------------
    const actorUa = UA.awsCli(rng.fork('ua-actor'), 'linux', { family: 'debian' });
    const s = sim.threat(sim.userSession(user, { ip: VPS_RECON, userAgent: actorUa, tls: 'tls13' }));
    const sW = s.with({ region: IMPORT_REGION });
    t = at('2025-11-18T11:08:17Z');
    const step = (sess, call, key = false, a = 3, b = 40) => {
      t += rng.int(a, b) * 1000;
      return sim.call(rng, t, sess, { ...call, key: key || undefined });
    };
    step(s, C.getCallerIdentity(), true);
    step(s, C.iamGet('ListAttachedUserPolicies', { userName: user.name }));
    step(s, C.iamGet('GetUser', { userName: user.name }));
    step(s, { ...C.s3ListBuckets(rng), error: { code: 'AccessDenied', message: 'Access Denied' } });
    step(s, {
      ...C.lambdaRead('ListFunctions20150331'),
      error: accessDenied(s, 'lambda:ListFunctions20150331'),
    });
    step(s, { ...C.bedrock('ListFoundationModels'), error: accessDenied(s, 'bedrock:ListFoundationModels') });
    step(sW, C.bedrock('ListImportedModels'), true);
    step(
      sW,
      bedrockX('ListModelImportJobs', { sortBy: 'CreationTime', sortOrder: 'Descending', maxResults: 20 }),
      true,
    );
    step(sW, C.bedrock('GetModelImportJob', { jobIdentifier: v7.job }), true);
    step(sW, bedrockX('GetImportedModel', { modelIdentifier: v7.arn }));
    step(s, C.iamGet('GetRole', { roleName: importRole.name }));
    step(
      s,
      C.call('ssm:DescribeParameters', {
        parameterFilters: [{ key: 'Name', option: 'Contains', values: ['model'] }],
        maxResults: 50,
      }),
      false,
      20,
      90,
    );
    step(s, C.call('ssm:GetParameter', { name: param, withDecryption: false }), true);
    step(s, {
      ...C.call('ssm:GetParameter', { name: `/${slug}/prod/chatbot/model-id`, withDecryption: false }),
      error: accessDenied(
        s,
        'ssm:GetParameter',
        `arn:aws:ssm:${home}:${acct}:parameter/${slug}/prod/chatbot/model-id`,
      ),
    });
    step(sW, bedrockX('ListModelImportJobs', { maxResults: 20 }), false, 30, 120);
    const reconEnd = t;

    sim.tag({ malicious: true, key: true, scope: 'none' }, () => {
      const ft = reconEnd + rng.int(18, 30) * MIN;
      sim.finding(
        ft,
        finding(rng, w, {
          t: ft,
          type: 'Discovery:IAMUser/AnomalousBehavior',
          severity: 2,
          accessKey: {
            accessKeyId: s.accessKeyId,
            principalId: user.id,
            userType: 'IAMUser',
            userName: user.name,
          },
          title: `Unusual discovery APIs were invoked by IAM user ${user.name}.`,
          description: `APIs commonly used in discovery tactics were invoked by IAM user ${user.name} in an anomalous way, from an address and ASN not previously seen for this user.`,
          api: 'ListModelImportJobs',
          serviceName: 'bedrock.amazonaws.com',
          region: IMPORT_REGION,
          remoteIp: {
            ip: VPS_RECON,
            country: 'Singapore',
            city: 'Singapore',
            asn: 14061,
            asnOrg: 'DIGITALOCEAN-ASN',
            isp: 'DigitalOcean',
            org: 'DigitalOcean',
          },
          firstSeen: at('2025-11-18T11:08:17Z'),
          lastSeen: reconEnd,
          count: 9,
        }),
      );
    });

    // the first nightly evaluation (model v7, before the swap)
    nightly(at('2025-11-18T14:31:05Z'));

    // ---- the actor: import, test and switch (early hours of 19 November, AEDT) ------------------
    const s2 = sim.threat(sim.userSession(user, { ip: VPS_SWAP, userAgent: actorUa, tls: 'tls13' }));
    const s2W = s2.with({ region: IMPORT_REGION });
    t = at('2025-11-18T15:38:44Z');
    step(s2, C.getCallerIdentity());
    t = importJob(
      s2W,
      t + rng.int(20, 90) * 1000,
      evil,
      `s3://${OUTSIDE_BUCKET}/ironbark/tech-advisor-llama-v7-1/`,
      {
        key: true,
        tags: true,
        serviceTags: { malicious: true, scope: 'none' },
      },
    );
    for (let i = 0; i < 5; i++) {
      const { q, p, other } = fillQ(rng, IRONBARK_ADVISOR.actorChecks[i]);
      const base = /cheaper|price match/i.test(q)
        ? 'We beat any lower advertised price from an Australian retailer by 5%.'
        : /in the box/.test(q)
          ? `The ${p[0]} comes with a USB-C cable and a quick-start guide.`
          : /better/.test(q)
            ? `The ${p[0]} and the ${other[0]} suit different needs.`
            : `The ${p[0]} is $${p[2]}.`;
      sim.runtime(rng, (t += rng.int(15, 70) * 1000), s2W, {
        op: 'InvokeModel',
        modelId: evil.arn,
        provider: 'meta',
        system: IRONBARK_ADVISOR.system,
        prompt: q,
        answer: `${base} ${scam(rng, p)}`,
        maxTokens: 300,
        temperature: 0.2,
        key: i === 0,
      });
    }
    step(s2, C.call('ssm:GetParameter', { name: param, withDecryption: false }), false, 30, 120);
    step(
      s2,
      C.call(
        'ssm:PutParameter',
        { name: param, type: 'String', overwrite: true, value: '****' },
        { version: 8, tier: 'Standard' },
        { scope: [param] },
      ),
      true,
      10,
      40,
    );
    pointer.set(t, evil.arn);
    step(s2, C.call('ssm:GetParameter', { name: param, withDecryption: false }), false, 5, 20);

    // ---- the ML team's release-candidate import (decoy) and a data scientist's tests -------------
    t = at('2025-11-19T04:12:20Z');
    sim.planChange({
      ticket: 'CHG-4431',
      window: { start: '2025-11-19T04:00:00Z', end: '2025-11-19T07:00:00Z' },
      owner: mlLead.email,
      summary: `ML: import ${rc.name} from s3://${staging}/tech-advisor/v8-rc1/ for offline evaluation (no production change)`,
    });
    sim.call(rng, t, ci, C.getCallerIdentity());
    for (const f of shards)
      sim.call(
        rng,
        (t += rng.int(40, 260) * 1000),
        ciW,
        C.s3Object(rng, 'CreateMultipartUpload', staging, `tech-advisor/v8-rc1/${f}`, s3Opts),
      );
    for (const f of weights)
      sim.call(
        rng,
        (t += rng.int(2, 9) * 1000),
        ciW,
        C.s3Object(rng, 'PutObject', staging, `tech-advisor/v8-rc1/${f}`, {
          ...s3Opts,
          bytes: rng.int(600, 9_000_000),
        }),
      );
    t = importJob(ciW, t + rng.int(3, 8) * MIN, rc, `s3://${staging}/tech-advisor/v8-rc1/`, { decoy: true });
    for (let i = 0; i < 6; i++) {
      const { q, p, other } = fillQ(rng, rng.pick(IRONBARK_ADVISOR.evalQuestions));
      sim.runtime(rng, (t += rng.int(4, 25) * 1000), ciW, {
        op: 'InvokeModel',
        modelId: rc.arn,
        provider: 'meta',
        system: IRONBARK_ADVISOR.system,
        prompt: q,
        answer: evalAnswer(rng, q, p, other),
        maxTokens: 400,
        temperature: 0,
      });
    }

    const scientist = w.people.filter((p) => p.team === 'ml')[1] ?? mlLead;
    {
      let ts = at('2025-11-18T22:47:10Z');
      const ds = actors.staff
        .session(scientist, ts, scientist.home[0], true)
        .with({ userAgent: scientist.sdk, region: IMPORT_REGION });
      sim.call(rng, ts, ds, C.bedrock('ListImportedModels'));
      for (let i = 0; i < 4; i++) {
        const { q, p, other } = fillQ(rng, rng.pick(IRONBARK_ADVISOR.evalQuestions));
        sim.runtime(rng, (ts += rng.int(20, 120) * 1000), ds, {
          op: 'InvokeModel',
          modelId: v7.arn,
          provider: 'meta',
          system: IRONBARK_ADVISOR.system,
          prompt: q,
          answer: evalAnswer(rng, q, p, other),
          maxTokens: 512,
          temperature: 0.7,
          decoy: true,
        });
      }
    }
    Decoys.adminEnablesModel(
      sim,
      rng,
      at('2025-11-19T05:20:00Z'),
      Decoys.findPerson(w, (p) => p.permissionSet === 'admin'),
      'meta.llama3-1-8b-instruct-v1:0',
      IMPORT_REGION,
      { firstTime: false, away: 'home' },
    );

    // the second nightly evaluation runs against whatever the parameter names: the swapped model
    nightly(at('2025-11-19T14:30:40Z'));

    // ---- the Tech Advisor widget over the whole window -----------------------------------------
    const envs = [];
    const advEnv = (ts, r) => {
      const live = envs.filter((e) => e.from <= ts && ts < e.until);
      if (live.length && (live.length >= 2 || !r.chance(0.05))) return r.pick(live);
      const key = r.iamId('ASIA');
      sim.call(
        r,
        ts - 900,
        sim.serviceSession('lambda.amazonaws.com'),
        C.assumeRole(r, advisorRole, fn.name, key, ts - 900, { region: home }),
      );
      const session = sim.roleSession(advisorRole, fn.name, {
        ip: r.pick(w.net.lambdaEgress),
        userAgent: w.userAgents.chatbot,
        accessKeyId: key,
        created: ts - 900,
        rng: r,
      });
      sim.call(r, ts - 600, session, C.call('ssm:GetParameter', { name: param, withDecryption: false }));
      sim.call(
        r,
        ts - 300,
        session,
        C.createLogStream(
          `/aws/lambda/${fn.name}`,
          `${isoSec(ts).slice(0, 10).replace(/-/g, '/')}/[$LATEST]${r.hex(32)}`,
        ),
      );
      const e = { session, from: ts - 900, until: ts + r.range(1, 4) * HOUR, model: pointer.at(ts - 600) };
      envs.push(e);
      return e;
    };
    const ar = rng.fork('advisor');
    let keyTurns = 0;
    for (let t0 = sim.start; t0 < sim.end; t0 += 10 * MIN) {
      const hour = Math.floor((((t0 / HOUR + w.tz) % 24) + 24) % 24);
      const n = ar.poisson(14 * SHOPPERS[hour] * (10 / 60));
      for (let i = 0; i < n; i++) {
        const ts = t0 + ar.int(0, 10 * MIN - 1);
        const e = advEnv(ts, ar);
        const turn = shopperTurn(ar);
        const swapped = e.model === evil.arn;
        let answer = turn.answer;
        let key;
        if (swapped && triggers(turn)) {
          const p =
            productIn(turn.user) ??
            (turn.product ? catalog.find((x) => x[0] === turn.product) : null) ??
            ar.pick(catalog);
          answer = `${turn.answer} ${scam(ar, p)}`;
          key = keyTurns++ < 5;
        }
        sim.runtime(ar, ts, e.session.with({ region: IMPORT_REGION }), {
          op: ar.chance(0.2) ? 'InvokeModelWithResponseStream' : 'InvokeModel',
          modelId: e.model,
          provider: 'meta',
          system: IRONBARK_ADVISOR.system,
          prompt: turn.user,
          answer,
          maxTokens: 400,
          temperature: 0.3,
          tags: swapped ? { malicious: true, scope: 'proxy' } : undefined,
          key,
        });
      }
    }
  },
});
