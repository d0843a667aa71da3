/**
 * System prompt changes seen in the invocation logs. An application reads its instructions from
 * somewhere (a parameter, a secret, its code or environment): when the system prompt its calls carry
 * changes, the answers after that moment are the new instructions at work, not what its users did.
 * For each new prompt an application principal started using mid-evidence: what changed (sentences
 * added and removed, hosts it names that no earlier prompt named, requests for credentials or
 * identity details, instructions to hide the procedure, prohibitions dropped, the guardrail version
 * it now runs with), what the answers did under it (outside links, answers quoting it), the
 * configuration change that explains it (a parameter or secret the application read right after it
 * was written, an update of the function the calls come from) and the knowledge bases and guardrails
 * the application used while the prompt was in force. One finding per prompt change, not one per
 * customer who received the answers.
 */
import { type Detector, makeFinding } from '../engine/detector.js';
import type { Finding, Json, Severity } from '../model/types.js';
import { type Queryable, sqlTime } from '../store/case-store.js';
import { changeDetails, changesBefore } from './config-changes.js';
import { excerpt, hostsIn, type PromptVersion, responseUrls, textPass } from './invocation.js';

const MAX_REQUEST_IDS = 5000;
/** Prompt versions of one principal above which its prompts are per-user templates, not configuration. */
const MAX_VERSIONS = 50;
/** Earlier versions a new prompt is compared with. */
const MAX_EARLIER = 10;
const SENTENCES_SHOWN = 6;

const ASK_VERB =
  /\b(?:ask|request|collect|require|obtain|get|provide|give|send|enter|type|share|confirm|verify|repeat|submit|reply with)\b/i;
const SECRET_NOUN =
  /\b(?:pin|pins|password|passwords|passcode|passphrase|account numbers?|card numbers?|cvv|cvc|security code|one-time (?:code|password)|otp|verification code|social (?:insurance|security) numbers?|ssn|date of birth|mother'?s maiden name|seed phrase|recovery phrase|private key|bank details|routing number)\b/i;
/** a file name the host pattern matches in a URL path (…/b.gif), not a host */
const FILE_NAME = /\.(?:gif|png|jpe?g|svg|webp|ico|js|css|php|aspx?)$/i;
const NEGATED = /\b(?:never|do not|don't|must not|mustn't|should not|shouldn't|not|no)\b/i;
const PROHIBITION = /^(?:never|do not|don't|must not|you must not|under no circumstances)\b/i;
const CONCEAL =
  /\b(?:do not|don't|never)\b[^.]{0,60}\b(?:mention|tell|reveal|disclose|discuss|explain)\b[^.]{0,80}\b(?:who (?:says?|claims?|identif(?:y|ies)) (?:they|he|she|it)|staff|employees?|administrators?|admins?|auditors?|security team|developers?|moderators?)\b/i;

/** Sentences of a prompt (lines, then sentence ends), normalised for comparison. */
export function sentencesOf(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\n+/))
    for (const s of line.split(/(?<=[.!?])\s+(?=[A-Z0-9"'(])/)) {
      const t = s.replace(/\s+/g, ' ').trim();
      if (t.length >= 3) out.push(t);
    }
  return out;
}

const sameSite = (host: string, known: Iterable<string>): boolean => {
  for (const k of known) if (host === k || host.endsWith(`.${k}`) || k.endsWith(`.${host}`)) return true;
  return false;
};

export interface PromptDiff {
  added: string[];
  removed: string[];
  /** hosts the new prompt names that no earlier prompt of the application named */
  newHosts: string[];
  /** added sentences that have the assistant ask users for credentials or identity details */
  asksSecrets: string[];
  /** added sentences that tell the assistant to hide what it does from staff */
  conceals: string[];
  /** prohibitions of the earlier prompt the new one dropped */
  droppedProhibitions: string[];
}

/** What a new system prompt changed against the one before it (and the hosts of every earlier one). */
export function promptDiff(before: string, after: string, earlierHosts: Iterable<string>): PromptDiff {
  const b = sentencesOf(before);
  const a = sentencesOf(after);
  const bKeys = new Set(b.map((s) => s.toLowerCase()));
  const aKeys = new Set(a.map((s) => s.toLowerCase()));
  const added = a.filter((s) => !bKeys.has(s.toLowerCase()));
  const removed = b.filter((s) => !aKeys.has(s.toLowerCase()));
  const known = [...earlierHosts];
  const newHosts = [...hostsIn(added.join('\n'))]
    .filter((h) => !sameSite(h, known) && !FILE_NAME.test(h))
    .sort();
  const asksSecrets = added.filter((s) => {
    const m = SECRET_NOUN.exec(s);
    if (!m || !ASK_VERB.test(s)) return false;
    // "never ask for a PIN": a prohibition, not a request
    return !NEGATED.test(s.slice(0, m.index));
  });
  return {
    added,
    removed,
    newHosts,
    asksSecrets,
    conceals: added.filter((s) => CONCEAL.test(s)),
    droppedProhibitions: removed.filter((s) => PROHIBITION.test(s)),
  };
}

/** Share of its earlier hourly rate below which a prompt counts as replaced while another is in use. */
const REPLACED_RATE = 0.1;
/** Minutes a replaced prompt may still answer after its successor's first use (environments draining). */
const DRAIN_MIN = 15;

/** Jaccard similarity of two prompts' sentence sets. */
function sentenceSimilarity(a: string, b: string): number {
  const x = new Set(sentencesOf(a).map((s) => s.toLowerCase()));
  const y = new Set(sentencesOf(b).map((s) => s.toLowerCase()));
  let inter = 0;
  for (const s of x) if (y.has(s)) inter++;
  const union = x.size + y.size - inter;
  return union ? inter / union : 0;
}

/**
 * Hourly call rates of prompt `v` in the day before `cur` started and while `cur` was in use (only
 * the rows of that span are hashed).
 */
async function replacedBy(
  db: Queryable,
  v: PromptVersion,
  cur: PromptVersion,
): Promise<{ before: number; during: number }> {
  const first = Date.parse(cur.first);
  const from = Math.max(Date.parse(v.first), first - 24 * 3600_000);
  const drainEnd = first + DRAIN_MIN * 60_000;
  const last = Date.parse(cur.last);
  const rows = await db.all(
    `SELECT count(*) FILTER (WHERE time >= CAST($2 AS TIMESTAMP) AND time < CAST($3 AS TIMESTAMP)) AS b,
            count(*) FILTER (WHERE time > CAST($4 AS TIMESTAMP) AND time <= CAST($5 AS TIMESTAMP)) AS d
     FROM invocations
     WHERE time >= CAST($2 AS TIMESTAMP) AND time <= CAST($5 AS TIMESTAMP) AND md5(system_text) = $1`,
    [
      v.hash,
      sqlTime(new Date(from).toISOString()),
      sqlTime(cur.first),
      sqlTime(new Date(drainEnd).toISOString()),
      sqlTime(cur.last),
    ],
  );
  const hb = Math.max((first - from) / 3600_000, 1);
  const hd = Math.max((last - drainEnd) / 3600_000, 1);
  return { before: Number(rows[0]?.b ?? 0) / hb, during: Number(rows[0]?.d ?? 0) / hd };
}

const num = (v: string | null): number | null => (v && /^\d+$/.test(v) ? Number(v) : null);

export const promptChangeDetector: Detector = {
  id: 'data-plane.system-prompt-change',
  title: 'A new system prompt in an application’s calls, what it changed and the change that explains it',
  elements: ['invocation', 'ai-changes'],
  async run(ctx) {
    const pass = await textPass(ctx.db, ctx.shared, ctx.identityOf);
    const byIdentity = new Map<string, PromptVersion[]>();
    for (const p of pass.prompts) {
      const l = byIdentity.get(p.identity) ?? [];
      l.push(p);
      byIdentity.set(p.identity, l);
    }
    const out: Finding[] = [];
    for (const [identity, versions] of [...byIdentity].sort((a, b) => a[0].localeCompare(b[0]))) {
      // prompts built per user or per request (templates filled in) are not configuration versions
      if (versions.length > MAX_VERSIONS) continue;
      // one version per prompt text; ordered by first use (an earlier prompt coming back is a revert)
      versions.sort((a, b) => a.first.localeCompare(b.first) || a.hash.localeCompare(b.hash));
      for (let i = 1; i < versions.length; i++) {
        const cur = versions[i];
        // the prompt it replaced: an earlier one in use before it that went (nearly) quiet while it was
        // in use; else (a prompt used alongside the others: another feature of the same principal)
        // the most similar earlier one
        const earlier = versions.slice(Math.max(0, i - MAX_EARLIER), i);
        const rates = await Promise.all(earlier.map((v) => replacedBy(ctx.db, v, cur)));
        const replaced = earlier
          .map((v, k) => ({ v, r: rates[k] }))
          .filter((x) => x.r.before > 0 && x.r.during < REPLACED_RATE * x.r.before)
          .sort((x, y) => y.r.before - x.r.before || y.v.last.localeCompare(x.v.last));
        const alongside = !replaced.length;
        const prev = replaced.length
          ? replaced[0].v
          : earlier
              .map((v) => ({ v, j: sentenceSimilarity(v.text, cur.text) }))
              .sort((x, y) => y.j - x.j || y.v.last.localeCompare(x.v.last))[0].v;
        const earlierHosts = new Set(earlier.flatMap((v) => [...hostsIn(v.text)]));
        const diff = promptDiff(prev.text, cur.text, earlierHosts);
        if (!diff.added.length && !diff.removed.length) continue;
        // what a prompt used alongside the others lacks is not something it dropped
        if (alongside) diff.droppedProhibitions = [];
        // what the answers under it did
        const recs = pass.flagged.filter((r) => r.identity === identity && r.systemHash === cur.hash);
        const linked = new Map<string, { answers: number; conversations: Set<string>; lure: number }>();
        for (const r of recs) {
          const typed = hostsIn(`${r.userText}\n${r.toolText}`);
          for (const u of responseUrls(r.responseText)) {
            if (typed.has(u.host) || sameSite(u.host, earlierHosts)) continue;
            const e = linked.get(u.host) ?? { answers: 0, conversations: new Set<string>(), lure: 0 };
            e.answers++;
            e.conversations.add(r.conversation ?? r.customer ?? r.clientIp ?? r.uid);
            if (u.lure) e.lure++;
            linked.set(u.host, e);
          }
        }
        const outsideHosts = [...linked.entries()]
          .filter(([, e]) => e.conversations.size >= 2)
          .map(([h]) => h)
          .sort();
        const lures = [...linked.values()].reduce((a, e) => a + e.lure, 0);
        const quoted = pass.driven.has(cur.hash)
          ? recs.filter((r) => r.resp?.categories.includes('system_prompt_leak')).length
          : 0;
        // the guardrail the application ran with under each prompt
        const guardrails = await ctx.db.all(
          `SELECT guardrail_id AS g, guardrail_version AS v, count(*) AS n FROM invocations
           WHERE md5(system_text) = $1 AND guardrail_id IS NOT NULL
             AND time BETWEEN CAST($2 AS TIMESTAMP) AND CAST($3 AS TIMESTAMP)
           GROUP BY 1, 2 ORDER BY n DESC, 1, 2`,
          [cur.hash, sqlTime(cur.first), sqlTime(cur.last)],
        );
        const before = await ctx.db.all(
          `SELECT guardrail_id AS g, guardrail_version AS v, count(*) AS n FROM invocations
           WHERE md5(system_text) = $1 AND guardrail_id IS NOT NULL AND time < CAST($2 AS TIMESTAMP)
           GROUP BY 1, 2 ORDER BY n DESC, 1, 2`,
          [prev.hash, sqlTime(cur.first)],
        );
        const older: string[] = [];
        for (const g of alongside ? [] : guardrails) {
          const was = before.find((x) => x.g === g.g);
          const nv = num(g.v ? String(g.v) : null);
          const pv = num(was?.v ? String(was.v) : null);
          if (nv !== null && pv !== null && nv < pv) older.push(`${g.g} version ${pv} → ${nv}`);
        }
        let score = 0;
        if (diff.asksSecrets.length) score += 2;
        if (outsideHosts.some((h) => diff.newHosts.includes(h))) score += 2;
        else if (diff.newHosts.length || outsideHosts.length) score += 1;
        if (diff.conceals.length) score += 1;
        if (diff.droppedProhibitions.length) score += 1;
        if (lures >= 2) score += 1;
        if (older.length) score += 1;
        const { changes, reads } = await changesBefore(ctx.db, identity, cur.loggedIdentity, cur.first);
        if (!score && !changes.length) continue;
        const severity: Severity =
          score >= 4 ? 'high' : score >= 2 ? 'medium' : score >= 1 ? 'low' : 'informational';
        const severe = severity === 'high' || severity === 'medium';
        // what the application used while the prompt was in force
        const kbs = severe
          ? (
              await ctx.db.all(
                `SELECT DISTINCT json_extract_string(request_parameters, '$.knowledgeBaseId') AS kb FROM events
                 WHERE action IN ('Retrieve', 'RetrieveAndGenerate') AND identity_arn = $1 AND error_code IS NULL
                   AND time BETWEEN CAST($2 AS TIMESTAMP) AND CAST($3 AS TIMESTAMP)
                   AND json_extract_string(request_parameters, '$.knowledgeBaseId') IS NOT NULL
                 ORDER BY 1 LIMIT 20`,
                [identity, sqlTime(cur.first), sqlTime(cur.last)],
              )
            ).map((r) => String(r.kb))
          : [];
        const requestIds = (
          await ctx.db.all(
            `SELECT request_id FROM invocations
             WHERE md5(system_text) = $1 AND request_id IS NOT NULL
               AND time BETWEEN CAST($2 AS TIMESTAMP) AND CAST($3 AS TIMESTAMP)
             ORDER BY time, request_id LIMIT ${MAX_REQUEST_IDS}`,
            [cur.hash, sqlTime(cur.first), sqlTime(cur.last)],
          )
        ).map((r) => String(r.request_id));
        const next = versions.slice(i + 1).find((v) => v.first > cur.first);
        const signals = [
          ...(diff.asksSecrets.length ? ['asks users for credentials or identity details'] : []),
          ...(diff.newHosts.length ? [`names ${diff.newHosts.slice(0, 3).join(', ')}`] : []),
          ...(outsideHosts.length ? [`answers link to ${outsideHosts.slice(0, 3).join(', ')}`] : []),
          ...(diff.conceals.length ? ['tells the assistant to hide it from staff'] : []),
          ...(diff.droppedProhibitions.length
            ? [`drops ${diff.droppedProhibitions.length} prohibition(s) of the earlier prompt`]
            : []),
          ...(older.length ? [`older guardrail version (${older.join(', ')})`] : []),
        ];
        const changedBy = [
          ...new Set(changes.map((c) => c.principal).filter((p): p is string => !!p)),
        ].sort();
        const app = identity.slice(identity.lastIndexOf('/') + 1);
        out.push(
          makeFinding({
            ruleId: 'data-plane.system-prompt-change',
            title: `System prompt of ${app} changed at ${cur.first}${signals.length ? `: ${signals.slice(0, 3).join('; ')}` : ''}`,
            description: `${identity} used a new system prompt in ${cur.calls} call(s) from ${cur.first} to ${cur.last}${next ? ` (replaced from ${next.first})` : ''}, after ${prev.calls} call(s) with the one before. ${diff.added.length} sentence(s) added, ${diff.removed.length} removed.${changes.length ? ` Configuration changes before its first use that the application read or that updated its function: ${changes.map((c) => `${c.action} ${c.resource} at ${c.time}`).join(', ')}.` : ''}${quoted ? ` ${quoted} answer(s) repeat its text to users who did not ask for it: the prompt speaking, not users extracting it.` : ''} Answers given under a changed prompt are the change's doing, not their users'.`,
            severity,
            elements: ['invocation', 'ai-changes'],
            components: ['foundation-models', ...(guardrails.length ? (['guardrails'] as const) : [])],
            times: [cur.first, cur.last, ...changes.map((c) => c.time)],
            principals: [identity, ...changedBy],
            resources: severe
              ? [
                  ...new Set([
                    ...changes.map((c) => c.resource),
                    // a guardrail is part of the change when the application moved to another version with it
                    ...guardrails
                      .filter(
                        (g) => !before.some((x) => x.g === g.g && String(x.v ?? '') === String(g.v ?? '')),
                      )
                      .filter((g) => before.some((x) => x.g === g.g))
                      .map((g) => String(g.g)),
                    ...diff.newHosts,
                    ...outsideHosts,
                  ]),
                ]
              : [],
            attack: severe ? ['AML.T0051', 'AML.T0018', ...(outsideHosts.length ? ['T1566.002'] : [])] : [],
            evidence: {
              requestIds: severe ? requestIds : requestIds.slice(0, 20),
              eventIds: changes.map((c) => c.eventId),
            },
            details: {
              application: identity,
              promptHash: cur.hash,
              previousPromptHash: prev.hash,
              firstUse: cur.first,
              lastUse: cur.last,
              calls: cur.calls,
              replacedAt: next?.first ?? null,
              added: diff.added.slice(0, SENTENCES_SHOWN).map((s) => s.slice(0, 300)),
              removed: diff.removed.slice(0, SENTENCES_SHOWN).map((s) => s.slice(0, 300)),
              newHosts: diff.newHosts,
              outsideHostsInAnswers: outsideHosts,
              asksForSecrets: diff.asksSecrets.length,
              conceals: diff.conceals.length,
              droppedProhibitions: diff.droppedProhibitions.length,
              olderGuardrail: older,
              guardrails: guardrails.map((g) => `${g.g}:${g.v ?? ''}`),
              knowledgeBases: kbs,
              // the application's reads of the changed parameters or secrets (how the change reached it)
              applicationReads: reads.slice(0, 20),
              answersQuotingPrompt: quoted,
              changes: changeDetails(changes),
              excerpts: [
                excerpt(null, 'system', diff.added.join('\n').slice(0, 2000), []),
              ] as unknown as Json,
            },
          }),
        );
      }
    }
    return out;
  },
};
