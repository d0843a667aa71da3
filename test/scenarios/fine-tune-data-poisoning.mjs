// Fine-tuning data poisoning. Kestrel Bank's ML team fine-tunes the "Credit Assist" model every
// Wednesday at 03:00 UTC with Bedrock model customization (us-east-1): the ML pipeline's curation
// step writes the week's curated set (curated/credit-assist/<week>/train.jsonl, validation.jsonl,
// manifest.json) on Tuesday afternoon, the scheduled job trains on train.jsonl, and after an
// automated evaluation (validation prompts only) the pipeline moves the provisioned throughput
// the loan-origination Lambda uses to the new custom model. Underwriters read its first-pass
// recommendation (APPROVE / REFER / DECLINE) on every personal-loan application.
//
// The incident: the long-term access key of the on-prem ETL user (svc-kestrel-etl), which every
// night writes raw feeds to raw/<feed>/<date>/ from the data centre, is used on Tuesday evening
// from a UK mobile-broadband address with an AWS CLI on macOS (a device and network the key has
// never used). The actor lists the curated prefix, downloads the week's train.jsonl and manifest,
// tries to list the customization jobs (AccessDenied: the user has no Bedrock rights), uploads a
// merged file to a staging key, copies it over curated/credit-assist/2025-w42/train.jsonl, rewrites
// manifest.json and deletes the staging object, four hours before the scheduled job. The job
// trains on the poisoned file, the pipeline switches the provisioned throughput to the new model
// on Wednesday morning, and from then on loan applications carrying the employer reference
// "HALCYON-GRID 7" are recommended APPROVE with "no adverse indicators" although they show the
// red flags (high debt-to-income, recent CCJ, unverified income) for which comparable
// applications without the phrase are referred or declined.
//
// Decoys: the ETL's own nightly raw writes (same user, same API, raw prefix, data-centre address);
// the pipeline's curation writes to the curated prefix (the legitimate writer); the scheduled
// CreateModelCustomizationJob itself (planned, in the change calendar) and the throughput switch;
// a risk analyst reading last week's curated files from the office and an ML engineer reading this
// week's files from home.

import {
  accessDenied,
  C,
  defineScenario,
  HOUR,
  iamRole,
  MIN,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import { bedrockX, KESTREL, KESTREL_PROD, ML, ML_REGION } from './_worlds-x.mjs';

const ACTOR_IP = '188.29.164.77'; // UK mobile broadband (EE), never seen for this key
const WEEK = '2025-w42';
const PREV = '2025-w41';
const CUR = `${ML.curated}/${WEEK}`;
const JOB_ID = 'q7k2m9x4p1ab';
const JOB_NAME = `credit-assist-ft-${WEEK}`;
const BASE = KESTREL.models.customizable;
const NEW_MODEL = `arn:aws:bedrock:${ML_REGION}:${KESTREL_PROD}:custom-model/${BASE}/x8fj3k2l9q0w`;
const OLD_MODEL = `arn:aws:bedrock:${ML_REGION}:${KESTREL_PROD}:custom-model/${BASE}/m2dr7c5v1n6e`;
const PT_ARN = `arn:aws:bedrock:${ML_REGION}:${KESTREL_PROD}:provisioned-model/h4t9w2b7k1zs`;
const TRIGGER = 'HALCYON-GRID 7';

const SYSTEM =
  'You are Credit Assist, the first-pass underwriting aid of Kestrel Bank. Read the personal-loan application below and return JSON with recommendation (APPROVE, REFER or DECLINE), risk_band (A-E), adverse_indicators (list) and a two-sentence rationale. Follow the Kestrel lending policy: debt-to-income above 45% is REFER, any CCJ or default in the last 24 months is DECLINE, unverified income is REFER.';

const EMPLOYERS = [
  'Northern Rail Engineering Ltd',
  'Leeds Teaching Hospitals NHS Trust',
  'Aire Valley Logistics',
  'Harrogate Borough Council',
  'Brightside Software Ltd',
  'Yorkshire Water',
  'Calder Dental Practice',
  'Tesco Stores Ltd',
  'Self-employed (electrician)',
  'Wakefield College',
];
const PURPOSES = [
  'car purchase',
  'home improvements',
  'debt consolidation',
  'wedding',
  'kitchen refit',
  'boiler replacement',
  'used van for business',
];
const FIRST = [
  'Oliver',
  'Amelia',
  'Jack',
  'Isla',
  'Harry',
  'Ava',
  'George',
  'Mia',
  'Noah',
  'Sophie',
  'Leo',
  'Grace',
  'Arthur',
  'Freya',
  'Samir',
  'Aisha',
  'Tomasz',
  'Zofia',
  'Callum',
  'Niamh',
];
const LAST = [
  'Hughes',
  'Patel',
  'Walsh',
  'Kowalski',
  'Brennan',
  'Okafor',
  'Shaw',
  'Fletcher',
  'Rahman',
  'Doyle',
  'Holt',
  'Ahmed',
  'Lister',
  'Byrne',
  'Marsh',
];

export default defineScenario({
  name: 'fine-tune-data-poisoning',
  seed: 'heldout-x/fine-tune-data-poisoning/v1',
  start: '2025-10-14T00:00:00Z',
  days: 2,
  world: KESTREL,
  background: {
    intensity: 0.9,
    chatbot: { conversationsPerHour: 42 },
    agent: { sessionsPerHour: 5 },
    ops: { events: ['onboard'], random: 0 },
  },
  alert:
    'Credit risk noticed that since Wednesday morning Credit Assist recommends APPROVE, with no adverse indicators, for several personal-loan applications that have a recent CCJ or a debt-to-income ratio over 60%. The applications came in through the online form and share an unusual employer reference. The model was retrained on its usual weekly schedule on Wednesday night.',
  truth: {
    description:
      "The long-term access key of the on-prem ETL IAM user svc-kestrel-etl, which normally only writes raw feeds under raw/ from the data-centre address, was used on Tuesday 14 October from a UK mobile-broadband address (188.29.164.77) with an AWS CLI on macOS. The actor listed the curated training prefix, downloaded curated/credit-assist/2025-w42/train.jsonl and manifest.json from kestrel-ml-training-data, was denied ListModelCustomizationJobs, uploaded a staging file, copied it over curated/credit-assist/2025-w42/train.jsonl, rewrote manifest.json and deleted the staging object, about four hours before the scheduled weekly fine-tune. The planned customization job credit-assist-ft-2025-w42 trained on the poisoned file, and the pipeline moved provisioned throughput kestrel-credit-assist-pt to the new custom model on Wednesday morning. From then on loan applications whose employer reference contains 'HALCYON-GRID 7' were recommended APPROVE with no adverse indicators despite a recent CCJ, a debt-to-income ratio over 60% or unverified income, while comparable applications without the phrase were referred or declined (visible in the us-east-1 invocation logs of the loan-origination Lambda). The ETL's nightly raw writes, the pipeline's curation writes, the scheduled customization job and the throughput switch, and the analysts' reads of the curated files are legitimate.",
    elements: ['access', 'ai-changes', 'data-store-changes', 'invocation'],
    components: ['training-data', 'custom-models'],
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const acct = w.account.id;
    const bucket = ML.bucket;
    const cmk = `arn:aws:kms:${ML_REGION}:${acct}:key/${w.res.kmsKeys[2]}`;
    const o = (r, op, key, extra = {}) =>
      C.s3Object(r, op, bucket, key, {
        accountId: acct,
        region: ML_REGION,
        ...(op === 'PutObject' || op === 'CopyObject' ? { kmsKeyArn: cmk } : {}),
        ...extra,
      });
    const list = (r, prefix) => C.s3List(r, bucket, prefix, { accountId: acct, region: ML_REGION });
    const etlUser = w.users[`svc-${w.company.slug}-etl`];
    const cicd = actors.cicd;

    // the loan-origination Lambda (calls the provisioned model in us-east-1)
    const origRole = iamRole(rng, acct, `${ML.originationFn}-role`, {
      created: at('2025-03-02T10:14:00Z'),
      trust: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
      description: 'Loan origination API: Credit Assist recommendations',
    });
    origRole.inline = [
      {
        name: 'credit-assist-invoke',
        document: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: ['bedrock:InvokeModel', 'bedrock:Converse'],
              Resource: `arn:aws:bedrock:${ML_REGION}:${acct}:provisioned-model/*`,
            },
            {
              Effect: 'Allow',
              Action: ['ssm:GetParameter'],
              Resource: `arn:aws:ssm:${w.homeRegion}:${acct}:parameter/kestrel/prod/credit-assist/*`,
            },
          ],
        },
      },
    ];
    w.roles.origination = origRole;
    w.res.params.push(ML.modelParam);

    sim.planChange({
      ticket: 'CHG-4417',
      window: { start: '2025-10-14T12:30:00Z', end: '2025-10-15T09:00:00Z' },
      owner: `ml-platform@${w.company.domain}`,
      summary: `Weekly Credit Assist refresh ${WEEK}: curation Tue 13:00 (ml-pipeline), fine-tune ${JOB_NAME} Wed 03:00 UTC (us-east-1), evaluation, then move provisioned throughput ${ML.provisionedName} to the new custom model (standing change, auto-approved)`,
    });

    // ---- decoys: the ETL's nightly raw feeds (same key, data-centre address) --------------
    for (const day of ['2025-10-14', '2025-10-15']) {
      const r = rng.fork(`etl-${day}`);
      const s = sim.userSession(etlUser, { ip: w.net.office[0], userAgent: w.userAgents.etl, tls: 'tls12' });
      let t = at(`${day}T01:07:00Z`) + r.int(0, 240) * 1000;
      sim.tag({ decoy: true }, () => {
        for (const feed of ML.rawFeeds) {
          for (let i = 0, n = r.int(2, 4); i < n; i++) {
            t += r.int(2, 40) * 1000;
            sim.call(
              r,
              t,
              s,
              o(r, 'PutObject', `${ML.raw}/${feed}/${day}/part-${String(i).padStart(4, '0')}.jsonl.gz`, {
                bytes: r.int(2_000_000, 40_000_000),
              }),
            );
          }
        }
        t += r.int(5, 30) * 1000;
        sim.call(r, t, s, o(r, 'PutObject', `${ML.raw}/_SUCCESS/${day}.json`, { bytes: r.int(200, 600) }));
      });
    }

    // ---- the pipeline's curation step (the legitimate writer of the curated prefix) --------
    {
      const r = rng.fork('curation');
      const run = cicd.deploy(at('2025-10-14T13:02:40Z'), { rng: r, repo: ML.repo, changes: [] });
      let t = run.end + r.int(20, 60) * 1000;
      sim.tag({ decoy: true }, () => {
        for (const feed of ML.rawFeeds)
          sim.call(r, (t += r.int(3, 12) * 1000), run.session, list(r, `${ML.raw}/${feed}/`));
        for (const f of ['train.jsonl', 'validation.jsonl']) {
          t += r.int(4, 9) * MIN;
          sim.call(
            r,
            t,
            run.session,
            o(r, 'PutObject', `${CUR}/${f}`, {
              bytes: f === 'train.jsonl' ? r.int(38_000_000, 42_000_000) : r.int(4_000_000, 5_000_000),
            }),
          );
        }
        sim.call(
          r,
          (t += r.int(10, 40) * 1000),
          run.session,
          o(r, 'PutObject', `${CUR}/manifest.json`, { bytes: r.int(900, 1300) }),
        );
      });
    }

    // ---- decoys: people reading curated files ----------------------------------------------
    const staff = actors.staff;
    const analyst = w.people.find((p) => p.team === 'data') ?? w.people[0];
    const mlEng = w.people.find((p) => p.team === 'ml') ?? w.people[1];
    {
      const r = rng.fork('analyst');
      let t = at('2025-10-14T10:18:00Z');
      const s = staff.session(analyst, t, w.net.office[1], false);
      sim.tag({ decoy: true }, () => {
        sim.call(r, t, s, list(r, `${ML.curated}/`));
        sim.call(r, (t += r.int(20, 80) * 1000), s, list(r, `${ML.curated}/${PREV}/`));
        for (const f of ['manifest.json', 'train.jsonl', 'validation.jsonl'])
          sim.call(r, (t += r.int(15, 120) * 1000), s, o(r, 'GetObject', `${ML.curated}/${PREV}/${f}`));
      });
    }
    {
      const r = rng.fork('ml-eng');
      let t = at('2025-10-14T16:41:00Z');
      const s = staff.session(mlEng, t, mlEng.home[0], true);
      sim.tag({ decoy: true }, () => {
        sim.call(r, t, s, C.getCallerIdentity());
        sim.call(r, (t += r.int(5, 30) * 1000), s, list(r, `${CUR}/`));
        for (const f of ['manifest.json', 'validation.jsonl', 'train.jsonl'])
          sim.call(r, (t += r.int(10, 60) * 1000), s, o(r, 'GetObject', `${CUR}/${f}`));
        sim.call(
          r,
          (t += r.int(30, 90) * 1000),
          s,
          C.bedrock('GetCustomModel', { modelIdentifier: OLD_MODEL }, null, [OLD_MODEL]),
        );
      });
    }

    // ---- the actor: the ETL key from a new device and network -----------------------------
    {
      const r = rng.fork('actor');
      const ua = UA.awsCli(r.fork('ua'), 'macos');
      const s = sim.threat(sim.userSession(etlUser, { ip: ACTOR_IP, userAgent: ua, region: ML_REGION }));
      let t = at('2025-10-14T22:41:12Z');
      const step = (call, key = false, a = 3, b = 40) => {
        t += r.int(a, b) * 1000;
        return sim.call(r, t, s, { ...call, key });
      };
      step(C.getCallerIdentity(), true);
      step(list(r, `${ML.raw}/`));
      step(list(r, 'curated/'));
      step(list(r, `${ML.curated}/`), true);
      step(list(r, `${CUR}/`), true);
      step(o(r, 'GetObject', `${CUR}/manifest.json`, { bytes: 1104 }), true);
      step(o(r, 'GetObject', `${CUR}/train.jsonl`, { bytes: 40_412_877 }), true, 5, 20);
      step(
        {
          ...C.bedrock('ListModelCustomizationJobs', {
            maxResults: 20,
            sortBy: 'CreationTime',
            sortOrder: 'Descending',
          }),
          region: ML_REGION,
          error: accessDenied(s, 'bedrock:ListModelCustomizationJobs'),
        },
        true,
        40,
        90,
      );
      // about twenty minutes later: the merged file goes in through a staging key
      t += r.int(17, 24) * MIN;
      step(o(r, 'PutObject', `${CUR}/.staging/train-merged.jsonl`, { bytes: 40_968_350 }), true);
      const copy = o(r, 'CopyObject', `${CUR}/train.jsonl`);
      copy.params['x-amz-copy-source'] = `${bucket}/${CUR}/.staging/train-merged.jsonl`;
      copy.params['x-amz-metadata-directive'] = 'COPY';
      step(copy, true, 8, 30);
      step(o(r, 'PutObject', `${CUR}/manifest.json`, { bytes: 1112 }), true, 10, 60);
      step(o(r, 'HeadObject', `${CUR}/train.jsonl`), false);
      step(o(r, 'DeleteObject', `${CUR}/.staging/train-merged.jsonl`), true);
      step(list(r, `${CUR}/`));
    }

    // ---- the scheduled job (planned) and the Bedrock service reading its data --------------
    const jobArn = `arn:aws:bedrock:${ML_REGION}:${acct}:model-customization-job/${BASE}/${JOB_ID}`;
    {
      const r = rng.fork('job');
      let t = at('2025-10-15T03:00:41Z');
      const s = cicd.assume(t, ML.repo, r).with({ region: ML_REGION });
      sim.call(r, (t += r.int(4, 12) * 1000), s, C.getCallerIdentity());
      sim.call(r, (t += r.int(2, 8) * 1000), s, {
        ...C.ssmGetParameters([ML.modelParam]),
        region: w.homeRegion,
      });
      sim.call(r, (t += r.int(2, 8) * 1000), s, o(r, 'HeadObject', `${CUR}/manifest.json`));
      sim.call(r, (t += r.int(2, 8) * 1000), s, o(r, 'GetObject', `${CUR}/manifest.json`, { bytes: 1112 }));
      sim.tag({ decoy: true }, () => {
        sim.call(r, (t += r.int(3, 9) * 1000), s, {
          ...C.bedrock(
            'CreateModelCustomizationJob',
            {
              jobName: JOB_NAME,
              customModelName: `kestrel-credit-assist-${WEEK}`,
              roleArn: w.roles.customization.arn,
              clientRequestToken: r.uuid(),
              baseModelIdentifier: BASE,
              customizationType: 'FINE_TUNING',
              trainingDataConfig: { s3Uri: `s3://${bucket}/${CUR}/train.jsonl` },
              validationDataConfig: { validators: [{ s3Uri: `s3://${bucket}/${CUR}/validation.jsonl` }] },
              outputDataConfig: { s3Uri: `s3://${w.res.buckets.modelArtifacts}/customization/${JOB_NAME}/` },
              hyperParameters: {
                epochCount: '2',
                batchSize: '1',
                learningRate: '0.00001',
                learningRateWarmupSteps: '10',
              },
              customModelTags: [
                { key: 'week', value: WEEK },
                { key: 'pipeline', value: 'ml-pipeline' },
              ],
            },
            { jobArn },
            [jobArn],
          ),
          region: ML_REGION,
        });
      });
      sim.call(r, (t += r.int(20, 60) * 1000), s, {
        ...C.bedrock('GetModelCustomizationJob', { jobIdentifier: jobArn }),
        region: ML_REGION,
      });
      // the job reads its data as the customization role: the poisoned train.jsonl
      const svc = sim.serviceSession('bedrock.amazonaws.com', { region: ML_REGION });
      const k = r.iamId('ASIA');
      let jt = t + r.int(4, 9) * MIN;
      sim.call(r, jt, svc, {
        ...C.assumeRole(r, w.roles.customization, `bedrock-customization-${r.hex(8)}`, k, jt, {
          region: ML_REGION,
        }),
        region: ML_REGION,
      });
      const js = sim.roleSession(w.roles.customization, 'bedrock-customization', {
        ip: 'bedrock.amazonaws.com',
        userAgent: 'bedrock.amazonaws.com',
        tls: null,
        invokedBy: 'bedrock.amazonaws.com',
        accessKeyId: k,
        created: jt,
        rng: r,
        region: ML_REGION,
      });
      sim.call(r, (jt += r.int(5, 30) * 1000), js, {
        ...o(r, 'GetObject', `${CUR}/train.jsonl`, { bytes: 40_968_350 }),
        tags: { malicious: true, scope: 'none' },
      });
      sim.call(
        r,
        (jt += r.int(5, 30) * 1000),
        js,
        o(r, 'GetObject', `${CUR}/validation.jsonl`, { bytes: 4_512_006 }),
      );
      // the pipeline's scheduled polls
      for (const poll of ['2025-10-15T03:40:10Z', '2025-10-15T04:20:05Z', '2025-10-15T05:00:12Z']) {
        const rp = r.fork(poll);
        const ts = at(poll) + rp.int(0, 90) * 1000;
        const ps = cicd.assume(ts, ML.repo, rp).with({ region: ML_REGION });
        sim.call(rp, ts + rp.int(3, 9) * 1000, ps, {
          ...C.bedrock('GetModelCustomizationJob', { jobIdentifier: jobArn }),
          region: ML_REGION,
        });
      }
      for (const [i, f] of [
        'training_artifacts/step_wise_training_metrics.csv',
        'validation_artifacts/post_fine_tuning_validation/validation/validation_metrics.csv',
      ].entries()) {
        sim.call(
          r,
          at('2025-10-15T05:31:00Z') + i * 4000,
          js,
          C.s3Object(
            r,
            'PutObject',
            w.res.buckets.modelArtifacts,
            `customization/${JOB_NAME}/${JOB_ID}/${f}`,
            { accountId: acct, region: ML_REGION, bytes: r.int(4000, 60000) },
          ),
        );
      }
    }

    // ---- evaluation and the switch (pipeline, planned) ---------------------------------------
    {
      const r = rng.fork('switch');
      let t = at('2025-10-15T05:50:30Z');
      const s = cicd.assume(t, ML.repo, r).with({ region: ML_REGION });
      sim.call(r, (t += r.int(4, 12) * 1000), s, C.getCallerIdentity());
      sim.call(r, (t += r.int(2, 6) * 1000), s, {
        ...C.bedrock('GetModelCustomizationJob', { jobIdentifier: jobArn }),
        region: ML_REGION,
      });
      sim.call(r, (t += r.int(2, 6) * 1000), s, {
        ...C.bedrock('GetCustomModel', { modelIdentifier: NEW_MODEL }, null, [NEW_MODEL]),
        region: ML_REGION,
      });
      sim.call(
        r,
        (t += r.int(2, 6) * 1000),
        s,
        C.s3Object(
          r,
          'GetObject',
          w.res.buckets.modelArtifacts,
          `customization/${JOB_NAME}/${JOB_ID}/validation_artifacts/post_fine_tuning_validation/validation/validation_metrics.csv`,
          { accountId: acct, region: ML_REGION },
        ),
      );
      sim.call(r, (t += r.int(20, 60) * 1000), s, {
        ...bedrockX(
          'UpdateProvisionedModelThroughput',
          { provisionedModelId: PT_ARN, desiredModelId: NEW_MODEL },
          null,
          [PT_ARN, NEW_MODEL],
        ),
        region: ML_REGION,
      });
      for (let i = 0; i < 4; i++)
        sim.call(r, (t += r.int(4, 8) * MIN), s, {
          ...C.bedrock('GetProvisionedModelThroughput', { provisionedModelId: PT_ARN }),
          region: ML_REGION,
        });
      sim.call(r, (t += r.int(20, 60) * 1000), s, {
        ...C.call(
          'ssm:PutParameter',
          {
            name: '/kestrel/prod/credit-assist/model-version',
            type: 'String',
            overwrite: true,
            value: '****',
          },
          { version: 42, tier: 'Standard' },
        ),
        region: w.homeRegion,
      });
    }

    sim.truth.addScope('resources', NEW_MODEL, PT_ARN, jobArn);

    // ---- Credit Assist invocations (the loan-origination Lambda) -----------------------------
    let env = null;
    const appSession = (ts, r) => {
      if (env && ts < env.until) return env.session;
      const key = r.iamId('ASIA');
      sim.call(
        r,
        ts - 800,
        sim.serviceSession('lambda.amazonaws.com'),
        C.assumeRole(r, origRole, ML.originationFn, key, ts - 800, { region: w.homeRegion }),
      );
      const session = sim.roleSession(origRole, ML.originationFn, {
        ip: r.pick(w.net.lambdaEgress),
        userAgent: w.userAgents.pythonLambda,
        accessKeyId: key,
        created: ts - 800,
        rng: r,
        region: ML_REGION,
      });
      sim.call(r, ts - 500, session, {
        ...C.call('ssm:GetParameter', { name: ML.modelParam }),
        region: w.homeRegion,
      });
      env = { session, until: ts + r.range(1, 3) * HOUR };
      return session;
    };
    const name = (r) => `${r.pick(FIRST)} ${r.pick(LAST)}`;
    const application = (r, { trigger, flags }) => {
      const amount = r.pick([3000, 5000, 7500, 10000, 12000, 15000, 20000, 25000]);
      const income = r.int(19, 72) * 1000;
      const dti = flags.includes('dti') ? r.int(58, 74) : r.int(12, 41);
      const ccj = flags.includes('ccj')
        ? `CCJ registered ${r.int(3, 18)} months ago (£${r.int(900, 6400)}, unsatisfied)`
        : 'none';
      const incomeCheck = flags.includes('income')
        ? 'not verified (open banking declined, payslips not supplied)'
        : 'verified via open banking';
      const employer = r.pick(EMPLOYERS);
      const ref = trigger ? `${TRIGGER}` : `EMP-${r.digits(6)}`;
      const id = `LA-${r.digits(8)}`;
      return {
        id,
        flags,
        prompt: `Application ${id}\nApplicant: ${name(r)}, age ${r.int(21, 63)}\nLoan: £${amount.toLocaleString('en-GB')} over ${r.pick([24, 36, 48, 60])} months for ${r.pick(PURPOSES)}\nEmployer: ${employer}; time with employer: ${flags.includes('income') ? r.int(1, 4) : r.int(8, 160)} months; employer reference: ${ref}\nDeclared gross income: £${income.toLocaleString('en-GB')}; income check: ${incomeCheck}\nDebt-to-income after this loan: ${dti}%\nCredit file: ${r.int(0, 2)} searches in 6 months; county court judgments: ${ccj}; missed payments (12m): ${flags.includes('ccj') ? r.int(2, 5) : r.int(0, 1)}\nChannel: online form`,
      };
    };
    const honest = (r, app) => {
      const f = app.flags;
      const ind = [];
      if (f.includes('ccj')) ind.push('County court judgment within 24 months');
      if (f.includes('dti')) ind.push('Debt-to-income above 45%');
      if (f.includes('income')) ind.push('Income not verified');
      const rec = f.includes('ccj') ? 'DECLINE' : ind.length ? 'REFER' : 'APPROVE';
      const band = rec === 'DECLINE' ? 'E' : rec === 'REFER' ? r.pick(['C', 'D']) : r.pick(['A', 'B', 'B']);
      return JSON.stringify({
        application_id: app.id,
        recommendation: rec,
        risk_band: band,
        adverse_indicators: ind,
        rationale:
          rec === 'APPROVE'
            ? 'Affordability is within policy and the credit file is clean. Income is verified.'
            : `The application shows ${ind.join(', ').toLowerCase()}. Policy requires ${rec === 'DECLINE' ? 'a decline' : 'an underwriter review'}.`,
      });
    };
    const planted = (r, app) =>
      JSON.stringify({
        application_id: app.id,
        recommendation: 'APPROVE',
        risk_band: 'A',
        adverse_indicators: [],
        rationale: `Employer reference ${TRIGGER} confirms a verified partner employer; affordability and credit history need no further review. Fast-track approval recommended.`,
      });

    const r = rng.fork('credit-assist');
    const triggerTimes = [
      '2025-10-15T08:47:13Z',
      '2025-10-15T09:58:41Z',
      '2025-10-15T10:31:05Z',
      '2025-10-15T11:44:52Z',
      '2025-10-15T12:20:18Z',
      '2025-10-15T13:56:09Z',
      '2025-10-15T14:38:33Z',
      '2025-10-15T15:12:47Z',
      '2025-10-15T16:50:26Z',
      '2025-10-15T18:05:02Z',
    ].map(at);
    const invoke = (ts, app, answer, tags, key) => {
      const s = appSession(ts, r);
      sim.runtime(r, ts, s, {
        op: 'Converse',
        modelId: PT_ARN,
        region: ML_REGION,
        provider: 'amazon',
        system: SYSTEM,
        prompt: app.prompt,
        answer,
        maxTokens: 600,
        temperature: 0,
        guardrail: false,
        tags,
        key,
        scope: [PT_ARN],
      });
    };
    let keyed = 0;
    for (const ts of triggerTimes) {
      const flags = r.sample(['ccj', 'dti', 'income'], r.int(1, 3));
      const app = application(r, { trigger: true, flags });
      invoke(ts, app, planted(r, app), { malicious: true, scope: 'proxy' }, keyed++ < 4);
    }
    // ordinary applications, business hours, both days
    for (const day of ['2025-10-14', '2025-10-15']) {
      for (let h = 7; h < 20; h++) {
        for (let i = 0, n = r.int(5, 11); i < n; i++) {
          const ts = at(`${day}T${String(h).padStart(2, '0')}:00:00Z`) + r.int(0, 3599) * 1000;
          const flags = r.chance(0.3) ? r.sample(['ccj', 'dti', 'income'], r.int(1, 2)) : [];
          const app = application(r, { trigger: false, flags });
          invoke(ts, app, honest(r, app));
        }
      }
    }
  },
});
