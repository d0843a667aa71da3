/**
 * Entity graph → Mermaid flowchart. Node ids in the output are generated (`n0`, `n1`...), never taken
 * from evidence; labels are quoted and every character Mermaid or its HTML labels could interpret is
 * written as a Mermaid entity code (`#quot;`, `#lt;`, `#35;`...).
 */
import { visible } from './escape.js';
import type { EntityGraph } from './extras.js';

export type { EntityGraph };

/** Node types with their own shape and class; anything else is drawn as `other`. */
const SHAPES: Record<string, [string, string]> = {
  principal: ['[', ']'],
  role: ['[', ']'],
  user: ['[', ']'],
  'access-key': ['[/', '/]'],
  ip: ['((', '))'],
  resource: ['[(', ')]'],
  model: ['{{', '}}'],
  guardrail: ['[[', ']]'],
  'knowledge-base': ['[(', ')]'],
  agent: ['[[', ']]'],
  function: ['[[', ']]'],
  finding: ['>', ']'],
  other: ['[', ']'],
};

const CLASS_STYLE: Record<string, string> = {
  principal: 'fill:#e8eefc,stroke:#3a5bbf',
  role: 'fill:#e8eefc,stroke:#3a5bbf',
  user: 'fill:#e8eefc,stroke:#3a5bbf',
  'access-key': 'fill:#fff4e0,stroke:#b26a00',
  ip: 'fill:#fde8e8,stroke:#b3261e',
  resource: 'fill:#eef7ee,stroke:#2e7d32',
  model: 'fill:#f3e8fc,stroke:#6a3bbf',
  guardrail: 'fill:#f3e8fc,stroke:#6a3bbf',
  'knowledge-base': 'fill:#eef7ee,stroke:#2e7d32',
  agent: 'fill:#f3e8fc,stroke:#6a3bbf',
  function: 'fill:#eef7ee,stroke:#2e7d32',
  finding: 'fill:#fde8e8,stroke:#b3261e',
  other: 'fill:#f4f4f4,stroke:#777',
};

/** A Mermaid-safe label: only letters, digits, space and a few harmless marks stay literal. */
export function mermaidLabel(s: string, max = 80): string {
  let v = visible(s).replace(/\s+/g, ' ').trim();
  if (v.length > max) v = `${v.slice(0, max - 1)}…`;
  let out = '';
  for (const ch of v) {
    const cp = ch.codePointAt(0)!;
    if (/[A-Za-z0-9 ._:/@,=+-]/.test(ch) || cp > 0x7f) out += ch;
    else if (ch === '"') out += '#quot;';
    else if (ch === '<') out += '#lt;';
    else if (ch === '>') out += '#gt;';
    else if (ch === '&') out += '#amp;';
    else out += `#${cp};`;
  }
  return out;
}

function shapeKey(t: string): string {
  const k = t.toLowerCase();
  return k in SHAPES ? k : 'other';
}

/** Mermaid `flowchart LR` text (trailing newline). Edges to unknown nodes are dropped. */
export function entityGraphMermaid(graph: EntityGraph): string {
  const lines = ['flowchart LR'];
  const ids = new Map<string, string>();
  const used = new Set<string>();
  graph.nodes.forEach((n) => {
    if (ids.has(n.id)) return;
    const id = `n${ids.size}`;
    ids.set(n.id, id);
    const key = shapeKey(n.type);
    used.add(key);
    const [open, close] = SHAPES[key]!;
    lines.push(`  ${id}${open}"${mermaidLabel(n.label || n.id)}"${close}:::${cls(key)}`);
  });
  for (const e of graph.edges) {
    const a = ids.get(e.from);
    const b = ids.get(e.to);
    if (!a || !b) continue;
    lines.push(e.label ? `  ${a} -->|"${mermaidLabel(e.label, 40)}"| ${b}` : `  ${a} --> ${b}`);
  }
  for (const key of [...used].sort()) lines.push(`  classDef ${cls(key)} ${CLASS_STYLE[key]}`);
  return lines.join('\n') + '\n';
}

function cls(key: string): string {
  return `t_${key.replace(/-/g, '_')}`;
}
