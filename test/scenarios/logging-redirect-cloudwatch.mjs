// Invocation-logging blackout with stolen CI credentials. A third-party GitHub Action used by the
// support-chatbot workflow was compromised upstream (its release tag was moved to a commit that
// reads the runner's memory and sends the job's secrets out). During an ordinary pipeline run on
// 7 October the configure-aws-credentials step's deploy-role session (one hour) was taken; seven
// minutes later the same access key is used from a hosting provider with a Python SDK. The actor
// checks the identity and the invocation-logging configuration, rewrites it with every data type
// disabled (textDataDeliveryEnabled false; same bucket and log group, so it still looks
// configured), cuts the retention of the CloudWatch log group holding the invocation logs to one
// day, checks that Paris, Stockholm and Frankfurt have no logging, and spends the rest of the
// hour on resold role-play and bulk writing through the EU Claude 3.7 Sonnet inference profile
// called from those Regions (and from Milan once its logging is off). Next morning the security
// team restores logging and retention and revokes older deploy-role sessions.
// Decoys: an engineer's planned logging change (ticketed), the security team's retention-policy
// update of the application log groups (ticketed, same API on the same group), the posture
// scanner's cross-Region reads of the logging configuration, a one-minute logging test in a quiet
// Region, the pipeline's own runs with the same role.

import {
  Abuse,
  C,
  clientProfile,
  Decoys,
  defineScenario,
  finding,
  isoSec,
  MIN,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import { BRUNELLI } from './_worlds-j.mjs';

const VPS = '45.134.26.118';
const PROFILE = 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0';
const EU_DEST = ['eu-central-1', 'eu-west-1', 'eu-west-3', 'eu-north-1', 'eu-south-1'];

export default defineScenario({
  name: 'logging-redirect-cloudwatch',
  seed: 'fresh-j/logging-redirect-cloudwatch/v1',
  start: '2025-10-07T00:00:00Z',
  days: 2,
  world: BRUNELLI,
  background: {
    intensity: 1.0,
    chatbot: { conversationsPerHour: 50 },
    agent: { sessionsPerHour: 4 },
    ops: { events: ['logging-test'], random: 1 },
  },
  alert:
    'On the morning of 8 October the security team found that Bedrock model invocation logging in eu-south-1 had delivered nothing since the afternoon of 7 October, and that the CloudWatch log group /brunellicasa/bedrock/invocations now keeps one day of data. An engineer had a planned logging change and the security team updated log retention the same day. GuardDuty also reported a defence-evasion finding.',
  truth: {
    description:
      "A compromised third-party action in the support-chatbot GitHub Actions workflow took the github-actions-deploy role session (OIDC, one hour) of an ordinary pipeline run at 16:06 local on 7 October. From 16:13 the same access key was used from a hosting-provider address (45.134.26.118) with boto3 instead of Terraform: GetCallerIdentity, GetModelInvocationLoggingConfiguration and DescribeLogGroups in eu-south-1, then PutModelInvocationLoggingConfiguration keeping the S3 bucket and the /brunellicasa/bedrock/invocations log group but with textDataDeliveryEnabled, imageDataDeliveryEnabled and embeddingDataDeliveryEnabled false (from then on no invocation records were delivered in eu-south-1), and PutRetentionPolicy of 1 day on /brunellicasa/bedrock/invocations (the CloudWatch copy of earlier invocation logs expires). It checked that eu-west-3, eu-north-1 and eu-central-1 had no invocation logging and listed the inference profiles there, then until the session expired sent resold role-play and bulk-writing requests to the EU Claude 3.7 Sonnet cross-Region inference profile from eu-west-3, eu-north-1, eu-central-1 and eu-south-1; none of them is in the invocation logs (CloudTrail only). On 8 October the security team restored the logging configuration and retention and revoked older deploy-role sessions. The pipeline's other runs, the engineer's ticketed logging change, the security team's ticketed retention update, the posture scanner and the logging test are legitimate.",
    elements: ['access', 'ai-changes', 'infrastructure-changes', 'invocation'],
    components: ['foundation-models'],
    extra: {
      coverageGaps: [
        {
          region: 'eu-south-1',
          source: 'bedrock-invocations',
          reason:
            'text delivery disabled by the actor at 16:15 local on 7 October: no invocation records until the security team restored logging on 8 October (the actor invoked models here, CloudTrail only)',
        },
        ...['eu-west-3', 'eu-north-1', 'eu-central-1'].map((region) => ({
          region,
          source: 'bedrock-invocations',
          reason:
            'model invocation logging is not configured in this Region; the actor invoked the EU inference profile from here (CloudTrail only, no prompts)',
        })),
        {
          region: 'eu-south-1',
          source: 'cloudwatch-logs',
          reason:
            'the log group /brunellicasa/bedrock/invocations was set to 1-day retention: its copy of earlier invocation logs is lost (the S3 copy remains)',
        },
      ],
    },
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const acct = w.account.id;
    const home = w.homeRegion;
    const group = `/${w.company.slug}/bedrock/invocations`;
    const loggingRole = `arn:aws:iam::${acct}:role/service-role/${w.company.slug}-bedrock-logging`;
    const fullConfig = (text) => ({
      loggingConfig: {
        s3Config: { bucketName: w.res.buckets.invocationLogs, keyPrefix: '' },
        cloudWatchConfig: {
          logGroupName: group,
          roleArn: loggingRole,
          largeDataDeliveryS3Config: { bucketName: w.res.buckets.invocationLogs, keyPrefix: 'large/' },
        },
        textDataDeliveryEnabled: text,
        imageDataDeliveryEnabled: false,
        embeddingDataDeliveryEnabled: false,
      },
    });
    const staff = actors.staff;
    const eng =
      w.people.find((p) => p.team === 'platform' && p.permissionSet === 'power') ??
      w.people.find((p) => p.team === 'platform');
    const sec = w.people.find((p) => p.team === 'security');
    for (const p of [eng, sec]) {
      p.travelDay = null;
      p.commercialVpn = null;
      p.remoteShare = 0;
    }
    const onBehalfOf = (p) => ({
      userId: p.ssoUserId,
      identityStoreArn: `arn:aws:identitystore::${acct}:identitystore/${w.sso.identityStore}`,
    });

    // ---- decoy: the engineer's planned logging change (add large-payload delivery) --------------
    {
      const t0 = at('2025-10-07T08:20:00Z');
      sim.planChange({
        ticket: 'CHG-5188',
        window: { start: isoSec(t0 - 15 * MIN), end: isoSec(t0 + 60 * MIN) },
        owner: eng.email,
        summary: `Bedrock invocation logging (eu-south-1): add large-payload S3 delivery for the CloudWatch log group ${group}; no change to text delivery`,
      });
      Decoys.loggingConfigUpdate(sim, rng.fork('eng-logging'), t0, eng, {});
    }

    // ---- decoy: the security team's retention-policy update (ticketed) ---------------------------
    {
      const r = rng.fork('retention');
      const t0 = at('2025-10-07T11:35:00Z');
      sim.planChange({
        ticket: 'SEC-1342',
        window: { start: isoSec(t0 - 10 * MIN), end: isoSec(t0 + 45 * MIN) },
        owner: sec.email,
        summary:
          'Log retention baseline: set 400-day retention on Lambda, knowledge-base and Bedrock invocation log groups (audit finding A-25-07)',
      });
      const s = sim.roleSession(w.sso[sec.permissionSet], sec.email, {
        ip: w.net.office[1],
        userAgent: staff.clients(sec, t0).cli,
        created: t0 - 5 * MIN,
        onBehalfOf: onBehalfOf(sec),
        rng: r,
      });
      let t = t0;
      sim.tag({ decoy: true }, () => {
        sim.call(r, t, s, C.getCallerIdentity());
        sim.call(r, (t += r.int(3, 10) * 1000), s, C.call('logs:DescribeLogGroups', { limit: 50 }));
        for (const g of w.res.logGroups) {
          t += r.int(2, 9) * 1000;
          sim.call(r, t, s, C.call('logs:PutRetentionPolicy', { logGroupName: g, retentionInDays: 400 }));
        }
        sim.call(r, (t += r.int(5, 20) * 1000), s, C.call('logs:DescribeLogGroups', { limit: 50 }));
      });
    }

    // ---- the pipeline run whose credentials were taken (benign in itself) ------------------------
    const runStart = at('2025-10-07T14:06:20Z');
    const run = actors.cicd.deploy(runStart, {
      rng: rng.fork('leaky-run'),
      repo: `${w.company.github}/support-chatbot`,
      changes: ['lambda'],
    });
    const expires = runStart + 3600 * 1000;

    // ---- the actor: the same session key from a VPS --------------------------------------------
    const s = sim.threat(
      run.session.with({ ip: VPS, userAgent: UA.boto3(rng.fork('ua'), { family: 'ubuntu' }), tags: null }),
    );
    let t = at('2025-10-07T14:13:41Z');
    const step = (rs, call, a = 2, b = 15) => {
      t += rng.int(a, b) * 1000;
      return sim.call(rng, t, rs, call);
    };
    step(s, { ...C.getCallerIdentity(), key: true });
    step(s, { ...C.bedrock('GetModelInvocationLoggingConfiguration'), key: true });
    step(s, C.call('logs:DescribeLogGroups', { logGroupNamePrefix: `/${w.company.slug}/bedrock` }));
    step(
      s,
      C.call('logs:DescribeLogStreams', {
        logGroupName: group,
        orderBy: 'LastEventTime',
        descending: true,
        limit: 5,
      }),
    );
    step(
      s,
      { ...C.bedrock('PutModelInvocationLoggingConfiguration', fullConfig(false), null, []), key: true },
      20,
      60,
    );
    sim.setLogging(acct, home, t, false);
    const loggingOff = t;
    step(s, C.bedrock('GetModelInvocationLoggingConfiguration'));
    step(
      s,
      {
        ...C.call('logs:PutRetentionPolicy', { logGroupName: group, retentionInDays: 1 }, null, {
          scope: [group],
        }),
        key: true,
      },
      5,
      30,
    );
    step(s, C.call('logs:DescribeLogGroups', { logGroupNamePrefix: `/${w.company.slug}/bedrock` }));
    const abuseRegions = ['eu-west-3', 'eu-north-1', 'eu-central-1'];
    for (const region of abuseRegions) {
      const rs = s.with({ region });
      step(rs, { ...C.bedrock('GetModelInvocationLoggingConfiguration'), key: region === abuseRegions[0] });
      step(rs, C.bedrock('ListInferenceProfiles', { typeEquals: 'SYSTEM_DEFINED', maxResults: 100 }));
    }

    // resold use of the EU inference profile until the session expires
    const params = clientProfile(rng, { spread: 0.3 });
    const corpus = w.corpus.abuse;
    const seen = new Set();
    const targets = [
      ['eu-west-3', 4],
      ['eu-north-1', 3],
      ['eu-central-1', 2],
      [home, 1],
    ];
    let ts = t + rng.int(60, 180) * 1000;
    const end = expires - rng.int(60, 200) * 1000;
    while (ts < end) {
      ts += Math.max(300, rng.exp(22000) * (rng.chance(0.3) ? 0.15 : 1));
      if (ts >= end) break;
      const region = rng.weighted(targets);
      const bulk = rng.chance(0.35);
      const big = rng.chance(0.05);
      const content = bulk
        ? Abuse.bulkTask(rng, { corpus, docWords: big ? rng.int(2000, 5000) : undefined })
        : Abuse.rolePlay(rng, {
            turns: big ? rng.int(15, 30) : rng.int(2, 10),
            cardParagraphs: big ? rng.int(8, 12) : rng.int(2, 6),
            corpus,
          });
      const p = params(rng);
      const first = !seen.has(region);
      seen.add(region);
      const throttle = rng.chance(0.04);
      sim.runtime(rng, Math.round(ts), s.with({ region }), {
        op: rng.pick(['InvokeModel', 'InvokeModelWithResponseStream', 'ConverseStream', 'Converse']),
        modelId: PROFILE,
        region,
        inferenceRegion: rng.pick(EU_DEST),
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
        key: first,
      });
    }

    // GuardDuty: the logging change from an unusual network for this role
    sim.tag({ malicious: true, key: true, scope: 'none' }, () => {
      const ft = loggingOff + rng.int(8, 20) * MIN;
      sim.finding(
        ft,
        finding(rng, w, {
          t: ft,
          type: 'DefenseEvasion:IAMUser/AnomalousBehavior',
          severity: 5,
          accessKey: {
            accessKeyId: s.accessKeyId,
            principalId: s.identity.principalId,
            userType: 'AssumedRole',
            userName: w.roles.deploy.name,
          },
          title: 'An API commonly used to evade defensive measures was invoked in an anomalous way.',
          description: `APIs commonly used to evade defensive measures were invoked by GitHubActions session of role ${w.roles.deploy.name} from a remote IP address not previously associated with this principal.`,
          api: 'PutModelInvocationLoggingConfiguration',
          serviceName: 'bedrock.amazonaws.com',
          remoteIp: {
            ip: VPS,
            country: 'Netherlands',
            city: 'Amsterdam',
            asn: '49981',
            asnOrg: 'WorldStream B.V.',
            isp: 'WorldStream',
            org: 'WorldStream',
          },
          firstSeen: loggingOff - 60000,
          lastSeen: t,
          count: 3,
        }),
      );
    });

    // ---- next morning: the security team restores logging and retention, revokes sessions ------
    {
      const r = rng.fork('restore');
      const t0 = at('2025-10-08T07:12:00Z');
      const rs = sim.roleSession(w.sso[sec.permissionSet], sec.email, {
        ip: w.net.office[0],
        userAgent: staff.clients(sec, t0).cli,
        created: t0 - 3 * MIN,
        onBehalfOf: onBehalfOf(sec),
        rng: r,
      });
      const admin = sim.roleSession(w.sso.admin, eng.email, {
        ip: w.net.office[0],
        userAgent: staff.clients(eng, t0).cli,
        created: t0 + 10 * MIN,
        onBehalfOf: onBehalfOf(eng),
        rng: r,
      });
      let tr = t0;
      sim.tag({ decoy: true }, () => {
        sim.call(r, tr, rs, C.bedrock('GetModelInvocationLoggingConfiguration'));
        sim.call(
          r,
          (tr += r.int(20, 90) * 1000),
          rs,
          C.call('logs:DescribeLogGroups', { logGroupNamePrefix: `/${w.company.slug}/bedrock` }),
        );
        sim.call(
          r,
          (tr += r.int(600, 1500) * 1000),
          admin,
          C.bedrock('PutModelInvocationLoggingConfiguration', fullConfig(true)),
        );
        sim.setLogging(acct, home, tr, true);
        sim.call(
          r,
          (tr += r.int(10, 40) * 1000),
          admin,
          C.call('logs:PutRetentionPolicy', { logGroupName: group, retentionInDays: 400 }),
        );
        sim.call(
          r,
          (tr += r.int(30, 120) * 1000),
          admin,
          C.iamPutRolePolicy(w.roles.deploy, 'AWSRevokeOlderSessions', {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Deny',
                Action: ['*'],
                Resource: ['*'],
                Condition: { DateLessThan: { 'aws:TokenIssueTime': isoSec(tr) } },
              },
            ],
          }),
        );
        sim.call(r, (tr += r.int(5, 30) * 1000), admin, C.bedrock('GetModelInvocationLoggingConfiguration'));
      });
    }
  },
});
