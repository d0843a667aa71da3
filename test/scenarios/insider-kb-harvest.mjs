// Insider data harvest through the internal knowledge bases. A data analyst who has resigned
// (last day 14 November, joining a competitor) works from home during her notice period. Her
// IAM Identity Center permission set (ReadOnlyAccess plus the company-wide "Ask Orcas" grant and
// an analysts' export grant with no account condition) lets her query every internal knowledge
// base and read their source buckets. On two evenings, from her usual home address and with her
// usual CLI and Node.js script, she lists the knowledge bases, runs hundreds of Retrieve and
// RetrieveAndGenerate calls against the people (HR), finance and commercial knowledge bases she
// never uses (normally a few calls a day against the analytics KB), has a model compile salary
// bands, the headcount roster, the wholesale accounts with buyer contacts and the finance brief
// into tables, downloads the source documents, uploads copies to a bucket in her own AWS account
// (first attempt denied until she fixes its policy) and opens presigned links to three more from
// her browser. Decoys: an ML engineer's ticketed migration of the same knowledge bases (bulk
// reads of every source document, copies to a new bucket, ingestion, a retrieval regression of
// several hundred queries with model-graded passages, a GuardDuty finding of its own), and staff
// asking the internal knowledge bases ordinary questions from the console and scripts.

import {
  C,
  defineScenario,
  describeIp,
  finding,
  isoSec,
  MIN,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import { extendOrcasBay, ORCASBAY, ORCASBAY_INSIDER_TEXT as TXT } from './_worlds-g.mjs';

const PERSONAL_ACCOUNT = '640219875532';
const PERSONAL_BUCKET = 'sj-personal-archive-2291';
const MODEL = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const CONSOLE_MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';
const TICKET = 'CHG-4471';

export default defineScenario({
  name: 'insider-kb-harvest',
  seed: 'heldout-g/insider-kb-harvest/v1',
  start: '2025-11-12T08:00:00Z',
  days: 2,
  world: ORCASBAY,
  background: {
    intensity: 0.9,
    chatbot: { conversationsPerHour: 45 },
    agent: { sessionsPerHour: 4 },
    ops: { events: ['onboard'], random: 1 },
  },
  alert:
    "GuardDuty reported unusual read activity on the HR documents bucket orcasbay-people-docs late on 13 November (Pacific). HR's leavers list for the week names Sarah Johnson (data analyst, last day 14 November, joining a competitor); the ML team was migrating the internal knowledge bases the same day. Find out whether anyone took internal material.",
  truth: {
    description:
      "Sarah Johnson, a data analyst serving her notice, used her own IAM Identity Center session (ReadOnlyAccess permission set with the company-wide internal-knowledge grant and the analysts' s3:PutObject grant on any bucket) from her usual home address and her usual clients (aws-cli, her Node.js script, her browser) to harvest confidential material on the evenings of 12 and 13 November (Pacific). Normally she sends a few Retrieve/RetrieveAndGenerate calls a day to the analytics knowledge base. She listed the knowledge bases, read the people, finance and commercial knowledge bases and their data sources, then ran several hundred Retrieve (50-100 results each) and RetrieveAndGenerate calls against orcasbay-people-kb, orcasbay-finance-kb and orcasbay-commercial-kb, and had Claude 3.5 Sonnet compile what she retrieved into tables: salary bands, the headcount roster with salaries, the reorganisation list, the wholesale key accounts with buyer names, e-mails and phone numbers, price agreements, the FY26 plan, the board pack and supplier costs. On 13 November she listed the source buckets (orcasbay-people-docs, orcasbay-finance-docs, orcasbay-commercial-docs), downloaded the confidential source documents (S3 called KMS for the SSE-KMS buckets), tried to upload to sj-personal-archive-2291 in account 640219875532 (denied), and a few minutes later uploaded eight files there, then opened presigned links to three more documents from her browser. No credential was stolen and no network or client was new; the access was legitimate, its use was not. The ML engineer's bulk reads, copies, new knowledge bases, ingestion and retrieval regression (CHG-4471), her GuardDuty finding, and the staff's ordinary questions to the internal knowledge bases are legitimate.",
    elements: ['access', 'data-store-changes', 'invocation', 'private-data'],
    components: ['foundation-models', 'knowledge-bases', 'training-data'],
  },
  incident(sim, { rng, at, world, actors }) {
    const w = extendOrcasBay(sim);
    const acct = w.account.id;
    const region = w.homeRegion;
    const kbs = w.res.internalKbs;
    const staff = actors.staff;
    const sarah = w.people.find(
      (p) => p.username === 'sjohnson' || (p.team === 'data' && p.permissionSet === 'readonly'),
    );
    const ml = w.people.find((p) => p.username === 'lmensah') ?? w.people.find((p) => p.team === 'ml');
    // she works from home during her notice period; the ML engineer is in the office on the day of the migration
    sarah.remoteShare = 1;
    sarah.travelDay = null;
    sarah.commercialVpn = null;
    sarah.home = [sarah.home[0]];
    ml.remoteShare = 0;
    ml.travelDay = null;
    ml.commercialVpn = null;
    const HOME = sarah.home[0];
    const onBehalfOf = (p) => ({
      userId: p.ssoUserId,
      identityStoreArn: `arn:aws:identitystore::${acct}:identitystore/${w.sso.identityStore}`,
    });
    const consoleModelArn = `arn:aws:bedrock:${region}::foundation-model/${CONSOLE_MODEL}`;
    const s3opt = { accountId: acct, region };

    // ---------------------------------------------------------------------------------------
    // everyday use of the internal knowledge bases (decoys) and Sarah's own baseline, emitted
    // alongside the staff's background work (same sessions, addresses and clients)
    const ku = rng.fork('kb-use');
    const teamKbs = {
      platform: [
        ['people', 3],
        ['finance', 0.6],
        ['analytics', 0.5],
      ],
      app: [
        ['people', 3],
        ['analytics', 1.2],
        ['support', 0.8],
      ],
      ml: [
        ['people', 2],
        ['analytics', 2.5],
        ['support', 1],
      ],
      'support-ops': [
        ['people', 2],
        ['support', 3],
        ['commercial', 0.8],
      ],
      security: [
        ['people', 3],
        ['finance', 0.3],
      ],
      data: [
        ['people', 1],
        ['analytics', 4],
      ],
    };
    const kbFor = (k) => (k === 'support' ? { ...w.res.kb, docs: sim.kbDocs.filter((d) => !d.pii) } : kbs[k]);
    const normalUse = (task) => {
      const p = task.person;
      const k = kbFor(ku.weighted(teamKbs[p.team] ?? teamKbs.app));
      let t = task.t + ku.int(20, 600) * 1000;
      if (!task.cli) {
        const s = staff.session(p, t, task.ip, false);
        sim.tag({ decoy: true }, () => {
          for (let i = 0, n = ku.int(1, 3); i < n; i++) {
            t += ku.int(20, 150) * 1000;
            sim.call(ku, t, s, C.retrieveAndGenerate(k, consoleModelArn, acct));
          }
          if (ku.chance(0.3)) {
            const d = ku.pick(k.docs.filter((x) => !x.sensitive || p.permissionSet === 'admin'));
            sim.call(
              ku,
              t + ku.int(10, 60) * 1000,
              s,
              C.s3Object(ku, 'GetObject', k.bucket, d.key, { ...s3opt, bytes: d.size }),
            );
          }
        });
      } else {
        const s = staff.session(p, t, task.ip, true).with({ userAgent: p.sdk });
        sim.tag({ decoy: true }, () => {
          for (let i = 0, n = ku.int(1, 4); i < n; i++) {
            t += ku.int(3, 60) * 1000;
            sim.call(ku, t, s, C.retrieve(k, acct, { results: ku.pick([5, 5, 10]) }));
          }
        });
      }
    };
    let ptoAsked = false;
    const sarahBaseline = (task) => {
      let t = task.t + ku.int(30, 900) * 1000;
      const s = staff.session(sarah, t, task.ip, true).with({ userAgent: sarah.sdk });
      if (ku.chance(0.5)) {
        for (let i = 0, n = ku.int(2, 6); i < n; i++) {
          t += ku.int(5, 90) * 1000;
          sim.call(
            ku,
            t,
            s,
            ku.chance(0.7)
              ? C.retrieve(kbs.analytics, acct, { results: 5 })
              : C.retrieveAndGenerate(
                  kbs.analytics,
                  `arn:aws:bedrock:${region}::foundation-model/${MODEL}`,
                  acct,
                ),
          );
        }
      }
      if (ku.chance(0.25)) {
        const [q, a] = ku.pick(TXT.baseline);
        sim.runtime(ku, t + ku.int(20, 120) * 1000, s, {
          op: 'Converse',
          modelId: MODEL,
          prompt: q,
          answer: a,
          maxTokens: 1024,
          temperature: 0.2,
        });
      }
      if (!ptoAsked && task.t > at('2025-11-12T19:00:00Z')) {
        // a leaver checking how her unused PTO is paid out: ordinary
        ptoAsked = true;
        sim.call(
          ku,
          t + ku.int(200, 900) * 1000,
          staff.session(sarah, t, task.ip, false),
          C.retrieveAndGenerate(kbs.people, consoleModelArn, acct),
        );
      }
    };
    const run = staff.run.bind(staff);
    staff.run = (task) => {
      run(task);
      if (task.kind === 'signin') return;
      if (task.person === sarah) return sarahBaseline(task);
      if (ku.chance(0.12)) normalUse(task);
    };

    // ---------------------------------------------------------------------------------------
    // decoy: the ML team's migration of the internal knowledge bases (ticketed)
    const migStart = at('2025-11-13T17:38:00Z');
    sim.planChange({
      ticket: TICKET,
      window: { start: isoSec(migStart - 20 * MIN), end: isoSec(at('2025-11-14T01:30:00Z')) },
      owner: ml.email,
      summary: `Internal knowledge bases (people, finance, commercial, analytics): migrate to Titan Text Embeddings v2 and a new vector collection. Copy the source documents to s3://${w.company.slug}-internal-kb-v2, create the v2 knowledge bases and data sources, ingest, and run the retrieval regression set against old and new knowledge bases with model-graded relevance. Run by ${ml.first} ${ml.last} (ML) from the office with her SSO session; read-only on the existing knowledge bases.`,
    });
    {
      const mr = rng.fork('migration');
      const key = mr.iamId('ASIA');
      const base = sim.roleSession(w.sso.datasci, ml.email, {
        ip: w.net.office[0],
        userAgent: staff.clients(ml, migStart).cli,
        accessKeyId: key,
        created: migStart - 4 * MIN,
        onBehalfOf: onBehalfOf(ml),
        rng: mr,
      });
      const cli = base;
      const sdk = base.with({ userAgent: ml.sdk });
      const v2 = `${w.company.slug}-internal-kb-v2`;
      let t = migStart;
      const step = (s, call, a = 2, b = 20) => {
        t += mr.int(a, b) * 1000;
        return sim.call(mr, t, s, call);
      };
      const newKbs = {};
      sim.tag({ decoy: true }, () => {
        step(cli, C.getCallerIdentity());
        step(cli, C.bedrockAgent('ListKnowledgeBases', { maxResults: 50 }));
        for (const k of Object.values(kbs)) {
          step(cli, C.bedrockAgent('GetKnowledgeBase', { knowledgeBaseId: k.id }));
          step(cli, C.bedrockAgent('ListDataSources', { knowledgeBaseId: k.id, maxResults: 10 }));
          step(cli, C.bedrockAgent('GetDataSource', { knowledgeBaseId: k.id, dataSourceId: k.dataSourceId }));
        }
        // copy the source documents
        for (const k of Object.values(kbs)) {
          step(sdk, C.s3List(mr, k.bucket, '', s3opt), 10, 40);
          for (const d of k.docs) {
            step(sdk, C.s3Object(mr, 'GetObject', k.bucket, d.key, { ...s3opt, bytes: d.size }), 1, 3);
            step(
              sdk,
              C.s3Object(mr, 'PutObject', v2, `${k.key}/${d.key}`, { ...s3opt, bytes: d.size }),
              1,
              2,
            );
          }
        }
        // new knowledge bases, data sources, ingestion
        for (const k of Object.values(kbs)) {
          const id = mr.upperAlnum(10);
          const dsId = mr.upperAlnum(10);
          newKbs[k.key] = {
            id,
            dataSourceId: dsId,
            arn: `arn:aws:bedrock:${region}:${acct}:knowledge-base/${id}`,
          };
          step(
            cli,
            C.bedrockAgent(
              'CreateKnowledgeBase',
              {
                name: `${k.name}-v2`,
                roleArn: w.roles.kbService.arn,
                knowledgeBaseConfiguration: {
                  type: 'VECTOR',
                  vectorKnowledgeBaseConfiguration: {
                    embeddingModelArn: `arn:aws:bedrock:${region}::foundation-model/amazon.titan-embed-text-v2:0`,
                  },
                },
                storageConfiguration: {
                  type: 'OPENSEARCH_SERVERLESS',
                  opensearchServerlessConfiguration: {
                    collectionArn: `arn:aws:aoss:${region}:${acct}:collection/internalkbv2${mr.lowerAlnum(12)}`,
                    vectorIndexName: `${k.key}-v2-index`,
                    fieldMapping: { vectorField: 'embedding', textField: 'text', metadataField: 'metadata' },
                  },
                },
              },
              {
                knowledgeBase: {
                  knowledgeBaseId: id,
                  name: `${k.name}-v2`,
                  knowledgeBaseArn: newKbs[k.key].arn,
                  status: 'CREATING',
                },
              },
            ),
            20,
            60,
          );
          step(
            cli,
            C.bedrockAgent(
              'CreateDataSource',
              {
                knowledgeBaseId: id,
                name: `${k.key}-docs-v2`,
                dataSourceConfiguration: {
                  type: 'S3',
                  s3Configuration: { bucketArn: `arn:aws:s3:::${v2}`, inclusionPrefixes: [`${k.key}/`] },
                },
              },
              { dataSource: { knowledgeBaseId: id, dataSourceId: dsId, status: 'AVAILABLE' } },
            ),
            30,
            90,
          );
        }
        for (const k of Object.values(kbs)) {
          const n = newKbs[k.key];
          const job = mr.upperAlnum(10);
          step(cli, C.startIngestionJob(mr, n, job), 5, 20);
          step(
            cli,
            C.bedrockAgent('GetIngestionJob', {
              knowledgeBaseId: n.id,
              dataSourceId: n.dataSourceId,
              ingestionJobId: job,
            }),
            90,
            240,
          );
        }
        // retrieval regression: the same questions against the old and the new knowledge bases
        t = at('2025-11-13T19:05:00Z');
        for (const k of Object.values(kbs)) {
          for (let q = 0; q < 30; q++) {
            step(sdk, C.retrieve(k, acct, { results: 5 }), 2, 9);
            step(sdk, C.retrieve(newKbs[k.key], acct, { results: 5 }), 1, 4);
            if (q % 4 === 0) {
              const d = mr.pick(k.docs);
              t += mr.int(2, 8) * 1000;
              sim.runtime(mr, t, sdk, {
                op: 'InvokeModel',
                modelId: CONSOLE_MODEL,
                maxTokens: 300,
                temperature: 0,
                system:
                  'You grade retrieval results. For each passage give a relevance score 0-3 for the question. Reply with JSON only.',
                prompt: `Question: ${mr.pick(['What is covered in ' + d.title.toLowerCase() + '?', 'Where do I find ' + d.title.toLowerCase() + '?', 'Summarise ' + d.title.toLowerCase()])}\n\nPassage A (v1): ${d.text.slice(0, 700)}\n\nPassage B (v2): ${d.text.slice(0, 700)}`,
                answer: `{"A": ${mr.int(2, 3)}, "B": ${mr.int(2, 3)}}`,
              });
            }
          }
          t += mr.int(3, 12) * MIN;
        }
      });
      // GuardDuty's S3 model notices the bulk reads of the HR bucket (decoy)
      const ft = at('2025-11-13T18:31:12Z');
      const ip = describeIp(w, base.ip, mr);
      sim.finding(
        ft,
        finding(mr, w, {
          t: ft,
          type: 'Exfiltration:S3/AnomalousBehavior',
          severity: 8,
          resourceType: 'S3Bucket',
          accessKey: {
            accessKeyId: key,
            principalId: `${w.sso.datasci.id}:${ml.email}`,
            userType: 'AssumedRole',
            userName: w.sso.datasci.name,
          },
          s3Bucket: { name: kbs.people.bucket, arn: `arn:aws:s3:::${kbs.people.bucket}` },
          title: `Unusual read activity on S3 bucket ${kbs.people.bucket}.`,
          description: `An unusually large number of objects in bucket ${kbs.people.bucket} were read by a principal that does not usually read them.`,
          api: 'GetObject',
          serviceName: 's3.amazonaws.com',
          remoteIp: {
            ip: ip.ip,
            country: ip.country,
            city: ip.city,
            asn: ip.asn,
            asnOrg: ip.asnOrg,
            isp: ip.isp,
            org: ip.org,
          },
          firstSeen: migStart + 3 * MIN,
          lastSeen: ft - 20 * MIN,
          count: kbs.people.docs.length,
        }),
        { decoy: true },
      );
    }

    // ---------------------------------------------------------------------------------------
    // Sarah's harvest
    const hr = rng.fork('harvest');
    const sso = w.sso.readonly;
    const evening = (tStart) => {
      const key = hr.iamId('ASIA');
      const s = sim.threat(
        sim.roleSession(sso, sarah.email, {
          ip: HOME,
          userAgent: staff.clients(sarah, tStart).cli,
          accessKeyId: key,
          created: tStart - 40 * 1000,
          onBehalfOf: onBehalfOf(sarah),
          rng: hr,
        }),
      );
      return {
        cli: s,
        sdk: s.with({ userAgent: sarah.sdk }),
        browser: s.with({ userAgent: staff.clients(sarah, tStart).browser }),
      };
    };
    let t = 0;
    const step = (s, call, key = false, a = 2, b = 15) => {
      t += hr.int(a, b) * 1000;
      return sim.call(hr, t, s, { ...call, key });
    };
    const retrieveRun = (s, k, n, nGen, { keyFirst = false } = {}) => {
      for (let i = 0; i < n; i++) {
        const burst = hr.chance(0.7);
        step(
          s,
          C.retrieve(k, acct, { results: hr.pick([50, 100, 100, 25]) }),
          keyFirst && i === 0,
          burst ? 1 : 4,
          burst ? 4 : 40,
        );
        if (nGen && i % Math.max(1, Math.floor(n / nGen)) === Math.floor(n / nGen) - 1) {
          step(
            s,
            C.retrieveAndGenerate(k, `arn:aws:bedrock:${region}::foundation-model/${MODEL}`, acct),
            keyFirst && i < n / nGen,
            3,
            20,
          );
        }
      }
    };
    const byKey = (k, key) => kbs[k].docs.find((d) => d.key === key);
    const rowsOf = (d, n) =>
      d.text
        .split('\n')
        .slice(0, n + 1)
        .join('\n');
    const compile = (s, instruction, sources, answer, key) => {
      t += hr.int(20, 120) * 1000;
      sim.runtime(hr, t, s, {
        op: 'Converse',
        modelId: MODEL,
        maxTokens: 4096,
        temperature: 0,
        key,
        prompt: `${instruction}\n\n${sources.map((d) => `--- ${d.title} (${d.key}) ---\n${d.text}`).join('\n\n')}`,
        answer,
      });
    };

    // 12 November, 19:48 Pacific: the first look
    t = at('2025-11-13T03:48:10Z');
    let e = evening(t);
    step(e.cli, C.getCallerIdentity());
    step(e.cli, C.bedrockAgent('ListKnowledgeBases', { maxResults: 100 }), true);
    for (const k of [kbs.people, kbs.finance, kbs.commercial])
      step(
        e.cli,
        C.bedrockAgent('GetKnowledgeBase', { knowledgeBaseId: k.id }, null, [k.id]),
        k === kbs.people,
      );
    step(
      e.cli,
      C.bedrockAgent('ListDataSources', { knowledgeBaseId: kbs.people.id, maxResults: 10 }, null, [
        kbs.people.id,
      ]),
    );
    step(
      e.cli,
      C.bedrockAgent(
        'GetDataSource',
        { knowledgeBaseId: kbs.people.id, dataSourceId: kbs.people.dataSourceId },
        null,
        [kbs.people.id, kbs.people.dataSourceId],
      ),
    );
    t += hr.int(3, 6) * MIN;
    retrieveRun(e.sdk, kbs.people, 14, 3, { keyFirst: true });
    const bands = byKey('people', 'compensation/salary-bands-2026.csv');
    compile(
      e.sdk,
      TXT.compile[0],
      [bands, byKey('people', 'compensation/merit-cycle-2026-guidelines.md')],
      `| level | family | min | mid | max | bonus % | equity |\n|---|---|---|---|---|---|---|\n${bands.text
        .split('\n')
        .slice(1)
        .map((r) => `| ${r.split(',').join(' | ')} |`)
        .join('\n')}`,
      true,
    );
    t += hr.int(2, 5) * MIN;
    retrieveRun(e.sdk, kbs.finance, 9, 2, { keyFirst: true });
    const board = byKey('finance', 'board/q3-fy25-board-pack.md');
    compile(
      e.sdk,
      TXT.compile[2],
      [board, byKey('finance', 'planning/fy26-operating-plan.md')],
      `FY25 Q3 and FY26 brief\n\n${board.text.split('\n\n')[1]}\n\n${byKey('finance', 'planning/fy26-operating-plan.md').text.split('\n\n')[1]}`,
      false,
    );

    // 13 November, 18:20 Pacific: the harvest
    t = at('2025-11-14T02:20:31Z');
    e = evening(t);
    step(e.cli, C.getCallerIdentity());
    for (const k of [kbs.people, kbs.finance, kbs.commercial])
      step(e.cli, C.s3List(hr, k.bucket, '', s3opt), k !== kbs.finance, 3, 12);
    t += hr.int(2, 4) * MIN;
    retrieveRun(e.sdk, kbs.commercial, 36, 6, { keyFirst: true });
    const accounts = byKey('commercial', 'accounts/wholesale-key-accounts.csv');
    const pipeline = byKey('commercial', 'pipeline/b2b-pipeline-q4.csv');
    compile(
      e.sdk,
      TXT.compile[1],
      [accounts],
      `account,buyer,email,phone,annual_volume,discount,contract_end\n${accounts.text
        .split('\n')
        .slice(1)
        .map((r) => r.split(',').slice(0, 7).join(','))
        .join('\n')}`,
      true,
    );
    compile(
      e.sdk,
      TXT.compile[5],
      [pipeline, { ...accounts, text: rowsOf(accounts, 8) }],
      `name,contact,email,status\n${pipeline.text
        .split('\n')
        .slice(1)
        .map((r) => {
          const c = r.split(',');
          return `${c[0]},${c[1]},${c[2]},prospect`;
        })
        .join('\n')}`,
      false,
    );
    compile(
      e.sdk,
      TXT.compile[4],
      [byKey('commercial', 'contracts/wholesale-price-agreements-2026.md')],
      byKey('commercial', 'contracts/wholesale-price-agreements-2026.md')
        .text.split('\n')
        .filter((l) => l.startsWith('- '))
        .map((l) => l.slice(2))
        .join('\n'),
      false,
    );
    t += hr.int(3, 8) * MIN;
    retrieveRun(e.sdk, kbs.people, 32, 5);
    const roster = byKey('people', 'org/headcount-roster-q4.csv');
    const reorg = byKey('people', 'org/reorg-2026-proposal-confidential.md');
    compile(
      e.sdk,
      TXT.compile[3],
      [roster, reorg],
      `| employee | title | team | level | base |\n|---|---|---|---|---|\n${roster.text
        .split('\n')
        .slice(1)
        .map((r) => {
          const c = r.split(',');
          return [c[0], c[2], c[4], c[3], c[7]];
        })
        .sort((a, b) => Number(b[4]) - Number(a[4]))
        .map((c) => `| ${c.join(' | ')} |`)
        .join('\n')}\n\nProposed for elimination: ${reorg.text
        .split('\n')
        .filter((l) => l.startsWith('- '))
        .map((l) => l.slice(2).split(' (')[0])
        .join(', ')}`,
      true,
    );
    t += hr.int(2, 6) * MIN;
    retrieveRun(e.sdk, kbs.finance, 26, 4);
    const costs = byKey('finance', 'suppliers/supplier-cost-sheet-2025.csv');
    compile(e.sdk, TXT.compile[2], [costs, board], `Supplier costs and margins\n${costs.text}`, false);
    // the source documents
    t += hr.int(4, 9) * MIN;
    const take = [
      [
        'people',
        [
          'compensation/salary-bands-2026.csv',
          'org/headcount-roster-q4.csv',
          'org/reorg-2026-proposal-confidential.md',
          'compensation/merit-cycle-2026-guidelines.md',
          'handbook/benefits-overview-2026.md',
        ],
      ],
      [
        'commercial',
        [
          'accounts/wholesale-key-accounts.csv',
          'contracts/wholesale-price-agreements-2026.md',
          'pipeline/b2b-pipeline-q4.csv',
        ],
      ],
      [
        'finance',
        [
          'board/q3-fy25-board-pack.md',
          'planning/fy26-operating-plan.md',
          'suppliers/supplier-cost-sheet-2025.csv',
        ],
      ],
    ];
    const keyDocs = new Set([
      'compensation/salary-bands-2026.csv',
      'org/headcount-roster-q4.csv',
      'org/reorg-2026-proposal-confidential.md',
      'accounts/wholesale-key-accounts.csv',
      'contracts/wholesale-price-agreements-2026.md',
      'board/q3-fy25-board-pack.md',
      'suppliers/supplier-cost-sheet-2025.csv',
    ]);
    const peopleReads = [];
    for (const [k, keys] of take) {
      for (const dk of keys) {
        const d = byKey(k, dk);
        step(
          e.cli,
          C.s3Object(hr, 'GetObject', kbs[k].bucket, d.key, { ...s3opt, bytes: d.size }),
          keyDocs.has(dk),
          1,
          3,
        );
        if (k === 'people') peopleReads.push(t);
      }
    }
    // copies to her own bucket: denied until she changes its policy
    t += hr.int(3, 7) * MIN;
    const uploads = [
      ['orcas/comp-bands-2026.csv', bands],
      ['orcas/headcount-roster-q4.csv', roster],
      ['orcas/reorg-2026.md', reorg],
      ['orcas/wholesale-key-accounts.csv', accounts],
      ['orcas/price-agreements-2026.md', byKey('commercial', 'contracts/wholesale-price-agreements-2026.md')],
      ['orcas/b2b-pipeline.csv', pipeline],
      ['orcas/fy26-and-board-brief.md', board],
      ['orcas/supplier-costs.csv', costs],
    ];
    const pOpt = { accountId: PERSONAL_ACCOUNT, region, versioned: false };
    step(
      e.cli,
      {
        ...C.s3Object(hr, 'PutObject', PERSONAL_BUCKET, uploads[0][0], {
          ...pOpt,
          bytes: uploads[0][1].size,
        }),
        error: { code: 'AccessDenied', message: 'Access Denied' },
      },
      true,
    );
    t += hr.int(5, 9) * MIN;
    for (const [i, [k, d]] of uploads.entries())
      step(
        e.cli,
        C.s3Object(hr, 'PutObject', PERSONAL_BUCKET, k, { ...pOpt, bytes: d.size + hr.int(-40, 400) }),
        i < 4 || i === 7,
        1,
        4,
      );
    // presigned links she mailed to herself, opened in her browser at home
    t += hr.int(12, 25) * MIN;
    for (const [i, [k, dk]] of [
      ['people', 'compensation/merit-cycle-2026-guidelines.md'],
      ['finance', 'planning/fy26-operating-plan.md'],
      ['commercial', 'pipeline/b2b-pipeline-q4.csv'],
    ].entries()) {
      const d = byKey(k, dk);
      step(
        e.browser,
        C.s3Object(hr, 'GetObject', kbs[k].bucket, d.key, { ...s3opt, bytes: d.size, auth: 'QueryString' }),
        i === 0,
        20,
        90,
      );
    }

    // GuardDuty: the reads of the HR bucket that evening
    sim.tag({ malicious: true, key: true, scope: 'none' }, () => {
      const ft = peopleReads[peopleReads.length - 1] + 17 * MIN + 23 * 1000;
      const ip = describeIp(w, HOME, hr);
      sim.finding(
        ft,
        finding(hr, w, {
          t: ft,
          type: 'Exfiltration:S3/AnomalousBehavior',
          severity: 8,
          resourceType: 'S3Bucket',
          accessKey: {
            accessKeyId: e.cli.accessKeyId,
            principalId: `${sso.id}:${sarah.email}`,
            userType: 'AssumedRole',
            userName: sso.name,
          },
          s3Bucket: { name: kbs.people.bucket, arn: `arn:aws:s3:::${kbs.people.bucket}` },
          title: `Unusual read activity on S3 bucket ${kbs.people.bucket}.`,
          description: `An unusually large number of objects in bucket ${kbs.people.bucket} were read by a principal that does not usually read them, at an unusual time.`,
          api: 'GetObject',
          serviceName: 's3.amazonaws.com',
          remoteIp: {
            ip: ip.ip,
            country: ip.country,
            city: ip.city,
            asn: ip.asn,
            asnOrg: ip.asnOrg,
            isp: ip.isp,
            org: ip.org,
          },
          firstSeen: peopleReads[0],
          lastSeen: peopleReads[peopleReads.length - 1],
          count: peopleReads.length,
        }),
      );
    });
  },
});
