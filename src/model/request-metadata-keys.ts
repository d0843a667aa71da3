/**
 * The keys an application puts into an invocation's `requestMetadata` to name the end user, the
 * tenant, the API key a call serves, its conversation, the end user's address: the named key sets
 * every reader uses (the invocation source for the address, the detectors for the rest; the
 * readers are in src/analysis/request-metadata.ts and `clientIpFrom` in
 * src/sources/bedrock-invocation.ts). They sit here, with the evidence's types, because both the
 * sources and the analysis read them and the sources must not import the analysis.
 *
 * Keys are named by their canonical form (lower case, letters only: `userId`, `user_id` and
 * `USER-ID` are all `userid`). A set that reads one spelling of a key only names that spelling as
 * written (a pinned spelling, e.g. `endUserId`): the readers look it up as written and match no
 * other spelling of it.
 */

/** Canonical form of a metadata key: lower case, letters only. */
export function metaKey(k: string): string {
  return k.toLowerCase().replace(/[^a-z]/g, '');
}

/** The spellings looked up in set order (SQL) for a canonical key; a key not listed is looked up as written. */
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
  memberid: ['memberId'],
  accountid: ['accountId'],
  conversationid: ['conversationId', 'conversation_id'],
  sessionid: ['sessionId', 'session_id'],
  chatid: ['chatId'],
  entrypoint: ['entryPoint', 'entry_point', 'entrypoint'],
  invokedvia: ['invokedVia', 'invoked_via'],
};

/** The spellings of a key looked up in set order: a canonical key's usual ones, a pinned spelling itself. */
export function spellingsOf(key: string): readonly string[] {
  return SPELLINGS[key] ?? [key];
}

/**
 * Named key sets, each in precedence order (canonical forms, or a pinned spelling). The person sets
 * differ on purpose: each answers a different question about who is behind a call.
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
  /**
   * The customer signed in to a chat whose agent shows records (agency's record enumeration). The
   * value is compared with the owner ids the records carry (`customer_id`, `member_id`,
   * `account_id` ...), so: unlike `person`, also the account or membership id (`accountId`,
   * `memberId`) a shop or bank names its customer by; unlike `customer`, id keys only (no bare
   * `user` or `customer`). `endUserId` is pinned: that detector has never read `end_user_id`.
   */
  signedInUser: ['customerid', 'userid', 'endUserId', 'memberid', 'accountid'],
  /** The conversation (chat session) a call belongs to (the text pass's unit of use). */
  conversation: ['conversationid', 'sessionid', 'chatid', 'threadid', 'conversation'],
  /**
   * The conversation id an application also passes to its agent as `sessionId` (agency's record
   * enumeration and code interpretation join a call to the agent session by it). Narrower than
   * `conversation`: the join compares values with agent session ids, and a chat thread or a bare
   * `conversation` value has not been read as one so far.
   */
  agentSession: ['conversationid', 'sessionid', 'chatid'],
  /**
   * The end user's network address (the invocation source's `clientIp`): `clientIp`, then
   * `sourceIp`, then the first of the others in the record's order.
   */
  clientIp: [
    'clientip',
    'sourceip',
    'sourceipaddress',
    'enduserip',
    'userip',
    'callerip',
    'remoteip',
    'remoteaddr',
    'remoteaddress',
    'ipaddress',
    'ip',
    'xforwardedfor',
    'clientaddress',
  ],
  /**
   * The path a call came in through (a function URL, an API route, the console back end): callers of
   * one application role told apart by the door they used (model abuse through an opened path).
   */
  channel: ['via', 'channel', 'entrypoint', 'ingress', 'invokedvia'],
} as const satisfies Record<string, readonly string[]>;

export type MetaKeySet = readonly string[];
