// Model distillation through Terravie Agri's public B2B API (_worlds-m.mjs: the AgroConseil API,
// a Lambda that calls Bedrock Converse for each API request and names the tenant, API key and
// client address in requestMetadata). No AWS credential is involved. A customer, Agrilytix SAS
// (tenant tn-e52c18, business plan since September), harvests the advisor's answers to train its
// own model: from Monday evening, after a short calibration of output formats, a script sends
// templated prompts that walk methodically through crop x pest/disease x growth stage x region
// (sequential case ids AGX-000001, ...), asking for long structured answers with step-by-step
// reasoning and synthetic farmer Q&A, at temperature 0 and 4096 max tokens, around the clock from
// cloud addresses. When throughput is capped on Tuesday it adds a second API key; from Wednesday
// two trial tenants signed up under other names (Semis Data, Fieldnote Analytics) continue the same
// sequence from the same addresses. About fourteen thousand requests in three days.
// Decoys: CoopNord, the largest tenant, with high but organic traffic (many end users, free-text
// questions, working hours); Vitisoft's nightly batch of real growers' support tickets; Terravie's
// own evaluation harness (CodeBuild, nightly, templated golden prompts at temperature 0).

import {
  C,
  DAY,
  defineScenario,
  finding,
  HOUR,
  iamRole,
  localClock,
  MIN,
} from '../../../shared/tools/evidence-gen/lib.mjs';
import {
  AGRO,
  agroApi,
  apiBackground,
  farmerQuestion,
  managementBackground,
  TENANTS,
  TERRAVIE,
  TV_PROD,
  writeTenantRegister,
} from './_worlds-m.mjs';

const DISTILL_IPS = ['116.203.88.41', '116.203.91.7', '51.158.72.19'];
const AGX = {
  id: 'tn-e52c18',
  name: 'Agrilytix SAS',
  plan: 'business',
  keys: ['ak_live_e52c18_Vb4n', 'ak_live_e52c18_c0Xe'],
  ips: [],
  since: '2025-09-29',
  contact: 'integration@agrilytix.com',
};
const TRIAL1 = {
  id: 'tn-f1a9d3',
  name: 'Semis Data OÜ',
  plan: 'trial',
  keys: ['ak_trial_f1a9d3_Jx2k'],
  ips: [],
  since: '2025-11-26',
  contact: 'ops@semisdata.ee',
};
const TRIAL2 = {
  id: 'tn-2b7e64',
  name: 'Fieldnote Analytics Ltd',
  plan: 'trial',
  keys: ['ak_trial_2b7e64_Pq9w'],
  ips: [],
  since: '2025-11-26',
  contact: 'api@fieldnote-analytics.io',
};

const pick = (rng, a) => a[rng.int(0, a.length - 1)];

// ---- the harvesting script's prompts and the advisor's long answers ---------------------------

function sweepPrompt(idx, combo, variant, rng) {
  const { crop, issue, stage, region } = combo;
  const soil = AGRO.soils[idx % AGRO.soils.length];
  const level = AGRO.levels[Math.floor(idx / 3) % AGRO.levels.length];
  const caseId = `AGX-${String(idx).padStart(6, '0')}`;
  if (variant === 0) {
    return `### Task\nYou are an expert agronomist advising French growers. Crop: ${crop.en} (${crop.fr}). Growth stage: ${stage}. Region: ${region}, France. Soil: ${soil}. Observation: ${issue} pressure reported as ${level}.\n### Output\nReturn JSON with keys: diagnosis, differential_diagnosis, risk_level, economic_threshold, recommended_actions (list of {active_ingredient, dose_per_ha, timing, znt_m, dar_days}), non_chemical_alternatives, monitoring_plan, reasoning (step by step, at least 8 numbered steps). Be exhaustive.\n### Case id: ${caseId}`;
  }
  if (variant === 1) {
    const n = 5 + (idx % 3);
    return `Generate ${n} diverse, realistic questions that a grower in ${region} could ask about ${issue} in ${crop.en} at ${stage} on ${soil} soil, then answer each one in full exactly as the AgroConseil advisor would, including doses, thresholds, regulatory limits and your reasoning. Format strictly as Q1: ... A1: ... Q2: ... A2: ...\nCase id: ${caseId}`;
  }
  return `Explain step by step how you decide whether and how to treat ${issue} in ${crop.en} at ${stage} on ${soil} soil in ${region}. Include every threshold, product choice with dose per hectare, ZNT and pre-harvest interval, weather conditions, and the exact wording you would use with the farmer. Then list the three most common mistakes. Case ${caseId}.`;
}

function longAnswer(rng, combo, variant) {
  const { crop, issue, stage, region } = combo;
  const act = () => pick(rng, AGRO.actives);
  const steps = Array.from(
    { length: rng.int(8, 11) },
    (_, i) =>
      `${i + 1}. ${pick(rng, [
        `Confirm the symptoms of ${issue} on at least ${rng.int(20, 50)} plants across the field, away from headlands.`,
        `Relate the observation to the stage (${stage}): the leaves that matter for yield are the last ${rng.int(2, 3)} to emerge.`,
        `Check the weather of the past ${rng.int(5, 12)} days in ${region}: ${rng.int(3, 8)} days of leaf wetness above ${rng.int(8, 14)} °C favour infection.`,
        `Compare with the economic threshold: ${rng.int(10, 50)} % of plants affected or ${rng.int(1, 5)} individuals per plant.`,
        `Take the variety's tolerance score (${rng.int(4, 8)}/9) into account before deciding.`,
        `If the threshold is exceeded, choose ${act()} at ${rng.int(40, 100)} % of the authorised dose, alternating modes of action to limit resistance.`,
        `Respect the untreated buffer zone of ${pick(rng, ['5', '20', '50'])} m and the pre-harvest interval of ${rng.int(21, 56)} days.`,
        `Spray in the evening with wind below 19 km/h and hygrometry above 60 %, with anti-drift nozzles.`,
        `Plan a new observation ${rng.int(5, 10)} days after the intervention and record it in the field register.`,
        `Document the decision for the certification audit (HVE or organic) with the product's authorisation number.`,
      ])}`,
  );
  if (variant === 1) {
    const n = rng.int(5, 7);
    return Array.from(
      { length: n },
      (_, i) =>
        `Q${i + 1}: ${pick(rng, [
          `Is it worth treating ${issue} on my ${crop.en} at ${stage}?`,
          `What dose of ${act()} should I use against ${issue}?`,
          `How do I recognise ${issue} early in ${crop.en}?`,
          `Can I mix ${act()} with liquid nitrogen on ${crop.en}?`,
          `What non-chemical options exist against ${issue} in ${region}?`,
          `How long after treating can I harvest my ${crop.en}?`,
        ])}\nA${i + 1}: ${steps
          .slice(0, rng.int(3, 5))
          .map((s) => s.replace(/^\d+\. /, ''))
          .join(' ')}`,
    ).join('\n\n');
  }
  const head =
    variant === 0
      ? `{\n  "diagnosis": "${issue} on ${crop.en} at ${stage}",\n  "differential_diagnosis": ["${pick(rng, crop.issues)}", "nutrient deficiency", "herbicide phytotoxicity"],\n  "risk_level": "${pick(rng, ['low', 'moderate', 'high'])}",\n  "economic_threshold": "${rng.int(10, 50)} % of plants with symptoms on the upper ${rng.int(2, 3)} leaves",\n  "recommended_actions": [{"active_ingredient": "${act()}", "dose_per_ha": "${rng.int(2, 12) / 10} L", "timing": "${stage}", "znt_m": ${pick(rng, [5, 20, 50])}, "dar_days": ${rng.int(21, 56)}}, {"active_ingredient": "${act()}", "dose_per_ha": "${rng.int(2, 12) / 10} L", "timing": "T+${rng.int(14, 21)} days if pressure persists", "znt_m": ${pick(rng, [5, 20])}, "dar_days": ${rng.int(21, 56)}}],\n  "non_chemical_alternatives": ["${pick(rng, ['tolerant varieties', 'later sowing', 'crop rotation with a break crop', 'mechanical weeding', 'biocontrol products'])}", "${pick(rng, ['lower seed rate', 'residue management', 'balanced nitrogen', 'trap crops'])}"],\n  "monitoring_plan": "weekly counts on ${rng.int(20, 50)} plants until ${pick(rng, ['flowering', 'grain fill', 'harvest'])}",\n  "reasoning": [\n`
      : `Decision process for ${issue} in ${crop.en} (${stage}, ${region}):\n\n`;
  const tail =
    variant === 0
      ? `\n  ]\n}`
      : `\n\nWording for the farmer: "${pick(rng, ['Given what you saw this morning and the rain forecast, I recommend', 'The pressure is below the threshold for now, so I suggest', 'Your variety is tolerant, so we can wait and'])} ${pick(rng, ['a single intervention this week', 'a new count in five days', 'no treatment before the next observation'])}."\n\nCommon mistakes: (1) treating on calendar date rather than observation; (2) ignoring the buffer zone next to watercourses; (3) repeating the same mode of action.`;
  return (
    head + steps.map((s) => (variant === 0 ? `    "${s}"` : s)).join(variant === 0 ? ',\n' : '\n') + tail
  );
}

/** The enumeration the script walks: crop x issue x stage x region. */
function* sweep() {
  for (let pass = 0; pass < 3; pass++) {
    for (const crop of AGRO.crops)
      for (const issue of crop.issues)
        for (const stage of AGRO.stages)
          for (const region of AGRO.regions)
            for (let variant = 0; variant < 3; variant++) yield { crop, issue, stage, region, variant, pass };
  }
}

// ---- support tickets of Vitisoft's growers (nightly batch) -------------------------------------

function vineTicket(rng) {
  const i = pick(rng, AGRO.crops.find((c) => c.en === 'grapevine').issues);
  const t = pick(rng, [
    `Bonjour, depuis la mise à jour je n'arrive plus à saisir mon traitement ${i} dans le registre, le produit ${pick(rng, AGRO.actives)} n'apparaît pas. Parcelle ${pick(rng, ['Les Crayères', 'Clos du Moulin', 'La Garenne', 'Les Longues Raies', 'Mont Aigu'])}.`,
    `Le modèle de risque ${i} m'affiche rouge alors qu'il n'a pas plu depuis 8 jours, c'est normal ? Station ${pick(rng, ['Épernay', 'Aÿ', 'Vertus', 'Bouzy', 'Cramant'])}.`,
    `Je voudrais savoir combien de kg de cuivre métal il me reste cette année sur la parcelle ${pick(rng, ['C12', 'B4', 'A7', 'D2'])}, l'appli ne fait pas le cumul.`,
    `Export PDF du cahier de traitement pour l'audit HVE qui plante, pouvez-vous m'aider ? Merci`,
    `Conseil pour ${i} après la grêle de dimanche, les grappes sont touchées à ${rng.int(10, 40)} %.`,
    `Peut-on réduire la dose de ${pick(rng, AGRO.actives)} avec la nouvelle buse, et comment l'indiquer dans l'appli ?`,
  ]);
  return `Ticket VS-${rng.int(30000, 39999)} (${pick(rng, ['Champagne', 'Bourgogne', 'Alsace', 'Bordelais', 'Val de Loire'])}).\nClassify this grower ticket (category: agronomy | software | account | billing; urgency: low | normal | high) and draft a short reply in French.\n---\n${t}`;
}

export default defineScenario({
  name: 'model-distillation',
  seed: 'fresh-m/model-distillation/v1',
  start: '2025-11-24T00:00:00Z',
  days: 4,
  world: TERRAVIE,
  background: {
    intensity: 0.45,
    chatbot: { conversationsPerHour: 35 },
    agent: { sessionsPerHour: 2 },
    jobs: { guardrailEval: false },
    ops: { events: ['onboard'], random: 0 },
  },
  alert:
    "FinOps: Bedrock spend on the AgroConseil API's model (EU cross-Region profile of Claude 3.5 Sonnet, eu-west-3) is running at about four times last month's weekly average since Monday evening, with output tokens at night higher than during the day. No release or configuration change this week. The API team asks whether something is wrong.",
  truth: {
    description:
      "No AWS credential was compromised and nothing was changed. A customer of the AgroConseil API, Agrilytix SAS (tenant tn-e52c18, API key ak_live_e52c18_Vb4n), systematically harvested the advisor's answers to distil its own model: from 19:50 Paris time on Monday 24 November, after a short calibration of output formats, a script called the API from cloud addresses (116.203.88.41, 116.203.91.7, 51.158.72.19) around the clock with templated prompts that walk through crop x pest/disease x BBCH stage x region in order (sequential case ids AGX-000001 ...), asking for exhaustive JSON diagnoses with step-by-step reasoning, synthetic farmer Q&A and decision procedures, always at temperature 0 and 4096 max tokens, so that output tokens per request were several times those of organic traffic. On Tuesday afternoon it added a second key (ak_live_e52c18_c0Xe); from Wednesday morning two trial tenants registered that day under other names (tn-f1a9d3 Semis Data OÜ, tn-2b7e64 Fieldnote Analytics Ltd) continued the same case-id sequence from the same addresses, until Thursday evening: about fourteen thousand requests. The application's execution role (terravie-agroconseil-api-role) made every Converse call on their behalf; the tenant, key and client address are only in the invocation logs' requestMetadata. Impact: extraction of the model's outputs and the application's agronomic behaviour (distillation) against the API terms, and cost. Response: suspend the tenants and keys, block the addresses at the API, add per-tenant token quotas and output-pattern monitoring. CoopNord's high but organic traffic, Vitisoft's nightly ticket batch and Terravie's own nightly evaluation harness are legitimate.",
    elements: ['invocation'],
    components: ['foundation-models'],
    scope: { sourceIps: DISTILL_IPS },
  },
  incident(sim, { rng, at, world }) {
    const w = world;
    const api = agroApi(sim);
    const tags = { malicious: true, scope: 'proxy' };

    // ---- the organisation's ordinary life ------------------------------------------------------
    managementBackground(sim, rng.fork('mgmt-bg'), sim.start, sim.end);
    apiBackground(sim, rng.fork('api-bg'), sim.start, sim.end, { skip: ['tn-3b81d0', 'tn-a41f77'] });
    writeTenantRegister(sim, [AGX, TRIAL1, TRIAL2]);

    // ---- the harvesting ------------------------------------------------------------------------
    const it = sweep();
    let idx = 0;
    const next = () => {
      const n = it.next();
      if (n.done) return null;
      idx++;
      return n.value;
    };
    const harvest = (r, t, stream, key = false) => {
      const combo = next();
      if (!combo) return;
      const variant = combo.variant;
      const prompt = sweepPrompt(idx, combo, variant, r);
      const answer = longAnswer(r, combo, variant);
      api.call(r, t, {
        tenant: stream.tenant.id,
        apiKeyId: stream.key,
        clientIp: stream.ip,
        plan: stream.tenant.plan,
        prompt,
        answer,
        maxTokens: 4096,
        temperature: 0,
        topP: 1,
        endpoint: '/v1/advice',
        tags,
        key,
      });
    };

    // calibration: a few formats tried by hand-ish from the first address
    const cal = rng.fork('calibration');
    let t = at('2025-11-24T18:50:12Z');
    for (let i = 0; i < 36; i++) {
      const q = i % 4 === 0 ? farmerQuestion(cal) : null;
      const combo = {
        crop: AGRO.crops[i % 3],
        issue: AGRO.crops[i % 3].issues[i % 2],
        stage: AGRO.stages[(i * 3) % 8],
        region: AGRO.regions[i % 5],
      };
      const variant = i % 3;
      const prompt = q
        ? q.prompt
        : sweepPrompt(0, combo, variant, cal).replace(
            /\n?### Case id: AGX-000000|\nCase id: AGX-000000| Case AGX-000000\./,
            '',
          );
      const answer = q ? q.answer : longAnswer(cal, combo, variant);
      api.call(cal, t, {
        tenant: AGX.id,
        apiKeyId: AGX.keys[0],
        clientIp: DISTILL_IPS[0],
        plan: AGX.plan,
        prompt,
        answer,
        maxTokens: i < 12 ? cal.pick([1024, 2048, 4096]) : 4096,
        temperature: i < 12 ? cal.pick([0, 0.7, 1]) : 0,
        tags,
        key: i === 0 || i === 13,
      });
      t += cal.int(20, 140) * 1000;
    }

    // streams: [tenant, key, ip, from, to, perHour]
    const streams = [
      {
        tenant: AGX,
        key: AGX.keys[0],
        ip: DISTILL_IPS[0],
        from: at('2025-11-24T19:32:00Z'),
        to: at('2025-11-25T13:38:00Z'),
        perHour: 165,
      },
      {
        tenant: AGX,
        key: AGX.keys[0],
        ip: DISTILL_IPS[0],
        from: at('2025-11-25T13:38:00Z'),
        to: at('2025-11-26T09:05:00Z'),
        perHour: 58,
      },
      {
        tenant: AGX,
        key: AGX.keys[1],
        ip: DISTILL_IPS[1],
        from: at('2025-11-25T13:51:00Z'),
        to: at('2025-11-26T09:05:00Z'),
        perHour: 118,
      },
      {
        tenant: AGX,
        key: AGX.keys[1],
        ip: DISTILL_IPS[1],
        from: at('2025-11-26T09:05:00Z'),
        to: at('2025-11-27T20:40:00Z'),
        perHour: 55,
      },
      {
        tenant: TRIAL1,
        key: TRIAL1.keys[0],
        ip: DISTILL_IPS[2],
        from: at('2025-11-26T09:12:00Z'),
        to: at('2025-11-27T20:10:00Z'),
        perHour: 108,
      },
      {
        tenant: TRIAL2,
        key: TRIAL2.keys[0],
        ip: DISTILL_IPS[0],
        from: at('2025-11-26T09:40:00Z'),
        to: at('2025-11-27T20:55:00Z'),
        perHour: 104,
      },
    ];
    // one merged timeline so that the case ids stay in order across streams
    const events = [];
    for (const [i, s] of streams.entries()) {
      const r = rng.fork(`stream${i}`);
      let ts = s.from;
      let first = true;
      while (ts < s.to) {
        ts += Math.max(1500, r.exp(HOUR / s.perHour));
        if (r.chance(0.004)) ts += r.int(5, 25) * MIN; // the script restarts
        if (ts >= s.to) break;
        events.push({ t: Math.round(ts), s, first, i });
        first = false;
      }
    }
    events.sort((a, b) => a.t - b.t);
    const hr = rng.fork('harvest');
    const seenDay = new Set();
    for (const e of events) {
      const day = `${e.i}|${Math.floor(e.t / DAY)}`;
      const key = e.first || (!seenDay.has(day) && e.i === 0);
      seenDay.add(day);
      harvest(hr, e.t, e.s, key);
    }

    // ---- decoy 1: CoopNord, the largest tenant: high, organic, many end users -------------------
    const coop = TENANTS.find((x) => x.id === 'tn-3b81d0');
    const cr = rng.fork('coopnord');
    const coopUsers = Array.from({ length: 900 }, () => `u-${cr.hex(10)}`);
    for (let h = sim.start; h < sim.end; h += HOUR) {
      const { hour, weekend } = localClock(h, w.tz);
      const shape =
        hour >= 6 && hour < 21 ? (hour >= 7 && hour < 11 ? 1 : hour >= 13 && hour < 19 ? 0.75 : 0.45) : 0.04;
      const monday = new Date(h + w.tz * HOUR).getUTCDay() === 1 ? 1.3 : 1;
      const n = cr.poisson(95 * shape * monday * (weekend ? 0.4 : 1));
      for (let i = 0; i < n; i++) {
        const ts = h + cr.int(0, 3599) * 1000;
        const q = farmerQuestion(cr);
        api.call(cr, ts, {
          tenant: coop.id,
          apiKeyId: cr.pick(coop.keys),
          clientIp: cr.pick(coop.ips),
          plan: coop.plan,
          prompt: q.prompt,
          answer: q.answer,
          endUser: cr.pick(coopUsers),
          maxTokens: 1500,
          temperature: 0.3,
          decoy: true,
        });
      }
    }

    // ---- decoy 2: Vitisoft's nightly batch of growers' support tickets (01:30 UTC) ---------------
    const vit = TENANTS.find((x) => x.id === 'tn-a41f77');
    const vr = rng.fork('vitisoft');
    for (let d = sim.start; d < sim.end; d += DAY) {
      let ts = d + 90 * MIN + vr.int(0, 300) * 1000;
      const n = vr.int(170, 260);
      for (let i = 0; i < n; i++) {
        const prompt = vineTicket(vr);
        const answer = `Catégorie : ${vr.pick(['agronomy', 'software', 'account', 'billing'])} ; urgence : ${vr.pick(['low', 'normal', 'normal', 'high'])}.\nRéponse proposée : Bonjour, merci pour votre message. ${vr.pick(['Nous avons transmis le problème à notre équipe technique et revenons vers vous sous 48 h.', 'Vous trouverez le cumul de cuivre dans Registre > Bilans > Cuivre métal ; il est calculé sur 7 ans glissants.', 'Le modèle de risque tient compte des rosées et de l\u2019humidité nocturne, pas seulement des pluies.', 'Après grêle, une protection rapide contre le botrytis et le mildiou est conseillée sur les grappes blessées ; vérifiez les doses sur l\u2019étiquette.'])} Bien cordialement, le support Vitisoft.`;
        api.call(vr, ts, {
          tenant: vit.id,
          apiKeyId: vit.keys[0],
          clientIp: vit.ips[0],
          plan: vit.plan,
          prompt,
          answer,
          endpoint: '/v1/batch',
          maxTokens: 700,
          temperature: 0.2,
          decoy: true,
        });
        ts += vr.int(4, 14) * 1000;
      }
    }

    // ---- decoy 3: Terravie's own evaluation harness (CodeBuild, nightly 03:30 local) ---------------
    const er = rng.fork('eval');
    const evalRole = iamRole(er, TV_PROD, 'codebuild-terravie-agroconseil-eval-service-role', {
      path: '/service-role/',
      trust: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
      created: sim.start - 200 * DAY,
    });
    evalRole.inline.push({
      name: 'agroconseil-eval',
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: ['secretsmanager:GetSecretValue'],
            Resource: `arn:aws:secretsmanager:eu-west-3:${TV_PROD}:secret:prod/terravie/agroconseil-eval-key-*`,
          },
          {
            Effect: 'Allow',
            Action: ['s3:PutObject'],
            Resource: `arn:aws:s3:::${w.res.buckets.ciArtifacts}/agroconseil-eval/*`,
          },
        ],
      },
    });
    w.roles.agroEval = evalRole;
    const evalSecret = {
      name: 'prod/terravie/agroconseil-eval-key',
      arn: `arn:aws:secretsmanager:eu-west-3:${TV_PROD}:secret:prod/terravie/agroconseil-eval-key-${er.base62(6)}`,
    };
    const golden = [];
    for (const crop of AGRO.crops)
      for (const issue of crop.issues)
        for (const stage of [AGRO.stages[2], AGRO.stages[5]])
          golden.push({ crop, issue, stage, region: AGRO.regions[golden.length % AGRO.regions.length] });
    const qa = TENANTS.find((x) => x.id === 'tn-internal-qa');
    for (let d = sim.start; d < sim.end; d += DAY) {
      const t0 = d + (3.5 - w.tz) * HOUR + er.int(0, 600) * 1000;
      const key = er.iamId('ASIA');
      const build = `terravie-agroconseil-eval:${er.uuid()}`;
      sim.tag({ decoy: true }, () => {
        sim.call(
          er,
          t0,
          sim.serviceSession('codebuild.amazonaws.com'),
          C.assumeRole(er, evalRole, 'AWSCodeBuild-' + build.split(':')[1], key, t0, { region: 'eu-west-3' }),
        );
        const s = sim.roleSession(evalRole, 'AWSCodeBuild-' + build.split(':')[1], {
          ip: w.net.appNat[0],
          userAgent: w.userAgents.pythonLambda.replace(/exec-env\/\S+/, 'exec-env/AWS_CodeBuild'),
          accessKeyId: key,
          created: t0,
          rng: er,
        });
        sim.call(er, t0 + 20000, s, C.getSecretValue(evalSecret));
        let ts = t0 + 45000;
        for (const [gi, g] of golden.entries()) {
          const prompt = `[eval ${gi + 1}/${golden.length}] ${g.crop.fr}, ${g.stage}, ${g.region} : ${g.issue} observé(e), pression ${AGRO.levels[gi % 4]}. Quelle conduite à tenir ?`;
          const answer = farmerQuestion(er).answer;
          api.call(er, ts, {
            tenant: qa.id,
            apiKeyId: qa.keys[0],
            clientIp: w.net.appNat[0],
            plan: 'internal',
            prompt,
            answer,
            endpoint: '/v1/advice',
            maxTokens: 1500,
            temperature: 0,
            decoy: true,
          });
          ts += er.int(2, 6) * 1000;
        }
        sim.call(
          er,
          ts + 5000,
          s,
          C.s3Object(
            er,
            'PutObject',
            w.res.buckets.ciArtifacts,
            `agroconseil-eval/${new Date(t0).toISOString().slice(0, 10)}/report.json`,
            { accountId: TV_PROD, region: 'eu-west-3', bytes: er.int(40000, 90000) },
          ),
        );
      });
    }

    // GuardDuty: the API role's invocations look anomalous (output tokens by night)
    sim.tag({ malicious: true, scope: 'none' }, () => {
      const f = at('2025-11-25T03:41:20Z');
      sim.finding(
        f,
        finding(rng, w, {
          t: f,
          type: 'Impact:IAMUser/AnomalousModelInvocation',
          severity: 5,
          accessKey: {
            accessKeyId: rng.iamId('ASIA'),
            principalId: `${api.role.id}:${'terravie-agroconseil-api'}`,
            userType: 'AssumedRole',
            userName: api.role.name,
          },
          modelIds: ['eu.anthropic.claude-3-5-sonnet-20240620-v1:0'],
          title: `Anomalous Amazon Bedrock model invocations by role ${api.role.name}.`,
          description: `APIs commonly used to invoke foundation models were called by role ${api.role.name} in an unusual way (output token volume far above this principal's baseline at this time of day).`,
          api: 'Converse',
          serviceName: 'bedrock.amazonaws.com',
          firstSeen: at('2025-11-24T19:32:00Z'),
          lastSeen: f,
          count: 1240,
        }),
      );
    });
  },
});
