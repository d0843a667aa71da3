/**
 * Batch scanner: `{"id","text"[, "kind"]}` per input line → `{"id","verdict","score","categories"}` per output
 * line. A line that is not valid JSON, or has no string `text`, yields `{"id"?, "line", "error"}` and the run
 * goes on. Backpressure on the output stream is respected.
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { analyzePrompt, type PromptKind } from './prompt.js';

export interface ScanSummary {
  lines: number;
  scanned: number;
  attacks: number;
  errors: number;
}

export interface ScanPromptsOptions {
  /** kind used when a line has none (default 'user') */
  kind?: PromptKind;
}

const KINDS = new Set<PromptKind>(['user', 'document', 'tool_result', 'system']);

async function write(out: Writable, line: string): Promise<void> {
  if (!out.write(`${line}\n`)) await once(out, 'drain');
}

/** Scan a JSONL stream of prompts; resolves with counts once the input is consumed. */
export async function scanPromptsJsonl(
  input: Readable | AsyncIterable<string | Buffer>,
  output: Writable,
  opts: ScanPromptsOptions = {},
): Promise<ScanSummary> {
  const summary: ScanSummary = { lines: 0, scanned: 0, attacks: 0, errors: 0 };
  const lines =
    'pipe' in (input as Readable)
      ? createInterface({ input: input as Readable, crlfDelay: Number.POSITIVE_INFINITY })
      : splitLines(input as AsyncIterable<string | Buffer>);
  for await (const raw of lines) {
    summary.lines++;
    const line = raw.trim();
    if (line.length === 0) continue;
    let rec: unknown;
    try {
      rec = JSON.parse(line);
    } catch (e) {
      summary.errors++;
      await write(
        output,
        JSON.stringify({ line: summary.lines, error: `invalid JSON: ${(e as Error).message}` }),
      );
      continue;
    }
    const obj = rec as { id?: unknown; text?: unknown; kind?: unknown } | null;
    const id = obj && typeof obj === 'object' && !Array.isArray(obj) ? obj.id : undefined;
    if (!obj || typeof obj !== 'object' || Array.isArray(obj) || typeof obj.text !== 'string') {
      summary.errors++;
      await write(
        output,
        JSON.stringify({
          ...(id !== undefined ? { id } : {}),
          line: summary.lines,
          error: 'expected an object with a string "text"',
        }),
      );
      continue;
    }
    const kind =
      typeof obj.kind === 'string' && KINDS.has(obj.kind as PromptKind)
        ? (obj.kind as PromptKind)
        : (opts.kind ?? 'user');
    try {
      const r = analyzePrompt(obj.text, { kind });
      summary.scanned++;
      if (r.verdict === 'attack') summary.attacks++;
      await write(
        output,
        JSON.stringify({
          id: id ?? null,
          verdict: r.verdict,
          score: Math.round(r.score * 10000) / 10000,
          categories: r.categories,
        }),
      );
    } catch (e) {
      summary.errors++;
      await write(
        output,
        JSON.stringify({
          id: id ?? null,
          line: summary.lines,
          error: `analysis failed: ${(e as Error).message}`,
        }),
      );
    }
  }
  return summary;
}

async function* splitLines(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<string> {
  let buf = '';
  const decoder = new TextDecoder();
  for await (const c of chunks) {
    buf += typeof c === 'string' ? c : decoder.decode(c, { stream: true });
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      yield buf.slice(0, nl).replace(/\r$/, '');
      buf = buf.slice(nl + 1);
      nl = buf.indexOf('\n');
    }
  }
  buf += decoder.decode();
  if (buf.length > 0) yield buf;
}
