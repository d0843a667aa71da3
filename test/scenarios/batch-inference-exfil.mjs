// Bedrock batch inference run for an outsider. Norrsken's ML team triages warranty claims with a
// nightly Bedrock batch-inference job: a scheduled Lambda (norrsken-warranty-batch-launcher) starts
// a job at 01:05 Stockholm time with the batch service role, reading the day's claims from
// s3://norrsken-ml-batch-io/warranty-triage/input/ and writing to .../output/, polls it and
// collects the results. A data scientist pasted the long-term key of svc-norrsken-ds-batch (the
// team's IAM user for batch experiments from laptops) into a notebook that was pushed to a public
// GitHub repository. On the evening of 12 November, from a hosting address, the key is used to
// look at the batch jobs, the nightly job's configuration and the roles it may pass; a first job
// with the nightly service role and input/output in a bucket of another account starts (that role
// can only reach the team's bucket, so it cannot read the input); the actor then finds
// norrsken-bedrock-sandbox-role (trusts Bedrock, AmazonS3FullAccess, left over from an
// experiment), passes it to a large job whose prompts come from and whose output goes to the
// outside bucket (free inference at Norrsken's cost, never in the invocation logs), and to a second
// job that re-runs the team's own claims file (riders' names, contacts, frame serials, claim text)
// with output to the outside bucket, so the claims leave the organisation inside the batch output.
// The next morning, from a second address, the actor checks the jobs.
//
// Decoys: the nightly warranty-triage jobs (both nights, from the launcher role, the usual bucket
// and role), the monthly backlog job a data scientist starts from the office (change calendar),
// an ML engineer's small test job from home (a first attempt rejected for its model id), and the
// compromised user's own morning use from the office.

import {
  addAccessKey,
  C,
  defineScenario,
  finding,
  HOUR,
  iamRole,
  iamUser,
  MIN,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import { bedrockX, createBatchJob, NORRSKEN } from './_worlds-k.mjs';

const V = '2012-10-17';
const RECON_IP = '89.187.171.23'; // hosting provider (Datacamp)
const MORNING_IP = '146.70.117.202'; // hosting provider (M247)
const OUTSIDE_ACCT = '519847302266';
const OUTSIDE_BUCKET = 'llm-eval-artifacts-3f9c1';
const BEDROCK_TRUST = (acct) => ({
  Version: V,
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'bedrock.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': acct } },
    },
  ],
});
const LAMBDA_TRUST = {
  Version: V,
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

export default defineScenario({
  name: 'batch-inference-exfil',
  seed: 'fresh-k/batch-inference-exfil/v1',
  start: '2025-11-12T00:00:00Z',
  days: 2,
  world: NORRSKEN,
  background: {
    intensity: 0.9,
    chatbot: { conversationsPerHour: 45 },
    agent: { sessionsPerHour: 4 },
    ops: { random: 2 },
  },
  alert:
    'AWS Cost Anomaly Detection, norrsken-prod: Amazon Bedrock batch inference (Claude 3.7 Sonnet, EU inference profile, eu-north-1) on 12-13 November is about thirty times the usual cost of the nightly warranty-triage run. The ML team says the nightly jobs and the planned monthly backlog job ran as usual.',
  truth: {
    description:
      "The long-term access key of svc-norrsken-ds-batch (the ML team's IAM user for batch-inference experiments) was leaked in a notebook pushed to a public GitHub repository and used from hosting addresses. On 12 November at 20:41 Stockholm time (89.187.171.23) the actor checked the key's identity and policies, listed Bedrock models and batch-inference jobs, read the nightly warranty-triage job (its service role and S3 locations) and listed roles. At 20:58 the actor created batch job eval-run-1112a with the nightly service role AmazonBedrockBatchRole-warranty-triage and input and output in s3://llm-eval-artifacts-3f9c1, a bucket of account 519847302266 outside the organisation (that role can only reach norrsken-ml-batch-io, so the job could not read its input). The actor then read norrsken-bedrock-sandbox-role (trusts Bedrock, AmazonS3FullAccess) and passed it to job eval-run-1112b (prompts from and output to the outside bucket: tens of thousands of prompts run at Norrsken's cost, which model invocation logging does not record) and to job eval-run-1112c, which re-ran the team's warranty-claims input file s3://norrsken-ml-batch-io/warranty-triage/input/2025-11-12/claims.jsonl (riders' names, contact details, frame serials, claim text) with output to the outside bucket: Bedrock read the file with the sandbox role and wrote the claims with the model's answers to the other account. On 13 November from 146.70.117.202 the actor checked the jobs again. Containment: deactivate the key, stop the jobs, delete or restrict the sandbox role, restrict iam:PassRole; the claims in the output are a personal-data breach. The nightly triage jobs from the launcher role, the planned monthly backlog job, the ML engineer's test job and the user's own morning check from the office are legitimate.",
    elements: ['access', 'invocation', 'private-data'],
    components: ['foundation-models'],
    extra: {
      coverageGaps: [
        'Batch inference prompts and answers are not in the model invocation logs; the job input and output of the attacker jobs sit in a bucket of another account.',
        "S3 data events are not recorded for the outside bucket; the writes of the job output there are not in this account's logs.",
      ],
    },
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const acct = w.account.id;
    const home = w.homeRegion;
    const slug = w.company.slug;
    const bucket = `${slug}-ml-batch-io`;
    w.res.buckets.batchIo = bucket;
    w.res.dataEventBuckets.push(bucket);
    const model = 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0';
    const profileArn = `arn:aws:bedrock:${home}:${acct}:inference-profile/${model}`;
    const s3o = { accountId: acct, region: home };

    // ---- principals -----------------------------------------------------------------------
    const batchRole = iamRole(rng, acct, 'AmazonBedrockBatchRole-warranty-triage', {
      path: '/service-role/',
      trust: BEDROCK_TRUST(acct),
      created: at('2025-03-18T09:12:44Z'),
      description: 'Bedrock batch inference: nightly warranty triage',
    });
    batchRole.inline.push({
      name: 'batch-io',
      document: {
        Version: V,
        Statement: [
          {
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:ListBucket'],
            Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
            Condition: { StringEquals: { 'aws:ResourceAccount': acct } },
          },
          {
            Effect: 'Allow',
            Action: ['s3:PutObject'],
            Resource: [`arn:aws:s3:::${bucket}/*/output/*`, `arn:aws:s3:::${bucket}/sandbox/*`],
          },
          {
            Effect: 'Allow',
            Action: ['bedrock:InvokeModel'],
            Resource: [
              profileArn,
              'arn:aws:bedrock:*::foundation-model/anthropic.claude-3-7-sonnet-20250219-v1:0',
              `arn:aws:bedrock:${home}:${acct}:inference-profile/eu.amazon.nova-lite-v1:0`,
              'arn:aws:bedrock:*::foundation-model/amazon.nova-lite-v1:0',
            ],
          },
        ],
      },
    });
    w.roles.batch = batchRole;
    const sandboxRole = iamRole(rng, acct, `${slug}-bedrock-sandbox-role`, {
      trust: {
        Version: V,
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'bedrock.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
      created: at('2025-01-22T14:03:10Z'),
      description: 'temp - bedrock experiments (JL)',
    });
    sandboxRole.attached.push('arn:aws:iam::aws:policy/AmazonS3FullAccess');
    sandboxRole.inline.push({
      name: 'invoke-any',
      document: {
        Version: V,
        Statement: [{ Effect: 'Allow', Action: ['bedrock:InvokeModel'], Resource: '*' }],
      },
    });
    w.roles.sandbox = sandboxRole;
    const launcherRole = iamRole(rng, acct, `${slug}-warranty-batch-launcher-role`, {
      trust: LAMBDA_TRUST,
      created: at('2025-03-18T09:20:02Z'),
      description: 'Starts and collects the nightly warranty-triage batch job',
    });
    launcherRole.attached.push('arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole');
    launcherRole.inline.push({
      name: 'warranty-batch',
      document: {
        Version: V,
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              'bedrock:CreateModelInvocationJob',
              'bedrock:GetModelInvocationJob',
              'bedrock:ListModelInvocationJobs',
              'bedrock:TagResource',
            ],
            Resource: '*',
          },
          {
            Effect: 'Allow',
            Action: 'iam:PassRole',
            Resource: batchRole.arn,
            Condition: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
          },
          {
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
            Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/warranty-triage/*`],
          },
        ],
      },
    });
    w.roles.launcher = launcherRole;
    const launcherFn = {
      name: `${slug}-warranty-batch-launcher`,
      arn: `arn:aws:lambda:${home}:${acct}:function:${slug}-warranty-batch-launcher`,
      runtime: 'python3.12',
    };
    w.res.functions.warrantyBatch = launcherFn;
    w.res.logGroups.push(`/aws/lambda/${launcherFn.name}`);

    const dsBatchPolicy = {
      Version: V,
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'bedrock:CreateModelInvocationJob',
            'bedrock:GetModelInvocationJob',
            'bedrock:ListModelInvocationJobs',
            'bedrock:StopModelInvocationJob',
            'bedrock:ListFoundationModels',
            'bedrock:GetFoundationModel',
            'bedrock:ListInferenceProfiles',
          ],
          Resource: '*',
        },
        {
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: [
            `arn:aws:iam::${acct}:role/service-role/AmazonBedrock*`,
            `arn:aws:iam::${acct}:role/${slug}-bedrock-*`,
          ],
          Condition: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } },
        },
        {
          Effect: 'Allow',
          Action: ['iam:ListRoles', 'iam:GetRole', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies'],
          Resource: '*',
        },
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
          Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        },
      ],
    };
    const user = iamUser(rng, acct, `svc-${slug}-ds-batch`, {
      created: at('2024-09-03T10:41:22Z'),
      tags: [
        { Key: 'purpose', Value: 'ML team: Bedrock batch experiments from laptops' },
        { Key: 'owner', Value: `ml-team@${w.company.domain}` },
      ],
    });
    addAccessKey(rng, user, at('2025-05-14T08:02:51Z'));
    user.inline.push({ name: 'ds-bedrock-batch', document: dsBatchPolicy });
    w.users[user.name] = user;
    w.sso.datasci.inline.push({ name: 'ds-bedrock-batch', document: structuredClone(dsBatchPolicy) });
    const leakedKey = user.accessKeys[0].id;

    const ml = w.people.filter((p) => p.team === 'ml');
    const dsMonthly = ml[0];
    const dsTester = ml[1] ?? ml[0];
    const dsOwner = ml[2] ?? ml[0];
    const staff = actors.staff;

    const jobId = () => rng.lowerAlnum(12);
    const dayKey = (t) => new Date(t).toISOString().slice(0, 10);
    const bedrockSvc = sim.serviceSession('bedrock.amazonaws.com');
    /** Bedrock assumes the passed role, then (when the bucket is ours) reads the input with it. */
    const serviceRun = (t, role, id, inputs, tags) => {
      const key = rng.iamId('ASIA');
      const ar = C.assumeRole(rng, role, id, key, t);
      sim.call(rng, t, bedrockSvc, { ...ar, tags });
      const svc = sim.roleSession(role, id, {
        ip: 'bedrock.amazonaws.com',
        userAgent: 'bedrock.amazonaws.com',
        accessKeyId: key,
        created: t,
        invokedBy: 'bedrock.amazonaws.com',
        tls: null,
        rng,
      });
      const recs = [];
      let ts = t + rng.int(3, 20) * 1000;
      for (const [b, k, bytes] of inputs) {
        if (b !== bucket) continue;
        recs.push(sim.call(rng, ts, svc, { ...C.s3Object(rng, 'HeadObject', b, k, s3o), tags }));
        ts += rng.int(1, 3) * 1000;
        recs.push(sim.call(rng, ts, svc, { ...C.s3Object(rng, 'GetObject', b, k, { ...s3o, bytes }), tags }));
        ts += rng.int(1, 4) * 1000;
      }
      return { svc, recs, t: ts };
    };

    // ---- decoy: the nightly warranty-triage job (both nights) -------------------------------
    const lambdaSvc = sim.serviceSession('lambda.amazonaws.com');
    const nightly = (t0) => {
      const day = dayKey(t0);
      const id = jobId();
      const key = rng.iamId('ASIA');
      const tags = { decoy: true };
      sim.call(rng, t0 - rng.int(2, 6) * 1000, lambdaSvc, {
        ...C.assumeRole(rng, launcherRole, launcherFn.name, key, t0),
        tags,
      });
      const s = sim.roleSession(launcherRole, launcherFn.name, {
        ip: rng.pick(w.net.lambdaEgress),
        userAgent: w.userAgents.pythonLambda,
        accessKeyId: key,
        created: t0,
        rng,
      });
      let t = t0;
      const input = `warranty-triage/input/${day}/claims.jsonl`;
      sim.call(rng, t, s, { ...C.s3List(rng, bucket, `warranty-triage/input/${day}/`, s3o), tags });
      t += rng.int(1, 3) * 1000;
      const job = createBatchJob(rng, {
        region: home,
        accountId: acct,
        jobId: id,
        jobName: `warranty-triage-${day.replace(/-/g, '')}`,
        roleArn: batchRole.arn,
        modelId: model,
        inputUri: `s3://${bucket}/${input}`,
        outputUri: `s3://${bucket}/warranty-triage/output/${day}/`,
        timeoutHours: 24,
        tags: [{ key: 'pipeline', value: 'warranty-triage' }],
      });
      sim.call(rng, t, s, { ...job, tags });
      serviceRun(
        t + rng.int(20, 90) * 1000,
        batchRole,
        id,
        [[bucket, input, rng.int(700000, 1400000)]],
        tags,
      );
      // the scheduler re-invokes the launcher every 15 minutes until the job is done
      const done = t + rng.int(70, 110) * MIN;
      let tp = t + 15 * MIN;
      while (tp < done + 15 * MIN) {
        const ps = s.with({ ip: rng.pick(w.net.lambdaEgress) });
        sim.call(rng, tp + rng.int(0, 20) * 1000, ps, {
          ...bedrockX('GetModelInvocationJob', { jobIdentifier: job.jobArn }),
          tags,
        });
        tp += 15 * MIN;
      }
      const cs = s.with({ ip: rng.pick(w.net.lambdaEgress) });
      let tc = tp + rng.int(5, 40) * 1000;
      sim.call(rng, tc, cs, { ...C.s3List(rng, bucket, `warranty-triage/output/${day}/${id}/`, s3o), tags });
      for (const f of ['claims.jsonl.out', 'manifest.json.out']) {
        tc += rng.int(1, 4) * 1000;
        sim.call(rng, tc, cs, {
          ...C.s3Object(rng, 'GetObject', bucket, `warranty-triage/output/${day}/${id}/${f}`, {
            ...s3o,
            bytes: f.startsWith('manifest') ? rng.int(300, 600) : rng.int(1500000, 2600000),
          }),
          tags,
        });
      }
      tc += rng.int(2, 9) * 1000;
      sim.call(rng, tc, cs, {
        ...C.s3Object(rng, 'PutObject', bucket, `warranty-triage/results/${day}/triage.parquet`, {
          ...s3o,
          bytes: rng.int(90000, 180000),
        }),
        tags,
      });
      return job;
    };
    const night1 = nightly(at('2025-11-12T00:05:11Z'));
    nightly(at('2025-11-13T00:05:09Z'));

    // ---- the compromised user's own use from the office (morning of 12 Nov) ------------------
    const ownerS = sim.userSession(user, {
      ip: w.net.office[1],
      userAgent: dsOwner.sdk,
      accessKeyId: leakedKey,
    });
    let to = at('2025-11-12T07:48:30Z');
    sim.call(rng, to, ownerS, C.getCallerIdentity());
    sim.call(
      rng,
      (to += rng.int(2, 5) * 1000),
      ownerS,
      bedrockX('ListModelInvocationJobs', {
        maxResults: 20,
        sortBy: 'CreationTime',
        sortOrder: 'Descending',
      }),
    );
    sim.call(
      rng,
      (to += rng.int(5, 30) * 1000),
      ownerS,
      bedrockX('GetModelInvocationJob', { jobIdentifier: night1.jobArn }),
    );
    sim.call(
      rng,
      (to += rng.int(20, 60) * 1000),
      ownerS,
      C.s3Object(rng, 'GetObject', bucket, `warranty-triage/results/2025-11-12/triage.parquet`, {
        ...s3o,
        bytes: rng.int(90000, 180000),
      }),
    );

    // ---- the actor: recon from a hosting address ---------------------------------------------
    const recon = sim.threat(
      sim.userSession(user, {
        ip: RECON_IP,
        userAgent: UA.boto3(rng.fork('ua-recon'), { family: 'ubuntu' }),
        accessKeyId: leakedKey,
      }),
    );
    let t = at('2025-11-12T19:41:07Z');
    sim.call(rng, t, recon, { ...C.getCallerIdentity(), key: true });
    sim.call(
      rng,
      (t += rng.int(2, 6) * 1000),
      recon,
      C.iamGet('ListAttachedUserPolicies', { userName: user.name }),
    );
    sim.call(rng, (t += rng.int(1, 3) * 1000), recon, C.iamGet('GetUser', { userName: user.name }));
    sim.call(
      rng,
      (t += rng.int(20, 90) * 1000),
      recon,
      C.bedrock('ListFoundationModels', { byInferenceType: 'ON_DEMAND' }),
    );
    sim.call(
      rng,
      (t += rng.int(3, 12) * 1000),
      recon,
      bedrockX('ListInferenceProfiles', { maxResults: 100 }),
    );
    sim.call(rng, (t += rng.int(20, 60) * 1000), recon, {
      ...bedrockX('ListModelInvocationJobs', null),
      key: true,
    });
    sim.call(rng, (t += rng.int(15, 50) * 1000), recon, {
      ...bedrockX('GetModelInvocationJob', { jobIdentifier: night1.jobArn }, null, [night1.jobArn]),
      key: true,
    });
    sim.call(rng, (t += rng.int(40, 120) * 1000), recon, {
      ...C.iamGet('ListRoles', { pathPrefix: '/service-role/' }),
      key: true,
    });
    sim.call(rng, (t += rng.int(5, 20) * 1000), recon, C.iamGet('GetRole', { roleName: batchRole.name }));
    sim.call(
      rng,
      (t += rng.int(3, 9) * 1000),
      recon,
      C.iamGet('ListRolePolicies', { roleName: batchRole.name }),
    );

    // ---- job a: the nightly role, prompts and output outside the organisation ----------------
    const worker = recon.with({ userAgent: UA.awsCli(rng.fork('ua-cli'), 'linux', { family: 'ubuntu' }) });
    t = at('2025-11-12T19:58:31Z');
    const idA = jobId();
    const jobA = createBatchJob(rng, {
      region: home,
      accountId: acct,
      jobId: idA,
      jobName: 'eval-run-1112a',
      roleArn: batchRole.arn,
      modelId: model,
      inputUri: `s3://${OUTSIDE_BUCKET}/batches/in/part-0001.jsonl`,
      inputOwner: OUTSIDE_ACCT,
      outputUri: `s3://${OUTSIDE_BUCKET}/batches/out/`,
      outputOwner: OUTSIDE_ACCT,
      scope: [OUTSIDE_BUCKET],
    });
    sim.call(rng, t, worker, { ...jobA, key: true });
    sim.tag({ malicious: true, scope: 'none' }, () =>
      serviceRun(t + rng.int(20, 70) * 1000, batchRole, idA, [], undefined),
    );
    for (let i = 0; i < 3; i++)
      sim.call(
        rng,
        (t += rng.int(90, 200) * 1000),
        worker,
        bedrockX('GetModelInvocationJob', { jobIdentifier: jobA.jobArn }),
      );

    // ---- find a role that can reach any bucket -----------------------------------------------
    t = at('2025-11-12T20:09:40Z');
    sim.call(rng, t, recon, C.iamGet('ListRoles', null));
    sim.call(rng, (t += rng.int(30, 90) * 1000), recon, {
      ...C.iamGet('GetRole', { roleName: sandboxRole.name }),
      key: true,
    });
    sim.call(rng, (t += rng.int(2, 6) * 1000), recon, {
      ...C.iamGet('ListAttachedRolePolicies', { roleName: sandboxRole.name }),
      key: true,
    });
    sim.call(
      rng,
      (t += rng.int(2, 5) * 1000),
      recon,
      C.iamGet('ListRolePolicies', { roleName: sandboxRole.name }),
    );

    // ---- job b: the sandbox role, the actor's own prompts (large), output outside -----------
    t = at('2025-11-12T20:14:52Z');
    const idB = jobId();
    const jobB = createBatchJob(rng, {
      region: home,
      accountId: acct,
      jobId: idB,
      jobName: 'eval-run-1112b',
      roleArn: sandboxRole.arn,
      modelId: model,
      inputUri: `s3://${OUTSIDE_BUCKET}/batches/in/`,
      inputOwner: OUTSIDE_ACCT,
      outputUri: `s3://${OUTSIDE_BUCKET}/batches/out/`,
      outputOwner: OUTSIDE_ACCT,
      timeoutHours: 72,
      scope: [OUTSIDE_BUCKET],
    });
    sim.call(rng, t, worker, { ...jobB, key: true });
    sim.tag({ malicious: true, scope: 'none' }, () =>
      serviceRun(t + rng.int(20, 70) * 1000, sandboxRole, idB, [], undefined),
    );
    sim.call(
      rng,
      (t += rng.int(120, 300) * 1000),
      worker,
      bedrockX('GetModelInvocationJob', { jobIdentifier: jobB.jobArn }),
    );

    // ---- job c: the team's claims file re-run with output outside ------------------------------
    t = at('2025-11-12T20:31:18Z');
    sim.call(rng, t, worker, { ...C.s3List(rng, bucket, 'warranty-triage/input/', s3o), key: true });
    t += rng.int(20, 60) * 1000;
    const claims = `warranty-triage/input/2025-11-12/claims.jsonl`;
    const idC = jobId();
    const jobC = createBatchJob(rng, {
      region: home,
      accountId: acct,
      jobId: idC,
      jobName: 'eval-run-1112c',
      roleArn: sandboxRole.arn,
      modelId: model,
      inputUri: `s3://${bucket}/${claims}`,
      outputUri: `s3://${OUTSIDE_BUCKET}/batches/out-c/`,
      outputOwner: OUTSIDE_ACCT,
      scope: [OUTSIDE_BUCKET, bucket],
    });
    sim.call(rng, t, worker, { ...jobC, key: true });
    sim.tag({ malicious: true, scope: 'none' }, () => {
      const run = serviceRun(
        t + rng.int(20, 70) * 1000,
        sandboxRole,
        idC,
        [[bucket, claims, rng.int(700000, 1400000)]],
        undefined,
      );
      // the read of the claims file by Bedrock with the sandbox role is what carried the data out
      const get = run.recs[run.recs.length - 1];
      sim.truth.tagRecord({ malicious: true, key: true, scope: 'none' }, 'eventIds', get.eventID, t);
    });
    for (let i = 0; i < 2; i++)
      sim.call(
        rng,
        (t += rng.int(300, 900) * 1000),
        worker,
        bedrockX('GetModelInvocationJob', { jobIdentifier: rng.pick([jobB.jobArn, jobC.jobArn]) }),
      );

    // ---- next morning from a second address -----------------------------------------------------
    const morning = sim.threat(
      sim.userSession(user, {
        ip: MORNING_IP,
        userAgent: UA.awsCli(rng.fork('ua-cli2'), 'linux', { family: 'debian' }),
        accessKeyId: leakedKey,
      }),
    );
    t = at('2025-11-13T05:52:40Z');
    sim.call(rng, t, morning, {
      ...bedrockX('ListModelInvocationJobs', { nameContains: 'eval-run' }),
      key: true,
    });
    for (const j of [jobA, jobB, jobC])
      sim.call(
        rng,
        (t += rng.int(4, 15) * 1000),
        morning,
        bedrockX('GetModelInvocationJob', { jobIdentifier: j.jobArn }),
      );
    t = at('2025-11-13T09:17:05Z');
    sim.call(rng, t, morning, bedrockX('GetModelInvocationJob', { jobIdentifier: jobB.jobArn }));

    sim.truth.addScope('resources', [
      jobA.jobArn,
      jobB.jobArn,
      jobC.jobArn,
      sandboxRole.arn,
      batchRole.arn,
      OUTSIDE_BUCKET,
      bucket,
    ]);

    // GuardDuty: the role discovery from an address the user never used
    sim.tag({ malicious: true, scope: 'none' }, () => {
      const ft = at('2025-11-12T20:31:00Z');
      sim.finding(
        ft,
        finding(rng, w, {
          t: ft,
          type: 'Discovery:IAMUser/AnomalousBehavior',
          severity: 2,
          accessKey: {
            accessKeyId: leakedKey,
            principalId: user.id,
            userType: 'IAMUser',
            userName: user.name,
          },
          title: `Unusual discovery APIs were invoked by user ${user.name}.`,
          description:
            'APIs commonly used in discovery tactics (ListRoles, GetRole, ListAttachedRolePolicies) were invoked by an IAM entity in an anomalous way.',
          api: 'ListAttachedRolePolicies',
          serviceName: 'iam.amazonaws.com',
          remoteIp: {
            ip: RECON_IP,
            asn: 212238,
            asnOrg: 'Datacamp Limited',
            isp: 'Datacamp Limited',
            org: 'Datacamp Limited',
            country: 'Netherlands',
            city: 'Amsterdam',
          },
          firstSeen: at('2025-11-12T20:01:00Z'),
          lastSeen: at('2025-11-12T20:11:00Z'),
          count: 6,
        }),
      );
    });

    // ---- decoy: an ML engineer tests a small job from home (12 Nov afternoon) --------------------
    sim.tag({ decoy: true }, () => {
      let td = at('2025-11-12T13:22:10Z');
      const ip = dsTester.home[0];
      const s = staff.session(dsTester, td, ip, true);
      const u = dsTester.username;
      sim.call(rng, td, s, C.getCallerIdentity());
      sim.call(
        rng,
        (td += rng.int(20, 80) * 1000),
        s,
        C.s3Object(rng, 'PutObject', bucket, `sandbox/${u}/test-120.jsonl`, {
          ...s3o,
          bytes: rng.int(60000, 90000),
        }),
      );
      td += rng.int(30, 90) * 1000;
      const bad = createBatchJob(rng, {
        region: home,
        accountId: acct,
        jobId: jobId(),
        jobName: `${u}-nova-test-1`,
        roleArn: batchRole.arn,
        modelId: 'amazon.nova-lite-v1:0',
        inputUri: `s3://${bucket}/sandbox/${u}/test-120.jsonl`,
        outputUri: `s3://${bucket}/sandbox/${u}/out/`,
      });
      sim.call(rng, td, s, {
        ...bad,
        response: null,
        error: { code: 'ValidationException', message: 'The provided model identifier is invalid.' },
      });
      td += rng.int(60, 240) * 1000;
      const id = jobId();
      const ok = createBatchJob(rng, {
        region: home,
        accountId: acct,
        jobId: id,
        jobName: `${u}-nova-test-2`,
        roleArn: batchRole.arn,
        modelId: 'eu.amazon.nova-lite-v1:0',
        inputUri: `s3://${bucket}/sandbox/${u}/test-120.jsonl`,
        outputUri: `s3://${bucket}/sandbox/${u}/out/`,
      });
      sim.call(rng, td, s, ok);
      serviceRun(
        td + rng.int(20, 60) * 1000,
        batchRole,
        id,
        [[bucket, `sandbox/${u}/test-120.jsonl`, rng.int(60000, 90000)]],
        { decoy: true },
      );
      for (let i = 0; i < 4; i++)
        sim.call(
          rng,
          (td += rng.int(180, 600) * 1000),
          s,
          bedrockX('GetModelInvocationJob', { jobIdentifier: ok.jobArn }),
        );
      sim.call(
        rng,
        (td += rng.int(30, 90) * 1000),
        s,
        C.s3Object(rng, 'GetObject', bucket, `sandbox/${u}/out/${id}/test-120.jsonl.out`, {
          ...s3o,
          bytes: rng.int(120000, 200000),
        }),
      );
    });

    // ---- decoy: the monthly backlog job from the office (planned) --------------------------------
    const tm0 = at('2025-11-13T09:36:00Z');
    sim.planChange({
      ticket: 'CHG-4471',
      window: { start: '2025-11-13T09:00:00Z', end: '2025-11-13T16:00:00Z' },
      owner: dsMonthly.email,
      summary:
        'Monthly warranty backlog re-triage: Bedrock batch job over all open claims of October (about 41k records), role AmazonBedrockBatchRole-warranty-triage, s3://norrsken-ml-batch-io/warranty-backlog/',
    });
    sim.tag({ decoy: true }, () => {
      let tm = tm0;
      const ip = w.net.office[0];
      const s = staff.session(dsMonthly, tm, ip, true);
      sim.call(rng, tm, s, C.getCallerIdentity());
      for (let i = 1; i <= 4; i++)
        sim.call(
          rng,
          (tm += rng.int(8, 30) * 1000),
          s,
          C.s3Object(rng, 'PutObject', bucket, `warranty-backlog/input/2025-10/part-000${i}.jsonl`, {
            ...s3o,
            bytes: rng.int(9000000, 14000000),
          }),
        );
      tm += rng.int(60, 180) * 1000;
      const id = jobId();
      const job = createBatchJob(rng, {
        region: home,
        accountId: acct,
        jobId: id,
        jobName: 'warranty-backlog-2025-10',
        roleArn: batchRole.arn,
        modelId: model,
        inputUri: `s3://${bucket}/warranty-backlog/input/2025-10/`,
        outputUri: `s3://${bucket}/warranty-backlog/output/2025-10/`,
        timeoutHours: 48,
        tags: [{ key: 'change', value: 'CHG-4471' }],
      });
      sim.call(rng, tm, s, job);
      serviceRun(
        tm + rng.int(20, 60) * 1000,
        batchRole,
        id,
        [1, 2, 3, 4].map((i) => [
          bucket,
          `warranty-backlog/input/2025-10/part-000${i}.jsonl`,
          rng.int(9000000, 14000000),
        ]),
        { decoy: true },
      );
      for (let i = 0; i < 6; i++)
        sim.call(
          rng,
          (tm += rng.int(25, 55) * MIN),
          s,
          bedrockX('GetModelInvocationJob', { jobIdentifier: job.jobArn }),
        );
      sim.call(
        rng,
        (tm += rng.int(5, 15) * MIN),
        s,
        C.s3List(rng, bucket, `warranty-backlog/output/2025-10/${id}/`, s3o),
      );
      for (let i = 1; i <= 4; i++)
        sim.call(
          rng,
          (tm += rng.int(5, 20) * 1000),
          s,
          C.s3Object(
            rng,
            'GetObject',
            bucket,
            `warranty-backlog/output/2025-10/${id}/part-000${i}.jsonl.out`,
            { ...s3o, bytes: rng.int(20000000, 30000000) },
          ),
        );
    });
    void HOUR;
  },
});
