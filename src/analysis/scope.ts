/**
 * Scope: from the findings that point at abuse (or the responder's seeds) to the incident — the
 * actor's addresses, keys, sessions and principals, every record they made, what they touched and
 * when. The actor is separated from legitimate use of the same principal by address and key: a
 * long-term key used from the office and from a VPS has two users; only the records from addresses
 * the key had not used before the first suspicious record (or from known actor addresses) are the
 * actor's.
 */

import { SEVERITY_RANK } from '../engine/detector.js';
import { type IdentityOf, loadIdentityOf } from '../engine/principal-names.js';
import type { Component, Element, Finding, Scope } from '../model/types.js';
import { isoSql, type Queryable, sqlString, sqlTime } from '../store/case-store.js';
import { analyzePrompt, findSensitive } from '../text/index.js';
import { actionGroupExecutors, executorAt } from './action-group-executors.js';
import { classifyApi } from './api-elements.js';
import {
  type ContextEntry,
  deviceClient,
  fromUsualOrigin,
  isEndUserIdp,
  jsonObject,
  loadContextEntries,
  matchContext,
  type UsualOrigin,
  usualOrigin,
} from './context.js';
import { dataBuckets } from './data-store.js';
import { delegatedReach } from './delegated-reach.js';
import { META_KEYS, metaSql } from './request-metadata.js';
import { baseResource, modelOfProfile, passedRoleOf, resourcesOfEvent } from './resources.js';

export interface Seed {
  kind: 'key' | 'ip' | 'principal' | 'finding' | 'request';
  value: string;
}

export interface ActorRecords {
  eventIds: string[];
  requestIds: string[];
  traceIds: string[];
}

/** What the actor's own records did in one element. */
export interface ActorTouch {
  element: Element;
  components: Set<Component>;
  /** successful changes */
  changes: string[];
  /** reads and failed attempts */
  other: string[];
  actions: Set<string>;
  /** actions of the successful changes */
  changedActions: Set<string>;
  resources: Set<string>;
  times: string[];
}

/** Where a temporary key came from. */
export interface SessionOrigin {
  accessKeyId: string;
  /** eventID of the AssumeRole call that issued it */
  issuedBy: string;
  time: string;
  roleArn: string | null;
  sessionName: string | null;
  caller: string;
  callerIp: string | null;
}

export interface ScopeResult {
  /**
   * How sure the separation of the actor is: `high` when the actor's addresses and keys are its
   * own; `medium` when a principal or key is shared with legitimate use and records were split by
   * address and client; `low` when the scope rests on seeds or findings without records to pivot on.
   */
  confidence: 'high' | 'medium' | 'low';
  /** where the actor's temporary keys came from */
  sessions: SessionOrigin[];
  /**
   * What kind of credentials each temporary key no AssumeRole in the evidence issued is, from the
   * identity that used it (an IAM Identity Center role session, an EC2 instance's role, ...)
   */
  sessionKinds?: Record<string, string>;
  /** records that would have been the actor's but fall inside a declared activity, by ticket */
  declaredRecords: Map<string, string[]>;
  /** the actor's records by element */
  touched: Map<Element, ActorTouch>;
  scope: Scope;
  actor: ActorRecords;
  /** how the actor was told apart, and how sure that is */
  notes: string[];
  /** the findings the scope started from */
  seedFindings: string[];
  /**
   * Objects the actor read from buckets that hold neither knowledge-base, training nor prompt-log
   * data nor what the actor wrote itself: the organisation's own data (private data), by bucket
   */
  dataReads: DataRead[];
  /** personal data in the actor's own model calls (prompts it wrote, answers it received) */
  personalData: PersonalDataUse | null;
  /** roles the actor created, and the model invocations their sessions made (delegated-reach.ts) */
  delegated?: { roles: string[]; requestIds: string[] };
}

/**
 * What a temporary key no AssumeRole in the evidence issued is, from the role and session that used
 * it: an IAM Identity Center permission-set role (a person's SSO sign-in: portal or cached CLI
 * credentials), or an EC2 instance's role (the session is the
 * instance id); null when the identity does not say.
 */
export function sessionKindOf(rows: Array<Record<string, unknown>>): string | null {
  const roles = new Set(rows.map((r) => String(r.identity_arn ?? '')).filter(Boolean));
  const sessions = new Set(
    rows
      .map((r) => /:assumed-role\/[^/]+\/(.+)$/.exec(String(r.principal_arn ?? ''))?.[1] ?? '')
      .filter(Boolean),
  );
  const all = (re: RegExp, xs: Set<string>): boolean => xs.size > 0 && [...xs].every((x) => re.test(x));
  if (all(/:role\/(?:aws-reserved\/sso\.amazonaws\.com\/(?:[^/]+\/)?)?AWSReservedSSO_/, roles))
    return "an IAM Identity Center session: a person's SSO sign-in (portal or cached CLI credentials) used elsewhere";
  if (all(/^i-[0-9a-f]{8,17}$/, sessions)) return "an EC2 instance's role credentials used elsewhere";
  return null;
}

export interface PersonalDataUse {
  /** distinct personal values (e-mail addresses, phone, card, SSN, IBAN, passport numbers) */
  values: number;
  byType: Record<string, number>;
  requestIds: string[];
  times: string[];
}

export interface DataRead {
  bucket: string;
  /** distinct object keys read */
  objects: number;
  eventIds: string[];
  times: string[];
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
export function isIp(s: string): boolean {
  return IPV4.test(s) || (s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s));
}

/** Private, loopback and link-local addresses say little about who acted. */
export function isPrivateIp(s: string): boolean {
  const m = IPV4.exec(s);
  if (!m) return /^(fc|fd|fe80|::1)/i.test(s);
  const a = Number(m[1]);
  const b = Number(m[2]);
  return (
    a === 10 ||
    a === 127 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254)
  );
}

/** CloudWatch Logs calls a function's execution environment makes for its own log group. */
const LOG_SETUP = new Set(['CreateLogGroup', 'CreateLogStream', 'PutLogEvents']);

/**
 * A function's execution environment setting up its own logs (`/aws/lambda/<function>`, by the
 * execution role's session named after the function, at each cold start): the service's routine
 * work, not an infrastructure change of whoever the session acted for.
 */
export function executionEnvironmentLog(r: Record<string, unknown>): boolean {
  if (r.service !== 'logs.amazonaws.com' || !LOG_SETUP.has(String(r.action))) return false;
  const group = jsonObject(r.request_parameters)?.logGroupName;
  const session = /:assumed-role\/[^/]+\/([^/]+)$/.exec(String(r.principal_arn ?? ''))?.[1];
  return typeof group === 'string' && !!session && group === `/aws/lambda/${session}`;
}

/** Runtime calls that open or continue an agent session (`requestParameters.sessionId`). */
const AGENT_INVOKES = new Set(['InvokeAgent', 'InvokeInlineAgent']);

/** S3 data events that return an object's content. */
const OBJECT_READS = new Set(['GetObject', 'SelectObjectContent', 'GetObjectVersion']);
/** ... and those that put one. */
const OBJECT_WRITES = /^(PutObject|CopyObject|CompleteMultipartUpload|UploadPart)/;

/**
 * The actor's successful object reads, by bucket, leaving out the buckets behind knowledge
 * bases, customisation jobs and prompt logs (their own detectors weigh those) and buckets the
 * actor wrote to (its own staging).
 */
async function actorDataReads(db: Queryable, rows: Array<Record<string, unknown>>): Promise<DataRead[]> {
  const reads = new Map<string, { keys: Set<string>; eventIds: string[]; times: string[] }>();
  const written = new Set<string>();
  for (const r of rows) {
    if (r.error_code || r.service !== 's3.amazonaws.com') continue;
    const action = String(r.action);
    const p = jsonObject(r.request_parameters) ?? {};
    const bucket = typeof p.bucketName === 'string' ? p.bucketName : null;
    if (!bucket) continue;
    if (OBJECT_WRITES.test(action)) written.add(bucket);
    if (!OBJECT_READS.has(action)) continue;
    // another account's reads (the actor let it in) are judged by data-store.outside-read, which
    // tells a model taken from data read
    if (r.principal_type === 'AWSAccount') continue;
    let e = reads.get(bucket);
    if (!e) {
      e = { keys: new Set(), eventIds: [], times: [] };
      reads.set(bucket, e);
    }
    e.keys.add(typeof p.key === 'string' ? p.key : '');
    e.eventIds.push(String(r.event_id ?? r.uid));
    e.times.push(String(r.t));
  }
  if (!reads.size) return [];
  const ai = await dataBuckets({ db });
  return [...reads]
    .filter(([b]) => !written.has(b) && !ai.kb.has(b) && !ai.training.has(b) && !ai.logs.has(b))
    .map(([bucket, e]) => ({ bucket, objects: e.keys.size, eventIds: e.eventIds, times: e.times }))
    .sort((a, b) => a.bucket.localeCompare(b.bucket));
}

/** Personal-data types counted in the actor's model calls (credentials are the secret detectors'). */
const PERSONAL_TYPES = ['email', 'phone', 'credit_card', 'us_ssn', 'iban', 'passport'] as const;
/** The actor's own calls read for personal data (the first ones in time). */
const PERSONAL_CALLS_MAX = 2000;
/** Distinct personal values in the actor's calls below which nothing is said. */
export const PERSONAL_VALUES_MIN = 10;

/**
 * Personal data in the model calls the actor made itself (request ids of its CloudTrail records):
 * what it pasted into prompts or got back in answers is in its hands. Calls an application made on
 * an end user's behalf are not read here (their text is the end user's, and the text pass weighs it).
 */
async function actorPersonalData(db: Queryable, requestIds: string[]): Promise<PersonalDataUse | null> {
  const ids = requestIds.filter(Boolean);
  if (!ids.length) return null;
  const rows = await db.all(
    `SELECT request_id, ${isoSql('time')} AS t, prompt_text, response_text FROM invocations
     WHERE request_id IN (${list(ids)}) ORDER BY time, request_id LIMIT ${PERSONAL_CALLS_MAX}`,
  );
  const seen = new Map<string, string>();
  const cited: string[] = [];
  const times: string[] = [];
  for (const r of rows) {
    let found = false;
    for (const text of [r.prompt_text, r.response_text]) {
      if (typeof text !== 'string' || !text) continue;
      for (const m of findSensitive(text, { types: [...PERSONAL_TYPES] })) {
        const v = text
          .slice(m.start, m.end)
          .toLowerCase()
          .replace(/[\s().-]/g, '');
        if (!seen.has(v)) seen.set(v, m.type);
        found = true;
      }
    }
    if (found) {
      cited.push(String(r.request_id));
      times.push(String(r.t));
    }
  }
  if (seen.size < PERSONAL_VALUES_MIN) return null;
  const byType: Record<string, number> = {};
  for (const t of seen.values()) byType[t] = (byType[t] ?? 0) + 1;
  return { values: seen.size, byType, requestIds: cited, times };
}

/** `sessionId` of a runtime call's request parameters (the JSON column, as text or parsed). */
function sessionIdOf(params: unknown): string | null {
  const v = jsonObject(params)?.sessionId;
  return typeof v === 'string' && v ? v : null;
}

const list = (xs: Iterable<string>): string => [...xs].map(sqlString).join(', ') || "''";

const ENUMERATION =
  /^(List|Describe|GetCallerIdentity|GetAccount|GetModelInvocationLoggingConfiguration|GetFoundationModel|LookupEvents)/;

/** Changes of what a trail records (blinding its data events or all of it). */
const BLINDING = /^(PutEventSelectors|PutInsightSelectors|StopLogging|DeleteTrail|UpdateTrail)$/;
/** Reads of a knowledge base's configuration and its data sources. */
const KB_LOOKUPS = new Set(['GetKnowledgeBase', 'GetDataSource', 'ListDataSources']);

/** Describe calls that return code (a lifecycle configuration's scripts): content reads, not enumeration. */
const CODE_READS = /^Describe(?:NotebookInstance|Studio)LifecycleConfig$/;

/** an agent alias ARN: its agent id */
const AGENT_ALIAS = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]+:\d{12}:agent-alias\/([A-Z0-9]{10})\/[A-Z0-9]{10}$/;

const HOURS_BEFORE = 6;
/** minutes between an address's first and last use before the incident for it to be in ordinary use */
const ESTABLISHED_SPAN_MIN = 180;

/** IAM reads that look at one role: what it may do and who may assume it. */
/** A Cognito identity pool id (`region:uuid`). */
const POOL_ID = /^[a-z]{2}(?:-[a-z]+)+-\d:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * The roles (and Cognito identity pools) through which the actor's session keys were issued by web
 * identity anyone can obtain (a Cognito identity, a CI pull-request run), when the actor itself asked
 * for them: AssumeRoleWithWebIdentity from an actor address,
 * or Cognito's GetCredentialsForIdentity for that key from an actor address (Cognito's own
 * AssumeRoleWithWebIdentity comes from the service).
 */
async function webIdentityEntries(
  db: Queryable,
  keys: string[],
  ips: Set<string>,
): Promise<Array<{ role: string; pool: string | null; subject: string | null }>> {
  const temp = keys.filter((k) => k.startsWith('ASIA'));
  if (!temp.length || !ips.size) return [];
  const rows = await db.all(
    `WITH fed AS (
       SELECT json_extract_string(request_parameters, '$.roleArn') AS role,
              json_extract_string(response_elements, '$.credentials.accessKeyId') AS k,
              json_extract_string(response_elements, '$.provider') AS provider,
              json_extract_string(response_elements, '$.audience') AS aud,
              json_extract_string(response_elements, '$.subjectFromWebIdentityToken') AS sub,
              source_ip
       FROM events WHERE action = 'AssumeRoleWithWebIdentity' AND error_code IS NULL),
     cog AS (
       SELECT DISTINCT json_extract_string(response_elements, '$.credentials.accessKeyId') AS k FROM events
       WHERE action = 'GetCredentialsForIdentity' AND error_code IS NULL AND source_ip IN (${list(ips)}))
     SELECT role, provider, aud, min(sub) AS sub FROM fed
     WHERE k IN (${list(temp)}) AND (source_ip IN (${list(ips)}) OR k IN (SELECT k FROM cog))
     GROUP BY ALL ORDER BY ALL LIMIT 20`,
  );
  const out: Array<{ role: string; pool: string | null; subject: string | null }> = [];
  for (const r of rows) {
    const role = String(r.role ?? '');
    if (!/^arn:aws[a-z-]*:iam::\d{12}:role\//.test(role)) continue;
    const aud = String(r.aud ?? '');
    const cognito = /cognito-identity\.amazonaws\.com/.test(String(r.provider ?? ''));
    const sub = r.sub ? String(r.sub).slice(0, 200) : null;
    // only an identity anyone can mint makes the trust itself the way in: an identity pool's
    // guest, or a CI pull-request run (a fork's code); a branch pushed with a stolen developer
    // token entered through the developer's account, the role is the pipeline's as designed
    if (!cognito && !(sub && /:pull_request$/.test(sub))) continue;
    out.push({ role, pool: cognito && POOL_ID.test(aud) ? aud : null, subject: cognito ? null : sub });
  }
  return out;
}

const ROLE_READS = new Set(['GetRole', 'GetRolePolicy', 'ListRolePolicies', 'ListAttachedRolePolicies']);

/**
 * The execution role of a Lambda function a record created or reconfigured (the role the function's
 * code then runs with): what the actor used through the function when it looked that role up first.
 */
export function changedFunctionRole(r: {
  service?: unknown;
  action?: unknown;
  request_parameters?: unknown;
  response_elements?: unknown;
}): string | null {
  if (String(r.service) !== 'lambda.amazonaws.com') return null;
  if (!/^(?:CreateFunction|UpdateFunctionConfiguration|UpdateFunctionCode)/.test(String(r.action)))
    return null;
  const role = jsonObject(r.response_elements)?.role ?? jsonObject(r.request_parameters)?.role;
  return typeof role === 'string' && role.length <= 2048 && /^arn:aws[a-z-]*:iam::\d{12}:role\//.test(role)
    ? role
    : null;
}

/** Trace and session ids of the seed findings looked up for the application that opened them. */
const SEED_TRACES_MAX = 5000;

/** An IAM record's `roleName` as the role's ARN (one role, one name), other resources as they are. */
function roleByArn(r: Record<string, unknown>, x: string): string {
  if (r.service !== 'iam.amazonaws.com' || x !== jsonObject(r.request_parameters)?.roleName) return x;
  const acct = [r.recipient_account, r.account].find((a) => typeof a === 'string' && /^\d{12}$/.test(a));
  return acct && /^[\w+=,.@-]{1,64}$/.test(x) ? `arn:aws:iam::${acct}:role/${x}` : x;
}

/** The CloudTrail columns the scoping reads for each candidate record. */
const EVENT_COLUMNS = `uid, event_id, request_id, ${isoSql('time')} AS t, source_ip, access_key_id, user_agent, source_identity,
  identity_arn, principal_arn, principal_type, service, action, read_only, error_code, request_parameters,
  response_elements, resources, region, account, recipient_account`;

/** The declared activity a finding falls in: its window, and all its addresses or principals declared. */
function declaredFinding(
  entries: ContextEntry[],
  f: Finding,
  identityOf: (arn: string) => string,
): string | null {
  for (const e of entries) {
    const s = e.start ? Date.parse(e.start) : Number.NEGATIVE_INFINITY;
    const en = e.end ? Date.parse(e.end) : Number.POSITIVE_INFINITY;
    if (Date.parse(f.firstSeen) < s - 300_000 || Date.parse(f.lastSeen) > en + 300_000) continue;
    // a read-only declaration does not cover changes
    const changes = f.elements.some((el) => el.endsWith('-changes'));
    if (/read[- ]?only/i.test(e.text) && changes) continue;
    const ips = (f.sourceIps ?? []).filter((ip) => isIp(ip));
    const principals = (f.principals ?? []).map(identityOf);
    const declaredRoles = new Set(e.principals.map(identityOf));
    const byIp = ips.length > 0 && ips.every((ip) => e.sourceIps.includes(ip));
    const byPrincipal = principals.length > 0 && principals.every((p) => declaredRoles.has(p));
    if (byIp || byPrincipal) return e.ticket;
  }
  return null;
}
/** an Internet domain (an indicator, not a resource of the account) */
const DOMAIN =
  /^(?![^:/]*[:/])(?!(anthropic|amazon|meta|mistral|cohere|ai21|stability|deepseek|writer|us|eu|apac|global)\.)[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,12}$/i;

/** `s3://bucket/key` as the object's ARN, so it compares with other S3 resources. */
function s3Arn(r: string): string {
  const m = /^s3:\/\/([^/]+)(\/.*)?$/.exec(r);
  return m ? `arn:aws:s3:::${m[1]}${m[2] ?? ''}` : r;
}

/**
 * Distinct session keys an AWS service issued to a workload (a function's execution role at each
 * cold start, a build's or a job's role) used from one address before the first finding naming it,
 * from which the address is the workload's own egress (its NAT): the application acts there on its
 * users' input, and a stolen workload key used from elsewhere is one key, not a rotation of them.
 */
const WORKLOAD_KEYS_MIN = 2;

/**
 * The customer or, without one, the conversation an invocation's request metadata names: the
 * clients counted at an address. Narrower than `META_KEYS.customer` / `META_KEYS.conversation` on
 * purpose: counting user ids and session ids as well took an end user's own address (a merchant's
 * office, several of its staff) for a shared egress and dropped it from the scope.
 */
const CUSTOMER_OR_CONVERSATION_SQL = `${metaSql(['customerid'])}, ${metaSql(['conversationid'])}`;

/** The end user an invocation's request metadata names (user ids only: customers and conversations are not people), as logged. */
const END_USER_SQL = metaSql(META_KEYS.person, { verbatim: true });

/**
 * Whether an address was in ordinary use before the suspicious activity: used for hours (at least
 * ESTABLISHED_SPAN_MIN between its first and last use) more than six hours before the first
 * finding that names it, or used by three or more identities (a NAT, a VPN exit, the application's
 * own egress) or by the model calls of three or more customers or conversations (as their request
 * metadata names them: `customerId`, else `conversationId`, in any spelling), or the egress of a workload whose service-issued session keys (WORKLOAD_KEYS_MIN)
 * were used there before that finding, however few identities share it. Such an address tells the
 * actor apart from nobody. A short burst long before (an intruder's reconnaissance the night
 * before) does not establish it, and neither do the roles one caller assumed from the address
 * (role chaining: the sessions issued to calls from the address) nor the account names that
 * trusted callers appear as.
 */
async function ipEstablished(db: Queryable, ip: string, firstSeen: string): Promise<boolean> {
  const before = sqlTime(new Date(Date.parse(firstSeen) - HOURS_BEFORE * 3600_000).toISOString());
  const r = await db.all(
    `WITH early AS (
       SELECT time FROM events WHERE source_ip = $1 AND time < CAST($2 AS TIMESTAMP)
       UNION ALL SELECT time FROM invocations WHERE client_ip = $1 AND time < CAST($2 AS TIMESTAMP)),
     chained AS (
       SELECT response_elements->>'$.credentials.accessKeyId' AS k FROM events
       WHERE source_ip = $1 AND action LIKE 'AssumeRole%' AND error_code IS NULL),
     workload AS (
       SELECT response_elements->>'$.credentials.accessKeyId' AS k FROM events
       WHERE action = 'AssumeRole' AND error_code IS NULL AND principal_type = 'AWSService')
     SELECT
       (SELECT coalesce(date_diff('minute', min(time), max(time)), -1) FROM early) AS early_span,
       (SELECT count(DISTINCT identity_arn) FROM events
          WHERE source_ip = $1 AND coalesce(principal_type, '') NOT IN ('AWSAccount', 'AWSService')
            AND coalesce(access_key_id, '') NOT IN (SELECT k FROM chained WHERE k IS NOT NULL)) AS identities,
       (SELECT count(DISTINCT coalesce(${CUSTOMER_OR_CONVERSATION_SQL}))
          FROM invocations WHERE client_ip = $1) AS clients,
       (SELECT count(DISTINCT access_key_id) FROM events
          WHERE source_ip = $1 AND time < CAST($3 AS TIMESTAMP)
            AND access_key_id IN (SELECT k FROM workload WHERE k IS NOT NULL)) AS workload_keys`,
    [ip, before, sqlTime(firstSeen)],
  );
  const row = r[0] ?? {};
  return (
    Number(row.early_span) >= ESTABLISHED_SPAN_MIN ||
    Number(row.identities) >= 3 ||
    Number(row.clients) >= 3 ||
    Number(row.workload_keys) >= WORKLOAD_KEYS_MIN
  );
}

/**
 * For an address seen only as an application's end user (invocation-log client address, no
 * CloudTrail of its own): is it an attacker, i.e. did it send at least one attack prompt? Customers
 * who merely received a poisoned or leaking answer are victims, not actors.
 */
async function endUserAttacked(db: Queryable, ip: string): Promise<boolean> {
  const ct = await db.all('SELECT count(*) AS n FROM events WHERE source_ip = $1', [ip]);
  if (Number(ct[0]?.n) > 0) return true;
  const rows = await db.all(
    'SELECT last_user_text AS t FROM invocations WHERE client_ip = $1 ORDER BY time, request_id LIMIT 500',
    [ip],
  );
  if (!rows.length) return true;
  return rows.some(
    (r) => typeof r.t === 'string' && analyzePrompt(r.t, { kind: 'user' }).verdict === 'attack',
  );
}

/** User agents that name an AWS service acting for the caller (the console's backend), not the caller's device. */
const SERVICE_CLIENT = /^$|^AWS Internal$|^[a-z0-9.-]+\.amazonaws\.com$/;

/** Whether an identity is a person's sign-in role (Identity Center permission set or SAML federation). */
async function personRoles(db: Queryable, roles: string[]): Promise<Set<string>> {
  const out = new Set(roles.filter((r) => /:role\/aws-reserved\/sso\.amazonaws\.com\//.test(r)));
  const rest = roles.filter((r) => !out.has(r));
  if (rest.length) {
    const rows = await db.all(
      `SELECT DISTINCT request_parameters->>'$.roleArn' AS r FROM events
       WHERE action = 'AssumeRoleWithSAML' AND (request_parameters->>'$.roleArn') IN (${list(rest)}) ORDER BY 1`,
    );
    for (const r of rows) out.add(String(r.r));
  }
  return out;
}

/**
 * Other sessions of the persons whose role sessions the actor used (see computeScope): their keys
 * and addresses, when every address is new and every client unknown for that person.
 */
async function samePersonSessions(
  db: Queryable,
  actorEvents: Array<Record<string, unknown>>,
  actorKeys: Set<string>,
  firstSeen: string,
): Promise<{ keys: string[]; ips: string[]; notes: string[] }> {
  const none = { keys: [], ips: [], notes: [] };
  const sessionArns = new Map<string, string>();
  for (const r of actorEvents) {
    if (r.principal_type !== 'AssumedRole' || !r.principal_arn || !r.identity_arn) continue;
    if (!actorKeys.has(String(r.access_key_id ?? ''))) continue;
    sessionArns.set(String(r.principal_arn), String(r.identity_arn));
  }
  if (!sessionArns.size || !firstSeen) return none;
  const people = await personRoles(db, [...new Set(sessionArns.values())].sort());
  const arns = [...sessionArns.entries()].filter(([, role]) => people.has(role)).map(([arn]) => arn);
  if (!arns.length) return none;
  const rows = await db.all(
    `SELECT principal_arn AS p, access_key_id AS k, source_ip AS ip, coalesce(user_agent, '') AS ua,
            ${isoSql('min(time)')} AS first
     FROM events WHERE principal_arn IN (${list(arns.sort())}) AND access_key_id IS NOT NULL AND source_ip IS NOT NULL
     GROUP BY ALL ORDER BY ALL`,
  );
  const established = new Map<string, boolean>();
  const isEstablished = async (ip: string): Promise<boolean> => {
    if (!isIp(ip) || isPrivateIp(ip)) return true;
    let e = established.get(ip);
    if (e === undefined) {
      e = await ipEstablished(db, ip, firstSeen);
      established.set(ip, e);
    }
    return e;
  };
  const out = { keys: [] as string[], ips: [] as string[], notes: [] as string[] };
  for (const arn of arns) {
    const mine = rows.filter((r) => r.p === arn);
    // the person's own clients: those used from their established addresses
    const ownClients = new Set<string>();
    for (const r of mine)
      if (!SERVICE_CLIENT.test(String(r.ua)) && (await isEstablished(String(r.ip))))
        ownClients.add(deviceClient(String(r.ua)));
    if (!ownClients.size) continue;
    const byKey = new Map<string, typeof mine>();
    for (const r of mine) {
      const k = String(r.k);
      if (actorKeys.has(k)) continue;
      if (!byKey.has(k)) byKey.set(k, []);
      byKey.get(k)!.push(r);
    }
    for (const [k, rs] of byKey) {
      // a device's own client must be seen: the console's and other services' names say nothing of it
      let foreign = rs.some((r) => !SERVICE_CLIENT.test(String(r.ua)));
      for (const r of rs)
        if (ownClients.has(deviceClient(String(r.ua))) || (await isEstablished(String(r.ip)))) {
          foreign = false;
          break;
        }
      if (!foreign) continue;
      const addrs = [...new Set(rs.map((r) => String(r.ip)))].sort();
      out.keys.push(k);
      out.ips.push(...addrs);
      out.notes.push(
        `session key ${k} of ${arn} came from new address(es) ${addrs.join(', ')} with clients the person had not used: taken for the actor's, like the session it used`,
      );
    }
  }
  out.keys.sort();
  out.ips = [...new Set(out.ips)].sort();
  return out;
}

/** A group of seed findings linked by address, key or principal. */
interface SeedGroup {
  findings: Finding[];
  ips: string[];
  keys: string[];
  principals: string[];
}

/**
 * Seed findings that stand apart: the groups of findings linked by a shared public address, key or
 * principal, other than the largest, that are about a CI pipeline's own sessions only (every key
 * a session a CI identity provider's web-identity token opened, not an end-user provider's), none at
 * high or above, when no record links them to the rest: no call from the other findings' addresses
 * or with their keys by or for the group's principals, and no web-identity session opened from those
 * addresses. A concurrent deploy by the organisation's pipeline is not the actor's because it happened
 * during the incident.
 */
export async function unlinkedPipelineSeeds(
  db: Queryable,
  seeds: Finding[],
  identityOf: (arn: string) => string,
): Promise<SeedGroup[]> {
  if (seeds.length < 2) return [];
  const parent = seeds.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const owner = new Map<string, number>();
  const tokens = (f: Finding): string[] => [
    ...(f.sourceIps ?? []).filter((ip) => isIp(ip) && !isPrivateIp(ip)).map((ip) => `ip:${ip}`),
    ...(f.accessKeyIds ?? []).map((k) => `key:${k}`),
    ...(f.principals ?? []).filter((p) => p.startsWith('arn:')).map((p) => `p:${identityOf(p)}`),
  ];
  for (const [i, f] of seeds.entries())
    for (const t of tokens(f)) {
      const j = owner.get(t);
      if (j === undefined) owner.set(t, i);
      else parent[find(i)] = find(j);
    }
  const groups = new Map<number, number[]>();
  for (const i of seeds.keys()) groups.set(find(i), [...(groups.get(find(i)) ?? []), i]);
  if (groups.size < 2) return [];
  const sorted = [...groups.values()].sort((a, b) => b.length - a.length || a[0] - b[0]);
  const out: SeedGroup[] = [];
  for (const g of sorted.slice(1)) {
    const fs = g.map((i) => seeds[i]);
    if (fs.some((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK.high)) continue;
    const keys = [...new Set(fs.flatMap((f) => f.accessKeyIds ?? []))].sort();
    const principals = [...new Set(fs.flatMap((f) => (f.principals ?? []).map(identityOf)))]
      .filter((p) => p.startsWith('arn:'))
      .sort();
    if (!keys.length || !principals.length || keys.some((k) => !k.startsWith('ASIA'))) continue;
    const issued = await db.all(
      `SELECT response_elements->>'$.credentials.accessKeyId' AS k, source_ip AS ip,
              coalesce(response_elements->>'$.provider', principal_id, '') AS provider,
              coalesce(request_parameters->>'$.roleSessionName', '') AS session
       FROM events WHERE action = 'AssumeRoleWithWebIdentity' AND error_code IS NULL
         AND (response_elements->>'$.credentials.accessKeyId') IN (${list(keys)})
       ORDER BY ALL`,
    );
    const ci = new Set(
      issued.filter((r) => !isEndUserIdp(String(r.provider), String(r.session))).map((r) => String(r.k)),
    );
    if (keys.some((k) => !ci.has(k))) continue;
    const rest = new Set(g);
    const others = seeds.filter((_, i) => !rest.has(i));
    const otherIps = [
      ...new Set(others.flatMap((f) => (f.sourceIps ?? []).filter((ip) => isIp(ip) && !isPrivateIp(ip)))),
    ];
    const otherKeys = [...new Set(others.flatMap((f) => f.accessKeyIds ?? []))];
    if (issued.some((r) => otherIps.includes(String(r.ip)))) continue;
    const linked = await db.all(
      `SELECT count(*) AS n FROM events
       WHERE (source_ip IN (${list(otherIps)}) OR access_key_id IN (${list(otherKeys)}))
         AND (identity_arn IN (${list(principals)}) OR access_key_id IN (${list(keys)})
              OR (request_parameters->>'$.roleArn') IN (${list(principals)}))`,
    );
    if (Number(linked[0]?.n) > 0) continue;
    const ips = [...new Set(fs.flatMap((f) => f.sourceIps ?? []))].filter(
      (ip) => isIp(ip) && !isPrivateIp(ip),
    );
    out.push({ findings: fs, ips: ips.sort(), keys, principals });
  }
  return out;
}

export async function computeScope(
  db: Queryable,
  findings: Finding[],
  opts: {
    seeds?: Seed[];
    minSeverity?: 'medium' | 'high';
    /** the case's principal names (loaded from `db` when not given) */
    identityOf?: IdentityOf;
  } = {},
): Promise<ScopeResult> {
  const notes: string[] = [];
  const min = SEVERITY_RANK[opts.minSeverity ?? 'medium'];
  // principals by their full ARNs (engine/principal-names.ts), also when scope is computed on its own
  const principalOf = opts.identityOf ?? (await loadIdentityOf(db));
  /** the principal behind an ARN, or the value itself when it names none */
  const identityOf = (arn: string): string => principalOf(arn) ?? arn;
  const declared = (await loadContextEntries(db)).filter((e) => e.kind === 'declared-activity');
  for (const f of findings) {
    if (SEVERITY_RANK[f.severity] < min || f.details?.declared) continue;
    const d = declaredFinding(declared, f, identityOf);
    if (d) {
      f.details = { ...(f.details ?? {}), declared: d };
      notes.push(
        `finding "${f.title}" falls inside declared activity ${d}: reported as declared, not as the incident`,
      );
    }
  }
  const candidates = findings.filter(
    (f) => SEVERITY_RANK[f.severity] >= min && !(f.details && (f.details.declared || f.details.notActor)),
  );
  // a CI pipeline's own sessions, changing things at the same time as the incident with nothing that
  // links them to the actor's credentials, sessions or addresses, are the pipeline's work
  for (const group of await unlinkedPipelineSeeds(db, candidates, identityOf)) {
    for (const f of group.findings) f.details = { ...(f.details ?? {}), notActor: true };
    notes.push(
      `${group.findings.length} finding(s) about ${group.principals.join(', ')} (CI web-identity session(s) ${group.keys.join(', ')} from ${group.ips.join(', ') || 'no public address'}) share no credential, session or address with the other findings and nothing links them: the pipeline's own work, not the actor's`,
    );
  }
  const seeds = candidates.filter((f) => !f.details?.notActor);
  const ips = new Set<string>();
  const keys = new Set<string>();
  const principals = new Set<string>();
  const resources = new Set<string>();
  const seedEvents = new Set<string>();
  const seedRequests = new Set<string>();
  // the first time each address appears in a seed finding
  const ipSeedTime = new Map<string, string>();
  const seedKeys = new Set<string>();
  // end-user addresses a finding judged by that end user's own conduct (not only by what it received)
  const vouched = new Set<string>();
  for (const f of seeds) {
    for (const ip of f.sourceIps ?? []) {
      if (!isIp(ip) || isPrivateIp(ip)) continue;
      const t = ipSeedTime.get(ip);
      if (!t || f.firstSeen < t) ipSeedTime.set(ip, f.firstSeen);
      if (f.details?.endUserConduct === true) vouched.add(ip);
    }
    for (const k of f.accessKeyIds ?? []) seedKeys.add(k);
    for (const p of f.principals ?? []) if (p.startsWith('arn:')) principals.add(identityOf(p));
    for (const e of f.evidence.eventIds ?? []) seedEvents.add(e);
    for (const r of f.evidence.requestIds ?? []) seedRequests.add(r);
  }
  // an address the account's own workloads or many people use is not the actor's to pivot on
  for (const [ip, t] of ipSeedTime) {
    if (!vouched.has(ip) && !(await endUserAttacked(db, ip))) {
      notes.push(
        `end-user address ${ip} sent no attack prompt (it received answers): not treated as the actor's`,
      );
    } else if (await ipEstablished(db, ip, t))
      notes.push(
        `address ${ip} is established (in use long before the first finding, or shared by several identities): not used to pivot`,
      );
    else ips.add(ip);
  }
  // a person's own session: a finding that stands on a person's own calls with their own SSO or
  // federated session (data written to another account, knowledge bases harvested) makes that
  // session key the actor's in every use, from whatever address. An insider works from their usual
  // address with their usual clients: the address tells nobody apart, the session does. Only a
  // temporary key that one identity and session name ever used: a shared or long-term key has
  // other users.
  const ownSessionKeys = new Set<string>();
  for (const f of seeds) {
    if (f.details?.ownCredentials !== true) continue;
    for (const k of f.accessKeyIds ?? []) {
      if (!k.startsWith('ASIA') || ownSessionKeys.has(k)) continue;
      const who = await db.all(
        `SELECT count(DISTINCT coalesce(identity_arn, '') || '|' || coalesce(session_name, '')) AS n FROM events
         WHERE access_key_id = $1 AND coalesce(principal_type, '') <> 'AWSService'`,
        [k],
      );
      if (Number(who[0]?.n) === 1) ownSessionKeys.add(k);
    }
  }
  if (ownSessionKeys.size)
    notes.push(
      `session key(s) ${[...ownSessionKeys].sort().join(', ')} are a person's own session, which the findings stand on: every record of them is the actor's, from whatever address`,
    );
  // a key is the actor's to pivot on only when the actor used it directly: from an actor address or
  // another address nobody used before; an application's keys (it acted on the actor's input) are not
  const firstSeed = seeds.map((f) => f.firstSeen).sort()[0] ?? '';
  for (const k of ownSessionKeys) keys.add(k);
  for (const k of seedKeys) {
    if (ownSessionKeys.has(k)) continue;
    const rows = await db.all(
      `SELECT DISTINCT source_ip FROM events WHERE access_key_id = $1 AND source_ip IS NOT NULL`,
      [k],
    );
    let direct = false;
    for (const r of rows) {
      const ip = String(r.source_ip);
      if (ips.has(ip)) direct = true;
      else if (isIp(ip) && !isPrivateIp(ip) && !(await ipEstablished(db, ip, firstSeed))) direct = true;
      if (direct) break;
    }
    if (direct) keys.add(k);
    else
      notes.push(
        `access key ${k} is used only from established addresses (an application or its user acting for the actor): not used to pivot`,
      );
  }
  // what a finding names counts as touched by the actor only when the finding is about the actor:
  // one of its addresses or keys is the actor's, or it names neither (a finding whose address was
  // found to be an application's or a crowd's says nothing of what the actor touched). The
  // principal a finding is about is not a resource either (unless the actor's own records say so).
  for (const f of seeds) {
    const addrs = (f.sourceIps ?? []).filter((ip) => isIp(ip) && !isPrivateIp(ip));
    const fkeys = f.accessKeyIds ?? [];
    const aboutActor =
      (!addrs.length && !fkeys.length) || addrs.some((ip) => ips.has(ip)) || fkeys.some((k) => keys.has(k));
    if (!aboutActor) continue;
    const own = new Set((f.principals ?? []).map(identityOf));
    for (const r of f.resources ?? [])
      if (!own.has(r) && !DOMAIN.test(r)) resources.add(modelOfProfile(baseResource(s3Arn(r))));
  }
  for (const s of opts.seeds ?? []) {
    if (s.kind === 'ip') ips.add(s.value);
    else if (s.kind === 'key') keys.add(s.value);
    else if (s.kind === 'principal') principals.add(identityOf(s.value));
    else if (s.kind === 'request') seedRequests.add(s.value);
    else if (s.kind === 'finding') {
      const f = findings.find((x) => x.id === s.value || (x.evidence.findingIds ?? []).includes(s.value));
      if (f) {
        for (const ip of f.sourceIps ?? []) if (isIp(ip)) ips.add(ip);
        for (const k of f.accessKeyIds ?? []) keys.add(k);
        for (const p of f.principals ?? []) principals.add(identityOf(p));
      }
    }
  }
  // agent sessions the findings cite: the application that opened them (its InvokeAgent calls) ran
  // them on the actor's input, even when a finding names only trace steps
  const seedTraces = new Set<string>();
  for (const f of seeds) for (const t of f.evidence.traceIds ?? []) if (t) seedTraces.add(t);
  if (seedTraces.size) {
    const ids = [...seedTraces].sort().slice(0, SEED_TRACES_MAX);
    const rows = await db.all(
      `WITH s AS (
         SELECT DISTINCT session_id FROM agent_steps
         WHERE session_id IS NOT NULL AND (trace_id IN (${list(ids)}) OR session_id IN (${list(ids)})))
       SELECT DISTINCT identity_arn FROM events
       WHERE action IN ('InvokeAgent', 'InvokeInlineAgent') AND error_code IS NULL AND identity_arn IS NOT NULL
         AND json_extract_string(request_parameters, '$.sessionId') IN (SELECT session_id FROM s)
       ORDER BY 1`,
    );
    const invokers = rows.map((r) => identityOf(String(r.identity_arn))).filter((p) => p.startsWith('arn:'));
    for (const p of invokers) principals.add(p);
    if (invokers.length) notes.push(`agent sessions the findings cite were opened by ${invokers.join(', ')}`);
    // the functions the agent executed in those sessions: the executors its configuration records
    // name for the action groups it called there (agent traces name the group, not the function)
    const links = await actionGroupExecutors(db);
    if (links.length) {
      const steps = await db.all(
        `WITH s AS (
           SELECT DISTINCT session_id FROM agent_steps
           WHERE session_id IS NOT NULL AND (trace_id IN (${list(ids)}) OR session_id IN (${list(ids)})))
         SELECT agent_id, action_group, ${isoSql('min(time)')} AS t FROM agent_steps
         WHERE step_kind = 'invocationInput' AND action_group IS NOT NULL AND agent_id IS NOT NULL
           AND session_id IN (SELECT session_id FROM s)
         GROUP BY 1, 2 ORDER BY 1, 2`,
      );
      const added = new Set<string>();
      for (const r of steps) {
        const fn = executorAt(links, String(r.agent_id), String(r.action_group), Date.parse(String(r.t)));
        if (fn && !resources.has(fn)) added.add(fn);
      }
      for (const fn of added) resources.add(fn);
      if (added.size)
        notes.push(
          `functions the agent executed in the sessions the findings cite (action-group executors): ${[...added].sort().join(', ')}`,
        );
    }
  }
  const empty: ScopeResult = {
    scope: { principals: [], accessKeyIds: [], sourceIps: [], resources: [], window: {} },
    actor: { eventIds: [], requestIds: [], traceIds: [] },
    notes: ['no finding at medium or above and no seed: nothing to scope'],
    seedFindings: [],
    touched: new Map(),
    declaredRecords: new Map(),
    sessions: [],
    confidence: 'low',
    dataReads: [],
    personalData: null,
  };
  if (
    !ips.size &&
    !keys.size &&
    !principals.size &&
    !seedEvents.size &&
    !seedRequests.size &&
    !resources.size &&
    !seedTraces.size
  )
    return empty;

  // first suspicious moment: keys' earlier addresses are the legitimate user's
  const firstSeen = seeds.map((f) => f.firstSeen).sort()[0] ?? null;
  const legitByKey = new Map<string, Set<string>>();
  const pivotKeys = [...keys].filter((k) => !ownSessionKeys.has(k));
  if (pivotKeys.length && firstSeen) {
    const rows = await db.all(
      `SELECT access_key_id AS k, source_ip AS ip FROM events
       WHERE access_key_id IN (${list(pivotKeys)}) AND time < CAST($1 AS TIMESTAMP) AND source_ip IS NOT NULL
         AND NOT (source_ip IN (${list(ips)}))
       GROUP BY 1, 2 ORDER BY ALL`,
      [sqlTime(firstSeen)],
    );
    for (const r of rows) {
      const k = String(r.k);
      if (!legitByKey.has(k)) legitByKey.set(k, new Set());
      legitByKey.get(k)!.add(String(r.ip));
    }
  }
  // a long-term key used by its owner and by the actor: the owner's usual origin (the network it
  // used for hours before anyone used the key from elsewhere, with the clients seen there) stays the
  // owner's on every day, also from a neighbouring address of the same network
  const usualByKey = new Map<string, UsualOrigin>();
  for (const k of pivotKeys.filter((x) => x.startsWith('AKIA')).sort()) {
    const u = await usualOrigin(db, 'access_key_id', k);
    if (u) usualByKey.set(k, u);
  }
  // keys whose every use is the actor's: sessions the actor obtained (AssumeRole / GetSessionToken from actor addresses)
  const obtained = new Set<string>();
  if (ips.size) {
    const sess = await db.all(
      `SELECT DISTINCT response_elements->>'$.credentials.accessKeyId' AS k FROM events
       WHERE source_ip IN (${list(ips)}) AND action IN ('AssumeRole', 'GetSessionToken', 'GetFederationToken', 'AssumeRoleWithWebIdentity')
         AND error_code IS NULL`,
    );
    for (const r of sess)
      if (r.k) {
        keys.add(String(r.k));
        obtained.add(String(r.k));
      }
  }
  // actor CloudTrail records: from actor addresses, or with actor keys from addresses the key had not used before
  const evRows = await db.all(
    `SELECT ${EVENT_COLUMNS}
     FROM events
     WHERE (source_ip IN (${list(ips)}) OR access_key_id IN (${list(keys)}) OR event_id IN (${list(seedEvents)}))
       AND coalesce(principal_type, '') NOT IN ('AWSService')
     ORDER BY time, uid`,
  );
  // the actor's clients: user agents of records from actor addresses and of the seed findings' records;
  // a record a service made on a caller's behalf (S3 decrypting with KMS: address and agent "AWS
  // Internal" or a service name) names no client of anyone's
  const actorUAs = new Set<string>();
  for (const r of evRows) {
    const ip = String(r.source_ip ?? '');
    if (r.user_agent && (ips.has(ip) || (seedEvents.has(String(r.event_id)) && isIp(ip))))
      actorUAs.add(String(r.user_agent));
  }
  const actorEvents: typeof evRows = [];
  const declaredRecords = new Map<string, string[]>();
  let keyOnlyDropped = 0;
  for (const r of evRows) {
    const ip = String(r.source_ip ?? '');
    const key = r.access_key_id ? String(r.access_key_id) : null;
    const fromActorIp = ips.has(ip);
    const legit = key ? legitByKey.get(key) : undefined;
    const owners =
      (legit?.has(ip) ?? false) ||
      (key !== null && fromUsualOrigin(usualByKey.get(key) ?? null, ip, r.user_agent as string | null));
    // a record with the actor's key from another address is the actor's only when it also uses an actor client
    // (a service acting on a session the actor obtained itself — S3 decrypting the objects it read —
    // acts for the actor: nobody else had that session)
    const keyMatch =
      key !== null &&
      keys.has(key) &&
      (ownSessionKeys.has(key) ||
        (!owners && actorUAs.has(String(r.user_agent ?? ''))) ||
        (obtained.has(key) && SERVICE_CLIENT.test(ip) && SERVICE_CLIENT.test(String(r.user_agent ?? ''))));
    if (!fromActorIp && key !== null && keys.has(key) && !keyMatch) keyOnlyDropped++;
    if (!(fromActorIp || keyMatch)) continue;
    const m = declared.length
      ? matchContext(declared, {
          time: String(r.t),
          service: String(r.service),
          action: String(r.action),
          readOnly: r.read_only as boolean | null,
          sourceIp: ip,
          identityArn: r.identity_arn as string | null,
          principalArn: r.principal_arn as string | null,
          sourceIdentity: r.source_identity as string | null,
        })
      : null;
    if (m) {
      declaredRecords.set(m.ticket, [...(declaredRecords.get(m.ticket) ?? []), String(r.event_id ?? r.uid)]);
      continue;
    }
    actorEvents.push(r);
  }
  if (keyOnlyDropped) {
    notes.push(
      `${keyOnlyDropped} record(s) with an actor key from other addresses and clients were left to the key's legitimate user`,
    );
  }
  for (const [ticket, ids] of declaredRecords) {
    notes.push(
      `${ids.length} record(s) of the actor's addresses or keys fall inside declared activity ${ticket}: reported as declared`,
    );
  }
  // keys the actor created are the actor's in every use: nobody else had them
  const created = new Set(
    actorEvents
      .filter((r) => r.action === 'CreateAccessKey' && !r.error_code)
      .map((r) => String(jsonObject(jsonObject(r.response_elements)?.accessKey)?.accessKeyId ?? ''))
      .filter(Boolean),
  );
  // service-specific credentials the actor made (a Bedrock API key): calls signed with them name
  // no key, but the credential is the actor's and what to revoke
  const madeCredentials = actorEvents
    .filter((r) => r.action === 'CreateServiceSpecificCredential' && !r.error_code)
    .map((r) =>
      String(
        jsonObject(jsonObject(r.response_elements)?.serviceSpecificCredential)?.serviceSpecificCredentialId ??
          '',
      ),
    )
    .filter(Boolean)
    .sort();
  for (const k of madeCredentials) keys.add(k);
  if (madeCredentials.length)
    notes.push(
      `the actor made service-specific credential(s) ${madeCredentials.join(', ')} (Bedrock API keys)`,
    );
  if (created.size) {
    const known = new Set(actorEvents.map((r) => String(r.uid)));
    const more = await db.all(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE access_key_id IN (${list(created)}) ORDER BY time, uid`,
    );
    const added = more.filter((r) => !known.has(String(r.uid)));
    actorEvents.push(...added);
    for (const r of added) {
      const ip = String(r.source_ip ?? '');
      if (isIp(ip) && !isPrivateIp(ip)) ips.add(ip);
    }
    for (const k of created) keys.add(k);
    notes.push(
      `the actor created access key(s) ${[...created].sort().join(', ')}: all ${more.length} of their records are the actor's`,
    );
  }
  // the same person's other sessions: a person signed in to a role (Identity Center, SAML) whose
  // session the actor used may have had other sessions taken the same way. Another session of the
  // same person counts as the actor's when every address it came from is new (not established, not
  // shared) and none of its clients is one the person used from an established address: the same
  // person from a new network on a new device. The person's own new home or hotel with their usual
  // laptop stays theirs.
  const personal = await samePersonSessions(db, actorEvents, keys, firstSeen ?? firstSeed);
  if (personal.keys.length) {
    const known = new Set(actorEvents.map((r) => String(r.uid)));
    const more = await db.all(
      `SELECT ${EVENT_COLUMNS} FROM events
       WHERE (access_key_id IN (${list(personal.keys)}) OR source_ip IN (${list(personal.ips)}))
         AND coalesce(principal_type, '') NOT IN ('AWSService')
       ORDER BY time, uid`,
    );
    const added = more.filter((r) => !known.has(String(r.uid)));
    actorEvents.push(...added);
    for (const k of personal.keys) keys.add(k);
    for (const ip of personal.ips) ips.add(ip);
    notes.push(...personal.notes);
  }
  // what the actor set up to act for it: the roles it created (a service acting as one, on a
  // schedule, long after the actor's own session expired) and the service-started executions of its
  // state machines; the buckets those roles may use and its schedules name (delegated-reach.ts)
  const reach = await delegatedReach(db, actorEvents, EVENT_COLUMNS);
  actorEvents.push(...reach.events);
  // (the roles join the principals through their sessions' records and model calls; the addresses a
  // workload or service called from are not the actor's, nor is every object its sessions read)
  const delegatedUids = new Set(reach.events.map((r) => String(r.uid)));
  const delegatedRoles = new Set(reach.roles.map((x) => identityOf(x.arn)));
  for (const x of [...reach.workflows, ...reach.buckets]) resources.add(x);
  notes.push(...reach.notes);
  // sessions: where each temporary key the actor used came from (AssumeRole and its caller), and
  // other records carrying the actor's source identity
  const sessions: SessionOrigin[] = [];
  const sessionKinds: Record<string, string> = {};
  const actorKeysAsia = [
    ...new Set(
      actorEvents
        .filter((r) => !delegatedUids.has(String(r.uid)))
        .map((r) => String(r.access_key_id ?? ''))
        .filter((k) => k.startsWith('ASIA')),
    ),
  ];
  if (actorKeysAsia.length) {
    const issued = await db.all(
      `SELECT response_elements->>'$.credentials.accessKeyId' AS k, event_id, ${isoSql('time')} AS t, action,
              identity_arn, principal_arn, source_ip, invoked_by, request_parameters->>'$.roleArn' AS role_arn,
              request_parameters->>'$.roleSessionName' AS session_name
       FROM events WHERE action LIKE 'AssumeRole%' AND (response_elements->>'$.credentials.accessKeyId') IN (${list(actorKeysAsia)})
       ORDER BY time, event_id`,
    );
    for (const r of issued) {
      const caller = r.identity_arn
        ? String(r.identity_arn)
        : r.invoked_by
          ? String(r.invoked_by)
          : String(r.source_ip ?? 'unknown');
      sessions.push({
        accessKeyId: String(r.k),
        issuedBy: String(r.event_id),
        time: String(r.t),
        roleArn: r.role_arn ? String(r.role_arn) : null,
        sessionName: r.session_name ? String(r.session_name) : null,
        caller,
        callerIp: r.source_ip ? String(r.source_ip) : null,
      });
      notes.push(
        `session key ${r.k} was issued by ${r.action} at ${r.t} to ${caller}${r.source_ip ? ` (${r.source_ip})` : ''}${r.role_arn ? ` for ${r.role_arn}` : ''}`,
      );
    }
    for (const k of actorKeysAsia) {
      if (!issued.some((r) => String(r.k) === k)) {
        const kind = sessionKindOf(actorEvents.filter((r) => r.access_key_id === k));
        if (kind) sessionKinds[k] = kind;
        notes.push(
          `session key ${k}: no AssumeRole in the evidence issued it (${kind ?? 'instance or function credentials, or issued outside the window'})`,
        );
      }
    }
  }
  const sourceIdentities = [
    ...new Set(
      actorEvents
        .map((r) => r.source_identity)
        .filter((x): x is string => typeof x === 'string' && x.length > 0),
    ),
  ];
  if (sourceIdentities.length) {
    const known = new Set(actorEvents.map((r) => String(r.uid)));
    const more = await db.all(
      `SELECT ${EVENT_COLUMNS} FROM events WHERE source_identity IN (${list(sourceIdentities)}) ORDER BY time, uid`,
    );
    const added = more.filter((r) => !known.has(String(r.uid)));
    actorEvents.push(...added);
    if (added.length)
      notes.push(
        `${added.length} more record(s) carry the actor's source identity ${sourceIdentities.join(', ')}`,
      );
  }
  const touched = new Map<Element, ActorTouch>();
  const touch = (el: Element): ActorTouch => {
    let t = touched.get(el);
    if (!t) {
      t = {
        element: el,
        components: new Set(),
        changes: [],
        other: [],
        actions: new Set(),
        changedActions: new Set(),
        resources: new Set(),
        times: [],
      };
      touched.set(el, t);
    }
    return t;
  };
  const externalAccounts = new Set<string>();
  for (const r of actorEvents) {
    const cls = executionEnvironmentLog(r)
      ? null
      : classifyApi(String(r.service), String(r.action), r.request_parameters);
    if (cls) {
      for (const el of cls.also ? [cls.element, cls.also] : [cls.element]) {
        const t = touch(el);
        if (cls.component) t.components.add(cls.component);
        const id = String(r.event_id ?? r.uid);
        if (cls.change && !r.error_code) {
          t.changes.push(id);
          t.changedActions.add(String(r.action));
          for (const x of resourcesOfEvent(r)) t.resources.add(x);
        } else t.other.push(id);
        t.actions.add(String(r.action));
        t.times.push(String(r.t));
      }
    }
    const ip = String(r.source_ip ?? '');
    const delegated = delegatedUids.has(String(r.uid));
    if (isIp(ip) && !isPrivateIp(ip) && !delegated) ips.add(ip);
    if (r.access_key_id) keys.add(String(r.access_key_id));
    // another account calling in (AssumeRole of a trusted role) names only that account: its root
    // is not the principal that acted, which the record does not name
    if (r.principal_type === 'AWSAccount' && r.identity_arn) externalAccounts.add(String(r.identity_arn));
    else if (r.identity_arn && String(r.identity_arn).startsWith('arn:'))
      principals.add(identityOf(String(r.identity_arn)));
    const action = String(r.action);
    if (
      !r.error_code &&
      (!delegated || cls?.element === 'invocation' || cls?.change) &&
      (!ENUMERATION.test(action) || CODE_READS.test(action)) &&
      (!r.read_only ||
        cls?.element === 'invocation' ||
        // content reads: objects, secrets, parameters, and managed prompts (an AI asset's text)
        /^(GetObject|GetSecretValue|GetParameter|GetPrompt$)/.test(action) ||
        CODE_READS.test(action))
    ) {
      // keys services use on the caller's behalf (S3 decrypting an object) are not what the actor went for
      for (const x of resourcesOfEvent(r))
        if (!x.startsWith('arn:aws:kms:') || cls?.change) resources.add(roleByArn(r, x));
    }
  }
  // after the actor narrowed what the trail records (event selectors, logging stopped), its look at a
  // knowledge base (configuration, data sources) stands for the retrievals the trail no longer shows
  const blindedAt = actorEvents
    .filter(
      (r) => !r.error_code && BLINDING.test(String(r.action)) && r.service === 'cloudtrail.amazonaws.com',
    )
    .map((r) => String(r.t))
    .sort()[0];
  if (blindedAt) {
    const kbs = new Set<string>();
    for (const r of actorEvents) {
      if (r.error_code || !KB_LOOKUPS.has(String(r.action)) || String(r.t) < blindedAt) continue;
      const kb = jsonObject(r.request_parameters)?.knowledgeBaseId;
      if (typeof kb === 'string' && /^[A-Z0-9]{10}$/.test(kb)) kbs.add(kb);
    }
    for (const kb of kbs) resources.add(kb);
    if (kbs.size)
      notes.push(
        `the actor looked up knowledge base(s) ${[...kbs].sort().join(', ')} after narrowing the trail at ${blindedAt}: their retrievals are no longer recorded`,
      );
  }
  // objects S3 decrypted for the actor's own sessions (KMS Decrypt naming the object in its
  // encryption context): reads the trail may not show as data events
  const decrypted = new Map<string, Set<string>>();
  for (const r of actorEvents) {
    if (r.error_code || r.action !== 'Decrypt') continue;
    const ctx = jsonObject(jsonObject(r.request_parameters)?.encryptionContext);
    const m = /^arn:aws[a-z-]*:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.{1,1024})$/.exec(
      String(ctx?.['aws:s3:arn'] ?? ''),
    );
    if (!m) continue;
    if (!decrypted.has(m[1])) decrypted.set(m[1], new Set());
    decrypted.get(m[1])!.add(m[2]);
  }
  for (const [b, objs] of [...decrypted].sort(([a], [b]) => a.localeCompare(b)))
    notes.push(
      `S3 decrypted ${objs.size} object(s) of ${b} for the actor's sessions (KMS Decrypt with the object in its encryption context): each is an object read`,
    );
  // a service role the actor passed to a job after looking it up (its policies, what it may read)
  const inspected = new Set(
    actorEvents
      .filter((r) => !r.error_code && ROLE_READS.has(String(r.action)))
      .map((r) => jsonObject(r.request_parameters)?.roleName)
      .filter((n): n is string => typeof n === 'string'),
  );
  // a role in another account the actor assumed (an organisation's access role, a trusted vendor
  // role): the trust it crossed is part of what was compromised
  for (const r of actorEvents) {
    if (r.error_code || String(r.action) !== 'AssumeRole') continue;
    const roleArn = jsonObject(r.request_parameters)?.roleArn;
    const callerAcct = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(String(r.identity_arn ?? ''))?.[1];
    const roleAcct =
      typeof roleArn === 'string' ? /^arn:[^:]+:iam::(\d{12}):role\//.exec(roleArn)?.[1] : undefined;
    if (typeof roleArn === 'string' && roleAcct && callerAcct && roleAcct !== callerAcct)
      resources.add(roleArn);
  }
  for (const r of actorEvents) {
    const role = r.error_code ? null : (passedRoleOf(r) ?? changedFunctionRole(r));
    if (role && inspected.has(role.slice(role.lastIndexOf('/') + 1))) resources.add(role);
  }
  // an exfiltration host a severe finding confirmed: whoever named it in a prompt is the actor (the
  // outsider who planted or tested the payload), through whichever application it came
  const hosts = [
    ...new Set(
      seeds
        .filter((f) => f.ruleId === 'data-plane.exfil-url' && typeof f.details?.host === 'string')
        .map((f) => String(f.details?.host)),
    ),
  ].sort();
  for (const host of hosts) {
    const named = await db.all(
      `SELECT DISTINCT client_ip, coalesce(identity_arn, principal_arn) AS who FROM invocations
       WHERE contains(prompt_text, $1) OR contains(last_user_text, $1) ORDER BY ALL LIMIT 50`,
      [host],
    );
    const found = named.filter(
      (r) => r.client_ip && isIp(String(r.client_ip)) && !isPrivateIp(String(r.client_ip)),
    );
    for (const r of found) ips.add(String(r.client_ip));
    for (const r of named) if (r.who) principals.add(identityOf(String(r.who)));
    if (found.length)
      notes.push(
        `${found.length} end-user address(es) named the exfiltration host ${host} in their own prompts: ${found.map((r) => r.client_ip).join(', ')}`,
      );
  }
  // invocations: the actor's own calls (request ids of actor records) and calls an application made on the actor's input
  const ownRequests = [...seedRequests, ...actorEvents.map((r) => String(r.request_id ?? ''))];
  const allInvRows = await db.all(
    `SELECT request_id, ${isoSql('time')} AS t, identity_arn, client_ip, model_id, ${END_USER_SQL} AS end_user FROM invocations
     WHERE request_id IN (${list(ownRequests)})
        OR client_ip IN (${list(ips)})${reach.invocationWhere ? ` OR ${reach.invocationWhere}` : ''}
     ORDER BY time, request_id`,
  );
  // an address several named end users share (an office, a NAT): its calls are the actor's only for the
  // end users the findings' own calls name there; calls naming no end user stay the address's
  const own = new Set(ownRequests);
  const namedAt = new Map<string, Set<string>>();
  for (const r of allInvRows)
    if (own.has(String(r.request_id)) && r.client_ip && r.end_user) {
      const ip = String(r.client_ip);
      if (!namedAt.has(ip)) namedAt.set(ip, new Set());
      namedAt.get(ip)!.add(String(r.end_user));
    }
  const invRows = allInvRows.filter((r) => {
    if (own.has(String(r.request_id)) || !r.client_ip || !r.end_user) return true;
    const named = namedAt.get(String(r.client_ip));
    return !named || named.has(String(r.end_user));
  });
  if (invRows.length < allInvRows.length)
    notes.push(
      `${allInvRows.length - invRows.length} model invocation(s) from the actor's addresses name other end users than the findings' calls there: not attributed`,
    );
  const checkedClients = new Set<string>();
  for (const r of invRows) {
    if (r.identity_arn) principals.add(identityOf(String(r.identity_arn)));
    const cip = r.client_ip ? String(r.client_ip) : '';
    if (cip && isIp(cip) && !ips.has(cip) && !checkedClients.has(cip)) {
      checkedClients.add(cip);
      if (await endUserAttacked(db, cip)) ips.add(cip);
    }
  }
  // agent traces: the sessions the actor's own InvokeAgent calls opened (the session id is in the
  // CloudTrail data event; the stored traces carry it)
  const agentSessions = new Set<string>();
  for (const r of actorEvents) {
    if (!AGENT_INVOKES.has(String(r.action)) || r.error_code) continue;
    const sid = sessionIdOf(r.request_parameters);
    if (sid) agentSessions.add(sid);
  }
  const traceIds: string[] = [];
  if (agentSessions.size) {
    for (const r of await db.all(
      `SELECT DISTINCT trace_id FROM agent_steps
       WHERE trace_id IS NOT NULL AND session_id IN (${list(agentSessions)}) ORDER BY 1`,
    ))
      traceIds.push(String(r.trace_id));
  }
  if (traceIds.length)
    notes.push(
      `${traceIds.length} agent trace(s) of the sessions the actor's InvokeAgent calls opened attributed`,
    );
  const dataReads = await actorDataReads(db, actorEvents);
  const personalData = await actorPersonalData(db, [
    ...new Set([...seedRequests, ...actorEvents.map((r) => String(r.request_id ?? ''))]),
  ]);
  if (dataReads.length)
    notes.push(
      `the actor read ${dataReads.reduce((a, d) => a + d.objects, 0)} object(s) of the organisation's data in ${dataReads.map((d) => d.bucket).join(', ')}`,
    );
  const times = [...actorEvents.map((r) => String(r.t)), ...invRows.map((r) => String(r.t))].sort();
  const made = new Set(madeCredentials);
  const keyList = [...keys].filter(
    (k) =>
      made.has(k) ||
      // (the keys of sessions of roles the actor created are not listed: the role is what to revoke)
      actorEvents.some((r) => r.access_key_id === k && !delegatedUids.has(String(r.uid))) ||
      seeds.some((f) => f.accessKeyIds?.includes(k)),
  );
  // a role the actor entered through a web identity it obtained itself (the federation call, or the
  // identity pool's credentials call, came from the actor's address): the trust that let it in
  // is part of what was compromised, and so is the identity pool that handed out the credentials
  for (const x of await webIdentityEntries(db, keyList, ips)) {
    resources.add(x.role);
    if (x.pool) resources.add(x.pool);
    notes.push(
      `the actor obtained ${x.role} through web identity${x.pool ? ` (identity pool ${x.pool})` : ''}${x.subject ? ` as ${x.subject}` : ''}`,
    );
  }
  for (const [k, u] of usualByKey) {
    const who = u.clients.join(', ') || 'no user agent';
    notes.push(
      u.basis === 'pool'
        ? `access key ${k} was run with ${who} from a pool of addresses, again and again, before another client used it on ${u.otherFrom}: its records with that client (not from the other clients' addresses) are treated as its owner's`
        : u.basis === 'schedule'
          ? `access key ${k} is used from ${u.net} (${who}) in runs that recur on a schedule: its records from there are treated as its owner's routine`
          : `access key ${k} was used from ${u.net} (${who}) for hours before another network used it on ${u.otherFrom}: its records from there are treated as its owner's`,
    );
  }
  for (const [k, legit] of legitByKey) {
    if (legit.size)
      notes.push(
        `access key ${k} was also used before the first suspicious record from ${[...legit].sort().join(', ')}: those records are treated as its legitimate user's`,
      );
  }
  // a finding may have named the principal from the grant that let the account in (the one role
  // of that account a key grant or bucket policy names, matching the callers' role-session ids)
  const namedIn = (root: string): string[] => {
    const prefix = root.replace(/:root$/, ':');
    return [...principals].filter((p) => p !== root && p.startsWith(prefix)).sort();
  };
  const unnamed = [...externalAccounts].filter((a) => !namedIn(a).length).sort();
  const named = [...externalAccounts].filter((a) => namedIn(a).length).sort();
  if (unnamed.length)
    notes.push(
      `calls from other accounts (${unnamed.join(', ')}) name only the account: the principal that acted there is not in the evidence`,
    );
  if (named.length)
    notes.push(
      `calls from other accounts name only the account and the caller's unique id: ${named.map((a) => namedIn(a).join(', ')).join('; ')} named from the grant that let the account in`,
    );
  notes.push(
    `actor told apart by ${ips.size} address(es) and ${keyList.length} key(s); ${actorEvents.length} CloudTrail records and ${invRows.length} model invocations attributed`,
  );
  const scope: Scope = {
    principals: [...principals].sort(),
    accessKeyIds: keyList.sort(),
    sourceIps: [...ips].sort(),
    // one role, one name: a role named as a resource reads as the actor's principals do; an agent
    // alias is part of its agent (the agent is the resource, as when a request names both)
    resources: [
      ...new Set(
        [...resources].map((x) =>
          /^arn:[^:]+:iam::\d{12}:role\//.test(x) ? identityOf(x) : (AGENT_ALIAS.exec(x)?.[1] ?? x),
        ),
      ),
    ].sort(),
    window: times.length ? { start: times[0], end: times[times.length - 1] } : {},
  };
  return {
    scope,
    actor: {
      eventIds: [...new Set(actorEvents.map((r) => String(r.event_id ?? r.uid)))].sort(),
      requestIds: [...new Set(invRows.map((r) => String(r.request_id)))].sort(),
      traceIds,
    },
    notes,
    seedFindings: seeds.map((f) => f.id),
    touched,
    declaredRecords,
    sessions,
    sessionKinds,
    dataReads,
    personalData,
    delegated: {
      roles: reach.roles.map((x) => identityOf(x.arn)).sort(),
      requestIds: [
        ...new Set(
          invRows
            .filter((r) => delegatedRoles.has(identityOf(String(r.identity_arn ?? ''))))
            .map((r) => String(r.request_id)),
        ),
      ].sort(),
    },
    confidence:
      !actorEvents.length && !invRows.length
        ? 'low'
        : keyOnlyDropped > 0 || usualByKey.size > 0 || [...legitByKey.values()].some((v) => v.size > 0)
          ? 'medium'
          : 'high',
  };
}
