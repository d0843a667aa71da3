/**
 * Element `infrastructure-changes`: IAM persistence, logging and detection tampering, network
 * exposure, serverless functions and notebook lifecycle scripts.
 *
 * Who changed what decides how much it matters: administrators at the console and deployment
 * pipelines change IAM and infrastructure every day (informational, with the change ticket when the
 * calendar has one); a workload role or a script's IAM user creating users and keys, opening admin
 * ports to the internet or publishing a function without authentication is abuse until shown
 * otherwise.
 */

import { loadAwsLayerAccounts } from '../io/data-files.js';
import type { Json } from '../model/types.js';
import { isoSql, sqlTime } from '../store/case-store.js';
import {
  actionList,
  actorOf,
  applyContext,
  burstsOf,
  type Candidate,
  type CtRow,
  clientFamily,
  clientOf,
  deviceClient,
  type Env,
  everydayOrigin,
  fromUsualOrigin,
  IAC_UA,
  jsonObject,
  loadEvents,
  matchContext,
  maxSeverity,
  minutesBetween,
  nameOf,
  orgMailDomains,
  type PrincipalKind,
  principalsOf,
  roleOf,
  subjectOf,
  toJson,
  type UsualOrigin,
  usualOrigin,
} from './context.js';
import { orgAccounts } from './data-exposure.js';
import { outsideHost } from './ecs-deployments.js';
import {
  copiesWithAdditions,
  judgeScript,
  lifecycleScripts,
  type ScriptVerdict,
} from './lifecycle-scripts.js';
import { newOriginOf } from './model-jobs.js';
import { guarddutyResources, sagemakerResources } from './resources.js';
import { firstReadsLine, type RoleNewActivity, roleNewActivity } from './role-behaviour.js';
import { type CrossTenantUser, crossTenantCalls } from './tenant-isolation.js';

const ids = (rows: CtRow[]): string[] => rows.map((r) => r.eventId);

const IAM_WRITES = [
  'CreateUser',
  'CreateAccessKey',
  'UpdateAccessKey',
  'CreateLoginProfile',
  'UpdateLoginProfile',
  'AttachUserPolicy',
  'PutUserPolicy',
  'AddUserToGroup',
  'AttachGroupPolicy',
  'PutGroupPolicy',
  'CreateRole',
  'AttachRolePolicy',
  'PutRolePolicy',
  'UpdateAssumeRolePolicy',
  'CreatePolicyVersion',
  'SetDefaultPolicyVersion',
  'DeactivateMFADevice',
  'DeleteUserPermissionsBoundary',
  'DeleteRolePermissionsBoundary',
  'CreateServiceSpecificCredential',
  'UpdateServiceSpecificCredential',
  'CreateSAMLProvider',
  'CreateOpenIDConnectProvider',
  'UpdateOpenIDConnectProviderThumbprint',
];
const ROTATION = new Set(['CreateAccessKey', 'UpdateAccessKey', 'DeleteAccessKey']);
const SERVICE_CREDENTIALS = new Set([
  'CreateServiceSpecificCredential',
  'ResetServiceSpecificCredential',
  'UpdateServiceSpecificCredential',
  'DeleteServiceSpecificCredential',
]);
const ADMIN_POLICY = /AdministratorAccess|IAMFullAccess|PowerUserAccess|"Action"\s*:\s*"\*"|"\*:\*"/;

function targetOf(r: CtRow): string | null {
  const p = r.req ?? {};
  return (p.userName ?? p.roleName ?? p.groupName ?? p.policyArn ?? null) as string | null;
}

function isPipeline(kind: PrincipalKind, r: CtRow): boolean {
  return kind === 'pipeline' || IAC_UA.test(r.userAgent ?? '');
}

/** IAM changes that give someone lasting access, grouped per actor burst (30 minutes). */
export async function iamPersistence(env: Env): Promise<Candidate[]> {
  const writes = await loadEvents(
    env.db,
    `service = 'iam.amazonaws.com' AND action IN (${actionList(IAM_WRITES)}) AND error_code IS NULL`,
  );
  const bursts = burstsOf(
    writes,
    (a, b) => a.identityArn === b.identityArn && a.accessKeyId === b.accessKeyId && a.sourceIp === b.sourceIp,
    30,
  );
  const out: Candidate[] = [];
  for (const b of bursts) {
    const r0 = b[0];
    const kind = env.base.kindOf(r0.identityArn);
    const selfOnly = b.every((r) => ROTATION.has(r.action) && (!targetOf(r) || targetOf(r) === r.userName));
    // a user making a service-specific credential (a Bedrock API key) for itself from the key's
    // everyday address and client: self-service provisioning
    const selfService =
      !selfOnly &&
      b.every((r) => SERVICE_CREDENTIALS.has(r.action) && (!targetOf(r) || targetOf(r) === r.userName)) &&
      (await everydayOrigin(env.db, r0));
    const adminGrant = b.some(
      (r) => /Policy/.test(r.action) && ADMIN_POLICY.test(JSON.stringify(r.req ?? {})),
    );
    const firstT = b[0].time;
    const lastT = b[b.length - 1].time;
    // what the actor read in IAM around the burst (the enumeration that preceded it)
    const reads = await loadEvents(
      env.db,
      `service = 'iam.amazonaws.com' AND coalesce(access_key_id, '') = $1 AND coalesce(source_ip, '') = $2
       AND action NOT IN (${actionList(IAM_WRITES)})
       AND time >= CAST($3 AS TIMESTAMP) - INTERVAL 15 MINUTE AND time <= CAST($4 AS TIMESTAMP) + INTERVAL 5 MINUTE`,
      [r0.accessKeyId ?? '', r0.sourceIp ?? '', sqlTime(firstT), sqlTime(lastT)],
    );
    const all = [...reads, ...b].sort((x, y) => x.time.localeCompare(y.time));
    const targets = [...new Set(b.map(targetOf).filter((x): x is string => !!x))];
    const createdKeys = b
      .filter((r) => r.action === 'CreateAccessKey')
      .map((r) => String((r.resp?.accessKey as Record<string, unknown> | undefined)?.accessKeyId ?? ''))
      .filter(Boolean);
    const createdUsers = b.filter((r) => r.action === 'CreateUser').map((r) => String(r.req?.userName ?? ''));
    const unusual = kind === 'workload' || kind === 'service-user' || kind === 'unknown';
    const pipeline = isPipeline(kind, r0);
    let severity: Candidate['severity'] = 'informational';
    let strength: Candidate['strength'] = 'soft';
    const triage: string[] = [];
    if (selfOnly) {
      triage.push('the user rotating its own access key');
      strength = 'context';
    } else if (selfService) {
      severity = 'low';
      triage.push(
        "a service-specific credential the user made for itself from the key's everyday address and client",
      );
    } else if (unusual) {
      severity = adminGrant ? 'high' : 'medium';
      strength = 'hard';
      triage.push(`IAM identities changed by a ${kind} principal, which has no business administering IAM`);
    } else if (pipeline) {
      triage.push('deployment pipeline (infrastructure as code)');
    } else {
      triage.push(`${kind} administrator`);
      if (adminGrant) severity = 'low';
    }
    if (adminGrant) triage.push('an administrative policy was granted');
    const accountOf = r0.account ?? r0.identityArn?.split(':')[4] ?? '';
    const c: Candidate = {
      ruleId: 'infrastructure.iam-persistence',
      title: `IAM ${[...new Set(b.map((r) => r.action))].join(', ')} by ${nameOf(r0.identityArn)}`,
      description:
        `${nameOf(r0.identityArn)} (${kind}) from ${r0.sourceIp} with ${clientOf(r0.userAgent)}: ` +
        b.map((r) => `${r.action}${targetOf(r) ? ` ${targetOf(r)}` : ''}`).join('; ') +
        (reads.length ? `; preceded or accompanied by ${reads.length} IAM reads` : '') +
        '.',
      severity,
      strength,
      ifActor: 'high',
      elements: ['infrastructure-changes'],
      times: all.map((r) => r.time),
      principals: [...new Set(all.flatMap(principalsOf))],
      accessKeyIds: [r0.accessKeyId, ...createdKeys],
      sourceIps: [r0.sourceIp],
      resources: targets.map((t) =>
        t.startsWith('arn:')
          ? t
          : accountOf
            ? `arn:aws:iam::${accountOf}:${b.find((r) => targetOf(r) === t)?.req?.roleName ? 'role' : 'user'}/${t}`
            : t,
      ),
      attack: [
        'T1098',
        ...(createdKeys.length ? ['T1098.001'] : []),
        ...(createdUsers.length ? ['T1136.003'] : []),
      ],
      evidence: { eventIds: ids(all) },
      actors: [actorOf(r0)],
      creates: { keys: createdKeys, users: createdUsers },
      triage,
      details: {
        actorKind: kind,
        changes: b.map((r) => ({ time: r.time, action: r.action, target: targetOf(r), eventId: r.eventId })),
        adminPolicyGranted: adminGrant,
      },
    };
    if (!unusual) applyContext(c, matchContext(env.entries, { ...subjectOf(r0), targets, pipeline }));
    out.push(c);
  }
  return out;
}

const TAMPER: Record<string, { what: string; attack: string }> = {
  StopLogging: { what: 'CloudTrail logging stopped', attack: 'T1562.008' },
  DeleteTrail: { what: 'CloudTrail trail deleted', attack: 'T1562.008' },
  UpdateTrail: { what: 'CloudTrail trail changed', attack: 'T1562.008' },
  PutEventSelectors: { what: 'CloudTrail event selectors changed', attack: 'T1562.008' },
  DeleteEventDataStore: { what: 'CloudTrail Lake event data store deleted', attack: 'T1562.008' },
  StopEventDataStoreIngestion: { what: 'CloudTrail Lake ingestion stopped', attack: 'T1562.008' },
  DeleteDetector: { what: 'GuardDuty detector deleted', attack: 'T1562.001' },
  UpdateDetector: { what: 'GuardDuty detector changed', attack: 'T1562.001' },
  DisassociateFromMasterAccount: { what: 'GuardDuty member left its administrator', attack: 'T1562.001' },
  DisassociateFromAdministratorAccount: {
    what: 'GuardDuty member left its administrator',
    attack: 'T1562.001',
  },
  DeleteMembers: { what: 'GuardDuty members removed', attack: 'T1562.001' },
  CreateFilter: { what: 'GuardDuty suppression filter', attack: 'T1562.001' },
  UpdateFilter: { what: 'GuardDuty suppression filter changed', attack: 'T1562.001' },
  CreateIPSet: { what: 'GuardDuty trusted IP list', attack: 'T1562.001' },
  UpdateIPSet: { what: 'GuardDuty trusted IP list changed', attack: 'T1562.001' },
  DeletePublishingDestination: { what: 'GuardDuty export removed', attack: 'T1562.001' },
  StopConfigurationRecorder: { what: 'AWS Config recorder stopped', attack: 'T1562.001' },
  DeleteConfigurationRecorder: { what: 'AWS Config recorder deleted', attack: 'T1562.001' },
  DeleteDeliveryChannel: { what: 'AWS Config delivery channel deleted', attack: 'T1562.001' },
  DisableSecurityHub: { what: 'Security Hub disabled', attack: 'T1562.001' },
  BatchDisableStandards: { what: 'Security Hub standards disabled', attack: 'T1562.001' },
};
const TAMPER_SERVICES = [
  'cloudtrail.amazonaws.com',
  'guardduty.amazonaws.com',
  'config.amazonaws.com',
  'securityhub.amazonaws.com',
];

/** Does this change reduce what is logged or detected? `null` when it does not. */
function reduces(r: CtRow, previous: CtRow | undefined): string | null {
  const p = r.req ?? {};
  switch (r.action) {
    case 'UpdateDetector':
      return p.enable === false || String(p.enable) === 'false' ? 'detector disabled' : null;
    case 'CreateFilter':
    case 'UpdateFilter':
      return String(p.action ?? '').toUpperCase() === 'ARCHIVE' ? 'findings auto-archived' : null;
    case 'CreateIPSet':
    case 'UpdateIPSet':
      return p.activate === false ? null : 'addresses exempted from detection';
    case 'UpdateTrail':
      if (p.isMultiRegionTrail === false) return 'trail limited to one Region';
      if (p.includeGlobalServiceEvents === false) return 'global service events excluded';
      if (p.s3BucketName && previous?.req?.s3BucketName && p.s3BucketName !== previous.req.s3BucketName)
        return `delivery moved to bucket ${p.s3BucketName}`;
      return p.s3BucketName ? `delivery bucket set to ${p.s3BucketName}` : null;
    case 'PutEventSelectors': {
      const text = JSON.stringify(p);
      const adv = p.advancedEventSelectors as Array<Record<string, unknown>> | undefined;
      const basic = p.eventSelectors as Array<Record<string, unknown>> | undefined;
      if (adv) {
        const mgmt = adv.some(
          (s) => /"Management"/.test(JSON.stringify(s)) && !/NotEquals|notEquals/.test(JSON.stringify(s)),
        );
        if (!mgmt) return 'management events no longer selected';
        if (/"readOnly"[^\]]*"(true|false)"/.test(text)) return 'only read or only write events selected';
        return null;
      }
      if (basic) {
        if (basic.every((s) => s.includeManagementEvents === false)) return 'management events excluded';
        if (basic.some((s) => s.readWriteType && s.readWriteType !== 'All'))
          return 'only read or only write events selected';
        if (
          basic.some(
            (s) => Array.isArray(s.excludeManagementEventSources) && s.excludeManagementEventSources.length,
          )
        )
          return 'management event sources excluded';
      }
      return null;
    }
    default:
      return 'stopped or removed';
  }
}

/** CloudTrail, GuardDuty, Config and Security Hub changes that reduce logging or detection. */
export async function loggingTampering(env: Env): Promise<Candidate[]> {
  const rows = await loadEvents(
    env.db,
    `service IN (${actionList(TAMPER_SERVICES)}) AND action IN (${actionList(Object.keys(TAMPER))}) AND error_code IS NULL`,
  );
  const restarts = await loadEvents(
    env.db,
    `action IN ('StartLogging', 'StartConfigurationRecorder', 'CreateDetector', 'EnableSecurityHub') AND error_code IS NULL`,
  );
  const out: Candidate[] = [];
  const lastBy = new Map<string, CtRow>();
  for (const r of rows) {
    const target = String(
      r.req?.name ?? r.req?.trailName ?? r.req?.detectorId ?? r.req?.configurationRecorderName ?? '',
    );
    const why = reduces(r, lastBy.get(`${r.action}:${target}`));
    lastBy.set(`${r.action}:${target}`, r);
    if (!why) continue;
    const t = TAMPER[r.action];
    const kind = env.base.kindOf(r.identityArn);
    const restart = restarts.find(
      (s) =>
        s.identityArn === r.identityArn &&
        s.time > r.time &&
        minutesBetween(s.time, r.time) <= 120 &&
        (!target || JSON.stringify(s.req ?? {}).includes(nameOf(target) || target)),
    );
    const c: Candidate = {
      ruleId: 'infrastructure.logging-tampering',
      title: `${t.what}${target ? `: ${nameOf(target) || target}` : ''}`,
      description:
        `${nameOf(r.identityArn)} (${kind}) called ${r.action} from ${r.sourceIp} (${why})` +
        (restart ? `; restored by the same principal at ${restart.time}` : '; not restored in the evidence') +
        '.',
      severity: 'high',
      strength: 'hard',
      ifActor: 'high',
      elements: ['infrastructure-changes'],
      times: [r.time, restart?.time],
      principals: principalsOf(r),
      accessKeyIds: [r.accessKeyId],
      sourceIps: [r.sourceIp],
      resources:
        r.service === 'guardduty.amazonaws.com'
          ? guarddutyResources(r.req, r.resp, r.region, r.account)
          : [target.startsWith('arn:') ? target : target || null],
      attack: [t.attack],
      evidence: { eventIds: [r.eventId, restart?.eventId] },
      actors: [actorOf(r)],
      triage: [why],
      details: { change: why, restoredAt: restart?.time ?? null, actorKind: kind },
    };
    if (restart && kind === 'human') {
      c.severity = 'medium';
      c.triage.push('paused and restored by a person within two hours');
    }
    applyContext(c, matchContext(env.entries, { ...subjectOf(r), targets: [target, nameOf(target)] }));
    out.push(c);
  }
  return out;
}

const SENSITIVE_PORTS = new Set([
  22, 23, 135, 139, 445, 1433, 1521, 2375, 2376, 3306, 3389, 5432, 5439, 5900, 5984, 6379, 7001, 8020, 9042,
  9200, 9300, 11211, 27017, 50070,
]);

interface WorldRule {
  proto: string;
  from: number;
  to: number;
  cidr: string;
}

function worldRules(r: CtRow): WorldRule[] {
  const out: WorldRule[] = [];
  const perms = ((r.req?.ipPermissions as Record<string, unknown> | undefined)?.items ?? []) as Array<
    Record<string, unknown>
  >;
  for (const p of perms) {
    const ranges = [
      ...(
        ((p.ipRanges as Record<string, unknown> | undefined)?.items ?? []) as Array<Record<string, unknown>>
      ).map((x) => String(x.cidrIp ?? '')),
      ...(
        ((p.ipv6Ranges as Record<string, unknown> | undefined)?.items ?? []) as Array<Record<string, unknown>>
      ).map((x) => String(x.cidrIpv6 ?? '')),
    ];
    for (const cidr of ranges) {
      if (cidr !== '0.0.0.0/0' && cidr !== '::/0') continue;
      const proto = String(p.ipProtocol ?? '-1');
      out.push({
        proto,
        from: proto === '-1' ? 0 : Number(p.fromPort ?? 0),
        to: proto === '-1' ? 65535 : Number(p.toPort ?? p.fromPort ?? 65535),
        cidr,
      });
    }
  }
  // ModifySecurityGroupRules
  const mods = ((r.req?.ModifySecurityGroupRulesRequest as Record<string, unknown> | undefined)
    ?.SecurityGroupRule ?? []) as Array<Record<string, unknown>>;
  for (const m of Array.isArray(mods) ? mods : [mods]) {
    const rule = (m.SecurityGroupRule ?? m) as Record<string, unknown>;
    const cidr = String(rule.CidrIpv4 ?? rule.CidrIpv6 ?? '');
    if (cidr === '0.0.0.0/0' || cidr === '::/0')
      out.push({
        proto: String(rule.IpProtocol ?? '-1'),
        from: Number(rule.FromPort ?? 0),
        to: Number(rule.ToPort ?? 65535),
        cidr,
      });
  }
  return out;
}

/** Security-group rules opened to the whole internet. */
export async function securityGroupsOpened(env: Env): Promise<Candidate[]> {
  const rows = await loadEvents(
    env.db,
    `service = 'ec2.amazonaws.com' AND action IN ('AuthorizeSecurityGroupIngress', 'ModifySecurityGroupRules') AND error_code IS NULL`,
  );
  const out: Candidate[] = [];
  for (const r of rows) {
    const rules = worldRules(r);
    if (!rules.length) continue;
    const sensitive = rules.filter(
      (x) => x.to - x.from > 1000 || [...SENSITIVE_PORTS].some((p) => p >= x.from && p <= x.to),
    );
    const group = String(r.req?.groupId ?? '');
    const kind = env.base.kindOf(r.identityArn);
    const ports = rules.map((x) =>
      x.from === x.to ? `${x.proto}/${x.from}` : `${x.proto}/${x.from}-${x.to}`,
    );
    const c: Candidate = {
      ruleId: 'infrastructure.security-group-open-to-world',
      title: `Security group ${group} opened to the internet on ${ports.join(', ')}`,
      description:
        `${nameOf(r.identityArn)} (${kind}) from ${r.sourceIp} allowed ${ports.join(', ')} from ${[...new Set(rules.map((x) => x.cidr))].join(', ')}` +
        (sensitive.length ? ' (administration or database ports)' : ' (web ports)') +
        '.',
      severity: sensitive.length ? 'medium' : 'low',
      strength: sensitive.length ? 'hard' : 'soft',
      ifActor: 'high',
      elements: ['infrastructure-changes'],
      times: [r.time],
      principals: principalsOf(r),
      accessKeyIds: [r.accessKeyId],
      sourceIps: [r.sourceIp],
      resources: [group],
      attack: ['T1562.007'],
      evidence: { eventIds: [r.eventId] },
      actors: [actorOf(r)],
      triage: [sensitive.length ? 'administration or database port exposed' : 'web listener exposed'],
      details: { rules: rules.map((x) => ({ ...x })), actorKind: kind },
    };
    applyContext(
      c,
      matchContext(env.entries, { ...subjectOf(r), targets: [group], pipeline: isPipeline(kind, r) }),
      sensitive.length ? 'low' : 'informational',
    );
    out.push(c);
  }
  return out;
}

const LAMBDA_CHANGES = [
  'CreateFunction',
  'UpdateFunctionCode',
  'UpdateFunctionConfiguration',
  'CreateFunctionUrlConfig',
  'UpdateFunctionUrlConfig',
  'AddPermission',
  'AddLayerVersionPermission',
  'PublishLayerVersion',
  'CreateEventSourceMapping',
  // release steps: what puts a new version in front of callers
  'PublishVersion',
  'UpdateAlias',
  'CreateAlias',
];

function lambdaBase(action: string): string {
  return action.replace(/\d{8}(v\d+)?$/, '');
}

/** Environment variable names that look like security controls (guardrails, filters, logging, keys, auth). */
export const SECURITY_ENV =
  /GUARD|MODERAT|FILTER|SAFETY|LOGGING|AUDIT|KMS|AUTH|REDACT|PII|CONTENT_POLICY|WAF|ALLOWLIST|DENYLIST|BLOCKLIST/i;
const GUARDRAIL_ENV = /GUARDRAIL/i;
const MODEL_ENV = /MODEL/i;

/** A Lambda session obtained through a web identity (OIDC): who the token was for. */
interface WebSession {
  eventId: string;
  time: string;
  role: string;
  subject: string;
  provider: string;
}

/** Web-identity sessions by the access key they issued (AssumeRoleWithWebIdentity responses). */
async function webSessions(env: Env): Promise<Map<string, WebSession>> {
  const out = new Map<string, WebSession>();
  for (const r of await loadEvents(
    env.db,
    `action = 'AssumeRoleWithWebIdentity' AND error_code IS NULL`,
    [],
    { extra: false },
  )) {
    const creds = (r.resp?.credentials ?? {}) as Record<string, unknown>;
    const key = String(creds.accessKeyId ?? '');
    if (!key) continue;
    out.set(key, {
      eventId: r.eventId,
      time: r.time,
      role: String(r.req?.roleArn ?? ''),
      subject: String(r.resp?.subjectFromWebIdentityToken ?? r.userName ?? ''),
      provider: String(r.resp?.provider ?? ''),
    });
  }
  return out;
}

/** The branch or other ref an OIDC subject names (`repo:o/r:ref:refs/heads/x` → `branch x`). */
function refOf(subject: string): string {
  const m = /:ref:refs\/(heads|tags)\/(.+)$/.exec(subject);
  if (m) return `${m[1] === 'heads' ? 'branch' : 'tag'} ${m[2]}`;
  const e = /:(environment|pull_request)(?::(.+))?$/.exec(subject);
  return e ? `${e[1]}${e[2] ? ` ${e[2]}` : ''}` : subject;
}

/** The client family of a change: infrastructure as code, or the first user-agent token without version. */
function familyOf(ua: string | null): string {
  if (IAC_UA.test(ua ?? '')) return 'infrastructure as code';
  return clientFamily(ua) || 'unknown client';
}

/** Where a code update's package came from: an S3 bucket, an image repository or a direct upload. */
function codeSourceOf(r: CtRow): string | null {
  const base = lambdaBase(r.action);
  if (base !== 'UpdateFunctionCode' && base !== 'CreateFunction') return null;
  const p = r.req ?? {};
  const code = (base === 'CreateFunction' ? p.code : p) as Record<string, unknown> | string | undefined;
  if (code === undefined || code === null) return base === 'CreateFunction' ? null : 'a direct upload';
  if (typeof code !== 'object') return null;
  if (code.imageUri) return `image ${String(code.imageUri).split(/[:@]/)[0]}`;
  if (code.s3Bucket) return `bucket ${String(code.s3Bucket)}`;
  return 'a direct upload';
}

/** The variable names of a Lambda `environment` object ([] when it has none), or null when it is not one. */
function varNames(e: unknown): string[] | null {
  if (!e || typeof e !== 'object' || Array.isArray(e)) return null;
  const v = (e as Record<string, unknown>).variables ?? (e as Record<string, unknown>).Variables;
  if (v === undefined || v === null) return [];
  return typeof v === 'object' && !Array.isArray(v) ? Object.keys(v as object).sort() : null;
}

/** Environment variable names a record shows the function having (after the call), or null. */
function envNamesOf(r: CtRow): string[] | null {
  const base = lambdaBase(r.action);
  const conf = r.resp?.configuration as Record<string, unknown> | undefined;
  const fromResp = varNames(conf?.environment) ?? (r.resp ? varNames(r.resp.environment) : null);
  if (fromResp) return fromResp;
  if (base === 'UpdateFunctionConfiguration' || base === 'CreateFunction')
    return varNames(r.req?.environment);
  return null;
}

/** The names a configuration change set (its request), or null when it does not set the environment. */
function envSetBy(r: CtRow): string[] | null {
  const base = lambdaBase(r.action);
  if (base !== 'UpdateFunctionConfiguration' && base !== 'CreateFunction') return null;
  return varNames(r.req?.environment);
}

const LAYER_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]{1,30}:(\d{12}):layer:[A-Za-z0-9_-]{1,140}(?::\d{1,9})?$/;

/** The account a layer ARN (`arn:aws:lambda:<region>:<account>:layer:<name>:<version>`) names, or null. */
export function layerAccount(arn: string): string | null {
  return LAYER_ARN.exec(arn.trim())?.[1] ?? null;
}

const MAX_LAYERS = 20;

/** Layer ARNs of a list of strings or `{arn}` objects (a request's or an answer's `layers`), or null. */
function layerList(v: unknown): string[] | null {
  if (!Array.isArray(v)) return null;
  return v
    .slice(0, MAX_LAYERS)
    .map((x) => (typeof x === 'string' ? x : String((x as Record<string, unknown> | null)?.arn ?? '')))
    .filter((x) => x.length > 0 && x.length < 300);
}

/** The layers a configuration change or creation set (its request), or null when it does not set them. */
function layersSetBy(r: CtRow): string[] | null {
  const base = lambdaBase(r.action);
  if (base !== 'UpdateFunctionConfiguration' && base !== 'CreateFunction') return null;
  return layerList(r.req?.layers);
}

/** The layers a record shows the function having (after the call), or null. */
function layersOf(r: CtRow): string[] | null {
  const conf = r.resp?.configuration as Record<string, unknown> | undefined;
  return layerList(conf?.layers) ?? layerList(r.resp?.layers) ?? layersSetBy(r);
}

/** The variable whose script Lambda runs in place of the runtime's start-up (it wraps the handler). */
const EXEC_WRAPPER = 'AWS_LAMBDA_EXEC_WRAPPER';
/** Variable names that say where the code sends data (a collector, an endpoint, a URL). */
const ENDPOINT_ENV = /(^|_)(URL|URI|ENDPOINT|HOST|COLLECTOR|WEBHOOK|SINK)(_|$)/i;
/** Values CloudTrail or the caller hid (the value itself is not evidence). */
const HIDDEN_VALUE = /^(\*+|HIDDEN_DUE_TO_SECURITY_REASONS)$/;

/** Lambda code, role, URL and permission changes, grouped per function and actor within an hour. */
/** changes that can put another model in front of a function's users */
const MODEL_SWITCHING = new Set([
  'UpdateFunctionConfiguration',
  'UpdateFunctionCode',
  'PublishVersion',
  'UpdateAlias',
  'CreateAlias',
]);
const CUSTOM_MODEL = /imported-model|custom-model|provisioned-model|custom-model-deployment/;
const RUNTIME_CALLS = ['InvokeModel', 'InvokeModelWithResponseStream', 'Converse', 'ConverseStream'];
/**
 * A model anyone may call (a foundation model id or ARN, a system-defined inference profile), not an
 * asset of the account (a custom, imported or provisioned model, an application inference profile,
 * a managed prompt).
 */
export function isStockModel(m: string): boolean {
  return !m.startsWith('arn:') || /:(?:foundation-model|inference-profile)\//.test(m);
}

/** calls a role must have made before a change for a model it then calls to count as a switch */
const APP_MIN_CALLS = 20;
/** models the app calls that it never called before, and how many times, after a change */
export interface AppSwitch {
  model: string;
  calls: number;
  first: string;
  eventIds: string[];
}

/** a change to a function, seen from its execution role: from `after` to `until` (the next change) */
export interface AppWindow {
  role: string;
  after: string;
  until: string | null;
}

/** windows joined per statement (each binds three parameters) */
const WINDOWS_PER_STATEMENT = 500;

/**
 * The windows with a role name, as a `w(k, name, t0, t1)` VALUES list (k the window's index) and its
 * parameters, a chunk at a time; `name` is the role's last path segment, `t1` the next change or none.
 */
function windowChunks(windows: AppWindow[]): Array<{ values: string; params: string[] }> {
  const named = windows.map((w, k) => ({ k, name: w.role.replace(/^.*\//, ''), w })).filter((x) => x.name);
  const out: Array<{ values: string; params: string[] }> = [];
  for (let i = 0; i < named.length; i += WINDOWS_PER_STATEMENT) {
    const params: string[] = [];
    const rows = named.slice(i, i + WINDOWS_PER_STATEMENT).map(({ k, name, w }) => {
      const n = params.push(name, sqlTime(w.after), w.until ? sqlTime(w.until) : '9999-12-31 00:00:00');
      return `(${k}, $${n - 2}::VARCHAR, CAST($${n - 1} AS TIMESTAMP), CAST($${n} AS TIMESTAMP))`;
    });
    out.push({ values: `w(k, name, t0, t1) AS (VALUES ${rows.join(', ')})`, params });
  }
  return out;
}

/** the role name of a call: the last path segment of its identity */
const CALL_ROLE = `regexp_extract(coalesce(identity_arn, ''), '[^/]+$')`;

/**
 * The models a function's execution role first called after a change to the function (within a
 * day, before the function's next change), when the role has an established history of calls:
 * the change put another model in front of the application's users. One list per window, in the
 * order given; all windows are answered by one scan of the calls.
 */
export async function appModelSwitches(env: Env, windows: AppWindow[]): Promise<AppSwitch[][]> {
  const out: AppSwitch[][] = windows.map(() => []);
  for (const { values, params } of windowChunks(windows)) {
    const rows = await env.db.all(
      `WITH ${values},
       calls AS (
         SELECT ${CALL_ROLE} AS name, coalesce(json_extract_string(request_parameters, '$.modelId'), '') AS model,
                time, coalesce(event_id, uid) AS eid
         FROM events WHERE action IN (${actionList(RUNTIME_CALLS)}) AND error_code IS NULL AND principal_type = 'AssumedRole'
           AND ${CALL_ROLE} IN (SELECT name FROM w)),
       -- windows whose role made enough calls before the change
       established AS (
         SELECT w.k FROM w JOIN calls c ON c.name = w.name AND c.time < w.t0
         GROUP BY w.k HAVING count(*) >= ${APP_MIN_CALLS}),
       -- when the role first called each model (a model first called before a change is not new after it)
       firsts AS (SELECT name, model, min(time) AS t FROM calls GROUP BY 1, 2)
       SELECT w.k, c.model, count(*) AS n, list(c.eid ORDER BY c.time, c.eid)[1:10] AS eids, ${isoSql('min(c.time)')} AS first
       FROM w JOIN established e ON e.k = w.k
         JOIN calls c ON c.name = w.name AND c.time >= w.t0 AND c.time <= w.t0 + INTERVAL 1 DAY AND c.model <> ''
         JOIN firsts f ON f.name = c.name AND f.model = c.model AND f.t >= w.t0
       GROUP BY w.k, w.t1, c.model HAVING min(c.time) < w.t1 ORDER BY 1, 2`,
      params,
    );
    for (const r of rows)
      out[Number(r.k)].push({
        model: String(r.model),
        calls: Number(r.n),
        first: String(r.first),
        eventIds: ((r.eids as unknown[]) ?? []).map(String),
      });
  }
  return out;
}

/** appModelSwitches for one window. */
export async function appModelSwitch(
  env: Env,
  role: string,
  after: string,
  until: string | null,
): Promise<AppSwitch[]> {
  return (await appModelSwitches(env, [{ role, after, until }]))[0];
}

/** knowledge-base searches whose request shape is compared before and after a change */
const RETRIEVE_CALLS = ['Retrieve', 'RetrieveAndGenerate', 'RetrieveAndGenerateStream'];
/**
 * Limits of the request-shape test: a field in at least `presentShare` of at least `minBefore`
 * searches before the change, missing from at least `minMissing` searches after it (within a day,
 * before the function's next change); at most `maxCalls` searches read on each side.
 */
export const SHAPE_LIMITS = {
  minBefore: 20,
  presentShare: 0.98,
  minMissing: 3,
  maxCalls: 2000,
  maxCited: 200,
};
/** request fields whose loss removes a control on what a search may return */
const CONTROL_FIELD = /filter|guardrail|tenant|acl|permission|access|scope|partition/i;

/** The key paths of a request (objects only, bounded depth and count; values never read). */
export function requestPaths(v: unknown, prefix = '', out: Set<string> = new Set(), depth = 0): Set<string> {
  if (!v || typeof v !== 'object' || Array.isArray(v) || depth > 6 || out.size > 200) return out;
  for (const k of Object.keys(v as object).sort()) {
    const p = prefix ? `${prefix}.${k.slice(0, 64)}` : k.slice(0, 64);
    out.add(p);
    requestPaths((v as Record<string, unknown>)[k], p, out, depth + 1);
  }
  return out;
}

/** a request field the function's searches always carried and some searches after the change lack */
export interface ShapeChange {
  field: string;
  before: number;
  present: number;
  after: number;
  missing: number;
  first: string;
  eventIds: string[];
  knowledgeBases: string[];
}

/**
 * How the knowledge-base searches of a function's execution role changed shape after a change to the
 * function: the request fields (key paths) present in nearly every search before and missing from
 * several searches after (a retrieval filter dropped, a tenant condition removed). One list per
 * window, in the order given; all windows are answered by one scan of the searches.
 */
export async function appRetrieveShapes(env: Env, windows: AppWindow[]): Promise<ShapeChange[][]> {
  const L = SHAPE_LIMITS;
  const rowsOf: Array<Array<Record<string, unknown>>> = windows.map(() => []);
  for (const { values, params } of windowChunks(windows)) {
    // per window: the searches of the week before the change (the last maxCalls) and of the day
    // after it, before the next change (the first maxCalls)
    const rows = await env.db.all(
      `WITH ${values},
       calls AS (
         SELECT ${CALL_ROLE} AS name, time, coalesce(event_id, uid) AS eid, CAST(request_parameters AS VARCHAR) AS req
         FROM events WHERE action IN (${actionList(RETRIEVE_CALLS)}) AND error_code IS NULL
           AND principal_type = 'AssumedRole' AND ${CALL_ROLE} IN (SELECT name FROM w)),
       s AS (
         SELECT w.k, c.time, c.eid, c.req, c.time >= w.t0 AS late
         FROM w JOIN calls c ON c.name = w.name AND c.time >= w.t0 - INTERVAL 7 DAY
           AND c.time < least(w.t1, w.t0 + INTERVAL 1 DAY)),
       ranked AS (
         SELECT *, CASE WHEN late THEN row_number() OVER (PARTITION BY k, late ORDER BY time, eid)
                        ELSE row_number() OVER (PARTITION BY k, late ORDER BY time DESC, eid) END AS rn
         FROM s)
       SELECT k, ${isoSql('time')} AS t, eid, req, late FROM ranked WHERE rn <= ${L.maxCalls} ORDER BY k, time, eid`,
      params,
    );
    for (const r of rows) rowsOf[Number(r.k)].push(r);
  }
  return rowsOf.map(shapeChanges);
}

/** appRetrieveShapes for one window. */
export async function appRetrieveShape(
  env: Env,
  role: string,
  after: string,
  until: string | null,
): Promise<ShapeChange[]> {
  return (await appRetrieveShapes(env, [{ role, after, until }]))[0];
}

/** The fields a window's searches (before and after the change, in time order) lost. */
export function shapeChanges(rows: Array<Record<string, unknown>>): ShapeChange[] {
  const L = SHAPE_LIMITS;
  const before = new Map<string, number>();
  let nBefore = 0;
  const late: Array<{ t: string; eid: string; paths: Set<string>; kb: string | null }> = [];
  for (const r of rows) {
    const req = jsonObject(r.req);
    const paths = requestPaths(req);
    if (r.late) {
      const kb = req?.knowledgeBaseId;
      late.push({ t: String(r.t), eid: String(r.eid), paths, kb: typeof kb === 'string' ? kb : null });
    } else {
      nBefore++;
      for (const p of paths) before.set(p, (before.get(p) ?? 0) + 1);
    }
  }
  if (nBefore < L.minBefore || !late.length) return [];
  const out: ShapeChange[] = [];
  const steady = [...before.entries()]
    .filter(([, n]) => n >= L.presentShare * nBefore)
    .map(([p]) => p)
    .sort();
  for (const field of steady) {
    // a field under another missing field is the same loss
    if (out.some((x) => field.startsWith(`${x.field}.`))) continue;
    const lacking = late.filter((x) => !x.paths.has(field));
    if (lacking.length < L.minMissing) continue;
    out.push({
      field,
      before: nBefore,
      present: before.get(field) ?? 0,
      after: late.length,
      missing: lacking.length,
      first: lacking[0].t,
      eventIds: lacking.slice(0, L.maxCited).map((x) => x.eid),
      knowledgeBases: [...new Set(lacking.map((x) => x.kb).filter((x): x is string => !!x))].sort(),
    });
  }
  return out;
}

/** Execution roles by function name, from the sessions Lambda opens for a function (named after it). */
async function sessionRoles(env: Env, fns: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!fns.length) return out;
  const rows = await env.db.all(
    `SELECT session_name AS fn, identity_arn AS role, count(*) AS n FROM events
     WHERE principal_type = 'AssumedRole' AND session_name IN (${actionList(fns)}) AND identity_arn IS NOT NULL
     GROUP BY 1, 2 ORDER BY 1, n DESC, 2`,
  );
  for (const r of rows) if (!out.has(String(r.fn))) out.set(String(r.fn), String(r.role));
  return out;
}

export async function lambdaChanges(env: Env, pluginFunctions: Set<string>): Promise<Candidate[]> {
  const usualByKey = new Map<string, UsualOrigin | null>();
  const rows = (
    await loadEvents(
      env.db,
      `service = 'lambda.amazonaws.com' AND error_code IS NULL AND NOT coalesce(read_only, false)`,
    )
  ).filter((r) => LAMBDA_CHANGES.includes(lambdaBase(r.action)));
  // who holds each role's sessions: the service that assumed it (lambda, ec2, sagemaker...) or a caller
  const issuers = new Map<string, Set<string>>();
  for (const r of await env.db.all(
    `SELECT json_extract_string(request_parameters, '$.roleArn') AS role, coalesce(invoked_by, source_ip) AS who
     FROM events WHERE action = 'AssumeRole' AND error_code IS NULL GROUP BY 1, 2 ORDER BY ALL`,
  )) {
    const role = String(r.role ?? '');
    if (!role) continue;
    if (!issuers.has(role)) issuers.set(role, new Set());
    issuers.get(role)!.add(String(r.who ?? ''));
  }
  // each function's execution role as last seen (creation, configuration or reads)
  const lastRole = new Map<string, string>();
  for (const r of await loadEvents(
    env.db,
    `service = 'lambda.amazonaws.com' AND error_code IS NULL AND action LIKE 'GetFunction%'
     AND json_extract_string(response_elements, '$.configuration.role') IS NOT NULL`,
  ))
    lastRole.set(fnName(r), String((r.resp?.configuration as Record<string, unknown>)?.role));
  // each function's environment variable names and layers over time (reads, creations, configuration changes)
  const envHistory = await functionHistory(env, 'environment', envNamesOf);
  // the layer history is read only when a change sets layers (the only use of it)
  const setsLayers = rows.some((r) => (layersSetBy(r) ?? []).length > 0);
  const layerHistory = setsLayers
    ? await functionHistory(env, 'layers', layersOf)
    : new Map<string, ConfigState[]>();
  const org = await orgAccounts(env, []);
  const roleWindows = new Set<string>();
  const awsLayers = setsLayers ? loadAwsLayerAccounts() : new Set<string>();
  const domains = setsLayers ? await orgMailDomains(env.db, new Map()) : new Set<string>();
  const web = await webSessions(env);
  // execution roles of the changed functions that no read showed: the role whose sessions carry the function's name
  const byName = await sessionRoles(env, [...new Set(rows.map(fnName))].filter(Boolean).sort());
  let tenantCalls: Promise<CrossTenantUser[]> | null = null;
  // each role's web-identity subjects: session event ids per subject
  const subjectsOf = new Map<string, Map<string, Set<string>>>();
  for (const s of web.values()) {
    if (!subjectsOf.has(s.role)) subjectsOf.set(s.role, new Map());
    const m = subjectsOf.get(s.role)!;
    if (!m.has(s.subject)) m.set(s.subject, new Set());
    m.get(s.subject)!.add(s.eventId);
  }
  const groups: CtRow[][] = [];
  for (const r of rows) {
    const fn = fnName(r);
    const g = groups.find(
      (x) =>
        fnName(x[0]) === fn &&
        x[0].identityArn === r.identityArn &&
        x[0].accessKeyId === r.accessKeyId &&
        minutesBetween(x[0].time, r.time) <= 60,
    );
    if (g) g.push(r);
    else groups.push([r]);
  }
  const matches = groups.map((g) =>
    matchContext(env.entries, {
      ...subjectOf(g[0]),
      targets: [fnName(g[0])],
      pipeline: isPipeline(env.base.kindOf(g[0].identityArn), g[0]),
    }),
  );
  // each principal's change groups (indexes into groups), for comparing a change with its own history
  const byIdentity = new Map<string, number[]>();
  for (const [i, g] of groups.entries()) {
    const k = g[0].identityArn ?? '';
    if (!byIdentity.has(k)) byIdentity.set(k, []);
    byIdentity.get(k)!.push(i);
  }
  // the application behind each changed function: its execution role as the loop below sees it (the
  // role last seen, as each group's own records update it), the group's last change and the function's
  // next one; the models it switched to and the searches that changed shape, for all groups at once
  const roleNow = new Map(lastRole);
  const apps = groups.map((g, gi) => {
    const fn = fnName(g[0]);
    for (const r of g) if (r.req?.role || r.resp?.role) roleNow.set(fn, String(r.resp?.role ?? r.req?.role));
    const role = roleNow.get(fn) ?? byName.get(fn) ?? null;
    const last = g[g.length - 1];
    const nextChange =
      groups
        .filter((x, i) => i !== gi && fnName(x[0]) === fn && x[0].time > last.time)
        .map((x) => x[0].time)
        .sort()[0] ?? null;
    const watched = !!role && g.some((r) => MODEL_SWITCHING.has(lambdaBase(r.action)));
    return { role, last, nextChange, watched };
  });
  const watchedApps = apps.filter((a) => a.watched);
  const windows = watchedApps.map((a) => ({ role: a.role!, after: a.last.time, until: a.nextChange }));
  const switches = new Map<(typeof apps)[number], AppSwitch[]>();
  const shapes = new Map<(typeof apps)[number], ShapeChange[]>();
  if (windows.length) {
    const sw = await appModelSwitches(env, windows);
    const sh = await appRetrieveShapes(env, windows);
    for (const [i, a] of watchedApps.entries()) {
      switches.set(a, sw[i]);
      shapes.set(a, sh[i]);
    }
  }
  const out: Candidate[] = [];
  for (const [gi, g] of groups.entries()) {
    const r0 = g[0];
    const fn = fnName(r0);
    const kind = env.base.kindOf(r0.identityArn);
    const pipeline = isPipeline(kind, r0);
    const publicUrl = g.some(
      (r) => /FunctionUrlConfig/.test(r.action) && String(r.req?.authType ?? '').toUpperCase() === 'NONE',
    );
    const publicPerm = g.some(
      (r) =>
        lambdaBase(r.action) === 'AddPermission' && ['*', '"*"'].includes(String(r.req?.principal ?? '')),
    );
    const roles = g.map((r) => String(r.req?.role ?? '')).filter(Boolean);
    // a role whose sessions other services or hosts hold (an instance role, a notebook role) handed
    // to a function: the function runs with another workload's permissions
    const foreignRole = roles.filter((role) => {
      const by = issuers.get(role);
      return !!by && by.size > 0 && !by.has('lambda.amazonaws.com');
    });
    const previousRole = roles.length ? lastRole.get(fn) : undefined;
    const roleChanged = !!previousRole && roles.some((r) => r !== previousRole);
    for (const r of g) if (r.req?.role || r.resp?.role) lastRole.set(fn, String(r.resp?.role ?? r.req?.role));
    const created = g.some((r) => lambdaBase(r.action) === 'CreateFunction');
    const exposed = publicUrl || publicPerm;
    // a service user's long-term key changing the function from the key's routine (its pipeline's
    // runner pool, its job's host: see usualOrigin) deploys as it always does; another origin of the
    // same key (someone else holding it) stays unusual
    let routineKey: UsualOrigin | null = null;
    if (kind === 'service-user' && r0.accessKeyId?.startsWith('AKIA')) {
      let u = usualByKey.get(r0.accessKeyId);
      if (u === undefined) {
        u = await usualOrigin(env.db, 'access_key_id', r0.accessKeyId);
        usualByKey.set(r0.accessKeyId, u);
      }
      if (u && g.every((r) => fromUsualOrigin(u, r.sourceIp, r.userAgent))) routineKey = u;
    }
    const unusual = (kind === 'workload' || kind === 'service-user' || kind === 'unknown') && !routineKey;

    // ---- the change against the same principal's other Lambda changes (its own history) ----
    const temporary = /^ASIA/.test(r0.accessKeyId ?? '');
    const history = (byIdentity.get(r0.identityArn ?? '') ?? []).filter(
      (i) => i !== gi && !(temporary && groups[i][0].accessKeyId === r0.accessKeyId),
    );
    const histRows = history.flatMap((i) => groups[i]);
    const deviations: string[] = [];
    const session = r0.accessKeyId ? web.get(r0.accessKeyId) : undefined;
    if (session) {
      const others = [...(subjectsOf.get(session.role)?.entries() ?? [])]
        .map(([subject, evs]) => ({ subject, n: [...evs].filter((e) => e !== session.eventId).length }))
        .filter((x) => x.n > 0);
      if (others.length && !others.some((x) => x.subject === session.subject))
        deviations.push(
          `web-identity session for ${refOf(session.subject)} (${session.subject}), a subject the role's other sessions never had (${others
            .map((x) => refOf(x.subject))
            .filter((x, i, a) => a.indexOf(x) === i)
            .sort()
            .join(', ')})`,
        );
    }
    const families = [...new Set(g.map((r) => familyOf(r.userAgent)))].sort();
    const histFamilies = new Set(histRows.map((r) => familyOf(r.userAgent)));
    const newFamilies = families.filter((f) => !histFamilies.has(f));
    if (histFamilies.size && newFamilies.length)
      deviations.push(
        `changed with ${newFamilies.join(', ')}, where its other Lambda changes used ${[...histFamilies].sort().join(', ')}`,
      );
    const sources = [...new Set(g.map(codeSourceOf).filter((x): x is string => !!x))].sort();
    const histSources = new Set(histRows.map(codeSourceOf).filter((x): x is string => !!x));
    const newSources = sources.filter((s) => !histSources.has(s));
    if (histSources.size && newSources.length)
      deviations.push(
        `code from ${newSources.join(', ')}, where its other code updates came from ${[...histSources].sort().join(', ')}`,
      );
    // environment variables the change dropped, against the function's configuration known before it
    const removed = new Set<string>();
    let previousEnv: ConfigState | undefined;
    for (const r of g) {
      const set = envSetBy(r);
      if (!set) continue;
      const before = (envHistory.get(fn) ?? [])
        .filter((h) => h.time < r.time && h.eventId !== r.eventId)
        .pop();
      if (!before) continue;
      previousEnv = before;
      for (const n of before.values) if (!set.includes(n)) removed.add(n);
    }
    const removedNames = [...removed].sort();
    const controlRemoved = removedNames.filter((n) => SECURITY_ENV.test(n));
    if (removedNames.length)
      deviations.push(
        `environment variable(s) removed: ${removedNames.join(', ')}` +
          (controlRemoved.length ? ` (security controls: ${controlRemoved.join(', ')})` : ''),
      );
    // layers from an account outside the organisation that AWS does not publish from and the
    // function never used before, and the variables added with them (a wrapper that runs before the
    // handler, an endpoint the code sends to)
    const outsideLayers: Array<{ arn: string; account: string }> = [];
    const addedVars = new Set<string>();
    const endpointVars: Array<{ name: string; host: string | null }> = [];
    for (const r of g) {
      const set = layersSetBy(r);
      if (set?.length) {
        const knownAccounts = new Set(
          (layerHistory.get(fn) ?? [])
            .filter((h) => h.time < r.time && h.eventId !== r.eventId)
            .flatMap((h) => h.values.map(layerAccount)),
        );
        for (const arn of set) {
          const a = layerAccount(arn);
          if (!a || a === r.account || org.has(a) || awsLayers.has(a) || knownAccounts.has(a)) continue;
          if (!outsideLayers.some((x) => x.arn === arn)) outsideLayers.push({ arn, account: a });
        }
      }
      const names = envSetBy(r);
      if (!names) continue;
      const before = (envHistory.get(fn) ?? [])
        .filter((h) => h.time < r.time && h.eventId !== r.eventId)
        .pop();
      const vars = ((r.req?.environment as Record<string, unknown> | undefined)?.variables ?? {}) as Record<
        string,
        unknown
      >;
      for (const n of names) {
        if (before?.values.includes(n)) continue;
        addedVars.add(n);
        const v = typeof vars[n] === 'string' ? String(vars[n]).slice(0, 2000) : '';
        const host = v && !HIDDEN_VALUE.test(v.trim()) ? outsideHost(v, domains) : null;
        if ((host || ENDPOINT_ENV.test(n)) && !endpointVars.some((x) => x.name === n))
          endpointVars.push({ name: n, host });
      }
    }
    const wrapperAdded = addedVars.has(EXEC_WRAPPER);
    const outsideAccounts = [...new Set(outsideLayers.map((x) => x.account))].sort();
    // outside the change calendar, when the principal's other changes mostly follow it
    const calendared = history.filter((i) => matches[i]).length;
    if (!matches[gi] && history.length && calendared * 2 > history.length)
      deviations.push(
        `outside the change windows (${calendared} of its ${history.length} other changes were planned)`,
      );

    // the application behind the function: the models its role first called right after the change
    const { role: fnRole, last, nextChange } = apps[gi];
    const switched = switches.get(apps[gi]) ?? [];
    const switchedCustom = switched.some((x) => CUSTOM_MODEL.test(x.model));
    // the account's own AI assets among them (a custom or imported model, a managed prompt)
    const switchedOwn = switched.filter((x) => !isStockModel(x.model));
    // the application's knowledge-base searches changing shape right after the change (a field they
    // always carried now missing), and its answers carrying other tenants' documents from then on
    const reshaped = shapes.get(apps[gi]) ?? [];
    const horizon = new Date(Date.parse(last.time) + 86_400_000).toISOString();
    const crossTenant = reshaped.length
      ? (await (tenantCalls ??= crossTenantCalls(env.db, env.identityOf)))
          .filter((u) => u.identity === fnRole)
          .flatMap((u) => u.calls)
          .filter(
            (c) =>
              c.time >= last.time && c.time < (nextChange && nextChange < horizon ? nextChange : horizon),
          )
          .sort((a, b) => a.time.localeCompare(b.time) || a.requestId.localeCompare(b.requestId))
      : [];
    const controlDropped = reshaped.filter((x) => CONTROL_FIELD.test(x.field.replace(/^.*\./, '')));
    const fresh = switched.length && !pipeline ? await newOriginOf(env, r0) : false;

    let severity: Candidate['severity'] = 'informational';
    let strength: Candidate['strength'] = 'soft';
    const triage: string[] = [];
    if (exposed) {
      severity = 'medium';
      strength = 'hard';
      triage.push('function callable from the internet without authentication');
    }
    const departs = deviations.length >= 2;
    // a service user (a CI key) deploying as it always does: the same client (the whole user agent,
    // not just its family) in at least ROUTINE_MIN of its other Lambda changes, nothing departing
    // from them, and nothing the change itself brings from outside
    const client = deviceClient(r0.userAgent);
    const sameClient = history.filter((i) =>
      groups[i].every((r) => deviceClient(r.userAgent) === client),
    ).length;
    const routine =
      kind === 'service-user' &&
      !!client &&
      !deviations.length &&
      !outsideLayers.length &&
      sameClient >= ROUTINE_MIN &&
      g.every((r) => deviceClient(r.userAgent) === client);
    if (unusual && !routine) {
      severity = exposed ? 'high' : 'medium';
      strength = 'hard';
      triage.push(`function changed by a ${kind} principal`);
    } else if (unusual)
      triage.push(
        `function changed by a ${kind} principal as it routinely deploys: the same client as ${sameClient} of its other Lambda changes`,
      );
    else if (pipeline)
      triage.push(departs ? 'deployment pipeline role, but not as the pipeline runs' : 'deployment pipeline');
    else if (routineKey)
      triage.push(
        `${kind} principal, from its key's routine origin (${routineKey.basis === 'pool' ? 'the address pool' : routineKey.net} with ${routineKey.clients.join(', ') || 'no user agent'})`,
      );
    else triage.push(`${kind} principal`);
    if (foreignRole.length) {
      triage.push(`runs with the role of another workload: ${foreignRole.map(nameOf).join(', ')}`);
      if (!pipeline) {
        severity = maxSeverity(severity, 'medium');
        strength = 'hard';
      }
    }
    if (roleChanged)
      triage.push(`execution role changed from ${nameOf(previousRole)} to ${roles.map(nameOf).join(', ')}`);
    let departFloor: Candidate['severity'] = 'informational';
    if (departs) {
      departFloor = controlRemoved.length ? 'high' : 'medium';
      severity = maxSeverity(severity, departFloor);
      strength = 'hard';
      triage.push(`departs from the principal's own history: ${deviations.join('; ')}`);
    } else if (deviations.length) {
      if (controlRemoved.length) severity = maxSeverity(severity, 'low');
      triage.push(`one departure from the principal's history: ${deviations[0]}`);
    }
    if (switched.length) {
      triage.push(
        `afterwards ${nameOf(fnRole)} called ${switched.map((x) => `${x.model} (${x.calls} times from ${x.first})`).join(', ')}, a model it had not used before`,
      );
      if (fresh)
        triage.push(`changed from ${r0.sourceIp}, an address the principal first used shortly before`);
      if (!pipeline || departs) {
        severity = maxSeverity(severity, switchedCustom || fresh || deviations.length ? 'high' : 'medium');
        strength = 'hard';
      }
    }
    if (reshaped.length) {
      triage.push(
        `afterwards ${nameOf(fnRole)}'s knowledge-base searches changed shape: ${reshaped
          .map(
            (x) =>
              `${x.field} (in ${x.present} of ${x.before} searches before) missing from ${x.missing} of ${x.after} searches from ${x.first}`,
          )
          .join('; ')}`,
      );
      if (crossTenant.length)
        triage.push(
          `from then on ${crossTenant.length} answer(s) carried documents from another tenant's partition (${[
            ...new Set(crossTenant.flatMap((c) => c.foreignTenants)),
          ]
            .sort()
            .join(', ')})`,
        );
      if (!pipeline || departs) {
        severity = maxSeverity(severity, controlDropped.length || crossTenant.length ? 'high' : 'medium');
        strength = 'hard';
      }
    }
    const hooked = wrapperAdded || endpointVars.length > 0;
    const layerOrigin =
      outsideLayers.length && hooked && kind === 'human' ? await newOriginOf(env, r0) : false;
    if (outsideLayers.length) {
      triage.push(
        `layer(s) ${outsideLayers.map((x) => x.arn).join(', ')} from account(s) ${outsideAccounts.join(', ')}: not the organisation's (${[...org.keys()].slice(0, 5).join(', ') || 'none known'}), not an account AWS publishes layers from, and no earlier configuration of ${fn} used a layer from there`,
      );
      if (wrapperAdded)
        triage.push(
          `${EXEC_WRAPPER} added with it: a script from the layers runs in place of the runtime's start-up and wraps every invocation`,
        );
      if (endpointVars.length)
        triage.push(
          `variable(s) added that say where the code sends data: ${endpointVars.map((e) => (e.host ? `${e.name} → ${e.host}` : `${e.name} (value not logged)`)).join(', ')}`,
        );
      // a layer whose code is made to run (a wrapper) or given somewhere to send (an endpoint), by a
      // non-person or from an address new to the person: the function's code now comes from outside
      severity = maxSeverity(
        severity,
        hooked && (kind !== 'human' || departs || layerOrigin) ? 'high' : 'medium',
      );
      strength = 'hard';
    } else if (wrapperAdded)
      triage.push(`${EXEC_WRAPPER} added; the function's layers are the organisation's or AWS-published`);
    const behaviour = reshaped.length > 0 && (!pipeline || departs);
    // reads of the function in the same session around a departing change (the look before the change)
    const reads =
      (departs || (switched.length && !pipeline) || behaviour) && r0.accessKeyId
        ? await loadEvents(
            env.db,
            `service = 'lambda.amazonaws.com' AND error_code IS NULL AND coalesce(read_only, false)
             AND access_key_id = $1 AND action LIKE 'GetFunction%'
             AND time >= CAST($2 AS TIMESTAMP) - INTERVAL 15 MINUTE AND time <= CAST($3 AS TIMESTAMP) + INTERVAL 5 MINUTE`,
            [r0.accessKeyId, sqlTime(r0.time), sqlTime(g[g.length - 1].time)],
            { extra: false },
          ).then((rs) => rs.filter((r) => fnName(r) === fn))
        : [];
    // the same session reading the function's own logs and checking who it is, around a change that
    // changed the application's behaviour (the look before and after)
    const looks =
      behaviour && r0.accessKeyId
        ? await loadEvents(
            env.db,
            `error_code IS NULL AND coalesce(read_only, false) AND access_key_id = $1
             AND (action = 'GetCallerIdentity' OR (service = 'logs.amazonaws.com'
               AND json_extract_string(request_parameters, '$.logGroupName') = $4))
             AND time >= CAST($2 AS TIMESTAMP) - INTERVAL 15 MINUTE AND time <= CAST($3 AS TIMESTAMP) + INTERVAL 5 MINUTE`,
            [r0.accessKeyId, sqlTime(r0.time), sqlTime(g[g.length - 1].time), `/aws/lambda/${fn}`],
            { extra: false },
          )
        : [];
    const all = [...looks, ...reads, ...g].sort(
      (x, y) => x.time.localeCompare(y.time) || x.uid.localeCompare(y.uid),
    );
    const guardrailRemoved = removedNames.some((n) => GUARDRAIL_ENV.test(n));
    const modelRemoved = removedNames.some((n) => MODEL_ENV.test(n));
    const plugin = pluginFunctions.has(fn);
    const components: NonNullable<Candidate['components']> = [];
    if (plugin) components.push('plugins');
    if (guardrailRemoved) components.push('guardrails');
    if (modelRemoved || switched.length)
      components.push(switchedCustom ? 'custom-models' : 'foundation-models');
    if (reshaped.length) components.push('knowledge-bases');
    const c: Candidate = {
      ruleId: 'infrastructure.lambda-change',
      title: `Lambda ${fn}: ${[...new Set(g.map((r) => lambdaBase(r.action)))].join(', ')}`,
      description:
        `${nameOf(r0.identityArn)} (${kind}) from ${r0.sourceIp}: ` +
        g.map((r) => lambdaBase(r.action)).join(', ') +
        (publicUrl ? '; function URL with auth type NONE' : '') +
        (publicPerm ? '; invoke permission for principal *' : '') +
        (roles.length ? `; execution role ${[...new Set(roles)].map(nameOf).join(', ')}` : '') +
        (session ? `; session issued to ${session.subject}` : '') +
        (removedNames.length ? `; environment no longer has ${removedNames.join(', ')}` : '') +
        '.',
      severity,
      strength,
      ifActor: 'high',
      // a switch to the account's own (custom, imported, provisioned) model changes an AI asset; the
      // application pointed at another stock foundation model is a configuration change whose cost
      // shows in the model use, and the model is not the actor's resource (the application calls it)
      elements: [
        'infrastructure-changes',
        ...(guardrailRemoved || modelRemoved || switchedOwn.length ? (['ai-changes'] as const) : []),
      ],
      components,
      times: [session?.time, ...all.map((r) => r.time)],
      principals: [
        ...new Set(all.flatMap(principalsOf)),
        ...((switched.length || behaviour) && fnRole ? [fnRole] : []),
      ],
      accessKeyIds: [r0.accessKeyId],
      sourceIps: [r0.sourceIp],
      resources: [
        fn,
        ...(foreignRole.length ? foreignRole : []),
        ...switchedOwn.map((x) => x.model),
        ...(behaviour ? reshaped.flatMap((x) => x.knowledgeBases) : []),
        ...outsideLayers.map((x) => x.arn),
        ...outsideAccounts,
      ],
      attack: [
        ...(created ? ['T1648'] : ['T1525']),
        ...(outsideLayers.length ? ['T1195.002'] : []),
        ...(outsideLayers.length && wrapperAdded ? ['T1574'] : []),
        ...(exposed ? ['T1190'] : []),
        ...(foreignRole.length ? ['T1098'] : []),
        ...(controlRemoved.length && departs ? ['T1562.001'] : []),
      ],
      evidence: {
        eventIds: [
          ...(session ? [session.eventId] : []),
          ...ids(all),
          ...switched.flatMap((x) => x.eventIds),
          ...(behaviour ? reshaped.flatMap((x) => x.eventIds) : []),
        ],
        ...(behaviour && crossTenant.length
          ? { requestIds: crossTenant.slice(0, SHAPE_LIMITS.maxCited).map((c) => c.requestId) }
          : {}),
      },
      actors: [actorOf(r0)],
      triage,
      details: {
        function: fn,
        actions: g.map((r) => lambdaBase(r.action)),
        publicUrl,
        publicPermission: publicPerm,
        executionRoles: [...new Set(roles)],
        previousExecutionRole: roleChanged ? (previousRole ?? null) : null,
        actorKind: kind,
        codeSource: (g.find((r) => r.req?.code)?.req?.code as Record<string, unknown> | undefined)
          ? JSON.parse(JSON.stringify(g.find((r) => r.req?.code)?.req?.code))
          : null,
        codeSources: sources,
        clientFamilies: families,
        webIdentity: session
          ? { eventId: session.eventId, subject: session.subject, provider: session.provider }
          : null,
        removedEnvironmentVariables: removedNames,
        applicationModels: switched.map((x) => ({
          role: fnRole,
          model: x.model,
          calls: x.calls,
          first: x.first,
        })),
        previousEnvironmentFrom: previousEnv?.eventId ?? null,
        executionRole: fnRole,
        retrieveShape: reshaped.map((x) => ({
          field: x.field,
          searchesBefore: x.before,
          present: x.present,
          searchesAfter: x.after,
          missing: x.missing,
          first: x.first,
          knowledgeBases: x.knowledgeBases,
        })),
        crossTenantAnswers: crossTenant.length,
        deviations,
        outsideLayers,
        addedEnvironmentVariables: [...addedVars].sort(),
        endpointVariables: endpointVars,
      },
    };
    // a planned change explains a layer from outside only when it names the layer's account
    const m = matches[gi];
    if (
      m &&
      outsideLayers.length &&
      m.kind !== 'declared-activity' &&
      !outsideAccounts.every((a) => m.text.includes(a))
    )
      c.triage.push(
        `${m.ticket} covers this time but does not name layer account(s) ${outsideAccounts.join(', ')}`,
      );
    else applyContext(c, m, maxSeverity(exposed ? 'low' : 'informational', departFloor));
    if (departs && c.strength === 'context') c.strength = 'hard';
    out.push(c);

    // what the function's role newly did after a code or configuration change, until the function's
    // next change (ROLE_WINDOW_H at most): secrets it never read, buckets outside the organisation
    const k = `${fnRole}\u0000${r0.time}`;
    if (fnRole && !roleWindows.has(k) && g.some((r) => MODEL_SWITCHING.has(lambdaBase(r.action)))) {
      roleWindows.add(k);
      const limit = new Date(Date.parse(r0.time) + ROLE_WINDOW_H * 3_600_000).toISOString();
      const end = nextChange && nextChange < limit ? nextChange : limit;
      const got = await roleNewActivity(env, fnRole, r0.time, end, (a) => a === r0.account || org.has(a));
      if (got)
        out.push(
          lambdaRoleActivity(fn, fnRole, g, got, {
            outsideLayers: outsideLayers.map((x) => x.arn),
            hooked,
            plugin,
            severity: c.severity,
          }),
        );
    }
  }
  return out;
}

/** other changes with the same client that make a service user's change its routine */
const ROUTINE_MIN = 2;
/** how long after a Lambda change the function role's behaviour is compared (cut at its next change) */
const ROLE_WINDOW_H = 48;
const MAX_ACTIVITY_EVIDENCE = 500;

/**
 * After a Lambda code or configuration change, the function's role reading secrets, parameters or
 * buckets it never read before, or writing objects to buckets of accounts outside the organisation
 * it never wrote to before: what the changed code went for. Tied to the change (its actor is the
 * candidate's actor): low alone (a release may add a feature that reads a new secret), high when the
 * change brought a layer from outside the organisation (the new code's doing), raised with the
 * change's actor otherwise.
 */
function lambdaRoleActivity(
  fn: string,
  role: string,
  g: CtRow[],
  got: RoleNewActivity,
  change: { outsideLayers: string[]; hooked: boolean; plugin: boolean; severity: Candidate['severity'] },
): Candidate {
  const r0 = g[0];
  const outsideBuckets = got.outside.map((x) => x.bucket);
  const owners = [...new Set(got.outside.map((x) => x.owner))].sort();
  const layered = change.outsideLayers.length > 0;
  const serious = layered && (got.secrets.length > 0 || got.writes.length > 0);
  const ev = [...got.reads, ...got.writes]
    .sort((a, b) => a.time.localeCompare(b.time) || a.uid.localeCompare(b.uid))
    .slice(0, MAX_ACTIVITY_EVIDENCE);
  const what = [
    got.secrets.length ? `read ${got.secrets.length} secret(s)` : '',
    got.parameters.length ? `read ${got.parameters.length} parameter(s)` : '',
    got.buckets.length ? `read bucket(s) ${got.buckets.join(', ')}` : '',
    outsideBuckets.length
      ? `wrote ${got.writes.length} object(s) to bucket(s) ${outsideBuckets.join(', ')} of account(s) ${owners.join(', ')} outside the organisation`
      : '',
  ].filter(Boolean);
  const firstOf = (rows: CtRow[]) => rows[0]?.time ?? '';
  return {
    ruleId: 'infrastructure.lambda-role-new-activity',
    title: `After Lambda ${fn} was changed (${[...new Set(g.map((r) => lambdaBase(r.action)))].join(', ')}), its role ${nameOf(role)} ${what.join(' and ')}, never before`,
    description:
      `${[...new Set(g.map((r) => lambdaBase(r.action)))].join(', ')} of ${fn} by ${nameOf(r0.identityArn)} from ${r0.sourceIp} at ${r0.time}. ` +
      `In the ${got.history} records of ${nameOf(role)} before it, the role never did this; afterwards it ${what.join('; ')}.`,
    severity: serious ? 'high' : 'low',
    strength: serious ? 'hard' : 'soft',
    ifActor: 'high',
    elements: ['private-data'],
    components: change.plugin ? ['plugins'] : [],
    times: [r0.time, ...ev.map((r) => r.time)],
    principals: [role],
    // the reads and writes are the function's; the actor is whoever changed it (actors below)
    accessKeyIds: [],
    sourceIps: [],
    resources: [...got.secrets, ...got.buckets, ...got.parameters, ...outsideBuckets, ...owners],
    attack: [
      ...(got.secrets.length || got.parameters.length ? ['T1555.006'] : []),
      ...(got.buckets.length ? ['T1530'] : []),
      ...(got.writes.length ? ['T1537'] : []),
    ],
    evidence: { eventIds: [...g.map((r) => r.eventId), ...ev.map((r) => r.eventId)] },
    actors: [actorOf(r0)],
    triage: [
      `the change: ${g.map((r) => lambdaBase(r.action)).join(', ')} of ${fn} by ${nameOf(r0.identityArn)} from ${r0.sourceIp} at ${r0.time}`,
      ...(layered
        ? [
            `the change added layer(s) from outside the organisation (${change.outsideLayers.join(', ')})${change.hooked ? ' with a wrapper or endpoint variable' : ''}: what the function did next is the layer's doing`,
          ]
        : []),
      ...(got.reads.length ? [firstReadsLine(got.targets, got.reads)] : []),
      ...(got.writes.length
        ? [
            `first write outside the organisation at ${firstOf(got.writes)}: the bucket's owner (CloudTrail's resources) is ${owners.join(', ')}; the data left the organisation`,
          ]
        : []),
      'a release can add a feature that reads a new secret or ships to a partner; code that harvests what its role may read looks the same until the change is judged',
    ],
    details: toJson({
      function: fn,
      executionRole: role,
      change: g.map((r) => r.eventId),
      changeSeverity: change.severity,
      outsideLayers: change.outsideLayers,
      historyRecords: got.history,
      newSecrets: got.secrets,
      newBuckets: got.buckets,
      newParameters: got.parameters,
      reads: got.reads.length,
      outsideWrites: got.writes.length,
      outsideBuckets: got.outside,
    }) as Record<string, never>,
  };
}

/** One state of a function's configuration list (variable names, layer ARNs) and the record showing it. */
interface ConfigState {
  time: string;
  values: string[];
  eventId: string;
}

/**
 * A configuration list of each function over time, from every Lambda record that shows it (reads,
 * creations, configuration changes), in record order.
 */
async function functionHistory(
  env: Env,
  field: 'environment' | 'layers',
  read: (r: CtRow) => string[] | null,
): Promise<Map<string, ConfigState[]>> {
  const out = new Map<string, ConfigState[]>();
  for (const r of await loadEvents(
    env.db,
    `service = 'lambda.amazonaws.com' AND error_code IS NULL AND (
       json_extract(response_elements, '$.${field}') IS NOT NULL
       OR json_extract(response_elements, '$.configuration.${field}') IS NOT NULL
       OR json_extract(request_parameters, '$.${field}') IS NOT NULL)`,
    [],
    { extra: false },
  )) {
    const values = read(r);
    if (!values) continue;
    const fn = fnName(r);
    if (!out.has(fn)) out.set(fn, []);
    out.get(fn)!.push({ time: r.time, values, eventId: r.eventId });
  }
  return out;
}

function fnName(r: CtRow): string {
  const f = String(r.req?.functionName ?? r.req?.layerName ?? r.resources[0] ?? '');
  const m = /function:([^:]+)/.exec(f);
  return m ? m[1] : f;
}

/** A lifecycle configuration's script as a request wrote it. */
interface ConfigVersion {
  name: string;
  row: CtRow;
  text: string;
  verdict: ScriptVerdict;
  /** an earlier configuration (another name) this one copies with lines added */
  lookAlikeOf: string | null;
}

const NOTEBOOK_OPS = new Set([
  'StartNotebookInstance',
  'StopNotebookInstance',
  'CreatePresignedNotebookInstanceUrl',
  'UpdateNotebookInstance',
  'CreateNotebookInstance',
]);

/**
 * SageMaker notebook lifecycle configurations (code that runs as the notebook role on every start).
 * The script is judged by its text (decoded under a cap, never run): one that reads the instance's
 * role credentials and sends data to a host outside AWS steals the credentials. Attaching such a
 * configuration to a notebook (UpdateNotebookInstance) is judged with it, with the stop and start
 * around it that made it run; a look-alike of an earlier configuration and an attachment by a
 * session that never ran the notebook are noted.
 */
export async function sagemakerLifecycle(env: Env): Promise<Candidate[]> {
  const rows = await loadEvents(
    env.db,
    `service = 'sagemaker.amazonaws.com' AND error_code IS NULL AND action IN (
       'CreateNotebookInstanceLifecycleConfig', 'UpdateNotebookInstanceLifecycleConfig', 'CreateStudioLifecycleConfig',
       'UpdateNotebookInstance', 'CreatePresignedNotebookInstanceUrl', 'CreatePresignedDomainUrl',
       'StartNotebookInstance', 'StopNotebookInstance', 'CreateNotebookInstance')`,
  );
  const out: Candidate[] = [];
  const usualByIdentity = new Map<string, UsualOrigin | null>();
  const versions: ConfigVersion[] = [];
  const lower = (v: unknown): string => String(v ?? '').toLowerCase();
  for (const r of rows) {
    if (!/LifecycleConfig$/.test(r.action)) continue;
    const name = String(r.req?.notebookInstanceLifecycleConfigName ?? r.req?.studioLifecycleConfigName ?? '');
    const text = lifecycleScripts(r.req).join('\n');
    if (!name || !text) continue;
    const earlier = versions.find(
      (v) => lower(v.name) !== lower(name) && v.row.time <= r.time && copiesWithAdditions(v.text, text),
    );
    versions.push({ name, row: r, text, verdict: judgeScript(text), lookAlikeOf: earlier?.name ?? null });
  }
  const versionAt = (name: string, time: string): ConfigVersion | undefined =>
    versions.filter((v) => lower(v.name) === lower(name) && v.row.time <= time).at(-1);
  const notebookOf = (x: CtRow): string => lower(x.req?.notebookInstanceName);
  const hostile = (v: ConfigVersion): string =>
    `its script reads ${v.verdict.credentialReads.join(', ')} and sends data out (${v.verdict.outbound.join(', ')}) to ${v.verdict.outsideHosts.join(', ')}` +
    (v.verdict.persistence.length ? `; ${v.verdict.persistence.join(', ')}` : '');
  for (const r of rows) {
    if (NOTEBOOK_OPS.has(r.action) && r.action !== 'CreatePresignedNotebookInstanceUrl') {
      if (r.action !== 'UpdateNotebookInstance' || !r.req?.lifecycleConfigName) continue;
    }
    const kind = env.base.kindOf(r.identityArn);
    const presigned = /Presigned/.test(r.action);
    const name = String(
      r.req?.notebookInstanceLifecycleConfigName ??
        r.req?.studioLifecycleConfigName ??
        r.req?.notebookInstanceName ??
        r.req?.domainId ??
        '',
    );
    let unusual = kind === 'workload' || kind === 'service-user' || kind === 'unknown';
    let routine = false;
    const triage = [unusual ? `by a ${kind} principal` : `${kind} principal`];
    // an identity used by its owner and by someone else: the owner's own URLs (its usual network and
    // client, for a notebook it opened there before the other user appeared) are its routine
    if (presigned && unusual && r.identityArn) {
      let usual = usualByIdentity.get(r.identityArn);
      if (usual === undefined) {
        usual = await usualOrigin(env.db, 'identity_arn', r.identityArn);
        usualByIdentity.set(r.identityArn, usual);
      }
      const sameTarget = (x: CtRow): boolean =>
        x.identityArn === r.identityArn &&
        x.action === r.action &&
        String(x.req?.notebookInstanceName ?? x.req?.domainId ?? '') === name;
      if (
        usual &&
        fromUsualOrigin(usual, r.sourceIp, r.userAgent) &&
        rows.some(
          (x) => sameTarget(x) && x.time < usual.otherFrom && fromUsualOrigin(usual, x.sourceIp, x.userAgent),
        )
      ) {
        unusual = false;
        routine = true;
        triage.push(
          `the identity's usual origin (${usual.net}, ${usual.clients.join(', ') || 'no user agent'}) for a notebook it opened from there before another network used the identity on ${usual.otherFrom}`,
        );
      } else if (usual)
        triage.push(
          `outside the identity's usual origin (${usual.net}, ${usual.clients.join(', ') || 'no user agent'})`,
        );
    }
    // the script itself, or the script of the configuration attached
    const attach = r.action === 'UpdateNotebookInstance';
    const config = attach
      ? versionAt(String(r.req?.lifecycleConfigName), r.time)
      : versions.find((v) => v.row === r);
    const steals = !!config?.verdict.stealsCredentials;
    const cited: CtRow[] = [r];
    const details: Record<string, Json> = {};
    if (config) {
      details.script = {
        configuration: config.name,
        credentialReads: config.verdict.credentialReads,
        outbound: config.verdict.outbound,
        persistence: config.verdict.persistence,
        outsideHosts: config.verdict.outsideHosts,
        ...(config.lookAlikeOf ? { lookAlikeOf: config.lookAlikeOf } : {}),
      };
      if (steals) triage.push(`${attach ? `configuration ${config.name}: ` : ''}${hostile(config)}`);
      if (config.lookAlikeOf)
        triage.push(`copies configuration ${config.lookAlikeOf} with lines of its own added (a look-alike)`);
    }
    if (attach) {
      const nb = notebookOf(r);
      // who ran the notebook before: sessions that started, stopped, opened or changed it (not the
      // attaching session's own stop in the hour before)
      const runners = new Set(
        rows
          .filter(
            (x) =>
              x !== r &&
              x.time < r.time &&
              NOTEBOOK_OPS.has(x.action) &&
              notebookOf(x) === nb &&
              !(x.accessKeyId === r.accessKeyId && Math.abs(minutesBetween(x.time, r.time)) <= 60),
          )
          .map((x) => x.principalArn ?? x.identityArn ?? ''),
      );
      if (runners.size && !runners.has(r.principalArn ?? r.identityArn ?? '')) {
        triage.push(
          "attached by a session that never started, stopped or opened the notebook before (not its owner's)",
        );
        details.notOwner = true;
      }
      // the stop and start around the attachment made the script run
      if (steals)
        cited.push(
          ...rows.filter(
            (x) =>
              x !== r &&
              /^(Start|Stop)NotebookInstance$/.test(x.action) &&
              notebookOf(x) === nb &&
              x.accessKeyId === r.accessKeyId &&
              Math.abs(minutesBetween(x.time, r.time)) <= 60,
          ),
        );
    }
    const resources = presigned
      ? [sagemakerResources(r.req, r.region, r.account)[0] ?? name, roleOf(r.identityArn)]
      : [...sagemakerResources(r.req, r.region, r.account)];
    // the execution role SageMaker issued credentials of at the start that ran the script
    const started = cited.filter((x) => x.action === 'StartNotebookInstance').map((x) => x.time);
    if (steals && attach && started.length) {
      const issued = await env.db.all(
        `SELECT coalesce(event_id, uid) AS id, request_parameters->>'$.roleArn' AS role FROM events
         WHERE action = 'AssumeRole' AND error_code IS NULL AND invoked_by = 'sagemaker.amazonaws.com'
           AND account IS NOT DISTINCT FROM $1
           AND time >= CAST($2 AS TIMESTAMP) AND time <= CAST($2 AS TIMESTAMP) + INTERVAL 15 MINUTE
           AND (request_parameters->>'$.roleArn') IS NOT NULL
         ORDER BY time, 1 LIMIT 1`,
        [r.account, sqlTime(started.sort()[0])],
      );
      if (issued.length) {
        const role = String(issued[0].role);
        resources.push(role);
        details.executionRole = role;
        triage.push(`SageMaker issued credentials of ${nameOf(role)} at the start that ran the script`);
        const ev = await loadEvents(env.db, `coalesce(event_id, uid) = $1`, [String(issued[0].id)]);
        cited.push(...ev);
      }
    }
    if (!presigned && !resources.length) resources.push(name);
    if (!presigned && !steals) resources.push(roleOf(r.identityArn));
    const c: Candidate = {
      ruleId: presigned ? 'access.sagemaker-presigned-url' : 'infrastructure.sagemaker-lifecycle-config',
      title: presigned
        ? `Presigned notebook URL created for ${name}`
        : steals
          ? attach
            ? `Notebook ${name} given lifecycle configuration ${config?.name} that steals its role's credentials`
            : `SageMaker lifecycle configuration ${name} sends the instance's role credentials out`
          : `SageMaker lifecycle configuration ${name} changed`,
      description: `${nameOf(r.identityArn)} (${kind}) called ${r.action} from ${r.sourceIp}.`,
      severity: steals ? 'high' : unusual ? 'medium' : 'informational',
      strength: steals || unusual ? 'hard' : routine ? 'context' : 'soft',
      ifActor: 'high',
      elements: [presigned ? 'access' : 'infrastructure-changes'],
      times: cited.map((x) => x.time),
      principals: principalsOf(r),
      accessKeyIds: [r.accessKeyId],
      sourceIps: [r.sourceIp],
      resources,
      attack: presigned
        ? ['T1078.004']
        : steals
          ? ['T1546', 'T1059', 'T1552.005', 'T1041']
          : ['T1546', 'T1059'],
      evidence: { eventIds: [...new Set(cited.map((x) => x.eventId))] },
      actors: unusual || steals ? [actorOf(r)] : [],
      ...(unusual || steals ? {} : { legit: [actorOf(r)] }),
      triage,
      ...(Object.keys(details).length ? { details } : {}),
    };
    // a ticket does not explain a script that posts the role's credentials out
    const planned = matchContext(env.entries, { ...subjectOf(r), targets: [name] });
    if (!steals) applyContext(c, planned);
    else if (planned) triage.push(`${planned.ticket} does not explain a script that posts credentials out`);
    out.push(c);
  }
  return out;
}
