/**
 * Who archived a GuardDuty finding. An archived finding is "reviewed and closed" only when the
 * evidence says who closed it: an `ArchiveFindings` call naming it, or a suppression rule
 * (`CreateFilter` / `UpdateFilter` with action `ARCHIVE`) whose criteria match it and that was in
 * force when GuardDuty made it. A rule created by the very principal, key or address the finding is
 * about (or by the actor other findings show) archives evidence of its creator's own activity: that
 * finding was suppressed, not reviewed, and the triage must not lower it.
 *
 * Criteria are matched as GuardDuty does (every criterion must hold; `eq`/`equals` any of its values,
 * `neq`/`notEquals` none, the numeric comparisons, `matches`/`notMatches` with `*` and `?` wildcards)
 * against the finding's own JSON. A criterion on a field the finding does not carry, or an operator
 * not known here, is not taken as matching: the tool only claims a rule archived a finding when it
 * can show it. Evidence is hostile: criteria are walked under caps, values compared as text or
 * numbers, never evaluated.
 */
import { actionList, type CtRow, type Env, loadEvents } from './context.js';
import { wildcardMatch } from './wildcard.js';

export interface SuppressionRule {
  /** CloudTrail record that created or last changed the rule */
  rec: CtRow;
  region: string | null;
  detectorId: string | null;
  name: string;
  criteria: Record<string, unknown>;
  /** when the rule stopped archiving (deleted, or changed to a non-archive action), if it did */
  until: string | null;
}

export interface ArchiveCall {
  rec: CtRow;
  region: string | null;
  detectorId: string | null;
  findingIds: Set<string>;
}

/** What the evidence says archived a finding. */
export type ArchiveCause =
  | { kind: 'call'; rec: CtRow }
  | { kind: 'rule'; rules: SuppressionRule[] }
  | { kind: 'unknown' };

const MAX_CRITERIA = 50;
const MAX_VALUES = 100;
const MAX_IDS = 1000;

const str = (v: unknown): string | null =>
  typeof v === 'string' && v.length > 0 && v.length < 512 ? v : null;
const obj = (v: unknown): Record<string, unknown> | null =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/** Suppression rules and archive calls of the evidence (successful calls only), oldest first. */
export async function loadArchiving(env: Env): Promise<{ rules: SuppressionRule[]; calls: ArchiveCall[] }> {
  const rows = await loadEvents(
    env.db,
    `service = 'guardduty.amazonaws.com' AND action IN (${actionList(['CreateFilter', 'UpdateFilter', 'DeleteFilter', 'ArchiveFindings'])}) AND error_code IS NULL`,
    [],
    { resp: false, extra: false },
  );
  const rules: SuppressionRule[] = [];
  const calls: ArchiveCall[] = [];
  // the rule currently in force per detector and name (an update without an action keeps the old one)
  const current = new Map<string, SuppressionRule>();
  for (const r of rows) {
    const rp = obj(r.req) ?? {};
    const detectorId = str(rp.detectorId);
    if (r.action === 'ArchiveFindings') {
      const ids = Array.isArray(rp.findingIds) ? rp.findingIds.slice(0, MAX_IDS) : [];
      calls.push({
        rec: r,
        region: r.region,
        detectorId,
        findingIds: new Set(ids.map(str).filter((x): x is string => !!x)),
      });
      continue;
    }
    const name = str(rp.filterName) ?? str(rp.name);
    if (!name) continue;
    const key = `${r.region ?? ''}|${detectorId ?? ''}|${name}`;
    const prev = current.get(key);
    if (prev) {
      prev.until = r.time;
      current.delete(key);
    }
    if (r.action === 'DeleteFilter') continue;
    const action = str(rp.action) ?? (r.action === 'UpdateFilter' && prev ? 'ARCHIVE' : null);
    if (action?.toUpperCase() !== 'ARCHIVE') continue;
    const crit =
      obj(obj(rp.findingCriteria)?.criterion) ?? (r.action === 'UpdateFilter' ? prev?.criteria : null);
    if (!crit) continue;
    const rule: SuppressionRule = { rec: r, region: r.region, detectorId, name, criteria: crit, until: null };
    rules.push(rule);
    current.set(key, rule);
  }
  return { rules, calls };
}

/** The values at a dotted attribute path of a finding (lists are walked; keys matched in either first-letter case). */
export function valuesAt(finding: unknown, path: string): unknown[] {
  let cur: unknown[] = [finding];
  for (const seg of path.split('.').slice(0, 12)) {
    const next: unknown[] = [];
    for (const c of cur) {
      const items = Array.isArray(c) ? c.slice(0, MAX_VALUES) : [c];
      for (const it of items) {
        const o = obj(it);
        if (!o) continue;
        const alt = seg.charAt(0).toUpperCase() + seg.slice(1);
        const v = seg in o ? o[seg] : o[alt];
        if (v !== undefined && v !== null) next.push(v);
      }
    }
    cur = next.slice(0, MAX_VALUES);
    if (!cur.length) return [];
  }
  return cur.flatMap((v) => (Array.isArray(v) ? v.slice(0, MAX_VALUES) : [v]));
}

function scalar(v: unknown): string | number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.length < 512) return v;
  if (typeof v === 'boolean') return String(v);
  return null;
}

function asNumber(v: string | number): number | null {
  if (typeof v === 'number') return v;
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : t;
}

const EQ = new Set(['eq', 'equals']);
const NEQ = new Set(['neq', 'notEquals']);
const CMP: Record<string, (a: number, b: number) => boolean> = {
  gt: (a, b) => a > b,
  greaterThan: (a, b) => a > b,
  gte: (a, b) => a >= b,
  greaterThanOrEqual: (a, b) => a >= b,
  lt: (a, b) => a < b,
  lessThan: (a, b) => a < b,
  lte: (a, b) => a <= b,
  lessThanOrEqual: (a, b) => a <= b,
};

/** Whether one criterion (`{"equals": [...]}`, `{"gte": 7}`, ...) holds for the finding's values. */
function conditionHolds(cond: Record<string, unknown>, found: Array<string | number>): boolean {
  const ops = Object.entries(cond).slice(0, 10);
  if (!ops.length) return false;
  for (const [op, raw] of ops) {
    const list = (Array.isArray(raw) ? raw.slice(0, MAX_VALUES) : [raw])
      .map(scalar)
      .filter((x): x is string | number => x !== null);
    if (EQ.has(op)) {
      if (!found.some((f) => list.some((v) => String(v) === String(f)))) return false;
    } else if (NEQ.has(op)) {
      if (!found.length || found.some((f) => list.some((v) => String(v) === String(f)))) return false;
    } else if (op === 'matches') {
      if (!found.some((f) => list.some((v) => typeof v === 'string' && wildcardMatch(v, String(f)))))
        return false;
    } else if (op === 'notMatches') {
      if (
        !found.length ||
        found.some((f) => list.some((v) => typeof v === 'string' && wildcardMatch(v, String(f))))
      )
        return false;
    } else if (CMP[op]) {
      const b = list.length ? asNumber(list[0]) : null;
      if (b === null) return false;
      if (
        !found.some((f) => {
          const a = asNumber(f);
          return a !== null && CMP[op](a, b);
        })
      )
        return false;
    } else return false;
  }
  return true;
}

/** Whether every criterion of a rule holds for a finding (its original JSON). */
export function criteriaMatch(criteria: Record<string, unknown>, finding: unknown): boolean {
  const entries = Object.entries(criteria).slice(0, MAX_CRITERIA);
  if (!entries.length) return false;
  for (const [path, cond] of entries) {
    const c = obj(cond);
    if (!c) return false;
    const found = valuesAt(finding, path)
      .map(scalar)
      .filter((x): x is string | number => x !== null);
    if (!conditionHolds(c, found)) return false;
  }
  return true;
}

export interface ArchivedFinding {
  findingId: string;
  region: string | null;
  /** when GuardDuty made the finding (created, else first seen) */
  created: string | null;
  raw: Record<string, unknown>;
}

/** What archived a finding: an archive call naming it, else the rules in force when it was made whose criteria match it. */
export function archiveCause(
  f: ArchivedFinding,
  rules: SuppressionRule[],
  calls: ArchiveCall[],
): ArchiveCause {
  const detector = str(obj(f.raw.service ?? f.raw.Service)?.detectorId);
  const sameDetector = (region: string | null, det: string | null): boolean =>
    (!f.region || !region || region === f.region) && (!detector || !det || det === detector);
  const call = calls.find((c) => c.findingIds.has(f.findingId) && sameDetector(c.region, c.detectorId));
  if (call) return { kind: 'call', rec: call.rec };
  const t = f.created ? Date.parse(f.created) : Number.NaN;
  const inForce = rules.filter(
    (r) =>
      sameDetector(r.region, r.detectorId) &&
      !Number.isNaN(t) &&
      Date.parse(r.rec.time) <= t &&
      (!r.until || Date.parse(r.until) > t) &&
      criteriaMatch(r.criteria, f.raw),
  );
  return inForce.length ? { kind: 'rule', rules: inForce } : { kind: 'unknown' };
}

/** A rule's ARN when the record gives Region, account and detector; else its name. */
export function ruleArn(r: SuppressionRule): string {
  const acct = r.rec.account;
  return r.region && acct && r.detectorId
    ? `arn:aws:guardduty:${r.region}:${acct}:detector/${r.detectorId}/filter/${r.name}`
    : r.name;
}
