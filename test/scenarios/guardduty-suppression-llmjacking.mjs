// LLMjacking behind a GuardDuty suppression rule (Dalbit Kids, _worlds-v.mjs, ap-northeast-2).
//
// The long-term access key of a platform engineer's legacy IAM user (Admins group) leaks. Just
// before midnight Seoul time, from a hosting address, the key is checked (GetCallerIdentity, own
// policies), GuardDuty is surveyed in the home Region, us-east-1 and us-west-2 (ListDetectors,
// GetDetector, ListFilters, GetFilter of the security team's own suppression rule), and a
// suppression rule is created in the three Regions: guardduty:CreateFilter with action ARCHIVE,
// rank 1, matching the finding types the actor is about to trigger (Discovery, DefenseEvasion,
// Impact AnomalousModelInvocation and CostHarvesting, MaliciousIPCaller) and the actor's address
// range (remote IP matches 193.176.86.*), named like the team's own scanner rule. Then Bedrock
// reconnaissance in us-east-1 and us-west-2, model access requests (use-case form, agreements for
// Claude 3 Opus and Claude 3.5 Sonnet v2), deletion of model invocation logging in us-east-1, and
// from three addresses of the same range about seventeen hours of large role-play and bulk-writing
// invocations of Opus and Sonnet v2 (CloudTrail only after the deletion; us-west-2 never logged).
// Next morning the actor checks the findings statistics. GuardDuty did see it: Discovery,
// DefenseEvasion, CostHarvesting and AnomalousModelInvocation findings are in the export, but all
// archived at creation by the actor's filter, so the console's "Current" view shows nothing.
//
// Decoys: the security engineer's planned suppression rule for the company's vulnerability scanner
// (CHG-6120 in the change calendar, made from the office in ap-northeast-2 and us-east-1; its
// archived Discovery findings for SecurityAuditScanner from the scanner addresses); a declared
// external red-team exercise (RT-2025-Q4, Kestrel Assurance, from a hosting range, Kali Linux
// client, IAM user rt-kestrel-assess doing the same recon, GuardDuty reads and model probes) whose
// PenTest/Discovery/MaliciousIPCaller findings an analyst archived by hand the next morning
// (ArchiveFindings); an administrator enabling a model and an engineer's one-minute logging test
// (ops); the scanner's daily sweep; staff looking at GuardDuty.

import {
  addAccessKey,
  C,
  defineScenario,
  finding,
  HOUR,
  iamUser,
  isoSec,
  MIN,
  malformedRequest,
  Playbooks,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import {
  createFilter,
  DALBIT,
  DALBIT_DETECTORS,
  detectorFor,
  filterArn,
  gd,
  inRegion,
} from './_worlds-v.mjs';

const RANGE = '193.176.86.*';
const ACTOR = '193.176.86.41';
const PROXIES = ['193.176.86.41', '193.176.86.57', '193.176.86.112'];
const REDTEAM = ['146.70.113.21', '146.70.113.22'];
const OPUS = 'anthropic.claude-3-opus-20240229-v1:0';
const SONNET2 = 'anthropic.claude-3-5-sonnet-20241022-v2:0';
let TRUTH;
const ACTOR_FILTER = 'suppress-vuln-scanner-recon';
const SCANNER_FILTER = 'suppress-vuln-scanner-discovery';

const ipInfo = (ip) =>
  ip.startsWith('193.176.')
    ? {
        ip,
        country: 'Netherlands',
        city: 'Amsterdam',
        asn: 209588,
        asnOrg: 'Flyservers S.A.',
        isp: 'Flyservers',
        org: 'Flyservers S.A.',
      }
    : ip.startsWith('146.70.')
      ? {
          ip,
          country: 'Singapore',
          city: 'Singapore',
          asn: 9009,
          asnOrg: 'M247 Europe SRL',
          isp: 'M247',
          org: 'M247 Europe SRL',
        }
      : {
          ip,
          country: 'South Korea',
          city: 'Seoul',
          lat: 37.5665,
          lon: 126.978,
          asn: 16509,
          asnOrg: 'AMAZON-02',
          isp: 'Amazon.com',
          org: 'Amazon Data Services Korea',
        };

export default defineScenario({
  name: 'guardduty-suppression-llmjacking',
  seed: 'fresh-v/guardduty-suppression-llmjacking/v1',
  start: '2025-10-21T00:00:00Z',
  days: 2,
  world: DALBIT,
  background: {
    intensity: 0.9,
    chatbot: { conversationsPerHour: 50 },
    agent: { sessionsPerHour: 4 },
    jobs: { guardrailEval: true },
    ops: { events: ['model-enable', 'logging-test'], random: 0 },
  },
  alert:
    'AWS Cost Anomaly Detection for dalbit-prod: Amazon Bedrock spend in US East (N. Virginia) and US West (Oregon) is about thirty times the usual since around midnight Seoul time on 22 October. Dalbit runs its chatbot in Seoul. The GuardDuty console (current findings) shows nothing unusual.',
  truth: (TRUTH = {
    description: '',
    elements: ['access', 'ai-changes', 'infrastructure-changes', 'invocation'],
    components: ['foundation-models'],
    extra: {
      coverageGaps: [
        {
          region: 'us-east-1',
          source: 'bedrock-invocations',
          reason:
            'the actor deleted model invocation logging in us-east-1 before its resale traffic; only the first probes are logged, later invocations are in CloudTrail only',
        },
        {
          region: 'us-west-2',
          source: 'bedrock-invocations',
          reason:
            'model invocation logging was never configured in us-west-2; the actor invoked models there, CloudTrail only',
        },
      ],
    },
  }),
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const acct = w.account.id;
    const home = w.homeRegion;
    w.detectorId = DALBIT_DETECTORS[home];
    const staff = actors.staff;

    // suppression rules in force: every finding created after a rule exists in its Region and
    // matching it is archived at creation (background findings included)
    const rules = []; // { region, from, match(f) }
    const origFinding = sim.finding.bind(sim);
    sim.finding = (t, f, tags) => {
      if (!f.service.archived && rules.some((r) => r.region === f.region && r.from <= t && r.match(f))) {
        f.service.archived = true;
        f.updatedAt = f.createdAt;
      }
      return origFinding(t, f, tags);
    };
    const remoteIp = (f) => f.service?.action?.awsApiCallAction?.remoteIpDetails?.ipAddressV4 ?? '';

    // ---- decoy 1: the security engineer's planned suppression rule for the vulnerability scanner ----
    const secEng = w.people.find((p) => p.team === 'security');
    const analyst = w.people.filter((p) => p.team === 'security')[1] ?? secEng;
    const tChg = at('2025-10-21T01:35:00Z');
    sim.planChange({
      ticket: 'CHG-6120',
      window: { start: isoSec(tChg - 15 * MIN), end: isoSec(tChg + 75 * MIN) },
      owner: `security@${w.company.domain}`,
      summary: `GuardDuty (ap-northeast-2 and us-east-1): suppression rule ${SCANNER_FILTER} archiving Discovery:IAMUser/AnomalousBehavior findings for role SecurityAuditScanner from the vulnerability scanner addresses ${w.net.scanner.join(', ')} (daily posture sweep). Made by ${secEng.email}.`,
    });
    const scannerCriterion = {
      type: { equals: ['Discovery:IAMUser/AnomalousBehavior'] },
      'resource.accessKeyDetails.userName': { equals: ['SecurityAuditScanner'] },
      'service.action.awsApiCallAction.remoteIpDetails.ipAddressV4': { equals: [...w.net.scanner] },
    };
    sim.tag({ decoy: true }, () => {
      let t = tChg;
      const s = staff.session(secEng, t, w.net.office[0], false);
      for (const region of [home, 'us-east-1']) {
        const rs = s.with({ region });
        sim.call(rng, (t += rng.int(20, 60) * 1000), rs, gd('ListDetectors', region, { maxResults: 50 }));
        sim.call(
          rng,
          (t += rng.int(5, 20) * 1000),
          rs,
          gd('ListFilters', region, { detectorId: detectorFor(region), maxResults: 50 }),
        );
        sim.call(
          rng,
          (t += rng.int(20, 90) * 1000),
          rs,
          gd('ListFindings', region, {
            detectorId: detectorFor(region),
            findingCriteria: {
              criterion: {
                type: { equals: ['Discovery:IAMUser/AnomalousBehavior'] },
                'service.archived': { equals: ['false'] },
              },
            },
            maxResults: 50,
          }),
        );
        t += rng.int(60, 240) * 1000;
        rules.push({
          region,
          from: t,
          match: (f) =>
            f.type === 'Discovery:IAMUser/AnomalousBehavior' &&
            f.resource.accessKeyDetails?.userName === 'SecurityAuditScanner' &&
            w.net.scanner.includes(remoteIp(f)),
        });
        sim.call(
          rng,
          t,
          rs,
          createFilter(rng, region, {
            name: SCANNER_FILTER,
            description: 'CHG-6120 archive discovery findings from the vulnerability scanner sweep',
            rank: 1,
            criterion: scannerCriterion,
          }),
        );
        sim.call(
          rng,
          (t += rng.int(5, 30) * 1000),
          rs,
          gd('GetFilter', region, { detectorId: detectorFor(region), filterName: SCANNER_FILTER }),
        );
      }
    });
    // the scanner's findings: one before the rule (why it was made, active), then archived ones
    const scannerRole = w.roles.scanner;
    const scannerKey = (t) => ({
      accessKeyId: rng.iamId('ASIA'),
      principalId: `${scannerRole.id}:${w.company.slug}-posture-${Math.floor(t / 86400000)}`,
      userType: 'AssumedRole',
      userName: 'SecurityAuditScanner',
    });
    for (const [ts, region, archived] of [
      ['2025-10-20T23:52:00Z', home, false],
      ['2025-10-21T23:41:00Z', home, true],
      ['2025-10-21T23:58:00Z', 'us-east-1', true],
      ['2025-10-22T22:47:00Z', 'us-east-1', true],
    ]) {
      const t = at(ts);
      const f = finding(rng, w, {
        t,
        type: 'Discovery:IAMUser/AnomalousBehavior',
        severity: 2,
        region,
        accessKey: scannerKey(t),
        title: 'Unusual discovery APIs were invoked by role SecurityAuditScanner.',
        description:
          'APIs commonly used in discovery tactics were invoked in Regions where this principal has not been seen before.',
        api: 'DescribeInstances',
        serviceName: 'ec2.amazonaws.com',
        remoteIp: ipInfo(rng.pick(w.net.scanner)),
        firstSeen: t - rng.int(10, 30) * MIN,
        lastSeen: t - rng.int(1, 5) * MIN,
        count: rng.int(40, 160),
        archived,
      });
      sim.finding(t, inRegion(f, region), { decoy: true });
    }

    // ---- decoy 2: the declared red-team exercise (Kestrel Assurance) ----
    const rt = iamUser(rng, acct, 'rt-kestrel-assess', {
      created: at('2025-10-17T02:12:40Z'),
      tags: [
        { Key: 'purpose', Value: 'RT-2025-Q4 external red team (Kestrel Assurance), expires 2025-10-24' },
      ],
    });
    addAccessKey(rng, rt, at('2025-10-17T02:13:05Z'));
    rt.attached = ['arn:aws:iam::aws:policy/ReadOnlyAccess'];
    rt.inline.push({
      name: 'rt-bedrock-test',
      document: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['bedrock:InvokeModel', 'bedrock:Converse'], Resource: '*' }],
      },
    });
    w.users[rt.name] = rt;
    sim.planChange({
      ticket: 'RT-2025-Q4',
      window: { start: isoSec(at('2025-10-21T04:00:00Z')), end: isoSec(at('2025-10-21T09:30:00Z')) },
      owner: `security@${w.company.domain}`,
      summary: `Declared external red-team exercise by Kestrel Assurance against dalbit-prod: IAM user rt-kestrel-assess (read-only plus model invocation), source addresses 146.70.113.0/28, Kali Linux tooling. Expect GuardDuty PenTest, Discovery and MaliciousIPCaller findings; the SOC archives them after the exercise.`,
    });
    const rtUa = UA.awsCli(rng.fork('ua-rt'), 'linux', { family: 'debian' }).replace(
      /os\/linux#\S+/,
      'os/linux#6.8.11-kali2-amd64',
    );
    const rtFindings = [];
    sim.tag({ decoy: true }, () => {
      const s = sim.userSession(rt, { ip: REDTEAM[0], userAgent: rtUa });
      let t = at('2025-10-21T04:21:10Z');
      sim.call(rng, t, s, C.getCallerIdentity());
      sim.call(rng, (t += rng.int(2, 8) * 1000), s, C.iamGet('GetUser', { userName: rt.name }));
      for (const op of [
        'ListUsers',
        'ListRoles',
        'ListPolicies',
        'GetAccountAuthorizationDetails',
        'ListAccessKeys',
      ])
        sim.call(rng, (t += rng.int(2, 15) * 1000), s, C.iamGet(op));
      sim.call(rng, (t += rng.int(5, 20) * 1000), s, C.s3ListBuckets(rng, { region: home }));
      for (const region of [home, 'us-east-1']) {
        const rs = s.with({ region });
        sim.call(rng, (t += rng.int(5, 20) * 1000), rs, gd('ListDetectors', region, { maxResults: 50 }));
        sim.call(
          rng,
          (t += rng.int(2, 8) * 1000),
          rs,
          gd('ListFilters', region, { detectorId: detectorFor(region), maxResults: 50 }),
        );
        sim.call(rng, (t += rng.int(5, 20) * 1000), rs, C.bedrock('ListFoundationModels', null));
        sim.call(rng, (t += rng.int(2, 8) * 1000), rs, C.bedrock('GetModelInvocationLoggingConfiguration'));
      }
      // a denied write, as the rules of engagement expect
      sim.call(rng, (t += rng.int(30, 90) * 1000), s.with({ region: home }), {
        ...createFilter(rng, home, {
          name: 'rt-kestrel-canary',
          description: 'RT-2025-Q4 canary',
          criterion: { severity: { greaterThanOrEqual: 9 } },
        }),
        error: {
          code: 'AccessDeniedException',
          message: `User: ${rt.arn} is not authorized to perform: guardduty:CreateFilter on resource: arn:aws:guardduty:${home}:${acct}:detector/${detectorFor(home)} because no identity-based policy allows the guardduty:CreateFilter action`,
        },
        scope: [],
      });
      // model probes and a few prompts from the second address
      const s2 = sim.userSession(rt, { ip: REDTEAM[1], userAgent: rtUa });
      t += 20 * MIN;
      sim.call(rng, t, s2.with({ region: home }), C.getCallerIdentity());
      for (const kind of ['temperature-range', 'assistant-first']) {
        const m = malformedRequest(kind);
        sim.runtime(rng, (t += rng.int(10, 60) * 1000), s2.with({ region: home }), {
          op: 'InvokeModel',
          modelId: w.models.chat,
          region: home,
          prompt: '',
          answer: '',
          error: m.error,
          rawBody: m.rawBody,
        });
      }
      for (let i = 0; i < 4; i++) {
        sim.runtime(rng, (t += rng.int(30, 120) * 1000), s2.with({ region: home }), {
          op: 'Converse',
          modelId: w.models.converse,
          region: home,
          prompt: rng.pick([
            'Summarise the OWASP LLM Top 10 in one paragraph.',
            'What model are you and what is your context window?',
            'Write a haiku about red-team exercises.',
            'Return the JSON {"ok": true} and nothing else.',
          ]),
          answer: 'Understood. Here is a short answer for your test.',
          maxTokens: 300,
          temperature: 0.2,
        });
      }
      const mk = (type, severity, title, description, api, svc, tf, ip) => {
        const f = finding(rng, w, {
          t: tf,
          updatedAt: at('2025-10-22T00:47:00Z'),
          type,
          severity,
          region: home,
          accessKey: {
            accessKeyId: rt.accessKeys[0].id,
            principalId: rt.id,
            userType: 'IAMUser',
            userName: rt.name,
          },
          title,
          description,
          api,
          serviceName: svc,
          remoteIp: ipInfo(ip),
          firstSeen: at('2025-10-21T04:21:00Z'),
          lastSeen: tf - 5 * MIN,
          count: rng.int(5, 60),
          archived: true,
        });
        rtFindings.push(f.id);
        sim.finding(tf, inRegion(f, home), { decoy: true });
      };
      mk(
        'PenTest:IAMUser/KaliLinux',
        5,
        'API GetCallerIdentity was invoked from a Kali Linux computer.',
        `API GetCallerIdentity was invoked by IAM user ${rt.name} from a computer running Kali Linux.`,
        'GetCallerIdentity',
        'sts.amazonaws.com',
        at('2025-10-21T04:39:00Z'),
        REDTEAM[0],
      );
      mk(
        'Discovery:IAMUser/AnomalousBehavior',
        2,
        `Unusual discovery APIs were invoked by IAM user ${rt.name}.`,
        'APIs commonly used in discovery tactics were invoked by an IAM entity in an anomalous way.',
        'ListFoundationModels',
        'bedrock.amazonaws.com',
        at('2025-10-21T05:02:00Z'),
        REDTEAM[0],
      );
      mk(
        'Recon:IAMUser/MaliciousIPCaller',
        5,
        'Reconnaissance API GetModelInvocationLoggingConfiguration was invoked from a known malicious IP address.',
        `API GetModelInvocationLoggingConfiguration was invoked by ${rt.name} from an IP address that is on a threat list.`,
        'GetModelInvocationLoggingConfiguration',
        'bedrock.amazonaws.com',
        at('2025-10-21T05:20:00Z'),
        REDTEAM[1],
      );
      // next morning the analyst archives the exercise's findings by hand
      const sa = staff.session(analyst, at('2025-10-22T00:44:00Z'), w.net.office[1], false);
      let ta = at('2025-10-22T00:44:00Z');
      sim.call(
        rng,
        ta,
        sa,
        gd('ListFindings', home, {
          detectorId: detectorFor(home),
          findingCriteria: { criterion: { 'resource.accessKeyDetails.userName': { equals: [rt.name] } } },
          maxResults: 50,
        }),
      );
      sim.call(
        rng,
        (ta += rng.int(20, 60) * 1000),
        sa,
        gd('GetFindings', home, { detectorId: detectorFor(home), findingIds: rtFindings }),
      );
      sim.call(
        rng,
        (ta += rng.int(60, 180) * 1000),
        sa,
        gd('ArchiveFindings', home, { detectorId: detectorFor(home), findingIds: rtFindings }),
      );
    });

    // ---- the incident ----
    const victim =
      w.people.find((p) => p.iamUser && p.team === 'platform') ?? w.people.find((p) => p.iamUser);
    const u = victim.iamUser;
    sim.reservedUsers.add(u.name);
    const ua = UA.boto3(rng.fork('ua-actor'), { family: 'ubuntu' });
    const s = sim.threat(sim.userSession(u, { ip: ACTOR, userAgent: ua, tls: 'tls12' }));
    let t = at('2025-10-21T14:47:22Z');
    t = Playbooks.whoami(sim, rng, s, t);
    const regions = [home, 'us-east-1', 'us-west-2'];
    for (const region of regions) {
      const rs = s.with({ region });
      sim.call(rng, (t += rng.int(3, 12) * 1000), rs, {
        ...gd('ListDetectors', region, { maxResults: 50 }),
        key: region === home,
      });
      sim.call(
        rng,
        (t += rng.int(1, 4) * 1000),
        rs,
        gd('GetDetector', region, { detectorId: detectorFor(region) }),
      );
      sim.call(rng, (t += rng.int(1, 4) * 1000), rs, {
        ...gd('ListFilters', region, { detectorId: detectorFor(region), maxResults: 50 }),
        key: region === home,
      });
      if (region !== 'us-west-2')
        sim.call(
          rng,
          (t += rng.int(1, 4) * 1000),
          rs,
          gd('GetFilter', region, { detectorId: detectorFor(region), filterName: SCANNER_FILTER }),
        );
    }
    const actorCriterion = {
      type: {
        equals: [
          'Discovery:IAMUser/AnomalousBehavior',
          'DefenseEvasion:IAMUser/AnomalousBehavior',
          'Impact:IAMUser/AnomalousModelInvocation',
          'Impact:IAMUser/CostHarvesting',
          'Recon:IAMUser/MaliciousIPCaller',
          'UnauthorizedAccess:IAMUser/MaliciousIPCaller',
        ],
      },
      'service.action.awsApiCallAction.remoteIpDetails.ipAddressV4': { matches: [RANGE] },
    };
    const tFilter = {};
    for (const region of regions) {
      t += rng.int(8, 30) * 1000;
      sim.call(rng, t, s.with({ region }), {
        ...createFilter(rng, region, {
          name: ACTOR_FILTER,
          description: 'Archive findings from the vulnerability scanner range',
          rank: 1,
          criterion: actorCriterion,
        }),
        key: true,
      });
      tFilter[region] = t;
      rules.push({
        region,
        from: t,
        match: (f) => actorCriterion.type.equals.includes(f.type) && remoteIp(f).startsWith('193.176.86.'),
      });
    }
    sim.call(
      rng,
      (t += rng.int(3, 10) * 1000),
      s.with({ region: home }),
      gd('ListFilters', home, { detectorId: detectorFor(home), maxResults: 50 }),
    );

    // Bedrock in the US Regions: recon, model access, logging off in us-east-1
    t = Playbooks.bedrockRecon(sim, rng, s, t + rng.int(2, 5) * MIN, {
      regions: ['us-east-1', 'us-west-2'],
      models: [OPUS, SONNET2],
      probes: 2,
    });
    const tRecon = t;
    t = Playbooks.enableModelAccess(sim, rng, s, t, { region: 'us-east-1', models: [OPUS, SONNET2] });
    t = Playbooks.enableModelAccess(sim, rng, s, t, { region: 'us-west-2', models: [OPUS] });
    t = Playbooks.deleteInvocationLogging(sim, rng, s, t, 'us-east-1');
    const tDelete = t;
    sim.call(
      rng,
      (t += rng.int(5, 20) * 1000),
      s.with({ region: 'us-east-1' }),
      C.bedrock('GetModelInvocationLoggingConfiguration'),
    );

    // resale: three proxies in the same range, ~17 hours
    const t0 = at('2025-10-21T16:02:00Z');
    const t1 = at('2025-10-22T09:20:00Z');
    const firstUse = {};
    for (const [i, ip] of PROXIES.entries()) {
      const r = rng.fork(`proxy${i}`);
      const ps = sim.threat(
        sim.userSession(u, {
          ip,
          userAgent: i === 0 ? ua : UA.boto3(r.fork('ua'), { family: 'ubuntu' }),
          tls: 'tls12',
        }),
      );
      const start = t0 + i * r.int(10, 40) * MIN;
      firstUse[ip] = start;
      Playbooks.abuseModels(sim, r, ps, start, t1 - i * r.int(0, 30) * MIN, {
        targets: [
          { region: 'us-east-1', model: OPUS, weight: 3 },
          { region: 'us-east-1', model: SONNET2, weight: 2 },
          { region: 'us-west-2', model: OPUS, weight: 2 },
        ],
        perHour: 34,
        content: 'mixed',
        bigContextShare: 0.3,
        keyFirst: i === 0,
      });
    }
    // next morning: checks that nothing is showing
    t = at('2025-10-22T06:12:40Z');
    const s3 = s.with({ ip: PROXIES[2] });
    for (const region of ['us-east-1', home]) {
      sim.call(rng, (t += rng.int(5, 20) * 1000), s3.with({ region }), {
        ...gd('GetFindingsStatistics', region, {
          detectorId: detectorFor(region),
          findingStatisticTypes: ['COUNT_BY_SEVERITY'],
          findingCriteria: { criterion: { 'service.archived': { equals: ['false'] } } },
        }),
        key: region === 'us-east-1',
      });
      sim.call(
        rng,
        (t += rng.int(2, 8) * 1000),
        s3.with({ region }),
        gd('ListFindings', region, {
          detectorId: detectorFor(region),
          findingCriteria: { criterion: { 'service.archived': { equals: ['true'] } } },
          maxResults: 50,
        }),
      );
    }

    // GuardDuty saw it, and the actor's filter archived every finding at creation
    const key = { accessKeyId: u.accessKeys[0].id, principalId: u.id, userType: 'IAMUser', userName: u.name };
    sim.tag({ malicious: true, scope: 'none' }, () => {
      const add = (tf, region, spec, isKey = false) => {
        const f = finding(rng, w, { t: tf, region, accessKey: key, archived: true, ...spec });
        sim.finding(
          tf,
          inRegion(f, region),
          isKey ? { malicious: true, key: true, scope: 'none' } : undefined,
        );
      };
      add(tFilter[home] + 17 * MIN, home, {
        type: 'Discovery:IAMUser/AnomalousBehavior',
        severity: 2,
        title: `Unusual discovery APIs were invoked by IAM user ${u.name}.`,
        description:
          'APIs commonly used in discovery tactics were invoked by an IAM entity in an anomalous way, from a network not previously seen for this principal.',
        api: 'ListFilters',
        serviceName: 'guardduty.amazonaws.com',
        remoteIp: ipInfo(ACTOR),
        firstSeen: at('2025-10-21T14:47:30Z'),
        lastSeen: tFilter[home],
        count: 14,
      });
      add(tRecon + 22 * MIN, 'us-east-1', {
        type: 'Discovery:IAMUser/AnomalousBehavior',
        severity: 2,
        title: `Unusual discovery APIs were invoked by IAM user ${u.name}.`,
        description:
          'APIs commonly used in discovery tactics (foundation model availability and invocation logging) were invoked by an IAM entity in an anomalous way.',
        api: 'GetModelInvocationLoggingConfiguration',
        serviceName: 'bedrock.amazonaws.com',
        remoteIp: ipInfo(ACTOR),
        firstSeen: tRecon - 4 * MIN,
        lastSeen: tRecon,
        count: 11,
      });
      add(
        tDelete + 19 * MIN,
        'us-east-1',
        {
          type: 'DefenseEvasion:IAMUser/AnomalousBehavior',
          severity: 5,
          title: `An API commonly used to evade defensive measures was invoked by IAM user ${u.name}.`,
          description:
            'APIs commonly used in defense evasion tactics were invoked by an IAM entity in an anomalous way: model invocation logging was deleted.',
          api: 'DeleteModelInvocationLoggingConfiguration',
          serviceName: 'bedrock.amazonaws.com',
          remoteIp: ipInfo(ACTOR),
          firstSeen: tDelete,
          lastSeen: tDelete,
          count: 1,
        },
        true,
      );
      add(
        at('2025-10-21T17:40:00Z'),
        'us-east-1',
        {
          type: 'Impact:IAMUser/CostHarvesting',
          severity: 8,
          title: `Amazon Bedrock models were invoked in a pattern consistent with cost harvesting by IAM user ${u.name}.`,
          description:
            'High-cost foundation models were invoked at high volume with large inputs by an IAM entity from addresses not previously seen for this principal, shortly after model access was requested.',
          api: 'InvokeModel',
          serviceName: 'bedrock.amazonaws.com',
          remoteIp: ipInfo(PROXIES[1]),
          modelIds: [OPUS, SONNET2],
          firstSeen: firstUse[PROXIES[0]],
          lastSeen: at('2025-10-21T17:35:00Z'),
          count: 140,
        },
        true,
      );
      add(at('2025-10-21T18:25:00Z'), 'us-west-2', {
        type: 'Impact:IAMUser/AnomalousModelInvocation',
        severity: 5,
        title: `Anomalous Amazon Bedrock model invocations by IAM user ${u.name}.`,
        description:
          "APIs commonly used to invoke foundation models were called in an unusual way (Region, model and input size far from this principal's baseline).",
        api: 'InvokeModelWithResponseStream',
        serviceName: 'bedrock.amazonaws.com',
        remoteIp: ipInfo(PROXIES[2]),
        modelIds: [OPUS],
        firstSeen: firstUse[PROXIES[1]],
        lastSeen: at('2025-10-21T18:20:00Z'),
        count: 55,
      });
    });

    TRUTH.description = `The long-term access key ${u.accessKeys[0].id} of ${victim.first} ${victim.last}'s legacy IAM user ${u.name} (Admins group) was used from ${ACTOR} (hosting provider, 193.176.86.0/24) from 23:47 Seoul time on 21 October: GetCallerIdentity and the user's own policies, then GuardDuty in ap-northeast-2, us-east-1 and us-west-2 (ListDetectors, GetDetector, ListFilters, GetFilter of the security team's ${SCANNER_FILTER} rule). The actor created a suppression rule ${ACTOR_FILTER} in all three Regions (guardduty:CreateFilter, action ARCHIVE, rank 1) matching the finding types Discovery, DefenseEvasion, Impact AnomalousModelInvocation, Impact CostHarvesting and MaliciousIPCaller from remote addresses matching ${RANGE}, named and described like the scanner rule. It then surveyed Bedrock in us-east-1 and us-west-2 (ListFoundationModels, GetModelInvocationLoggingConfiguration, GetFoundationModelAvailability, malformed InvokeModel probes), requested model access (PutUseCaseForModelAccess, CreateFoundationModelAgreement for Claude 3 Opus and Claude 3.5 Sonnet v2 in us-east-1, Opus in us-west-2) and deleted model invocation logging in us-east-1 (DeleteModelInvocationLoggingConfiguration). From about 01:00 Seoul time until the next evening the key was used from ${PROXIES.join(', ')} for large role-play and bulk-writing invocations (InvokeModel, InvokeModelWithResponseStream, ConverseStream) of Claude 3 Opus and Claude 3.5 Sonnet v2 in us-east-1 and us-west-2; after the deletion these calls are only in CloudTrail (us-west-2 was never logged). The next morning it checked GuardDuty finding statistics. GuardDuty reported the activity (Discovery, DefenseEvasion for the logging deletion, CostHarvesting and AnomalousModelInvocation), but every one of those findings was archived at creation by the actor's filter. Containment: deactivate the key, delete ${ACTOR_FILTER} in the three Regions and review archived findings, restore invocation logging in us-east-1, withdraw the model agreements. The security engineer's planned scanner rule (CHG-6120) and its archived scanner findings, the declared Kestrel Assurance red-team exercise (RT-2025-Q4, rt-kestrel-assess from 146.70.113.0/28, findings archived by an analyst), the administrator's model enablement, the logging test and the scanner's sweep are legitimate.`;
    sim.truth.addScope(
      'resources',
      regions.map((r) => filterArn(r, ACTOR_FILTER)),
    );
  },
});
