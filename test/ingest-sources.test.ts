/**
 * The non-CloudTrail sources through the whole pipeline: detection by content, tables filled,
 * the same finding / item / entity delivered in several shapes stored once.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingest } from '../src/engine/ingest.js';
import { CaseStore } from '../src/store/case-store.js';

const FIX = path.join(import.meta.dirname, 'fixtures/sources');
const tmp = mkdtempSync(path.join(tmpdir(), 'genai-ir-src-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('ingest of findings, IAM, Config and context', async () => {
  const store = await CaseStore.open(':memory:');
  const dirs = ['guardduty', 'securityhub', 'iam', 'config', 'context'].map((d) => path.join(FIX, d));
  const res = await ingest(store, dirs);
  afterAll(() => store.close());
  const file = (rel: string) => res.files.find((f) => f.path.endsWith(rel))!;

  it('detects every file by content and rejects nothing', () => {
    const formats = Object.fromEntries(res.files.map((f) => [path.relative(FIX, f.path), f.format]));
    expect(formats).toEqual({
      'config/eventbridge-change.json': 'config',
      'config/get-resource-config-history.json': 'config',
      'config/history.json': 'config',
      'config/sns-change.json': 'config',
      'context/change-calendar.json': 'change-calendar',
      'context/declared-activities.json': 'declared-activities',
      'guardduty/eventbridge.json': 'guardduty',
      'guardduty/get-findings.json': 'guardduty',
      'guardduty/s3-export-array.json': 'guardduty',
      'guardduty/s3-export.jsonl': 'guardduty',
      'iam/authorization-details-api.json': 'iam-authorization-details',
      'iam/authorization-details.json': 'iam-authorization-details',
      'securityhub/eventbridge.json': 'securityhub',
      'securityhub/get-findings.json': 'securityhub',
    });
    expect(res.totals.rejected).toBe(0);
    for (const f of res.files) expect(f.records).toBe(f.stored + f.rejected + f.duplicates);
  });

  it('stores each finding version once, whatever the delivery', async () => {
    // files are read in path order: eventbridge.json first, then get-findings, the array, the lines
    expect(file('guardduty/eventbridge.json')).toMatchObject({ records: 1, stored: 1 });
    expect(file('guardduty/get-findings.json')).toMatchObject({ records: 2, stored: 1, duplicates: 1 });
    expect(file('guardduty/s3-export-array.json')).toMatchObject({ records: 3, stored: 2, duplicates: 1 });
    expect(file('guardduty/s3-export.jsonl')).toMatchObject({ records: 3, stored: 0, duplicates: 3 });
    expect(file('securityhub/get-findings.json')).toMatchObject({ records: 3, stored: 1, duplicates: 2 });
    const r = await store.all(
      `SELECT source, count(*) AS n, count(DISTINCT finding_id) AS ids FROM ext_findings GROUP BY 1 ORDER BY 1`,
    );
    expect(r).toEqual([
      { source: 'guardduty', n: 4, ids: 4 },
      { source: 'securityhub', n: 3, ids: 3 },
    ]);
    const [gd] = await store.all(
      `SELECT severity_label, remote_ip, first_seen, resources, idx FROM ext_findings WHERE finding_id = 'a1b2c3d4e5f60718293a4b5c6d7e8f90'`,
    );
    expect(gd).toMatchObject({
      severity_label: 'High',
      remote_ip: '203.0.113.45',
      first_seen: '2025-03-11T01:02:03.000Z',
      idx: 0,
    });
  });

  it('stores an IAM entity once across encodings of the same snapshot, a changed one as a new version', async () => {
    expect(file('iam/authorization-details-api.json')).toMatchObject({ records: 4, stored: 4 });
    expect(file('iam/authorization-details.json')).toMatchObject({ records: 4, stored: 0, duplicates: 4 });
    const later = JSON.parse(readFileSync(path.join(FIX, 'iam/authorization-details.json'), 'utf8'));
    later.RoleDetailList[0].RoleLastUsed = { LastUsedDate: '2025-03-12T00:00:00+00:00' };
    later.UserDetailList[0].AttachedManagedPolicies.push({
      PolicyName: 'AdministratorAccess',
      PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    });
    const f = path.join(tmp, 'later-snapshot.json');
    writeFileSync(f, JSON.stringify(later));
    const r2 = await ingest(store, [f]);
    expect(r2.files[0]).toMatchObject({ records: 4, stored: 1, duplicates: 3 });
    const versions = await store.all(
      `SELECT list_sort(attached_policy_arns) AS a FROM iam_entities WHERE arn = 'arn:aws:iam::123456789012:user/ci-deployer' ORDER BY len(attached_policy_arns)`,
    );
    expect(versions.map((v) => (v.a as string[]).length)).toEqual([1, 2]);
  });

  it('stores a Config item once across history, API output and notifications', async () => {
    // path order: get-resource-config-history.json is read before history.json
    expect(file('config/get-resource-config-history.json')).toMatchObject({ records: 1, stored: 1 });
    expect(file('config/history.json')).toMatchObject({ records: 2, stored: 1, duplicates: 1 });
    expect(file('config/eventbridge-change.json')).toMatchObject({ stored: 1 });
    expect(file('config/sns-change.json')).toMatchObject({ stored: 0, duplicates: 1 });
    const r = await store.all(
      `SELECT resource_id, status, configuration->>'$.name' AS name FROM config_items ORDER BY time`,
    );
    expect(r.map((x) => x.resource_id)).toEqual([
      'example-training-data',
      'AROAEXAMPLEROLE00001',
      'example-training-data',
    ]);
    expect(r[0].name).toBe('example-training-data');
  });

  it('reads context entries', async () => {
    const r = await store.all(`SELECT kind, ticket, start, source_ips FROM context_entries ORDER BY ticket`);
    expect(r.map((x) => `${x.kind}:${x.ticket}`)).toEqual([
      'planned-change:CHG-3107',
      'planned-change:CHG-3110',
      'declared-activity:SEC-0042',
      'declared-activity:SEC-1187',
    ]);
  });

  it('reads the same context file again under another name as the same content', async () => {
    const d = mkdtempSync(path.join(tmp, 'ctx-'));
    cpSync(path.join(FIX, 'context/change-calendar.json'), path.join(d, 'calendar-copy.json'));
    const r = await ingest(store, [d]);
    expect(r.totals).toEqual({ records: 0, stored: 0, rejected: 0, duplicates: 0 });
  });
});
