// Theft of the model invocation logs. The long-term access key of svc-genai-evals (the ML
// team's evaluation service user: its notebooks read the invocation logs to score answers, and
// it may toggle invocation logging for evaluation runs) leaks. From a hosting address the actor
// checks the key, lists buckets, reads the logging configuration and the log bucket's policy,
// then downloads a month of hourly invocation-log files (customer prompts and answers with
// names, addresses, phone numbers and order details). An hour later it points invocation
// logging at a bucket in an account of its own, so every new prompt goes to the actor and the
// company's own bucket stops receiving logs. The next day it checks the configuration and pulls
// a few more files from a second address. Decoys: the key's legitimate notebook reads of the
// same bucket, an administrator's planned logging change (CloudWatch delivery added in a change
// window), an engineer's one-minute logging test in a quiet Region, the security scanner's daily
// read of the logging configuration, and a security analyst opening two log files for a
// customer complaint.

import {
  addAccessKey,
  C,
  Decoys,
  defineScenario,
  finding,
  HOUR,
  iamUser,
  isoSec,
  MIN,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import { SALTBUSH } from './_worlds-c.mjs';

const VPS1 = '185.213.82.140';
const VPS2 = '45.134.140.77';
const EXT_BUCKET = 'apse2-llm-telemetry-archive-4417';

export default defineScenario({
  name: 'prompt-log-theft',
  seed: 'heldout-c/prompt-log-theft/v1',
  start: '2025-12-02T00:00:00Z',
  days: 2,
  world: SALTBUSH,
  background: {
    intensity: 0.95,
    chatbot: { conversationsPerHour: 55 },
    agent: { sessionsPerHour: 4 },
    ops: { events: ['logging-test'], random: 0 },
  },
  alert:
    "GuardDuty reported an unusual change to Amazon Bedrock's model invocation logging configuration in ap-southeast-2, and the data team says the invocation-log bucket has received no new files since the early hours of 3 December (Sydney time).",
  truth: {
    description:
      "The long-term access key of IAM user svc-genai-evals (the ML team's evaluation service user: read access to the invocation-log bucket and permission to manage invocation logging) leaked. From a hosting address the actor called GetCallerIdentity, was denied IAM self-inspection, listed buckets, read the invocation-logging configuration and the policy, location and encryption of saltbush-bedrock-invocation-logs, listed the log prefixes and downloaded about a month of hourly invocation-log files including large-body objects (customer prompts and answers with names, e-mail and postal addresses, phone numbers and orders); S3 called KMS on its behalf. About an hour later it changed the model invocation logging configuration in ap-southeast-2 to deliver to apse2-llm-telemetry-archive-4417 in account 913572046638, and read the configuration back: from then on the company's bucket received no invocation logs (the evidence has none after the change) while every prompt went to the actor. The next day, from a second hosting address, it checked the configuration and downloaded more log files. The notebooks' own reads with the same key, the planned logging change (CHG-5120), the logging test in a quiet Region, the scanner's reads and the security analyst's reads are legitimate.",
    elements: ['access', 'ai-changes', 'private-data'],
    components: ['foundation-models'],
    extra: {
      coverageGaps: [
        {
          region: 'ap-southeast-2',
          source: 'bedrock-invocations',
          reason:
            'invocation logging redirected to a bucket in another account; the company bucket has no invocation logs after the change',
        },
      ],
    },
  },
  incident(sim, { rng, at, world }) {
    const w = world;
    const acct = w.account.id;
    const region = w.homeRegion;
    const bucket = w.res.buckets.invocationLogs;
    // the log bucket is encrypted with a customer managed key
    w.res.kmsBuckets[bucket] = w.res.kmsKeys[0];

    // the evaluation service user
    const u = iamUser(rng, acct, 'svc-genai-evals', {
      created: at('2025-04-09T02:14:51Z'),
      tags: [{ Key: 'purpose', Value: 'ML team answer-quality evaluation notebooks' }],
    });
    addAccessKey(rng, u, at('2025-06-30T23:40:12Z'));
    u.inline.push({
      name: 'genai-evals',
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:ListBucket', 's3:GetBucketLocation'],
            Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
          },
          {
            Effect: 'Allow',
            Action: ['s3:ListAllMyBuckets', 's3:GetBucketPolicy', 's3:GetEncryptionConfiguration'],
            Resource: '*',
          },
          { Effect: 'Allow', Action: ['kms:Decrypt'], Resource: '*' },
          {
            Effect: 'Allow',
            Action: [
              'bedrock:GetModelInvocationLoggingConfiguration',
              'bedrock:PutModelInvocationLoggingConfiguration',
              'bedrock:DeleteModelInvocationLoggingConfiguration',
              'bedrock:InvokeModel',
              'bedrock:ListFoundationModels',
            ],
            Resource: '*',
          },
        ],
      },
    });
    w.users[u.name] = u;

    const logPrefix = `AWSLogs/${acct}/BedrockModelInvocationLogs/${region}/`;
    const logKey = (ms, large = false) => {
      const d = new Date(ms);
      const p = (n) => String(n).padStart(2, '0');
      const stamp = `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}T${p(d.getUTCHours())}${p(rng.int(0, 59))}${p(rng.int(0, 59))}${rng.int(100, 999)}Z`;
      const dir = `${logPrefix}${d.getUTCFullYear()}/${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${p(d.getUTCHours())}/`;
      return large ? `${dir}data/${rng.uuid()}_input.json.gz` : `${dir}${stamp}_${rng.hex(16)}.json.gz`;
    };
    const getLog = (s, t, key, extra = {}) =>
      sim.call(rng, t, s, {
        ...C.s3Object(rng, 'GetObject', bucket, key, {
          accountId: acct,
          region,
          bytes: rng.int(40000, 2400000),
        }),
        ...extra,
      });

    // ---- decoys ----
    const admin = Decoys.findPerson(w, (p) => p.permissionSet === 'admin');
    const analyst = Decoys.findPerson(w, (p) => p.team === 'security');
    const tChg = at('2025-12-02T02:10:00Z');
    sim.planChange({
      ticket: 'CHG-5120',
      window: { start: isoSec(tChg - 20 * MIN), end: isoSec(tChg + 100 * MIN) },
      owner: `platform@${w.company.domain}`,
      summary: `Bedrock model invocation logging (${region}): add CloudWatch Logs delivery to /${w.company.slug}/bedrock/invocations next to the existing S3 delivery to ${bucket}`,
    });
    Decoys.loggingConfigUpdate(sim, rng, tChg, admin, { away: 'home' });
    // a customer complaint: the analyst opens two log files from the S3 console
    const sa = sim.actor('staff').session(analyst, at('2025-12-03T03:25:00Z'), w.net.office[0], false);
    sim.tag({ decoy: true }, () => {
      let t = at('2025-12-03T03:25:00Z');
      sim.call(rng, t, sa, C.s3List(rng, bucket, `${logPrefix}2025/12/02/`, { accountId: acct, region }));
      getLog(sa, (t += 40000), logKey(at('2025-12-02T04:00:00Z')));
      getLog(sa, (t += 65000), logKey(at('2025-12-02T05:00:00Z')));
    });

    // ---- the actor ----
    const ACTOR_UA = UA.awsCli(rng.fork('ua-actor'), 'linux', { family: 'debian' });
    const ACTOR_UA2 = UA.boto3(rng.fork('ua-actor2'), { family: 'ubuntu' });
    const s = sim.threat(sim.userSession(u, { ip: VPS1, userAgent: ACTOR_UA, tls: 'tls12' }));
    let t = at('2025-12-02T14:06:33Z');
    const step = (sess, call, key = false, a = 2, b = 20) => {
      t += rng.int(a, b) * 1000;
      return sim.call(rng, t, sess, { ...call, key });
    };
    const denied = (op) => ({
      ...C.iamGet(op, { userName: u.name }),
      error: {
        code: 'AccessDenied',
        message: `User: ${u.arn} is not authorized to perform: iam:${op} on resource: user ${u.name} because no identity-based policy allows the iam:${op} action`,
      },
    });
    step(s, C.getCallerIdentity(), true);
    step(s, denied('ListAttachedUserPolicies'));
    step(s, denied('GetUser'));
    step(s, C.s3ListBuckets(rng, { region }), true);
    step(s, C.bedrock('GetModelInvocationLoggingConfiguration'), true);
    step(s, C.s3Bucket(rng, 'GetBucketPolicy', bucket, { accountId: acct, region }), true);
    step(s, C.s3Bucket(rng, 'GetBucketLocation', bucket, { accountId: acct, region }));
    step(s, C.s3Bucket(rng, 'GetBucketEncryption', bucket, { accountId: acct, region }));
    step(s, C.s3List(rng, bucket, '', { accountId: acct, region }), true);
    step(s, C.s3List(rng, bucket, logPrefix, { accountId: acct, region }));
    // a month of hourly files, newest first, with some large bodies
    let hourT = at('2025-12-02T13:00:00Z');
    for (let i = 0; i < 150; i++) {
      hourT -= rng.int(3, 7) * HOUR;
      if (i % 25 === 0)
        step(
          s,
          C.s3List(rng, bucket, logKey(hourT).replace(/[^/]*$/, ''), { accountId: acct, region }),
          false,
          1,
          3,
        );
      t += rng.int(600, 4000);
      getLog(s, t, logKey(hourT, i % 17 === 5), { key: i === 0 || i === 5 });
    }
    // redirect logging to the actor's own bucket: state first
    t += rng.int(45, 70) * MIN;
    step(s, C.bedrock('GetModelInvocationLoggingConfiguration'));
    t += rng.int(30, 90) * 1000;
    sim.call(rng, t, s, {
      ...C.bedrock(
        'PutModelInvocationLoggingConfiguration',
        {
          loggingConfig: {
            s3Config: { bucketName: EXT_BUCKET, keyPrefix: 'sb/' },
            textDataDeliveryEnabled: true,
            imageDataDeliveryEnabled: true,
            embeddingDataDeliveryEnabled: false,
          },
        },
        null,
        [EXT_BUCKET],
      ),
      key: true,
    });
    const tRedirect = t;
    sim.setLogging(acct, region, tRedirect, false);
    step(s, C.bedrock('GetModelInvocationLoggingConfiguration'), true, 5, 30);

    // day 2: a check from a second address, and a few more files
    t = at('2025-12-03T10:47:19Z');
    const s2 = sim.threat(sim.userSession(u, { ip: VPS2, userAgent: ACTOR_UA2, tls: 'tls13' }));
    step(s2, C.getCallerIdentity(), true);
    step(s2, C.bedrock('GetModelInvocationLoggingConfiguration'), true);
    step(s2, C.s3List(rng, bucket, `${logPrefix}2025/11/`, { accountId: acct, region }));
    hourT = at('2025-11-05T00:00:00Z');
    for (let i = 0; i < 30; i++) {
      hourT -= rng.int(5, 14) * HOUR;
      t += rng.int(900, 5000);
      getLog(s2, t, logKey(hourT), { key: i === 0 });
    }

    // ---- legitimate use of the key: the evaluation notebooks (SageMaker, the app's NAT) ----
    // (after the redirect: their invocations from then on are not in the company's logs)
    const NB_UA = w.userAgents.notebook;
    const nb = sim.userSession(u, { ip: w.net.appNat[1], userAgent: NB_UA });
    for (const [day, start] of [
      ['2025/12/01', '2025-12-02T00:40:00Z'],
      ['2025/12/02', '2025-12-02T23:15:00Z'],
    ]) {
      let t = at(start);
      sim.tag({ decoy: true }, () => {
        sim.call(rng, t, nb, C.getCallerIdentity());
        sim.call(
          rng,
          (t += 4000),
          nb,
          C.s3List(rng, bucket, `${logPrefix}${day}/`, { accountId: acct, region }),
        );
        for (let i = 0; i < rng.int(8, 14); i++)
          getLog(nb, (t += rng.int(2, 9) * 1000), logKey(t - rng.int(1, 20) * HOUR));
      });
      // scoring with the small model
      for (let i = 0; i < rng.int(10, 18); i++) {
        t += rng.int(20, 80) * 1000;
        sim.runtime(rng, t, nb, {
          op: 'InvokeModel',
          modelId: w.models.chat,
          prompt: `Rate the assistant answer from 1 to 5 for helpfulness and policy compliance. Reply with the number only.\nAnswer: ${rng.pick(['Your order is on its way and should arrive in 3 to 5 business days.', 'You can return most items within 30 days of delivery.', 'Express shipping costs $14.95.'])}`,
          answer: String(rng.int(3, 5)),
          maxTokens: 5,
          temperature: 0,
        });
      }
    }

    // GuardDuty
    const key = { accessKeyId: u.accessKeys[0].id, principalId: u.id, userType: 'IAMUser', userName: u.name };
    sim.tag({ malicious: true, key: true, scope: 'none' }, () => {
      const f1 = tRedirect + 14 * MIN;
      sim.finding(
        f1,
        finding(rng, w, {
          t: f1,
          type: 'DefenseEvasion:IAMUser/AnomalousBehavior',
          severity: 5,
          accessKey: key,
          title: `An API commonly used to evade defenses was invoked by IAM user ${u.name}.`,
          description:
            'An API commonly used in defense evasion tactics was invoked by an IAM entity in an anomalous way: the model invocation logging configuration was changed.',
          api: 'PutModelInvocationLoggingConfiguration',
          serviceName: 'bedrock.amazonaws.com',
          remoteIp: {
            ip: VPS1,
            country: 'Singapore',
            city: 'Singapore',
            asn: 9009,
            asnOrg: 'M247 Europe SRL',
            isp: 'M247',
            org: 'M247 Europe SRL',
          },
          firstSeen: tRedirect,
          lastSeen: tRedirect,
          count: 1,
        }),
      );
      const f2 = at('2025-12-02T15:02:10Z');
      sim.finding(
        f2,
        finding(rng, w, {
          t: f2,
          type: 'Exfiltration:S3/AnomalousBehavior',
          severity: 8,
          accessKey: key,
          resourceType: 'S3Bucket',
          s3Bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
          title: `Anomalous S3 object reads from bucket ${bucket} by IAM user ${u.name}.`,
          description: `IAM user ${u.name} read an unusually large number of objects from ${bucket} from a new address.`,
          api: 'GetObject',
          serviceName: 's3.amazonaws.com',
          remoteIp: {
            ip: VPS1,
            country: 'Singapore',
            city: 'Singapore',
            asn: 9009,
            asnOrg: 'M247 Europe SRL',
            isp: 'M247',
            org: 'M247 Europe SRL',
          },
          firstSeen: at('2025-12-02T14:07:00Z'),
          lastSeen: f2,
          count: 150,
        }),
      );
    });
  },
});
