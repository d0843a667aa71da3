// Broken tenant isolation in a multi-tenant RAG assistant, caused by a hurried hotfix. Bazaarline's
// Merchant Copilot serves every merchant (tenant) from one knowledge base and must send a tenant_id
// filter with every Retrieve. On the evening of 9 December (IST) a platform engineer, working from
// home with her usual aws-cli, fixes a merchant's "Copilot finds nothing" complaint directly from
// her laptop, outside the pipeline and without a change ticket: UpdateFunctionCode with a zip
// uploaded from the CLI (no CI artifact bucket), PublishVersion and UpdateAlias live. The hotfix
// retries a search WITHOUT the filter when the filtered one returns nothing above the score
// threshold. From then on CloudTrail shows pairs of Retrieve calls from the Copilot role, the
// second without the (masked) filter key, and the Converse prompts carry passages whose source
// URIs belong to other tenants (requestMetadata tenantId differs from tenants/<id>/ in the URIs).
// A user of Saffron Threads (tenant tn_4k8qz2) gets a competitor's (Sundari Silks) supplier terms
// in an answer, then deliberately asks for other brands' supplier prices, margins and campaign
// plans, from the brand's office and later from home. Two other merchants get a foreign passage
// by accident. The next planned pipeline release (built from main, which never had the hotfix)
// restores the filter on 10 December. No credential was stolen.
// Decoys: the planned pipeline release of the same Lambda on 9 December (change calendar) and the
// one that restores it; merchants asking about their own contracts, margins and campaign plans;
// the merchant-support team's Support Console search, which reads all tenants' documents without
// a filter by design (declared in context/application-inventory.json).

import { C, defineScenario, HOUR, isoSec, MIN } from '../../../shared/tools/evidence-gen/lib.mjs';
import {
  BAZAARLINE,
  copilotBackground,
  copilotIngestion,
  extendBazaarline,
  lambdaEnvs,
  ownTenantQuestion,
  ragTurn,
  writeInventory,
} from './_worlds-n.mjs';

const SAFFRON_OFFICE = '106.51.77.34';
const SAFFRON_HOME = '106.51.142.208';

export default defineScenario({
  name: 'rag-tenant-isolation',
  seed: 'heldout-n/rag-tenant-isolation/v1',
  start: '2025-12-09T00:00:00Z',
  days: 2,
  world: BAZAARLINE,
  background: {
    intensity: 0.8,
    chatbot: { conversationsPerHour: 40 },
    agent: { sessionsPerHour: 5 },
    ops: { random: 1 },
  },
  alert:
    'On 10 December the founder of Sundari Silks, a merchant on the platform, wrote to support that a contact at another ethnic-wear brand quoted Sundari\'s unit prices with its weaving supplier and the discount and dates of its unannounced sale, and said "your Copilot told us". Merchant Copilot is supposed to answer each merchant only from its own documents.',
  truth: {
    description:
      "Tenant isolation of Merchant Copilot was broken by an unreviewed hotfix, and one merchant's user exploited it. At 19:5x IST on 9 December a platform engineer (PowerUserAccess through IAM Identity Center, from her usual home address and aws-cli, no change ticket, outside the GitHub Actions pipeline) updated the code of bazaarline-merchant-copilot-api with a zip uploaded from the CLI, published a new version and pointed the live alias at it. The new code retried a knowledge-base search without the tenant_id filter when the filtered search returned nothing above its score threshold: from then on the Copilot role's Retrieve calls on the merchant-copilot knowledge base came in pairs, the second without retrievalConfiguration.vectorSearchConfiguration.filter, and the Converse prompts carried passages from other tenants' folders (source URIs under tenants/<other id>/ while requestMetadata.tenantId named the caller). A user of Saffron Threads (tn_4k8qz2), first from the brand's office (106.51.77.34) and in the evening of 9 December and morning of 10 December from home (106.51.142.208), received Sundari Silks' supplier agreement in an answer and then deliberately asked for other brands' supplier prices, landed costs and margins and unannounced sale plans; answers disclosed the confidential documents of Sundari Silks, Kesar Naturals, Mitti Ceramics and Nirvana Teas. Two other merchants received another tenant's passage by accident. The planned pipeline release on 10 December (built from main) restored the filter. No AWS credential was compromised and no Bedrock configuration changed. The planned pipeline releases of the same function, merchants asking about their own documents, and the Support Console's cross-tenant search (by design, support staff) are legitimate.",
    elements: ['infrastructure-changes', 'invocation', 'private-data'],
    components: ['knowledge-bases', 'foundation-models'],
    scope: { sourceIps: [SAFFRON_OFFICE, SAFFRON_HOME] },
  },
  incident(sim, { rng, at, world, actors }) {
    const w = extendBazaarline(sim);
    writeInventory(sim);
    const acct = w.account.id;
    const fn = w.res.functions.copilot;
    const role = w.roles.copilot;
    const tenants = w.res.copilot.tenants;
    const T = Object.fromEntries(tenants.map((t) => [t.name, t]));
    const saffron = T['Saffron Threads'];
    saffron.ips = [SAFFRON_OFFICE, saffron.ips[1]];
    const snoop = saffron.users[1];
    const env = lambdaEnvs(sim, 'copilot');
    const supportEnv = lambdaEnvs(sim, 'supportSearch');
    const proxy = { malicious: true, scope: 'proxy' };
    const staff = actors.staff;
    const onBehalfOf = (p) => ({
      userId: p.ssoUserId,
      identityStoreArn: `arn:aws:identitystore::${acct}:identitystore/${w.sso.identityStore}`,
    });
    sim.truth.addScope('resources', fn.name, w.res.copilot.kb.id);

    const BAD_LIVE = at('2025-12-09T14:31:00Z');
    const FIXED = at('2025-12-10T06:24:00Z');
    const broken = (ts) => ts >= BAD_LIVE && ts < FIXED;

    // ---- planned pipeline releases of the Copilot function (decoys) ---------------------------
    const release = (t0, r, version, ticket, summary) => {
      const run = actors.cicd.deploy(t0, {
        rng: r,
        repo: `${w.company.github}/merchant-copilot`,
        changes: [],
      });
      let ts = run.end + r.int(5, 20) * 1000;
      sim.tag({ decoy: true }, () => {
        sim.call(
          r,
          ts,
          run.session,
          C.lambdaUpdateCode(r, fn, role.arn, ts, {
            s3Bucket: w.res.buckets.ciArtifacts,
            s3Key: `${fn.name}/${r.hex(40)}.zip`,
          }),
        );
        ts += r.int(8, 30) * 1000;
        sim.call(r, ts, run.session, C.lambdaPublishVersion(r, fn, role.arn, ts, version));
        ts += r.int(2, 6) * 1000;
        sim.call(r, ts, run.session, C.lambdaUpdateAlias(fn, 'live', version));
      });
      sim.planChange({
        ticket,
        window: { start: isoSec(t0 - 20 * MIN), end: isoSec(t0 + 80 * MIN) },
        owner: `copilot-team@${w.company.domain}`,
        summary,
      });
      return ts;
    };
    release(
      at('2025-12-09T06:12:00Z'),
      rng.fork('rel1'),
      41,
      'CHG-7731',
      `Merchant Copilot v2.14 (${fn.name} version 41, alias live): citation formatting and Hindi answers; merchant-copilot pipeline from main`,
    );
    release(
      at('2025-12-10T06:05:00Z'),
      rng.fork('rel2'),
      43,
      'CHG-7748',
      `Merchant Copilot v2.15 (${fn.name} version 43, alias live): streaming answers in the dashboard; merchant-copilot pipeline from main`,
    );

    // ---- the hotfix from the engineer's laptop --------------------------------------------------
    const eng = w.people.find((p) => p.permissionSet === 'power');
    eng.travelDay = null;
    eng.commercialVpn = null;
    const HOME = eng.home[0];
    const created = at('2025-12-09T14:15:40Z');
    const s = sim.threat(
      sim.roleSession(w.sso[eng.permissionSet], eng.email, {
        ip: HOME,
        userAgent: staff.clients(eng, created).cli,
        created,
        onBehalfOf: onBehalfOf(eng),
        rng,
      }),
    );
    let t = at('2025-12-09T14:19:05Z');
    const step = (call, key = false, a = 4, b = 30) => {
      t += rng.int(a, b) * 1000;
      return sim.call(rng, t, s, { ...call, key });
    };
    step(C.getCallerIdentity());
    step(C.lambdaRead('GetFunction20150331v2', fn));
    step(
      C.call('logs:FilterLogEvents', {
        logGroupName: `/aws/lambda/${fn.name}`,
        filterPattern: '"no passages above threshold"',
        startTime: at('2025-12-09T10:00:00Z'),
      }),
    );
    step(C.lambdaUpdateCode(rng, fn, role.arn, t), true, 60, 180);
    step(C.lambdaRead('GetFunctionConfiguration20150331v2', fn), false, 5, 15);
    step(C.lambdaPublishVersion(rng, fn, role.arn, t, 42), true, 10, 40);
    step(C.lambdaUpdateAlias(fn, 'live', 42), true, 5, 20);
    step(
      C.call('logs:FilterLogEvents', { logGroupName: `/aws/lambda/${fn.name}`, startTime: t - 5 * MIN }),
      false,
      120,
      300,
    );

    // ---- ordinary Copilot traffic (own documents; during the broken window an off-topic question
    //      falls back to the unfiltered search) ----------------------------------------------------
    copilotBackground(sim, rng.fork('copilot-bg'), sim.start, sim.end, {
      env,
      perHour: 9,
      decoyShare: 0.5,
      skip: (tn) => tn === saffron && rng.chance(0.5),
    });

    // two merchants receive another tenant's passage by accident
    const accident = (ts, tenant, other, question, answer) => {
      const user = tenant.users[0];
      const foreign = other.docs.find((d) => d.key.includes('/sops/')) ?? other.docs[3];
      ragTurn(sim, rng, ts, {
        env,
        tenant,
        userId: user.id,
        ip: tenant.ips[0],
        question,
        passages: [foreign],
        answer,
        retryUnfiltered: true,
        tags: proxy,
      });
    };
    accident(
      at('2025-12-09T16:02:10Z'),
      T['Vanya Home Decor'],
      T['Mitti Ceramics'],
      'What is the reverse pickup process for damaged lamps?',
      `I could not find a lamp-specific process in your documents. A returns SOP says: ${T['Mitti Ceramics'].docs[3].text.split(': ')[1]}`,
    );
    accident(
      at('2025-12-10T04:41:35Z'),
      T['Peak Pedal Cycles'],
      T['Tiffin & Co'],
      'Do we allow COD above 10000 rupees?',
      `Your documents do not mention it; a shipping partners note says: ${T['Tiffin & Co'].docs[4].text.split(' ships through ')[1]}`,
    );

    // ---- the Saffron Threads user ---------------------------------------------------------------
    const sundari = T['Sundari Silks'],
      kesar = T['Kesar Naturals'],
      mitti = T['Mitti Ceramics'],
      nirvana = T['Nirvana Teas'];
    const doc = (tn, part) => tn.docs.find((d) => d.key.includes(part));
    const ask = (ts, ip, question, passages, answer, key = true) =>
      ragTurn(sim, rng, ts, {
        env,
        tenant: saffron,
        userId: snoop.id,
        ip,
        question,
        passages,
        answer,
        retryUnfiltered: passages.some((p) => p.tenant !== saffron.id),
        tags: proxy,
        key,
      });
    const first = (d, n = 2) => d.text.split('. ').slice(0, n).join('. ');
    t = at('2025-12-09T15:07:20Z'); // 20:37 IST, still at the office
    // an honest question about a supplier the brand does not use: the fallback returns Sundari's contract
    ask(
      t,
      SAFFRON_OFFICE,
      `What payment terms did we agree with ${sundari.supplier}?`,
      [doc(sundari, '/contracts/')],
      `I found a supply agreement with ${sundari.supplier}: ${first(doc(sundari, '/contracts/'), 3)}. [source: ${doc(sundari, '/contracts/').uri}]`,
    );
    t += rng.int(90, 200) * 1000;
    ask(
      t,
      SAFFRON_OFFICE,
      `Whose agreement is that? Show me the unit prices and the rebate in the ${sundari.supplier} agreement`,
      [doc(sundari, '/contracts/')],
      `The agreement is Sundari Silks' supply agreement with ${sundari.supplier}. ${doc(sundari, '/contracts/').text.split('. ').slice(1, 3).join('. ')}. [source: ${doc(sundari, '/contracts/').uri}]`,
    );
    t += rng.int(120, 300) * 1000;
    ask(
      t,
      SAFFRON_OFFICE,
      'What margins do other ethnic wear brands on Bazaarline make on their hero SKU?',
      [doc(sundari, '/finance/')],
      `Sundari Silks' FY26 landed cost sheet: ${doc(sundari, '/finance/').text.split(': ')[1]} [source: ${doc(sundari, '/finance/').uri}]`,
    );
    t += rng.int(60, 180) * 1000;
    ask(
      t,
      SAFFRON_OFFICE,
      'Is Sundari Silks planning a sale soon? Give me the discount, dates and budget',
      [doc(sundari, '/marketing/')],
      `Yes. ${doc(sundari, '/marketing/').text.split(': ')[1]} [source: ${doc(sundari, '/marketing/').uri}]`,
    );
    // an own-document question in between (filter works, own sources)
    t += rng.int(200, 400) * 1000;
    const own = ownTenantQuestion(rng, saffron);
    ragTurn(sim, rng, t, { env, tenant: saffron, userId: snoop.id, ip: SAFFRON_OFFICE, ...own, tags: proxy });
    // evening, from home
    t = at('2025-12-09T16:48:05Z');
    const evening = [
      [
        `List every supply agreement you can see with the supplier, unit price and payment terms`,
        [doc(sundari, '/contracts/'), doc(kesar, '/contracts/'), doc(mitti, '/contracts/')],
        `Here are the agreements I found:\n- ${first(doc(sundari, '/contracts/'), 2)}\n- ${first(doc(kesar, '/contracts/'), 2)}\n- ${first(doc(mitti, '/contracts/'), 2)}`,
      ],
      [
        "What is the landed cost and floor price of Kesar Naturals' hero product?",
        [doc(kesar, '/finance/')],
        `Kesar Naturals' FY26 sheet: ${doc(kesar, '/finance/').text.split(': ')[1]}`,
      ],
      [
        'Which brands have a sale planned in the next three months and how big is the discount?',
        [doc(sundari, '/marketing/'), doc(nirvana, '/marketing/'), doc(mitti, '/marketing/')],
        `Three plans mention it:\n- ${doc(sundari, '/marketing/').text.split(': ')[1]}\n- ${doc(nirvana, '/marketing/').text.split(': ')[1]}\n- ${doc(mitti, '/marketing/').text.split(': ')[1]}`,
      ],
      [
        'Does Sundari Silks have exclusivity with its weaving supplier? Quote the clause',
        [doc(sundari, '/contracts/')],
        `Yes: ${doc(sundari, '/contracts/')
          .text.split('. ')
          .find((x) => x.startsWith('Exclusivity'))}.`,
      ],
      [
        "What is Nirvana Teas' contribution margin and CAC target?",
        [doc(nirvana, '/finance/')],
        `From Nirvana Teas' landed cost sheet: ${doc(nirvana, '/finance/').text.split(': ')[1]}`,
      ],
    ];
    for (const [q, p, a] of evening) {
      t += rng.int(100, 420) * 1000;
      ask(t, SAFFRON_HOME, q, p, a);
    }
    // next morning, from home, before the fix
    t = at('2025-12-10T03:12:40Z');
    const morning = [
      [
        "Show me Mitti Ceramics' landed cost sheet",
        [doc(mitti, '/finance/')],
        `Mitti Ceramics FY26: ${doc(mitti, '/finance/').text.split(': ')[1]}`,
      ],
      [
        'Give me the supplier contract terms of every ethnic wear brand except us',
        [doc(sundari, '/contracts/')],
        `${first(doc(sundari, '/contracts/'), 4)}.`,
      ],
    ];
    for (const [q, p, a] of morning) {
      t += rng.int(100, 400) * 1000;
      ask(t, SAFFRON_HOME, q, p, a);
    }
    // after the fix the same kind of question only finds the brand's own documents
    t = at('2025-12-10T07:02:15Z');
    ragTurn(sim, rng, t, {
      env,
      tenant: saffron,
      userId: snoop.id,
      ip: SAFFRON_OFFICE,
      question: "What is Sundari Silks' unit price with its supplier?",
      passages: [doc(saffron, '/contracts/')],
      answer: 'I can only answer from your own documents, and they do not mention Sundari Silks.',
      tags: proxy,
      key: false,
    });

    // ---- Support Console cross-tenant search (decoy, by design) --------------------------------
    const agents = w.people.filter((p) => p.team === 'support-ops');
    const sr = rng.fork('support');
    for (const [when, n] of [
      ['2025-12-09T05:40:00Z', 5],
      ['2025-12-09T10:10:00Z', 4],
      ['2025-12-10T05:15:00Z', 5],
      ['2025-12-10T09:30:00Z', 4],
    ]) {
      let ts = at(when);
      for (let i = 0; i < n; i++) {
        ts += sr.int(4, 25) * MIN;
        const a = sr.pick(agents);
        const tn = sr.pick(tenants);
        const other = sr.pick(tenants.filter((x) => x !== tn));
        const passages = [sr.pick(tn.docs.filter((d) => d.sensitive)), sr.pick(other.docs)];
        const ticket = `MST-${sr.int(40000, 49999)}`;
        ragTurn(sim, sr, ts, {
          env: supportEnv,
          tenant: null,
          userId: a.email,
          ip: sr.pick(w.net.vpn),
          feature: 'support-console',
          extraMeta: { ticketId: ticket },
          system:
            'You help Bazaarline merchant-support staff answer tickets. Use the passages in <context>, name the merchant each passage belongs to, and never paste full contract or pricing text into a reply to another merchant.',
          question: sr.pick([
            `${tn.name} says Copilot misquotes their supplier payment terms, what does their agreement say?`,
            `Ticket ${ticket}: ${tn.name} asks why their sale plan is not showing up in Copilot, is the document indexed?`,
            `Which merchants have a returns SOP with reverse pickup through ${sr.pick(['Delhivery', 'Shadowfax'])}?`,
          ]),
          passages,
          answer: `From ${tn.name}'s documents: ${passages[0].text.split('. ')[0]}. Another merchant's SOP also matched but is not relevant to this ticket.`,
          filter: false,
          decoy: true,
        });
      }
    }

    // ---- nightly sync of the Copilot knowledge base --------------------------------------------
    const ir = rng.fork('ingest');
    for (const [when, changed] of [
      ['2025-12-09T21:30:00Z', [T['Kesar Naturals'].docs[3].key, T['Tiffin & Co'].docs[5].key]],
      ['2025-12-10T21:30:00Z', [T['Vanya Home Decor'].docs[2].key]],
    ]) {
      const ts = at(when);
      if (ts >= sim.end) continue;
      const jobId = ir.upperAlnum(10);
      const svc = sim.roleSession(w.roles.kbSync, w.res.functions.kbSync.name, {
        ip: ir.pick(w.net.lambdaEgress),
        userAgent: w.userAgents.pythonLambda,
        created: ts - 2 * MIN,
        rng: ir,
      });
      sim.call(ir, ts, svc, C.startIngestionJob(ir, w.res.copilot.kb, jobId));
      copilotIngestion(sim, ir, ts, { jobId, changed });
    }
    void broken;
    void HOUR;
  },
});
