/**
 * CloudTrail in every delivery shape: the same five TrailDiscover records (CC-BY-4.0, see
 * test/fixtures/sources/cloudtrail/README.md) must give the same normalised rows whatever the
 * wrapping, plain or gzip.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ingest, splitConcatenated } from '../src/engine/ingest.js';
import { CaseStore } from '../src/store/case-store.js';

const FIX = path.join(import.meta.dirname, 'fixtures/sources/cloudtrail');
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-ct-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SHAPES = [
  'delivery.json',
  'records.jsonl',
  'traildiscover-array.json',
  'lookup-events.json',
  'lookup-events-lines.jsonl',
  'eventbridge.jsonl',
  'lake-eventjson.json',
  'lake-results.json',
  'cwl-export.log',
  'cwl-subscription.json',
];

async function rowsOf(file: string) {
  const store = await CaseStore.open(':memory:');
  try {
    const res = await ingest(store, [file]);
    const rows = await store.all(`SELECT * EXCLUDE (raw, file_id, idx) FROM events ORDER BY uid`);
    return { res, rows };
  } finally {
    await store.close();
  }
}

describe('CloudTrail delivery shapes', async () => {
  const baseline = await rowsOf(path.join(FIX, 'delivery.json'));

  it('reads the S3 delivery file', () => {
    expect(baseline.res.files[0]).toMatchObject({ format: 'cloudtrail', records: 5, stored: 5, rejected: 0 });
    expect(baseline.rows.map((r) => r.action).sort()).toEqual([
      'DeleteGuardrail',
      'GetBucketOwnershipControls',
      'ListAccessKeys',
      'PutModelInvocationLoggingConfiguration',
      'SendEmail',
    ]);
  });

  for (const shape of SHAPES) {
    for (const gz of [false, true]) {
      it(`${shape}${gz ? '.gz' : ''} gives the same rows`, async () => {
        let file = path.join(FIX, shape);
        if (gz) {
          file = path.join(tmp, `${shape}.gz`);
          writeFileSync(file, gzipSync(readFileSync(path.join(FIX, shape))));
        }
        const { res, rows } = await rowsOf(file);
        const f = res.files[0];
        expect(f.warnings).toEqual([]);
        expect(f).toMatchObject({ format: 'cloudtrail', records: 5, stored: 5, rejected: 0, duplicates: 0 });
        expect(rows).toEqual(baseline.rows);
      });
    }
  }

  it('reads Firehose deliveries: gzip members of subscription messages and events written back to back', async () => {
    const sub = JSON.parse(readFileSync(path.join(FIX, 'cwl-subscription.json'), 'utf8'));
    const first = { ...sub, logEvents: sub.logEvents.slice(0, 2) };
    const second = { ...sub, logEvents: sub.logEvents.slice(2) };
    const members = path.join(tmp, 'firehose-cwl.gz');
    writeFileSync(
      members,
      Buffer.concat([gzipSync(JSON.stringify(first)), gzipSync(JSON.stringify(second))]),
    );
    const events = readFileSync(path.join(FIX, 'eventbridge.jsonl'), 'utf8').trim().split('\n');
    const joined = path.join(tmp, 'firehose-eventbridge');
    writeFileSync(joined, gzipSync(events.join('')));
    const pretty = path.join(tmp, 'firehose-pretty.json');
    writeFileSync(pretty, events.map((e) => JSON.stringify(JSON.parse(e), null, 2)).join(''));
    for (const file of [members, joined, pretty]) {
      const { res, rows } = await rowsOf(file);
      expect(res.files[0], file).toMatchObject({ format: 'cloudtrail', records: 5, stored: 5, rejected: 0 });
      expect(rows).toEqual(baseline.rows);
    }
  });

  it('splits concatenated JSON only where values are back to back', () => {
    expect(splitConcatenated('{"a":"}{"}{"b":[1,{}]}\n [2]')).toEqual(['{"a":"}{"}', '{"b":[1,{}]}', '[2]']);
    expect(splitConcatenated('{"a":1}')).toBeNull();
    expect(splitConcatenated('{"a":1} x {"b":2}')).toBeNull();
    expect(splitConcatenated('{"a":1}{"b":')).toEqual(['{"a":1}', '{"b":']);
  });

  it('keeps the provenance index of each record', async () => {
    for (const [shape, idxs] of [
      ['delivery.json', [0, 1, 2, 3, 4]],
      ['records.jsonl', [0, 1, 2, 3, 4]],
      ['lookup-events.json', [0, 1, 2, 3, 4]],
      ['cwl-subscription.json', [0, 1, 2, 3, 4]],
    ] as const) {
      const store = await CaseStore.open(':memory:');
      await ingest(store, [path.join(FIX, shape)]);
      const r = await store.all('SELECT idx FROM events ORDER BY time');
      expect(r.map((x) => x.idx).sort(), shape).toEqual([...idxs]);
      await store.close();
    }
  });
});

describe('normalised fields of real records', async () => {
  const { rows } = await rowsOf(path.join(FIX, 'delivery.json'));
  const by = (action: string) => rows.find((r) => r.action === action)!;

  it('IAM user with an error', () => {
    expect(by('ListAccessKeys')).toMatchObject({
      event_id: '1858ad49-4ec2-491d-b9e8-836a2d77af9e',
      service: 'iam.amazonaws.com',
      principal_type: 'IAMUser',
      principal_arn: 'arn:aws:iam::111111111111:user/TrailDiscover',
      identity_arn: 'arn:aws:iam::111111111111:user/TrailDiscover',
      user_name: 'TrailDiscover',
      session_name: null,
      read_only: true,
      error_code: 'AccessDenied',
      source_ip: '0.0.0.0',
      category: 'Management',
      time: '2024-08-18T10:42:11.000Z',
    });
    expect(String(by('ListAccessKeys').user_agent)).toMatch(/^aws-cli\/2\.17\.32/);
  });

  it('assumed role (Identity Center permission set) behind a session', () => {
    expect(by('PutModelInvocationLoggingConfiguration')).toMatchObject({
      principal_type: 'AssumedRole',
      principal_arn:
        'arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_AdministratorAccess/TrailDiscover',
      identity_arn:
        'arn:aws:iam::111111111111:role/aws-reserved/sso.amazonaws.com/us-east-2/AWSReservedSSO_AdministratorAccess',
      session_name: 'TrailDiscover',
      user_name: 'AWSReservedSSO_AdministratorAccess',
      mfa: false,
      session_created: '2026-10-03T12:17:59.000Z',
      read_only: false,
      error_code: 'ValidationException',
      account: '111111111111',
      region: 'us-east-1',
    });
  });

  it('a record without userIdentity, with resources, a data event', () => {
    expect(by('SendEmail')).toMatchObject({
      principal_type: null,
      principal_arn: null,
      identity_arn: null,
      resources: ['arn:aws:ses:us-east-1:111122223333:identity/sender@example.com'],
      category: 'Data',
      read_only: true,
      account: '111111111111',
    });
  });
});

describe('userIdentity types', async () => {
  const { res, rows } = await rowsOf(path.join(FIX, 'identities.jsonl'));
  const by = (type: string) => rows.find((r) => r.principal_type === type)!;

  it('reads every record', () => {
    expect(res.files[0]).toMatchObject({ records: 8, stored: 8, rejected: 0 });
  });
  it('Root', () => {
    expect(by('Root')).toMatchObject({
      principal_arn: 'arn:aws:iam::123456789012:root',
      identity_arn: 'arn:aws:iam::123456789012:root',
      mfa: true,
      access_key_id: null,
      event_type: 'AwsConsoleSignIn',
      read_only: false,
    });
  });
  it('AWSService', () => {
    expect(by('AWSService')).toMatchObject({
      invoked_by: 'lambda.amazonaws.com',
      identity_arn: 'lambda.amazonaws.com',
      source_ip: 'lambda.amazonaws.com',
      account: '123456789012',
      resources: ['arn:aws:iam::123456789012:role/order-agent-fn'],
    });
  });
  it('FederatedUser: the IAM user behind the federation token', () => {
    expect(by('FederatedUser')).toMatchObject({
      principal_arn: 'arn:aws:sts::123456789012:federated-user/bob',
      identity_arn: 'arn:aws:iam::123456789012:user/bob',
      session_name: 'bob',
      access_key_id: 'ASIAIOSFODNN7EXAMPLE',
      mfa: false,
    });
  });
  it('IdentityCenterUser: no IAM identity, the Identity Center user id kept', () => {
    expect(by('IdentityCenterUser')).toMatchObject({
      principal_arn: null,
      identity_arn: null,
      principal_id: '544894e8-80c1-707f-60e3-3ba6510dfac1',
      account: '123456789012',
    });
  });
  it('AWSAccount: the calling account', () => {
    expect(by('AWSAccount')).toMatchObject({
      identity_arn: 'arn:aws:iam::444455556666:root',
      account: '444455556666',
      recipient_account: '123456789012',
      principal_id: 'AROAJFLYBIZMK7EXAMPLE:i-0abcd1234example',
    });
  });
  it('SAMLUser and WebIdentityUser', () => {
    expect(by('SAMLUser')).toMatchObject({ user_name: 'alice@example.com', identity_arn: null });
    expect(by('WebIdentityUser')).toMatchObject({ user_name: 'repo:example/app:ref:refs/heads/main' });
  });
  it('AssumedRole with a role path, source identity and VPC endpoint', () => {
    expect(by('AssumedRole')).toMatchObject({
      identity_arn: 'arn:aws:iam::123456789012:role/service/app-role',
      session_name: 'i-0abcd1234example',
      source_identity: 'deploy-bot',
      vpc_endpoint_id: 'vpce-0123456789abcdef0',
      access_key_id: 'ASIAIOSFODNN7EXAMPL2',
    });
  });
});
