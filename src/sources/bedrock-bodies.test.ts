import { describe, expect, it } from 'vitest';
import {
  base64Text,
  parseRequestBody,
  parseResponseBody,
  providerFromBody,
  providerFromModelId,
} from './bedrock-bodies.js';

describe('providers', () => {
  it('from model ids, inference profiles and ARNs', () => {
    const cases: Array<[string | null, string | null]> = [
      ['anthropic.claude-3-haiku-20240307-v1:0', 'anthropic'],
      ['us.anthropic.claude-3-5-haiku-20241022-v1:0', 'anthropic'],
      ['global.anthropic.claude-sonnet-4-20250514-v1:0', 'anthropic'],
      ['apac.amazon.nova-lite-v1:0', 'amazon'],
      ['eu.meta.llama3-2-3b-instruct-v1:0', 'meta'],
      ['mistral.mistral-large-2402-v1:0', 'mistral'],
      ['cohere.command-r-plus-v1:0', 'cohere'],
      ['ai21.jamba-1-5-large-v1:0', 'ai21'],
      ['us.deepseek.r1-v1:0', 'deepseek'],
      ['arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-v2', 'anthropic'],
      ['arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.meta.llama3-1-70b-instruct-v1:0', 'meta'],
      [
        'arn:aws:bedrock:us-east-1:111122223333:custom-model/amazon.titan-text-express-v1:0:8k/abcdef123456',
        'amazon',
      ],
      ['arn:aws:bedrock:us-west-2:111122223333:provisioned-model/0ij24mm68lzy', null],
      ['arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6', null],
      [null, null],
    ];
    for (const [id, p] of cases) expect(providerFromModelId(id), String(id)).toBe(p);
  });

  it('from a native body when the id does not say', () => {
    expect(providerFromBody({ anthropic_version: 'bedrock-2023-05-31', messages: [] })).toBe('anthropic');
    expect(providerFromBody({ inputText: 'hi' })).toBe('amazon');
    expect(providerFromBody({ schemaVersion: 'messages-v1', messages: [] })).toBe('amazon');
    expect(providerFromBody({ prompt: 'x', max_gen_len: 10 })).toBe('meta');
    expect(providerFromBody({ message: 'hi', chat_history: [] })).toBe('cohere');
    expect(providerFromBody({ prompt: '<s>[INST] hi [/INST]' })).toBe('mistral');
    expect(providerFromBody({ messages: [] })).toBeNull();
    expect(providerFromBody('text')).toBeNull();
  });
});

describe('request bodies', () => {
  it('DeepSeek prompt markup', () => {
    const r = parseRequestBody({
      prompt: '<｜begin▁of▁sentence｜>Be terse.<｜User｜>Why is the sky blue?<｜Assistant｜>',
    });
    expect(r.parts).toEqual([
      { role: 'system', text: 'Be terse.' },
      { role: 'user', text: 'Why is the sky blue?' },
    ]);
    expect(r.lastUser).toBe('Why is the sky blue?');
  });

  it('a plain prompt (Cohere Command, AI21 Jurassic) and embedding texts', () => {
    expect(parseRequestBody({ prompt: 'Write a tagline', max_tokens: 20 }).lastUser).toBe('Write a tagline');
    expect(parseRequestBody({ texts: ['one', 'two'], input_type: 'search_document' }).parts).toEqual([
      { role: 'user', text: 'one\ntwo' },
    ]);
  });

  it('an image-generation prompt', () => {
    const r = parseRequestBody({ taskType: 'TEXT_IMAGE', textToImageParams: { text: 'a red fox' } });
    expect(r.lastUser).toBe('a red fox');
    expect(r.params).toEqual({ taskType: 'TEXT_IMAGE' });
  });

  it('Anthropic text documents and tool-result blocks', () => {
    const r = parseRequestBody({
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'document',
              title: 'memo',
              source: { type: 'text', media_type: 'text/plain', data: 'Memo body' },
            },
            { type: 'tool_result', tool_use_id: 't', content: [{ type: 'text', text: 'result text' }] },
            { type: 'text', text: 'question' },
          ],
        },
      ],
    });
    expect(r.parts).toEqual([
      { role: 'user', text: 'question' },
      { role: 'document', text: '[memo]\nMemo body' },
      { role: 'tool_result', text: 'result text' },
    ]);
  });

  it('a body logged as text is the prompt', () => {
    expect(parseRequestBody('raw text body').lastUser).toBe('raw text body');
  });

  it('a user turn with only tool results keeps the previous question as the last user text', () => {
    const r = parseRequestBody({
      messages: [
        { role: 'user', content: 'look it up' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'f', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'found' }] },
      ],
    });
    expect(r.lastUser).toBe('look it up');
  });
});

describe('response bodies', () => {
  it('Cohere stream events (text-generation, stream-end not repeated)', () => {
    const r = parseResponseBody([
      { is_finished: false, event_type: 'stream-start', generation_id: 'g' },
      { is_finished: false, event_type: 'text-generation', text: 'Hello' },
      { is_finished: false, event_type: 'text-generation', text: ' world' },
      {
        is_finished: true,
        event_type: 'stream-end',
        finish_reason: 'COMPLETE',
        response: { text: 'Hello world' },
        'amazon-bedrock-invocationMetrics': { inputTokenCount: 5, outputTokenCount: 2 },
      },
    ]);
    expect(r.text).toBe('Hello world');
    expect(r.stopReason).toBe('COMPLETE');
    expect([r.inputTokens, r.outputTokens]).toEqual([5, 2]);
  });

  it('Cohere Command generations and AI21 Jurassic completions', () => {
    expect(parseResponseBody({ generations: [{ text: 'Tagline.', finish_reason: 'COMPLETE' }] }).text).toBe(
      'Tagline.',
    );
    const j2 = parseResponseBody({
      id: 1,
      completions: [{ data: { text: 'Hola' }, finishReason: { reason: 'endoftext' } }],
    });
    expect([j2.text, j2.stopReason]).toEqual(['Hola', 'endoftext']);
  });

  it('OpenAI-style stream deltas with a streamed tool call', () => {
    const r = parseResponseBody([
      { choices: [{ index: 0, delta: { role: 'assistant', content: 'Sure' } }] },
      { choices: [{ index: 0, delta: { content: ', done.' } }] },
      {
        choices: [
          {
            index: 0,
            delta: { tool_calls: [{ index: 0, id: 'c1', function: { name: 'f', arguments: '{"a":' } }] },
          },
        ],
      },
      { choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: '1}' } }] } }] },
      {
        choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }],
        usage: { prompt_tokens: 9, completion_tokens: 7 },
      },
    ]);
    expect(r.text).toBe('Sure, done.');
    expect(r.toolUses).toEqual([{ name: 'f', input: { a: 1 }, id: 'c1' }]);
    expect(r.stopReason).toBe('tool_calls');
    expect([r.inputTokens, r.outputTokens]).toEqual([9, 7]);
  });

  it('Mistral chat stream chunks that repeat `message` pieces', () => {
    const r = parseResponseBody([
      { choices: [{ index: 0, message: { role: 'assistant', content: 'Bon' }, stop_reason: null }] },
      { choices: [{ index: 0, message: { role: 'assistant', content: 'jour' }, stop_reason: 'stop' }] },
    ]);
    expect(r.text).toBe('Bonjour');
    expect(r.stopReason).toBe('stop');
  });

  it('Anthropic stream with a guardrail verdict in a chunk', () => {
    const r = parseResponseBody([
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Sorry.' } },
      { type: 'message_stop', 'amazon-bedrock-guardrailAction': 'INTERVENED' },
    ]);
    expect(r.text).toBe('Sorry.');
    expect(r.guardrailAction).toBe('INTERVENED');
    expect(r.guardrailTrace).toBeNull();
  });

  it('event-stream chunks wrapped as base64 bytes', () => {
    const chunk = (o: unknown) => ({ chunk: { bytes: Buffer.from(JSON.stringify(o)).toString('base64') } });
    const r = parseResponseBody([
      chunk({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi ' } }),
      chunk({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'there' } }),
    ]);
    expect(r.text).toBe('Hi there');
  });

  it('guardrail verdicts: a trace without a block is NONE, detect-only findings too; no trace is null', () => {
    const none = parseResponseBody({
      output: { message: { content: [{ text: 'ok' }] } },
      stopReason: 'end_turn',
      trace: {
        guardrail: {
          inputAssessment: {
            abcd1234efgh: {
              sensitiveInformationPolicy: {
                piiEntities: [{ type: 'EMAIL', match: 'a@b.c', action: 'NONE', detected: true }],
              },
            },
          },
        },
      },
    });
    expect(none.guardrailAction).toBe('NONE');
    expect(none.guardrailId).toBe('abcd1234efgh');
    const masked = parseResponseBody({
      output: { message: { content: [{ text: 'ok {EMAIL}' }] } },
      trace: {
        guardrail: {
          outputAssessments: {
            abcd1234efgh: [
              { sensitiveInformationPolicy: { piiEntities: [{ type: 'EMAIL', action: 'ANONYMIZED' }] } },
            ],
          },
        },
      },
    });
    expect(masked.guardrailAction).toBe('INTERVENED');
    expect(
      parseResponseBody({ output: { message: { content: [{ text: 'ok' }] } } }).guardrailAction,
    ).toBeNull();
    expect(parseResponseBody({ stopReason: 'guardrail_intervened', output: {} }).guardrailAction).toBe(
      'INTERVENED',
    );
    expect(parseResponseBody({ content: [], 'amazon-bedrock-guardrailAction': 'NONE' }).guardrailAction).toBe(
      'NONE',
    );
  });
});

describe('base64Text', () => {
  it('decodes base64 UTF-8 text and leaves anything else', () => {
    expect(base64Text(Buffer.from('héllo wörld').toString('base64'))).toBe('héllo wörld');
    expect(base64Text('Hello')).toBeNull();
    expect(base64Text(Buffer.from([0, 1, 2, 3, 255, 254]).toString('base64'))).toBeNull();
  });
});
