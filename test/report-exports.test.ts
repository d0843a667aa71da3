import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Report } from '../src/model/types.js';
import { ASFF_TYPE_TAXONOMY, toAsff } from '../src/report/asff.js';
import { csvCell } from '../src/report/escape.js';
import { entityGraphMermaid } from '../src/report/graph.js';
import { collectIocs, iocsCsv } from '../src/report/iocs.js';
import { deriveRecommendations, nextSteps } from '../src/report/next-steps.js';
import { apiActivityId, toOcsf } from '../src/report/ocsf.js';
import { stixPattern, toStix, uuidv5 } from '../src/report/stix.js';
import { TIMELINE_COLUMNS, timelineCsv, timelineJsonl } from '../src/report/timeline-export.js';

const here = dirname(fileURLToPath(import.meta.url));
const load = (): Report => JSON.parse(readFileSync(join(here, 'fixtures', 'report-sample.json'), 'utf8'));

function get(o: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (a, k) => (a && typeof a === 'object' ? (a as Record<string, unknown>)[k] : undefined),
      o,
    );
}

/** RFC 4180 parser (quoted fields, doubled quotes, CRLF) for round-trip checks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (q) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') q = false;
      else cell += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

/**
 * OCSF required attributes checked (OCSF 1.3 schema):
 * - every class (base event): activity_id, category_uid, class_uid, type_uid, severity_id, time, metadata,
 *   metadata.version, metadata.product, metadata.product.name, metadata.product.vendor_name
 * - Detection Finding 2004: finding_info, finding_info.uid (title/desc/types/first_seen/last_seen recommended, present)
 * - API Activity 6003: actor (with actor.user), api, api.operation, src_endpoint, cloud, cloud.provider
 */
const OCSF_BASE = [
  'activity_id',
  'category_uid',
  'class_uid',
  'type_uid',
  'severity_id',
  'time',
  'metadata',
  'metadata.version',
  'metadata.product',
  'metadata.product.name',
  'metadata.product.vendor_name',
];
const OCSF_2004 = [
  'finding_info',
  'finding_info.uid',
  'finding_info.title',
  'finding_info.desc',
  'finding_info.types',
  'finding_info.first_seen_time',
  'finding_info.last_seen_time',
  'status_id',
];
const OCSF_6003 = ['actor', 'actor.user', 'api', 'api.operation', 'src_endpoint', 'cloud', 'cloud.provider'];

describe('OCSF', () => {
  const events = toOcsf(load());
  const findings = events.filter((e) => e['class_uid'] === 2004);
  const api = events.filter((e) => e['class_uid'] === 6003);

  it('one Detection Finding per finding and one API Activity per actor API call', () => {
    const r = load();
    expect(findings).toHaveLength(r.findings.length);
    expect(api).toHaveLength(r.timeline.filter((e) => e.actor).length);
  });

  it('required fields are present on every event, ids are consistent', () => {
    for (const e of events) {
      for (const p of OCSF_BASE) expect(get(e, p), p).toBeDefined();
      expect(e['type_uid']).toBe((e['class_uid'] as number) * 100 + (e['activity_id'] as number));
      expect([0, 1, 2, 3, 4, 5, 6, 99]).toContain(e['severity_id']);
      expect(Number.isInteger(e['time'])).toBe(true);
      expect(e['time'] as number).toBeGreaterThan(1.6e12);
      expect(get(e, 'metadata.version')).toMatch(/^1\.\d+\.\d+$/);
    }
    for (const e of findings) {
      for (const p of OCSF_2004) expect(get(e, p), p).toBeDefined();
      expect(e['category_uid']).toBe(2);
      expect(e['activity_id']).toBe(1);
      expect(e['type_uid']).toBe(200401);
    }
    for (const e of api) {
      for (const p of OCSF_6003) expect(get(e, p), p).toBeDefined();
      expect(e['category_uid']).toBe(6);
      expect([1, 2, 3, 4, 99]).toContain(e['activity_id']);
      expect(get(e, 'cloud.provider')).toBe('AWS');
    }
  });

  it('maps severity, ATT&CK techniques, observables and the API call fields', () => {
    const gr = findings.find((e) => get(e, 'finding_info.uid') === 'gr-weaken-3f9a1c2e')!;
    expect(gr['severity_id']).toBe(5);
    const attacks = get(gr, 'finding_info.attacks') as Array<Record<string, unknown>>;
    expect(attacks.map((a) => get(a, 'technique.uid'))).toEqual(['T1562.001', 'T1078.004']);
    const obs = gr['observables'] as Array<Record<string, unknown>>;
    expect(obs.find((o) => o['type_id'] === 2)?.['value']).toBe('196.196.53.17');
    expect(obs.find((o) => o['type_id'] === 19)?.['value']).toBe('AKIAQBZRL53TBNYH5AZ4');
    expect(get(gr, 'finding_info.first_seen_time')).toBe(Date.parse('2025-06-04T03:02:40.000Z'));

    const upd = api.find((e) => get(e, 'api.operation') === 'UpdateGuardrail')!;
    expect(upd['activity_id']).toBe(3);
    expect(get(upd, 'src_endpoint.ip')).toBe('196.196.53.17');
    expect(get(upd, 'actor.user.credential_uid')).toBe('AKIAQBZRL53TBNYH5AZ4');
    expect(get(upd, 'cloud.account.uid')).toBe('732610498215');
    expect(get(upd, 'cloud.region')).toBe('us-east-1');
    expect(get(upd, 'api.service.name')).toBe('bedrock.amazonaws.com');
    const del = api.find((e) => get(e, 'api.operation') === 'DeleteGuardrail')!;
    expect(del['activity_id']).toBe(4);
    expect(del['status_id']).toBe(2);
    expect(del['type_uid']).toBe(600304);
  });

  it('uses report.actorEvents when present, and falls back for actor entries without API fields', () => {
    const r = load();
    r['actorEvents'] = [
      { time: '2025-06-04T03:00:00Z', operation: 'ListFoundationModels', sourceIp: '1.2.3.4' },
    ];
    const ev = toOcsf(r).filter((e) => e['class_uid'] === 6003);
    expect(ev).toHaveLength(1);
    expect(ev[0]!['activity_id']).toBe(2);
    const r2 = load();
    r2['actorEvents'] = undefined;
    for (const e of r2.timeline) delete (e as unknown as Record<string, unknown>)['api'];
    const ev2 = toOcsf(r2).filter((e) => e['class_uid'] === 6003);
    expect(ev2.length).toBeGreaterThan(0);
    for (const e of ev2) for (const p of OCSF_6003) expect(get(e, p), p).toBeDefined();
  });

  it('activity ids from operation names', () => {
    expect(apiActivityId('CreateAccessKey')).toBe(1);
    expect(apiActivityId('GetGuardrail')).toBe(2);
    expect(apiActivityId('PutModelInvocationLoggingConfiguration')).toBe(1);
    expect(apiActivityId('StopLogging')).toBe(3);
    expect(apiActivityId('DeleteTrail')).toBe(4);
    expect(apiActivityId('InvokeModel')).toBe(99);
  });
});

describe('ASFF', () => {
  const { Findings } = toAsff(load());
  const REQUIRED = [
    'SchemaVersion',
    'Id',
    'ProductArn',
    'GeneratorId',
    'AwsAccountId',
    'Types',
    'CreatedAt',
    'UpdatedAt',
    'Severity',
    'Title',
    'Description',
    'Resources',
  ];

  it('has every required field within limits', () => {
    expect(Findings).toHaveLength(load().findings.length);
    for (const f of Findings) {
      for (const k of REQUIRED) expect(f[k], k).toBeDefined();
      expect(f['SchemaVersion']).toBe('2018-10-08');
      expect(f['AwsAccountId']).toMatch(/^\d{12}$/);
      expect(f['ProductArn']).toMatch(/^arn:aws:securityhub:[a-z0-9-]+:\d{12}:product\/\d{12}\/default$/);
      expect((f['Title'] as string).length).toBeLessThanOrEqual(256);
      expect((f['Description'] as string).length).toBeLessThanOrEqual(1024);
      expect((f['Id'] as string).length).toBeLessThanOrEqual(512);
      expect(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']).toContain(get(f, 'Severity.Label'));
      for (const t of ['CreatedAt', 'UpdatedAt', 'FirstObservedAt', 'LastObservedAt'])
        if (f[t] !== undefined) expect(f[t]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
      const res = f['Resources'] as Array<Record<string, unknown>>;
      expect(res.length).toBeGreaterThanOrEqual(1);
      expect(res.length).toBeLessThanOrEqual(32);
      for (const r of res) {
        expect(typeof r['Type']).toBe('string');
        expect(typeof r['Id']).toBe('string');
      }
      const pf = f['ProductFields'] as Record<string, string>;
      expect(Object.keys(pf).length).toBeLessThanOrEqual(50);
      for (const [k, v] of Object.entries(pf)) {
        expect(k.length).toBeLessThanOrEqual(128);
        expect(v.length).toBeLessThanOrEqual(2048);
      }
    }
  });

  it('Types follow namespace/category/classifier with AWS namespaces and categories', () => {
    for (const f of Findings) {
      const types = f['Types'] as string[];
      expect(types.length).toBeGreaterThan(0);
      for (const t of types) {
        expect(t).toMatch(/^[^/]+\/[^/]+(\/[^/]+)?$/);
        const [ns, cat] = t.split('/');
        expect(Object.keys(ASFF_TYPE_TAXONOMY)).toContain(ns);
        const cats = ASFF_TYPE_TAXONOMY[ns!];
        if (cats) expect(cats).toContain(cat);
      }
    }
    const gr = Findings.find((f) => get(f, 'ProductFields.genai-ir/FindingId') === 'gr-weaken-3f9a1c2e');
    expect(gr?.['Types']).toContain(
      'TTPs/Defense Evasion/T1562.001 Impair Defenses: Disable or Modify Tools',
    );
  });

  it('takes account and region from the report, network and action from the source IP', () => {
    const gr = Findings.find((f) => get(f, 'ProductFields.genai-ir/FindingId') === 'gr-weaken-3f9a1c2e')!;
    expect(gr['AwsAccountId']).toBe('732610498215');
    expect(gr['ProductArn']).toBe('arn:aws:securityhub:us-east-1:732610498215:product/732610498215/default');
    expect(get(gr, 'Network.SourceIpV4')).toBe('196.196.53.17');
    expect(get(gr, 'Action.AwsApiCallAction.RemoteIpDetails.IpAddressV4')).toBe('196.196.53.17');
    const types = (gr['Resources'] as Array<Record<string, unknown>>).map((r) => r['Type']);
    expect(types).toEqual(expect.arrayContaining(['AwsIamUser', 'AwsIamAccessKey']));
  });

  it('falls back to 000000000000 / us-east-1 with a note, and truncates long text', () => {
    const r = load();
    r['accounts'] = undefined;
    r.coverage = { window: {}, gaps: [] };
    const f = r.findings[5]!; // no principals or resources
    f.title = 'T'.repeat(1000);
    f.description = 'D'.repeat(5000);
    const out = toAsff({ ...r, findings: [f] }).Findings[0]!;
    expect(out['AwsAccountId']).toBe('000000000000');
    expect(out['Region']).toBe('us-east-1');
    expect(get(out, 'ProductFields.genai-ir/Note')).toMatch(/account unknown/);
    expect((out['Title'] as string).length).toBe(256);
    expect((out['Description'] as string).length).toBe(1024);
    expect((out['Resources'] as Array<Record<string, unknown>>)[0]!['Type']).toBe('AwsAccount');
  });
});

describe('STIX 2.1', () => {
  const bundle = toStix(load());
  const ID = /^([a-z][a-z0-9-]*)--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('uuidv5 matches the RFC 4122 test vector', () => {
    expect(uuidv5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('is a bundle of well-formed objects with deterministic ids', () => {
    expect(bundle.type).toBe('bundle');
    expect(bundle.id).toMatch(ID);
    expect(bundle.id.startsWith('bundle--')).toBe(true);
    expect(toStix(load())).toEqual(bundle);
    const ids = new Set<string>();
    for (const o of bundle.objects) {
      const id = o['id'] as string;
      expect(id).toMatch(ID);
      expect(id.split('--')[0]).toBe(o['type']);
      expect(ids.has(id)).toBe(false);
      ids.add(id);
      expect(o['spec_version']).toBe('2.1');
      expect(o['created']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(o['modified']).toBe(o['created']);
    }
    for (const o of bundle.objects) {
      for (const k of ['created_by_ref', 'source_ref', 'target_ref'])
        if (o[k]) expect(ids.has(o[k] as string)).toBe(true);
      for (const r of (o['object_refs'] as string[] | undefined) ?? []) expect(ids.has(r)).toBe(true);
    }
  });

  it('indicators carry a STIX pattern, pattern_type and valid_from', () => {
    const ind = bundle.objects.filter((o) => o['type'] === 'indicator');
    expect(ind.length).toBeGreaterThanOrEqual(8);
    for (const i of ind) {
      expect(i['pattern']).toMatch(/^\[[a-z0-9-]+:.+ = '.*'\]$/);
      expect(i['pattern_type']).toBe('stix');
      expect(i['valid_from']).toMatch(/Z$/);
    }
    const patterns = ind.map((i) => i['pattern']);
    expect(patterns).toContain("[ipv4-addr:value = '196.196.53.17']");
    expect(patterns).toContain("[user-account:account_login = 'AKIAQBZRL53TBNYH5AZ4']");
    expect(patterns).toContain("[domain-name:value = 'cdn-pixel-metrics.net']");
    expect(bundle.objects.some((o) => o['type'] === 'attack-pattern')).toBe(true);
    expect(bundle.objects.filter((o) => o['type'] === 'report')).toHaveLength(1);
  });

  it('escapes quotes and backslashes in patterns', () => {
    expect(stixPattern({ type: 'url', value: "https://x/?a='b'\\c" })).toBe(
      "[url:value = 'https://x/?a=\\'b\\'\\\\c']",
    );
    expect(stixPattern({ type: 'other', value: 'x' })).toBeUndefined();
  });
});

describe('CSV exports', () => {
  it('csvCell quotes per RFC 4180 and guards formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('l1\nl2')).toBe('"l1\nl2"');
    for (const s of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx'])
      expect(csvCell(s).replace(/^"/, '')).toMatch(/^'/);
    expect(csvCell(42)).toBe('42');
  });

  it('iocsCsv has the header, one row per IOC, and survives a round trip', () => {
    const r = load();
    const text = iocsCsv(r);
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual(['type', 'value', 'first_seen', 'last_seen', 'context']);
    expect(rows).toHaveLength(collectIocs(r).length + 1);
    for (const row of rows) expect(row).toHaveLength(5);
    const formula = rows.find((x) => x[1]!.includes('HYPERLINK'))!;
    expect(formula[1]).toBe('\'=HYPERLINK("https://evil.example","click")');
    expect(formula[4]!.startsWith("'+")).toBe(true);
    for (const row of rows.slice(1)) for (const c of row) expect(c).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('timelineCsv and timelineJsonl have the Timesketch columns', () => {
    const r = load();
    const rows = parseCsv(timelineCsv(r.timeline));
    expect(rows[0]).toEqual([...TIMELINE_COLUMNS]);
    expect(rows).toHaveLength(r.timeline.length + 1);
    const first = Object.fromEntries(rows[0]!.map((k, i) => [k, rows[1]![i]]));
    expect(first['datetime']).toBe(new Date(r.timeline[0]!.time).toISOString());
    expect(Number(first['timestamp'])).toBe(Date.parse(r.timeline[0]!.time) * 1000);
    expect(first['message']).toBe(r.timeline[0]!.summary);
    expect(first['timestamp_desc']).toBe('CloudTrail Event Time');
    const lines = timelineJsonl(r.timeline).trimEnd().split('\n');
    expect(lines).toHaveLength(r.timeline.length);
    const j = lines.map((l) => JSON.parse(l));
    expect(j[2].actor).toBe(true);
    expect(j[2].event_ids).toEqual(['947e5d3f-2931-4d5c-96fa-04e1c395c1fa']);
    expect(j[0].declared).toMatch(/CHG-3107/);
    for (const x of j)
      for (const c of ['message', 'datetime', 'timestamp_desc', 'timestamp']) expect(x[c]).toBeDefined();
  });

  it('timeline exports skip undated entries and keep microseconds', () => {
    const rows = JSON.parse(
      `[${timelineJsonl([
        { time: 'not a time', summary: 'x', evidence: {} },
        { time: '2025-06-04T03:02:40.123456Z', summary: 'y', evidence: {} },
      ]).trim()}]`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].timestamp).toBe(Date.parse('2025-06-04T03:02:40Z') * 1000 + 123456);
  });
});

describe('Mermaid entity graph', () => {
  it('generates its own node ids and escapes labels', () => {
    const r = load();
    const out = entityGraphMermaid(r['graph'] as never);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toBe('flowchart LR');
    for (const l of lines.slice(1)) {
      expect(l).toMatch(
        /^ {2}(n\d+(\[|\[\/|\(\(|\[\(|\{\{|\[\[|>)"[^"]*"(\]|\/\]|\)\)|\)\]|\}\}|\]\]):::t_[a-z_]+|n\d+ -->(\|"[^"|]*"\|)? n\d+|classDef t_[a-z_]+ [a-z#0-9:,]+)$/,
      );
    }
    expect(out).toContain('#quot;#93;#59; click n0 call alert#40;1#41; #37;#37; #lt;b#gt;');
    expect(out).not.toContain('`');
  });
});

describe('next steps', () => {
  it('are derived from scope and verdicts when the analysis gives none', () => {
    const r = load();
    const steps = deriveRecommendations(r);
    const key = steps.find((s) => s.targets?.includes('AKIAQBZRL53TBNYH5AZ4'));
    expect(key?.action).toMatch(/Deactivate/);
    const gr = steps.find((s) => /guardrail/i.test(s.action) && s.phase === 'eradicate');
    expect(gr?.targets).toEqual(['arn:aws:bedrock:us-east-1:732610498215:guardrail/bknqvroneh7f']);
    expect(steps.some((s) => s.targets?.includes('196.196.53.17'))).toBe(true);
    expect(nextSteps(r).derived).toBe(true);
  });

  it('report.recommendations wins when present', () => {
    const r = load();
    r['recommendations'] = [
      'Rotate the partner key',
      { phase: 'recover', action: 'Re-sync KB', targets: ['KB1'] },
    ];
    const { steps, derived } = nextSteps(r);
    expect(derived).toBe(false);
    expect(steps.map((s) => s.action)).toEqual(['Rotate the partner key', 'Re-sync KB']);
  });
});
