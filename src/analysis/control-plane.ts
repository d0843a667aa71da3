/**
 * The control-plane detectors (elements access, infrastructure-changes, ai-changes,
 * data-store-changes) and the triage of GuardDuty / Security Hub findings. See docs/rules.md.
 *
 * The detectors of the four elements are computed together once per case (`analyseControlPlane`)
 * because one actor's records explain each other: an ambiguous change (a model job, a content upload,
 * a key used from a new address) is raised when the same credential and address show abuse elsewhere
 * (a stolen session, IAM persistence, logging stopped, a guardrail weakened). Each detector returns
 * its element's share of that result; external findings are triaged last, against everything found.
 */

import { fileURLToPath } from 'node:url';
import type { DetectContext, Detector } from '../engine/detector.js';
import { makeFinding } from '../engine/detector.js';
import { relieveHeap } from '../engine/heap.js';
import {
  COMPONENTS,
  type Component,
  ELEMENTS,
  type Element,
  type Finding,
  type Json,
  SEVERITIES,
  type Severity,
} from '../model/types.js';
import { loadSigmaRules, runSigmaRules, type SigmaRule, type SigmaRunResult } from '../rules/sigma/index.js';
import {
  bedrockApiKeys,
  bedrockErrorBursts,
  ciPullRequestWrites,
  consoleWithoutMfa,
  createdKeyFirstUse,
  guestRoleWidened,
  keyNewOrigin,
  llmjackingRecon,
  longTermKeysOnBedrock,
  roleNewCaller,
  sessionReuse,
} from './access.js';
import {
  agentChanges,
  agentPluginFunctions,
  bedrockResourcePolicies,
  customModelJobs,
  guardrailChanges,
  invocationLogging,
  modelAccess,
  modelParameters,
  provisionedThroughput,
} from './ai-changes.js';
import { bucketDeliveryOutside } from './bucket-delivery.js';
import {
  accountBaseline,
  actionList,
  actorOf,
  applyContext,
  type Candidate,
  type CtRow,
  type Env,
  isPublicIp,
  loadContextEntries,
  loadEvents,
  matchContext,
  maxSeverity,
  memo,
  minSeverity,
  minutesBetween,
  nameOf,
  principalsOf,
  SEVERITY_ORDER,
  subjectOf,
  toJson,
} from './context.js';
import { dataExposure, withoutJudgedPolicyChanges } from './data-exposure.js';
import { DATA_PLANE_DETECTORS } from './data-plane.js';
import {
  crossAccountWrites,
  dataBucketPolicies,
  dataBuckets,
  dataWrites,
  kbChanges,
  kbHarvest,
  promptLogReads,
} from './data-store.js';
import { linkStackOperations } from './delegation.js';
import { ecsDeployments } from './ecs-deployments.js';
import { corroboratorsFrom, externalFindings } from './external-findings.js';
import { identityCenter, linkIdentityCenterProvisioning } from './identity-center.js';
import {
  iamPersistence,
  lambdaChanges,
  loggingTampering,
  sagemakerLifecycle,
  securityGroupsOpened,
} from './infrastructure.js';
import { logSubscriptionsOutside } from './log-subscriptions.js';
import { mlSessionNewOrigin, sagemakerSupplyChain } from './ml-supply-chain.js';
import { modelJobs } from './model-jobs.js';
import { guardrailBypassDetector } from './org-guardrail.js';
import { trustOpenedToOutsiders } from './trust-policy.js';
import { vectorStore } from './vector-store.js';

type Group = 'access' | 'infrastructure' | 'ai-changes' | 'data-store' | 'sigma';

interface Tagged {
  group: Group;
  c: Candidate;
}

async function buildEnv(ctx: DetectContext): Promise<Env> {
  return memo(ctx.shared, 'env', async () => ({
    db: ctx.db,
    base: await accountBaseline(ctx.db),
    entries: await loadContextEntries(ctx.db),
    notes: ctx.notes,
    identityOf: ctx.identityOf,
  }));
}

async function collect(env: Env): Promise<Tagged[]> {
  const out: Tagged[] = [];
  const add = (group: Group, cs: Candidate[]): void => {
    for (const c of cs) out.push({ group, c });
    relieveHeap(); // the rows each step read are garbage now
  };
  add('access', await sessionReuse(env));
  add('access', await ciPullRequestWrites(env));
  add('access', await guestRoleWidened(env));
  add('access', await keyNewOrigin(env));
  add('access', await createdKeyFirstUse(env));
  add('access', await consoleWithoutMfa(env));
  add('access', await llmjackingRecon(env));
  add('access', await bedrockErrorBursts(env));
  add('access', await longTermKeysOnBedrock(env));
  add('access', await bedrockApiKeys(env));
  add('access', await roleNewCaller(env));
  add('access', await mlSessionNewOrigin(env));
  add('access', await trustOpenedToOutsiders(env));
  const ic = await identityCenter(env);
  add('access', ic.access);
  const plugins = await agentPluginFunctions(env);
  add('infrastructure', await iamPersistence(env));
  add('infrastructure', ic.changes);
  add('infrastructure', await loggingTampering(env));
  add('infrastructure', await logSubscriptionsOutside(env));
  add('infrastructure', await securityGroupsOpened(env));
  add('infrastructure', await lambdaChanges(env, plugins));
  add('infrastructure', await sagemakerLifecycle(env));
  add('infrastructure', await ecsDeployments(env));
  add('ai-changes', await invocationLogging(env));
  add('ai-changes', await guardrailChanges(env));
  add('ai-changes', await modelAccess(env));
  add('ai-changes', await provisionedThroughput(env));
  add('ai-changes', await customModelJobs(env));
  add('ai-changes', await modelJobs(env));
  add('ai-changes', await sagemakerSupplyChain(env));
  add('ai-changes', await agentChanges(env));
  add('ai-changes', await modelParameters(env));
  add('ai-changes', await bedrockResourcePolicies(env));
  const buckets = await dataBuckets(env);
  add('data-store', await dataWrites(env, buckets));
  add('data-store', await kbChanges(env));
  add('data-store', await promptLogReads(env, buckets));
  // a policy change the exposure rules judge (a grant to outsiders or the public) is reported once
  const exposure = await dataExposure(env, buckets);
  // a replication rule sending the bucket to an outside account is judged by its own rule too
  const delivery = await bucketDeliveryOutside(env, buckets);
  add(
    'data-store',
    withoutJudgedPolicyChanges(await dataBucketPolicies(env, buckets), [...exposure, ...delivery]),
  );
  add('data-store', exposure);
  add('infrastructure', delivery);
  add('data-store', await crossAccountWrites(env, buckets));
  add('data-store', await kbHarvest(env, buckets));
  add('data-store', await vectorStore(env));
  add('sigma', await sigmaPack(env));
  // changes CloudFormation made: the session that started the stack operation is their actor
  await linkStackOperations(
    env,
    out.map((t) => t.c),
  );
  // changes Identity Center's service-linked role made: the session that provisioned them is their actor
  await linkIdentityCenterProvisioning(
    env,
    out.map((t) => t.c),
  );
  return out;
}

// ---- the GenAI Sigma rule pack -----------------------------------------------------------------------

/** Where the GenAI rule pack is: `rules/genai` at the package root (from src/ and from dist/ alike). */
export const GENAI_RULES_DIR = fileURLToPath(new URL('../../rules/genai', import.meta.url));

const LEVEL_SEVERITY: Record<string, Severity> = {
  informational: 'informational',
  low: 'low',
  medium: 'medium',
  high: 'high',
  critical: 'critical',
};

function severityOf(rule: SigmaRule): Severity {
  const s = String(rule.genaiIr?.severity ?? '');
  if ((SEVERITIES as readonly string[]).includes(s)) return s as Severity;
  return LEVEL_SEVERITY[String(rule.level ?? '')] ?? 'low';
}

/** Runs the rule pack and turns its hits into candidates (one per rule, actor and hour, or per correlation group). */
export async function sigmaPack(
  env: Env,
  dir: string = GENAI_RULES_DIR,
  opts: { maxHits?: number } = {},
): Promise<Candidate[]> {
  const { rules, errors } = await loadSigmaRules(dir);
  if (!rules.length) {
    // a missing or unreadable pack is said, not skipped in silence
    env.notes?.push(
      `sigma pack: no rule read from ${dir}${errors.length ? ` (${errors.map((e) => `${e.file}: ${e.error}`).join('; ')})` : ''}`,
    );
    return [];
  }
  const results: SigmaRunResult[] = await runSigmaRules(env.db, rules, { maxHits: opts.maxHits });
  const out: Candidate[] = [];
  const problems = [...errors.map((e) => `${e.file}: ${e.error}`)];
  // every record any hit names, read once
  const wanted = new Set<string>();
  for (const res of results)
    for (const h of res.hits) {
      if (h.kind === 'event') wanted.add(h.uid);
      else for (const u of h.uids) wanted.add(u);
    }
  const byUid = new Map<string, CtRow>();
  const all = [...wanted];
  for (let i = 0; i < all.length; i += 2000) {
    for (const r of await loadEvents(env.db, `uid IN (${actionList(all.slice(i, i + 2000))})`))
      byUid.set(r.uid, r);
  }
  const rowsOf = (uids: string[]): CtRow[] =>
    uids
      .map((u) => byUid.get(u))
      .filter((r): r is CtRow => !!r)
      .sort((a, b) => a.time.localeCompare(b.time) || a.uid.localeCompare(b.uid));
  for (const res of results) {
    if (res.error) problems.push(`${res.rule.name ?? res.rule.title}: ${res.error}`);
    if (res.truncated)
      problems.push(
        `${res.rule.name ?? res.rule.title}: more than ${res.hits.length} matching records; only the first ${res.hits.length} were read`,
      );
    if (!res.hits.length) continue;
    const groups: CtRow[][] = [];
    for (const h of res.hits) if (h.kind === 'group') groups.push(rowsOf(h.uids));
    // single-event hits: one group per key, address and hour
    const open = new Map<string, CtRow[]>();
    for (const r of rowsOf(res.hits.filter((h) => h.kind === 'event').map((h) => h.uid))) {
      const k = `${r.accessKeyId}\u0000${r.sourceIp}`;
      const g = open.get(k);
      if (g && minutesBetween(g[g.length - 1].time, r.time) <= 60) g.push(r);
      else {
        const ng = [r];
        open.set(k, ng);
        groups.push(ng);
      }
    }
    for (const rows of groups) if (rows.length) out.push(sigmaCandidate(env, res.rule, rows));
  }
  if (problems.length) env.notes?.push(...problems.map((p) => `sigma pack: ${p}`));
  return out;
}

function sigmaCandidate(env: Env, rule: SigmaRule, rows: CtRow[]): Candidate {
  const sev = severityOf(rule);
  const g = rule.genaiIr ?? {};
  const elements = (g.elements ?? []).filter((e): e is Element =>
    (ELEMENTS as readonly string[]).includes(e),
  );
  const components = (g.components ?? []).filter((c): c is Component =>
    (COMPONENTS as readonly string[]).includes(c),
  );
  const attack = g.attack?.length
    ? g.attack.map(String)
    : rule.tags.filter((t) => /^attack\.t\d/i.test(t)).map((t) => t.slice(7).toUpperCase());
  const r0 = rows[0];
  const c: Candidate = {
    ruleId: `sigma:${rule.name ?? rule.id ?? rule.title}`,
    title: `${rule.title} (${nameOf(r0.identityArn) || r0.userName || 'unknown principal'})`,
    description:
      `${(rule.description ?? '').trim()} ${rows.length} record(s): ` +
      [...new Set(rows.map((r) => r.action))].join(', ') +
      ` by ${nameOf(r0.identityArn)} from ${[...new Set(rows.map((r) => r.sourceIp))].join(', ')}.`,
    severity: sev,
    strength: SEVERITY_ORDER.indexOf(sev) >= 2 ? 'hard' : 'soft',
    ifActor: 'high',
    elements: elements.length ? elements : ['access'],
    components,
    times: rows.map((r) => r.time),
    principals: [...new Set(rows.flatMap(principalsOf))],
    accessKeyIds: [...new Set(rows.map((r) => r.accessKeyId))],
    sourceIps: [...new Set(rows.map((r) => r.sourceIp).filter(isPublicIp))],
    attack,
    evidence: { eventIds: rows.map((r) => r.eventId) },
    actors: rows.map(actorOf),
    triage: [`Sigma rule ${rule.name ?? rule.id} (level ${rule.level ?? '-'})`],
    details: { sigmaRuleId: rule.id ?? null, sigmaRuleName: rule.name ?? null, level: rule.level ?? null },
  };
  applyContext(c, matchContext(env.entries, { ...subjectOf(r0), targets: rows.flatMap((r) => r.resources) }));
  return c;
}

const rank = (s: Candidate['severity']): number => SEVERITY_ORDER.indexOf(s);

const NEW_ORIGIN = 'access.key-new-address-and-client';
const CHANGE_ELEMENTS = new Set(['infrastructure-changes', 'ai-changes', 'data-store-changes']);

/** Candidates that describe a credential used from somewhere new: linked through their IAM user. */
const USER_LINKED = new Set(['access.key-new-address-and-client', 'access.created-key-used']);

/**
 * Actor correlation: hard candidates at medium or above define the actor (its keys and addresses,
 * and the credentials it created); other candidates by the same actor are raised to `ifActor`, but
 * never above the finding that corroborates them.
 * Addresses several principals share (office, VPN) never identify the actor by themselves.
 */
export function correlate(cands: Candidate[], isCommonIp: (ip: string) => boolean): void {
  /** actor marker (`ip:…`, `key:…`, `user:…`) → the candidates that established it */
  const by = new Map<string, Set<Candidate>>();
  const legit = new Set<string>();
  for (const c of cands) for (const a of c.legit ?? []) if (a.key && a.ip) legit.add(`${a.key}\u0000${a.ip}`);
  const mark = (m: string, c: Candidate): void => {
    if (!by.has(m)) by.set(m, new Set());
    by.get(m)!.add(c);
  };
  const seed = (c: Candidate): void => {
    for (const a of c.actors) {
      const ipOk = isPublicIp(a.ip) && !isCommonIp(a.ip);
      if (ipOk) mark(`ip:${a.ip}`, c);
      if (a.key && (ipOk || !a.ip)) mark(`key:${a.key}`, c);
    }
    for (const k of c.creates?.keys ?? []) mark(`key:${k}`, c);
    for (const u of c.creates?.users ?? []) mark(`user:${u}`, c);
    for (const a of c.actors) if (a.identity && /:user\//.test(a.identity)) mark(`iamuser:${a.identity}`, c);
  };
  /** records behind each candidate: corroboration must come from other records */
  const recs = new Map<Candidate, Set<string>>();
  const recsOf = (c: Candidate): Set<string> => {
    let r = recs.get(c);
    if (!r) {
      r = new Set(
        [...(c.evidence.eventIds ?? []), ...(c.evidence.requestIds ?? [])].filter((x): x is string => !!x),
      );
      recs.set(c, r);
    }
    return r;
  };
  /** x's records all among c's: x says nothing c's own records do not, so it lifts c no higher than itself */
  const within = (x: Candidate, c: Candidate): boolean => {
    const b = recsOf(c);
    for (const id of recsOf(x)) if (!b.has(id)) return false;
    return true;
  };
  /**
   * A pipeline's infrastructure-as-code work in a session an intruder also used is the pipeline's:
   * an IaC client's records are not the same actor as another client's on the same credential.
   */
  const iacOnly = (x: Candidate): boolean => {
    const cl = x.actors.filter((a) => a.iac !== undefined);
    return cl.length > 0 && cl.every((a) => a.iac);
  };
  const nonIacOnly = (x: Candidate): boolean => {
    const cl = x.actors.filter((a) => a.iac !== undefined);
    return cl.length > 0 && cl.every((a) => !a.iac);
  };
  const compatible = (x: Candidate, c: Candidate): boolean =>
    !((iacOnly(c) && nonIacOnly(x)) || (iacOnly(x) && nonIacOnly(c)));
  /** another candidate that established the marker, preferring one with records of its own */
  const other = (m: string, c: Candidate): Candidate | undefined => {
    const xs = [...(by.get(m) ?? [])].filter((x) => x !== c && compatible(x, c));
    return xs.find((x) => !within(x, c)) ?? xs.find((x) => rank(x.severity) > rank(c.severity));
  };
  const seeded = new Set<Candidate>();
  /** candidates raised on weak evidence only: what they corroborate is raised no higher than this */
  const cap = new Map<Candidate, Candidate['severity']>();
  for (const c of cands) {
    if (c.strength === 'hard' && rank(c.severity) >= 2) {
      seed(c);
      seeded.add(c);
    }
  }
  const raise = (): void => {
    for (let round = 0; round < 3; round++) {
      let changed = false;
      for (const c of cands) {
        if (c.strength === 'context' || !c.ifActor || rank(c.severity) >= rank(c.ifActor)) continue;
        let hit: Candidate | undefined;
        for (const a of c.actors) {
          if (a.ip) hit = other(`ip:${a.ip}`, c);
          if (!hit && a.key && (!a.ip || (!isCommonIp(a.ip) && !legit.has(`${a.key}\u0000${a.ip}`))))
            hit = other(`key:${a.key}`, c);
          const user = /:user\/(?:.*\/)?([^/]+)$/.exec(a.identity ?? '')?.[1];
          if (!hit && user && (!a.ip || !isCommonIp(a.ip))) hit = other(`user:${user}`, c);
          // a person's credentials: the same IAM user abused elsewhere makes its other new origins suspect
          if (!hit && USER_LINKED.has(c.ruleId) && a.identity && a.ip && !isCommonIp(a.ip))
            hit = other(`iamuser:${a.identity}`, c);
          if (hit) break;
        }
        if (!hit) continue;
        const before = c.severity;
        const why =
          hit.creates && !hit.actors.some((a) => c.actors.some((b) => b.ip === a.ip || b.key === a.key))
            ? `credentials created by the actor (${hit.title})`
            : hit.title;
        // the same actor as a medium finding is a medium finding: never above what corroborates it
        let target = minSeverity(c.ifActor, hit.severity);
        if (cap.has(hit)) target = minSeverity(target, cap.get(hit)!);
        if (rank(target) <= rank(c.severity)) continue;
        c.severity = maxSeverity(c.severity, target);
        if (cap.has(hit)) cap.set(c, cap.get(hit)!);
        c.strength = 'hard';
        c.triage.push(`the same actor as: ${why}`);
        c.details = { ...(c.details ?? {}), raisedFrom: before, sameActorAs: why };
        if (!seeded.has(c) && rank(c.severity) >= 2) {
          seed(c);
          seeded.add(c);
          changed = true;
        }
      }
      if (!changed) break;
    }
  };
  raise();
  // two weak signals of one origin: a key used from a new address with a new client, and a change
  // made from that origin; together they are worth a look (medium), neither is alone
  for (const a of cands) {
    if (a.ruleId !== NEW_ORIGIN || a.strength !== 'soft' || rank(a.severity) >= 2) continue;
    const pairs = cands.filter(
      (b) =>
        b !== a &&
        b.strength === 'soft' &&
        b.ruleId !== NEW_ORIGIN &&
        compatible(a, b) &&
        b.elements.some((e) => CHANGE_ELEMENTS.has(e)) &&
        b.actors.some((x) => a.actors.some((y) => x.key && x.key === y.key && x.ip && x.ip === y.ip)),
    );
    if (!pairs.length) continue;
    for (const c of [a, ...pairs]) {
      const before = c.severity;
      c.severity = maxSeverity(c.severity, 'medium');
      c.strength = 'hard';
      c.ifActor = 'medium';
      cap.set(c, 'medium');
      const why = c === a ? pairs.map((p) => p.title).join('; ') : a.title;
      c.triage.push(`a change made from a new address and client of the key: ${why}`);
      c.details = { ...(c.details ?? {}), raisedFrom: before, pairedWith: why };
      seed(c);
      seeded.add(c);
    }
  }
  raise();
}

/**
 * Findings of the other detectors (the data plane's: model abuse, prompt attacks) at medium or
 * above, as actor seeds: their keys and addresses corroborate this plane's ambiguous records.
 */
export function seedsFrom(findings: Finding[]): Candidate[] {
  return findings
    .filter(
      (f) =>
        rank(f.severity) >= 2 &&
        !(f.details && (f.details.declared || f.details.notActor)) &&
        !/^(access|infrastructure|ai-changes|data-store|sigma|guardduty|securityhub|scope)[.:]/.test(
          f.ruleId,
        ),
    )
    .map((f) => ({
      ruleId: f.ruleId,
      title: f.title,
      severity: f.severity,
      strength: 'hard' as const,
      elements: f.elements,
      times: [f.firstSeen],
      evidence: {},
      triage: [],
      actors: [
        ...(f.accessKeyIds ?? []).map((key) => ({ key, ip: null, identity: null })),
        ...(f.sourceIps ?? []).map((ip) => ({ key: null, ip, identity: null })),
      ],
    }));
}

export function toFinding(c: Candidate): Finding {
  const details: Record<string, Json> = {};
  for (const [k, v] of Object.entries(c.details ?? {})) details[k] = toJson(v);
  details.triage = c.triage;
  if (c.explained) details.explainedBy = c.explained.ticket;
  return makeFinding({ ...c, details });
}

interface Analysis {
  byGroup: Map<Group, Finding[]>;
  env: Env;
}

async function analyseControlPlane(ctx: DetectContext): Promise<Analysis> {
  return memo(ctx.shared, 'analysis', async () => {
    const env = await buildEnv(ctx);
    const tagged = await collect(env);
    correlate([...tagged.map((t) => t.c), ...seedsFrom(ctx.findings)], (ip) => env.base.isCommonIp(ip));
    const byGroup = new Map<Group, Finding[]>();
    for (const t of tagged) {
      if (!byGroup.has(t.group)) byGroup.set(t.group, []);
      byGroup.get(t.group)!.push(toFinding(t.c));
    }
    return { byGroup, env };
  });
}

const slice =
  (group: Group) =>
  async (ctx: DetectContext): Promise<Finding[]> =>
    (await analyseControlPlane(ctx)).byGroup.get(group) ?? [];

export const ACCESS_DETECTOR: Detector = {
  id: 'control-plane.access',
  title:
    'Credentials used from elsewhere, new origins, console sign-ins without MFA, LLMjacking reconnaissance',
  elements: ['access'],
  // the data plane's findings (model abuse by a key, prompt attacks) corroborate this plane's
  get after(): string[] {
    return otherDetectorIds();
  },
  run: slice('access'),
};

export const INFRASTRUCTURE_DETECTOR: Detector = {
  id: 'control-plane.infrastructure',
  title: 'IAM persistence, logging and detection tampering, exposed security groups and functions',
  elements: ['infrastructure-changes'],
  after: ['control-plane.access'],
  run: slice('infrastructure'),
};

export const AI_CHANGES_DETECTOR: Detector = {
  id: 'control-plane.ai-changes',
  title:
    'Invocation logging, guardrails, model access, provisioned throughput, custom models, agents, model ids',
  elements: ['ai-changes'],
  after: ['control-plane.access'],
  run: slice('ai-changes'),
};

export const DATA_STORE_DETECTOR: Detector = {
  id: 'control-plane.data-store',
  title: 'Knowledge-base and training-data changes, prompt-log reads',
  elements: ['data-store-changes'],
  after: ['control-plane.access'],
  run: slice('data-store'),
};

/** Runs the GenAI Sigma rule pack (rules/genai): its hits are triaged and correlated with the rest. */
export const SIGMA_PACK: Detector = {
  id: 'sigma-pack',
  title: 'GenAI Sigma rule pack (rules/genai/*.yml)',
  elements: ['access', 'infrastructure-changes', 'ai-changes', 'data-store-changes'],
  after: ['control-plane.access'],
  run: slice('sigma'),
};

const CONTROL_IDS = [
  'control-plane.access',
  'control-plane.infrastructure',
  'control-plane.ai-changes',
  'control-plane.data-store',
  SIGMA_PACK.id,
];

export const EXTERNAL_FINDINGS_DETECTOR: Detector = {
  id: 'control-plane.external-findings',
  title: 'GuardDuty and Security Hub findings, joined to CloudTrail and triaged',
  elements: ['access', 'infrastructure-changes', 'ai-changes', 'data-store-changes', 'invocation'],
  // after every other detector it can see: their findings corroborate or not
  get after(): string[] {
    return [...CONTROL_IDS, ...otherDetectorIds()];
  },
  async run(ctx) {
    const a = await analyseControlPlane(ctx);
    const mine = [...a.byGroup.values()].flat();
    const seen = new Set(mine.map((f) => f.id));
    const all = [...mine, ...ctx.findings.filter((f) => !seen.has(f.id))];
    const cands = await externalFindings(a.env, corroboratorsFrom(all));
    return cands.map(toFinding);
  },
};

/** The data plane's detectors: their findings corroborate external findings too (read lazily). */
function otherDetectorIds(): string[] {
  return (DATA_PLANE_DETECTORS ?? []).map((d) => d.id);
}

/** Detectors of this plane, in order. */
export const CONTROL_PLANE_DETECTORS: Detector[] = [
  ACCESS_DETECTOR,
  INFRASTRUCTURE_DETECTOR,
  guardrailBypassDetector,
  AI_CHANGES_DETECTOR,
  DATA_STORE_DETECTOR,
  SIGMA_PACK,
  EXTERNAL_FINDINGS_DETECTOR,
];
