// Training-data theft through a KMS grant. Hanul Appliance's fine-tuning data for "Repair Assist"
// (datasets/repair-assist-ft/) and the raw technician visit notes it is built from
// (raw/service-visits/: customer names, phone numbers, addresses, serials, faults) sit in the
// SSE-KMS bucket hanul-ml-training-data, encrypted with the customer managed key
// alias/hanul-ml-training. An ML engineer still has a legacy IAM user with a long-term access key
// (kms:CreateGrant on that key, s3:PutBucketPolicy on that bucket: he manages grants for the team's
// SageMaker processing jobs). The key leaks (a dotfiles repository); at night, from a hosting
// address and with a client the engineer never uses, the actor checks the key, looks at the
// bucket's encryption and policy, the key and its grants, then CreateGrant gives the role
// ml-dataset-sync of account 604718253390 (outside the organisation) Decrypt on the key, and
// PutBucketPolicy adds a statement letting that role list and read the bucket. From two other
// hosting addresses that role then lists and downloads the fine-tuning sets and the raw visit
// notes, two nights running; every object read appears as an S3 data event in Hanul's account with
// the outside account as caller, and as the Decrypt that S3 makes with the grant.
//
// Decoys: the data platform team's planned change (calendar) that shares eval/ with the
// organisation's own analytics account: the same two APIs (CreateGrant to a role of another
// account, PutBucketPolicy with a cross-account principal, org-conditioned), made by an
// administrator from the office, and that account's notebook reads of eval/ with their Decrypts;
// the engineer's own daytime work with the same access key from the office (reads, an upload, a
// grant for an in-account SageMaker processing role); the ML pipeline's Bedrock customization job
// with the custom model encrypted under the same key, for which Bedrock creates a grant to
// bedrock.amazonaws.com through the pipeline's session (forward access session, invokedBy) and
// whose service role reads the training set; background staff, CI and the chatbot.

import {
  addAccessKey,
  C,
  crossAccountSession,
  defineScenario,
  iamUser,
  MIN,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import { HANUL, HANUL_ANALYTICS, HANUL_ORG, kmsCall, HANUL_ML as ML } from './_worlds-t.mjs';

const VPS_ACTOR = '193.29.59.148'; // hosting provider, the stolen key's use
const VPS_SYNC_1 = '45.141.215.37'; // hosting provider, the outside role's reads (night 1)
const VPS_SYNC_2 = '45.141.215.92'; // same provider, night 2
const EXT_ACCOUNT = '604718253390';
const EXT_ROLE = `arn:aws:iam::${EXT_ACCOUNT}:role/ml-dataset-sync`;
const ANALYTICS_ROLE = `arn:aws:iam::${HANUL_ANALYTICS}:role/${ML.analyticsRole}`;

export default defineScenario({
  name: 'kms-grant-training-exfil',
  seed: 'writer-t/kms-grant-training-exfil/v1',
  start: '2026-02-10T00:00:00Z',
  days: 2,
  world: {
    ...HANUL,
    extraRoles: [
      {
        key: 'smProcessing',
        name: 'hanul-sagemaker-processing-role',
        trust: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        },
        description: 'SageMaker processing jobs that build the Repair Assist datasets',
      },
    ],
  },
  shapes: { jsonl: 0.03 },
  background: {
    intensity: 0.9,
    chatbot: { conversationsPerHour: 50 },
    agent: { sessionsPerHour: 4 },
    ops: { events: ['rotate'], random: 1 },
  },
  alert:
    'IAM Access Analyzer (zone of trust: the organisation) raised two new active findings on 11 February: the KMS key alias/hanul-ml-training (training data) and the S3 bucket hanul-ml-training-data are accessible from an account outside the organisation. Nobody on the ML or data platform teams recognises the account.',
  truth: {
    description:
      "The long-term access key of an ML engineer's legacy IAM user (kms:CreateGrant and Decrypt on the training-data key alias/hanul-ml-training, s3 read/write and PutBucketPolicy on hanul-ml-training-data) was used at night from a hosting address (193.29.59.148) with a client the engineer does not use. The actor called GetCallerIdentity, was denied the user's IAM policies, listed the buckets, read the training bucket's encryption and policy, described the key, read its policy and listed its grants, listed the datasets and the raw service-visit notes, then called CreateGrant on the key with grantee arn:aws:iam::604718253390:role/ml-dataset-sync (Decrypt, DescribeKey), an account outside the organisation, and PutBucketPolicy adding a statement (DatasetReplicationRead) that lets that role list and get the bucket's objects. From 45.141.215.37 that night and 45.141.215.92 the next night the outside role listed the bucket and downloaded the Repair Assist fine-tuning sets (v5 to v7) and the raw service-visit exports with customers' names, phone numbers and addresses; S3 decrypted every object with the key through the grant (Decrypt records in Hanul's account with the outside account as caller). The data platform team's planned grant and bucket-policy statement for the organisation's analytics account (CHG-4471) and that account's reads of eval/, the engineer's own daytime work from the office (including a grant for the in-account SageMaker processing role), and the Bedrock customization job's grant to bedrock.amazonaws.com and its service role's reads are legitimate.",
    elements: ['access', 'data-store-changes', 'private-data'],
    components: ['training-data'],
    scope: { principals: [EXT_ROLE] },
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const acct = w.account.id;
    const region = w.homeRegion;
    const bucket = w.res.buckets.training;
    const keyId = w.res.kmsBuckets[bucket];
    const keyArn = `arn:aws:kms:${region}:${acct}:key/${keyId}`;
    const smRole = w.roles.smProcessing;

    // ---- the engineer and his legacy IAM user ----
    const eng = w.people.find((p) => p.team === 'ml');
    const user = iamUser(rng, acct, `${eng.username}-ml`, {
      created: at('2023-04-17T01:12:40Z'),
      tags: [
        { Key: 'owner', Value: eng.email },
        { Key: 'purpose', Value: 'ML engineering CLI (pre-SSO); scheduled for removal' },
      ],
    });
    addAccessKey(rng, user, at('2025-06-02T05:41:09Z'));
    user.groups.push('MLEngineers');
    user.inline.push({
      name: 'ml-training-data',
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              's3:ListBucket',
              's3:GetObject',
              's3:PutObject',
              's3:GetBucketPolicy',
              's3:PutBucketPolicy',
              's3:GetEncryptionConfiguration',
            ],
            Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
          },
          { Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' },
          {
            Effect: 'Allow',
            Action: [
              'kms:Decrypt',
              'kms:GenerateDataKey',
              'kms:DescribeKey',
              'kms:GetKeyPolicy',
              'kms:ListGrants',
              'kms:CreateGrant',
              'kms:RevokeGrant',
            ],
            Resource: keyArn,
          },
          {
            Effect: 'Allow',
            Action: [
              'bedrock:GetModelCustomizationJob',
              'bedrock:ListModelCustomizationJobs',
              'bedrock:ListCustomModels',
            ],
            Resource: '*',
          },
        ],
      },
    });
    w.users[user.name] = user;
    const userKey = user.accessKeys[0].id;

    const s3o = (op, key, extra = {}) =>
      C.s3Object(rng, op, bucket, key, { accountId: acct, region, ...extra });
    const s3b = (op) => ({ ...C.s3Bucket(rng, op, bucket, { accountId: acct, region }), scope: [bucket] });
    const list = (prefix) => C.s3List(rng, bucket, prefix, { accountId: acct, region });
    const visitKey = (day, n) => `${ML.rawPrefix}/${day}/part-${String(n).padStart(4, '0')}.jsonl.gz`;
    const ds = (v, f) => `${ML.dataset}/${v}/${f}.jsonl`;
    const grantId = () => rng.hex(64);
    const createGrant = (params) =>
      kmsCall('CreateGrant', { keyId: keyArn, ...params }, { grantId: grantId(), keyId: keyArn }, keyArn, [
        keyArn,
      ]);
    const listGrants = () => kmsCall('ListGrants', { keyId: keyArn }, null, keyArn);
    const describeKey = (id) => kmsCall('DescribeKey', { keyId: id }, null, keyArn);
    const getKeyPolicy = () =>
      kmsCall('GetKeyPolicy', { keyId: keyArn, policyName: 'default' }, null, keyArn);
    const putPolicy = (statements) => ({
      api: 's3:PutBucketPolicy',
      region,
      params: {
        bucketPolicy: { Version: '2012-10-17', Statement: statements },
        bucketName: bucket,
        Host: `${bucket}.s3.${region}.amazonaws.com`,
        policy: '',
      },
      additional: {
        SignatureVersion: 'SigV4',
        CipherSuite: 'TLS_AES_128_GCM_SHA256',
        bytesTransferredIn: 0,
        AuthenticationMethod: 'AuthHeader',
        'x-amz-id-2': rng.base62(76) + '=',
        bytesTransferredOut: 0,
      },
      resources: [{ accountId: acct, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }],
      scope: [bucket],
    });
    // Decrypt that S3 makes for a caller of another account (not made by the generator's SSE hook)
    const crossDecrypt = (sess, t, key, tags) =>
      sim.call(
        rng,
        t + rng.int(0, 1) * 1000,
        sess.with({
          ip: 'AWS Internal',
          userAgent: 'AWS Internal',
          tls: null,
          identity: { ...sess.identity, invokedBy: 'AWS Internal' },
        }),
        { ...C.kmsDecrypt(keyArn, { 'aws:s3:arn': `arn:aws:s3:::${bucket}/${key}` }), tags },
      );

    // bucket policy before the window: TLS only, the SageMaker processing role
    const denyInsecure = {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    };
    const processing = {
      Sid: 'SageMakerProcessing',
      Effect: 'Allow',
      Principal: { AWS: smRole.arn },
      Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
      Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
    };
    const analyticsRead = {
      Sid: 'AnalyticsEvalRead',
      Effect: 'Allow',
      Principal: { AWS: ANALYTICS_ROLE },
      Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/${ML.evalPrefix}/*`],
      Condition: { StringEquals: { 'aws:PrincipalOrgID': HANUL_ORG } },
    };

    // ---- decoy: planned share of eval/ with the organisation's analytics account (CHG-4471) ----
    const admin = w.people.find((p) => p.permissionSet === 'admin');
    sim.planChange({
      ticket: 'CHG-4471',
      window: { start: '2026-02-10T02:00:00Z', end: '2026-02-10T04:00:00Z' },
      owner: `data-platform@${w.company.domain}`,
      summary: `Share s3://${bucket}/${ML.evalPrefix}/ with the analytics account ${HANUL_ANALYTICS} (role ${ML.analyticsRole}): bucket-policy statement AnalyticsEvalRead (org-conditioned) and a KMS grant (Decrypt) on ${ML.trainingKeyAlias} for the Repair Assist evaluation dashboards`,
    });
    {
      let t = at('2026-02-10T02:21:00Z');
      actors.staff.signIn(admin, t, w.net.office[0]);
      const s = actors.staff.session(admin, t, w.net.office[0], true);
      sim.tag({ decoy: true }, () => {
        sim.call(rng, (t += 40000), s, C.getCallerIdentity());
        sim.call(rng, (t += rng.int(10, 30) * 1000), s, s3b('GetBucketPolicy'));
        sim.call(
          rng,
          (t += rng.int(60, 180) * 1000),
          s,
          putPolicy([denyInsecure, processing, analyticsRead]),
        );
        sim.call(rng, (t += rng.int(5, 20) * 1000), s, s3b('GetBucketPolicy'));
        sim.call(rng, (t += rng.int(30, 90) * 1000), s, describeKey(ML.trainingKeyAlias));
        sim.call(
          rng,
          (t += rng.int(30, 90) * 1000),
          s,
          createGrant({
            granteePrincipal: ANALYTICS_ROLE,
            operations: ['Decrypt'],
            name: 'analytics-eval-read-CHG-4471',
          }),
        );
        sim.call(rng, (t += rng.int(5, 30) * 1000), s, listGrants());
      });
    }
    // the analytics account's notebooks read eval/ (cross-account; S3 decrypts for them)
    const NB_UA = UA.boto3(rng.fork('ua-analytics'), { family: 'ec2', env: 'SageMaker-Notebook' });
    const analyticsReads = (t0, n) => {
      const sb = crossAccountSession({
        callerAccountId: HANUL_ANALYTICS,
        principalId: `AROA${rng.iamId('', 17)}:SageMaker`,
        recipientAccountId: acct,
        ip: '3.38.55.201',
        userAgent: NB_UA,
        region,
      });
      let t = t0;
      sim.tag({ decoy: true }, () => {
        sim.call(rng, t, sb, list(`${ML.evalPrefix}/`));
        for (let i = 0; i < n; i++) {
          const k = `${ML.evalPrefix}/${rng.pick(['golden-diagnoses.jsonl', 'regression-2026-01.jsonl', 'error-codes-ko.jsonl', 'parts-accuracy.jsonl'])}`;
          sim.call(
            rng,
            (t += rng.int(2, 40) * 1000),
            sb,
            s3o('GetObject', k, { bytes: rng.int(80000, 420000) }),
          );
          crossDecrypt(sb, t, k, { decoy: true });
        }
      });
    };
    analyticsReads(at('2026-02-10T05:37:00Z'), 7);
    analyticsReads(at('2026-02-11T01:52:00Z'), 11);
    analyticsReads(at('2026-02-11T06:14:00Z'), 5);

    // ---- decoy: the engineer's own work with the same key from the office ----
    const engWork = (t0, ip, withGrant) => {
      const s = sim.userSession(user, { ip, userAgent: eng.cli });
      let t = t0;
      sim.tag({ decoy: true }, () => {
        sim.call(rng, t, s, C.getCallerIdentity());
        sim.call(rng, (t += rng.int(5, 40) * 1000), s, list(`${ML.dataset}/`));
        sim.call(
          rng,
          (t += rng.int(5, 40) * 1000),
          s,
          s3o('GetObject', ds('v7', 'validation'), { bytes: 611204 }),
        );
        sim.call(rng, (t += rng.int(60, 600) * 1000), s, list(`${ML.rawPrefix}/2026-02-09/`));
        sim.call(
          rng,
          (t += rng.int(5, 40) * 1000),
          s,
          s3o('GetObject', visitKey('2026-02-09', 3), { bytes: 2411870 }),
        );
        if (withGrant) {
          sim.call(
            rng,
            (t += rng.int(10, 30) * MIN),
            s,
            s3o('PutObject', ds('v8-candidate', 'train'), { bytes: 6122948, kmsKeyArn: keyArn }),
          );
          sim.call(rng, (t += rng.int(1, 5) * MIN), s, listGrants());
          sim.call(
            rng,
            (t += rng.int(20, 90) * 1000),
            s,
            createGrant({
              granteePrincipal: smRole.arn,
              retiringPrincipal: smRole.arn,
              operations: ['Decrypt', 'GenerateDataKey', 'DescribeKey'],
              name: 'processing-v8-candidate',
            }),
          );
          sim.call(
            rng,
            (t += rng.int(2, 8) * MIN),
            s,
            C.bedrock('ListModelCustomizationJobs', { maxResults: 10 }),
          );
        } else {
          sim.call(rng, (t += rng.int(2, 8) * MIN), s, listGrants());
          sim.call(rng, (t += rng.int(10, 60) * 1000), s, C.bedrock('ListCustomModels', { maxResults: 20 }));
        }
      });
    };
    engWork(at('2026-02-10T01:48:00Z'), w.net.office[1], true);
    engWork(at('2026-02-11T05:06:00Z'), w.net.office[0], false);

    // ---- decoy: the ML pipeline's customization job, custom model under the same key ----
    {
      const run = actors.cicd.deploy(at('2026-02-11T02:40:00Z'), {
        rng,
        repo: `${w.company.github}/ml-pipeline`,
        changes: [],
        tags: { decoy: true },
      });
      let t = run.end + rng.int(10, 60) * 1000;
      const job = `repair-assist-ft-${rng.digits(4)}`;
      const jobArn = `arn:aws:bedrock:${region}:${acct}:model-customization-job/${w.models.customizable}/${rng.lowerAlnum(12)}`;
      const fas = run.session.with({
        ip: 'bedrock.amazonaws.com',
        userAgent: 'bedrock.amazonaws.com',
        tls: null,
        identity: { ...run.session.identity, invokedBy: 'bedrock.amazonaws.com' },
      });
      sim.tag({ decoy: true }, () => {
        sim.call(
          rng,
          t,
          run.session,
          C.bedrock(
            'CreateModelCustomizationJob',
            {
              jobName: job,
              customModelName: `${ML.customModelBase}-${job.slice(-4)}`,
              roleArn: w.roles.customization.arn,
              baseModelIdentifier: w.models.customizable,
              customizationType: 'FINE_TUNING',
              customModelKmsKeyId: keyArn,
              trainingDataConfig: { s3Uri: `s3://${bucket}/${ds('v7', 'train')}` },
              validationDataConfig: { validators: [{ s3Uri: `s3://${bucket}/${ds('v7', 'validation')}` }] },
              outputDataConfig: { s3Uri: `s3://${w.res.buckets.modelArtifacts}/customization/${job}/` },
              hyperParameters: { epochCount: '2', batchSize: '8', learningRateMultiplier: '1.0' },
            },
            { jobArn },
          ),
        );
        // Bedrock's primary grant, made with the caller's forward access session
        sim.call(
          rng,
          (t += rng.int(1, 4) * 1000),
          fas,
          createGrant({
            granteePrincipal: 'bedrock.amazonaws.com',
            retiringPrincipal: 'bedrock.amazonaws.com',
            operations: ['Decrypt', 'GenerateDataKey', 'DescribeKey', 'CreateGrant'],
          }),
        );
        sim.call(rng, (t += rng.int(1, 3) * 1000), fas, describeKey(keyArn));
        sim.call(
          rng,
          (t += rng.int(30, 120) * 1000),
          run.session,
          C.bedrock('GetModelCustomizationJob', { jobIdentifier: jobArn }),
        );
      });
      // the job's service role reads the training and validation sets (S3 decrypts)
      const svc = sim.serviceSession('bedrock.amazonaws.com');
      const k = rng.iamId('ASIA');
      let jt = t + rng.int(3, 8) * MIN;
      sim.tag({ decoy: true }, () => {
        sim.call(
          rng,
          jt,
          svc,
          C.assumeRole(rng, w.roles.customization, `bedrock-customization-${rng.hex(8)}`, k, jt, { region }),
        );
        const js = sim.roleSession(w.roles.customization, 'bedrock-customization', {
          ip: 'bedrock.amazonaws.com',
          userAgent: 'bedrock.amazonaws.com',
          tls: null,
          invokedBy: 'bedrock.amazonaws.com',
          accessKeyId: k,
          created: jt,
          rng,
        });
        sim.call(
          rng,
          (jt += rng.int(5, 40) * 1000),
          js,
          s3o('GetObject', ds('v7', 'train'), { bytes: 5904117 }),
        );
        sim.call(
          rng,
          (jt += rng.int(2, 10) * 1000),
          js,
          s3o('GetObject', ds('v7', 'validation'), { bytes: 611204 }),
        );
      });
    }

    // ---- night 1: the leaked key ----
    const ACTOR_UA = UA.boto3(rng.fork('ua-actor'), { os: 'linux', family: 'debian' });
    const a = sim.threat(sim.userSession(user, { ip: VPS_ACTOR, userAgent: ACTOR_UA, tls: 'tls12' }));
    let t = at('2026-02-10T17:42:13Z');
    const step = (call, key = false, lo = 2, hi = 25) => {
      t += rng.int(lo, hi) * 1000;
      return sim.call(rng, t, a, { ...call, key });
    };
    step(C.getCallerIdentity(), true);
    step({
      ...C.iamGet('ListAttachedUserPolicies', { userName: user.name }),
      error: {
        code: 'AccessDenied',
        message: `User: ${user.arn} is not authorized to perform: iam:ListAttachedUserPolicies on resource: user ${user.name} because no identity-based policy allows the iam:ListAttachedUserPolicies action`,
      },
    });
    step(C.s3ListBuckets(rng, { region }));
    step(s3b('GetBucketEncryption'), true);
    step(s3b('GetBucketPolicy'));
    step(describeKey(keyArn));
    step(getKeyPolicy());
    step(listGrants(), true);
    step(list(''));
    step(list(`${ML.dataset}/`));
    step(list(`${ML.rawPrefix}/`));
    step(
      createGrant({
        granteePrincipal: EXT_ROLE,
        operations: ['Decrypt', 'DescribeKey'],
        name: 'dataset-replication-2026q1',
      }),
      true,
      40,
      120,
    );
    step(listGrants());
    step(s3b('GetBucketPolicy'));
    step(
      putPolicy([
        denyInsecure,
        processing,
        analyticsRead,
        {
          Sid: 'DatasetReplicationRead',
          Effect: 'Allow',
          Principal: { AWS: EXT_ROLE },
          Action: ['s3:GetObject', 's3:ListBucket'],
          Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        },
      ]),
      true,
      30,
      90,
    );
    step(s3b('GetBucketPolicy'));

    // ---- the outside role downloads the data ----
    const SYNC_UA = UA.boto3(rng.fork('ua-sync'), { os: 'linux', family: 'ubuntu' });
    const extPrincipal = `AROA${rng.iamId('', 17)}`;
    const ext = (ip, n) =>
      sim.threat(
        crossAccountSession({
          callerAccountId: EXT_ACCOUNT,
          principalId: `${extPrincipal}:sync-${n}`,
          recipientAccountId: acct,
          ip,
          userAgent: SYNC_UA,
          region,
        }),
      );
    const kmsTags = { malicious: true, scope: 'none' };
    const pull = (sess, keys, firstKey) => {
      for (const [k, bytes] of keys) {
        t += rng.int(1, 9) * 1000;
        sim.call(rng, t, sess, { ...s3o('GetObject', k, { bytes }), key: k === firstKey });
        crossDecrypt(sess, t, k, kmsTags);
      }
    };
    const day = (d) => new Date(at('2026-02-10T00:00:00Z') - d * 86400000).toISOString().slice(0, 10);

    const e1 = ext(VPS_SYNC_1, 1);
    t = at('2026-02-10T18:31:48Z');
    sim.call(rng, t, e1, { ...list(''), key: true });
    sim.call(rng, (t += rng.int(2, 8) * 1000), e1, list(`${ML.dataset}/`));
    const sets = [];
    for (const v of ML.datasetVersions) {
      sets.push([ds(v, 'train'), rng.int(4800000, 6100000)]);
      sets.push([ds(v, 'validation'), rng.int(480000, 640000)]);
    }
    pull(e1, sets, ds('v7', 'train'));
    sim.call(rng, (t += rng.int(5, 20) * 1000), e1, list(`${ML.rawPrefix}/`));
    const raw1 = [];
    for (let d = 1; d <= 14; d++) {
      for (let i = 1, n = rng.int(3, 5); i <= n; i++)
        raw1.push([visitKey(day(d), i), rng.int(1700000, 3900000)]);
    }
    pull(e1, raw1, visitKey(day(1), 1));

    // night 2: the new day's visit notes and the older exports
    const e2 = ext(VPS_SYNC_2, 2);
    t = at('2026-02-11T18:07:02Z');
    sim.call(rng, t, e2, { ...list(`${ML.rawPrefix}/`), key: true });
    const raw2 = [];
    for (const d of [0, 15, 16, 17, 18, 19, 20]) {
      for (let i = 1, n = rng.int(3, 5); i <= n; i++)
        raw2.push([visitKey(day(d), i), rng.int(1700000, 3900000)]);
    }
    pull(e2, raw2, visitKey(day(0), 1));
    sim.call(rng, (t += rng.int(5, 20) * 1000), e2, list(`${ML.dataset}/`));
  },
});
