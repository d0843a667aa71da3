/**
 * Element `access`: who used which credential, from where, with which client.
 *
 * - a role session (temporary key) of a workload or pipeline used from a second address with another
 *   client: the session's credentials left the machine they were issued to;
 * - a long-term access key used from an address no one else in the account uses, with a client the
 *   key never used (the key's other use being the account's everyday address);
 * - the first use of an access key created inside the window;
 * - console sign-ins without MFA;
 * - the LLMjacking reconnaissance sequence (identity check, IAM self-inspection errors, model and
 *   invocation-logging discovery across Regions, malformed invocation probes, model-access requests);
 * - bursts of denied or malformed Bedrock calls; long-term keys and Bedrock API keys on Bedrock.
 *
 * Baselines come from the evidence: the key's and the principal's own addresses and clients, and
 * the addresses several principals of the account share (office, VPN, NAT).
 */
import type { Json } from '../model/types.js';
import { isoSql, sqlTime } from '../store/case-store.js';
import { modelFamilyId } from './baselines.js';
import {
  actionList,
  actorOf,
  applyContext,
  BROWSER_UA,
  type Candidate,
  type CtRow,
  clientFamily,
  clientOf,
  deviceClient,
  type Env,
  everydayOrigin,
  fromUsualOrigin,
  isEndUserIdp,
  isPublicIp,
  loadEvents,
  matchContext,
  minutesBetween,
  nameOf,
  netOf,
  principalsOf,
  recordsByKey,
  roleOf,
  subjectOf,
  usualOrigin,
} from './context.js';
import { wildcardMatch } from './wildcard.js';

const RUNTIME = new Set([
  'InvokeModel',
  'InvokeModelWithResponseStream',
  'Converse',
  'ConverseStream',
  'InvokeAgent',
  'InvokeInlineAgent',
  'Retrieve',
  'RetrieveAndGenerate',
  'ApplyGuardrail',
  'StartAsyncInvoke',
  'CountTokens',
]);

/** Records a person or a program made (not AWS services acting for themselves). */
const ACTOR_ROWS = `principal_type IS DISTINCT FROM 'AWSService' AND identity_arn IS NOT NULL
  AND regexp_matches(coalesce(source_ip, ''), '^[0-9a-fA-F:.]+$')`;

interface Origin {
  key: string;
  ip: string;
  client: string;
  rows: CtRow[];
  first: string;
  last: string;
}

function originsOf(rows: CtRow[]): Map<string, Origin[]> {
  const byKey = new Map<string, Map<string, Origin>>();
  for (const r of rows) {
    if (!r.accessKeyId || !r.sourceIp) continue;
    const client = clientOf(r.userAgent);
    const k = `${r.sourceIp}\u0000${client}`;
    if (!byKey.has(r.accessKeyId)) byKey.set(r.accessKeyId, new Map());
    const m = byKey.get(r.accessKeyId)!;
    let o = m.get(k);
    if (!o) {
      o = { key: r.accessKeyId, ip: r.sourceIp, client, rows: [], first: r.time, last: r.time };
      m.set(k, o);
    }
    o.rows.push(r);
    if (r.time < o.first) o.first = r.time;
    if (r.time > o.last) o.last = r.time;
  }
  return new Map(
    [...byKey].map(([k, m]) => [k, [...m.values()].sort((a, b) => a.first.localeCompare(b.first))]),
  );
}

/** origins are told apart by address, client and time: no request or response is read */
const NO_JSON = { req: false, resp: false, extra: false };

const ids = (rows: CtRow[]): string[] => rows.map((r) => r.eventId);
const times = (rows: CtRow[]): string[] => rows.flatMap((r) => [r.time]);
const actionsOf = (rows: CtRow[]): string[] => [...new Set(rows.map((r) => r.action))].sort();

/** The operating system a programmatic client reports (`os/linux#6.1.0-13-amd64`), without the per-call part. */
function osOf(ua: string | null | undefined): string {
  return /\bos\/[^\s]+/.exec(ua ?? '')?.[0] ?? '';
}

/**
 * Whether an origin's records come from another device than the session's home records: every
 * record is programmatic (not a browser or the console), and differs from every home record in the
 * client build and in the operating system it reports (in the client family when neither says).
 */
function otherDevice(homeUas: Array<string | null>, rows: CtRow[]): boolean {
  if (!homeUas.length || homeUas.some((u) => !u || BROWSER_UA.test(u))) return false;
  return rows.every((r) => {
    const ua = r.userAgent;
    if (!ua || BROWSER_UA.test(ua)) return false;
    return homeUas.every((h) => {
      if (clientOf(h) === clientOf(ua)) return false;
      const a = osOf(h);
      const b = osOf(ua);
      return a && b ? a !== b : clientFamily(h) !== clientFamily(ua);
    });
  });
}

/**
 * The notebook run a session key was issued for: the `AssumeRole` SageMaker made that returned the
 * key, the `StartNotebookInstance` / `CreateNotebookInstance` of the account in the 15 minutes
 * before it, and the lifecycle configuration the notebook had at that start (the last
 * `UpdateNotebookInstance` / `CreateNotebookInstance` naming one).
 */
async function notebookRunOf(
  env: Env,
  key: string,
): Promise<{ notebook: string; config: string | null; triage: string; details: Json } | null> {
  const issued = await env.db.all(
    `SELECT coalesce(event_id, uid) AS id, ${isoSql('time')} AS t, account, region FROM events
     WHERE action = 'AssumeRole' AND error_code IS NULL AND invoked_by = 'sagemaker.amazonaws.com'
       AND (response_elements->>'$.credentials.accessKeyId') = $1
     ORDER BY time LIMIT 1`,
    [key],
  );
  if (!issued.length) return null;
  const i = issued[0];
  const start = await env.db.all(
    `SELECT coalesce(event_id, uid) AS id, ${isoSql('time')} AS t, action, source_ip AS ip, principal_arn AS p,
            request_parameters->>'$.notebookInstanceName' AS nb FROM events
     WHERE service = 'sagemaker.amazonaws.com' AND action IN ('StartNotebookInstance', 'CreateNotebookInstance')
       AND error_code IS NULL AND account IS NOT DISTINCT FROM $1
       AND time <= CAST($2 AS TIMESTAMP) AND time >= CAST($2 AS TIMESTAMP) - INTERVAL 15 MINUTE
       AND (request_parameters->>'$.notebookInstanceName') IS NOT NULL
     ORDER BY time DESC, 1 LIMIT 1`,
    [i.account == null ? null : String(i.account), sqlTime(String(i.t))],
  );
  if (!start.length) return null;
  const s = start[0];
  const nb = String(s.nb);
  const cfg = await env.db.all(
    `SELECT coalesce(event_id, uid) AS id, request_parameters->>'$.lifecycleConfigName' AS c FROM events
     WHERE service = 'sagemaker.amazonaws.com' AND action IN ('UpdateNotebookInstance', 'CreateNotebookInstance')
       AND error_code IS NULL AND account IS NOT DISTINCT FROM $1 AND time <= CAST($2 AS TIMESTAMP)
       AND lower(request_parameters->>'$.notebookInstanceName') = lower($3)
       AND (request_parameters->>'$.lifecycleConfigName') IS NOT NULL
     ORDER BY time DESC, 1 LIMIT 1`,
    [i.account == null ? null : String(i.account), sqlTime(String(s.t)), nb],
  );
  const config = cfg.length ? String(cfg[0].c) : null;
  const arn = (type: string, name: string): string =>
    i.region && i.account ? `arn:aws:sagemaker:${i.region}:${i.account}:${type}/${name.toLowerCase()}` : name;
  return {
    notebook: arn('notebook-instance', nb),
    config: config ? arn('notebook-instance-lifecycle-config', config) : null,
    triage:
      `issued by SageMaker at ${String(i.t)} for the ${s.action === 'StartNotebookInstance' ? 'start' : 'creation'} of notebook ${nb} ` +
      `(${String(s.action)} by ${nameOf(String(s.p ?? ''))} from ${String(s.ip ?? '')})` +
      (config ? `, which ran lifecycle configuration ${config}` : ''),
    details: {
      assumeRole: String(i.id),
      notebook: nb,
      start: String(s.id),
      startedBy: String(s.p ?? ''),
      startedFrom: String(s.ip ?? ''),
      ...(config ? { lifecycleConfig: config, attachedBy: String(cfg[0].id) } : {}),
    },
  };
}

/** Role sessions of workloads and pipelines (and people's command-line sessions on another device) whose credentials turn up at a second address with another client. */
export async function sessionReuse(env: Env): Promise<Candidate[]> {
  // each key with its first record (time, uid): the order its records would come in all together
  const keys = await env.db.all(
    `SELECT access_key_id AS k, min(identity_arn) AS id, count(DISTINCT user_agent) AS uas, count(*) AS n FROM events
     WHERE principal_type = 'AssumedRole' AND access_key_id IS NOT NULL AND ${ACTOR_ROWS}
     GROUP BY 1 HAVING count(DISTINCT source_ip) > 1
     ORDER BY min({'t': time, 'u': uid}), k`,
  );
  const out: Candidate[] = [];
  // people's sessions move between office, home and VPN: a person's session is read only when its
  // programmatic client changes device too (below), which takes a second client on the key
  const keyList = keys
    .filter((r) => {
      if (!/^ASIA/.test(String(r.k))) return false;
      const kind = env.base.kindOf(String(r.id));
      return kind === 'workload' || kind === 'pipeline' || (kind === 'human' && Number(r.uas) > 1);
    })
    .map((r) => ({ k: String(r.k), n: Number(r.n) }));
  if (!keyList.length) return out;
  // the keys' records a few keys at a time, in their order: on a large case the sessions of the
  // application and of people hold hundreds of thousands of records, which DuckDB would otherwise
  // hand over in one result
  let chunk: string[] = [];
  let rows = 0;
  for (const r of keyList) {
    if (chunk.length && rows + r.n > SESSION_ROWS_PER_READ) {
      await sessionReuseOf(env, chunk, out);
      chunk = [];
      rows = 0;
    }
    chunk.push(r.k);
    rows += r.n;
  }
  if (chunk.length) await sessionReuseOf(env, chunk, out);
  return out;
}

/** Records of session keys read together by `sessionReuse` (a key with more is read alone). */
const SESSION_ROWS_PER_READ = 20_000;

async function sessionReuseOf(env: Env, keyList: string[], out: Candidate[]): Promise<void> {
  const rows = await loadEvents(
    env.db,
    `access_key_id IN (${actionList(keyList)}) AND ${ACTOR_ROWS}`,
    [],
    NO_JSON,
  );
  for (const [key, origins] of originsOf(rows)) {
    const identity = origins[0].rows[0].identityArn;
    const kind = env.base.kindOf(identity);
    if (kind !== 'workload' && kind !== 'pipeline' && kind !== 'human') continue;
    const human = kind === 'human';
    // the role's other sessions: their addresses (a fleet behind several NAT addresses is not a
    // theft; for a person, the addresses of their other sessions) and their device clients
    // (a person's sessions are found by their session name, under any role they sign in to)
    const others = await env.db.all(
      `SELECT DISTINCT source_ip AS ip, user_agent AS ua FROM events
       WHERE ${human ? 'session_name = $1' : 'identity_arn = $1'} AND access_key_id IS DISTINCT FROM $2
       ORDER BY ALL`,
      [(human ? origins[0].rows[0].sessionName : identity) ?? '', key],
    );
    const roleIps = new Set(others.map((r) => String(r.ip)));
    const roleDevices = new Set(others.map((r) => deviceClient(r.ua as string | null)));
    // the session's home is where it was first used, unless that origin's client is foreign to the
    // role and a later origin runs the role's own software (credentials a service issued to an
    // instance, used from outside before the instance itself called AWS)
    const devicesOf = (o: Origin): Set<string> => new Set(o.rows.map((r) => deviceClient(r.userAgent)));
    const runsRoleSoftware = (o: Origin): boolean =>
      isPublicIp(o.ip) && [...devicesOf(o)].some((d) => d && roleDevices.has(d));
    const home =
      !human && !runsRoleSoftware(origins[0]) ? (origins.find(runsRoleSoftware) ?? origins[0]) : origins[0];
    const homeClients = new Set(origins.filter((o) => o.ip === home.ip).map((o) => o.client));
    const homeUas = origins.filter((o) => o.ip === home.ip).flatMap((o) => o.rows.map((r) => r.userAgent));
    let foreign = origins.filter(
      (o) =>
        o.ip !== home.ip &&
        isPublicIp(o.ip) &&
        netOf(o.ip) !== netOf(home.ip) &&
        !roleIps.has(o.ip) &&
        !env.base.isCommonIp(o.ip),
    );
    // a person works from several networks with the same laptop: their session counts as taken
    // only when a programmatic client on another device (another client build and operating
    // system) uses it from a network none of their sessions used
    if (human) foreign = foreign.filter((o) => otherDevice(homeUas, o.rows));
    if (!foreign.length) continue;
    // another client as well: certain; the same client from another network: probable
    const newClient = foreign.some((o) => !homeClients.has(o.client));
    // when the key also turns up elsewhere with another client (taken for certain), an origin that
    // only read, with exactly the device client of the session's own host (same build, same OS),
    // is the owner from another network (home in the evening), not the thief
    const homeDevices = new Set(
      origins.filter((o) => o.ip === home.ip).flatMap((o) => o.rows.map((r) => deviceClient(r.userAgent))),
    );
    const ownerLike = (o: Origin): boolean =>
      homeClients.has(o.client) &&
      o.rows.every((r) => r.readOnly === true && !r.errorCode && homeDevices.has(deviceClient(r.userAgent)));
    const owners = newClient ? foreign.filter(ownerLike) : [];
    if (owners.length) foreign = foreign.filter((o) => !ownerLike(o));
    const fRows = foreign.flatMap((o) => o.rows);
    const role = roleOf(identity);
    const first = foreign.map((o) => o.first).sort()[0];
    // a person's copied session that only looked around is probable; one that changed things, certain
    const changed = fRows.some((r) => r.readOnly === false && !r.errorCode);
    const severity = human ? (changed ? 'high' : 'medium') : newClient ? 'high' : 'medium';
    // where the credentials came from: the notebook start SageMaker issued them for, and the
    // lifecycle configuration that ran at that start (what put them in other hands)
    const run = human ? null : await notebookRunOf(env, key);
    const legitOrigins = human ? origins.filter((o) => !foreign.includes(o) && isPublicIp(o.ip)) : [home];
    out.push({
      ruleId: 'access.session-credentials-reused-elsewhere',
      title: `Temporary credentials of ${nameOf(role)} used from another address and client`,
      description:
        `Session key ${key} of ${kind} role ${nameOf(role)} was first used from ${home.ip} (${home.client}) ` +
        `and then from ${foreign.map((o) => `${o.ip} (${o.client})`).join(', ')}. ` +
        (human
          ? "A person's command-line session stays on their device; the same session from a network none of their sessions used, with another client build on another operating system, means the cached credentials were copied."
          : `A ${kind}'s session stays on the host it was issued to; use from another network with another client means the credentials were taken.`),
      severity,
      strength: 'hard',
      ifActor: 'high',
      elements: ['access'],
      times: times(fRows),
      principals: [...new Set(fRows.flatMap(principalsOf))],
      accessKeyIds: [key],
      sourceIps: foreign.map((o) => o.ip),
      resources: [
        ...(role ? [role] : []),
        ...(run ? [run.notebook, ...(run.config ? [run.config] : [])] : []),
      ],
      attack: ['T1078.004', 'T1550'],
      evidence: { eventIds: ids(fRows) },
      actors: foreign.map((o) => ({ key, ip: o.ip, identity })),
      legit: [
        ...[...new Set(legitOrigins.map((o) => o.ip))].map((ip) => ({ key, ip, identity })),
        ...owners.map((o) => ({ key, ip: o.ip, identity })),
      ],
      triage: [
        `${kind} role; session issued at ${home.ip} with ${home.client}; moved at ${first}`,
        ...(run ? [run.triage] : []),
        ...owners.map(
          (o) =>
            `${o.ip} (${o.client}, ${o.rows.length} read-only records) looks like the owner: the same device client as at ${home.ip}, reads only`,
        ),
      ],
      details: {
        homeOrigin: { ip: home.ip, client: home.client, first: home.first, last: home.last },
        ...(run ? { issuedBy: run.details } : {}),
        ...(owners.length
          ? {
              ownerOrigins: owners.map((o) => ({
                ip: o.ip,
                client: o.client,
                first: o.first,
                last: o.last,
                records: o.rows.length,
              })),
            }
          : {}),
        foreignOrigins: foreign.map((o) => ({
          ip: o.ip,
          client: o.client,
          first: o.first,
          last: o.last,
          records: o.rows.length,
          actions: actionsOf(o.rows).slice(0, 40),
        })),
      },
    });
    // what the session did at home shortly before it moved: an identity check, and the data listings
    // that followed it within minutes (the compromised step's, or the intruder's on the host)
    const atHome = origins.filter((o) => o.ip === home.ip).flatMap((o) => o.rows);
    const before = atHome.filter((r) => r.time <= first && minutesBetween(r.time, first) <= 60);
    const checks = before.filter((r) => r.action === 'GetCallerIdentity');
    const listings = before.filter(
      (r) =>
        /^(ListObjects|ListObjectsV2|ListBuckets|GetSessionToken)$/.test(r.action) &&
        checks.some((c) => c.time <= r.time && minutesBetween(c.time, r.time) <= 5),
    );
    const pre = [...checks, ...listings].sort((a, b) => a.time.localeCompare(b.time)).slice(-10);
    if (pre.length) {
      out.push({
        ruleId: 'access.session-checks-before-reuse',
        title: `Identity checks by ${nameOf(role)} on its own host just before its credentials moved`,
        description:
          'Calls the session made at its issuing address in the hour before it was used elsewhere ' +
          '(identity checks, listings): where the credentials were probably read or the compromised step ran.',
        severity: 'low',
        strength: 'context',
        elements: ['access'],
        times: times(pre),
        principals: [...new Set(pre.flatMap(principalsOf))],
        accessKeyIds: [key],
        sourceIps: [home.ip],
        attack: ['T1552.005'],
        evidence: { eventIds: ids(pre) },
        actors: [],
        triage: ['context for the credential theft; the host itself is not the actor'],
      });
    }
  }
}

/**
 * Long-term access keys used from an address no other principal uses with a client the key did not
 * use at its other addresses. Soft: travellers and new laptops look the same until the actor does
 * something else.
 */
export async function keyNewOrigin(env: Env): Promise<Candidate[]> {
  const keys = await env.db.all(
    `SELECT access_key_id AS k FROM events WHERE access_key_id LIKE 'AKIA%' AND ${ACTOR_ROWS}
     GROUP BY 1 HAVING count(DISTINCT source_ip) > 1 ORDER BY ALL`,
  );
  if (!keys.length) return [];
  const rows = await loadEvents(
    env.db,
    `access_key_id IN (${actionList(keys.map((r) => String(r.k)))}) AND ${ACTOR_ROWS}`,
    [],
    NO_JSON,
  );
  const out: Candidate[] = [];
  for (const [key, origins] of originsOf(rows)) {
    const identity = origins[0].rows[0].identityArn;
    const established = origins.filter((o) => env.base.isCommonIp(o.ip) || !isPublicIp(o.ip));
    // without an everyday address, the key's routine (a pipeline's runners, a scheduled job's host)
    // is its baseline, also when someone else used the key first in the evidence
    let routine: Origin[] = [];
    if (!established.length) {
      const usual = await usualOrigin(env.db, 'access_key_id', key);
      if (usual?.basis && usual.basis !== 'first')
        routine = origins.filter((o) => o.rows.some((r) => fromUsualOrigin(usual, r.sourceIp, r.userAgent)));
    }
    const baseline = established.length ? established : routine.length ? routine : [origins[0]];
    const baseIps = new Set(baseline.map((o) => o.ip));
    const baseNets = new Set(baseline.map((o) => netOf(o.ip)));
    const baseClients = new Set(baseline.map((o) => o.client));
    const maybe = origins.filter(
      (o) =>
        !baseIps.has(o.ip) && !baseNets.has(netOf(o.ip)) && isPublicIp(o.ip) && !baseClients.has(o.client),
    );
    const fresh: Array<Origin & { chained: ChainedSession[] }> = [];
    for (const o of maybe) {
      // the role sessions the key opened from this origin are the same hands: the roles they act as
      // at the address are not "another principal using it"
      const chained = (env.base.ipIdentities.get(o.ip) ?? 0) > 0 ? await chainedSessions(env, o) : [];
      if ((await othersAt(env, o.ip, identity, chained)) === 0) fresh.push({ ...o, chained });
    }
    if (!fresh.length) continue;
    for (const o of fresh) {
      const runtime = o.rows.filter((r) => RUNTIME.has(r.action)).length;
      const chainedRows = o.chained.flatMap((s) => s.rows).slice(0, MAX_CHAINED_EVIDENCE);
      const roles = [...new Set(o.chained.map((s) => s.role))].sort();
      const sessionKeys = o.chained.map((s) => s.key).sort();
      out.push({
        ruleId: 'access.key-new-address-and-client',
        title: `Access key of ${nameOf(identity)} used from a new address with a new client`,
        description:
          `Long-term key ${key} is normally used from ${[...baseIps].join(', ')} (${[...baseClients].join(', ')}); ` +
          `here from ${o.ip} with ${o.client || 'no user agent'}, an address no other principal of the account uses. ` +
          `${o.rows.length} records${runtime ? `, ${runtime} model invocations` : ''}` +
          `${roles.length ? `; from there it assumed ${roles.map(nameOf).join(', ')} (${chainedRows.length} records of the session${sessionKeys.length > 1 ? 's' : ''})` : ''}.`,
        severity: 'low',
        strength: 'soft',
        ifActor: 'high',
        elements: ['access'],
        times: times([...o.rows, ...chainedRows]),
        principals: identity ? [identity, ...roles] : roles,
        accessKeyIds: [key, ...sessionKeys],
        sourceIps: [o.ip],
        resources: identity ? [identity] : [],
        attack: ['T1078.004', ...(roles.length ? ['T1550.001'] : [])],
        evidence: { eventIds: ids([...o.rows, ...chainedRows]) },
        actors: [
          { key, ip: o.ip, identity },
          ...o.chained.map((s) => ({ key: s.key, ip: o.ip, identity: s.role })),
        ],
        legit: baseline.map((b) => ({ key, ip: b.ip, identity })),
        triage: [
          'new address and client for this key; alone this is also what travel or a new laptop looks like',
          ...o.chained.map(
            (s) =>
              `assumed ${nameOf(s.role)} from the same address as session ${s.sessionName ?? '?'} (key ${s.key}, ${s.rows.length} records there)`,
          ),
        ],
        details: {
          baseline: baseline.map((b) => ({ ip: b.ip, client: b.client, first: b.first, last: b.last })),
          origin: { ip: o.ip, client: o.client, first: o.first, last: o.last, records: o.rows.length },
          actions: actionsOf(o.rows).slice(0, 40),
          regions: [...new Set(o.rows.map((r) => r.region ?? ''))].filter(Boolean),
          ...(o.chained.length
            ? {
                chainedSessions: o.chained.map((s) => ({
                  key: s.key,
                  role: s.role,
                  sessionName: s.sessionName,
                  assumedBy: s.assumedBy,
                  records: s.rows.length,
                  actions: actionsOf(s.rows).slice(0, 40),
                })),
              }
            : {}),
        },
      });
    }
  }
  return out;
}

/** A role session a long-term key opened (AssumeRole) from one of its origins, with its records there. */
interface ChainedSession {
  key: string;
  role: string;
  sessionName: string | null;
  /** eventID of the AssumeRole */
  assumedBy: string;
  rows: CtRow[];
}

const MAX_CHAINED_SESSIONS = 10;
const MAX_CHAINED_EVIDENCE = 300;

/** The role sessions the origin's key opened from the origin's address, and their records from that address. */
async function chainedSessions(env: Env, o: Origin): Promise<ChainedSession[]> {
  const assumes = await loadEvents(
    env.db,
    `access_key_id = $1 AND source_ip = $2 AND action = 'AssumeRole' AND error_code IS NULL`,
    [o.key, o.ip],
    { extra: false },
  );
  const out: ChainedSession[] = [];
  for (const a of assumes.slice(0, MAX_CHAINED_SESSIONS)) {
    const creds = (a.resp?.credentials as Record<string, unknown> | undefined) ?? {};
    const k = typeof creds.accessKeyId === 'string' ? creds.accessKeyId : null;
    const role = typeof a.req?.roleArn === 'string' ? a.req.roleArn : null;
    if (!k || !role || !/^ASIA[A-Z0-9]{8,}$/.test(k)) continue;
    const rows = await loadEvents(
      env.db,
      `access_key_id = $1 AND source_ip = $2 AND ${ACTOR_ROWS}`,
      [k, o.ip],
      NO_JSON,
    );
    out.push({
      key: k,
      role,
      sessionName: typeof a.req?.roleSessionName === 'string' ? a.req.roleSessionName : null,
      assumedBy: a.eventId,
      rows,
    });
  }
  return out;
}

/** Identities other than the key's own and the roles of the sessions it opened there that used the address. */
async function othersAt(
  env: Env,
  ip: string,
  identity: string | null,
  chained: ChainedSession[],
): Promise<number> {
  if ((env.base.ipIdentities.get(ip) ?? 0) <= 1) return 0;
  const keys = chained.map((s) => s.key);
  const rows = await env.db.all(
    `SELECT count(DISTINCT identity_arn) AS n FROM events
     WHERE source_ip = $1 AND ${ACTOR_ROWS} AND identity_arn IS DISTINCT FROM $2
       AND NOT (coalesce(access_key_id, '') IN (${actionList(keys.length ? keys : [''])}))`,
    [ip, identity],
  );
  return Number(rows[0]?.n ?? 0);
}

/** First use of each access key created in the window: who created it, from where it is used. */
export async function createdKeyFirstUse(env: Env): Promise<Candidate[]> {
  const created = await loadEvents(env.db, `action = 'CreateAccessKey' AND error_code IS NULL`);
  const out: Candidate[] = [];
  for (const c of created) {
    const ak = (c.resp?.accessKey as Record<string, unknown> | undefined) ?? {};
    const newKey = ak.accessKeyId ? String(ak.accessKeyId) : null;
    if (!newKey) continue;
    const uses = await loadEvents(env.db, `access_key_id = $1 AND ${ACTOR_ROWS}`, [newKey]);
    if (!uses.length) continue;
    const user = String((c.req?.userName as string) ?? ak.userName ?? c.userName ?? '');
    const ips = [...new Set(uses.map((u) => u.sourceIp).filter(isPublicIp))];
    const clients = [...new Set(uses.map((u) => clientOf(u.userAgent)))];
    const userRows = await env.db.all(
      `SELECT DISTINCT source_ip AS ip, split_part(trim(coalesce(user_agent, '')), ' ', 1) AS client FROM events
       WHERE user_name = $1 AND access_key_id IS DISTINCT FROM $2 AND ${ACTOR_ROWS} AND time < CAST($3 AS TIMESTAMP)
       ORDER BY ip, client`,
      [user, newKey, sqlTime(uses[0].time)],
    );
    const priorIps = new Set(userRows.map((r) => String(r.ip)));
    const priorClients = new Set(userRows.map((r) => String(r.client)));
    const newIps = ips.filter((ip) => !priorIps.has(ip));
    const newClients = clients.filter((x) => !priorClients.has(x));
    const selfMade = c.identityArn === uses[0].identityArn;
    const fromNew = newIps.length > 0 && (priorIps.size > 0 || !selfMade);
    // uses from the user's earlier addresses are its legitimate owner's; the rest are the question
    const fresh = priorIps.size ? uses.filter((u) => !priorIps.has(u.sourceIp ?? '')) : uses;
    const known = uses.filter((u) => !fresh.includes(u));
    out.push({
      ruleId: 'access.created-key-used',
      title: `New access key of ${user} in use`,
      description:
        `Key ${newKey} was created at ${c.time} by ${nameOf(c.identityArn)} and used ${uses.length} times ` +
        `from ${ips.join(', ') || 'no public address'} (${clients.join(', ')}).` +
        (priorIps.size
          ? ` The user's earlier keys were used from ${[...priorIps].join(', ')}.`
          : ' The user has no earlier history in the evidence.'),
      severity: fromNew && priorIps.size && newClients.length ? 'low' : 'informational',
      strength: 'soft',
      ifActor: 'high',
      elements: ['access'],
      times: [c.time, ...times(fresh)],
      principals: [...new Set(uses.flatMap(principalsOf))],
      accessKeyIds: [newKey],
      sourceIps: [...new Set(fresh.map((u) => u.sourceIp))],
      resources: uses[0].identityArn ? [uses[0].identityArn] : [],
      attack: ['T1098.001', 'T1078.004'],
      evidence: { eventIds: [c.eventId, ...ids(fresh)] },
      actors: fresh.map((u) => actorOf(u)),
      legit: known.map((u) => actorOf(u)),
      triage: [
        selfMade ? 'created by the user itself (rotation)' : `created by ${nameOf(c.identityArn)}`,
        newIps.length
          ? `first used from address(es) new for the user: ${newIps.join(', ')}`
          : 'used from known addresses',
      ],
      details: {
        createdBy: c.identityArn,
        createdAt: c.time,
        creationEventId: c.eventId,
        priorAddresses: [...priorIps],
        priorClients: [...priorClients],
        usesFromPriorAddresses: known.length,
      },
    });
  }
  return out;
}

/** Console sign-ins of IAM users without MFA. */
export async function consoleWithoutMfa(env: Env): Promise<Candidate[]> {
  const rows = await loadEvents(
    env.db,
    `action = 'ConsoleLogin' AND principal_type IN ('IAMUser', 'Root') AND error_code IS NULL`,
  );
  const out: Candidate[] = [];
  for (const r of rows) {
    const mfaUsed = String(r.extra?.MFAUsed ?? (r.mfa ? 'Yes' : 'No'));
    const ok = String((r.resp?.ConsoleLogin as string) ?? 'Success') === 'Success';
    if (!ok || mfaUsed === 'Yes') continue;
    const prof = r.identityArn ? env.base.profiles.get(r.identityArn) : undefined;
    const rare = isPublicIp(r.sourceIp) && (env.base.ipIdentities.get(r.sourceIp) ?? 0) <= 1;
    const established = !!prof && !prof.createdInWindow;
    const after = await loadEvents(
      env.db,
      `source_ip = $1 AND identity_arn = $2 AND time >= CAST($3 AS TIMESTAMP)
       AND time <= CAST($3 AS TIMESTAMP) + INTERVAL 2 HOUR AND uid <> $4`,
      [r.sourceIp ?? '', r.identityArn ?? '', sqlTime(r.time), r.uid],
    );
    const c: Candidate = {
      ruleId: 'access.console-login-without-mfa',
      title: `Console sign-in without MFA by ${nameOf(r.identityArn) || r.userName}`,
      description:
        `${r.principalType} ${nameOf(r.identityArn)} signed in to the console from ${r.sourceIp} without MFA` +
        (rare ? ', an address no other principal of the account uses' : '') +
        `; ${after.length} console actions followed from that address.`,
      severity: established && rare ? 'medium' : 'low',
      strength: established && rare ? 'hard' : 'soft',
      ifActor: 'high',
      elements: ['access'],
      times: [r.time, ...times(after)],
      principals: [...new Set([...principalsOf(r), ...after.flatMap(principalsOf)])],
      accessKeyIds: after.map((a) => a.accessKeyId),
      sourceIps: [r.sourceIp],
      resources: r.identityArn ? [r.identityArn] : [],
      attack: ['T1078.004', 'T1621'],
      evidence: { eventIds: [r.eventId, ...ids(after)] },
      actors: [actorOf(r), ...after.map(actorOf)],
      triage: [
        established ? 'existing user' : 'user created in the window (first sign-in)',
        rare ? 'address unique to this user in the account' : 'address shared with other principals',
      ],
      details: { mfaUsed, userAgent: r.userAgent ?? null, actionsAfter: actionsOf(after) },
    };
    applyContext(c, matchContext(env.entries, { ...subjectOf(r), targets: [r.userName] }));
    out.push(c);
  }
  return out;
}

const DENIED = /AccessDenied|UnauthorizedOperation|NotAuthorized|Forbidden/i;

const MODEL_DISCOVERY = [
  'ListFoundationModels',
  'GetFoundationModel',
  'GetFoundationModelAvailability',
  'ListFoundationModelAgreementOffers',
  'ListInferenceProfiles',
  'GetUseCaseForModelAccess',
];
const MODEL_ACCESS = ['PutUseCaseForModelAccess', 'CreateFoundationModelAgreement'];

/**
 * The LLMjacking reconnaissance sequence of one credential at one address: identity check, IAM
 * self-inspection that fails, model and invocation-logging discovery across Regions, malformed
 * invocation probes, model-access requests. Stages are counted within a day.
 */
export async function llmjackingRecon(env: Env): Promise<Candidate[]> {
  const rows = await loadEvents(
    env.db,
    `${ACTOR_ROWS} AND (
       action IN ('GetCallerIdentity', 'GetModelInvocationLoggingConfiguration', ${actionList([...MODEL_DISCOVERY, ...MODEL_ACCESS])})
       OR (service = 'iam.amazonaws.com' AND error_code IS NOT NULL)
       OR (service IN ('bedrock.amazonaws.com', 'bedrock-runtime.amazonaws.com') AND error_code IS NOT NULL AND action IN (${actionList([...RUNTIME])})))`,
    [],
    { resp: false, extra: false }, // the model ids asked for are in the requests
  );
  const groups = new Map<string, CtRow[]>();
  for (const r of rows) {
    const k = `${r.identityArn}\u0000${r.accessKeyId ?? ''}\u0000${r.sourceIp}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  const out: Candidate[] = [];
  for (const g of groups.values()) {
    // windows of a day from the first record
    let i = 0;
    while (i < g.length) {
      const start = g[i].time;
      const w = g.filter((r) => r.time >= start && Date.parse(r.time) - Date.parse(start) <= 86_400_000);
      i += Math.max(1, w.length);
      const stage = {
        identity: w.filter((r) => r.action === 'GetCallerIdentity' && !r.errorCode),
        iamErrors: w.filter((r) => r.service === 'iam.amazonaws.com' && DENIED.test(r.errorCode ?? '')),
        discovery: w.filter((r) => MODEL_DISCOVERY.includes(r.action) && !r.errorCode),
        logging: w.filter((r) => r.action === 'GetModelInvocationLoggingConfiguration'),
        probes: w.filter((r) => RUNTIME.has(r.action) && r.errorCode),
        access: w.filter((r) => MODEL_ACCESS.includes(r.action) && !r.errorCode),
      };
      const regions = new Set([...stage.discovery, ...stage.logging, ...stage.probes].map((r) => r.region));
      const multiRegion = regions.size >= 2;
      const recon = stage.identity.length > 0 || stage.iamErrors.length > 0;
      const looks = stage.discovery.length > 0 || stage.logging.length > 0;
      const acts = stage.probes.length > 0 || stage.access.length > 0;
      const loggingRegions = new Set(stage.logging.map((r) => r.region)).size;
      const probeRegions = new Set(stage.probes.map((r) => r.region)).size;
      const strong = [
        stage.iamErrors.length > 0,
        loggingRegions >= 2,
        stage.access.length > 0,
        stage.probes.length > 0 && probeRegions >= 2,
      ].filter(Boolean).length;
      const rareIp = isPublicIp(g[0].sourceIp) && !env.base.isCommonIp(g[0].sourceIp);
      // a stolen key is driven by a script; a person enabling a model does it in the console
      const scripted = w.some((r) => !BROWSER_UA.test(r.userAgent ?? ''));
      const tested = stage.probes.length > 0 || stage.iamErrors.length > 0;
      const hard = scripted && looks && acts && tested && (strong >= 3 || (strong >= 2 && recon && rareIp));
      const count = [recon, looks, multiRegion, stage.logging.length > 0, acts].filter(Boolean).length;
      if (!hard && count < 4) continue;
      const all = [
        ...stage.identity,
        ...stage.iamErrors,
        ...stage.discovery,
        ...stage.logging,
        ...stage.probes,
        ...stage.access,
      ].sort((a, b) => a.time.localeCompare(b.time));
      const r0 = all[0];
      const who = nameOf(r0.identityArn);
      const c: Candidate = {
        ruleId: 'access.llmjacking-recon',
        title: hard
          ? `LLMjacking reconnaissance by ${who}: model discovery, probes${stage.access.length ? ' and model-access requests' : ''}`
          : `Bedrock and identity discovery across Regions by ${who}`,
        description:
          `From ${r0.sourceIp} (${clientOf(r0.userAgent)}): ${stage.identity.length} identity checks, ` +
          `${stage.iamErrors.length} failed IAM self-inspection calls, ${stage.discovery.length} model-discovery ` +
          `and ${stage.logging.length} invocation-logging checks in ${regions.size} Region(s) (${[...regions].join(', ')}), ` +
          `${stage.probes.length} failed invocation probes, ${stage.access.length} model-access requests.`,
        severity: hard ? 'high' : 'low',
        strength: hard ? 'hard' : 'soft',
        ifActor: 'high',
        // asking for access to a model changes what the account can run (an AI change); looking and
        // probing change nothing
        elements: hard && stage.access.length > 0 ? ['access', 'ai-changes'] : ['access'],
        components: ['foundation-models'],
        times: times(all),
        principals: [...new Set(all.flatMap(principalsOf))],
        accessKeyIds: [...new Set(all.map((r) => r.accessKeyId))],
        sourceIps: [r0.sourceIp],
        resources: [
          ...new Set(
            stage.access
              .map((r) => String(r.req?.modelId ?? ''))
              .concat(stage.probes.map((r) => String(r.req?.modelId ?? '')))
              .filter(Boolean),
          ),
        ],
        attack: ['T1087.004', 'T1526', 'T1580', ...(hard ? ['T1496', 'AML.T0040'] : [])],
        evidence: { eventIds: ids(all) },
        actors: all.map(actorOf),
        triage: [
          hard
            ? 'the sequence an LLMjacking actor runs on a stolen key before reselling access'
            : 'discovery without invocation probes or model-access requests (also what assessments and scanners do)',
        ],
        details: {
          stages: {
            identityChecks: stage.identity.length,
            iamErrors: stage.iamErrors.length,
            modelDiscovery: stage.discovery.length,
            loggingChecks: stage.logging.length,
            invocationProbes: stage.probes.length,
            modelAccessRequests: stage.access.length,
          },
          regions: [...regions].filter((x): x is string => !!x),
          probeErrors: [...new Set(stage.probes.map((r) => r.errorCode ?? ''))],
        },
      };
      applyContext(c, matchContext(env.entries, { ...subjectOf(r0), readOnly: !stage.access.length }));
      out.push(c);
    }
  }
  return out;
}

/** Bursts of denied or malformed Bedrock calls by one principal at one address. */
export async function bedrockErrorBursts(env: Env): Promise<Candidate[]> {
  const rows = await loadEvents(
    env.db,
    `${ACTOR_ROWS} AND service IN ('bedrock.amazonaws.com', 'bedrock-runtime.amazonaws.com', 'bedrock-agent.amazonaws.com')
     AND (error_code LIKE '%AccessDenied%' OR error_code LIKE '%Validation%' OR error_code LIKE '%UnauthorizedOperation%'
          OR error_code LIKE '%ResourceNotFound%')`,
  );
  const groups = new Map<string, CtRow[]>();
  for (const r of rows) {
    const k = `${r.identityArn}\u0000${r.sourceIp}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  const out: Candidate[] = [];
  for (const g of groups.values()) {
    // densest 15-minute stretch: the first longest run of rows within 15 minutes of its first row
    // (rows are in time order, so a sliding window; the quadratic scan it replaces took ~4 s at
    // 10M events)
    const at = g.map((r) => Date.parse(r.time));
    let best: CtRow[] = [];
    for (let i = 0, k = 0; i < g.length; i++) {
      if (k < i) k = i;
      while (k + 1 < g.length && at[k + 1] - at[i] <= 15 * 60_000) k++;
      if (k - i + 1 > best.length) best = g.slice(i, k + 1);
    }
    const models = new Set(best.map((r) => String(r.req?.modelId ?? '')).filter(Boolean));
    const regions = new Set(best.map((r) => r.region));
    if (best.length < 5 && !(best.length >= 3 && (regions.size >= 2 || models.size >= 3))) continue;
    const r0 = best[0];
    out.push({
      ruleId: 'access.bedrock-error-burst',
      title: `Burst of denied or malformed Bedrock calls by ${nameOf(r0.identityArn)}`,
      description:
        `${best.length} failed Bedrock calls in 15 minutes from ${r0.sourceIp} ` +
        `(${[...new Set(best.map((r) => r.errorCode))].join(', ')}), ${models.size} model(s), ${regions.size} Region(s).`,
      severity: 'low',
      strength: 'soft',
      ifActor: 'high',
      elements: ['access'],
      components: ['foundation-models'],
      times: times(best),
      principals: [...new Set(best.flatMap(principalsOf))],
      accessKeyIds: [...new Set(best.map((r) => r.accessKeyId))],
      sourceIps: [r0.sourceIp],
      resources: [...models],
      attack: ['T1526'],
      evidence: { eventIds: ids(best) },
      actors: best.map(actorOf),
      triage: ['errors alone are also what developers trying a new model produce'],
      details: { errors: [...new Set(best.map((r) => `${r.action}: ${r.errorCode}`))] },
    });
  }
  return out;
}

/** Model invocations made with an IAM user's long-term key. */
export async function longTermKeysOnBedrock(env: Env): Promise<Candidate[]> {
  const rows = await env.db.all(
    `SELECT access_key_id AS k, identity_arn AS id, count(*) AS n, list(DISTINCT source_ip ORDER BY source_ip) AS ips,
            list(DISTINCT region ORDER BY region) AS regions,
            list(DISTINCT json_extract_string(request_parameters, '$.modelId') ORDER BY json_extract_string(request_parameters, '$.modelId')) AS models
     FROM events
     WHERE access_key_id LIKE 'AKIA%' AND action IN (${actionList([...RUNTIME])}) AND ${ACTOR_ROWS}
     GROUP BY 1, 2 ORDER BY ALL`,
  );
  return rows.map((r) => {
    const key = String(r.k);
    const identity = String(r.id);
    const models = ((r.models as unknown[]) ?? []).filter(Boolean).map(String);
    return {
      ruleId: 'access.long-term-key-on-bedrock',
      title: `Models invoked with a long-term access key of ${nameOf(identity)}`,
      description:
        `${r.n} model invocations signed with IAM user key ${key} from ${(r.ips as string[]).join(', ')} ` +
        `in ${(r.regions as string[]).join(', ')}. Long-term keys are what LLMjacking actors steal and resell; ` +
        'applications should call Bedrock with role credentials.',
      severity: 'informational',
      strength: 'context',
      elements: ['access'],
      components: ['foundation-models'],
      times: [],
      principals: [identity],
      accessKeyIds: [key],
      sourceIps: (r.ips as string[]) ?? [],
      resources: models,
      attack: ['T1078.004'],
      evidence: {},
      actors: [],
      triage: ['posture observation'],
      details: { invocations: Number(r.n), models, regions: (r.regions as Json) ?? [] },
    } satisfies Candidate;
  });
}

/** Bedrock API keys: service-specific credentials for Bedrock, and calls signed with a bearer token. */
export async function bedrockApiKeys(env: Env): Promise<Candidate[]> {
  const created = await loadEvents(
    env.db,
    `action IN ('CreateServiceSpecificCredential', 'ResetServiceSpecificCredential', 'UpdateServiceSpecificCredential')
     AND json_extract_string(request_parameters, '$.serviceName') LIKE 'bedrock%'`,
  );
  const out: Candidate[] = [];
  /** keys made outside routine, per user they were made for: who made them */
  const unusual = new Map<string, CtRow[]>();
  for (const r of created) {
    const kind = env.base.kindOf(r.identityArn);
    const user = String(r.req?.userName ?? r.userName ?? '');
    // a user making a key for itself from where it always works is provisioning, not persistence
    const self = !!user && user === r.userName;
    const everyday = self && (await everydayOrigin(env.db, r));
    const routine = kind === 'human' || kind === 'pipeline' || everyday;
    if (!routine && user && !r.errorCode) unusual.set(user, [...(unusual.get(user) ?? []), r]);
    out.push({
      ruleId: 'access.bedrock-api-key-created',
      title: `Bedrock API key ${r.action === 'CreateServiceSpecificCredential' ? 'created' : 'changed'} for ${user}`,
      description:
        `${nameOf(r.identityArn)} (${kind}) called ${r.action} for ${user} from ${r.sourceIp}. ` +
        'A Bedrock API key is a long-lived bearer credential for model invocation.',
      severity: routine ? 'low' : 'medium',
      strength: routine ? 'soft' : 'hard',
      ifActor: 'high',
      elements: ['access', 'infrastructure-changes'],
      components: ['foundation-models'],
      times: [r.time],
      principals: principalsOf(r),
      accessKeyIds: [r.accessKeyId],
      sourceIps: [r.sourceIp],
      resources: [user ? `user/${user}` : null],
      attack: ['T1098.001'],
      evidence: { eventIds: [r.eventId] },
      actors: [actorOf(r)],
      triage: [
        `created by a ${kind} principal`,
        ...(everyday ? ["for itself, from the key's everyday address and client"] : []),
      ],
    });
  }
  const bearer = await env.db.all(
    `SELECT identity_arn AS id, source_ip AS ip, count(*) AS n, list(coalesce(event_id, uid) ORDER BY time, coalesce(event_id, uid)) AS ids,
            ${isoSql('min(time)')} AS first
     FROM events
     WHERE CAST(json_extract_string(additional_event_data, '$.callWithBearerToken') AS VARCHAR) IN ('true', 'True')
     GROUP BY 1, 2 ORDER BY ALL`,
  );
  for (const b of bearer) {
    const eventIds = ((b.ids as unknown[]) ?? []).map(String);
    // a key made outside routine for this user before these calls: whoever made it holds it
    const makers = (unusual.get(nameOf(String(b.id))) ?? []).filter((r) => r.time <= String(b.first));
    out.push({
      ruleId: 'access.bedrock-api-key-used',
      title: `Bedrock called with an API key (bearer token) by ${nameOf(String(b.id))}`,
      description: `${b.n} calls signed with a Bedrock API key from ${b.ip}.`,
      severity: 'low',
      strength: 'soft',
      ifActor: 'high',
      elements: ['access'],
      components: ['foundation-models'],
      times: [String(b.first)],
      principals: [String(b.id)],
      sourceIps: [String(b.ip)],
      attack: ['T1078.004'],
      evidence: { eventIds: eventIds.slice(0, 5000) },
      actors: [
        { key: null, ip: String(b.ip), identity: String(b.id) },
        ...makers.map((r) => ({ key: r.accessKeyId, ip: null, identity: r.identityArn })),
      ],
      triage: [
        'bearer-token use is legitimate when the key was issued on purpose',
        ...makers.map(
          (r) =>
            `a Bedrock API key for this user was made at ${r.time} by ${nameOf(r.identityArn)} from ${r.sourceIp}, outside routine`,
        ),
      ],
    });
  }
  return out;
}

// ---- roles assumed by a new caller from a new network ---------------------------------------------------

const ASSUME_ACTIONS = ['AssumeRole', 'AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML'];
/** a role's history is a baseline once it holds this many assumptions ... */
const ROLE_MIN_ASSUMPTIONS = 10;
/** ... over at least this many minutes */
const ROLE_MIN_SPAN_MIN = 180;
/** federated roles (SAML, web identity) need a longer history: their subjects are many people or pipelines */
const FEDERATED_MIN_ASSUMPTIONS = 20;
/** a caller that keeps assuming the role this often looks like a new integration, not an intrusion */
const RECURRING_CALLER = 10;
/** evidence bound per finding: the assumptions, then each session's first records, then the rest */
const ROLE_EVIDENCE_MAX = 400;
const ROLE_EVIDENCE_PER_KEY = 25;

interface AssumeHistory {
  n: number;
  first: string;
  callers: Set<string>;
  nets: Set<string>;
  clients: Set<string>;
}

/**
 * Who assumed a role, as stable as the record allows: the calling role or user of the account, a
 * user of another account (its AIDA id), a role session of another account (its account: the role id
 * and session name change with every instance), the federated subject.
 */
function callerOf(r: CtRow, principalId: string | null): { key: string; label: string } {
  const t = r.principalType ?? '';
  if (t === 'AWSAccount') {
    const acct = /^arn:[^:]+:iam::(\d{12}):/.exec(r.identityArn ?? '')?.[1] ?? r.account ?? '?';
    const pid = principalId ?? '';
    if (/^AIDA/.test(pid))
      return { key: `acct:${acct}:user:${pid}`, label: `IAM user ${pid} of account ${acct}` };
    if (/^AROA/.test(pid))
      return { key: `acct:${acct}:role-session`, label: `a role session of account ${acct}` };
    if (/^\d{12}$|^$/.test(pid)) return { key: `acct:${acct}:root`, label: `account ${acct}` };
    return {
      key: `acct:${acct}:${pid.slice(0, 4)}`,
      label: `${pid.slice(0, 4)} principal of account ${acct}`,
    };
  }
  if (t === 'SAMLUser' || t === 'WebIdentityUser') {
    const sub = principalId ?? r.userName ?? '';
    return { key: `${t}:${sub}`, label: `${t === 'SAMLUser' ? 'SAML' : 'web-identity'} subject ${sub}` };
  }
  const id = r.identityArn ?? principalId ?? '';
  return { key: `${t}:${id}`, label: `${t || 'principal'} ${id}` };
}

/** Model and knowledge-base ids a Bedrock runtime request names. */
function runtimeTargets(r: CtRow): string[] {
  const q = r.req ?? {};
  const out: unknown[] = [q.modelId, q.knowledgeBaseId, q.agentId];
  const rag = q.retrieveAndGenerateConfiguration as Record<string, unknown> | undefined;
  const kb = rag?.knowledgeBaseConfiguration as Record<string, unknown> | undefined;
  if (kb) out.push(kb.knowledgeBaseId, kb.modelArn);
  return out.filter((x): x is string => typeof x === 'string' && x.length > 0);
}

/** Does an inline policy document allow something through a wildcard (an action prefix or any resource)? */
export function grantsWildcard(doc: unknown): boolean {
  let d = doc;
  if (typeof d === 'string') {
    if (d.length > 20000) return false;
    try {
      d = JSON.parse(d);
    } catch {
      return false;
    }
  }
  const stmts = d && typeof d === 'object' ? (d as Record<string, unknown>).Statement : null;
  const list = (Array.isArray(stmts) ? stmts : stmts ? [stmts] : []).slice(0, 50);
  const arr = (v: unknown): string[] =>
    (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
  return list.some((st) => {
    if (!st || typeof st !== 'object') return false;
    const o = st as Record<string, unknown>;
    if (o.Effect !== 'Allow') return false;
    return arr(o.Action).some((a) => a.includes('*')) || arr(o.Resource).some((r) => r === '*');
  });
}

/**
 * An inline policy that widened a guest role (one anyone with the app can assume through an
 * identity pool), followed by the role's sessions doing what they never did before the change:
 * the grant is the root cause of the abuse that uses it. The permission's first uses (models,
 * targets) are counted in the details; only the change itself is cited (who used the new
 * permission, the app's people or outsiders, is for the data-plane findings to tell).
 */
export async function guestRoleWidened(env: Env): Promise<Candidate[]> {
  const changes = await loadEvents(env.db, `action = 'PutRolePolicy' AND error_code IS NULL`, [], {
    resp: false,
    extra: false,
  });
  const out: Candidate[] = [];
  const byRole = new Map<string, CtRow[]>();
  for (const r of changes) {
    const name = typeof r.req?.roleName === 'string' ? r.req.roleName : null;
    if (!name) continue;
    if (!byRole.has(name)) byRole.set(name, []);
    byRole.get(name)!.push(r);
  }
  for (const [name, rows] of [...byRole].sort((a, b) => a[0].localeCompare(b[0]))) {
    const role = [...env.base.profiles.keys()].find((id) => /:role\//.test(id) && nameOf(id) === name);
    if (!role || env.base.kindOf(role) !== 'guest') continue;
    rows.sort((a, b) => a.time.localeCompare(b.time) || a.uid.localeCompare(b.uid));
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (!grantsWildcard(r.req?.policyDocument)) continue;
      const until = rows[i + 1]?.time ?? '9999-12-31T00:00:00Z';
      const target = `coalesce(json_extract_string(request_parameters, '$.modelId'), json_extract_string(request_parameters, '$.bucketName'), '')`;
      const used = await env.db.all(
        `SELECT action, ${target} AS target, time < CAST($2 AS TIMESTAMP) AS before, count(*) AS n,
                count(DISTINCT source_ip) AS ips, ${isoSql('min(time)')} AS first
         FROM events
         WHERE identity_arn = $1 AND error_code IS NULL AND time < CAST($3 AS TIMESTAMP)
           AND principal_type = 'AssumedRole'
           AND (read_only IS DISTINCT FROM true OR service = 'bedrock.amazonaws.com')
         GROUP BY ALL ORDER BY ALL`,
        [role, sqlTime(r.time), sqlTime(until)],
      );
      // a call on a target the role never touched (a model, a bucket) is new; a call naming none is new by its action
      const key = (x: Record<string, unknown>): string =>
        modelFamilyId(String(x.target ?? '')) || `action:${String(x.action)}`;
      const known = new Set(used.filter((x) => x.before).map(key));
      const fresh = used.filter((x) => !x.before && !known.has(key(x)));
      if (!fresh.length) continue;
      const calls = fresh.reduce((a, x) => a + Number(x.n), 0);
      const targets = [
        ...new Set(fresh.map((x) => modelFamilyId(String(x.target ?? ''))).filter(Boolean)),
      ].sort();
      const first = fresh.map((x) => String(x.first)).sort()[0];
      const c: Candidate = {
        ruleId: 'access.guest-role-widened',
        title: `Guest role ${name} widened, then used for what it never did before`,
        description:
          `At ${r.time} ${nameOf(r.identityArn) || 'a principal'} replaced inline policy ${String(r.req?.policyName ?? '').slice(0, 128)} ` +
          `of ${name}, a role every user of the app (no sign-in) can assume through the identity pool, with one that ` +
          'allows actions through a wildcard. From ' +
          `${first} the role's sessions made ${calls} successful call(s) of kinds it never made before the change` +
          (targets.length ? ` (${targets.slice(0, 8).join(', ')})` : '') +
          ': anyone holding the app can use the grant.',
        severity: 'high',
        strength: 'hard',
        elements: ['access'],
        times: [r.time],
        principals: [role],
        accessKeyIds: [],
        sourceIps: [],
        resources: [role],
        attack: ['T1098.003', 'T1078.004'],
        evidence: { eventIds: [r.eventId] },
        actors: [],
        triage: [`guest role widened by ${nameOf(r.identityArn)}; ${calls} new-kind call(s) after it`],
        details: {
          changedBy: r.identityArn,
          policyName: String(r.req?.policyName ?? '').slice(0, 128),
          newUses: fresh.slice(0, 20).map((x) => ({
            action: String(x.action),
            target: String(x.target ?? '').slice(0, 200),
            calls: Number(x.n),
            addresses: Number(x.ips),
          })),
        },
      };
      out.push(applyContext(c, matchContext(env.entries, { ...subjectOf(r), targets: [name] })));
    }
  }
  return out;
}

/** A CI OIDC subject of a pull-request run (GitHub: `repo:<org>/<repo>:pull_request`). */
const PR_SUBJECT = /:pull_request$/;

/** `StringLike` wildcard (`*`, `?`) as a whole-string test; bounded. */
function globMatches(pattern: string, value: string): boolean {
  if (pattern.length > 300 || value.length > 300) return false;
  return wildcardMatch(pattern, value);
}

/** The `sub` patterns of a role's trust policy (any `...:sub` condition key) that admit `subject`. */
export function trustSubjectsAdmitting(trust: unknown, subject: string): string[] {
  const out: string[] = [];
  const doc =
    typeof trust === 'string'
      ? (() => {
          try {
            return JSON.parse(trust);
          } catch {
            return null;
          }
        })()
      : trust;
  const stmts = doc && typeof doc === 'object' ? (doc as Record<string, unknown>).Statement : null;
  for (const st of (Array.isArray(stmts) ? stmts : stmts ? [stmts] : []).slice(0, 20)) {
    const cond = st && typeof st === 'object' ? (st as Record<string, unknown>).Condition : null;
    if (!cond || typeof cond !== 'object') continue;
    for (const [op, kv] of Object.entries(cond as Record<string, unknown>)) {
      if (!/^String(Like|Equals)$/.test(op) || !kv || typeof kv !== 'object') continue;
      for (const [k, v] of Object.entries(kv as Record<string, unknown>)) {
        if (!/:sub$/.test(k)) continue;
        for (const pat of (Array.isArray(v) ? v : [v]).slice(0, 50))
          if (typeof pat === 'string' && (op === 'StringLike' ? globMatches(pat, subject) : pat === subject))
            out.push(pat);
      }
    }
  }
  return [...new Set(out)].sort();
}

/**
 * A CI pipeline's pull-request run that changed things with the role it federated into. A pull
 * request's workflow runs code anyone who opens a pull request (from a fork too) controls; its
 * runs of the deploy role should only read (plan, validate), and deployments come from the main
 * branch or a protected environment, whose subjects differ. A pull-request session that makes
 * successful changes the subject's other sessions never made is the trust's weak spot in use: the
 * role's trust policy admits pull requests (a wildcard `sub` such as `repo:org/repo:*`), which the
 * finding cites from the IAM authorization details when they are collected.
 */
export async function ciPullRequestWrites(env: Env): Promise<Candidate[]> {
  const feds = await loadEvents(env.db, `action = 'AssumeRoleWithWebIdentity' AND error_code IS NULL`, [], {
    extra: false,
  });
  interface Session {
    fed: CtRow;
    role: string;
    subject: string;
    key: string;
  }
  const sessions: Session[] = [];
  for (const r of feds) {
    const resp = r.resp ?? {};
    const subject =
      typeof resp.subjectFromWebIdentityToken === 'string'
        ? resp.subjectFromWebIdentityToken.slice(0, 300)
        : null;
    const provider = typeof resp.provider === 'string' ? resp.provider : '';
    const creds = resp.credentials as Record<string, unknown> | undefined;
    const key = typeof creds?.accessKeyId === 'string' ? creds.accessKeyId : null;
    const role = typeof r.req?.roleArn === 'string' ? r.req.roleArn : null;
    if (!subject || !key || !role || isEndUserIdp(provider, String(r.req?.roleSessionName ?? ''))) continue;
    sessions.push({ fed: r, role, subject, key });
  }
  const pr = sessions.filter((x) => PR_SUBJECT.test(x.subject));
  if (!pr.length) return [];
  const keys = [
    ...new Set(sessions.filter((x) => pr.some((p) => p.subject === x.subject)).map((x) => x.key)),
  ];
  const writesOf = await recordsByKey(
    env.db,
    keys,
    `${ACTOR_ROWS} AND read_only IS DISTINCT FROM true AND error_code IS NULL`,
    NO_JSON,
  );
  const out: Candidate[] = [];
  const trustOf = new Map<string, unknown>();
  for (const s of pr) {
    const writes = writesOf.get(s.key) ?? [];
    if (!writes.length) continue;
    // what the subject's other runs changed: a pull-request workflow that always writes the same
    // thing (a preview environment) is the pipeline's design, not a departure
    const usual = new Set(
      sessions
        .filter((x) => x.subject === s.subject && x.key !== s.key)
        .flatMap((x) => (writesOf.get(x.key) ?? []).map((r) => `${r.service}|${r.action}`)),
    );
    const others = sessions.filter((x) => x.subject === s.subject && x.key !== s.key).length;
    const fresh = writes.filter((r) => !usual.has(`${r.service}|${r.action}`));
    if (!fresh.length) continue;
    if (!trustOf.has(s.role)) {
      const t = await env.db.all(
        `SELECT CAST(trust_policy AS VARCHAR) AS tp FROM iam_entities WHERE kind = 'role' AND arn = $1 ORDER BY 1 LIMIT 1`,
        [s.role],
      );
      trustOf.set(s.role, t[0]?.tp ?? null);
    }
    const admitting = trustSubjectsAdmitting(trustOf.get(s.role), s.subject);
    const actions = actionsOf(fresh);
    const role = nameOf(s.role);
    const ipsUsed = [...new Set([s.fed.sourceIp, ...fresh.map((r) => r.sourceIp)])].filter(
      (ip): ip is string => !!ip && isPublicIp(ip),
    );
    const c: Candidate = {
      ruleId: 'access.ci-pull-request-writes',
      title: `A pull-request workflow run changed the account through ${role}`,
      description:
        `At ${s.fed.time} a CI run with the OIDC subject ${s.subject} (a pull request's workflow, whose code ` +
        `whoever opened the pull request controls) federated into ${role} and made changes: ${actions.slice(0, 12).join(', ')}. ` +
        (others
          ? `The subject's ${others} other run(s) never made these changes. `
          : 'No other run of this subject is in the evidence. ') +
        (admitting.length
          ? `The role's trust policy admits the subject through ${admitting.join(', ')}: any pull request, including one from a fork, may assume it.`
          : 'The trust policy admitting pull requests was not in the collected IAM details.'),
      severity: 'high',
      strength: 'hard',
      elements: ['access'],
      times: [s.fed.time, ...times(fresh)],
      principals: [s.role],
      accessKeyIds: [s.key],
      sourceIps: ipsUsed,
      resources: [s.role],
      attack: ['T1199', 'T1078.004'],
      evidence: { eventIds: [s.fed.eventId, ...ids(fresh)] },
      actors: [actorOf(s.fed), ...fresh.map(actorOf)].map((a) => ({ ...a, key: a.key ?? s.key })),
      triage: [
        `pull-request subject ${s.subject}; ${fresh.length} change(s) its other ${others} run(s) never made`,
      ],
      details: {
        subject: s.subject,
        role: s.role,
        otherRunsOfSubject: others,
        changes: actions.slice(0, 40),
        trustAdmits: admitting,
      },
    };
    out.push(
      applyContext(c, matchContext(env.entries, { ...subjectOf(fresh[0]), targets: [role], pipeline: true })),
    );
  }
  return out;
}

/**
 * A role whose assumptions have an established history (callers, networks) assumed by a caller never
 * seen for it from a network never seen for it: a vendor's or a partner's trust abused from the
 * outside, a stolen user key assuming an internal role. The issued session is followed by its key:
 * medium alone, high when the session ran discovery and then Bedrock data-plane calls or changes.
 */
export async function roleNewCaller(env: Env): Promise<Candidate[]> {
  const assumes = await loadEvents(
    env.db,
    `action IN (${actionList(ASSUME_ACTIONS)}) AND error_code IS NULL AND principal_type IS DISTINCT FROM 'AWSService'`,
    [],
    { extra: false },
  );
  if (!assumes.length) return [];
  const pids = new Map(
    (
      await env.db.all(
        `SELECT uid, principal_id AS p FROM events
         WHERE action IN (${actionList(ASSUME_ACTIONS)}) AND error_code IS NULL AND principal_type IS DISTINCT FROM 'AWSService'`,
      )
    ).map((x) => [String(x.uid), x.p === null || x.p === undefined ? null : String(x.p)]),
  );
  const history = new Map<string, AssumeHistory>();
  interface Flag {
    row: CtRow;
    key: string | null;
    reasons: string[];
    caller: string;
    federated: boolean;
  }
  const flagged = new Map<string, Flag[]>();
  for (const r of assumes) {
    const role = typeof r.req?.roleArn === 'string' ? r.req.roleArn : null;
    const ip = r.sourceIp;
    if (!role || !ip || r.invokedBy || !/^[0-9a-fA-F:.]+$/.test(ip)) continue;
    const caller = callerOf(r, pids.get(r.uid) ?? null);
    const net = netOf(ip);
    const client = clientFamily(r.userAgent);
    let h = history.get(role);
    if (!h) {
      h = { n: 0, first: r.time, callers: new Set(), nets: new Set(), clients: new Set() };
      history.set(role, h);
    }
    const federated = r.action !== 'AssumeRole';
    // a stable history: enough assumptions, over hours, from a few networks (a role assumed from
    // everywhere, such as a CI role on hosted runners, has no network baseline)
    const stable =
      h.n >= (federated ? FEDERATED_MIN_ASSUMPTIONS : ROLE_MIN_ASSUMPTIONS) &&
      minutesBetween(h.first, r.time) >= ROLE_MIN_SPAN_MIN &&
      h.nets.size <= Math.max(3, h.n / 4);
    const newCaller = !h.callers.has(caller.key);
    const newNet = !h.nets.has(net) && !env.base.isCommonIp(ip);
    const newClient = !!client && !h.clients.has(client);
    if (stable && newCaller && newNet && (!federated || newClient)) {
      const creds = r.resp?.credentials as Record<string, unknown> | undefined;
      const key = typeof creds?.accessKeyId === 'string' ? creds.accessKeyId : null;
      const reasons = [
        `${caller.label} never assumed it before (${h.callers.size} known caller(s) over ${h.n} assumptions)`,
        `network ${net} never seen for it (known: ${[...h.nets].slice(0, 5).join(', ')})`,
      ];
      if (newClient)
        reasons.push(
          `client ${client} never used to assume it (known: ${[...h.clients].slice(0, 5).join(', ')})`,
        );
      const g = `${role}\u0000${caller.key}`;
      if (!flagged.has(g)) flagged.set(g, []);
      flagged.get(g)!.push({ row: r, key, reasons, caller: caller.label, federated });
      continue; // an unexplained caller does not join the baseline
    }
    h.n++;
    h.callers.add(caller.key);
    h.nets.add(net);
    if (client) h.clients.add(client);
  }
  if (!flagged.size) return [];
  const allKeys = [...flagged.values()].flatMap((fs) => fs.map((f) => f.key)).filter((k): k is string => !!k);
  const byKey = await recordsByKey(env.db, allKeys, ACTOR_ROWS);
  const out: Candidate[] = [];
  for (const fs of flagged.values()) {
    const role = String(fs[0].row.req?.roleArn);
    const keys = [...new Set(fs.map((f) => f.key).filter((k): k is string => !!k))];
    const rows = keys.flatMap((k) => byKey.get(k) ?? []).sort((a, b) => a.time.localeCompare(b.time));
    const discovery = rows.filter(
      (r) =>
        r.action === 'GetCallerIdentity' || (/^(List|Get|Describe)/.test(r.action) && !RUNTIME.has(r.action)),
    );
    const discoveryServices = new Set(
      discovery.filter((r) => r.action !== 'GetCallerIdentity').map((r) => r.service),
    );
    const didDiscovery =
      discovery.some((r) => r.action === 'GetCallerIdentity') || discoveryServices.size >= 2;
    const runtime = rows.filter((r) => RUNTIME.has(r.action));
    const changes = rows.filter(
      (r) =>
        r.readOnly === false && !RUNTIME.has(r.action) && r.service !== 'sts.amazonaws.com' && !r.errorCode,
    );
    const recurring = fs.length >= RECURRING_CALLER;
    const high = !recurring && didDiscovery && (runtime.length > 0 || changes.length > 0);
    const severity = high ? 'high' : recurring ? 'low' : 'medium';
    // evidence: the assumptions, each session's first records, then the rest in time order
    const picked = new Set<string>();
    const ev: CtRow[] = [];
    const take = (r: CtRow): void => {
      if (ev.length < ROLE_EVIDENCE_MAX && !picked.has(r.uid)) {
        picked.add(r.uid);
        ev.push(r);
      }
    };
    for (const f of fs) take(f.row);
    for (const k of keys) for (const r of (byKey.get(k) ?? []).slice(0, ROLE_EVIDENCE_PER_KEY)) take(r);
    for (const r of rows) take(r);
    ev.sort((a, b) => a.time.localeCompare(b.time));
    const ips = [...new Set([...fs.map((f) => f.row.sourceIp), ...rows.map((r) => r.sourceIp)])].filter(
      (x): x is string => isPublicIp(x),
    );
    const callerArn = fs[0].row.principalArn;
    const roleAcct = /^arn:[^:]+:iam::(\d{12}):/.exec(role)?.[1];
    const callerAcct = /^arn:[^:]+:iam::(\d{12}):/.exec(fs[0].row.identityArn ?? '')?.[1];
    const crossAccount = !!roleAcct && !!callerAcct && roleAcct !== callerAcct;
    const components = new Set<string>();
    if (runtime.some((r) => /^Retrieve/.test(r.action))) components.add('knowledge-bases');
    if (runtime.some((r) => /^(InvokeModel|Converse)/.test(r.action))) components.add('foundation-models');
    const actions = actionsOf(rows);
    const triage = [
      ...fs[0].reasons,
      `${fs.length} assumption(s) from ${[...new Set(fs.map((f) => f.row.sourceIp))].join(', ')}` +
        ` with ${[...new Set(fs.map((f) => clientOf(f.row.userAgent)))].join(', ')}`,
    ];
    if (rows.length)
      triage.push(
        `the session(s) then made ${rows.length} calls: ${discovery.length} discovery` +
          ` (${discoveryServices.size} services${discovery.some((r) => r.action === 'GetCallerIdentity') ? ', identity check' : ''}),` +
          ` ${runtime.length} Bedrock data-plane, ${changes.length} changes`,
      );
    else triage.push('no later records of the issued session in the evidence');
    if (recurring)
      triage.push('the caller keeps assuming the role: also what a newly added integration looks like');
    const c: Candidate = {
      ruleId: 'access.role-assumed-by-new-caller',
      title: `${nameOf(role)} assumed by a new caller from a new network${high ? ', followed by discovery and Bedrock use' : ''}`,
      description:
        `${nameOf(role)} is normally assumed by known callers from known networks; ${fs[0].caller} assumed it ` +
        `${fs.length} time(s) from ${[...new Set(fs.map((f) => f.row.sourceIp))].join(', ')}` +
        `${crossAccount ? ' (cross-account trust)' : ''}. Session key(s) ${keys.join(', ') || 'unknown'}: ` +
        `${rows.length} later records (${actions.slice(0, 12).join(', ')}${actions.length > 12 ? ', …' : ''}).`,
      severity,
      strength: high ? 'hard' : 'soft',
      ifActor: 'high',
      elements: runtime.length ? ['access', 'invocation'] : ['access'],
      ...(components.size ? { components: [...components] as Candidate['components'] } : {}),
      times: times(ev),
      principals: [role, ...(callerArn?.startsWith('arn:') ? [callerArn] : [])],
      accessKeyIds: keys,
      sourceIps: ips,
      resources: [...new Set([role, ...runtime.flatMap(runtimeTargets)])],
      attack: ['T1078.004', ...(crossAccount ? ['T1199'] : []), ...(high ? ['T1526', 'T1530'] : [])],
      evidence: { eventIds: ids(ev) },
      actors: [
        ...new Map(
          [...fs.map((f) => f.row), ...rows].map(
            (r) => [`${r.accessKeyId}\u0000${r.sourceIp}`, actorOf(r)] as const,
          ),
        ).values(),
      ],
      triage,
      details: {
        role,
        caller: fs[0].caller,
        crossAccount,
        federated: fs[0].federated,
        assumptions: fs.map((f) => ({
          eventId: f.row.eventId,
          time: f.row.time,
          ip: f.row.sourceIp,
          client: clientOf(f.row.userAgent),
          sessionName: typeof f.row.req?.roleSessionName === 'string' ? f.row.req.roleSessionName : null,
          key: f.key,
        })),
        sessionRecords: rows.length,
        actions: actions.slice(0, 40),
        regions: [...new Set(rows.map((r) => r.region ?? ''))].filter(Boolean),
      },
    };
    applyContext(c, matchContext(env.entries, { ...subjectOf(fs[0].row), targets: [role, nameOf(role)] }));
    out.push(c);
  }
  return out;
}

export const ACCESS_DETECTORS = [
  sessionReuse,
  ciPullRequestWrites,
  guestRoleWidened,
  keyNewOrigin,
  createdKeyFirstUse,
  consoleWithoutMfa,
  llmjackingRecon,
  bedrockErrorBursts,
  longTermKeysOnBedrock,
  bedrockApiKeys,
  roleNewCaller,
];
