/**
 * STIX 2.1 bundle of the report's indicators: an identity for genai-ir, one indicator per IOC,
 * attack-pattern objects for the ATT&CK / ATLAS techniques of the findings that name the IOC,
 * `indicates` relationships, and a report object referencing them all. Ids are UUIDv5 derived from
 * content, timestamps from the report, so the same report gives the same bundle.
 */
import { createHash } from 'node:crypto';
import type { Report } from '../model/types.js';
import { techniqueName } from './attack.js';
import { cmp, fmtWindow } from './common.js';
import { visible } from './escape.js';
import { collectIocs, type Ioc } from './iocs.js';

const NS_URL = '6ba7b811-9dad-11d1-80b4-00c04fd430c8';

/** RFC 4122 version-5 UUID of `name` in `namespace`. */
export function uuidv5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const h = hash.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The namespace of genai-ir's STIX ids. */
export const GENAI_IR_NAMESPACE = uuidv5('https://github.com/genai-ir/genai-ir#stix', NS_URL);

const sid = (type: string, key: string) => `${type}--${uuidv5(`${type}|${key}`, GENAI_IR_NAMESPACE)}`;

/** A STIX pattern string literal: quotes and backslashes escaped. */
export function stixString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** The STIX pattern of an IOC, or undefined for types STIX has no object for. */
export function stixPattern(i: Ioc): string | undefined {
  const v = stixString(i.value);
  switch (i.type) {
    case 'ipv4':
      return `[ipv4-addr:value = ${v}]`;
    case 'ipv6':
      return `[ipv6-addr:value = ${v}]`;
    case 'aws-access-key-id':
      return `[user-account:account_login = ${v}]`;
    case 'aws-principal-arn':
      return `[user-account:user_id = ${v}]`;
    case 'domain':
      return `[domain-name:value = ${v}]`;
    case 'url':
      return `[url:value = ${v}]`;
    case 'email':
      return `[email-addr:value = ${v}]`;
    case 'user-agent':
      return `[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = ${v}]`;
    case 'sha256':
      return `[file:hashes.'SHA-256' = ${v}]`;
    default:
      return undefined;
  }
}

function ts(s: string | undefined, fallback: string): string {
  const t = s ? Date.parse(s) : Number.NaN;
  return Number.isNaN(t) ? fallback : new Date(t).toISOString();
}

export function toStix(report: Report): { type: 'bundle'; id: string; objects: Record<string, unknown>[] } {
  const generated = ts(report.generatedAt, new Date(0).toISOString());
  const identityId = sid('identity', 'genai-ir');
  const identity = {
    type: 'identity',
    spec_version: '2.1',
    id: identityId,
    created: generated,
    modified: generated,
    name: 'genai-ir',
    identity_class: 'system',
    description: 'genai-ir: incident response for generative-AI workloads on AWS',
  };
  const indicators: Record<string, unknown>[] = [];
  const patterns = new Map<string, Record<string, unknown>>();
  const relationships: Record<string, unknown>[] = [];
  const techniques = new Set<string>();
  const iocs = collectIocs(report).sort((a, b) => cmp(a.type, b.type) || cmp(a.value, b.value));
  for (const i of iocs) {
    const pattern = stixPattern(i);
    if (!pattern) continue;
    const id = sid('indicator', pattern);
    if (indicators.some((x) => x['id'] === id)) continue;
    const compromisedCredential = i.type === 'aws-access-key-id' || i.type === 'aws-principal-arn';
    const validFrom = ts(i.firstSeen, generated);
    const ind: Record<string, unknown> = {
      type: 'indicator',
      spec_version: '2.1',
      id,
      created_by_ref: identityId,
      created: generated,
      modified: generated,
      name: visible(`${i.type} ${i.value}`).slice(0, 300),
      description: visible(i.context ?? '').slice(0, 2000) || undefined,
      indicator_types: [compromisedCredential ? 'compromised' : 'malicious-activity'],
      pattern,
      pattern_type: 'stix',
      pattern_version: '2.1',
      valid_from: validFrom,
      labels: ['genai-ir', i.type],
    };
    if (ind['description'] === undefined) delete ind['description'];
    indicators.push(ind);
    // techniques of the findings that name this indicator
    const related = report.findings.filter(
      (f) =>
        f.sourceIps?.includes(i.value) ||
        f.accessKeyIds?.includes(i.value) ||
        f.principals?.includes(i.value),
    );
    const techs = [...new Set(related.flatMap((f) => f.attack ?? []))].sort();
    for (const t of techs) {
      const apId = sid('attack-pattern', t);
      techniques.add(t);
      if (!patterns.has(t)) {
        const atlas = t.startsWith('AML.');
        patterns.set(t, {
          type: 'attack-pattern',
          spec_version: '2.1',
          id: apId,
          created_by_ref: identityId,
          created: generated,
          modified: generated,
          name: visible(techniqueName(t) ?? t).slice(0, 300),
          external_references: [{ source_name: atlas ? 'mitre-atlas' : 'mitre-attack', external_id: t }],
        });
      }
      relationships.push({
        type: 'relationship',
        spec_version: '2.1',
        id: sid('relationship', `${id}|indicates|${apId}`),
        created_by_ref: identityId,
        created: generated,
        modified: generated,
        relationship_type: 'indicates',
        source_ref: id,
        target_ref: apId,
      });
    }
  }
  const attackPatterns = [...techniques].sort().map((t) => patterns.get(t)!);
  const members = [identity, ...indicators, ...attackPatterns, ...relationships];
  const refs = members.map((o) => o.id as string);
  const reportObj = {
    type: 'report',
    spec_version: '2.1',
    id: sid('report', `${generated}|${refs.join(',')}`),
    created_by_ref: identityId,
    created: generated,
    modified: generated,
    name: `genai-ir investigation, incident window ${fmtWindow(report.scope?.window)}`,
    report_types: ['threat-actor', 'indicator', 'attack-pattern'],
    published: generated,
    object_refs: refs,
  };
  const objects = [...members, reportObj];
  return {
    type: 'bundle',
    id: sid('bundle', objects.map((o) => o.id as string).join(',')),
    objects,
  };
}
