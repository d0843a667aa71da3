/**
 * Amazon Bedrock agent traces: the `TracePart`s an InvokeAgent response stream carries
 * (`sessionId`, `agentId`, `agentAliasId`, `agentVersion`, `eventTime`, `trace{...}`), as an
 * application persists them (one per line), and the response-stream events themselves
 * (`{"trace": TracePart}`, `{"chunk": {"bytes": ...}}`, `{"returnControl": ...}`, or a dumped
 * response `{"completion": [events...]}`).
 *
 * One step per part: `traceType` is the trace's kind (orchestrationTrace, guardrailTrace ...),
 * `stepKind` the part inside it (modelInvocationInput, rationale, invocationInput, observation ...).
 */
import type { AgentStep, Json } from '../model/types.js';
import { base64Text } from './bedrock-bodies.js';
import { type NormalizeContext, RecordError, type Row, type SourceReader } from './types.js';
import { get, isObj, isoTime, type Obj, str } from './util.js';

const TRACE_TYPES = [
  'orchestrationTrace',
  'preProcessingTrace',
  'postProcessingTrace',
  'guardrailTrace',
  'failureTrace',
  'routingClassifierTrace',
  'customOrchestrationTrace',
] as const;

/** A TracePart: `trace` is an object holding one of the trace kinds, next to session or agent ids. */
export function isTracePart(v: unknown): v is Obj {
  if (!isObj(v) || !isObj(v.trace)) return false;
  if (typeof v.sessionId !== 'string' && typeof v.agentId !== 'string' && v.eventTime === undefined)
    return false;
  const t = v.trace;
  for (const k of TRACE_TYPES) if (k in t) return true;
  return false;
}

/** An InvokeAgent stream event: `{"trace": TracePart}`, `{"chunk": {...}}` or `{"returnControl": {...}}`. */
function isStreamEvent(v: unknown): v is Obj {
  if (!isObj(v)) return false;
  if (isObj(v.trace) && isTracePart(v.trace)) return true;
  if (isObj(v.chunk) && ('bytes' in v.chunk || 'attribution' in v.chunk)) return true;
  if (isObj(v.returnControl) && Array.isArray(v.returnControl.invocationInputs)) return true;
  return false;
}

/** The action group name agent steps of the built-in code interpretation (AMAZON.CodeInterpreter) carry. */
export const CODE_INTERPRETER = 'CodeInterpreter';

const CONTEXT_KEYS = ['sessionId', 'agentId', 'agentAliasId', 'agentVersion', 'eventTime'] as const;

/** Turns a stream event into a record: the TracePart, or the event with its context fields. */
function fromEvent(v: Obj, ctxFields: Obj): unknown {
  if (isTracePart(v as unknown)) return v;
  if (isObj(v.trace) && isTracePart(v.trace)) {
    const part: Obj = { ...v.trace };
    for (const k of CONTEXT_KEYS) if (part[k] === undefined && v[k] !== undefined) part[k] = v[k];
    return part;
  }
  const out: Obj = { ...v };
  for (const k of CONTEXT_KEYS) if (out[k] === undefined && ctxFields[k] !== undefined) out[k] = ctxFields[k];
  return out;
}

/** Name → value of an action group's parameters and request-body properties. */
function paramsObject(input: Obj): { [k: string]: Json } {
  const out: { [k: string]: Json } = {};
  const addList = (list: unknown): void => {
    if (!Array.isArray(list)) return;
    for (const p of list) {
      const n = str(get(p, 'name'));
      if (n) out[n] = (get(p, 'value') ?? null) as Json;
    }
  };
  addList(input.parameters);
  const content = get(input, 'requestBody', 'content');
  if (isObj(content)) {
    for (const media of Object.values(content)) {
      if (isObj(media)) addList(media.properties);
      else addList(media);
    }
  }
  return out;
}

interface StepFields {
  stepKind: string;
  traceId: string | null;
  actionGroup: string | null;
  apiName: string | null;
  verb: string | null;
  parameters: Json;
  text: string;
}

function blank(stepKind: string, traceId: string | null): StepFields {
  return { stepKind, traceId, actionGroup: null, apiName: null, verb: null, parameters: null, text: '' };
}

function invocationInput(ii: Obj, s: StepFields): void {
  const ag = isObj(ii.actionGroupInvocationInput) ? ii.actionGroupInvocationInput : null;
  const kb = isObj(ii.knowledgeBaseLookupInput) ? ii.knowledgeBaseLookupInput : null;
  const collab = isObj(ii.agentCollaboratorInvocationInput) ? ii.agentCollaboratorInvocationInput : null;
  const code = isObj(ii.codeInterpreterInvocationInput) ? ii.codeInterpreterInvocationInput : null;
  if (ag) {
    s.actionGroup = str(ag.actionGroupName);
    s.apiName = str(ag.apiPath) ?? str(ag.function);
    s.verb = str(ag.verb);
    s.parameters = paramsObject(ag);
    s.text = typeof ag.text === 'string' ? ag.text : '';
  } else if (kb) {
    s.actionGroup = str(kb.knowledgeBaseId);
    s.text = str(kb.text) ?? '';
  } else if (collab) {
    s.actionGroup = str(collab.agentCollaboratorName);
    s.apiName = str(collab.agentCollaboratorAliasArn);
    s.text = str(get(collab, 'input', 'text')) ?? '';
  } else if (code) {
    s.actionGroup = CODE_INTERPRETER;
    s.text = str(code.code) ?? '';
    s.parameters = { codeInterpreter: true, files: fileNames(code.files) };
  } else if (str(ii.invocationType) === 'ACTION_GROUP_CODE_INTERPRETER') {
    s.actionGroup = CODE_INTERPRETER;
    s.parameters = { codeInterpreter: true, files: [] };
  }
}

/** Names of the files a code-interpretation step takes or makes (bounded; names only). */
function fileNames(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const f of v.slice(0, 50)) {
    const n = typeof f === 'string' ? f : (str(get(f, 'name')) ?? null);
    if (n) out.push(n.slice(0, 300));
  }
  return out;
}

function observation(ob: Obj, s: StepFields): void {
  const texts: string[] = [];
  const ag = ob.actionGroupInvocationOutput;
  if (isObj(ag)) texts.push(str(ag.text) ?? '');
  const kb = ob.knowledgeBaseLookupOutput;
  if (isObj(kb) && Array.isArray(kb.retrievedReferences)) {
    const locations: string[] = [];
    for (const r of kb.retrievedReferences) {
      const t = str(get(r, 'content', 'text'));
      if (t) texts.push(t);
      const loc = get(r, 'location');
      const uri =
        str(get(loc, 's3Location', 'uri')) ??
        str(get(loc, 'webLocation', 'url')) ??
        str(get(loc, 'confluenceLocation', 'url')) ??
        str(get(loc, 'salesforceLocation', 'url')) ??
        str(get(loc, 'sharePointLocation', 'url')) ??
        str(get(loc, 'customDocumentLocation', 'id')) ??
        str(get(loc, 'kendraDocumentLocation', 'uri')) ??
        str(get(r, 'metadata', 'x-amz-bedrock-kb-source-uri'));
      if (uri) locations.push(uri);
    }
    s.parameters = { locations };
  }
  const collab = ob.agentCollaboratorInvocationOutput;
  if (isObj(collab)) {
    s.actionGroup = str(collab.agentCollaboratorName);
    texts.push(str(get(collab, 'output', 'text')) ?? '');
  }
  const code = ob.codeInterpreterInvocationOutput;
  if (isObj(code)) {
    texts.push(str(code.executionOutput) ?? '', str(code.executionError) ?? '');
    s.actionGroup = CODE_INTERPRETER;
    s.parameters = {
      codeInterpreter: true,
      executionError: !!str(code.executionError),
      executionTimeout: code.executionTimeout === true,
      files: fileNames(code.files),
    };
  }
  const fin = ob.finalResponse;
  if (isObj(fin)) texts.push(str(fin.text) ?? '');
  const rep = ob.repromptResponse;
  if (isObj(rep)) {
    texts.push(str(rep.text) ?? '');
    if (str(rep.source)) s.parameters = { source: str(rep.source) };
  }
  s.text = texts.filter(Boolean).join('\n\n');
}

function modelOutput(mo: Obj, s: StepFields): void {
  const raw = get(mo, 'rawResponse', 'content');
  const parsed = isObj(mo.parsedResponse) ? mo.parsedResponse : null;
  s.text = str(raw) ?? str(parsed?.text) ?? str(parsed?.rationale) ?? '';
  const usage = get(mo, 'metadata', 'usage');
  const p: { [k: string]: Json } = {};
  if (isObj(usage)) p.usage = usage as Json;
  if (parsed && typeof parsed.isValid === 'boolean') p.isValid = parsed.isValid;
  s.parameters = Object.keys(p).length ? p : null;
}

const SUB_KINDS = [
  'modelInvocationInput',
  'modelInvocationOutput',
  'rationale',
  'invocationInput',
  'observation',
] as const;

/** The step inside one trace kind. */
function stepOf(traceType: string, t: Obj): StepFields {
  if (traceType === 'guardrailTrace') {
    const s = blank('guardrail', str(t.traceId));
    s.text = str(t.action) ?? '';
    s.parameters = { action: (t.action ?? null) as Json };
    return s;
  }
  if (traceType === 'failureTrace') {
    const s = blank('failure', str(t.traceId));
    s.text = str(t.failureReason) ?? '';
    if (t.failureCode !== undefined) s.parameters = { failureCode: t.failureCode as Json };
    return s;
  }
  if (traceType === 'customOrchestrationTrace' && isObj(t.event)) {
    const s = blank('event', str(t.traceId));
    s.text = str(t.event.text) ?? '';
    return s;
  }
  for (const kind of SUB_KINDS) {
    const inner = t[kind];
    if (!isObj(inner)) continue;
    const s = blank(kind, str(inner.traceId) ?? str(t.traceId));
    if (kind === 'modelInvocationInput') {
      s.text = str(inner.text) ?? '';
      const p: { [k: string]: Json } = {};
      for (const k of [
        'type',
        'foundationModel',
        'inferenceConfiguration',
        'promptCreationMode',
        'parserMode',
      ])
        if (inner[k] !== undefined) p[k] = inner[k] as Json;
      s.parameters = Object.keys(p).length ? p : null;
    } else if (kind === 'modelInvocationOutput') modelOutput(inner, s);
    else if (kind === 'rationale') s.text = str(inner.text) ?? '';
    else if (kind === 'invocationInput') invocationInput(inner, s);
    else observation(inner, s);
    return s;
  }
  const key = Object.keys(t)[0] ?? 'unknown';
  return blank(key, str(t.traceId) ?? str(get(t, key, 'traceId')));
}

export function normalizeAgentTrace(rec: unknown, ctx: NormalizeContext): Row {
  if (!isObj(rec)) throw new RecordError('not an agent trace part');
  // TraceParts carry eventTime; stream events an application logged may carry their own time
  const time = isoTime(rec.eventTime ?? rec.timestamp ?? rec.time);
  let traceType: string;
  let s: StepFields;
  if (isObj(rec.trace)) {
    const t = rec.trace;
    traceType = TRACE_TYPES.find((k) => k in t) ?? Object.keys(t)[0] ?? 'unknown';
    s = isObj(t[traceType]) ? stepOf(traceType, t[traceType] as Obj) : blank('unknown', null);
  } else if (isObj(rec.chunk)) {
    traceType = 'response';
    s = blank('chunk', null);
    const b = rec.chunk.bytes;
    s.text = typeof b === 'string' ? (base64Text(b) ?? b) : '';
    if (rec.chunk.attribution !== undefined) s.parameters = { attribution: rec.chunk.attribution as Json };
  } else if (isObj(rec.returnControl)) {
    traceType = 'response';
    s = blank('returnControl', str(rec.returnControl.invocationId));
    const first = get(rec.returnControl, 'invocationInputs');
    const ii = Array.isArray(first) && isObj(first[0]) ? first[0] : null;
    const ag = ii && isObj(ii.functionInvocationInput) ? ii.functionInvocationInput : null;
    const api = ii && isObj(ii.apiInvocationInput) ? ii.apiInvocationInput : null;
    const x = ag ?? api;
    if (x) {
      s.actionGroup = str(x.actionGroup);
      s.apiName = str(x.apiPath) ?? str(x.function);
      s.verb = str(x.httpMethod);
      s.parameters = paramsObject(x);
    }
  } else throw new RecordError('agent trace record without a trace, chunk or returnControl');
  if (!time)
    throw new RecordError(
      (rec.eventTime ?? rec.timestamp ?? rec.time) === undefined
        ? `agent ${s.stepKind} without eventTime`
        : `unreadable eventTime ${JSON.stringify(String(rec.eventTime ?? rec.timestamp ?? rec.time).slice(0, 40))}`,
    );
  let text = s.text;
  const max = ctx.limits.maxTextChars;
  if (text.length > max) {
    ctx.note(`agent step text over ${max} characters: cut`);
    text = text.slice(0, max);
  }
  const row: Omit<AgentStep, 'fileId' | 'idx' | 'raw'> = {
    // trace ids repeat across the parts of one step: the content hash identifies a part
    uid: '',
    time,
    sessionId: str(rec.sessionId),
    agentId: str(rec.agentId),
    agentAliasId: str(rec.agentAliasId),
    agentVersion: str(rec.agentVersion),
    traceId: s.traceId,
    traceType,
    stepKind: s.stepKind,
    actionGroup: s.actionGroup,
    apiName: s.apiName,
    verb: s.verb,
    parameters: s.parameters,
    text,
  };
  return row as unknown as Row;
}

export const agentTrace: SourceReader = {
  format: 'agent-trace',
  table: 'agent_steps',
  recognize(v) {
    if (isTracePart(v) || isStreamEvent(v)) return true;
    if (Array.isArray(v)) return v.length > 0 && (isTracePart(v[0]) || isStreamEvent(v[0]));
    if (isObj(v) && Array.isArray(v.completion))
      return v.completion.length === 0 || isStreamEvent(v.completion[0]) || isTracePart(v.completion[0]);
    return false;
  },
  unwrap(v) {
    if (Array.isArray(v) || (isObj(v) && Array.isArray(v.completion))) {
      const list = (Array.isArray(v) ? v : (v as Obj).completion) as unknown[];
      const context: Obj = Array.isArray(v) ? {} : { ...(v as Obj) };
      const out: unknown[] = [];
      for (const e of list) {
        if (!isObj(e)) {
          out.push(e);
          continue;
        }
        const r = fromEvent(e, context);
        // a chunk carries no time: it takes the time and session of the trace before it
        if (isObj(r)) for (const k of CONTEXT_KEYS) if (r[k] !== undefined) context[k] = r[k];
        out.push(r);
      }
      return out;
    }
    return [fromEvent(v as Obj, {})];
  },
  normalize: normalizeAgentTrace,
};
