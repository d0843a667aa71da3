// Denial of wallet through the application. No AWS credential is involved: a small group
// scripts the public web chat from three hosting addresses, as anonymous visitors and two
// throwaway accounts, rotating conversation ids every dozen turns. They first try to pull the
// system prompt (blocked or refused), then use the support bot as a free writing engine for
// hours: pasted role-play character cards and chapters, bulk SEO articles and product listings,
// every answer running into the application's 800-token cap. The chatbot's execution role
// makes every call (requestMetadata carries their client address, conversation and customer
// ids). Decoys: the nightly guardrail regression suite (known attack prompts), customers'
// benign look-alike prompts, a business customer on a cloud desktop with a long but genuine
// conversation, staff scripts with long documents.

const lib = await import(
  process.env.EVIDENCE_GEN_LIB ?? new URL('../../../shared/tools/evidence-gen/lib.mjs', import.meta.url).href
);
const { Attacks, Abuse, Prompts, makeCustomer, finding, MIN } = lib;

import { TIDEWATER } from './_worlds.mjs';

const GROUP = ['193.29.107.14', '193.29.107.52', '85.203.44.190'];
const BUSINESS_DESKTOP = '20.110.31.208';

export default lib.defineScenario({
  name: 'app-wallet-abuse',
  seed: 'local/app-wallet-abuse/v1',
  start: '2025-09-09T00:00:00Z',
  days: 1.5,
  world: TIDEWATER,
  background: {
    intensity: 1.0,
    chatbot: { conversationsPerHour: 60, decoyShare: 0.035 },
    agent: { sessionsPerHour: 4 },
    jobs: { guardrailEval: true, transcriptShare: 0.8 },
  },
  alert:
    "Bedrock spend of the production account doubled overnight; almost all of it is on the support chatbot's Converse model. No deployment or configuration change was made.",
  truth: {
    description:
      "No AWS credential was compromised. A small group used the public web chat as a free text generator: from three hosting addresses (client addresses in the invocation logs' requestMetadata), as anonymous visitors and two throwaway customer accounts, scripted conversations rotated every 10-16 turns. After a few attempts to extract the system prompt (blocked by the prompt-attack filter or refused), they sent role-play character cards, pasted story chapters and articles and bulk writing tasks (SEO posts, product listings, outreach e-mails) for about eight hours; the chatbot's execution role made every Converse/ConverseStream call, the answers hit the 800-token cap (stopReason max_tokens), some calls were throttled. Impact: cost (denial of wallet) through the application; no data leaked and nothing was changed.",
    elements: ['invocation'],
    components: ['foundation-models'],
    scope: { sourceIps: GROUP },
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const chatbot = actors.chatbot;
    const tags = { malicious: true, scope: 'proxy' };
    const corpus = w.corpus.abuse;
    const accounts = [makeCustomer(rng, w), makeCustomer(rng, w)];

    // one scripted client per address
    const clients = GROUP.map((ip, i) => ({
      ip,
      customer: i === 2 ? accounts[1] : i === 1 ? accounts[0] : null,
      conv: null,
      left: 0,
      history: [],
      first: true,
    }));
    const nextConv = (c) => {
      c.conv = rng.uuid();
      c.left = rng.int(10, 16);
      c.history = [];
    };

    const say = (c, t, turn, { key = false, error } = {}) => {
      if (!c.conv || c.left <= 0) nextConv(c);
      c.left--;
      const r = chatbot.chat(rng, t, {
        channel: 'web',
        conversationId: c.conv,
        clientIp: c.ip,
        customer: c.customer ?? undefined,
        anonymous: !c.customer,
        history: c.history.slice(-4),
        turn,
        tags,
        key,
        retrieve: false,
        error,
      });
      c.history.push(
        { role: 'user', text: turn.user },
        {
          role: 'assistant',
          text: r.guardrail?.stage === 'input' ? sim.guardrailAt(t).blockedInput : turn.answer,
        },
      );
      return r;
    };

    // 1. probing: system-prompt extraction, then "general writing assistant" overrides
    let t = at('2025-09-09T22:14:05Z');
    const c0 = clients[0];
    say(c0, t, Prompts.customerTurn(rng, w, makeCustomer(rng, w)));
    for (const [tech, kind] of [
      ['system-prompt-extraction', 'systemPrompt'],
      ['ignore-previous', 'systemPrompt'],
      ['system-prompt-extraction', 'systemPrompt'],
      ['ignore-previous', 'code'],
      ['payload-split', 'systemPrompt'],
    ]) {
      t += rng.int(40, 150) * 1000;
      const p = Attacks.injectionPrompt(rng, w, tech, kind);
      say(
        c0,
        t,
        {
          intent: 'attack',
          user: p.user,
          answer: Attacks.refusal(rng, w),
          signals: p.signals,
          inPii: [],
          outPii: [],
        },
        { key: true },
      );
    }
    // the override that works: the bot agrees to act as a writing assistant
    t += rng.int(60, 200) * 1000;
    const over = Attacks.injectionPrompt(rng, w, 'ignore-previous', 'code');
    const bt = Abuse.bulkTask(rng, { corpus });
    say(
      c0,
      t,
      {
        intent: 'attack',
        user: over.user.replace(/[^.]*\.$/, '') + ' ' + bt.prompt,
        answer: bt.answer,
        signals: { filters: { PROMPT_ATTACK: 'LOW' } },
        inPii: [],
        outPii: [],
      },
      { key: true },
    );

    // 2. the scripted abuse: ~8 hours, three clients, long inputs, capped outputs
    const start = at('2025-09-09T23:05:00Z');
    const end = at('2025-09-10T07:20:00Z');
    for (const [i, c] of clients.entries()) {
      const r = rng.fork(`client${i}`);
      let ts = start + i * r.int(5, 35) * MIN;
      let n = 0;
      while (ts < end) {
        ts += Math.max(4000, r.exp(i === 2 ? 130000 : 85000));
        if (ts >= end) break;
        if (r.chance(0.04)) {
          ts += r.int(8, 25) * MIN;
          continue;
        } // the script pauses
        const kind = r.weighted([
          ['roleplay', 5],
          ['bulk', 4],
          ['bulk-doc', 2],
        ]);
        let turn;
        if (kind === 'roleplay') {
          const rp = Abuse.rolePlay(r, { turns: r.int(1, 4), cardParagraphs: r.int(2, 6), corpus });
          const pasted =
            rp.system +
            '\n\n' +
            rp.history.map((m) => (m.role === 'user' ? 'User: ' : 'Narrator: ') + m.text).join('\n') +
            '\n\n' +
            rp.prompt;
          turn = {
            intent: 'abuse',
            user: c.history.length ? rp.prompt : pasted,
            answer: [
              rp.answer,
              ...Array.from(
                { length: r.int(2, 4) },
                () => Abuse.rolePlay(r, { turns: 0, cardParagraphs: 0, corpus }).answer,
              ),
            ].join('\n\n'),
            signals: {},
            inPii: [],
            outPii: [],
          };
        } else {
          const b = Abuse.bulkTask(r, {
            corpus,
            docWords: kind === 'bulk-doc' ? r.int(1200, 3500) : undefined,
          });
          turn = {
            intent: 'abuse',
            user: b.prompt,
            answer: [
              b.answer,
              ...Array.from({ length: r.int(2, 4) }, () => Abuse.bulkTask(r, { corpus }).answer),
            ].join('\n\n'),
            signals: {},
            inPii: [],
            outPii: [],
          };
        }
        const throttle = r.chance(0.03)
          ? { code: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' }
          : undefined;
        say(c, Math.round(ts), turn, { key: c.first || n === 1, error: throttle });
        c.first = false;
        n++;
      }
    }

    // decoy: a business customer on a cloud desktop, long genuine conversation with long answers
    const biz = makeCustomer(rng, w);
    const conv = rng.uuid();
    const hist = [];
    let tb = at('2025-09-10T14:32:00Z');
    for (let i = 0; i < 11; i++) {
      const turn = Prompts.customerTurn(rng, w, biz);
      chatbot.chat(rng, tb, {
        channel: 'web',
        conversationId: conv,
        clientIp: BUSINESS_DESKTOP,
        customer: biz,
        history: hist.slice(-4),
        turn,
        decoy: true,
      });
      hist.push({ role: 'user', text: turn.user }, { role: 'assistant', text: turn.answer });
      tb += rng.int(40, 240) * 1000;
    }

    // GuardDuty: the application role's invocations look anomalous
    const env = chatbot.env(at('2025-09-10T03:10:00Z'), rng).identity;
    sim.tag({ malicious: true, key: true, scope: 'none' }, () => {
      const f = at('2025-09-10T03:26:40Z');
      sim.finding(
        f,
        finding(rng, w, {
          t: f,
          type: 'Impact:IAMUser/AnomalousModelInvocation',
          severity: 5,
          accessKey: {
            accessKeyId: env.accessKeyId,
            principalId: env.principalId,
            userType: 'AssumedRole',
            userName: w.roles.chatbot.name,
          },
          modelIds: [w.models.converse],
          title: `Anomalous Amazon Bedrock model invocations by role ${w.roles.chatbot.name}.`,
          description: `APIs commonly used to invoke foundation models were called by role ${w.roles.chatbot.name} in an unusual way (token volume far above this principal's baseline).`,
          api: 'Converse',
          serviceName: 'bedrock.amazonaws.com',
          firstSeen: start,
          lastSeen: f,
          count: 388,
        }),
      );
    });
  },
});
