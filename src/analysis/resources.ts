/**
 * The resources a CloudTrail record names: ids and ARNs from request parameters and response
 * elements (guardrails, models, knowledge bases, data sources, agents, buckets, functions, IAM users
 * and roles, trails, provisioned models, parameters, security groups). Kept as data: one table of
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
  'notebookInstanceName',
  'lifecycleConfigName',
];

/** Keys naming a part of the agent named by `agentId` in the same parameters. */
const AGENT_PARTS = new Set(['agentAliasId', 'actionGroupId']);

/** Keys naming a model, where an inference profile's geography prefix is dropped (not from ARNs). */
const MODEL_KEYS = new Set(['modelId', 'modelIdentifier']);

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
];

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
}): string[] {
  const out = new Set<string>();
  const rp = parse(row.request_parameters);
  const re = parse(row.response_elements);
  if (rp && typeof rp === 'object') {
    const agent = pick(rp, ['agentId']);
    for (const k of RESOURCE_KEYS) {
      // an alias or action group is part of the agent named beside it: the agent is the resource
      if (agent && AGENT_PARTS.has(k)) continue;
      const v = pick(rp, [k]);
      // a cross-Region inference profile id (us.anthropic...) names the model behind it
      if (v) out.add(MODEL_KEYS.has(k) ? v.replace(GEO_PREFIX, '') : v);
    }
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
