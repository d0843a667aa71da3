/**
 * investigate: evidence → case → findings → scope → verdicts → timeline → report.
 */
import { responderViews } from './analysis/blast-radius.js';
import { CONTROL_PLANE_DETECTORS } from './analysis/control-plane.js';
import { computeCoverage } from './analysis/coverage.js';
import { DATA_PLANE_DETECTORS } from './analysis/data-plane.js';
import { extendWindow, lastEffects, trainingLineage } from './analysis/model-lineage.js';
import { computeScope, type Seed } from './analysis/scope.js';
import { buildTimeline } from './analysis/timeline.js';
import { componentVerdicts, elementVerdicts } from './analysis/verdict.js';
import { runDetectors } from './engine/detect.js';
import type { Detector } from './engine/detector.js';
import { makeFinding, sortFindings } from './engine/detector.js';
import { relieveHeap } from './engine/heap.js';
import { type IngestOptions, type IngestResult, ingest } from './engine/ingest.js';
import { loadIdentityOf } from './engine/principal-names.js';
import type { Finding, Report } from './model/types.js';
import type { CaseStore } from './store/case-store.js';
import { VERSION } from './version.js';

export const DEFAULT_DETECTORS: Detector[] = [...CONTROL_PLANE_DETECTORS, ...DATA_PLANE_DETECTORS];

export interface AnalyseOptions {
  seeds?: Seed[];
  detectors?: Detector[];
  /** fixed clock for reproducible output (tests); default now */
  now?: Date;
  onStage?: (stage: string) => void;
}

/** Analyses a case that already holds the evidence and returns the report. */
export async function analyseCase(
  store: CaseStore,
  ingestResult: IngestResult | null,
  opts: AnalyseOptions = {},
): Promise<Report> {
  // each stage starts with the garbage of the one before collected, when it is large (engine/heap.ts)
  const stage = (name: string): void => {
    relieveHeap();
    opts.onStage?.(name);
  };
  stage('coverage');
  const coverage = await computeCoverage(store);
  // the case's principals by their full ARNs: one table for every stage of this analysis
  const identityOf = await loadIdentityOf(store);
  stage('detect');
  const det = await runDetectors(store, opts.detectors ?? DEFAULT_DETECTORS, {
    identityOf,
    onDetector: (id) => opts.onStage?.(`detect:${id}`),
    // only data-plane detectors read the data plane's shared results (runtime calls, text pass)
    release: ['data-plane'],
  });
  const warnings: string[] = [];
  warnings.push(...det.notes);
  for (const e of det.errors) warnings.push(`detector ${e.detector} failed: ${e.error}`);
  let findings = det.findings.map(stableDetails);
  // what the detectors shared (every runtime call, the text pass) is not needed past this point
  det.shared.clear();
  relieveHeap(0);
  stage('scope');
  const sc = await computeScope(store, findings, { seeds: opts.seeds, identityOf });
  // what was built from training data the actor wrote, and who it serves since: part of the scope
  const lineage = await trainingLineage(store, sc.actor.eventIds, identityOf);
  if (lineage.findings.length) {
    findings.push(...lineage.findings);
    sc.scope.resources = [...new Set([...sc.scope.resources, ...lineage.resources])].sort();
    sc.scope.principals = [...new Set([...sc.scope.principals, ...lineage.principals])].sort();
  }
  extendWindow(sc.scope, [lineage.lastUse, ...lastEffects(findings, sc.actor.eventIds)]);
  // the actor's records, as one finding the responder can pivot from
  if (sc.actor.eventIds.length || sc.actor.requestIds.length) {
    findings.push(
      makeFinding({
        ruleId: 'scope:actor-activity',
        title: 'Records attributed to the threat actor',
        description: `Every record the scoping attributed to the actor (${sc.notes.join(' ')}).`,
        severity: 'informational',
        elements: ['access'],
        times: [sc.scope.window.start, sc.scope.window.end],
        principals: sc.scope.principals,
        accessKeyIds: sc.scope.accessKeyIds,
        sourceIps: sc.scope.sourceIps,
        resources: sc.scope.resources,
        evidence: {
          eventIds: sc.actor.eventIds,
          requestIds: sc.actor.requestIds,
          traceIds: sc.actor.traceIds,
        },
        details: { notActor: false, seedFindings: sc.seedFindings },
      }),
    );
  }
  findings.push(...actorFindings(sc));
  // posture findings without a time of their own (IAM snapshot, configuration) hold over the evidence window
  for (const f of findings)
    if (f.firstSeen.startsWith('1970-01-01') && coverage.window.start) {
      f.firstSeen = coverage.window.start;
      f.lastSeen = coverage.window.end ?? coverage.window.start;
    }
  findings = sortFindings(findings);
  stage('verdicts');
  const elements = elementVerdicts(findings, sc.scope, coverage.missingFor, sc);
  const components = componentVerdicts(findings, sc.scope);
  stage('timeline');
  const timeline = await buildTimeline(store, findings, sc.actor);
  stage('blast-radius');
  const views = await responderViews(store, sc, findings, coverage.window, { identityOf });
  warnings.push(...views.warnings);
  // every file the case holds (what was analysed, also from earlier runs into the same case), and
  // this run's files whose content the case already held under another path or an earlier run
  const held = await filesFromCase(store);
  const heldKeys = new Set(held.map((f) => `${f.path}\u0000${f.sha256}`));
  const listed = [
    ...held,
    ...(ingestResult?.files ?? []).filter((f) => !heldKeys.has(`${f.path}\u0000${f.sha256}`)),
  ].sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : a.sha256 < b.sha256 ? -1 : a.sha256 > b.sha256 ? 1 : 0,
  );
  const evidence = listed.map((f) => ({
    path: f.path,
    sha256: f.sha256,
    format: f.format,
    records: f.records,
    rejected: f.rejected,
    stored: f.stored,
    duplicates: f.duplicates,
  }));
  for (const f of ingestResult?.files ?? []) for (const w of f.warnings) warnings.push(`${f.path}: ${w}`);
  for (const w of ingestResult?.warnings ?? []) warnings.push(w);
  const report: Report = {
    tool: { name: 'genai-ir', version: VERSION },
    generatedAt: (opts.now ?? new Date()).toISOString(),
    summary: executiveSummary(findings, sc.scope, elements),
    evidence,
    coverage: {
      window: coverage.window,
      gaps: coverage.gaps,
      sources: coverage.sources,
      accounts: coverage.accounts,
      regions: coverage.regions,
    },
    findings,
    scope: sc.scope,
    scopeNotes: [`actor separation confidence: ${sc.confidence}`, ...sc.notes],
    scopeConfidence: sc.confidence,
    elements,
    components,
    timeline,
    warnings,
    blastRadius: views.blastRadius,
    principals: views.principals,
    graph: views.graph,
    charts: views.charts,
  };
  return report;
}

const ELEMENT_WORDS: Record<string, string> = {
  'infrastructure-changes': 'infrastructure',
  'ai-changes': 'AI configuration',
  'data-store-changes': 'data stores',
  access: 'credentials and identities',
};

/**
 * Findings that state what the scoped actor's own records did: used credentials (access), changed
 * infrastructure, AI configuration or data stores. They stand on the scope, so they are only as
 * good as the findings it started from; their evidence is the actor's records themselves.
 */
/** Distinct objects read by the actor from which its data reads are high rather than medium. */
const READS_HIGH = 10;
/** model calls through roles the actor created from which its model use is high (set up to run on its own) */
const DELEGATED_CALLS_HIGH = 10;
/** Distinct personal values in the actor's own model calls from which that finding is high. */
const PERSONAL_HIGH = 50;

export function actorFindings(sc: Awaited<ReturnType<typeof computeScope>>): Finding[] {
  const out: Finding[] = [];
  for (const [ticket, ids] of sc.declaredRecords) {
    out.push(
      makeFinding({
        ruleId: 'context:declared-activity',
        title: `Activity declared under ${ticket}`,
        description: `${ids.length} record(s) from the addresses, keys or principals of the suspicious activity fall inside declared activity ${ticket} and its stated scope: reported as declared, not as the incident.`,
        severity: 'informational',
        elements: ['access'],
        times: [],
        evidence: { eventIds: ids },
        details: { declared: ticket },
        discriminator: ticket,
      }),
    );
  }
  if (sc.actor.eventIds.length) {
    const accessTouch = sc.touched.get('access');
    out.push(
      makeFinding({
        ruleId: 'scope:actor-access',
        title: `Credentials of ${sc.scope.principals.length} principal(s) used by the threat actor`,
        description: `The actor's CloudTrail records: ${sc.actor.eventIds.length} calls with keys ${sc.scope.accessKeyIds.join(', ') || '(none)'} from ${sc.scope.sourceIps.join(', ') || '(unknown)'}. ${sc.notes.join(' ')}`,
        severity: 'high',
        elements: ['access'],
        times: [sc.scope.window.start, sc.scope.window.end],
        principals: sc.scope.principals,
        accessKeyIds: sc.scope.accessKeyIds,
        sourceIps: sc.scope.sourceIps,
        evidence: { eventIds: sc.actor.eventIds },
        attack: ['T1078.004'],
        details: { credentialChanges: accessTouch?.changes.length ?? 0 },
      }),
    );
  }
  for (const [el, t] of sc.touched) {
    if (el === 'access' || el === 'invocation' || el === 'agency' || !t.changes.length) continue;
    const actions = [...t.changedActions].sort();
    out.push(
      makeFinding({
        ruleId: `scope:actor-changes:${el}`,
        title: `The threat actor changed ${ELEMENT_WORDS[el] ?? el}: ${actions.slice(0, 6).join(', ')}${actions.length > 6 ? ', ...' : ''}`,
        severity: 'high',
        elements: [el],
        components: [...t.components],
        times: t.times,
        principals: sc.scope.principals,
        accessKeyIds: sc.scope.accessKeyIds,
        sourceIps: sc.scope.sourceIps,
        resources: [...t.resources],
        evidence: { eventIds: t.changes },
      }),
    );
  }
  if (sc.dataReads.length) {
    const objects = sc.dataReads.reduce((a, d) => a + d.objects, 0);
    const buckets = sc.dataReads.map((d) => d.bucket);
    out.push(
      makeFinding({
        ruleId: 'scope:actor-data-reads',
        title: `The threat actor read ${objects} object(s) of the organisation's data from ${buckets.join(', ')}`,
        description: `Successful object reads by the actor's own credentials from bucket(s) that feed no knowledge base, customisation job or prompt log and that the actor did not write to: ${sc.dataReads.map((d) => `${d.bucket} (${d.objects} object(s), ${d.eventIds.length} read(s))`).join('; ')}. What the objects hold decides whether this is a disclosure of personal data: check the keys read against the bucket's contents.`,
        // a few objects may be the actor finding its way; many is a collection
        severity: objects >= READS_HIGH ? 'high' : 'medium',
        elements: ['private-data'],
        times: sc.dataReads.flatMap((d) => d.times),
        principals: sc.scope.principals,
        accessKeyIds: sc.scope.accessKeyIds,
        sourceIps: sc.scope.sourceIps,
        resources: buckets,
        evidence: { eventIds: sc.dataReads.flatMap((d) => d.eventIds) },
        attack: ['T1530'],
        details: { buckets, objects },
      }),
    );
  }
  if (sc.personalData) {
    const pd = sc.personalData;
    const types = Object.entries(pd.byType)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([t, n]) => `${n} ${t}`)
      .join(', ');
    out.push(
      makeFinding({
        ruleId: 'scope:actor-personal-data',
        title: `The threat actor's own model calls carried ${pd.values} personal value(s) (${types})`,
        description: `Prompts the actor wrote or answers it received in ${pd.requestIds.length} of its own model calls hold ${pd.values} distinct personal values (${types}): personal data in the actor's hands, pasted in from elsewhere or drawn out of the application.`,
        severity: pd.values >= PERSONAL_HIGH ? 'high' : 'medium',
        elements: ['private-data'],
        components: ['foundation-models'],
        times: pd.times,
        principals: sc.scope.principals,
        accessKeyIds: sc.scope.accessKeyIds,
        sourceIps: sc.scope.sourceIps,
        evidence: { requestIds: pd.requestIds },
        details: { values: pd.values, byType: pd.byType },
      }),
    );
  }
  const inv = sc.touched.get('invocation');
  if ((inv && inv.other.length + inv.changes.length > 0) || sc.actor.requestIds.length) {
    // model calls through a role the actor created for them (a state machine's, a function's role):
    // model use it set up to run on its own, not a look at a model
    const delegated = sc.delegated?.requestIds.length ?? 0;
    out.push(
      makeFinding({
        ruleId: 'scope:actor-invocations',
        title: `The threat actor invoked models (${sc.actor.requestIds.length} logged invocations, ${inv ? inv.other.length + inv.changes.length : 0} runtime calls in CloudTrail)${delegated ? `, ${delegated} through role(s) it created` : ''}`,
        severity: delegated >= DELEGATED_CALLS_HIGH ? 'high' : 'medium',
        elements: ['invocation'],
        components: inv ? [...inv.components] : ['foundation-models'],
        times: [...(inv?.times ?? []), sc.scope.window.start],
        principals: sc.scope.principals,
        sourceIps: sc.scope.sourceIps,
        evidence: { requestIds: sc.actor.requestIds, eventIds: inv ? [...inv.other, ...inv.changes] : [] },
        attack: ['AML.T0040'],
      }),
    );
  }
  return out;
}

/**
 * Lists of plain strings in finding details are sets (ids, names, reasons): sorted here so the
 * report is byte-identical for the same input whatever order a query returned them in.
 */
function stableDetails(f: Finding): Finding {
  if (!f.details) return f;
  const fix = (v: unknown, depth: number): unknown => {
    if (depth > 8) return v;
    if (Array.isArray(v)) {
      const items = v.map((x) => fix(x, depth + 1));
      return items.every((x) => typeof x === 'string') ? [...(items as string[])].sort() : items;
    }
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v))
        o[k] = k === 'excerpts' || k === 'spans' ? x : fix(x, depth + 1);
      return o;
    }
    return v;
  };
  return { ...f, details: fix(f.details, 0) as Finding['details'] };
}

function executiveSummary(findings: Finding[], scope: Report['scope'], elements: Report['elements']): string {
  const affected = Object.entries(elements)
    .filter(([, v]) => v.status === 'compromised' || v.status === 'suspicious')
    .map(([k, v]) => `${k} (${v.status})`);
  if (!affected.length) {
    return 'No element of the GenAI workload shows compromise in the supplied evidence.';
  }
  const severe = findings.filter((f) => f.severity === 'high' || f.severity === 'critical').length;
  return `Incident: ${affected.join(', ')}. ${severe} high or critical finding(s). Actor principals: ${
    scope.principals.join(', ') || 'unknown'
  }; addresses: ${scope.sourceIps.join(', ') || 'unknown'}; window ${scope.window.start ?? '?'} to ${scope.window.end ?? '?'}.`;
}

async function filesFromCase(store: CaseStore): Promise<IngestResult['files']> {
  const rows = await store.all('SELECT * FROM files ORDER BY path');
  return rows.map((r) => ({
    sha256: String(r.sha256),
    path: String(r.path),
    format: String(r.format) as IngestResult['files'][number]['format'],
    bytes: Number(r.bytes),
    records: Number(r.records),
    stored: Number(r.stored),
    rejected: Number(r.rejected),
    duplicates: Number(r.duplicates),
    warnings: (r.warnings as string[]) ?? [],
  }));
}

export interface InvestigateOptions extends AnalyseOptions, IngestOptions {}

/** Ingests the evidence into the given case and analyses it. */
export async function investigate(
  store: CaseStore,
  inputs: string[],
  opts: InvestigateOptions = {},
): Promise<Report> {
  opts.onStage?.('ingest');
  const res = await ingest(store, inputs, opts);
  return analyseCase(store, res, opts);
}
