/**
 * Amazon GuardDuty findings, in the shapes responders collect them:
 * - the S3 export (camelCase findings, a JSON array or one finding per line, often gzip);
 * - `aws guardduty get-findings` / SDK output (`{"Findings":[...]}`, PascalCase);
 * - EventBridge `GuardDuty Finding` events (the envelope is opened by the registry; the finding
 *   arrives here as `detail`, camelCase).
 *
 * PascalCase findings are read through a camelCase view of their keys; `raw` keeps the original.
 * Severity label follows GuardDuty's ranges: Low 1.0-3.9, Medium 4.0-6.9, High 7.0-8.9,
 * Critical 9.0-10.0.
 *
 * Identity: one row per finding *version*: uid `guardduty:<id>@<updatedAt>`. The same version
 * delivered twice (S3 export and EventBridge) is a duplicate; an updated finding (count grown,
 * archived later) is kept as another row with the same `findingId`, so nothing of its history is
 * lost: consumers that want one row per finding take the latest `updatedAt`.
 */
import type { ExtFinding } from '../model/types.js';
import { type NormalizeContext, RecordError, type Row, type SourceReader } from './types.js';
import { bool, get, isObj, isoTime, num, type Obj, str } from './util.js';

const lowerFirst = (k: string): string => (/^[A-Z]/.test(k) ? k[0].toLowerCase() + k.slice(1) : k);

/** A copy of a value with every object key's first letter lower-cased (PascalCase → camelCase). */
export function camelKeys(v: unknown, depth = 0): unknown {
  if (depth > 200) return v;
  if (Array.isArray(v)) return v.map((x) => camelKeys(x, depth + 1));
  if (!isObj(v)) return v;
  const o: Obj = {};
  for (const [k, x] of Object.entries(v)) o[lowerFirst(k)] = camelKeys(x, depth + 1);
  return o;
}

/**
 * A time as `isoTime` reads it; a time whose fraction of seconds is not a number
 * (`2025-03-11T16:16:43.undefinedZ`, written by broken exporters) is read to the second, with a note.
 */
export function lenientTime(v: unknown, note?: (m: string) => void, field = 'time'): string | null {
  const t = isoTime(v);
  if (t || typeof v !== 'string') return t;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.[^\d+-][^+-]*?(Z|[+-]\d{2}:?\d{2})?$/.exec(v.trim());
  if (!m) return null;
  const fixed = isoTime(`${m[1]}${m[2] ?? 'Z'}`);
  if (fixed) note?.(`${field} with an unreadable fraction of seconds read to the second`);
  return fixed;
}

/** GuardDuty's severity label for a numeric severity. */
export function guardDutySeverityLabel(sev: number | null): string | null {
  if (sev === null) return null;
  if (sev >= 9) return 'Critical';
  if (sev >= 7) return 'High';
  if (sev >= 4) return 'Medium';
  if (sev >= 1) return 'Low';
  return 'Informational';
}

/** A GuardDuty finding in either case convention. */
export function isGuardDutyFinding(v: unknown): v is Obj {
  if (!isObj(v)) return false;
  const id = v.id ?? v.Id;
  const type = v.type ?? v.Type;
  const service = v.service ?? v.Service;
  const resource = v.resource ?? v.Resource;
  if (typeof id !== 'string' || typeof type !== 'string' || !isObj(service) || !isObj(resource)) return false;
  // ASFF findings (Security Hub) have ProductArn and a Resources list: not ours
  if ('ProductArn' in v || 'productArn' in v) return false;
  const arn = str(v.arn ?? v.Arn);
  const svcName = str(service.serviceName ?? service.ServiceName);
  return svcName === 'guardduty' || arn?.includes(':guardduty:') === true || 'detectorId' in service;
}

function remoteIp(action: Obj): string | null {
  const ipOf = (d: unknown): string | null => str(get(d, 'ipAddressV4')) ?? str(get(d, 'ipAddressV6'));
  for (const k of [
    'awsApiCallAction',
    'networkConnectionAction',
    'kubernetesApiCallAction',
    'rdsLoginAttemptAction',
  ]) {
    const ip = ipOf(get(action, k, 'remoteIpDetails'));
    if (ip) return ip;
  }
  const probes = get(action, 'portProbeAction', 'portProbeDetails');
  if (Array.isArray(probes))
    for (const p of probes) {
      const ip = ipOf(get(p, 'remoteIpDetails'));
      if (ip) return ip;
    }
  // any other action type that names a remote address
  for (const a of Object.values(action)) {
    const ip = ipOf(get(a, 'remoteIpDetails'));
    if (ip) return ip;
  }
  return null;
}

function resourceIds(res: Obj): string[] {
  const out: string[] = [];
  const add = (v: unknown): void => {
    const s = str(v);
    if (s && !out.includes(s)) out.push(s);
  };
  const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : isObj(v) ? [v] : []);
  add(get(res, 'instanceDetails', 'instanceId'));
  for (const b of list(res.s3BucketDetails)) add(b.name ?? b.arn);
  add(get(res, 'accessKeyDetails', 'accessKeyId'));
  for (const m of list(res.modelDetails)) add(m.modelId ?? m.modelArn ?? m.arn);
  add(
    get(res, 'bedrockGuardrailDetails', 'guardrailArn') ?? get(res, 'bedrockGuardrailDetails', 'guardrailId'),
  );
  add(get(res, 'eksClusterDetails', 'arn') ?? get(res, 'eksClusterDetails', 'name'));
  add(get(res, 'lambdaDetails', 'functionArn') ?? get(res, 'lambdaDetails', 'functionName'));
  add(
    get(res, 'rdsDbInstanceDetails', 'dbInstanceArn') ??
      get(res, 'rdsDbInstanceDetails', 'dbInstanceIdentifier'),
  );
  add(get(res, 'ecsClusterDetails', 'arn') ?? get(res, 'ecsClusterDetails', 'name'));
  add(get(res, 'containerDetails', 'id'));
  for (const v of list(get(res, 'ebsVolumeDetails', 'scannedVolumeDetails'))) add(v.volumeArn);
  return out;
}

export function normalizeGuardDuty(rec: unknown, ctx?: Pick<NormalizeContext, 'note'>): Row {
  if (!isGuardDutyFinding(rec))
    throw new RecordError('not a GuardDuty finding (id/type/service/resource missing)');
  const f = camelKeys(rec) as Obj;
  const svc = (f.service ?? {}) as Obj;
  const res = (f.resource ?? {}) as Obj;
  const action = isObj(svc.action) ? svc.action : {};
  const api = isObj(action.awsApiCallAction) ? action.awsApiCallAction : {};
  const akd = isObj(res.accessKeyDetails) ? res.accessKeyDetails : {};
  const id = String(f.id);
  const severity = num(f.severity);
  const note = ctx ? (m: string) => ctx.note(m) : undefined;
  const time = (field: string, v: unknown) => lenientTime(v, note, `GuardDuty ${field}`);
  const updatedAt = time('updatedAt', f.updatedAt);
  const row: Omit<ExtFinding, 'raw' | 'fileId' | 'idx'> = {
    uid: `guardduty:${id}@${updatedAt ?? str(f.updatedAt) ?? ''}`,
    findingId: id,
    source: 'guardduty',
    type: String(f.type),
    title: str(f.title),
    description: str(f.description),
    severity,
    severityLabel: guardDutySeverityLabel(severity),
    account: str(f.accountId),
    region: str(f.region),
    createdAt: time('createdAt', f.createdAt),
    updatedAt,
    firstSeen: time('eventFirstSeen', svc.eventFirstSeen),
    lastSeen: time('eventLastSeen', svc.eventLastSeen),
    archived: bool(svc.archived),
    count: num(svc.count),
    accessKeyId: str(akd.accessKeyId),
    principalId: str(akd.principalId),
    userName: str(akd.userName),
    userType: str(akd.userType),
    remoteIp: remoteIp(action),
    api: str(api.api) ?? str(get(action, 'kubernetesApiCallAction', 'verb')),
    serviceName: str(api.serviceName),
    resourceType: str(res.resourceType),
    resources: resourceIds(res),
  };
  return row as unknown as Row;
}

function findingsList(v: unknown): unknown[] | null {
  if (Array.isArray(v)) return v.length > 0 && isGuardDutyFinding(v[0]) ? v : null;
  if (!isObj(v)) return null;
  const list = v.Findings ?? v.findings;
  if (Array.isArray(list) && list.length > 0 && isGuardDutyFinding(list[0])) return list;
  return null;
}

export const guardduty: SourceReader = {
  format: 'guardduty',
  table: 'ext_findings',
  recognize(v) {
    return isGuardDutyFinding(v) || findingsList(v) !== null;
  },
  unwrap(v) {
    if (isGuardDutyFinding(v)) return [v];
    return findingsList(v) ?? [];
  },
  normalize: (rec, ctx) => normalizeGuardDuty(rec, ctx),
};
