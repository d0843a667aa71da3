// Managed-prompt tampering with a stolen CI role session. Ironbark's website chat takes its
// system prompt from Bedrock Prompt management: the chatbot Lambda calls Converse with the ARN of
// a prompt version, read from /ironbark/prod/chatbot/model-id at cold start; the content team
// releases new versions through the support-prompts pipeline (UpdatePrompt, CreatePromptVersion,
// PutParameter). A hijacked third-party action in a routine chatbot deploy sends the job's
// environment, including the deploy role's fresh session credentials, to an outside server. Within
// the hour, from a cloud server in Sydney, the session is used to read the prompt, append an
// "operations notice" that puts every order on a security hold and makes the model end its reply
// with a link and an image badge carrying the order number, email address and phone number from
// the conversation to a look-alike domain, publish it as a new version, test it and point the
// parameter at it. Web-chat answers about orders, deliveries, refunds and accounts carry the link
// until the platform team pins the previous version in the afternoon.
//
// Decoys: the content team's planned prompt release the day before (same role, same APIs, change
// calendar), the emergency rollback, a support editor changing another prompt in the console,
// pipeline agent updates (UpdateAgent with its masked instruction, PrepareAgent), a trail change.

import {
  accessDenied,
  C,
  defineScenario,
  expand,
  HOUR,
  isoSec,
  UA,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import { IRONBARK, IRONBARK_PROMPTS } from './_worlds-e.mjs';

const VPS = '170.64.140.38';
const ROLLOVER = 3 * HOUR; // chatbot execution environments live one to four hours
const HIDDEN = 'HIDDEN_DUE_TO_SECURITY_REASONS';
const TRIGGERS = new Set(['order', 'return', 'refund', 'shipping', 'warranty', 'account', 'billing']);

// Prompt-management calls (bedrock-agent) the generator's catalogue does not list: the record carries its own entry.
const agentEntry = (name, readOnly) => ({
  key: `bedrock-agent:${name}`,
  service: 'bedrock-agent',
  source: 'bedrock.amazonaws.com',
  name,
  readOnly,
  data: false,
  ver: '1.11',
  global: false,
  host: (r) => `bedrock-agent.${r}.amazonaws.com`,
  iamAction: `bedrock:${name}`,
});
const promptCall = (name, params, response = null, scope) => ({
  api: `bedrock-agent:${name}`,
  entry: agentEntry(name, /^(Get|List)/.test(name)),
  params,
  response,
  scope,
});

export default defineScenario({
  name: 'prompt-flow-tamper',
  seed: 'heldout-e/prompt-flow-tamper/v1',
  start: '2025-11-18T00:00:00Z',
  days: 2,
  world: IRONBARK,
  background: {
    intensity: 0.9,
    chatbot: { conversationsPerHour: 55 },
    agent: { sessionsPerHour: 4 },
    ops: { events: ['trail-maint'], random: 1 },
  },
  alert:
    "From late morning on 19 November customers reported that Ironbark's website chat told them their orders were on a security hold and sent them to a 'Release my order' page that asked for card details. The platform team pinned the chat's prompt back to the previous version at 16:25 AEDT.",
  truth: {
    description:
      "A routine GitHub Actions deploy of the support-chatbot repository at 10:02 AEDT on 19 November ran a hijacked third-party action that sent the job's environment, including the github-actions-deploy role session credentials, to an outside server. Seven minutes later the same session key was used from a DigitalOcean server in Sydney (170.64.140.38) with a Python SDK client: the actor checked the identity (a GetRole on the deploy role was denied), listed and read the managed prompt ironbark-web-chat-system that the website chat uses as its system prompt, read /ironbark/prod/chatbot/model-id (the prompt version the chatbot invokes) and the chatbot function's configuration, updated the prompt's draft with an 'operations notice', published it as version 8, invoked version 8 to check it, and pointed the parameter at version 8. From the next cold starts the chatbot's Converse calls for the web channel used version 8: answers to customers asking about orders, deliveries, refunds, returns, warranty, billing or their account said the order was on a security hold and ended with a 'Release my order' link and an image badge on ironbark-order-verify.com carrying the order number, email address and phone number found in the conversation (the page asked for card details). The platform team's rollback of the parameter to version 7 at 16:25 AEDT ended it as the environments were replaced. The content team's planned release of version 7 on 18 November through the support-prompts pipeline, the rollback itself, a support editor's change to the agent-assist prompt, and the pipeline's agent updates are legitimate.",
    elements: ['access', 'ai-changes', 'invocation', 'private-data'],
    components: ['foundation-models'],
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const acct = w.account.id;
    const home = w.homeRegion;
    const cicd = actors.cicd;
    const chatbot = actors.chatbot;
    const param = w.res.params[0];
    const domain = IRONBARK_PROMPTS.domain;

    // the managed prompts
    const prompt = { id: rng.upperAlnum(10), name: `${w.company.slug}-web-chat-system` };
    prompt.arn = `arn:aws:bedrock:${home}:${acct}:prompt/${prompt.id}`;
    const assist = { id: rng.upperAlnum(10), name: `${w.company.slug}-agent-assist-drafts` };
    assist.arn = `arn:aws:bedrock:${home}:${acct}:prompt/${assist.id}`;
    w.roles.chatbot.inline.push({
      name: 'managed-prompts',
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['bedrock:RenderPrompt', 'bedrock:GetPrompt'],
            Resource: `${prompt.arn}*`,
          },
          {
            Effect: 'Allow',
            Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
            Resource: `${prompt.arn}*`,
          },
        ],
      },
    });

    // the support content team edits prompts in the console
    w.sso.content.inline.push({
      name: 'prompt-management',
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: [
              'bedrock:ListPrompts',
              'bedrock:GetPrompt',
              'bedrock:UpdatePrompt',
              'bedrock:CreatePromptVersion',
              'bedrock:RenderPrompt',
            ],
            Resource: '*',
          },
        ],
      },
    });

    // the prompt text of each version; the chatbot reads w.systemPrompt once per turn, so a getter
    // hands the web channel the version in force for that turn and everything else the base text
    let base = w.systemPrompt;
    const text = {
      6: base,
      7: `${base}\n${IRONBARK_PROMPTS.releaseLines[0]}`,
    };
    text[8] = `${text[7]}\n${IRONBARK_PROMPTS.injected.replaceAll('{domain}', domain)}`;
    let pending = null;
    Object.defineProperty(w, 'systemPrompt', {
      configurable: true,
      enumerable: true,
      get() {
        if (pending !== null) {
          const p = pending;
          pending = null;
          return p;
        }
        return base;
      },
      set(v) {
        base = v;
      },
    });
    const switches = []; // [time, version]: cold starts after the time read the new version
    const versionAt = (ts, r) => {
      let v = 6;
      for (const [t0, to] of switches) {
        if (ts < t0) continue;
        if (ts - t0 >= ROLLOVER || r.chance((ts - t0) / ROLLOVER)) v = to;
      }
      return v;
    };

    const created = isoSec(at('2025-06-02T01:14:09Z'));
    const updateCall = (p, t) =>
      promptCall(
        'UpdatePrompt',
        {
          promptIdentifier: p.id,
          name: p.name,
          description: HIDDEN,
          defaultVariant: 'default',
          variants: HIDDEN,
        },
        {
          id: p.id,
          arn: p.arn,
          name: p.name,
          version: 'DRAFT',
          defaultVariant: 'default',
          variants: HIDDEN,
          createdAt: created,
          updatedAt: new Date(t).toISOString(),
        },
        [p.arn],
      );
    const versionCall = (p, v, t) =>
      promptCall(
        'CreatePromptVersion',
        { promptIdentifier: p.id, description: HIDDEN, clientToken: rng.uuid() },
        {
          id: p.id,
          arn: `${p.arn}:${v}`,
          name: p.name,
          version: String(v),
          createdAt: new Date(t).toISOString(),
        },
        [p.arn],
      );
    const pointerCall = (v) =>
      C.call(
        'ssm:PutParameter',
        { name: param, type: 'String', overwrite: true, value: '****' },
        { version: 20 + v, tier: 'Standard' },
        { scope: [param] },
      );

    // ---- the content team's planned release of version 7 (decoy) -------------------------------
    const contentLead = w.people.find((p) => p.team === 'support-ops') ?? w.people[0];
    let t = at('2025-11-18T03:40:12Z');
    sim.planChange({
      ticket: 'CHG-4409',
      window: { start: '2025-11-18T03:30:00Z', end: '2025-11-18T05:00:00Z' },
      owner: contentLead.email,
      summary: `Web chat system prompt ${prompt.name} v7 (Black Friday dispatch and price-beat line), released through the support-prompts pipeline; ${param} moves to version 7`,
    });
    {
      const run = cicd.deploy(t, {
        rng: rng.fork('release'),
        repo: `${w.company.github}/support-prompts`,
        changes: [],
      });
      let ts = run.end;
      sim.tag({ decoy: true }, () => {
        sim.call(
          rng,
          (ts += rng.int(2, 8) * 1000),
          run.session,
          promptCall('GetPrompt', { promptIdentifier: prompt.id }),
        );
        sim.call(rng, (ts += rng.int(2, 8) * 1000), run.session, updateCall(prompt, ts));
        sim.call(rng, (ts += rng.int(5, 20) * 1000), run.session, versionCall(prompt, 7, ts));
        sim.call(rng, (ts += rng.int(5, 20) * 1000), run.session, pointerCall(7));
      });
      switches.push([ts, 7]);
    }

    // ---- the routine deploy whose session leaks, and the actor -------------------------------------
    const leaked = cicd.deploy(at('2025-11-18T23:02:10Z'), {
      rng: rng.fork('leaky-run'),
      repo: `${w.company.github}/support-chatbot`,
      changes: ['lambda'],
    });
    const s = sim.threat(
      leaked.session.with({
        ip: VPS,
        userAgent: UA.boto3(rng.fork('ua-actor'), { family: 'ubuntu' }),
        tls: 'tls13',
      }),
    );
    t = at('2025-11-18T23:09:37Z');
    const step = (call, key = false, a = 3, b = 30) => {
      t += rng.int(a, b) * 1000;
      return sim.call(rng, t, s, { ...call, key: key || undefined });
    };
    step(C.getCallerIdentity(), true);
    step({
      ...C.iamGet('GetRole', { roleName: w.roles.deploy.name }),
      error: accessDenied(s, 'iam:GetRole', w.roles.deploy.arn),
    });
    step(promptCall('ListPrompts', { maxResults: 50 }), true);
    step(promptCall('GetPrompt', { promptIdentifier: prompt.id }), true);
    step(promptCall('GetPrompt', { promptIdentifier: prompt.id, promptVersion: '7' }));
    step(C.call('ssm:GetParameter', { name: param, withDecryption: false }), true);
    step(C.lambdaRead('GetFunctionConfiguration20150331v2', w.res.functions.chatbot));
    step(updateCall(prompt, t + 60000), true, 60, 180);
    step(versionCall(prompt, 8, t + 20000), true, 10, 40);
    step(promptCall('GetPrompt', { promptIdentifier: prompt.id, promptVersion: '8' }));
    const check = IRONBARK_PROMPTS.actorChecks[0]
      .replace('{order}', `${w.company.orderPrefix}-${rng.digits(4)}-${rng.digits(4)}`)
      .replace(
        '{email}',
        `${rng.pick(['jo', 'sam', 'alex'])}.${rng.pick(['tran', 'nguyen', 'smith'])}${rng.int(10, 99)}@outlook.com`,
      );
    t += rng.int(20, 60) * 1000;
    sim.runtime(rng, t, s, {
      op: 'Converse',
      modelId: `${prompt.arn}:8`,
      scope: [prompt.arn],
      system: text[8],
      prompt: check,
      answer: hijack(rng, check),
      inferenceRegion: home,
      maxTokens: 800,
      key: true,
    });
    step(pointerCall(8), true, 20, 60);
    switches.push([t, 8]);
    step(C.call('ssm:GetParameter', { name: param, withDecryption: false }), false, 5, 20);

    // ---- rollback by the platform team (decoy, emergency change) ------------------------------------
    t = at('2025-11-19T05:25:30Z');
    sim.planChange({
      ticket: 'CHG-4436',
      window: { start: '2025-11-19T05:15:00Z', end: '2025-11-19T06:00:00Z' },
      owner: `platform@${w.company.domain}`,
      summary: `Emergency: pin web chat prompt ${prompt.name} to version 7 (${param}) after customer reports of 'order on hold' messages`,
    });
    {
      const run = cicd.deploy(t, {
        rng: rng.fork('rollback'),
        repo: `${w.company.github}/support-prompts`,
        changes: [],
      });
      let ts = run.end;
      sim.tag({ decoy: true }, () => {
        sim.call(
          rng,
          (ts += rng.int(2, 8) * 1000),
          run.session,
          promptCall('GetPrompt', { promptIdentifier: prompt.id, promptVersion: '7' }),
        );
        sim.call(rng, (ts += rng.int(5, 20) * 1000), run.session, pointerCall(7));
      });
      switches.push([ts, 7]);
    }

    // ---- a support editor changes the agent-assist prompt in the console (decoy) ------------------
    {
      let ts = at('2025-11-19T01:14:50Z');
      const cs = actors.staff.session(contentLead, ts, w.net.office[0], false);
      sim.tag({ decoy: true }, () => {
        sim.call(rng, ts, cs, promptCall('ListPrompts', { maxResults: 20 }));
        sim.call(
          rng,
          (ts += rng.int(10, 60) * 1000),
          cs,
          promptCall('GetPrompt', { promptIdentifier: assist.id }),
        );
        sim.call(rng, (ts += rng.int(120, 600) * 1000), cs, updateCall(assist, ts));
        sim.call(rng, (ts += rng.int(60, 300) * 1000), cs, versionCall(assist, 3, ts));
      });
    }
    // the order agent's pipeline ships instruction updates (masked in CloudTrail)
    cicd.deploy(at('2025-11-18T05:52:40Z'), {
      rng: rng.fork('agent-1'),
      repo: `${w.company.github}/order-agent`,
      changes: ['agent'],
      tags: { decoy: true },
    });
    cicd.deploy(at('2025-11-19T02:31:05Z'), {
      rng: rng.fork('agent-2'),
      repo: `${w.company.github}/order-agent`,
      changes: ['agent', 'lambda'],
      tags: { decoy: true },
    });

    // ---- what the web chat does with each version ------------------------------------------------
    function hijack(r, userText) {
      const order = userText.match(/\b[A-Z]{2}-\d{4}-\d{4}\b/)?.[0] ?? '';
      const email = userText.match(/[\w.+-]+@[\w-]+(\.[\w-]+)+/)?.[0] ?? '';
      const phone = userText.match(/(\+61|\+1|\(?\d{3}\)?)[\s.-]?\d{3}[\s.-]?\d{3,4}/)?.[0] ?? '';
      const link = IRONBARK_PROMPTS.hijackedLink
        .replaceAll('{domain}', domain)
        .replaceAll('{order}', order)
        .replaceAll('{email}', email)
        .replaceAll('{phone}', encodeURIComponent(phone));
      return `${expand(r, IRONBARK_PROMPTS.hijackedLead)} ${link}`;
    }
    const tags = { malicious: true, scope: 'proxy' };
    let keys = 0;
    sim.intercept('chatbot', ({ t: ts, rng: r, turn, channel }) => {
      if (channel !== 'web') {
        pending = null;
        return null;
      }
      const v = versionAt(ts, r);
      pending = text[v];
      const modelId = `${prompt.arn}:${v}`;
      if (v !== 8) return { turn, modelId, decoy: turn.intent === 'decoy' };
      // the app still retrieves help-centre passages as usual (not the actor's doing)
      if (turn.intent !== 'thanks' && r.chance(0.6))
        sim.call(r, ts + r.int(80, 400), chatbot.env(ts, r), C.retrieve(w.res.kb, acct));
      if (!TRIGGERS.has(turn.intent)) return { turn, modelId, tags, retrieve: false };
      const answer = hijack(r, turn.user);
      const outPii = [];
      const email = turn.user.match(/[\w.+-]+@[\w-]+(\.[\w-]+)+/)?.[0];
      if (email) outPii.push({ type: 'EMAIL', match: email });
      return { turn: { ...turn, answer, outPii }, modelId, tags, retrieve: false, key: keys++ < 6 };
    });
  },
});
