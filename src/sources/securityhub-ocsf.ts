/**
 * AWS Security Hub findings in OCSF (the Security Hub launched in 2025; the older service, now
 * "Security Hub CSPM", writes ASFF and is read by securityhub.ts). Shapes:
 * - `aws securityhub get-findings-v2` / `GetFindingsV2` output `{"Findings":[...],"NextToken":...}`
 *   (or a bare array / one finding per line);
 * - EventBridge `Findings Imported V2` events (`source` aws.securityhub, one finding in
 *   `detail.findings[]`): the registry opens the envelope and hands the finding to this reader.
 *
 * Read: OCSF Detection Finding (class_uid 2004: GuardDuty, exposure findings) and Compliance
 * Finding (2003: Security Hub CSPM controls) whose `metadata.product` is Security Hub's
 * (`arn:aws:securityhub:<region>::productv2/...`, or vendor AWS). Other OCSF classes (API Activity
 * from Security Lake, Security Finding 2001, vulnerability and data findings) are left to others.
 * Sources: AWS Security Hub User Guide, "EventBridge event formats" (securityhub-v2-cwe-event-formats)
 * and "OCSF findings in Security Hub"; the API Reference for GetFindingsV2 and OcsfFindingIdentifier
 * (cloud.account.uid + finding_info.uid + metadata.product.uid identify a finding); OCSF 1.6 Finding
 * attributes (finding_info, severity_id, status_id, resources, evidences, actor, src_endpoint, api).
 *
 * Rows are those of the ASFF reader (`source` securityhub), so the triage reads them unchanged:
 * - `findingId` is `finding_info.uid` (for GuardDuty the finding ARN, as ASFF's `Id`), `type` the
 *   product's own type among `finding_info.types` (`Impact:IAMUser/AnomalousBehavior`, rather
 *   than the generic `Threats`), else the first type;
 * - `severity` is ASFF's Normalized scale, from `severity_id` by the values Security Hub CSPM gives a
 *   label without a Normalized (Informational 0, Low 1, Medium 40, High 70, Critical 90; Fatal 100),
 *   `severityLabel` the label in title case (Fatal read as Critical);
 * - archived when `status_id` is Suppressed (3) or Archived (5), or the activity is Close (Security
 *   Hub's closed findings), as ASFF's SUPPRESSED workflow or ARCHIVED record state;
 * - the principal, key, address and API from the access-key resource (`resources[].data` holds
 *   GuardDuty's accessKeyDetails in snake case; `resources[].user`), `actor.user`, `src_endpoint`
 *   and `api`, at the top or in `evidences[]`.
 * Walks are bounded (the first 200 resources / evidences, 50 types), values of the wrong type are
 * ignored; a finding without `finding_info.uid` is rejected.
 *
 * Identity: one row per finding version, uid `securityhub:<finding_info.uid>@<modified time>`: the
 * ASFF twin of the same version (same Id and UpdatedAt) is the same row.
 */
import { isIP } from 'node:net';
import type { ExtFinding } from '../model/types.js';
import { lenientTime } from './guardduty.js';
import { type NormalizeContext, RecordError, type Row, type SourceReader } from './types.js';
import { account as accountOfArn, get, isObj, num, type Obj, str } from './util.js';

const CLASSES = new Set([2003, 2004]);
const MAX_ITEMS = 200;
const MAX_TYPES = 50;

/** A non-empty string (not a number turned into one): names, types and statuses. */
const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);

/** An OCSF Detection or Compliance Finding from Security Hub (not yet checked in depth). */
export function isSecurityHubOcsfFinding(v: unknown): v is Obj {
  if (!isObj(v)) return false;
  const cls = num(v.class_uid);
  if (cls === null || !CLASSES.has(cls)) return false;
  const product = get(v, 'metadata', 'product');
  if (!isObj(product)) return false;
  const uid = typeof product.uid === 'string' ? product.uid : '';
  const vendor = typeof product.vendor_name === 'string' ? product.vendor_name : '';
  return /^arn:aws[a-z-]*:securityhub:/.test(uid) || /^(aws|amazon)\b/i.test(vendor.trim());
}

const LABELS: Record<number, [string, number]> = {
  1: ['Informational', 0],
  2: ['Low', 1],
  3: ['Medium', 40],
  4: ['High', 70],
  5: ['Critical', 90],
  6: ['Critical', 100],
};
const BY_NAME: Record<string, number> = {
  informational: 1,
  low: 2,
  medium: 3,
  high: 4,
  critical: 5,
  fatal: 6,
};

function severityOf(f: Obj): { severity: number | null; label: string | null } {
  let id = num(f.severity_id);
  if (id === null || !LABELS[id]) {
    const name = text(f.severity)?.trim().toLowerCase();
    id = name ? (BY_NAME[name] ?? null) : null;
  }
  const l = id === null ? undefined : LABELS[id];
  return l ? { severity: l[1], label: l[0] } : { severity: null, label: null };
}

/** Suppressed or archived by the account team, or closed by its product; null when unsaid. */
function archivedOf(f: Obj): boolean | null {
  const sid = num(f.status_id);
  const status = text(f.status)?.trim().toLowerCase() ?? null;
  const aid = num(f.activity_id);
  const activity = text(f.activity_name)?.trim().toLowerCase() ?? null;
  if (sid === 3 || sid === 5 || status === 'suppressed' || status === 'archived') return true;
  if (aid === 3 || activity === 'close') return true;
  if (sid !== null || status !== null) return false;
  return null;
}

/** `<name>_dt` (ISO) or `<name>` (epoch ms) of an OCSF object. */
function timeOf(o: unknown, name: string, note?: (m: string) => void): string | null {
  if (!isObj(o)) return null;
  return lenientTime(o[`${name}_dt`], note, `OCSF ${name}_dt`) ?? lenientTime(o[name], note, `OCSF ${name}`);
}

const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.slice(0, MAX_ITEMS).filter(isObj) : []);

/** The product's own type (`Family:Resource/Name`) among the types, else the first. */
function typeOf(f: Obj, fi: Obj): string {
  const types = Array.isArray(fi.types)
    ? fi.types
        .slice(0, MAX_TYPES)
        .map(text)
        .filter((t): t is string => t !== null)
    : [];
  return (
    types.find((t) => /^[A-Za-z0-9]+:[A-Za-z0-9-]+\/\S/.test(t)) ??
    types[0] ??
    text(get(f, 'compliance', 'control')) ??
    text(f.class_name) ??
    'unknown'
  );
}

const ipOf = (v: unknown): string | null => {
  const s = str(v)?.trim() ?? null;
  return s && s.length <= 64 && isIP(s) ? s : null;
};

const KEY_ID = /^(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{12,124}$/;

/**
 * The access key's details in `resources[].data`: GuardDuty's accessKeyDetails in snake case (an
 * object), or ASFF's `{"AwsIamAccessKey":{"PrincipalId","PrincipalName","PrincipalType"}}` as JSON
 * text (Security Lake's OCSF 1.1.0 Security Hub findings, as in the sample AWS published with OCSF:
 * github.com/ocsf/examples, mappings/markdown/AWS/v1.1.0/Security Hub/Detection Finding/samples/
 * sechub-guardduty.ocsf), read into the snake-case names.
 */
function keyData(v: unknown): Obj {
  if (isObj(v)) return v;
  if (typeof v !== 'string' || v.length > 65536 || !v.trimStart().startsWith('{')) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    return {};
  }
  if (!isObj(parsed)) return {};
  if (str(parsed.access_key_id) !== null) return parsed;
  const asff = parsed.AwsIamAccessKey;
  if (!isObj(asff)) return {};
  const out: Obj = {};
  const put = (k: string, x: unknown) => {
    const s = str(x);
    if (s) out[k] = s;
  };
  put('access_key_id', asff.AccessKeyId);
  put('principal_id', asff.PrincipalId);
  put('user_name', asff.PrincipalName ?? asff.UserName);
  put('user_type', asff.PrincipalType);
  return out;
}

export function normalizeSecurityHubOcsf(rec: unknown, ctx?: Pick<NormalizeContext, 'note'>): Row {
  if (!isSecurityHubOcsfFinding(rec)) {
    const cls = isObj(rec) ? num(rec.class_uid) : null;
    throw new RecordError(
      cls !== null && !CLASSES.has(cls)
        ? `OCSF class ${cls} is not read (Security Hub Detection 2004 and Compliance 2003 findings are)`
        : 'not a Security Hub OCSF finding (class_uid 2003/2004, metadata.product)',
    );
  }
  const f = rec;
  const fi = f.finding_info;
  if (!isObj(fi)) throw new RecordError('OCSF finding without finding_info');
  const id = str(fi.uid);
  if (!id) throw new RecordError('OCSF finding without finding_info.uid');
  const note = ctx ? (m: string) => ctx.note(m) : undefined;

  const resources = list(f.resources);
  const evidences = list(f.evidences);
  const keyRes =
    resources.find((r) => isObj(r.data) && str(r.data.access_key_id) !== null) ??
    resources.find((r) => /^(AWS::IAM::AccessKey|AwsIamAccessKey)$/.test(text(r.type) ?? ''));
  const data = keyData(keyRes?.data);
  const resUser: Obj = isObj(keyRes?.user) ? keyRes.user : {};
  const actors = [f.actor, ...evidences.map((e) => e.actor)].map((a) => get(a, 'user')).filter(isObj);
  const fromActors = (k: string): string | null => {
    for (const u of actors) {
      const s = str(u[k]);
      if (s) return s;
    }
    return null;
  };
  // Security Lake's OCSF 1.1.0 findings name the key `AWS::IAM::AccessKey:<key id>`
  const keyUid = str(keyRes?.uid)?.replace(/^AWS::IAM::AccessKey:/, '') ?? null;
  const credential = fromActors('credential_uid');
  const accessKeyId =
    str(data.access_key_id) ??
    (keyUid && KEY_ID.test(keyUid) ? keyUid : null) ??
    (credential && KEY_ID.test(credential) ? credential : null);

  let remoteIp = ipOf(get(f, 'src_endpoint', 'ip'));
  for (const e of evidences) remoteIp ??= ipOf(get(e, 'src_endpoint', 'ip'));
  const apis = [f.api, ...evidences.map((e) => e.api)].filter(isObj);
  const apiField = (...path: string[]): string | null => {
    for (const a of apis) {
      const s = str(get(a, ...path));
      if (s) return s;
    }
    return null;
  };

  const { severity, label } = severityOf(f);
  const updatedAt = timeOf(fi, 'modified_time', note) ?? timeOf(f, 'time', note);
  const ids: string[] = [];
  for (const r of resources) {
    const s = str(r.uid) ?? str(r.uid_alt) ?? str(r.name);
    if (s && !ids.includes(s)) ids.push(s);
  }

  const row: Omit<ExtFinding, 'raw' | 'fileId' | 'idx'> = {
    uid: `securityhub:${id}@${updatedAt ?? ''}`,
    findingId: id,
    source: 'securityhub',
    type: typeOf(f, fi),
    title: text(fi.title),
    description: text(fi.desc),
    severity,
    severityLabel: label,
    account:
      str(get(f, 'cloud', 'account', 'uid')) ??
      str(get(resources[0], 'owner', 'account', 'uid')) ??
      accountOfArn(id),
    region: str(get(f, 'cloud', 'region')) ?? str(resources[0]?.region),
    createdAt: timeOf(fi, 'created_time', note),
    updatedAt,
    firstSeen: timeOf(fi, 'first_seen_time', note) ?? timeOf(f, 'start_time', note),
    lastSeen: timeOf(fi, 'last_seen_time', note) ?? timeOf(f, 'end_time', note),
    archived: archivedOf(f),
    count: num(f.count),
    accessKeyId,
    principalId: str(data.principal_id) ?? str(resUser.uid) ?? fromActors('uid'),
    userName: str(data.user_name) ?? str(resUser.name) ?? fromActors('name'),
    userType: str(data.user_type),
    remoteIp,
    api: apiField('operation'),
    serviceName: apiField('service', 'name'),
    resourceType: text(resources[0]?.type),
    resources: ids,
  };
  return row as unknown as Row;
}

/**
 * The findings of a page or array holding Security Hub OCSF findings among its first 100 (a
 * GetFindingsV2 page mixes classes: the others are rejected with their class).
 */
function findingsList(v: unknown): unknown[] | null {
  const items = Array.isArray(v) ? v : isObj(v) && Array.isArray(v.Findings) ? v.Findings : null;
  return items?.slice(0, 100).some(isSecurityHubOcsfFinding) ? items : null;
}

export const securityhubOcsf: SourceReader = {
  format: 'securityhub-ocsf',
  table: 'ext_findings',
  recognize(v) {
    return isSecurityHubOcsfFinding(v) || findingsList(v) !== null;
  },
  unwrap(v) {
    if (isSecurityHubOcsfFinding(v)) return [v];
    return findingsList(v) ?? [];
  },
  normalize: (rec, ctx) => normalizeSecurityHubOcsf(rec, ctx),
};
