import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { config } from './config.js';
import { chooseReader, openEnvelope } from './index.js';

const FIX = path.join(import.meta.dirname, '../../test/fixtures/sources/config');
const json = (f: string): unknown => JSON.parse(readFileSync(path.join(FIX, f), 'utf8'));
const ctx = { note: () => {} } as never;
const rows = (v: unknown) => {
  expect(chooseReader(v, null)).toBe(config);
  return config.unwrap(v).map((r) => config.normalize(r, ctx));
};

describe('AWS Config reader', () => {
  const history = rows(json('history.json'));

  it('reads a history file delivered to S3', () => {
    expect(history).toHaveLength(2);
    expect(history[0]).toMatchObject({
      uid: 'config:AWS::S3::Bucket/example-training-data@2025-03-11T02:00:00.000Z#1741658400000',
      time: '2025-03-11T02:00:00.000Z',
      account: '123456789012',
      region: 'us-east-1',
      resourceType: 'AWS::S3::Bucket',
      resourceId: 'example-training-data',
      resourceName: 'example-training-data',
      arn: 'arn:aws:s3:::example-training-data',
      status: 'OK',
      configuration: { name: 'example-training-data', owner: { id: 'abc' } },
      relationships: [],
    });
    expect(history[1]).toMatchObject({ resourceType: 'AWS::IAM::Role', region: 'global' });
  });

  it('reads get-resource-config-history output (other field names, configuration as a string) to the same row', () => {
    const [api] = rows(json('get-resource-config-history.json'));
    expect(api).toEqual(history[0]);
  });

  it('reads change notifications from EventBridge and SNS, with the diff', () => {
    const inner = openEnvelope(json('eventbridge-change.json'))!;
    const [eb] = rows(inner[0]);
    const [sns] = rows(json('sns-change.json'));
    expect(eb).toEqual(sns);
    expect(eb).toMatchObject({ time: '2025-03-11T04:00:00.000Z', resourceId: 'example-training-data' });
    const raw = config.unwrap(inner[0])[0] as Record<string, unknown>;
    expect(raw.configurationItemDiff).toMatchObject({ changeType: 'UPDATE' });
  });

  it('rejects an item without a capture time it can read', () => {
    expect(() =>
      config.normalize(
        { resourceType: 'AWS::S3::Bucket', resourceId: 'b', configurationItemCaptureTime: 'x' },
        ctx,
      ),
    ).toThrow(/capture ?time/i);
    expect(config.recognize({ configurationItems: [] })).toBe(true);
    expect(config.recognize({ Type: 'Notification', Message: 'hello' })).toBe(false);
  });
});
