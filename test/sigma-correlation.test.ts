/**
 * Sigma correlation rules on DuckDB: event_count, value_count, temporal, temporal_ordered,
 * value_sum / value_avg, chains, aliases, and Sigma 1 aggregations run as correlations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CorrelationHit,
  compileRule,
  loadMapping,
  type Mapping,
  parseSigma,
  runSigmaRules,
  type SigmaRunResult,
} from '../src/rules/sigma/index.js';
import { ct, eventsDb, type TestDb } from './helpers/ct-row.js';

const user = (name: string) => ({
  type: 'IAMUser',
  arn: `arn:aws:iam::111111111111:user/${name}`,
  accountId: '111111111111',
  userName: name,
  principalId: `AIDA${name.toUpperCase()}`,
});
const at = (min: number, sec = 0): string => new Date(Date.UTC(2025, 0, 1, 0, min, sec)).toISOString();

const RECORDS: Record<string, unknown>[] = [];
let n = 0;
const add = (over: Record<string, unknown>): void => {
  n++;
  RECORDS.push(ct({ eventID: `c${String(n).padStart(3, '0')}`, ...over }));
};
// mallory: 6 failed console logins within 5 minutes, then a success at minute 7
for (let i = 0; i < 6; i++) {
  add({
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    eventTime: at(i),
    userIdentity: user('mallory'),
    errorMessage: 'Failed authentication',
    responseElements: { ConsoleLogin: 'Failure' },
    sourceIPAddress: `198.51.100.${i + 1}`,
  });
}
add({
  eventSource: 'signin.amazonaws.com',
  eventName: 'ConsoleLogin',
  eventTime: at(7),
  userIdentity: user('mallory'),
  responseElements: { ConsoleLogin: 'Success' },
  sourceIPAddress: '198.51.100.9',
});
// carol: 5 failed logins spread over 50 minutes (never 5 within 10 minutes), then a success
for (let i = 0; i < 5; i++) {
  add({
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    eventTime: at(10 + i * 12),
    userIdentity: user('carol'),
    errorMessage: 'Failed authentication',
    responseElements: { ConsoleLogin: 'Failure' },
  });
}
add({
  eventSource: 'signin.amazonaws.com',
  eventName: 'ConsoleLogin',
  eventTime: at(59),
  userIdentity: user('carol'),
  responseElements: { ConsoleLogin: 'Success' },
});
// dave: DeleteTrail then StopLogging (wrong order for the ordered rule), 2 minutes apart
add({
  eventSource: 'cloudtrail.amazonaws.com',
  eventName: 'DeleteTrail',
  eventTime: at(20),
  userIdentity: user('dave'),
});
add({
  eventSource: 'cloudtrail.amazonaws.com',
  eventName: 'StopLogging',
  eventTime: at(22),
  userIdentity: user('dave'),
});
// erin: StopLogging then DeleteTrail, 3 minutes apart; later a lone StopLogging
add({
  eventSource: 'cloudtrail.amazonaws.com',
  eventName: 'StopLogging',
  eventTime: at(30),
  userIdentity: user('erin'),
});
add({
  eventSource: 'cloudtrail.amazonaws.com',
  eventName: 'DeleteTrail',
  eventTime: at(33),
  userIdentity: user('erin'),
});
add({
  eventSource: 'cloudtrail.amazonaws.com',
  eventName: 'StopLogging',
  eventTime: at(55),
  userIdentity: user('erin'),
});
// frank: StopLogging, DeleteTrail 20 minutes later (outside 10m)
add({
  eventSource: 'cloudtrail.amazonaws.com',
  eventName: 'StopLogging',
  eventTime: at(0),
  userIdentity: user('frank'),
});
add({
  eventSource: 'cloudtrail.amazonaws.com',
  eventName: 'DeleteTrail',
  eventTime: at(20),
  userIdentity: user('frank'),
});
// grace: S3 reads with object sizes
for (let i = 0; i < 4; i++) {
  add({
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    eventTime: at(40, i * 10),
    userIdentity: user('grace'),
    additionalEventData: { bytesTransferredOut: 1000 * (i + 1) },
    requestParameters: { bucketName: 'kb-docs', key: `doc${i}` },
  });
}
// henry creates an access key for mallory; mallory signs in after (alias test)
add({
  eventSource: 'iam.amazonaws.com',
  eventName: 'CreateAccessKey',
  eventTime: at(45),
  userIdentity: user('henry'),
  requestParameters: { userName: 'mallory' },
});
add({
  eventSource: 'sts.amazonaws.com',
  eventName: 'GetCallerIdentity',
  eventTime: at(47),
  userIdentity: user('mallory'),
});

let db: TestDb;
let mapping: Mapping;
beforeAll(async () => {
  mapping = await loadMapping();
  db = await eventsDb(RECORDS);
});
afterAll(() => db.close());

const BASE = `
title: Failed console login
id: 5b5d3c2e-0000-4000-8000-000000000001
name: failed_login
logsource: {product: aws, service: cloudtrail}
detection:
  selection:
    eventName: ConsoleLogin
    errorMessage: Failed authentication
  condition: selection
---
title: Successful console login
name: successful_login
logsource: {product: aws, service: cloudtrail}
detection:
  selection:
    eventName: ConsoleLogin
    responseElements.ConsoleLogin: Success
  condition: selection
---
title: StopLogging
name: stop_logging
logsource: {product: aws, service: cloudtrail}
detection:
  selection: {eventSource: cloudtrail.amazonaws.com, eventName: StopLogging}
  condition: selection
---
title: DeleteTrail
name: delete_trail
logsource: {product: aws, service: cloudtrail}
detection:
  selection: {eventSource: cloudtrail.amazonaws.com, eventName: DeleteTrail}
  condition: selection
---
title: S3 object read
name: s3_read
logsource: {product: aws, service: cloudtrail}
detection:
  selection: {eventSource: s3.amazonaws.com, eventName: GetObject}
  condition: selection
---
title: Access key created
name: key_created
logsource: {product: aws, service: cloudtrail}
detection:
  selection: {eventName: CreateAccessKey}
  condition: selection
---
title: Caller identity
name: whoami
logsource: {product: aws, service: cloudtrail}
detection:
  selection: {eventName: GetCallerIdentity}
  condition: selection
`;

async function run(correlations: string): Promise<SigmaRunResult[]> {
  const { rules, errors } = parseSigma(`${correlations}\n---\n${BASE}`, 'corr.yml');
  expect(errors).toEqual([]);
  const res = await runSigmaRules(db, rules, { mapping });
  return res.filter((r) => r.rule.kind === 'correlation');
}

const groups = (r: SigmaRunResult): CorrelationHit[] => {
  expect(r.error).toBeUndefined();
  return r.hits as CorrelationHit[];
};

describe('sigma correlations', () => {
  it('event_count: many failed logins by one user within the timespan', async () => {
    const [r] = await run(`
title: Brute force
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [userIdentity.arn]
  timespan: 10m
  condition: {gte: 5}
`);
    const g = groups(r);
    expect(g).toHaveLength(1);
    expect(g[0]).toMatchObject({
      group: { 'userIdentity.arn': 'arn:aws:iam::111111111111:user/mallory' },
      firstTime: '2025-01-01T00:00:00.000Z',
      lastTime: '2025-01-01T00:05:00.000Z',
      eventCount: 6,
      value: 6,
    });
    expect(g[0].uids).toEqual(['c001', 'c002', 'c003', 'c004', 'c005', 'c006']);
  });

  it('event_count: a range condition and a wider window', async () => {
    const [r] = await run(`
title: Some failures
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [userIdentity.arn]
  timespan: 1h
  condition: {gt: 4, lte: 5}
`);
    const g = groups(r);
    expect(g.map((x) => x.group['userIdentity.arn'])).toEqual(['arn:aws:iam::111111111111:user/carol']);
    expect(g[0].value).toBe(5);
  });

  it('value_count: distinct source addresses per user', async () => {
    const [r] = await run(`
title: Spray
correlation:
  type: value_count
  rules: [failed_login]
  group-by: [userIdentity.userName]
  timespan: 5m
  condition: {field: sourceIPAddress, gte: 6}
`);
    const g = groups(r);
    expect(g).toHaveLength(1);
    expect(g[0]).toMatchObject({ group: { 'userIdentity.userName': 'mallory' }, value: 6 });
    const [none] = await run(`
title: Spray
correlation:
  type: value_count
  rules: [failed_login]
  group-by: [userIdentity.userName]
  timespan: 5m
  condition: {field: sourceIPAddress, gt: 6}
`);
    expect(groups(none)).toEqual([]);
  });

  it('temporal: both rules within the timespan, any order', async () => {
    const [r] = await run(`
title: Trail tampering
correlation:
  type: temporal
  rules: [stop_logging, delete_trail]
  group-by: [userIdentity.arn]
  timespan: 10m
`);
    const g = groups(r);
    expect(g.map((x) => x.group['userIdentity.arn'])).toEqual([
      'arn:aws:iam::111111111111:user/dave',
      'arn:aws:iam::111111111111:user/erin',
    ]);
    expect(g[1]).toMatchObject({ eventCount: 2, value: 2, uids: ['c016', 'c017'] });
  });

  it('temporal_ordered: the rules must match in the given order', async () => {
    const [r] = await run(`
title: Stop then delete
correlation:
  type: temporal_ordered
  rules: [stop_logging, delete_trail]
  group-by: [userIdentity.arn]
  timespan: 10m
`);
    const g = groups(r);
    expect(g.map((x) => x.group['userIdentity.arn'])).toEqual(['arn:aws:iam::111111111111:user/erin']);
    expect(g[0]).toMatchObject({
      firstTime: '2025-01-01T00:30:00.000Z',
      lastTime: '2025-01-01T00:33:00.000Z',
    });
  });

  it('chains: failed logins (event_count) followed by a success, as in the specification', async () => {
    const res = await run(`
title: Brute force then success
correlation:
  type: temporal_ordered
  rules: [many_failed, successful_login]
  group-by: [userIdentity.arn]
  timespan: 10m
---
title: Many failed logins
name: many_failed
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [userIdentity.arn]
  timespan: 10m
  condition: {gte: 5}
`);
    expect(res[1].skipped).toMatch(/used by correlation/);
    const g = groups(res[0]);
    expect(g).toHaveLength(1);
    expect(g[0].group['userIdentity.arn']).toBe('arn:aws:iam::111111111111:user/mallory');
    expect(g[0].uids).toEqual(['c001', 'c002', 'c003', 'c004', 'c005', 'c006', 'c007']);
  });

  it('aliases: a field of one rule grouped with another field of the other', async () => {
    const [r] = await run(`
title: Key created then used by its user
correlation:
  type: temporal_ordered
  rules: [key_created, whoami]
  group-by: [target_user]
  timespan: 5m
  aliases:
    target_user:
      key_created: requestParameters.userName
      whoami: userIdentity.userName
`);
    const g = groups(r);
    expect(g).toHaveLength(1);
    expect(g[0]).toMatchObject({ group: { target_user: 'mallory' }, uids: ['c025', 'c026'] });
  });

  it('value_sum and value_avg over a numeric field', async () => {
    const [sum, avg] = await run(`
title: Bytes out
correlation:
  type: value_sum
  rules: [s3_read]
  group-by: [userIdentity.arn]
  timespan: 1m
  condition: {field: additionalEventData.bytesTransferredOut, gte: 10000}
---
title: Average bytes out
correlation:
  type: value_avg
  rules: [s3_read]
  group-by: [userIdentity.arn]
  timespan: 1m
  condition: {field: additionalEventData.bytesTransferredOut, gt: 2000}
`);
    expect(groups(sum)).toHaveLength(1);
    expect(groups(sum)[0]).toMatchObject({ value: 10000, eventCount: 4 });
    // the best window: the one opened by the last, largest read
    expect(groups(avg)[0].value).toBeCloseTo(4000);
  });

  it('without group-by, all events form one group', async () => {
    const [r] = await run(`
title: Trail activity
correlation:
  type: event_count
  rules: [stop_logging, delete_trail]
  timespan: 5m
  condition: {gte: 2}
`);
    const g = groups(r);
    expect(g.map((x) => [x.firstTime, x.eventCount])).toEqual([
      ['2025-01-01T00:20:00.000Z', 3],
      ['2025-01-01T00:30:00.000Z', 2],
    ]);
  });

  it('runs the referenced rules on their own with generate: true', async () => {
    const res = await run(`
title: Stop then delete
generate: true
correlation:
  type: temporal
  rules: [stop_logging, delete_trail]
  group-by: [userIdentity.arn]
  timespan: 10m
`);
    expect(res).toHaveLength(1);
    const { rules } = parseSigma(
      `title: c\ngenerate: true\ncorrelation: {type: temporal, rules: [stop_logging], group-by: [x], timespan: 1m}\n---\n${BASE}`,
      'g.yml',
    );
    const all = await runSigmaRules(db, rules, { mapping });
    expect(all.find((x) => x.rule.name === 'stop_logging')?.hits).toHaveLength(4);
  });

  it('explains correlations it cannot compile', async () => {
    const err = async (text: string): Promise<string | undefined> => (await run(text))[0].error;
    expect(
      await err(
        'title: x\ncorrelation: {type: event_count, rules: [nope], group-by: [a], timespan: 1m, condition: {gt: 1}}',
      ),
    ).toMatch(/refers to rule "nope", which is not among the loaded rules/);
    expect(
      await err(
        'title: x\nname: x\ncorrelation: {type: event_count, rules: [y], group-by: [a], timespan: 1m, condition: {gt: 1}}\n---\ntitle: y\nname: y\ncorrelation: {type: event_count, rules: [x], group-by: [a], timespan: 1m, condition: {gt: 1}}',
      ),
    ).toMatch(/loops/);
    expect(
      await err(
        'title: x\ncorrelation: {type: value_percentile, rules: [s3_read], group-by: [a], timespan: 1m, condition: {field: f, lte: 1}}',
      ),
    ).toMatch(/value_percentile/);
    expect(
      await err(
        'title: x\ncorrelation: {type: temporal, rules: [stop_logging], group-by: [a], timespan: 1m, aliases: {a: {other: b}}}',
      ),
    ).toMatch(/alias "a" names no field for rule "stop_logging"/);
    const bad = parseSigma(
      'title: x\ncorrelation: {type: event_count, rules: [a], group-by: [b], timespan: 1y, condition: {gt: 1}}',
    );
    expect(bad.errors[0].error).toMatch(/timespan "1y"/);
    const noCond = parseSigma(
      'title: x\ncorrelation: {type: event_count, rules: [a], group-by: [b], timespan: 1h}',
    );
    expect(noCond.errors[0].error).toMatch(/condition .* is required for event_count/);
  });
});

describe('Sigma 1 aggregations', () => {
  it('runs `| count() by field > N` with timeframe as an event_count correlation', async () => {
    const { rules } = parseSigma(`
title: Legacy brute force
status: unsupported
logsource: {product: aws, service: cloudtrail}
detection:
  selection:
    eventName: ConsoleLogin
    errorMessage: Failed authentication
  timeframe: 10m
  condition: selection | count() by userIdentity.arn > 5
`);
    const [r] = await runSigmaRules(db, rules, { mapping });
    expect(r.warnings[0]).toMatch(/compiled as a event_count correlation/);
    expect((r.hits as CorrelationHit[]).map((h) => h.group['userIdentity.arn'])).toEqual([
      'arn:aws:iam::111111111111:user/mallory',
    ]);
  });

  it('runs `| count(field) > N` as value_count and `| near` as temporal', async () => {
    const { rules } = parseSigma(`
title: Legacy spray
logsource: {product: aws, service: cloudtrail}
detection:
  selection: {eventName: ConsoleLogin}
  timeframe: 5m
  condition: selection | count(sourceIPAddress) >= 6
---
title: Legacy near
logsource: {product: aws, service: cloudtrail}
detection:
  stop: {eventName: StopLogging}
  del: {eventName: DeleteTrail}
  timeframe: 3m
  condition: stop | near del
`);
    const [spray, near] = await runSigmaRules(db, rules, { mapping });
    expect((spray.hits as CorrelationHit[]).map((h) => h.value)).toEqual([6]);
    expect((near.hits as CorrelationHit[]).map((h) => h.firstTime)).toEqual([
      '2025-01-01T00:20:00.000Z',
      '2025-01-01T00:30:00.000Z',
    ]);
  });

  it('can refuse them', () => {
    const { rules } = parseSigma(
      'title: x\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s: {eventName: x}\n  timeframe: 1m\n  condition: s | count() > 1\n',
    );
    const c = compileRule(rules[0], { mapping, legacyAggregations: false });
    expect('error' in c && c.error).toMatch(/Sigma 1 aggregation/);
  });
});
