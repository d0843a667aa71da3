// Blinding the trail's data events before data theft (Fjordvik Marine, _worlds-z.mjs, eu-north-1).
//
// An access key of `svc-secops-deployer`, the security account's CI user that deploys the
// compliance checker, leaks. The key may assume `fjordvik-secops-automation` in prod (the role
// the checker assumes every hour from the security account's NAT addresses to read CloudTrail and
// Bedrock logging settings). At 22:40 Oslo time on 18 November, from a VPS, the actor assumes the
// role with a session name copied from the checker's pattern, reads the trails, the security-audit
// trail's advanced event selectors and the invocation logging configuration, then
// cloudtrail:PutEventSelectors on `fjordvik-security-audit`: the selectors keep their names, but the
// S3 selector no longer lists the training-data and knowledge-base source buckets, and the Bedrock
// knowledge-base and agent selectors are gone; it then deletes model invocation logging in
// eu-north-1. From a second hosting address, with the same role session, it reads the knowledge
// base (metadata through management events; retrievals are no longer logged), lists and downloads
// the knowledge-base documents and the fine-tuning transcripts (no S3 data events any more), and
// asks Claude 3.7 Sonnet to summarise what it took (CloudTrail management events only; no
// invocation logs). What survives: the selector and logging changes, a day-long hole in the data
// events of both buckets and in knowledge-base and agent data events while the application keeps
// working (agent traces and knowledge-base logs go on), the KMS Decrypt records S3 made on the role
// session's behalf for each training object (SSE-KMS; the encryption context names the object),
// the actor's management calls with its addresses, and GuardDuty (whose S3 protection reads its own
// feed of data events): DefenseEvasion for the selector change, Exfiltration:S3/AnomalousBehavior on
// the training bucket and Discovery:S3/AnomalousBehavior on the knowledge-base bucket. About 23
// hours later the actor assumes the role again and restores both settings.
// What cannot be seen: which knowledge-base queries were made and which documents of the
// knowledge-base bucket were read; what the model was asked.
//
// Decoys: a planned cost-saving change of the organisation trail's selectors (CHG-5182, removing the
// web-asset and CI bucket data events, from the office); the log-archive team's daily audit
// (DescribeTrails, GetEventSelectors, GetTrailStatus, invocation logging configuration) from its
// account; the compliance checker's hourly read-only checks through the same role; an engineer's
// one-minute invocation-logging test in a quiet Region and a model enablement (ops).

import {
  C,
  crossAccountSession,
  defineScenario,
  finding,
  HOUR,
  isoSec,
  MIN,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import {
  auditSelectors,
  FJORDVIK,
  FJORDVIK_LOGARCHIVE,
  FJORDVIK_SECURITY,
  LOGARCHIVE_EGRESS,
  orgSelectors,
  SECOPS_EGRESS,
  SECOPS_LAMBDA_ROLE,
} from './_worlds-z.mjs';

const VPS1 = '185.213.155.27';
const VPS2 = '45.140.169.88';
const SONNET37 = 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0';
let TRUTH;

const ipInfo = (ip) =>
  ip === VPS1
    ? {
        ip,
        country: 'Sweden',
        city: 'Stockholm',
        lat: 59.3293,
        lon: 18.0686,
        asn: 39351,
        asnOrg: '31173 Services AB',
        isp: '31173 Services AB',
        org: '31173 Services AB',
      }
    : {
        ip,
        country: 'Netherlands',
        city: 'Amsterdam',
        asn: 50673,
        asnOrg: 'Serverius Holding B.V.',
        isp: 'Serverius',
        org: 'Serverius Holding B.V.',
      };

export default defineScenario({
  name: 'trail-selector-blindspot',
  seed: 'fresh-z/trail-selector-blindspot/v1',
  start: '2025-11-18T00:00:00Z',
  days: 2,
  world: FJORDVIK,
  background: {
    intensity: 0.85,
    chatbot: { conversationsPerHour: 45 },
    agent: { sessionsPerHour: 5 },
    jobs: { guardrailEval: false },
    ops: { events: ['logging-test', 'model-enable'], random: 0 },
  },
  alert:
    'Weekly log-completeness report (log-archive team), fjordvik-prod: the security-audit trail delivered no S3 data events for fjordvik-ml-training-data and fjordvik-support-kb-docs and no Bedrock knowledge-base or agent data events between the evening of 18 November and the evening of 19 November, and the Bedrock invocation-log bucket has no objects for eu-north-1 in the same period. GuardDuty shows S3 findings for the training bucket on the night of 18 November. Nobody has a ticket for a change to that trail.',
  truth: (TRUTH = {
    description: '',
    elements: ['access', 'ai-changes', 'infrastructure-changes', 'invocation', 'private-data'],
    components: ['knowledge-bases', 'training-data', 'foundation-models'],
    extra: { coverageGaps: [] },
  }),
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const acct = w.account.id;
    const region = w.homeRegion;
    const b = w.res.buckets;
    const audit = w.res.auditTrail;
    const org = w.res.trail;
    const role = w.roles.secops;
    const kb = w.res.kb;
    const staff = actors.staff;
    const DECOY = { decoy: true };
    const lambdaUa = UA.boto3(rng.fork('ua-secops'), { lambda: true });
    const checkerRoleId = 'AROAYTQ4CMRX7L2P5KJ3N';

    const tBlind = at('2025-11-18T21:44:31Z');
    const tRestore = at('2025-11-19T21:07:48Z');

    // ---- the hole: the security-audit trail no longer delivers these data events -------------
    const blindBuckets = new Set([b.training, b.kbSource]);
    const blindEvents = new Set(['Retrieve', 'RetrieveAndGenerate', 'InvokeAgent', 'InvokeFlow']);
    const orig = sim.writer.cloudtrail.bind(sim.writer);
    sim.writer.cloudtrail = (rec, t) => {
      if (t >= tBlind && t < tRestore && rec.eventCategory === 'Data') {
        if (rec.eventSource === 's3.amazonaws.com' && blindBuckets.has(rec.requestParameters?.bucketName))
          return;
        if (rec.eventSource === 'bedrock.amazonaws.com' && blindEvents.has(rec.eventName)) return;
      }
      orig(rec, t);
    };

    // ---- the compliance checker: hourly, read-only, through the same role (decoy) ------------
    const checker = (t, ip) => {
      const sessName = `secops-check-${Math.floor(t / 1000)}`;
      const key = rng.iamId('ASIA');
      const caller = crossAccountSession({
        callerAccountId: FJORDVIK_SECURITY,
        principalId: `${checkerRoleId}:secops-compliance-checker`,
        recipientAccountId: acct,
        ip,
        userAgent: lambdaUa,
        region,
      });
      sim.call(rng, t, caller, C.assumeRole(rng, role, sessName, key, t, { region, duration: 900 }));
      const s = sim.roleSession(role, sessName, {
        ip,
        userAgent: lambdaUa,
        accessKeyId: key,
        created: t,
        rng,
      });
      let ts = t + rng.int(300, 1500);
      sim.call(rng, ts, s, C.call('cloudtrail:GetEventSelectors', { trailName: audit.arn }));
      sim.call(rng, (ts += rng.int(100, 600)), s, C.call('cloudtrail:GetTrailStatus', { name: audit.arn }));
      sim.call(rng, (ts += rng.int(100, 600)), s, C.call('cloudtrail:GetTrailStatus', { name: org.arn }));
      sim.call(rng, (ts += rng.int(100, 600)), s, C.bedrock('GetModelInvocationLoggingConfiguration'));
    };
    sim.tag(DECOY, () => {
      for (let t = sim.start + 7 * MIN; t < sim.end; t += HOUR)
        checker(t + rng.int(0, 40) * 1000, rng.pick(SECOPS_EGRESS));
    });

    // ---- the log-archive team's daily audit (decoy) -----------------------------------------
    sim.tag(DECOY, () => {
      for (const day of ['2025-11-18', '2025-11-19']) {
        const t0 = at(`${day}T07:05:00Z`) + rng.int(0, 300) * 1000;
        const ua = UA.boto3(rng.fork(`ua-la-${day}`), { family: 'ec2' });
        const caller = crossAccountSession({
          callerAccountId: FJORDVIK_LOGARCHIVE,
          principalId: 'AROA2KX7QW4HVN3M8TZLE:logarchive-auditor',
          recipientAccountId: acct,
          ip: LOGARCHIVE_EGRESS[0],
          userAgent: ua,
          region,
        });
        const key = rng.iamId('ASIA');
        sim.call(
          rng,
          t0,
          caller,
          C.assumeRole(rng, w.roles.logarchive, 'logarchive-auditor', key, t0, { region }),
        );
        const s = sim.roleSession(w.roles.logarchive, 'logarchive-auditor', {
          ip: LOGARCHIVE_EGRESS[0],
          userAgent: ua,
          accessKeyId: key,
          created: t0,
          rng,
        });
        let t = t0 + 2000;
        sim.call(rng, t, s, C.getCallerIdentity());
        sim.call(
          rng,
          (t += rng.int(1, 3) * 1000),
          s,
          C.call('cloudtrail:DescribeTrails', { trailNameList: [], includeShadowTrails: true }),
        );
        for (const tr of [org, audit]) {
          sim.call(
            rng,
            (t += rng.int(1, 3) * 1000),
            s,
            C.call('cloudtrail:GetTrailStatus', { name: tr.arn }),
          );
          sim.call(
            rng,
            (t += rng.int(1, 3) * 1000),
            s,
            C.call('cloudtrail:GetEventSelectors', { trailName: tr.arn }),
          );
          sim.call(
            rng,
            (t += rng.int(1, 3) * 1000),
            s,
            C.call('cloudtrail:GetInsightSelectors', { trailName: tr.arn }),
          );
        }
        sim.call(rng, (t += rng.int(1, 3) * 1000), s, C.bedrock('GetModelInvocationLoggingConfiguration'));
        sim.call(
          rng,
          (t += rng.int(1, 3) * 1000),
          s,
          C.s3Bucket(rng, 'GetBucketPolicy', b.trail, { accountId: acct, region }),
        );
        sim.call(
          rng,
          (t += rng.int(1, 3) * 1000),
          s,
          C.s3Bucket(rng, 'GetBucketLogging', b.trail, { accountId: acct, region }),
        );
      }
    });

    // ---- planned cost-saving change of the organisation trail (CHG-5182, decoy) ---------------
    const eng =
      w.people.find((p) => p.team === 'platform' && p.permissionSet === 'admin') ??
      w.people.find((p) => p.team === 'platform');
    const tChg = at('2025-11-18T10:12:00Z');
    sim.planChange({
      ticket: 'CHG-5182',
      window: { start: isoSec(tChg - 15 * MIN), end: isoSec(tChg + 60 * MIN) },
      owner: `platform@${w.company.domain}`,
      summary: `Cost saving: remove the S3 data-event selector for ${b.webAssets} and ${b.ciArtifacts} from the organisation trail ${org.name} (management events unchanged; the security-audit trail is not touched). Made by ${eng.email} from the console.`,
    });
    sim.tag(DECOY, () => {
      let t = tChg;
      const s = staff.session(eng, t, w.net.office[0], false);
      sim.call(
        rng,
        t,
        s,
        C.call('cloudtrail:DescribeTrails', { trailNameList: [], includeShadowTrails: false }),
      );
      sim.call(
        rng,
        (t += rng.int(10, 40) * 1000),
        s,
        C.call('cloudtrail:GetEventSelectors', { trailName: org.arn }),
      );
      sim.call(
        rng,
        (t += rng.int(60, 200) * 1000),
        s,
        C.putEventSelectors(org, orgSelectors(b, { withCostly: false })),
      );
      sim.call(
        rng,
        (t += rng.int(5, 30) * 1000),
        s,
        C.call('cloudtrail:GetEventSelectors', { trailName: org.arn }),
      );
      sim.call(rng, (t += rng.int(5, 30) * 1000), s, C.call('cloudtrail:GetTrailStatus', { name: org.arn }));
    });

    // ---- the incident ---------------------------------------------------------------------------
    const leakedPrincipal = 'AIDAYTQ4CMRXQ2V6WBN7D';
    const actorUa = UA.boto3(rng.fork('ua-actor'), { family: 'ubuntu' });
    const assume = (t, ip) => {
      const sessName = `secops-check-${Math.floor(t / 1000) - rng.int(3000, 90000)}`;
      const key = rng.iamId('ASIA');
      const caller = sim.threat(
        crossAccountSession({
          callerAccountId: FJORDVIK_SECURITY,
          principalId: leakedPrincipal,
          recipientAccountId: acct,
          ip,
          userAgent: actorUa,
          region,
          tls: 'tls12',
        }),
      );
      sim.call(rng, t, caller, { ...C.assumeRole(rng, role, sessName, key, t, { region }), key: true });
      return sim.threat(
        sim.roleSession(role, sessName, {
          ip,
          userAgent: actorUa,
          accessKeyId: key,
          created: t,
          rng,
          tls: 'tls12',
        }),
      );
    };
    let t = at('2025-11-18T21:40:03Z');
    const s1 = assume(t, VPS1);
    sim.call(rng, (t += rng.int(2, 5) * 1000), s1, { ...C.getCallerIdentity(), key: true });
    sim.call(rng, (t += rng.int(3, 9) * 1000), s1, {
      ...C.call('cloudtrail:DescribeTrails', { trailNameList: [], includeShadowTrails: true }),
      key: true,
    });
    sim.call(
      rng,
      (t += rng.int(2, 6) * 1000),
      s1,
      C.call('cloudtrail:GetEventSelectors', { trailName: org.arn }),
    );
    sim.call(rng, (t += rng.int(2, 6) * 1000), s1, {
      ...C.call('cloudtrail:GetEventSelectors', { trailName: audit.arn }),
      key: true,
    });
    sim.call(rng, (t += rng.int(2, 6) * 1000), s1, C.call('cloudtrail:GetTrailStatus', { name: audit.arn }));
    sim.call(rng, (t += rng.int(2, 6) * 1000), s1, {
      ...C.bedrock('GetModelInvocationLoggingConfiguration'),
      key: true,
    });
    // the narrowed selectors: same names, two buckets and the Bedrock retrieval/agent selectors gone
    const narrowed = auditSelectors(b).filter((x) => !/knowledge base|agent/i.test(x.name));
    narrowed[1].fieldSelectors[2] = {
      field: 'resources.ARN',
      startsWith: [`arn:aws:s3:::${b.customerRecords}/`, `arn:aws:s3:::${b.modelArtifacts}/`],
    };
    t = tBlind;
    sim.call(rng, t, s1, { ...C.putEventSelectors(audit, narrowed), key: true });
    sim.call(
      rng,
      (t += rng.int(3, 9) * 1000),
      s1,
      C.call('cloudtrail:GetEventSelectors', { trailName: audit.arn }),
    );
    t = Math.max(t + rng.int(20, 50) * 1000, 0);
    sim.call(rng, t, s1, {
      ...C.bedrock('DeleteModelInvocationLoggingConfiguration', null, null, []),
      key: true,
    });
    sim.setLogging(acct, region, t, false);
    const tDelete = t;
    sim.call(rng, (t += rng.int(3, 9) * 1000), s1, C.bedrock('GetModelInvocationLoggingConfiguration'));

    // second host, same role session credentials
    const ua2 = UA.boto3(rng.fork('ua-actor2'), { family: 'debian' });
    const s2 = s1.with({ ip: VPS2, userAgent: ua2 });
    t = at('2025-11-18T22:31:17Z');
    sim.call(rng, t, s2, { ...C.getCallerIdentity(), key: true });
    sim.call(rng, (t += rng.int(3, 9) * 1000), s2, C.bedrockAgent('ListKnowledgeBases', { maxResults: 100 }));
    sim.call(rng, (t += rng.int(2, 6) * 1000), s2, {
      ...C.bedrockAgent('GetKnowledgeBase', { knowledgeBaseId: kb.id }, null, [kb.id]),
      key: true,
    });
    sim.call(
      rng,
      (t += rng.int(2, 6) * 1000),
      s2,
      C.bedrockAgent('ListDataSources', { knowledgeBaseId: kb.id, maxResults: 100 }, null, [kb.id]),
    );
    sim.call(
      rng,
      (t += rng.int(2, 6) * 1000),
      s2,
      C.bedrockAgent('GetDataSource', { knowledgeBaseId: kb.id, dataSourceId: kb.dataSourceId }, null, [
        kb.id,
      ]),
    );
    sim.call(rng, (t += rng.int(5, 15) * 1000), s2, C.s3ListBuckets(rng, { region }));
    for (const bk of [b.kbSource, b.training])
      sim.call(rng, (t += rng.int(2, 6) * 1000), s2, {
        ...C.s3Bucket(rng, 'GetBucketLocation', bk, { accountId: acct, region }),
        scope: [bk],
      });
    // (invisible: ~70 Retrieve calls against the knowledge base, list and download of the KB docs)
    const tKbStart = t + 40 * 1000;
    t = tKbStart + 38 * MIN;
    // training objects: S3 data events are gone, S3's KMS calls on the session's behalf remain
    const keyArn = `arn:aws:kms:${region}:${acct}:key/${w.res.kmsBuckets[b.training]}`;
    const via = s2.with({
      ip: 'AWS Internal',
      userAgent: 'AWS Internal',
      tls: null,
      vpce: null,
      console: false,
      identity: { ...s2.identity, invokedBy: 'AWS Internal' },
    });
    const objects = [];
    for (const month of ['2025-06', '2025-07', '2025-08', '2025-09', '2025-10'])
      for (let i = 1; i <= 8; i++)
        objects.push(`fine-tune/${month}/support-transcripts-part-${String(i).padStart(4, '0')}.jsonl`);
    objects.push(
      'fine-tune/manifests/train-v7.json',
      'fine-tune/manifests/eval-v7.json',
      'eval/golden-answers-no-en-v3.jsonl',
    );
    const tReadStart = t;
    objects.forEach((k, i) => {
      t += rng.int(2, 25) * 1000;
      sim.call(rng, t, via, {
        ...C.kmsDecrypt(keyArn, { 'aws:s3:arn': `arn:aws:s3:::${b.training}/${k}` }),
        tags: { malicious: true, scope: 'none', key: i < 2 },
      });
    });
    const tReadEnd = t;
    // the model summarises what was taken (CloudTrail only: invocation logging is off)
    t += 6 * MIN;
    for (let i = 0; i < 11; i++) {
      t += rng.int(20, 180) * 1000;
      sim.runtime(rng, t, s2, {
        op: 'Converse',
        modelId: SONNET37,
        region,
        inferenceRegion: rng.pick(w.models.converseRegions),
        prompt: '',
        answer: '',
        key: i === 0,
      });
    }

    // ---- restore, about 23 hours later -----------------------------------------------------
    t = tRestore - rng.int(90, 160) * 1000;
    const s3 = assume(t, VPS1);
    sim.call(rng, (t += rng.int(2, 5) * 1000), s3, C.getCallerIdentity());
    sim.call(
      rng,
      (t += rng.int(2, 5) * 1000),
      s3,
      C.call('cloudtrail:GetEventSelectors', { trailName: audit.arn }),
    );
    t = tRestore;
    sim.call(rng, t, s3, { ...C.putEventSelectors(audit, auditSelectors(b)), key: true });
    t += rng.int(20, 60) * 1000;
    const logCfg = {
      loggingConfig: {
        cloudWatchConfig: {
          logGroupName: `/${w.company.slug}/bedrock/invocations`,
          roleArn: `arn:aws:iam::${acct}:role/service-role/${w.company.slug}-bedrock-logging-role`,
          largeDataDeliveryS3Config: { bucketName: b.invocationLogs, keyPrefix: 'large-data' },
        },
        s3Config: { bucketName: b.invocationLogs, keyPrefix: '' },
        textDataDeliveryEnabled: true,
        imageDataDeliveryEnabled: false,
        embeddingDataDeliveryEnabled: false,
      },
    };
    sim.call(rng, t, s3, {
      ...C.bedrock('PutModelInvocationLoggingConfiguration', logCfg, null, []),
      key: true,
    });
    sim.setLogging(acct, region, t, true);
    const tRelog = t;
    sim.call(rng, (t += rng.int(3, 9) * 1000), s3, C.bedrock('GetModelInvocationLoggingConfiguration'));

    // ---- GuardDuty (S3 protection reads its own data-event feed) -----------------------------
    const gdKey = (s) => ({
      accessKeyId: s.accessKeyId,
      principalId: s.identity.principalId,
      userType: 'AssumedRole',
      userName: role.name,
    });
    const add = (tf, spec, isKey) =>
      sim.finding(tf, finding(rng, w, { t: tf, ...spec }), { malicious: true, key: isKey, scope: 'none' });
    add(
      tBlind + 21 * MIN,
      {
        type: 'DefenseEvasion:IAMUser/AnomalousBehavior',
        severity: 5,
        accessKey: gdKey(s1),
        title: `An API commonly used to evade defensive measures was invoked by ${role.name}.`,
        description:
          'APIs commonly used in defense evasion tactics (PutEventSelectors, DeleteModelInvocationLoggingConfiguration) were invoked by an IAM entity in an anomalous way, from a network not previously seen for this principal.',
        api: 'PutEventSelectors',
        serviceName: 'cloudtrail.amazonaws.com',
        remoteIp: ipInfo(VPS1),
        firstSeen: tBlind,
        lastSeen: tDelete,
        count: 2,
      },
      true,
    );
    add(
      tKbStart + 31 * MIN,
      {
        type: 'Discovery:S3/AnomalousBehavior',
        severity: 2,
        accessKey: gdKey(s2),
        resourceType: 'S3Bucket',
        s3Bucket: { name: b.kbSource, arn: `arn:aws:s3:::${b.kbSource}` },
        title: `Unusual listing and read of objects in S3 bucket ${b.kbSource}.`,
        description: `An IAM entity invoked S3 APIs (ListObjects, GetObject) on bucket ${b.kbSource} in a way that is unusual for this principal, from a network not previously seen.`,
        api: 'ListObjects',
        serviceName: 's3.amazonaws.com',
        remoteIp: ipInfo(VPS2),
        firstSeen: tKbStart,
        lastSeen: tKbStart + 26 * MIN,
        count: 118,
        featureName: 'DataEventsS3',
      },
      true,
    );
    add(
      tReadEnd + 17 * MIN,
      {
        type: 'Exfiltration:S3/AnomalousBehavior',
        severity: 8,
        accessKey: gdKey(s2),
        resourceType: 'S3Bucket',
        s3Bucket: { name: b.training, arn: `arn:aws:s3:::${b.training}` },
        title: `Unusual read activity on S3 bucket ${b.training}.`,
        description: `An IAM entity invoked S3 GetObject on bucket ${b.training} in a suspicious way: ${objects.length} objects were read by role ${role.name} from a network not previously seen for this principal.`,
        api: 'GetObject',
        serviceName: 's3.amazonaws.com',
        remoteIp: ipInfo(VPS2),
        firstSeen: tReadStart,
        lastSeen: tReadEnd,
        count: objects.length,
        featureName: 'DataEventsS3',
      },
      true,
    );

    sim.truth.addScope('resources', [b.training, b.kbSource, kb.id, audit.arn]);
    sim.truth.addScope('sourceIps', [VPS1, VPS2]);
    TRUTH.extra.coverageGaps = [
      {
        region,
        source: 'cloudtrail',
        reason: `S3 data events of ${b.training} and ${b.kbSource} and Bedrock knowledge-base and agent data events were not delivered from ${isoSec(tBlind)} to ${isoSec(tRestore)}: the actor removed them from the security-audit trail's selectors`,
      },
      {
        region,
        source: 'bedrock-invocations',
        reason: `model invocation logging was deleted from ${isoSec(tDelete)} to ${isoSec(tRelog)}; the actor's Converse calls are in CloudTrail only`,
      },
    ];

    TRUTH.description = `An access key of the security account's user svc-secops-deployer (principal ${leakedPrincipal}, account ${FJORDVIK_SECURITY}) was used at 22:40 Oslo time on 18 November from ${VPS1} (hosting) to assume ${role.name} in prod with a session name imitating the hourly compliance checker (which assumes it from ${SECOPS_EGRESS.join(' / ')} through ${SECOPS_LAMBDA_ROLE}). The session read the trails, the event selectors and the invocation logging configuration, then at ${isoSec(tBlind)} replaced the advanced event selectors of ${audit.name}: the S3 selector kept its name but no longer covered ${b.training} and ${b.kbSource}, and the Bedrock knowledge-base and agent selectors were removed; at ${isoSec(tDelete)} it deleted model invocation logging in eu-north-1. From ${VPS2}, with the same session, it looked up the knowledge base ${kb.id} and its data source, listed buckets and located the two buckets, and read data the trail no longer recorded: GuardDuty's S3 protection reported unusual listing and reads of ${b.kbSource} (Discovery:S3/AnomalousBehavior) and ${objects.length} objects read from ${b.training} (Exfiltration:S3/AnomalousBehavior, severity 8), and KMS Decrypt records made by S3 on the session's behalf name each training object (fine-tuning support transcripts with customers' personal data, manifests, an evaluation set). It then called Claude 3.7 Sonnet eleven times (Converse; no invocation log). At ${isoSec(tRestore)} the actor assumed the role again from ${VPS1} and restored the selectors and the invocation logging configuration. Provable: the blinding (who, when, from where, what was excluded), the window, the training objects read, the knowledge-base bucket access and lookup. Not recoverable from this evidence: the knowledge-base queries (Retrieve) and which knowledge-base documents were read, and the prompts sent to the model. Containment: deactivate svc-secops-deployer's key and review the security account, restrict the automation role's trust to the checker's role, add an SCP or alarm on PutEventSelectors/DeleteModelInvocationLoggingConfiguration, treat the training transcripts and KB documents as disclosed. Not malicious: the planned cost-saving change of ${org.name}'s selectors (CHG-5182, from the office), the log-archive team's daily configuration audit, the compliance checker's hourly reads through the same role, the engineer's invocation-logging test and the model enablement.`;
  },
});
