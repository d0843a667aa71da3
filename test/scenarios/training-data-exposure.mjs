// Training-data exposure and poisoning. The data-preparation pipeline (a nightly ECS Fargate
// task that turns resolved support tickets into the fine-tuning set and reads the help-centre
// articles) pulls in a typosquatted Python package; at each task start it sends the task role's
// credentials out. The role has s3:* on the training-data and knowledge-base source buckets and
// kms:* on the training-data key. The first night the actor looks around with the stolen
// session from a hosting address (bucket policies, public access blocks, encryption, the
// customization jobs; a few sample objects). The second night, with the fresh session key, it
// appends a statement to the training bucket's policy letting an outside account read and write,
// adds that account to the KMS key policy, deletes the public access block of the knowledge-base
// source bucket and gives it a public-read policy, and overwrites the fine-tuning file the
// pipeline had written an hour earlier with a poisoned copy (the weekly fine-tune on Friday uses
// it). From a second address the outside account then downloads the training data and the raw
// ticket exports (customer PII), and from a third address the KB source documents are fetched
// anonymously, the escalations export included. Decoys: the data platform team's planned
// bucket-policy and key-policy change for the ML sandbox account (same APIs, a cross-account
// grant, in the change calendar) and the sandbox's reads, the pipeline's own nightly writes, the
// partner's bulk pull, a content editor's upload with its KB sync, the normal nightly KB sync.

import {
  C,
  crossAccountSession,
  Decoys,
  defineScenario,
  finding,
  isoSec,
  MIN,
  Session,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import { PORTAGE, PORTAGE_ORG, PORTAGE_SANDBOX } from './_worlds-h.mjs';

const VPS1 = '45.140.168.203';
const VPS2 = '194.180.48.77';
const VPS3 = '154.16.192.31';
const EXT_ACCOUNT = '896421357019';
const EXT_ROOT = `arn:aws:iam::${EXT_ACCOUNT}:root`;
const ECS_TRUST = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
};

// APIs the generator's catalogue does not list: CloudTrail facts given with the call
const DELETE_PAB = {
  key: 's3:DeleteBucketPublicAccessBlock',
  service: 's3',
  source: 's3.amazonaws.com',
  name: 'DeleteBucketPublicAccessBlock',
  readOnly: false,
  data: false,
  ver: '1.10',
  global: false,
  host: (r, p) => `${p.bucketName}.s3.${r}.amazonaws.com`,
  iamAction: 's3:PutBucketPublicAccessBlock',
};
const PUT_KEY_POLICY = {
  key: 'kms:PutKeyPolicy',
  service: 'kms',
  source: 'kms.amazonaws.com',
  name: 'PutKeyPolicy',
  readOnly: false,
  data: false,
  ver: '1.08',
  global: false,
  host: (r) => `kms.${r}.amazonaws.com`,
  iamAction: 'kms:PutKeyPolicy',
};

export default defineScenario({
  name: 'training-data-exposure',
  seed: 'heldout-h/training-data-exposure/v1',
  start: '2025-12-09T00:00:00Z',
  days: 2,
  world: {
    ...PORTAGE,
    extraRoles: [
      {
        key: 'dataprep',
        name: 'portagelane-dataprep-task-role',
        trust: ECS_TRUST,
        description: 'Task role of the nightly support-data preparation job (ECS Fargate)',
      },
    ],
  },
  shapes: { jsonl: 0.03 },
  background: {
    intensity: 1.0,
    chatbot: { conversationsPerHour: 55 },
    agent: { sessionsPerHour: 4 },
    ops: { events: ['logging-test'], random: 0 },
  },
  alert:
    'GuardDuty reported that S3 Block Public Access was disabled on portagelane-support-kb-docs (the support knowledge base source bucket) and that the bucket now grants anonymous access. IAM Access Analyzer also lists portagelane-ml-training-data as shared with an account outside the organisation.',
  truth: {
    description:
      "A typosquatted dependency in the image of the nightly data-preparation task sent the credentials of portagelane-dataprep-task-role (s3:* on the training-data and KB source buckets, kms:* on the training-data key) out at each task start, and the sessions were used from hosting addresses. The first night the actor called GetCallerIdentity, was denied IAM and ListBuckets, read the bucket policies and public access blocks of portagelane-ml-training-data and portagelane-support-kb-docs, the training bucket's encryption and the KMS key and its policy, listed the training data, read the customization jobs and downloaded sample training and raw-ticket files. The second night, with the new session key, it appended a statement to the training bucket's policy granting account 896421357019 read, list and write, added that account to the key policy of the training-data KMS key (decrypt), deleted the public access block of portagelane-support-kb-docs and gave it a public-read bucket policy, and overwrote datasets/support-ft/v5/train.jsonl, written by the pipeline an hour before, with a poisoned version that the weekly fine-tune (CHG-7355, Friday) would use. From a second address account 896421357019 then listed and downloaded the fine-tuning datasets and the raw resolved-ticket exports (customer names, e-mail and postal addresses, phone numbers, orders; KMS decrypted them for it), and from a third address the KB source documents, including the escalations export with customer contact details, were downloaded anonymously. The data platform team's planned policy change for the ML sandbox account (CHG-7340) and the sandbox's reads, the pipeline's own nightly runs, the partner's bulk pull, the content editor's upload and the KB syncs are legitimate.",
    elements: ['access', 'data-store-changes', 'infrastructure-changes', 'private-data'],
    components: ['knowledge-bases', 'training-data'],
    scope: { principals: [EXT_ROOT] },
  },
  incident(sim, { rng, at, world }) {
    const w = world;
    const acct = w.account.id;
    const region = w.homeRegion;
    const staff = sim.actor('staff');
    const training = w.res.buckets.training;
    const kbBucket = w.res.buckets.kbSource;
    const keyId = w.res.kmsBuckets[training];
    const keyArn = `arn:aws:kms:${region}:${acct}:key/${keyId}`;
    const role = w.roles.dataprep;
    role.attached = [];
    role.inline = [
      {
        name: 'dataprep-buckets',
        document: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 's3:*',
              Resource: [
                `arn:aws:s3:::${training}`,
                `arn:aws:s3:::${training}/*`,
                `arn:aws:s3:::${kbBucket}`,
                `arn:aws:s3:::${kbBucket}/*`,
              ],
            },
            { Effect: 'Allow', Action: 'kms:*', Resource: keyArn },
            {
              Effect: 'Allow',
              Action: [
                'bedrock:ListModelCustomizationJobs',
                'bedrock:GetModelCustomizationJob',
                'bedrock:GetCustomModel',
              ],
              Resource: '*',
            },
            {
              Effect: 'Allow',
              Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
              Resource: `arn:aws:logs:${region}:${acct}:log-group:/ecs/${w.company.slug}-dataprep:*`,
            },
          ],
        },
      },
    ];

    const s3o = (op, bucket, key, extra = {}) =>
      C.s3Object(rng, op, bucket, key, { accountId: acct, region, ...extra });
    const s3b = (op, bucket) => ({
      ...C.s3Bucket(rng, op, bucket, { accountId: acct, region }),
      scope: [bucket],
    });
    const ticketKey = (day, n) => `raw/resolved-tickets/${day}/part-${String(n).padStart(4, '0')}.jsonl.gz`;
    const TRAIN = 'datasets/support-ft/v5/train.jsonl';
    const VALID = 'datasets/support-ft/v5/validation.jsonl';

    // policies as they stand before the window: TLS only
    const denyInsecure = {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [`arn:aws:s3:::${training}`, `arn:aws:s3:::${training}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    };
    const sandboxRead = {
      Sid: 'MlSandboxEvalRead',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${PORTAGE_SANDBOX}:role/portagelane-sandbox-sagemaker-role` },
      Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: [`arn:aws:s3:::${training}`, `arn:aws:s3:::${training}/eval/*`],
      Condition: { StringEquals: { 'aws:PrincipalOrgID': PORTAGE_ORG } },
    };
    const keyPolicyBase = [
      {
        Sid: 'Enable IAM User Permissions',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${acct}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
    ];
    const sandboxKey = {
      Sid: 'MlSandboxDecryptViaS3',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${PORTAGE_SANDBOX}:role/portagelane-sandbox-sagemaker-role` },
      Action: 'kms:Decrypt',
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` } },
    };
    const putPolicy = (bucket, statements) => ({
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
    const putKeyPolicy = (statements) => ({
      api: 'kms:PutKeyPolicy',
      entry: PUT_KEY_POLICY,
      region,
      params: {
        keyId: keyArn,
        policyName: 'default',
        policy: JSON.stringify({ Version: '2012-10-17', Id: 'key-consolepolicy-3', Statement: statements }),
        bypassPolicyLockoutSafetyCheck: false,
      },
      resources: [{ accountId: acct, type: 'AWS::KMS::Key', ARN: keyArn }],
      scope: [keyArn],
    });
    const getKeyPolicy = () => ({
      ...C.call('kms:GetKeyPolicy', { keyId: keyArn, policyName: 'default' }),
      resources: [{ accountId: acct, type: 'AWS::KMS::Key', ARN: keyArn }],
    });
    const noPolicy = { code: 'NoSuchBucketPolicy', message: 'The bucket policy does not exist' };

    // ---- the nightly data-preparation task (legitimate) ----
    const TASK_UA = UA.boto3(rng.fork('ua-task'), { family: 'ec2', env: 'AWS_ECS_FARGATE' });
    const runTask = (t0, _day, prevDay) => {
      const taskId = rng.hex(32);
      const key = rng.iamId('ASIA');
      sim.call(
        rng,
        t0,
        sim.serviceSession('ecs-tasks.amazonaws.com'),
        C.assumeRole(rng, role, taskId, key, t0, { region, duration: 21600 }),
      );
      const s = sim.roleSession(role, taskId, {
        ip: w.net.appNat[0],
        userAgent: TASK_UA,
        accessKeyId: key,
        created: t0,
        rng,
      });
      let t = t0 + rng.int(20, 60) * 1000;
      sim.call(
        rng,
        t,
        s,
        C.createLogStream(`/ecs/${w.company.slug}-dataprep`, `dataprep/dataprep/${taskId}`),
      );
      sim.call(
        rng,
        (t += rng.int(5, 30) * 1000),
        s,
        C.s3List(rng, kbBucket, '', { accountId: acct, region }),
      );
      for (const d of sim.kbDocsAt(t).slice(0, rng.int(6, 12)))
        sim.call(rng, (t += rng.int(300, 2500)), s, s3o('GetObject', kbBucket, d.key, { bytes: d.size }));
      sim.call(
        rng,
        (t += rng.int(10, 40) * 1000),
        s,
        C.s3List(rng, training, `raw/resolved-tickets/${prevDay}/`, { accountId: acct, region }),
      );
      const parts = rng.int(5, 8);
      sim.tag({ decoy: true }, () => {
        for (let i = 1; i <= parts; i++)
          sim.call(
            rng,
            (t += rng.int(20, 90) * 1000),
            s,
            s3o('PutObject', training, ticketKey(prevDay, i), { bytes: rng.int(1800000, 4200000) }),
          );
      });
      for (let i = 1; i <= parts; i++)
        sim.call(
          rng,
          (t += rng.int(2, 10) * 1000),
          s,
          s3o('GetObject', training, ticketKey(prevDay, i), { bytes: rng.int(1800000, 4200000) }),
        );
      t += rng.int(8, 20) * MIN;
      sim.tag({ decoy: true }, () => {
        sim.call(rng, t, s, s3o('PutObject', training, TRAIN, { bytes: rng.int(5100000, 5300000) }));
        sim.call(
          rng,
          (t += rng.int(10, 40) * 1000),
          s,
          s3o('PutObject', training, VALID, { bytes: rng.int(600000, 660000) }),
        );
      });
      sim.call(
        rng,
        (t += rng.int(5, 20) * 1000),
        s,
        C.bedrock('ListModelCustomizationJobs', { maxResults: 10, sortOrder: 'Descending' }),
      );
      return { key, taskId, end: t, session: s };
    };
    const night1 = runTask(at('2025-12-09T07:02:11Z'), '2025-12-09', '2025-12-08');
    const night2 = runTask(at('2025-12-10T07:03:48Z'), '2025-12-10', '2025-12-09');

    // ---- decoy: the data platform team's planned change for the ML sandbox account ----
    const admin = Decoys.findPerson(w, (p) => p.permissionSet === 'admin');
    const tChg = at('2025-12-09T16:12:00Z');
    sim.planChange({
      ticket: 'CHG-7340',
      window: { start: isoSec(tChg - 15 * MIN), end: isoSec(tChg + 75 * MIN) },
      owner: `data-platform@${w.company.domain}`,
      summary: `Bucket ${training}: allow the ML sandbox account (${PORTAGE_SANDBOX}, SageMaker role) to read eval/ (condition aws:PrincipalOrgID), keep the TLS-only deny; key policy of the training-data KMS key: decrypt for the same role via S3 only`,
    });
    {
      const s = staff.session(admin, tChg, w.net.office[0], true);
      let t = tChg;
      sim.tag({ decoy: true }, () => {
        sim.call(rng, t, s, C.getCallerIdentity());
        sim.call(rng, (t += rng.int(10, 40) * 1000), s, s3b('GetBucketPolicy', training));
        sim.call(rng, (t += rng.int(60, 240) * 1000), s, putPolicy(training, [denyInsecure, sandboxRead]));
        sim.call(rng, (t += rng.int(5, 20) * 1000), s, s3b('GetBucketPolicy', training));
        sim.call(rng, (t += rng.int(30, 120) * 1000), s, getKeyPolicy());
        sim.call(rng, (t += rng.int(60, 200) * 1000), s, putKeyPolicy([...keyPolicyBase, sandboxKey]));
        sim.call(rng, (t += rng.int(5, 20) * 1000), s, getKeyPolicy());
      });
      // the sandbox's evaluation notebooks read eval/ (cross-account; S3 decrypts for them)
      const SANDBOX_UA = UA.boto3(rng.fork('ua-sandbox'), { family: 'ec2', env: 'SageMaker-Notebook' });
      const sandboxReads = (t0, n) => {
        const sb = crossAccountSession({
          callerAccountId: PORTAGE_SANDBOX,
          principalId: `AROA${rng.iamId('', 17)}:SageMaker`,
          recipientAccountId: acct,
          ip: '35.183.77.142',
          userAgent: SANDBOX_UA,
          region,
        });
        let t = t0;
        sim.tag({ decoy: true }, () => {
          sim.call(rng, t, sb, C.s3List(rng, training, 'eval/', { accountId: acct, region }));
          for (let i = 0; i < n; i++) {
            const k = rng.pick([
              'eval/golden-set.jsonl',
              'eval/regression-2025-12.jsonl',
              'eval/refusals.jsonl',
              'eval/bilingual-fr.jsonl',
            ]);
            sim.call(rng, (t += rng.int(2, 30) * 1000), sb, s3o('GetObject', training, k));
            sim.call(
              rng,
              t + 400,
              sb.with({
                ip: 'AWS Internal',
                userAgent: 'AWS Internal',
                tls: null,
                identity: { ...sb.identity, invokedBy: 'AWS Internal' },
              }),
              C.kmsDecrypt(keyArn, { 'aws:s3:arn': `arn:aws:s3:::${training}/${k}` }),
            );
          }
        });
      };
      sandboxReads(at('2025-12-09T18:40:00Z'), 6);
      sandboxReads(at('2025-12-10T15:25:00Z'), 9);
    }
    // the weekly fine-tune that will read the (poisoned) v5 file, after the window
    sim.planChange({
      ticket: 'CHG-7355',
      window: { start: '2025-12-12T14:00:00Z', end: '2025-12-12T20:00:00Z' },
      owner: `ml-team@${w.company.domain}`,
      summary: `Weekly fine-tune of ${w.res.customModel.name} from s3://${training}/datasets/support-ft/v5/ (ml-pipeline), then evaluation in the sandbox`,
    });

    // ---- decoy: the partner's bulk pull of shipment manifests ----
    {
      const u = w.users['partner-sync'];
      const s = sim.userSession(u, { ip: w.net.partner[0], userAgent: w.userAgents.partner, tls: 'tls12' });
      let t = at('2025-12-10T14:21:00Z');
      sim.tag({ decoy: true }, () => {
        sim.call(rng, t, s, C.getCallerIdentity());
        sim.call(
          rng,
          (t += 3000),
          s,
          C.s3List(rng, w.res.buckets.customerRecords, 'shipments/', { accountId: acct, region }),
        );
        for (let i = 0, n = rng.int(60, 85); i < n; i++)
          sim.call(
            rng,
            (t += rng.int(800, 4000)),
            s,
            s3o(
              'GetObject',
              w.res.buckets.customerRecords,
              `shipments/2025/${rng.pick(['10', '11', '12'])}/${String(rng.int(1, 30)).padStart(2, '0')}/manifest-${rng.digits(5)}.csv`,
            ),
          );
      });
      sim.note('partner-bulk', t, {
        ip: s.ip,
        accessKeyId: s.accessKeyId,
        principalId: u.id,
        userType: 'IAMUser',
        userName: u.name,
        api: 'GetObject',
        service: 's3.amazonaws.com',
        bucket: w.res.buckets.customerRecords,
        firstSeen: at('2025-12-10T14:21:00Z'),
        lastSeen: t,
      });
    }

    // ---- decoy: a content editor publishes articles (to the bucket now public) and syncs ----
    const editor = Decoys.findPerson(w, (p) => p.team === 'support-ops');
    Decoys.contentUpload(sim, rng, at('2025-12-10T19:42:00Z'), editor, { away: 'home' });

    // ---- night 1: a look around with the first stolen session ----
    const ACTOR_UA = UA.awsCli(rng.fork('ua-actor'), 'linux', { family: 'debian' });
    const s1 = sim.threat(night1.session.with({ ip: VPS1, userAgent: ACTOR_UA, tls: 'tls12' }));
    let t = at('2025-12-09T08:41:52Z');
    const step = (sess, call, key = false, a = 2, b = 25) => {
      t += rng.int(a, b) * 1000;
      return sim.call(rng, t, sess, { ...call, key });
    };
    const denied = (call, action, resource) => ({
      ...call,
      error: {
        code: 'AccessDenied',
        message: call.api.startsWith('s3:')
          ? 'Access Denied'
          : `User: ${s1.identity.arn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
      },
    });
    step(s1, C.getCallerIdentity(), true);
    step(s1, denied(C.iamGet('ListRolePolicies', { roleName: role.name }), 'iam:ListRolePolicies', role.arn));
    step(
      s1,
      denied(
        C.iamGet('ListAttachedRolePolicies', { roleName: role.name }),
        'iam:ListAttachedRolePolicies',
        role.arn,
      ),
    );
    step(s1, denied(C.s3ListBuckets(rng, { region }), 's3:ListAllMyBuckets', '*'));
    step(s1, s3b('GetBucketPolicy', training), true);
    step(s1, s3b('GetBucketPublicAccessBlock', training));
    step(s1, s3b('GetBucketEncryption', training));
    step(s1, { ...s3b('GetBucketPolicy', kbBucket), error: noPolicy });
    step(s1, s3b('GetBucketPublicAccessBlock', kbBucket), true);
    step(s1, {
      ...C.call('kms:DescribeKey', { keyId: keyArn }),
      resources: [{ accountId: acct, type: 'AWS::KMS::Key', ARN: keyArn }],
    });
    step(s1, getKeyPolicy());
    step(s1, C.s3List(rng, training, '', { accountId: acct, region }));
    step(s1, C.s3List(rng, training, 'datasets/support-ft/', { accountId: acct, region }));
    step(s1, C.s3List(rng, training, 'raw/resolved-tickets/', { accountId: acct, region }));
    step(s1, C.bedrock('ListModelCustomizationJobs', { maxResults: 20 }));
    step(
      s1,
      C.bedrock('GetModelCustomizationJob', {
        jobIdentifier: `arn:aws:bedrock:us-east-1:${acct}:model-customization-job/${w.models.customizable}/${rng.lowerAlnum(12)}`,
      }),
    );
    step(s1, s3o('GetObject', training, TRAIN, { bytes: 5214806 }), true, 20, 60);
    step(s1, s3o('GetObject', training, ticketKey('2025-12-08', 1), { bytes: 3120455 }), true);
    step(s1, C.s3List(rng, kbBucket, '', { accountId: acct, region }));

    // ---- night 2: the new session key weakens both buckets and poisons the training file ----
    const s2 = sim.threat(night2.session.with({ ip: VPS1, userAgent: ACTOR_UA, tls: 'tls12' }));
    t = at('2025-12-10T07:58:06Z');
    step(s2, C.getCallerIdentity(), true);
    step(s2, s3b('GetBucketPolicy', training));
    const extStatement = {
      Sid: 'MlSandboxDatasetSync',
      Effect: 'Allow',
      Principal: { AWS: EXT_ROOT },
      Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
      Resource: [`arn:aws:s3:::${training}`, `arn:aws:s3:::${training}/*`],
    };
    step(s2, putPolicy(training, [denyInsecure, sandboxRead, extStatement]), true, 30, 90);
    step(s2, getKeyPolicy());
    step(
      s2,
      putKeyPolicy([
        ...keyPolicyBase,
        sandboxKey,
        {
          Sid: 'MlSandboxDatasetSync',
          Effect: 'Allow',
          Principal: { AWS: EXT_ROOT },
          Action: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
          Resource: '*',
        },
      ]),
      true,
      30,
      90,
    );
    step(s2, s3b('GetBucketPublicAccessBlock', kbBucket));
    step(
      s2,
      {
        api: 's3:DeleteBucketPublicAccessBlock',
        entry: DELETE_PAB,
        region,
        params: {
          publicAccessBlock: '',
          bucketName: kbBucket,
          Host: `${kbBucket}.s3.${region}.amazonaws.com`,
        },
        additional: {
          SignatureVersion: 'SigV4',
          CipherSuite: 'TLS_AES_128_GCM_SHA256',
          bytesTransferredIn: 0,
          AuthenticationMethod: 'AuthHeader',
          'x-amz-id-2': rng.base62(76) + '=',
          bytesTransferredOut: 0,
        },
        resources: [{ accountId: acct, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${kbBucket}` }],
        scope: [kbBucket],
      },
      true,
      20,
      60,
    );
    step(
      s2,
      putPolicy(kbBucket, [
        {
          Sid: 'HelpCentreCdnRead',
          Effect: 'Allow',
          Principal: '*',
          Action: 's3:GetObject',
          Resource: `arn:aws:s3:::${kbBucket}/*`,
        },
      ]),
      true,
      20,
      60,
    );
    step(s2, s3b('GetBucketPolicyStatus', kbBucket));
    const tWeak = t;
    // the poisoned fine-tuning file replaces the one the pipeline wrote an hour ago
    step(s2, s3o('HeadObject', training, TRAIN), false, 60, 180);
    step(s2, s3o('PutObject', training, TRAIN, { bytes: 5297901 }), true, 90, 240);
    step(s2, C.s3List(rng, training, 'datasets/support-ft/v5/', { accountId: acct, region }));

    // ---- the outside account downloads the training data and the raw ticket exports ----
    const EXT_UA = UA.awsCli(rng.fork('ua-ext'), 'linux', { family: 'ubuntu' });
    const ext = sim.threat(
      crossAccountSession({
        callerAccountId: EXT_ACCOUNT,
        principalId: `AIDA${rng.iamId('', 17)}`,
        recipientAccountId: acct,
        ip: VPS2,
        userAgent: EXT_UA,
        region,
      }),
    );
    const extKms = (tt, k) =>
      sim.call(
        rng,
        tt + rng.int(0, 1) * 1000,
        ext.with({
          ip: 'AWS Internal',
          userAgent: 'AWS Internal',
          tls: null,
          identity: { ...ext.identity, invokedBy: 'AWS Internal' },
        }),
        {
          ...C.kmsDecrypt(keyArn, { 'aws:s3:arn': `arn:aws:s3:::${training}/${k}` }),
          tags: { malicious: true, scope: 'none' },
        },
      );
    t = at('2025-12-10T08:47:31Z');
    step(ext, C.s3List(rng, training, '', { accountId: acct, region }), true);
    step(ext, C.s3List(rng, training, 'datasets/', { accountId: acct, region }));
    const extGet = (k, bytes, key = false) => {
      t += rng.int(1, 12) * 1000;
      sim.call(rng, t, ext, { ...s3o('GetObject', training, k, { bytes }), key });
      extKms(t, k);
    };
    for (const v of ['v2', 'v3', 'v4', 'v5']) {
      extGet(`datasets/support-ft/${v}/train.jsonl`, rng.int(3800000, 5300000), v === 'v5');
      extGet(`datasets/support-ft/${v}/validation.jsonl`, rng.int(400000, 650000));
    }
    for (const k of ['eval/golden-set.jsonl', 'eval/regression-2025-12.jsonl', 'eval/refusals.jsonl'])
      extGet(k, rng.int(90000, 300000));
    step(ext, C.s3List(rng, training, 'raw/resolved-tickets/', { accountId: acct, region }));
    let first = true;
    for (let d = 0; d < 21; d++) {
      const day = new Date(at('2025-12-09T00:00:00Z') - d * 86400000).toISOString().slice(0, 10);
      if (d % 5 === 0)
        step(
          ext,
          C.s3List(rng, training, `raw/resolved-tickets/${day}/`, { accountId: acct, region }),
          false,
          1,
          4,
        );
      for (let i = 1, n = rng.int(4, 8); i <= n; i++) {
        extGet(ticketKey(day, i), rng.int(1800000, 4200000), first);
        first = false;
      }
    }

    // ---- anonymous downloads of the KB source bucket ----
    const anon = sim.threat(
      new Session({
        identity: { type: 'AWSAccount', principalId: '', accountId: 'anonymous' },
        accountId: acct,
        ip: VPS3,
        userAgent: 'python-requests/2.32.3',
        tls: 'tls12',
        region,
      }),
    );
    const anonGet = (k, bytes, error, key = false) => {
      const call = s3o('GetObject', kbBucket, k, { bytes });
      call.additional = {
        CipherSuite: 'ECDHE-RSA-AES128-GCM-SHA256',
        bytesTransferredIn: 0,
        'x-amz-id-2': rng.base62(76) + '=',
        bytesTransferredOut: error ? 0 : call.additional.bytesTransferredOut,
      };
      if (error) call.error = error;
      t += rng.int(1, 9) * 1000;
      sim.call(rng, t, anon, { ...call, key });
    };
    t = at('2025-12-10T09:12:40Z');
    // guessed keys first (the bucket does not allow anonymous listing)
    for (const k of ['index.html', 'robots.txt', 'internal/', 'exports/'])
      anonGet(k, 0, { code: 'NoSuchKey', message: 'The specified key does not exist.' });
    const docs = sim.kbDocsAt(t);
    anonGet(
      'policies/returns-policy.md',
      docs.find((d) => d.key === 'policies/returns-policy.md')?.size ?? 500,
      undefined,
      true,
    );
    for (const d of docs) {
      if (d.key === 'policies/returns-policy.md') continue;
      anonGet(d.key, d.size, undefined, d.key.startsWith('exports/'));
    }
    for (const k of ['exports/escalations-q3.csv', 'exports/escalations-q2.csv'])
      anonGet(k, 0, { code: 'NoSuchKey', message: 'The specified key does not exist.' });

    // ---- GuardDuty ----
    const ak = {
      accessKeyId: night2.key,
      principalId: `${role.id}:${night2.taskId}`,
      userType: 'AssumedRole',
      userName: role.name,
    };
    const ipInfo = {
      ip: VPS1,
      country: 'Germany',
      city: 'Frankfurt am Main',
      asn: 215540,
      asnOrg: 'Global Connectivity Solutions LLP',
      isp: 'GCS',
      org: 'Global Connectivity Solutions LLP',
    };
    sim.tag({ malicious: true, key: true, scope: 'none' }, () => {
      const f1 = tWeak + 9 * MIN;
      sim.finding(
        f1,
        finding(rng, w, {
          t: f1,
          type: 'Policy:S3/BucketBlockPublicAccessDisabled',
          severity: 2,
          accessKey: ak,
          resourceType: 'S3Bucket',
          s3Bucket: { name: kbBucket, arn: `arn:aws:s3:::${kbBucket}` },
          title: `Amazon S3 Block Public Access was disabled for S3 bucket ${kbBucket}.`,
          description: `Amazon S3 Block Public Access was disabled for S3 bucket ${kbBucket} by ${role.name}. If this behavior is not expected, it may indicate a configuration mistake or that your credentials are compromised.`,
          api: 'DeleteBucketPublicAccessBlock',
          serviceName: 's3.amazonaws.com',
          remoteIp: ipInfo,
        }),
      );
      const f2 = tWeak + 11 * MIN;
      sim.finding(
        f2,
        finding(rng, w, {
          t: f2,
          type: 'Policy:S3/BucketAnonymousAccessGranted',
          severity: 8,
          accessKey: ak,
          resourceType: 'S3Bucket',
          s3Bucket: { name: kbBucket, arn: `arn:aws:s3:::${kbBucket}` },
          title: `Amazon S3 bucket ${kbBucket} now allows anonymous access.`,
          description: `An IAM entity changed a bucket policy or ACL on ${kbBucket} to allow access by anonymous principals. If this behavior is not expected, it may indicate a configuration mistake or that your credentials are compromised.`,
          api: 'PutBucketPolicy',
          serviceName: 's3.amazonaws.com',
          remoteIp: ipInfo,
        }),
      );
    });
  },
});
