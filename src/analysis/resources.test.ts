import { describe, expect, it } from 'vitest';
import {
  baseResource,
  isModelArtifactKey,
  modelOfProfile,
  passedRoleOf,
  resourcesOfEvent,
} from './resources.js';

describe('resourcesOfEvent', () => {
  it('names an edited Organizations policy and a quota whose increase was requested by their ARNs', () => {
    const scp = 'arn:aws:organizations::111122223333:policy/o-abc123/service_control_policy/p-abc123';
    expect(
      resourcesOfEvent({
        service: 'organizations.amazonaws.com',
        request_parameters: JSON.stringify({ policyId: 'p-abc123', content: '{}' }),
        response_elements: JSON.stringify({ policy: { policySummary: { id: 'p-abc123', arn: scp } } }),
      }),
    ).toContain(scp);
    const quota = 'arn:aws:servicequotas:us-east-1:111122223333:bedrock/L-ABC123';
    expect(
      resourcesOfEvent({
        service: 'servicequotas.amazonaws.com',
        request_parameters: JSON.stringify({ serviceCode: 'bedrock', quotaCode: 'L-ABC123' }),
        response_elements: JSON.stringify({ requestedQuota: { quotaCode: 'L-ABC123', quotaArn: quota } }),
      }),
    ).toContain(quota);
  });

  it('names the model behind a cross-Region inference profile id, and leaves ARNs as they are', () => {
    const call = (modelId: string) =>
      resourcesOfEvent({ service: 'bedrock.amazonaws.com', request_parameters: JSON.stringify({ modelId }) });
    expect(call('us.anthropic.claude-3-5-haiku-20241022-v1:0')).toEqual([
      'anthropic.claude-3-5-haiku-20241022-v1:0',
    ]);
    expect(call('eu.meta.llama3-2-3b-instruct-v1:0')).toEqual(['meta.llama3-2-3b-instruct-v1:0']);
    expect(call('anthropic.claude-3-haiku-20240307-v1:0')).toEqual([
      'anthropic.claude-3-haiku-20240307-v1:0',
    ]);
    const arn =
      'arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0';
    expect(call(arn)).toEqual([arn]);
  });

  it('names the log group and the destination of a CloudWatch Logs subscription filter', () => {
    const dest = 'arn:aws:logs:eu-west-1:999988887777:destination:archive';
    expect(
      resourcesOfEvent({
        service: 'logs.amazonaws.com',
        request_parameters: JSON.stringify({
          logGroupName: '/app/model-logs',
          filterName: 'f',
          filterPattern: '',
          destinationArn: dest,
        }),
      }),
    ).toEqual(['/app/model-logs', dest]);
  });

  it('takes the agent for its alias and action group, and keeps an alias named alone', () => {
    expect(
      resourcesOfEvent({
        service: 'bedrock.amazonaws.com',
        request_parameters: {
          agentId: 'N4QJF56P5L',
          agentAliasId: 'Q5GWV5E4LM',
          actionGroupId: 'E6992CD2SN',
        },
      }),
    ).toEqual(['N4QJF56P5L']);
    expect(
      resourcesOfEvent({
        service: 'bedrock.amazonaws.com',
        request_parameters: { agentAliasId: 'Q5GWV5E4LM' },
      }),
    ).toEqual(['Q5GWV5E4LM']);
  });
});

describe('resources of job requests and versioned resources', () => {
  it('names the input data bucket of a job request, and tells the role it passes', () => {
    const rs = resourcesOfEvent({
      service: 'bedrock.amazonaws.com',
      request_parameters: {
        jobName: 'import-v2',
        importedModelName: 'advisor-v2',
        roleArn: 'arn:aws:iam::111122223333:role/model-import-role',
        modelDataSource: { s3DataSource: { s3Uri: 's3://outside-weights-cache/models/v2/' } },
      },
      response_elements: { jobArn: 'arn:aws:bedrock:us-west-2:111122223333:model-import-job/abc123' },
    });
    expect(rs).toEqual([
      'arn:aws:bedrock:us-west-2:111122223333:model-import-job/abc123',
      'outside-weights-cache',
    ]);
    expect(
      passedRoleOf({
        service: 'bedrock.amazonaws.com',
        request_parameters: { roleArn: 'arn:aws:iam::111122223333:role/model-import-role' },
      }),
    ).toBe('arn:aws:iam::111122223333:role/model-import-role');
    // a role named in another service's request (AssumeRole's target) is not a passed role
    expect(
      passedRoleOf({
        service: 'sts.amazonaws.com',
        request_parameters: { roleArn: 'arn:aws:iam::111122223333:role/x' },
      }),
    ).toBeNull();
  });

  it('names a managed prompt, not the version a call used', () => {
    const arn = 'arn:aws:bedrock:ap-southeast-2:111122223333:prompt/ABCDE12345';
    expect(baseResource(`${arn}:8`)).toBe(arn);
    expect(baseResource(arn)).toBe(arn);
    expect(
      resourcesOfEvent({ service: 'bedrock.amazonaws.com', request_parameters: { modelId: `${arn}:8` } }),
    ).toEqual([arn]);
    // a model id's own version suffix stays
    expect(baseResource('anthropic.claude-3-haiku-20240307-v1:0')).toBe(
      'anthropic.claude-3-haiku-20240307-v1:0',
    );
  });
});

describe('SageMaker resources named in requests', () => {
  it('builds the ARNs of notebook instances, endpoints, jobs, models and user profiles from their names', () => {
    const row = (request_parameters: unknown) => ({
      service: 'sagemaker.amazonaws.com',
      request_parameters,
      region: 'eu-north-1',
      recipient_account: '111122223333',
    });
    expect(resourcesOfEvent(row({ notebookInstanceName: 'DS-Churn' }))).toEqual([
      'arn:aws:sagemaker:eu-north-1:111122223333:notebook-instance/ds-churn',
    ]);
    expect(resourcesOfEvent(row({ endpointName: 'fraud-ep', endpointConfigName: 'fraud-ep-cfg-2' }))).toEqual(
      [
        'arn:aws:sagemaker:eu-north-1:111122223333:endpoint-config/fraud-ep-cfg-2',
        'arn:aws:sagemaker:eu-north-1:111122223333:endpoint/fraud-ep',
      ],
    );
    expect(resourcesOfEvent(row({ trainingJobName: 'train-1', modelName: 'm-1' }))).toEqual([
      'arn:aws:sagemaker:eu-north-1:111122223333:model/m-1',
      'arn:aws:sagemaker:eu-north-1:111122223333:training-job/train-1',
    ]);
    expect(resourcesOfEvent(row({ domainId: 'd-abc123', userProfileName: 'ana' }))).toEqual([
      'arn:aws:sagemaker:eu-north-1:111122223333:user-profile/d-abc123/ana',
    ]);
    expect(resourcesOfEvent(row({ domainId: 'd-abc123' }))).toEqual([
      'arn:aws:sagemaker:eu-north-1:111122223333:domain/d-abc123',
    ]);
    // without Region and account the name is all there is; another service's modelName is not SageMaker's
    expect(
      resourcesOfEvent({
        service: 'sagemaker.amazonaws.com',
        request_parameters: { notebookInstanceName: 'nb' },
      }),
    ).toEqual(['nb']);
    expect(resourcesOfEvent({ ...row({ modelName: 'x' }), service: 'bedrock.amazonaws.com' })).toEqual([]);
    // a name that is not a SageMaker name is not made into an ARN
    expect(resourcesOfEvent(row({ notebookInstanceName: 'a/b:c' }))).toEqual([]);
  });

  it('names Model Registry package groups and packages, by name or by ARN', () => {
    const row = (request_parameters: unknown) => ({
      service: 'sagemaker.amazonaws.com',
      request_parameters,
      region: 'eu-north-1',
      recipient_account: '111122223333',
    });
    expect(resourcesOfEvent(row({ modelPackageGroupName: 'Churn-LLM', sortBy: 'CreationTime' }))).toEqual([
      'arn:aws:sagemaker:eu-north-1:111122223333:model-package-group/churn-llm',
    ]);
    // another account's call on a shared group names it by ARN (the owner's account, not the caller's)
    const pkg = 'arn:aws:sagemaker:eu-north-1:444455556666:model-package/churn-llm/7';
    expect(resourcesOfEvent(row({ modelPackageName: pkg }))).toEqual([pkg]);
    expect(resourcesOfEvent(row({ modelPackageArn: pkg, modelApprovalStatus: 'Approved' }))).toEqual([pkg]);
    // a group's ARN given as a package is not taken for a package
    expect(
      resourcesOfEvent(
        row({ modelPackageName: 'arn:aws:sagemaker:eu-north-1:444455556666:model-package-group/churn-llm' }),
      ),
    ).toEqual([]);
  });

  it('tells model artifacts from data by their object keys', () => {
    for (const k of [
      'churn-llm/pkg-7/model.tar.gz',
      'exports/llama-8b-ft/model-00001-of-00004.safetensors',
      'ckpt/adapter_model.bin',
      'm/model.gguf',
    ])
      expect(isModelArtifactKey(k)).toBe(true);
    for (const k of ['datasets/v5/train.jsonl', 'raw/2026-01-21/part-0001.jsonl.gz', 'exports/model-card.md'])
      expect(isModelArtifactKey(k)).toBe(false);
  });
});

describe('modelOfProfile', () => {
  it('names the model behind a cross-Region inference profile id, and leaves other names alone', () => {
    expect(modelOfProfile('us.anthropic.claude-3-7-sonnet-20250219-v1:0')).toBe(
      'anthropic.claude-3-7-sonnet-20250219-v1:0',
    );
    expect(modelOfProfile('global.amazon.nova-pro-v1:0')).toBe('amazon.nova-pro-v1:0');
    expect(modelOfProfile('anthropic.claude-3-haiku-20240307-v1:0')).toBe(
      'anthropic.claude-3-haiku-20240307-v1:0',
    );
    expect(modelOfProfile('eu.logs.example-bucket')).toBe('eu.logs.example-bucket');
    const arn =
      'arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0';
    expect(modelOfProfile(arn)).toBe(arn);
  });
});
