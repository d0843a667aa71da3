/**
 * Credentials that applications hand to the people chatting with them.
 *
 * - `data-plane.secret-in-system-prompt`: a credential (an AWS access key, a private key, a token)
 *   in the system prompt an application sends with every call. Whoever can chat with the
 *   application can talk the model into repeating it (the root cause of a system-prompt leak), and
 *   every invocation log holds it. A posture finding: rotate the credential and move it to a secret
 *   store the application reads at run time, out of the prompt.
 * - `access.disclosed-key-used`: an AWS access key id that a model answer gave out (verbatim or
 *   obfuscated: split in groups by dashes, spaces or dots), or that the guardrail's assessment of a
 *   blocked answer shows the model wrote, followed to the key's later use in CloudTrail from an
 *   origin (address and client) the key had not used before the answer: the leak and the stolen
 *   key's use are one incident, and the recipient of the answer is the actor.
 *
 * Values are never written out: masked forms only.
 */
import { type Detector, makeFinding } from '../engine/detector.js';
import type { Finding } from '../model/types.js';
import { isoSql, type Queryable } from '../store/case-store.js';
import { findSensitive, SECRET_TYPES } from '../text/index.js';
import { shortName } from './baselines.js';
import { clientOf, fromUsualOrigin, isPublicIp, roleOf, usualOrigin } from './context.js';
import { META_KEYS, metaSql } from './request-metadata.js';

/** System prompts read (the reused ones: an application's template, at least this many calls). */
const SYSTEM_REUSE_MIN = 5;
const SYSTEMS_MAX = 500;
/** Answers read for access key ids (the first ones in time). */
const ANSWERS_MAX = 5000;
/** Later records of a disclosed key cited as evidence. */
const USES_CITED = 200;

const mask = (k: string): string => `${k.slice(0, 4)}************${k.slice(-4)}`;

/**
 * AWS access key ids in a text, also written in groups (`AKIA-4JRC-73UM-...`, spaces, dots): a
 * prefix and sixteen key characters with at most two separators between characters.
 */
export function accessKeyIdsIn(text: string): string[] {
  const out = new Set<string>();
  const re = /(?<![A-Z0-9])(AKIA|ASIA)((?:[\s.\-_]{0,2}[A-Z2-7]){16})(?![A-Z2-7])/g;
  for (const m of text.slice(0, 200_000).matchAll(re)) {
    const body = m[2].replace(/[\s.\-_]/g, '');
    if (body.length === 16) out.add(`${m[1]}${body}`);
    if (out.size >= 50) break;
  }
  return [...out].sort();
}

export const secretInSystemPromptDetector: Detector = {
  id: 'data-plane.secret-in-system-prompt',
  title: 'Credentials in the system prompt an application sends with every call',
  elements: ['private-data'],
  async run(ctx) {
    const conv = metaSql(META_KEYS.conversation);
    const rows = await ctx.db.all(
      `SELECT md5(system_text) AS h, any_value(system_text) AS s, count(*) AS n,
              ${isoSql('min(time)')} AS first, ${isoSql('max(time)')} AS last,
              count(DISTINCT client_ip) AS clients, count(DISTINCT ${conv}) AS convs,
              list(DISTINCT coalesce(identity_arn, principal_arn) ORDER BY coalesce(identity_arn, principal_arn)) AS who
       FROM invocations WHERE system_text <> ''
       GROUP BY 1 HAVING count(*) >= ${SYSTEM_REUSE_MIN} ORDER BY 1 LIMIT ${SYSTEMS_MAX}`,
    );
    const out: Finding[] = [];
    for (const r of rows) {
      const text = String(r.s ?? '');
      const ms = findSensitive(text).filter((m) => SECRET_TYPES.has(m.type));
      if (!ms.length) continue;
      const types = [...new Set(ms.map((m) => m.type))].sort();
      const who = (Array.isArray(r.who) ? r.who : [])
        .map((x) => roleOf(String(x)) ?? String(x))
        .filter(Boolean);
      const principals = [...new Set(who)].sort();
      // served to end users (their addresses or conversations in the request metadata): anyone
      // chatting can ask for it
      const public_ = Number(r.clients) > 0 || Number(r.convs) > 0;
      const strong = types.includes('aws_access_key_id') || types.includes('private_key');
      out.push(
        makeFinding({
          ruleId: 'data-plane.secret-in-system-prompt',
          title: `The system prompt of ${principals.map(shortName).join(', ') || 'an application'} carries credentials (${[...new Set(ms.map((m) => m.masked))].slice(0, 3).join(', ')}) in ${Number(r.n)} call(s)`,
          description: `A system prompt reused in ${Number(r.n)} model call(s)${public_ ? ', served to end users,' : ''} contains ${types.join(', ')}. Whoever can talk to the application can have the model repeat it, and every invocation log holds it. Rotate the credential, move it to a secret store the application reads at run time (or give the component a role of its own), and keep credentials out of prompts.`,
          severity: public_ && strong ? 'medium' : 'low',
          elements: ['private-data'],
          components: ['foundation-models'],
          times: [String(r.first), String(r.last)],
          principals,
          resources: [],
          attack: ['AML.T0056', 'T1552'],
          evidence: {},
          discriminator: String(r.h),
          details: {
            posture: true,
            notActor: true,
            calls: Number(r.n),
            endUserAddresses: Number(r.clients),
            conversations: Number(r.convs),
            types,
            masked: [...new Set(ms.map((m) => m.masked))].slice(0, 10),
            remediation:
              'rotate the credential; move it to a secret store or a role of the component; remove it from the prompt',
          },
        }),
      );
    }
    return out;
  },
};

interface Disclosure {
  requestId: string;
  time: string;
  identity: string;
  clientIp: string | null;
  conversation: string | null;
  blocked: boolean;
}

/** Answers (and blocked answers' guardrail assessments) that give out access key ids, by key. */
async function disclosures(db: Queryable): Promise<Map<string, Disclosure[]>> {
  const conv = metaSql(META_KEYS.conversation);
  const rows = await db.all(
    `WITH c AS (
       SELECT request_id, time, coalesce(identity_arn, principal_arn) AS who, client_ip, ${conv} AS conv,
              guardrail_action, response_text, last_user_text,
              CASE WHEN guardrail_assessments IS NOT NULL
                        AND contains(CAST(guardrail_assessments AS VARCHAR), 'AWS_ACCESS_KEY')
                   THEN CAST(guardrail_assessments AS VARCHAR) END AS ga
       FROM invocations
       WHERE contains(response_text, 'AKIA') OR contains(response_text, 'ASIA')
          OR (guardrail_assessments IS NOT NULL AND contains(CAST(guardrail_assessments AS VARCHAR), 'AWS_ACCESS_KEY')))
     SELECT request_id, ${isoSql('time')} AS t, who, client_ip, conv, guardrail_action,
            substr(response_text, 1, 20000) AS r, substr(last_user_text, 1, 20000) AS u, substr(ga, 1, 50000) AS ga
     FROM c ORDER BY time, request_id LIMIT ${ANSWERS_MAX}`,
  );
  const byKey = new Map<string, Disclosure[]>();
  for (const r of rows) {
    if (!r.request_id) continue;
    const typed = new Set(accessKeyIdsIn(String(r.u ?? '')));
    const found = new Set(accessKeyIdsIn(String(r.r ?? '')));
    const ga = String(r.ga ?? '');
    if (ga) for (const m of ga.matchAll(/"match"\s*:\s*"((?:AKIA|ASIA)[A-Z2-7]{16})"/g)) found.add(m[1]);
    for (const k of found) {
      // a key the user typed in this turn came from them: the answer gave them nothing new
      if (typed.has(k)) continue;
      const l = byKey.get(k) ?? [];
      l.push({
        requestId: String(r.request_id),
        time: String(r.t),
        identity: roleOf(String(r.who ?? '')) ?? '?',
        clientIp: r.client_ip ? String(r.client_ip) : null,
        conversation: r.conv ? String(r.conv) : null,
        blocked: String(r.guardrail_action ?? '') === 'INTERVENED',
      });
      byKey.set(k, l);
    }
  }
  return byKey;
}

export const disclosedKeyUseDetector: Detector = {
  id: 'access.disclosed-key-used',
  title: 'Access keys a model answer gave out, used afterwards from a new origin',
  elements: ['access', 'private-data'],
  async run(ctx) {
    const byKey = await disclosures(ctx.db);
    if (!byKey.size) return [];
    const out: Finding[] = [];
    for (const [key, ds] of [...byKey].sort((a, b) => a[0].localeCompare(b[0]))) {
      const t0 = ds[0].time;
      // the key's origins (address and client) before the first answer that gave it out
      const before = await ctx.db.all(
        `SELECT DISTINCT source_ip AS ip, coalesce(user_agent, '') AS ua FROM events
         WHERE access_key_id = $1 AND time <= CAST($2 AS TIMESTAMP) AND source_ip IS NOT NULL ORDER BY ALL LIMIT 5000`,
        [key, t0],
      );
      const known = new Set(before.map((r) => `${r.ip}|${clientOf(String(r.ua))}`));
      const usual = key.startsWith('AKIA') ? await usualOrigin(ctx.db, 'access_key_id', key) : null;
      const after = await ctx.db.all(
        `SELECT event_id, ${isoSql('time')} AS t, source_ip AS ip, coalesce(user_agent, '') AS ua, identity_arn
         FROM events WHERE access_key_id = $1 AND time > CAST($2 AS TIMESTAMP)
           AND coalesce(principal_type, '') <> 'AWSService'
         ORDER BY time, event_id LIMIT 20000`,
        [key, t0],
      );
      const uses = after.filter((r) => {
        const ip = r.ip ? String(r.ip) : null;
        if (!isPublicIp(ip)) return false;
        if (known.has(`${ip}|${clientOf(String(r.ua))}`)) return false;
        return !fromUsualOrigin(usual, ip, String(r.ua));
      });
      const recipients = [
        ...new Set(ds.map((d) => d.clientIp).filter((x): x is string => isPublicIp(x))),
      ].sort();
      const apps = [...new Set(ds.map((d) => d.identity))].sort();
      const owner = [
        ...new Set(
          after
            .map((r) => r.identity_arn)
            .filter(Boolean)
            .map((x) => roleOf(String(x)) ?? String(x)),
        ),
      ].sort();
      const shown = ds.filter((d) => !d.blocked).length;
      const how = `${ds.length} answer(s) of ${apps.map(shortName).join(', ')}${shown < ds.length ? ` (${ds.length - shown} blocked by the guardrail, whose assessment shows the model wrote it)` : ''}${recipients.length ? ` to ${recipients.join(', ')}` : ''}`;
      if (!uses.length) {
        // a real key of the account (CloudTrail knows it) given out, not seen used since
        const seen = before.length || after.length;
        if (!seen || !shown) continue;
        out.push(
          makeFinding({
            ruleId: 'access.disclosed-key-used',
            title: `Access key ${mask(key)} was given out in ${how}`,
            description: `A model answer gave out an access key id the account's CloudTrail knows; no use of it from a new origin followed in the evidence. Deactivate and rotate it.`,
            severity: 'medium',
            elements: ['private-data'],
            components: ['foundation-models'],
            times: ds.map((d) => d.time),
            principals: [...apps],
            accessKeyIds: [key],
            sourceIps: recipients,
            attack: ['AML.T0057', 'T1552'],
            evidence: { requestIds: ds.slice(0, 50).map((d) => d.requestId) },
            details: { disclosures: ds.length, blocked: ds.length - shown, keyMasked: mask(key) },
          }),
        );
        continue;
      }
      const ips = [...new Set(uses.map((r) => String(r.ip)))].sort();
      const clients = [...new Set(uses.map((r) => clientOf(String(r.ua))))].sort();
      out.push(
        makeFinding({
          ruleId: 'access.disclosed-key-used',
          title: `Access key ${mask(key)}${owner.length ? ` of ${owner.map(shortName).join(', ')}` : ''}, given out in ${how}, was used afterwards from ${ips.slice(0, 3).join(', ')}${ips.length > 3 ? ' and more' : ''}`,
          description: `A model answer gave out the access key at ${t0}; from ${uses[0].t} the key was used from origins it had not used before (${ips.length} address(es), clients ${clients.slice(0, 4).join(', ')}; ${uses.length} record(s)). Whoever received the answer holds the key: deactivate it, remove the credential from the application's prompt and review what the key did.`,
          severity: 'high',
          elements: ['access', 'private-data'],
          components: ['foundation-models'],
          times: [t0, ...uses.map((r) => String(r.t))],
          principals: [...owner, ...apps],
          accessKeyIds: [key],
          sourceIps: [...recipients, ...ips],
          attack: ['AML.T0057', 'T1552', 'T1078.004'],
          evidence: {
            requestIds: ds.slice(0, 50).map((d) => d.requestId),
            eventIds: uses.slice(0, USES_CITED).map((r) => String(r.event_id)),
          },
          details: {
            keyMasked: mask(key),
            disclosures: ds.slice(0, 20).map((d) => ({
              requestId: d.requestId,
              time: d.time,
              clientIp: d.clientIp,
              conversation: d.conversation,
              blocked: d.blocked,
            })),
            firstUse: String(uses[0].t),
            addresses: ips.slice(0, 20),
            clients: clients.slice(0, 10),
            records: uses.length,
          },
        }),
      );
    }
    return out;
  },
};

export const DISCLOSED_CREDENTIAL_DETECTORS: Detector[] = [
  secretInSystemPromptDetector,
  disclosedKeyUseDetector,
];
