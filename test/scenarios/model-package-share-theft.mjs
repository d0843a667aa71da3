// Model theft through SageMaker Model Registry sharing. Hanul Appliance's ML team keeps its
// in-house fine-tune ("Repair Assist", an 8B open-weights model tuned on technician dialogues) in
// the SageMaker Model Registry group repair-assist-llm; each package's artifact is
// s3://hanul-ml-model-artifacts/repair-assist-llm/pkg-<n>/model.tar.gz. The group's resource policy
// and a bucket-policy statement (org-conditioned) let the organisation's serving account
// (hanul-ml-serving) read approved packages and their artifacts: a checker there polls the
// registry, and the serving account's SageMaker pulls the artifact when a new package is deployed.
//
// An infostealer on a data scientist's laptop takes her cached IAM Identity Center CLI role
// credentials (DataScientist permission set; the ML team manages the registry's sharing, so the
// permission set carries sagemaker:*ModelPackageGroupPolicy and s3:PutBucketPolicy on the
// artifacts bucket). That evening, from a hosting address and with a client she does not use,
// the same session key lists the registry, describes the approved packages, reads the group
// policy and replaces it with one that also lets account 771305862214 (outside the organisation)
// list and describe the packages, then adds a bucket-policy statement letting that account list
// and get repair-assist-llm/*. From two other hosting addresses that account lists and describes
// the packages (recorded in Hanul's account, where the shared group lives) and downloads the two
// latest approved artifacts in 64 MiB ranged GETs (S3 data events with the outside account as
// caller), the second one the next night.
//
// Decoys: the planned promotion of package 15 (CHG ticket): the ML pipeline (GitHub Actions)
// approves it and re-applies the group policy for the serving account (the same API with a
// cross-account principal), the serving account describes it and its SageMaker downloads the
// artifact cross-account; the serving account's registry checker, polling every few hours; the
// data scientist's own daytime work with the same session key from the office, including her
// download of the package 15 candidate for offline evaluation; background staff, CI, chatbot.
//
// Assumption: SageMaker calls made from another account on a shared model package group are
// recorded in the group owner's trail as well (recipientAccountId the owner), as they are here.

import {
  C,
  crossAccountSession,
  defineScenario,
  HOUR,
  MIN,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import { HANUL, HANUL_ORG, HANUL_SERVING, HANUL_ML as ML, sagemaker } from './_worlds-t.mjs';

const VPS_ACTOR = '89.44.198.57'; // hosting provider: the stolen session
const VPS_DL_1 = '185.244.36.131'; // hosting provider: the outside account's first night
const VPS_DL_2 = '185.244.36.148'; // same provider, second night
const EXT_ACCOUNT = '771305862214';
const EXT_ROOT = `arn:aws:iam::${EXT_ACCOUNT}:root`;
const PART = 64 * 1024 * 1024;

export default defineScenario({
  name: 'model-package-share-theft',
  seed: 'writer-t/model-package-share-theft/v1',
  start: '2026-03-03T00:00:00Z',
  days: 2,
  world: { ...HANUL },
  shapes: { jsonl: 0.03 },
  background: {
    intensity: 0.9,
    chatbot: { conversationsPerHour: 50 },
    agent: { sessionsPerHour: 4 },
    ops: { events: ['sg-rule'], random: 1 },
  },
  alert:
    "On 5 March an outside researcher told security@hanulappliance.co.kr that a model named 'repair-assist-8b-ko', posted on a public model-sharing site on 4 March, answers appliance repair questions with Hanul's internal part numbers and technician shorthand. The ML team's in-house model is kept in the SageMaker Model Registry group repair-assist-llm (artifacts in hanul-ml-model-artifacts) and served from the hanul-ml-serving account.",
  truth: {
    description:
      "The IAM Identity Center CLI role credentials of a Hanul data scientist (DataScientist permission set, which lets the ML team manage the registry's sharing) were reused on the evening of 3 March from a hosting address (89.44.198.57) with a client she does not use. The actor called GetCallerIdentity, listed the model package groups, described repair-assist-llm, listed its approved packages, described packages 14 and 12 (their model.tar.gz locations), read the group's resource policy and replaced it (PutModelPackageGroupPolicy) with one that keeps the serving account and adds account 771305862214, outside the organisation, with ListModelPackages, DescribeModelPackage and DescribeModelPackageGroup; it then read the artifacts bucket's policy and added a statement (PutBucketPolicy) letting that account list hanul-ml-model-artifacts and get repair-assist-llm/*. From 185.244.36.131 that night the outside account described the group, listed and described the packages and downloaded s3://hanul-ml-model-artifacts/repair-assist-llm/pkg-14/model.tar.gz in ranged GETs, and from 185.244.36.148 the next night package 12's artifact: the company's fine-tuned model was stolen. The planned promotion of package 15 (CHG-5120: the ML pipeline's approval and re-applied group policy for hanul-ml-serving, the serving account's describe and artifact download), the serving account's periodic registry reads, and the data scientist's own daytime work from the office (including her download of the package 15 artifact) are legitimate.",
    elements: ['access', 'ai-changes', 'data-store-changes'],
    components: ['custom-models'],
    scope: { principals: [EXT_ROOT] },
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const acct = w.account.id;
    const region = w.homeRegion;
    const bucket = w.res.buckets.modelArtifacts;
    const group = ML.modelPackageGroup;
    const groupArn = `arn:aws:sagemaker:${region}:${acct}:model-package-group/${group}`;
    const pkgArn = (n) => `arn:aws:sagemaker:${region}:${acct}:model-package/${group}/${n}`;
    const artifact = (n) => `${ML.artifactPrefix}/pkg-${n}/model.tar.gz`;
    const SIZE = { 12: 6391218734, 14: 6402877190, 15: 6410093556 };
    const servingDeploy = `arn:aws:iam::${HANUL_SERVING}:role/${ML.servingRole}`;

    // the ML team manages the registry's sharing from the DataScientist permission set
    w.sso.datasci.inline.push({
      name: 'ml-registry-sharing',
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              'sagemaker:*ModelPackage*',
              'sagemaker:GetModelPackageGroupPolicy',
              'sagemaker:PutModelPackageGroupPolicy',
            ],
            Resource: [groupArn, `arn:aws:sagemaker:${region}:${acct}:model-package/${group}/*`],
          },
          {
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:ListBucket', 's3:GetBucketPolicy', 's3:PutBucketPolicy'],
            Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
          },
        ],
      },
    });

    const s3o = (op, key, extra = {}) =>
      C.s3Object(rng, op, bucket, key, { accountId: acct, region, ...extra });
    const s3b = (op) => ({ ...C.s3Bucket(rng, op, bucket, { accountId: acct, region }), scope: [bucket] });
    const list = (prefix) => C.s3List(rng, bucket, prefix, { accountId: acct, region });
    const ranged = (key, from, to) => {
      const c = s3o('GetObject', key, { bytes: to - from + 1 });
      c.params = { ...c.params, Range: `bytes=${from}-${to}` };
      return c;
    };
    /** Downloads an object in ranged parts from t; returns the time after the last part. */
    const download = (sess, key, size, t0, { perPart = [300, 1400], keyFirst = false } = {}) => {
      let t = t0;
      sim.call(rng, t, sess, { ...s3o('HeadObject', key) });
      let first = true;
      for (let from = 0; from < size; from += PART) {
        t += rng.int(perPart[0], perPart[1]);
        sim.call(rng, t, sess, {
          ...ranged(key, from, Math.min(size, from + PART) - 1),
          key: keyFirst && first,
        });
        first = false;
      }
      return t;
    };
    const groupPolicy = (statements) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
    const servingStmt = {
      Sid: 'ServingAccountRead',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${HANUL_SERVING}:root` },
      Action: [
        'sagemaker:DescribeModelPackageGroup',
        'sagemaker:DescribeModelPackage',
        'sagemaker:ListModelPackages',
      ],
      Resource: [groupArn, `arn:aws:sagemaker:${region}:${acct}:model-package/${group}/*`],
    };
    const putGroupPolicy = (statements) =>
      sagemaker(
        'PutModelPackageGroupPolicy',
        { modelPackageGroupName: group, resourcePolicy: groupPolicy(statements) },
        { modelPackageGroupArn: groupArn },
        [groupArn],
      );
    const describePkg = (n) =>
      sagemaker('DescribeModelPackage', { modelPackageName: pkgArn(n) }, null, [pkgArn(n)]);
    const listPkgs = (name = group, status) =>
      sagemaker('ListModelPackages', {
        modelPackageGroupName: name,
        ...(status ? { modelApprovalStatus: status } : {}),
        sortBy: 'CreationTime',
        sortOrder: 'Descending',
        maxResults: 50,
      });
    const describeGroup = (name = group) =>
      sagemaker('DescribeModelPackageGroup', { modelPackageGroupName: name }, null, [groupArn]);
    const getGroupPolicy = () => sagemaker('GetModelPackageGroupPolicy', { modelPackageGroupName: group });
    const putBucketPolicy = (statements) => ({
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
    const denyInsecure = {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    };
    const servingBucket = {
      Sid: 'ServingAccountModelRead',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${HANUL_SERVING}:root` },
      Action: ['s3:GetObject', 's3:ListBucket'],
      Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/${ML.artifactPrefix}/*`],
      Condition: { StringEquals: { 'aws:PrincipalOrgID': HANUL_ORG } },
    };

    // ---- decoy: the serving account's registry checker (every ~3 hours) ----
    const CHECK_UA = UA.boto3(rng.fork('ua-checker'), { lambda: true });
    const checkerAt = (t, n) => {
      const s = crossAccountSession({
        callerAccountId: HANUL_SERVING,
        principalId: `AROA${rng.iamId('', 17)}:hanul-registry-checker`,
        recipientAccountId: acct,
        ip: rng.pick(['3.35.201.44', '13.209.77.120', '43.201.15.9', '52.79.160.201']),
        userAgent: CHECK_UA,
        region,
      });
      sim.tag({ decoy: true }, () => {
        sim.call(rng, t, s, listPkgs(groupArn, 'Approved'));
        sim.call(rng, t + rng.int(200, 900), s, describePkg(n));
      });
    };
    for (
      let t = at('2026-03-03T00:05:00Z');
      t < at('2026-03-04T23:50:00Z');
      t += 3 * HOUR + rng.int(-5, 5) * MIN
    )
      checkerAt(t, t > at('2026-03-04T04:30:00Z') ? 15 : 14);

    // ---- decoy: planned promotion of package 15 (CHG-5120) ----
    sim.planChange({
      ticket: 'CHG-5120',
      window: { start: '2026-03-04T04:00:00Z', end: '2026-03-04T07:00:00Z' },
      owner: `ml-team@${w.company.domain}`,
      summary: `Promote ${group} package 15 to production: approve in the registry (ml-pipeline), re-apply the group policy for ${HANUL_SERVING} (hanul-ml-serving), deploy to the technician-assist endpoint in the serving account`,
    });
    {
      const run = actors.cicd.deploy(at('2026-03-04T04:12:00Z'), {
        rng,
        repo: `${w.company.github}/ml-pipeline`,
        changes: [],
        tags: { decoy: true },
      });
      let t = run.end + rng.int(10, 40) * 1000;
      sim.tag({ decoy: true }, () => {
        sim.call(rng, t, run.session, describePkg(15));
        sim.call(
          rng,
          (t += rng.int(5, 20) * 1000),
          run.session,
          sagemaker(
            'UpdateModelPackage',
            {
              modelPackageArn: pkgArn(15),
              modelApprovalStatus: 'Approved',
              approvalDescription: 'CHG-5120: eval passed (diagnosis top-1 0.81, parts F1 0.77)',
            },
            { modelPackageArn: pkgArn(15) },
          ),
        );
        sim.call(rng, (t += rng.int(5, 20) * 1000), run.session, getGroupPolicy());
        sim.call(rng, (t += rng.int(5, 20) * 1000), run.session, putGroupPolicy([servingStmt]));
      });
      // the serving account's deploy role and its SageMaker pull the artifact
      const dep = crossAccountSession({
        callerAccountId: HANUL_SERVING,
        principalId: `AROA${rng.iamId('', 17)}:GitHubActions`,
        recipientAccountId: acct,
        ip: '52.78.201.14',
        userAgent: w.userAgents.terraform,
        region,
      });
      t += rng.int(4, 9) * MIN;
      sim.tag({ decoy: true }, () => {
        sim.call(rng, t, dep, describePkg(15));
        sim.call(rng, (t += rng.int(2, 10) * 1000), dep, describeGroup(groupArn));
      });
      const smPull = crossAccountSession({
        callerAccountId: HANUL_SERVING,
        principalId: `AROA${rng.iamId('', 17)}:SageMaker`,
        recipientAccountId: acct,
        ip: 'sagemaker.amazonaws.com',
        userAgent: 'sagemaker.amazonaws.com',
        region,
        tls: null,
      });
      smPull.identity = { ...smPull.identity, invokedBy: 'sagemaker.amazonaws.com' };
      sim.tag({ decoy: true }, () => {
        download(smPull, artifact(15), SIZE[15], t + rng.int(2, 4) * MIN, { perPart: [150, 600] });
      });
    }

    // ---- the data scientist's own day (same session key later stolen) ----
    const dsP = w.people.filter((p) => p.team === 'ml')[1] ?? w.people.find((p) => p.team === 'ml');
    const office = w.net.office[0];
    let t = at('2026-03-03T00:41:00Z');
    actors.staff.signIn(dsP, t, office);
    const own = actors.staff.session(dsP, t + 30000, office, true);
    sim.tag({ decoy: true }, () => {
      sim.call(rng, (t += 60000), own, C.getCallerIdentity());
      sim.call(rng, (t += rng.int(10, 60) * 1000), own, listPkgs(group));
      sim.call(rng, (t += rng.int(5, 30) * 1000), own, describePkg(15));
      sim.call(rng, (t += rng.int(5, 30) * 1000), own, describePkg(14));
      sim.call(rng, (t += rng.int(30, 120) * 1000), own, list(`${ML.artifactPrefix}/pkg-15/`));
      t = download(own, artifact(15), SIZE[15], t + rng.int(5, 20) * 1000, { perPart: [800, 2600] });
      sim.call(rng, (t += rng.int(40, 90) * MIN), own, getGroupPolicy());
      sim.call(rng, (t += rng.int(20, 60) * MIN), own, list(`${ML.artifactPrefix}/pkg-15/eval/`));
      sim.call(
        rng,
        (t += rng.int(5, 30) * 1000),
        own,
        s3o('GetObject', `${ML.artifactPrefix}/pkg-15/eval/report.json`, { bytes: 48211 }),
      );
    });

    // ---- the evening: the same session key from a hosting address ----
    const ACTOR_UA = UA.awsCli(rng.fork('ua-actor'), 'linux', { family: 'debian' });
    const a = sim.threat(own.with({ ip: VPS_ACTOR, userAgent: ACTOR_UA, tls: 'tls12' }));
    t = at('2026-03-03T10:38:27Z');
    const step = (call, key = false, lo = 2, hi = 25) => {
      t += rng.int(lo, hi) * 1000;
      return sim.call(rng, t, a, { ...call, key });
    };
    step(C.getCallerIdentity(), true);
    step(
      sagemaker('ListModelPackageGroups', {
        maxResults: 50,
        sortBy: 'CreationTime',
        sortOrder: 'Descending',
      }),
    );
    step(describeGroup(), true);
    step(listPkgs(group, 'Approved'));
    step(describePkg(14), true);
    step(describePkg(12));
    step(getGroupPolicy());
    step(
      putGroupPolicy([
        servingStmt,
        {
          Sid: 'ModelEvalPartnerRead',
          Effect: 'Allow',
          Principal: { AWS: EXT_ROOT },
          Action: [
            'sagemaker:DescribeModelPackageGroup',
            'sagemaker:DescribeModelPackage',
            'sagemaker:ListModelPackages',
          ],
          Resource: [groupArn, `arn:aws:sagemaker:${region}:${acct}:model-package/${group}/*`],
        },
      ]),
      true,
      40,
      150,
    );
    step(getGroupPolicy());
    step(s3b('GetBucketPolicy'));
    step(
      putBucketPolicy([
        denyInsecure,
        servingBucket,
        {
          Sid: 'ModelEvalPartnerArtifacts',
          Effect: 'Allow',
          Principal: { AWS: EXT_ROOT },
          Action: ['s3:GetObject', 's3:ListBucket'],
          Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/${ML.artifactPrefix}/*`],
        },
      ]),
      true,
      30,
      120,
    );
    step(s3b('GetBucketPolicy'));

    // ---- the outside account takes the model ----
    const DL_UA = UA.boto3(rng.fork('ua-dl'), { os: 'linux', family: 'ubuntu' });
    const extUser = `AIDA${rng.iamId('', 17)}`;
    const ext = (ip) =>
      sim.threat(
        crossAccountSession({
          callerAccountId: EXT_ACCOUNT,
          principalId: extUser,
          recipientAccountId: acct,
          ip,
          userAgent: DL_UA,
          region,
        }),
      );
    const e1 = ext(VPS_DL_1);
    t = at('2026-03-03T11:26:09Z');
    sim.call(rng, t, e1, { ...describeGroup(groupArn), key: true });
    sim.call(rng, (t += rng.int(2, 9) * 1000), e1, listPkgs(groupArn));
    for (const n of [14, 13, 12]) sim.call(rng, (t += rng.int(2, 9) * 1000), e1, describePkg(n));
    sim.call(rng, (t += rng.int(20, 80) * 1000), e1, list(`${ML.artifactPrefix}/`));
    sim.call(rng, (t += rng.int(2, 9) * 1000), e1, list(`${ML.artifactPrefix}/pkg-14/`));
    t = download(e1, artifact(14), SIZE[14], t + rng.int(5, 20) * 1000, {
      perPart: [2500, 9000],
      keyFirst: true,
    });

    const e2 = ext(VPS_DL_2);
    t = at('2026-03-04T12:03:44Z');
    sim.call(rng, t, e2, listPkgs(groupArn));
    sim.call(rng, (t += rng.int(2, 9) * 1000), e2, describePkg(12));
    sim.call(rng, (t += rng.int(10, 40) * 1000), e2, list(`${ML.artifactPrefix}/pkg-12/`));
    download(e2, artifact(12), SIZE[12], t + rng.int(5, 20) * 1000, {
      perPart: [2500, 9000],
      keyFirst: true,
    });
  },
});
