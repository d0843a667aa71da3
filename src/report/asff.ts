/**
 * AWS Security Finding Format (ASFF) export for Security Hub `BatchImportFindings`: one finding per
 * genai-ir finding, with every required field. Account and Region come from `report.accounts`, else
 * from the finding's ARNs, else `000000000000` / `us-east-1` (noted in ProductFields).
 */
import type { Element, Finding, Report } from '../model/types.js';
import { tacticsOf, techniqueName } from './attack.js';
import { ELEMENT_LABELS, isComponent, isElement, severityOf } from './common.js';
import { visible } from './escape.js';
import { getAccounts, parseArn } from './extras.js';
import { ipType } from './iocs.js';

export const ASFF_LIMITS = {
  title: 256,
  description: 1024,
  id: 512,
  generatorId: 512,
  resources: 32,
  types: 50,
};

/** The namespaces and (where AWS fixes them) categories of ASFF `Types`. */
export const ASFF_TYPE_TAXONOMY: Record<string, string[] | null> = {
  'Software and Configuration Checks': null,
  TTPs: [
    'Data Exfiltration',
    'Data Destruction',
    'Command and Control',
    'Lateral Movement',
    'Privilege Escalation',
    'Defense Evasion',
    'Collection',
    'Discovery',
    'Execution',
    'Credential Access',
    'Persistence',
    'Initial Access',
    'Impact',
  ],
  Effects: [
    'Data Exposure',
    'Data Exfiltration',
    'Data Destruction',
    'Denial of Service',
    'Resource Consumption',
  ],
  'Unusual Behaviors': [
    'Application',
    'Network Flow',
    'IP address',
    'User',
    'VM',
    'Container',
    'Serverless',
    'Process',
    'Database',
    'Data',
  ],
  'Sensitive Data Identifications': ['PII', 'Passwords', 'Legal', 'Financial', 'Security', 'Business'],
};

const ELEMENT_TYPES: Record<Element, string> = {
  access: 'Unusual Behaviors/User/Unusual access to GenAI resources',
  'infrastructure-changes': 'Unusual Behaviors/User/Infrastructure or logging change',
  'ai-changes': 'Unusual Behaviors/Application/GenAI configuration change',
  'data-store-changes': 'Unusual Behaviors/Data/Knowledge base or training data change',
  invocation: 'Unusual Behaviors/Application/Malicious or abusive model invocation',
  'private-data': 'Effects/Data Exposure/Sensitive data in model output',
  agency: 'Unusual Behaviors/Application/Agent action beyond intent',
};

const TACTIC_TO_ASFF: Record<string, string> = {
  'Initial Access': 'Initial Access',
  Execution: 'Execution',
  Persistence: 'Persistence',
  'Privilege Escalation': 'Privilege Escalation',
  'Defense Evasion': 'Defense Evasion',
  'Credential Access': 'Credential Access',
  Discovery: 'Discovery',
  'Lateral Movement': 'Lateral Movement',
  Collection: 'Collection',
  'Command and Control': 'Command and Control',
  Exfiltration: 'Data Exfiltration',
  Impact: 'Impact',
};

const SEVERITY_LABEL: Record<string, string> = {
  informational: 'INFORMATIONAL',
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  critical: 'CRITICAL',
};

/** A classifier without `/` and within a sane length. */
function classifier(s: string): string {
  return visible(s).replace(/\//g, '-').replace(/\s+/g, ' ').trim().slice(0, 100);
}

function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = max - 1;
  const c = s.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut--;
  return `${s.slice(0, cut)}…`;
}

export function asffTypes(f: Finding): string[] {
  const out: string[] = [];
  for (const id of f.attack ?? []) {
    const name = techniqueName(id);
    for (const t of tacticsOf(id).slice(0, 1)) {
      const cat = TACTIC_TO_ASFF[t];
      if (cat) out.push(`TTPs/${cat}/${classifier(name ? `${id} ${name}` : id)}`);
    }
  }
  for (const e of (f.elements ?? []).filter(isElement)) out.push(ELEMENT_TYPES[e]);
  if (!out.length) out.push('Unusual Behaviors/Application');
  return [...new Set(out)].slice(0, ASFF_LIMITS.types);
}

function resourceOf(r: string, region: string): Record<string, unknown> {
  const arn = parseArn(r);
  const partition = arn.partition ?? 'aws';
  let type = 'Other';
  if (/^AKIA|^ASIA/.test(r) && /^[A-Z0-9]{16,128}$/.test(r)) type = 'AwsIamAccessKey';
  else if (arn.service === 'iam' && /:user\//.test(r)) type = 'AwsIamUser';
  else if (arn.service === 'iam' && /:role\//.test(r)) type = 'AwsIamRole';
  else if (arn.service === 'iam' && /:policy\//.test(r)) type = 'AwsIamPolicy';
  else if (arn.service === 's3' && !r.split(':').slice(5).join(':').includes('/')) type = 'AwsS3Bucket';
  else if (arn.service === 's3') type = 'AwsS3Object';
  else if (arn.service === 'lambda') type = 'AwsLambdaFunction';
  else if (arn.service === 'cloudtrail') type = 'AwsCloudTrailTrail';
  else if (arn.service === 'ec2' && /:instance\//.test(r)) type = 'AwsEc2Instance';
  return {
    Type: type,
    Id: clip(r, 512),
    Partition: partition,
    Region: arn.region ?? region,
  };
}

function pickAccountRegion(report: Report, f: Finding): { account: string; region: string; note?: string } {
  const accounts = getAccounts(report);
  const arns = [...(f.principals ?? []), ...(f.resources ?? [])].map(parseArn);
  const fromArn = arns.find((a) => a.account)?.account;
  const regionFromArn = arns.find((a) => a.region)?.region;
  const account =
    fromArn && (!accounts.length || accounts.some((a) => a.id === fromArn))
      ? fromArn
      : (accounts[0]?.id ?? fromArn);
  const acctRegions = accounts.find((a) => a.id === account)?.regions ?? [];
  const region = regionFromArn ?? acctRegions[0];
  const notes: string[] = [];
  if (!account) notes.push('account unknown: 000000000000 used');
  if (!region) notes.push('region unknown: us-east-1 used');
  return {
    account: account ?? '000000000000',
    region: region ?? 'us-east-1',
    note: notes.length ? notes.join('; ') : undefined,
  };
}

function productFields(f: Finding, note: string | undefined): Record<string, string> {
  const pf: Record<string, string> = {};
  const put = (k: string, v: string | undefined) => {
    if (v) pf[`genai-ir/${k}`] = clip(v, 2048);
  };
  put('FindingId', f.id);
  put('RuleId', f.ruleId);
  put('Elements', (f.elements ?? []).join(','));
  put('Components', (f.components ?? []).filter(isComponent).join(','));
  put('Attack', (f.attack ?? []).join(','));
  put('AccessKeyIds', (f.accessKeyIds ?? []).join(','));
  put('SourceIps', (f.sourceIps ?? []).join(','));
  put('Principals', (f.principals ?? []).join(','));
  const ev = f.evidence ?? {};
  for (const k of ['eventIds', 'requestIds', 'traceIds', 'findingIds', 'records'] as const) {
    const ids = ev[k];
    if (ids?.length) {
      put(`Evidence/${k}/Count`, String(ids.length));
      put(`Evidence/${k}`, ids.slice(0, 40).join(','));
    }
  }
  put('Note', note);
  return pf;
}

export function findingToAsff(report: Report, f: Finding): Record<string, unknown> {
  const { account, region, note } = pickAccountRegion(report, f);
  const sev = severityOf(f);
  const label = SEVERITY_LABEL[sev]!;
  const types = asffTypes(f);
  const now = validIso(report.generatedAt) ?? validIso(f.lastSeen) ?? new Date(0).toISOString();
  const title = clip(
    visible(f.title ?? f.ruleId ?? 'genai-ir finding')
      .replace(/\s+/g, ' ')
      .trim() || 'genai-ir finding',
    ASFF_LIMITS.title,
  );
  const elements = (f.elements ?? [])
    .filter(isElement)
    .map((e) => ELEMENT_LABELS[e])
    .join(', ');
  const descSrc = f.description?.trim() ? f.description : `${f.title}. Elements: ${elements}.`;
  const description = clip(visible(descSrc).trim() || title, ASFF_LIMITS.description);

  const resources: Record<string, unknown>[] = [];
  const seen = new Set<string>();
  for (const r of [...(f.resources ?? []), ...(f.principals ?? []), ...(f.accessKeyIds ?? [])]) {
    if (seen.has(r) || !r) continue;
    seen.add(r);
    resources.push(resourceOf(r, region));
  }
  if (!resources.length)
    resources.push({ Type: 'AwsAccount', Id: `AWS::::Account:${account}`, Partition: 'aws', Region: region });

  const out: Record<string, unknown> = {
    SchemaVersion: '2018-10-08',
    Id: clip(`genai-ir/${account}/${region}/${f.id}`, ASFF_LIMITS.id),
    ProductArn: `arn:aws:securityhub:${region}:${account}:product/${account}/default`,
    ProductName: 'genai-ir',
    CompanyName: 'genai-ir',
    GeneratorId: clip(`genai-ir/${f.ruleId}`, ASFF_LIMITS.generatorId),
    AwsAccountId: account,
    Region: region,
    Types: types,
    CreatedAt: now,
    UpdatedAt: now,
    FirstObservedAt: validIso(f.firstSeen),
    LastObservedAt: validIso(f.lastSeen),
    Severity: { Label: label, Original: sev },
    Title: title,
    Description: description,
    Resources: resources.slice(0, ASFF_LIMITS.resources),
    ProductFields: productFields(f, note),
    RecordState: 'ACTIVE',
    Workflow: { Status: 'NEW' },
    FindingProviderFields: { Severity: { Label: label, Original: sev }, Types: types },
  };
  const ip = (f.sourceIps ?? []).find((x) => ipType(x));
  if (ip) {
    const v6 = ipType(ip) === 'ipv6';
    out['Network'] = { Direction: 'IN', ...(v6 ? { SourceIpV6: ip } : { SourceIpV4: ip }) };
    if (!v6)
      out['Action'] = {
        ActionType: 'AWS_API_CALL',
        AwsApiCallAction: {
          CallerType: 'remoteip',
          RemoteIpDetails: { IpAddressV4: ip },
          FirstSeen: validIso(f.firstSeen),
          LastSeen: validIso(f.lastSeen),
        },
      };
  }
  return dropUndefined(out);
}

/** `{Findings: [...]}`, ready for `aws securityhub batch-import-findings --cli-input-json` (100 per call). */
export function toAsff(report: Report): { Findings: Record<string, unknown>[] } {
  return { Findings: report.findings.map((f) => findingToAsff(report, f)) };
}

function validIso(s: string | undefined): string | undefined {
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

function dropUndefined<T>(o: T): T {
  if (Array.isArray(o)) {
    o.forEach(dropUndefined);
  } else if (o && typeof o === 'object') {
    for (const [k, v] of Object.entries(o)) {
      if (v === undefined) delete (o as Record<string, unknown>)[k];
      else dropUndefined(v);
    }
  }
  return o;
}
