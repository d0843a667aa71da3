/**
 * Indicators of compromise: the scope's threat-actor addresses, access keys and principals, plus the
 * analysis' own `report.iocs` (domains, URLs, user agents...). First/last seen come from the findings
 * that name the indicator, else from the scope window.
 */
import { isIP } from 'node:net';
import type { Report } from '../model/types.js';
import { cmp } from './common.js';
import { csv } from './escape.js';
import { getExtraIocs, type Ioc } from './extras.js';

export type { Ioc };

export function ipType(v: string): 'ipv4' | 'ipv6' | undefined {
  const t = isIP(v);
  return t === 4 ? 'ipv4' : t === 6 ? 'ipv6' : undefined;
}

export function collectIocs(report: Report): Ioc[] {
  const out = new Map<string, Ioc>();
  const scope = report.scope;
  const add = (type: string, value: string, context: string) => {
    const key = `${type}\u0000${value}`;
    if (out.has(key)) return;
    const related = report.findings.filter(
      (f) => f.sourceIps?.includes(value) || f.accessKeyIds?.includes(value) || f.principals?.includes(value),
    );
    let first: string | undefined;
    let last: string | undefined;
    for (const f of related) {
      if (f.firstSeen && (!first || f.firstSeen < first)) first = f.firstSeen;
      if (f.lastSeen && (!last || f.lastSeen > last)) last = f.lastSeen;
    }
    const ids = related.map((f) => f.id);
    const ctx = ids.length
      ? `${context}; findings: ${ids.slice(0, 5).join(' ')}${ids.length > 5 ? ` (+${ids.length - 5})` : ''}`
      : context;
    out.set(key, {
      type,
      value,
      firstSeen: first ?? scope?.window?.start,
      lastSeen: last ?? scope?.window?.end,
      context: ctx,
    });
  };
  for (const ip of scope?.sourceIps ?? []) add(ipType(ip) ?? 'other', ip, 'threat-actor source address');
  for (const k of scope?.accessKeyIds ?? [])
    add('aws-access-key-id', k, 'access key used by the threat actor');
  for (const p of scope?.principals ?? []) add('aws-principal-arn', p, 'compromised or misused principal');
  for (const x of getExtraIocs(report)) {
    const key = `${x.type}\u0000${x.value}`;
    if (!out.has(key)) out.set(key, x);
  }
  return [...out.values()];
}

/** IOC CSV: `type,value,first_seen,last_seen,context`; CSV-escaped with the formula-injection guard. */
export function iocsCsv(report: Report): string {
  const rows = collectIocs(report)
    .sort((a, b) => cmp(a.type, b.type) || cmp(a.value, b.value))
    .map((i) => [i.type, i.value, i.firstSeen ?? '', i.lastSeen ?? '', i.context ?? '']);
  return csv(['type', 'value', 'first_seen', 'last_seen', 'context'], rows);
}
