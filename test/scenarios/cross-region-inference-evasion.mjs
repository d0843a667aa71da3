// Millrace Fabric & Craft logs model invocations only in its home Region (us-east-2); its
// organisation trail is multi-Region. The long-term access key of `svc-catalog-enrich` (the PIM
// batch server's IAM user, left with AmazonBedrockFullAccess after its pilot) leaks. Shortly after
// midnight Columbus time the key is used from a hosting address: it checks who it is, reads the
// invocation-logging configuration in us-east-2 (configured), us-west-2 and us-east-1 (not), and
// from then on never calls Bedrock runtime in us-east-2 again. In us-west-2 it lists the
// system-defined inference profiles, checks model availability, requests model access (use-case
// form, agreement for Claude 3.7 Sonnet) and creates an application inference profile named like
// the enrichment job ("catalog-enrich-batch", copied from the US Claude 3.7 Sonnet profile) so the
// invocations name an opaque application-inference-profile ARN instead of a model. For about
// twenty-six hours four hosting addresses invoke heavily (role play and bulk writing) through that
// profile and the US system profiles from us-west-2 and us-east-1, and in-Region in us-east-1.
// Served Regions (additionalEventData.inferenceRegion) include us-east-2, but the source Regions
// have no invocation logging: only CloudTrail shows the calls, no prompt or answer exists.
// The key's own nightly enrichment run from the PIM host in us-east-2 continues as usual.
//
// Decoys:
//   - CHG-4471, in the change calendar: the app team moves the web chat from in-Region Claude 3
//     Haiku to the US cross-Region profile for Claude 3.5 Haiku, called from us-east-2 through an
//     application inference profile made for cost allocation (ListInferenceProfiles,
//     GetInferenceProfile, CreateInferenceProfile, test Converse calls from the office, pipeline
//     deploy); from then on the chat's calls are served in us-east-1/us-east-2/us-west-2 but
//     logged in us-east-2.
//   - a data scientist tries Claude 3.7 Sonnet in the us-west-2 console playground from the office
//     (ListFoundationModels, GetFoundationModelAvailability, ListInferenceProfiles, a few Converse
//     calls through the US profile; not logged: us-west-2 has no invocation logging).
//   - an engineer's one-minute invocation-logging test in a quiet Region (ops), the scanner's
//     Region sweep, and the usual background.

import {
  Abuse,
  addAccessKey,
  C,
  clientProfile,
  defineScenario,
  finding,
  HOUR,
  iamUser,
  isoSec,
  MIN,
  Playbooks,
  Prompts,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import { ENRICH_HOST, ENRICH_USER, MILLRACE } from './_worlds-y.mjs';

const RECON_IP = '154.47.19.83';
const PROXIES = ['45.87.214.19', '138.199.52.77', '5.161.94.130', '159.203.88.12'];
const SONNET37 = 'anthropic.claude-3-7-sonnet-20250219-v1:0';
const SONNET35V2 = 'anthropic.claude-3-5-sonnet-20241022-v2:0';
const SONNET35 = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const HAIKU35 = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const US_REGIONS = ['us-east-1', 'us-east-2', 'us-west-2'];

// CreateInferenceProfile is not in the generator's catalogue
const createProfileEntry = {
  key: 'bedrock:CreateInferenceProfile',
  service: 'bedrock',
  source: 'bedrock.amazonaws.com',
  name: 'CreateInferenceProfile',
  readOnly: false,
  data: false,
  ver: '1.11',
  global: false,
  host: (r) => `bedrock.${r}.amazonaws.com`,
  iamAction: 'bedrock:CreateInferenceProfile',
};

function createInferenceProfile(rng, { acct, region, name, description, copyFrom, tags, id }) {
  const arn = `arn:aws:bedrock:${region}:${acct}:application-inference-profile/${id}`;
  return {
    api: 'bedrock:CreateInferenceProfile',
    entry: createProfileEntry,
    region,
    params: {
      inferenceProfileName: name,
      description,
      clientRequestToken: rng.uuid(),
      modelSource: { copyFrom },
      tags,
    },
    response: { inferenceProfileArn: arn, status: 'ACTIVE' },
    scope: [arn],
  };
}

const sysProfileArn = (region, acct, model) =>
  `arn:aws:bedrock:${region}:${acct}:inference-profile/us.${model}`;

export default defineScenario({
  name: 'cross-region-inference-evasion',
  seed: 'sc10-y/cross-region-inference-evasion/v1',
  start: '2025-11-18T00:00:00Z',
  days: 1.5,
  world: MILLRACE,
  background: {
    intensity: 1.0,
    chatbot: { conversationsPerHour: 55 },
    agent: { sessionsPerHour: 4 },
    jobs: { guardrailEval: false },
    ops: { events: ['logging-test'], random: 1 },
  },
  alert:
    'Cost Anomaly Detection: Amazon Bedrock spend of millrace-prod in US West (Oregon) and US East (N. Virginia) rose from near zero to about $1,900 in the last day. Millrace runs its workloads in us-east-2 only; the invocation logs in us-east-2 show nothing unusual.',
  truth: {
    description:
      "The long-term access key of the service IAM user svc-catalog-enrich (used every night by the PIM batch server at the distribution centre, 66.170.42.118, to rewrite product descriptions with Claude 3 Haiku in us-east-2; AmazonBedrockFullAccess left from its pilot) was stolen. From 00:20 Columbus time on 18 November the key was used from a hosting address (154.47.19.83): GetCallerIdentity and the user's own policies, GetModelInvocationLoggingConfiguration in us-east-2 (configured), us-west-2 and us-east-1 (not configured), then ListFoundationModels, ListInferenceProfiles, GetInferenceProfile and GetFoundationModelAvailability in us-west-2 and us-east-1. It requested model access in us-west-2 (PutUseCaseForModelAccess, agreement for Claude 3.7 Sonnet) and created an application inference profile 'catalog-enrich-batch' in us-west-2, copied from the US cross-Region profile of Claude 3.7 Sonnet, named like the enrichment job. From 01:00 until the next morning four hosting addresses (45.87.214.19, 138.199.52.77, 5.161.94.130, 159.203.88.12) invoked models heavily with the key (Converse, ConverseStream, InvokeModel: role play and bulk writing) through that application profile and the US system profiles from us-west-2 and us-east-1, and in-Region Claude 3.5 Sonnet in us-east-1; the actor never invoked from us-east-2, where invocations are logged. The calls were served across us-east-1, us-east-2 and us-west-2 (inferenceRegion), but invocation logs are written for the source Region, and us-west-2 and us-east-1 have no invocation logging: only CloudTrail shows these calls, with no prompt, answer or token count. Containment: deactivate the key, delete the application inference profile, reduce the user's permissions, add invocation logging (or an SCP denying Bedrock) in the other Regions. The nightly enrichment run from the PIM host, the app team's planned move of the web chat to a US cross-Region profile through an application inference profile (CHG-4471), the data scientist's playground test in us-west-2 from the office and the logging test are legitimate.",
    elements: ['access', 'ai-changes', 'invocation'],
    components: ['foundation-models'],
    extra: {
      coverageGaps: ['us-west-2', 'us-east-1'].map((region) => ({
        region,
        source: 'bedrock-invocations',
        reason:
          'model invocation logging is not configured in this Region; the actor invoked models from here (application inference profile and US cross-Region profiles), so CloudTrail is the only record and no prompts or answers exist',
      })),
    },
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const acct = w.account.id;
    const home = w.homeRegion;

    // ---- the service user and its nightly job ------------------------------------------------
    const u = iamUser(rng, acct, ENRICH_USER, {
      created: at('2024-03-11T15:20:00Z'),
      tags: [
        { Key: 'purpose', Value: 'nightly product description enrichment (PIM batch server)' },
        { Key: 'owner', Value: `ecommerce@${w.company.domain}` },
      ],
    });
    addAccessKey(rng, u, at('2025-02-03T14:02:00Z'));
    u.attached.push('arn:aws:iam::aws:policy/AmazonBedrockFullAccess');
    w.users[ENRICH_USER] = u;
    const key = u.accessKeys[0].id;
    const enrichUa = UA.boto3(rng.fork('ua-enrich'), { legacy: true, family: 'ubuntu' });
    const job = sim.userSession(u, { ip: ENRICH_HOST, userAgent: enrichUa, accessKeyId: key, region: home });
    const jobParams = { maxTokens: 400, temperature: 0.4 };
    for (const night of [at('2025-11-18T07:00:00Z'), at('2025-11-19T07:00:00Z')]) {
      let t = night + rng.int(0, 90) * 1000;
      sim.call(rng, t, job, C.getCallerIdentity());
      const n = rng.int(120, 170);
      for (let i = 0; i < n; i++) {
        t += rng.int(6, 25) * 1000;
        const p = rng.pick(w.catalog);
        const facts = p[3];
        sim.runtime(rng, t, job, {
          op: 'InvokeModel',
          modelId: w.models.chat,
          system:
            'You write product descriptions for an online fabric and craft store. Plain, friendly, 60 to 90 words, no prices, no superlatives.',
          prompt: `Rewrite the description of "${p[0]}" (${p[1]}; ${facts}). Mention care and who it suits.`,
          answer: `${p[0]} is a ${p[1]} made of ${facts}. It suits beginners and experienced makers alike and is easy to keep in good shape: wipe or wash gently and store it dry. Pair it with our classes and notions to get started on your next project.`,
          ...jobParams,
        });
      }
    }

    // ---- 1. the stolen key: whoami and logging configuration per Region ----------------------
    const ua = UA.boto3(rng.fork('ua-actor'), { family: 'ubuntu-aws', min: 35 });
    const recon = sim.threat(
      sim.userSession(u, { ip: RECON_IP, userAgent: ua, accessKeyId: key, region: 'us-west-2' }),
    );
    let t = at('2025-11-18T05:20:31Z');
    t = Playbooks.whoami(sim, rng, recon, t);
    for (const region of [home, 'us-west-2', 'us-east-1']) {
      t += rng.int(3, 12) * 1000;
      sim.call(rng, t, recon.with({ region }), {
        ...C.bedrock('GetModelInvocationLoggingConfiguration'),
        key: true,
      });
    }
    // ---- 2. survey of the US Regions away from home ------------------------------------------
    for (const region of ['us-west-2', 'us-east-1']) {
      const rs = recon.with({ region });
      t += rng.int(10, 40) * 1000;
      sim.call(rng, t, rs, {
        ...C.bedrock('ListFoundationModels', { byOutputModality: 'TEXT' }),
        key: region === 'us-west-2',
      });
      t += rng.int(4, 15) * 1000;
      sim.call(rng, t, rs, {
        ...C.bedrock('ListInferenceProfiles', { typeEquals: 'SYSTEM_DEFINED', maxResults: 100 }),
        key: true,
      });
      for (const m of [SONNET37, SONNET35V2]) {
        t += rng.int(2, 8) * 1000;
        sim.call(rng, t, rs, C.bedrock('GetInferenceProfile', { inferenceProfileIdentifier: `us.${m}` }));
        t += rng.int(2, 6) * 1000;
        sim.call(rng, t, rs, C.bedrock('GetFoundationModelAvailability', { modelId: m }));
      }
    }
    // ---- 3. model access in us-west-2 ------------------------------------------------------
    t = Playbooks.enableModelAccess(sim, rng, recon, t + rng.int(30, 90) * 1000, {
      region: 'us-west-2',
      models: [SONNET37],
    });
    // ---- 4. an application inference profile that hides the model --------------------------
    t += rng.int(60, 180) * 1000;
    const profileId = rng.lowerAlnum(12);
    const profile = createInferenceProfile(rng, {
      acct,
      region: 'us-west-2',
      name: 'catalog-enrich-batch',
      description: 'PIM enrichment batch',
      copyFrom: sysProfileArn('us-west-2', acct, SONNET37),
      tags: [{ key: 'app', value: 'catalog-enrich' }],
      id: profileId,
    });
    const appProfile = profile.response.inferenceProfileArn;
    sim.call(rng, t, recon.with({ region: 'us-west-2' }), { ...profile, key: true });
    t += rng.int(5, 20) * 1000;
    sim.call(
      rng,
      t,
      recon.with({ region: 'us-west-2' }),
      C.bedrock('GetInferenceProfile', { inferenceProfileIdentifier: appProfile }),
    );
    const tProfile = t;

    // ---- 5. the proxy fleet -------------------------------------------------------------------
    const corpus = w.corpus.abuse;
    const targets = [
      {
        region: 'us-west-2',
        model: appProfile,
        scope: [appProfile, SONNET37],
        cris: true,
        ops: ['Converse', 'ConverseStream'],
        weight: 4,
        after: tProfile,
      },
      {
        region: 'us-west-2',
        model: `us.${SONNET35V2}`,
        cris: true,
        ops: ['Converse', 'ConverseStream', 'InvokeModel'],
        weight: 2,
      },
      {
        region: 'us-east-1',
        model: `us.${SONNET37}`,
        cris: true,
        ops: ['ConverseStream', 'InvokeModelWithResponseStream'],
        weight: 1.5,
        after: tProfile,
      },
      { region: 'us-east-1', model: SONNET35, cris: false, ops: ['InvokeModel', 'Converse'], weight: 2 },
    ];
    const startAbuse = at('2025-11-18T05:58:00Z');
    const endAbuse = at('2025-11-19T08:10:00Z');
    const seen = new Set();
    for (const [i, ip] of PROXIES.entries()) {
      const r = rng.fork(`proxy${i}`);
      const pua =
        i % 2 === 0 ? UA.boto3(r, { family: 'ubuntu-aws', min: 36 }) : UA.sdkJs(r, { family: 'ubuntu' });
      const s = sim.threat(sim.userSession(u, { ip, userAgent: pua, accessKeyId: key, region: 'us-west-2' }));
      const params = clientProfile(r, { spread: 0.3 });
      let tp = startAbuse + i * r.int(5, 35) * MIN;
      const t1 = endAbuse - r.int(0, 80) * MIN;
      const perHour = i === 0 ? 34 : r.int(16, 26);
      while (tp < t1) {
        tp += Math.max(300, r.exp(HOUR / perHour) * (r.chance(0.3) ? 0.15 : 1));
        if (tp >= t1) break;
        const pool = targets.filter((x) => !x.after || tp > x.after);
        const tg = r.weighted(pool.map((x) => [x, x.weight]));
        const big = r.chance(0.05);
        const bulk = r.chance(0.35);
        const content = bulk
          ? Abuse.bulkTask(r, { corpus, docWords: big ? r.int(2000, 5000) : undefined })
          : Abuse.rolePlay(r, {
              turns: big ? r.int(15, 30) : r.int(2, 9),
              cardParagraphs: big ? r.int(8, 12) : r.int(2, 6),
              corpus,
            });
        const p = params(r);
        const first = !seen.has(`${tg.region}|${tg.model}`);
        seen.add(`${tg.region}|${tg.model}`);
        const throttle = r.chance(0.04);
        sim.runtime(r, Math.round(tp), s.with({ region: tg.region }), {
          op: r.pick(tg.ops),
          modelId: tg.model,
          region: tg.region,
          inferenceRegion: tg.cris ? r.pick(US_REGIONS) : undefined,
          scope: tg.scope,
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
    }

    // GuardDuty (us-west-2 detector): the key's first Bedrock discovery from a new network
    sim.tag({ malicious: true, scope: 'none' }, () => {
      const ft = t + rng.int(10, 25) * MIN;
      const f = finding(rng, w, {
        t: ft,
        region: 'us-west-2',
        type: 'Discovery:IAMUser/AnomalousBehavior',
        severity: 2,
        accessKey: { accessKeyId: key, principalId: u.id, userType: 'IAMUser', userName: u.name },
        title: `Unusual API calls used to discover information about Amazon Bedrock were invoked by ${u.name}.`,
        description: `APIs commonly used in discovery tactics (ListInferenceProfiles, GetFoundationModelAvailability) were invoked by IAM user ${u.name} in an anomalous way.`,
        api: 'ListInferenceProfiles',
        serviceName: 'bedrock.amazonaws.com',
        remoteIp: {
          ip: RECON_IP,
          country: 'Germany',
          city: 'Frankfurt am Main',
          asn: 212238,
          asnOrg: 'Datacamp Limited',
          isp: 'Datacamp Limited',
          org: 'Datacamp Limited',
        },
        firstSeen: at('2025-11-18T05:21:40Z'),
        lastSeen: tProfile,
        count: 9,
      });
      sim.finding(ft, f);
    });

    // ---- decoy: CHG-4471, the web chat moves to a US cross-Region profile from us-east-2 ------
    const staff = actors.staff;
    const dev =
      w.people.find((p) => p.team === 'app' && !p.iamUser) ?? w.people.find((p) => p.team === 'app');
    const office = w.net.office[0];
    let td = at('2025-11-18T19:06:00Z'); // 14:06 EST
    const chatProfileId = rng.lowerAlnum(12);
    const chatProfile = `arn:aws:bedrock:${home}:${acct}:application-inference-profile/${chatProfileId}`;
    sim.planChange({
      ticket: 'CHG-4471',
      window: { start: isoSec(at('2025-11-18T18:45:00Z')), end: isoSec(at('2025-11-18T21:00:00Z')) },
      owner: dev.email,
      summary:
        'Support chat: move the web chat from Claude 3 Haiku (in-Region) to Claude 3.5 Haiku through the US cross-Region inference profile, called from us-east-2 via a new application inference profile "millrace-chatbot-web" (cost-center tag). Requests may be served in us-east-1/us-west-2; invocation logging stays in us-east-2 (source Region). Deployed by the pipeline.',
    });
    const ds = staff.session(dev, td, office, true);
    const dsdk = ds.with({ userAgent: dev.sdk });
    sim.tag({ decoy: true }, () => {
      sim.call(rng, td, ds, C.getCallerIdentity());
      sim.call(
        rng,
        (td += rng.int(10, 40) * 1000),
        ds,
        C.bedrock('ListInferenceProfiles', { typeEquals: 'SYSTEM_DEFINED', maxResults: 100 }),
      );
      sim.call(
        rng,
        (td += rng.int(10, 40) * 1000),
        ds,
        C.bedrock('GetInferenceProfile', { inferenceProfileIdentifier: `us.${HAIKU35}` }),
      );
      sim.call(
        rng,
        (td += rng.int(5, 20) * 1000),
        ds,
        C.bedrock('GetFoundationModelAvailability', { modelId: HAIKU35 }),
      );
      td += rng.int(60, 200) * 1000;
      sim.call(
        rng,
        td,
        ds,
        createInferenceProfile(rng, {
          acct,
          region: home,
          name: 'millrace-chatbot-web',
          description: 'Web chat (CHG-4471)',
          copyFrom: sysProfileArn(home, acct, HAIKU35),
          tags: [
            { key: 'cost-center', value: 'digital-support' },
            { key: 'app', value: 'chatbot-web' },
          ],
          id: chatProfileId,
        }),
      );
      sim.call(
        rng,
        (td += rng.int(5, 20) * 1000),
        ds,
        C.bedrock('GetInferenceProfile', { inferenceProfileIdentifier: chatProfile }),
      );
      for (let i = 0; i < rng.int(4, 7); i++) {
        td += rng.int(15, 70) * 1000;
        const task = Prompts.devTask(rng, w);
        sim.runtime(rng, td, dsdk, {
          op: 'Converse',
          modelId: chatProfile,
          inferenceRegion: rng.pick(US_REGIONS),
          prompt: task.user,
          answer: task.answer,
          maxTokens: 800,
          temperature: 0.2,
        });
      }
    });
    const dep = actors.cicd.deploy(at('2025-11-18T19:41:00Z'), {
      rng,
      repo: `${w.company.github}/support-chat`,
      changes: ['params', 'lambda'],
      tags: { decoy: true },
    });
    const switchAt = dep.end + 2 * MIN;
    let switched = false;
    sim.intercept('chatbot', (e) => {
      if (!switched && e.t >= switchAt) {
        w.models.converse = chatProfile;
        w.models.converseRegions = US_REGIONS;
        switched = true;
      }
      return null;
    });

    // ---- decoy: a data scientist tries Claude 3.7 Sonnet in the us-west-2 playground ---------
    const ds2 = w.people.find((p) => p.team === 'ml' && p !== dev);
    let tm = at('2025-11-18T16:32:00Z'); // 11:32 EST
    const cs = staff.session(ds2, tm, w.net.office[1], false).with({ region: 'us-west-2' });
    sim.tag({ decoy: true }, () => {
      sim.call(rng, tm, cs, C.bedrock('ListFoundationModels', { byOutputModality: 'TEXT' }));
      sim.call(
        rng,
        (tm += rng.int(10, 50) * 1000),
        cs,
        C.bedrock('GetFoundationModelAvailability', { modelId: SONNET37 }),
      );
      sim.call(
        rng,
        (tm += rng.int(5, 30) * 1000),
        cs,
        C.bedrock('ListInferenceProfiles', { typeEquals: 'SYSTEM_DEFINED' }),
      );
      for (let i = 0; i < rng.int(5, 8); i++) {
        tm += rng.int(30, 200) * 1000;
        const task = Prompts.devTask(rng, w);
        sim.runtime(rng, tm, cs, {
          op: 'Converse',
          modelId: `us.${SONNET37}`,
          region: 'us-west-2',
          inferenceRegion: rng.pick(US_REGIONS),
          prompt: task.user,
          answer: task.answer,
          maxTokens: 2048,
          temperature: 0.7,
        });
      }
    });
  },
});
