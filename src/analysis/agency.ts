/**
 * Element `agency`: what the application and its agents could do, and what they did on users' behalf.
 *
 * - posture: what the agents' action-group Lambda roles, agent execution roles and application roles
 *   are allowed to do (administrator, IAM writes, iam:PassRole, destructive data actions, secrets,
 *   cross-account) — informational or low, it is a fact about configuration, not an event;
 * - agent actions per session against the agent's own history: actions it hardly ever takes,
 *   destructive or financial actions on several customers in one conversation, the same unusual value
 *   (card, address, account) applied to different customers' records, amounts far above the usual,
 *   after an authority claim or a prompt attack in the same conversation; credentials in its answers;
 * - agent behaviour that changed with an agent configuration change: actions and action-group
 *   executors first seen after a change (CloudTrail), weighed by who made the change;
 * - CloudTrail of the roles the agent's Lambdas run as: calls beyond their usual APIs (IAM, secrets,
 *   keys), and what a credential the agent minted was then used for;
 * - indirect prompt injection in knowledge-base documents and tool results the agent read.
 */
import { type Detector, makeFinding } from '../engine/detector.js';
import type { IdentityOf } from '../engine/principal-names.js';
import type { Finding, Json, Severity } from '../model/types.js';
import { CODE_INTERPRETER } from '../sources/agent-trace.js';
import { isoSql, type Queryable, sqlString, sqlTime } from '../store/case-store.js';
import { analyzePrompt, findSensitive, SECRET_TYPES } from '../text/index.js';
import { actionGroupExecutors, executorAt } from './action-group-executors.js';
import { type AgentAction, agentBaseline, robustStats, shortName } from './baselines.js';
import {
  BROWSER_UA,
  type CtRow,
  clientFamily,
  functionNameOf,
  IAC_UA,
  inDomains,
  jsonObject,
  loadEvents,
  orgMailDomains,
} from './context.js';
import { excerpt, hiddenInstructions } from './invocation.js';
import { META_KEYS, metaFirst, metaSql } from './request-metadata.js';
import { wildcardMatch } from './wildcard.js';

// ---- small helpers ---------------------------------------------------------------------------------

const str = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));

function parseJson(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return null;
  }
}

function asArray<T>(v: T | T[] | undefined | null): T[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** Words of an action key (`CustomerAccount DELETE /customers/{customerId}/records` → customer account delete ...). */
function words(s: string): string {
  return s
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .toLowerCase();
}

const DESTRUCTIVE = /\b(?:delete|remove|purge|erase|destroy|drop|wipe|terminate|deactivate|close|cancel)\b/;
const FINANCIAL =
  /\b(?:refunds?|payments?|payouts?|transfers?|withdraw\w*|credits?|charges?|wallet|card|bank|iban|disburse\w*|reimburse\w*|compensat\w*|voucher|gift)\b/;
const PROFILE = /\b(?:address|email|phone|payment|card|bank|account|password|profile|shipping|billing)\b/;
const PRIVILEGED =
  /\b(?:credentials?|secrets?|keys?|tokens?|passwords?|iam|roles?|permissions?|polic(?:y|ies)|admin\w*|integrations?|rotate|api keys?|access keys?)\b/;

export type ActionClass = 'destructive' | 'financial' | 'profile-update' | 'privileged' | 'read' | 'other';

/** What kind of action an action-group call is, from its name, path and verb. */
export function classifyAction(a: Pick<AgentAction, 'actionGroup' | 'apiName' | 'verb'>): ActionClass[] {
  const w = words(`${a.actionGroup ?? ''} ${a.apiName ?? ''}`);
  const verb = (a.verb ?? '').toLowerCase();
  const out: ActionClass[] = [];
  if (verb === 'delete' || DESTRUCTIVE.test(w)) out.push('destructive');
  if (FINANCIAL.test(w) && verb !== 'get') out.push('financial');
  if (
    PROFILE.test(w) &&
    (['put', 'patch', 'post'].includes(verb) ||
      (!verb && /\b(?:update|change|set|edit|modify|add|replace)\b/.test(w)))
  )
    out.push('profile-update');
  if (PRIVILEGED.test(w)) out.push('privileged');
  if (!out.length)
    out.push(
      verb === 'get' || /\b(?:get|list|describe|lookup|search|find|read|status)\b/.test(w) ? 'read' : 'other',
    );
  return out;
}

const SENSITIVE_CLASSES = new Set<ActionClass>(['destructive', 'financial', 'profile-update', 'privileged']);

/** Parameters that name the record acted on (`orderId`, `customerId`); the others carry values. */
function isSubjectParam(name: string): boolean {
  return (
    /(?:^|[a-z_])(?:id|ids|number|no)$/i.test(name) ||
    /^(?:user|username|account|customer|order)$/i.test(name)
  );
}

function isCustomerLike(name: string): boolean {
  return /customer|account|user|profile|member|client|person/i.test(name);
}

/** Claims of authority or pre-approval used to talk an agent into privileged actions. */
const AUTHORITY: RegExp[] = [
  /\bi(?:'m| am)\s+(?:the|a|an|your)\s+(?:\w+\s+){0,2}(?:manager|supervisor|admin\w*|owner|director|lead|officer|engineer|developer|auditor|agent|staff|employee)\b/i,
  /\b(?:approved|authori[sz]ed|signed off|cleared|sanctioned)\s+by\s+(?:my|the|our|a)\s+\w+/i,
  /\b(?:legal|compliance|security|finance|management|the cto|the ceo|it|hr)\s+(?:team\s+)?(?:asked|told|requires?|instructed|wants|approved)\b/i,
  /\b(?:same|prior|existing)\s+approval\b/i,
  /\b(?:override|emergency|urgent)\s+(?:request|access|procedure|approval)\b/i,
  /\bticket\s+#?[A-Z0-9-]{4,}\b/i,
  /\bon behalf of\s+(?:the|our)\s+\w+/i,
];

export function authorityClaim(text: string): boolean {
  return AUTHORITY.some((re) => re.test(text));
}

/** AWS access keys and secrets in a text (values never leave this module unmasked). */
const AWS_KEY = /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g;
const AWS_SECRET = /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/g;

export function credentialsIn(text: string): { keys: string[]; secrets: number } {
  const keys = [...new Set(text.match(AWS_KEY) ?? [])];
  const secrets = keys.length
    ? (text.match(AWS_SECRET) ?? []).filter((s) => /[A-Z]/.test(s) && /[a-z]/.test(s) && /\d/.test(s)).length
    : 0;
  return { keys, secrets };
}

export function maskKey(k: string): string {
  return k.length > 8 ? `${k.slice(0, 4)}…${k.slice(-4)}` : '…';
}

// ---- what an action sends, and to whom ----------------------------------------------------------------

const EMAIL_ONLY =
  /^[^@\s,;<>"']{1,64}@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;
/** Longest parameter value read as a list of recipients. */
const RECIPIENT_VALUE_MAX = 2000;
/** Longest parameter value read for personal data. */
const PERSONAL_VALUE_MAX = 20_000;

/**
 * Who an action sends to: the parameters whose value is nothing but e-mail addresses (`to`, `cc`,
 * a list of them), and those addresses, lower-case.
 */
export function recipientsOf(params: Record<string, string>): { names: string[]; addresses: string[] } {
  const names: string[] = [];
  const addresses = new Set<string>();
  for (const [n, v] of Object.entries(params)) {
    if (!v || v.length > RECIPIENT_VALUE_MAX || !v.includes('@')) continue;
    const parts = v
      .split(/[\s,;]+/)
      .map((x) => x.replace(/^<|>$/g, ''))
      .filter(Boolean);
    if (!parts.length || !parts.every((x) => EMAIL_ONLY.test(x))) continue;
    names.push(n);
    for (const x of parts) addresses.add(x.toLowerCase());
  }
  return { names, addresses: [...addresses].sort() };
}

export function domainOfAddress(a: string): string {
  return a.slice(a.lastIndexOf('@') + 1).toLowerCase();
}

/** An e-mail address for a report: the domain kept, the mailbox masked. */
export function maskAddress(a: string): string {
  const at = a.lastIndexOf('@');
  return at > 0 ? `${a.slice(0, Math.min(2, at))}…@${a.slice(at + 1)}` : maskValue(a);
}

/**
 * Personal data (distinct e-mail addresses and phone numbers) an action's parameters carry besides
 * its recipients and what the user typed in the conversation: other people's contact details.
 */
export function carriedPersonalData(
  params: Record<string, string>,
  recipientParams: string[],
  typed: string,
): { emails: number; phones: number } {
  const skip = new Set(recipientParams);
  const typedLower = typed.toLowerCase();
  const typedPhones = new Set(
    findSensitive(typed.slice(0, PERSONAL_VALUE_MAX), { types: ['phone'] }).map((m) =>
      typed.slice(m.start, m.end).replace(/\D+/g, '').slice(-10),
    ),
  );
  const emails = new Set<string>();
  const phones = new Set<string>();
  for (const [n, v] of Object.entries(params)) {
    if (skip.has(n) || !v) continue;
    const text = v.slice(0, PERSONAL_VALUE_MAX);
    for (const m of findSensitive(text, { types: ['email', 'phone'] })) {
      const raw = text.slice(m.start, m.end);
      if (m.type === 'email') {
        const e = raw.toLowerCase();
        if (!typedLower.includes(e)) emails.add(e);
      } else {
        const d = raw.replace(/\D+/g, '').slice(-10);
        if (d.length >= 7 && !typedPhones.has(d)) phones.add(d);
      }
    }
  }
  return { emails: emails.size, phones: phones.size };
}

/** Distinct people's contact details in one action above which it carries other people's data. */
export const OTHERS_PERSONAL_MIN = 3;

// ---- IAM posture ------------------------------------------------------------------------------------

interface Statement {
  actions: string[];
  notActions: boolean;
  resources: string[];
  source: string;
}

function statementsOf(doc: unknown, source: string): Statement[] {
  const d = parseJson(doc) as { Statement?: unknown } | null;
  if (!d || typeof d !== 'object') return [];
  const out: Statement[] = [];
  for (const s of asArray(d.Statement as Record<string, unknown> | Record<string, unknown>[])) {
    if (!s || typeof s !== 'object' || s.Effect !== 'Allow') continue;
    const actions = asArray(s.Action as string | string[]).map(String);
    const notActions = asArray(s.NotAction as string | string[]).map(String);
    out.push({
      actions: actions.length ? actions : notActions,
      notActions: !actions.length && notActions.length > 0,
      resources: asArray((s.Resource ?? s.NotResource ?? '*') as string | string[]).map(String),
      source,
    });
  }
  return out;
}

/** An IAM action pattern (`bedrock:Invoke*`), case-insensitive as IAM matches actions. */
function actionMatches(pattern: string, action: string): boolean {
  if (pattern.length > 300 || action.length > 300) return false;
  return wildcardMatch(pattern.toLowerCase(), action.toLowerCase());
}

function allows(sts: Statement[], action: string): Statement | null {
  for (const s of sts) {
    const hit = s.actions.some((p) => actionMatches(p, action));
    if (s.notActions ? !hit : hit) return s;
  }
  return null;
}

const CAPABILITIES: Array<{ id: string; actions: string[]; text: string; weight: number }> = [
  { id: 'admin', actions: ['*:*', 'iam:*'], text: 'administrator (any action)', weight: 3 },
  {
    id: 'iam-write',
    actions: [
      'iam:CreateAccessKey',
      'iam:CreateUser',
      'iam:AttachRolePolicy',
      'iam:PutRolePolicy',
      'iam:UpdateAssumeRolePolicy',
      'iam:CreateLoginProfile',
    ],
    text: 'IAM writes (users, keys, policies)',
    weight: 3,
  },
  { id: 'pass-role', actions: ['iam:PassRole'], text: 'iam:PassRole', weight: 2 },
  {
    id: 's3-destructive',
    actions: ['s3:DeleteObject', 's3:DeleteBucket', 's3:PutBucketPolicy'],
    text: 'S3 deletes / bucket policy',
    weight: 1,
  },
  {
    id: 'dynamodb-destructive',
    actions: ['dynamodb:DeleteItem', 'dynamodb:DeleteTable', 'dynamodb:UpdateTable'],
    text: 'DynamoDB deletes',
    weight: 1,
  },
  {
    id: 'secrets',
    actions: ['secretsmanager:GetSecretValue', 'ssm:GetParameter'],
    text: 'secrets and parameters',
    weight: 1,
  },
  {
    id: 'lambda-write',
    actions: ['lambda:UpdateFunctionCode', 'lambda:CreateFunction', 'lambda:AddPermission'],
    text: 'Lambda code and permissions',
    weight: 2,
  },
  {
    id: 'bedrock-admin',
    actions: [
      'bedrock:UpdateGuardrail',
      'bedrock:DeleteGuardrail',
      'bedrock:UpdateAgent',
      'bedrock:PutModelInvocationLoggingConfiguration',
    ],
    text: 'Bedrock configuration changes',
    weight: 2,
  },
  {
    id: 'logging-off',
    actions: ['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail', 'logs:DeleteLogGroup'],
    text: 'turning off logging',
    weight: 2,
  },
  { id: 'assume-role', actions: ['sts:AssumeRole'], text: 'sts:AssumeRole', weight: 1 },
];

export interface RolePosture {
  arn: string;
  name: string;
  capabilities: Array<{ id: string; text: string; via: string; broadResource: boolean }>;
  crossAccount: string[];
  weight: number;
}

export function postureOf(
  role: { arn: string; name: string; account: string | null; inline: unknown; attached: string[] },
  policyDocs: Map<string, unknown>,
): RolePosture {
  const sts: Statement[] = [];
  const inline = parseJson(role.inline) as Record<string, unknown> | null;
  if (inline && typeof inline === 'object')
    for (const [n, doc] of Object.entries(inline)) sts.push(...statementsOf(doc, `inline ${n}`));
  for (const arn of role.attached) {
    const doc = policyDocs.get(arn) ?? policyDocs.get(arn.split('/').pop() ?? '');
    sts.push(...statementsOf(doc, arn.split('/').pop() ?? arn));
  }
  const caps: RolePosture['capabilities'] = [];
  let weight = 0;
  for (const c of CAPABILITIES) {
    const hits = c.actions.map((a) => allows(sts, a)).filter((s): s is Statement => !!s);
    if (!hits.length) continue;
    if (c.id === 'admin' && !hits.some((s) => s.actions.includes('*') || s.notActions)) {
      // `iam:*` alone is IAM-admin, reported as iam-write
      continue;
    }
    const broad = hits.some((s) => s.resources.includes('*'));
    caps.push({
      id: c.id,
      text: c.text,
      via: [...new Set(hits.map((s) => s.source))].join(', '),
      broadResource: broad,
    });
    weight += broad ? c.weight : c.weight / 2;
  }
  const crossAccount: string[] = [];
  for (const s of sts)
    for (const r of s.resources) {
      const m = /^arn:aws[a-z-]*:[^:]*:[^:]*:(\d{12}):/.exec(r);
      if (m && role.account && m[1] !== role.account) crossAccount.push(r);
    }
  if (crossAccount.length) weight += 1;
  return {
    arn: role.arn,
    name: role.name,
    capabilities: caps,
    crossAccount: [...new Set(crossAccount)],
    weight,
  };
}

// ---- agent Lambda roles (from CloudTrail timing) -------------------------------------------------------

export interface LambdaRole {
  identity: string;
  sessionNames: string[];
  near: number;
  total: number;
  /** service:action → count over the whole case */
  apis: Map<string, number>;
}

const RUNTIME_OR_AGENT = `('InvokeModel','InvokeModelWithResponseStream','Converse','ConverseStream','InvokeAgent','Retrieve','RetrieveAndGenerate','InvokeInlineAgent')`;

/**
 * Roles the agents' action groups run as: assumed roles whose CloudTrail calls fall within seconds of
 * the agents' action-group steps far more often than chance, excluding the identities that call the
 * agents or models (the application itself), people (SSO) and AWS service roles.
 */
export async function agentLambdaRoles(
  db: Queryable,
  shared: Map<string, unknown>,
  identityOf: IdentityOf,
): Promise<Map<string, LambdaRole>> {
  const key = 'data-plane:agent-lambda-roles';
  const cached = shared.get(key) as Promise<Map<string, LambdaRole>> | undefined;
  if (cached) return cached;
  const p = (async () => {
    const out = new Map<string, LambdaRole>();
    const rows = await db.all(
      `WITH steps AS (
         SELECT DISTINCT time FROM agent_steps WHERE step_kind = 'invocationInput' AND api_name IS NOT NULL),
       callers AS (
         SELECT DISTINCT identity_arn FROM events WHERE action IN ${RUNTIME_OR_AGENT} AND identity_arn IS NOT NULL),
       ev AS (
         SELECT e.uid, e.time, e.identity_arn, e.session_name, e.service, e.action FROM events e
         WHERE e.principal_type = 'AssumedRole' AND e.identity_arn IS NOT NULL
           AND e.identity_arn NOT IN (SELECT identity_arn FROM callers)
           AND e.identity_arn NOT LIKE '%AWSReservedSSO%' AND e.identity_arn NOT LIKE '%aws-service-role%'
           AND e.identity_arn NOT LIKE '%:role/AWSServiceRole%'),
       near AS (
         SELECT DISTINCT ev.uid FROM ev JOIN steps s
           ON ev.time BETWEEN s.time - INTERVAL 3 SECOND AND s.time + INTERVAL 8 SECOND)
       SELECT ev.identity_arn, list(DISTINCT ev.session_name ORDER BY ev.session_name) AS sessions, count(*) AS total,
              count(near.uid) AS near
       FROM ev LEFT JOIN near ON ev.uid = near.uid
       GROUP BY 1 HAVING count(near.uid) >= 2`,
    );
    const lambdaTrusted = new Set(
      (
        await db.all(
          `SELECT arn FROM iam_entities WHERE kind = 'role' AND CAST(trust_policy AS VARCHAR) LIKE '%lambda.amazonaws.com%'`,
        )
      ).map((r) => String(r.arn)),
    );
    const haveIam = (await db.all(`SELECT count(*) AS n FROM iam_entities WHERE kind = 'role'`))[0];
    for (const r of rows) {
      const identity = String(r.identity_arn);
      const near = Number(r.near);
      const total = Number(r.total);
      if (near / total < 0.5) continue;
      const canon = identityOf(identity) ?? identity;
      if (Number(haveIam?.n) > 0 && ![...lambdaTrusted].some((a) => identityOf(a) === canon)) continue;
      out.set(identity, {
        identity,
        sessionNames: (r.sessions as string[]) ?? [],
        near,
        total,
        apis: new Map(),
      });
    }
    if (out.size) {
      const apis = await db.all(
        `SELECT identity_arn, service || ':' || action AS api, count(*) AS n FROM events
         WHERE identity_arn IN (${[...out.keys()].map(sqlString).join(',')}) GROUP BY 1, 2 ORDER BY 1, 2`,
      );
      for (const a of apis) out.get(String(a.identity_arn))?.apis.set(String(a.api), Number(a.n));
    }
    return out;
  })();
  shared.set(key, p);
  return p;
}

export const agentPermissionsDetector: Detector = {
  id: 'data-plane.agent-permissions',
  title: "What the agents' Lambda roles, agent roles and application roles are allowed to do",
  elements: ['agency'],
  async run(ctx) {
    const roles = await ctx.db.all(
      `SELECT e.arn, e.name, e.account, CAST(e.inline_policies AS VARCHAR) AS inline, e.attached_policy_arns,
              CAST(e.trust_policy AS VARCHAR) AS trust, f.path || '#' || e.idx AS rec
       FROM iam_entities e LEFT JOIN files f ON f.sha256 = e.file_id WHERE e.kind = 'role'`,
    );
    if (!roles.length) return [];
    const policies = await ctx.db.all(
      `SELECT arn, name, CAST(policy_document AS VARCHAR) AS doc FROM iam_entities WHERE kind = 'policy'`,
    );
    const docs = new Map<string, unknown>();
    for (const p of policies) {
      docs.set(String(p.arn), p.doc);
      if (!docs.has(String(p.name))) docs.set(String(p.name), p.doc);
    }
    const lambdaRoles = await agentLambdaRoles(ctx.db, ctx.shared, ctx.identityOf);
    const lambdaIds = new Set([...lambdaRoles.keys()].map((a) => ctx.identityOf(a)));
    const appIds = new Set(
      (
        await ctx.db.all(
          `SELECT DISTINCT identity_arn FROM events WHERE action IN ('InvokeAgent','InvokeModel','Converse','ConverseStream','InvokeModelWithResponseStream','Retrieve','RetrieveAndGenerate')
             AND principal_type = 'AssumedRole' AND identity_arn NOT LIKE '%AWSReservedSSO%'
           UNION SELECT DISTINCT identity_arn FROM invocations WHERE identity_arn LIKE '%:role/%' AND identity_arn NOT LIKE '%AWSReservedSSO%'
           ORDER BY identity_arn`,
        )
      ).map((r) => ctx.identityOf(str(r.identity_arn))),
    );
    const out: Finding[] = [];
    for (const r of roles) {
      const arn = String(r.arn);
      const id = ctx.identityOf(arn);
      const trust = String(r.trust ?? '');
      const agentRole = /bedrock\.amazonaws\.com/.test(trust);
      const kind = lambdaIds.has(id)
        ? 'agent action-group Lambda role'
        : agentRole
          ? 'agent or knowledge-base service role'
          : appIds.has(id)
            ? 'application role'
            : null;
      if (!kind) continue;
      const posture = postureOf(
        {
          arn,
          name: String(r.name),
          account: str(r.account),
          inline: r.inline,
          attached: (r.attached_policy_arns as string[]) ?? [],
        },
        docs,
      );
      if (!posture.capabilities.length && !posture.crossAccount.length) continue;
      const severity: Severity = posture.weight >= 3 && kind !== 'application role' ? 'low' : 'informational';
      const fnNames = [...lambdaRoles.entries()]
        .filter(([k]) => ctx.identityOf(k) === id)
        .flatMap(([, v]) => v.sessionNames);
      out.push(
        makeFinding({
          ruleId: 'data-plane.agent-permissions',
          title: `${kind} ${posture.name} may: ${posture.capabilities.map((c) => c.text).join('; ') || 'cross-account access'}`,
          description: `Permissions of ${arn} (IAM authorization details): ${posture.capabilities
            .map((c) => `${c.text} via ${c.via}${c.broadResource ? ' on all resources' : ''}`)
            .join(
              '; ',
            )}${posture.crossAccount.length ? `; resources in other accounts: ${posture.crossAccount.slice(0, 5).join(', ')}` : ''}. What an agent can be talked into is bounded by these.`,
          severity,
          elements: ['agency'],
          components: kind === 'application role' ? ['plugins'] : ['agents', 'plugins'],
          times: [],
          principals: [arn],
          resources: [arn, ...fnNames],
          evidence: { records: [str(r.rec)] },
          details: {
            role: arn,
            kind,
            capabilities: posture.capabilities.map((c) => ({
              id: c.id,
              text: c.text,
              via: c.via,
              allResources: c.broadResource,
            })),
            crossAccount: posture.crossAccount,
            functions: fnNames,
          },
        }),
      );
    }
    return out;
  },
};

// ---- agent sessions -----------------------------------------------------------------------------------

interface Turn {
  time: string;
  traceId: string | null;
  text: string;
}

/** The user's messages of each session, from the agent's model inputs. */
async function userTurns(db: Queryable): Promise<Map<string, Turn[]>> {
  const rows = await db.all(
    `SELECT session_id, ${isoSql('time')} AS t, trace_id, trace_type, text FROM agent_steps
     WHERE step_kind = 'modelInvocationInput' AND session_id IS NOT NULL
       AND trace_type IN ('preProcessingTrace', 'orchestrationTrace')
     ORDER BY time, uid`,
  );
  const out = new Map<string, Turn[]>();
  const seen = new Set<string>();
  for (const r of rows) {
    const text = userTextOf(String(r.text ?? ''), String(r.trace_type));
    if (!text) continue;
    const sid = String(r.session_id);
    const k = `${sid}\0${text}`;
    if (seen.has(k)) continue;
    seen.add(k);
    const l = out.get(sid) ?? [];
    l.push({ time: String(r.t), traceId: str(r.trace_id), text });
    out.set(sid, l);
  }
  return out;
}

/** The latest user message in an agent model input (orchestration JSON or pre-processing template). */
export function userTextOf(text: string, traceType: string): string {
  if (!text) return '';
  const j = parseJson(text) as { messages?: Array<{ role?: string; content?: unknown }> } | null;
  if (j && Array.isArray(j.messages)) {
    for (let i = j.messages.length - 1; i >= 0; i--) {
      const m = j.messages[i];
      if (m?.role !== 'user') continue;
      if (typeof m.content === 'string') return m.content;
      if (Array.isArray(m.content))
        return m.content
          .map((c) => (typeof c === 'string' ? c : String((c as { text?: unknown })?.text ?? '')))
          .join(' ');
    }
    return '';
  }
  if (traceType === 'preProcessingTrace') {
    const m = /\bInput:\s*([\s\S]*)$/.exec(text);
    if (m) return m[1].replace(/<\/?user_input>/g, '').trim();
  }
  const h = /Human:\s*([\s\S]*?)(?:\n\nAssistant:|$)/.exec(text);
  return h ? h[1].trim() : '';
}

interface SessionSignal {
  id: string;
  strong: boolean;
  text: string;
  actions: AgentAction[];
  /** when what the signal rests on happened besides its actions (user turns, documents read); absent: the whole session */
  times?: string[];
}

/** Signals that the agent was steered by what it read, not by the user it served. */
const INJECTION_SIGNALS = new Set(['injected-content', 'injected-recipient']);
/** Signals of the user's own conduct: the whole conversation is theirs. */
const USER_CONDUCT_SIGNALS = new Set(['authority-claim', 'prompt-attack']);

/**
 * The InvokeAgent calls of a flagged conversation to cite. When content the agent read steered it
 * and nothing the user wrote did, the user is a victim and their earlier turns are theirs: only the
 * turns from the first thing the signals rest on (a document read, an action) to the last action.
 * Otherwise (the user steered it, or a signal is about the whole session) every turn.
 */
function turnsOf(
  inv: InvokeRecords | undefined,
  involved: AgentAction[],
  signals: SessionSignal[],
): InvokeRecords | undefined {
  if (
    !inv ||
    !inv.times.length ||
    !signals.some((s) => INJECTION_SIGNALS.has(s.id)) ||
    signals.some((s) => USER_CONDUCT_SIGNALS.has(s.id) || (!s.actions.length && !s.times))
  )
    return inv;
  const at = [...involved.map((a) => a.time), ...signals.flatMap((s) => s.times ?? [])]
    .map((x) => Date.parse(x))
    .filter(Number.isFinite);
  if (!at.length) return inv;
  const first = Math.min(...at);
  const last = Math.max(...at);
  const from = inv.times.filter((t) => t <= first + 1000).pop() ?? Number.NEGATIVE_INFINITY;
  const keep = inv.times.map((t) => t >= from && t <= last + 1000);
  return {
    eventIds: inv.eventIds.filter((_, i) => keep[i]),
    ips: inv.ips.filter((_, i) => keep[i]),
    principals: inv.principals.filter((_, i) => keep[i]),
    times: inv.times.filter((_, i) => keep[i]),
  };
}

interface InvokeRecords {
  eventIds: string[];
  ips: string[];
  principals: string[];
  /** times of the InvokeAgent calls, ascending */
  times: number[];
}

async function invokeAgentEvents(db: Queryable, sessionIds: string[]): Promise<Map<string, InvokeRecords>> {
  const out = new Map<string, InvokeRecords>();
  if (!sessionIds.length) return out;
  const rows = await db.all(
    `SELECT json_extract_string(request_parameters, '$.sessionId') AS sid, event_id, source_ip, identity_arn,
            ${isoSql('time')} AS t
     FROM events WHERE action IN ('InvokeAgent', 'InvokeInlineAgent')
       AND json_extract_string(request_parameters, '$.sessionId') IN (${sessionIds.map(sqlString).join(',')})
     ORDER BY time, event_id`,
  );
  for (const r of rows) {
    const sid = String(r.sid);
    const t = Date.parse(String(r.t));
    if (!r.event_id || !Number.isFinite(t)) continue;
    const o = out.get(sid) ?? { eventIds: [], ips: [], principals: [], times: [] };
    o.eventIds.push(String(r.event_id));
    o.ips.push(String(r.source_ip ?? ''));
    o.principals.push(String(r.identity_arn ?? ''));
    o.times.push(t);
    out.set(sid, o);
  }
  return out;
}

/** How long before an action step a call of its Lambda may fall: the turn's InvokeAgent, at most this. */
const EFFECT_BEFORE_MAX_MS = 120_000;
/** ... and after it. */
const EFFECT_AFTER_MS = 10_000;

/**
 * What the agent's action-group Lambdas did in AWS while serving these action steps: calls of their
 * roles from the turn's InvokeAgent call (or a few seconds before the step) to seconds after the step,
 * left to another conversation when one of its action steps is closer in time (`others`: every action
 * step's time in ms, ascending).
 */
async function sessionEffects(
  db: Queryable,
  roles: string[],
  steps: string[],
  invokes: number[],
  others: number[],
): Promise<
  Array<{ eventId: string; identity: string; api: string; sessionName: string | null; bucket: string | null }>
> {
  if (!roles.length || !steps.length) return [];
  const mine = steps
    .map((x) => Date.parse(x))
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  if (!mine.length) return [];
  const windows = mine.map((t) => {
    const turn = invokes.filter((i) => i <= t + 1000).pop();
    const from = turn !== undefined && t - turn <= EFFECT_BEFORE_MAX_MS ? turn - 3000 : t - 3000;
    return { from, to: t + EFFECT_AFTER_MS };
  });
  const ts = (ms: number) => sqlString(sqlTime(new Date(ms).toISOString()));
  const rows = await db.all(
    `SELECT e.event_id, e.identity_arn, e.service || ':' || e.action AS api, e.session_name, ${isoSql('e.time')} AS t,
            json_extract_string(e.request_parameters, '$.bucketName') AS bucket
     FROM events e
     WHERE e.identity_arn IN (${roles.map(sqlString).join(',')}) AND e.event_id IS NOT NULL
       AND e.action NOT IN ('CreateLogStream', 'CreateLogGroup', 'PutLogEvents')
       AND (${windows.map((w) => `e.time BETWEEN CAST(${ts(w.from)} AS TIMESTAMP) AND CAST(${ts(w.to)} AS TIMESTAMP)`).join(' OR ')})
     ORDER BY e.time, e.event_id`,
  );
  const own = new Set(mine);
  const out: Array<{
    eventId: string;
    identity: string;
    api: string;
    sessionName: string | null;
    bucket: string | null;
  }> = [];
  const seen = new Set<string>();
  for (const r of rows) {
    const id = String(r.event_id);
    if (seen.has(id)) continue;
    seen.add(id);
    const t = Date.parse(String(r.t));
    const d = Math.min(...mine.map((m) => Math.abs(m - t)));
    if (nearestOther(others, own, t) < d) continue;
    out.push({
      eventId: id,
      identity: String(r.identity_arn),
      api: String(r.api),
      sessionName: str(r.session_name),
      bucket: str(r.bucket),
    });
  }
  return out;
}

/** Distance from t to the closest time in a sorted list that is not one of `own`. */
function nearestOther(sorted: number[], own: Set<number>, t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  let best = Number.POSITIVE_INFINITY;
  for (let i = lo - 1; i >= 0; i--)
    if (!own.has(sorted[i])) {
      best = Math.min(best, t - sorted[i]);
      break;
    }
  for (let i = lo; i < sorted.length; i++)
    if (!own.has(sorted[i])) {
      best = Math.min(best, sorted[i] - t);
      break;
    }
  return best;
}

export const agentActionsDetector: Detector = {
  id: 'data-plane.agent-actions',
  title: "Agent actions outside the agent's usual behaviour, per conversation",
  elements: ['agency'],
  async run(ctx) {
    const { actions, profiles } = await agentBaseline(ctx.db, ctx.shared);
    if (!actions.length) return [];
    const turns = await userTurns(ctx.db);
    // numeric parameters per action key: robust stats over the agent's history
    const numeric = new Map<string, number[]>();
    for (const a of actions)
      for (const [n, v] of Object.entries(a.params)) {
        const x = Number(v);
        if (!isSubjectParam(n) && v.trim() !== '' && Number.isFinite(x)) {
          const k = `${a.agentId}\0${a.key}\0${n}`;
          const l = numeric.get(k) ?? [];
          l.push(x);
          numeric.set(k, l);
        }
      }
    // value → distinct subjects, over every session, per action key and parameter
    const valueSubjects = new Map<string, Set<string>>();
    const valueSessions = new Map<string, Set<string>>();
    const valueUses = new Map<string, number>();
    const keySessions = new Map<string, Set<string>>();
    /** most frequent value per action key and parameter */
    const topValue = new Map<string, { v: string; n: number }>();
    for (const a of actions) {
      const subj = Object.entries(a.params)
        .filter(([n]) => isSubjectParam(n))
        .map(([, v]) => v)
        .join('|');
      const kk = `${a.agentId}\0${a.key}`;
      const sess = a.sessionId ?? a.uid;
      const ks = keySessions.get(kk) ?? new Set<string>();
      ks.add(sess);
      keySessions.set(kk, ks);
      for (const [n, v] of Object.entries(a.params)) {
        if (isSubjectParam(n) || Number.isFinite(Number(v))) continue;
        const vk = `${kk}\0${n}\0${v}`;
        const uses = (valueUses.get(vk) ?? 0) + 1;
        valueUses.set(vk, uses);
        const tk = `${kk}\0${n}`;
        const top = topValue.get(tk);
        if (!top || uses > top.n) topValue.set(tk, { v, n: uses });
        const s = valueSubjects.get(vk) ?? new Set<string>();
        if (subj) s.add(subj);
        valueSubjects.set(vk, s);
        const ss = valueSessions.get(vk) ?? new Set<string>();
        ss.add(sess);
        valueSessions.set(vk, ss);
      }
    }
    const bySession = new Map<string, AgentAction[]>();
    for (const a of actions) {
      const sid = a.sessionId ?? `trace:${a.traceId}`;
      const l = bySession.get(sid) ?? [];
      l.push(a);
      bySession.set(sid, l);
    }
    // recipients: the conversations each agent sent to each address in (a customer's own address
    // recurs only in that customer's conversations)
    const orgDomains = await orgMailDomains(ctx.db, ctx.shared);
    const recipientSessions = new Map<string, Set<string>>();
    const recipients = new Map<string, { names: string[]; addresses: string[] }>();
    for (const a of actions) {
      const rc = recipientsOf(a.params);
      recipients.set(a.uid, rc);
      for (const x of rc.addresses) {
        const k = `${a.agentId}\0${x}`;
        const ss = recipientSessions.get(k) ?? new Set<string>();
        ss.add(a.sessionId ?? a.uid);
        recipientSessions.set(k, ss);
      }
    }
    const stepTimes = [...new Set(actions.map((a) => Date.parse(a.time)).filter(Number.isFinite))].sort(
      (a, b) => a - b,
    );
    const lambda = await agentLambdaRoles(ctx.db, ctx.shared, ctx.identityOf);
    const out: Finding[] = [];
    const flagged: Array<{ sid: string; acts: AgentAction[]; signals: SessionSignal[]; severity: Severity }> =
      [];
    for (const [sid, acts] of bySession) {
      const agentId = acts[0].agentId ?? '?';
      const prof = profiles.get(agentId);
      const signals: SessionSignal[] = [];
      const userTexts = turns.get(sid) ?? [];
      const typed = userTexts.map((u) => u.text).join('\n');
      /** actions that send to an address outside the organisation's domains */
      const outbound = new Set<string>();
      // instructions planted in what the agent read (documents, tool results), read once per conversation
      let injectedAll: Array<{ time: string; text: string; memory?: boolean }> | null = null;
      const injectedUntil = async (
        t: string,
      ): Promise<Array<{ time: string; text: string; memory?: boolean }>> => {
        if (injectedAll === null) injectedAll = await injectedTexts(ctx.db, sid, acts[acts.length - 1].time);
        return injectedAll.filter((x) => x.time <= t);
      };
      for (const a of acts) {
        const cls = classifyAction(a);
        const sensitive = cls.some((c) => SENSITIVE_CLASSES.has(c));
        const rc = recipients.get(a.uid) ?? { names: [], addresses: [] };
        const outside = orgDomains.size
          ? rc.addresses.filter((x) => !inDomains(domainOfAddress(x), orgDomains))
          : [];
        if (outside.length) outbound.add(a.uid);
        // the same outside address in several conversations: not the customer's own address
        const fixed = outside.filter(
          (x) =>
            !typed.toLowerCase().includes(x) && (recipientSessions.get(`${a.agentId}\0${x}`)?.size ?? 0) >= 2,
        );
        if (fixed.length)
          signals.push({
            id: 'outside-recipient',
            strong: false,
            text: `${a.key} sent to ${fixed.map(maskAddress).join(', ')}, outside the organisation's domains (${[...orgDomains].sort().join(', ')}), in ${Math.max(...fixed.map((x) => recipientSessions.get(`${a.agentId}\0${x}`)?.size ?? 0))} conversations`,
            actions: [a],
          });
        // other people's contact details in what the action carries (the user typed none of them);
        // sent only to the organisation's own mailboxes they stay inside it
        const pd = carriedPersonalData(a.params, rc.names, typed);
        const inside = rc.addresses.length > 0 && orgDomains.size > 0 && !outside.length;
        if (pd.emails >= OTHERS_PERSONAL_MIN || pd.phones >= OTHERS_PERSONAL_MIN)
          signals.push({
            id: 'others-personal-data',
            strong: !inside,
            text: `${a.key} carried ${pd.emails} e-mail address(es) and ${pd.phones} phone number(s) the user had not given${inside ? ", to the organisation's own addresses" : ''}`,
            actions: [a],
          });
        // an address the agent was told to send to by instructions planted in what it read
        const targets = orgDomains.size ? outside : rc.addresses;
        if (targets.length) {
          const read = (await injectedUntil(a.time)).map((x) => ({
            time: x.time,
            text: x.text.toLowerCase(),
            memory: x.memory,
          }));
          const naming = (x: string) =>
            read.filter((r) => r.text.includes(x) || r.text.includes(`@${domainOfAddress(x)}`));
          const named = targets.filter((x) => naming(x).length > 0);
          const fromMemory = named.some((x) => naming(x).some((r) => r.memory));
          if (named.length)
            signals.push({
              id: 'injected-recipient',
              strong: true,
              text: `${a.key} sent to ${named.map(maskAddress).join(', ')}, the address injected instructions ${fromMemory ? "in the agent's recalled memory of earlier sessions" : 'the agent read'} had named${typed.toLowerCase().includes(named[0]) ? '' : ' (the user never typed it)'}`,
              actions: [a],
              times: named.flatMap((x) => naming(x).map((r) => r.time)),
            });
          // what it sent: values of records the agent had looked up in this conversation
          const untyped = named.filter((x) => !typed.toLowerCase().includes(x));
          if (untyped.length) {
            const carried = await recordValuesSent(ctx.db, sid, a);
            if (carried >= RECORD_VALUES_MIN)
              signals.push({
                id: 'record-sent-out',
                strong: false,
                text: `${a.key} carried ${carried} value(s) of records the agent had looked up in this conversation to ${untyped.map(maskAddress).join(', ')}`,
                actions: [a],
              });
          }
        }
        const sessionsWith = prof?.actionSessions.get(a.key) ?? 0;
        const rare =
          prof && prof.sessions >= 20 && sessionsWith <= Math.max(1, Math.floor(0.02 * prof.sessions));
        if (rare)
          signals.push({
            id: cls.includes('privileged') ? 'rare-privileged-action' : 'rare-action',
            strong: cls.includes('privileged'),
            text: `${a.key} (${cls.join(', ')}) is used in ${sessionsWith} of the agent's ${prof?.sessions} sessions`,
            actions: [a],
          });
        // parameter names this action has (almost) never been called with
        const shape = Object.keys(a.params).sort().join(',');
        const shapes = prof?.shapes.get(a.key);
        if (
          prof &&
          prof.sessions >= 20 &&
          shapes &&
          (shapes.get(shape) ?? 0) <= 1 &&
          (prof.actionSessions.get(a.key) ?? 0) >= 5
        )
          signals.push({
            id: 'new-parameter-shape',
            strong: false,
            text: `${a.key} called with parameters (${shape || 'none'}) it is not usually called with`,
            actions: [a],
          });
        if (!sensitive) continue;
        // amounts far above this action's usual values
        for (const [n, v] of Object.entries(a.params)) {
          const x = Number(v);
          if (isSubjectParam(n) || !Number.isFinite(x) || v.trim() === '') continue;
          const hist = numeric.get(`${a.agentId}\0${a.key}\0${n}`) ?? [];
          if (hist.length < 10) continue;
          const s = robustStats(hist);
          if (x > 3 * Math.max(s.median, 1) && x > s.median + 8 * Math.max(1.4826 * s.mad, 1))
            signals.push({
              id: 'outlier-amount',
              strong: false,
              text: `${a.key} ${n}=${v} against a median of ${s.median}`,
              actions: [a],
            });
        }
        // an unusual value applied to several different records (a card, address or account reused)
        for (const [n, v] of Object.entries(a.params)) {
          if (isSubjectParam(n) || Number.isFinite(Number(v))) continue;
          const kk = `${a.agentId}\0${a.key}`;
          const vk = `${kk}\0${n}\0${v}`;
          const subjects = valueSubjects.get(vk)?.size ?? 0;
          const sessions = valueSessions.get(vk)?.size ?? 0;
          const actionSessions = keySessions.get(kk)?.size ?? 0;
          // not the action's usual value (the default), rarely used, yet applied to several records:
          // in different conversations (different customers), or to three or more records in one
          const usual = topValue.get(`${kk}\0${n}`)?.v === v;
          const rareValue = !usual && sessions <= Math.max(2, Math.floor(0.1 * actionSessions));
          // a specific instrument (card, account or address: digits in it) on two records, anything on three
          const specific = /\d{3,}/.test(v);
          if (rareValue && (subjects >= 3 || (specific && subjects >= 2 && sessions >= 2)))
            signals.push({
              id: 'value-reuse',
              strong: true,
              text: `${a.key}: the same ${n} (${maskValue(v)}) applied to ${subjects} different records`,
              actions: [a],
            });
        }
      }
      // destructive / financial / profile actions on several subjects in one conversation
      const bySubjectKey = new Map<
        string,
        { acts: AgentAction[]; subjects: Set<string>; customer: boolean }
      >();
      for (const a of acts) {
        const cls = classifyAction(a);
        if (!cls.some((c) => c === 'destructive' || c === 'financial' || c === 'profile-update')) continue;
        for (const [n, v] of Object.entries(a.params)) {
          if (!isSubjectParam(n)) continue;
          const k = `${a.key}\0${n}`;
          const e = bySubjectKey.get(k) ?? {
            acts: [],
            subjects: new Set<string>(),
            customer: isCustomerLike(n),
          };
          e.acts.push(a);
          e.subjects.add(v);
          bySubjectKey.set(k, e);
        }
      }
      for (const [k, e] of bySubjectKey) {
        if (e.subjects.size >= 3 || (e.customer && e.subjects.size >= 2))
          signals.push({
            id: 'many-subjects',
            strong: true,
            text: `${k.split('\0')[0]} on ${e.subjects.size} different ${k.split('\0')[1]} values in one conversation`,
            actions: e.acts,
          });
      }
      const sensitiveActs = acts.filter(
        (a) => outbound.has(a.uid) || classifyAction(a).some((c) => SENSITIVE_CLASSES.has(c)),
      );
      if (!signals.length) continue;
      // credentials handed to the user: in a tool result or the agent's answer of this conversation
      const creds = await credentialSteps(ctx.db, sid);
      if (creds.length)
        signals.push({
          id: 'credentials-disclosed',
          strong: true,
          text: `AWS credentials (${creds
            .flatMap((c) => c.keys)
            .map(maskKey)
            .join(', ')}) appear in the agent's tool results or answers`,
          actions: [],
        });
      // the conversation: authority claims and prompt attacks before the sensitive actions
      const firstSensitive = sensitiveActs[0]?.time ?? acts[0].time;
      const before = userTexts.filter(
        (u) => u.time <= firstSensitive || sensitiveActs.some((a) => a.time >= u.time),
      );
      const claims = before.filter((u) => authorityClaim(u.text));
      if (claims.length)
        signals.push({
          id: 'authority-claim',
          strong: false,
          text: 'the user claimed authority or prior approval',
          actions: [],
          times: claims.map((u) => u.time),
        });
      const attacks = before.filter((u) => analyzePrompt(u.text, { kind: 'user' }).verdict === 'attack');
      if (attacks.length)
        signals.push({
          id: 'prompt-attack',
          strong: false,
          text: 'a prompt attack preceded the actions',
          actions: [],
          times: attacks.map((u) => u.time),
        });
      // instructions planted in what the agent read earlier in the conversation (documents, tool results)
      const until = [acts[0].time, firstSensitive].sort()[1];
      const planted = await injectedUntil(until);
      if (planted.length)
        signals.push({
          id: 'injected-content',
          strong: false,
          text: planted.some((x) => x.memory)
            ? "the agent's memory of earlier sessions, recalled into its prompt, carried injected instructions"
            : 'a document or tool result the agent read before acting carried injected instructions',
          actions: [],
          times: planted.map((x) => x.time),
        });
      const strong = new Set(signals.filter((s) => s.strong).map((s) => s.id)).size;
      const weak = new Set(signals.filter((s) => !s.strong).map((s) => s.id)).size;
      let severity: Severity;
      if (strong >= 2 || (strong >= 1 && weak >= 1 && sensitiveActs.length > 0)) severity = 'high';
      else if (strong >= 1) severity = 'medium';
      else if (weak >= 2 && sensitiveActs.length) severity = 'low';
      else severity = 'informational';
      flagged.push({ sid, acts, signals, severity });
    }
    const sessions = await invokeAgentEvents(
      ctx.db,
      flagged.filter((f) => f.severity === 'high' || f.severity === 'medium').map((f) => f.sid),
    );
    const lambdaIds = [...lambda.keys()].sort();
    const executors = flagged.some((f) => f.severity === 'high' || f.severity === 'medium')
      ? await actionGroupExecutors(ctx.db, ctx.shared)
      : [];
    for (const f of flagged) {
      const acted = uniqActions(f.signals.flatMap((s) => s.actions));
      const involved = acted.length ? acted : f.acts;
      const severe = f.severity === 'high' || f.severity === 'medium';
      const inv = turnsOf(sessions.get(f.sid), involved, f.signals);
      const near = severe
        ? await sessionEffects(
            ctx.db,
            lambdaIds,
            involved.map((a) => a.time),
            inv?.times ?? [],
            stepTimes,
          )
        : [];
      const agentId = f.acts[0].agentId;
      const subjects = [
        ...new Set(
          involved.flatMap((a) =>
            Object.entries(a.params)
              .filter(([n]) => isSubjectParam(n))
              .map(([, v]) => v),
          ),
        ),
      ];
      out.push(
        makeFinding({
          ruleId: 'data-plane.agent-actions',
          title: `Agent ${agentId ?? '?'} session ${f.sid.slice(0, 8)}: ${[...new Set(f.signals.map((s) => s.id))].join(', ')}`,
          description: `${f.signals.map((s) => s.text).join('; ')}. Actions: ${involved
            .map((a) => `${a.time} ${a.key}`)
            .slice(0, 10)
            .join(
              '; ',
            )}.${near.length ? ` The action-group role made ${near.length} AWS call(s) at those moments (${[...new Set(near.map((n) => n.api))].join(', ')}).` : ''}`,
          severity: f.severity,
          elements: [
            'agency',
            ...(severe &&
            f.signals.some((s) =>
              ['authority-claim', 'prompt-attack', 'injected-content', 'injected-recipient'].includes(s.id),
            )
              ? (['invocation'] as const)
              : []),
            ...(severe && f.signals.some((s) => s.id === 'others-personal-data' || s.id === 'record-sent-out')
              ? (['private-data'] as const)
              : []),
          ],
          components: ['agents', 'plugins'],
          times: involved.map((a) => a.time),
          principals: severe
            ? [
                ...(inv?.principals ?? []).filter(Boolean).map((p) => ctx.identityOf(p)),
                ...near.map((n) => ctx.identityOf(n.identity)),
              ]
            : [],
          resources: severe
            ? [
                agentId,
                // the functions the configuration records name as the executors of the groups acted through
                ...involved.map((a) => executorAt(executors, a.agentId, a.actionGroup, Date.parse(a.time))),
                ...near.flatMap((n) => [n.sessionName, n.bucket]),
              ]
            : [agentId],
          attack: f.signals.some((s) => s.id === 'prompt-attack')
            ? ['AML.T0051', 'AML.T0053']
            : ['AML.T0053'],
          evidence: {
            traceIds: [
              ...involved.map((a) => a.traceId),
              ...(severe && !f.sid.startsWith('trace:') ? [f.sid] : []),
            ],
            eventIds: severe ? [...(inv?.eventIds ?? []), ...near.map((n) => n.eventId)] : [],
          },
          details: {
            sessionId: f.sid,
            agentId: agentId ?? null,
            signals: f.signals.map((s) => ({ id: s.id, strong: s.strong, text: s.text })),
            actions: involved.slice(0, 50).map((a) => ({
              time: a.time,
              traceId: a.traceId,
              action: a.key,
              classes: classifyAction(a),
              params: Object.fromEntries(
                Object.entries(a.params).map(([n, v]) => [n, isSubjectParam(n) ? v : maskValue(v)]),
              ),
            })) as Json,
            subjects: subjects.slice(0, 50),
            lambdaCalls: near.map((n) => ({ eventId: n.eventId, api: n.api, role: n.identity })) as Json,
          },
        }),
      );
    }
    return out;
  },
};

function uniqActions(xs: AgentAction[]): AgentAction[] {
  const m = new Map<string, AgentAction>();
  for (const a of xs) m.set(a.uid, a);
  return [...m.values()].sort((a, b) => a.time.localeCompare(b.time));
}

/** A parameter value for a report: short tokens kept, long or personal-looking values masked. */
export function maskValue(v: string): string {
  if (v.length <= 24 && !/@|\d{6,}/.test(v) && !/\d+\s+\w+\s+(?:st|rd|ave|ln|dr|road|street|lane)\b/i.test(v))
    return v;
  return `${v.slice(0, 3)}…${v.slice(-2)} (${v.length} chars)`;
}

// ---- agent behaviour that changed with an agent configuration change -----------------------------------

/** CloudTrail calls that change what an agent does or which version its users reach. */
export const AGENT_CHANGE_ACTIONS = [
  'CreateAgentActionGroup',
  'UpdateAgentActionGroup',
  'DeleteAgentActionGroup',
  'UpdateAgent',
  'PrepareAgent',
  'CreateAgentAlias',
  'UpdateAgentAlias',
  'CreateAgentVersion',
];
/** Sessions an agent must have had before a change for what follows to be compared with it. */
export const MIN_SESSIONS_BEFORE = 10;
/** Changes of one agent by one principal this close together are one change. */
const BURST_GAP_MS = 30 * 60_000;
/** Sessions, action steps and InvokeAgent records cited per finding (always the first ones). */
const CITE_MAX = 200;
/** Calls of a new executor's role cited per finding. */
const ROLE_CALLS_MAX = 1000;
const HOUR_MS = 3_600_000;

/** One configuration change of an agent: a principal's change calls on it within minutes. */
export interface AgentChange {
  agentId: string;
  /** canonical principal (role or user ARN), null when the change is only seen in the traces */
  principal: string | null;
  principalType: string | null;
  accessKeyId: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  start: string;
  startMs: number;
  eventIds: string[];
  actions: string[];
  /** action groups created or updated */
  actionGroups: Set<string>;
  /** Lambda functions named as action-group executors */
  executors: Set<string>;
  /** built-in capabilities the change's action groups enable (AMAZON.CodeInterpreter, AMAZON.UserInput) */
  capabilities: Set<string>;
}

/** The built-in capability an action-group change enables (`parentActionGroupSignature`), if any. */
export function capabilityOfChange(r: Pick<CtRow, 'req' | 'resp'>): string | null {
  for (const v of [
    r.req?.parentActionGroupSignature,
    r.req?.parentActionSignature,
    jsonObject(r.resp?.agentActionGroup)?.parentActionSignature,
    jsonObject(r.resp?.agentActionGroup)?.parentActionGroupSignature,
  ])
    if (typeof v === 'string' && /^AMAZON\./.test(v)) return v;
  return null;
}

/** The code-interpretation capability of an agent (parentActionGroupSignature). */
export const CODE_INTERPRETER_SIGNATURE = 'AMAZON.CodeInterpreter';

/** The agent a change call acted on (request, or the response's agent / action group / alias). */
export function agentIdOfChange(r: Pick<CtRow, 'req' | 'resp'>): string | null {
  const resp = r.resp ?? {};
  for (const v of [
    r.req?.agentId,
    resp.agentId,
    jsonObject(resp.agentActionGroup)?.agentId,
    jsonObject(resp.agentAlias)?.agentId,
    jsonObject(resp.agent)?.agentId,
    jsonObject(resp.agentVersion)?.agentId,
  ])
    if (typeof v === 'string' && v) return v;
  return null;
}

/** The Lambda function an action-group change names as its executor. */
export function executorOfChange(r: Pick<CtRow, 'req' | 'resp'>): string | null {
  for (const o of [r.req, jsonObject(r.resp?.agentActionGroup)]) {
    const l = jsonObject(o?.actionGroupExecutor)?.lambda;
    if (typeof l === 'string' && l) return l;
  }
  return null;
}

/** Groups successful agent change calls into changes: per agent and principal, gaps of ≤ 30 minutes. */
export function changeBursts(rows: CtRow[], identityOf: IdentityOf): AgentChange[] {
  const out: AgentChange[] = [];
  const open = new Map<string, { b: AgentChange; lastMs: number }>();
  for (const r of [...rows].sort((a, b) => a.time.localeCompare(b.time))) {
    if (r.errorCode) continue;
    const agentId = agentIdOfChange(r);
    if (!agentId) continue;
    const principal = identityOf(r.identityArn ?? r.principalArn);
    const ms = Date.parse(r.time);
    const k = `${agentId}\0${principal}`;
    let cur = open.get(k);
    if (!cur || ms - cur.lastMs > BURST_GAP_MS) {
      cur = {
        b: {
          agentId,
          principal,
          principalType: r.principalType,
          accessKeyId: r.accessKeyId,
          sourceIp: r.sourceIp,
          userAgent: r.userAgent,
          start: r.time,
          startMs: ms,
          eventIds: [],
          actions: [],
          actionGroups: new Set(),
          executors: new Set(),
          capabilities: new Set(),
        },
        lastMs: ms,
      };
      open.set(k, cur);
      out.push(cur.b);
    }
    cur.lastMs = ms;
    cur.b.eventIds.push(r.eventId);
    if (!cur.b.actions.includes(r.action)) cur.b.actions.push(r.action);
    const group = r.req?.actionGroupName ?? jsonObject(r.resp?.agentActionGroup)?.actionGroupName;
    if (typeof group === 'string' && group) cur.b.actionGroups.add(group);
    const ex = executorOfChange(r);
    if (ex) cur.b.executors.add(ex);
    const cap = r.action === 'DeleteAgentActionGroup' ? null : capabilityOfChange(r);
    if (cap) cur.b.capabilities.add(cap);
  }
  return out.sort((a, b) => a.startMs - b.startMs);
}

export interface ChangerJudgement {
  usual: boolean;
  reasons: string[];
}

/**
 * Who made a change: the usual deployer (the same principal changed agents before in the evidence,
 * ≥ 1 hour earlier, with the same client; or a role driven by infrastructure-as-code tooling) or
 * someone who does not normally change agents.
 */
export function judgeChanger(b: AgentChange, all: AgentChange[]): ChangerJudgement {
  if (!b.principal)
    return { usual: false, reasons: ['the change is seen only as a new agent version in the traces'] };
  const prior = all.filter((x) => x.principal === b.principal && x.startMs <= b.startMs - HOUR_MS);
  const family = clientFamily(b.userAgent);
  const sameClient = prior.some((x) => clientFamily(x.userAgent) === family);
  const iac =
    b.principalType === 'AssumedRole' &&
    IAC_UA.test(b.userAgent ?? '') &&
    !/AWSReservedSSO/.test(b.principal);
  const reasons: string[] = [];
  if (iac) reasons.push('an infrastructure-as-code pipeline role');
  if (prior.length)
    reasons.push(
      `${prior.length} earlier agent change(s) by this principal in the evidence${sameClient ? '' : ` (none from client ${family || 'unknown'})`}`,
    );
  else reasons.push('this principal had not changed an agent before in the evidence');
  if (prior.length && b.sourceIp && !prior.some((x) => x.sourceIp === b.sourceIp) && !iac)
    reasons.push(`from an address (${b.sourceIp}) its earlier changes did not come from`);
  if (b.principalType === 'IAMUser' || /^AKIA/.test(b.accessKeyId ?? ''))
    reasons.push('with a long-term access key');
  if (BROWSER_UA.test(b.userAgent ?? '')) reasons.push('from the console');
  else if (!iac && /aws-cli|boto|botocore|aws-sdk|sdk-/i.test(b.userAgent ?? ''))
    reasons.push(`from a command-line / SDK client (${family})`);
  return { usual: iac || (prior.length > 0 && sameClient), reasons };
}

/** How many elements of an ascending array are below x. */
function countBelow(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface NewUse {
  /** what is new: an action key, an executor of an action group, or code interpretation */
  kind: 'action' | 'executor' | 'code';
  what: string;
  group: string | null;
  sessions: Set<string>;
  /** first action steps (bounded) */
  steps: AgentAction[];
  uses: number;
  firstMs: number;
  /** the latest use */
  lastMs: number;
  sensitiveTypes: Set<string>;
  sensitiveSessions: Set<string>;
  fields: Set<string>;
  scanned: number;
}

const PERSONAL_FIELD =
  /e-?mail|phone|mobile|address|street|postcode|zip|card|iban|account.?number|ssn|social|birth|dob|passport|national/i;

/** The personal and secret values an action's parameters carry: types found and field names. */
export function sensitiveParams(params: Record<string, string>): { types: string[]; fields: string[] } {
  const types = new Set<string>();
  const fields: string[] = [];
  for (const [n, v] of Object.entries(params)) {
    const found = findSensitive(v).filter((m) => m.type !== 'ipv4');
    for (const m of found) types.add(SECRET_TYPES.has(m.type) ? `secret:${m.type}` : m.type);
    if (v.trim() && (found.length || PERSONAL_FIELD.test(n))) fields.push(n);
  }
  return { types: [...types].sort(), fields };
}

/** First and last appearance and sessions of each agent version in the traces. */
async function agentVersions(
  db: Queryable,
  agents: string[],
): Promise<Map<string, Array<{ version: string; firstMs: number; lastMs: number; sessions: number }>>> {
  const out = new Map<
    string,
    Array<{ version: string; firstMs: number; lastMs: number; sessions: number }>
  >();
  if (!agents.length) return out;
  const rows = await db.all(
    `SELECT agent_id, agent_version, ${isoSql('min(time)')} AS f, ${isoSql('max(time)')} AS l, count(DISTINCT session_id) AS n
     FROM agent_steps WHERE agent_id IN (${agents.map(sqlString).join(',')}) AND agent_version IS NOT NULL
     GROUP BY ALL ORDER BY 3, 1, 2`,
  );
  for (const r of rows) {
    const l = out.get(String(r.agent_id)) ?? [];
    l.push({
      version: String(r.agent_version),
      firstMs: Date.parse(String(r.f)),
      lastMs: Date.parse(String(r.l)),
      sessions: Number(r.n),
    });
    out.set(String(r.agent_id), l);
  }
  return out;
}

/** Start of every session of the given agents (sorted epoch ms per agent). */
async function sessionStarts(db: Queryable, agents: string[]): Promise<Map<string, number[]>> {
  const out = new Map<string, number[]>();
  if (!agents.length) return out;
  const rows = await db.all(
    `SELECT agent_id, epoch_ms(min(time)) AS s FROM agent_steps
     WHERE agent_id IN (${agents.map(sqlString).join(',')}) AND session_id IS NOT NULL
     GROUP BY agent_id, session_id`,
  );
  for (const r of rows) {
    const l = out.get(String(r.agent_id)) ?? [];
    l.push(Number(r.s));
    out.set(String(r.agent_id), l);
  }
  for (const l of out.values()) l.sort((a, b) => a - b);
  return out;
}

/** Lambda functions' execution roles and creation, from CloudTrail (CreateFunction, GetFunction, configuration updates). */
async function functionRoles(
  db: Queryable,
  identityOf: IdentityOf,
): Promise<
  Map<string, { role: string | null; created: { eventId: string; ms: number; by: string | null } | null }>
> {
  const rows = await loadEvents(
    db,
    `service = 'lambda.amazonaws.com' AND error_code IS NULL AND (action LIKE 'CreateFunction%' OR action LIKE 'GetFunction%' OR action LIKE 'UpdateFunctionConfiguration%')`,
    [],
    { extra: false },
  );
  const out = new Map<
    string,
    { role: string | null; created: { eventId: string; ms: number; by: string | null } | null }
  >();
  for (const r of rows) {
    const resp = r.resp ?? {};
    const conf = jsonObject(resp.configuration) ?? resp;
    const name = functionNameOf(String(conf.functionName ?? r.req?.functionName ?? ''));
    if (!name) continue;
    const e = out.get(name) ?? { role: null, created: null };
    if (typeof conf.role === 'string' && conf.role) e.role = conf.role;
    else if (typeof r.req?.role === 'string' && /^CreateFunction/.test(r.action)) e.role = r.req.role;
    if (/^CreateFunction/.test(r.action) && !e.created)
      e.created = { eventId: r.eventId, ms: Date.parse(r.time), by: identityOf(r.identityArn) };
    out.set(name, e);
  }
  return out;
}

interface InvokeTurn {
  ms: number;
  eventId: string;
  principal: string | null;
}

/** Text of the given agent steps (bounded: the first {@link HAND_OFF_MAX} steps, 8 KB each). */
async function stepTexts(db: Queryable, uids: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const want = uids.slice(0, HAND_OFF_MAX);
  for (let i = 0; i < want.length; i += 500) {
    const rows = await db.all(
      `SELECT uid, substr(text, 1, 8192) AS text FROM agent_steps
       WHERE uid IN (${want
         .slice(i, i + 500)
         .map(sqlString)
         .join(',')}) AND text IS NOT NULL AND text <> '' ORDER BY uid`,
    );
    for (const r of rows) out.set(String(r.uid), String(r.text));
  }
  return out;
}
const HAND_OFF_MAX = 5000;

/** The InvokeAgent CloudTrail calls of the given sessions, in time order per session. */
async function invokeAgentTurns(db: Queryable, sessionIds: string[]): Promise<Map<string, InvokeTurn[]>> {
  const out = new Map<string, InvokeTurn[]>();
  if (!sessionIds.length) return out;
  const rows = await db.all(
    `SELECT json_extract_string(request_parameters, '$.sessionId') AS sid, epoch_ms(time) AS ms, event_id, identity_arn
     FROM events WHERE action IN ('InvokeAgent', 'InvokeInlineAgent') AND event_id IS NOT NULL
       AND json_extract_string(request_parameters, '$.sessionId') IN (${sessionIds.map(sqlString).join(',')})
     ORDER BY time, uid`,
  );
  for (const r of rows) {
    const l = out.get(String(r.sid)) ?? [];
    l.push({ ms: Number(r.ms), eventId: String(r.event_id), principal: str(r.identity_arn) });
    out.set(String(r.sid), l);
  }
  return out;
}

export const agentChangeBehaviourDetector: Detector = {
  id: 'data-plane.agent-change-behaviour',
  title: 'Agent behaviour that changed with an agent configuration change',
  elements: ['agency'],
  async run(ctx) {
    const { actions } = await agentBaseline(ctx.db, ctx.shared);
    // code interpretation runs are behaviour too: the code steps (no API path) in time order
    const codeSteps: AgentAction[] = (
      await ctx.db.all(
        `SELECT uid, ${isoSql('time')} AS t, session_id, agent_id, trace_id FROM agent_steps
         WHERE action_group = ${sqlString(CODE_INTERPRETER)} AND api_name IS NULL AND step_kind = 'invocationInput'
           AND agent_id IS NOT NULL
         ORDER BY time, uid`,
      )
    ).map((r) => ({
      uid: String(r.uid),
      time: String(r.t),
      sessionId: str(r.session_id),
      agentId: str(r.agent_id),
      traceId: str(r.trace_id),
      actionGroup: CODE_INTERPRETER,
      apiName: null,
      verb: null,
      params: {},
      key: CODE_INTERPRETER_SIGNATURE,
    }));
    if (!actions.length && !codeSteps.length) return [];
    const changeRows = await loadEvents(
      ctx.db,
      `service = 'bedrock.amazonaws.com' AND error_code IS NULL AND action IN (${AGENT_CHANGE_ACTIONS.map(sqlString).join(',')})`,
      [],
      { extra: false },
    );
    const bursts = changeBursts(changeRows, ctx.identityOf);
    const agents = [
      ...new Set([...actions, ...codeSteps].map((a) => a.agentId).filter((x): x is string => !!x)),
    ].sort();
    const versions = await agentVersions(ctx.db, agents);
    const byAgent = new Map<string, AgentChange[]>();
    for (const b of bursts) {
      const l = byAgent.get(b.agentId) ?? [];
      l.push(b);
      byAgent.set(b.agentId, l);
    }
    // an agent without CloudTrail changes: its traces' new versions stand in for the changes
    for (const agentId of agents) {
      if (byAgent.has(agentId)) continue;
      const vs = (versions.get(agentId) ?? []).filter((v) => v.version !== 'DRAFT');
      const l: AgentChange[] = vs.slice(1).map((v) => ({
        agentId,
        principal: null,
        principalType: null,
        accessKeyId: null,
        sourceIp: null,
        userAgent: null,
        start: new Date(v.firstMs).toISOString(),
        startMs: v.firstMs,
        eventIds: [],
        actions: [`version ${v.version} first seen`],
        actionGroups: new Set(),
        executors: new Set(),
        capabilities: new Set(),
      }));
      if (l.length) byAgent.set(agentId, l);
    }
    if (!byAgent.size) return [];
    const starts = await sessionStarts(ctx.db, [...byAgent.keys()].sort());
    const judged = new Map<AgentChange, ChangerJudgement>();
    for (const l of byAgent.values()) for (const b of l) judged.set(b, judgeChanger(b, bursts));
    const before = (b: AgentChange) => countBelow(starts.get(b.agentId) ?? [], b.startMs);

    // first use of each action key per agent (actions are in time order: O(1) per step)
    const firstUse = new Map<string, number>();
    for (const a of actions) {
      const k = `${a.agentId}\0${a.key}`;
      if (!firstUse.has(k)) firstUse.set(k, Date.parse(a.time));
    }
    // which change a new action key came with: a change of its action group within 7 days, else the
    // latest change by an unusual changer within a day, else the latest change
    const uses = new Map<AgentChange, Map<string, NewUse>>();
    const keyChange = new Map<string, AgentChange>();
    const newUse = (kind: NewUse['kind'], what: string, group: string | null, firstMs: number): NewUse => ({
      kind,
      what,
      group,
      sessions: new Set(),
      steps: [],
      uses: 0,
      firstMs,
      lastMs: firstMs,
      sensitiveTypes: new Set(),
      sensitiveSessions: new Set(),
      fields: new Set(),
      scanned: 0,
    });
    const groupOf = new Map<string, string | null>();
    for (const a of actions) groupOf.set(`${a.agentId}\0${a.key}`, a.actionGroup);
    // first use of each action group per agent
    const groupFirst = new Map<string, number>();
    for (const a of actions) {
      const gk = `${a.agentId}\0${a.actionGroup}`;
      if (a.actionGroup && !groupFirst.has(gk)) groupFirst.set(gk, Date.parse(a.time));
    }
    for (const [k, ms] of firstUse) {
      const [agentId, key] = k.split('\0');
      const cands = (byAgent.get(agentId) ?? []).filter((b) => b.startMs <= ms);
      if (!cands.length) continue;
      const group = groupOf.get(k) ?? null;
      const pick =
        cands.filter((b) => group && b.actionGroups.has(group) && ms - b.startMs <= 7 * 24 * HOUR_MS).pop() ??
        cands.filter((b) => !judged.get(b)?.usual && ms - b.startMs <= 24 * HOUR_MS).pop() ??
        cands[cands.length - 1];
      if (before(pick) < MIN_SESSIONS_BEFORE) continue;
      // a path of an action group the agent already used before the change, a group no change since
      // touched: the path was defined before (the group's schema did not change); rare, not new
      const gFirst = group ? groupFirst.get(`${agentId}\0${group}`) : undefined;
      if (
        group &&
        gFirst !== undefined &&
        gFirst < pick.startMs &&
        !cands.some((b) => b.startMs > gFirst && b.actionGroups.has(group))
      )
        continue;
      keyChange.set(k, pick);
      const m = uses.get(pick) ?? new Map<string, NewUse>();
      m.set(`action\0${key}`, newUse('action', key, group, ms));
      uses.set(pick, m);
    }
    // code interpretation first run after a change: the change that enabled it (within 7 days), else as
    // for actions; not new when an earlier change had already enabled it
    const codeChange = new Map<string, AgentChange>();
    const codeFirst = new Map<string, number>();
    for (const a of codeSteps)
      if (a.agentId && !codeFirst.has(a.agentId)) codeFirst.set(a.agentId, Date.parse(a.time));
    for (const [agentId, ms] of codeFirst) {
      const cands = (byAgent.get(agentId) ?? []).filter((b) => b.startMs <= ms);
      if (!cands.length) continue;
      const enables = (b: AgentChange) => b.capabilities.has(CODE_INTERPRETER_SIGNATURE);
      const pick =
        cands.filter((b) => enables(b) && ms - b.startMs <= 7 * 24 * HOUR_MS).pop() ??
        cands.filter((b) => !judged.get(b)?.usual && ms - b.startMs <= 24 * HOUR_MS).pop() ??
        cands[cands.length - 1];
      if (before(pick) < MIN_SESSIONS_BEFORE) continue;
      if (cands.some((b) => b.startMs < pick.startMs && enables(b))) continue;
      codeChange.set(agentId, pick);
      const m = uses.get(pick) ?? new Map<string, NewUse>();
      m.set('code', newUse('code', CODE_INTERPRETER_SIGNATURE, CODE_INTERPRETER, ms));
      uses.set(pick, m);
    }
    // executors: an action group put on a function the agent's earlier changes did not name, and that
    // was created in the evidence or replaced another one
    const fns = await functionRoles(ctx.db, ctx.identityOf);
    const groupExecChange = new Map<string, AgentChange[]>();
    for (const [agentId, l] of byAgent) {
      const known = new Set<string>();
      for (const b of l) {
        for (const ex of b.executors) {
          const name = functionNameOf(ex);
          const created = fns.get(name)?.created;
          if (!known.has(name) && (known.size > 0 || created) && before(b) >= MIN_SESSIONS_BEFORE)
            for (const g of b.actionGroups) {
              const gk = `${agentId}\0${g}`;
              const gl = groupExecChange.get(gk) ?? [];
              gl.push(b);
              groupExecChange.set(gk, gl);
              const m = uses.get(b) ?? new Map<string, NewUse>();
              m.set(`executor\0${g}`, newUse('executor', name, g, b.startMs));
              uses.set(b, m);
            }
        }
        for (const ex of b.executors) known.add(functionNameOf(ex));
      }
    }
    if (!uses.size) return [];
    for (const a of codeSteps) {
      const b = a.agentId ? codeChange.get(a.agentId) : undefined;
      const u = b && Date.parse(a.time) >= b.startMs ? uses.get(b)?.get('code') : undefined;
      if (!u) continue;
      u.uses++;
      u.lastMs = Math.max(u.lastMs, Date.parse(a.time));
      u.sessions.add(a.sessionId ?? `trace:${a.traceId}`);
      if (u.steps.length < CITE_MAX) u.steps.push(a);
    }
    // a hand-off to a collaborator agent has no parameters: what it carries is its input text
    const handOffText = await stepTexts(
      ctx.db,
      actions
        .filter((a) => keyChange.has(`${a.agentId}\0${a.key}`) && !Object.keys(a.params).length)
        .map((a) => a.uid),
    );
    // the uses: one pass over the action steps, O(1) per step (a few changes per action group)
    for (const a of actions) {
      const ms = Date.parse(a.time);
      const sid = a.sessionId ?? `trace:${a.traceId}`;
      const add = (u: NewUse, scan: boolean) => {
        u.uses++;
        u.lastMs = Math.max(u.lastMs, ms);
        u.sessions.add(sid);
        if (u.steps.length < CITE_MAX) u.steps.push(a);
        if (scan && u.scanned < 2000) {
          u.scanned++;
          const text = handOffText.get(a.uid);
          const s = sensitiveParams(text ? { input: text } : a.params);
          for (const f of s.fields) u.fields.add(f);
          if (s.types.length) {
            for (const t of s.types) u.sensitiveTypes.add(t);
            u.sensitiveSessions.add(sid);
          }
        }
      };
      const kc = keyChange.get(`${a.agentId}\0${a.key}`);
      if (kc) {
        const u = uses.get(kc)?.get(`action\0${a.key}`);
        if (u) add(u, true);
      }
      const gl = a.actionGroup ? groupExecChange.get(`${a.agentId}\0${a.actionGroup}`) : undefined;
      if (gl) {
        let b: AgentChange | null = null;
        for (const x of gl) if (x.startMs <= ms) b = x;
        const u = b ? uses.get(b)?.get(`executor\0${a.actionGroup}`) : undefined;
        if (u && !kc) add(u, false);
        else if (u) {
          u.uses++;
          u.lastMs = Math.max(u.lastMs, ms);
          u.sessions.add(sid);
        }
      }
    }

    const out: Finding[] = [];
    for (const [b, m] of uses) {
      const news = [...m.values()].filter((u) => u.uses > 0);
      if (!news.length) continue;
      const j = judged.get(b) ?? { usual: false, reasons: [] };
      const sessionsAll = new Set(news.flatMap((u) => [...u.sessions]));
      const sensitive = news.filter((u) => u.sensitiveTypes.size > 0);
      // code interpretation that this change switched on, and that then ran: one session is enough
      const enabledCode =
        b.capabilities.has(CODE_INTERPRETER_SIGNATURE) && news.some((u) => u.kind === 'code');
      let severity: Severity;
      if (j.usual) severity = 'informational';
      else if (!b.principal) severity = 'low';
      else if (sessionsAll.size < 2 && !enabledCode) severity = 'low';
      else severity = sensitive.length ? 'high' : 'medium';
      const severe = severity === 'high' || severity === 'medium';
      // sessions in time order of their first new use; the first ones always cited. With new actions,
      // their sessions; an executor swap alone, the sessions that used the action group since
      const cite = news.some((u) => u.kind !== 'executor') ? news.filter((u) => u.kind !== 'executor') : news;
      const steps = uniqActions(cite.flatMap((u) => u.steps)).slice(0, CITE_MAX);
      const sids: string[] = [];
      const seenSid = new Set<string>();
      for (const a of steps) {
        const sid = a.sessionId ?? `trace:${a.traceId}`;
        if (!seenSid.has(sid)) {
          seenSid.add(sid);
          sids.push(sid);
        }
      }
      const realSids = sids.filter((s) => !s.startsWith('trace:'));
      // the InvokeAgent call of each cited step's turn (the session's latest call before the step)
      const inv = severe ? await invokeAgentTurns(ctx.db, realSids) : new Map<string, InvokeTurn[]>();
      const invEvents: string[] = [];
      const invPrincipals = new Set<string | null>();
      for (const a of steps) {
        const l = a.sessionId ? inv.get(a.sessionId) : undefined;
        if (!l) continue;
        const ms = Date.parse(a.time) + 1000;
        let hit: InvokeTurn | null = null;
        for (const x of l) if (x.ms <= ms) hit = x;
        if (!hit) continue;
        invEvents.push(hit.eventId);
        invPrincipals.add(ctx.identityOf(hit.principal));
      }
      // the new executors' roles: their calls after the change (data they read)
      const execs = news.filter((u) => u.kind === 'executor').map((u) => u.what);
      const roleCalls: Array<{ eventId: string; api: string; bucket: string | null }> = [];
      const roles: string[] = [];
      if (severe)
        for (const name of new Set(execs)) {
          const role = ctx.identityOf(fns.get(name)?.role ?? null);
          const rm = role ? /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(.+)$/.exec(role) : null;
          if (!role || !rm) continue;
          roles.push(role);
          const rows = await ctx.db.all(
            `SELECT coalesce(event_id, uid) AS event_id, service || ':' || action AS api,
                    json_extract_string(request_parameters, '$.bucketName') AS bucket
             FROM events WHERE time >= CAST($1 AS TIMESTAMP)
               AND (identity_arn = $2 OR principal_arn LIKE $3
                    OR (action = 'AssumeRole' AND json_extract_string(request_parameters, '$.roleArn') = $4))
               AND action NOT IN ('CreateLogStream', 'CreateLogGroup', 'PutLogEvents')
             ORDER BY time, uid LIMIT ${ROLE_CALLS_MAX}`,
            [
              sqlTime(b.start),
              role,
              `arn:${rm[1]}:sts::${rm[2]}:assumed-role/${rm[3]}/%`,
              fns.get(name)?.role ?? role,
            ],
          );
          for (const r of rows)
            roleCalls.push({ eventId: String(r.event_id), api: String(r.api), bucket: str(r.bucket) });
        }
      // the traces' versions around the change
      const vs = versions.get(b.agentId) ?? [];
      const newer = vs.filter((v) => v.firstMs >= b.startMs && v.firstMs <= b.startMs + 6 * HOUR_MS);
      const older = vs.filter((v) => v.firstMs < b.startMs && v.lastMs >= b.startMs - 6 * HOUR_MS);
      const versionMove =
        newer.length && older.length
          ? `the agent moved from version ${older.map((v) => v.version).join('/')} to ${newer.map((v) => v.version).join('/')} at ${new Date(newer[0].firstMs).toISOString()}`
          : '';
      const who = b.principal ? shortName(b.principal) : 'unknown';
      const describe = (u: NewUse) =>
        u.kind === 'code'
          ? `code interpretation (${CODE_INTERPRETER_SIGNATURE}${b.capabilities.has(CODE_INTERPRETER_SIGNATURE) ? ', enabled by this change' : ''}) run in ${u.sessions.size} session(s), ${u.uses} code step(s), from ${new Date(u.firstMs).toISOString()}`
          : u.kind === 'action'
            ? `new action ${u.what} in ${u.sessions.size} session(s) from ${new Date(u.firstMs).toISOString()}${u.sensitiveTypes.size ? `, its parameters carrying ${[...u.sensitiveTypes].join(', ')} (${u.sensitiveSessions.size} session(s); fields ${[...u.fields].join(', ')})` : ''}`
            : `action group ${u.group} now runs on function ${u.what} (not named by the agent's earlier changes${fns.get(u.what)?.created ? ', created in the evidence' : ''}), used in ${u.sessions.size} session(s)`;
      const buckets = [...new Set(roleCalls.map((r) => r.bucket).filter((x): x is string => !!x))];
      const elements: Finding['elements'] =
        severe && sensitive.length ? ['agency', 'private-data'] : ['agency'];
      out.push(
        makeFinding({
          ruleId: 'data-plane.agent-change-behaviour',
          title: `Agent ${b.agentId}: new behaviour since ${b.actions.join(', ')} by ${who}${j.usual ? ' (usual deployer)' : ''}`,
          description: `${b.principal ? `${b.start} ${b.actions.join(', ')} on agent ${b.agentId} by ${b.principal}${b.sourceIp ? ` from ${b.sourceIp}` : ''}` : `Agent ${b.agentId}: ${b.actions.join(', ')} at ${b.start}`} (${j.reasons.join('; ')}). Since then: ${news
            .map(describe)
            .join(
              '; ',
            )}. The agent had ${before(b)} session(s) before the change without it.${versionMove ? ` In the traces ${versionMove}.` : ''}${roleCalls.length ? ` The function's role ${roles.map(shortName).join(', ')} made ${roleCalls.length} call(s) since (${[...new Set(roleCalls.map((r) => r.api))].slice(0, 8).join(', ')}${buckets.length ? `; buckets ${buckets.join(', ')}` : ''}).` : ''}`,
          severity,
          elements,
          components: ['agents', 'plugins'],
          times: [b.start, ...steps.map((a) => a.time)],
          principals: severe ? [b.principal, ...invPrincipals, ...roles] : [b.principal],
          accessKeyIds: severe && b.accessKeyId ? [b.accessKeyId] : [],
          sourceIps: severe && b.sourceIp && /\d/.test(b.sourceIp) ? [b.sourceIp] : [],
          resources: [b.agentId, ...(severe ? [...new Set(execs), ...roles, ...buckets] : [])],
          attack: sensitive.length ? ['AML.T0053', 'AML.T0057'] : ['AML.T0053'],
          evidence: {
            eventIds: [...b.eventIds, ...(severe ? [...invEvents, ...roleCalls.map((r) => r.eventId)] : [])],
            traceIds: [
              ...(severe ? steps : steps.slice(0, 20)).map((a) => a.traceId),
              ...(severe ? realSids : []),
            ],
          },
          details: {
            agentId: b.agentId,
            change: {
              start: b.start,
              actions: b.actions,
              principal: b.principal,
              sourceIp: b.sourceIp,
              userAgent: b.userAgent,
              eventIds: b.eventIds,
              usualChanger: j.usual,
              reasons: j.reasons,
              actionGroups: [...b.actionGroups],
              executors: [...b.executors],
              capabilities: [...b.capabilities].sort(),
            },
            sessionsBefore: before(b),
            newBehaviour: news.map((u) => ({
              kind: u.kind,
              what: u.what,
              actionGroup: u.group,
              firstSeen: new Date(u.firstMs).toISOString(),
              sessions: u.sessions.size,
              uses: u.uses,
              sensitiveTypes: [...u.sensitiveTypes],
              sensitiveSessions: u.sensitiveSessions.size,
              fields: [...u.fields],
            })) as Json,
            versions: { before: older.map((v) => v.version), after: newer.map((v) => v.version) },
            sessions: sessionsAll.size,
            lastUse: new Date(Math.max(...news.map((u) => u.lastMs))).toISOString(),
            citedSessions: severe ? realSids.length : 0,
            functionRoleCalls: roleCalls.length,
          },
        }),
      );
    }
    return out;
  },
};

// ---- CloudTrail of the agents' Lambda roles ------------------------------------------------------------------

const SENSITIVE_API: Array<[RegExp, number, string]> = [
  [
    /^iam\.amazonaws\.com:(?:Create|Put|Attach|Update|Delete|Add|Remove|Set|Upload|Enable|Deactivate|Tag)/,
    3,
    'IAM change',
  ],
  [/^iam\.amazonaws\.com:(?:List|Get)/, 1, 'IAM enumeration'],
  [/^sts\.amazonaws\.com:(?:AssumeRole|GetFederationToken|GetSessionToken)/, 2, 'credential issuance'],
  [
    /^secretsmanager\.amazonaws\.com:(?:GetSecretValue|PutSecretValue|UpdateSecret|DeleteSecret|CreateSecret)/,
    2,
    'secrets',
  ],
  [/^kms\.amazonaws\.com:(?:PutKeyPolicy|CreateGrant|ScheduleKeyDeletion|DisableKey)/, 2, 'KMS key change'],
  [
    /^(?:cloudtrail|logs|config|guardduty)\.amazonaws\.com:(?:Stop|Delete|Update|Put(?!LogEvents))/,
    3,
    'logging and detection change',
  ],
  [
    /^s3\.amazonaws\.com:(?:PutBucketPolicy|DeleteBucket|PutBucketAcl|PutBucketPublicAccessBlock|DeleteBucketPolicy)/,
    3,
    'bucket policy change',
  ],
  [
    /^lambda\.amazonaws\.com:(?:UpdateFunctionCode|CreateFunction|AddPermission|UpdateFunctionConfiguration|CreateFunctionUrlConfig)/,
    3,
    'Lambda change',
  ],
  [/^ec2\.amazonaws\.com:(?:AuthorizeSecurityGroup|RunInstances|CreateKeyPair)/, 2, 'EC2 change'],
  [/^bedrock\.amazonaws\.com:(?:Update|Delete|Create|Put)/, 2, 'Bedrock configuration change'],
];

export const agentRoleActivityDetector: Detector = {
  id: 'data-plane.agent-role-activity',
  title:
    "Calls by the agents' action-group roles beyond their usual APIs, and use of credentials they created",
  elements: ['agency'],
  async run(ctx) {
    const roles = await agentLambdaRoles(ctx.db, ctx.shared, ctx.identityOf);
    const out: Finding[] = [];
    for (const role of roles.values()) {
      const total = [...role.apis.values()].reduce((a, b) => a + b, 0);
      const unusual: Array<{ api: string; weight: number; label: string }> = [];
      for (const [api, n] of role.apis) {
        const s = SENSITIVE_API.find(([re]) => re.test(api));
        if (!s) continue;
        if (n <= 3 || n / total <= 0.05) unusual.push({ api, weight: s[1], label: s[2] });
      }
      if (!unusual.length) continue;
      const apis = unusual.map((u) => u.api);
      const rows = await ctx.db.all(
        `SELECT event_id, ${isoSql('time')} AS t, service || ':' || action AS api, source_ip, access_key_id, session_name,
                CAST(request_parameters AS VARCHAR) AS req, CAST(response_elements AS VARCHAR) AS resp, error_code
         FROM events WHERE identity_arn = $1 AND (service || ':' || action) IN (${apis.map(sqlString).join(',')})
         ORDER BY time, uid`,
        [role.identity],
      );
      if (!rows.length) continue;
      const weight = Math.max(...unusual.map((u) => u.weight));
      const writes = unusual.filter((u) => u.weight >= 2).length;
      let severity: Severity = weight >= 3 ? 'high' : weight >= 2 ? 'medium' : 'low';
      if (writes === 0 && unusual.length < 2) severity = 'low';
      // credentials the role minted, and what they were then used for
      const minted: string[] = [];
      const users: string[] = [];
      for (const r of rows) {
        const resp = parseJson(r.resp) as { accessKey?: { accessKeyId?: string; userName?: string } } | null;
        if (resp?.accessKey?.accessKeyId) {
          minted.push(resp.accessKey.accessKeyId);
          if (resp.accessKey.userName) users.push(resp.accessKey.userName);
        }
      }
      const account = /::(\d{12}):/.exec(role.identity)?.[1];
      const ext = await relatedGuardDuty(
        ctx.db,
        role.identity,
        rows.map((r) => String(r.t)),
      );
      const tms = rows.map((r) => String(r.t));
      out.push(
        makeFinding({
          ruleId: 'data-plane.agent-role-activity',
          title: `Agent action-group role ${shortName(ctx.identityOf(role.identity) ?? role.identity)} made unusual calls: ${[...new Set(unusual.map((u) => u.label))].join(', ')}`,
          description: `The role the agent's Lambda runs as (${role.sessionNames.join(', ')}) made ${rows.length} call(s) it rarely or never makes: ${[
            ...new Set(rows.map((r) => String(r.api))),
          ].join(
            ', ',
          )}. An agent tool that can change IAM or secrets lets anyone who can talk to the agent do the same.${minted.length ? ` It created ${minted.length} access key(s) (${minted.map(maskKey).join(', ')}) for ${[...new Set(users)].join(', ')}.` : ''}`,
          severity,
          elements: ['agency'],
          components: ['plugins', 'agents'],
          times: tms,
          principals: [ctx.identityOf(role.identity)],
          resources: [
            ...role.sessionNames,
            ...users.map((u) => (account ? `arn:aws:iam::${account}:user/${u}` : u)),
          ],
          attack: minted.length ? ['T1098.001', 'AML.T0053'] : ['AML.T0053'],
          evidence: { eventIds: rows.map((r) => str(r.event_id)), findingIds: ext },
          details: {
            role: role.identity,
            functions: role.sessionNames,
            usualApis: Object.fromEntries(
              [...role.apis.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 20),
            ),
            unusual: unusual.map((u) => ({ api: u.api, label: u.label })) as Json,
            createdKeys: minted.map(maskKey),
            forUsers: [...new Set(users)],
          },
        }),
      );
      // what the minted credentials did next
      for (const key of minted) {
        const all = await ctx.db.all(
          `SELECT event_id, ${isoSql('time')} AS t, source_ip, identity_arn, user_agent, service || ':' || action AS api, error_code
           FROM events WHERE access_key_id = $1 ORDER BY time, uid`,
          [key],
        );
        if (!all.length) continue;
        // the integration's own callers (addresses and clients the user had used before the new key)
        const prior = await ctx.db.all(
          `SELECT DISTINCT source_ip, user_agent FROM events
           WHERE identity_arn = $1 AND coalesce(access_key_id, '') <> $2 AND time < CAST($3 AS TIMESTAMP)
           ORDER BY source_ip, user_agent`,
          [String(all[0].identity_arn ?? ''), key, sqlTime(String(all[0].t))],
        );
        const priorIps = new Set(prior.map((p) => str(p.source_ip)));
        const net16 = (ip: string | null) => (ip ? ip.split('.').slice(0, 2).join('.') : '');
        const priorNets = new Set(prior.map((p) => net16(str(p.source_ip))));
        const priorUa = new Set(prior.map((p) => uaFamilyOf(str(p.user_agent))));
        const own = (u: Record<string, unknown>) => {
          const ip = str(u.source_ip);
          return priorIps.has(ip) || (priorNets.has(net16(ip)) && priorUa.has(uaFamilyOf(str(u.user_agent))));
        };
        const isAddr = (ip: string | null) => !!ip && /^[0-9a-f.:]+$/i.test(ip) && /\d/.test(ip);
        const used: typeof all = [];
        let lastActor = -Infinity;
        for (const u of all) {
          const t = Date.parse(String(u.t));
          if (!isAddr(str(u.source_ip))) {
            if (t - lastActor <= 3000) used.push(u);
            continue;
          }
          if (own(u)) continue;
          used.push(u);
          lastActor = t;
        }
        if (!used.length) continue;
        const ips = [
          ...new Set(
            used.map((u) => str(u.source_ip)).filter((x): x is string => !!x && /^[0-9a-f.:]+$/i.test(x)),
          ),
        ];
        const ext2 = await relatedGuardDuty(
          ctx.db,
          String(used[0].identity_arn ?? ''),
          used.map((u) => String(u.t)),
          key,
        );
        out.push(
          makeFinding({
            ruleId: 'data-plane.agent-minted-key-use',
            title: `Access key ${maskKey(key)} created through the agent was used ${used.length} time(s) from ${ips.join(', ') || 'unknown addresses'}`,
            description: `The key the agent's action-group role created was then used for: ${[...new Set(used.map((u) => String(u.api)))].slice(0, 12).join(', ')}${used.some((u) => u.error_code) ? ` (${used.filter((u) => u.error_code).length} denied)` : ''}.`,
            severity: 'high',
            elements: ['agency', 'access'],
            components: ['plugins'],
            times: used.map((u) => String(u.t)),
            principals: [...new Set(used.map((u) => ctx.identityOf(str(u.identity_arn))))],
            accessKeyIds: [key],
            sourceIps: ips,
            resources: used.map((u) => ctx.identityOf(str(u.identity_arn))),
            attack: ['T1078.004', 'T1098.001'],
            evidence: { eventIds: used.map((u) => str(u.event_id)), findingIds: ext2 },
            details: {
              key: maskKey(key),
              calls: used.length,
              apis: [...new Set(used.map((u) => String(u.api)))],
            },
          }),
        );
      }
    }
    return out;
  },
};

/** GuardDuty findings about a principal (by role or user name, or access key) around the given times. */
export async function relatedGuardDuty(
  db: Queryable,
  identity: string,
  times: string[],
  key?: string,
): Promise<string[]> {
  if (!times.length) return [];
  const name = identity.split('/').pop() ?? identity;
  const sorted = [...times].sort();
  const from = sorted[0];
  const to = sorted[sorted.length - 1];
  const rows = await db.all(
    `SELECT finding_id FROM ext_findings
     WHERE (user_name = $1 OR access_key_id = $2)
       AND coalesce(archived, false) = false
       AND coalesce(first_seen, created_at) <= CAST($4 AS TIMESTAMP) + INTERVAL 2 HOUR
       AND coalesce(last_seen, updated_at, created_at) >= CAST($3 AS TIMESTAMP) - INTERVAL 2 HOUR`,
    [name, key ?? '\0', sqlTime(from), sqlTime(to)],
  );
  return rows.map((r) => String(r.finding_id));
}

function uaFamilyOf(ua: string | null): string | null {
  if (!ua) return null;
  const m = /^([A-Za-z][\w.-]*?)\/(\d+)/.exec(ua.trim());
  return m ? `${m[1]}/${m[2]}` : ua.trim().split(/\s+/)[0] || null;
}

/** Steps of a session whose text (tool result, answer) carries AWS credentials. */
async function credentialSteps(
  db: Queryable,
  sessionId: string,
): Promise<Array<{ traceId: string | null; keys: string[] }>> {
  if (sessionId.startsWith('trace:')) return [];
  const rows = await db.all(
    `SELECT trace_id, text FROM agent_steps
     WHERE session_id = $1 AND step_kind IN ('observation', 'modelInvocationOutput', 'chunk')
       AND regexp_matches(text, '(AKIA|ASIA)[A-Z0-9]{16}')`,
    [sessionId],
  );
  const out: Array<{ traceId: string | null; keys: string[] }> = [];
  for (const r of rows) {
    const c = credentialsIn(String(r.text ?? ''));
    if (c.keys.length && c.secrets) out.push({ traceId: str(r.trace_id), keys: c.keys });
  }
  return out;
}

// ---- indirect prompt injection in what the agents read ----------------------------------------------------

/** A retrieved reference of a knowledge-base lookup: its text and where it came from. */
interface Reference {
  uri: string;
  text: string;
}

/** The retrieved references of an observation step's raw trace (each with its own text and location). */
export function referencesOf(raw: unknown): Reference[] {
  const out: Reference[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth > 8 || !v || typeof v !== 'object' || out.length >= 100) return;
    if (Array.isArray(v)) {
      for (const x of v.slice(0, 100)) walk(x, depth + 1);
      return;
    }
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.retrievedReferences)) {
      for (const r of o.retrievedReferences.slice(0, 100)) {
        const ro = jsonObject(r);
        const text = jsonObject(ro?.content)?.text;
        const loc = jsonObject(ro?.location);
        const uri =
          jsonObject(loc?.s3Location)?.uri ??
          jsonObject(loc?.webLocation)?.url ??
          jsonObject(loc?.confluenceLocation)?.url ??
          jsonObject(loc?.salesforceLocation)?.url ??
          jsonObject(loc?.sharePointLocation)?.url ??
          jsonObject(loc?.customDocumentLocation)?.id ??
          jsonObject(loc?.kendraDocumentLocation)?.uri ??
          jsonObject(ro?.metadata)?.['x-amz-bedrock-kb-source-uri'];
        if (typeof text === 'string' && typeof uri === 'string' && text && uri) out.push({ uri, text });
      }
      return;
    }
    for (const k of Object.keys(o).sort()) walk(o[k], depth + 1);
  };
  walk(jsonObject(raw), 0);
  return out;
}

/** Where a planted document came from: who wrote it, who submitted its text, what indexed it. */
export interface Planting {
  writes: Array<{
    eventId: string;
    time: string;
    identity: string | null;
    ip: string | null;
    fn: string | null;
  }>;
  /** object reads (the ingestion's, anyone's), event ids */
  reads: Array<{ eventId: string; time: string }>;
  dataSources: string[];
  /** model calls of the writing application that carried the planted text before it was written */
  submissions: Array<{ requestId: string; time: string; clientIp: string | null; identity: string | null }>;
}

/** Records cited per planted document (writes, reads, submissions). */
const PLANTING_MAX = 50;
/** Object writes and reads read for the planted documents. */
const PLANTING_ROWS_MAX = 5000;
/** How long before writing a document the application may have received the text it carries. */
const SUBMISSION_BEFORE_MS = 24 * 3_600_000;

/** A distinctive piece of the injected instruction: its first words, without the markup hiding it. */
export function injectionNeedle(text: string, spans: Array<{ start: number; end: number }>): string | null {
  const ranked = [...spans].sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
  for (const sp of ranked) {
    const inner = text
      .slice(sp.start, sp.end)
      .replace(/^\s*(?:<!--|<[^>]{0,300}>)\s*/, '')
      .replace(/\s*(?:-->|<\/[a-z]+>)\s*$/i, '');
    const needle = inner.slice(0, 80).trim();
    if (needle.length >= 24 && !/[<>]/.test(needle)) return needle;
  }
  return null;
}

/**
 * The CloudTrail and model-invocation records behind a planted document in S3: the write of each
 * object that put the version the agent read (the last one before its first retrieval: earlier writes
 * are older versions, later ones fixes), who made it, from where and as which Lambda function, the
 * object's reads until the next write (the knowledge base's ingestion), the data sources that indexed
 * it, and the writer's own model calls that carried the injected text shortly before it was written
 * (an application that publishes what its users submit: the submitter's address).
 */
export async function plantingOf(
  db: Queryable,
  uris: string[],
  needle: string | null,
  firstUse: string,
  identityOf: IdentityOf,
): Promise<Planting> {
  const out: Planting = { writes: [], reads: [], dataSources: [], submissions: [] };
  const objs = uris
    .map((u) => /^s3:\/\/([^/]+)\/(.+)$/.exec(u))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => ({ bucket: m[1], key: m[2] }));
  if (!objs.length) return out;
  const rows = await db.all(
    `SELECT event_id, ${isoSql('time')} AS t, action, identity_arn, source_ip, session_name, user_agent,
            json_extract_string(request_parameters, '$.bucketName') AS bucket,
            json_extract_string(request_parameters, '$.key') AS okey
     FROM events
     WHERE service = 's3.amazonaws.com' AND error_code IS NULL AND event_id IS NOT NULL
       AND action IN ('PutObject', 'CopyObject', 'CompleteMultipartUpload', 'PostObject', 'GetObject')
       AND (${objs
         .map(
           (o) =>
             `(json_extract_string(request_parameters, '$.bucketName') = ${sqlString(o.bucket)} AND json_extract_string(request_parameters, '$.key') = ${sqlString(o.key)})`,
         )
         .join(' OR ')})
     ORDER BY time, event_id LIMIT ${PLANTING_ROWS_MAX}`,
  );
  const lambdaRoles = new Set(
    (
      await db.all(
        `SELECT arn FROM iam_entities WHERE kind = 'role' AND CAST(trust_policy AS VARCHAR) LIKE '%lambda.amazonaws.com%' ORDER BY arn`,
      )
    ).map((r) => identityOf(String(r.arn))),
  );
  // per object: the last write before the first retrieval, and the reads from it to the next write
  const byObject = new Map<string, Array<Record<string, unknown>>>();
  for (const r of rows) {
    const k = `${r.bucket}\0${r.okey}`;
    const l = byObject.get(k) ?? [];
    l.push(r);
    byObject.set(k, l);
  }
  const chosen: Array<Record<string, unknown>> = [];
  for (const k of [...byObject.keys()].sort()) {
    const l = byObject.get(k) ?? [];
    const isWrite = (r: Record<string, unknown>) => r.action !== 'GetObject';
    const planted = l.filter((r) => isWrite(r) && String(r.t) <= firstUse).pop();
    if (!planted) continue;
    const next = l.find((r) => isWrite(r) && String(r.t) > String(planted.t));
    chosen.push(planted);
    for (const r of l)
      if (!isWrite(r) && String(r.t) >= String(planted.t) && (!next || String(r.t) < String(next.t)))
        chosen.push(r);
  }
  for (const r of chosen) {
    if (r.action === 'GetObject') {
      if (out.reads.length < PLANTING_MAX) out.reads.push({ eventId: String(r.event_id), time: String(r.t) });
      continue;
    }
    if (out.writes.length >= PLANTING_MAX) continue;
    const identity = identityOf(str(r.identity_arn));
    const ip = str(r.source_ip);
    // a function's role session is named after the function
    const fn =
      r.session_name && (/exec-env\/AWS_Lambda/.test(String(r.user_agent ?? '')) || lambdaRoles.has(identity))
        ? functionNameOf(String(r.session_name)) || null
        : null;
    out.writes.push({ eventId: String(r.event_id), time: String(r.t), identity, ip, fn });
  }
  const ds = await db.all(
    `SELECT DISTINCT data_source_id FROM kb_events WHERE data_source_id IS NOT NULL
       AND document_uri IN (${uris.map(sqlString).join(',')}) ORDER BY 1`,
  );
  out.dataSources = ds.map((r) => String(r.data_source_id));
  const writers = [...new Set(out.writes.map((w) => w.identity).filter((x): x is string => !!x))].sort();
  if (needle && writers.length) {
    const times = out.writes.map((w) => Date.parse(w.time)).filter(Number.isFinite);
    const from = new Date(Math.min(...times) - SUBMISSION_BEFORE_MS).toISOString();
    const to = new Date(Math.max(...times) + 5000).toISOString();
    const inv = await db.all(
      `SELECT request_id, ${isoSql('time')} AS t, client_ip, identity_arn FROM invocations
       WHERE time BETWEEN CAST($1 AS TIMESTAMP) AND CAST($2 AS TIMESTAMP) AND contains(prompt_text, $3)
       ORDER BY time, request_id LIMIT ${4 * PLANTING_MAX}`,
      [sqlTime(from), sqlTime(to), needle],
    );
    for (const r of inv) {
      const identity = identityOf(str(r.identity_arn));
      if (!identity || !writers.includes(identity) || !r.request_id) continue;
      if (out.submissions.length >= PLANTING_MAX) break;
      out.submissions.push({
        requestId: String(r.request_id),
        time: String(r.t),
        clientIp: str(r.client_ip),
        identity,
      });
    }
  }
  return out;
}

export const agentDocumentInjectionDetector: Detector = {
  id: 'data-plane.agent-document-injection',
  title:
    'Instructions hidden in knowledge-base documents or tool results an agent read (indirect prompt injection)',
  elements: ['invocation'],
  async run(ctx) {
    const rows = await ctx.db.all(
      `SELECT o.uid, o.session_id, o.agent_id, o.trace_id, ${isoSql('o.time')} AS t, o.text,
              CAST(o.parameters AS VARCHAR) AS params, i.action_group AS source, i.api_name
       FROM agent_steps o
       LEFT JOIN agent_steps i ON i.trace_id = o.trace_id AND i.step_kind = 'invocationInput' AND i.session_id = o.session_id
       WHERE o.step_kind = 'observation' AND length(o.text) > 40
         AND (json_extract(o.parameters, '$.locations') IS NOT NULL OR i.api_name IS NOT NULL)
       ORDER BY o.time, o.uid`,
    );
    type Analysis = {
      hidden: string[];
      score: number;
      verdict: string;
      categories: string[];
      spans: Array<{ start: number; end: number; category: string }>;
    };
    const memo = new Map<string, Analysis>();
    const analyse = (text: string, kind: 'document' | 'tool_result'): Analysis => {
      const mk = `${kind}\0${text}`;
      let a = memo.get(mk);
      if (!a) {
        const p = analyzePrompt(text, { kind });
        a = {
          hidden: hiddenInstructionsIn(text),
          score: p.score,
          verdict: p.verdict,
          categories: p.categories,
          spans: p.spans,
        };
        memo.set(mk, a);
      }
      return a;
    };
    const flagged: Array<{
      r: Record<string, unknown>;
      kind: 'document' | 'tool_result';
      locations: string[];
      a: Analysis;
    }> = [];
    for (const r of rows) {
      const text = String(r.text ?? '');
      const params = parseJson(r.params) as { locations?: string[] } | null;
      const locations = Array.isArray(params?.locations) ? params.locations.map(String) : [];
      const kind: 'document' | 'tool_result' = locations.length || !r.api_name ? 'document' : 'tool_result';
      const a = analyse(text, kind);
      if (!(a.verdict === 'attack' || a.hidden.length)) continue;
      flagged.push({ r, kind, locations, a });
    }
    // which of the retrieved references carries the instructions (a lookup returns several)
    const culprits = new Map<string, Reference[]>();
    const multi = flagged.filter((f) => f.locations.length > 1).map((f) => String(f.r.uid));
    for (let i = 0; i < multi.length; i += 500) {
      const chunk = multi.slice(i, i + 500);
      for (const x of await ctx.db.all(
        `SELECT uid, CAST(raw AS VARCHAR) AS raw FROM agent_steps WHERE uid IN (${chunk.map(sqlString).join(',')}) ORDER BY uid`,
      )) {
        const refs = referencesOf(x.raw).filter((ref) => {
          const a = analyse(ref.text, 'document');
          return a.verdict === 'attack' || a.hidden.length > 0;
        });
        if (refs.length) culprits.set(String(x.uid), refs);
      }
    }
    const byDoc = new Map<
      string,
      {
        steps: Array<{
          traceId: string | null;
          sessionId: string | null;
          time: string;
          agentId: string | null;
        }>;
        kb: string | null;
        kind: 'document' | 'tool_result';
        text: string;
        hidden: string[];
        score: number;
        categories: string[];
        spans: Array<{ start: number; end: number; category: string }>;
        /** every location retrieved with it */
        retrieved: Set<string>;
      }
    >();
    for (const { r, kind, locations, a: whole } of flagged) {
      const refs = culprits.get(String(r.uid));
      const uris = refs ? [...new Set(refs.map((x) => x.uri))].sort() : [...locations].sort();
      const text = refs ? refs[0].text : String(r.text ?? '');
      const a = refs ? analyse(text, 'document') : whole;
      const key = uris.length ? uris.join('|') : `text:${text.slice(0, 300)}`;
      const e = byDoc.get(key) ?? {
        steps: [],
        kb: str(r.source),
        kind,
        text,
        hidden: a.hidden,
        score: a.score,
        categories: a.categories,
        spans: a.spans,
        retrieved: new Set<string>(),
      };
      for (const l of locations) e.retrieved.add(l);
      e.steps.push({
        traceId: str(r.trace_id),
        sessionId: str(r.session_id),
        time: String(r.t),
        agentId: str(r.agent_id),
      });
      byDoc.set(key, e);
    }
    const out: Finding[] = [];
    for (const [key, e] of byDoc) {
      const uris = key.startsWith('text:') ? [] : key.split('|');
      const hosts = [...e.text.matchAll(/https?:\/\/([a-z0-9.-]+)/gi)].map((m) => m[1].toLowerCase());
      // did the agent act on it: later steps of the same sessions repeating an address from the document
      const followed: string[] = [];
      if (hosts.length) {
        const sessions = [...new Set(e.steps.map((s) => s.sessionId).filter((x): x is string => !!x))];
        for (let i = 0; i < sessions.length; i += 500) {
          const chunk = sessions.slice(i, i + 500);
          const f = await ctx.db.all(
            `SELECT DISTINCT trace_id FROM agent_steps WHERE session_id IN (${chunk.map(sqlString).join(',')})
               AND step_kind = 'observation' AND (${hosts.map((h) => `text ILIKE ${sqlString(`%${h}%`)}`).join(' OR ')})
             ORDER BY trace_id`,
          );
          for (const x of f) if (x.trace_id) followed.push(String(x.trace_id));
        }
      }
      // ... or agent actions, in any later conversation, sending to an address the instructions named
      const addresses = [...new Set([...e.text.toLowerCase().matchAll(EMAIL_IN_TEXT)].map((m) => m[0]))]
        .sort()
        .slice(0, 5);
      const sentTo: string[] = [];
      if (addresses.length) {
        const first = e.steps.map((x) => x.time).sort()[0];
        const f = await ctx.db.all(
          `SELECT DISTINCT trace_id, time FROM agent_steps
           WHERE step_kind = 'invocationInput' AND action_group IS NOT NULL AND time >= CAST($1 AS TIMESTAMP)
             AND (${addresses.map((a) => `CAST(parameters AS VARCHAR) ILIKE ${sqlString(`%${a}%`)}`).join(' OR ')})
           ORDER BY time, trace_id LIMIT ${PLANTING_MAX}`,
          [sqlTime(first)],
        );
        for (const x of f) if (x.trace_id) sentTo.push(String(x.trace_id));
      }
      const severity: Severity =
        e.hidden.length || followed.length > e.steps.length || sentTo.length
          ? 'high'
          : e.score >= 0.8
            ? 'medium'
            : 'low';
      const buckets = uris.map((u) => /^s3:\/\/([^/]+)\//.exec(u)?.[1]).filter((x): x is string => !!x);
      // who planted it: the object's writers, and the end users whose submissions carried its text
      const allSpans = [...hiddenSpans(e.text), ...e.spans.filter((s) => !s.category.startsWith('masked:'))];
      // a tool result's text comes from an object the action group's Lambda read at that moment (an
      // uploaded document): that object, and who wrote it
      const toolObjects =
        e.kind === 'tool_result'
          ? await toolResultObjects(
              ctx,
              e.steps.map((x) => x.time),
            )
          : null;
      const plantUris = e.kind === 'document' ? uris : (toolObjects?.uris ?? []);
      const planting = plantUris.length
        ? await plantingOf(
            ctx.db,
            plantUris,
            injectionNeedle(e.text, allSpans),
            e.steps.map((x) => x.time).sort()[0],
            ctx.identityOf,
          )
        : null;
      // the turns that read it: the InvokeAgent call of each conversation's turn
      const turnCalls = await invokeAgentEvents(
        ctx.db,
        [...new Set(e.steps.map((x) => x.sessionId).filter((x): x is string => !!x))].sort(),
      );
      const turnEvents: string[] = [];
      const turnPrincipals: string[] = [];
      for (const st of e.steps) {
        const inv = st.sessionId ? turnCalls.get(st.sessionId) : undefined;
        if (!inv) continue;
        const t = Date.parse(st.time);
        let i = -1;
        for (let j = 0; j < inv.times.length; j++) if (inv.times[j] <= t + 1000) i = j;
        if (i < 0) continue;
        turnEvents.push(inv.eventIds[i]);
        if (inv.principals[i]) turnPrincipals.push(inv.principals[i]);
      }
      const submitters = [
        ...new Set((planting?.submissions ?? []).map((x) => x.clientIp).filter((x): x is string => !!x)),
      ].sort();
      // a Lambda function's egress address is the platform's, not the writer's
      const writerIps = [
        ...new Set(
          (planting?.writes ?? [])
            .filter((w) => !w.fn)
            .map((w) => w.ip)
            .filter((x): x is string => !!x && /^[\d.:a-f]+$/i.test(x)),
        ),
      ].sort();
      out.push(
        makeFinding({
          ruleId: 'data-plane.agent-document-injection',
          title: `${e.kind === 'document' ? 'Knowledge-base document' : 'Tool result'} with injected instructions read by an agent ${e.steps.length} time(s)${uris.length ? `: ${uris[0]}` : ''}`,
          description: `${e.hidden.length ? `${e.hidden.join('; ')}. ` : ''}The agent retrieved it in ${new Set(e.steps.map((s) => s.sessionId)).size} conversation(s)${followed.length ? ` and repeated its address${hosts.length ? ` (${[...new Set(hosts)].join(', ')})` : ''} to the users` : ''}.${sentTo.length ? ` Agent actions then sent to the address it named (${addresses.map(maskAddress).join(', ')}) in ${sentTo.length} step(s), later conversations included.` : ''}${toolObjects?.uris.length ? ` The tool read ${toolObjects.uris.join(', ')}.` : ''} Someone wrote instructions for the assistant into content it trusts.${planting?.writes.length ? ` Written by ${[...new Set(planting.writes.map((w) => w.identity))].join(', ')}${planting.submissions.length ? `, from text submitted to it by ${submitters.join(', ') || 'an end user'}` : writerIps.length ? ` from ${writerIps.join(', ')}` : ''}.` : ''}`,
          severity,
          elements: e.kind === 'document' ? ['invocation', 'data-store-changes'] : ['invocation'],
          components:
            e.kind === 'document' ? ['knowledge-bases', 'agents', 'training-data'] : ['agents', 'plugins'],
          times: [
            ...e.steps.map((s) => s.time),
            ...(planting?.writes ?? []).map((w) => w.time),
            ...(planting?.submissions ?? []).map((x) => x.time),
          ],
          principals: [
            ...(planting?.writes ?? []).map((w) => w.identity),
            ...(planting?.submissions ?? []).map((x) => x.identity),
            ...(toolObjects?.readers ?? []),
          ],
          sourceIps: submitters.length ? submitters : writerIps,
          resources: [
            e.kind === 'document' ? e.kb : null,
            ...uris.map((u) => (u.startsWith('s3://') ? `arn:aws:s3:::${u.slice(5)}` : u)),
            ...buckets,
            ...new Set(e.steps.map((s) => s.agentId)),
            ...(planting?.dataSources ?? []),
            ...(planting?.writes ?? []).map((w) => w.fn),
            ...(toolObjects?.functions ?? []),
            ...(toolObjects?.uris ?? []).map((u) => /^s3:\/\/([^/]+)\//.exec(u)?.[1]),
          ],
          attack: ['AML.T0051.001', 'AML.T0070'],
          evidence: {
            traceIds: [...e.steps.map((s) => s.traceId), ...followed, ...sentTo],
            eventIds: [
              ...(planting?.writes ?? []).map((w) => w.eventId),
              ...(planting?.reads ?? []).map((x) => x.eventId),
              ...(e.kind === 'tool_result' ? turnEvents : []),
            ],
            requestIds: (planting?.submissions ?? []).map((x) => x.requestId),
          },
          details: {
            documents: e.kind === 'document' ? uris : plantUris,
            retrievedWith: [...e.retrieved].filter((u) => !uris.includes(u)).sort(),
            knowledgeBase: e.kb,
            hidden: e.hidden,
            categories: e.categories,
            hosts: [...new Set(hosts)],
            addressesActedOn: sentTo.length ? addresses.map(maskAddress) : [],
            actionStepsSending: sentTo.length,
            conversations: new Set(e.steps.map((s) => s.sessionId)).size,
            followedInAnswers: followed.length,
            writers: [...new Set((planting?.writes ?? []).map((w) => w.identity))].sort() as Json,
            submitters,
            ...(submitters.length ? { endUserConduct: true } : {}),
            excerpts: [
              excerptOf(e.text, [
                ...e.spans,
                ...hiddenSpans(e.text).map((s) => ({ ...s, category: 'hidden_instruction' })),
              ]),
            ] as unknown as Json,
          },
        }),
      );
    }
    return out;
  },
};

const EMAIL_IN_TEXT = /[a-z0-9][a-z0-9._%+-]{0,63}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63})+/g;

/** How far from a tool-result step the action group's Lambda may have read the object it returned. */
const TOOL_READ_WINDOW_MS = 60_000;

/**
 * The S3 objects the agents' action-group Lambdas read when they produced these tool results (the
 * object read closest to each step, within a minute), the roles that read them and their functions.
 */
async function toolResultObjects(
  ctx: { db: Queryable; shared: Map<string, unknown>; identityOf: IdentityOf },
  times: string[],
): Promise<{ uris: string[]; readers: string[]; functions: string[] }> {
  const out = { uris: [] as string[], readers: [] as string[], functions: [] as string[] };
  const roles = [...(await agentLambdaRoles(ctx.db, ctx.shared, ctx.identityOf)).keys()].sort();
  const ms = times.map((x) => Date.parse(x)).filter(Number.isFinite);
  if (!roles.length || !ms.length) return out;
  const ts = (v: number) => sqlString(sqlTime(new Date(v).toISOString()));
  const rows = await ctx.db.all(
    `SELECT ${isoSql('time')} AS t, identity_arn, session_name,
            json_extract_string(request_parameters, '$.bucketName') AS bucket,
            json_extract_string(request_parameters, '$.key') AS okey
     FROM events WHERE service = 's3.amazonaws.com' AND action = 'GetObject' AND error_code IS NULL
       AND identity_arn IN (${roles.map(sqlString).join(',')})
       AND (${ms.map((m) => `time BETWEEN CAST(${ts(m - TOOL_READ_WINDOW_MS)} AS TIMESTAMP) AND CAST(${ts(m + TOOL_READ_WINDOW_MS)} AS TIMESTAMP)`).join(' OR ')})
     ORDER BY time, event_id LIMIT ${PLANTING_ROWS_MAX}`,
  );
  const uris = new Set<string>();
  const readers = new Set<string>();
  const fns = new Set<string>();
  for (const m of ms) {
    let best: Record<string, unknown> | null = null;
    let bestD = Number.POSITIVE_INFINITY;
    for (const r of rows) {
      if (!r.bucket || !r.okey) continue;
      const d = Math.abs(Date.parse(String(r.t)) - m);
      if (d <= TOOL_READ_WINDOW_MS && d < bestD) {
        best = r;
        bestD = d;
      }
    }
    if (!best) continue;
    uris.add(`s3://${best.bucket}/${best.okey}`);
    const who = ctx.identityOf(str(best.identity_arn));
    if (who) readers.add(who);
    const fn = best.session_name ? functionNameOf(String(best.session_name)) : null;
    if (fn) fns.add(fn);
  }
  out.uris = [...uris].sort();
  out.readers = [...readers].sort();
  out.functions = [...fns].sort();
  return out;
}

/** Hidden-instruction markers (see invocation.ts) without importing it twice. */
function hiddenInstructionsIn(text: string): string[] {
  return hiddenInstructions(text);
}

function hiddenSpans(text: string): Array<{ start: number; end: number }> {
  const out: Array<{ start: number; end: number }> = [];
  for (const m of text.matchAll(
    /<!--[\s\S]{0,4000}?-->|<(?:span|div|p|font)\b[^>]{0,300}?style\s*=\s*["'][^"']{0,300}["'][^>]{0,200}>[\s\S]{0,4000}?<\/(?:span|div|p|font)>/gi,
  ))
    out.push({ start: m.index ?? 0, end: (m.index ?? 0) + m[0].length });
  return out;
}

function excerptOf(text: string, spans: Array<{ start: number; end: number; category: string }>) {
  return excerpt(null, 'document', text, spans);
}

// ---- records of other customers disclosed to one end user (IDOR through an action group) ---------

/** JSON keys naming the customer a record belongs to. */
const OWNER_KEY = /^(?:customer|client|user|member|account|buyer|shopper)[_-]?(?:id|number|no)$/i;
/** requestMetadata values marking a staff tool (agent assist, back office), not a customer's own chat. */
const STAFF_MARK =
  /\b(?:agent[-_ ]?assist|staff|employee|internal|back[-_ ]?office|support[-_ ]?agent|operator|admin)\b/i;
/** Distinct other customers disclosed to one end user before it is an enumeration. */
export const OTHER_CUSTOMERS_MIN = 3;
const OBSERVATION_TEXT_MAX = 100_000;

/** The customers a tool result describes: owner ids from JSON keys, or else e-mail addresses / phones. */
export function recordOwnersOf(text: string): { ids: string[]; names: string[] } {
  const ids = new Set<string>();
  const names = new Set<string>();
  const t = text.length > OBSERVATION_TEXT_MAX ? text.slice(0, OBSERVATION_TEXT_MAX) : text;
  const walk = (v: unknown, depth: number): void => {
    if (depth > 8 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v.slice(0, 500)) walk(x, depth + 1);
      return;
    }
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (OWNER_KEY.test(k) && (typeof x === 'string' || typeof x === 'number') && String(x).trim())
        ids.add(String(x).trim().toLowerCase());
      else if (
        /^(?:name|full[_-]?name|customer[_-]?name|recipient)$/i.test(k) &&
        typeof x === 'string' &&
        x.trim()
      )
        names.add(x.trim().toLowerCase());
      else walk(x, depth + 1);
    }
  };
  walk(parseJson(t), 0);
  if (!ids.size)
    for (const m of findSensitive(t, { types: ['email'] }))
      ids.add(`email:${t.slice(m.start, m.end).toLowerCase()}`);
  return { ids: [...ids].sort(), names: [...names].sort() };
}

/** Lambda function names seen in CloudTrail: session names of Lambda-trusted roles (all roles without IAM data). */
async function lambdaFunctionNames(
  db: Queryable,
  shared: Map<string, unknown>,
  identityOf: IdentityOf,
): Promise<string[]> {
  const key = 'data-plane:lambda-function-names';
  const cached = shared.get(key) as Promise<string[]> | undefined;
  if (cached) return cached;
  const p = (async () => {
    const trusted = (
      await db.all(
        `SELECT arn FROM iam_entities WHERE kind = 'role' AND CAST(trust_policy AS VARCHAR) LIKE '%lambda.amazonaws.com%' ORDER BY arn`,
      )
    ).map((r) => identityOf(String(r.arn)));
    const haveIam =
      Number((await db.all(`SELECT count(*) AS n FROM iam_entities WHERE kind = 'role'`))[0]?.n) > 0;
    const rows = await db.all(
      `SELECT DISTINCT identity_arn, session_name FROM events
       WHERE principal_type = 'AssumedRole' AND session_name IS NOT NULL AND identity_arn IS NOT NULL
       ORDER BY 1, 2 LIMIT 20000`,
    );
    const t = new Set(trusted);
    return [
      ...new Set(
        rows
          .filter((r) => !haveIam || t.has(identityOf(String(r.identity_arn))))
          .map((r) => String(r.session_name)),
      ),
    ].sort();
  })();
  shared.set(key, p);
  return p;
}

const nameTokens = (s: string): string[] =>
  s
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .map((w) => w.replace(/(?:ies)$/, 'y').replace(/s$/, ''))
    .filter((w) => w.length >= 4);

/**
 * The Lambda functions that likely serve these action groups, by name: a function sharing a word
 * with the group's name and named as an action handler (action, tool, agent), the single best per group.
 */
export function lambdaFunctionsFor(groups: string[], functions: string[]): string[] {
  const out = new Set<string>();
  for (const g of groups) {
    const gw = new Set(nameTokens(g));
    let best: string[] = [];
    let top = 0;
    for (const f of functions) {
      const fw = nameTokens(f);
      const shared = fw.filter((w) => gw.has(w)).length;
      if (!shared) continue;
      const score = shared + (fw.some((w) => /^(?:action|tool|agent)/.test(w)) ? 1 : 0);
      if (score > top) {
        top = score;
        best = [f];
      } else if (score === top) best.push(f);
    }
    if (top >= 2 && best.length === 1) out.add(best[0]);
  }
  return [...out].sort();
}

export const agentRecordEnumerationDetector: Detector = {
  id: 'data-plane.agent-record-enumeration',
  title: "An end user shown other customers' records by the agent's actions",
  elements: ['agency', 'private-data', 'invocation'],
  async run(ctx) {
    // the end user behind each conversation: the application's requestMetadata (conversation id = agent session id)
    // only the conversations that are agent sessions with tool results: an application's other
    // calls (millions at scale) are not read into memory
    const convId = `trim(CAST(${metaSql(META_KEYS.agentSession, { verbatim: true })} AS VARCHAR))`;
    const invRows = await ctx.db.all(
      `WITH s AS (SELECT DISTINCT session_id FROM agent_steps WHERE step_kind = 'observation' AND session_id IS NOT NULL)
       SELECT request_id, ${isoSql('time')} AS t, client_ip, CAST(request_metadata AS VARCHAR) AS meta
       FROM invocations WHERE request_metadata IS NOT NULL AND ${convId} IN (SELECT session_id FROM s)
       ORDER BY time, request_id`,
    );
    const conv = new Map<
      string,
      { user: string | null; staff: boolean; ips: Set<string>; requests: Array<{ id: string; t: string }> }
    >();
    for (const r of invRows) {
      const meta = jsonObject(parseJson(r.meta)) as Record<string, unknown> | null;
      const cid = metaFirst(meta, META_KEYS.agentSession);
      if (!cid) continue;
      const c = conv.get(cid) ?? { user: null, staff: false, ips: new Set<string>(), requests: [] };
      c.user ??= metaFirst(meta, META_KEYS.signedInUser);
      if (
        meta &&
        Object.values(meta).some((v) => typeof v === 'string' && v.length < 200 && STAFF_MARK.test(v))
      )
        c.staff = true;
      if (r.client_ip) c.ips.add(String(r.client_ip));
      if (r.request_id) c.requests.push({ id: String(r.request_id), t: String(r.t) });
      conv.set(cid, c);
    }
    if (!conv.size) return [];
    const sids = [...conv.keys()].filter((s) => conv.get(s)?.user && !conv.get(s)?.staff);
    if (!sids.length) return [];
    const steps = await ctx.db.all(
      `SELECT o.session_id, o.agent_id, o.trace_id, ${isoSql('o.time')} AS t, o.text,
              (SELECT max(i.action_group) FROM agent_steps i WHERE i.trace_id = o.trace_id AND i.step_kind = 'invocationInput') AS grp,
              CASE WHEN o.action_group = ${sqlString(CODE_INTERPRETER)} THEN 'code'
                   WHEN CAST(o.parameters AS VARCHAR) LIKE '%"locations"%' THEN 'knowledge-base'
                   WHEN CAST(o.raw AS VARCHAR) LIKE '%"finalResponse"%' THEN 'answer'
                   ELSE 'action' END AS src
       FROM agent_steps o
       WHERE o.step_kind = 'observation' AND o.session_id IN (${sids.map(sqlString).join(',')}) AND length(o.text) > 10
       ORDER BY o.time, o.uid`,
    );
    interface Disclosure {
      sid: string;
      /** where the records came from: an action group's result, a knowledge-base lookup, code interpretation's output, the answer */
      source: 'action' | 'knowledge-base' | 'code' | 'answer';
      group: string | null;
      agentId: string | null;
      traceId: string | null;
      time: string;
      others: string[];
    }
    // per end user: what each tool result in their conversations showed them
    const byUser = new Map<
      string,
      {
        own: Set<string>;
        ownNames: Set<string>;
        recs: Array<{ d: Disclosure; names: string[] }>;
      }
    >();
    for (const r of steps) {
      const sid = String(r.session_id);
      const c = conv.get(sid);
      if (!c?.user) continue;
      const { ids, names } = recordOwnersOf(String(r.text ?? ''));
      if (!ids.length) continue;
      const u = byUser.get(c.user) ?? {
        own: new Set([c.user.toLowerCase()]),
        ownNames: new Set<string>(),
        recs: [],
      };
      const d: Disclosure = {
        sid,
        source: String(r.src) as Disclosure['source'],
        group: str(r.grp),
        agentId: str(r.agent_id),
        traceId: str(r.trace_id),
        time: String(r.t),
        others: ids,
      };
      // a record of the user's own customer id: its names are the user's own (a parcel for oneself)
      if (ids.some((x) => u.own.has(x))) for (const n of names) u.ownNames.add(n);
      u.recs.push({ d, names });
      byUser.set(c.user, u);
    }
    const out: Finding[] = [];
    const lambda = await agentLambdaRoles(ctx.db, ctx.shared, ctx.identityOf);
    const lambdaIds = [...lambda.keys()].sort();
    for (const [user, u] of [...byUser].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      const disclosures: Disclosure[] = [];
      const others = new Set<string>();
      for (const { d, names } of u.recs) {
        if (names.length && names.every((n) => u.ownNames.has(n))) continue;
        const o = d.others.filter((x) => !u.own.has(x));
        if (!o.length) continue;
        for (const x of o) others.add(x);
        disclosures.push({ ...d, others: o });
      }
      if (others.size < OTHER_CUSTOMERS_MIN) continue;
      const sessions = [...new Set(disclosures.map((d) => d.sid))].sort();
      const inv = await invokeAgentEvents(ctx.db, sessions);
      const firstPer = sessions.map((s) => disclosures.find((d) => d.sid === s) as Disclosure);
      const allSteps = disclosures.map((d) => d.time);
      const invokeTimes = sessions.flatMap((s) => inv.get(s)?.times ?? []).sort((a, b) => a - b);
      const near = await sessionEffects(ctx.db, lambdaIds, allSteps, invokeTimes, []);
      // the action groups' Lambdas: the executors the agent configuration records name for the groups
      // that returned the records, else the functions named after those groups
      const fromActions = disclosures.filter((d) => d.source === 'action');
      const executors = fromActions.length ? await actionGroupExecutors(ctx.db, ctx.shared) : [];
      const linked = new Set<string>();
      const unlinked = new Set<string>();
      for (const d of fromActions) {
        if (!d.group || d.group === CODE_INTERPRETER) continue;
        const fn = executorAt(executors, d.agentId, d.group, Date.parse(d.time));
        if (fn) linked.add(fn);
        else unlinked.add(d.group);
      }
      const fns = [
        ...new Set([
          ...linked,
          ...(unlinked.size
            ? lambdaFunctionsFor(
                [...unlinked].sort(),
                await lambdaFunctionNames(ctx.db, ctx.shared, ctx.identityOf),
              )
            : []),
        ]),
      ].sort();
      // the knowledge bases whose lookups returned them (the lookup's input names the knowledge base)
      const kbs = [
        ...new Set(
          disclosures
            .filter((d) => d.source === 'knowledge-base')
            .map((d) => d.group)
            .filter((x): x is string => !!x),
        ),
      ].sort();
      const bySource = (k: Disclosure['source']) => disclosures.filter((d) => d.source === k).length;
      const steps: string[] = [];
      if (fromActions.length) steps.push(`${fromActions.length} action-group result(s)`);
      if (kbs.length || bySource('knowledge-base'))
        steps.push(
          `${bySource('knowledge-base')} knowledge-base lookup(s)${kbs.length ? ` of ${kbs.join(', ')}` : ''}`,
        );
      if (bySource('code')) steps.push(`${bySource('code')} code-interpretation output(s)`);
      if (bySource('answer')) steps.push(`${bySource('answer')} answer(s)`);
      // the mechanism follows the steps that carried the records
      const mechanism = fromActions.length
        ? 'the action does not appear to check that the record belongs to the caller (insecure direct object reference)'
        : kbs.length || bySource('knowledge-base')
          ? `the records sit in documents the agent's knowledge base serves to any conversation${bySource('code') ? ', and code interpretation processed them' : ''}: not an action's ownership check, the knowledge base holds other customers' data`
          : bySource('code')
            ? 'code interpretation produced them'
            : "the agent's answers carried them";
      const ips = [...new Set(sessions.flatMap((s) => [...(conv.get(s)?.ips ?? [])]))].sort();
      const requests = sessions.flatMap((s) => conv.get(s)?.requests ?? []);
      const agents = [...new Set(disclosures.map((d) => d.agentId).filter((x): x is string => !!x))].sort();
      out.push(
        makeFinding({
          ruleId: 'data-plane.agent-record-enumeration',
          title: `End user ${maskValue(user)} was shown ${others.size} other customers' records by agent ${agents.join(', ') || '?'} in ${sessions.length} session(s)`,
          description: `In conversations of signed-in end user ${maskValue(user)} the agent's steps returned records of ${others.size} other customers (${steps.join(', ')}); ${mechanism}. Client addresses: ${ips.join(', ') || 'unknown'}. First disclosure per session: ${firstPer.map((d) => `${d.time} ${d.sid.slice(0, 8)}`).join('; ')}.`,
          severity: 'high',
          elements: ['agency', 'private-data', 'invocation'],
          components: [
            'agents',
            ...(fromActions.length ? (['plugins'] as const) : []),
            ...(kbs.length ? (['knowledge-bases'] as const) : []),
          ],
          times: [...allSteps, ...requests.map((r) => r.t)],
          principals: [
            ...sessions
              .flatMap((s) => inv.get(s)?.principals ?? [])
              .filter(Boolean)
              .map((p) => ctx.identityOf(p)),
          ],
          sourceIps: ips,
          resources: [
            ...agents,
            ...kbs,
            ...fns,
            ...(fromActions.length ? near.map((n) => n.sessionName) : []),
          ],
          attack: ['AML.T0053', 'AML.T0057'],
          evidence: {
            traceIds: [...disclosures.map((d) => d.traceId), ...sessions],
            eventIds: [
              ...sessions.flatMap((s) => inv.get(s)?.eventIds ?? []),
              ...(fromActions.length ? near.map((n) => n.eventId) : []),
            ],
            requestIds: requests.map((r) => r.id),
          },
          details: {
            endUser: user,
            endUserConduct: true,
            sessions,
            otherCustomers: others.size,
            sources: {
              action: fromActions.length,
              knowledgeBase: bySource('knowledge-base'),
              code: bySource('code'),
              answer: bySource('answer'),
            },
            knowledgeBases: kbs,
            clientIps: ips,
            firstDisclosures: firstPer.map((d) => ({
              sessionId: d.sid,
              time: d.time,
              traceId: d.traceId,
            })) as Json,
            lambdaCalls: near.map((n) => ({ eventId: n.eventId, api: n.api, role: n.identity })) as Json,
          },
        }),
      );
    }
    return out;
  },
};

export const AGENCY_DETECTORS: Detector[] = [
  agentPermissionsDetector,
  agentActionsDetector,
  agentChangeBehaviourDetector,
  agentRoleActivityDetector,
  agentDocumentInjectionDetector,
  agentRecordEnumerationDetector,
];

/** The observations (documents, tool results) of the session up to `until` that carry injected instructions. */
async function injectedTexts(
  db: Queryable,
  sessionId: string,
  until: string,
): Promise<Array<{ time: string; text: string }>> {
  if (sessionId.startsWith('trace:')) return [];
  const rows = await db.all(
    `SELECT ${isoSql('time')} AS t, text FROM agent_steps
     WHERE session_id = $1 AND step_kind = 'observation' AND length(text) > 40
       AND time <= CAST($2 AS TIMESTAMP) ORDER BY time, uid`,
    [sessionId, sqlTime(until)],
  );
  const out: Array<{ time: string; text: string; memory?: boolean }> = [];
  for (const r of rows) {
    const text = String(r.text ?? '');
    if (hiddenInstructions(text).length || analyzePrompt(text, { kind: 'tool_result' }).verdict === 'attack')
      out.push({ time: String(r.t), text });
  }
  // the agent's memory of earlier sessions, as the orchestration prompt recalled it
  for (const m of await poisonedMemory(db, sessionId, until)) out.push({ ...m, memory: true });
  return out.sort((a, b) => a.time.localeCompare(b.time));
}

/** Values of a looked-up record an action must carry before it is that record sent on. */
const RECORD_VALUES_MIN = 2;

/**
 * How many distinct values of the records the agent looked up earlier in the conversation (tool
 * results) an action's parameters carry: tokens with digits (account, invoice and card numbers, amounts,
 * postcodes) of at least five characters.
 */
async function recordValuesSent(db: Queryable, sessionId: string, a: AgentAction): Promise<number> {
  if (sessionId.startsWith('trace:')) return 0;
  const token = /[A-Za-z0-9$][A-Za-z0-9$.,/-]{3,40}[A-Za-z0-9]/g;
  const sent = new Set<string>();
  for (const v of Object.values(a.params))
    for (const m of v.slice(0, PERSONAL_VALUE_MAX).matchAll(token)) if (/\d{2}/.test(m[0])) sent.add(m[0]);
  if (!sent.size) return 0;
  const rows = await db.all(
    `SELECT text FROM agent_steps WHERE session_id = $1 AND step_kind = 'observation'
       AND time <= CAST($2 AS TIMESTAMP) AND trace_id IS DISTINCT FROM $3 ORDER BY time, uid LIMIT 200`,
    [sessionId, sqlTime(a.time), a.traceId ?? ''],
  );
  const read = rows.map((r) => String(r.text ?? '').slice(0, OBSERVATION_TEXT_MAX)).join('\n');
  let n = 0;
  for (const x of sent) if (read.includes(x)) n++;
  return n;
}

/** Longest memory block read from one orchestration prompt. */
const MEMORY_TEXT_MAX = 20_000;

/**
 * The memory an agent recalled into its orchestration prompt (session summaries of the user's earlier
 * sessions): the text of a `<memory_synopsis>` / `<memory>` / `<session_summaries>` block, or else the
 * `<topic name=...>` summaries a SESSION_SUMMARY memory stores. Null when the prompt recalls none.
 */
export function memoryOf(prompt: string): string | null {
  const t = prompt.length > 400_000 ? prompt.slice(0, 400_000) : prompt;
  const unescaped = t.includes('\\n') || t.includes('\\"') ? t.replace(/\\n/g, '\n').replace(/\\"/g, '"') : t;
  const m = /<(memory_synopsis|memory_content|memory|session_summar(?:y|ies))>([\s\S]{1,40000}?)<\/\1>/i.exec(
    unescaped,
  );
  if (m) return m[2].trim().slice(0, MEMORY_TEXT_MAX) || null;
  const topics = [...unescaped.matchAll(/<topic name="[^"]{0,200}">[\s\S]{0,4000}?<\/topic>/gi)].map(
    (x) => x[0],
  );
  return topics.length ? topics.join('\n').slice(0, MEMORY_TEXT_MAX) : null;
}

/** Memory blocks of a session's orchestration prompts that carry injected instructions (one per text). */
async function poisonedMemory(
  db: Queryable,
  sessionId: string,
  until: string,
): Promise<Array<{ time: string; text: string; traceId: string | null }>> {
  if (sessionId.startsWith('trace:')) return [];
  const rows = await db.all(
    `SELECT ${isoSql('time')} AS t, trace_id, text FROM agent_steps
     WHERE session_id = $1 AND step_kind = 'modelInvocationInput' AND trace_type = 'orchestrationTrace'
       AND time <= CAST($2 AS TIMESTAMP) ORDER BY time, uid`,
    [sessionId, sqlTime(until)],
  );
  const seen = new Set<string>();
  const out: Array<{ time: string; text: string; traceId: string | null }> = [];
  for (const r of rows) {
    const mem = memoryOf(String(r.text ?? ''));
    if (!mem || seen.has(mem)) continue;
    seen.add(mem);
    if (hiddenInstructions(mem).length || analyzePrompt(mem, { kind: 'document' }).verdict === 'attack')
      out.push({ time: String(r.t), text: mem, traceId: str(r.trace_id) });
  }
  return out;
}
