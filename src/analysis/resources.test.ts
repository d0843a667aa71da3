import { describe, expect, it } from 'vitest';
import { resourcesOfEvent } from './resources.js';

describe('resourcesOfEvent', () => {
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
