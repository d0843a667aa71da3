/**
 * Action groups tied to the Lambda functions that execute them by the agent configuration records
 * (`actionGroupExecutor.lambda`), not by name: well-formed values only, names hidden by CloudTrail
 * resolved through the group's id, and the executor in effect at a time.
 */
import { describe, expect, it } from 'vitest';
import { executorAt, executorFunction, executorLinksOf } from './action-group-executors.js';
import type { CtRow } from './context.js';

const ARN = 'arn:aws:lambda:eu-west-1:111122223333:function:';

function row(
  time: string,
  action: string,
  req: unknown,
  resp: unknown,
  errorCode: string | null = null,
): CtRow {
  return {
    uid: `${action}-${time}`,
    eventId: `${action}-${time}`,
    requestId: null,
    time,
    account: '111122223333',
    region: 'eu-west-1',
    service: 'bedrock.amazonaws.com',
    action,
    readOnly: null,
    errorCode,
    errorMessage: null,
    principalType: 'AssumedRole',
    principalArn: null,
    identityArn: null,
    userName: null,
    sessionName: null,
    accessKeyId: null,
    mfa: null,
    sourceIp: null,
    userAgent: null,
    invokedBy: null,
    sourceIdentity: null,
    resources: [],
    req: req as Record<string, unknown> | null,
    resp: resp as Record<string, unknown> | null,
    extra: null,
  };
}

describe('executorFunction', () => {
  it('reads a function ARN, a qualified ARN, a partial ARN and a bare name', () => {
    expect(executorFunction({ lambda: `${ARN}billing-handler` })).toBe('billing-handler');
    expect(executorFunction({ lambda: `${ARN}billing-handler:prod` })).toBe('billing-handler');
    expect(executorFunction({ lambda: '111122223333:function:billing_handler' })).toBe('billing_handler');
    expect(executorFunction({ lambda: 'billing-handler' })).toBe('billing-handler');
    expect(executorFunction(JSON.stringify({ lambda: `${ARN}x1` }))).toBe('x1');
  });

  it('takes nothing from an absent, hidden, non-string or hostile value', () => {
    expect(executorFunction(null)).toBeNull();
    expect(executorFunction({ customControl: 'RETURN_CONTROL' })).toBeNull();
    expect(executorFunction({ lambda: '***' })).toBeNull();
    expect(executorFunction({ lambda: 42 })).toBeNull();
    expect(executorFunction({ lambda: [`${ARN}a`] })).toBeNull();
    expect(executorFunction({ lambda: `${ARN}a b` })).toBeNull();
    expect(executorFunction({ lambda: `${ARN}a'; DROP TABLE events; --` })).toBeNull();
    expect(executorFunction({ lambda: `${ARN}${'a'.repeat(65)}` })).toBeNull();
    expect(executorFunction({ lambda: `arn:aws:s3:::bucket/function:x` })).toBeNull();
    expect(executorFunction({ lambda: 'x'.repeat(10_000) })).toBeNull();
  });
});

describe('executorLinksOf and executorAt', () => {
  const rows = [
    // the name is hidden in the create; a later listing names the group by its id
    row(
      '2025-03-01T10:00:00Z',
      'CreateAgentActionGroup',
      { agentId: 'AGENT00001', actionGroupName: '***', actionGroupExecutor: { lambda: `${ARN}svc-a` } },
      { agentActionGroup: { agentId: 'AGENT00001', actionGroupId: 'GROUP00001', actionGroupName: '***' } },
    ),
    row(
      '2025-03-02T10:00:00Z',
      'ListAgentActionGroups',
      { agentId: 'AGENT00001' },
      { actionGroupSummaries: [{ actionGroupId: 'GROUP00001', actionGroupName: 'Payments' }, 'junk', null] },
    ),
    // the executor swapped: the response is what took effect
    row(
      '2025-03-05T10:00:00Z',
      'UpdateAgentActionGroup',
      {
        agentId: 'AGENT00001',
        actionGroupId: 'GROUP00001',
        actionGroupName: 'Payments',
        actionGroupExecutor: { lambda: `${ARN}svc-b` },
      },
      {
        agentActionGroup: {
          agentId: 'AGENT00001',
          actionGroupId: 'GROUP00001',
          actionGroupName: 'Payments',
          actionGroupExecutor: { lambda: `${ARN}svc-b` },
        },
      },
    ),
    // refused, and a request-only Get: neither names an executor
    row(
      '2025-03-06T10:00:00Z',
      'UpdateAgentActionGroup',
      { agentId: 'AGENT00001', actionGroupName: 'Payments', actionGroupExecutor: { lambda: `${ARN}svc-c` } },
      null,
      'AccessDenied',
    ),
    row(
      '2025-03-06T11:00:00Z',
      'GetAgentActionGroup',
      { agentId: 'AGENT00001', actionGroupId: 'GROUP00001', actionGroupExecutor: { lambda: `${ARN}svc-d` } },
      null,
    ),
  ];
  const links = executorLinksOf(rows);

  it('keeps successful records naming a function, with names resolved by the group id', () => {
    expect(links.map((l) => [l.agentId, l.group, l.fn])).toEqual([
      ['AGENT00001', 'Payments', 'svc-a'],
      ['AGENT00001', 'Payments', 'svc-b'],
    ]);
  });

  it('gives the executor in effect at a time, else the nearest later record', () => {
    const ms = (t: string) => Date.parse(t);
    expect(executorAt(links, 'AGENT00001', 'Payments', ms('2025-02-01T00:00:00Z'))).toBe('svc-a');
    expect(executorAt(links, 'AGENT00001', 'Payments', ms('2025-03-03T00:00:00Z'))).toBe('svc-a');
    expect(executorAt(links, 'AGENT00001', 'Payments', ms('2025-03-07T00:00:00Z'))).toBe('svc-b');
    expect(executorAt(links, 'AGENT00002', 'Payments', ms('2025-03-07T00:00:00Z'))).toBeNull();
    expect(executorAt(links, 'AGENT00001', 'Refunds', ms('2025-03-07T00:00:00Z'))).toBeNull();
    expect(executorAt(links, null, 'Payments', 0)).toBeNull();
  });
});
