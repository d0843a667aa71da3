/**
 * Element `infrastructure-changes` (with `private-data`): an S3 bucket configured to deliver its
 * new objects, or their names, to another account that is not the organisation's
 * (`infrastructure.bucket-delivery-outside`).
 *
 * - A replication rule (`PutBucketReplication`: `Rule` / `Rules`, `Destination.Bucket`,
 *   `Destination.Account`, `AccessControlTranslation.Owner`, `Role`) copies every new object that
 *   matches its filter to the destination bucket: S3 itself reads and writes them, with the role the
 *   rule names, so no object read appears in the source account's CloudTrail.
 * - An event notification (`PutBucketNotification`, legacy `TopicConfiguration` / `QueueConfiguration`
 *   / `CloudFunctionConfiguration`, and `PutBucketNotificationConfiguration` with the same shapes or
 *   the SDK's `TopicConfigurations[].TopicArn` / `QueueConfigurations[].QueueArn` /
 *   `LambdaFunctionConfigurations[].LambdaFunctionArn`) announces each new object's key, size and
 *   tag to an SNS topic, SQS queue or Lambda function: in another account, a feed of what the bucket
 *   receives.
 *
 * Which accounts are the organisation's is learnt as in data-exposure.ts (`orgAccounts`): a
 * ticketed replication to the organisation's own disaster-recovery account, or a notification to the
 * team's own function, is not reported. The finding cites the records of the same origin (key and
 * address) about the bucket, the role and the identity within an hour (the reading of the bucket's
 * settings first, the checks after), the creation of the role the rule names and its policies (a
 * new role that S3 may assume), and S3 assuming that role afterwards (the copies starting). The
 * objects written to the bucket after the rule and matching its filter are what left (named in
 * `details.exposedObjects`, not cited: the uploads are the organisation's own work); for a
 * knowledge base's source bucket they are its documents. A planned change in whose window it falls
 * that names every outside account explains it.
 */
import type { Component, Element } from '../model/types.js';
import { sqlTime } from '../store/case-store.js';
import {
  actionList,
  actorOf,
  applyContext,
  burstsOf,
  type Candidate,
  type CtRow,
  clientOf,
  type Env,
  loadEvents,
  matchContext,
  nameOf,
  principalsOf,
  SEVERITY_ORDER,
  subjectOf,
} from './context.js';
import { orgAccounts, plannedFor } from './data-exposure.js';
import type { DataBuckets } from './data-store.js';

export const BUCKET_DELIVERY_ACTIONS = [
  'PutBucketReplication',
  'DeleteBucketReplication',
  'PutBucketNotification',
  'PutBucketNotificationConfiguration',
];

/** Entries of a configuration list read at most (a rule set, a notification list). */
const MAX_ENTRIES = 100;
/** Records of the same origin cited around the change. */
const AROUND_MIN = 60;
const MAX_RELATED = 300;
/** Days before the rule in which the role's creation and policies are looked for. */
const ROLE_SETUP_DAYS = 7;
/** S3's own assumptions of the role cited at most. */
const MAX_ASSUMED = 50;
/** Objects written after the rule named at most. */
const MAX_OBJECTS = 1000;

export interface Delivery {
  kind: 'replication' | 'topic' | 'queue' | 'function';
  /** the destination: a bucket ARN, a topic, queue or function ARN */
  destination: string;
  /** the destination's account when the configuration names it */
  account: string | null;
  /** the replica's owner is changed to the destination account */
  ownerOverride: boolean;
  prefix: string | null;
  suffix: string | null;
  /** the replication rule's or notification's id */
  id: string | null;
}

export interface BucketDeliveryConfig {
  /** replication or notification: each put replaces the bucket's configuration of its kind */
  kind: 'replication' | 'notification';
  /** the role S3 assumes to replicate */
  role: string | null;
  deliveries: Delivery[];
}

const str = (v: unknown): string | null =>
  typeof v === 'string' && v.length > 0 && v.length <= 2048 ? v : null;

function obj(v: unknown): Record<string, unknown> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** A value that may be one entry or a list of them, as entries (bounded). */
function entries(v: unknown): Record<string, unknown>[] {
  const list = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  return list
    .slice(0, MAX_ENTRIES)
    .map(obj)
    .filter((x): x is Record<string, unknown> => !!x);
}

/** The first of the keys present, compared without case (XML and SDK shapes differ). */
function field(o: Record<string, unknown> | null, ...names: string[]): unknown {
  if (!o) return undefined;
  for (const n of names) if (n in o) return o[n];
  const lower = new Map(Object.keys(o).map((k) => [k.toLowerCase(), k]));
  for (const n of names) {
    const k = lower.get(n.toLowerCase());
    if (k !== undefined) return o[k];
  }
  return undefined;
}

const ARN_ACCOUNT = /^arn:aws[a-z-]*:(?:sns|sqs|lambda):[a-z0-9-]*:(\d{12}):/;

/** The name filter of a notification (`Filter.S3Key.FilterRule` or `Filter.Key.FilterRules`). */
function keyFilter(f: unknown): { prefix: string | null; suffix: string | null } {
  const key = obj(field(obj(f), 'S3Key', 'Key'));
  let prefix: string | null = null;
  let suffix: string | null = null;
  for (const r of entries(field(key, 'FilterRule', 'FilterRules'))) {
    const name = String(field(r, 'Name') ?? '').toLowerCase();
    const value = str(field(r, 'Value'));
    if (name === 'prefix') prefix = value;
    else if (name === 'suffix') suffix = value;
  }
  return { prefix, suffix };
}

/** The prefix a replication rule applies to (`Filter.Prefix`, `Filter.And.Prefix`, the older `Prefix`). */
function rulePrefix(rule: Record<string, unknown>): string | null {
  const f = obj(field(rule, 'Filter'));
  return (
    str(field(f, 'Prefix')) ??
    str(field(obj(field(f, 'And')), 'Prefix')) ??
    str(field(rule, 'Prefix')) ??
    null
  );
}

const NOTIFICATION_KINDS: Array<{ kind: Delivery['kind']; lists: string[]; arns: string[] }> = [
  { kind: 'topic', lists: ['TopicConfiguration', 'TopicConfigurations'], arns: ['Topic', 'TopicArn'] },
  { kind: 'queue', lists: ['QueueConfiguration', 'QueueConfigurations'], arns: ['Queue', 'QueueArn'] },
  {
    kind: 'function',
    lists: [
      'CloudFunctionConfiguration',
      'CloudFunctionConfigurations',
      'LambdaFunctionConfiguration',
      'LambdaFunctionConfigurations',
    ],
    arns: ['CloudFunction', 'LambdaFunctionArn', 'LambdaFunction'],
  },
];

/**
 * Where a bucket-configuration record sends objects or their names (request parameters as CloudTrail
 * records them; never evaluated, bounded). Null for other records; an empty list for a deletion or
 * a configuration that sends nothing anywhere.
 */
export function deliveriesOf(
  action: string,
  req: Record<string, unknown> | null,
): BucketDeliveryConfig | null {
  if (action === 'DeleteBucketReplication') return { kind: 'replication', role: null, deliveries: [] };
  if (action === 'PutBucketReplication') {
    const cfg = obj(field(req, 'ReplicationConfiguration')) ?? req;
    const out: BucketDeliveryConfig = { kind: 'replication', role: str(field(cfg, 'Role')), deliveries: [] };
    for (const rule of entries(field(cfg, 'Rule', 'Rules'))) {
      if (String(field(rule, 'Status') ?? '').toLowerCase() === 'disabled') continue;
      const d = obj(field(rule, 'Destination'));
      const bucket = str(field(d, 'Bucket'));
      if (!bucket) continue;
      const name = bucket.replace(/^arn:aws[a-z-]*:s3:::/, '').split('/')[0];
      const acct = str(field(d, 'Account'));
      const owner = String(field(obj(field(d, 'AccessControlTranslation')), 'Owner') ?? '');
      out.deliveries.push({
        kind: 'replication',
        destination: `arn:aws:s3:::${name}`,
        account: acct && /^\d{12}$/.test(acct) ? acct : null,
        ownerOverride: owner.toLowerCase() === 'destination',
        prefix: rulePrefix(rule),
        suffix: null,
        id: str(field(rule, 'ID', 'Id')),
      });
    }
    return out;
  }
  if (action === 'PutBucketNotification' || action === 'PutBucketNotificationConfiguration') {
    const cfg = obj(field(req, 'NotificationConfiguration')) ?? req;
    const out: BucketDeliveryConfig = { kind: 'notification', role: null, deliveries: [] };
    for (const k of NOTIFICATION_KINDS)
      for (const list of k.lists)
        for (const e of entries(field(cfg, list))) {
          let arn: string | null = null;
          for (const a of k.arns) arn = arn ?? str(field(e, a));
          if (!arn) continue;
          const { prefix, suffix } = keyFilter(field(e, 'Filter'));
          out.deliveries.push({
            kind: k.kind,
            destination: arn,
            account: ARN_ACCOUNT.exec(arn)?.[1] ?? null,
            ownerOverride: false,
            prefix,
            suffix,
            id: str(field(e, 'Id', 'ID')),
          });
        }
    return out;
  }
  return null;
}

/** The account a record acted in. */
function accountOf(r: CtRow): string | null {
  return r.account ?? /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(r.identityArn ?? '')?.[1] ?? null;
}

const roleNameOf = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

const WHAT: Record<Delivery['kind'], string> = {
  replication: 'replicates new objects to bucket',
  topic: 'announces new objects to SNS topic',
  queue: 'announces new objects to SQS queue',
  function: 'announces new objects to Lambda function',
};

interface Outside {
  record: CtRow;
  config: BucketDeliveryConfig;
  delivery: Delivery;
  /** the destination's account, or null when nothing says whose the bucket is */
  account: string | null;
  /** until when the destination stays configured (the next configuration of the kind without it) */
  until: string | null;
}

/**
 * Buckets whose owner the records name: the `resources` of S3 records carry each bucket's
 * `accountId`; a bucket the account's own principals call is the account's when nothing else says.
 */
async function bucketOwners(env: Env, names: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!names.length) return out;
  const rows = await env.db.all(
    `WITH r AS (
       SELECT json_extract_string(request_parameters, '$.bucketName') AS b,
              unnest(coalesce(TRY_CAST(json_extract(raw, '$.resources') AS JSON[]), []::JSON[])) AS x
       FROM events WHERE service = 's3.amazonaws.com'
         AND json_extract_string(request_parameters, '$.bucketName') IN (${actionList(names)}))
     SELECT b, min(json_extract_string(x, '$.accountId')) AS a FROM r
     WHERE json_extract_string(x, '$.ARN') = 'arn:aws:s3:::' || b AND json_extract_string(x, '$.accountId') IS NOT NULL
     GROUP BY b ORDER BY b`,
  );
  for (const r of rows) out.set(String(r.b), String(r.a));
  return out;
}

/** S3 bucket replication rules and event notifications that send to an account outside the organisation. */
export async function bucketDeliveryOutside(env: Env, buckets: DataBuckets): Promise<Candidate[]> {
  const rows = await loadEvents(
    env.db,
    `service = 's3.amazonaws.com' AND action IN (${actionList(BUCKET_DELIVERY_ACTIONS)}) AND error_code IS NULL`,
    [],
    { resp: false },
  );
  if (!rows.length) return [];
  const configs = rows
    .map((r) => ({ r, bucket: str(r.req?.bucketName), cfg: deliveriesOf(r.action, r.req) }))
    .filter((x): x is { r: CtRow; bucket: string; cfg: BucketDeliveryConfig } => !!x.bucket && !!x.cfg);
  // destination buckets named without an account: whose they are, as far as the records say
  const unnamed = [
    ...new Set(
      configs.flatMap((x) =>
        x.cfg.deliveries
          .filter((d) => d.kind === 'replication' && !d.account)
          .map((d) => d.destination.slice('arn:aws:s3:::'.length)),
      ),
    ),
  ].sort();
  const owners = await bucketOwners(env, unnamed);
  const own = await orgAccounts(env, []);
  // each put replaces the bucket's configuration of its kind: a destination the previous one
  // already had is not new, and a later one without it ends it
  const outside: Outside[] = [];
  const prev = new Map<string, Set<string>>();
  for (const [i, x] of configs.entries()) {
    const slot = `${x.bucket}\u0000${x.cfg.kind}`;
    const before = prev.get(slot) ?? new Set<string>();
    prev.set(slot, new Set(x.cfg.deliveries.map((d) => d.destination)));
    const acct = accountOf(x.r);
    for (const d of x.cfg.deliveries) {
      if (before.has(d.destination)) continue;
      const account =
        d.account ??
        (d.kind === 'replication' ? (owners.get(d.destination.slice('arn:aws:s3:::'.length)) ?? null) : null);
      if (account && (account === acct || own.has(account))) continue;
      // a function or queue ARN always names its account; a bucket without one is unknown
      if (!account && d.kind !== 'replication') continue;
      const later = configs
        .slice(i + 1)
        .find(
          (y) =>
            y.bucket === x.bucket &&
            y.cfg.kind === x.cfg.kind &&
            !y.cfg.deliveries.some((e) => e.destination === d.destination),
        );
      outside.push({ record: x.r, config: x.cfg, delivery: d, account, until: later?.r.time ?? null });
    }
  }
  if (!outside.length) return [];
  // one finding per bucket and origin (credential and address) within an hour
  const byRecord = new Map<string, Outside[]>();
  for (const o of outside) {
    if (!byRecord.has(o.record.uid)) byRecord.set(o.record.uid, []);
    byRecord.get(o.record.uid)!.push(o);
  }
  const records = [...new Map(outside.map((o) => [o.record.uid, o.record])).values()];
  const groups = burstsOf(
    records,
    (a, b) =>
      String(a.req?.bucketName) === String(b.req?.bucketName) &&
      a.identityArn === b.identityArn &&
      a.accessKeyId === b.accessKeyId &&
      a.sourceIp === b.sourceIp,
    AROUND_MIN,
  );
  const out: Candidate[] = [];
  for (const g of groups) {
    const r0 = g[0];
    const last = g[g.length - 1];
    const bucket = String(r0.req?.bucketName);
    const os = g.flatMap((r) => byRecord.get(r.uid) ?? []);
    const repl = os.filter((o) => o.delivery.kind === 'replication');
    const notif = os.filter((o) => o.delivery.kind !== 'replication');
    const known = os.filter((o) => o.account);
    const accounts = [...new Set(known.map((o) => o.account as string))].sort();
    const roles = [...new Set(repl.map((o) => o.config.role).filter((x): x is string => !!x))].sort();
    const kind = env.base.kindOf(r0.identityArn);
    // the origin's records about the bucket, the role and its identity around the change
    const related = r0.accessKeyId
      ? await loadEvents(
          env.db,
          `access_key_id = $1 AND coalesce(source_ip, '') = $2
           AND time >= CAST($3 AS TIMESTAMP) - INTERVAL ${AROUND_MIN} MINUTE
           AND time <= CAST($4 AS TIMESTAMP) + INTERVAL ${AROUND_MIN} MINUTE
           AND (json_extract_string(request_parameters, '$.bucketName') = $5
                OR action IN ('GetCallerIdentity', 'ListBuckets')
                OR (service = 'iam.amazonaws.com' AND json_extract_string(request_parameters, '$.roleName') IN (${actionList([...roles.map(roleNameOf), ''])})))
           LIMIT ${MAX_RELATED}`,
          [r0.accessKeyId, r0.sourceIp ?? '', sqlTime(r0.time), sqlTime(last.time), bucket],
          { resp: false, extra: false },
        )
      : [];
    // the role the rule names: its creation and policies in the days before (whoever made them)
    const setup = roles.length
      ? await loadEvents(
          env.db,
          `service = 'iam.amazonaws.com' AND error_code IS NULL
           AND action IN ('CreateRole', 'PutRolePolicy', 'AttachRolePolicy', 'UpdateAssumeRolePolicy')
           AND json_extract_string(request_parameters, '$.roleName') IN (${actionList(roles.map(roleNameOf))})
           AND time <= CAST($1 AS TIMESTAMP) AND time >= CAST($1 AS TIMESTAMP) - INTERVAL ${ROLE_SETUP_DAYS} DAY`,
          [sqlTime(last.time)],
          { resp: false, extra: false },
        )
      : [];
    // S3 assuming the role afterwards: the copies being made
    const assumed = roles.length
      ? await loadEvents(
          env.db,
          `action = 'AssumeRole' AND error_code IS NULL
           AND (invoked_by = 's3.amazonaws.com' OR source_ip = 's3.amazonaws.com')
           AND json_extract_string(request_parameters, '$.roleArn') IN (${actionList(roles)})
           AND time >= CAST($1 AS TIMESTAMP) LIMIT ${MAX_ASSUMED}`,
          [sqlTime(r0.time)],
          { resp: false, extra: false },
        )
      : [];
    // what was written to the bucket while a destination was configured, and matches its filter
    const exposed = new Map<string, string>();
    let moreObjects = false;
    for (const o of os) {
      if (exposed.size >= MAX_OBJECTS) break;
      const objs = await env.db.all(
        `SELECT json_extract_string(request_parameters, '$.key') AS k, strftime(min(time), '%Y-%m-%dT%H:%M:%SZ') AS t
         FROM events
         WHERE service = 's3.amazonaws.com' AND action IN ('PutObject', 'CopyObject', 'CompleteMultipartUpload')
           AND error_code IS NULL AND json_extract_string(request_parameters, '$.bucketName') = $1
           AND time > CAST($2 AS TIMESTAMP) AND ($3 = '' OR time < CAST($3 AS TIMESTAMP))
           AND json_extract_string(request_parameters, '$.key') IS NOT NULL
           AND starts_with(json_extract_string(request_parameters, '$.key'), $4)
           AND ends_with(json_extract_string(request_parameters, '$.key'), $5)
         GROUP BY 1 ORDER BY 2, 1 LIMIT ${MAX_OBJECTS + 1}`,
        [
          bucket,
          sqlTime(o.record.time),
          o.until ? sqlTime(o.until) : '',
          o.delivery.prefix ?? '',
          o.delivery.suffix ?? '',
        ],
      );
      if (objs.length > MAX_OBJECTS) moreObjects = true;
      for (const x of objs.slice(0, MAX_OBJECTS))
        if (!exposed.has(String(x.k)) && exposed.size < MAX_OBJECTS) exposed.set(String(x.k), String(x.t));
    }
    const replicated = repl.length > 0 && (exposed.size > 0 || assumed.length > 0);
    const kbInfo = buckets.kb.get(bucket);
    const components: Component[] = [
      ...(kbInfo ? (['knowledge-bases'] as const) : []),
      ...(buckets.training.has(bucket) ? (['training-data'] as const) : []),
    ];
    const indexed =
      kbInfo && exposed.size
        ? await env.db.all(
            `SELECT count(DISTINCT document_uri) AS n FROM kb_events WHERE document_uri IN (${actionList(
              [...exposed.keys()].map((k) => `s3://${bucket}/${k}`),
            )})`,
          )
        : [];
    const indexedN = Number(indexed[0]?.n ?? 0);
    const trust = setup.find((r) => r.action === 'CreateRole' || r.action === 'UpdateAssumeRolePolicy');
    const trustText = String(trust?.req?.assumeRolePolicyDocument ?? trust?.req?.policyDocument ?? '').slice(
      0,
      20_000,
    );
    const s3Trusted = /s3\.amazonaws\.com/.test(trustText);
    const policyText = setup
      .filter((r) => r.action === 'PutRolePolicy')
      .map((r) => String(r.req?.policyDocument ?? '').slice(0, 20_000))
      .join('\n');
    const namesDest = repl.filter((o) =>
      policyText.includes(o.delivery.destination.slice('arn:aws:s3:::'.length)),
    );
    const created = setup.filter((r) => r.action === 'CreateRole');
    const sameOrigin = created.some((r) => r.accessKeyId === r0.accessKeyId && r.sourceIp === r0.sourceIp);
    const dests = os.map(
      (o) =>
        `${WHAT[o.delivery.kind]} ${o.delivery.destination} (${o.account ? `account ${o.account}` : 'owner not named in the evidence'})`,
    );
    const triage: string[] = [
      ...(accounts.length
        ? [`destination account(s) ${accounts.join(', ')}: not the organisation's (nor the bucket's)`]
        : []),
      ...os
        .filter((o) => !o.account)
        .map(
          (o) =>
            `replication destination ${o.delivery.destination} names no account and the records never show its owner`,
        ),
      ...(repl.some((o) => o.delivery.ownerOverride)
        ? ['replica ownership given to the destination account: the copies are no longer the organisation’s']
        : []),
      ...(repl.some((o) => !o.delivery.prefix)
        ? ['the replication rule covers the whole bucket (no prefix filter)']
        : []),
      ...(created.length
        ? [
            `role ${roles.join(', ')} created ${sameOrigin ? 'by the same origin' : `by ${[...new Set(created.map((r) => nameOf(r.identityArn)))].join(', ')}`} shortly before` +
              (s3Trusted ? ', trusted by s3.amazonaws.com' : '') +
              (namesDest.length ? '; its policy names the destination bucket' : ''),
          ]
        : []),
      ...(assumed.length
        ? [
            `S3 assumed ${roles.join(', ')} ${assumed.length} time(s) after the rule (from ${assumed[0].time}): replication ran`,
          ]
        : []),
      ...(exposed.size
        ? [
            `${exposed.size}${moreObjects ? '+' : ''} object(s) written to ${bucket} after the rule ${repl.length ? 'were copied out' : 'were announced'}` +
              (indexedN ? `; ${indexedN} of them are knowledge-base documents` : ''),
          ]
        : []),
      'replication copies and notification deliveries are made by S3: they are not object reads in this account’s CloudTrail',
      `${kind} principal`,
    ];
    const evidence = [
      ...new Map([...related, ...g, ...setup, ...assumed].map((r) => [r.uid, r])).values(),
    ].sort((a, b) => a.time.localeCompare(b.time) || a.uid.localeCompare(b.uid));
    const elements: Element[] = [
      'infrastructure-changes',
      ...(replicated ? (['private-data'] as const) : []),
    ];
    // a replication rule copies the objects out; a notification alone announces their names (a
    // vendor's ingestion queue looks the same): worth a look, raised when the same actor shows abuse
    const severity: Candidate['severity'] = repl.some((o) => o.account) ? 'high' : 'low';
    const c: Candidate = {
      ruleId: 'infrastructure.bucket-delivery-outside',
      title: `Bucket ${bucket} set to ${repl.length ? 'replicate' : 'send notifications'}${repl.length && notif.length ? ' and send notifications' : ''} to ${accounts.length ? `outside account ${accounts.join(', ')}` : 'a bucket of unknown owner'}`,
      description:
        `${nameOf(r0.identityArn)} (${kind}) from ${r0.sourceIp} with ${clientOf(r0.userAgent)}: ${[...new Set(g.map((r) => r.action))].join(', ')} on ${bucket}; the bucket now ${dests.join('; ')}` +
        (exposed.size
          ? `. ${exposed.size}${moreObjects ? '+' : ''} object(s) were written to it afterwards (${[...exposed.keys()].slice(0, 5).join(', ')}${exposed.size > 5 ? ', ...' : ''})${repl.length ? ': their content left with the replication' : ': their names were announced'}`
          : '') +
        (kbInfo
          ? `. The bucket is the source of knowledge base(s) ${[...kbInfo.kbIds].sort().join(', ') || '(unnamed)'}`
          : '') +
        '.',
      severity,
      strength: SEVERITY_ORDER.indexOf(severity) >= 2 ? 'hard' : 'soft',
      ifActor: 'high',
      elements,
      components,
      times: evidence.map((r) => r.time),
      principals: [...new Set(g.flatMap(principalsOf))],
      accessKeyIds: [r0.accessKeyId],
      sourceIps: [r0.sourceIp],
      resources: [bucket, ...roles, ...new Set(os.map((o) => o.delivery.destination))],
      attack: ['T1537', 'T1020', ...(created.length ? ['T1098'] : []), ...(replicated ? ['T1530'] : [])],
      evidence: { eventIds: evidence.map((r) => r.eventId) },
      actors: [actorOf(r0)],
      triage,
      details: {
        bucket,
        destinations: os.map((o) => ({
          kind: o.delivery.kind,
          destination: o.delivery.destination,
          account: o.account,
          ownerOverride: o.delivery.ownerOverride,
          prefix: o.delivery.prefix,
          suffix: o.delivery.suffix,
          id: o.delivery.id,
          since: o.record.time,
          until: o.until,
        })),
        outsideAccounts: accounts,
        replicationRoles: roles,
        roleCreated: created.map((r) => r.eventId),
        roleTrustsS3: s3Trusted,
        s3AssumedRole: assumed.length,
        exposedObjects: [...exposed.keys()].slice(0, 200),
        exposedObjectCount: exposed.size,
        knowledgeBaseDocuments: indexedN,
        knowledgeBases: kbInfo ? [...kbInfo.kbIds] : [],
        actorKind: kind,
      },
    };
    const m =
      matchContext(env.entries, { ...subjectOf(r0), targets: [bucket, ...accounts] }) ??
      plannedFor(env.entries, r0.time, accounts);
    // a planned change explains it only when it names every outside account
    if (
      m &&
      (m.kind === 'declared-activity' || (accounts.length && accounts.every((a) => m.text.includes(a))))
    )
      applyContext(c, m);
    else if (m) c.triage.push(`inside ${m.ticket}'s window, which does not name the outside account(s)`);
    out.push(c);
  }
  return out;
}
