/**
 * Shared, text-only helpers of the responder views (blast radius, principals, entity graph) in the
 * Markdown and HTML writers. Everything returned here is plain text or numbers: the writers escape
 * every string that comes from the report.
 */
import { cmp } from './common.js';
import type { EntityGraph, PrincipalStatsView, PrincipalView } from './extras.js';

/** Most items per blast-radius table, principals, entity-graph entities listed. */
export const MAX_BLAST_ROWS = 50;
export const MAX_PRINCIPALS = 40;
export const MAX_GRAPH_NODES = 300;
export const MAX_GRAPH_EDGES = 600;

/** 1234567 → `1,234,567` (no locale data needed). */
export function fmtInt(n: number): string {
  if (!Number.isFinite(n)) return '0';
  const s = String(Math.round(Math.abs(n)));
  return (n < 0 ? '-' : '') + s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** USD: cents from 1 dollar up, a hundredth of a cent below (small incidents still show a cost). */
export function fmtUsd(n: number): string {
  if (!Number.isFinite(n) || n < 0) return 'USD 0.00';
  if (n === 0) return 'USD 0.00';
  if (n >= 1) {
    const [i, d] = n.toFixed(2).split('.');
    return `USD ${fmtInt(Number(i))}.${d}`;
  }
  return `USD ${n.toFixed(4)}`;
}

/** A yes / no / unknown answer with the words the reader acts on. */
export type Tri = 'yes' | 'no' | 'unknown';
export const tri = (v: boolean | null): Tri => (v === true ? 'yes' : v === false ? 'no' : 'unknown');

/** Counted values as `a ×3, b ×1` parts (capped by the caller). */
export function countedText(xs: readonly { value: string; count: number }[]): string[] {
  return xs.map((x) => (x.count > 1 ? `${x.value} ×${fmtInt(x.count)}` : x.value));
}

/** `first → last` with our time format, from optional times. */
export function seen(
  first: string | undefined,
  last: string | undefined,
  fmt: (s?: string) => string,
): string {
  if (!first && !last) return '';
  if (first && last && first === last) return fmt(first);
  return `${fmt(first) || '…'} → ${fmt(last) || '…'}`;
}

/** One display row of a principal: the actor's share, the others', or all its records. */
export interface PrincipalRow {
  /** actor | other | all */
  split: 'actor' | 'other' | 'all';
  /** `actor`, `others`, `not the actor`, `actor and others`, `all records` */
  label: string;
  /** e.g. `all records` for a principal only the actor used */
  note?: string;
  stats: PrincipalStatsView;
}

/**
 * The rows of a principal: actor and others apart when the actor shares it, one row otherwise
 * (labelled by whose records they are).
 */
export function principalRows(p: PrincipalView): PrincipalRow[] {
  if (p.actor && p.other)
    return [
      { split: 'actor', label: 'actor', stats: p.actor },
      { split: 'other', label: 'others', stats: p.other },
    ];
  const one = p.all ?? p.actor ?? p.other;
  if (!one) return [];
  if (p.actorShare === 'all' || (!p.all && p.actor))
    return [{ split: 'actor', label: 'actor', note: 'all records', stats: one }];
  if (p.actorShare === 'none' || (!p.all && p.other))
    return [{ split: 'other', label: 'not the actor', stats: one }];
  if (p.actorShare === 'some') return [{ split: 'all', label: 'actor and others', stats: one }];
  return [{ split: 'all', label: 'all records', stats: one }];
}

/** Display order of entity types: who and from where first, findings last. */
const TYPE_ORDER = [
  'principal',
  'user',
  'role',
  'access-key',
  'ip',
  'agent',
  'function',
  'model',
  'guardrail',
  'knowledge-base',
  'resource',
];

export const typeRank = (t: string): number => {
  if (t === 'finding') return TYPE_ORDER.length + 2;
  const i = TYPE_ORDER.indexOf(t);
  return i < 0 ? TYPE_ORDER.length : i;
};

export interface GraphNodeView {
  id: string;
  type: string;
  label: string;
}

export interface GraphGroup {
  node: GraphNodeView;
  out: Array<{ label: string; to: GraphNodeView }>;
}

/**
 * The graph as entities with their outgoing relations, entities ordered by type (principals, keys,
 * addresses... findings last) then label. Edges to unknown nodes are dropped; nodes and edges past
 * MAX_GRAPH_NODES / MAX_GRAPH_EDGES are counted in `more`.
 */
export function graphGroups(g: EntityGraph): {
  groups: GraphGroup[];
  byType: Array<{ type: string; nodes: GraphNodeView[] }>;
  moreNodes: number;
  moreEdges: number;
} {
  const seenIds = new Set<string>();
  const nodes: GraphNodeView[] = [];
  for (const n of g.nodes) {
    if (seenIds.has(n.id)) continue;
    seenIds.add(n.id);
    nodes.push({ id: n.id, type: n.type.toLowerCase(), label: n.label || n.id });
  }
  const sorted = [...nodes].sort(
    (a, b) => typeRank(a.type) - typeRank(b.type) || cmp(a.type, b.type) || cmp(a.label, b.label),
  );
  const kept = sorted.slice(0, MAX_GRAPH_NODES);
  const byId = new Map(kept.map((n) => [n.id, n]));
  const groups = new Map<string, GraphGroup>();
  let edges = 0;
  let moreEdges = 0;
  for (const e of g.edges) {
    const a = byId.get(e.from);
    const b = byId.get(e.to);
    if (!a || !b) {
      if (seenIds.has(e.from) && seenIds.has(e.to)) moreEdges++;
      continue;
    }
    if (edges >= MAX_GRAPH_EDGES) {
      moreEdges++;
      continue;
    }
    edges++;
    const grp = groups.get(a.id) ?? { node: a, out: [] };
    grp.out.push({ label: e.label ?? '', to: b });
    groups.set(a.id, grp);
  }
  const byType: Array<{ type: string; nodes: GraphNodeView[] }> = [];
  for (const n of kept) {
    const last = byType[byType.length - 1];
    if (last && last.type === n.type) last.nodes.push(n);
    else byType.push({ type: n.type, nodes: [n] });
  }
  for (const grp of groups.values())
    grp.out.sort(
      (x, y) =>
        typeRank(x.to.type) - typeRank(y.to.type) || cmp(x.to.label, y.to.label) || cmp(x.label, y.label),
    );
  return {
    groups: kept.map((n) => groups.get(n.id)).filter((x): x is GraphGroup => !!x),
    byType,
    moreNodes: nodes.length - kept.length + (g.omitted?.nodes ?? 0),
    moreEdges: moreEdges + (g.omitted?.edges ?? 0),
  };
}

/** The graph bounded for Mermaid: at most MAX_GRAPH_NODES nodes (in type order) and MAX_GRAPH_EDGES edges. */
export function boundedGraph(g: EntityGraph): EntityGraph {
  const { groups, byType } = graphGroups(g);
  return {
    nodes: byType.flatMap((t) => t.nodes),
    edges: groups.flatMap((grp) =>
      grp.out.map((e) => ({ from: grp.node.id, to: e.to.id, label: e.label || undefined })),
    ),
  };
}

/** Short display name of an IAM ARN: `user/adavis`, `role/app-role`; other strings unchanged. */
export function shortPrincipal(arn: string): string {
  const m = /^arn:aws[a-z-]*:(?:iam|sts)::\d{12}:(.+)$/.exec(arn);
  return m ? m[1]! : arn;
}
