/**
 * Test helper: CloudTrail JSON records -> rows of the case store's `events` table, in an
 * in-memory DuckDB. A small stand-in for the real normaliser (src/sources/cloudtrail.ts), with
 * the same column semantics (empty strings stored as NULL, booleans from 'true'/'false').
 */
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { ddl, TABLES } from '../../src/store/schema.js';

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null =>
  typeof v === 'string' ? (v.length ? v : null) : typeof v === 'number' ? String(v) : null;
const bool = (v: unknown): boolean | null =>
  typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : null;
const get = (v: unknown, ...keys: string[]): unknown => {
  let cur = v;
  for (const k of keys) {
    if (!isObj(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
};

/** The `events` columns of one CloudTrail record. */
export function ctRow(rec: Obj, idx = 0): Obj {
  const ui = isObj(rec.userIdentity) ? rec.userIdentity : {};
  const arn = str(ui.arn);
  const type = str(ui.type);
  const issuer = str(get(ui, 'sessionContext', 'sessionIssuer', 'arn'));
  const time = new Date(String(rec.eventTime)).toISOString();
  return {
    uid: str(rec.eventID) ?? `h:${idx}`,
    event_id: str(rec.eventID),
    request_id: str(rec.requestID),
    time,
    account: str(ui.accountId) ?? str(rec.recipientAccountId),
    recipient_account: str(rec.recipientAccountId),
    region: str(rec.awsRegion),
    service: String(rec.eventSource),
    action: String(rec.eventName),
    event_type: str(rec.eventType),
    category: str(rec.eventCategory),
    read_only: bool(rec.readOnly),
    error_code: str(rec.errorCode),
    error_message: str(rec.errorMessage),
    principal_type: type,
    principal_arn: arn,
    principal_id: str(ui.principalId),
    identity_arn: type === 'AssumedRole' ? issuer : arn,
    user_name: str(ui.userName) ?? str(get(ui, 'sessionContext', 'sessionIssuer', 'userName')),
    session_name: type === 'AssumedRole' && arn ? arn.split('/').slice(2).join('/') || null : null,
    access_key_id: str(ui.accessKeyId),
    mfa: bool(get(ui, 'sessionContext', 'attributes', 'mfaAuthenticated')),
    session_created: str(get(ui, 'sessionContext', 'attributes', 'creationDate')),
    source_identity: str(get(ui, 'sessionContext', 'sourceIdentity')),
    invoked_by: str(ui.invokedBy),
    source_ip: str(rec.sourceIPAddress),
    user_agent: str(rec.userAgent),
    vpc_endpoint_id: str(rec.vpcEndpointId),
    resources: Array.isArray(rec.resources)
      ? rec.resources.map((r) => str(get(r, 'ARN'))).filter((x): x is string => x !== null)
      : [],
    request_parameters: rec.requestParameters ?? null,
    response_elements: rec.responseElements ?? null,
    additional_event_data: rec.additionalEventData ?? null,
    raw: rec,
    file_id: 'test',
    idx,
  };
}

const q = (s: string): string => `'${s.replace(/'/g, "''")}'`;

function literal(v: unknown, type: string): string {
  if (v === null || v === undefined) return 'NULL';
  if (type === 'JSON') return `${q(JSON.stringify(v))}::JSON`;
  if (type === 'VARCHAR[]') return `[${(v as string[]).map(q).join(', ')}]::VARCHAR[]`;
  if (type === 'TIMESTAMP') return `${q(String(v))}::TIMESTAMP`;
  if (type === 'BOOLEAN') return v ? 'true' : 'false';
  if (type === 'BIGINT') return String(Number(v));
  return q(String(v));
}

function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

export interface TestDb {
  all(sql: string): Promise<Record<string, unknown>[]>;
  run(sql: string): Promise<void>;
  insert(records: Obj[]): Promise<void>;
  close(): void;
}

/** An in-memory DuckDB with the case store's tables. */
export async function eventsDb(records: Obj[] = []): Promise<TestDb> {
  const inst = await DuckDBInstance.create(':memory:');
  const conn: DuckDBConnection = await inst.connect();
  await conn.run("SET TimeZone = 'UTC'");
  for (const s of ddl()) await conn.run(s);
  let n = 0;
  const db: TestDb = {
    async all(sql) {
      const r = await conn.runAndReadAll(sql);
      return r.getRowObjectsJS().map((row) => plain(row) as Record<string, unknown>);
    },
    async run(sql) {
      await conn.run(sql);
    },
    async insert(recs) {
      const cols = TABLES.events;
      for (const rec of recs) {
        const row = ctRow(rec, n++);
        const values = cols.map((c) => literal(row[c.name], c.type)).join(', ');
        await conn.run(
          `INSERT INTO events (${cols.map((c) => `"${c.name}"`).join(', ')}) VALUES (${values})`,
        );
      }
    },
    close() {
      conn.closeSync();
      inst.closeSync();
    },
  };
  if (records.length) await db.insert(records);
  return db;
}

/** A minimal CloudTrail record, with overrides. */
export function ct(over: Obj = {}): Obj {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLE',
      arn: 'arn:aws:iam::111111111111:user/alice',
      accountId: '111111111111',
      accessKeyId: 'AKIAEXAMPLE',
      userName: 'alice',
    },
    eventTime: '2025-01-01T00:00:00Z',
    eventSource: 'iam.amazonaws.com',
    eventName: 'ListUsers',
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.10',
    userAgent: 'aws-cli/2.17.32',
    requestParameters: null,
    responseElements: null,
    requestID: 'req-1',
    eventID: 'evt-1',
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '111111111111',
    eventCategory: 'Management',
    ...over,
  };
}
