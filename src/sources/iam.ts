/**
 * `aws iam get-account-authorization-details` output (one page or many, one per line):
 * `{"UserDetailList":[...],"GroupDetailList":[...],"RoleDetailList":[...],"Policies":[...]}`.
 * Each user, group, role and managed policy becomes one `IamEntity`; its kind is told by the
 * element's own fields (UserName / GroupName / RoleName / PolicyName), so `raw` is the element as
 * delivered. Policy documents are objects in the CLI's output and URL-encoded JSON strings in the
 * raw API response: both are decoded.
 *
 * Identity: uid `<arn>#<hash of the normalised fields>` (what the entity is and grants; not
 * `RoleLastUsed`, counts or the encoding of documents). The output carries no time, so which of two
 * snapshots is later cannot be told from the content; a re-ingested identical snapshot is all
 * duplicates, while an entity that differs between snapshots (a policy added, a trust changed)
 * is kept once per version, each with its file's provenance: a difference between snapshots is
 * evidence, and picking one version silently would hide it. Consumers wanting the current state
 * of an ARN take the version from the snapshot they trust (the latest collected).
 */
import type { IamEntity, Json } from '../model/types.js';
import { RecordError, type Row, type SourceReader } from './types.js';
import { account, isObj, isoTime, type Obj, sha256, str, strings } from './util.js';

const LISTS = ['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies'] as const;

function isAuthorizationDetails(v: unknown): v is Obj {
  if (!isObj(v)) return false;
  if (LISTS.slice(0, 3).some((k) => Array.isArray(v[k]))) return true;
  // a page holding only managed policies
  return (
    Array.isArray(v.Policies) &&
    v.Policies.length > 0 &&
    isObj(v.Policies[0]) &&
    'PolicyVersionList' in (v.Policies[0] as Obj)
  );
}

function kindOf(e: Obj): IamEntity['kind'] | null {
  if (typeof e.RoleName === 'string') return 'role';
  if (typeof e.UserName === 'string') return 'user';
  if (typeof e.GroupName === 'string') return 'group';
  if (typeof e.PolicyName === 'string') return 'policy';
  return null;
}

/** A policy document: an object, or a (URL-encoded) JSON string. Undecodable text is kept as is. */
export function policyDocument(v: unknown): Json {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') return v as Json;
  const tryParse = (s: string): Json | undefined => {
    try {
      return JSON.parse(s) as Json;
    } catch {
      return undefined;
    }
  };
  const direct = /^\s*[{[]/.test(v) ? tryParse(v) : undefined;
  if (direct !== undefined) return direct;
  try {
    const decoded = tryParse(decodeURIComponent(v.replace(/\+/g, '%20')));
    if (decoded !== undefined) return decoded;
  } catch {
    /* not URL-encoded */
  }
  return v;
}

function inline(list: unknown): Json {
  const out: Record<string, Json> = {};
  if (!Array.isArray(list)) return out;
  for (const p of list) {
    if (!isObj(p)) continue;
    const name = str(p.PolicyName);
    if (name) out[name] = policyDocument(p.PolicyDocument);
  }
  return out;
}

function tags(v: unknown): Json {
  if (!Array.isArray(v)) return {};
  const out: Record<string, Json> = {};
  for (const t of v) if (isObj(t) && typeof t.Key === 'string') out[t.Key] = (t.Value ?? null) as Json;
  return out;
}

export function normalizeIam(rec: unknown): Row {
  if (!isObj(rec)) throw new RecordError('IAM entry is not an object');
  const kind = kindOf(rec);
  if (!kind) throw new RecordError('IAM entry without UserName, RoleName, GroupName or PolicyName');
  const arn = str(rec.Arn);
  if (!arn) throw new RecordError(`IAM ${kind} without an Arn`);
  const name = String(rec.UserName ?? rec.RoleName ?? rec.GroupName ?? rec.PolicyName);
  let policyDoc: Json = null;
  if (kind === 'policy' && Array.isArray(rec.PolicyVersionList)) {
    const versions = rec.PolicyVersionList.filter(isObj);
    const def =
      versions.find((v) => v.IsDefaultVersion === true || v.IsDefaultVersion === 'true') ??
      versions.find((v) => v.VersionId === rec.DefaultVersionId);
    policyDoc = def ? policyDocument(def.Document) : null;
  }
  const attached = Array.isArray(rec.AttachedManagedPolicies)
    ? rec.AttachedManagedPolicies.map((p) => str((p as Obj)?.PolicyArn)).filter((x): x is string => !!x)
    : [];
  const row: Omit<IamEntity, 'raw' | 'fileId' | 'idx'> = {
    uid: '',
    kind,
    arn,
    name,
    account: account(arn),
    createDate: isoTime(rec.CreateDate),
    groups: kind === 'user' ? strings(rec.GroupList) : [],
    attachedPolicyArns: attached,
    inlinePolicies: inline(rec.UserPolicyList ?? rec.RolePolicyList ?? rec.GroupPolicyList),
    trustPolicy: kind === 'role' ? policyDocument(rec.AssumeRolePolicyDocument) : null,
    policyDocument: policyDoc,
    tags: tags(rec.Tags),
  };
  // the version is what the entity grants, not how it was encoded or when it was last used
  row.uid = `${arn}#${sha256(JSON.stringify(row)).slice(0, 16)}`;
  return row as unknown as Row;
}

export const iam: SourceReader = {
  format: 'iam-authorization-details',
  table: 'iam_entities',
  recognize: isAuthorizationDetails,
  unwrap(v) {
    const o = v as Obj;
    const out: unknown[] = [];
    for (const k of LISTS) if (Array.isArray(o[k])) out.push(...(o[k] as unknown[]));
    return out;
  },
  normalize: (rec) => normalizeIam(rec),
};
