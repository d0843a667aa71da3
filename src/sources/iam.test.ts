import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { iam, policyDocument } from './iam.js';
import { chooseReader } from './index.js';

const FIX = path.join(import.meta.dirname, '../../test/fixtures/sources/iam');
const json = (f: string): unknown => JSON.parse(readFileSync(path.join(FIX, f), 'utf8'));
const ctx = { note: () => {} } as never;
const rows = (v: unknown) => iam.unwrap(v).map((r) => iam.normalize(r, ctx));

describe('IAM authorization details reader', () => {
  const doc = json('authorization-details.json');
  const out = rows(doc);
  const by = (kind: string) => out.find((r) => r.kind === kind)!;

  it('recognises the output and yields users, groups, roles and policies', () => {
    expect(chooseReader(doc, null)).toBe(iam);
    expect(out.map((r) => r.kind)).toEqual(['user', 'group', 'role', 'policy']);
  });

  it('user: groups, inline and attached policies, tags', () => {
    expect(by('user')).toMatchObject({
      arn: 'arn:aws:iam::123456789012:user/ci-deployer',
      name: 'ci-deployer',
      account: '123456789012',
      createDate: '2024-01-02T03:04:05.000Z',
      groups: ['Deployers'],
      attachedPolicyArns: ['arn:aws:iam::123456789012:policy/TrainingDataAccess'],
      inlinePolicies: {
        'invoke-models': {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['bedrock:InvokeModel'], Resource: '*' }],
        },
      },
      trustPolicy: null,
      tags: { team: 'platform' },
    });
    expect(String(by('user').uid)).toMatch(/^arn:aws:iam::123456789012:user\/ci-deployer#[0-9a-f]{16}$/);
  });

  it('role: trust policy; group: attached policies; policy: the default version document', () => {
    expect(by('role')).toMatchObject({
      name: 'order-agent-fn',
      trustPolicy: { Statement: [{ Principal: { Service: 'lambda.amazonaws.com' } }] },
      inlinePolicies: { logs: { Version: '2012-10-17' } },
    });
    expect(by('group')).toMatchObject({ attachedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] });
    expect(by('policy')).toMatchObject({
      name: 'TrainingDataAccess',
      policyDocument: { Statement: [{ Action: 's3:*', Resource: '*' }] },
    });
  });

  it('decodes URL-encoded documents of the raw API response to the same rows', () => {
    const api = rows(json('authorization-details-api.json'));
    expect(api).toEqual(out);
  });

  it('policyDocument keeps text it cannot decode', () => {
    expect(policyDocument('%7B%22a%22%3A1%7D')).toEqual({ a: 1 });
    expect(policyDocument('{"a":1}')).toEqual({ a: 1 });
    expect(policyDocument('%E0%A4%A')).toBe('%E0%A4%A');
    expect(policyDocument(undefined)).toBeNull();
  });

  it('rejects entries it cannot name', () => {
    expect(() => iam.normalize({ Foo: 1 }, ctx)).toThrow(/without UserName/);
    expect(() => iam.normalize({ UserName: 'x' }, ctx)).toThrow(/without an Arn/);
    expect(iam.recognize({ Policies: [] })).toBe(false);
    expect(iam.recognize({ UserDetailList: [] })).toBe(true);
  });
});
