#!/usr/bin/env node
// CloudTrail → OCSF the way Amazon Security Lake stores it, following the public mapping AWS
// published with the OCSF project (github.com/ocsf/examples, mappings/markdown/AWS/v1.1.0/
// CloudTrail/API Activity/README.md, and the 1.0.0-rc.2 dossiers for source version 1), used to
// write the Security Lake fixtures from real CloudTrail records and by the tests (which import
// `toOcsf` and `writeParquet`). Regenerate the fixtures with:
//   node scripts/security-lake-fixtures.mjs
// Inputs: test/fixtures/sources/security-lake/cloudtrail-originals.json (a bare array of
// CloudTrail records). Outputs beside it: ocsf-v2.jsonl (OCSF 1.1.0, JSON lines as Athena writes
// them), ocsf-v1.jsonl (OCSF 1.0.0-rc.2), and a Security Lake partition
// region=us-east-1/accountId=111111111111/eventDay=<day>/cloudtrail-v2.parquet.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const isObj = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** OCSF API Activity activity from the operation name (as in the ocsf/examples bloblang mapping). */
function activity(name) {
  const has = (...w) => w.some((x) => name.includes(x));
  if (has('Create', 'Run', 'Generate')) return [1, 'Create'];
  if (has('Get', 'List', 'Describe', 'Search', 'Lookup')) return [2, 'Read'];
  if (
    has('Update', 'Put', 'Modify', 'Add', 'Remove', 'Start', 'Stop', 'Attach', 'Detach', 'Associate', 'Tag')
  )
    return [3, 'Update'];
  if (has('Enable', 'Disable', 'Register', 'Deregister')) return [3, 'Update'];
  if (has('Delete', 'Terminate')) return [4, 'Delete'];
  return [99, 'Other'];
}

/** The CloudTrail fields the mapping places elsewhere (dotted paths); the rest goes to `unmapped`. */
const MAPPED = new Set([
  'awsRegion',
  'eventName',
  'eventSource',
  'eventTime',
  'eventID',
  'eventVersion',
  'eventCategory',
  'requestID',
  'apiVersion',
  'errorCode',
  'errorMessage',
  'requestParameters',
  'responseElements',
  'sourceIPAddress',
  'userAgent',
  'vpcEndpointId',
  'resources',
  'userIdentity.type',
  'userIdentity.principalId',
  'userIdentity.arn',
  'userIdentity.accountId',
  'userIdentity.accessKeyId',
  'userIdentity.credentialId',
  'userIdentity.userName',
  'userIdentity.invokedBy',
  'userIdentity.identityProvider',
  'userIdentity.webIdFederationData.federatedProvider',
  'userIdentity.sessionContext.attributes.creationDate',
  'userIdentity.sessionContext.attributes.mfaAuthenticated',
  'userIdentity.sessionContext.sessionIssuer.arn',
  // dropped by the published mapping (neither mapped nor kept in unmapped)
  'userIdentity.sessionContext.sessionIssuer.userName',
]);

/** Leaves of a record as dotted keys with string values (Security Lake's unmapped is map<string,string>). */
function flatten(v, prefix, out, skip) {
  if (skip.has(prefix)) return;
  if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out, skip);
    return;
  }
  if (v === null || v === undefined) return;
  out[prefix] = typeof v === 'string' ? v : JSON.stringify(v);
}

const drop = (o) => {
  for (const k of Object.keys(o)) {
    if (o[k] === undefined || o[k] === null) delete o[k];
    else if (isObj(o[k])) {
      drop(o[k]);
      if (!Object.keys(o[k]).length) delete o[k];
    }
  }
  return o;
};

/**
 * One CloudTrail record as Security Lake's OCSF: version 2 (OCSF 1.1.0, the default) or 1
 * (OCSF 1.0.0-rc.2: class 3005, requestParameters / responseElements in `unmapped`). `data: 'text'`
 * writes version 2's api.request/response.data as JSON text (Parquet's string column; the default),
 * `'object'` as objects.
 */
export function toOcsf(ct, { version = 2, data = 'text' } = {}) {
  const rc = version === 1;
  const ui = isObj(ct.userIdentity) ? ct.userIdentity : {};
  const sc = isObj(ui.sessionContext) ? ui.sessionContext : {};
  const [activityId, activityName] = activity(String(ct.eventName));
  const ms = Date.parse(ct.eventTime);
  const created = sc.attributes?.creationDate;
  const dataOf = (v) => (v === null || v === undefined ? undefined : data === 'text' ? JSON.stringify(v) : v);
  const ip = typeof ct.sourceIPAddress === 'string' && /^[0-9a-fA-F:.]+$/.test(ct.sourceIPAddress);
  const unmapped = {};
  // source version 1 kept requestParameters / responseElements in unmapped as dotted paths
  // (`requestParameters.bucketName`, `responseElements.x-amz-server-side-encryption`): a real
  // record of that version is quoted in github.com/aws-samples/amazon-security-lake-custom-data
  // (README.md), and AWS's queries read `unmapped['responseElements.accessKey.accessKeyId']`
  const skip = new Set(MAPPED);
  if (rc) {
    skip.delete('requestParameters');
    skip.delete('responseElements');
  } else skip.add('eventType');
  flatten(ct, '', unmapped, skip);
  // API Activity is 3005 (Audit Activity) in OCSF 1.0.0-rc.2, 6003 (Application Activity) in 1.1.0
  const classUid = rc ? 3005 : 6003;
  const o = {
    activity_id: activityId,
    activity_name: activityName,
    actor: {
      user: rc
        ? {
            type: ui.type,
            uid: ui.principalId,
            uuid: ui.arn,
            account_uid: ui.accountId,
            credential_uid: ui.accessKeyId ?? ui.credentialId,
            name: ui.userName,
          }
        : {
            type: ui.type,
            uid: ui.arn,
            uid_alt: ui.principalId,
            account: { uid: ui.accountId },
            credential_uid: ui.accessKeyId ?? ui.credentialId,
            name: ui.userName,
          },
      session: {
        issuer: sc.sessionIssuer?.arn,
        created_time: created ? Date.parse(created) : undefined,
        created_time_dt: rc ? undefined : created,
        [rc ? 'mfa' : 'is_mfa']:
          sc.attributes?.mfaAuthenticated === undefined
            ? undefined
            : sc.attributes.mfaAuthenticated === 'true',
      },
      invoked_by: ui.invokedBy,
      idp: { name: ui.webIdFederationData?.federatedProvider ?? ui.identityProvider },
    },
    api: {
      operation: ct.eventName,
      service: { name: ct.eventSource },
      version: ct.apiVersion,
      request: { uid: ct.requestID, data: rc ? undefined : dataOf(ct.requestParameters) },
      response: {
        error: ct.errorCode,
        message: ct.errorMessage,
        data: rc ? undefined : dataOf(ct.responseElements),
      },
    },
    category_name: rc ? 'Audit Activity' : 'Application Activity',
    category_uid: rc ? 3 : 6,
    class_name: 'API Activity',
    class_uid: classUid,
    cloud: { provider: 'AWS', region: ct.awsRegion },
    http_request: { user_agent: ct.userAgent },
    metadata: {
      product: {
        name: 'CloudTrail',
        vendor_name: 'AWS',
        version: ct.eventVersion,
        feature: { name: ct.eventCategory },
      },
      uid: ct.eventID,
      event_code: rc ? undefined : ct.eventType,
      profiles: rc ? ['cloud'] : ['cloud', 'datetime'],
      version: rc ? '1.0.0-rc.2' : '1.1.0',
    },
    resources: Array.isArray(ct.resources)
      ? ct.resources.map((r) =>
          rc
            ? drop({ uid: r.ARN, account_uid: r.accountId, type: r.type })
            : drop({ uid: r.ARN, owner: { account: { uid: r.accountId } }, type: r.type }),
        )
      : undefined,
    severity: 'Informational',
    severity_id: 1,
    src_endpoint: {
      ip: ip ? ct.sourceIPAddress : undefined,
      domain: ip ? undefined : ct.sourceIPAddress,
      uid: ct.vpcEndpointId,
    },
    status: ct.errorCode ? 'Failure' : 'Success',
    status_id: ct.errorCode ? 2 : 1,
    time: ms,
    time_dt: rc ? undefined : ct.eventTime,
    type_name: `API Activity: ${activityName}`,
    type_uid: classUid * 100 + activityId,
    unmapped,
  };
  return drop(o);
}

/**
 * Writes OCSF records to a Parquet file with DuckDB, `unmapped` as MAP(VARCHAR, VARCHAR) as in
 * Security Lake (the other columns take the types DuckDB infers from the JSON).
 */
export async function writeParquet(records, file) {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const dir = mkdtempSync(path.join(tmpdir(), 'seclake-'));
  try {
    const jsonl = path.join(dir, 'rows.jsonl');
    // unmapped as a list of {key, value}: DuckDB makes it a MAP below
    const rows = records.map((r) => ({
      ...r,
      unmapped: Object.entries(r.unmapped ?? {}).map(([key, value]) => ({ key, value })),
    }));
    writeFileSync(jsonl, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
    mkdirSync(path.dirname(file), { recursive: true });
    const inst = await DuckDBInstance.create(':memory:', { threads: '1' });
    const conn = await inst.connect();
    const q = (s) => `'${s.replace(/'/g, "''")}'`;
    await conn.run(
      `COPY (SELECT * REPLACE (map_from_entries(unmapped) AS unmapped)
             FROM read_json(${q(jsonl)}, format = 'newline_delimited', sample_size = -1))
       TO ${q(file)} (FORMAT parquet)`,
    );
    conn.closeSync();
    inst.closeSync();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const dir = path.join(here, '../test/fixtures/sources/security-lake');
  const originals = JSON.parse(readFileSync(path.join(dir, 'cloudtrail-originals.json'), 'utf8'));
  const v2 = originals.map((r) => toOcsf(r));
  writeFileSync(path.join(dir, 'ocsf-v2.jsonl'), `${v2.map((r) => JSON.stringify(r)).join('\n')}\n`);
  const v1 = originals.map((r) => toOcsf(r, { version: 1 }));
  writeFileSync(path.join(dir, 'ocsf-v1.jsonl'), `${v1.map((r) => JSON.stringify(r)).join('\n')}\n`);
  await writeParquet(
    v2,
    path.join(dir, 'lake/region=us-east-1/accountId=111111111111/eventDay=20240818/cloudtrail-v2.parquet'),
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
