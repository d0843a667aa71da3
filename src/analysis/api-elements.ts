/**
 * Which methodology element and component a CloudTrail call belongs to, as a table: used to say
 * what the actor's own records touched (the verdict of an element is also raised when the actor
 * changed something in it) and to label timeline entries.
 */
import type { Component, Element } from '../model/types.js';

export interface ApiClass {
  element: Element;
  component?: Component;
  /** true when the call changes something (successful writes are what verdicts count) */
  change: boolean;
  /** another element the call also belongs to (a knowledge base's configuration is the AI application's too) */
  also?: Element;
}

interface Entry {
  service: string;
  /** regular expression on eventName */
  action: RegExp;
  element: Element;
  component?: Component;
  change?: boolean;
  also?: Element;
}

const W =
  /^(Create|Update|Delete|Put|Attach|Detach|Add|Remove|Modify|Associate|Disassociate|Start|Stop|Enable|Disable|Tag|Untag|Import|Copy|Authorize|Revoke|Set|Replace|Register|Deregister|Prepare|Reset|Upload)/;

const TABLE: Entry[] = [
  // AI: models, custom models, guardrails, agents, prompts, flows, invocation logging
  {
    service: 'bedrock',
    action: /ModelInvocationLoggingConfiguration$/,
    element: 'ai-changes',
    component: 'foundation-models',
  },
  {
    service: 'bedrock',
    action:
      /^(PutUseCaseForModelAccess|CreateFoundationModelAgreement|DeleteFoundationModelAgreement|PutFoundationModelEntitlement)$/,
    element: 'ai-changes',
    component: 'foundation-models',
    change: true,
  },
  { service: 'bedrock', action: /Guardrail/, element: 'ai-changes', component: 'guardrails' },
  {
    // batch inference and evaluation jobs run models over prompts: model use, not a configuration change
    service: 'bedrock',
    action: /(ModelInvocationJob|EvaluationJob)/,
    element: 'invocation',
    component: 'foundation-models',
    change: false,
  },
  {
    service: 'bedrock',
    action:
      /(ModelCustomizationJob|CustomModel|ProvisionedModelThroughput|ModelImportJob|ImportedModel|ModelCopyJob|MarketplaceModelEndpoint)/,
    element: 'ai-changes',
    component: 'custom-models',
  },
  {
    service: 'bedrock',
    action: /(Agent|ActionGroup|AgentAlias|Flow|Prompt)/,
    element: 'ai-changes',
    component: 'agents',
  },
  {
    // which data a knowledge base answers from is the AI application's configuration as well
    service: 'bedrock',
    action: /^(Create|Update|Delete)(KnowledgeBase|DataSource)$/,
    element: 'data-store-changes',
    component: 'knowledge-bases',
    also: 'ai-changes',
  },
  {
    service: 'bedrock',
    action: /(KnowledgeBase|DataSource|IngestionJob|Documents)/,
    element: 'data-store-changes',
    component: 'knowledge-bases',
  },
  {
    service: 'bedrock',
    action:
      /^(InvokeModel|InvokeModelWithResponseStream|Converse|ConverseStream|ApplyGuardrail|CountTokens)$/,
    element: 'invocation',
    component: 'foundation-models',
    change: false,
  },
  {
    service: 'bedrock',
    action: /^(InvokeAgent|InvokeInlineAgent|InvokeFlow)$/,
    element: 'invocation',
    component: 'agents',
    change: false,
  },
  {
    service: 'bedrock',
    action: /^(Retrieve|RetrieveAndGenerate)$/,
    element: 'invocation',
    component: 'knowledge-bases',
    change: false,
  },
  {
    service: 'bedrock',
    action: /^(CreateServiceSpecificCredential|CallWithBearerToken)/,
    element: 'access',
    change: true,
  },
  {
    service: 'sagemaker',
    action: /(Model|Endpoint|TrainingJob|Pipeline)/,
    element: 'ai-changes',
    component: 'custom-models',
  },
  {
    service: 'sagemaker',
    action: /(NotebookInstance|LifecycleConfig|Domain|UserProfile)/,
    element: 'infrastructure-changes',
  },
  // data stores
  {
    service: 's3',
    action:
      /^(PutObject|DeleteObject|DeleteObjects|CopyObject|RestoreObject|PutObjectAcl|CompleteMultipartUpload|UploadPart)$/,
    element: 'data-store-changes',
    component: 'training-data',
    change: true,
  },
  {
    service: 's3',
    action: /^(GetObject|SelectObjectContent)$/,
    element: 'data-store-changes',
    component: 'training-data',
    change: false,
  },
  { service: 's3', action: /^(PutBucket|DeleteBucket|CreateBucket)/, element: 'infrastructure-changes' },
  {
    service: 'dynamodb',
    action: /^(PutItem|UpdateItem|DeleteItem|BatchWriteItem)$/,
    element: 'data-store-changes',
    change: true,
  },
  { service: 'aoss', action: /./, element: 'data-store-changes', component: 'knowledge-bases' },
  { service: 'kendra', action: /./, element: 'data-store-changes', component: 'knowledge-bases' },
  // access: credentials and identities
  {
    service: 'iam',
    action:
      /^(CreateAccessKey|CreateLoginProfile|UpdateLoginProfile|CreateServiceSpecificCredential|UploadSSHPublicKey|CreateVirtualMFADevice|EnableMFADevice)$/,
    element: 'access',
    change: true,
  },
  { service: 'iam', action: W, element: 'infrastructure-changes' },
  { service: 'sts', action: /./, element: 'access', change: false },
  { service: 'signin', action: /./, element: 'access', change: false },
  // infrastructure: logging, detection, compute, network, functions, secrets, parameters
  { service: 'cloudtrail', action: W, element: 'infrastructure-changes' },
  { service: 'guardduty', action: W, element: 'infrastructure-changes' },
  { service: 'config', action: W, element: 'infrastructure-changes' },
  { service: 'securityhub', action: W, element: 'infrastructure-changes' },
  { service: 'logs', action: W, element: 'infrastructure-changes' },
  { service: 'ec2', action: W, element: 'infrastructure-changes' },
  { service: 'lambda', action: /^(Invoke)$/, element: 'agency', component: 'plugins', change: false },
  { service: 'lambda', action: W, element: 'infrastructure-changes', component: 'plugins' },
  { service: 'secretsmanager', action: W, element: 'infrastructure-changes' },
  {
    service: 'kms',
    action: /^(ScheduleKeyDeletion|DisableKey|PutKeyPolicy|CreateGrant)$/,
    element: 'infrastructure-changes',
    change: true,
  },
  {
    service: 'ssm',
    action: /^(PutParameter|DeleteParameter|DeleteParameters|LabelParameterVersion)$/,
    element: 'infrastructure-changes',
    change: true,
  },
  { service: 'organizations', action: W, element: 'infrastructure-changes' },
  // workflows and schedules: a state machine, a schedule or rule that runs code or model calls on
  // its own (persistence); running one (an execution) changes nothing
  {
    service: 'states',
    action: /^(Start|Stop)(Sync)?Execution$|^(SendTask|Redrive)/,
    element: 'infrastructure-changes',
    change: false,
  },
  { service: 'states', action: W, element: 'infrastructure-changes' },
  { service: 'scheduler', action: W, element: 'infrastructure-changes' },
  { service: 'events', action: /^PutEvents$/, element: 'infrastructure-changes', change: false },
  { service: 'events', action: W, element: 'infrastructure-changes' },
  {
    // capacity: a quota increase for a model service is what large-scale model use (and its cost) needs
    service: 'servicequotas',
    action: /^(RequestServiceQuotaIncrease|PutServiceQuotaIncreaseRequestIntoTemplate)$/,
    element: 'infrastructure-changes',
    change: true,
  },
];

/** Service codes of model services: their quota increases are AI changes (capacity for model use). */
const MODEL_SERVICE_CODE = /^(bedrock|sagemaker|bedrock-agentcore)$/i;

/** Model ids and model ARNs in a value say that a parameter selects a model: an AI change. */
const MODEL_VALUE =
  /(anthropic|amazon|meta|mistral|cohere|ai21|deepseek)\.[a-z0-9-]+|arn:aws[a-z-]*:bedrock:[^:]*:\d*:(custom-model|provisioned-model|imported-model|foundation-model|inference-profile)/i;

const AI_PARAMETER = /"name":"[^"]*(model|llm|bedrock|prompt|guardrail|agent|inference)[^"]*"/i;

export function classifyApi(service: string, action: string, requestParameters?: unknown): ApiClass | null {
  const svc = service.replace(/\.amazonaws\.com$/, '');
  for (const e of TABLE) {
    if (e.service !== svc || !e.action.test(action)) continue;
    const change = e.change ?? W.test(action);
    if (svc === 'servicequotas') {
      const rp =
        typeof requestParameters === 'string'
          ? safeParse(requestParameters)
          : (requestParameters as Record<string, unknown> | null | undefined);
      const code = rp && typeof rp === 'object' ? (rp as Record<string, unknown>).serviceCode : null;
      if (typeof code === 'string' && MODEL_SERVICE_CODE.test(code))
        return { element: 'ai-changes', component: 'foundation-models', change };
    }
    if (svc === 'ssm' && change) {
      const text =
        typeof requestParameters === 'string' ? requestParameters : JSON.stringify(requestParameters ?? '');
      // a parameter that selects a model, prompt or guardrail is AI configuration (the value is often masked)
      if (MODEL_VALUE.test(text) || AI_PARAMETER.test(text))
        return { element: 'ai-changes', component: 'foundation-models', change };
    }
    return { element: e.element, component: e.component, change, ...(e.also ? { also: e.also } : {}) };
  }
  return null;
}

function safeParse(s: string): Record<string, unknown> | null {
  if (s.length > 100_000) return null;
  try {
    const v = JSON.parse(s);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
