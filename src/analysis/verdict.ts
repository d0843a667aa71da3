/**
 * A verdict per element and per component: from the findings that name it, their severity and
 * whether they belong to the scoped actor; `no-evidence` where the element's logs were not supplied.
 */
import { SEVERITY_RANK } from '../engine/detector.js';
import {
  COMPONENTS,
  type Component,
  ELEMENTS,
  type Element,
  type ElementVerdict,
  type Finding,
  type Scope,
} from '../model/types.js';
import type { ScopeResult } from './scope.js';

const QUESTION: Record<Element, string> = {
  access: 'who accessed the application, models and account, from where and how',
  'infrastructure-changes': 'what changed in compute, network, IAM and logging',
  'ai-changes': 'what changed in models, guardrails, agents, prompts and invocation logging',
  'data-store-changes': 'which knowledge bases, vector stores and training data were read or changed',
  invocation: 'which prompts attacked or abused the models, and which got through',
  'private-data': 'what sensitive data was exposed or tampered with, and to whom',
  agency: 'what the application and its agents did beyond intent',
};

const NO_LOGS: Record<Element, string> = {
  access: 'CloudTrail',
  'infrastructure-changes': 'CloudTrail',
  'ai-changes': 'CloudTrail',
  'data-store-changes': 'CloudTrail data events or knowledge-base logs',
  invocation: 'model invocation logs or CloudTrail',
  'private-data': 'model invocation logs',
  agency: 'agent traces, IAM authorization details or CloudTrail',
};

function isCounted(f: Finding): boolean {
  return !(f.details && (f.details.declared || f.details.notActor));
}

function summarise(label: string, fs: Finding[], status: ElementVerdict['status'], scope: Scope): string {
  if (status === 'no-evidence') return label;
  const severe = fs.filter((f) => SEVERITY_RANK[f.severity] >= SEVERITY_RANK.medium && isCounted(f));
  if (!severe.length) {
    const low = fs.length ? ` ${fs.length} lower-severity or explained observation(s) reviewed.` : '';
    return `No sign of compromise.${low}`;
  }
  const titles = [...new Set(severe.map((f) => f.title))].slice(0, 4);
  const who = scope.principals.length ? ` Actor principals: ${scope.principals.slice(0, 3).join(', ')}.` : '';
  const from = scope.sourceIps.length ? ` From: ${scope.sourceIps.slice(0, 5).join(', ')}.` : '';
  return `${severe.length} finding(s): ${titles.join('; ')}${severe.length > titles.length ? '; ...' : ''}.${who}${from}`;
}

export function elementVerdicts(
  findings: Finding[],
  scope: Scope,
  missingFor: Element[],
  sc?: ScopeResult,
): Record<Element, ElementVerdict> {
  const out = {} as Record<Element, ElementVerdict>;
  for (const el of ELEMENTS) {
    const fs = findings.filter((f) => f.elements.includes(el));
    const v = verdictOf(
      fs,
      scope,
      missingFor.includes(el),
      `${QUESTION[el]}: not judged, ${NO_LOGS[el]} not supplied`,
    );
    if (sc && (v.status === 'compromised' || v.status === 'suspicious')) {
      const facts = elementFacts(el, sc);
      if (facts) v.summary = `${facts} ${v.summary}`;
    }
    out[el] = v;
  }
  return out;
}

const list = (xs: string[], n = 4): string =>
  xs.length > n ? `${xs.slice(0, n).join(', ')} and ${xs.length - n} more` : xs.join(', ');

/** The methodology's questions for an element, answered from the scoped actor's own records. */
function elementFacts(el: Element, sc: ScopeResult): string {
  const s = sc.scope;
  const t = sc.touched.get(el);
  switch (el) {
    case 'access': {
      if (!s.principals.length) return '';
      const how: string[] = [];
      const longTerm = s.accessKeyIds.filter((k) => k.startsWith('AKIA'));
      const session = s.accessKeyIds.filter((k) => k.startsWith('ASIA'));
      if (longTerm.length) how.push(`long-term access key(s) ${list(longTerm)}`);
      for (const o of sc.sessions) how.push(`session key ${o.accessKeyId} issued to ${o.caller}`);
      const unissued = session.filter((k) => !sc.sessions.some((o) => o.accessKeyId === k));
      // by what the identity that used each key says it is (a person's SSO session, an instance's role)
      const byKind = new Map<string, string[]>();
      for (const k of unissued) {
        const kind = sc.sessionKinds?.[k] ?? 'workload or instance credentials used elsewhere';
        byKind.set(kind, [...(byKind.get(kind) ?? []), k]);
      }
      for (const [kind, keys] of [...byKind].sort(([a], [b]) => a.localeCompare(b)))
        how.push(`session key(s) ${list(keys)} (${kind})`);
      if (!how.length)
        how.push("an application acting on the actor's input (no AWS credentials of the actor)");
      return `Who: ${list(s.principals)}. From: ${list(s.sourceIps, 6) || 'unknown addresses'}. Since: ${s.window.start ?? 'unknown'} (last ${s.window.end ?? 'unknown'}). How: ${how.join('; ')}.`;
    }
    case 'infrastructure-changes':
    case 'ai-changes':
    case 'data-store-changes': {
      if (!t?.changes.length) return '';
      return `The actor changed: ${list([...t.changedActions].sort(), 6)} (${t.changes.length} record(s)) on ${list([...t.resources].sort(), 5) || 'resources named in the records'}.`;
    }
    case 'invocation': {
      const n = sc.actor.requestIds.length;
      const calls = t ? t.changes.length + t.other.length : 0;
      if (!n && !calls) return '';
      return `The actor's model use: ${n} logged invocation(s), ${calls} runtime call(s) in CloudTrail.`;
    }
    default:
      return '';
  }
}

export function componentVerdicts(findings: Finding[], scope: Scope): Record<Component, ElementVerdict> {
  const out = {} as Record<Component, ElementVerdict>;
  for (const c of COMPONENTS) {
    const fs = findings.filter((f) => f.components?.includes(c));
    out[c] = verdictOf(fs, scope, false, '');
  }
  return out;
}

function verdictOf(fs: Finding[], scope: Scope, noLogs: boolean, noLogsText: string): ElementVerdict {
  const counted = fs.filter(isCounted);
  const max = counted.reduce((m, f) => Math.max(m, SEVERITY_RANK[f.severity]), -1);
  let status: ElementVerdict['status'];
  if (max >= SEVERITY_RANK.high) status = 'compromised';
  else if (max >= SEVERITY_RANK.medium) status = 'suspicious';
  else status = noLogs && !fs.length ? 'no-evidence' : 'clear';
  return {
    status,
    summary: summarise(noLogsText, fs, status, scope),
    findingIds: fs.map((f) => f.id).sort(),
  };
}
