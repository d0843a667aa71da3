/**
 * SageMaker control plane: where the code that trains and serves the organisation's models comes from.
 *
 * A SageMaker pipeline step, training or processing job, model or model package runs a container
 * image. An image in an ECR registry of an account the organisation does not own (not one of the
 * accounts the evidence shows as its own, not an AWS-owned registry such as the Deep Learning
 * Containers or the built-in algorithms) is code from outside running with the pipeline's role and
 * producing the organisation's model: an ML supply-chain change. What a responder follows:
 *
 * - **the change**: `CreatePipeline` / `UpdatePipeline` (the images inside `pipelineDefinition`),
 *   or a job, model or package created directly with the outside image, by whom, from where, and
 *   whether a planned change names that registry;
 * - **the runs**: the jobs SageMaker created with the image (`invokedBy` sagemaker, the pipeline's
 *   role), and the job role's calls from the training instance in the job's run that only code
 *   probing its credentials makes (an identity check, denied listings);
 * - **the release**: the model package the job's artefacts were registered as, its approval
 *   (`UpdateModelPackage` Approved, by whom), and the model, endpoint configuration and endpoint
 *   that then served it;
 * - **the clean-up**: the same person putting the pipeline definition back afterwards.
 *
 * `mlSessionNewOrigin` (element `access`) is the other half: a person's federated session (IAM
 * Identity Center, SAML) whose every record comes from an address the person never used in the
 * evidence, no one else uses, and that changed SageMaker resources.
 */

import { loadAwsImageRegistries } from '../io/data-files.js';
import {
  actionList,
  actorOf,
  applyContext,
  type Candidate,
  type CtRow,
  type Env,
  isPublicIp,
  loadEvents,
  matchContext,
  nameOf,
  netOf,
  subjectOf,
  toJson,
} from './context.js';
import { orgAccounts } from './data-exposure.js';

const ECR_IMAGE =
  /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([a-z0-9][a-z0-9._/-]{0,255})(?::([A-Za-z0-9_.-]{1,128})|@(sha256:[a-f0-9]{64}))?$/;

export interface EcrImage {
  uri: string;
  account: string;
  region: string;
  repository: string;
}

/**
 * Whether an ECR image comes from outside: its registry is neither one of the organisation's accounts
 * (`org`, as `orgAccounts` learns them) nor an AWS-owned registry. SageMaker jobs and ECS task
 * definitions are judged by this one rule.
 */
export function outsideRegistry(im: EcrImage, org: { has(account: string): boolean }): boolean {
  // AWS-owned registries (Deep Learning Containers, built-in algorithms...): data/aws-image-registries.json
  return !org.has(im.account) && !loadAwsImageRegistries().has(im.account);
}

export function ecrImage(s: string): EcrImage | null {
  const m = ECR_IMAGE.exec(s.trim());
  return m ? { uri: s.trim(), account: m[1], region: m[2], repository: m[3] } : null;
}

/** a pipeline definition longer than this is not parsed (evidence is hostile text) */
const MAX_DEFINITION = 1_000_000;
const MAX_IMAGES = 50;

/** Every ECR image a SageMaker request names, the images inside a pipeline definition included. */
export function imagesOf(req: Record<string, unknown> | null): EcrImage[] {
  const out = new Map<string, EcrImage>();
  let budget = 20_000;
  const visit = (v: unknown, key: string, depth: number): void => {
    if (out.size >= MAX_IMAGES || depth > 12 || --budget < 0) return;
    if (typeof v === 'string') {
      if (/^pipelineDefinition$/i.test(key) && v.length <= MAX_DEFINITION && v.trimStart().startsWith('{')) {
        try {
          visit(JSON.parse(v), '', depth + 1);
        } catch {
          // not JSON: nothing to read
        }
        return;
      }
      if (v.length <= 400 && v.includes('.dkr.ecr')) {
        const im = ecrImage(v);
        if (im && !out.has(im.uri)) out.set(im.uri, im);
      }
      return;
    }
    if (!v || typeof v !== 'object') return;
    if (Array.isArray(v)) for (const x of v.slice(0, 200)) visit(x, key, depth + 1);
    else for (const [k, x] of Object.entries(v).slice(0, 200)) visit(x, k, depth + 1);
  };
  visit(req, '', 0);
  return [...out.values()].sort((a, b) => a.uri.localeCompare(b.uri));
}

const CHANGE_ACTIONS = [
  'CreatePipeline',
  'UpdatePipeline',
  'CreateTrainingJob',
  'CreateProcessingJob',
  'CreateTransformJob',
  'CreateHyperParameterTuningJob',
  'CreateModel',
  'CreateModelPackage',
  'UpdateModelPackage',
  'CreateEndpointConfig',
  'CreateEndpoint',
  'UpdateEndpoint',
  'CreateAlgorithm',
];
const JOB_ACTIONS = new Set(['CreateTrainingJob', 'CreateProcessingJob', 'CreateTransformJob']);
const MAX_ROWS = 50_000;
/** how long after a change its runs, packages, approvals and deployments are still its consequences */
const CHAIN_WINDOW_H = 72;
/** a job's run, when the request gives no stopping condition */
const DEFAULT_RUN_H = 24;
const MAX_PROBES = 40;

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const within = (t: string, start: string, hours: number): boolean => {
  const d = Date.parse(t) - Date.parse(start);
  return d >= 0 && d <= hours * 3_600_000;
};
const byService = (r: CtRow): boolean =>
  r.principalType === 'AWSService' || !!r.invokedBy || !/^[0-9a-fA-F:.]+$/.test(r.sourceIp ?? '');

function jobNameOf(r: CtRow): string | null {
  const q = r.req ?? {};
  return str(q.trainingJobName) ?? str(q.processingJobName) ?? str(q.transformJobName);
}

function packagesIn(q: Record<string, unknown> | null): string[] {
  const out: string[] = [];
  const visit = (v: unknown, depth: number): void => {
    if (depth > 4 || !v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v).slice(0, 50)) {
      if (/^modelPackageName$/i.test(k) && typeof x === 'string') out.push(x);
      else visit(x, depth + 1);
    }
  };
  visit(q, 0);
  return out;
}

function variantModels(q: Record<string, unknown> | null): string[] {
  const pv = q?.productionVariants;
  if (!Array.isArray(pv)) return [];
  return pv
    .slice(0, 20)
    .map((v) => str((v as Record<string, unknown> | null)?.modelName))
    .filter((x): x is string => !!x);
}

const personOf = (r: CtRow): string => `${r.identityArn ?? ''}\u0000${(r.sessionName ?? '').toLowerCase()}`;

/** SageMaker pipelines, jobs, models and packages running images from registries outside the organisation. */
export async function sagemakerSupplyChain(env: Env): Promise<Candidate[]> {
  const rows = (
    await loadEvents(
      env.db,
      `service = 'sagemaker.amazonaws.com' AND error_code IS NULL AND action IN (${actionList(CHANGE_ACTIONS)})`,
      [],
      { extra: false },
    )
  ).slice(0, MAX_ROWS);
  if (!rows.length) return [];
  const org = await orgAccounts(env, []);
  const imgs = new Map<CtRow, EcrImage[]>(rows.map((r) => [r, imagesOf(r.req)]));
  // repositories the organisation's own registries hold (as the images of its records name them)
  const orgRepos = new Set<string>();
  for (const list of imgs.values())
    for (const im of list) if (org.has(im.account)) orgRepos.add(im.repository);
  const outside = (im: EcrImage): boolean => outsideRegistry(im, org);

  // one chain per outside image: the change that brought it in and what followed
  const byImage = new Map<string, { image: EcrImage; rows: CtRow[] }>();
  for (const r of rows)
    for (const im of imgs.get(r) ?? [])
      if (outside(im)) {
        if (!byImage.has(im.uri)) byImage.set(im.uri, { image: im, rows: [] });
        byImage.get(im.uri)!.rows.push(r);
      }
  const out: Candidate[] = [];
  for (const { image, rows: uses } of [...byImage.values()].sort((a, b) =>
    a.image.uri.localeCompare(b.image.uri),
  )) {
    const start = uses[0].time;
    const introducers = uses.filter((r) => !byService(r));
    const chain = new Map<string, CtRow>();
    const add = (r: CtRow): void => {
      chain.set(r.uid, r);
    };
    for (const r of uses) add(r);
    const pipelines = new Set(
      introducers
        .filter((r) => /Pipeline$/.test(r.action))
        .map((r) => str(r.req?.pipelineName))
        .filter((x): x is string => !!x),
    );
    // the runs: jobs with the image, their names and roles
    const jobs = uses.filter((r) => JOB_ACTIONS.has(r.action));
    const jobNames = new Set(jobs.map(jobNameOf).filter((x): x is string => !!x));
    // the release: packages registered from those jobs, their approval, the models and endpoints
    const packages = new Set<string>();
    for (const r of rows) {
      if (r.action !== 'CreateModelPackage' || !within(r.time, start, CHAIN_WINDOW_H)) continue;
      const text = JSON.stringify(r.req ?? {}).slice(0, 200_000);
      const fromJob = [...jobNames].some((j) => text.includes(j));
      if (fromJob || (imgs.get(r) ?? []).some((im) => im.uri === image.uri)) {
        const arn = str(r.resp?.modelPackageArn);
        if (arn) packages.add(arn);
        add(r);
      }
    }
    const approvals = rows.filter(
      (r) =>
        r.action === 'UpdateModelPackage' &&
        within(r.time, start, CHAIN_WINDOW_H) &&
        String(r.req?.modelApprovalStatus ?? '') === 'Approved' &&
        packages.has(String(r.req?.modelPackageArn ?? r.req?.modelPackageName ?? '')),
    );
    for (const r of approvals) add(r);
    const models = new Set<string>();
    for (const r of rows) {
      if (r.action !== 'CreateModel' || !within(r.time, start, CHAIN_WINDOW_H)) continue;
      if (
        packagesIn(r.req).some((p) => packages.has(p)) ||
        (imgs.get(r) ?? []).some((i) => i.uri === image.uri)
      ) {
        const m = str(r.req?.modelName);
        if (m) models.add(m);
        add(r);
      }
    }
    const configs = new Set<string>();
    for (const r of rows) {
      if (r.action !== 'CreateEndpointConfig' || !within(r.time, start, CHAIN_WINDOW_H)) continue;
      if (variantModels(r.req).some((m) => models.has(m))) {
        const c = str(r.req?.endpointConfigName);
        if (c) configs.add(c);
        add(r);
      }
    }
    const endpoints = rows.filter(
      (r) =>
        (r.action === 'UpdateEndpoint' || r.action === 'CreateEndpoint') &&
        within(r.time, start, CHAIN_WINDOW_H) &&
        configs.has(String(r.req?.endpointConfigName ?? '')),
    );
    for (const r of endpoints) add(r);
    // the clean-up: the same person redefining the pipeline without the image afterwards
    const people = new Set(introducers.map(personOf));
    const restores = rows.filter(
      (r) =>
        r.action === 'UpdatePipeline' &&
        !byService(r) &&
        r.time > start &&
        within(r.time, start, CHAIN_WINDOW_H) &&
        pipelines.has(String(r.req?.pipelineName ?? '')) &&
        people.has(personOf(r)) &&
        !(imgs.get(r) ?? []).some((i) => i.uri === image.uri),
    );
    for (const r of restores) add(r);
    // code in the job's container: its role's identity check and denied listings from the instance
    const probes: CtRow[] = [];
    const roles = [...new Set(jobs.map((r) => str(r.req?.roleArn)).filter((x): x is string => !!x))];
    if (roles.length) {
      const cand = await loadEvents(
        env.db,
        `identity_arn IN (${actionList(roles)}) AND invoked_by IS NULL
         AND (action = 'GetCallerIdentity' OR error_code IS NOT NULL)`,
        [],
        { req: false, resp: false, extra: false },
      );
      for (const p of cand) {
        if (probes.length >= MAX_PROBES || !isPublicIp(p.sourceIp)) continue;
        if (!(p.action === 'GetCallerIdentity' || /AccessDenied|Unauthorized/i.test(p.errorCode ?? '')))
          continue;
        const inRun = jobs.some((j) => {
          const stop = Number(
            (j.req?.stoppingCondition as Record<string, unknown> | undefined)?.maxRuntimeInSeconds,
          );
          const hours = Number.isFinite(stop) && stop > 0 ? Math.min(stop / 3600, 5 * 24) : DEFAULT_RUN_H;
          return str(j.req?.roleArn) === p.identityArn && within(p.time, j.time, hours);
        });
        if (inRun) probes.push(p);
      }
    }
    const denied = probes.filter((p) => p.errorCode);
    const actorRows = [...introducers, ...approvals, ...restores];
    const ev = [...chain.values(), ...probes].sort(
      (a, b) => a.time.localeCompare(b.time) || a.uid.localeCompare(b.uid),
    );
    const lookalike = orgRepos.has(image.repository);
    const arnOf = (type: string, name: string, r: CtRow): string =>
      r.region && r.account
        ? `arn:aws:sagemaker:${r.region}:${r.account}:${type}/${name.toLowerCase()}`
        : name;
    const resources = new Set<string>([image.uri]);
    for (const r of introducers)
      for (const p of pipelines) if (r.req?.pipelineName === p) resources.add(arnOf('pipeline', p, r));
    for (const j of jobs) {
      const arn =
        str(j.resp?.trainingJobArn) ?? str(j.resp?.processingJobArn) ?? str(j.resp?.transformJobArn);
      if (arn) resources.add(arn);
    }
    for (const p of packages) resources.add(p);
    for (const r of endpoints) {
      const arn = str(r.resp?.endpointArn) ?? arnOf('endpoint', String(r.req?.endpointName ?? ''), r);
      resources.add(arn);
    }
    const who = [
      ...new Set(
        introducers.map((r) => `${nameOf(r.identityArn)}${r.sessionName ? ` (${r.sessionName})` : ''}`),
      ),
    ];
    const triage = [
      `image ${image.uri} is in the ECR registry of account ${image.account}, which the evidence does not show as the organisation's (${[...org.keys()].slice(0, 5).join(', ') || 'none known'}) and is not an AWS-owned registry`,
    ];
    if (lookalike)
      triage.push(
        `the organisation's own registry holds a repository of the same name (${image.repository}): a look-alike`,
      );
    if (pipelines.size)
      triage.push(`pipeline(s) ${[...pipelines].join(', ')} redefined with it by ${who.join(', ')}`);
    if (jobs.length) triage.push(`${jobs.length} job(s) ran it: ${[...jobNames].slice(0, 5).join(', ')}`);
    if (probes.length)
      triage.push(
        `the job role's calls from the instance during the run: ${probes.length} (${[...new Set(probes.map((p) => p.action))].join(', ')}${denied.length ? `, ${denied.length} denied` : ''}): code in the container probing its credentials`,
      );
    if (packages.size) triage.push(`model package(s) registered from it: ${[...packages].join(', ')}`);
    for (const a of approvals)
      triage.push(
        `approved by ${nameOf(a.identityArn)}${a.sessionName ? ` (${a.sessionName})` : ''} from ${a.sourceIp} at ${a.time}`,
      );
    if (endpoints.length)
      triage.push(
        `then served by endpoint(s) ${[...new Set(endpoints.map((r) => String(r.req?.endpointName ?? '')))].join(', ')}`,
      );
    if (restores.length)
      triage.push(`the same person put the pipeline definition back at ${restores[0].time}: covering tracks`);
    triage.push(
      `pulls of the image are logged in account ${image.account}'s CloudTrail, not in this evidence`,
    );
    const human = introducers.length > 0 || approvals.some((r) => !byService(r));
    const c: Candidate = {
      ruleId: 'ai-changes.sagemaker-outside-image',
      title: `SageMaker ${pipelines.size ? `pipeline ${[...pipelines][0]}` : jobs.length ? 'job' : 'resource'} runs a container image from outside account ${image.account}${endpoints.length ? ', deployed to an endpoint' : ''}`,
      description:
        `${uses.length} SageMaker request(s) name ${image.uri}` +
        `${introducers.length ? `, brought in by ${who.join(', ')} from ${[...new Set(introducers.map((r) => r.sourceIp))].join(', ')}` : ''}. ` +
        `${jobs.length} job(s) ran it, ${packages.size} model package(s) came from it, ${approvals.length} approval(s), ${endpoints.length} endpoint update(s).`,
      severity: human ? 'high' : 'medium',
      strength: 'hard',
      elements: ['ai-changes'],
      components: ['custom-models'],
      times: ev.map((r) => r.time),
      principals: [...new Set(actorRows.map((r) => r.identityArn).filter((x): x is string => !!x))],
      accessKeyIds: [...new Set(actorRows.map((r) => r.accessKeyId).filter((x): x is string => !!x))],
      sourceIps: [...new Set(actorRows.map((r) => r.sourceIp).filter((x): x is string => isPublicIp(x)))],
      resources: [...resources],
      attack: ['T1195.002', 'T1525', ...(probes.length ? ['T1033'] : [])],
      evidence: { eventIds: ev.map((r) => r.eventId) },
      actors: actorRows.filter((r) => !byService(r)).map(actorOf),
      triage,
      details: {
        image: image.uri,
        registryAccount: image.account,
        lookalike,
        pipelines: [...pipelines],
        jobs: [...jobNames].sort(),
        packages: [...packages].sort(),
        approvals: approvals.map((a) => ({
          eventId: a.eventId,
          time: a.time,
          by: a.identityArn,
          ip: a.sourceIp,
        })),
        endpoints: [...new Set(endpoints.map((r) => String(r.req?.endpointName ?? '')))].sort(),
        probes: probes.map((p) => ({
          eventId: p.eventId,
          action: p.action,
          error: p.errorCode,
          ip: p.sourceIp,
        })),
        restoredAt: restores.map((r) => r.time),
      },
    };
    // a planned change explains an outside image only when it names the registry's account
    const first = introducers[0] ?? uses[0];
    const m = matchContext(env.entries, {
      ...subjectOf(first),
      targets: [...pipelines, image.uri, image.repository],
    });
    if (m && (m.kind === 'declared-activity' || m.text.includes(image.account))) applyContext(c, m);
    else if (m)
      c.triage.push(`${m.ticket} covers this time but does not name registry account ${image.account}`);
    c.details = toJson(c.details) as Record<string, never>;
    out.push(c);
  }
  return out;
}

/** least records of a person's other sessions for their addresses to be a baseline */
const PERSON_BASELINE_MIN = 5;
const MAX_SESSION_EVIDENCE = 200;

/**
 * A person's federated session (Identity Center permission set or SAML role, the session named after
 * the person) used only from addresses the person never used in the evidence and no other principal
 * uses, that changed SageMaker resources: a session token taken from the person's machine and used
 * elsewhere. Low and soft: a person on the move looks the same (notebooks started from a hotel);
 * raised with the actor when the same session made a change another rule judges (an outside image).
 */
export async function mlSessionNewOrigin(env: Env): Promise<Candidate[]> {
  const writers = await env.db.all(
    `SELECT DISTINCT access_key_id AS k FROM events
     WHERE service = 'sagemaker.amazonaws.com' AND error_code IS NULL AND read_only IS DISTINCT FROM true
       AND principal_type = 'AssumedRole' AND session_name IS NOT NULL AND access_key_id IS NOT NULL
       AND invoked_by IS NULL ORDER BY 1`,
  );
  if (!writers.length) return [];
  const candidates = await loadEvents(
    env.db,
    `access_key_id IN (${actionList(writers.map((r) => String(r.k)))})`,
    [],
    { req: false, resp: false, extra: false },
  );
  const byKey = new Map<string, CtRow[]>();
  for (const r of candidates) {
    if (env.base.kindOf(r.identityArn) !== 'human' || !r.sessionName) continue;
    const k = r.accessKeyId!;
    if (!byKey.has(k)) byKey.set(k, []);
    byKey.get(k)!.push(r);
  }
  if (!byKey.size) return [];
  const sessions = [...new Set([...byKey.values()].map((rs) => rs[0].sessionName!.toLowerCase()))];
  const personRows = await env.db.all(
    `SELECT lower(session_name) AS person, access_key_id AS k, source_ip AS ip, count(*) AS n FROM events
     WHERE lower(session_name) IN (${actionList(sessions)}) AND principal_type = 'AssumedRole' AND invoked_by IS NULL
     GROUP BY ALL ORDER BY ALL`,
  );
  const out: Candidate[] = [];
  for (const [key, rs] of [...byKey].sort((a, b) => a[0].localeCompare(b[0]))) {
    const person = rs[0].sessionName!.toLowerCase();
    const ips = [...new Set(rs.map((r) => r.sourceIp).filter((x): x is string => isPublicIp(x)))].sort();
    if (!ips.length || rs.some((r) => r.sourceIp && isPublicIp(r.sourceIp) === false && !byService(r)))
      continue;
    // the person's other sessions are the baseline, except other SageMaker-changing sessions from
    // addresses of their own: two stolen sessions from one network must not vouch for each other
    const baseline = personRows.filter((p) => {
      const ip = String(p.ip ?? '');
      if (p.person !== person || p.k === key || !isPublicIp(ip)) return false;
      return !byKey.has(String(p.k)) || env.base.isCommonIp(ip) || (env.base.ipIdentities.get(ip) ?? 0) > 1;
    });
    if (baseline.reduce((n, p) => n + Number(p.n), 0) < PERSON_BASELINE_MIN) continue;
    const knownIps = new Set(baseline.map((p) => String(p.ip)));
    const knownNets = new Set([...knownIps].map(netOf));
    const fresh = ips.every(
      (ip) =>
        !knownIps.has(ip) &&
        !knownNets.has(netOf(ip)) &&
        !env.base.isCommonIp(ip) &&
        (env.base.ipIdentities.get(ip) ?? 0) <= 1,
    );
    if (!fresh) continue;
    const changes = rs.filter(
      (r) => r.service === 'sagemaker.amazonaws.com' && r.readOnly !== true && !r.errorCode && !byService(r),
    );
    if (!changes.length) continue;
    const identity = rs[0].identityArn;
    const checks = rs.filter((r) => r.action === 'GetCallerIdentity').length;
    const ev = rs.slice(0, MAX_SESSION_EVIDENCE);
    const c: Candidate = {
      ruleId: 'access.session-new-origin-ml-changes',
      title: `Session of ${rs[0].sessionName} (${nameOf(identity)}) used from a new address to change SageMaker resources`,
      description:
        `Session key ${key} of ${rs[0].sessionName} was used only from ${ips.join(', ')}; the person's other sessions ` +
        `came from ${[...knownIps].slice(0, 5).join(', ')}. No other principal uses the address. ` +
        `${rs.length} records, ${changes.length} SageMaker change(s): ${[...new Set(changes.map((r) => r.action))].join(', ')}.`,
      // low alone: a person working from a hotel or a new home connection looks the same
      severity: 'low',
      strength: 'soft',
      ifActor: 'high',
      elements: ['access'],
      times: ev.map((r) => r.time),
      principals: identity ? [identity] : [],
      accessKeyIds: [key],
      sourceIps: ips,
      resources: identity ? [identity] : [],
      attack: ['T1550.001', 'T1078.004'],
      evidence: { eventIds: ev.map((r) => r.eventId) },
      actors: [...new Map(rs.map((r) => [`${r.sourceIp}`, actorOf(r)] as const)).values()],
      triage: [
        `the person's known addresses: ${[...knownIps].slice(0, 8).join(', ')}`,
        `${checks ? 'identity check, ' : ''}${rs.filter((r) => r.readOnly).length} reads, ${changes.length} changes from the new address`,
        'a session token copied from the person\u2019s machine (infostealer) looks like this; so does a trip, until the changes are judged',
      ],
      details: {
        person: rs[0].sessionName,
        knownIps: [...knownIps].sort(),
        ips,
        changes: changes.map((r) => ({ eventId: r.eventId, action: r.action, time: r.time })),
      },
    };
    applyContext(c, matchContext(env.entries, { ...subjectOf(changes[0]), targets: [] }));
    out.push(c);
  }
  return out;
}
