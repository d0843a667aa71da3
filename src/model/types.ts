/**
 * The normalised model of genai-ir. Types only: no code lives here.
 *
 * Every record keeps where it came from (`fileId` + `idx`: the file's sha256 and the
 * line or array index inside it) and its original id (CloudTrail eventID, Bedrock requestId,
 * agent traceId, finding id). Times are ISO 8601 UTC strings (`...Z`, millisecond precision).
 */

export const ELEMENTS = [
  'access',
  'infrastructure-changes',
  'ai-changes',
  'data-store-changes',
  'invocation',
  'private-data',
  'agency',
] as const;
export type Element = (typeof ELEMENTS)[number];

export const COMPONENTS = [
  'foundation-models',
  'custom-models',
  'guardrails',
  'agents',
  'knowledge-bases',
  'training-data',
  'plugins',
] as const;
export type Component = (typeof COMPONENTS)[number];

export const SEVERITIES = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Where a record came from. `fileId` is the sha256 of the file (see table `files`). */
export interface Provenance {
  fileId: string;
  /** 0-based record index: the line number - 1 for line formats, the array index otherwise. */
  idx: number;
}

/** Detected evidence formats (the `format` of an evidence entry). */
export type SourceFormat =
  | 'cloudtrail'
  | 'security-lake-cloudtrail'
  | 'bedrock-invocation'
  | 'bedrock-invocation-body'
  | 'agent-trace'
  | 'kb-log'
  | 'guardduty'
  | 'securityhub'
  | 'securityhub-ocsf'
  | 'iam-authorization-details'
  | 'config'
  | 'declared-activities'
  | 'change-calendar'
  | 'application-inventory'
  | 'unknown';

/** A CloudTrail record, normalised. Table `events`. */
export interface CtEvent extends Provenance {
  /** eventID, or `h:<sha256 of the canonical record>` when the record has none. */
  uid: string;
  eventId: string | null;
  requestId: string | null;
  time: string;
  account: string | null;
  recipientAccount: string | null;
  region: string | null;
  /** eventSource, e.g. `bedrock.amazonaws.com`. */
  service: string;
  /** eventName, e.g. `InvokeModel`. */
  action: string;
  eventType: string | null;
  /** Management | Data | Insight | NetworkActivity */
  category: string | null;
  readOnly: boolean | null;
  errorCode: string | null;
  errorMessage: string | null;
  /** userIdentity.type: IAMUser, AssumedRole, Root, AWSService, AWSAccount, FederatedUser, IdentityCenterUser ... */
  principalType: string | null;
  /** userIdentity.arn (for assumed roles the session ARN). */
  principalArn: string | null;
  principalId: string | null;
  /** The IAM identity behind the call: the role ARN for an assumed role, the user ARN for an IAM user, root ARN for root. */
  identityArn: string | null;
  userName: string | null;
  sessionName: string | null;
  accessKeyId: string | null;
  mfa: boolean | null;
  sessionCreated: string | null;
  sourceIdentity: string | null;
  invokedBy: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  vpcEndpointId: string | null;
  /** ARNs from `resources[]`. */
  resources: string[];
  requestParameters: Json;
  responseElements: Json;
  additionalEventData: Json;
  /** The whole original record. */
  raw: Json;
}

/** One message part extracted from a model request. */
export interface PromptPart {
  role: 'system' | 'user' | 'assistant' | 'tool_result' | 'document';
  text: string;
}

export interface ToolUse {
  name: string;
  input: Json;
  id?: string;
}

/** A Bedrock model-invocation log record, normalised. Table `invocations`. */
export interface Invocation extends Provenance {
  /** requestId, or `h:<hash>` when absent. */
  uid: string;
  requestId: string | null;
  time: string;
  account: string | null;
  region: string | null;
  /** identity.arn as logged (assumed-role session ARN or user ARN). */
  principalArn: string | null;
  /** role ARN behind a session, or user ARN. */
  identityArn: string | null;
  operation: string | null;
  modelId: string | null;
  /** Model provider derived from the model id: anthropic, amazon, meta, mistral, cohere, ai21 ... */
  provider: string | null;
  systemText: string;
  /** Text the end user (or caller) wrote: user turns, legacy `prompt`, `inputText`. */
  promptText: string;
  /** The last user turn alone (what was asked this time). */
  lastUserText: string;
  /** Tool results and documents passed into the request (indirect-injection surface). */
  toolResultText: string;
  responseText: string;
  toolUses: ToolUse[];
  inputTokens: number | null;
  outputTokens: number | null;
  stopReason: string | null;
  guardrailId: string | null;
  guardrailVersion: string | null;
  /** INTERVENED | NONE | null (no guardrail trace). */
  guardrailAction: string | null;
  /** Full guardrail trace (input and output assessments) as logged. */
  guardrailAssessments: Json;
  errorCode: string | null;
  inferenceRegion: string | null;
  /** requestMetadata.clientIp or similar end-user address carried by the application. */
  clientIp: string | null;
  requestMetadata: Json;
  inputBodyS3Path: string | null;
  outputBodyS3Path: string | null;
  /** Why part of the body is missing (e.g. `input body at s3://... not in evidence`), else null. */
  bodyMissing: string | null;
  inferenceParams: Json;
}

/** One step of a Bedrock agent trace. Table `agent_steps`. */
export interface AgentStep extends Provenance {
  uid: string;
  time: string;
  sessionId: string | null;
  agentId: string | null;
  agentAliasId: string | null;
  agentVersion: string | null;
  traceId: string | null;
  /** preProcessingTrace | orchestrationTrace | postProcessingTrace | guardrailTrace | failureTrace | routingClassifierTrace | customOrchestrationTrace */
  traceType: string;
  /** modelInvocationInput | modelInvocationOutput | rationale | invocationInput | observation | guardrail | failure */
  stepKind: string;
  /** action group name or knowledge base id for invocationInput / observation */
  actionGroup: string | null;
  /** apiPath or function name */
  apiName: string | null;
  verb: string | null;
  parameters: Json;
  /** Free text of the step (model input, rationale, observation text, final answer). */
  text: string;
  raw: Json;
}

/** A knowledge-base APPLICATION_LOGS event. Table `kb_events`. */
export interface KbEvent extends Provenance {
  uid: string;
  time: string;
  knowledgeBaseId: string | null;
  knowledgeBaseArn: string | null;
  dataSourceId: string | null;
  ingestionJobId: string | null;
  eventType: string | null;
  level: string | null;
  status: string | null;
  documentUri: string | null;
  statusReasons: string[];
  raw: Json;
}

/** A finding of another tool (GuardDuty, Security Hub). Table `ext_findings`. */
export interface ExtFinding extends Provenance {
  uid: string;
  findingId: string;
  source: 'guardduty' | 'securityhub';
  type: string;
  title: string | null;
  description: string | null;
  /** numeric severity as given (GuardDuty 0-10; Security Hub normalized 0-100 is kept in raw) */
  severity: number | null;
  severityLabel: string | null;
  account: string | null;
  region: string | null;
  createdAt: string | null;
  updatedAt: string | null;
  firstSeen: string | null;
  lastSeen: string | null;
  archived: boolean | null;
  count: number | null;
  accessKeyId: string | null;
  principalId: string | null;
  userName: string | null;
  userType: string | null;
  remoteIp: string | null;
  api: string | null;
  serviceName: string | null;
  resourceType: string | null;
  /** resource ids / ARNs the finding names (instances, buckets, models ...) */
  resources: string[];
  raw: Json;
}

/** An IAM principal or policy from get-account-authorization-details. Table `iam_entities`. */
export interface IamEntity extends Provenance {
  uid: string;
  kind: 'user' | 'role' | 'group' | 'policy';
  arn: string;
  name: string;
  account: string | null;
  createDate: string | null;
  /** group names for users */
  groups: string[];
  attachedPolicyArns: string[];
  /** inline policies: name -> document */
  inlinePolicies: Json;
  /** role trust policy */
  trustPolicy: Json;
  /** for kind=policy: the default version's document */
  policyDocument: Json;
  tags: Json;
  raw: Json;
}

/** An AWS Config configuration item. Table `config_items`. */
export interface ConfigItem extends Provenance {
  uid: string;
  time: string;
  account: string | null;
  region: string | null;
  resourceType: string | null;
  resourceId: string | null;
  resourceName: string | null;
  arn: string | null;
  status: string | null;
  configuration: Json;
  relationships: Json;
  raw: Json;
}

/** An entry of a declared-activities, change-calendar or application-inventory context file. Table `context_entries`. */
export interface ContextEntry extends Provenance {
  uid: string;
  kind: 'declared-activity' | 'planned-change' | 'application';
  type: string | null;
  ticket: string | null;
  owner: string | null;
  start: string | null;
  end: string | null;
  sourceIps: string[];
  principals: string[];
  sourceIdentity: string | null;
  /** free text: scope (declared) or summary (change calendar) */
  text: string;
  raw: Json;
}

/** One read evidence file. Table `files`. */
export interface EvidenceFile {
  /** sha256 of the file bytes as stored (compressed bytes for .gz). */
  sha256: string;
  path: string;
  format: SourceFormat;
  bytes: number;
  records: number;
  stored: number;
  rejected: number;
  duplicates: number;
  warnings: string[];
}

/** A reason one record (or a whole file) could not be read. Table `rejects`. */
export interface Reject {
  fileId: string;
  idx: number;
  reason: string;
}

/** References to the records behind a claim. Matches report.schema.json `evidenceRefs`. */
export interface EvidenceRefs {
  eventIds?: string[];
  requestIds?: string[];
  traceIds?: string[];
  findingIds?: string[];
  records?: string[];
}

/** A finding of genai-ir. Matches report.schema.json findings[]; `details` is extra. */
export interface Finding {
  id: string;
  ruleId: string;
  title: string;
  description?: string;
  severity: Severity;
  elements: Element[];
  components?: Component[];
  firstSeen: string;
  lastSeen: string;
  principals?: string[];
  accessKeyIds?: string[];
  sourceIps?: string[];
  resources?: string[];
  attack?: string[];
  evidence: EvidenceRefs;
  /** Free-form structured detail (counts, before/after, triage reasoning). */
  details?: Record<string, Json>;
}

export interface TimelineEntry {
  time: string;
  summary: string;
  elements?: Element[];
  findingIds?: string[];
  evidence: EvidenceRefs;
  /** extra: source kind and whether the entry is the actor's */
  source?: string;
  actor?: boolean;
  declared?: string;
}

export type ElementStatus = 'compromised' | 'suspicious' | 'clear' | 'no-evidence';

export interface ElementVerdict {
  status: ElementStatus;
  summary: string;
  findingIds: string[];
}

export interface Scope {
  principals: string[];
  accessKeyIds: string[];
  sourceIps: string[];
  resources: string[];
  window: { start?: string; end?: string };
}

/** The report written by `investigate` (report.schema.json, plus extra fields). */
export interface Report {
  tool: { name: 'genai-ir'; version: string };
  generatedAt: string;
  evidence: Array<{
    path: string;
    sha256: string;
    format: string;
    records: number;
    rejected: number;
    stored?: number;
    duplicates?: number;
  }>;
  coverage: {
    window: { start?: string; end?: string };
    gaps: string[];
    [k: string]: unknown;
  };
  findings: Finding[];
  scope: Scope;
  elements: Record<Element, ElementVerdict>;
  timeline: TimelineEntry[];
  warnings: string[];
  /** extras */
  components?: Partial<Record<Component, ElementVerdict>>;
  summary?: string;
  [k: string]: unknown;
}
