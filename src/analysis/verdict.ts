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
): Record<Element, ElementVerdict> {
  const out = {} as Record<Element, ElementVerdict>;
  for (const el of ELEMENTS) {
    const fs = findings.filter((f) => f.elements.includes(el));
    out[el] = verdictOf(
      fs,
      scope,
      missingFor.includes(el),
      `${QUESTION[el]}: not judged, ${NO_LOGS[el]} not supplied`,
    );
  }
  return out;
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
