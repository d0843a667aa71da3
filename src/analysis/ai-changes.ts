/**
 * Element `ai-changes`: what changed in the models, guardrails, agents, prompts and the
 * invocation-logging configuration, and what each change actually changed.
 *
 * - invocation logging: destination moved (another bucket, log group or account), text or image
 *   delivery turned off, configuration deleted in a Region with traffic;
 * - guardrails: filters lowered or removed, compared between the configuration before and after (from
 *   CloudTrail when the configuration is visible, else from the guardrail traces the invocation logs
 *   carry per version), deleted guardrails;
 * - model access requests, provisioned throughput, customisation / import / copy jobs;
 * - agents, action groups, aliases, prompts and flows;
 * - Parameter Store values that hold model ids, and the application's switch to another model.
 */
import type { Json } from '../model/types.js';
import { isoSql, sqlTime } from '../store/case-store.js';
import {
  actionList,
  actorOf,
  applyContext,
  burstsOf,
  type Candidate,
  type CtRow,
  clientOf,
  type Env,
  IAC_UA,
  loadEvents,
  matchContext,
  minutesBetween,
  nameOf,
  principalsOf,
  subjectOf,
  toJson,
} from './context.js';

const ids = (rows: CtRow[]): string[] => rows.map((r) => r.eventId);
const isPipelineRow = (env: Env, r: CtRow): boolean =>
  env.base.kindOf(r.identityArn) === 'pipeline' || IAC_UA.test(r.userAgent ?? '');

function arnAccount(arn: string | null | undefined): string | null {
  const m = /^arn:aws[a-z-]*:[^:]*:[^:]*:(\d{12}):/.exec(arn ?? '');
  return m ? m[1] : null;
}

// ---- invocation logging -------------------------------------------------------------------------------

interface LogDest {
  s3Bucket: string | null;
  s3Prefix: string | null;
  logGroup: string | null;
  roleArn: string | null;
  largeDataBucket: string | null;
  text: boolean | null;
  image: boolean | null;
  embedding: boolean | null;
  video: boolean | null;
}

function logDestOf(req: Record<string, unknown> | null): LogDest | null {
  const lc = (req?.loggingConfig ?? null) as Record<string, unknown> | null;
  if (!lc) return null;
  const s3 = (lc.s3Config ?? null) as Record<string, unknown> | null;
  const cw = (lc.cloudWatchConfig ?? null) as Record<string, unknown> | null;
  const large = (cw?.largeDataDeliveryS3Config ?? null) as Record<string, unknown> | null;
  const b = (v: unknown): boolean | null =>
    v === undefined || v === null ? null : v === true || v === 'true';
  return {
    s3Bucket: s3?.bucketName ? String(s3.bucketName) : null,
    s3Prefix: s3?.keyPrefix !== undefined ? String(s3.keyPrefix) : null,
    logGroup: cw?.logGroupName ? String(cw.logGroupName) : null,
    roleArn: cw?.roleArn ? String(cw.roleArn) : null,
    largeDataBucket: large?.bucketName ? String(large.bucketName) : null,
    text: b(lc.textDataDeliveryEnabled),
    image: b(lc.imageDataDeliveryEnabled),
    embedding: b(lc.embeddingDataDeliveryEnabled),
    video: b(lc.videoDataDeliveryEnabled),
  };
}

/**
 * Every named destination (bucket, log group) appears in records before `before`: the organisation's
 * own, in use (its settings read, its logs searched) before the configuration was deleted.
 */
async function establishedDestinations(
  env: Env,
  names: Array<string | null>,
  before: string,
): Promise<boolean> {
  const named = [...new Set(names.filter((x): x is string => !!x))];
  if (!named.length) return false;
  for (const n of named) {
    const rows = await env.db.all(
      `SELECT 1 FROM events
       WHERE time < CAST($1 AS TIMESTAMP) AND error_code IS NULL
         AND ((request_parameters->>'$.bucketName') = $2 OR (request_parameters->>'$.logGroupName') = $2)
       LIMIT 1`,
      [sqlTime(before), n],
    );
    if (!rows.length) return false;
  }
  return true;
}

/** Changes of the model invocation logging configuration, with what changed. */
export async function invocationLogging(env: Env): Promise<Candidate[]> {
  const rows = await loadEvents(
    env.db,
    `action IN ('PutModelInvocationLoggingConfiguration', 'DeleteModelInvocationLoggingConfiguration') AND error_code IS NULL`,
  );
  const trafficRows = await env.db.all(
    `SELECT region, count(*) AS n, ${isoSql('min(time)')} AS first, ${isoSql('max(time)')} AS last FROM invocations GROUP BY 1 ORDER BY ALL`,
  );
  const traffic = new Map(trafficRows.map((r) => [String(r.region), r]));
  const out: Candidate[] = [];
  const lastPut = new Map<string, CtRow>();
  const lastDelete = new Map<string, CtRow>();
  for (const r of rows) {
    const region = r.region ?? '';
    const kind = env.base.kindOf(r.identityArn);
    const prev = lastPut.get(region);
    const account = r.account ?? arnAccount(r.identityArn);
    if (r.action === 'PutModelInvocationLoggingConfiguration') {
      lastPut.set(region, r);
      const after = logDestOf(r.req);
      const before = prev ? logDestOf(prev.req) : null;
      const changes: string[] = [];
      let severity: Candidate['severity'] = 'informational';
      // logging set again after its deletion, to destinations the organisation was already using (its
      // own bucket and log group, named by others' records before the deletion, while prompts were
      // being logged in the Region): the earlier configuration restored, not logging pointed elsewhere
      const deleted = lastDelete.get(region);
      const t = traffic.get(region);
      const roleAccount = arnAccount(after?.roleArn);
      const restores =
        !before &&
        !!deleted &&
        !!t &&
        String(t.first) < deleted.time &&
        !!after &&
        !!(after.s3Bucket || after.logGroup) &&
        (!(roleAccount && account) || roleAccount === account) &&
        (await establishedDestinations(
          env,
          [after.s3Bucket, after.logGroup, after.largeDataBucket],
          deleted.time,
        ));
      if (restores && deleted) {
        const c: Candidate = {
          ruleId: 'ai-changes.invocation-logging-changed',
          title: `Model invocation logging set again in ${region}: the destinations in use before its deletion at ${deleted.time}`,
          description: `${nameOf(r.identityArn)} (${kind}) from ${r.sourceIp} set the invocation logging configuration again after its deletion: S3 ${after?.s3Bucket ?? '-'}, CloudWatch ${after?.logGroup ?? '-'}, destinations the organisation's own records named before the deletion. Prompts and responses between the deletion and this call are not logged.`,
          severity: 'informational',
          strength: 'soft',
          elements: ['ai-changes'],
          components: ['foundation-models'],
          times: [r.time],
          principals: principalsOf(r),
          accessKeyIds: [r.accessKeyId],
          sourceIps: [r.sourceIp],
          // the organisation's own destinations: not where the actor sent anything
          resources: [],
          attack: [],
          evidence: { eventIds: [r.eventId] },
          actors: [actorOf(r)],
          triage: [`restores logging deleted at ${deleted.time} to the organisation's own destinations`],
          details: { region, after: toJson(after), restores: deleted.eventId },
        };
        out.push(c);
        continue;
      }
      if (roleAccount && account && roleAccount !== account) {
        changes.push(`delivery role in another account (${roleAccount})`);
        severity = 'high';
      }
      if (before) {
        if (before.s3Bucket && after?.s3Bucket !== before.s3Bucket) {
          changes.push(`S3 destination ${before.s3Bucket} → ${after?.s3Bucket ?? 'none'}`);
          severity = 'high';
        }
        if (before.logGroup && after?.logGroup !== before.logGroup) {
          changes.push(`log group ${before.logGroup} → ${after?.logGroup ?? 'none'}`);
          severity = severity === 'high' ? 'high' : 'medium';
        }
      }
      for (const [k, label] of [
        ['text', 'text'],
        ['image', 'image'],
        ['embedding', 'embedding'],
      ] as const) {
        if (after && after[k] === false && (before?.[k] === true || (k === 'text' && !before))) {
          changes.push(`${label} delivery turned off`);
          if (k === 'text') severity = severity === 'high' ? 'high' : 'medium';
        }
      }
      if (after && !after.s3Bucket && !after.logGroup) {
        changes.push('no destination');
        severity = 'high';
      }
      if (!changes.length)
        changes.push(
          before ? 'destinations kept or added' : 'configuration set (no earlier one in the evidence)',
        );
      const hard = severity === 'high' || severity === 'medium';
      const c: Candidate = {
        ruleId: 'ai-changes.invocation-logging-changed',
        title: `Model invocation logging changed in ${region}: ${changes.join('; ')}`,
        description:
          `${nameOf(r.identityArn)} (${kind}) from ${r.sourceIp} set the invocation logging configuration: ` +
          `S3 ${after?.s3Bucket ?? '-'}${after?.s3Prefix ? `/${after.s3Prefix}` : ''}, CloudWatch ${after?.logGroup ?? '-'}, ` +
          `text ${after?.text ?? '-'}, image ${after?.image ?? '-'}.`,
        severity,
        strength: hard ? 'hard' : 'soft',
        ifActor: 'high',
        elements: ['ai-changes'],
        components: ['foundation-models'],
        times: [r.time],
        principals: principalsOf(r),
        accessKeyIds: [r.accessKeyId],
        sourceIps: [r.sourceIp],
        resources: [after?.s3Bucket, after?.logGroup],
        attack: hard ? ['T1562.008'] : [],
        // the change itself; the configuration before it (someone else's record, perhaps a planned
        // change) is named in details.previousEventId, not cited as this change's evidence
        evidence: { eventIds: [r.eventId] },
        actors: [actorOf(r)],
        triage: changes,
        details: {
          region,
          before: toJson(before),
          after: toJson(after),
          previousEventId: prev?.eventId ?? null,
        },
      };
      if (!hard)
        applyContext(
          c,
          matchContext(env.entries, { ...subjectOf(r), targets: [after?.s3Bucket, after?.logGroup] }),
        );
      out.push(c);
      continue;
    }
    // deletion
    lastPut.delete(region);
    lastDelete.set(region, r);
    // the same principal set a configuration in this Region within the hour: its own test being removed
    const ownPut = rows
      .filter(
        (x) =>
          x.action === 'PutModelInvocationLoggingConfiguration' &&
          x.region === r.region &&
          x.identityArn === r.identityArn &&
          x.time <= r.time &&
          minutesBetween(x.time, r.time) <= 60,
      )
      .pop();
    const ownTest = !!ownPut && !(traffic.get(region) && String(traffic.get(region)?.first) < ownPut.time);
    const t = traffic.get(region);
    const logged = t && String(t.first) < r.time;
    const restored = rows.find(
      (x) =>
        x.action === 'PutModelInvocationLoggingConfiguration' &&
        x.region === r.region &&
        x.time > r.time &&
        minutesBetween(x.time, r.time) <= 60,
    );
    let severity: Candidate['severity'] = 'medium';
    const triage: string[] = [];
    if (ownTest) {
      severity = 'informational';
      triage.push(
        `removes a configuration the same principal set ${Math.round(minutesBetween(ownPut.time, r.time))} minute(s) earlier`,
      );
    } else if (logged) {
      severity = 'high';
      triage.push(
        `prompts and responses were being logged in ${region} (${t.n} records in the evidence); they are not after this`,
      );
    } else triage.push('no logged traffic in this Region in the evidence');
    if (restored && !ownTest) {
      severity = 'low';
      triage.push(`logging set again at ${restored.time}`);
    }
    const c: Candidate = {
      ruleId: 'ai-changes.invocation-logging-deleted',
      title: `Model invocation logging deleted in ${region}`,
      description: `${nameOf(r.identityArn)} (${kind}) from ${r.sourceIp} with ${clientOf(r.userAgent)} deleted the invocation logging configuration of ${region}.`,
      severity,
      strength: severity === 'high' || severity === 'medium' ? 'hard' : 'soft',
      ifActor: 'high',
      elements: ['ai-changes'],
      components: ['foundation-models'],
      times: [r.time],
      principals: principalsOf(r),
      accessKeyIds: [r.accessKeyId],
      sourceIps: [r.sourceIp],
      // the configuration is what changed; the bucket it wrote to was not touched (it is named in
      // details.previousConfiguration), so it does not widen the scope
      resources: [],
      attack: ['T1562.008'],
      evidence: { eventIds: [r.eventId, ...(ownTest && ownPut ? [ownPut.eventId] : [])] },
      actors: [actorOf(r)],
      triage,
      details: {
        region,
        loggedRecordsInRegion: t ? Number(t.n) : 0,
        lastLoggedBefore: t ? String(t.last) : null,
        previousConfiguration: prev ? toJson(logDestOf(prev.req)) : null,
      },
    };
    if (!logged) applyContext(c, matchContext(env.entries, subjectOf(r)));
    out.push(c);
  }
  return out;
}

// ---- guardrails ---------------------------------------------------------------------------------------

const STRENGTH: Record<string, number> = { NONE: 0, LOW: 1, MEDIUM: 2, HIGH: 3 };

interface GuardrailConfig {
  /** filter type → input/output strength */
  filters: Map<string, { input: number | null; output: number | null }>;
  topics: Set<string>;
  /** where the configuration was read from */
  source: string;
  version: string | null;
}

function strengthOf(v: unknown): number | null {
  if (v === undefined || v === null) return null;
  const s = String(v).toUpperCase();
  return s in STRENGTH ? STRENGTH[s] : null;
}

/** A guardrail configuration from CloudTrail request/response parameters, if visible. */
function configFromApi(o: Record<string, unknown> | null, source: string): GuardrailConfig | null {
  if (!o) return null;
  const cp = (o.contentPolicyConfig ?? o.contentPolicy ?? null) as Record<string, unknown> | null;
  const tp = (o.topicPolicyConfig ?? o.topicPolicy ?? null) as Record<string, unknown> | null;
  const filters = (cp?.filtersConfig ?? cp?.filters ?? null) as Array<Record<string, unknown>> | null;
  const topics = (tp?.topicsConfig ?? tp?.topics ?? null) as Array<Record<string, unknown>> | null;
  if (!Array.isArray(filters) && !Array.isArray(topics)) return null;
  const cfg: GuardrailConfig = { filters: new Map(), topics: new Set(), source, version: null };
  for (const f of filters ?? [])
    cfg.filters.set(String(f.type), {
      input: strengthOf(f.inputStrength),
      output: strengthOf(f.outputStrength),
    });
  for (const t of topics ?? []) cfg.topics.add(String(t.name));
  return cfg;
}

/** Walks a guardrail trace and collects filter strengths (input and output assessments apart). */
function collectTrace(trace: unknown, cfg: GuardrailConfig, side: 'input' | 'output'): void {
  if (!trace || typeof trace !== 'object') return;
  if (Array.isArray(trace)) {
    for (const x of trace) collectTrace(x, cfg, side);
    return;
  }
  const o = trace as Record<string, unknown>;
  for (const [k, v] of Object.entries(o)) {
    if (k === 'inputAssessment' || k === 'inputAssessments') collectTrace(v, cfg, 'input');
    else if (k === 'outputAssessments' || k === 'outputAssessment') collectTrace(v, cfg, 'output');
    else if (k === 'filters' && Array.isArray(v)) {
      for (const f of v as Array<Record<string, unknown>>) {
        const type = String(f.type ?? '');
        const s = strengthOf(f.filterStrength);
        if (!type || s === null) continue;
        const cur = cfg.filters.get(type) ?? { input: null, output: null };
        cur[side] = cur[side] === null ? s : Math.min(cur[side] as number, s);
        cfg.filters.set(type, cur);
      }
    } else if (k === 'topics' && Array.isArray(v)) {
      for (const t of v as Array<Record<string, unknown>>) if (t.name) cfg.topics.add(String(t.name));
    } else if (v && typeof v === 'object') collectTrace(v, cfg, side);
  }
}

interface VersionUse {
  guardrailId: string;
  version: string;
  first: string;
  last: string;
  n: number;
  intervened: number;
  config: GuardrailConfig;
  sampleRequests: string[];
}

async function guardrailVersionsInUse(env: Env): Promise<Map<string, VersionUse[]>> {
  const stats = await env.db.all(
    `SELECT guardrail_id AS g, coalesce(guardrail_version, 'DRAFT') AS v, count(*) AS n,
            sum(CASE WHEN guardrail_action = 'INTERVENED' THEN 1 ELSE 0 END) AS i,
            ${isoSql('min(time)')} AS first, ${isoSql('max(time)')} AS last
     FROM invocations WHERE guardrail_id IS NOT NULL GROUP BY 1, 2 ORDER BY ALL`,
  );
  const samples = await env.db.all(
    // the first 40 per version, picked on the narrow columns before the assessments are read
    `WITH firsts AS (
       SELECT uid FROM invocations WHERE guardrail_id IS NOT NULL AND guardrail_assessments IS NOT NULL
       QUALIFY row_number() OVER (PARTITION BY guardrail_id, guardrail_version ORDER BY time, uid) <= 40)
     SELECT guardrail_id AS g, coalesce(guardrail_version, 'DRAFT') AS v, request_id, guardrail_assessments AS a
     FROM invocations WHERE uid IN (SELECT uid FROM firsts) ORDER BY g, v, time, uid`,
  );
  const out = new Map<string, VersionUse[]>();
  for (const s of stats) {
    const g = String(s.g);
    const v = String(s.v);
    const cfg: GuardrailConfig = {
      filters: new Map(),
      topics: new Set(),
      source: 'guardrail traces',
      version: v,
    };
    const reqs: string[] = [];
    for (const x of samples.filter((y) => String(y.g) === g && String(y.v) === v)) {
      let a: unknown = x.a;
      if (typeof a === 'string') {
        try {
          a = JSON.parse(a);
        } catch {
          continue;
        }
      }
      collectTrace(a, cfg, 'input');
      if (x.request_id && reqs.length < 5) reqs.push(String(x.request_id));
    }
    if (!out.has(g)) out.set(g, []);
    out.get(g)!.push({
      guardrailId: g,
      version: v,
      first: String(s.first),
      last: String(s.last),
      n: Number(s.n),
      intervened: Number(s.i),
      config: cfg,
      sampleRequests: reqs,
    });
  }
  for (const list of out.values()) list.sort((a, b) => a.first.localeCompare(b.first));
  return out;
}

const LEVEL = ['NONE', 'LOW', 'MEDIUM', 'HIGH'];

interface GuardrailDiff {
  lowered: string[];
  raised: string[];
  removedTopics: string[];
  addedTopics: string[];
}

function diffConfigs(before: GuardrailConfig, after: GuardrailConfig): GuardrailDiff {
  const d: GuardrailDiff = { lowered: [], raised: [], removedTopics: [], addedTopics: [] };
  const types = new Set([...before.filters.keys(), ...after.filters.keys()]);
  for (const t of types) {
    const b = before.filters.get(t);
    const a = after.filters.get(t) ?? (after.filters.size ? { input: 0, output: 0 } : undefined);
    if (!b || !a) continue;
    for (const side of ['input', 'output'] as const) {
      const x = b[side];
      const y = a[side];
      if (x === null || y === null) continue;
      if (y < x) d.lowered.push(`${t} ${side} ${LEVEL[x]} → ${LEVEL[y]}`);
      else if (y > x) d.raised.push(`${t} ${side} ${LEVEL[x]} → ${LEVEL[y]}`);
    }
  }
  // topics: only a configuration read from the API lists every topic; traces list the detected ones
  if (before.source !== 'guardrail traces' && after.source !== 'guardrail traces') {
    for (const t of before.topics) if (!after.topics.has(t)) d.removedTopics.push(t);
    for (const t of after.topics) if (!before.topics.has(t)) d.addedTopics.push(t);
  }
  return d;
}

const cfgJson = (c: GuardrailConfig | null): Json =>
  c
    ? {
        source: c.source,
        version: c.version,
        filters: Object.fromEntries(
          [...c.filters].map(([k, v]) => [
            k,
            {
              input: v.input === null ? null : LEVEL[v.input],
              output: v.output === null ? null : LEVEL[v.output],
            },
          ]),
        ),
        topics: [...c.topics].sort(),
      }
    : null;

/** Guardrail updates, new versions and deletions, with the filters before and after. */
export async function guardrailChanges(env: Env): Promise<Candidate[]> {
  const rows = await loadEvents(
    env.db,
    `service = 'bedrock.amazonaws.com' AND action IN ('CreateGuardrail', 'UpdateGuardrail', 'CreateGuardrailVersion',
       'DeleteGuardrail', 'GetGuardrail') AND error_code IS NULL`,
  );
  const uses = await guardrailVersionsInUse(env);
  const known = new Map<string, GuardrailConfig>();
  const changes = rows.filter((r) => r.action !== 'GetGuardrail' && r.action !== 'CreateGuardrail');
  for (const r of rows) {
    if (r.action === 'CreateGuardrail') {
      const id = String(r.resp?.guardrailId ?? '');
      const cfg = configFromApi(r.req, 'CreateGuardrail request');
      if (id && cfg) known.set(id, cfg);
    }
  }
  // group an update with the version created from it (same actor, same guardrail, within an hour)
  const groups = burstsOf(
    changes,
    (a, b) => gid(a) === gid(b) && a.identityArn === b.identityArn && a.action !== 'DeleteGuardrail',
    60,
  );
  const out: Candidate[] = [];
  for (const g of groups) {
    const r0 = g[0];
    const id = gid(r0);
    const kind = env.base.kindOf(r0.identityArn);
    const versionRow = g.find((r) => r.action === 'CreateGuardrailVersion');
    const newVersion = versionRow ? String(versionRow.resp?.version ?? '') : null;
    const update = g.find((r) => r.action === 'UpdateGuardrail');
    // before: the configuration last known from the API, else the version in use just before
    const apiBefore = rows
      .filter(
        (r) =>
          gid(r) === id &&
          r.time < r0.time &&
          (r.action === 'UpdateGuardrail' || r.action === 'CreateGuardrail' || r.action === 'GetGuardrail'),
      )
      .map((r) => configFromApi(r.action === 'GetGuardrail' ? r.resp : r.req, `${r.action} at ${r.time}`))
      .filter((c): c is GuardrailConfig => !!c)
      .pop();
    const apiAfter = update ? configFromApi(update.req, 'UpdateGuardrail request') : null;
    const versions = uses.get(id) ?? [];
    const usedAfter = newVersion ? versions.find((v) => v.version === newVersion) : undefined;
    const usedBefore = versions
      .filter((v) => v.version !== newVersion && v.first < (usedAfter?.first ?? r0.time))
      .sort((a, b) => a.last.localeCompare(b.last))
      .pop();
    const before = apiBefore ?? known.get(id) ?? usedBefore?.config ?? null;
    const after = apiAfter ?? usedAfter?.config ?? null;
    const diff = before && after ? diffConfigs(before, after) : null;
    const weakened = !!diff && (diff.lowered.length > 0 || diff.removedTopics.length > 0);
    const deleted = r0.action === 'DeleteGuardrail';
    const inUse = versions.length > 0;
    let severity: Candidate['severity'] = 'low';
    let strength: Candidate['strength'] = 'soft';
    const triage: string[] = [];
    if (weakened) {
      severity = 'high';
      strength = 'hard';
      triage.push(
        `protections lowered: ${[...diff.lowered, ...diff.removedTopics.map((t) => `topic ${t} removed`)].join('; ')}`,
      );
    } else if (deleted) {
      severity = inUse ? 'medium' : 'low';
      strength = inUse ? 'hard' : 'soft';
      triage.push(
        inUse ? 'the guardrail was in use by model invocations' : 'no invocation in the evidence used it',
      );
    } else if (diff) {
      severity = 'informational';
      triage.push(diff.raised.length ? `protections raised: ${diff.raised.join('; ')}` : 'no filter lowered');
    } else
      triage.push(
        'configuration not visible before and after (CloudTrail redacts it; no traces of both versions)',
      );
    if (usedAfter)
      triage.push(
        `version ${newVersion} served ${usedAfter.n} invocations from ${usedAfter.first} (${usedAfter.intervened} interventions)`,
      );
    const c: Candidate = {
      ruleId: deleted ? 'ai-changes.guardrail-deleted' : 'ai-changes.guardrail-changed',
      title: deleted
        ? `Guardrail ${id} deleted`
        : weakened
          ? `Guardrail ${id} weakened${newVersion ? ` (version ${newVersion})` : ''}`
          : `Guardrail ${id} ${newVersion ? `version ${newVersion} created` : 'updated'}`,
      description:
        `${nameOf(r0.identityArn)} (${kind}) from ${r0.sourceIp} with ${clientOf(r0.userAgent)}: ` +
        g.map((r) => r.action).join(', ') +
        (diff
          ? `. Compared with ${before?.source}${before?.version ? ` (version ${before.version})` : ''}: ` +
            `${diff.lowered.length ? `lowered ${diff.lowered.join(', ')}` : 'nothing lowered'}` +
            `${diff.raised.length ? `; raised ${diff.raised.join(', ')}` : ''}` +
            `${diff.removedTopics.length ? `; topics removed ${diff.removedTopics.join(', ')}` : ''}`
          : '') +
        '.',
      severity,
      strength,
      ifActor: 'high',
      elements: ['ai-changes'],
      components: ['guardrails'],
      times: g.map((r) => r.time),
      principals: [...new Set(g.flatMap(principalsOf))],
      accessKeyIds: [...new Set(g.map((r) => r.accessKeyId))],
      sourceIps: [...new Set(g.map((r) => r.sourceIp))],
      resources: [id, update?.resp?.guardrailArn as string | undefined],
      attack: weakened || deleted ? ['T1562.001', 'AML.T0054'] : [],
      evidence: { eventIds: ids(g) },
      actors: g.map(actorOf),
      triage,
      details: {
        guardrailId: id,
        newVersion,
        before: cfgJson(before),
        after: cfgJson(after),
        diff: diff ? toJson(diff) : null,
        versionsInUse: versions.map((v) => ({
          version: v.version,
          first: v.first,
          last: v.last,
          invocations: v.n,
        })),
        proofRequestIds: usedAfter?.sampleRequests ?? [],
        actorKind: kind,
      },
    };
    if (!weakened)
      applyContext(
        c,
        matchContext(env.entries, {
          ...subjectOf(r0),
          targets: [id, newVersion ? `version ${newVersion}` : null],
          pipeline: isPipelineRow(env, r0),
        }),
      );
    else {
      const m = matchContext(env.entries, {
        ...subjectOf(r0),
        targets: [id],
        pipeline: isPipelineRow(env, r0),
      });
      if (m)
        triage.push(
          `inside ${m.ticket}'s window, but the change lowers protections the ticket does not mention lowering`,
        );
    }
    out.push(c);
  }
  return out;
}

function gid(r: CtRow): string {
  const v = String(r.req?.guardrailIdentifier ?? r.resp?.guardrailId ?? r.req?.guardrailId ?? '');
  const m = /guardrail\/([^/:]+)/.exec(v);
  return m ? m[1] : v;
}

// ---- models ---------------------------------------------------------------------------------------------

/** Model-access requests (use-case form, model agreements), grouped per actor within 30 minutes. */
export async function modelAccess(env: Env): Promise<Candidate[]> {
  const rows = await loadEvents(
    env.db,
    `action IN ('PutUseCaseForModelAccess', 'CreateFoundationModelAgreement', 'DeleteFoundationModelAgreement',
       'PutFoundationModelEntitlement') AND error_code IS NULL`,
  );
  const groups = burstsOf(rows, (a, b) => a.identityArn === b.identityArn && a.sourceIp === b.sourceIp, 30);
  return groups.map((g) => {
    const r0 = g[0];
    const kind = env.base.kindOf(r0.identityArn);
    const models = [...new Set(g.map((r) => String(r.req?.modelId ?? '')).filter(Boolean))];
    const c: Candidate = {
      ruleId: 'ai-changes.model-access-enabled',
      title: `Model access requested by ${nameOf(r0.identityArn)}${models.length ? `: ${models.join(', ')}` : ''}`,
      description:
        `${nameOf(r0.identityArn)} (${kind}) from ${r0.sourceIp} with ${clientOf(r0.userAgent)}: ` +
        g.map((r) => `${r.action} (${r.region})`).join(', ') +
        '.',
      severity: kind === 'human' || kind === 'pipeline' ? 'informational' : 'low',
      strength: 'soft',
      ifActor: 'high',
      elements: ['ai-changes'],
      components: ['foundation-models'],
      times: g.map((r) => r.time),
      principals: [...new Set(g.flatMap(principalsOf))],
      accessKeyIds: [r0.accessKeyId],
      sourceIps: [r0.sourceIp],
      resources: models,
      attack: ['T1496'],
      evidence: { eventIds: ids(g) },
      actors: g.map(actorOf),
      triage: [
        kind === 'human' ? 'an administrator enabling models is routine' : `requested by a ${kind} principal`,
      ],
      details: { regions: [...new Set(g.map((r) => r.region ?? ''))], actorKind: kind },
    };
    applyContext(c, matchContext(env.entries, { ...subjectOf(r0), targets: models }));
    return c;
  });
}

/** Provisioned throughput purchases: commitment and size say how much money is at stake. */
export async function provisionedThroughput(env: Env): Promise<Candidate[]> {
  const rows = await loadEvents(
    env.db,
    `action IN ('CreateProvisionedModelThroughput', 'UpdateProvisionedModelThroughput') AND error_code IS NULL`,
  );
  const deletes = await loadEvents(
    env.db,
    `action = 'DeleteProvisionedModelThroughput' AND error_code IS NULL`,
  );
  const out: Candidate[] = [];
  for (const r of rows) {
    const kind = env.base.kindOf(r.identityArn);
    const units = Number(r.req?.modelUnits ?? 0);
    const commitment = r.req?.commitmentDuration ? String(r.req.commitmentDuration) : null;
    const arn = String(r.resp?.provisionedModelArn ?? r.req?.provisionedModelId ?? '');
    const model = String(r.req?.modelId ?? r.req?.desiredModelId ?? '');
    const removed = deletes.find((d) => String(d.req?.provisionedModelId ?? '') === arn && d.time > r.time);
    const costly = !!commitment || units >= 5;
    const c: Candidate = {
      ruleId: 'ai-changes.provisioned-throughput',
      title: `Provisioned throughput ${String(r.req?.provisionedModelName ?? arn)}: ${units} unit(s)${commitment ? `, ${commitment} commitment` : ', no commitment'}`,
      description:
        `${nameOf(r.identityArn)} (${kind}) from ${r.sourceIp} bought provisioned throughput for ${model}` +
        (removed ? `; deleted at ${removed.time}` : '; not deleted in the evidence') +
        '.',
      severity: costly && !removed ? 'medium' : 'low',
      strength: costly && !removed ? 'hard' : 'soft',
      ifActor: 'high',
      elements: ['ai-changes'],
      components: ['custom-models'],
      times: [r.time],
      principals: principalsOf(r),
      accessKeyIds: [r.accessKeyId],
      sourceIps: [r.sourceIp],
      resources: [arn, model],
      attack: ['T1496'],
      evidence: { eventIds: [r.eventId] },
      actors: [actorOf(r)],
      triage: [
        costly
          ? 'term commitment or many model units: a large, lasting charge'
          : 'one unit without commitment',
        ...(removed ? ['deleted again within the window'] : []),
      ],
      details: { modelUnits: units, commitment, modelId: model, provisionedModelArn: arn, actorKind: kind },
    };
    applyContext(
      c,
      matchContext(env.entries, {
        ...subjectOf(r),
        targets: [arn, model, String(r.req?.provisionedModelName ?? '')],
        pipeline: isPipelineRow(env, r),
      }),
      costly ? 'low' : 'informational',
    );
    out.push(c);
  }
  return out;
}

// the jobs themselves (customisation, import, copy, batch inference, evaluation) are judged in
// model-jobs.ts, by their data locations, role and origin
const CUSTOM_JOBS = [
  'CreateCustomModel',
  'DeleteCustomModel',
  'DeleteImportedModel',
  'StopModelCustomizationJob',
];

/** Customisation, import and copy jobs: which data went in, which model came out. */
export async function customModelJobs(env: Env): Promise<Candidate[]> {
  const rows = await loadEvents(env.db, `action IN (${actionList(CUSTOM_JOBS)}) AND error_code IS NULL`);
  return rows.map((r) => {
    const kind = env.base.kindOf(r.identityArn);
    const p = r.req ?? {};
    const training = String((p.trainingDataConfig as Record<string, unknown> | undefined)?.s3Uri ?? '');
    const validation = (
      ((p.validationDataConfig as Record<string, unknown> | undefined)?.validators ?? []) as Array<
        Record<string, unknown>
      >
    ).map((v) => String(v.s3Uri ?? ''));
    const output = String((p.outputDataConfig as Record<string, unknown> | undefined)?.s3Uri ?? '');
    const name = String(
      p.customModelName ?? p.importedModelName ?? p.targetModelName ?? p.modelIdentifier ?? '',
    );
    const job = String(r.resp?.jobArn ?? r.resp?.modelArn ?? '');
    const c: Candidate = {
      ruleId: 'ai-changes.custom-model-job',
      title: `${r.action} ${name || job} by ${nameOf(r.identityArn)}`,
      description:
        `${nameOf(r.identityArn)} (${kind}) from ${r.sourceIp}: ${r.action}` +
        (training ? ` on ${training}` : '') +
        (validation.length ? ` (validation ${validation.join(', ')})` : '') +
        (output ? `, output ${output}` : '') +
        (p.baseModelIdentifier ? `, base ${String(p.baseModelIdentifier)}` : '') +
        '.',
      severity:
        kind === 'workload' || kind === 'service-user' || kind === 'unknown' ? 'low' : 'informational',
      strength: 'soft',
      ifActor: 'high',
      elements: ['ai-changes'],
      components: ['custom-models', ...(training ? (['training-data'] as const) : [])],
      times: [r.time],
      principals: principalsOf(r),
      accessKeyIds: [r.accessKeyId],
      sourceIps: [r.sourceIp],
      resources: [job, name, bucketOf(training), ...validation.map(bucketOf)],
      attack: ['AML.T0020', 'AML.T0018'],
      evidence: { eventIds: [r.eventId] },
      actors: [actorOf(r)],
      triage: [`${kind} principal`],
      details: {
        trainingData: training || null,
        validationData: validation,
        output: output || null,
        baseModel: (p.baseModelIdentifier as string) ?? null,
        customizationRole: (p.roleArn as string) ?? null,
        hyperParameters: toJson(p.hyperParameters ?? null),
      },
    };
    applyContext(
      c,
      matchContext(env.entries, {
        ...subjectOf(r),
        targets: [name, job, bucketOf(training)],
        pipeline: isPipelineRow(env, r),
      }),
    );
    return c;
  });
}

export function bucketOf(uri: string | null | undefined): string | null {
  const m = /^s3:\/\/([^/]+)/.exec(uri ?? '');
  if (m) return m[1];
  const a = /^arn:aws[a-z-]*:s3:::([^/]+)/.exec(uri ?? '');
  return a ? a[1] : null;
}

// ---- agents, prompts, flows -------------------------------------------------------------------------

const AGENT_CHANGES = [
  'CreateAgent',
  'UpdateAgent',
  'DeleteAgent',
  'CreateAgentActionGroup',
  'UpdateAgentActionGroup',
  'DeleteAgentActionGroup',
  'CreateAgentAlias',
  'UpdateAgentAlias',
  'DeleteAgentAlias',
  'AssociateAgentKnowledgeBase',
  'DisassociateAgentKnowledgeBase',
  'UpdateAgentKnowledgeBase',
  'AssociateAgentCollaborator',
  'UpdateAgentCollaborator',
  'CreatePrompt',
  'UpdatePrompt',
  'CreatePromptVersion',
  'DeletePrompt',
  'CreateFlow',
  'UpdateFlow',
  'CreateFlowVersion',
  'CreateFlowAlias',
  'UpdateFlowAlias',
  'DeleteFlow',
];

/**
 * The built-in capability an action-group create or update switches on (`parentActionGroupSignature`):
 * AMAZON.CodeInterpreter lets the agent write and run code, AMAZON.UserInput lets it ask the user.
 */
export function agentCapabilityOf(r: CtRow): string | null {
  if (r.action !== 'CreateAgentActionGroup' && r.action !== 'UpdateAgentActionGroup') return null;
  const resp = (r.resp?.agentActionGroup ?? null) as Record<string, unknown> | null;
  for (const v of [
    r.req?.parentActionGroupSignature,
    r.req?.parentActionSignature,
    resp?.parentActionSignature,
    resp?.parentActionGroupSignature,
  ])
    if (typeof v === 'string' && /^AMAZON\.\w+$/.test(v)) {
      const state = r.req?.actionGroupState ?? resp?.actionGroupState;
      return state === 'DISABLED' ? null : v;
    }
  return null;
}

const CAPABILITY_TEXT: Record<string, string> = {
  'AMAZON.CodeInterpreter': 'code interpretation (the agent writes and runs code)',
  'AMAZON.UserInput': 'user input (the agent asks the user for missing details)',
};

/** Memory kept this many days or more is long-lived (the service default is 30). */
export const MEMORY_LONG_DAYS = 90;

/** The memory an agent create or update switches on (memoryConfiguration), if any. */
export function memoryOfChange(
  r: Pick<CtRow, 'req' | 'resp'>,
): { types: string[]; days: number | null } | null {
  const agent = (r.resp?.agent ?? null) as Record<string, unknown> | null;
  const mc = (r.req?.memoryConfiguration ?? agent?.memoryConfiguration ?? null) as Record<
    string,
    unknown
  > | null;
  if (!mc || typeof mc !== 'object') return null;
  const types = Array.isArray(mc.enabledMemoryTypes) ? mc.enabledMemoryTypes.map(String).filter(Boolean) : [];
  if (!types.length) return null;
  const d = Number(mc.storageDays);
  return { types: [...new Set(types)].sort(), days: Number.isFinite(d) ? d : null };
}

function agentKey(r: CtRow): string {
  const p = r.req ?? {};
  return String(p.agentId ?? p.promptIdentifier ?? p.flowIdentifier ?? r.resp?.agentId ?? r.resp?.id ?? '');
}

/** Agent, action-group, alias, prompt and flow changes, per actor and resource within an hour. */
export async function agentChanges(env: Env): Promise<Candidate[]> {
  const rows = await loadEvents(env.db, `action IN (${actionList(AGENT_CHANGES)}) AND error_code IS NULL`);
  const history = await loadEvents(env.db, `action IN ('CreateAgent', 'UpdateAgent') AND error_code IS NULL`);
  const groups = burstsOf(rows, (a, b) => agentKey(a) === agentKey(b) && a.identityArn === b.identityArn, 60);
  const out: Candidate[] = [];
  for (const g of groups) {
    const r0 = g[0];
    const kind = env.base.kindOf(r0.identityArn);
    const key = agentKey(r0);
    const pipeline = isPipelineRow(env, r0);
    const unusual = kind === 'workload' || kind === 'service-user' || kind === 'unknown';
    // instruction before/after when CloudTrail shows it
    const upd = g.find((r) => r.action === 'UpdateAgent' && r.req?.instruction);
    const prev = upd
      ? history.filter((h) => agentKey(h) === key && h.time < upd.time && h.req?.instruction).pop()
      : undefined;
    const visible = (s: unknown): boolean => !!s && !/HIDDEN_DUE_TO_SECURITY_REASONS/.test(String(s));
    const instructionChanged =
      upd && prev && visible(upd.req?.instruction) && visible(prev.req?.instruction)
        ? upd.req?.instruction !== prev.req?.instruction
        : null;
    const executors = g
      .map((r) => (r.req?.actionGroupExecutor as Record<string, unknown> | undefined)?.lambda)
      .filter(Boolean)
      .map(String);
    // a built-in capability switched on: what the agent can do changes, not only how it is configured
    const capabilities = [...new Set(g.map(agentCapabilityOf).filter((x): x is string => !!x))].sort();
    const code = capabilities.includes('AMAZON.CodeInterpreter');
    // memory switched on: the agent keeps summaries of users' sessions and recalls them in later ones
    const memUpd = g.find(
      (r) => (r.action === 'UpdateAgent' || r.action === 'CreateAgent') && memoryOfChange(r),
    );
    const memory = memUpd ? memoryOfChange(memUpd) : null;
    const memBefore = memUpd
      ? history
          .filter((h) => agentKey(h) === key && h.time < memUpd.time && h.eventId !== memUpd.eventId)
          .pop()
      : undefined;
    // with no earlier configuration in the evidence, the agent's sessions before the change tell whether
    // memory was already in use (InvokeAgent calls carry a memoryId only then)
    let recallBefore: { with: number; without: number } | null = null;
    if (memory && memUpd?.action === 'UpdateAgent' && !memBefore) {
      const r = await env.db.all(
        `SELECT count(*) FILTER (WHERE json_extract_string(request_parameters, '$.memoryId') IS NOT NULL) AS w,
                count(*) FILTER (WHERE json_extract_string(request_parameters, '$.memoryId') IS NULL) AS wo
         FROM events WHERE action = 'InvokeAgent' AND error_code IS NULL
           AND json_extract_string(request_parameters, '$.agentId') = $1 AND time < CAST($2 AS TIMESTAMP)`,
        [key, sqlTime(memUpd.time)],
      );
      recallBefore = { with: Number(r[0]?.w ?? 0), without: Number(r[0]?.wo ?? 0) };
    }
    const memoryEnabled =
      !!memory &&
      (memUpd?.action === 'CreateAgent' ||
        (memBefore
          ? !memoryOfChange(memBefore)
          : !!recallBefore && recallBefore.with === 0 && recallBefore.without > 0));
    const longMemory = memoryEnabled && (memory?.days ?? 30) >= MEMORY_LONG_DAYS;
    // judged with its actor: a workload or unknown principal switching on code execution is high; a
    // person outside the release pipeline low; the pipeline informational
    // a person switching on long-retention memory outside the pipeline: medium unless a planned change covers it
    const severity: Candidate['severity'] = unusual
      ? code
        ? 'high'
        : 'medium'
      : longMemory && !pipeline && kind !== 'service'
        ? 'medium'
        : (capabilities.length || memoryEnabled) && !pipeline && kind !== 'service'
          ? 'low'
          : 'informational';
    const c: Candidate = {
      ruleId: 'ai-changes.agent-change',
      title: `${capabilities.length ? `${capabilities.join(', ')} enabled on agent ${key}: ` : ''}${memoryEnabled ? `memory (${memory?.types.join(', ')}, ${memory?.days ?? 30} days) enabled on agent ${key}: ` : ''}${[...new Set(g.map((r) => r.action))].join(', ')} ${key} by ${nameOf(r0.identityArn)}`,
      description:
        `${nameOf(r0.identityArn)} (${kind}) from ${r0.sourceIp}: ${g.map((r) => r.action).join(', ')}` +
        (capabilities.length
          ? `; switched on ${capabilities.map((x) => CAPABILITY_TEXT[x] ?? x).join(' and ')}${pipeline ? '' : ', outside the deployment pipeline'}`
          : '') +
        (memoryEnabled
          ? `; switched on agent memory (${memory?.types.join(', ')}, kept ${memory?.days ?? 30} days${memBefore ? '' : `; none of the ${recallBefore?.without ?? 0} earlier sessions recalled memory`}): summaries of users' sessions are recalled into later sessions, so an instruction injected once persists`
          : '') +
        (instructionChanged ? '; the agent instruction changed' : '') +
        (executors.length ? `; action group executor ${executors.join(', ')}` : '') +
        '.',
      severity,
      strength: unusual || severity !== 'informational' ? 'hard' : 'soft',
      ifActor: 'high',
      elements: ['ai-changes'],
      components: ['agents', ...(executors.length ? (['plugins'] as const) : [])],
      times: g.map((r) => r.time),
      principals: [...new Set(g.flatMap(principalsOf))],
      accessKeyIds: [r0.accessKeyId],
      sourceIps: [r0.sourceIp],
      resources: [key, ...executors],
      attack: unusual ? ['AML.T0051', 'T1525', ...(code ? ['AML.T0053'] : [])] : [],
      evidence: { eventIds: ids(g) },
      actors: [actorOf(r0)],
      triage: [pipeline ? 'deployment pipeline release' : `${kind} principal`],
      details: {
        capabilitiesEnabled: capabilities,
        memoryEnabled: memoryEnabled
          ? { types: memory?.types ?? [], storageDays: memory?.days ?? null }
          : null,
        instructionBefore: visible(prev?.req?.instruction) ? String(prev?.req?.instruction) : null,
        instructionAfter: visible(upd?.req?.instruction) ? String(upd?.req?.instruction) : null,
        foundationModel: (g.find((r) => r.req?.foundationModel)?.req?.foundationModel as string) ?? null,
        actionGroupExecutors: executors,
      },
    };
    applyContext(c, matchContext(env.entries, { ...subjectOf(r0), targets: [key], pipeline }));
    out.push(c);
  }
  return out;
}

/** Functions that agents call (action-group executors), learnt from agent configuration records. */
export async function agentPluginFunctions(env: Env): Promise<Set<string>> {
  const rows = await env.db.all(
    `SELECT coalesce(json_extract_string(request_parameters, '$.actionGroupExecutor.lambda'), json_extract_string(response_elements, '$.agentActionGroup.actionGroupExecutor.lambda')) AS fn
     FROM events WHERE action LIKE '%AgentActionGroup%'`,
  );
  const out = new Set<string>();
  for (const r of rows) {
    const m = /function:([^:]+)/.exec(String(r.fn ?? ''));
    if (m) out.add(m[1]);
  }
  return out;
}

// ---- Parameter Store model ids ----------------------------------------------------------------------------

const MODEL_PARAM = /model|llm|bedrock|inference|guardrail|prompt|agent/i;
const RUNTIME_CALLS = ['InvokeModel', 'InvokeModelWithResponseStream', 'Converse', 'ConverseStream'];

/**
 * Parameter Store values that name models (the application reads its model id there), and the
 * application's switch to a model it had not used before the change.
 */
export async function modelParameters(env: Env): Promise<Candidate[]> {
  const rows = (
    await loadEvents(
      env.db,
      `service = 'ssm.amazonaws.com' AND action IN ('PutParameter', 'DeleteParameter', 'DeleteParameters', 'LabelParameterVersion')
       AND error_code IS NULL`,
    )
  ).filter((r) => MODEL_PARAM.test(String(r.req?.name ?? JSON.stringify(r.req?.names ?? ''))));
  const out: Candidate[] = [];
  for (const r of rows) {
    const name = paramNameOf(r);
    const kind = env.base.kindOf(r.identityArn);
    const pipeline = isPipelineRow(env, r);
    // applications whose model changed within a day after; a model the application first called
    // after the parameter changed again is that next change's doing
    const nextChange =
      rows
        .filter((o) => o.time > r.time && paramNameOf(o) === name)
        .map((o) => o.time)
        .sort()[0] ?? null;
    const switched = await env.db.all(
      `WITH calls AS (
         SELECT identity_arn AS id, coalesce(json_extract_string(request_parameters, '$.modelId'), '') AS model, time,
                coalesce(event_id, uid) AS eid
         FROM events WHERE action IN (${actionList(RUNTIME_CALLS)}) AND error_code IS NULL AND identity_arn IS NOT NULL
           AND identity_arn <> $1),
       before AS (SELECT DISTINCT id, model FROM calls WHERE time < CAST($2 AS TIMESTAMP)),
       apps AS (SELECT id FROM calls WHERE time < CAST($2 AS TIMESTAMP) GROUP BY 1 HAVING count(*) >= 20)
       SELECT c.id, c.model, count(*) AS n, list(c.eid ORDER BY c.time, c.eid) AS eids, ${isoSql('min(c.time)')} AS first
       FROM calls c JOIN apps a ON a.id = c.id
       WHERE c.time >= CAST($2 AS TIMESTAMP) AND c.time <= CAST($2 AS TIMESTAMP) + INTERVAL 1 DAY
         AND NOT EXISTS (SELECT 1 FROM before b WHERE b.id = c.id AND b.model = c.model)
       GROUP BY 1, 2 HAVING min(c.time) < CAST($3 AS TIMESTAMP) ORDER BY 1, 2`,
      [r.identityArn ?? '', sqlTime(r.time), nextChange ? sqlTime(nextChange) : '9999-12-31 00:00:00'],
    );
    // applications are workloads (people trying a model in the playground are not a switch)
    const newModels = switched.filter((s) => s.model && env.base.kindOf(String(s.id)) === 'workload');
    const appEvents = newModels.flatMap((s) => ((s.eids as unknown[]) ?? []).map(String));
    const unusual = kind === 'workload' || kind === 'service-user' || kind === 'unknown';
    const custom = newModels.some((s) =>
      /provisioned-model|custom-model|imported-model/.test(String(s.model)),
    );
    let severity: Candidate['severity'] = pipeline ? 'informational' : 'low';
    let strength: Candidate['strength'] = 'soft';
    if (unusual && newModels.length) {
      severity = 'medium';
      strength = 'hard';
    }
    const triage = [
      pipeline ? 'deployment pipeline' : `${kind} principal`,
      newModels.length
        ? `afterwards ${newModels.map((s) => `${nameOf(String(s.id))} called ${s.model} (${s.n} times from ${s.first})`).join('; ')}`
        : 'no application changed model afterwards',
    ];
    if (custom) triage.push('the application now calls a customised or provisioned model');
    const c: Candidate = {
      ruleId: 'ai-changes.model-parameter-changed',
      title: `Parameter ${name} changed by ${nameOf(r.identityArn)}${newModels.length ? ': the application switched model' : ''}`,
      description:
        `${nameOf(r.identityArn)} (${kind}) from ${r.sourceIp} called ${r.action} on ${name}` +
        (r.resp?.version ? ` (version ${String(r.resp.version)})` : '') +
        '.',
      severity,
      strength,
      ifActor: 'high',
      elements: ['ai-changes'],
      components: custom ? ['custom-models', 'foundation-models'] : ['foundation-models'],
      times: [r.time],
      principals: [...principalsOf(r), ...newModels.map((s) => String(s.id))],
      accessKeyIds: [r.accessKeyId],
      sourceIps: [r.sourceIp],
      resources: [name, ...newModels.map((s) => String(s.model))],
      attack: ['AML.T0018', 'T1565.001'],
      evidence: { eventIds: [r.eventId, ...appEvents] },
      actors: [actorOf(r)],
      triage,
      details: {
        parameter: name,
        version: (r.resp?.version as Json) ?? null,
        applicationModels: newModels.map((s) => ({
          principal: String(s.id),
          model: String(s.model),
          calls: Number(s.n),
          first: String(s.first),
        })),
      },
    };
    applyContext(c, matchContext(env.entries, { ...subjectOf(r), targets: [name], pipeline }));
    out.push(c);
  }
  return out;
}

function paramNameOf(r: CtRow): string {
  return String(r.req?.name ?? (r.req?.names as string[] | undefined)?.join(', ') ?? '');
}

/** Resource-based policies on Bedrock resources. */
export async function bedrockResourcePolicies(env: Env): Promise<Candidate[]> {
  const rows = await loadEvents(
    env.db,
    `service LIKE 'bedrock%' AND action IN ('PutResourcePolicy', 'DeleteResourcePolicy') AND error_code IS NULL`,
  );
  return rows.map((r) => {
    const kind = env.base.kindOf(r.identityArn);
    const text = JSON.stringify(r.req ?? {});
    const open = /"Principal"\s*:\s*"\*"|"AWS"\s*:\s*"\*"/.test(text);
    const c: Candidate = {
      ruleId: 'ai-changes.bedrock-resource-policy',
      title: `Resource policy ${r.action === 'PutResourcePolicy' ? 'set' : 'deleted'} on a Bedrock resource`,
      description: `${nameOf(r.identityArn)} (${kind}) from ${r.sourceIp}: ${r.action}${open ? ' granting any principal' : ''}.`,
      severity: open ? 'medium' : 'low',
      strength: open ? 'hard' : 'soft',
      ifActor: 'high',
      elements: ['ai-changes'],
      times: [r.time],
      principals: principalsOf(r),
      accessKeyIds: [r.accessKeyId],
      sourceIps: [r.sourceIp],
      resources: [String(r.req?.resourceArn ?? '')],
      attack: ['T1098'],
      evidence: { eventIds: [r.eventId] },
      actors: [actorOf(r)],
      triage: [open ? 'policy open to any principal' : `${kind} principal`],
    };
    applyContext(c, matchContext(env.entries, subjectOf(r)));
    return c;
  });
}
