/**
 * The resources a CloudTrail record names: ids and ARNs from request parameters and response
 * elements (guardrails, models, knowledge bases, data sources, agents, buckets, functions, IAM users
 * and roles, trails, provisioned models, parameters, security groups, SageMaker notebook instances,
 * endpoints, models, jobs, domains and user profiles, model package groups and packages, CloudWatch log groups and subscription
 * destinations). Kept as data: one table of
 * JSON keys per kind, so a new service is a line here, not new code.
 */

import { GEO_PREFIX } from '../sources/bedrock-bodies.js';

/** requestParameters / responseElements keys that name a resource, and the paths inside them. */
export const RESOURCE_KEYS: string[] = [
  'guardrailIdentifier',
  'guardrailId',
  'modelId',
  'modelIdentifier',
  'customModelName',
  'modelArn',
  'jobArn',
  'provisionedModelId',
  'provisionedModelArn',
  'knowledgeBaseId',
  'dataSourceId',
  'agentId',
  'agentAliasId',
  'actionGroupId',
  'flowIdentifier',
  'promptIdentifier',
  'bucketName',
  'functionName',
  'userName',
  'roleName',
  'groupName',
  'policyArn',
  'trailName',
  'detectorId',
  'configurationRecorderName',
  'groupId',
  'secretId',
  'instanceId',
  // CloudWatch Logs: the log group, and where a subscription filter sends it
  'logGroupName',
  'destinationArn',
  // Step Functions: the state machine an execution or change names
  'stateMachineArn',
];

/**
 * SageMaker request keys that name a resource by name, with the ARN resource type the name goes under
 * (`arn:aws:sagemaker:<region>:<account>:notebook-instance/<name>`, names lower-cased as SageMaker
 * writes them in ARNs). A user profile is `user-profile/<domain id>/<profile name>`.
 */
const SAGEMAKER_KEYS: Array<[string, string]> = [
  ['notebookInstanceName', 'notebook-instance'],
  ['notebookInstanceLifecycleConfigName', 'notebook-instance-lifecycle-config'],
  ['lifecycleConfigName', 'notebook-instance-lifecycle-config'],
  ['endpointName', 'endpoint'],
  ['endpointConfigName', 'endpoint-config'],
  ['modelName', 'model'],
  ['trainingJobName', 'training-job'],
  ['processingJobName', 'processing-job'],
  ['transformJobName', 'transform-job'],
  ['hyperParameterTuningJobName', 'hyper-parameter-tuning-job'],
];
/**
 * Object keys of model artifacts: a SageMaker model archive, and weight files (safetensors, GGUF,
 * ONNX, PyTorch, Keras / TensorFlow checkpoints).
 */
const MODEL_ARTIFACT =
  /(?:^|\/)model\.tar\.gz$|\.(?:safetensors|gguf|ggml|onnx|pt|pth|ckpt|keras|tflite|mlmodel)$|(?:^|\/)(?:pytorch_model|tf_model|flax_model|adapter_model|model)(?:-\d+-of-\d+)?\.(?:bin|msgpack)$/i;

/** Whether an S3 object key names a model artifact (archive or weights file). */
export function isModelArtifactKey(key: string): boolean {
  return key.length < 2000 && MODEL_ARTIFACT.test(key);
}

/** SageMaker names: letters, digits and hyphens (ids such as `d-abc123` too). */
const MODEL_PACKAGE_ARN =
  /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:\d{12}:(model-package-group|model-package)\/[A-Za-z0-9-]+(?:\/\d+)?$/;
const SAGEMAKER_NAME = /^[A-Za-z0-9](-*[A-Za-z0-9]){0,62}$/;

/** The SageMaker resources a request names, as ARNs where the record gives region and account. */
export function sagemakerResources(rp: unknown, region: string | null, account: string | null): string[] {
  const out: string[] = [];
  const arn = (type: string, name: string): string =>
    region && account ? `arn:aws:sagemaker:${region}:${account}:${type}/${name.toLowerCase()}` : name;
  for (const [k, type] of SAGEMAKER_KEYS) {
    const v = pick(rp, [k]);
    if (v && SAGEMAKER_NAME.test(v)) out.push(arn(type, v));
  }
  // Model Registry: a package group, and a package (a version is `<group>/<n>`, named by its ARN)
  for (const [k, type] of [
    ['modelPackageGroupName', 'model-package-group'],
    ['modelPackageGroupArn', 'model-package-group'],
    ['modelPackageName', 'model-package'],
    ['modelPackageArn', 'model-package'],
  ] as const) {
    const v = pick(rp, [k]);
    if (!v) continue;
    if (MODEL_PACKAGE_ARN.exec(v)?.[1] === type) out.push(v);
    else if (SAGEMAKER_NAME.test(v)) out.push(arn(type, v));
  }
  const domain = pick(rp, ['domainId']);
  const profile = pick(rp, ['userProfileName']);
  if (domain && SAGEMAKER_NAME.test(domain)) {
    if (profile && SAGEMAKER_NAME.test(profile)) out.push(arn('user-profile', `${domain}/${profile}`));
    else out.push(arn('domain', domain));
  }
  return out;
}

/** GuardDuty ids and names: a detector id is hex, a filter name letters, digits, `.`, `-`, `_`. */
const GUARDDUTY_ID = /^[A-Za-z0-9]{1,64}$/;
const GUARDDUTY_NAME = /^[A-Za-z0-9._-]{3,64}$/;

/**
 * The GuardDuty resources a request names, as ARNs where the record gives Region and account: a
 * suppression rule (filter) or a trusted-IP / threat list inside its detector when the request is
 * about one, else the detector (`arn:aws:guardduty:<region>:<account>:detector/<id>[/filter/<name>]`).
 * Without Region or account, the bare id or name.
 */
export function guarddutyResources(
  rp: unknown,
  re: unknown,
  region: string | null,
  account: string | null,
): string[] {
  const det = pick(rp, ['detectorId']) ?? pick(re, ['detectorId']);
  if (!det || !GUARDDUTY_ID.test(det)) return [];
  const base = region && account ? `arn:aws:guardduty:${region}:${account}:detector/${det}` : null;
  const o = rp && typeof rp === 'object' ? (rp as Record<string, unknown>) : {};
  const filter = pick(rp, ['filterName']) ?? ('findingCriteria' in o ? pick(rp, ['name']) : null);
  if (filter && GUARDDUTY_NAME.test(filter)) return [base ? `${base}/filter/${filter}` : filter];
  for (const [k, part] of [
    ['ipSetId', 'ipset'],
    ['threatIntelSetId', 'threatintelset'],
  ] as const) {
    const id = pick(rp, [k]) ?? pick(re, [k]);
    if (id && GUARDDUTY_ID.test(id)) return [base ? `${base}/${part}/${id}` : id];
  }
  return [base ?? det];
}

/** Keys naming a part of the agent named by `agentId` in the same parameters. */
const AGENT_PARTS = new Set(['agentAliasId', 'actionGroupId']);

/** Keys naming a model, where an inference profile's geography prefix is dropped (not from ARNs). */
const MODEL_KEYS = new Set(['modelId', 'modelIdentifier']);

/** Services whose `groupName` names the group a resource sits in (named by the resource's ARN). */
const GROUPED_SERVICES = new Set(['scheduler.amazonaws.com']);

/** Keys whose value is a resource only for some services. */
const NAME_BY_SERVICE: Record<string, string> = {
  'cloudtrail.amazonaws.com': 'name',
  'ssm.amazonaws.com': 'name',
};

const RESPONSE_PATHS: string[][] = [
  ['guardrailId'],
  ['guardrailArn'],
  ['agentId'],
  ['knowledgeBaseId'],
  ['dataSourceId'],
  ['jobArn'],
  ['modelArn'],
  ['provisionedModelArn'],
  ['functionArn'],
  ['trailARN'],
  ['user', 'arn'],
  ['role', 'arn'],
  ['accessKey', 'userName'],
  ['knowledgeBase', 'knowledgeBaseId'],
  ['dataSource', 'dataSourceId'],
  ['agent', 'agentId'],
  // an Organizations policy (SCP, tag or AI-opt-out policy) created or edited
  ['policy', 'policySummary', 'arn'],
  // a service quota whose increase was requested (capacity)
  ['requestedQuota', 'quotaArn'],
  // workflows and schedules: a Step Functions state machine, an EventBridge Scheduler schedule or rule
  ['stateMachineArn'],
  ['scheduleArn'],
  ['ruleArn'],
];

/** Request paths of job requests that name the S3 location of the job's input data (named by bucket). */
const JOB_INPUT_PATHS: string[][] = [
  ['modelDataSource', 's3DataSource', 's3Uri'],
  ['trainingDataConfig', 's3Uri'],
  ['inputDataConfig', 's3Uri'],
];
const PASSED_ROLE_SERVICES = new Set(['bedrock.amazonaws.com']);

/**
 * The service role a job request passes (the caller used iam:PassRole on it), for the services whose
 * jobs take one. Not a resource by itself (a pipeline passes its usual role every run): scope names
 * it when the caller also looked the role up first, i.e. chose it for what it may do.
 */
export function passedRoleOf(row: { service?: unknown; request_parameters?: unknown }): string | null {
  if (!PASSED_ROLE_SERVICES.has(String(row.service))) return null;
  const role = pick(parse(row.request_parameters), ['roleArn']);
  return role && /^arn:aws[a-z-]*:iam::\d{12}:role\//.test(role) ? role : null;
}

/** `s3://bucket/...` → `bucket`. */
function s3Bucket(uri: string): string | null {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(\/|$)/.exec(uri);
  return m ? m[1] : null;
}

/**
 * A resource without its version qualifier where the qualifier names a version of the same resource
 * (a managed prompt or flow version, `...:prompt/ID:8`): scope names the resource, not each version.
 */
export function baseResource(r: string): string {
  const m = /^(arn:aws[a-z-]*:bedrock:[^:]*:\d{12}:(?:prompt|flow)\/[A-Za-z0-9]+):[A-Za-z0-9]+$/.exec(r);
  return m ? m[1] : r;
}

/**
 * A system-defined cross-Region inference profile id (`us.anthropic.claude-...-v1:0`) as the model
 * it routes to: scope names the model, whichever Regions served it. Only a bare id with a model
 * version (`:N`) qualifies (a bucket or other name that merely starts with `us.` keeps its name);
 * ARNs and everything else are returned unchanged.
 */
export function modelOfProfile(r: string): string {
  if (r.length > 200 || !GEO_PREFIX.test(r)) return r;
  const base = r.replace(GEO_PREFIX, '');
  return /^[a-z][a-z0-9-]*\.[a-z0-9][a-z0-9.-]*:\d+$/i.test(base) ? base : r;
}

function pick(o: unknown, path: string[]): string | null {
  let cur: unknown = o;
  for (const k of path) {
    if (!cur || typeof cur !== 'object' || Array.isArray(cur)) return null;
    cur = (cur as Record<string, unknown>)[k];
  }
  return typeof cur === 'string' && cur.length > 0 && cur.length < 512 ? cur : null;
}

function parse(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return null;
  }
}

/** The resource ids a CloudTrail row (from table `events`) names. */
export function resourcesOfEvent(row: {
  service?: unknown;
  request_parameters?: unknown;
  response_elements?: unknown;
  resources?: unknown;
  /** the record's Region and the account it was delivered to (for ARNs built from names) */
  region?: unknown;
  recipient_account?: unknown;
  account?: unknown;
}): string[] {
  const out = new Set<string>();
  const rp = parse(row.request_parameters);
  const re = parse(row.response_elements);
  const region = typeof row.region === 'string' && /^[a-z0-9-]{4,30}$/.test(row.region) ? row.region : null;
  const acct =
    [row.recipient_account, row.account].find(
      (a): a is string => typeof a === 'string' && /^\d{12}$/.test(a),
    ) ?? null;
  const guardduty = row.service === 'guardduty.amazonaws.com';
  if (guardduty) for (const x of guarddutyResources(rp, re, region, acct)) out.add(x);
  if (rp && typeof rp === 'object') {
    const agent = pick(rp, ['agentId']);
    for (const k of RESOURCE_KEYS) {
      // GuardDuty's detector id is named above, as the detector or the rule or list inside it
      if (guardduty && k === 'detectorId') continue;
      // an alias or action group is part of the agent named beside it: the agent is the resource
      if (agent && AGENT_PARTS.has(k)) continue;
      // a schedule's group (`default`) is part of the schedule's ARN, not a resource by itself
      if (k === 'groupName' && GROUPED_SERVICES.has(String(row.service))) continue;
      const v = pick(rp, [k]);
      // a cross-Region inference profile id (us.anthropic...) names the model behind it
      if (v) out.add(MODEL_KEYS.has(k) ? baseResource(v.replace(GEO_PREFIX, '')) : v);
    }
    for (const p of JOB_INPUT_PATHS) {
      const v = pick(rp, p);
      const b = v ? s3Bucket(v) : null;
      if (b) out.add(b);
    }
    const validators = (rp as Record<string, unknown>).validationDataConfig;
    const vs =
      validators && typeof validators === 'object'
        ? (validators as Record<string, unknown>).validators
        : null;
    if (Array.isArray(vs))
      for (const x of vs.slice(0, 10)) {
        const b = s3Bucket(pick(x, ['s3Uri']) ?? '');
        if (b) out.add(b);
      }
    if (row.service === 'sagemaker.amazonaws.com')
      for (const x of sagemakerResources(rp, region, acct)) out.add(x);
    const nameKey = NAME_BY_SERVICE[String(row.service)];
    if (nameKey) {
      const v = pick(rp, [nameKey]);
      if (v) out.add(v);
    }
  }
  if (re && typeof re === 'object') {
    for (const p of RESPONSE_PATHS) {
      const v = pick(re, p);
      if (v) out.add(v);
    }
  }
  if (Array.isArray(row.resources)) for (const a of row.resources) if (typeof a === 'string') out.add(a);
  // AWS-managed policies are not resources of the account
  for (const x of out) if (x.startsWith('arn:aws:iam::aws:policy/')) out.delete(x);
  return [...out].sort();
}
