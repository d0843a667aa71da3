/**
 * Blast radius (`report.blastRadius`): what the threat actor's records reached, in the terms a
 * responder contains and recovers by — models invoked and what they cost, guardrails weakened or
 * deleted, knowledge-base documents poisoned, private data that left, what agents did in the actor's
 * sessions, and IAM persistence the actor created — each item with the record ids behind it and,
 * where the evidence tells, whether the damage is still in place at its end.
 *
 * Inputs are the scope (the actor's records) and the findings; the case is read through SQL with
 * the actor's record ids in the temporary table of `loadActorIds` (charts.ts). No raw personal or
 * secret value is ever copied: private data is reported as counts by type, and masked values only
 * when the finding already masked them.
 */
import { type IdentityOf, loadIdentityOf } from '../engine/principal-names.js';
import type { Element, EvidenceRefs, Finding, Json } from '../model/types.js';
import { isoSql, type Queryable, sqlString, sqlTime } from '../store/case-store.js';
import { modelFamilyId, RUNTIME_ACTIONS } from './baselines.js';
import {
  ACTOR_TABLE,
  actorSessions,
  addActorSessions,
  computeCharts,
  incidentFinding,
  loadActorIds,
  type ReportCharts,
} from './charts.js';
import { jsonObject } from './context.js';
import { buildEntityGraph, type EntityGraph } from './graph.js';
import { costUsd, hostsIn, priceOf } from './invocation.js';
import { type PrincipalSummary, summarisePrincipals } from './principals.js';
import type { ScopeResult } from './scope.js';

/** How many ids of one kind an item cites; the total is given apart. */
export const MAX_IDS = 25;

const str = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : String(v));
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : Number(v ?? 0) || 0);
const uniqSorted = (xs: Iterable<string | null | undefined>): string[] =>
  [...new Set([...xs].filter((x): x is string => !!x))].sort();
/** USD to a hundredth of a cent: small incidents still show their cost. */
const round4 = (x: number): number => Math.round(x * 10_000) / 10_000;
/** An ISO time as a DuckDB TIMESTAMP literal body. */

/** Evidence refs capped at MAX_IDS per kind (sorted, de-duplicated) and the number of records behind them. */
export function cite(refs: {
  eventIds?: Iterable<string | null | undefined>;
  requestIds?: Iterable<string | null | undefined>;
  traceIds?: Iterable<string | null | undefined>;
  findingIds?: Iterable<string | null | undefined>;
  records?: Iterable<string | null | undefined>;
}): { evidence: EvidenceRefs; evidenceTotal: number } {
  const evidence: EvidenceRefs = {};
  let total = 0;
  for (const k of ['eventIds', 'requestIds', 'traceIds', 'findingIds', 'records'] as const) {
    const v = uniqSorted(refs[k] ?? []);
    total += v.length;
    if (v.length) evidence[k] = v.slice(0, MAX_IDS);
  }
  return { evidence, evidenceTotal: total };
}

// ---- models -----------------------------------------------------------------------------------

export interface ModelUse {
  /** model id family (ARN, Region-profile prefix removed) */
  modelId: string;
  /** direct: the actor's own runtime calls; application: calls an application made on the actor's input */
  via: 'direct' | 'application';
  calls: number;
  errors: number;
  /** calls with an invocation-log record (token counts known) */
  loggedCalls: number;
  /** successful calls seen only in CloudTrail (no token counts) */
  unloggedCalls: number;
  inputTokens: number;
  outputTokens: number;
  /** all | some | none: whether the successful calls' tokens are known (CloudTrail carries none) */
  tokensKnown: 'all' | 'some' | 'none';
  /** USD from the price table for the logged tokens; null when the model is not priced */
  costUsd: number | null;
  /** ESTIMATE for successful calls seen only in CloudTrail: mean tokens of the actor's logged calls;
   * null when the model is not priced or no call of the group was logged */
  estimatedUnloggedUsd: number | null;
  regions: string[];
  principals: string[];
  firstSeen: string;
  lastSeen: string;
  evidence: EvidenceRefs;
  evidenceTotal: number;
}

export interface ModelsBlast {
  items: ModelUse[];
  totals: {
    calls: number;
    errors: number;
    loggedCalls: number;
    inputTokens: number;
    outputTokens: number;
    costUsd: number;
    estimatedUnloggedUsd: number;
    unpricedModels: string[];
  };
  note: string;
}

interface CallRow {
  eid: string | null;
  rid: string | null;
  t: string;
  region: string | null;
  identity: string | null;
  modelId: string | null;
  logged: boolean;
  inTok: number;
  outTok: number;
  error: string | null;
}

const RUNTIME_LIST = RUNTIME_ACTIONS.map((a) => sqlString(a)).join(', ');

async function modelsBlast(db: Queryable, identityOf: IdentityOf): Promise<ModelsBlast> {
  const direct = await db.all(
    `SELECT coalesce(e.event_id, e.uid) AS eid, i.request_id AS rid, ${isoSql('e.time')} AS t, e.region,
            coalesce(e.identity_arn, e.principal_arn) AS identity,
            coalesce(i.model_id, json_extract_string(e.request_parameters, '$.modelId')) AS model_id,
            i.request_id IS NOT NULL AS logged, i.input_tokens, i.output_tokens,
            coalesce(e.error_code, i.error_code) AS error_code
     FROM events e LEFT JOIN invocations i ON i.request_id = e.request_id
     WHERE e.service = 'bedrock.amazonaws.com' AND e.action IN (${RUNTIME_LIST})
       AND coalesce(e.event_id, e.uid) IN (SELECT id FROM ${ACTOR_TABLE} WHERE kind = 'event')
     ORDER BY e.time, eid`,
  );
  // invocations attributed to the actor that are not the log of one of the actor's own CloudTrail calls
  const app = await db.all(
    `SELECT NULL AS eid, coalesce(i.request_id, i.uid) AS rid, ${isoSql('i.time')} AS t, i.region,
            coalesce(i.identity_arn, i.principal_arn) AS identity, i.model_id, true AS logged,
            i.input_tokens, i.output_tokens, i.error_code
     FROM invocations i
     WHERE coalesce(i.request_id, i.uid) IN (SELECT id FROM ${ACTOR_TABLE} WHERE kind = 'request')
       AND NOT EXISTS (SELECT 1 FROM events e WHERE e.request_id = i.request_id
                         AND coalesce(e.event_id, e.uid) IN (SELECT id FROM ${ACTOR_TABLE} WHERE kind = 'event'))
     ORDER BY i.time, rid`,
  );
  const toRow = (r: Record<string, unknown>): CallRow => ({
    eid: str(r.eid),
    rid: str(r.rid),
    t: String(r.t),
    region: str(r.region),
    identity: identityOf(str(r.identity)),
    modelId: str(r.model_id),
    logged: Boolean(r.logged),
    inTok: num(r.input_tokens),
    outTok: num(r.output_tokens),
    error: str(r.error_code),
  });
  const items: ModelUse[] = [];
  const unpriced = new Set<string>();
  for (const [via, rows] of [
    ['direct', direct.map(toRow)],
    ['application', app.map(toRow)],
  ] as const) {
    if (!rows.length) continue;
    // the estimate for calls CloudTrail alone saw: mean tokens of the group's logged successful calls
    // to the same model, else to any model (as costOf in invocation.ts does)
    const loggedOk = rows.filter((r) => r.logged && !r.error);
    const meanAll = loggedOk.length
      ? {
          in: loggedOk.reduce((a, r) => a + r.inTok, 0) / loggedOk.length,
          out: loggedOk.reduce((a, r) => a + r.outTok, 0) / loggedOk.length,
        }
      : null;
    const byModel = new Map<string, CallRow[]>();
    for (const r of rows) {
      const m = modelFamilyId(r.modelId) || '?';
      if (!byModel.has(m)) byModel.set(m, []);
      byModel.get(m)!.push(r);
    }
    for (const [m, rs] of byModel) {
      const ok = rs.filter((r) => !r.error);
      const logged = ok.filter((r) => r.logged);
      const unlogged = ok.length - logged.length;
      const inTok = rs.reduce((a, r) => a + (r.logged ? r.inTok : 0), 0);
      const outTok = rs.reduce((a, r) => a + (r.logged ? r.outTok : 0), 0);
      const price = priceOf(m);
      if (!price && ok.length) unpriced.add(m);
      const mean = logged.length
        ? {
            in: logged.reduce((a, r) => a + r.inTok, 0) / logged.length,
            out: logged.reduce((a, r) => a + r.outTok, 0) / logged.length,
          }
        : meanAll;
      const cost = costUsd(m, inTok, outTok);
      const estimate = unlogged && mean ? costUsd(m, mean.in * unlogged, mean.out * unlogged) : null;
      items.push({
        modelId: m,
        via,
        calls: rs.length,
        errors: rs.length - ok.length,
        loggedCalls: rs.filter((r) => r.logged).length,
        inputTokens: inTok,
        outputTokens: outTok,
        unloggedCalls: unlogged,
        tokensKnown: !ok.length || unlogged === 0 ? 'all' : logged.length ? 'some' : 'none',
        costUsd: cost === null ? null : round4(cost),
        estimatedUnloggedUsd: unlogged ? (estimate === null ? null : round4(estimate)) : 0,
        regions: uniqSorted(rs.map((r) => r.region)),
        principals: uniqSorted(rs.map((r) => r.identity)),
        firstSeen: rs[0]!.t,
        lastSeen: rs[rs.length - 1]!.t,
        ...cite({ eventIds: rs.map((r) => r.eid), requestIds: rs.map((r) => r.rid) }),
      });
    }
  }
  items.sort((a, b) => b.calls - a.calls || a.modelId.localeCompare(b.modelId) || a.via.localeCompare(b.via));
  const totals = {
    calls: 0,
    errors: 0,
    loggedCalls: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    estimatedUnloggedUsd: 0,
    unpricedModels: [...unpriced].sort(),
  };
  for (const i of items) {
    totals.calls += i.calls;
    totals.errors += i.errors;
    totals.loggedCalls += i.loggedCalls;
    totals.inputTokens += i.inputTokens;
    totals.outputTokens += i.outputTokens;
    totals.costUsd += i.costUsd ?? 0;
    totals.estimatedUnloggedUsd += i.estimatedUnloggedUsd ?? 0;
  }
  totals.costUsd = round4(totals.costUsd);
  totals.estimatedUnloggedUsd = round4(totals.estimatedUnloggedUsd);
  const unloggedOk = unloggedOf(items);
  const note =
    'costUsd prices the token counts of logged calls with data/bedrock-prices.json (list prices, indicative). ' +
    (unloggedOk
      ? `${unloggedOk} successful call(s) were seen only in CloudTrail, which carries no token counts: ` +
        'estimatedUnloggedUsd is an ESTIMATE that assumes each used the mean tokens of the actor’s logged calls to the same model ' +
        '(or to any model; null when none was logged), not evidence; check the Cost and Usage Report.'
      : 'Every successful call has its tokens logged.');
  return { items, totals, note };
}

function unloggedOf(items: ModelUse[]): number {
  return items.reduce((a, i) => a + i.unloggedCalls, 0);
}

// ---- guardrails -------------------------------------------------------------------------------

export interface GuardrailChange {
  time: string;
  action: string;
  version: string | null;
  principal: string | null;
  eventId: string;
  actor: boolean;
}

export interface GuardrailBlast {
  guardrailId: string;
  /** weakened | deleted | changed */
  effect: 'weakened' | 'deleted' | 'changed';
  /** protections lowered, as the findings state them */
  weakened: string[];
  /** the version the actor created or the findings name as the weakened one */
  weakenedVersion: string | null;
  actorChanges: GuardrailChange[];
  /** changes by anyone else after the actor's last change */
  laterChanges: GuardrailChange[];
  /** the guardrail version the application's last logged invocation ran with */
  versionInUseAtEnd: { version: string | null; lastUsed: string; requestId: string } | null;
  /** whether the weakening or deletion is still in effect at the end of the evidence (null: cannot tell) */
  stillInEffect: boolean | null;
  status: string;
  findingIds: string[];
  evidence: EvidenceRefs;
  evidenceTotal: number;
}

const GR_CHANGE = ['UpdateGuardrail', 'CreateGuardrailVersion', 'DeleteGuardrail', 'CreateGuardrail'];

function guardrailIdOf(v: unknown): string | null {
  const s = str(v);
  if (!s) return null;
  const m = /guardrail\/([a-z0-9]+)/i.exec(s);
  return m ? m[1]! : /^[a-z0-9]{6,}$/i.test(s) ? s : null;
}

async function guardrailsBlast(
  db: Queryable,
  findings: Finding[],
  identityOf: IdentityOf,
): Promise<GuardrailBlast[]> {
  const byId = new Map<string, { findings: Finding[]; weakened: Set<string>; version: string | null }>();
  const entry = (id: string) => {
    let e = byId.get(id);
    if (!e) {
      e = { findings: [], weakened: new Set(), version: null };
      byId.set(id, e);
    }
    return e;
  };
  for (const f of findings) {
    if (!incidentFinding(f) || !(f.components ?? []).includes('guardrails') || !/guardrail/i.test(f.ruleId))
      continue;
    const d = f.details ?? {};
    const ids = new Set<string>();
    const gid = guardrailIdOf(d.guardrailId);
    if (gid) ids.add(gid);
    else for (const r of f.resources ?? []) if (/guardrail\//.test(r)) ids.add(guardrailIdOf(r)!);
    for (const id of ids) {
      const e = entry(id);
      e.findings.push(f);
      const diff = jsonObject(d.diff as Json);
      for (const w of [
        ...(Array.isArray(d.weakened) ? d.weakened : []),
        ...(Array.isArray(diff?.lowered) ? (diff.lowered as unknown[]) : []),
        ...(Array.isArray(diff?.removedTopics)
          ? (diff.removedTopics as unknown[]).map((t) => `topic ${t} removed`)
          : []),
      ])
        if (typeof w === 'string') e.weakened.add(w);
      const v = str(d.newVersion) ?? str(d.version);
      if (v && (!e.version || Number(v) > Number(e.version))) e.version = v;
    }
  }
  const rows = await db.all(
    `SELECT coalesce(event_id, uid) AS eid, ${isoSql('time')} AS t, action, identity_arn, principal_arn,
            coalesce(json_extract_string(response_elements, '$.guardrailId'), json_extract_string(request_parameters, '$.guardrailIdentifier')) AS gid,
            json_extract_string(response_elements, '$.version') AS version,
            coalesce(event_id, uid) IN (SELECT id FROM ${ACTOR_TABLE} WHERE kind = 'event') AS actor
     FROM events
     WHERE service = 'bedrock.amazonaws.com' AND action IN (${GR_CHANGE.map(sqlString).join(', ')}) AND error_code IS NULL
     ORDER BY time, eid`,
  );
  const changes = new Map<string, GuardrailChange[]>();
  for (const r of rows) {
    const id = guardrailIdOf(r.gid);
    if (!id) continue;
    if (!changes.has(id)) changes.set(id, []);
    changes.get(id)!.push({
      time: String(r.t),
      action: String(r.action),
      version: str(r.version),
      principal: identityOf(str(r.identity_arn) ?? str(r.principal_arn)),
      eventId: String(r.eid),
      actor: Boolean(r.actor),
    });
    if (r.actor) entry(id);
  }
  const out: GuardrailBlast[] = [];
  for (const [id, e] of byId) {
    const all = changes.get(id) ?? [];
    const mine = all.filter((c) => c.actor);
    // changes cited by the findings count as the actor's even when the scope did not attribute them
    const cited = new Set(e.findings.flatMap((f) => f.evidence.eventIds ?? []));
    for (const c of all) if (!c.actor && cited.has(c.eventId)) mine.push(c);
    mine.sort((a, b) => a.time.localeCompare(b.time) || a.eventId.localeCompare(b.eventId));
    const lastMine = mine[mine.length - 1]?.time ?? e.findings.map((f) => f.firstSeen).sort()[0] ?? '';
    const later = all.filter((c) => !mine.includes(c) && c.time > lastMine);
    const deleted = mine.some((c) => c.action === 'DeleteGuardrail');
    const version =
      e.version ?? [...mine].reverse().find((c) => c.action === 'CreateGuardrailVersion')?.version ?? null;
    const endRow = (
      await db.all(
        `SELECT guardrail_version AS v, ${isoSql('time')} AS t, coalesce(request_id, uid) AS rid FROM invocations
         WHERE guardrail_id = $1 ORDER BY time DESC, rid DESC LIMIT 1`,
        [id],
      )
    )[0];
    const atEnd = endRow
      ? { version: str(endRow.v), lastUsed: String(endRow.t), requestId: String(endRow.rid) }
      : null;
    let stillInEffect: boolean | null = null;
    let status: string;
    if (deleted) {
      const recreated = later.find((c) => c.action === 'CreateGuardrail' || c.action === 'UpdateGuardrail');
      stillInEffect = recreated ? null : true;
      status = recreated
        ? `deleted by the actor; a later ${recreated.action} by ${recreated.principal ?? '?'} at ${recreated.time}: check it restores the protection`
        : 'deleted by the actor; no re-creation in the evidence';
    } else if (version && atEnd && atEnd.version === version) {
      stillInEffect = true;
      status = `version ${version} is still the one the application runs at the end of the evidence (last used ${atEnd.lastUsed})`;
    } else if (version && atEnd?.version && Number(atEnd.version) > Number(version)) {
      const who = later.find((c) => c.action === 'CreateGuardrailVersion' && c.version === atEnd.version);
      stillInEffect = false;
      status = `a later version ${atEnd.version}${who ? ` (created by ${who.principal ?? '?'} at ${who.time})` : ''} is in use at the end of the evidence: check it restores the filters`;
    } else if (later.length) {
      status = `changed again after the actor by ${uniqSorted(later.map((c) => c.principal)).join(', ')}: check whether that restored it`;
    } else if (mine.length) {
      stillInEffect = true;
      status = 'no later change in the evidence';
    } else {
      status = 'weakening seen in the findings; no change record of it in CloudTrail';
    }
    out.push({
      guardrailId: id,
      effect: deleted ? 'deleted' : e.weakened.size || e.findings.length ? 'weakened' : 'changed',
      weakened: [...e.weakened].sort(),
      weakenedVersion: version,
      actorChanges: mine,
      laterChanges: later,
      versionInUseAtEnd: atEnd,
      stillInEffect,
      status,
      findingIds: uniqSorted(e.findings.map((f) => f.id)),
      ...cite({
        eventIds: [...mine, ...later].map((c) => c.eventId),
        requestIds: [
          ...(atEnd ? [atEnd.requestId] : []),
          ...e.findings.flatMap((f) =>
            Array.isArray(f.details?.proofRequestIds) ? (f.details.proofRequestIds as string[]) : [],
          ),
        ],
      }),
    });
  }
  return out.sort((a, b) => a.guardrailId.localeCompare(b.guardrailId));
}

// ---- knowledge bases --------------------------------------------------------------------------

export interface KbDocument {
  uri: string;
  bucket: string;
  key: string;
  /** written (poisoned) | deleted */
  change: 'written' | 'deleted';
  writes: Array<{ time: string; action: string; principal: string | null; eventId: string }>;
  knowledgeBases: string[];
  /** ingestion of the actor's version: the knowledge-base log events after the write */
  ingested: Array<{
    time: string;
    knowledgeBaseId: string | null;
    ingestionJobId: string | null;
    status: string | null;
  }>;
  /** a later write to the same object by someone else */
  replaced: { time: string; principal: string | null; eventId: string; reindexed: string | null } | null;
  /** whether the actor's version is still what the index serves at the end of the evidence (null: cannot tell) */
  live: boolean | null;
  status: string;
  /** agent trace steps that retrieved the document (after the write) */
  retrievedBy: { traces: number; sessions: number };
  /** hosts the poisoned text names that no answer named before the write */
  contentHosts: string[];
  /** invocations whose input carried the document (its URI or its hosts) */
  invocationsCarrying: number;
  /** answers repeating the document's hosts (the poisoned content reaching users) */
  answersRepeating: number;
  findingIds: string[];
  evidence: EvidenceRefs;
  evidenceTotal: number;
}

const S3_WRITES = ['PutObject', 'CopyObject', 'CompleteMultipartUpload', 'DeleteObject', 'DeleteObjects'];
const INDEXED = /INDEXING_COMPLETED|EMBEDDING_COMPLETED|^INDEXED$/i;

async function kbBuckets(db: Queryable): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  const add = (b: string | null, kb: string | null) => {
    if (!b) return;
    if (!out.has(b)) out.set(b, new Set());
    if (kb) out.get(b)!.add(kb);
  };
  for (const r of await db.all(
    `SELECT DISTINCT document_uri AS u, knowledge_base_id AS kb FROM kb_events WHERE document_uri LIKE 's3://%' ORDER BY u, kb`,
  ))
    add(/^s3:\/\/([^/]+)/.exec(String(r.u))?.[1] ?? null, str(r.kb));
  for (const r of await db.all(
    `SELECT coalesce(json_extract_string(request_parameters, '$.dataSourceConfiguration.s3Configuration.bucketArn'),
                     json_extract_string(response_elements, '$.dataSource.dataSourceConfiguration.s3Configuration.bucketArn')) AS b,
            coalesce(json_extract_string(request_parameters, '$.knowledgeBaseId'), json_extract_string(response_elements, '$.dataSource.knowledgeBaseId')) AS kb
     FROM events WHERE action IN ('CreateDataSource', 'UpdateDataSource', 'GetDataSource') AND error_code IS NULL`,
  ))
    add(/^arn:aws[a-z-]*:s3:::([^/]+)/.exec(String(r.b ?? ''))?.[1] ?? null, str(r.kb));
  return out;
}

/** Text of the retrieved references of an agent observation that come from `uri`. */
function retrievedTextOf(raw: unknown, uri: string): string {
  const o = jsonObject(raw);
  const out: string[] = [];
  const walk = (x: unknown, depth: number): void => {
    if (!x || typeof x !== 'object' || depth > 8) return;
    if (Array.isArray(x)) {
      for (const y of x) walk(y, depth + 1);
      return;
    }
    const r = x as Record<string, unknown>;
    const loc = jsonObject(r.location);
    const s3 = jsonObject(loc?.s3Location);
    const meta = jsonObject(r.metadata);
    if (s3?.uri === uri || meta?.['x-amz-bedrock-kb-source-uri'] === uri) {
      const c = jsonObject(r.content);
      if (typeof c?.text === 'string') out.push(c.text);
      return;
    }
    for (const y of Object.values(r)) walk(y, depth + 1);
  };
  walk(o, 0);
  return out.join('\n');
}

export interface KbBlast {
  documents: KbDocument[];
  /** distinct invocations, over all documents, whose input carried a poisoned document */
  invocationsCarrying: number;
  /** distinct answers, over all documents, that repeated a poisoned document's hosts */
  answersRepeating: number;
  evidence: EvidenceRefs;
  evidenceTotal: number;
}

async function kbBlast(db: Queryable, findings: Finding[], identityOf: IdentityOf): Promise<KbBlast> {
  const allCarrying = new Set<string>();
  const allAnswers = new Set<string>();
  const empty: KbBlast = {
    documents: [],
    invocationsCarrying: 0,
    answersRepeating: 0,
    evidence: {},
    evidenceTotal: 0,
  };
  const buckets = await kbBuckets(db);
  const kbFindings = findings.filter(
    (f) => incidentFinding(f) && /kb-source-written|kb-poison/.test(f.ruleId),
  );
  for (const f of kbFindings) {
    const b = str(f.details?.bucket);
    if (b && !buckets.has(b)) buckets.set(b, new Set());
  }
  if (!buckets.size) return empty;
  const cited = uniqSorted(kbFindings.flatMap((f) => f.evidence.eventIds ?? []));
  const writes = await db.all(
    `SELECT coalesce(event_id, uid) AS eid, ${isoSql('time')} AS t, action, coalesce(identity_arn, principal_arn) AS who,
            json_extract_string(request_parameters, '$.bucketName') AS b, json_extract_string(request_parameters, '$.key') AS k
     FROM events
     WHERE service = 's3.amazonaws.com' AND action IN (${S3_WRITES.map(sqlString).join(', ')}) AND error_code IS NULL
       AND json_extract_string(request_parameters, '$.bucketName') IN (${[...buckets.keys()].map(sqlString).join(', ')})
       AND (coalesce(event_id, uid) IN (SELECT id FROM ${ACTOR_TABLE} WHERE kind = 'event')
            OR coalesce(event_id, uid) IN (${cited.map(sqlString).join(', ') || "''"}))
     ORDER BY time, eid`,
  );
  const docs = new Map<string, KbDocument>();
  for (const w of writes) {
    const bucket = String(w.b);
    const key = str(w.k);
    if (!key) continue;
    const uri = `s3://${bucket}/${key}`;
    let d = docs.get(uri);
    if (!d) {
      d = {
        uri,
        bucket,
        key,
        change: 'written',
        writes: [],
        knowledgeBases: [...(buckets.get(bucket) ?? [])].sort(),
        ingested: [],
        replaced: null,
        live: null,
        status: '',
        retrievedBy: { traces: 0, sessions: 0 },
        contentHosts: [],
        invocationsCarrying: 0,
        answersRepeating: 0,
        findingIds: kbFindings
          .filter((f) => (f.evidence.eventIds ?? []).includes(String(w.eid)) || f.details?.bucket === bucket)
          .map((f) => f.id)
          .sort(),
        evidence: {},
        evidenceTotal: 0,
      };
      docs.set(uri, d);
    }
    d.writes.push({
      time: String(w.t),
      action: String(w.action),
      principal: identityOf(str(w.who)),
      eventId: String(w.eid),
    });
    d.change = /^Delete/.test(String(w.action)) ? 'deleted' : 'written';
  }
  for (const d of docs.values()) {
    const tAct = d.writes[d.writes.length - 1]!.time;
    const mineIds = new Set(d.writes.map((w) => w.eventId));
    const others = (
      await db.all(
        `SELECT coalesce(event_id, uid) AS eid, ${isoSql('time')} AS t, coalesce(identity_arn, principal_arn) AS who FROM events
         WHERE service = 's3.amazonaws.com' AND action IN (${S3_WRITES.map(sqlString).join(', ')}) AND error_code IS NULL
           AND json_extract_string(request_parameters, '$.bucketName') = $1 AND json_extract_string(request_parameters, '$.key') = $2
           AND time > CAST($3 AS TIMESTAMP)
         ORDER BY time, eid`,
        [d.bucket, d.key, sqlTime(tAct)],
      )
    ).filter((r) => !mineIds.has(String(r.eid)));
    const kbRows = await db.all(
      `SELECT uid, ${isoSql('time')} AS t, knowledge_base_id AS kb, ingestion_job_id AS job, status FROM kb_events
       WHERE document_uri = $1 AND time > CAST($2 AS TIMESTAMP) ORDER BY time, uid`,
      [d.uri, sqlTime(tAct)],
    );
    const other = others[0];
    const tOther = other ? String(other.t) : null;
    d.ingested = kbRows
      .filter((r) => !tOther || String(r.t) < tOther)
      .map((r) => ({
        time: String(r.t),
        knowledgeBaseId: str(r.kb),
        ingestionJobId: str(r.job),
        status: str(r.status),
      }));
    for (const r of kbRows)
      if (r.kb && !d.knowledgeBases.includes(String(r.kb))) d.knowledgeBases.push(String(r.kb));
    d.knowledgeBases.sort();
    const indexed = d.ingested.find((r) => INDEXED.test(r.status ?? ''));
    const removed = kbRows.find((r) => /DELET/i.test(String(r.status ?? '')));
    const reindexed = tOther
      ? kbRows.find((r) => String(r.t) > tOther && INDEXED.test(String(r.status ?? '')))
      : undefined;
    if (other)
      d.replaced = {
        time: String(other.t),
        principal: identityOf(str(other.who)),
        eventId: String(other.eid),
        reindexed: reindexed ? String(reindexed.t) : null,
      };
    if (d.change === 'deleted') {
      d.live = null;
      d.status = removed
        ? `deleted by the actor; removed from the index at ${removed.t}`
        : 'deleted by the actor; no knowledge-base log of its removal in the evidence';
    } else if (!indexed) {
      d.live = null;
      d.status =
        'written by the actor; the knowledge-base logs show no ingestion of this version (not live unless synced outside the evidence)';
    } else if (other && reindexed) {
      d.live = false;
      d.status = `indexed at ${indexed.time}; replaced by ${d.replaced!.principal ?? '?'} at ${other.t} and re-indexed at ${reindexed.t}`;
    } else if (other) {
      d.live = true;
      d.status = `indexed at ${indexed.time}; replaced in S3 by ${d.replaced!.principal ?? '?'} at ${other.t} but not re-indexed in the evidence: the index still serves the poisoned version`;
    } else if (removed) {
      d.live = false;
      d.status = `indexed at ${indexed.time}; removed from the index at ${removed.t}`;
    } else {
      d.live = true;
      d.status = `indexed at ${indexed.time} (job ${indexed.ingestionJobId ?? '?'}) and neither replaced nor removed by the end of the evidence`;
    }
    // who read it: agent observations retrieving it; its text's hosts; invocations and answers carrying them
    const until = d.replaced?.reindexed ?? null;
    const steps = await db.all(
      `SELECT trace_id, session_id, ${isoSql('time')} AS t, raw FROM agent_steps
       WHERE step_kind = 'observation' AND contains(CAST(raw AS VARCHAR), $1) AND time > CAST($2 AS TIMESTAMP)
       ORDER BY time, uid`,
      [d.uri, sqlTime(tAct)],
    );
    const live = steps.filter((s) => !until || String(s.t) < until);
    d.retrievedBy = {
      traces: new Set(live.map((s) => String(s.trace_id))).size,
      sessions: new Set(live.map((s) => String(s.session_id))).size,
    };
    const text = live.map((s) => retrievedTextOf(s.raw, d.uri)).join('\n');
    const hosts: string[] = [];
    for (const h of [...hostsIn(text)].sort()) {
      const before = await db.all(
        `SELECT count(*) AS n FROM invocations WHERE contains(lower(response_text), $1) AND time < CAST($2 AS TIMESTAMP)`,
        [h, sqlTime(d.writes[0]!.time)],
      );
      if (Number(before[0]?.n) === 0) hosts.push(h);
    }
    d.contentHosts = hosts;
    const afterWrite = sqlTime(d.writes[0]!.time);
    const carriedCond = [d.uri, ...hosts]
      .map((_, i) => `contains(lower(concat_ws(' ', system_text, prompt_text, tool_result_text)), $${i + 2})`)
      .join(' OR ');
    const carrying = await db.all(
      `SELECT coalesce(request_id, uid) AS rid FROM invocations
       WHERE time > CAST($1 AS TIMESTAMP) AND time < CAST(${sqlString(sqlTime(until ?? '9999-12-31T00:00:00.000Z'))} AS TIMESTAMP)
         AND (${carriedCond}) ORDER BY time, rid`,
      [afterWrite, d.uri.toLowerCase(), ...hosts],
    );
    let answers: Record<string, unknown>[] = [];
    if (hosts.length)
      answers = await db.all(
        `SELECT coalesce(request_id, uid) AS rid FROM invocations
         WHERE time > CAST($1 AS TIMESTAMP) AND time < CAST(${sqlString(sqlTime(until ?? '9999-12-31T00:00:00.000Z'))} AS TIMESTAMP)
           AND (${hosts.map((_, i) => `contains(lower(response_text), $${i + 2})`).join(' OR ')})
         ORDER BY time, rid`,
        [afterWrite, ...hosts],
      );
    d.invocationsCarrying = carrying.length;
    d.answersRepeating = answers.length;
    for (const r of carrying) allCarrying.add(String(r.rid));
    for (const r of answers) allAnswers.add(String(r.rid));
    Object.assign(
      d,
      cite({
        eventIds: [...d.writes.map((w) => w.eventId), ...(d.replaced ? [d.replaced.eventId] : [])],
        requestIds: [...carrying.map((r) => String(r.rid)), ...answers.map((r) => String(r.rid))],
        traceIds: live.map((s) => str(s.trace_id)),
        records: kbRows.map((r) => `kb_events:${r.uid}`),
        findingIds: [],
      }),
    );
  }
  if (!docs.size) return empty;
  return {
    documents: [...docs.values()].sort((a, b) => a.uri.localeCompare(b.uri)),
    invocationsCarrying: allCarrying.size,
    answersRepeating: allAnswers.size,
    ...cite({ requestIds: [...allCarrying, ...allAnswers] }),
  };
}

// ---- private data -----------------------------------------------------------------------------

export interface PrivateDataItem {
  source: string;
  findingId?: string;
  what: string;
  /** counts by data type; values are never reported */
  byType: Record<string, number>;
  values: number | null;
  /** who received it: client addresses, conversations, customers, hosts, or the actor's addresses */
  recipients: string[];
  /** masked values when the finding masked them */
  masked?: string[];
  evidence: EvidenceRefs;
  evidenceTotal: number;
}

const isMasked = (s: string): boolean => /[*…]/.test(s) && !/[A-Za-z0-9]{8,}/.test(s.replace(/[*…]/g, ' '));

function recipientsOf(d: Record<string, Json>): string[] {
  const out: string[] = [];
  const rs = Array.isArray(d.recipients) ? d.recipients : [];
  for (const r of rs) {
    const o = jsonObject(r as Json);
    if (!o) continue;
    const parts = [
      o.clientIp ? `client ${o.clientIp}` : null,
      o.conversation ? `conversation ${o.conversation}` : null,
      o.customer ? `customer ${o.customer}` : null,
    ].filter(Boolean);
    if (parts.length) out.push(parts.join(', '));
  }
  if (typeof d.host === 'string') out.push(`host ${d.host}`);
  if (!out.length && typeof d.recipient === 'string') out.push(d.recipient);
  if (!out.length && typeof d.sessionId === 'string') out.push(`agent session ${d.sessionId}`);
  return uniqSorted(out);
}

async function privateDataBlast(
  db: Queryable,
  findings: Finding[],
  actorIps: string[],
): Promise<PrivateDataItem[]> {
  const out: PrivateDataItem[] = [];
  for (const f of findings) {
    if (!incidentFinding(f) || !f.elements.includes('private-data' as Element)) continue;
    const d = f.details ?? {};
    const byType: Record<string, number> = {};
    const bt = jsonObject(d.byType as Json);
    if (bt) for (const [k, v] of Object.entries(bt)) if (typeof v === 'number') byType[k] = v;
    if (!Object.keys(byType).length && Array.isArray(d.types))
      for (const t of d.types) if (typeof t === 'string') byType[t] = (byType[t] ?? 0) + 1;
    const values =
      typeof d.distinctValues === 'number'
        ? d.distinctValues
        : typeof d.valuesInUrls === 'number'
          ? d.valuesInUrls
          : Object.values(byType).reduce((a, b) => a + b, 0) || null;
    const masked = Array.isArray(d.masked)
      ? d.masked.filter((m): m is string => typeof m === 'string' && isMasked(m))
      : [];
    const item: PrivateDataItem = {
      source: f.ruleId,
      findingId: f.id,
      what: f.title,
      byType,
      values,
      recipients: recipientsOf(d),
      ...cite({ ...f.evidence, findingIds: [f.id] }),
    };
    if (masked.length) item.masked = masked;
    out.push(item);
  }
  // objects and secrets the actor read directly
  const reads = await db.all(
    `SELECT json_extract_string(request_parameters, '$.bucketName') AS b, count(*) AS n,
            count(DISTINCT json_extract_string(request_parameters, '$.key')) AS objects,
            sum(TRY_CAST(json_extract_string(additional_event_data, '$.bytesTransferredOut') AS DOUBLE)) AS bytes,
            list(DISTINCT source_ip ORDER BY source_ip) AS ips, list(coalesce(event_id, uid) ORDER BY time, coalesce(event_id, uid)) AS ids
     FROM events
     WHERE service = 's3.amazonaws.com' AND action = 'GetObject' AND error_code IS NULL
       AND coalesce(event_id, uid) IN (SELECT id FROM ${ACTOR_TABLE} WHERE kind = 'event')
     GROUP BY 1 ORDER BY 1`,
  );
  for (const r of reads) {
    const ips = ((r.ips as unknown[]) ?? []).map(String).filter((x) => x !== 'null');
    out.push({
      source: 's3:GetObject',
      what: `${r.objects} object(s) of bucket ${r.b} read by the actor${r.bytes ? ` (${Math.round(num(r.bytes))} bytes out)` : ''}`,
      byType: { objects: num(r.objects) },
      values: null,
      recipients: uniqSorted([...ips, ...actorIps].map((ip) => `address ${ip}`)),
      ...cite({ eventIds: (r.ids as unknown[]).map(String) }),
    });
  }
  const secrets = await db.all(
    `SELECT action, coalesce(json_extract_string(request_parameters, '$.secretId'), json_extract_string(request_parameters, '$.name')) AS name,
            list(coalesce(event_id, uid) ORDER BY time, coalesce(event_id, uid)) AS ids, list(DISTINCT source_ip ORDER BY source_ip) AS ips
     FROM events
     WHERE action IN ('GetSecretValue', 'BatchGetSecretValue', 'GetParameter', 'GetParameters', 'GetParametersByPath') AND error_code IS NULL
       AND coalesce(event_id, uid) IN (SELECT id FROM ${ACTOR_TABLE} WHERE kind = 'event')
     GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  for (const r of secrets) {
    out.push({
      source: `${r.action === 'GetSecretValue' || r.action === 'BatchGetSecretValue' ? 'secretsmanager' : 'ssm'}:${r.action}`,
      what: `${r.action} of ${r.name ?? '?'} by the actor`,
      byType: {
        [r.action === 'GetSecretValue' || r.action === 'BatchGetSecretValue' ? 'secret' : 'parameter']: 1,
      },
      values: null,
      recipients: uniqSorted(((r.ips as unknown[]) ?? []).map((ip) => `address ${ip}`)),
      ...cite({ eventIds: (r.ids as unknown[]).map(String) }),
    });
  }
  return out;
}

// ---- agents -----------------------------------------------------------------------------------

export interface AgentActionUse {
  agentId: string | null;
  actionGroup: string;
  api: string;
  count: number;
  sessions: number;
  firstSeen: string;
  lastSeen: string;
  evidence: EvidenceRefs;
  evidenceTotal: number;
}

export interface AgentsBlast {
  sessions: string[];
  actions: AgentActionUse[];
  /** incident findings about agents and their tools */
  findingIds: string[];
}

async function agentsBlast(db: Queryable, findings: Finding[], sessions: string[]): Promise<AgentsBlast> {
  const actions: AgentActionUse[] = [];
  if (sessions.length) {
    const rows = await db.all(
      `SELECT agent_id, action_group, coalesce(api_name, '?') AS api, upper(coalesce(verb, '')) AS verb, count(*) AS n,
              count(DISTINCT session_id) AS s, ${isoSql('min(time)')} AS f, ${isoSql('max(time)')} AS l,
              list(trace_id ORDER BY time, trace_id) AS ids
       FROM agent_steps
       WHERE step_kind = 'invocationInput' AND action_group IS NOT NULL
         AND session_id IN (SELECT id FROM ${ACTOR_TABLE} WHERE kind = 'session')
       GROUP BY 1, 2, 3, 4 ORDER BY n DESC, 1, 2, 3, 4`,
    );
    for (const r of rows) {
      actions.push({
        agentId: str(r.agent_id),
        actionGroup: String(r.action_group),
        api: `${r.verb ? `${r.verb} ` : ''}${r.api}`,
        count: num(r.n),
        sessions: num(r.s),
        firstSeen: String(r.f),
        lastSeen: String(r.l),
        ...cite({ traceIds: ((r.ids as unknown[]) ?? []).map((x) => str(x)) }),
      });
    }
  }
  return {
    sessions,
    actions,
    findingIds: uniqSorted(
      findings
        .filter(
          (f) =>
            incidentFinding(f) && (f.elements.includes('agency') || (f.components ?? []).includes('agents')),
        )
        .map((f) => f.id),
    ),
  };
}

// ---- IAM persistence --------------------------------------------------------------------------

export interface IamPersistenceItem {
  time: string;
  action: string;
  /** user, role, policy, access key, group ... the change created or granted */
  kind: string;
  target: string;
  /** e.g. the policy attached, the key id created */
  detail: string | null;
  principal: string | null;
  /** whether it still exists in the IAM snapshot (null: the snapshot cannot tell) */
  stillExists: boolean | null;
  basis: string;
  evidence: EvidenceRefs;
  evidenceTotal: number;
}

const IAM_PERSIST = [
  'CreateUser',
  'CreateAccessKey',
  'CreateLoginProfile',
  'UpdateLoginProfile',
  'CreateRole',
  'UpdateAssumeRolePolicy',
  'CreatePolicy',
  'CreatePolicyVersion',
  'AttachUserPolicy',
  'AttachRolePolicy',
  'AttachGroupPolicy',
  'PutUserPolicy',
  'PutRolePolicy',
  'PutGroupPolicy',
  'AddUserToGroup',
  'CreateServiceSpecificCredential',
  'UploadSSHPublicKey',
  'CreateVirtualMFADevice',
];

function principalsInPolicy(doc: unknown): string[] {
  const o = jsonObject(typeof doc === 'string' ? decodeURIComponentSafe(doc) : doc);
  const out: string[] = [];
  const sts = Array.isArray(o?.Statement) ? o.Statement : o?.Statement ? [o.Statement] : [];
  for (const s of sts as unknown[]) {
    const p = jsonObject(s)?.Principal;
    const walk = (x: unknown): void => {
      if (typeof x === 'string') out.push(x);
      else if (Array.isArray(x)) x.forEach(walk);
      else if (x && typeof x === 'object') Object.values(x).forEach(walk);
    };
    walk(p);
  }
  return uniqSorted(out);
}

function decodeURIComponentSafe(s: string): string {
  if (!/%[0-9A-Fa-f]{2}/.test(s)) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

async function iamBlast(
  db: Queryable,
  findings: Finding[],
  identityOf: IdentityOf,
): Promise<IamPersistenceItem[]> {
  const cited = uniqSorted(
    findings
      .filter(
        (f) => incidentFinding(f) && /iam-persistence|created-key|minted-key|iam_user_created/.test(f.ruleId),
      )
      .flatMap((f) => f.evidence.eventIds ?? []),
  );
  const rows = await db.all(
    `SELECT coalesce(event_id, uid) AS eid, ${isoSql('time')} AS t, action, coalesce(identity_arn, principal_arn) AS who,
            request_parameters AS rp, response_elements AS re
     FROM events
     WHERE service = 'iam.amazonaws.com' AND action IN (${IAM_PERSIST.map(sqlString).join(', ')}) AND error_code IS NULL
       AND (coalesce(event_id, uid) IN (SELECT id FROM ${ACTOR_TABLE} WHERE kind = 'event')
            OR coalesce(event_id, uid) IN (${cited.map(sqlString).join(', ') || "''"}))
     ORDER BY time, eid`,
  );
  if (!rows.length) return [];
  const iam = await db.all(
    `SELECT kind, arn, name, groups, attached_policy_arns AS ap, inline_policies AS ip, trust_policy AS tp FROM iam_entities`,
  );
  const snapshot = iam.length > 0;
  const find = (kind: string, name: string) =>
    iam.find((e) => e.kind === kind && (e.name === name || e.arn === name));
  const later = async (actions: string[], where: string, params: string[], after: string) =>
    db.all(
      `SELECT coalesce(event_id, uid) AS eid, ${isoSql('time')} AS t, action, request_parameters AS rp FROM events
       WHERE service = 'iam.amazonaws.com' AND action IN (${actions.map(sqlString).join(', ')}) AND error_code IS NULL
         AND time > CAST($1 AS TIMESTAMP) AND ${where} ORDER BY time, uid`,
      [sqlTime(after), ...params],
    );
  const out: IamPersistenceItem[] = [];
  for (const r of rows) {
    const rp = jsonObject(r.rp) ?? {};
    const re = jsonObject(r.re) ?? {};
    const action = String(r.action);
    const t = String(r.t);
    const user = str(rp.userName);
    const role = str(rp.roleName);
    const group = str(rp.groupName);
    const ids = [String(r.eid)];
    let kind = 'iam';
    let target = user ?? role ?? group ?? str(rp.policyName) ?? str(rp.policyArn) ?? '?';
    let detail: string | null = null;
    let stillExists: boolean | null = null;
    let basis = snapshot ? '' : 'no IAM authorization-details snapshot in the evidence';
    const entity = user
      ? find('user', user)
      : role
        ? find('role', role)
        : group
          ? find('group', group)
          : undefined;
    const entityKind = user ? 'user' : role ? 'role' : group ? 'group' : '';
    if (action === 'CreateAccessKey') {
      kind = 'access-key';
      const ak = jsonObject(re.accessKey);
      detail = str(ak?.accessKeyId);
      target = user ?? str(ak?.userName) ?? str(r.who)?.split('/').pop() ?? '?';
      const del = detail
        ? await later(
            ['DeleteAccessKey', 'UpdateAccessKey'],
            `json_extract_string(request_parameters, '$.accessKeyId') = $2`,
            [detail],
            t,
          )
        : [];
      const gone = del.find((d) => d.action === 'DeleteAccessKey' || jsonObject(d.rp)?.status === 'Inactive');
      const owner = find('user', target);
      if (gone) {
        stillExists = false;
        basis = `${gone.action} at ${gone.t}`;
        ids.push(String(gone.eid));
      } else if (snapshot && !owner) {
        stillExists = false;
        basis = `user ${target} is not in the IAM snapshot`;
      } else if (snapshot) {
        basis = `user ${target} is in the IAM snapshot, which does not list access keys; no deletion or deactivation in CloudTrail: assume the key is active`;
      }
    } else if (action === 'CreateUser' || action === 'CreateRole') {
      kind = action === 'CreateUser' ? 'user' : 'role';
      if (action === 'CreateRole') {
        const trust = principalsInPolicy(rp.assumeRolePolicyDocument);
        if (trust.length) detail = `trusts ${trust.join(', ')}`;
      }
      if (snapshot) {
        stillExists = !!entity;
        basis = entity
          ? `${kind} ${target} is in the IAM snapshot`
          : `${kind} ${target} is not in the IAM snapshot`;
      }
    } else if (/^Attach(User|Role|Group)Policy$/.test(action)) {
      kind = 'policy-attachment';
      detail = str(rp.policyArn);
      if (snapshot) {
        const ap = ((entity?.ap as unknown[]) ?? []).map(String);
        stillExists = !!entity && !!detail && ap.includes(detail);
        basis = !entity
          ? `${entityKind} ${target} is not in the IAM snapshot`
          : stillExists
            ? `still attached to ${entityKind} ${target} in the IAM snapshot`
            : `not attached to ${entityKind} ${target} in the IAM snapshot`;
      }
    } else if (/^Put(User|Role|Group)Policy$/.test(action)) {
      kind = 'inline-policy';
      detail = str(rp.policyName);
      if (snapshot) {
        const ip = jsonObject(entity?.ip) ?? {};
        stillExists = !!entity && !!detail && detail in ip;
        basis = stillExists
          ? `inline policy ${detail} of ${entityKind} ${target} is in the IAM snapshot`
          : `no inline policy ${detail ?? '?'} on ${entityKind} ${target} in the IAM snapshot`;
      }
    } else if (action === 'AddUserToGroup') {
      kind = 'group-membership';
      detail = group;
      target = user ?? '?';
      if (snapshot) {
        const u = user ? find('user', user) : undefined;
        stillExists = !!u && ((u.groups as unknown[]) ?? []).map(String).includes(group ?? '');
        basis = stillExists
          ? `user ${target} is in group ${group} in the IAM snapshot`
          : `user ${target} is not in group ${group} in the IAM snapshot`;
      }
    } else if (action === 'CreatePolicy' || action === 'CreatePolicyVersion') {
      kind = 'policy';
      const arn = str(jsonObject(re.policy)?.arn) ?? str(rp.policyArn);
      detail = arn;
      target = str(rp.policyName) ?? arn ?? '?';
      if (snapshot && arn) {
        stillExists = !!find('policy', arn);
        basis = stillExists
          ? `policy ${arn} is in the IAM snapshot`
          : `policy ${arn} is not in the IAM snapshot`;
      }
    } else if (action === 'UpdateAssumeRolePolicy') {
      kind = 'trust-policy';
      const added = principalsInPolicy(rp.policyDocument);
      detail = added.length ? `trusts ${added.join(', ')}` : null;
      if (snapshot && entity) {
        const now = principalsInPolicy(entity.tp);
        stillExists = added.length ? added.every((p) => now.includes(p)) : null;
        basis =
          stillExists === null
            ? 'the trust policy of the change is not readable'
            : stillExists
              ? `the snapshot's trust policy of ${target} still names ${added.join(', ')}`
              : `the snapshot's trust policy of ${target} no longer names every principal the change added`;
      } else if (snapshot) {
        stillExists = false;
        basis = `role ${target} is not in the IAM snapshot`;
      }
    } else {
      kind = action
        .replace(/^(Create|Update|Upload)/, '')
        .replace(/([a-z])([A-Z])/g, '$1-$2')
        .toLowerCase();
      if (snapshot) {
        stillExists = entity ? null : false;
        basis = entity
          ? `${entityKind} ${target} is in the IAM snapshot, which does not show this credential`
          : `${entityKind || 'the entity'} ${target} is not in the IAM snapshot`;
      }
    }
    out.push({
      time: t,
      action,
      kind,
      target,
      detail,
      principal: identityOf(str(r.who)),
      stillExists,
      basis,
      ...cite({ eventIds: ids }),
    });
  }
  return out;
}

// ---- the whole ----------------------------------------------------------------------------------

export interface BlastRadius {
  summary: string[];
  models: ModelsBlast;
  guardrails: GuardrailBlast[];
  knowledgeBases: KbBlast;
  privateData: PrivateDataItem[];
  agents: AgentsBlast;
  iamPersistence: IamPersistenceItem[];
}

/**
 * The blast radius of the scoped actor. Needs `loadActorIds` (and `addActorSessions` with
 * `sessions`) to have been called for `sc.actor`.
 */
export async function computeBlastRadius(
  db: Queryable,
  sc: Pick<ScopeResult, 'scope' | 'actor'>,
  findings: Finding[],
  sessions: string[],
  identityOf: IdentityOf,
): Promise<BlastRadius> {
  const models = await modelsBlast(db, identityOf);
  const guardrails = await guardrailsBlast(db, findings, identityOf);
  const knowledgeBases = await kbBlast(db, findings, identityOf);
  const knowledgeBaseDocuments = knowledgeBases.documents;
  const privateData = await privateDataBlast(db, findings, sc.scope.sourceIps);
  const agents = await agentsBlast(db, findings, sessions);
  const iamPersistence = await iamBlast(db, findings, identityOf);
  const summary: string[] = [];
  if (models.items.length) {
    const t = models.totals;
    summary.push(
      `models: ${uniqSorted(models.items.map((i) => i.modelId)).join(', ')}; ${t.calls} call(s) (${t.errors} failed, ${t.loggedCalls} logged), ` +
        `${t.inputTokens} input / ${t.outputTokens} output tokens logged, USD ${t.costUsd.toFixed(4)} priced from logged tokens` +
        (t.estimatedUnloggedUsd
          ? ` + USD ${t.estimatedUnloggedUsd.toFixed(4)} ESTIMATED for calls seen only in CloudTrail`
          : '') +
        (t.unpricedModels.length ? `; not priced: ${t.unpricedModels.join(', ')}` : ''),
    );
  }
  for (const g of guardrails)
    summary.push(
      `guardrail ${g.guardrailId} ${g.effect}${g.weakenedVersion ? ` (version ${g.weakenedVersion})` : ''}: ${g.status}`,
    );
  const liveDocs = knowledgeBaseDocuments.filter((d) => d.live);
  if (knowledgeBaseDocuments.length)
    summary.push(
      `knowledge-base documents: ${knowledgeBaseDocuments.length} written or deleted by the actor, ${liveDocs.length} still live in the index` +
        (liveDocs.length ? ` (${liveDocs.map((d) => d.uri).join(', ')})` : '') +
        `; ${knowledgeBases.answersRepeating} answer(s) repeated their content`,
    );
  for (const p of privateData.filter((x) => x.findingId)) {
    const types = Object.entries(p.byType).map(([k, v]) => `${v} ${k}`);
    summary.push(
      `private data: ${types.length ? types.join(', ') : `${p.values ?? '?'} value(s)`} to ${p.recipients.join('; ') || '?'} (${p.source})`,
    );
  }
  const reads = privateData.filter((x) => !x.findingId);
  if (reads.length) summary.push(`data read directly by the actor: ${reads.map((r) => r.what).join('; ')}`);
  if (agents.actions.length)
    summary.push(
      `agents in ${agents.sessions.length} actor session(s): ${agents.actions.map((a) => `${a.actionGroup} ${a.api} ×${a.count}`).join(', ')}`,
    );
  for (const i of iamPersistence)
    summary.push(
      `IAM ${i.action} ${i.target}${i.detail ? ` (${i.detail})` : ''}: ${i.stillExists === true ? 'still exists' : i.stillExists === false ? 'gone' : 'unknown'} — ${i.basis}`,
    );
  return { summary, models, guardrails, knowledgeBases, privateData, agents, iamPersistence };
}

export interface ResponderViews {
  blastRadius?: BlastRadius;
  principals?: PrincipalSummary[];
  graph?: EntityGraph;
  charts?: ReportCharts;
  /** a view that failed is left out and said here; the investigation goes on */
  warnings: string[];
}

/**
 * Everything the responder needs beyond findings, for `report.blastRadius`, `report.principals`,
 * `report.graph` and `report.charts`. Deterministic: sorted, times only from the evidence.
 */
export async function responderViews(
  db: Queryable,
  sc: Pick<ScopeResult, 'scope' | 'actor'>,
  findings: Finding[],
  window: { start?: string; end?: string },
  opts: {
    /** the case's principal names (loaded from `db` when not given) */
    identityOf?: IdentityOf;
  } = {},
): Promise<ResponderViews> {
  const out: ResponderViews = { warnings: [] };
  const identityOf = opts.identityOf ?? (await loadIdentityOf(db));
  const attempt = async <T>(name: string, f: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await f();
    } catch (e) {
      out.warnings.push(`${name} not computed: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  };
  const ready = await attempt('actor records', async () => {
    await loadActorIds(db, sc.actor);
    const sessions = await actorSessions(db, findings);
    await addActorSessions(db, sessions);
    return sessions;
  });
  if (!ready) return out;
  out.blastRadius = await attempt('blast radius', () =>
    computeBlastRadius(db, sc, findings, ready, identityOf),
  );
  out.principals = await attempt('principal summary', () =>
    summarisePrincipals(db, sc, findings, { identityOf }),
  );
  out.graph = await attempt('entity graph', () => buildEntityGraph(db, sc, findings, { identityOf }));
  out.charts = (await attempt('charts', () => computeCharts(db, window))) ?? undefined;
  return out;
}
