/**
 * CloudTrail records in every shape AWS delivers them:
 * - S3 delivery files `{"Records":[...]}` (gzip), a bare record per line (JSON lines), or a bare
 *   JSON array of records (hand-made exports, public example sets);
 * - `aws cloudtrail lookup-events` output (`{"Events":[{"CloudTrailEvent":"<json string>"}]}`), or one event per line;
 * - EventBridge events (`detail-type: AWS API Call via CloudTrail` etc.; the envelope is opened by
 *   the registry, the record arrives here as `detail`);
 * - CloudTrail Lake query results (`QueryResultRows`: rows of single-key objects whose values are
 *   strings, nested values as JSON or as Lake's struct text `{type=..., arn=...}`; or `eventJson`);
 * - CloudWatch Logs exports and subscription envelopes (opened by the registry).
 */
import type { CtEvent } from '../model/types.js';
import { type NormalizeContext, RecordError, Rejected, type Row, type SourceReader } from './types.js';
import { bool, get, identityFromArn, isObj, isoTime, type Obj, str } from './util.js';

/** A CloudTrail record has at least these. */
export function isCloudTrailRecord(v: unknown): v is Obj {
  return (
    isObj(v) &&
    typeof v.eventName === 'string' &&
    typeof v.eventSource === 'string' &&
    (typeof v.eventTime === 'string' || typeof v.eventTime === 'number')
  );
}

function parseEmbedded(s: unknown): unknown {
  if (typeof s !== 'string') return s;
  try {
    return JSON.parse(s);
  } catch {
    return new Rejected('embedded CloudTrailEvent is not valid JSON');
  }
}

/** userIdentity field names as CloudTrail writes them, by their lower-case form (Lake lower-cases struct fields). */
const UI_FIELDS = new Map(
  [
    'type',
    'principalId',
    'arn',
    'accountId',
    'accessKeyId',
    'userName',
    'sessionContext',
    'sessionIssuer',
    'attributes',
    'creationDate',
    'mfaAuthenticated',
    'webIdFederationData',
    'sourceIdentity',
    'invokedBy',
    'identityProvider',
    'onBehalfOf',
    'userId',
    'identityStoreArn',
    'credentialId',
    'ec2RoleDelivery',
  ].map((k) => [k.toLowerCase(), k]),
);

/**
 * Parses the text CloudTrail Lake gives for a struct column, `{type=AssumedRole, arn=..., sessioncontext={...}}`,
 * into an object (`null` values dropped). Returns null when the text is not of that form.
 */
export function lakeStruct(text: string): Obj | null {
  let i = 0;
  const parseValue = (): unknown => {
    if (text[i] === '{') return parseObj();
    const start = i;
    let depth = 0;
    while (i < text.length) {
      const ch = text[i];
      if (ch === '{' || ch === '[') depth++;
      else if (ch === ']') depth--;
      else if ((ch === ',' || ch === '}') && depth <= 0) break;
      i++;
    }
    const v = text.slice(start, i).trim();
    return v === 'null' ? null : v;
  };
  const parseObj = (): Obj | null => {
    if (text[i] !== '{') return null;
    i++;
    const o: Obj = {};
    while (i < text.length) {
      while (text[i] === ' ' || text[i] === ',') i++;
      if (text[i] === '}') {
        i++;
        return o;
      }
      const eq = text.indexOf('=', i);
      if (eq === -1) return null;
      const key = text.slice(i, eq).trim();
      if (!/^[A-Za-z0-9_]+$/.test(key)) return null;
      i = eq + 1;
      const v = parseValue();
      if (v !== null && v !== undefined) o[UI_FIELDS.get(key.toLowerCase()) ?? key] = v;
    }
    return null;
  };
  const out = parseObj();
  return out && i >= text.trim().length ? out : null;
}

/** Turns a CloudTrail Lake result row (list of single-key objects) into one object. */
function lakeRow(row: unknown): unknown {
  if (!Array.isArray(row)) return row;
  const o: Obj = {};
  for (const cell of row) if (isObj(cell)) for (const [k, v] of Object.entries(cell)) o[k] = v;
  if (typeof o.eventJson === 'string') return parseEmbedded(o.eventJson);
  // Lake returns nested values as JSON strings where it can
  for (const k of [
    'userIdentity',
    'requestParameters',
    'responseElements',
    'additionalEventData',
    'resources',
    'tlsDetails',
  ]) {
    if (typeof o[k] === 'string' && /^[[{]/.test(o[k] as string)) {
      try {
        o[k] = JSON.parse(o[k] as string);
      } catch {
        // Lake prints structs as `{type=IAMUser, principalid=..., sessioncontext={...}}`
        const parsed = k === 'userIdentity' ? lakeStruct(o[k] as string) : null;
        if (parsed) o[k] = parsed;
      }
    }
  }
  return o;
}

function roleArnFrom(ui: Obj, principalArn: string | null): string | null {
  const type = str(ui.type);
  const issuer = str(get(ui, 'sessionContext', 'sessionIssuer', 'arn'));
  if (type === 'AssumedRole' || type === 'FederatedUser') return issuer ?? identityFromArn(principalArn);
  if (type === 'IAMUser' || type === 'Root') return principalArn;
  if (type === 'AWSService') return str(ui.invokedBy) ?? null;
  if (type === 'AWSAccount')
    return principalArn ?? (str(ui.accountId) ? `arn:aws:iam::${str(ui.accountId)}:root` : null);
  return issuer ?? identityFromArn(principalArn);
}

function resourceArns(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const r of v) {
    const a = str(get(r, 'ARN')) ?? str(get(r, 'arn'));
    if (a) out.push(a);
  }
  return out;
}

export function normalizeCloudTrail(rec: unknown, ctx: NormalizeContext): Row {
  if (!isCloudTrailRecord(rec))
    throw new RecordError('not a CloudTrail record (eventName/eventSource/eventTime missing)');
  const time = isoTime(rec.eventTime);
  if (!time)
    throw new RecordError(`unreadable eventTime ${JSON.stringify(String(rec.eventTime).slice(0, 40))}`);
  const ui = isObj(rec.userIdentity) ? rec.userIdentity : {};
  const principalArn = str(ui.arn);
  const sessionName =
    str(ui.type) === 'AssumedRole' && principalArn
      ? principalArn.split('/').slice(2).join('/') || null
      : str(ui.type) === 'FederatedUser' && principalArn
        ? principalArn.split('/').slice(1).join('/') || null
        : null;
  const eventId = str(rec.eventID);
  const mfa = bool(get(ui, 'sessionContext', 'attributes', 'mfaAuthenticated'));
  const row: Omit<CtEvent, 'raw' | 'fileId' | 'idx'> = {
    uid: eventId ?? '',
    eventId,
    requestId: str(rec.requestID),
    time,
    account: str(ui.accountId) ?? str(rec.recipientAccountId),
    recipientAccount: str(rec.recipientAccountId),
    region: str(rec.awsRegion),
    service: String(rec.eventSource),
    action: String(rec.eventName),
    eventType: str(rec.eventType),
    category:
      str(rec.eventCategory) ??
      (bool(rec.managementEvent) === false
        ? 'Data'
        : bool(rec.managementEvent) === true
          ? 'Management'
          : null),
    readOnly: bool(rec.readOnly),
    errorCode: str(rec.errorCode),
    errorMessage: str(rec.errorMessage),
    principalType: str(ui.type),
    principalArn,
    // an IAM Identity Center user (type IdentityCenterUser) has no principalId: its user id stands for it
    principalId: str(ui.principalId) ?? str(get(ui, 'onBehalfOf', 'userId')),
    identityArn: roleArnFrom(ui, principalArn),
    userName: str(ui.userName) ?? str(get(ui, 'sessionContext', 'sessionIssuer', 'userName')),
    sessionName,
    accessKeyId: str(ui.accessKeyId),
    mfa,
    sessionCreated: isoTime(get(ui, 'sessionContext', 'attributes', 'creationDate')),
    sourceIdentity: str(get(ui, 'sessionContext', 'sourceIdentity')) ?? str(ui.sourceIdentity),
    invokedBy: str(ui.invokedBy),
    sourceIp: str(rec.sourceIPAddress),
    userAgent: str(rec.userAgent),
    vpcEndpointId: str(rec.vpcEndpointId),
    resources: resourceArns(rec.resources),
    requestParameters: (rec.requestParameters ?? null) as CtEvent['requestParameters'],
    responseElements: (rec.responseElements ?? null) as CtEvent['responseElements'],
    additionalEventData: (rec.additionalEventData ?? null) as CtEvent['additionalEventData'],
  };
  void ctx;
  return row as unknown as Row;
}

export const cloudtrail: SourceReader = {
  format: 'cloudtrail',
  table: 'events',
  recognize(v) {
    if (isCloudTrailRecord(v)) return true;
    if (Array.isArray(v)) return v.length > 0 && isCloudTrailRecord(v[0]);
    if (!isObj(v)) return false;
    if (Array.isArray(v.Records)) return v.Records.length === 0 || isCloudTrailRecord(v.Records[0]);
    if (Array.isArray(v.Events))
      return v.Events.length === 0 || (isObj(v.Events[0]) && 'CloudTrailEvent' in v.Events[0]);
    if (typeof v.CloudTrailEvent === 'string') return true;
    if (Array.isArray(v.QueryResultRows)) return true;
    return false;
  },
  unwrap(v) {
    if (isCloudTrailRecord(v)) return [v];
    if (Array.isArray(v)) return v;
    const o = v as Obj;
    if (Array.isArray(o.Records)) return o.Records;
    if (Array.isArray(o.Events)) return o.Events.map((e) => parseEmbedded(get(e, 'CloudTrailEvent')));
    if (typeof o.CloudTrailEvent === 'string') return [parseEmbedded(o.CloudTrailEvent)];
    if (Array.isArray(o.QueryResultRows)) return o.QueryResultRows.map(lakeRow);
    return [];
  },
  normalize: normalizeCloudTrail,
};
