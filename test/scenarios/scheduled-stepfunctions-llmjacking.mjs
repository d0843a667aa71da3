// LLMjacking that persists through a schedule (Fjordvik Marine, _worlds-z.mjs, eu-north-1).
//
// A platform administrator's IAM Identity Center CLI credentials (AWSReservedSSO_AdministratorAccess,
// a 12-hour role session) are taken from her laptop by an infostealer. She uses them normally in
// the afternoon of 4 November from the Bergen office. At 22:36 Oslo time the same session key is
// used from a hosting address (a VPS in Frankfurt) with another client: whoami, a look at Step
// Functions, EventBridge Scheduler, Bedrock models, inference profiles and invocation logging, then
// iam:CreateRole of `fjordvik-sfn-catalog-enrich-role` (trusted by states.amazonaws.com) with an
// inline policy allowing bedrock:InvokeModel on every model and inference profile and read/write
// on a bucket of another account, and iam:CreateRole of `fjordvik-scheduler-catalog-enrich`
// (trusted by scheduler.amazonaws.com) allowed to start the new state machine.
// states:CreateStateMachine creates an EXPRESS state machine `catalog-enrichment-refresh` with
// execution logging OFF (the definition is masked in CloudTrail); the first attempt fails because
// the new role has not propagated. After a test StartExecution, scheduler:CreateSchedule creates
// `catalog-enrichment-refresh` with rate(5 minutes), targeting the state machine with an input
// that names the outside bucket's inbox. From then on, long after the stolen session expired,
// every five minutes EventBridge Scheduler starts an execution (StartExecution by the scheduler
// role, invokedBy scheduler.amazonaws.com) and the state machine's role, acting through
// states.amazonaws.com, invokes Claude Sonnet 4 and Claude 3.7 Sonnet through EU inference
// profiles with the Bedrock optimized integration (InvokeModel only), with role-play and
// bulk-writing prompts the actor's customers put in the outside bucket: the invocation logs show
// the state machine role's session as caller. It is still running at the end of the evidence.
//
// Decoys: the organisation's own planned nightly ticket-digest state machine (CHG-4471, Terraform
// from the platform-infra pipeline: CreateRole for a states role and a scheduler role,
// CreateStateMachine, CreateSchedule with a nightly cron, a manual test execution by a platform
// engineer from the office, and the first nightly run invoking Claude 3 Haiku through the same
// integration and the same kind of role session); an ops engineer creating an unrelated schedule
// from home (stopping the analytics instances every weekday evening, with its own scheduler role
// and its first run); staff trying Claude Sonnet 4 in the playground; a Terraform role creation
// and an administrator's model enablement (ops).

import {
  Abuse,
  C,
  clientProfile,
  defineScenario,
  finding,
  HOUR,
  iamRole,
  isoSec,
  legacyDate,
  MIN,
  Prompts,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import { FJORDVIK, scheduleArn, stateMachineArn, svcCall } from './_worlds-z.mjs';

const VPS = '193.233.48.61';
const OUTSIDE_ACCOUNT = '871245009316';
const OUTSIDE_BUCKET = 'edge-asset-cache-eu-2291';
const SONNET4 = 'eu.anthropic.claude-sonnet-4-20250514-v1:0';
const SONNET37 = 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0';
const HAIKU = 'eu.anthropic.claude-3-haiku-20240307-v1:0';
const SM_NAME = 'catalog-enrichment-refresh';
const DIGEST_SM = 'ticket-digest-nightly';
let TRUTH;

const profileArns = (region, acct, ids) =>
  ids.flatMap((id) => [
    `arn:aws:bedrock:${region}:${acct}:inference-profile/${id}`,
    `arn:aws:bedrock:*::foundation-model/${id.replace(/^eu\./, '')}`,
  ]);

export default defineScenario({
  name: 'scheduled-stepfunctions-llmjacking',
  seed: 'fresh-z/scheduled-stepfunctions-llmjacking/v1',
  start: '2025-11-04T00:00:00Z',
  days: 2,
  world: FJORDVIK,
  background: {
    intensity: 0.9,
    chatbot: { conversationsPerHour: 45 },
    agent: { sessionsPerHour: 4 },
    jobs: { guardrailEval: false },
    ops: { events: ['role-new', 'model-enable'], random: 0 },
  },
  alert:
    'AWS Budgets alert for fjordvik-prod (eu-north-1): the Amazon Bedrock forecast for November exceeds the budget by 900%. Cost Explorer shows Claude Sonnet 4 and Claude 3.7 Sonnet (EU inference profiles) charges since the evening of 4 November; the chatbot uses Claude 3 Haiku. Nobody on the ML team has started anything new.',
  truth: (TRUTH = {
    description: '',
    elements: ['access', 'infrastructure-changes', 'invocation'],
    components: ['foundation-models'],
    extra: {
      coverageGaps: [
        {
          source: 'cloudtrail',
          reason:
            'CloudTrail masks the state machine definition (HIDDEN_DUE_TO_SECURITY_REASONS) and the EXPRESS state machine was created with execution logging OFF: the prompts source is known only from the role policy, the schedule input and the invocation logs',
        },
        {
          source: 'cloudtrail',
          reason: `reads and writes of the state machine role in the outside bucket ${OUTSIDE_BUCKET} (account ${OUTSIDE_ACCOUNT}) are not data events of this account's trails`,
        },
      ],
    },
  }),
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const acct = w.account.id;
    const region = w.homeRegion;
    const staff = actors.staff;
    const cicd = actors.cicd;
    const platform = w.people.filter((p) => p.team === 'platform');
    const victim = platform.find((p) => p.permissionSet === 'admin') ?? platform[0];
    const engineer = platform.find((p) => p !== victim) ?? w.people.find((p) => p.team === 'app');
    const opsEngineer = platform.filter((p) => p !== victim && p !== engineer)[0] ?? engineer;
    const smArn = stateMachineArn(region, SM_NAME);
    const digestArn = stateMachineArn(region, DIGEST_SM);
    const DECOY = { decoy: true };

    // ------------------------------------------------------------------------------------------
    // decoy 1: the planned nightly ticket-digest state machine (CHG-4471), via Terraform in CI
    const tChg = at('2025-11-04T09:42:00Z');
    sim.planChange({
      ticket: 'CHG-4471',
      window: { start: isoSec(tChg - 20 * MIN), end: isoSec(tChg + 100 * MIN) },
      owner: `platform@${w.company.domain}`,
      summary: `Nightly support ticket digest: Step Functions state machine ${DIGEST_SM} (STANDARD, Bedrock InvokeModel optimized integration, Claude 3 Haiku EU profile), roles fjordvik-sfn-ticket-digest-role and fjordvik-scheduler-ticket-digest, EventBridge Scheduler schedule ${DIGEST_SM} at 01:30 Europe/Oslo. Deployed by the platform-infra pipeline; manual test run after apply.`,
    });
    const digestRole = iamRole(rng, acct, 'fjordvik-sfn-ticket-digest-role', {
      trust: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'states.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': acct } },
          },
        ],
      },
      created: tChg + 40 * 1000,
      description: 'Step Functions: nightly support ticket digest (CHG-4471)',
    });
    const digestPolicy = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'InvokeHaiku',
          Effect: 'Allow',
          Action: 'bedrock:InvokeModel',
          Resource: profileArns(region, acct, [HAIKU]),
        },
        {
          Sid: 'ReadTickets',
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject'],
          Resource: `arn:aws:s3:::${w.res.buckets.ciArtifacts}/ticket-digest/*`,
        },
      ],
    };
    digestRole.inline.push({ name: 'ticket-digest', document: digestPolicy });
    const digestSchedRole = iamRole(rng, acct, 'fjordvik-scheduler-ticket-digest', {
      trust: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'scheduler.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': acct } },
          },
        ],
      },
      created: tChg + 60 * 1000,
      description: 'EventBridge Scheduler: start ticket-digest-nightly (CHG-4471)',
    });
    const digestSchedPolicy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'states:StartExecution', Resource: digestArn }],
    };
    digestSchedRole.inline.push({ name: 'start-ticket-digest', document: digestSchedPolicy });
    w.roles.digest = digestRole;
    w.roles.digestScheduler = digestSchedRole;
    let tDigestSched;
    sim.tag(DECOY, () => {
      const s = cicd.assume(tChg, `${w.company.github}/platform-infra`, rng);
      let t = tChg + rng.int(5, 15) * 1000;
      sim.call(rng, t, s, C.getCallerIdentity());
      sim.call(
        rng,
        (t += rng.int(2, 6) * 1000),
        s,
        svcCall('states', 'ListStateMachines', region, { maxResults: 100 }),
      );
      sim.call(rng, (t = digestRole.created), s, C.iamCreateRole(digestRole, t));
      sim.call(
        rng,
        (t += rng.int(1, 3) * 1000),
        s,
        C.iamPutRolePolicy(digestRole, 'ticket-digest', digestPolicy),
      );
      sim.call(rng, (t = digestSchedRole.created), s, C.iamCreateRole(digestSchedRole, t));
      sim.call(
        rng,
        (t += rng.int(1, 3) * 1000),
        s,
        C.iamPutRolePolicy(digestSchedRole, 'start-ticket-digest', digestSchedPolicy),
      );
      t += rng.int(8, 15) * 1000;
      sim.call(
        rng,
        t,
        s,
        svcCall(
          'states',
          'CreateStateMachine',
          region,
          {
            name: DIGEST_SM,
            definition: 'HIDDEN_DUE_TO_SECURITY_REASONS',
            roleArn: digestRole.arn,
            type: 'STANDARD',
            loggingConfiguration: {
              level: 'ALL',
              includeExecutionData: false,
              destinations: [
                {
                  cloudWatchLogsLogGroup: {
                    logGroupArn: `arn:aws:logs:${region}:${acct}:log-group:/aws/vendedlogs/states/${DIGEST_SM}:*`,
                  },
                },
              ],
            },
            tracingConfiguration: { enabled: false },
            tags: [
              { key: 'change', value: 'CHG-4471' },
              { key: 'managed-by', value: 'terraform' },
            ],
          },
          { stateMachineArn: digestArn, creationDate: legacyDate(t) },
          [digestArn],
        ),
      );
      t += rng.int(3, 8) * 1000;
      sim.call(
        rng,
        t,
        s,
        svcCall(
          'scheduler',
          'CreateSchedule',
          region,
          {
            name: DIGEST_SM,
            groupName: 'default',
            scheduleExpression: 'cron(30 1 * * ? *)',
            scheduleExpressionTimezone: 'Europe/Oslo',
            flexibleTimeWindow: { mode: 'FLEXIBLE', maximumWindowInMinutes: 15 },
            target: {
              arn: digestArn,
              roleArn: digestSchedRole.arn,
              input: JSON.stringify({ prefix: 'ticket-digest/inbox/', model: HAIKU }),
              retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
            },
            state: 'ENABLED',
            description: 'CHG-4471 nightly support ticket digest',
            clientToken: rng.uuid(),
          },
          { scheduleArn: scheduleArn(region, 'default', DIGEST_SM) },
          [scheduleArn(region, 'default', DIGEST_SM)],
        ),
      );
      tDigestSched = t;
    });

    // the platform engineer's manual test run from the office, a summary of three tickets
    const runDigest = (t0, sess, n, manual) => {
      const key = rng.iamId('ASIA');
      const sessName = rng.base62(32);
      sim.call(
        rng,
        t0 + 800,
        sim.serviceSession('states.amazonaws.com'),
        C.assumeRole(rng, digestRole, sessName, key, t0 + 800, { region }),
      );
      const rs = sim.roleSession(digestRole, sessName, {
        ip: 'states.amazonaws.com',
        userAgent: 'states.amazonaws.com',
        accessKeyId: key,
        created: t0 + 800,
        invokedBy: 'states.amazonaws.com',
        tls: null,
        rng,
      });
      let ts = t0 + 2000;
      for (let i = 0; i < n; i++) {
        ts += rng.int(3, 14) * 1000;
        const d = Prompts.ticketDigest(rng, w, rng.int(4, 10));
        sim.runtime(rng, ts, rs, {
          op: 'InvokeModel',
          modelId: HAIKU,
          region,
          system: 'You write the nightly digest of support tickets for the Fjordvik customer service leads.',
          prompt: d.user,
          answer: d.answer,
          maxTokens: 800,
          temperature: 0.2,
        });
      }
      return ts;
    };
    sim.tag(DECOY, () => {
      const t = at('2025-11-04T11:07:30Z');
      const s = staff.session(engineer, t, w.net.office[0], true);
      sim.call(rng, t, s, svcCall('states', 'DescribeStateMachine', region, { stateMachineArn: digestArn }));
      const execArn = `arn:aws:states:${region}:${acct}:execution:${DIGEST_SM}:manual-test-${rng.hex(8)}`;
      sim.call(
        rng,
        t + 40 * 1000,
        s,
        svcCall(
          'states',
          'StartExecution',
          region,
          {
            stateMachineArn: digestArn,
            name: execArn.split(':').pop(),
            input: 'HIDDEN_DUE_TO_SECURITY_REASONS',
          },
          { executionArn: execArn, startDate: legacyDate(t + 40000) },
        ),
      );
      const end = runDigest(t + 41 * 1000, s, 3, true);
      sim.call(
        rng,
        end + rng.int(20, 60) * 1000,
        s,
        svcCall('states', 'DescribeExecution', region, { executionArn: execArn }),
      );
    });
    // the first nightly run (01:30 Oslo = 00:30Z, flexible window)
    sim.tag(DECOY, () => {
      const t = at('2025-11-05T00:30:00Z') + rng.int(0, 14 * 60) * 1000;
      const key = rng.iamId('ASIA');
      const sn = rng.hex(32);
      sim.call(
        rng,
        t - 600,
        sim.serviceSession('scheduler.amazonaws.com'),
        C.assumeRole(rng, digestSchedRole, sn, key, t - 600, { region }),
      );
      const ss = sim.roleSession(digestSchedRole, sn, {
        ip: 'scheduler.amazonaws.com',
        userAgent: 'scheduler.amazonaws.com',
        accessKeyId: key,
        created: t - 600,
        invokedBy: 'scheduler.amazonaws.com',
        tls: null,
        rng,
      });
      const execArn = `arn:aws:states:${region}:${acct}:execution:${DIGEST_SM}:${rng.uuid()}`;
      sim.call(
        rng,
        t,
        ss,
        svcCall(
          'states',
          'StartExecution',
          region,
          { stateMachineArn: digestArn, input: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
          { executionArn: execArn, startDate: legacyDate(t) },
        ),
      );
      runDigest(t, ss, rng.int(18, 26), false);
    });

    // ------------------------------------------------------------------------------------------
    // decoy 2: an ops engineer's schedule that stops the analytics instances on weekday evenings
    const stopRole = iamRole(rng, acct, 'fjordvik-scheduler-stop-analytics', {
      trust: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
      created: at('2025-11-05T13:21:40Z'),
      description: 'Allows EventBridge Scheduler to stop the analytics instances',
    });
    const analytics = w.res.instances.filter((i) => i.name.startsWith('analytics'));
    const stopPolicy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['ec2:StopInstances'],
          Resource: analytics.map((i) => `arn:aws:ec2:${region}:${acct}:instance/${i.id}`),
        },
      ],
    };
    stopRole.inline.push({ name: 'stop-analytics', document: stopPolicy });
    w.roles.stopAnalytics = stopRole;
    sim.tag(DECOY, () => {
      let t = at('2025-11-05T13:19:05Z');
      const s = staff.session(opsEngineer, t, opsEngineer.home[0], false);
      sim.call(rng, t, s, svcCall('scheduler', 'ListSchedules', region, { MaxResults: 50 }));
      sim.call(rng, (t += rng.int(20, 50) * 1000), s, C.ec2Describe('DescribeInstances'));
      sim.call(rng, (t = stopRole.created), s, C.iamCreateRole(stopRole, t));
      sim.call(
        rng,
        (t += rng.int(20, 60) * 1000),
        s,
        C.iamPutRolePolicy(stopRole, 'stop-analytics', stopPolicy),
      );
      t += rng.int(30, 90) * 1000;
      const arn = scheduleArn(region, 'default', 'stop-analytics-weekday-evening');
      sim.call(
        rng,
        t,
        s,
        svcCall(
          'scheduler',
          'CreateSchedule',
          region,
          {
            name: 'stop-analytics-weekday-evening',
            groupName: 'default',
            scheduleExpression: 'cron(0 19 ? * MON-FRI *)',
            scheduleExpressionTimezone: 'Europe/Oslo',
            flexibleTimeWindow: { mode: 'OFF' },
            target: {
              arn: 'arn:aws:scheduler:::aws-sdk:ec2:stopInstances',
              roleArn: stopRole.arn,
              input: JSON.stringify({ InstanceIds: analytics.map((i) => i.id) }),
              retryPolicy: { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 },
            },
            state: 'ENABLED',
            clientToken: rng.uuid(),
          },
          { scheduleArn: arn },
          [arn],
        ),
      );
      sim.call(
        rng,
        t + rng.int(5, 20) * 1000,
        s,
        svcCall('scheduler', 'GetSchedule', region, {
          Name: 'stop-analytics-weekday-evening',
          GroupName: 'default',
        }),
      );
      // first run at 19:00 Oslo
      const tr = at('2025-11-05T18:00:00Z') + rng.int(1, 20) * 1000;
      const key = rng.iamId('ASIA');
      const sn = rng.hex(32);
      sim.call(
        rng,
        tr - 500,
        sim.serviceSession('scheduler.amazonaws.com'),
        C.assumeRole(rng, stopRole, sn, key, tr - 500, { region }),
      );
      const ss = sim.roleSession(stopRole, sn, {
        ip: 'scheduler.amazonaws.com',
        userAgent: 'scheduler.amazonaws.com',
        accessKeyId: key,
        created: tr - 500,
        invokedBy: 'scheduler.amazonaws.com',
        tls: null,
        rng,
      });
      sim.call(
        rng,
        tr,
        ss,
        C.call(
          'ec2:StopInstances',
          { instancesSet: { items: analytics.map((i) => ({ instanceId: i.id })) }, force: false },
          {
            instancesSet: {
              items: analytics.map((i) => ({
                instanceId: i.id,
                currentState: { code: 64, name: 'stopping' },
                previousState: { code: 16, name: 'running' },
              })),
            },
          },
        ),
      );
    });

    // ------------------------------------------------------------------------------------------
    // the victim's own afternoon work with her SSO CLI session (benign): the key later stolen
    const tIssue = at('2025-11-04T14:18:44Z');
    const adminRole = w.sso[victim.permissionSet];
    const K = rng.iamId('ASIA');
    const onBehalfOf = {
      userId: victim.ssoUserId,
      identityStoreArn: `arn:aws:identitystore::${acct}:identitystore/${w.sso.identityStore}`,
    };
    const vs = sim.roleSession(adminRole, victim.email, {
      ip: w.net.office[1],
      userAgent: victim.cli,
      accessKeyId: K,
      created: tIssue,
      onBehalfOf,
      rng,
    });
    {
      let t = tIssue + 5000;
      sim.call(rng, t, vs, C.getCallerIdentity());
      for (const c of [
        C.lambdaRead('ListFunctions20150331'),
        C.lambdaRead('GetFunctionConfiguration20150331v2', w.res.functions.chatbot),
        C.call('logs:FilterLogEvents', {
          logGroupName: `/aws/lambda/${w.res.functions.chatbot.name}`,
          startTime: tIssue - 2 * HOUR,
          filterPattern: 'ERROR',
        }),
        C.call('cloudwatch:GetMetricData', {
          startTime: isoSec(tIssue - 6 * HOUR),
          endTime: isoSec(tIssue),
          scanBy: 'TimestampDescending',
        }),
        C.bedrock('ListInferenceProfiles', { maxResults: 100, typeEquals: 'SYSTEM_DEFINED' }),
        C.iamGet('GetRole', { roleName: w.roles.chatbot.name }),
        C.ec2Describe('DescribeInstances'),
      ])
        sim.call(rng, (t += rng.int(20, 400) * 1000), vs, c);
    }

    // ------------------------------------------------------------------------------------------
    // the incident: the same key from a VPS
    const actorUa = UA.awsCli(rng.fork('ua-actor'), 'linux', { family: 'ubuntu' });
    const s = sim.threat(vs.with({ ip: VPS, userAgent: actorUa, tls: 'tls12' }));
    let t = at('2025-11-04T21:36:12Z');
    sim.call(rng, t, s, { ...C.getCallerIdentity(), key: true });
    sim.call(
      rng,
      (t += rng.int(3, 9) * 1000),
      s,
      svcCall('states', 'ListStateMachines', region, { maxResults: 100 }),
    );
    sim.call(
      rng,
      (t += rng.int(3, 9) * 1000),
      s,
      svcCall('scheduler', 'ListSchedules', region, { MaxResults: 100 }),
    );
    sim.call(rng, (t += rng.int(3, 9) * 1000), s, {
      ...C.bedrock('ListFoundationModels', { byOutputModality: 'TEXT' }),
      key: true,
    });
    sim.call(rng, (t += rng.int(2, 6) * 1000), s, C.bedrock('ListInferenceProfiles', { maxResults: 100 }));
    sim.call(rng, (t += rng.int(2, 6) * 1000), s, {
      ...C.bedrock('GetModelInvocationLoggingConfiguration'),
      key: true,
    });
    for (const m of [SONNET4, SONNET37])
      sim.call(
        rng,
        (t += rng.int(2, 6) * 1000),
        s,
        C.bedrock('GetFoundationModelAvailability', { modelId: m.replace(/^eu\./, '') }),
      );
    sim.call(rng, (t += rng.int(5, 15) * 1000), s, C.iamGet('ListRoles', { maxItems: 1000 }));

    const sfnRole = iamRole(rng, acct, 'fjordvik-sfn-catalog-enrich-role', {
      trust: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'states.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
      created: t + 60 * 1000,
      description: 'Step Functions: catalog enrichment',
    });
    const sfnPolicy = {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['bedrock:InvokeModel'],
          Resource: [
            'arn:aws:bedrock:*::foundation-model/*',
            `arn:aws:bedrock:*:${acct}:inference-profile/*`,
          ],
        },
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject', 's3:ListBucket'],
          Resource: [`arn:aws:s3:::${OUTSIDE_BUCKET}`, `arn:aws:s3:::${OUTSIDE_BUCKET}/*`],
        },
      ],
    };
    sfnRole.inline.push({ name: 'enrich', document: sfnPolicy });
    const schedRole = iamRole(rng, acct, 'fjordvik-scheduler-catalog-enrich', {
      trust: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
      created: t + 110 * 1000,
      description: '',
    });
    const schedPolicy = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'states:StartExecution', Resource: smArn }],
    };
    schedRole.inline.push({ name: 'start', document: schedPolicy });
    w.roles.sfnEnrich = sfnRole;
    w.roles.schedEnrich = schedRole;

    sim.call(rng, (t = sfnRole.created), s, { ...C.iamCreateRole(sfnRole, t), key: true });
    sim.call(rng, (t += rng.int(4, 12) * 1000), s, {
      ...C.iamPutRolePolicy(sfnRole, 'enrich', sfnPolicy),
      key: true,
    });
    sim.call(rng, (t = schedRole.created), s, { ...C.iamCreateRole(schedRole, t), key: true });
    sim.call(rng, (t += rng.int(4, 12) * 1000), s, {
      ...C.iamPutRolePolicy(schedRole, 'start', schedPolicy),
      key: true,
    });
    const smParams = {
      name: SM_NAME,
      definition: 'HIDDEN_DUE_TO_SECURITY_REASONS',
      roleArn: sfnRole.arn,
      type: 'EXPRESS',
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
    t += rng.int(3, 8) * 1000;
    sim.call(rng, t, s, {
      ...svcCall('states', 'CreateStateMachine', region, smParams, null, []),
      error: {
        code: 'AccessDeniedException',
        message: `Neither the global service principal states.amazonaws.com, nor the regional one is authorized to assume the provided role.`,
      },
    });
    t += rng.int(10, 25) * 1000;
    sim.call(rng, t, s, {
      ...svcCall(
        'states',
        'CreateStateMachine',
        region,
        smParams,
        { stateMachineArn: smArn, creationDate: legacyDate(t) },
        [smArn],
      ),
      key: true,
    });

    // one state-machine run: the execution role (through states.amazonaws.com) invokes models
    const corpus = w.corpus.abuse;
    const params = clientProfile(rng.fork('proxy-params'), { spread: 0.3 });
    let sfnCred = null;
    const sfnSession = (tt) => {
      if (!sfnCred || tt - sfnCred.created > 55 * MIN) {
        const key = rng.iamId('ASIA');
        const name = rng.base62(32);
        sim.call(rng, tt - 700, sim.serviceSession('states.amazonaws.com'), {
          ...C.assumeRole(rng, sfnRole, name, key, tt - 700, { region }),
          tags: { malicious: true, scope: 'none' },
        });
        const rs = sim.roleSession(sfnRole, name, {
          ip: 'states.amazonaws.com',
          userAgent: 'states.amazonaws.com',
          accessKeyId: key,
          created: tt - 700,
          invokedBy: 'states.amazonaws.com',
          tls: null,
          rng,
        });
        sim.threat(rs, 'proxy');
        sfnCred = { s: rs, created: tt };
      }
      return sfnCred.s;
    };
    let firstInvoke = true;
    const runOnce = (t0) => {
      const rs = sfnSession(t0 + 400);
      const n = rng.int(4, 9);
      let ts = t0 + rng.int(300, 900);
      for (let i = 0; i < n; i++) {
        ts += rng.int(200, 2500);
        const big = rng.chance(0.06);
        const content = rng.chance(0.35)
          ? Abuse.bulkTask(rng, { corpus, docWords: big ? rng.int(2000, 5000) : undefined })
          : Abuse.rolePlay(rng, {
              turns: big ? rng.int(15, 30) : rng.int(2, 10),
              cardParagraphs: big ? rng.int(8, 12) : rng.int(2, 6),
              corpus,
            });
        const p = params(rng);
        const model = rng.chance(0.6) ? SONNET4 : SONNET37;
        const throttle = rng.chance(0.03);
        sim.runtime(rng, ts, rs, {
          op: 'InvokeModel',
          modelId: model,
          region,
          inferenceRegion: rng.pick(w.models.converseRegions),
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
          key: firstInvoke && !throttle,
        });
        if (!throttle) firstInvoke = false;
      }
    };

    // the actor's test run
    t += rng.int(20, 60) * 1000;
    const testExec = `arn:aws:states:${region}:${acct}:express:${SM_NAME}:${rng.uuid()}:${rng.uuid()}`;
    sim.call(rng, t, s, {
      ...svcCall(
        'states',
        'StartExecution',
        region,
        { stateMachineArn: smArn, input: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
        { executionArn: testExec, startDate: legacyDate(t) },
      ),
      key: true,
    });
    runOnce(t);
    t += rng.int(60, 150) * 1000;
    const schedName = SM_NAME;
    const sArn = scheduleArn(region, 'default', schedName);
    sim.call(rng, t, s, {
      ...svcCall(
        'scheduler',
        'CreateSchedule',
        region,
        {
          name: schedName,
          groupName: 'default',
          scheduleExpression: 'rate(5 minutes)',
          flexibleTimeWindow: { mode: 'OFF' },
          target: {
            arn: smArn,
            roleArn: schedRole.arn,
            input: JSON.stringify({
              inbox: `s3://${OUTSIDE_BUCKET}/inbox/`,
              outbox: `s3://${OUTSIDE_BUCKET}/outbox/`,
              batch: 8,
            }),
            retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 300 },
          },
          state: 'ENABLED',
          clientToken: rng.uuid(),
        },
        { scheduleArn: sArn },
        [sArn],
      ),
      key: true,
    });
    const tSchedule = t;
    sim.call(
      rng,
      (t += rng.int(5, 20) * 1000),
      s,
      svcCall('scheduler', 'GetSchedule', region, { Name: schedName, GroupName: 'default' }),
    );
    sim.call(
      rng,
      (t += rng.int(5, 20) * 1000),
      s,
      svcCall('states', 'ListExecutions', region, { stateMachineArn: smArn, maxResults: 10 }, null),
    );

    // every five minutes until the end of the evidence
    let schedCred = null;
    let firstStart = true;
    for (
      let tr = tSchedule + 5 * MIN - ((tSchedule - sim.start) % (5 * MIN)) + 5 * MIN;
      tr < sim.end - 2 * MIN;
      tr += 5 * MIN
    ) {
      const tt = tr + rng.int(0, 20) * 1000;
      if (!schedCred || tt - schedCred.created > 58 * MIN) {
        const key = rng.iamId('ASIA');
        const sn = rng.hex(32);
        sim.call(rng, tt - 400, sim.serviceSession('scheduler.amazonaws.com'), {
          ...C.assumeRole(rng, schedRole, sn, key, tt - 400, { region }),
          tags: { malicious: true, scope: 'none' },
        });
        const ss = sim.roleSession(schedRole, sn, {
          ip: 'scheduler.amazonaws.com',
          userAgent: 'scheduler.amazonaws.com',
          accessKeyId: key,
          created: tt - 400,
          invokedBy: 'scheduler.amazonaws.com',
          tls: null,
          rng,
        });
        sim.threat(ss, 'proxy');
        schedCred = { s: ss, created: tt };
      }
      const execArn = `arn:aws:states:${region}:${acct}:express:${SM_NAME}:${rng.uuid()}:${rng.uuid()}`;
      sim.call(rng, tt, schedCred.s, {
        ...svcCall(
          'states',
          'StartExecution',
          region,
          { stateMachineArn: smArn, input: 'HIDDEN_DUE_TO_SECURITY_REASONS' },
          { executionArn: execArn, startDate: legacyDate(tt) },
        ),
        key: firstStart,
      });
      firstStart = false;
      runOnce(tt);
    }

    // GuardDuty: the admin session making persistence changes from a new network
    const gdKey = {
      accessKeyId: K,
      principalId: `${adminRole.id}:${victim.email}`,
      userType: 'AssumedRole',
      userName: adminRole.name,
    };
    const tf = sfnRole.created + 23 * MIN;
    sim.finding(
      tf,
      finding(rng, w, {
        t: tf,
        type: 'Persistence:IAMUser/AnomalousBehavior',
        severity: 5,
        accessKey: gdKey,
        title: `An API commonly used to maintain unauthorized access was invoked by ${adminRole.name}.`,
        description:
          'APIs commonly used in persistence tactics (CreateRole) were invoked by an IAM entity in an anomalous way, from a network not previously seen for this principal.',
        api: 'CreateRole',
        serviceName: 'iam.amazonaws.com',
        remoteIp: {
          ip: VPS,
          country: 'Germany',
          city: 'Frankfurt am Main',
          asn: 215540,
          asnOrg: 'Global Connectivity Solutions LLP',
          isp: 'GCS',
          org: 'Global Connectivity Solutions',
        },
        firstSeen: sfnRole.created,
        lastSeen: tSchedule,
        count: 6,
      }),
      { malicious: true, key: true, scope: 'none' },
    );

    sim.truth.addScope('resources', [
      smArn,
      sArn,
      OUTSIDE_BUCKET,
      SONNET4.replace(/^eu\./, ''),
      SONNET37.replace(/^eu\./, ''),
    ]);
    sim.truth.addScope('sourceIps', [VPS]);

    TRUTH.description = `${victim.first} ${victim.last}'s IAM Identity Center CLI session (${adminRole.name}, access key ${K}, issued at 15:18 Oslo time on 4 November and used by her from the Bergen office) was reused at 22:36 from ${VPS} (a VPS in Frankfurt) with another client. The actor checked the credentials (GetCallerIdentity), listed state machines, schedules, foundation models and inference profiles, read the invocation logging configuration, created the role ${sfnRole.name} trusted by states.amazonaws.com with an inline policy allowing bedrock:InvokeModel on every model and inference profile and read/write on the bucket ${OUTSIDE_BUCKET} of another account, and the role ${schedRole.name} trusted by scheduler.amazonaws.com allowed to start the new state machine. It created the EXPRESS state machine ${SM_NAME} (${smArn}) with execution logging OFF and role ${sfnRole.name} (the first attempt failed while the role propagated), ran it once, and created the EventBridge Scheduler schedule ${schedName} (rate(5 minutes), flexible window OFF, no retries) targeting it with an input naming s3://${OUTSIDE_BUCKET}/inbox/ and /outbox/. From about 22:50 Oslo time until the end of the evidence (still running), every five minutes the scheduler role (invokedBy scheduler.amazonaws.com) called states:StartExecution and the state machine role, acting through states.amazonaws.com, called InvokeModel on Claude Sonnet 4 and Claude 3.7 Sonnet through EU inference profiles (the Bedrock optimized integration) with role-play and bulk-writing prompts, about a hundred requests an hour; the invocation logs show ${sfnRole.name}'s sessions as caller. The persistence outlived the stolen 12-hour session. GuardDuty reported the role creation from the new network (Persistence:IAMUser/AnomalousBehavior). Containment: disable and delete the schedule and the state machine, delete both roles, revoke the victim's Identity Center sessions and clean her laptop, check the account for other resources the session created. Not malicious: the planned ticket-digest state machine and schedule (CHG-4471: Terraform from the platform-infra pipeline, roles fjordvik-sfn-ticket-digest-role and fjordvik-scheduler-ticket-digest, a manual test run from the office and its first nightly run on Claude 3 Haiku through the same integration), the ops engineer's weekday schedule stopping the analytics instances (made from home, with its role and its first run), staff trying Claude Sonnet 4 in the playground, the Terraform role creation and the model enablement.`;
  },
});
