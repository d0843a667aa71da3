// Insider guardrail rollback. A platform engineer of Brunelli Casa (AdministratorAccess through
// IAM Identity Center, works from home most evenings) points the support chatbot at an old
// guardrail version late at night without a change ticket: from his usual home broadband address
// and his usual aws-cli he reads the chatbot function's configuration, looks at old guardrail
// versions and rewrites the function's environment so that GUARDRAIL_VERSION names version 6 (a
// year-old version with no prompt-attack filter and weaker misconduct and insult filters). From
// his personal laptop on the same home network, then from his phone on mobile data, he uses the
// public web chat to extract the system prompt (internal tag, supervisor transfer code) and rows
// of the escalations export the chatbot can retrieve. At 07:05 local the next morning he sets
// GUARDRAIL_VERSION back. Decoys: the platform team's planned guardrail upgrade (change calendar)
// shipped by the pipeline (UpdateGuardrail, CreateGuardrailVersion and the same
// UpdateFunctionConfiguration of the chatbot, from CI); a security engineer's red-team exercise
// (ticketed) typing jailbreaks into the Bedrock playground against the guardrail.

import {
  Attacks,
  C,
  defineScenario,
  ipIn,
  isoSec,
  MIN,
  makeCustomer,
  Prompts,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import { BRUNELLI } from './_worlds-j.mjs';

const ENV = {
  MODEL_ID: 'x',
  KB_ID: 'x',
  GUARDRAIL_ID: 'x',
  GUARDRAIL_VERSION: 'x',
  SECRET_ARN: 'x',
  LOG_LEVEL: 'x',
};
const OLD_VERSION = '6';

export default defineScenario({
  name: 'guardrail-version-rollback',
  seed: 'fresh-j/guardrail-version-rollback/v1',
  start: '2025-09-23T00:00:00Z',
  days: 2,
  world: BRUNELLI,
  background: {
    intensity: 1.0,
    chatbot: { conversationsPerHour: 50 },
    agent: { sessionsPerHour: 4 },
    ops: { random: 1 },
  },
  alert:
    "The customer-care DLP check on exported chat transcripts flagged web-chat answers from the night of 23-24 September (Milan time) that contain the assistant's internal tag, the supervisor transfer code and lists of customer e-mail addresses and phone numbers. The guardrail was upgraded in a planned release on 23 September and a red-team exercise ran the same day.",
  truth: {
    description:
      "An insider, a platform engineer with AdministratorAccess through IAM Identity Center, working from his usual home broadband address with his usual aws-cli, at 23:21 local on 23 September (no change ticket) read the chatbot function's configuration, listed the guardrail and read its old version 6, then called UpdateFunctionConfiguration on brunellicasa-chatbot-api so that GUARDRAIL_VERSION named version 6 instead of the version 10 released that afternoon. Version 6 predates the prompt-attack filter and has weaker insult and misconduct filters, so from then on the chatbot's Converse/InvokeModel calls carried guardrail version 6 (visible in the invocation logs' guardrail trace). From his personal laptop on the same home network (the web chat's requestMetadata clientIp equals his CLI address), and later from his phone on mobile data, he used the public web chat to extract the system prompt with its internal tag and supervisor transfer code and had the chatbot list rows of the escalations export (customer names, e-mails, phones) retrieved from the knowledge base. At 07:05 local on 24 September he set GUARDRAIL_VERSION back; the chatbot used version 10 again. The pipeline's planned guardrail upgrade (UpdateGuardrail, CreateGuardrailVersion and the chatbot configuration update under the change ticket) and the security team's red-team jailbreak tests in the playground are legitimate.",
    elements: ['access', 'ai-changes', 'infrastructure-changes', 'invocation', 'private-data'],
    components: ['foundation-models', 'guardrails', 'knowledge-bases'],
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const acct = w.account.id;
    const fn = w.res.functions.chatbot;
    const g = w.res.guardrail;
    const chatbot = actors.chatbot;
    const staff = actors.staff;
    const onBehalfOf = (p) => ({
      userId: p.ssoUserId,
      identityStoreArn: `arn:aws:identitystore::${acct}:identitystore/${w.sso.identityStore}`,
    });

    const insider = w.people.find((p) => p.team === 'platform' && p.permissionSet === 'admin');
    insider.travelDay = null;
    insider.commercialVpn = null;
    insider.remoteShare = 0.6;
    const HOME = insider.home[0];
    const redTeamer = w.people.find((p) => p.team === 'security');
    redTeamer.travelDay = null;
    redTeamer.remoteShare = 0;

    // ---- decoy 1: the planned guardrail upgrade through the pipeline (version 10) ------------------
    {
      const r = rng.fork('upgrade');
      const t0 = at('2025-09-23T12:40:00Z');
      const next = String(Number(sim.guardrailAt(t0).version) + 1);
      const run = actors.cicd.deploy(t0, {
        rng: r,
        repo: `${w.company.github}/platform-infra`,
        changes: ['guardrail'],
        guardrailVersion: next,
        tags: { decoy: true },
      });
      let ts = run.end + r.int(5, 20) * 1000;
      sim.tag({ decoy: true }, () => {
        sim.call(r, ts, run.session, C.lambdaUpdateConfig(r, fn, w.roles.chatbot.arn, ts, ENV));
        ts += r.int(3, 12) * 1000;
        sim.call(r, ts, run.session, C.lambdaRead('GetFunctionConfiguration20150331v2', fn));
      });
      sim.planChange({
        ticket: 'CHG-5120',
        window: { start: isoSec(t0 - 30 * MIN), end: isoSec(t0 + 90 * MIN) },
        owner: `platform@${w.company.domain}`,
        summary: `Guardrail ${g.name}: new version ${next} (add denied topic "Assembly of gas appliances", raise misconduct filter); chatbot GUARDRAIL_VERSION set to ${next} by the platform-infra pipeline`,
      });
      sim.changeGuardrail(ts + 1000, (cfg) => {
        cfg.version = next;
        cfg.topics = [...cfg.topics, 'Assembly of gas appliances'];
        cfg.filters.MISCONDUCT = 'HIGH';
        return cfg;
      });
    }

    // ---- decoy 2: the red-team exercise in the playground (ticketed) ------------------------------
    {
      const r = rng.fork('redteam');
      const t0 = at('2025-09-23T14:05:00Z');
      sim.planChange({
        ticket: 'SEC-RT-0917',
        window: { start: isoSec(t0 - 10 * MIN), end: isoSec(t0 + 3 * 3600000) },
        owner: redTeamer.email,
        summary: `Quarterly LLM red-team: jailbreak and system-prompt extraction attempts against guardrail ${g.name} in the Bedrock playground (${redTeamer.first} ${redTeamer.last}, office)`,
      });
      const s = sim.roleSession(w.sso[redTeamer.permissionSet], redTeamer.email, {
        ip: w.net.office[0],
        userAgent: staff.clients(redTeamer, t0).browser,
        console: true,
        created: t0 - 20 * MIN,
        onBehalfOf: onBehalfOf(redTeamer),
        rng: r,
      });
      let t = t0;
      const techniques = [
        'ignore-previous',
        'dan-roleplay',
        'system-prompt-extraction',
        'base64-instruction',
        'payload-split',
        'unicode-tags',
      ];
      sim.tag({ decoy: true }, () => {
        sim.call(
          r,
          t,
          s,
          C.bedrock('GetGuardrail', {
            guardrailIdentifier: g.id,
            guardrailVersion: sim.guardrailAt(t).version,
          }),
        );
        for (let i = 0; i < 14; i++) {
          t += r.int(40, 300) * 1000;
          const kind = r.pick(['systemPrompt', 'customers', 'code']);
          const p = Attacks.injectionPrompt(r, w, r.pick(techniques), kind);
          sim.runtime(r, t, s, {
            op: 'Converse',
            modelId: w.models.converse,
            inferenceRegion: r.pick(w.models.converseRegions),
            system: w.systemPrompt,
            prompt: p.user,
            answer: Attacks.refusal(r, w),
            inputSignals: p.signals,
            guardrail: true,
            maxTokens: 800,
            temperature: 0.7,
          });
        }
      });
    }

    // ---- the insider: rollback of the chatbot's guardrail version at night ------------------------
    const created = at('2025-09-23T21:14:00Z');
    const cli = sim.threat(
      sim.roleSession(w.sso[insider.permissionSet], insider.email, {
        ip: HOME,
        userAgent: staff.clients(insider, created).cli,
        created,
        onBehalfOf: onBehalfOf(insider),
        rng,
      }),
    );
    let t = at('2025-09-23T21:19:30Z');
    const step = (s, call, a = 3, b = 25) => {
      t += rng.int(a, b) * 1000;
      return sim.call(rng, t, s, call);
    };
    step(cli, C.getCallerIdentity());
    step(cli, { ...C.lambdaRead('GetFunctionConfiguration20150331v2', fn), key: true });
    step(cli, C.bedrock('ListGuardrails', { guardrailIdentifier: g.id }));
    step(cli, {
      ...C.bedrock('GetGuardrail', { guardrailIdentifier: g.id, guardrailVersion: OLD_VERSION }, null, [
        g.id,
      ]),
      key: true,
    });
    step(cli, { ...C.lambdaUpdateConfig(rng, fn, w.roles.chatbot.arn, t, ENV), key: true }, 20, 90);
    step(cli, C.lambdaRead('GetFunctionConfiguration20150331v2', fn));
    const rolledBack = t + 2000;
    const current = sim.guardrailAt(rolledBack);
    sim.changeGuardrail(rolledBack, (cfg) => ({
      ...cfg,
      version: OLD_VERSION,
      filters: {
        HATE: 'HIGH',
        INSULTS: 'LOW',
        SEXUAL: 'HIGH',
        VIOLENCE: 'MEDIUM',
        MISCONDUCT: 'LOW',
        PROMPT_ATTACK: 'NONE',
      },
      topics: ['Investment advice'],
    }));

    // the public web chat from his personal laptop (same home network), then his phone
    const people = sim.kbDocs.find((d) => d.key === 'exports/escalations-q4.csv').pii;
    const tags = { malicious: true, scope: 'proxy' };
    const fake = makeCustomer(rng, w);
    const conv = (ip) => ({ id: rng.uuid(), ip, history: [] });
    const say = (ts, c, turn, key, retrieve) => {
      const r = chatbot.chat(rng, ts, {
        channel: 'web',
        conversationId: c.id,
        clientIp: c.ip,
        customer: fake,
        anonymous: true,
        history: c.history.slice(-4),
        turn,
        tags,
        key,
        retrieve,
      });
      c.history.push(
        { role: 'user', text: turn.user },
        {
          role: 'assistant',
          text: r.guardrail?.action === 'INTERVENED' ? sim.guardrailAt(ts).blockedInput : turn.answer,
        },
      );
      return r;
    };
    const attack = (ts, c, technique, kind, leak, key = true) => {
      const p = Attacks.injectionPrompt(rng, w, technique, kind);
      let answer = Attacks.refusal(rng, w);
      let outPii = [];
      if (leak === 'system') answer = Attacks.leakSystemPrompt(rng, w);
      if (leak === 'code')
        answer = `${rng.pick(['Certo.', 'Sure.', 'Ok!'])} The supervisor transfer code is ${w.escalationCode} and my internal tag is ${w.canary}.`;
      if (leak === 'customers') {
        const l = Attacks.leakCustomers(rng, people, rng.int(6, 10), w);
        answer = l.text;
        outPii = l.pii;
      }
      return say(
        ts,
        c,
        { intent: 'attack', user: p.user, answer, signals: p.signals, inPii: [], outPii },
        key,
        leak === 'customers',
      );
    };
    let ts = rolledBack + rng.int(9, 16) * MIN;
    let c = conv(HOME);
    const warm = Prompts.customerTurn(rng, w, fake);
    say(ts, c, warm, false);
    attack((ts += rng.int(40, 120) * 1000), c, 'ignore-previous', 'systemPrompt', 'system');
    attack((ts += rng.int(60, 180) * 1000), c, 'dan-roleplay', 'code', 'code');
    attack((ts += rng.int(60, 180) * 1000), c, 'dan-roleplay', 'customers', 'customers');
    attack((ts += rng.int(60, 180) * 1000), c, 'ignore-previous', 'customers', 'customers');
    c = conv(HOME);
    ts += rng.int(12, 25) * MIN;
    attack(ts, c, 'system-prompt-extraction', 'systemPrompt', 'system', false);
    for (let i = 0; i < 4; i++)
      attack(
        (ts += rng.int(50, 200) * 1000),
        c,
        rng.pick(['ignore-previous', 'dan-roleplay']),
        'customers',
        'customers',
        i === 0,
      );
    // later from his phone on mobile data
    const PHONE = ipIn(rng, '2.42'); // Italian mobile carrier (CGNAT)
    c = conv(PHONE);
    ts += rng.int(35, 60) * MIN;
    for (let i = 0; i < 3; i++)
      attack(
        (ts += rng.int(40, 160) * 1000),
        c,
        rng.pick(['ignore-previous', 'dan-roleplay']),
        'customers',
        'customers',
        i === 0,
      );
    sim.truth.addScope('sourceIps', PHONE);

    // the next morning, before work, from home: the previous version back
    t = at('2025-09-24T05:04:10Z');
    const morning = sim.threat(
      sim.roleSession(w.sso[insider.permissionSet], insider.email, {
        ip: HOME,
        userAgent: staff.clients(insider, t).cli,
        created: t - 2 * MIN,
        onBehalfOf: onBehalfOf(insider),
        rng,
      }),
    );
    step(morning, C.lambdaRead('GetFunctionConfiguration20150331v2', fn));
    step(morning, { ...C.lambdaUpdateConfig(rng, fn, w.roles.chatbot.arn, t, ENV), key: true }, 10, 40);
    step(morning, C.lambdaRead('GetFunctionConfiguration20150331v2', fn));
    sim.changeGuardrail(t + 2000, () => structuredClone(current));
  },
});
