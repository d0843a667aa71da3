/**
 * Which Lambda function executes each action group of an agent, read from the agent configuration
 * records in CloudTrail rather than guessed from names: `actionGroupExecutor.lambda` (a function
 * ARN) in the request of `CreateAgentActionGroup` / `UpdateAgentActionGroup` and in
 * `responseElements.agentActionGroup` of those and of `GetAgentActionGroup`. CloudTrail may hide the
 * action-group name (`***`); the group's id then ties the record to a name seen elsewhere (another
 * record of the group, or a `ListAgentActionGroups` summary). The executor value is evidence, so
 * hostile text: only a well-formed Lambda function ARN, partial ARN or name is kept.
 */
import type { Queryable } from '../store/case-store.js';
import { actionList, type CtRow, jsonObject, loadEvents, memo } from './context.js';

/** One record naming the function an agent's action group runs on. */
export interface ExecutorLink {
  agentId: string;
  groupId: string | null;
  /** the action group's name (as agent traces show it), null when no record shows it */
  group: string | null;
  /** the function's name, without qualifier */
  fn: string;
  ms: number;
  eventId: string;
}

const EXECUTOR_MAX = 300;
const FN_NAME = '[A-Za-z0-9_-]{1,64}';
const QUALIFIER = '(?::[A-Za-z0-9$_-]{1,128})?';
const LAMBDA_REF = new RegExp(
  `^(?:arn:aws[a-z-]{0,20}:lambda:[a-z0-9-]{1,32}:\\d{12}:function:|(?:\\d{12}:)?function:)?(${FN_NAME})${QUALIFIER}$`,
);
/** Action-group names and ids as the Bedrock API allows them (a hidden `***` is neither). */
const GROUP_NAME = /^(?:[0-9a-zA-Z][_-]?){1,100}$/;
const ID = /^[0-9a-zA-Z]{1,64}$/;

/**
 * The Lambda function an `actionGroupExecutor` value names, or null when the value is absent,
 * hidden, not an object with a string `lambda`, or not a function ARN, partial ARN or name.
 */
export function executorFunction(v: unknown): string | null {
  const l = jsonObject(v)?.lambda;
  if (typeof l !== 'string' || !l || l.length > EXECUTOR_MAX) return null;
  const m = LAMBDA_REF.exec(l);
  return m ? m[1] : null;
}

const text = (v: unknown, re: RegExp): string | null => (typeof v === 'string' && re.test(v) ? v : null);

/** The executor links of successful action-group records, time-ordered, with names resolved by id. */
export function executorLinksOf(rows: CtRow[]): ExecutorLink[] {
  const names = new Map<string, string>();
  const links: ExecutorLink[] = [];
  const remember = (agentId: string | null, groupId: string | null, group: string | null) => {
    if (agentId && groupId && group) names.set(`${agentId}\0${groupId}`, group);
  };
  const ordered = [...rows].sort((a, b) =>
    a.time < b.time ? -1 : a.time > b.time ? 1 : a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0,
  );
  for (const r of ordered) {
    if (r.errorCode) continue;
    const req = r.req ?? {};
    if (r.action === 'ListAgentActionGroups') {
      const summaries = r.resp?.actionGroupSummaries;
      if (Array.isArray(summaries))
        for (const s of summaries.slice(0, 1000)) {
          const o = jsonObject(s);
          remember(text(req.agentId, ID), text(o?.actionGroupId, ID), text(o?.actionGroupName, GROUP_NAME));
        }
      continue;
    }
    const resp = jsonObject(r.resp?.agentActionGroup);
    const agentId = text(resp?.agentId, ID) ?? text(req.agentId, ID);
    const groupId = text(resp?.actionGroupId, ID) ?? text(req.actionGroupId, ID);
    const group = text(resp?.actionGroupName, GROUP_NAME) ?? text(req.actionGroupName, GROUP_NAME);
    remember(agentId, groupId, group);
    if (r.action === 'DeleteAgentActionGroup' || !agentId) continue;
    const fn =
      executorFunction(resp?.actionGroupExecutor) ??
      (r.action === 'GetAgentActionGroup' ? null : executorFunction(req.actionGroupExecutor));
    if (!fn) continue;
    links.push({ agentId, groupId, group, fn, ms: Date.parse(r.time), eventId: r.eventId });
  }
  for (const l of links) if (!l.group && l.groupId) l.group = names.get(`${l.agentId}\0${l.groupId}`) ?? null;
  return links;
}

const EXECUTOR_ACTIONS = [
  'CreateAgentActionGroup',
  'UpdateAgentActionGroup',
  'GetAgentActionGroup',
  'ListAgentActionGroups',
  'DeleteAgentActionGroup',
];

/** The case's executor links (cached per run when `shared` is given). */
export function actionGroupExecutors(db: Queryable, shared?: Map<string, unknown>): Promise<ExecutorLink[]> {
  const load = async () =>
    executorLinksOf(
      await loadEvents(db, `action IN (${actionList(EXECUTOR_ACTIONS)}) AND error_code IS NULL`, [], {
        extra: false,
      }),
    );
  return shared ? memo(shared, 'action-group-executors', load) : load();
}

/**
 * The function that executed an agent's action group at a time: the latest record at or before it,
 * else the earliest after it (the configuration a later record shows is the best evidence there is).
 */
export function executorAt(
  links: ExecutorLink[],
  agentId: string | null,
  group: string | null,
  ms: number,
): string | null {
  if (!agentId || !group) return null;
  let before: ExecutorLink | null = null;
  let after: ExecutorLink | null = null;
  for (const l of links) {
    if (l.agentId !== agentId || l.group !== group) continue;
    if (l.ms <= ms) before = l;
    else if (!after) after = l;
  }
  return (before ?? after)?.fn ?? null;
}
