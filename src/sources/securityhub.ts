/**
 * AWS Security Hub findings (AWS Security Finding Format, ASFF):
 * - `aws securityhub get-findings` output `{"Findings":[...]}` (or a bare array / one per line);
 * - EventBridge `Security Hub Findings - Imported` events: the registry opens the envelope and
 *   hands each of `detail.findings[]` to this reader.
 *
 * `severity` is `Severity.Normalized` (0-100, the scale every product shares in ASFF), and
 * `severityLabel` is `Severity.Label` (or derived from Normalized), in the same title case as
 * GuardDuty's labels. A finding is archived when its workflow status is SUPPRESSED or its record
 * state ARCHIVED. GuardDuty findings imported into Security Hub carry GuardDuty's own fields in
 * `ProductFields` (`aws/guardduty/...`): they are used when ASFF has no field of its own, and
 * `raw` keeps them all.
 *
 * Identity: one row per finding version, uid `securityhub:<Id>@<UpdatedAt>` (see guardduty.ts).
 */
import type { ExtFinding } from '../model/types.js';
import { lenientTime } from './guardduty.js';
import { RecordError, type Row, type SourceReader } from './types.js';
import { get, isObj, num, type Obj, str } from './util.js';

export function isAsffFinding(v: unknown): v is Obj {
  return (
    isObj(v) &&
    typeof v.Id === 'string' &&
    typeof v.ProductArn === 'string' &&
    (typeof v.SchemaVersion === 'string' || typeof v.AwsAccountId === 'string')
  );
}

const LABELS: Record<string, string> = {
  INFORMATIONAL: 'Informational',
  LOW: 'Low',
  MEDIUM: 'Medium',
  HIGH: 'High',
  CRITICAL: 'Critical',
};

/** ASFF's label for a normalized severity (0 informational, 1-39 low, 40-69 medium, 70-89 high, 90-100 critical). */
export function asffLabel(normalized: number | null): string | null {
  if (normalized === null) return null;
  if (normalized >= 90) return 'Critical';
  if (normalized >= 70) return 'High';
  if (normalized >= 40) return 'Medium';
  if (normalized >= 1) return 'Low';
  return 'Informational';
}

function ipOf(d: unknown): string | null {
  return str(get(d, 'IpAddressV4')) ?? str(get(d, 'IpAddressV6'));
}

export function normalizeSecurityHub(rec: unknown): Row {
  if (!isAsffFinding(rec)) throw new RecordError('not an ASFF finding (Id/ProductArn missing)');
  const f = rec;
  const pf: Obj = isObj(f.ProductFields) ? f.ProductFields : {};
  const gd = (k: string): string | null => str(pf[`aws/guardduty/${k}`]);
  const action: Obj = isObj(f.Action) ? f.Action : {};
  const apiCall: Obj = isObj(action.AwsApiCallAction) ? action.AwsApiCallAction : {};
  const resources = Array.isArray(f.Resources) ? f.Resources.filter(isObj) : [];
  const keyRes = resources.find((r) => r.Type === 'AwsIamAccessKey');
  const keyDetails: Obj = (get(keyRes, 'Details', 'AwsIamAccessKey') as Obj | undefined) ?? {};
  const keyFromId = /AccessKey:([A-Z0-9]{16,})$/.exec(str(keyRes?.Id) ?? '')?.[1] ?? null;

  let remoteIp =
    ipOf(apiCall.RemoteIpDetails) ?? ipOf(get(action, 'NetworkConnectionAction', 'RemoteIpDetails'));
  const probes = get(action, 'PortProbeAction', 'PortProbeDetails');
  if (!remoteIp && Array.isArray(probes))
    for (const p of probes) remoteIp ??= ipOf(get(p, 'RemoteIpDetails'));
  remoteIp ??=
    str(get(f, 'Network', 'SourceIpV4')) ??
    str(get(f, 'Network', 'SourceIpV6')) ??
    gd('service/action/awsApiCallAction/remoteIpDetails/ipAddressV4') ??
    gd('service/action/networkConnectionAction/remoteIpDetails/ipAddressV4');

  const normalized = num(get(f, 'Severity', 'Normalized'));
  const label = str(get(f, 'Severity', 'Label'));
  const workflow = str(get(f, 'Workflow', 'Status')) ?? str(f.WorkflowState);
  const recordState = str(f.RecordState);
  const types = Array.isArray(f.Types) ? f.Types.filter((t) => typeof t === 'string') : [];
  const updatedAt = lenientTime(f.UpdatedAt);
  const id = String(f.Id);

  const row: Omit<ExtFinding, 'raw' | 'fileId' | 'idx'> = {
    uid: `securityhub:${id}@${updatedAt ?? str(f.UpdatedAt) ?? ''}`,
    findingId: id,
    source: 'securityhub',
    type: (types[0] as string | undefined) ?? str(f.GeneratorId) ?? 'unknown',
    title: str(f.Title),
    description: str(f.Description),
    severity: normalized ?? num(get(f, 'Severity', 'Product')),
    severityLabel: (label && LABELS[label.toUpperCase()]) ?? asffLabel(normalized),
    account: str(f.AwsAccountId),
    region: str(f.Region) ?? str(resources[0]?.Region),
    createdAt: lenientTime(f.CreatedAt),
    updatedAt,
    firstSeen: lenientTime(f.FirstObservedAt),
    lastSeen: lenientTime(f.LastObservedAt),
    archived: workflow || recordState ? workflow === 'SUPPRESSED' || recordState === 'ARCHIVED' : null,
    count: num(gd('service/count')),
    accessKeyId: str(keyDetails.AccessKeyId) ?? keyFromId ?? gd('resource/accessKeyDetails/accessKeyId'),
    principalId: str(keyDetails.PrincipalId) ?? gd('resource/accessKeyDetails/principalId'),
    userName:
      str(keyDetails.PrincipalName) ?? str(keyDetails.UserName) ?? gd('resource/accessKeyDetails/userName'),
    userType: str(keyDetails.PrincipalType) ?? gd('resource/accessKeyDetails/userType'),
    remoteIp,
    api: str(apiCall.Api) ?? gd('service/action/awsApiCallAction/api'),
    serviceName: str(apiCall.ServiceName) ?? gd('service/action/awsApiCallAction/serviceName'),
    resourceType: str(resources[0]?.Type),
    resources: resources.map((r) => str(r.Id)).filter((x): x is string => x !== null),
  };
  return row as unknown as Row;
}

function findingsList(v: unknown): unknown[] | null {
  if (Array.isArray(v)) return v.length > 0 && isAsffFinding(v[0]) ? v : null;
  if (isObj(v) && Array.isArray(v.Findings) && v.Findings.length > 0 && isAsffFinding(v.Findings[0]))
    return v.Findings;
  return null;
}

export const securityhub: SourceReader = {
  format: 'securityhub',
  table: 'ext_findings',
  recognize(v) {
    return isAsffFinding(v) || findingsList(v) !== null;
  },
  unwrap(v) {
    if (isAsffFinding(v)) return [v];
    return findingsList(v) ?? [];
  },
  normalize: (rec) => normalizeSecurityHub(rec),
};
