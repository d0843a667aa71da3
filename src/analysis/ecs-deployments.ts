/**
 * ECS control plane: what a container service runs, who changed it, and what the new tasks did.
 *
 * A task definition (`RegisterTaskDefinition`) names each container's image, environment and the
 * roles its tasks run with; `UpdateService` / `CreateService` / `RunTask` put a revision to work. For
 * a GenAI application hosted on ECS (a chat back end calling Bedrock with its task role), a revision
 * is a change to the AI workload's infrastructure. What a responder follows:
 *
 * - **the revision**: images from an ECR registry outside the organisation (judged as SageMaker
 *   images are: `outsideRegistry` of ml-supply-chain.ts, AWS-owned registries inside) that the
 *   family's earlier revisions and its execution role never used, and environment variables the
 *   previous revision did not have whose value is a URL to an outside host (not loopback, private,
 *   single-label, AWS or the organisation's mail domains): where the code sends data;
 * - **who and from where**: the registering session's principal kind, and whether its address is
 *   new for the principal (no other session of it used that address or its /24);
 * - **the deployment**: the service update or task run that put the revision to work, and the
 *   execution role's ECR authorisation for the outside registry (the pull itself is logged in the
 *   registry's own account);
 * - **the tasks' behaviour** (`taskRoleNewReads`): after a deployment, the task role reading
 *   secrets, parameters or buckets it never read before in the evidence: what the new code went for.
 */

import type { Severity } from '../model/types.js';
import { sqlTime } from '../store/case-store.js';
import {
  actionList,
  actorOf,
  applyContext,
  type Candidate,
  type CtRow,
  type Env,
  isOutsideHost,
  isPublicIp,
  loadEvents,
  matchContext,
  nameOf,
  netOf,
  orgMailDomains,
  subjectOf,
  toJson,
} from './context.js';
import { orgAccounts } from './data-exposure.js';
import { type EcrImage, ecrImage, outsideRegistry } from './ml-supply-chain.js';
import { firstReadsLine, roleNewActivity, roleSql } from './role-behaviour.js';

export { secretName } from './role-behaviour.js';

const DEPLOY_ACTIONS = ['UpdateService', 'CreateService', 'RunTask', 'StartTask'];
const MAX_ROWS = 20_000;
const MAX_CONTAINERS = 50;
const MAX_ENV = 200;
/** how long after a registration its deployment is still its consequence */
const DEPLOY_WINDOW_H = 72;
/** how long after a deployment the tasks' behaviour is compared (cut at the service's next deployment) */
const TASK_WINDOW_H = 48;
const MAX_READ_EVIDENCE = 500;

const str = (v: unknown): string | null =>
  typeof v === 'string' && v.length > 0 && v.length < 2048 ? v : null;
const obj = (v: unknown): Record<string, unknown> | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
const hoursAfter = (t: string, h: number): string => new Date(Date.parse(t) + h * 3_600_000).toISOString();
const byTime = (a: CtRow, b: CtRow): number => a.time.localeCompare(b.time) || a.uid.localeCompare(b.uid);

export interface TaskDef {
  row: CtRow;
  registered: boolean;
  family: string;
  revision: number | null;
  arn: string | null;
  taskRole: string | null;
  execRole: string | null;
  images: string[];
  /** `container\u0000VARIABLE` → value */
  env: Map<string, string>;
}

/** A task definition as a RegisterTaskDefinition request (and answer) or a DescribeTaskDefinition answer gives it. */
export function taskDefOf(r: CtRow): TaskDef | null {
  const answer = obj(r.resp?.taskDefinition);
  const src = r.action === 'RegisterTaskDefinition' ? (r.req ?? {}) : answer;
  if (!src) return null;
  const family = str(src.family) ?? str(answer?.family);
  if (!family) return null;
  const rev = Number(answer?.revision ?? src.revision);
  const revision = Number.isInteger(rev) && rev > 0 ? rev : null;
  const arn =
    str(answer?.taskDefinitionArn) ??
    (revision && r.region && r.account
      ? `arn:aws:ecs:${r.region}:${r.account}:task-definition/${family}:${revision}`
      : null);
  const images: string[] = [];
  const env = new Map<string, string>();
  const defs = Array.isArray(src.containerDefinitions)
    ? src.containerDefinitions.slice(0, MAX_CONTAINERS)
    : [];
  for (const d of defs) {
    const c = obj(d);
    if (!c) continue;
    const image = str(c.image);
    if (image && image.length <= 400) images.push(image.trim());
    const name = str(c.name) ?? '';
    const vars = Array.isArray(c.environment) ? c.environment.slice(0, MAX_ENV) : [];
    for (const v of vars) {
      const e = obj(v);
      const k = str(e?.name);
      const val = typeof e?.value === 'string' ? e.value.slice(0, 2000) : null;
      if (k && val !== null) env.set(`${name}\u0000${k}`, val);
    }
  }
  return {
    row: r,
    registered: r.action === 'RegisterTaskDefinition',
    family,
    revision,
    arn,
    taskRole: str(src.taskRoleArn) ?? str(answer?.taskRoleArn),
    execRole: str(src.executionRoleArn) ?? str(answer?.executionRoleArn),
    images,
    env,
  };
}

const URL_HOST = /^[a-z][a-z0-9+.-]{0,20}:\/\/(?:[^@/\s]{0,200}@)?(\[[0-9a-f:.]{2,45}\]|[^/:?#\s]{1,253})/i;

/**
 * The host a variable's value sends to when it is a URL to somewhere outside the organisation:
 * not loopback, a private address, a single-label or internal name (a sidecar, service discovery),
 * an AWS endpoint, or one of the organisation's domains.
 */
export function outsideHost(value: string, orgDomains: Set<string>): string | null {
  const m = URL_HOST.exec(value.trim());
  if (!m) return null;
  const h = m[1]
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '');
  return isOutsideHost(h, orgDomains) ? h : null;
}

/** The revision a deployment names: `family:revision`, a task-definition ARN, or the family (its latest). */
function deployedDef(r: CtRow, defs: TaskDef[]): TaskDef | null {
  const td = str(r.req?.taskDefinition);
  if (!td) return null;
  const m = /(?:task-definition\/)?([A-Za-z0-9_-]{1,255})(?::(\d{1,9}))?$/.exec(td);
  if (!m) return null;
  const family = m[1];
  const rev = m[2] ? Number(m[2]) : null;
  const same = defs.filter((d) => d.registered && d.family === family && d.row.time <= r.time);
  if (rev !== null) return same.find((d) => d.revision === rev) ?? null;
  return same.length ? same[same.length - 1] : null;
}

function serviceOf(r: CtRow): { key: string; name: string | null; arn: string | null } {
  const svc = obj(r.resp?.service);
  const name = str(r.req?.service) ?? str(r.req?.serviceName) ?? str(svc?.serviceName);
  const cluster = str(r.req?.cluster) ?? 'default';
  const arn = str(svc?.serviceArn);
  const shortCluster = cluster.slice(cluster.lastIndexOf('/') + 1);
  const shortName = name ? name.slice(name.lastIndexOf('/') + 1) : null;
  return { key: shortName ? `${shortCluster}/${shortName}` : `task:${r.uid}`, name: shortName, arn };
}

interface Deployment {
  row: CtRow;
  def: TaskDef;
  service: ReturnType<typeof serviceOf>;
  /** the service's next deployment, or the end of the comparison window */
  end: string;
}

interface EcsRecords {
  defs: TaskDef[];
  deployments: Deployment[];
}

/** Both ECS rules over one read of the ECS records. */
export async function ecsDeployments(env: Env): Promise<Candidate[]> {
  const loaded = await loadEcs(env);
  if (!loaded.defs.length) return [];
  return [...(await ecsTaskDefinitions(env, loaded)), ...(await taskRoleNewReads(env, loaded))];
}

async function loadEcs(env: Env): Promise<EcsRecords> {
  const rows = (
    await loadEvents(
      env.db,
      `service = 'ecs.amazonaws.com' AND error_code IS NULL
       AND action IN (${actionList(['RegisterTaskDefinition', 'DescribeTaskDefinition', ...DEPLOY_ACTIONS])})`,
      [],
      { extra: false },
    )
  ).slice(0, MAX_ROWS);
  const defs = rows
    .filter((r) => r.action === 'RegisterTaskDefinition' || r.action === 'DescribeTaskDefinition')
    .map(taskDefOf)
    .filter((d): d is TaskDef => !!d);
  const deploys = rows.filter((r) => DEPLOY_ACTIONS.includes(r.action));
  const services = new Map(deploys.map((r) => [r, serviceOf(r)] as const));
  const deployments: Deployment[] = [];
  for (const r of deploys) {
    const def = deployedDef(r, defs);
    if (!def) continue;
    const service = services.get(r)!;
    const next = deploys.find(
      (x) => x.time > r.time && x !== r && services.get(x)!.key === service.key && x.action !== 'RunTask',
    );
    const limit = hoursAfter(r.time, TASK_WINDOW_H);
    deployments.push({ row: r, def, service, end: next && next.time < limit ? next.time : limit });
  }
  return { defs, deployments };
}

/** ECS task definitions running outside images or sending to outside endpoints, with their deployment. */
export async function ecsTaskDefinitions(env: Env, loaded?: EcsRecords): Promise<Candidate[]> {
  const { defs, deployments } = loaded ?? (await loadEcs(env));
  const registered = defs.filter((d) => d.registered);
  if (!registered.length) return [];
  const org = await orgAccounts(env, []);
  const domains = await orgMailDomains(env.db, new Map());
  const out: Candidate[] = [];
  for (const def of registered) {
    const earlier = defs.filter(
      (d) =>
        d !== def &&
        d.family === def.family &&
        d.row.time <= def.row.time &&
        (d.revision === null || def.revision === null || d.revision < def.revision),
    );
    // registries the family already ran from: its earlier revisions and its execution role's pulls
    const knownRegistries = new Set<string>();
    for (const d of earlier) for (const i of d.images) knownRegistries.add(ecrImage(i)?.account ?? '');
    // only an image no earlier revision ran from needs the execution role's history
    const maybe = def.images
      .map(ecrImage)
      .some((im) => !!im && outsideRegistry(im, org) && !knownRegistries.has(im.account));
    if (def.execRole && maybe) {
      const tokens = await loadEvents(
        env.db,
        `action = 'GetAuthorizationToken' AND ${roleSql(def.execRole)} AND time < CAST($1 AS TIMESTAMP)`,
        [sqlTime(def.row.time)],
        { resp: false, extra: false },
      );
      for (const t of tokens) for (const a of registryIdsOf(t)) knownRegistries.add(a);
    }
    const outside = [
      ...new Map(
        def.images
          .map(ecrImage)
          .filter(
            (im): im is EcrImage => !!im && outsideRegistry(im, org) && !knownRegistries.has(im.account),
          )
          .map((im) => [im.uri, im] as const),
      ).values(),
    ].sort((a, b) => a.uri.localeCompare(b.uri));
    // variables the previous revision did not have (or had with another value) that send outside
    const previous = earlier.length ? earlier[earlier.length - 1] : null;
    const seenHosts = new Set<string>();
    for (const d of earlier)
      for (const v of d.env.values()) {
        const h = outsideHost(v, domains);
        if (h) seenHosts.add(h);
      }
    const endpoints: Array<{ container: string; name: string; host: string }> = [];
    for (const [k, v] of def.env) {
      if (previous && previous.env.get(k) === v) continue;
      const h = outsideHost(v, domains);
      if (!h || seenHosts.has(h)) continue;
      const [container, name] = k.split('\u0000');
      endpoints.push({ container, name, host: h });
    }
    if (!outside.length && !endpoints.length) continue;
    const reg = def.row;
    const kind = env.base.kindOf(reg.identityArn);
    // the registering principal's other sessions: was this address new for it?
    const prior = reg.identityArn
      ? await env.db.all(
          `SELECT DISTINCT source_ip AS ip FROM events
           WHERE identity_arn = $1 AND time < CAST($2 AS TIMESTAMP) AND access_key_id IS DISTINCT FROM $3
             AND source_ip IS NOT NULL ORDER BY 1`,
          [reg.identityArn, sqlTime(reg.time), reg.accessKeyId],
        )
      : [];
    const priorIps = prior.map((p) => String(p.ip)).filter((ip) => isPublicIp(ip));
    const newOrigin =
      isPublicIp(reg.sourceIp) &&
      !env.base.isCommonIp(reg.sourceIp) &&
      priorIps.length > 0 &&
      !priorIps.some((ip) => ip === reg.sourceIp || netOf(ip) === netOf(reg.sourceIp ?? ''));
    // the deployment that put the revision to work, and the execution role's authorisation for the registry
    const deploys = deployments.filter(
      (d) => d.def === def && d.row.time <= hoursAfter(def.row.time, DEPLOY_WINDOW_H),
    );
    const outsideAccounts = new Set(outside.map((i) => i.account));
    let tokenRows: CtRow[] = [];
    let orgPulls = 0;
    if (def.execRole && outside.length && deploys.length) {
      const until = deploys.map((d) => d.end).sort()[deploys.length - 1];
      const execRows = await loadEvents(
        env.db,
        `action IN ('GetAuthorizationToken', 'BatchGetImage', 'GetDownloadUrlForLayer') AND ${roleSql(def.execRole)}
         AND time >= CAST($1 AS TIMESTAMP) AND time <= CAST($2 AS TIMESTAMP)`,
        [sqlTime(deploys[0].row.time), sqlTime(until)],
        { resp: false, extra: false },
      );
      tokenRows = execRows.filter(
        (r) => r.action === 'GetAuthorizationToken' && registryIdsOf(r).some((a) => outsideAccounts.has(a)),
      );
      orgPulls = execRows.filter(
        (r) => r.action !== 'GetAuthorizationToken' && org.has(String(r.req?.registryId ?? r.account ?? '')),
      ).length;
    }
    const human = kind === 'human';
    let severity: Severity;
    let strength: Candidate['strength'];
    if (outside.length && newOrigin && !human) [severity, strength] = ['high', 'hard'];
    else if (outside.length && human) [severity, strength] = ['medium', 'hard'];
    else if (outside.length) [severity, strength] = ['low', 'soft'];
    else [severity, strength] = [newOrigin ? 'low' : 'informational', 'soft'];
    const changeRows = [reg, ...deploys.map((d) => d.row)];
    const ev = [...changeRows, ...tokenRows].sort(byTime);
    const services = [...new Map(deploys.map((d) => [d.service.key, d.service] as const)).values()];
    const who = `${nameOf(reg.identityArn)}${reg.sessionName ? ` (${reg.sessionName})` : ''}`;
    const label = `${def.family}${def.revision ? `:${def.revision}` : ''}`;
    const triage: string[] = [];
    for (const im of outside)
      triage.push(
        `image ${im.uri} is in the ECR registry of account ${im.account}, which the evidence does not show as the organisation's (${[...org.keys()].slice(0, 5).join(', ') || 'none known'}) and is not an AWS-owned registry; no earlier revision of ${def.family} or pull of its execution role used that registry`,
      );
    for (const e of endpoints)
      triage.push(
        `environment variable ${e.name} (container ${e.container}) ${previous?.env.has(`${e.container}\u0000${e.name}`) ? 'now' : 'newly'} points at ${e.host}, outside the organisation`,
      );
    triage.push(
      `registered by ${who} (${kind}) from ${reg.sourceIp ?? 'unknown'}${newOrigin ? `, an address no other session of the principal used (before: ${priorIps.slice(0, 5).join(', ')})` : ''}`,
    );
    if (deploys.length)
      triage.push(
        `deployed: ${deploys.map((d) => `${d.row.action} ${d.service.name ?? ''} at ${d.row.time} by ${nameOf(d.row.identityArn)} from ${d.row.sourceIp}`).join('; ')}`,
      );
    if (tokenRows.length)
      triage.push(
        `the execution role obtained ECR authorisation for registry ${[...outsideAccounts].join(', ')} ${tokenRows.length} time(s)${orgPulls ? '' : ', with no pull from the organisation\u2019s registry'}: the tasks ran the outside image (the pulls are logged in that account)`,
      );
    const c: Candidate = {
      ruleId: outside.length ? 'infrastructure.ecs-outside-image' : 'infrastructure.ecs-outside-endpoint',
      title: outside.length
        ? `ECS task definition ${label} runs a container image from outside account ${[...outsideAccounts].join(', ')}${deploys.length ? `, deployed to ${services.map((s) => s.name ?? 'a task').join(', ')}` : ''}`
        : `ECS task definition ${label} sends to an outside endpoint (${[...new Set(endpoints.map((e) => e.host))].join(', ')})`,
      description:
        `${who} registered ${label} from ${reg.sourceIp ?? 'unknown'} at ${reg.time}` +
        `${outside.length ? ` with image(s) ${outside.map((i) => i.uri).join(', ')}` : ''}` +
        `${endpoints.length ? `${outside.length ? ' and' : ' with'} variable(s) ${endpoints.map((e) => `${e.name} → ${e.host}`).join(', ')}` : ''}. ` +
        `${deploys.length} deployment(s) followed.`,
      severity,
      strength,
      ifActor: 'high',
      elements: ['infrastructure-changes'],
      times: ev.map((r) => r.time),
      principals: [...new Set(changeRows.map((r) => r.identityArn).filter((x): x is string => !!x))],
      accessKeyIds: [...new Set(changeRows.map((r) => r.accessKeyId).filter((x): x is string => !!x))],
      sourceIps: [...new Set(changeRows.map((r) => r.sourceIp).filter((x): x is string => isPublicIp(x)))],
      resources: [
        ...(def.arn ? [def.arn] : []),
        def.family,
        ...outside.map((i) => i.uri),
        ...services.map((s) => s.arn ?? s.name).filter((x): x is string => !!x),
      ],
      attack: outside.length ? ['T1525', 'T1195.002', 'T1610'] : ['T1610', 'T1041'],
      evidence: { eventIds: ev.map((r) => r.eventId) },
      actors: changeRows.map(actorOf),
      triage,
      details: {
        taskDefinition: def.arn ?? label,
        family: def.family,
        taskRole: def.taskRole,
        executionRole: def.execRole,
        outsideImages: outside.map((i) => ({ image: i.uri, registryAccount: i.account })),
        outsideEndpoints: endpoints,
        newOrigin,
        principalKind: kind,
        deployments: deploys.map((d) => ({
          eventId: d.row.eventId,
          action: d.row.action,
          service: d.service.arn ?? d.service.name,
          time: d.row.time,
        })),
        registryAuthorisations: tokenRows.length,
        organisationPulls: orgPulls,
      },
    };
    // a planned change explains an outside image only when it names the registry's account
    const m = matchContext(env.entries, {
      ...subjectOf(reg),
      targets: [def.family, ...services.map((s) => s.name ?? ''), ...outside.map((i) => i.uri)].filter(
        Boolean,
      ),
    });
    if (
      m &&
      (m.kind === 'declared-activity' || !outside.length || outside.every((i) => m.text.includes(i.account)))
    )
      applyContext(c, m);
    else if (m)
      c.triage.push(
        `${m.ticket} covers this time but does not name registry account(s) ${[...outsideAccounts].join(', ')}`,
      );
    c.details = toJson(c.details) as Record<string, never>;
    out.push(c);
  }
  return out;
}

function registryIdsOf(r: CtRow): string[] {
  const ids = r.req?.registryIds;
  const list = Array.isArray(ids) ? ids.slice(0, 20) : [];
  const out = list.map((x) => String(x)).filter((x) => /^\d{12}$/.test(x));
  // no registryIds: the caller's own registry
  return out.length ? out : r.account ? [r.account] : [];
}

/**
 * After a deployment of an ECS service, its task role reading secrets, parameters or buckets it never
 * read before in the evidence: the new code went for data the application does not use. Tied to the
 * deployment (its actor is the candidate's), low alone (a release may add a feature that reads a new
 * secret), raised with the deployment's actor.
 */
export async function taskRoleNewReads(env: Env, loaded?: EcsRecords): Promise<Candidate[]> {
  const { deployments } = loaded ?? (await loadEcs(env));
  const out: Candidate[] = [];
  const done = new Set<string>();
  for (const d of deployments) {
    const role = d.def.taskRole;
    if (!role || d.row.action === 'RunTask' || d.row.action === 'StartTask') continue;
    const k = `${role}\u0000${d.row.time}`;
    if (done.has(k)) continue;
    done.add(k);
    const got = await roleNewActivity(env, role, d.row.time, d.end, () => true, { writes: false });
    if (!got) continue;
    const { history: n, reads: fresh, targets, secrets, buckets, parameters: params } = got;
    const objects = new Set(
      fresh.filter((r) => /^GetObject/.test(r.action)).map((r) => `${r.req?.bucketName}/${r.req?.key}`),
    ).size;
    const sessions = new Set(fresh.map((r) => r.accessKeyId)).size;
    const ev = fresh.slice(0, MAX_READ_EVIDENCE);
    const label = `${d.def.family}${d.def.revision ? `:${d.def.revision}` : ''}`;
    const deployer = `${nameOf(d.row.identityArn)}${d.row.sessionName ? ` (${d.row.sessionName})` : ''}`;
    out.push({
      ruleId: 'infrastructure.ecs-task-role-new-reads',
      title: `After ${label} was deployed, task role ${nameOf(role)} read ${[
        secrets.length ? `${secrets.length} secret(s)` : '',
        buckets.length ? `bucket(s) ${buckets.join(', ')}` : '',
        params.length ? `${params.length} parameter(s)` : '',
      ]
        .filter(Boolean)
        .join(', ')} it never read before`,
      description:
        `${d.row.action} by ${deployer} from ${d.row.sourceIp} at ${d.row.time} put ${label} to work on ${d.service.name ?? 'a service'}. ` +
        `In the ${n} records of ${nameOf(role)} before it, the role never read ${targets.map((t) => t.replace(/^[a-z]+:/, '')).join(', ')}; ` +
        `afterwards ${fresh.length} read(s) by ${sessions} task session(s)${objects ? `, ${objects} object(s)` : ''}.`,
      severity: 'low',
      strength: 'soft',
      ifActor: 'high',
      elements: ['private-data'],
      times: [d.row.time, ...ev.map((r) => r.time)],
      principals: [role],
      // the reads are the tasks'; the actor is whoever deployed them (actors below)
      accessKeyIds: [],
      sourceIps: [],
      resources: [...secrets, ...buckets, ...params],
      attack: ['T1552.001', 'T1530', 'T1555.006'],
      evidence: { eventIds: [d.row.eventId, ...ev.map((r) => r.eventId)] },
      actors: [actorOf(d.row)],
      triage: [
        `the deployment: ${d.row.action} of ${label} by ${deployer} from ${d.row.sourceIp} at ${d.row.time}`,
        firstReadsLine(targets, fresh),
        'a release can add a feature that reads a new secret; code that harvests what its role may read looks the same until the deployment is judged',
      ],
      details: toJson({
        deployment: d.row.eventId,
        taskDefinition: d.def.arn ?? label,
        service: d.service.arn ?? d.service.name,
        taskRole: role,
        historyRecords: n,
        newSecrets: secrets,
        newBuckets: buckets,
        newParameters: params,
        reads: fresh.length,
        objects,
        sessions,
      }) as Record<string, never>,
    });
  }
  return out;
}
