/**
 * OpenSearch Serverless collections (the usual vector store of a Bedrock knowledge base): their
 * access control and their data plane (group `data-store`). See docs/rules.md.
 *
 * - `data-store.vector-store-exposed`: a network policy changed to `AllowFromPublic`, or a data
 *   access policy that newly lets in the caller itself, everyone (`*`) or another account, judged
 *   against the previous version of the same policy in the evidence (an earlier Create/Update
 *   request or a policy detail in a response). Putting the policy back soon after (a later change
 *   of the same policy that undoes the opening) is cited as covering tracks.
 * - `data-store.vector-store-bulk-read`: many data-plane reads (CloudTrail data events of
 *   `aoss.amazonaws.com`: Search, scroll pages, ...) by one principal from one address: the index
 *   paged out. From a public address outside any VPC endpoint, after an opening or a grant to the
 *   reader, it is data leaving the store (element `private-data`).
 *
 * Policy documents are hostile text: parsed as JSON (bounded), never evaluated.
 */
import { sqlTime } from '../store/case-store.js';
import {
  actionList,
  actorOf,
  applyContext,
  type Candidate,
  type CtRow,
  clientOf,
  type Env,
  isPublicIp,
  loadEvents,
  matchContext,
  minutesBetween,
  nameOf,
  principalsOf,
  SEVERITY_ORDER,
  subjectOf,
} from './context.js';
import { orgAccounts } from './data-exposure.js';

const SERVICE = 'aoss.amazonaws.com';
const CHANGES = [
  'CreateSecurityPolicy',
  'UpdateSecurityPolicy',
  'DeleteSecurityPolicy',
  'CreateAccessPolicy',
  'UpdateAccessPolicy',
  'DeleteAccessPolicy',
];
const DETAILS = [
  'GetSecurityPolicy',
  'GetAccessPolicy',
  'BatchGetCollection',
  'ListCollections',
  'CreateCollection',
];
const MAX_POLICY = 200_000;
/** a restoration counts when it comes this soon after the opening */
const RESTORE_HOURS = 24;
/** an opening or grant explains reads that start this soon after it */
const GRANT_HOURS = 24;
/** data-plane reads in one run from which the run is a bulk read, and scroll pages from which it is paging */
const BULK_READS = 20;
const BULK_SCROLLS = 10;
/** gap that ends a run of reads */
const RUN_GAP_MIN = 30;
/** reads loaded per principal and address */
const PER_GROUP = 5000;
const MAX_RUNS = 200;

interface PolicyState {
  /** network: AllowFromPublic on some rule */
  public: boolean;
  /** data: the principals named */
  principals: Set<string>;
  /** collections (or name patterns) the rules name, without the `collection/` / `index/` prefix */
  collections: Set<string>;
}

/** The rules of an OpenSearch Serverless policy document (object or JSON text), bounded. */
export function aossPolicyState(doc: unknown): PolicyState | null {
  let d = doc;
  if (typeof d === 'string') {
    if (d.length > MAX_POLICY) return null;
    try {
      d = JSON.parse(d);
    } catch {
      return null;
    }
  }
  const list = Array.isArray(d) ? d : d && typeof d === 'object' ? [d] : [];
  if (!list.length) return null;
  const st: PolicyState = { public: false, principals: new Set(), collections: new Set() };
  for (const p of list.slice(0, 200)) {
    if (!p || typeof p !== 'object') continue;
    const o = p as Record<string, unknown>;
    if (o.AllowFromPublic === true || String(o.AllowFromPublic).toLowerCase() === 'true') st.public = true;
    const princ = Array.isArray(o.Principal) ? o.Principal : o.Principal ? [o.Principal] : [];
    for (const x of princ.slice(0, 500)) st.principals.add(String(x).slice(0, 300));
    const rules = Array.isArray(o.Rules) ? o.Rules : [];
    for (const r of rules.slice(0, 200)) {
      const res = r && typeof r === 'object' ? (r as Record<string, unknown>).Resource : null;
      for (const x of (Array.isArray(res) ? res : res ? [res] : []).slice(0, 200)) {
        const m = /^(?:collection|index)\/([^/]{1,200})/.exec(String(x));
        if (m) st.collections.add(m[1]);
      }
    }
  }
  return st;
}

function docOf(r: CtRow): unknown {
  const req = r.req?.policy;
  if (req !== undefined && req !== null) return req;
  const det = (r.resp?.securityPolicyDetail ?? r.resp?.accessPolicyDetail) as
    | Record<string, unknown>
    | undefined;
  return det && typeof det === 'object' ? det.policy : null;
}

function policyKey(r: CtRow): { kind: string; name: string; key: string } | null {
  const det = (r.resp?.securityPolicyDetail ?? r.resp?.accessPolicyDetail) as
    | Record<string, unknown>
    | undefined;
  const name = String(r.req?.name ?? det?.name ?? '').slice(0, 200);
  const kind = String(r.req?.type ?? det?.type ?? '').slice(0, 40);
  if (!name || !kind) return null;
  return { kind, name, key: `${r.account ?? ''}\u0000${r.region ?? ''}\u0000${kind}\u0000${name}` };
}

const accountIn = (p: string): string | null => /^arn:aws[a-z-]*:(?:iam|sts)::(\d{12}):/.exec(p)?.[1] ?? null;

/** Whether a policy principal is the caller of the record (its user, its role, or its session). */
function isCaller(p: string, r: CtRow): boolean {
  const mine = principalsOf(r);
  if (mine.includes(p)) return true;
  // a role named with or without its path
  const role = /^arn:aws[a-z-]*:iam::(\d{12}):role\/(?:.*\/)?([^/]+)$/.exec(p);
  return !!role && mine.some((m) => accountIn(m) === role[1] && /:role\//.test(m) && nameOf(m) === role[2]);
}

/** An opening of a collection's access control, for the read rule. */
export interface VectorGrant {
  account: string | null;
  region: string | null;
  time: string;
  /** network policy made public */
  public: boolean;
  /** principals newly let in */
  principals: string[];
  collections: string[];
  policy: string;
  eventId: string;
  /** a planned change or declared activity explains it */
  explained: boolean;
}

/** Names and ARNs of collections as records show them (CreateCollection / BatchGetCollection answers, data events). */
async function collectionArns(env: Env): Promise<Map<string, string>> {
  const rows = await env.db.all(
    `SELECT DISTINCT json_extract_string(d.value, '$.name') AS n, json_extract_string(d.value, '$.arn') AS a
     FROM events, json_each(coalesce(json_extract(response_elements, '$.collectionDetails'),
                                     json_extract(response_elements, '$.collectionSummaries'), '[]'::JSON)) d
     WHERE service = '${SERVICE}' AND action IN (${actionList(DETAILS)}) AND response_elements IS NOT NULL
     ORDER BY n, a LIMIT 1000`,
  );
  const out = new Map<string, string>();
  for (const r of rows)
    if (r.n && r.a && String(r.a).startsWith('arn:') && !out.has(String(r.n)))
      out.set(String(r.n), String(r.a));
  return out;
}

/** Policy changes on OpenSearch Serverless collections, and the openings among them. */
export async function vectorStorePolicies(env: Env): Promise<{ cands: Candidate[]; grants: VectorGrant[] }> {
  const rows = await loadEvents(
    env.db,
    `service = '${SERVICE}' AND action IN (${actionList([...CHANGES, 'GetSecurityPolicy', 'GetAccessPolicy'])})
     AND error_code IS NULL`,
  );
  const changes = rows.filter((r) => CHANGES.includes(r.action));
  if (!changes.length) return { cands: [], grants: [] };
  const own = await orgAccounts(env, []);
  const arns = await collectionArns(env);
  const prev = new Map<string, PolicyState>();
  /** the state each change record left, and its key */
  const after = new Map<string, { key: string; st: PolicyState | null; before: PolicyState | null }>();
  for (const r of rows) {
    const k = policyKey(r);
    if (!k) continue;
    const isDelete = /^Delete/.test(r.action);
    const st = isDelete
      ? { public: false, principals: new Set<string>(), collections: new Set<string>() }
      : aossPolicyState(docOf(r));
    if (CHANGES.includes(r.action)) after.set(r.uid, { key: k.key, st, before: prev.get(k.key) ?? null });
    if (st) prev.set(k.key, st);
  }
  const cands: Candidate[] = [];
  const grants: VectorGrant[] = [];
  const folded = new Set<string>();
  for (const r of changes) {
    if (folded.has(r.uid)) continue;
    const k = policyKey(r);
    const a = after.get(r.uid);
    if (!k || !a?.st) continue;
    const { st, before } = a;
    const network = k.kind === 'network';
    const opened = network && st.public && !before?.public;
    // principals are new against the previous version; without one only everyone and outsiders are judged
    const added = network
      ? []
      : [...st.principals].filter((p) => (before ? !before.principals.has(p) : p === '*')).sort();
    const outsiders = network
      ? []
      : [...st.principals]
          .filter((p) => !before?.principals.has(p))
          .filter((p) => {
            const acct = accountIn(p);
            return !!acct && acct !== r.account && !own.has(acct);
          })
          .sort();
    const everyone = added.includes('*');
    const self = added.filter((p) => isCaller(p, r));
    const exposure = opened || everyone || self.length > 0 || outsiders.length > 0;
    // a later change of the same policy that undoes the opening
    let restore: CtRow | null = null;
    if (exposure)
      for (const x of changes) {
        if (x.time <= r.time || minutesBetween(x.time, r.time) > RESTORE_HOURS * 60) continue;
        const ax = after.get(x.uid);
        if (!ax || ax.key !== a.key || !ax.st) continue;
        const undone = network
          ? !ax.st.public
          : [...added, ...outsiders].every((p) => !ax.st!.principals.has(p));
        if (undone) {
          restore = x;
          break;
        }
      }
    const sameHand = !!restore && restore.identityArn === r.identityArn;
    if (restore && sameHand) folded.add(restore.uid);
    const kind = env.base.kindOf(r.identityArn);
    const unusual = isPublicIp(r.sourceIp) && !env.base.isCommonIp(r.sourceIp);
    let severity: Candidate['severity'] = 'informational';
    if (exposure) severity = unusual || (restore && sameHand) ? 'high' : 'medium';
    else if (added.length || (before && [...st.principals].some((p) => !before.principals.has(p))))
      severity = 'low';
    const collections = [...st.collections].sort();
    const collArns = collections.map((c) => arns.get(c)).filter((x): x is string => !!x);
    const what: string[] = [];
    if (opened) what.push('network access from the internet (AllowFromPublic)');
    if (everyone) what.push('every principal (*)');
    if (self.length) what.push(`the caller itself (${self.join(', ')})`);
    if (outsiders.length) what.push(`principal(s) of other accounts (${outsiders.join(', ')})`);
    const newOrg = added.filter((p) => !self.includes(p) && !outsiders.includes(p) && p !== '*');
    if (!exposure && newOrg.length) what.push(`principal(s) ${newOrg.join(', ')}`);
    const c: Candidate = {
      ruleId: 'data-store.vector-store-exposed',
      title: exposure
        ? `OpenSearch Serverless ${k.kind} policy ${k.name} opened to ${what.join(' and ')} by ${nameOf(r.identityArn)}${restore ? ', then put back' : ''}`
        : `OpenSearch Serverless ${k.kind} policy ${k.name}: ${r.action} by ${nameOf(r.identityArn)}`,
      description:
        `${nameOf(r.identityArn)} (${kind}) from ${r.sourceIp} with ${clientOf(r.userAgent)}: ${r.action} on ${k.kind} policy ${k.name}` +
        (collections.length ? ` (collection(s) ${collections.join(', ')})` : '') +
        (what.length ? ` lets in ${what.join('; ')}.` : '.') +
        (before ? '' : ' No earlier version of the policy is in the evidence.') +
        (restore
          ? ` ${nameOf(restore.identityArn)} put the policy back ${Math.round(minutesBetween(restore.time, r.time))} minute(s) later (${restore.action} at ${restore.time}).`
          : ''),
      severity,
      strength: SEVERITY_ORDER.indexOf(severity) >= 2 ? 'hard' : 'soft',
      ifActor: 'high',
      elements: ['data-store-changes'],
      components: ['knowledge-bases'],
      times: [r.time, ...(restore && sameHand ? [restore.time] : [])],
      principals: principalsOf(r),
      accessKeyIds: [r.accessKeyId],
      sourceIps: [r.sourceIp],
      resources: [k.name, ...collArns],
      attack: exposure ? ['T1098', 'T1530', ...(restore && sameHand ? ['T1070'] : [])] : ['T1098'],
      evidence: { eventIds: [r.eventId, ...(restore && sameHand ? [restore.eventId] : [])] },
      actors: [actorOf(r)],
      triage: [
        ...(opened ? ['network policy made public'] : []),
        ...(self.length ? ['the caller granted itself access to the data'] : []),
        ...(everyone ? ['access for every principal'] : []),
        ...(outsiders.length ? ['access for another account'] : []),
        ...(exposure && unusual ? ['from a public address the account does not use every day'] : []),
        ...(restore && sameHand ? ['put back by the same principal soon after: covering tracks'] : []),
        `${kind} principal`,
      ],
      details: {
        policy: k.name,
        policyType: k.kind,
        action: r.action,
        collections,
        public: st.public,
        openedToPublic: opened,
        principalsAdded: added,
        selfGrant: self,
        outsidePrincipals: outsiders,
        previousVersionKnown: !!before,
        restoredBy: restore ? restore.eventId : null,
      },
    };
    applyContext(
      c,
      matchContext(env.entries, {
        ...subjectOf(r),
        targets: [k.name, ...collections, ...added, ...outsiders],
      }),
    );
    if (SEVERITY_ORDER.indexOf(c.severity) >= 2)
      await withOrigin(env, c, r, restore && sameHand ? restore : r);
    cands.push(c);
    if (exposure || added.length)
      grants.push({
        account: r.account,
        region: r.region,
        time: r.time,
        public: opened,
        principals: [...added, ...outsiders],
        collections,
        policy: k.name,
        eventId: r.eventId,
        explained: c.strength === 'context',
      });
  }
  return { cands, grants };
}

/**
 * The records the same origin (identity, address, client) made in the hour before the change and
 * until it was put back: identity checks, the knowledge bases and collections it looked at, the
 * policies it read.
 */
async function withOrigin(env: Env, c: Candidate, r: CtRow, last: CtRow): Promise<void> {
  if (!isPublicIp(r.sourceIp) || env.base.isCommonIp(r.sourceIp) || !r.identityArn) return;
  const related = await loadEvents(
    env.db,
    `identity_arn = $1 AND source_ip = $2 AND split_part(trim(coalesce(user_agent, '')), ' ', 1) = $3
     AND time >= CAST($4 AS TIMESTAMP) - INTERVAL 60 MINUTE AND time <= CAST($5 AS TIMESTAMP) + INTERVAL 10 MINUTE
     AND (read_only OR action = 'GetCallerIdentity') AND coalesce(category, '') <> 'Data'
     LIMIT 300`,
    [r.identityArn, r.sourceIp ?? '', clientOf(r.userAgent), sqlTime(r.time), sqlTime(last.time)],
    { resp: false, extra: false },
  );
  if (!related.length) return;
  const kbs = [
    ...new Set(
      related
        .map((x) => x.req?.knowledgeBaseId)
        .filter((x): x is string => typeof x === 'string' && /^[A-Za-z0-9]{1,64}$/.test(x)),
    ),
  ].sort();
  c.evidence.eventIds = [...related.map((x) => x.eventId), ...(c.evidence.eventIds ?? [])];
  c.times = [...related.map((x) => x.time), ...c.times];
  c.resources = [...new Set([...(c.resources ?? []), ...kbs])];
  c.triage.push(
    `${related.length} record(s) of the same origin around it (${nameOf(r.identityArn)} from ${r.sourceIp} with ${clientOf(r.userAgent)}): ` +
      [...new Set(related.map((x) => x.action))].slice(0, 12).join(', '),
  );
}

/** Runs of data-plane reads on collections, judged on where they come from and what opened the way. */
export async function vectorStoreReads(env: Env, grants: VectorGrant[]): Promise<Candidate[]> {
  const rows = await loadEvents(
    env.db,
    `rowid IN (SELECT rowid FROM events WHERE service = '${SERVICE}' AND category = 'Data'
       AND coalesce(read_only, true) AND error_code IS NULL
       AND NOT (coalesce(source_ip, '') LIKE '%.amazonaws.com') AND coalesce(invoked_by, '') = ''
       QUALIFY row_number() OVER (PARTITION BY identity_arn, source_ip ORDER BY time, uid) <= ${PER_GROUP})`,
    [],
    { resp: false, extra: false },
  );
  if (!rows.length) return [];
  const vpce = new Map(
    (
      await env.db.all(
        `SELECT DISTINCT identity_arn AS who, source_ip AS ip FROM events
         WHERE service = '${SERVICE}' AND category = 'Data' AND vpc_endpoint_id IS NOT NULL ORDER BY ALL`,
      )
    ).map((x) => [`${x.who}\u0000${x.ip}`, true]),
  );
  const runs: CtRow[][] = [];
  const open = new Map<string, CtRow[]>();
  for (const r of rows) {
    const k = `${r.identityArn}\u0000${r.sourceIp}\u0000${r.resources[0] ?? ''}`;
    const cur = open.get(k);
    if (cur && minutesBetween(cur[cur.length - 1].time, r.time) <= RUN_GAP_MIN) cur.push(r);
    else {
      const g = [r];
      open.set(k, g);
      runs.push(g);
    }
  }
  const out: Candidate[] = [];
  const bulk = runs.filter((g) => {
    const scrolls = g.filter((r) => /scroll/i.test(String(r.req?.pathPrefix ?? ''))).length;
    return g.length >= BULK_READS || scrolls >= BULK_SCROLLS;
  });
  if (bulk.length > MAX_RUNS)
    env.notes?.push(`vector-store reads: ${bulk.length} bulk runs; only the first ${MAX_RUNS} were reported`);
  for (const g of bulk.slice(0, MAX_RUNS)) {
    const r0 = g[0];
    const scrolls = g.filter((r) => /scroll/i.test(String(r.req?.pathPrefix ?? ''))).length;
    const collections = [...new Set(g.flatMap((r) => r.resources))].sort();
    const indexes = [
      ...new Set(
        g
          .map((r) => /^\/([^/_][^/]{0,200})\//.exec(String(r.req?.pathPrefix ?? ''))?.[1])
          .filter((x): x is string => !!x),
      ),
    ].sort();
    const throughEndpoint = vpce.has(`${r0.identityArn}\u0000${r0.sourceIp}`);
    const outside = isPublicIp(r0.sourceIp) && !throughEndpoint;
    const unusual = outside && !env.base.isCommonIp(r0.sourceIp);
    // what opened the way, in the day before the run: the network opened, or the reader let in
    const before = grants.filter(
      (x) =>
        !x.explained &&
        x.time <= r0.time &&
        minutesBetween(x.time, r0.time) <= GRANT_HOURS * 60 &&
        x.account === r0.account &&
        x.region === r0.region &&
        ((x.public && outside) || x.principals.some((p) => isCaller(p, r0) || p === '*')),
    );
    let severity: Candidate['severity'] = 'informational';
    if (unusual && before.length) severity = 'high';
    else if (unusual) severity = 'medium';
    else if (outside || before.length) severity = 'low';
    const kind = env.base.kindOf(r0.identityArn);
    const last = g[g.length - 1];
    const mins = Math.round(minutesBetween(r0.time, last.time));
    const c: Candidate = {
      ruleId: 'data-store.vector-store-bulk-read',
      title: `${g.length} data-plane read(s)${scrolls ? ` (${scrolls} scroll page(s))` : ''} of OpenSearch Serverless collection ${collections.map(nameOf).join(', ') || '(unnamed)'} by ${nameOf(r0.identityArn)} from ${r0.sourceIp}`,
      description:
        `${nameOf(r0.identityArn)} (${kind}) from ${r0.sourceIp} with ${clientOf(r0.userAgent)}: ${g.length} ${[...new Set(g.map((r) => r.action))].join('/')} call(s) in ${mins} minute(s)` +
        (indexes.length ? ` on index(es) ${indexes.join(', ')}` : '') +
        (scrolls ? `, ${scrolls} of them scroll pages (the whole index paged out)` : '') +
        (throughEndpoint
          ? ', through a VPC endpoint'
          : outside
            ? ', from the internet (no VPC endpoint)'
            : '') +
        (before.length
          ? `, after ${before.map((x) => `policy ${x.policy} ${x.public ? 'was made public' : `let in ${x.principals.join(', ')}`} at ${x.time}`).join('; ')}`
          : '') +
        '.',
      severity,
      strength: SEVERITY_ORDER.indexOf(severity) >= 2 ? 'hard' : 'soft',
      ifActor: 'high',
      elements: ['private-data'],
      components: ['knowledge-bases'],
      times: g.map((r) => r.time),
      principals: principalsOf(r0),
      accessKeyIds: [...new Set(g.map((r) => r.accessKeyId))],
      sourceIps: [r0.sourceIp],
      resources: collections,
      attack: ['T1530', 'T1213'],
      evidence: { eventIds: g.map((r) => r.eventId) },
      actors: [actorOf(r0)],
      triage: [
        scrolls ? 'the index paged out with a scroll search' : 'many reads in one run',
        throughEndpoint
          ? 'through a VPC endpoint'
          : outside
            ? unusual
              ? 'from a public address the account does not use every day, outside any VPC endpoint'
              : 'from an everyday public address'
            : 'from a private address',
        ...(before.length ? ['after the collection was opened or the reader was let in, unexplained'] : []),
        `${kind} principal`,
      ],
      details: {
        collections,
        indexes,
        reads: g.length,
        scrollPages: scrolls,
        throughVpcEndpoint: throughEndpoint,
        openedBy: before.map((x) => x.eventId),
      },
    };
    applyContext(
      c,
      matchContext(env.entries, { ...subjectOf(r0), targets: [...collections.map(nameOf), ...indexes] }),
    );
    out.push(c);
  }
  return out;
}

export async function vectorStore(env: Env): Promise<Candidate[]> {
  const { cands, grants } = await vectorStorePolicies(env);
  return [...cands, ...(await vectorStoreReads(env, grants))];
}
