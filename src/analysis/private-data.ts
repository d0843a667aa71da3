/**
 * Element `private-data`: sensitive data that left through the models and agents, and to whom.
 *
 * - answers carrying personal data the user had not given in the conversation, in bulk (several
 *   people's e-mail addresses, phone numbers, cards ...) — other customers' data — told apart from the
 *   support bot echoing the customer's own details and from the application's own contact addresses;
 * - secrets (access keys, private keys, tokens) in answers and in agents' tool results and answers;
 * - data carried out in image or link URLs (markdown images the client fetches by itself);
 * - per principal and type, how much sensitive data went through prompts and answers (informational).
 *
 * Values are never written out: counts, types, masked forms and same-length-masked excerpts only.
 */
import { type Detector, makeFinding } from '../engine/detector.js';
import type { Finding, Json, Severity } from '../model/types.js';
import { isoSql } from '../store/case-store.js';
import { findSensitive, SECRET_TYPES, type SensitiveMatch } from '../text/index.js';
import { shortName } from './baselines.js';
import { excerpt, type InvRecord, isAddress, textPass } from './invocation.js';

const str = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));

function piiValue(rec: InvRecord, s: SensitiveMatch): string {
  const v = rec.responseText.slice(s.start, s.end).toLowerCase();
  return s.type === 'phone' || s.type === 'credit_card' ? v.replace(/\D/g, '') : v;
}

function countTypes(ms: SensitiveMatch[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of ms) out[m.type] = (out[m.type] ?? 0) + 1;
  return out;
}

function recipients(recs: InvRecord[]): Json {
  const seen = new Set<string>();
  const out: Json[] = [];
  for (const r of recs) {
    const k = `${r.clientIp ?? ''}|${r.customer ?? ''}|${r.conversation ?? ''}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ clientIp: r.clientIp, customer: r.customer, conversation: r.conversation });
    if (out.length >= 20) break;
  }
  return out;
}

export const piiDisclosureDetector: Detector = {
  id: 'data-plane.pii-disclosure',
  title: "Answers carrying other people's personal data, in bulk",
  elements: ['private-data'],
  async run(ctx) {
    const pass = await textPass(ctx.db, ctx.shared, ctx.identityOf);
    // values the application repeats to many different actors are its own (contact addresses, hotlines)
    const actorsByValue = new Map<string, Set<string>>();
    const actorOf = (r: InvRecord) =>
      (r.requestId && pass.actorOf.get(r.requestId)) || `${r.identity}|${r.requestId}`;
    for (const r of pass.flagged)
      for (const s of r.foreignPii) {
        const v = piiValue(r, s);
        const set = actorsByValue.get(v) ?? new Set<string>();
        set.add(actorOf(r));
        actorsByValue.set(v, set);
      }
    const boilerplate = (v: string) => (actorsByValue.get(v)?.size ?? 0) >= 3;
    const groups = new Map<string, Array<{ rec: InvRecord; values: SensitiveMatch[] }>>();
    const single = new Map<string, InvRecord[]>();
    for (const r of pass.flagged) {
      const vals = r.foreignPii.filter((s) => !boilerplate(piiValue(r, s)));
      const distinct = new Set(vals.map((s) => piiValue(r, s))).size;
      if (distinct >= 3) {
        const g = actorOf(r);
        const l = groups.get(g) ?? [];
        l.push({ rec: r, values: vals });
        groups.set(g, l);
      } else if (distinct >= 1) {
        const l = single.get(r.identity) ?? [];
        l.push(r);
        single.set(r.identity, l);
      }
    }
    const out: Finding[] = [];
    for (const [g, hits] of groups) {
      const recs = hits.map((h) => h.rec);
      const people = new Set(hits.flatMap((h) => h.values.map((s) => piiValue(h.rec, s)))).size;
      const attributed = !!recs[0].requestId && pass.actorOf.get(recs[0].requestId) === g;
      const who = attributed ? g.split('|').slice(1).join('|') : 'callers without end-user identifiers';
      out.push(
        makeFinding({
          ruleId: 'data-plane.pii-disclosure',
          title: `${recs.length} answer(s) gave ${people} personal value(s) the user had not provided to ${who}`,
          description: `Answers of ${[...new Set(recs.map((r) => shortName(r.identity)))].join(', ')} listed e-mail addresses, phone numbers or other personal data of people other than the one asking (the values do not occur in the conversation's prompts). Types: ${Object.entries(
            countTypes(hits.flatMap((h) => h.values)),
          )
            .map(([t, n]) => `${n} ${t}`)
            .join(', ')}.`,
          severity: 'high',
          elements: ['private-data'],
          components: ['foundation-models', 'knowledge-bases'],
          times: recs.map((r) => r.time),
          principals: [...new Set(recs.map((r) => r.identity))],
          sourceIps: recs.map((r) => r.clientIp).filter(isAddress),
          attack: ['AML.T0057'],
          evidence: { requestIds: recs.map((r) => r.requestId) },
          details: {
            recipient: who,
            recipients: recipients(recs),
            answers: recs.length,
            distinctValues: people,
            byType: countTypes(hits.flatMap((h) => h.values)),
            perAnswer: hits.slice(0, 50).map((h) => ({
              requestId: h.rec.requestId,
              time: h.rec.time,
              byType: countTypes(h.values),
            })) as Json,
            excerpts: hits.slice(0, 3).map((h) =>
              excerpt(
                h.rec.requestId,
                'response',
                h.rec.responseText,
                h.values.map((s) => ({ start: s.start, end: s.end, category: `pii:${s.type}` })),
              ),
            ) as unknown as Json,
          },
        }),
      );
    }
    for (const [identity, recs] of single) {
      out.push(
        makeFinding({
          ruleId: 'data-plane.pii-in-answers',
          title: `${recs.length} answer(s) of ${shortName(identity)} carried one or two personal values the user had not typed`,
          description:
            'Usually the customer’s own details looked up by the application; reviewed for context, not counted as a leak.',
          severity: 'informational',
          elements: ['private-data'],
          times: recs.map((r) => r.time),
          principals: [identity],
          evidence: { requestIds: recs.slice(0, 500).map((r) => r.requestId) },
          details: { answers: recs.length, byType: countTypes(recs.flatMap((r) => r.foreignPii)) },
        }),
      );
    }
    return out;
  },
};

export const exfilUrlDetector: Detector = {
  id: 'data-plane.exfil-url',
  title: 'Answers that carry data out in image or link URLs',
  elements: ['private-data'],
  async run(ctx) {
    const pass = await textPass(ctx.db, ctx.shared, ctx.identityOf);
    const byHost = new Map<
      string,
      Array<{
        rec: InvRecord;
        values: number;
        spans: Array<{ start: number; end: number; category: string }>;
      }>
    >();
    for (const r of pass.flagged) {
      const spans = (r.resp?.spans ?? []).filter((s) => s.category === 'data_exfiltration_url');
      for (const s of spans) {
        const host = s.detail ?? '?';
        const url = r.responseText.slice(s.start, s.end);
        let decoded = url;
        try {
          decoded = decodeURIComponent(url.replace(/\+/g, ' '));
        } catch {
          /* keep as is */
        }
        const values = findSensitive(decoded).filter((m) => m.type !== 'ipv4').length;
        const l = byHost.get(host) ?? [];
        l.push({
          rec: r,
          values,
          spans: [{ start: s.start, end: s.end, category: 'data_exfiltration_url' }],
        });
        byHost.set(host, l);
      }
    }
    const out: Finding[] = [];
    for (const [host, hits] of byHost) {
      const recs = [...new Map(hits.map((h) => [h.rec.uid, h.rec])).values()];
      const values = hits.reduce((a, h) => a + h.values, 0);
      const severity: Severity = values > 0 || hits.length >= 2 ? 'high' : 'medium';
      out.push(
        makeFinding({
          ruleId: 'data-plane.exfil-url',
          title: `${recs.length} answer(s) embed URLs to ${host} whose query carries data${values ? ` (${values} personal or secret value(s))` : ''}`,
          description: `A markdown image or link is fetched by the chat client as soon as the answer is shown: the data in its query string reaches ${host} without a click. Requested by ${[
            ...new Set(recs.map((r) => r.clientIp ?? r.customer ?? r.conversation).filter(Boolean)),
          ]
            .slice(0, 5)
            .join(', ')}.`,
          severity,
          elements: ['private-data', 'invocation'],
          components: ['foundation-models'],
          times: recs.map((r) => r.time),
          principals: [...new Set(recs.map((r) => r.identity))],
          sourceIps: recs.map((r) => r.clientIp).filter(isAddress),
          resources: [host],
          attack: ['AML.T0057', 'AML.T0051'],
          evidence: { requestIds: recs.map((r) => r.requestId) },
          details: {
            host,
            answers: recs.length,
            valuesInUrls: values,
            recipients: recipients(recs),
            excerpts: hits
              .slice(0, 3)
              .map((h) =>
                excerpt(h.rec.requestId, 'response', h.rec.responseText, h.spans),
              ) as unknown as Json,
          },
        }),
      );
    }
    return out;
  },
};

export const secretDisclosureDetector: Detector = {
  id: 'data-plane.secret-disclosure',
  title: "Secrets (access keys, private keys, tokens) in models' answers or agents' tool results and answers",
  elements: ['private-data'],
  async run(ctx) {
    const pass = await textPass(ctx.db, ctx.shared, ctx.identityOf);
    const out: Finding[] = [];
    const inv = pass.flagged.filter((r) => r.secrets.length);
    if (inv.length) {
      out.push(
        makeFinding({
          ruleId: 'data-plane.secret-disclosure',
          title: `${inv.length} model answer(s) contained secrets the prompt had not (${[...new Set(inv.flatMap((r) => r.secrets.map((s) => s.type)))].join(', ')})`,
          severity: 'high',
          elements: ['private-data'],
          components: ['foundation-models'],
          times: inv.map((r) => r.time),
          principals: [...new Set(inv.map((r) => r.identity))],
          sourceIps: inv.map((r) => r.clientIp).filter(isAddress),
          attack: ['AML.T0057'],
          evidence: { requestIds: inv.map((r) => r.requestId) },
          details: {
            masked: [...new Set(inv.flatMap((r) => r.secrets.map((s) => s.masked)))].slice(0, 20),
            recipients: recipients(inv),
            excerpts: inv.slice(0, 3).map((r) =>
              excerpt(
                r.requestId,
                'response',
                r.responseText,
                r.secrets.map((s) => ({ start: s.start, end: s.end, category: `secret:${s.type}` })),
              ),
            ) as unknown as Json,
          },
        }),
      );
    }
    // agents: tool results and answers
    const rows = await ctx.db.all(
      `SELECT session_id, agent_id, trace_id, ${isoSql('time')} AS t, step_kind, text FROM agent_steps
       WHERE step_kind IN ('observation', 'modelInvocationOutput', 'chunk')
         AND (regexp_matches(text, '(AKIA|ASIA)[A-Z2-7]{16}') OR text LIKE '%PRIVATE KEY%' OR regexp_matches(text, 'eyJ[A-Za-z0-9_-]{8,}\\.'))
       ORDER BY time, uid`,
    );
    const bySession = new Map<
      string,
      Array<{
        traceId: string | null;
        time: string;
        agentId: string | null;
        ms: SensitiveMatch[];
        text: string;
      }>
    >();
    for (const r of rows) {
      const text = String(r.text ?? '');
      const ms = findSensitive(text).filter((m) => SECRET_TYPES.has(m.type));
      if (!ms.length) continue;
      const sid = str(r.session_id) ?? `trace:${r.trace_id}`;
      const l = bySession.get(sid) ?? [];
      l.push({ traceId: str(r.trace_id), time: String(r.t), agentId: str(r.agent_id), ms, text });
      bySession.set(sid, l);
    }
    for (const [sid, steps] of bySession) {
      const types = [...new Set(steps.flatMap((s) => s.ms.map((m) => m.type)))];
      const paired = types.includes('aws_access_key_id') && types.includes('aws_secret_access_key');
      out.push(
        makeFinding({
          ruleId: 'data-plane.agent-secret-disclosure',
          title: `Agent ${steps[0].agentId ?? '?'} handed out ${paired ? 'an AWS access key and its secret' : types.join(', ')} in session ${sid.slice(0, 8)}`,
          description: `Secrets appear in the agent's tool results and answers of this conversation (${steps.length} step(s)): whoever was chatting received them. Masked: ${[
            ...new Set(steps.flatMap((s) => s.ms.map((m) => m.masked))),
          ]
            .slice(0, 6)
            .join(', ')}.`,
          severity: paired || types.some((t) => t !== 'aws_access_key_id') ? 'high' : 'medium',
          elements: ['private-data'],
          components: ['agents', 'plugins'],
          times: steps.map((s) => s.time),
          resources: [steps[0].agentId],
          attack: ['AML.T0057'],
          evidence: { traceIds: steps.map((s) => s.traceId) },
          details: {
            sessionId: sid,
            types,
            masked: [...new Set(steps.flatMap((s) => s.ms.map((m) => m.masked)))].slice(0, 20),
            excerpts: steps.slice(0, 2).map((s) =>
              excerpt(
                null,
                'response',
                s.text,
                s.ms.map((m) => ({ start: m.start, end: m.end, category: `secret:${m.type}` })),
              ),
            ) as unknown as Json,
          },
        }),
      );
    }
    return out;
  },
};

export const sensitiveSummaryDetector: Detector = {
  id: 'data-plane.sensitive-summary',
  title: 'Sensitive data per principal and type in prompts and answers (for scoping, not a finding of abuse)',
  elements: ['private-data'],
  async run(ctx) {
    const pass = await textPass(ctx.db, ctx.shared, ctx.identityOf);
    const per = new Map<
      string,
      { answers: Record<string, number>; recs: number; first: string; last: string }
    >();
    for (const r of pass.flagged) {
      const ms = r.resp?.sensitive ?? [];
      if (!ms.length) continue;
      const e = per.get(r.identity) ?? { answers: {}, recs: 0, first: r.time, last: r.time };
      for (const m of ms) e.answers[m.type] = (e.answers[m.type] ?? 0) + 1;
      e.recs++;
      if (r.time < e.first) e.first = r.time;
      if (r.time > e.last) e.last = r.time;
      per.set(r.identity, e);
    }
    const out: Finding[] = [];
    const identities = new Set([...per.keys(), ...pass.promptSensitive.keys()]);
    for (const identity of identities) {
      const e = per.get(identity);
      const prompts = pass.promptSensitive.get(identity) ?? {};
      const fmt = (o: Record<string, number>) =>
        Object.entries(o)
          .map(([t, n]) => `${n} ${t}`)
          .join(', ') || 'none';
      out.push(
        makeFinding({
          ruleId: 'data-plane.sensitive-summary',
          title: `${shortName(identity)}: sensitive values in prompts (${fmt(prompts)}) and answers (${fmt(e?.answers ?? {})})`,
          severity: 'informational',
          elements: ['private-data'],
          times: e ? [e.first, e.last] : [],
          principals: [identity],
          evidence: {},
          details: { answersWithSensitive: e?.recs ?? 0, inAnswers: e?.answers ?? {}, inPrompts: prompts },
        }),
      );
    }
    // secrets users sent to a model: the model provider and the invocation logs now hold them
    const byPrincipal = new Map<string, typeof pass.promptSecrets>();
    for (const s of pass.promptSecrets) {
      const l = byPrincipal.get(s.identity) ?? [];
      l.push(s);
      byPrincipal.set(s.identity, l);
    }
    for (const [identity, xs] of byPrincipal)
      out.push(
        makeFinding({
          ruleId: 'data-plane.secret-in-prompt',
          title: `${xs.length} prompt(s) of ${shortName(identity)} carried secrets (${[...new Set(xs.flatMap((x) => x.masked))].slice(0, 3).join(', ')})`,
          description:
            'Credentials pasted into prompts are stored in the invocation logs and sent to the model: rotate them and check who can read the logs.',
          severity: 'low',
          elements: ['private-data'],
          times: xs.map((x) => x.time),
          principals: [identity],
          evidence: { requestIds: xs.map((x) => x.requestId) },
          details: { prompts: xs.length, masked: [...new Set(xs.flatMap((x) => x.masked))].slice(0, 20) },
        }),
      );
    return out;
  },
};

export const PRIVATE_DATA_DETECTORS: Detector[] = [
  piiDisclosureDetector,
  exfilUrlDetector,
  secretDisclosureDetector,
  sensitiveSummaryDetector,
];
