/**
 * Judgement context for the control-plane detections: the change calendar and declared activities
 * (table `context_entries`), what kind of principal acted (a person, a deployment pipeline, a
 * workload, a service account), which addresses are the account's everyday ones, and the
 * CloudTrail row shape the detectors share.
 *
 * Everything is learnt from the evidence itself: nothing here names an account, a principal, an
 * address or a resource. A change-calendar entry is a hint, never an allow-list: a match lowers
 * suspicion and is cited ("matches CHG-3107"), activity the entry does not explain is judged on its
 * own; a declared activity (red team, scanner) is reported as declared when the record falls inside
 * its window, its actors and its stated scope.
 */
import type { FindingInput } from '../engine/detector.js';
import { relieveHeap } from '../engine/heap.js';
import type { IdentityOf } from '../engine/principal-names.js';
import type { Json, Severity } from '../model/types.js';
import { isoSql, type Queryable, sqlString, sqlTime } from '../store/case-store.js';

// ---- CloudTrail rows ------------------------------------------------------------------------------

/** A CloudTrail record as the control-plane detectors read it (JSON columns parsed). */
export interface CtRow {
  uid: string;
  /** eventID, or the row uid when the record has none: the id findings cite */
  eventId: string;
  requestId: string | null;
  time: string;
  account: string | null;
  region: string | null;
  service: string;
  action: string;
  readOnly: boolean | null;
  errorCode: string | null;
  errorMessage: string | null;
  principalType: string | null;
  principalArn: string | null;
  identityArn: string | null;
  userName: string | null;
  sessionName: string | null;
  accessKeyId: string | null;
  mfa: boolean | null;
  sourceIp: string | null;
  userAgent: string | null;
  invokedBy: string | null;
  sourceIdentity: string | null;
  resources: string[];
  req: Record<string, unknown> | null;
  resp: Record<string, unknown> | null;
  extra: Record<string, unknown> | null;
}

const BASE_COLUMNS = `uid, coalesce(event_id, uid) AS event_id, request_id, ${isoSql('time')} AS t, account, region,
  service, action, read_only, error_code, error_message, principal_type, principal_arn, identity_arn, user_name,
  session_name, access_key_id, mfa, source_ip, user_agent, invoked_by, source_identity, resources`;

/** Which of a record's JSON parts `loadEvents` reads and parses (all three unless told). */
export interface EventParts {
  req?: boolean;
  resp?: boolean;
  extra?: boolean;
}

/** A JSON column's value, when it is an object (a string holding JSON text stays a string). */
function objectOf(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** Reads CloudTrail rows matching a WHERE clause over table `events`, in time order. */
export async function loadEvents(
  db: Queryable,
  where: string,
  params: Array<string | number | boolean | null> = [],
  parts: EventParts = {},
): Promise<CtRow[]> {
  // a detector that reads many records but none of their request or response leaves them out:
  // parsed, they are most of a row's memory (a few kB each)
  const part = (on: boolean | undefined, col: string): string => (on === false ? `NULL AS ${col}` : col);
  const cols = `${BASE_COLUMNS}, ${part(parts.req, 'request_parameters')}, ${part(parts.resp, 'response_elements')},
    ${part(parts.extra, 'additional_event_data')}`;
  // The filter picks row ids first: DuckDB evaluates a filter it cannot push into the scan (an IN
  // list, LIKE, a function) after reading every projected column of every row, the JSON included
  // (~130 ms per 2M events even when nothing matches, ~10 ms this way). The row ids reach the scan
  // of the wide columns as a filter when there are at most dynamic_or_filter_threshold of them
  // (DuckDB's default, 50, leaves larger sets to a hash join after a full scan: at 10M events,
  // 4,162 rows took 860 ms that way and 285 ms with the filter). Each row comes back as one JSON
  // text: the client library's conversion value by value costs ~0.5 µs per value, more than
  // JSON.parse of the whole row, and the JSON columns arrive parsed.
  const texts = await withRowIdFilters(db, () =>
    db.all(
      `SELECT to_json(x)::VARCHAR AS j FROM (
         SELECT ${cols}, time AS __time FROM events WHERE ${rowsWhere('events', where)}) x
       ORDER BY x.__time, x.uid`,
      params,
    ),
  );
  // the identity, address and client columns repeat from row to row: one string each, not one per row
  const intern = interner();
  const one = (v: unknown): string | null => intern(str(v));
  const out = texts.map((t): CtRow => {
    const r = JSON.parse(String(t.j)) as Record<string, unknown>;
    return {
      uid: String(r.uid),
      eventId: String(r.event_id),
      requestId: str(r.request_id),
      time: String(r.t),
      account: one(r.account),
      region: one(r.region),
      service: one(r.service) ?? '',
      action: one(r.action) ?? '',
      readOnly: r.read_only === null || r.read_only === undefined ? null : Boolean(r.read_only),
      errorCode: one(r.error_code),
      errorMessage: one(r.error_message),
      principalType: one(r.principal_type),
      principalArn: one(r.principal_arn),
      identityArn: one(r.identity_arn),
      userName: one(r.user_name),
      sessionName: one(r.session_name),
      accessKeyId: one(r.access_key_id),
      mfa: r.mfa === null || r.mfa === undefined ? null : Boolean(r.mfa),
      sourceIp: one(r.source_ip),
      userAgent: one(r.user_agent),
      invokedBy: one(r.invoked_by),
      sourceIdentity: one(r.source_identity),
      resources: Array.isArray(r.resources) ? (r.resources as unknown[]).map(String) : [],
      req: objectOf(r.request_parameters),
      resp: objectOf(r.response_elements),
      extra: objectOf(r.additional_event_data),
    };
  });
  texts.length = 0;
  relieveHeap(); // the rows' JSON texts and parsed objects are garbage now
  return out;
}

/**
 * The CloudTrail records made with these access keys (a session's or a user's), by key, each
 * key's in time order; `where` narrows them (SQL over `events`), `parts` as in loadEvents.
 */
export async function recordsByKey(
  db: Queryable,
  keys: Iterable<string>,
  where = '',
  parts: EventParts = { resp: false, extra: false },
): Promise<Map<string, CtRow[]>> {
  const byKey = new Map<string, CtRow[]>();
  const list = [...new Set(keys)].filter(Boolean);
  if (!list.length) return byKey;
  const rows = await loadEvents(
    db,
    `access_key_id IN (${actionList(list)})${where ? ` AND ${where}` : ''}`,
    [],
    parts,
  );
  for (const r of rows) {
    const k = r.accessKeyId ?? '';
    if (!byKey.has(k)) byKey.set(k, []);
    byKey.get(k)!.push(r);
  }
  return byKey;
}

/**
 * A WHERE clause reading `table`'s rows that match `where` by row id: the filter runs over its own
 * columns first, then the other columns are read for those rows only (see loadEvents). Use inside
 * `withRowIdFilters`.
 */
export function rowsWhere(table: string, where: string): string {
  return `rowid IN (SELECT rowid FROM ${table} WHERE ${where})`;
}

/**
 * Runs `fn` with DuckDB passing sets of up to 50,000 row ids to table scans as filters, instead
 * of its default of 50 (above which a row-id semi-join is a hash join after a full scan).
 */
export async function withRowIdFilters<T>(db: Queryable, fn: () => Promise<T>): Promise<T> {
  await db.run('SET dynamic_or_filter_threshold = 50000');
  try {
    return await fn();
  } finally {
    await db.run('RESET dynamic_or_filter_threshold');
  }
}

/**
 * Streams `SELECT <columns> FROM <table> WHERE <where>` in (time, uid) order, one slice of time at
 * a time: DuckDB sorts each slice on its own, so a table of large texts is never sorted whole (a
 * whole sort of every prompt and answer needs memory beyond the case's limit, and fails there).
 * Slices hold about `per` rows; rows of one instant stay in one slice; rows without a time come last.
 */
export async function eachByTime(
  db: Queryable,
  table: string,
  columns: string,
  where: string,
  onRows: (rows: Array<Record<string, unknown>>) => void,
  per = 20_000,
): Promise<void> {
  const bounds = (
    await db.all(
      `SELECT CAST(time AS VARCHAR) AS t FROM (
         SELECT time, row_number() OVER (ORDER BY time) AS n FROM ${table} WHERE (${where}) AND time IS NOT NULL)
       WHERE (n - 1) % ${per} = 0 ORDER BY n`,
    )
  ).map((r) => `CAST(${sqlString(String(r.t))} AS TIMESTAMP)`);
  for (let i = 0; i < bounds.length; i++) {
    const upper = i + 1 < bounds.length ? ` AND time < ${bounds[i + 1]}` : '';
    await db.each(
      `SELECT ${columns} FROM ${table} WHERE (${where}) AND time >= ${bounds[i]}${upper} ORDER BY time, uid`,
      onRows,
    );
  }
  await db.each(`SELECT ${columns} FROM ${table} WHERE (${where}) AND time IS NULL ORDER BY uid`, onRows);
}

/**
 * A copy of a string that does not keep the string it was cut from alive (V8 keeps a slice of a
 * long string as a view into it: one field split out of a packed row would hold the whole row).
 */
export function flat(s: string): string {
  // ASCII (ids, times, addresses) is copied byte for byte into a string of its own; anything else
  // is cut from a one-character-longer copy (a slice again, but of a string no longer than itself)
  return ASCII.test(s) ? Buffer.from(s, 'latin1').toString('latin1') : (s + ' ').slice(0, -1);
}

const ASCII = /^[\x00-\x7f]*$/;

/**
 * Keeps one copy of each value seen (up to `max` distinct ones), for columns that repeat from
 * row to row in large results (identities, addresses, clients, models).
 */
export function interner(max = 200_000): (x: string | null) => string | null {
  const seen = new Map<string, string>();
  return (x) => {
    if (x === null) return null;
    const hit = seen.get(x);
    if (hit !== undefined) return hit;
    const own = flat(x);
    if (seen.size < max) seen.set(own, own);
    return own;
  };
}

/** SQL list literal of action names. */
export function actionList(actions: readonly string[]): string {
  return actions.map((a) => `'${a.replace(/'/g, "''")}'`).join(', ');
}

// ---- small helpers ----------------------------------------------------------------------------------

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** A routable address (not a service name such as `bedrock.amazonaws.com`, not private). */
export function isPublicIp(s: string | null | undefined): s is string {
  if (!s) return false;
  const m = IPV4.exec(s);
  if (!m) return s.includes(':') && /^[0-9a-f:.]+$/i.test(s) && !/^(fc|fd|fe80|::1$)/i.test(s);
  const a = Number(m[1]);
  const b = Number(m[2]);
  return !(
    a === 10 ||
    a === 127 ||
    a === 0 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254) ||
    (a === 100 && b >= 64 && b <= 127)
  );
}

/** The /24 (IPv4) or /48 (IPv6) network of an address, for "same neighbourhood" comparisons. */
export function netOf(ip: string): string {
  const m = IPV4.exec(ip);
  if (m) return `${m[1]}.${m[2]}.${m[3]}.0/24`;
  return `${ip.split(':').slice(0, 3).join(':')}::/48`;
}

/** Client family and version (`aws-cli/2.21.1`, `Boto3/1.28.5`, `Mozilla/5.0`): the first token. */
export function clientOf(ua: string | null | undefined): string {
  if (!ua) return '';
  const t = ua.trim().replace(/^\[/, '');
  return t.split(/\s+/)[0] ?? '';
}

/** Client family without version (`aws-cli`, `Boto3`). */
export function clientFamily(ua: string | null | undefined): string {
  return clientOf(ua).split('/')[0].toLowerCase();
}

export const BROWSER_UA =
  /^\[?Mozilla\/|console\.(?:[a-z0-9-]+\.)?amazonaws\.com|S3Console|AWSConsole|signin\.aws/i;
export const IAC_UA = /Terraform|HashiCorp|CloudFormation|aws-cdk|\bcdk\/|Pulumi|Crossplane|ansible/i;

/** What a client adds to its user agent per call (the AWS CLI names the command and the prompt mode). */
const PER_CALL_UA = / md\/(?:command|prompt)#[^ ]*/g;

/** A user agent without what changes from call to call: the client on the device. */
export function deviceClient(ua: string | null | undefined): string {
  return (ua ?? '').replace(PER_CALL_UA, '');
}

/**
 * Whether a record comes from its key's everyday origin: the same access key used from the same
 * address with the same client at least EVERYDAY_MIN_RECORDS times over at least an hour before it
 * (a person at their desk, a job on its host). An intruder holding the key works from elsewhere.
 */
export async function everydayOrigin(
  db: Queryable,
  r: Pick<CtRow, 'accessKeyId' | 'sourceIp' | 'userAgent' | 'time'>,
): Promise<boolean> {
  if (!r.accessKeyId || !r.sourceIp || !isPublicIp(r.sourceIp)) return false;
  const rows = await db.all(
    `SELECT count(*) AS n, coalesce(date_diff('minute', min(time), max(time)), 0) AS span FROM events
     WHERE access_key_id = $1 AND source_ip = $2 AND time < CAST($4 AS TIMESTAMP)
       AND regexp_replace(coalesce(user_agent, ''), ${sqlString(PER_CALL_UA.source)}, '', 'g') = $3`,
    [r.accessKeyId, r.sourceIp, deviceClient(r.userAgent), sqlTime(r.time)],
  );
  return Number(rows[0]?.n) >= EVERYDAY_MIN_RECORDS && Number(rows[0]?.span) >= 60;
}
const EVERYDAY_MIN_RECORDS = 5;

/** Minutes an origin must be in use, before any other network used the same identity, to be its usual one. */
export const USUAL_ORIGIN_MIN = 180;

/** Where an identity or key is used from: a network (/24, /48) and the clients seen from it. */
export interface UsualOrigin {
  net: string;
  clients: string[];
  /** the first use from another network: where the second user begins */
  otherFrom: string;
  /**
   * How it was told (absent: `first`). `first`: the network used for hours before any other;
   * `pool`: a key's client run again and again from a pool of addresses (CI runners) before any
   * other client used the key, from any address but the other clients' (`foreignIps`); `schedule`:
   * a key's address and client used in runs that recur on a schedule (a nightly job), also when
   * someone else used the key first in the evidence.
   */
  basis?: 'first' | 'pool' | 'schedule';
  /** pool: the addresses the key's other clients used (never the pool's) */
  foreignIps?: string[];
}

/** Minutes without a call that end one run of a key's origin (a job's run, a pipeline's run). */
const RUN_GAP_MIN = 30;
/** How far apart (minutes) a daily run may start from the same time on another day. */
const DAILY_SLACK_MIN = 30;

/** A scheduled run lasts at most this long (minutes): a batch, not an intruder's day at the keyboard. */
const ROUTINE_RUN_MAX_MIN = 240;

/**
 * The runs of a key's uses per origin (address and client), from its records: a run ends after
 * RUN_GAP_MIN minutes without a call. Bounded: at most 200 origins, 500 runs each.
 */
async function keyRuns(
  db: Queryable,
  key: string,
): Promise<Array<{ ip: string; client: string; first: string; starts: number[]; ends: number[] }>> {
  const client = `split_part(ltrim(trim(coalesce(user_agent, '')), '['), ' ', 1)`;
  const rows = await db.all(
    `WITH r AS (
       SELECT source_ip AS ip, ${client} AS client, time, uid,
              lag(time) OVER (PARTITION BY source_ip, ${client} ORDER BY time, uid) AS prev
       FROM events
       WHERE access_key_id = $1 AND source_ip IS NOT NULL AND coalesce(principal_type, '') <> 'AWSService'),
     s AS (
       SELECT ip, client, time,
              sum(CASE WHEN prev IS NULL OR date_diff('minute', prev, time) >= ${RUN_GAP_MIN} THEN 1 ELSE 0 END)
                OVER (PARTITION BY ip, client ORDER BY time, uid ROWS UNBOUNDED PRECEDING) AS run
       FROM r),
     runs AS (SELECT ip, client, run, min(time) AS a, max(time) AS b FROM s GROUP BY ALL)
     SELECT ip, client, ${isoSql('min(a)')} AS first,
            list(epoch_ms(a) ORDER BY a) AS starts, list(epoch_ms(b) ORDER BY a) AS ends
     FROM runs GROUP BY 1, 2 ORDER BY 3, 1, 2 LIMIT 200`,
    [key],
  );
  return rows.map((r) => ({
    ip: String(r.ip),
    client: String(r.client),
    first: String(r.first),
    starts: ((r.starts as unknown[]) ?? []).slice(0, 500).map(Number),
    ends: ((r.ends as unknown[]) ?? []).slice(0, 500).map(Number),
  }));
}

/**
 * Whether run starts recur on a schedule: every run at the same time of day (within
 * DAILY_SLACK_MIN) on two or more days, or three or more runs at a steady interval.
 */
export function recurs(starts: number[]): boolean {
  const s = [...starts].sort((a, b) => a - b);
  if (s.length < 2) return false;
  const day = 86_400_000;
  const slack = DAILY_SLACK_MIN * 60_000;
  const offDay = (t: number): number => {
    const d = (((t - s[0]) % day) + day) % day;
    return Math.min(d, day - d);
  };
  if (s[s.length - 1] - s[0] >= day - slack && s.every((t) => offDay(t) <= slack)) return true;
  if (s.length < 3) return false;
  const gaps = s.slice(1).map((x, i) => x - s[i]);
  const lo = Math.min(...gaps);
  const hi = Math.max(...gaps);
  return lo >= RUN_GAP_MIN * 60_000 && hi - lo <= Math.min(0.1 * lo, 15 * 60_000);
}

/**
 * The owner's routine use of a long-term key that usualOrigin's first-network rule cannot tell: a
 * client that ran the key in two or more runs from two or more networks before any other client used
 * it, each address serving one short run (a pipeline's runners), or, failing that, an address and client whose runs recur on a schedule
 * (a nightly job on its host, also when an intruder used the key first in the evidence), each run
 * lasting at most ROUTINE_RUN_MAX_MIN minutes. Null when
 * the key has a single client (nothing tells the uses apart) or no such routine.
 */
async function keyRoutine(db: Queryable, key: string): Promise<UsualOrigin | null> {
  const origins = (await keyRuns(db, key)).filter((o) => isPublicIp(o.ip));
  const clients = [...new Set(origins.map((o) => o.client))];
  if (origins.length < 2 || clients.length < 2) return null;
  // a pool: the first client, before any other client appeared
  const firstClient = origins[0].client;
  const otherFrom = origins.find((o) => o.client !== firstClient)?.first;
  if (otherFrom) {
    const cut = Date.parse(otherFrom);
    const mine = origins.filter((o) => o.client === firstClient);
    const early = mine.flatMap((o) => o.starts.filter((t) => t < cut).map((t) => ({ t, ip: o.ip })));
    early.sort((a, b) => a.t - b.t);
    let runs = 0;
    let last = -Infinity;
    for (const x of early) {
      if (x.t - last >= RUN_GAP_MIN * 60_000) runs++;
      last = x.t;
    }
    const nets = new Set(early.map((x) => netOf(x.ip)));
    // runners are short-lived: each address serves one short run
    const oneRunEach = mine.every(
      (o) =>
        o.starts.filter((t) => t < cut).length <= 1 &&
        o.starts.every((a, i) => (o.ends[i] ?? a) - a <= ROUTINE_RUN_MAX_MIN * 60_000),
    );
    if (runs >= 2 && nets.size >= 2 && oneRunEach) {
      const foreign = origins.filter((o) => o.client !== firstClient).map((o) => o.ip);
      return {
        net: '',
        clients: [firstClient],
        otherFrom,
        basis: 'pool',
        foreignIps: [...new Set(foreign)].sort(),
      };
    }
  }
  // a schedule: the first origin whose runs recur, with an address no other client used
  for (const o of origins) {
    if (!recurs(o.starts)) continue;
    if (o.starts.some((a, i) => (o.ends[i] ?? a) - a > ROUTINE_RUN_MAX_MIN * 60_000)) continue;
    if (origins.some((x) => x.client !== o.client && netOf(x.ip) === netOf(o.ip))) continue;
    const others = origins.filter((x) => netOf(x.ip) !== netOf(o.ip)).map((x) => x.first);
    if (!others.length) return null;
    return {
      net: netOf(o.ip),
      clients: [o.client],
      otherFrom: others.sort()[0],
      basis: 'schedule',
    };
  }
  return null;
}

/**
 * The usual origin of an identity (`identity_arn`) or access key used from more than one network:
 * the network it was used from first, when that use went on for at least USUAL_ORIGIN_MIN minutes
 * before anything used it from another network, with the clients seen there in that time. A vendor's
 * or a shared account's own office at its usual hours, told apart from an intruder who came later
 * from elsewhere with the same credentials. Null when the identity was only ever used from one
 * network (nothing to tell apart) or when the first network's use was too short to be ordinary.
 * For an access key whose first network was not in use that long, the key's routine (`keyRoutine`:
 * a pipeline's runner pool, a scheduled job's host) when it has one.
 */
export async function usualOrigin(
  db: Queryable,
  by: 'identity_arn' | 'access_key_id',
  value: string,
): Promise<UsualOrigin | null> {
  const rows = await db.all(
    `SELECT source_ip AS ip, ${isoSql('min(time)')} AS first FROM events
     WHERE ${by} = $1 AND source_ip IS NOT NULL AND coalesce(principal_type, '') <> 'AWSService'
     GROUP BY 1 ORDER BY 2, 1 LIMIT 5000`,
    [value],
  );
  const ips = rows.filter((r) => isPublicIp(String(r.ip)));
  if (!ips.length) return null;
  const net = netOf(String(ips[0].ip));
  const other = ips.find((r) => netOf(String(r.ip)) !== net);
  if (!other) return null;
  const first = await firstNetwork(db, by, value, net, ips, String(other.first));
  return first ?? (by === 'access_key_id' ? keyRoutine(db, value) : null);
}

async function firstNetwork(
  db: Queryable,
  by: 'identity_arn' | 'access_key_id',
  value: string,
  net: string,
  ips: Array<Record<string, unknown>>,
  otherFrom: string,
): Promise<UsualOrigin | null> {
  const home = ips.filter((r) => netOf(String(r.ip)) === net).map((r) => String(r.ip));
  const use = await db.all(
    `SELECT coalesce(user_agent, '') AS ua, ${isoSql('min(time)')} AS a, ${isoSql('max(time)')} AS b FROM events
     WHERE ${by} = $1 AND source_ip IN (${home.map(sqlString).join(', ')})
       AND time < CAST($2 AS TIMESTAMP) AND coalesce(principal_type, '') <> 'AWSService'
     GROUP BY 1 ORDER BY 1`,
    [value, sqlTime(otherFrom)],
  );
  if (!use.length) return null;
  const first = Math.min(...use.map((r) => Date.parse(String(r.a))));
  const last = Math.max(...use.map((r) => Date.parse(String(r.b))));
  if ((last - first) / 60_000 < USUAL_ORIGIN_MIN) return null;
  const clients = [...new Set(use.map((r) => clientOf(String(r.ua))))].sort();
  return { net, clients, otherFrom };
}

/** Whether a use (address and user agent) comes from an identity's usual origin. */
export function fromUsualOrigin(o: UsualOrigin | null, ip: string | null, ua: string | null): boolean {
  if (!o || !ip || !isPublicIp(ip) || !o.clients.includes(clientOf(ua))) return false;
  return o.basis === 'pool' ? !(o.foreignIps ?? []).includes(ip) : netOf(ip) === o.net;
}

/** The IAM identity behind an ARN: the role ARN for an assumed-role session. */
export function roleOf(arn: string | null | undefined): string | null {
  if (!arn) return null;
  const m = /^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(arn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : arn;
}

/** Last path segment of an ARN (`role/x` → `x`, `user/p/y` → `y`). */
export function nameOf(arn: string | null | undefined): string {
  if (!arn) return '';
  const s = arn.split(':').slice(5).join(':');
  return s.slice(s.lastIndexOf('/') + 1);
}

/** Principals of a row for a finding: the role (or user) ARN and, for a session, the session ARN. */
export function principalsOf(r: Pick<CtRow, 'identityArn' | 'principalArn'>): string[] {
  const out: string[] = [];
  if (r.identityArn?.startsWith('arn:')) out.push(r.identityArn);
  if (r.principalArn?.startsWith('arn:') && r.principalArn !== r.identityArn) out.push(r.principalArn);
  return out;
}

/**
 * Rows (in time order) grouped into bursts: a row joins the first burst whose first row is the same
 * actor (`same`) and whose last row is at most `gapMin` minutes before it.
 */
export function burstsOf(rows: CtRow[], same: (a: CtRow, b: CtRow) => boolean, gapMin: number): CtRow[][] {
  const out: CtRow[][] = [];
  for (const r of rows) {
    const g = out.find((x) => same(x[0], r) && minutesBetween(x[x.length - 1].time, r.time) <= gapMin);
    if (g) g.push(r);
    else out.push([r]);
  }
  return out;
}

export function minutesBetween(a: string, b: string): number {
  return Math.abs(Date.parse(a) - Date.parse(b)) / 60_000;
}

export const SEVERITY_ORDER: Severity[] = ['informational', 'low', 'medium', 'high', 'critical'];

export function maxSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_ORDER.indexOf(a) >= SEVERITY_ORDER.indexOf(b) ? a : b;
}

export function minSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_ORDER.indexOf(a) <= SEVERITY_ORDER.indexOf(b) ? a : b;
}

/** One level lower (never below informational). */
export function lower(s: Severity, levels = 1): Severity {
  return SEVERITY_ORDER[Math.max(0, SEVERITY_ORDER.indexOf(s) - levels)];
}

/** A JSON-safe copy (drops undefined, keeps structure) for finding details. */
/**
 * A Lambda function's name from its name, ARN or partial ARN, without a version or alias qualifier
 * (`arn:aws:lambda:r:a:function:f:live`, `a:function:f`, `f:live` → `f`); '' when there is none.
 */
export function functionNameOf(s: string): string {
  const m = /(?:^|:)function:([^:]+)/.exec(s);
  return m ? m[1] : (s.split(':')[0] ?? '');
}

/** A JSON object column's value (DuckDB hands JSON back as text or parsed); null otherwise. */
export function jsonObject(v: unknown): Record<string, unknown> | null {
  let x = v;
  if (typeof x === 'string') {
    try {
      x = JSON.parse(x);
    } catch {
      return null;
    }
  }
  return x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : null;
}

export function toJson(v: unknown): Json {
  if (v === undefined) return null;
  return JSON.parse(JSON.stringify(v)) as Json;
}

/** Cached per-case computation: the same promise for every detector of one run. */
export function memo<T>(shared: Map<string, unknown>, key: string, f: () => Promise<T>): Promise<T> {
  const k = `control-plane:${key}`;
  const hit = shared.get(k) as Promise<T> | undefined;
  if (hit) return hit;
  const p = f();
  shared.set(k, p);
  return p;
}

// ---- the organisation's own mail domains ------------------------------------------------------------

/** Mailbox providers: their domain says nothing about whose organisation an address belongs to. */
export const FREEMAIL =
  /^(?:gmail|googlemail|yahoo|ymail|hotmail|outlook|live|msn|aol|icloud|me|mac|proton|protonmail|pm|gmx|web|mail|yandex|zoho|comcast|verizon|att|sbcglobal|qq|163|126|naver)\./;

/** Distinct e-mail-shaped principal names read to learn the organisation's domains. */
const ORG_NAMES_MAX = 5000;

/**
 * The organisation's own e-mail domains, learnt from the evidence: the domains of e-mail-shaped
 * principal names in CloudTrail (SSO role session names, IAM and Identity Center user names,
 * source identities) that two or more different people use, mailbox providers left out. Empty when
 * the evidence names nobody that way.
 */
export function orgMailDomains(db: Queryable, shared: Map<string, unknown>): Promise<Set<string>> {
  return memo(shared, 'org-mail-domains', async () => {
    const rows = await db.all(
      `SELECT DISTINCT lower(n) AS n FROM (
         SELECT session_name AS n FROM events UNION ALL SELECT user_name FROM events
         UNION ALL SELECT source_identity FROM events)
       WHERE n IS NOT NULL AND contains(n, '@') AND length(n) <= 200 AND regexp_matches(n, '^[^@ ]+@[a-z0-9.-]+[.][a-z]{2,24}$', 'i')
       ORDER BY 1 LIMIT ${ORG_NAMES_MAX}`,
    );
    return orgDomainsOf(rows.map((r) => String(r.n)));
  });
}

/** Domains that two or more distinct e-mail-shaped names share (mailbox providers left out). */
export function orgDomainsOf(names: Iterable<string>): Set<string> {
  const byDomain = new Map<string, Set<string>>();
  for (const n of names) {
    const at = n.lastIndexOf('@');
    if (at <= 0) continue;
    const d = n.slice(at + 1).toLowerCase();
    if (!d.includes('.') || FREEMAIL.test(d)) continue;
    const s = byDomain.get(d) ?? new Set<string>();
    s.add(n.toLowerCase());
    byDomain.set(d, s);
  }
  return new Set([...byDomain].filter(([, s]) => s.size >= 2).map(([d]) => d));
}

/** Whether a domain is one of the given domains or a sub-domain of one. */
export function inDomains(domain: string, domains: Set<string>): boolean {
  const d = domain.toLowerCase();
  for (const x of domains) if (d === x || d.endsWith(`.${x}`)) return true;
  return false;
}

/** Name suffixes that stay inside a network: sidecars, service discovery, internal zones. */
const INTERNAL_SUFFIX = /\.(?:local|internal|localdomain|svc|consul|lan|intranet|corp|home\.arpa)$/;
/** AWS's own domains: its service endpoints and Amazon's sites. */
const AWS_DOMAIN = /(?:^|\.)(?:amazonaws\.com(?:\.cn)?|api\.aws|on\.aws|aws\.dev|amazon\.com|aws)$/;
/**
 * Endpoints AWS hosts for any customer, whose name does not say whose they are: a function URL or an
 * API Gateway stage can be anyone's, so they count as outside (the common way to receive stolen data
 * on AWS's own domains).
 */
const ANYONES_ENDPOINT =
  /\.lambda-url\.[a-z0-9-]+\.on\.aws$|\.execute-api\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$/;

/**
 * Whether a host named in evidence (a URL's host, lower case, no trailing dot) is somewhere outside
 * AWS and the organisation: not loopback, a private or shared address, a single-label or internal
 * name, an AWS service endpoint or domain, or one of the organisation's domains. A function URL or an
 * API Gateway endpoint is outside unless it is under one of the organisation's domains.
 */
export function isOutsideHost(host: string, orgDomains: Set<string> = new Set()): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!h || h === 'localhost' || h.endsWith('.localhost')) return false;
  if (/^[\d.]+$/.test(h) || h.includes(':')) return isPublicIp(h);
  if (!h.includes('.')) return false;
  if (INTERNAL_SUFFIX.test(h)) return false;
  if (AWS_DOMAIN.test(h) && !ANYONES_ENDPOINT.test(h)) return false;
  return !inDomains(h, orgDomains);
}

// ---- principals ---------------------------------------------------------------------------------------

/**
 * What a principal is, from how it behaves in the evidence:
 * - `human`: signs in to the console, uses a browser, or is a federated (SSO / SAML) role;
 * - `pipeline`: assumed through web identity (CI OIDC) or driving infrastructure-as-code clients;
 * - `guest`: a role that end users' devices assume through an end-user identity provider (a Cognito
 *   identity pool's guest or signed-in role, Login with Amazon / Google / Facebook / Apple): anyone
 *   with the app can hold its credentials, from any (mobile, changing) address;
 * - `workload`: any other role (instances, functions, notebooks, applications);
 * - `service-user`: an IAM user only ever used programmatically (a long-term key in a script);
 * - `root`, `service`.
 */
export type PrincipalKind =
  | 'human'
  | 'pipeline'
  | 'guest'
  | 'workload'
  | 'service-user'
  | 'root'
  | 'service'
  | 'unknown';

export interface Profile {
  identity: string;
  kind: PrincipalKind;
  principalType: string | null;
  events: number;
  first: string;
  last: string;
  /** address → number of records */
  ips: Map<string, number>;
  /** client (first user-agent token) → number of records */
  clients: Map<string, number>;
  keys: Set<string>;
  /** created inside the evidence window (CreateUser / CreateRole seen) */
  createdInWindow: string | null;
}

export interface AccountBaseline {
  profiles: Map<string, Profile>;
  /** address → distinct identities that used it */
  ipIdentities: Map<string, number>;
  /** identity → kind, also for identities only seen as targets */
  kindOf(identity: string | null | undefined): PrincipalKind;
  /** an address several principals of the account use for hours (office, VPN, NAT egress) */
  isCommonIp(ip: string | null | undefined): boolean;
}

/**
 * End-user identity providers: the web identities of people using an app (a Cognito identity pool,
 * which also fronts the social logins, or the social providers themselves), not of CI systems or
 * Kubernetes service accounts. `provider` is the AssumeRoleWithWebIdentity response's provider or
 * the caller's principal id; Cognito's enhanced flow names the session CognitoIdentityCredentials.
 */
export function isEndUserIdp(provider: string, session = ''): boolean {
  return (
    /^(?:arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/)?(?:cognito-identity\.amazonaws\.com|accounts\.google\.com|graph\.facebook\.com|www\.amazon\.com|appleid\.apple\.com)(?:[:/]|$)/i.test(
      provider.slice(0, 300),
    ) || session === 'CognitoIdentityCredentials'
  );
}

export async function accountBaseline(db: Queryable): Promise<AccountBaseline> {
  const agg = await db.all(
    // grouped by client first: the patterns run once per distinct client, not once per record
    `WITH g AS (
       SELECT identity_arn, coalesce(user_agent, '') AS ua, min(principal_type) AS ptype, count(*) AS n,
              min(time) AS first, max(time) AS last, bool_or(action = 'ConsoleLogin') AS console
       FROM events WHERE identity_arn IS NOT NULL GROUP BY 1, 2)
     SELECT identity_arn AS id, min(ptype) AS ptype, sum(n) AS n,
            ${isoSql('min(first)')} AS first, ${isoSql('max(last)')} AS last,
            bool_or(regexp_matches(ua, $1)) AS browser,
            sum(CASE WHEN regexp_matches(ua, $2) THEN n ELSE 0 END) AS iac,
            bool_or(console) AS console
     FROM g GROUP BY 1 ORDER BY ALL`,
    // RE2 takes the JavaScript patterns' case-insensitivity as an inline flag (`.source` drops it)
    [`(?i)${BROWSER_UA.source}`, `(?i)${IAC_UA.source}`],
  );
  const web = await db.all(
    `SELECT DISTINCT json_extract_string(request_parameters, '$.roleArn') AS role, action,
            coalesce(json_extract_string(response_elements, '$.provider'), principal_id, '') AS provider,
            coalesce(session_name, json_extract_string(request_parameters, '$.roleSessionName'), '') AS session
     FROM events
     WHERE action IN ('AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML') AND error_code IS NULL ORDER BY ALL`,
  );
  const webRows = web.filter((r) => r.action === 'AssumeRoleWithWebIdentity');
  const viaWeb = new Set(webRows.map((r) => String(r.role)));
  // a role every one of whose web-identity sessions came from an end-user identity provider
  const notGuest = new Set(
    webRows.filter((r) => !isEndUserIdp(String(r.provider), String(r.session))).map((r) => String(r.role)),
  );
  const viaGuest = new Set([...viaWeb].filter((role) => !notGuest.has(role)));
  const viaSaml = new Set(web.filter((r) => r.action === 'AssumeRoleWithSAML').map((r) => String(r.role)));
  const created = await db.all(
    `SELECT coalesce(json_extract_string(request_parameters, '$.userName'), json_extract_string(request_parameters, '$.roleName')) AS name, action,
            ${isoSql('min(time)')} AS t
     FROM events WHERE action IN ('CreateUser', 'CreateRole') AND error_code IS NULL GROUP BY 1, 2 ORDER BY ALL`,
  );
  const createdAt = new Map<string, string>();
  for (const c of created)
    createdAt.set(`${c.action === 'CreateUser' ? 'user' : 'role'}/${c.name}`, String(c.t));
  // how long each address is seen in use: an everyday address is used for hours, an intruder's briefly
  const spans = await db.all(
    `SELECT source_ip AS ip, date_diff('minute', min(time), max(time)) AS m FROM events
     WHERE identity_arn IS NOT NULL AND principal_type IS DISTINCT FROM 'AWSService' GROUP BY 1 ORDER BY ALL`,
  );
  const spanOf = new Map(spans.map((r) => [String(r.ip), Number(r.m)]));
  const ipRows = await db.all(
    `SELECT identity_arn AS id, source_ip AS ip, split_part(trim(coalesce(user_agent, '')), ' ', 1) AS client,
            access_key_id AS k, count(*) AS n
     FROM events WHERE identity_arn IS NOT NULL GROUP BY ALL ORDER BY ALL`,
  );
  const profiles = new Map<string, Profile>();
  for (const r of agg) {
    const id = String(r.id);
    const ptype = str(r.ptype);
    let kind: PrincipalKind = 'unknown';
    const n = Number(r.n);
    if (ptype === 'Root') kind = 'root';
    else if (ptype === 'AWSService' || !id.startsWith('arn:')) kind = 'service';
    else if (
      r.browser ||
      r.console ||
      viaSaml.has(id) ||
      /:role\/aws-reserved\/sso\.amazonaws\.com\//.test(id)
    )
      kind = 'human';
    else if (viaGuest.has(id)) kind = 'guest';
    else if (viaWeb.has(id) || Number(r.iac) >= Math.max(1, n * 0.2)) kind = 'pipeline';
    else if (/:role\//.test(id)) kind = 'workload';
    else if (/:user\//.test(id)) kind = 'service-user';
    const short = /:(user|role)\/(?:.*\/)?([^/]+)$/.exec(id);
    profiles.set(id, {
      identity: id,
      kind,
      principalType: ptype,
      events: n,
      first: String(r.first),
      last: String(r.last),
      ips: new Map(),
      clients: new Map(),
      keys: new Set(),
      createdInWindow: short ? (createdAt.get(`${short[1]}/${short[2]}`) ?? null) : null,
    });
  }
  const ipIds = new Map<string, Set<string>>();
  for (const r of ipRows) {
    const p = profiles.get(String(r.id));
    if (!p) continue;
    const ip = str(r.ip);
    if (ip) {
      p.ips.set(ip, (p.ips.get(ip) ?? 0) + Number(r.n));
      if (isPublicIp(ip) && p.kind !== 'service') {
        if (!ipIds.has(ip)) ipIds.set(ip, new Set());
        ipIds.get(ip)!.add(p.identity);
      }
    }
    const client = String(r.client ?? '');
    if (client) p.clients.set(client, (p.clients.get(client) ?? 0) + Number(r.n));
    if (r.k) p.keys.add(String(r.k));
  }
  const ipIdentities = new Map([...ipIds].map(([ip, s]) => [ip, s.size]));
  return {
    profiles,
    ipIdentities,
    kindOf: (identity) => (identity ? (profiles.get(identity)?.kind ?? 'unknown') : 'unknown'),
    isCommonIp: (ip) => !!ip && (ipIdentities.get(ip) ?? 0) >= 3 && (spanOf.get(ip) ?? 0) >= 6 * 60,
  };
}

// ---- change calendar and declared activities --------------------------------------------------------

export interface ContextEntry {
  kind: 'declared-activity' | 'planned-change';
  type: string | null;
  ticket: string;
  owner: string | null;
  start: string | null;
  end: string | null;
  sourceIps: string[];
  principals: string[];
  sourceIdentity: string | null;
  text: string;
}

export async function loadContextEntries(db: Queryable): Promise<ContextEntry[]> {
  const rows = await db.all(
    `SELECT kind, type, ticket, owner, ${isoSql('start')} AS s, ${isoSql('"end"')} AS e, source_ips, principals,
            source_identity, text
     FROM context_entries WHERE kind <> 'application' ORDER BY start NULLS LAST, ticket`,
  );
  return rows.map((r) => ({
    kind: r.kind === 'declared-activity' ? 'declared-activity' : 'planned-change',
    type: str(r.type),
    ticket: String(r.ticket ?? r.type ?? 'context entry'),
    owner: str(r.owner),
    start: str(r.s),
    end: str(r.e),
    sourceIps: Array.isArray(r.source_ips) ? (r.source_ips as unknown[]).map(String) : [],
    principals: Array.isArray(r.principals) ? (r.principals as unknown[]).map(String) : [],
    sourceIdentity: str(r.source_identity),
    text: String(r.text ?? ''),
  }));
}

/** An application the responder's inventory declares: its name, what it runs as or uses, its notes. */
export interface DeclaredApplication {
  name: string;
  /** roles, functions, knowledge bases and agents the entry names */
  names: string[];
  text: string;
}

export async function loadApplications(db: Queryable): Promise<DeclaredApplication[]> {
  const rows = await db.all(
    `SELECT ticket, principals, text FROM context_entries WHERE kind = 'application' ORDER BY ticket, uid`,
  );
  return rows.map((r) => ({
    name: String(r.ticket ?? ''),
    names: Array.isArray(r.principals) ? (r.principals as unknown[]).map(String) : [],
    text: String(r.text ?? ''),
  }));
}

/** What a record is about, for matching it to a change summary. */
export interface ContextSubject {
  time: string;
  service?: string | null;
  action?: string | null;
  readOnly?: boolean | null;
  sourceIp?: string | null;
  userAgent?: string | null;
  identityArn?: string | null;
  principalArn?: string | null;
  sessionName?: string | null;
  userName?: string | null;
  sourceIdentity?: string | null;
  /** names, ids and ARNs the record touched or produced (resource names, user names, versions) */
  targets?: Array<string | null | undefined>;
  /** the actor is a deployment pipeline */
  pipeline?: boolean;
  /** names the record's request parameters carry (see requestNames), matched like targets */
  requestNames?: string[];
}

export interface ContextMatch {
  ticket: string;
  kind: ContextEntry['kind'];
  text: string;
  /** `strong`: window, topic and a named resource, principal, address or pipeline; `window`: window and topic only */
  strength: 'strong' | 'window';
  reasons: string[];
}

/** Topic words of a change summary that fit an API call. */
const TOPICS: Array<{ test: (service: string, action: string) => boolean; words: RegExp }> = [
  { test: (_s, a) => /Guardrail/.test(a), words: /guardrail|content filter|denied topic/i },
  {
    test: (s) => s === 'cloudtrail.amazonaws.com',
    words: /\btrail\b|cloudtrail|audit log|event selector|data-event|logging/i,
  },
  {
    test: (s, a) => s === 'ec2.amazonaws.com' && /SecurityGroup/.test(a),
    words: /security[- ]group|\bsg\b|firewall|ingress|allow-?list|listener|port/i,
  },
  {
    test: (s, a) => s === 'iam.amazonaws.com' && /User|AccessKey|LoginProfile|Group|MFA/.test(a),
    words:
      /iam user|\buser\b|access key|\bkey\b|onboard|contractor|integration|rotat|offboard|console access/i,
  },
  {
    test: (s, a) => s === 'iam.amazonaws.com' && /Role|Policy|InstanceProfile/.test(a),
    words: /\brole\b|\bpolic(y|ies)\b|\biam\b|permission/i,
  },
  {
    test: (s) => s === 'lambda.amazonaws.com',
    words: /lambda|function|trigger|deploy/i,
  },
  {
    test: (_s, a) =>
      /ModelCustomization|ProvisionedModel|CustomModel|ModelImport|ModelCopy|ImportedModel|EvaluationJob/.test(
        a,
      ),
    words:
      /fine[- ]?tun|provision|throughput|custom model|customi[sz]ation|training|import(ed)? model|evaluation/i,
  },
  {
    test: (_s, a) => /KnowledgeBase|DataSource|IngestionJob|^Retrieve/.test(a),
    words: /knowledge[- ]base|\bkb\b|ingestion|data source|sync|content|articles?|documents?/i,
  },
  {
    test: (s, a) => s === 's3.amazonaws.com' && /Put|Delete|Copy|Restore/.test(a),
    words: /upload|knowledge[- ]base|\bkb\b|content|dataset|training data|documents?|articles?|bucket/i,
  },
  {
    test: (_s, a) => /Agent|Flow|Prompt/.test(a),
    words: /\bagents?\b|action group|alias|instruction|\bflows?\b|prompt/i,
  },
  {
    test: (_s, a) => /ModelInvocationLogging/.test(a),
    words: /invocation logging|model logging|logging configuration|cloudwatch|log delivery|logging/i,
  },
  {
    test: (_s, a) => /UseCaseForModelAccess|FoundationModelAgreement|ModelAccess/.test(a),
    words: /model access|enable|new model|model family|agreement|use[- ]case/i,
  },
  { test: (s) => s === 'ssm.amazonaws.com', words: /parameter|model[- ]?id|config/i },
  {
    test: (s) =>
      s === 'guardduty.amazonaws.com' || s === 'config.amazonaws.com' || s === 'securityhub.amazonaws.com',
    words: /guardduty|detector|config recorder|aws config|security hub|finding/i,
  },
  { test: (s) => s === 'sagemaker.amazonaws.com', words: /sagemaker|notebook|lifecycle|studio/i },
  {
    test: (s) =>
      s === 'sso.amazonaws.com' || s === 'identitystore.amazonaws.com' || s === 'sso-directory.amazonaws.com',
    words:
      /identity center|permission[- ]sets?|account assignment|\bsso\b|single sign-on|access portal|identity store|onboard|offboard|\bgroup membership/i,
  },
  {
    test: (s, a) => s === 'signin.amazonaws.com' && /UserAuthentication|Credential/.test(a),
    words: /sign[- ]?in|log[- ]?in|onboard|\bmfa\b|authenticator|new (?:hire|starter|user)/i,
  },
];

const PIPELINE_WORDS =
  /pipeline|terraform|\bci\b|ci\/cd|cd pipeline|github actions|deploy(ment)? job|iac|cloudformation|cdk/i;

function inWindow(e: ContextEntry, time: string, slackMs = 5 * 60_000): boolean {
  const t = Date.parse(time);
  const s = e.start ? Date.parse(e.start) : Number.NEGATIVE_INFINITY;
  const en = e.end ? Date.parse(e.end) : Number.POSITIVE_INFINITY;
  return t >= s - slackMs && t <= en + slackMs;
}

/** Tokens of a free-text summary that look like identifiers (names with -, _, . or digits, addresses). */
export function summaryNames(text: string): string[] {
  const toks = text.match(/[A-Za-z0-9][A-Za-z0-9._@:/+-]*[A-Za-z0-9]/g) ?? [];
  const out = new Set<string>();
  for (const t of toks.map((x) => x.toLowerCase())) {
    if (!(/[-_.@:/]|\d/.test(t) && t.length >= 3 && !/^chg-|^sec-|^\d{1,2}$/.test(t))) continue;
    out.add(t);
    // an S3 location names its bucket too (a job's request names the bucket or another prefix of it)
    const b = /^s3:\/\/([^/]+)/.exec(t);
    if (b && b[1].length >= 3) out.add(b[1]);
  }
  return [...out];
}

/** A name as summaries and records both spell it: lower case, without the leading or trailing `/` of a path. */
function normName(x: string): string {
  return x.toLowerCase().replace(/^\/+|\/+$/g, '');
}

/** Request values that can name a resource: identifiers, ARNs, paths, S3 locations (and their buckets). */
const REQUEST_NAME = /^[A-Za-z0-9][A-Za-z0-9._@:/+=-]{2,255}$/;
const REQUEST_NAMES_MAX = 40;

/**
 * The names a record's request parameters carry (a job's name, the model it creates, the role it
 * passes, the S3 location it reads, a parameter's path), for matching the record to a change summary
 * that names what it works on. Only short identifier-like strings, at most two levels deep.
 */
export function requestNames(req: Record<string, unknown> | null | undefined): string[] {
  const out = new Set<string>();
  const visit = (v: unknown, depth: number): void => {
    if (out.size >= REQUEST_NAMES_MAX) return;
    if (typeof v === 'string') {
      if (!REQUEST_NAME.test(v) || !/[-_.:/]|\d/.test(v)) return;
      out.add(v);
      const b = /^s3:\/\/([^/]+)/.exec(v);
      if (b) out.add(b[1]);
    } else if (depth < 3 && v && typeof v === 'object') {
      const vals = Array.isArray(v) ? v.slice(0, 20) : Object.values(v).slice(0, 40);
      for (const x of vals) visit(x, depth + 1);
    }
  };
  visit(req ?? null, 0);
  return [...out];
}

const READ_ONLY_SCOPE = /read[- ]?only/i;

/**
 * The declared activity or planned change that explains a record, if any. Declared activities match
 * on window and actor (address, principal or source identity) and must be within their stated scope
 * (a read-only declaration does not cover writes). Planned changes match on window and topic; the
 * match is `strong` when the summary also names what the record touched, who acted (principal,
 * owner's session, address) or the pipeline that acted.
 */
export function matchContext(entries: ContextEntry[], s: ContextSubject): ContextMatch | null {
  const service = s.service ?? '';
  const action = s.action ?? '';
  const role = roleOf(s.identityArn ?? s.principalArn ?? null);
  const names = new Set(
    [
      ...(s.targets ?? []),
      s.userName,
      s.sessionName,
      s.identityArn ? nameOf(s.identityArn) : null,
      s.principalArn ? nameOf(s.principalArn) : null,
      s.sourceIp,
    ]
      .filter((x): x is string => !!x)
      .flatMap((x) => [normName(x), nameOf(x).toLowerCase()])
      .filter((x) => x.length >= 2),
  );
  // what the request names counts as named, but not as the actor the entry is about (userNamed below)
  const reqNames = new Set((s.requestNames ?? []).map(normName).filter((x) => x.length >= 3));
  let best: ContextMatch | null = null;
  for (const e of entries) {
    if (!inWindow(e, s.time)) continue;
    const reasons: string[] = [];
    if (e.kind === 'declared-activity') {
      const byIp = !!s.sourceIp && e.sourceIps.includes(s.sourceIp);
      const byPrincipal =
        !!role && e.principals.some((p) => roleOf(p) === role || p === s.principalArn || p === s.identityArn);
      const bySourceIdentity = !!s.sourceIdentity && s.sourceIdentity === e.sourceIdentity;
      if (!(byIp || byPrincipal || bySourceIdentity)) continue;
      if (READ_ONLY_SCOPE.test(e.text) && s.readOnly === false) continue;
      if (byIp) reasons.push(`source ${s.sourceIp} declared`);
      if (byPrincipal) reasons.push(`principal ${nameOf(role)} declared`);
      if (bySourceIdentity) reasons.push(`source identity ${s.sourceIdentity} declared`);
      return { ticket: e.ticket, kind: e.kind, text: e.text, strength: 'strong', reasons };
    }
    const text = e.text;
    const lowerText = text.toLowerCase();
    const named = summaryNames(text).filter((t) => names.has(t) || reqNames.has(t));
    const ownerMatch =
      !!e.owner &&
      !!s.sessionName &&
      s.sessionName.toLowerCase().includes(e.owner.toLowerCase().split('@')[0]);
    const ipNamed = !!s.sourceIp && lowerText.includes(s.sourceIp);
    const userNamed = [...names].some((n) => n.length >= 4 && /[-_.]/.test(n) && lowerText.includes(n));
    // the actor itself is what the entry names (an assessment user, a source address): any record fits
    if (ipNamed || (userNamed && named.length)) {
      if (READ_ONLY_SCOPE.test(text) && s.readOnly === false && !topicFits(service, action, text)) continue;
      if (ipNamed) reasons.push(`source ${s.sourceIp} named`);
      if (named.length) reasons.push(`names ${named.join(', ')}`);
      return { ticket: e.ticket, kind: e.kind, text, strength: 'strong', reasons };
    }
    if (!topicFits(service, action, text)) continue;
    reasons.push('inside the change window, same kind of change');
    if (named.length) reasons.push(`names ${named.join(', ')}`);
    const pipelineNamed = !!s.pipeline && PIPELINE_WORDS.test(text);
    if (pipelineNamed) reasons.push('done by the pipeline the change names');
    if (ownerMatch) reasons.push(`done by the change owner ${e.owner}`);
    if (/\bterraform\b/i.test(text) && s.userAgent && IAC_UA.test(s.userAgent) && !pipelineNamed)
      reasons.push('done with the infrastructure-as-code client the change names');
    const strong = named.length > 0 || pipelineNamed || ownerMatch || reasons.length > 1;
    const m: ContextMatch = {
      ticket: e.ticket,
      kind: e.kind,
      text,
      strength: strong ? 'strong' : 'window',
      reasons,
    };
    if (!best || (m.strength === 'strong' && best.strength !== 'strong')) best = m;
  }
  return best;
}

function topicFits(service: string, action: string, text: string): boolean {
  return TOPICS.some((t) => t.test(service, action) && t.words.test(text));
}

/** The context subject of a CloudTrail row (add `targets` and `pipeline` as known). */
export function subjectOf(r: CtRow): ContextSubject {
  return {
    time: r.time,
    service: r.service,
    action: r.action,
    readOnly: r.readOnly,
    sourceIp: r.sourceIp,
    userAgent: r.userAgent,
    identityArn: r.identityArn,
    principalArn: r.principalArn,
    sessionName: r.sessionName,
    userName: r.userName,
    sourceIdentity: r.sourceIdentity,
    requestNames: requestNames(r.req),
  };
}

/** The phrase a finding cites for a context match. */
export function citeContext(m: ContextMatch): string {
  const what = m.kind === 'declared-activity' ? 'declared activity' : 'planned change';
  return `matches ${m.ticket} (${what}: ${m.text}; ${m.reasons.join('; ')})`;
}

// ---- candidates: findings before the actor correlation ----------------------------------------------

/** Who acted on a record: the credential and the address it came from. */
export interface ActorRef {
  key: string | null;
  ip: string | null;
  identity: string | null;
  /** the client (first user-agent token), when known */
  client?: string | null;
  /** the client is an infrastructure-as-code tool */
  iac?: boolean;
}

/**
 * A finding before correlation. `hard` candidates point at abuse by themselves and define the actor;
 * `soft` ones are ambiguous alone (a new address, a model job, a content upload) and are raised to
 * `ifActor` when the same actor (key and address) shows abuse elsewhere; `context` ones are never
 * raised (explained or informational by nature).
 */
export interface Candidate extends FindingInput {
  strength: 'hard' | 'soft' | 'context';
  ifActor?: Severity;
  actors: ActorRef[];
  /** origins known to be the credential's legitimate user (a session's own host, a key's usual address) */
  legit?: ActorRef[];
  /** credentials and users this activity created: they inherit its actor */
  creates?: { keys?: string[]; users?: string[] };
  /** triage notes, in order; copied to details.triage */
  triage: string[];
  /** the declared activity or planned change that explains it */
  explained?: ContextMatch | null;
}

export function actorOf(r: Pick<CtRow, 'accessKeyId' | 'sourceIp' | 'identityArn' | 'userAgent'>): ActorRef {
  return {
    key: r.accessKeyId,
    ip: r.sourceIp,
    identity: r.identityArn,
    client: clientOf(r.userAgent) || null,
    iac: IAC_UA.test(r.userAgent ?? ''),
  };
}

/** Everything a detector needs: the case, the account baseline and the context entries. */
export interface Env {
  db: Queryable;
  base: AccountBaseline;
  entries: ContextEntry[];
  /** problems worth telling the responder (rules that could not run) */
  notes?: string[];
  /** the case's principal names (DetectContext.identityOf) */
  identityOf: IdentityOf;
}

/** Applies a context match to a candidate: declared → informational and excluded from verdicts; planned → lowered. */
export function applyContext(
  c: Candidate,
  m: ContextMatch | null,
  floor: Severity = 'informational',
): Candidate {
  if (!m) return c;
  c.explained = m;
  c.triage.push(citeContext(m));
  if (m.kind === 'declared-activity') {
    c.severity = 'informational';
    c.strength = 'context';
    c.details = { ...(c.details ?? {}), declared: m.ticket };
  } else if (m.strength === 'strong') {
    c.severity = maxSeverity(floor, 'informational');
    c.strength = 'context';
    c.details = { ...(c.details ?? {}), plannedChange: m.ticket };
  } else {
    c.severity = maxSeverity(floor, lower(c.severity));
    c.details = { ...(c.details ?? {}), plannedChangeWindow: m.ticket };
  }
  return c;
}
