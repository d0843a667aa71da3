/**
 * Amazon Bedrock model-invocation logs (`schemaType: ModelInvocationLog`), in every delivery:
 * S3 (gzip JSON lines under `AWSLogs/<acct>/BedrockModelInvocationLogs/...`), CloudWatch Logs
 * (the subscription or export envelope is opened by the registry; the message is the same JSON), or
 * a JSON array of records.
 *
 * Bodies over 100 KB are not inline: `input.inputBodyS3Path` / `output.outputBodyS3Path` point to
 * an object in the large-data bucket, read through `ctx.loadReferenced`. A body that cannot be read
 * never rejects its record: the record is stored with empty text and `bodyMissing` says why.
 */
import { META_KEYS, metaKey } from '../model/request-metadata-keys.js';
import type { Invocation, Json, PromptPart } from '../model/types.js';
import {
  parseRequestBody,
  parseResponseBody,
  providerFromBody,
  providerFromModelId,
  type RequestInfo,
  type ResponseInfo,
} from './bedrock-bodies.js';
import { type NormalizeContext, RecordError, type Row, type SourceReader } from './types.js';
import { account, get, identityFromArn, isObj, isoTime, num, type Obj, str } from './util.js';

/** A model-invocation log record: `schemaType`, or the fields every record has. */
export function isInvocationRecord(v: unknown): v is Obj {
  if (!isObj(v)) return false;
  if (v.schemaType === 'ModelInvocationLog') return true;
  return (
    typeof v.modelId === 'string' &&
    typeof v.operation === 'string' &&
    typeof v.requestId === 'string' &&
    v.timestamp !== undefined &&
    (isObj(v.input) || isObj(v.output))
  );
}

/** The address keys (canonical forms); `clientIp`, then `sourceIp`, before the others, which go in the record's order. */
const IP_KEYS: ReadonlySet<string> = new Set(META_KEYS.clientIp);

/** The end-user address an application put into `requestMetadata` (clientIp, sourceIp, x-forwarded-for ...). */
export function clientIpFrom(meta: unknown): string | null {
  if (!isObj(meta)) return null;
  let best: { rank: number; ip: string } | null = null;
  for (const [k, v] of Object.entries(meta)) {
    const key = metaKey(k);
    if (!IP_KEYS.has(key) || typeof v !== 'string') continue;
    const ip = v.split(',')[0].trim();
    if (!/^[0-9a-f:.]+$/i.test(ip) || !/[.:]/.test(ip)) continue;
    const rank = key === 'clientip' ? 0 : key === 'sourceip' ? 1 : 2;
    if (!best || rank < best.rank) best = { rank, ip };
  }
  return best?.ip ?? null;
}

/** JSON bodies may arrive as a string (a body logged as text); parsed when they are JSON. */
function parsedBody(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const t = v.trim();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return JSON.parse(t);
    } catch {
      return v;
    }
  }
  return v;
}

interface BodyResult {
  body: unknown;
  missing: string | null;
  path: string | null;
}

/** The request or response body: inline, or moved to S3 and read from the evidence. */
function body(
  side: Obj | null,
  inlineKey: string,
  pathKey: string,
  what: string,
  ctx: NormalizeContext,
): BodyResult {
  if (!side) return { body: undefined, missing: null, path: null };
  const path = str(side[pathKey]);
  if (side[inlineKey] !== undefined) return { body: parsedBody(side[inlineKey]), missing: null, path };
  if (!path) return { body: undefined, missing: null, path: null };
  const r = ctx.loadReferenced(path);
  if ('missing' in r) {
    ctx.note(`${what} body moved to S3 is not in the evidence: text left empty`);
    return { body: undefined, missing: `${what} body at ${path} not read: ${r.missing}`, path };
  }
  return { body: r.value, missing: null, path };
}

function joinParts(parts: PromptPart[], roles: PromptPart['role'][]): string {
  return parts
    .filter((p) => roles.includes(p.role))
    .map((p) => p.text)
    .join('\n');
}

const EMPTY_REQ: RequestInfo = {
  parts: [],
  lastUser: '',
  params: {},
  guardrailId: null,
  guardrailVersion: null,
};

export function normalizeInvocation(rec: unknown, ctx: NormalizeContext): Row {
  if (!isInvocationRecord(rec)) throw new RecordError('not a model-invocation log record');
  const time = isoTime(rec.timestamp);
  if (!time)
    throw new RecordError(
      `unreadable timestamp ${JSON.stringify(String(rec.timestamp ?? 'missing').slice(0, 40))}`,
    );
  const max = ctx.limits.maxTextChars;
  const cap = (text: string, field: string): string => {
    if (text.length <= max) return text;
    ctx.note(`${field} over ${max} characters: cut`);
    return text.slice(0, max);
  };

  const input = isObj(rec.input) ? rec.input : null;
  const output = isObj(rec.output) ? rec.output : null;
  const inBody = body(input, 'inputBodyJson', 'inputBodyS3Path', 'input', ctx);
  const outBody = body(output, 'outputBodyJson', 'outputBodyS3Path', 'output', ctx);

  let req = EMPTY_REQ;
  let res: ResponseInfo | null = null;
  const problems: string[] = [];
  if (inBody.missing) problems.push(inBody.missing);
  if (outBody.missing) problems.push(outBody.missing);
  if (inBody.body !== undefined) {
    try {
      req = parseRequestBody(inBody.body);
    } catch (e) {
      problems.push(`input body not readable: ${(e as Error).message}`);
      ctx.note('input body not readable: text left empty');
    }
  }
  if (outBody.body !== undefined) {
    try {
      res = parseResponseBody(outBody.body);
    } catch (e) {
      problems.push(`output body not readable: ${(e as Error).message}`);
      ctx.note('output body not readable: text left empty');
    }
  }

  const principalArn = str(get(rec, 'identity', 'arn'));
  const modelId = str(rec.modelId);
  // Converse callers may pass requestMetadata in the request; the log carries it at the top level
  const meta = rec.requestMetadata ?? get(inBody.body, 'requestMetadata') ?? null;
  const parts = req.parts;
  const stop = res?.stopReason ?? null;
  // the trace decides; without one, a guardrail stop reason still says the guardrail intervened
  let guardrailAction = res?.guardrailAction ?? null;
  if (!guardrailAction && stop === 'guardrail_intervened') guardrailAction = 'INTERVENED';

  const row: Omit<Invocation, 'fileId' | 'idx'> = {
    uid: str(rec.requestId) ?? '',
    requestId: str(rec.requestId),
    time,
    account: str(rec.accountId) ?? account(principalArn),
    region: str(rec.region),
    principalArn,
    identityArn: identityFromArn(principalArn),
    operation: str(rec.operation),
    modelId,
    provider: providerFromModelId(modelId) ?? providerFromBody(inBody.body),
    systemText: cap(joinParts(parts, ['system']), 'systemText'),
    promptText: cap(joinParts(parts, ['user']), 'promptText'),
    lastUserText: cap(req.lastUser, 'lastUserText'),
    toolResultText: cap(joinParts(parts, ['tool_result', 'document']), 'toolResultText'),
    responseText: cap(res?.text ?? '', 'responseText'),
    toolUses: res?.toolUses ?? [],
    inputTokens: num(input?.inputTokenCount) ?? res?.inputTokens ?? null,
    outputTokens: num(output?.outputTokenCount) ?? res?.outputTokens ?? null,
    stopReason: stop,
    guardrailId: req.guardrailId ?? res?.guardrailId ?? null,
    guardrailVersion: req.guardrailVersion ?? res?.guardrailVersion ?? null,
    guardrailAction,
    guardrailAssessments: res?.guardrailTrace ?? null,
    errorCode: str(rec.errorCode),
    inferenceRegion: str(rec.inferenceRegion),
    clientIp: clientIpFrom(meta),
    requestMetadata: (isObj(meta) ? meta : null) as Json,
    inputBodyS3Path: inBody.path,
    outputBodyS3Path: outBody.path,
    bodyMissing: problems.length ? problems.join('; ') : null,
    inferenceParams: Object.keys(req.params).length ? req.params : null,
  };
  return row as unknown as Row;
}

export const bedrockInvocation: SourceReader = {
  format: 'bedrock-invocation',
  table: 'invocations',
  recognize(v) {
    if (Array.isArray(v)) return v.length > 0 && isInvocationRecord(v[0]);
    return isInvocationRecord(v);
  },
  unwrap(v) {
    return Array.isArray(v) ? v : [v];
  },
  normalize: normalizeInvocation,
};
