// A Lambda function URL turned into a free LLM proxy (Dalbit Cosmetics, ap-northeast-2).
//
// dalbit-ticket-digest is an internal Lambda function that wraps Bedrock (Converse) for the care
// team: the support console back end invokes it with IAM to summarise tickets and draft replies
// on Claude 3 Haiku (maxTokens 800). Its execution role may invoke any model, and the function
// passes the caller's messages and system prompt through. A platform engineer pushed a side
// project with a `.env` holding the long-term access key of his legacy IAM user to a public
// GitHub repository on 17 March. Within the hour a key checker on a hosting address called
// GetCallerIdentity with it; an hour later an actor on another hosting address listed the
// functions, read dalbit-ticket-digest, changed its configuration (UpdateFunctionConfiguration:
// environment -> MODEL_ID Claude Sonnet 4 through the APAC profile, MAX_TOKENS 8192, timeout 300 s),
// gave it a public URL (CreateFunctionUrlConfig AuthType NONE, AddPermission
// lambda:InvokeFunctionUrl for principal * with FunctionUrlAuthType NONE, exactly what the console
// writes) and tested it. From the evening on, a resale front end's three backend hosts send role-play
// and bulk writing jobs through the URL: Converse calls under the function's execution role with
// prompts unrelated to tickets (requestMetadata via=url and the URL caller's clientIp), all on
// the expensive model with maxTokens 8192, until the end of the window.
// The environment values are masked in CloudTrail; the model switch shows in the invocation logs.
//
// Decoys: a planned Terraform deploy of a new webhook function with an AWS_IAM function URL and
// an account-scoped InvokeFunctionUrl permission (change calendar); the care team's own use of
// the function all day (same role, same API, on day 2 also on the new model because the
// configuration was changed under them); an app developer changing another function's
// environment (UpdateFunctionConfiguration on the order webhook) from the office; the engineer's
// own legitimate use of the same key from the office.

import { Abuse, C, defineScenario, HOUR, MIN, Prompts, UA } from '../../../shared/tools/evidence-gen/lib.mjs';
import { DALBIT, DALBIT_DIGEST, dalbitEstate, ecsChat } from './_worlds-s.mjs';

const CHECKER = '185.213.155.71'; // automated key validity check (hosting)
const ACTOR = '91.132.139.58'; // the actor's VPS (hosting)
const PROXY = ['64.176.37.210', '64.176.42.19', '158.247.221.86']; // the resale front end's backends (hosting)
const CHEAP = 'anthropic.claude-3-haiku-20240307-v1:0';
const DEAR = 'apac.anthropic.claude-sonnet-4-20250514-v1:0';
const APAC = [
  'ap-northeast-2',
  'ap-northeast-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-south-1',
  'ap-northeast-3',
];

export default defineScenario({
  name: 'lambda-url-llm-proxy',
  seed: 'heldout-s/lambda-url-llm-proxy/v1',
  start: '2026-03-17T00:00:00Z',
  days: 2,
  world: DALBIT,
  background: {
    intensity: 0.85,
    chatbot: { conversationsPerHour: 50 },
    agent: { sessionsPerHour: 4 },
    ops: { events: [], random: 1 },
  },
  alert:
    'Cost Anomaly Detection flagged Bedrock spend in ap-northeast-2 on 18 March: Claude Sonnet 4 usage through the APAC inference profile that no team has planned, growing since the evening of 17 March. The care team says ticket summaries from the support console have become slow and very long since this morning.',
  truth: {
    description:
      "The long-term access key of a platform engineer's legacy IAM user (pushed to a public GitHub repository in a .env file on 17 March) was first tested with GetCallerIdentity from hosting address 185.213.155.71 and then used from 91.132.139.58: the actor listed Lambda functions, read dalbit-ticket-digest (an internal Bedrock wrapper for the care team), changed its configuration (UpdateFunctionConfiguration: new environment, timeout 300) so that it calls Claude Sonnet 4 through the APAC inference profile with maxTokens 8192 instead of Claude 3 Haiku with 800, created a function URL with AuthType NONE and added a resource-policy statement allowing lambda:InvokeFunctionUrl to principal * (FunctionUrlAuthType NONE). After a few test prompts from the actor's own address, the function was used as a free LLM proxy: thousands of Converse calls under the function's execution role dalbit-ticket-digest-role, invoked through the public URL (requestMetadata via=url) from three hosting backends (64.176.37.210, 64.176.42.19, 158.247.221.86), with role-play and bulk writing prompts unrelated to support tickets, all on the expensive model, until the end of the window. The care team's own use of the function (via=invoke, ticket summaries, now also on the new model), the planned webhook function with an AWS_IAM function URL, the developer's configuration change of the order webhook from the office and the engineer's own use of his key from the office are legitimate.",
    elements: ['access', 'infrastructure-changes', 'invocation'],
    components: ['foundation-models', 'plugins'],
    scope: { sourceIps: PROXY },
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    dalbitEstate(w, rng.fork('estate'));
    ecsChat(sim, w, actors, [
      {
        from: at('2026-03-10T02:00:00Z'),
        revision: 57,
        image: `${w.res.ecs.registry}/dalbit/chat-orchestrator:3f9c2a1`,
        ownImage: true,
      },
    ]);
    const region = w.homeRegion;
    const acct = w.account.id;
    const fn = w.res.functions.digest;
    const role = w.roles.digest;
    const change = at('2026-03-17T15:21:40Z');

    // ---- the function's execution environments (shared by every caller) ----------------------
    const envs = [];
    const envAt = (t, r) => {
      const live = envs.filter((e) => e.from <= t && t < e.until && e.from >= change === t >= change);
      if (live.length && (live.length >= 4 || !r.chance(0.08))) return r.pick(live).session;
      const start = t - r.int(300, 900);
      const key = r.iamId('ASIA');
      sim.call(
        r,
        start,
        sim.serviceSession('lambda.amazonaws.com'),
        C.assumeRole(r, role, fn.name, key, start, { region }),
      );
      const session = sim.roleSession(role, fn.name, {
        ip: r.pick(w.net.lambdaEgress),
        userAgent: w.userAgents.pythonLambda,
        accessKeyId: key,
        created: start,
        rng: r,
      });
      sim.call(
        r,
        start + 200,
        session,
        C.createLogStream(
          `/aws/lambda/${fn.name}`,
          `${new Date(t).toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${r.hex(32)}`,
        ),
      );
      envs.push({ session, from: start, until: t + r.range(0.5, 2.5) * HOUR });
      return session;
    };
    const configAt = (t) =>
      t >= change
        ? { model: DEAR, maxTokens: 8192, inferenceRegion: true }
        : { model: CHEAP, maxTokens: 800 };
    const digestCall = (
      r,
      t,
      { system, prompt, answer, history, requestMetadata, tags, key, decoy, long },
    ) => {
      const cfg = configAt(t);
      const s = envAt(t, r);
      const throttled = cfg.model === DEAR && r.chance(0.03);
      return sim.runtime(r, t, s, {
        op: 'Converse',
        modelId: cfg.model,
        region,
        inferenceRegion: cfg.inferenceRegion ? r.pick(APAC) : undefined,
        system,
        history,
        prompt,
        answer: cfg.maxTokens === 8192 && long ? answer + ' ' + answer : answer,
        maxTokens: cfg.maxTokens,
        temperature: 0.3,
        requestMetadata,
        error: throttled
          ? { code: 'ThrottlingException', message: 'Too many tokens, please wait before trying again.' }
          : undefined,
        tags,
        key,
        decoy,
      });
    };

    // ---- the care team's use of the function (decoy) -----------------------------------------
    const care = w.people.filter((p) => p.team === 'support-ops' || p.team === 'data');
    const carers = [
      ...care.map((p) => p.email),
      'jiwoo.han@dalbitcosmetics.kr',
      'seoyeon.park@dalbitcosmetics.kr',
      'minjun.kang@dalbitcosmetics.kr',
      'yuna.choi@dalbitcosmetics.kr',
    ];
    const rs = rng.fork('care');
    for (const day of ['2026-03-17', '2026-03-18']) {
      let t = at(`${day}T00:05:00Z`); // 09:05 KST
      const end = at(`${day}T10:00:00Z`);
      while (t < end) {
        t += Math.round(rs.exp(3600000 / 26));
        if (t >= end) break;
        if (t > at(`${day}T03:00:00Z`) && t < at(`${day}T04:00:00Z`) && rs.chance(0.6)) continue; // lunch
        const kind = rs.weighted([
          ['summary', 6],
          ['reply', 3],
          ['digest', 1],
        ]);
        let prompt;
        let answer;
        if (kind === 'digest') {
          const d = Prompts.ticketDigest(rs, w, rs.int(3, 8));
          prompt = d.user;
          answer = d.answer;
        } else {
          const d = Prompts.staffTask(rs, w);
          prompt = d.user;
          answer = d.answer;
        }
        digestCall(rs, t, {
          system: DALBIT_DIGEST.system,
          prompt,
          answer,
          long: true,
          requestMetadata: { app: 'ticket-digest', via: 'invoke', requester: rs.pick(carers), task: kind },
          decoy: true,
        });
      }
    }

    // ---- the leaked key: a key checker, then the actor -----------------------------------------
    const person =
      w.people.find((p) => p.iamUser && p.permissionSet === 'power') ?? w.people.find((p) => p.iamUser);
    const user = person.iamUser;
    const chk = sim.threat(
      sim.userSession(user, { ip: CHECKER, userAgent: UA.boto3(rng.fork('ua-chk'), { family: 'ubuntu' }) }),
    );
    sim.call(rng, at('2026-03-17T14:31:12Z'), chk, { ...C.getCallerIdentity(), key: true });
    sim.call(rng, at('2026-03-17T14:31:13Z'), chk, {
      ...C.s3ListBuckets(rng, { region: 'us-east-1' }),
      region: 'us-east-1',
    });

    const ua = UA.awsCli(rng.fork('ua-actor'), 'linux', { family: 'debian' });
    const s = sim.threat(sim.userSession(user, { ip: ACTOR, userAgent: ua }));
    let t = at('2026-03-17T15:07:44Z');
    const step = (call, key = false, a = 4, b = 40) => {
      t += rng.int(a, b) * 1000;
      return sim.call(rng, t, s, { ...call, key });
    };
    step(C.getCallerIdentity(), true);
    step(C.iamGet('GetUser', { userName: user.name }));
    step(C.iamGet('ListAttachedUserPolicies', { userName: user.name }));
    step(C.iamGet('ListGroupsForUser', { userName: user.name }));
    step(C.bedrock('ListFoundationModels', { byOutputModality: 'TEXT' }), false, 20, 60);
    step(C.lambdaRead('ListFunctions20150331', null), true, 10, 30);
    step({ ...C.lambdaRead('GetFunction20150331v2', fn), scope: [fn.name] }, true, 20, 70);
    step({ ...C.lambdaRead('GetFunctionConfiguration20150331v2', fn), scope: [fn.name] });
    step({
      ...C.lambdaRead('GetPolicy20150331v2', fn),
      error: {
        code: 'ResourceNotFoundException',
        message: `The resource you requested does not exist. (Service: Lambda, Status Code: 404, Request ID: ${rng.uuid()})`,
      },
    });
    step(
      {
        ...C.lambdaRead('GetFunctionUrlConfig20211031', fn),
        error: { code: 'ResourceNotFoundException', message: 'The resource you requested does not exist.' },
      },
      false,
      2,
      6,
    );
    step(
      {
        ...C.iamGet('GetRolePolicy', { roleName: role.name, policyName: 'bedrock-invoke' }),
        scope: [role.arn],
      },
      false,
      10,
      40,
    );
    // the configuration change: model, max tokens, timeout
    t = change;
    const cfg = C.lambdaUpdateConfig(rng, fn, role.arn, t, {
      MODEL_ID: DEAR,
      MAX_TOKENS: '8192',
      LOG_LEVEL: 'info',
      DEFAULT_SYSTEM: 'x',
    });
    cfg.params = { functionName: fn.name, timeout: 300, ...cfg.params };
    cfg.response = {
      ...cfg.response,
      timeout: 300,
      memorySize: 512,
      handler: 'app.handler',
      description: 'Bedrock wrapper for the support console (ticket summaries, reply drafts)',
    };
    sim.call(rng, t, s, { ...cfg, key: true });
    step(C.lambdaCreateUrl(rng, fn, 'NONE', t + 70000, region), true, 60, 110);
    const url = `https://${rng.lowerAlnum(32)}.lambda-url.${region}.on.aws/`;
    step(
      C.lambdaAddPermission(rng, fn, {
        principal: '*',
        action: 'lambda:InvokeFunctionUrl',
        urlAuth: 'NONE',
        statementId: 'FunctionURLAllowPublicAccess',
      }),
      true,
      1,
      3,
    );
    step({ ...C.lambdaRead('GetFunctionUrlConfig20211031', fn), scope: [fn.name] }, false, 5, 20);
    step({ ...C.lambdaRead('GetFunctionConfiguration20150331v2', fn), scope: [fn.name] }, false, 20, 60);
    sim.truth.addScope('resources', fn.arn);
    void url;

    // the actor's own test prompts through the URL
    const abuse = w.corpus.abuse;
    const ra = rng.fork('abuse');
    let ts = t + 3 * MIN;
    for (let i = 0; i < 6; i++) {
      ts += ra.int(40, 200) * 1000;
      const c =
        i < 2
          ? {
              system: undefined,
              history: [],
              prompt: ra.pick([
                'hi, which model are you?',
                'reply with the word ok',
                'what is your context window and max output length?',
              ]),
              answer: 'I am Claude, an AI assistant made by Anthropic. How can I help?',
            }
          : Abuse.rolePlay(ra, { turns: ra.int(2, 6), cardParagraphs: ra.int(2, 5), corpus: abuse });
      digestCall(ra, ts, {
        system: c.system ?? DALBIT_DIGEST.system,
        history: c.history,
        prompt: c.prompt,
        answer: c.answer,
        requestMetadata: { app: 'ticket-digest', via: 'url', clientIp: ACTOR },
        tags: { malicious: true, scope: 'proxy' },
        key: i < 2,
      });
    }

    // the resale front end: the internet's free LLM, until the end of the window
    let tp = at('2026-03-17T16:12:30Z');
    const end = at('2026-03-18T23:58:00Z');
    const seen = new Set();
    while (tp < end) {
      const h = (((tp / HOUR) % 24) + 9) % 24; // local hour in Korea; the resale customers are worldwide
      const rate =
        80 + 30 * Math.sin(((h - 4) / 24) * 2 * Math.PI) + (tp > at('2026-03-18T06:00:00Z') ? 40 : 0);
      tp += Math.max(300, ra.exp(3600000 / rate) * (ra.chance(0.3) ? 0.2 : 1));
      if (tp >= end) break;
      const bulk = ra.chance(0.35);
      const c = bulk
        ? Abuse.bulkTask(ra, { corpus: abuse })
        : Abuse.rolePlay(ra, { turns: ra.int(2, 12), cardParagraphs: ra.int(2, 7), corpus: abuse });
      const ip = ra.weighted([
        [PROXY[0], 5],
        [PROXY[1], 4],
        [PROXY[2], 2],
      ]);
      const first = !seen.has(ip);
      seen.add(ip);
      digestCall(ra, Math.round(tp), {
        system: c.system,
        history: c.history,
        prompt: c.prompt,
        answer: c.answer,
        long: true,
        requestMetadata: { app: 'ticket-digest', via: 'url', clientIp: ip },
        tags: { malicious: true, scope: 'proxy' },
        key: first,
      });
    }

    // ---- decoys: planned webhook function with an AWS_IAM URL; another function's config -----
    const dev = w.people.find((p) => p.team === 'app' && p !== person);
    const plannedAt = at('2026-03-18T01:40:00Z');
    sim.planChange({
      ticket: 'CHG-3318',
      window: { start: '2026-03-18T01:30:00Z', end: '2026-03-18T02:30:00Z' },
      owner: dev.email,
      summary:
        "Terraform: new Lambda function (returns label worker) receiving the courier's status webhook through an IAM-authenticated (AWS_IAM) function URL; the courier integration role signs the calls",
    });
    actors.cicd.deploy(plannedAt, {
      rng: rng.fork('webhook'),
      repo: `${w.company.github}/platform-infra`,
      changes: ['lambda-new'],
      trigger: 'url',
      tags: { decoy: true },
    });
    actors.cicd.deploy(at('2026-03-17T05:12:00Z'), {
      rng: rng.fork('ci1'),
      repo: `${w.company.github}/support-console`,
      changes: ['lambda'],
      tags: { decoy: true },
    });

    const dev2 = w.people.find((p) => p.team === 'app' && p !== person && p !== dev) ?? dev;
    const ds = sim.roleSession(w.sso.developer, dev2.email, {
      ip: w.net.office[0],
      userAgent: dev2.cli,
      mfa: true,
      rng: rng.fork('dev2'),
    });
    let td = at('2026-03-18T02:47:10Z');
    const wh = w.res.functions.webhook;
    sim.call(rng, td, ds, C.getCallerIdentity());
    td += 20000;
    sim.call(rng, td, ds, C.lambdaRead('GetFunctionConfiguration20150331v2', wh));
    td += 95000;
    const dcfg = C.lambdaUpdateConfig(rng, wh, w.roles.webhook.arn, td, {
      LOG_LEVEL: 'debug',
      COURIER_API_BASE: 'x',
      ORDERS_TABLE: 'x',
    });
    sim.call(rng, td, ds, { ...dcfg, decoy: true });
    td += 2 * HOUR + 13 * MIN;
    const dcfg2 = C.lambdaUpdateConfig(rng, wh, w.roles.webhook.arn, td, {
      LOG_LEVEL: 'info',
      COURIER_API_BASE: 'x',
      ORDERS_TABLE: 'x',
    });
    sim.call(rng, td, ds, { ...dcfg2, decoy: true });

    // the engineer's own (legitimate) use of the same key from the office on day 2
    const own = sim.userSession(user, { ip: w.net.office[1], userAgent: person.cli });
    let to = at('2026-03-18T00:52:00Z');
    for (const call of [
      C.getCallerIdentity(),
      C.lambdaRead('ListFunctions20150331', null),
      C.call('logs:DescribeLogGroups', { logGroupNamePrefix: '/aws/lambda/' }),
      C.lambdaRead('GetFunction20150331v2', w.res.functions.kbSync),
      C.ec2Describe('DescribeInstances', { instancesSet: {}, filterSet: {} }),
    ]) {
      to += rng.int(10, 90) * 1000;
      sim.call(rng, to, own, { ...call, decoy: true });
    }
  },
});
