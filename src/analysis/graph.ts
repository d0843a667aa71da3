/**
 * Entity graph (`report.graph`, shape in docs/reports.md): the actor's principals, access keys and
 * sessions, addresses, the resources the actor touched and the incident findings, with edges
 * key→principal (key of / session of), address→key (used from), principal→session key
 * (AssumeRole), session key→role (assumed), principal→resource (changed / read / invoked, with
 * counts), client address→application role (client of) and finding→entity. Bounded to MAX_NODES
 * nodes: S3 objects collapse into their bucket past five per bucket, and past the bound the least
 * connected resources are left out and counted in one summary node. Node ids are `type:value`.
 */
import { type IdentityOf, loadIdentityOf } from '../engine/principal-names.js';
import type { Finding } from '../model/types.js';
import type { EntityGraph } from '../report/extras.js';
import { isoSql, type Queryable } from '../store/case-store.js';
import { classifyApi } from './api-elements.js';
import { modelFamilyId, RUNTIME_ACTIONS, shortName } from './baselines.js';
import { ACTOR_TABLE, incidentFinding } from './charts.js';
import { resourcesOfEvent } from './resources.js';
import { isIp, type ScopeResult } from './scope.js';

export type { EntityGraph };

export const MAX_NODES = 300;
const MAX_FINDINGS = 40;
const OBJECTS_PER_BUCKET = 5;

type Node = EntityGraph['nodes'][number];

const str = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));
const RUNTIME = new Set<string>(RUNTIME_ACTIONS);
/** edges that state a relation, not activity: drawn without a count */
const RELATIONS = new Set(['key of', 'session of', 'assumed', 'names']);

/** A resource value's type and canonical id (guardrail/KB/agent ids out of their ARNs, S3 ARNs as bucket/key). */
function resourceNode(
  value: string,
  action: string,
  service: string,
  identityOf: IdentityOf,
  hints: Map<string, string> = new Map(),
): { type: string; key: string; label: string } {
  const arn = /^arn:aws[a-z-]*:([a-z0-9-]+):[^:]*:[^:]*:(.*)$/.exec(value);
  if (arn) {
    const [, svc, rest] = arn;
    if (svc === 's3') return { type: 'resource', key: `s3:${rest}`, label: rest! };
    if (svc === 'iam') {
      const t = rest!.startsWith('user/') ? 'user' : rest!.startsWith('role/') ? 'role' : 'resource';
      const id = identityOf(value) ?? value;
      return { type: t, key: id, label: shortName(id) };
    }
    if (svc === 'lambda') {
      const name = /function:([^:]+)/.exec(rest!)?.[1] ?? rest!;
      return { type: 'function', key: `function:${name}`, label: name };
    }
    if (svc === 'bedrock') {
      const m = /^([a-z-]+)\/(.+)$/.exec(rest!);
      const kind = m?.[1] ?? '';
      const id = m?.[2] ?? rest!;
      if (kind === 'guardrail')
        return { type: 'guardrail', key: `guardrail:${id}`, label: `guardrail ${id}` };
      if (kind === 'knowledge-base')
        return { type: 'knowledge-base', key: `knowledge-base:${id}`, label: `knowledge base ${id}` };
      if (kind === 'agent' || kind === 'agent-alias')
        return { type: 'agent', key: `agent:${id}`, label: `agent ${id}` };
      if (/model|inference-profile/.test(kind)) {
        const fam = modelFamilyId(value);
        return { type: 'model', key: `model:${fam}`, label: fam };
      }
      return { type: 'resource', key: `bedrock:${rest}`, label: rest! };
    }
    return { type: 'resource', key: value, label: rest! };
  }
  if (/^s3:\/\//.test(value)) {
    const rest = value.slice(5);
    return { type: 'resource', key: `s3:${rest}`, label: rest };
  }
  if (
    /^(anthropic|amazon|meta|mistral|cohere|ai21|deepseek|writer|stability|us|eu|apac|global)\.[a-z0-9.-]+/.test(
      value,
    )
  ) {
    const fam = modelFamilyId(value);
    return { type: 'model', key: `model:${fam}`, label: fam };
  }
  // bare ids: typed by what the evidence knows them as, else by the call that named them
  const hint = hints.get(value);
  if (hint === 'guardrail')
    return { type: 'guardrail', key: `guardrail:${value}`, label: `guardrail ${value}` };
  if (hint === 'knowledge-base')
    return { type: 'knowledge-base', key: `knowledge-base:${value}`, label: `knowledge base ${value}` };
  if (hint === 'data-source')
    return { type: 'knowledge-base', key: `knowledge-base:${value}`, label: `data source ${value}` };
  if (hint === 'agent') return { type: 'agent', key: `agent:${value}`, label: `agent ${value}` };
  if (hint === 'bucket') return { type: 'resource', key: `s3:${value}`, label: value };
  if (/Guardrail/.test(action))
    return { type: 'guardrail', key: `guardrail:${value}`, label: `guardrail ${value}` };
  if (/KnowledgeBase|DataSource|IngestionJob|Retrieve/.test(action))
    return { type: 'knowledge-base', key: `knowledge-base:${value}`, label: `knowledge base ${value}` };
  if (/Agent/.test(action)) return { type: 'agent', key: `agent:${value}`, label: `agent ${value}` };
  if (service === 'lambda.amazonaws.com') return { type: 'function', key: `function:${value}`, label: value };
  if (service === 's3.amazonaws.com' && !value.includes('/'))
    return { type: 'resource', key: `s3:${value}`, label: value };
  return { type: 'resource', key: `${service.replace('.amazonaws.com', '')}:${value}`, label: value };
}

function principalNode(arn: string, identityOf: IdentityOf): Node {
  const id = identityOf(arn) ?? arn;
  const type = /:user\//.test(id) ? 'user' : /:role\//.test(id) ? 'role' : 'principal';
  return { id, type, label: shortName(id) };
}

/**
 * Builds the graph from the actor's records (the temporary table of `loadActorIds`), the scope and
 * the incident findings. Deterministic: nodes and edges sorted.
 */
export async function buildEntityGraph(
  db: Queryable,
  sc: Pick<ScopeResult, 'scope'>,
  findings: Finding[],
  opts: {
    maxNodes?: number;
    /** the case's principal names (loaded from `db` when not given) */
    identityOf?: IdentityOf;
  } = {},
): Promise<EntityGraph & { omitted?: { nodes: number; edges: number } }> {
  const identityOf = opts.identityOf ?? (await loadIdentityOf(db));
  const maxNodes = opts.maxNodes ?? MAX_NODES;
  const nodes = new Map<string, Node & { prio: number }>();
  const edges = new Map<string, { from: string; to: string; label: string; n: number }>();
  const node = (n: Node, prio: number): string => {
    const id = n.id.startsWith(`${n.type}:`) ? n.id : `${n.type}:${n.id}`;
    const cur = nodes.get(id);
    if (!cur) nodes.set(id, { id, type: n.type, label: n.label, prio });
    else if (prio < cur.prio) cur.prio = prio;
    return id;
  };
  const edge = (from: string, to: string, label: string) => {
    if (from === to) return;
    const k = `${from}\0${to}\0${label}`;
    const e = edges.get(k);
    if (e) e.n++;
    else edges.set(k, { from, to, label, n: 1 });
  };
  const scopeRes = new Set(sc.scope.resources);
  const hints = await idHints(db, sc.scope.resources);
  // IAM names (CreateUser's userName) as the ARNs the scope knows them by
  const iamNames = new Map<string, string>();
  for (const v of [...sc.scope.principals, ...sc.scope.resources]) {
    const m = /^arn:aws[a-z-]*:iam::\d{12}:(?:user|role|group|policy)\/(?:.*\/)?([^/]+)$/.exec(v);
    if (m && !iamNames.has(m[1]!)) iamNames.set(m[1]!, v);
  }
  for (const p of sc.scope.principals) node(principalNode(p, identityOf), 0);
  for (const k of sc.scope.accessKeyIds) node({ id: k, type: 'access-key', label: k }, 0);
  for (const ip of sc.scope.sourceIps) node({ id: ip, type: 'ip', label: ip }, 0);

  const rows = await db.all(
    `SELECT coalesce(event_id, uid) AS eid, ${isoSql('time')} AS t, service, action, error_code, read_only,
            coalesce(identity_arn, principal_arn) AS who, access_key_id, source_ip, session_name,
            request_parameters, response_elements, resources, region, account, recipient_account
     FROM events WHERE coalesce(event_id, uid) IN (SELECT id FROM ${ACTOR_TABLE} WHERE kind = 'event')
     ORDER BY time, eid`,
  );
  const s3Objects = new Map<string, Set<string>>();
  const pending: Array<{ from: string; r: { type: string; key: string; label: string }; label: string }> = [];
  for (const r of rows) {
    const who = str(r.who);
    const p = who ? node(principalNode(who, identityOf), 0) : null;
    const key = str(r.access_key_id);
    const ip = str(r.source_ip);
    const k = key
      ? node({ id: key, type: 'access-key', label: key.startsWith('ASIA') ? `session key ${key}` : key }, 0)
      : null;
    const i = ip && isIp(ip) ? node({ id: ip, type: 'ip', label: ip }, 0) : null;
    if (k && p)
      edge(k, p, !key!.startsWith('ASIA') ? 'key of' : /:role\//.test(p) ? 'assumed' : 'session of');
    if (i && k) edge(i, k, 'used from');
    else if (i && p) edge(i, p, 'used from');
    const action = String(r.action);
    const service = String(r.service);
    if (r.error_code) continue;
    if (
      /^(AssumeRole|AssumeRoleWithWebIdentity|AssumeRoleWithSAML|GetSessionToken|GetFederationToken)$/.test(
        action,
      )
    ) {
      const resp =
        typeof r.response_elements === 'string' ? safeJson(r.response_elements) : r.response_elements;
      const req =
        typeof r.request_parameters === 'string' ? safeJson(r.request_parameters) : r.request_parameters;
      const sk = str((resp as { credentials?: { accessKeyId?: unknown } } | null)?.credentials?.accessKeyId);
      const role = str((req as { roleArn?: unknown } | null)?.roleArn);
      if (sk) {
        const sess = node({ id: sk, type: 'access-key', label: `session key ${sk}` }, 0);
        if (p) edge(p, sess, action);
        if (role) edge(sess, node(principalNode(role, identityOf), 0), 'assumed');
        else if (p) edge(sess, p, 'session of');
      }
      continue;
    }
    if (!p) continue;
    const cls = classifyApi(service, action, r.request_parameters);
    const label = RUNTIME.has(action) ? 'invoked' : cls?.change ? 'changed' : 'read';
    const values = new Set(resourcesOfEvent(r));
    if (RUNTIME.has(action)) {
      const req =
        typeof r.request_parameters === 'string' ? safeJson(r.request_parameters) : r.request_parameters;
      const m = str((req as { modelId?: unknown } | null)?.modelId);
      if (m) values.add(m);
    }
    const seen = new Set<string>();
    for (const v of values) {
      const bucket = /^arn:aws[a-z-]*:s3:::([^/]+)$/.exec(v)?.[1] ?? null;
      if (!scopeRes.has(v) && !(bucket && scopeRes.has(bucket)) && !RUNTIME.has(action)) continue;
      const iamArn = service === 'iam.amazonaws.com' && !v.startsWith('arn:') ? iamNames.get(v) : undefined;
      const rn = resourceNode(iamArn ?? v, action, service, identityOf, hints);
      if (rn.key === identityOf(who!)) continue;
      if (seen.has(rn.key)) continue;
      seen.add(rn.key);
      const obj = /^s3:([^/]+)\/(.+)$/.exec(rn.key);
      if (obj) {
        if (!s3Objects.has(obj[1]!)) s3Objects.set(obj[1]!, new Set());
        s3Objects.get(obj[1]!)!.add(obj[2]!);
      }
      pending.push({ from: p, r: rn, label });
    }
  }
  // S3 objects: kept when few per bucket, else counted on their bucket
  const collapse = new Set([...s3Objects].filter(([, o]) => o.size > OBJECTS_PER_BUCKET).map(([b]) => b));
  for (const { from, r, label } of pending) {
    const obj = /^s3:([^/]+)\/(.+)$/.exec(r.key);
    if (obj && collapse.has(obj[1]!)) {
      const b = obj[1]!;
      const id = node(
        { id: `s3:${b}`, type: 'resource', label: `${b} (${s3Objects.get(b)!.size} objects)` },
        r.type === 'model' ? 2 : 3,
      );
      nodes.get(id)!.label = `${b} (${s3Objects.get(b)!.size} objects)`;
      edge(from, id, `${label} objects`);
      continue;
    }
    const prio = ['guardrail', 'knowledge-base', 'agent', 'function', 'model', 'user', 'role'].includes(
      r.type,
    )
      ? 2
      : 3;
    edge(from, node({ id: r.key, type: r.type, label: r.label }, prio), label);
  }
  // calls the application made on the actor's input: client address → application role → model
  const inv = await db.all(
    `SELECT coalesce(identity_arn, principal_arn) AS who, client_ip, model_id, count(*) AS n FROM invocations
     WHERE coalesce(request_id, uid) IN (SELECT id FROM ${ACTOR_TABLE} WHERE kind = 'request')
     GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  );
  for (const r of inv) {
    const who = str(r.who);
    if (!who) continue;
    const p = node(principalNode(who, identityOf), 0);
    const ip = str(r.client_ip);
    if (ip && isIp(ip) && sc.scope.sourceIps.includes(ip))
      edgeN(edges, node({ id: ip, type: 'ip', label: ip }, 0), p, 'client of', Number(r.n));
    const m = str(r.model_id);
    if (m) {
      const rn = resourceNode(m, 'InvokeModel', 'bedrock.amazonaws.com', identityOf, hints);
      edgeN(edges, p, node({ id: rn.key, type: rn.type, label: rn.label }, 2), 'invoked', Number(r.n));
    }
  }
  // the actor's agent sessions: who invoked the agent, and the action groups it called
  const sessions = await db.all(
    `SELECT coalesce(e.identity_arn, e.principal_arn) AS who, s.agent_id, count(DISTINCT s.session_id) AS n
     FROM (SELECT DISTINCT session_id, agent_id FROM agent_steps
           WHERE session_id IN (SELECT id FROM ${ACTOR_TABLE} WHERE kind = 'session')) s
     LEFT JOIN events e ON e.action IN ('InvokeAgent', 'InvokeInlineAgent')
       AND json_extract_string(e.request_parameters, '$.sessionId') = s.session_id
     GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  for (const r of sessions) {
    const agent = str(r.agent_id);
    if (!agent) continue;
    const a = node({ id: `agent:${agent}`, type: 'agent', label: `agent ${agent}` }, 2);
    const who = str(r.who);
    if (who)
      edgeN(edges, node(principalNode(who, identityOf), 0), a, 'invoked agent (sessions)', Number(r.n));
  }
  const calls = await db.all(
    `SELECT agent_id, action_group, upper(coalesce(verb, '')) AS verb, coalesce(api_name, '?') AS api, count(*) AS n
     FROM agent_steps
     WHERE step_kind = 'invocationInput' AND action_group IS NOT NULL
       AND session_id IN (SELECT id FROM ${ACTOR_TABLE} WHERE kind = 'session')
     GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
  );
  for (const r of calls) {
    const agent = str(r.agent_id) ?? '?';
    const g = String(r.action_group);
    const a = node({ id: `agent:${agent}`, type: 'agent', label: `agent ${agent}` }, 2);
    const ag = node({ id: `action-group:${agent}/${g}`, type: 'function', label: `action group ${g}` }, 2);
    edgeN(edges, a, ag, `${r.verb ? `${r.verb} ` : ''}${r.api}`.trim(), Number(r.n));
  }
  // what else the scope names (resources no actor record reached directly)
  for (const v of sc.scope.resources) {
    if (/^arn:aws[a-z-]*:s3:::[^/]+\/./.test(v) || /^s3:\/\//.test(v)) continue;
    const rn = resourceNode(v, '', '', identityOf, hints);
    if (rn.key.startsWith(':')) {
      // an id no record typed: shown once, unless a typed node already stands for it
      if ([...nodes.values()].some((n) => n.id.endsWith(`:${v}`) || n.id.endsWith(`/${v}`) || n.label === v))
        continue;
      node({ id: `id:${v}`, type: 'resource', label: v }, 3);
    } else node({ id: rn.key, type: rn.type, label: rn.label }, 3);
  }
  // incident findings and what they name
  const inc = findings.filter(incidentFinding).slice(0, MAX_FINDINGS);
  const byValue = new Map<string, string>();
  for (const n of nodes.values()) {
    const raw = n.id.slice(n.type.length + 1);
    byValue.set(raw, n.id);
    byValue.set(n.id, n.id);
    const bare = raw.replace(/^(guardrail|knowledge-base|agent|function|model|s3):/, '');
    if (!byValue.has(bare)) byValue.set(bare, n.id);
  }
  for (const f of inc) {
    const fid = node({ id: f.id, type: 'finding', label: `[${f.severity}] ${f.title}` }, 1);
    const named = new Set<string>();
    for (const v of [
      ...(f.principals ?? []),
      ...(f.accessKeyIds ?? []),
      ...(f.sourceIps ?? []),
      ...(f.resources ?? []),
    ]) {
      const target =
        byValue.get(v) ??
        byValue.get(identityOf(v) ?? v) ??
        byValue.get(v.replace(/^arn:aws[a-z-]*:s3:::/, '')) ??
        byValue.get(/(?:guardrail|knowledge-base|agent|function:)\/?([^/:]+)$/.exec(v)?.[1] ?? '\0');
      if (target && !named.has(target)) {
        named.add(target);
        edge(fid, target, 'names');
      }
    }
  }
  // bound the size: drop the least connected, least important nodes
  const degree = new Map<string, number>();
  for (const e of edges.values()) {
    degree.set(e.from, (degree.get(e.from) ?? 0) + 1);
    degree.set(e.to, (degree.get(e.to) ?? 0) + 1);
  }
  let kept = [...nodes.values()].sort(
    (a, b) =>
      a.prio - b.prio || (degree.get(b.id) ?? 0) - (degree.get(a.id) ?? 0) || a.id.localeCompare(b.id),
  );
  let omitted: { nodes: number; edges: number } | undefined;
  if (kept.length > maxNodes) {
    const dropped = kept.slice(maxNodes - 1);
    kept = kept.slice(0, maxNodes - 1);
    const keptIds = new Set(kept.map((n) => n.id));
    const lostEdges = [...edges.values()].filter((e) => !keptIds.has(e.from) || !keptIds.has(e.to)).length;
    omitted = { nodes: dropped.length, edges: lostEdges };
    kept.push({
      id: 'summary:omitted',
      type: 'other',
      label: `${dropped.length} more entities not shown (${lostEdges} relations)`,
      prio: 9,
    });
  }
  const keptIds = new Set(kept.map((n) => n.id));
  const outNodes = kept
    .map(({ id, type, label }) => ({ id, type, label }))
    .sort((a, b) => a.type.localeCompare(b.type) || a.id.localeCompare(b.id));
  const outEdges = [...edges.values()]
    .filter((e) => keptIds.has(e.from) && keptIds.has(e.to))
    .map((e) => ({
      from: e.from,
      to: e.to,
      label: e.n > 1 && !RELATIONS.has(e.label) ? `${e.label} ×${e.n}` : e.label,
    }))
    .sort(
      (a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to) || a.label.localeCompare(b.label),
    );
  const g: EntityGraph & { omitted?: { nodes: number; edges: number } } = {
    nodes: outNodes,
    edges: outEdges,
  };
  if (omitted) g.omitted = omitted;
  return g;
}

/** What bare ids are, from the evidence: agents, knowledge bases, data sources, guardrails, buckets. */
async function idHints(db: Queryable, resources: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const bare = resources.filter((r) => !r.includes(':') && !r.includes('/'));
  if (!bare.length) return out;
  const lst = bare.map((b) => `'${b.replace(/'/g, "''")}'`).join(', ');
  for (const [sql, type] of [
    [`SELECT DISTINCT agent_id AS v FROM agent_steps WHERE agent_id IN (${lst}) ORDER BY v`, 'agent'],
    [
      `SELECT DISTINCT knowledge_base_id AS v FROM kb_events WHERE knowledge_base_id IN (${lst}) ORDER BY v`,
      'knowledge-base',
    ],
    [
      `SELECT DISTINCT data_source_id AS v FROM kb_events WHERE data_source_id IN (${lst}) ORDER BY v`,
      'data-source',
    ],
    [
      `SELECT DISTINCT guardrail_id AS v FROM invocations WHERE guardrail_id IN (${lst}) ORDER BY v`,
      'guardrail',
    ],
  ] as const)
    for (const r of await db.all(sql)) if (r.v && !out.has(String(r.v))) out.set(String(r.v), type);
  for (const b of bare) if (!out.has(b) && resources.includes(`arn:aws:s3:::${b}`)) out.set(b, 'bucket');
  return out;
}

function edgeN(
  edges: Map<string, { from: string; to: string; label: string; n: number }>,
  from: string,
  to: string,
  label: string,
  n: number,
): void {
  if (from === to) return;
  const k = `${from}\0${to}\0${label}`;
  const e = edges.get(k);
  if (e) e.n += n;
  else edges.set(k, { from, to, label, n });
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}
