/**
 * The detection interface. A detector reads the case through `Queryable` and returns findings;
 * Sigma rules (rules/*.yml) become detectors through the Sigma compiler, code detectors live in
 * src/analysis/<element>.ts. Finding ids are content hashes: the same input gives the same id.
 */
import { createHash } from 'node:crypto';
import type { Component, Element, EvidenceRefs, Finding, Json, Severity } from '../model/types.js';
import type { Queryable } from '../store/case-store.js';
import type { IdentityOf } from './principal-names.js';

export interface DetectContext {
  db: Queryable;
  /** findings already produced by earlier stages (external findings, other detectors) */
  findings: Finding[];
  /** free-form shared results between stages (baselines, analyser verdicts) */
  shared: Map<string, unknown>;
  /** what the reader should know about this run (a rule that could not run, hits left unread) */
  notes?: string[];
  /** the IAM identity behind an ARN, by its full ARN when this case's evidence gives it (engine/principal-names.ts) */
  identityOf: IdentityOf;
}

export interface Detector {
  id: string;
  /** what the detector looks for, one line */
  title: string;
  elements: Element[];
  /** run after these detectors (by id) */
  after?: string[];
  run(ctx: DetectContext): Promise<Finding[]>;
}

const uniq = (xs: Iterable<string | null | undefined>): string[] => {
  const s = new Set<string>();
  for (const x of xs) if (x) s.add(x);
  return [...s].sort();
};

export interface FindingInput {
  ruleId: string;
  title: string;
  description?: string;
  severity: Severity;
  elements: Element[];
  components?: Component[];
  times: Array<string | null | undefined>;
  principals?: Array<string | null | undefined>;
  accessKeyIds?: Array<string | null | undefined>;
  sourceIps?: Array<string | null | undefined>;
  resources?: Array<string | null | undefined>;
  attack?: string[];
  evidence: {
    eventIds?: Array<string | null | undefined>;
    requestIds?: Array<string | null | undefined>;
    traceIds?: Array<string | null | undefined>;
    findingIds?: Array<string | null | undefined>;
    records?: Array<string | null | undefined>;
  };
  details?: Record<string, Json>;
  /** extra key that distinguishes two findings of one rule over the same records */
  discriminator?: string;
}

/** Builds a finding with sorted, de-duplicated lists and a stable id. */
export function makeFinding(f: FindingInput): Finding {
  const times = uniq(f.times);
  const evidence: EvidenceRefs = {};
  for (const k of ['eventIds', 'requestIds', 'traceIds', 'findingIds', 'records'] as const) {
    const v = uniq(f.evidence[k] ?? []);
    if (v.length) evidence[k] = v;
  }
  const h = createHash('sha256');
  h.update(f.ruleId);
  h.update('\0');
  // a finding without records of its own (a posture note, a per-principal summary) is told apart by
  // what it is about, or two of them under one rule would share an id and one would be dropped
  const about = Object.keys(evidence).length
    ? ''
    : JSON.stringify([
        f.title,
        uniq(f.principals ?? []),
        uniq(f.accessKeyIds ?? []),
        uniq(f.resources ?? []),
      ]);
  h.update(f.discriminator ?? about);
  for (const k of Object.keys(evidence).sort()) {
    h.update(`\0${k}`);
    for (const id of evidence[k as keyof EvidenceRefs] ?? []) h.update(`\0${id}`);
  }
  const out: Finding = {
    id: `gir-${h.digest('hex').slice(0, 20)}`,
    ruleId: f.ruleId,
    title: f.title,
    severity: f.severity,
    elements: [...new Set(f.elements)],
    firstSeen: times[0] ?? '1970-01-01T00:00:00.000Z',
    lastSeen: times[times.length - 1] ?? times[0] ?? '1970-01-01T00:00:00.000Z',
    evidence,
  };
  if (f.description) out.description = f.description;
  if (f.components?.length) out.components = [...new Set(f.components)];
  const principals = uniq(f.principals ?? []);
  if (principals.length) out.principals = principals;
  const keys = uniq(f.accessKeyIds ?? []);
  if (keys.length) out.accessKeyIds = keys;
  const ips = uniq(f.sourceIps ?? []);
  if (ips.length) out.sourceIps = ips;
  const res = uniq(f.resources ?? []);
  if (res.length) out.resources = res;
  if (f.attack?.length) out.attack = uniq(f.attack);
  if (f.details) out.details = f.details;
  return out;
}

export const SEVERITY_RANK: Record<Severity, number> = {
  informational: 0,
  low: 1,
  medium: 2,
  high: 3,
  critical: 4,
};

/** Stable order: severity desc, first seen, id. */
export function sortFindings(fs: Finding[]): Finding[] {
  return [...fs].sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      a.firstSeen.localeCompare(b.firstSeen) ||
      a.id.localeCompare(b.id),
  );
}
