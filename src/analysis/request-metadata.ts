/**
 * The identifiers an application puts into an invocation's `requestMetadata`: the end user, the
 * tenant, the API key a call serves, its conversation. One reader for every detector, in SQL and in
 * JS, from the same named key sets.
 *
 * Keys are named by their canonical form (lower case, letters only: `userId`, `user_id` and
 * `USER-ID` are all `userid`).
 *
 * - The JS reader (`metaValue`) matches any spelling by its canonical form and takes the record's
 *   first matching key, in the application's own order.
 * - The SQL builder (`metaSql`) looks up the usual spellings of each key (`SPELLINGS`) and takes the
 *   first present in the set's order (SQL cannot walk a JSON object's keys cheaply at 10M rows).
 *
 * Both read scalars only in spirit, but they differ on hostile values, and each detector relies on
 * what it reads today: the JS reader skips anything but strings and numbers (a nested object or an
 * array is not an identifier); SQL's `->>` gives a nested value as its JSON text. Neither bounds a
 * value's length; `metaScalars` does (a bounded copy for detectors that compare every value).
 */
import { sqlString } from '../store/case-store.js';

/** Canonical form of a metadata key: lower case, letters only. */
export function metaKey(k: string): string {
  return k.toLowerCase().replace(/[^a-z]/g, '');
}

/** The spellings SQL looks up for a canonical key; a key not listed is looked up as written. */
const SPELLINGS: Readonly<Record<string, readonly string[]>> = {
  apikeyid: ['apiKeyId', 'api_key_id', 'apiKeyID'],
  apikey: ['apiKey', 'api_key'],
  keyid: ['keyId', 'key_id'],
  clientid: ['clientId', 'client_id'],
  appid: ['appId', 'app_id'],
  applicationid: ['applicationId', 'application_id'],
  tenantid: ['tenantId', 'tenant_id', 'tenantID'],
  tenant: ['tenant'],
  orgid: ['orgId', 'org_id'],
  organizationid: ['organizationId', 'organization_id'],
  organisationid: ['organisationId', 'organisation_id'],
  workspaceid: ['workspaceId', 'workspace_id'],
  customerid: ['customerId', 'customer_id'],
  userid: ['userId', 'user_id'],
  enduserid: ['endUserId', 'end_user_id'],
  enduserref: ['endUserRef', 'end_user_ref'],
  userref: ['userRef', 'user_ref'],
  entrypoint: ['entryPoint', 'entry_point', 'entrypoint'],
  invokedvia: ['invokedVia', 'invoked_via'],
};

/** The SQL spellings of a canonical key. */
export function spellingsOf(key: string): readonly string[] {
  return SPELLINGS[key] ?? [key];
}

/**
 * Named key sets, each in precedence order (canonical forms). The person sets differ on purpose:
 * each answers a different question about who is behind a call.
 */
export const META_KEYS = {
  /** The application's API key or client: a caller's strongest handle (model extraction's callers). */
  apiKey: ['apikeyid', 'apikey', 'keyid', 'clientid', 'appid', 'applicationid'],
  /** The tenant or organisation a call serves (model extraction's callers and their tenant). */
  tenant: ['tenantid', 'tenant', 'orgid', 'organizationid', 'organisationid', 'workspaceid'],
  /**
   * The end user of an API caller (model extraction): customer ids and the pseudonymous user
   * references public APIs pass instead of a user id.
   */
  caller: ['customerid', 'userid', 'enduserid', 'enduserref', 'userref'],
  /**
   * A person, by user id only (scope: the end users an actor's calls name at a shared address).
   * Customers may be companies and conversations are not people, so neither splits an address.
   */
  person: ['userid', 'enduserid'],
  /**
   * The customer a call serves (the text pass's unit of use): any id of the account or person
   * behind a chat, including the bare `user`, `customer` and `accountId` a web chat passes.
   */
  customer: ['customerid', 'userid', 'accountid', 'customer', 'user', 'enduserid'],
  /**
   * The end user inside a tenant (tenant isolation). No `accountId`: in a multi-tenant application
   * the account is often the tenant itself, which the detector learns from the documents' paths;
   * user names, e-mail addresses and principals name the person instead.
   */
  tenantMember: ['userid', 'enduserid', 'customerid', 'user', 'username', 'email', 'principal'],
  /** The conversation (chat session) a call belongs to (the text pass's unit of use). */
  conversation: ['conversationid', 'sessionid', 'chatid', 'threadid', 'conversation'],
  /**
   * The path a call came in through (a function URL, an API route, the console back end): callers of
   * one application role told apart by the door they used (model abuse through an opened path).
   */
  channel: ['via', 'channel', 'entrypoint', 'ingress', 'invokedvia'],
} as const satisfies Record<string, readonly string[]>;

export type MetaKeySet = readonly string[];

/**
 * SQL: the first present value among `keys`, in the set's order and each key's spellings' order.
 * Values are trimmed and empty ones skipped, unless `verbatim` (the value as logged).
 */
export function metaSql(keys: MetaKeySet, opts: { verbatim?: boolean; column?: string } = {}): string {
  const col = opts.column ?? 'request_metadata';
  const parts = keys
    .flatMap(spellingsOf)
    .map((k) => `${col}->>${sqlString(`$.${k}`)}`)
    .map((x) => (opts.verbatim ? x : `nullif(trim(${x}), '')`));
  return `coalesce(${parts.join(', ')})`;
}

/**
 * The first value of a key in `keys`, in the record's order (any spelling): strings and numbers
 * that are not blank, as logged. `meta` is a parsed object or a `metaScalars` map; anything else
 * (null, an array, text) reads as nothing.
 */
export function metaValue(meta: unknown, keys: MetaKeySet): string | null {
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) return null;
  const entries: Iterable<[string, unknown]> =
    meta instanceof Map ? (meta as Map<string, unknown>).entries() : Object.entries(meta);
  for (const [k, x] of entries) {
    if (!keys.includes(metaKey(k))) continue;
    if ((typeof x === 'string' || typeof x === 'number') && String(x).trim()) return String(x);
  }
  return null;
}

/** Bounds of `metaScalars`. */
export interface MetaScalarBounds {
  maxKeys: number;
  maxKeyLength: number;
  minLength: number;
  maxLength: number;
}
export const META_SCALARS: Readonly<MetaScalarBounds> = {
  maxKeys: 30,
  maxKeyLength: 64,
  minLength: 2,
  maxLength: 128,
};

/**
 * A bounded copy of the scalar values by key (the first `maxKeys` entries; keys cut to
 * `maxKeyLength`; values trimmed, kept when `minLength`..`maxLength` long): for detectors that
 * compare every value with something else (tenant isolation learns which key partitions documents).
 */
export function metaScalars(
  meta: unknown,
  bounds: Readonly<MetaScalarBounds> = META_SCALARS,
): Map<string, string> {
  const out = new Map<string, string>();
  if (!meta || typeof meta !== 'object' || Array.isArray(meta)) return out;
  for (const [k, v] of Object.entries(meta as Record<string, unknown>).slice(0, bounds.maxKeys)) {
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    const s = String(v).trim();
    if (s.length >= bounds.minLength && s.length <= bounds.maxLength)
      out.set(k.slice(0, bounds.maxKeyLength), s);
  }
  return out;
}
