/**
 * AWS Config configuration items:
 * - history and snapshot files delivered to S3 (`{"fileVersion","configurationItems":[...]}`);
 * - `aws configservice get-resource-config-history` output (`{"configurationItems":[...]}`, whose
 *   items name some fields differently: `accountId`, `arn`, `configurationItemMD5Hash`, and carry
 *   `configuration` as a JSON string) and `batch-get-resource-config` (`baseConfigurationItems`);
 * - `Configuration Item Change Notification`s, through EventBridge (`detail` holds
 *   `configurationItem` + `configurationItemDiff`; the registry opens the envelope) or SNS
 *   (`{"Type":"Notification","Message":"<json>"}`, opened here).
 *
 * `configuration` given as a JSON string is parsed. A change notification's item is stored with
 * its `configurationItemDiff` added beside its own fields (in `raw`).
 * Identity: uid `config:<resourceType>/<resourceId>@<capture time>#<configurationStateId>`, so the
 * same item from a snapshot and from a history file is stored once.
 */
import type { ConfigItem, Json } from '../model/types.js';
import { RecordError, type Row, type SourceReader } from './types.js';
import { isObj, isoTime, type Obj, str } from './util.js';

export function isConfigItem(v: unknown): v is Obj {
  return (
    isObj(v) &&
    typeof v.resourceType === 'string' &&
    (typeof v.resourceId === 'string' || typeof v.ARN === 'string' || typeof v.arn === 'string') &&
    'configurationItemCaptureTime' in v
  );
}

/** The notification inside an SNS envelope, when the message is a Config notification. */
function snsMessage(v: unknown): Obj | null {
  if (!isObj(v) || v.Type !== 'Notification' || typeof v.Message !== 'string') return null;
  if (!v.Message.includes('configurationItem')) return null;
  try {
    const m = JSON.parse(v.Message) as unknown;
    return isObj(m) ? m : null;
  } catch {
    return null;
  }
}

function items(v: unknown): unknown[] | null {
  if (isConfigItem(v)) return [v];
  if (!isObj(v)) return null;
  const sns = snsMessage(v);
  if (sns) return items(sns);
  for (const k of ['configurationItems', 'baseConfigurationItems']) {
    const list = v[k];
    if (Array.isArray(list) && (list.length === 0 ? 'fileVersion' in v || k in v : isConfigItem(list[0])))
      return list;
  }
  // a change notification (EventBridge detail or SNS message)
  if (isConfigItem(v.configurationItem)) {
    const diff = v.configurationItemDiff;
    // keep the diff with the item it belongs to; raw still has the item's own fields at the top
    return [
      diff === undefined ? v.configurationItem : { ...v.configurationItem, configurationItemDiff: diff },
    ];
  }
  return null;
}

function parsed(v: unknown): Json {
  if (typeof v === 'string' && /^\s*[{[]/.test(v)) {
    try {
      return JSON.parse(v) as Json;
    } catch {
      return v;
    }
  }
  return (v ?? null) as Json;
}

export function normalizeConfig(rec: unknown): Row {
  if (!isConfigItem(rec)) throw new RecordError('not an AWS Config configuration item');
  const time = isoTime(rec.configurationItemCaptureTime);
  if (!time) throw new RecordError('configuration item without a readable configurationItemCaptureTime');
  const resourceId = str(rec.resourceId);
  const row: Omit<ConfigItem, 'raw' | 'fileId' | 'idx'> = {
    uid: `config:${rec.resourceType}/${resourceId ?? str(rec.ARN) ?? str(rec.arn)}@${time}#${str(rec.configurationStateId) ?? ''}`,
    time,
    account: str(rec.awsAccountId) ?? str(rec.accountId),
    region: str(rec.awsRegion),
    resourceType: str(rec.resourceType),
    resourceId,
    resourceName: str(rec.resourceName),
    arn: str(rec.ARN) ?? str(rec.arn),
    status: str(rec.configurationItemStatus),
    configuration: parsed(rec.configuration),
    relationships: (rec.relationships ?? null) as Json,
  };
  return row as unknown as Row;
}

export const config: SourceReader = {
  format: 'config',
  table: 'config_items',
  recognize: (v) => items(v) !== null,
  unwrap: (v) => items(v) ?? [],
  normalize: (rec) => normalizeConfig(rec),
};
