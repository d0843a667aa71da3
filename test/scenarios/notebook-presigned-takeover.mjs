// SageMaker notebook takeover through a presigned URL. Norrsken's data scientists work in two
// SageMaker notebook instances (ds-battery-health, ds-ride-telemetry) that share the execution
// role the console created in 2024, later widened by the MLOps team (training data, model
// artefacts, every prod secret and parameter, Bedrock, and a key-rotation helper that may list and
// create access keys of svc-* IAM users). A scheduler Lambda starts the instances at 07:00 and
// stops them at 20:00 Stockholm time; the data scientists open them from the console at the office
// or at home. The labelling vendor Tagwise reviews labels in a third instance (labeling-review)
// through its IAM user ext-tagwise-labeling, whose policy lets it start, describe and open any
// notebook instance (Resource "*").
//
// The vendor's key is stolen. On the evening of 18 November, from a hosting address, the actor
// lists and describes the notebook instances (iam:GetRole is denied), starts ds-battery-health after
// the scheduler had stopped it, and calls CreatePresignedNotebookInstanceUrl for it. In the Jupyter
// terminal, with the execution role's credentials (the AWS CLI preinstalled on the instance), the
// actor lists buckets, downloads battery-telemetry training files (riders' GPS traces) and the
// current model artefact, reads secrets and parameters, tries Bedrock, lists IAM users and creates a
// second access key for svc-bedrock-poc (AmazonBedrockFullAccess), then stops the instance. From
// another hosting address the new key is used overnight to resell model access.
//
// Decoys: the scheduler's daily start and stop of all three instances, the data scientists opening
// their notebooks from the office and home and working in them (the same role, the same APIs,
// including the telemetry database secret), and the vendor's own presigned URLs for labeling-review
// from its Tallinn office.

import {
  addAccessKey,
  C,
  defineScenario,
  finding,
  HOUR,
  iamRole,
  iamUser,
  MIN,
  Playbooks,
  Prompts,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import { NORRSKEN, sagemaker, TAGWISE_OFFICE } from './_worlds-k.mjs';

const V = '2012-10-17';
const ACTOR_IP = '194.36.191.57'; // hosting provider
const RESALE_IP = '141.98.11.144'; // hosting provider
const SM_TRUST = {
  Version: V,
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
};
const LAMBDA_TRUST = {
  Version: V,
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
// public addresses SageMaker gives a notebook instance with direct internet access, per start
const EGRESS = {
  'ds-battery-health': ['13.61.104.27', '13.50.212.9'],
  'ds-ride-telemetry': ['16.171.33.140', '13.61.7.201'],
  'labeling-review': ['16.171.90.12', '13.60.201.44'],
};
const ACTOR_RUN_EGRESS = '13.50.49.183';

export default defineScenario({
  name: 'notebook-presigned-takeover',
  seed: 'fresh-k/notebook-presigned-takeover/v1',
  start: '2025-11-18T00:00:00Z',
  days: 2,
  world: NORRSKEN,
  background: {
    intensity: 0.9,
    chatbot: { conversationsPerHour: 45 },
    agent: { sessionsPerHour: 4 },
    ops: { random: 2 },
  },
  alert:
    'On the morning of 19 November the platform team noticed that svc-bedrock-poc, an IAM user the ML proof of concept uses with one access key, has a second access key created at 23:2x Stockholm time on 18 November, and that Bedrock usage in eu-north-1 was high overnight. GuardDuty reported a persistence finding.',
  truth: {
    description:
      "The long-term access key of ext-tagwise-labeling, the labelling vendor's IAM user (allowed to start, describe and open any SageMaker notebook instance, not only labeling-review), was used on 18 November from 194.36.191.57, a hosting address the vendor never used (it works from 212.47.219.84-85 in Tallinn). At 21:47 Stockholm time the actor listed and described the notebook instances (iam:GetRole was denied), started ds-battery-health after the scheduler had stopped it and, once it was in service, called CreatePresignedNotebookInstanceUrl for it. In the notebook's Jupyter terminal the actor used the execution role AmazonSageMaker-ExecutionRole-20240312T101544 (the run's credentials, egress 13.50.49.183, AWS CLI v1): listed buckets, downloaded battery-telemetry training files with riders' GPS traces and the battery-health model artefact, listed secrets and read the telemetry, orders database and partner API secrets and the prod parameters, invoked a Bedrock model twice, listed IAM users and the keys and policies of svc-bedrock-poc and created a second access key for it (persistence; GuardDuty reported it), then stopped the instance. From 02:10 on 19 November the new key was used from 141.98.11.144 to resell model access (role play and bulk writing through Converse and InvokeModel) until the morning. Containment: deactivate the vendor key and the new svc-bedrock-poc key, rotate the three secrets, scope the vendor policy to labeling-review and restrict the execution role. The scheduler's starts and stops, the data scientists' presigned URLs and their notebook work (including the telemetry database secret) and the vendor's own use of labeling-review from Tallinn are legitimate.",
    elements: ['access', 'infrastructure-changes', 'invocation', 'private-data'],
    components: ['foundation-models', 'training-data'],
    extra: {
      coverageGaps: [
        "What the actor did inside Jupyter (files viewed or downloaded through the browser, outbound connections from the instance) is not in CloudTrail; only the execution role's AWS API calls are.",
      ],
    },
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const acct = w.account.id;
    const home = w.homeRegion;
    const slug = w.company.slug;
    const staff = actors.staff;
    const training = w.res.buckets.training;
    const artifacts = w.res.buckets.modelArtifacts;
    const labelBucket = `${slug}-labeling-exchange`;
    w.res.dataEventBuckets.push(labelBucket);
    const s3o = { accountId: acct, region: home };
    const nbArn = (n) => `arn:aws:sagemaker:${home}:${acct}:notebook-instance/${n}`;
    const telemetrySecret = {
      name: `prod/${slug}/telemetry-db`,
      arn: `arn:aws:secretsmanager:${home}:${acct}:secret:prod/${slug}/telemetry-db-${rng.base62(6)}`,
    };
    w.res.secrets.push(telemetrySecret);
    const secretCall = (sec) => ({ ...C.getSecretValue(sec), scope: [sec.arn] });

    // ---- principals -----------------------------------------------------------------------
    const execRole = iamRole(rng, acct, 'AmazonSageMaker-ExecutionRole-20240312T101544', {
      path: '/service-role/',
      trust: SM_TRUST,
      created: at('2024-03-12T10:15:44Z'),
      description: 'SageMaker execution role created by the console',
    });
    execRole.attached.push('arn:aws:iam::aws:policy/AmazonSageMakerFullAccess');
    execRole.inline.push({
      name: 'ml-notebook-access',
      document: {
        Version: V,
        Statement: [
          {
            Effect: 'Allow',
            Action: ['s3:*'],
            Resource: [
              `arn:aws:s3:::${training}`,
              `arn:aws:s3:::${training}/*`,
              `arn:aws:s3:::${artifacts}`,
              `arn:aws:s3:::${artifacts}/*`,
            ],
          },
          { Effect: 'Allow', Action: ['s3:ListAllMyBuckets'], Resource: '*' },
          {
            Effect: 'Allow',
            Action: [
              'secretsmanager:GetSecretValue',
              'secretsmanager:ListSecrets',
              'secretsmanager:DescribeSecret',
            ],
            Resource: '*',
          },
          {
            Effect: 'Allow',
            Action: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParametersByPath'],
            Resource: `arn:aws:ssm:${home}:${acct}:parameter/${slug}/*`,
          },
          {
            Effect: 'Allow',
            Action: ['bedrock:InvokeModel', 'bedrock:Converse', 'bedrock:ListFoundationModels'],
            Resource: '*',
          },
        ],
      },
    });
    execRole.inline.push({
      name: 'mlops-key-rotation-helper',
      document: {
        Version: V,
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              'iam:ListUsers',
              'iam:ListAccessKeys',
              'iam:ListAttachedUserPolicies',
              'iam:CreateAccessKey',
              'iam:UpdateAccessKey',
              'iam:DeleteAccessKey',
            ],
            Resource: `arn:aws:iam::${acct}:user/svc-*`,
          },
          { Effect: 'Allow', Action: 'iam:ListUsers', Resource: '*' },
        ],
      },
    });
    w.roles.notebook = execRole;
    const labelRole = iamRole(rng, acct, `${slug}-labeling-notebook-role`, {
      trust: SM_TRUST,
      created: at('2025-02-04T12:30:00Z'),
      description: 'labeling-review notebook (Tagwise)',
    });
    labelRole.inline.push({
      name: 'labeling-exchange',
      document: {
        Version: V,
        Statement: [
          {
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
            Resource: [`arn:aws:s3:::${labelBucket}`, `arn:aws:s3:::${labelBucket}/*`],
          },
        ],
      },
    });
    w.roles.labeling = labelRole;
    const schedRole = iamRole(rng, acct, `${slug}-notebook-scheduler-role`, {
      trust: LAMBDA_TRUST,
      created: at('2024-06-20T08:00:00Z'),
      description: 'Starts notebook instances at 07:00 and stops them at 20:00',
    });
    schedRole.attached.push('arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole');
    schedRole.inline.push({
      name: 'notebook-schedule',
      document: {
        Version: V,
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              'sagemaker:StartNotebookInstance',
              'sagemaker:StopNotebookInstance',
              'sagemaker:ListNotebookInstances',
              'sagemaker:DescribeNotebookInstance',
            ],
            Resource: '*',
          },
        ],
      },
    });
    w.roles.scheduler = schedRole;
    const schedFn = {
      name: `${slug}-notebook-scheduler`,
      arn: `arn:aws:lambda:${home}:${acct}:function:${slug}-notebook-scheduler`,
      runtime: 'python3.12',
    };
    w.res.functions.notebookScheduler = schedFn;
    w.res.logGroups.push(`/aws/lambda/${schedFn.name}`);

    const vendor = iamUser(rng, acct, 'ext-tagwise-labeling', {
      created: at('2025-02-04T12:41:10Z'),
      tags: [
        { Key: 'vendor', Value: 'Tagwise OU (labelling)' },
        { Key: 'owner', Value: `ml-team@${w.company.domain}` },
      ],
    });
    addAccessKey(rng, vendor, at('2025-02-04T12:42:03Z'));
    vendor.inline.push({
      name: 'tagwise-labeling-notebook',
      document: {
        Version: V,
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              'sagemaker:CreatePresignedNotebookInstanceUrl',
              'sagemaker:DescribeNotebookInstance',
              'sagemaker:ListNotebookInstances',
              'sagemaker:StartNotebookInstance',
              'sagemaker:StopNotebookInstance',
            ],
            Resource: '*',
          },
          {
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
            Resource: [`arn:aws:s3:::${labelBucket}`, `arn:aws:s3:::${labelBucket}/*`],
          },
        ],
      },
    });
    w.users[vendor.name] = vendor;
    const vendorKey = vendor.accessKeys[0].id;
    const poc = w.users['svc-bedrock-poc'];

    const ml = w.people.filter((p) => p.team === 'ml');
    const owners = { 'ds-battery-health': ml[0], 'ds-ride-telemetry': ml[1] ?? ml[0] };
    const instances = {
      'ds-battery-health': execRole,
      'ds-ride-telemetry': execRole,
      'labeling-review': labelRole,
    };

    // ---- instance runs: the service assumes the execution role at each start ------------------
    const smSvc = sim.serviceSession('sagemaker.amazonaws.com');
    const run = (name, t, ip, tags) => {
      const role = instances[name];
      const key = rng.iamId('ASIA');
      sim.call(rng, t, smSvc, { ...C.assumeRole(rng, role, 'SageMaker', key, t, { duration: 43200 }), tags });
      return sim.roleSession(role, 'SageMaker', {
        ip,
        userAgent: w.userAgents.notebook,
        accessKeyId: key,
        created: t,
        rng,
      });
    };

    // ---- decoy: the scheduler starts and stops every instance on weekdays ---------------------
    const lambdaSvc = sim.serviceSession('lambda.amazonaws.com');
    const sessions = {}; // `${name}|${day}` -> notebook role session
    for (const [d, day] of [
      [0, '2025-11-18'],
      [1, '2025-11-19'],
    ]) {
      for (const [hh, op] of [
        ['06:00', 'StartNotebookInstance'],
        ['19:00', 'StopNotebookInstance'],
      ]) {
        if (d === 1 && op === 'StopNotebookInstance') continue; // 20:00 on the 19th is after the window's evidence of interest, still emitted below
        const t0 = at(`${day}T${hh}:00Z`) + rng.int(1, 20) * 1000;
        const key = rng.iamId('ASIA');
        sim.tag({ decoy: true }, () => {
          sim.call(rng, t0 - 1500, lambdaSvc, C.assumeRole(rng, schedRole, schedFn.name, key, t0));
          const s = sim.roleSession(schedRole, schedFn.name, {
            ip: rng.pick(w.net.lambdaEgress),
            userAgent: w.userAgents.pythonLambda,
            accessKeyId: key,
            created: t0,
            rng,
          });
          let t = t0;
          sim.call(rng, t, s, sagemaker('ListNotebookInstances', { maxResults: 50 }));
          for (const name of Object.keys(instances)) {
            sim.call(
              rng,
              (t += rng.int(300, 900)),
              s,
              sagemaker(op, { notebookInstanceName: name }, null, [nbArn(name)]),
            );
          }
        });
        if (op === 'StartNotebookInstance') {
          for (const name of Object.keys(instances)) {
            const ts = t0 + rng.int(4, 7) * MIN;
            sessions[`${name}|${d}`] = sim.tag({ decoy: true }, () =>
              run(name, ts, EGRESS[name][d], undefined),
            );
          }
        }
      }
    }
    // the stop of the 19th
    sim.tag({ decoy: true }, () => {
      const t0 = at('2025-11-19T19:00:00Z') + rng.int(1, 20) * 1000;
      const key = rng.iamId('ASIA');
      sim.call(rng, t0 - 1500, lambdaSvc, C.assumeRole(rng, schedRole, schedFn.name, key, t0));
      const s = sim.roleSession(schedRole, schedFn.name, {
        ip: rng.pick(w.net.lambdaEgress),
        userAgent: w.userAgents.pythonLambda,
        accessKeyId: key,
        created: t0,
        rng,
      });
      let t = t0;
      sim.call(rng, t, s, sagemaker('ListNotebookInstances', { maxResults: 50 }));
      for (const name of Object.keys(instances))
        sim.call(
          rng,
          (t += rng.int(300, 900)),
          s,
          sagemaker('StopNotebookInstance', { notebookInstanceName: name }, null, [nbArn(name)]),
        );
    });

    // ---- decoy: data scientists open their notebooks and work in them -----------------------------
    const presigned = (name) =>
      sagemaker(
        'CreatePresignedNotebookInstanceUrl',
        { notebookInstanceName: name },
        { authorizedUrl: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
        [nbArn(name)],
      );
    for (const [name, p] of Object.entries(owners)) {
      for (const [d, day] of [
        [0, '2025-11-18'],
        [1, '2025-11-19'],
      ]) {
        const fromHome = (d === 0) === (name === 'ds-ride-telemetry');
        const ip = fromHome ? p.home[0] : w.net.office[d % 2];
        let t = at(`${day}T07:${String(rng.int(5, 55)).padStart(2, '0')}:00Z`);
        const cons = staff.session(p, t, ip, false);
        sim.tag({ decoy: true }, () => {
          sim.call(rng, t, cons, sagemaker('ListNotebookInstances', null));
          sim.call(
            rng,
            (t += rng.int(3, 20) * 1000),
            cons,
            sagemaker('DescribeNotebookInstance', { notebookInstanceName: name }, null, [nbArn(name)]),
          );
          sim.call(rng, (t += rng.int(2, 10) * 1000), cons, presigned(name));
          // after lunch the tab is reopened
          const t2 = at(`${day}T12:${String(rng.int(10, 50)).padStart(2, '0')}:00Z`);
          sim.call(rng, t2, cons.with({ ip }), presigned(name));
        });
        // work in the notebook: data reads, results, now and then the telemetry DB secret and a model
        const nb = sessions[`${name}|${d}`];
        let tw = t + rng.int(2, 6) * MIN;
        const end = at(`${day}T16:30:00Z`) + rng.int(0, 60) * MIN;
        const prefix = name === 'ds-battery-health' ? 'battery-telemetry' : 'ride-telemetry';
        let n = 0;
        while (tw < end) {
          tw += Math.round(rng.exp(14 * MIN));
          if (tw >= end) break;
          const k = rng.weighted([
            ['get', 5],
            ['list', 2],
            ['put', 1.5],
            ['secret', 0.6],
            ['invoke', 0.8],
          ]);
          if (k === 'get')
            sim.call(
              rng,
              tw,
              nb,
              C.s3Object(
                rng,
                'GetObject',
                training,
                `${prefix}/2025/${rng.pick(['09', '10', '11'])}/part-${String(rng.int(0, 63)).padStart(5, '0')}.parquet`,
                { ...s3o, bytes: rng.int(4000000, 28000000) },
              ),
            );
          else if (k === 'list') sim.call(rng, tw, nb, C.s3List(rng, training, `${prefix}/2025/`, s3o));
          else if (k === 'put')
            sim.call(
              rng,
              tw,
              nb,
              C.s3Object(
                rng,
                'PutObject',
                artifacts,
                `experiments/${p.username}/${name}/run-${String(++n).padStart(3, '0')}/metrics.json`,
                { ...s3o, bytes: rng.int(2000, 9000) },
              ),
            );
          else if (k === 'secret') sim.call(rng, tw, nb, { ...secretCall(telemetrySecret), decoy: true });
          else {
            const task = Prompts.devTask(rng, w);
            sim.runtime(rng, tw, nb, {
              op: 'Converse',
              modelId: 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0',
              region: home,
              prompt: task.user,
              answer: task.answer,
              maxTokens: 2048,
              temperature: 0.2,
            });
          }
        }
      }
    }

    // ---- decoy: the vendor's own use of labeling-review from Tallinn ----------------------------
    const tagwiseUa = UA.boto3(rng.fork('ua-tagwise'), { os: 'windows' });
    for (const [d, day] of [
      [0, '2025-11-18'],
      [1, '2025-11-19'],
    ]) {
      const s = sim.userSession(vendor, {
        ip: TAGWISE_OFFICE[d],
        userAgent: tagwiseUa,
        accessKeyId: vendorKey,
      });
      let t = at(`${day}T08:${String(rng.int(2, 40)).padStart(2, '0')}:00Z`);
      sim.tag({ decoy: true }, () => {
        sim.call(
          rng,
          t,
          s,
          sagemaker('DescribeNotebookInstance', { notebookInstanceName: 'labeling-review' }, null, [
            nbArn('labeling-review'),
          ]),
        );
        sim.call(rng, (t += rng.int(1, 4) * 1000), s, presigned('labeling-review'));
        sim.call(rng, (t += rng.int(3, 5) * HOUR), s, presigned('labeling-review'));
      });
      const nb = sessions[`labeling-review|${d}`];
      let tl = at(`${day}T08:30:00Z`);
      for (let i = 0; i < 14; i++) {
        tl += rng.int(10, 30) * MIN;
        sim.call(
          rng,
          tl,
          nb,
          rng.chance(0.6)
            ? C.s3Object(
                rng,
                'GetObject',
                labelBucket,
                `review/batch-${day.replace(/-/g, '')}/${rng.hex(8)}.json`,
                { ...s3o, bytes: rng.int(3000, 40000) },
              )
            : C.s3Object(
                rng,
                'PutObject',
                labelBucket,
                `labels/${day.replace(/-/g, '')}/${rng.hex(8)}.json`,
                { ...s3o, bytes: rng.int(800, 4000) },
              ),
        );
      }
    }

    // ---- the actor: the vendor key from a hosting address ------------------------------------------
    const vs = sim.threat(
      sim.userSession(vendor, {
        ip: ACTOR_IP,
        userAgent: UA.awsCli(rng.fork('ua-actor'), 'linux', { family: 'debian' }),
        accessKeyId: vendorKey,
      }),
    );
    let t = at('2025-11-18T20:47:12Z');
    sim.call(rng, t, vs, { ...C.getCallerIdentity(), key: true });
    sim.call(rng, (t += rng.int(10, 40) * 1000), vs, {
      ...sagemaker('ListNotebookInstances', null),
      key: true,
    });
    for (const name of ['labeling-review', 'ds-battery-health', 'ds-ride-telemetry']) {
      sim.call(rng, (t += rng.int(5, 25) * 1000), vs, {
        ...sagemaker('DescribeNotebookInstance', { notebookInstanceName: name }, null, [nbArn(name)]),
        key: name === 'ds-battery-health',
      });
    }
    const gr = C.iamGet('GetRole', { roleName: execRole.name });
    sim.call(rng, (t += rng.int(10, 30) * 1000), vs, {
      ...gr,
      response: null,
      error: {
        code: 'AccessDenied',
        message: `User: ${vendor.arn} is not authorized to perform: iam:GetRole on resource: role ${execRole.name} because no identity-based policy allows the iam:GetRole action`,
      },
    });
    t = at('2025-11-18T20:53:40Z');
    sim.call(rng, t, vs, {
      ...sagemaker('StartNotebookInstance', { notebookInstanceName: 'ds-battery-health' }, null, [
        nbArn('ds-battery-health'),
      ]),
      key: true,
    });
    const tRun = t + rng.int(4, 6) * MIN;
    const nb = sim.tag({ malicious: true, scope: 'none' }, () =>
      run('ds-battery-health', tRun, ACTOR_RUN_EGRESS, undefined),
    );
    for (let i = 0; i < 3; i++)
      sim.call(
        rng,
        (t += rng.int(90, 150) * 1000),
        vs,
        sagemaker('DescribeNotebookInstance', { notebookInstanceName: 'ds-battery-health' }, null, [
          nbArn('ds-battery-health'),
        ]),
      );
    t = Math.max(t, tRun) + rng.int(40, 90) * 1000;
    sim.call(rng, t, vs, { ...presigned('ds-battery-health'), key: true });

    // ---- in the Jupyter terminal: the execution role -------------------------------------------------
    const term = sim.threat(
      nb.with({ userAgent: UA.awsCli(rng.fork('ua-term'), 'linux', { family: 'ec2', v1: true }) }),
    );
    t += rng.int(3, 6) * MIN;
    sim.call(rng, t, term, { ...C.getCallerIdentity(), key: true });
    sim.call(rng, (t += rng.int(10, 40) * 1000), term, {
      ...C.s3ListBuckets(rng, { region: home }),
      key: true,
    });
    sim.call(rng, (t += rng.int(20, 60) * 1000), term, C.s3List(rng, training, '', s3o));
    sim.call(rng, (t += rng.int(5, 20) * 1000), term, C.s3List(rng, training, 'battery-telemetry/', s3o));
    for (let i = 0; i < 9; i++) {
      const k = `battery-telemetry/2025/${rng.pick(['08', '09', '10'])}/part-${String(i * 7 + rng.int(0, 6)).padStart(5, '0')}.parquet`;
      sim.call(rng, (t += rng.int(4, 15) * 1000), term, {
        ...C.s3Object(rng, 'GetObject', training, k, { ...s3o, bytes: rng.int(18000000, 30000000) }),
        key: i === 0,
      });
    }
    sim.call(rng, (t += rng.int(30, 90) * 1000), term, C.s3List(rng, artifacts, 'battery-health/', s3o));
    sim.call(rng, (t += rng.int(5, 20) * 1000), term, {
      ...C.s3Object(rng, 'GetObject', artifacts, 'battery-health/v12/model.tar.gz', {
        ...s3o,
        bytes: rng.int(140000000, 190000000),
      }),
      key: true,
    });
    sim.call(rng, (t += rng.int(60, 180) * 1000), term, {
      ...C.call('secretsmanager:ListSecrets', { maxResults: 100 }),
      key: true,
    });
    for (const sec of [telemetrySecret, w.res.secrets[1], w.res.secrets[2]])
      sim.call(rng, (t += rng.int(5, 30) * 1000), term, { ...secretCall(sec), key: true });
    sim.call(rng, (t += rng.int(20, 60) * 1000), term, {
      ...C.call('ssm:GetParametersByPath', { path: `/${slug}/prod`, recursive: true, withDecryption: true }),
      key: true,
    });
    t += rng.int(60, 200) * 1000;
    for (let i = 0; i < 2; i++) {
      const task = Prompts.devTask(rng, w);
      sim.runtime(rng, (t += rng.int(20, 60) * 1000), term, {
        op: 'InvokeModel',
        modelId: 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0',
        region: home,
        prompt: i === 0 ? 'hi' : task.user,
        answer: i === 0 ? 'Hello! How can I help you today?' : task.answer,
        maxTokens: 200,
        key: i === 0,
      });
    }
    t = at('2025-11-18T22:19:30Z');
    sim.call(rng, t, term, { ...C.iamGet('ListUsers', null), key: true });
    sim.call(
      rng,
      (t += rng.int(20, 60) * 1000),
      term,
      C.iamGet('ListAttachedUserPolicies', { userName: poc.name }),
    );
    sim.call(rng, (t += rng.int(5, 15) * 1000), term, C.iamGet('ListAccessKeys', { userName: poc.name }));
    t += rng.int(30, 90) * 1000;
    const newKey = addAccessKey(rng, poc, t);
    sim.call(rng, t, term, { ...C.iamCreateAccessKey(poc.name, newKey.id, t, acct), key: true });
    sim.truth.addScope('accessKeyIds', newKey.id);
    const tKey = t;
    t = at('2025-11-18T22:41:15Z');
    sim.call(rng, t, vs, {
      ...sagemaker('StopNotebookInstance', { notebookInstanceName: 'ds-battery-health' }, null, [
        nbArn('ds-battery-health'),
      ]),
      key: true,
    });

    // ---- the new key resells model access overnight -------------------------------------------------
    const resale = sim.threat(
      sim.userSession(poc, {
        ip: RESALE_IP,
        userAgent: UA.boto3(rng.fork('ua-resale'), { family: 'ubuntu-aws' }),
        accessKeyId: newKey.id,
      }),
    );
    let tr = at('2025-11-19T01:10:20Z');
    sim.call(rng, tr, resale, { ...C.getCallerIdentity(), key: true });
    sim.call(rng, (tr += rng.int(10, 40) * 1000), resale, C.bedrock('ListFoundationModels', null));
    Playbooks.abuseModels(sim, rng.fork('resale'), resale, tr + 2 * MIN, at('2025-11-19T05:40:00Z'), {
      targets: [
        { region: home, model: 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0', op: 'Converse', weight: 3 },
        {
          region: home,
          model: 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0',
          op: 'InvokeModel',
          weight: 1.5,
        },
        {
          region: 'eu-central-1',
          model: 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0',
          op: 'Converse',
          weight: 1,
        },
      ],
      perHour: 45,
      content: 'mixed',
      keyFirst: true,
    });

    // GuardDuty
    sim.tag({ malicious: true, scope: 'none' }, () => {
      const ft = tKey + rng.int(6, 18) * MIN;
      sim.finding(
        ft,
        finding(rng, w, {
          t: ft,
          type: 'Persistence:IAMUser/AnomalousBehavior',
          severity: 5,
          accessKey: {
            accessKeyId: nb.accessKeyId,
            principalId: nb.identity.principalId,
            userType: 'AssumedRole',
            userName: execRole.name,
          },
          title: `An API commonly used to maintain unauthorized access was invoked by role ${execRole.name}.`,
          description:
            'APIs commonly used in persistence tactics (CreateAccessKey) were invoked by an IAM entity in an anomalous way.',
          api: 'CreateAccessKey',
          serviceName: 'iam.amazonaws.com',
          remoteIp: {
            ip: ACTOR_RUN_EGRESS,
            asn: 16509,
            asnOrg: 'AMAZON-02',
            isp: 'Amazon.com',
            org: 'Amazon.com',
            country: 'Sweden',
            city: 'Stockholm',
          },
          firstSeen: tKey,
          lastSeen: tKey,
          count: 1,
        }),
      );
    });
    sim.truth.addScope('resources', [nbArn('ds-battery-health'), execRole.arn, poc.arn]);
  },
});
