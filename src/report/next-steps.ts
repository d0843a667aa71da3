/**
 * Recommended next steps: `report.recommendations` when the analysis supplied them, else derived
 * from the scope, the element verdicts, the findings' components and the coverage gaps.
 * The action texts are ours; targets are evidence-derived values and are escaped by each writer.
 */
import type { Component, Element, Report } from '../model/types.js';
import { statusOf } from './common.js';
import { getRecommendations, type Recommendation } from './extras.js';

export const PHASE_ORDER = ['contain', 'eradicate', 'recover', 'investigate', 'harden'];

function affected(e: Element, report: Report): boolean {
  const s = statusOf(report.elements?.[e]?.status);
  return s === 'compromised' || s === 'suspicious';
}

function uniq(xs: string[]): string[] {
  return [...new Set(xs)];
}

/**
 * Resources named by non-informational findings of an element that touch a component (e.g. the
 * guardrails of ai-changes findings), optionally filtered by a predicate on the resource string.
 */
function resourcesOf(
  report: Report,
  e: Element,
  c: Component,
  pick: (r: string) => boolean = () => true,
): string[] {
  const scope = new Set(report.scope?.resources ?? []);
  const rs = report.findings
    .filter((f) => f.elements?.includes(e) && f.components?.includes(c) && f.severity !== 'informational')
    .flatMap((f) => f.resources ?? [])
    .filter(pick);
  // prefer resources that are also in the scope when there are any
  const inScope = rs.filter((r) => scope.has(r));
  return uniq(inScope.length ? inScope : rs).sort();
}

/** A model id or model ARN (foundation, custom, imported, provisioned, inference profile). */
function isModel(r: string): boolean {
  return (
    /:(foundation-model|custom-model|imported-model|provisioned-model|inference-profile|application-inference-profile)\//.test(
      r,
    ) || /^[a-z0-9-]+\.[a-z0-9-]+[a-z0-9.:-]*$/.test(r)
  );
}

export function deriveRecommendations(report: Report): Recommendation[] {
  const out: Recommendation[] = [];
  const s = report.scope ?? { principals: [], accessKeyIds: [], sourceIps: [], resources: [], window: {} };
  const keys = [...(s.accessKeyIds ?? [])].sort();
  const longTerm = keys.filter((k) => k.startsWith('AKIA'));
  const temporary = keys.filter((k) => !k.startsWith('AKIA'));
  const principals = [...(s.principals ?? [])].sort();
  const users = principals.filter((p) => /:user\//.test(p));
  const roles = principals.filter((p) => /:role\//.test(p) || /:assumed-role\//.test(p));
  const root = principals.filter((p) => /:root$/.test(p));

  if (longTerm.length)
    out.push({
      phase: 'contain',
      action:
        'Deactivate the access keys used by the threat actor (aws iam update-access-key --status Inactive), then delete and rotate them.',
      targets: longTerm,
    });
  if (temporary.length || roles.length)
    out.push({
      phase: 'contain',
      action:
        'Revoke the roles\' active sessions (IAM console "Revoke active sessions", i.e. an AWSRevokeOlderSessions deny) so stolen temporary credentials stop working.',
      targets: uniq([...roles, ...temporary]),
    });
  if (users.length)
    out.push({
      phase: 'contain',
      action:
        'Disable console access and reset the password of the misused IAM users; enforce MFA; review their other keys.',
      targets: users,
    });
  if (root.length)
    out.push({
      phase: 'contain',
      action:
        'Secure the root user: rotate the password, verify the MFA device, delete any root access keys.',
      targets: root,
    });
  if (s.sourceIps?.length)
    out.push({
      phase: 'contain',
      action:
        'Block the threat-actor source addresses (WAF IP set, network ACLs, aws:SourceIp deny in an SCP) and hunt for other activity from them.',
      targets: [...s.sourceIps].sort(),
    });

  if (affected('ai-changes', report)) {
    const guardrails = resourcesOf(report, 'ai-changes', 'guardrails', (r) => !isModel(r));
    if (guardrails.length)
      out.push({
        phase: 'eradicate',
        action:
          'Revert the guardrails to the last known-good version and point the application at that version explicitly (not DRAFT or latest).',
        targets: guardrails,
      });
    const models = uniq([
      ...resourcesOf(report, 'ai-changes', 'custom-models', isModel),
      ...resourcesOf(report, 'ai-changes', 'foundation-models', isModel),
    ]);
    if (models.length)
      out.push({
        phase: 'eradicate',
        action:
          'Restore the model configuration the application uses (model ids, custom model deployments, parameters) to the approved values.',
        targets: models,
      });
    out.push({
      phase: 'recover',
      action:
        'Verify that model invocation logging is enabled in every Region and that its destination is intact.',
    });
  }
  if (affected('infrastructure-changes', report))
    out.push({
      phase: 'eradicate',
      action:
        'Remove the persistence the threat actor created (IAM users, keys, roles, policies, functions, instances) and re-enable any disabled CloudTrail trails or logging.',
      targets: [...(s.resources ?? [])].sort().slice(0, 50),
    });
  if (affected('data-store-changes', report)) {
    const kbs = uniq([
      ...resourcesOf(report, 'data-store-changes', 'knowledge-bases'),
      ...resourcesOf(report, 'data-store-changes', 'training-data'),
    ]);
    out.push({
      phase: 'recover',
      action:
        'Remove the poisoned documents from the knowledge-base or training sources, restore known-good object versions and re-sync the knowledge bases.',
      targets: kbs,
    });
  }
  if (affected('agency', report)) {
    const tools = uniq([
      ...resourcesOf(report, 'agency', 'agents'),
      ...resourcesOf(report, 'agency', 'plugins'),
    ]);
    out.push({
      phase: 'eradicate',
      action:
        "Restrict the agents' action groups and tool permissions to least privilege, require confirmation for side effects, and rotate any integration secrets they could reach.",
      targets: tools,
    });
  }
  if (affected('invocation', report))
    out.push({
      phase: 'harden',
      action:
        'Strengthen input protection: guardrail prompt-attack filter at HIGH, denied topics, per-user rate and token limits; alert on unusual models and Regions.',
    });
  if (affected('private-data', report))
    out.push({
      phase: 'investigate',
      action:
        'Determine which personal or confidential data was exposed and to whom; engage privacy and legal for notification duties.',
    });
  if (affected('access', report) && !keys.length && !principals.length)
    out.push({
      phase: 'investigate',
      action:
        'Identify the principals behind the unusual access and confirm with their owners whether the activity was theirs.',
    });
  for (const gap of report.coverage?.gaps ?? [])
    out.push({
      phase: 'investigate',
      action: 'Collect the missing evidence to close this coverage gap.',
      targets: [gap],
    });
  return out.map((r) => (r.targets && r.targets.length === 0 ? { phase: r.phase, action: r.action } : r));
}

/** The steps to show: the analysis' own when present, else derived; ordered by phase (stable). */
export function nextSteps(report: Report): { steps: Recommendation[]; derived: boolean } {
  const given = getRecommendations(report);
  const steps = given ?? deriveRecommendations(report);
  const rank = (p: string) => {
    const i = PHASE_ORDER.indexOf(p);
    return i < 0 ? PHASE_ORDER.length : i;
  };
  const sorted = steps
    .map((s, i) => ({ s, i }))
    .sort((a, b) => rank(a.s.phase) - rank(b.s.phase) || a.i - b.i);
  return { steps: sorted.map((x) => x.s), derived: given === undefined };
}
