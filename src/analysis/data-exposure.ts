/**
 * Data exposure through resource policies, and what followed it (element `data-store-changes`,
 * `infrastructure-changes` for key policies, `private-data` for the reads):
 *
 * - `data-store.resource-grant`: an S3 bucket policy, bucket ACL or public-access-block change, or a
 *   KMS key policy, that newly lets in everyone or an account outside the organisation. Which
 *   accounts are the organisation's is learnt from the evidence: the accounts records are delivered
 *   to, the accounts of the sessions and users acting in them, accounts a planned change names, and
 *   accounts granted under an `aws:PrincipalOrgID`-style condition. Principals already granted by
 *   the previous policy of the same resource in the evidence are not new.
 * - `data-store.outside-read`: objects read by another account (`userIdentity.type` AWSAccount) that
 *   is not the organisation's, or anonymously; high after a grant to it (or a public grant) seen in
 *   the evidence.
 * - `data-store.object-overwritten`: an object written by one origin (identity, address, client)
 *   overwritten within a day by another origin of a machine principal: the poisoning of a file the
 *   pipeline produces (training data, knowledge-base documents) looks like this.
 *
 * The grant findings carry the caller's key, address and the other records the same origin made
 * against the same resources (the reconnaissance before), so the scope can follow the actor.
 */
import { sqlTime } from '../store/case-store.js';
import {
  actionList,
  actorOf,
  applyContext,
  type Candidate,
  type ContextEntry,
  type ContextMatch,
  type CtRow,
  clientOf,
  type Env,
  isPublicIp,
  loadEvents,
  matchContext,
  nameOf,
  principalsOf,
  SEVERITY_ORDER,
  subjectOf,
} from './context.js';
import type { DataBuckets } from './data-store.js';
import { isModelArtifactKey, resourcesOfEvent } from './resources.js';

const ids = (rows: CtRow[]): string[] => rows.map((r) => r.eventId);
const ACCOUNT_IN = /(?:^|[^0-9])(\d{12})(?![0-9])/g;
/** conditions that keep a wildcard principal inside the organisation or a network */
const RESTRICTING =
  /aws:(?:PrincipalOrgID|PrincipalOrgPaths|PrincipalAccount|SourceVpce|SourceVpc|SourceIp|SourceArn|SourceAccount|SourceOrgID|VpcSourceIp)|kms:CallerAccount|kms:ViaService/i;
const ORG_CONDITION = /aws:(?:PrincipalOrgID|PrincipalOrgPaths|SourceOrgID|ResourceOrgID)/i;
/** actions that let the grantee read or decrypt data, or see and use a registered model */
const READS =
  /^(?:\*|s3:\*|s3:Get\*|s3:GetObject\w*|s3:List\w*|s3:SelectObjectContent|s3:RestoreObject|kms:\*|kms:Decrypt|kms:ReEncrypt\w*|kms:GenerateDataKey\w*|kms:CreateGrant|sagemaker:\*|sagemaker:Describe\w*|sagemaker:List\w*|sagemaker:CreateModel)$/i;
const MAX_POLICY = 200_000;
/** records read per outside account and address, and account/address pairs reported */
const PER_GROUP = 2000;
const MAX_GROUPS = 200;

const GRANT_ACTIONS = [
  'PutBucketPolicy',
  'PutBucketAcl',
  'DeleteBucketPublicAccessBlock',
  'PutBucketPublicAccessBlock',
  'PutKeyPolicy',
  'CreateKey',
  // a KMS grant: its grantee may use the key (Decrypt) without any policy naming it
  'CreateGrant',
  // a SageMaker Model Registry group's resource policy: who may list, describe and deploy its packages
  'PutModelPackageGroupPolicy',
];
const GRANT_SERVICES = ['s3.amazonaws.com', 'kms.amazonaws.com', 'sagemaker.amazonaws.com'];
/** records read per grant of what the grantee did with the key or the model packages after it */
const MAX_USES = 1000;
const READ_ACTIONS = [
  'GetObject',
  'GetObjectVersion',
  'SelectObjectContent',
  'HeadObject',
  'ListObjects',
  'ListObjectsV2',
  'ListObjectVersions',
];
const WRITE_ACTIONS = ['PutObject', 'CopyObject', 'CompleteMultipartUpload'];

interface Statement {
  effect: string;
  principals: string[];
  actions: string[];
  condition: string;
}

/** The statements of a policy document given as an object or as JSON text (bounded; never evaluated). */
export function statementsOf(doc: unknown): Statement[] {
  let d = doc;
  if (typeof d === 'string') {
    if (d.length > MAX_POLICY) return [];
    try {
      d = JSON.parse(d);
    } catch {
      return [];
    }
  }
  if (!d || typeof d !== 'object') return [];
  const raw = (d as Record<string, unknown>).Statement;
  const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
  const arr = (v: unknown): string[] =>
    (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).map((x) => String(x)).slice(0, 500);
  const out: Statement[] = [];
  for (const s of list.slice(0, 500)) {
    if (!s || typeof s !== 'object') continue;
    const o = s as Record<string, unknown>;
    const p = o.Principal;
    const principals =
      p === '*'
        ? ['*']
        : p && typeof p === 'object'
          ? Object.entries(p as Record<string, unknown>)
              .filter(([k]) => k === 'AWS' || k === 'CanonicalUser' || k === 'Federated')
              .flatMap(([, v]) => arr(v))
          : [];
    out.push({
      effect: String(o.Effect ?? ''),
      principals,
      actions: arr(o.Action),
      condition: o.Condition ? JSON.stringify(o.Condition).slice(0, 5000) : '',
    });
  }
  return out;
}

function accountOf(principal: string): string | null {
  if (principal === '*') return null;
  const m = /^(?:arn:aws[a-z-]*:(?:iam|sts)::)?(\d{12})(?::|$)/.exec(principal);
  return m ? m[1] : null;
}

interface Grants {
  /** everyone, without a restricting condition */
  public: boolean;
  /** account → the grant reads data */
  accounts: Map<string, boolean>;
  /** accounts granted under an organisation condition */
  orgAccounts: Set<string>;
}

function grantsOf(stmts: Statement[]): Grants {
  const g: Grants = { public: false, accounts: new Map(), orgAccounts: new Set() };
  for (const s of stmts) {
    if (s.effect !== 'Allow') continue;
    const reads = s.actions.some((a) => READS.test(a));
    for (const p of s.principals) {
      if (p === '*' || p === 'arn:aws:iam::*:root') {
        if (!RESTRICTING.test(s.condition)) g.public = true;
        continue;
      }
      const a = accountOf(p);
      if (!a) continue;
      g.accounts.set(a, (g.accounts.get(a) ?? false) || reads);
      if (ORG_CONDITION.test(s.condition)) g.orgAccounts.add(a);
    }
  }
  return g;
}

function policyOf(r: CtRow): unknown {
  if (r.action === 'PutBucketPolicy') return r.req?.bucketPolicy ?? r.req?.policy;
  if (r.action === 'PutKeyPolicy' || r.action === 'CreateKey') return r.req?.policy;
  if (r.action === 'PutModelPackageGroupPolicy') return r.req?.resourcePolicy;
  if (r.action === 'CreateGrant') {
    // a grant as the one statement it amounts to: its grantee may do its operations
    const grantee = r.req?.granteePrincipal;
    const ops = Array.isArray(r.req?.operations) ? (r.req?.operations as unknown[]) : [];
    if (typeof grantee !== 'string') return null;
    return {
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: grantee },
          Action: ops.slice(0, 50).map((o) => `kms:${String(o)}`),
        },
      ],
    };
  }
  return null;
}

/** A model package group's ARN from a request naming it by name or ARN (names lower-cased as in ARNs). */
function modelPackageGroupOf(r: CtRow): string {
  const v = r.req?.modelPackageGroupName ?? r.req?.modelPackageGroupArn;
  if (typeof v !== 'string' || v.length > 300) return '';
  if (/^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:model-package-group\/[A-Za-z0-9-]+$/.test(v)) return v;
  if (!/^[A-Za-z0-9](-*[A-Za-z0-9]){0,62}$/.test(v) || !r.region || !r.account) return v;
  return `arn:aws:sagemaker:${r.region}:${r.account}:model-package-group/${v.toLowerCase()}`;
}

/** What a grant record is about: the bucket name or the key ARN. */
function resourceOf(r: CtRow): string {
  if (r.service === 's3.amazonaws.com') return String(r.req?.bucketName ?? '');
  if (r.service === 'sagemaker.amazonaws.com') return modelPackageGroupOf(r);
  const k = String(r.req?.keyId ?? (r.resp?.keyMetadata as Record<string, unknown> | undefined)?.arn ?? '');
  return r.resources.find((x) => x.startsWith('arn:aws:kms:')) ?? k;
}

/** The accounts the records and the change calendar show, per analysis (one scan of `events`). */
const SEEN_ACCOUNTS = new WeakMap<Env, Promise<Map<string, string>>>();

function accountsSeen(env: Env): Promise<Map<string, string>> {
  let seen = SEEN_ACCOUNTS.get(env);
  if (!seen) {
    seen = (async () => {
      const out = new Map<string, string>();
      const rows = await env.db.all(
        `SELECT DISTINCT recipient_account AS a, 'records delivered to it' AS how FROM events WHERE recipient_account IS NOT NULL
         UNION SELECT DISTINCT account AS a, 'its own sessions and users act in the evidence' AS how FROM events
           WHERE account IS NOT NULL AND principal_type IN ('AssumedRole', 'IAMUser', 'Root', 'FederatedUser', 'IdentityCenterUser')
         ORDER BY a, how`,
      );
      for (const r of rows) addAccount(out, String(r.a), String(r.how));
      for (const e of env.entries)
        for (const m of e.text.slice(0, 20_000).matchAll(ACCOUNT_IN))
          addAccount(out, m[1], `named by ${e.ticket}`);
      return out;
    })();
    SEEN_ACCOUNTS.set(env, seen);
  }
  return seen;
}

function addAccount(out: Map<string, string>, a: string | null | undefined, how: string): void {
  if (a && /^\d{12}$/.test(a) && !out.has(a)) out.set(a, how);
}

/**
 * The organisation's accounts as the evidence shows them, each with how it was learnt: those the
 * records and the change calendar show (read once per analysis, every detector asks), then those
 * the given grants admit under an organisation condition.
 */
export async function orgAccounts(env: Env, grantRows: CtRow[]): Promise<Map<string, string>> {
  const out = new Map(await accountsSeen(env));
  for (const r of grantRows)
    for (const a of grantsOf(statementsOf(policyOf(r))).orgAccounts)
      addAccount(out, a, 'granted under an organisation condition');
  return out;
}

/** Buckets that hold GenAI data: the knowledge-base, training and prompt-log buckets, and buckets a planned change about training or knowledge bases names. */
function dataBucketNames(buckets: DataBuckets, entries: ContextEntry[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const b of buckets.kb.keys()) out.set(b, 'knowledge-base source');
  for (const b of buckets.training.keys()) if (!out.has(b)) out.set(b, 'training data');
  for (const b of buckets.logs.keys()) if (!out.has(b)) out.set(b, 'prompt logs');
  for (const e of entries) {
    if (!/fine[- ]?tun|training|dataset|knowledge[- ]base|embedding|ingestion/i.test(e.text)) continue;
    for (const m of e.text.slice(0, 20_000).matchAll(/s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])/g))
      if (!out.has(m[1])) out.set(m[1], `named as data by ${e.ticket}`);
  }
  return out;
}

/** A planned change in whose window the grant falls and that names every account it newly grants. */
export function plannedFor(entries: ContextEntry[], time: string, accounts: string[]): ContextMatch | null {
  if (!accounts.length) return null;
  for (const e of entries) {
    if (e.kind !== 'planned-change' || !e.start || !e.end) continue;
    if (time < e.start || time > e.end) continue;
    if (accounts.every((a) => e.text.includes(a)))
      return {
        ticket: e.ticket,
        kind: e.kind,
        text: e.text,
        strength: 'strong',
        reasons: [`inside the change window, names the granted account(s) ${accounts.join(', ')}`],
      };
  }
  return null;
}

export interface ExposureGrant {
  resource: string;
  time: string;
  public: boolean;
  accounts: string[];
  /** the principals of those accounts the grant names (`arn:aws:iam::<account>:role/...`, or the root) */
  grantees: string[];
}

/** The principals a grant names in the given accounts. */
function granteesOf(stmts: Statement[], accounts: string[]): string[] {
  const out = new Set<string>();
  for (const s of stmts) {
    if (s.effect !== 'Allow') continue;
    for (const p of s.principals) {
      const a = accountOf(p);
      if (!a || !accounts.includes(a)) continue;
      out.add(/^\d{12}$/.test(p) ? `arn:aws:iam::${p}:root` : p);
    }
  }
  return [...out].sort();
}

/**
 * The principal of another account that made the given calls. A call from another account names
 * only the account and the caller's unique id (`AROA…:session` for a role session, `AIDA…` for a
 * user), and the ARN when the record has it. When the grants that let the account in name exactly
 * one role (or user) of it and every call came from a role session (or a user), that role (or
 * user) made them; otherwise the account (its root) is what the evidence names.
 */
export function outsidePrincipal(
  account: string,
  callers: Array<{ arn: string | null; principalId: string | null }>,
  grantees: string[],
): string[] {
  const root = `arn:aws:iam::${account}:root`;
  const named = [...new Set(callers.map((c) => c.arn).filter((a): a is string => !!a && a !== root))].sort();
  if (named.length && callers.every((c) => c.arn && c.arn !== root)) return named;
  const ids = callers.map((c) => c.principalId ?? '');
  const mine = grantees.filter((g) => accountOf(g) === account);
  for (const [prefix, kind] of [
    ['AROA', 'role'],
    ['AIDA', 'user'],
  ] as const) {
    if (!ids.length || !ids.every((i) => i.startsWith(prefix))) continue;
    const of = mine.filter(
      (g) => /^arn:aws[a-z-]*:iam::\d{12}:/.test(g) && g.split(':')[5]?.startsWith(`${kind}/`),
    );
    if (of.length === 1) return [of[0]];
  }
  return [root];
}

/** Resource-policy grants to outsiders or everyone, with the origin's related records. */
export async function resourceGrants(
  env: Env,
  buckets: DataBuckets,
): Promise<{ cands: Candidate[]; grants: ExposureGrant[]; own: Map<string, string> }> {
  const rows = await loadEvents(
    env.db,
    `service IN (${actionList(GRANT_SERVICES)}) AND action IN (${actionList(GRANT_ACTIONS)}) AND error_code IS NULL`,
  );
  const own = await orgAccounts(env, rows);
  const registryShares: Array<{ c: Candidate; group: string; time: string; accounts: string[] }> = [];
  const keyShares: Array<{ c: Candidate; key: string; time: string; accounts: string[] }> = [];
  const data = dataBucketNames(buckets, env.entries);
  const prev = new Map<string, Grants>();
  const cands: Candidate[] = [];
  const grants: ExposureGrant[] = [];
  for (const r of rows) {
    const resource = resourceOf(r);
    if (!resource) continue;
    const isKms = r.service === 'kms.amazonaws.com';
    const isRegistry = r.service === 'sagemaker.amazonaws.com';
    let g: Grants = { public: false, accounts: new Map(), orgAccounts: new Set() };
    let what = '';
    if (r.action === 'CreateGrant') {
      // a grant AWS makes for itself through the caller's session (a Bedrock or SageMaker job using
      // the key: invokedBy the service, grantee a service principal) lets no other account in
      if (r.invokedBy) continue;
      g = grantsOf(statementsOf(policyOf(r)));
      what = `grant${typeof r.req?.name === 'string' ? ` ${String(r.req.name).slice(0, 100)}` : ''}`;
    } else if (
      r.action === 'PutBucketPolicy' ||
      r.action === 'PutKeyPolicy' ||
      r.action === 'CreateKey' ||
      r.action === 'PutModelPackageGroupPolicy'
    ) {
      g = grantsOf(statementsOf(policyOf(r)));
      const before = prev.get(resource);
      prev.set(resource, g);
      // principals the previous policy already let in are not new
      if (before) {
        for (const a of [...g.accounts.keys()]) if (before.accounts.has(a)) g.accounts.delete(a);
        if (before.public) g.public = false;
      }
      what = r.action === 'CreateKey' ? 'key created with a policy' : 'policy';
    } else if (r.action === 'PutBucketAcl') {
      const text = JSON.stringify(r.req ?? {}).slice(0, MAX_POLICY);
      g.public = /AllUsers|AuthenticatedUsers/.test(text);
      what = 'ACL';
    } else if (r.action === 'DeleteBucketPublicAccessBlock') {
      g.public = true;
      what = 'public access block deleted';
    } else if (r.action === 'PutBucketPublicAccessBlock') {
      const cfg = (r.req?.PublicAccessBlockConfiguration ?? r.req?.publicAccessBlock ?? {}) as Record<
        string,
        unknown
      >;
      g.public = ['BlockPublicPolicy', 'RestrictPublicBuckets', 'BlockPublicAcls', 'IgnorePublicAcls'].some(
        (k) => cfg && typeof cfg === 'object' && String(cfg[k]) === 'false',
      );
      what = 'public access block relaxed';
    }
    const accounts = [...g.accounts.keys()].filter((a) => a !== r.account && a !== resourceAccount(r)).sort();
    const outside = accounts.filter((a) => !own.has(a));
    const ownNew = accounts.filter((a) => own.has(a));
    if (!g.public && !accounts.length) continue;
    const readsOutside = outside.some((a) => g.accounts.get(a));
    const dataKind = isKms ? null : (data.get(resource) ?? null);
    let severity: Candidate['severity'] = 'low';
    if (g.public || readsOutside) severity = 'high';
    // write-only grants to an outside account: log delivery to a bucket, or a way to plant data in one
    else if (outside.length && dataKind) severity = 'medium';
    const kind = env.base.kindOf(r.identityArn);
    const opens = [
      ...(g.public ? ['everyone (public)'] : []),
      ...outside.map((a) => `account ${a} (not seen as the organisation's)`),
      ...ownNew.map((a) => `account ${a} (the organisation's: ${own.get(a)})`),
    ];
    const grantees = granteesOf(statementsOf(policyOf(r)), outside);
    const named = grantees.filter((p) => !p.endsWith(':root'));
    const what0 = isKms ? 'KMS key' : isRegistry ? 'Model package group' : 'Bucket';
    const c: Candidate = {
      ruleId: 'data-store.resource-grant',
      title: `${what0} ${isKms || isRegistry ? nameOf(resource) || resource : resource} ${isRegistry ? 'shared with' : 'opened to'} ${
        g.public
          ? 'everyone'
          : outside.length
            ? `account ${outside.join(', ')}`
            : `account ${ownNew.join(', ')}`
      } (${r.action})`,
      description:
        `${nameOf(r.identityArn)} (${kind}) from ${r.sourceIp} with ${clientOf(r.userAgent)}: ${r.action} on ${resource}` +
        ` (${what}) lets in ${opens.join('; ')}.` +
        (named.length ? ` It names ${named.join(', ')}.` : '') +
        (dataKind ? ` The bucket holds ${dataKind}.` : '') +
        (isRegistry
          ? ' The group holds registered model versions: whoever it lets in may describe them (their artifacts and images) and deploy them.'
          : ''),
      severity,
      strength: SEVERITY_ORDER.indexOf(severity) >= 2 ? 'hard' : 'soft',
      ifActor: 'high',
      // a key's policy or grant is the account's configuration; a model registry's sharing is the AI's
      elements: [isKms ? 'infrastructure-changes' : isRegistry ? 'ai-changes' : 'data-store-changes'],
      components: isRegistry
        ? ['custom-models']
        : dataKind === 'knowledge-base source'
          ? ['knowledge-bases']
          : dataKind
            ? ['training-data']
            : [],
      times: [r.time],
      principals: principalsOf(r),
      accessKeyIds: [r.accessKeyId],
      sourceIps: [r.sourceIp],
      resources: [isKms || isRegistry ? resource : `arn:aws:s3:::${resource}`, resource],
      attack: ['T1098', 'T1537', 'T1530'],
      evidence: { eventIds: [r.eventId] },
      actors: [actorOf(r)],
      triage: [
        g.public
          ? 'public access'
          : outside.length
            ? 'cross-account grant outside the organisation'
            : 'grant to an account of the organisation',
        `${kind} principal`,
      ],
      details: {
        resource,
        action: r.action,
        public: g.public,
        outsideAccounts: outside,
        organisationAccounts: ownNew,
        grantees,
        dataBucket: dataKind,
      },
    };
    const m =
      matchContext(env.entries, { ...subjectOf(r), targets: [resource, ...accounts] }) ??
      plannedFor(env.entries, r.time, accounts);
    // a planned grant to the organisation's own account is explained; one to an outsider is not,
    // unless the change names that very account
    if (m && (m.kind === 'declared-activity' || !outside.length || outside.every((a) => m.text.includes(a))))
      applyContext(c, m);
    else if (m) c.triage.push(`inside ${m.ticket}'s window, which does not name the outside account(s)`);
    if (SEVERITY_ORDER.indexOf(c.severity) >= 2) await withOrigin(env, c, r, resource);
    cands.push(c);
    if (c.strength !== 'context') {
      grants.push({ resource, time: r.time, public: g.public, accounts: outside, grantees });
      if (outside.length && isRegistry)
        registryShares.push({ c, group: resource, time: r.time, accounts: outside });
      if (outside.length && isKms) keyShares.push({ c, key: resource, time: r.time, accounts: outside });
    }
  }
  for (const x of keyShares) await withKeyUse(env, x.c, x.key, x.time, x.accounts, grants);
  for (const x of registryShares) await withRegistryUse(env, x.c, x.group, x.time, x.accounts, grants);
  return { cands, grants, own };
}

/** The calls the given outside accounts made, by account: unique id and ARN of each caller. */
async function callersOf(
  env: Env,
  accounts: string[],
): Promise<Map<string, Array<{ arn: string | null; principalId: string | null }>>> {
  const out = new Map<string, Array<{ arn: string | null; principalId: string | null }>>();
  if (!accounts.length) return out;
  const rows = await env.db.all(
    `SELECT DISTINCT account, principal_arn, principal_id FROM events
     WHERE principal_type = 'AWSAccount' AND account IN (${actionList(accounts)})
     ORDER BY account, principal_arn, principal_id LIMIT 1000`,
  );
  for (const r of rows) {
    const a = String(r.account);
    if (!out.has(a)) out.set(a, []);
    out.get(a)!.push({
      arn: r.principal_arn ? String(r.principal_arn) : null,
      principalId: r.principal_id ? String(r.principal_id) : null,
    });
  }
  return out;
}

/** Named principals for the outside accounts, from their calls and the grants that let them in. */
async function outsidePrincipals(env: Env, accounts: string[], grants: ExposureGrant[]): Promise<string[]> {
  const callers = await callersOf(env, accounts);
  const grantees = [...new Set(grants.flatMap((g) => g.grantees))];
  return [...new Set(accounts.flatMap((a) => outsidePrincipal(a, callers.get(a) ?? [], grantees)))].sort();
}

/**
 * What an outside account did with a KMS key after it was let in (a grant or the key policy): its
 * Decrypt and other calls on the key, recorded in the key owner's account (S3 decrypting each object
 * the account reads, with the account as caller). Cited with the grant: the key was used.
 */
async function withKeyUse(
  env: Env,
  c: Candidate,
  key: string,
  time: string,
  accounts: string[],
  grants: ExposureGrant[],
): Promise<void> {
  const uses = await loadEvents(
    env.db,
    `service = 'kms.amazonaws.com' AND principal_type = 'AWSAccount' AND account IN (${actionList(accounts)})
     AND time >= CAST($1 AS TIMESTAMP) AND error_code IS NULL
     AND (list_contains(resources, $2) OR json_extract_string(request_parameters, '$.keyId') = $2)
     ORDER BY time, uid LIMIT ${MAX_USES}`,
    [sqlTime(time), key],
    { resp: false, extra: false },
  );
  if (!uses.length) return;
  c.evidence.eventIds = [...(c.evidence.eventIds ?? []), ...uses.map((u) => u.eventId)];
  c.times = [...c.times, ...uses.map((u) => u.time)];
  c.principals = [...(c.principals ?? []), ...(await outsidePrincipals(env, accounts, grants))];
  const ops = [...new Set(uses.map((u) => u.action))].sort();
  c.triage.push(
    `${uses.length}${uses.length >= MAX_USES ? '+' : ''} ${ops.join('/')} call(s) on the key by account ${accounts.join(', ')} after it, from ${uses[0].time}`,
  );
  c.details = { ...(c.details ?? {}), keyUses: uses.length };
}

/**
 * What an outside account did with a model package group shared with it: its SageMaker calls naming
 * the group or its packages (recorded in the group owner's account). The packages it described are
 * what it learnt (each version's artifact location and image): resources of the finding.
 */
async function withRegistryUse(
  env: Env,
  c: Candidate,
  group: string,
  time: string,
  accounts: string[],
  grants: ExposureGrant[],
): Promise<void> {
  const groupLc = group.toLowerCase();
  const nameLc = group.slice(group.lastIndexOf('/') + 1).toLowerCase();
  const pkgPrefix = `${group.replace(':model-package-group/', ':model-package/')}/`;
  const groupAccount = /^arn:[^:]+:sagemaker:[^:]*:(\d{12}):/.exec(group)?.[1] ?? null;
  const rows = await loadEvents(
    env.db,
    `service = 'sagemaker.amazonaws.com' AND principal_type = 'AWSAccount' AND account IN (${actionList(accounts)})
     AND time >= CAST($1 AS TIMESTAMP)
     ORDER BY time, uid LIMIT ${MAX_USES * 2}`,
    [sqlTime(time)],
    { resp: false, extra: false },
  );
  const uses: CtRow[] = [];
  const packages = new Set<string>();
  for (const r of rows) {
    const named = resourcesOfEvent({
      service: r.service,
      request_parameters: r.req,
      region: r.region,
      recipient_account: groupAccount,
    }).map((x) => x.toLowerCase());
    const pkgs = named.filter((x) => x.startsWith(pkgPrefix));
    if (!named.includes(groupLc) && !pkgs.length && !named.includes(nameLc)) continue;
    uses.push(r);
    if (!r.errorCode) for (const p of pkgs) packages.add(p);
    if (uses.length >= MAX_USES) break;
  }
  if (!uses.length) return;
  c.evidence.eventIds = [...(c.evidence.eventIds ?? []), ...uses.map((u) => u.eventId)];
  c.times = [...c.times, ...uses.map((u) => u.time)];
  c.principals = [...(c.principals ?? []), ...(await outsidePrincipals(env, accounts, grants))];
  c.sourceIps = [
    ...new Set([...(c.sourceIps ?? []), ...uses.map((u) => u.sourceIp).filter((ip): ip is string => !!ip)]),
  ];
  c.resources = [...new Set([...(c.resources ?? []), ...[...packages].sort()])];
  c.triage.push(
    `account ${accounts.join(', ')} then called ${[...new Set(uses.map((u) => u.action))].sort().join(', ')} on the group` +
      (packages.size
        ? ` (packages ${[...packages].map((p) => p.slice(p.lastIndexOf('/') + 1)).join(', ')})`
        : ''),
  );
  c.details = { ...(c.details ?? {}), packagesDescribed: [...packages].sort() };
}

function resourceAccount(r: CtRow): string | null {
  const m = /^arn:aws[a-z-]*:(?:kms|sagemaker):[^:]*:(\d{12}):/.exec(resourceOf(r));
  return m ? m[1] : null;
}

/**
 * The records the grant's origin (identity, public address, client) made before it against the
 * same resource, and the identity checks and policy reads of the same credential just before: the
 * reconnaissance, often with an earlier session key of the same stolen role.
 */
async function withOrigin(env: Env, c: Candidate, r: CtRow, resource: string): Promise<void> {
  if (!isPublicIp(r.sourceIp) || env.base.isCommonIp(r.sourceIp) || !r.identityArn) return;
  const bucket = r.service === 's3.amazonaws.com' ? resource : null;
  const related = await loadEvents(
    env.db,
    `identity_arn = $1 AND source_ip = $2 AND split_part(trim(coalesce(user_agent, '')), ' ', 1) = $3
     AND time < CAST($4 AS TIMESTAMP) AND time >= CAST($4 AS TIMESTAMP) - INTERVAL 7 DAY
     AND (action = 'GetCallerIdentity'
          OR (access_key_id = $5 AND time >= CAST($4 AS TIMESTAMP) - INTERVAL 60 MINUTE AND read_only)
          OR json_extract_string(request_parameters, '$.bucketName') = $6
          OR json_extract_string(request_parameters, '$.keyId') = $7
          OR list_contains(resources, $7))
     LIMIT 300`,
    [
      r.identityArn,
      r.sourceIp ?? '',
      clientOf(r.userAgent),
      sqlTime(r.time),
      r.accessKeyId ?? '',
      bucket ?? '',
      bucket ? '' : resource,
    ],
    { resp: false, extra: false },
  );
  if (!related.length) return;
  c.evidence.eventIds = [...related.map((x) => x.eventId), ...(c.evidence.eventIds ?? [])];
  c.times = [...related.map((x) => x.time), ...c.times];
  c.accessKeyIds = [...new Set([...(c.accessKeyIds ?? []), ...related.map((x) => x.accessKeyId)])];
  c.triage.push(
    `${related.length} earlier record(s) of the same origin (${nameOf(r.identityArn)} from ${r.sourceIp} with ${clientOf(r.userAgent)}): ` +
      [...new Set(related.map((x) => x.action))].slice(0, 12).join(', '),
  );
}

/** Reads by accounts outside the organisation, and anonymous reads. */
export async function outsideReads(
  env: Env,
  buckets: DataBuckets,
  grants: ExposureGrant[],
  own: Map<string, string>,
): Promise<Candidate[]> {
  const rows = await loadEvents(
    env.db,
    // at most PER_GROUP records of each account and address (a public bucket can be read millions of times)
    `rowid IN (SELECT rowid FROM events WHERE service = 's3.amazonaws.com' AND principal_type = 'AWSAccount'
       AND action IN (${actionList(READ_ACTIONS)})
       AND NOT (coalesce(source_ip, '') LIKE '%.amazonaws.com') AND coalesce(invoked_by, '') = ''
       QUALIFY row_number() OVER (PARTITION BY account, source_ip ORDER BY time, uid) <= ${PER_GROUP})`,
    [],
    { resp: false, extra: true },
  );
  const data = dataBucketNames(buckets, env.entries);
  const groups = new Map<string, CtRow[]>();
  for (const r of rows) {
    const acct = r.account ?? '';
    if (own.has(acct)) continue;
    const k = `${acct}\u0000${r.sourceIp}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  const out: Candidate[] = [];
  const keys = [...groups.keys()].sort();
  if (keys.length > MAX_GROUPS)
    env.notes?.push(
      `outside reads: ${keys.length} account/address pairs read buckets; only the first ${MAX_GROUPS} were reported`,
    );
  const accountsRead = [
    ...new Set(
      keys
        .slice(0, MAX_GROUPS)
        .map((k) => k.split('\u0000')[0])
        .filter((a) => /^\d{12}$/.test(a)),
    ),
  ];
  const callers = await callersOf(env, accountsRead);
  const grantees = [...new Set(grants.flatMap((x) => x.grantees))];
  // the model artifacts records name: read only when some outside account or client read a bucket
  const artifacts = keys.length ? await modelArtifactUris(env) : new Set<string>();
  const isArtifact = (bucket: string, key: string): boolean =>
    isModelArtifactKey(key) || artifacts.has(`s3://${bucket}/${key}`);
  for (const k of keys.slice(0, MAX_GROUPS)) {
    const g = groups.get(k)!;
    const r0 = g[0];
    const acct = r0.account ?? '';
    const anonymous = !/^\d{12}$/.test(acct);
    const ok = g.filter((r) => !r.errorCode && r.action !== 'HeadObject' && !/^List/.test(r.action));
    // one object read in many ranged GETs (a large file in parts) is one object: count objects
    const objectKey = (r: CtRow): string => `${String(r.req?.bucketName ?? '')}/${String(r.req?.key ?? '')}`;
    const objects = [...new Set(ok.map(objectKey))].sort();
    const ranged = ok.filter(
      (r) => typeof r.req?.Range === 'string' || typeof r.req?.range === 'string',
    ).length;
    const modelObjects = objects.filter((o) => {
      const i = o.indexOf('/');
      return isArtifact(o.slice(0, i), o.slice(i + 1));
    });
    // only model artifacts read: a custom model taken, not the organisation's data
    const modelOnly = objects.length > 0 && modelObjects.length === objects.length;
    const who0 = anonymous ? [] : outsidePrincipal(acct, callers.get(acct) ?? [], grantees);
    const bucketsRead = [...new Set(g.map((r) => String(r.req?.bucketName ?? '')).filter(Boolean))].sort();
    const granted = grants.filter(
      (x) =>
        x.time <= r0.time &&
        bucketsRead.includes(x.resource) &&
        (anonymous ? x.public : x.public || x.accounts.includes(acct)),
    );
    const dataKinds = bucketsRead.map((b) => data.get(b)).filter((x): x is string => !!x);
    // a bucket public before the evidence starts, holding no GenAI data: posture, not this incident
    if (anonymous && !granted.length && !dataKinds.length) continue;
    let severity: Candidate['severity'] = 'low';
    if (ok.length && granted.length) severity = 'high';
    else if (ok.length && dataKinds.length) severity = 'medium';
    const who = anonymous
      ? 'anonymous clients'
      : who0.some((p) => !p.endsWith(':root'))
        ? `${who0.map((p) => nameOf(p) || p).join(', ')} of account ${acct}`
        : `account ${acct}`;
    const bytes = ok.reduce((a, r) => {
      const n = Number(r.extra?.bytesTransferredOut ?? 0);
      return a + (Number.isFinite(n) && n > 0 ? n : 0);
    }, 0);
    const size = bytes ? `, ${humanBytes(bytes)} out` : '';
    const c: Candidate = {
      ruleId: 'data-store.outside-read',
      title: `${objects.length} ${modelOnly ? 'model artifact(s)' : 'object(s)'} of ${bucketsRead.join(', ')} read by ${who} from ${r0.sourceIp}`,
      description:
        `${who} (outside the organisation) from ${r0.sourceIp} with ${clientOf(r0.userAgent)}: ${g.length} request(s), ` +
        `${objects.length} object(s) read` +
        (ranged ? ` in ${ok.length} GET(s), ${ranged} of them byte ranges` : '') +
        size +
        (modelObjects.length
          ? `; ${modelObjects.length === objects.length ? 'all' : modelObjects.length} of them model artifacts (${modelObjects.slice(0, 5).join(', ')}${modelObjects.length > 5 ? ', ...' : ''}): a custom model taken`
          : '') +
        (granted.length
          ? `, after ${granted.map((x) => `${x.resource} was opened at ${x.time}`).join('; ')}`
          : '') +
        (dataKinds.length ? `; the bucket holds ${[...new Set(dataKinds)].join(', ')}` : '') +
        '.',
      severity,
      strength: SEVERITY_ORDER.indexOf(severity) >= 2 ? 'hard' : 'soft',
      ifActor: 'high',
      // a model's weights are the organisation's model, not its (personal or business) data: read
      // out of a data store, they are the custom model's compromise
      elements: modelOnly ? ['data-store-changes'] : ['private-data'],
      components: [
        ...(modelObjects.length ? (['custom-models'] as const) : []),
        ...(modelOnly
          ? []
          : dataKinds.includes('knowledge-base source')
            ? (['knowledge-bases'] as const)
            : dataKinds.length
              ? (['training-data'] as const)
              : []),
      ],
      times: g.map((r) => r.time),
      principals: who0,
      accessKeyIds: [],
      sourceIps: [r0.sourceIp],
      resources: bucketsRead.flatMap((b) => [`arn:aws:s3:::${b}`, b]),
      attack: ['T1530', 'T1537', ...(modelObjects.length ? ['AML.T0048.004'] : [])],
      evidence: { eventIds: ids(g) },
      actors: [{ key: null, ip: r0.sourceIp, identity: anonymous ? null : (who0[0] ?? null) }],
      triage: [
        granted.length
          ? 'reads after a grant to this principal'
          : 'no grant to this principal in the evidence',
        anonymous ? 'anonymous (unsigned) requests' : 'account not seen as the organisation\u2019s',
      ],
      details: {
        account: anonymous ? 'anonymous' : acct,
        buckets: bucketsRead,
        objects: [...new Set(ok.map((r) => String(r.req?.key ?? '')))].slice(0, 200),
        reads: ok.length,
        rangedReads: ranged,
        modelArtifacts: modelObjects.slice(0, 200),
        bytesOut: bytes,
        failed: g.filter((r) => r.errorCode).length,
      },
    };
    applyContext(c, matchContext(env.entries, { ...subjectOf(r0), targets: [...bucketsRead, acct] }));
    out.push(c);
  }
  return out;
}

function humanBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i ? v.toFixed(1) : String(v)} ${units[i]}`;
}

/**
 * S3 locations records name as a model's artifact: a SageMaker model package's or model's
 * `ModelDataUrl`, a training job's `S3ModelArtifacts` (bounded; matched as text, never evaluated).
 */
async function modelArtifactUris(env: Env): Promise<Set<string>> {
  const rows = await env.db.all(
    `SELECT DISTINCT unnest(regexp_extract_all(
       coalesce(CAST(request_parameters AS VARCHAR), '') || ' ' || coalesce(CAST(response_elements AS VARCHAR), ''),
       '"(?:[Mm]odelDataUrl|[Ss]3ModelArtifacts)"\\s*:\\s*"(s3://[^"]{1,1000})"', 1)) AS u
     FROM events WHERE service = 'sagemaker.amazonaws.com'
       AND (CAST(request_parameters AS VARCHAR) ILIKE '%modeldataurl%' OR CAST(request_parameters AS VARCHAR) ILIKE '%s3modelartifacts%'
            OR CAST(response_elements AS VARCHAR) ILIKE '%modeldataurl%' OR CAST(response_elements AS VARCHAR) ILIKE '%s3modelartifacts%')
     ORDER BY u LIMIT 10000`,
  );
  return new Set(rows.map((r) => String(r.u)));
}

/**
 * Objects overwritten within a day by another origin than the one that wrote them, by a machine
 * principal: the file a pipeline produced replaced from elsewhere.
 */
export async function objectOverwrites(env: Env, buckets: DataBuckets): Promise<Candidate[]> {
  const pairs = await env.db.all(
    `WITH w AS (
       SELECT uid, coalesce(event_id, uid) AS eid, time, identity_arn AS who, source_ip AS ip,
              split_part(trim(coalesce(user_agent, '')), ' ', 1) AS client,
              json_extract_string(request_parameters, '$.bucketName') AS b, json_extract_string(request_parameters, '$.key') AS k
       FROM events WHERE service = 's3.amazonaws.com' AND action IN (${actionList(WRITE_ACTIONS)}) AND error_code IS NULL
         AND NOT (coalesce(source_ip, '') LIKE '%.amazonaws.com') AND principal_type IS DISTINCT FROM 'AWSService'),
     l AS (
       SELECT *, lag(eid) OVER p AS prev_eid, lag(time) OVER p AS prev_time, lag(who) OVER p AS prev_who,
              lag(ip) OVER p AS prev_ip, lag(client) OVER p AS prev_client
       FROM w WHERE b IS NOT NULL AND k IS NOT NULL
       WINDOW p AS (PARTITION BY b, k ORDER BY time, uid))
     SELECT uid, eid, prev_eid, b, k, who, ip, client, prev_who, prev_ip, prev_client,
            ${"strftime(time, '%Y-%m-%dT%H:%M:%SZ')"} AS t, ${"strftime(prev_time, '%Y-%m-%dT%H:%M:%SZ')"} AS pt
     FROM l
     WHERE prev_eid IS NOT NULL AND time <= prev_time + INTERVAL 24 HOUR
       AND ip IS DISTINCT FROM prev_ip AND client IS DISTINCT FROM prev_client
       AND NOT EXISTS (SELECT 1 FROM w o WHERE o.b = l.b AND o.k = l.k AND o.time < l.prev_time
                       AND o.who IS NOT DISTINCT FROM l.who AND o.ip IS NOT DISTINCT FROM l.ip)
     ORDER BY t, uid LIMIT 500`,
  );
  if (!pairs.length) return [];
  const data = dataBucketNames(buckets, env.entries);
  const rows = new Map(
    (
      await loadEvents(env.db, `uid IN (${actionList(pairs.map((p) => String(p.uid)))})`, [], { resp: false })
    ).map((r) => [r.uid, r]),
  );
  const out: Candidate[] = [];
  for (const p of pairs) {
    const r = rows.get(String(p.uid));
    if (!r) continue;
    const kind = env.base.kindOf(r.identityArn);
    if (kind === 'human' || kind === 'pipeline') continue;
    if (!isPublicIp(r.sourceIp) || env.base.isCommonIp(r.sourceIp)) continue;
    const bucket = String(p.b);
    const dataKind = data.get(bucket) ?? null;
    const severity: Candidate['severity'] = dataKind ? 'medium' : 'low';
    const mins = Math.round((Date.parse(String(p.t)) - Date.parse(String(p.pt))) / 60000);
    const c: Candidate = {
      ruleId: 'data-store.object-overwritten',
      title: `${bucket}/${String(p.k).slice(0, 200)} overwritten from ${r.sourceIp} ${mins} minute(s) after ${nameOf(String(p.prev_who ?? ''))} wrote it`,
      description:
        `${nameOf(r.identityArn)} (${kind}) from ${r.sourceIp} with ${clientOf(r.userAgent)} replaced s3://${bucket}/${String(p.k).slice(0, 300)}, ` +
        `written ${mins} minute(s) earlier by ${nameOf(String(p.prev_who ?? ''))} from ${p.prev_ip} with ${p.prev_client}` +
        (dataKind ? `; the bucket holds ${dataKind}` : '') +
        '.',
      severity,
      strength: dataKind ? 'hard' : 'soft',
      ifActor: 'high',
      elements: ['data-store-changes'],
      components: dataKind === 'knowledge-base source' ? ['knowledge-bases'] : ['training-data'],
      times: [r.time],
      principals: principalsOf(r),
      accessKeyIds: [r.accessKeyId],
      sourceIps: [r.sourceIp],
      resources: [`arn:aws:s3:::${bucket}`, bucket],
      attack: ['AML.T0020', 'T1565.001'],
      evidence: { eventIds: [r.eventId] },
      actors: [actorOf(r)],
      triage: [
        'another origin (address and client) than the object\u2019s previous writer',
        `${kind} principal`,
        ...(dataKind ? [`bucket holds ${dataKind}`] : []),
      ],
      details: {
        bucket,
        object: String(p.k).slice(0, 1000),
        previousWrite: String(p.prev_eid),
        previousWriter: String(p.prev_who ?? ''),
        previousAddress: String(p.prev_ip ?? ''),
        minutesAfter: mins,
      },
    };
    applyContext(c, matchContext(env.entries, { ...subjectOf(r), targets: [bucket, String(p.k)] }));
    out.push(c);
  }
  return out;
}

/** The three detections, in order: grants, outside reads, overwrites. */
/** Rules whose findings judge a bucket-configuration record themselves. */
const JUDGING_RULES = new Set(['data-store.resource-grant', 'infrastructure.bucket-delivery-outside']);

/**
 * The bucket-policy changes (`data-store.bucket-policy-changed`) whose record a resource-grant
 * finding (or a bucket-delivery-outside finding, for a replication rule) already judges at the same
 * severity or higher are left out: one finding per grant.
 */
export function withoutJudgedPolicyChanges(policyChanges: Candidate[], exposure: Candidate[]): Candidate[] {
  const judged = new Map<string, Candidate['severity']>();
  for (const c of exposure) {
    if (!JUDGING_RULES.has(c.ruleId)) continue;
    for (const id of c.evidence.eventIds ?? []) {
      if (!id) continue;
      const was = judged.get(id);
      if (!was || SEVERITY_ORDER.indexOf(c.severity) > SEVERITY_ORDER.indexOf(was))
        judged.set(id, c.severity);
    }
  }
  return policyChanges.filter((c) => {
    const ids = (c.evidence.eventIds ?? []).filter((x): x is string => !!x);
    return !(
      ids.length > 0 &&
      ids.every((id) => {
        const sev = judged.get(id);
        return sev !== undefined && SEVERITY_ORDER.indexOf(sev) >= SEVERITY_ORDER.indexOf(c.severity);
      })
    );
  });
}

export async function dataExposure(env: Env, buckets: DataBuckets): Promise<Candidate[]> {
  const { cands, grants, own } = await resourceGrants(env, buckets);
  return [
    ...cands,
    ...(await outsideReads(env, buckets, grants, own)),
    ...(await objectOverwrites(env, buckets)),
  ];
}
