/**
 * CloudTrail events as Amazon Security Lake stores them: normalised to OCSF and kept as Parquet
 * under `.../region=<r>/accountId=<a>/eventDay=<yyyymmdd>/*.parquet` (the Parquet files are opened
 * by `src/io/parquet.ts`; each row arrives here as one JSON object), or the same records as JSON
 * (Athena query results written as JSON lines, exports, EventBridge `detail`).
 *
 * Accepted: OCSF records whose `metadata.product.name` is CloudTrail, of the classes Security Lake
 * writes CloudTrail management, S3 data and Lambda data events to: API Activity (class_uid 6003 in
 * source version 2 = OCSF 1.1.0; 3005, in the Audit Activity category, in source version 1 = OCSF
 * 1.0.0-rc.2) and Authentication (3002) and Account Change (3001), which carry the same `api` /
 * `actor` attributes.
 *
 * Checked against real records (see docs/architecture.md, "Security Lake shapes"): a source
 * version 1 S3 data event Security Lake wrote (quoted in github.com/aws-samples/
 * amazon-security-lake-custom-data, README.md) has class_uid 3005, no api.request/response.data,
 * and `unmapped` as a flat map of strings keyed by dotted CloudTrail paths
 * (`requestParameters.key`, `responseElements.x-amz-server-side-encryption`,
 * `additionalEventData.bytesTransferredIn`: "33120", readOnly, managementEvent, eventType,
 * sharedEventID, recipientAccountId); a service caller as src_endpoint.domain, the VPC endpoint
 * as src_endpoint.uid, resources[].account_uid. In source version 1's Account Change the IAM user
 * or role acted on is the top-level `user` and is missing from unmapped (restored, inferred). Other OCSF classes (findings 2001-2005, network, DNS ...) and API Activity from
 * other products (EKS audit logs) are not claimed.
 *
 * Design: each OCSF record is turned back into the CloudTrail record it was made from, by the
 * inverse of the documented mapping, and that record is handed to the CloudTrail reader
 * (`normalizeCloudTrail`). Every detector, Sigma rule and `raw` lookup (`$.userIdentity...`,
 * `$.resources`, `$.serviceEventDetails...`) then works unchanged, and the columns of an event are
 * by construction what the CloudTrail reader gives for the original record wherever OCSF kept the
 * information (test/security-lake.test.ts checks this record by record). The alternative, a
 * second normaliser writing the `events` columns from OCSF directly, would leave `raw` in a shape
 * no detector reads. `raw` is therefore the rebuilt CloudTrail record; provenance stays with the
 * row as for any record (file sha256, row index; the file's format is `security-lake-cloudtrail`),
 * and the event keeps its own id (`metadata.uid` is CloudTrail's eventID), so the same event read
 * from raw CloudTrail and from Security Lake is stored once.
 *
 * The mapping (CloudTrail field ← OCSF attribute), from the public mapping AWS published with the
 * OCSF project for CloudTrail in Security Lake: github.com/ocsf/examples,
 * `mappings/markdown/AWS/v1.1.0/CloudTrail/API Activity/README.md` (OCSF 1.1.0, Security Lake
 * source version 2) and the OCSF 1.0.0-rc.2 dossiers beside it (source version 1), with the
 * executable form in `mappings/bloblang/AWS/CloudTrail/v1.1.0/cloudtrail_api_activity.blobl`; the
 * source identification (product CloudTrail, feature Management / Data, metadata.version) from the
 * Security Lake User Guide, "Open Cybersecurity Schema Framework (OCSF) in Security Lake":
 *
 *   eventName ← api.operation              eventSource ← api.service.name
 *   eventTime ← time (epoch ms) | time_dt  awsRegion ← cloud.region
 *   eventID ← metadata.uid                 eventVersion ← metadata.product.version
 *   eventType ← metadata.event_code        eventCategory ← metadata.product.feature.name
 *   requestID ← api.request.uid            apiVersion ← api.version
 *   requestParameters ← api.request.data   responseElements ← api.response.data (JSON text in Parquet;
 *                       source version 2 only: version 1 keeps both in unmapped as dotted paths)
 *   errorCode ← api.response.error         errorMessage ← api.response.message
 *   sourceIPAddress ← src_endpoint.ip, else src_endpoint.domain (a service name such as
 *                     bedrock.amazonaws.com)
 *   vpcEndpointId ← src_endpoint.uid       userAgent ← http_request.user_agent
 *   recipientAccountId ← unmapped, else cloud.account.uid
 *   resources[] {ARN, accountId, type} ← resources[] {uid, owner.account.uid | account_uid, type}
 *   userIdentity:
 *     type ← actor.user.type               userName ← actor.user.name
 *     arn ← actor.user.uid (1.1.0) | actor.user.uuid (rc.2)
 *     principalId ← actor.user.uid_alt (1.1.0) | actor.user.uid (rc.2)
 *     accountId ← actor.user.account.uid (1.1.0) | actor.user.account_uid (rc.2)
 *     accessKeyId ← actor.user.credential_uid (an Identity Center user's credentialId when the
 *                   value is not shaped like an access key id)
 *     invokedBy ← actor.invoked_by
 *     sessionContext.sessionIssuer.arn ← actor.session.issuer
 *     sessionContext.attributes.creationDate ← actor.session.created_time_dt | created_time
 *     sessionContext.attributes.mfaAuthenticated ← actor.session.is_mfa (1.1.0) | mfa (rc.2)
 *     identityProvider / webIdFederationData.federatedProvider ← actor.idp.name
 *   additionalEventData.LoginTo ← dst_endpoint.svc_name, .MFAUsed ← is_mfa | mfa (Authentication)
 *   everything else ← `unmapped` (Security Lake keeps there, as a map of strings, the CloudTrail
 *   fields OCSF has no attribute for: readOnly, managementEvent, additionalEventData.*,
 *   tlsDetails.*, sharedEventID, serviceEventDetails, sessionIssuer.userName ...). Keys may be
 *   nested objects or dotted paths; values that are JSON text of an object or array are parsed.
 *   A mapped attribute always wins over an unmapped key of the same path.
 *
 * Inferred, not read: sessionIssuer.userName (and type Role) from the issuer's role ARN when
 * `unmapped` does not carry it (CloudTrail's sessionIssuer.userName is the role's name).
 *
 * What OCSF loses (and `unmapped` restores only when the producer kept it): readOnly,
 * managementEvent (the category still comes from feature.name), additionalEventData, tlsDetails,
 * sourceIdentity, onBehalfOf, the type of unmapped values (numbers and booleans come back as
 * strings), the sub-second part of eventTime's text, and the key order of the original record.
 *
 * Evidence is hostile: walks are bounded (keys of `unmapped`, path depth), keys that would reach
 * an object's prototype are dropped, and a record that cannot be rebuilt is rejected with why.
 */
import { normalizeCloudTrail } from './cloudtrail.js';
import { Rejected, type SourceReader } from './types.js';
import { get, isObj, isoTime, type Obj, str } from './util.js';

/**
 * OCSF classes Security Lake writes CloudTrail events to: API Activity (6003 in OCSF 1.1.0, source
 * version 2; 3005 in OCSF 1.0.0-rc.2, source version 1, where it sat in Audit Activity), and in
 * source version 1 also Account Change (3001) and Authentication (3002).
 */
const CLASSES = new Set([6003, 3005, 3001, 3002]);
/** OCSF 1.0.0-rc.2's API Activity (Security Lake source version 1) */
const RC2_API_ACTIVITY = 3005;
/** at most this many `unmapped` entries are read per record */
export const MAX_UNMAPPED = 2000;
/** at most this many segments in a dotted `unmapped` key */
const MAX_PATH = 16;
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** notes made while rebuilding a record, handed from unwrap to normalize */
const NOTES = Symbol('security-lake-notes');
const ACCESS_KEY = /^A[A-Z0-9]{3}[A-Z0-9*]{12,124}$/;

function classUid(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d{1,6}$/.test(v)) return Number(v);
  return null;
}

/** An OCSF record Security Lake made from a CloudTrail event. */
export function isOcsfCloudTrail(v: unknown): v is Obj {
  if (!isObj(v)) return false;
  const c = classUid(v.class_uid);
  if (c === null || !CLASSES.has(c)) return false;
  const product = get(v, 'metadata', 'product', 'name');
  if (typeof product !== 'string' || product.toLowerCase() !== 'cloudtrail') return false;
  return (
    typeof get(v, 'api', 'operation') === 'string' && typeof get(v, 'api', 'service', 'name') === 'string'
  );
}

/** Sets an own property (never the prototype, whatever the key). */
function setOwn(o: Obj, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** Sets `o.a.b.c` unless something is there already; false when a segment is unsafe or blocked. */
function setPath(o: Obj, path: string[], v: unknown): boolean {
  let cur = o;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i];
    if (UNSAFE_KEYS.has(k)) return false;
    const next = Object.hasOwn(cur, k) ? cur[k] : undefined;
    if (next === undefined || next === null) {
      const fresh: Obj = {};
      setOwn(cur, k, fresh);
      cur = fresh;
    } else if (isObj(next)) cur = next;
    else return false;
  }
  const last = path[path.length - 1];
  if (UNSAFE_KEYS.has(last)) return false;
  if (Object.hasOwn(cur, last) && cur[last] !== null && cur[last] !== undefined) return cur[last] === v;
  setOwn(cur, last, v);
  return true;
}

/** JSON text of an object or array → its value; anything else as it is. */
function jsonish(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (!/^[[{]/.test(t)) return v;
  try {
    return JSON.parse(t);
  } catch {
    return v;
  }
}

/**
 * `unmapped` as [key, value] pairs: an object, or a list of {key, value} / [key, value] (map
 * exports), or JSON text of either (a map column written out as a string).
 */
function unmappedEntries(u: unknown, depth = 0): Array<[string, unknown]> {
  if (typeof u === 'string' && depth === 0) {
    const parsed = jsonish(u);
    return parsed === u ? [] : unmappedEntries(parsed, 1);
  }
  if (isObj(u)) return Object.entries(u);
  if (!Array.isArray(u)) return [];
  const out: Array<[string, unknown]> = [];
  for (const e of u) {
    if (Array.isArray(e) && e.length === 2 && typeof e[0] === 'string') out.push([e[0], e[1]]);
    else if (isObj(e) && typeof e.key === 'string') out.push([e.key, e.value]);
  }
  return out;
}

function put(o: Obj, k: string, v: unknown): void {
  if (v === undefined || v === null || v === '') return;
  setOwn(o, k, v);
}

/**
 * The CloudTrail record an OCSF record was made from, as far as OCSF kept it; a Rejected when the
 * record is not one Security Lake made from CloudTrail.
 */
export function ocsfToCloudTrail(o: unknown, note?: (m: string) => void): Obj | Rejected {
  if (!isOcsfCloudTrail(o)) return new Rejected('not an OCSF record of a CloudTrail event');
  const api = isObj(o.api) ? o.api : {};
  const md = isObj(o.metadata) ? o.metadata : {};
  const actor = isObj(o.actor) ? o.actor : {};
  const user = isObj(actor.user) ? actor.user : {};
  const session = isObj(actor.session) ? actor.session : {};
  const src = isObj(o.src_endpoint) ? o.src_endpoint : {};
  // OCSF 1.0.0-rc.2 (Security Lake source version 1): uid = principalId, uuid = ARN; without a
  // version, the rc.2 attribute names tell
  const version = str(md.version);
  const cls = classUid(o.class_uid);
  const rc = version
    ? /^1\.0\.0-rc/.test(version)
    : cls === RC2_API_ACTIVITY || 'uuid' in user || 'account_uid' in user;

  const ui: Obj = {};
  put(ui, 'type', str(user.type));
  put(ui, 'principalId', str(rc ? user.uid : user.uid_alt));
  put(ui, 'arn', str(rc ? user.uuid : user.uid));
  put(ui, 'accountId', str(get(user, 'account', 'uid')) ?? str(user.account_uid));
  const cred = str(user.credential_uid);
  if (cred) put(ui, ACCESS_KEY.test(cred) ? 'accessKeyId' : 'credentialId', cred);
  put(ui, 'userName', str(user.name));
  const issuer = str(session.issuer);
  const created = isoTime(session.created_time_dt) ?? isoTime(session.created_time);
  const mfaRaw = session.is_mfa ?? session.mfa;
  const mfa = typeof mfaRaw === 'boolean' ? String(mfaRaw) : str(mfaRaw);
  if (issuer || created || mfa) {
    const sc: Obj = {};
    if (issuer) {
      setOwn(sc, 'sessionIssuer', { arn: issuer });
    }
    if (created || mfa) {
      const at: Obj = {};
      put(at, 'creationDate', created);
      put(at, 'mfaAuthenticated', mfa);
      setOwn(sc, 'attributes', at);
    }
    setOwn(ui, 'sessionContext', sc);
  }
  put(ui, 'invokedBy', str(actor.invoked_by));
  const idp = str(get(actor, 'idp', 'name'));
  if (idp) {
    if (str(ui.type) === 'WebIdentityUser') setOwn(ui, 'webIdFederationData', { federatedProvider: idp });
    else put(ui, 'identityProvider', idp);
  }

  const rec: Obj = {};
  put(rec, 'eventVersion', str(get(md, 'product', 'version')));
  setOwn(rec, 'userIdentity', ui);
  put(rec, 'eventTime', isoTime(o.time) ?? isoTime(o.time_dt) ?? str(o.time_dt) ?? str(o.time));
  put(rec, 'eventSource', str(get(api, 'service', 'name')));
  put(rec, 'eventName', str(api.operation));
  put(rec, 'awsRegion', str(get(o, 'cloud', 'region')));
  put(rec, 'sourceIPAddress', str(src.ip) ?? str(src.domain));
  put(rec, 'userAgent', str(get(o, 'http_request', 'user_agent')));
  put(rec, 'errorCode', str(get(api, 'response', 'error')));
  put(rec, 'errorMessage', str(get(api, 'response', 'message')));
  const reqData = get(api, 'request', 'data');
  if (reqData !== undefined && reqData !== null) setOwn(rec, 'requestParameters', jsonish(reqData));
  const resData = get(api, 'response', 'data');
  if (resData !== undefined && resData !== null) setOwn(rec, 'responseElements', jsonish(resData));
  put(rec, 'requestID', str(get(api, 'request', 'uid')));
  put(rec, 'eventID', str(md.uid));
  put(rec, 'apiVersion', str(api.version));
  put(rec, 'vpcEndpointId', str(src.uid));
  put(rec, 'eventType', str(md.event_code));
  put(rec, 'eventCategory', str(get(md, 'product', 'feature', 'name')));
  if (Array.isArray(o.resources)) {
    const res: Obj[] = [];
    for (const r of o.resources) {
      if (!isObj(r)) continue;
      const out: Obj = {};
      put(out, 'accountId', str(get(r, 'owner', 'account', 'uid')) ?? str(r.account_uid));
      put(out, 'type', str(r.type));
      put(out, 'ARN', str(r.uid));
      if (Object.keys(out).length) res.push(out);
    }
    if (res.length) setOwn(rec, 'resources', res);
  }

  // the CloudTrail fields OCSF has no place for; mapped attributes win
  const entries = unmappedEntries(o.unmapped);
  if (entries.length > MAX_UNMAPPED) note?.(`unmapped: only the first ${MAX_UNMAPPED} entries read`);
  let skipped = 0;
  for (const [k, v] of entries.slice(0, MAX_UNMAPPED)) {
    if (v === undefined || v === null) continue;
    const path = k.split('.');
    if (path.length > MAX_PATH || path.some((p) => p === '') || !setPath(rec, path, jsonish(v))) skipped++;
  }
  if (skipped) note?.('unmapped: entries that clash with mapped fields or hold unsafe keys were not used');
  // inferred when unmapped did not say: the issuer of a role session is a Role, its userName the role's name
  const si = get(rec, 'userIdentity', 'sessionContext', 'sessionIssuer');
  const role = issuer ? /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:.*\/)?([^/]+)$/.exec(issuer) : null;
  if (role && isObj(si)) {
    if (si.type === undefined) setOwn(si, 'type', 'Role');
    if (si.userName === undefined && str(ui.type) === 'AssumedRole') setOwn(si, 'userName', role[1]);
  }
  if (rc && cls === 3001) restoreTarget(rec, o.user);
  if (cls === 3002) restoreSignIn(rec, o);
  const account = str(get(o, 'cloud', 'account', 'uid'));
  if (account && rec.recipientAccountId === undefined) setOwn(rec, 'recipientAccountId', account);
  return rec;
}

/**
 * Source version 1's Account Change records (OCSF 1.0.0-rc.2) move the IAM user or role the call
 * acted on out of requestParameters / responseElements into the top-level `user` (name, uid), so
 * `unmapped` no longer has `requestParameters.userName` or `responseElements.user.userName`. Put
 * them back where nothing says otherwise: a role when the uid is a role id (AROA...) or, without a
 * uid, when the operation names a role; else a user. Inferred, not read.
 */
function restoreTarget(rec: Obj, target: unknown): void {
  if (!isObj(target)) return;
  const name = str(target.name);
  if (!name) return;
  const uid = str(target.uid);
  const role = uid ? /^AROA/.test(uid) : /Role/.test(str(rec.eventName) ?? '');
  const [nameKey, idKey, obj] = role ? ['roleName', 'roleId', 'role'] : ['userName', 'userId', 'user'];
  if (
    get(rec, 'requestParameters', 'userName') === undefined &&
    get(rec, 'requestParameters', 'roleName') === undefined
  )
    setPath(rec, ['requestParameters', nameKey], name);
  const made = get(rec, 'responseElements', obj);
  if (isObj(made)) {
    if (made[nameKey] === undefined) setOwn(made, nameKey, name);
    if (uid && made[idKey] === undefined) setOwn(made, idKey, uid);
  }
}

/**
 * Authentication records keep two of the console sign-in's additionalEventData fields as
 * attributes: LoginTo as `dst_endpoint.svc_name`, MFAUsed as the record's `is_mfa` (rc.2: `mfa`).
 */
function restoreSignIn(rec: Obj, o: Obj): void {
  const loginTo = str(get(o, 'dst_endpoint', 'svc_name'));
  const mfa = o.is_mfa ?? o.mfa;
  const used = typeof mfa === 'boolean' ? (mfa ? 'Yes' : 'No') : null;
  if (loginTo && get(rec, 'additionalEventData', 'LoginTo') === undefined)
    setPath(rec, ['additionalEventData', 'LoginTo'], loginTo);
  if (used && get(rec, 'additionalEventData', 'MFAUsed') === undefined)
    setPath(rec, ['additionalEventData', 'MFAUsed'], used);
}

export const securityLake: SourceReader = {
  format: 'security-lake-cloudtrail',
  table: 'events',
  recognize(v) {
    if (isOcsfCloudTrail(v)) return true;
    return Array.isArray(v) && v.length > 0 && isOcsfCloudTrail(v[0]);
  },
  unwrap(v) {
    const list = Array.isArray(v) ? v : [v];
    return list.map((r) => {
      const notes: string[] = [];
      const rec = ocsfToCloudTrail(r, (m) => notes.push(m));
      // carried to normalize (where notes are taken) on a symbol key, which JSON.stringify skips
      if (notes.length && !(rec instanceof Rejected)) Object.defineProperty(rec, NOTES, { value: notes });
      return rec;
    });
  },
  normalize(rec, ctx) {
    const notes = isObj(rec) ? (rec as { [NOTES]?: string[] })[NOTES] : undefined;
    if (notes) for (const n of notes) ctx.note(n);
    return normalizeCloudTrail(rec, ctx);
  },
};
