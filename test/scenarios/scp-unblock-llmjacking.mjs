// Terravie Agri (_worlds-m.mjs) blocks Amazon Bedrock outside its EU Regions with a service
// control policy (terravie-bedrock-region-guard, attached to the Workloads OU). The long-term
// access key of the management account's break-glass IAM user (breakglass-orgadmin) has leaked.
// Near midnight Paris time, from a hosting address, the key is used to look at the organisation,
// its accounts and SCPs, and to assume OrganizationAccountAccessRole in terravie-prod. There a
// first look at Bedrock in us-east-1 is refused by the SCP (explicit deny in a service control
// policy); back in the management account the actor edits the SCP (organizations:UpdatePolicy)
// to add us-east-1 and us-west-2 to the approved Regions, then in prod surveys Bedrock in both
// Regions (no invocation logging there), creates an IAM user with AmazonBedrockFullAccess and an
// access key, and requests higher Bedrock token quotas in both Regions. From 00:40 the new key is
// used from three hosting addresses (a resale proxy) for role play and bulk writing with Claude
// 3.5 Sonnet in us-east-1 and us-west-2 until the next evening: CloudTrail only, no prompts.
// Decoys: the platform team's planned SCP change that morning (CHG-4471: eu-north-1 added to
// the same SCP for the AgroConseil Nordic launch, from the office by the usual administrator via
// Identity Center); a planned Bedrock quota increase in eu-west-3 (CHG-4473) from the office; an
// ML engineer's one-off test of a model offered only in us-east-1, refused by the SCP; the
// security scanner's daily reads of the organisation and SCPs; administrators' console visits.

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
  Playbooks,
  Session,
  UA,
  userIdentityFor,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import {
  adminConsole,
  apiBackground,
  BEDROCK_QUOTAS,
  managementBackground,
  managementPrincipals,
  org,
  quotaIncrease,
  quotas,
  scpContent,
  scpPolicy,
  TERRAVIE,
  TV_HOME_BEDROCK,
  TV_MGMT,
  TV_ORG,
  TV_OU_WORKLOADS,
  TV_PROD,
  TV_ROOT,
  TV_SCP_ARN,
  TV_SCP_ID,
  writeTenantRegister,
} from './_worlds-m.mjs';

const ACTOR_IP = '45.87.213.140'; // hosting provider, the actor's workstation
const PROXIES = ['103.216.221.18', '154.47.30.201', '138.199.52.76'];
const NEW_USER = 'agroconseil-batch-svc';

const sdkDenied = (arn, action, resource) => ({
  code: 'AccessDeniedException',
  message: `User: ${arn} is not authorized to perform: ${action}${resource ? ` on resource: ${resource}` : ''} with an explicit deny in a service control policy`,
});

export default defineScenario({
  name: 'scp-unblock-llmjacking',
  seed: 'fresh-m/scp-unblock-llmjacking/v1',
  start: '2025-11-18T00:00:00Z',
  days: 2,
  world: TERRAVIE,
  background: {
    intensity: 0.9,
    chatbot: { conversationsPerHour: 45 },
    agent: { sessionsPerHour: 3 },
    jobs: { guardrailEval: true },
    ops: { events: ['onboard', 'rotate'], random: 0 },
  },
  alert:
    'AWS Budgets alert for terravie-prod: Amazon Bedrock spend since yesterday evening is about nine times the daily forecast. Cost Explorer attributes most of it to US East (N. Virginia) and US West (Oregon); Terravie only runs Bedrock in EU Regions.',
  truth: {
    description:
      "The long-term access key of the management account's break-glass IAM user breakglass-orgadmin was used from 45.87.213.140 (hosting provider) at 23:47 Paris time on 18 November: GetCallerIdentity and the user's policies, then Organizations reads (DescribeOrganization, ListAccounts, ListRoots, ListPoliciesForTarget on the Workloads OU, DescribePolicy of terravie-bedrock-region-guard) and sts:AssumeRole of OrganizationAccountAccessRole in terravie-prod. In prod, ListFoundationModels and an InvokeModel probe in us-east-1 were refused by the SCP (explicit deny in a service control policy). The actor then edited the SCP with organizations:UpdatePolicy (policy p-7m4vq2ze), adding us-east-1 and us-west-2 to the approved Regions of the Bedrock deny statement, and from prod surveyed Bedrock in both Regions (ListFoundationModels, GetModelInvocationLoggingConfiguration: not configured, malformed probes), created IAM user agroconseil-batch-svc with AmazonBedrockFullAccess and an access key, and requested Bedrock token-per-minute quota increases (servicequotas:RequestServiceQuotaIncrease) for Claude 3.5 Sonnet V2 in us-east-1 and us-west-2. From 00:40 the new key was used from three hosting addresses (103.216.221.18, 154.47.30.201, 138.199.52.76) for role play and bulk writing through InvokeModel, Converse and streaming calls to Claude 3.5 Sonnet in us-east-1 and us-west-2 until about 20:15 Paris time on 19 November; model invocation logging is not configured in those Regions, so only CloudTrail shows the calls. Containment: revert the SCP, deactivate the break-glass key and the new user's key, delete the user, withdraw the quota requests. The platform team's planned SCP change that morning (CHG-4471, eu-north-1 added, from the office through Identity Center), the planned eu-west-3 quota increase (CHG-4473), the ML engineer's us-east-1 test refused by the SCP and the scanner's daily organisation reads are legitimate.",
    elements: ['access', 'ai-changes', 'infrastructure-changes', 'invocation'],
    components: ['foundation-models'],
    extra: {
      coverageGaps: ['us-east-1', 'us-west-2'].map((region) => ({
        region,
        source: 'bedrock-invocations',
        reason:
          'model invocation logging is not configured in this Region (Bedrock was denied here by SCP until the actor changed it); the actor invoked models here, CloudTrail only, no prompts',
      })),
    },
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const m = managementPrincipals(sim);
    const staff = actors.staff;
    let regions = [...TV_HOME_BEDROCK];

    // ---- the organisation's ordinary life -----------------------------------------------------
    managementBackground(sim, rng.fork('mgmt-bg'), sim.start, sim.end);
    apiBackground(sim, rng.fork('api-bg'), sim.start, sim.end, { scale: 0.35 });
    writeTenantRegister(sim);

    // ---- decoy 1: planned SCP change, eu-north-1 for the AgroConseil Nordic launch -------------
    const admins = w.people.filter((p) => p.permissionSet === 'admin');
    const platformAdmin = admins[0];
    const tChg = at('2025-11-18T08:21:30Z');
    sim.planChange({
      ticket: 'CHG-4471',
      window: { start: isoSec(at('2025-11-18T08:00:00Z')), end: isoSec(at('2025-11-18T09:30:00Z')) },
      owner: `platform@${w.company.domain}`,
      summary: `SCP ${TV_SCP_ID} (terravie-bedrock-region-guard): add eu-north-1 to the approved Bedrock Regions for the AgroConseil Nordic launch (EU cross-Region inference). Change made by ${platformAdmin.email} in the management account.`,
    });
    const before = scpContent(regions);
    regions = [...regions, 'eu-north-1'];
    const afterChg = scpContent(regions);
    sim.tag({ decoy: true }, () => {
      const { session: s, t: t1 } = adminConsole(sim, rng, tChg, platformAdmin, m.admin, {
        ip: w.net.office[0],
        reads: [org('ListPolicies', { filter: 'SERVICE_CONTROL_POLICY' })],
      });
      let t = t1;
      sim.call(
        rng,
        (t += rng.int(5, 20) * 1000),
        s,
        org('DescribePolicy', { policyId: TV_SCP_ID }, scpPolicy(before)),
      );
      sim.call(
        rng,
        (t += rng.int(60, 180) * 1000),
        s,
        org('UpdatePolicy', { policyId: TV_SCP_ID, content: afterChg }, scpPolicy(afterChg), [TV_SCP_ARN]),
      );
      sim.call(rng, (t += rng.int(5, 30) * 1000), s, org('ListTargetsForPolicy', { policyId: TV_SCP_ID }));
    });

    // ---- decoy 2: planned quota increase in eu-west-3 ------------------------------------------
    const eng = admins[1] ?? w.people.find((p) => p.permissionSet === 'power');
    sim.planChange({
      ticket: 'CHG-4473',
      window: { start: isoSec(at('2025-11-18T09:30:00Z')), end: isoSec(at('2025-11-18T11:00:00Z')) },
      owner: `platform@${w.company.domain}`,
      summary:
        'terravie-prod: request a higher Bedrock cross-Region inference tokens-per-minute quota for Claude 3.5 Sonnet in eu-west-3 (AgroConseil winter peak, forecast x2).',
    });
    sim.tag({ decoy: true }, () => {
      let t = at('2025-11-18T10:04:10Z');
      const s = staff.session(eng, t, w.net.office[1], false).with({ region: 'eu-west-3' });
      sim.call(rng, t, s, quotas('ListServiceQuotas', 'eu-west-3', { serviceCode: 'bedrock' }));
      sim.call(
        rng,
        (t += rng.int(20, 80) * 1000),
        s,
        quotas('GetServiceQuota', 'eu-west-3', {
          serviceCode: 'bedrock',
          quotaCode: BEDROCK_QUOTAS.sonnetTpmCris.code,
        }),
      );
      sim.call(
        rng,
        (t += rng.int(30, 90) * 1000),
        s,
        quotaIncrease(rng, t, TV_PROD, s.identity.arn, 'eu-west-3', BEDROCK_QUOTAS.sonnetTpmCris, 1600000),
      );
      sim.call(
        rng,
        (t += rng.int(10, 40) * 1000),
        s,
        quotas('ListRequestedServiceQuotaChangeHistoryByQuota', 'eu-west-3', {
          serviceCode: 'bedrock',
          quotaCode: BEDROCK_QUOTAS.sonnetTpmCris.code,
        }),
      );
    });

    // ---- decoy 3: an ML engineer tries a model offered only in us-east-1 (refused by the SCP) ----
    const ml = w.people.find((p) => p.permissionSet === 'datasci');
    sim.tag({ decoy: true }, () => {
      let t = at('2025-11-18T14:36:05Z');
      const s = staff.session(ml, t, w.net.office[0], true).with({ region: 'us-east-1' });
      const arn = s.identity.arn;
      sim.call(rng, t, s, {
        ...C.bedrock('ListFoundationModels', { byProvider: 'amazon' }),
        error: sdkDenied(arn, 'bedrock:ListFoundationModels'),
      });
      const model = 'amazon.nova-premier-v1:0';
      sim.runtime(rng, (t += rng.int(30, 90) * 1000), s, {
        op: 'Converse',
        modelId: `us.${model}`,
        region: 'us-east-1',
        prompt: '',
        answer: '',
        error: sdkDenied(
          arn,
          'bedrock:InvokeModel',
          `arn:aws:bedrock:us-east-1:${TV_PROD}:inference-profile/us.${model}`,
        ),
      });
      sim.runtime(rng, (t += rng.int(15, 50) * 1000), s, {
        op: 'Converse',
        modelId: `us.${model}`,
        region: 'us-east-1',
        prompt: '',
        answer: '',
        error: sdkDenied(
          arn,
          'bedrock:InvokeModel',
          `arn:aws:bedrock:us-east-1:${TV_PROD}:inference-profile/us.${model}`,
        ),
      });
      // back home: the EU profile works
      const home = s.with({ region: 'eu-west-3' });
      sim.call(
        rng,
        (t += rng.int(60, 200) * 1000),
        home,
        C.bedrock('ListInferenceProfiles', { typeEquals: 'SYSTEM_DEFINED' }),
      );
    });

    // ---- the incident ------------------------------------------------------------------------------
    const bg = m.breakglass;
    const bgKey = bg.accessKeys[0].id;
    const ua = UA.awsCli(rng.fork('ua-actor'), 'linux', { family: 'ubuntu' });
    const mg = sim.threat(
      sim.userSession(bg, { ip: ACTOR_IP, userAgent: ua, accessKeyId: bgKey, region: 'us-east-1' }),
    );
    let t = at('2025-11-18T22:47:31Z');
    t = Playbooks.whoami(sim, rng, mg, t);
    sim.call(rng, (t += rng.int(20, 60) * 1000), mg, org('DescribeOrganization'));
    sim.call(rng, (t += rng.int(3, 10) * 1000), mg, { ...org('ListAccounts'), key: true });
    sim.call(rng, (t += rng.int(3, 10) * 1000), mg, org('ListRoots'));
    sim.call(
      rng,
      (t += rng.int(3, 10) * 1000),
      mg,
      org('ListOrganizationalUnitsForParent', { parentId: TV_ROOT }),
    );
    sim.call(
      rng,
      (t += rng.int(5, 20) * 1000),
      mg,
      org('ListPoliciesForTarget', { targetId: TV_OU_WORKLOADS, filter: 'SERVICE_CONTROL_POLICY' }),
    );
    sim.call(rng, (t += rng.int(5, 20) * 1000), mg, {
      ...org('DescribePolicy', { policyId: TV_SCP_ID }, scpPolicy(afterChg)),
      key: true,
    });

    // into prod through the organisation's access role (logged in both accounts)
    const oaar = w.roles.orgAccess;
    const roleKey = rng.iamId('ASIA');
    const sessName = 'ops';
    t += rng.int(30, 90) * 1000;
    const ar = {
      ...C.assumeRole(rng, oaar, sessName, roleKey, t, { region: 'us-east-1' }),
      requestId: rng.uuid(),
    };
    sim.call(rng, t, mg, { ...ar, key: true, recipient: TV_PROD });
    sim.call(rng, t, mg, { ...ar, recipient: TV_MGMT, scope: [] });
    const pr = sim.threat(
      sim.roleSession(oaar, sessName, {
        ip: ACTOR_IP,
        userAgent: ua,
        accessKeyId: roleKey,
        created: t,
        region: 'us-east-1',
        rng,
      }),
    );
    sim.call(rng, (t += rng.int(5, 15) * 1000), pr, C.getCallerIdentity());
    sim.call(rng, (t += rng.int(10, 30) * 1000), pr, {
      ...C.bedrock('ListFoundationModels', null),
      error: sdkDenied(pr.identity.arn, 'bedrock:ListFoundationModels'),
      key: true,
    });
    sim.runtime(rng, (t += rng.int(10, 30) * 1000), pr, {
      op: 'InvokeModel',
      modelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
      region: 'us-east-1',
      prompt: '',
      answer: '',
      error: sdkDenied(
        pr.identity.arn,
        'bedrock:InvokeModel',
        'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0',
      ),
    });

    // the SCP edit: the US Regions added to the approved list
    t += rng.int(90, 240) * 1000;
    sim.call(rng, t, mg, org('ListTargetsForPolicy', { policyId: TV_SCP_ID }));
    const opened = scpContent([...regions, 'us-east-1', 'us-west-2']);
    t += rng.int(40, 120) * 1000;
    sim.call(rng, t, mg, {
      ...org('UpdatePolicy', { policyId: TV_SCP_ID, content: opened }, scpPolicy(opened), [TV_SCP_ARN]),
      key: true,
    });
    sim.call(
      rng,
      (t += rng.int(5, 20) * 1000),
      mg,
      org('DescribePolicy', { policyId: TV_SCP_ID }, scpPolicy(opened)),
    );

    // prod: Bedrock survey in the newly opened Regions
    t += rng.int(60, 150) * 1000;
    t = Playbooks.bedrockRecon(sim, rng, pr, t, {
      regions: ['us-east-1', 'us-west-2'],
      models: ['anthropic.claude-3-5-sonnet-20240620-v1:0', 'anthropic.claude-3-5-sonnet-20241022-v2:0'],
      probes: 1,
    });

    // a user and key of its own
    t += rng.int(60, 180) * 1000;
    const ur = rng.fork('new-user');
    const user = iamUser(ur, TV_PROD, NEW_USER, { created: t });
    sim.call(rng, t, pr, { ...C.iamCreateUser(user, t), key: true });
    t += rng.int(5, 20) * 1000;
    user.attached.push('arn:aws:iam::aws:policy/AmazonBedrockFullAccess');
    sim.call(rng, t, pr, {
      ...C.iamAttachUserPolicy(NEW_USER, 'arn:aws:iam::aws:policy/AmazonBedrockFullAccess', TV_PROD),
      key: true,
    });
    t += rng.int(5, 20) * 1000;
    const k = addAccessKey(ur, user, t);
    sim.call(rng, t, pr, { ...C.iamCreateAccessKey(NEW_USER, k.id, t, TV_PROD), key: true });
    w.users[NEW_USER] = user;
    sim.reservedUsers.add(NEW_USER);

    // quota increases in both Regions
    for (const region of ['us-east-1', 'us-west-2']) {
      const rs = pr.with({ region });
      sim.call(
        rng,
        (t += rng.int(20, 60) * 1000),
        rs,
        quotas('ListServiceQuotas', region, { serviceCode: 'bedrock' }),
      );
      sim.call(
        rng,
        (t += rng.int(10, 40) * 1000),
        rs,
        quotas('GetServiceQuota', region, {
          serviceCode: 'bedrock',
          quotaCode: BEDROCK_QUOTAS.sonnetV2Tpm.code,
        }),
      );
      sim.call(rng, (t += rng.int(10, 40) * 1000), rs, {
        ...quotaIncrease(rng, t, TV_PROD, pr.identity.arn, region, BEDROCK_QUOTAS.sonnetV2Tpm, 4000000),
        key: true,
      });
      sim.call(rng, (t += rng.int(5, 20) * 1000), rs, {
        ...quotaIncrease(rng, t, TV_PROD, pr.identity.arn, region, BEDROCK_QUOTAS.sonnetV2Rpm, 2000),
        key: region === 'us-east-1',
      });
    }
    const tKey = t;

    // the resale proxy: the new user's key from three hosting addresses
    const targets = [
      {
        region: 'us-east-1',
        model: 'us.anthropic.claude-3-5-sonnet-20241022-v2:0',
        weight: 3,
        op: 'InvokeModel',
      },
      {
        region: 'us-east-1',
        model: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
        weight: 1.2,
        op: 'Converse',
      },
      { region: 'us-west-2', model: 'anthropic.claude-3-5-sonnet-20241022-v2:0', weight: 2.5 },
      { region: 'us-west-2', model: 'us.anthropic.claude-3-5-sonnet-20241022-v2:0', weight: 1 },
    ];
    const tStart = at('2025-11-18T23:40:00Z');
    const tEnd = at('2025-11-19T20:05:00Z');
    for (const [i, ip] of PROXIES.entries()) {
      const r = rng.fork(`proxy${i}`);
      const s = sim.threat(
        sim.userSession(user, {
          ip,
          userAgent:
            i === 1 ? UA.sdkJs(r, { family: 'ubuntu' }) : UA.boto3(r, { family: 'ubuntu-aws', min: 34 }),
          accessKeyId: k.id,
          region: 'us-east-1',
        }),
      );
      const t0 = tStart + i * r.int(10, 45) * MIN;
      if (i === 0) sim.call(r, t0 - 20000, s, C.getCallerIdentity());
      Playbooks.abuseModels(sim, r, s, t0, tEnd - r.int(0, 70) * MIN, {
        targets,
        perHour: i === 0 ? 55 : r.int(28, 40),
        content: i === 2 ? 'bulk' : 'mixed',
        bigContextShare: 0.07,
        keyFirst: true,
      });
    }
    // the next morning: the actor checks on the quota requests
    const mr = pr.with({ region: 'us-east-1', ip: ACTOR_IP });
    const tm = at('2025-11-19T08:12:44Z');
    const k2 = rng.iamId('ASIA');
    const ar2 = {
      ...C.assumeRole(rng, oaar, sessName, k2, tm, { region: 'us-east-1' }),
      requestId: rng.uuid(),
    };
    sim.call(rng, tm, mg, { ...ar2, recipient: TV_PROD });
    sim.call(rng, tm, mg, { ...ar2, recipient: TV_MGMT, scope: [] });
    const pr2 = mr.with({ accessKeyId: k2, identity: { ...pr.identity, accessKeyId: k2 } });
    sim.call(
      rng,
      tm + 9000,
      pr2,
      quotas('ListRequestedServiceQuotaChangeHistory', 'us-east-1', { serviceCode: 'bedrock' }),
    );
    sim.call(
      rng,
      tm + 16000,
      pr2.with({ region: 'us-west-2' }),
      quotas('ListRequestedServiceQuotaChangeHistory', 'us-west-2', { serviceCode: 'bedrock' }),
    );

    // GuardDuty: key creation by the access role from a hosting address; an unusual organisation read
    sim.tag({ malicious: true, scope: 'none' }, () => {
      const ft = tKey + rng.int(10, 25) * MIN;
      sim.finding(
        ft,
        finding(rng, w, {
          t: ft,
          type: 'Persistence:IAMUser/AnomalousBehavior',
          severity: 5,
          accessKey: {
            accessKeyId: roleKey,
            principalId: pr.identity.principalId,
            userType: 'AssumedRole',
            userName: oaar.name,
          },
          title: `An API commonly used to maintain unauthorized access was invoked by role ${oaar.name}.`,
          description:
            'APIs commonly used in persistence tactics (CreateUser, CreateAccessKey) were invoked by an IAM entity in an anomalous way.',
          api: 'CreateAccessKey',
          serviceName: 'iam.amazonaws.com',
          remoteIp: {
            ip: ACTOR_IP,
            country: 'Netherlands',
            city: 'Amsterdam',
            asn: 212238,
            asnOrg: 'Datacamp Limited',
            isp: 'Datacamp Limited',
            org: 'Datacamp Limited',
          },
          firstSeen: tKey - 5 * MIN,
          lastSeen: tKey,
          count: 3,
        }),
      );
      const fm = at('2025-11-18T23:19:00Z');
      sim.finding(
        fm,
        finding(rng, w, {
          t: fm,
          type: 'Discovery:IAMUser/AnomalousBehavior',
          severity: 2,
          accountId: TV_MGMT,
          region: 'us-east-1',
          accessKey: { accessKeyId: bgKey, principalId: bg.id, userType: 'IAMUser', userName: bg.name },
          title: `APIs commonly used in discovery tactics were invoked by user ${bg.name}.`,
          description:
            'APIs commonly used to discover resources associated with an account (ListAccounts, ListPoliciesForTarget, DescribePolicy) were invoked by an IAM entity in an anomalous way.',
          api: 'ListPoliciesForTarget',
          serviceName: 'organizations.amazonaws.com',
          remoteIp: {
            ip: ACTOR_IP,
            country: 'Netherlands',
            city: 'Amsterdam',
            asn: 212238,
            asnOrg: 'Datacamp Limited',
            isp: 'Datacamp Limited',
            org: 'Datacamp Limited',
          },
          firstSeen: at('2025-11-18T22:48:00Z'),
          lastSeen: at('2025-11-18T22:55:00Z'),
          count: 7,
        }),
      );
    });
    void HOUR;
    void Session;
    void userIdentityFor;
    void Decoys;
    void TV_ORG;
  },
});
