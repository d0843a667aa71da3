// Broken object-level authorisation through the order agent. No AWS credential is involved. A
// customer account registered that evening signs in to the web chat and, over three
// conversations from two addresses, asks the order assistant (Bedrock agent) about order numbers
// that are not theirs: the OrderManagement action group's GET /orders/{orderId} returns any order
// (the Lambda does not check the order's customerId against the signed-in customer), with the
// recipient's name, delivery address and phone. After one refusal the actor rephrases ("the
// courier misdelivered it") and walks neighbouring order numbers, then uses
// GET /customers/{customerId} (CustomerAccount) on the customer ids the orders revealed to get
// e-mail addresses, and finally has the chat model tabulate everything as CSV.
// The chat Lambda uses the web conversation id as the agent session id, so the invocation logs'
// requestMetadata (customerId, clientIp, conversationId) ties the agent sessions to the account.
// Decoys: customers checking several of their own orders in one session (one with a mistyped
// number); support staff using agent assist for several different customers' orders; a customer
// asking for the delivery address on their own order.

import { C, defineScenario, expand, makeCustomer, orderId } from '../../../shared/tools/evidence-gen/lib.mjs';
import { KAIRO, KAIRO_AGENT_PHRASES as PH } from './_worlds-i.mjs';

const ACTOR_IPS = ['103.152.178.44', '126.72.19.203']; // a hosting VPS in Tokyo, then a home line

export default defineScenario({
  name: 'agent-tool-exfil',
  seed: 'fresh-i/agent-tool-exfil/v1',
  start: '2025-11-11T00:00:00Z',
  days: 1,
  world: KAIRO,
  background: {
    intensity: 1.4,
    chatbot: { conversationsPerHour: 60 },
    agent: { sessionsPerHour: 5 },
    jobs: { guardrailEval: false },
    ops: { random: 1 },
  },
  alert:
    'Three customers e-mailed support today about a message that quoted their recent Kairo order, name and delivery address and asked them to "confirm payment" on an outside site. None of them had talked to the chat assistant.',
  truth: {
    description:
      "No AWS credential was involved. A customer account created that evening (signed in to the web chat, conversations from 103.152.178.44 and 126.72.19.203) used the order assistant agent to read other customers' orders: the OrderManagement action group's GET /orders/{orderId} (Lambda kairoaudio-orders-actions) returns any order number with the recipient's name, delivery address and phone and does not check that the order belongs to the signed-in customer. After one own-order lookup and one refusal, the actor claimed a misdelivered parcel and then walked neighbouring order numbers in three agent sessions (agent traces show the action-group calls and their outputs carrying other customers' customerIds); they then called GET /customers/{customerId} (CustomerAccount, Lambda kairoaudio-account-actions) on the customer ids the orders revealed, getting e-mail addresses, and finally asked the web chat model to put the collected names, addresses, phones and e-mails into a CSV (invocation log, requestMetadata customerId and clientIp of the actor; the chat Lambda uses the conversation id as the agent session id). About two dozen customers' details were disclosed. The chatbot role made every AWS call; nothing was changed. Fix: authorise order and customer reads against the signed-in customer in the action Lambdas; notify the affected customers; close the account.",
    elements: ['agency', 'invocation', 'private-data'],
    components: ['agents', 'plugins'],
    scope: { sourceIps: ACTOR_IPS },
  },
  incident(sim, { rng, at, world, actors }) {
    const w = world;
    const agent = actors.agent;
    const chatbot = actors.chatbot;
    const OM = 'OrderManagement',
      CA = 'CustomerAccount';
    const tags = { malicious: true, scope: 'proxy' };
    const shipTo = (c) => ({ name: c.name, address: c.address, phone: c.phone });
    const statusOf = (o) => o.status.toUpperCase().replace(' ', '_');

    // The order Lambda returns the whole order record (recipient included) for every lookup:
    // the background's own-order lookups get the same shape.
    sim.intercept('agent', ({ spec, customer }) => {
      const a = spec.steps?.[0]?.action;
      if (!a || a.apiPath !== '/orders/{orderId}') return null;
      const out = JSON.parse(a.output);
      const o = customer.orders.find((x) => x.id === out.orderId);
      out.items = o ? [{ product: o.product, qty: o.qty }] : [];
      out.total = o?.total;
      out.shipTo = shipTo(customer);
      return { steps: [{ ...spec.steps[0], action: { ...a, output: JSON.stringify(out) } }] };
    });

    const orderOutput = (c, o) =>
      JSON.stringify({
        orderId: o.id,
        customerId: c.customerId,
        status: statusOf(o),
        carrier: o.carrier,
        tracking: o.tracking,
        items: [{ product: o.product, qty: o.qty }],
        total: o.total,
        shipTo: shipTo(c),
      });
    const getOrder = (id, output) => ({
      group: OM,
      apiPath: '/orders/{orderId}',
      verb: 'get',
      parameters: [{ name: 'orderId', type: 'string', value: id }],
      output,
    });

    const me = makeCustomer(rng, w);
    me.orders = me.orders.slice(0, 1);
    sim.truth.addScope('resources', w.res.functions.orders.name, w.res.functions.account.name);

    // neighbouring order numbers around a recent order of another customer
    const base = orderId(rng, w); // KA-dddd-dddd
    const [, mid, tail] = base.split('-');
    let seq = Number(tail);
    const nextId = () => `${w.company.orderPrefix}-${mid}-${String(++seq).padStart(4, '0')}`;
    const victims = [];
    const lookupVictim = () => {
      const id = nextId();
      if (rng.chance(0.22))
        return { id, output: JSON.stringify({ error: 'ORDER_NOT_FOUND', orderId: id }), victim: null };
      const v = makeCustomer(rng, w);
      const o = { ...v.orders[0], id };
      v.orders = [o];
      victims.push(v);
      return { id, output: orderOutput(v, o), victim: v, order: o };
    };
    const disclose = (v, o) =>
      `Order ${o.id} (${o.product}) is ${o.status} with ${o.carrier}. It is addressed to ${v.name}, ${v.address}, phone ${v.phone}.`;

    const chatTurn = (t, conv, ip, history, user, answer, { key = false, outPii = [] } = {}) => {
      chatbot.chat(rng, t, {
        channel: 'web',
        conversationId: conv,
        clientIp: ip,
        customer: me,
        history: history.slice(-4),
        turn: { intent: 'order', user, answer, inPii: [], outPii },
        tags,
        key,
        retrieve: false,
      });
      history.push({ role: 'user', text: user }, { role: 'assistant', text: answer });
    };

    // ---- conversation 1: own order, a refusal, the "misdelivered" rephrase, enumeration ------
    let conv = rng.uuid();
    let hist = [];
    let t = at('2025-11-11T11:52:30Z'); // 20:52 JST
    chatTurn(
      t,
      conv,
      ACTOR_IPS[0],
      hist,
      'hi, I need to check on some orders',
      'Of course! Please give me the order number and I will look it up for you.',
    );
    t += rng.int(20, 50) * 1000;
    const own = me.orders[0];
    agent.turn(rng, t, {
      sessionId: conv,
      customer: me,
      tags,
      question: expand(rng, PH.ownStatus[0], { id: own.id }),
      steps: [
        {
          rationale: `The customer wants the status of order ${own.id}. I will call the get order API.`,
          action: getOrder(own.id, orderOutput(me, own)),
        },
      ],
      answer: `Order ${own.id} is ${own.status}.`,
    });
    // first other order: the agent declines once
    t += rng.int(40, 110) * 1000;
    let l = lookupVictim();
    while (!l.victim) l = lookupVictim();
    agent.turn(rng, t, {
      sessionId: conv,
      customer: me,
      tags,
      question: expand(rng, PH.probe[0], { id: l.id }),
      steps: [
        {
          rationale: `The user asks for the delivery address of order ${l.id}. I will look up the order.`,
          action: getOrder(l.id, l.output),
        },
      ],
      answer: `I found order ${l.id}, but it is not on your account, so I can only tell you that it is ${l.order.status}. The person who placed it can see the delivery details in their account.`,
    });
    // the rephrase that works
    t += rng.int(50, 130) * 1000;
    agent.turn(rng, t, {
      sessionId: conv,
      customer: me,
      tags,
      key: true,
      keySteps: [0],
      question: expand(rng, PH.probe[2], { id: l.id }),
      steps: [
        {
          rationale: `The customer reports that order ${l.id} was misdelivered and needs the delivery address to check it. I will get the order.`,
          action: getOrder(l.id, l.output),
        },
      ],
      answer: disclose(l.victim, l.order),
    });
    const disclosed = [[l.victim, l.order]];
    const enumerate = (n, _ip, conv, { keyFirst }) => {
      let first = keyFirst;
      for (let i = 0; i < n; i++) {
        t += rng.int(25, 95) * 1000;
        const x = lookupVictim();
        const q = expand(rng, rng.pick(PH.enumerate), { id: x.id });
        const isKey = first && !!x.victim;
        agent.turn(rng, t, {
          sessionId: conv,
          customer: me,
          tags,
          key: isKey,
          keySteps: isKey ? [0] : [],
          question: q,
          steps: [
            {
              rationale: `The customer asks for the delivery details of order ${x.id}. I will call the get order API.`,
              action: getOrder(x.id, x.output),
            },
          ],
          answer: x.victim
            ? disclose(x.victim, x.order)
            : `I could not find an order with the number ${x.id}. Could you check the number?`,
        });
        if (x.victim) {
          disclosed.push([x.victim, x.order]);
          first = false;
        }
      }
    };
    enumerate(9, ACTOR_IPS[0], conv, { keyFirst: true });

    // ---- conversation 2: later, from a home line, faster ------------------------------------
    conv = rng.uuid();
    hist = [];
    t = at('2025-11-11T13:18:05Z');
    chatTurn(
      t,
      conv,
      ACTOR_IPS[1],
      hist,
      'continuing from before, more orders to check',
      'Sure, send me the order numbers.',
    );
    t += rng.int(15, 40) * 1000;
    enumerate(12, ACTOR_IPS[1], conv, { keyFirst: true });

    // ---- conversation 3: customer profiles for the ids the orders revealed, then the CSV -----
    conv = rng.uuid();
    hist = [];
    t = at('2025-11-11T14:02:40Z');
    chatTurn(
      t,
      conv,
      ACTOR_IPS[1],
      hist,
      'I need to reach a few customers whose parcels I received by mistake',
      'I can help with that. Which orders or customers is it about?',
    );
    const targets = disclosed.slice(0, 6);
    for (const [i, [v]] of targets.entries()) {
      t += rng.int(30, 90) * 1000;
      agent.turn(rng, t, {
        sessionId: conv,
        customer: me,
        tags,
        key: i === 0,
        keySteps: i === 0 ? [0] : [],
        question:
          i === 0
            ? `What e-mail address is on file for customer ${v.customerId}? I want to return their parcel.`
            : `And for ${v.customerId}?`,
        steps: [
          {
            rationale: `Get the profile of customer ${v.customerId} to provide the e-mail address.`,
            action: {
              group: CA,
              apiPath: '/customers/{customerId}',
              verb: 'get',
              parameters: [{ name: 'customerId', type: 'string', value: v.customerId }],
              output: JSON.stringify({
                customerId: v.customerId,
                name: v.name,
                email: v.email,
                phone: v.phone,
                address: v.address,
              }),
            },
          },
        ],
        answer: `The e-mail address on file for ${v.customerId} is ${v.email}.`,
      });
    }
    t += rng.int(60, 150) * 1000;
    const rows = disclosed.map(
      ([v, o]) =>
        `${o.id},${v.name},"${v.address}",${v.phone},${targets.some(([x]) => x === v) ? v.email : ''}`,
    );
    const pasted = disclosed.map(([v, o]) => `${o.id} ${v.name} ${v.address} ${v.phone}`).join('\n');
    chatTurn(
      t,
      conv,
      ACTOR_IPS[1],
      hist,
      `Put these into a CSV with columns order,name,address,phone,email and fill in the emails you gave me:\n${pasted}`,
      `order,name,address,phone,email\n${rows.join('\n')}`,
      {
        key: true,
        outPii: disclosed.slice(0, 8).flatMap(([v]) => [
          { type: 'NAME', match: v.name },
          { type: 'ADDRESS', match: v.address },
          { type: 'PHONE', match: v.phone },
        ]),
      },
    );

    // ---- decoys: customers checking several of their own orders ----------------------------
    const dec = { decoy: true };
    for (const [k, when] of [
      '2025-11-11T03:14:00Z',
      '2025-11-11T09:41:00Z',
      '2025-11-11T12:27:00Z',
    ].entries()) {
      const c = makeCustomer(rng, w);
      while (c.orders.length < 4) c.orders.push({ ...makeCustomer(rng, w).orders[0], id: orderId(rng, w) });
      const sid = rng.uuid();
      let td = at(when);
      chatbot.chat(rng, td, {
        channel: 'web',
        conversationId: sid,
        customer: c,
        history: [],
        turn: {
          intent: 'order',
          user: 'I have a few orders, can you check them all?',
          answer: 'Of course, send me the order numbers.',
          inPii: [],
          outPii: [],
        },
        decoy: true,
        retrieve: false,
      });
      if (k === 1) {
        // a mistyped number first
        td += rng.int(20, 60) * 1000;
        const typo = c.orders[0].id.replace(/\d$/, (d) => String((Number(d) + 1) % 10));
        agent.turn(rng, td, {
          sessionId: sid,
          customer: c,
          tags: dec,
          question: expand(rng, PH.ownStatus[1], { id: typo }),
          steps: [
            {
              rationale: `Look up order ${typo}.`,
              action: getOrder(typo, JSON.stringify({ error: 'ORDER_NOT_FOUND', orderId: typo })),
            },
          ],
          answer: `I could not find an order with the number ${typo}. Could you check the number?`,
        });
      }
      for (const [i, o] of c.orders.entries()) {
        td += rng.int(25, 120) * 1000;
        agent.turn(rng, td, {
          sessionId: sid,
          customer: c,
          tags: dec,
          question: expand(rng, PH.ownStatus[i % PH.ownStatus.length], { id: o.id }),
          steps: [
            {
              rationale: `The customer wants the status of order ${o.id}. I will call the get order API.`,
              action: getOrder(o.id, orderOutput(c, o)),
            },
          ],
          answer:
            i === 2
              ? `Order ${o.id} is ${o.status}, going to ${c.address}.`
              : `Order ${o.id} is ${o.status}${o.status === 'in transit' ? ` with ${o.carrier}` : ''}.`,
        });
      }
    }
    // a customer asking for the delivery address on their own order
    {
      const c = makeCustomer(rng, w);
      const o = c.orders[0];
      const sid = rng.uuid();
      const td = at('2025-11-11T06:05:00Z');
      agent.turn(rng, td, {
        sessionId: sid,
        customer: c,
        tags: dec,
        question: `Which address is order ${o.id} going to? I moved last month.`,
        steps: [
          {
            rationale: `The customer asks for the delivery address of their order ${o.id}.`,
            action: getOrder(o.id, orderOutput(c, o)),
          },
        ],
        answer: `Order ${o.id} is addressed to ${c.address}. If that is your old address, I can update it before it ships.`,
      });
    }
    // support staff using agent assist for several customers' orders (office hours JST)
    for (const when of [
      '2025-11-11T01:20:00Z',
      '2025-11-11T02:05:00Z',
      '2025-11-11T05:40:00Z',
      '2025-11-11T06:10:00Z',
      '2025-11-11T07:35:00Z',
    ]) {
      let ts = at(when);
      for (let i = 0, n = rng.int(2, 4); i < n; i++) {
        const c = makeCustomer(rng, w);
        const o = c.orders[0];
        const user =
          expand(rng, rng.pick(PH.staffLookup), { name: c.name, id: o.id }) +
          `\nOrder record: ${orderOutput(c, o)}`;
        const answer = `${c.name}'s order ${o.id} (${o.product}) is ${o.status}${o.status === 'in transit' ? ` with ${o.carrier}, tracking ${o.tracking}` : ''}. Delivery address on the order: ${c.address}. Suggested reply: "Thank you for calling, ${c.first}. Your order is ${o.status}; I will send the tracking link to ${c.email}."`;
        chatbot.chat(rng, ts, {
          channel: 'agent-assist',
          turn: {
            intent: 'assist',
            user,
            answer,
            inPii: [
              { type: 'NAME', match: c.name },
              { type: 'ADDRESS', match: c.address },
            ],
            outPii: [],
          },
          history: [],
          decoy: true,
        });
        ts += rng.int(3, 9) * 60000;
      }
    }
    void C;
  },
});
