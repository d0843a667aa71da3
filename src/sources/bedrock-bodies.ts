/**
 * Request and response bodies of Bedrock runtime calls, as model-invocation logging records them
 * (`input.inputBodyJson`, `output.outputBodyJson`), for every provider's native format and the
 * Converse API:
 *
 * - Anthropic messages API (`system`, `messages[].content` blocks: text, image, document,
 *   tool_use, tool_result) and the legacy completion API (`prompt` with `\n\nHuman:` turns);
 * - Amazon Titan text (`inputText`, `results[].outputText`), Titan/Nova image (`textToImageParams`),
 *   Amazon Nova (`messages`/`system` as Converse, `output.message.content`);
 * - Meta Llama (`prompt` with `<|start_header_id|>` or `[INST]` markup, `generation`);
 * - Mistral (`prompt` with `[INST]`, `outputs[].text`; chat `messages`, `choices[].message`);
 * - Cohere Command R (`message`, `chat_history`, `preamble`, `documents`, `tool_results`; `text`),
 *   Command (`prompt`, `generations[].text`), Embed (`texts`);
 * - AI21 Jurassic (`prompt`, `completions[].data.text`) and Jamba (OpenAI-style `messages`/`choices`);
 * - Converse / ConverseStream (`messages[].content[]` text, toolUse, toolResult, document,
 *   guardContent; `system[]`; `output.message.content`; `trace.guardrail`);
 * - ApplyGuardrail (`content[].text.text`; `action`, `assessments`, `outputs`);
 * - streamed responses: the output body is the array of chunks (Anthropic `content_block_delta`,
 *   Converse `contentBlockDelta`/`metadata`, Titan `outputText`, Llama `generation`, Mistral
 *   `outputs`, OpenAI-style `choices[].delta`, Cohere `text-generation`), deltas concatenated.
 *
 * Pure functions: nothing here knows about records, files or limits.
 */
import type { Json, PromptPart, ToolUse } from '../model/types.js';
import { get, isObj, num, type Obj, str } from './util.js';

// ---- providers ------------------------------------------------------------------------------

/** Cross-region inference-profile prefixes (`us.anthropic...`, `global.anthropic...`). */
export const GEO_PREFIX = /^(?:us|eu|apac|ap|global|us-gov|jp|au|ca|sa|me|af|il|mx)\./;

/**
 * The provider of a model id: `anthropic.claude-3-haiku-20240307-v1:0` → anthropic; also
 * inference profiles (`us.meta.llama3-...`), foundation-model and inference-profile ARNs, and custom
 * model ARNs that name their base model. Null when the id does not say (provisioned throughput,
 * application inference profiles, imported models).
 */
export function providerFromModelId(modelId: string | null): string | null {
  if (!modelId) return null;
  let id = modelId.trim();
  if (id.startsWith('arn:')) {
    // arn:aws:bedrock:<region>:<acct>:<type>/<id>[/<more>]
    const res = id.split(':').slice(5).join(':');
    const segs = res.split('/').slice(1);
    const named = segs.find((s) => /^[a-z0-9-]+\.[a-z0-9]/i.test(s.replace(GEO_PREFIX, '')));
    if (!named) return null;
    id = named;
  }
  id = id.replace(GEO_PREFIX, '');
  const m = /^([a-z][a-z0-9-]*)\.[a-z0-9]/i.exec(id);
  return m ? m[1].toLowerCase() : null;
}

/** The provider a native request body is written for, when the model id does not tell. */
export function providerFromBody(body: unknown): string | null {
  if (!isObj(body)) return null;
  if ('anthropic_version' in body || 'max_tokens_to_sample' in body) return 'anthropic';
  if (typeof body.inputText === 'string' || isObj(body.textGenerationConfig)) return 'amazon';
  if (body.schemaVersion === 'messages-v1' || isObj(body.textToImageParams)) return 'amazon';
  if ('max_gen_len' in body) return 'meta';
  if (typeof body.message === 'string' || Array.isArray(body.chat_history) || 'preamble' in body)
    return 'cohere';
  if (typeof body.prompt === 'string') {
    if (body.prompt.includes('<|start_header_id|>')) return 'meta';
    if (body.prompt.includes('\n\nHuman:')) return 'anthropic';
    if (body.prompt.includes('[INST]')) return 'mistral';
  }
  return null;
}

// ---- request bodies -------------------------------------------------------------------------

export interface RequestInfo {
  /** the request's text parts, in order */
  parts: PromptPart[];
  /** the text of the last user turn that has text */
  lastUser: string;
  /** inference parameters (normalised names) and other scalar settings of the body */
  params: { [k: string]: Json };
  guardrailId: string | null;
  guardrailVersion: string | null;
}

type Role = PromptPart['role'];

class Parts {
  readonly parts: PromptPart[] = [];
  lastUser = '';
  add(role: Role, text: string): void {
    if (!text) return;
    this.parts.push({ role, text });
  }
  /** one user turn: its text parts count as the last user turn when it has text */
  userTurn(texts: string[]): void {
    const t = texts.filter(Boolean).join('\n');
    if (t) {
      this.add('user', t);
      this.lastUser = t;
    }
  }
}

const TEXT_FORMATS = new Set(['txt', 'md', 'csv', 'html', 'htm', 'json', 'xml', 'text', 'markdown']);

/** Decodes base64 that carries UTF-8 text; null when it is not that. */
export function base64Text(s: string): string | null {
  if (s.length < 4 || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return null;
  try {
    const t = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(s, 'base64'));
    // mostly printable
    let bad = 0;
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c < 32 && c !== 9 && c !== 10 && c !== 13) bad++;
    }
    return bad > t.length / 20 ? null : t;
  } catch {
    return null;
  }
}

/** Text of a document block (Anthropic `document`, Converse `document`). */
function documentText(d: Obj): string {
  const name = str(d.name) ?? str(d.title);
  const src = isObj(d.source) ? d.source : null;
  let text = '';
  if (src) {
    if (typeof src.text === 'string') text = src.text;
    else if (src.type === 'text' && typeof src.data === 'string') text = src.data;
    else if (Array.isArray(src.content)) text = blocksText(src.content);
    else if (typeof src.bytes === 'string') {
      const fmt = (str(d.format) ?? '').toLowerCase();
      text = (TEXT_FORMATS.has(fmt) ? base64Text(src.bytes) : null) ?? `[${fmt || 'binary'} document]`;
    } else if (typeof src.data === 'string') {
      const mt = str(src.media_type) ?? '';
      text = (mt.startsWith('text/') ? base64Text(src.data) : null) ?? `[${mt || 'binary'} document]`;
    } else if (isObj(src.s3Location)) text = `[document at ${str(src.s3Location.uri) ?? 's3'}]`;
  }
  const ctx = typeof d.context === 'string' ? d.context : '';
  return [name ? `[${name}]` : '', ctx, text].filter(Boolean).join('\n');
}

/** Plain text of content blocks (tool results, documents): text and JSON, images left out. */
function blocksText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return isObj(content) ? jsonText(content) : '';
  const out: string[] = [];
  for (const b of content) {
    if (typeof b === 'string') out.push(b);
    else if (!isObj(b)) continue;
    else if (typeof b.text === 'string') out.push(b.text);
    else if (isObj(b.text) && typeof b.text.text === 'string') out.push(b.text.text);
    else if (b.json !== undefined) out.push(jsonText(b.json));
    else if (isObj(b.document)) out.push(documentText(b.document));
    else if (b.type === 'document') out.push(documentText(b));
    else if (isObj(b.guardContent)) out.push(guardText(b.guardContent));
  }
  return out.filter(Boolean).join('\n');
}

function jsonText(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '';
  }
}

function guardText(g: Obj): string {
  return str(get(g, 'text', 'text')) ?? str(g.text) ?? '';
}

/**
 * One chat message in any of the block formats (Anthropic, Converse, Nova, OpenAI-style): its own
 * text, and the tool results and documents it carries.
 */
function readMessage(m: unknown, out: Parts): void {
  if (!isObj(m)) return;
  const role = (str(m.role) ?? 'user').toLowerCase();
  const texts: string[] = [];
  const side: Array<{ role: Role; text: string }> = [];
  const c = m.content;
  if (typeof c === 'string') texts.push(c);
  else if (Array.isArray(c)) {
    for (const b of c) {
      if (typeof b === 'string') {
        texts.push(b);
        continue;
      }
      if (!isObj(b)) continue;
      const type = str(b.type);
      if (type === 'tool_result') side.push({ role: 'tool_result', text: blocksText(b.content) });
      else if (isObj(b.toolResult))
        side.push({ role: 'tool_result', text: blocksText(b.toolResult.content) });
      else if (type === 'document') side.push({ role: 'document', text: documentText(b) });
      else if (isObj(b.document)) side.push({ role: 'document', text: documentText(b.document) });
      else if (isObj(b.guardContent)) texts.push(guardText(b.guardContent));
      else if (type === 'text' || (type === null && typeof b.text === 'string')) {
        if (typeof b.text === 'string') texts.push(b.text);
      }
      // images, tool uses in history, thinking and cache points carry no prompt text
    }
  } else if (isObj(c)) {
    if (typeof c.text === 'string') texts.push(c.text);
  }
  if (role === 'tool' || role === 'ipython' || role === 'function') {
    out.add('tool_result', texts.join('\n'));
  } else if (role === 'system' || role === 'developer') {
    out.add('system', texts.join('\n'));
  } else if (role === 'assistant' || role === 'model' || role === 'chatbot') {
    out.add('assistant', texts.join('\n'));
  } else {
    out.userTurn(texts);
  }
  for (const s of side) out.add(s.role, s.text);
}

function readSystem(s: unknown, out: Parts): void {
  if (typeof s === 'string') out.add('system', s);
  else if (Array.isArray(s)) out.add('system', blocksText(s));
}

/** `prompt` strings: Anthropic legacy, Llama 3, Llama 2 / Mistral `[INST]`, DeepSeek, or plain. */
function readPromptString(p: string, out: Parts): void {
  if (/(^|\n\n)Human:/.test(p)) {
    const re = /(?:^|\n\n)(Human|Assistant):/g;
    const marks: Array<{ who: string; start: number; end: number }> = [];
    for (let m = re.exec(p); m; m = re.exec(p))
      marks.push({ who: m[1], start: m.index, end: m.index + m[0].length });
    out.add('system', p.slice(0, marks[0]?.start ?? 0).trim());
    marks.forEach((mk, i) => {
      const t = p.slice(mk.end, marks[i + 1]?.start ?? p.length).trim();
      if (mk.who === 'Human') out.userTurn([t]);
      else out.add('assistant', t);
    });
    return;
  }
  if (p.includes('<|start_header_id|>')) {
    const re =
      /<\|start_header_id\|>([^<]*)<\|end_header_id\|>([\s\S]*?)(?=<\|eot_id\|>|<\|start_header_id\|>|$)/g;
    for (let m = re.exec(p); m; m = re.exec(p)) {
      const role = m[1].trim().toLowerCase();
      const t = m[2].trim();
      if (role === 'system') out.add('system', t);
      else if (role === 'assistant') out.add('assistant', t);
      else if (role === 'ipython' || role === 'tool') out.add('tool_result', t);
      else out.userTurn([t]);
    }
    return;
  }
  if (p.includes('[INST]')) {
    const re = /\[INST\]([\s\S]*?)\[\/INST\]([\s\S]*?)(?=\[INST\]|<s>\s*\[INST\]|$)/g;
    for (let m = re.exec(p); m; m = re.exec(p)) {
      let u = m[1];
      const sys = /<<SYS>>([\s\S]*?)<<\/SYS>>/.exec(u);
      if (sys) {
        out.add('system', sys[1].trim());
        u = u.replace(sys[0], '');
      }
      out.userTurn([u.trim()]);
      out.add('assistant', m[2].replace(/<\/?s>/g, '').trim());
    }
    return;
  }
  if (p.includes('<｜User｜>')) {
    const re = /<｜(User|Assistant)｜>([\s\S]*?)(?=<｜(?:User|Assistant)｜>|$)/g;
    out.add(
      'system',
      p
        .slice(0, p.indexOf('<｜User｜>'))
        .replace(/<｜begin▁of▁sentence｜>/g, '')
        .trim(),
    );
    for (let m = re.exec(p); m; m = re.exec(p)) {
      const t = m[2].replace(/<｜end▁of▁sentence｜>/g, '').trim();
      if (m[1] === 'User') out.userTurn([t]);
      else out.add('assistant', t);
    }
    return;
  }
  out.userTurn([p]);
}

/** Titan `inputText`: the whole text is the caller's; in chat form the last `User:` turn is the question. */
function readTitanInput(t: string, out: Parts): void {
  out.add('user', t);
  const trimmed = t.trimEnd();
  const i = trimmed.lastIndexOf('User:');
  if (/\bBot:$/.test(trimmed) && i >= 0) {
    out.lastUser = trimmed
      .slice(i + 5, trimmed.length - 4)
      .replace(/\n$/, '')
      .trim();
  } else out.lastUser = t;
}

const PARAM_ALIASES: Record<string, string> = {
  temperature: 'temperature',
  top_p: 'topP',
  topP: 'topP',
  p: 'topP',
  top_k: 'topK',
  topK: 'topK',
  k: 'topK',
  max_tokens: 'maxTokens',
  maxTokens: 'maxTokens',
  max_tokens_to_sample: 'maxTokens',
  max_gen_len: 'maxTokens',
  maxTokenCount: 'maxTokens',
  max_new_tokens: 'maxTokens',
  maxTokensToSample: 'maxTokens',
  stop_sequences: 'stopSequences',
  stopSequences: 'stopSequences',
  stop: 'stopSequences',
};

/** Body keys that are content, not settings. */
const CONTENT_KEYS = new Set([
  'messages',
  'system',
  'prompt',
  'inputText',
  'message',
  'chat_history',
  'documents',
  'preamble',
  'tool_results',
  'texts',
  'content',
  'toolConfig',
  'tools',
  'tool_choice',
  'guardrailConfig',
  'amazon-bedrock-guardrailConfig',
  'inferenceConfig',
  'textGenerationConfig',
  'additionalModelRequestFields',
  'textToImageParams',
  'imageGenerationConfig',
  'promptVariables',
  'performanceConfig',
  'requestMetadata',
]);

function readParams(body: Obj): { [k: string]: Json } {
  const out: { [k: string]: Json } = {};
  const take = (o: unknown): void => {
    if (!isObj(o)) return;
    for (const [k, v] of Object.entries(o)) {
      const name = PARAM_ALIASES[k];
      if (name && (typeof v === 'number' || typeof v === 'string' || Array.isArray(v)) && !(name in out))
        out[name] = v as Json;
    }
  };
  take(body.inferenceConfig);
  take(body.textGenerationConfig);
  take(body.imageGenerationConfig);
  take(body);
  take(body.additionalModelRequestFields);
  for (const [k, v] of Object.entries(body)) {
    if (PARAM_ALIASES[k] || CONTENT_KEYS.has(k)) continue;
    if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') out[k] = v;
  }
  const tools = toolNames(body);
  if (tools.length) out.tools = tools;
  return out;
}

function toolNames(body: Obj): string[] {
  const list = Array.isArray(body.tools)
    ? body.tools
    : Array.isArray(get(body, 'toolConfig', 'tools'))
      ? (get(body, 'toolConfig', 'tools') as unknown[])
      : [];
  const names: string[] = [];
  for (const t of list) {
    const n =
      str(get(t, 'toolSpec', 'name')) ?? str(get(t, 'function', 'name')) ?? str(get(t, 'name')) ?? null;
    if (n) names.push(n);
  }
  return names;
}

/** A guardrail identifier as the id: `arn:aws:bedrock:<region>:<acct>:guardrail/<id>` → id. */
export function guardrailIdOf(identifier: string | null): string | null {
  if (!identifier) return null;
  const m = /:guardrail\/([^/:]+)$/.exec(identifier);
  return m ? m[1] : identifier;
}

/** Reads a request body (already JSON-parsed; a string body is taken as the prompt). */
export function parseRequestBody(body: unknown): RequestInfo {
  const out = new Parts();
  let params: { [k: string]: Json } = {};
  let guardrailId: string | null = null;
  let guardrailVersion: string | null = null;
  if (typeof body === 'string') {
    out.userTurn([body]);
  } else if (isObj(body)) {
    params = readParams(body);
    readSystem(body.system, out);
    if (typeof body.preamble === 'string') out.add('system', body.preamble);
    if (Array.isArray(body.chat_history)) {
      for (const m of body.chat_history) {
        if (!isObj(m)) continue;
        const role = (str(m.role) ?? '').toUpperCase();
        const t = str(m.message) ?? '';
        if (role === 'USER') out.userTurn([t]);
        else if (role === 'SYSTEM') out.add('system', t);
        else if (role === 'TOOL') out.add('tool_result', jsonText(m.tool_results ?? t));
        else out.add('assistant', t);
      }
    }
    if (Array.isArray(body.messages)) for (const m of body.messages) readMessage(m, out);
    if (typeof body.prompt === 'string') readPromptString(body.prompt, out);
    if (typeof body.inputText === 'string') readTitanInput(body.inputText, out);
    if (typeof body.message === 'string') out.userTurn([body.message]);
    if (Array.isArray(body.texts)) out.userTurn(body.texts.filter((t): t is string => typeof t === 'string'));
    const t2i = str(get(body, 'textToImageParams', 'text'));
    if (t2i) out.userTurn([t2i]);
    // ApplyGuardrail: content[].text.text
    if (Array.isArray(body.content) && !Array.isArray(body.messages))
      out.userTurn([blocksText(body.content)]);
    if (Array.isArray(body.documents)) {
      for (const d of body.documents) {
        if (typeof d === 'string') out.add('document', d);
        else if (isObj(d)) {
          const data = isObj(d.data) ? d.data : d;
          out.add(
            'document',
            Object.values(data)
              .filter((v): v is string => typeof v === 'string')
              .join('\n'),
          );
        }
      }
    }
    if (Array.isArray(body.tool_results)) {
      for (const r of body.tool_results) out.add('tool_result', jsonText(get(r, 'outputs') ?? r));
    }
    const gc = isObj(body.guardrailConfig) ? body.guardrailConfig : null;
    if (gc) {
      guardrailId = guardrailIdOf(str(gc.guardrailIdentifier) ?? str(gc.guardrailId));
      guardrailVersion = str(gc.guardrailVersion);
    }
    const agc = body['amazon-bedrock-guardrailConfig'];
    if (isObj(agc)) {
      guardrailId ??= guardrailIdOf(str(agc.guardrailIdentifier) ?? str(agc.guardrailId));
      guardrailVersion ??= str(agc.guardrailVersion);
    }
  }
  return { parts: out.parts, lastUser: out.lastUser, params, guardrailId, guardrailVersion };
}

// ---- response bodies ------------------------------------------------------------------------

export interface ResponseInfo {
  text: string;
  toolUses: ToolUse[];
  stopReason: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  /** INTERVENED | NONE | null (no guardrail trace or action in the body) */
  guardrailAction: string | null;
  /** the guardrail trace as logged, or null */
  guardrailTrace: Json;
  guardrailId: string | null;
  guardrailVersion: string | null;
}

interface PendingTool {
  id?: string;
  name: string;
  json: string;
  input: Json;
}

class OutAcc {
  constructor(readonly streamed: boolean) {}
  text = '';
  private lastKey: string | null = null;
  readonly toolUses: ToolUse[] = [];
  private pending = new Map<string, PendingTool>();
  stopReason: string | null = null;
  inputTokens: number | null = null;
  outputTokens: number | null = null;
  actionSaid: string | null = null;
  traces: Json[] = [];
  intervened = false;

  /** a whole block of text */
  block(t: unknown, key = 'block'): void {
    if (typeof t !== 'string' || !t) return;
    // in a stream every piece continues the text of its block
    if (this.streamed) {
      this.delta(t, key);
      return;
    }
    this.text += this.text ? `\n${t}` : t;
    this.lastKey = null;
  }
  /** a streamed piece of the block `key` */
  delta(t: unknown, key = '0'): void {
    if (typeof t !== 'string' || !t) return;
    if (this.lastKey !== null && this.lastKey !== key && this.text) this.text += '\n';
    this.text += t;
    this.lastKey = key;
  }
  tool(name: unknown, input: unknown, id?: unknown): void {
    const n = str(name);
    if (!n) return;
    const t: ToolUse = { name: n, input: (input ?? null) as Json };
    const i = str(id);
    if (i) t.id = i;
    this.toolUses.push(t);
  }
  startTool(key: string, name: unknown, id: unknown, input?: unknown): void {
    const n = str(name);
    if (!n) return;
    const p: PendingTool = { name: n, json: '', input: (input ?? null) as Json };
    const i = str(id);
    if (i) p.id = i;
    this.pending.set(key, p);
  }
  toolDelta(key: string, piece: unknown): void {
    const p = this.pending.get(key);
    if (p && typeof piece === 'string') p.json += piece;
    else if (p && isObj(piece)) p.input = piece as Json;
  }
  stop(r: unknown): void {
    const s = str(r);
    if (s) this.stopReason = s;
  }
  tokens(i: unknown, o: unknown): void {
    const a = num(i);
    const b = num(o);
    if (a !== null) this.inputTokens = Math.max(this.inputTokens ?? 0, a);
    if (b !== null) this.outputTokens = Math.max(this.outputTokens ?? 0, b);
  }
  finish(): void {
    for (const p of this.pending.values()) {
      let input: Json = p.input;
      if (p.json) {
        try {
          input = JSON.parse(p.json) as Json;
        } catch {
          input = p.json;
        }
      } else if (isObj(input) && Object.keys(input).length === 0) input = {};
      const t: ToolUse = { name: p.name, input };
      if (p.id) t.id = p.id;
      this.toolUses.push(t);
    }
    this.pending.clear();
  }
}

function readUsage(u: unknown, acc: OutAcc): void {
  if (!isObj(u)) return;
  acc.tokens(
    u.input_tokens ?? u.inputTokens ?? u.prompt_tokens ?? u.inputTokenCount,
    u.output_tokens ?? u.outputTokens ?? u.completion_tokens ?? u.outputTokenCount,
  );
}

/** Converse / Nova content blocks of an output message. */
function readOutputBlocks(content: unknown, acc: OutAcc): void {
  if (!Array.isArray(content)) return;
  for (const b of content) {
    if (typeof b === 'string') acc.block(b);
    else if (!isObj(b)) continue;
    else if (b.type === 'tool_use') acc.tool(b.name, b.input, b.id);
    else if (isObj(b.toolUse)) acc.tool(b.toolUse.name, b.toolUse.input, b.toolUse.toolUseId);
    else if (b.type === 'text' || typeof b.text === 'string') acc.block(b.text);
    // thinking / reasoningContent blocks are not the answer
  }
}

/** Anthropic messages-API stream events. */
function readAnthropicEvent(o: Obj, acc: OutAcc): void {
  const key = String(o.index ?? 0);
  switch (o.type) {
    case 'message_start':
      readUsage(get(o, 'message', 'usage'), acc);
      return;
    case 'content_block_start': {
      const cb = isObj(o.content_block) ? o.content_block : {};
      if (cb.type === 'tool_use') acc.startTool(key, cb.name, cb.id, cb.input);
      else if (cb.type === 'text') acc.delta(cb.text, key);
      return;
    }
    case 'content_block_delta': {
      const d = isObj(o.delta) ? o.delta : {};
      if (d.type === 'input_json_delta') acc.toolDelta(key, d.partial_json);
      else if (d.type === 'text_delta' || typeof d.text === 'string') acc.delta(d.text, key);
      return;
    }
    case 'message_delta':
      acc.stop(get(o, 'delta', 'stop_reason'));
      readUsage(o.usage, acc);
      return;
    default:
  }
}

function readChoices(choices: unknown[], acc: OutAcc): void {
  choices.forEach((c, i) => {
    if (!isObj(c)) return;
    const key = String(c.index ?? i);
    const msg = isObj(c.message) ? c.message : null;
    const delta = isObj(c.delta) ? c.delta : null;
    if (msg) {
      if (typeof msg.content === 'string') acc.block(msg.content, key);
      else readOutputBlocks(msg.content, acc);
      if (Array.isArray(msg.tool_calls)) for (const tc of msg.tool_calls) readToolCall(tc, acc);
    }
    if (delta) {
      acc.delta(delta.content, key);
      if (Array.isArray(delta.tool_calls)) {
        for (const tc of delta.tool_calls) {
          const tk = `tc${String(get(tc, 'index') ?? 0)}`;
          const fn = get(tc, 'function');
          if (str(get(fn, 'name'))) acc.startTool(tk, get(fn, 'name'), get(tc, 'id'));
          acc.toolDelta(tk, get(fn, 'arguments'));
        }
      }
    }
    if (!msg && !delta && typeof c.text === 'string') acc.delta(c.text, key);
    acc.stop(c.finish_reason ?? c.stop_reason);
  });
}

function readToolCall(tc: unknown, acc: OutAcc): void {
  const fn = get(tc, 'function');
  const args = get(fn, 'arguments');
  let input: unknown = args;
  if (typeof args === 'string') {
    try {
      input = JSON.parse(args);
    } catch {
      input = args;
    }
  }
  acc.tool(get(fn, 'name'), input, get(tc, 'id'));
}

/** A guardrail trace: keeps it and looks for an intervention in it. */
function readGuardrailTrace(t: unknown, acc: OutAcc): void {
  if (!isObj(t)) return;
  acc.traces.push(t as Json);
  if (saysIntervened(t, 0)) acc.intervened = true;
}

const INTERVENTION = new Set(['BLOCKED', 'ANONYMIZED', 'INTERVENED', 'GUARDRAIL_INTERVENED']);

/** Whether an assessment (any depth) has an `action` that blocked or masked content. */
function saysIntervened(v: unknown, depth: number): boolean {
  if (depth > 12) return false;
  if (Array.isArray(v)) return v.some((x) => saysIntervened(x, depth + 1));
  if (!isObj(v)) return false;
  // for...in without an entries array: this walk runs over every logged guardrail assessment
  // (objects from JSON.parse: own enumerable keys only)
  for (const k in v) {
    const x = v[k];
    if (k === 'action' && typeof x === 'string' && INTERVENTION.has(x)) return true;
    if (typeof x === 'object' && x !== null && saysIntervened(x, depth + 1)) return true;
  }
  return false;
}

/** One response object or stream chunk. */
function readOutputObject(o0: unknown, acc: OutAcc): void {
  let o = o0;
  // event-stream wrappers: {"chunk":{"bytes":"<base64 JSON>"}} or {"bytes": ...}
  if (isObj(o) && isObj(o.chunk)) o = o.chunk;
  if (isObj(o) && typeof o.bytes === 'string' && Object.keys(o).length <= 2) {
    const t = base64Text(o.bytes);
    if (t) {
      try {
        o = JSON.parse(t);
      } catch {
        acc.delta(t);
        return;
      }
    }
  }
  if (typeof o === 'string') {
    acc.delta(o);
    return;
  }
  if (!isObj(o)) return;

  // Anthropic messages API (whole response or stream events)
  if (typeof o.type === 'string' && o.type !== 'message') readAnthropicEvent(o, acc);
  else if (Array.isArray(o.content)) {
    readOutputBlocks(o.content, acc);
    acc.stop(o.stop_reason);
  }
  // Anthropic legacy completion (whole or streamed)
  if (typeof o.completion === 'string') {
    acc.delta(o.completion, 'completion');
    acc.stop(o.stop_reason);
  }
  // Converse / Nova
  const msg = get(o, 'output', 'message');
  if (isObj(msg)) readOutputBlocks(msg.content, acc);
  if (typeof o.stopReason === 'string') acc.stop(o.stopReason);
  if (isObj(o.contentBlockStart)) {
    const s = o.contentBlockStart;
    const tu = get(s, 'start', 'toolUse');
    if (isObj(tu)) acc.startTool(`cb${String(s.contentBlockIndex ?? 0)}`, tu.name, tu.toolUseId);
  }
  if (isObj(o.contentBlockDelta)) {
    const d = o.contentBlockDelta;
    const key = `cb${String(d.contentBlockIndex ?? 0)}`;
    const delta = isObj(d.delta) ? d.delta : {};
    if (typeof delta.text === 'string') acc.delta(delta.text, key);
    if (isObj(delta.toolUse)) acc.toolDelta(key, delta.toolUse.input);
  }
  if (isObj(o.messageStop)) acc.stop(o.messageStop.stopReason);
  if (isObj(o.metadata)) {
    readUsage(o.metadata.usage, acc);
    readGuardrailTrace(get(o.metadata, 'trace', 'guardrail'), acc);
  }
  // Titan text (whole: results[]; streamed: outputText)
  if (Array.isArray(o.results)) {
    for (const r of o.results) {
      if (!isObj(r)) continue;
      acc.block(r.outputText);
      acc.stop(r.completionReason);
    }
    const outTok = (o.results as unknown[]).reduce<number | null>((a, r) => {
      const n = num(get(r, 'tokenCount'));
      return n === null ? a : (a ?? 0) + n;
    }, null);
    acc.tokens(o.inputTextTokenCount, outTok);
  } else if (typeof o.outputText === 'string') {
    acc.delta(o.outputText, 'titan');
    acc.stop(o.completionReason);
    acc.tokens(o.inputTextTokenCount, o.totalOutputTextTokenCount);
  }
  // Meta Llama
  if (typeof o.generation === 'string') {
    acc.delta(o.generation, 'llama');
    acc.stop(o.stop_reason);
    acc.tokens(o.prompt_token_count, o.generation_token_count);
  }
  const applyGuardrail = typeof o.action === 'string' && 'assessments' in o;
  // Mistral text completion
  if (Array.isArray(o.outputs) && !applyGuardrail) {
    for (const r of o.outputs) {
      if (typeof r === 'string') acc.delta(r, 'outputs');
      else if (isObj(r)) {
        acc.delta(r.text, 'outputs');
        acc.stop(r.stop_reason);
      }
    }
  }
  // OpenAI-style chat (Mistral chat, AI21 Jamba, DeepSeek, OpenAI models)
  if (Array.isArray(o.choices)) readChoices(o.choices, acc);
  // Cohere Command R (text; stream events text-generation / stream-end) and Command (generations)
  if (typeof o.text === 'string' && typeof o.type !== 'string') {
    const ev = str(o.event_type);
    if (!ev || ev === 'text-generation') acc.delta(o.text, 'cohere');
  }
  if (Array.isArray(o.tool_calls)) {
    for (const tc of o.tool_calls) if (isObj(tc)) acc.tool(tc.name, tc.parameters ?? tc.input, tc.id);
  }
  if (Array.isArray(o.generations)) {
    for (const g of o.generations) {
      if (!isObj(g)) continue;
      acc.block(g.text);
      acc.stop(g.finish_reason);
    }
  }
  if (typeof o.finish_reason === 'string') acc.stop(o.finish_reason);
  const billed = get(o, 'meta', 'billed_units');
  if (isObj(billed)) acc.tokens(billed.input_tokens, billed.output_tokens);
  // AI21 Jurassic
  if (Array.isArray(o.completions)) {
    for (const c of o.completions) {
      acc.block(get(c, 'data', 'text'));
      acc.stop(get(c, 'finishReason', 'reason'));
    }
  }
  // usage in its usual places
  if (o.type !== 'message_start' && o.type !== 'message_delta') readUsage(o.usage, acc);
  const metrics = o['amazon-bedrock-invocationMetrics'];
  if (isObj(metrics)) acc.tokens(metrics.inputTokenCount, metrics.outputTokenCount);

  // guardrails: InvokeModel (amazon-bedrock-*), Converse (trace.guardrail), ApplyGuardrail
  const gAction = str(o['amazon-bedrock-guardrailAction']);
  if (gAction === 'INTERVENED' || (gAction && acc.actionSaid !== 'INTERVENED')) acc.actionSaid = gAction;
  const abt = o['amazon-bedrock-trace'];
  if (isObj(abt)) readGuardrailTrace(abt.guardrail ?? abt, acc);
  readGuardrailTrace(get(o, 'trace', 'guardrail'), acc);
  if (applyGuardrail) {
    acc.actionSaid = o.action === 'GUARDRAIL_INTERVENED' ? 'INTERVENED' : (acc.actionSaid ?? 'NONE');
    acc.traces.push({ action: o.action, assessments: (o.assessments ?? null) as Json } as Json);
    if (Array.isArray(o.outputs)) for (const r of o.outputs) acc.block(get(r, 'text'));
    if (saysIntervened(o.assessments, 0)) acc.intervened = true;
  }
}

/** The guardrail a trace names: `appliedGuardrailDetails`, else the key of its assessment map. */
function guardrailFromTrace(t: unknown, depth = 0): { id: string | null; version: string | null } {
  if (depth > 6 || (!isObj(t) && !Array.isArray(t))) return { id: null, version: null };
  if (Array.isArray(t)) {
    for (const x of t) {
      const r = guardrailFromTrace(x, depth + 1);
      if (r.id) return r;
    }
    return { id: null, version: null };
  }
  const o = t as Obj;
  if (isObj(o.appliedGuardrailDetails)) {
    const d = o.appliedGuardrailDetails;
    const id = str(d.guardrailId);
    if (id) return { id, version: str(d.guardrailVersion) };
  }
  for (const v of Object.values(o)) {
    const r = guardrailFromTrace(v, depth + 1);
    if (r.id) return r;
  }
  for (const k of ['inputAssessment', 'input', 'outputAssessments']) {
    const m = o[k];
    if (isObj(m)) {
      const id = Object.keys(m).find((x) => /^[a-z0-9]{8,16}$/.test(x));
      if (id) return { id, version: null };
    }
  }
  return { id: null, version: null };
}

/** Reads a response body: a whole response, or the array of stream chunks. */
export function parseResponseBody(body: unknown): ResponseInfo {
  const acc = new OutAcc(Array.isArray(body));
  if (Array.isArray(body)) for (const c of body) readOutputObject(c, acc);
  else readOutputObject(body, acc);
  acc.finish();
  let trace: Json = null;
  if (acc.traces.length === 1) trace = acc.traces[0];
  else if (acc.traces.length > 1) trace = acc.traces;
  const intervened =
    acc.intervened || acc.actionSaid === 'INTERVENED' || acc.stopReason === 'guardrail_intervened';
  const action = intervened ? 'INTERVENED' : acc.actionSaid || trace !== null ? 'NONE' : null;
  const g = trace !== null ? guardrailFromTrace(trace) : { id: null, version: null };
  return {
    text: acc.text,
    toolUses: acc.toolUses,
    stopReason: acc.stopReason,
    inputTokens: acc.inputTokens,
    outputTokens: acc.outputTokens,
    guardrailAction: action,
    guardrailTrace: trace,
    guardrailId: g.id,
    guardrailVersion: g.version,
  };
}
