/**
 * Context a responder adds to the evidence (see shared contracts):
 * - declared activities `{"activities":[{type, ticket, owner, window:{start,end}, sourceIps,
 *   principals, sourceIdentity, scope}]}` → `ContextEntry` kind `declared-activity`;
 * - a change calendar `{"changes":[{ticket, window:{start,end}, owner, summary}]}` → kind
 *   `planned-change`.
 * - an application inventory `{"applications":[{name, lambda, role, knowledgeBase, agent, notes}]}` →
 *   kind `application` (no window: what each application is and runs as, e.g. a support tool that
 *   reads every tenant's documents by design).
 * Recognised by content (the list key and the shape of its entries), never by file name.
 * Identity: uid `<kind>:<ticket>:<hash of the entry>`: the same entry in two files is stored once.
 */
import type { ContextEntry } from '../model/types.js';
import { RecordError, type Row, type SourceReader } from './types.js';
import { isObj, isoTime, sha256, str, strings } from './util.js';

const ENTRY_KEYS = ['window', 'ticket', 'summary', 'scope', 'owner', 'type', 'sourceIps', 'principals'];

function looksLikeEntry(v: unknown): boolean {
  return isObj(v) && ENTRY_KEYS.filter((k) => k in v).length >= 2;
}

/** `{"<key>":[entries]}`; an empty list counts when the object holds nothing else. */
function entryList(v: unknown, key: string): unknown[] | null {
  if (!isObj(v) || !Array.isArray(v[key])) return null;
  const list = v[key] as unknown[];
  if (list.length === 0) return Object.keys(v).length === 1 ? list : null;
  return looksLikeEntry(list[0]) ? list : null;
}

function strList(v: unknown): string[] {
  if (typeof v === 'string') return v ? [v] : [];
  return strings(v);
}

function normalizeEntry(rec: unknown, kind: ContextEntry['kind']): Row {
  if (!isObj(rec)) throw new RecordError(`${kind} entry is not an object`);
  const window = isObj(rec.window) ? rec.window : {};
  const start = rec.start ?? window.start;
  const end = rec.end ?? window.end;
  const startIso = isoTime(start);
  const endIso = isoTime(end);
  if (start !== undefined && start !== null && !startIso)
    throw new RecordError(
      `${kind} with an unreadable window start ${JSON.stringify(String(start).slice(0, 40))}`,
    );
  if (end !== undefined && end !== null && !endIso)
    throw new RecordError(
      `${kind} with an unreadable window end ${JSON.stringify(String(end).slice(0, 40))}`,
    );
  const ticket = str(rec.ticket) ?? str(rec.id);
  const text =
    kind === 'declared-activity'
      ? (str(rec.scope) ?? str(rec.description) ?? str(rec.summary) ?? '')
      : (str(rec.summary) ?? str(rec.description) ?? str(rec.scope) ?? '');
  const row: Omit<ContextEntry, 'raw' | 'fileId' | 'idx'> = {
    uid: `${kind}:${ticket ?? ''}:${sha256(JSON.stringify(rec)).slice(0, 16)}`,
    kind,
    type: str(rec.type) ?? (kind === 'planned-change' ? 'change' : null),
    ticket,
    owner: str(rec.owner),
    start: startIso,
    end: endIso,
    sourceIps: strList(rec.sourceIps ?? rec.sourceIp),
    principals: strList(rec.principals ?? rec.principal),
    sourceIdentity: str(rec.sourceIdentity),
    text,
  };
  return row as unknown as Row;
}

export const declaredActivities: SourceReader = {
  format: 'declared-activities',
  table: 'context_entries',
  recognize: (v) => entryList(v, 'activities') !== null,
  unwrap: (v) => entryList(v, 'activities') ?? [],
  normalize: (rec) => normalizeEntry(rec, 'declared-activity'),
};

const APP_KEYS = [
  'lambda',
  'function',
  'functions',
  'role',
  'roles',
  'knowledgeBase',
  'agent',
  'notes',
  'description',
];

function looksLikeApp(v: unknown): boolean {
  return isObj(v) && typeof v.name === 'string' && APP_KEYS.some((k) => k in v);
}

function appList(v: unknown): unknown[] | null {
  if (!isObj(v) || !Array.isArray(v.applications)) return null;
  const list = v.applications as unknown[];
  if (list.length === 0) return Object.keys(v).length <= 3 ? list : null;
  return looksLikeApp(list[0]) ? list : null;
}

function normalizeApp(rec: unknown): Row {
  if (!isObj(rec) || typeof rec.name !== 'string') throw new RecordError('application entry without a name');
  const names = [
    ...strList(rec.role),
    ...strList(rec.roles),
    ...strList(rec.lambda),
    ...strList(rec.function),
    ...strList(rec.functions),
    ...strList(rec.knowledgeBase),
    ...strList(rec.agent),
  ]
    .map((x) => x.trim().slice(0, 512))
    .filter(Boolean);
  const row: Omit<ContextEntry, 'raw' | 'fileId' | 'idx'> = {
    uid: `application:${rec.name}:${sha256(JSON.stringify(rec)).slice(0, 16)}`,
    kind: 'application',
    type: 'application',
    ticket: rec.name.slice(0, 200),
    owner: str(rec.owner),
    start: null,
    end: null,
    sourceIps: [],
    principals: [...new Set(names)],
    sourceIdentity: null,
    text: (str(rec.notes) ?? str(rec.description) ?? '').slice(0, 4000),
  };
  return row as unknown as Row;
}

export const applicationInventory: SourceReader = {
  format: 'application-inventory',
  table: 'context_entries',
  recognize: (v) => appList(v) !== null,
  unwrap: (v) => appList(v) ?? [],
  normalize: (rec) => normalizeApp(rec),
};

export const changeCalendar: SourceReader = {
  format: 'change-calendar',
  table: 'context_entries',
  recognize: (v) => entryList(v, 'changes') !== null,
  unwrap: (v) => entryList(v, 'changes') ?? [],
  normalize: (rec) => normalizeEntry(rec, 'planned-change'),
};
