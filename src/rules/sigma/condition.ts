/**
 * The Sigma condition language, parsed by a small recursive-descent parser.
 *
 *   expr    := and ('or' and)*
 *   and     := not ('and' not)*
 *   not     := 'not' not | primary
 *   primary := '(' expr ')' | quant | IDENT
 *   quant   := ('1' | 'all' | 'any' | N) 'of' (PATTERN | 'them')
 *
 * Precedence (least to most binding): or, and, not, x of, ( ). Keywords are case-insensitive.
 * A legacy Sigma 1 aggregation (`sel | count() by f > 5`, `a | near b`) after a top-level `|` is
 * split off and described, so the caller can explain or translate it.
 */
import { type ConditionNode, type LegacyAggregation, type ParsedCondition, SigmaError } from './types.js';

interface Token {
  kind: 'lp' | 'rp' | 'word';
  text: string;
  pos: number;
}

const WORD = /[A-Za-z0-9_*?.\-$@]/;

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const ch = s[i];
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '(' || ch === ')') {
      out.push({ kind: ch === '(' ? 'lp' : 'rp', text: ch, pos: i });
      i++;
      continue;
    }
    if (WORD.test(ch)) {
      const start = i;
      while (i < s.length && WORD.test(s[i])) i++;
      out.push({ kind: 'word', text: s.slice(start, i), pos: start });
      continue;
    }
    throw new SigmaError(`condition: unexpected character ${JSON.stringify(ch)} at position ${i + 1}`);
  }
  return out;
}

const KEYWORDS = new Set(['and', 'or', 'not', 'of', 'them', 'all', 'any']);

class Parser {
  private i = 0;
  constructor(
    private readonly toks: Token[],
    private readonly text: string,
  ) {}

  parse(): ConditionNode {
    if (this.toks.length === 0) throw new SigmaError('condition is empty');
    const e = this.expr();
    if (this.i < this.toks.length) {
      const t = this.toks[this.i];
      throw new SigmaError(`condition: unexpected ${JSON.stringify(t.text)} at position ${t.pos + 1}`);
    }
    return e;
  }

  private peekWord(): string | null {
    const t = this.toks[this.i];
    return t && t.kind === 'word' ? t.text.toLowerCase() : null;
  }

  private expr(): ConditionNode {
    const args = [this.and()];
    while (this.peekWord() === 'or') {
      this.i++;
      args.push(this.and());
    }
    return args.length === 1 ? args[0] : { op: 'or', args };
  }

  private and(): ConditionNode {
    const args = [this.not()];
    while (this.peekWord() === 'and') {
      this.i++;
      args.push(this.not());
    }
    return args.length === 1 ? args[0] : { op: 'and', args };
  }

  private not(): ConditionNode {
    if (this.peekWord() === 'not') {
      this.i++;
      return { op: 'not', arg: this.not() };
    }
    return this.primary();
  }

  private primary(): ConditionNode {
    const t = this.toks[this.i];
    if (!t) throw new SigmaError(`condition: unexpected end of "${this.text}"`);
    if (t.kind === 'lp') {
      this.i++;
      const e = this.expr();
      const close = this.toks[this.i];
      if (close?.kind !== 'rp') throw new SigmaError(`condition: missing ")" in "${this.text}"`);
      this.i++;
      return e;
    }
    if (t.kind === 'rp') throw new SigmaError(`condition: unexpected ")" at position ${t.pos + 1}`);
    const w = t.text.toLowerCase();
    const next = this.toks[this.i + 1];
    if (next && next.kind === 'word' && next.text.toLowerCase() === 'of') {
      let count: 'all' | number;
      if (w === 'all') count = 'all';
      else if (w === 'any') count = 1;
      else if (/^[1-9][0-9]{0,3}$/.test(w)) count = Number(w);
      else throw new SigmaError(`condition: "${t.text} of" must be "1 of" or "all of"`);
      this.i += 2;
      const target = this.toks[this.i];
      if (target?.kind !== 'word')
        throw new SigmaError(`condition: "${t.text} of" needs a pattern or "them"`);
      this.i++;
      if (target.text.toLowerCase() === 'them') return { op: 'of', count, pattern: null };
      if (KEYWORDS.has(target.text.toLowerCase())) {
        throw new SigmaError(`condition: "${target.text}" cannot follow "of"`);
      }
      return { op: 'of', count, pattern: target.text };
    }
    if (KEYWORDS.has(w)) throw new SigmaError(`condition: unexpected "${t.text}" at position ${t.pos + 1}`);
    if (/[*?]/.test(t.text)) {
      throw new SigmaError(`condition: wildcard "${t.text}" is only allowed after "1 of" / "all of"`);
    }
    this.i++;
    return { op: 'id', name: t.text };
  }
}

/** Splits `expr | aggregation` at the first `|` outside parentheses. */
function splitPipe(text: string): [string, string | null] {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === '|' && depth === 0) return [text.slice(0, i), text.slice(i + 1).trim()];
  }
  return [text, null];
}

const OPS = new Set(['>', '>=', '<', '<=', '=', '==', '!=']);

export function parseLegacyAggregation(text: string): LegacyAggregation {
  const count =
    /^count\(\s*([A-Za-z0-9_.-]*)\s*\)(?:\s+by\s+([A-Za-z0-9_.-]+(?:\s*,\s*[A-Za-z0-9_.-]+)*))?\s*(>=|<=|==|!=|>|<|=)\s*(\d+)\s*$/i.exec(
      text,
    );
  if (count) {
    const op = count[3] === '==' ? '=' : count[3];
    if (!OPS.has(op)) return { text, kind: 'other' };
    return {
      text,
      kind: 'count',
      field: count[1] || undefined,
      by: count[2] ? count[2].split(',').map((s) => s.trim()) : [],
      op: op as LegacyAggregation['op'],
      value: Number(count[4]),
    };
  }
  const near = /^near\s+(.+)$/i.exec(text);
  if (near) return { text, kind: 'near', near: near[1].trim() };
  return { text, kind: 'other' };
}

export function parseCondition(text: string): ParsedCondition {
  if (typeof text !== 'string') throw new SigmaError('condition must be a string or a list of strings');
  const [expr, agg] = splitPipe(text);
  const ast = new Parser(tokenize(expr), expr.trim()).parse();
  const out: ParsedCondition = { text, ast };
  if (agg !== null) out.aggregation = parseLegacyAggregation(agg);
  return out;
}

/** Glob match of a search-identifier pattern (`*` any run, `?` one character). */
export function matchIdentifierPattern(pattern: string, name: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]-]/g, '\\$&')))
      .join('')}$`,
  );
  return re.test(name);
}

/** Search identifiers an `of` node selects; `them` excludes names starting with `_`. */
export function expandOf(pattern: string | null, names: string[]): string[] {
  if (pattern === null) return names.filter((n) => !n.startsWith('_'));
  return names.filter((n) => matchIdentifierPattern(pattern, n));
}

/** Every identifier and pattern a condition refers to (for the linter). */
export function conditionRefs(ast: ConditionNode): { ids: string[]; patterns: (string | null)[] } {
  const ids: string[] = [];
  const patterns: (string | null)[] = [];
  const walk = (n: ConditionNode): void => {
    if (n.op === 'id') ids.push(n.name);
    else if (n.op === 'of') patterns.push(n.pattern);
    else if (n.op === 'not') walk(n.arg);
    else n.args.forEach(walk);
  };
  walk(ast);
  return { ids, patterns };
}
