import { describe, expect, it } from 'vitest';
import { classifyApi } from './api-elements.js';

describe('classifyApi: service quota increases', () => {
  it('a quota increase for a model service is an AI change (capacity for model use)', () => {
    for (const rp of [
      { serviceCode: 'bedrock', quotaCode: 'L-1', desiredValue: 4000000 },
      '{"serviceCode":"bedrock"}',
    ])
      expect(classifyApi('servicequotas.amazonaws.com', 'RequestServiceQuotaIncrease', rp)).toEqual({
        element: 'ai-changes',
        component: 'foundation-models',
        change: true,
      });
  });
  it("another service's quota increase is an infrastructure change", () => {
    expect(
      classifyApi('servicequotas.amazonaws.com', 'RequestServiceQuotaIncrease', { serviceCode: 'ec2' })
        ?.element,
    ).toBe('infrastructure-changes');
    expect(
      classifyApi('servicequotas.amazonaws.com', 'GetServiceQuota', { serviceCode: 'bedrock' }),
    ).toBeNull();
  });
});
