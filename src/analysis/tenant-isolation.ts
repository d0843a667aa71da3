/**
 * Elements `invocation` and `private-data`: tenant isolation of a shared (multi-tenant) application.
 *
 * A SaaS assistant serves many tenants through one application role and one knowledge base; each
 * call names its tenant in `requestMetadata`, and the passages the application puts into the prompt
 * (retrieved documents, tool results) carry their source locations. When the documents are
 * partitioned by tenant (a path segment of the source location equals the tenant id the caller's
 * metadata names), a passage from another tenant's partition in a call made for this tenant is a
 * cross-tenant disclosure: the retrieval filter is missing or wrong, or the user asked for it.
 *
 * The partitioning is learned from the evidence, per application principal and metadata key: a
 * location prefix (`s3://bucket/…/`) whose next segment equals the caller's value in at least
 * `CROSS_TENANT.minOwnCalls` calls, for at least `CROSS_TENANT.minValues` distinct values. A caller
 * whose value is not a partition id (`*`, `all`, a staff member's ticket) is not checked: an
 * application that searches every tenant by design (a support console) never shows the pattern.
 *
 * One finding per end user (user id, else client address, else tenant) of the application: a run of
 * calls receiving other tenants' documents, or documents of several other tenants, is high and the
 * end user's own conduct (its addresses are the actor's); a single foreign passage is medium (an
 * isolation failure whose recipient is not the actor).
 */
import { type Detector, makeFinding } from '../engine/detector.js';
import type { IdentityOf } from '../engine/principal-names.js';
import type { Finding } from '../model/types.js';
import { isoSql, type Queryable, sqlTime } from '../store/case-store.js';
import { shortName } from './baselines.js';
import { type DeclaredApplication, isPublicIp, jsonObject, loadApplications } from './context.js';
import { META_KEYS, metaScalars, metaValue } from './request-metadata.js';

export const CROSS_TENANT = {
  /** calls whose passages sit under the caller's own partition, for a partitioning to count */
  minOwnCalls: 5,
  /** distinct callers' values seen as partition segments */
  minValues: 2,
  /** calls read (those with request metadata and a source location in their text) */
  maxRows: 100_000,
  /** characters of each call's text searched for source locations */
  textCap: 60_000,
  /** source locations per call */
  maxLocations: 50,
  /** an end user with this many calls receiving other tenants' passages, or passages of this many other tenants, acts */
  deliberateCalls: 3,
  deliberateTenants: 2,
  /** cited calls per finding */
  maxCited: 200,
} as const;

const LOCATION = /\bs3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/([^\s"'<>\\)\]]{1,512})/gi;

/** The S3 source locations quoted in a text (unique, in order, bounded). */
export function sourceLocations(text: string): string[] {
  const out = new Set<string>();
  LOCATION.lastIndex = 0;
  for (let m = LOCATION.exec(text); m; m = LOCATION.exec(text)) {
    out.add(`s3://${m[1].toLowerCase()}/${m[2]}`);
    if (out.size >= CROSS_TENANT.maxLocations) break;
  }
  return [...out];
}

/** Each folder of a location: the prefix up to it and the folder's value (`k=v` folders give `v`). */
export function folders(location: string): Array<{ prefix: string; value: string }> {
  const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(location);
  if (!m) return [];
  const parts = m[2].split('/');
  parts.pop(); // the object name
  const out: Array<{ prefix: string; value: string }> = [];
  let prefix = `s3://${m[1]}/`;
  for (const p of parts.slice(0, 12)) {
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq > 0) out.push({ prefix: `${prefix}${p.slice(0, eq + 1)}`, value: p.slice(eq + 1) });
    else out.push({ prefix, value: p });
    prefix = `${prefix}${p}/`;
  }
  return out;
}

/** The shape of a partition id: its length and where its punctuation sits (`tn_4k8qz2` → 9:2_). */
function skeleton(v: string): string {
  const punct = [...v].map((c, i) => (/[a-z0-9]/i.test(c) ? '' : `${i}${c}`)).join('');
  return `${v.length}:${punct}`;
}

function commonPrefix(vs: string[]): string {
  if (!vs.length) return '';
  let p = vs[0];
  for (const v of vs) while (!v.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/** An inventory's words for an application that reads every tenant's data by design (a support or admin tool). */
const ALL_TENANTS =
  /\b(?:all|every|across|cross)[- ](?:the )?(?:tenants?|customers?|clients?|merchants?|organi[sz]ations?|accounts?)\b|\bwithout (?:a |the |any )?(?:tenant|customer|client|merchant)[- _]?(?:id )?filter/i;

/**
 * Whether the inventory declares the application behind a principal as cross-tenant by design: an
 * entry naming the role (ARN or name) or a function whose sessions the principal holds.
 */
export function declaredCrossTenant(
  apps: DeclaredApplication[],
  identity: string,
  sessions: Set<string>,
): string | null {
  const role = identity.replace(/^.*\//, '');
  for (const a of apps) {
    if (!ALL_TENANTS.test(a.text)) continue;
    const named = a.names.some((n) => {
      const x = n.trim();
      return (
        x === identity ||
        x.replace(/^.*\//, '') === role ||
        sessions.has(x) ||
        sessions.has(x.replace(/^.*:function:/, ''))
      );
    });
    if (named) return a.name;
  }
  return null;
}

interface Call {
  requestId: string;
  time: string;
  identity: string;
  session: string;
  meta: Map<string, string>;
  clientIp: string | null;
  locations: string[];
}

interface Partition {
  identity: string;
  key: string;
  prefix: string;
  ownCalls: number;
  values: Set<string>;
  /** every value of the key among the principal's callers */
  callers: Set<string>;
  shapes: Set<string>;
  lead: string;
}

/** Whether a folder value looks like one of the partition's tenant ids. */
function isTenantId(p: Partition, v: string): boolean {
  if (p.values.has(v) || p.callers.has(v)) return true;
  return p.shapes.has(skeleton(v)) && v.startsWith(p.lead);
}

export interface CrossTenantCall {
  requestId: string;
  time: string;
  tenant: string;
  foreign: string[];
  foreignTenants: string[];
  clientIp: string | null;
}

export interface CrossTenantUser {
  identity: string;
  key: string;
  prefix: string;
  user: string;
  tenant: string;
  calls: CrossTenantCall[];
  /** the end user's calls to the application (with request metadata) */
  totalCalls: number;
}

/** Calls of each application principal that received passages from another tenant's partition, per end user. */
export async function crossTenantCalls(db: Queryable, identityOf: IdentityOf): Promise<CrossTenantUser[]> {
  const cap = CROSS_TENANT.textCap;
  const rows = await db.all(
    `SELECT request_id, ${isoSql('time')} AS t, coalesce(identity_arn, principal_arn) AS who, client_ip,
            regexp_extract(coalesce(principal_arn, ''), 'assumed-role/[^/]+/([^/]+)$', 1) AS session,
            CAST(request_metadata AS VARCHAR) AS meta,
            left(coalesce(system_text, ''), ${cap}) || chr(10) || left(coalesce(prompt_text, ''), ${cap}) || chr(10) ||
            left(coalesce(tool_result_text, ''), ${cap}) AS txt
     FROM invocations
     WHERE request_metadata IS NOT NULL AND request_id IS NOT NULL
       AND (strpos(system_text, 's3://') > 0 OR strpos(prompt_text, 's3://') > 0 OR strpos(tool_result_text, 's3://') > 0)
     ORDER BY time, request_id LIMIT ${CROSS_TENANT.maxRows}`,
  );
  const calls: Call[] = [];
  for (const r of rows) {
    const m = metaScalars(jsonObject(r.meta));
    if (!m.size) continue;
    const locations = sourceLocations(String(r.txt ?? ''));
    if (!locations.length) continue;
    calls.push({
      requestId: String(r.request_id),
      time: String(r.t),
      identity: identityOf(String(r.who ?? '')) || '?',
      session: String(r.session ?? ''),
      meta: m,
      clientIp: r.client_ip ? String(r.client_ip) : null,
      locations,
    });
  }
  // applications the inventory declares as reading every tenant by design are not checked
  const apps = await loadApplications(db);
  if (apps.length) {
    const sessions = new Map<string, Set<string>>();
    for (const c of calls) {
      if (!sessions.has(c.identity)) sessions.set(c.identity, new Set());
      if (c.session) sessions.get(c.identity)!.add(c.session);
    }
    const exempt = new Set(
      [...sessions.entries()].filter(([who, s]) => declaredCrossTenant(apps, who, s)).map(([who]) => who),
    );
    if (exempt.size) calls.splice(0, calls.length, ...calls.filter((c) => !exempt.has(c.identity)));
  }
  // learn the partitions: (principal, metadata key, prefix) whose next folder is the caller's value
  const parts = new Map<string, Partition>();
  const ownCalls = new Map<string, Set<string>>();
  for (const c of calls) {
    for (const loc of c.locations)
      for (const f of folders(loc))
        for (const [k, v] of c.meta) {
          if (f.value !== v) continue;
          const id = `${c.identity}\0${k}\0${f.prefix}`;
          let p = parts.get(id);
          if (!p) {
            p = {
              identity: c.identity,
              key: k,
              prefix: f.prefix,
              ownCalls: 0,
              values: new Set(),
              callers: new Set(),
              shapes: new Set(),
              lead: '',
            };
            parts.set(id, p);
            ownCalls.set(id, new Set());
          }
          p.values.add(v);
          ownCalls.get(id)!.add(c.requestId);
        }
  }
  const learned = new Map<string, Partition[]>();
  for (const [id, p] of [...parts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    p.ownCalls = ownCalls.get(id)!.size;
    if (p.ownCalls < CROSS_TENANT.minOwnCalls || p.values.size < CROSS_TENANT.minValues) continue;
    const vs = [...p.values].sort();
    for (const v of vs) p.shapes.add(skeleton(v));
    p.lead = commonPrefix(vs);
    if (!learned.has(p.identity)) learned.set(p.identity, []);
    learned.get(p.identity)!.push(p);
  }
  for (const c of calls)
    for (const p of learned.get(c.identity) ?? []) {
      const v = c.meta.get(p.key);
      if (v) p.callers.add(v);
    }
  // the strongest partitioning per principal and prefix (one metadata key explains it)
  for (const [who, ps] of learned) {
    const best = new Map<string, Partition>();
    for (const p of ps) {
      const b = best.get(p.prefix);
      if (!b || p.ownCalls > b.ownCalls || (p.ownCalls === b.ownCalls && p.key < b.key))
        best.set(p.prefix, p);
    }
    learned.set(
      who,
      [...best.values()].sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0)),
    );
  }
  const users = new Map<string, CrossTenantUser>();
  const totals = new Map<string, number>();
  const userOf = (c: Call, tenant: string): string => {
    return metaValue(c.meta, META_KEYS.tenantMember) ?? c.clientIp ?? tenant;
  };
  for (const c of calls) {
    for (const p of learned.get(c.identity) ?? []) {
      const tenant = c.meta.get(p.key);
      // a caller that is not one tenant (a wildcard, a staff search) is not checked
      if (!tenant || !isTenantId(p, tenant)) continue;
      const user = userOf(c, tenant);
      const uk = `${c.identity}\0${p.prefix}\0${user}`;
      totals.set(uk, (totals.get(uk) ?? 0) + 1);
      const foreign: string[] = [];
      const foreignTenants = new Set<string>();
      for (const loc of c.locations) {
        if (!loc.startsWith(p.prefix)) continue;
        const f = folders(loc).find((x) => x.prefix === p.prefix);
        if (!f || f.value === tenant || !isTenantId(p, f.value)) continue;
        foreign.push(loc);
        foreignTenants.add(f.value);
      }
      if (!foreign.length) continue;
      let u = users.get(uk);
      if (!u) {
        u = { identity: c.identity, key: p.key, prefix: p.prefix, user, tenant, calls: [], totalCalls: 0 };
        users.set(uk, u);
      }
      u.calls.push({
        requestId: c.requestId,
        time: c.time,
        tenant,
        foreign,
        foreignTenants: [...foreignTenants].sort(),
        clientIp: c.clientIp,
      });
    }
  }
  const out = [...users.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  for (const [k, u] of out) u.totalCalls = totals.get(k) ?? u.calls.length;
  return out.map(([, u]) => u);
}

/** The knowledge-base searches of a principal right before each call (the retrievals that fed it). */
async function retrievalsBefore(
  db: Queryable,
  identity: string,
  times: string[],
): Promise<{ eventIds: string[]; kbs: string[] }> {
  const eventIds = new Set<string>();
  const kbs = new Set<string>();
  for (const t of times.slice(0, CROSS_TENANT.maxCited)) {
    const rows = await db.all(
      `SELECT event_id, json_extract_string(request_parameters, '$.knowledgeBaseId') AS kb FROM events
       WHERE action IN ('Retrieve', 'RetrieveAndGenerate') AND error_code IS NULL AND identity_arn = $1
         AND time BETWEEN CAST($2 AS TIMESTAMP) - INTERVAL 10 SECOND AND CAST($2 AS TIMESTAMP) + INTERVAL 1 SECOND
       ORDER BY time, event_id LIMIT 4`,
      [identity, sqlTime(t)],
    );
    for (const x of rows) {
      if (x.event_id) eventIds.add(String(x.event_id));
      if (x.kb) kbs.add(String(x.kb));
    }
  }
  return { eventIds: [...eventIds].sort(), kbs: [...kbs].sort() };
}

export const crossTenantDetector: Detector = {
  id: 'data-plane.cross-tenant-retrieval',
  title: "An application's answers carrying documents from another tenant's partition",
  elements: ['invocation', 'private-data'],
  async run(ctx) {
    const out: Finding[] = [];
    for (const u of await crossTenantCalls(ctx.db, ctx.identityOf)) {
      const calls = u.calls.slice(0, CROSS_TENANT.maxCited);
      const tenants = [...new Set(u.calls.flatMap((c) => c.foreignTenants))].sort();
      const deliberate =
        u.calls.length >= CROSS_TENANT.deliberateCalls || tenants.length >= CROSS_TENANT.deliberateTenants;
      const times = calls.map((c) => c.time);
      const retrievals = await retrievalsBefore(ctx.db, u.identity, times);
      const ips = [...new Set(u.calls.map((c) => c.clientIp).filter((x): x is string => !!x))].sort();
      const docs = [...new Set(u.calls.flatMap((c) => c.foreign))].sort();
      out.push(
        makeFinding({
          ruleId: 'data-plane.cross-tenant-retrieval',
          title: `${shortName(u.identity)}: end user ${u.user} of tenant ${u.tenant} received documents of ${tenants.length} other tenant(s) in ${u.calls.length} call(s)`,
          description:
            `The application partitions its documents by ${u.key} under ${u.prefix}<${u.key}>/ (learned from its own calls). ` +
            `${u.calls.length} of the end user's ${u.totalCalls} calls carried passages from other tenants' partitions (${tenants.join(', ')}), ` +
            `${docs.length} document(s), while requestMetadata.${u.key} named ${u.tenant}. ` +
            (deliberate
              ? 'Repeated or several tenants: the end user was pulling other tenants’ documents (or the isolation is broken for everyone).'
              : 'A single foreign passage: tenant isolation failed; the recipient is not necessarily the actor.'),
          severity: deliberate ? 'high' : 'medium',
          elements: ['invocation', 'private-data'],
          components: ['knowledge-bases', 'foundation-models'],
          times: [...times, u.calls[u.calls.length - 1].time],
          principals: [u.identity],
          sourceIps: deliberate ? ips.filter((ip) => isPublicIp(ip) && !ip.includes(':')) : [],
          resources: retrievals.kbs,
          attack: ['AML.T0057'],
          evidence: { requestIds: calls.map((c) => c.requestId), eventIds: retrievals.eventIds },
          details: {
            ...(deliberate ? { endUserConduct: true } : { notActor: true }),
            tenantKey: u.key,
            partitionPrefix: u.prefix,
            tenant: u.tenant,
            endUser: u.user,
            foreignTenants: tenants,
            foreignDocuments: docs.slice(0, 50),
            calls: u.calls.length,
            endUserCalls: u.totalCalls,
            clientIps: ips,
            knowledgeBases: retrievals.kbs,
          },
        }),
      );
    }
    return out;
  },
};
